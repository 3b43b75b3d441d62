/*
 * server.c - the stateless pagec server. A received datagram goes
 * through a byte-at-a-time reader (the streaming API of pagec/stream.h);
 * the buffered API of pagec/pagec.h feeds it a whole datagram. See
 * pagec/pagec.h for what is answered and why.
 *
 * Packet fields are read and written a byte at a time, big-endian; no
 * struct is laid over packet bytes.
 */
#include <stddef.h>

#include "http.h"
#include "pagec/chksum.h"
#include "pagec/stream.h"

/* IPv4 header offsets */
#define IP_LEN 2
#define IP_SRC 12
#define IP_DST 16

#define PROTO_ICMP 1
#define PROTO_TCP 6

/* TCP header offsets, from the start of the TCP header */
#define TCP_FLAGS 13

#define TH_FIN 0x01u
#define TH_SYN 0x02u
#define TH_RST 0x04u
#define TH_ACK 0x10u

#define ICMP_ECHO 8
#define ICMP_HLEN 8
#define ECHO_HDR 24 /* reply bytes known before the echo data: IPv4 and
                       type, code, checksum */

/* s->state */
enum { ST_DROP, ST_RECV, ST_HTTP, ST_ECHO, ST_REPLY };

/* s->f: the reply's bytes 12-31, filled from the request as it comes */
#define F_OURS 0  /* our address: the request's destination */
#define F_PEER 4  /* the peer's: the request's source */
#define F_SPORT 8 /* our port: the request's destination port */
#define F_DPORT 10 /* the peer's port */
#define F_SEQ 12  /* our sequence number; the request's ACK at first */
#define F_ACK 16  /* our acknowledgement; the request's sequence number */

/* s->opt[0]: the TCP option parser (for a SYN's MSS) */
enum { O_KIND, O_DONE, O_LEN_MSS, O_LEN, O_MSS, O_SKIP };

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Checksum field value for a partial sum: inverted and folded. */
static uint16_t finish(uint32_t sum)
{
    return (uint16_t)~pagec_chksum_fold(sum);
}

/* "This network", loopback, multicast, reserved and limited broadcast:
 * never a peer we answer, nor an address we answer from. */
static int bad_address(uint8_t first)
{
    return first == 0 || first == 127 || first >= 224;
}

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
    uint16_t len;
    uint16_t sum;

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
    len = (uint16_t)(s->total - s->ihl + PAGEC_IP_HLEN);
    s->u.reply.ip_sum = finish(0x4500u + len + 0x4000u +
                               (PAGEC_IP_TTL << 8 | PROTO_ICMP) +
                               pagec_chksum_add(0, s->f, 8));
    /* RFC 1624 eqn. 3: the type word goes from 0x0800 to 0; a sum of
     * +0 is sent as -0 (0xffff), which every receiver takes */
    sum = (uint16_t)(s->latch << 8 | c);
    sum = finish((uint16_t)~sum + 0xf7ffu);
    s->u.reply.sum = sum ? sum : 0xffffu;
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
    case TCP_FLAGS:
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

/* The MSS classes an ISN can carry, and the TCP data each may take: 536,
 * 966 (SLIP), 1220, and the site's own MSS (or more). */
static uint8_t mss_class(const PAGEC_ROM struct pagec_site *site,
                         uint16_t mss)
{
    return mss >= site->mss ? 3 : mss >= 1220 ? 2 : mss >= 966 ? 1 : 0;
}

static uint16_t class_limit(const PAGEC_ROM struct pagec_site *site,
                            uint8_t c)
{
    uint16_t limit = c == 0 ? 536 : c == 1 ? 966 : 1220;

    return c < 3 && limit < site->mss ? limit : site->mss;
}

/* The ISN of this connection for a time slot and an MSS class. */
static uint32_t isn_for(const struct pagec_server *srv,
                        const struct pagec_stream *s, uint32_t slot,
                        uint8_t cls)
{
    return pagec_isn(srv->secret, s->f + F_PEER, s->f + F_OURS,
                     get16(s->f + F_DPORT), get16(s->f + F_SPORT), slot,
                     cls);
}

/* The ISN of this connection whose top bits (slot and MSS class) are
 * those of cand: the slot is the latest one, up to now, that has cand's
 * two slot bits. */
static uint32_t isn_like(const struct pagec_server *srv,
                         const struct pagec_stream *s, uint32_t now,
                         uint32_t cand)
{
    uint32_t slot = now >> PAGEC_ISN_SLOT_LOG2;

    slot -= (slot - (cand >> 30)) & 3u;
    return isn_for(srv, s, slot, (uint8_t)((cand >> 28) & 3u));
}

/* Starts sending template t: seq and ack patched, ACK flag cleared when
 * clear_ack, both checksums finished from the template's partial sums.
 * s->sum holds the sum of the two addresses (pagec_stream_end()). */
static uint16_t reply(struct pagec_stream *s,
                      const PAGEC_ROM struct pagec_tmpl *t, uint32_t seq,
                      uint32_t ack, uint8_t clear_ack)
{
    uint32_t addr_sum = s->sum;
    uint32_t tcp_sum = t->tcp_sum + addr_sum;

    put32(s->f + F_SEQ, seq);
    put32(s->f + F_ACK, ack);
    s->tflags = PAGEC_ROM_BYTE(t->pkt + PAGEC_IP_HLEN + TCP_FLAGS);
    if (clear_ack) {
        /* the flags word loses 0x0010: add its one's complement */
        s->tflags &= (uint8_t)~TH_ACK;
        tcp_sum += 0xffefu;
    }
    s->u.reply.tmpl = t;
    s->u.reply.ip_sum = finish(t->ip_sum + addr_sum);
    s->u.reply.sum = finish(pagec_chksum_add(tcp_sum, s->f + F_SPORT, 12));
    s->total = t->len; /* a HEAD reply is shorter than its pkt */
    s->state = ST_REPLY;
    s->u.reply.code[0] = 0;
    return t->len;
}

/* The reply started goes out with status code status (when not 0) written
 * over the template's three digits at PAGEC_STATUS_AT; they sit at odd,
 * even and odd offsets, so the low, high and low byte of their words. The
 * TCP checksum follows by RFC 1624 eqn. 3. */
static void set_status(struct pagec_stream *s, uint16_t status)
{
    const PAGEC_ROM uint8_t *d = s->u.reply.tmpl->pkt + PAGEC_STATUS_AT;
    uint8_t *c = s->u.reply.code;
    uint16_t was;

    if (status == 0) {
        return;
    }
    c[0] = (uint8_t)('0' + status / 100);
    c[1] = (uint8_t)('0' + status / 10 % 10);
    c[2] = (uint8_t)('0' + status % 10);
    was = (uint16_t)(PAGEC_ROM_BYTE(d) + (PAGEC_ROM_BYTE(d + 1) << 8) +
                     PAGEC_ROM_BYTE(d + 2));
    s->u.reply.sum = finish((uint32_t)(uint16_t)~s->u.reply.sum +
                            (uint16_t)~was + c[0] + (c[1] << 8) + c[2]);
}

/* The reply to a complete TCP segment of n bytes, checksum checked. */
static uint16_t tcp_end(const struct pagec_server *srv,
                        struct pagec_stream *s, uint32_t now, uint16_t n)
{
    const PAGEC_ROM struct pagec_site *site = srv->site;
    const PAGEC_ROM struct pagec_tmpl *t;
    const PAGEC_ROM struct pagec_tmpl *fixed;
    uint8_t flags = s->tflags;
    uint32_t seq = get32(s->f + F_ACK); /* the request's, as received */
    uint32_t ack = get32(s->f + F_SEQ);
    uint16_t dlen = (uint16_t)(n - s->thl);
    uint8_t fin = flags & TH_FIN ? 1 : 0;
    uint16_t port = get16(s->f + F_SPORT);
    uint16_t limit;
    uint16_t status = 0;
    uint32_t isn;
    uint32_t off;

    if (flags & TH_RST) {
        return 0;
    }
    fixed = NULL; /* file-name mode: the request chooses */
    if (port != site->http_port || port == 0) {
        fixed = port_page(site, port); /* port mode, as phpstack */
        if (fixed == NULL) {
            goto reset;
        }
    }
    if (flags & TH_SYN) {
        if (flags & (TH_ACK | TH_FIN)) {
            /* SYN-ACK to a listener gets an RST; SYN+FIN is nonsense */
            return flags & TH_ACK ? reply(s, &site->rst, ack, 0, 1) : 0;
        }
        if (s->win < 536) {
            /* the smallest reply the site has could be too big for it:
             * refuse the connection rather than overrun its MSS */
            goto reset;
        }
        /* any data on the SYN is left unacknowledged: the client sends it
         * again after the handshake */
        isn = isn_for(srv, s, now >> PAGEC_ISN_SLOT_LOG2,
                      mss_class(site, s->win));
        return reply(s, &site->syn_ack, isn, seq + 1, 0);
    }
    if (!(flags & TH_ACK)) {
        return 0;
    }
    /* our ISN, from the top bits the client's ACK carries back; a FIN
     * acknowledges up to max_data + 1 bytes more, which may have carried
     * into the top bits: then the ISN is the one of ack - 1 - that */
    isn = isn_like(srv, s, now, ack - 1u);
    off = ack - (isn + 1);
    if (off > (uint32_t)site->max_data + 1) {
        isn = isn_like(srv, s, now, ack - 2u - site->max_data);
        off = ack - (isn + 1);
        if (off > (uint32_t)site->max_data + 1) {
            /* acknowledges nothing we could have sent */
            return reply(s, &site->rst, ack, 0, 1);
        }
    }
    if (off == 0 && dlen > 0) {
        /* what the client can take: its MSS class, and its window */
        limit = class_limit(site, (uint8_t)((isn >> 28) & 3u));
        if (s->win < limit) {
            limit = s->win;
        }
        t = fixed ? pagec_http_fit(site, fixed, limit, &status)
                  : pagec_http_end(site, &s->u.http, limit, &status);
        if (t == NULL) {
            return 0;
        }
        limit = reply(s, t, isn + 1, seq + dlen + fin, 0);
        set_status(s, status);
        return limit;
    }
    if (dlen == 0 && !fin) {
        return 0; /* a pure ACK needs no answer */
    }
    /* the client's FIN, or data after our FIN: acknowledge it */
    return reply(s, &site->ack, ack, seq + dlen + fin, 0);

reset:
    if (flags & TH_ACK) {
        return reply(s, &site->rst, ack, 0, 1);
    }
    return reply(s, &site->rst, 0,
                 seq + dlen + fin + (flags & TH_SYN ? 1u : 0u), 0);
}

uint16_t pagec_stream_end(const struct pagec_server *srv,
                          struct pagec_stream *s, uint32_t now)
{
    uint8_t st = s->state;
    uint16_t n = (uint16_t)(s->total - s->ihl);
    uint32_t addr_sum;

    if (st == ST_REPLY) {
        return s->total; /* ended already */
    }
    s->state = ST_DROP;
    if (st == ST_DROP || s->pos < s->ihl ||
        s->pos < s->total) {
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
    s->sum = addr_sum;
    return tcp_end(srv, s, now, n);
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

/* The echo reply's header bytes that are the same in every reply: IPv4
 * without options, DF, identification 0 (atomic, RFC 6864), type and code
 * 0; the other bytes are patched. */
static const PAGEC_ROM uint8_t echo_hdr[ECHO_HDR] = {
    0x45, 0, 0, 0, 0, 0, 0x40, 0, PAGEC_IP_TTL, PROTO_ICMP};

/* Byte k of the reply: the template's (or the echo header's) bytes with
 * the length, the checksums, the addresses, ports and numbers, and the
 * flags patched; past the header of an echo reply, the byte received. */
static uint8_t reply_byte(const struct pagec_stream *s, uint16_t k)
{
    uint8_t echo = s->state == ST_ECHO;
    uint16_t sum_at = PAGEC_IP_HLEN + 16;
    uint16_t v;

    /* past the checksum: the template as it is, or the echo data */
    if (!echo && k > PAGEC_IP_HLEN + 17) {
        if ((uint16_t)(k - PAGEC_STATUS_AT) < 3u && s->u.reply.code[0]) {
            return s->u.reply.code[k - PAGEC_STATUS_AT];
        }
        return PAGEC_ROM_BYTE(s->u.reply.tmpl->pkt + k);
    }
    if (echo) {
        if (k >= ECHO_HDR) {
            return s->latch;
        }
        sum_at = PAGEC_IP_HLEN + 2;
    }
    if (k >= IP_SRC && k < (echo ? IP_DST + 4 : IP_SRC + sizeof s->f)) {
        return s->f[k - IP_SRC];
    }
    if (k == IP_LEN || k == IP_LEN + 1) {
        v = echo ? (uint16_t)(s->total - s->ihl + PAGEC_IP_HLEN) : s->total;
    } else if (k == 10 || k == 11) {
        v = s->u.reply.ip_sum;
    } else if (k == sum_at || k == sum_at + 1) {
        v = s->u.reply.sum;
    } else if (echo) {
        return PAGEC_ROM_BYTE(echo_hdr + k);
    } else if (k == PAGEC_IP_HLEN + TCP_FLAGS) {
        return s->tflags;
    } else {
        return PAGEC_ROM_BYTE(s->u.reply.tmpl->pkt + k);
    }
    return (uint8_t)(k & 1u ? v : v >> 8);
}

uint8_t pagec_stream_next(const struct pagec_server *srv,
                          struct pagec_stream *s)
{
    (void)srv;
    if (s->state == ST_REPLY ? s->out >= s->total : s->state != ST_ECHO) {
        return 0; /* nothing to pull: a driver's mistake, made harmless */
    }
    return reply_byte(s, s->out++);
}

uint8_t pagec_stream_started(const struct pagec_stream *s)
{
    return s->out > 0;
}

/* 1 when the headers are read and only data follows: the TCP data after
 * its header, the ICMP echo data after the first 4 bytes (which an echo
 * reply does not read). It starts at an even offset. */
static int at_data(const struct pagec_stream *s)
{
    return s->state == ST_ECHO ||
           (s->state != ST_DROP && s->proto == PROTO_TCP && s->thl != 0 &&
            s->pos == s->ihl + s->thl);
}

uint16_t pagec_server_input(const struct pagec_server *srv, uint32_t now,
                            const uint8_t *pkt, uint16_t len,
                            struct pagec_reply *reply)
{
    struct pagec_stream s;
    uint16_t n;
    uint16_t k;
    uint16_t hl;

    pagec_stream_begin(&s);
    /* the IPv4 header and the start of the TCP header or ICMP message
     * cannot be data; then byte by byte up to the data */
    n = len < PAGEC_IP_HLEN + 4 ? len : PAGEC_IP_HLEN + 4;
    for (k = 0; k < n; k++) {
        pagec_stream_byte(srv, &s, pkt[k]);
    }
    for (; k < len && !at_data(&s); k++) {
        pagec_stream_byte(srv, &s, pkt[k]);
    }
    if (k < len && k < s.total) {
        /* the data in one go: the same sum, the same reading */
        n = (uint16_t)((len < s.total ? len : s.total) - k);
        s.sum = pagec_chksum_add(s.sum, pkt + k, n);
        s.pos = (uint16_t)(k + n);
        while (s.state == ST_HTTP && n--) {
            pagec_http_byte(srv->site, &s.u.http, pkt[k++]);
        }
    }
    n = pagec_stream_end(srv, &s, now);
    if (n == 0) {
        return 0;
    }
    if (s.state == ST_ECHO) {
        /* the header, with identifier and sequence number from the
         * request; the data stays where it is */
        for (k = 0; k < ECHO_HDR; k++) {
            reply->hdr[k] = reply_byte(&s, k);
        }
        for (; k < PAGEC_IP_HLEN + ICMP_HLEN; k++) {
            reply->hdr[k] = pkt[s.ihl + k - PAGEC_IP_HLEN];
        }
        reply->body = pkt + s.ihl + ICMP_HLEN;
        reply->body_rom = 0;
    } else {
        hl = s.u.reply.code[0] ? PAGEC_STATUS_AT + 3 : s.u.reply.tmpl->hlen;
        for (k = 0; k < hl; k++) {
            reply->hdr[k] = reply_byte(&s, k);
        }
        /* a pointer into the site, cast from ROM: read it back through
         * PAGEC_ROM_BYTE (see struct pagec_reply) */
        reply->body = (const uint8_t *)(s.u.reply.tmpl->pkt + k);
        reply->body_rom = 1;
    }
    reply->hdr_len = k;
    reply->body_len = (uint16_t)(n - k);
    return n;
}

uint16_t pagec_reply_copy(const struct pagec_reply *reply, uint8_t *buf,
                          uint16_t size)
{
    uint16_t n = (uint16_t)(reply->hdr_len + reply->body_len);
    uint16_t i;

    if (size < n) {
        return 0;
    }
    for (i = 0; i < reply->hdr_len; i++) {
        buf[i] = reply->hdr[i];
    }
    buf += reply->hdr_len;
    for (i = 0; i < reply->body_len; i++) {
        buf[i] = reply->body_rom
                     ? PAGEC_ROM_BYTE((const PAGEC_ROM uint8_t *)reply->body + i)
                     : reply->body[i];
    }
    return n;
}
