/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * server.c - the buffered API of pagec/pagec.h: a whole received datagram
 * is read where it lies (parse), tcp.c chooses the reply (decide), and the
 * reply's header is made in struct pagec_reply while its body stays in the
 * site (emit). The byte-at-a-time reader of pagec/stream.h (stream.c)
 * answers every datagram with the same bytes; the fuzz model checks it.
 *
 * Packet fields are read and written a byte at a time, big-endian; no
 * struct is laid over packet bytes.
 */
#include <stddef.h>

#include "http.h"
#include "pagec/chksum.h"
#include "tcp.h"
#include "wire.h"

/* The MSS option of a SYN's TCP header t of thl bytes, or 536 (RFC 9293
 * section 3.7.1) without one. Every option is skipped by its length; a
 * length below 2 or past the header ends the list, as does an end-of-list
 * option. */
static uint16_t syn_mss(const uint8_t *t, uint8_t thl)
{
    uint16_t mss = 536;
    uint8_t i = PAGEC_TCP_HLEN;

    while (i + 1 < thl && t[i] != 0) {
        uint8_t len = t[i + 1];

        if (t[i] == 1) { /* no-operation */
            i++;
            continue;
        }
        if (len < 2 || i + len > thl) {
            break;
        }
        if (t[i] == 2 && len == 4) {
            mss = get16(t + i + 2);
        }
        i = (uint8_t)(i + len);
    }
    return mss;
}

/* The reply's first hl bytes: the header every reply shares (pagec/site.h)
 * with the length, the checksums, the addresses, ports and numbers, the
 * data offset, the flags and the window written, then the template's with
 * the status code written (a 304, an error reply). */
static void emit_header(const PAGEC_ROM struct pagec_site *site,
                        struct pagec_reply *reply,
                        const struct pagec_choice *c, uint16_t ip_sum,
                        uint16_t tcp_sum, uint16_t hl)
{
    const PAGEC_ROM uint8_t *PAGEC_RESTRICT pkt = c->tmpl->pkt;
    uint8_t *PAGEC_RESTRICT h = reply->hdr;
    uint16_t len = (uint16_t)(c->tmpl->len + c->extra);
    uint16_t win = c->flags & TH_RST ? 0 : site->window;
    uint16_t k;

    /* bytes 12-31, the addresses, ports and numbers, are in place
     * already (the segment's description was made there) */
    for (k = 0; k < IP_SRC; k++) {
        h[k] = PAGEC_ROM_BYTE(pagec_ip_start + k);
    }
    for (k = PAGEC_HDR_LEN; k < hl; k++) {
        h[k] = PAGEC_ROM_BYTE(pkt + (k - PAGEC_HDR_LEN));
    }
    h[IP_LEN] = (uint8_t)(len >> 8);
    h[IP_LEN + 1] = (uint8_t)len;
    h[IP_SUM] = (uint8_t)(ip_sum >> 8);
    h[IP_SUM + 1] = (uint8_t)ip_sum;
    h[TCP_OFF_AT] = (uint8_t)((c->tmpl->hlen - PAGEC_IP_HLEN) << 2);
    h[TCP_FLAGS_AT] = c->flags;
    h[TCP_WIN_AT] = (uint8_t)(win >> 8);
    h[TCP_WIN_AT + 1] = (uint8_t)win;
    h[TCP_SUM_AT] = (uint8_t)(tcp_sum >> 8);
    h[TCP_SUM_AT + 1] = (uint8_t)tcp_sum;
    h[TCP_SUM_AT + 2] = 0; /* urgent pointer */
    h[TCP_SUM_AT + 3] = 0;
    if (c->status) {
        pagec_status_digits(c->status, h + PAGEC_HDR_LEN + PAGEC_STATUS_AT);
    }
    reply->hdr_len = hl;
    /* a pointer into the site, cast from ROM: read it back through
     * PAGEC_ROM_BYTE (see struct pagec_reply) */
    reply->body = (const uint8_t *)(pkt + (hl - PAGEC_HDR_LEN));
    reply->body_len = (uint16_t)(c->tmpl->len - hl);
    reply->body_rom = 1;
}

/* The 20-byte IPv4 header of a reply of len bytes of protocol proto to
 * the datagram pkt, whose addresses sum to addr_sum, at h. */
static void ip_header(uint8_t *h, const uint8_t *pkt, uint32_t addr_sum,
                      uint16_t len, uint8_t proto)
{
    uint16_t sum;
    uint8_t k;

    for (k = 0; k < PAGEC_IP_HLEN; k++) {
        h[k] = 0;
    }
    h[0] = 0x45;
    h[IP_LEN] = (uint8_t)(len >> 8);
    h[IP_LEN + 1] = (uint8_t)len;
    h[6] = 0x40; /* DF */
    h[8] = PAGEC_IP_TTL;
    h[9] = proto;
    for (k = 0; k < 4; k++) {
        h[IP_SRC + k] = pkt[IP_DST + k];
        h[IP_DST + k] = pkt[IP_SRC + k];
    }
    sum = echo_ip_sum(len, addr_sum, proto);
    h[IP_SUM] = (uint8_t)(sum >> 8);
    h[IP_SUM + 1] = (uint8_t)sum;
}

#if PAGEC_SERVICES
/*
 * A UDP datagram of n bytes at u, in a datagram from pkt whose addresses
 * sum to addr_sum. The echo's checksum is the request's: its words are
 * the request's, the ports and the addresses swapped (the same sum), so
 * it is right as the request's was, and 0 (none) when that was 0.
 */
static uint16_t udp(const struct pagec_server *srv, uint32_t now,
                    const uint8_t *pkt, const uint8_t *u, uint16_t n,
                    struct pagec_reply *reply)
{
    uint8_t *h = reply->hdr;
    uint32_t addr_sum = pagec_chksum_add(0, pkt + IP_SRC, 8);
    uint16_t len;
    uint8_t k;

    if (n < UDP_HLEN || get16(u + 4) != n) {
        PAGEC_COUNT(srv, PAGEC_WHY_HEADER);
        return 0;
    }
    if ((u[6] | u[7]) &&
        pagec_chksum_check(addr_sum + PROTO_UDP + n, u, n) != 0xffffu) {
        PAGEC_COUNT(srv, PAGEC_WHY_CHECKSUM);
        return 0;
    }
    k = pagec_udp_decide(srv, get16(u), get16(u + 2));
    if (k == 0) {
        return 0;
    }
    h[UDP_AT] = u[2];
    h[UDP_AT + 1] = u[3];
    h[UDP_AT + 2] = u[0];
    h[UDP_AT + 3] = u[1];
    reply->hdr_len = PAGEC_IP_HLEN + UDP_HLEN;
    reply->body_rom = 0;
    if (k == SVC_ECHO) {
        h[UDP_AT + 6] = u[6];
        h[UDP_AT + 7] = u[7];
        reply->body = u + UDP_HLEN;
        reply->body_len = (uint16_t)(n - UDP_HLEN);
    } else {
        /* the service's text, in hdr after the header */
        n = (uint16_t)(UDP_HLEN +
                       pagec_service_text(srv, now, k, get16(u + 2),
                                          u + UDP_HLEN, n - UDP_HLEN,
                                          h + PAGEC_IP_HLEN + UDP_HLEN));
        reply->hdr_len = (uint16_t)(PAGEC_IP_HLEN + n);
        reply->body = h + reply->hdr_len;
        reply->body_len = 0;
        h[UDP_AT + 6] = 0;
        h[UDP_AT + 7] = 0;
    }
    len = (uint16_t)(PAGEC_IP_HLEN + n);
    h[UDP_AT + 4] = (uint8_t)(n >> 8);
    h[UDP_AT + 5] = (uint8_t)n;
    ip_header(h, pkt, addr_sum, len, PROTO_UDP);
    if (k != SVC_ECHO) {
        uint16_t c =
            finish(pagec_chksum_add(addr_sum + PROTO_UDP + n, h + UDP_AT, n));

        c = c ? c : 0xffffu; /* 0 would say "no checksum" */
        h[UDP_AT + 6] = (uint8_t)(c >> 8);
        h[UDP_AT + 7] = (uint8_t)c;
    }
    return len;
}
#endif

#if PAGEC_ICMP_ECHO
/* An ICMP message of n bytes at m, in a datagram from pkt. */
static uint16_t echo(const struct pagec_server *srv, const uint8_t *pkt,
                     const uint8_t *m, uint16_t n, struct pagec_reply *reply)
{
    uint8_t *h = reply->hdr;
    uint16_t len = (uint16_t)(PAGEC_IP_HLEN + n);
    uint16_t sum;
    uint8_t k;

    (void)srv;
    if (n < ICMP_HLEN || m[0] != ICMP_ECHO || m[1] != 0) {
        PAGEC_COUNT(srv, PAGEC_WHY_PROTOCOL);
        return 0;
    }
    if (pagec_chksum_check(0, m, n) != 0xffffu) {
        PAGEC_COUNT(srv, PAGEC_WHY_CHECKSUM);
        return 0;
    }
    ip_header(h, pkt, pagec_chksum_add(0, pkt + IP_SRC, 8), len, PROTO_ICMP);
    sum = echo_sum(get16(m + 2));
    h[PAGEC_IP_HLEN] = 0;
    h[PAGEC_IP_HLEN + 1] = 0;
    h[PAGEC_IP_HLEN + 2] = (uint8_t)(sum >> 8);
    h[PAGEC_IP_HLEN + 3] = (uint8_t)sum;
    for (k = 4; k < ICMP_HLEN; k++) {
        h[PAGEC_IP_HLEN + k] = m[k]; /* identifier, sequence number */
    }
    reply->hdr_len = PAGEC_IP_HLEN + ICMP_HLEN;
    reply->body = m + ICMP_HLEN;
    reply->body_len = (uint16_t)(n - ICMP_HLEN);
    reply->body_rom = 0;
    return len;
}
#endif

/* 1 when a request may get a large reply: the site has them (seg.opt,
 * set for such a site only) */
#if PAGEC_LARGE
#define LARGE_ON(seg) ((seg).opt != NULL)
#else
#define LARGE_ON(seg) 0
#endif

/* The request in the n bytes of data at d, read by the same reader as
 * the streaming API's. */
static const PAGEC_ROM struct pagec_tmpl *
request(const struct pagec_server *srv, const uint8_t *d, uint16_t n,
        uint16_t limit, uint16_t *status, uint8_t large)
{
    struct pagec_http h;
    const PAGEC_ROM struct pagec_tmpl *t;

    pagec_http_begin(&h, srv->secret);
    pagec_http_feed(srv->site, &h, d, n);
    t = pagec_http_end(srv->site, &h, limit, status, large);
#if PAGEC_ACTIONS
    if (t != NULL) {
        pagec_http_act(srv, &h, *status);
    }
#endif
    return t;
}

uint16_t pagec_server_input(const struct pagec_server *srv, uint32_t now,
                            const uint8_t *pkt, uint16_t len,
                            struct pagec_reply *reply)
{
    const PAGEC_ROM struct pagec_site *site = srv->site;
    const PAGEC_ROM struct pagec_tmpl *fixed;
    const PAGEC_ROM struct pagec_tmpl *t;
    const uint8_t *tcp;
    const uint8_t *a = srv->addr;
    struct pagec_choice c;
    struct pagec_seg seg;
#if PAGEC_LARGE
    struct pagec_opt opt;
#endif
    uint8_t *f = reply->hdr + IP_SRC; /* the reply's bytes 12-31 */
    uint32_t addr_sum;
    uint16_t total;
    uint16_t limit;
    uint16_t ip_sum;
    uint16_t tcp_sum;
    uint16_t n;
    uint16_t status;
    uint8_t ihl;
    uint8_t thl;
    uint8_t k;

#if PAGEC_LARGE
    /* nothing for pagec_server_next() unless a large reply sets it */
    reply->burst.nrange = 0;
    reply->burst.opt = 0;
#endif
    /* IPv4 */
    if (len < PAGEC_IP_HLEN) {
        PAGEC_COUNT(srv, PAGEC_WHY_HEADER);
        return 0;
    }
    ihl = (uint8_t)((pkt[0] & 0x0fu) * 4);
    total = get16(pkt + IP_LEN);
    if ((pkt[0] >> 4) != 4 || ihl < PAGEC_IP_HLEN || total < ihl) {
        PAGEC_COUNT(srv, PAGEC_WHY_HEADER);
        return 0;
    }
    if (total > len) {
        PAGEC_COUNT(srv, PAGEC_WHY_TRUNCATED);
        return 0;
    }
    if ((pkt[6] & 0x3fu) | pkt[7]) {
        PAGEC_COUNT(srv, PAGEC_WHY_FRAGMENT);
        return 0; /* MF or an offset: fragments are dropped */
    }
    if (bad_address(pkt[IP_SRC]) || bad_address(pkt[IP_DST]) ||
        get32(pkt + IP_SRC) == get32(pkt + IP_DST) ||
        ((a[0] | a[1] | a[2] | a[3]) && get32(pkt + IP_DST) != get32(a))) {
        PAGEC_COUNT(srv, PAGEC_WHY_ADDRESS);
        return 0;
    }
    if (pagec_chksum_check(0, pkt, ihl) != 0xffffu) {
        PAGEC_COUNT(srv, PAGEC_WHY_CHECKSUM);
        return 0;
    }
    n = (uint16_t)(total - ihl);
    tcp = pkt + ihl;
#if PAGEC_LIVE
    reply->nfields = 0; /* a live page's reply sets its fields */
#endif
#if PAGEC_ICMP_ECHO
    if (pkt[9] == PROTO_ICMP) {
        return echo(srv, pkt, tcp, n, reply);
    }
#endif
#if PAGEC_SERVICES
    if (pkt[9] == PROTO_UDP) {
        return udp(srv, now, pkt, tcp, n, reply);
    }
#endif
    if (pkt[9] != PROTO_TCP) {
        PAGEC_COUNT(srv, PAGEC_WHY_PROTOCOL);
        return 0;
    }

    /* TCP */
    thl = n < PAGEC_TCP_HLEN ? 0 : (uint8_t)((tcp[12] >> 4) * 4);
    if (thl < PAGEC_TCP_HLEN || thl > n) {
        PAGEC_COUNT(srv, PAGEC_WHY_HEADER);
        return 0;
    }
    addr_sum = pagec_chksum_add(0, pkt + IP_SRC, 8);
    if (pagec_chksum_check(addr_sum + PROTO_TCP + n, tcp, n) != 0xffffu) {
        PAGEC_COUNT(srv, PAGEC_WHY_CHECKSUM);
        return 0;
    }
    copy4(f + F_OURS, pkt + IP_DST);
    copy4(f + F_PEER, pkt + IP_SRC);
    copy4(f + F_SEQ, tcp + 8); /* the segment's ACK number */
    copy4(f + F_ACK, tcp + 4); /* its sequence number */
    f[F_SPORT] = tcp[2];
    f[F_SPORT + 1] = tcp[3];
    f[F_DPORT] = tcp[0];
    f[F_DPORT + 1] = tcp[1];
    seg.f = f;
    seg.dlen = (uint16_t)(n - thl);
    seg.flags = tcp[13];
    seg.win = seg.flags & TH_SYN ? syn_mss(tcp, thl) : get16(tcp + 14);
#if PAGEC_LARGE
    seg.opt = NULL;
    seg.b = &reply->burst;
    if (site->nlarge) {
        pagec_tcp_options(tcp, thl, &opt);
        seg.opt = &opt;
    }
#endif

    /* the decision, and the request when the data is one */
    k = pagec_tcp_decide(srv, &seg, now, &c, &limit, &fixed);
#if PAGEC_LARGE
    if (k == PAGEC_TCP_LARGE) {
        return pagec_server_next(srv, reply);
    }
#endif
#if PAGEC_SERVICES
    if (k == PAGEC_TCP_ECHO) {
        /* the data goes back from where it lies */
        pagec_tcp_data(&c, site, pagec_chksum_add(0, tcp + thl, seg.dlen),
                       seg.dlen);
    } else if (k >= SVC_DAYTIME) {
        /* the service's text, in hdr after the header */
        n = pagec_service_text(srv, now, k, get16(f + F_SPORT), tcp + thl,
                               seg.dlen, reply->hdr + PAGEC_HDR_LEN);
        pagec_tcp_data(&c, site,
                       pagec_chksum_add(0, reply->hdr + PAGEC_HDR_LEN, n), n);
    }
#endif
    if (k == PAGEC_TCP_REQUEST) {
        status = 0;
        t = fixed ? pagec_http_fit(site, fixed, limit, &status, 0)
                  : request(srv, tcp + thl, seg.dlen, limit, &status,
                            LARGE_ON(seg));
        if (t == NULL) {
            PAGEC_COUNT(srv, PAGEC_WHY_REQUEST);
        }
#if PAGEC_LARGE
        if (t != NULL && t->len - t->hlen > limit) {
            uint16_t lk = 0;

            (void)pagec_large_of(site, t, &lk);
            pagec_large_request(srv, &seg, now, lk);
            if (reply->burst.nrange) {
                return pagec_server_next(srv, reply);
            }
            /* not even its first segment fits the window */
            t = pagec_http_fit(site, t, limit, &status, 0);
        }
#endif
        pagec_tcp_request(&c, t, status);
#if PAGEC_LIVE
        if (t != NULL) {
            c.more = pagec_live_fill(srv, t, reply->live, &reply->fields,
                                     &reply->nfields);
        }
#endif
    }
    if (c.tmpl == NULL) {
        return 0;
    }
    tcp_sum = pagec_tcp_finish(&c, f, addr_sum, &ip_sum);
    emit_header(srv->site, reply, &c, ip_sum, tcp_sum,
                c.status ? PAGEC_HDR_LEN + PAGEC_STATUS_AT + 3
                         : c.tmpl->hlen);
#if PAGEC_SERVICES
    if (c.extra) {
        if (k == PAGEC_TCP_ECHO) {
            reply->body = tcp + thl;
            reply->body_len = c.extra;
            reply->body_rom = 0;
        } else {
            reply->hdr_len = (uint16_t)(PAGEC_HDR_LEN + c.extra);
            reply->body = reply->hdr + reply->hdr_len;
        }
    }
#endif
    return (uint16_t)(c.tmpl->len + c.extra);
}

#if PAGEC_LARGE
uint16_t pagec_server_next(const struct pagec_server *srv,
                           struct pagec_reply *reply)
{
    const PAGEC_ROM uint8_t *data;
    uint16_t n;
    uint16_t len = pagec_large_emit(srv, &reply->burst, reply->hdr, &data, &n);

    if (len == 0) {
        return 0;
    }
    reply->hdr_len = (uint16_t)(len - n);
    reply->body_len = n;
    if (data == NULL) {
        /* a SYN-ACK or an ACK: no body, but a pointer to none */
        reply->body = reply->hdr + reply->hdr_len;
        reply->body_rom = 0;
    } else {
        /* a pointer into the site, cast from ROM, as emit_header()'s */
        reply->body = (const uint8_t *)data;
        reply->body_rom = 1;
    }
#if PAGEC_LIVE
    reply->nfields = 0;
#endif
    return len;
}
#else
uint16_t pagec_server_next(const struct pagec_server *srv,
                           struct pagec_reply *reply)
{
    (void)srv;
    (void)reply;
    return 0;
}
#endif

#if PAGEC_LIVE
/* Offset of the body's first byte in the template's pkt. */
static uint16_t body_at(const struct pagec_reply *reply)
{
    return (uint16_t)(reply->hdr_len - PAGEC_HDR_LEN);
}
#endif

uint16_t pagec_reply_copy(const struct pagec_reply *reply, uint8_t *buf,
                          uint16_t size)
{
    const uint8_t *p;
    uint16_t n = (uint16_t)(reply->hdr_len + reply->body_len);
    uint16_t len;
    uint16_t i;
    uint8_t k;
    uint8_t kind;

    if (size < n) {
        return 0;
    }
    for (i = 0; i < reply->hdr_len; i++) {
        buf[i] = reply->hdr[i];
    }
    buf += reply->hdr_len;
    for (k = 0; (kind = pagec_reply_piece(reply, k, &p, &len)) != 0; k++) {
        if (kind == 1) {
            const PAGEC_ROM uint8_t *b = (const PAGEC_ROM uint8_t *)p;

            for (i = 0; i < len; i++) {
                buf[i] = PAGEC_ROM_BYTE(b + i);
            }
        } else {
            for (i = 0; i < len; i++) {
                buf[i] = p[i];
            }
        }
        buf += len;
    }
    return n;
}

uint8_t pagec_reply_piece(const struct pagec_reply *reply, uint8_t i,
                          const uint8_t **p, uint16_t *len)
{
#if PAGEC_LIVE
    if (reply->nfields) {
        const PAGEC_ROM struct pagec_field *f = reply->fields;
        uint16_t base = body_at(reply);
        uint16_t from = 0; /* body offset where piece i starts */
        uint16_t live = 0; /* bytes of live before field i / 2 */
        uint8_t j;

        if (i > 2 * reply->nfields) {
            return 0;
        }
        for (j = 0; j < i / 2; j++) {
            from = (uint16_t)(f[j].at - base + f[j].width);
            live = (uint16_t)(live + f[j].width);
        }
        if (i & 1u) {
            *p = reply->live + live;
            *len = f[j].width;
            return 2;
        }
        *p = reply->body + from;
        *len = (uint16_t)((j < reply->nfields ? f[j].at - base
                                              : reply->body_len) -
                          from);
        return 1;
    }
#endif
    if (i != 0) {
        return 0;
    }
    *p = reply->body;
    *len = reply->body_len;
    return reply->body_rom ? 1 : 2;
}
