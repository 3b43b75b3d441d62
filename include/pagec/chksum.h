/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagec/chksum.h - the Internet checksum (RFC 1071), shared by the pagec
 * compiler and the runtime.
 *
 * Contract:
 * - A sum is an unfolded 32-bit accumulator of big-endian 16-bit words:
 *   bytes b0 b1 b2 b3 ... add (b0 << 8 | b1) + (b2 << 8 | b3) + ...
 *   The carries out of bit 15 stay in the upper half until folded.
 * - The accumulator holds at least 65536 words of 0xffff without
 *   overflowing (65536 * 0xffff < 2^32), so sums of single datagrams and
 *   of the few patched fields added to them never need an early fold.
 * - Folding adds the upper half back into the lower half until nothing is
 *   left above bit 15. The folded sum is not inverted; the checksum field
 *   of a header holds the inverted folded sum (~fold(sum) & 0xffff).
 * - A received header is correct when the folded sum over it, checksum
 *   field included, is 0xffff.
 */
#ifndef PAGEC_CHKSUM_H
#define PAGEC_CHKSUM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Adds len bytes at data to sum and returns the new unfolded sum. An odd
 * length pads the last byte with a zero low byte, as RFC 1071 says; only
 * the last piece of a chained sum may have an odd length. data is read
 * with a plain dereference (RAM, or const data on a von Neumann part).
 */
uint32_t pagec_chksum_add(uint32_t sum, const uint8_t *data, uint16_t len);

/*
 * The folded sum (not inverted) of sum and the len bytes at data, as
 * pagec_chksum_fold(pagec_chksum_add(sum, data, len)) returns it: 0xffff
 * for a received header whose checksum is right. On 32- and 64-bit cores
 * it adds big-endian 32-bit words into a 64-bit accumulator (a 32-bit
 * word is congruent to the sum of its two halves modulo 0xffff), twice as
 * fast; elsewhere it is add and fold.
 */
uint16_t pagec_chksum_check(uint32_t sum, const uint8_t *data, uint16_t len);

/*
 * Folds sum to 16 bits (end-around carry) and returns it, not inverted.
 * The result is 0x0000 only when sum is 0.
 */
uint16_t pagec_chksum_fold(uint32_t sum);

#ifdef __cplusplus
}
#endif

#endif /* PAGEC_CHKSUM_H */
