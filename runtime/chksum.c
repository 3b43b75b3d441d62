/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * chksum.c - the Internet checksum, as contracted in pagec/chksum.h.
 * Compiled into both the runtime and the pagec compiler.
 */
#include "pagec/chksum.h"

uint32_t pagec_chksum_add(uint32_t sum, const uint8_t *data, uint16_t len)
{
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

uint16_t pagec_chksum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    return (uint16_t)sum;
}
