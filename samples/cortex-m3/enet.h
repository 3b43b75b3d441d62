/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * enet.h - the LM3S6965's Ethernet controller (MAC and PHY on chip) for
 * pagec-m3-eth: whole frames in and out through the controller's FIFOs,
 * no DMA, no buffers of its own.
 */
#ifndef M3_ENET_H
#define M3_ENET_H

#include <stdint.h>

#include "pagec/pagec.h"

/* Turns the controller on: clocks, our MAC address (from the USER0 and
 * USER1 registers when programmed, else the controller's own), receive
 * and transmit with padding and the FCS, the receive interrupt. Writes
 * the address used to mac. */
void enet_init(uint8_t mac[6]);

/* Nonzero when a received frame waits in the FIFO. */
int enet_rx_ready(void);

/* Takes the next frame from the FIFO (without its FCS) into buf, and
 * returns its length; 0 when none waits, or when it is longer than size
 * (it is dropped whole). */
uint16_t enet_rx(uint8_t *buf, uint16_t size);

/* Sends one frame: the 14 bytes of hdr, then the datagram of reply. */
void enet_tx_reply(const uint8_t hdr[14], const struct pagec_reply *reply);

/* Sends one frame of len bytes at frame (at least 14). */
void enet_tx(const uint8_t *frame, uint16_t len);

#endif /* M3_ENET_H */
