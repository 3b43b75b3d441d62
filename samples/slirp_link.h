/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * slirp_link.h - an emulated Ethernet link between libslirp, the
 * user-mode TCP/IP stack of QEMU, and one device behind it: the part
 * pagec-serve and pagec-slip --slirp share.
 *
 * slirp listens on a TCP port of the host (a host forward) and, for each
 * connection made there, opens one of its own to the device over the
 * link. The link is the device's /24: the device at the address given,
 * slirp's own address .1 in it (.2 when the device is .1), its unused
 * name server .3 (or .4) and DHCP pool from .15 (or .16). A client on the
 * host's loopback appears to the device with slirp's address; a client
 * from another host with its own.
 *
 * slirp speaks Ethernet: the frames it sends the device are queued by
 * its callback and handed to the program's frame function from the loop
 * (slirp_link_turn()), never from inside slirp. slirp_link_datagram()
 * answers its ARP requests for the device's address, as the device's
 * Ethernet driver would, and slirp_link_send() wraps a datagram of the
 * device in a frame to slirp.
 *
 * One link per program: the state is static.
 */
#ifndef PAGEC_SAMPLES_SLIRP_LINK_H
#define PAGEC_SAMPLES_SLIRP_LINK_H

#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>

#define SLIRP_LINK_ETH_HLEN 14      /* Ethernet II header */
#define SLIRP_LINK_MTU_MIN 68       /* slirp's floor (RFC 791's minimum) */
#define SLIRP_LINK_MTU_MAX 9040     /* a jumbo frame's: MSS 9000 + 40 */
#define SLIRP_LINK_EXTRA_MAX 4      /* descriptors slirp_link_turn() adds */

/*
 * Takes a frame slirp sent the device: len bytes, the Ethernet header
 * first. Returns 1 when it took the frame, 0 when it cannot take it now:
 * the frame stays queued and is offered again on the next turn (frames
 * slirp sends meanwhile queue behind it, and are dropped, as on a full
 * link, once the queue is full).
 */
typedef int (*slirp_link_frame_fn)(const uint8_t *frame, uint16_t len);

struct slirp_link_config {
    const char *prog;          /* the program's name, first in messages */
    uint8_t device_addr[4];    /* the device's IPv4 address; the link is
                                  its /24, of which it must be neither the
                                  first nor the last address */
    unsigned mtu;              /* the link's MTU and MRU, from
                                  SLIRP_LINK_MTU_MIN to SLIRP_LINK_MTU_MAX:
                                  slirp's TCP announces an MSS of mtu - 40 */
    slirp_link_frame_fn frame; /* takes the frames slirp sends the device */
};

/*
 * Starts slirp on the link cfg describes (copied). Returns 0, or -1 with a
 * message on stderr when slirp refuses it or a pipe cannot be made.
 */
int slirp_link_open(const struct slirp_link_config *cfg);

/*
 * Forwards TCP connections to addr:port of the host (port 0: any free
 * port) to the device's device_port, tells slirp where the device is
 * (a gratuitous ARP request), and raises the listening socket's backlog
 * from slirp's 1 to what a browser opening several connections at once
 * needs. Returns the port listened on (0 when it could not be read), or
 * -1 when slirp could not listen there (errno set, or 0 when slirp said
 * nothing more).
 */
long slirp_link_forward(struct in_addr addr, int port, uint16_t device_port);

/*
 * One turn of the program's loop: runs slirp's timers that are due, waits
 * for slirp's sockets, for the nextra (at most SLIRP_LINK_EXTRA_MAX)
 * descriptors of extra, for slirp_link_wake() and for slirp's next timer
 * (not at all when frames are queued that the frame function has not
 * refused), lets slirp read and write, and last hands the queued frames
 * to the frame function until it takes no more. The revents of extra are
 * set on return (0 when the wait ended for something else). Returns 0,
 * or -1 when the wait failed (a message on stderr).
 */
int slirp_link_turn(struct pollfd *extra, int nextra);

/*
 * Ends the wait of slirp_link_turn() at once, or that of the next turn.
 * Safe to call from a signal handler: the handler of SIGINT and SIGTERM
 * sets the program's flag and calls this, so that a signal is never left
 * waiting between the check of the flag and the wait.
 */
void slirp_link_wake(void);

/*
 * The length of the IPv4 datagram in the frame slirp sent (len bytes):
 * len less the Ethernet header, padding included. 0 for any other frame,
 * and for an ARP request, which is answered here when it asks for the
 * device's address.
 */
uint16_t slirp_link_datagram(const uint8_t *frame, uint16_t len);

/*
 * Sends slirp the n-byte IPv4 datagram at frame + SLIRP_LINK_ETH_HLEN,
 * from the device: the Ethernet header is written into the first
 * SLIRP_LINK_ETH_HLEN bytes of frame.
 */
void slirp_link_send(uint8_t *frame, uint16_t n);

/* slirp's address on the link, which a client on the host's loopback has
 * for the device. */
void slirp_link_host_addr(uint8_t addr[4]);

/* Milliseconds of the monotonic clock (the program ends on a failure). */
int64_t slirp_link_clock_ms(void);

/* Frames slirp sent the device that were dropped on a full queue. */
unsigned long slirp_link_dropped(void);

/* Stops slirp and frees what slirp_link_open() took. */
void slirp_link_close(void);

#endif
