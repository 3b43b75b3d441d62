/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fields.c - live fields (pagec(1), "Live fields"): the markers
 * <!--live:NAME:WIDTH--> of a text page, each replaced by WIDTH spaces that
 * the driver fills while the reply is made; and the names of a site's
 * fields, numbered in alphabetical order. Actions (pagec(1), "Actions"):
 * the markers <!--action:NAME:ARG:TARGET--> of a text page, taken out of
 * it; the site's table of them and their names, numbered in the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

#define MARK_LEN (sizeof LIVE_MARK - 1)
#define ACTION_MARK_LEN (sizeof ACTION_MARK - 1)
#define WIDTH_DIGITS 8 /* digits of a width read for its message */
#define ARG_DIGITS 8   /* digits of an argument read for its message */

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

/* The name at *qp, which must end in ':': into name, *qp past the ':'.
 * Returns NULL, or why it does not parse (in buf). */
static const char *parse_name(const uint8_t **qp, const uint8_t *end,
                              char *name, char *buf, size_t size)
{
    const uint8_t *q = *qp;
    const uint8_t *start = q;
    size_t n;

    if (q == end || !lower(*q)) {
        return bad_at(q, end, "the name", buf, size);
    }
    while (q < end && (lower(*q) || digit(*q) || *q == '_')) {
        q++;
    }
    n = (size_t)(q - start);
    if (n > LIVE_NAME_MAX) {
        snprintf(buf, size, "the name '%.*s...' is longer than %d "
                 "characters", 8, (const char *)start, LIVE_NAME_MAX);
        return buf;
    }
    if (q == end || *q != ':') {
        return bad_at(q, end, "':' (a name is lower-case letters, digits "
                      "and '_')", buf, size);
    }
    memcpy(name, start, n);
    name[n] = '\0';
    *qp = q + 1;
    return NULL;
}

/* The "-->" that must be at q. Returns NULL, or why not (in buf). */
static const char *parse_end(const uint8_t *q, const uint8_t *end, char *buf,
                             size_t size)
{
    size_t n;

    for (n = 0; n < 3; n++) {
        if (q + n == end || q[n] != (uint8_t)"-->"[n]) {
            return bad_at(q + n, end, "'-->'", buf, size);
        }
    }
    return NULL;
}

/*
 * Parses the live field marker at p (which starts with LIVE_MARK) into f:
 * name and width; *mlen gets its length. Returns NULL, or why it does not
 * parse (in buf).
 */
static const char *parse(const uint8_t *p, const uint8_t *end,
                         struct live_field *f, size_t *mlen, char *buf,
                         size_t size)
{
    const uint8_t *q = p + MARK_LEN;
    const uint8_t *name;
    const char *bad;
    unsigned long w = 0;
    size_t n;

    bad = parse_name(&q, end, f->name, buf, size);
    if (bad) {
        return bad;
    }
    name = q; /* the width */
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
    bad = parse_end(q, end, buf, size);
    if (bad) {
        return bad;
    }
    f->width = (unsigned)w;
    *mlen = (size_t)(q + 3 - p);
    return NULL;
}

static int hex(uint8_t c)
{
    return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Why the byte at q of an action's target (path: in its path) cannot be
 * there, in buf; or NULL. A target is printable ASCII but '#'; its path
 * has no '%' (it is written percent-decoded), a '%' of its query two hex
 * digits after it. */
static const char *bad_target_byte(const uint8_t *q, const uint8_t *end,
                                   int path, char *buf, size_t size)
{
    char c[2];

    c[0] = (char)*q;
    c[1] = '\0';
    if (*q <= 0x20 || *q >= 0x7f || *q == '#') {
        snprintf(buf, size, "'%s' in the target, which is printable ASCII "
                 "without spaces or '#'", shown(c));
        return buf;
    }
    if (*q == '%' && path) {
        snprintf(buf, size, "'%%' in the target's path, which is written "
                 "percent-decoded, as a file's name is");
        return buf;
    }
    if (*q == '%' && (end - q < 3 || !hex(q[1]) || !hex(q[2]))) {
        snprintf(buf, size, "'%%' in the target's query without two hex "
                 "digits after it");
        return buf;
    }
    return NULL;
}

/*
 * Parses the action marker at p (which starts with ACTION_MARK) into a:
 * name, argument and target (a->target malloc'd, or NULL when out of
 * memory); *mlen gets its length. Returns NULL, or why it does not parse
 * (in buf).
 */
static const char *parse_action(const uint8_t *p, const uint8_t *end,
                                struct action *a, size_t *mlen, char *buf,
                                size_t size)
{
    const uint8_t *q = p + ACTION_MARK_LEN;
    const uint8_t *t;
    const uint8_t *query = NULL;
    const char *bad;
    unsigned long v = 0;
    size_t n;

    bad = parse_name(&q, end, a->name, buf, size);
    if (bad) {
        return bad;
    }
    t = q; /* the argument */
    while (q < end && digit(*q) && q - t < ARG_DIGITS) {
        v = v * 10 + (unsigned long)(*q++ - '0');
    }
    n = (size_t)(q - t);
    if (n == 0) {
        return bad_at(q, end, "the argument", buf, size);
    }
    if (v > 0xffff || (t[0] == '0' && n > 1) || (q < end && digit(*q))) {
        snprintf(buf, size, "the argument '%.*s%s' is not a number from 0 "
                 "to 65535", (int)n, (const char *)t,
                 q < end && digit(*q) ? "..." : "");
        return buf;
    }
    if (q == end || *q != ':') {
        return bad_at(q, end, "':' after the argument", buf, size);
    }
    t = ++q; /* the target, up to "-->" */
    if (q == end || *q != '/') {
        return bad_at(q, end, "the target (starting with '/')", buf, size);
    }
    while (q < end && *q != '\n' && *q != '\r' &&
           !(end - q >= 3 && memcmp(q, "-->", 3) == 0)) {
        bad = bad_target_byte(q, end, !query, buf, size);
        if (bad) {
            return bad;
        }
        if (*q == '?' && !query) {
            query = q + 1;
        }
        q++;
    }
    bad = parse_end(q, end, buf, size);
    if (bad) {
        return bad;
    }
    if (!query) {
        snprintf(buf, size, "the target '%.*s' has no '?': it is "
                 "PATH?QUERY", (int)(q - t), (const char *)t);
        return buf;
    }
    if (query == q) {
        snprintf(buf, size, "the target '%.*s' has an empty query",
                 (int)(q - t), (const char *)t);
        return buf;
    }
    a->arg = (unsigned)v;
    a->target = strndup((const char *)t, (size_t)(q - t));
    *mlen = (size_t)(q + 3 - p);
    return NULL;
}

/* The next marker at or after p, or NULL; *action: 1 for an action's. */
static const uint8_t *next_mark(const uint8_t *p, const uint8_t *end,
                                int *action)
{
    while ((size_t)(end - p) >= MARK_LEN) {
        p = memchr(p, '<', (size_t)(end - p) - MARK_LEN + 1);
        if (!p) {
            return NULL;
        }
        if (memcmp(p, LIVE_MARK, MARK_LEN) == 0) {
            *action = 0;
            return p;
        }
        if ((size_t)(end - p) >= ACTION_MARK_LEN &&
            memcmp(p, ACTION_MARK, ACTION_MARK_LEN) == 0) {
            *action = 1;
            return p;
        }
        p++;
    }
    return NULL;
}

/* A marker to take out of the body, and the spaces that replace it. */
struct cut {
    size_t src;
    size_t len;
    unsigned width;
};

/* Makes room in the array v of cap elements for n + 1; ok cleared when
 * out of memory. */
#define ROOM(v, cap, n, ok)                                          \
    do {                                                             \
        if ((n) == (cap) && (ok)) {                                  \
            size_t c_ = (cap) ? (cap) * 2 : 8;                       \
            void *nv_ = realloc((v), c_ * sizeof *(v));              \
                                                                     \
            if (nv_) {                                               \
                (v) = nv_;                                           \
                (cap) = c_;                                          \
            } else {                                                 \
                (ok) = 0;                                            \
            }                                                        \
        }                                                            \
    } while (0)

void actions_free(struct page *pg)
{
    size_t i;

    for (i = 0; i < pg->nactions; i++) {
        free(pg->actions[i].target);
    }
    free(pg->actions);
    pg->actions = NULL;
    pg->nactions = 0;
}

/* What makes an action's marker wrong in the page pg though it parses
 * (a: its first one): printed. Returns 0, or 1 when one is. */
static int actions_placed(const struct options *o, const struct page *pg,
                          unsigned port)
{
    const struct action *a = &pg->actions[0];
    int rc = 0;
    size_t i;

    if (port) {
        pagec_error("%s:%lu:%lu: an action in a page served on --port %u: "
                    "a page on a port of its own cannot hold actions",
                    pg->src, a->line, a->col, port);
        pagec_error("%s:%lu:%lu: serve it on the HTTP port alone, or put "
                    "its actions in another page",
                    pg->src, a->line, a->col);
        rc = 1;
    } else if (o->http_port == 0) {
        pagec_error("%s:%lu:%lu: an action in a site without an HTTP port "
                    "(--http-port 0): nothing would run it",
                    pg->src, a->line, a->col);
        pagec_error("%s:%lu:%lu: give the site an HTTP port, or take the "
                    "page's actions out",
                    pg->src, a->line, a->col);
        rc = 1;
    }
    for (i = 0; i < pg->nactions; i++) {
        /* "GET " TARGET " HTTP/1.1\r\n": the shortest request for it */
        size_t request = strlen(pg->actions[i].target) + 15;

        a = &pg->actions[i];
        if (request > o->mss) {
            pagec_error("%s:%lu:%lu: the action's target is too long: a "
                        "request for it takes at least %zu bytes, more "
                        "than one segment of %u",
                        pg->src, a->line, a->col, request, o->mss);
            pagec_error("%s:%lu:%lu: a target %zu byte%s shorter would do",
                        pg->src, a->line, a->col, request - o->mss,
                        request - o->mss > 1 ? "s" : "");
            rc = 1;
        }
    }
    return rc;
}

int marker_scan(const struct options *o, struct page *pg, uint8_t **body,
                size_t *len, unsigned port)
{
    const uint8_t *start = *body;
    const uint8_t *end = start + *len;
    const uint8_t *line_at = start; /* where the current line starts */
    const uint8_t *p = start;
    const uint8_t *m;
    struct live_field *v = NULL;
    struct cut *cuts = NULL;
    size_t ncuts = 0;
    size_t cutcap = 0;
    size_t n = 0;
    size_t cap = 0;
    size_t acap = 0;
    size_t grow = 0;   /* bytes the spaces take */
    size_t shrink = 0; /* bytes the markers took */
    size_t total = 0;
    unsigned long line = 1;
    int text = live_text_type(pg->mime);
    int hinted = 0;
    int ahinted = 0;
    int action;
    int rc = 0;
    uint8_t *out;
    size_t i;
    size_t k;

    pg->fields = NULL;
    pg->nfields = 0;
    pg->actions = NULL;
    pg->nactions = 0;
    while ((m = next_mark(p, end, &action)) != NULL) {
        struct live_field f;
        struct action a;
        char why[200];
        const char *bad;
        size_t mlen = 0;
        const uint8_t *nl;
        int ok;

        while ((nl = memchr(p, '\n', (size_t)(m - p))) != NULL) {
            line++;
            p = nl + 1;
            line_at = p;
        }
        memset(&f, 0, sizeof f);
        memset(&a, 0, sizeof a);
        f.line = a.line = line;
        f.col = a.col = (unsigned long)(m - line_at) + 1;
        if (action) {
            bad = parse_action(m, end, &a, &mlen, why, sizeof why);
        } else {
            bad = parse(m, end, &f, &mlen, why, sizeof why);
        }
        if (!text) {
            if (!bad && !(action ? ahinted : hinted)) {
                pagec_error("%s:%lu:%lu: warning: %.*s is no %s: it is in "
                            "a file of type %s, and only text pages have "
                            "%s; its bytes are left as they are",
                            pg->src, f.line, f.col, (int)mlen,
                            (const char *)m,
                            action ? "action" : "live field", pg->mime,
                            action ? "actions" : "live fields");
                *(action ? &ahinted : &hinted) = 1;
            }
            free(a.target);
            p = m + (action ? ACTION_MARK_LEN : MARK_LEN);
            continue;
        }
        if (bad && action) {
            pagec_error("%s:%lu:%lu: bad action marker: %s", pg->src,
                        a.line, a.col, bad);
            if (!ahinted) {
                pagec_error("%s:%lu:%lu: an action is written "
                            "<!--action:NAME:ARG:TARGET-->, on one line: "
                            "NAME as a live field's, ARG a number from 0 "
                            "to 65535, TARGET /PATH?QUERY",
                            pg->src, a.line, a.col);
                ahinted = 1;
            }
            rc = 1;
            p = m + ACTION_MARK_LEN;
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
        ok = !action || a.target;
        ROOM(cuts, cutcap, ncuts, ok);
        if (action) {
            ROOM(pg->actions, acap, pg->nactions, ok);
        } else {
            ROOM(v, cap, n, ok);
        }
        if (!ok) {
            pagec_error("out of memory");
            free(a.target);
            rc = 1;
            break;
        }
        cuts[ncuts].src = (size_t)(m - start);
        cuts[ncuts].len = mlen;
        cuts[ncuts++].width = action ? 0 : f.width;
        if (action) {
            pg->actions[pg->nactions++] = a;
        } else {
            f.src = (size_t)(m - start);
            f.mark_len = mlen;
            f.off = f.src - shrink + grow;
            v[n++] = f;
            grow += f.width;
        }
        shrink += mlen;
        p = m + mlen;
    }
    if (rc || ncuts == 0) {
        goto fail;
    }
    if (pg->nactions) {
        rc |= actions_placed(o, pg, port);
    }
    if (port && n) {
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
        goto fail;
    }
    out = malloc(*len - shrink + grow + 1);
    if (!out) {
        pagec_error("out of memory");
        rc = 1;
        goto fail;
    }
    /* the bytes between the markers, and spaces for each live field */
    p = start;
    k = 0;
    for (i = 0; i < ncuts; i++) {
        m = start + cuts[i].src;
        memcpy(out + k, p, (size_t)(m - p));
        k += (size_t)(m - p);
        memset(out + k, ' ', cuts[i].width);
        k += cuts[i].width;
        p = m + cuts[i].len;
    }
    memcpy(out + k, p, (size_t)(end - p));
    k += (size_t)(end - p);
    free(cuts);
    free(*body);
    *body = out;
    *len = k;
    pg->fields = v;
    pg->nfields = n;
    return 0;
fail:
    free(cuts);
    free(v);
    actions_free(pg);
    return rc;
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

/* Actions sorted by target, and the same target in the order of the
 * pages and of the markers in each. */
static int by_target(const void *a, const void *b)
{
    const struct site_action *x = a;
    const struct site_action *y = b;
    int c = strcmp(x->a->target, y->a->target);

    if (c) {
        return c;
    }
    if (x->page != y->page) {
        return x->page < y->page ? -1 : 1;
    }
    return (x->a > y->a) - (x->a < y->a);
}

static int by_action_name(const void *a, const void *b)
{
    const struct site_action *x = a;
    const struct site_action *y = b;

    return strcmp(x->a->name, y->a->name);
}

int action_number(struct output *out)
{
    const struct site *s = out->site;
    struct site_action *v;
    struct site_action *names;
    size_t n = 0;
    size_t i;
    size_t k;
    int rc = 0;

    out->actions = NULL;
    out->nactions = 0;
    out->action_names = NULL;
    out->naction_names = 0;
    for (i = 0; i < s->npages; i++) {
        n += s->pages[i].nactions;
    }
    if (n == 0) {
        return 0;
    }
    if (n > (size_t)PAGEC_NO_PAGE - 1 - s->npages) {
        pagec_error("%s: %zu actions and %zu pages, more than the %u the "
                    "site format can hold: fewer would fit",
                    s->dirs[0], n, s->npages, PAGEC_NO_PAGE - 1u);
        return 1;
    }
    v = malloc(n * sizeof *v);
    names = malloc(n * sizeof *names);
    out->action_names = malloc(n * sizeof *out->action_names);
    if (!v || !names || !out->action_names) {
        pagec_error("out of memory");
        free(v);
        free(names);
        free(out->action_names);
        out->action_names = NULL;
        return 1;
    }
    n = 0;
    for (i = 0; i < s->npages; i++) {
        for (k = 0; k < s->pages[i].nactions; k++) {
            names[n].a = &s->pages[i].actions[k];
            names[n].page = i;
            v[n].a = &s->pages[i].actions[k];
            v[n++].page = i;
        }
    }
    qsort(v, n, sizeof *v, by_target);
    for (i = 0; i < n; i++) {
        const struct action *a = v[i].a;
        const char *src = s->pages[v[i].page].src;
        long page = tree_lookup(&out->tree, a->target);

        if (i > 0 && strcmp(v[i - 1].a->target, a->target) == 0) {
            const struct action *b = v[i - 1].a;

            pagec_error("%s:%lu:%lu: the action target %s is declared "
                        "twice: it is also at %s:%lu:%lu",
                        src, a->line, a->col, a->target,
                        s->pages[v[i - 1].page].src, b->line, b->col);
            pagec_error("%s:%lu:%lu: a target runs one action: give this "
                        "one a target of its own",
                        src, a->line, a->col);
            rc = 1;
        }
        if (page >= 0 && (size_t)page < s->npages) {
            pagec_error("%s:%lu:%lu: the action target %s is the path of "
                        "%s",
                        src, a->line, a->col, a->target,
                        s->pages[page].src);
            pagec_error("%s:%lu:%lu: give the action another target, or "
                        "the file a name without '?'",
                        src, a->line, a->col);
            rc = 1;
        }
    }
    /* the names, numbered in alphabetical order */
    qsort(names, n, sizeof *names, by_action_name);
    for (i = 0; i < n; i++) {
        struct action *a = names[i].a;

        if (i == 0 || strcmp(a->name, names[i - 1].a->name) != 0) {
            if (out->naction_names == ACTION_NAMES_MAX) {
                const char *src = s->pages[names[i].page].src;

                pagec_error("%s:%lu:%lu: the action '%s' is the %dth name "
                            "of the site's actions, more than the %d a site "
                            "can have",
                            src, a->line, a->col, a->name,
                            ACTION_NAMES_MAX + 1, ACTION_NAMES_MAX);
                pagec_error("%s:%lu:%lu: fewer names would fit: actions "
                            "that differ in their argument alone can share "
                            "one",
                            src, a->line, a->col);
                rc = 1;
                break;
            }
            memcpy(out->action_names[out->naction_names++], a->name,
                   sizeof a->name);
        }
        a->id = (unsigned)(out->naction_names - 1);
    }
    free(names);
    if (rc) {
        free(v);
        free(out->action_names);
        out->action_names = NULL;
        out->naction_names = 0;
        return rc;
    }
    out->actions = v;
    out->nactions = n;
    return 0;
}
