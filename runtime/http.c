/*
 * http.c - what the runtime reads of an HTTP request: the request line,
 * Accept-Encoding and If-None-Match, from the bytes of one segment.
 *
 * Request line (RFC 9112 section 3): method SP request-target [SP
 * HTTP-version] CRLF; a bare LF ends a line too. The request target is
 * origin-form ("/path?query") or absolute-form ("http://host/path"). The
 * path is percent-decoded as it is matched; the query is not used.
 */
#include <stddef.h>

#include "http.h"
#include "pagec/pagec.h"

enum method { GET, HEAD, KNOWN, UNKNOWN };

/* What the header fields said. */
struct fields {
    int8_t gzip_q;    /* gzip in Accept-Encoding: -1 not named, 0 refused,
                         1 accepted */
    int8_t star_q;    /* the same for "*" */
    uint8_t has_ae;   /* an Accept-Encoding field was seen */
    uint8_t inm_identity; /* If-None-Match names the identity ETag */
    uint8_t inm_gzip;     /* ... the gzip ETag */
};

static uint8_t lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* 1 when the n bytes at p are the lower-case word w, ignoring case. */
static int word_is(const uint8_t *p, uint16_t n, const char *w)
{
    uint16_t i;

    for (i = 0; i < n; i++) {
        if (w[i] == '\0' || lower(p[i]) != (uint8_t)w[i]) {
            return 0;
        }
    }
    return w[n] == '\0';
}

/* 1 when the n bytes at p start with the lower-case word w, ignoring
 * case. */
static int starts_with(const uint8_t *p, uint16_t n, const char *w)
{
    uint16_t i;

    for (i = 0; w[i] != '\0'; i++) {
        if (i == n || lower(p[i]) != (uint8_t)w[i]) {
            return 0;
        }
    }
    return 1;
}

/* A token character (RFC 9110 section 5.6.2). */
static int tchar(uint8_t c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
        (c >= 'A' && c <= 'Z')) {
        return 1;
    }
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*':
    case '+': case '-': case '.': case '^': case '_': case '`': case '|':
    case '~':
        return 1;
    default:
        return 0;
    }
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static enum method method_of(const uint8_t *p, uint16_t n)
{
    static const char *const known[] = {"POST", "PUT", "DELETE", "CONNECT",
                                        "OPTIONS", "TRACE", "PATCH"};
    uint8_t k;
    uint16_t i;

    if (n == 3 && p[0] == 'G' && p[1] == 'E' && p[2] == 'T') {
        return GET;
    }
    if (n == 4 && p[0] == 'H' && p[1] == 'E' && p[2] == 'A' && p[3] == 'D') {
        return HEAD;
    }
    for (k = 0; k < sizeof known / sizeof known[0]; k++) {
        for (i = 0; i < n && known[k][i] == (char)p[i]; i++) {
        }
        if (i == n && known[k][n] == '\0') {
            return KNOWN; /* methods are case-sensitive */
        }
    }
    return UNKNOWN;
}

/* 1 when the qvalue at p (n bytes) is zero: "0", "0.", "0.000" ... */
static int q_zero(const uint8_t *p, uint16_t n)
{
    uint16_t i;

    if (n == 0 || p[0] != '0') {
        return 0;
    }
    for (i = 1; i < n && (p[i] == '.' || p[i] == '0'); i++) {
    }
    return i == n || !(p[i] >= '0' && p[i] <= '9');
}

static int ows(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* Reads an Accept-Encoding value: codings with optional weights. */
static void accept_encoding(struct fields *f, const uint8_t *v, uint16_t n)
{
    uint16_t i = 0;

    f->has_ae = 1;
    while (i < n) {
        uint16_t t0;
        uint16_t t1;
        int8_t q = 1;

        while (i < n && (ows(v[i]) || v[i] == ',')) {
            i++;
        }
        for (t0 = i; i < n && tchar(v[i]); i++) {
        }
        t1 = i;
        /* parameters: only q matters */
        while (i < n && v[i] != ',') {
            if (v[i] == ';') {
                i++;
                while (i < n && ows(v[i])) {
                    i++;
                }
                if (i + 2 <= n && lower(v[i]) == 'q' && v[i + 1] == '=') {
                    uint16_t q0 = (uint16_t)(i + 2);

                    for (i = q0; i < n && v[i] != ',' && v[i] != ';' &&
                                 !ows(v[i]);
                         i++) {
                    }
                    q = q_zero(v + q0, (uint16_t)(i - q0)) ? 0 : 1;
                    continue;
                }
            }
            i++;
        }
        if (word_is(v + t0, (uint16_t)(t1 - t0), "gzip") ||
            word_is(v + t0, (uint16_t)(t1 - t0), "x-gzip")) {
            f->gzip_q = q;
        } else if (t1 - t0 == 1 && v[t0] == '*') {
            f->star_q = q;
        }
    }
}

/* 1 when the etag (in ROM) occurs in the n bytes at v. */
static int contains_etag(const uint8_t *v, uint16_t n, const uint8_t *etag,
                         uint16_t elen)
{
    uint16_t i;
    uint16_t j;

    if (elen == 0 || elen > n) {
        return 0;
    }
    for (i = 0; i + elen <= n; i++) {
        for (j = 0; j < elen && v[i + j] == PAGEC_ROM_BYTE(etag + j); j++) {
        }
        if (j == elen) {
            return 1;
        }
    }
    return 0;
}

/* Reads an If-None-Match value against the page's ETags. Quoted ETags
 * cannot occur inside one another, so a search is the weak comparison
 * RFC 9110 section 13.1.2 asks for. */
static void if_none_match(struct fields *f, const struct pagec_page *pg,
                          const uint8_t *v, uint16_t n)
{
    if (n == 1 && v[0] == '*') {
        f->inm_identity = 1;
        f->inm_gzip = 1;
        return;
    }
    if (contains_etag(v, n, pg->identity.etag, pg->identity.etag_len)) {
        f->inm_identity = 1;
    }
    if (contains_etag(v, n, pg->gzip.etag, pg->gzip.etag_len)) {
        f->inm_gzip = 1;
    }
}

/* Reads the header fields from p (n bytes, after the request line) up to
 * the blank line; a line not complete in the segment is not read. */
static void read_fields(struct fields *f, const struct pagec_page *pg,
                        const uint8_t *p, uint16_t n)
{
    uint16_t i = 0;

    while (i < n) {
        uint16_t eol;
        uint16_t end;
        uint16_t colon;
        uint16_t v;

        for (eol = i; eol < n && p[eol] != '\n'; eol++) {
        }
        if (eol == n) {
            return;
        }
        end = eol > i && p[eol - 1] == '\r' ? (uint16_t)(eol - 1) : eol;
        if (end == i) {
            return; /* the blank line: end of the header */
        }
        for (colon = i; colon < end && p[colon] != ':'; colon++) {
        }
        for (v = (uint16_t)(colon + 1); v < end && ows(p[v]); v++) {
        }
        while (end > v && ows(p[end - 1])) {
            end--;
        }
        if (colon < end) {
            uint16_t nlen = (uint16_t)(colon - i);
            uint16_t vlen = (uint16_t)(end > v ? end - v : 0);

            if (word_is(p + i, nlen, "accept-encoding")) {
                accept_encoding(f, p + v, vlen);
            } else if (pg && word_is(p + i, nlen, "if-none-match")) {
                if_none_match(f, pg, p + v, vlen);
            }
        }
        i = (uint16_t)(eol + 1);
    }
}

/* The reply of a status: with or without the body. */
static const struct pagec_tmpl *status(const struct pagec_status *s,
                                       enum method m)
{
    return m == HEAD ? &s->head : &s->get;
}

const struct pagec_tmpl *pagec_http_request(const struct pagec_site *site,
                                            const uint8_t *d, uint16_t n)
{
    struct pagec_match match;
    struct fields f = {-1, -1, 0, 0, 0};
    const struct pagec_page *pg = NULL;
    const struct pagec_variant *v;
    enum method m;
    uint16_t eol;
    uint16_t end;
    uint16_t i;
    uint16_t page;
    int gzip_ok;

    for (eol = 0; eol < n && d[eol] != '\n'; eol++) {
    }
    if (eol == n) {
        return NULL; /* wait for the whole request line */
    }
    end = eol > 0 && d[eol - 1] == '\r' ? (uint16_t)(eol - 1) : eol;
    for (i = 0; i < end && tchar(d[i]); i++) {
    }
    if (i == 0 || i == end || d[i] != ' ') {
        return &site->bad_request.get;
    }
    m = method_of(d, i);
    if (m == KNOWN) {
        return &site->not_allowed.get;
    }
    if (m == UNKNOWN) {
        return &site->not_impl.get;
    }
    i++;

    /* absolute-form: the path starts after the authority */
    pagec_match_init(&match);
    if (starts_with(d + i, (uint16_t)(end - i), "http://") ||
        starts_with(d + i, (uint16_t)(end - i), "https://")) {
        i = (uint16_t)(i + (lower(d[i + 4]) == 's' ? 8 : 7));
        while (i < end && d[i] != '/' && d[i] != ' ' && d[i] != '?') {
            i++;
        }
        if (i == end || d[i] != '/') {
            pagec_match_byte(site, &match, '/'); /* empty path is "/" */
        }
    } else if (i == end || d[i] != '/') {
        return &site->bad_request.get;
    }
    while (i < end && d[i] != ' ' && d[i] != '?' && d[i] != '#') {
        uint8_t c = d[i++];

        if (c == '%') {
            int hi = i + 1 < end ? hexval(d[i]) : -1;
            int lo = i + 1 < end ? hexval(d[i + 1]) : -1;

            if (hi < 0 || lo < 0) {
                return &site->bad_request.get;
            }
            c = (uint8_t)(hi << 4 | lo);
            i = (uint16_t)(i + 2);
        }
        pagec_match_byte(site, &match, c);
    }
    while (i < end && d[i] != ' ') {
        i++; /* the query */
    }
    if (i < end && !starts_with(d + i + 1, (uint16_t)(end - i - 1),
                                "http/")) {
        return &site->bad_request.get;
    }

    page = pagec_match_end(site, &match);
    if (page != PAGEC_NO_PAGE) {
        pg = &site->pages[page];
    }
    read_fields(&f, pg, d + eol + 1, (uint16_t)(n - eol - 1));
    if (!pg) {
        return status(&site->not_found, m);
    }

    /* RFC 9110 section 12.5.3: no Accept-Encoding accepts any coding */
    gzip_ok = f.gzip_q > 0 ||
              (f.gzip_q < 0 && (f.star_q > 0 || !f.has_ae));
    if (pg->gzip.ok.get.len && gzip_ok &&
        (f.gzip_q > 0 || !pg->identity.ok.get.len)) {
        v = &pg->gzip;
        if (f.inm_gzip) {
            return &v->not_modified;
        }
    } else if (pg->identity.ok.get.len) {
        v = &pg->identity;
        if (f.inm_identity) {
            return &v->not_modified;
        }
    } else {
        return status(&site->not_acceptable, m);
    }
    return status(&v->ok, m);
}
