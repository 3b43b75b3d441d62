/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagec/check.h - checks a compiled site against its format.
 *
 * pagec checks every site it compiles before it writes it; a firmware, a
 * test or a fuzzer may check the site it links in as well, once at
 * start-up, to find a site corrupted or made by another tool before the
 * runtime serves it. The runtime itself trusts the site: it does not call
 * this.
 */
#ifndef PAGEC_CHECK_H
#define PAGEC_CHECK_H

#include "pagec/site.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Checks that site is sound: that every rule of pagec/site.h the runtime
 * relies on holds, so that serving it reads nothing outside its arrays
 * and sends every reply with correct checksums. Returns 0 when it is,
 * else -1 with *why set to a static English sentence naming the first
 * fault found (why may be NULL when the reason is not wanted; on success
 * *why is left alone).
 *
 * What is checked:
 * - the format is PAGEC_FORMAT_VERSION;
 * - the window is 1 to PAGEC_WINDOW_MAX (the TCP echo relies on it);
 * - the header lengths: 40 bytes (PAGEC_HDR_LEN), 44 in the SYN-ACK,
 *   whose MSS option gives mss; the SYN-ACK, the ACK and the RST carry no
 *   data; every HTTP reply starts "HTTP/1.1 " and a status code of three
 *   digits at PAGEC_STATUS_AT, a page's reply then its ETag at
 *   PAGEC_ETAG_AT (a live page's reply none: no '"' there in its GET and
 *   HEAD forms); a HEAD form is no longer than its GET reply and is its
 *   first bytes, ending with the blank line;
 * - the TCP data of every HTTP reply is at most mss and max_data, and
 *   max_data is that of the largest; the error reply's, at most 536 or
 *   mss, the lower (the runtime serves clients with an MSS that low);
 * - the ports: ascending, none twice, none 0 or http_port, each naming a
 *   variant of the site;
 * - every page index and variant index within its table, or
 *   PAGEC_NO_PAGE where the format allows it; no page without a variant;
 * - the live fields: the live table sorted by variant, each entry naming
 *   an identity variant of the site (no page with a live variant has a
 *   gzip one, no port serves one) and at least one field, all within
 *   fields; each field 1 to PAGEC_FIELD_WIDTH_MAX bytes wide, inside the
 *   body of its variant's GET reply (past the header's blank line), after
 *   the one before it without overlapping, its placeholder spaces; the
 *   widths of an entry's fields summing to at most live_bytes, which is
 *   at most 255;
 * - the radix tree: node 0 the root with an empty label, every other
 *   node's label not empty, every label within labels, the children of
 *   every node within the table and sorted by the first byte of their
 *   labels, no two with the same;
 * - the partial sums of every template, computed again from its bytes,
 *   the window and the fields of the header pagec/site.h says are
 *   constant;
 * - the large replies: the table sorted by variant, each naming a
 *   variant's GET form and longer than 536 bytes (or mss, the lower),
 *   len even and below 2^27, block a power of two
 *   from 64 to 512 with nlarge at most block / 2 - 1 (0 and no table
 *   without large replies); a GET template of len 0xffff exactly when
 *   the reply does not fit mss, its bytes the large reply's; every sum
 *   at a grid point computed again; every reply of the site even when
 *   it has large replies, and max_data that of the largest one-segment
 *   reply.
 *
 * Freestanding like the rest of the runtime: no library call, no heap, no
 * division; the site is read through PAGEC_ROM. Its time is linear in the
 * size of the site (every stored byte is summed once or twice), but for a
 * binary search of the live table for each variant and page. Cost:
 * about 2 KiB of code and 2 KiB of messages, nothing when not called
 * (one section per function); on AVR the messages are copied to RAM, so
 * a small AVR part checks its site in a host or test build instead.
 */
int pagec_site_check(const PAGEC_ROM struct pagec_site *site,
                     const char **why);

#ifdef __cplusplus
}
#endif

#endif /* PAGEC_CHECK_H */
