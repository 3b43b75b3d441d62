/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * helper.h - what the unit suites share: a second, independent Internet
 * checksum, and builders for the datagrams the tests send.
 */
#ifndef PAGEC_TEST_HELPER_H
#define PAGEC_TEST_HELPER_H

#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include "pagec/site.h"

Suite *chksum_suite(void);
Suite *eth_suite(void);
Suite *isn_suite(void);
Suite *large_suite(void);
Suite *linklocal_suite(void);
Suite *mdns_suite(void);
Suite *live_suite(void);
Suite *packet_suite(void);
Suite *ppp_suite(void);
Suite *runtime_suite(void);
Suite *slip_suite(void);
Suite *stream_suite(void);

/* Folded one's-complement sum of n bytes plus extra, computed without the
 * code under test (64-bit accumulator, modulo-65535 folding). */
uint16_t ref_fold(const uint8_t *p, size_t n, uint64_t extra);
/* 1 when the IPv4 header checksum of pkt is correct. */
int ref_ip_ok(const uint8_t *pkt);
/* 1 when the TCP (proto 6), UDP (17; or none, 0) or ICMP (proto 1)
 * checksum of the datagram pkt is correct. */
int ref_l4_ok(const uint8_t *pkt);

uint16_t rd16(const uint8_t *p);
uint32_t rd32(const uint8_t *p);
void wr16(uint8_t *p, uint16_t v);
void wr32(uint8_t *p, uint32_t v);

/* Fills in the IPv4 header checksum and the TCP, UDP or ICMP checksum. */
void seal(uint8_t *pkt);

struct seg {
    uint8_t src[4], dst[4];
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    const void *data;
    size_t dlen;
    const uint8_t *opt; /* TCP options, a multiple of 4 bytes, or NULL */
    size_t optlen;
    uint16_t window;    /* 0: 64240 */
};

/* Builds an IPv4/TCP datagram into buf, checksums correct; returns its
 * length. */
size_t build_tcp(uint8_t *buf, const struct seg *s);
/* Builds an ICMP echo request with n bytes of data; returns its length. */
size_t build_echo(uint8_t *buf, const uint8_t src[4], const uint8_t dst[4],
                  uint16_t id, uint16_t seq, const uint8_t *data, size_t n);

/* Builds a UDP datagram with n bytes of data, checksums correct; returns
 * its length. */
size_t build_udp(uint8_t *buf, const uint8_t src[4], const uint8_t dst[4],
                 uint16_t sport, uint16_t dport, const void *data, size_t n);

/* The page a site serves at path, or NULL. */
const struct pagec_page *site_page(const struct pagec_site *site,
                                   const char *path);

/* CRC-32 (IEEE 802.3, as gzip uses), bit by bit. */
uint32_t ref_crc32(const uint8_t *p, size_t n);

/* The value of header field name in the HTTP reply of template t, copied
 * to value; NULL when the reply has no such field. */
const char *http_field(const struct pagec_tmpl *t, const char *name,
                       char *value, size_t size);

/* Reads a whole file; aborts the test on failure. *n gets its length. */
uint8_t *slurp(const char *path, size_t *n);

struct pagec_server;

/*
 * The datagram pkt (n bytes) fed to the streaming API a byte at a time,
 * and every datagram of its answer pulled as a driver pulls them (an
 * echo's reply as its request comes; in runs of pagec_stream_run() when
 * runs is 1, else a byte at a time), pagec_stream_more() between them:
 * their bytes one after another into
 * out (size bytes), the length of datagram i into lens[i] (at most max).
 * Checks what the API says of each (pending, started, a second end) and
 * returns the number of datagrams.
 */
size_t stream_answer(const struct pagec_server *srv, uint32_t now,
                     const uint8_t *pkt, size_t n, int runs, uint8_t *out,
                     size_t size, size_t *lens, size_t max);

#endif
