/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * isn_avr.c - HalfSipHash and the ISN function on an ATmega328P, for the
 * emulated_avr_isn test: the reference vectors computed by the AVR's own
 * code path (its rotations are written for an 8-bit core), then the time
 * of one ISN.
 *
 * Pins, as pagec-avrsim reads them (samples/avr/main.c's meaning):
 *   PB0 (frame)  one pulse for every vector computed right: the 64 of
 *                HalfSipHash-2-4, then 8 ISNs
 *   PB1 (drop)   one pulse for every vector computed wrong
 *   PB2 (busy)   high around each of ISN_CALLS calls of pagec_isn()
 * Then the UART's receiver is enabled, which pagec-avrsim takes for
 * "serving": the counts are final.
 */
#include <avr/io.h>

#include "../unit/halfsiphash_vectors.h"
#include "pagec/pagec.h"

#define ISN_CALLS 100

/* pagec_isn() for the inputs of the loop in main(), as the host computes
 * it (tests/unit/test_isn.c checks the host's against a model of its
 * own): the AVR's code path, rotations and all, must give the same. */
static const uint32_t isn_want[8] = {
    0x81fc72bau, 0x589a60eau, 0x2ffb3a5du, 0xfe87af82u,
    0x8f135354u, 0x5dc9d6dfu, 0x2f273ee0u, 0xf61fd474u};

static volatile uint32_t sink; /* keeps the calls from being optimised away */

int main(void)
{
    static const uint8_t client[4] = {192, 0, 2, 1};
    static const uint8_t server[4] = {192, 0, 2, 2};
    uint8_t key[8];
    uint8_t msg[64];
    uint8_t i;

    DDRB |= _BV(PB0) | _BV(PB1) | _BV(PB2);
    for (i = 0; i < 64; i++) {
        msg[i] = i;
    }
    for (i = 0; i < 8; i++) {
        key[i] = i;
    }
    for (i = 0; i < 64; i++) {
        uint32_t h = pagec_halfsiphash(key, msg, i);
        const uint8_t *v = halfsiphash_vectors[i];
        uint8_t pin = h == ((uint32_t)v[0] | (uint32_t)v[1] << 8 |
                            (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24)
                          ? _BV(PB0)
                          : _BV(PB1);

        PORTB |= pin;
        PORTB &= (uint8_t)~pin;
    }
    for (i = 0; i < 8; i++) {
        uint32_t isn = pagec_isn(key, client, server,
                                 (uint16_t)(40000u + i * 4099u),
                                 (uint16_t)(80 + i * 1000u),
                                 1234u + i * 0x01234567u, (uint8_t)(i & 3),
                                 0x12345678u + i * 0x01010101u);
        uint8_t pin = isn == isn_want[i] ? _BV(PB0) : _BV(PB1);

        PORTB |= pin;
        PORTB &= (uint8_t)~pin;
    }
    for (i = 0; i < ISN_CALLS; i++) {
        PORTB |= _BV(PB2);
        sink = pagec_isn(key, client, server, (uint16_t)(40000u + i), 80,
                         1234, 3, 0x12345678u);
        PORTB &= (uint8_t)~_BV(PB2);
    }
    UBRR0 = 16;
    UCSR0A = _BV(U2X0);
    UCSR0B = _BV(RXEN0) | _BV(TXEN0);
    for (;;) {
    }
}
