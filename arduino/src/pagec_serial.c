/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagec_serial.c - the driver of PagecSerial.h: SLIP (RFC 1055) on the
 * sketch's serial line, the streaming API of the runtime, STREAMS streams.
 *
 * Stream tx and the queued - 1 after it hold replies in the order their
 * datagrams came; the one after them receives. A reply goes out a byte
 * whenever the transmitter has room, a received byte goes in whenever
 * the line has one, in turns, so that the receive buffer is emptied while
 * a reply leaves. A datagram that begins while every stream holds a
 * reply is read and dropped whole. An echo request (ping) is answered as it
 * arrives (pagec/stream.h): its stream takes no byte more until its reply
 * bytes so far are out; one that comes while replies wait is dropped.
 *
 * Nothing here waits: poll() returns when the line has nothing to read and
 * the transmitter no room (or nothing to send), or after POLL_STEPS bytes,
 * so that a sketch's loop() goes on.
 */
#include <stddef.h>
#include <stdint.h>

#include "PagecSerial.h"
#include "pagec/slip.h"
#include "pagec/stream.h"

/* The streams: each one more keeps a datagram more of a burst (a
 * browser's connections at once) and costs sizeof(struct pagec_stream)
 * bytes of RAM. pagec_config.h may set it. Measured on an emulated Uno
 * at 115200 baud, 10 page loads of 6 connections at once
 * (tests/emulated/arduino.sh, docs/benchmarks.md): 2 streams 12.4 s and
 * 56 of 280 client segments sent again, 4 streams 8.5 s and 36, 6
 * streams 5.3 s and 9 to 38. */
#ifndef PAGEC_SERIAL_STREAMS
#define PAGEC_SERIAL_STREAMS 6
#endif
#define STREAMS PAGEC_SERIAL_STREAMS
#define POLL_STEPS 255 /* bytes read or written in one poll() at most */

enum { RX_IDLE, RX_FRAME, RX_SHED };

static struct pagec_server srv;
static struct pagec_stream streams[STREAMS];
static const struct pagec_serial_line *line;
static uint32_t clock_ms; /* the clock at the last poll() */
#if PAGEC_LIVE
static pagec_serial_live_fn sketch_live;
#endif
#if PAGEC_ACTIONS
static pagec_serial_action_fn sketch_action;
#endif

static uint8_t tx;       /* the oldest stream with a reply */
static uint8_t queued;   /* streams from tx on whose datagram ended */
static uint8_t rx_state; /* of the datagram being received */
static uint8_t rx_esc;   /* the SLIP decoder's state */
static uint16_t shed;    /* datagrams dropped whole */

static uint8_t out_esc;  /* the second byte of an escape, waiting; 0: none */
static uint8_t out_end;  /* the last byte written was an END */
static uint16_t out_n;   /* bytes of the run being written */
static const PAGEC_ROM uint8_t *out_rom; /* the run, in the site */
static const uint8_t *out_ram;           /* or in RAM (not NULL) */

#if PAGEC_LIVE
static uint8_t live(const struct pagec_server *s, uint8_t id, uint8_t *dst,
                    uint8_t width)
{
    (void)s;
    return sketch_live ? sketch_live(id, dst, width) : 0;
}
#endif

#if PAGEC_ACTIONS
static void action(const struct pagec_server *s, uint8_t id, uint16_t arg)
{
    (void)s;
    if (sketch_action) {
        sketch_action(id, arg);
    }
}
#endif

#if PAGEC_LARGE
static uint32_t millis(const struct pagec_server *s)
{
    (void)s;
    return clock_ms;
}
#endif

uint8_t pagec_serial_secret_ok(const uint8_t *secret)
{
    uint8_t all = 0xff;
    uint8_t any = 0;
    uint8_t i;

    for (i = 0; i < PAGEC_SERIAL_SECRET_LEN; i++) {
        all &= secret[i];
        any |= secret[i];
    }
    return all != 0xff && any != 0;
}

uint8_t pagec_serial_begin(const void *site, const uint8_t *secret,
                           const struct pagec_serial_line *l)
{
    uint8_t i;

    line = NULL;
    if (!pagec_serial_secret_ok(secret) || site == NULL || l == NULL) {
        return 0; /* erased, or no key at all */
    }
    for (i = 0; i < PAGEC_SERIAL_SECRET_LEN; i++) {
        srv.secret[i] = secret[i];
    }
    /* NAME_rom() gave the site's address as a plain pointer */
    srv.site = (const PAGEC_ROM struct pagec_site *)(uintptr_t)site;
#if PAGEC_LIVE
    srv.live = live;
#endif
#if PAGEC_ACTIONS
    srv.action = action;
#endif
#if PAGEC_LARGE
    srv.millis = millis;
#endif
    tx = 0;
    queued = 0;
    rx_state = RX_IDLE;
    rx_esc = 0;
    out_esc = 0;
    out_end = 0;
    out_n = 0;
    line = l;
    return 1;
}

void pagec_serial_callbacks(pagec_serial_live_fn l, pagec_serial_action_fn a)
{
#if PAGEC_LIVE
    sketch_live = l;
#else
    (void)l;
#endif
#if PAGEC_ACTIONS
    sketch_action = a;
#else
    (void)a;
#endif
}

uint16_t pagec_serial_shed(void)
{
    return shed;
}

/* The stream that receives. */
static struct pagec_stream *rx_stream(void)
{
    return &streams[(uint8_t)(tx + queued) % STREAMS];
}

/* The stream whose reply goes out: the oldest with one, or the receiving
 * one while it answers an echo request as it comes; NULL: none. */
static struct pagec_stream *tx_stream(void)
{
    if (queued) {
        return &streams[tx];
    }
    return rx_state == RX_FRAME ? rx_stream() : NULL;
}

/* Writes a data byte, escaped: the second byte of an escape waits. */
static void put(uint8_t c)
{
    out_end = 0;
    if (c == PAGEC_SLIP_END || c == PAGEC_SLIP_ESC) {
        line->write(PAGEC_SLIP_ESC);
        out_esc = c == PAGEC_SLIP_END ? PAGEC_SLIP_ESC_END : PAGEC_SLIP_ESC_ESC;
    } else {
        line->write(c);
    }
}

/* Writes the next byte of the replies, when the transmitter has room for
 * one; returns 0 when there is none to write now. */
static uint8_t send_byte(void)
{
    struct pagec_stream *s;

    if (out_esc) {
        line->write(out_esc);
        out_esc = 0;
        return 1;
    }
    if (out_n) {
        out_n--;
        put(out_ram ? *out_ram++ : PAGEC_ROM_BYTE(out_rom++));
        return 1;
    }
    s = tx_stream();
    if (s == NULL) {
        return 0;
    }
    if (pagec_stream_pending(s)) {
        if (!pagec_stream_started(s) && !out_end) {
            /* an END first ends whatever line noise the peer got */
            line->write(PAGEC_SLIP_END);
            out_end = 1;
            return 1;
        }
        out_ram = NULL;
        if ((out_n = pagec_stream_run(s, &out_rom)) != 0) {
            return send_byte();
        }
#if PAGEC_LIVE || PAGEC_SERVICES
        if ((out_n = pagec_stream_ram(s, &out_ram)) != 0) {
            return send_byte();
        }
#endif
        put(pagec_stream_next(&srv, s));
        return 1;
    }
    if (!queued) {
        return 0; /* the echo's next bytes are not in yet */
    }
    /* the reply's datagram is all out: its END; then the next datagram
     * of a large reply, or the stream is free */
    if (pagec_stream_started(s)) {
        line->write(PAGEC_SLIP_END);
        out_end = 1;
    }
    if (!pagec_stream_more(&srv, s)) {
        tx = (uint8_t)(tx + 1u) % STREAMS;
        queued--;
    }
    return 1;
}

/* 1 while the receiving stream may take no byte: its echo reply's bytes
 * so far are not all out. */
static uint8_t rx_held(void)
{
    return rx_state == RX_FRAME &&
           (pagec_stream_pending(rx_stream()) ||
            (!queued && (out_n || out_esc)));
}

/* A byte from the line. */
static void rx_byte(uint8_t c)
{
    struct pagec_stream *s = rx_stream();
    int16_t d = pagec_slip_decode(&rx_esc, c);

    if (d == PAGEC_SLIP_MORE) {
        return;
    }
    if (d >= 0) {
        if (rx_state == RX_IDLE) {
            if (queued == STREAMS) {
                rx_state = RX_SHED; /* every stream holds a reply */
                return;
            }
            pagec_stream_begin(s);
            rx_state = RX_FRAME;
        }
        if (rx_state == RX_FRAME) {
            pagec_stream_byte(&srv, s, (uint8_t)d);
            if (queued && pagec_stream_pending(s)) {
                /* an echo request behind replies that wait: its reply
                 * cannot go out as it comes, and holding the line for
                 * it would overflow the receive buffer; dropped */
                rx_state = RX_SHED;
            }
        }
        return;
    }
    /* the frame's END: a broken frame is dropped, and an echo reply
     * begun is cut short (the peer drops it) */
    if (rx_state == RX_SHED) {
        shed++;
    } else if (rx_state == RX_FRAME &&
               ((d == PAGEC_SLIP_FRAME &&
                 pagec_stream_end(&srv, s, clock_ms / 1000u)) ||
                pagec_stream_started(s))) {
        queued++;
    }
    rx_state = RX_IDLE;
}

void pagec_serial_poll(uint32_t ms)
{
    uint8_t steps = POLL_STEPS;

    clock_ms = ms;
    if (line == NULL) {
        return;
    }
    while (steps--) {
        uint8_t did = 0;

        if ((out_esc || out_n || tx_stream() != NULL) && line->room() > 0) {
            did = send_byte();
        }
        if (!rx_held() && line->available() > 0) {
            rx_byte((uint8_t)line->read());
            did = 1;
        }
        if (!did) {
            return;
        }
    }
}
