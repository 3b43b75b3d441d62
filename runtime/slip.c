/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * slip.c - SLIP framing (RFC 1055), see pagec/slip.h.
 */
#include "pagec/slip.h"

#define ESCAPED 0x01u  /* the previous byte was ESC */
#define DROPPING 0x02u /* the frame is too long: wait for its END */

void pagec_slip_init(struct pagec_slip *s, uint8_t *buf, uint16_t size)
{
    s->buf = buf;
    s->size = size;
    s->len = 0;
    s->flags = 0;
}

uint16_t pagec_slip_input(struct pagec_slip *s, uint8_t c)
{
    uint16_t n;

    if (c == PAGEC_SLIP_END) {
        n = s->flags ? 0 : s->len; /* a frame cut by ESC or too long: drop */
        s->len = 0;
        s->flags = 0;
        return n;
    }
    if (s->flags & DROPPING) {
        return 0;
    }
    if (s->flags & ESCAPED) {
        s->flags = 0;
        c = c == PAGEC_SLIP_ESC_END   ? PAGEC_SLIP_END
            : c == PAGEC_SLIP_ESC_ESC ? PAGEC_SLIP_ESC
                                      : c;
    } else if (c == PAGEC_SLIP_ESC) {
        s->flags = ESCAPED;
        return 0;
    }
    if (s->len == s->size) {
        s->flags = DROPPING;
        return 0;
    }
    s->buf[s->len++] = c;
    return 0;
}

int16_t pagec_slip_decode(uint8_t *esc, uint8_t c)
{
    if (c == PAGEC_SLIP_END) {
        c = *esc;
        *esc = 0;
        return c ? PAGEC_SLIP_BROKEN : PAGEC_SLIP_FRAME;
    }
    if (*esc) {
        *esc = 0;
        return c == PAGEC_SLIP_ESC_END   ? PAGEC_SLIP_END
               : c == PAGEC_SLIP_ESC_ESC ? PAGEC_SLIP_ESC
                                         : c;
    }
    if (c == PAGEC_SLIP_ESC) {
        *esc = 1;
        return PAGEC_SLIP_MORE;
    }
    return c;
}

void pagec_slip_put_escaped(uint8_t c, pagec_slip_put put, void *ctx)
{
    if (c == PAGEC_SLIP_END) {
        put(PAGEC_SLIP_ESC, ctx);
        put(PAGEC_SLIP_ESC_END, ctx);
    } else if (c == PAGEC_SLIP_ESC) {
        put(PAGEC_SLIP_ESC, ctx);
        put(PAGEC_SLIP_ESC_ESC, ctx);
    } else {
        put(c, ctx);
    }
}

void pagec_slip_send(const uint8_t *data, uint16_t n, pagec_slip_put put,
                     void *ctx)
{
    uint16_t i;

    put(PAGEC_SLIP_END, ctx);
    for (i = 0; i < n; i++) {
        pagec_slip_put_escaped(data[i], put, ctx);
    }
    put(PAGEC_SLIP_END, ctx);
}

void pagec_slip_send_reply(const struct pagec_reply *reply,
                           pagec_slip_put put, void *ctx)
{
    const uint8_t *p;
    uint16_t len;
    uint16_t i;
    uint8_t k;
    uint8_t kind;

    put(PAGEC_SLIP_END, ctx);
    for (i = 0; i < reply->hdr_len; i++) {
        pagec_slip_put_escaped(reply->hdr[i], put, ctx);
    }
    /* the body in pieces: ROM, and a live page's fields in RAM */
    for (k = 0; (kind = pagec_reply_piece(reply, k, &p, &len)) != 0; k++) {
        for (i = 0; i < len; i++) {
            pagec_slip_put_escaped(
                kind == 1 ? PAGEC_ROM_BYTE((const PAGEC_ROM uint8_t *)p + i)
                          : p[i],
                put, ctx);
        }
    }
    put(PAGEC_SLIP_END, ctx);
}
