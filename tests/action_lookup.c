/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * action_lookup.c - what a site compiled by pagec does with each request
 * target given: each KEY (PATH?QUERY, the path as the runtime hands it to
 * the matcher, percent-decoded) run through the runtime's own matcher,
 * pagec_site_lookup(), and what the node it ends at names. tests/cli.sh
 * compiles it with a site generated under the name checked_site and
 * compares what it prints with what the site's markers say.
 *
 * usage: action_lookup KEY...
 * Prints a line for each KEY: "action ID ARG PAGE" (PAGE the index of the
 * page served after it), "page PAGE", "none", or "bad VALUE" for a value
 * that names neither a page nor an action; then "actions N", the site's
 * count. Exit status 0.
 */
#include <stdio.h>
#include <string.h>

#include "pagec/pagec.h"

extern const PAGEC_ROM struct pagec_site checked_site;

int main(int argc, char **argv)
{
    const struct pagec_site *s = &checked_site;
    int i;

    for (i = 1; i < argc; i++) {
        uint16_t v = pagec_site_lookup(s, (const uint8_t *)argv[i],
                                       (uint16_t)strlen(argv[i]));

        if (v == PAGEC_NO_PAGE) {
            printf("none\n");
        } else if (v < s->npages) {
            printf("page %u\n", (unsigned)v);
        } else if (v - s->npages < s->nactions && s->actions) {
            const struct pagec_action *a = &s->actions[v - s->npages];

            printf("action %u %u %u\n", (unsigned)a->id, (unsigned)a->arg,
                   (unsigned)a->page);
        } else {
            printf("bad %u\n", (unsigned)v);
        }
    }
    printf("actions %u\n", (unsigned)s->nactions);
    return 0;
}
