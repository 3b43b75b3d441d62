/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mime.c - the MIME type of a file: a built-in table of the extensions of
 * the web first, libmagic for files whose extension is missing or not in
 * the table.
 */
#include <errno.h>
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compiler.h"

static const struct {
    const char *ext;
    const char *type;
} table[] = {
    {"css", "text/css"},
    {"gif", "image/gif"},
    {"htm", "text/html"},
    {"html", "text/html"},
    {"ico", "image/x-icon"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript"},
    {"json", "application/json"},
    {"mjs", "text/javascript"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"shtml", "text/html"},
    {"svg", "image/svg+xml"},
    {"txt", "text/plain"},
    {"wasm", "application/wasm"},
    {"webp", "image/webp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xml", "application/xml"},
};

static magic_t cookie;
static char magic_failed[200]; /* why libmagic cannot be used, or "" */

static magic_t magic(void)
{
    if (!cookie && !magic_failed[0]) {
        cookie = magic_open(MAGIC_MIME_TYPE);
        if (!cookie) {
            snprintf(magic_failed, sizeof magic_failed, "%s",
                     errno == ENOMEM ? "out of memory" : strerror(errno));
        } else if (magic_load(cookie, NULL) != 0) {
            const char *e = magic_error(cookie);

            snprintf(magic_failed, sizeof magic_failed, "%s",
                     e ? e : "cannot load its database");
            magic_close(cookie);
            cookie = NULL;
        }
    }
    return cookie;
}

/* libmagic's answer for the bytes, with the given flags; NULL after
 * printing why there is none, with path. */
static const char *ask(int flags, const char *path, const uint8_t *data,
                       size_t len)
{
    magic_t m = magic();
    const char *r = NULL;

    if (m && magic_setflags(m, flags) == 0) {
        r = magic_buffer(m, data, len);
    }
    if (!r) {
        const char *e = m ? magic_error(m) : magic_failed;

        pagec_error("%s: libmagic: %s", path, e ? e : "failed");
    }
    return r;
}

/* 1 when data is printable ASCII with tabs and line breaks only: text
 * that libmagic's encoding detection reports as us-ascii. */
static int plain_ascii(const uint8_t *data, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        uint8_t c = data[i];

        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c > 0x7e) {
            return 0;
        }
    }
    return len > 0;
}

/* 1 when the n bytes at p are the lower-case word w, ignoring case. */
static int word_at(const uint8_t *p, size_t n, const char *w)
{
    size_t k = strlen(w);
    size_t i;

    if (n < k) {
        return 0;
    }
    for (i = 0; i < k; i++) {
        uint8_t c = p[i];

        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (uint8_t)w[i]) {
            return 0;
        }
    }
    return 1;
}

/* The charset an HTML document declares in a <meta> element of its first
 * 1024 bytes, where a browser looks for it (the HTML standard's prescan):
 * <meta charset="..."> or <meta http-equiv="Content-Type"
 * content="...; charset=...">, comments skipped. Lower-cased into buf;
 * NULL when there is none. */
static const char *html_charset(const uint8_t *data, size_t len, char *buf,
                                size_t size)
{
    size_t n = len < 1024 ? len : 1024;
    size_t i = 0;

    while (i < n) {
        size_t end;
        size_t k;

        if (word_at(data + i, n - i, "<!--")) {
            for (i += 4; i < n && !word_at(data + i, n - i, "-->"); i++) {
            }
            i += 3;
            continue;
        }
        if (!word_at(data + i, n - i, "<meta") || i + 5 >= n ||
            !(data[i + 5] == ' ' || data[i + 5] == '\t' ||
              data[i + 5] == '\n' || data[i + 5] == '\r' ||
              data[i + 5] == '/')) {
            i++;
            continue;
        }
        for (end = i + 5; end < n && data[end] != '>'; end++) {
        }
        for (k = i + 5; k < end; k++) {
            size_t at;
            size_t m = 0;

            if (!word_at(data + k, end - k, "charset")) {
                continue;
            }
            for (at = k + 7; at < end && (data[at] == ' ' || data[at] == '\t');
                 at++) {
            }
            if (at == end || data[at] != '=') {
                continue;
            }
            for (at++; at < end && (data[at] == ' ' || data[at] == '\t' ||
                                    data[at] == '"' || data[at] == '\'');
                 at++) {
            }
            while (at < end && m + 1 < size &&
                   ((data[at] >= 'a' && data[at] <= 'z') ||
                    (data[at] >= 'A' && data[at] <= 'Z') ||
                    (data[at] >= '0' && data[at] <= '9') ||
                    strchr("-_.:+", data[at]))) {
                uint8_t c = data[at++];

                buf[m++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
            if (m) {
                buf[m] = '\0';
                return buf;
            }
        }
        i = end;
    }
    return NULL;
}

/* The type without libmagic's guesswork: --mime, then the table. */
static const char *by_extension(const struct options *o, const char *ext)
{
    size_t i;

    for (i = o->nmimes; i-- > 0;) { /* the last --mime for ext wins */
        const char *eq = strchr(o->mimes[i], '=');

        if (eq && (size_t)(eq - o->mimes[i]) == strlen(ext) &&
            strncasecmp(o->mimes[i], ext, strlen(ext)) == 0) {
            return eq + 1;
        }
    }
    for (i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcasecmp(ext, table[i].ext) == 0) {
            return table[i].type;
        }
    }
    return NULL;
}

char *mime_type(const struct options *o, const char *path,
                const uint8_t *data, size_t len)
{
    const char *base = strrchr(path, '/');
    const char *dot;
    const char *type = NULL;
    const char *charset = NULL;
    char tbuf[256];
    char declared[64];
    char *r;
    size_t n;

    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    if (dot && dot != base) {
        type = by_extension(o, dot + 1);
    }
    if (type && strchr(type, ';')) {
        r = strdup(type); /* a --mime type with its own parameters */
        if (!r) {
            pagec_error("out of memory");
        }
        return r;
    }
    if (!type) {
        type = ask(MAGIC_MIME_TYPE, path, data, len);
        if (!type) {
            return NULL;
        }
        /* libmagic's inode/... and x-empty name kinds of file, not media
         * types */
        if (strncmp(type, "inode/", 6) == 0 ||
            strcmp(type, "application/x-empty") == 0) {
            type = "application/octet-stream";
        }
    }
    /* copied before libmagic is asked again: it answers in one buffer */
    snprintf(tbuf, sizeof tbuf, "%s", type);
    type = tbuf;
    n = strlen(type);
    if (strncmp(type, "text/", 5) == 0) {
        /* what an HTML page declares; plain ASCII text as utf-8, of
         * which ASCII is a part (looking costs far less than asking
         * libmagic); libmagic's guess for the rest */
        if (strcmp(type, "text/html") == 0) {
            charset = html_charset(data, len, declared, sizeof declared);
        }
        if (!charset) {
            charset = plain_ascii(data, len)
                          ? "utf-8"
                          : ask(MAGIC_MIME_ENCODING, path, data, len);
        }
        if (!charset) {
            return NULL;
        }
        if (strcmp(charset, "binary") == 0 ||
            strcmp(charset, "unknown-8bit") == 0) {
            charset = NULL;
        }
    }
    r = malloc(n + (charset ? strlen(charset) + 11 : 0) + 1);
    if (!r) {
        pagec_error("out of memory");
        return NULL;
    }
    memcpy(r, type, n + 1);
    if (charset) {
        sprintf(r + n, "; charset=%s", charset);
    }
    return r;
}

void mime_close(void)
{
    if (cookie) {
        magic_close(cookie);
        cookie = NULL;
    }
    magic_failed[0] = '\0';
}
