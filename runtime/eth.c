/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * eth.c - Ethernet II framing and ARP (pagec/eth.h): told apart from a
 * frame's first bytes, answered to the address the frame came from.
 */
#include "pagec/eth.h"
#include "wire.h"

#define ETH_DST 0
#define ETH_SRC 6
#define ETH_TYPE 12

/* an ARP message over Ethernet for IPv4 (RFC 826), after the header */
/* bytes 14 to 19: hardware and protocol types and lengths (arp_ipv4()) */
#define ARP_OPER 20  /* 1: request, 2: reply */
#define ARP_SHA 22   /* the sender's MAC and IPv4 addresses */
#define ARP_SPA 28
#define ARP_THA 32   /* the target's */
#define ARP_TPA 38

/* 1 when dst is the broadcast address. */
static int broadcast(const uint8_t *dst)
{
    uint8_t i;

    for (i = 0; i < 6 && dst[i] == 0xff; i++) {
    }
    return i == 6;
}

uint8_t pagec_eth_input(const struct pagec_server *srv, const uint8_t mac[6],
                        const uint8_t *frame, uint16_t len,
                        uint8_t reply[PAGEC_ETH_ARP_LEN])
{
    const uint8_t *a = srv->addr;
    int to_us;
    uint8_t i;

    if (len < PAGEC_ETH_HLEN || (frame[ETH_SRC] & 1u)) {
        return PAGEC_ETH_DROP; /* a runt, or a group address as source */
    }
    to_us = same_bytes(frame + ETH_DST, mac, 6);
    if (get16(frame + ETH_TYPE) == 0x0800) {
        return to_us ? PAGEC_ETH_IPV4 : PAGEC_ETH_DROP;
    }
    /* an ARP request (Ethernet 1, IPv4 0x0800, lengths 6 and 4, request
     * 1) for our address, broadcast or to us, from a station address */
    if (!arp_ipv4(frame, len) || !(to_us || broadcast(frame + ETH_DST)) ||
        get16(frame + ARP_OPER) != 1 ||
        (frame[ARP_SHA] & 1u) || (a[0] | a[1] | a[2] | a[3]) == 0 ||
        !same_bytes(frame + ARP_TPA, a, 4)) {
        return PAGEC_ETH_DROP;
    }
    /* the reply: to the sender, the target's fields its own. In this
     * order reply may be frame itself: each field of the request is read
     * before it is written over. */
    copy_bytes(reply + ARP_THA, frame + ARP_SHA, 6);
    copy_bytes(reply + ARP_TPA, frame + ARP_SPA, 4);
    copy_bytes(reply + ETH_TYPE, frame + ETH_TYPE, 8); /* types and lengths */
    copy_bytes(reply + ETH_DST, reply + ARP_THA, 6);
    if (a[0] == 169 && a[1] == 254) {
        /* a link-local address: every ARP reply from it goes by
         * broadcast, so that a host about to take it sees it at once
         * (RFC 3927 section 2.5) */
        for (i = 0; i < 6; i++) {
            reply[ETH_DST + i] = 0xff;
        }
    }
    copy_bytes(reply + ETH_SRC, mac, 6);
    reply[ARP_OPER] = 0;
    reply[ARP_OPER + 1] = 2;
    copy_bytes(reply + ARP_SHA, mac, 6);
    copy_bytes(reply + ARP_SPA, a, 4);
    return PAGEC_ETH_ARP;
}

void pagec_eth_header(const uint8_t mac[6], const uint8_t *frame,
                      uint8_t hdr[PAGEC_ETH_HLEN])
{
    copy_bytes(hdr + ETH_DST, frame + ETH_SRC, 6);
    copy_bytes(hdr + ETH_SRC, mac, 6);
    hdr[ETH_TYPE] = 0x08;
    hdr[ETH_TYPE + 1] = 0x00;
}
