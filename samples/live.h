/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * samples/live.h - the live values of the sample programs on Linux: the
 * callback that fills the live fields of the sample site.
 */
#ifndef PAGEC_SAMPLES_LIVE_H
#define PAGEC_SAMPLES_LIVE_H

#include <pagec/pagec.h>

/* Starts the uptime clock; call once at start-up. */
void sample_live_start(void);

/*
 * The callback of struct pagec_server: uptime (seconds since
 * sample_live_start()), requests (the pages with live fields sent so
 * far), input (the load average of the last minute), led (the demo
 * LED, "on" or "off"). A site without those fields gets spaces.
 */
uint8_t sample_live(const struct pagec_server *srv, uint8_t id, uint8_t *dst,
                    uint8_t width);

#if PAGEC_ACTIONS
/*
 * The action callback of struct pagec_server: the action led sets the
 * demo LED (a variable) to on when its argument is not 0, else to off;
 * the live field led shows it, "on" or "off". Other actions do nothing.
 */
void sample_action(const struct pagec_server *srv, uint8_t id, uint16_t arg);
#endif

#endif
