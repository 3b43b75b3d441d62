/*
 * test_isn.c - HalfSipHash-2-4 against the reference test vectors, and the
 * ISN function built on it.
 */
#include <string.h>

#include "halfsiphash_vectors.h"
#include "helper.h"
#include "pagec/pagec.h"

START_TEST(test_isn_halfsiphash_vectors)
{
    uint8_t key[8];
    uint8_t msg[64];
    uint16_t i;

    for (i = 0; i < 8; i++) {
        key[i] = (uint8_t)i;
    }
    for (i = 0; i < 64; i++) {
        const uint8_t *v = halfsiphash_vectors[i];
        uint32_t want = (uint32_t)v[0] | (uint32_t)v[1] << 8 |
                        (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24;

        msg[i] = (uint8_t)i;
        ck_assert_msg(pagec_halfsiphash(key, msg, i) == want,
                      "length %u: got %08x, want %08x", i,
                      pagec_halfsiphash(key, msg, i), want);
    }
}
END_TEST

/* The ISN: slot and MSS class in the top four bits, then 28 bits of the
 * hash of client address, server address, client port, server port, slot
 * and class, in that order and in network byte order. */
START_TEST(test_isn_layout)
{
    static const uint8_t key[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    static const uint8_t c[4] = {192, 0, 2, 1};
    static const uint8_t s[4] = {192, 0, 2, 2};
    static const uint8_t m[17] = {192, 0, 2, 1, 192, 0, 2, 2, 0x9c, 0x40,
                                  0x00, 0x50, 0x12, 0x34, 0x56, 0x7b, 2};
    uint32_t isn = pagec_isn(key, c, s, 40000, 80, 0x1234567bu, 2);

    ck_assert_uint_eq(isn >> 30, 3);        /* slot mod 4 */
    ck_assert_uint_eq((isn >> 28) & 3, 2);  /* MSS class */
    ck_assert_uint_eq(isn & 0x0fffffffu,
                      pagec_halfsiphash(key, m, sizeof m) & 0x0fffffffu);
}
END_TEST

/* Every input that names the connection, the slot, the class and the key
 * change the ISN. */
START_TEST(test_isn_depends_on_everything)
{
    uint8_t key[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t c[4] = {192, 0, 2, 1};
    uint8_t s[4] = {192, 0, 2, 2};
    uint32_t base = pagec_isn(key, c, s, 40000, 80, 7, 1);

    ck_assert_uint_ne(pagec_isn(key, c, s, 40001, 80, 7, 1), base);
    ck_assert_uint_ne(pagec_isn(key, c, s, 40000, 81, 7, 1), base);
    ck_assert_uint_ne(pagec_isn(key, c, s, 40000, 80, 11, 1) & 0x0fffffffu,
                      base & 0x0fffffffu); /* same slot bits, new slot */
    ck_assert_uint_ne(pagec_isn(key, c, s, 40000, 80, 7, 2) & 0x0fffffffu,
                      base & 0x0fffffffu);
    c[3] = 3;
    ck_assert_uint_ne(pagec_isn(key, c, s, 40000, 80, 7, 1), base);
    c[3] = 1;
    s[3] = 3;
    ck_assert_uint_ne(pagec_isn(key, c, s, 40000, 80, 7, 1), base);
    s[3] = 2;
    key[7] ^= 0x80;
    ck_assert_uint_ne(pagec_isn(key, c, s, 40000, 80, 7, 1), base);
    key[7] ^= 0x80;
    ck_assert_uint_eq(pagec_isn(key, c, s, 40000, 80, 7, 1), base);
}
END_TEST

Suite *isn_suite(void)
{
    Suite *s = suite_create("isn");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_isn_halfsiphash_vectors);
    tcase_add_test(tc, test_isn_layout);
    tcase_add_test(tc, test_isn_depends_on_everything);
    suite_add_tcase(s, tc);
    return s;
}
