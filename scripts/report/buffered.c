/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * buffered.c - the smallest driver of the buffered API, for
 * scripts/report.sh: it calls pagec_server_input() and nothing else of
 * the runtime, so that a linked image with --gc-sections keeps exactly
 * what that call needs. The inputs are volatile, so that the compiler can
 * assume nothing about them and keeps the call.
 *
 * Built with REPORT_ETH, a driver of an Ethernet MAC instead: each frame
 * goes through pagec_eth_input() first, an ARP reply or the datagram's
 * reply with the header of pagec_eth_header() goes out, so that the
 * image's difference from the plain one is what Ethernet costs. With
 * REPORT_MDNS too, each frame is offered to pagec_mdns_input() first;
 * with REPORT_LINKLOCAL, to pagec_linklocal_input(), and
 * pagec_linklocal_poll() runs each turn: what each of them adds.
 *
 * Built with REPORT_PPP, a driver of a serial line with PPP instead:
 * each byte goes to pagec_ppp_input(), a datagram it completes to
 * pagec_server_input(), the reply out through pagec_ppp_send_reply(),
 * and pagec_ppp_poll() runs each turn.
 */
#include <stddef.h>
#include <stdint.h>

#include "pagec/pagec.h"
#include "site.h"
#ifdef REPORT_ETH
#include "pagec/eth.h"
#endif
#ifdef REPORT_MDNS
#include "pagec/mdns.h"
static uint8_t answer[PAGEC_MDNS_OUT_MAX];
#endif
#ifdef REPORT_LINKLOCAL
#include "pagec/linklocal.h"
static struct pagec_linklocal ll;
#endif

static struct pagec_server srv;
#ifdef REPORT_PPP
#include "pagec/ppp.h"
static struct pagec_ppp ppp;
static uint8_t frame[PAGEC_PPP_HLEN + 1500 + 2]; /* the default MRU */
volatile uint8_t report_line;

static void line_put(uint8_t c, void *ctx)
{
    (void)ctx;
    report_line = c;
}
#elif defined(REPORT_ETH)
static uint8_t frame[1514]; /* one Ethernet frame, FCS aside */
static uint8_t mac[6];
#else
static uint8_t frame[1006]; /* one SLIP datagram (RFC 1055's MTU) */
#endif
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
#ifdef REPORT_PPP
    pagec_ppp_init(&ppp, frame, sizeof frame);
#endif
    for (;;) {
#ifdef REPORT_PPP
        uint16_t n = pagec_ppp_input(&ppp, &srv, report_line, report_clock,
                                     line_put, NULL);

        if (n && pagec_server_input(&srv, report_clock, frame + PAGEC_PPP_HLEN,
                                    n, &reply)) {
            pagec_ppp_send_reply(&reply, line_put, NULL);
        }
        pagec_ppp_poll(&ppp, &srv, report_clock, line_put, NULL);
#elif defined(REPORT_ETH)
        /* ARP's reply and the header made in place, as a driver short of
         * RAM does */
        uint16_t len = report_len;

#ifdef REPORT_LINKLOCAL
        if (pagec_linklocal_poll(&ll, &srv, mac, report_clock, frame)) {
            report_sink = frame[report_len % PAGEC_ETH_ARP_LEN];
        }
        pagec_linklocal_input(&ll, &srv, mac, frame, len, report_clock);
#endif
#ifdef REPORT_MDNS
        if (pagec_mdns_input(&srv, mac, "pagec", frame, len, answer,
                             sizeof answer)) {
            report_sink = answer[report_len % sizeof answer];
            continue;
        }
#endif
        switch (pagec_eth_input(&srv, mac, frame, len, frame)) {
        case PAGEC_ETH_ARP:
            report_sink = frame[report_len % PAGEC_ETH_ARP_LEN];
            break;
        case PAGEC_ETH_IPV4:
            if (pagec_server_input(&srv, report_clock, frame + PAGEC_ETH_HLEN,
                                   (uint16_t)(len - PAGEC_ETH_HLEN), &reply)) {
                pagec_eth_header(mac, frame, frame);
                report_sink = (uint8_t)(frame[report_len % PAGEC_ETH_HLEN] ^
                                        reply.hdr[0]);
            }
            break;
        default:
            break;
        }
#else
        uint16_t n = pagec_server_input(&srv, report_clock, frame,
                                        report_len, &reply);

        if (n) {
            report_sink = reply.hdr[0];
        }
#endif
    }
}
