/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * compile.c - every reply of a site: each page in its identity and gzip
 * encodings (200, and its HEAD form that also serves as 304), the error
 * reply, and the TCP control segments.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "compiler.h"
#include "pagec/chksum.h"

#define GZIP_FIELD "Content-Encoding: gzip\r\n"
#define VARY_FIELD "Vary: Accept-Encoding\r\n"
#define ALLOW_FIELD "Allow: GET, HEAD\r\n"
/* Bytes a gzip reply must save on the identity one to be kept beside it. */
#define GZIP_GAIN_MIN 128

/* A growing string of header fields; want counts the bytes they take
 * even when buf is too short for them. */
struct fields {
    char buf[1024];
    size_t len;
    size_t want;
    int overflow;
};

static void add(struct fields *f, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void add(struct fields *f, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(f->buf + f->len, sizeof f->buf - f->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof f->buf - f->len) {
        f->overflow = 1;
        f->len = sizeof f->buf - 1;
        f->want += n < 0 ? sizeof f->buf : (size_t)n;
        return;
    }
    f->want += (size_t)n;
    f->len += (size_t)n;
}

/* The fields every reply carries after its own. */
static void common_fields(struct fields *f, const struct options *o)
{
    if (o->server) {
        add(f, "Server: %s\r\n", o->server);
    }
}

static uint8_t *read_file(const char *path, size_t size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    size_t got;
    int extra;

    if (!f) {
        pagec_error("%s: %s", path, strerror(errno));
        return NULL;
    }
    buf = malloc(size ? size : 1);
    if (!buf) {
        pagec_error("out of memory");
        fclose(f);
        return NULL;
    }
    got = fread(buf, 1, size, f);
    extra = got == size ? fgetc(f) : EOF;
    if (ferror(f)) {
        pagec_error("%s: %s", path, strerror(errno));
    } else if (got != size || extra != EOF) {
        pagec_error("%s: file changed while being read", path);
    } else {
        fclose(f);
        return buf;
    }
    fclose(f);
    free(buf);
    return NULL;
}

/* The header fields of a page's 200 reply in one encoding: the ETag
 * first, where the runtime finds it (PAGEC_ETAG_AT). A live page's reply
 * changes with every request: no ETag (Content-Type first, whose 't' is
 * at PAGEC_ETAG_AT, where no If-None-Match can match it) and no-store. */
static void ok_fields(struct fields *f, const struct options *o,
                      const struct page *pg, const char *etag, size_t len,
                      int gzip, int vary)
{
    if (!pg->nfields) {
        add(f, "ETag: %s\r\n", etag);
    }
    add(f, "Content-Type: %s\r\n", pg->mime);
    add(f, "Content-Length: %zu\r\n", len);
    if (gzip) {
        add(f, "%s", GZIP_FIELD);
    }
    if (vary) {
        add(f, "%s", VARY_FIELD);
    }
    if (pg->nfields) {
        add(f, "Cache-Control: no-store\r\n");
    } else if (o->cache_control) {
        add(f, "Cache-Control: %s\r\n", o->cache_control);
    }
    common_fields(f, o);
}

/* A strong ETag from the encoded bytes: their CRC-32, with bit 0
 * flipped for gzip so that the two encodings of a page never share one. */
static void make_etag(char *etag, size_t size, const uint8_t *body,
                      size_t len, int gzip)
{
    unsigned long crc = crc32(0L, Z_NULL, 0);
    size_t done = 0;

    while (done < len) { /* crc32 takes a uInt at a time */
        uInt n = (uInt)(len - done > 0x40000000u ? 0x40000000u : len - done);

        crc = crc32(crc, body + done, n);
        done += n;
    }
    snprintf(etag, size, "\"%08lx\"", (crc & ~1UL) | (gzip ? 1UL : 0UL));
}

/* Bytes of TCP data of a page's 200 reply in one encoding. */
static size_t ok_len(const struct options *o, const struct page *pg,
                     size_t len, int gzip, int vary)
{
    struct fields f = {{0}, 0, 0, 0};
    char etag[32];

    snprintf(etag, sizeof etag, "\"%08lx\"", 0UL);
    ok_fields(&f, o, pg, etag, len, gzip, vary);
    return reply_data_len("200 ", "", len) + f.want;
}

/* Builds one encoding of a page: 200 and its HEAD form. */
static int build_variant(const struct options *o, const struct page *pg,
                         struct variant *v, const uint8_t *body, size_t len,
                         int gzip, int vary)
{
    struct fields f = {{0}, 0, 0, 0};
    char etag[32];

    make_etag(etag, sizeof etag, body, len, gzip);
    ok_fields(&f, o, pg, etag, len, gzip, vary);
    if (f.overflow) {
        pagec_error("%s: header fields too long", pg->src);
        return -1;
    }
    if (reply_build(&v->ok, "200 ", f.buf, body, len,
                    site_window(o->mss)) != 0) {
        pagec_error("out of memory");
        return -1;
    }
    v->present = 1;
    v->body_len = len;
    v->data_len = v->ok.get.len - v->ok.get.hlen;
    return 0;
}

/* Where each live field of a page is in its 200 reply's template: the
 * TCP options, the HTTP header, then its offset in the body. */
static void place_fields(struct page *pg)
{
    const struct packet *get = &pg->id.ok.get;
    size_t header = pg->id.data_len - pg->id.body_len;
    size_t i;

    for (i = 0; i < pg->nfields; i++) {
        pg->fields[i].at = get->hlen - PAGEC_HDR_LEN + header +
                           pg->fields[i].off;
    }
}

/* The Location of the folder rel (len bytes): "/" rel "/", every byte
 * but those a URI path takes as they are (RFC 3986: unreserved,
 * sub-delims, ':', '@', '/') percent-encoded. malloc'd, or NULL. */
static char *folder_location(const char *rel, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    char *loc = malloc(3 * len + 3);
    size_t n = 0;
    size_t i;

    if (!loc) {
        return NULL;
    }
    loc[n++] = '/';
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)rel[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || (c && strchr("-._~!$&'()*+,;=:@/", c))) {
            loc[n++] = (char)c;
        } else {
            loc[n++] = '%';
            loc[n++] = hex[c >> 4];
            loc[n++] = hex[c & 15];
        }
    }
    loc[n++] = '/';
    loc[n] = '\0';
    return loc;
}

/* The header fields of a folder's 301: the ETag first, as in every
 * page's reply (PAGEC_ETAG_AT), then where the folder is; no body. */
static void redirect_fields(struct fields *f, const struct options *o,
                            const char *etag, const char *location)
{
    add(f, "ETag: %s\r\n", etag);
    add(f, "Location: %s\r\n", location);
    add(f, "Content-Length: 0\r\n");
    common_fields(f, o);
}

static int by_rel(const void *a, const void *b)
{
    return strcmp(((const struct page *)a)->rel,
                  ((const struct page *)b)->rel);
}

int site_redirects(struct site *s, const struct options *o)
{
    size_t n = s->npages;
    size_t i;

    if (o->http_port == 0) {
        return 0; /* no page is found by its path */
    }
    for (i = 0; i < n; i++) {
        const char *rel = s->pages[i].rel;
        const char *src = s->pages[i].src;
        const char *base = strrchr(rel, '/');
        struct fields f = {{0}, 0, 0, 0};
        struct page *v;
        struct page pg;
        size_t len;

        if (!base || strcmp(base + 1, "index.html") != 0) {
            continue;
        }
        memset(&pg, 0, sizeof pg);
        len = (size_t)(base - rel);
        pg.rel = strndup(rel, len);
        pg.src = strndup(src, strlen(src) - strlen("/index.html"));
        pg.location = folder_location(rel, len);
        if (!pg.rel || !pg.src || !pg.location) {
            goto oom;
        }
        redirect_fields(&f, o, "\"00000000\"", pg.location);
        if (reply_data_len("301 ", "", 0) + f.want > o->mss) {
            pagec_error("%s: warning: no redirect from /%s to %s: its 301 "
                        "reply would be %zu bytes, over the limit of %u",
                        pg.src, shown(pg.rel), pg.location,
                        reply_data_len("301 ", "", 0) + f.want, o->mss);
            free(pg.rel);
            free(pg.src);
            free(pg.location);
            continue;
        }
        v = realloc(s->pages, (s->npages + 1) * sizeof *v);
        if (!v) {
            goto oom;
        }
        s->pages = v;
        s->pages[s->npages++] = pg;
        continue;
oom:
        free(pg.rel);
        free(pg.src);
        free(pg.location);
        pagec_error("out of memory");
        return -1;
    }
    qsort(s->pages, s->npages, sizeof *s->pages, by_rel);
    return 0;
}

/* Builds a folder's 301 reply, as the identity encoding of its page;
 * site_redirects() made sure it fits. Returns 0, or 1 when out of
 * memory. */
static int compile_redirect(const struct options *o, struct page *pg)
{
    struct fields f = {{0}, 0, 0, 0};
    char etag[32];

    make_etag(etag, sizeof etag, (const uint8_t *)pg->location,
              strlen(pg->location), 0);
    redirect_fields(&f, o, etag, pg->location);
    if (f.overflow ||
        reply_build(&pg->id.ok, "301 ", f.buf, NULL, 0,
                    site_window(o->mss)) != 0) {
        pagec_error("out of memory");
        return 1;
    }
    pg->id.present = 1;
    pg->id.body_len = 0;
    pg->id.data_len = pg->id.ok.get.len - pg->id.ok.get.hlen;
    return 0;
}

/* Reports a reply of n bytes of TCP data over the limit; role, when not
 * empty, says which reply a file makes (" (as the 404 reply)"). */
static void too_big(const char *what, const char *role, uint64_t n,
                    unsigned mss)
{
    pagec_error("%s%s: page is %llu bytes, limit is %u (%llu over)", what,
                role, (unsigned long long)n, mss,
                (unsigned long long)(n - mss));
}

/* Says why a page does not fit one segment and what would make it:
 * id_len and gzr_len are its replies' TCP data, identity and gzip (0:
 * none); segs, the fewest segments of mss one of them takes (0: not
 * known, or a --port page, which is sent in one). No hint proposes an
 * MSS above an Ethernet link's. */
static void explain(const struct options *o, const struct page *pg,
                    size_t id_len, size_t gzr_len, int port_mode,
                    size_t segs)
{
    size_t need = gzr_len && gzr_len < id_len ? gzr_len : id_len;

    too_big(pg->src, "", id_len, o->mss);
    if (pg->nfields && id_len <= PAGEC_MSS_ETHERNET) {
        pagec_error("%s: a live page is sent identity-encoded: it would "
                    "fit with --mss %zu",
                    pg->src, id_len);
    } else if (pg->nfields && segs && !port_mode) {
        pagec_error("%s: a live page is sent identity-encoded: it would "
                    "fit with --max-segments %zu",
                    pg->src, segs);
    } else if (pg->nfields) {
        pagec_error("%s: too big for one TCP segment, and a live page is "
                    "sent identity-encoded",
                    pg->src);
    } else if (port_mode && gzr_len && gzr_len <= o->mss) {
        pagec_error("%s: it fits only gzip-compressed (%zu bytes), but a "
                    "--port page is sent identity-encoded",
                    pg->src, gzr_len);
    } else if (!o->gzip && gzr_len && gzr_len <= o->mss) {
        pagec_error("%s: gzip-compressed it would be %zu bytes and fit: "
                    "drop --no-gzip",
                    pg->src, gzr_len);
    } else if (need <= PAGEC_MSS_ETHERNET) {
        pagec_error("%s: it would fit with --mss %zu%s", pg->src, need,
                    need == gzr_len ? " (gzip-compressed)" : "");
    } else if (segs && !port_mode) {
        pagec_error("%s: it would fit with --max-segments %zu", pg->src,
                    segs);
    } else {
        pagec_error("%s: too big for one TCP segment, even gzip-compressed",
                    pg->src);
    }
}

/* Says that a page takes more segments than --max-segments allows (more
 * than one), and what would make it fit: id_segs and gz_segs are the
 * segments of mss its replies take, identity and gzip (0: none); id_len
 * the identity reply's TCP data. */
static void explain_segments(const struct options *o, const struct page *pg,
                             size_t id_len, size_t id_segs, size_t gz_segs)
{
    size_t need = gz_segs && gz_segs < id_segs ? gz_segs : id_segs;

    pagec_error("%s: page is %zu bytes in %zu segments of MSS %u, limit is "
                "%u (%zu over)",
                pg->src, id_len, id_segs, o->mss, o->max_segments,
                id_segs - o->max_segments);
    if (!o->gzip && gz_segs && gz_segs <= o->max_segments) {
        pagec_error("%s: gzip-compressed it would take %zu segment%s and "
                    "fit: drop --no-gzip",
                    pg->src, gz_segs, gz_segs > 1 ? "s" : "");
    } else {
        pagec_error("%s: it would fit with --max-segments %zu%s", pg->src,
                    need, pg->nfields ? " (a live page is sent "
                                        "identity-encoded)"
                                      : "");
    }
}

/* Compiles one page, served on the port port of its own (0: none): its
 * identity encoding, whatever its size, and its gzip encoding when that
 * pays; fit_site() then checks what must fit. Returns 0, or 1 when it
 * cannot be read or is too big for any reply. */
static int compile_page(const struct options *o, struct page *pg,
                        unsigned port)
{
    uint8_t *body;
    uint8_t *gz = NULL;
    size_t len;
    size_t gz_len = 0;
    size_t id_len;
    int smaller;
    int keep_gz;
    int rc = 1;

    if (pg->size > PAGEC_FILE_MAX) {
        pagec_error("%s: %llu bytes, more than any page can be (%u)",
                    pg->src, (unsigned long long)pg->size, PAGEC_FILE_MAX);
        return 1;
    }
    body = read_file(pg->src, (size_t)pg->size);
    if (!body) {
        return 1;
    }
    pg->mime = mime_type(o, pg->src, body, (size_t)pg->size);
    if (!pg->mime) {
        goto out;
    }
    /* the body sent: the file with its live fields' markers replaced and
     * its actions' taken out */
    len = (size_t)pg->size;
    if (marker_scan(o, pg, &body, &len, port) != 0) {
        goto out;
    }
    /* a live page is sent identity-encoded only */
    if (o->gzip && len > 0 && !pg->nfields &&
        gzip_best(body, len, &gz, &gz_len) != 0) {
        pagec_error("out of memory");
        goto out;
    }
    /* gzip only when it pays: its reply is at least GZIP_GAIN_MIN bytes
     * and a quarter shorter, or it fits one segment where the identity
     * reply does not */
    smaller = gz && gz_len + strlen(GZIP_FIELD) < len;
    keep_gz = smaller;
    if (keep_gz) {
        size_t plain = ok_len(o, pg, len, 0, 1);
        size_t packed = ok_len(o, pg, gz_len, 1, 1);

        keep_gz = (packed + GZIP_GAIN_MIN <= plain &&
                   packed * 4 <= plain * 3) ||
                  (ok_len(o, pg, len, 0, 0) > o->mss && packed <= o->mss);
    }
    pg->gz_body = keep_gz ? gz_len : 0;
    id_len = ok_len(o, pg, len, 0, keep_gz);
    if (id_len > PAGEC_LARGE_MAX) { /* even: made even, it stays below */
        pagec_error("%s: page is %zu bytes, limit is %u (%zu over)", pg->src,
                    id_len, PAGEC_LARGE_MAX, id_len - PAGEC_LARGE_MAX);
        pagec_error("%s: too big for any reply: a reply holds at most %u "
                    "bytes, its header included",
                    pg->src, PAGEC_LARGE_MAX);
        goto out;
    }
    /* the gzip reply's size for the hints, where a reply may not fit:
     * made even with --no-gzip too */
    if (smaller) {
        pg->hint_gz = ok_len(o, pg, gz_len, 1, 1);
    } else if (!o->gzip && len > 0 && !pg->nfields &&
               (o->max_segments || port) && id_len + 1 > o->mss) {
        if (gzip_best(body, len, &gz, &gz_len) != 0) {
            pagec_error("out of memory");
            goto out;
        }
        pg->hint_gz = ok_len(o, pg, gz_len, 1, 1);
    }
    if (build_variant(o, pg, &pg->id, body, len, 0, keep_gz) != 0) {
        goto out;
    }
    place_fields(pg);
    if (keep_gz &&
        build_variant(o, pg, &pg->gz, gz, gz_len, 1, 1) != 0) {
        goto out;
    }
    rc = 0;
out:
    free(gz);
    free(body);
    return rc;
}

unsigned large_class(unsigned mss)
{
    return mss < PAGEC_MSS_FLOOR ? mss : PAGEC_MSS_FLOOR;
}

size_t reply_segments(size_t len, unsigned m, unsigned block, size_t v)
{
    size_t seg;
    size_t first;

    if (len <= m) {
        return 1;
    }
    if (!block || m < PAGEC_TS_OPT_LEN + block) {
        return 0; /* no grid, or one that does not fit m */
    }
    seg = (m - PAGEC_TS_OPT_LEN) / block * block;
    first = seg - block + 2 * v;
    return 1 + (len - first + seg - 1) / seg;
}

int variant_split(const struct variant *v, unsigned mss)
{
    return v->large && v->data_len > mss;
}

void variant_free(struct variant *v)
{
    reply_free(&v->ok);
    free(v->sums);
    memset(v, 0, sizeof *v);
}

/* The TCP data of a variant's 200 reply, made even in a site that has
 * large replies. */
static size_t even_len(const struct output *out, const struct variant *v)
{
    return v->data_len + (out->even ? (v->data_len & 1) : 0);
}

/* The block of a grid for n large replies: at least PAGEC_BLOCK_MIN and
 * 2 (n + 1), a power of two. */
static unsigned block_for(size_t n)
{
    unsigned b = PAGEC_BLOCK_MIN;

    while (b < 2 * (n + 1)) {
        b *= 2;
    }
    return b;
}

/* The largest block a site of MSS mss can use: every segment of the
 * smallest class holds one, with the timestamps option. */
static unsigned block_most(unsigned mss)
{
    unsigned b = PAGEC_BLOCK_MAX;

    while (b > PAGEC_BLOCK_MIN &&
           b + PAGEC_TS_OPT_LEN > large_class(mss)) {
        b /= 2;
    }
    return b;
}

/* Numbers the variants of the pages, in the order of the pages, and
 * among them the large replies (TCP data over the smallest MSS class,
 * made even when any is): each variant's index and large, out's even,
 * nvariants, nlarge and block. */
static void number_variants(struct output *out)
{
    struct site *s = out->site;
    unsigned class = large_class(out->opt->mss);
    size_t i;
    int k;

    out->even = 0;
    for (i = 0; i < s->npages; i++) {
        for (k = 0; k < 2; k++) {
            const struct variant *v = k ? &s->pages[i].gz : &s->pages[i].id;

            if (v->present && v->data_len > class) {
                out->even = 1;
            }
        }
    }
    out->nvariants = 0;
    out->nlarge = 0;
    for (i = 0; i < s->npages; i++) {
        for (k = 0; k < 2; k++) {
            struct variant *v = k ? &s->pages[i].gz : &s->pages[i].id;

            if (!v->present) {
                continue;
            }
            v->index = out->nvariants++;
            v->large = even_len(out, v) > class ? ++out->nlarge : 0;
        }
    }
    out->block = out->nlarge ? block_for(out->nlarge) : 0;
}

/* The segments of the site's MSS a variant takes, as numbered. */
static size_t segments_at_mss(const struct output *out,
                              const struct variant *v)
{
    return reply_segments(even_len(out, v), out->opt->mss, out->block,
                          v->large);
}

/* The port a page is served on, or 0. */
static unsigned page_port(const struct options *o, size_t page)
{
    size_t k;

    for (k = 0; k < o->nports; k++) {
        if (o->ports[k].page == page) {
            return o->ports[k].port;
        }
    }
    return 0;
}

/* Drops one encoding of pg, over --max-segments, the other being within:
 * warns when it is the identity one. */
static void drop_variant(const struct output *out, struct page *pg,
                         struct variant *v)
{
    const struct options *o = out->opt;

    if (v == &pg->id) {
        /* fine for browsers and curl --compressed, not for every client */
        size_t len = even_len(out, v);
        char whole[64] = "";

        if (o->max_segments == 1 && len <= PAGEC_MSS_ETHERNET) {
            snprintf(whole, sizeof whole, "; --mss %zu would keep it whole",
                     len);
        } else if (segments_at_mss(out, v)) {
            snprintf(whole, sizeof whole,
                     "; --max-segments %zu would keep it whole",
                     segments_at_mss(out, v));
        }
        if (o->max_segments == 1) {
            pagec_error("%s: warning: kept gzip-compressed only (its reply "
                        "would be %zu bytes, over the limit of %u): a "
                        "client that does not accept gzip, such as wget or "
                        "Python's urllib, gets 406 for it%s",
                        pg->src, len, o->mss, whole);
        } else {
            pagec_error("%s: warning: kept gzip-compressed only (its reply "
                        "would take %zu segments of MSS %u, over the limit "
                        "of %u): a client that does not accept gzip, such "
                        "as wget or Python's urllib, gets 406 for it%s",
                        pg->src, segments_at_mss(out, v), o->mss,
                        o->max_segments, whole);
        }
    }
    v->present = 0; /* its bytes are freed once the site is fitted */
}

/* Reports a page of which no encoding can be sent. */
static void report_unfit(const struct output *out, const struct page *pg,
                         unsigned port)
{
    const struct options *o = out->opt;
    const struct variant *id = &pg->id;
    const struct variant *gz = &pg->gz;
    size_t id_len = even_len(out, id);
    size_t id_segs = segments_at_mss(out, id);
    size_t gz_segs = 0;

    if (gz->data_len) {
        gz_segs = segments_at_mss(out, gz);
    } else if (pg->hint_gz) {
        size_t n = pg->hint_gz + (out->even ? (pg->hint_gz & 1) : 0);

        /* not numbered: the grid's first segment at its shortest */
        gz_segs = reply_segments(n, o->mss, out->block, 1);
    }
    if (port || o->max_segments == 1) {
        size_t gzr = pg->hint_gz;
        size_t segs = id_segs;

        if (gzr && out->even) {
            gzr += gzr & 1;
        }
        if (gz_segs && gz_segs < segs) {
            segs = gz_segs;
        }
        explain(o, pg, id_len, gzr, port != 0, segs);
    } else {
        explain_segments(o, pg, id_len, id_segs, gz_segs);
    }
}

/* The header of every reply, which answers HEAD and 304 alone, fits one
 * segment: a large reply's may not. Returns 0, or 1 after printing every
 * one that does not. */
static int fit_heads(const struct output *out)
{
    const struct options *o = out->opt;
    const struct site *s = out->site;
    size_t i;
    int rc = 0;
    int k;

    for (i = 0; i < s->npages; i++) {
        const struct page *pg = &s->pages[i];

        for (k = 0; k < 2; k++) {
            const struct variant *v = k ? &pg->gz : &pg->id;
            size_t n = v->ok.head.len - v->ok.head.hlen;

            if (!v->present || n <= o->mss) {
                continue;
            }
            pagec_error("%s: the header of its %s reply is %zu bytes, "
                        "limit is %u (%zu over)",
                        pg->src, k ? "gzip" : "identity", n, o->mss,
                        n - o->mss);
            pagec_error("%s: the header alone answers HEAD and 304, in one "
                        "segment: --mss %zu, or shorter --server and "
                        "--cache-control values, would do",
                        pg->src, n);
            rc = 1;
            break;
        }
    }
    return rc;
}

/* Every live field lies where the format can place it: its end within
 * the first PAGEC_MSS_MAX bytes of the reply (pagec_field.at is 16 bits,
 * an offset in the template's bytes). Returns 0, or 1 after printing
 * every one that does not. */
static int fit_fields(const struct output *out)
{
    const struct site *s = out->site;
    size_t i;
    size_t k;
    int rc = 0;

    for (i = 0; i < s->npages; i++) {
        const struct page *pg = &s->pages[i];

        for (k = 0; pg->id.present && k < pg->nfields; k++) {
            const struct live_field *lf = &pg->fields[k];
            size_t end = lf->at + lf->width;

            if (end <= PAGEC_MSS_MAX) {
                continue;
            }
            pagec_error("%s:%lu:%lu: the live field ends at byte %zu of "
                        "its reply, limit is %d (%zu over)",
                        pg->src, lf->line, lf->col, end, PAGEC_MSS_MAX,
                        end - PAGEC_MSS_MAX);
            pagec_error("%s:%lu:%lu: a live field lies in the first %d "
                        "bytes of its reply: move it %zu bytes nearer the "
                        "start of the page",
                        pg->src, lf->line, lf->col, PAGEC_MSS_MAX,
                        end - PAGEC_MSS_MAX);
            rc = 1;
        }
    }
    return rc;
}

/* The sums of a large reply on its grid (pagec/site.h): at 0, 2v + kB
 * below its length, and its length, each the folded sum of the bytes
 * before it. Returns 0, or -1 when out of memory. */
static int grid_sums(struct variant *v, unsigned block)
{
    const uint8_t *d = v->ok.get.data + v->ok.get.hlen;
    size_t len = v->data_len;
    size_t first = 2 * v->large;
    size_t n = 3 + (len - 1 - first) / block;
    size_t at = 0;
    uint32_t sum = 0;
    size_t k;

    v->sums = malloc(n * sizeof *v->sums);
    if (!v->sums) {
        return -1;
    }
    v->nsums = n;
    v->sums[0] = 0;
    for (k = 1; k < n; k++) {
        size_t g = k == n - 1 ? len : first + (k - 1) * block;

        /* folded at each point: a piece is at most a block, so the sum
         * never overflows, and folding keeps its value */
        sum = pagec_chksum_add(pagec_chksum_fold(sum), d + at,
                               (uint16_t)(g - at));
        v->sums[k] = pagec_chksum_fold(sum);
        at = g;
    }
    return 0;
}

/* The site's table of large replies, in the order of their variants, and
 * the sums of each. Returns 0, or -1 after printing an error. */
static int large_table(struct output *out)
{
    struct site *s = out->site;
    size_t i;
    int k;

    free(out->large);
    out->large = NULL;
    if (!out->nlarge) {
        return 0;
    }
    out->large = calloc(out->nlarge, sizeof *out->large);
    if (!out->large) {
        pagec_error("out of memory");
        return -1;
    }
    for (i = 0; i < s->npages; i++) {
        for (k = 0; k < 2; k++) {
            struct variant *v = k ? &s->pages[i].gz : &s->pages[i].id;

            if (!v->present || !v->large) {
                continue;
            }
            out->large[v->large - 1] = v;
            if (grid_sums(v, out->block) != 0) {
                pagec_error("out of memory");
                free(out->large); /* not whole */
                out->large = NULL;
                return -1;
            }
        }
    }
    return 0;
}

/* Whether every page of the site can be sent: a --port page's identity
 * reply in one segment, and with --max-segments every reply in that many
 * segments of the MSS (an encoding over it dropped when the other is
 * within, a page with none within reported). Then numbers the variants
 * and the large replies, makes every reply even when the site has large
 * replies, and sums the large replies on their grid. Returns 0, or 1
 * after printing every problem found. */
static int fit_site(struct output *out)
{
    const struct options *o = out->opt;
    struct site *s = out->site;
    const char *dir = s->dirs[0];
    unsigned most = block_most(o->mss);
    size_t i;
    size_t n;
    int rc = 0;
    int k;

    for (;;) {
        int dropped = 0;

        number_variants(out);
        for (i = 0; i < s->npages; i++) {
            struct page *pg = &s->pages[i];
            unsigned port = page_port(o, i);
            int id_over;
            int gz_over;

            pg->fails = 0;
            if (pg->location || (!pg->id.present && !pg->gz.present)) {
                continue;
            }
            if (port && (!pg->id.present ||
                         even_len(out, &pg->id) > o->mss)) {
                pg->fails = 1;
                continue;
            }
            if (!o->max_segments || out->block > most) {
                continue;
            }
            id_over = pg->id.present &&
                      segments_at_mss(out, &pg->id) > o->max_segments;
            gz_over = pg->gz.present &&
                      segments_at_mss(out, &pg->gz) > o->max_segments;
            if ((!pg->id.present || id_over) &&
                (!pg->gz.present || gz_over)) {
                pg->fails = 1;
            } else if (id_over || gz_over) {
                drop_variant(out, pg, id_over ? &pg->id : &pg->gz);
                dropped = 1;
            }
        }
        if (!dropped) {
            break;
        }
    }
    for (i = 0; i < s->npages; i++) {
        struct page *pg = &s->pages[i];

        if (pg->fails) {
            report_unfit(out, pg, page_port(o, i));
            rc = 1;
        }
        for (k = 0; k < 2; k++) {
            struct variant *v = k ? &pg->gz : &pg->id;

            if (!v->present && v->ok.get.data) {
                variant_free(v);
            }
        }
    }
    if (out->block > most) {
        size_t ids = 0;

        for (i = 0; i < s->npages; i++) {
            ids += s->pages[i].id.large != 0;
        }
        n = most / 2 - 1;
        pagec_error("%s: %zu replies are longer than %u bytes (one segment "
                    "of the smallest MSS), more than the %zu a site can "
                    "send in several segments",
                    dir, out->nlarge, large_class(o->mss), n);
        if (o->gzip && ids <= n) {
            pagec_error("%s: with --no-gzip there would be %zu, one a page",
                        dir, ids);
        } else {
            pagec_error("%s: %zu fewer would fit: make two sites (--name)",
                        dir, out->nlarge - n);
        }
        rc = 1;
    }
    if (out->even) {
        for (i = 0; i < s->npages; i++) {
            struct page *pg = &s->pages[i];

            for (k = 0; k < 2; k++) {
                struct variant *v = k ? &pg->gz : &pg->id;

                if (!v->present) {
                    continue;
                }
                if (reply_even(&v->ok) != 0) {
                    pagec_error("out of memory");
                    return 1;
                }
                v->data_len = v->ok.get.len - v->ok.get.hlen;
            }
            if (pg->nfields && pg->id.present) {
                place_fields(pg);
            }
        }
    }
    rc |= fit_heads(out);
    rc |= fit_fields(out);
    if (rc == 0 && large_table(out) != 0) {
        rc = 1;
    }
    return rc;
}

/* The most TCP data the error reply may have: the runtime takes
 * connections from clients whose MSS is as low as this, and the error
 * reply, as 503 above all, must reach every one of them. */
static unsigned status_limit(const struct options *o)
{
    return o->mss < PAGEC_MSS_FLOOR ? o->mss : PAGEC_MSS_FLOOR;
}

/* Says what would make the error reply fit, over by over bytes: a
 * shorter --server value (without one, the error reply fits any limit
 * from PAGEC_MSS_MIN), or an --mss of need, the bytes it takes, while
 * that is at most PAGEC_MSS_FLOOR. */
static void status_hint(const struct output *out, size_t over, size_t need)
{
    const struct options *o = out->opt;
    size_t server = o->server ? strlen(o->server) : 0;
    const char *dir = out->site->dirs[0];

    if (over < server && need <= PAGEC_MSS_FLOOR) {
        pagec_error("%s: with a --server value of at most %zu characters, "
                    "or with --mss %zu, it would fit",
                    dir, server - over, need);
    } else if (over < server) {
        pagec_error("%s: with a --server value of at most %zu characters "
                    "it would fit",
                    dir, server - over);
    } else {
        pagec_error("%s: without --server it would fit", dir);
    }
}

/* The error reply: no body, so that it serves HEAD as well, and every
 * field any of its statuses needs (405 requires Allow); the runtime writes
 * the status code over "400". A 404.html at the root answers a path that
 * names no page instead, with its own reply sent as 404. */
static int compile_status(struct output *out)
{
    const struct options *o = out->opt;
    struct fields f = {{0}, 0, 0, 0};
    struct reply r;
    unsigned limit = status_limit(o);
    unsigned room;
    size_t n;
    size_t i;

    out->not_found = -1;
    for (i = 0; i < out->site->npages; i++) {
        const struct page *pg = &out->site->pages[i];

        if (strcmp(pg->rel, "404.html") == 0 && !pg->location &&
            (pg->id.present || pg->gz.present)) {
            out->not_found = (long)i;
        }
    }
    add(&f, "Content-Type: text/plain\r\n");
    add(&f, "Content-Length: 0\r\n");
    add(&f, "%s", ALLOW_FIELD);
    common_fields(&f, o);
    n = reply_data_len("400 ", "", 0) + f.want;
    /* made even below, an odd length takes a byte more: the room is
     * even */
    room = out->even ? limit & ~1u : limit;
    if (n > room) {
        pagec_error("%s: the error reply has %zu bytes of TCP data, more "
                    "than the %u a client with the smallest MSS can take "
                    "(over by %zu)",
                    out->site->dirs[0], n, limit, n - room);
        status_hint(out, n - room, out->even ? n + (n & 1) : n);
        return 1;
    }
    if (reply_build(&r, "400 ", f.buf, NULL, 0, site_window(o->mss)) != 0 ||
        (out->even && reply_even(&r) != 0)) {
        reply_free(&r);
        pagec_error("out of memory");
        return 1;
    }
    out->status = r.get; /* its HEAD form, which shares its bytes, aside */
    return 0;
}

int compile_site(struct output *out)
{
    const struct options *o = out->opt;
    uint8_t mss_opt[4] = {2, 4, (uint8_t)(o->mss >> 8), (uint8_t)o->mss};
    int rc = 0;
    size_t i;

    for (i = 0; i < out->site->npages; i++) {
        const struct page *pg = &out->site->pages[i];
        /* "GET /" + rel + " HTTP/1.1\r\n": the shortest request for it */
        size_t request = strlen(pg->rel) + 16;
        unsigned port = 0;

        if (pg->location) {
            rc |= compile_redirect(o, &out->site->pages[i]);
            continue;
        }
        port = page_port(o, i);
        if (request > o->mss) {
            pagec_error("%s: name too long: a request for it takes at least "
                        "%zu bytes, more than one segment of %u",
                        pg->src, request, o->mss);
            if (request <= PAGEC_MSS_ETHERNET) {
                pagec_error("%s: a name %zu bytes shorter, or --mss %zu, "
                            "would do",
                            pg->src, request - o->mss, request);
            } else {
                pagec_error("%s: a name %zu bytes shorter would do", pg->src,
                            request - o->mss);
            }
            rc = 1;
            continue;
        }
        rc |= compile_page(o, &out->site->pages[i], port);
    }
    rc |= live_number(out);
    if (action_number(out) != 0) {
        rc = 1;
    } else if (out->nactions) {
        /* the paths again, with the actions' targets */
        tree_free(&out->tree);
        if (tree_build(out->site, out->actions, out->nactions,
                       &out->tree) != 0) {
            rc = 1;
        }
    }
    rc |= fit_site(out);
    rc |= compile_status(out);
    if (packet_build(&out->syn_ack, TCP_SYN | TCP_ACK, site_window(o->mss),
                     mss_opt, sizeof mss_opt, NULL, 0) != 0 ||
        packet_build(&out->ack, TCP_ACK, site_window(o->mss), NULL, 0, NULL,
                     0) != 0 ||
        packet_build(&out->rst, TCP_RST | TCP_ACK, 0, NULL, 0, NULL, 0) !=
            0) {
        pagec_error("out of memory");
        rc = 1;
    }
    return rc;
}

size_t percent_of(size_t data, unsigned mss)
{
    return (data * 100 + mss - 1) / mss;
}

uint16_t site_window(unsigned mss)
{
    return (uint16_t)(mss <= PAGEC_WINDOW_MAX / 2 ? 2 * mss
                                                  : PAGEC_WINDOW_MAX);
}

void output_free(struct output *out)
{
    free(out->names);
    out->names = NULL;
    free(out->actions);
    out->actions = NULL;
    out->nactions = 0;
    free(out->action_names);
    out->action_names = NULL;
    free(out->large);
    out->large = NULL;
    out->nlarge = 0;
    tree_free(&out->tree);
    packet_free(&out->syn_ack);
    packet_free(&out->ack);
    packet_free(&out->rst);
    packet_free(&out->status);
}

size_t output_max_data(const struct output *out)
{
    size_t m = 0;
    size_t i;

    for (i = 0; i < out->site->npages; i++) {
        const struct page *pg = &out->site->pages[i];

        int k;

        for (k = 0; k < 2; k++) {
            const struct variant *v = k ? &pg->gz : &pg->id;

            if (v->present && !variant_split(v, out->opt->mss) &&
                v->data_len > m) {
                m = v->data_len;
            }
        }
    }
    if (out->status.len - out->status.hlen > m) {
        m = out->status.len - out->status.hlen;
    }
    return m;
}
