/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c - a web server on an ATmega328P (Arduino Uno) at 16 MHz: the
 * sample site, compiled into flash, served over SLIP on UART0 at 115200
 * baud with the streaming API of the pagec runtime. No packet buffer: a
 * received datagram goes into the runtime a byte at a time as it comes
 * off the line, and the reply goes out a byte at a time as the runtime
 * makes it. The line is read while a reply goes out: two streams, one
 * receiving while the other's reply is sent; a datagram that finds both
 * taken is dropped whole (TCP sends it again), so the receive ring never
 * overflows.
 *
 * Hardware:
 *   RXD/TXD (PD0/PD1, Arduino pins 0/1)  the SLIP line, 115200 8N1, to
 *       pagec-slip on the host (through the board's USB serial chip)
 *   PB5 (Arduino pin 13, the LED)  the LED of the status page: the
 *       page's buttons (the site's actions) set it on and off, and its
 *       led field shows the pin's state, read back from PORTB.
 *   PB2 (Arduino pin 10)  high while the runtime works: around every
 *       call into it and the driver's own work for each byte (SLIP
 *       decoding, each received byte, the end of a datagram, each reply
 *       byte pulled and escaped), low while the firmware waits for the
 *       line. The cycles it is high are the runtime's cost.
 *   PB0 (Arduino pin 8)  high from the first byte of a SLIP frame to the
 *       last byte of its reply (or its end, when it gets none): one pulse
 *       per datagram. A datagram that arrives while a reply goes out
 *       starts its pulse when that reply ends (its bytes read meanwhile
 *       count in the earlier pulse); one that got no reply meanwhile makes
 *       a pulse of no length then.
 *   PB1 (Arduino pin 9)  a pulse for every received byte lost to a full
 *       receive ring (uart.c).
 * pagec-avrsim (tests/emulated) watches these pins to count cycles.
 *
 * RAM: the receive ring (uart.h, 64 bytes), two streams (struct
 * pagec_stream, 80 bytes each with PAGEC_LIVE_MAX 27), the server's
 * settings (22 bytes), a few bytes of the driver's and the stack (about
 * 180 bytes at its deepest: the end of a SYN, its ISN computed, read
 * while a reply goes out, under an interrupt); some 460 bytes in all
 * (bench/run, section ram). The free RAM is painted with a pattern at
 * start-up, so that the stack's high water mark can be read later (with
 * a debugger on a board, or by the emulator): the lowest byte that lost
 * the pattern.
 *
 * The small services (echo, discard and daytime on TCP and UDP) are on.
 * An echo request, ICMP or to the echo service, is answered as it
 * arrives: its reply's bytes go out before the next byte is read
 * (rx_hold), which the driver checks for after each byte of a datagram
 * that may be one (rx_echo: ICMP, or TCP or UDP to port 7, known from
 * its first bytes).
 *
 * The clock the runtime's ISNs need counts seconds from start-up, by the
 * compare interrupt of Timer1.
 *
 * Live fields (the status page's uptime, requests, input and led): the
 * callback live() writes the seconds of that clock, a count of the
 * replies it filled, the voltage on ADC0 (PC0, Arduino pin A0) in
 * millivolts, which the ADC converts over and over (free running) so
 * that a reply reads the last conversion without waiting for one, and
 * "on" or "off" for the LED, read back from PORTB. The page's buttons
 * are the site's actions: the callback action() sets the LED. The
 * live bytes of a reply are kept in its stream until they go out
 * (PAGEC_LIVE_MAX, set to the site's in CMakeLists.txt).
 */
#include <avr/eeprom.h>
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <util/atomic.h>

#include "build_secret.h"
#include "demo_site.h"
#include "pagec/live.h"
#include "pagec/ppp.h"
#include "pagec/slip.h"
#include "pagec/stream.h"
#include "uart.h"

#define BUSY_ON() (PORTB |= _BV(PB2))
#define BUSY_OFF() (PORTB &= (uint8_t)~_BV(PB2))
#define LED_BIT _BV(PB5)
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

/* The ADC's reference, AVcc, in millivolts: the board's supply (5 V on
 * an Arduino Uno), which the input field scales its readings by. */
#ifndef AVR_VREF_MV
#define AVR_VREF_MV 5000u
#endif

/* The ADC's clock: F_CPU / 128, 125 kHz at 16 MHz (at most 200 kHz for
 * its full resolution); a conversion takes 13 of its cycles. */
#define ADC_PRESCALE_BITS (_BV(ADPS2) | _BV(ADPS1) | _BV(ADPS0))

/* Seconds from start-up; the timer interrupt (assembly) counts them. */
volatile uint32_t clock_seconds;

/* The server's settings: in RAM, since the secret is read at start-up. */
static struct pagec_server srv;

#if !AVR_PPP
/*
 * The datagrams being received or answered: one stream receives while the
 * replies of the others wait for the line or go out, so that the line is
 * read while a reply is sent (a reply is bigger than its request: a
 * browser's parallel requests come faster than their replies can leave).
 * The streams from tx_s on, queued of them, hold replies in the order
 * their datagrams came; the one after them, rx_s, receives. When all of
 * them are taken, a datagram that begins is dropped whole (rx_special()).
 * Each stream more costs sizeof(struct pagec_stream) bytes of RAM (80)
 * and keeps a datagram more of a burst.
 */
#ifndef AVR_STREAMS
#define AVR_STREAMS 2
#endif
static struct pagec_stream streams[AVR_STREAMS];
static struct pagec_stream *tx_s = streams;
static uint8_t queued;
static struct pagec_stream *rx_s = streams;

/* The frame pin makes one pulse per datagram, in the order they came:
 * a datagram received while a reply goes out starts its pulse when that
 * reply's ends; owed[i] counts those that ended without a reply after
 * stream i's datagram, each a pulse of no length after stream i's. */
static uint8_t owed[AVR_STREAMS];

/* The receiving stream has reply bytes to send before it takes its next
 * byte: an echo reply, which goes out as its request comes. */
static uint8_t rx_hold;

/* The SLIP decoder's one byte of state: an ESC came. */
static uint8_t slip_esc;

/* The frame being decoded: none begun yet (an empty frame, line noise
 * flushed by an END, is ignored), its head, the rest, or one being
 * dropped. Its head is the bytes that tell whether it may be an echo
 * request, whose reply goes out as it comes in: up to the IPv4 protocol
 * (byte 9) for ICMP and every protocol but TCP and UDP, up to the
 * destination port (the IPv4 header's length + 4) for TCP and UDP, whose
 * echo service is on port 7. rx_count: its bytes so far, while in its
 * head; rx_head: the head's length; rx_echo: it may be an echo request
 * (ICMP, or TCP or UDP to port 7); rx_slow: its next byte takes
 * rx_special() whatever it is. */
enum { RX_IDLE, RX_HEAD, RX_BODY, RX_SHED };
static uint8_t rx_state;
static uint8_t rx_count;
static uint8_t rx_head;
static uint8_t rx_echo;
static uint8_t rx_slow = 1;

/* Datagrams dropped whole because every stream held a reply (for a
 * debugger, or an emulator, to read). */
uint16_t shed;
#endif

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

/* A second has passed. In assembly, saving one register rather than the
 * seven the compiler saves (see uart.c). */
ISR(TIMER1_COMPA_vect, ISR_NAKED)
{
    __asm__ volatile(
        "    push r24\n"
        "    in r24, __SREG__\n"
        "    push r24\n"
        "    lds r24, clock_seconds\n"
        "    subi r24, 0xff\n" /* + 1; lds and sts keep the carry */
        "    sts clock_seconds, r24\n"
        "    lds r24, clock_seconds + 1\n"
        "    sbci r24, 0xff\n"
        "    sts clock_seconds + 1, r24\n"
        "    lds r24, clock_seconds + 2\n"
        "    sbci r24, 0xff\n"
        "    sts clock_seconds + 2, r24\n"
        "    lds r24, clock_seconds + 3\n"
        "    sbci r24, 0xff\n"
        "    sts clock_seconds + 3, r24\n"
        "    pop r24\n"
        "    out __SREG__, r24\n"
        "    pop r24\n"
        "    reti\n");
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

#if PAGEC_LARGE || AVR_PPP
/* Milliseconds of a Timer1 count, times 2^16: TIMER1_TOP + 1 counts
 * make a second. */
#define TIMER1_MS_16 ((1000uL << 16) / (TIMER1_TOP + 1))

/* The clock in milliseconds (srv.millis), which a large reply's
 * timestamps carry: the seconds and Timer1's count within the second. A
 * compare match not yet counted by its interrupt counts here. */
static uint32_t millis(const struct pagec_server *p)
{
    uint32_t s;
    uint16_t t;

    (void)p;
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE)
    {
        s = clock_seconds;
        t = TCNT1;
        if ((TIFR1 & _BV(OCF1A)) && t < TIMER1_TOP / 2) {
            s++; /* the second ended between the two reads */
        }
    }
    return s * 1000u + (uint16_t)(((uint32_t)t * TIMER1_MS_16) >> 16);
}
#endif

#if PAGEC_LIVE
/* Replies whose requests field live() filled: the live page's 200
 * replies made (a request sent again by its client counts again). */
static uint32_t requests;

/* The voltage on ADC0 in millivolts and " mV", right-aligned in the
 * field; the number alone when the field is too narrow for the unit.
 * The ADC converts all the time (main()): ADCW holds the last
 * conversion, 0 to 1023 for 0 V to AVR_VREF_MV. */
static uint8_t live_input(uint8_t *dst, uint8_t width)
{
    uint16_t mv = (uint16_t)(((uint32_t)ADCW * AVR_VREF_MV) >> 10);

    if (width < 7) {
        return pagec_fmt_u32(dst, width, mv, 0);
    }
    width = pagec_fmt_u32(dst, (uint8_t)(width - 3), mv, 0);
    dst[width] = ' ';
    dst[width + 1] = 'm';
    dst[width + 2] = 'V';
    return (uint8_t)(width + 3);
}

/* The live fields of the sample site (demo_site.h names them): uptime in
 * seconds, the requests count, the input in millivolts, the LED. Another
 * site's fields get spaces. Called from pagec_stream_end(). Built with
 * AVR_LIVE_NOTHING, it writes nothing, so that every field goes out as
 * spaces the runtime pads it with: what live fields cost the runtime,
 * without the formatting (bench/run, section live). */
static uint8_t live(const struct pagec_server *s, uint8_t id, uint8_t *dst,
                    uint8_t width)
{
    (void)s;
#ifdef AVR_LIVE_NOTHING
    (void)id;
    (void)dst;
    (void)width;
    (void)live_input;
    return 0;
#endif
#ifdef demo_site_LIVE_uptime
    if (id == demo_site_LIVE_uptime) {
        return pagec_fmt_u32(dst, width, seconds(), 0);
    }
#endif
#ifdef demo_site_LIVE_requests
    if (id == demo_site_LIVE_requests) {
        return pagec_fmt_u32(dst, width, ++requests, 0);
    }
#endif
#ifdef demo_site_LIVE_input
    if (id == demo_site_LIVE_input) {
        return live_input(dst, width);
    }
#endif
#ifdef demo_site_LIVE_led
    if (id == demo_site_LIVE_led) {
        return pagec_fmt_onoff(dst, width, PORTB & LED_BIT, 0);
    }
#endif
    (void)id;
    (void)dst;
    (void)width;
    (void)live_input;
    (void)requests;
    return 0;
}
#endif

#if PAGEC_ACTIONS
/* The actions of the sample site (demo_site.h names them): led sets the
 * LED (PB5) on for arg 1, off for arg 0; the page served after it reads
 * the pin back. Another site's actions do nothing. Called from
 * pagec_stream_end(), before the page's live fields are filled. */
static void action(const struct pagec_server *s, uint8_t id, uint16_t arg)
{
    (void)s;
#ifdef demo_site_ACTION_led
    if (id == demo_site_ACTION_led) {
        if (arg) {
            PORTB |= LED_BIT;
        } else {
            PORTB &= (uint8_t)~LED_BIT;
        }
    }
#endif
    (void)id;
    (void)arg;
}
#endif

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

/* The pins, the server's settings and secret, the UART, the clock, the
 * ADC; then interrupts on. */
static void board_init(void)
{
    DDRB |= LED_BIT | _BV(PB2) | _BV(PB0);
    srv.site = &demo_site;
#if PAGEC_LIVE
    srv.live = live;
#endif
#if PAGEC_ACTIONS
    srv.action = action;
#endif
#if PAGEC_LARGE
    srv.millis = millis;
#endif
    load_secret();

    uart_init();
    /* CTC to OCR1A; the counter starts from 0, far below TIMER1_TOP when
     * OCR1A is written (simavr, too, wants the mode set first) */
    TCCR1A = 0;
    TCCR1B = _BV(WGM12) | TIMER1_PRESCALE_BITS;
    OCR1A = TIMER1_TOP;
    TIMSK1 = _BV(OCIE1A);
    /* ADC0 against AVcc, converted again and again (free running: ADCSRB
     * 0), PC0's digital input buffer off */
    ADMUX = _BV(REFS0);
    ADCSRB = 0;
    DIDR0 = _BV(ADC0D);
    ADCSRA = _BV(ADEN) | _BV(ADSC) | _BV(ADATE) | ADC_PRESCALE_BITS;
    set_sleep_mode(SLEEP_MODE_IDLE); /* the UART and Timer1 wake it */
    sei();
}

#if !AVR_PPP
/* The stream after s. */
static struct pagec_stream *next_stream(struct pagec_stream *s)
{
    return s + 1 == streams + AVR_STREAMS ? streams : s + 1;
}

/* Inlined where it is called: a call costs more than its body on AVR. */
#define INLINE static inline __attribute__((always_inline))

/* The stream whose reply was queued last, before rx_s. */
static uint8_t last_queued(void)
{
    return (uint8_t)((rx_s == streams ? streams + AVR_STREAMS : rx_s) -
                     streams - 1);
}

/* A datagram ended without taking a stream: its pulse is one of no
 * length, now or after that of the last reply waiting. */
static void pulse_done(void)
{
    if (!queued) {
        FRAME_ON();
        FRAME_OFF();
    } else {
        owed[last_queued()]++;
    }
}

/* The receiving stream's frame ends (END); broken: right after an ESC. */
static void rx_end(uint8_t broken)
{
    struct pagec_stream *s = rx_s;

    /* a frame that broke is dropped, and an echo reply already begun is
     * cut short: the peer drops it */
    if ((!broken && pagec_stream_end(&srv, s, seconds())) ||
        pagec_stream_started(s)) {
        /* its reply waits for the line; the next stream receives */
        queued++;
        rx_s = next_stream(s);
        rx_hold = 0;
    } else if (!queued) {
        FRAME_OFF();
    } else {
        /* its pulse follows that of the last reply waiting */
        owed[last_queued()]++;
    }
}

/* A line byte that is not a plain data byte of a frame being read: END,
 * ESC, the byte after an ESC, the head of a frame, the bytes of one that
 * may be an echo request or of one being dropped. */
static void rx_special(uint8_t c)
{
    struct pagec_stream *s = rx_s;

    if (c == PAGEC_SLIP_END) {
        uint8_t broken = slip_esc;

        slip_esc = 0;
        if (rx_state == RX_SHED) {
            shed++;
            pulse_done();
        } else if (rx_state != RX_IDLE) {
            rx_end(broken);
        } /* else an empty frame: line noise flushed */
        rx_state = RX_IDLE;
        rx_slow = 1;
        return;
    }
    if (slip_esc) {
        slip_esc = 0;
        c = c == PAGEC_SLIP_ESC_END   ? PAGEC_SLIP_END
            : c == PAGEC_SLIP_ESC_ESC ? PAGEC_SLIP_ESC
                                      : c;
    } else if (c == PAGEC_SLIP_ESC) {
        slip_esc = 1;
        rx_slow = 1;
        return;
    }
    if (rx_state == RX_IDLE) {
        if (queued == AVR_STREAMS) {
            /* every stream holds a reply that waits for the line: the
             * datagram is dropped whole (TCP sends it again), and the
             * line is read on, so that the ring never overflows */
            rx_state = RX_SHED;
            return;
        }
        rx_state = RX_HEAD;
        rx_count = 0;
        rx_echo = 0;
        if (!queued) {
            FRAME_ON();
        }
        pagec_stream_begin(s);
    } else if (rx_state == RX_SHED) {
        return;
    }
    pagec_stream_byte(&srv, s, c);
    /* Only an echo request (ICMP, and the echo service's TCP and UDP) has
     * reply bytes while it arrives: they go out first. */
    if (rx_state == RX_HEAD) {
        uint8_t n = rx_count++;

        if (n == 0) {
            rx_head = (uint8_t)((c & 15) * 4 + 4);
        } else if (n == 9) {
            rx_echo = c == 1;
            if (c != 6 && c != 17) {
                rx_head = 10; /* no port to read */
            }
        } else if (n == rx_head - 2) {
            rx_echo = c == 0; /* the port's high byte */
        } else if (n == rx_head - 1) {
            rx_echo = rx_echo && c == 7;
        }
        if (rx_count == rx_head) {
            rx_state = RX_BODY;
        }
    }
    if (rx_echo) {
        rx_hold = pagec_stream_pending(s) != 0;
    }
    rx_slow = slip_esc || rx_state != RX_BODY || rx_echo;
}

/* One byte from the line (only when !rx_hold). */
INLINE void rx_byte(uint8_t c)
{
    if (c == PAGEC_SLIP_END || c == PAGEC_SLIP_ESC || rx_slow) {
        rx_special(c);
    } else {
        pagec_stream_byte(&srv, rx_s, c);
    }
}

/* Waits until the transmitter takes a byte, reading the line meanwhile;
 * the busy pin is low, and high around each byte read. */
static void wait_tx(void)
{
    while (!uart_tx_ready()) {
        if (uart_rx_ready() && !rx_hold) {
            uint8_t c = uart_rx_get();

            BUSY_ON();
            rx_byte(c);
            BUSY_OFF();
        }
    }
}

/* Sends c when the transmitter takes it. The busy pin is high on entry
 * and on return, low while the line is waited for. */
INLINE void put(uint8_t c)
{
    BUSY_OFF();
    if (!uart_tx_ready()) {
        wait_tx();
    }
    uart_tx(c);
    BUSY_ON();
}

/* Sends a data byte of a frame, SLIP-escaped: END and ESC as two. */
static void put_escape(uint8_t c);

INLINE void put_escaped(uint8_t c)
{
    if (c == PAGEC_SLIP_END || c == PAGEC_SLIP_ESC) {
        put_escape(c);
    } else {
        put(c);
    }
}

/* Sends the k > 0 bytes of a run of the template at p. Out of line, so
 * that p and k stay in registers. */
static __attribute__((noinline)) void put_run(const PAGEC_ROM uint8_t *p,
                                              uint16_t k)
{
    do {
        uint8_t c;

        /* LPM with post-increment: the compiler's code for p++ moves the
         * pointer around it */
        __asm__ volatile("lpm %0, Z+" : "=r"(c), "+z"(p));
        put_escaped(c);
    } while (--k > 0);
}

static void put_escape(uint8_t c)
{
    put(PAGEC_SLIP_ESC);
    put(c == PAGEC_SLIP_END ? PAGEC_SLIP_ESC_END : PAGEC_SLIP_ESC_ESC);
}

/* Sends the reply bytes the oldest stream has ready: the template's runs
 * straight from flash, the patched header bytes pulled one at a time; and
 * ends its frame once its datagram has ended. A large reply's segments
 * (PAGEC_LARGE) go out one frame each, a call each, from the same
 * stream, which is free once pagec_stream_more() has no more. */
static void send(void)
{
    struct pagec_stream *s = tx_s;
    uint16_t n;

    while ((n = pagec_stream_pending(s)) != 0) {
        if (!pagec_stream_started(s)) {
            /* a leading END ends whatever line noise the peer got */
            put(PAGEC_SLIP_END);
        }
        while (n > 0) {
            const PAGEC_ROM uint8_t *p;
            uint16_t k = pagec_stream_run(s, &p);

            if (k == 0) {
                const uint8_t *q;

                /* a live field's bytes, or a service's text, from RAM */
                k = pagec_stream_ram(s, &q);
                n = (uint16_t)(n - (k ? k : 1));
                if (k == 0) {
                    put_escaped(pagec_stream_next(&srv, s));
                }
                while (k--) {
                    put_escaped(*q++);
                }
                continue;
            }
            n = (uint16_t)(n - k);
            put_run(p, k);
        }
    }
    if (!queued) {
        rx_hold = 0; /* the echo being received is sent up to its last byte */
        return;
    }
    put(PAGEC_SLIP_END);
#if PAGEC_LARGE
    if (pagec_stream_more(&srv, s)) {
        /* a large reply's next segment, from the same stream: sent by
         * the next call, its datagram's pulse going on */
        return;
    }
#endif
    FRAME_OFF();
    for (n = (uint16_t)(s - streams); owed[n] > 0; owed[n]--) {
        FRAME_ON();
        FRAME_OFF();
    }
    tx_s = next_stream(s);
    queued--;
    if (queued || rx_state == RX_HEAD || rx_state == RX_BODY) {
        FRAME_ON(); /* the next datagram's pulse */
    }
}

int main(void)
{
    board_init();

    for (;;) {
        /* Sleep only when there is nothing to do, checked with interrupts
         * off: sei takes effect after the next instruction, so a byte that
         * arrives in between wakes the sleep instead of waiting in the
         * ring until the next one. */
        cli();
        if (!uart_rx_ready() && !queued && !rx_hold) {
            sleep_enable();
            sei();
            sleep_cpu();
            sleep_disable();
        }
        sei();
        if (!queued && !rx_hold) {
            /* the line's bytes; the ring is read with the busy pin low,
             * as the interrupt fills it: the UART's work, not the
             * runtime's */
            for (;;) {
                uint8_t c;

                while (!uart_rx_ready()) {
                    if (rx_state == RX_IDLE) {
                        goto line_read; /* back to sleep */
                    }
                    /* inside a frame its next byte comes in a byte time:
                     * waited for here rather than in a sleep */
                }
                c = uart_rx_get();
                BUSY_ON();
                if (c == PAGEC_SLIP_END || c == PAGEC_SLIP_ESC || rx_slow) {
                    rx_special(c);
                    if (queued || rx_hold) {
                        break;
                    }
                } else {
                    /* a plain data byte changes neither */
                    pagec_stream_byte(&srv, rx_s, c);
                }
                BUSY_OFF();
            }
        }
    line_read:
        BUSY_ON();
        if (queued || rx_hold) {
            send();
        }
        BUSY_OFF();
    }
}

#else /* AVR_PPP */

/* PPP's frame buffer: the header, a datagram of the default MRU (1500
 * bytes) and the FCS. */
static uint8_t frame[PAGEC_PPP_HLEN + 1500 + 2];

/* A byte to the line, when the transmitter takes it (pagec_slip_put). */
static void line_put(uint8_t c, void *ctx)
{
    (void)ctx;
    while (!uart_tx_ready()) {
    }
    uart_tx(c);
}

/* The address the device's IPCP request names (and the only one it
 * answers): AVR_PPP_ADDR, PAGEC_AVR_PPP_ADDR in CMake's cache. */
static const __flash uint8_t ppp_addr[4] = {AVR_PPP_ADDR};

int main(void)
{
    static struct pagec_ppp ppp;
    static struct pagec_reply reply;
    uint8_t i;

    board_init();
    for (i = 0; i < 4; i++) {
        srv.addr[i] = ppp_addr[i];
    }
    pagec_ppp_init(&ppp, frame, sizeof frame);
    for (;;) {
        /* sleep until a byte or the timer comes, as above */
        cli();
        if (!uart_rx_ready()) {
            sleep_enable();
            sei();
            sleep_cpu();
            sleep_disable();
        }
        sei();
        /* the end of a modem escape, "+++", after its guard time */
        pagec_ppp_poll(&ppp, &srv, millis(&srv), line_put, NULL);
        while (uart_rx_ready()) {
            uint16_t n = pagec_ppp_input(&ppp, &srv, uart_rx_get(),
                                         millis(&srv), line_put, NULL);

            /* the reply is sent before the next byte is read: the body of
             * an echo reply points into frame */
            if (n && pagec_server_input(&srv, seconds(),
                                        frame + PAGEC_PPP_HLEN, n, &reply)) {
                pagec_ppp_send_reply(&reply, line_put, NULL);
#if PAGEC_LARGE
                while (pagec_server_next(&srv, &reply)) {
                    pagec_ppp_send_reply(&reply, line_put, NULL);
                }
#endif
            }
        }
    }
}
#endif /* AVR_PPP */
