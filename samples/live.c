/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * samples/live.c - the live values of the sample programs on Linux (see
 * live.h), formatted with pagec/live.h.
 */
#define _DEFAULT_SOURCE /* getloadavg */
#include <stdlib.h>
#include <time.h>

#include <pagec/live.h>

#include "demo_site.h"
#include "live.h"

static struct timespec start;
static uint32_t requests;
static uint8_t led; /* the demo LED: a variable, Linux has none to light */

void sample_live_start(void)
{
    clock_gettime(CLOCK_MONOTONIC, &start);
}

uint8_t sample_live(const struct pagec_server *srv, uint8_t id, uint8_t *dst,
                    uint8_t width)
{
    struct timespec now;
    double load;

    (void)srv;
    (void)now;
    (void)load;
#ifdef demo_site_LIVE_uptime
    if (id == demo_site_LIVE_uptime) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        return pagec_fmt_u32(dst, width, (uint32_t)(now.tv_sec - start.tv_sec),
                             0);
    }
#endif
#ifdef demo_site_LIVE_requests
    if (id == demo_site_LIVE_requests) {
        return pagec_fmt_u32(dst, width, ++requests, 0);
    }
#endif
#ifdef demo_site_LIVE_led
    if (id == demo_site_LIVE_led) {
        return pagec_fmt_text(dst, width, led ? "on" : "off", 0);
    }
#endif
#ifdef demo_site_LIVE_input
    if (id == demo_site_LIVE_input) {
        if (getloadavg(&load, 1) != 1) {
            return pagec_fmt_text(dst, width, "n/a", 0);
        }
        /* hundredths: 0.42 */
        return pagec_fmt_fixed(dst, width, (int32_t)(load * 100 + 0.5), 2, 0);
    }
#endif
    (void)id;
    (void)dst;
    (void)width;
    (void)requests;
    (void)led;
    return 0;
}

#if PAGEC_ACTIONS
void sample_action(const struct pagec_server *srv, uint8_t id, uint16_t arg)
{
    (void)srv;
    (void)arg;
#ifdef demo_site_ACTION_led
    if (id == demo_site_ACTION_led) {
        led = arg != 0; /* sets, never toggles: a request may come twice */
    }
#endif
    (void)id;
}
#endif
