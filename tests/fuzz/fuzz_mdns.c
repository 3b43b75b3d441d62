/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_mdns.c - libFuzzer target of the Multicast DNS responder
 * (pagec/mdns.h) against a model of this file's own.
 *
 * The first input byte chooses the frame around the rest, a DNS message:
 * bit 0 sent to the device's address and MAC (else to 224.0.0.251 and
 * 01:00:5e:00:00:fb), bit 1 from port 40000 (a legacy query; else 5353),
 * bit 2 the device has no address, bit 3 a wrong UDP checksum, bit 4 no
 * UDP checksum, bit 5 an out buffer one byte short of the answer; with
 * bit 7 the rest is a whole frame as it is, which only has to leave
 * memory alone and, if answered, get an answer whose checksums hold.
 * The model decodes each question's name into a dotted string (pointers
 * followed by recursion), decides whether the device is asked for
 * "pagec.local", type A or ANY, class IN or ANY, and builds the answer
 * RFC 6762 asks for; pagec_mdns_input() must agree byte for byte.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagec/mdns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
static const uint8_t peer_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t ours[4] = {169, 254, 3, 4};
static const uint8_t peer[4] = {169, 254, 9, 9};
static const uint8_t gmac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
static const uint8_t gip[4] = {224, 0, 0, 251};

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_mdns: CHECK FAILED: %s\n", what);
    abort();
}

static unsigned be16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* RFC 1071's sum of n bytes plus extra, folded, not inverted. */
static unsigned sum16(const uint8_t *p, size_t n, unsigned long extra)
{
    unsigned long s = extra;
    size_t i;

    for (i = 0; i + 1 < n; i += 2) {
        s += be16(p + i);
    }
    if (n & 1) {
        s += (unsigned long)p[n - 1] << 8;
    }
    while (s >> 16) {
        s = (s & 0xffff) + (s >> 16);
    }
    return (unsigned)s;
}

/* Appends the name at offset at of msg (n bytes) to out (dotted, lower
 * case), following pointers by recursion; returns the offset past the
 * name where it is written (not where a pointer led), or -1 when it is
 * malformed. *hops counts pointers followed. */
static long name_at(const uint8_t *msg, size_t n, size_t at, char *out,
                    size_t cap, int *hops)
{
    for (;;) {
        unsigned c;

        if (at >= n) {
            return -1;
        }
        c = msg[at];
        if (c == 0) {
            return (long)at + 1;
        }
        if ((c & 0xc0) == 0xc0) {
            size_t to;

            if (at + 1 >= n || ++*hops > 8) {
                return -1;
            }
            to = (size_t)(c & 0x3f) << 8 | msg[at + 1];
            if (to >= at || name_at(msg, n, to, out, cap, hops) < 0) {
                return -1;
            }
            return (long)at + 2;
        }
        if (c & 0xc0 || at + 1 + c > n) {
            return -1;
        }
        if (strlen(out) + c + 2 < cap) {
            size_t k = strlen(out);
            unsigned i;

            if (k) {
                out[k++] = '.';
            }
            for (i = 0; i < c; i++) {
                /* a '.' or NUL inside a label can never be "pagec" */
                uint8_t b = msg[at + 1 + i];

                out[k++] = b == '.' || b == 0 ? '?' : (char)tolower(b);
            }
            out[k] = 0;
        } else {
            out[0] = '!'; /* too long to be ours */
        }
        at += 1 + c;
    }
}

/* 1 when the DNS message msg (n bytes) asks for pagec.local in a way the
 * device answers; 0 when not, or when it is malformed. */
static uint8_t asked_tc[4]; /* the first matching question's type, class */

static int asked(const uint8_t *msg, size_t n)
{
    unsigned q, qd;
    size_t at = 12;
    int yes = 0;

    if (n < 12 || (msg[2] & 0x80) || ((msg[2] >> 3) & 0x0f) ||
        (msg[3] & 0x0f)) {
        return 0;
    }
    qd = be16(msg + 4);
    for (q = 0; q < qd; q++) {
        char name[600] = "";
        int hops = 0;
        long end = name_at(msg, n, at, name, sizeof name, &hops);
        unsigned type, cls;

        if (end < 0 || (size_t)end + 4 > n) {
            return 0;
        }
        at = (size_t)end;
        type = be16(msg + at);
        cls = be16(msg + at + 2) & 0x7fff;
        at += 4;
        if (!yes && strcmp(name, "pagec.local") == 0 &&
            (type == 1 || type == 255) && (cls == 1 || cls == 255)) {
            yes = 1;
            memcpy(asked_tc, msg + at - 4, 4);
        }
    }
    return yes;
}

/* The answer the model builds; returns its length. */
static size_t answer(uint8_t *o, int legacy, unsigned id, unsigned port)
{
    static const uint8_t name[] = "\x05pagec\x05local";
    uint8_t *ip = o + 14, *u = ip + 20, *d = u + 8, *p;
    size_t dlen, n;
    unsigned s;

    memcpy(o, legacy ? peer_mac : gmac, 6);
    memcpy(o + 6, mac, 6);
    o[12] = 8;
    o[13] = 0;
    memset(d, 0, 12);
    d[0] = (uint8_t)(legacy ? id >> 8 : 0);
    d[1] = (uint8_t)(legacy ? id : 0);
    d[2] = 0x84;
    d[5] = (uint8_t)legacy;
    d[7] = 1;
    p = d + 12;
    memcpy(p, name, 13);
    p += 13;
    if (legacy) {
        memcpy(p, asked_tc, 4); /* the question as it was asked */
        memcpy(p + 4, "\xc0\x0c", 2);
        p += 6;
    }
    memcpy(p, legacy ? "\0\1\0\1\0\0\0\x0a\0\4" : "\0\1\x80\1\0\0\0\x78\0\4",
           10);
    memcpy(p + 10, ours, 4);
    p += 14;
    dlen = (size_t)(p - d);
    n = 20 + 8 + dlen;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(n >> 8);
    ip[3] = (uint8_t)n;
    ip[6] = 0x40;
    ip[8] = 255;
    ip[9] = 17;
    memcpy(ip + 12, ours, 4);
    memcpy(ip + 16, legacy ? peer : gip, 4);
    s = 0xffff & ~sum16(ip, 20, 0);
    ip[10] = (uint8_t)(s >> 8);
    ip[11] = (uint8_t)s;
    u[0] = 0x14;
    u[1] = 0xe9;
    u[2] = (uint8_t)(legacy ? port >> 8 : 0x14);
    u[3] = (uint8_t)(legacy ? port : 0xe9);
    u[4] = (uint8_t)((8 + dlen) >> 8);
    u[5] = (uint8_t)(8 + dlen);
    u[6] = u[7] = 0;
    s = 0xffff & ~sum16(u, 8 + dlen,
                        sum16(ip + 12, 8, 0) + 17ul + 8 + dlen);
    if (s == 0) {
        s = 0xffff;
    }
    u[6] = (uint8_t)(s >> 8);
    u[7] = (uint8_t)s;
    return 14 + n;
}

/* Checks the IPv4 and UDP checksums of an answer frame of n bytes. */
static void check_sums(const uint8_t *o, size_t n)
{
    const uint8_t *ip = o + 14;
    size_t ulen;

    if (n < 42 || sum16(ip, 20, 0) != 0xffff) {
        fail("an answer's IPv4 header checksum");
    }
    ulen = be16(ip + 24);
    if (ulen + 34 != n ||
        sum16(ip + 20, ulen, sum16(ip + 12, 8, 0) + 17ul + ulen) != 0xffff) {
        fail("an answer's UDP checksum or length");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pagec_server srv;
    static uint8_t f[2048];
    uint8_t out[PAGEC_MDNS_OUT_MAX], want[PAGEC_MDNS_OUT_MAX];
    const uint8_t *msg;
    size_t n, fl, wl = 0;
    unsigned mode, s;
    uint16_t got;
    int legacy, yes;

    if (size < 1 || size > 1400) {
        return 0;
    }
    mode = data[0];
    msg = data + 1;
    n = size - 1;
    memset(&srv, 0, sizeof srv);
    if (!(mode & 4)) {
        memcpy(srv.addr, ours, 4);
    }
    if (mode & 0x80) {
        uint8_t *raw = malloc(n ? n : 1);

        if (!raw) {
            return 0;
        }
        memcpy(raw, msg, n);
        got = pagec_mdns_input(&srv, mac, "pagec", raw, (uint16_t)n, out,
                               sizeof out);
        if (got) {
            check_sums(out, got);
        }
        free(raw);
        return 0;
    }
    legacy = (mode & 2) != 0;
    /* the frame: Ethernet, IPv4, UDP, the message */
    memcpy(f, mode & 1 ? mac : gmac, 6);
    memcpy(f + 6, peer_mac, 6);
    f[12] = 8;
    f[13] = 0;
    memset(f + 14, 0, 28);
    f[14] = 0x45;
    f[16] = (uint8_t)((28 + n) >> 8);
    f[17] = (uint8_t)(28 + n);
    f[22] = 1;
    f[23] = 17;
    memcpy(f + 26, peer, 4);
    memcpy(f + 30, mode & 1 ? ours : gip, 4);
    s = 0xffff & ~sum16(f + 14, 20, 0);
    f[24] = (uint8_t)(s >> 8);
    f[25] = (uint8_t)s;
    f[34] = (uint8_t)(legacy ? 40000 >> 8 : 5353 >> 8);
    f[35] = (uint8_t)(legacy ? 40000 & 0xff : 5353 & 0xff);
    f[36] = 0x14;
    f[37] = 0xe9;
    f[38] = (uint8_t)((8 + n) >> 8);
    f[39] = (uint8_t)(8 + n);
    memcpy(f + 42, msg, n);
    if (!(mode & 16)) {
        s = 0xffff & ~sum16(f + 34, 8 + n, sum16(f + 26, 8, 0) + 17ul + 8 + n);
        if (s == 0) {
            s = 0xffff;
        }
        if (mode & 8) {
            s ^= 0x0101;
        }
        f[40] = (uint8_t)(s >> 8);
        f[41] = (uint8_t)s;
    }
    fl = 42 + n;

    yes = !(mode & 4) && !((mode & 8) && !(mode & 16)) && asked(msg, n);
    if (yes) {
        wl = answer(want, legacy, n >= 2 ? be16(msg) : 0, 40000);
    }
    got = pagec_mdns_input(&srv, mac, "pagec", f, (uint16_t)fl, out,
                           (uint16_t)(mode & 32 && yes ? wl - 1 : sizeof out));
    if (mode & 32 && yes) {
        if (got != 0) {
            fail("an answer written past the room it was given");
        }
        return 0;
    }
    if (!yes != !got) {
        fprintf(stderr, "fuzz_mdns: got %u bytes, the model %zu\n", got, wl);
        fail("pagec_mdns_input() and the model differ on answering");
    }
    if (got && (got != wl || memcmp(out, want, wl) != 0)) {
        fail("the answer is not the model's");
    }
    return 0;
}
