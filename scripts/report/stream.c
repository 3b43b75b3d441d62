/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stream.c - the smallest driver of the streaming API, for
 * scripts/report.sh: it calls the pagec_stream_* functions and nothing
 * else of the runtime, as samples/avr/main.c does (without its SLIP
 * helpers). Bytes come from and go to volatile variables, so that the
 * compiler keeps every call.
 */
#include <stdint.h>

#include "pagec/stream.h"
#include "site.h"

static struct pagec_server srv;
static struct pagec_stream stream;

volatile uint32_t report_clock;
volatile uint8_t report_rx;
volatile uint8_t report_more;
volatile uint8_t report_tx;

static void send_pending(void)
{
    while (pagec_stream_pending(&stream)) {
        report_tx = pagec_stream_next(&srv, &stream);
    }
}

int main(void)
{
    uint8_t i;

    srv.site = &site;
    for (i = 0; i < sizeof srv.secret; i++) {
        srv.secret[i] = report_rx;
    }
    for (;;) {
        pagec_stream_begin(&stream);
        while (report_more) {
            pagec_stream_byte(&srv, &stream, report_rx);
            send_pending();
        }
        pagec_stream_end(&srv, &stream, report_clock);
        do {
            send_pending();
            if (pagec_stream_started(&stream)) {
                report_tx = 0xc0;
            }
#if PAGEC_LARGE
        } while (pagec_stream_more(&srv, &stream));
#else
        } while (0);
#endif
    }
}
