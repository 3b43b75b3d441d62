/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagec/eth.h - Ethernet II framing (RFC 894) and ARP (RFC 826) for the
 * driver of an Ethernet MAC: a received frame is told apart (an IPv4
 * datagram for the device, an ARP request for its address, or nothing),
 * an ARP request gets its reply, and a reply datagram gets the frame
 * header that sends it back to the MAC it came from. No table and no
 * state: every answer goes to the address its question came from.
 *
 * Both APIs: the functions read a frame's first bytes only (the 14 of its
 * header, and the 28 of an ARP message), so a streaming driver gives them
 * those and passes the rest of an IPv4 frame to pagec_stream_byte().
 */
#ifndef PAGEC_ETH_H
#define PAGEC_ETH_H

#include <stdint.h>

#include "pagec/pagec.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PAGEC_ETH_HLEN 14    /* destination, source, EtherType */
#define PAGEC_ETH_ARP_LEN 42 /* a frame of ARP over Ethernet, unpadded */
#define PAGEC_ETH_MIN 60     /* the least frame a MAC sends, FCS aside:
                                a driver whose MAC does not pad pads
                                shorter ones with zeros to this */

/* What pagec_eth_input() found. */
#define PAGEC_ETH_DROP 0 /* nothing for the device: no answer */
#define PAGEC_ETH_IPV4 1 /* an IPv4 datagram to the device's MAC: the
                            frame's bytes after PAGEC_ETH_HLEN, for
                            pagec_server_input() or pagec_stream_byte() */
#define PAGEC_ETH_ARP 2  /* an ARP request for the device's address: its
                            reply, PAGEC_ETH_ARP_LEN bytes, is in reply */

/*
 * Tells apart the len bytes at frame (a whole frame without its FCS, or
 * at least its first PAGEC_ETH_ARP_LEN bytes) received by the device
 * whose MAC address is mac and whose IPv4 address is srv->addr:
 *   - an IPv4 datagram (EtherType 0x0800) sent to mac: PAGEC_ETH_IPV4;
 *     one sent to the broadcast or a multicast address is dropped (RFC
 *     1122 section 3.3.6: the device answers no broadcast);
 *   - an ARP request (EtherType 0x0806; Ethernet and IPv4 addresses, of
 *     lengths 6 and 4) whose target is srv->addr, broadcast or sent to
 *     mac: PAGEC_ETH_ARP, and reply holds the frame of its reply, to the
 *     sender's MAC (to the broadcast address when srv->addr is
 *     link-local, 169.254/16, as RFC 3927 section 2.5 asks; its target
 *     fields are the sender's either way);
 *   - anything else (other EtherTypes, VLAN tags, frames for other MAC
 *     addresses, a source that is a group address, ARP replies, requests
 *     for other addresses or of other lengths, runts): PAGEC_ETH_DROP.
 * srv->addr must be set: with all zero no ARP request is answered.
 * reply may be frame itself: the request is then overwritten by its
 * reply, and a driver needs no buffer for it.
 */
uint8_t pagec_eth_input(const struct pagec_server *srv, const uint8_t mac[6],
                        const uint8_t *frame, uint16_t len,
                        uint8_t reply[PAGEC_ETH_ARP_LEN]);

/*
 * Writes at hdr the Ethernet header of a datagram answering the frame at
 * frame (its first PAGEC_ETH_HLEN bytes): to the frame's source, from
 * mac, EtherType IPv4. The driver sends it, then the datagram. hdr may
 * be frame itself: the buffered API reads nothing of the frame before
 * its datagram, so the header of the reply can take the place of the
 * request's (and a large reply's further segments take the same one).
 */
void pagec_eth_header(const uint8_t mac[6], const uint8_t *frame,
                      uint8_t hdr[PAGEC_ETH_HLEN]);

#ifdef __cplusplus
}
#endif

#endif /* PAGEC_ETH_H */
