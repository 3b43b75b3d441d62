/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tree.c - the radix tree the runtime matches request paths against, a
 * byte at a time (struct pagec_node in pagec/site.h). Nodes are laid out
 * breadth first, so that the children of a node are consecutive and can
 * be searched by their first byte. An action's target PATH?QUERY is a path
 * as any other, whose page is npages + its index.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

struct path {
    char *s;
    size_t len;
    size_t page;
};

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct path *)a)->s, ((const struct path *)b)->s);
}

/* Every path a page is served under and the target of each of the na
 * actions of acts, sorted; NULL when out of memory. */
static struct path *paths_of(const struct site *s,
                             const struct site_action *acts, size_t na,
                             size_t *n)
{
    struct path *v = calloc(s->npages * 2 + na + 1, sizeof *v);
    size_t i;
    size_t k = 0;

    if (!v) {
        return NULL;
    }
    for (i = 0; i < s->npages; i++) {
        const char *rel = s->pages[i].rel;
        const char *base = strrchr(rel, '/');
        size_t len = strlen(rel);

        base = base ? base + 1 : rel;
        v[k].s = malloc(len + 2);
        if (!v[k].s) {
            goto fail;
        }
        v[k].s[0] = '/';
        memcpy(v[k].s + 1, rel, len + 1);
        v[k].len = len + 1;
        v[k++].page = i;
        if (strcmp(base, "index.html") == 0) {
            size_t dir = (size_t)(base - rel); /* with its trailing '/' */

            v[k].s = malloc(dir + 2);
            if (!v[k].s) {
                goto fail;
            }
            v[k].s[0] = '/';
            memcpy(v[k].s + 1, rel, dir);
            v[k].s[dir + 1] = '\0';
            v[k].len = dir + 1;
            v[k++].page = i;
        }
    }
    for (i = 0; i < na; i++) {
        v[k].s = strdup(acts[i].a->target);
        if (!v[k].s) {
            goto fail;
        }
        v[k].len = strlen(v[k].s);
        v[k++].page = s->npages + i;
    }
    qsort(v, k, sizeof *v, by_path);
    *n = k;
    return v;
fail:
    while (k--) {
        free(v[k].s);
    }
    free(v);
    return NULL;
}

static size_t common(const struct path *a, const struct path *b)
{
    size_t i = 0;

    while (i < a->len && i < b->len && a->s[i] == b->s[i]) {
        i++;
    }
    return i;
}

/* The part of the paths a node stands for, while the tree is built. */
struct span {
    size_t lo, hi;  /* paths [lo, hi) */
    size_t depth;   /* bytes of them the node and its ancestors consume */
};

/* Where the path p is declared: its file, or the file of its action. */
static const char *source_of(const struct site *s,
                             const struct site_action *acts,
                             const struct path *p)
{
    if (p->page < s->npages) {
        return s->pages[p->page].src;
    }
    return s->pages[acts[p->page - s->npages].page].src;
}

int tree_build(const struct site *s, const struct site_action *acts,
               size_t na, struct tree *t)
{
    size_t np = 0;
    struct path *p = paths_of(s, acts, na, &np);
    struct span *span = NULL;
    size_t cap = 2 * np + 2;
    size_t k;
    int rc = -1;

    memset(t, 0, sizeof *t);
    if (!p) {
        pagec_error("out of memory");
        return -1;
    }
    for (k = 1; k < np; k++) {
        if (strcmp(p[k - 1].s, p[k].s) == 0) {
            pagec_error("%s and %s are both served as %s",
                        source_of(s, acts, &p[k - 1]),
                        source_of(s, acts, &p[k]), p[k].s);
            goto out;
        }
    }
    t->nodes = calloc(cap, sizeof *t->nodes);
    span = calloc(cap, sizeof *span);
    for (k = 0; k < np; k++) {
        t->nlabels += p[k].len;
    }
    t->labels = malloc(t->nlabels + 1);
    if (!t->nodes || !span || !t->labels || cap > 0xffff) {
        pagec_error(cap > 0xffff ? "too many paths for the matcher"
                                 : "out of memory");
        goto out;
    }
    t->nlabels = 0;
    t->nnodes = 1;
    span[0].lo = 0;
    span[0].hi = np;
    span[0].depth = 0;
    for (k = 0; k < t->nnodes; k++) {
        struct tree_node *n = &t->nodes[k];
        size_t lo = span[k].lo;
        size_t hi = span[k].hi;
        size_t d = span[k].depth;

        n->page = 0xffff;
        if (lo < hi && p[lo].len == d) {
            n->page = (uint16_t)p[lo++].page; /* the shortest comes first */
        }
        n->first_child = (uint16_t)t->nnodes;
        while (lo < hi) {
            size_t end = lo + 1;
            size_t l;
            struct tree_node *c = &t->nodes[t->nnodes];

            while (end < hi && p[end].s[d] == p[lo].s[d]) {
                end++;
            }
            l = common(&p[lo], &p[end - 1]);
            c->label = (uint32_t)t->nlabels;
            c->label_len = (uint16_t)(l - d);
            memcpy(t->labels + t->nlabels, p[lo].s + d, l - d);
            t->nlabels += l - d;
            span[t->nnodes].lo = lo;
            span[t->nnodes].hi = end;
            span[t->nnodes].depth = l;
            t->nnodes++;
            n->nchild++;
            lo = end;
        }
    }
    rc = 0;
out:
    for (k = 0; k < np; k++) {
        free(p[k].s);
    }
    free(p);
    free(span);
    if (rc != 0) {
        tree_free(t);
    }
    return rc;
}

void tree_free(struct tree *t)
{
    free(t->nodes);
    free(t->labels);
    memset(t, 0, sizeof *t);
}

long tree_lookup(const struct tree *t, const char *path)
{
    size_t node = 0;
    size_t pos = 0;

    for (; *path; path++) {
        const struct tree_node *n = &t->nodes[node];
        size_t i;

        if (pos < n->label_len) {
            if (t->labels[n->label + pos] != (uint8_t)*path) {
                return -1;
            }
            pos++;
            continue;
        }
        for (i = n->first_child; i < (size_t)n->first_child + n->nchild;
             i++) {
            if (t->labels[t->nodes[i].label] == (uint8_t)*path) {
                break;
            }
        }
        if (i == (size_t)n->first_child + n->nchild) {
            return -1;
        }
        node = i;
        pos = 1;
    }
    if (pos != t->nodes[node].label_len || t->nodes[node].page == 0xffff) {
        return -1;
    }
    return t->nodes[node].page;
}
