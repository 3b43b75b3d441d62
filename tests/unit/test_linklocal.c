/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_linklocal.c - the IPv4 link-local address (pagec/linklocal.h)
 * against RFC 3927: the frames of its probes and announcements written
 * out by hand from sections 2.2.1 and 2.4, their timing from section 9's
 * constants, the address range of section 2.1, conflicts while probing
 * (2.2.1) and once the address is in use (2.5), the rate limit after ten
 * conflicts. A clock in milliseconds is driven by the test.
 */
#include <check.h>
#include <string.h>

#include "pagec/eth.h"
#include "pagec/linklocal.h"

#include "helper.h"

static const uint8_t our_mac[6] = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};
static const uint8_t other_mac[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};

static struct pagec_server srv;
static struct pagec_linklocal ll;

/* What the module sent: the frames and the clock when each went. */
#define SENT_MAX 16
static uint8_t sent[SENT_MAX][42];
static uint32_t sent_at[SENT_MAX];
static int nsent;

static void setup(void)
{
    memset(&srv, 0, sizeof srv);
    memset(&ll, 0, sizeof ll);
    nsent = 0;
}

/* Polls every 10 ms from t0 for ms milliseconds; returns the clock. */
static uint32_t run(uint32_t t0, uint32_t ms)
{
    uint32_t t;
    uint8_t out[42];

    for (t = 0; t <= ms; t += 10) {
        memset(out, 0xee, sizeof out);
        if (pagec_linklocal_poll(&ll, &srv, our_mac, t0 + t, out)) {
            ck_assert_int_lt(nsent, SENT_MAX);
            memcpy(sent[nsent], out, 42);
            sent_at[nsent++] = t0 + t;
        }
    }
    return t0 + ms;
}

/* An ARP request or reply (oper) over Ethernet, written out from RFC
 * 826: from sha/spa to tha/tpa, broadcast. */
static void arp_frame(uint8_t *f, uint16_t oper, const uint8_t *sha,
                      const uint8_t *spa, const uint8_t *tha,
                      const uint8_t *tpa)
{
    memset(f, 0xff, 6);
    memcpy(f + 6, sha, 6);
    f[12] = 0x08;
    f[13] = 0x06;
    f[14] = 0;
    f[15] = 1;
    f[16] = 0x08;
    f[17] = 0x00;
    f[18] = 6;
    f[19] = 4;
    f[20] = (uint8_t)(oper >> 8);
    f[21] = (uint8_t)oper;
    memcpy(f + 22, sha, 6);
    memcpy(f + 28, spa, 4);
    memcpy(f + 32, tha, 6);
    memcpy(f + 38, tpa, 4);
}

static const uint8_t zero[6] = {0, 0, 0, 0, 0, 0};

/* The address a probe asks for. */
static void probed(int i, uint8_t a[4])
{
    memcpy(a, sent[i] + 38, 4);
}

/* A probe (2.2.1): broadcast from our MAC, ARP request, sender hardware
 * address ours, sender IP all zero, target hardware address zero. */
static void check_probe(int i, const uint8_t a[4])
{
    uint8_t want[42];

    arp_frame(want, 1, our_mac, zero, zero, a);
    ck_assert_mem_eq(sent[i], want, 42);
}

/* An announcement (2.4): as a probe, but the sender IP is the address. */
static void check_announcement(int i, const uint8_t a[4])
{
    uint8_t want[42];

    arp_frame(want, 1, our_mac, a, zero, a);
    ck_assert_mem_eq(sent[i], want, 42);
}

/* A whole claim from t0: 3 probes, the wait, 2 announcements, with the
 * timing of section 9; returns the address. */
static void check_claim(int first, uint32_t t0, uint32_t wait_max,
                        uint8_t a[4])
{
    int i;

    ck_assert_int_eq(nsent - first, 5);
    probed(first, a);
    ck_assert_uint_eq(a[0], 169);
    ck_assert_uint_eq(a[1], 254);
    ck_assert_uint_ge(a[2], 1);
    ck_assert_uint_le(a[2], 254);
    ck_assert_uint_le(sent_at[first] - t0, wait_max); /* PROBE_WAIT */
    for (i = 0; i < 3; i++) {
        check_probe(first + i, a);
    }
    for (i = 1; i < 3; i++) { /* PROBE_MIN, PROBE_MAX */
        ck_assert_uint_ge(sent_at[first + i] - sent_at[first + i - 1], 1000);
        ck_assert_uint_le(sent_at[first + i] - sent_at[first + i - 1], 2000);
    }
    /* ANNOUNCE_WAIT after the last probe, then ANNOUNCE_INTERVAL */
    ck_assert_uint_ge(sent_at[first + 3] - sent_at[first + 2], 2000);
    ck_assert_uint_le(sent_at[first + 3] - sent_at[first + 2], 2010);
    ck_assert_uint_ge(sent_at[first + 4] - sent_at[first + 3], 2000);
    ck_assert_uint_le(sent_at[first + 4] - sent_at[first + 3], 2010);
    check_announcement(first + 3, a);
    check_announcement(first + 4, a);
}

/* From a zeroed state: no address while probing, the address once
 * claimed, nothing more after the announcements; the same address at
 * the next start; another MAC's is another. */
START_TEST(test_claim)
{
    uint8_t a[4], b[4];
    uint32_t t;

    t = run(1000, 5500);
    ck_assert_mem_eq(srv.addr, zero, 4); /* three probes, the wait */
    t = run(t, 10000);
    check_claim(0, 1000, 1000, a);
    ck_assert_mem_eq(srv.addr, a, 4);
    run(t, 60000);
    ck_assert_int_eq(nsent, 5);
    /* a start afresh: the same address */
    setup();
    run(777, 15000);
    check_claim(0, 777, 1000, b);
    ck_assert_mem_eq(a, b, 4);
}
END_TEST

/* While probing, another host holding the address (an ARP message from
 * it, request or reply) or probing for it too: the device starts again
 * with another address, and never uses the first. ARP from itself and
 * about other addresses change nothing. */
START_TEST(test_conflict_probing)
{
    uint8_t f[60], a[4], b[4], c[4], other_ip[4] = {169, 254, 0, 9};
    uint32_t t;
    int round;

    for (round = 0; round < 2; round++) {
        setup();
        t = run(0, 1000);
        ck_assert_int_eq(nsent, 1);
        probed(0, a);
        /* noise: our own probe looped back, ARP for another address */
        arp_frame(f, 1, our_mac, zero, zero, a);
        pagec_linklocal_input(&ll, &srv, our_mac, f, 42, t);
        arp_frame(f, 2, other_mac, other_ip, our_mac, other_ip);
        pagec_linklocal_input(&ll, &srv, our_mac, f, 60, t);
        t = run(t + 10, 2000); /* the second probe: the same address */
        ck_assert_int_eq(nsent, 2);
        check_probe(1, a);
        nsent = 1;
        if (round == 0) { /* the holder's reply to our probe */
            arp_frame(f, 2, other_mac, a, our_mac, zero);
        } else { /* another host's probe for the same address */
            arp_frame(f, 1, other_mac, zero, zero, a);
        }
        pagec_linklocal_input(&ll, &srv, our_mac, f, 60, t);
        t = run(t + 10, 15000);
        check_claim(1, t - 15000, 1010, b);
        ck_assert_mem_ne(a, b, 4);
        ck_assert_mem_eq(srv.addr, b, 4);
    }
    /* a conflict after the claim's wait has begun still counts */
    setup();
    t = run(0, 5800); /* the third probe is out by 5 s */
    ck_assert_int_eq(nsent, 3);
    probed(0, a);
    arp_frame(f, 1, other_mac, a, zero, a); /* the holder announces */
    pagec_linklocal_input(&ll, &srv, our_mac, f, 42, t);
    t = run(t + 10, 15000);
    probed(3, c);
    ck_assert_mem_ne(a, c, 4);
}
END_TEST

/* In use (2.5): a conflicting ARP message is defended with an
 * announcement at once, the address kept; a second within 10 s gives
 * it up (no address) and the device starts again with another; one
 * after 10 s is defended again. */
START_TEST(test_defend)
{
    uint8_t f[60], a[4], b[4];
    uint32_t t;

    t = run(0, 15000);
    check_claim(0, 0, 1000, a);
    arp_frame(f, 1, other_mac, a, zero, a);
    pagec_linklocal_input(&ll, &srv, our_mac, f, 42, t);
    t = run(t, 0);
    ck_assert_int_eq(nsent, 6);
    check_announcement(5, a);
    ck_assert_mem_eq(srv.addr, a, 4);
    /* 10.5 s later: defended again */
    t += 10500;
    pagec_linklocal_input(&ll, &srv, our_mac, f, 42, t);
    t = run(t, 0);
    ck_assert_int_eq(nsent, 7);
    check_announcement(6, a);
    /* 2^31 + 20 s later (the clock's signed half gone round): defended
     * again, not taken for a second conflict in 10 s */
    {
        struct pagec_linklocal keep = ll;
        struct pagec_server keep_srv = srv;
        int keep_n = nsent;
        uint32_t far = t + 0x80000000u + 20000u;

        pagec_linklocal_input(&ll, &srv, our_mac, f, 42, far);
        ck_assert_mem_eq(srv.addr, a, 4);
        run(far, 0);
        ck_assert_int_eq(nsent, keep_n + 1);
        ll = keep;
        srv = keep_srv;
        nsent = keep_n;
    }
    /* 9 s later: given up */
    t += 9000;
    pagec_linklocal_input(&ll, &srv, our_mac, f, 42, t);
    ck_assert_mem_eq(srv.addr, zero, 4);
    t = run(t, 15000);
    check_claim(7, t - 15000, 1000, b);
    ck_assert_mem_ne(a, b, 4);
    ck_assert_mem_eq(srv.addr, b, 4);
}
END_TEST

/* After more than ten conflicts, one attempt a minute
 * (RATE_LIMIT_INTERVAL). */
START_TEST(test_rate_limit)
{
    uint8_t f[60], a[4];
    uint32_t t = 0;
    int i;

    for (i = 0; i < 11; i++) {
        int first = nsent;

        t = run(t, 2000);
        ck_assert_int_gt(nsent, first);
        probed(nsent - 1, a);
        arp_frame(f, 2, other_mac, a, our_mac, zero);
        pagec_linklocal_input(&ll, &srv, our_mac, f, 42, t);
        t += 10;
        if (i < 10) {
            continue;
        }
        nsent = 0;
        run(t, 59000);
        ck_assert_int_eq(nsent, 0);
        run(t + 59010, 1000);
        ck_assert_int_eq(nsent, 1);
    }
}
END_TEST

/* The clock may wrap in the middle of the claim. */
START_TEST(test_wrap)
{
    uint8_t a[4];

    run(0xfffff000u, 15000);
    check_claim(0, 0xfffff000u, 1000, a);
    ck_assert_mem_eq(srv.addr, a, 4);
}
END_TEST

Suite *linklocal_suite(void)
{
    Suite *s = suite_create("linklocal");
    TCase *tc = tcase_create("linklocal");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_claim);
    tcase_add_test(tc, test_conflict_probing);
    tcase_add_test(tc, test_defend);
    tcase_add_test(tc, test_rate_limit);
    tcase_add_test(tc, test_wrap);
    suite_add_tcase(s, tc);
    return s;
}
