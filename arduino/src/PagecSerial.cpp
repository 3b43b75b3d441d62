/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PagecSerial.cpp - the C++ side of PagecSerial.h: a serial port
 * as the driver's line, the secret from EEPROM, and its provisioning.
 */
#include <Arduino.h>
#include <avr/eeprom.h>

#include "PagecSerial.h"

/* How often provision() asks for a secret, in milliseconds. */
#define PROVISION_PROMPT_MS 3000u

static Stream *port;

static int line_available(void)
{
    return port->available();
}

static int line_read(void)
{
    return port->read();
}

static int line_room(void)
{
    return port->availableForWrite();
}

static void line_write(uint8_t c)
{
    port->write(c);
}

static const struct pagec_serial_line serial_line = {
    line_available, line_read, line_room, line_write};

bool PagecSerial::begin(Stream &p, const void *site, uint16_t eeprom)
{
    uint8_t secret[PAGEC_SERIAL_SECRET_LEN];
    bool ok;

    eeprom_read_block(secret, (const void *)(uintptr_t)eeprom, sizeof secret);
    port = &p;
    pagec_serial_callbacks(live_, action_);
    ok = pagec_serial_begin(site, secret, &serial_line) != 0;
    memset(secret, 0, sizeof secret);
    return ok;
}

void PagecSerial::onLive(pagec_serial_live_fn live)
{
    live_ = live;
    pagec_serial_callbacks(live_, action_);
}

void PagecSerial::onAction(pagec_serial_action_fn action)
{
    action_ = action;
    pagec_serial_callbacks(live_, action_);
}

void PagecSerial::poll()
{
    pagec_serial_poll(millis());
}

/* The value of hex digit c, or -1. */
static int hex_value(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 0x20; /* lower case */
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool PagecSerial::provision(Stream &p, uint16_t eeprom)
{
    uint8_t secret[PAGEC_SERIAL_SECRET_LEN] = {0};
    uint8_t digits = 0;
    bool bad = false;
    uint32_t asked = millis() - PROVISION_PROMPT_MS;

    for (;;) {
        int c;
        int v;

        if (digits == 0 && !bad && millis() - asked >= PROVISION_PROMPT_MS) {
            p.print(F("\r\npagec: no secret in EEPROM: send 16 hex digits "
                      "and a newline (pagec-secret prints them)\r\n"));
            asked = millis();
        }
        c = p.read();
        if (c < 0) {
            continue;
        }
        if (c == '\r' || c == '\n') {
            if (digits == 0 && !bad) {
                continue; /* an empty line */
            }
            break;
        }
        v = hex_value(c);
        if (v < 0 || digits == 2 * PAGEC_SERIAL_SECRET_LEN) {
            bad = true;
            continue;
        }
        secret[digits / 2] = (uint8_t)(secret[digits / 2] << 4 | v);
        digits++;
    }
    if (bad || digits != 2 * PAGEC_SERIAL_SECRET_LEN ||
        !pagec_serial_secret_ok(secret)) {
        p.print(F("pagec: not a secret: 16 hex digits, not all 0 or f\r\n"));
        return false;
    }
    eeprom_update_block(secret, (void *)(uintptr_t)eeprom, sizeof secret);
    memset(secret, 0, sizeof secret);
    p.print(F("pagec: secret stored\r\n"));
    return true;
}
