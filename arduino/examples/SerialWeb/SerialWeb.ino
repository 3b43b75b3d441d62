// SPDX-License-Identifier: BSD-3-Clause
//
// SerialWeb: a web site served by the board over its USB serial port with
// SLIP, reached from the PC through pagec-slip (no shield). The site is in
// the folder data; pagec compiled it into site.c and site.h, beside this
// file. After editing a page, compile it again, in this sketch's folder:
//
//     pagec --mss 966 --max-segments 1 data -o site.c
//
// The status page shows the uptime (millis() in seconds), the replies it
// filled, the voltage on A0 and the LED on pin 13, which its buttons set.
//
// The secret that keys the connections is the first 8 bytes of EEPROM.
// A board whose EEPROM was never written serves nothing: it asks for a
// secret on the serial port until it gets 16 hex digits (pagec-secret
// prints them; paste them into the Serial Monitor at 115200 baud).

#include <PagecSerial.h>
#include <pagec/live.h>

#include "site.h"

PagecSerial web;

static uint32_t requests; // replies whose requests field was filled

// The status page's live fields (site.h names them).
static uint8_t live(uint8_t id, uint8_t *dst, uint8_t width)
{
    switch (id) {
    case site_LIVE_uptime:
        return pagec_fmt_u32(dst, width, millis() / 1000u, 0);
    case site_LIVE_requests:
        return pagec_fmt_u32(dst, width, ++requests, 0);
    case site_LIVE_input: {
        // millivolts against the 5 V supply, and the unit
        uint16_t mv = (uint16_t)(((uint32_t)analogRead(A0) * 5000u) >> 10);
        uint8_t n;

        if (width < 7) {
            return pagec_fmt_u32(dst, width, mv, 0);
        }
        n = pagec_fmt_u32(dst, (uint8_t)(width - 3), mv, 0);
        dst[n] = ' ';
        dst[n + 1] = 'm';
        dst[n + 2] = 'V';
        return (uint8_t)(n + 3);
    }
    case site_LIVE_led:
        return pagec_fmt_onoff(dst, width, digitalRead(LED_BUILTIN), 0);
    }
    return 0;
}

// The page's buttons: the action led sets the LED on (1) or off (0).
static void action(uint8_t id, uint16_t arg)
{
    if (id == site_ACTION_led) {
        digitalWrite(LED_BUILTIN, arg ? HIGH : LOW);
    }
}

void setup()
{
    pinMode(LED_BUILTIN, OUTPUT);
    Serial.begin(115200);
    web.onLive(live);
    web.onAction(action);
    while (!web.begin(Serial, site_rom())) {
        web.provision(Serial);
    }
}

void loop()
{
    web.poll();
}
