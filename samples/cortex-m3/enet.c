/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * enet.c - the LM3S6965's Ethernet controller for pagec-m3-eth.
 *
 * Both FIFOs are read and written a 32-bit word at a time, bytes in
 * little-endian order. A received frame starts with its length in two
 * bytes (the length field, the frame and its 4-byte FCS counted), then
 * the frame, then the FCS; a frame to send starts with the length of its
 * data (the frame less its 14-byte header) in two bytes, then the frame,
 * and goes when MACTR's NEWTX bit is set, which the controller clears
 * once it is sent.
 */
#include "enet.h"

#include "lm3s6965.h"

/* Polls of NEWTX before a frame is written over one still in the FIFO:
 * a 1514-byte frame takes 121 us at 100 Mbit/s, 1.2 ms at 10, some
 * 60000 cycles at 50 MHz; the bound keeps a stuck controller from
 * hanging the firmware. */
#define TX_WAIT_POLLS 200000u

void enet_init(uint8_t mac[6])
{
    uint32_t u0 = SYSCTL_USER0;
    uint32_t u1 = SYSCTL_USER1;
    uint32_t ia0;
    uint32_t ia1;

    SYSCTL_RCGC2 |= SYSCTL_RCGC2_EMAC0 | SYSCTL_RCGC2_EPHY0;
    __asm volatile("nop\n nop\n nop" ::: "memory"); /* the clocks */

    /* The board's address is kept in USER0 and USER1, three bytes each,
     * as the vendor's boot loader and tools write it; all ones when
     * unprogrammed, and then the controller's registers keep theirs. */
    if (u0 != 0xffffffffu && u1 != 0xffffffffu) {
        MAC_IA0 = (u0 & 0xffffffu) | (u1 & 0xffu) << 24;
        MAC_IA1 = (u1 >> 8) & 0xffffu;
    }
    ia0 = MAC_IA0;
    ia1 = MAC_IA1;
    mac[0] = (uint8_t)ia0;
    mac[1] = (uint8_t)(ia0 >> 8);
    mac[2] = (uint8_t)(ia0 >> 16);
    mac[3] = (uint8_t)(ia0 >> 24);
    mac[4] = (uint8_t)ia1;
    mac[5] = (uint8_t)(ia1 >> 8);

    MAC_IM = 0;
    MAC_IACK = MAC_INT_ALL;
    MAC_TCTL = MAC_TCTL_TXEN | MAC_TCTL_PADEN | MAC_TCTL_CRC |
               MAC_TCTL_DUPLEX;
    /* RSTFIFO empties the receive FIFO; frames with a bad FCS are
     * dropped by the controller; multicast frames come in (mDNS) */
    MAC_RCTL = MAC_RCTL_RSTFIFO | MAC_RCTL_BADCRC;
    MAC_RCTL = MAC_RCTL_RXEN | MAC_RCTL_AMUL | MAC_RCTL_BADCRC;
    MAC_IM = MAC_INT_RX;
    NVIC_ISER1 = 1u << (IRQ_ETH - 32);
}

/* The receive interrupt only wakes the main loop (WFI), which reads the
 * FIFO while MACNP says frames wait: acknowledging it is all there is. */
void enet_handler(void)
{
    MAC_IACK = MAC_INT_RX;
}

int enet_rx_ready(void)
{
    return MAC_NP != 0;
}

uint16_t enet_rx(uint8_t *buf, uint16_t size)
{
    uint32_t w;
    uint32_t total; /* the length field: 2 + frame + FCS */
    uint32_t len;   /* the frame's bytes, FCS aside */
    uint32_t i;

    if (MAC_NP == 0) {
        return 0;
    }
    w = MAC_DATA;
    total = w & 0xffffu;
    len = total >= 6 ? total - 6 : 0;
    /* the first word's last two bytes are the frame's first two */
    for (i = 0; i < total - 2 && total >= 6; i++) {
        uint32_t k = i + 2; /* the byte's place in the FIFO's stream */

        if ((k & 3u) == 0) {
            w = MAC_DATA;
        }
        if (i < len && len <= size) {
            buf[i] = (uint8_t)(w >> (8u * (k & 3u)));
        }
    }
    /* total < 6 cannot come from the controller; ends the frame's words */
    return len <= size ? (uint16_t)len : 0;
}

/* A word of the transmit FIFO being filled, bytes in little-endian
 * order. */
struct txword {
    uint32_t w;
    uint32_t n; /* bytes in w */
};

static void tx_byte(struct txword *t, uint8_t b)
{
    t->w |= (uint32_t)b << (8u * t->n);
    if (++t->n == 4) {
        MAC_DATA = t->w;
        t->w = 0;
        t->n = 0;
    }
}

/* Waits for the frame before to be sent, and starts one whose data (the
 * bytes past the 14 of its header) are data_len long. */
static void tx_begin(struct txword *t, uint16_t data_len)
{
    uint32_t i;

    for (i = 0; i < TX_WAIT_POLLS && (MAC_TR & MAC_TR_NEWTX); i++) {
    }
    t->w = data_len;
    t->n = 2;
}

static void tx_end(struct txword *t)
{
    if (t->n) {
        MAC_DATA = t->w;
    }
    MAC_TR = MAC_TR_NEWTX;
}

void enet_tx(const uint8_t *frame, uint16_t len)
{
    struct txword t;
    uint16_t i;

    tx_begin(&t, (uint16_t)(len - 14));
    for (i = 0; i < len; i++) {
        tx_byte(&t, frame[i]);
    }
    tx_end(&t);
}

void enet_tx_reply(const uint8_t hdr[14], const struct pagec_reply *reply)
{
    struct txword t;
    const uint8_t *p;
    uint16_t len;
    uint16_t i;
    uint8_t k;

    tx_begin(&t, (uint16_t)(reply->hdr_len + reply->body_len));
    for (i = 0; i < 14; i++) {
        tx_byte(&t, hdr[i]);
    }
    for (i = 0; i < reply->hdr_len; i++) {
        tx_byte(&t, reply->hdr[i]);
    }
    /* the body in pieces: the site's, and a live page's fields (on this
     * part flash is read as memory) */
    for (k = 0; pagec_reply_piece(reply, k, &p, &len) != 0; k++) {
        for (i = 0; i < len; i++) {
            tx_byte(&t, p[i]);
        }
    }
    tx_end(&t);
}
