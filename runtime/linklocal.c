/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * linklocal.c - the IPv4 link-local address of pagec/linklocal.h (RFC
 * 3927). The address and the random waits come from a hash of the MAC
 * address and the number of conflicts so far: the same device picks the
 * same address at every start (section 2.1's stability), two devices
 * pick different ones and different waits, and nothing but the count
 * needs keeping.
 */
#include "pagec/linklocal.h"

#include "pagec/eth.h"
#include "wire.h"

/* RFC 3927 section 9, in milliseconds */
#define PROBE_WAIT 1000
#define PROBE_MIN 1000
#define PROBE_MAX 2000
#define PROBE_NUM 3
#define ANNOUNCE_WAIT 2000
#define ANNOUNCE_NUM 2
#define ANNOUNCE_INTERVAL 2000
#define MAX_CONFLICTS 10
#define RATE_LIMIT_INTERVAL 60000
#define DEFEND_INTERVAL 10000

/* ll->state */
#define S_START 0
#define S_PROBE 1    /* count probes sent */
#define S_CLAIM 2    /* the last probe sent: the claim is due */
#define S_ANNOUNCE 3 /* count announcements sent */
#define S_BOUND 4

#define F_DEFENDED 1u /* ll->defended holds a time */
#define F_ANNOUNCE 2u /* an announcement to send at once (a defence) */

/* FNV-1a over the MAC address and the byte k: 32 bits that a device
 * draws the same at each start, and another device otherwise. */
static uint32_t draw(const uint8_t mac[6], uint8_t conflicts, uint8_t k)
{
    uint32_t h = 2166136261u;
    uint8_t i;

    for (i = 0; i < 8; i++) {
        h ^= i < 6 ? mac[i] : i == 6 ? conflicts : k;
        h *= 16777619u;
    }
    return h ^ h >> 15;
}

/* The address to try after conflicts conflicts: 169.254.1.0 to
 * 169.254.254.255 (section 2.1). */
static void candidate(const uint8_t mac[6], uint8_t conflicts, uint8_t a[4])
{
    uint32_t r = draw(mac, conflicts, 0xff) % (254u * 256u);

    a[0] = 169;
    a[1] = 254;
    a[2] = (uint8_t)(1u + r / 256u);
    a[3] = (uint8_t)r;
}

/* Whether the clock now has reached t (both may have wrapped). */
static int due(uint32_t now, uint32_t t)
{
    return (int32_t)(now - t) >= 0;
}

/* Starts on the address after ll->conflicts conflicts, after a wait. */
static void restart(struct pagec_linklocal *ll, struct pagec_server *srv,
                    const uint8_t mac[6], uint32_t now)
{
    uint32_t wait = draw(mac, ll->conflicts, 0) % PROBE_WAIT;

    srv->addr[0] = srv->addr[1] = srv->addr[2] = srv->addr[3] = 0;
    if (ll->conflicts > MAX_CONFLICTS) {
        wait = RATE_LIMIT_INTERVAL; /* section 2.2.1: more than ten */
    }
    ll->state = S_PROBE;
    ll->count = 0;
    ll->flags = 0;
    ll->next = now + wait;
}

void pagec_linklocal_input(struct pagec_linklocal *ll,
                           struct pagec_server *srv, const uint8_t mac[6],
                           const uint8_t *frame, uint16_t len, uint32_t now)
{
    uint8_t a[4];
    const uint8_t *spa = frame + 28; /* the sender's protocol address */
    const uint8_t *tpa = frame + 38; /* the target's */

    if (ll->state == S_START || !arp_ipv4(frame, len) ||
        same_bytes(frame + 22, mac, 6)) {
        return; /* not ARP over Ethernet for IPv4, or our own */
    }
    candidate(mac, ll->conflicts, a);
    if (ll->state < S_ANNOUNCE) {
        /* probing: another host has it, or probes for it too */
        if (same_bytes(spa, a, 4) ||
            (get32(spa) == 0 && get16(frame + 20) == 1 &&
             same_bytes(tpa, a, 4))) {
            if (ll->conflicts < 255) {
                ll->conflicts++;
            }
            restart(ll, srv, mac, now);
        }
        return;
    }
    if (!same_bytes(spa, a, 4)) {
        return;
    }
    /* in use: defend it once in DEFEND_INTERVAL, else give it up */
    if ((ll->flags & F_DEFENDED) &&
        (uint32_t)(now - ll->defended) < DEFEND_INTERVAL) {
        if (ll->conflicts < 255) {
            ll->conflicts++;
        }
        restart(ll, srv, mac, now);
        return;
    }
    ll->defended = now;
    ll->flags |= F_DEFENDED | F_ANNOUNCE;
}

/* An ARP request from us: sender sender_ip, target target_ip, to the
 * broadcast address. */
static void arp(uint8_t out[42], const uint8_t mac[6], const uint8_t *sender_ip,
                const uint8_t *target_ip)
{
    uint8_t i;

    for (i = 0; i < 6; i++) {
        out[i] = 0xff;       /* to everyone */
        out[6 + i] = mac[i]; /* from us */
        out[22 + i] = mac[i];
        out[32 + i] = 0;     /* the target's MAC: unknown */
    }
    put16(out + 12, 0x0806);
    put16(out + 14, 1);      /* Ethernet */
    put16(out + 16, 0x0800); /* IPv4 */
    out[18] = 6;
    out[19] = 4;
    put16(out + 20, 1); /* a request */
    for (i = 0; i < 4; i++) {
        out[28 + i] = sender_ip ? sender_ip[i] : 0;
        out[38 + i] = target_ip[i];
    }
}

uint8_t pagec_linklocal_poll(struct pagec_linklocal *ll,
                             struct pagec_server *srv, const uint8_t mac[6],
                             uint32_t now, uint8_t out[42])
{
    uint8_t a[4];

    if (ll->state == S_START) {
        restart(ll, srv, mac, now);
        return 0;
    }
    candidate(mac, ll->conflicts, a);
    if (ll->flags & F_ANNOUNCE) {
        /* a defence: announce at once (section 2.5 (b)) */
        ll->flags &= (uint8_t)~F_ANNOUNCE;
        arp(out, mac, a, a);
        return 1;
    }
    if (ll->state == S_BOUND || !due(now, ll->next)) {
        return 0;
    }
    if (ll->state == S_PROBE) {
        /* a probe: from no address, for the candidate (section 2.2.1) */
        arp(out, mac, 0, a);
        if (++ll->count < PROBE_NUM) {
            ll->next = now + PROBE_MIN +
                       draw(mac, ll->conflicts, ll->count) %
                           (PROBE_MAX - PROBE_MIN);
        } else {
            ll->state = S_CLAIM;
            ll->next = now + ANNOUNCE_WAIT;
        }
        return 1;
    }
    if (ll->state == S_CLAIM) {
        /* no conflict through the probes and the wait: ours */
        copy_bytes(srv->addr, a, 4);
        ll->state = S_ANNOUNCE;
        ll->count = 0;
    }
    /* an announcement: from the address, for it (section 2.4) */
    arp(out, mac, a, a);
    if (++ll->count < ANNOUNCE_NUM) {
        ll->next = now + ANNOUNCE_INTERVAL;
    } else {
        ll->state = S_BOUND;
    }
    return 1;
}
