/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reply_bytes.c - writes the TCP payload of one page's 200 reply, as a
 * site compiled by pagec holds it, to stdout: what a client would receive
 * for GET PATH. tests/cli.sh compiles it with a site generated under the
 * name checked_site and the runtime's matcher, and counts the bytes
 * itself, so that the sizes in pagec's messages are checked against the
 * bytes it would really send rather than against a second copy of its
 * header format.
 *
 * usage: reply_bytes PATH identity|gzip
 * Exit status 0, or 1 when the site has no such page or variant.
 */
#include <stdio.h>
#include <string.h>

#include "pagec/pagec.h"

extern const PAGEC_ROM struct pagec_site checked_site;

int main(int argc, char **argv)
{
    const struct pagec_page *pg;
    const struct pagec_tmpl *t;
    uint16_t page;
    uint16_t vi;

    if (argc != 3) {
        fprintf(stderr, "usage: reply_bytes PATH identity|gzip\n");
        return 2;
    }
    page = pagec_site_lookup(&checked_site, (const uint8_t *)argv[1],
                             (uint16_t)strlen(argv[1]));
    if (page == PAGEC_NO_PAGE) {
        fprintf(stderr, "reply_bytes: %s: no such page\n", argv[1]);
        return 1;
    }
    pg = &checked_site.pages[page];
    vi = strcmp(argv[2], "gzip") == 0 ? pg->gzip : pg->identity;
    if (vi == PAGEC_NO_PAGE || vi >= checked_site.nvariants) {
        fprintf(stderr, "reply_bytes: %s: no %s reply\n", argv[1], argv[2]);
        return 1;
    }
    t = &checked_site.variants[vi].get;
    if (t->len == 0 || t->hlen > t->len) {
        fprintf(stderr, "reply_bytes: %s: no %s reply\n", argv[1], argv[2]);
        return 1;
    }
    if (fwrite(t->pkt + (t->hlen - PAGEC_HDR_LEN), 1,
               (size_t)(t->len - t->hlen), stdout) !=
        (size_t)(t->len - t->hlen)) {
        return 1;
    }
    return 0;
}
