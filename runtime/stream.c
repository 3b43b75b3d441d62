/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stream.c - the streaming API of pagec/stream.h: a datagram read a byte
 * at a time into a description of the segment (parse), the same decision
 * as the buffered API's (tcp.c), and the reply pulled a byte or a run at a
 * time from the template with the peer's fields substituted (emit).
 */
#include <stddef.h>

#include "http.h"
#include "pagec/chksum.h"
#include "pagec/stream.h"
#include "tcp.h"
#include "wire.h"

/* s->state */
enum { ST_DROP, ST_RECV, ST_HTTP, ST_ECHO, ST_REPLY };

/* s->opt[0]: the TCP option parser (for a SYN's MSS) */
enum { O_KIND, O_DONE, O_LEN_MSS, O_LEN, O_MSS, O_SKIP };

void pagec_stream_begin(struct pagec_stream *s)
{
    s->sum = 0;
    s->pos = 0;
    s->total = 0;
    s->out = 0;
    s->ihl = 20;
    s->thl = 0;
    s->state = ST_RECV;
}

/* A byte of the IPv4 header, at offset i. */
static void ip_byte(const struct pagec_server *srv, struct pagec_stream *s,
                    uint16_t i, uint8_t c)
{
    const uint8_t *a = srv->addr;
    uint8_t *f = s->f;

    switch (i) {
    case 0:
        if ((c >> 4) != 4 || (c & 0x0fu) < 5) {
            s->state = ST_DROP;
        }
        s->ihl = (uint8_t)((c & 0x0fu) * 4);
        break;
    case IP_LEN:
        s->total = (uint16_t)(c << 8);
        break;
    case IP_LEN + 1:
        s->total |= c;
        break;
    case 6:
    case 7:
        if (c & (i == 6 ? 0x3fu : 0xffu)) {
            s->state = ST_DROP; /* MF or an offset: fragments are dropped */
        }
        break;
    case 9:
        s->proto = c;
        break;
    default:
        if (i < IP_SRC || i >= IP_DST + 4) {
            break;
        }
        if (i < IP_DST) {
            f[F_PEER + i - IP_SRC] = c;
        } else {
            f[F_OURS + i - IP_DST] = c;
            if ((a[0] | a[1] | a[2] | a[3]) && c != a[i - IP_DST]) {
                s->state = ST_DROP; /* for another address */
            }
        }
        if ((i == IP_SRC || i == IP_DST) && bad_address(c)) {
            s->state = ST_DROP;
        }
        if (i == IP_DST + 3 && get32(f + F_OURS) == get32(f + F_PEER)) {
            s->state = ST_DROP; /* from our own address: spoofed */
        }
        break;
    }
    if (i + 1 == s->ihl) {
        /* the end of the header, options included */
        if (pagec_chksum_fold(s->sum) != 0xffffu || s->total < s->ihl ||
            (s->proto != PROTO_TCP &&
             (s->proto != PROTO_ICMP || !PAGEC_ICMP_ECHO))) {
            s->state = ST_DROP;
        }
        s->sum = 0;
    }
}

#if PAGEC_ICMP_ECHO
/* A byte of an ICMP message, at offset t: an echo request is answered
 * cut-through. */
static void icmp_byte(struct pagec_stream *s, uint16_t t, uint8_t c)
{
    if (t == 0 ? c != ICMP_ECHO : t == 1 ? c != 0 : 0) {
        s->state = ST_DROP;
        return;
    }
    if (t != 3) {
        s->latch = c; /* the checksum's first byte, then the echo data */
        return;
    }
    if (s->total - s->ihl < ICMP_HLEN) {
        s->state = ST_DROP; /* shorter than an echo request's header */
        return;
    }
    s->u.reply.ip_sum =
        echo_ip_sum((uint16_t)(s->total - s->ihl + PAGEC_IP_HLEN),
                    pagec_chksum_add(0, s->f, 8));
    s->u.reply.sum = echo_sum((uint16_t)(s->latch << 8 | c));
    s->state = ST_ECHO;
}
#endif

/* A byte of a SYN's TCP options, at offset t of the header: its MSS
 * option goes to s->win. Every option is skipped by its length; a length
 * below 2 or past the header ends the parsing, so a hostile list can
 * neither loop nor overrun. */
static void option_byte(struct pagec_stream *s, uint16_t t, uint8_t c)
{
    uint8_t *o = s->opt;

    switch (o[0]) {
    case O_KIND:
        if (c == 0) {
            o[0] = O_DONE; /* end of option list */
        } else if (c != 1) { /* 1: no-operation */
            o[0] = c == 2 ? O_LEN_MSS : O_LEN;
        }
        return;
    case O_LEN_MSS:
    case O_LEN:
        if (c < 2 || t - 1 + c > s->thl) {
            o[0] = O_DONE;
            return;
        }
        o[1] = (uint8_t)(c - 2);
        o[0] = o[0] == O_LEN_MSS && c == 4 ? O_MSS : O_SKIP;
        if (o[0] == O_MSS) {
            s->win = 0;
        }
        break;
    case O_MSS:
    case O_SKIP:
        if (o[0] == O_MSS) {
            s->win = (uint16_t)(s->win << 8 | c);
        }
        o[1]--;
        break;
    default:
        return;
    }
    if (o[1] == 0) {
        o[0] = O_KIND;
    }
}

/* A byte of a TCP segment, at offset t. */
static void tcp_byte(const struct pagec_server *srv, struct pagec_stream *s,
                     uint16_t t, uint8_t c)
{
    const PAGEC_ROM struct pagec_site *site = srv->site;
    uint8_t *f = s->f;

    if (t >= s->thl && t >= PAGEC_TCP_HLEN) {
        /* the data: read when it is a request */
        if (s->state == ST_HTTP) {
            pagec_http_byte(site, &s->u.http, c);
        }
        return;
    }
    if (t < 12) {
        /* ports and numbers go where the reply wants them */
        static const PAGEC_ROM uint8_t at[12] = {
            F_DPORT, F_DPORT + 1, F_SPORT, F_SPORT + 1,
            F_ACK, F_ACK + 1, F_ACK + 2, F_ACK + 3,
            F_SEQ, F_SEQ + 1, F_SEQ + 2, F_SEQ + 3};

        f[PAGEC_ROM_BYTE(at + t)] = c;
        return;
    }
    switch (t) {
    case 12:
        s->thl = (uint8_t)((c >> 4) * 4);
        if (s->thl < PAGEC_TCP_HLEN) {
            s->state = ST_DROP;
        }
        break;
    case 13:
        s->tflags = c;
        break;
    case 14:
        s->win = (uint16_t)(c << 8);
        break;
    case 15:
        s->win |= c;
        break;
    case PAGEC_TCP_HLEN - 1:
        s->opt[0] = O_DONE;
        if (s->tflags & TH_SYN) {
            s->win = 536; /* RFC 9293 section 3.7.1: without the option,
                             a client takes 536 */
            s->opt[0] = O_KIND;
        }
        break;
    default:
        if (t >= PAGEC_TCP_HLEN) {
            option_byte(s, t, c);
        }
        break;
    }
    if (t + 1 == s->thl && s->state == ST_RECV &&
        get16(f + F_SPORT) == site->http_port && site->http_port != 0 &&
        !(s->tflags & TH_SYN)) {
        /* the header ends: what follows is a request to the web server */
        pagec_http_begin(&s->u.http);
        s->state = ST_HTTP;
    }
}

void pagec_stream_byte(const struct pagec_server *srv,
                       struct pagec_stream *s, uint8_t c)
{
    uint16_t i = s->pos;

    if (s->state == ST_DROP || s->state == ST_REPLY ||
        (i >= 4 && i >= s->total)) {
        return; /* nothing to read, or link-layer padding */
    }
    s->pos = (uint16_t)(i + 1);
    s->sum += i & 1u ? c : (uint32_t)c << 8;
    if (i < s->ihl) {
        ip_byte(srv, s, i, c);
    } else if (s->proto == PROTO_TCP) {
        tcp_byte(srv, s, (uint16_t)(i - s->ihl), c);
#if PAGEC_ICMP_ECHO
    } else {
        icmp_byte(s, (uint16_t)(i - s->ihl), c);
#endif
    }
}

uint16_t pagec_stream_end(const struct pagec_server *srv,
                          struct pagec_stream *s, uint32_t now)
{
    const PAGEC_ROM struct pagec_tmpl *fixed;
    const PAGEC_ROM struct pagec_tmpl *t;
    struct pagec_choice c;
    struct pagec_seg seg;
    uint8_t st = s->state;
    uint16_t n = (uint16_t)(s->total - s->ihl);
    uint32_t addr_sum;
    uint16_t limit;
    uint16_t ip_sum;
    uint16_t status;

    if (st == ST_REPLY) {
        return s->total; /* ended already */
    }
    s->state = ST_DROP;
    if (st == ST_DROP || s->pos < s->ihl || s->pos < s->total) {
        return 0; /* dropped, or cut short */
    }
#if PAGEC_ICMP_ECHO
    if (s->proto == PROTO_ICMP) {
        if (st != ST_ECHO || pagec_chksum_fold(s->sum) != 0xffffu) {
            return 0;
        }
        s->state = ST_ECHO;
        return (uint16_t)(PAGEC_IP_HLEN + n);
    }
#endif
    if (n < PAGEC_TCP_HLEN || s->thl > n) {
        return 0;
    }
    /* the pseudo-header's addresses, kept for the reply's sums */
    addr_sum = pagec_chksum_add(0, s->f, 8);
    if (pagec_chksum_fold(s->sum + PROTO_TCP + n + addr_sum) != 0xffffu) {
        return 0;
    }
    seg.f = s->f;
    seg.dlen = (uint16_t)(n - s->thl);
    seg.win = s->win;
    seg.flags = s->tflags;
    if (pagec_tcp_decide(srv, &seg, now, &c, &limit, &fixed) ==
        PAGEC_TCP_REQUEST) {
        status = 0;
        t = fixed ? pagec_http_fit(srv->site, fixed, limit, &status)
            : st == ST_HTTP ? pagec_http_end(srv->site, &s->u.http, limit,
                                             &status)
                            : NULL;
        pagec_tcp_request(&c, t, status);
    }
    if (c.tmpl == NULL) {
        return 0;
    }
    s->u.reply.sum = pagec_tcp_finish(&c, s->f, addr_sum, &ip_sum);
    s->u.reply.ip_sum = ip_sum;
    s->u.reply.tmpl = c.tmpl;
    s->u.reply.code[0] = 0;
    if (c.status) {
        pagec_status_digits(c.status, s->u.reply.code);
    }
    s->tflags = c.flags;
    s->total = c.tmpl->len; /* a HEAD reply is shorter than its pkt */
    s->state = ST_REPLY;
    return s->total;
}

uint16_t pagec_stream_pending(const struct pagec_stream *s)
{
    if (s->state == ST_REPLY) {
        return (uint16_t)(s->total - s->out);
    }
    if (s->state == ST_ECHO) {
        /* the header, then one byte for each byte received */
        return (uint16_t)(s->pos - s->ihl + PAGEC_IP_HLEN - s->out);
    }
    return 0;
}

#if PAGEC_ICMP_ECHO
/* The echo reply's header bytes that are the same in every reply: IPv4
 * without options, DF, identification 0 (atomic, RFC 6864), type and code
 * 0; the other bytes are patched. */
static const PAGEC_ROM uint8_t echo_hdr[ECHO_HDR] = {
    0x45, 0, 0, 0, 0, 0, 0x40, 0, PAGEC_IP_TTL, PROTO_ICMP};

/* Byte k of an echo reply. */
static uint8_t echo_byte(const struct pagec_stream *s, uint16_t k)
{
    uint16_t v;

    if (k >= ECHO_HDR) {
        return s->latch;
    }
    if (k >= IP_SRC) {
        if (k < IP_DST + 4) {
            return s->f[k - IP_SRC];
        }
        v = s->u.reply.sum; /* ICMP type and code are 0 */
        return k < PAGEC_IP_HLEN + 2 ? 0 : (uint8_t)(k & 1u ? v : v >> 8);
    }
    if (k == IP_LEN || k == IP_LEN + 1) {
        v = (uint16_t)(s->total - s->ihl + PAGEC_IP_HLEN);
    } else if (k == IP_SUM || k == IP_SUM + 1) {
        v = s->u.reply.ip_sum;
    } else {
        return PAGEC_ROM_BYTE(echo_hdr + k);
    }
    return (uint8_t)(k & 1u ? v : v >> 8);
}
#endif

/* The IPv4 header's first bytes in every TCP reply (pagec/site.h); the
 * length and the checksum are written over. */
static const PAGEC_ROM uint8_t ip_start[IP_SRC] = {
    0x45, 0, 0, 0, 0, 0, 0x40, 0, PAGEC_IP_TTL, PROTO_TCP};

/* Byte k of a TCP reply: the header every reply shares (pagec/site.h)
 * with the length, the checksums, the addresses, ports and numbers, the
 * data offset, the flags and the window written, then the template's with
 * the status code written. */
static uint8_t reply_byte(const PAGEC_ROM struct pagec_site *site,
                          const struct pagec_stream *s, uint16_t k)
{
    uint16_t v;

    if (k >= PAGEC_HDR_LEN) {
        k = (uint16_t)(k - PAGEC_HDR_LEN);
        if (s->u.reply.code[0] && (uint16_t)(k - PAGEC_STATUS_AT) < 3u) {
            return s->u.reply.code[k - PAGEC_STATUS_AT];
        }
        return PAGEC_ROM_BYTE(s->u.reply.tmpl->pkt + k);
    }
    if (k >= IP_SRC && k < IP_SRC + sizeof s->f) {
        return s->f[k - IP_SRC];
    }
    if (k == IP_LEN || k == IP_LEN + 1) {
        v = s->total;
    } else if (k == IP_SUM || k == IP_SUM + 1) {
        v = s->u.reply.ip_sum;
    } else if (k == TCP_SUM_AT || k == TCP_SUM_AT + 1) {
        v = s->u.reply.sum;
    } else if (k == TCP_WIN_AT || k == TCP_WIN_AT + 1) {
        v = s->tflags & TH_RST ? 0 : site->mss;
    } else if (k == TCP_FLAGS_AT) {
        return s->tflags;
    } else if (k == TCP_OFF_AT) {
        return (uint8_t)((s->u.reply.tmpl->hlen - PAGEC_IP_HLEN) << 2);
    } else { /* the urgent pointer, 0 */
        return k < IP_SRC ? PAGEC_ROM_BYTE(ip_start + k) : 0;
    }
    return (uint8_t)(k & 1u ? v : v >> 8);
}

uint8_t pagec_stream_next(const struct pagec_server *srv,
                          struct pagec_stream *s)
{
    if (s->state == ST_REPLY) {
        return s->out < s->total ? reply_byte(srv->site, s, s->out++) : 0;
    }
#if PAGEC_ICMP_ECHO
    if (s->state == ST_ECHO && pagec_stream_pending(s)) {
        return echo_byte(s, s->out++);
    }
#endif
    return 0; /* nothing to pull: a driver's mistake, made harmless */
}

uint16_t pagec_stream_run(struct pagec_stream *s,
                          const PAGEC_ROM uint8_t **run)
{
    uint16_t k = s->out;
    uint16_t end = s->total;

    if (s->state != ST_REPLY || k < PAGEC_HDR_LEN || k >= end) {
        return 0;
    }
    if (s->u.reply.code[0]) {
        if (k < PAGEC_HDR_LEN + PAGEC_STATUS_AT) {
            end = PAGEC_HDR_LEN + PAGEC_STATUS_AT;
        } else if (k < PAGEC_HDR_LEN + PAGEC_STATUS_AT + 3) {
            return 0;
        }
    }
    *run = s->u.reply.tmpl->pkt + (k - PAGEC_HDR_LEN);
    s->out = end;
    return (uint16_t)(end - k);
}

uint8_t pagec_stream_started(const struct pagec_stream *s)
{
    return s->out > 0;
}
