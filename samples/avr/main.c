/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c - a web server on an ATmega328P (Arduino Uno) at 16 MHz: the
 * sample site, compiled into flash, served over SLIP on UART0 at 115200
 * baud with the streaming API of the pagec runtime. No packet buffer: a
 * received datagram goes into the runtime a byte at a time as it comes
 * off the line, and the reply goes out a byte at a time as the runtime
 * makes it.
 *
 * Hardware:
 *   RXD/TXD (PD0/PD1, Arduino pins 0/1)  the SLIP line, 115200 8N1, to
 *       pagec-slip on the host (through the board's USB serial chip)
 *   PB5 (Arduino pin 13, the LED)  high while the runtime works: around
 *       every call into it (SLIP decoding, each received byte, the end of
 *       a datagram, each reply byte pulled), low while the firmware waits
 *       for the line. The cycles it is high are the runtime's cost; the
 *       LED glows faintly at each request.
 *   PB0 (Arduino pin 8)  high from the first byte of a SLIP frame to the
 *       last byte of its reply (or its end, when it gets none): one pulse
 *       per datagram.
 *   PB1 (Arduino pin 9)  a pulse for every received byte lost to a full
 *       receive ring (uart.c).
 * pagec-avrsim (tests/emulated) watches these pins to count cycles.
 *
 * RAM: the receive ring (uart.h), the stream state (struct pagec_stream,
 * 63 bytes), the server's settings (14 bytes) and the stack. The
 * free RAM is painted with a pattern at start-up, so that the stack's high
 * water mark can be read later (with a debugger on a board, or by the
 * emulator): the lowest byte that lost the pattern.
 *
 * The clock the runtime's ISNs need counts seconds from start-up, by the
 * compare interrupt of Timer1.
 */
#include <avr/eeprom.h>
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <util/atomic.h>

#include "build_secret.h"
#include "demo_site.h"
#include "pagec/slip.h"
#include "pagec/stream.h"
#include "uart.h"

#define BUSY_ON() (PORTB |= _BV(PB5))
#define BUSY_OFF() (PORTB &= (uint8_t)~_BV(PB5))
#define FRAME_ON() (PORTB |= _BV(PB0))
#define FRAME_OFF() (PORTB &= (uint8_t)~_BV(PB0))

/* The byte the free RAM is painted with: not 0x00 or 0xff, which fresh
 * stack frames often hold. */
#define STACK_PAINT 0xc5

/* Where a provisioned device keeps its secret: the first 8 bytes of the
 * EEPROM (avrdude -U eeprom:w:secret.bin:r). */
#define SECRET_EEPROM_ADDR ((const void *)0)

/* Timer1 in CTC mode, clock / 256, compare at 62500: one interrupt a
 * second at 16 MHz. */
#define TIMER1_PRESCALE_BITS (_BV(CS12))
#define TIMER1_TOP (F_CPU / 256 - 1)

#if TIMER1_TOP > 0xffff
#error "F_CPU too high for Timer1 at clock / 256"
#endif

static volatile uint32_t clock_seconds;

/* The server's settings: in RAM, since the secret is read at start-up. */
static struct pagec_server srv;

/* The datagram being received or answered. */
static struct pagec_stream stream;

/* The SLIP decoder's one byte of state, and whether the frame being
 * decoded has fed the runtime a byte yet (an empty frame, line noise
 * flushed by an END, is ignored). */
static uint8_t slip_esc;
static uint8_t in_frame;

/*
 * Paints the RAM between the end of .bss (__heap_start; there is no heap)
 * and the stack pointer with STACK_PAINT. Runs in .init3, after the stack
 * pointer and r1 are set up (.init2) and before .data and .bss are
 * (.init4): naked and in assembly, since no C frame exists yet.
 */
void paint_stack(void) __attribute__((naked, used, section(".init3")));

void paint_stack(void)
{
    __asm__ volatile(
        "    ldi r30, lo8(__heap_start)\n"
        "    ldi r31, hi8(__heap_start)\n"
        "    in r26, __SP_L__\n"
        "    in r27, __SP_H__\n"
        "    ldi r24, %0\n"
        "1:  st Z+, r24\n"
        "    cp r26, r30\n"
        "    cpc r27, r31\n"
        "    brsh 1b\n"
        :
        : "M"(STACK_PAINT)
        : "r24", "r26", "r27", "r30", "r31", "memory");
}

ISR(TIMER1_COMPA_vect)
{
    clock_seconds++;
}

static uint32_t seconds(void)
{
    uint32_t s;

    ATOMIC_BLOCK(ATOMIC_RESTORESTATE)
    {
        s = clock_seconds;
    }
    return s;
}

/*
 * The ISN secret: a real device keeps its own in EEPROM, written once when
 * it is provisioned, so that no two devices share one and it survives a
 * firmware update. An erased EEPROM (all 0xff) means no secret was
 * provisioned: the firmware then falls back to the random value CMake drew
 * for this build folder (build_secret.h, from /dev/urandom); every board
 * flashed from the same build shares that one, which is better than a
 * constant but not per device.
 */
static void load_secret(void)
{
    static const __flash uint8_t fallback[sizeof srv.secret] = {
        PAGEC_AVR_BUILD_SECRET};
    uint8_t i;
    uint8_t erased = 0xff;

    eeprom_read_block(srv.secret, SECRET_EEPROM_ADDR, sizeof srv.secret);
    for (i = 0; i < sizeof srv.secret; i++) {
        erased &= srv.secret[i];
    }
    if (erased == 0xff) {
        for (i = 0; i < sizeof srv.secret; i++) {
            srv.secret[i] = fallback[i];
        }
    }
}

/* Sends every reply byte the runtime has ready; the busy pin is high on
 * entry and on return, low while a byte goes out. */
static void send_pending(void)
{
    while (pagec_stream_pending(&stream)) {
        uint8_t first = !pagec_stream_started(&stream);
        uint8_t c = pagec_stream_next(&srv, &stream);

        BUSY_OFF();
        if (first) {
            /* a leading END ends whatever line noise the peer got */
            uart_put(PAGEC_SLIP_END, 0);
        }
        pagec_slip_put_escaped(c, uart_put, 0);
        BUSY_ON();
    }
}

/* One byte from the line. */
static void line_byte(uint8_t c)
{
    int16_t d;

    BUSY_ON();
    d = pagec_slip_decode(&slip_esc, c);
    if (d >= 0) {
        if (!in_frame) {
            in_frame = 1;
            FRAME_ON();
            pagec_stream_begin(&stream);
        }
        pagec_stream_byte(&srv, &stream, (uint8_t)d);
        send_pending(); /* an echo reply goes out as its request comes */
    } else if (d != PAGEC_SLIP_MORE && in_frame) {
        if (d == PAGEC_SLIP_FRAME) {
            pagec_stream_end(&srv, &stream, seconds());
            send_pending();
        }
        /* else the frame broke (END right after ESC): it is dropped, and
         * an echo reply already begun is cut short; the peer drops it */
        if (pagec_stream_started(&stream)) {
            BUSY_OFF();
            uart_put(PAGEC_SLIP_END, 0);
            BUSY_ON();
        }
        in_frame = 0;
        FRAME_OFF();
    }
    BUSY_OFF();
}

int main(void)
{
    DDRB |= _BV(PB5) | _BV(PB0);
    srv.site = &demo_site;
    load_secret();

    uart_init();
    /* CTC to OCR1A; the counter starts from 0, far below TIMER1_TOP when
     * OCR1A is written (simavr, too, wants the mode set first) */
    TCCR1A = 0;
    TCCR1B = _BV(WGM12) | TIMER1_PRESCALE_BITS;
    OCR1A = TIMER1_TOP;
    TIMSK1 = _BV(OCIE1A);
    set_sleep_mode(SLEEP_MODE_IDLE); /* the UART and Timer1 wake it */
    sei();

    for (;;) {
        /* Sleep only when the ring is empty, checked with interrupts off:
         * sei takes effect after the next instruction, so a byte that
         * arrives in between wakes the sleep instead of waiting in the
         * ring until the next one. */
        cli();
        if (!uart_rx_ready()) {
            sleep_enable();
            sei();
            sleep_cpu();
            sleep_disable();
        }
        sei();
        while (uart_rx_ready()) {
            line_byte(uart_rx_get());
        }
    }
}
