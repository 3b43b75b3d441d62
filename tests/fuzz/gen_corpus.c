/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gen_corpus.c - writes the seed corpora of the fuzz targets and their
 * dictionary: valid datagrams of every kind the runtime answers or drops
 * (fuzz_input) and HTTP requests of many shapes (fuzz_http), laid out as
 * fuzz.h says.
 *
 * usage: gen_corpus INPUT_DIR HTTP_DIR DICT_FILE
 *
 * Linked with the sites the targets serve, the plain one for its paths
 * and ETags, and with the runtime, for pagec_isn() (the ACK of a request
 * is ISN + 1). Most seeds are for the plain site (site); those of
 * live_seeds() reach the live site's pages (lsite), those of
 * action_seeds() its actions, those of large_seeds() the large replies
 * of xsite.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pagec/pagec.h"
#include "lsite.h"
#include "site.h"
#include "xsite.h"

#define NOW 1000000u /* the clock of most seeds */

static const uint8_t secret[8] = FUZZ_SECRET;
static const uint8_t client[4] = FUZZ_CLIENT;
static const uint8_t server[4] = FUZZ_SERVER;
static const char *input_dir;
static const char *http_dir;
static unsigned nseeds;
/* the live control byte and seed of the seeds written (fuzz.h) */
static unsigned live_ctl;
static unsigned live_seed;

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffffu);
}

/* Inverted one's-complement sum of n bytes plus extra: a checksum field. */
static uint16_t cksum(const uint8_t *p, size_t n, uint32_t extra)
{
    uint32_t s = extra;
    size_t i;

    for (i = 0; i < n; i++) {
        s += i % 2 ? p[i] : (uint32_t)p[i] << 8;
        s = (s & 0xffffu) + (s >> 16);
    }
    return (uint16_t)~s;
}

static void write_file(const char *dir, const char *name, const uint8_t *a,
                       size_t an, const uint8_t *b, size_t bn)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (f == NULL || fwrite(a, 1, an, f) != an ||
        (bn && fwrite(b, 1, bn, f) != bn) || fclose(f) != 0) {
        fprintf(stderr, "gen_corpus: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    nseeds++;
}

/* A fuzz_input seed: now, control byte, live control byte and seed,
 * datagram. */
static void seed(const char *name, uint32_t now, unsigned ctl,
                 const uint8_t *pkt, size_t n)
{
    uint8_t hdr[FUZZ_INPUT_HDR];

    put32(hdr, now);
    hdr[4] = (uint8_t)ctl;
    hdr[FUZZ_INPUT_LIVE] = (uint8_t)live_ctl;
    put16(hdr + FUZZ_INPUT_LIVE + 1, live_seed);
    write_file(input_dir, name, hdr, sizeof hdr, pkt, n);
}

/* A fuzz_http seed: now, control byte, window, live control byte and
 * seed, request. */
static void http_seed(const char *name, uint32_t now, unsigned ctl,
                      uint16_t window, const char *req, size_t n)
{
    uint8_t hdr[FUZZ_HTTP_HDR];

    put32(hdr, now);
    hdr[4] = (uint8_t)ctl;
    put16(hdr + 5, window);
    hdr[FUZZ_HTTP_LIVE] = (uint8_t)live_ctl;
    put16(hdr + FUZZ_HTTP_LIVE + 1, live_seed);
    write_file(http_dir, name, hdr, sizeof hdr, (const uint8_t *)req, n);
}

/* Sets both checksums of datagram b. */
static void seal(uint8_t *b)
{
    size_t ihl = (size_t)(b[0] & 15) * 4;
    size_t n = (size_t)(b[2] << 8 | b[3]) - ihl;
    uint8_t *l4 = b + ihl;

    put16(b + 10, 0);
    put16(b + 10, cksum(b, ihl, 0));
    if (b[9] == 6) {
        uint32_t ps = (uint32_t)(b[12] << 8 | b[13]) + (b[14] << 8 | b[15]) +
                      (b[16] << 8 | b[17]) + (b[18] << 8 | b[19]) + 6u +
                      (uint32_t)n;

        put16(l4 + 16, 0);
        put16(l4 + 16, cksum(l4, n, ps));
    } else if (b[9] == 1) {
        put16(l4 + 2, 0);
        put16(l4 + 2, cksum(l4, n, 0));
    }
}

struct tcp {
    const uint8_t *src;
    const uint8_t *dst;
    const uint8_t *ipopt; /* IP options, a multiple of 4 bytes */
    size_t ipoptlen;
    uint16_t sport;
    uint16_t dport;
    uint32_t seq;
    uint32_t ack;
    uint8_t flags;
    uint16_t window;
    const uint8_t *opt; /* TCP options, a multiple of 4 bytes */
    size_t optlen;
    const char *data;
    size_t dlen;
};

static size_t build(uint8_t *b, const struct tcp *s)
{
    size_t ihl = 20 + s->ipoptlen;
    size_t hl = 20 + s->optlen;
    size_t total = ihl + hl + s->dlen;
    uint8_t *t = b + ihl;

    memset(b, 0, total);
    b[0] = (uint8_t)(0x40 | ihl / 4);
    put16(b + 2, (uint32_t)total);
    put16(b + 4, 0x4242);
    put16(b + 6, 0x4000);
    b[8] = 64;
    b[9] = 6;
    memcpy(b + 12, s->src ? s->src : client, 4);
    memcpy(b + 16, s->dst ? s->dst : server, 4);
    if (s->ipoptlen) {
        memcpy(b + 20, s->ipopt, s->ipoptlen);
    }
    put16(t, s->sport ? s->sport : FUZZ_CLIENT_PORT);
    put16(t + 2, s->dport);
    put32(t + 4, s->seq);
    put32(t + 8, s->ack);
    t[12] = (uint8_t)(hl / 4 << 4);
    t[13] = s->flags;
    put16(t + 14, s->window ? s->window : 64240);
    if (s->optlen) {
        memcpy(t + 20, s->opt, s->optlen);
    }
    if (s->dlen) {
        memcpy(t + hl, s->data, s->dlen);
    }
    seal(b);
    return total;
}

/* A segment to dport from the client, seq 1000, nothing else set. */
static void reset(struct tcp *s, uint16_t dport)
{
    memset(s, 0, sizeof *s);
    s->dport = dport;
    s->seq = 1000;
}

static uint32_t isn(uint16_t dport, uint32_t now, unsigned age, unsigned cls)
{
    return pagec_isn(secret, client, server, (uint16_t)FUZZ_CLIENT_PORT, dport,
                     (now >> PAGEC_ISN_SLOT_LOG2) - age, (uint8_t)cls,
                     999); /* the segments' seq is 1000 */
}

#define S(lit) {lit, sizeof lit - 1}

struct req {
    const char *s;
    size_t n;
};

/* Requests of many shapes, each a seed of both targets. */
static const struct req requests[] = {
    S("GET / HTTP/1.1\r\nHost: 192.0.2.2\r\nUser-Agent: curl/7.88.1\r\n"
      "Accept: */*\r\n\r\n"),
    S("GET /index.html HTTP/1.0\r\n\r\n"),
    S("HEAD /index.html HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("HEAD /both.html HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n"),
    S("HEAD /nothing HTTP/1.1\r\n\r\n"),
    S("GET /both.html HTTP/1.1\r\nHost: x\r\n"
      "Accept-Encoding: gzip, deflate, br\r\n\r\n"),
    S("GET /both.html HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0.5, "
      "identity;q=0.8\r\n\r\n"),
    S("GET /both.html HTTP/1.1\r\nHost: x\r\n"
      "Accept-Encoding: identity;q=0\r\n\r\n"),
    S("GET /both.html HTTP/1.1\r\nHost: x\r\nAccept-Encoding: *;q=0\r\n\r\n"),
    S("GET /both.html HTTP/1.1\r\nHost: x\r\n"
      "Accept-Encoding: x-gzip;q=1.000\r\n\r\n"),
    S("GET /both.html HTTP/1.1\r\nHost: x\r\naccept-encoding:GZIP ; Q=0.001 ,\t"
      "identity ; q=0\r\n\r\n"),
    S("GET /both.html HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=1.0001, "
      "identity;q=2\r\n\r\n"),
    S("GET /big.txt HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET /big.txt HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n"),
    S("GET /big.txt HTTP/1.1\r\nHost: x\r\n"
      "Accept-Encoding: gzip;q=0, *\r\n\r\n"),
    S("GET /big.txt HTTP/1.1\r\nHost: x\r\nAccept-Encoding:\r\n\r\n"),
    S("GET /sub/ HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET /sub HTTP/1.1\r\n\r\n"),
    S("GET /sub/index.html?x=1&y=%41#frag HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET /%62oth.html HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET /%2Fboth.html HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET /index.html%4 HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET /../index.html HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET /da\x7fta.json HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET /data.json?q=a\x01 HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET http://192.0.2.2/both.html HTTP/1.1\r\nHost: 192.0.2.2\r\n\r\n"),
    S("GET HTTPS://example.org HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET http://h?q=1 HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET http://h#f/data.json HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET http:/x HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET * HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET index.html HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET  /index.html HTTP/1.1\r\n\r\n"),
    S("POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"),
    S("PUT /x HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("DELETE /x HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("CONNECT 192.0.2.2:80 HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("TRACE / HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("PATCH / HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("get / HTTP/1.1\r\n\r\n"),
    S("GETS / HTTP/1.1\r\nHost: x\r\n\r\n"),
    S("GET /\r\n"),
    S("GET /notes.txt\n"),
    S("\r\n\r\nGET / HTTP/1.1\n\n"),
    S("GET / HTTP/1.1\nHost: x\nAccept-Encoding: gzip\n\n"),
    S("GET /index.html HTTP/1.1"),
    S("GET /index.html HTT"),
    S("Accept: */*\r\n\r\n"),
    S("HTTP/1.1\r\n\r\n"),
    S("GET / HTTP/9.9\r\n\r\n"),
    S("HEAD /index.html HTTP/2.0\r\nHost: x\r\n\r\n"),
    S("GET /index.html HTTP/0.9\r\n\r\n"),
    S("POST / HTTP/3.0\r\n\r\n"),
    S("GET /index.html HTTP/1.2\r\nHost: x\r\n\r\n"),
    S("GET /index.html HTTP/1.1\r\nHost: x\r\nhost: y\r\n\r\n"),
    S("GET /index.html HTTP/1.0\r\nHost: x\r\nHOST:\r\n\r\n"),
    S("GET /index.html HTTP/1.1\r\nAccept: */*\r\n"),
    S("GET /index.html HTTP/1.1\r\nHost: x\r\nX: a\r\n\tb\r\n\r\n"),
    S("GET /index.html HTTP/1.0\r\n Host: x\r\n\r\n"),
    S("GET /index.html#x HTTP/1.0\r\n\r\n"),
    S("GET /index.html?a#x HTTP/1.0\r\n\r\n"),
    S("GET /both.html HTTP/1.0\r\nIf-None-Match: \"x\"\"a\", W/\"b\" ,"),
    S("GET /both.html HTTP/1.0\r\nIf-None-Match: W/\"\", \"\x01\"\r\n\r\n"),
    S("GET / HTTP/1.1\r\nHost : x\r\n\r\n"),
    S("GET / HTTP/1.1\r\nHost: x\r\n: x\r\n\r\n"),
    S("GET / HTTP/1.1\r\nHost:\tx \r\n folded: line\r\n\r\n"),
    S("GET / HTTP/1.1\r\nHost: x\r\nX: y\r\nAccept-Encoding: gzip"),
    S("GET /both.html HTTP/1.1\r\nHost: x\r\nIf-None-Match: *\r\n\r\n"),
    S("GET /both.html HTTP/1.1\r\nHost: x\r\n"
      "If-None-Match: \"x\", W/\"y\"\r\n\r\n"),
};

/* The ETag of variant v, quotes included: the first field of its reply,
 * at a fixed offset (site.h). */
static const uint8_t *etag(uint16_t v)
{
    return site.variants[v].get.pkt + PAGEC_ETAG_AT;
}

static void dict_entry(FILE *f, const uint8_t *p, size_t n)
{
    size_t i;

    fputc('"', f);
    for (i = 0; i < n; i++) {
        if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '"' || p[i] == '\\') {
            fprintf(f, "\\x%02X", p[i]);
        } else {
            fputc(p[i], f);
        }
    }
    fputs("\"\n", f);
}

/* The bytes from the live site's node at (len bytes of buf before it)
 * to node k, into buf (size bytes); 1 when found. */
static int key_below(uint16_t at, uint16_t k, char *buf, size_t len,
                     size_t size)
{
    const struct pagec_node *nd = &lsite.nodes[at];
    uint16_t c;

    if (len + nd->label_len + 1 > size) {
        return 0;
    }
    memcpy(buf + len, lsite.labels + nd->label, nd->label_len);
    len += nd->label_len;
    buf[len] = '\0';
    if (at == k) {
        return 1;
    }
    for (c = 0; c < nd->nchild; c++) {
        if (key_below((uint16_t)(nd->first_child + c), k, buf, len, size)) {
            return 1;
        }
    }
    return 0;
}

static int key_of(uint16_t k, char *buf, size_t size)
{
    return key_below(0, k, buf, 0, size);
}

static void write_dict(const char *path)
{
    static const char *const words[] = {
        "GET", "HEAD", "POST", "OPTIONS", " HTTP/1.1\r\n", " HTTP/1.0\n",
        " HTTP/2.0\r\n", " HTTP/1.2\r\n", "\r\n ", "\r\n\t",
        "\r\n", "\r\n\r\n", "Host: ", "Accept-Encoding: ", "If-None-Match: ",
        "gzip", "x-gzip", "identity", "*", ";q=", ";q=0", ";q=1.000",
        ";q=0.5", ", ", "W/", "http://", "https://", "%", "%2F", "?", "#",
        "/", "/sub/", "..", "POST", "Content-Length: ", "Content-Length: 5",
        "Sec-Fetch-Site: ", "same-origin", "same-site", "cross-site", "none",
        "Origin: ", "Origin: http://x", "Host: x", "null", "set=1", "set=0",
        "Referer: ", "Referer: http://x/", "Referer: http://x/a/b?c",
        "\r\n\r\nset=1",
    };
    FILE *f = fopen(path, "w");
    uint16_t p;
    uint16_t k;
    size_t i;

    if (f == NULL) {
        fprintf(stderr, "gen_corpus: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    for (i = 0; i < sizeof words / sizeof words[0]; i++) {
        dict_entry(f, (const uint8_t *)words[i], strlen(words[i]));
    }
    for (p = 0; p < site.nvariants; p++) {
        dict_entry(f, etag(p), PAGEC_ETAG_LEN);
    }
    for (k = 0; k < site.nnodes; k++) {
        if (site.nodes[k].label_len) {
            dict_entry(f, site.labels + site.nodes[k].label,
                       site.nodes[k].label_len);
        }
    }
    for (k = 0; k < lsite.nnodes; k++) {
        if (lsite.nodes[k].label_len) {
            dict_entry(f, lsite.labels + lsite.nodes[k].label,
                       lsite.nodes[k].label_len);
        }
    }
    for (k = 0; k < lsite.nnodes; k++) {
        /* the whole keys of the actions */
        char key[256];

        if (lsite.nodes[k].page != PAGEC_NO_PAGE &&
            lsite.nodes[k].page >= lsite.npages &&
            key_of(k, key, sizeof key)) {
            dict_entry(f, (const uint8_t *)key, strlen(key));
        }
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "gen_corpus: %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

/* The path of page p below node, the len bytes of buf so far; 1 when
 * found (buf then holds it, NUL-terminated). */
static int path_of(const struct pagec_site *st, uint16_t node, uint16_t p,
                   char *buf, size_t len, size_t size)
{
    const struct pagec_node *nd = &st->nodes[node];
    uint16_t k;

    if (len + nd->label_len + 1 > size) {
        return 0;
    }
    memcpy(buf + len, st->labels + nd->label, nd->label_len);
    len += nd->label_len;
    buf[len] = '\0';
    if (nd->page == p) {
        return 1;
    }
    for (k = 0; k < nd->nchild; k++) {
        if (path_of(st, (uint16_t)(nd->first_child + k), p, buf, len,
                    size)) {
            return 1;
        }
    }
    return 0;
}

/* A request with an If-None-Match field naming ETags of page p. */
static size_t inm_request(char *buf, size_t size, const char *path, int p,
                          const char *method)
{
    const struct pagec_page *pg = &site.pages[p];
    int n = snprintf(buf, size, "%s %s HTTP/1.1\r\nHost: x\r\n"
                     "If-None-Match: W/\"0\", ",
                     method, path);

    if (pg->identity != PAGEC_NO_PAGE) {
        n += snprintf(buf + n, size - (size_t)n, "%.*s, ",
                      (int)PAGEC_ETAG_LEN,
                      (const char *)etag(pg->identity));
    }
    if (pg->gzip != PAGEC_NO_PAGE) {
        n += snprintf(buf + n, size - (size_t)n, "W/%.*s",
                      (int)PAGEC_ETAG_LEN, (const char *)etag(pg->gzip));
    }
    n += snprintf(buf + n, size - (size_t)n,
                  "\r\nAccept-Encoding: gzip\r\n\r\n");
    return (size_t)n;
}

static void datagrams(void)
{
    static const uint8_t linux_syn[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10,
                                          0, 1, 2, 3, 0, 0, 0, 0,
                                          1, 3, 3, 7};
    static const uint8_t mss536[4] = {2, 4, 0x02, 0x18};
    static const uint8_t mss966[4] = {2, 4, 0x03, 0xc6};
    static const uint8_t mss1220[8] = {1, 1, 2, 4, 0x04, 0xc4, 0, 0};
    static const uint8_t bad_opt[8] = {3, 0, 2, 4, 0x05, 0xb4, 0, 0};
    static const uint8_t long_opt[8] = {1, 2, 9, 0x05, 0xb4, 0, 0, 0};
    static const uint8_t two_mss[12] = {2, 4, 0x02, 0x00, 2, 4, 0xff,
                                        0xff, 2, 3, 0x05, 1};
    static const uint8_t rr[8] = {7, 7, 4, 0, 0, 0, 0, 0}; /* record route */
    static const uint8_t lsrr[12] = {0x83, 11, 4, 198, 51, 100, 1, 198,
                                     51, 100, 2, 0};
    static const uint8_t loop[4] = {127, 0, 0, 1};
    static const uint8_t mcast[4] = {224, 0, 0, 1};
    static const uint8_t other[4] = {192, 0, 2, 99};
    const unsigned fix = FUZZ_CTL_IPSUM | FUZZ_CTL_L4SUM;
    uint16_t http = site.http_port;
    uint16_t pport = site.nports ? site.ports[0].port : 8080;
    uint32_t i0 = isn(http, NOW, 0, 3);
    uint8_t b[4096];
    char req[1024];
    struct tcp s;
    size_t n;
    size_t i;

    /* SYNs */
    reset(&s, http);
    s.flags = 0x02;
    seed("syn-plain", NOW, fix, b, build(b, &s));
    s.opt = linux_syn;
    s.optlen = sizeof linux_syn;
    seed("syn-linux", NOW, fix, b, build(b, &s));
    seed("syn-linux-exact", NOW, 0, b, build(b, &s));
    seed("syn-linux-addr", NOW, fix | FUZZ_CTL_ADDR, b, build(b, &s));
    seed("syn-now0", 0, fix, b, build(b, &s));
    seed("syn-now-wrap", 0xffffffffu, fix, b, build(b, &s));
    s.opt = mss536;
    s.optlen = 4;
    seed("syn-mss536", NOW, fix, b, build(b, &s));
    s.opt = mss966;
    seed("syn-mss966", NOW, fix, b, build(b, &s));
    s.opt = mss1220;
    s.optlen = 8;
    seed("syn-mss1220", NOW, fix, b, build(b, &s));
    s.opt = bad_opt;
    seed("syn-opt-len0", NOW, fix, b, build(b, &s));
    s.opt = long_opt;
    seed("syn-opt-past-end", NOW, fix, b, build(b, &s));
    s.opt = two_mss;
    s.optlen = 12;
    seed("syn-two-mss", NOW, fix, b, build(b, &s));
    s.opt = linux_syn;
    s.optlen = sizeof linux_syn;
    s.data = "GET / HTTP/1.1\r\n\r\n";
    s.dlen = strlen(s.data);
    seed("syn-data", NOW, fix, b, build(b, &s));
    s.dlen = 0;
    s.dport = pport;
    seed("syn-page-port", NOW, fix, b, build(b, &s));
    s.dport = http;
    s.flags = 0x03;
    seed("syn-fin", NOW, fix, b, build(b, &s));
    s.flags = 0x12;
    seed("syn-ack", NOW, fix, b, build(b, &s));
    s.flags = 0x06;
    seed("syn-rst", NOW, fix, b, build(b, &s));
    s.ipopt = rr;
    s.ipoptlen = sizeof rr;
    s.flags = 0x02;
    seed("syn-ip-options", NOW, fix, b, build(b, &s));

    /* requests, with the right ACK and with FUZZ_CTL_ACK */
    for (i = 0; i < sizeof requests / sizeof requests[0]; i++) {
        char name[64];

        reset(&s, http);
        s.flags = 0x18;
        s.ack = i0 + 1;
        s.data = requests[i].s;
        s.dlen = requests[i].n;
        snprintf(name, sizeof name, "req-%02zu", i);
        seed(name, NOW, 0, b, build(b, &s));
        s.ack = 0;
        snprintf(name, sizeof name, "req-%02zu-ctl", i);
        seed(name, NOW, fix | FUZZ_CTL_ACK | 3u << 6, b, build(b, &s));
    }
    reset(&s, http);
    s.flags = 0x19;
    s.ack = isn(http, NOW, 2, 0) + 1;
    s.window = 300;
    s.data = requests[5].s;
    s.dlen = requests[5].n;
    seed("req-fin-old-slot-class0", NOW, 0, b, build(b, &s));
    s.ack = isn(http, NOW, 0, 1) + 1;
    s.window = 100;
    seed("req-window100-class1", NOW, 0, b, build(b, &s));
    s.ack = isn(http, NOW, 0, 3) + 1;
    s.window = 0;
    seed("req-stale", NOW + (5u << PAGEC_ISN_SLOT_LOG2), 0, b,
         build(b, &s)); /* 5 slots old */
    s.ack = i0 + 1;
    s.ipopt = lsrr;
    s.ipoptlen = sizeof lsrr;
    seed("req-ip-options", NOW, 0, b, build(b, &s));
    s.ipoptlen = 0;
    s.opt = linux_syn + 8; /* timestamps on a data segment */
    s.optlen = 12;
    seed("req-tcp-options", NOW, 0, b, build(b, &s));
    s.opt = NULL;
    s.optlen = 0;
    for (i = 0; i < site.npages; i++) {
        char name[64];
        char path[512];

        if (path_of(&site, 0, (uint16_t)i, path, 0, sizeof path)) {
            n = inm_request(req, sizeof req, path, (int)i, "GET");
            s.data = req;
            s.dlen = n;
            snprintf(name, sizeof name, "req-inm-%zu", i);
            seed(name, NOW, 0, b, build(b, &s));
        }
    }
    s.dport = pport;
    s.ack = isn(pport, NOW, 0, 3) + 1;
    s.data = "anything";
    s.dlen = 8;
    seed("req-page-port", NOW, 0, b, build(b, &s));

    /* FIN, data after our FIN, pure ACK, RST, a wrong ACK */
    reset(&s, http);
    s.flags = 0x11;
    s.ack = i0 + 1 + 283 + 1;
    seed("fin", NOW, 0, b, build(b, &s));
    s.ack = i0 + 1 + site.max_data + 1;
    seed("fin-max", NOW, 0, b, build(b, &s));
    s.ack = 0x7ffu - 1;
    seed("fin-ctl", NOW, fix | FUZZ_CTL_ACK, b, build(b, &s));
    s.flags = 0x18;
    s.ack = i0 + 1 + 283 + 1;
    s.data = "more";
    s.dlen = 4;
    seed("data-after-fin", NOW, 0, b, build(b, &s));
    s.flags = 0x10;
    s.dlen = 0;
    seed("pure-ack", NOW, 0, b, build(b, &s));
    s.ack = i0 + 1;
    seed("pure-ack-isn", NOW, 0, b, build(b, &s));
    s.ack = i0 + 100000;
    seed("ack-unacceptable", NOW, 0, b, build(b, &s));
    s.flags = 0x04;
    seed("rst", NOW, fix, b, build(b, &s));
    s.flags = 0x14;
    seed("rst-ack", NOW, fix, b, build(b, &s));
    s.flags = 0x00;
    seed("no-flags", NOW, fix, b, build(b, &s));
    s.flags = 0x29; /* URG|PSH|FIN, the "Xmas" scan without ACK */
    seed("xmas", NOW, fix, b, build(b, &s));

    /* closed ports */
    reset(&s, http);
    s.dport = 81;
    s.flags = 0x02;
    seed("closed-syn", NOW, fix, b, build(b, &s));
    s.flags = 0x10;
    s.ack = 12345;
    seed("closed-ack", NOW, fix, b, build(b, &s));
    s.flags = 0x01;
    s.data = "xyz";
    s.dlen = 3;
    seed("closed-fin-data", NOW, fix, b, build(b, &s));
    s.dport = 0;
    s.flags = 0x02;
    s.dlen = 0;
    seed("closed-port0", NOW, fix, b, build(b, &s));

    /* addresses */
    reset(&s, http);
    s.flags = 0x02;
    s.src = loop;
    seed("src-loopback", NOW, fix, b, build(b, &s));
    s.src = NULL;
    s.dst = mcast;
    seed("dst-multicast", NOW, fix, b, build(b, &s));
    s.dst = other;
    seed("dst-other", NOW, fix | FUZZ_CTL_ADDR, b, build(b, &s));
    s.src = server;
    s.dst = server;
    seed("src-is-dst", NOW, fix, b, build(b, &s));

    /* lengths: padding after the datagram, cut datagrams, bad checksums */
    reset(&s, http);
    s.flags = 0x02;
    n = build(b, &s);
    memset(b + n, 0, 6);
    seed("padding", NOW, 0, b, n + 6);
    seed("cut", NOW, 0, b, n - 1);
    seed("ip-header-only", NOW, 0, b, 20);
    b[37] ^= 1;
    seed("bad-tcp-sum", NOW, 0, b, n);
    b[37] ^= 1;
    b[11] ^= 1;
    seed("bad-ip-sum", NOW, 0, b, n);
    b[11] ^= 1;
    b[32] = 0x40; /* data offset 4 */
    seed("tcp-offset4", NOW, fix, b, n);
    b[32] = 0xf0; /* data offset 15, past the segment */
    seed("tcp-offset15", NOW, fix, b, n);
    b[32] = 0x50;
    b[0] = 0x44;
    seed("ihl4", NOW, fix, b, n);
    b[0] = 0x65;
    seed("ipv6", NOW, fix, b, n);
    b[0] = 0x45;
    b[9] = 17;
    seed("udp", NOW, fix, b, n);
    b[9] = 6;

    /* fragments */
    put16(b + 6, 0x2000);
    seed("frag-mf", NOW, fix, b, n);
    put16(b + 6, 0x0001);
    seed("frag-offset", NOW, fix, b, n);
    put16(b + 6, 0x8000);
    seed("frag-evil-bit", NOW, fix, b, n);

    /* ICMP */
    for (i = 0; i < 5; i++) {
        static const size_t sizes[5] = {0, 1, 56, 1000, 3};
        static const uint8_t kinds[5] = {8, 8, 8, 8, 0};
        static const char *const names[5] = {"echo-0", "echo-1", "echo-56",
                                             "echo-1000", "echo-reply"};
        size_t d = sizes[i];
        size_t k;

        memset(b, 0, 28 + d);
        b[0] = 0x45;
        put16(b + 2, (uint32_t)(28 + d));
        b[8] = 64;
        b[9] = 1;
        memcpy(b + 12, client, 4);
        memcpy(b + 16, server, 4);
        b[20] = kinds[i];
        put16(b + 24, 0x1234);
        put16(b + 26, (uint32_t)i);
        for (k = 0; k < d; k++) {
            b[28 + k] = (uint8_t)(k * 7);
        }
        seal(b);
        seed(names[i], NOW, i < 2 ? 0 : fix, b, 28 + d);
    }
    memset(b, 0, 28);
    b[0] = 0x46;
    put16(b + 2, 32);
    b[8] = 64;
    b[9] = 1;
    memcpy(b + 12, client, 4);
    memcpy(b + 16, server, 4);
    b[20] = 1; /* a NOP option, then EOL */
    b[24] = 8;
    seal(b);
    seed("echo-ip-options", NOW, 0, b, 32);
    /* identifier, sequence number and data zero: the reply's checksum
     * must be 0xffff */
    memset(b, 0, 28);
    b[0] = 0x45;
    put16(b + 2, 28);
    b[8] = 64;
    b[9] = 1;
    memcpy(b + 12, client, 4);
    memcpy(b + 16, server, 4);
    b[20] = 8;
    seal(b);
    seed("echo-all-zero", NOW, 0, b, 28);
}

static void http_seeds(void)
{
    static const uint16_t windows[4] = {64240, 1000, 300, 120};
    char name[64];
    char req[1024];
    size_t i;
    size_t n;
    int p;

    for (i = 0; i < sizeof requests / sizeof requests[0]; i++) {
        unsigned ctl = (unsigned)(i % 4 == 3 ? 0 : i % 4) |
                       (unsigned)(i % 3) << 2 | 3u << 4;

        snprintf(name, sizeof name, "http-%02zu", i);
        http_seed(name, NOW, ctl, 64240, requests[i].s, requests[i].n);
        snprintf(name, sizeof name, "http-%02zu-small", i);
        http_seed(name, NOW + 7, (ctl & ~(3u << 4)) | (unsigned)(i % 3) << 4,
                  windows[i % 4], requests[i].s, requests[i].n);
    }
    http_seed("http-fin", 0, FUZZ_HTTP_FIN | 3u << 4, 64240, requests[1].s,
              requests[1].n);
    http_seed("http-ipopt", 0xfffffff0u, FUZZ_HTTP_IPOPT | 3u << 4, 64240,
              requests[0].s, requests[0].n);
    http_seed("http-page-port", NOW, 3u | 3u << 4, 64240, "x", 1);
    http_seed("http-page-port-small", NOW, 3u, 100, "x", 1);
    http_seed("http-empty-fin", NOW, FUZZ_HTTP_FIN | 3u << 4, 64240, "", 0);
    for (p = 0; p < site.npages; p++) {
        char path[512];

        if (!path_of(&site, 0, (uint16_t)p, path, 0, sizeof path)) {
            continue;
        }
        n = inm_request(req, sizeof req, path, p, p % 2 ? "HEAD" : "GET");
        snprintf(name, sizeof name, "http-inm-%d", p);
        http_seed(name, NOW, 3u << 4, 64240, req, n);
        snprintf(name, sizeof name, "http-inm-%d-small", p);
        http_seed(name, NOW, 0, 200, req, n);
    }
}

/* Requests for the live site: its live pages (a 200 with three fields,
 * with one, with fields at the body's edges; the 404 page with one),
 * the same as HEAD, as 304 for "*", too big for the window (503), and its
 * page without fields, each as a datagram with the right ACK and as a
 * fuzz_http seed, with the callback set and not, values of many seeds,
 * the reply pulled in runs and a byte at a time. */
static void live_seeds(void)
{
    static const struct req live_requests[] = {
        S("GET / HTTP/1.1\r\nHost: 192.0.2.2\r\n\r\n"),
        S("GET /status.json HTTP/1.0\r\n\r\n"),
        S("GET /edge.txt HTTP/1.1\r\nHost: x\r\n\r\n"),
        S("GET /no-such-page HTTP/1.1\r\nHost: x\r\n\r\n"),
        S("HEAD /index.html HTTP/1.1\r\nHost: x\r\n\r\n"),
        S("HEAD /nothing HTTP/1.0\r\n\r\n"),
        S("GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: *\r\n\r\n"),
        S("GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n"),
        S("GET /about.html HTTP/1.1\r\nHost: x\r\n"
          "Accept-Encoding: gzip\r\n\r\n"),
    };
    /* the callback set, pulled in runs, the whole field written; then
     * each other way */
    static const unsigned modes[4] = {
        FUZZ_LIVE_SITE | FUZZ_LIVE_RUNS,
        FUZZ_LIVE_SITE | FUZZ_LIVE_SHORT,
        FUZZ_LIVE_SITE | FUZZ_LIVE_NULL | FUZZ_LIVE_RUNS,
        FUZZ_LIVE_SITE,
    };
    uint16_t http = lsite.http_port;
    uint16_t pport = lsite.nports ? lsite.ports[0].port : 8081;
    uint8_t b[4096];
    char name[64];
    struct tcp s;
    size_t i;
    unsigned m;

    for (i = 0; i < sizeof live_requests / sizeof live_requests[0]; i++) {
        for (m = 0; m < 4; m++) {
            live_ctl = modes[m];
            live_seed = (unsigned)(0x1234u + 0x9e37u * (i * 4 + m)) & 0xffffu;
            reset(&s, http);
            s.flags = 0x18;
            s.ack = isn(http, NOW, 0, 3) + 1;
            s.data = live_requests[i].s;
            s.dlen = live_requests[i].n;
            snprintf(name, sizeof name, "live-%02zu-%u", i, m);
            seed(name, NOW, 0, b, build(b, &s));
            snprintf(name, sizeof name, "http-live-%02zu-%u", i, m);
            http_seed(name, NOW, 3u << 4, 64240, live_requests[i].s,
                      live_requests[i].n);
        }
    }
    live_ctl = FUZZ_LIVE_SITE | FUZZ_LIVE_RUNS;
    live_seed = 0xff00;
    http_seed("http-live-503", NOW, 3u << 4, 200, live_requests[0].s,
              live_requests[0].n);
    http_seed("http-live-page-port", NOW, 3u | 3u << 4, 64240, "x", 1);
    reset(&s, pport);
    s.flags = 0x18;
    s.ack = isn(pport, NOW, 0, 3) + 1;
    s.data = "x";
    s.dlen = 1;
    seed("live-page-port", NOW, 0, b, build(b, &s));
    live_ctl = 0;
    live_seed = 0;
}

/* Requests for the live site's actions (run.sh): a GET of each key, a
 * POST of a form, cross-site ones refused by Origin or Sec-Fetch-Site,
 * those that pass them, POSTs without Content-Length, with a body cut
 * off, with the header cut off, Content-Length that is not digits, HEAD,
 * a key %-escaped, with the callback set and not, in runs or bytes. */
static void action_seeds(void)
{
    static const struct req act_requests[] = {
        S("GET /led?set=1 HTTP/1.1\r\nHost: 192.0.2.2\r\n\r\n"),
        S("GET /led?set=0 HTTP/1.0\r\n\r\n"),
        S("GET /?go=%41 HTTP/1.1\r\nHost: x\r\n\r\n"),
        S("GET /status.json?zap HTTP/1.1\r\nHost: x\r\n\r\n"),
        S("GET /status.json?zip HTTP/1.1\r\nHost: x\r\n\r\n"),
        S("GET /about.html?reset=yes&x=%20 HTTP/1.1\r\nHost: x\r\n"
          "If-None-Match: *\r\n\r\n"),
        S("GET /l%65d?set=1 HTTP/1.1\r\nHost: x\r\n\r\n"),
        S("GET /led%3Fset=1 HTTP/1.1\r\nHost: x\r\n\r\n"),
        S("GET /led?set=1\r\n\r\n"),
        S("GET http://x/led?set=1 HTTP/1.1\r\nHost: x\r\n\r\n"),
        S("GET http://x?go=%41 HTTP/1.1\r\nHost: x\r\n\r\n"),
        S("HEAD /led?set=1 HTTP/1.1\r\nHost: x\r\n\r\n"),
        S("POST /led HTTP/1.1\r\nHost: 192.0.2.2\r\n"
          "Content-Type: application/x-www-form-urlencoded\r\n"
          "Content-Length: 5\r\nOrigin: http://192.0.2.2\r\n"
          "Sec-Fetch-Site: same-origin\r\n\r\nset=1"),
        S("POST /led HTTP/1.1\r\nHost: 192.0.2.2\r\nContent-Length: 5\r\n"
          "Origin: http://evil.example\r\n\r\nset=0"),
        S("POST /led HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
          "Sec-Fetch-Site: cross-site\r\n\r\nset=0"),
        S("POST /led HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
          "Sec-Fetch-Site: same-site\r\n\r\nset=0"),
        S("POST /led HTTP/1.1\r\nHost: x\r\nContent-Length:  5 \r\n"
          "sec-fetch-site:\tNONE \r\norigin: HTTP://X\r\n\r\nset=1"),
        S("POST /led HTTP/1.1\r\nHost: x:8080\r\nContent-Length: 5\r\n"
          "Origin: http://x\r\n\r\nset=1"),
        S("POST /led HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
          "Origin: null\r\n\r\nset=1"),
        S("POST /led HTTP/1.0\r\nOrigin: http://\r\nContent-Length: 5\r\n"
          "\r\nset=1"),
        S("POST /led HTTP/1.1\r\nHost: x\r\n\r\nset=1"),
        S("POST /led HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n"
          "set=1"),
        S("POST /led HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n"
          "set=1xxxx"),
        S("POST /led HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n"
          "set=1"),
        S("POST /led HTTP/1.1\r\nHost: x\r\nContent-Length: 65541\r\n\r\n"
          "set=1"),
        S("POST /led HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
          "set=1"),
        S("POST /led HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"),
        S("POST /led HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\n"
          "set=1"),
        S("POST /led HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
          "Content-Length: 5\r\n\r\nset=1"),
        S("POST /led?set=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
          "\r\nset=0"),
        S("POST /led?set=2 HTTP/1.1\r\nHost: x\r\n\r\n"),
        S("POST /led?set=1 HTTP/1.1\r\nHost: x\r\n"),
        S("POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
          "\r\nset=1"),
        S("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\n"
          "go=%41"),
        S("POST /status.json HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
          "\r\nzap"),
        S("POST /nothing HTTP/1.1\r\nHost: x\r\n\r\n"),
        S("POST /led\r\n\r\nset=1"),
        S("GET /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n"
          "\r\n"),
        S("GET /led?set=1 HTTP/1.1\r\nHost: x\r\nSec-Fetch-Site: none\r\n"
          "Sec-Fetch-Site: cross-site\r\n\r\n"),
        S("GET /led?set=1 HTTP/1.1\r\nHost: x\r\nOrigin: http://y\r\n"
          "Origin: http://x\r\n\r\n"),
        S("GET /led?set=1 HTTP/1.1\r\nHost: x\r\nReferer: http://x/a/b?c\r\n"
          "\r\n"),
        S("GET /led?set=0 HTTP/1.1\r\nHost: x\r\nReferer: http://y/\r\n"
          "\r\n"),
        S("POST /led HTTP/1.1\r\nHost: x\r\nOrigin: http://x\r\n"
          "Referer: http://x:1/\r\nContent-Length: 5\r\n\r\nset=1"),
        S("GET /led?set=1 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n"
          "\r\n"),
    };
    static const unsigned modes[4] = {
        FUZZ_LIVE_SITE | FUZZ_LIVE_RUNS,
        FUZZ_LIVE_SITE | FUZZ_LIVE_ACTNULL,
        FUZZ_LIVE_SITE | FUZZ_LIVE_NULL | FUZZ_LIVE_RUNS,
        FUZZ_LIVE_SITE | FUZZ_LIVE_SHORT,
    };
    uint16_t http = lsite.http_port;
    uint8_t b[4096];
    char name[64];
    struct tcp s;
    size_t i;

    for (i = 0; i < sizeof act_requests / sizeof act_requests[0]; i++) {
        live_ctl = modes[i % 4];
        live_seed = (unsigned)(0x4321u + 0x9e37u * i) & 0xffffu;
        reset(&s, http);
        s.flags = 0x18;
        s.ack = isn(http, NOW, 0, 3) + 1;
        s.data = act_requests[i].s;
        s.dlen = act_requests[i].n;
        snprintf(name, sizeof name, "action-%02zu", i);
        seed(name, NOW, 0, b, build(b, &s));
        snprintf(name, sizeof name, "http-action-%02zu", i);
        http_seed(name, NOW, 3u << 4, 64240, act_requests[i].s,
                  act_requests[i].n);
        /* and on the site without actions */
        live_ctl = 0;
        snprintf(name, sizeof name, "http-action-%02zu-plain", i);
        http_seed(name, NOW, 3u << 4, 64240, act_requests[i].s,
                  act_requests[i].n);
    }
    live_ctl = FUZZ_LIVE_SITE | FUZZ_LIVE_RUNS;
    live_seed = 0x0ac7;
    http_seed("http-action-503", NOW, 3u << 4, 100, act_requests[0].s,
              act_requests[0].n);
    live_ctl = 0;
    live_seed = 0;
}

/* The ISN of a connection to service port dport (pagec.h): B of the
 * hash alone (pagec_isn() for a client ISN + 1 of 0), plus on port 7 the
 * client's ISN + 1 (999 + 1: the segments' seq is 1000), modulo 2^14. */
static uint32_t service_isn(uint16_t dport, uint32_t now, unsigned age,
                            unsigned cls)
{
    uint32_t i = pagec_isn(secret, client, server, (uint16_t)FUZZ_CLIENT_PORT,
                           dport, (now >> PAGEC_ISN_SLOT_LOG2) - age,
                           (uint8_t)cls, 0xffffffffu);

    if (dport == 7) {
        i = (i & ~0x3fffu) | ((i + 1000u) & 0x3fffu);
    }
    return i;
}

/* A UDP datagram from sport to dport with n bytes of data d, into b; its
 * checksum set unless nosum. Returns its length. */
static size_t build_udp(uint8_t *b, uint16_t sport, uint16_t dport,
                        const char *d, size_t n, int nosum)
{
    size_t total = 28 + n;
    uint8_t *u = b + 20;

    memset(b, 0, total);
    b[0] = 0x45;
    put16(b + 2, (uint32_t)total);
    put16(b + 4, 0x4343);
    b[8] = 64;
    b[9] = 17;
    memcpy(b + 12, client, 4);
    memcpy(b + 16, server, 4);
    put16(u, sport);
    put16(u + 2, dport);
    put16(u + 4, (uint32_t)(8 + n));
    memcpy(u + 8, d, n);
    if (!nosum) {
        uint32_t ps = (uint32_t)(client[0] << 8 | client[1]) +
                      (client[2] << 8 | client[3]) +
                      (server[0] << 8 | server[1]) +
                      (server[2] << 8 | server[3]) + 17u + (uint32_t)(8 + n);
        uint16_t c = cksum(u, 8 + n, ps);

        put16(u + 6, c ? c : 0xffffu);
    }
    put16(b + 10, cksum(b, 20, 0));
    return total;
}

/* The small services (PAGEC_SERVICES): UDP and TCP echo, discard and
 * daytime, with the daytime callback set or not (FUZZ_LIVE_DAYNULL). */
static void service_seeds(void)
{
    static const uint8_t mss1460[4] = {2, 4, 0x05, 0xb4};
    const unsigned fix = FUZZ_CTL_IPSUM | FUZZ_CTL_L4SUM;
    static const uint16_t ports[3] = {7, 9, 13};
    uint8_t b[4096];
    char name[64];
    struct tcp s;
    unsigned k;
    unsigned d;

    for (d = 0; d < 2; d++) {
        /* the callback's text, then the built-in one */
        live_ctl = d ? FUZZ_LIVE_DAYNULL : FUZZ_LIVE_RUNS;
        live_seed = d ? 0 : 0x2a17;
        snprintf(name, sizeof name, "udp-daytime-%u", d);
        seed(name, NOW, 0, b, build_udp(b, 40000, 13, "", 0, 0));
        snprintf(name, sizeof name, "udp-daytime-nosum-%u", d);
        seed(name, NOW, 0, b, build_udp(b, 40000, 13, "?", 1, 1));
        snprintf(name, sizeof name, "daytime-syn-%u", d);
        reset(&s, 13);
        s.flags = 0x02;
        s.opt = mss1460;
        s.optlen = 4;
        seed(name, NOW, fix, b, build(b, &s));
        s.opt = NULL;
        s.optlen = 0;
        s.flags = 0x10;
        s.ack = service_isn(13, NOW, 0, 3) + 1;
        snprintf(name, sizeof name, "daytime-ack-%u", d);
        seed(name, NOW, 0, b, build(b, &s));
        s.ack = 0;
        snprintf(name, sizeof name, "daytime-ack-ctl-%u", d);
        seed(name, NOW + 300, fix | FUZZ_CTL_ACK | 1u << 4 | 2u << 6, b,
             build(b, &s));
    }
    live_ctl = 0;
    live_seed = 0x5150;

    /* UDP */
    seed("udp-echo", NOW, 0, b, build_udp(b, 40000, 7, "hello, echo", 11, 0));
    seed("udp-echo-nosum", NOW, 0, b,
         build_udp(b, 40000, 7, "hello, echo", 11, 1));
    seed("udp-echo-empty", NOW, 0, b, build_udp(b, 40000, 7, "", 0, 0));
    seed("udp-echo-odd", NOW, 0, b, build_udp(b, 1024, 7, "odd", 3, 0));
    seed("udp-discard", NOW, 0, b, build_udp(b, 40000, 9, "gone", 4, 0));
    seed("udp-low-port", NOW, 0, b, build_udp(b, 53, 7, "loop", 4, 0));
    seed("udp-closed", NOW, 0, b, build_udp(b, 40000, 19, "chargen", 7, 0));
    build_udp(b, 40000, 7, "bad", 3, 0);
    b[27] ^= 1;
    seed("udp-bad-sum", NOW, 0, b, 31);
    seed("udp-bad-sum-ctl", NOW, FUZZ_CTL_L4SUM, b, 31);
    put16(b + 24, 12);
    seed("udp-bad-len", NOW, fix, b, 31);

    /* TCP: SYNs to each service, closed when none */
    for (k = 0; k < 3; k++) {
        reset(&s, ports[k]);
        s.flags = 0x02;
        snprintf(name, sizeof name, "svc-syn-%u", ports[k]);
        seed(name, NOW, fix, b, build(b, &s));
    }
    /* echo: data in order, with a FIN, a FIN alone, out of order, more
     * than the window, an ACK of nothing sent */
    reset(&s, 7);
    s.flags = 0x18;
    s.ack = service_isn(7, NOW, 0, 3) + 1;
    s.data = "echo me";
    s.dlen = 7;
    seed("echo-data", NOW, 0, b, build(b, &s));
    s.flags = 0x19;
    seed("echo-data-fin", NOW, 0, b, build(b, &s));
    s.window = 4;
    seed("echo-too-big", NOW, 0, b, build(b, &s));
    s.window = 0;
    s.flags = 0x11;
    s.dlen = 0;
    seed("echo-fin", NOW, 0, b, build(b, &s));
    s.flags = 0x18;
    s.dlen = 7;
    s.ack += 3;
    seed("echo-out-of-order", NOW, 0, b, build(b, &s));
    s.ack = 0;
    seed("echo-ctl", NOW, fix | FUZZ_CTL_ACK | 3u << 6, b, build(b, &s));
    s.ack = service_isn(7, NOW, 0, 3) + 1 + PAGEC_ECHO_SPAN + 0x8000u;
    seed("echo-ack-beyond", NOW, 0, b, build(b, &s));
    s.dlen = 0;
    s.flags = 0x10;
    seed("echo-ack-beyond-empty", NOW, 0, b, build(b, &s));
    /* discard: data, a FIN, an ACK beyond what was sent */
    reset(&s, 9);
    s.flags = 0x18;
    s.ack = service_isn(9, NOW, 1, 0) + 1;
    s.data = "to nowhere";
    s.dlen = 10;
    seed("discard-data", NOW, 0, b, build(b, &s));
    s.flags = 0x11;
    s.dlen = 0;
    seed("discard-fin", NOW, 0, b, build(b, &s));
    s.flags = 0x10;
    s.ack += 40;
    seed("discard-ack-beyond", NOW, 0, b, build(b, &s));
    /* daytime: a FIN after the text, data */
    reset(&s, 13);
    s.flags = 0x11;
    s.ack = service_isn(13, NOW, 0, 3) + 1 + 20;
    seed("daytime-fin", NOW, 0, b, build(b, &s));
    s.flags = 0x18;
    s.ack -= 20;
    s.data = "time?";
    s.dlen = 5;
    seed("daytime-data", NOW, 0, b, build(b, &s));
    live_ctl = 0;
    live_seed = 0;
}

/* Offset of the end of segment i (from 1) of large reply k of xsite in
 * MSS class 3 (the site's MSS), as docs/large-pages.md lays it out: the
 * grid of B bytes at 2v modulo B, (MSS - 12) / B blocks a segment; the
 * reply's length for the last. */
static uint32_t large_end(uint16_t k, uint32_t i)
{
    uint32_t b = xsite.block;
    uint32_t per = (uint32_t)(xsite.mss - 12u) / b;
    uint32_t end = 2u * (k + 1u) + (i * per - 1u) * b;

    return end < xsite.large[k].len ? end : xsite.large[k].len;
}

/* Seeds of the site of large replies (FUZZ_LIVE_LARGE): SYNs with its
 * options; with FUZZ_CTL_ACK, whose ACK and SACK edges are offsets there
 * (fuzz.h; the ACK's top bit for a SYN that offered SACK), a request for
 * each large reply, ACKs at its boundaries, with SACK blocks above a
 * hole, a D-SACK, a poke, the ACK of its FIN, a FIN. */
static void large_seeds(void)
{
    static const uint8_t syn_ts_sack[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10,
                                            0, 0, 0x30, 0x39, 0, 0, 0, 0,
                                            1, 3, 3, 7};
    static const uint8_t syn_sack[8] = {2, 4, 0x05, 0xb4, 1, 1, 4, 2};
    static const uint8_t syn_ts[16] = {2, 4, 0x02, 0x18, 1, 1, 8, 10,
                                       0, 0, 0x30, 0x39, 0, 0, 0, 0};
    const unsigned fix = FUZZ_CTL_IPSUM | FUZZ_CTL_L4SUM;
    const unsigned ack = fix | FUZZ_CTL_ACK | 3u << 6;
    uint16_t http = xsite.http_port;
    uint8_t b[4096];
    uint8_t o[40];
    char req[256];
    char name[64];
    struct tcp s;
    uint16_t k;

    live_ctl = FUZZ_LIVE_LARGE;
    live_seed = 0x1234;
    reset(&s, http);
    s.flags = 0x02;
    seed("large-syn", NOW, fix, b, build(b, &s));
    s.opt = syn_ts_sack;
    s.optlen = sizeof syn_ts_sack;
    seed("large-syn-ts-sack", NOW, fix, b, build(b, &s));
    s.opt = syn_sack;
    s.optlen = sizeof syn_sack;
    seed("large-syn-sack", NOW, fix, b, build(b, &s));
    s.opt = syn_ts;
    s.optlen = sizeof syn_ts;
    seed("large-syn-ts-536", NOW, fix, b, build(b, &s));
    for (k = 0; k < xsite.nlarge && k < 4; k++) {
        const struct pagec_variant *v = &xsite.variants[xsite.large[k].variant];
        uint32_t len = xsite.large[k].len;
        uint32_t tsecr = (NOW * 1000u) << 10;
        char path[128];
        int gzip = 0;
        size_t n;
        uint16_t p;

        /* the path of the page whose variant it is */
        for (p = 0; p < xsite.npages; p++) {
            const struct pagec_page *pg = &xsite.pages[p];

            gzip = pg->gzip != PAGEC_NO_PAGE &&
                   &xsite.variants[pg->gzip] == v;
            if ((pg->identity != PAGEC_NO_PAGE &&
                 &xsite.variants[pg->identity] == v) ||
                gzip) {
                break;
            }
        }
        if (p == xsite.npages ||
            !path_of(&xsite, 0, p, path, 0, sizeof path)) {
            fprintf(stderr, "gen_corpus: large reply %u has no page\n", k);
            exit(1);
        }
        n = (size_t)snprintf(req, sizeof req,
                             "GET %s HTTP/1.1\r\nHost: x\r\n"
                             "Accept-Encoding: %s\r\n\r\n",
                             path, gzip ? "gzip" : "identity");
        snprintf(name, sizeof name, "large-%u", k);
        http_seed(name, NOW, 3u << 4, 65535, req, n);
        /* the request: timestamps, the SACK bit (the ACK's top bit) */
        reset(&s, http);
        s.flags = 0x18;
        s.seq = 1000;
        s.ack = 0x80000000u;
        memcpy(o, "\1\1\10\12", 4);
        put32(o + 4, 12346);
        put32(o + 8, tsecr);
        s.opt = o;
        s.optlen = 12;
        s.data = req;
        s.dlen = n;
        snprintf(name, sizeof name, "large-%u-request", k);
        seed(name, NOW, ack, b, build(b, &s));
        s.ack = 0;
        s.optlen = 0;
        snprintf(name, sizeof name, "large-%u-request-plain", k);
        seed(name, NOW, ack, b, build(b, &s));
        /* a pure ACK of two segments, echoing the first one's TSval */
        s.data = NULL;
        s.dlen = 0;
        s.flags = 0x10;
        s.seq = 1000 + (uint32_t)n;
        s.ack = 0x80000000u | large_end(k, 2);
        put32(o + 8, tsecr | 1u);
        s.optlen = 12;
        snprintf(name, sizeof name, "large-%u-ack2", k);
        seed(name, NOW, ack, b, build(b, &s));
        /* the same, a stall later */
        snprintf(name, sizeof name, "large-%u-ack2-late", k);
        seed(name, NOW + 1, ack, b, build(b, &s));
        /* SACK: segment 3 came, 2 did not */
        memcpy(o + 12, "\1\1\5\12", 4);
        put32(o + 16, large_end(k, 2));
        put32(o + 20, large_end(k, 3));
        s.ack = 0x80000000u | large_end(k, 1);
        s.optlen = 24;
        snprintf(name, sizeof name, "large-%u-sack", k);
        seed(name, NOW, ack, b, build(b, &s));
        /* two blocks, the newest first */
        memcpy(o + 12, "\1\1\5\22", 4);
        put32(o + 16, large_end(k, 5));
        put32(o + 20, large_end(k, 6));
        put32(o + 24, large_end(k, 2));
        put32(o + 28, large_end(k, 3));
        s.optlen = 32;
        snprintf(name, sizeof name, "large-%u-sack2", k);
        seed(name, NOW, ack, b, build(b, &s));
        /* a D-SACK: the block below the ACK */
        memcpy(o + 12, "\1\1\5\12", 4);
        put32(o + 16, large_end(k, 1));
        put32(o + 20, large_end(k, 2));
        s.ack = 0x80000000u | large_end(k, 3);
        s.optlen = 24;
        snprintf(name, sizeof name, "large-%u-dsack", k);
        seed(name, NOW, ack, b, build(b, &s));
        /* a poke: the request's last byte again, a second later */
        s.seq = 1000 + (uint32_t)n - 1u;
        s.flags = 0x18;
        s.data = "\n";
        s.dlen = 1;
        s.optlen = 12;
        snprintf(name, sizeof name, "large-%u-poke", k);
        seed(name, NOW + 1, ack, b, build(b, &s));
        /* the ACK of our FIN, and the client's FIN */
        s.seq = 1000 + (uint32_t)n;
        s.flags = 0x10;
        s.data = NULL;
        s.dlen = 0;
        s.ack = 0x80000000u | (len + 1u);
        snprintf(name, sizeof name, "large-%u-fin-ack", k);
        seed(name, NOW, ack, b, build(b, &s));
        s.flags = 0x11;
        snprintf(name, sizeof name, "large-%u-fin", k);
        seed(name, NOW, ack, b, build(b, &s));
        /* without options: stop and wait */
        s.flags = 0x10;
        s.ack = large_end(k, 1);
        s.optlen = 0;
        snprintf(name, sizeof name, "large-%u-ack-plain", k);
        seed(name, NOW, ack, b, build(b, &s));
    }
    live_ctl = 0;
    live_seed = 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: gen_corpus INPUT_DIR HTTP_DIR DICT_FILE\n");
        return 2;
    }
    input_dir = argv[1];
    http_dir = argv[2];
    datagrams();
    http_seeds();
    live_seeds();
    action_seeds();
    service_seeds();
    large_seeds();
    write_dict(argv[3]);
    printf("gen_corpus: %u seeds\n", nseeds);
    return 0;
}
