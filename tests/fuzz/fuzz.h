/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz.h - what the fuzz targets (fuzz_input.c) and the seed generator
 * (gen_corpus.c) agree on: the server's key and addresses, and the layout
 * of a fuzz input.
 *
 * fuzz_input (built from fuzz_input.c with FUZZ_HTTP=0): a raw datagram.
 *
 *   bytes 0-3   now, big-endian: the clock passed to pagec_server_input()
 *   byte 4      control bits, repairs the fuzzer would hardly find alone:
 *               FUZZ_CTL_ADDR   srv.addr is FUZZ_SERVER (else 0.0.0.0,
 *                               any destination is answered)
 *               FUZZ_CTL_ACK    a TCP segment's ACK number becomes
 *                               ISN + 1 + (its ACK & 0x7ff), the ISN of
 *                               its four-tuple (a service's, on ports
 *                               7, 9 and 13) in the slot
 *                               (now >> PAGEC_ISN_SLOT_LOG2) - age and MSS
 *                               class FUZZ_CTL_CLASS
 *               FUZZ_CTL_IPSUM  the IPv4 header checksum is recomputed
 *               FUZZ_CTL_L4SUM  the TCP, ICMP or UDP checksum is
 *                               recomputed (when the header lengths
 *                               allow it; a UDP checksum of 0, none,
 *                               stays 0)
 *               the repairs are made in that order, before the call
 *   byte 5      live control bits (FUZZ_LIVE_*, below)
 *   bytes 6-7   the live seed, big-endian (below)
 *   bytes 8-    the datagram, copied to a heap buffer of exactly its size
 *
 * fuzz_http (FUZZ_HTTP=1): the data of a segment that has the right ACK.
 *
 *   bytes 0-3   now, big-endian
 *   byte 4      FUZZ_HTTP_PORT: 3 the site's first page port, else its
 *               HTTP port; FUZZ_HTTP_AGE: the ISN's slot is this many
 *               slots old; FUZZ_HTTP_CLASS: the MSS class of the ISN;
 *               FUZZ_HTTP_FIN: the segment carries a FIN;
 *               FUZZ_HTTP_IPOPT: the datagram has 8 bytes of IP options
 *   bytes 5-6   the TCP window, big-endian
 *   byte 7      live control bits (FUZZ_LIVE_*)
 *   bytes 8-9   the live seed, big-endian
 *   bytes 10-   the TCP data: the HTTP request
 *
 * The segment goes from FUZZ_CLIENT:FUZZ_CLIENT_PORT to FUZZ_SERVER, with
 * seq FUZZ_CLIENT_SEQ and ACK|PSH, ack ISN + 1; srv.addr is FUZZ_SERVER.
 *
 * The live control bits, in both:
 *   FUZZ_LIVE_SITE   the server serves the site with live fields and
 *                    actions (lsite: tests/sites/live, a page of fields
 *                    at the edges and more actions, run.sh)
 *                    instead of tests/sites/basic (site, no actions)
 *   FUZZ_LIVE_NULL   srv.live is NULL: the placeholders go out
 *   FUZZ_LIVE_RUNS   the streaming API's reply is pulled in runs
 *                    (pagec_stream_run(), else pagec_stream_next()), not
 *                    a byte at a time
 *   FUZZ_LIVE_SHORT  the live callback writes the value's bytes alone,
 *                    not the whole field (junk after the value)
 *   FUZZ_LIVE_DAYNULL srv.daytime is NULL: the daytime service sends
 *                    its built-in text (else the callback's, a function
 *                    of the live seed alone)
 *   FUZZ_LIVE_ACTNULL srv.action is NULL: an action's page is served
 *                    and no callback runs (else the fuzz target's, which
 *                    records its calls)
 *   FUZZ_LIVE_LARGE  the server serves the site of large replies (xsite:
 *                    tests/sites/large), whatever FUZZ_LIVE_SITE says;
 *                    the model of the runtime knows no large replies, so
 *                    every datagram of the answer is checked well formed
 *                    and the same in both APIs. FUZZ_CTL_ACK then makes
 *                    the ACK ISN + 1 + (its ACK & 0x7fff), the ISN's SACK
 *                    bit (docs/large-pages.md) flipped when its ACK's top
 *                    bit is set, and every SACK block edge of the options
 *                    that ISN + 1 + (the edge & 0x7fff): offsets within
 *                    the site's replies, on their grid now and then
 * The live callback's value for the k-th field of a reply (its return,
 * from 0 to 255, and its bytes) is a function of the seed, k, the
 * field's id and width alone, so every API gets the same values.
 */
#ifndef PAGEC_FUZZ_H
#define PAGEC_FUZZ_H

/* the key of the fuzzed server (the ISN function's) */
#define FUZZ_SECRET {0x70, 0x61, 0x67, 0x65, 0x63, 0x66, 0x7a, 0x31}
#define FUZZ_CLIENT {192, 0, 2, 1}
#define FUZZ_SERVER {192, 0, 2, 2}
#define FUZZ_CLIENT_PORT 40000u
#define FUZZ_CLIENT_SEQ 0x5eed0001u

#define FUZZ_INPUT_HDR 8 /* bytes before the datagram in fuzz_input */
#define FUZZ_INPUT_LIVE 5 /* where its live control byte and seed are */
#define FUZZ_CTL_ADDR 0x01u
#define FUZZ_CTL_ACK 0x02u
#define FUZZ_CTL_IPSUM 0x04u
#define FUZZ_CTL_L4SUM 0x08u
#define FUZZ_CTL_AGE(c) (((c) >> 4) & 3u)
#define FUZZ_CTL_CLASS(c) (((c) >> 6) & 3u)

#define FUZZ_HTTP_HDR 10 /* bytes before the TCP data in fuzz_http */
#define FUZZ_HTTP_LIVE 7 /* where its live control byte and seed are */
#define FUZZ_HTTP_PORT(c) ((c) & 3u)
#define FUZZ_HTTP_AGE(c) (((c) >> 2) & 3u)
#define FUZZ_HTTP_CLASS(c) (((c) >> 4) & 3u)
#define FUZZ_HTTP_FIN 0x40u
#define FUZZ_HTTP_IPOPT 0x80u

#define FUZZ_LIVE_SITE 0x01u
#define FUZZ_LIVE_NULL 0x02u
#define FUZZ_LIVE_RUNS 0x04u
#define FUZZ_LIVE_SHORT 0x08u
#define FUZZ_LIVE_DAYNULL 0x10u
#define FUZZ_LIVE_ACTNULL 0x20u
#define FUZZ_LIVE_LARGE 0x40u

/* The ISN's bit that says the SYN offered SACK (docs/large-pages.md) */
#define FUZZ_ISN_SACK 0x08000000u

#endif /* PAGEC_FUZZ_H */
