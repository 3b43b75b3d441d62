/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagec/live.h - formatting helpers for the driver's live-field callback
 * (pagec_live_fn in pagec/pagec.h): numbers, fixed-point numbers, hex,
 * strings and two-way choices written into a field of fixed width.
 *
 * No printf, no heap, no floating point, no division: decimal digits come
 * from a table of powers of ten in PAGEC_ROM by subtraction, so a core
 * without a divider calls no library routine. Freestanding C99; no RAM of
 * their own.
 *
 * Every helper has the same contract:
 * - It writes the value into dst[0 .. width) and fills the whole field:
 *   the value right-aligned after spaces by default, and it returns
 *   width. A callback can therefore return the helper's result as its
 *   own:
 *
 *       static uint8_t live(const struct pagec_server *srv, uint8_t id,
 *                           uint8_t *dst, uint8_t width)
 *       {
 *           (void)srv;
 *           if (id == site_LIVE_temp)      (215 shows as 21.5)
 *               return pagec_fmt_fixed(dst, width, temp_tenths(), 1, 0);
 *           return pagec_fmt_u32(dst, width, uptime_seconds(), 0);
 *       }
 *
 * - It never writes past dst[width - 1]. A width of 0 writes nothing and
 *   returns 0.
 * - A value that does not fit in width bytes (its sign and digits, or
 *   its string, longer than the field) writes width '#' characters, as a
 *   spreadsheet shows a number too wide for its cell: the page says the
 *   field is too narrow rather than show a wrong value. PAGEC_FMT_CUT
 *   cuts a string instead.
 * - flags is an OR of the PAGEC_FMT_ values below; 0 is right-aligned,
 *   padded with spaces. A flag a helper has no use for is ignored.
 *
 * The bytes are ASCII. Strings are copied as they are: a field in an
 * HTML page shows what the string holds, markup included, so a string
 * from outside the device (a name a user set) must not contain '<' or
 * '&' unless it is meant as markup.
 */
#ifndef PAGEC_LIVE_H
#define PAGEC_LIVE_H

#include <stdint.h>

#include "pagec/opt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The value right-aligned, spaces before it: the default (0). */
#define PAGEC_FMT_RIGHT 0x00u
/* The value left-aligned, spaces after it. Takes precedence over
 * PAGEC_FMT_ZERO. */
#define PAGEC_FMT_LEFT 0x01u
/* Numbers: right-aligned, zeros before the digits (after the sign) rather
 * than spaces before the number: -0021.5 in 7 bytes. Ignored by the
 * string helpers. */
#define PAGEC_FMT_ZERO 0x02u
/* pagec_fmt_hex(): the digits A to F in upper case (default lower). */
#define PAGEC_FMT_UPPER 0x04u
/* Strings: one longer than the field is cut to its first width bytes,
 * instead of the field filled with '#'. */
#define PAGEC_FMT_CUT 0x08u

/*
 * v in decimal: 0 to 4294967295, no sign, no leading zeros (0 is "0").
 * At most 10 bytes. Returns width.
 */
uint8_t pagec_fmt_u32(uint8_t *dst, uint8_t width, uint32_t v, uint8_t flags);

/*
 * v in decimal, a '-' before a negative one: -2147483648 to 2147483647.
 * At most 11 bytes. Returns width.
 */
uint8_t pagec_fmt_i32(uint8_t *dst, uint8_t width, int32_t v, uint8_t flags);

/*
 * The fixed-point number v * 10^-decimals: a '-' when v is negative, the
 * integer part (at least one digit, "0"), then, when decimals is not 0, a
 * '.' and exactly decimals digits. 215 with 1 decimal is "21.5", -5 with 1
 * is "-0.5", 5 with 2 is "0.05", 7 with 0 is "7" (as pagec_fmt_i32()).
 * Any decimals works; each beyond 9 adds a leading zero after the point.
 * Returns width.
 */
uint8_t pagec_fmt_fixed(uint8_t *dst, uint8_t width, int32_t v,
                        uint8_t decimals, uint8_t flags);

/*
 * v in hexadecimal, with at least digits digits (zeros before; 0 or 1:
 * no leading zeros, and 0 is "0"), lower case unless PAGEC_FMT_UPPER.
 * No "0x". pagec_fmt_hex(dst, 4, 0xbeef, 4, PAGEC_FMT_UPPER) is "BEEF".
 * Returns width.
 */
uint8_t pagec_fmt_hex(uint8_t *dst, uint8_t width, uint32_t v,
                      uint8_t digits, uint8_t flags);

/*
 * The NUL-terminated string s (in RAM; NULL is the empty string),
 * aligned in the field, or cut with PAGEC_FMT_CUT. s is read no further
 * than its NUL or its byte s[width], whichever comes first. Returns
 * width.
 */
uint8_t pagec_fmt_text(uint8_t *dst, uint8_t width, const char *s,
                       uint8_t flags);

#ifndef PAGEC_ROM_CXX /* C++ on AVR: no __flash strings */
/*
 * As pagec_fmt_text(), for a string in program memory (PAGEC_ROM: a
 * __flash string on AVR, which stays out of RAM; elsewhere the same as
 * pagec_fmt_text()). NULL is the empty string. Returns width.
 */
uint8_t pagec_fmt_text_rom(uint8_t *dst, uint8_t width,
                           const PAGEC_ROM char *s, uint8_t flags);

/*
 * yes when on is not 0, else no: two strings in program memory, as
 * pagec_fmt_text_rom() writes them. Returns width.
 */
uint8_t pagec_fmt_choice(uint8_t *dst, uint8_t width, uint8_t on,
                         const PAGEC_ROM char *yes, const PAGEC_ROM char *no,
                         uint8_t flags);

#endif

/*
 * "on" when on is not 0, else "off", as pagec_fmt_choice() writes them.
 * Returns width.
 */
uint8_t pagec_fmt_onoff(uint8_t *dst, uint8_t width, uint8_t on,
                        uint8_t flags);

#ifdef __cplusplus
}
#endif

#endif /* PAGEC_LIVE_H */
