/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_runtime.c - the stateless server, fed crafted datagrams. Every
 * reply is checked field by field, with checksums verified by the test's
 * own implementation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic_site.h"
#include "tiny_site.h"
#include "live_site.h"
#include "helper.h"
#include "pagec/pagec.h"
#include "pagec/stream.h"

static const uint8_t client[4] = {192, 0, 2, 1};
static const uint8_t server[4] = {192, 0, 2, 2};
static struct pagec_server srv;
static uint32_t now;        /* the clock passed to the server, seconds */
static uint16_t syn_mss;    /* MSS option of the SYNs sent; 0: none */
static uint8_t in[2048];
static uint8_t out[2048];
static struct pagec_reply reply;

static void setup(void)
{
    static const uint8_t key[8] = {0x5e, 0xc2, 0xe7, 0x00,
                                   0x11, 0x22, 0x33, 0x44};

    memset(&srv, 0, sizeof srv);
    srv.site = &basic_site;
    now = 1000000;
    syn_mss = 1460;
    memcpy(srv.secret, key, sizeof key);
    memset(&reply, 0xa5, sizeof reply);
}

/* The datagrams of the answer after the first (PAGEC_LARGE: a large
 * reply's segments), from pagec_server_next(), one after the other. */
static uint8_t more[16 * 1600];
static size_t more_len[16];
static size_t nmore;

/* Runs the server on n bytes of in; returns the reply length, and the
 * flattened reply in out (assembled here, not by the code under test). */
/* The same n bytes of in through the streaming API, a byte at a time:
 * it must answer with the same bytes as the buffered API did (len, and
 * out, then the datagrams in more), or not at all when that did not (an
 * echo reply it started cut-through then ends short, which the receiver
 * drops). */
static void same_from_stream(size_t n, uint16_t len)
{
    static int ram_runs;
    static struct pagec_stream st;
    static uint8_t sout[2048];
    size_t m = 0;
    size_t k;
    uint16_t slen;

    pagec_stream_begin(&st);
    for (k = 0; k < n; k++) {
        pagec_stream_byte(&srv, &st, in[k]);
        while (pagec_stream_pending(&st) && m < sizeof sout) {
            sout[m++] = pagec_stream_next(&srv, &st);
        }
    }
    slen = pagec_stream_end(&srv, &st, now);
    ram_runs = !ram_runs;
    /* as a driver sends: the template's runs whole, the rest a byte at a
     * time */
    while (pagec_stream_pending(&st) && m < sizeof sout) {
        const uint8_t *run;
        uint16_t r = pagec_stream_run(&st, &run);

        if (r == 0) {
            const uint8_t *ram;

            /* a live field or a service's text in RAM: every other
             * reply through pagec_stream_ram(), else a byte at a time */
            r = ram_runs ? pagec_stream_ram(&st, &ram) : 0;
            if (r == 0) {
                sout[m++] = pagec_stream_next(&srv, &st);
                continue;
            }
            ck_assert_uint_le(m + r, sizeof sout);
            memcpy(sout + m, ram, r);
            m += r;
            continue;
        }
        ck_assert_uint_le(m + r, sizeof sout);
        memcpy(sout + m, run, r);
        m += r;
    }
    ck_assert_uint_eq(slen, len);
    if (len) {
        ck_assert_uint_eq(m, len);
        ck_assert_mem_eq(sout, out, len);
    }
#if PAGEC_LARGE
    /* the datagrams after the first, pulled as they come */
    m = 0;
    for (k = 0; k < nmore; k++) {
        size_t i;

        ck_assert(pagec_stream_more(&srv, &st));
        ck_assert_uint_eq(pagec_stream_pending(&st), more_len[k]);
        for (i = 0; i < more_len[k]; i++) {
            ck_assert_uint_eq(pagec_stream_next(&srv, &st), more[m + i]);
        }
        m += more_len[k];
        ck_assert_uint_eq(pagec_stream_pending(&st), 0);
    }
    ck_assert(!pagec_stream_more(&srv, &st));
#endif
}

static size_t serve(size_t n)
{
    uint16_t len = pagec_server_input(&srv, now, in, (uint16_t)n, &reply);

    if (len) {
        static uint8_t copy[2048];
        const uint8_t *p;
        uint16_t plen;
        size_t at = reply.hdr_len;
        uint8_t i;

        ck_assert_uint_eq(len, reply.hdr_len + reply.body_len);
        memcpy(out, reply.hdr, reply.hdr_len);
        /* the body from its pieces (one but for a live page's reply) */
        for (i = 0; pagec_reply_piece(&reply, i, &p, &plen); i++) {
            ck_assert_uint_le(at + plen, len);
            memcpy(out + at, p, plen);
            at += plen;
        }
        ck_assert_uint_eq(at, len);
        ck_assert_uint_eq(pagec_reply_copy(&reply, copy, sizeof copy), len);
        ck_assert_mem_eq(copy, out, len);
        ck_assert_uint_eq(rd16(out + 2), len);
        ck_assert_msg(ref_ip_ok(out), "bad IP checksum in the reply");
        ck_assert_msg(ref_l4_ok(out), "bad TCP/UDP/ICMP checksum in the reply");
        ck_assert_mem_eq(out + 12, server, 4);
        ck_assert_mem_eq(out + 16, client, 4);
        ck_assert_uint_eq(out[0], 0x45);
        ck_assert_uint_eq(out[8], 64);
    }
    nmore = 0;
#if PAGEC_LARGE
    if (len) {
        static struct pagec_reply next;
        size_t at = 0;
        uint16_t k;

        /* the rest of the answer, from a copy: reply stays as it was */
        next = reply;
        while ((k = pagec_server_next(&srv, &next)) != 0) {
            ck_assert_uint_lt(nmore, sizeof more_len / sizeof more_len[0]);
            ck_assert_uint_eq(pagec_reply_copy(&next, more + at,
                                               (uint16_t)(sizeof more - at)),
                              k);
            ck_assert(ref_ip_ok(more + at));
            ck_assert(ref_l4_ok(more + at));
            more_len[nmore++] = k;
            at += k;
        }
    }
#endif
    same_from_stream(n, len);
    return len;
}

static struct seg seg_to(uint16_t dport, uint8_t flags, uint32_t seq,
                         uint32_t ack, const char *data)
{
    struct seg s;

    memset(&s, 0, sizeof s);
    memcpy(s.src, client, 4);
    memcpy(s.dst, server, 4);
    s.sport = 40000;
    s.dport = dport;
    s.seq = seq;
    s.ack = ack;
    s.flags = flags;
    s.data = data;
    s.dlen = data ? strlen(data) : 0;
    return s;
}

static size_t tcp(uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
                  const char *data)
{
    struct seg s = seg_to(dport, flags, seq, ack, data);
    uint8_t opt[4] = {2, 4, (uint8_t)(syn_mss >> 8), (uint8_t)syn_mss};

    if ((flags & 0x02) && syn_mss) {
        s.opt = opt;
        s.optlen = sizeof opt;
    }
    return build_tcp(in, &s);
}

/* The ISN the server gives client port cport on port sport now, for a SYN
 * with an MSS option of 1460 (class 3 on this site) whose sequence number
 * is below 65535 (all the tests' are: bits 16-31 of the client's ISN + 1
 * are 0). */
static uint32_t isn_of(uint16_t cport, uint16_t sport)
{
    return pagec_isn(srv.secret, client, server, cport, sport, now >> 6, 3, 0);
}

/* Checks the TCP header of the reply in out. */
static void check_tcp(uint16_t sport, uint16_t dport, uint8_t flags,
                      uint32_t seq, uint32_t ack)
{
    ck_assert_uint_eq(out[9], 6);
    ck_assert_uint_eq(rd16(out + 20), sport);
    ck_assert_uint_eq(rd16(out + 22), dport);
    ck_assert_uint_eq(out[33], flags);
    ck_assert_uint_eq(rd32(out + 24), seq);
    ck_assert_uint_eq(rd32(out + 28), ack);
}

/* Opens a connection: SYN, and returns our ISN from the SYN-ACK. */
static uint32_t handshake(uint32_t cseq)
{
    ck_assert_uint_eq(serve(tcp(80, 0x02, cseq, 0, NULL)), 44);
    return rd32(out + 24);
}

/* The body of the reply in out, after the HTTP header. */
static const uint8_t *http_body(size_t len, size_t *n)
{
    const char *h = (const char *)out + 40;
    const char *end = strstr(h, "\r\n\r\n");

    ck_assert_ptr_nonnull(end);
    *n = len - (size_t)((const uint8_t *)end + 4 - out);
    return (const uint8_t *)end + 4;
}

START_TEST(test_runtime_syn)
{
    uint32_t isn;

    isn = handshake(1000);
    check_tcp(80, 40000, 0x12, isn, 1001);
    ck_assert_uint_eq(out[32], 0x60);        /* 24-byte header */
    ck_assert_uint_eq(out[40], 2);           /* MSS option */
    ck_assert_uint_eq(out[41], 4);
    ck_assert_uint_eq(rd16(out + 42), 1460);
    ck_assert_uint_eq(isn, isn_of(40000, 80));
    /* a retransmitted SYN gets the same SYN-ACK */
    ck_assert_uint_eq(handshake(1000), isn);
    /* a SYN carrying data: only the SYN is acknowledged */
    ck_assert_uint_eq(serve(tcp(80, 0x02, 1000, 0, "GET / HTTP/1.0\r\n")),
                      44);
    check_tcp(80, 40000, 0x12, isn, 1001);
}
END_TEST

START_TEST(test_runtime_get_page)
{
    char path[512];
    uint32_t isn = handshake(5000);
    const char *req = "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n";
    size_t n;
    size_t blen;
    size_t flen;
    uint8_t first[2048];
    uint8_t *file;
    const uint8_t *body;

    ck_assert_uint_eq(serve(tcp(80, 0x10, 5001, isn + 1, NULL)), 0);
    n = serve(tcp(80, 0x18, 5001, isn + 1, req));
    ck_assert_uint_gt(n, 40);
    check_tcp(80, 40000, 0x19, isn + 1, (uint32_t)(5001 + strlen(req)));
    ck_assert(memcmp(out + 40, "HTTP/1.1 200 \r\n", 15) == 0);
    snprintf(path, sizeof path, "%s/index.html", TEST_SITE_BASIC);
    file = slurp(path, &flen);
    body = http_body(n, &blen);
    ck_assert_uint_eq(blen, flen);
    ck_assert_mem_eq(body, file, flen);
    free(file);

    /* a retransmitted request gets a byte-identical page */
    memcpy(first, out, n);
    ck_assert_uint_eq(serve(tcp(80, 0x18, 5001, isn + 1, req)), n);
    ck_assert_mem_eq(out, first, n);

    /* the client acknowledges our FIN, then closes: we ACK its FIN */
    ck_assert_uint_eq(serve(tcp(80, 0x10, (uint32_t)(5001 + strlen(req)),
                                (uint32_t)(isn + 1 + n - 40 + 1), NULL)),
                      0);
    ck_assert_uint_eq(serve(tcp(80, 0x11, (uint32_t)(5001 + strlen(req)),
                                (uint32_t)(isn + 1 + n - 40 + 1), NULL)),
                      40);
    check_tcp(80, 40000, 0x10, (uint32_t)(isn + 1 + n - 40 + 1),
              (uint32_t)(5001 + strlen(req) + 1));
}
END_TEST

/* Stand-ins for a template sent with another status code: the error
 * reply as each code (ERR), a variant's HEAD form as 304 (NM). */
static const int codes[] = {400, 404, 405, 406, 501, 503, 505};
static struct pagec_tmpl err_keys[sizeof codes / sizeof codes[0]];
static struct pagec_tmpl nm_keys[64];

static const struct pagec_variant *V(uint16_t i)
{
    ck_assert_uint_lt(i, basic_site.nvariants);
    return &basic_site.variants[i];
}

static const struct pagec_tmpl *ERR(int code)
{
    size_t k;

    for (k = 0; codes[k] != code; k++) {
    }
    return &err_keys[k];
}

static const struct pagec_tmpl *NM(uint16_t i)
{
    ck_assert_uint_lt(i, sizeof nm_keys / sizeof nm_keys[0]);
    return &nm_keys[i];
}

/* 1 when the n-byte reply in out carries the bytes of template t, with
 * the status code digits code (3 ASCII digits, or NULL: t's own). */
static int carries(const struct pagec_tmpl *t, size_t n, const char *code)
{
    const uint8_t *p = t->pkt;
    const uint8_t *d = out + 40; /* the TCP data */

    if (n != t->len || n < 40 + PAGEC_STATUS_AT + 3) {
        return 0;
    }
    if (memcmp(d, p, PAGEC_STATUS_AT) != 0 ||
        memcmp(d + PAGEC_STATUS_AT + 3, p + PAGEC_STATUS_AT + 3,
               n - 40 - PAGEC_STATUS_AT - 3) != 0) {
        return 0;
    }
    return memcmp(d + PAGEC_STATUS_AT, code ? (const uint8_t *)code
                                            : p + PAGEC_STATUS_AT, 3) == 0;
}

/* The template whose bytes the n-byte reply in out carries, or NULL. */
static const struct pagec_tmpl *which(size_t n)
{
    char digits[4];
    uint16_t i;
    size_t k;

    for (k = 0; k < sizeof codes / sizeof codes[0]; k++) {
        snprintf(digits, sizeof digits, "%d", codes[k]);
        if (carries(&basic_site.status, n, digits)) {
            return ERR(codes[k]);
        }
    }
    for (i = 0; i < basic_site.nvariants; i++) {
        const struct pagec_variant *v = &basic_site.variants[i];

        if (carries(&v->get, n, NULL)) {
            return &v->get;
        }
        if (carries(&v->head, n, NULL)) {
            return &v->head;
        }
        if (carries(&v->head, n, "304")) {
            return NM(i);
        }
    }
    return NULL;
}

/* Which template a request selects; NULL for no reply. */
static const struct pagec_tmpl *answer(const char *req)
{
    uint32_t isn = handshake(77);
    size_t n = serve(tcp(80, 0x18, 78, isn + 1, req));
    const struct pagec_tmpl *t;

    if (!n) {
        return NULL;
    }
    t = which(n);
    ck_assert_msg(t != NULL, "reply to '%s' matches no template", req);
    return t;
}

static const struct pagec_page *page(const char *path)
{
    const struct pagec_page *pg = site_page(&basic_site, path);

    ck_assert_msg(pg != NULL, "no page %s", path);
    return pg;
}

/* The identity 200 reply of a page. */
static const struct pagec_tmpl *ok(const char *path)
{
    return &V(page(path)->identity)->get;
}

START_TEST(test_runtime_request_lines)
{
    const struct pagec_tmpl *index = ok("/index.html");
    const struct pagec_tmpl *bad = ERR(400);

    ck_assert_ptr_eq(answer("GET / HTTP/1.0\r\n\r\n"), index);
    ck_assert_ptr_eq(answer("GET /index.html?x=1 HTTP/1.0\r\n"), index);
    ck_assert_ptr_eq(answer("GET /index.html\r\n"), index); /* HTTP/0.9 */
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.0\n"), index);
    ck_assert_ptr_eq(answer("GET /sub/ HTTP/1.0\r\n"), ok("/sub/index.html"));
    ck_assert_ptr_eq(answer("GET /notes.txt HTTP/1.0\r\n"), ok("/notes.txt"));
    ck_assert_ptr_eq(answer("GET /README HTTP/1.0\r\n"), ok("/README"));
    ck_assert_ptr_eq(answer("GET /missing HTTP/1.0\r\n"), ERR(404));
    /* a folder without its slash: its redirect, a 301 */
    ck_assert_ptr_eq(answer("GET /sub HTTP/1.0\r\n"), ok("/sub"));
    ck_assert(memcmp(out + 40, "HTTP/1.1 301 \r\n", 15) == 0);
    ck_assert_ptr_eq(answer("GET /sub?x=1 HTTP/1.1\r\nHost: x\r\n\r\n"),
                     ok("/sub"));
    /* its HEAD form: the same bytes, as the 301 has no body */
    ck_assert_ptr_eq(answer("HEAD /sub HTTP/1.0\r\n"), ok("/sub"));
    ck_assert_uint_eq(V(page("/sub")->identity)->head.len, ok("/sub")->len);
    ck_assert_ptr_eq(answer("GET /su HTTP/1.0\r\n"), ERR(404));
    ck_assert_ptr_eq(answer("GET /index.htm HTTP/1.0\r\n"), ERR(404));
    ck_assert_ptr_eq(answer("GET /index.html5 HTTP/1.0\r\n"), ERR(404));
    ck_assert_ptr_eq(answer("GET /../index.html HTTP/1.0\r\n"), ERR(404));
    /* percent-decoding, absolute-form */
    ck_assert_ptr_eq(answer("GET /%69ndex.html HTTP/1.0\r\n"), index);
    ck_assert_ptr_eq(answer("GET /sub%2findex.html HTTP/1.0\r\n"),
                     ok("/sub/index.html"));
    ck_assert_ptr_eq(answer("GET http://192.0.2.2/notes.txt HTTP/1.1\r\n"),
                     ok("/notes.txt"));
    ck_assert_ptr_eq(answer("GET http://192.0.2.2 HTTP/1.1\r\n"), index);
    ck_assert_ptr_eq(answer("GET http://a b/index.html HTTP/1.1\r\n"), bad);
    /* RFC 9112 section 3.2: no fragment (a client never sends one) */
    ck_assert_ptr_eq(answer("GET /index.html#top HTTP/1.0\r\n"), bad);
    ck_assert_ptr_eq(answer("GET /index.html?a#top HTTP/1.0\r\n"), bad);
    ck_assert_ptr_eq(answer("GET /index.html?a=# HTTP/1.0\r\n"), bad);
    ck_assert_ptr_eq(answer("GET /# HTTP/1.0\r\n"), bad);
    ck_assert_ptr_eq(answer("GET /index.html#\r\n"), bad);
    ck_assert_ptr_eq(answer("GET http://h#f/data.json HTTP/1.1\r\n"), bad);
    ck_assert_ptr_eq(answer("GET http://h/#f HTTP/1.1\r\n"), bad);
    ck_assert_ptr_eq(answer("GET #/index.html HTTP/1.0\r\n"), bad);
    ck_assert_ptr_eq(answer("HEAD /index.html#top HTTP/1.0\r\n"), ERR(400));
    ck_assert_ptr_eq(answer("GET /%23 HTTP/1.0\r\n"),
                     ERR(404)); /* an escaped '#' is not */
    /* methods */
    ck_assert_ptr_eq(answer("HEAD /index.html HTTP/1.0\r\n"),
                     &V(page("/index.html")->identity)->head);
    ck_assert_ptr_eq(answer("HEAD /missing HTTP/1.0\r\n"), ERR(404));
    ck_assert_ptr_eq(answer("POST / HTTP/1.0\r\n"), ERR(405));
    ck_assert_ptr_eq(answer("OPTIONS * HTTP/1.0\r\n"), ERR(405));
    ck_assert_ptr_eq(answer("get / HTTP/1.0\r\n"), ERR(501));
    ck_assert_ptr_eq(answer("BREW /pot HTTP/1.0\r\n"), ERR(501));
    /* what cannot be read */
    ck_assert_ptr_eq(answer("GET  HTTP/1.0\r\n"), bad);
    ck_assert_ptr_eq(answer("GET index.html HTTP/1.0\r\n"), bad);
    ck_assert_ptr_eq(answer("GET /%4 HTTP/1.0\r\n"), bad);
    ck_assert_ptr_eq(answer("GET /%zz HTTP/1.0\r\n"), bad);
    ck_assert_ptr_eq(answer("GET / XYZ/1.0\r\n"), bad);
    ck_assert_ptr_eq(answer("GET /a b HTTP/1.0\r\n"), bad);
    ck_assert_ptr_eq(answer("GET /a\tb HTTP/1.0\r\n"), bad);
    ck_assert_ptr_eq(answer("GET /a?b\x7f HTTP/1.0\r\n"), bad);
    ck_assert_ptr_eq(answer("HEAD /%zz HTTP/1.0\r\n"), ERR(400));
    ck_assert_ptr_eq(answer("GET / HTTP/1.0\r\nAccept-Encoding : gzip\r\n"
                            "\r\n"),
                     bad);
    /* RFC 9112 section 2.3: only HTTP/1.x is read, 505 for another major
     * version, whatever the rest of the line; RFC 9110 section 2.5: a
     * higher minor version is read as HTTP/1.1 */
    ck_assert_ptr_eq(answer("GET /index.html HTTP/2.0\r\n\r\n"), ERR(505));
    ck_assert_ptr_eq(answer("GET /index.html HTTP/9.9\r\nHost: a\r\n\r\n"),
                     ERR(505));
    ck_assert_ptr_eq(answer("GET / HTTP/0.9\r\n"), ERR(505));
    ck_assert_ptr_eq(answer("HEAD / HTTP/3.1\r\n"), ERR(505));
    ck_assert_ptr_eq(answer("POST / HTTP/2.0\r\n"), ERR(505));
    ck_assert_ptr_eq(answer("BREW / HTTP/0.1\r\n"), ERR(505));
    ck_assert_ptr_eq(answer("GET /%zz HTTP/2.0\r\n"), ERR(505));
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.2\r\nHost: a\r\n\r\n"),
                     index);
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.9\r\nHost: a\r\n\r\n"),
                     index);
    ck_assert_ptr_eq(answer("GET /a HTTP/2.0 HTTP/1.0\r\n"), bad);
    ck_assert_ptr_eq(answer("GET /a HTTP/1.0 HTTP/2.0\r\n"), ERR(505));
    ck_assert_ptr_eq(answer("GET /index.html HTTP/2.0x\r\n"), bad);
    ck_assert_ptr_null(answer("GET HTTP/2.0\r\n"));
    /* RFC 9112 section 5.2: a line folded (obs-fold), or one that starts
     * with a space right after the request line (section 2.2) */
    ck_assert_ptr_eq(answer("GET / HTTP/1.0\r\nX-A: b\r\n c\r\n\r\n"), bad);
    ck_assert_ptr_eq(answer("GET / HTTP/1.0\r\nX-A: b\r\n\tc: d\r\n\r\n"),
                     bad);
    ck_assert_ptr_eq(answer("GET / HTTP/1.1\r\n Host: a\r\n\r\n"), bad);
    ck_assert_ptr_eq(answer("HEAD / HTTP/1.0\r\nX-A: b\r\n \r\n\r\n"),
                     ERR(400));
    ck_assert_ptr_eq(answer("GET / HTTP/1.1\r\nHost: a\r\n\t"), bad);
    ck_assert_ptr_eq(answer("GET / HTTP/1.0\r\n\r\n c\r\n"), index);
    /* empty lines before the request line are skipped */
    ck_assert_ptr_eq(answer("\r\n\r\nGET / HTTP/1.0\r\n"), index);
    /* what is not a request line gets no answer: the rest of a request
     * that came in several segments looks like this */
    ck_assert_ptr_null(answer("Accept-Encoding: gzip\r\n\r\n"));
    ck_assert_ptr_null(answer("ex.html HTTP/1.1\r\nHost: a\r\n\r\n"));
    ck_assert_ptr_null(answer("aaaa/b.html HTTP/1.1\r\n\r\n"));
    ck_assert_ptr_null(answer(" / HTTP/1.0\r\n"));
    ck_assert_ptr_null(answer("GET\r\n"));
    ck_assert_ptr_null(answer("\r\n"));
    ck_assert_ptr_eq(answer("GET /index.html http/9\r\n"), bad);
    /* an incomplete request line is not answered */
    ck_assert_ptr_null(answer("GET /index.html HTTP/1.0"));
    ck_assert_ptr_null(answer("GET /ind"));
    ck_assert_ptr_null(answer("G"));
    /* a NUL in the path is a control byte: 400 */
    {
        static const char req[] = "GET /index.html\0zz HTTP/1.0\r\n";
        uint32_t isn = handshake(77);
        struct seg s = seg_to(80, 0x18, 78, isn + 1, NULL);

        s.data = req;
        s.dlen = sizeof req - 1;
        ck_assert_ptr_eq(which(serve(build_tcp(in, &s))), bad);
    }
}
END_TEST

/* RFC 9110 12.5.3: the gzip variant goes to requests that name gzip, and
 * to any that do not refuse it when the page has no other. */
START_TEST(test_runtime_content_coding)
{
    const struct pagec_page *both = page("/both.html");
    const struct pagec_page *big = page("/big.txt");
    const struct pagec_tmpl *id = &V(both->identity)->get;
    const struct pagec_tmpl *gz = &V(both->gzip)->get;
    const struct pagec_tmpl *refused = ERR(406);
    static const struct {
        const char *ae; /* NULL: no Accept-Encoding field */
        int both;       /* both.html gets 0 identity, 1 gzip, 2 a 406 */
        int big_ok;     /* big.txt (gzip only) is served */
    } cases[] = {
        {NULL, 0, 1},
        {"gzip", 1, 1},
        {"GZIP", 1, 1},
        {"x-gzip", 1, 1},
        {"gzip, deflate, br", 1, 1},
        {"deflate, gzip;q=0.5", 1, 1},
        {"gzip; q=0.001", 1, 1},
        {"gzip;q=1, identity;q=0.5", 1, 1},
        {"gzip;q=0.1, identity", 0, 1},
        {"identity;q=0.5, gzip;q=0.5", 1, 1},
        {"br;, gzip", 1, 1},
        {"br;level=1;q=0.5, gzip", 1, 1},
        {"gzip;q=0", 0, 0},
        {"gzip;q=0.000", 0, 0},
        {"gzip ; q=0", 0, 0},
        {"identity", 0, 0},
        {"", 0, 0},
        {"*", 0, 1},
        {"identity;q=0, *", 1, 1},
        {"*;q=0", 2, 0},
        {"identity;q=0", 2, 0},
        {"*;q=0, identity", 0, 0},
        {"*, gzip;q=0", 0, 0},
        {"br", 0, 0},
        /* a qvalue above 1 is malformed and counts as 1, not more: gzip
         * keeps its tie with identity */
        {"gzip, identity;q=1.001", 1, 1},
        {"identity;q=1.5, gzip", 1, 1},
        {"gzip;q=1, identity;q=1.999", 1, 1},
        {"identity;q=2, gzip", 1, 1},
    };
    size_t i;

    ck_assert_uint_ne(id->len, 0);
    ck_assert_uint_ne(gz->len, 0);
    ck_assert_uint_eq(big->identity, PAGEC_NO_PAGE);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct pagec_tmpl *want[] = {id, gz, refused};
        char req[256];

        snprintf(req, sizeof req,
                 "GET /both.html HTTP/1.1\r\nHost: a\r\n%s%s%s\r\n",
                 cases[i].ae ? "Accept-Encoding: " : "",
                 cases[i].ae ? cases[i].ae : "", cases[i].ae ? "\r\n" : "");
        ck_assert_msg(answer(req) == want[cases[i].both],
                      "both.html, Accept-Encoding '%s'",
                      cases[i].ae ? cases[i].ae : "(none)");
        snprintf(req, sizeof req,
                 "GET /big.txt HTTP/1.1\r\nHost: a\r\n%s%s%s\r\n",
                 cases[i].ae ? "accept-encoding:" : "",
                 cases[i].ae ? cases[i].ae : "", cases[i].ae ? "\r\n" : "");
        ck_assert_msg(answer(req) == (cases[i].big_ok ? &V(big->gzip)->get
                                                      : refused),
                      "big.txt, Accept-Encoding '%s'",
                      cases[i].ae ? cases[i].ae : "(none)");
    }
    ck_assert_ptr_eq(answer("HEAD /big.txt HTTP/1.1\r\nHost: a\r\n"
                            "Accept-Encoding: identity\r\n\r\n"),
                     ERR(406));
    ck_assert_ptr_eq(answer("HEAD /both.html HTTP/1.1\r\nHost: a\r\n"
                            "Accept-Encoding: gzip\r\n\r\n"),
                     &V(both->gzip)->head);
    /* a field line cut off at the end of the segment is not read */
    ck_assert_ptr_eq(answer("GET /both.html HTTP/1.1\r\nAccept-Encoding: gz"),
                     id);
    ck_assert_ptr_eq(answer("GET /both.html HTTP/1.1\r\nAccept-Encoding: gzip"),
                     id);
}
END_TEST

/* If-None-Match: a 304 when it names the ETag of the encoding chosen. */
START_TEST(test_runtime_if_none_match)
{
    const struct pagec_page *both = page("/both.html");
    char id_etag[64];
    char gz_etag[64];
    char req[512];

    snprintf(id_etag, sizeof id_etag, "%.*s", PAGEC_ETAG_LEN,
             (const char *)V(both->identity)->get.pkt + PAGEC_ETAG_AT);
    snprintf(gz_etag, sizeof gz_etag, "%.*s", PAGEC_ETAG_LEN,
             (const char *)V(both->gzip)->get.pkt + PAGEC_ETAG_AT);
    snprintf(req, sizeof req,
             "GET /both.html HTTP/1.1\r\nHost: a\r\n"
             "If-None-Match: %s\r\n\r\n",
             id_etag);
    ck_assert_ptr_eq(answer(req), NM(both->identity));
    snprintf(req, sizeof req,
             "GET /both.html HTTP/1.1\r\nHost: a\r\n"
             "if-none-match: W/%s\r\n\r\n",
             id_etag);
    ck_assert_ptr_eq(answer(req), NM(both->identity));
    snprintf(req, sizeof req,
             "GET /both.html HTTP/1.1\r\nHost: a\r\n"
             "If-None-Match: \"x\", %s\r\n"
             "Accept-Encoding: gzip\r\n\r\n",
             gz_etag);
    ck_assert_ptr_eq(answer(req), NM(both->gzip));
    /* the identity ETag does not match the gzip encoding */
    snprintf(req, sizeof req,
             "GET /both.html HTTP/1.1\r\nHost: a\r\nIf-None-Match: %s\r\n"
             "Accept-Encoding: gzip\r\n\r\n",
             id_etag);
    ck_assert_ptr_eq(answer(req), &V(both->gzip)->get);
    ck_assert_ptr_eq(answer("GET /both.html HTTP/1.1\r\nHost: a\r\n"
                            "If-None-Match: *\r\n\r\n"),
                     NM(both->identity));
    ck_assert_ptr_eq(answer("HEAD /both.html HTTP/1.1\r\nHost: a\r\n"
                            "If-None-Match: *\r\n\r\n"),
                     NM(both->identity));
    ck_assert_ptr_eq(answer("GET /both.html HTTP/1.1\r\nHost: a\r\n"
                            "If-None-Match: \"0\"\r\n\r\n"),
                     &V(both->identity)->get);
    ck_assert_ptr_eq(answer("GET /missing HTTP/1.1\r\nHost: a\r\n"
                            "If-None-Match: *\r\n\r\n"),
                     ERR(404));
}
END_TEST

/* RFC 9110 section 13.1.2: If-None-Match is a list of whole entity-tags,
 * W/"..." or "...", separated by commas and OWS; the ETag inside another
 * value does not match. */
START_TEST(test_runtime_if_none_match_list)
{
    const struct pagec_page *both = page("/both.html");
    const struct pagec_tmpl *hit = NM(both->identity);
    const struct pagec_tmpl *miss = &V(both->identity)->get;
    char e[64];
    char req[512];
    static const struct {
        const char *before; /* the value: before, the ETag, after */
        const char *after;
        int match;
    } cases[] = {
        {"", "", 1},
        {"W/", "", 1},
        {"\"a\", W/\"b\",   ", " \t,", 1},
        {",,\t,", ",", 1},
        {"\"a\",", "", 1},
        {"", " ", 1},
        {"", ", \"a\"", 1},
        {"", ", junk", 1},  /* complete before the junk */
        {"\"x\"", "", 0}, /* no separator: one malformed element */
        {"x", "", 0},
        {"w/", "", 0},      /* "W/" is case-sensitive */
        {"W /", "", 0},
        {"W", "", 0},
        {"", "x", 0},
        {"", "\"", 0},
        {"\"a\" \"b\", ", "", 0},
        {"\"a\";", "", 0},
        {"*, ", "", 0},
        {"", ", *", 1},     /* "*" alone only; the ETag counts */
    };
    size_t i;

    snprintf(e, sizeof e, "%.*s", PAGEC_ETAG_LEN,
             (const char *)V(both->identity)->get.pkt + PAGEC_ETAG_AT);
    ck_assert_uint_gt(strlen(e), 3);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(req, sizeof req,
                 "GET /both.html HTTP/1.1\r\nHost: a\r\n"
                 "If-None-Match: %s%s%s\r\n\r\n",
                 cases[i].before, e, cases[i].after);
        ck_assert_msg(answer(req) == (cases[i].match ? hit : miss),
                      "If-None-Match: %s%s%s", cases[i].before, e,
                      cases[i].after);
    }
    /* the ETag without its opening quote, after another tag */
    snprintf(req, sizeof req,
             "GET /both.html HTTP/1.1\r\nHost: a\r\n"
             "If-None-Match: \"x\"%s\r\n\r\n",
             e + 1);
    ck_assert_ptr_eq(answer(req), miss);
    /* inside another tag, or cut short */
    snprintf(req, sizeof req,
             "GET /both.html HTTP/1.1\r\nHost: a\r\n"
             "If-None-Match: \"a%.*sb\"\r\n\r\n",
             (int)strlen(e) - 2, e + 1);
    ck_assert_ptr_eq(answer(req), miss);
    snprintf(req, sizeof req,
             "GET /both.html HTTP/1.1\r\nHost: a\r\n"
             "If-None-Match: %.*s\"\r\n\r\n",
             (int)strlen(e) - 2, e);
    ck_assert_ptr_eq(answer(req), miss);
    /* a control byte inside the quotes */
    snprintf(req, sizeof req,
             "GET /both.html HTTP/1.1\r\nHost: a\r\n"
             "If-None-Match: \"\x01\", %s\r\n\r\n",
             e);
    ck_assert_ptr_eq(answer(req), miss);
    /* each field line is a list of its own */
    snprintf(req, sizeof req,
             "GET /both.html HTTP/1.1\r\nHost: a\r\n"
             "If-None-Match: x\r\nIf-None-Match: %s\r\n\r\n",
             e);
    ck_assert_ptr_eq(answer(req), hit);
    /* cut by the end of the segment: an element counts at its comma */
    snprintf(req, sizeof req,
             "GET /both.html HTTP/1.1\r\nHost: a\r\nIf-None-Match: %s", e);
    ck_assert_ptr_eq(answer(req), miss);
    snprintf(req, sizeof req,
             "GET /both.html HTTP/1.1\r\nHost: a\r\nIf-None-Match: %s,",
             e);
    ck_assert_ptr_eq(answer(req), hit);
}
END_TEST

/* RFC 9112 section 3.2: an HTTP/1.1 request has one Host field, any
 * request at most one; else 400. */
START_TEST(test_runtime_host)
{
    const struct pagec_tmpl *index = ok("/index.html");
    const struct pagec_tmpl *bad = ERR(400);

    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n"),
                     index);
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.1\r\nhOST:a\r\n\r\n"),
                     index);
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.1\r\nHost:\r\n\r\n"),
                     index); /* empty: a target without authority */
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.1\r\n\r\n"), bad);
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.1\n\n"), bad);
    ck_assert_ptr_eq(answer("HEAD /index.html HTTP/1.1\r\n\r\n"), ERR(400));
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.2\r\n\r\n"), bad);
    ck_assert_ptr_eq(answer("GET /missing HTTP/1.1\r\n\r\n"), bad);
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.1\r\nHosts: a\r\n"
                            "X-Host: a\r\nHos: a\r\n\r\n"),
                     bad);
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.1\r\nHost: a\r\n"
                            "Accept: */*\r\nhost: b\r\n\r\n"),
                     bad);
    /* HTTP/1.0 and HTTP/0.9 may omit it, but not send two */
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.0\r\n\r\n"), index);
    ck_assert_ptr_eq(answer("GET /index.html\r\n\r\n"), index);
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.0\r\nHost: a\r\n"
                            "Host: a\r\n\r\n"),
                     bad);
    ck_assert_ptr_eq(answer("GET /index.html\r\nHost: a\r\nHost: a\r\n"
                            "\r\n"),
                     bad);
    /* a header cut by the end of the segment: the Host may come in the
     * part not received, so only a second one counts */
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.1\r\n"), index);
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.1\r\nAccept: */*\r\n"),
                     index);
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.1\r\nHost: a\r\nHos"),
                     index);
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.1\r\nHost: a\r\n"
                            "Host:"),
                     bad);
    /* other methods get 405 or 501 from the request line alone */
    ck_assert_ptr_eq(answer("POST / HTTP/1.1\r\n\r\n"), ERR(405));
    /* a site without actions reads none of their fields, in either
     * reader: a Content-Length that is no number changes nothing */
    ck_assert_ptr_eq(answer("GET /index.html HTTP/1.1\r\nHost: a\r\n"
                            "Content-Length: -1\r\nOrigin: x\r\n"
                            "Sec-Fetch-Site: cross-site\r\n\r\n"),
                     index);
    ck_assert_ptr_eq(answer("POST /index.html HTTP/1.1\r\nHost: a\r\n"
                            "Content-Length: 1\r\n\r\nx"),
                     ERR(405));
}
END_TEST

/* Port mode: the page of the port, whatever the data says. */
START_TEST(test_runtime_port_mode)
{
    uint32_t isn;
    size_t n;

    ck_assert_uint_eq(serve(tcp(8080, 0x02, 10, 0, NULL)), 44);
    isn = rd32(out + 24);
    ck_assert_uint_eq(isn, isn_of(40000, 8080));
    check_tcp(8080, 40000, 0x12, isn, 11);
    n = serve(tcp(8080, 0x18, 11, isn + 1, "x"));
    ck_assert_ptr_eq(which(n), ok("/notes.txt"));
    check_tcp(8080, 40000, 0x19, isn + 1, 12);
    n = serve(tcp(8080, 0x18, 11, isn + 1, "POST /index.html HTTP/1.0\r\n"));
    ck_assert_ptr_eq(which(n), ok("/notes.txt"));
    /* the FIN after the page */
    ck_assert_uint_eq(serve(tcp(8080, 0x11, 12,
                                (uint32_t)(isn + 1 + (n - 40) + 1), NULL)),
                      40);
    check_tcp(8080, 40000, 0x10, (uint32_t)(isn + 1 + (n - 40) + 1), 13);
    /* a port in neither mode is closed */
    ck_assert_uint_eq(serve(tcp(8081, 0x02, 10, 0, NULL)), 40);
    check_tcp(8081, 40000, 0x14, 0, 11);
}
END_TEST

/* A request and a FIN in one segment: the FIN is acknowledged too. */
START_TEST(test_runtime_request_with_fin)
{
    const char *req = "GET /data.json HTTP/1.0\r\n\r\n";
    uint32_t isn = handshake(9);

    ck_assert_uint_eq(serve(tcp(80, 0x19, 10, isn + 1, req)),
                      ok("/data.json")->len);
    check_tcp(80, 40000, 0x19, isn + 1, (uint32_t)(10 + strlen(req) + 1));
}
END_TEST

/* A request whose ACK is not ISN + 1 is not served. */
START_TEST(test_runtime_wrong_ack)
{
    uint32_t isn = handshake(300);

    /* far off: an RST as for an unacceptable ACK, seq = SEG.ACK */
    ck_assert_uint_eq(serve(tcp(80, 0x18, 301, isn + 100000,
                                "GET / HTTP/1.0\r\n")),
                      40);
    check_tcp(80, 40000, 0x04, isn + 100000, 0);
    ck_assert_uint_eq(serve(tcp(80, 0x18, 301, isn, "GET / HTTP/1.0\r\n")),
                      40);
    check_tcp(80, 40000, 0x04, isn, 0);
    /* within what we may have sent: a plain ACK, no page */
    ck_assert_uint_eq(serve(tcp(80, 0x18, 301, isn + 2,
                                "GET / HTTP/1.0\r\n")),
                      40);
    check_tcp(80, 40000, 0x10, isn + 2, 301 + 16);
}
END_TEST

/* The basic site as a site without large replies: the ACKs of its
 * one-segment replies then take tcp.c's way alone, not large.c's. */
static const struct pagec_site *without_large(void)
{
    static struct pagec_site plain;

    plain = basic_site;
    plain.large = NULL;
    plain.nlarge = 0;
    plain.block = 0;
    return &plain;
}

/* The clock wraps at 2^32 (pagec.h): a SYN just before the wrap and a
 * request 32 s after it, in the next slot, are one connection. */
START_TEST(test_runtime_clock_wrap)
{
    const char *req = "GET /data.json HTTP/1.0\r\n\r\n";
    uint32_t isn;

    if (_i) {
        srv.site = without_large();
    }

    now = 0xfffffff0u;
    isn = handshake(9);
    now = 0x10u; /* 32 s later */
    ck_assert_uint_eq(serve(tcp(80, 0x18, 10, isn + 1, req)),
                      ok("/data.json")->len);
    check_tcp(80, 40000, 0x19, isn + 1, (uint32_t)(10 + strlen(req)));
    /* and its FIN, in the slot after */
    now = 0x50u;
    ck_assert_uint_eq(serve(tcp(80, 0x11, (uint32_t)(10 + strlen(req)),
                                isn + 2 + (uint32_t)ok("/data.json")->len - 40,
                                NULL)),
                      40);
    check_tcp(80, 40000, 0x10, isn + 2 + (uint32_t)ok("/data.json")->len - 40,
              (uint32_t)(10 + strlen(req) + 1));
}
END_TEST

/* A FIN before any request (a browser's unused connection, or a request
 * lost on the way) gets our FIN, so that the client does not wait. */
START_TEST(test_runtime_fin_before_request)
{
    uint32_t isn = handshake(500);

    ck_assert_uint_eq(serve(tcp(80, 0x11, 501, isn + 1, NULL)), 40);
    check_tcp(80, 40000, 0x11, isn + 1, 502);
    /* a half-closing client whose request was lost: its FIN follows the
     * request's bytes; it gets our FIN, an empty reply, and closes */
    ck_assert_uint_eq(serve(tcp(80, 0x11, 501 + 16, isn + 1, NULL)), 40);
    check_tcp(80, 40000, 0x11, isn + 1, 501 + 16 + 1);
}
END_TEST

/* A new connection on the same four-tuple in the same slot gets another
 * ISN when its client's ISN differs in bits 16-31 (10 s later by the
 * 4-microsecond clock of RFC 6528), and the request of the old one is
 * not answered in the new one's sequence space. */
START_TEST(test_runtime_isn_reuse)
{
    uint32_t first = handshake(0x00010000u);
    uint32_t second = handshake(0x00010000u + 2500000u);

    ck_assert_uint_ne(first, second);
    /* the second connection's request is answered at its own ISN */
    ck_assert_uint_eq(serve(tcp(80, 0x18, 0x00010000u + 2500001u, second + 1,
                                "GET /data.json HTTP/1.0\r\n\r\n")),
                      ok("/data.json")->len);
    /* a delayed request of the first, acknowledging the first ISN, gets
     * no page: an ACK or an RST */
    ck_assert_uint_le(serve(tcp(80, 0x18, 0x00010001u, first + 1,
                                "GET /data.json HTTP/1.0\r\n\r\n")) == 0 ||
                          out[33] != 0x19,
                      1);
}
END_TEST

/* An IPv4 header length below 5 words is no IPv4 header: nothing, even
 * when the bytes after it would make a valid segment and the sum of the
 * short header is right. */
START_TEST(test_runtime_ihl_below_5)
{
    uint8_t ihl;

    for (ihl = 0; ihl < 5; ihl++) {
        size_t n = tcp(80, 0x02, 1000, 0, NULL);
        size_t hl = (size_t)ihl * 4;

        memset(in + 16, 0, 4);
        seal(in);
        memmove(in + hl, in + 20, n - 20);
        in[0] = (uint8_t)(0x40 | ihl);
        n = n - 20 + hl;
        if (hl >= 4) {
            wr16(in + 2, (uint16_t)n);
        }
        if (hl == 16) {
            /* the TCP sum right for a reader that took the 4 words for a
             * header and the next 4 bytes for the destination */
            uint8_t *t = in + hl;
            uint64_t pseudo = ref_fold(in + 12, 8, 6 + (n - hl));

            wr16(t + 16, 0);
            wr16(t + 16, (uint16_t)~ref_fold(t, n - hl, pseudo));
        }
        if (hl >= 12) {
            wr16(in + 10, 0);
            wr16(in + 10, (uint16_t)~ref_fold(in, hl, 0));
        }
        ck_assert_msg(serve(n) == 0, "IHL %u answered", ihl);
    }
}
END_TEST

/* A datagram cut by a receive buffer that is too small is not answered,
 * and pagec_truncated() says so; the generated header names the buffer
 * size that takes the largest datagram a client sends (RFC 6691: the
 * MSS plus the 40 bytes of IPv4 and TCP headers). */
START_TEST(test_runtime_truncated)
{
    size_t n = tcp(80, 0x02, 1000, 0, NULL);

    ck_assert_uint_eq(pagec_truncated(in, (uint16_t)n), 0);
    ck_assert_uint_eq(pagec_truncated(in, (uint16_t)(n - 1)), 1);
    ck_assert_uint_eq(pagec_truncated(in, 3), 0);
    ck_assert_uint_eq(serve(n - 1), 0);
    ck_assert_uint_gt(serve(n), 0);
    ck_assert_uint_eq(basic_site_DATAGRAM_MAX, 1460 + 40);
    ck_assert_uint_eq(tiny_site_DATAGRAM_MAX, 296 + 40);
}
END_TEST

/* Live fields: the driver's callback, deterministic for a given tick so
 * that the streaming API (which serve() runs too) gets the same bytes.
 * live_mode 0: the value, shorter than the field (padded by the runtime);
 * 1: the field filled with 'x' and a count above the width returned. */
static unsigned live_tick;
static unsigned live_mode;
static unsigned live_calls;

static uint8_t test_live(const struct pagec_server *s, uint8_t id,
                         uint8_t *dst, uint8_t width)
{
    char v[32];
    int n;

    ck_assert_ptr_eq(s, &srv);
    live_calls++;
    if (live_mode == 1) {
        memset(dst, 'x', width);
        return 255;
    }
    n = snprintf(v, sizeof v, "%u:%u", (unsigned)id, live_tick);
    if (n > width) {
        n = width;
    }
    memcpy(dst, v, (size_t)n);
    return (uint8_t)n;
}

/* What the client must get of the live site's page at path: the file
 * with each <!--live:NAME:WIDTH--> replaced by NAME's value padded with
 * spaces to WIDTH (made here from the file, not from the site). */
static char *live_expected(const char *file, size_t *n)
{
    char path[512];
    size_t flen;
    uint8_t *src;
    char *dst;
    size_t i = 0;
    size_t m = 0;

    snprintf(path, sizeof path, "%s/%s", TEST_SITE_LIVE, file);
    src = slurp(path, &flen);
    dst = malloc(flen + 1);
    ck_assert_ptr_nonnull(dst);
    while (i < flen) {
        char name[40];
        unsigned width;
        int used = 0;

        if (flen - i > 11 && memcmp(src + i, "<!--action:", 11) == 0) {
            /* an action's marker: not in the page */
            const char *e = strstr((const char *)src + i, "-->");

            ck_assert_ptr_nonnull(e);
            i = (size_t)(e + 3 - (const char *)src);
            continue;
        }
        if (flen - i > 9 && memcmp(src + i, "<!--live:", 9) == 0 &&
            sscanf((const char *)src + i, "<!--live:%39[a-z0-9_]:%u-->%n",
                   name, &width, &used) == 2 && used > 0) {
            char v[80];
            int id = strcmp(name, "clock") == 0    ? live_site_LIVE_clock
                     : strcmp(name, "temp") == 0   ? live_site_LIVE_temp
                     : strcmp(name, "uptime") == 0 ? live_site_LIVE_uptime
                                                   : -1;
            int k;

            ck_assert_int_ge(id, 0);
            if (live_mode == 1) {
                memset(v, 'x', width);
                k = (int)width;
            } else if (srv.live == NULL) {
                k = 0;
            } else {
                k = snprintf(v, sizeof v, "%d:%u", id, live_tick);
                if (k > (int)width) {
                    k = (int)width;
                }
            }
            memcpy(dst + m, v, (size_t)k);
            memset(dst + m + k, ' ', width - (size_t)k);
            m += width;
            i += (size_t)used;
        } else {
            dst[m++] = (char)src[i++];
        }
    }
    free(src);
    *n = m;
    return dst;
}

/* A GET of a live page on the live site: the body is the file with its
 * fields filled (or their placeholders without a callback), the
 * checksums right (serve() sums the reply itself), the same bytes from
 * the streaming API; a HEAD and another page call nothing. */
START_TEST(test_runtime_live)
{
    static const char *files[] = {"index.html", "status.json"};
    unsigned mode;
    size_t f;

    srv.site = &live_site;
    for (mode = 0; mode < 3; mode++) {
        srv.live = mode == 2 ? NULL : test_live;
        live_mode = mode;
        for (f = 0; f < sizeof files / sizeof files[0]; f++) {
            char req[128];
            const uint8_t *body;
            size_t blen;
            size_t elen;
            char *want;
            uint32_t isn = handshake(5000);
            size_t n;

            live_tick = 7 + (unsigned)f;
            live_calls = 0;
            snprintf(req, sizeof req, "GET /%s HTTP/1.1\r\nHost: a\r\n\r\n",
                     files[f]);
            n = serve(tcp(80, 0x18, 5001, isn + 1, req));
            ck_assert_uint_gt(n, 40);
            ck_assert_int_eq(memcmp(out + 40, "HTTP/1.1 200 ", 13), 0);
            ck_assert_ptr_null(strstr((const char *)out + 40, "ETag"));
            body = http_body(n, &blen);
            want = live_expected(files[f], &elen);
            ck_assert_uint_eq(blen, elen);
            ck_assert_mem_eq(body, want, elen);
            free(want);
            /* twice: the buffered API, then the streaming one */
            ck_assert_uint_eq(live_calls, mode == 2 ? 0 : 2 * (f ? 1 : 3));
        }
    }
    /* a HEAD of a live page, and a page without fields: no call */
    srv.live = test_live;
    live_mode = 0;
    live_calls = 0;
    {
        uint32_t isn = handshake(6000);

        ck_assert_uint_gt(serve(tcp(80, 0x18, 6001, isn + 1,
                                    "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n")),
                          40);
        ck_assert_uint_gt(serve(tcp(80, 0x18, 6001, isn + 1,
                                    "GET /about.html HTTP/1.1\r\nHost: a\r\n\r\n")),
                          40);
        ck_assert_uint_eq(live_calls, 0);
        /* If-None-Match with any tag, or "*": a live page is never 304 */
        ck_assert_uint_gt(serve(tcp(80, 0x18, 6001, isn + 1,
                                    "GET / HTTP/1.1\r\nHost: a\r\n"
                                    "If-None-Match: *\r\n\r\n")),
                          40);
        ck_assert_int_eq(memcmp(out + 40, "HTTP/1.1 200 ", 13), 0);
        ck_assert_uint_gt(serve(tcp(80, 0x18, 6001, isn + 1,
                                    "GET / HTTP/1.1\r\nHost: a\r\n"
                                    "If-None-Match: *, \"tent-Ty\"\r\n\r\n")),
                          40);
        ck_assert_int_eq(memcmp(out + 40, "HTTP/1.1 200 ", 13), 0);
    }
}
END_TEST

/* A site made for an MSS below 536 takes clients down to its own MSS:
 * one announcing 296 is served (its reply within 296 bytes), 295 is
 * refused. */
START_TEST(test_runtime_small_mss_site)
{
    uint32_t isn;
    size_t n;

    srv.site = &tiny_site;
    syn_mss = 296;
    isn = handshake(700);
    check_tcp(80, 40000, 0x12, isn, 701);
    ck_assert_uint_eq(rd16(out + 42), 296); /* our MSS option */
    n = serve(tcp(80, 0x18, 701, isn + 1,
                  "GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    ck_assert_uint_gt(n, 40);
    ck_assert_uint_le(n - 40, 296);
    ck_assert_int_eq(memcmp(out + 40, "HTTP/1.1 200 ", 13), 0);
    /* a request for no page: the error reply, within 296 too */
    n = serve(tcp(80, 0x18, 701, isn + 1,
                  "GET /none HTTP/1.1\r\nHost: a\r\n\r\n"));
    ck_assert_uint_le(n - 40, 296);
    ck_assert_int_eq(memcmp(out + 40, "HTTP/1.1 404 ", 13), 0);
    syn_mss = 295;
    ck_assert_uint_eq(serve(tcp(80, 0x02, 800, 0, NULL)), 40);
    check_tcp(80, 40000, 0x14, 0, 801);
}
END_TEST

/* RFC 9293 3.10.7.1: a closed port answers with an RST. */
START_TEST(test_runtime_closed_port)
{
    ck_assert_uint_eq(serve(tcp(81, 0x02, 1234, 0, NULL)), 40);
    check_tcp(81, 40000, 0x14, 0, 1235); /* <SEQ=0><ACK=SEG.SEQ+SEG.LEN> */
    ck_assert_uint_eq(rd16(out + 34), 0);
    ck_assert_uint_eq(serve(tcp(81, 0x18, 1234, 99, "abc")), 40);
    check_tcp(81, 40000, 0x04, 99, 0); /* <SEQ=SEG.ACK><CTL=RST> */
    ck_assert_uint_eq(serve(tcp(81, 0x01, 1234, 0, "ab")), 40);
    check_tcp(81, 40000, 0x14, 0, 1237); /* data and FIN count */
}
END_TEST

START_TEST(test_runtime_never_answers_rst)
{
    ck_assert_uint_eq(serve(tcp(81, 0x04, 1, 0, NULL)), 0);
    ck_assert_uint_eq(serve(tcp(81, 0x14, 1, 2, NULL)), 0);
    ck_assert_uint_eq(serve(tcp(80, 0x04, 1, 0, NULL)), 0);
    ck_assert_uint_eq(serve(tcp(80, 0x16, 1, 0, NULL)), 0);
}
END_TEST

START_TEST(test_runtime_odd_flags)
{
    ck_assert_uint_eq(serve(tcp(80, 0x00, 1, 0, NULL)), 0);  /* none */
    ck_assert_uint_eq(serve(tcp(80, 0x03, 1, 0, NULL)), 0);  /* SYN+FIN */
    ck_assert_uint_eq(serve(tcp(80, 0x01, 1, 0, NULL)), 0);  /* FIN only */
    ck_assert_uint_eq(serve(tcp(80, 0x08, 1, 0, "GET / HTTP/1.0\r\n")), 0);
    ck_assert_uint_eq(serve(tcp(80, 0x12, 1, 55, NULL)), 40); /* SYN-ACK */
    check_tcp(80, 40000, 0x04, 55, 0);
}
END_TEST

START_TEST(test_runtime_ping)
{
    uint8_t data[333];
    size_t i;
    size_t n;

    for (i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(i * 13);
    }
    for (n = 0; n <= sizeof data; n += 111) {
        size_t len = build_echo(in, client, server, 0x1234, 7, data, n);

        ck_assert_uint_eq(serve(len), len);
        ck_assert_uint_eq(out[9], 1);
        ck_assert_uint_eq(out[20], 0); /* echo reply */
        ck_assert_uint_eq(out[21], 0);
        ck_assert_uint_eq(rd16(out + 24), 0x1234);
        ck_assert_uint_eq(rd16(out + 26), 7);
        ck_assert_mem_eq(out + 28, data, n);
    }
    /* all zero: the reply sums to +0, so its checksum must be 0xffff */
    ck_assert_uint_eq(serve(build_echo(in, client, server, 0, 0, data, 0)),
                      28);
    ck_assert_uint_eq(rd16(out + 22), 0xffff);
    /* odd length */
    ck_assert_uint_eq(serve(build_echo(in, client, server, 1, 2, data, 57)),
                      85);
    ck_assert_mem_eq(out + 28, data, 57);
    /* not an echo request: no answer */
    build_echo(in, client, server, 1, 2, data, 8);
    in[20] = 0;
    seal(in);
    ck_assert_uint_eq(serve(36), 0);
    /* "fragmentation needed" (type 3, code 4, next-hop MTU 576): dropped,
     * as pagec(3) says of the path MTU (its checksum right) */
    build_echo(in, client, server, 0, 576, data, 8);
    in[20] = 3;
    in[21] = 4;
    wr16(in + 22, 0);
    wr16(in + 22, (uint16_t)~ref_fold(in + 20, 16, 0));
    ck_assert_uint_eq(serve(36), 0);
    /* an echo request's bytes under another protocol: no answer */
    {
        static const uint8_t protos[] = {0, 2, 17, 41, 58, 255};
        size_t k;

        for (k = 0; k < sizeof protos; k++) {
            n = build_echo(in, client, server, 1, 2, data, 8);
            in[9] = protos[k];
            seal(in);
            ck_assert_msg(serve(n) == 0, "protocol %u", protos[k]);
        }
    }
    /* too short for an ICMP header */
    build_echo(in, client, server, 1, 2, data, 0);
    wr16(in + 2, 24);
    seal(in);
    ck_assert_uint_eq(serve(24), 0);
}
END_TEST

START_TEST(test_runtime_bad_checksums)
{
    size_t n = tcp(80, 0x02, 1, 0, NULL);
    uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};

    in[10] ^= 0x01; /* IP header checksum */
    ck_assert_uint_eq(serve(n), 0);
    n = tcp(80, 0x02, 1, 0, NULL);
    in[36] ^= 0x80; /* TCP checksum */
    ck_assert_uint_eq(serve(n), 0);
    n = tcp(80, 0x18, 1, 0, "GET / HTTP/1.0\r\n");
    in[45] ^= 0x20; /* data */
    ck_assert_uint_eq(serve(n), 0);
    n = tcp(81, 0x02, 1, 0, NULL);
    in[14] ^= 0x01; /* pseudo-header: source address (IP sum fixed) */
    wr16(in + 10, 0);
    wr16(in + 10, (uint16_t)~ref_fold(in, 20, 0));
    ck_assert_uint_eq(serve(n), 0);
    n = build_echo(in, client, server, 1, 2, data, sizeof data);
    in[30] ^= 0xff; /* ICMP data */
    ck_assert_uint_eq(serve(n), 0);
}
END_TEST

/* Lengths that do not add up, and truncated datagrams. */
START_TEST(test_runtime_lengths)
{
    size_t n;
    size_t k;

    syn_mss = 0; /* 20-byte TCP headers below */
    n = tcp(80, 0x02, 1, 0, NULL);

    for (k = 0; k < n; k++) {
        ck_assert_uint_eq(serve(k), 0); /* fewer bytes than total length */
    }
    /* trailing bytes beyond the total length are ignored */
    in[n] = 0xee;
    ck_assert_uint_eq(serve(n + 1), 44);
    /* IHL below 5 */
    n = tcp(80, 0x02, 1, 0, NULL);
    in[0] = 0x44;
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
    /* total length shorter than the header */
    n = tcp(80, 0x02, 1, 0, NULL);
    wr16(in + 2, 16);
    wr16(in + 10, 0);
    wr16(in + 10, (uint16_t)~ref_fold(in, 20, 0));
    ck_assert_uint_eq(serve(n), 0);
    /* TCP data offset below 5, and beyond the segment */
    n = tcp(80, 0x02, 1, 0, NULL);
    in[32] = 0x40;
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
    n = tcp(80, 0x02, 1, 0, NULL);
    in[32] = 0x60;
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
    /* a TCP segment shorter than a TCP header */
    n = tcp(80, 0x02, 1, 0, NULL);
    wr16(in + 2, 36);
    seal(in);
    ck_assert_uint_eq(serve(36), 0);
    /* not IPv4 */
    n = tcp(80, 0x02, 1, 0, NULL);
    in[0] = 0x65;
    ck_assert_uint_eq(serve(n), 0);
}
END_TEST

START_TEST(test_runtime_fragments)
{
    size_t n = tcp(80, 0x02, 1, 0, NULL);

    wr16(in + 6, 0x2000); /* MF */
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
    wr16(in + 6, 0x0001); /* offset 8 */
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
    wr16(in + 6, 0x4000); /* DF alone is fine */
    seal(in);
    ck_assert_uint_eq(serve(n), 44);
}
END_TEST

/* IP options in a request are skipped; the reply carries none. */
START_TEST(test_runtime_ip_options)
{
    struct seg s = seg_to(80, 0x02, 41, 0, NULL);
    size_t n = build_tcp(in + 4, &s);

    memmove(in, in + 4, 20);
    in[0] = 0x46;
    in[20] = 1; /* NOP x 4 */
    in[21] = 1;
    in[22] = 1;
    in[23] = 1;
    wr16(in + 2, (uint16_t)(n + 4));
    seal(in);
    ck_assert_uint_eq(serve(n + 4), 44);
    check_tcp(80, 40000, 0x12,
              pagec_isn(srv.secret, client, server, 40000, 80, now >> 6, 0, 41),
              42); /* no MSS option: class 0 */
}
END_TEST

START_TEST(test_runtime_addresses)
{
    size_t n;

    srv.addr[0] = 192;
    srv.addr[1] = 0;
    srv.addr[2] = 2;
    srv.addr[3] = 99;
    ck_assert_uint_eq(serve(tcp(80, 0x02, 1, 0, NULL)), 0);
    memcpy(srv.addr, server, 4);
    ck_assert_uint_eq(serve(tcp(80, 0x02, 1, 0, NULL)), 44);
    /* no answers to loopback, "this network", multicast sources, nor to
     * multicast or broadcast destinations */
    n = tcp(81, 0x02, 1, 0, NULL);
    in[12] = 127;
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
    in[12] = 0;
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
    in[12] = 224;
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
    memset(srv.addr, 0, 4);
    n = tcp(81, 0x02, 1, 0, NULL);
    in[16] = 224;
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
    in[16] = 239;
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
    memset(in + 16, 255, 4);
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
    /* nor from loopback or "this network", nor to a source that is our
     * own address */
    in[16] = 127;
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
    in[16] = 0;
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
    memcpy(in + 16, in + 12, 4);
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
}
END_TEST

/* pagec_reply_copy flattens both kinds of body, and refuses a small
 * buffer. */
START_TEST(test_runtime_reply_copy)
{
    static uint8_t buf[2048];
    uint8_t data[40];
    uint32_t isn = handshake(500);
    size_t n;

    n = serve(tcp(80, 0x18, 501, isn + 1, "GET / HTTP/1.0\r\n"));
    ck_assert_uint_eq(reply.body_rom, 1);
    ck_assert_uint_eq(pagec_reply_copy(&reply, buf, (uint16_t)n), n);
    ck_assert_mem_eq(buf, out, n);
    ck_assert_uint_eq(pagec_reply_copy(&reply, buf, (uint16_t)(n - 1)), 0);
    memset(data, 0x5a, sizeof data);
    n = serve(build_echo(in, client, server, 3, 4, data, sizeof data));
    ck_assert_uint_eq(reply.body_rom, 0);
    ck_assert_uint_eq(pagec_reply_copy(&reply, buf, sizeof buf), n);
    ck_assert_mem_eq(buf, out, n);
}
END_TEST

/* The ISN changes with the time slot; a request is answered for the ISN
 * of this slot or of the three before it, no older. */
START_TEST(test_runtime_isn_slots)
{
    uint32_t isn = handshake(500);
    uint32_t start = now;
    uint32_t fin_ack;
    const char *req = "GET /README HTTP/1.0\r\n\r\n";

    ck_assert_uint_eq(isn >> 30, (now >> 6) & 3);
    now += 63 - (now & 63); /* the end of the same slot */
    ck_assert_uint_eq(handshake(500), isn);
    now++; /* the next slot: another ISN */
    ck_assert_uint_ne(handshake(500), isn);
    for (now = start; now < start + 3 * 64 + 1; now += 32) {
        ck_assert_msg(serve(tcp(80, 0x18, 501, isn + 1, req)) ==
                          ok("/README")->len,
                      "%u seconds later", now - start);
    }
    now = (start | 63) + 3 * 64 + 1; /* four slots on: too old */
    ck_assert_uint_eq(serve(tcp(80, 0x18, 501, isn + 1, req)), 40);
    check_tcp(80, 40000, 0x04, isn + 1, 0);
    /* the FIN after that page, once the slot is recent again, is
     * acknowledged (its ACK: the page's bytes and our FIN) */
    now = start + 100;
    fin_ack = isn + 1 + (ok("/README")->len - 40) + 1;
    ck_assert_uint_eq(serve(tcp(80, 0x11, 526, fin_ack, NULL)), 40);
    check_tcp(80, 40000, 0x10, fin_ack, 527);
}
END_TEST

/* A FIN (or data) after our reply is acknowledged when its ACK is within
 * what we may have sent: ISN + 1 up to ISN + 1 + max_data + 1, the
 * largest reply and its FIN; one more, or less than ISN + 1, gets an RST
 * (RFC 9293 3.10.7.4, an unacceptable ACK). */
/* Both ends of the window, for the client ISN cseq. */
static void fin_window(uint32_t cseq)
{
    uint32_t isn = handshake(cseq);
    uint32_t low = isn + 1;
    uint32_t high = isn + 1 + basic_site.max_data + 1;

    ck_assert_uint_gt(basic_site.max_data, 0);
    ck_assert_uint_eq(serve(tcp(80, 0x11, cseq + 1, high, NULL)), 40);
    check_tcp(80, 40000, 0x10, high, cseq + 2);
    ck_assert_uint_eq(serve(tcp(80, 0x11, cseq + 1, high + 1, NULL)), 40);
    check_tcp(80, 40000, 0x04, high + 1, 0);
    ck_assert_uint_eq(serve(tcp(80, 0x11, cseq + 1, low, NULL)), 40);
    check_tcp(80, 40000, 0x11, low, cseq + 2); /* before our reply: our FIN */
    ck_assert_uint_eq(serve(tcp(80, 0x11, cseq + 1, low - 1, NULL)), 40);
    check_tcp(80, 40000, 0x04, low - 1, 0);
    /* data after our FIN: the same window */
    ck_assert_uint_eq(serve(tcp(80, 0x18, cseq + 1, high, "x")), 40);
    check_tcp(80, 40000, 0x10, high, cseq + 2);
    ck_assert_uint_eq(serve(tcp(80, 0x18, cseq + 1, high + 1, "x")), 40);
    check_tcp(80, 40000, 0x04, high + 1, 0);
}

/* A FIN after 2005 bytes that carried the client's sequence number into
 * the next 64 KiB: B is found from bits 16-31 less one, since the bytes
 * after the client's ISN (up to our window, 2920 here) may have carried,
 * and not only up to the MSS (1460). */
START_TEST(test_runtime_b_carry)
{
    uint32_t cseq = 0x0001fffau;
    uint32_t isn;
    uint32_t fin = cseq + 1u + 2005u; /* its low 16 bits: 2000 */

    if (_i) {
        srv.site = without_large();
    }
    ck_assert_uint_gt(2000, basic_site.mss);
    ck_assert_uint_le(2000, basic_site.window);
    isn = handshake(cseq);
    ck_assert_uint_eq(serve(tcp(80, 0x11, fin, isn + 1, NULL)), 40);
    check_tcp(80, 40000, 0x11, isn + 1, fin + 1); /* our FIN, no RST */
}
END_TEST

/* A client's sequence number low in its 64 KiB (the tests' usual ones)
 * and high in it (as most are): the two ways the runtime finds B. */
START_TEST(test_runtime_fin_window)
{
    if (_i) {
        srv.site = without_large();
    }
    fin_window(600);
    fin_window(40000);
    fin_window(0x7ffff000u);
}
END_TEST

/* The client's MSS, from its SYN, bounds the reply: the other encoding
 * when that fits, else the short 503. */
START_TEST(test_runtime_client_mss)
{
    static const struct {
        uint16_t mss;       /* 0: no option, 536 */
        const char *path;
        const char *ae;
        int want;           /* 0 identity, 1 gzip, 2 the 503, 3 the
                               first segment of a large reply, pagec(3) */
    } cases[] = {
        {0, "/both.html", "", 1},
        {536, "/both.html", "", 1},
        {0, "/both.html", "Accept-Encoding: identity\r\n", 3},
        {0, "/big.txt", "", 3},             /* its gzip form, in segments */
        {965, "/big.txt", "", 3},
        {966, "/big.txt", "", 1},
        {966, "/both.html", "", 1},
        {1219, "/both.html", "", 1},
        {1220, "/both.html", "", 0},
        {1460, "/both.html", "", 0},
        {9000, "/both.html", "", 0},
        {0, "/README", "", 0},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct pagec_page *pg = page(cases[i].path);
        const struct pagec_tmpl *want[] = {
            pg->identity == PAGEC_NO_PAGE ? NULL : &V(pg->identity)->get,
            pg->gzip == PAGEC_NO_PAGE ? NULL : &V(pg->gzip)->get, ERR(503)};
        char req[128];
        uint32_t isn;

        syn_mss = cases[i].mss;
        isn = handshake(10);
        snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: a\r\n%s\r\n",
                 cases[i].path,
                 cases[i].ae);
        if (cases[i].want == 3) {
            /* a 200 in segments: the first, no FIN, at most 536 bytes */
            uint16_t n = serve(tcp(80, 0x18, 11, isn + 1, req));

            ck_assert_uint_gt(n, 40);
            ck_assert_uint_le(n, 40 + 536);
            ck_assert_uint_eq(out[33], 0x18); /* ACK, PSH: no FIN */
            ck_assert_uint_eq(rd32(out + 24), isn + 1u);
            ck_assert_int_eq(memcmp(out + 40, "HTTP/1.1 200 ", 13), 0);
            continue;
        }
        ck_assert_msg(which(serve(tcp(80, 0x18, 11, isn + 1, req))) ==
                          want[cases[i].want],
                      "MSS %u, %s %s", cases[i].mss, cases[i].path,
                      cases[i].ae);
    }
    /* a HEAD too big for the client gets the 503 without its body */
    syn_mss = 0;
    {
        uint32_t isn = handshake(10);
        struct seg s = seg_to(80, 0x18, 11, isn + 1,
                              "HEAD /both.html HTTP/1.1\r\nHost: a\r\n"
                              "Accept-Encoding: gzip\r\n\r\n");

        s.window = (uint16_t)(V(page("/both.html")->gzip)->head.len - 41);
        ck_assert_ptr_eq(which(serve(build_tcp(in, &s))),
                         ERR(503));
    }
    /* a client whose MSS is below 536 is refused */
    syn_mss = 535;
    ck_assert_uint_eq(serve(tcp(80, 0x02, 10, 0, NULL)), 40);
    check_tcp(80, 40000, 0x14, 0, 11);
    /* port mode too */
    syn_mss = 0;
    {
        uint32_t isn;

        ck_assert_uint_eq(serve(tcp(8080, 0x02, 10, 0, NULL)), 44);
        isn = rd32(out + 24);
        ck_assert_ptr_eq(which(serve(tcp(8080, 0x18, 11, isn + 1, "x"))),
                         ok("/notes.txt"));
    }
}
END_TEST

/* The window of the request bounds the reply too; when not even the 503
 * fits, there is no reply. */
START_TEST(test_runtime_client_window)
{
    const char *req = "GET /index.html HTTP/1.0\r\n\r\n";
    uint16_t fit = (uint16_t)(basic_site.status.len - 40);
    uint32_t isn = handshake(70);
    struct seg s = seg_to(80, 0x18, 71, isn + 1, req);

    s.window = (uint16_t)(ok("/index.html")->len - 40);
    ck_assert_ptr_eq(which(serve(build_tcp(in, &s))), ok("/index.html"));
    s.window = fit;
    ck_assert_ptr_eq(which(serve(build_tcp(in, &s))),
                     ERR(503));
    s.window = (uint16_t)(fit - 1);
    ck_assert_uint_eq(serve(build_tcp(in, &s)), 0);
}
END_TEST

/* Options are parsed defensively: MSS found anywhere and unaligned, other
 * kinds skipped by their length; a bad length or EOL ends the list. */
START_TEST(test_runtime_syn_options)
{
    static const struct {
        uint8_t opt[12];
        size_t len;
        uint32_t cls; /* the MSS class the SYN-ACK's ISN carries */
        uint16_t synack; /* its length: 56 with a timestamps option (the
                            site has large replies, pagec(3)) */
    } cases[] = {
        {{2, 4, 0x05, 0xb4}, 4, 3, 44},
        {{1, 1, 1, 2, 4, 0x03, 0xc6, 0}, 8, 1, 44},       /* unaligned 966 */
        {{8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1}, 12, 0, 56}, /* timestamps */
        {{8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 2, 4}, 12, 0, 56}, /* MSS cut off */
        {{3, 3, 7, 2, 4, 0x04, 0xc4, 0}, 8, 2, 44},           /* after WS: 1220 */
        {{0, 0, 0, 0, 2, 4, 0x05, 0xb4}, 8, 0, 44},           /* EOL first */
        {{2, 1, 2, 4, 0x05, 0xb4, 0, 0}, 8, 0, 44},           /* length 1 */
        {{2, 0, 0, 0}, 4, 0, 44},                             /* length 0 */
        {{99, 200, 2, 4, 0x05, 0xb4, 0, 0}, 8, 0, 44},        /* past the end */
        {{2, 4, 0x05, 0xb4, 2, 4, 0x02, 0x18}, 8, 0, 44},     /* the last wins */
        {{1, 1, 1, 1, 1, 1, 1, 1}, 8, 0, 44},                 /* NOPs only */
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct seg s = seg_to(80, 0x02, 1, 0, NULL);

        s.opt = cases[i].opt;
        s.optlen = cases[i].len;
        ck_assert_uint_eq(serve(build_tcp(in, &s)), cases[i].synack);
        ck_assert_msg(((rd32(out + 24) >> 28) & 3) == cases[i].cls,
                      "options case %zu", i);
        ck_assert_uint_eq(rd32(out + 24),
                          pagec_isn(srv.secret, client, server, 40000, 80,
                                    now >> 6, (uint8_t)cases[i].cls, 1));
    }
    /* an MSS option cut off by the end of the header is not read from the
     * data that follows it */
    {
        static const uint8_t cut[4] = {1, 1, 2, 4};
        struct seg s = seg_to(80, 0x02, 1, 0, "\x05\xb4");

        s.opt = cut;
        s.optlen = sizeof cut;
        ck_assert_uint_eq(serve(build_tcp(in, &s)), 44);
        ck_assert_uint_eq((rd32(out + 24) >> 28) & 3, 0);
    }
}
END_TEST

/* The patched checksums against a fresh computation, for every value of a
 * 16-bit field (the client port) and for sequence numbers that wrap. */
START_TEST(test_runtime_checksum_every_port)
{
    uint32_t v;
    uint32_t seqs[] = {0xffffffffu, 0xfffffffeu, 0, 0x7fffffffu, 0x80000000u};
    size_t i;

    for (v = 0; v <= 0xffff; v++) {
        struct seg s = seg_to(81, 0x02, v * 65537u, 0, NULL);

        s.sport = (uint16_t)v;
        ck_assert_uint_eq(serve(build_tcp(in, &s)), 40); /* the RST */
        ck_assert_uint_eq(rd32(out + 28), v * 65537u + 1);
    }
    /* echo replies for every identifier, with no data: among them the
     * messages whose checksum RFC 1624's eqn. 3 and a fresh sum disagree
     * on (the reply's sum is then +0 or -0) */
    for (v = 0; v <= 0xffff; v++) {
        ck_assert_uint_eq(serve(build_echo(in, client, server, (uint16_t)v,
                                           (uint16_t)(0xffff - v),
                                           (const uint8_t *)"", 0)),
                          28);
        ck_assert_uint_eq(rd16(out + 24), v);
    }
    for (i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
        uint32_t isn = handshake(seqs[i]);

        ck_assert_uint_eq(rd32(out + 28), seqs[i] + 1);
        ck_assert_uint_gt(serve(tcp(80, 0x19, seqs[i] + 1, isn + 1,
                                    "GET / HTTP/1.0\r\n\r\n")),
                          40);
        ck_assert_uint_eq(rd32(out + 28), seqs[i] + 1 + 18 + 1);
    }
}
END_TEST


/* The small services: UDP. Each reply through both APIs (serve()), its
 * checksums checked by the test's own sums. */
static size_t udp(uint16_t sport, uint16_t dport, const char *data)
{
    return build_udp(in, client, server, sport, dport, data, strlen(data));
}

static uint8_t clock_text(const struct pagec_server *s, uint8_t *dst,
                          uint8_t size)
{
    (void)s;
    ck_assert_uint_ge(size, 24);
    memcpy(dst, "Tue Jan  2 03:04:05 2024\r\n", 26 < size ? 26 : size);
    return 26;
}

/* A daytime text of 7 bytes, the echo port's number. */
static uint8_t seven_text(const struct pagec_server *s, uint8_t *dst,
                          uint8_t size)
{
    (void)s;
    (void)size;
    memcpy(dst, "12:00\r\n", 7);
    return 7;
}

START_TEST(test_runtime_udp_services)
{
    size_t n;

    /* echo: the data back, the ports swapped */
    ck_assert_uint_eq(serve(udp(40000, 7, "hello, echo")), 28 + 11);
    ck_assert_uint_eq(out[9], 17);
    ck_assert_uint_eq(rd16(out + 20), 7);
    ck_assert_uint_eq(rd16(out + 22), 40000);
    ck_assert_uint_eq(rd16(out + 24), 8 + 11);
    ck_assert_uint_ne(rd16(out + 26), 0);
    ck_assert_mem_eq(out + 28, "hello, echo", 11);
    /* an empty one */
    ck_assert_uint_eq(serve(udp(40000, 7, "")), 28);
    /* no checksum (0): taken, and none back */
    n = udp(40001, 7, "abc");
    wr16(in + 26, 0);
    ck_assert_uint_eq(serve(n), 31);
    ck_assert_uint_eq(rd16(out + 26), 0);
    ck_assert_mem_eq(out + 28, "abc", 3);
    /* a wrong checksum: dropped */
    n = udp(40000, 7, "abc");
    in[29] ^= 1;
    ck_assert_uint_eq(serve(n), 0);
    /* a length field that is not the datagram's */
    n = udp(40000, 7, "abc");
    wr16(in + 24, 10);
    seal(in);
    ck_assert_uint_eq(serve(n), 0);
    /* discard, another port, a source port below 1024: nothing */
    ck_assert_uint_eq(serve(udp(40000, 9, "x")), 0);
    ck_assert_uint_eq(serve(udp(40000, 8, "x")), 0);
    ck_assert_uint_eq(serve(udp(40000, 53, "x")), 0);
    ck_assert_uint_eq(serve(udp(1023, 7, "x")), 0);
    ck_assert_uint_eq(serve(udp(19, 7, "x")), 0);
    ck_assert_uint_eq(serve(udp(1024, 7, "x")), 29);
    /* daytime without a callback: the clock */
    now = 1234567;
    ck_assert_uint_eq(serve(udp(40000, 13, "")), 28 + 18);
    ck_assert_mem_eq(out + 28, "uptime 1234567 s\r\n", 18);
    now = 7;
    ck_assert_uint_eq(serve(udp(40000, 13, "any")), 28 + 12);
    ck_assert_mem_eq(out + 28, "uptime 7 s\r\n", 12);
    /* with one: its text */
    srv.daytime = clock_text;
    ck_assert_uint_eq(serve(udp(40000, 13, "")), 28 + 26);
    ck_assert_mem_eq(out + 28, "Tue Jan  2 03:04:05 2024\r\n", 26);
    ck_assert_uint_eq(rd16(out + 24), 8 + 26);
    /* a text as long as the echo port's number still gets its checksum */
    srv.daytime = seven_text;
    ck_assert_uint_eq(serve(udp(40000, 13, "")), 28 + 7);
    ck_assert_uint_ne(rd16(out + 26), 0);
    ck_assert_mem_eq(out + 28, "12:00\r\n", 7);
}
END_TEST

/* The SYN-ACK's ISN on a service's port: as pagec_isn() with nothing of
 * the client's ISN in B (bits 16-31 of its ISN + 1 taken as 0), plus
 * for echo the client's ISN + 1, modulo 2^14. */
static uint32_t service_isn(uint16_t port, uint32_t cseq)
{
    uint32_t p = pagec_isn(srv.secret, client, server, 40000, port,
                           now >> 6, 3, 0xffffffffu);

    if (port == 7) {
        p = (p & ~0x3fffu) | ((p + cseq + 1) & 0x3fffu);
    }
    return p;
}

static uint32_t open_to(uint16_t port, uint32_t cseq)
{
    ck_assert_uint_eq(serve(tcp(port, 0x02, cseq, 0, NULL)), 44);
    check_tcp(port, 40000, 0x12, service_isn(port, cseq), cseq + 1);
    return rd32(out + 24);
}

START_TEST(test_runtime_tcp_daytime)
{
    uint32_t isn = open_to(13, 70000);

    /* the ACK that opens the connection: the text and our FIN */
    ck_assert_uint_eq(serve(tcp(13, 0x10, 70001, isn + 1, NULL)), 40 + 18);
    check_tcp(13, 40000, 0x19, isn + 1, 70001);
    ck_assert_mem_eq(out + 40, "uptime 1000000 s\r\n", 18);
    srv.daytime = clock_text;
    ck_assert_uint_eq(serve(tcp(13, 0x10, 70001, isn + 1, NULL)), 40 + 26);
    ck_assert_mem_eq(out + 40, "Tue Jan  2 03:04:05 2024\r\n", 26);
    /* its ACK needs nothing; the client's FIN an ACK */
    ck_assert_uint_eq(serve(tcp(13, 0x10, 70001, isn + 28, NULL)), 0);
    ck_assert_uint_eq(serve(tcp(13, 0x11, 70001, isn + 28, NULL)), 40);
    check_tcp(13, 40000, 0x10, isn + 28, 70002);
    /* an ACK of more than the text and a FIN: an RST */
    ck_assert_uint_eq(serve(tcp(13, 0x10, 70001, isn + 40, NULL)), 40);
    check_tcp(13, 40000, 0x04, isn + 40, 0);
    ck_assert_uint_eq(serve(tcp(13, 0x10, 70001, isn + 0x10000, NULL)), 40);
    ck_assert_uint_eq(out[33], 0x04);
}
END_TEST

START_TEST(test_runtime_tcp_discard)
{
    uint32_t isn = open_to(9, 0x1fff0);
    uint32_t c = 0x1fff1;

    ck_assert_uint_eq(serve(tcp(9, 0x10, c, isn + 1, NULL)), 0);
    ck_assert_uint_eq(serve(tcp(9, 0x18, c, isn + 1, "some data")), 40);
    check_tcp(9, 40000, 0x10, isn + 1, c + 9);
    /* past 64 KiB of the client's: still its connection */
    ck_assert_uint_eq(serve(tcp(9, 0x18, c + 0x30000, isn + 1, "x")), 40);
    check_tcp(9, 40000, 0x10, isn + 1, c + 0x30001);
    /* its FIN: ours */
    ck_assert_uint_eq(serve(tcp(9, 0x11, c + 9, isn + 1, NULL)), 40);
    check_tcp(9, 40000, 0x11, isn + 1, c + 10);
    ck_assert_uint_eq(serve(tcp(9, 0x11, c + 9, isn + 2, NULL)), 40);
    check_tcp(9, 40000, 0x10, isn + 2, c + 10);
    /* an ACK of nothing we sent */
    ck_assert_uint_eq(serve(tcp(9, 0x18, c, isn + 100, "x")), 40);
    check_tcp(9, 40000, 0x04, isn + 100, 0);
}
END_TEST

START_TEST(test_runtime_tcp_echo)
{
    uint32_t c = 0x2345fff0;
    uint32_t isn = open_to(7, c - 1);

    ck_assert_uint_eq(serve(tcp(7, 0x10, c, isn + 1, NULL)), 0);
    /* the first line, back at our ISN + 1, acknowledged */
    ck_assert_uint_eq(serve(tcp(7, 0x18, c, isn + 1, "one\n")), 44);
    check_tcp(7, 40000, 0x18, isn + 1, c + 4);
    ck_assert_mem_eq(out + 40, "one\n", 4);
    /* the second, sent before that echo came: not in order, no answer */
    ck_assert_uint_eq(serve(tcp(7, 0x18, c + 4, isn + 1, "two\n")), 0);
    /* sent again after it came: echoed after the first */
    ck_assert_uint_eq(serve(tcp(7, 0x18, c + 4, isn + 5, "two\n")), 44);
    check_tcp(7, 40000, 0x18, isn + 5, c + 8);
    ck_assert_mem_eq(out + 40, "two\n", 4);
    /* across a 64 KiB boundary of the client's numbers */
    ck_assert_uint_eq(serve(tcp(7, 0x18, c + 0x20, isn + 0x21, "three")), 45);
    check_tcp(7, 40000, 0x18, isn + 0x21, c + 0x25);
    /* data with a FIN: the echo with ours */
    ck_assert_uint_eq(serve(tcp(7, 0x19, c + 8, isn + 9, "end")), 43);
    check_tcp(7, 40000, 0x19, isn + 9, c + 12);
    /* a FIN alone: ours */
    ck_assert_uint_eq(serve(tcp(7, 0x11, c + 8, isn + 9, NULL)), 40);
    check_tcp(7, 40000, 0x11, isn + 9, c + 9);
    /* a pure ACK: nothing */
    ck_assert_uint_eq(serve(tcp(7, 0x10, c + 9, isn + 10, NULL)), 0);
    /* an ACK of nothing we sent: an RST, but not for data (see
     * pagec/pagec.h) */
    ck_assert_uint_eq(serve(tcp(7, 0x11, c, isn + 0x2000000, NULL)), 40);
    ck_assert_uint_eq(out[33], 0x04);
    ck_assert_uint_eq(serve(tcp(7, 0x18, c, isn + 0x2000000, "x")), 0);
    /* more than the client's window: not echoed */
    {
        struct seg s = seg_to(7, 0x18, c + 12, isn + 13, "0123456789");

        s.window = 4;
        ck_assert_uint_eq(serve(build_tcp(in, &s)), 0);
    }
}
END_TEST

/* The TCP window of every segment sent: twice the site's MSS, so that a
 * Linux client, which sends at most half the largest window offered in a
 * segment, sends a request of up to our MSS in one; 0 in an RST. */
START_TEST(test_runtime_window)
{
    const char *req = "GET /data.json HTTP/1.1\r\nHost: x\r\n\r\n";
    uint32_t end = 801 + (uint32_t)strlen(req);
    uint32_t isn = handshake(800);
    uint32_t fin;
    size_t n;

    ck_assert_uint_eq(basic_site.mss, 1460);
    ck_assert_uint_eq(rd16(out + 34), 2920); /* the SYN-ACK */
    n = serve(tcp(80, 0x18, 801, isn + 1, req));
    ck_assert_uint_eq(n, ok("/data.json")->len);
    check_tcp(80, 40000, 0x19, isn + 1, end);
    ck_assert_uint_eq(rd16(out + 34), 2920); /* the page */
    n = serve(tcp(80, 0x18, 801, isn + 1, "GET /none HTTP/1.0\r\n\r\n"));
    ck_assert_int_eq(memcmp(out + 40, "HTTP/1.1 404 ", 13), 0);
    ck_assert_uint_eq(rd16(out + 34), 2920); /* the error reply */
    fin = isn + 1 + (uint32_t)(ok("/data.json")->len - 40) + 1;
    ck_assert_uint_eq(serve(tcp(80, 0x11, end, fin, NULL)), 40);
    check_tcp(80, 40000, 0x10, fin, end + 1);
    ck_assert_uint_eq(rd16(out + 34), 2920); /* the ACK of its FIN */
    ck_assert_uint_eq(serve(tcp(80, 0x11, end, isn + 1, NULL)), 40);
    check_tcp(80, 40000, 0x11, isn + 1, end + 1);
    ck_assert_uint_eq(rd16(out + 34), 2920); /* our FIN before a reply */
    fin = isn + 1 + basic_site.max_data + 2; /* beyond what we send */
    ck_assert_uint_eq(serve(tcp(80, 0x11, end, fin, NULL)), 40);
    check_tcp(80, 40000, 0x04, fin, 0);
    ck_assert_uint_eq(rd16(out + 34), 0); /* an RST */
    ck_assert_uint_eq(serve(tcp(81, 0x02, 1234, 0, NULL)), 40);
    check_tcp(81, 40000, 0x14, 0, 1235);
    ck_assert_uint_eq(rd16(out + 34), 0); /* an RST|ACK */
    /* a service's segments: the echo's */
    isn = open_to(7, 900);
    ck_assert_uint_eq(rd16(out + 34), 2920);
    ck_assert_uint_eq(serve(tcp(7, 0x18, 901, isn + 1, "hi\n")), 43);
    check_tcp(7, 40000, 0x18, isn + 1, 904);
    ck_assert_uint_eq(rd16(out + 34), 2920);
    /* a site of MSS 296: 592 */
    srv.site = &tiny_site;
    syn_mss = 296;
    isn = handshake(700);
    ck_assert_uint_eq(rd16(out + 34), 592);
    ck_assert_uint_gt(serve(tcp(80, 0x18, 701, isn + 1,
                                "GET / HTTP/1.1\r\nHost: a\r\n\r\n")),
                      40);
    ck_assert_int_eq(memcmp(out + 40, "HTTP/1.1 200 ", 13), 0);
    ck_assert_uint_eq(rd16(out + 34), 592);
}
END_TEST

/* Within our window, a client's segments may start up to 2920 bytes after
 * its first data byte, and their sequence numbers may have carried into
 * bits 16-31 by then: the ISN is still found. The first data byte here is
 * 100 bytes below a 64 KiB boundary. */
START_TEST(test_runtime_window_carry)
{
    uint32_t first = 0x10000u - 100u;
    uint32_t isn = handshake(first - 1u);
    uint32_t at;

    /* a FIN after data we never answered (its request lost) gets ours:
     * 2000 bytes on (bits 0-15 1900, above the MSS), and 2920 */
    at = first + 2000u;
    ck_assert_uint_eq(serve(tcp(80, 0x11, at, isn + 1, NULL)), 40);
    check_tcp(80, 40000, 0x11, isn + 1, at + 1);
    at = first + 2920u;
    ck_assert_uint_eq(serve(tcp(80, 0x11, at, isn + 1, NULL)), 40);
    check_tcp(80, 40000, 0x11, isn + 1, at + 1);
    /* bits 0-15 beyond the window (3021 bytes on): an RST */
    at = 0x10000u + 2921u;
    ck_assert_uint_eq(serve(tcp(80, 0x11, at, isn + 1, NULL)), 40);
    check_tcp(80, 40000, 0x04, isn + 1, 0);
}
END_TEST

START_TEST(test_runtime_services_off_ports)
{
    /* a port next to a service's is closed */
    ck_assert_uint_eq(serve(tcp(8, 0x02, 10, 0, NULL)), 40);
    ck_assert_uint_eq(out[33], 0x14);
    ck_assert_uint_eq(serve(tcp(14, 0x02, 10, 0, NULL)), 40);
    ck_assert_uint_eq(out[33], 0x14);
}
END_TEST

/* Actions (PAGEC_ACTIONS) on the live site: what each request runs, in
 * which order with the live fields, and the reply it gets, through both
 * APIs (serve() runs the buffered API, then the streaming one, and sums
 * each reply itself). */
static char act_log[256];

static void act_note(const char *s)
{
    size_t n = strlen(act_log);

    ck_assert_uint_lt(n + strlen(s), sizeof act_log);
    memcpy(act_log + n, s, strlen(s) + 1);
}

static void test_action(const struct pagec_server *s, uint8_t id,
                        uint16_t arg)
{
    char e[32];

    ck_assert_ptr_eq(s, &srv);
    snprintf(e, sizeof e, "A%u:%u ", id, arg);
    act_note(e);
}

static uint8_t act_live(const struct pagec_server *s, uint8_t id,
                        uint8_t *dst, uint8_t width)
{
    (void)s;
    (void)id;
    (void)dst;
    (void)width;
    act_note("L ");
    return 0;
}

/* The status code of the reply to req on the live site, and in act_log
 * what it ran: "" when nothing. */
static int act_status(const char *req)
{
    uint32_t isn = handshake(9000);
    size_t n;

    act_log[0] = '\0';
    n = serve(tcp(80, 0x18, 9001, isn + 1, req));
    ck_assert_msg(n > 40 + 13, "no reply to '%s'", req);
    ck_assert_int_eq(memcmp(out + 40, "HTTP/1.1 ", 9), 0);
    return (out[49] - '0') * 100 + (out[50] - '0') * 10 + (out[51] - '0');
}

#define LED(arg) "A0:" #arg " L L L A0:" #arg " L L L "

START_TEST(test_runtime_actions)
{
    static const char post_form[] =
        "POST /led HTTP/1.1\r\nHost: 192.0.2.2\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 5\r\n\r\nset=0";
    char req[512];
    size_t blen;
    size_t elen;
    const uint8_t *body;
    char *want;

    srv.site = &live_site;
    srv.live = act_live;
    srv.action = test_action;
    ck_assert_int_eq(live_site_ACTION_led, 0);
    ck_assert_int_eq(live_site_ACTION_ping, 2);

    /* a GET: the action, then the page's three fields, in each API */
    ck_assert_int_eq(act_status("GET /led?set=1 HTTP/1.1\r\nHost: a\r\n\r\n"),
                     200);
    ck_assert_str_eq(act_log, LED(1));
    /* the page, its fields as the callback left them: blank */
    body = http_body(serve(tcp(80, 0x18, 9001, handshake(9000) + 1,
                               "GET /led?set=0 HTTP/1.0\r\n\r\n")),
                     &blen);
    srv.live = NULL;
    want = live_expected("index.html", &elen);
    srv.live = act_live;
    ck_assert_uint_eq(blen, elen);
    ck_assert_mem_eq(body, want, elen);
    free(want);

    /* an HTML form's POST, its body the query */
    ck_assert_int_eq(act_status(post_form), 200);
    ck_assert_str_eq(act_log, LED(0));
    /* the query in the target, no body */
    ck_assert_int_eq(act_status("POST /led?set=1 HTTP/1.0\r\n\r\n"), 200);
    ck_assert_str_eq(act_log, LED(1));
    /* a raw query of bytes the path would decode; the largest argument */
    ck_assert_int_eq(act_status("GET /cfg?m=a%20b&x=? HTTP/1.0\r\n\r\n"), 200);
    ck_assert_str_eq(act_log, "A1:65535 L L L A1:65535 L L L ");
    /* an action whose page is static: its 200, never 304 */
    ck_assert_int_eq(act_status("GET /ping?now HTTP/1.1\r\nHost: a\r\n"
                                "If-None-Match: *\r\n\r\n"),
                     200);
    ck_assert_str_eq(act_log, "A2:7 A2:7 ");

    /* from the same site: allowed */
    ck_assert_int_eq(act_status("GET /led?set=1 HTTP/1.1\r\nHost: Dev.Local:8080\r\n"
                                "Origin:  http://dev.local:8080 \r\n"
                                "Sec-Fetch-Site: Same-Origin\r\n\r\n"),
                     200);
    ck_assert_str_eq(act_log, LED(1));
    ck_assert_int_eq(act_status("GET /led?set=1 HTTP/1.1\r\nHost: a\r\n"
                                "Sec-Fetch-Site: none\r\n\r\n"),
                     200);
    ck_assert_str_eq(act_log, LED(1));
    /* from elsewhere: 403 and nothing run */
    {
        static const char *const refused[] = {
            "Origin: http://evil.example\r\n",
            "Origin: null\r\n",
            "Origin: https://a\r\n",
            "Origin: http://a:80\r\n",
            "Origin: http://ab\r\n",
            "Origin: http://\r\n",
            "Sec-Fetch-Site: cross-site\r\n",
            "Sec-Fetch-Site: same-site\r\n",
            "Sec-Fetch-Site: same-origin-not\r\n",
            "Sec-Fetch-Site: nonE2\r\n",
            "Sec-Fetch-Site:\r\n",
            "Origin: http://a\r\nSec-Fetch-Site: cross-site\r\n",
        };
        size_t k;

        for (k = 0; k < sizeof refused / sizeof refused[0]; k++) {
            snprintf(req, sizeof req, "GET /led?set=0 HTTP/1.1\r\nHost: a\r\n%s\r\n",
                     refused[k]);
            ck_assert_msg(act_status(req) == 403, "%s", refused[k]);
            ck_assert_str_eq(act_log, "");
            snprintf(req, sizeof req, "POST /led HTTP/1.1\r\n%sHost: a\r\n"
                     "Content-Length: 5\r\n\r\nset=1", refused[k]);
            ck_assert_msg(act_status(req) == 403, "POST %s", refused[k]);
            ck_assert_str_eq(act_log, "");
        }
    }
    /* a Referer is compared by its origin: the page of the device's own
     * that sent the request passes, another site's does not (a browser
     * sends neither Sec-Fetch-Site nor Origin with a cross-site GET to a
     * plain-HTTP device, but a Referer unless told not to) */
    ck_assert_int_eq(act_status("GET /led?set=1 HTTP/1.1\r\nHost: a:8080\r\n"
                                "Referer: http://A:8080/x/y.html?z=/\r\n\r\n"),
                     200);
    ck_assert_str_eq(act_log, LED(1));
    ck_assert_int_eq(act_status("GET /led?set=1 HTTP/1.1\r\nHost: a\r\n"
                                "Referer: http://a\r\n\r\n"),
                     200);
    ck_assert_str_eq(act_log, LED(1));
    {
        static const char *const refused_ref[] = {
            "Host: a\r\nReferer: http://evil.example/\r\n",
            "Host: a\r\nReferer: http://a.evil/a\r\n",
            "Host: a\r\nReferer: http://a:81/\r\n",
            "Host: a\r\nReferer: https://a/\r\n",
            "Host: a\r\nReferer: about:blank\r\n",
            "Referer: http://a/\r\nHost: a\r\nReferer: http://a/\r\n",
            "Referer: http://a/\r\n", /* no Host (HTTP/1.1: 400 anyway) */
        };
        size_t k;

        for (k = 0; k < sizeof refused_ref / sizeof refused_ref[0]; k++) {
            snprintf(req, sizeof req, "GET /led?set=0 HTTP/1.0\r\n%s\r\n",
                     refused_ref[k]);
            ck_assert_msg(act_status(req) == 403, "%s", refused_ref[k]);
            ck_assert_str_eq(act_log, "");
        }
    }
    /* an Origin with the Host it names, in either order */
    ck_assert_int_eq(act_status("POST /led HTTP/1.1\r\nOrigin: http://a\r\n"
                                "Content-Length: 5\r\nHost: a\r\n\r\nset=1"),
                     200);
    ck_assert_str_eq(act_log, LED(1));

    /* POSTs that run nothing */
    ck_assert_int_eq(act_status("POST /led HTTP/1.0\r\n\r\n"), 411);
    ck_assert_int_eq(act_status("POST /led HTTP/1.0\r\nContent-Length: 6\r\n\r\nset=1"),
                     413);
    ck_assert_int_eq(act_status("POST /led HTTP/1.0\r\nContent-Length: 99999999\r\n\r\nset=1"),
                     413);
    ck_assert_int_eq(act_status("POST /led HTTP/1.0\r\nContent-Length: 5\r\n"), 413);
    ck_assert_int_eq(act_status("POST /led HTTP/1.0\r\nContent-Length: 5\r\n\r\nset=2"),
                     405);
    ck_assert_int_eq(act_status("POST /led HTTP/1.0\r\nContent-Length: 4\r\n\r\nset=1"),
                     405);
    ck_assert_int_eq(act_status("POST / HTTP/1.0\r\nContent-Length: 5\r\n\r\nset=1"),
                     405);
    ck_assert_int_eq(act_status("POST /about.html HTTP/1.0\r\n\r\n"), 405);
    ck_assert_int_eq(act_status("POST /led HTTP/1.0\r\nContent-Length: 5x\r\n\r\nset=1"),
                     400);
    ck_assert_str_eq(act_log, "");
    /* the body ends where Content-Length says: what follows is not read */
    ck_assert_int_eq(act_status("POST /led HTTP/1.0\r\nContent-Length: 5\r\n\r\nset=1garbage"),
                     200);
    ck_assert_str_eq(act_log, LED(1));

    /* Content-Length: 0 has no body, whatever follows; one above 65535 is
     * not cut to 16 bits; an empty one is no number */
    ck_assert_int_eq(act_status("POST /led HTTP/1.0\r\nContent-Length: 0\r\n\r\nset=1"),
                     405);
    ck_assert_int_eq(act_status("POST /led HTTP/1.0\r\nContent-Length: 65541\r\n\r\nset=1"),
                     413);
    ck_assert_int_eq(act_status("POST /led HTTP/1.0\r\nContent-Length: \r\n\r\nset=1"),
                     400);
    /* a second Content-Length is a 400 (RFC 9112 section 6.3) */
    ck_assert_int_eq(act_status("POST /led HTTP/1.0\r\nContent-Length: 100\r\n"
                                "Content-Length: 5\r\n\r\nset=1"),
                     400);
    /* empty lines before the request line: what a later segment of
     * another site's POST body could start with, passing itself off as a
     * request (it has the ACK of our ISN, as the first segment had) */
    ck_assert_int_eq(act_status("\n\n\nGET /led?set=1 HTTP/1.0\n\n"), 403);
    ck_assert_int_eq(act_status("\r\nPOST /led HTTP/1.0\r\nContent-Length: 5\r\n"
                                "\r\nset=1"),
                     403);
    ck_assert_str_eq(act_log, "");
    /* a page still takes them (RFC 9112 section 2.2) */
    ck_assert_int_eq(act_status("\r\nGET /about.html HTTP/1.0\r\n\r\n"), 200);
    /* an Origin and no Host to compare it with */
    ck_assert_int_eq(act_status("POST /led HTTP/1.0\r\nOrigin: http://\r\n"
                                "Content-Length: 5\r\n\r\nset=1"),
                     403);
    ck_assert_str_eq(act_log, "");
    /* an absolute-form target; If-None-Match does not make an action's
     * page a 304, and is not read against a page it is not */
    ck_assert_int_eq(act_status("GET http://a/led?set=0 HTTP/1.1\r\nHost: a\r\n"
                                "If-None-Match: \"x\", *\r\n\r\n"),
                     200);
    ck_assert_str_eq(act_log, LED(0));

    /* GETs and HEADs that run nothing */
    ck_assert_int_eq(act_status("GET /led?set=1 HTTP/1.1\r\nHost: a\r\n"), 431);
    ck_assert_int_eq(act_status("GET /led%3Fset=1 HTTP/1.0\r\n\r\n"), 404);
    ck_assert_int_eq(act_status("HEAD /led?set=1 HTTP/1.0\r\n\r\n"), 404);
    ck_assert_int_eq(act_status("GET /led?set=2 HTTP/1.0\r\n\r\n"), 404);
    ck_assert_int_eq(act_status("GET /led?set=1x HTTP/1.0\r\n\r\n"), 404);
    ck_assert_int_eq(act_status("GET /led HTTP/1.0\r\n\r\n"), 404);
    ck_assert_int_eq(act_status("GET /cfg?m=a b HTTP/1.0\r\n\r\n"), 400);
    ck_assert_str_eq(act_log, "");
    /* a query on a page: the page, as before */
    ck_assert_int_eq(act_status("GET /about.html?set=1 HTTP/1.0\r\n\r\n"), 200);
    ck_assert_str_eq(act_log, "");
    ck_assert_int_eq(act_status("GET /index.html?led HTTP/1.0\r\n\r\n"), 200);
    ck_assert_str_eq(act_log, "L L L L L L ");

    /* no callback: the action's page, nothing else */
    srv.action = NULL;
    ck_assert_int_eq(act_status("GET /led?set=1 HTTP/1.0\r\n\r\n"), 200);
    ck_assert_str_eq(act_log, "L L L L L L ");
    srv.live = NULL;
}
END_TEST

/* The driver's own services: a reverse-a-line and a fortune, made by the
 * test's callback, checked against the test's own reversal. */
static uint16_t svc_port; /* the port the callback last got */
static uint8_t svc_len;   /* ... and the bytes it got */
static unsigned svc_calls;

static const struct pagec_service own[] = {
    {7007, PAGEC_SERVICE_TCP | PAGEC_SERVICE_UDP | PAGEC_SERVICE_LINE},
    {7008, PAGEC_SERVICE_TCP | PAGEC_SERVICE_UDP},
    {7009, PAGEC_SERVICE_UDP | PAGEC_SERVICE_LINE},
    {7010, PAGEC_SERVICE_TCP},
    {7011, PAGEC_SERVICE_UDP | PAGEC_SERVICE_LINE},
    {13, PAGEC_SERVICE_TCP | PAGEC_SERVICE_UDP},
};

static uint8_t own_fn(const struct pagec_server *s, uint16_t port,
                      uint8_t *buf, uint8_t len, uint8_t size)
{
    uint8_t e = 0;
    uint8_t i;

    (void)s;
    svc_port = port;
    svc_len = len;
    svc_calls++;
    ck_assert_uint_eq(size, PAGEC_SERVICE_MAX);
    ck_assert_uint_le(len, size);
    if (port == 7008 || port == 7010) {
        ck_assert_uint_eq(len, 0);
        memcpy(buf, "a fortune\r\n", 11);
        return 11;
    }
    if (port == 7011) {
        /* more than it may: the whole buffer, and a return above it */
        memset(buf, 'z', size);
        return 255;
    }
    /* the line before its end reversed, its end kept */
    while (e < len && buf[e] != '\r' && buf[e] != '\n') {
        e++;
    }
    for (i = 0; i < e / 2; i++) {
        uint8_t t = buf[i];

        buf[i] = buf[e - 1 - i];
        buf[e - 1 - i] = t;
    }
    return len;
}

/* The reverse of the first n bytes of str, into dst */
static void reversed(char *dst, const char *str, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        dst[i] = str[n - 1 - i];
    }
}

START_TEST(test_runtime_own_services_udp)
{
    static const char longer[] =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    char want[64];

    srv.services = own;
    srv.nservices = sizeof own / sizeof own[0];
    srv.service = own_fn;
    ck_assert_uint_gt(sizeof longer - 1, PAGEC_SERVICE_MAX);
    /* a line reversed, the ports swapped, the checksum the test's */
    ck_assert_uint_eq(serve(udp(40000, 7007, "hello, world\n")), 28 + 13);
    ck_assert_uint_eq(out[9], 17);
    ck_assert_uint_eq(rd16(out + 20), 7007);
    ck_assert_uint_eq(rd16(out + 22), 40000);
    ck_assert_uint_eq(rd16(out + 24), 8 + 13);
    ck_assert_uint_ne(rd16(out + 26), 0);
    ck_assert_mem_eq(out + 28, "dlrow ,olleh\n", 13);
    ck_assert_uint_eq(svc_port, 7007);
    ck_assert_uint_eq(svc_len, 13);
    /* UDP-only port, CRLF */
    ck_assert_uint_eq(serve(udp(40000, 7009, "abc\r\n")), 28 + 5);
    ck_assert_mem_eq(out + 28, "cba\r\n", 5);
    /* a line longer than PAGEC_SERVICE_MAX: its first bytes, reversed */
    ck_assert_uint_eq(serve(udp(40000, 7007, longer)),
                      28 + PAGEC_SERVICE_MAX);
    ck_assert_uint_eq(svc_len, PAGEC_SERVICE_MAX);
    reversed(want, longer, PAGEC_SERVICE_MAX);
    ck_assert_mem_eq(out + 28, want, PAGEC_SERVICE_MAX);
    /* at the bound: PAGEC_SERVICE_MAX bytes whole, one more cut */
    {
        char line[PAGEC_SERVICE_MAX + 2];

        memcpy(line, longer, PAGEC_SERVICE_MAX + 1);
        line[PAGEC_SERVICE_MAX + 1] = 0;
        ck_assert_uint_eq(serve(udp(40000, 7007, line)),
                          28 + PAGEC_SERVICE_MAX);
        ck_assert_uint_eq(svc_len, PAGEC_SERVICE_MAX);
        ck_assert_mem_eq(out + 28, want, PAGEC_SERVICE_MAX);
        line[PAGEC_SERVICE_MAX] = 0;
        ck_assert_uint_eq(serve(udp(40000, 7007, line)),
                          28 + PAGEC_SERVICE_MAX);
        ck_assert_mem_eq(out + 28, want, PAGEC_SERVICE_MAX);
    }
    /* an empty line, one byte, two; an empty datagram */
    ck_assert_uint_eq(serve(udp(40000, 7007, "\n")), 28 + 1);
    ck_assert_uint_eq(out[28], '\n');
    ck_assert_uint_eq(serve(udp(40000, 7007, "x")), 28 + 1);
    ck_assert_uint_eq(out[28], 'x');
    ck_assert_uint_eq(serve(udp(40000, 7007, "xy")), 28 + 2);
    ck_assert_mem_eq(out + 28, "yx", 2);
    ck_assert_uint_eq(serve(udp(40000, 7007, "")), 28);
    ck_assert_uint_eq(svc_len, 0);
    /* reply on connect: the data not given to the callback */
    ck_assert_uint_eq(serve(udp(40000, 7008, "anything")), 28 + 11);
    ck_assert_mem_eq(out + 28, "a fortune\r\n", 11);
    /* a callback returning more than size: size bytes */
    ck_assert_uint_eq(serve(udp(40000, 7011, "x")), 28 + PAGEC_SERVICE_MAX);
    memset(want, 'z', PAGEC_SERVICE_MAX);
    ck_assert_mem_eq(out + 28, want, PAGEC_SERVICE_MAX);
    /* from a port below 1024: dropped, the callback not called */
    svc_calls = 0;
    ck_assert_uint_eq(serve(udp(1023, 7007, "x\n")), 0);
    ck_assert_uint_eq(serve(udp(53, 7008, "x\n")), 0);
    ck_assert_uint_eq(svc_calls, 0);
    ck_assert_uint_eq(serve(udp(1024, 7007, "x\n")), 28 + 2);
    /* a TCP-only port, another port: dropped */
    ck_assert_uint_eq(serve(udp(40000, 7010, "x\n")), 0);
    ck_assert_uint_eq(serve(udp(40000, 7012, "x\n")), 0);
    /* 13 stays daytime's */
    now = 7;
    ck_assert_uint_eq(serve(udp(40000, 13, "")), 28 + 12);
    ck_assert_mem_eq(out + 28, "uptime 7 s\r\n", 12);
    /* without the table: nothing */
    srv.nservices = 0;
    ck_assert_uint_eq(serve(udp(40000, 7007, "x\n")), 0);
}
END_TEST

START_TEST(test_runtime_own_services_tcp)
{
    static const char longer[] =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    char want[64];
    uint32_t c = 0x1fff1;
    uint32_t isn;

    srv.services = own;
    srv.nservices = sizeof own / sizeof own[0];
    srv.service = own_fn;
    /* reply to one line: the handshake's ACK gets nothing */
    isn = open_to(7007, c - 1);
    svc_calls = 0;
    ck_assert_uint_eq(serve(tcp(7007, 0x10, c, isn + 1, NULL)), 0);
    ck_assert_uint_eq(svc_calls, 0);
    /* the line: the reply, acknowledging it, and our FIN */
    ck_assert_uint_eq(serve(tcp(7007, 0x18, c, isn + 1, "hello\n")), 46);
    check_tcp(7007, 40000, 0x19, isn + 1, c + 6);
    ck_assert_mem_eq(out + 40, "olleh\n", 6);
    ck_assert_uint_eq(svc_port, 7007);
    /* its ACK needs nothing; the client's FIN an ACK */
    ck_assert_uint_eq(serve(tcp(7007, 0x10, c + 6, isn + 8, NULL)), 0);
    ck_assert_uint_eq(serve(tcp(7007, 0x11, c + 6, isn + 8, NULL)), 40);
    check_tcp(7007, 40000, 0x10, isn + 8, c + 7);
    /* more data after the reply: acknowledged, not read */
    svc_calls = 0;
    ck_assert_uint_eq(serve(tcp(7007, 0x18, c + 6, isn + 8, "more\n")), 40);
    check_tcp(7007, 40000, 0x10, isn + 8, c + 11);
    ck_assert_uint_eq(svc_calls, 0);
    /* the line with the client's FIN: both acknowledged */
    ck_assert_uint_eq(serve(tcp(7007, 0x19, c, isn + 1, "ab\r\n")), 44);
    check_tcp(7007, 40000, 0x19, isn + 1, c + 5);
    ck_assert_mem_eq(out + 40, "ba\r\n", 4);
    /* an empty line: one byte back; two bytes */
    ck_assert_uint_eq(serve(tcp(7007, 0x18, c, isn + 1, "\n")), 41);
    check_tcp(7007, 40000, 0x19, isn + 1, c + 1);
    ck_assert_uint_eq(out[40], '\n');
    ck_assert_uint_eq(serve(tcp(7007, 0x18, c, isn + 1, "\r\n")), 42);
    ck_assert_mem_eq(out + 40, "\r\n", 2);
    /* a line longer than PAGEC_SERVICE_MAX: cut, all of it acknowledged */
    ck_assert_uint_eq(serve(tcp(7007, 0x18, c, isn + 1, longer)),
                      40 + PAGEC_SERVICE_MAX);
    check_tcp(7007, 40000, 0x19, isn + 1, c + sizeof longer - 1);
    ck_assert_uint_eq(svc_len, PAGEC_SERVICE_MAX);
    reversed(want, longer, PAGEC_SERVICE_MAX);
    ck_assert_mem_eq(out + 40, want, PAGEC_SERVICE_MAX);
    {
        char line[PAGEC_SERVICE_MAX + 2];

        memcpy(line, longer, PAGEC_SERVICE_MAX + 1);
        line[PAGEC_SERVICE_MAX + 1] = 0;
        ck_assert_uint_eq(serve(tcp(7007, 0x18, c, isn + 1, line)),
                          40 + PAGEC_SERVICE_MAX);
        check_tcp(7007, 40000, 0x19, isn + 1, c + PAGEC_SERVICE_MAX + 1);
        ck_assert_uint_eq(svc_len, PAGEC_SERVICE_MAX);
        ck_assert_mem_eq(out + 40, want, PAGEC_SERVICE_MAX);
    }
    /* a FIN before any line: ours */
    ck_assert_uint_eq(serve(tcp(7007, 0x11, c, isn + 1, NULL)), 40);
    check_tcp(7007, 40000, 0x11, isn + 1, c + 1);
    /* an ACK of more than the longest reply and a FIN: an RST */
    ck_assert_uint_eq(
        serve(tcp(7007, 0x18, c, isn + PAGEC_SERVICE_MAX + 3, "x\n")), 40);
    check_tcp(7007, 40000, 0x04, isn + PAGEC_SERVICE_MAX + 3, 0);
    /* an ACK from another slot's ISN: an RST, the callback not called */
    svc_calls = 0;
    ck_assert_uint_eq(serve(tcp(7007, 0x18, c, isn + 0x4000000, "x\n")), 40);
    ck_assert_uint_eq(out[33], 0x04);
    ck_assert_uint_eq(svc_calls, 0);

    /* reply on connect: the handshake's ACK gets it, as daytime */
    isn = open_to(7008, c - 1);
    ck_assert_uint_eq(serve(tcp(7008, 0x10, c, isn + 1, NULL)), 40 + 11);
    check_tcp(7008, 40000, 0x19, isn + 1, c);
    ck_assert_mem_eq(out + 40, "a fortune\r\n", 11);
    ck_assert_uint_eq(svc_len, 0);
    ck_assert_uint_eq(serve(tcp(7008, 0x11, c, isn + 13, NULL)), 40);
    check_tcp(7008, 40000, 0x10, isn + 13, c + 1);
    isn = open_to(7010, c - 1);
    ck_assert_uint_eq(serve(tcp(7010, 0x10, c, isn + 1, NULL)), 40 + 11);
    /* a UDP-only port is closed on TCP: an RST */
    ck_assert_uint_eq(serve(tcp(7009, 0x02, 10, 0, NULL)), 40);
    ck_assert_uint_eq(out[33], 0x14);
    ck_assert_uint_eq(serve(tcp(7012, 0x02, 10, 0, NULL)), 40);
    ck_assert_uint_eq(out[33], 0x14);
    /* the site's port keeps its pages */
    {
        static const struct pagec_service web[] = {{80, PAGEC_SERVICE_TCP}};

        srv.services = web;
        srv.nservices = 1;
        isn = handshake(1000);
        ck_assert_uint_eq(isn, isn_of(40000, 80));
        ck_assert_uint_eq(serve(tcp(80, 0x10, 1001, isn + 1, NULL)), 0);
    }
}
END_TEST

Suite *runtime_suite(void)
{
    Suite *s = suite_create("runtime");
    TCase *tc = tcase_create("core");
    /* every 16-bit value through both APIs: seconds, more under the
     * sanitizers or a loaded machine than Check's default 4 s allows */
    TCase *slow = tcase_create("exhaustive");

    tcase_add_checked_fixture(slow, setup, NULL);
    tcase_add_test(slow, test_runtime_checksum_every_port);
    tcase_set_timeout(slow, 120);

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_runtime_syn);
    tcase_add_test(tc, test_runtime_get_page);
    tcase_add_test(tc, test_runtime_request_lines);
    tcase_add_test(tc, test_runtime_request_with_fin);
    tcase_add_test(tc, test_runtime_content_coding);
    tcase_add_test(tc, test_runtime_if_none_match);
    tcase_add_test(tc, test_runtime_if_none_match_list);
    tcase_add_test(tc, test_runtime_host);
    tcase_add_test(tc, test_runtime_port_mode);
    tcase_add_test(tc, test_runtime_isn_slots);
    tcase_add_loop_test(tc, test_runtime_fin_window, 0, 2);
    tcase_add_loop_test(tc, test_runtime_b_carry, 0, 2);
    tcase_add_test(tc, test_runtime_client_mss);
    tcase_add_test(tc, test_runtime_client_window);
    tcase_add_test(tc, test_runtime_syn_options);
    tcase_add_test(tc, test_runtime_wrong_ack);
    tcase_add_test(tc, test_runtime_closed_port);
    tcase_add_test(tc, test_runtime_never_answers_rst);
    tcase_add_test(tc, test_runtime_odd_flags);
    tcase_add_test(tc, test_runtime_ping);
    tcase_add_test(tc, test_runtime_bad_checksums);
    tcase_add_test(tc, test_runtime_lengths);
    tcase_add_test(tc, test_runtime_fragments);
    tcase_add_test(tc, test_runtime_ip_options);
    tcase_add_test(tc, test_runtime_addresses);
    tcase_add_test(tc, test_runtime_reply_copy);
    tcase_add_loop_test(tc, test_runtime_clock_wrap, 0, 2);
    tcase_add_test(tc, test_runtime_small_mss_site);
    tcase_add_test(tc, test_runtime_window);
    tcase_add_test(tc, test_runtime_window_carry);
    tcase_add_test(tc, test_runtime_ihl_below_5);
    tcase_add_test(tc, test_runtime_truncated);
    tcase_add_test(tc, test_runtime_live);
    tcase_add_test(tc, test_runtime_actions);
    tcase_add_test(tc, test_runtime_fin_before_request);
    tcase_add_test(tc, test_runtime_isn_reuse);
    tcase_add_test(tc, test_runtime_udp_services);
    tcase_add_test(tc, test_runtime_tcp_daytime);
    tcase_add_test(tc, test_runtime_tcp_discard);
    tcase_add_test(tc, test_runtime_tcp_echo);
    tcase_add_test(tc, test_runtime_services_off_ports);
    tcase_add_test(tc, test_runtime_own_services_udp);
    tcase_add_test(tc, test_runtime_own_services_tcp);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, slow);
    return s;
}
