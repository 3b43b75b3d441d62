/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * error.c - how pagec reports a problem: "pagec: " and the message on
 * standard error; and names and values made printable for messages and
 * the report.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compiler.h"

/* One write for the whole line where it fits the buffer (standard error
 * is unbuffered), so that the lines of programs run in parallel by a
 * build do not cut into each other. */
void pagec_error(const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line + 7, sizeof line - 8, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof line - 8) {
        memcpy(line, "pagec: ", 7);
        line[7 + n] = '\n';
        fwrite(line, 1, (size_t)n + 8, stderr);
        return;
    }
    fputs("pagec: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Bytes of the UTF-8 sequence at p when it is a printable character: 1
 * for printable ASCII, 2 to 4 for a well-formed sequence (no overlong
 * form, no surrogate, at most U+10FFFF) of a character that is not a C1
 * control; 0 for anything else. */
static size_t utf8_char(const unsigned char *p)
{
    unsigned c = p[0];
    unsigned long cp;
    size_t n;
    size_t i;

    if (c >= 0x20 && c < 0x7f) {
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) { /* a NUL ends the loop: it is no 10xxxxxx */
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = cp << 6 | (p[i] & 0x3fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp <= 0x9f) {
        return 0;
    }
    return n;
}

size_t text_escape(char *out, size_t size, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t at = 0;
    size_t cols = 0;

    while (*p) {
        char esc[8];
        const char *w = esc;
        size_t n = utf8_char(p);
        size_t len;

        if (n && *p != '\\') {
            w = (const char *)p;
            len = n;
        } else {
            n = 1;
            if (*p == '\n' || *p == '\t' || *p == '\r' || *p == '\\') {
                esc[0] = '\\';
                esc[1] = *p == '\n' ? 'n' : *p == '\t' ? 't' : *p == '\r' ? 'r'
                                                                     : '\\';
                esc[2] = '\0';
            } else {
                snprintf(esc, sizeof esc, "\\x%02x", *p);
            }
            len = strlen(esc);
        }
        if (at + len >= size) {
            break;
        }
        memcpy(out + at, w, len);
        at += len;
        /* a character takes one column, an escape one a character */
        cols += w == esc ? len : 1;
        p += n;
    }
    if (size) {
        out[at] = '\0';
    }
    return cols;
}

const char *shown(const char *s)
{
    static char ring[4][600];
    static unsigned next;
    char *b = ring[next++ % 4];

    text_escape(b, sizeof ring[0], s);
    return b;
}
