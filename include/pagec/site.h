/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagec/site.h - the format of a compiled site.
 *
 * This header is the one contract between the pagec compiler, which writes
 * C data in this format, and the runtime, which reads it. Generated code
 * checks PAGEC_FORMAT_VERSION at compile time, so a site compiled for
 * another version of the format does not build.
 *
 * Every reply the runtime sends (except an ICMP echo reply) is an IPv4
 * datagram with a 20-byte IPv4 header without options, a TCP header and
 * the TCP data. Its first PAGEC_HDR_LEN (40) bytes, the IPv4 header and
 * the TCP header without options, are the same in every reply but for
 * fields the runtime writes, and are not stored:
 *
 *   byte  0     0x45: version 4, 20-byte header
 *   byte  1     0: DSCP and ECN
 *   2-3         IPv4 total length: pagec_tmpl.len
 *   4-5         0: identification (RFC 6864: the datagram is atomic)
 *   6-7         0x4000: DF, fragment offset 0
 *   byte  8     PAGEC_IP_TTL
 *   byte  9     6: TCP
 *   10-11       IPv4 header checksum
 *   12-15       IPv4 source address: the request's destination
 *   16-19       IPv4 destination address: the request's source
 *   20-21       TCP source port: the request's destination port
 *   22-23       TCP destination port: the request's source port
 *   24-27       TCP sequence number
 *   28-31       TCP acknowledgement number
 *   byte 32     TCP data offset: (pagec_tmpl.hlen - 20) / 4, in the top
 *               four bits
 *   byte 33     TCP flags: chosen by the runtime; FIN|PSH|ACK in an
 *               HTTP reply
 *   34-35       TCP window: pagec_site.window, or 0 in an RST
 *   36-37       TCP checksum
 *   38-39       0: urgent pointer
 *
 * A template (struct pagec_tmpl) holds the rest of the datagram, laid out
 * as it goes on the wire: the SYN-ACK's MSS option, or an HTTP reply; the
 * ACK and the RST have no more. Its two checksums are given as partial
 * sums, so the runtime adds the fields it writes and folds once. A partial
 * sum is the one's-complement sum of the big-endian 16-bit words of the
 * bytes (see pagec/chksum.h), folded to 16 bits here. The IPv4 partial sum
 * covers the IPv4 header with the total length, without the addresses. The
 * TCP partial sum covers the TCP header with the window but without the
 * ports, numbers and the word of data offset and flags (bytes 32-33), the
 * template's bytes, and the pseudo-header's protocol (6) and TCP length,
 * but not its addresses.
 */
#ifndef PAGEC_SITE_H
#define PAGEC_SITE_H

#include <stdint.h>

#include "pagec/opt.h"

/* Version of the layout below; generated code fails to compile on a
 * mismatch. */
#define PAGEC_FORMAT_VERSION 10

/* Fixed values of every reply. */
#define PAGEC_IP_HLEN 20   /* IPv4 header without options */
#define PAGEC_TCP_HLEN 20  /* TCP header without options */
#define PAGEC_HDR_LEN 40   /* PAGEC_IP_HLEN + PAGEC_TCP_HLEN: the header
                              every reply starts with, not stored */
#define PAGEC_SYNACK_HLEN 44 /* SYN-ACK: TCP header with a 4-byte MSS option */
#define PAGEC_IP_TTL 64    /* time-to-live of every datagram sent */
/* The largest window (pagec_site.window): the TCP echo tells a segment's
 * place by its sequence numbers modulo 2^14 (pagec/pagec.h), which holds
 * while the client has less than 16 KiB in flight, twice the window. */
#define PAGEC_WINDOW_MAX 8191

/*
 * Every HTTP reply starts "HTTP/1.1 ddd " (an empty reason phrase, RFC
 * 9112 section 4), so that the runtime can send it with another status
 * code by writing three digits over the template's at bytes
 * PAGEC_STATUS_AT to PAGEC_STATUS_AT + 2 of its TCP data (pagec_tmpl.pkt;
 * see pagec_site.status). The first header field of a page's reply is its
 * ETag, PAGEC_ETAG_LEN bytes with the quotes at PAGEC_ETAG_AT of its TCP
 * data: "ETag: \"xxxxxxxx\"\r\n".
 */
#define PAGEC_STATUS_AT 9
#define PAGEC_ETAG_AT 21
#define PAGEC_ETAG_LEN 10

/* "No page": the value of a page or variant index that names none. */
#define PAGEC_NO_PAGE 0xffffu

/*
 * One reply template. The runtime writes len into the IPv4 total length
 * (so that a HEAD reply can share the bytes of its GET reply, cut after
 * the HTTP header); ip_sum already counts len. The sums may be folded
 * (they are 16 bits wide): the runtime adds to them and folds once.
 */
struct pagec_tmpl {
    const PAGEC_ROM uint8_t *pkt; /* the datagram's bytes after the first
                           PAGEC_HDR_LEN: TCP options, then TCP data */
    uint16_t len;       /* bytes of the datagram sent, PAGEC_HDR_LEN of
                           them not stored: the IPv4 total length */
    uint16_t hlen;      /* bytes of IPv4 and TCP headers (options
                           included) */
    uint16_t ip_sum;    /* partial sum of the IPv4 header, total length
                           len */
    uint16_t tcp_sum;   /* partial sum of the TCP header (as above) and
                           the first len - PAGEC_HDR_LEN bytes at pkt, plus
                           protocol and TCP length */
};

/*
 * One encoding of a page: its 200 reply, and the same datagram cut after
 * the blank line that ends the header, for HEAD and (sent as 304, RFC
 * 9110 section 15.4.5: the 200's header fields, Content-Length included)
 * for a request whose If-None-Match names the ETag. Both start with the
 * status line "HTTP/1.1 200 \r\n" and the ETag field.
 */
struct pagec_variant {
    struct pagec_tmpl get;
    struct pagec_tmpl head;
};

/* A page: the indices in pagec_site.variants of its identity and its
 * gzip encoding, PAGEC_NO_PAGE for one it does not have. */
struct pagec_page {
    uint16_t identity;
    uint16_t gzip;
};

/*
 * The path matcher: a radix tree in which a request path is matched one
 * byte at a time. Node 0 is the root, with an empty label. Entering a node
 * consumes its label; the children of a node are nchild consecutive
 * nodes from first_child, sorted by the first byte of their labels.
 */
struct pagec_node {
    uint16_t label;       /* offset of the label in pagec_site.labels */
    uint16_t label_len;
    uint16_t first_child;
    uint16_t nchild;
    uint16_t page;        /* page served at the end of the label, or
                             PAGEC_NO_PAGE; npages + k for action k of
                             pagec_site.actions, whose label ends in its
                             query */
};

/*
 * A live field (pagec(1), "Live fields"): width bytes of a page's 200
 * reply that the driver writes while the reply is made, through the
 * callback pagec_server.live. The template holds placeholder bytes there
 * (spaces), and its TCP partial sum counts them as they are stored: the
 * runtime takes their sum out and adds the bytes it sends instead, so a
 * runtime built without PAGEC_LIVE sends the placeholders, rightly
 * summed. A live page's replies carry no ETag (the byte at PAGEC_ETAG_AT
 * of their TCP data is never '"', so no If-None-Match matches them) and
 * "Cache-Control: no-store"; a live page has its identity encoding only.
 */
struct pagec_field {
    uint16_t at;   /* offset of its first byte in the template's pkt */
    uint8_t width; /* bytes: 1 to PAGEC_FIELD_WIDTH_MAX */
    uint8_t id;    /* the value shown: NAME_LIVE_<value> in the site's
                      generated header */
};

#define PAGEC_FIELD_WIDTH_MAX 64

/* The live fields of one variant's 200 reply (its get template): count
 * fields from first in pagec_site.fields, in the order of their offsets,
 * none overlapping. The entries are sorted by variant. */
struct pagec_live {
    uint16_t variant;
    uint16_t first;
    uint16_t count;
};

/*
 * An action (pagec(1), "Actions"): the request target PATH?QUERY of a GET,
 * or a POST to PATH whose body is QUERY, makes the runtime call the
 * driver's callback pagec_server.action with id and arg, then answer with
 * page's 200 reply. Its key in the path tree is the bytes PATH (as a page's
 * path, percent-decoded), '?' and QUERY (as sent: not decoded).
 */
struct pagec_action {
    uint16_t page; /* the page served after the action */
    uint16_t arg;  /* the argument passed to the callback */
    uint8_t id;    /* NAME_ACTION_<name> in the site's generated header */
};

/*
 * A large reply (docs/large-pages.md): the 200 reply of a variant whose
 * TCP data does not fit one segment of the smallest MSS class (536, or
 * the site's MSS when less), sent as several segments on the site's HTTP
 * port by a runtime built with PAGEC_LARGE. Large reply k of
 * pagec_site.large has the index v = k + 1.
 *
 * Its bytes are cut on a grid of pagec_site.block bytes (B, a power of
 * two): every boundary of its segments, but its end, lies at an offset
 * of the TCP data congruent to 2v modulo B, so that the client's
 * cumulative ACK names the reply and the position in it. The grid points
 * are g_0 = 0, g_k = 2v + (k - 1) B for k >= 1 while below len, and len
 * last; sums[k] is the partial sum (pagec/chksum.h, folded to 16 bits)
 * of the bytes [0, g_k), so that the sum of a segment [g_i, g_j) is
 * sums[j] less sums[i] in one's complement (both offsets are even).
 *
 * In a site with large replies, every reply's TCP data (templates,
 * header-only replies, the error reply, large replies) has an even length,
 * so the ACK of our FIN is odd and never on the grid.
 *
 * The variant's get template: when the reply fits the site's MSS, the
 * one-segment reply as usual (pkt holding the same bytes as data); else
 * len 0xffff (it fits no segment) and pkt = data with hlen PAGEC_HDR_LEN,
 * its sums 0: a runtime without PAGEC_LARGE sends the other encoding or
 * 503, as for any reply too large for the client.
 */
struct pagec_large {
    const PAGEC_ROM uint8_t *data;  /* the reply's TCP data: the HTTP
                                       header, then the body */
    const PAGEC_ROM uint16_t *sums; /* one per grid point, as above */
    uint32_t len;                   /* bytes of data: even, below 2^27 */
    uint16_t variant;               /* its variant in pagec_site.variants */
};

/* The most bytes of a large reply: offsets in our sequence space are
 * below 2^27 (docs/large-pages.md). */
#define PAGEC_LARGE_MAX 0x7fffffeu

/* A page served on a TCP port of its own, whatever the request says: the
 * variant sent (the page's identity encoding). */
struct pagec_port {
    uint16_t port;
    uint16_t variant;
};

/* A compiled site, as generated by pagec: every part of it, and every
 * array it points to, is PAGEC_ROM (see pagec/opt.h). */
struct pagec_site {
    uint16_t format;    /* PAGEC_FORMAT_VERSION */
    uint16_t http_port; /* TCP port of the web server (0: none) */
    uint16_t mss;       /* MSS option sent in the SYN-ACK, and the limit
                           every reply's TCP data was checked against */
    uint16_t max_data;  /* TCP data bytes of the largest one-segment
                           reply (large replies aside) */
    const PAGEC_ROM struct pagec_variant *variants;
    const PAGEC_ROM struct pagec_page *pages;
    const PAGEC_ROM struct pagec_node *nodes;
    const PAGEC_ROM uint8_t *labels;
    const PAGEC_ROM struct pagec_port *ports; /* sorted by port */
    const PAGEC_ROM struct pagec_live *live;  /* sorted by variant */
    const PAGEC_ROM struct pagec_field *fields;
    const PAGEC_ROM struct pagec_action *actions;
    const PAGEC_ROM struct pagec_large *large; /* sorted by variant */
    uint16_t nvariants;
    uint16_t npages;
    uint16_t nnodes;
    uint16_t nlabels;
    uint16_t nports;
    uint16_t nlive;
    uint16_t nfields;
    uint16_t live_bytes; /* the most bytes of live fields in one reply */
    uint16_t nactions;
    uint16_t nlarge;    /* large replies: at most block / 2 - 1 */
    uint16_t block;     /* B of the large replies' grid: a power of two
                           from 64 to 512, at least 2 * (nlarge + 1); 0
                           when nlarge is 0 */
    uint16_t not_found; /* the page (a 404.html at the root) whose reply,
                           sent as 404, answers a path that names none; or
                           PAGEC_NO_PAGE: the status reply then */
    uint16_t window;    /* the TCP window of every reply but an RST:
                           twice mss, at most PAGEC_WINDOW_MAX, so that a
                           client that bounds its segments to half the
                           largest window offered (as Linux does) sends a
                           request of up to mss bytes (4095 above an mss
                           of 4095) in one segment */
    struct pagec_tmpl syn_ack;  /* SYN|ACK with an MSS option */
    struct pagec_tmpl ack;      /* ACK, or FIN|ACK */
    struct pagec_tmpl rst;      /* RST|ACK, or RST when the reply must
                                   not carry an ACK */
    struct pagec_tmpl status;   /* "HTTP/1.1 400 ", Content-Length 0 and
                                   Allow: GET, HEAD; sent as 400, 404,
                                   405, 406, 501, 503 or 505 (the
                                   body-less reply serves HEAD too) */
};

#endif /* PAGEC_SITE_H */
