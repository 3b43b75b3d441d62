/*
 * test_packet.c - the packets pagec builds, parsed back field by field,
 * their partial sums checked with the test's own checksum, and their HTTP
 * responses compared with the files they were made from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic_site.h"
#include "compiler.h"
#include "pagec/chksum.h"
#include "helper.h"

/* HTTP response bytes written out by hand. */
START_TEST(test_packet_http_response)
{
    static const char want[] = "HTTP/1.0 200 OK\r\n"
                               "Content-Type: text/html\r\n"
                               "Content-Length: 2\r\n"
                               "Connection: close\r\n"
                               "\r\n"
                               "hi";
    size_t n = 0;
    uint8_t *r = http_response("200 OK", "text/html", NULL,
                               (const uint8_t *)"hi", 2, &n);

    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(n, sizeof want - 1);
    ck_assert_mem_eq(r, want, n);
    ck_assert_uint_eq(http_header_len("200 OK", "text/html", NULL, 2),
                      n - 2);
    free(r);
}
END_TEST

START_TEST(test_packet_http_extra_header)
{
    static const char want[] = "HTTP/1.0 501 Not Implemented\r\n"
                               "Content-Type: text/plain\r\n"
                               "Content-Length: 0\r\n"
                               "Connection: close\r\n"
                               "Allow: GET\r\n"
                               "\r\n";
    size_t n = 0;
    uint8_t *r = http_response("501 Not Implemented", "text/plain",
                               "Allow: GET\r\n", NULL, 0, &n);

    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(n, sizeof want - 1);
    ck_assert_mem_eq(r, want, n);
    free(r);
}
END_TEST

/* Checks the fixed fields of a template and its partial sums: completing
 * it with arbitrary peer fields must give correct checksums. */
static void check_template(const struct pagec_tmpl *t, uint8_t flags,
                           uint16_t window, size_t tcp_hlen)
{
    static const uint8_t peer[] = {198, 51, 100, 7, 203, 0, 113, 9,
                                   0xc3, 0x51, 0x00, 0x50, 0xde, 0xad,
                                   0xbe, 0xef, 0x01, 0x23, 0x45, 0x67};
    uint8_t *p = malloc(t->len);
    const uint8_t *tcp = t->pkt + 20;
    uint32_t extra;
    size_t i;

    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(t->hlen, 20 + tcp_hlen);
    ck_assert_uint_eq(t->pkt[0], 0x45);            /* IPv4, 20 bytes */
    ck_assert_uint_eq(t->pkt[1], 0);               /* TOS */
    ck_assert_uint_eq(rd16(t->pkt + 2), t->len);   /* total length */
    ck_assert_uint_eq(rd16(t->pkt + 4), 0);        /* identification */
    ck_assert_uint_eq(rd16(t->pkt + 6), 0x4000);   /* DF, offset 0 */
    ck_assert_uint_eq(t->pkt[8], 64);              /* TTL */
    ck_assert_uint_eq(t->pkt[9], 6);               /* TCP */
    for (i = 10; i < 20; i++) {
        ck_assert_uint_eq(t->pkt[i], 0); /* checksum and addresses */
    }
    for (i = 0; i < 12; i++) {
        ck_assert_uint_eq(tcp[i], 0); /* ports, seq, ack */
    }
    ck_assert_uint_eq(tcp[12], (tcp_hlen / 4) << 4);
    ck_assert_uint_eq(tcp[13], flags);
    ck_assert_uint_eq(rd16(tcp + 14), window);
    ck_assert_uint_eq(rd16(tcp + 16), 0); /* checksum */
    ck_assert_uint_eq(rd16(tcp + 18), 0); /* urgent pointer */

    /* partial sums, folded, against the test's own checksum */
    ck_assert_uint_eq(pagec_chksum_fold(t->ip_sum), ref_fold(t->pkt, 20, 0));
    ck_assert_uint_eq(pagec_chksum_fold(t->tcp_sum),
                      ref_fold(tcp, t->len - 20, 6 + (t->len - 20u)));

    /* complete the template as a runtime would, then verify */
    memcpy(p, t->pkt, t->len);
    memcpy(p + 12, peer, 8);
    memcpy(p + 20, peer + 8, 12);
    extra = (uint32_t)ref_fold(peer, 8, 0);
    wr16(p + 10, (uint16_t)~pagec_chksum_fold(t->ip_sum + extra));
    extra += (uint32_t)ref_fold(peer + 8, 12, 0);
    wr16(p + 36, (uint16_t)~pagec_chksum_fold(t->tcp_sum + extra));
    ck_assert(ref_ip_ok(p));
    ck_assert(ref_l4_ok(p));
    free(p);
}

/* Splits the HTTP response of a template into its header fields. */
static const char *header(const struct pagec_tmpl *t, const char *name,
                          char *value, size_t size)
{
    const char *h = (const char *)t->pkt + t->hlen;
    const char *end = strstr(h, "\r\n\r\n");
    size_t n = strlen(name);

    ck_assert_ptr_nonnull(end);
    for (h = strstr(h, "\r\n") + 2; h < end; h = strstr(h, "\r\n") + 2) {
        if (strncmp(h, name, n) == 0 && h[n] == ':' && h[n + 1] == ' ') {
            size_t len = (size_t)(strstr(h, "\r\n") - (h + n + 2));

            ck_assert_uint_lt(len, size);
            memcpy(value, h + n + 2, len);
            value[len] = '\0';
            return value;
        }
    }
    return NULL;
}

/* Every file of the test site: its template, its HTTP header and body. */
START_TEST(test_packet_site_pages)
{
    static const struct {
        const char *file;
        const char *type;
    } files[] = {
        {"README", "text/plain"},
        {"data.json", "application/json"},
        {"index.html", "text/html"},
        {"notes.txt", "text/plain"},
        {"sub/index.html", "text/html"},
    };
    size_t i;

    ck_assert_uint_eq(basic_site.format, PAGEC_FORMAT_VERSION);
    ck_assert_uint_eq(basic_site.npages, 5);
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        char url[512];
        char v[128];
        size_t n;
        uint8_t *body;
        const struct pagec_tmpl *t;
        const char *status;

        snprintf(url, sizeof url, "/%s", files[i].file);
        t = site_page(&basic_site, url);
        ck_assert_msg(t != NULL, "%s not in the path table", url);
        check_template(t, 0x19, 1460, 20); /* FIN|PSH|ACK */
        status = (const char *)t->pkt + t->hlen;
        ck_assert_msg(strncmp(status, "HTTP/1.0 200 OK\r\n", 17) == 0,
                      "%s: status line", url);
        ck_assert_str_eq(header(t, "Content-Type", v, sizeof v),
                         files[i].type);
        snprintf(path, sizeof path, "%s/%s", TEST_SITE_BASIC, files[i].file);
        body = slurp(path, &n);
        ck_assert_uint_eq(strtoul(header(t, "Content-Length", v, sizeof v),
                                  NULL, 10),
                          n);
        ck_assert_str_eq(header(t, "Connection", v, sizeof v), "close");
        ck_assert_uint_eq(t->len - n, t->hlen + (size_t)(strstr(status,
                          "\r\n\r\n") + 4 - status));
        ck_assert_mem_eq(t->pkt + t->len - n, body, n);
        free(body);
    }
}
END_TEST

/* "/" and "dir/" name the index.html of their folder; the table is sorted
 * by byte value, as the runtime's binary search needs. */
START_TEST(test_packet_path_table)
{
    uint16_t i;

    ck_assert_ptr_eq(site_page(&basic_site, "/"), site_page(&basic_site, "/index.html"));
    ck_assert_ptr_eq(site_page(&basic_site, "/sub/"), site_page(&basic_site, "/sub/index.html"));
    ck_assert_ptr_null(site_page(&basic_site, "/sub"));
    ck_assert_uint_eq(basic_site.npaths, 7);
    for (i = 1; i < basic_site.npaths; i++) {
        ck_assert_int_lt(strcmp(basic_site.paths[i - 1].path,
                                basic_site.paths[i].path),
                         0);
    }
}
END_TEST

START_TEST(test_packet_control_templates)
{
    const struct pagec_tmpl *t = &basic_site.syn_ack;
    char v[64];
    size_t i;
    size_t max = 0;

    check_template(&basic_site.syn_ack, 0x12, 1460, 24);
    ck_assert_uint_eq(t->len, 44);
    ck_assert_uint_eq(t->pkt[40], 2); /* MSS option */
    ck_assert_uint_eq(t->pkt[41], 4);
    ck_assert_uint_eq(rd16(t->pkt + 42), 1460);
    check_template(&basic_site.ack, 0x10, 1460, 20);
    ck_assert_uint_eq(basic_site.ack.len, 40);
    check_template(&basic_site.rst, 0x14, 0, 20);
    ck_assert_uint_eq(basic_site.rst.len, 40);
    check_template(&basic_site.not_found, 0x19, 1460, 20);
    ck_assert(strncmp((const char *)basic_site.not_found.pkt + 40,
                      "HTTP/1.0 404 Not Found\r\n", 24) == 0);
    ck_assert_str_eq(header(&basic_site.not_found, "Content-Type", v,
                            sizeof v),
                     "text/plain");
    check_template(&basic_site.not_impl, 0x19, 1460, 20);
    ck_assert(strncmp((const char *)basic_site.not_impl.pkt + 40,
                      "HTTP/1.0 501 Not Implemented\r\n", 30) == 0);
    ck_assert_str_eq(header(&basic_site.not_impl, "Allow", v, sizeof v),
                     "GET");

    for (i = 0; i < basic_site.npages; i++) {
        if (basic_site.pages[i].len - 40u > max) {
            max = basic_site.pages[i].len - 40u;
        }
    }
    if (basic_site.not_found.len - 40u > max) {
        max = basic_site.not_found.len - 40u;
    }
    if (basic_site.not_impl.len - 40u > max) {
        max = basic_site.not_impl.len - 40u;
    }
    ck_assert_uint_eq(basic_site.max_data, max);
    ck_assert_uint_eq(basic_site.http_port, 80);
    ck_assert_uint_eq(basic_site.mss, 1460);
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
        t.pkt = p.data;
        t.len = (uint16_t)p.len;
        t.hlen = (uint16_t)p.hlen;
        t.ip_sum = p.ip_sum;
        t.tcp_sum = p.tcp_sum;
        ck_assert_uint_eq(p.len, 40 + n);
        check_template(&t, 0x19, 966, 20);
        packet_free(&p);
    }
}
END_TEST

Suite *packet_suite(void)
{
    Suite *s = suite_create("packet");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_packet_http_response);
    tcase_add_test(tc, test_packet_http_extra_header);
    tcase_add_test(tc, test_packet_site_pages);
    tcase_add_test(tc, test_packet_path_table);
    tcase_add_test(tc, test_packet_control_templates);
    tcase_add_test(tc, test_packet_build_odd_lengths);
    suite_add_tcase(s, tc);
    return s;
}
