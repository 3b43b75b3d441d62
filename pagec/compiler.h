/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * compiler.h - the pagec compiler's internal interfaces: scan the tree,
 * classify, encode, frame the packets, emit C. Host only.
 */
#ifndef PAGEC_COMPILER_H
#define PAGEC_COMPILER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pagec/site.h"

/* The version: the CMake project's, given by the build. */
#ifndef PAGEC_VERSION
#error "PAGEC_VERSION is set by the build (CMake's project version)"
#endif

/* Largest TCP data an IPv4 datagram with 40 bytes of headers can carry. */
#define PAGEC_MSS_MAX 65495
/* Smallest limit accepted: the error reply takes 99 bytes of TCP data,
 * a page's reply 88, its Content-Type, the digits of its length and its
 * bytes; so at 128 a page of a few bytes fits. */
#define PAGEC_MSS_MIN 128
#define PAGEC_MSS_DEFAULT 1460
/* The MSS of a client that sends no MSS option (RFC 9293 section 3.7.1).
 * The runtime takes connections from clients with an MSS as low as this
 * or the site's, the lower: every status reply must fit that. */
#define PAGEC_MSS_FLOOR 536
/* Most pages a site can hold: page and node indices are 16-bit. */
#define PAGEC_PAGES_MAX 16000
/* Largest file read: a bigger one cannot be a reply (PAGEC_LARGE_MAX
 * bytes with its header). */
#define PAGEC_FILE_MAX PAGEC_LARGE_MAX
/* The MSS of an Ethernet link: no hint proposes a larger --mss. */
#define PAGEC_MSS_ETHERNET 1460
/* The MSS of SLIP with a 1006-byte MTU, the report's second column. */
#define PAGEC_MSS_SLIP 966
/* Bytes of a segment kept for the TCP timestamps option in a large
 * reply's segments (docs/large-pages.md). */
#define PAGEC_TS_OPT_LEN 12
/* The block of the grid of large replies (pagec_site.block): from this
 * to PAGEC_BLOCK_MAX. */
#define PAGEC_BLOCK_MIN 64u
#define PAGEC_BLOCK_MAX 512u

/* A datagram as the runtime will send it, peer fields zero; a large
 * reply's, too long for one segment, has its bytes but no sums. */
struct packet {
    uint8_t *data;    /* NULL for a HEAD form that shares its GET's
                         bytes; a HEAD form of its own has them */
    size_t len;       /* bytes sent: the IPv4 total length */
    size_t hlen;      /* IPv4 + TCP headers */
    uint32_t ip_sum;  /* partial sums, as pagec/site.h defines them */
    uint32_t tcp_sum;
};

/* An HTTP reply, and the same reply cut after its header, for HEAD (or,
 * made even by reply_even(), the header with a space more). */
struct reply {
    struct packet get;
    struct packet head;
};

/* One encoding of a page: its 200 reply and the HEAD form (also sent as
 * 304), "ETag" the first field. */
struct variant {
    int present;
    size_t body_len;           /* encoded bytes */
    size_t data_len;           /* TCP data of the 200 reply */
    struct reply ok;
    size_t index;              /* in the site's table of variants */
    size_t large;              /* v, its number among the large replies
                                  (pagec/site.h), or 0: not one */
    uint16_t *sums;            /* a large reply's sums on its grid */
    size_t nsums;
};

/* Live fields (pagec(1), "Live fields"): the marker <!--live:NAME:WIDTH-->
 * in a text page, replaced by WIDTH spaces. */
#define LIVE_MARK "<!--live:"
#define LIVE_NAME_MAX 31     /* characters of a name */
#define LIVE_NAMES_MAX 256   /* names of a site: an id is one byte */
#define LIVE_PAGE_MAX 255    /* bytes of the fields of one reply */

/* One field of a live page. */
struct live_field {
    char name[LIVE_NAME_MAX + 1];
    unsigned width;
    size_t src;                /* where its marker is in the file */
    size_t mark_len;           /* bytes of the marker */
    size_t off;                /* in the body, the markers replaced */
    size_t at;                 /* in the 200 reply's TCP data */
    unsigned long line;        /* where the marker starts in the file, */
    unsigned long col;         /* counted from 1, the column in bytes */
    unsigned id;               /* the name's number in the site */
};

/* Actions (pagec(1), "Actions"): the marker <!--action:NAME:ARG:TARGET-->
 * in a text page, taken out of it. */
#define ACTION_MARK "<!--action:"
#define ACTION_NAMES_MAX 256 /* names of a site: an id is one byte */

/* One action a page declares: that page is served after it runs. */
struct action {
    char name[LIVE_NAME_MAX + 1]; /* as a live field's */
    unsigned arg;              /* 0 to 65535 */
    char *target;              /* PATH?QUERY, its key in the path tree:
                                  malloc'd */
    unsigned long line;        /* where the marker starts in the file, */
    unsigned long col;         /* as for a live field */
    unsigned id;               /* the name's number in the site */
};

/* One file of the site, or a folder's redirect. */
struct page {
    char *rel;          /* path below the site root, '/'-separated */
    char *src;          /* path to read it from, as given + rel */
    char *location;     /* a redirect: "/" rel "/" percent-encoded, where
                           the folder rel (src) with an index.html is;
                           NULL for a file */
    char *mime;         /* Content-Type, charset included */
    uint64_t size;      /* file bytes */
    struct variant id;  /* identity encoding */
    struct variant gz;  /* gzip encoding */
    size_t gz_body;     /* gzip size found, even when not kept */
    struct live_field *fields; /* in the order of their offsets */
    size_t nfields;     /* a page with one or more is live: identity
                           only, no ETag, Cache-Control: no-store */
    struct action *actions; /* in the order of their markers */
    size_t nactions;
    size_t hint_gz;     /* TCP data of its gzip reply, for the hints
                           (0: none), even with --no-gzip */
    int fails;          /* no encoding of it can be sent: reported */
};

struct site {
    struct page *pages; /* sorted by rel (strcmp) */
    size_t npages;
    char **dirs;        /* every folder walked, the root first */
    size_t ndirs;
};

/* What pagec was asked to do. */
struct options {
    const char *name;          /* C identifier of the site */
    uint16_t mss;
    uint16_t http_port;        /* 0: no file-name mode */
    int gzip;
    const char *cache_control; /* NULL: no Cache-Control field */
    const char *server;        /* NULL: no Server field */
    const char **excludes;     /* glob patterns */
    size_t nexcludes;
    const char **mimes;        /* "ext=type" overrides */
    size_t nmimes;
    unsigned max_segments;     /* the most segments of a reply at mss;
                                  0: no limit */
    struct port_opt {
        uint16_t port;
        const char *path;
        size_t page;           /* resolved */
    } *ports;                  /* sorted by port */
    size_t nports;
};

/* scan.c: every regular file below dir, sorted; dot files and names that
 * match an exclude pattern skipped. Returns 0, or -1 after printing an
 * error (every problem found is reported). */
int site_scan(const char *dir, const struct options *o, struct site *site);
void site_free(struct site *site);

/* mime.c: Content-Type of a file: --mime overrides, the extension table,
 * then libmagic; text types get a charset: the one an HTML file declares
 * in a <meta> element, utf-8 for plain ASCII, else libmagic's finding.
 * Returns a malloc'd string, or NULL after printing an error (out of
 * memory, or libmagic failed). */
char *mime_type(const struct options *o, const char *path,
                const uint8_t *data, size_t len);
void mime_close(void);

/* frame.c */
/* An HTTP/1.1 reply: the status line "HTTP/1.1 " status (the code and a
 * space: no reason phrase), the header fields (each line ending in CRLF),
 * Connection: close, a blank line, the body; as a GET reply and its HEAD
 * form, framed with ACK|PSH|FIN. Returns 0, or -1 when out of memory. */
int reply_build(struct reply *r, const char *status, const char *fields,
                const uint8_t *body, size_t body_len, uint16_t window);
/* Bytes of TCP data reply_build() would make. */
size_t reply_data_len(const char *status, const char *fields,
                      size_t body_len);
void reply_free(struct reply *r);
/* Makes the TCP data of r's GET reply and of its HEAD form even, for a
 * site with large replies (pagec/site.h): a space added at the end of the
 * value of the last header field (Connection), which the runtime never
 * writes, where a length is odd (optional whitespace, RFC 9110 section
 * 5.6.3). When the body is odd, the HEAD form's header gets a space more
 * than the GET's, in bytes of its own. Returns 0, or -1 when out of
 * memory. */
int reply_even(struct reply *r);
/* An IPv4/TCP datagram: flags, window, TCP options (a multiple of four
 * bytes), data. Returns 0, or -1 when out of memory. */
int packet_build(struct packet *p, uint8_t flags, uint16_t window,
                 const uint8_t *opt, size_t optlen, const uint8_t *data,
                 size_t dlen);
void packet_free(struct packet *p);

/* gzip.c: the smallest gzip encoding zlib makes of data (no file name,
 * mtime 0), in *out, a malloc'd buffer of *out_len bytes. Returns 0, or
 * -1 when out of memory. */
int gzip_best(const uint8_t *data, size_t len, uint8_t **out,
              size_t *out_len);

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

/* An action of the site: in the table pagec_actions, sorted by target,
 * action k being the tree's page npages + k. */
struct site_action {
    struct action *a;
    size_t page;        /* the page that declares it, served after it */
};

/* tree.c: the radix tree of every path a page is served under: "/" + rel,
 * and "/dir/" ("/" at the root) for each dir/index.html; and the target
 * PATH?QUERY of each of the n actions of acts, whose page is npages + its
 * index. */
struct tree_node {
    uint32_t label;     /* offset in labels */
    uint16_t label_len;
    uint16_t first_child;
    uint16_t nchild;
    uint16_t page;      /* 0xffff: none */
};
struct tree {
    struct tree_node *nodes;
    size_t nnodes;
    uint8_t *labels;
    size_t nlabels;
};
/* Returns 0, or -1 after printing an error. */
int tree_build(const struct site *s, const struct site_action *acts,
               size_t n, struct tree *t);
void tree_free(struct tree *t);
/* The page served at path (or npages + k for action k), or -1. */
long tree_lookup(const struct tree *t, const char *path);

/* A compiled site, ready to emit. */
struct output {
    const struct options *opt;
    struct site *site;
    struct tree tree;          /* the site's paths, built once */
    struct packet syn_ack, ack, rst;
    struct packet status;      /* the body-less error reply ("400 ") */
    long not_found;            /* the page of a root 404.html, or -1 */
    size_t nvariants;          /* variants of all pages, numbered */
    char (*names)[LIVE_NAME_MAX + 1]; /* live field names, sorted: a
                                         name's id is its index */
    size_t nnames;
    size_t nlive;              /* live pages */
    size_t nfields;            /* their fields, all together */
    size_t live_bytes;         /* the most bytes of fields of one page */
    struct site_action *actions; /* the site's actions, sorted by target */
    size_t nactions;
    char (*action_names)[LIVE_NAME_MAX + 1]; /* sorted: a name's id is
                                                its index */
    size_t naction_names;
    int even;                  /* every reply's TCP data made even: the
                                  site has large replies */
    struct variant **large;    /* the large replies, in the order of
                                  their variants: large[v - 1] */
    size_t nlarge;
    unsigned block;            /* B of their grid; 0 when none */
};

/* compile.c: a page for each folder with an index.html but the root,
 * served under the folder's path without its trailing slash, whose
 * reply is a 301 to the path with it; none when o->http_port is 0. A
 * redirect that does not fit o->mss is left out with a warning. Returns
 * 0, or -1 after printing an error (out of memory). */
int site_redirects(struct site *s, const struct options *o);
/* compile.c: builds every reply of the site. Reports every page that
 * does not fit, with what would make it fit. Returns 0, or 1. */
int compile_site(struct output *out);
void output_free(struct output *out);
/* Largest TCP data of any reply sent in one segment (pagec_site.max_data:
 * large replies that do not fit the MSS aside). */
size_t output_max_data(const struct output *out);
/* The smallest MSS class: replies longer than this are large. */
unsigned large_class(unsigned mss);
/* The segments a reply of len bytes of TCP data takes at MSS m: 1 when it
 * fits m, else a first segment of S - B + 2v bytes and then S each, S =
 * floor((m - 12) / B) * B, for the large reply v of a site of block B
 * (docs/large-pages.md). */
size_t reply_segments(size_t len, unsigned m, unsigned block, size_t v);
/* 1 when the variant's 200 reply does not fit one segment of mss: its
 * template is the large reply's (len 0xffff). */
int variant_split(const struct variant *v, unsigned mss);
/* Frees a variant's replies and sums. */
void variant_free(struct variant *v);
/* The percentage of the limit mss that data bytes take, rounded up. */
size_t percent_of(size_t data, unsigned mss);
/* The TCP window of a site of MSS mss (pagec_site.window): twice mss, at
 * most PAGEC_WINDOW_MAX. */
uint16_t site_window(unsigned mss);

/* fields.c */
/* 1 when a page of the Content-Type mime (parameters allowed) is text,
 * where live fields are looked for: text/..., JSON, JavaScript, XML and
 * the types with +xml or +json. */
int live_text_type(const char *mime);
/* The live fields and actions of a page: every marker in *body (*len
 * bytes) parsed, a live field's replaced by its width of spaces and an
 * action's taken out, in a new malloc'd body (*body and *len replaced,
 * the old one freed), recorded in pg->fields and pg->actions. Only in a
 * text page; in another one a marker is left as it is, with a warning.
 * port: the --port that serves the page, or 0 (such a page cannot be
 * live nor hold actions); o: the options (an action needs the HTTP port
 * and a request for it that fits --mss). Returns 0, or 1 after printing
 * every problem found (a marker that does not parse, fields of more than
 * LIVE_PAGE_MAX bytes, a live page or one with actions on a port) or
 * running out of memory; pg->fields and pg->actions are empty then. */
int marker_scan(const struct options *o, struct page *pg, uint8_t **body,
                size_t *len, unsigned port);
/* The actions of every page: the site's table of them, sorted by target,
 * and the names numbered in alphabetical order (each action's id).
 * Returns 0, or 1 after printing every problem found (a target declared
 * twice or that is a page's path, more than ACTION_NAMES_MAX names or
 * more actions than the format can hold) or running out of memory. */
int action_number(struct output *out);
/* Frees a page's actions. */
void actions_free(struct page *pg);
/* The names of the live fields of every page, numbered in alphabetical
 * order: out's names, and each field's id; the live tables' sizes.
 * Returns 0, or 1 after printing every problem found (a name with two
 * widths, more than LIVE_NAMES_MAX names) or running out of memory. */
int live_number(struct output *out);
/* The live fields of a page, as "a, b, c" (each name once, in the order
 * of their first field), in buf, cut short with "..." to fit size. */
void live_names_of(const struct page *pg, char *buf, size_t size);

/* emit.c: writes out_c, the header beside it (same name, .h) and, when
 * depfile is not NULL, a Make depfile naming out_c as the target: all
 * through temporary files, renamed into place once every one is
 * written. Returns 0, or -1 after printing an error (nothing is left
 * behind then). */
int emit_site(const struct output *o, const char *out_c,
              const char *depfile);
/* The tree's labels with repeated ones stored once, as the site stores
 * them: every node's label offset in *labels (malloc'd, *nlabels bytes)
 * goes to off[] (t->nnodes entries). Returns 0, or -1 when out of
 * memory. */
int share_labels(const struct tree *t, size_t *off, uint8_t **labels,
                 size_t *nlabels);
/* The header's name for out_c: ".c" replaced by ".h" (main.c refuses
 * an out_c that does not end in ".c"), or ".h" added. malloc'd. */
char *header_name(const char *out_c);

/* image.c: the compiled site as the runtime reads it, a struct pagec_site
 * in memory laid out as emit.c writes it (the same tables, indices and
 * bytes), for pagec_site_check() before anything is written. */
struct image {
    struct pagec_site site;
    struct pagec_variant *variants;
    struct pagec_page *pages;
    struct pagec_node *nodes;
    uint8_t *labels;
    struct pagec_port *ports;
    struct pagec_live *live;
    struct pagec_field *fields;
    struct pagec_action *actions;
    struct pagec_large *large;
};
/* Returns 0, or -1 after printing an error (out of memory, or paths that
 * take more label bytes than the format can address). The image points
 * into o's packets: it lives no longer than o. */
int image_build(const struct output *o, struct image *img);
void image_free(struct image *img);

/* report.c: the fit report, on f. */
void report_site(const struct output *o, FILE *f);

/* error.c: s made printable, in out (size bytes with the NUL; cut short
 * at a character when it does not fit): printable ASCII and well-formed
 * UTF-8 characters as they are; control characters, C1 controls, DEL,
 * bytes that are not UTF-8 and '\\' as C escapes (\n, \t, \r, \\,
 * \xHH). Returns the columns it takes on a terminal, counting one for
 * each character: a wide character (CJK, most emoji) takes two there. */
size_t text_escape(char *out, size_t size, const char *s);
/* text_escape() of s into one of four static buffers, for a message: up
 * to four at once. */
const char *shown(const char *s);

/* Prints "pagec: " and the formatted message to stderr. */
void pagec_error(const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif /* PAGEC_COMPILER_H */
