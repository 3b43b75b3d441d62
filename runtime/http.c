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

/* What the header fields said. A qvalue is kept in thousandths, 0 to
 * 1000; -1 when the coding is not named. */
struct fields {
    int16_t gzip_q;       /* gzip or x-gzip in Accept-Encoding */
    int16_t identity_q;   /* identity */
    int16_t star_q;       /* "*" */
    uint8_t has_ae;       /* an Accept-Encoding field was seen */
    uint8_t inm_identity; /* If-None-Match names the identity ETag */
    uint8_t inm_gzip;     /* ... the gzip ETag */
    uint8_t bad;          /* a field line that cannot be read */
};

static uint8_t lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* The length of the lower-case word w when the n bytes at p start with
 * it, ignoring case; 0 when they do not. */
static uint16_t prefix(const uint8_t *p, uint16_t n, const char *w)
{
    uint16_t i;

    for (i = 0; w[i] != '\0'; i++) {
        if (i == n || lower(p[i]) != (uint8_t)w[i]) {
            return 0;
        }
    }
    return i;
}

/* 1 when the n bytes at p are the (non-empty) lower-case word w, ignoring
 * case. */
static int word_is(const uint8_t *p, uint16_t n, const char *w)
{
    return n > 0 && prefix(p, n, w) == n;
}

/* The index of the line feed that ends the line starting at p[i] (or n
 * when the n bytes hold none); *end gets the end of the line's text, a
 * carriage return before the line feed left out. */
static uint16_t line_end(const uint8_t *p, uint16_t i, uint16_t n,
                         uint16_t *end)
{
    uint16_t eol;

    for (eol = i; eol < n && p[eol] != '\n'; eol++) {
    }
    *end = eol > i && eol < n && p[eol - 1] == '\r' ? (uint16_t)(eol - 1)
                                                    : eol;
    return eol;
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
    /* the other methods of RFC 9110, each followed by a space; a string,
     * not an array of pointers, which a target would copy to RAM */
    static const char known[] = "POST PUT DELETE CONNECT OPTIONS TRACE PATCH ";
    uint16_t i;
    uint16_t k = 0;

    if (n == 3 && p[0] == 'G' && p[1] == 'E' && p[2] == 'T') {
        return GET;
    }
    if (n == 4 && p[0] == 'H' && p[1] == 'E' && p[2] == 'A' && p[3] == 'D') {
        return HEAD;
    }
    while (known[k] != '\0') {
        for (i = 0; i < n && known[k + i] == (char)p[i]; i++) {
        }
        if (i == n && known[k + n] == ' ') {
            return KNOWN; /* methods are case-sensitive */
        }
        while (known[k++] != ' ') {
        }
    }
    return UNKNOWN;
}

/* The qvalue at p (n bytes) in thousandths: "0" to "1.000"
 * (RFC 9110 section 12.4.2); a malformed one counts as 1. */
static int16_t qvalue(const uint8_t *p, uint16_t n)
{
    int16_t q;
    uint16_t i;
    int16_t scale = 100;

    if (n == 0 || (p[0] != '0' && p[0] != '1')) {
        return 1000;
    }
    q = (int16_t)((p[0] - '0') * 1000);
    if (n > 1 && p[1] != '.') {
        return 1000;
    }
    for (i = 2; i < n && i < 5; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return 1000;
        }
        q = (int16_t)(q + (p[i] - '0') * scale);
        scale /= 10;
    }
    return q > 1000 || i < n ? 1000 : q;
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
        int16_t q = 1000;

        while (i < n && (ows(v[i]) || v[i] == ',')) {
            i++;
        }
        for (t0 = i; i < n && tchar(v[i]); i++) {
        }
        t1 = i;
        /* parameters: only q matters */
        while (i < n && v[i] != ',') {
            if (v[i] != ';') {
                i++;
                continue;
            }
            for (i++; i < n && ows(v[i]); i++) {
            }
            if (i + 2 <= n && lower(v[i]) == 'q' && v[i + 1] == '=') {
                uint16_t q0 = (uint16_t)(i + 2);

                for (i = q0; i < n && v[i] != ',' && v[i] != ';' &&
                             !ows(v[i]);
                     i++) {
                }
                q = qvalue(v + q0, (uint16_t)(i - q0));
            }
        }
        if (word_is(v + t0, (uint16_t)(t1 - t0), "gzip") ||
            word_is(v + t0, (uint16_t)(t1 - t0), "x-gzip")) {
            f->gzip_q = q;
        } else if (word_is(v + t0, (uint16_t)(t1 - t0), "identity")) {
            f->identity_q = q;
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

        eol = line_end(p, i, n, &end);
        if (eol == n) {
            return;
        }
        if (end == i) {
            return; /* the blank line: end of the header */
        }
        for (colon = i; colon < end && p[colon] != ':'; colon++) {
        }
        if (colon < end && (colon == i || ows(p[colon - 1]))) {
            f->bad = 1; /* RFC 9112 section 5.1: no space before ':' */
            return;
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

/* 1 when the n bytes at p end in " HTTP/d.d": the request line of
 * HTTP/1.0 and later. */
static int has_version(const uint8_t *p, uint16_t n)
{
    const uint8_t *v;

    if (n < 9) {
        return 0;
    }
    v = p + n - 9;
    return v[0] == ' ' && v[1] == 'H' && v[2] == 'T' &&
           v[3] == 'T' && v[4] == 'P' && v[5] == '/' && v[6] >= '0' &&
           v[6] <= '9' && v[7] == '.' && v[8] >= '0' && v[8] <= '9';
}

/* 1 when the request accepts the encoding v of page pg (RFC 9110 section
 * 12.5.3: without Accept-Encoding any coding is acceptable; identity is,
 * unless refused by name or by "*;q=0"). */
static int accepts(const struct fields *f, const struct pagec_page *pg,
                   const struct pagec_variant *v)
{
    if (v->ok.get.len == 0) {
        return 0;
    }
    if (v == &pg->gzip) {
        return f->gzip_q > 0 ||
               (f->gzip_q < 0 && (f->star_q > 0 || !f->has_ae));
    }
    return f->identity_q > 0 || (f->identity_q < 0 && f->star_q != 0);
}

/* The encoding of page pg to send, or NULL when none is acceptable: gzip
 * when named with a weight no lower than identity's, or when identity is
 * not available or refused; and the other one when the first is too big
 * for limit. */
static const struct pagec_variant *encoding(const struct fields *f,
                                            const struct pagec_page *pg,
                                            uint16_t limit)
{
    const struct pagec_variant *v;
    const struct pagec_variant *w;

    if (accepts(f, pg, &pg->gzip) &&
        ((f->gzip_q > 0 && f->gzip_q >= f->identity_q) ||
         !accepts(f, pg, &pg->identity))) {
        v = &pg->gzip;
        w = &pg->identity;
    } else if (accepts(f, pg, &pg->identity)) {
        v = &pg->identity;
        w = &pg->gzip;
    } else {
        return NULL;
    }
    if (v->ok.get.len - v->ok.get.hlen > limit && accepts(f, pg, w) &&
        w->ok.get.len - w->ok.get.hlen <= limit) {
        return w; /* the client's MSS or window takes this one only */
    }
    return v;
}

const struct pagec_tmpl *pagec_http_fit(const struct pagec_site *site,
                                        const struct pagec_tmpl *t,
                                        uint16_t limit, int head)
{
    if (t && t->len - t->hlen > limit) {
        t = head ? &site->too_big.head : &site->too_big.get;
        if (t->len - t->hlen > limit) {
            return NULL; /* not even a short error fits */
        }
    }
    return t;
}

static const struct pagec_tmpl *choose(const struct pagec_site *site,
                                       const uint8_t *d, uint16_t n,
                                       uint16_t limit, int *head)
{
    struct pagec_match match;
    struct fields f = {-1, -1, -1, 0, 0, 0, 0};
    const struct pagec_page *pg = NULL;
    const struct pagec_variant *v;
    enum method m;
    uint16_t eol;
    uint16_t end;
    uint16_t i;
    uint16_t page;

    /* RFC 9112 section 2.2: empty lines before the request line */
    while (n > 0 && (d[0] == '\r' || d[0] == '\n')) {
        d++;
        n--;
    }
    eol = line_end(d, 0, n, &end);
    if (eol == n) {
        return NULL; /* wait for the whole request line */
    }
    if (has_version(d, end)) {
        end = (uint16_t)(end - 9);
    } else if (!(end > 4 && d[0] == 'G' && d[1] == 'E' && d[2] == 'T' &&
                 d[3] == ' ' && d[4] == '/')) {
        /* not a request line (HTTP/0.9's "GET /path" aside): the rest of a
         * request that came in several segments, whose first one was
         * answered already; answering it would put a second reply in the
         * same sequence space */
        return NULL;
    }
    for (i = 0; i < end && tchar(d[i]); i++) {
    }
    if (i == 0 || i == end || d[i] != ' ') {
        return NULL; /* no method: the tail of a request line, as above */
    }
    m = method_of(d, i);
    *head = m == HEAD;
    if (m == KNOWN) {
        return &site->not_allowed.get;
    }
    if (m == UNKNOWN) {
        return &site->not_impl.get;
    }
    i++;

    /* absolute-form: the path starts after the authority */
    pagec_match_init(&match);
    if (prefix(d + i, (uint16_t)(end - i), "http://") ||
        prefix(d + i, (uint16_t)(end - i), "https://")) {
        i = (uint16_t)(i + (lower(d[i + 4]) == 's' ? 8 : 7));
        while (i < end && d[i] != '/' && d[i] != '?' && d[i] != '#') {
            if (d[i] <= ' ' || d[i] == 0x7f) {
                return status(&site->bad_request, m);
            }
            i++;
        }
        if (i == end || d[i] != '/') {
            pagec_match_byte(site, &match, '/'); /* empty path is "/" */
        }
    } else if (i == end || d[i] != '/') {
        return status(&site->bad_request, m);
    }
    while (i < end && d[i] != '?' && d[i] != '#') {
        uint8_t c = d[i++];

        if (c <= ' ' || c == 0x7f) {
            return status(&site->bad_request, m); /* RFC 3986: no CTL, SP */
        }
        if (c == '%') {
            int hi = i + 1 < end ? hexval(d[i]) : -1;
            int lo = i + 1 < end ? hexval(d[i + 1]) : -1;

            if (hi < 0 || lo < 0) {
                return status(&site->bad_request, m);
            }
            c = (uint8_t)(hi << 4 | lo);
            i = (uint16_t)(i + 2);
        }
        pagec_match_byte(site, &match, c);
    }
    for (; i < end; i++) {
        if (d[i] <= ' ' || d[i] == 0x7f) {
            return status(&site->bad_request, m); /* in the query */
        }
    }

    page = pagec_match_end(site, &match);
    if (page != PAGEC_NO_PAGE) {
        pg = &site->pages[page];
    }
    read_fields(&f, pg, d + eol + 1, (uint16_t)(n - eol - 1));
    if (f.bad) {
        return status(&site->bad_request, m);
    }
    if (!pg) {
        return status(&site->not_found, m);
    }
    v = encoding(&f, pg, limit);
    if (!v) {
        return status(&site->not_acceptable, m);
    }
    if (v == &pg->gzip ? f.inm_gzip : f.inm_identity) {
        return &v->not_modified;
    }
    return status(&v->ok, m);
}

const struct pagec_tmpl *pagec_http_request(const struct pagec_site *site,
                                            const uint8_t *data, uint16_t n,
                                            uint16_t limit)
{
    int head = 0;
    const struct pagec_tmpl *t = choose(site, data, n, limit, &head);

    return pagec_http_fit(site, t, limit, head);
}
