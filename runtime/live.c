/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * live.c - the formatting helpers of pagec/live.h. Every helper places
 * its value in the field with slot(), which writes the padding and says
 * where the value goes, so none can write past the field.
 */
#include <stddef.h>

#include "pagec/live.h"
#include "wire.h"

/* Internal to number(): the digits are hexadecimal. */
#define HEX 0x80u

/* The flags each kind of helper reads. */
#define NUMBER_FLAGS (PAGEC_FMT_LEFT | PAGEC_FMT_ZERO | PAGEC_FMT_UPPER)
#define TEXT_FLAGS (PAGEC_FMT_LEFT | PAGEC_FMT_CUT)

/* 10^k for the decimal digit k, read by subtraction: a core without a
 * divider calls no library for it. */
static const PAGEC_ROM uint32_t powers[10] = {
    1u,      10u,      100u,      1000u,      10000u,
    100000u, 1000000u, 10000000u, 100000000u, 1000000000u};

static const PAGEC_ROM char on_text[] = "on";
static const PAGEC_ROM char off_text[] = "off";

static void fill(uint8_t *p, uint8_t n, uint8_t c)
{
    while (n) {
        *p++ = c;
        n--;
    }
}

/*
 * Places a value of len bytes in the field dst[0 .. width): writes the
 * spaces before or after it and returns where its bytes go, the first
 * min(len, width) of them (a longer one is cut with PAGEC_FMT_CUT). A
 * longer one without PAGEC_FMT_CUT fills the field with '#' and gives
 * NULL.
 */
static uint8_t *slot(uint8_t *dst, uint8_t width, uint16_t len,
                     uint8_t flags)
{
    uint8_t pad;

    if (len > width) {
        if (!(flags & PAGEC_FMT_CUT)) {
            fill(dst, width, '#');
            return NULL;
        }
        len = width;
    }
    pad = (uint8_t)(width - len);
    if (flags & PAGEC_FMT_LEFT) {
        fill(dst + len, pad, ' ');
        return dst;
    }
    fill(dst, pad, ' ');
    return dst + pad;
}

/*
 * Writes a number: a '-' when neg, then the ndig lowest digits of m
 * (decimal, or hexadecimal with HEX in flags; zeros above m's own), with
 * a '.' before the last point of them when point is not 0. ndig covers
 * m's digits and is at least point + 1. PAGEC_FMT_ZERO without
 * PAGEC_FMT_LEFT adds leading digits (zeros) up to the width.
 */
static uint8_t number(uint8_t *dst, uint8_t width, uint32_t m, uint8_t neg,
                      uint16_t ndig, uint8_t point, uint8_t flags)
{
    uint8_t extra = (uint8_t)(neg + (point != 0));
    uint8_t *p;

    if ((flags & (PAGEC_FMT_ZERO | PAGEC_FMT_LEFT)) == PAGEC_FMT_ZERO &&
        width > extra && ndig < (uint8_t)(width - extra)) {
        ndig = (uint8_t)(width - extra);
    }
    p = slot(dst, width, ndig + extra, flags);
    if (p == NULL) {
        return width;
    }
    if (neg) {
        *p++ = '-';
    }
    while (ndig) {
        uint8_t d = 0;

        ndig--;
        if (point && ndig + 1u == point) {
            *p++ = '.';
        }
        if (flags & HEX) {
            if (ndig < 8) {
                d = (uint8_t)((m >> (ndig * 4u)) & 0x0fu);
            }
            if (d >= 10) {
                d = (uint8_t)(d + (flags & PAGEC_FMT_UPPER ? 'A' - '0' - 10
                                                           : 'a' - '0' - 10));
            }
        } else if (ndig < 10) {
            uint32_t pw = powers[ndig];

            while (m >= pw) {
                m -= pw;
                d++;
            }
        }
        *p++ = (uint8_t)('0' + d);
    }
    return width;
}

/* m in decimal, '-' before it when neg, with a '.' before its last
 * decimals digits; one copy for all three decimal helpers. */
static PAGEC_NOINLINE uint8_t decimal(uint8_t *dst, uint8_t width,
                                      uint32_t m, uint8_t neg,
                                      uint8_t decimals, uint8_t flags)
{
    uint16_t ndig = 1;

    while (ndig < 10 && m >= powers[ndig]) {
        ndig++;
    }
    if (ndig <= decimals) {
        ndig = (uint16_t)(decimals + 1u); /* "0." and the decimals */
    }
    return number(dst, width, m, neg, ndig, decimals,
                  (uint8_t)(flags & NUMBER_FLAGS));
}

uint8_t pagec_fmt_u32(uint8_t *dst, uint8_t width, uint32_t v, uint8_t flags)
{
    return decimal(dst, width, v, 0, 0, flags);
}

uint8_t pagec_fmt_i32(uint8_t *dst, uint8_t width, int32_t v, uint8_t flags)
{
    return pagec_fmt_fixed(dst, width, v, 0, flags);
}

uint8_t pagec_fmt_fixed(uint8_t *dst, uint8_t width, int32_t v,
                        uint8_t decimals, uint8_t flags)
{
    /* the magnitude in unsigned arithmetic: right for INT32_MIN too */
    return decimal(dst, width, v < 0 ? 0u - (uint32_t)v : (uint32_t)v,
                   v < 0, decimals, flags);
}

uint8_t pagec_fmt_hex(uint8_t *dst, uint8_t width, uint32_t v,
                      uint8_t digits, uint8_t flags)
{
    uint8_t n = 1;

    while (n < 8 && (v >> (n * 4u)) != 0) {
        n++;
    }
    return number(dst, width, v, 0, n < digits ? digits : n, 0,
                  (uint8_t)((flags & NUMBER_FLAGS) | HEX));
}

uint8_t pagec_fmt_text(uint8_t *dst, uint8_t width, const char *s,
                       uint8_t flags)
{
    uint16_t len = 0;
    uint8_t *p;

    while (s != NULL && len <= width && s[len] != '\0') {
        len++;
    }
    p = slot(dst, width, len, (uint8_t)(flags & TEXT_FLAGS));
    if (p != NULL) {
        while (len && p < dst + width) {
            *p++ = (uint8_t)*s++;
            len--;
        }
    }
    return width;
}

uint8_t pagec_fmt_text_rom(uint8_t *dst, uint8_t width,
                           const PAGEC_ROM char *s, uint8_t flags)
{
    uint16_t len = 0;
    uint8_t *p;

    while (s != NULL && len <= width && PAGEC_ROM_BYTE(s + len) != '\0') {
        len++;
    }
    p = slot(dst, width, len, (uint8_t)(flags & TEXT_FLAGS));
    if (p != NULL) {
        while (len && p < dst + width) {
            *p++ = (uint8_t)PAGEC_ROM_BYTE(s);
            s++;
            len--;
        }
    }
    return width;
}

uint8_t pagec_fmt_choice(uint8_t *dst, uint8_t width, uint8_t on,
                         const PAGEC_ROM char *yes, const PAGEC_ROM char *no,
                         uint8_t flags)
{
    return pagec_fmt_text_rom(dst, width, on ? yes : no, flags);
}

uint8_t pagec_fmt_onoff(uint8_t *dst, uint8_t width, uint8_t on,
                        uint8_t flags)
{
    return pagec_fmt_choice(dst, width, on, on_text, off_text, flags);
}
