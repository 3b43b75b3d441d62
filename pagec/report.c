/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * report.c - the fit report: every page, its encodings, how much of the
 * segment each takes, and what the site costs in ROM.
 */
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
#define SITE_SIZE (48u + 4u * TMPL_SIZE)

static void row(FILE *f, int w, const char *path, const char *type,
                const char *size, const struct variant *v, const char *enc,
                unsigned mss)
{
    fprintf(f, "%-*s  %-28s %7s  %-8s %7zu %8zu %5zu%%\n", w, path, type,
            size, enc, v->body_len, v->data_len,
            percent_of(v->data_len, mss));
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
                    o->opt->nports * PORT_SIZE;
    size_t fit = 0;
    int w = 4;
    size_t i;

    for (i = 0; i < s->npages; i++) {
        int n = (int)strlen(s->pages[i].rel) + 1;

        w = n > w ? (n > 40 ? 40 : n) : w;
    }
    fprintf(f, "%-*s  %-28s %7s  %-8s %7s %8s %6s\n", w, "path", "type",
            "file", "encoding", "encoded", "TCP data", "limit");
    for (i = 0; i < s->npages; i++) {
        const struct page *pg = &s->pages[i];
        char path[4096];
        char size[24];

        snprintf(path, sizeof path, "/%s", pg->rel);
        snprintf(size, sizeof size, "%llu", (unsigned long long)pg->size);
        if (!pg->id.present && !pg->gz.present) {
            fprintf(f, "%-*s  %-28s %7s  does not fit\n", w, path,
                    pg->mime ? pg->mime : "?", size);
            continue;
        }
        fit++;
        if (pg->id.present) {
            row(f, w, path, pg->mime, size, &pg->id, "identity", mss);
            templates += pg->id.ok.get.len - PAGEC_HDR_LEN;
        }
        if (pg->gz.present) {
            row(f, w, pg->id.present ? "" : path,
                pg->id.present ? "" : pg->mime, pg->id.present ? "" : size,
                &pg->gz, "gzip", mss);
            templates += pg->gz.ok.get.len - PAGEC_HDR_LEN;
        }
    }
    if (fit == s->npages) {
        tables += o->tree.nnodes * NODE_SIZE + o->tree.nlabels;
        fprintf(f,
                "\n%zu pages, limit %u bytes of TCP data; ROM: templates "
                "%zu bytes, tables %zu bytes (32-bit target), total %zu "
                "bytes\n",
                s->npages, mss, templates, tables, templates + tables);
    } else {
        fprintf(f, "\n%zu of %zu pages fit in %u bytes of TCP data\n", fit,
                s->npages, mss);
    }
}
