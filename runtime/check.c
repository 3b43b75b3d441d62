/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * check.c - a compiled site checked against pagec/site.h, as contracted in
 * pagec/check.h. The partial sums, those of the large replies' grids
 * too, are computed here with a loop of its own, not with
 * pagec_chksum_add(), so that a fault of either shows.
 */
#include "pagec/check.h"

/* Bytes of "HTTP/1.1 ddd ": the status line up to its empty reason. */
#define STATUS_LINE_MIN (PAGEC_STATUS_AT + 4)
/* The MSS of a client without an MSS option (RFC 9293 section 3.7.1): the
 * error reply reaches clients down to it. */
#define MSS_FLOOR 536u

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    return (uint16_t)sum;
}

/* sum plus the n bytes at p as big-endian 16-bit words, the last one
 * padded with a zero byte when n is odd. */
static uint32_t add_bytes(uint32_t sum, const PAGEC_ROM uint8_t *p,
                          uint16_t n)
{
    uint16_t i;

    for (i = 0; i < n; i++) {
        uint32_t b = PAGEC_ROM_BYTE(p + i);

        sum += (i & 1u) ? b : b << 8;
    }
    return sum;
}

/* The smallest MSS class of a site: a reply with more TCP data is large
 * (pagec/site.h). */
static uint16_t large_class(const PAGEC_ROM struct pagec_site *s)
{
    return s->mss < MSS_FLOOR ? s->mss : (uint16_t)MSS_FLOOR;
}

/* 1 when n, a reply's bytes of TCP data, is as the site needs: even in a
 * site with large replies. */
static int even_enough(const PAGEC_ROM struct pagec_site *s, uint32_t n)
{
    return s->nlarge == 0 || (n & 1u) == 0;
}

/* The large reply of the variant v, or 0: a binary search of the large
 * table, which check_large_table() found sorted. */
static const PAGEC_ROM struct pagec_large *
large_of(const PAGEC_ROM struct pagec_site *s, uint16_t v)
{
    uint16_t lo = 0;
    uint16_t hi = s->nlarge;

    while (lo < hi) {
        uint16_t mid = (uint16_t)(lo + ((unsigned)(hi - lo) >> 1));
        uint16_t at = s->large[mid].variant;

        if (at == v) {
            return &s->large[mid];
        }
        if (at < v) {
            lo = (uint16_t)(mid + 1u);
        } else {
            hi = mid;
        }
    }
    return 0;
}

/* sum plus the bytes [from, to) of p, from even, folded: a piece of a
 * grid is at most a block (512 bytes) long, so the sum never overflows. */
static uint32_t add_range(uint32_t sum, const PAGEC_ROM uint8_t *p,
                          uint32_t from, uint32_t to)
{
    uint32_t i;

    for (i = from; i < to; i++) {
        uint32_t b = PAGEC_ROM_BYTE(p + i);

        sum += (i & 1u) ? b : b << 8;
    }
    return fold(sum);
}

/* The sums of the large reply e, number v, on its grid of blocks of
 * block bytes (pagec/site.h), computed again. */
static const char *check_sums(const PAGEC_ROM struct pagec_large *e,
                              uint16_t v, uint16_t block)
{
    uint32_t sum = 0;
    uint32_t at = 0;
    uint32_t g = 2u * v;
    uint32_t k = 1;

    if (e->sums[0] != 0) {
        return "a large reply's first sum is not 0";
    }
    for (; g < e->len; g += block) {
        sum = add_range(sum, e->data, at, g);
        if (sum != e->sums[k]) {
            return "a large reply's sum at a point of its grid is wrong";
        }
        at = g;
        k++;
    }
    sum = add_range(sum, e->data, at, e->len);
    if (sum != e->sums[k]) {
        return "a large reply's sum of all its bytes is wrong";
    }
    return 0;
}

/* The large table, before any variant is read: block and count, the
 * entries sorted by variant, each of an even length over the smallest
 * MSS class and below 2^27, starting with a status line, its sums right. */
static const char *check_large_table(const PAGEC_ROM struct pagec_site *s)
{
    static const PAGEC_ROM uint8_t version[PAGEC_STATUS_AT] = {
        'H', 'T', 'T', 'P', '/', '1', '.', '1', ' '};
    uint16_t b = s->block;
    uint16_t i;
    uint16_t k;

    if (s->nlarge == 0) {
        return b == 0 ? 0 : "block is not 0 in a site without large replies";
    }
    if (b < 64u || b > 512u || (b & (b - 1u)) != 0) {
        return "block is not a power of two from 64 to 512";
    }
    if (s->nlarge > (b >> 1) - 1u) {
        return "the large replies are more than block / 2 - 1";
    }
    for (i = 0; i < s->nlarge; i++) {
        const PAGEC_ROM struct pagec_large *e = &s->large[i];
        const char *why;

        if (i && e->variant <= s->large[i - 1].variant) {
            return "the large replies are not sorted by variant";
        }
        if (e->variant >= s->nvariants) {
            return "a large reply names a variant the site does not have";
        }
        if (!e->data || !e->sums) {
            return "a large reply has no pointer to its bytes or sums";
        }
        if ((e->len & 1u) || e->len > PAGEC_LARGE_MAX) {
            return "a large reply's length is odd or not below 2^27";
        }
        if (e->len <= large_class(s)) {
            return "a large reply fits one segment of the smallest MSS";
        }
        for (k = 0; k < PAGEC_STATUS_AT; k++) {
            if (PAGEC_ROM_BYTE(e->data + k) != PAGEC_ROM_BYTE(version + k)) {
                return "a large reply does not start with \"HTTP/1.1 \"";
            }
        }
        for (k = PAGEC_STATUS_AT; k < PAGEC_STATUS_AT + 3; k++) {
            if (PAGEC_ROM_BYTE(e->data + k) < '0' ||
                PAGEC_ROM_BYTE(e->data + k) > '9') {
                return "a large reply's status code is not three digits";
            }
        }
        why = check_sums(e, (uint16_t)(i + 1u), b);
        if (why) {
            return why;
        }
    }
    return 0;
}

/* A template with headers of hlen bytes and the TCP window window: its
 * lengths and both partial sums. */
static const char *check_tmpl(const PAGEC_ROM struct pagec_tmpl *t,
                              uint16_t hlen, uint16_t window)
{
    uint16_t len = t->len;
    uint32_t ip;
    uint32_t tcp;

    if (t->hlen != hlen) {
        return "a template's header length is wrong";
    }
    if (len < hlen) {
        return "a template is shorter than its headers";
    }
    if (len > PAGEC_HDR_LEN && !t->pkt) {
        return "a template has bytes but no pointer to them";
    }
    /* the IPv4 header: 0x4500, the total length, identification 0, DF,
     * TTL and protocol; the checksum and the addresses left out */
    ip = 0x4500u + (uint32_t)len + 0x4000u +
         ((uint32_t)PAGEC_IP_TTL << 8 | 6u);
    if (fold(ip) != fold(t->ip_sum)) {
        return "a template's IPv4 partial sum is wrong";
    }
    /* the TCP header's window (ports, numbers, checksum and urgent
     * pointer are zero; data offset and flags left out), the stored
     * bytes, and the pseudo-header's protocol and TCP length */
    tcp = (uint32_t)window + 6u + ((uint32_t)len - PAGEC_IP_HLEN);
    tcp = add_bytes(tcp, t->pkt, (uint16_t)(len - PAGEC_HDR_LEN));
    if (fold(tcp) != fold(t->tcp_sum)) {
        return "a template's TCP partial sum is wrong";
    }
    return 0;
}

/* An HTTP reply with the TCP window window: its sums, at most limit bytes
 * of TCP data, and the status line "HTTP/1.1 ddd ". */
static const char *check_http(const PAGEC_ROM struct pagec_tmpl *t,
                              uint16_t window, uint16_t limit)
{
    static const PAGEC_ROM uint8_t version[PAGEC_STATUS_AT] = {
        'H', 'T', 'T', 'P', '/', '1', '.', '1', ' '};
    const PAGEC_ROM uint8_t *d;
    const char *why = check_tmpl(t, PAGEC_HDR_LEN, window);
    uint16_t i;

    if (why) {
        return why;
    }
    if (t->len - PAGEC_HDR_LEN < STATUS_LINE_MIN) {
        return "an HTTP reply is shorter than its status line";
    }
    if (t->len - PAGEC_HDR_LEN > limit) {
        return "an HTTP reply has more TCP data than the site allows";
    }
    d = t->pkt;
    for (i = 0; i < PAGEC_STATUS_AT; i++) {
        if (PAGEC_ROM_BYTE(d + i) != PAGEC_ROM_BYTE(version + i)) {
            return "an HTTP reply does not start with \"HTTP/1.1 \"";
        }
    }
    for (i = PAGEC_STATUS_AT; i < PAGEC_STATUS_AT + 3; i++) {
        if (PAGEC_ROM_BYTE(d + i) < '0' || PAGEC_ROM_BYTE(d + i) > '9') {
            return "an HTTP reply's status code is not three digits";
        }
    }
    if (PAGEC_ROM_BYTE(d + PAGEC_STATUS_AT + 3) != ' ') {
        return "an HTTP reply's status code is not followed by a space";
    }
    return 0;
}

/* Bytes of TCP data of the header of variant v's 200 reply: its HEAD
 * form's, which is its first bytes or (made even, pagec/site.h) the same
 * header with one space more before the blank line. */
static uint16_t header_len(const PAGEC_ROM struct pagec_variant *v)
{
    const PAGEC_ROM uint8_t *g = v->get.pkt;
    uint16_t n = (uint16_t)(v->head.len - PAGEC_HDR_LEN);

    return PAGEC_ROM_BYTE(g + n - 4) == '\r' ? n : (uint16_t)(n - 1u);
}

/* 1 when the n bytes at h are the header of the reply at g but for one
 * space more before its last four bytes (the CRLF that ends the last
 * field and the blank line), n - 1 bytes of g being that header. */
static int one_space_more(const PAGEC_ROM uint8_t *h,
                          const PAGEC_ROM uint8_t *g, uint16_t n)
{
    uint16_t i;

    if (n < 5 || PAGEC_ROM_BYTE(h + n - 5) != ' ') {
        return 0;
    }
    for (i = 0; i < n - 5; i++) {
        if (PAGEC_ROM_BYTE(h + i) != PAGEC_ROM_BYTE(g + i)) {
            return 0;
        }
    }
    for (i = n - 5; i < n - 1; i++) {
        if (PAGEC_ROM_BYTE(g + i) != PAGEC_ROM_BYTE(h + i + 1)) {
            return 0;
        }
    }
    return 1;
}

/* The 200 reply of variant vi: a one-segment template, whose bytes are
 * its large reply's when it has one; or, when it does not fit mss, the
 * template of length 0xffff of its large reply. *bytes gets its TCP data
 * and *len their length. */
static const char *check_get(const PAGEC_ROM struct pagec_site *s,
                             uint16_t vi, const PAGEC_ROM uint8_t **bytes,
                             uint32_t *len)
{
    const PAGEC_ROM struct pagec_variant *v = &s->variants[vi];
    const PAGEC_ROM struct pagec_large *e = large_of(s, vi);
    const char *why;
    uint32_t i;

    if (v->get.len == 0xffffu) {
        if (!e || e->len <= s->mss) {
            return "a template of length 0xffff is not that of a large "
                   "reply longer than mss";
        }
        if (v->get.hlen != PAGEC_HDR_LEN || v->get.ip_sum ||
            v->get.tcp_sum || v->get.pkt != e->data) {
            return "a large reply's template is not its bytes with no sums";
        }
        *bytes = e->data;
        *len = e->len;
        return 0;
    }
    why = check_http(&v->get, s->window, s->mss);
    if (why) {
        return why;
    }
    *bytes = v->get.pkt;
    *len = (uint32_t)v->get.len - PAGEC_HDR_LEN;
    if (!e) {
        return 0;
    }
    if (e->len != *len) {
        return "a large reply that fits mss is not its template's length";
    }
    if (e->data != v->get.pkt) {
        for (i = 0; i < e->len; i++) {
            if (PAGEC_ROM_BYTE(e->data + i) !=
                PAGEC_ROM_BYTE(v->get.pkt + i)) {
                return "a large reply that fits mss is not its template's "
                       "bytes";
            }
        }
    }
    return 0;
}

/* A page's encoding: its GET reply, and the HEAD form cut from it after
 * the blank line (or in a site with large replies, the same header with
 * one space more); its ETag, or for a live variant none (no '"' where
 * the ETag would start); even lengths where the site needs them. */
static const char *check_variant(const PAGEC_ROM struct pagec_site *s,
                                 uint16_t vi, int live)
{
    const PAGEC_ROM struct pagec_variant *v = &s->variants[vi];
    const PAGEC_ROM uint8_t *g;
    const PAGEC_ROM uint8_t *h;
    uint32_t glen;
    const char *why = check_get(s, vi, &g, &glen);
    uint16_t n;
    uint16_t i;

    if (!why) {
        why = check_http(&v->head, s->window, s->mss);
    }
    if (why) {
        return why;
    }
    n = (uint16_t)(v->head.len - PAGEC_HDR_LEN);
    if (n > glen) {
        return "a HEAD reply is longer than its GET reply";
    }
    h = v->head.pkt;
    for (i = 0; h != g && i < n; i++) {
        if (PAGEC_ROM_BYTE(h + i) != PAGEC_ROM_BYTE(g + i)) {
            break;
        }
    }
    if (h != g && i < n && (s->nlarge == 0 || !one_space_more(h, g, n))) {
        return "a HEAD reply is not the start of its GET reply";
    }
    if (n < PAGEC_ETAG_AT + PAGEC_ETAG_LEN + 4) {
        return "a page's reply has a header too short for its ETag";
    }
    if (live && (PAGEC_ROM_BYTE(h + PAGEC_ETAG_AT) == '"' ||
                 PAGEC_ROM_BYTE(g + PAGEC_ETAG_AT) == '"')) {
        return "a live page's reply has an ETag";
    }
    if (!live && (PAGEC_ROM_BYTE(h + PAGEC_ETAG_AT) != '"' ||
                  PAGEC_ROM_BYTE(h + PAGEC_ETAG_AT + PAGEC_ETAG_LEN - 1) !=
                      '"')) {
        return "a page's reply has no ETag where the format puts it";
    }
    if (PAGEC_ROM_BYTE(h + n - 4) != '\r' || PAGEC_ROM_BYTE(h + n - 3) != '\n' ||
        PAGEC_ROM_BYTE(h + n - 2) != '\r' || PAGEC_ROM_BYTE(h + n - 1) != '\n') {
        return "a HEAD reply does not end with the blank line of the header";
    }
    if (!even_enough(s, glen) || !even_enough(s, n)) {
        return "a reply's TCP data is odd in a site with large replies";
    }
    return 0;
}

/* The three templates without data, and the error reply. */
static const char *check_control(const PAGEC_ROM struct pagec_site *s)
{
    const PAGEC_ROM uint8_t *o = s->syn_ack.pkt;
    uint16_t limit = s->mss < MSS_FLOOR ? s->mss : (uint16_t)MSS_FLOOR;
    const char *why;

    if (s->window == 0 || s->window > PAGEC_WINDOW_MAX) {
        return "the window is 0 or above PAGEC_WINDOW_MAX";
    }
    why = check_tmpl(&s->syn_ack, PAGEC_SYNACK_HLEN, s->window);
    if (why) {
        return why;
    }
    if (s->syn_ack.len != PAGEC_SYNACK_HLEN) {
        return "the SYN-ACK carries data";
    }
    if (PAGEC_ROM_BYTE(o) != 2 || PAGEC_ROM_BYTE(o + 1) != 4 ||
        PAGEC_ROM_BYTE(o + 2) != (uint8_t)(s->mss >> 8) ||
        PAGEC_ROM_BYTE(o + 3) != (uint8_t)s->mss) {
        return "the SYN-ACK's MSS option is not the site's mss";
    }
    why = check_tmpl(&s->ack, PAGEC_HDR_LEN, s->window);
    if (why) {
        return why;
    }
    if (s->ack.len != PAGEC_HDR_LEN) {
        return "the ACK carries data";
    }
    why = check_tmpl(&s->rst, PAGEC_HDR_LEN, 0);
    if (why) {
        return why;
    }
    if (s->rst.len != PAGEC_HDR_LEN) {
        return "the RST carries data";
    }
    why = check_http(&s->status, s->window, 0xffffu);
    if (why) {
        return why;
    }
    if (s->status.len - PAGEC_HDR_LEN > limit) {
        return "the error reply does not fit a client with an MSS of 536";
    }
    if (!even_enough(s, (uint32_t)s->status.len - PAGEC_HDR_LEN)) {
        return "a reply's TCP data is odd in a site with large replies";
    }
    return 0;
}

/* The radix tree: labels, children and pages within their tables, the
 * root's label empty and every other one not, children sorted. */
static const char *check_tree(const PAGEC_ROM struct pagec_site *s)
{
    const PAGEC_ROM struct pagec_node *nodes = s->nodes;
    uint16_t i;

    if (s->nnodes == 0 || !nodes) {
        return "the tree has no root";
    }
    if (s->nlabels && !s->labels) {
        return "the site has labels but no pointer to them";
    }
    if (nodes[0].label_len != 0) {
        return "the root's label is not empty";
    }
    for (i = 0; i < s->nnodes; i++) {
        const PAGEC_ROM struct pagec_node *n = &nodes[i];

        if ((uint32_t)n->label + n->label_len > s->nlabels) {
            return "a node's label lies outside the labels";
        }
        if ((uint32_t)n->first_child + n->nchild > s->nnodes) {
            return "a node's children lie outside the tree";
        }
        if (n->page != PAGEC_NO_PAGE &&
            n->page >= (uint32_t)s->npages + s->nactions) {
            return "a node names a page or action the site does not have";
        }
    }
    for (i = 0; i < s->nnodes; i++) {
        uint16_t c = nodes[i].first_child;
        uint16_t end = (uint16_t)(c + nodes[i].nchild);
        uint16_t prev = 0;

        for (; c < end; c++) {
            uint16_t first;

            if (nodes[c].label_len == 0) {
                return "a child node has an empty label";
            }
            first = PAGEC_ROM_BYTE(s->labels + nodes[c].label);
            if (c != nodes[i].first_child && first <= prev) {
                return "a node's children are not sorted by the first byte "
                       "of their labels";
            }
            prev = first;
        }
    }
    return 0;
}

/* The live table, before any variant's bytes are read: sorted by
 * variant, each naming a variant of the site and fields of the table. */
static const char *check_live_table(const PAGEC_ROM struct pagec_site *s)
{
    uint16_t i;

    if (s->live_bytes > 255) {
        return "live_bytes is over 255";
    }
    for (i = 0; i < s->nlive; i++) {
        const PAGEC_ROM struct pagec_live *l = &s->live[i];

        if (i && l->variant <= s->live[i - 1].variant) {
            return "the live pages are not sorted by variant";
        }
        if (l->variant >= s->nvariants) {
            return "a live page names a variant the site does not have";
        }
        if (l->count == 0) {
            return "a live page has no fields";
        }
        if ((uint32_t)l->first + l->count > s->nfields) {
            return "a live page's fields lie outside the fields";
        }
    }
    return 0;
}

/* 1 when the variant v is live: a binary search of the live table, which
 * check_live_table() found sorted. */
static int is_live(const PAGEC_ROM struct pagec_site *s, uint16_t v)
{
    uint16_t lo = 0;
    uint16_t hi = s->nlive;

    while (lo < hi) {
        uint16_t mid = (uint16_t)(lo + ((unsigned)(hi - lo) >> 1));
        uint16_t at = s->live[mid].variant;

        if (at == v) {
            return 1;
        }
        if (at < v) {
            lo = (uint16_t)(mid + 1u);
        } else {
            hi = mid;
        }
    }
    return 0;
}

/* The fields of each live page, in its 200 reply checked already: in its
 * body, in order, none overlapping, their widths in range and summing to
 * at most live_bytes, spaces in the template. */
static const char *check_live_fields(const PAGEC_ROM struct pagec_site *s)
{
    uint16_t i;

    for (i = 0; i < s->nlive; i++) {
        const PAGEC_ROM struct pagec_live *l = &s->live[i];
        const PAGEC_ROM struct pagec_variant *v = &s->variants[l->variant];
        const PAGEC_ROM struct pagec_large *e = large_of(s, l->variant);
        uint16_t body = header_len(v);
        uint16_t end = (uint16_t)(v->get.len - PAGEC_HDR_LEN);
        uint16_t from = body; /* where the next field may start */
        uint32_t sum = 0;
        uint16_t k;

        if (e && e->len < end) { /* a template of length 0xffff */
            end = (uint16_t)e->len;
        }
        for (k = l->first; k < l->first + l->count; k++) {
            const PAGEC_ROM struct pagec_field *f = &s->fields[k];
            uint16_t b;

            if (f->width < 1 || f->width > PAGEC_FIELD_WIDTH_MAX) {
                return "a live field's width is not from 1 to 64";
            }
            if (f->at < from) {
                return f->at < body ? "a live field lies outside its "
                                      "page's body"
                                    : "a page's live fields are out of "
                                      "order or overlap";
            }
            if ((uint32_t)f->at + f->width > end) {
                return "a live field lies outside its page's body";
            }
            for (b = 0; b < f->width; b++) {
                if (PAGEC_ROM_BYTE(v->get.pkt + f->at + b) != ' ') {
                    return "a live field's placeholder is not spaces";
                }
            }
            from = (uint16_t)(f->at + f->width);
            sum += f->width;
        }
        if (sum > s->live_bytes) {
            return "a live page's fields take more than live_bytes";
        }
    }
    return 0;
}

int pagec_site_check(const PAGEC_ROM struct pagec_site *site,
                     const char **why)
{
    const char *w = 0;
    uint16_t largest;
    uint16_t i;

    if (site->format != PAGEC_FORMAT_VERSION) {
        w = "the site is of another format version";
        goto fail;
    }
    if ((site->nvariants && !site->variants) ||
        (site->npages && !site->pages) || (site->nports && !site->ports) ||
        (site->nlive && !site->live) || (site->nfields && !site->fields) ||
        (site->nactions && !site->actions) ||
        (site->nlarge && !site->large)) {
        w = "a table of the site has entries but no pointer to them";
        goto fail;
    }
    w = check_control(site);
    if (w) {
        goto fail;
    }
    w = check_live_table(site);
    if (!w) {
        w = check_large_table(site);
    }
    if (w) {
        goto fail;
    }
    largest = (uint16_t)(site->status.len - PAGEC_HDR_LEN);
    for (i = 0; i < site->nvariants; i++) {
        const PAGEC_ROM struct pagec_variant *v = &site->variants[i];

        w = check_variant(site, i, is_live(site, i));
        if (w) {
            goto fail;
        }
        /* a large reply sent in segments aside */
        if (v->get.len != 0xffffu && v->get.len - PAGEC_HDR_LEN > largest) {
            largest = (uint16_t)(v->get.len - PAGEC_HDR_LEN);
        }
    }
    if (site->max_data != largest) {
        w = "max_data is not the TCP data of the largest reply";
        goto fail;
    }
    w = check_live_fields(site);
    if (w) {
        goto fail;
    }
    for (i = 0; i < site->npages; i++) {
        uint16_t id = site->pages[i].identity;
        uint16_t gz = site->pages[i].gzip;

        if (id == PAGEC_NO_PAGE && gz == PAGEC_NO_PAGE) {
            w = "a page has no variant";
            goto fail;
        }
        if ((id != PAGEC_NO_PAGE && id >= site->nvariants) ||
            (gz != PAGEC_NO_PAGE && gz >= site->nvariants)) {
            w = "a page names a variant the site does not have";
            goto fail;
        }
        if (gz != PAGEC_NO_PAGE && is_live(site, gz)) {
            w = "a live page is gzip-encoded";
            goto fail;
        }
        if (gz != PAGEC_NO_PAGE && id != PAGEC_NO_PAGE && is_live(site, id)) {
            w = "a live page has a gzip encoding";
            goto fail;
        }
    }
    if (site->not_found != PAGEC_NO_PAGE && site->not_found >= site->npages) {
        w = "not_found names a page the site does not have";
        goto fail;
    }
    for (i = 0; i < site->nports; i++) {
        const PAGEC_ROM struct pagec_port *p = &site->ports[i];

        if (p->port == 0 || p->port == site->http_port) {
            w = "a page's port is 0 or the HTTP port";
            goto fail;
        }
        if (i && p->port <= site->ports[i - 1].port) {
            w = "the ports are not in ascending order";
            goto fail;
        }
        if (p->variant >= site->nvariants) {
            w = "a port names a variant the site does not have";
            goto fail;
        }
        if (is_live(site, p->variant)) {
            w = "a port serves a live page";
            goto fail;
        }
    }
    if ((uint32_t)site->npages + site->nactions >= PAGEC_NO_PAGE) {
        w = "the pages and actions are too many for the tree to name";
        goto fail;
    }
    for (i = 0; i < site->nactions; i++) {
        if (site->actions[i].page >= site->npages) {
            w = "an action names a page the site does not have";
            goto fail;
        }
    }
    w = check_tree(site);
    if (w) {
        goto fail;
    }
    return 0;
fail:
    if (why) {
        *why = w;
    }
    return -1;
}
