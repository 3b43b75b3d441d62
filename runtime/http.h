/*
 * http.h - the runtime's reading of an HTTP request (private to the
 * runtime).
 */
#ifndef PAGEC_RUNTIME_HTTP_H
#define PAGEC_RUNTIME_HTTP_H

#include "pagec/site.h"

/*
 * Chooses the reply to the HTTP request whose first n bytes are at data:
 * a page (in the encoding the request accepts, 304 when If-None-Match
 * names its ETag, headers alone for HEAD) or an error reply, of at most
 * limit bytes of TCP data. Returns NULL when the request line is not
 * complete in these bytes, or is no request line.
 */
const struct pagec_tmpl *pagec_http_request(const struct pagec_site *site,
                                            const uint8_t *data, uint16_t n,
                                            uint16_t limit);

/* t when its TCP data fits limit, else the 503 reply (without its body
 * when head) when that does, else NULL. */
const struct pagec_tmpl *pagec_http_fit(const struct pagec_site *site,
                                        const struct pagec_tmpl *t,
                                        uint16_t limit, int head);

#endif /* PAGEC_RUNTIME_HTTP_H */
