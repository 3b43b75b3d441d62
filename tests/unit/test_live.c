/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_live.c - the formatting helpers of pagec/live.h: every width from
 * 0 to 64 (and a few wider) against what the C library's snprintf makes
 * of the same value, with guard bytes on both sides of the field that
 * must stay untouched; and a few fields written out by hand.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper.h"
#include "pagec/live.h"

#define GUARD 16
#define CANARY 0xa5
#define WIDTH_MAX 64 /* PAGEC_FIELD_WIDTH_MAX */

/* The field under test at buf + GUARD, guards on both sides. */
static uint8_t buf[GUARD + 255 + GUARD];

/* The widths tried: 0 to 64 each, then a few wider. */
static const uint8_t wide[] = {65, 100, 200, 255};
#define NWIDTHS (WIDTH_MAX + 1 + (int)(sizeof wide / sizeof wide[0]))

static uint8_t width_at(int i)
{
    return i <= WIDTH_MAX ? (uint8_t)i : wide[i - WIDTH_MAX - 1];
}

static uint8_t *field(void)
{
    memset(buf, CANARY, sizeof buf);
    return buf + GUARD;
}

/* The field a helper writes, from what snprintf made with the same width:
 * a string longer than the width is a field of '#'. */
static void fit(char *out, uint8_t width, const char *s)
{
    if (strlen(s) > width) {
        memset(out, '#', width);
        out[width] = '\0';
    } else {
        strcpy(out, s);
    }
}

/* The helper returned ret after writing the field at buf + GUARD: it
 * must hold want, exactly width bytes, and the guards their canaries.
 * Check's assertions are called only on a failure: each one that passes
 * costs a write to the runner, and there are millions of fields. */
static void expect(uint8_t width, uint8_t ret, const char *want,
                   const char *what)
{
    size_t i;

    if (strlen(want) != width) {
        ck_abort_msg("%s: width %u: reference \"%s\"", what, width, want);
    }
    if (ret != width) {
        ck_abort_msg("%s: width %u: returned %u", what, width, ret);
    }
    if (memcmp(buf + GUARD, want, width) != 0) {
        ck_abort_msg("%s: width %u: wrote \"%.*s\", want \"%s\"", what,
                     width, (int)width, (const char *)(buf + GUARD), want);
    }
    for (i = 0; i < GUARD; i++) {
        if (buf[i] != CANARY) {
            ck_abort_msg("%s: width %u: wrote before dst", what, width);
        }
    }
    for (i = GUARD + width; i < sizeof buf; i++) {
        if (buf[i] != CANARY) {
            ck_abort_msg("%s: width %u: wrote dst[%zu], past the field",
                         what, width, i - GUARD);
        }
    }
}

/* The flags tried on every helper; PAGEC_FMT_UPPER and PAGEC_FMT_CUT
 * change no number but hex, and bits no flag uses change nothing. */
static const uint8_t flag_sets[] = {
    0,
    PAGEC_FMT_LEFT,
    PAGEC_FMT_ZERO,
    PAGEC_FMT_LEFT | PAGEC_FMT_ZERO,
    PAGEC_FMT_UPPER,
    PAGEC_FMT_CUT,
    PAGEC_FMT_ZERO | PAGEC_FMT_UPPER | PAGEC_FMT_CUT,
    0xf0,
    0xff,
};
#define NFLAGS (sizeof flag_sets / sizeof flag_sets[0])

/* printf's flag for an alignment: '-' overrides '0', as in the helpers */
static const char *pad_flag(uint8_t flags)
{
    return flags & PAGEC_FMT_LEFT ? "-" : flags & PAGEC_FMT_ZERO ? "0" : "";
}

/* A pseudo-random sequence of the test's own (xorshift32). */
static uint32_t rnd_state = 0x2545f491u;

static uint32_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;
    return rnd_state;
}

/* Unsigned values: the ends, each power of ten and its neighbours, 2^k
 * and its neighbours, and random ones of every length. */
static size_t u32_values(uint32_t *v)
{
    size_t n = 0;
    uint64_t p;
    int k;

    v[n++] = 0;
    v[n++] = UINT32_MAX;
    v[n++] = 12345;
    v[n++] = 99999;
    for (p = 10; p <= UINT32_MAX; p *= 10) {
        v[n++] = (uint32_t)p - 1;
        v[n++] = (uint32_t)p;
        v[n++] = (uint32_t)p + 1;
    }
    for (k = 1; k < 32; k++) {
        v[n++] = (uint32_t)1 << k;
        v[n++] = ((uint32_t)1 << k) - 1;
    }
    for (k = 0; k < 40; k++) {
        v[n++] = rnd() >> (k % 32);
    }
    return n;
}

START_TEST(test_live_u32_every_width)
{
    uint32_t v[200];
    size_t nv = u32_values(v);
    size_t i, f;
    int w;

    for (i = 0; i < nv; i++) {
        for (f = 0; f < NFLAGS; f++) {
            for (w = 0; w < NWIDTHS; w++) {
                uint8_t width = width_at(w);
                uint8_t fl = flag_sets[f];
                char fmt[16], s[300], want[300], what[80];
                uint8_t ret;

                snprintf(fmt, sizeof fmt, "%%%s*" PRIu32, pad_flag(fl));
                snprintf(s, sizeof s, fmt, (int)width, v[i]);
                fit(want, width, s);
                ret = pagec_fmt_u32(field(), width, v[i], fl);
                snprintf(what, sizeof what, "u32 %" PRIu32 " flags %#x",
                         v[i], fl);
                expect(width, ret, want, what);
            }
        }
    }
}
END_TEST

/* Signed values: both ends, zero, and the unsigned values and their
 * negatives that fit. */
static size_t i32_values(int32_t *v)
{
    uint32_t u[200];
    size_t nu = u32_values(u);
    size_t n = 0;
    size_t i;

    v[n++] = INT32_MIN;
    v[n++] = INT32_MIN + 1;
    v[n++] = INT32_MAX;
    v[n++] = -1;
    for (i = 0; i < nu; i++) {
        if (u[i] <= INT32_MAX) {
            v[n++] = (int32_t)u[i];
            v[n++] = -(int32_t)u[i];
        }
    }
    return n;
}

START_TEST(test_live_i32_every_width)
{
    int32_t v[400];
    size_t nv = i32_values(v);
    size_t i, f;
    int w;

    for (i = 0; i < nv; i++) {
        for (f = 0; f < NFLAGS; f++) {
            for (w = 0; w < NWIDTHS; w++) {
                uint8_t width = width_at(w);
                uint8_t fl = flag_sets[f];
                char fmt[16], s[300], want[300], what[80];
                uint8_t ret;

                snprintf(fmt, sizeof fmt, "%%%s*" PRId32, pad_flag(fl));
                snprintf(s, sizeof s, fmt, (int)width, v[i]);
                fit(want, width, s);
                ret = pagec_fmt_i32(field(), width, v[i], fl);
                snprintf(what, sizeof what, "i32 %" PRId32 " flags %#x",
                         v[i], fl);
                expect(width, ret, want, what);
            }
        }
    }
}
END_TEST

/* The reference of a fixed-point field: v / 10^decimals as a double,
 * printed with decimals digits after the point. The quotient is the
 * double nearest the exact one, whose error is far below half a unit of
 * the last digit printed, so printf's rounding gives the exact digits. */
static void ref_fixed(char *want, uint8_t width, int32_t v, uint8_t decimals,
                      uint8_t flags)
{
    double p = 1;
    char fmt[16], s[300];
    uint8_t i;

    for (i = 0; i < decimals; i++) {
        p *= 10; /* exact up to 10^22 */
    }
    snprintf(fmt, sizeof fmt, "%%%s*.*f", pad_flag(flags));
    snprintf(s, sizeof s, fmt, (int)width, (int)decimals, (double)v / p);
    fit(want, width, s);
}

START_TEST(test_live_fixed_every_width)
{
    static const int32_t extra[] = {5, -5, 215, -215, 50, -50, 1234567,
                                    -1234567};
    int32_t v[400];
    size_t nv = i32_values(v);
    size_t i, f;
    uint8_t d;
    int w;

    for (i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        v[nv++] = extra[i];
    }
    for (d = 0; d <= 12; d++) {
        for (i = 0; i < nv; i++) {
            for (f = 0; f < NFLAGS; f++) {
                for (w = 0; w < NWIDTHS; w++) {
                    uint8_t width = width_at(w);
                    uint8_t fl = flag_sets[f];
                    char want[300], what[80];
                    uint8_t ret;

                    ref_fixed(want, width, v[i], d, fl);
                    ret = pagec_fmt_fixed(field(), width, v[i], d, fl);
                    snprintf(what, sizeof what,
                             "fixed %" PRId32 " decimals %u flags %#x", v[i],
                             d, fl);
                    expect(width, ret, want, what);
                }
            }
        }
    }
}
END_TEST

/* The reference of a hex field: printf's precision is the least number
 * of digits (at least 1: a precision of 0 prints nothing for 0); zero
 * padding, which printf ignores with a precision, is a second pass. */
static void ref_hex(char *want, uint8_t width, uint32_t v, uint8_t digits,
                    uint8_t flags)
{
    const char *x = flags & PAGEC_FMT_UPPER ? PRIX32 : PRIx32;
    int prec = digits > 1 ? digits : 1;
    char fmt[16], s[300], t[300];

    snprintf(fmt, sizeof fmt, "%%.*%s", x);
    snprintf(s, sizeof s, fmt, prec, v);
    if ((flags & (PAGEC_FMT_LEFT | PAGEC_FMT_ZERO)) == PAGEC_FMT_ZERO &&
        strlen(s) < width) {
        snprintf(fmt, sizeof fmt, "%%0*%s", x);
        snprintf(t, sizeof t, fmt, (int)width, v);
    } else if (flags & PAGEC_FMT_LEFT) {
        snprintf(t, sizeof t, "%-*s", (int)width, s);
    } else {
        snprintf(t, sizeof t, "%*s", (int)width, s);
    }
    fit(want, width, t);
}

START_TEST(test_live_hex_every_width)
{
    uint32_t v[200];
    size_t nv = u32_values(v);
    size_t i, f;
    uint8_t digits;
    int w;

    v[nv++] = 0xdeadbeefu;
    v[nv++] = 0x0abcdef0u;
    for (digits = 0; digits <= 12; digits++) {
        for (i = 0; i < nv; i++) {
            for (f = 0; f < NFLAGS; f++) {
                for (w = 0; w < NWIDTHS; w++) {
                    uint8_t width = width_at(w);
                    uint8_t fl = flag_sets[f];
                    char want[300], what[80];
                    uint8_t ret;

                    ref_hex(want, width, v[i], digits, fl);
                    ret = pagec_fmt_hex(field(), width, v[i], digits, fl);
                    snprintf(what, sizeof what,
                             "hex %#" PRIx32 " digits %u flags %#x", v[i],
                             digits, fl);
                    expect(width, ret, want, what);
                }
            }
        }
    }
}
END_TEST

/* The reference of a string field: printf's alignment, '#' when longer
 * than the field, or its first width bytes with PAGEC_FMT_CUT. */
static void ref_text(char *want, uint8_t width, const char *str,
                     uint8_t flags)
{
    char s[600];

    if ((flags & PAGEC_FMT_CUT) && strlen(str) > width) {
        memcpy(want, str, width);
        want[width] = '\0';
        return;
    }
    snprintf(s, sizeof s, flags & PAGEC_FMT_LEFT ? "%-*s" : "%*s",
             (int)width, str);
    fit(want, width, s);
}

START_TEST(test_live_text_every_width)
{
    static char big[300];
    const char *strs[] = {
        "", "a", "on", "off", "21.5 C", "a b\tc<>&", "\xc3\xa9t\xc3\xa9",
        "0123456789012345678901234567890123456789012345678901234567890123",
        big};
    size_t i, f;
    int w;

    memset(big, 'x', sizeof big - 1);
    for (i = 0; i < sizeof big - 1; i += 7) {
        big[i] = (char)('0' + i % 10);
    }
    for (i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        for (f = 0; f < NFLAGS; f++) {
            for (w = 0; w < NWIDTHS; w++) {
                uint8_t width = width_at(w);
                uint8_t fl = flag_sets[f];
                char want[300], what[80];
                uint8_t ret;

                ref_text(want, width, strs[i], fl);
                snprintf(what, sizeof what, "text %zu flags %#x", i, fl);
                ret = pagec_fmt_text(field(), width, strs[i], fl);
                expect(width, ret, want, what);
                /* PAGEC_ROM is empty on the host: the same string */
                ret = pagec_fmt_text_rom(field(), width, strs[i], fl);
                expect(width, ret, want, what);
            }
        }
    }
}
END_TEST

START_TEST(test_live_choice_every_width)
{
    size_t f;
    int w;
    uint8_t on;

    for (on = 0; on < 3; on++) {
        for (f = 0; f < NFLAGS; f++) {
            for (w = 0; w < NWIDTHS; w++) {
                uint8_t width = width_at(w);
                uint8_t fl = flag_sets[f];
                char want[300], what[80];
                uint8_t ret;

                snprintf(what, sizeof what, "onoff %u flags %#x", on, fl);
                ref_text(want, width, on ? "on" : "off", fl);
                ret = pagec_fmt_onoff(field(), width, on, fl);
                expect(width, ret, want, what);
                ref_text(want, width, on ? "open" : "closed", fl);
                ret = pagec_fmt_choice(field(), width, on, "open", "closed",
                                       fl);
                expect(width, ret, want, what);
            }
        }
    }
}
END_TEST

/* Fields written out by hand, as a page shows them. */
START_TEST(test_live_by_hand)
{
    uint8_t *d;

#define HAND(width, call, want)                                              \
    do {                                                                     \
        d = field();                                                         \
        expect(width, call, want, #call);                                    \
    } while (0)

    HAND(5, pagec_fmt_u32(d, 5, 12345, 0), "12345");
    HAND(6, pagec_fmt_u32(d, 6, 42, 0), "    42");
    HAND(6, pagec_fmt_u32(d, 6, 42, PAGEC_FMT_RIGHT), "    42");
    HAND(6, pagec_fmt_u32(d, 6, 42, PAGEC_FMT_LEFT), "42    ");
    HAND(6, pagec_fmt_u32(d, 6, 42, PAGEC_FMT_ZERO), "000042");
    HAND(6, pagec_fmt_u32(d, 6, 42, PAGEC_FMT_ZERO | PAGEC_FMT_LEFT),
         "42    ");
    HAND(1, pagec_fmt_u32(d, 1, 0, 0), "0");
    HAND(3, pagec_fmt_u32(d, 3, 1000, 0), "###");
    HAND(10, pagec_fmt_u32(d, 10, 4294967295u, 0), "4294967295");
    HAND(9, pagec_fmt_u32(d, 9, 4294967295u, 0), "#########");
    HAND(6, pagec_fmt_u32(d, 6, 42, 0x80), "    42"); /* not hex */
    HAND(0, pagec_fmt_u32(d, 0, 7, 0), "");

    HAND(11, pagec_fmt_i32(d, 11, INT32_MIN, 0), "-2147483648");
    HAND(10, pagec_fmt_i32(d, 10, INT32_MIN, 0), "##########");
    HAND(10, pagec_fmt_i32(d, 10, INT32_MAX, 0), "2147483647");
    HAND(5, pagec_fmt_i32(d, 5, -42, PAGEC_FMT_ZERO), "-0042");
    HAND(5, pagec_fmt_i32(d, 5, -42, PAGEC_FMT_LEFT), "-42  ");
    HAND(5, pagec_fmt_i32(d, 5, -42, 0), "  -42");
    HAND(2, pagec_fmt_i32(d, 2, -42, 0), "##");

    HAND(4, pagec_fmt_fixed(d, 4, 215, 1, 0), "21.5");
    HAND(4, pagec_fmt_fixed(d, 4, -5, 1, 0), "-0.5");
    HAND(4, pagec_fmt_fixed(d, 4, 5, 2, 0), "0.05");
    HAND(5, pagec_fmt_fixed(d, 5, -5, 2, 0), "-0.05");
    HAND(5, pagec_fmt_fixed(d, 5, -215, 1, 0), "-21.5");
    HAND(7, pagec_fmt_fixed(d, 7, -215, 1, PAGEC_FMT_ZERO), "-0021.5");
    HAND(7, pagec_fmt_fixed(d, 7, -215, 1, PAGEC_FMT_LEFT), "-21.5  ");
    HAND(7, pagec_fmt_fixed(d, 7, 215, 1, 0), "   21.5");
    HAND(4, pagec_fmt_fixed(d, 4, 0, 2, 0), "0.00");
    HAND(3, pagec_fmt_fixed(d, 3, 0, 2, 0), "###");
    HAND(4, pagec_fmt_fixed(d, 4, -215, 1, 0), "####");
    HAND(2, pagec_fmt_fixed(d, 2, 7, 0, 0), " 7");
    HAND(12, pagec_fmt_fixed(d, 12, 1, 10, 0), "0.0000000001");
    HAND(12, pagec_fmt_fixed(d, 12, INT32_MIN, 9, 0), "-2.147483648");
    HAND(11, pagec_fmt_fixed(d, 11, INT32_MAX, 9, 0), "2.147483647");
    HAND(12, pagec_fmt_fixed(d, 12, INT32_MAX, 10, 0), "0.2147483647");

    HAND(4, pagec_fmt_hex(d, 4, 0xbeef, 4, PAGEC_FMT_UPPER), "BEEF");
    HAND(8, pagec_fmt_hex(d, 8, 0xff, 4, 0), "    00ff");
    HAND(8, pagec_fmt_hex(d, 8, 0xff, 4, PAGEC_FMT_LEFT), "00ff    ");
    HAND(8, pagec_fmt_hex(d, 8, 0xff, 0, PAGEC_FMT_ZERO), "000000ff");
    HAND(1, pagec_fmt_hex(d, 1, 0, 0, 0), "0");
    HAND(2, pagec_fmt_hex(d, 2, 0x100, 0, 0), "##");
    HAND(8, pagec_fmt_hex(d, 8, 0xdeadbeefu, 8, 0), "deadbeef");
    HAND(10, pagec_fmt_hex(d, 10, 0xdeadbeefu, 10, 0), "00deadbeef");

    HAND(6, pagec_fmt_text(d, 6, "abc", PAGEC_FMT_LEFT), "abc   ");
    HAND(6, pagec_fmt_text(d, 6, "abc", 0), "   abc");
    HAND(6, pagec_fmt_text(d, 6, "abc", PAGEC_FMT_ZERO), "   abc");
    HAND(2, pagec_fmt_text(d, 2, "abc", 0), "##");
    HAND(2, pagec_fmt_text(d, 2, "abc", PAGEC_FMT_CUT), "ab");
    HAND(2, pagec_fmt_text(d, 2, "abc", PAGEC_FMT_CUT | PAGEC_FMT_LEFT),
         "ab");
    HAND(3, pagec_fmt_text(d, 3, NULL, 0), "   ");
    HAND(3, pagec_fmt_text_rom(d, 3, NULL, 0), "   ");

    HAND(3, pagec_fmt_onoff(d, 3, 1, 0), " on");
    HAND(3, pagec_fmt_onoff(d, 3, 1, PAGEC_FMT_LEFT), "on ");
    HAND(3, pagec_fmt_onoff(d, 3, 0, 0), "off");
    HAND(3, pagec_fmt_onoff(d, 3, 200, 0), " on");
    HAND(2, pagec_fmt_onoff(d, 2, 0, 0), "##");
    HAND(5, pagec_fmt_choice(d, 5, 1, "yes", "no", PAGEC_FMT_LEFT), "yes  ");
    HAND(5, pagec_fmt_choice(d, 5, 0, "yes", "no", 0), "   no");
#undef HAND
}
END_TEST

/* A string is read no further than its byte s[width]: an array with no
 * NUL, of exactly width + 1 bytes, on the heap (the sanitizers' run
 * catches a read past it). */
START_TEST(test_live_text_reads_no_further)
{
    uint8_t width;

    for (width = 0; width < WIDTH_MAX; width++) {
        char *s = malloc((size_t)width + 1);
        char want[WIDTH_MAX + 1];

        ck_assert_ptr_nonnull(s);
        memset(s, 'z', (size_t)width + 1);
        memset(want, '#', width);
        want[width] = '\0';
        expect(width, pagec_fmt_text(field(), width, s, 0), want, "no NUL");
        memset(want, 'z', width);
        expect(width, pagec_fmt_text(field(), width, s, PAGEC_FMT_CUT), want,
               "no NUL, cut");
        free(s);
    }
}
END_TEST

Suite *live_suite(void)
{
    Suite *s = suite_create("live");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_live_by_hand);
    tcase_add_test(tc, test_live_u32_every_width);
    tcase_add_test(tc, test_live_i32_every_width);
    tcase_add_test(tc, test_live_fixed_every_width);
    tcase_add_test(tc, test_live_hex_every_width);
    tcase_add_test(tc, test_live_text_every_width);
    tcase_add_test(tc, test_live_choice_every_width);
    tcase_add_test(tc, test_live_text_reads_no_further);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
