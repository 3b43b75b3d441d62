/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagec/linklocal.h - an IPv4 link-local address (RFC 3927) for a device
 * on Ethernet that nobody configured: it picks an address in
 * 169.254.1.0 - 169.254.254.255 from its MAC address (the same one at
 * every start, unless another host holds it), probes for it with ARP,
 * announces it, and defends it; a host plugged into the same link (a
 * laptop with no DHCP server around picks such an address too) then
 * reaches it, by name with the mDNS responder of pagec/mdns.h.
 *
 * The steps take time and are sent unprompted, so the driver calls
 * pagec_linklocal_poll() from its main loop (every few tens of
 * milliseconds will do: the steps are a second or two apart) and gives
 * every received frame to pagec_linklocal_input() as well. The server's
 * address, srv->addr, is the driver's and this module's: all zero until
 * the address is claimed (the device then answers nothing but ARP
 * probes' conflicts), the address once it is.
 *
 * The state is struct pagec_linklocal, 12 bytes; zeroed, it starts
 * afresh at the next poll.
 */
#ifndef PAGEC_LINKLOCAL_H
#define PAGEC_LINKLOCAL_H

#include <stdint.h>

#include "pagec/pagec.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pagec_linklocal {
    uint32_t next;     /* the clock (ms) at which the next step is due */
    uint32_t defended; /* when the address was last defended (ms) */
    uint8_t state;     /* 0: not started; probing, announcing, bound */
    uint8_t count;     /* probes or announcements sent in this state */
    uint8_t conflicts; /* addresses given up since the start */
    uint8_t flags;     /* bit 0: defended is set; bit 1: announce now */
};

/*
 * Every received frame (len bytes, without the FCS) goes here too, before
 * or after pagec_eth_input(): an ARP message from another station that
 * claims the address being probed, probes for it, or claims the address
 * in use, is a conflict (RFC 3927 sections 2.2.1 and 2.5). While probing,
 * a conflict starts again with another address; once the address is in
 * use, the first conflict in 10 s is defended with an announcement, a
 * second one gives the address up (srv->addr all zero) and starts again.
 * now is the driver's clock in milliseconds (any origin; it may wrap).
 */
void pagec_linklocal_input(struct pagec_linklocal *ll,
                           struct pagec_server *srv, const uint8_t mac[6],
                           const uint8_t *frame, uint16_t len, uint32_t now);

/*
 * The next step, when it is due at now (ms): returns 1 and writes at out
 * the ARP frame to send (PAGEC_ETH_ARP_LEN bytes; padded to
 * PAGEC_ETH_MIN by a MAC or driver that pads), 0 when there is none.
 * The steps: a wait of 0 to 1 s, three probes 1 to 2 s apart, 2 s more,
 * then srv->addr is set to the address and two announcements go 2 s
 * apart (RFC 3927 section 2.1 to 2.4, its timing constants); after more
 * than ten conflicts, one attempt a minute. Sets srv->addr (and clears it) as
 * said above.
 */
uint8_t pagec_linklocal_poll(struct pagec_linklocal *ll,
                             struct pagec_server *srv, const uint8_t mac[6],
                             uint32_t now, uint8_t out[42]);

#ifdef __cplusplus
}
#endif

#endif /* PAGEC_LINKLOCAL_H */
