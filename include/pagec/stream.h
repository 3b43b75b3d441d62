/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagec/stream.h - the streaming API of the pagec runtime: a received
 * datagram goes in one byte at a time, the reply comes out one byte at a
 * time, and no packet buffer exists anywhere.
 *
 * For a device with a few hundred bytes of RAM on a serial line (SLIP), a
 * byte-at-a-time network interface, or an Ethernet controller whose buffer
 * is read a byte at a time. The buffered API of pagec/pagec.h runs the
 * same code: both answer the same datagrams with the same replies.
 *
 * While a datagram arrives, the runtime checks its IPv4 header, sums the
 * checksums, parses the TCP header and options and the HTTP request, and
 * matches the request path against the site's path tree, all as the bytes
 * come; it keeps only the fields a reply needs. struct pagec_stream,
 * in bytes on AVR and on 32-bit parts:
 *
 *                                          PAGEC_LARGE 0   PAGEC_LARGE 1
 *     the defaults (PAGEC_LIVE_MAX 32)       85    92        114   120
 *     PAGEC_LIVE, PAGEC_ACTIONS and
 *     PAGEC_SERVICES 0                       63    64        106   112
 *
 * (with live fields, the field bytes of a reply beyond what the request's
 * reader leaves free; with large replies, the TCP options they read, 33
 * bytes beside the request's reader, and then a burst of segments to
 * send, struct pagec_burst and 12 bytes, 16 on 32-bit parts). When the datagram ends,
 * pagec_stream_end() checks the TCP checksum and chooses the reply; the
 * driver then pulls the reply a byte at a time with pagec_stream_next():
 * the template's bytes read from ROM, the peer's fields substituted on
 * the fly.
 *
 * A large reply (PAGEC_LARGE, docs/large-pages.md) goes out as several
 * segments for one received datagram, up to 10; a SYN with options gets
 * a SYN-ACK with options, and an ACK of a large reply's FIN an ACK with
 * the timestamps option, made the same way. Each datagram is pulled as
 * any reply: its header's bytes made from a few fields (the header of
 * pagec_large_emit(), made whole once on the stack to find them), its
 * data in runs from the site; pagec_stream_more() readies the next one.
 *
 * ICMP echo requests, and the echo service's UDP datagrams and TCP
 * segments (PAGEC_SERVICES), are answered cut-through: the data of an echo
 * request cannot be kept in a few bytes, so the reply starts while the
 * request still arrives. As soon as the request's IPv4 header and the
 * first 4 bytes of its ICMP header are in, the reply's 24 header bytes
 * are ready (its ICMP checksum derived from the request's by RFC 1624);
 * after that each received byte makes one reply byte ready. A UDP echo's
 * 28 header bytes are ready after the request's UDP header: its checksum
 * is the request's, whose words it has with the ports and the addresses
 * swapped. A TCP echo's 40 are ready after the request's TCP header: the
 * sum of the data still to come is the complement of the sum of the rest
 * of the segment, when its checksum is right, so the reply's checksum is
 * the sum of its header less that of the request's header. An echo
 * request with a wrong checksum thus gets a reply with a wrong one,
 * which the receiver drops; a request cut short gets a reply cut short,
 * which the receiver drops too (its IPv4 length does not add up). Any
 * echo size works, without a buffer.
 *
 * The driver's loop, for each received datagram:
 *
 *     pagec_stream_begin(&s);
 *     for each received byte c of the datagram {
 *         pagec_stream_byte(&srv, &s, c);
 *         while (pagec_stream_pending(&s))       (echo replies only)
 *             send(pagec_stream_next(&srv, &s));
 *     }
 *     pagec_stream_end(&srv, &s, seconds());
 *     do {
 *         while (pagec_stream_pending(&s))
 *             send(pagec_stream_next(&srv, &s));
 *         if pagec_stream_started(&s): end the frame sent
 *     } while (pagec_stream_more(&srv, &s));   (PAGEC_LARGE)
 *
 * The driver must pull every pending byte before it feeds the next one
 * (an echo reply keeps one received byte), and every byte of a datagram
 * before it asks for the next with pagec_stream_more(); the stream is
 * taken until that returns 0 (a driver with two streams receives into
 * the other meanwhile). srv->millis, the clock in milliseconds, is read
 * by pagec_stream_end() as by pagec_server_input(). On SLIP, pagec/slip.h has a
 * decoder without a frame buffer (pagec_slip_decode()) for the receive
 * side and pagec_slip_put_escaped() for the send side.
 */
#ifndef PAGEC_STREAM_H
#define PAGEC_STREAM_H

#include <stdint.h>

#include "pagec/pagec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the HTTP reader keeps of a request while it streams (23 bytes). */
struct pagec_http {
    struct pagec_match match; /* the path, matched as it comes */
    int16_t gzip_q;     /* Accept-Encoding weight of gzip, thousandths; -1:
                           not named */
    int16_t identity_q; /* ... of identity */
    int16_t star_q;     /* ... of "*" */
    int16_t q;          /* the weight being read */
    uint16_t page;      /* the page matched, once the request line ends */
    uint8_t state;      /* where in the request the reader is */
    uint8_t flags;      /* what the current line showed so far */
    uint8_t seen;       /* what the header fields said */
    uint8_t method;     /* GET, HEAD, another method of RFC 9110, unknown,
                           no request line */
    uint8_t aux;        /* per state: a hex digit, a position */
    uint8_t word;       /* per state: candidate words, a coding */
    uint8_t tail;       /* bytes of " HTTP/d.d" the line ends with */
    uint8_t etag[2];    /* bytes of the identity and gzip ETags matched */
#if PAGEC_ACTIONS
    uint16_t act;       /* what the request says of an action */
    uint16_t clen;      /* Content-Length; 0xffff: none, or too big */
    uint16_t body;      /* bytes of the body read */
    uint32_t host;      /* hash of "http://" and the Host field */
    uint32_t origin;    /* hash of the Origin field */
    uint32_t referer;   /* hash of the Referer field's origin */
#endif
};

/* Bytes of a reply's data kept in struct pagec_stream: live fields, a
 * service's text (the daytime text, or a driver's service's reply and
 * the line it is made from). */
#if PAGEC_LIVE && (!PAGEC_SERVICES || PAGEC_LIVE_MAX >= PAGEC_SERVICE_MAX)
#define PAGEC_STREAM_RAM PAGEC_LIVE_MAX
#else
#define PAGEC_STREAM_RAM PAGEC_SERVICE_MAX
#endif

/*
 * The state of one datagram being received or one reply being sent; the
 * driver keeps one, and nothing else. The fields are the runtime's.
 */
struct pagec_stream {
    uint32_t sum;      /* one's-complement sum of the bytes so far */
    uint16_t pos;      /* bytes received of the datagram */
    uint16_t total;    /* its IPv4 total length; then the reply's */
    uint16_t win;      /* the client's window; its MSS in a SYN; a UDP
                          datagram's length, then its checksum */
    uint16_t out;      /* bytes of the reply pulled */
    uint8_t ihl;       /* IPv4 header bytes */
    uint8_t proto;     /* 1 ICMP, 6 TCP, 17 UDP */
    uint8_t thl;       /* TCP header bytes */
    uint8_t tflags;    /* TCP flags received; then sent */
    uint8_t state;     /* dropped, receiving, echoing, replying */
    uint8_t opt[2];    /* TCP option parser: where, bytes left */
    uint8_t latch;     /* echo: the received byte to send back */
    uint8_t f[20];     /* the reply's bytes 12-31: addresses, ports,
                          sequence and acknowledgement numbers */
    union {
        struct pagec_http http; /* while a request arrives */
#if PAGEC_LARGE
        struct {
            struct pagec_http http; /* u.http, in its place */
            /* the TCP options large replies read (a site with some):
             * SACK block k's edges at v[8k..8k+7], the timestamps' TSval
             * and TSecr at v[24..31], as received; 40 bytes of options
             * hold at most three blocks with timestamps, so the two never
             * meet */
            uint8_t v[32];
            uint8_t has; /* timestamps 1, SACK-permitted 2; SACK blocks
                            read, times 4 */
        } rx;
        struct {
            struct pagec_burst b; /* the segments still to send */
            const PAGEC_ROM uint8_t *data; /* the segment's data */
            uint32_t tsval;   /* its timestamps option's TSval */
            uint16_t ip_sum;  /* its IPv4 header checksum */
            uint16_t sum;     /* its TCP checksum */
            uint8_t hl;       /* its header's bytes, options included */
            uint8_t kind;     /* which options it has (b.opt as it was) */
        } large;                /* while a large reply's segments go out */
#endif
        struct {
            const PAGEC_ROM struct pagec_tmpl *tmpl; /* the template */
            uint16_t ip_sum;  /* the reply's IPv4 header checksum */
            uint16_t sum;     /* its TCP or ICMP checksum */
            uint8_t code[3];  /* the status digits sent instead of the
                                 template's; code[0] 0: none */
#if PAGEC_LIVE
            const PAGEC_ROM struct pagec_field *field; /* the next live
                                 field not wholly sent */
            uint8_t fields;   /* live fields from field on */
            uint8_t lpos;     /* bytes of live sent */
#endif
#if PAGEC_LIVE || PAGEC_SERVICES
            uint8_t ram[PAGEC_STREAM_RAM]; /* the live fields' bytes, or
                                 a service's text (after the template),
                                 or the line it is made from */
#endif
        } reply;                /* while a reply goes out */
    } u;
};

/* Starts a datagram: call before its first byte. */
void pagec_stream_begin(struct pagec_stream *s);

/* Feeds the next byte of the datagram. Bytes beyond its IPv4 total
 * length (link-layer padding) are ignored. */
void pagec_stream_byte(const struct pagec_server *srv,
                       struct pagec_stream *s, uint8_t c);

/*
 * Ends the datagram: checks what could only be checked at its end (the
 * length, the TCP checksum) and chooses the reply. now is the driver's
 * clock in seconds, as for pagec_server_input(). Returns the length of
 * the reply datagram (the first, when pagec_stream_more() gives more),
 * or 0 when there is none (an echo reply cut short returns 0 too, as
 * does one whose request's checksum turns out wrong at its end; the
 * driver still ends the frame it started). A second call returns the
 * same as the first (before pagec_stream_more()).
 */
uint16_t pagec_stream_end(const struct pagec_server *srv,
                          struct pagec_stream *s, uint32_t now);

/* Bytes of the reply that may be pulled now. */
uint16_t pagec_stream_pending(const struct pagec_stream *s);

/* The next byte of the reply; only when pagec_stream_pending() > 0. */
uint8_t pagec_stream_next(const struct pagec_server *srv,
                          struct pagec_stream *s);

/*
 * A run of the reply's bytes that go out as they are in the site: sets
 * *run to the first of them (PAGEC_ROM: read them with PAGEC_ROM_BYTE)
 * and returns their number, which count as pulled; 0 when the next byte
 * must come from pagec_stream_next() (the patched header fields), or
 * when nothing is pending. A driver that sends a run with one loop
 * saves a call per byte:
 *
 *     while (pagec_stream_pending(&s)) {
 *         n = pagec_stream_run(&s, &p);
 *         if (n == 0) send(pagec_stream_next(&srv, &s));
 *         while (n--) send(PAGEC_ROM_BYTE(p++));
 *     }
 */
uint16_t pagec_stream_run(struct pagec_stream *s,
                          const PAGEC_ROM uint8_t **run);

#if PAGEC_LIVE || PAGEC_SERVICES
/*
 * A run of the reply's bytes in RAM: the rest of a live field, or a
 * service's text. Sets *run to the first of them and returns their
 * number, which count as pulled; 0 when the next byte is not one of them.
 * A driver that sends runs asks for both, and pulls a byte only when
 * neither has one; a live field then costs a call, not a call a byte:
 *
 *     while (pagec_stream_pending(&s)) {
 *         if ((n = pagec_stream_run(&s, &p)) != 0)
 *             while (n--) send(PAGEC_ROM_BYTE(p++));
 *         else if ((n = pagec_stream_ram(&s, &q)) != 0)
 *             while (n--) send(*q++);
 *         else
 *             send(pagec_stream_next(&srv, &s));
 *     }
 */
uint16_t pagec_stream_ram(struct pagec_stream *s, const uint8_t **run);
#endif

/* 1 when a byte of a reply to this datagram has been pulled: the driver
 * has a frame to end. */
uint8_t pagec_stream_started(const struct pagec_stream *s);

/*
 * The next datagram of the answer (PAGEC_LARGE): a large reply goes out
 * as up to 10 segments for one received datagram, as from
 * pagec_server_next(). Call it once every byte of the datagram before
 * was pulled (and its frame ended): returns 1 when the next datagram is
 * ready, to be pulled as the first was (pagec_stream_pending(),
 * pagec_stream_next(), pagec_stream_run()), 0 when the answer is
 * complete, and 0 again after that (always 0 without PAGEC_LARGE, so a
 * driver's loop needs no switch). A driver that stops calling it early
 * loses nothing but time (the client asks again); the stream is free
 * again after the first datagram, as ever, when it does.
 */
uint8_t pagec_stream_more(const struct pagec_server *srv,
                          struct pagec_stream *s);

#ifdef __cplusplus
}
#endif

#endif /* PAGEC_STREAM_H */
