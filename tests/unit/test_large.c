/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_large.c - large replies (PAGEC_LARGE, docs/large-pages.md): a page
 * longer than one segment, fetched from the buffered API by a client
 * written here. The client keeps what a TCP receiver keeps (the bytes
 * received, its cumulative ACK, SACK blocks, TS.Recent as RFC 7323 says)
 * and checks every datagram with the test's own checksums; the page it
 * assembles is compared with the file read from the site's folder, the
 * ISN with pagec_isn() (tested against reference vectors in test_isn.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper.h"
#include "large_site.h"
#include "pagec/pagec.h"

#if PAGEC_LARGE

static const uint8_t client[4] = {192, 0, 2, 1};
static const uint8_t server[4] = {192, 0, 2, 2};
static const uint8_t key[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static struct pagec_server srv;
static uint32_t clock_ms; /* the server's millisecond clock */
static struct pagec_reply reply;

static uint32_t test_millis(const struct pagec_server *s)
{
    (void)s;
    return clock_ms;
}

/* the table of connections without SACK: as the buffered API left it,
 * and as it was before, for the streaming API's turn */
#define NFLOWS 4
static struct pagec_flow flows[NFLOWS];
static struct pagec_flow flows_before[NFLOWS];

static void setup(void)
{
    memset(&srv, 0, sizeof srv);
    memset(flows, 0, sizeof flows);
    srv.site = &large_site;
    memcpy(srv.secret, key, sizeof key);
    srv.millis = test_millis;
#if PAGEC_LARGE_FLOWS
    srv.flows = flows;
    srv.nflows = NFLOWS;
#endif
    clock_ms = 5000000;
}

/* The datagrams of one answer: pagec_server_input()'s, then every one of
 * pagec_server_next(), each flattened and checked; and the streaming
 * API's answer to the same datagram, which must be the same datagrams
 * (pulled in runs every other time, else a byte at a time). */
#define MAX_OUT 64
static uint8_t outs[MAX_OUT][1600];
static size_t nout;
static unsigned streamed; /* datagrams compared with the streaming API's */

static void same_from_stream(const uint8_t *pkt, size_t n)
{
    static uint8_t flat[MAX_OUT * 1600];
    static int runs;
    static struct pagec_flow after[NFLOWS];
    size_t lens[MAX_OUT];
    size_t at = 0;
    size_t k;
    size_t m;

    runs = !runs;
    memcpy(after, flows, sizeof flows);
    memcpy(flows, flows_before, sizeof flows);
    m = stream_answer(&srv, clock_ms / 1000u, pkt, n, runs, flat, sizeof flat,
                      lens, MAX_OUT);
    ck_assert_uint_eq(m, nout);
    for (k = 0; k < m; k++) {
        ck_assert_uint_eq(lens[k], rd16(outs[k] + 2));
        ck_assert_mem_eq(flat + at, outs[k], lens[k]);
        at += lens[k];
    }
    /* and the table as the buffered API left it */
    ck_assert_mem_eq(flows, after, sizeof flows);
    streamed += (unsigned)m;
}

static size_t answer(const uint8_t *pkt, size_t n)
{
    uint16_t len;

    memcpy(flows_before, flows, sizeof flows);
    len = pagec_server_input(&srv, clock_ms / 1000u, pkt, (uint16_t)n,
                             &reply);

    nout = 0;
    while (len) {
        ck_assert_uint_lt(nout, MAX_OUT);
        ck_assert_uint_eq(pagec_reply_copy(&reply, outs[nout], sizeof outs[0]),
                          len);
        ck_assert_uint_eq(rd16(outs[nout] + 2), len);
        ck_assert(ref_ip_ok(outs[nout]));
        ck_assert(ref_l4_ok(outs[nout]));
        nout++;
        len = pagec_server_next(&srv, &reply);
    }
    /* pagec(3): up to 10 datagrams for one received */
    ck_assert_uint_le(nout, 10);
    same_from_stream(pkt, n);
    return nout;
}

/* A TCP option of kind k in datagram d: its offset in the TCP header,
 * or 0. */
static size_t tcp_opt(const uint8_t *d, uint8_t k)
{
    size_t hl = (size_t)(d[32] >> 4) * 4;
    size_t i = 20;

    while (i < hl) {
        const uint8_t *o = d + 20 + i;

        if (o[0] == 0) {
            break;
        }
        if (o[0] == 1) {
            i++;
            continue;
        }
        if (o[0] == k) {
            return i;
        }
        i += o[1];
    }
    return 0;
}

/* The client: one connection, the receiver of a TCP stack in small. */
struct client {
    uint16_t port;
    uint16_t mss;
    int ts, sack;
    uint32_t isn;      /* ours */
    uint32_t irs;      /* the server's ISN */
    uint32_t snd_end;  /* after our request */
    uint32_t tsval;
    uint32_t ts_recent;
    uint32_t last_ack; /* the last ACK we sent */
    uint16_t win;      /* the window we offer; 0: 65535 */
    uint8_t *buf;      /* bytes of the reply received */
    uint8_t *have;
    size_t size;
    size_t nxt;        /* bytes in order */
    size_t fin_at;     /* the reply's length, once the FIN came */
    int fin;
    uint32_t blocks[4][2]; /* SACK blocks, newest first, offsets */
    int nblocks;
    unsigned copies;   /* data bytes received twice */
    unsigned segs;     /* data segments received */
};

static size_t send_seg(struct client *c, uint8_t *pkt, uint32_t seq,
                       uint8_t flags, const void *data, size_t dlen)
{
    uint8_t opt[40];
    size_t ol = 0;
    struct seg s;
    int k;

    memset(&s, 0, sizeof s);
    memcpy(s.src, client, 4);
    memcpy(s.dst, server, 4);
    s.sport = c->port;
    s.dport = 80;
    s.seq = seq;
    s.flags = flags;
    s.data = data;
    s.dlen = dlen;
    s.window = c->win ? c->win : 65535;
    if (flags & 0x02) { /* SYN */
        opt[ol++] = 2;
        opt[ol++] = 4;
        wr16(opt + ol, c->mss);
        ol += 2;
        if (c->sack) {
            opt[ol++] = 1;
            opt[ol++] = 1;
            opt[ol++] = 4;
            opt[ol++] = 2;
        }
    } else {
        s.ack = c->irs + 1u + (uint32_t)c->nxt + (c->fin ? 1u : 0u);
        c->last_ack = s.ack;
    }
    if (c->ts) {
        opt[ol++] = 1;
        opt[ol++] = 1;
        opt[ol++] = 8;
        opt[ol++] = 10;
        wr32(opt + ol, c->tsval++);
        wr32(opt + ol + 4, c->ts_recent);
        ol += 8;
    }
    if (c->sack && !(flags & 0x02) && c->nblocks) {
        opt[ol++] = 1;
        opt[ol++] = 1;
        opt[ol++] = 5;
        opt[ol++] = (uint8_t)(2 + 8 * (c->ts ? (c->nblocks > 3 ? 3 : c->nblocks)
                                             : c->nblocks));
        for (k = 0; k < c->nblocks && (!c->ts || k < 3); k++) {
            wr32(opt + ol, c->irs + 1u + c->blocks[k][0]);
            wr32(opt + ol + 4, c->irs + 1u + c->blocks[k][1]);
            ol += 8;
        }
    }
    s.opt = opt;
    s.optlen = ol;
    return build_tcp(pkt, &s);
}

/* The SACK blocks of what is held above nxt, the one holding offset
 * newest first. */
static void make_blocks(struct client *c, size_t newest)
{
    size_t i = c->nxt;
    int n = 0;

    c->nblocks = 0;
    while (i < c->size && n < 4) {
        size_t a;

        while (i < c->size && !c->have[i]) {
            i++;
        }
        if (i >= c->size) {
            break;
        }
        a = i;
        while (i < c->size && c->have[i]) {
            i++;
        }
        c->blocks[n][0] = (uint32_t)a;
        c->blocks[n][1] = (uint32_t)i;
        if (newest >= a && newest < i && n > 0) {
            uint32_t t0 = c->blocks[n][0], t1 = c->blocks[n][1];

            memmove(c->blocks[1], c->blocks[0], sizeof c->blocks[0] * (size_t)n);
            c->blocks[0][0] = t0;
            c->blocks[0][1] = t1;
        }
        n++;
    }
    c->nblocks = n;
}

/* Takes one data segment d; returns 1 when it must be acknowledged now
 * (out of order, a hole filled, or every second one). */
static int take(struct client *c, const uint8_t *d, int *pending)
{
    size_t hl = (size_t)(d[32] >> 4) * 4;
    size_t dlen = rd16(d + 2) - 20 - hl;
    uint32_t off = rd32(d + 24) - c->irs - 1u;
    size_t t = tcp_opt(d, 8);
    size_t before = c->nxt;
    size_t k;

    ck_assert_uint_eq(d[33] & 0x04, 0); /* no RST */
    /* none of the request in the first burst, else all but its last
     * byte */
    ck_assert(rd32(d + 28) == c->snd_end - 1u || rd32(d + 28) == c->isn + 1u);
    ck_assert_uint_le(dlen + (c->ts ? 12u : 0u), c->mss);
    ck_assert(c->ts ? t != 0 : t == 0);
    if (t && (int32_t)(rd32(d + 24) - c->last_ack) <= 0) {
        c->ts_recent = rd32(d + 20 + t + 2); /* RFC 7323 section 4.3 */
    }
    if (t) {
        /* TSecr: a TSval of ours */
        ck_assert_uint_lt(c->tsval - rd32(d + 20 + t + 6) - 1u, 100000u);
    }
    ck_assert_uint_le(off + dlen, c->size);
    c->segs++;
    for (k = 0; k < dlen; k++) {
        if (c->have[off + k]) {
            ck_assert_uint_eq(c->buf[off + k], d[20 + hl + k]);
            c->copies++;
        }
        c->buf[off + k] = d[20 + hl + k];
        c->have[off + k] = 1;
    }
    if (d[33] & 0x01) {
        c->fin_at = off + dlen;
    }
    while (c->nxt < c->size && c->have[c->nxt]) {
        c->nxt++;
    }
    if (c->fin_at && c->nxt == c->fin_at) {
        c->fin = 1;
    }
    make_blocks(c, off);
    if (off > before || c->nblocks || c->fin || (off < before && dlen)) {
        return 1;
    }
    return ++*pending >= 2;
}

/* Datagrams on their way from the server to the client. */
#define QLEN 512
static uint8_t q[QLEN][1600];
static size_t qhead, qtail;

/* Hands the client's segment to the server (unless the link loses it),
 * and queues the answer towards the client. */
static void to_server(const uint8_t *pkt, size_t len, unsigned loss_pct,
                      unsigned *sent)
{
    size_t i;

    if ((unsigned)rand() % 100 < loss_pct) {
        return;
    }
    answer(pkt, len);
    *sent += (unsigned)nout;
    for (i = 0; i < nout; i++) {
        ck_assert_uint_lt(qtail - qhead, QLEN);
        memcpy(q[qtail++ % QLEN], outs[i], rd16(outs[i] + 2));
    }
}

/*
 * Fetches path over a link that drops each datagram with probability
 * loss_pct % in each direction (seeded), with the options given; returns
 * the reply's bytes (malloc'd, *n its length). The client acknowledges
 * every second segment in order, at once what comes out of order or
 * fills a hole (with SACK blocks when SACK is on), after a delayed-ACK
 * wait an odd one; when nothing comes at all, its retransmission timer
 * sends again what the server has not acknowledged (the SYN, the
 * request, or the request's last byte), backing off. Bounded in rounds.
 */
static uint8_t *fetch(const char *path, uint16_t mss, int ts, int sack,
                      unsigned loss_pct, unsigned seed, size_t *n,
                      unsigned *sent)
{
    static uint8_t pkt[2048];
    struct client c;
    char req[256];
    size_t rl;
    size_t len;
    uint32_t una;
    unsigned rounds = 0;
    unsigned backoff = 0;
    int pending = 0;
    int synced = 0;

    memset(&c, 0, sizeof c);
    srand(seed);
    qhead = qtail = 0;
    c.port = (uint16_t)(40000 + seed % 20000);
    c.mss = mss;
    c.ts = ts;
    c.sack = sack;
    c.isn = 0x10000000u * (seed % 7) + 12345u * seed;
    c.tsval = 777u * seed;
    c.size = 1u << 20;
    c.buf = calloc(c.size, 1);
    c.have = calloc(c.size, 1);
    *sent = 0;
    rl = (size_t)snprintf(req, sizeof req,
                          "GET %s HTTP/1.1\r\nHost: device\r\n"
                          "Accept-Encoding: identity\r\n\r\n", path);
    c.snd_end = c.isn + 1u + (uint32_t)rl;
    una = c.isn + 1u;
    len = send_seg(&c, pkt, c.isn, 0x02, NULL, 0);
    to_server(pkt, len, loss_pct, sent);
    while (!c.fin && rounds++ < 20000) {
        if (qhead == qtail) {
            if (pending) {
                clock_ms += 40; /* the delayed ACK */
                pending = 0;
                len = send_seg(&c, pkt, c.snd_end, 0x10, NULL, 0);
            } else {
                /* silence: the retransmission timer */
                clock_ms += 200u << (backoff < 6 ? backoff : 6);
                backoff++;
                if (!synced) {
                    len = send_seg(&c, pkt, c.isn, 0x02, NULL, 0);
                } else {
                    len = send_seg(&c, pkt, una, 0x18,
                                   req + (una - c.isn - 1u),
                                   c.snd_end - una);
                }
            }
            to_server(pkt, len, loss_pct, sent);
            continue;
        }
        clock_ms += 1;
        {
            const uint8_t *d = q[qhead++ % QLEN];

            if ((unsigned)rand() % 100 < loss_pct) {
                continue;
            }
            ck_assert_uint_eq(rd16(d + 20), 80);
            ck_assert_uint_eq(rd16(d + 22), c.port);
            ck_assert_uint_eq(d[33] & 0x04, 0); /* never an RST */
            if (d[33] & 0x02) {
                size_t t = tcp_opt(d, 8);

                ck_assert_uint_eq(d[33], 0x12);
                ck_assert_uint_eq(rd32(d + 28), c.isn + 1u);
                ck_assert(c.ts ? t != 0 : t == 0);
                ck_assert(c.sack ? tcp_opt(d, 4) != 0
                                 : tcp_opt(d, 4) == 0);
                if (!synced) {
                    c.irs = rd32(d + 24);
                    if (t) {
                        c.ts_recent = rd32(d + 20 + t + 2);
                    }
                    synced = 1;
                    backoff = 0;
                    /* the handshake's ACK rides on the request */
                    len = send_seg(&c, pkt, c.isn + 1u, 0x18, req, rl);
                    to_server(pkt, len, loss_pct, sent);
                }
                continue;
            }
            if (rd32(d + 28) - una < 0x80000000u) {
                una = rd32(d + 28);
            }
            if (rd16(d + 2) - 20 - (size_t)(d[32] >> 4) * 4 == 0) {
                continue; /* a pure ACK */
            }
            backoff = 0;
            if (take(&c, d, &pending)) {
                pending = 0;
                len = send_seg(&c, pkt, c.snd_end, 0x10, NULL, 0);
                to_server(pkt, len, loss_pct, sent);
            }
        }
    }
    ck_assert_msg(c.fin, "%s: no FIN after %u rounds (%zu of %zu bytes)",
                  path, rounds, c.nxt, c.fin_at);
    /* the ACK of our FIN alone: nothing (the client may close at once);
     * its FIN: the ACK of all it sent */
    len = send_seg(&c, pkt, c.snd_end, 0x10, NULL, 0);
    ck_assert_uint_eq(answer(pkt, len), 0);
    len = send_seg(&c, pkt, c.snd_end, 0x11, NULL, 0);
    ck_assert_uint_eq(answer(pkt, len), 1);
    ck_assert_uint_eq(outs[0][33], 0x10);
    ck_assert_uint_eq(rd32(outs[0] + 28), c.snd_end + 1u);
    *n = c.fin_at;
    free(c.have);
    if (loss_pct == 0 && (ts || !sack)) {
        ck_assert_uint_eq(c.copies, 0);
    } else if (loss_pct == 0) {
        /* SACK without timestamps: an ACK near the end draws the last
         * two segments, which may be copies (answered by D-SACKs) */
        ck_assert_uint_le(c.copies, 2u * mss);
    }
    return c.buf;
}

/* The reply must be a 200 whose body is the file. */
static void check_reply(const uint8_t *r, size_t n, const char *file)
{
    char path[512];
    size_t flen;
    uint8_t *f;
    const uint8_t *body;
    char cl[64];

    snprintf(path, sizeof path, "%s/%s", TEST_SITE_LARGE, file);
    f = slurp(path, &flen);
    ck_assert_int_eq(memcmp(r, "HTTP/1.1 200 ", 13), 0);
    ck_assert_uint_eq(n % 2, 0);
    body = NULL;
    for (size_t i = 0; i + 4 <= n; i++) {
        if (memcmp(r + i, "\r\n\r\n", 4) == 0) {
            body = r + i + 4;
            break;
        }
    }
    ck_assert_ptr_nonnull(body);
    ck_assert_uint_eq((size_t)(r + n - body), flen);
    ck_assert_int_eq(memcmp(body, f, flen), 0);
    snprintf(cl, sizeof cl, "\r\nContent-Length: %zu\r\n", flen);
    ck_assert_ptr_nonnull(strstr((const char *)r, cl));
    free(f);
}

START_TEST(test_large_fetch_clean)
{
    static const uint16_t mss[2] = {1460, 536};
    unsigned sent;
    size_t n;
    int m;

    for (m = 0; m < 2; m++) {
        for (int opts = 0; opts < 4; opts++) {
            uint8_t *r = fetch("/noise.txt", mss[m], opts & 1, opts >> 1, 0,
                               (unsigned)(1 + m * 4 + opts), &n, &sent);

            check_reply(r, n, "noise.txt");
            free(r);
            r = fetch("/page.html", mss[m], opts & 1, opts >> 1, 0,
                      (unsigned)(11 + m * 4 + opts), &n, &sent);
            check_reply(r, n, "page.html");
            free(r);
        }
    }
}
END_TEST

START_TEST(test_large_fetch_loss)
{
    static const uint16_t mss[2] = {1460, 536};
    unsigned sent;
    size_t n;
    unsigned seed;

    for (seed = 1; seed <= 12; seed++) {
        int opts = (int)(seed % 4);
        uint8_t *r = fetch("/noise.txt", mss[seed % 2 ? 0 : 1], opts & 1,
                           opts >> 1, 10, seed * 31u, &n, &sent);

        check_reply(r, n, "noise.txt");
        free(r);
    }
}
END_TEST

#if PAGEC_LARGE_FLOWS
/* Without SACK, the table's rules and the stop and wait of a client
 * without an entry, both under loss, both with and without timestamps. */
START_TEST(test_large_flows_loss)
{
    unsigned sent;
    size_t n;
    unsigned seed;

    for (seed = 1; seed <= 16; seed++) {
        uint8_t *r;

        srv.nflows = seed % 4 ? NFLOWS : 0;
        r = fetch("/noise.txt", seed % 2 ? 1460 : 536, (int)(seed / 2 % 2),
                  0, 10, seed * 53u, &n, &sent);
        check_reply(r, n, "noise.txt");
        free(r);
        /* the ACK of our FIN freed the entry */
        for (size_t i = 0; i < NFLOWS; i++) {
            ck_assert_uint_eq(flows[i].port, 0);
        }
    }
}
END_TEST

/* A client without timestamps (with SACK when sack), its handshake done
 * and its request req sent: the answer's datagrams. */
static size_t open_conn_sack(struct client *c, uint16_t port, uint32_t isn,
                             const char *req, int sack)
{
    static uint8_t pkt[512];
    size_t len;

    memset(c, 0, sizeof *c);
    c->sack = sack;
    c->port = port;
    c->mss = 1460;
    c->isn = isn;
    len = send_seg(c, pkt, c->isn, 0x02, NULL, 0);
    ck_assert_uint_eq(answer(pkt, len), 1);
    c->irs = rd32(outs[0] + 24);
    len = send_seg(c, pkt, c->isn + 1u, 0x10, NULL, 0);
    ck_assert_uint_eq(answer(pkt, len), 0);
    c->snd_end = c->isn + 1u + (uint32_t)strlen(req);
    len = send_seg(c, pkt, c->isn + 1u, 0x18, req, strlen(req));
    return answer(pkt, len);
}

/* A client without SACK: open_conn_sack() without it. */
static size_t open_conn(struct client *c, uint16_t port, uint32_t isn,
                        const char *req)
{
    return open_conn_sack(c, port, isn, req, 0);
}

/* A pure ACK of the first off bytes of the reply: the answer's
 * datagrams. */
static size_t ack_at(struct client *c, uint32_t off)
{
    static uint8_t pkt[256];
    size_t len;

    c->nxt = off;
    len = send_seg(c, pkt, c->snd_end, 0x10, NULL, 0);
    return answer(pkt, len);
}

static const char get_noise[] =
    "GET /noise.txt HTTP/1.1\r\nHost: d\r\n\r\n";

/* The offset at which data segment i of outs ends. */
static uint32_t end_of(const struct client *c, size_t i)
{
    return rd32(outs[i] + 24) - c->irs - 1u + rd16(outs[i] + 2) - 20u -
           (uint32_t)(outs[i][32] >> 4) * 4u;
}

/* The table's sender: the initial burst, the window moving on, a
 * duplicate ACK that sends the hole again once, and new segments for
 * the duplicates after it. */
START_TEST(test_large_flows_rules)
{
    struct client c;
    uint32_t seg[12];
    size_t i;

    ck_assert_uint_eq(open_conn(&c, 50010, 7000, get_noise), 10);
    for (i = 0; i < 10; i++) {
        seg[i] = end_of(&c, i); /* segment i ends at seg[i] */
    }
    /* the ACK of segment 0: one new segment, 10 */
    ck_assert_uint_eq(ack_at(&c, seg[0]), 1);
    ck_assert_uint_eq(rd32(outs[0] + 24) - c.irs - 1u, seg[9]);
    seg[10] = end_of(&c, 0);
    /* segment 1 lost: the first duplicate sends it and one new segment */
    ck_assert_uint_eq(ack_at(&c, seg[0]), 2);
    ck_assert_uint_eq(rd32(outs[0] + 24) - c.irs - 1u, seg[0]);
    ck_assert_uint_eq(rd32(outs[1] + 24) - c.irs - 1u, seg[10]);
    seg[11] = end_of(&c, 1);
    /* the duplicates after it: one new segment each, no copy */
    ck_assert_uint_eq(ack_at(&c, seg[0]), 1);
    ck_assert_uint_eq(rd32(outs[0] + 24) - c.irs - 1u, seg[11]);
    /* an older ACK: nothing */
    ck_assert_uint_eq(ack_at(&c, 0), 0);
}
END_TEST

/* The first segment lost: the duplicate ACKs at offset 0 send it again
 * in segments that acknowledge all but the request's last byte, so the
 * client's timer then sends that byte alone (a poke at offset 0), which
 * must draw the first segment again, twice, not be taken for a request
 * of one byte and get nothing. */
START_TEST(test_large_flows_first_lost)
{
    static uint8_t pkt[256];
    struct client c;
    size_t n;
    size_t i;
    unsigned at0 = 0;

    ck_assert_uint_eq(open_conn(&c, 50016, 6000, get_noise), 10);
    /* segment 0 lost, the others in: duplicate ACKs at offset 0 */
    n = ack_at(&c, 0);
    ck_assert_uint_ge(n, 1);
    ck_assert_uint_eq(rd32(outs[0] + 24) - c.irs - 1u, 0);
    ck_assert_uint_eq(rd32(outs[0] + 28), c.snd_end - 1u);
    ack_at(&c, 0);
    ack_at(&c, 0);
    /* the poke: the request's last byte */
    n = answer(pkt, send_seg(&c, pkt, c.snd_end - 1u, 0x18, "\n", 1));
    ck_assert_uint_ge(n, 2);
    ck_assert_uint_eq(rd32(outs[0] + 24) - c.irs - 1u, 0);
    for (i = 0; i < n; i++) {
        at0 += rd32(outs[i] + 24) - c.irs - 1u == 0;
    }
    ck_assert_uint_eq(at0, 2);
}
END_TEST

/* The offsets at which the data segments of outs start, in outs' order. */
static unsigned starts(const struct client *c, size_t n, uint32_t *at)
{
    size_t i;

    for (i = 0; i < n; i++) {
        at[i] = rd32(outs[i] + 24) - c->irs - 1u;
    }
    return (unsigned)n;
}

/* How many of the n offsets in at are o. */
static unsigned count_at(const uint32_t *at, size_t n, uint32_t o)
{
    unsigned k = 0;

    while (n-- > 0) {
        k += at[n] == o;
    }
    return k;
}

/* A client of the table with SACK but no timestamps: a poke (its timer,
 * perhaps backed off for seconds) draws the first hole twice and the
 * next two the SACK blocks name; a partial ACK the next two holes, so that one
 * loss does not stop the ACKs; an ACK whose first block is a D-SACK but
 * which acknowledges new data (the ACK before it lost) is answered. */
START_TEST(test_large_flows_sack_holes)
{
    static uint8_t pkt[256];
    struct client c;
    uint32_t seg[11]; /* seg[i]: where segment i starts */
    uint32_t at[16];
    size_t n;
    size_t i;

    ck_assert_uint_eq(open_conn_sack(&c, 50017, 8000, get_noise, 1), 10);
    for (i = 0; i < 10; i++) {
        seg[i] = rd32(outs[i] + 24) - c.irs - 1u;
    }
    seg[10] = end_of(&c, 9);
    /* segments 1, 3 and 5 lost: the client holds 0, 2, 4 and 6 to 9 */
    c.nxt = seg[1];
    c.nblocks = 3;
    c.blocks[0][0] = seg[6];
    c.blocks[0][1] = seg[10];
    c.blocks[1][0] = seg[4];
    c.blocks[1][1] = seg[5];
    c.blocks[2][0] = seg[2];
    c.blocks[2][1] = seg[3];
    /* its ACKs lost, its timer pokes: holes 1, 3 and 5, and 1 again */
    n = answer(pkt, send_seg(&c, pkt, c.snd_end - 1u, 0x18, "\n", 1));
    starts(&c, n, at);
    ck_assert_uint_eq(count_at(at, n, seg[1]), 2);
    ck_assert_uint_eq(count_at(at, n, seg[3]), 1);
    ck_assert_uint_eq(count_at(at, n, seg[5]), 1);
    ck_assert_uint_eq(count_at(at, n, seg[2]) + count_at(at, n, seg[4]), 0);
    /* 1 came: the partial ACK draws holes 3 and 5 */
    c.nxt = seg[3];
    c.nblocks = 2;
    n = answer(pkt, send_seg(&c, pkt, c.snd_end, 0x10, NULL, 0));
    starts(&c, n, at);
    ck_assert_uint_eq(count_at(at, n, seg[3]), 1);
    ck_assert_uint_eq(count_at(at, n, seg[5]), 1);
    /* 3 came, its ACK lost; a copy of 1 came: the D-SACK's ACK, of new
     * data, draws hole 5 */
    c.nxt = seg[5];
    c.nblocks = 2;
    c.blocks[1][0] = c.blocks[0][0];
    c.blocks[1][1] = c.blocks[0][1];
    c.blocks[0][0] = seg[1];
    c.blocks[0][1] = seg[2];
    n = answer(pkt, send_seg(&c, pkt, c.snd_end, 0x10, NULL, 0));
    starts(&c, n, at);
    ck_assert_uint_ge(n, 1);
    ck_assert_uint_eq(count_at(at, n, seg[5]), 1);
    /* the same D-SACK again, acknowledging nothing new: nothing */
    ck_assert_uint_eq(answer(pkt, send_seg(&c, pkt, c.snd_end, 0x10, NULL, 0)),
                      0);
}
END_TEST

/* A window that took nothing, then opened: the ACK that opens it draws
 * the segments it makes room for. */
START_TEST(test_large_flows_window)
{
    struct client c;
    uint32_t end;
    size_t n;
    size_t i;

    ck_assert_uint_eq(open_conn(&c, 50015, 4000, get_noise), 10);
    end = end_of(&c, 9);
    c.win = 1;
    ck_assert_uint_eq(ack_at(&c, end), 0);
    ck_assert_uint_eq(ack_at(&c, end), 0);
    c.win = 0;
    n = ack_at(&c, end);
    ck_assert_uint_eq(rd32(outs[0] + 24) - c.irs - 1u, end);
    /* noise.txt's 15 segments at MSS 1460: the last 5, up to our FIN */
    for (i = 0; i < n && !(outs[i][33] & 0x01); i++) {
    }
    ck_assert_uint_lt(i, n);
}
END_TEST

/* The reply's last two segments go twice when first sent: the answer
 * that sends the last carries our FIN twice. */
START_TEST(test_large_flows_tail)
{
    struct client c;
    uint32_t end = 0;
    size_t i;
    size_t n;
    unsigned fins = 0;
    int rounds;

    n = open_conn(&c, 50014, 3000, get_noise);
    for (rounds = 0; rounds < 400 && fins == 0; rounds++) {
        for (i = 0; i < n; i++) {
            if (end_of(&c, i) > end) {
                end = end_of(&c, i);
            }
            fins += (outs[i][33] & 0x01) != 0;
        }
        if (fins == 0) {
            n = ack_at(&c, end);
        }
    }
    ck_assert_uint_eq(fins, 2);
}
END_TEST

/* An entry left by an earlier connection from the same port, whose ISN
 * is the same within the slot (the client's ISN differs in its low 16
 * bits only), is not the new connection's: its handshake's ACK draws
 * nothing of the old reply. */
START_TEST(test_large_flows_stale)
{
    static uint8_t pkt[256];
    struct client c;
    size_t len;

    ck_assert_uint_eq(open_conn(&c, 50011, 9000, get_noise), 10);
    memset(&c, 0, sizeof c);
    c.port = 50011;
    c.mss = 1460;
    c.isn = 9000 + 4000;
    len = send_seg(&c, pkt, c.isn, 0x02, NULL, 0);
    ck_assert_uint_eq(answer(pkt, len), 1);
    c.irs = rd32(outs[0] + 24);
    ck_assert_uint_eq(c.irs + 1u, flows[0].seq0); /* the same ISN */
    len = send_seg(&c, pkt, c.isn + 1u, 0x10, NULL, 0);
    ck_assert_uint_eq(answer(pkt, len), 0);
}
END_TEST

/* A table of one: a second client within HOLD (1 s) goes without (stop
 * and wait) and the first keeps its entry; a client after that takes
 * it, and the first gets one segment per ACK from then on. */
START_TEST(test_large_flows_evicted)
{
    struct client a;
    struct client b;
    struct client c;
    uint32_t s0;
    uint32_t s9;

    srv.nflows = 1;
    ck_assert_uint_eq(open_conn(&a, 50012, 1000, get_noise), 10);
    s0 = end_of(&a, 0);
    s9 = end_of(&a, 9);
    ck_assert_uint_eq(open_conn(&b, 50013, 2000, get_noise), 1);
    /* a's ACK of segment 0: the window moves on, segment 10 */
    ck_assert_uint_eq(ack_at(&a, s0), 1);
    ck_assert_uint_eq(rd32(outs[0] + 24) - a.irs - 1u, s9);
    clock_ms += 1001;
    ck_assert_uint_eq(open_conn(&c, 50014, 3000, get_noise), 10);
    ck_assert_uint_eq(ack_at(&a, s0), 1);
    ck_assert_uint_eq(rd32(outs[0] + 24) - a.irs - 1u, s0);
    ck_assert_uint_eq(ack_at(&a, s0), 1); /* and again: the same */
    ck_assert_uint_eq(rd32(outs[0] + 24) - a.irs - 1u, s0);
}
END_TEST

#endif /* PAGEC_LARGE_FLOWS */

/* The ISN: pagec_isn()'s, with bit 27 flipped when the SYN offered SACK;
 * and the SYN-ACK carries the options the SYN had. */
START_TEST(test_large_syn)
{
    static uint8_t pkt[256];
    struct client c;
    int sack;

    for (sack = 0; sack < 2; sack++) {
        uint32_t want;
        size_t len;

        memset(&c, 0, sizeof c);
        c.port = 50000;
        c.mss = 1460;
        c.sack = sack;
        c.isn = 0xdeadbeefu;
        len = send_seg(&c, pkt, c.isn, 0x02, NULL, 0);
        ck_assert_uint_eq(answer(pkt, len), 1);
        want = pagec_isn(key, client, server, 50000, 80,
                         (clock_ms / 1000u) >> PAGEC_ISN_SLOT_LOG2, 3,
                         c.isn) ^ (sack ? 0x08000000u : 0u);
        ck_assert_uint_eq(rd32(outs[0] + 24), want);
        ck_assert_uint_eq(outs[0][33], 0x12);
        ck_assert_uint_eq(rd16(outs[0] + 2), sack ? 48 : 44);
    }
}
END_TEST

/* An ACK off the grid, or at a boundary of a reply the ACK's class does
 * not have, gets nothing; one beyond any reply an RST. */
START_TEST(test_large_off_grid)
{
    static uint8_t pkt[256];
    struct client c;
    size_t len;
    uint32_t isn;

    memset(&c, 0, sizeof c);
    c.port = 50001;
    c.mss = 1460;
    c.sack = 1;
    c.ts = 1;
    c.isn = 1000;
    len = send_seg(&c, pkt, c.isn, 0x02, NULL, 0);
    ck_assert_uint_eq(answer(pkt, len), 1);
    isn = rd32(outs[0] + 24);
    c.irs = isn;
    c.snd_end = c.isn + 1u + 10u;
    c.nxt = 1000; /* not a multiple of the grid: off it */
    len = send_seg(&c, pkt, c.snd_end, 0x10, NULL, 0);
    ck_assert_uint_eq(answer(pkt, len), 0);
    /* on the grid of /noise.txt (v = 1, B = 64: 2 + 64k) but not a
     * segment's end (22 blocks a segment at MSS 1460): nothing */
    c.nxt = 2 + 64;
    len = send_seg(&c, pkt, c.snd_end, 0x10, NULL, 0);
    ck_assert_uint_eq(answer(pkt, len), 0);
    /* the end of segment 1 (1346 + 1408), with a SACK block of segment
     * 1 itself: a D-SACK (RFC 2883), a copy came twice: nothing */
    c.nxt = 2754;
    c.blocks[0][0] = 1346;
    c.blocks[0][1] = 2754;
    c.nblocks = 1;
    len = send_seg(&c, pkt, c.snd_end, 0x10, NULL, 0);
    ck_assert_uint_eq(answer(pkt, len), 0);
    /* the same ACK without it: more segments */
    c.nblocks = 0;
    len = send_seg(&c, pkt, c.snd_end, 0x10, NULL, 0);
    ck_assert_uint_gt(answer(pkt, len), 0);
    c.nxt = 0x7000000; /* beyond every reply */
    len = send_seg(&c, pkt, c.snd_end, 0x10, NULL, 0);
    ck_assert_uint_eq(answer(pkt, len), 1);
    ck_assert_uint_eq(outs[0][33] & 0x04, 0x04);
}
END_TEST

/* An answer of one datagram (an echo reply, a one-segment page) leaves
 * pagec_server_next() nothing, whatever the reply held before. */
START_TEST(test_large_next_after_one)
{
    static uint8_t pkt[256];
    static const uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    struct client c;
    size_t len;

    memset(&reply, 0xa5, sizeof reply);
    len = build_echo(pkt, client, server, 7, 1, data, sizeof data);
    ck_assert_uint_eq(answer(pkt, len), 1);
    memset(&reply, 0x5a, sizeof reply);
    memset(&c, 0, sizeof c);
    c.port = 50002;
    c.mss = 1460;
    len = send_seg(&c, pkt, 99, 0x02, NULL, 0);
    ck_assert_uint_eq(answer(pkt, len), 1);
}
END_TEST

/* A window smaller than the first segment: the short 503, as for any
 * reply the client cannot take. */
START_TEST(test_large_zero_window)
{
    static uint8_t pkt[256];
    static const char req[] = "GET /noise.txt HTTP/1.1\r\nHost: d\r\n\r\n";
    struct seg s;
    size_t len;
    uint32_t isn;

    memset(&s, 0, sizeof s);
    memcpy(s.src, client, 4);
    memcpy(s.dst, server, 4);
    s.sport = 50003;
    s.dport = 80;
    s.seq = 5000;
    s.flags = 0x02;
    len = build_tcp(pkt, &s);
    ck_assert_uint_eq(answer(pkt, len), 1);
    isn = rd32(outs[0] + 24);
    s.seq = 5001;
    s.ack = isn + 1u;
    s.flags = 0x18;
    s.data = req;
    s.dlen = sizeof req - 1;
    s.window = 100;
    len = build_tcp(pkt, &s);
    ck_assert_uint_eq(answer(pkt, len), 1);
    ck_assert_int_eq(memcmp(outs[0] + 40, "HTTP/1.1 503 ", 13), 0);
}
END_TEST

Suite *large_suite(void)
{
    Suite *s = suite_create("large");
    TCase *tc = tcase_create("large");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_large_syn);
    tcase_add_test(tc, test_large_off_grid);
    tcase_add_test(tc, test_large_next_after_one);
    tcase_add_test(tc, test_large_zero_window);
    tcase_add_test(tc, test_large_fetch_clean);
    tcase_add_test(tc, test_large_fetch_loss);
#if PAGEC_LARGE_FLOWS
    tcase_add_test(tc, test_large_flows_loss);
    tcase_add_test(tc, test_large_flows_rules);
    tcase_add_test(tc, test_large_flows_stale);
    tcase_add_test(tc, test_large_flows_tail);
    tcase_add_test(tc, test_large_flows_window);
    tcase_add_test(tc, test_large_flows_first_lost);
    tcase_add_test(tc, test_large_flows_sack_holes);
    tcase_add_test(tc, test_large_flows_evicted);
#endif
    suite_add_tcase(s, tc);
    return s;
}

#else

Suite *large_suite(void)
{
    return suite_create("large");
}

#endif
