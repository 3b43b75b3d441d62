/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_mdns.c - the Multicast DNS responder (pagec/mdns.h): queries
 * written out byte by byte as RFC 1035 section 4.1 lays them down, in
 * frames to the group 224.0.0.251 (MAC 01:00:5e:00:00:fb, RFC 1112 6.4)
 * or to the device, and the answers RFC 6762 asks for (sections 6, 6.7,
 * 10.2, 11), checked field by field with checksums of the test's own.
 */
#include <check.h>
#include <string.h>

#include "pagec/mdns.h"

#include "helper.h"

static const uint8_t our_mac[6] = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};
static const uint8_t our_ip[4] = {169, 254, 7, 9};
static const uint8_t peer_mac[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};
static const uint8_t peer_ip[4] = {169, 254, 1, 1};
static const uint8_t group_mac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
static const uint8_t group_ip[4] = {224, 0, 0, 251};

static struct pagec_server srv;

static void setup(void)
{
    memset(&srv, 0, sizeof srv);
    memcpy(srv.addr, our_ip, 4);
}

/* A DNS query: ID 0x1234, flags 0, one question for the name given as
 * wire-format labels, of type and class; returns its length. */
static size_t query(uint8_t *m, const char *labels, size_t lablen,
                    uint16_t type, uint16_t cls)
{
    memset(m, 0, 12);
    m[0] = 0x12;
    m[1] = 0x34;
    m[5] = 1; /* QDCOUNT */
    memcpy(m + 12, labels, lablen);
    wr16(m + 12 + lablen, type);
    wr16(m + 14 + lablen, cls);
    return 16 + lablen;
}

/* The frame of a UDP datagram of the DNS message m (n bytes): from the
 * peer's port sport to dst and dmac, port 5353. */
static size_t frame(uint8_t *f, const uint8_t *dmac, const uint8_t *dst,
                    uint16_t sport, const uint8_t *m, size_t n)
{
    memcpy(f, dmac, 6);
    memcpy(f + 6, peer_mac, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    return 14 + build_udp(f + 14, peer_ip, dst, sport, 5353, m, n);
}

#define PAGEC_LOCAL "\x05pagec\x05local"

/* A query from port 5353 to the group: the answer goes to the group, from
 * our MAC and address, TTL 255, UDP 5353 to 5353, ID 0, a response with
 * AA, no question, one A record for pagec.local with the cache-flush bit,
 * TTL 120, our address. */
START_TEST(test_multicast)
{
    uint8_t m[64], f[128], out[PAGEC_MDNS_OUT_MAX];
    static const uint8_t want_dns[] = {
        0x00, 0x00, 0x84, 0x00,             /* ID 0, response, AA */
        0x00, 0x00, 0x00, 0x01,             /* no question, one answer */
        0x00, 0x00, 0x00, 0x00,             /* no authority, additional */
        5, 'p', 'a', 'g', 'e', 'c', 5, 'l', 'o', 'c', 'a', 'l', 0,
        0x00, 0x01, 0x80, 0x01,             /* A, cache flush + IN */
        0x00, 0x00, 0x00, 120,              /* TTL */
        0x00, 0x04, 169, 254, 7, 9,         /* our address */
    };
    size_t n = query(m, PAGEC_LOCAL "", 13, 1, 1);
    size_t fl = frame(f, group_mac, group_ip, 5353, m, n);
    uint16_t r = pagec_mdns_input(&srv, our_mac, "pagec", f, (uint16_t)fl,
                                  out, sizeof out);
    const uint8_t *ip = out + 14;

    ck_assert_uint_eq(r, 14 + 20 + 8 + sizeof want_dns);
    ck_assert_mem_eq(out, group_mac, 6);
    ck_assert_mem_eq(out + 6, our_mac, 6);
    ck_assert_uint_eq(rd16(out + 12), 0x0800);
    ck_assert_uint_eq(ip[0], 0x45);
    ck_assert_uint_eq(rd16(ip + 2), r - 14);
    ck_assert_uint_eq(ip[8], 255); /* TTL */
    ck_assert_uint_eq(ip[9], 17);
    ck_assert_mem_eq(ip + 12, our_ip, 4);
    ck_assert_mem_eq(ip + 16, group_ip, 4);
    ck_assert(ref_ip_ok(ip));
    ck_assert(ref_l4_ok(ip));
    ck_assert_uint_ne(rd16(ip + 26), 0); /* a UDP checksum is sent */
    ck_assert_uint_eq(rd16(ip + 20), 5353);
    ck_assert_uint_eq(rd16(ip + 22), 5353);
    ck_assert_uint_eq(rd16(ip + 24), 8 + sizeof want_dns);
    ck_assert_mem_eq(ip + 28, want_dns, sizeof want_dns);
}
END_TEST

/* A legacy query (RFC 6762 section 6.7: from a port other than 5353,
 * here to the group): the answer goes back by unicast to the asker's MAC,
 * address and port, with the query's ID and question, TTL 10, no cache
 * flush, its name a pointer to the question's. */
START_TEST(test_legacy)
{
    uint8_t m[64], f[128], out[PAGEC_MDNS_OUT_MAX];
    static const uint8_t want_dns[] = {
        0x12, 0x34, 0x84, 0x00,             /* the query's ID */
        0x00, 0x01, 0x00, 0x01,             /* one question, one answer */
        0x00, 0x00, 0x00, 0x00,
        5, 'p', 'a', 'g', 'e', 'c', 5, 'l', 'o', 'c', 'a', 'l', 0,
        0x00, 0x01, 0x00, 0x01,             /* A, IN */
        0xc0, 0x0c,                         /* the name at offset 12 */
        0x00, 0x01, 0x00, 0x01,             /* A, IN */
        0x00, 0x00, 0x00, 10,               /* TTL */
        0x00, 0x04, 169, 254, 7, 9,
    };
    size_t n = query(m, PAGEC_LOCAL "", 13, 1, 1);
    size_t fl = frame(f, group_mac, group_ip, 40000, m, n);
    uint16_t r = pagec_mdns_input(&srv, our_mac, "pagec", f, (uint16_t)fl,
                                  out, sizeof out);
    const uint8_t *ip = out + 14;

    ck_assert_uint_eq(r, 14 + 20 + 8 + sizeof want_dns);
    ck_assert_mem_eq(out, peer_mac, 6);
    ck_assert_mem_eq(ip + 16, peer_ip, 4);
    ck_assert(ref_ip_ok(ip));
    ck_assert(ref_l4_ok(ip));
    ck_assert_uint_eq(rd16(ip + 22), 40000);
    ck_assert_mem_eq(ip + 28, want_dns, sizeof want_dns);
    /* sent to our own address and MAC: the same answer */
    fl = frame(f, our_mac, our_ip, 40000, m, n);
    ck_assert_uint_eq(pagec_mdns_input(&srv, our_mac, "pagec", f,
                                       (uint16_t)fl, out, sizeof out),
                      r);
    ck_assert_mem_eq(ip + 28, want_dns, sizeof want_dns);
}
END_TEST

/* A legacy query of type ANY: its question repeated as it was asked
 * (RFC 6762 section 6.7), the answer an A record. */
START_TEST(test_legacy_any)
{
    uint8_t m[64], f[128], out[PAGEC_MDNS_OUT_MAX];
    size_t n = query(m, PAGEC_LOCAL "", 13, 255, 255);
    uint16_t r;

    frame(f, group_mac, group_ip, 40000, m, n);
    r = pagec_mdns_input(&srv, our_mac, "pagec", f, (uint16_t)(42 + n), out,
                         sizeof out);
    ck_assert_uint_eq(r, 14 + 20 + 8 + 12 + 13 + 4 + 2 + 14);
    ck_assert_mem_eq(out + 42 + 12 + 13, "\x00\xff\x00\xff\xc0\x0c\x00\x01"
                                         "\x00\x01", 10);
}
END_TEST

/* The name without regard to case, type ANY, class ANY, the QU bit, and
 * a question after another (for another name) whose name is a pointer
 * into the first: answered. */
START_TEST(test_asked)
{
    uint8_t m[96], f[160], out[PAGEC_MDNS_OUT_MAX];
    size_t n;

    n = query(m, "\x05PaGeC\x05LOCAL", 13, 255, 0x8001);
    frame(f, group_mac, group_ip, 5353, m, n);
    ck_assert_uint_ne(pagec_mdns_input(&srv, our_mac, "pagec", f,
                                       (uint16_t)(42 + n), out, sizeof out),
                      0);
    n = query(m, PAGEC_LOCAL "", 13, 1, 255);
    frame(f, group_mac, group_ip, 5353, m, n);
    ck_assert_uint_ne(pagec_mdns_input(&srv, our_mac, "pagec", f,
                                       (uint16_t)(42 + n), out, sizeof out),
                      0);
    /* first "other.local" (A), then "pagec" + a pointer to its "local" */
    n = query(m, "\x05other\x05local", 13, 1, 1);
    m[5] = 2;
    memcpy(m + n, "\x05pagec\xc0\x12", 8); /* "local" is at 12 + 6 */
    wr16(m + n + 8, 1);
    wr16(m + n + 10, 1);
    n += 12;
    frame(f, group_mac, group_ip, 5353, m, n);
    ck_assert_uint_ne(pagec_mdns_input(&srv, our_mac, "pagec", f,
                                       (uint16_t)(42 + n), out, sizeof out),
                      0);
}
END_TEST

/* What gets no answer. */
START_TEST(test_ignored)
{
    uint8_t m[96], f[160], out[PAGEC_MDNS_OUT_MAX];
    size_t n = query(m, PAGEC_LOCAL "", 13, 1, 1);
    size_t fl;

#define NONE(len, sz)                                                        \
    ck_assert_uint_eq(pagec_mdns_input(&srv, our_mac, "pagec", f,           \
                                       (uint16_t)(len), out, (sz)),         \
                      0)
    fl = frame(f, group_mac, group_ip, 5353, m, n);
    NONE(fl, 14 + 20 + 8 + 38 - 1); /* the answer does not fit */
    NONE(fl - 1, sizeof out);       /* the datagram is cut short */
    /* another name, a longer one, a prefix, another domain */
    query(m, "\x05pager\x05local", 13, 1, 1);
    frame(f, group_mac, group_ip, 5353, m, n);
    NONE(fl, sizeof out);
    query(m, "\x06pagecx\x05local", 14, 1, 1);
    NONE(frame(f, group_mac, group_ip, 5353, m, n + 1), sizeof out);
    query(m, "\x05pagec", 7, 1, 1);
    NONE(frame(f, group_mac, group_ip, 5353, m, n - 6), sizeof out);
    query(m, "\x05pagec\x05local\x03" "com", 17, 1, 1);
    NONE(frame(f, group_mac, group_ip, 5353, m, n + 4), sizeof out);
    query(m, "\x05pagec\x06localx", 14, 1, 1);
    NONE(frame(f, group_mac, group_ip, 5353, m, n + 1), sizeof out);
    query(m, "\x05pagec\x04loca", 12, 1, 1);
    NONE(frame(f, group_mac, group_ip, 5353, m, n - 1), sizeof out);
    /* AAAA, PTR; class CHAOS */
    query(m, PAGEC_LOCAL "", 13, 28, 1);
    NONE(frame(f, group_mac, group_ip, 5353, m, n), sizeof out);
    query(m, PAGEC_LOCAL "", 13, 12, 1);
    NONE(frame(f, group_mac, group_ip, 5353, m, n), sizeof out);
    query(m, PAGEC_LOCAL "", 13, 1, 3);
    NONE(frame(f, group_mac, group_ip, 5353, m, n), sizeof out);
    /* a response (QR), another opcode, a response code */
    query(m, PAGEC_LOCAL "", 13, 1, 1);
    m[2] = 0x80;
    NONE(frame(f, group_mac, group_ip, 5353, m, n), sizeof out);
    m[2] = 0x08;
    NONE(frame(f, group_mac, group_ip, 5353, m, n), sizeof out);
    m[2] = 0;
    m[3] = 0x03;
    NONE(frame(f, group_mac, group_ip, 5353, m, n), sizeof out);
    m[3] = 0;
    /* another port; another group; the group's address at our MAC; a
     * unicast to another station's address */
    fl = frame(f, group_mac, group_ip, 5353, m, n);
    wr16(f + 14 + 22, 53);
    seal(f + 14);
    NONE(fl, sizeof out);
    NONE(frame(f, group_mac, (const uint8_t *)"\xe0\x00\x00\xfc", 5353, m, n),
         sizeof out);
    NONE(frame(f, our_mac, group_ip, 5353, m, n), sizeof out);
    NONE(frame(f, peer_mac, our_ip, 40000, m, n), sizeof out);
    NONE(frame(f, our_mac, peer_ip, 40000, m, n), sizeof out);
    /* bad checksums: IPv4, UDP */
    fl = frame(f, group_mac, group_ip, 5353, m, n);
    f[14 + 8] ^= 1;
    NONE(fl, sizeof out);
    fl = frame(f, group_mac, group_ip, 5353, m, n);
    f[fl - 1] ^= 1;
    NONE(fl, sizeof out);
    /* a legacy asker at a group address cannot be answered */
    fl = frame(f, group_mac, group_ip, 40000, m, n);
    memcpy(f + 14 + 12, "\xe0\x00\x00\x05", 4);
    seal(f + 14);
    NONE(fl, sizeof out);
    /* no address yet */
    fl = frame(f, group_mac, group_ip, 5353, m, n);
    memset(srv.addr, 0, 4);
    NONE(fl, sizeof out);
    memcpy(srv.addr, our_ip, 4);
    /* malformed names: a pointer forward, to itself, a label running past
     * the message, label types 01 and 10 */
    memcpy(m + 12, "\xc0\x0c", 2);
    NONE(frame(f, group_mac, group_ip, 5353, m, 18), sizeof out);
    memcpy(m + 12, "\xc0\x20", 2);
    NONE(frame(f, group_mac, group_ip, 5353, m, 18), sizeof out);
    memcpy(m + 12, "\x3f" "ab", 3);
    NONE(frame(f, group_mac, group_ip, 5353, m, 15), sizeof out);
    memcpy(m + 12, "\x45pagec", 6);
    NONE(frame(f, group_mac, group_ip, 5353, m, n), sizeof out);
    memcpy(m + 12, "\x85pagec", 6);
    NONE(frame(f, group_mac, group_ip, 5353, m, n), sizeof out);
    /* a second question cut short stops the whole message */
    query(m, PAGEC_LOCAL "", 13, 1, 1);
    m[5] = 2;
    NONE(frame(f, group_mac, group_ip, 5353, m, n), sizeof out);
    /* a runt, and a VLAN tag before the type */
    query(m, PAGEC_LOCAL "", 13, 1, 1);
    NONE(40, sizeof out);
    fl = frame(f, group_mac, group_ip, 5353, m, n);
    f[12] = 0x81;
    NONE(fl, sizeof out);
#undef NONE
}
END_TEST

/* The longest name, 63 bytes: the answer fits PAGEC_MDNS_OUT_MAX, with
 * a legacy answer exactly. A name of 64 is none. */
START_TEST(test_longest)
{
    char name[65];
    uint8_t lab[80], m[128], f[200], out[PAGEC_MDNS_OUT_MAX];
    size_t n;

    memset(name, 'a', 63);
    name[63] = 0;
    lab[0] = 63;
    memset(lab + 1, 'a', 63);
    memcpy(lab + 64, "\x05local", 7);
    n = query(m, (const char *)lab, 71, 1, 1);
    frame(f, group_mac, group_ip, 40000, m, n);
    ck_assert_uint_eq(pagec_mdns_input(&srv, our_mac, name, f,
                                       (uint16_t)(42 + n), out, sizeof out),
                      PAGEC_MDNS_OUT_MAX);
    ck_assert(ref_l4_ok(out + 14));
    name[63] = 'a';
    name[64] = 0;
    ck_assert_uint_eq(pagec_mdns_input(&srv, our_mac, name, f,
                                       (uint16_t)(42 + n), out, sizeof out),
                      0);
}
END_TEST

Suite *mdns_suite(void)
{
    Suite *s = suite_create("mdns");
    TCase *tc = tcase_create("mdns");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_multicast);
    tcase_add_test(tc, test_legacy);
    tcase_add_test(tc, test_legacy_any);
    tcase_add_test(tc, test_asked);
    tcase_add_test(tc, test_ignored);
    tcase_add_test(tc, test_longest);
    suite_add_tcase(s, tc);
    return s;
}
