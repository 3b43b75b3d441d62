/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp.h - the runtime's decision on a received TCP segment, shared by the
 * byte-at-a-time reader and the buffered one (private to the runtime).
 *
 * Both readers describe a segment in the same form, the reply's bytes
 * 12-31 (see struct pagec_seg); pagec_tcp_decide() is a pure function of
 * that description, the server and the clock; the reply's checksums are
 * finished by pagec_tcp_finish(). All ISN, slot, window and RST rules live
 * in tcp.c.
 */
#ifndef PAGEC_RUNTIME_TCP_H
#define PAGEC_RUNTIME_TCP_H

#include <stddef.h>

#include "pagec/chksum.h"
#include "pagec/pagec.h"

/* seg->f: the reply's bytes 12-31, filled from the received segment */
#define F_OURS 0   /* our address: the segment's destination */
#define F_PEER 4   /* the peer's: its source */
#define F_SPORT 8  /* our port: its destination port */
#define F_DPORT 10 /* the peer's port */
#define F_SEQ 12   /* our sequence number; the segment's ACK number at first */
#define F_ACK 16   /* our acknowledgement; its sequence number at first */

#define TH_FIN 0x01u
#define TH_SYN 0x02u
#define TH_RST 0x04u
#define TH_PSH 0x08u
#define TH_ACK 0x10u

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17

/* The small services' ports (PAGEC_SERVICES), on TCP and UDP */
#define PORT_ECHO 7
#define PORT_DISCARD 9
#define PORT_DAYTIME 13

#if PAGEC_LARGE
/* The options of a segment that large replies read (PAGEC_LARGE). */
struct pagec_opt {
    uint32_t tsval;   /* timestamps option (OPT_TS) */
    uint32_t tsecr;
    uint32_t sack[8]; /* left and right edges of nsack SACK blocks, as
                         sent (the first the newest) */
    uint8_t nsack;
    uint8_t has;      /* OPT_TS, OPT_SACK_OK */
};

#define OPT_TS 1u      /* a timestamps option */
#define OPT_SACK_OK 2u /* SACK-permitted (in a SYN) */
/* struct pagec_burst's opt, besides OPT_TS and OPT_SACK_OK: what the one
 * segment made in RAM is */
#define OPT_SYN 4u     /* a SYN-ACK with options */
#define OPT_ACK 8u     /* a pure ACK with the timestamps option */

/* Reads the options of a TCP header t of thl bytes into o. */
void pagec_tcp_options(const uint8_t *t, uint8_t thl, struct pagec_opt *o);
#endif

/* What the decision needs of a segment whose checksum was found right. */
struct pagec_seg {
    uint8_t *f;       /* 20 bytes, as above; the reply's seq and ack are
                         written over the segment's by pagec_tcp_finish() */
    uint16_t dlen;    /* bytes of TCP data */
    uint16_t win;     /* the window; in a SYN, the MSS (536 without option) */
    uint8_t flags;    /* TCP flags */
#if PAGEC_LARGE
    const struct pagec_opt *opt; /* its options; NULL: no large replies
                                    (the API does not send them) */
    struct pagec_burst *b;       /* where a large reply's segments go */
#endif
};

/* The reply chosen. */
struct pagec_choice {
    const PAGEC_ROM struct pagec_tmpl *tmpl; /* NULL: no reply */
    uint32_t seq;
    uint32_t ack;
    uint8_t flags;   /* TCP flags to send */
    uint16_t status; /* 0: the status code as stored, else the one written
                        over the template's three digits */
    uint32_t more;   /* added to the template's TCP sum: its live fields,
                        or the data after it and its length */
    uint16_t extra;  /* bytes of TCP data from RAM after the template's
                        (an echo's, a daytime text) */
};

/* What pagec_tcp_decide() found. */
enum {
    PAGEC_TCP_DONE,   /* c holds the reply, or none */
    PAGEC_TCP_REQUEST, /* the segment's data is a request at the start of
                         the connection: choose its template (at most
                         *limit bytes of TCP data) and call
                         pagec_tcp_request() */
    PAGEC_TCP_ECHO     /* c's numbers and flags are set: the segment's
                          data goes back (pagec_tcp_data()); or
                          SVC_DAYTIME, SVC_CONNECT, SVC_LINE: ... a
                          service's text goes (pagec_service_text(),
                          pagec_tcp_data()) */
};

/* pagec_tcp_decide() found a large reply's segments, or a segment with
 * options, to send: seg->b holds them (PAGEC_LARGE; above every SVC_) */
#define PAGEC_TCP_LARGE 16
/* pagec_large_ack() found the ACK acknowledges nothing we sent: an RST */
#define PAGEC_TCP_RESET 17

/* What a port has (PAGEC_SERVICES): a service, by its kind; those from
 * SVC_DAYTIME on send a text made in RAM */
enum {
    SVC_NONE,
    SVC_ECHO = PAGEC_TCP_ECHO,
    SVC_DISCARD,
    SVC_DAYTIME,
    SVC_CONNECT, /* a driver's, with a reply on connect */
    SVC_LINE     /* a driver's, with a reply to one line */
};

/*
 * Decides the reply to seg. Returns PAGEC_TCP_DONE with c->tmpl set (or
 * NULL), or PAGEC_TCP_REQUEST with c's numbers set and *limit the TCP
 * data the client can take; *fixed is then the template of a page port,
 * or NULL when the request chooses.
 */
uint8_t pagec_tcp_decide(const struct pagec_server *srv,
                         const struct pagec_seg *seg, uint32_t now,
                         struct pagec_choice *c, uint16_t *limit,
                         const PAGEC_ROM struct pagec_tmpl **fixed);

/* TCP data a reply may have in MSS class c (the ISN's bits 28-29): the
 * floor, 966, 1220 or the site's MSS, never above the site's. */
uint16_t pagec_tcp_class_limit(const PAGEC_ROM struct pagec_site *site,
                               uint8_t c);

/*
 * Completes a PAGEC_TCP_REQUEST decision with the template t chosen for
 * the request (NULL: no reply), sent as FIN|PSH|ACK with status code
 * status unless 0.
 */
void pagec_tcp_request(struct pagec_choice *c,
                       const PAGEC_ROM struct pagec_tmpl *t, uint16_t status);

/*
 * Writes c's numbers into seg->f and returns the reply's TCP checksum
 * field; *ip_sum gets its IPv4 header checksum field. addr_sum is the
 * partial sum of the two addresses (f[0..7]).
 */
uint16_t pagec_tcp_finish(const struct pagec_choice *c, uint8_t *f,
                          uint32_t addr_sum, uint16_t *ip_sum);

#if PAGEC_SERVICES
/*
 * Completes a PAGEC_TCP_ECHO or PAGEC_TCP_DAYTIME decision: n bytes of
 * TCP data after the header, whose partial sum (at an even offset) is
 * sum.
 */
void pagec_tcp_data(struct pagec_choice *c,
                    const PAGEC_ROM struct pagec_site *site, uint32_t sum,
                    uint16_t n);

/* The service on TCP port port when the site does not use the port (its
 * HTTP port, a page's port): SVC_ECHO, SVC_DISCARD, SVC_DAYTIME,
 * SVC_CONNECT, SVC_LINE; else SVC_NONE. */
uint8_t pagec_tcp_service(const struct pagec_server *srv, uint16_t port);

/*
 * The text of a reply of service kind (SVC_DAYTIME, SVC_CONNECT,
 * SVC_LINE) on port port into buf (PAGEC_SERVICE_MAX bytes): for
 * SVC_LINE, the n bytes received at d (which may be buf) are copied
 * there first, cut at PAGEC_SERVICE_MAX. Returns its length.
 */
uint8_t pagec_service_text(const struct pagec_server *srv, uint32_t now,
                           uint8_t kind, uint16_t port, const uint8_t *d,
                           uint16_t n, uint8_t *buf);

/*
 * A UDP datagram from port sport to port dport: SVC_ECHO, SVC_DAYTIME,
 * SVC_CONNECT or SVC_LINE when it gets a reply, else SVC_NONE (counted).
 */
uint8_t pagec_udp_decide(const struct pagec_server *srv, uint16_t sport,
                         uint16_t dport);
#endif

#if PAGEC_LARGE
/* 1 when the segment may get large replies: the API sends them, the site
 * has some, and it is for the HTTP port. */
static inline int pagec_large_on(const PAGEC_ROM struct pagec_site *site,
                                 const struct pagec_seg *seg,
                                 uint16_t port)
{
    return seg->opt != NULL && site->nlarge != 0 && port == site->http_port &&
           port != 0;
}

/* The ISN bit that says the SYN offered SACK: the hash's bit there, or
 * its opposite (docs/large-pages.md) */
#define PAGEC_ISN_SACK 0x08000000u

/*
 * A SYN on a port with large replies (pagec_large_on()): isn is the ISN
 * without the SACK bit. Returns PAGEC_TCP_DONE with c set, or
 * PAGEC_TCP_LARGE with a SYN-ACK carrying options in seg->b.
 */
uint8_t pagec_large_syn(const struct pagec_server *srv,
                        const struct pagec_seg *seg, uint32_t now,
                        struct pagec_choice *c, uint32_t isn);

/*
 * A segment with ACK on a port with large replies: finds the ISN (*isn)
 * and either answers it (PAGEC_TCP_DONE: no reply; PAGEC_TCP_LARGE), or
 * returns PAGEC_TCP_REQUEST: its offset is 0 or
 * odd, the one-segment rules go on with *isn; or PAGEC_TCP_RESET.
 */
uint8_t pagec_large_ack(const struct pagec_server *srv,
                        const struct pagec_seg *seg, uint32_t now,
                        uint32_t *isn);

/*
 * The large reply of template t (a variant's get), or NULL: its index
 * in site->large into *k.
 */
const PAGEC_ROM struct pagec_large *
pagec_large_of(const PAGEC_ROM struct pagec_site *site,
               const PAGEC_ROM struct pagec_tmpl *t, uint16_t *k);

/* A request answered by large reply k: the first segments into seg->b,
 * those the client's window takes (none when not even the first). */
void pagec_large_request(const struct pagec_server *srv,
                         const struct pagec_seg *seg, uint32_t now,
                         uint16_t k);

/*
 * The next segment of b into the reply's header h (its bytes 12-23,
 * addresses and ports, in place); the data's place into *data and *n.
 * Returns the datagram's length, 0 when b has no more.
 */
uint16_t pagec_large_emit(const struct pagec_server *srv,
                          struct pagec_burst *b, uint8_t *h,
                          const PAGEC_ROM uint8_t **data, uint16_t *n);
#endif

#if PAGEC_LIVE
/*
 * The live fields of template t (pagec/site.h), when it has any and the
 * driver has a callback: their values written by srv->live into buf, one
 * after the other, each padded with spaces to its width; *fields gets the
 * first of them and *n their number (0: none). Returns what the reply's
 * TCP sum changes by: the bytes written, less the placeholders they
 * replace.
 */
uint32_t pagec_live_fill(const struct pagec_server *srv,
                         const PAGEC_ROM struct pagec_tmpl *t, uint8_t *buf,
                         const PAGEC_ROM struct pagec_field **fields,
                         uint8_t *n);
#endif

/*
 * The ISN (see pagec/pagec.h): slot (2 bits), MSS class (2), A (14 bits
 * of the keyed hash h), B (14 bits: the hash's next 14 plus 0x2001 times
 * bits 16-31 of the client's first sequence number, hi).
 */
#define PAGEC_ISN_B_MASK 0x3fffu

/* Keyed hash (HalfSipHash-1-3) of the four-tuple, slot and class. */
uint32_t pagec_isn_hash(const uint8_t key[8], const uint8_t client[4],
                        const uint8_t server[4], uint16_t client_port,
                        uint16_t server_port, uint32_t slot,
                        uint8_t mss_class);

/* The ISN's top 18 bits: slot, class and A. Written with shifts by whole
 * bytes where it can, which an 8-bit core does by moving bytes; a shift
 * by another count is a loop there. */
static inline uint32_t pagec_isn_top(uint32_t slot, uint8_t cls, uint32_t h)
{
    uint8_t top = (uint8_t)(((uint8_t)slot & 3u) << 6 | (cls & 3u) << 4);

    return (uint32_t)top << 24 |
           ((uint32_t)((uint16_t)h & PAGEC_ISN_B_MASK) << 16) >> 2;
}

/* The ISN's B field: hi times an odd number near half the field, so that
 * B differs for every hi modulo 2^14, and B for hi and hi - 1 (a carry
 * the client's data may have made) lie 8193 apart, farther than any
 * window of acknowledgements. 0x2001 * hi is hi << 13 plus hi, and all of
 * it is taken modulo 2^16: h >> 14 and hi << 13 as byte moves and short
 * shifts, no multiplication and no 32-bit shift loop on 8-bit cores. */
static inline uint32_t pagec_isn_b(uint32_t h, uint16_t hi)
{
    uint16_t b = (uint16_t)((uint16_t)(h >> 16) << 2 |
                            (uint8_t)((uint8_t)(h >> 8) >> 6));

    b = (uint16_t)(b + ((uint16_t)(uint8_t)((uint8_t)hi << 5) << 8) + hi);
    return b & PAGEC_ISN_B_MASK;
}

/* The two bits of x at bits 30-31 (n = 6) or 28-29 (n = 4). */
#define PAGEC_TOP2(x, n) ((uint8_t)((uint8_t)((x) >> 24) >> (n) & 3u))

/* The IPv4 header's first bytes in every TCP reply (pagec/site.h), for
 * both emitters; the length and the checksum are written over. */
extern const PAGEC_ROM uint8_t pagec_ip_start[12];

/* The three ASCII digits of status code status (100-999) into d. */
void pagec_status_digits(uint16_t status, uint8_t d[3]);

#if PAGEC_STATS
#define PAGEC_COUNT(srv, why) ((srv)->stats ? (void)(srv)->stats->n[why]++ : (void)0)
#else
#define PAGEC_COUNT(srv, why) ((void)0)
#endif

#endif /* PAGEC_RUNTIME_TCP_H */
