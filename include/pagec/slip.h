/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagec/slip.h - SLIP framing (RFC 1055) for drivers that carry IPv4 over
 * a serial line: a decoder fed one received byte at a time, and an
 * encoder that writes through a put-byte callback. No heap; the decoder
 * keeps its frame in a buffer the driver gives it.
 */
#ifndef PAGEC_SLIP_H
#define PAGEC_SLIP_H

#include <stdint.h>

#include "pagec/pagec.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PAGEC_SLIP_END 0xc0     /* ends a frame (and may start one) */
#define PAGEC_SLIP_ESC 0xdb     /* escapes the next byte */
#define PAGEC_SLIP_ESC_END 0xdc /* ESC ESC_END stands for an END byte */
#define PAGEC_SLIP_ESC_ESC 0xdd /* ESC ESC_ESC stands for an ESC byte */

/* A decoder: 2 bytes of state besides the driver's frame buffer. */
struct pagec_slip {
    uint8_t *buf;  /* the frame being received */
    uint16_t size; /* bytes buf holds: the largest frame accepted */
    uint16_t len;  /* bytes of the frame so far */
    uint8_t flags; /* an ESC is pending; the frame is being dropped */
};

/* Starts a decoder on the size bytes at buf. */
void pagec_slip_init(struct pagec_slip *s, uint8_t *buf, uint16_t size);

/*
 * Feeds one received byte. Returns the length of the frame that c ends
 * (the frame is then buf[0 .. length)), or 0. An END always ends a frame:
 * an empty one (line noise flushed by a leading END, or two ENDs) is not
 * reported; a frame longer than size, or one that ends right after an
 * ESC, is dropped whole: the bytes up to its END are discarded, and
 * decoding starts afresh after it.
 * An ESC followed by a byte other than ESC_END or ESC_ESC gives that byte,
 * as RFC 1055's reference code does. The buffer is never overrun.
 */
uint16_t pagec_slip_input(struct pagec_slip *s, uint8_t c);

/*
 * A decoder without a frame buffer, for the streaming API: it keeps one
 * byte of state (*esc, zero at start-up) and says what each line byte c
 * means: a data byte of the frame (0 to 255), nothing yet (an ESC), the
 * end of a frame, or the end of a frame that must be dropped (it ended
 * right after an ESC). Empty frames (line noise flushed by a leading END)
 * are the driver's to ignore: it has fed no byte.
 */
#define PAGEC_SLIP_MORE (-1)     /* nothing: an ESC, wait for the next */
#define PAGEC_SLIP_FRAME (-2)    /* END: the frame is complete */
#define PAGEC_SLIP_BROKEN (-3)   /* END after ESC: drop the frame */
int16_t pagec_slip_decode(uint8_t *esc, uint8_t c);

/* Writes one byte to the line; ctx is the driver's. */
typedef void (*pagec_slip_put)(uint8_t c, void *ctx);

/*
 * Sends the n bytes at data as one frame: a leading END (which ends any
 * line noise the peer received), the bytes with END and ESC escaped, and
 * a closing END.
 */
void pagec_slip_send(const uint8_t *data, uint16_t n, pagec_slip_put put,
                     void *ctx);

/* Writes one data byte of a frame, escaped (END and ESC become two). */
void pagec_slip_put_escaped(uint8_t c, pagec_slip_put put, void *ctx);

/*
 * Sends a reply of pagec_server_input() as one frame: its header, then its
 * body, read through PAGEC_ROM_BYTE when it lies in the site's templates.
 */
void pagec_slip_send_reply(const struct pagec_reply *reply,
                           pagec_slip_put put, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* PAGEC_SLIP_H */
