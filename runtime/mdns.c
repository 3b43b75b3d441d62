/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mdns.c - the Multicast DNS responder of pagec/mdns.h: a query read as
 * RFC 1035 section 4.1 lays it out (a 12-byte header, then the
 * questions, each a name, a type and a class), and an answer of one A
 * record built from it.
 */
#include "pagec/mdns.h"

#include "pagec/chksum.h"
#include "wire.h"

#define ETH_HLEN 14
#define IP_PROTO 9
#define UDP_SPORT 0 /* from the UDP header */
#define UDP_DPORT 2
#define UDP_ULEN 4
#define UDP_SUM 6

#define DNS_HLEN 12
#define DNS_ID 0
#define DNS_FLAGS 2
#define DNS_QDCOUNT 4

#define TYPE_A 1
#define TYPE_ANY 255
#define CLASS_IN 1
#define CLASS_ANY 255
#define QU_OR_FLUSH 0x8000u /* the top bit of a class: unicast reply
                               asked (question), cache flush (answer) */

#define MAX_HOPS 8 /* compression pointers followed in one name */

/* The EtherType, the IPv4 header's first 10 bytes (version, length to
 * fill, no ID, DF, TTL 255, UDP), its checksum, addresses to fill, then
 * UDP's source port, 5353. */
static const uint8_t ip_tmpl[] = {0x08, 0x00, 0x45, 0, 0, 0, 0, 0, 0x40, 0,
                                  255,  17,   0,    0, 0, 0, 0, 0, 0,    0,
                                  0,    0,    0x14, 0xe9};
/* A response, authoritative, no question, one answer. */
static const uint8_t dns_tmpl[DNS_HLEN] = {0, 0, 0x84, 0, 0, 0,
                                           0, 1, 0,    0, 0, 0};
/* The A record after its name: type A, class IN with the cache-flush bit
 * (the record is ours alone), TTL 120 s, 4 bytes of address. */
static const uint8_t rr_tmpl[] = {0, TYPE_A, 0x80, CLASS_IN, 0, 0, 0, 120, 0, 4};

static const uint8_t group_mac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
static const uint8_t group_ip[4] = {224, 0, 0, 251};
static const char local[] = "local";

static uint8_t lower(uint8_t c)
{
    return (uint8_t)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

static uint8_t name_len(const PAGEC_ROM char *name)
{
    uint8_t n = 0;

    while (n < 64 && PAGEC_ROM_BYTE(name + n) != 0) {
        n++;
    }
    return n;
}

/* Whether the label of n bytes at p is the n bytes of s (in ROM when
 * rom), ASCII case aside. */
static int label_is(const uint8_t *p, const PAGEC_ROM char *s, uint8_t n)
{
    uint8_t i;

    for (i = 0; i < n; i++) {
        if (lower(p[i]) != lower((uint8_t)PAGEC_ROM_BYTE(s + i))) {
            return 0;
        }
    }
    return 1;
}

/*
 * Reads the name at offset *at of the DNS message msg (n bytes): whether
 * it is name.local (nlen bytes of name), and past it in *at; -1 when it
 * is malformed (runs past the message, a label type other than 0 and
 * 0xc0, a pointer that does not point back, too many pointers).
 */
static int read_name(const uint8_t *msg, uint16_t n, uint16_t *at,
                     const PAGEC_ROM char *name, uint8_t nlen)
{
    uint16_t i = *at;
    uint16_t end = 0; /* past the name where it first jumped; 0: none */
    uint8_t hops = 0;
    uint8_t label = 0; /* labels read */
    int match = 1;

    for (;;) {
        uint8_t c;

        if (i >= n) {
            return -1;
        }
        c = msg[i];
        if (c == 0) {
            i++;
            break;
        }
        if ((c & 0xc0u) == 0xc0u) {
            uint16_t to;

            if (i + 1u >= n || ++hops > MAX_HOPS) {
                return -1;
            }
            to = (uint16_t)((c & 0x3fu) << 8 | msg[i + 1]);
            if (to >= i) {
                return -1; /* only backwards: no loop */
            }
            if (!end) {
                end = (uint16_t)(i + 2);
            }
            i = to;
            continue;
        }
        if (c & 0xc0u) {
            return -1; /* label types 01 and 10: none defined here */
        }
        if ((uint16_t)(i + 1u + c) > n) {
            return -1;
        }
        if (label == 0) {
            match = match && c == nlen && label_is(msg + i + 1, name, c);
        } else if (label == 1) {
            match = match && c == 5 &&
                    label_is(msg + i + 1, (const PAGEC_ROM char *)local, 5);
        } else {
            match = 0;
        }
        if (label < 2) {
            label++;
        } else {
            label = 3;
        }
        i = (uint16_t)(i + 1u + c);
    }
    *at = end ? end : i;
    return match && label == 2;
}

/* Writes name.local as labels at p; returns the bytes written. */
static uint8_t put_name(uint8_t *p, const PAGEC_ROM char *name, uint8_t nlen)
{
    uint8_t i;

    p[0] = nlen;
    for (i = 0; i < nlen; i++) {
        p[1 + i] = (uint8_t)PAGEC_ROM_BYTE(name + i);
    }
    p += 1 + nlen;
    p[0] = 5;
    for (i = 0; i < 5; i++) {
        p[1 + i] = (uint8_t)local[i];
    }
    p[6] = 0;
    return (uint8_t)(nlen + 8);
}

uint16_t pagec_mdns_input(const struct pagec_server *srv, const uint8_t mac[6],
                          const PAGEC_ROM char *name, const uint8_t *frame,
                          uint16_t len, uint8_t *out, uint16_t size)
{
    const uint8_t *a = srv->addr;
    const uint8_t *ip;
    const uint8_t *udp;
    const uint8_t *msg;
    uint16_t total, ihl, n, q, at, sport, rlen;
    uint8_t nlen;
    int to_group, asked = 0, legacy;
    const uint8_t *qtc = 0;
    uint8_t *o;
    uint32_t sum;

    /* The cheap tests first: a driver offers every frame here, and most
     * are no mDNS query. */
    if ((a[0] | a[1] | a[2] | a[3]) == 0 ||
        len < ETH_HLEN + PAGEC_IP_HLEN + UDP_HLEN + DNS_HLEN ||
        get16(frame + 12) != 0x0800 || (frame[6] & 1u)) {
        return 0;
    }
    ip = frame + ETH_HLEN;
    len = (uint16_t)(len - ETH_HLEN);
    ihl = (uint16_t)((ip[0] & 0x0fu) * 4u);
    total = get16(ip + IP_LEN);
    if ((ip[0] >> 4) != 4 || ihl < PAGEC_IP_HLEN || total > len ||
        total < ihl + UDP_HLEN + DNS_HLEN || ((ip[6] & 0x3fu) | ip[7]) ||
        ip[IP_PROTO] != 17) {
        return 0;
    }
    /* to the group, at its MAC; or to us, at ours */
    to_group = same_bytes(frame, group_mac, 6) && same_bytes(ip + IP_DST, group_ip, 4);
    if (!to_group && !(same_bytes(frame, mac, 6) && same_bytes(ip + IP_DST, a, 4))) {
        return 0;
    }
    udp = ip + ihl;
    n = (uint16_t)(total - ihl);
    if (get16(udp + UDP_DPORT) != PAGEC_MDNS_PORT ||
        get16(udp + UDP_ULEN) != n) {
        return 0;
    }
    /* a query to port 5353: the name, and the checksums */
    nlen = name_len(name);
    if (nlen == 0 || nlen > 63 ||
        pagec_chksum_check(0, ip, ihl) != 0xffffu) {
        return 0;
    }
    sum = (uint32_t)get16(ip + IP_SRC) + get16(ip + IP_SRC + 2) +
          get16(ip + IP_DST) + get16(ip + IP_DST + 2) + 17u + n;
    if (get16(udp + UDP_SUM) != 0 &&
        pagec_chksum_check(sum, udp, n) != 0xffffu) {
        return 0;
    }
    sport = get16(udp + UDP_SPORT);
    legacy = sport != PAGEC_MDNS_PORT;
    /* a legacy answer goes back to the asker, who must be a station */
    if (legacy && (bad_address(ip[IP_SRC]) || sport == 0)) {
        return 0;
    }
    msg = udp + UDP_HLEN;
    n = (uint16_t)(n - UDP_HLEN);
    /* a standard query (QR 0, opcode 0) with response code 0 */
    if ((msg[DNS_FLAGS] & 0xf8u) || (msg[DNS_FLAGS + 1] & 0x0fu)) {
        return 0;
    }
    at = DNS_HLEN;
    for (q = get16(msg + DNS_QDCOUNT); q > 0; q--) {
        int m = read_name(msg, n, &at, name, nlen);
        uint16_t type, cls;

        if (m < 0 || at + 4u > n) {
            return 0;
        }
        type = get16(msg + at);
        cls = (uint16_t)(get16(msg + at + 2) & ~QU_OR_FLUSH);
        at = (uint16_t)(at + 4);
        if (m && !asked && (type == TYPE_A || type == TYPE_ANY) &&
            (cls == CLASS_IN || cls == CLASS_ANY)) {
            asked = 1;
            qtc = msg + at - 4; /* its type and class, for a legacy asker */
        }
    }
    rlen = (uint16_t)(ETH_HLEN + PAGEC_IP_HLEN + UDP_HLEN + DNS_HLEN + nlen +
                      22u + (legacy ? 6u : 0u));
    if (!asked || rlen > size) {
        return 0;
    }

    /* the frame, first to last, from the templates: Ethernet to the
     * group's MAC or back to the asker; IPv4 (TTL 255, RFC 6762 section
     * 11); UDP; the DNS header; for a legacy asker the question again;
     * the answer's name (a pointer to the question's for a legacy
     * asker), its fixed fields and our address */
    copy_bytes(out, legacy ? frame + 6 : group_mac, 6);
    copy_bytes(out + 6, mac, 6);
    o = out + 12;
    copy_bytes(o, ip_tmpl, sizeof ip_tmpl);
    put16(o + 4, (uint16_t)(rlen - ETH_HLEN));
    copy_bytes(o + 2 + IP_SRC, a, 4);
    copy_bytes(o + 2 + IP_DST, legacy ? ip + IP_SRC : group_ip, 4);
    o += 2 + PAGEC_IP_HLEN;
    put16(o + UDP_DPORT, legacy ? sport : PAGEC_MDNS_PORT);
    put16(o + UDP_ULEN, (uint16_t)(rlen - ETH_HLEN - PAGEC_IP_HLEN));
    o[UDP_SUM] = o[UDP_SUM + 1] = 0;
    o += UDP_HLEN;
    copy_bytes(o, dns_tmpl, sizeof dns_tmpl);
    if (legacy) {
        o[0] = msg[DNS_ID];
        o[1] = msg[DNS_ID + 1];
        o[5] = 1; /* the question */
    }
    o += DNS_HLEN;
    o += put_name(o, name, nlen);
    if (legacy) {
        /* the question asked (RFC 6762 section 6.7), then the answer's
         * name: a pointer to the question's, at offset 12 */
        copy_bytes(o, qtc, 4);
        o[4] = 0xc0;
        o[5] = DNS_HLEN;
        o += 6;
    }
    copy_bytes(o, rr_tmpl, sizeof rr_tmpl);
    if (legacy) {
        o[2] = 0;  /* no cache flush */
        o[7] = 10; /* TTL, s */
    }
    copy_bytes(o + sizeof rr_tmpl, a, 4);

    /* the checksums: IPv4's, and UDP's over the pseudo-header */
    o = out + ETH_HLEN;
    put16(o + IP_SUM, finish(pagec_chksum_add(0, o, PAGEC_IP_HLEN)));
    n = (uint16_t)(rlen - ETH_HLEN - PAGEC_IP_HLEN);
    sum = pagec_chksum_add(17u + n, o + IP_SRC, 8);
    sum = finish(pagec_chksum_add(sum, o + PAGEC_IP_HLEN, n));
    put16(o + PAGEC_IP_HLEN + UDP_SUM, sum ? (uint16_t)sum : 0xffffu);
    return rlen;
}
