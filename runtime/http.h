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
 * names its ETag, headers alone for HEAD) or an error reply. Returns NULL
 * when the request line is not complete in these bytes.
 */
const struct pagec_tmpl *pagec_http_request(const struct pagec_site *site,
                                            const uint8_t *data,
                                            uint16_t n);

#endif /* PAGEC_RUNTIME_HTTP_H */
