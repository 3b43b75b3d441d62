/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_eth.c - Ethernet II framing and ARP (pagec/eth.h): frames written
 * out byte by byte as RFC 894 and RFC 826 lay them down, and what the
 * device must answer to each.
 */
#include <check.h>
#include <string.h>

#include "basic_site.h"
#include "pagec/eth.h"
#include "pagec/stream.h"

#include "helper.h"

static const uint8_t our_mac[6] = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};
static const uint8_t our_ip[4] = {192, 0, 2, 2};
static const uint8_t peer_mac[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};
static const uint8_t peer_ip[4] = {192, 0, 2, 1};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static struct pagec_server srv;

static void setup(void)
{
    memset(&srv, 0, sizeof srv);
    memcpy(srv.addr, our_ip, 4);
}

/* An ARP message over Ethernet (RFC 826): hardware type 1, protocol
 * 0x0800, lengths 6 and 4, the operation, then sender and target
 * addresses; in a frame to dst from src; 42 bytes at f, then zeros up to
 * the 60 of a padded frame. */
static size_t arp_frame(uint8_t *f, const uint8_t *dst, uint16_t oper,
                        const uint8_t *tpa)
{
    memset(f, 0, 60);
    memcpy(f, dst, 6);
    memcpy(f + 6, peer_mac, 6);
    f[12] = 0x08;
    f[13] = 0x06;
    f[14] = 0x00; /* hardware type: Ethernet */
    f[15] = 0x01;
    f[16] = 0x08; /* protocol type: IPv4 */
    f[17] = 0x00;
    f[18] = 6;
    f[19] = 4;
    f[20] = (uint8_t)(oper >> 8);
    f[21] = (uint8_t)oper;
    memcpy(f + 22, peer_mac, 6);
    memcpy(f + 28, peer_ip, 4);
    /* target hardware address unknown: zero */
    memcpy(f + 38, tpa, 4);
    return 60;
}

/* An ARP request for our address, broadcast, gets the reply RFC 826
 * describes: to the asker, from us, operation 2, our addresses as the
 * sender's, the asker's as the target's. */
START_TEST(test_arp_request)
{
    uint8_t f[60];
    uint8_t r[PAGEC_ETH_ARP_LEN];
    static const uint8_t want[42] = {
        0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc, /* to the asker */
        0x02, 0x00, 0x5e, 0x10, 0x20, 0x30, /* from us */
        0x08, 0x06,                         /* ARP */
        0x00, 0x01, 0x08, 0x00, 6, 4,       /* Ethernet, IPv4 */
        0x00, 0x02,                         /* a reply */
        0x02, 0x00, 0x5e, 0x10, 0x20, 0x30, 192, 0, 2, 2, /* sender: us */
        0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc, 192, 0, 2, 1, /* target */
    };
    size_t n = arp_frame(f, bcast, 1, our_ip);

    memset(r, 0xee, sizeof r);
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, (uint16_t)n, r),
                      PAGEC_ETH_ARP);
    ck_assert_mem_eq(r, want, sizeof want);
    /* unpadded (42 bytes), and sent to our MAC (a unicast refresh) */
    arp_frame(f, our_mac, 1, our_ip);
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 42, r),
                      PAGEC_ETH_ARP);
    ck_assert_mem_eq(r, want, sizeof want);
    /* from a link-local address: the reply goes by broadcast */
    {
        uint8_t ll[42];

        memcpy(srv.addr, "\xa9\xfe\x07\x09", 4);
        arp_frame(f, bcast, 1, srv.addr);
        ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 60, r),
                          PAGEC_ETH_ARP);
        memcpy(ll, want, sizeof ll);
        memset(ll, 0xff, 6);
        memcpy(ll + 28, srv.addr, 4);
        ck_assert_mem_eq(r, ll, sizeof ll);
        memcpy(srv.addr, our_ip, 4);
    }
    /* in place: the request's buffer becomes its reply */
    arp_frame(f, bcast, 1, our_ip);
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 60, f),
                      PAGEC_ETH_ARP);
    ck_assert_mem_eq(f, want, sizeof want);
}
END_TEST

/* What gets no answer: ARP for another address, a reply, other
 * lengths or types, a runt, a sender whose MAC is a group address, a
 * request to another station's MAC, no address of ours. */
START_TEST(test_arp_ignored)
{
    static const uint8_t other_ip[4] = {192, 0, 2, 3};
    static const uint8_t other_mac[6] = {0x02, 0, 0, 0, 0, 9};
    uint8_t f[60];
    uint8_t r[PAGEC_ETH_ARP_LEN];
    int k;

    arp_frame(f, bcast, 1, other_ip);
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 60, r),
                      PAGEC_ETH_DROP);
    arp_frame(f, bcast, 2, our_ip); /* a reply, not a request */
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 60, r),
                      PAGEC_ETH_DROP);
    arp_frame(f, other_mac, 1, our_ip);
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 60, r),
                      PAGEC_ETH_DROP);
    for (k = 14; k < 20; k++) { /* each of types and lengths wrong */
        arp_frame(f, bcast, 1, our_ip);
        f[k] ^= 0x10;
        ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 60, r),
                          PAGEC_ETH_DROP);
    }
    arp_frame(f, bcast, 1, our_ip);
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 41, r),
                      PAGEC_ETH_DROP);
    f[22] |= 1; /* the sender's MAC a group address */
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 60, r),
                      PAGEC_ETH_DROP);
    arp_frame(f, bcast, 1, our_ip);
    f[6] |= 1; /* the frame's source a group address */
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 60, r),
                      PAGEC_ETH_DROP);
    arp_frame(f, bcast, 1, our_ip);
    f[12] = 0x81; /* a VLAN tag: 0x8100, then the ARP type */
    f[13] = 0x00;
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 60, r),
                      PAGEC_ETH_DROP);
    memset(srv.addr, 0, 4); /* no address: nothing to claim */
    arp_frame(f, bcast, 1, (const uint8_t[4]){0, 0, 0, 0});
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 60, r),
                      PAGEC_ETH_DROP);
}
END_TEST

/* IPv4 to our MAC is ours; to the broadcast or a multicast address, or
 * to another station, it is not (RFC 1122 3.3.6); nor other types. */
START_TEST(test_ipv4)
{
    static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
    uint8_t f[60];
    uint8_t r[PAGEC_ETH_ARP_LEN];

    memset(f, 0, sizeof f);
    memcpy(f, our_mac, 6);
    memcpy(f + 6, peer_mac, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    f[14] = 0x45;
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 60, r),
                      PAGEC_ETH_IPV4);
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 14, r),
                      PAGEC_ETH_IPV4);
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 13, r),
                      PAGEC_ETH_DROP);
    memcpy(f, bcast, 6);
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 60, r),
                      PAGEC_ETH_DROP);
    memcpy(f, mcast, 6);
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 60, r),
                      PAGEC_ETH_DROP);
    memcpy(f, our_mac, 6);
    f[12] = 0x86; /* IPv6 */
    f[13] = 0xdd;
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, 60, r),
                      PAGEC_ETH_DROP);
}
END_TEST

/* A reply's header: back to the frame's source, from us, IPv4. */
START_TEST(test_header)
{
    static const uint8_t want[14] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc,
                                     0x02, 0x00, 0x5e, 0x10, 0x20, 0x30,
                                     0x08, 0x00};
    uint8_t f[14];
    uint8_t h[PAGEC_ETH_HLEN];

    memcpy(f, our_mac, 6);
    memcpy(f + 6, peer_mac, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    pagec_eth_header(our_mac, f, h);
    ck_assert_mem_eq(h, want, sizeof want);
    /* in place, over the request's header */
    pagec_eth_header(our_mac, f, f);
    ck_assert_mem_eq(f, want, sizeof want);
}
END_TEST

/* Both APIs behind Ethernet: a ping in a frame, told apart from the
 * frame's first 42 bytes, its datagram given to pagec_server_input() and,
 * a byte at a time, to the streaming API: the same reply, which goes back
 * in a frame to the sender. */
START_TEST(test_both_apis)
{
    static const uint8_t data[40] = {1, 2, 3};
    static uint8_t f[PAGEC_ETH_HLEN + 128];
    static uint8_t out[256];
    static uint8_t flat[256];
    struct pagec_reply reply;
    uint8_t r[PAGEC_ETH_ARP_LEN];
    uint8_t h[PAGEC_ETH_HLEN];
    size_t lens[4];
    size_t n;
    uint16_t len;

    srv.site = &basic_site;
    memcpy(f, our_mac, 6);
    memcpy(f + 6, peer_mac, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    n = build_echo(f + PAGEC_ETH_HLEN, peer_ip, our_ip, 7, 1, data,
                   sizeof data);
    ck_assert_uint_eq(pagec_eth_input(&srv, our_mac, f, PAGEC_ETH_ARP_LEN, r),
                      PAGEC_ETH_IPV4);
    len = pagec_server_input(&srv, 0, f + PAGEC_ETH_HLEN, (uint16_t)n,
                             &reply);
    ck_assert_uint_eq(len, n);
    ck_assert_uint_eq(pagec_reply_copy(&reply, out, sizeof out), len);
    ck_assert_uint_eq(out[20], 0); /* an echo reply */
    ck_assert_uint_eq(stream_answer(&srv, 0, f + PAGEC_ETH_HLEN, n, 0, flat,
                                    sizeof flat, lens, 4),
                      1);
    ck_assert_uint_eq(lens[0], len);
    ck_assert_mem_eq(flat, out, len);
    pagec_eth_header(our_mac, f, h);
    ck_assert_mem_eq(h, peer_mac, 6);
}
END_TEST

Suite *eth_suite(void)
{
    Suite *s = suite_create("eth");
    TCase *tc = tcase_create("eth");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_arp_request);
    tcase_add_test(tc, test_arp_ignored);
    tcase_add_test(tc, test_ipv4);
    tcase_add_test(tc, test_header);
    tcase_add_test(tc, test_both_apis);
    suite_add_tcase(s, tc);
    return s;
}
