/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * http.c - what the runtime reads of an HTTP request: the request line,
 * Accept-Encoding and If-None-Match, a byte at a time as the segment
 * arrives, with no copy of the request kept.
 *
 * Request line (RFC 9112 section 3): method SP request-target [SP
 * HTTP-version] CRLF; a bare LF ends a line too. The request target is
 * origin-form ("/path?query") or absolute-form ("http://host/path"). The
 * path is percent-decoded and matched against the site's path tree as it
 * comes; the query is not used. Whether the line ends in " HTTP/d.d" is
 * known only at its end, so the reader tracks that suffix as it goes and
 * decides at the line end. A major version other than 1 gets 505; a
 * minor one above 0 is HTTP/1.1 (RFC 9110 section 2.5).
 *
 * Header fields are read from the same segment up to the blank line. A
 * coding of Accept-Encoding counts once its element is complete (at a
 * comma or the line end), so a line cut off by the end of the segment
 * counts as far as its complete elements. Host (RFC 9112 section 3.2):
 * a second one is a 400 once its colon arrives; none in an HTTP/1.1
 * request is a 400 at the blank line only, since a header cut by the end
 * of the segment may have it in the part not received.
 *
 * Actions (PAGEC_ACTIONS): the query of a GET or POST, or the body of a
 * POST that has none, goes on into the matcher after a '?', as sent; the
 * path tree holds each action's key PATH?QUERY (pagec/site.h). Read for
 * them: Content-Length, Sec-Fetch-Site, and 32-bit FNV-1a hashes, from a
 * start keyed by the server's secret, of "http://" and Host, of Origin
 * and of the origin of Referer (up to the '/' after its authority), so
 * they can be compared without any of them kept.
 */
#include <stddef.h>

#include "http.h"
#include "tcp.h"
#include "pagec/pagec.h"
#include "wire.h"

/* Methods: h->method. */
enum { GET, HEAD, POST, KNOWN, UNKNOWN, JUNK };

/* Reader states: h->state. */
enum {
    S_START,     /* empty lines before the request line */
    S_METHOD,    /* the method; aux: its entry in methods[], word: bytes */
    S_TARGET,    /* the first byte of the request target */
    S_SCHEME,    /* "http://" or "https://"; aux: bytes matched */
    S_AUTHORITY, /* host and port of an absolute-form target */
    S_PATH,      /* the path, percent-decoded into the matcher */
    S_PCT1,      /* after '%' */
    S_PCT2,      /* after '%' and a hex digit, kept in aux */
    S_QUERY,     /* the query, or the rest of a bad target */
    S_VERSION,   /* after the target; aux: bytes since its space */
    S_REST,      /* the rest of a line whose reply is known; aux: bytes */
    S_NAME,      /* a field name; aux: bytes, word: candidate names */
    S_VALUE,     /* a field value not read */
    S_AE_SKIP,   /* Accept-Encoding: before a coding */
    S_AE_TOKEN,  /* a coding; aux: bytes, word: candidate codings */
    S_AE_PARAMS, /* after the coding (word: which one), up to ',' or ';' */
    S_AE_PARAM,  /* after ';' */
    S_AE_QEQ,    /* after ";q" */
    S_AE_QVAL,   /* a qvalue; aux: bytes */
    S_INM,       /* If-None-Match; aux: where in an element (I_...) */
    S_DONE,      /* the blank line, or a reply known: nothing more read */
    S_BODY,      /* a POST's body, into the matcher */
    S_CLEN,      /* Content-Length; aux: digits */
    S_SFS,       /* Sec-Fetch-Site; aux: bytes, word: candidate values */
    S_HASH       /* Host or Origin, hashed */
};

/* http.h names two of them */
typedef char pagec_http_states_named[S_VALUE == PAGEC_HTTP_S_VALUE &&
                                             S_DONE == PAGEC_HTTP_S_DONE
                                         ? 1
                                         : -1];

/* h->flags, about the current line */
#define F_CR 0x01u    /* a CR is held back: it ends the line before LF */
#define F_SLASH 0x02u /* the target starts with '/' */
#define F_BAD 0x04u   /* the request line cannot be read: 400 */
#define F_LINE 0x08u  /* the request line is complete */
#define F_OWS 0x10u   /* the last byte of the field name was OWS */
#define F_QBAD 0x20u  /* the qvalue is malformed */
#define F_STAR 0x40u  /* If-None-Match: "*" so far */
#define F_OTHER 0x80u /* If-None-Match: something other than "*" */

/* h->seen */
#define A_AE 0x01u      /* an Accept-Encoding field */
#define A_INM_ID 0x02u  /* If-None-Match names the identity ETag */
#define A_INM_GZ 0x04u  /* ... the gzip ETag */
#define A_FIELD_BAD 0x08u /* a field line that cannot be read: 400 */
#define A_MAJOR 0x10u   /* the version's major digit is not 1: 505 */
#define A_MINOR 0x20u   /* its minor digit is not 0: HTTP/1.1 or later */
#define A_HOST 0x40u    /* a Host field */
#define A_REFERER 0x80u /* a Referer field (PAGEC_ACTIONS) */

#if PAGEC_ACTIONS
/* h->act */
#define X_QUERY 0x01u  /* a query or a POST's body goes into the matcher */
#define X_ACTION 0x02u /* the query names an action: page is npages + k */
#define X_CROSS 0x04u  /* Sec-Fetch-Site names another site */
#define X_ORIGIN 0x08u /* an Origin field */
#define X_END 0x10u    /* the blank line that ends the header */
#define X_KEYS 0x20u   /* a POST's path is that of an action */
#define X_BODY 0x40u   /* the query is the POST's body */
#define X_SITE 0x80u   /* the site has actions: the fields are read */
#define X_BLANK 0x100u /* empty lines before the request line */

#define FNV_PRIME 16777619u
#define FNV_BASIS 2166136261u
#define IS_ACTION(h) ((h)->act & X_ACTION)
#else
#define IS_ACTION(h) 0
#endif

/* If-None-Match: where in an element of its list, h->aux in S_INM */
enum {
    I_NEXT,  /* before an element: OWS and commas */
    I_W,     /* after "W" */
    I_SLASH, /* after "W/" */
    I_TAG,   /* inside the quotes: h->etag[] bytes of each ETag matched,
                or NO_ENTRY */
    I_AFTER, /* after the closing quote, up to ',' */
    I_BAD    /* not an entity-tag: the rest of the line is not read */
};

/* Codings of Accept-Encoding: h->word after a token. While a token is
 * read, word has one candidate bit for each word of w_codings. */
enum { C_NONE, C_GZIP, C_IDENTITY, C_STAR };

#define NO_ENTRY 0xffu

/* The methods of RFC 9110 and PATCH (RFC 5789), each followed by a
 * space: GET at 0, HEAD at 4, the others known (405). In ROM: a string, not an array of pointers,
 * which a target would copy to RAM. */
static const PAGEC_ROM char methods[] =
    "GET HEAD POST PUT DELETE CONNECT OPTIONS TRACE PATCH ";

/* The lower-case words the reader looks for, each ended by a space. */
static const PAGEC_ROM char w_scheme[] = "https:// ";
static const PAGEC_ROM char w_version[] = " HTTP/0.0"; /* '0': a digit */
#if PAGEC_HTTP_FIELDS
static const PAGEC_ROM char w_ae[] = "accept-encoding ";
static const PAGEC_ROM char w_inm[] = "if-none-match ";
static const PAGEC_ROM char w_host[] = "host ";
/* the codings of Accept-Encoding read, at offsets 0, 5, 12 and 21 */
static const PAGEC_ROM char w_codings[] = "gzip x-gzip identity * ";
#endif
#if PAGEC_ACTIONS
static const PAGEC_ROM char w_clen[] = "content-length ";
static const PAGEC_ROM char w_sfs[] = "sec-fetch-site ";
static const PAGEC_ROM char w_origin[] = "origin ";
static const PAGEC_ROM char w_referer[] = "referer ";
static const PAGEC_ROM char w_same[] = "same-origin ";
static const PAGEC_ROM char w_none[] = "none ";
static const PAGEC_ROM char w_http[] = "http://"; /* before Host's value */
#endif

#define ROM_CHAR(p) ((uint8_t)PAGEC_ROM_BYTE(p))

PAGEC_INLINE uint8_t lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

#if PAGEC_HTTP_FIELDS
PAGEC_INLINE int ows(uint8_t c)
{
    return c == ' ' || c == '\t';
}
#endif

PAGEC_INLINE int ctl(uint8_t c)
{
    return c <= ' ' || c == 0x7f;
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

#if PAGEC_HTTP_FIELDS
/*
 * One byte of a word match: the candidate bit of mask stays set while the
 * i bytes so far and c, ignoring case, begin the word w (a lower-case word
 * ended by a space). While the bit is set, w has at least i bytes.
 */
PAGEC_INLINE uint8_t word_step(uint8_t mask, uint8_t bit,
                               const PAGEC_ROM char *w, uint8_t i, uint8_t c)
{
    if ((mask & bit) && (c == ' ' || ROM_CHAR(w + i) != lower(c))) {
        mask = (uint8_t)(mask & ~bit);
    }
    return mask;
}

/* 1 when bit is still a candidate and its word w has exactly n bytes. */
static int word_done(uint8_t mask, uint8_t bit, const PAGEC_ROM char *w,
                     uint8_t n)
{
    return (mask & bit) && ROM_CHAR(w + n) == ' ';
}

#endif

/* The version suffix " HTTP/d.d": how many of its bytes the line ends
 * with after c. Its space occurs only at its start, so after a mismatch
 * only c itself can start it again. */
PAGEC_INLINE uint8_t tail_step(uint8_t t, uint8_t c)
{
    if (t < 9) {
        uint8_t w = ROM_CHAR(w_version + t);

        if (w == '0' ? c >= '0' && c <= '9' : c == w) {
            return (uint8_t)(t + 1);
        }
    }
    return c == ' ' ? 1 : 0;
}

/* The method: the next byte c of it. aux is the first entry of methods[]
 * that starts with the bytes so far, word their number. */
static void method_byte(struct pagec_http *h, uint8_t c)
{
    uint8_t k = h->aux;
    uint8_t i = h->word;

    if (k != NO_ENTRY) {
        /* the first entry from k on with the same i bytes and then c */
        while (ROM_CHAR(methods + k) != '\0') {
            uint8_t j;

            for (j = 0; j < i && ROM_CHAR(methods + k + j) ==
                                     ROM_CHAR(methods + h->aux + j);
                 j++) {
            }
            if (j == i && ROM_CHAR(methods + k + i) == c) {
                break;
            }
            while (ROM_CHAR(methods + k++) != ' ') {
            }
        }
        h->aux = ROM_CHAR(methods + k) != '\0' ? k : NO_ENTRY;
    }
    if (h->word < 0xff) {
        h->word++;
    }
}

/* The method ends at its space. */
static void method_end(const PAGEC_ROM struct pagec_site *site,
                       struct pagec_http *h)
{
    if (h->word == 0) {
        h->method = JUNK;
    } else if (h->aux == NO_ENTRY ||
               ROM_CHAR(methods + h->aux + h->word) != ' ') {
        h->method = UNKNOWN; /* methods are case-sensitive */
    } else {
        h->method = h->aux == 0   ? GET
                    : h->aux == 4 ? HEAD
#if PAGEC_ACTIONS
                    /* "POST " in methods[]; a site without actions
                     * answers it as the other methods */
                    : h->aux == 9 && site->nactions ? POST
#endif
                                  : KNOWN;
    }
    h->aux = 0;
    h->state = h->method <= POST ? S_TARGET : S_REST;
#if PAGEC_ACTIONS
    if (site->nactions) {
        h->act |= X_SITE;
    }
#else
    (void)site;
#endif
}

/* The request target and what follows it: a byte c that is not a line
 * end. */
static void target_byte(const PAGEC_ROM struct pagec_site *site,
                        struct pagec_http *h, uint8_t c)
{
    int v;

    switch (h->state) {
    case S_TARGET:
        if (c == '/') {
            h->flags |= F_SLASH;
            h->state = S_PATH;
            pagec_match_byte(site, &h->match, c);
            return;
        }
        h->state = S_SCHEME;
        h->aux = 0;
        /* fall through */
    case S_SCHEME:
        if (h->aux == 4 && c == ':') {
            h->aux++; /* "http:" rather than "https:" */
        }
        if (ROM_CHAR(w_scheme + h->aux) == lower(c)) {
            if (++h->aux == 8) {
                h->state = S_AUTHORITY;
            }
            return;
        }
        h->flags |= F_BAD; /* neither '/' nor a scheme */
        break;
    case S_AUTHORITY:
        if (c == '/' || c == '?' || c == ' ') {
            pagec_match_byte(site, &h->match, '/'); /* the path, or "/" */
            if (c == '/') {
                h->state = S_PATH;
                return;
            }
            break;
        }
        if (ctl(c) || c == '#') {
            h->flags |= F_BAD;
        }
        return;
    case S_PATH:
        if (c == '%') {
            h->state = S_PCT1;
            return;
        }
        if (c != '?' && c != '#' && !ctl(c)) {
            pagec_match_byte(site, &h->match, c);
            return;
        }
        break;
    case S_PCT1:
    case S_PCT2:
        v = hexval(c);
        if (v < 0) {
            h->flags |= F_BAD;
            break;
        }
        if (h->state == S_PCT1) {
            h->aux = (uint8_t)v;
            h->state = S_PCT2;
        } else {
            pagec_match_byte(site, &h->match, (uint8_t)(h->aux << 4 | v));
            h->state = S_PATH;
        }
        return;
    case S_VERSION:
    case S_REST:
        if (h->aux < 0xff) {
            h->aux++;
        }
        return;
    default:
        break;
    }
    /* query or the rest of a bad target, up to the space */
#if PAGEC_ACTIONS
    if ((h->state == S_PATH || h->state == S_AUTHORITY) && c == '?' &&
        h->method != HEAD && site->nactions) {
        /* the path's page, kept in case the query names no action; the
         * query goes on into the matcher, its '?' first */
        h->page = pagec_match_end(site, &h->match);
        h->act |= X_QUERY;
    }
#endif
    h->state = S_QUERY;
    if (c == ' ') {
        h->state = S_VERSION;
        h->aux = 0;
    } else if (ctl(c) || c == '#') {
        /* RFC 3986: no CTL, no SP; RFC 9112 section 3.2: no fragment */
        h->flags |= F_BAD;
#if PAGEC_ACTIONS
    } else if (h->act & X_QUERY) {
        pagec_match_byte(site, &h->match, c);
#endif
    }
}

#if PAGEC_HTTP_FIELDS
/* Starts a field line. */
static void field_line_start(struct pagec_http *h)
{
    h->state = S_NAME;
    h->aux = 0;
    /* Accept-Encoding, If-None-Match, Host, and for a site with actions
     * Content-Length, Sec-Fetch-Site, Origin */
#if PAGEC_ACTIONS
    h->word = h->act & X_SITE ? 0x7f : 0x07;
#else
    h->word = 0x07;
#endif
    h->flags &= (uint8_t)~(F_OWS | F_QBAD | F_STAR | F_OTHER);
}

#endif

/* The request line ends: which reply, if the line is one. */
static void request_line_end(const PAGEC_ROM struct pagec_site *site,
                             struct pagec_http *h)
{
    uint8_t version = h->tail == 9;
    uint8_t st = h->state;

    h->flags |= F_LINE;
    h->state = S_DONE;
    if (!version) {
        h->seen = 0; /* the digits of a suffix that is not the version */
    }
    if (st == S_METHOD) {
        h->method = JUNK; /* a method with no target */
    }
    if (h->method >= KNOWN) {
        /* 405 or 501 when the line has a target and a version ("POST
         * HTTP/1.1" has no target); else no request line at all: the tail
         * of a request cut into segments, whose first one was answered
         * already, and answering it would put a second reply in the same
         * sequence space */
        if (h->method != JUNK && (!version || h->aux == 8)) {
            h->method = JUNK;
        }
        return;
    }
    if (st != S_PATH && st != S_QUERY && st != S_VERSION) {
        /* cut in a scheme, an authority (absolute-form needs a version)
         * or a %-escape */
        h->flags |= F_BAD;
    }
    if (!version) {
        /* HTTP/0.9's "GET /path": the whole rest is the target */
        if (h->method != GET || !(h->flags & F_SLASH)) {
            h->method = JUNK;
            return;
        }
        if (st == S_VERSION) {
            h->flags |= F_BAD; /* a space in the target */
        }
    } else if (st != S_VERSION) {
        h->method = JUNK; /* the version's space follows the method */
        return;
    } else if (h->aux != 8) {
        h->flags |= F_BAD; /* a space in the target */
    }
    if (!(h->flags & F_BAD)) {
        uint16_t m = pagec_match_end(site, &h->match);

#if PAGEC_ACTIONS
        if (h->act & X_QUERY) {
            if (m != PAGEC_NO_PAGE && m >= site->npages) {
                h->act |= X_ACTION; /* the query names an action */
            } else {
                m = h->page; /* the path's page */
            }
        }
        /* a path alone names a page, never an action (whose key is
         * matched by a percent-decoded '?' too) */
        h->page = m < site->npages || (h->act & X_ACTION) ? m
                                                           : PAGEC_NO_PAGE;
#else
        h->page = m < site->npages ? m : PAGEC_NO_PAGE;
#endif
#if PAGEC_HTTP_FIELDS
        field_line_start(h);
#endif
    }
}

#if PAGEC_HTTP_FIELDS
/* An element of Accept-Encoding is complete: its coding gets the weight
 * read, and the field counts as seen. */
static void ae_commit(struct pagec_http *h)
{
    h->seen |= A_AE;
    if (h->word == C_GZIP) {
        h->gzip_q = h->q;
    } else if (h->word == C_IDENTITY) {
        h->identity_q = h->q;
    } else if (h->word == C_STAR) {
        h->star_q = h->q;
    }
    h->word = C_NONE;
}

/* The qvalue ends (RFC 9110 section 12.4.2: "0" to "1.000"); a malformed
 * one counts as 1. */
static void q_end(struct pagec_http *h)
{
    if (h->aux == 0 || (h->flags & F_QBAD) || h->q > 1000) {
        h->q = 1000;
    }
}

/* The next byte of a qvalue. */
static void q_byte(struct pagec_http *h, uint8_t c)
{
    uint8_t d = (uint8_t)(c - '0');

    if (h->aux == 0 && d <= 1) {
        h->q = (int16_t)(d * 1000);
    } else if (h->aux == 1 && c == '.') {
        /* the decimal point */
    } else if (h->aux >= 2 && h->aux <= 4 && d <= 9) {
        h->q = (int16_t)(h->q + d * (h->aux == 2 ? 100 : h->aux == 3 ? 10 : 1));
    } else {
        h->flags |= F_QBAD;
    }
    if (h->aux < 0xff) {
        h->aux++;
    }
}

/* Accept-Encoding after a coding: parameters up to ',' (the next coding)
 * or ';' (another parameter). */
static void ae_params_byte(struct pagec_http *h, uint8_t c)
{
    h->state = S_AE_PARAMS;
    if (c == ',') {
        ae_commit(h);
        h->state = S_AE_SKIP;
    } else if (c == ';') {
        h->state = S_AE_PARAM;
    }
}

/* The token of a coding ends: which one it is. */
static void ae_token_end(struct pagec_http *h)
{
    uint8_t m = h->word;
    uint8_t n = h->aux;

    h->word = word_done(m, 1, w_codings, n) || word_done(m, 2, w_codings + 5, n)
                  ? C_GZIP
              : word_done(m, 4, w_codings + 12, n) ? C_IDENTITY
              : word_done(m, 8, w_codings + 21, n) ? C_STAR
                                                   : C_NONE;
    h->q = 1000;
}

/* If-None-Match: the next byte c of an opaque-tag, quotes included,
 * against the (strong) ETag of variant vi, whose bytes matched so far are
 * h->etag[i]. */
static void inm_byte(const PAGEC_ROM struct pagec_site *site,
                     struct pagec_http *h, uint16_t vi, uint8_t i,
                     uint8_t c)
{
    uint8_t k = h->etag[i];

    h->etag[i] = vi != PAGEC_NO_PAGE && k < PAGEC_ETAG_LEN &&
                         PAGEC_ROM_BYTE(site->variants[vi].get.pkt +
                                        PAGEC_ETAG_AT + k) == c
                     ? (uint8_t)(k + 1)
                     : NO_ENTRY;
}

/* An element of If-None-Match may be complete: the ETags it equals count
 * (the weak comparison of RFC 9110 section 8.8.3.2: "W/" was skipped). */
static void inm_commit(struct pagec_http *h)
{
    if (h->aux == I_AFTER) {
        if (h->etag[0] == PAGEC_ETAG_LEN) {
            h->seen |= A_INM_ID;
        }
        if (h->etag[1] == PAGEC_ETAG_LEN) {
            h->seen |= A_INM_GZ;
        }
    }
}

/* If-None-Match: the next byte c of its list of entity-tags (RFC 9110
 * section 13.1.2), W/"..." or "...", separated by commas and OWS. An
 * element counts once complete, at a comma or the line end; one that is
 * not an entity-tag ends the reading of the line. */
static void inm_list_byte(const PAGEC_ROM struct pagec_site *site,
                          struct pagec_http *h, uint8_t c)
{
    const PAGEC_ROM struct pagec_page *pg = &site->pages[h->page];

    switch (h->aux) {
    case I_NEXT:
        if (ows(c) || c == ',') {
            return;
        }
        if (c == 'W') {
            h->aux = I_W;
            return;
        }
        /* fall through */
    case I_SLASH:
        if (c != '"') {
            break;
        }
        h->aux = I_TAG;
        h->etag[0] = 0;
        h->etag[1] = 0;
        inm_byte(site, h, pg->identity, 0, c);
        inm_byte(site, h, pg->gzip, 1, c);
        return;
    case I_W:
        if (c != '/') {
            break;
        }
        h->aux = I_SLASH;
        return;
    case I_TAG:
        if (ctl(c)) {
            break; /* etagc: no CTL, no SP, no DEL */
        }
        if (c == '"') {
            h->aux = I_AFTER;
        }
        inm_byte(site, h, pg->identity, 0, c);
        inm_byte(site, h, pg->gzip, 1, c);
        return;
    case I_AFTER:
        if (c == ',') {
            inm_commit(h);
            h->aux = I_NEXT;
        } else if (!ows(c)) {
            break;
        }
        return;
    default:
        return; /* I_BAD */
    }
    h->aux = I_BAD;
}

/* A byte of a field name after its first, not ':': the words it may
 * still be, whether it is OWS, its length. */
static PAGEC_NOINLINE void name_byte(struct pagec_http *h, uint8_t c)
{
    if (h->word) { /* a name some word may still be */
        h->word = word_step(h->word, 1, w_ae, h->aux, c);
        h->word = word_step(h->word, 2, w_inm, h->aux, c);
        h->word = word_step(h->word, 4, w_host, h->aux, c);
#if PAGEC_ACTIONS
        h->word = word_step(h->word, 8, w_clen, h->aux, c);
        h->word = word_step(h->word, 16, w_sfs, h->aux, c);
        h->word = word_step(h->word, 32, w_origin, h->aux, c);
        h->word = word_step(h->word, 64, w_referer, h->aux, c);
#endif
    }
    h->flags = (uint8_t)(ows(c) ? h->flags | F_OWS : h->flags & ~F_OWS);
    if (h->aux < 0xff) {
        h->aux++;
    }
}

/* A token character of a coding of Accept-Encoding: the codings it may
 * still be, its length. */
static PAGEC_NOINLINE void token_byte(struct pagec_http *h, uint8_t c)
{
    if (h->word) {
        h->word = word_step(h->word, 1, w_codings, h->aux, c);
        h->word = word_step(h->word, 2, w_codings + 5, h->aux, c);
        h->word = word_step(h->word, 4, w_codings + 12, h->aux, c);
        h->word = word_step(h->word, 8, w_codings + 21, h->aux, c);
    }
    if (h->aux < 0xff) {
        h->aux++;
    }
}

#if PAGEC_ACTIONS
static void action_field_byte(struct pagec_http *h, uint8_t c);

/* A field name of a site with actions ends: where the value of Host,
 * Origin, Sec-Fetch-Site or Content-Length goes. Out of line, so that
 * name_end() stays small on a site without actions. */
static PAGEC_NOINLINE void action_name_end(struct pagec_http *h)
{
    if (word_done(h->word, 4, w_host, h->aux)) {
        /* "http://" first, from the keyed start pagec_http_begin() set */
        const PAGEC_ROM char *w = w_http;

        h->word = 0; /* S_HASH: Host */
        h->state = S_HASH;
        while (ROM_CHAR(w) != '\0') {
            action_field_byte(h, ROM_CHAR(w));
            w++;
        }
    } else if (word_done(h->word, 32, w_origin, h->aux)) {
        /* hashed on from the keyed start: a second Origin field is
         * hashed after the first, as if one (no browser sends two) */
        h->act |= X_ORIGIN;
        h->word = 1; /* S_HASH: Origin */
        h->state = S_HASH;
    } else if (word_done(h->word, 64, w_referer, h->aux)) {
        /* its origin alone: up to the '/' after the authority; a second
         * Referer field's is hashed after the first's (no browser sends
         * two) */
        h->seen |= A_REFERER;
        h->aux = 0; /* the '/' read */
        h->word = 2; /* S_HASH: Referer */
        h->state = S_HASH;
    } else if (word_done(h->word, 16, w_sfs, h->aux)) {
        h->aux = 0;
        h->word = 3; /* same-origin, none */
        h->state = S_SFS;
    } else if (word_done(h->word, 8, w_clen, h->aux)) {
        if (h->clen != 0xffffu) {
            h->seen |= A_FIELD_BAD; /* RFC 9112 section 6.3: one length */
        }
        h->aux = 0;
        h->clen = 0;
        h->state = S_CLEN;
    }
}
#endif

/* A field name ends at its colon: which field, and where its value goes. */
static void name_end(struct pagec_http *h)
{
    if (h->aux == 0 || (h->flags & F_OWS)) {
        /* RFC 9112 section 5.1: no space before ':' */
        h->seen |= A_FIELD_BAD;
        h->state = S_DONE;
    } else if (word_done(h->word, 1, w_ae, h->aux)) {
        h->word = C_NONE; /* seen once an element is complete */
        h->state = S_AE_SKIP;
    } else if (word_done(h->word, 2, w_inm, h->aux) &&
               h->page != PAGEC_NO_PAGE && !IS_ACTION(h) && h->method != POST) {
        h->aux = I_NEXT;
        h->state = S_INM;
    } else {
        h->state = S_VALUE;
        if (word_done(h->word, 4, w_host, h->aux)) {
            /* RFC 9112 section 3.2: one Host field, or 400 */
            h->seen |= h->seen & A_HOST ? A_FIELD_BAD : A_HOST;
        }
#if PAGEC_ACTIONS
        if (h->act & X_SITE) {
            action_name_end(h);
        }
#endif
    }
}

#if PAGEC_ACTIONS
/* A byte of the value of a field read for actions (S_CLEN, S_SFS,
 * S_HASH); OWS is not part of any. */
static void action_field_byte(struct pagec_http *h, uint8_t c)
{
    if (ows(c)) {
        return;
    }
    if (h->state == S_HASH) {
        uint32_t *v = h->word == 2 ? &h->referer
                      : h->word    ? &h->origin
                                   : &h->host;

        if (h->word == 2 && c == '/' && ++h->aux == 3) {
            h->state = S_VALUE; /* the Referer's path: not read */
            return;
        }

        *v = (*v ^ lower(c)) * FNV_PRIME;
        return;
    }
    if (h->state == S_SFS) {
        h->word = word_step(h->word, 1, w_same, h->aux, c);
        h->word = word_step(h->word, 2, w_none, h->aux, c);
    } else if (c >= '0' && c <= '9') {
        /* Content-Length, saturated below 0xffff ("none") */
        uint32_t n = (uint32_t)h->clen * 10 + (uint8_t)(c - '0');

        h->clen = (uint16_t)(n < 0xfffeu ? n : 0xfffeu);
    } else {
        h->seen |= A_FIELD_BAD; /* RFC 9110 section 8.6: 1*DIGIT */
        h->state = S_VALUE;
    }
    if (h->aux < 0xff) {
        h->aux++;
    }
}

/* The header ends: a POST without a query in its target matches its
 * body instead, when Content-Length says it has one. */
static void header_end(const PAGEC_ROM struct pagec_site *site,
                       struct pagec_http *h)
{
    h->act |= X_END;
    if (h->method == POST && !(h->act & X_QUERY)) {
        h->act |= X_QUERY | X_BODY;
        pagec_match_byte(site, &h->match, '?');
        if (h->match.pos != 0xffffu) {
            h->act |= X_KEYS; /* an action's key starts "PATH?" */
        }
        if (h->clen != 0 && h->clen != 0xffffu) {
            h->state = S_BODY;
        }
    }
}
#endif

static void field_byte(const PAGEC_ROM struct pagec_site *site,
                       struct pagec_http *h, uint8_t c)
{
    switch (h->state) {
    case S_NAME:
        if (h->aux == 0 && ows(c)) {
            /* RFC 9112 section 5.2: obs-fold, or a space after the
             * request line (section 2.2) */
            h->seen |= A_FIELD_BAD;
            h->state = S_DONE;
            return;
        }
        if (c == ':') {
            name_end(h);
            return;
        }
        name_byte(h, c);
        return;
    case S_AE_SKIP:
        if (ows(c) || c == ',') {
            return;
        }
        h->state = S_AE_TOKEN;
        h->aux = 0;
        h->word = 0x0f;
        /* fall through */
    case S_AE_TOKEN:
        if (tchar(c)) {
            token_byte(h, c);
            return;
        }
        ae_token_end(h);
        ae_params_byte(h, c);
        return;
    case S_AE_PARAMS:
        ae_params_byte(h, c);
        return;
    case S_AE_PARAM:
        if (ows(c)) {
            return;
        }
        if (lower(c) == 'q') {
            h->state = S_AE_QEQ;
            return;
        }
        ae_params_byte(h, c);
        return;
    case S_AE_QEQ:
        if (c == '=') {
            h->state = S_AE_QVAL;
            h->aux = 0;
            h->q = 0;
            h->flags &= (uint8_t)~F_QBAD;
            return;
        }
        ae_params_byte(h, c);
        return;
    case S_AE_QVAL:
        if (c == ',' || c == ';' || ows(c)) {
            q_end(h);
            ae_params_byte(h, c);
            return;
        }
        q_byte(h, c);
        return;
    case S_INM:
        if (!ows(c)) {
            h->flags |= c == '*' && !(h->flags & (F_STAR | F_OTHER))
                            ? F_STAR
                            : F_OTHER;
        }
        inm_list_byte(site, h, c);
        return;
#if PAGEC_ACTIONS
    case S_CLEN:
    case S_SFS:
    case S_HASH:
        action_field_byte(h, c);
        return;
#endif
    default:
        return; /* S_VALUE: a field nobody reads */
    }
}

/* A field line ends. */
static void field_line_end(const PAGEC_ROM struct pagec_site *site,
                           struct pagec_http *h)
{
    switch (h->state) {
    case S_NAME:
        if (h->aux == 0) {
            /* the blank line: end of the header; HTTP/1.1 needs Host */
            if ((h->seen & (A_MINOR | A_HOST)) == A_MINOR) {
                h->seen |= A_FIELD_BAD;
            }
            h->state = S_DONE;
#if PAGEC_ACTIONS
            header_end(site, h);
#else
            (void)site;
#endif
            return;
        }
        break; /* a line without a colon: not read */
#if PAGEC_ACTIONS
    case S_CLEN:
        if (h->aux == 0) {
            h->seen |= A_FIELD_BAD; /* empty */
        }
        break;
    case S_SFS:
        if (!word_done(h->word, 1, w_same, h->aux) &&
            !word_done(h->word, 2, w_none, h->aux)) {
            h->act |= X_CROSS; /* same-site, cross-site, or unknown */
        }
        break;
#endif
    case S_AE_TOKEN:
        ae_token_end(h);
        ae_commit(h);
        break;
    case S_AE_QVAL:
        q_end(h);
        ae_commit(h);
        break;
    case S_AE_SKIP: /* an empty value: only identity is acceptable */
    case S_AE_PARAMS:
    case S_AE_PARAM:
    case S_AE_QEQ:
        ae_commit(h);
        break;
    case S_INM:
        if ((h->flags & (F_STAR | F_OTHER)) == F_STAR) {
            h->seen |= A_INM_ID | A_INM_GZ; /* "*": any ETag */
        }
        inm_commit(h);
        break;
    default:
        break;
    }
    field_line_start(h);
}

#endif /* PAGEC_HTTP_FIELDS */

/* A byte of the request, CR already sorted out: a CR that is not
 * followed by LF is an ordinary byte. */
static void line_byte(const PAGEC_ROM struct pagec_site *site,
                      struct pagec_http *h, uint8_t c)
{
    if (h->state == S_DONE) {
        return;
    }
    if (h->flags & F_LINE) {
#if PAGEC_HTTP_FIELDS
        if (c == '\n') {
            field_line_end(site, h);
        } else {
            field_byte(site, h, c);
        }
#endif
        return;
    }
    if (h->state == S_START) {
        if (c == '\r' || c == '\n') {
#if PAGEC_ACTIONS
            h->act |= X_BLANK;
#endif
            return; /* RFC 9112 section 2.2: empty lines first */
        }
        h->state = S_METHOD;
    }
    if (c == '\n') {
        request_line_end(site, h);
        return;
    }
    h->tail = tail_step(h->tail, c);
    if (h->tail == 7 || h->tail == 9) {
        /* a digit of " HTTP/d.d": the last such suffix is the version */
        uint8_t bit = h->tail == 7 ? A_MAJOR : A_MINOR;

        h->seen = (uint8_t)(c == (h->tail == 7 ? '1' : '0')
                                ? h->seen & ~bit
                                : h->seen | bit);
    }
    if (h->state != S_METHOD) {
        target_byte(site, h, c);
    } else if (tchar(c)) {
        method_byte(h, c);
    } else if (c == ' ') {
        method_end(site, h);
    } else {
        h->method = JUNK;
        h->flags |= F_LINE;
        h->state = S_DONE;
    }
}

#if PAGEC_HTTP_FIELDS
/* A byte in a coding of Accept-Encoding: token_byte() for a token
 * character, what field_byte() does with it, else the whole reader. */
static PAGEC_NOINLINE void token_or_line(
    const PAGEC_ROM struct pagec_site *site, struct pagec_http *h, uint8_t c)
{
    if (tchar(c)) {
        token_byte(h, c);
    } else {
        line_byte(site, h, c);
    }
}
#endif

/* A byte after a CR: the CR was an ordinary byte unless c is LF. */
static PAGEC_NOINLINE void after_cr(const PAGEC_ROM struct pagec_site *site,
                                    struct pagec_http *h, uint8_t c)
{
    h->flags &= (uint8_t)~F_CR;
    if (c != '\n') {
        line_byte(site, h, '\r');
    }
    if (c == '\r') {
        h->flags |= F_CR;
        return;
    }
    line_byte(site, h, c);
}

void pagec_http_byte(const PAGEC_ROM struct pagec_site *site,
                     struct pagec_http *h, uint8_t c)
{
    if (pagec_http_skips(h, c)) {
        return; /* the end, or a field value nobody reads */
    }
#if PAGEC_ACTIONS
    if (h->state == S_BODY) {
        /* a POST's body, as sent: the action's query */
        pagec_match_byte(site, &h->match, c);
        if (++h->body == h->clen) {
            h->state = S_DONE;
        }
        return;
    }
#endif
    /* each case a tail call: no frame here for the usual byte */
    if (h->flags & F_CR) {
        after_cr(site, h, c);
    } else if (c == '\r') {
        h->flags |= F_CR;
#if PAGEC_HTTP_FIELDS
    } else if (h->state == S_NAME && h->aux != 0 && c != ':' &&
               c != '\n') {
        name_byte(h, c); /* what field_byte() does with it */
    } else if (h->state == S_AE_TOKEN) {
        token_or_line(site, h, c);
#endif
    } else {
        line_byte(site, h, c);
    }
}

/* 1 when the request accepts the gzip (gzip 1) or the identity encoding
 * (RFC 9110 section 12.5.3: without Accept-Encoding any coding is
 * acceptable; identity is, unless refused by name or by "*;q=0"). */
static int accepts(const struct pagec_http *h, uint8_t gzip)
{
    if (gzip) {
        return h->gzip_q > 0 ||
               (h->gzip_q < 0 && (h->star_q > 0 || !(h->seen & A_AE)));
    }
    return h->identity_q > 0 || (h->identity_q < 0 && h->star_q != 0);
}

/* TCP data bytes of the 200 reply of variant vi. */
static uint16_t data_len(const PAGEC_ROM struct pagec_site *site,
                         uint16_t vi)
{
    return (uint16_t)(site->variants[vi].get.len - PAGEC_HDR_LEN);
}

/* The encoding of page pg to send (its index in site->variants), or
 * PAGEC_NO_PAGE when none is acceptable: gzip when named with a weight no
 * lower than identity's, or when identity is not available or refused;
 * and the other one when the first is too big for limit. *gz says which
 * one it is. */
static uint16_t encoding(const PAGEC_ROM struct pagec_site *site,
                         const struct pagec_http *h,
                         const PAGEC_ROM struct pagec_page *pg,
                         uint16_t limit, uint8_t *gz)
{
    uint16_t id = accepts(h, 0) ? pg->identity : PAGEC_NO_PAGE;
    uint16_t zip = accepts(h, 1) ? pg->gzip : PAGEC_NO_PAGE;
    uint16_t w;

    *gz = zip != PAGEC_NO_PAGE &&
          ((h->gzip_q > 0 && h->gzip_q >= h->identity_q) ||
           id == PAGEC_NO_PAGE);
    w = *gz ? id : zip;
    if (!*gz && id == PAGEC_NO_PAGE) {
        return PAGEC_NO_PAGE;
    }
    if (data_len(site, *gz ? zip : id) > limit &&
        !(h->seen & (*gz ? A_INM_GZ : A_INM_ID)) && w != PAGEC_NO_PAGE &&
        data_len(site, w) <= limit) {
        /* the client's MSS or window takes this one only (a 304 of the
         * first one is short enough for any) */
        *gz = !*gz;
    }
    return *gz ? zip : id;
}

const PAGEC_ROM struct pagec_tmpl *
pagec_http_fit(const PAGEC_ROM struct pagec_site *site,
               const PAGEC_ROM struct pagec_tmpl *t, uint16_t limit,
               uint16_t *status, uint8_t large)
{
#if PAGEC_LARGE
    uint16_t k;

    if (large && *status == 0 && t && t->len - t->hlen > limit &&
        pagec_large_of(site, t, &k) != NULL) {
        return t; /* sent as several segments */
    }
#else
    (void)large;
#endif
    if (t && t->len - t->hlen > limit) {
        t = &site->status; /* without a body: serves HEAD too */
        *status = 503;
        if (t->len - t->hlen > limit) {
            return NULL; /* not even a short error fits */
        }
    }
    return t;
}

#if PAGEC_FAST_PATHS
/* 1 for a byte of a path that goes to the matcher as it is: not '%',
 * '?' or '#', no CTL, no SP. */
static int plain_path(uint8_t c)
{
    return !ctl(c) && c != '%' && c != '?' && c != '#';
}

/* The usual start of a request line, "GET /" or "HEAD /", at d: the
 * reader left as the bytes would leave it (the method read, the target's
 * '/' matched); returns the bytes taken, 0 for another start. */
static uint8_t fast_method(const PAGEC_ROM struct pagec_site *site,
                           struct pagec_http *h, const uint8_t *d,
                           const uint8_t *end)
{
    uint8_t k;

    if (end - d >= 5 && d[0] == 'G' && d[1] == 'E' && d[2] == 'T' &&
        d[3] == ' ' && d[4] == '/') {
        h->method = GET;
        k = 3;
    } else if (end - d >= 6 && d[0] == 'H' && d[1] == 'E' && d[2] == 'A' &&
               d[3] == 'D' && d[4] == ' ' && d[5] == '/') {
        h->method = HEAD;
        k = 4;
    } else {
        return 0;
    }
    h->word = k; /* the method's bytes */
    h->aux = 0;
    h->tail = 0;
    h->flags |= F_SLASH;
#if PAGEC_ACTIONS
    if (site->nactions) {
        h->act |= X_SITE; /* as method_end() */
    }
#endif
    h->state = S_PATH;
    pagec_match_byte(site, &h->match, '/');
    return (uint8_t)(k + 2);
}

/* The usual end of a request line at d, " HTTP/d.d" and CRLF or LF,
 * after a path or a query: the line ended as the bytes would end it;
 * returns the bytes taken, 0 for another end. */
static uint8_t fast_version(const PAGEC_ROM struct pagec_site *site,
                            struct pagec_http *h, const uint8_t *d,
                            const uint8_t *end)
{
    uint8_t k;

    if (end - d < 10 || d[0] != ' ' || d[1] != 'H' || d[2] != 'T' ||
        d[3] != 'T' || d[4] != 'P' || d[5] != '/' || d[6] < '0' ||
        d[6] > '9' || d[7] != '.' || d[8] < '0' || d[8] > '9') {
        return 0;
    }
    if (d[9] == '\n') {
        k = 10;
    } else if (d[9] == '\r' && end - d >= 11 && d[10] == '\n') {
        k = 11;
    } else {
        return 0;
    }
    h->state = S_VERSION;
    h->aux = 8; /* the version's bytes after its space */
    h->tail = 9;
    h->seen = (uint8_t)((h->seen & ~(A_MAJOR | A_MINOR)) |
                        (d[6] != '1' ? A_MAJOR : 0) |
                        (d[8] != '0' ? A_MINOR : 0));
    request_line_end(site, h);
    return k;
}

#if PAGEC_HTTP_FIELDS
/* 1 when the n bytes at d are the word w (lower-case, ended by a
 * space; sizeof of its array given), ignoring case. */
static int is_word(const uint8_t *d, uint16_t n, const PAGEC_ROM char *w,
                   uint16_t size)
{
    uint16_t i;

    if (n + 2 != size) {
        return 0; /* the word, its space and the NUL */
    }
    for (i = 0; i < n; i++) {
        if (ROM_CHAR(w + i) != lower(d[i])) {
            return 0;
        }
    }
    return 1;
}
#endif

/* Reads n bytes at once: runs of bytes whose effect is known are taken
 * in one step (the usual request line's method and version, a field
 * value nobody reads and its line end, a field name no word can match,
 * the plain bytes of a path); every other byte goes to pagec_http_byte().
 * The reader ends in the same state as if each byte had (the fuzz model
 * holds both APIs to the same replies). */
void pagec_http_feed(const PAGEC_ROM struct pagec_site *site,
                     struct pagec_http *h, const uint8_t *d, uint16_t n)
{
    const uint8_t *end = d + n;

    while (d < end && h->state != S_DONE) {
        uint8_t c = *d;

        if (!(h->flags & F_CR)) {
            if (h->state == S_START) {
                d += fast_method(site, h, d, end);
                if (h->state != S_START) {
                    continue;
                }
#if PAGEC_HTTP_FIELDS
            } else if (h->state == S_VALUE) {
                /* nothing but its line end counts */
                while (c != '\r' && c != '\n') {
                    if (++d == end) {
                        return;
                    }
                    c = *d;
                }
                if (c == '\r' && d + 1 < end && d[1] == '\n') {
                    d++;
                    c = '\n';
                }
                if (c == '\n') {
                    field_line_end(site, h);
                    d++;
                    continue;
                }
            } else if (h->state == S_NAME && h->aux == 0 && tchar(c)) {
                /* a whole name up to its colon: the words it is, at once */
                const uint8_t *p = d;

                while (++p < end && *p != ':' && *p != '\r' && *p != '\n') {
                }
                if (p < end && *p == ':') {
                    uint16_t len = (uint16_t)(p - d);

                    h->word = (uint8_t)(
                        (is_word(d, len, w_ae, sizeof w_ae) ? 1 : 0) |
                        (is_word(d, len, w_inm, sizeof w_inm) ? 2 : 0) |
                        (is_word(d, len, w_host, sizeof w_host) ? 4 : 0));
#if PAGEC_ACTIONS
                    if (h->act & X_SITE) {
                        /* the fields a site without actions does not
                         * read */
                        h->word = (uint8_t)(
                            h->word |
                            (is_word(d, len, w_clen, sizeof w_clen) ? 8 : 0) |
                            (is_word(d, len, w_sfs, sizeof w_sfs) ? 16 : 0) |
                            (is_word(d, len, w_origin, sizeof w_origin) ? 32
                                                                        : 0) |
                            (is_word(d, len, w_referer, sizeof w_referer)
                                 ? 64
                                 : 0));
                    }
#endif
                    h->aux = (uint8_t)(len < 0xff ? len : 0xff);
                    h->flags = (uint8_t)(ows(p[-1]) ? h->flags | F_OWS
                                                   : h->flags & ~F_OWS);
                    name_end(h);
                    d = p + 1;
                    continue;
                }
#endif
            } else if ((h->state == S_PATH || h->state == S_QUERY) &&
                       h->tail == 0) {
                /* the tail of " HTTP/d.d" stays 0 over bytes that are not
                 * SP */
                while (h->state == S_PATH && plain_path(c)) {
                    pagec_match_byte(site, &h->match, c);
                    if (++d == end) {
                        return;
                    }
                    c = *d;
                }
                if (c == ' ') {
                    uint8_t k = fast_version(site, h, d, end);

                    if (k) {
                        d += k;
                        continue;
                    }
                }
            }
        }
        pagec_http_byte(site, h, c);
        d++;
    }
}
#else
/* Reads n bytes, each as the streaming API's reader does. */
void pagec_http_feed(const PAGEC_ROM struct pagec_site *site,
                     struct pagec_http *h, const uint8_t *d, uint16_t n)
{
    while (n-- && h->state != S_DONE) {
        pagec_http_byte(site, h, *d++);
    }
}
#endif /* PAGEC_FAST_PATHS */

#if PAGEC_ACTIONS
/* The action a GET or POST request names, or NULL with *status set: 405
 * for a POST that names none; for a POST to an action's path whose body
 * is the query, 411 without Content-Length, 413 when the body is not all
 * in the segment; 431 when the header is not (what it did not bring could
 * refuse the action); 403 when it comes from another site. */
static const PAGEC_ROM struct pagec_action *
action_of(const PAGEC_ROM struct pagec_site *site, const struct pagec_http *h,
          uint16_t *status)
{
    uint16_t m = h->page;

    if (h->act & X_BODY) {
        m = pagec_match_end(site, &h->match);
    }
    if ((h->act & (X_BODY | X_KEYS)) == (X_BODY | X_KEYS) &&
        h->clen == 0xffffu) {
        *status = 411;
    } else if ((h->act & (X_BODY | X_KEYS)) == (X_BODY | X_KEYS) &&
               h->body != h->clen) {
        *status = 413;
    } else if (h->method == POST && !(h->act & X_END) &&
               !(h->act & X_ACTION)) {
        *status = 413; /* its body cannot be in the segment */
    } else if (m == PAGEC_NO_PAGE || m < site->npages) {
        *status = 405; /* a POST of no action */
    } else if (!(h->act & X_END)) {
        *status = 431;
    } else if ((h->act & (X_CROSS | X_BLANK)) ||
               ((h->act & X_ORIGIN) &&
                (!(h->seen & A_HOST) || h->origin != h->host)) ||
               ((h->seen & A_REFERER) &&
                (!(h->seen & A_HOST) || h->referer != h->host))) {
        /* an Origin or a Referer with no Host to compare it with refuses
         * too; and so do empty lines before the request line, with which
         * another site's POST body could pass a later segment of its own
         * off as a request of ours (see pagec(3), SECURITY
         * CONSIDERATIONS) */
        *status = 403;
    } else {
        return &site->actions[m - site->npages];
    }
    return NULL;
}

void pagec_http_act(const struct pagec_server *srv, const struct pagec_http *h,
                    uint16_t status)
{
    uint16_t ignored = 0;
    const PAGEC_ROM struct pagec_action *a;

    /* status 0 for a POST or an action: action_of() gave one */
    if (status != 0 || srv->action == NULL ||
        (h->method != POST && !IS_ACTION(h))) {
        return;
    }
    a = action_of(srv->site, h, &ignored);
    if (a != NULL) {
        srv->action(srv, a->id, a->arg);
    }
}
#endif

const PAGEC_ROM struct pagec_tmpl *
pagec_http_end(const PAGEC_ROM struct pagec_site *site,
               const struct pagec_http *h, uint16_t limit, uint16_t *status,
               uint8_t large)
{
    const PAGEC_ROM struct pagec_tmpl *t = &site->status;
    const PAGEC_ROM struct pagec_variant *v;
    uint16_t page = h->page;
    uint16_t vi;
    uint8_t gz;

    *status = 0;
    if (!(h->flags & F_LINE) || h->method == JUNK) {
        return NULL; /* wait for the whole request line */
    }
    if (h->seen & A_MAJOR) {
        *status = 505;
    } else if (h->method == KNOWN) {
        *status = 405;
    } else if (h->method == UNKNOWN) {
        *status = 501;
    } else if ((h->flags & F_BAD) || (h->seen & A_FIELD_BAD)) {
        *status = 400;
#if PAGEC_ACTIONS
    } else if (h->method == POST || IS_ACTION(h)) {
        const PAGEC_ROM struct pagec_action *a = action_of(site, h, status);

        if (a != NULL) {
            /* the action's page, as a GET of it would have it, but never
             * as 304 */
            vi = encoding(site, h, &site->pages[a->page], limit, &gz);
            if (vi == PAGEC_NO_PAGE) {
                *status = 406;
            } else {
                t = &site->variants[vi].get;
            }
        }
#endif
    } else {
        if (page == PAGEC_NO_PAGE) {
            *status = 404;
            page = site->not_found; /* its reply, or the error reply */
        }
        if (page != PAGEC_NO_PAGE) {
            vi = encoding(site, h, &site->pages[page], limit, &gz);
            if (vi == PAGEC_NO_PAGE) {
                if (!*status) {
                    *status = 406; /* a 404 stays one, without the page */
                }
            } else {
                v = &site->variants[vi];
                t = h->method == HEAD ? &v->head : &v->get;
                /* a live page's reply has no ETag (pagec/site.h): no
                 * If-None-Match, "*" included, makes it a 304 */
                if (!*status && (h->seen & (gz ? A_INM_GZ : A_INM_ID)) &&
                    PAGEC_ROM_BYTE(v->get.pkt + PAGEC_ETAG_AT) == '"') {
                    *status = 304;
                    t = &v->head;
                }
            }
        }
    }
    return pagec_http_fit(site, t, limit, status, large);
}

void pagec_http_begin(struct pagec_http *h, const uint8_t key[8])
{
    pagec_match_init(&h->match);
    h->gzip_q = -1;
    h->identity_q = -1;
    h->star_q = -1;
    h->q = 0;
    h->page = PAGEC_NO_PAGE;
    h->state = S_START;
    h->flags = 0;
    h->seen = 0;
    h->method = GET;
    h->aux = 0;
    h->word = 0;
    h->tail = 0;
    h->etag[0] = 0;
    h->etag[1] = 0;
#if PAGEC_ACTIONS
    h->act = 0;
    h->clen = 0xffffu;
    h->body = 0;
    /* Host and Origin hashed from a start that the server's secret
     * keys: a name whose hash matches the device's cannot be searched
     * for without it */
    h->host = FNV_BASIS ^ ((uint32_t)key[4] | (uint32_t)key[5] << 8 |
                           (uint32_t)key[6] << 16 | (uint32_t)key[7] << 24);
    h->origin = h->host;
    h->referer = h->host;
#else
    (void)key;
#endif
}
