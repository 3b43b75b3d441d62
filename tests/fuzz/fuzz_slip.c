/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_slip.c - libFuzzer target for the SLIP decoder: any byte stream,
 * a frame buffer whose size the first input byte chooses (heap, exactly
 * that size, so that AddressSanitizer sees an overrun), and every frame
 * checked against a decoder of this file's own that follows pagec/slip.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagec/slip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The model: the frame so far, and whether it is being dropped. */
static uint8_t frame[65536];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pagec_slip s;
    uint16_t cap;
    uint8_t *buf;
    size_t len = 0;
    int esc = 0;
    int bad = 0;
    size_t i;

    if (size < 1) {
        return 0;
    }
    cap = (uint16_t)(1 + data[0] * 8); /* 1 to 2041 bytes */
    buf = malloc(cap);
    if (!buf) {
        return 0;
    }
    pagec_slip_init(&s, buf, cap);
    for (i = 1; i < size; i++) {
        uint8_t c = data[i];
        uint16_t got = pagec_slip_input(&s, c);
        size_t want = 0;

        if (c == 0xc0) {
            want = bad || esc ? 0 : len;
            len = 0;
            esc = 0;
            bad = 0;
        } else if (!bad) {
            if (esc) {
                esc = 0;
                c = c == 0xdc ? 0xc0 : c == 0xdd ? 0xdb : c;
                if (len == cap) {
                    bad = 1;
                } else {
                    frame[len++] = c;
                }
            } else if (c == 0xdb) {
                esc = 1;
            } else if (len == cap) {
                bad = 1;
            } else {
                frame[len++] = c;
            }
        }
        if (got != want || (got && memcmp(buf, frame, got) != 0)) {
            fprintf(stderr, "fuzz_slip: byte %zu: frame of %u, want %zu\n",
                    i, got, want);
            abort();
        }
    }
    free(buf);
    return 0;
}
