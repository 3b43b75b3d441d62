/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * http.h - the runtime's reading of an HTTP request, a byte at a time
 * (private to the runtime).
 */
#ifndef PAGEC_RUNTIME_HTTP_H
#define PAGEC_RUNTIME_HTTP_H

#include "pagec/pagec.h"
#include "pagec/stream.h"

/* Starts reading a request: the first byte of a segment's data comes
 * next. key: the server's secret (pagec_server.secret), which keys the
 * hashes of Host and Origin (PAGEC_ACTIONS). */
void pagec_http_begin(struct pagec_http *h, const uint8_t key[8]);

/* Reads the next byte of the segment's data. The streaming reader's
 * assembly (PAGEC_AVR_ASM, stream.c) jumps to it by name, which the
 * compiler cannot see: used keeps it under link-time optimisation. */
void pagec_http_byte(const PAGEC_ROM struct pagec_site *site,
                     struct pagec_http *h, uint8_t c)
#if PAGEC_AVR_ASM
    __attribute__((used))
#endif
    ;

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
 * accepts, its header alone for HEAD, and sent as 304 when If-None-Match
 * names its ETag) or the error reply, of at most limit bytes of TCP data.
 * NULL when the request line was not complete in the segment, or was no
 * request line. *status is 0 when the template goes out as it is, else
 * the status code to write over its three digits at PAGEC_STATUS_AT
 * (304, 400, 403, 404, 405, 406, 411, 413, 431, 501, 503 or 505); the
 * TCP sum changes with them. large: 1 when a reply with a large reply
 * (PAGEC_LARGE) may be too big for limit: it is sent in several
 * segments.
 */
const PAGEC_ROM struct pagec_tmpl *
pagec_http_end(const PAGEC_ROM struct pagec_site *site,
               const struct pagec_http *h, uint16_t limit, uint16_t *status,
               uint8_t large);

#if PAGEC_ACTIONS
/* Runs the action the request names (srv->action) when pagec_http_end()
 * answered it with its page (a template, status 0), before the page's
 * live fields are filled. */
void pagec_http_act(const struct pagec_server *srv, const struct pagec_http *h,
                    uint16_t status);
#endif

/* t when its TCP data fits limit (or, when large is 1, when t has a large
 * reply), else the error reply as 503 (*status set) when that does, else
 * NULL. *status is left alone when t is returned. */
const PAGEC_ROM struct pagec_tmpl *
pagec_http_fit(const PAGEC_ROM struct pagec_site *site,
               const PAGEC_ROM struct pagec_tmpl *t, uint16_t limit,
               uint16_t *status, uint8_t large);

#endif /* PAGEC_RUNTIME_HTTP_H */
