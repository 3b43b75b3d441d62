/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * report.c - the fit report: every page, its encodings, how much of the
 * segment each takes, and what the site costs in ROM.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "compiler.h"
#include "pagec/site.h"

/* Sizes of the generated tables' structs on a 32-bit target (4-byte
 * pointers, 4-byte alignment): the report's estimate of their ROM. */
#define TMPL_SIZE 12u
#define VARIANT_SIZE (2u * TMPL_SIZE)
#define PAGE_SIZE 4u
#define NODE_SIZE 10u
#define PORT_SIZE 4u
#define LIVE_SIZE 6u
#define FIELD_SIZE 4u
#define ACTION_SIZE 6u
#define LARGE_SIZE 16u
#define SITE_SIZE (72u + 4u * TMPL_SIZE)

/* A path as the report shows it: "/" and the name, made printable
 * (text_escape()), in a buffer of its own that the next call reuses;
 * *cols gets the columns it takes. A name is at most PATH_MAX bytes, and
 * an escape four times the byte it stands for. */
static const char *shown_path(const char *rel, size_t *cols)
{
    static char out[4 * (PATH_MAX + 1) + 1];

    out[0] = '/';
    *cols = 1 + text_escape(out + 1, sizeof out - 1, rel);
    return out;
}

/* s, which takes cols columns, then spaces to make w, and the two that
 * separate the columns. */
static void cell(FILE *f, const char *s, size_t cols, size_t w)
{
    fputs(s, f);
    for (; cols < w; cols++) {
        fputc(' ', f);
    }
    fputs("  ", f);
}

/* The names of the actions of pg, as "a, b" (each once, in the order of
 * their markers), in buf, cut short with "..." to fit size. */
static void action_names_of(const struct page *pg, char *buf, size_t size)
{
    size_t at = 0;
    size_t i;
    size_t k;

    buf[0] = '\0';
    for (i = 0; i < pg->nactions; i++) {
        const char *name = pg->actions[i].name;
        size_t n = strlen(name);
        size_t sep = at ? 2 : 0;

        for (k = 0; k < i && strcmp(pg->actions[k].name, name) != 0; k++) {
        }
        if (k < i) {
            continue;
        }
        if (at + sep + n + 6 > size) { /* room for ", ..." and the NUL */
            memcpy(buf + at, at ? ", ..." : "...", at ? 6 : 4);
            return;
        }
        memcpy(buf + at, ", ", sep);
        memcpy(buf + at + sep, name, n + 1);
        at += sep + n;
    }
}

/* The segments of an MSS class m (at most the site's mss) a variant's
 * 200 reply takes, as "S", or "-" when the grid does not fit m. */
static void segs(char *buf, size_t size, const struct output *o,
                 const struct variant *v, unsigned m)
{
    size_t n;

    if (m > o->opt->mss) {
        m = o->opt->mss;
    }
    n = reply_segments(v->data_len, m, o->block, v->large);
    if (n) {
        snprintf(buf, size, "%zu", n);
    } else {
        snprintf(buf, size, "-");
    }
}

/* A row of an encoding; a live page's says so and names its fields, a
 * page with actions names them. */
static void row(FILE *f, const struct output *o, size_t w, const char *path,
                size_t cols, int tw, const char *type, const char *size,
                const struct variant *v, const char *enc,
                const struct page *live)
{
    unsigned mss = o->opt->mss;
    char names[64];
    char eth[24];
    char slip[24];
    char both[56];

    segs(eth, sizeof eth, o, v, PAGEC_MSS_ETHERNET);
    segs(slip, sizeof slip, o, v, PAGEC_MSS_SLIP);
    snprintf(both, sizeof both, "%s/%s", eth, slip);
    cell(f, path, cols, w);
    fprintf(f, "%-*s %7s  %-8s %7zu %8zu %8s %5zu%%", tw, type, size, enc,
            v->body_len, v->data_len, both, percent_of(v->data_len, mss));
    if (live && live->nfields) {
        live_names_of(live, names, sizeof names);
        fprintf(f, "  live: %s", names);
    }
    if (live && live->nactions) {
        action_names_of(live, names, sizeof names);
        fprintf(f, "  actions: %s", names);
    }
    fputc('\n', f);
}

/* The bytes a variant stores: its 200 reply's, and its HEAD form's when
 * it has bytes of its own. */
static size_t stored(const struct variant *v)
{
    size_t n = v->ok.get.len - PAGEC_HDR_LEN;

    if (v->ok.head.data) {
        n += v->ok.head.len - PAGEC_HDR_LEN;
    }
    return n;
}

void report_site(const struct output *o, FILE *f)
{
    const struct site *s = o->site;
    unsigned mss = o->opt->mss;
    /* the bytes stored: each datagram but the header all share */
    size_t templates = o->syn_ack.len + o->ack.len + o->rst.len +
                       o->status.len - 4u * PAGEC_HDR_LEN;
    size_t tables = SITE_SIZE + s->npages * PAGE_SIZE +
                    o->nvariants * VARIANT_SIZE +
                    o->opt->nports * PORT_SIZE + o->nlive * LIVE_SIZE +
                    o->nfields * FIELD_SIZE + o->nactions * ACTION_SIZE +
                    o->nlarge * LARGE_SIZE;
    size_t sums = 0;
    size_t fit = 0;
    size_t redirects = 0;
    size_t w = 4;
    int tw = 28; /* the type column: types are ASCII */
    size_t i;

    /* the path column as wide as the widest path, up to 40 columns:
     * names are counted in characters, so that UTF-8 names line up
     * (wide characters, which take two columns, excepted) */
    for (i = 0; i < s->npages; i++) {
        size_t cols;

        shown_path(s->pages[i].rel, &cols);
        if (cols > w) {
            w = cols > 40 ? 40 : cols;
        }
        if (s->pages[i].mime && strlen(s->pages[i].mime) > (size_t)tw &&
            strlen(s->pages[i].mime) <= 80) {
            tw = (int)strlen(s->pages[i].mime);
        }
    }
    for (i = 0; o->large && i < o->nlarge; i++) { /* none when it failed */
        sums += o->large[i]->nsums * 2u;
    }
    cell(f, "path", 4, w);
    fprintf(f, "%-*s %7s  %-8s %7s %8s %8s %6s\n", tw, "type", "file",
            "encoding", "encoded", "TCP data", "segments", "limit");
    for (i = 0; i < s->npages; i++) {
        const struct page *pg = &s->pages[i];
        size_t cols;
        const char *p = shown_path(pg->rel, &cols);
        char size[24];
        char to[96];

        snprintf(size, sizeof size, "%llu", (unsigned long long)pg->size);
        if (pg->location) {
            redirects++;
            fit++;
            snprintf(to, sizeof to, "301 to %s", pg->location);
            row(f, o, w, p, cols, tw, to, "-", &pg->id, "identity", NULL);
            templates += stored(&pg->id);
            continue;
        }
        if (pg->fails || (!pg->id.present && !pg->gz.present)) {
            cell(f, p, cols, w);
            fprintf(f, "%-*s %7s  does not fit\n", tw,
                    pg->mime ? pg->mime : "?", size);
            continue;
        }
        fit++;
        if (pg->id.present) {
            row(f, o, w, p, cols, tw, pg->mime, size, &pg->id, "identity",
                pg);
            templates += stored(&pg->id);
        }
        if (pg->gz.present) {
            int first = !pg->id.present;

            row(f, o, w, first ? p : "", first ? cols : 0, tw,
                first ? pg->mime : "", first ? size : "", &pg->gz, "gzip",
                first ? pg : NULL);
            templates += stored(&pg->gz);
        }
    }
    if (fit == s->npages) {
        tables += o->tree.nnodes * NODE_SIZE + o->tree.nlabels;
        fprintf(f, "\n%zu pages", s->npages - redirects);
        if (redirects) {
            fprintf(f, " and %zu folder redirect%s", redirects,
                    redirects > 1 ? "s" : "");
        }
        if (o->nactions) {
            fprintf(f, ", %zu action%s", o->nactions,
                    o->nactions > 1 ? "s" : "");
        }
        if (o->nlarge) {
            fprintf(f,
                    ", MSS %u, %zu large repl%s (blocks of %u bytes); ROM: "
                    "templates %zu bytes, sums %zu bytes, tables %zu bytes "
                    "(32-bit target), total %zu bytes\n",
                    mss, o->nlarge, o->nlarge > 1 ? "ies" : "y", o->block,
                    templates, sums, tables, templates + sums + tables);
        } else {
            fprintf(f,
                    ", limit %u bytes of TCP data; ROM: templates %zu bytes, "
                    "tables %zu bytes (32-bit target), total %zu bytes\n",
                    mss, templates, tables, templates + tables);
        }
    } else if (o->opt->max_segments > 1) {
        fprintf(f, "\n%zu of %zu pages fit in %u segments of MSS %u\n",
                fit - redirects, s->npages - redirects,
                o->opt->max_segments, mss);
    } else {
        fprintf(f, "\n%zu of %zu pages fit in %u bytes of TCP data\n",
                fit - redirects, s->npages - redirects, mss);
    }
}
