/*
 * server.c - the stateless pagec server: one received IPv4 datagram in,
 * at most one reply out. See pagec/pagec.h for what is answered and why.
 *
 * Packet fields are read and written a byte at a time, big-endian; no
 * struct is laid over packet bytes.
 */
#include <stddef.h>

#include "http.h"
#include "pagec/chksum.h"
#include "pagec/pagec.h"

/* IPv4 header offsets */
#define IP_VHL 0
#define IP_LEN 2
#define IP_FRAG 6
#define IP_PROTO 9
#define IP_SUM 10
#define IP_SRC 12
#define IP_DST 16

#define PROTO_ICMP 1
#define PROTO_TCP 6

/* TCP header offsets, from the start of the TCP header */
#define TCP_SPORT 0
#define TCP_DPORT 2
#define TCP_SEQ 4
#define TCP_ACK 8
#define TCP_OFF 12
#define TCP_FLAGS 13
#define TCP_WIN 14
#define TCP_SUM 16

#define TH_FIN 0x01u
#define TH_SYN 0x02u
#define TH_RST 0x04u
#define TH_ACK 0x10u

#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO 8
#define ICMP_HLEN 8

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void copy(uint8_t *dst, const uint8_t *src, uint8_t n)
{
    while (n--) {
        *dst++ = *src++;
    }
}

/* Checksum field value for a partial sum: inverted and folded. */
static uint16_t finish(uint32_t sum)
{
    return (uint16_t)~pagec_chksum_fold(sum);
}

/*
 * Writes the reply header for template t into r: addresses and ports
 * swapped from the received datagram ip (TCP header at tcp), seq and ack
 * patched, ACK flag cleared when clear_ack, both checksums finished from
 * the template's partial sums.
 */
static uint16_t emit(const struct pagec_tmpl *t, const uint8_t *ip,
                     const uint8_t *tcp, uint32_t seq, uint32_t ack,
                     uint8_t clear_ack, struct pagec_reply *r)
{
    uint8_t *h = r->hdr;
    uint32_t addr_sum;
    uint32_t tcp_sum = t->tcp_sum;
    uint16_t i;

    for (i = 0; i < t->hlen; i++) {
        h[i] = PAGEC_ROM_BYTE(t->pkt + i);
    }
    put16(h + IP_LEN, t->len); /* a HEAD reply is shorter than its pkt */
    copy(h + IP_SRC, ip + IP_DST, 4);
    copy(h + IP_DST, ip + IP_SRC, 4);
    copy(h + PAGEC_IP_HLEN + TCP_SPORT, tcp + TCP_DPORT, 2);
    copy(h + PAGEC_IP_HLEN + TCP_DPORT, tcp + TCP_SPORT, 2);
    put32(h + PAGEC_IP_HLEN + TCP_SEQ, seq);
    put32(h + PAGEC_IP_HLEN + TCP_ACK, ack);
    if (clear_ack) {
        /* the flags word loses 0x0010: add its one's complement */
        h[PAGEC_IP_HLEN + TCP_FLAGS] &= (uint8_t)~TH_ACK;
        tcp_sum += 0xffefu;
    }
    addr_sum = pagec_chksum_add(0, h + IP_SRC, 8);
    put16(h + IP_SUM, finish(t->ip_sum + addr_sum));
    tcp_sum = pagec_chksum_add(tcp_sum + addr_sum, h + PAGEC_IP_HLEN, 12);
    put16(h + PAGEC_IP_HLEN + TCP_SUM, finish(tcp_sum));
    r->hdr_len = t->hlen;
    r->body = t->pkt + t->hlen;
    r->body_len = (uint16_t)(t->len - t->hlen);
    r->body_rom = 1;
    return t->len;
}

#if PAGEC_ICMP_ECHO
/* Answers an ICMP echo request (icmp, n bytes) received in datagram ip. */
static uint16_t icmp_input(const uint8_t *ip, const uint8_t *icmp,
                           uint16_t n, struct pagec_reply *r)
{
    uint8_t *h = r->hdr;
    uint32_t rest;

    if (n < ICMP_HLEN || icmp[0] != ICMP_ECHO || icmp[1] != 0) {
        return 0;
    }
    /* one pass over identifier, sequence number and data serves both the
     * check of the request and the checksum of the reply, whose type and
     * code word is zero */
    rest = pagec_chksum_add(0, icmp + 4, (uint16_t)(n - 4));
    if (pagec_chksum_fold(rest + ((uint32_t)ICMP_ECHO << 8) +
                          get16(icmp + 2)) != 0xffffu) {
        return 0;
    }
    h[0] = 0x45;
    h[1] = 0;
    put16(h + IP_LEN, (uint16_t)(PAGEC_IP_HLEN + n));
    put16(h + 4, 0);      /* identification: atomic datagram (RFC 6864) */
    put16(h + IP_FRAG, 0x4000); /* DF */
    h[8] = PAGEC_IP_TTL;
    h[IP_PROTO] = PROTO_ICMP;
    put16(h + IP_SUM, 0);
    copy(h + IP_SRC, ip + IP_DST, 4);
    copy(h + IP_DST, ip + IP_SRC, 4);
    put16(h + IP_SUM, finish(pagec_chksum_add(0, h, PAGEC_IP_HLEN)));

    h += PAGEC_IP_HLEN;
    copy(h, icmp, ICMP_HLEN);
    h[0] = ICMP_ECHO_REPLY;
    /* a full sum rather than RFC 1624's update: an all-zero reply needs
     * 0xffff, which eqn. 3 gives as 0x0000 */
    put16(h + 2, finish(rest));

    r->hdr_len = PAGEC_IP_HLEN + ICMP_HLEN;
    r->body = icmp + ICMP_HLEN;
    r->body_len = (uint16_t)(n - ICMP_HLEN);
    r->body_rom = 0;
    return (uint16_t)(PAGEC_IP_HLEN + n);
}
#endif

/* The page served on TCP port port, or NULL. */
static const struct pagec_tmpl *port_page(const struct pagec_site *site,
                                          uint16_t port)
{
    uint16_t lo = 0;
    uint16_t hi = site->nports;

    while (lo < hi) {
        uint16_t mid = (uint16_t)(lo + (hi - lo) / 2);

        if (site->ports[mid].port == port) {
            return &site->pages[site->ports[mid].page].identity.ok.get;
        }
        if (site->ports[mid].port < port) {
            lo = (uint16_t)(mid + 1);
        } else {
            hi = mid;
        }
    }
    return NULL;
}

/* The MSS option of a SYN (hlen bytes of TCP header at tcp), or 536, the
 * MSS a client without the option takes (RFC 9293 section 3.7.1). Every
 * option is skipped by its length; a length below 2 or past the header
 * ends the parsing, so a hostile list can neither loop nor overrun. */
static uint16_t syn_mss(const uint8_t *tcp, uint16_t hlen)
{
    uint16_t i = PAGEC_TCP_HLEN;
    uint16_t mss = 536;

    while (i < hlen) {
        uint8_t kind = tcp[i];
        uint8_t len;

        if (kind == 0) {
            break; /* end of option list */
        }
        if (kind == 1) {
            i++; /* no-operation */
            continue;
        }
        if (i + 1 >= hlen) {
            break;
        }
        len = tcp[i + 1];
        if (len < 2 || i + len > hlen) {
            break;
        }
        if (kind == 2 && len == 4) {
            mss = get16(tcp + i + 2);
        }
        i = (uint16_t)(i + len);
    }
    return mss;
}

/* The MSS classes an ISN can carry, and the TCP data each may take: 536,
 * 966 (SLIP), 1220, and the site's own MSS (or more). */
static uint8_t mss_class(const struct pagec_site *site, uint16_t mss)
{
    return mss >= site->mss ? 3 : mss >= 1220 ? 2 : mss >= 966 ? 1 : 0;
}

static uint16_t class_limit(const struct pagec_site *site, uint8_t c)
{
    static const uint16_t limits[3] = {536, 966, 1220};

    return c < 3 && limits[c] < site->mss ? limits[c] : site->mss;
}

/* The ISN of this connection for a time slot and an MSS class. */
static uint32_t isn_for(const struct pagec_server *srv, const uint8_t *ip,
                        const uint8_t *tcp, uint32_t slot, uint8_t cls)
{
    return pagec_isn(srv->secret, ip + IP_SRC, ip + IP_DST,
                     get16(tcp + TCP_SPORT), get16(tcp + TCP_DPORT), slot,
                     cls);
}

/* The ISN of this connection whose top bits (slot and MSS class) are
 * those of cand: the slot is the latest one, up to now, that has cand's
 * two slot bits. */
static uint32_t isn_like(const struct pagec_server *srv, const uint8_t *ip,
                         const uint8_t *tcp, uint32_t now, uint32_t cand)
{
    uint32_t slot = now >> PAGEC_ISN_SLOT_LOG2;

    slot -= (slot - (cand >> 30)) & 3u;
    return isn_for(srv, ip, tcp, slot, (uint8_t)((cand >> 28) & 3u));
}

static uint16_t tcp_input(const struct pagec_server *srv, uint32_t now,
                          const uint8_t *ip, const uint8_t *tcp, uint16_t n,
                          struct pagec_reply *r)
{
    const struct pagec_site *site = srv->site;
    const struct pagec_tmpl *t;
    const struct pagec_tmpl *fixed;
    uint32_t sum;
    uint32_t seq;
    uint32_t ack;
    uint32_t isn;
    uint32_t off;
    uint16_t hlen;
    uint16_t dlen;
    uint16_t port;
    uint16_t limit;
    uint16_t mss;
    uint8_t flags;
    uint8_t fin;

    if (n < PAGEC_TCP_HLEN) {
        return 0;
    }
    hlen = (uint16_t)((tcp[TCP_OFF] >> 4) * 4);
    if (hlen < PAGEC_TCP_HLEN || hlen > n) {
        return 0;
    }
    sum = pagec_chksum_add(PROTO_TCP + (uint32_t)n, ip + IP_SRC, 8);
    if (pagec_chksum_fold(pagec_chksum_add(sum, tcp, n)) != 0xffffu) {
        return 0;
    }
    flags = tcp[TCP_FLAGS];
    if (flags & TH_RST) {
        return 0;
    }
    dlen = (uint16_t)(n - hlen);
    fin = flags & TH_FIN ? 1 : 0;
    seq = get32(tcp + TCP_SEQ);
    ack = get32(tcp + TCP_ACK);

    port = get16(tcp + TCP_DPORT);
    if (port == site->http_port && port != 0) {
        fixed = NULL; /* file-name mode: the request chooses */
    } else {
        fixed = port_page(site, port); /* port mode, as phpstack */
        if (fixed == NULL) {
            goto reset;
        }
    }
    if (flags & TH_SYN) {
        if (flags & (TH_ACK | TH_FIN)) {
            /* SYN-ACK to a listener gets an RST; SYN+FIN is nonsense */
            return flags & TH_ACK ? emit(&site->rst, ip, tcp, ack, 0, 1, r)
                                  : 0;
        }
        mss = syn_mss(tcp, hlen);
        if (mss < 536) {
            /* the smallest reply the site has could be too big for it:
             * refuse the connection rather than overrun its MSS */
            goto reset;
        }
        /* any data on the SYN is left unacknowledged: the client sends it
         * again after the handshake */
        isn = isn_for(srv, ip, tcp, now >> PAGEC_ISN_SLOT_LOG2,
                      mss_class(site, mss));
        return emit(&site->syn_ack, ip, tcp, isn, seq + 1, 0, r);
    }
    if (!(flags & TH_ACK)) {
        return 0;
    }
    /* our ISN, from the top bits the client's ACK carries back; a FIN
     * acknowledges up to max_data + 1 bytes more, which may have carried
     * into the top bits: then the ISN is the one of ack - 1 - that */
    isn = isn_like(srv, ip, tcp, now, ack - 1u);
    off = ack - (isn + 1);
    if (off > (uint32_t)site->max_data + 1) {
        isn = isn_like(srv, ip, tcp, now, ack - 2u - site->max_data);
        off = ack - (isn + 1);
        if (off > (uint32_t)site->max_data + 1) {
            /* acknowledges nothing we could have sent */
            return emit(&site->rst, ip, tcp, ack, 0, 1, r);
        }
    }
    if (off == 0 && dlen > 0) {
        /* what the client can take: its MSS class, and its window */
        limit = class_limit(site, (uint8_t)((isn >> 28) & 3u));
        if (get16(tcp + TCP_WIN) < limit) {
            limit = get16(tcp + TCP_WIN);
        }
        t = fixed ? pagec_http_fit(site, fixed, limit, 0)
                  : pagec_http_request(site, tcp + hlen, dlen, limit);
        if (t == NULL) {
            return 0;
        }
        return emit(t, ip, tcp, isn + 1, seq + dlen + fin, 0, r);
    }
    if (dlen == 0 && !fin) {
        return 0; /* a pure ACK needs no answer */
    }
    /* the client's FIN, or data after our FIN: acknowledge it */
    return emit(&site->ack, ip, tcp, ack, seq + dlen + fin, 0, r);

reset:
    if (flags & TH_ACK) {
        return emit(&site->rst, ip, tcp, ack, 0, 1, r);
    }
    return emit(&site->rst, ip, tcp, 0,
                seq + dlen + fin + (flags & TH_SYN ? 1u : 0u), 0, r);
}

static int same_address(const uint8_t *a, const uint8_t *b)
{
    return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

/* "This network", loopback, multicast, reserved and limited broadcast:
 * never a peer we answer, nor an address we answer from. */
static int bad_address(const uint8_t *a)
{
    return a[0] == 0 || a[0] == 127 || a[0] >= 224;
}

uint16_t pagec_server_input(const struct pagec_server *srv, uint32_t now,
                            const uint8_t *pkt, uint16_t len,
                            struct pagec_reply *reply)
{
    uint16_t hlen;
    uint16_t total;
    const uint8_t *a = srv->addr;

    if (len < PAGEC_IP_HLEN || (pkt[IP_VHL] >> 4) != 4) {
        return 0;
    }
    hlen = (uint16_t)((pkt[IP_VHL] & 0x0fu) * 4);
    total = get16(pkt + IP_LEN);
    if (hlen < PAGEC_IP_HLEN || total < hlen || total > len) {
        return 0;
    }
    if (get16(pkt + IP_FRAG) & 0x3fffu) {
        return 0; /* MF set or a fragment offset: fragments are dropped */
    }
    if (pagec_chksum_fold(pagec_chksum_add(0, pkt, hlen)) != 0xffffu) {
        return 0;
    }
    if (bad_address(pkt + IP_SRC) || bad_address(pkt + IP_DST) ||
        same_address(pkt + IP_SRC, pkt + IP_DST)) {
        return 0; /* and a datagram from our own address is spoofed */
    }
    if ((a[0] | a[1] | a[2] | a[3]) && !same_address(a, pkt + IP_DST)) {
        return 0;
    }
    switch (pkt[IP_PROTO]) {
    case PROTO_TCP:
        return tcp_input(srv, now, pkt, pkt + hlen,
                         (uint16_t)(total - hlen), reply);
#if PAGEC_ICMP_ECHO
    case PROTO_ICMP:
        return icmp_input(pkt, pkt + hlen, (uint16_t)(total - hlen), reply);
#endif
    default:
        return 0;
    }
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
        buf[i] = reply->body_rom ? PAGEC_ROM_BYTE(reply->body + i)
                                 : reply->body[i];
    }
    return n;
}
