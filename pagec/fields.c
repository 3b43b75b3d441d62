/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fields.c - live fields (pagec(1), "Live fields"): the markers
 * <!--live:NAME:WIDTH--> of a text page, each replaced by WIDTH spaces that
 * the driver fills while the reply is made; and the names of a site's
 * fields, numbered in alphabetical order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

#define MARK_LEN (sizeof LIVE_MARK - 1)
#define WIDTH_DIGITS 8 /* digits of a width read for its message */

int live_text_type(const char *mime)
{
    static const char *const subtypes[] = {
        "json", "javascript", "ecmascript", "x-javascript", "xml",
    };
    const char *slash = strchr(mime, '/');
    size_t n;
    size_t i;

    if (!slash) {
        return 0;
    }
    if ((size_t)(slash - mime) == 4 && strncmp(mime, "text", 4) == 0) {
        return 1;
    }
    slash++;
    n = strcspn(slash, "; \t");
    if ((n > 4 && strncmp(slash + n - 4, "+xml", 4) == 0) ||
        (n > 5 && strncmp(slash + n - 5, "+json", 5) == 0)) {
        return 1;
    }
    if ((size_t)(slash - mime) != 12 || strncmp(mime, "application", 11)) {
        return 0;
    }
    for (i = 0; i < sizeof subtypes / sizeof subtypes[0]; i++) {
        if (strlen(subtypes[i]) == n && strncmp(slash, subtypes[i], n) == 0) {
            return 1;
        }
    }
    return 0;
}

static int lower(uint8_t c)
{
    return c >= 'a' && c <= 'z';
}

static int digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/* Why the marker does not parse when p (end: the end of the file) holds
 * no byte it can have, and what it needs there: in buf. */
static const char *bad_at(const uint8_t *p, const uint8_t *end,
                          const char *need, char *buf, size_t size)
{
    char c[2];

    if (p == end) {
        snprintf(buf, size, "the file ends inside it, where %s should be",
                 need);
    } else if (*p == '\n' || *p == '\r') {
        snprintf(buf, size, "the line ends inside it, where %s should be "
                 "(a marker is on one line)", need);
    } else {
        c[0] = (char)*p;
        c[1] = '\0';
        snprintf(buf, size, "'%s' where %s should be", shown(c), need);
    }
    return buf;
}

/*
 * Parses the marker at p (which starts with LIVE_MARK) into f: name and
 * width; *mlen gets its length. Returns NULL, or why it does not parse
 * (in buf).
 */
static const char *parse(const uint8_t *p, const uint8_t *end,
                         struct live_field *f, size_t *mlen, char *buf,
                         size_t size)
{
    const uint8_t *q = p + MARK_LEN;
    const uint8_t *name = q;
    unsigned long w = 0;
    size_t n;

    if (q == end || !lower(*q)) {
        return bad_at(q, end, "the name", buf, size);
    }
    while (q < end && (lower(*q) || digit(*q) || *q == '_')) {
        q++;
    }
    n = (size_t)(q - name);
    if (n > LIVE_NAME_MAX) {
        snprintf(buf, size, "the name '%.*s...' is longer than %d "
                 "characters", 8, (const char *)name, LIVE_NAME_MAX);
        return buf;
    }
    if (q == end || *q != ':') {
        return bad_at(q, end, "':' (a name is lower-case letters, digits "
                      "and '_')", buf, size);
    }
    memcpy(f->name, name, n);
    f->name[n] = '\0';
    name = ++q; /* the width */
    while (q < end && digit(*q) && q - name < WIDTH_DIGITS) {
        w = w * 10 + (unsigned long)(*q++ - '0');
    }
    n = (size_t)(q - name);
    if (n == 0) {
        return bad_at(q, end, "the width", buf, size);
    }
    if (w < 1 || w > PAGEC_FIELD_WIDTH_MAX || name[0] == '0' ||
        (q < end && digit(*q))) {
        snprintf(buf, size, "the width '%.*s%s' is not a number from 1 to "
                 "%d", (int)n, (const char *)name,
                 q < end && digit(*q) ? "..." : "", PAGEC_FIELD_WIDTH_MAX);
        return buf;
    }
    for (n = 0; n < 3; n++) {
        if (q + n == end || q[n] != (uint8_t)"-->"[n]) {
            return bad_at(q + n, end, "'-->'", buf, size);
        }
    }
    f->width = (unsigned)w;
    *mlen = (size_t)(q + 3 - p);
    return NULL;
}

/* The next marker at or after p, or NULL. */
static const uint8_t *next_mark(const uint8_t *p, const uint8_t *end)
{
    while ((size_t)(end - p) >= MARK_LEN) {
        p = memchr(p, '<', (size_t)(end - p) - MARK_LEN + 1);
        if (!p) {
            return NULL;
        }
        if (memcmp(p, LIVE_MARK, MARK_LEN) == 0) {
            return p;
        }
        p++;
    }
    return NULL;
}

int live_scan(struct page *pg, uint8_t **body, size_t *len, unsigned port)
{
    const uint8_t *start = *body;
    const uint8_t *end = start + *len;
    const uint8_t *line_at = start; /* where the current line starts */
    const uint8_t *p = start;
    const uint8_t *m;
    struct live_field *v = NULL;
    size_t n = 0;
    size_t cap = 0;
    size_t grow = 0;   /* bytes the spaces take */
    size_t shrink = 0; /* bytes the markers took */
    size_t total = 0;
    unsigned long line = 1;
    int text = live_text_type(pg->mime);
    int hinted = 0;
    int rc = 0;
    uint8_t *out;
    size_t i;
    size_t k;

    pg->fields = NULL;
    pg->nfields = 0;
    while ((m = next_mark(p, end)) != NULL) {
        struct live_field f;
        char why[200];
        const char *bad;
        size_t mlen = 0;
        const uint8_t *nl;

        while ((nl = memchr(p, '\n', (size_t)(m - p))) != NULL) {
            line++;
            p = nl + 1;
            line_at = p;
        }
        memset(&f, 0, sizeof f);
        f.line = line;
        f.col = (unsigned long)(m - line_at) + 1;
        bad = parse(m, end, &f, &mlen, why, sizeof why);
        if (!text) {
            if (!bad && !hinted) {
                pagec_error("%s:%lu:%lu: warning: %.*s is no live field: "
                            "it is in a file of type %s, and only text "
                            "pages have live fields; its bytes are left as "
                            "they are",
                            pg->src, f.line, f.col, (int)mlen,
                            (const char *)m, pg->mime);
                hinted = 1;
            }
            p = m + MARK_LEN;
            continue;
        }
        if (bad) {
            pagec_error("%s:%lu:%lu: bad live field marker: %s", pg->src,
                        f.line, f.col, bad);
            if (!hinted) {
                pagec_error("%s:%lu:%lu: a live field is written "
                            "<!--live:NAME:WIDTH-->, on one line: NAME a "
                            "lower-case letter and up to %d more "
                            "lower-case letters, digits or '_', WIDTH a "
                            "number from 1 to %d",
                            pg->src, f.line, f.col, LIVE_NAME_MAX - 1,
                            PAGEC_FIELD_WIDTH_MAX);
                hinted = 1;
            }
            rc = 1;
            p = m + MARK_LEN;
            continue;
        }
        if (n == cap) {
            struct live_field *nv;

            cap = cap ? cap * 2 : 8;
            nv = realloc(v, cap * sizeof *v);
            if (!nv) {
                pagec_error("out of memory");
                free(v);
                return 1;
            }
            v = nv;
        }
        f.src = (size_t)(m - start);
        f.mark_len = mlen;
        f.off = f.src - shrink + grow;
        v[n++] = f;
        grow += f.width;
        shrink += mlen;
        p = m + mlen;
    }
    if (rc || n == 0) {
        free(v);
        return rc;
    }
    if (port) {
        pagec_error("%s:%lu:%lu: a live field in a page served on --port "
                    "%u: a page on a port of its own cannot be live",
                    pg->src, v[0].line, v[0].col, port);
        pagec_error("%s:%lu:%lu: serve it on the HTTP port alone, or take "
                    "its live fields out",
                    pg->src, v[0].line, v[0].col);
        rc = 1;
    }
    for (i = 0; i < n; i++) {
        total += v[i].width;
    }
    for (i = 0, k = 0; total > LIVE_PAGE_MAX; i++) {
        k += v[i].width;
        if (k > LIVE_PAGE_MAX) {
            pagec_error("%s:%lu:%lu: the live fields of the page take %zu "
                        "bytes up to this one, more than the %d one reply "
                        "can have",
                        pg->src, v[i].line, v[i].col, k, LIVE_PAGE_MAX);
            pagec_error("%s:%lu:%lu: the page's live fields take %zu "
                        "bytes in all: %zu byte%s fewer would fit",
                        pg->src, v[i].line, v[i].col, total,
                        total - LIVE_PAGE_MAX,
                        total - LIVE_PAGE_MAX > 1 ? "s" : "");
            rc = 1;
            break;
        }
    }
    if (rc) {
        free(v);
        return rc;
    }
    out = malloc(*len - shrink + grow + 1);
    if (!out) {
        pagec_error("out of memory");
        free(v);
        return 1;
    }
    /* the bytes between the markers, and spaces for each */
    p = start;
    k = 0;
    for (i = 0; i < n; i++) {
        m = start + v[i].src;
        memcpy(out + k, p, (size_t)(m - p));
        k += (size_t)(m - p);
        memset(out + k, ' ', v[i].width);
        k += v[i].width;
        p = m + v[i].mark_len;
    }
    memcpy(out + k, p, (size_t)(end - p));
    k += (size_t)(end - p);
    free(*body);
    *body = out;
    *len = k;
    pg->fields = v;
    pg->nfields = n;
    return 0;
}

/* A field of a page, for numbering the names. */
struct ref {
    const struct page *pg;
    size_t page;
    size_t k; /* the field's index in its page */
};

static int by_name(const void *a, const void *b)
{
    const struct ref *x = a;
    const struct ref *y = b;
    int c = strcmp(x->pg->fields[x->k].name, y->pg->fields[y->k].name);

    if (c) {
        return c;
    }
    if (x->page != y->page) {
        return x->page < y->page ? -1 : 1;
    }
    return (x->k > y->k) - (x->k < y->k);
}

int live_number(struct output *out)
{
    const struct site *s = out->site;
    struct ref *refs;
    size_t nrefs = 0;
    size_t first = 0; /* the first field of the current name */
    size_t i;
    size_t k;
    int rc = 0;

    out->names = NULL;
    out->nnames = 0;
    out->nlive = 0;
    out->nfields = 0;
    out->live_bytes = 0;
    for (i = 0; i < s->npages; i++) {
        size_t sum = 0;

        if (s->pages[i].nfields) {
            out->nlive++;
        }
        for (k = 0; k < s->pages[i].nfields; k++) {
            sum += s->pages[i].fields[k].width;
        }
        nrefs += s->pages[i].nfields;
        if (sum > out->live_bytes) {
            out->live_bytes = sum;
        }
    }
    out->nfields = nrefs;
    if (nrefs == 0) {
        return 0;
    }
    if (nrefs > 0xffff) {
        pagec_error("%s: %zu live fields, more than the 65535 the site "
                    "format can hold: fewer would fit",
                    s->dirs[0], nrefs);
        return 1;
    }
    refs = malloc(nrefs * sizeof *refs);
    out->names = malloc(nrefs * sizeof *out->names);
    if (!refs || !out->names) {
        pagec_error("out of memory");
        free(refs);
        free(out->names);
        out->names = NULL;
        return 1;
    }
    nrefs = 0;
    for (i = 0; i < s->npages; i++) {
        for (k = 0; k < s->pages[i].nfields; k++) {
            refs[nrefs].pg = &s->pages[i];
            refs[nrefs].page = i;
            refs[nrefs++].k = k;
        }
    }
    qsort(refs, nrefs, sizeof *refs, by_name);
    for (i = 0; i < nrefs; i++) {
        struct live_field *f = &refs[i].pg->fields[refs[i].k];
        const struct live_field *f0 = &refs[first].pg->fields[refs[first].k];

        if (i == 0 || strcmp(f->name, f0->name) != 0) {
            first = i;
            f0 = f;
            if (out->nnames == LIVE_NAMES_MAX) {
                pagec_error("%s:%lu:%lu: the live field '%s' is the %dth "
                            "name of the site, more than the %d a site can "
                            "have",
                            refs[i].pg->src, f->line, f->col, f->name,
                            LIVE_NAMES_MAX + 1, LIVE_NAMES_MAX);
                pagec_error("%s:%lu:%lu: fewer names would fit: fields "
                            "that show the same value can share one",
                            refs[i].pg->src, f->line, f->col);
                rc = 1;
            }
            memcpy(out->names[out->nnames++], f->name, sizeof f->name);
        }
        f->id = (unsigned)(out->nnames - 1);
        if (f->width != f0->width) {
            pagec_error("%s:%lu:%lu: the live field '%s' is %u bytes wide "
                        "here, but %u at %s:%lu:%lu",
                        refs[i].pg->src, f->line, f->col, f->name, f->width,
                        f0->width, refs[first].pg->src, f0->line, f0->col);
            pagec_error("%s:%lu:%lu: a name has one width in the whole "
                        "site: give both fields the same width, or this "
                        "one a name of its own",
                        refs[i].pg->src, f->line, f->col);
            rc = 1;
        }
    }
    free(refs);
    return rc;
}

void live_names_of(const struct page *pg, char *buf, size_t size)
{
    size_t at = 0;
    size_t i;
    size_t k;

    if (size < 8) {
        return;
    }
    buf[0] = '\0';
    for (i = 0; i < pg->nfields; i++) {
        const char *name = pg->fields[i].name;
        size_t n = strlen(name);
        size_t sep = at ? 2 : 0;

        for (k = 0; k < i && strcmp(pg->fields[k].name, name) != 0; k++) {
        }
        if (k < i) {
            continue; /* each name once */
        }
        /* room kept for ", ..." and the NUL */
        if (at + sep + n + 6 > size) {
            memcpy(buf + at, at ? ", ..." : "...", at ? 6 : 4);
            return;
        }
        memcpy(buf + at, ", ", sep);
        memcpy(buf + at + sep, name, n + 1);
        at += sep + n;
    }
}
