/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagec/ppp.h - PPP in HDLC-like framing (RFC 1661, RFC 1662, and IPCP
 * of RFC 1332) on a serial line, for the buffered API, and the dialogue
 * of a modem before it (Hayes commands, the direct cable's CLIENT), so
 * that a PC's PPP (Linux pppd, a dial-up connection) reaches the device
 * over a plain serial cable.
 *
 * Framing: a frame is the flag 0x7e, the address 0xff and control 0x03,
 * a 2-byte protocol, the information, the FCS-16 of all of them (sent
 * complemented, low byte first) and a flag; 0x7e, 0x7d and every byte
 * below 0x20 are sent as 0x7d and the byte XOR 0x20 (the default ACCM,
 * all ones: the device never asks for less), and any byte received after
 * 0x7d is taken XOR 0x20. A frame whose FCS is wrong is dropped.
 *
 * LCP and IPCP are negotiated with a byte of state besides the
 * identifier of the device's own requests and the time the last went: a
 * Configure-Request of the peer's gets an Ack (or a Reject of the options
 * the device does not take); the device sends its own Configure-Request
 * after the peer's first, again every 3 s until it is acked
 * (pagec_ppp_poll()), and again when the peer's request comes once the
 * layer was open (the peer started over, RFC 1661's state table); never
 * with every Ack, which would make an RFC 1661 peer that is open start
 * over without end. An LCP Echo-Request gets its Echo-Reply; a
 * Terminate-Request its Terminate-Ack, and the line goes back to the
 * modem's command mode (a dialer hangs up after it); an unknown code a
 * Code-Reject and an unknown protocol a Protocol-Reject. LCP options taken: MRU,
 * async control character map, magic number (the device's own requests
 * none: its replies are at most the site's MSS + 40 bytes, and it
 * escapes every control character whatever the peer's map); rejected:
 * authentication, quality protocol, protocol and address/control field
 * compression (so every frame carries its full header), and any other.
 * IPCP: the peer's IP-Address taken as it says, all others rejected; the
 * device's request names srv->addr (none when it is all zero, or after
 * the peer Naks or Rejects it: the peer then uses the address it was
 * told). IPv4 datagrams (protocol 0x0021)
 * go to the server whatever the state, as a peer sends them only once
 * IPCP is open.
 *
 * The modem's dialogue (PAGEC_MODEM in opt.h): the line starts in
 * command mode. A line "AT..." ended by CR gets "OK"; "ATD..." gets
 * "CONNECT 115200" and data mode; "ATH..." "OK" (a hang-up: command mode
 * stays); "CLIENT" (Windows' direct cable connection) gets "CLIENTSERVER"
 * and data mode; a PPP flag in command mode starts data mode with it (a
 * peer that does not dial). In data mode "+++" between two pauses of at
 * least 1 s (the guard time, which pagec_ppp_poll() watches) gets "OK"
 * and command mode; then "ATO" returns to data mode. Replies are framed
 * by CR LF (but CLIENTSERVER, sent as it is); commands are not echoed
 * (ATE0), as a dialer's script expects either way.
 */
#ifndef PAGEC_PPP_H
#define PAGEC_PPP_H

#include <stdint.h>

#include "pagec/pagec.h"
#include "pagec/slip.h" /* pagec_slip_put: a byte to the line */

#ifdef __cplusplus
extern "C" {
#endif

#define PAGEC_PPP_FLAG 0x7e
#define PAGEC_PPP_ESC 0x7d
#define PAGEC_PPP_HLEN 4 /* address, control, protocol */

/*
 * A receiver: 20 bytes on a 32-bit part (24 with PAGEC_MODEM) besides
 * the driver's frame buffer, which holds a frame's header, its datagram
 * and its FCS: PAGEC_PPP_HLEN + the largest datagram + 2 bytes.
 */
struct pagec_ppp {
    uint8_t *buf;  /* the frame being received, from its address byte */
    uint32_t sent; /* the clock (ms) when the device's last request went */
#if PAGEC_MODEM
    uint32_t last; /* the clock (ms) at the last byte received */
#endif
    uint16_t size; /* bytes buf holds */
    uint16_t len;  /* bytes of the frame so far */
    uint16_t fcs;  /* its FCS so far */
    uint8_t flags; /* an escape pending; the frame being dropped */
    uint8_t id;    /* the identifier of the device's last request */
    uint8_t cp;    /* LCP's and IPCP's states: the device's request sent,
                      acked, the peer's acked; IPCP's without the address */
#if PAGEC_MODEM
    uint8_t mode;  /* command or data mode, and where in a command */
    uint8_t plus;  /* '+' received after a pause, in data mode */
#endif
};

/* Starts a receiver on the size bytes at buf (command mode with
 * PAGEC_MODEM). */
void pagec_ppp_init(struct pagec_ppp *p, uint8_t *buf, uint16_t size);

/*
 * Feeds one byte received at now (ms: the driver's clock, which any
 * origin and wrapping do not trouble).
 * Returns the length of an IPv4 datagram that c completes (it is then
 * at buf + PAGEC_PPP_HLEN), or 0. The modem's replies, LCP's and IPCP's
 * are sent at once through put, as whole frames.
 */
uint16_t pagec_ppp_input(struct pagec_ppp *p, const struct pagec_server *srv,
                         uint8_t c, uint32_t now, pagec_slip_put put,
                         void *ctx);

/*
 * Called from the driver's loop with its clock (ms): sends the device's
 * Configure-Request again when 3 s have passed without its Ack; with
 * PAGEC_MODEM, ends an escape "+++" once the line has been quiet for the
 * guard time after it (sends "OK", command mode).
 */
void pagec_ppp_poll(struct pagec_ppp *p, const struct pagec_server *srv,
                    uint32_t now, pagec_slip_put put, void *ctx);

/*
 * Sends a reply of pagec_server_input() as one PPP frame (protocol IPv4),
 * its body read through PAGEC_ROM_BYTE when it lies in the site.
 */
void pagec_ppp_send_reply(const struct pagec_reply *reply,
                          pagec_slip_put put, void *ctx);

/* FCS-16 of RFC 1662 section C.2: fcs updated with the byte c. */
uint16_t pagec_ppp_fcs(uint16_t fcs, uint8_t c);

#ifdef __cplusplus
}
#endif

#endif /* PAGEC_PPP_H */
