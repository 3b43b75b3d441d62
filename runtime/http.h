/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * http.h - the runtime's reading of an HTTP request, a byte at a time
 * (private to the runtime).
 */
#ifndef PAGEC_RUNTIME_HTTP_H
#define PAGEC_RUNTIME_HTTP_H

#include "pagec/stream.h"

/* Starts reading a request: the first byte of a segment's data comes
 * next. */
void pagec_http_begin(struct pagec_http *h);

/* Reads the next byte of the segment's data. */
void pagec_http_byte(const PAGEC_ROM struct pagec_site *site,
                     struct pagec_http *h, uint8_t c);

/* Two of the reader's states (struct pagec_http's state, http.c): a field
 * value nobody reads, and the end of what is read. */
#define PAGEC_HTTP_S_VALUE 12
#define PAGEC_HTTP_S_DONE 20

/* 1 when pagec_http_byte() would do nothing with c: a byte after what is
 * read, or one of a field value nobody reads. A byte reader calls it
 * first, saving a call for most bytes of a request. */
static inline int pagec_http_skips(const struct pagec_http *h, uint8_t c)
{
    return h->state == PAGEC_HTTP_S_DONE ||
           (h->state == PAGEC_HTTP_S_VALUE && c > '\r');
}

/* Reads the next n bytes of the segment's data at d. */
void pagec_http_feed(const PAGEC_ROM struct pagec_site *site,
                     struct pagec_http *h, const uint8_t *d, uint16_t n);

/*
 * The reply to the request read: a page (in the encoding the request
 * accepts, 304 when If-None-Match names its ETag, headers alone for HEAD)
 * or an error reply, of at most limit bytes of TCP data; *as_304 is set
 * to 1 when the template goes out with the status code 304. NULL when the
 * request line was not complete in the segment, or was no request line.
 */
const PAGEC_ROM struct pagec_tmpl *
pagec_http_end(const PAGEC_ROM struct pagec_site *site,
               const struct pagec_http *h, uint16_t limit, uint8_t *as_304);

/* t when its TCP data fits limit, else the 503 reply (without its body
 * when head) when that does, else NULL. */
const PAGEC_ROM struct pagec_tmpl *
pagec_http_fit(const PAGEC_ROM struct pagec_site *site,
               const PAGEC_ROM struct pagec_tmpl *t, uint16_t limit,
               int head);

#endif /* PAGEC_RUNTIME_HTTP_H */
