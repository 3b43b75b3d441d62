/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * image.c - the compiled site as a struct pagec_site in memory, laid out
 * as emit.c's write_c() writes it: the templates point at the bytes of
 * each datagram after the 40 every reply shares, a HEAD form at its GET
 * reply's (or at its own, made even); variants, pages, nodes, ports, live
 * fields, actions and large replies numbered and ordered as in the
 * generated C. pagec checks it with
 * pagec_site_check() before it writes the site.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "pagec/chksum.h"

static void tmpl(struct pagec_tmpl *t, const struct packet *p,
                 const uint8_t *data)
{
    t->pkt = data + PAGEC_HDR_LEN;
    t->len = (uint16_t)p->len;
    t->hlen = (uint16_t)p->hlen;
    t->ip_sum = pagec_chksum_fold(p->ip_sum);
    t->tcp_sum = pagec_chksum_fold(p->tcp_sum);
}

static void variant(struct pagec_variant *v, const struct variant *src,
                    unsigned mss)
{
    if (variant_split(src, mss)) {
        /* a large reply sent in segments: its bytes, no sums */
        v->get.pkt = src->ok.get.data + PAGEC_HDR_LEN;
        v->get.len = 0xffff;
        v->get.hlen = PAGEC_HDR_LEN;
        v->get.ip_sum = 0;
        v->get.tcp_sum = 0;
    } else {
        tmpl(&v->get, &src->ok.get, src->ok.get.data);
    }
    tmpl(&v->head, &src->ok.head,
         src->ok.head.data ? src->ok.head.data : src->ok.get.data);
}

static int by_port(const void *a, const void *b)
{
    const struct pagec_port *x = a;
    const struct pagec_port *y = b;

    return (x->port > y->port) - (x->port < y->port);
}

int image_build(const struct output *o, struct image *img)
{
    const struct options *opt = o->opt;
    const struct site *s = o->site;
    const struct tree *t = &o->tree;
    struct pagec_site *site = &img->site;
    size_t *label_off = calloc(t->nnodes + 1, sizeof *label_off);
    size_t nlabels = 0;
    size_t nlive = 0;
    size_t nfields = 0;
    size_t i;

    memset(img, 0, sizeof *img);
    img->variants = calloc(o->nvariants + 1, sizeof *img->variants);
    img->pages = calloc(s->npages + 1, sizeof *img->pages);
    img->nodes = calloc(t->nnodes + 1, sizeof *img->nodes);
    img->ports = calloc(opt->nports + 1, sizeof *img->ports);
    img->live = calloc(o->nlive + 1, sizeof *img->live);
    img->fields = calloc(o->nfields + 1, sizeof *img->fields);
    img->actions = calloc(o->nactions + 1, sizeof *img->actions);
    img->large = calloc(o->nlarge + 1, sizeof *img->large);
    if (!label_off || !img->variants || !img->pages || !img->nodes ||
        !img->ports || !img->live || !img->fields || !img->actions ||
        !img->large ||
        share_labels(t, label_off, &img->labels, &nlabels) != 0) {
        free(label_off);
        image_free(img);
        pagec_error("out of memory");
        return -1;
    }
    if (nlabels > 0xffff) {
        free(label_off);
        image_free(img);
        pagec_error("the paths of the site take %zu bytes, more than the "
                    "65535 the site format can address: shorter names or "
                    "fewer files would fit", nlabels);
        return -1;
    }
    for (i = 0; i < s->npages; i++) {
        const struct page *pg = &s->pages[i];

        img->pages[i].identity = PAGEC_NO_PAGE;
        img->pages[i].gzip = PAGEC_NO_PAGE;
        if (pg->id.present) {
            img->pages[i].identity = (uint16_t)pg->id.index;
            variant(&img->variants[pg->id.index], &pg->id, opt->mss);
        }
        if (pg->gz.present) {
            img->pages[i].gzip = (uint16_t)pg->gz.index;
            variant(&img->variants[pg->gz.index], &pg->gz, opt->mss);
        }
    }
    for (i = 0; i < t->nnodes; i++) {
        const struct tree_node *n = &t->nodes[i];

        img->nodes[i].label = (uint16_t)label_off[i];
        img->nodes[i].label_len = n->label_len;
        img->nodes[i].first_child = n->first_child;
        img->nodes[i].nchild = n->nchild;
        img->nodes[i].page = n->page;
    }
    free(label_off);
    for (i = 0; i < opt->nports; i++) {
        img->ports[i].port = opt->ports[i].port;
        img->ports[i].variant =
            (uint16_t)s->pages[opt->ports[i].page].id.index;
    }
    qsort(img->ports, opt->nports, sizeof *img->ports, by_port);
    /* the live pages in the order of their variants, which is theirs */
    for (i = 0; i < s->npages; i++) {
        const struct page *pg = &s->pages[i];
        size_t k;

        if (!pg->nfields) {
            continue;
        }
        img->live[nlive].variant = (uint16_t)pg->id.index;
        img->live[nlive].first = (uint16_t)nfields;
        img->live[nlive++].count = (uint16_t)pg->nfields;
        for (k = 0; k < pg->nfields; k++) {
            img->fields[nfields].at = (uint16_t)pg->fields[k].at;
            img->fields[nfields].width = (uint8_t)pg->fields[k].width;
            img->fields[nfields++].id = (uint8_t)pg->fields[k].id;
        }
    }
    for (i = 0; i < o->nactions; i++) {
        img->actions[i].page = (uint16_t)o->actions[i].page;
        img->actions[i].arg = (uint16_t)o->actions[i].a->arg;
        img->actions[i].id = (uint8_t)o->actions[i].a->id;
    }
    for (i = 0; i < o->nlarge; i++) {
        const struct variant *v = o->large[i];

        img->large[i].data = v->ok.get.data + v->ok.get.hlen;
        img->large[i].sums = v->sums;
        img->large[i].len = (uint32_t)v->data_len;
        img->large[i].variant = (uint16_t)v->index;
    }

    site->format = PAGEC_FORMAT_VERSION;
    site->http_port = opt->http_port;
    site->mss = opt->mss;
    site->max_data = (uint16_t)output_max_data(o);
    site->variants = o->nvariants ? img->variants : NULL;
    site->pages = img->pages;
    site->nodes = img->nodes;
    site->labels = img->labels;
    site->ports = opt->nports ? img->ports : NULL;
    site->live = nlive ? img->live : NULL;
    site->fields = nfields ? img->fields : NULL;
    site->actions = o->nactions ? img->actions : NULL;
    site->large = o->nlarge ? img->large : NULL;
    site->nlarge = (uint16_t)o->nlarge;
    site->block = (uint16_t)o->block;
    site->nvariants = (uint16_t)o->nvariants;
    site->npages = (uint16_t)s->npages;
    site->nnodes = (uint16_t)t->nnodes;
    site->nlabels = (uint16_t)nlabels;
    site->nports = (uint16_t)opt->nports;
    site->nlive = (uint16_t)nlive;
    site->nfields = (uint16_t)nfields;
    site->live_bytes = (uint16_t)o->live_bytes;
    site->nactions = (uint16_t)o->nactions;
    site->not_found =
        o->not_found >= 0 ? (uint16_t)o->not_found : PAGEC_NO_PAGE;
    site->window = site_window(opt->mss);
    tmpl(&site->syn_ack, &o->syn_ack, o->syn_ack.data);
    tmpl(&site->ack, &o->ack, o->ack.data);
    tmpl(&site->rst, &o->rst, o->rst.data);
    tmpl(&site->status, &o->status, o->status.data);
    return 0;
}

void image_free(struct image *img)
{
    free(img->variants);
    free(img->pages);
    free(img->nodes);
    free(img->labels);
    free(img->ports);
    free(img->live);
    free(img->fields);
    free(img->actions);
    free(img->large);
    memset(img, 0, sizeof *img);
}
