/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagec/mdns.h - a Multicast DNS responder (RFC 6762) for a device on
 * Ethernet: a query for NAME.local (type A or ANY, class IN) gets an
 * answer with the device's IPv4 address, so that a user reaches it by
 * name. No state and no timer: every answer is made from its query.
 *
 * A query from port 5353 (a full mDNS querier: avahi, Apple's
 * mDNSResponder, systemd-resolved) gets its answer by multicast, to
 * 224.0.0.251 port 5353, with the cache-flush bit and a TTL of 120 s
 * (RFC 6762 sections 6 and 10.2); a query from any other port (a "legacy"
 * one-shot query, section 6.7) gets it by unicast, to the asker's
 * address and port, with the query's ID and question and a TTL of 10 s.
 * Not done (the device does not know of them): probing for the name and
 * announcing it (section 8), known-answer suppression (7.1), the reverse
 * name, other record types; the name must be unique on the link (a
 * name made from the MAC address is).
 */
#ifndef PAGEC_MDNS_H
#define PAGEC_MDNS_H

#include <stdint.h>

#include "pagec/pagec.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PAGEC_MDNS_PORT 5353

/* The longest answer frame, with a name of 63 bytes: a size of out that
 * every answer fits. A name of n bytes needs 82 + n (a legacy answer;
 * 76 + n a multicast one). */
#define PAGEC_MDNS_OUT_MAX 145

/*
 * Answers the Ethernet frame at frame (len bytes without the FCS) when it
 * holds an mDNS query (IPv4, UDP to port 5353, sent to 224.0.0.251 and
 * its MAC 01:00:5e:00:00:fb, or to srv->addr and mac) that asks for
 * name.local: writes the frame of the answer at out (at most size bytes;
 * a MAC that does not pad pads it to PAGEC_ETH_MIN) and returns its
 * length. Returns 0 for every other frame (a driver then gives it to
 * pagec_eth_input()), for a query that does not ask for the name, when
 * srv->addr is all zero (no address yet), and when the answer would not
 * fit size.
 *
 * name is the device's label, without ".local": 1 to 63 bytes of
 * letters, digits and '-', a C string in the site's ROM (PAGEC_ROM; plain
 * memory but on AVR). It is compared without regard to ASCII case.
 * out must not overlap frame.
 */
uint16_t pagec_mdns_input(const struct pagec_server *srv, const uint8_t mac[6],
                          const PAGEC_ROM char *name, const uint8_t *frame,
                          uint16_t len, uint8_t *out, uint16_t size);

#ifdef __cplusplus
}
#endif

#endif /* PAGEC_MDNS_H */
