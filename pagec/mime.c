/*
 * mime.c - the MIME type of a file: a built-in table of the extensions of
 * the web first, libmagic for files whose extension is missing or not in
 * the table.
 */
#include <magic.h>
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
static int cookie_failed;
/* libmagic's answers, kept until mime_close() */
static char **owned;
static size_t nowned;

static const char *from_magic(const char *path)
{
    const char *t;
    char *copy;
    char **v;

    if (!cookie && !cookie_failed) {
        cookie = magic_open(MAGIC_MIME_TYPE);
        if (cookie && magic_load(cookie, NULL) != 0) {
            pagec_error("libmagic: %s", magic_error(cookie));
            magic_close(cookie);
            cookie = NULL;
        }
        cookie_failed = !cookie;
    }
    if (!cookie) {
        return NULL;
    }
    t = magic_file(cookie, path);
    if (!t) {
        return NULL;
    }
    v = realloc(owned, (nowned + 1) * sizeof *owned);
    copy = strdup(t);
    if (!v || !copy) {
        free(copy);
        if (v) {
            owned = v;
        }
        return NULL;
    }
    owned = v;
    owned[nowned++] = copy;
    return copy;
}

const char *mime_type(const char *path)
{
    const char *base = strrchr(path, '/');
    const char *dot;
    const char *t;
    size_t i;

    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    if (dot && dot != base) {
        for (i = 0; i < sizeof table / sizeof table[0]; i++) {
            if (strcasecmp(dot + 1, table[i].ext) == 0) {
                return table[i].type;
            }
        }
    }
    t = from_magic(path);
    /* libmagic's inode/... names a kind of file, not a media type */
    return t && strncmp(t, "inode/", 6) != 0 ? t
                                              : "application/octet-stream";
}

void mime_close(void)
{
    size_t i;

    for (i = 0; i < nowned; i++) {
        free(owned[i]);
    }
    free(owned);
    owned = NULL;
    nowned = 0;
    if (cookie) {
        magic_close(cookie);
        cookie = NULL;
    }
    cookie_failed = 0;
}
