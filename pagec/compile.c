/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * compile.c - every reply of a site: each page in its identity and gzip
 * encodings (200, HEAD, 304), the error replies, and the TCP control
 * segments.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "compiler.h"

#define GZIP_FIELD "Content-Encoding: gzip\r\n"
#define VARY_FIELD "Vary: Accept-Encoding\r\n"
#define ALLOW_FIELD "Allow: GET, HEAD\r\n"

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

/* The header fields of a page's 200 reply in one encoding. */
static void ok_fields(struct fields *f, const struct options *o,
                      const struct page *pg, const char *etag, size_t len,
                      int gzip, int vary)
{
    add(f, "Content-Type: %s\r\n", pg->mime);
    add(f, "Content-Length: %zu\r\n", len);
    if (gzip) {
        add(f, "%s", GZIP_FIELD);
    }
    if (vary) {
        add(f, "%s", VARY_FIELD);
    }
    add(f, "ETag: %s\r\n", etag);
    if (o->cache_control) {
        add(f, "Cache-Control: %s\r\n", o->cache_control);
    }
    common_fields(f, o);
}

/* A strong ETag from the encoded bytes: CRC-32 and length. */
static void make_etag(char *etag, size_t size, const uint8_t *body,
                      size_t len)
{
    unsigned long crc = crc32(0L, Z_NULL, 0);
    size_t done = 0;

    while (done < len) { /* crc32 takes a uInt at a time */
        uInt n = (uInt)(len - done > 0x40000000u ? 0x40000000u : len - done);

        crc = crc32(crc, body + done, n);
        done += n;
    }
    snprintf(etag, size, "\"%08lx-%zx\"", crc, len);
}

/* Bytes of TCP data of a page's 200 reply in one encoding. */
static size_t ok_len(const struct options *o, const struct page *pg,
                     size_t len, int gzip, int vary)
{
    struct fields f = {{0}, 0, 0, 0};
    char etag[32];

    snprintf(etag, sizeof etag, "\"%08lx-%zx\"", 0UL, len);
    ok_fields(&f, o, pg, etag, len, gzip, vary);
    return reply_data_len("200 OK", "", len) + f.want;
}

/* Builds one encoding of a page: 200, its HEAD form, and 304. */
static int build_variant(const struct options *o, const struct page *pg,
                         struct variant *v, const uint8_t *body, size_t len,
                         int gzip, int vary)
{
    struct fields f = {{0}, 0, 0, 0};
    struct fields nm = {{0}, 0, 0, 0};
    char etag[32];
    const uint8_t *at;
    size_t tlen = strlen("ETag: ");

    make_etag(etag, sizeof etag, body, len);
    ok_fields(&f, o, pg, etag, len, gzip, vary);
    add(&nm, "ETag: %s\r\n", etag);
    if (vary) {
        add(&nm, "%s", VARY_FIELD);
    }
    if (o->cache_control) {
        add(&nm, "Cache-Control: %s\r\n", o->cache_control);
    }
    common_fields(&nm, o);
    if (f.overflow || nm.overflow) {
        pagec_error("%s: header fields too long", pg->src);
        return -1;
    }
    if (reply_build(&v->ok, "200 OK", f.buf, body, len, o->mss) != 0 ||
        reply_build(&v->not_modified, "304 Not Modified", nm.buf, NULL, 0,
                    o->mss) != 0) {
        pagec_error("out of memory");
        return -1;
    }
    at = v->ok.get.data + v->ok.get.hlen;
    while (memcmp(at, "\r\nETag: ", 8) != 0) {
        at++; /* the reply_build above wrote it in the header */
    }
    v->etag_off = (size_t)(at - v->ok.get.data) + 2 + tlen;
    v->etag_len = strlen(etag);
    v->present = 1;
    v->body_len = len;
    v->data_len = v->ok.get.len - v->ok.get.hlen;
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

/* Says why a page does not fit and what would make it: id_len and
 * gzr_len are its replies' TCP data, identity and gzip (0: none). */
static void explain(const struct options *o, const struct page *pg,
                    size_t id_len, size_t gzr_len, int port_mode)
{
    size_t need = gzr_len && gzr_len < id_len ? gzr_len : id_len;

    too_big(pg->src, "", id_len, o->mss);
    if (port_mode && gzr_len && gzr_len <= o->mss) {
        pagec_error("%s: it fits only gzip-compressed (%zu bytes), but a "
                    "--port page is sent identity-encoded",
                    pg->src, gzr_len);
    } else if (!o->gzip && gzr_len && gzr_len <= o->mss) {
        pagec_error("%s: gzip-compressed it would be %zu bytes and fit: "
                    "drop --no-gzip",
                    pg->src, gzr_len);
    } else if (need <= PAGEC_MSS_MAX) {
        pagec_error("%s: it would fit with --mss %zu%s", pg->src, need,
                    need == gzr_len ? " (gzip-compressed)" : "");
    } else {
        pagec_error("%s: too big for one TCP segment, even gzip-compressed",
                    pg->src);
    }
}

/* Compiles one page; returns 0, or 1 when it does not fit or cannot be
 * read. */
static int compile_page(const struct options *o, struct page *pg,
                        int port_mode)
{
    uint8_t *body;
    uint8_t *gz = NULL;
    size_t gz_len = 0;
    size_t id_len;
    size_t gzr_len = 0;
    int keep_gz;
    int id_fits;
    int gz_fits;
    int rc = 1;

    if (pg->size > PAGEC_FILE_MAX) {
        pagec_error("%s: %llu bytes, more than any page can be", pg->src,
                    (unsigned long long)pg->size);
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
    if (o->gzip && pg->size > 0 &&
        gzip_best(body, (size_t)pg->size, &gz, &gz_len) != 0) {
        pagec_error("out of memory");
        goto out;
    }
    /* gzip only when the reply gets smaller for it */
    keep_gz = gz && gz_len + strlen(GZIP_FIELD) < pg->size;
    pg->gz_body = keep_gz ? gz_len : 0;
    id_len = ok_len(o, pg, (size_t)pg->size, 0, keep_gz);
    id_fits = id_len <= o->mss;
    if (keep_gz) {
        gzr_len = ok_len(o, pg, gz_len, 1, 1);
    }
    gz_fits = keep_gz && gzr_len <= o->mss;
    if (!id_fits && (!gz_fits || port_mode)) {
        if (!o->gzip && pg->size > 0) { /* for the hint only */
            if (gzip_best(body, (size_t)pg->size, &gz, &gz_len) != 0) {
                pagec_error("out of memory");
                goto out;
            }
            gzr_len = ok_len(o, pg, gz_len, 1, 1);
        }
        explain(o, pg, id_len, gzr_len, port_mode);
        goto out;
    }
    if (id_fits && build_variant(o, pg, &pg->id, body, (size_t)pg->size, 0,
                                 keep_gz) != 0) {
        goto out;
    }
    if (gz_fits &&
        build_variant(o, pg, &pg->gz, gz, gz_len, 1, 1) != 0) {
        goto out;
    }
    rc = 0;
out:
    free(gz);
    free(body);
    return rc;
}

static const struct {
    const char *status;
    const char *text;
    const char *fields;
} statuses[ST_COUNT] = {
    {"400 Bad Request",
     "400 Bad Request\n\nThis device could not read the request.\n", ""},
    {"404 Not Found",
     "404 Not Found\n\nThere is no page at this address on this device.\n",
     ""},
    {"405 Method Not Allowed",
     "405 Method Not Allowed\n\nThis device answers GET and HEAD only.\n",
     ALLOW_FIELD},
    {"406 Not Acceptable",
     "406 Not Acceptable\n\nThis page is stored only in content codings "
     "the request refuses.\n",
     VARY_FIELD},
    {"501 Not Implemented",
     "501 Not Implemented\n\nThis device answers GET and HEAD only.\n",
     ALLOW_FIELD},
    {"503 Service Unavailable",
     "503 Service Unavailable\n\nThis page does not fit the segment size "
     "of this connection.\n",
     ""},
    {"505 HTTP Version Not Supported",
     "505 HTTP Version Not Supported\n\nThis device speaks HTTP/1.x "
     "only.\n",
     ""},
};

/* The TCP data of the longer form of a built reply: its GET form. */
static size_t reply_data(const struct reply *r)
{
    size_t get = r->get.len - r->get.hlen;
    size_t head = r->head.len - r->head.hlen;

    return get > head ? get : head;
}

/* The most TCP data a built-in status reply may have: the runtime takes
 * connections from clients whose MSS is as low as this, and a status
 * reply, the 503 above all, must reach every one of them. */
static unsigned status_limit(const struct options *o)
{
    return o->mss < PAGEC_MSS_FLOOR ? o->mss : PAGEC_MSS_FLOOR;
}

/* Reports the built-in status reply of the 3-digit code, n bytes of TCP
 * data, over limit. */
static void status_too_big(const struct output *out, const char *code,
                           size_t n, unsigned limit)
{
    pagec_error("%s: the %.3s reply has %zu bytes of TCP data, more than "
                "the %u a client with the smallest MSS can take (over by "
                "%zu)",
                out->site->dirs[0], code, n, limit, n - limit);
}

/* Says what would make the built-in status replies fit, the longest of
 * them over limit by over bytes. */
static void status_hint(const struct output *out, size_t over,
                        unsigned limit)
{
    const struct options *o = out->opt;
    size_t server = o->server ? strlen(o->server) : 0;

    if (over < server) {
        pagec_error("%s: with a --server value of at most %zu characters "
                    "they would fit",
                    out->site->dirs[0], server - over);
    } else if (server && over <= server + strlen("Server: \r\n")) {
        pagec_error("%s: without --server they would fit",
                    out->site->dirs[0]);
    } else if (limit < PAGEC_MSS_FLOOR) {
        pagec_error("%s: they would fit with --mss %zu%s", out->site->dirs[0],
                    limit + over, server ? " and this --server value" : "");
    }
}

/* The error replies; a 404.html at the root is the 404's body. The
 * built-in ones must fit status_limit(); a 404.html is a page, held to
 * the site's MSS (a client that cannot take it gets the 503). */
static int compile_statuses(struct output *out)
{
    const struct options *o = out->opt;
    const struct page *custom = NULL;
    unsigned limit = status_limit(o);
    size_t worst = 0;
    int rc = 0;
    size_t i;

    for (i = 0; i < out->site->npages; i++) {
        if (strcmp(out->site->pages[i].rel, "404.html") == 0) {
            custom = &out->site->pages[i];
        }
    }
    for (i = 0; i < ST_COUNT; i++) {
        struct fields f = {{0}, 0, 0, 0};
        const uint8_t *body = (const uint8_t *)statuses[i].text;
        size_t len = strlen(statuses[i].text);
        const char *mime = "text/plain; charset=us-ascii";
        uint8_t *file = NULL;
        size_t n;

        if (i == ST_NOT_FOUND && custom && custom->mime) {
            file = read_file(custom->src, (size_t)custom->size);
            if (!file) {
                rc = 1;
                continue;
            }
            body = file;
            len = (size_t)custom->size;
            mime = custom->mime;
            out->not_found_src = custom->rel;
        }
        add(&f, "Content-Type: %s\r\n", mime);
        add(&f, "Content-Length: %zu\r\n", len);
        add(&f, "%s", statuses[i].fields);
        common_fields(&f, o);
        n = reply_data_len(statuses[i].status, "", len) + f.want;
        if (file && n > o->mss) {
            if (custom->id.present || custom->gz.present) {
                too_big(custom->src, " (as the 404 reply)", n, o->mss);
            } /* else it was reported as a page already */
            rc = 1;
        } else if (file && f.overflow) {
            pagec_error("%s: header fields too long", custom->src);
            rc = 1;
        } else if (!f.overflow && n <= PAGEC_MSS_MAX &&
                   reply_build(&out->status[i], statuses[i].status, f.buf,
                               body, len, o->mss) != 0) {
            pagec_error("out of memory");
            rc = 1;
        } else if (!file) {
            /* the reply as built, both forms, when it could be */
            if (out->status[i].get.data) {
                n = reply_data(&out->status[i]);
            }
            if (n > limit) {
                status_too_big(out, statuses[i].status, n, limit);
                worst = n - limit > worst ? n - limit : worst;
                rc = 1;
            }
        }
        free(file);
    }
    if (worst) {
        status_hint(out, worst, limit);
    }
    return rc;
}

int compile_site(struct output *out)
{
    const struct options *o = out->opt;
    uint8_t mss_opt[4] = {2, 4, (uint8_t)(o->mss >> 8), (uint8_t)o->mss};
    int rc = 0;
    size_t i;
    size_t k;

    for (i = 0; i < out->site->npages; i++) {
        const struct page *pg = &out->site->pages[i];
        /* "GET /" + rel + " HTTP/1.1\r\n": the shortest request for it */
        size_t request = strlen(pg->rel) + 16;
        int port_mode = 0;

        for (k = 0; k < o->nports; k++) {
            port_mode |= o->ports[k].page == i;
        }
        if (request > o->mss) {
            pagec_error("%s: name too long: a request for it takes at least "
                        "%zu bytes, more than one segment of %u",
                        pg->src, request, o->mss);
            rc = 1;
            continue;
        }
        rc |= compile_page(o, &out->site->pages[i], port_mode);
    }
    rc |= compile_statuses(out);
    if (packet_build(&out->syn_ack, TCP_SYN | TCP_ACK, o->mss, mss_opt,
                     sizeof mss_opt, NULL, 0) != 0 ||
        packet_build(&out->ack, TCP_ACK, o->mss, NULL, 0, NULL, 0) != 0 ||
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

void output_free(struct output *out)
{
    size_t i;

    tree_free(&out->tree);
    packet_free(&out->syn_ack);
    packet_free(&out->ack);
    packet_free(&out->rst);
    for (i = 0; i < ST_COUNT; i++) {
        reply_free(&out->status[i]);
    }
}

size_t output_max_data(const struct output *out)
{
    size_t m = 0;
    size_t i;

    for (i = 0; i < out->site->npages; i++) {
        const struct page *pg = &out->site->pages[i];

        if (pg->id.present && pg->id.data_len > m) {
            m = pg->id.data_len;
        }
        if (pg->gz.present && pg->gz.data_len > m) {
            m = pg->gz.data_len;
        }
    }
    for (i = 0; i < ST_COUNT; i++) {
        const struct packet *p = &out->status[i].get;

        if (p->len - p->hlen > m) {
            m = p->len - p->hlen;
        }
    }
    return m;
}
