/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * firmware.c - the receive path of a firmware on the streaming API, built
 * with the toolchain of the cross build: every byte off the line goes in,
 * every reply byte ready goes out through uart_put().
 */
#include "pagec/stream.h"
#include "web.h"

void uart_put(uint8_t c);
void fw_byte(uint8_t c, uint8_t last, uint32_t now);

static struct pagec_server srv = {&web, {1, 2, 3, 4, 5, 6, 7, 8}, {0, 0, 0, 0}};
static struct pagec_stream st;
static uint8_t in_frame;

void fw_byte(uint8_t c, uint8_t last, uint32_t now)
{
    if (!in_frame) {
        pagec_stream_begin(&st);
        in_frame = 1;
    }
    pagec_stream_byte(&srv, &st, c);
    if (last) {
        pagec_stream_end(&srv, &st, now);
        in_frame = 0;
    }
    while (pagec_stream_pending(&st)) {
        uart_put(pagec_stream_next(&srv, &st));
    }
}
