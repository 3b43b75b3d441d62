/*
 * frame.c - HTTP responses and the IPv4/TCP datagrams that carry them, in
 * the template layout of pagec/site.h: peer fields zero, partial sums of
 * everything else.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "pagec/chksum.h"
#include "pagec/site.h"

#define HTTP_FMT                                                            \
    "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %" PRIu64          \
    "\r\nConnection: close\r\n%s\r\n"

size_t http_header_len(const char *status, const char *mime,
                       const char *extra, uint64_t body_len)
{
    int n = snprintf(NULL, 0, HTTP_FMT, status, mime, body_len,
                     extra ? extra : "");

    return n < 0 ? 0 : (size_t)n;
}

uint8_t *http_response(const char *status, const char *mime,
                       const char *extra, const uint8_t *body,
                       size_t body_len, size_t *len)
{
    size_t h = http_header_len(status, mime, extra, body_len);
    uint8_t *r = malloc(h + body_len + 1);

    if (!r) {
        return NULL;
    }
    snprintf((char *)r, h + 1, HTTP_FMT, status, mime, (uint64_t)body_len,
             extra ? extra : "");
    if (body_len) {
        memcpy(r + h, body, body_len);
    }
    *len = h + body_len;
    return r;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
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
    p->ip_sum = pagec_chksum_add(0, ip, PAGEC_IP_HLEN);
    p->tcp_sum = pagec_chksum_add(6u + (uint32_t)tcplen, tcp,
                                  (uint16_t)tcplen);
    return 0;
}

void packet_free(struct packet *p)
{
    free(p->data);
    memset(p, 0, sizeof *p);
}
