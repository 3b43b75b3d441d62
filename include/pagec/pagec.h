/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagec/pagec.h - the pagec runtime: serves a compiled site from received
 * IPv4 datagrams, without memory per connection.
 *
 * A driver (a TUN device on Linux, SLIP or Ethernet on a microcontroller)
 * hands every received IPv4 datagram to pagec_server_input(). The runtime
 * either answers it with one reply datagram (or, for a page longer than
 * one segment, a few: pagec_server_next()) or drops it. It keeps no state
 * between calls: everything it needs to continue a connection comes back
 * in the client's next segment (see "Sequence numbers" below).
 *
 * What it answers:
 * - ICMP echo request: an echo reply with the same identifier, sequence
 *   number and data.
 * - TCP SYN to the site's HTTP port or to one of its page ports: a SYN-ACK
 *   with an MSS option.
 * - TCP segment to the HTTP port whose ACK acknowledges our SYN and whose
 *   data starts with a complete request line: GET and HEAD get the page
 *   (gzip-encoded when Accept-Encoding names gzip, or when the page is
 *   stored gzip-encoded only and the request does not refuse gzip; 304
 *   when If-None-Match names its ETag; the header fields alone for HEAD),
 *   404 for an unknown path, 406 when no encoding the page has is
 *   acceptable, 405
 *   for the other methods of RFC 9110 and PATCH, 501 for unknown ones,
 *   400 for a request line or a field line it cannot read. The reply
 *   carries the whole page and our
 *   FIN in one segment, but for a large reply (PAGEC_LARGE; pagec(3),
 *   "Large replies"), which goes in several. A request line that is not
 *   complete (no line end yet) is not answered; the client retransmits.
 *   Header fields are read only from the same segment.
 * - An action (PAGEC_ACTIONS; pagec(1), "Actions"): a GET of PATH?QUERY,
 *   or a POST to PATH whose urlencoded body is QUERY, for an action the
 *   site declares: the driver's callback pagec_server.action runs, then
 *   the action's page is the reply (200, identity or gzip as for a GET).
 *   Refused with 403, the callback not called, when Sec-Fetch-Site is
 *   present and neither "same-origin" nor "none", when Origin is present
 *   and is not "http://" and the Host field, or when Referer is present
 *   and its origin is not that either (compared by 32-bit hashes keyed
 *   by the secret). A POST needs Content-Length (else 411) and its whole body in
 *   the request's segment (else 413); a POST that names no action gets
 *   405. HEAD never runs an action. The same request arriving twice (a
 *   retransmission) runs the action twice.
 * - TCP segment with data to a page port: that page, the data unread.
 * - TCP FIN after our reply: a plain ACK, so the client closes cleanly.
 *   A FIN before our reply (a connection the client did not use, or
 *   whose request was lost): our FIN with the ACK, so that the client
 *   closes rather than wait (an empty reply).
 * - TCP segment to any other port: an RST, as RFC 9293 section 3.10.7.1
 *   says for a closed port. A segment with an ACK that acknowledges
 *   nothing we sent gets an RST as for an unacceptable ACK in LISTEN.
 * - The small services (PAGEC_SERVICES), on ports the site does not use:
 *   on TCP, a SYN to port 7 (echo, RFC 862), 9 (discard, RFC 863) or 13
 *   (daytime, RFC 867) gets a SYN-ACK as above. Daytime: the ACK that
 *   completes the handshake gets the daytime text and our FIN. Discard:
 *   data is acknowledged, a FIN gets our FIN. Echo: a segment's data
 *   comes back in one segment that acknowledges it, a FIN gets our FIN;
 *   a segment that does not start where the echo of the client's
 *   earlier data ended (it was sent before that echo arrived), or whose
 *   echo would be larger than the client's MSS or window, is not
 *   answered: the client sends it again. On UDP, stateless: a datagram
 *   to port 7 comes back with its data, to port 9 gets nothing, to port
 *   13 gets the daytime text; one from a source port below 1024 (another
 *   service, which could answer back) or to any other UDP port is
 *   dropped, with no ICMP error. The daytime text comes from the
 *   driver's callback, pagec_server.daytime, or is "uptime N s\r\n"
 *   with N the driver's clock.
 * - The driver's own services (PAGEC_SERVICES; struct pagec_service):
 *   a TCP or UDP port of pagec_server.services (other than 7, 9, 13 and
 *   the site's) whose reply, at most PAGEC_SERVICE_MAX bytes, the
 *   callback pagec_server.service makes. On TCP, the port is opened as
 *   daytime's (SYN-ACK, the same ISN and ACK checks). "Reply on
 *   connect": the ACK that completes the handshake gets the reply and
 *   our FIN, as daytime. "Reply to one line" (PAGEC_SERVICE_LINE): the
 *   first segment with data gets the reply made from that data, which
 *   it acknowledges, and our FIN; a pure ACK gets nothing; data after
 *   the reply (a second segment of a line too) is acknowledged and not
 *   read. On UDP, any datagram from a port of 1024 or above gets the
 *   reply, made from its data for a line service. The callback gets at
 *   most PAGEC_SERVICE_MAX bytes of the data: a longer line is cut.
 * - TCP SYN whose MSS option is below 536 (or below the site's MSS, when
 *   the site was compiled for less): an RST.
 * Never answered: RST segments, segments with a wrong IPv4 or TCP checksum,
 * lengths that do not add up (header longer than the datagram, datagram
 * longer than the bytes received), fragments, IP versions other than 4,
 * loopback, "this network", multicast, reserved and broadcast addresses
 * (a first byte of 0, 127 or 224 and above), a source equal to the
 * destination, datagrams for another address when the server has one set,
 * SYN+FIN to an open port, and segments with neither SYN nor ACK.
 *
 * Never answered either: a UDP datagram whose length field is not its
 * length, or whose checksum is wrong (a checksum of 0, none, is taken).
 *
 * Sequence numbers: our initial sequence number (ISN) carries, in its
 * top two bits, the time slot it was made in (the driver's clock divided
 * by 2^PAGEC_ISN_SLOT_LOG2 seconds, modulo 4), in the next two the class
 * of the client's MSS (as SYN cookies do), then 14 bits of HalfSipHash-1-3
 * keyed with the server's 64-bit secret (of the four-tuple, the slot and
 * the class), and 14 bits of the same hash mixed with bits 16-31 of the
 * client's ISN + 1 (pagec_isn() below). A request is answered only when
 * its ACK is ISN + 1 for the current slot or one of the 3 before it; a
 * later FIN or ACK must lie between ISN + 1 and ISN + 2 + the largest
 * reply of the site, else it gets an RST. What this does and does not
 * guarantee (guessing, reuse of a four-tuple, replay) is in pagec(3),
 * SECURITY CONSIDERATIONS.
 *
 * The services' ISNs (PAGEC_SERVICES) differ in B alone. On ports 9 and
 * 13 and the driver's services' ports, B is the hash's 14 bits, with
 * nothing of the client's ISN: a discard client may send any amount. On port 7, B is the hash's 14 bits
 * plus the client's ISN + 1, modulo 2^14. The echo's bytes mirror the
 * client's one for one, so the distance from the client's sequence
 * numbers to ours is fixed modulo 2^14 by the hash alone: a segment is
 * echoed when its ACK less its sequence number is ISN + 1 - (client ISN
 * + 1) modulo 2^14, which is when it starts where the echo of what the
 * client sent before ends (the client cannot have 16 KiB in flight with
 * our window, pagec_site.window, below 8 KiB: PAGEC_WINDOW_MAX), and the
 * echo goes out at the sequence number the segment acknowledges. An echo
 * connection carries up to 1 MiB (PAGEC_ECHO_SPAN); an ACK beyond it gets
 * an RST.
 *
 * The client's MSS: the class in the ISN (536 when the SYN has no MSS
 * option, 966, 1220, or at least the site's MSS) and the window of the
 * request bound what may be sent. A reply larger than that is replaced by
 * the page's other encoding when it fits and is acceptable, or else by the
 * short 503 reply.
 */
#ifndef PAGEC_PAGEC_H
#define PAGEC_PAGEC_H

#include <stdint.h>

#include "pagec/opt.h"
#include "pagec/site.h"

#ifdef PAGEC_ROM_CXX
#error "the pagec runtime's API is C on AVR (its site is __flash, which C++ lacks): call it from a .c file; an Arduino sketch includes PagecSerial.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of a reply header: IPv4 (20) + TCP (20) + MSS option (4), or, for
 * a reply whose status code the runtime writes, up to the end of the code
 * (52). An echo reply needs 28 (IPv4 + ICMP or UDP header); a daytime
 * reply or a driver's service's (PAGEC_SERVICES) has its text there too,
 * after the header: 40 + PAGEC_SERVICE_MAX on TCP. */
#if PAGEC_SERVICES && PAGEC_SERVICE_MAX > 16
#define PAGEC_REPLY_HDR_MAX (40 + PAGEC_SERVICE_MAX)
#elif PAGEC_LARGE
#define PAGEC_REPLY_HDR_MAX 56 /* a SYN-ACK with MSS, SACK-permitted
                                  and timestamps options */
#elif PAGEC_SERVICES && PAGEC_SERVICE_MAX > 12
#define PAGEC_REPLY_HDR_MAX (40 + PAGEC_SERVICE_MAX)
#else
#define PAGEC_REPLY_HDR_MAX 52
#endif

/* The most bytes of our sequence space an echo connection uses
 * (PAGEC_SERVICES): 1 MiB. */
#define PAGEC_ECHO_SPAN 0x100000u

#if PAGEC_STATS
/*
 * Why a datagram got no reply, or an RST (PAGEC_STATS): X(NAME, text) for
 * each reason, in the order of their counters in struct pagec_stats. A
 * driver that prints them defines X and expands the list.
 */
#define PAGEC_WHY_LIST(X)                                                    \
    X(HEADER, "not IPv4, or lengths that do not add up")                     \
    X(TRUNCATED, "longer than the bytes received: the driver's buffer is too small") \
    X(FRAGMENT, "a fragment")                                                \
    X(ADDRESS, "a martian, spoofed or foreign address")                      \
    X(CHECKSUM, "a wrong IPv4, TCP, UDP or ICMP checksum")                   \
    X(PROTOCOL, "neither TCP, UDP nor an ICMP echo request")                 \
    X(RST, "an RST: never answered")                                         \
    X(FLAGS, "neither SYN nor ACK, SYN+FIN, or a SYN-ACK (an RST goes back)") \
    X(PORT, "a closed port (an RST goes back)")                              \
    X(MSS, "a SYN's MSS below the floor (an RST goes back)")                 \
    X(ACK, "an ACK of nothing we sent, or from too long ago (an RST goes back)") \
    X(PURE_ACK, "a pure ACK: it needs no answer")                            \
    X(REQUEST, "no complete request line, or a reply not even the 503 fits") \
    X(UDP_PORT, "UDP to a port with no service (no ICMP error goes back)")   \
    X(LOW_PORT, "UDP from a port below 1024: a service's, which could answer back") \
    X(DISCARD, "UDP to the discard service: never answered")                 \
    X(ORDER, "TCP echo data sent before the echo of earlier data came, or too big for the client")

#define PAGEC_WHY_ENUM(name, text) PAGEC_WHY_##name,
enum pagec_why { PAGEC_WHY_LIST(PAGEC_WHY_ENUM) PAGEC_WHY_COUNT };
#undef PAGEC_WHY_ENUM

/* Counters of struct pagec_server's stats, one per enum pagec_why. */
struct pagec_stats {
    uint32_t n[PAGEC_WHY_COUNT];
};
#endif

/*
 * A server: the settings of one device. Nothing in it changes while the
 * server runs, so it may be const (in flash where const data stays
 * there; on AVR a const object is copied to RAM).
 */
struct pagec_server;

#if PAGEC_LIVE
/*
 * Fills a live field (PAGEC_LIVE): writes the value id (NAME_LIVE_<value>
 * in the site's generated header) as at most width bytes at dst, and
 * returns the bytes it wrote; the runtime pads the rest of the field with
 * spaces, and counts a return above width as width. It must not write
 * past dst[width - 1]. Called while a reply is made, once for each field
 * of the reply, in the order of the fields, from the caller of
 * pagec_server_input() or pagec_stream_end(). pagec/live.h has
 * formatting helpers.
 */
typedef uint8_t (*pagec_live_fn)(const struct pagec_server *srv, uint8_t id,
                                 uint8_t *dst, uint8_t width);
#endif

#if PAGEC_ACTIONS
/*
 * Runs an action (PAGEC_ACTIONS): id is NAME_ACTION_<name> in the site's
 * generated header, arg the argument the site gives it. Called from the
 * caller of pagec_server_input() or pagec_stream_end(), once a request
 * for it is accepted and before its page's live fields are filled, so the
 * page shows what the action did. It may run more than once for one click
 * (a retransmitted request): an action sets a state, never toggles one.
 */
typedef void (*pagec_action_fn)(const struct pagec_server *srv, uint8_t id,
                                uint16_t arg);
#endif

#if PAGEC_SERVICES
/*
 * A service of the driver's own (PAGEC_SERVICES): the TCP port, UDP port
 * or both numbered port answer with a reply the callback
 * pagec_server.service makes (see "What it answers" above). The table
 * may be in ROM (PAGEC_ROM), as the site.
 */
struct pagec_service {
    uint16_t port; /* not 0; 7, 9 and 13 are echo's, discard's, daytime's */
    uint8_t mode;  /* PAGEC_SERVICE_TCP, PAGEC_SERVICE_UDP or both, and
                      PAGEC_SERVICE_LINE for a reply to one line (else
                      the reply goes on connect) */
};

#define PAGEC_SERVICE_TCP 1u
#define PAGEC_SERVICE_UDP 2u
#define PAGEC_SERVICE_LINE 4u

/*
 * Makes a service's reply in place: buf holds len bytes received (a line
 * service's data, cut at size = PAGEC_SERVICE_MAX; 0 bytes for a reply on
 * connect); the callback writes the reply's bytes over them, at most size
 * of them, and returns their number (more counts as size). port is the
 * service's. Called from the caller of pagec_server_input() or
 * pagec_stream_end(), once for each reply, and again for a request that
 * arrives again.
 */
typedef uint8_t (*pagec_service_fn)(const struct pagec_server *srv,
                                    uint16_t port, uint8_t *buf, uint8_t len,
                                    uint8_t size);
#endif

#if PAGEC_LARGE
/*
 * The driver's clock in milliseconds, from any origin, wrapping at 2^32
 * (PAGEC_LARGE): the timestamps of a large reply's segments carry it, so
 * that the runtime can tell how long ago a segment was sent.
 */
typedef uint32_t (*pagec_millis_fn)(const struct pagec_server *srv);

/*
 * One entry of the table of recent connections whose SYN offered no SACK
 * or no timestamps (PAGEC_LARGE_FLOWS; pagec_server.flows): what was sent of
 * their large reply, so that a duplicate ACK draws the segment it misses
 * once, not a copy per duplicate. The driver provides the entries,
 * zeroed; the runtime alone reads and writes their members. Such a
 * client that finds no entry (none given, all used in the last second,
 * or its own taken since) is served without: one segment per ACK without
 * SACK (docs/large-pages.md).
 */
struct pagec_flow {
    uint32_t seq0;  /* the connection: our sequence number of byte 0, */
    uint32_t rcv;   /* the client's past its request, */
    uint32_t used;  /* the clock (ms) when last used */
    uint32_t next;  /* segments sent: one past the highest index */
    uint32_t una;   /* segments acknowledged */
    uint32_t mark;  /* next when the last one was sent again */
    uint16_t port;  /* and the client's port; 0: a free entry */
    uint16_t dups;  /* duplicate ACKs since then; 0: none sent again */
    uint16_t large; /* the reply: its index in pagec_site.large */
};
#endif

struct pagec_server {
    const PAGEC_ROM struct pagec_site *site; /* the compiled site to serve */
    uint8_t secret[8]; /* key of the ISN function: random per device,
                          set at start-up from a random source or
                          provisioned per device; never the same in
                          every image */
    uint8_t addr[4];   /* our IPv4 address, network order; all zero to
                          answer datagrams to any destination */
#if PAGEC_STATS
    struct pagec_stats *stats; /* counted into when not NULL */
#endif
#if PAGEC_LIVE
    pagec_live_fn live; /* fills live fields; NULL: their placeholders go out */
#endif
#if PAGEC_ACTIONS
    pagec_action_fn action; /* runs actions; NULL: they serve their page
                               and do nothing else */
#endif
#if PAGEC_LIVE || PAGEC_ACTIONS || PAGEC_LARGE
    void *ctx;          /* the driver's, for its callbacks */
#endif
#if PAGEC_LARGE
    pagec_millis_fn millis; /* NULL: the clock of pagec_server_input()
                               times 1000 (recovery from loss then
                               waits whole seconds) */
#if PAGEC_LARGE_FLOWS
    struct pagec_flow *flows; /* NULL, or nflows zeroed entries: the
                                 table of connections without SACK or
                                 timestamps */
    uint8_t nflows;
#endif
#endif
#if PAGEC_SERVICES
    /* The daytime service's text (RFC 867: any text, ending in CRLF):
     * writes at most size bytes at dst and returns their number (more
     * counts as size). Called from the caller of pagec_server_input() or
     * pagec_stream_end() while a daytime reply is made. NULL: "uptime N
     * s\r\n", N the driver's clock in seconds. */
    uint8_t (*daytime)(const struct pagec_server *srv, uint8_t *dst,
                       uint8_t size);
    /* The driver's services: nservices of them at services, whose replies
     * service makes; it must be set when nservices is not 0. */
    const PAGEC_ROM struct pagec_service *services;
    pagec_service_fn service;
    uint8_t nservices;
#endif
};

#if PAGEC_LARGE
/*
 * The segments still to send in answer to one received datagram
 * (PAGEC_LARGE): of a large reply, ranges [from, to) of its segment
 * indices, in order; or one segment made in RAM (a SYN-ACK or an ACK
 * with options). Kept in struct pagec_reply between pagec_server_input()
 * and the pagec_server_next() calls that follow it; nothing of it lasts
 * beyond them.
 */
#define PAGEC_BURST_RANGES 4
struct pagec_burst {
    uint32_t seq0;  /* our sequence number of the reply's first byte */
    uint32_t ack;   /* our acknowledgement number */
    uint32_t ts;    /* TSval of a segment less its index + 1: ms << 10 */
    uint32_t ecr;   /* TSecr: the TSval received */
    uint32_t from[PAGEC_BURST_RANGES];
    uint32_t to[PAGEC_BURST_RANGES];
    uint16_t large; /* the reply: its index in pagec_site.large */
    uint16_t per;   /* grid blocks per segment in the client's MSS class */
    uint8_t nrange; /* ranges left, from from[0] */
    uint8_t opt;    /* which options every segment carries */
};
#endif

/*
 * A reply: a header in RAM followed by a body that the runtime does not
 * copy. The datagram to send is hdr[0 .. hdr_len) then body[0 .. body_len).
 * When body_rom is 1, body points into the site's template, which may be
 * in program memory: read it as PAGEC_ROM_BYTE((const PAGEC_ROM uint8_t *)
 * body + i), as pagec_reply_copy() does; when it is 0,
 * body points into the received datagram (the data of an echo reply),
 * which must stay unchanged until the reply is sent. A daytime reply's
 * text, and a driver's service's reply, is in hdr, after its header
 * (body_len 0).
 */
struct pagec_reply {
    const uint8_t *body;
    uint16_t body_len;
    uint16_t hdr_len;
    uint8_t body_rom;
    uint8_t hdr[PAGEC_REPLY_HDR_MAX];
#if PAGEC_LIVE
    /* A live page's reply: the nfields fields at fields (in the site;
     * their offsets count from body - (hdr_len - PAGEC_HDR_LEN), the
     * template's pkt) go out as the bytes at live, in order, instead of
     * the body's placeholders. pagec_reply_copy() and pagec_reply_piece()
     * put them in. */
    const PAGEC_ROM struct pagec_field *fields;
    uint8_t nfields;
    uint8_t live[PAGEC_LIVE_MAX];
#endif
#if PAGEC_LARGE
    struct pagec_burst burst; /* what pagec_server_next() sends */
#endif
};

/*
 * Processes one received IPv4 datagram.
 *
 * srv:   the server; srv->site must be a site of PAGEC_FORMAT_VERSION.
 * now:   the driver's clock in seconds, from any origin: a free-running
 *        32-bit count that wraps at 2^32 (not at 2^16). The ISN changes
 *        every 2^PAGEC_ISN_SLOT_LOG2 seconds of it; slots are counted
 *        modulo 2^(32 - PAGEC_ISN_SLOT_LOG2), so the wrap is seamless.
 * pkt:   the datagram, starting at its IPv4 header; not modified.
 * len:   bytes received at pkt. Bytes beyond the datagram's total length
 *        (link-layer padding) are ignored. A datagram whose total length
 *        is more than len (cut by a receive buffer that is too small) is
 *        not answered: a driver's buffer holds the site's MSS + 40 bytes,
 *        NAME_DATAGRAM_MAX in the site's generated header, and
 *        pagec_truncated() tells a driver that a datagram was cut.
 * reply: filled in when the datagram is answered; left in an unspecified
 *        state otherwise. It must not overlap pkt.
 *
 * Returns the length of the reply datagram (reply->hdr_len +
 * reply->body_len), or 0 when the datagram gets no answer. The runtime
 * never reads beyond pkt[len - 1].
 */
uint16_t pagec_server_input(const struct pagec_server *srv, uint32_t now,
                            const uint8_t *pkt, uint16_t len,
                            struct pagec_reply *reply);

/*
 * The next datagram of the answer to the datagram last given to
 * pagec_server_input() with this reply (PAGEC_LARGE): a large reply goes
 * out as up to 10 segments for one received datagram. reply is filled in
 * as by pagec_server_input(), over the datagram it held; the received
 * datagram need not be kept. Returns its length, or 0 when the answer is
 * complete (always 0 without PAGEC_LARGE, so a driver's loop needs no
 * switch). A driver sends the datagram of pagec_server_input(), then
 * calls this until it returns 0, sending each datagram; one that stops
 * early loses nothing but time (the client asks again).
 */
uint16_t pagec_server_next(const struct pagec_server *srv,
                           struct pagec_reply *reply);

/*
 * 1 when the len bytes at pkt are the start of a longer IPv4 datagram
 * (its total length says more): the driver's receive buffer cut it, and
 * the runtime will not answer it. 0 otherwise.
 */
static inline int pagec_truncated(const uint8_t *pkt, uint16_t len)
{
    return len >= 4 && (pkt[0] >> 4) == 4 &&
           (uint16_t)(pkt[2] << 8 | pkt[3]) > len;
}

/*
 * Copies the reply datagram into buf, for drivers that send from one
 * buffer; a body in ROM is read with PAGEC_ROM_BYTE. Returns the bytes
 * copied, or 0 when size is smaller than the datagram (nothing is copied
 * then).
 */
uint16_t pagec_reply_copy(const struct pagec_reply *reply, uint8_t *buf,
                          uint16_t size);

/*
 * The body of a reply in pieces, for drivers that send a list of buffers
 * (writev, DMA descriptors): piece i (from 0) is *len bytes at *p; the
 * return value is 0 when there is no piece i, else 1 for a piece in the
 * site's ROM (read with PAGEC_ROM_BYTE, as the body of struct
 * pagec_reply) and 2 for one in RAM (the echo data, or a live field's
 * bytes in reply->live). A body has at most 2 * nfields + 1 pieces; one
 * without live fields is one piece, the body itself.
 */
uint8_t pagec_reply_piece(const struct pagec_reply *reply, uint8_t i,
                          const uint8_t **p, uint16_t *len);

/*
 * The path matcher, a byte at a time: pagec_match_init() starts a match,
 * pagec_match_byte() consumes one byte of the (percent-decoded) request
 * path, pagec_match_end() gives the page whose path is exactly the bytes
 * consumed, or PAGEC_NO_PAGE. The cost of a byte does not grow with the
 * number of pages (a radix tree; at a branch, a binary search among the
 * branches). The state is 4 bytes.
 */
struct pagec_match {
    uint16_t node; /* current node of the radix tree */
    uint16_t pos;  /* bytes of its label consumed; 0xffff: no match */
};

void pagec_match_init(struct pagec_match *m);
void pagec_match_byte(const PAGEC_ROM struct pagec_site *site, struct pagec_match *m,
                      uint8_t c);
uint16_t pagec_match_end(const PAGEC_ROM struct pagec_site *site,
                         const struct pagec_match *m);

/*
 * The page served at the len bytes of path (already percent-decoded, no
 * query), or PAGEC_NO_PAGE: the matcher run over a whole string.
 */
uint16_t pagec_site_lookup(const PAGEC_ROM struct pagec_site *site,
                           const uint8_t *path, uint16_t len);

/*
 * The ISN function. With h = HalfSipHash-1-3 with the 8-byte key over the
 * 16 bytes client address, server address, client port, server port
 * (network order) and slot * 4 + mss_class (a big-endian 32-bit word),
 * and hi = bits 16-31 of client_isn + 1, the ISN is
 *   (slot mod 4) << 30 | mss_class << 28 | (h mod 2^14) << 14 |
 *   (h >> 14) + 0x2001 * hi mod 2^14.
 * slot is the driver's clock shifted right by PAGEC_ISN_SLOT_LOG2, modulo
 * 2^(32 - PAGEC_ISN_SLOT_LOG2); client_isn the sequence number of the
 * client's SYN. Exposed for tests and for drivers that want to log it.
 */
uint32_t pagec_isn(const uint8_t key[8], const uint8_t client[4],
                   const uint8_t server[4], uint16_t client_port,
                   uint16_t server_port, uint32_t slot, uint8_t mss_class,
                   uint32_t client_isn);

/*
 * HalfSipHash-2-4 of len bytes at msg with an 8-byte key, 32-bit output
 * (the reference function with outlen 4, its four output bytes read as a
 * little-endian number).
 */
uint32_t pagec_halfsiphash(const uint8_t key[8], const uint8_t *msg,
                           uint16_t len);

#ifdef __cplusplus
}
#endif

#endif /* PAGEC_PAGEC_H */
