/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp.c - the one decision on a received TCP segment (see tcp.h): which
 * template answers it, with which sequence and acknowledgement numbers,
 * and every ISN, time slot, MSS class and RST rule. See pagec/pagec.h for
 * what is answered and why.
 */
#include <stddef.h>

#include "pagec/chksum.h"
#include "tcp.h"
#include "wire.h"

/* Time slots are (now >> PAGEC_ISN_SLOT_LOG2) modulo 2^(32 - that), so the
 * clock wraps at 2^32 without a slot that never existed. */
#define SLOT_MASK (0xffffffffu >> PAGEC_ISN_SLOT_LOG2)

/* The page served on TCP port port, or NULL. */
static const PAGEC_ROM struct pagec_tmpl *
port_page(const PAGEC_ROM struct pagec_site *site, uint16_t port)
{
#if PAGEC_PORTS
    uint16_t lo = 0;
    uint16_t hi = site->nports;

    while (lo < hi) {
        uint16_t mid = (uint16_t)(lo + (hi - lo) / 2);

        if (site->ports[mid].port == port) {
            return &site->variants[site->ports[mid].variant].get;
        }
        if (site->ports[mid].port < port) {
            lo = (uint16_t)(mid + 1);
        } else {
            hi = mid;
        }
    }
#else
    (void)site;
    (void)port;
#endif
    return NULL;
}

/* The smallest MSS served: 536 (RFC 9293 section 3.7.1), or the site's
 * own when it was compiled for less. */
static uint16_t mss_floor(const PAGEC_ROM struct pagec_site *site)
{
    return site->mss < 536 ? site->mss : 536;
}

/* The MSS classes an ISN can carry, and the TCP data each may take: the
 * floor, 966 (SLIP), 1220, and the site's own MSS (or more). */
static uint8_t mss_class(const PAGEC_ROM struct pagec_site *site,
                         uint16_t mss)
{
    return mss >= site->mss ? 3 : mss >= 1220 ? 2 : mss >= 966 ? 1 : 0;
}

uint16_t pagec_tcp_class_limit(const PAGEC_ROM struct pagec_site *site,
                               uint8_t c)
{
    uint16_t limit = c == 0 ? mss_floor(site) : c == 1 ? 966 : 1220;

    return c < 3 && limit < site->mss ? limit : site->mss;
}

/* The keyed hash of this connection's ISNs in a slot and an MSS class:
 * their A and B fields come from it (pagec_isn_top(), pagec_isn_b()). A
 * tail call: no frame of its own under the hash's, the deepest point of
 * the stack. */
static uint32_t isn_hash(const struct pagec_server *srv, const uint8_t *f,
                         uint32_t slot, uint8_t cls)
{
    return pagec_isn_hash(srv->secret, f + F_PEER, f + F_OURS,
                          get16(f + F_DPORT), get16(f + F_SPORT),
                          slot & SLOT_MASK, cls);
}

/* RST for an unacceptable segment: RFC 9293 section 3.10.7.1. */
static uint8_t reset(struct pagec_choice *c,
                     const PAGEC_ROM struct pagec_site *site,
                     const struct pagec_seg *seg)
{
    uint8_t flags = seg->flags;

    c->tmpl = &site->rst;
    if (flags & TH_ACK) {
        c->seq = get32(seg->f + F_SEQ);
        c->ack = 0;
        c->flags = TH_RST;
    } else {
        c->seq = 0;
        c->ack = get32(seg->f + F_ACK) + seg->dlen + (flags & TH_FIN) +
                 (flags & TH_SYN ? 1u : 0u);
        c->flags = TH_RST | TH_ACK;
    }
    return PAGEC_TCP_DONE;
}

#if PAGEC_SERVICES
/* The service on port port of protocol p (PAGEC_SERVICE_TCP or
 * PAGEC_SERVICE_UDP), the site's ports aside: 7, 9 and 13, then the
 * driver's table. */
static uint8_t service_kind(const struct pagec_server *srv, uint16_t port,
                            uint8_t p)
{
    const PAGEC_ROM struct pagec_service *v = srv->services;
    uint8_t i;

    if (port == PORT_ECHO) {
        return SVC_ECHO;
    }
    if (port == PORT_DISCARD) {
        return SVC_DISCARD;
    }
    if (port == PORT_DAYTIME) {
        return SVC_DAYTIME;
    }
    for (i = 0; i < srv->nservices; i++, v++) {
        if (v->port == port && (v->mode & p)) {
            return v->mode & PAGEC_SERVICE_LINE ? SVC_LINE : SVC_CONNECT;
        }
    }
    return SVC_NONE;
}

uint8_t pagec_tcp_service(const struct pagec_server *srv, uint16_t port)
{
    const PAGEC_ROM struct pagec_site *site = srv->site;

    if ((port == site->http_port && port != 0) ||
        port_page(site, port) != NULL) {
        return SVC_NONE;
    }
    return service_kind(srv, port, PAGEC_SERVICE_TCP);
}
#endif

static uint8_t send(struct pagec_choice *c,
                    const PAGEC_ROM struct pagec_tmpl *t, uint32_t seq,
                    uint32_t ack, uint8_t flags)
{
    c->tmpl = t;
    c->seq = seq;
    c->ack = ack;
    c->flags = flags;
    return PAGEC_TCP_DONE;
}

#if PAGEC_SERVICES
static uint8_t PAGEC_NOINLINE tcp_service(const struct pagec_server *srv,
                                          const struct pagec_seg *seg,
                                          struct pagec_choice *c, uint8_t svc,
                                          uint32_t h, uint32_t base,
                                          uint32_t y);
#endif

uint8_t pagec_tcp_decide(const struct pagec_server *srv,
                         const struct pagec_seg *seg, uint32_t now,
                         struct pagec_choice *c, uint16_t *limit,
                         const PAGEC_ROM struct pagec_tmpl **fixed)
{
    const PAGEC_ROM struct pagec_site *site = srv->site;
    uint8_t flags = seg->flags;
    uint32_t seq = get32(seg->f + F_ACK); /* the segment's */
    uint32_t ack = get32(seg->f + F_SEQ);
    uint16_t port = get16(seg->f + F_SPORT);
    uint32_t slot = now >> PAGEC_ISN_SLOT_LOG2;
    uint32_t span = (uint32_t)site->max_data + 1u; /* the most of ours */
    uint32_t reach;
    uint32_t base;
    uint32_t off;
    uint32_t isn;
    uint32_t h;
    uint16_t hi;
    uint8_t cls;
    uint8_t i;
    uint8_t svc = SVC_NONE; /* the port's service */

    c->tmpl = NULL;
    c->status = 0;
    c->more = 0;
    c->extra = 0;
    if (flags & TH_RST) {
        PAGEC_COUNT(srv, PAGEC_WHY_RST);
        return PAGEC_TCP_DONE;
    }
    *fixed = NULL; /* file-name mode: the request chooses */
    if (port != site->http_port || port == 0) {
        *fixed = port_page(site, port); /* port mode, as phpstack */
#if PAGEC_SERVICES
        if (*fixed == NULL) {
            svc = service_kind(srv, port, PAGEC_SERVICE_TCP);
            span = svc == SVC_ECHO ? PAGEC_ECHO_SPAN : PAGEC_SERVICE_MAX + 1u;
        }
#endif
        if (*fixed == NULL && svc == 0) {
            PAGEC_COUNT(srv, PAGEC_WHY_PORT);
            return reset(c, site, seg);
        }
    }
    reach = span + PAGEC_ISN_B_MASK;
    if (flags & TH_SYN) {
        if (flags & (TH_ACK | TH_FIN)) {
            /* SYN-ACK to a listener gets an RST; SYN+FIN is nonsense */
            PAGEC_COUNT(srv, PAGEC_WHY_FLAGS);
            return flags & TH_ACK ? reset(c, site, seg) : PAGEC_TCP_DONE;
        }
        if (seg->win < mss_floor(site)) {
            /* the smallest reply the site has could be too big for it:
             * refuse the connection rather than overrun its MSS */
            PAGEC_COUNT(srv, PAGEC_WHY_MSS);
            return reset(c, site, seg);
        }
        /* any data on the SYN is left unacknowledged: the client sends it
         * again after the handshake */
        cls = mss_class(site, seg->win);
        h = isn_hash(srv, seg->f, slot, cls);
        base = pagec_isn_top(slot, cls, h);
        /* B: of the client's ISN bits 16-31; on a service's port, none,
         * or for echo its low bits added (see pagec/pagec.h) */
        off = pagec_isn_b(h, svc ? 0 : (uint16_t)((seq + 1u) >> 16));
        if (svc == SVC_ECHO) {
            off = (off + seq + 1u) & PAGEC_ISN_B_MASK;
        }
#if PAGEC_LARGE
        if (pagec_large_on(site, seg, port)) {
            return pagec_large_syn(srv, seg, now, c, base | off);
        }
#endif
        return send(c, &site->syn_ack, base | off, seq + 1u,
                    TH_SYN | TH_ACK);
    }
    if (!(flags & TH_ACK)) {
        PAGEC_COUNT(srv, PAGEC_WHY_FLAGS);
        return PAGEC_TCP_DONE;
    }
#if PAGEC_LARGE
    if (pagec_large_on(site, seg, port)) {
        i = pagec_large_ack(srv, seg, now, &isn);
        if (i == PAGEC_TCP_RESET) {
            return reset(c, site, seg);
        }
        if (i != PAGEC_TCP_REQUEST) {
            return i;
        }
        off = ack - 1u - isn;
        goto one_segment;
    }
#endif
    /* the slot and class from the top bits of the client's ACK: the
     * latest slot up to now with those two bits. Our data and FIN, and B,
     * may have carried into them: then they are those of the ACK less
     * the most that can be added. */
    for (i = 0;; i++) {
        uint32_t cand = ack - 1u - (i ? reach : 0u);
        uint32_t s =
            slot - ((uint8_t)((uint8_t)slot - PAGEC_TOP2(cand, 6)) & 3u);

        cls = PAGEC_TOP2(cand, 4);
        h = isn_hash(srv, seg->f, s, cls);
        base = pagec_isn_top(s, cls, h);
        off = ack - 1u - base; /* B + the bytes of ours acknowledged */
        if (off <= reach) {
            break;
        }
        if (i) {
            /* acknowledges nothing we could have sent */
            PAGEC_COUNT(srv, PAGEC_WHY_ACK);
            if (svc == SVC_ECHO && seg->dlen > 0) {
                /* no RST: the streaming API has sent most of an echo
                 * before it can tell (see pagec/stream.h) */
                return PAGEC_TCP_DONE;
            }
            return reset(c, site, seg);
        }
    }
#if PAGEC_SERVICES
    if (svc) {
        return tcp_service(srv, seg, c, svc, h, base, off);
    }
#endif
    /* B from the client's sequence number: bits 16-31 of its first data
     * byte's, which the data and FIN it sent since (up to our window) may
     * have carried */
    hi = (uint16_t)(seq >> 16);
    isn = base | pagec_isn_b(h, hi);
    if (ack - 1u - isn > (uint32_t)site->max_data + 1u &&
        (uint16_t)seq <= site->window) {
        isn = base | pagec_isn_b(h, (uint16_t)(hi - 1u));
    }
    off = ack - 1u - isn;
    if (off > (uint32_t)site->max_data + 1u) {
        PAGEC_COUNT(srv, PAGEC_WHY_ACK);
        return reset(c, site, seg);
    }
#if PAGEC_LARGE
one_segment:
#endif
    if (off == 0) {
        if (seg->dlen > 0) {
            /* what the client can take: its MSS class, and its window */
            *limit = pagec_tcp_class_limit(site, PAGEC_TOP2(isn, 4));
            if (seg->win < *limit) {
                *limit = seg->win;
            }
            c->seq = isn + 1u;
            c->ack = seq + seg->dlen + (flags & TH_FIN);
            return PAGEC_TCP_REQUEST;
        }
        if (flags & TH_FIN) {
            /* a FIN before any request (a browser's unused connection),
             * or after a request that was lost: our FIN too, so that the
             * client closes (with an empty reply) rather than wait */
            return send(c, &site->ack, ack, seq + 1u, TH_FIN | TH_ACK);
        }
    }
    if (seg->dlen == 0 && !(flags & TH_FIN)) {
        PAGEC_COUNT(srv, PAGEC_WHY_PURE_ACK);
        return PAGEC_TCP_DONE; /* a pure ACK needs no answer */
    }
    /* the client's FIN, or data after our reply: acknowledge it */
    return send(c, &site->ack, ack, seq + seg->dlen + (flags & TH_FIN),
                TH_ACK);
}

#if PAGEC_SERVICES
/*
 * A segment with an ACK to service svc, whose ACK less 1 is base + y:
 * y is B plus the bytes of ours acknowledged, found within reach. h is
 * the hash of its slot and class.
 */
static uint8_t PAGEC_NOINLINE tcp_service(const struct pagec_server *srv,
                                          const struct pagec_seg *seg,
                                          struct pagec_choice *c, uint8_t svc,
                                          uint32_t h, uint32_t base,
                                          uint32_t y)
{
    const PAGEC_ROM struct pagec_site *site = srv->site;
    uint8_t flags = seg->flags;
    uint32_t seq = get32(seg->f + F_ACK); /* the segment's */
    uint32_t ack = get32(seg->f + F_SEQ);
    uint32_t end = seq + seg->dlen + (flags & TH_FIN);
    uint32_t b = pagec_isn_b(h, 0);
    uint16_t limit;

    if (svc == SVC_ECHO) {
        /* B was the hash's plus the client's ISN + 1: a segment that
         * starts where the echo of the client's earlier bytes ends has
         * ack - seq = B + 1 - (client ISN + 1) = b + 1, modulo 2^14 */
        limit = pagec_tcp_class_limit(site, PAGEC_TOP2(base, 4));
        if (seg->win < limit) {
            limit = seg->win;
        }
        if (((ack - seq - 1u - b) & PAGEC_ISN_B_MASK) != 0 ||
            seg->dlen > limit) {
            PAGEC_COUNT(srv, PAGEC_WHY_ORDER);
            return PAGEC_TCP_DONE; /* the client sends it again */
        }
        if (seg->dlen > 0) {
            c->seq = ack;
            c->ack = end;
            c->flags = (uint8_t)(TH_ACK | TH_PSH | (flags & TH_FIN));
            return PAGEC_TCP_ECHO;
        }
        y = 0; /* a FIN gets ours; a pure ACK nothing */
    } else {
        y -= b; /* the bytes of ours acknowledged */
        if (y > (uint32_t)PAGEC_SERVICE_MAX + 1u) {
            PAGEC_COUNT(srv, PAGEC_WHY_ACK);
            return reset(c, site, seg);
        }
        if (y == 0 && svc >= SVC_DAYTIME &&
            (svc != SVC_LINE || seg->dlen > 0)) {
            /* the connection is open (a line service: its line came):
             * the text, which acknowledges the data, and our FIN */
            c->seq = ack;
            c->ack = end;
            c->flags = TH_FIN | TH_PSH | TH_ACK;
            return svc;
        }
    }
    if (seg->dlen == 0 && !(flags & TH_FIN)) {
        PAGEC_COUNT(srv, PAGEC_WHY_PURE_ACK);
        return PAGEC_TCP_DONE;
    }
    /* data to discard, or a FIN: acknowledged, and a FIN before ours
     * gets ours */
    return send(c, &site->ack, ack, end,
                (uint8_t)(TH_ACK | (y == 0 ? flags & TH_FIN : 0)));
}

void pagec_tcp_data(struct pagec_choice *c,
                    const PAGEC_ROM struct pagec_site *site, uint32_t sum,
                    uint16_t n)
{
    c->tmpl = &site->ack;
    c->extra = n;
    c->more = sum + n; /* the data, and the pseudo-header's length */
}

/* "uptime N s\r\n", N the clock in seconds, into dst; its length */
static uint8_t uptime(uint32_t now, uint8_t *dst)
{
    /* the powers of ten a 32-bit number has, for digits by subtraction */
    static const PAGEC_ROM uint32_t ten[9] = {
        1000000000u, 100000000u, 10000000u, 1000000u, 100000u,
        10000u,      1000u,      100u,      10u};
    static const PAGEC_ROM uint8_t up[7] = {'u', 'p', 't', 'i', 'm', 'e', ' '};
    uint8_t n = 0;
    uint8_t k;

    for (k = 0; k < sizeof up; k++) {
        dst[n++] = PAGEC_ROM_BYTE(up + k);
    }
    for (k = 0; k < 9; k++) {
        uint32_t p = ten[k];
        uint8_t d = '0';

        while (now >= p) {
            now -= p;
            d++;
        }
        if (d != '0' || n > sizeof up) {
            dst[n++] = d;
        }
    }
    dst[n++] = (uint8_t)('0' + now);
    dst[n++] = ' ';
    dst[n++] = 's';
    dst[n++] = '\r';
    dst[n++] = '\n';
    return n;
}

uint8_t pagec_service_text(const struct pagec_server *srv, uint32_t now,
                           uint8_t kind, uint16_t port, const uint8_t *d,
                           uint16_t n, uint8_t *buf)
{
    uint8_t k;

    if (kind == SVC_DAYTIME) {
        if (srv->daytime == NULL) {
            return uptime(now, buf);
        }
        k = srv->daytime(srv, buf, PAGEC_SERVICE_MAX);
    } else {
        /* the line, cut to what buf holds; none for a reply on connect */
        if (kind != SVC_LINE) {
            n = 0;
        }
        if (n > PAGEC_SERVICE_MAX) {
            n = PAGEC_SERVICE_MAX;
        }
        for (k = 0; k < n; k++) {
            buf[k] = d[k];
        }
        k = srv->service(srv, port, buf, (uint8_t)n, PAGEC_SERVICE_MAX);
    }
    return k < PAGEC_SERVICE_MAX ? k : PAGEC_SERVICE_MAX;
}

uint8_t pagec_udp_decide(const struct pagec_server *srv, uint16_t sport,
                         uint16_t dport)
{
    uint8_t k = service_kind(srv, dport, PAGEC_SERVICE_UDP);

    if (k == SVC_NONE) {
        PAGEC_COUNT(srv, PAGEC_WHY_UDP_PORT);
        return 0;
    }
    if (sport < 1024) {
        PAGEC_COUNT(srv, PAGEC_WHY_LOW_PORT);
        return 0;
    }
    if (k == SVC_DISCARD) {
        PAGEC_COUNT(srv, PAGEC_WHY_DISCARD);
        return 0;
    }
    return k;
}
#endif

void pagec_tcp_request(struct pagec_choice *c,
                       const PAGEC_ROM struct pagec_tmpl *t, uint16_t status)
{
    c->tmpl = t;
    c->status = status;
    c->flags = TH_FIN | TH_PSH | TH_ACK; /* the whole reply, and the end */
}

uint16_t pagec_tcp_finish(const struct pagec_choice *c, uint8_t *f,
                          uint32_t addr_sum, uint16_t *ip_sum)
{
    const PAGEC_ROM struct pagec_tmpl *t = c->tmpl;
    /* the word of data offset and flags, which the template's sum leaves
     * out: the offset in 32-bit words in its top four bits */
    uint32_t sum = t->tcp_sum + addr_sum + c->flags + c->more +
                   ((uint32_t)(t->hlen - PAGEC_IP_HLEN) << 10);

    if (c->status) {
        /* the status digits sent in place of the template's, at odd, even
         * and odd offsets: the low byte of one word, then a whole word */
        const PAGEC_ROM uint8_t *d = t->pkt + PAGEC_STATUS_AT;
        uint8_t n[3];

        pagec_status_digits(c->status, n);
        sum += (uint32_t)n[0] + ((uint32_t)n[1] << 8 | n[2]) + 0xffffu -
               (uint16_t)(PAGEC_ROM_BYTE(d) +
                          (PAGEC_ROM_BYTE(d + 1) << 8 | PAGEC_ROM_BYTE(d + 2)));
    }
    put32(f + F_SEQ, c->seq);
    put32(f + F_ACK, c->ack);
    *ip_sum = finish(t->ip_sum + addr_sum + c->extra);
    return finish(sum + (uint32_t)(c->seq >> 16) + (c->seq & 0xffffu) +
                  (c->ack >> 16) + (c->ack & 0xffffu) + get16(f + F_SPORT) +
                  get16(f + F_DPORT));
}

#if PAGEC_LIVE
uint32_t pagec_live_fill(const struct pagec_server *srv,
                         const PAGEC_ROM struct pagec_tmpl *t, uint8_t *buf,
                         const PAGEC_ROM struct pagec_field **fields,
                         uint8_t *n)
{
    const PAGEC_ROM struct pagec_site *site = srv->site;
    const PAGEC_ROM struct pagec_live *l = site->live;
    const PAGEC_ROM struct pagec_live *end;
    const PAGEC_ROM struct pagec_field *f;
    /* the sums of the bytes written, the high bytes of words (even
     * offsets of the template, and of the TCP segment, whose header is 20
     * bytes) apart from the low ones: 16 bits hold 255 bytes of 255, and
     * no byte is shifted on its own (a loop on an 8-bit core); and how
     * many placeholders they replace at even offsets, all spaces
     * (pagec/site.h), so their sum needs none of their bytes read */
    uint16_t put_hi = 0;
    uint16_t put_lo = 0;
    uint16_t used = 0;
    uint16_t evens = 0;
    uint16_t k;

    *n = 0;
    if (srv->live == NULL || site->nlive == 0) {
        return 0;
    }
    end = l + site->nlive;
    while (l < end && &site->variants[l->variant].get != t) {
        l++;
    }
    if (l == end) {
        return 0;
    }
    f = &site->fields[l->first];
    *fields = f;
    for (k = 0; k < l->count; k++, f++) {
        uint8_t w = f->width;
        uint8_t got;
        uint8_t *b = buf + used;
        uint8_t *e = b + w;

        if (used + w > PAGEC_LIVE_MAX) {
            break; /* a site the build refused (NAME_LIVE_BYTES) */
        }
        got = srv->live(srv, f->id, b, w);
        for (got = got < w ? got : w; got < w; got++) {
            b[got] = ' ';
        }
        used = (uint16_t)(used + w);
        evens = (uint16_t)(evens + ((w + 1u - (f->at & 1u)) >> 1));
        if (f->at & 1u) {
            put_lo = (uint16_t)(put_lo + *b++);
        }
        /* the rest a word at a time */
        while (b + 1 < e) {
            put_hi = (uint16_t)(put_hi + b[0]);
            put_lo = (uint16_t)(put_lo + b[1]);
            b += 2;
        }
        if (b < e) {
            put_hi = (uint16_t)(put_hi + *b);
        }
    }
    *n = (uint8_t)k;
    /* less the placeholders, ' ' (0x20) each: adding the complement
     * subtracts */
    return ((uint32_t)put_hi << 8) + put_lo +
           (uint16_t)~pagec_chksum_fold(((uint32_t)evens << 13) +
                                        (uint32_t)(used - evens) * 0x20u);
}
#endif

const PAGEC_ROM uint8_t pagec_ip_start[12] = {
    0x45, 0, 0, 0, 0, 0, 0x40, 0, PAGEC_IP_TTL, PROTO_TCP};

void pagec_status_digits(uint16_t status, uint8_t d[3])
{
    /* by subtraction: a core without a divider calls no library for it */
    d[0] = '0';
    while (status >= 100) {
        status = (uint16_t)(status - 100);
        d[0]++;
    }
    d[1] = '0';
    while (status >= 10) {
        status = (uint16_t)(status - 10);
        d[1]++;
    }
    d[2] = (uint8_t)('0' + status);
}
