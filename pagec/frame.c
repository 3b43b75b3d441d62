/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * frame.c - HTTP replies and the IPv4/TCP datagrams that carry them, with
 * the partial sums of the template layout of pagec/site.h: the fields the
 * runtime writes are zero, and the sums leave them out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "pagec/chksum.h"
#include "pagec/site.h"

#define HTTP_FMT "HTTP/1.1 %s\r\n%sConnection: close\r\n\r\n"

static size_t header_len(const char *status, const char *fields)
{
    int n = snprintf(NULL, 0, HTTP_FMT, status, fields);

    return n < 0 ? 0 : (size_t)n;
}

size_t reply_data_len(const char *status, const char *fields,
                      size_t body_len)
{
    return header_len(status, fields) + body_len;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* The TCP partial sum of the first tcplen bytes of a TCP segment at tcp:
 * all but the word of data offset and flags (bytes 12-13), plus protocol
 * and TCP length. 0 for a datagram too long for one segment (a large
 * reply's, which is sent in pieces summed apart). */
static uint32_t tcp_partial(const uint8_t *tcp, size_t tcplen)
{
    uint32_t sum;

    if (tcplen > 0xffffu - PAGEC_IP_HLEN) {
        return 0;
    }
    sum = pagec_chksum_add(6u + (uint32_t)tcplen, tcp, 12);
    return pagec_chksum_add(sum, tcp + 14, (uint16_t)(tcplen - 14));
}

int packet_build(struct packet *p, uint8_t flags, uint16_t window,
                 const uint8_t *opt, size_t optlen, const uint8_t *data,
                 size_t dlen)
{
    size_t tcplen = PAGEC_TCP_HLEN + optlen + dlen;
    uint8_t *ip;
    uint8_t *tcp;

    memset(p, 0, sizeof *p);
    p->len = PAGEC_IP_HLEN + tcplen;
    p->hlen = PAGEC_IP_HLEN + PAGEC_TCP_HLEN + optlen;
    ip = calloc(1, p->len);
    if (!ip) {
        return -1;
    }
    ip[0] = 0x45;                     /* version 4, 20-byte header */
    put16(ip + 2, (uint16_t)p->len);  /* total length */
    put16(ip + 6, 0x4000);            /* DF; identification 0 (RFC 6864) */
    ip[8] = PAGEC_IP_TTL;
    ip[9] = 6;                        /* TCP */
    tcp = ip + PAGEC_IP_HLEN;
    tcp[12] = (uint8_t)(((PAGEC_TCP_HLEN + optlen) / 4) << 4);
    tcp[13] = flags;
    put16(tcp + 14, window);
    if (optlen) {
        memcpy(tcp + PAGEC_TCP_HLEN, opt, optlen);
    }
    if (dlen) {
        memcpy(tcp + PAGEC_TCP_HLEN + optlen, data, dlen);
    }
    p->data = ip;
    p->ip_sum = p->len > 0xffffu ? 0 : pagec_chksum_add(0, ip, PAGEC_IP_HLEN);
    p->tcp_sum = tcp_partial(tcp, tcplen);
    return 0;
}

/* The first len bytes of the datagram get, as a datagram of their own:
 * the IPv4 total length is len, and the sums cover what is sent. */
static void cut(struct packet *head, const struct packet *get, size_t len)
{
    uint8_t ip[PAGEC_IP_HLEN];
    size_t tcplen = len - PAGEC_IP_HLEN;

    memcpy(ip, get->data, sizeof ip);
    put16(ip + 2, (uint16_t)len);
    head->data = NULL;
    head->len = len;
    head->hlen = get->hlen;
    head->ip_sum = pagec_chksum_add(0, ip, sizeof ip);
    head->tcp_sum = tcp_partial(get->data + PAGEC_IP_HLEN, tcplen);
}

int reply_build(struct reply *r, const char *status, const char *fields,
                const uint8_t *body, size_t body_len, uint16_t window)
{
    size_t h = header_len(status, fields);
    char *http = malloc(h + body_len + 1);
    int rc;

    memset(r, 0, sizeof *r);
    if (!http) {
        return -1;
    }
    snprintf(http, h + 1, HTTP_FMT, status, fields);
    if (body_len) {
        memcpy(http + h, body, body_len);
    }
    rc = packet_build(&r->get, TCP_ACK | TCP_PSH | TCP_FIN, window, NULL, 0,
                      (const uint8_t *)http, h + body_len);
    free(http);
    if (rc == 0) {
        cut(&r->head, &r->get, r->get.hlen + h);
    }
    return rc;
}

/* The TCP data of r's GET reply (hdr bytes of header, then the body)
 * with extra spaces at the end of the value of its last header field,
 * before the CRLF that ends it and the blank line: malloc'd, or NULL. */
static uint8_t *pad_header(const struct packet *get, size_t hdr,
                           size_t extra, size_t with_body)
{
    const uint8_t *d = get->data + get->hlen;
    size_t body = with_body ? get->len - get->hlen - hdr : 0;
    uint8_t *out = malloc(hdr + extra + body);

    if (out) {
        memcpy(out, d, hdr - 4);
        memset(out + hdr - 4, ' ', extra);
        memcpy(out + hdr - 4 + extra, d + hdr - 4, 4 + body);
    }
    return out;
}

int reply_even(struct reply *r)
{
    struct packet *get = &r->get;
    const uint8_t *tcp = get->data + PAGEC_IP_HLEN;
    uint8_t flags = tcp[13];
    uint16_t window = (uint16_t)(tcp[14] << 8 | tcp[15]);
    size_t hdr = r->head.len - r->head.hlen;
    size_t data = get->len - get->hlen;
    struct packet p;
    uint8_t *bytes;

    if (data & 1) {
        bytes = pad_header(get, hdr, 1, 1);
        if (!bytes || packet_build(&p, flags, window, NULL, 0, bytes,
                                   data + 1) != 0) {
            free(bytes);
            return -1;
        }
        free(bytes);
        packet_free(get);
        *get = p;
        hdr++;
    }
    if (hdr & 1) {
        /* the body is odd: the header alone gets a space more, in bytes
         * of its own */
        bytes = pad_header(get, hdr, 1, 0);
        if (!bytes || packet_build(&p, flags, window, NULL, 0, bytes,
                                   hdr + 1) != 0) {
            free(bytes);
            return -1;
        }
        free(bytes);
        r->head = p;
    } else {
        cut(&r->head, get, get->hlen + hdr);
    }
    return 0;
}

void reply_free(struct reply *r)
{
    packet_free(&r->get);
    packet_free(&r->head); /* NULL but for a head of its own */
    memset(r, 0, sizeof *r);
}

void packet_free(struct packet *p)
{
    free(p->data);
    memset(p, 0, sizeof *p);
}
