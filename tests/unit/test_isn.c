/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_isn.c - HalfSipHash-2-4 against the reference test vectors, a
 * second implementation checked against them too, and the ISN function
 * (HalfSipHash-1-3) checked with it.
 */
#include <string.h>

#include "halfsiphash_vectors.h"
#include "helper.h"
#include "pagec/pagec.h"

/* HalfSipHash-c-d of the tests' own, written from the paper's
 * description: checked against the reference vectors with c = 2, d = 4
 * below, then used with c = 1, d = 3 to check the runtime's ISN. */
static uint32_t rotl(uint32_t x, int b)
{
    return x << b | x >> (32 - b);
}

static void sipround(uint32_t v[4])
{
    v[0] += v[1]; v[1] = rotl(v[1], 5); v[1] ^= v[0]; v[0] = rotl(v[0], 16);
    v[2] += v[3]; v[3] = rotl(v[3], 8); v[3] ^= v[2];
    v[0] += v[3]; v[3] = rotl(v[3], 7); v[3] ^= v[0];
    v[2] += v[1]; v[1] = rotl(v[1], 13); v[1] ^= v[2]; v[2] = rotl(v[2], 16);
}

static uint32_t my_hsh(const uint8_t k[8], const uint8_t *m, size_t len,
                       int c, int d)
{
    uint32_t k0 = k[0] | k[1] << 8 | k[2] << 16 | (uint32_t)k[3] << 24;
    uint32_t k1 = k[4] | k[5] << 8 | k[6] << 16 | (uint32_t)k[7] << 24;
    uint32_t v[4] = {k0, k1, 0x6c796765u ^ k0, 0x74656462u ^ k1};
    size_t i;
    int r;

    for (i = 0; i <= len / 4; i++) {
        uint32_t w = 0;
        size_t j;

        for (j = 0; j < 4; j++) {
            size_t at = i * 4 + j;

            if (at < len) {
                w |= (uint32_t)m[at] << (8 * j);
            }
        }
        if (i == len / 4) {
            w |= (uint32_t)(len & 0xff) << 24;
        }
        v[3] ^= w;
        for (r = 0; r < c; r++) {
            sipround(v);
        }
        v[0] ^= w;
    }
    v[2] ^= 0xff;
    for (r = 0; r < d; r++) {
        sipround(v);
    }
    return v[1] ^ v[3];
}

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
        /* the tests' own implementation too, before it checks the ISN */
        ck_assert_uint_eq(my_hsh(key, msg, i, 2, 4), want);
        ck_assert_msg(pagec_halfsiphash(key, msg, i) == want,
                      "length %u: got %08x, want %08x", i,
                      pagec_halfsiphash(key, msg, i), want);
    }
}
END_TEST

/* The ISN (pagec.h): slot mod 4 and MSS class in the top four bits; then
 * A, the low 14 bits of HalfSipHash-1-3 of client address, server
 * address, client port, server port (network order) and slot * 4 + class
 * (a 32-bit big-endian word); then B, the hash's next 14 bits plus 0x2001
 * times bits 16-31 of the client's ISN + 1, mod 2^14. */
START_TEST(test_isn_layout)
{
    static const uint8_t key[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    static const uint8_t c[4] = {192, 0, 2, 1};
    static const uint8_t s[4] = {192, 0, 2, 2};
    uint32_t slot = 0x0123456bu;
    uint32_t w = slot * 4 + 2;
    uint8_t m[16] = {192, 0, 2, 1, 192, 0, 2, 2, 0x9c, 0x40, 0x00, 0x50};
    uint32_t client_isn = 0xfedcba98u;
    uint32_t hi = (client_isn + 1) >> 16;
    uint32_t h;
    uint32_t isn = pagec_isn(key, c, s, 40000, 80, slot, 2, client_isn);

    m[12] = (uint8_t)(w >> 24);
    m[13] = (uint8_t)(w >> 16);
    m[14] = (uint8_t)(w >> 8);
    m[15] = (uint8_t)w;
    h = my_hsh(key, m, sizeof m, 1, 3);
    ck_assert_uint_eq(isn >> 30, 3);        /* slot mod 4 */
    ck_assert_uint_eq((isn >> 28) & 3, 2);  /* MSS class */
    ck_assert_uint_eq((isn >> 14) & 0x3fff, h & 0x3fff);
    ck_assert_uint_eq(isn & 0x3fff, ((h >> 14) + hi * 0x2001u) & 0x3fff);
}
END_TEST

/* Every input that names the connection, the slot, the class, the key and
 * the client's ISN (bits 16-31 of it + 1) change the ISN. */
START_TEST(test_isn_depends_on_everything)
{
    uint8_t key[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t c[4] = {192, 0, 2, 1};
    uint8_t s[4] = {192, 0, 2, 2};
    uint32_t ci = 0x10000u;
    uint32_t base = pagec_isn(key, c, s, 40000, 80, 7, 1, ci);

    ck_assert_uint_ne(pagec_isn(key, c, s, 40001, 80, 7, 1, ci), base);
    ck_assert_uint_ne(pagec_isn(key, c, s, 40000, 81, 7, 1, ci), base);
    ck_assert_uint_ne(pagec_isn(key, c, s, 40000, 80, 11, 1, ci) & 0x0fffffffu,
                      base & 0x0fffffffu); /* same slot bits, new slot */
    ck_assert_uint_ne(pagec_isn(key, c, s, 40000, 80, 7, 2, ci) & 0x0fffffffu,
                      base & 0x0fffffffu);
    /* a new connection on the same four-tuple in the same slot: a client
     * ISN 10 s later by RFC 6528's 4-microsecond clock */
    ck_assert_uint_ne(pagec_isn(key, c, s, 40000, 80, 7, 1, ci + 2500000u),
                      base);
    c[3] = 3;
    ck_assert_uint_ne(pagec_isn(key, c, s, 40000, 80, 7, 1, ci), base);
    c[3] = 1;
    s[3] = 3;
    ck_assert_uint_ne(pagec_isn(key, c, s, 40000, 80, 7, 1, ci), base);
    s[3] = 2;
    key[7] ^= 0x80;
    ck_assert_uint_ne(pagec_isn(key, c, s, 40000, 80, 7, 1, ci), base);
    key[7] ^= 0x80;
    ck_assert_uint_eq(pagec_isn(key, c, s, 40000, 80, 7, 1, ci), base);
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
