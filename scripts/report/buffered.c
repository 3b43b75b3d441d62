/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * buffered.c - the smallest driver of the buffered API, for
 * scripts/report.sh: it calls pagec_server_input() and nothing else of
 * the runtime, so that a linked image with --gc-sections keeps exactly
 * what that call needs. The inputs are volatile, so that the compiler can
 * assume nothing about them and keeps the call.
 */
#include <stdint.h>

#include "pagec/pagec.h"
#include "site.h"

static struct pagec_server srv;
static uint8_t frame[1006]; /* one SLIP datagram (RFC 1055's MTU) */
static struct pagec_reply reply;

volatile uint32_t report_clock;
volatile uint16_t report_len;
volatile uint8_t report_sink;

int main(void)
{
    uint8_t i;

    srv.site = &site;
    for (i = 0; i < sizeof srv.secret; i++) {
        srv.secret[i] = report_sink;
    }
    for (;;) {
        uint16_t n = pagec_server_input(&srv, report_clock, frame,
                                        report_len, &reply);

        if (n) {
            report_sink = reply.hdr[0];
        }
    }
}
