/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_eth.c - libFuzzer target for Ethernet II and ARP (pagec/eth.h):
 * any frame (heap, exactly its length, so that AddressSanitizer sees a
 * read beyond it), told apart by pagec_eth_input() and by a model of
 * this file's own that reads the frame as RFC 894 and RFC 826 lay it
 * out; both must agree, and an ARP reply must be the one the model
 * builds, and the same when made in place, over the request. The first
 * input byte chooses the device's address: 192.0.2.2, a link-local
 * one (whose ARP replies go by broadcast), or none (all zero).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagec/eth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_eth: CHECK FAILED: %s\n", what);
    abort();
}

/* The fields of a frame, by name. */
struct frame {
    const uint8_t *dst, *src;
    unsigned type;
    /* ARP, when the frame holds 28 bytes of it */
    unsigned htype, ptype, hlen, plen, oper;
    const uint8_t *sha, *spa, *tha, *tpa;
};

static unsigned be16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* The model: what the device answers to the n bytes at f, and the reply
 * frame of an ARP request at want. */
static uint8_t model(const uint8_t *f, size_t n, const uint8_t addr[4],
                     uint8_t want[42])
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t none[4] = {0, 0, 0, 0};
    struct frame fr;

    if (n < 14) {
        return PAGEC_ETH_DROP;
    }
    fr.dst = f;
    fr.src = f + 6;
    fr.type = be16(f + 12);
    if (fr.src[0] & 0x01) {
        return PAGEC_ETH_DROP; /* no station sends from a group address */
    }
    if (fr.type == 0x0800) {
        return memcmp(fr.dst, mac, 6) == 0 ? PAGEC_ETH_IPV4 : PAGEC_ETH_DROP;
    }
    if (fr.type != 0x0806 || n < 42) {
        return PAGEC_ETH_DROP;
    }
    if (memcmp(fr.dst, mac, 6) != 0 && memcmp(fr.dst, bcast, 6) != 0) {
        return PAGEC_ETH_DROP;
    }
    fr.htype = be16(f + 14);
    fr.ptype = be16(f + 16);
    fr.hlen = f[18];
    fr.plen = f[19];
    fr.oper = be16(f + 20);
    fr.sha = f + 22;
    fr.spa = f + 28;
    fr.tha = f + 32;
    fr.tpa = f + 38;
    (void)fr.tha; /* a request's target MAC is unknown: ignored */
    if (fr.htype != 1 || fr.ptype != 0x0800 || fr.hlen != 6 || fr.plen != 4 ||
        fr.oper != 1 || (fr.sha[0] & 0x01) || memcmp(addr, none, 4) == 0 ||
        memcmp(fr.tpa, addr, 4) != 0) {
        return PAGEC_ETH_DROP;
    }
    memcpy(want, fr.sha, 6);
    if (addr[0] == 169 && addr[1] == 254) {
        memset(want, 0xff, 6); /* RFC 3927 2.5: by broadcast */
    }
    memcpy(want + 6, mac, 6);
    want[12] = 0x08;
    want[13] = 0x06;
    want[14] = 0;
    want[15] = 1;
    want[16] = 0x08;
    want[17] = 0;
    want[18] = 6;
    want[19] = 4;
    want[20] = 0;
    want[21] = 2;
    memcpy(want + 22, mac, 6);
    memcpy(want + 28, addr, 4);
    memcpy(want + 32, fr.sha, 6);
    memcpy(want + 38, fr.spa, 4);
    return PAGEC_ETH_ARP;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t ours[4] = {192, 0, 2, 2};
    static const uint8_t link_local[4] = {169, 254, 7, 9};
    struct pagec_server srv;
    uint8_t reply[PAGEC_ETH_ARP_LEN];
    uint8_t want[42];
    uint8_t hdr[PAGEC_ETH_HLEN];
    uint8_t *f;
    size_t n;
    uint8_t got;
    uint8_t w;

    if (size < 1 || size - 1 > 0xffff) {
        return -1;
    }
    n = size - 1;
    f = malloc(n ? n : 1);
    if (f == NULL) {
        return 0;
    }
    memcpy(f, data + 1, n);
    memset(&srv, 0, sizeof srv);
    if (!(data[0] & 1)) {
        memcpy(srv.addr, data[0] & 2 ? link_local : ours, 4);
    }
    got = pagec_eth_input(&srv, mac, f, (uint16_t)n, reply);
    w = model(f, n, srv.addr, want);
    if (got != w) {
        fprintf(stderr, "fuzz_eth: got %u, the model %u\n", got, w);
        fail("pagec_eth_input() and the model differ");
    }
    if (got == PAGEC_ETH_ARP && memcmp(reply, want, sizeof want) != 0) {
        fail("the ARP reply is not the model's");
    }
    if (got == PAGEC_ETH_ARP) {
        /* in place: the request's buffer becomes the same reply */
        if (pagec_eth_input(&srv, mac, f, (uint16_t)n, f) != got ||
            memcmp(f, want, sizeof want) != 0) {
            fail("the ARP reply made in place is not the model's");
        }
    }
    if (got == PAGEC_ETH_IPV4) {
        pagec_eth_header(mac, f, hdr);
        if (memcmp(hdr, f + 6, 6) != 0 || memcmp(hdr + 6, mac, 6) != 0 ||
            hdr[12] != 0x08 || hdr[13] != 0x00) {
            fail("the reply's header does not go back to the source");
        }
        pagec_eth_header(mac, f, f);
        if (memcmp(f, hdr, sizeof hdr) != 0) {
            fail("the reply's header made in place differs");
        }
    }
    free(f);
    return 0;
}
