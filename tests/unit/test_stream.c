/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_stream.c - the streaming API: datagrams fed a byte at a time,
 * replies pulled a byte at a time, as a driver without a packet buffer
 * does. Replies are checked with the test's own checksum code and against
 * the site's source files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic_site.h"
#include "helper.h"
#include "large_site.h"
#include "pagec/stream.h"

static const uint8_t client[4] = {192, 0, 2, 1};
static const uint8_t server[4] = {192, 0, 2, 2};
static struct pagec_server srv;
static struct pagec_stream st;
static const uint32_t now = 1000000;
static uint8_t in[2048];
static uint8_t out[4096];
static size_t nout;     /* bytes pulled into out */
static size_t early;    /* of them, pulled before the datagram's end */

static void setup(void)
{
    static const uint8_t key[8] = {1, 2, 3, 4, 5, 6, 7, 8};

    memset(&srv, 0, sizeof srv);
    srv.site = &basic_site;
    memcpy(srv.secret, key, sizeof key);
}

/* Pulls every pending reply byte into out. */
static void drain(void)
{
    while (pagec_stream_pending(&st) > 0) {
        ck_assert_uint_lt(nout, sizeof out);
        out[nout++] = pagec_stream_next(&srv, &st);
    }
}

/* Feeds n bytes of in, pulling as a driver must; returns what
 * pagec_stream_end() returns. */
static uint16_t stream(size_t n)
{
    size_t i;
    uint16_t len;

    nout = 0;
    pagec_stream_begin(&st);
    for (i = 0; i < n; i++) {
        pagec_stream_byte(&srv, &st, in[i]);
        drain();
    }
    early = nout;
    len = pagec_stream_end(&srv, &st, now);
    drain();
    ck_assert_uint_eq(pagec_stream_started(&st), nout > 0);
    ck_assert_uint_eq(pagec_stream_pending(&st), 0);
    return len;
}

static size_t tcp(uint8_t flags, uint32_t seq, uint32_t ack, const char *data)
{
    static const uint8_t mss[4] = {2, 4, 0x05, 0xb4}; /* 1460 */
    struct seg s;

    memset(&s, 0, sizeof s);
    memcpy(s.src, client, 4);
    memcpy(s.dst, server, 4);
    s.sport = 40000;
    s.dport = 80;
    s.seq = seq;
    s.ack = ack;
    s.flags = flags;
    s.data = data;
    s.dlen = data ? strlen(data) : 0;
    if (flags & 0x02) {
        s.opt = mss;
        s.optlen = sizeof mss;
    }
    return build_tcp(in, &s);
}

START_TEST(test_stream_get)
{
    static const char req[] = "GET /index.html HTTP/1.1\r\nHost: d\r\n"
                              "Accept: */*\r\n\r\n";
    uint32_t isn;
    size_t flen;
    uint8_t *file = slurp(TEST_SITE_BASIC "/index.html", &flen);
    const char *end;
    uint16_t len;

    /* SYN: the SYN-ACK, only once the segment ended */
    ck_assert_uint_eq(stream(tcp(0x02, 1000, 0, NULL)), 44);
    ck_assert_uint_eq(early, 0);
    ck_assert_uint_eq(nout, 44);
    ck_assert(ref_ip_ok(out));
    ck_assert(ref_l4_ok(out));
    ck_assert_uint_eq(out[33], 0x12);
    ck_assert_uint_eq(rd32(out + 28), 1001);
    isn = rd32(out + 24);
    ck_assert_uint_eq(isn, pagec_isn(srv.secret, client, server, 40000, 80,
                                     now >> PAGEC_ISN_SLOT_LOG2, 3, 1000));

    /* the request: the page and our FIN, pulled a byte at a time */
    len = stream(tcp(0x18, 1001, isn + 1, req));
    ck_assert_uint_eq(early, 0);
    ck_assert_uint_eq(len, nout);
    ck_assert_uint_eq(rd16(out + 2), nout);
    ck_assert(ref_ip_ok(out));
    ck_assert(ref_l4_ok(out));
    ck_assert_mem_eq(out + 12, server, 4);
    ck_assert_mem_eq(out + 16, client, 4);
    ck_assert_uint_eq(rd16(out + 20), 80);
    ck_assert_uint_eq(rd16(out + 22), 40000);
    ck_assert_uint_eq(rd32(out + 24), isn + 1);
    ck_assert_uint_eq(rd32(out + 28), 1001 + strlen(req));
    ck_assert_uint_eq(out[33] & 0x11, 0x11); /* FIN, ACK */
    out[nout] = 0;
    ck_assert_int_eq(memcmp(out + 40, "HTTP/1.1 200 \r\n", 15), 0);
    end = strstr((const char *)out + 40, "\r\n\r\n");
    ck_assert_ptr_nonnull(end);
    ck_assert_uint_eq(nout - (size_t)((const uint8_t *)end + 4 - out), flen);
    ck_assert_mem_eq(end + 4, file, flen);
    free(file);

    /* the client's FIN: a plain ACK of it */
    ck_assert_uint_eq(stream(tcp(0x11, 1001 + strlen(req),
                                 isn + 1 + (uint32_t)(len - 40) + 1, NULL)),
                      40);
    ck_assert(ref_l4_ok(out));
    ck_assert_uint_eq(out[33], 0x10);
    ck_assert_uint_eq(rd32(out + 28), 1001 + strlen(req) + 1);
}
END_TEST

START_TEST(test_stream_bad_tcp)
{
    size_t n = tcp(0x02, 1000, 0, NULL);

    /* a wrong TCP checksum is known at the end only: nothing is sent */
    in[n - 1] ^= 0x40;
    ck_assert_uint_eq(stream(n), 0);
    ck_assert_uint_eq(nout, 0);
    /* a segment cut short */
    n = tcp(0x02, 1000, 0, NULL);
    ck_assert_uint_eq(stream(n - 1), 0);
    ck_assert_uint_eq(nout, 0);
    /* a bad IPv4 checksum */
    n = tcp(0x02, 1000, 0, NULL);
    in[10] ^= 1;
    ck_assert_uint_eq(stream(n), 0);
    /* link-layer padding after the datagram is ignored */
    n = tcp(0x02, 1000, 0, NULL);
    memset(in + n, 0xee, 18);
    ck_assert_uint_eq(stream(n + 18), 44);
    ck_assert(ref_l4_ok(out));
}
END_TEST

START_TEST(test_stream_echo)
{
    uint8_t data[56];
    size_t n;
    size_t i;

    for (i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(0x10 + i);
    }
    /* the default ping: cut-through, header after the first 24 bytes,
     * then one byte for each byte received */
    n = build_echo(in, client, server, 0x4242, 9, data, sizeof data);
    nout = 0;
    pagec_stream_begin(&st);
    for (i = 0; i < n; i++) {
        pagec_stream_byte(&srv, &st, in[i]);
        ck_assert_uint_eq(pagec_stream_pending(&st),
                          i < 23 ? 0 : i == 23 ? 24 : 1);
        drain();
    }
    ck_assert_uint_eq(pagec_stream_end(&srv, &st, now), n);
    drain();
    ck_assert_uint_eq(nout, n);
    ck_assert(ref_ip_ok(out));
    ck_assert(ref_l4_ok(out));
    ck_assert_uint_eq(out[20], 0); /* echo reply */
    ck_assert_mem_eq(out + 12, server, 4);
    ck_assert_mem_eq(out + 16, client, 4);
    ck_assert_mem_eq(out + 24, in + 24, n - 24);

    /* all zero: the reply's checksum by RFC 1624 must come out -0 */
    memset(data, 0, sizeof data);
    n = build_echo(in, client, server, 0, 0, data, sizeof data);
    ck_assert_uint_eq(stream(n), n);
    ck_assert(ref_l4_ok(out));
    ck_assert_uint_eq(rd16(out + 22), 0xffff);

    /* a corrupt request: the reply went out already, with a checksum
     * derived from the request's, so the receiver drops it */
    n = build_echo(in, client, server, 7, 8, data, 20);
    in[40] ^= 0x01;
    ck_assert_uint_eq(stream(n), 0);
    ck_assert_uint_eq(nout, n);
    ck_assert(ref_ip_ok(out));
    ck_assert(!ref_l4_ok(out));

    /* a request cut short: a reply cut short, which the driver ends */
    n = build_echo(in, client, server, 7, 8, data, 20);
    ck_assert_uint_eq(stream(n - 5), 0);
    ck_assert_uint_eq(nout, n - 5);
    ck_assert(pagec_stream_started(&st));
    ck_assert_uint_gt(rd16(out + 2), nout); /* its IPv4 length says more */

    /* a datagram that is not an echo request starts nothing */
    n = build_echo(in, client, server, 7, 8, data, 20);
    in[20] = 13;
    seal(in);
    ck_assert_uint_eq(stream(n), 0);
    ck_assert_uint_eq(nout, 0);
}
END_TEST

/* An IPv4 header length below 5 words is dropped at its first byte. Fed
 * to a stream whose every field starts at zero, a SYN behind a 16-byte
 * header with sums that hold for it would otherwise be answered. */
START_TEST(test_stream_ihl_below_5)
{
    uint8_t ihl;

    for (ihl = 0; ihl < 5; ihl++) {
        size_t n = tcp(0x02, 1000, 0, NULL);
        size_t hl = (size_t)ihl * 4;

        /* the TCP segment (its sum made with 0.0.0.0 as destination, as
         * the zeroed stream has it) right after ihl words of header */
        memset(in + 16, 0, 4);
        seal(in);
        memmove(in + hl, in + 20, n - 20);
        in[0] = (uint8_t)(0x40 | ihl);
        n = n - 20 + hl;
        if (hl >= 4) {
            wr16(in + 2, (uint16_t)n);
        }
        if (hl >= 12) {
            wr16(in + 10, 0);
            wr16(in + 10, (uint16_t)~ref_fold(in, hl, 0));
        }
        memset(&st, 0, sizeof st);
        ck_assert_msg(stream(n) == 0, "IHL %u answered", ihl);
        ck_assert_uint_eq(nout, 0);
    }
}
END_TEST

/* An echo request's bytes under any protocol but ICMP start no echo
 * reply, nor any other. */
START_TEST(test_stream_not_tcp_or_icmp)
{
    static const uint8_t protos[] = {0, 2, 17, 41, 58, 132, 255};
    uint8_t data[24];
    size_t k;

    memset(data, 0x61, sizeof data);
    for (k = 0; k < sizeof protos; k++) {
        size_t n = build_echo(in, client, server, 5, 6, data, sizeof data);

        in[9] = protos[k];
        seal(in);
        ck_assert_msg(stream(n) == 0, "protocol %u answered", protos[k]);
        ck_assert_msg(nout == 0, "protocol %u: %zu bytes sent", protos[k],
                      nout);
    }
}
END_TEST

START_TEST(test_stream_misuse)
{
    uint8_t data[8] = {0};
    uint16_t len;
    size_t n;

    /* ICMP messages shorter than an echo header start no reply */
    for (n = 4; n < 8; n++) {
        build_echo(in, client, server, 1, 2, data, 0);
        wr16(in + 2, (uint16_t)(20 + n));
        seal(in);
        ck_assert_uint_eq(stream(20 + n), 0);
        ck_assert_uint_eq(nout, 0);
    }
    /* pulling with nothing pending gives 0 and pulls nothing */
    len = stream(tcp(0x02, 1000, 0, NULL));
    ck_assert_uint_eq(len, 44);
    ck_assert_uint_eq(pagec_stream_next(&srv, &st), 0);
    ck_assert_uint_eq(pagec_stream_pending(&st), 0);
    /* pagec_stream_end() twice: the same reply, still to be pulled */
    n = tcp(0x02, 1000, 0, NULL);
    pagec_stream_begin(&st);
    for (size_t i = 0; i < n; i++) {
        pagec_stream_byte(&srv, &st, in[i]);
    }
    ck_assert_uint_eq(pagec_stream_end(&srv, &st, now), 44);
    ck_assert_uint_eq(pagec_stream_end(&srv, &st, now), 44);
    ck_assert_uint_eq(pagec_stream_pending(&st), 44);
}
END_TEST

/* The reply to a request on a new connection; returns its length, the
 * reply in out. */
static uint16_t request(const char *req, uint16_t window)
{
    struct seg s;
    uint32_t isn;

    ck_assert_uint_eq(stream(tcp(0x02, 7000, 0, NULL)), 44);
    isn = rd32(out + 24);
    memset(&s, 0, sizeof s);
    memcpy(s.src, client, 4);
    memcpy(s.dst, server, 4);
    s.sport = 40000;
    s.dport = 80;
    s.seq = 7001;
    s.ack = isn + 1;
    s.flags = 0x18;
    s.data = req;
    s.dlen = strlen(req);
    s.window = window;
    return stream(build_tcp(in, &s));
}

START_TEST(test_stream_cut_fields)
{
    const struct pagec_page *big = site_page(&basic_site, "/big.txt");
    const struct pagec_page *both = site_page(&basic_site, "/both.html");
    char req[256];
    char etag[64];
    uint16_t window;

    ck_assert_ptr_nonnull(big);
    ck_assert_ptr_nonnull(both);
    ck_assert_uint_eq(big->identity, PAGEC_NO_PAGE); /* gzip only */
    /* an Accept-Encoding cut off before its first element is complete
     * does not count: a gzip-only page still goes out gzipped */
    ck_assert_uint_eq(request("GET /big.txt HTTP/1.1\r\nAccept-Encoding: gzip", 0),
                      basic_site.variants[big->gzip].get.len);
    ck_assert_uint_eq(request("GET /big.txt HTTP/1.1\r\nAccept-Encoding:", 0),
                      basic_site.variants[big->gzip].get.len);
    /* a complete empty one refuses gzip: 406 */
    request("GET /big.txt HTTP/1.1\r\nHost: a\r\nAccept-Encoding:\r\n\r\n", 0);
    ck_assert_int_eq(memcmp(out + 40, "HTTP/1.1 406", 12), 0);
    /* the 304 of the chosen encoding goes out even when its 200 would
     * not fit the window and the other encoding's would */
    memcpy(etag, basic_site.variants[both->identity].get.pkt + PAGEC_ETAG_AT,
           PAGEC_ETAG_LEN);
    etag[PAGEC_ETAG_LEN] = 0;
    snprintf(req, sizeof req,
             "GET /both.html HTTP/1.1\r\nHost: a\r\n"
             "If-None-Match: %s\r\n\r\n",
             etag);
    window = (uint16_t)(basic_site.variants[both->gzip].get.len - 40); /* gzip's 200 fits */
    ck_assert_uint_gt(basic_site.variants[both->identity].get.len - 40, window);
    ck_assert_uint_eq(request(req, window), basic_site.variants[both->identity].head.len);
    ck_assert_int_eq(memcmp(out + 40, "HTTP/1.1 304", 12), 0);
}
END_TEST

START_TEST(test_stream_same_as_buffered)
{
    static const char *const reqs[] = {
        "GET / HTTP/1.0\r\n\r\n",
        "HEAD /index.html HTTP/1.1\r\nHost: a\r\n"
        "Accept-Encoding: gzip\r\n\r\n",
        "GET /nothing HTTP/1.1\r\nHost: a\r\n\r\n",
        "DELETE / HTTP/1.1\r\n\r\n",
        "BREW / HTTP/1.1\r\n\r\n",
        "GET /a b HTTP/1.1\r\n\r\n",
        "GET /index.html\r\n",
        "HEAD /index.html HTTP/2.0\r\n\r\n",
        "GET /index.html HTTP/1.1\r\n\r\n",
        "GET /index.html HTTP/1.0\r\nA: b\r\n c\r\n\r\n",
        "GET /index.html#a HTTP/1.0\r\n\r\n",
        "GET /both.html HTTP/1.0\r\nIf-None-Match: \"x\"\"a\"\r\n\r\n",
    };
    struct pagec_reply r;
    uint8_t flat[2048];
    uint32_t isn;
    size_t i;
    size_t n;

    ck_assert_uint_eq(stream(tcp(0x02, 5000, 0, NULL)), 44);
    isn = rd32(out + 24);
    for (i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        uint16_t len;

        n = tcp(0x18, 5001, isn + 1, reqs[i]);
        len = pagec_server_input(&srv, now, in, (uint16_t)n, &r);
        ck_assert_uint_gt(len, 40);
        ck_assert_uint_eq(pagec_reply_copy(&r, flat, sizeof flat), len);
        ck_assert_uint_eq(stream(n), len);
        ck_assert_uint_eq(nout, len);
        ck_assert_mem_eq(out, flat, len);
        ck_assert(ref_l4_ok(out));
    }
}
END_TEST

#if PAGEC_LARGE
/*
 * Large replies (docs/large-pages.md) through the streaming API: each
 * datagram sent to it and to the buffered API, whose answers must be the
 * same datagrams; and what those are, checked here: the checksums, the
 * numbers, the options, the data against the file in the site's folder,
 * the segments' ends on the grid that names the reply.
 */
static uint32_t clock_ms;
#define LMAX 16
static uint8_t lout[LMAX][1600]; /* the answer's datagrams */
static size_t lcount;

static uint32_t large_millis(const struct pagec_server *p)
{
    (void)p;
    return clock_ms;
}

static void large_setup(void)
{
    static const uint8_t key[8] = {8, 7, 6, 5, 4, 3, 2, 1};

    memset(&srv, 0, sizeof srv);
    srv.site = &large_site;
    memcpy(srv.secret, key, sizeof key);
    srv.millis = large_millis;
    clock_ms = 77000000u;
}

/* The answer to the n bytes of in: the streaming API's, which must be
 * the buffered API's, datagram for datagram; each checked well formed. */
static size_t large_answer(size_t n)
{
    static struct pagec_reply r;
    static uint8_t flat[LMAX * 1600];
    static int runs;
    size_t lens[LMAX];
    size_t at = 0;
    size_t k;
    uint16_t len = pagec_server_input(&srv, clock_ms / 1000u, in,
                                      (uint16_t)n, &r);

    runs = !runs;
    lcount = stream_answer(&srv, clock_ms / 1000u, in, n, runs, flat,
                           sizeof flat, lens, LMAX);
    for (k = 0; k < lcount; k++) {
        ck_assert_uint_eq(lens[k], len);
        ck_assert_uint_eq(pagec_reply_copy(&r, lout[k], sizeof lout[k]), len);
        ck_assert_mem_eq(flat + at, lout[k], len);
        ck_assert(ref_ip_ok(lout[k]));
        ck_assert(ref_l4_ok(lout[k]));
        ck_assert_mem_eq(lout[k] + 12, server, 4);
        ck_assert_mem_eq(lout[k] + 16, client, 4);
        ck_assert_uint_eq(rd16(lout[k] + 20), 80);
        ck_assert_uint_eq(rd16(lout[k] + 22), 40000);
        at += len;
        len = pagec_server_next(&srv, &r);
    }
    ck_assert_uint_eq(len, 0); /* the buffered API has no more either */
    return lcount;
}

/* A TCP segment to port 80 with options opt (optlen bytes) and data. */
static size_t large_seg(uint8_t flags, uint32_t seq, uint32_t ack,
                        const uint8_t *opt, size_t optlen, const char *data)
{
    struct seg g;

    memset(&g, 0, sizeof g);
    memcpy(g.src, client, 4);
    memcpy(g.dst, server, 4);
    g.sport = 40000;
    g.dport = 80;
    g.seq = seq;
    g.ack = ack;
    g.flags = flags;
    g.data = data;
    g.dlen = data ? strlen(data) : 0;
    g.opt = opt;
    g.optlen = optlen;
    g.window = 65535;
    return build_tcp(in, &g);
}

/* The option of kind k in TCP datagram d: its offset in d, or 0. */
static size_t opt_at(const uint8_t *d, uint8_t k)
{
    size_t end = 20 + (size_t)(d[32] >> 4) * 4;
    size_t i = 40;

    while (i < end && d[i] != 0) {
        if (d[i] == 1) {
            i++;
            continue;
        }
        if (d[i] == k) {
            return i;
        }
        i += d[i + 1];
    }
    return 0;
}

/* Options: NOP NOP and timestamps (TSval, TSecr) into o, then SACK
 * blocks (nb pairs of sequence numbers, at most 3); their length. */
static size_t large_opts(uint8_t *o, uint32_t tsval, uint32_t tsecr,
                         const uint32_t *blocks, size_t nb)
{
    size_t n = 0;
    size_t k;

    o[n++] = 1;
    o[n++] = 1;
    o[n++] = 8;
    o[n++] = 10;
    wr32(o + n, tsval);
    wr32(o + n + 4, tsecr);
    n += 8;
    if (nb) {
        o[n++] = 1;
        o[n++] = 1;
        o[n++] = 5;
        o[n++] = (uint8_t)(2 + 8 * nb);
        for (k = 0; k < 2 * nb; k++) {
            wr32(o + n, blocks[k]);
            n += 4;
        }
    }
    return n;
}

/* A SYN with each set of options gets the SYN-ACK they ask for. */
START_TEST(test_stream_large_syn)
{
    int ts;
    int sack;

    for (ts = 0; ts < 2; ts++) {
        for (sack = 0; sack < 2; sack++) {
            uint8_t o[40];
            size_t ol = 0;
            size_t at;
            uint32_t want;

            o[ol++] = 2;
            o[ol++] = 4;
            wr16(o + ol, 1460);
            ol += 2;
            if (sack) {
                o[ol++] = 1;
                o[ol++] = 1;
                o[ol++] = 4;
                o[ol++] = 2;
            }
            if (ts) {
                o[ol++] = 1;
                o[ol++] = 1;
                o[ol++] = 8;
                o[ol++] = 10;
                wr32(o + ol, 0x01020304u);
                wr32(o + ol + 4, 0);
                ol += 8;
            }
            ck_assert_uint_eq(large_answer(large_seg(0x02, 5000, 0, o, ol,
                                                     NULL)),
                              1);
            ck_assert_uint_eq(lout[0][33], 0x12);
            ck_assert_uint_eq(rd32(lout[0] + 28), 5001);
            want = pagec_isn(srv.secret, client, server, 40000, 80,
                             (clock_ms / 1000u) >> PAGEC_ISN_SLOT_LOG2, 3,
                             5000) ^
                   (sack ? 0x08000000u : 0u);
            ck_assert_uint_eq(rd32(lout[0] + 24), want);
            ck_assert_uint_eq(rd16(lout[0] + 2),
                              44 + (sack && !ts ? 4 : 0) + (ts ? 12 : 0));
            at = opt_at(lout[0], 2);
            ck_assert_uint_ne(at, 0);
            ck_assert_uint_eq(lout[0][at + 1], 4);
            ck_assert_uint_eq(rd16(lout[0] + at + 2), large_site.mss);
            ck_assert_uint_eq(opt_at(lout[0], 4) != 0, sack);
            at = opt_at(lout[0], 8);
            ck_assert_uint_eq(at != 0, ts);
            if (ts) {
                ck_assert_uint_eq(rd32(lout[0] + at + 2), clock_ms << 10);
                ck_assert_uint_eq(rd32(lout[0] + at + 6), 0x01020304u);
            }
        }
    }
}
END_TEST

/*
 * A large page fetched a step at a time, with timestamps and SACK: the
 * request's first ten segments; ACKs at boundaries; a SACK block above a
 * hole; a D-SACK; a poke; the ACK of our FIN; the client's FIN.
 */
START_TEST(test_stream_large_page)
{
    static const char req[] = "GET /noise.txt HTTP/1.1\r\nHost: d\r\n"
                              "Accept-Encoding: identity\r\n\r\n";
    static uint8_t got[65536];
    static size_t ends[32]; /* offsets where our segments end */
    size_t nends = 0;
    size_t flen;
    uint8_t *file = slurp(TEST_SITE_LARGE "/noise.txt", &flen);
    uint8_t o[40];
    uint8_t syn[20];
    uint32_t isn;
    uint32_t blocks[4];
    uint32_t cend = 9001 + (uint32_t)strlen(req); /* after the request */
    uint32_t tsval = 1000;
    uint32_t v;
    size_t per; /* data bytes of a whole segment */
    size_t len = 0; /* the reply's length, once its FIN came */
    size_t k;
    unsigned rounds;
    const char *body;

    /* the handshake, with timestamps and SACK */
    syn[0] = 2;
    syn[1] = 4;
    wr16(syn + 2, 1460);
    syn[4] = 4;
    syn[5] = 2;
    syn[6] = 8;
    syn[7] = 10;
    wr32(syn + 8, tsval++);
    wr32(syn + 12, 0);
    syn[16] = 1;
    syn[17] = 1;
    syn[18] = 1;
    syn[19] = 1;
    ck_assert_uint_eq(large_answer(large_seg(0x02, 9000, 0, syn, 20, NULL)),
                      1);
    isn = rd32(lout[0] + 24);

    /* the request: the first ten segments, one after the other, none of
     * the request acknowledged yet (a lost first segment: the client
     * sends it all again) */
    clock_ms += 3;
    ck_assert_uint_eq(
        large_answer(large_seg(0x18, 9001, isn + 1,
                               o, large_opts(o, tsval++, clock_ms << 10,
                                             NULL, 0),
                               req)),
        10);
    for (k = 0; k < 10; k++) {
        const uint8_t *d = lout[k];
        size_t hl = (size_t)(d[32] >> 4) * 4;
        size_t dl = rd16(d + 2) - 20 - hl;
        size_t off = rd32(d + 24) - isn - 1u;
        size_t t = opt_at(d, 8);

        ck_assert_uint_eq(hl, 32); /* NOP NOP timestamps */
        ck_assert_uint_eq(d[33], 0x18); /* PSH on every segment */
        ck_assert_uint_eq(rd32(d + 28), 9001u);
        ck_assert_uint_ne(t, 0);
        ck_assert_uint_eq(rd32(d + t + 2), clock_ms << 10 | (k + 1));
        ck_assert_uint_eq(rd32(d + t + 6), tsval - 1u);
        ck_assert_uint_eq(off, k ? ends[k - 1] : 0);
        ck_assert_uint_le(dl + 12, 1460);
        memcpy(got + off, d + 20 + hl, dl);
        ends[nends++] = off + dl;
    }
    /* every end on the grid of one reply: 2v modulo B, v its number */
    v = (uint32_t)(ends[0] % large_site.block) / 2;
    ck_assert_uint_ge(v, 1);
    ck_assert_uint_le(v, large_site.nlarge);
    per = ends[1] - ends[0];
    ck_assert_uint_eq(per % large_site.block, 0);
    ck_assert_uint_eq(per, (1460u - 12u) / large_site.block * large_site.block);
    for (k = 0; k < nends; k++) {
        ck_assert_uint_eq(ends[k] % large_site.block, 2 * v);
        ck_assert_uint_eq(ends[k], ends[0] + k * per);
    }
    for (; nends < sizeof ends / sizeof ends[0]; nends++) {
        ends[nends] = ends[0] + nends * per; /* up to the last */
    }

    /* an ACK of two segments: two more, at the end of the flight */
    clock_ms += 2;
    ck_assert_uint_eq(
        large_answer(large_seg(0x10, cend, isn + 1 + (uint32_t)ends[1], o,
                               large_opts(o, tsval++, (clock_ms - 2) << 10 | 1,
                                          NULL, 0),
                               NULL)),
        2);
    ck_assert_uint_eq(rd32(lout[0] + 24), isn + 1 + (uint32_t)ends[9]);
    ck_assert_uint_eq(rd32(lout[1] + 24), isn + 1 + (uint32_t)ends[10]);
    for (k = 0; k < 2; k++) {
        size_t off = rd32(lout[k] + 24) - isn - 1u;

        memcpy(got + off, lout[k] + 52, rd16(lout[k] + 2) - 52u);
    }

    /* segment 2 lost, 3 came: a SACK block for 3; segment 2 again, and
     * the one that keeps ten in flight */
    blocks[0] = isn + 1 + (uint32_t)ends[2];
    blocks[1] = isn + 1 + (uint32_t)ends[3];
    ck_assert_uint_eq(
        large_answer(large_seg(0x10, cend, isn + 1 + (uint32_t)ends[1], o,
                               large_opts(o, tsval++, clock_ms << 10 | 4,
                                          blocks, 1),
                               NULL)),
        2);
    ck_assert_uint_eq(rd32(lout[0] + 24), isn + 1 + (uint32_t)ends[1]);
    ck_assert_uint_eq(rd16(lout[0] + 2), 52 + per);
    ck_assert_mem_eq(lout[0] + 52, got + ends[1], per);
    ck_assert_uint_eq(rd32(lout[1] + 24), isn + 1 + (uint32_t)ends[12]);

    /* a D-SACK: a block below the ACK reports a copy; nothing */
    blocks[0] = isn + 1 + (uint32_t)ends[1];
    blocks[1] = isn + 1 + (uint32_t)ends[2];
    ck_assert_uint_eq(
        large_answer(large_seg(0x10, cend, isn + 1 + (uint32_t)ends[3], o,
                               large_opts(o, tsval++, clock_ms << 10 | 2,
                                          blocks, 1),
                               NULL)),
        0);
    /* a SACK block off the grid: nothing either */
    blocks[0] = isn + 1 + (uint32_t)ends[5] + 1;
    blocks[1] = isn + 1 + (uint32_t)ends[6];
    ck_assert_uint_eq(
        large_answer(large_seg(0x10, cend, isn + 1 + (uint32_t)ends[3], o,
                               large_opts(o, tsval++, clock_ms << 10 | 4,
                                          blocks, 1),
                               NULL)),
        0);

    /* a poke (the request's last byte again) long after: a restart at
     * the ACK, ten segments; then ACKs of all that came, echoing the
     * first one's TSval, draw the rest, the last with our FIN */
    clock_ms += 500;
    ck_assert_uint_eq(
        large_answer(large_seg(0x18, cend - 1u, isn + 1 + (uint32_t)ends[3],
                               o,
                               large_opts(o, tsval++,
                                          (clock_ms - 500) << 10 | 4, NULL,
                                          0),
                               "\n")),
        10);
    for (rounds = 0; len == 0 && lcount > 0 && rounds < 8; rounds++) {
        uint32_t first = rd32(lout[0] + 24) - isn - 1u;
        uint32_t echo = rd32(lout[0] + opt_at(lout[0], 8) + 2);

        for (k = 0; k < lcount; k++) {
            const uint8_t *d = lout[k];
            size_t off = rd32(d + 24) - isn - 1u;
            size_t dl = rd16(d + 2) - 52u;

            ck_assert_uint_eq(off, first + k * per);
            ck_assert_uint_eq(rd32(d + 28), cend - 1u);
            memcpy(got + off, d + 52, dl);
            if (d[33] & 0x01) {
                ck_assert_uint_eq(k, lcount - 1);
                len = off + dl;
            }
        }
        if (len == 0) {
            clock_ms += 1;
            large_answer(large_seg(
                0x10, cend,
                isn + 1 + first + (uint32_t)(lcount * per), o,
                large_opts(o, tsval++, echo, NULL, 0), NULL));
        }
    }
    ck_assert_uint_ne(len, 0);
    ck_assert_uint_eq(len % 2, 0);

    /* the reply: a 200 whose body is the file */
    ck_assert_int_eq(memcmp(got, "HTTP/1.1 200 ", 13), 0);
    got[len] = 0;
    body = strstr((const char *)got, "\r\n\r\n");
    ck_assert_ptr_nonnull(body);
    body += 4;
    ck_assert_uint_eq(len - (size_t)((const uint8_t *)body - got), flen);
    ck_assert_mem_eq(body, file, flen);

    /* the ACK of our FIN alone: nothing (the client may have closed);
     * the client's FIN: the ACK of the whole request and the FIN */
    ck_assert_uint_eq(
        large_answer(large_seg(0x10, cend, isn + 2 + (uint32_t)len, o,
                               large_opts(o, tsval++, clock_ms << 10 | 1,
                                          NULL, 0),
                               NULL)),
        0);
    ck_assert_uint_eq(
        large_answer(large_seg(0x11, cend, isn + 2 + (uint32_t)len, o,
                               large_opts(o, tsval++, clock_ms << 10 | 1,
                                          NULL, 0),
                               NULL)),
        1);
    ck_assert_uint_eq(lout[0][33], 0x10);
    ck_assert_uint_eq(rd32(lout[0] + 24), isn + 2 + (uint32_t)len);
    ck_assert_uint_eq(rd32(lout[0] + 28), cend + 1u);
    /* the client's FIN: acknowledged */
    ck_assert_uint_eq(
        large_answer(large_seg(0x11, cend, isn + 2 + (uint32_t)len, o,
                               large_opts(o, tsval++, clock_ms << 10, NULL,
                                          0),
                               NULL)),
        1);
    ck_assert_uint_eq(rd32(lout[0] + 28), cend + 1u);
    ck_assert_uint_eq(lout[0][33] & 0x05, 0); /* no RST, no FIN */
    free(file);
}
END_TEST

/* Without options a large page goes a segment at a time, each ACK
 * drawing the next, the stream pulled a byte at a time or in runs;
 * without timestamps the data segments have no options. */
START_TEST(test_stream_large_stop_and_wait)
{
    static const char req[] = "GET /page.html HTTP/1.1\r\nHost: d\r\n"
                              "Accept-Encoding: identity\r\n\r\n";
    uint8_t mss[4] = {2, 4, 0x02, 0x18}; /* 536 */
    uint32_t cend = 7001 + (uint32_t)strlen(req);
    uint32_t isn;
    uint32_t off = 0;
    unsigned segs = 0;

    ck_assert_uint_eq(large_answer(large_seg(0x02, 7000, 0, mss, 4, NULL)),
                      1);
    ck_assert_uint_eq(rd16(lout[0] + 2), 44); /* the plain SYN-ACK */
    isn = rd32(lout[0] + 24);
    ck_assert_uint_eq(
        large_answer(large_seg(0x18, 7001, isn + 1, NULL, 0, req)), 1);
    for (;;) {
        uint16_t dl = (uint16_t)(rd16(lout[0] + 2) - 40u);

        ck_assert_uint_eq(lout[0][32], 0x50);
        ck_assert_uint_eq(rd32(lout[0] + 24), isn + 1 + off);
        ck_assert_uint_le(dl, 536 - 12);
        off += dl;
        segs++;
        if (lout[0][33] & 0x01) {
            break;
        }
        ck_assert_uint_eq(
            large_answer(large_seg(0x10, cend, isn + 1 + off, NULL, 0, NULL)),
            1);
    }
    ck_assert_uint_gt(segs, 20); /* 11 KiB at MSS 536 */
    ck_assert_uint_eq(
        large_answer(large_seg(0x10, cend, isn + 2 + off, NULL, 0, NULL)), 0);
    ck_assert_uint_eq(
        large_answer(large_seg(0x11, cend, isn + 2 + off, NULL, 0, NULL)), 1);
    ck_assert_uint_eq(rd16(lout[0] + 2), 40);
    ck_assert_uint_eq(rd32(lout[0] + 28), cend + 1u);
}
END_TEST
#endif

Suite *stream_suite(void)
{
    Suite *s = suite_create("stream");
    TCase *tc = tcase_create("core");
#if PAGEC_LARGE
    TCase *lc = tcase_create("large");
#endif

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_stream_get);
    tcase_add_test(tc, test_stream_bad_tcp);
    tcase_add_test(tc, test_stream_echo);
    tcase_add_test(tc, test_stream_ihl_below_5);
    tcase_add_test(tc, test_stream_not_tcp_or_icmp);
    tcase_add_test(tc, test_stream_misuse);
    tcase_add_test(tc, test_stream_cut_fields);
    tcase_add_test(tc, test_stream_same_as_buffered);
    suite_add_tcase(s, tc);
#if PAGEC_LARGE
    tcase_add_checked_fixture(lc, large_setup, NULL);
    tcase_add_test(lc, test_stream_large_syn);
    tcase_add_test(lc, test_stream_large_page);
    tcase_add_test(lc, test_stream_large_stop_and_wait);
    suite_add_tcase(s, lc);
#endif
    return s;
}
