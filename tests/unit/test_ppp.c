/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ppp.c - PPP in HDLC-like framing and the modem's dialogue
 * (pagec/ppp.h): frames built and read here with RFC 1662's table-driven
 * FCS-16 (its section C.2 code, the table computed from the polynomial)
 * and byte stuffing; LCP and IPCP packets written out from RFC 1661 and
 * RFC 1332; what the device must answer to each.
 */
#include <check.h>
#include <string.h>

#include "pagec/ppp.h"

#include "helper.h"

static struct pagec_server srv;
static struct pagec_ppp ppp;
static uint8_t rxbuf[1600];
static uint8_t line[8192]; /* what the device sent */
static size_t nline;

static void put(uint8_t c, void *ctx)
{
    (void)ctx;
    ck_assert_uint_lt(nline, sizeof line);
    line[nline++] = c;
}

static void setup(void)
{
    memset(&srv, 0, sizeof srv);
    srv.site = NULL;
    memcpy(srv.addr, "\xc0\x00\x02\x02", 4);
    pagec_ppp_init(&ppp, rxbuf, sizeof rxbuf);
    nline = 0;
}

/* RFC 1662 C.2: the table of the FCS-16 polynomial, and its update. */
static uint16_t fcstab[256];

static void make_table(void)
{
    unsigned b, v, i;

    for (b = 0; b < 256; b++) {
        v = b;
        for (i = 8; i--;) {
            v = v & 1 ? (v >> 1) ^ 0x8408 : v >> 1;
        }
        fcstab[b] = (uint16_t)(v & 0xffff);
    }
}

static uint16_t ref_fcs(uint16_t fcs, const uint8_t *p, size_t n)
{
    while (n--) {
        fcs = (uint16_t)((fcs >> 8) ^ fcstab[(fcs ^ *p++) & 0xff]);
    }
    return fcs;
}

/* Feeds the frame of protocol proto with the n bytes at info to the
 * device, stuffed as a peer with the default ACCM sends it; returns what
 * the last byte returned. */
static uint16_t feed_frame(uint16_t proto, const uint8_t *info, size_t n,
                           uint32_t now)
{
    uint8_t f[1600];
    size_t len = 0, i;
    uint16_t fcs, r = 0;

    f[len++] = 0xff;
    f[len++] = 0x03;
    f[len++] = (uint8_t)(proto >> 8);
    f[len++] = (uint8_t)proto;
    memcpy(f + len, info, n);
    len += n;
    fcs = (uint16_t)~ref_fcs(0xffff, f, len);
    f[len++] = (uint8_t)fcs;
    f[len++] = (uint8_t)(fcs >> 8);
    pagec_ppp_input(&ppp, &srv, 0x7e, now, put, NULL);
    for (i = 0; i < len; i++) {
        if (f[i] < 0x20 || f[i] == 0x7e || f[i] == 0x7d) {
            pagec_ppp_input(&ppp, &srv, 0x7d, now, put, NULL);
            pagec_ppp_input(&ppp, &srv, (uint8_t)(f[i] ^ 0x20), now, put,
                            NULL);
        } else {
            pagec_ppp_input(&ppp, &srv, f[i], now, put, NULL);
        }
    }
    r = pagec_ppp_input(&ppp, &srv, 0x7e, now, put, NULL);
    return r;
}

/* The frames the device sent, read back: each frame's bytes (address to
 * information, FCS checked and removed) into frames[], lengths into
 * lens[]; returns how many. Every control character must come escaped. */
static int read_frames(uint8_t frames[][1600], size_t *lens, int max)
{
    int k = 0;
    size_t i, n = 0;
    int esc = 0, in = 0;
    uint8_t cur[1600];

    for (i = 0; i < nline; i++) {
        uint8_t c = line[i];

        if (c == 0x7e) {
            if (in && n > 0) {
                ck_assert_int_lt(k, max);
                ck_assert_uint_ge(n, 6);
                ck_assert_uint_eq(ref_fcs(0xffff, cur, n), 0xf0b8);
                memcpy(frames[k], cur, n - 2);
                lens[k++] = n - 2;
            }
            in = 1;
            n = 0;
            esc = 0;
            continue;
        }
        ck_assert_msg(c >= 0x20, "an unescaped control character %#x", c);
        if (c == 0x7d) {
            esc = 1;
            continue;
        }
        if (esc) {
            c ^= 0x20;
            esc = 0;
        }
        cur[n++] = c;
    }
    return k;
}

/* The FCS-16's check value (RFC 1662's CRC, as the CRC catalogues call
 * it X-25: 0x906e over "123456789"), and its good final value. */
START_TEST(test_fcs)
{
    const uint8_t *s = (const uint8_t *)"123456789";
    uint16_t f = 0xffff;
    unsigned i, b;

    make_table();
    for (i = 0; i < 9; i++) {
        f = pagec_ppp_fcs(f, s[i]);
    }
    ck_assert_uint_eq((uint16_t)~f, 0x906e);
    for (b = 0; b < 65536; b += 257) {
        for (i = 0; i < 256; i++) {
            uint8_t c = (uint8_t)i;

            ck_assert_uint_eq(pagec_ppp_fcs((uint16_t)b, c),
                              ref_fcs((uint16_t)b, &c, 1));
        }
    }
}
END_TEST

static uint8_t frames[8][1600];
static size_t lens[8];

/* LCP, through RFC 1661's states: a Configure-Request with MRU, ACCM
 * and magic number gets its Ack (the same identifier and options), then
 * the device's own request, empty; one with authentication, PFC, ACFC
 * and callback besides gets a Reject of those alone, and no second
 * request; the device's request acked and the peer's again: Opened, an
 * Ack alone; another request of the peer's once open (it started over):
 * an Ack and the device's request again, which goes once more when 3 s
 * pass without its Ack (pagec_ppp_poll()), not before; a
 * Terminate-Request: its Ack, and all starts afresh. */
START_TEST(test_lcp_configure)
{
    static const uint8_t req[] = {1, 0x11, 0, 20, 1, 4, 0x05, 0xdc, 2, 6,
                                  0, 0,    0, 0,  5, 6, 0x12, 0x34, 0x56,
                                  0x78};
    static const uint8_t req2[] = {1, 0x12, 0, 25, 1, 4, 0x05, 0xdc, 3, 4,
                                   0xc0, 0x23, 5, 6, 1, 2, 3, 4, 7, 2, 8,
                                   2, 0x0d, 3, 6, 0};
    static const uint8_t term[] = {5, 0x13, 0, 4};
    uint8_t ack[4] = {2, 0, 0, 4};
    int k;

    make_table();
    ck_assert_uint_eq(feed_frame(0xc021, req, sizeof req, 0), 0);
    k = read_frames(frames, lens, 8);
    ck_assert_int_eq(k, 2);
    ck_assert_uint_eq(lens[0], 4 + sizeof req);
    ck_assert_mem_eq(frames[0], "\xff\x03\xc0\x21\x02\x11\x00\x14", 8);
    ck_assert_mem_eq(frames[0] + 8, req + 4, sizeof req - 4);
    ck_assert_uint_eq(lens[1], 8);
    ck_assert_mem_eq(frames[1], "\xff\x03\xc0\x21\x01", 5);
    ck_assert_mem_eq(frames[1] + 6, "\x00\x04", 2);
    ack[1] = frames[1][5];

    nline = 0;
    feed_frame(0xc021, req2, sizeof req2, 0);
    k = read_frames(frames, lens, 8);
    ck_assert_int_eq(k, 1);
    /* Reject: auth (3), PFC (7), ACFC (8), the callback option (13) */
    ck_assert_uint_eq(lens[0], 4 + 4 + 4 + 2 + 2 + 3);
    ck_assert_mem_eq(frames[0] + 4, "\x04\x12\x00\x0f\x03\x04\xc0\x23\x07\x02"
                                    "\x08\x02\x0d\x03\x06", 15);
    /* the device's request acked, the peer's again: Opened, an Ack */
    nline = 0;
    feed_frame(0xc021, ack, sizeof ack, 0);
    ck_assert_uint_eq(nline, 0);
    feed_frame(0xc021, req, sizeof req, 0);
    k = read_frames(frames, lens, 8);
    ck_assert_int_eq(k, 1);
    ck_assert_uint_eq(frames[0][4], 2);
    nline = 0;
    pagec_ppp_poll(&ppp, &srv, 100000, put, NULL);
    ck_assert_uint_eq(nline, 0); /* open: no request */
    /* the peer starts over */
    feed_frame(0xc021, req, sizeof req, 5000);
    k = read_frames(frames, lens, 8);
    ck_assert_int_eq(k, 2);
    ck_assert_uint_eq(frames[0][4], 2);
    ck_assert_uint_eq(frames[1][4], 1);
    ck_assert_uint_ne(frames[1][5], ack[1]);
    ack[1] = frames[1][5];
    nline = 0;
    pagec_ppp_poll(&ppp, &srv, 7999, put, NULL);
    ck_assert_uint_eq(nline, 0);
    pagec_ppp_poll(&ppp, &srv, 8000, put, NULL);
    k = read_frames(frames, lens, 8);
    ck_assert_int_eq(k, 1);
    ck_assert_uint_eq(frames[0][4], 1);
    ck_assert_uint_ne(frames[0][5], ack[1]);
    /* Terminate: its Ack; then a request starts it all again */
    nline = 0;
    feed_frame(0xc021, term, sizeof term, 9000);
    k = read_frames(frames, lens, 8);
    ck_assert_int_eq(k, 1);
    ck_assert_mem_eq(frames[0] + 4, "\x06\x13\x00\x04", 4);
    nline = 0;
    pagec_ppp_poll(&ppp, &srv, 20000, put, NULL);
    ck_assert_uint_eq(nline, 0);
#if PAGEC_MODEM
    pagec_ppp_input(&ppp, &srv, 0x7e, 20000, put, NULL); /* data mode */
#endif
    feed_frame(0xc021, req, sizeof req, 20000);
    ck_assert_int_eq(read_frames(frames, lens, 8), 2);
}
END_TEST

/* IPCP: the peer's IP-Address taken, VJ compression rejected; the
 * device's request names its address; a Nak of it: the request again
 * without it; none when the device has no address. */
START_TEST(test_ipcp)
{
    static const uint8_t req[] = {1, 7, 0, 10, 3, 6, 192, 0, 2, 1};
    static const uint8_t vj[] = {1, 8, 0, 16, 2, 6, 0, 0x2d, 0x0f, 1,
                                 3, 6, 192, 0, 2, 1};
    uint8_t nak[10] = {3, 0, 0, 10, 3, 6, 10, 0, 0, 9};
    int k;

    make_table();
    feed_frame(0x8021, req, sizeof req, 0);
    k = read_frames(frames, lens, 8);
    ck_assert_int_eq(k, 2);
    ck_assert_mem_eq(frames[0], "\xff\x03\x80\x21\x02\x07\x00\x0a\x03\x06"
                                "\xc0\x00\x02\x01", 14);
    ck_assert_uint_eq(lens[1], 14);
    ck_assert_mem_eq(frames[1], "\xff\x03\x80\x21\x01", 5);
    ck_assert_mem_eq(frames[1] + 6, "\x00\x0a\x03\x06\xc0\x00\x02\x02", 8);
    nak[1] = frames[1][5];
    nline = 0;
    feed_frame(0x8021, vj, sizeof vj, 0);
    k = read_frames(frames, lens, 8);
    ck_assert_int_eq(k, 1);
    ck_assert_mem_eq(frames[0] + 4, "\x04\x08\x00\x0a\x02\x06\x00\x2d\x0f\x01",
                     10);
    /* the peer Naks the device's address: a request without it */
    nline = 0;
    feed_frame(0x8021, nak, sizeof nak, 0);
    k = read_frames(frames, lens, 8);
    ck_assert_int_eq(k, 1);
    ck_assert_uint_eq(lens[0], 8);
    ck_assert_uint_eq(frames[0][4], 1);
    /* no address: an empty request */
    pagec_ppp_init(&ppp, rxbuf, sizeof rxbuf);
#if PAGEC_MODEM
    pagec_ppp_input(&ppp, &srv, 0x7e, 0, put, NULL); /* data mode */
#endif
    memset(srv.addr, 0, 4);
    nline = 0;
    feed_frame(0x8021, req, sizeof req, 0);
    k = read_frames(frames, lens, 8);
    ck_assert_int_eq(k, 2);
    ck_assert_uint_eq(lens[1], 8);
}
END_TEST

/* Echo-Request, Terminate-Request, an unknown code, an unknown
 * protocol; Acks and replies get nothing. */
START_TEST(test_lcp_other)
{
    static const uint8_t echo[] = {9, 3, 0, 12, 0xde, 0xad, 0xbe, 0xef,
                                   'p', 'i', 'n', 'g'};
    static const uint8_t term[] = {5, 4, 0, 4};
    static const uint8_t odd[] = {12, 5, 0, 6, 1, 2};
    static const uint8_t v6cp[] = {1, 1, 0, 4};
    static const uint8_t ack[] = {2, 1, 0, 4};
    int k;

    make_table();
    feed_frame(0xc021, echo, sizeof echo, 0);
    feed_frame(0xc021, term, sizeof term, 0);
    feed_frame(0xc021, odd, sizeof odd, 0);
    feed_frame(0x8057, v6cp, sizeof v6cp, 0);
    feed_frame(0xc021, ack, sizeof ack, 0);
    feed_frame(0x8021, ack, sizeof ack, 0);
    k = read_frames(frames, lens, 8);
    ck_assert_int_eq(k, 4);
    ck_assert_uint_eq(lens[0], 4 + 12);
    ck_assert_mem_eq(frames[0] + 4, "\x0a\x03\x00\x0c\x00\x00\x00\x00ping", 12);
    ck_assert_uint_eq(lens[1], 8);
    ck_assert_mem_eq(frames[1] + 4, "\x06\x04\x00\x04", 4);
    ck_assert_uint_eq(lens[2], 4 + 4 + 6);
    ck_assert_mem_eq(frames[2] + 2, "\xc0\x21\x07", 3);
    ck_assert_mem_eq(frames[2] + 6, "\x00\x0a", 2);
    ck_assert_mem_eq(frames[2] + 8, odd, 6);
    ck_assert_uint_eq(lens[3], 4 + 6 + 4);
    ck_assert_mem_eq(frames[3] + 2, "\xc0\x21\x08", 3);
    ck_assert_mem_eq(frames[3] + 8, "\x80\x57\x01\x01\x00\x04", 6);
}
END_TEST

/* An IPv4 datagram comes out whole at buf + 4; a wrong FCS, an abort
 * (0x7d 0x7e), a frame longer than the buffer and one without its
 * address and control fields are dropped. */
START_TEST(test_ip)
{
    uint8_t d[100];
    size_t i;

    make_table();
    for (i = 0; i < sizeof d; i++) {
        d[i] = (uint8_t)(i * 7);
    }
    ck_assert_uint_eq(feed_frame(0x0021, d, sizeof d, 0), sizeof d);
    ck_assert_mem_eq(rxbuf + PAGEC_PPP_HLEN, d, sizeof d);
    ck_assert_uint_eq(nline, 0);
    /* a wrong FCS: the last data byte flipped on the way */
    pagec_ppp_input(&ppp, &srv, 0x7e, 0, put, NULL);
    pagec_ppp_input(&ppp, &srv, 0xff, 0, put, NULL);
    pagec_ppp_input(&ppp, &srv, 0x7d, 0, put, NULL);
    pagec_ppp_input(&ppp, &srv, 0x23, 0, put, NULL);
    pagec_ppp_input(&ppp, &srv, 0x7d, 0, put, NULL);
    pagec_ppp_input(&ppp, &srv, 0x20, 0, put, NULL);
    pagec_ppp_input(&ppp, &srv, 0x21, 0, put, NULL);
    for (i = 0; i < 10; i++) {
        pagec_ppp_input(&ppp, &srv, 0x41, 0, put, NULL);
    }
    ck_assert_uint_eq(pagec_ppp_input(&ppp, &srv, 0x7e, 0, put, NULL), 0);
    /* an abort: escape then flag */
    pagec_ppp_input(&ppp, &srv, 0xff, 0, put, NULL);
    pagec_ppp_input(&ppp, &srv, 0x7d, 0, put, NULL);
    ck_assert_uint_eq(pagec_ppp_input(&ppp, &srv, 0x7e, 0, put, NULL), 0);
    /* a whole good frame, aborted at its end (0x7d before the flag) */
    nline = 0;
    {
        uint8_t f[8] = {0xff, 0x03, 0x00, 0x21, 0x45, 0x46};
        uint16_t fcs = (uint16_t)~ref_fcs(0xffff, f, 6);

        f[6] = (uint8_t)fcs;
        f[7] = (uint8_t)(fcs >> 8);
        pagec_ppp_input(&ppp, &srv, 0x7e, 0, put, NULL);
        for (i = 0; i < 8; i++) {
            if (f[i] < 0x20 || f[i] == 0x7e || f[i] == 0x7d) {
                pagec_ppp_input(&ppp, &srv, 0x7d, 0, put, NULL);
                pagec_ppp_input(&ppp, &srv, (uint8_t)(f[i] ^ 0x20), 0, put,
                                NULL);
            } else {
                pagec_ppp_input(&ppp, &srv, f[i], 0, put, NULL);
            }
        }
        pagec_ppp_input(&ppp, &srv, 0x7d, 0, put, NULL);
        ck_assert_uint_eq(pagec_ppp_input(&ppp, &srv, 0x7e, 0, put, NULL), 0);
        /* the same without the abort: 2 bytes */
        ck_assert_uint_eq(feed_frame(0x0021, f + 4, 2, 0), 2);
    }
    /* too long for a 64-byte buffer */
    pagec_ppp_init(&ppp, rxbuf, 64);
    ck_assert_uint_eq(feed_frame(0x0021, d, 60, 0), 0);
    ck_assert_uint_eq(feed_frame(0x0021, d, 58, 0), 58);
    ck_assert_uint_eq(nline, 0);
}
END_TEST

/* A reply of the server in a frame: protocol IPv4, the bytes of
 * pagec_reply_copy(). */
START_TEST(test_send_reply)
{
    struct pagec_reply r;
    uint8_t want[200];
    int k;

    make_table();
    memset(&r, 0, sizeof r);
    r.hdr_len = 24;
    for (k = 0; k < 24; k++) {
        r.hdr[k] = (uint8_t)(k * 13); /* control characters among them */
    }
    r.body = (const uint8_t *)"\x7e\x7d body";
    r.body_len = 7;
    ck_assert_uint_eq(pagec_reply_copy(&r, want, sizeof want), 31);
    pagec_ppp_send_reply(&r, put, NULL);
    k = read_frames(frames, lens, 8);
    ck_assert_int_eq(k, 1);
    ck_assert_uint_eq(lens[0], 4 + 31);
    ck_assert_mem_eq(frames[0], "\xff\x03\x00\x21", 4);
    ck_assert_mem_eq(frames[0] + 4, want, 31);
}
END_TEST

/* Feeds a string to the device at now. */
static void say(const char *s, uint32_t now)
{
    while (*s) {
        ck_assert_uint_eq(pagec_ppp_input(&ppp, &srv, (uint8_t)*s++, now,
                                          put, NULL),
                          0);
    }
}

#define HEARD(s)                                                             \
    do {                                                                     \
        ck_assert_uint_eq(nline, strlen(s));                                 \
        ck_assert_mem_eq(line, s, strlen(s));                                \
        nline = 0;                                                           \
    } while (0)

/* The modem's dialogue: AT commands get OK, ATD CONNECT and data mode,
 * "+++" between pauses OK and command mode (not without the pauses),
 * ATH OK, ATO CONNECT and data mode, CLIENT CLIENTSERVER and data mode,
 * another line ERROR, a PPP flag data mode at once. */
START_TEST(test_modem)
{
    static const uint8_t term[] = {5, 4, 0, 4};
    static const uint8_t echo[] = {9, 5, 0, 8, 0, 0, 0, 0};
    int k;

#if PAGEC_MODEM
    make_table();
    say("AT\r", 0);
    HEARD("\r\nOK\r\n");
    say("ate0 v1\r", 10);
    HEARD("\r\nOK\r\n");
    say("HELLO\r", 20);
    HEARD("\r\nERROR\r\n");
    say("ATDT5551234\r", 30);
    HEARD("\r\nCONNECT 115200\r\n");
    feed_frame(0xc021, echo, sizeof echo, 40);
    k = read_frames(frames, lens, 8);
    ck_assert_int_eq(k, 1);
    nline = 0;
    /* "+++" without a pause before it: data */
    say("+++", 500);
    pagec_ppp_poll(&ppp, &srv, 2000, put, NULL);
    ck_assert_uint_eq(nline, 0);
    /* with the pauses: OK, once 1 s has passed after it */
    say("+++", 3000);
    pagec_ppp_poll(&ppp, &srv, 3900, put, NULL);
    ck_assert_uint_eq(nline, 0);
    pagec_ppp_poll(&ppp, &srv, 4000, put, NULL);
    HEARD("\r\nOK\r\n");
    say("ATH0\r", 4100);
    HEARD("\r\nOK\r\n");
    say("ATO\r", 4200);
    HEARD("\r\nCONNECT 115200\r\n");
    /* a Terminate-Request: its Ack, and command mode (the dialer hangs
     * up after it, and dials again) */
    feed_frame(0xc021, term, sizeof term, 4300);
    ck_assert_int_eq(read_frames(frames, lens, 8), 1);
    nline = 0;
    say("ATDT0\r", 4400);
    HEARD("\r\nCONNECT 115200\r\n");
    /* a new start: the direct cable's CLIENT */
    pagec_ppp_init(&ppp, rxbuf, sizeof rxbuf);
    say("CLIENT", 0);
    HEARD("CLIENTSERVER");
    feed_frame(0xc021, echo, sizeof echo, 10);
    ck_assert_int_eq(read_frames(frames, lens, 8), 1);
    /* and a peer that sends PPP at once */
    pagec_ppp_init(&ppp, rxbuf, sizeof rxbuf);
    nline = 0;
    feed_frame(0xc021, echo, sizeof echo, 0);
    ck_assert_int_eq(read_frames(frames, lens, 8), 1);
#else
    (void)term;
    (void)echo;
    (void)k;
#endif
}
END_TEST

Suite *ppp_suite(void)
{
    Suite *s = suite_create("ppp");
    TCase *tc = tcase_create("ppp");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_fcs);
    tcase_add_test(tc, test_lcp_configure);
    tcase_add_test(tc, test_ipcp);
    tcase_add_test(tc, test_lcp_other);
    tcase_add_test(tc, test_ip);
    tcase_add_test(tc, test_send_reply);
    tcase_add_test(tc, test_modem);
    suite_add_tcase(s, tc);
    return s;
}
