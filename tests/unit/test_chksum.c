/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_chksum.c - the Internet checksum shared by pagec and the runtime.
 */
#include <stdlib.h>
#include <string.h>

#include "helper.h"
#include "pagec/chksum.h"

/* RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 2ddf0, which
 * folds to ddf2; the checksum is its complement, 220d. */
START_TEST(test_chksum_rfc1071_example)
{
    static const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03,
                                0xf4, 0xf5, 0xf6, 0xf7};
    uint32_t s = pagec_chksum_add(0, b, sizeof b);

    ck_assert_uint_eq(s, 0x2ddf0);
    ck_assert_uint_eq(pagec_chksum_fold(s), 0xddf2);
    ck_assert_uint_eq((uint16_t)~pagec_chksum_fold(s), 0x220d);
}
END_TEST

/* RFC 1071 section 2(B): the sum does not depend on how the data is split
 * into even-length pieces. */
START_TEST(test_chksum_chained)
{
    static const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03,
                                0xf4, 0xf5, 0xf6, 0xf7};
    uint32_t s = pagec_chksum_add(0, b, 2);

    s = pagec_chksum_add(s, b + 2, 4);
    s = pagec_chksum_add(s, b + 6, 2);
    ck_assert_uint_eq(pagec_chksum_fold(s), 0xddf2);
}
END_TEST

/* An odd length pads the last byte with a zero low byte. */
START_TEST(test_chksum_odd_length)
{
    static const uint8_t one[] = {0xab};
    static const uint8_t three[] = {0x12, 0x34, 0x56};
    uint8_t buf[257];
    size_t n;

    ck_assert_uint_eq(pagec_chksum_add(0, one, 1), 0xab00);
    ck_assert_uint_eq(pagec_chksum_add(0, three, 3), 0x1234 + 0x5600);
    srand(1071);
    for (n = 0; n < sizeof buf; n++) {
        buf[n] = (uint8_t)rand();
    }
    for (n = 0; n <= sizeof buf; n++) {
        ck_assert_uint_eq(
            pagec_chksum_fold(pagec_chksum_add(0, buf, (uint16_t)n)),
            ref_fold(buf, n, 0));
        /* the checking sum, from a start that needs its carries */
        ck_assert_uint_eq(pagec_chksum_check(0xfffff00fu, buf, (uint16_t)n),
                          ref_fold(buf, n, 0xfffff00fu));
    }
}
END_TEST

START_TEST(test_chksum_all_zeros)
{
    static const uint8_t z[64];

    ck_assert_uint_eq(pagec_chksum_add(0, z, 0), 0);
    ck_assert_uint_eq(pagec_chksum_add(0, z, sizeof z), 0);
    ck_assert_uint_eq(pagec_chksum_fold(0), 0);
    ck_assert_uint_eq(pagec_chksum_check(0, z, sizeof z), 0);
    ck_assert_uint_eq((uint16_t)~pagec_chksum_fold(0), 0xffff);
}
END_TEST

/* All ones: every word is 0xffff, one's-complement "negative zero"; the
 * folded sum stays 0xffff however many words there are, and the accumulator
 * holds the largest datagram without overflowing. */
START_TEST(test_chksum_all_ones)
{
    static uint8_t ff[65535];
    uint32_t s;

    memset(ff, 0xff, sizeof ff);
    ck_assert_uint_eq(pagec_chksum_fold(pagec_chksum_add(0, ff, 2)), 0xffff);
    s = pagec_chksum_add(0, ff, 65534);
    ck_assert_uint_eq(s, 32767u * 0xffffu);
    ck_assert_uint_eq(pagec_chksum_fold(s), 0xffff);
    /* 65535 bytes: the last one padded to 0xff00 */
    s = pagec_chksum_add(0, ff, 65535);
    ck_assert_uint_eq(pagec_chksum_fold(s), ref_fold(ff, 65535, 0));
    ck_assert_uint_eq(pagec_chksum_fold(0xffffffffu), 0xffff);
    ck_assert_uint_eq(pagec_chksum_fold(0x0001fffeu), 0xffff);
}
END_TEST

/* A header that carries its own checksum sums to 0xffff: the textbook
 * header 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7. */
START_TEST(test_chksum_verifies_header)
{
    static const uint8_t h[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
                                0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
                                0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    uint8_t z[sizeof h];

    ck_assert_uint_eq(pagec_chksum_fold(pagec_chksum_add(0, h, sizeof h)),
                      0xffff);
    memcpy(z, h, sizeof h);
    z[10] = z[11] = 0;
    ck_assert_uint_eq((uint16_t)~pagec_chksum_fold(
                          pagec_chksum_add(0, z, sizeof z)),
                      0xb861);
}
END_TEST

Suite *chksum_suite(void)
{
    Suite *s = suite_create("chksum");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_chksum_rfc1071_example);
    tcase_add_test(tc, test_chksum_chained);
    tcase_add_test(tc, test_chksum_odd_length);
    tcase_add_test(tc, test_chksum_all_zeros);
    tcase_add_test(tc, test_chksum_all_ones);
    tcase_add_test(tc, test_chksum_verifies_header);
    suite_add_tcase(s, tc);
    return s;
}
