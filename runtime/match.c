/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * match.c - the request path matched a byte at a time against the radix
 * tree pagec generates (see struct pagec_node in pagec/site.h).
 */
#include "pagec/pagec.h"

#define FAILED 0xffffu

void pagec_match_init(struct pagec_match *m)
{
    m->node = 0;
    m->pos = 0;
}

void pagec_match_byte(const PAGEC_ROM struct pagec_site *site, struct pagec_match *m,
                      uint8_t c)
{
    const PAGEC_ROM struct pagec_node *n;
    uint16_t lo;
    uint16_t hi;

    if (m->pos == FAILED) {
        return;
    }
    n = &site->nodes[m->node];
    if (m->pos < n->label_len) {
        /* inside a label: one byte to compare */
        if (PAGEC_ROM_BYTE(site->labels + n->label + m->pos) == c) {
            m->pos++;
        } else {
            m->pos = FAILED;
        }
        return;
    }
    /* at a branch: the child whose label starts with c */
    lo = n->first_child;
    hi = (uint16_t)(n->first_child + n->nchild);
    while (lo < hi) {
        uint16_t mid = (uint16_t)(lo + (hi - lo) / 2);
        uint8_t first = PAGEC_ROM_BYTE(site->labels + site->nodes[mid].label);

        if (first == c) {
            m->node = mid;
            m->pos = 1;
            return;
        }
        if (first < c) {
            lo = (uint16_t)(mid + 1);
        } else {
            hi = mid;
        }
    }
    m->pos = FAILED;
}

uint16_t pagec_match_end(const PAGEC_ROM struct pagec_site *site,
                         const struct pagec_match *m)
{
    const PAGEC_ROM struct pagec_node *n;

    if (m->pos == FAILED) {
        return PAGEC_NO_PAGE;
    }
    n = &site->nodes[m->node];
    return m->pos == n->label_len ? n->page : PAGEC_NO_PAGE;
}

uint16_t pagec_site_lookup(const PAGEC_ROM struct pagec_site *site,
                           const uint8_t *path, uint16_t len)
{
    struct pagec_match m;
    uint16_t i;

    pagec_match_init(&m);
    for (i = 0; i < len; i++) {
        pagec_match_byte(site, &m, path[i]);
    }
    return pagec_match_end(site, &m);
}
