/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * large_site.c - writes the site of the large-reply tests into a folder.
 *
 * usage: large_site DIR
 *
 * The same bytes every run (a fixed seed), so that nothing large is kept
 * in the repository and the tests can compare what they fetch with the
 * files written here:
 *
 *   big.bin        65536 bytes from a seeded generator (no gzip form can
 *                  be smaller: the reply goes out identity-encoded, in
 *                  about 47 segments at MSS 1460 and 130 at MSS 536)
 *   settings.html  about 6 KB of HTML, a form of settings whose labels
 *                  are words drawn from a short list, each field with a
 *                  random key of 64 characters: gzip-compressed it is
 *                  still over 2 KB, longer than one segment
 *   check.html     a page whose script fetches /big.bin and
 *                  /settings.html and writes their lengths and every byte
 *                  in hexadecimal into the document, for a browser's
 *                  --dump-dom
 *   index.html     a small page that names the others
 *
 * Exit status 0, or 1 with a message when a file cannot be written.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG_LEN 65536u
#define SETTINGS_MIN 6000u /* bytes of rows before the form is closed */
#define KEY_LEN 64u        /* random characters of a field's key */
#define SEED UINT64_C(0x70616765632d6c67)

static uint64_t state;

/* SplitMix64: a fixed, well-mixed sequence from the seed. */
static uint64_t next(void)
{
    uint64_t x;

    state += UINT64_C(0x9e3779b97f4a7c15);
    x = state;
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

static const char *dir;

/* Opens DIR/name for writing, or exits 1. */
static FILE *create(const char *name)
{
    char path[4096];
    FILE *f;

    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) {
        fprintf(stderr, "large_site: %s/%s: path too long\n", dir, name);
        exit(1);
    }
    f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "large_site: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    return f;
}

static void done(FILE *f, const char *name)
{
    if (ferror(f) || fclose(f) != 0) {
        fprintf(stderr, "large_site: %s/%s: write error\n", dir, name);
        exit(1);
    }
}

static void big(void)
{
    FILE *f = create("big.bin");
    uint32_t i;

    state = SEED;
    for (i = 0; i < BIG_LEN; i += 8) {
        uint64_t x = next();
        int k;

        for (k = 0; k < 8; k++) {
            putc((int)(x >> (8 * k) & 0xff), f);
        }
    }
    done(f, "big.bin");
}

static void settings(void)
{
    static const char *const words[] = {
        "address", "gateway", "netmask", "server", "interval", "timeout",
        "channel", "power", "level", "mode", "sensor", "threshold", "alarm",
        "display", "contrast", "clock", "zone", "retry", "buffer", "output",
        "input", "relay", "pulse", "filter", "offset", "scale", "unit",
        "limit", "backup", "schedule", "port", "speed",
    };
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    FILE *f = create("settings.html");
    long n = 0;
    unsigned row = 0;

    state = SEED ^ UINT64_C(0x73657474696e6773);
    n += fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                    "<meta charset=\"utf-8\">\n<title>Settings</title>\n"
                    "</head>\n<body>\n<h1>Settings</h1>\n"
                    "<form method=\"get\" action=\"settings.html\">\n"
                    "<table>\n");
    while (n < (long)SETTINGS_MIN) {
        uint64_t x = next();
        const char *a = words[x & 31];
        const char *b = words[(x >> 5) & 31];
        char key[KEY_LEN + 1];
        unsigned k;

        for (k = 0; k < KEY_LEN; k += 8) {
            uint64_t r = next();
            unsigned j;

            for (j = 0; j < 8; j++) {
                key[k + j] = b64[r >> (6 * j) & 63];
            }
        }
        key[KEY_LEN] = '\0';
        n += fprintf(f, "<tr><td><label for=\"s%u\">%s %s</label></td>"
                        "<td><input id=\"s%u\" name=\"%s_%s\" "
                        "value=\"%u\" data-key=\"%s\"></td></tr>\n",
                     row, a, b, row, a, b, (unsigned)(x >> 32) % 100000u, key);
        row++;
    }
    fprintf(f, "</table>\n<p><button>Save</button></p>\n</form>\n"
               "</body>\n</html>\n");
    done(f, "settings.html");
}

static void check(void)
{
    FILE *f = create("check.html");

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n<title>Check</title>\n</head>\n<body>\n"
          "<pre id=\"big\">wait</pre>\n<pre id=\"settings\">wait</pre>\n"
          "<script>\n"
          "function hex(b) {\n"
          "  const u = new Uint8Array(b), d = '0123456789abcdef';\n"
          "  const s = new Array(u.length);\n"
          "  for (let i = 0; i < u.length; i++)\n"
          "    s[i] = d[u[i] >> 4] + d[u[i] & 15];\n"
          "  return s.join('');\n"
          "}\n"
          "function show(path, id) {\n"
          "  fetch(path, {cache: 'no-store'}).then(r => r.arrayBuffer().then(b => {\n"
          "    document.getElementById(id).textContent = 'status=' + r.status +\n"
          "      ' len=' + b.byteLength + ' hex=' + hex(b);\n"
          "  })).catch(e => {\n"
          "    document.getElementById(id).textContent = 'error=' + e;\n"
          "  });\n"
          "}\n"
          "show('/big.bin', 'big');\n"
          "show('/settings.html', 'settings');\n"
          "</script>\n</body>\n</html>\n",
          f);
    done(f, "check.html");
}

static void index_page(void)
{
    FILE *f = create("index.html");

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n<title>Large replies</title>\n"
          "</head>\n<body>\n<h1>Large replies</h1>\n<ul>\n"
          "<li><a href=\"big.bin\">big.bin</a>, 64 KiB</li>\n"
          "<li><a href=\"settings.html\">settings</a></li>\n"
          "<li><a href=\"check.html\">check</a></li>\n"
          "</ul>\n</body>\n</html>\n",
          f);
    done(f, "index.html");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: large_site DIR\n", stderr);
        return 2;
    }
    dir = argv[1];
    big();
    settings();
    check();
    index_page();
    return 0;
}
