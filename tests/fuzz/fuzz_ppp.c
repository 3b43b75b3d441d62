/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_ppp.c - libFuzzer target of the PPP receiver (pagec/ppp.h)
 * against a model of this file's own.
 *
 * The input is the line's bytes after a flag (which starts PPP at once,
 * without the modem's dialogue), all at one instant (so no "+++" escape);
 * the first input byte chooses the frame buffer's size (64 to 1599) and
 * whether the device has an address. The model reads the line as RFC 1662
 * lays it out: frames between flags, 0x7d escapes, an abort (0x7d 0x7e),
 * the FCS-16 by the bit (a loop of its own), and decides which frames are
 * IPv4 datagrams the receiver must return, with their bytes. What the
 * device sends must be frames alone (no modem text in data mode), each
 * with a good FCS, no unescaped control character, the full header, and
 * protocol LCP or IPCP, with a code that answers what came: an Ack or
 * Reject and a Configure-Request for a Configure-Request, an Echo-Reply
 * for an Echo-Request, a Terminate-Ack, a Code-Reject or a
 * Protocol-Reject.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagec/ppp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out[1 << 17];
static size_t nout;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_ppp: CHECK FAILED: %s\n", what);
    abort();
}

static void put(uint8_t c, void *ctx)
{
    (void)ctx;
    if (nout == sizeof out) {
        fail("the device sent more than 128 KiB");
    }
    out[nout++] = c;
}

static unsigned fcs_bits(const uint8_t *p, size_t n)
{
    unsigned f = 0xffff;
    size_t i;
    int b;

    for (i = 0; i < n; i++) {
        f ^= p[i];
        for (b = 0; b < 8; b++) {
            f = (f & 1) ? (f >> 1) ^ 0x8408 : f >> 1;
        }
    }
    return f;
}

/* Checks what the device sent: frames only, well formed. Returns the
 * number of frames. */
static int check_out(void)
{
    static uint8_t f[1 << 17];
    size_t i, n = 0;
    int in = 0, esc = 0, frames = 0;

    for (i = 0; i < nout; i++) {
        uint8_t c = out[i];

        if (c == 0x7e) {
            if (in && n) {
                unsigned proto;

                if (esc || n < 8 || fcs_bits(f, n) != 0xf0b8) {
                    fail("a frame from the device is malformed");
                }
                if (f[0] != 0xff || f[1] != 0x03) {
                    fail("a frame from the device without its header");
                }
                proto = (unsigned)f[2] << 8 | f[3];
                if (proto != 0xc021 && proto != 0x8021) {
                    fail("the device sent a protocol other than LCP, IPCP");
                }
                if (((unsigned)f[6] << 8 | f[7]) != n - 6) {
                    fail("a packet's length is not its frame's");
                }
                if (f[4] == 0 || f[4] > 10 || f[4] == 3 || f[4] == 9) {
                    fail("the device sent a code it never answers with");
                }
                frames++;
            }
            in = 1;
            n = 0;
            esc = 0;
            continue;
        }
        if (!in) {
            fail("bytes from the device outside a frame");
        }
        if (c < 0x20) {
            fail("an unescaped control character from the device");
        }
        if (c == 0x7d) {
            esc = 1;
            continue;
        }
        f[n++] = esc ? c ^ 0x20 : c;
        esc = 0;
    }
    if (in && n) {
        fail("a frame from the device left open");
    }
    return frames;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pagec_server srv;
    struct pagec_ppp p;
    static uint8_t buf[1600];
    static uint8_t model[1 << 17];
    uint16_t bsize;
    size_t i, n = 0;
    int esc = 0, broken = 0;

    if (size < 1 || size > 20000) {
        return 0;
    }
    bsize = (uint16_t)(64 + (data[0] * 6u) % 1536u);
    memset(&srv, 0, sizeof srv);
    if (data[0] & 1) {
        memcpy(srv.addr, "\xc0\x00\x02\x02", 4);
    }
    pagec_ppp_init(&p, buf, bsize);
    nout = 0;
    if (pagec_ppp_input(&p, &srv, 0x7e, 0, put, NULL) != 0) {
        fail("a flag returned a datagram");
    }
    for (i = 1; i < size; i++) {
        uint8_t c = data[i];
        uint16_t got = pagec_ppp_input(&p, &srv, c, 0, put, NULL);
        size_t want = 0;

        /* the model */
        if (c == 0x7e) {
            if (!esc && !broken && n >= 6 && fcs_bits(model, n) == 0xf0b8 &&
                model[0] == 0xff && model[1] == 0x03 && model[2] == 0x00 &&
                model[3] == 0x21) {
                want = n - 6;
            }
            n = 0;
            esc = 0;
            broken = 0;
        } else if (!broken) {
            if (c == 0x7d) {
                esc = 1;
            } else {
                if (n == bsize) {
                    broken = 1; /* longer than the buffer */
                } else {
                    model[n++] = esc ? c ^ 0x20 : c;
                }
                esc = 0;
            }
        }
        if (got != want) {
            fprintf(stderr, "fuzz_ppp: byte %zu: got %u, the model %zu\n", i,
                    got, want);
            fail("pagec_ppp_input() and the model differ");
        }
        if (want && memcmp(buf + PAGEC_PPP_HLEN, model + 4, want) != 0) {
            fail("the datagram's bytes are not the line's");
        }
    }
    check_out();
    return 0;
}
