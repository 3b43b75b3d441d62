/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_slip.c - SLIP framing (RFC 1055): frames written out by hand from
 * the RFC's rules, a second encoder of the test's own, and hostile input.
 */
#include <stdlib.h>
#include <string.h>

#include "helper.h"
#include "pagec/slip.h"

/* What the encoder under test wrote. */
static uint8_t line[4096];
static size_t nline;

static void put(uint8_t c, void *ctx)
{
    (void)ctx;
    ck_assert_uint_lt(nline, sizeof line);
    line[nline++] = c;
}

/* The test's own encoder: END, the bytes with C0 -> DB DC and DB -> DB DD,
 * END. */
static size_t ref_encode(const uint8_t *p, size_t n, uint8_t *out)
{
    size_t k = 0;
    size_t i;

    out[k++] = 0xc0;
    for (i = 0; i < n; i++) {
        if (p[i] == 0xc0 || p[i] == 0xdb) {
            out[k++] = 0xdb;
            out[k++] = p[i] == 0xc0 ? 0xdc : 0xdd;
        } else {
            out[k++] = p[i];
        }
    }
    out[k++] = 0xc0;
    return k;
}

START_TEST(test_slip_encode_by_hand)
{
    static const uint8_t data[] = {0x45, 0xc0, 0xdb, 0x01, 0xdc, 0xdd};
    static const uint8_t want[] = {0xc0, 0x45, 0xdb, 0xdc, 0xdb, 0xdd,
                                   0x01, 0xdc, 0xdd, 0xc0};

    nline = 0;
    pagec_slip_send(data, sizeof data, put, NULL);
    ck_assert_uint_eq(nline, sizeof want);
    ck_assert_mem_eq(line, want, sizeof want);
    nline = 0;
    pagec_slip_send(data, 0, put, NULL);
    ck_assert_uint_eq(nline, 2); /* END END */
}
END_TEST

/* Feeds bytes; returns the number of frames, the last one in *last. */
static int feed(struct pagec_slip *s, const uint8_t *p, size_t n,
                uint16_t *last)
{
    int frames = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        uint16_t len = pagec_slip_input(s, p[i]);

        if (len) {
            frames++;
            *last = len;
        }
    }
    return frames;
}

START_TEST(test_slip_decode_round_trip)
{
    uint8_t buf[1500];
    uint8_t data[1500];
    uint8_t enc[3100];
    struct pagec_slip s;
    size_t n;
    int round;

    srand(1055);
    pagec_slip_init(&s, buf, sizeof buf);
    for (round = 0; round < 200; round++) {
        uint16_t len = 0;
        size_t i;

        n = 1 + (size_t)rand() % sizeof data;
        for (i = 0; i < n; i++) {
            /* many END and ESC bytes */
            data[i] = (uint8_t)(rand() % 4 == 0 ? (rand() & 1 ? 0xc0 : 0xdb)
                                                : rand());
        }
        ck_assert_int_eq(feed(&s, enc, ref_encode(data, n, enc), &len), 1);
        ck_assert_uint_eq(len, n);
        ck_assert_mem_eq(buf, data, n);
        /* and the encoder under test gives the same line */
        nline = 0;
        pagec_slip_send(data, (uint16_t)n, put, NULL);
        ck_assert_uint_eq(nline, ref_encode(data, n, enc));
        ck_assert_mem_eq(line, enc, nline);
    }
}
END_TEST

START_TEST(test_slip_decode_hostile)
{
    static const uint8_t noise[] = {0x12, 0x34, 0xdb, 0x55, 0xc0, /* noise */
                                    0xc0, 0xc0,                   /* empty */
                                    0x01, 0x02, 0xc0};           /* frame */
    static const uint8_t cut[] = {0x01, 0xdb, 0xc0, 0x07, 0xc0};
    static const uint8_t odd[] = {0x01, 0xdb, 0x41, 0x02, 0xc0};
    uint8_t buf[8];
    uint8_t big[20];
    struct pagec_slip s;
    uint16_t len = 0;
    size_t i;

    /* line noise before a leading END comes out as a frame the IP layer
     * drops (here 3 bytes); empty frames are not reported */
    pagec_slip_init(&s, buf, sizeof buf);
    ck_assert_int_eq(feed(&s, noise, sizeof noise, &len), 2);
    ck_assert_uint_eq(len, 2);
    ck_assert_uint_eq(buf[0], 0x01);
    ck_assert_uint_eq(buf[1], 0x02);
    /* a frame that ends right after ESC is dropped; the next one is fine */
    ck_assert_int_eq(feed(&s, cut, sizeof cut, &len), 1);
    ck_assert_uint_eq(len, 1);
    ck_assert_uint_eq(buf[0], 0x07);
    /* ESC before another byte gives that byte (RFC 1055's reference) */
    ck_assert_int_eq(feed(&s, odd, sizeof odd, &len), 1);
    ck_assert_uint_eq(len, 3);
    ck_assert_uint_eq(buf[1], 0x41);
    /* a frame longer than the buffer is dropped whole, without overrun;
     * the stream resynchronises at the next END */
    memset(big, 0x33, sizeof big);
    big[sizeof big - 1] = 0xc0;
    buf[7] = 0;
    pagec_slip_init(&s, buf, 7);
    ck_assert_int_eq(feed(&s, big, sizeof big, &len), 0);
    ck_assert_uint_eq(buf[7], 0); /* past the size given: untouched */
    ck_assert_int_eq(feed(&s, cut + 3, 2, &len), 1);
    ck_assert_uint_eq(len, 1);
    /* exactly the size fits */
    for (i = 0; i < 7; i++) {
        ck_assert_uint_eq(pagec_slip_input(&s, (uint8_t)i), 0);
    }
    ck_assert_uint_eq(pagec_slip_input(&s, 0xc0), 7);
}
END_TEST

/* The decoder without a frame buffer, on a line written by hand from
 * RFC 1055: what each line byte means. */
START_TEST(test_slip_decode_unbuffered)
{
    static const uint8_t wire[] = {0xc0, 'a', 0xdb, 0xdc, 'b', 0xdb, 0xdd,
                                   0xdb, 'x', 0xc0, 'c', 0xdb, 0xc0, 0xc0};
    static const int16_t want[] = {
        PAGEC_SLIP_FRAME, 'a', PAGEC_SLIP_MORE, 0xc0, 'b', PAGEC_SLIP_MORE,
        0xdb, PAGEC_SLIP_MORE, 'x', PAGEC_SLIP_FRAME, 'c', PAGEC_SLIP_MORE,
        PAGEC_SLIP_BROKEN, PAGEC_SLIP_FRAME};
    uint8_t esc = 0;
    size_t i;

    for (i = 0; i < sizeof wire; i++) {
        ck_assert_int_eq(pagec_slip_decode(&esc, wire[i]), want[i]);
    }
    ck_assert_uint_eq(esc, 0);
}
END_TEST

/* A reply goes out as one frame, header and body (a body in ROM read
 * through PAGEC_ROM_BYTE). */
START_TEST(test_slip_send_reply)
{
    static const uint8_t body[] = {0xc0, 'h', 'i'};
    struct pagec_reply r;
    uint8_t all[sizeof r.hdr + sizeof body];
    uint8_t enc[2 * sizeof all + 2];
    size_t i;

    memset(&r, 0, sizeof r); /* no live fields */
    for (i = 0; i < 40; i++) {
        r.hdr[i] = (uint8_t)(0xd0 + i % 16);
    }
    r.hdr_len = 40;
    r.body = body;
    r.body_len = sizeof body;
    r.body_rom = 1;
    memcpy(all, r.hdr, 40);
    memcpy(all + 40, body, sizeof body);
    nline = 0;
    pagec_slip_send_reply(&r, put, NULL);
    ck_assert_uint_eq(nline, ref_encode(all, 40 + sizeof body, enc));
    ck_assert_mem_eq(line, enc, nline);
}
END_TEST

Suite *slip_suite(void)
{
    Suite *s = suite_create("slip");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_slip_encode_by_hand);
    tcase_add_test(tc, test_slip_decode_round_trip);
    tcase_add_test(tc, test_slip_decode_hostile);
    tcase_add_test(tc, test_slip_decode_unbuffered);
    tcase_add_test(tc, test_slip_send_reply);
    suite_add_tcase(s, tc);
    return s;
}
