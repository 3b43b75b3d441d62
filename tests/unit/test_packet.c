/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_packet.c - the packets pagec builds, parsed back field by field,
 * their partial sums checked with the test's own checksum, and their HTTP
 * replies compared with the files they were made from (gzip bodies
 * inflated by zlib, ETags recomputed with the test's own CRC-32).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "basic_site.h"
#include "live_site.h"
#include "tiny_site.h"
#include "compiler.h"
#include "helper.h"
#include "pagec/check.h"
#include "pagec/chksum.h"
#include "pagec/pagec.h"

/* HTTP reply bytes written out by hand, and the HEAD form cut from it. */
START_TEST(test_packet_reply_bytes)
{
    static const char want[] = "HTTP/1.1 200 \r\n"
                               "Content-Type: text/html\r\n"
                               "Content-Length: 2\r\n"
                               "Connection: close\r\n"
                               "\r\n"
                               "hi";
    struct reply r;

    ck_assert_int_eq(reply_build(&r, "200 ",
                                 "Content-Type: text/html\r\n"
                                 "Content-Length: 2\r\n",
                                 (const uint8_t *)"hi", 2, 1460),
                     0);
    ck_assert_uint_eq(r.get.len, 40 + sizeof want - 1);
    ck_assert_mem_eq(r.get.data + 40, want, sizeof want - 1);
    ck_assert_uint_eq(r.head.len, r.get.len - 2);
    ck_assert_ptr_null(r.head.data);
    ck_assert_uint_eq(reply_data_len("200 ",
                                     "Content-Type: text/html\r\n"
                                     "Content-Length: 2\r\n",
                                     2),
                      sizeof want - 1);
    reply_free(&r);
}
END_TEST

/* Checks a template and its partial sums: the datagram made as pagec/site.h
 * says, from the 40-byte header every reply shares (window as given,
 * flags and data offset), the template's bytes and peer fields, with the
 * sums completed as the runtime does, must have correct checksums. */
static void check_template(const struct pagec_tmpl *t, uint8_t flags,
                           uint16_t window, size_t tcp_hlen)
{
    static const uint8_t peer[] = {198, 51, 100, 7, 203, 0, 113, 9,
                                   0xc3, 0x51, 0x00, 0x50, 0xde, 0xad,
                                   0xbe, 0xef, 0x01, 0x23, 0x45, 0x67};
    uint8_t *p = calloc(1, t->len);
    uint32_t extra;

    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(t->hlen, 20 + tcp_hlen);
    ck_assert_uint_ge(t->len, t->hlen);
    /* the shared header, peer fields, checksums and flags zero */
    p[0] = 0x45;        /* IPv4, 20 bytes */
    wr16(p + 2, t->len);
    wr16(p + 6, 0x4000); /* DF, offset 0; identification 0 */
    p[8] = 64;          /* TTL */
    p[9] = 6;           /* TCP */
    wr16(p + 34, window);
    memcpy(p + 40, t->pkt, t->len - 40u);
    /* partial sums, folded, against the test's own checksum */
    ck_assert_uint_eq(pagec_chksum_fold(t->ip_sum), ref_fold(p, 20, 0));
    ck_assert_uint_eq(pagec_chksum_fold(t->tcp_sum),
                      ref_fold(p + 20, t->len - 20, 6 + (t->len - 20u)));
    /* completed as the runtime does: the peer fields, data offset and
     * flags added */
    memcpy(p + 12, peer, 8);
    memcpy(p + 20, peer + 8, 12);
    p[32] = (uint8_t)((tcp_hlen / 4) << 4);
    p[33] = flags;
    extra = (uint32_t)ref_fold(peer, 8, 0);
    wr16(p + 10, (uint16_t)~pagec_chksum_fold(t->ip_sum + extra));
    extra += (uint32_t)ref_fold(peer + 8, 12, 0) +
             ((uint32_t)(t->hlen - 20) << 10) + flags;
    wr16(p + 36, (uint16_t)~pagec_chksum_fold(t->tcp_sum + extra));
    ck_assert(ref_ip_ok(p));
    ck_assert(ref_l4_ok(p));
    free(p);
}

/* Checks a 200 reply and its HEAD form (also the 304); returns the
 * body. */
static const uint8_t *check_variant(uint16_t vi, const char *type,
                                    const char *coding, size_t *body_len)
{
    const struct pagec_variant *v;
    const struct pagec_tmpl *t;
    const char *h;
    const uint8_t *body;
    char f[128];
    char etag[64];
    size_t hlen;

    ck_assert_uint_lt(vi, basic_site.nvariants);
    v = &basic_site.variants[vi];
    t = &v->get;
    h = (const char *)t->pkt;
    check_template(t, 0x19, 2920, 20); /* FIN|PSH|ACK */
    check_template(&v->head, 0x19, 2920, 20);
    hlen = v->head.len - v->head.hlen;
    if (v->head.pkt != t->pkt) {
        /* made even in a site with large replies (pagec/site.h): the
         * header with one space more at the end of its last field */
        ck_assert_uint_gt(basic_site.nlarge, 0);
        hlen--;
        ck_assert_mem_eq(v->head.pkt, t->pkt, hlen - 4);
        ck_assert_uint_eq(v->head.pkt[hlen - 4], ' ');
        ck_assert_mem_eq(v->head.pkt + hlen - 3, t->pkt + hlen - 4, 4);
    }
    /* the status digits where the runtime writes 304 over them */
    ck_assert(strncmp(h, "HTTP/1.1 200 \r\nETag: \"", 21) == 0);
    ck_assert_mem_eq(t->pkt + PAGEC_STATUS_AT, "200", 3);
    ck_assert_str_eq(http_field(t, "Content-Type", f, sizeof f), type);
    ck_assert_str_eq(http_field(t, "Connection", f, sizeof f), "close");
    if (coding) {
        ck_assert_str_eq(http_field(t, "Content-Encoding", f, sizeof f),
                         coding);
    } else {
        ck_assert_ptr_null(http_field(t, "Content-Encoding", f, sizeof f));
    }
    ck_assert_str_eq(http_field(t, "Cache-Control", f, sizeof f),
                     "max-age=60");
    ck_assert_str_eq(http_field(t, "Server", f, sizeof f), "pagec-test");

    /* the HEAD form ends with the blank line */
    ck_assert(memcmp(h + hlen - 4, "\r\n\r\n", 4) == 0);
    body = t->pkt + hlen;
    *body_len = t->len - t->hlen - hlen;
    ck_assert_uint_eq(strtoul(http_field(t, "Content-Length", f, sizeof f),
                              NULL, 10),
                      *body_len);

    /* a strong ETag of the encoded bytes (bit 0: gzip), where the runtime
     * looks for it */
    snprintf(etag, sizeof etag, "\"%08lx\"",
             (unsigned long)((ref_crc32(body, *body_len) & ~1ul) |
                             (coding ? 1ul : 0ul)));
    ck_assert_str_eq(http_field(t, "ETag", f, sizeof f), etag);
    ck_assert_uint_eq(strlen(etag), PAGEC_ETAG_LEN);
    ck_assert_mem_eq(t->pkt + PAGEC_ETAG_AT, etag, PAGEC_ETAG_LEN);
    return body;
}

static uint8_t *inflate_all(const uint8_t *gz, size_t n, size_t *out_len)
{
    static uint8_t buf[1 << 16];
    z_stream zs;

    memset(&zs, 0, sizeof zs);
    ck_assert_int_eq(inflateInit2(&zs, 16 + 15), Z_OK);
    zs.next_in = (Bytef *)(uintptr_t)gz;
    zs.avail_in = (uInt)n;
    zs.next_out = buf;
    zs.avail_out = sizeof buf;
    ck_assert_int_eq(inflate(&zs, Z_FINISH), Z_STREAM_END);
    ck_assert_uint_eq(zs.avail_in, 0);
    *out_len = zs.total_out;
    inflateEnd(&zs);
    return buf;
}

/* Every file of the test site: its encodings, HTTP fields and bodies. */
START_TEST(test_packet_site_pages)
{
    static const struct {
        const char *file;
        const char *type;
        int identity; /* fits without gzip */
    } files[] = {
        {"README", "text/plain; charset=utf-8", 1},
        {"big.txt", "text/plain; charset=utf-8", 0},
        {"both.html", "text/html; charset=utf-8", 1},
        {"data.json", "application/json", 1},
        {"index.html", "text/html; charset=utf-8", 1},
        {"notes.txt", "text/plain; charset=utf-8", 1},
        {"sub/index.html", "text/html; charset=utf-8", 1},
    };
    size_t i;

    ck_assert_uint_eq(basic_site.format, PAGEC_FORMAT_VERSION);
    ck_assert_uint_eq(basic_site.npages, 8); /* and the redirect of /sub */
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        char url[512];
        size_t n;
        size_t blen;
        uint8_t *file;
        const uint8_t *body;
        const struct pagec_page *pg;

        snprintf(url, sizeof url, "/%s", files[i].file);
        pg = site_page(&basic_site, url);
        ck_assert_msg(pg != NULL, "%s is not served", url);
        snprintf(path, sizeof path, "%s/%s", TEST_SITE_BASIC, files[i].file);
        file = slurp(path, &n);
        if (files[i].identity) {
            ck_assert_uint_ne(pg->identity, PAGEC_NO_PAGE);
            body = check_variant(pg->identity, files[i].type, NULL, &blen);
            ck_assert_uint_eq(blen, n);
            ck_assert_mem_eq(body, file, n);
        } else {
            ck_assert_uint_eq(pg->identity, PAGEC_NO_PAGE);
        }
        if (pg->gzip != PAGEC_NO_PAGE) {
            size_t plain;
            const uint8_t *gz = check_variant(pg->gzip, files[i].type,
                                              "gzip", &blen);
            const uint8_t *out = inflate_all(gz, blen, &plain);
            char f[64];

            ck_assert_uint_lt(blen, n); /* kept only when smaller */
            ck_assert_uint_eq(plain, n);
            ck_assert_mem_eq(out, file, n);
            ck_assert_uint_eq(gz[3] & 0x08, 0);      /* no file name */
            ck_assert_uint_eq(rd32(gz + 4), 0);       /* mtime 0 */
            ck_assert_str_eq(http_field(&basic_site.variants[pg->gzip].get,
                                        "Vary", f, sizeof f),
                             "Accept-Encoding");
            /* each encoding its own ETag */
            ck_assert(pg->identity == PAGEC_NO_PAGE ||
                      memcmp(basic_site.variants[pg->gzip].get.pkt +
                                 PAGEC_ETAG_AT,
                             basic_site.variants[pg->identity].get.pkt +
                                 PAGEC_ETAG_AT,
                             PAGEC_ETAG_LEN) != 0);
        } else {
            ck_assert_msg(files[i].identity, "%s has no encoding", url);
        }
        free(file);
    }
}
END_TEST

/* A folder asked for without its trailing slash: a 301 to the folder,
 * with no body, an ETag where every page's reply has it, the Server
 * field of every reply, and no Cache-Control (which goes with 200 and
 * 304). */
START_TEST(test_packet_folder_redirect)
{
    static const char want[] = "HTTP/1.1 301 \r\nETag: \"";
    const struct pagec_page *pg = site_page(&basic_site, "/sub");
    const struct pagec_variant *v;
    char f[128];
    char etag[16];

    ck_assert_ptr_nonnull(pg);
    ck_assert_uint_eq(pg->gzip, PAGEC_NO_PAGE);
    ck_assert_uint_lt(pg->identity, basic_site.nvariants);
    v = &basic_site.variants[pg->identity];
    check_template(&v->get, 0x19, 2920, 20);
    check_template(&v->head, 0x19, 2920, 20);
    ck_assert_uint_eq(v->head.len, v->get.len); /* no body */
    ck_assert_mem_eq(v->get.pkt, want, sizeof want - 1);
    ck_assert_str_eq(http_field(&v->get, "Location", f, sizeof f), "/sub/");
    ck_assert_str_eq(http_field(&v->get, "Content-Length", f, sizeof f),
                     "0");
    ck_assert_str_eq(http_field(&v->get, "Server", f, sizeof f),
                     "pagec-test");
    ck_assert_ptr_null(http_field(&v->get, "Cache-Control", f, sizeof f));
    ck_assert_ptr_null(http_field(&v->get, "Content-Encoding", f, sizeof f));
    /* the ETag: the CRC-32 of the Location, bit 0 clear */
    snprintf(etag, sizeof etag, "\"%08lx\"",
             (unsigned long)(ref_crc32((const uint8_t *)"/sub/", 5) & ~1ul));
    ck_assert_str_eq(http_field(&v->get, "ETag", f, sizeof f), etag);
    ck_assert_mem_eq(v->get.pkt + PAGEC_ETAG_AT, etag, PAGEC_ETAG_LEN);
}
END_TEST

/* The matcher: every name a page is served under, and nothing else. */
START_TEST(test_packet_path_matcher)
{
    static const char *const none[] = {
        "", "x", "/su", "/index.htm", "/index.html5", "/sub/index",
        "//", "/README/", "/notes.txt ", "/bi", "/big.txt/",
    };
    size_t i;

    ck_assert_ptr_eq(site_page(&basic_site, "/"),
                     site_page(&basic_site, "/index.html"));
    ck_assert_ptr_eq(site_page(&basic_site, "/sub/"),
                     site_page(&basic_site, "/sub/index.html"));
    ck_assert_ptr_ne(site_page(&basic_site, "/"),
                     site_page(&basic_site, "/sub/"));
    /* a folder without its slash: a page of its own, the redirect */
    ck_assert_ptr_nonnull(site_page(&basic_site, "/sub"));
    ck_assert_ptr_ne(site_page(&basic_site, "/sub"),
                     site_page(&basic_site, "/sub/"));
    for (i = 0; i < sizeof none / sizeof none[0]; i++) {
        ck_assert_msg(site_page(&basic_site, none[i]) == NULL, "'%s' matched",
                      none[i]);
    }
    /* the tree's children are sorted by their first byte */
    for (i = 0; i < basic_site.nnodes; i++) {
        const struct pagec_node *n = &basic_site.nodes[i];
        uint16_t k;

        for (k = 1; k < n->nchild; k++) {
            ck_assert_uint_lt(
                basic_site.labels[basic_site.nodes[n->first_child + k - 1].label],
                basic_site.labels[basic_site.nodes[n->first_child + k].label]);
        }
    }
}
END_TEST

/* 1 when two file names cannot both be in one tree: equal, or one is a
 * folder of the other. */
static int clash(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);

    return strcmp(a, b) == 0 ||
           (la < lb && strncmp(a, b, la) == 0 && b[la] == '/') ||
           (lb < la && strncmp(a, b, lb) == 0 && a[lb] == '/');
}

/* The radix tree pagec builds for random sites, walked by the runtime's
 * matcher, against a plain search of the list of paths. */
START_TEST(test_packet_matcher_random)
{
    static const char alphabet[] = "ab/.x%";
    enum { N = 300 };
    struct page pages[N];
    struct site site;
    struct tree t;
    struct pagec_site ps;
    struct pagec_node *nodes;
    char *names[N];
    int round;
    size_t i;
    size_t k;

    srand(9293);
    for (round = 0; round < 20; round++) {
        size_t n = 1 + (size_t)rand() % N;

        memset(&site, 0, sizeof site);
        memset(pages, 0, sizeof pages);
        for (i = 0; i < n; i++) {
            size_t len = 1 + (size_t)rand() % 12;

            names[i] = malloc(len + 12);
            ck_assert_ptr_nonnull(names[i]);
            for (k = 0; k < len; k++) {
                names[i][k] = alphabet[rand() % (sizeof alphabet - 1)];
            }
            names[i][0] = 'p'; /* never a leading '/' */
            if (rand() % 5 == 0) {
                strcpy(names[i] + len, "/index.html");
            } else {
                names[i][len] = '\0';
            }
            /* names a directory tree can hold: unique, no empty folder
             * name, and no name that is also a folder of another */
            for (k = 0; k < i && !clash(names[k], names[i]); k++) {
            }
            if (k < i || strstr(names[i], "//") ||
                names[i][strlen(names[i]) - 1] == '/') {
                free(names[i]);
                i--;
                n--;
                continue;
            }
            pages[i].rel = names[i];
        }
        site.pages = pages;
        site.npages = n;
        ck_assert_int_eq(tree_build(&site, NULL, 0, &t), 0);
        nodes = calloc(t.nnodes, sizeof *nodes);
        ck_assert_ptr_nonnull(nodes);
        for (i = 0; i < t.nnodes; i++) {
            nodes[i].label = t.nodes[i].label;
            nodes[i].label_len = t.nodes[i].label_len;
            nodes[i].first_child = t.nodes[i].first_child;
            nodes[i].nchild = t.nodes[i].nchild;
            nodes[i].page = t.nodes[i].page;
        }
        memset(&ps, 0, sizeof ps);
        ps.nodes = nodes;
        ps.nnodes = (uint16_t)t.nnodes;
        ps.labels = t.labels;
        /* every name, and every folder of an index.html, is found */
        for (i = 0; i < n; i++) {
            char path[64];
            char *idx;

            snprintf(path, sizeof path, "/%s", names[i]);
            ck_assert_uint_eq(pagec_site_lookup(&ps, (const uint8_t *)path,
                                                (uint16_t)strlen(path)),
                              i);
            idx = strstr(path, "/index.html");
            if (idx && idx[11] == '\0') {
                idx[1] = '\0';
                ck_assert_uint_eq(pagec_site_lookup(&ps, (const uint8_t *)path,
                                                    (uint16_t)strlen(path)),
                                  i);
            }
        }
        /* random strings: found exactly when they are a name */
        for (k = 0; k < 2000; k++) {
            char path[16];
            size_t len = (size_t)rand() % 14;
            uint16_t want = PAGEC_NO_PAGE;
            size_t j;

            path[0] = '/';
            for (j = 1; j <= len; j++) {
                path[j] = j == 1 ? 'p' : alphabet[rand() % (sizeof alphabet - 1)];
            }
            path[len + 1] = '\0';
            for (j = 0; j < n; j++) {
                if (strcmp(path + 1, names[j]) == 0) {
                    want = (uint16_t)j;
                }
            }
            if (want == PAGEC_NO_PAGE && len > 0 && path[len] == '/') {
                continue; /* might be a folder of an index.html */
            }
            ck_assert_uint_eq(pagec_site_lookup(&ps, (const uint8_t *)path,
                                                (uint16_t)strlen(path)),
                              want);
        }
        free(nodes);
        tree_free(&t);
        for (i = 0; i < n; i++) {
            free(names[i]);
        }
    }
}
END_TEST

START_TEST(test_packet_control_templates)
{
    const struct pagec_tmpl *t = &basic_site.syn_ack;
    const struct pagec_tmpl *st = &basic_site.status;
    char v[64];
    size_t i;
    size_t max;

    check_template(&basic_site.syn_ack, 0x12, 2920, 24);
    ck_assert_uint_eq(t->len, 44);
    ck_assert_uint_eq(t->pkt[0], 2); /* MSS option */
    ck_assert_uint_eq(t->pkt[1], 4);
    ck_assert_uint_eq(rd16(t->pkt + 2), 1460);
    check_template(&basic_site.ack, 0x10, 2920, 20);
    ck_assert_uint_eq(basic_site.ack.len, 40);
    check_template(&basic_site.rst, 0x14, 0, 20);
    ck_assert_uint_eq(basic_site.rst.len, 40);
    /* the error reply: no body, so it serves HEAD too; Allow for 405 */
    check_template(st, 0x19, 2920, 20);
    ck_assert(strncmp((const char *)st->pkt, "HTTP/1.1 400 \r\n", 15) == 0);
    ck_assert(memcmp(st->pkt + st->len - 44, "\r\n\r\n", 4) == 0);
    ck_assert_str_eq(http_field(st, "Content-Type", v, sizeof v),
                     "text/plain");
    ck_assert_str_eq(http_field(st, "Content-Length", v, sizeof v), "0");
    ck_assert_str_eq(http_field(st, "Allow", v, sizeof v), "GET, HEAD");
    ck_assert_str_eq(http_field(st, "Server", v, sizeof v), "pagec-test");
    ck_assert_uint_eq(basic_site.not_found, PAGEC_NO_PAGE);
    max = st->len - 40u;
    for (i = 0; i < basic_site.nvariants; i++) {
        const struct pagec_tmpl *g = &basic_site.variants[i].get;

        if (g->len - 40u > max) {
            max = g->len - 40u;
        }
    }
    ck_assert_uint_eq(basic_site.max_data, max);
    ck_assert_uint_eq(basic_site.http_port, 80);
    ck_assert_uint_eq(basic_site.mss, 1460);
    ck_assert_uint_eq(basic_site.window, 2920); /* twice the MSS */
    ck_assert_uint_eq(basic_site.nports, 1);
    ck_assert_uint_eq(basic_site.ports[0].port, 8080);
    ck_assert_uint_eq(basic_site.ports[0].variant,
                      site_page(&basic_site, "/notes.txt")->identity);
}
END_TEST

/* The window a site is compiled with: twice its MSS, at most 8191 (the
 * TCP echo's limit), whatever --mss allows; the test sites' own. */
START_TEST(test_packet_window)
{
    ck_assert_uint_eq(PAGEC_WINDOW_MAX, 8191);
    ck_assert_uint_eq(site_window(128), 256);
    ck_assert_uint_eq(site_window(536), 1072);
    ck_assert_uint_eq(site_window(1460), 2920);
    ck_assert_uint_eq(site_window(4095), 8190);
    ck_assert_uint_eq(site_window(4096), 8191);
    ck_assert_uint_eq(site_window(9000), 8191);
    ck_assert_uint_eq(site_window(65495), 8191);
    ck_assert_uint_eq(tiny_site.mss, 296);
    ck_assert_uint_eq(tiny_site.window, 592);
    ck_assert_uint_eq(basic_site.window, 2920);
}
END_TEST

/* packet_build with odd data lengths still yields sums that verify. */
START_TEST(test_packet_build_odd_lengths)
{
    uint8_t data[301];
    size_t n;

    for (n = 0; n < sizeof data; n++) {
        data[n] = (uint8_t)(n * 7 + 3);
    }
    for (n = 0; n <= sizeof data; n += 37) {
        struct packet p;
        struct pagec_tmpl t;

        ck_assert_int_eq(packet_build(&p, 0x19, 966, NULL, 0, data, n), 0);
        t.pkt = p.data + 40;
        t.len = (uint16_t)p.len;
        t.hlen = (uint16_t)p.hlen;
        t.ip_sum = pagec_chksum_fold(p.ip_sum);
        t.tcp_sum = pagec_chksum_fold(p.tcp_sum);
        ck_assert_uint_eq(p.len, 40 + n);
        check_template(&t, 0x19, 966, 20);
        packet_free(&p);
    }
}
END_TEST

/* pagec_site_check() on a copy of s with one fault: it must fail, naming
 * the fault with a sentence that contains what. */
static void expect_fault(const struct pagec_site *s, const char *what)
{
    const char *why = NULL;

    ck_assert_int_eq(pagec_site_check(s, &why), -1);
    ck_assert_ptr_nonnull(why);
    ck_assert_msg(strstr(why, what) != NULL, "'%s' does not say '%s'", why,
                  what);
}

/* Sets the partial sums of t as site.h defines them, with the shared
 * checksum (not pagec_site_check()'s own loop): for faults of length. */
static void resum(struct pagec_tmpl *t, uint16_t window)
{
    uint8_t ip[20] = {0x45, 0, (uint8_t)(t->len >> 8), (uint8_t)t->len, 0,
                      0, 0x40, 0, PAGEC_IP_TTL, 6};
    uint8_t tcp[20] = {0};
    uint32_t sum;

    tcp[14] = (uint8_t)(window >> 8);
    tcp[15] = (uint8_t)window;
    t->ip_sum = pagec_chksum_fold(pagec_chksum_add(0, ip, sizeof ip));
    sum = pagec_chksum_add(6u + t->len - 20u, tcp, sizeof tcp);
    t->tcp_sum = pagec_chksum_fold(
        pagec_chksum_add(sum, t->pkt, (uint16_t)(t->len - 40)));
}

/* The sites the tests link are sound; a copy with one thing broken at a
 * time is not. */
START_TEST(test_packet_site_check)
{
    const struct pagec_site *b = &basic_site;
    struct pagec_site s;
    struct pagec_variant *v = calloc(b->nvariants, sizeof *v);
    struct pagec_node *n = calloc(b->nnodes, sizeof *n);
    struct pagec_page *pg = calloc(b->npages, sizeof *pg);
    uint8_t *bytes;
    struct pagec_port ports[2];
    const char *why = "untouched";
    uint16_t len;
    uint16_t k; /* a node with two children or more */

    ck_assert_ptr_nonnull(v);
    ck_assert_ptr_nonnull(n);
    ck_assert_ptr_nonnull(pg);
    ck_assert_int_eq(pagec_site_check(&basic_site, &why), 0);
    ck_assert_str_eq(why, "untouched");
    ck_assert_int_eq(pagec_site_check(&tiny_site, NULL), 0);
    /* the test's site has a port, a 404.html and a tree with branches */
    ck_assert_uint_eq(b->nports, 1);
    for (k = 0; k < b->nnodes && b->nodes[k].nchild < 2; k++) {
    }
    ck_assert_uint_lt(k, b->nnodes);
    memcpy(v, b->variants, b->nvariants * sizeof *v);
    memcpy(n, b->nodes, b->nnodes * sizeof *n);
    memcpy(pg, b->pages, b->npages * sizeof *pg);

#define FRESH() \
    (s = *b, s.variants = v, s.nodes = n, s.pages = pg, \
     memcpy(v, b->variants, b->nvariants * sizeof *v), \
     memcpy(n, b->nodes, b->nnodes * sizeof *n), \
     memcpy(pg, b->pages, b->npages * sizeof *pg))

    FRESH(); /* the copy itself is sound */
    ck_assert_int_eq(pagec_site_check(&s, NULL), 0);

    FRESH();
    s.format++;
    expect_fault(&s, "format");
    /* ports: a second one after the first is fine, before it is not */
    FRESH();
    ports[0] = b->ports[0];
    ports[1] = b->ports[0];
    ports[1].port++;
    s.ports = ports;
    s.nports = 2;
    ck_assert_int_eq(pagec_site_check(&s, NULL), 0);
    ports[1].port = (uint16_t)(ports[0].port - 1);
    expect_fault(&s, "ascending");
    ports[1].port = ports[0].port;
    expect_fault(&s, "ascending");
    FRESH();
    ports[0] = b->ports[0];
    ports[0].variant = b->nvariants;
    s.ports = ports;
    expect_fault(&s, "port names a variant");
    FRESH();
    ports[0] = b->ports[0];
    ports[0].port = b->http_port;
    s.ports = ports;
    expect_fault(&s, "HTTP port");
    /* the tree */
    FRESH();
    n[k].first_child = (uint16_t)(b->nnodes - n[k].nchild + 1);
    expect_fault(&s, "children lie outside");
    FRESH();
    n[b->nnodes - 1].page = b->npages;
    expect_fault(&s, "names a page");
    FRESH();
    n[n[k].first_child] = b->nodes[n[k].first_child + 1];
    n[n[k].first_child + 1] = b->nodes[n[k].first_child];
    expect_fault(&s, "sorted");
    FRESH();
    n[1].label = b->nlabels;
    expect_fault(&s, "outside the labels");
    FRESH();
    n[0].label_len = 1;
    expect_fault(&s, "root");
    FRESH();
    s.nnodes = 0;
    expect_fault(&s, "root");
    /* pages and their variants */
    FRESH();
    pg[0].identity = b->nvariants;
    expect_fault(&s, "names a variant");
    FRESH();
    pg[0].identity = PAGEC_NO_PAGE;
    pg[0].gzip = PAGEC_NO_PAGE;
    expect_fault(&s, "no variant");
    FRESH();
    s.not_found = b->npages;
    expect_fault(&s, "not_found");
    /* the sums */
    FRESH();
    v[b->nvariants - 1].get.tcp_sum ^= 0x0100;
    expect_fault(&s, "TCP partial sum");
    FRESH();
    v[0].head.ip_sum ^= 1;
    expect_fault(&s, "IPv4 partial sum");
    FRESH();
    s.rst.tcp_sum ^= 0x8000;
    expect_fault(&s, "TCP partial sum");
    FRESH();
    s.syn_ack.ip_sum ^= 2;
    expect_fault(&s, "IPv4 partial sum");
    FRESH(); /* a window of another size: the sums no longer match */
    s.window--;
    expect_fault(&s, "sum");
    FRESH(); /* nor does the MSS option */
    s.mss--;
    expect_fault(&s, "MSS option");
    /* a window the TCP echo cannot work with, or none */
    FRESH();
    s.window = PAGEC_WINDOW_MAX + 1;
    expect_fault(&s, "window");
    FRESH();
    s.window = 0;
    expect_fault(&s, "window");
    /* a body byte changed: the TCP sum of the bytes no longer matches */
    FRESH();
    len = (uint16_t)(b->variants[0].get.len - 40);
    bytes = calloc(1, (size_t)b->mss + 1);
    ck_assert_ptr_nonnull(bytes);
    memcpy(bytes, b->variants[0].get.pkt, len);
    bytes[len - 1] ^= 0x20;
    v[0].get.pkt = bytes;
    expect_fault(&s, "TCP partial sum");
    bytes[len - 1] ^= 0x20; /* the same bytes elsewhere are fine */
    ck_assert_int_eq(pagec_site_check(&s, NULL), 0);
    resum(&v[0].get, b->window); /* the helper agrees with the compiler */
    ck_assert_uint_eq(v[0].get.tcp_sum, b->variants[0].get.tcp_sum);
    ck_assert_uint_eq(v[0].get.ip_sum, b->variants[0].get.ip_sum);
    {
        /* two header bytes of the same parity swapped: the GET reply's
         * sum holds, but the HEAD form is no longer its start */
        uint16_t i = PAGEC_ETAG_AT + PAGEC_ETAG_LEN;
        struct pagec_tmpl t;
        uint8_t c;

        while (bytes[i] == bytes[i + 2]) {
            i++;
        }
        ck_assert_uint_lt(i + 2, b->variants[0].head.len - 40);
        c = bytes[i];
        bytes[i] = bytes[i + 2];
        bytes[i + 2] = c;
        t = v[0].get;
        resum(&t, b->window);
        ck_assert_uint_eq(t.tcp_sum, b->variants[0].get.tcp_sum);
        expect_fault(&s, "not the start of its GET");
        bytes[i + 2] = bytes[i];
        bytes[i] = c;
    }
    /* more TCP data than the mss */
    v[0].get.len = (uint16_t)(b->mss + 41);
    resum(&v[0].get, b->window);
    expect_fault(&s, "more TCP data");
    v[0].get.len = (uint16_t)(b->mss + 40);
    resum(&v[0].get, b->window);
    s.max_data = b->mss;
    ck_assert_int_eq(pagec_site_check(&s, NULL), 0);
    /* lengths */
    FRESH();
    v[0].head.len = (uint16_t)(v[0].get.len + 1);
    resum(&v[0].head, b->window);
    expect_fault(&s, "HEAD reply is longer");
    FRESH();
    v[0].head.len = (uint16_t)(v[0].head.len - 1);
    resum(&v[0].head, b->window);
    expect_fault(&s, "blank line");
    FRESH(); /* the error reply too long for an MSS of 536 */
    s.status.pkt = bytes;
    s.status.len = 40 + 537;
    memcpy(bytes, b->status.pkt, PAGEC_STATUS_AT + 4);
    resum(&s.status, b->window);
    expect_fault(&s, "536");
    s.status.len = 40 + 536;
    resum(&s.status, b->window);
    ck_assert_uint_gt(b->max_data, 536); /* still not the largest */
    ck_assert_int_eq(pagec_site_check(&s, NULL), 0);
    free(bytes);
    FRESH();
    v[0].get.hlen = 44;
    expect_fault(&s, "header length");
    FRESH();
    s.ack.len = 41;
    s.ack.pkt = b->status.pkt;
    resum(&s.ack, b->window);
    expect_fault(&s, "ACK carries data");
    FRESH();
    s.status.len = 39;
    expect_fault(&s, "shorter than its headers");
    FRESH();
    s.max_data++;
    expect_fault(&s, "max_data");
    FRESH();
    s.max_data--;
    expect_fault(&s, "max_data");
#undef FRESH
    free(v);
    free(n);
    free(pg);
}
END_TEST

/* pagec's image of a site, compiled here with the options of basic_site,
 * is the site pagec wrote: every table, length, sum and byte the same; it
 * passes the check, and a fault put into the compiler's model shows. */
START_TEST(test_packet_site_image)
{
    const struct pagec_site *b = &basic_site;
    struct options o;
    struct site site;
    struct output out;
    struct image img;
    struct port_opt port = {8080, "/notes.txt", 0};
    const struct pagec_site *m = &img.site;
    const char *why = NULL;
    long page;
    size_t i;

    memset(&o, 0, sizeof o);
    memset(&site, 0, sizeof site);
    memset(&out, 0, sizeof out);
    o.name = "basic_site";
    o.mss = 1460;
    o.max_segments = 1; /* as tests/CMakeLists.txt compiles it */
    o.http_port = 80;
    o.gzip = 1;
    o.cache_control = "max-age=60";
    o.server = "pagec-test";
    o.ports = &port;
    o.nports = 1;
    ck_assert_int_eq(site_scan(TEST_SITE_BASIC, &o, &site), 0);
    ck_assert_int_eq(site_redirects(&site, &o), 0);
    ck_assert_int_eq(tree_build(&site, NULL, 0, &out.tree), 0);
    page = tree_lookup(&out.tree, port.path);
    ck_assert_int_ge(page, 0);
    port.page = (size_t)page;
    out.opt = &o;
    out.site = &site;
    ck_assert_int_eq(compile_site(&out), 0);
    ck_assert_int_eq(image_build(&out, &img), 0);
    ck_assert_int_eq(pagec_site_check(m, &why), 0);

    ck_assert_uint_eq(m->format, b->format);
    ck_assert_uint_eq(m->http_port, b->http_port);
    ck_assert_uint_eq(m->mss, b->mss);
    ck_assert_uint_eq(m->window, b->window);
    ck_assert_uint_eq(m->max_data, b->max_data);
    ck_assert_uint_eq(m->nvariants, b->nvariants);
    ck_assert_uint_eq(m->npages, b->npages);
    ck_assert_uint_eq(m->nnodes, b->nnodes);
    ck_assert_uint_eq(m->nlabels, b->nlabels);
    ck_assert_uint_eq(m->nports, b->nports);
    ck_assert_uint_eq(m->not_found, b->not_found);
    ck_assert_mem_eq(m->labels, b->labels, b->nlabels);
    ck_assert_mem_eq(m->nodes, b->nodes, b->nnodes * sizeof *b->nodes);
    ck_assert_mem_eq(m->pages, b->pages, b->npages * sizeof *b->pages);
    ck_assert_mem_eq(m->ports, b->ports, b->nports * sizeof *b->ports);
    for (i = 0; i < (size_t)b->nvariants + 4; i++) {
        const struct pagec_tmpl *x;
        const struct pagec_tmpl *y;
        int k;

        for (k = 0; k < 2; k++) {
            if (i < b->nvariants) {
                x = k ? &m->variants[i].head : &m->variants[i].get;
                y = k ? &b->variants[i].head : &b->variants[i].get;
            } else {
                const struct pagec_tmpl *mt[] = {&m->syn_ack, &m->ack,
                                                 &m->rst, &m->status};
                const struct pagec_tmpl *bt[] = {&b->syn_ack, &b->ack,
                                                 &b->rst, &b->status};

                x = mt[i - b->nvariants];
                y = bt[i - b->nvariants];
            }
            ck_assert_uint_eq(x->len, y->len);
            ck_assert_uint_eq(x->hlen, y->hlen);
            ck_assert_uint_eq(x->ip_sum, y->ip_sum);
            ck_assert_uint_eq(x->tcp_sum, y->tcp_sum);
            ck_assert_mem_eq(x->pkt, y->pkt, (size_t)y->len - 40);
        }
    }
    image_free(&img);

    /* a fault in the model: the error reply's first byte, its sum made
     * to agree ('h' is 'H' + 0x20, in the high byte of a word) */
    ck_assert_uint_eq(out.status.data[40], 'H');
    out.status.data[40] = 'h';
    out.status.tcp_sum += 0x2000;
    ck_assert_int_eq(image_build(&out, &img), 0);
    ck_assert_int_eq(pagec_site_check(&img.site, &why), -1);
    ck_assert_str_eq(why, "an HTTP reply does not start with \"HTTP/1.1 \"");
    image_free(&img);
    output_free(&out);
    site_free(&site);
    mime_close();
}
END_TEST

/* The variant of the page at path in site, identity or gzip. */
static uint16_t variant_of(const struct pagec_site *site, const char *path,
                           int gzip)
{
    const struct pagec_page *pg = site_page(site, path);

    ck_assert_ptr_nonnull(pg);
    return gzip ? pg->gzip : pg->identity;
}

/* The live site's pages, read back against their files: each marker
 * (found here with strstr) is the run of spaces its field names, the
 * body is the file with the markers so replaced, the names numbered in
 * alphabetical order in the header; no ETag, no gzip encoding. */
START_TEST(test_packet_live_site)
{
    static const struct {
        const char *path;
        const char *file;
        size_t nfields;
    } want[] = {
        {"/index.html", "index.html", 3},
        {"/status.json", "status.json", 1},
        {"/404.html", "404.html", 1},
    };
    const struct pagec_site *s = &live_site;
    size_t total = 0;
    size_t i;

    ck_assert_int_eq(pagec_site_check(s, NULL), 0);
    ck_assert_int_eq(live_site_LIVE_COUNT, 3);
    ck_assert_int_eq(live_site_LIVE_clock, 0);
    ck_assert_int_eq(live_site_LIVE_temp, 1);
    ck_assert_int_eq(live_site_LIVE_uptime, 2);
    ck_assert_int_eq(live_site_LIVE_BYTES, 10 + 6 + 8);
    ck_assert_uint_eq(s->live_bytes, live_site_LIVE_BYTES);
    ck_assert_uint_eq(s->nlive, 3);
    /* a page without fields keeps its ETag and its gzip encoding */
    ck_assert_uint_ne(variant_of(s, "/about.html", 1), PAGEC_NO_PAGE);
    ck_assert_uint_eq(
        s->variants[variant_of(s, "/about.html", 0)].get.pkt[PAGEC_ETAG_AT],
        '"');
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        char path[512];
        char value[64];
        uint8_t *file;
        uint8_t *body = malloc(4096);
        size_t n;
        size_t blen = 0;
        size_t at = 0;
        uint16_t v = variant_of(s, want[i].path, 0);
        const struct pagec_tmpl *get = &s->variants[v].get;
        const struct pagec_tmpl *head = &s->variants[v].head;
        size_t hdr = (size_t)head->len - 40;
        const struct pagec_live *l = NULL;
        size_t k;

        ck_assert_ptr_nonnull(body);
        snprintf(path, sizeof path, "%s/%s", TEST_SITE_LIVE, want[i].file);
        file = slurp(path, &n);
        ck_assert_uint_eq(variant_of(s, want[i].path, 1), PAGEC_NO_PAGE);
        for (k = 0; k < s->nlive; k++) {
            if (s->live[k].variant == v) {
                l = &s->live[k];
            }
        }
        ck_assert_ptr_nonnull(l);
        ck_assert_uint_eq(l->count, want[i].nfields);
        /* the body: the file, each marker replaced by its width of spaces */
        for (k = 0; k < l->count; k++) {
            const struct pagec_field *f = &s->fields[l->first + k];
            const char *m = strstr((const char *)file + at, "<!--live:");
            const char *end;
            char name[32];
            unsigned width;

            ck_assert_ptr_nonnull(m);
            end = strstr(m, "-->");
            ck_assert_ptr_nonnull(end);
            ck_assert_int_eq(sscanf(m, "<!--live:%31[a-z0-9_]:%u-->", name,
                                    &width), 2);
            memcpy(body + blen, file + at, (size_t)(m - (char *)file) - at);
            blen += (size_t)(m - (char *)file) - at;
            ck_assert_uint_eq(f->at, hdr + blen);
            ck_assert_uint_eq(f->width, width);
            ck_assert_uint_eq(f->id, strcmp(name, "clock") == 0   ? 0
                                     : strcmp(name, "temp") == 0 ? 1
                                                                 : 2);
            memset(body + blen, ' ', width);
            blen += width;
            at = (size_t)(end + 3 - (char *)file);
            total += width;
        }
        ck_assert_ptr_null(strstr((const char *)file + at, "<!--live:"));
        memcpy(body + blen, file + at, n - at);
        blen += n - at;
        /* and the action markers taken out (the live site's actions,
         * which come after its fields) */
        for (;;) {
            size_t a = 0;
            size_t e;

            while (a + 11 <= blen && memcmp(body + a, "<!--action:", 11)) {
                a++;
            }
            if (a + 11 > blen) {
                break;
            }
            for (e = a; e + 3 <= blen && memcmp(body + e, "-->", 3); e++) {
            }
            ck_assert_uint_le(e + 3, blen);
            e += 3;
            memmove(body + a, body + e, blen - e);
            blen -= e - a;
        }
        ck_assert_uint_eq((size_t)get->len - 40, hdr + blen);
        ck_assert_mem_eq(get->pkt + hdr, body, blen);
        snprintf(path, sizeof path, "%zu", blen);
        ck_assert_str_eq(http_field(get, "Content-Length", value,
                                    sizeof value),
                         path);
        ck_assert_str_eq(http_field(get, "Cache-Control", value,
                                    sizeof value),
                         "no-store");
        ck_assert_ptr_null(http_field(get, "ETag", value, sizeof value));
        ck_assert_uint_ne(get->pkt[PAGEC_ETAG_AT], '"');
        free(file);
        free(body);
    }
    ck_assert_uint_eq(total, 10 + 6 + 8 + 10 + 10);
    ck_assert_uint_eq(s->nfields, 5);
}
END_TEST

/* The checker's rules of live fields, each broken in turn on a copy of
 * the live site. */
START_TEST(test_packet_live_check)
{
    const struct pagec_site *b = &live_site;
    struct pagec_site s;
    struct pagec_live live[4];
    struct pagec_field fields[8];
    struct pagec_port port;
    uint16_t idx = variant_of(b, "/index.html", 0);
    uint16_t k; /* index.html's entry */
    uint16_t f; /* its first field */

    ck_assert_uint_le(b->nlive, 4);
    ck_assert_uint_le(b->nfields, 8);
    for (k = 0; k < b->nlive && b->live[k].variant != idx; k++) {
    }
    ck_assert_uint_lt(k, b->nlive);
    ck_assert_uint_ge(b->live[k].count, 3);
    f = b->live[k].first;

#define FRESH() \
    (s = *b, s.live = live, s.fields = fields, \
     memcpy(live, b->live, b->nlive * sizeof *live), \
     memcpy(fields, b->fields, b->nfields * sizeof *fields))

    FRESH();
    ck_assert_int_eq(pagec_site_check(&s, NULL), 0);
    FRESH();
    s.live = NULL;
    expect_fault(&s, "no pointer");
    FRESH();
    s.fields = NULL;
    expect_fault(&s, "no pointer");
    /* the table */
    FRESH();
    live[0] = b->live[1];
    live[1] = b->live[0];
    expect_fault(&s, "not sorted by variant");
    FRESH();
    live[1].variant = live[0].variant;
    expect_fault(&s, "not sorted by variant");
    FRESH();
    live[b->nlive - 1].variant = b->nvariants;
    expect_fault(&s, "names a variant");
    FRESH();
    live[k].count = 0;
    expect_fault(&s, "no fields");
    FRESH();
    live[k].first = (uint16_t)(b->nfields - live[k].count + 1);
    expect_fault(&s, "outside the fields");
    FRESH();
    s.live_bytes = 256;
    expect_fault(&s, "255");
    FRESH();
    s.live_bytes--;
    expect_fault(&s, "live_bytes");
    /* a variant marked live has an ETag; one not marked has none */
    FRESH();
    live[k].variant = variant_of(b, "/about.html", 0);
    ck_assert_uint_lt(live[k].variant, idx); /* still sorted */
    ck_assert(k == 0 || live[k - 1].variant < live[k].variant);
    expect_fault(&s, "has an ETag");
    FRESH();
    memmove(&live[k], &live[k + 1], (b->nlive - k - 1) * sizeof *live);
    s.nlive--;
    expect_fault(&s, "no ETag");
    /* a port never serves a live page */
    FRESH();
    port.port = 8080;
    port.variant = idx;
    s.ports = &port;
    s.nports = 1;
    expect_fault(&s, "port serves a live page");
    /* the fields */
    FRESH();
    fields[f].width = 0;
    expect_fault(&s, "width");
    FRESH();
    fields[f].width = PAGEC_FIELD_WIDTH_MAX + 1;
    expect_fault(&s, "width");
    FRESH(); /* in the header */
    fields[f].at = (uint16_t)(b->variants[idx].head.len - 40 - 1);
    expect_fault(&s, "outside its page's body");
    FRESH(); /* past the end */
    fields[f + 2].at = (uint16_t)(b->variants[idx].get.len - 40 -
                                  fields[f + 2].width + 1);
    expect_fault(&s, "outside its page's body");
    FRESH();
    fields[f + 1].at = (uint16_t)(fields[f].at + fields[f].width - 1);
    expect_fault(&s, "overlap");
    FRESH();
    fields[f] = b->fields[f + 1];
    fields[f + 1] = b->fields[f];
    expect_fault(&s, "out of order");
    FRESH(); /* the first byte of the body, '<', is no placeholder */
    fields[f].at = (uint16_t)(b->variants[idx].head.len - 40);
    fields[f].width = 1;
    expect_fault(&s, "not spaces");
    FRESH(); /* a narrower field inside the spaces is fine */
    fields[f].width = 1;
    ck_assert_int_eq(pagec_site_check(&s, NULL), 0);
#undef FRESH
}
END_TEST

/* pagec's image of the live site, compiled here, has the live tables
 * pagec wrote. */
START_TEST(test_packet_live_image)
{
    const struct pagec_site *b = &live_site;
    struct options o;
    struct site site;
    struct output out;
    struct image img;
    const char *why = NULL;

    memset(&o, 0, sizeof o);
    memset(&out, 0, sizeof out);
    o.name = "live_site";
    o.mss = 1460;
    o.http_port = 80;
    o.gzip = 1;
    ck_assert_int_eq(site_scan(TEST_SITE_LIVE, &o, &site), 0);
    ck_assert_int_eq(site_redirects(&site, &o), 0);
    ck_assert_int_eq(tree_build(&site, NULL, 0, &out.tree), 0);
    out.opt = &o;
    out.site = &site;
    ck_assert_int_eq(compile_site(&out), 0);
    ck_assert_int_eq(image_build(&out, &img), 0);
    ck_assert_int_eq(pagec_site_check(&img.site, &why), 0);
    ck_assert_uint_eq(img.site.nlive, b->nlive);
    ck_assert_uint_eq(img.site.nfields, b->nfields);
    ck_assert_uint_eq(img.site.live_bytes, b->live_bytes);
    ck_assert_mem_eq(img.site.live, b->live, b->nlive * sizeof *b->live);
    ck_assert_mem_eq(img.site.fields, b->fields,
                     b->nfields * sizeof *b->fields);
    ck_assert_uint_eq(out.nnames, live_site_LIVE_COUNT);
    ck_assert_str_eq(out.names[live_site_LIVE_uptime], "uptime");
    image_free(&img);
    output_free(&out);
    site_free(&site);
    mime_close();
}
END_TEST

Suite *packet_suite(void)
{
    Suite *s = suite_create("packet");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_packet_reply_bytes);
    tcase_add_test(tc, test_packet_site_pages);
    tcase_add_test(tc, test_packet_folder_redirect);
    tcase_add_test(tc, test_packet_path_matcher);
    tcase_add_test(tc, test_packet_matcher_random);
    tcase_add_test(tc, test_packet_control_templates);
    tcase_add_test(tc, test_packet_build_odd_lengths);
    tcase_add_test(tc, test_packet_window);
    tcase_add_test(tc, test_packet_site_check);
    tcase_add_test(tc, test_packet_site_image);
    tcase_add_test(tc, test_packet_live_site);
    tcase_add_test(tc, test_packet_live_check);
    tcase_add_test(tc, test_packet_live_image);
    suite_add_tcase(s, tc);
    return s;
}
