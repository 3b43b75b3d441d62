/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wire.h - packet fields read and written a byte at a time, big-endian,
 * and the few header values both readers share (private to the runtime).
 */
#ifndef PAGEC_RUNTIME_WIRE_H
#define PAGEC_RUNTIME_WIRE_H

#include <stdint.h>

#include "pagec/chksum.h"
#include "pagec/site.h"

/* restrict where the compiler has it (C99), for copies it may widen */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L
#define PAGEC_RESTRICT restrict
#else
#define PAGEC_RESTRICT
#endif

/* IPv4 header offsets */
#define IP_LEN 2
#define IP_SUM 10
#define IP_SRC 12
#define IP_DST 16

/* TCP header offsets in a reply datagram */
#define TCP_OFF_AT (PAGEC_IP_HLEN + 12)
#define TCP_FLAGS_AT (PAGEC_IP_HLEN + 13)
#define TCP_WIN_AT (PAGEC_IP_HLEN + 14)
#define TCP_SUM_AT (PAGEC_IP_HLEN + 16)

#define UDP_AT PAGEC_IP_HLEN /* the UDP header in a reply */
#define UDP_HLEN 8

#define ICMP_ECHO 8
#define ICMP_HLEN 8
#define ECHO_HDR 24 /* reply bytes known before the echo data: IPv4 and
                       type, code, checksum */

/* A function kept out of line: on an 8-bit core, inlining a rarely taken
 * path into a hot one makes the hot one save and restore the registers
 * the rare one needs. */
#if defined(__GNUC__)
#define PAGEC_NOINLINE __attribute__((noinline))
#else
#define PAGEC_NOINLINE
#endif

/* A small function inlined even where -Os would call it on an 8-bit
 * core, where the call costs more than the body; elsewhere the compiler
 * chooses (inlining everywhere costs flash on 32-bit parts). */
#if defined(__GNUC__) && defined(__AVR__)
#define PAGEC_INLINE static inline __attribute__((always_inline))
#else
#define PAGEC_INLINE static inline
#endif

/* Copies 4 bytes between RAM buffers: one load and one store where the
 * compiler can (its built-in for a fixed size), else byte by byte. */
static inline void copy4(uint8_t *PAGEC_RESTRICT d,
                         const uint8_t *PAGEC_RESTRICT s)
{
#if defined(__GNUC__)
    __builtin_memcpy(d, s, 4);
#else
    d[0] = s[0];
    d[1] = s[1];
    d[2] = s[2];
    d[3] = s[3];
#endif
}

static inline uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

static inline void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Whether the n bytes at a and b are the same. */
static inline int same_bytes(const uint8_t *a, const uint8_t *b, uint8_t n)
{
    uint8_t i;

    for (i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
    }
    return 1;
}

/* Copies n bytes from s to d, first to last: d may be s, or before it. */
static inline void copy_bytes(uint8_t *d, const uint8_t *s, uint8_t n)
{
    uint8_t i;

    for (i = 0; i < n; i++) {
        d[i] = s[i];
    }
}

/* Whether the frame of len bytes is ARP over Ethernet for IPv4 (RFC
 * 826): EtherType 0x0806, hardware type 1, protocol 0x0800, address
 * lengths 6 and 4, its 42 bytes there. */
static inline int arp_ipv4(const uint8_t *f, uint16_t len)
{
    return len >= 42 && get16(f + 12) == 0x0806 && get16(f + 14) == 1 &&
           get16(f + 16) == 0x0800 && f[18] == 6 && f[19] == 4;
}

/* Checksum field value for a partial sum: inverted and folded. */
static inline uint16_t finish(uint32_t sum)
{
    return (uint16_t)~pagec_chksum_fold(sum);
}

/* "This network", loopback, multicast, reserved and limited broadcast:
 * never a peer we answer, nor an address we answer from. */
static inline int bad_address(uint8_t first)
{
    return first == 0 || first == 127 || first >= 224;
}

/* The IPv4 header checksum of an echo reply (ICMP, UDP) of len bytes of
 * protocol proto, from the sum of its two addresses: no options, DF,
 * identification 0 (atomic, RFC 6864). */
static inline uint16_t echo_ip_sum(uint16_t len, uint32_t addr_sum,
                                   uint8_t proto)
{
    return finish(0x4500u + len + 0x4000u + (PAGEC_IP_TTL << 8 | proto) +
                  addr_sum);
}

/* The echo reply's ICMP checksum from the request's: RFC 1624 eqn. 3, the
 * type word going from 0x0800 to 0; a sum of +0 is sent as -0 (0xffff),
 * which every receiver takes. */
static inline uint16_t echo_sum(uint16_t request_sum)
{
    uint16_t sum = finish((uint16_t)~request_sum + 0xf7ffu);

    return sum ? sum : 0xffffu;
}

#endif /* PAGEC_RUNTIME_WIRE_H */
