/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * emit.c - write a compiled site as C: OUT.c with the templates and tables,
 * OUT.h with the declaration. Both go to temporary files first and are
 * renamed into place only when everything was written.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <magic.h>
#include <zlib.h>

#include "compiler.h"
#include "pagec/chksum.h"
#include "pagec/site.h"

/* Writes s inside a C comment, so that no byte of it can end the comment
 * or leave the comment's line. */
static void comment_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '*' && s[1] == '/') {
            fputs("*\\", f); /* "*\/" cannot end the comment */
        } else if (c == '/' && s[1] == '*') {
            fputs("/\\", f); /* nor "/\*" open a nested one */
        } else if (c < 0x20 || c >= 0x7f) {
            fputc('?', f);
        } else {
            fputc(c, f);
        }
    }
}

/*
 * The generated C keeps every datagram in one array, pagec_data, written
 * as string literals (which compilers read far faster than lists of
 * numbers): printable ASCII as it is, other bytes as three-digit octal
 * escapes (which, unlike hex escapes, cannot run into a following digit).
 * The templates point into it.
 */
struct blob {
    FILE *f;
    size_t len;  /* bytes written so far: the next datagram's offset */
    size_t col;  /* columns of the current line */
};

/* Writes bytes into the open literal, breaking lines after a line feed
 * and at about 76 columns. */
static void blob_bytes(struct blob *b, const uint8_t *p, size_t n)
{
    char buf[8];
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = p[i];
        size_t w;

        if (c == '"' || c == '\\') {
            buf[0] = '\\';
            buf[1] = (char)c;
            w = 2;
        } else if (c >= 0x20 && c < 0x7f && c != '?') {
            buf[0] = (char)c;
            w = 1;
        } else if (c == '\r' || c == '\n') {
            buf[0] = '\\';
            buf[1] = c == '\r' ? 'r' : 'n';
            w = 2;
        } else {
            snprintf(buf, sizeof buf, "\\%03o", c);
            w = 4;
        }
        if (b->col == 0) {
            fputs("    \"", b->f);
            b->col = 5;
        }
        fwrite(buf, 1, w, b->f);
        b->col += w;
        if (c == '\n' || b->col >= 76) {
            fputs("\"\n", b->f);
            b->col = 0;
        }
    }
    b->len += n;
}

static void blob_end_line(struct blob *b)
{
    if (b->col) {
        fputs("\"\n", b->f);
        b->col = 0;
    }
}

/* The HTTP header of the reply in p as text in a comment, a line each. */
static void header_comment(FILE *f, const struct packet *p)
{
    const char *h = (const char *)p->data + p->hlen;
    size_t n = p->len - p->hlen;
    size_t i = 0;

    while (i < n) {
        size_t e = i;
        char line[1024];

        while (e < n && h[e] != '\r') {
            e++;
        }
        if (e == i) {
            break; /* the blank line */
        }
        snprintf(line, sizeof line, "%.*s", (int)(e - i), h + i);
        fputs("     * ", f);
        comment_text(f, line);
        fputs("\n", f);
        i = e + 2;
    }
}

/* Adds the bytes of datagram p after its first PAGEC_HDR_LEN, which every
 * reply shares (pagec/site.h), with a comment saying what it is (the
 * page's path and type, when path is not NULL); returns their offset. A
 * datagram without more bytes adds nothing. A large reply too long for
 * one datagram (split) is said to be one. */
static size_t blob_packet(struct blob *b, const char *what, const char *path,
                          const char *type, const struct packet *p, int http,
                          int split)
{
    size_t at = b->len;

    if (p->len <= PAGEC_HDR_LEN) {
        return at;
    }
    blob_end_line(b);
    fprintf(b->f, "    /* %zu: ", at);
    if (path) {
        comment_text(b->f, path);
        fputs(": ", b->f);
        comment_text(b->f, type);
        fputs(", ", b->f);
    }
    if (split) {
        fprintf(b->f, "%s, %zu bytes of TCP data sent in several segments",
                what, p->len - p->hlen);
    } else {
        fprintf(b->f, "%s, a %zu-byte datagram", what, p->len);
    }
    if (http) {
        fputs(":\n", b->f);
        header_comment(b->f, p);
        fputs("     */\n", b->f);
    } else {
        fputs(" */\n", b->f);
    }
    /* TCP options, on a line of their own, then the TCP data */
    blob_bytes(b, p->data + PAGEC_HDR_LEN, p->hlen - PAGEC_HDR_LEN);
    blob_end_line(b);
    blob_bytes(b, p->data + p->hlen, p->len - p->hlen);
    return at;
}

/* A struct pagec_tmpl initializer for p, whose bytes are at pagec_data +
 * at. */
static void tmpl(FILE *f, const char *indent, size_t at, const struct packet *p)
{
    fprintf(f,
            "{\n%s    .pkt = pagec_data + %zu, .len = %zu, .hlen = %zu,\n"
            "%s    .ip_sum = 0x%04x, .tcp_sum = 0x%04x,\n%s}",
            indent, at, p->len, p->hlen, indent,
            pagec_chksum_fold(p->ip_sum), pagec_chksum_fold(p->tcp_sum),
            indent);
}

/* The template of a large reply too long for one segment (pagec/site.h):
 * its bytes at pagec_data + at, length 0xffff, no sums. */
static void tmpl_split(FILE *f, const char *indent, size_t at, size_t v)
{
    fprintf(f,
            "{ /* sent in segments: pagec_large[%zu] */\n"
            "%s    .pkt = pagec_data + %zu, .len = 0xffff, .hlen = %d,\n"
            "%s    .ip_sum = 0, .tcp_sum = 0,\n%s}",
            v - 1, indent, at, PAGEC_HDR_LEN, indent, indent);
}

static int by_port(const void *a, const void *b)
{
    const struct port_opt *x = a;
    const struct port_opt *y = b;

    return (x->port > y->port) - (x->port < y->port);
}

int share_labels(const struct tree *t, size_t *off, uint8_t **labels,
                        size_t *nlabels)
{
    size_t cap = 1;
    size_t *slot;
    size_t i;

    while (cap < t->nnodes * 2 + 2) {
        cap *= 2;
    }
    slot = malloc(cap * sizeof *slot);
    *labels = malloc(t->nlabels + 1);
    if (!slot || !*labels) {
        free(slot);
        free(*labels);
        *labels = NULL;
        return -1;
    }
    for (i = 0; i < cap; i++) {
        slot[i] = (size_t)-1;
    }
    *nlabels = 0;
    for (i = 0; i < t->nnodes; i++) {
        const struct tree_node *n = &t->nodes[i];
        const uint8_t *s = t->labels + n->label;
        size_t h = 5381;
        size_t k;

        for (k = 0; k < n->label_len; k++) {
            h = h * 33 + s[k];
        }
        h = (h * 33 + n->label_len) & (cap - 1);
        for (;;) {
            const struct tree_node *m;

            if (slot[h] == (size_t)-1) {
                slot[h] = i;
                off[i] = *nlabels;
                memcpy(*labels + *nlabels, s, n->label_len);
                *nlabels += n->label_len;
                break;
            }
            m = &t->nodes[slot[h]];
            if (m->label_len == n->label_len &&
                memcmp(t->labels + m->label, s, n->label_len) == 0) {
                off[i] = off[slot[h]];
                break;
            }
            h = (h + 1) & (cap - 1);
        }
    }
    free(slot);
    return 0;
}

/* The variant index of a page's encoding, for pagec_pages. */
static void variant_ref(FILE *f, const char *name, const struct variant *v)
{
    if (v->present) {
        fprintf(f, ".%s = %zu", name, v->index);
    } else {
        fprintf(f, ".%s = PAGEC_NO_PAGE", name);
    }
}

/* The live fields of every live page (pagec(1), "Live fields"): the
 * fields in the order of the pages, each page's in the order of their
 * offsets, and a table of the pages in the order of their variants (which
 * is theirs). None when the site has no live page. */
static void write_live(FILE *f, const struct output *o)
{
    const struct site *s = o->site;
    size_t first = 0;
    size_t i;
    size_t k;

    if (!o->nfields) {
        return;
    }
    fputs("/* The live fields of each live page's 200 reply: where each is "
          "in its\n * template, how wide, and the id of what it shows "
          "(NAME_LIVE_<value>\n * in the site's header). */\n"
          "static const PAGEC_ROM struct pagec_field pagec_fields[] = {\n",
          f);
    for (i = 0; i < s->npages; i++) {
        const struct page *pg = &s->pages[i];

        for (k = 0; k < pg->nfields; k++) {
            const struct live_field *lf = &pg->fields[k];

            fprintf(f, "    [%zu] = {.at = %zu, .width = %u, .id = %u}, "
                    "/* /", first + k, lf->at, lf->width, lf->id);
            comment_text(f, pg->rel);
            fprintf(f, ": %s */\n", lf->name);
        }
        first += pg->nfields;
    }
    fputs("};\n\n", f);
    fputs("/* The live pages, sorted by variant: the fields of each. */\n"
          "static const PAGEC_ROM struct pagec_live pagec_live[] = {\n", f);
    first = 0;
    for (i = 0; i < s->npages; i++) {
        const struct page *pg = &s->pages[i];
        char names[200];

        if (!pg->nfields) {
            continue;
        }
        live_names_of(pg, names, sizeof names);
        fprintf(f, "    {.variant = %zu, .first = %zu, .count = %zu}, /* /",
                pg->id.index, first, pg->nfields);
        comment_text(f, pg->rel);
        fprintf(f, ": %s */\n", names);
        first += pg->nfields;
    }
    fputs("};\n\n", f);
}

/* The actions (pagec(1), "Actions"), in the order of their targets: the
 * path tree's page npages + k names action k. None when the site has
 * none. */
static void write_actions(FILE *f, const struct output *o)
{
    const struct site *s = o->site;
    size_t i;

    if (!o->nactions) {
        return;
    }
    fprintf(f, "/* The actions, sorted by target: the path tree's page "
            "%zu + k is action k.\n * Each runs the driver's callback with "
            "its id (NAME_ACTION_<name> in the\n * site's header) and "
            "argument, then its page is the reply. */\n"
            "static const PAGEC_ROM struct pagec_action pagec_actions[] = "
            "{\n", s->npages);
    for (i = 0; i < o->nactions; i++) {
        const struct site_action *sa = &o->actions[i];

        fprintf(f, "    [%zu] = {.page = %zu, .arg = %u, .id = %u}, /* ", i,
                sa->page, sa->a->arg, sa->a->id);
        comment_text(f, sa->a->target);
        fprintf(f, ": %s %u, then /", sa->a->name, sa->a->arg);
        comment_text(f, s->pages[sa->page].rel);
        fputs(" */\n", f);
    }
    fputs("};\n\n", f);
}

/* Adds the bytes of one encoding of a page (k: 0 identity, 1 gzip) to
 * the blob: its 200 reply, then its HEAD form when that has bytes of its
 * own (reply_even()); *at and *head_at get their offsets. */
static void blob_variant(struct blob *b, const struct output *o,
                         const struct page *pg, const char *path,
                         const struct variant *v, int k, size_t *at,
                         size_t *head_at)
{
    unsigned mss = o->opt->mss;
    const char *type = pg->location ? "the folder's redirect" : pg->mime;
    char what[160];
    size_t n = 0;

    if (k) {
        n = (size_t)snprintf(what, sizeof what, "gzip (%llu bytes as a "
                             "file)",
                             (unsigned long long)pg->size);
    } else if (!pg->location) {
        n = (size_t)snprintf(what, sizeof what, "identity");
    }
    if (!variant_split(v, mss)) {
        snprintf(what + n, sizeof what - n, "%s%zu%% of %u", n ? ", " : "",
                 percent_of(v->data_len, mss), mss);
    }
    if (v->large) {
        n = strlen(what);
        snprintf(what + n, sizeof what - n, ", large reply %zu", v->large);
    }
    *at = blob_packet(b, what, path, type, &v->ok.get, 1,
                      variant_split(v, mss));
    *head_at = *at;
    if (v->ok.head.data) {
        *head_at = blob_packet(b, "its HEAD and 304 form: its header with "
                               "one space more, so as to be even",
                               path, type, &v->ok.head, 1, 0);
    }
}

/* The large replies (pagec/site.h), in the order of their variants: the
 * sums of each on its grid, and the table. None when the site has none.
 * at[k][page] is the offset of a variant's 200 reply in pagec_data. */
static void write_large(FILE *f, const struct output *o, size_t *const at[2])
{
    const struct site *s = o->site;
    size_t i;
    size_t k;

    if (!o->nlarge) {
        return;
    }
    fprintf(f, "/* The sums of each large reply: the partial sum of its "
            "TCP data up to each\n * point of its grid, 0, 2v + %uk while "
            "below its length, and its length. */\n", o->block);
    for (i = 0; i < o->nlarge; i++) {
        const struct variant *v = o->large[i];

        fprintf(f, "static const PAGEC_ROM uint16_t pagec_sums_%zu[%zu] = "
                "{", i + 1, v->nsums);
        for (k = 0; k < v->nsums; k++) {
            fprintf(f, "%s0x%04x,", k % 8 ? " " : "\n    ", v->sums[k]);
        }
        fputs("\n};\n", f);
    }
    fprintf(f, "\n/* The large replies, sorted by variant: reply v is "
            "pagec_large[v - 1], cut\n * on a grid of blocks of %u bytes "
            "at offsets 2v modulo %u. */\n"
            "static const PAGEC_ROM struct pagec_large pagec_large[] = {\n",
            o->block, o->block);
    for (i = 0; i < o->nlarge; i++) {
        const struct variant *v = o->large[i];

        for (k = 0; k < s->npages; k++) {
            const struct page *pg = &s->pages[k];
            int gz = v == &pg->gz;

            if (v != &pg->id && !gz) {
                continue;
            }
            fprintf(f, "    [%zu] = {.data = pagec_data + %zu, .sums = "
                    "pagec_sums_%zu, .len = %zu,\n"
                    "           .variant = %zu}, /* /",
                    i, at[gz][k], i + 1, v->data_len, v->index);
            comment_text(f, pg->rel);
            fprintf(f, ", %s, v = %zu */\n", gz ? "gzip" : "identity",
                    i + 1);
            break;
        }
    }
    fputs("};\n\n", f);
}

static int write_c(FILE *f, const struct output *o, const char *h_base,
                   const struct tree *t)
{
    const struct options *opt = o->opt;
    const struct site *s = o->site;
    const struct {
        const char *name;
        const char *what;
        const struct packet *p;
    } control[] = {
        {"syn_ack", "SYN-ACK with MSS option", &o->syn_ack},
        {"ack", "ACK", &o->ack},
        {"rst", "RST|ACK", &o->rst},
        {"status",
         "the error reply, sent as 400, 404, 405, 406, 501, 503 or 505",
         &o->status},
    };
    size_t control_at[4];
    size_t *at[2];
    size_t *head_at[2];
    size_t *label_off = calloc(t->nnodes + 1, sizeof *label_off);
    uint8_t *labels = NULL;
    size_t nlabels = 0;
    struct port_opt *ports = NULL;
    struct blob b = {f, 0, 0};
    size_t i;
    int rc = -1;

    at[0] = calloc(s->npages + 1, sizeof *at[0]);
    at[1] = calloc(s->npages + 1, sizeof *at[1]);
    head_at[0] = calloc(s->npages + 1, sizeof *head_at[0]);
    head_at[1] = calloc(s->npages + 1, sizeof *head_at[1]);
    if (!at[0] || !at[1] || !head_at[0] || !head_at[1] || !label_off ||
        share_labels(t, label_off, &labels, &nlabels) != 0 ||
        (opt->nports &&
         !(ports = malloc(opt->nports * sizeof *ports)))) {
        pagec_error("out of memory");
        goto out;
    }
    if (nlabels > 0xffff) {
        pagec_error("the paths of the site take %zu bytes, more than the "
                    "65535 the site format can address: shorter names or "
                    "fewer files would fit", nlabels);
        goto out;
    }

    fprintf(f,
            "/* Generated by pagec %s with zlib %s. Do not edit: edit the "
            "site and run pagec again. */\n"
            "#include \"%s\"\n\n"
            "#if PAGEC_FORMAT_VERSION != %d\n"
            "#error \"this site was generated for pagec site format %d\"\n"
            "#endif\n\n",
            PAGEC_VERSION, zlibVersion(), h_base, PAGEC_FORMAT_VERSION,
            PAGEC_FORMAT_VERSION);
    if (o->nfields) {
        fprintf(f,
                "#if %s_LIVE_BYTES > PAGEC_LIVE_MAX\n"
                "#error \"site %s: its live fields need %zu bytes a reply; "
                "define PAGEC_LIVE_MAX to at least %zu\"\n"
                "#endif\n\n",
                opt->name, opt->name, o->live_bytes, o->live_bytes);
    }

    fputs("/* Every datagram but its IPv4 and TCP headers without options, "
          "which every\n * reply shares (pagec/site.h): TCP options on a "
          "line, then the TCP data. */\n"
          "static const uint8_t PAGEC_ROM pagec_data[] =\n", f);
    for (i = 0; i < sizeof control / sizeof control[0]; i++) {
        control_at[i] = blob_packet(&b, control[i].what, NULL, NULL,
                                    control[i].p,
                                    i == 3, 0);
    }
    for (i = 0; i < s->npages; i++) {
        const struct page *pg = &s->pages[i];
        char path[4200];
        int k;

        snprintf(path, sizeof path, "/%s", pg->rel);
        for (k = 0; k < 2; k++) {
            const struct variant *v = k ? &pg->gz : &pg->id;

            if (v->present) {
                blob_variant(&b, o, pg, path, v, k, &at[k][i],
                             &head_at[k][i]);
            }
        }
    }
    blob_end_line(&b);
    fputs("    ;\n\n", f);

    fputs("/* Each encoding of each page: its 200 reply and the HEAD form "
          "(also sent\n * as 304, but for a live page's). */\n", f);
    if (o->nvariants) {
        fputs("static const PAGEC_ROM struct pagec_variant "
              "pagec_variants[] = {\n", f);
        for (i = 0; i < s->npages; i++) {
            const struct page *pg = &s->pages[i];
            int k;

            for (k = 0; k < 2; k++) {
                const struct variant *v = k ? &pg->gz : &pg->id;

                if (!v->present) {
                    continue;
                }
                fprintf(f, "    [%zu] = { /* /", v->index);
                comment_text(f, pg->rel);
                fprintf(f, ", %s%s", k ? "gzip" : "identity",
                        pg->nfields ? ", live" : "");
                if (v->large) {
                    fprintf(f, ", large reply %zu", v->large);
                }
                fputs(" */\n        .get = ", f);
                if (variant_split(v, opt->mss)) {
                    tmpl_split(f, "        ", at[k][i], v->large);
                } else {
                    tmpl(f, "        ", at[k][i], &v->ok.get);
                }
                fputs(",\n        .head = ", f);
                tmpl(f, "        ", head_at[k][i], &v->ok.head);
                fputs(",\n    },\n", f);
            }
        }
        fputs("};\n\n", f);
    }
    write_large(f, o, at);

    fputs("static const PAGEC_ROM struct pagec_page pagec_pages[] = {\n", f);
    for (i = 0; i < s->npages; i++) {
        fprintf(f, "    [%zu] = {", i);
        variant_ref(f, "identity", &s->pages[i].id);
        fputs(", ", f);
        variant_ref(f, "gzip", &s->pages[i].gz);
        fputs("}, /* /", f);
        comment_text(f, s->pages[i].rel);
        fputs(" */\n", f);
    }
    fputs("};\n\n", f);

    fputs("/* The radix tree of request paths: its labels, each stored "
          "once, and its\n * nodes. */\n", f);
    fputs("static const uint8_t PAGEC_ROM pagec_labels[] =\n", f);
    b.len = 0;
    blob_bytes(&b, labels, nlabels);
    blob_end_line(&b);
    fputs(nlabels ? "    ;\n\n" : "    \"\";\n\n", f);
    fputs("static const PAGEC_ROM struct pagec_node pagec_nodes[] = {\n", f);
    for (i = 0; i < t->nnodes; i++) {
        const struct tree_node *n = &t->nodes[i];

        fprintf(f,
                "    [%zu] = {.label = %zu, .label_len = %u, "
                ".first_child = %u, .nchild = %u, .page = ",
                i, label_off[i], n->label_len, n->first_child, n->nchild);
        if (n->page == 0xffff) {
            fputs("PAGEC_NO_PAGE},\n", f);
        } else if (n->page >= s->npages) {
            fprintf(f, "%u}, /* action %u: ", n->page,
                    (unsigned)(n->page - s->npages));
            comment_text(f, o->actions[n->page - s->npages].a->target);
            fputs(" */\n", f);
        } else {
            fprintf(f, "%u}, /* ", n->page);
            comment_text(f, s->pages[n->page].rel);
            fputs(" */\n", f);
        }
    }
    fputs("};\n\n", f);

    if (opt->nports) {
        memcpy(ports, opt->ports, opt->nports * sizeof *ports);
        qsort(ports, opt->nports, sizeof *ports, by_port);
        fputs("static const PAGEC_ROM struct pagec_port pagec_ports[] = {\n",
              f);
        for (i = 0; i < opt->nports; i++) {
            fprintf(f, "    {.port = %u, .variant = %zu}, /* ", ports[i].port,
                    s->pages[ports[i].page].id.index);
            comment_text(f, ports[i].path);
            fputs(" */\n", f);
        }
        fputs("};\n\n", f);
    }
    write_live(f, o);
    write_actions(f, o);

    fprintf(f,
            "const PAGEC_ROM struct pagec_site %s = {\n"
            "    .format = PAGEC_FORMAT_VERSION,\n"
            "    .http_port = %u,\n"
            "    .mss = %u,\n"
            "    .max_data = %zu, /* TCP data of the largest %s */\n"
            "    .variants = %s,\n"
            "    .pages = pagec_pages,\n"
            "    .nodes = pagec_nodes,\n"
            "    .labels = pagec_labels,\n"
            "    .ports = %s,\n"
            "    .live = %s,\n"
            "    .fields = %s,\n"
            "    .actions = %s,\n"
            "    .nvariants = %zu,\n"
            "    .npages = %zu,\n"
            "    .nnodes = %zu,\n"
            "    .nlabels = %zu,\n"
            "    .nports = %zu,\n"
            "    .nlive = %zu,\n"
            "    .nfields = %zu,\n"
            "    .live_bytes = %zu, /* %s_LIVE_BYTES */\n"
            "    .nactions = %zu,\n",
            opt->name, opt->http_port, opt->mss, output_max_data(o),
            o->nlarge ? "one-segment reply" : "reply",
            o->nvariants ? "pagec_variants" : "0",
            opt->nports ? "pagec_ports" : "0",
            o->nlive ? "pagec_live" : "0", o->nfields ? "pagec_fields" : "0",
            o->nactions ? "pagec_actions" : "0",
            o->nvariants, s->npages, t->nnodes, nlabels, opt->nports,
            o->nlive, o->nfields, o->live_bytes, opt->name, o->nactions);
    if (o->nlarge) {
        fprintf(f,
                "    .large = pagec_large,\n"
                "    .nlarge = %zu, /* %s_LARGE_COUNT */\n"
                "    .block = %u,\n",
                o->nlarge, opt->name, o->block);
    }
    if (o->not_found >= 0) {
        fputs("    .not_found = ", f);
        fprintf(f, "%ld, /* /", o->not_found);
        comment_text(f, s->pages[o->not_found].rel);
        fputs(", sent as 404 */\n", f);
    } else {
        fputs("    .not_found = PAGEC_NO_PAGE,\n", f);
    }
    fprintf(f, "    .window = %u, /* TCP window: twice mss, at most %d */\n",
            (unsigned)site_window(opt->mss), PAGEC_WINDOW_MAX);
    for (i = 0; i < sizeof control / sizeof control[0]; i++) {
        fprintf(f, "    .%s = ", control[i].name);
        tmpl(f, "    ", control_at[i], control[i].p);
        fputs(",\n", f);
    }
    fprintf(f,
            "};\n\n"
            "/* The site's address for C++ (an Arduino sketch), which cannot "
            "declare\n * the site where it is __flash (AVR); a pointer to "
            "give back to C. */\n"
            "const void *%s_rom(void)\n{\n"
            "    return (const void *)(uintptr_t)&%s;\n}\n",
            opt->name, opt->name);
    rc = 0;
out:
    free(ports);
    free(labels);
    free(label_off);
    free(at[0]);
    free(at[1]);
    free(head_at[0]);
    free(head_at[1]);
    return rc;
}

static void write_h(FILE *f, const struct output *o)
{
    const char *n = o->opt->name;
    size_t i;

    /* the guard spells the name as it is: names differing in case get
     * guards of their own */
    fprintf(f,
            "/* Generated by pagec %s with zlib %s. Do not edit. */\n"
            "#ifndef PAGEC_SITE_%s_H\n#define PAGEC_SITE_%s_H\n\n"
            "#include <pagec/site.h>\n\n"
            "/* what made this site, so that two builds can be compared */\n"
            "#define %s_PAGEC_VERSION \"%s\"\n"
            "#define %s_ZLIB_VERSION \"%s\"\n"
            "#define %s_MAGIC_VERSION %d\n\n"
            "/* the largest datagram a client sends to this site (its MSS +\n"
            " * 40): a driver's receive buffer holds at least this many bytes */\n"
            "#define %s_DATAGRAM_MAX %u\n\n",
            PAGEC_VERSION, zlibVersion(), n, n, n, PAGEC_VERSION, n,
            zlibVersion(), n, magic_version(), n,
            (unsigned)o->opt->mss + 40u);
    fputs("/* live fields (pagec(1), \"Live fields\"): the id of each name, "
          "in\n * alphabetical order, as the driver's callback is given "
          "it; the most\n * bytes of live fields in one reply (at most "
          "PAGEC_LIVE_MAX); the number of\n * names */\n", f);
    for (i = 0; i < o->nnames; i++) {
        fprintf(f, "#define %s_LIVE_%s %zu\n", n, o->names[i], i);
    }
    fprintf(f,
            "#define %s_LIVE_BYTES %zu\n"
            "#define %s_LIVE_COUNT %zu\n\n",
            n, o->live_bytes, n, o->nnames);
    fputs("/* actions (pagec(1), \"Actions\"): the id of each name, in "
          "alphabetical\n * order, as the driver's callback is given it; "
          "the number of names */\n", f);
    for (i = 0; i < o->naction_names; i++) {
        fprintf(f, "#define %s_ACTION_%s %zu\n", n, o->action_names[i], i);
    }
    fprintf(f,
            "#define %s_ACTION_COUNT %zu\n\n"
            "/* large replies (pagec(1), \"Large pages\"): the replies "
            "longer than one\n * segment of the smallest MSS, which a "
            "runtime built with PAGEC_LARGE\n * sends in several */\n"
            "#define %s_LARGE_COUNT %zu\n\n"
            "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
            "#ifndef PAGEC_ROM_CXX /* C++ on AVR: no __flash */\n"
            "extern const PAGEC_ROM struct pagec_site %s;\n"
            "#endif\n\n"
            "/* the site's address, for C++ on AVR (an Arduino sketch) */\n"
            "const void *%s_rom(void);\n\n"
            "#ifdef __cplusplus\n}\n#endif\n\n"
            "#endif\n",
            n, o->naction_names, n, o->nlarge, n, n);
}

/*
 * The temporary files being written, so that an interrupted run leaves
 * none behind: SIGINT, SIGTERM and SIGHUP remove them, then end pagec as
 * the signal would have (its exit status says so). A name is recorded
 * with the signals blocked, together with the file's creation, and
 * forgotten before its string is freed; the handler only calls unlink()
 * and raise(), which are async-signal-safe.
 */
#define NTEMPS 3
static char *volatile temps[NTEMPS];
static const int fatal[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction saved[sizeof fatal / sizeof fatal[0]];

static void on_fatal(int sig)
{
    size_t i;

    for (i = 0; i < NTEMPS; i++) {
        char *t = temps[i];

        if (t) {
            unlink(t);
        }
    }
    /* SA_RESETHAND made the action the default one again */
    raise(sig);
}

/* Removes temporary files on the fatal signals that are not ignored. */
static void catch_fatal(void)
{
    struct sigaction sa;
    size_t i;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        sigaddset(&sa.sa_mask, fatal[i]);
    }
    for (i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        if (sigaction(fatal[i], NULL, &saved[i]) == 0 &&
            saved[i].sa_handler != SIG_IGN) {
            sigaction(fatal[i], &sa, NULL);
        }
    }
}

static void release_fatal(void)
{
    size_t i;

    for (i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        if (saved[i].sa_handler != SIG_IGN) {
            sigaction(fatal[i], &saved[i], NULL);
        }
    }
}

/* Forgets the temporary file *tmp (renamed or removed) and frees its
 * name. */
static void forget(char **tmp)
{
    size_t i;

    for (i = 0; *tmp && i < NTEMPS; i++) {
        if (temps[i] == *tmp) {
            temps[i] = NULL;
        }
    }
    free(*tmp);
    *tmp = NULL;
}

/* Opens a temporary file beside path, recorded in temps[slot]; *tmp gets
 * its name. */
static FILE *open_tmp(const char *path, char **tmp, size_t slot)
{
    size_t n = strlen(path);
    sigset_t block;
    sigset_t old;
    int fd;
    size_t i;
    FILE *f;

    *tmp = malloc(n + 8);
    if (!*tmp) {
        pagec_error("out of memory");
        return NULL;
    }
    memcpy(*tmp, path, n);
    memcpy(*tmp + n, ".XXXXXX", 8);
    sigemptyset(&block);
    for (i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        sigaddset(&block, fatal[i]);
    }
    sigprocmask(SIG_BLOCK, &block, &old);
    fd = mkstemp(*tmp);
    if (fd >= 0) {
        temps[slot] = *tmp;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (fd >= 0) {
        mode_t mask = umask(0);

        umask(mask);
        fchmod(fd, 0666 & ~mask); /* mkstemp made it 0600 */
    }
    if (fd < 0) {
        pagec_error("%s: %s", path, strerror(errno));
        free(*tmp);
        *tmp = NULL;
        return NULL;
    }
    f = fdopen(fd, "w");
    if (!f) {
        pagec_error("%s: %s", path, strerror(errno));
        close(fd);
        unlink(*tmp);
        forget(tmp);
    }
    return f;
}

/* Closes f, reporting any write error against path. */
static int close_checked(FILE *f, const char *path)
{
    int bad = fflush(f) != 0 || ferror(f);
    int err = errno;

    if (fclose(f) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (bad) {
        pagec_error("%s: %s", path, err ? strerror(err) : "write error");
        return -1;
    }
    return 0;
}

char *header_name(const char *out_c)
{
    size_t n = strlen(out_c);
    char *out_h = malloc(n + 3);

    if (!out_h) {
        return NULL;
    }
    memcpy(out_h, out_c, n + 1);
    if (n > 2 && strcmp(out_c + n - 2, ".c") == 0) {
        out_h[n - 1] = 'h';
    } else {
        memcpy(out_h + n, ".h", 3);
    }
    return out_h;
}

/* Renames tmp to path; on failure reports it and removes tmp. */
/* 1 when the files a and b hold the same bytes. */
static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb");
    FILE *fb = fa ? fopen(b, "rb") : NULL;
    int same = fb != NULL;

    while (same) {
        int ca = getc(fa);
        int cb = getc(fb);

        if (ca != cb) {
            same = 0;
        } else if (ca == EOF) {
            break;
        }
    }
    if (fb && (ferror(fa) || ferror(fb))) {
        same = 0;
    }
    if (fa) {
        fclose(fa);
    }
    if (fb) {
        fclose(fb);
    }
    return same;
}

/* Renames the finished temporary file tmp to path. */
static int install(char *tmp, const char *path)
{
    if (rename(tmp, path) != 0) {
        pagec_error("%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Writes a path as Make reads it: spaces, '#' and '$' escaped. */
static void make_path(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == ' ' || *s == '#' || *s == '\\') {
            fputc('\\', f);
        } else if (*s == '$') {
            fputc('$', f);
        }
        fputc(*s, f);
    }
}

/* The Make depfile: out_c depends on every input file and folder. */
static void write_dep(FILE *f, const struct output *o, const char *out_c)
{
    const struct site *s = o->site;
    size_t i;

    make_path(f, out_c);
    fputc(':', f);
    for (i = 0; i < s->npages; i++) {
        if (s->pages[i].location) {
            continue; /* a folder's redirect: the folder is below */
        }
        fputs(" \\\n ", f);
        make_path(f, s->pages[i].src);
    }
    for (i = 0; i < s->ndirs; i++) {
        fputs(" \\\n ", f);
        make_path(f, s->dirs[i]);
    }
    fputc('\n', f);
    /* a rule without prerequisites for each input, as gcc -MP writes:
     * a file deleted from the site does not stop the build */
    for (i = 0; i < s->npages; i++) {
        if (s->pages[i].location) {
            continue;
        }
        fputc('\n', f);
        make_path(f, s->pages[i].src);
        fputs(":\n", f);
    }
}

int emit_site(const struct output *o, const char *out_c,
              const char *depfile)
{
    char *out_h = header_name(out_c);
    const char *h_base;
    char *tmp_c = NULL;
    char *tmp_h = NULL;
    char *tmp_d = NULL;
    FILE *fc = NULL;
    FILE *fh = NULL;
    FILE *fd = NULL;
    int rc = -1;

    if (!out_h) {
        pagec_error("out of memory");
        return -1;
    }
    h_base = strrchr(out_h, '/');
    h_base = h_base ? h_base + 1 : out_h;

    /* every file written to its temporary first, none renamed into place
     * before all are */
    catch_fatal();
    fc = open_tmp(out_c, &tmp_c, 0);
    if (fc) {
        fh = open_tmp(out_h, &tmp_h, 1);
    }
    if (fh && depfile) {
        fd = open_tmp(depfile, &tmp_d, 2);
    }
    if (fc && fh && (fd || !depfile)) {
        rc = write_c(fc, o, h_base, &o->tree);
        write_h(fh, o);
        if (fd) {
            write_dep(fd, o, out_c);
        }
    }
    if (fc && close_checked(fc, out_c) != 0) {
        rc = -1;
    }
    if (fh && close_checked(fh, out_h) != 0) {
        rc = -1;
    }
    if (fd && close_checked(fd, depfile) != 0) {
        rc = -1;
    }
    if (rc == 0) {
        /* the header first: it depends only on --name, the names and
         * widths of live fields and the names of actions, so a new header
         * beside an old .c (should the second rename fail) still fits
         * unless those changed */
        /* the header changes only when the site's name, its live fields'
         * names or widths, its actions' names or pagec do: left as it is
         * when its bytes are
         * the same, so that what includes it is not compiled again for a
         * change of the pages */
        if (same_file(tmp_h, out_h)) {
            unlink(tmp_h);
            rc = 0;
        } else {
            rc = install(tmp_h, out_h);
        }
        forget(&tmp_h); /* renamed, or removed by install() */
        if (rc == 0 && tmp_d) {
            rc = install(tmp_d, depfile);
            forget(&tmp_d);
        }
        if (rc == 0) {
            rc = install(tmp_c, out_c);
            forget(&tmp_c);
        }
    }
    if (tmp_c) {
        unlink(tmp_c);
    }
    if (tmp_h) {
        unlink(tmp_h);
    }
    if (tmp_d) {
        unlink(tmp_d);
    }
    forget(&tmp_c);
    forget(&tmp_h);
    forget(&tmp_d);
    release_fatal();
    free(out_h);
    return rc;
}
