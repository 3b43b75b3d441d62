/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * chksum.c - the Internet checksum, as contracted in pagec/chksum.h.
 * Compiled into both the runtime and the pagec compiler.
 */
#include "pagec/chksum.h"
#include "pagec/opt.h"

uint32_t pagec_chksum_add(uint32_t sum, const uint8_t *data, uint16_t len)
{
#if !defined(__AVR__)
    /* 32-bit cores: four bytes read as one big-endian word (compilers
     * make a load and a byte swap of it), its two halves added; each half
     * is at most 0xffff, so the contract's 65536 words still hold */
    while (len >= 4) {
        uint32_t w = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
                     (uint32_t)data[2] << 8 | data[3];

        sum += (w >> 16) + (w & 0xffffu);
        data += 4;
        len -= 4;
    }
#endif
    while (len > 1) {
        sum += (uint32_t)((uint16_t)data[0] << 8 | data[1]);
        data += 2;
        len -= 2;
    }
    if (len) {
        sum += (uint32_t)data[0] << 8;
    }
    return sum;
}

uint16_t pagec_chksum_check(uint32_t sum, const uint8_t *data, uint16_t len)
{
#if defined(__AVR__) || !PAGEC_FAST_PATHS
    /* folded first, so that any sum leaves room for 65535 bytes */
    return pagec_chksum_fold(pagec_chksum_add(pagec_chksum_fold(sum), data, len));
#else
    /* big-endian 64-bit words with end-around carry: a sum modulo
     * 2^64 - 1, which is a multiple of 0xffff, so it is congruent to the
     * sum of the 16-bit words modulo 0xffff */
    uint64_t acc = sum;

    while (len >= 8) {
        uint64_t w = (uint64_t)data[0] << 56 | (uint64_t)data[1] << 48 |
                     (uint64_t)data[2] << 40 | (uint64_t)data[3] << 32 |
                     (uint64_t)data[4] << 24 | (uint64_t)data[5] << 16 |
                     (uint64_t)data[6] << 8 | data[7];

        acc += w;
        acc += acc < w; /* the carry out of bit 63, back in at bit 0 */
        data += 8;
        len -= 8;
    }
    acc = (acc & 0xffffffffu) + (acc >> 32); /* at most 2^33 - 2 */
    acc = (acc & 0xffffffffu) + (acc >> 32); /* at most 2^32 - 1 */
    return pagec_chksum_fold(pagec_chksum_add(pagec_chksum_fold((uint32_t)acc),
                                              data, len));
#endif
}

uint16_t pagec_chksum_fold(uint32_t sum)
{
    /* two steps: the first leaves at most 0x1fffe, the second at most
     * 0xffff; neither makes a sum that was not 0 into 0 */
    sum = (sum & 0xffffu) + (sum >> 16);
    sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)sum;
}
