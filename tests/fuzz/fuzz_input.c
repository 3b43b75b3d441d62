/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_input.c - libFuzzer targets for pagec_server_input(), with every
 * reply checked by code of this file alone.
 *
 * Built twice by run.sh, with three sites that pagec compiled: site.h
 * declares `site` (tests/sites/basic), lsite.h `lsite`, a site with live
 * fields, xsite.h `xsite` (tests/sites/large), a site of large replies;
 * the input's FUZZ_LIVE_SITE and FUZZ_LIVE_LARGE bits choose the one
 * served (fuzz.h):
 *   -DFUZZ_HTTP=0  fuzz_input: the input is a datagram (see fuzz.h), so
 *                  every layer is attacked: IPv4, ICMP, TCP and options;
 *   -DFUZZ_HTTP=1  fuzz_http: the input is the data of a segment built
 *                  here with the right ACK (ISN + 1), so the request reader
 *                  is reached on every run, which random datagrams almost
 *                  never do (they fail the checksums or the ISN check).
 * `now` comes from the first 4 input bytes in both, so the ISN's slot
 * arithmetic, wrap-around included, is fuzzed too.
 *
 * The checks, none of them using runtime code (pagec_isn() aside, which
 * defines the ISN; its own test checks it against reference vectors):
 * - an independent model of the runtime as pagec.h and pagec(3)
 *   describe it says, for each datagram, whether it is answered and with
 *   what: an echo reply, a SYN-ACK, an RST (with or without ACK), an ACK,
 *   or an HTTP reply from a set of templates (the request line and the
 *   header fields are read here again: method, absolute-form, %XX,
 *   HTTP/0.9, bad field lines, the page by its path, actions);
 * - the small services (PAGEC_SERVICES): UDP echo (the data back, the
 *   request's checksum, 0 when it had none) and daytime (the text, a
 *   checksum that is not 0), nothing for discard, a source port below
 *   1024 or another port; on TCP ports 7, 9 and 13 the SYN-ACK with the
 *   service's ISN, daytime's text and FIN on the handshake's ACK, the
 *   echo of data that starts where the echo of earlier data ended and
 *   fits the client, discard's ACKs, a FIN's FIN, the RSTs; each reply's
 *   data and checksums computed here. The daytime text is the driver's
 *   callback's (values driven by the input, returns of 0 to 255), called
 *   once for a daytime reply and never otherwise, or, srv.daytime NULL,
 *   "uptime N s\r\n";
 * - a reply is a well-formed IPv4 datagram: version 4 without options,
 *   total length = the reply's length, not a fragment, TTL 64, the header
 *   checksum right; TCP or ICMP checksum right (pseudo-header included),
 *   with this file's own one's-complement sum;
 * - it goes back where the request came from: addresses and ports
 *   swapped; sequence and acknowledgement numbers as the model says;
 * - a TCP reply is one of the compiled site's templates, byte for byte
 *   apart from the fields the runtime patches (site.h), and no more TCP
 *   data than the client's MSS class and window allow; an echo reply
 *   carries the request's identifier, sequence number and data, taken
 *   from the received datagram;
 * - live fields (pagec(3), "Live fields"): the driver's callback here
 *   records its calls and what it wrote, values driven by the input
 *   (returns of 0 to 255, above the width too, any bytes, NUL and 0xff
 *   included), or srv.live is NULL. A live page's 200 (or 404) reply
 *   calls it once for each field, in order, with the field's id and
 *   width, its dst[0 .. width) within the reply's live bytes; its body
 *   is the template's with each field the value written, padded with
 *   spaces (the placeholders when srv.live is NULL), and its checksums,
 *   recomputed here over those bytes, right. Any other reply (HEAD, 304,
 *   an error, a page without fields) and any datagram not answered
 *   call nothing, nor does anything outside pagec_server_input() and
 *   pagec_stream_end();
 * - actions (pagec(3), "Actions"): the live site has seven (three
 *   run.sh adds), whose table pagec made is checked against their
 *   markers; the site
 *   without actions answers POST 405 and reads no field more. The model
 *   reads a POST, a GET's query or a POST's body (Content-Length bytes)
 *   into the key PATH?QUERY, Content-Length (not digits: 400),
 *   Sec-Fetch-Site, Origin and Referer's origin against "http://" and
 *   Host (as strings,
 *   OWS dropped and case ignored: the runtime's 32-bit hashes could
 *   collide, which fuzzing will not find), and says 200, 403, 405, 411,
 *   413 or 431; an action's page is never a 304. The driver's action
 *   callback records its calls: one for a reply that is the action's
 *   page (200), with the action's id and argument, before the page's
 *   first live field is filled; none for any other reply or datagram,
 *   nor with srv.action NULL; the same in both APIs;
 * - the body from pagec_reply_piece() (at most 2 * fields + 1 pieces,
 *   each within the template, the live bytes or the echo's data) is the
 *   bytes of pagec_reply_copy(); the received datagram is not modified;
 *   a second call gives the same reply, and the same calls, whatever the
 *   reply buffer held before;
 * - the streaming API, fed a byte at a time and pulled as a driver pulls
 *   (a byte at a time, or in runs of pagec_stream_run()), pulls the same
 *   bytes, none before a TCP segment's end (an echo's aside: those are
 *   cut-through, and one found bad at its end may have pulled bytes),
 *   after the same calls of the live and daytime callbacks; a second pagec_stream_end() returns the same and
 *   calls nothing;
 * - large replies (PAGEC_LARGE, the site xsite, which the model does not
 *   describe): every datagram of the answer, pagec_server_input()'s and
 *   pagec_server_next()'s, is a well-formed IPv4 datagram with its
 *   checksums right, going back where the request came from, the same
 *   for a second call; the streaming API gives the same datagrams,
 *   pagec_stream_more() readying each, and no more; with the other
 *   sites no datagram follows the first.
 * What the model leaves open, so that it stays simpler than the code it
 * checks: with Accept-Encoding in the request, which encoding (or 406) is
 * chosen. An encoding goes out as 304 exactly when If-None-Match names
 * its ETag as a whole element of its list, or is "*".
 *
 * A failed check prints what was expected and what came, then aborts, so
 * libFuzzer saves the input. PAGEC_FUZZ_VERBOSE=1 in the environment
 * prints a few lines per input (what the model wanted, the live calls,
 * what came).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pagec/check.h"
#include "pagec/pagec.h"
#include "pagec/stream.h"
#include "lsite.h"
#include "site.h"
#include "xsite.h"

#ifndef FUZZ_HTTP
#define FUZZ_HTTP 0
#endif


#if !PAGEC_LIVE
#error "the fuzz targets check live fields: build with PAGEC_LIVE 1"
#endif
#if !PAGEC_ACTIONS
#error "the fuzz targets check actions: build with PAGEC_ACTIONS 1"
#endif


int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TH_FIN 0x01u
#define TH_SYN 0x02u
#define TH_RST 0x04u
#define TH_PSH 0x08u
#define TH_ACK 0x10u

static const uint8_t fuzz_secret[8] = FUZZ_SECRET;
static const uint8_t fuzz_server[4] = FUZZ_SERVER;
static int verbose;

/* ---- bytes and the checksum, written for this file ---- */

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] * 256u + p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return be16(p) * 65536u + be16(p + 2);
}

static void set16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8 & 0xffu);
    p[1] = (uint8_t)(v & 0xffu);
}

static void set32(uint8_t *p, uint32_t v)
{
    set16(p, v >> 16);
    set16(p + 2, v & 0xffffu);
}

/* The 16-bit one's-complement sum of n bytes plus extra, end-around
 * carries added until none is left: 0xffff over a correct header with
 * its checksum field. Words are summed in a 64-bit accumulator. */
static uint32_t ocsum(const uint8_t *p, size_t n, uint64_t extra)
{
    uint64_t s = extra;
    size_t i;

    for (i = 0; i + 1 < n; i += 2) {
        s += be16(p + i);
    }
    if (n & 1) {
        s += (uint64_t)p[n - 1] << 8;
    }
    while (s >> 16) {
        s = (s & 0xffffu) + (s >> 16);
    }
    return (uint32_t)s;
}

/* The pseudo-header's sum for a TCP segment of n bytes in datagram ip. */
static uint64_t pseudo(const uint8_t *ip, size_t n)
{
    return (uint64_t)be16(ip + 12) + be16(ip + 14) + be16(ip + 16) +
           be16(ip + 18) + 6u + n;
}

/* ---- the site as data: its templates and its paths ---- */

enum kind { K_SYNACK, K_ACK, K_RST, K_STATUS, K_OK, K_304 };

/* A reply: a template, sent with the status code status; with patched,
 * its three digits written over the template's at PAGEC_STATUS_AT of its
 * TCP data (site.h: the error reply as each code, a HEAD form as 304, a
 * 404.html as 404). */
struct entry {
    const struct pagec_tmpl *t;
    enum kind kind;
    int status;  /* the status code sent; 0 for a control segment */
    int patched; /* the status digits are not the template's own */
    int page;    /* K_OK, K_304: the page; else -1 */
    int gzip;    /* K_OK, K_304: the gzip encoding */
    int head;    /* the HEAD template (header fields alone) */
    int live;    /* the get template of a live variant: its index in the
                    site's live table; else -1 */
};

#define MAX_ENTRIES 512

struct path {
    uint8_t *bytes;
    size_t len;
    int page;
};

#define MAX_PATHS 256

/* What this file knows of one site: its replies, its paths, and the keys
 * PATH?QUERY of its actions (page: the action's index). */
struct catalogue {
    const PAGEC_ROM struct pagec_site *site;
    struct entry entries[MAX_ENTRIES];
    size_t nentries;
    struct path paths[MAX_PATHS];
    size_t npaths;
    struct path acts[MAX_PATHS];
    size_t nacts;
};

/* The two sites fuzzed: tests/sites/basic (site) and a site with live
 * fields (lsite), chosen per input by FUZZ_LIVE_SITE; cs and cat are
 * the one of the current input. */
static struct catalogue cats[2];
static struct catalogue *cat;
static const PAGEC_ROM struct pagec_site *cs;

/* The sites the model describes: site and lsite (compiled with
 * --max-segments 1, run.sh) served with their large replies off,
 * nlarge 0, as a runtime without PAGEC_LARGE serves them (pagec/site.h:
 * a reply too big for the client's MSS class gets the page's other
 * encoding, or 503). Large replies are served by xsite. */
static struct pagec_site site_one;
static struct pagec_site lsite_one;

static void die(const char *what)
{
    fprintf(stderr, "fuzz: %s\n", what);
    abort();
}

static void add_entry(const struct pagec_tmpl *t, enum kind kind, int status,
                      int patched, int page, int gzip, int head, int live)
{
    struct entry *e;

    if (t->len == 0) {
        return; /* an encoding the page does not have */
    }
    if (cat->nentries == MAX_ENTRIES) {
        die("site too large for the catalogue of templates");
    }
    e = &cat->entries[cat->nentries++];
    e->t = t;
    e->kind = kind;
    e->status = status;
    e->patched = patched;
    e->page = page;
    e->gzip = gzip;
    e->head = head;
    e->live = head ? -1 : live;
}

/* The variant of page p in encoding gzip, or NULL when it has none. */
static const struct pagec_variant *variant(uint16_t p, int gzip)
{
    uint16_t v = gzip ? cs->pages[p].gzip : cs->pages[p].identity;

    if (v == PAGEC_NO_PAGE) {
        return NULL;
    }
    if (v >= cs->nvariants) {
        die("a variant index out of range");
    }
    return &cs->variants[v];
}

/* The index in the site's live table of variant v, or -1: a variant
 * without live fields. */
static int live_of(uint16_t v)
{
    uint16_t i;

    for (i = 0; i < cs->nlive; i++) {
        if (cs->live[i].variant == v) {
            return i;
        }
    }
    return -1;
}

/* Walks the radix tree from node, prefix (len bytes) read so far. */
static void walk(size_t node, uint8_t *prefix, size_t len, size_t depth)
{
    const struct pagec_node *n = &cs->nodes[node];
    size_t i;

    if (depth > cs->nnodes || len + n->label_len > 4096) {
        die("the site's radix tree is not a tree");
    }
    memcpy(prefix + len, cs->labels + n->label, n->label_len);
    len += n->label_len;
    if (n->page != PAGEC_NO_PAGE) {
        /* a page's path, or an action's key (pagec/site.h: npages + k) */
        int act = n->page >= cs->npages;
        struct path *p = act ? &cat->acts[cat->nacts] : &cat->paths[cat->npaths];

        if ((act ? cat->nacts : cat->npaths) == MAX_PATHS ||
            n->page >= cs->npages + cs->nactions) {
            die("too many paths, or a page out of range");
        }
        p->bytes = malloc(len ? len : 1);
        if (p->bytes == NULL) {
            die("out of memory");
        }
        memcpy(p->bytes, prefix, len);
        p->len = len;
        p->page = act ? n->page - cs->npages : n->page;
        if (act) {
            cat->nacts++;
        } else {
            cat->npaths++;
        }
    }
    for (i = 0; i < n->nchild; i++) {
        if ((size_t)n->first_child + i >= cs->nnodes) {
            die("a child out of the radix tree");
        }
        walk(n->first_child + i, prefix, len, depth + 1);
    }
}

/* Fills catalogue c for site s (the current site from then on), made
 * from the site pagec made, made, which is checked. */
static void catalogue_init(struct catalogue *c,
                           const PAGEC_ROM struct pagec_site *s,
                           const PAGEC_ROM struct pagec_site *made)
{
    static uint8_t prefix[4096 + 65536];
    static const int codes[] = {400, 403, 404, 405, 406, 411,
                                413, 431, 501, 503, 505};
    const char *why = NULL;
    uint16_t p;
    size_t i;
    int gz;

    cat = c;
    cs = s;
    c->site = s;
    if (cs->format != PAGEC_FORMAT_VERSION) {
        die("site of another format");
    }
    /* the oracle below trusts the site: it must be sound first, as
     * pagec made it (s is made from it) */
    if (pagec_site_check(made, &why) != 0) {
        die(why);
    }
    add_entry(&cs->syn_ack, K_SYNACK, 0, 0, -1, 0, 0, -1);
    add_entry(&cs->ack, K_ACK, 0, 0, -1, 0, 0, -1);
    add_entry(&cs->rst, K_RST, 0, 0, -1, 0, 0, -1);
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        add_entry(&cs->status, K_STATUS, codes[i], 1, -1, 0, 0, -1);
    }
    for (p = 0; p < cs->npages; p++) {
        for (gz = 0; gz < 2; gz++) {
            const struct pagec_variant *v = variant(p, gz);
            int live;

            if (v == NULL) {
                continue;
            }
            live = live_of((uint16_t)(v - cs->variants));
            add_entry(&v->get, K_OK, 200, 0, p, gz, 0, live);
            add_entry(&v->head, K_OK, 200, 0, p, gz, 1, -1);
            add_entry(&v->head, K_304, 304, 1, p, gz, 1, -1);
            if (p == cs->not_found) {
                add_entry(&v->get, K_OK, 404, 1, p, gz, 0, live);
                add_entry(&v->head, K_OK, 404, 1, p, gz, 1, -1);
            }
        }
    }
    if (cs->nnodes > 0) {
        walk(0, prefix, 0, 0);
    }
    /* each action has one key, and a page of the site */
    if (cat->nacts != cs->nactions) {
        die("an action without a key, or with two");
    }
    for (i = 0; i < cat->nacts; i++) {
        size_t j;

        for (j = 0; j < i; j++) {
            if (cat->acts[j].page == cat->acts[i].page) {
                die("an action with two keys");
            }
        }
        if (cs->actions[cat->acts[i].page].page >= cs->npages) {
            die("an action's page out of range");
        }
    }
}

/* The page at path w, or -1. */
static int page_at(const char *w)
{
    size_t i;

    for (i = 0; i < cat->npaths; i++) {
        if (cat->paths[i].len == strlen(w) &&
            memcmp(cat->paths[i].bytes, w, cat->paths[i].len) == 0) {
            return cat->paths[i].page;
        }
    }
    return -1;
}

/* The actions of the live site, each by its marker (tests/sites/live,
 * and those run.sh adds): the names numbered in byte order (pagec(1),
 * "Actions"), the page that holds the marker. pagec's table must say
 * the same. */
static void check_actions(void)
{
    static const struct {
        const char *key;
        unsigned id;
        unsigned arg;
        const char *page;
    } want[] = {
        {"/led?set=1", 1, 1, "/index.html"},
        {"/led?set=0", 1, 0, "/index.html"},
        {"/cfg?m=a%20b&x=?", 2, 65535, "/index.html"},
        {"/ping?now", 3, 7, "/about.html"},
        {"/?go=%41", 0, 65535, "/panel.txt"},
        {"/status.json?zap", 5, 0, "/panel.txt"},
        {"/about.html?reset=yes&x=%20", 4, 7, "/done.txt"},
    };
    typedef char ids_in_byte_order[lsite_ACTION_go == 0 &&
                                           lsite_ACTION_led == 1 &&
                                           lsite_ACTION_mode == 2 &&
                                           lsite_ACTION_ping == 3 &&
                                           lsite_ACTION_reset == 4 &&
                                           lsite_ACTION_zap == 5 &&
                                           lsite_ACTION_COUNT == 6
                                       ? 1
                                       : -1];
    size_t i;
    size_t j;

    (void)sizeof(ids_in_byte_order);
    if (cat->nacts != sizeof want / sizeof want[0]) {
        die("the live site has other actions than its markers");
    }
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        const PAGEC_ROM struct pagec_action *a = NULL;

        for (j = 0; j < cat->nacts; j++) {
            if (cat->acts[j].len == strlen(want[i].key) &&
                memcmp(cat->acts[j].bytes, want[i].key,
                       cat->acts[j].len) == 0) {
                a = &cs->actions[cat->acts[j].page];
            }
        }
        if (a == NULL) {
            die("an action's key missing from the live site");
        }
        if (a->id != want[i].id || a->arg != want[i].arg ||
            a->page != page_at(want[i].page)) {
            die("an action's id, argument or page not its marker's");
        }
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *env = getenv("PAGEC_FUZZ_VERBOSE");

    (void)argc;
    (void)argv;
    verbose = env != NULL && *env != '\0' && *env != '0';
    /* the model's sites with their large replies off (see site_one) */
    site_one = site;
    site_one.nlarge = 0;
    site_one.block = 0;
    lsite_one = lsite;
    lsite_one.nlarge = 0;
    lsite_one.block = 0;
    catalogue_init(&cats[1], &lsite_one, &lsite);
    if (lsite.nlive == 0) {
        die("the live site has no live page");
    }
    check_actions();
    catalogue_init(&cats[0], &site_one, &site);
    if (site.nactions != 0) {
        die("the plain site has actions");
    }
    return 0;
}

/* ---- what the runtime should answer: the model ---- */

enum want {
    W_NONE,   /* no reply */
    W_ANY,    /* the model cannot tell (two ISNs fit the ACK) */
    W_ECHO,   /* an ICMP echo reply */
    W_SYNACK, /* SYN-ACK */
    W_RST,    /* RST, with ACK when rst_ack */
    W_ACK,    /* a plain ACK, with FIN when ack_fin */
    W_DATA,   /* a reply from allowed[], or none when none_ok */
    W_SVC,    /* a service's TCP data: the echo, or the daytime text */
    W_UDP     /* a service's UDP reply: the echo, or the daytime text */
};

static const char *const want_names[] = {"no reply", "anything", "echo",
                                         "SYN-ACK", "RST", "ACK",
                                         "HTTP reply", "service data",
                                         "UDP reply"};

struct expect {
    enum want want;
    uint32_t seq;
    uint32_t ack;
    int rst_ack;
    int ack_fin;
    uint16_t limit;         /* W_DATA: most TCP data the client takes */
    unsigned char allowed[MAX_ENTRIES]; /* W_DATA: replies allowed */
    int none_ok;            /* W_DATA: no reply allowed too */
    uint32_t flags;         /* W_SVC: the TCP flags */
    const uint8_t *data;    /* W_SVC, W_UDP: the data the reply carries */
    size_t dlen;
    int echo;               /* W_SVC, W_UDP: an echo (data from the
                               datagram), else the daytime text */
    int nosum;              /* W_UDP: the UDP checksum is 0 (none) */
    uint8_t text[PAGEC_DAYTIME_MAX + 1]; /* the daytime text expected */
    const char *why;        /* the model's reason, for the messages */
    int act;                /* W_DATA: the action a 200 runs, or -1 */
};

static int find_entry(const struct pagec_tmpl *t, int status)
{
    size_t i;

    for (i = 0; i < cat->nentries; i++) {
        if (cat->entries[i].t == t && cat->entries[i].status == status) {
            return (int)i;
        }
    }
    die("a template missing from the catalogue");
    return -1;
}

static uint32_t tcp_data(const struct pagec_tmpl *t)
{
    return (uint32_t)t->len - t->hlen;
}

/* Allows t sent as status, when it fits e->limit; else the error reply
 * as 503 (it has no body: it serves HEAD too), or no reply when that does
 * not fit either. */
static void allow(struct expect *e, const struct pagec_tmpl *t, int status)
{
    if (tcp_data(t) <= e->limit) {
        e->allowed[find_entry(t, status)] = 1;
    } else if (tcp_data(&cs->status) <= e->limit) {
        e->allowed[find_entry(&cs->status, 503)] = 1;
    } else {
        e->none_ok = 1;
    }
}

/* RFC 9110 section 5.6.2: VCHAR except the delimiters. */
static int is_tchar(uint8_t c)
{
    return c > 0x20 && c < 0x7f && strchr("\"(),/:;<=>?@[\\]{}", c) == NULL;
}

static int is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static int hex(uint8_t c)
{
    if (is_digit(c)) {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* 1 when the n bytes at p equal the word w, letters of either case. */
static int same_word(const uint8_t *p, size_t n, const char *w)
{
    size_t i;

    if (strlen(w) != n) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        uint8_t c = p[i];

        if (c >= 'A' && c <= 'Z') {
            c = (uint8_t)(c - 'A' + 'a');
        }
        if (c != (uint8_t)w[i]) {
            return 0;
        }
    }
    return 1;
}

/* 1 when the n bytes at p contain w (ignoring case when nocase). */
static int contains(const uint8_t *p, size_t n, const uint8_t *w, size_t wn,
                    int nocase)
{
    size_t i;

    for (i = 0; wn > 0 && i + wn <= n; i++) {
        if (nocase ? same_word(p + i, wn, (const char *)w)
                   : memcmp(p + i, w, wn) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The request as this file reads it (pagec(3), "What is answered"). */
struct request {
    int answered;  /* 0: not a complete request line, no reply */
    int status;    /* 200 (a page), 400, 403, 404, 405, 411, 413, 431,
                      501, 505 */
    int head;
    int page;
    int act;       /* an action run (status 200): its index in the site's
                      actions; else -1 */
    const uint8_t *fields; /* after the request line */
    size_t nfields;
};

static int is_ows(uint8_t c);

/* The next line of the n bytes at *p (moved past it): its bytes at
 * *line, *len of them without its line end (LF, or CR LF); *cut when the
 * segment ends in it (a CR it ends with is held back by the runtime, not
 * read: not counted). 0 when no bytes are left. */
static int next_line(const uint8_t **p, size_t *n, const uint8_t **line,
                     size_t *len, int *cut)
{
    const uint8_t *lf;

    if (*n == 0) {
        return 0;
    }
    lf = memchr(*p, '\n', *n);
    *line = *p;
    *cut = lf == NULL;
    *len = lf == NULL ? *n : (size_t)(lf - *p);
    if (*len > 0 && (*p)[*len - 1] == '\r') {
        --*len;
    }
    *n -= lf == NULL ? *n : (size_t)(lf + 1 - *p);
    *p = lf == NULL ? *p + *len : lf + 1;
    return 1;
}

/* 1 when the field line of len bytes at line (with a colon) has the name
 * w (lower-case), letters of either case; *v and *vn its value. */
static int field_is(const uint8_t *line, size_t len, const char *w,
                    const uint8_t **v, size_t *vn)
{
    const uint8_t *colon = memchr(line, ':', len);

    if (colon == NULL || !same_word(line, (size_t)(colon - line), w)) {
        return 0;
    }
    *v = colon + 1;
    *vn = len - (size_t)(colon + 1 - line);
    return 1;
}

/* A Content-Length value (RFC 9110 section 8.6: 1*DIGIT) as a site with
 * actions reads it: OWS anywhere skipped; its number (saturated at
 * 0xfffe: more than a segment holds), or -1 when a byte is not a digit,
 * or when the value (complete: not cut) has none. */
static long content_length(const uint8_t *v, size_t n, int cut)
{
    long x = 0;
    size_t digits = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (is_ows(v[i])) {
            continue;
        }
        if (!is_digit(v[i])) {
            return -1;
        }
        x = x * 10 + (v[i] - '0');
        if (x > 0xfffe) {
            x = 0xfffe;
        }
        digits++;
    }
    return digits == 0 && !cut ? -1 : x;
}

/* A field value with its OWS dropped and its letters lower-cased, into
 * out (n bytes at most); its length. */
static size_t squeeze(const uint8_t *v, size_t n, uint8_t *out)
{
    size_t k = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (!is_ows(v[i])) {
            out[k++] = v[i] >= 'A' && v[i] <= 'Z' ? (uint8_t)(v[i] + 32)
                                                  : v[i];
        }
    }
    return k;
}

/* What a site with actions reads of the field lines (pagec(3),
 * "Actions"), up to the blank line. */
struct act_fields {
    int end;          /* the blank line is in the segment */
    const uint8_t *body; /* what follows it */
    size_t nbody;
    long clen;        /* the last Content-Length; -1: none */
    int cross;        /* a Sec-Fetch-Site neither same-origin nor none */
    int origin;       /* an Origin field */
    int host;         /* a Host field */
    int same;         /* the Origin fields, one after the other, are
                         "http://" and Host, OWS dropped, case ignored */
    int referer;      /* a Referer field */
    int rsame;        /* the Referer fields' origins (each up to the
                         third '/', OWS dropped), one after the other,
                         are "http://" and Host */
};

static void read_act_fields(const uint8_t *p, size_t n, struct act_fields *a)
{
    static uint8_t host[65536 + 8];
    static uint8_t origin[65536];
    static uint8_t referer[65536];
    size_t hn = 0;
    size_t on = 0;
    size_t rn = 0;
    const uint8_t *line;
    size_t len;
    int cut;

    memset(a, 0, sizeof *a);
    a->clen = -1;
    while (next_line(&p, &n, &line, &len, &cut)) {
        const uint8_t *v;
        size_t vn;

        if (len == 0 && !cut) {
            a->end = 1;
            a->body = p;
            a->nbody = n;
            break;
        }
        if (field_is(line, len, "content-length", &v, &vn)) {
            a->clen = content_length(v, vn, cut);
        } else if (field_is(line, len, "host", &v, &vn)) {
            a->host = 1;
            memcpy(host, "http://", 7);
            hn = 7 + squeeze(v, vn, host + 7);
        } else if (field_is(line, len, "origin", &v, &vn)) {
            a->origin = 1;
            on += squeeze(v, vn, origin + on);
        } else if (field_is(line, len, "referer", &v, &vn)) {
            static uint8_t w[65536];
            size_t k = squeeze(v, vn, w);
            size_t i;
            int slashes = 0;

            a->referer = 1;
            for (i = 0; i < k && !(w[i] == '/' && ++slashes == 3); i++) {
                referer[rn++] = w[i];
            }
        } else if (field_is(line, len, "sec-fetch-site", &v, &vn) && !cut) {
            static uint8_t w[65536];
            size_t k = squeeze(v, vn, w);

            if (!(k == 11 && memcmp(w, "same-origin", 11) == 0) &&
                !(k == 4 && memcmp(w, "none", 4) == 0)) {
                a->cross = 1;
            }
        }
    }
    a->same = a->origin && a->host && hn == on && memcmp(host, origin, on) == 0;
    a->rsame = a->referer && a->host && hn == rn &&
               memcmp(host, referer, rn) == 0;
}

static int bad_target_byte(uint8_t c)
{
    return c <= 0x20 || c == 0x7f;
}

/* 1 when the field lines of the n bytes at p make the request a 400: a
 * space before a colon, or an empty name (RFC 9112 section 5.1); a line
 * that starts with a space or a tab (obs-fold, section 5.2); two Host
 * fields, or none in an HTTP/1.1 request (v11) whose header ends in the
 * segment (RFC 9112 section 3.2). Reading stops at the blank line. The
 * runtime reads a byte at a time, so a line the segment cuts off counts
 * once its colon arrived, and without the blank line a Host may still
 * come in what was not received. */
static int bad_fields(const uint8_t *p, size_t n, int v11, int acts)
{
    int hosts = 0;
    int clens = 0;

    while (n > 0) {
        const uint8_t *lf = memchr(p, '\n', n);
        size_t len;
        const uint8_t *colon;

        if (lf == NULL) {
            len = n; /* the last line, cut off */
        } else {
            len = (size_t)(lf - p);
            if (len > 0 && p[len - 1] == '\r') {
                len--;
            }
        }
        if (len == 0) {
            return v11 && hosts == 0; /* the blank line */
        }
        if (p[0] == ' ' || p[0] == '\t') {
            return 1;
        }
        colon = memchr(p, ':', len);
        if (colon != NULL &&
            (colon == p || colon[-1] == ' ' || colon[-1] == '\t')) {
            return 1;
        }
        if (colon != NULL && same_word(p, (size_t)(colon - p), "host") &&
            ++hosts > 1) {
            return 1;
        }
        /* a site with actions reads Content-Length: a second one, or
         * one not 1*DIGIT, is a 400 */
        if (acts && colon != NULL &&
            same_word(p, (size_t)(colon - p), "content-length") &&
            ++clens > 1) {
            return 1;
        }
        if (acts && colon != NULL &&
            same_word(p, (size_t)(colon - p), "content-length") &&
            content_length(colon + 1,
                           len - (size_t)(colon + 1 - p) -
                               (lf == NULL && p[len - 1] == '\r' ? 1 : 0),
                           lf == NULL) < 0) {
            return 1;
        }
        if (lf == NULL) {
            return 0;
        }
        n -= (size_t)(lf + 1 - p);
        p = lf + 1;
    }
    return 0;
}

static int is_ows(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* 1 when the value v (n bytes) of an If-None-Match field names the ETag
 * etag (elen bytes, quotes included) or is "*" (RFC 9110 section
 * 13.1.2). The value is a list of entity-tags, W/"..." or "...", with
 * commas and OWS between them, compared by the weak comparison (section
 * 8.8.3.2: "W/" does not count). The list is read up to its first
 * element that is not an entity-tag. Of a value the segment cut off
 * (cut), an element counts only when a comma follows it, and "*" not at
 * all. */
static int inm_value(const uint8_t *v, size_t n, const uint8_t *etag,
                     size_t elen, int cut)
{
    size_t a = 0;
    size_t b = n;
    size_t i = 0;

    while (a < b && is_ows(v[a])) {
        a++;
    }
    while (b > a && is_ows(v[b - 1])) {
        b--;
    }
    if (!cut && b - a == 1 && v[a] == '*') {
        return 1;
    }
    for (;;) {
        const uint8_t *close;
        size_t start;
        size_t end;
        size_t k;

        while (i < n && (is_ows(v[i]) || v[i] == ',')) {
            i++;
        }
        if (i == n) {
            return 0;
        }
        if (i + 2 <= n && v[i] == 'W' && v[i + 1] == '/') {
            i += 2;
        }
        if (i == n || v[i] != '"') {
            return 0; /* not an entity-tag */
        }
        start = i;
        close = memchr(v + i + 1, '"', n - i - 1);
        if (close == NULL) {
            return 0;
        }
        end = (size_t)(close - v) + 1;
        for (k = start + 1; k + 1 < end; k++) {
            if (v[k] <= 0x20 || v[k] == 0x7f) {
                return 0; /* not an etagc */
            }
        }
        for (i = end; i < n && is_ows(v[i]); i++) {
        }
        if (i < n && v[i] != ',') {
            return 0; /* something after the tag */
        }
        if ((i < n || !cut) && end - start == elen &&
            memcmp(v + start, etag, elen) == 0) {
            return 1;
        }
    }
}

/* 1 when an If-None-Match field line of the n bytes of field lines at p
 * names the ETag etag (elen bytes) or is "*"; reading stops at the blank
 * line. */
static int inm_names(const uint8_t *p, size_t n, const uint8_t *etag,
                     size_t elen)
{
    while (n > 0) {
        const uint8_t *lf = memchr(p, '\n', n);
        const uint8_t *colon;
        size_t len;

        if (lf == NULL) {
            len = n; /* the last line, cut off */
        } else {
            len = (size_t)(lf - p);
            if (len > 0 && p[len - 1] == '\r') {
                len--;
            }
        }
        if (len == 0) {
            return 0;
        }
        colon = memchr(p, ':', len);
        if (colon != NULL &&
            same_word(p, (size_t)(colon - p), "if-none-match") &&
            inm_value(colon + 1, len - (size_t)(colon + 1 - p), etag, elen,
                      lf == NULL)) {
            return 1;
        }
        if (lf == NULL) {
            return 0;
        }
        n -= (size_t)(lf + 1 - p);
        p = lf + 1;
    }
    return 0;
}

/* The action whose key is the n bytes at k, or -1. */
static int action_key(const uint8_t *k, size_t n)
{
    size_t i;

    for (i = 0; i < cat->nacts; i++) {
        if (cat->acts[i].len == n && memcmp(cat->acts[i].bytes, k, n) == 0) {
            return cat->acts[i].page;
        }
    }
    return -1;
}

/* 1 when a page's path or an action's key starts with the n bytes at k. */
static int key_prefix(const uint8_t *k, size_t n)
{
    size_t i;

    for (i = 0; i < cat->npaths; i++) {
        if (cat->paths[i].len >= n && memcmp(cat->paths[i].bytes, k, n) == 0) {
            return 1;
        }
    }
    for (i = 0; i < cat->nacts; i++) {
        if (cat->acts[i].len >= n && memcmp(cat->acts[i].bytes, k, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/*
 * A GET with a query or a POST to a site with actions (pagec(3),
 * "Actions"), its request line and field lines good: path (plen bytes,
 * %-decoded, with room after it) and the query (qn bytes at query, its
 * '?' first; NULL when the target has none). The key is the path, '?' and
 * the query as sent, or for a POST without one the body (Content-Length
 * bytes after the blank line). Sets q and returns 1 for an action (run,
 * or refused) and for a POST; 0 for a GET whose query names no action:
 * the path's page, as before.
 */
static int read_action(struct request *q, uint8_t *path, size_t plen, int post,
                       const uint8_t *query, size_t qn, int blank)
{
    struct act_fields f;
    int keys = 0;
    int k = -1;
    int body = 0;

    read_act_fields(q->fields, q->nfields, &f);
    if (query != NULL) {
        memcpy(path + plen, query, qn);
        k = action_key(path, plen + qn);
    } else if (f.end) {
        /* the body, as much of it as came */
        size_t got = f.clen < 0 || (size_t)f.clen > f.nbody ? f.nbody
                                                             : (size_t)f.clen;

        body = 1;
        path[plen] = '?';
        keys = key_prefix(path, plen + 1);
        memcpy(path + plen + 1, f.body, got);
        k = f.clen < 0 ? -1 : action_key(path, plen + 1 + got);
    }
    if (body && keys && f.clen < 0) {
        q->status = 411; /* RFC 9110 section 15.5.12 */
    } else if (body && keys && (size_t)f.clen > f.nbody) {
        q->status = 413; /* the body is not all in the segment */
    } else if (post && !f.end && k < 0) {
        q->status = 413; /* nor can it be: the header is not */
    } else if (k < 0) {
        if (!post) {
            return 0;
        }
        q->status = 405; /* a POST that names no action */
    } else if (!f.end) {
        q->status = 431; /* the header not all in the segment */
    } else if (f.cross || (f.origin && !f.same) || (f.referer && !f.rsame) ||
               blank) {
        /* from another site; or after empty lines, which a later segment
         * of another site's POST body could start with */
        q->status = 403; /* from another site */
    } else {
        q->status = 200;
        q->act = k;
        q->page = cs->actions[k].page;
    }
    return 1;
}

static void read_request(const uint8_t *d, size_t n, struct request *q)
{
    static const char *const known[] = {"POST",    "PUT",   "DELETE",
                                        "CONNECT", "OPTIONS", "TRACE",
                                        "PATCH"};
    static uint8_t path[65536];
    const uint8_t *lf;
    size_t s = 0;
    size_t e;
    size_t m;
    size_t t;
    size_t plen = 0;
    size_t i;
    size_t qs = 0; /* where the query starts, its '?' */
    int major = 1; /* HTTP/0.9 without a version counts as 1 here */
    int minor = 0;
    int acts = cs->nactions > 0;
    int post = 0;
    int blank;

    memset(q, 0, sizeof *q);
    q->page = -1;
    q->act = -1;
    while (s < n && (d[s] == '\r' || d[s] == '\n')) {
        s++; /* empty lines before the request line */
    }
    blank = s > 0;
    lf = memchr(d + s, '\n', n - s);
    if (lf == NULL) {
        return; /* not complete in this segment */
    }
    e = (size_t)(lf - d);
    q->fields = lf + 1;
    q->nfields = n - e - 1;
    if (e > s && d[e - 1] == '\r') {
        e--;
    }
    if (e - s >= 9 && memcmp(d + e - 9, " HTTP/", 6) == 0 &&
        is_digit(d[e - 3]) && d[e - 2] == '.' && is_digit(d[e - 1])) {
        major = d[e - 3] - '0';
        minor = d[e - 1] - '0';
        e -= 9;
    } else if (!(e - s > 4 && memcmp(d + s, "GET /", 5) == 0)) {
        return; /* neither HTTP/1.x nor HTTP/0.9: a request's tail */
    }
    for (m = s; m < e && is_tchar(d[m]); m++) {
    }
    if (m == s || m == e || d[m] != ' ') {
        return; /* no method */
    }
    q->answered = 1;
    q->head = m - s == 4 && memcmp(d + s, "HEAD", 4) == 0;
    /* a site with actions reads a POST; one without answers it 405 */
    post = acts && m - s == 4 && memcmp(d + s, "POST", 4) == 0;
    if (major != 1) {
        q->status = 505; /* RFC 9112 section 2.3, whatever else */
        return;
    }
    if (!q->head && !post && !(m - s == 3 && memcmp(d + s, "GET", 3) == 0)) {
        q->status = 501;
        for (i = 0; i < sizeof known / sizeof known[0]; i++) {
            if (strlen(known[i]) == m - s &&
                memcmp(d + s, known[i], m - s) == 0) {
                q->status = 405;
            }
        }
        return;
    }
    t = m + 1;
    if (memchr(d + t, '#', e - t) != NULL) {
        q->status = 400; /* RFC 9112 section 3.2: a target has no fragment */
        return;
    }
    if ((e - t >= 7 && same_word(d + t, 7, "http://")) ||
        (e - t >= 8 && same_word(d + t, 8, "https://"))) {
        t += d[t + 4] == ':' ? 7 : 8;
        /* the authority ends at '/' or '?' (RFC 3986); a control byte
         * or space in it is 400 */
        for (; t < e && d[t] != '/' && d[t] != '?'; t++) {
            if (bad_target_byte(d[t])) {
                q->status = 400;
                return;
            }
        }
        if (t == e || d[t] != '/') {
            path[plen++] = '/';
        }
        /* "http://host?query": the path empty, taken as "/", the query
         * read as that of "http://host/?query" (RFC 3986 section 6.2.3,
         * RFC 9112 section 3.2.1) */
    } else if (t == e || d[t] != '/') {
        q->status = 400;
        return;
    }
    while (t < e && d[t] != '?') {
        uint8_t c = d[t];

        if (bad_target_byte(c)) {
            q->status = 400;
            return;
        }
        if (c == '%') {
            if (t + 2 >= e || hex(d[t + 1]) < 0 || hex(d[t + 2]) < 0) {
                q->status = 400;
                return;
            }
            c = (uint8_t)(hex(d[t + 1]) * 16 + hex(d[t + 2]));
            t += 2;
        }
        path[plen++] = c;
        t++;
    }
    qs = t;
    for (; t < e; t++) {
        if (bad_target_byte(d[t])) {
            q->status = 400; /* in the query */
            return;
        }
    }
    if (bad_fields(q->fields, q->nfields, minor > 0, acts)) {
        q->status = 400;
        return;
    }
    if (acts && !q->head && (post || qs < e) &&
        read_action(q, path, plen, post, qs < e ? d + qs : NULL,
                    e - qs, blank)) {
        return;
    }
    q->status = 404;
    for (i = 0; i < cat->npaths; i++) {
        if (cat->paths[i].len == plen &&
            memcmp(cat->paths[i].bytes, path, plen) == 0) {
            q->status = 200;
            q->page = cat->paths[i].page;
        }
    }
}

/* The replies allowed for page p sent as status (200, or 404 for a
 * 404.html): without Accept-Encoding any coding is acceptable and identity
 * is preferred, unless it is missing or too big for the client; with it,
 * the choice is not modelled here: any encoding, or the error reply (as
 * 406, or 404 for a 404.html). A 200 may go out as 304 (the HEAD form)
 * when the request names the variant's ETag, or "*". */
static void allow_page(struct expect *e, const struct request *q, uint16_t p,
                       int status)
{
    const struct pagec_variant *id = variant(p, 0);
    int ae = contains(q->fields, q->nfields,
                      (const uint8_t *)"accept-encoding", 15, 1);
    int v;

    for (v = 0; v < 2; v++) {
        const struct pagec_variant *var = variant(p, v);

        if (var == NULL) {
            continue;
        }
        if (!ae && v == 1 && id != NULL && tcp_data(&id->get) <= e->limit) {
            continue;
        }
        /* 304 when If-None-Match names this ETag (quotes included, at
         * its fixed offset: site.h), or "*", for a page that has one (a
         * live page has none), not after an action; else the page's
         * reply */
        if (status == 200 && q->act < 0 && var->get.pkt[PAGEC_ETAG_AT] == '"' &&
            inm_names(q->fields, q->nfields, var->get.pkt + PAGEC_ETAG_AT,
                      PAGEC_ETAG_LEN)) {
            allow(e, &var->head, 304);
        } else {
            allow(e, q->head ? &var->head : &var->get, status);
        }
    }
    if (ae) {
        allow(e, &cs->status, status == 200 ? 406 : status);
    }
}

/* The replies allowed to an HTTP request of n bytes at d. */
static void expect_http(struct expect *e, const uint8_t *d, size_t n)
{
    struct request q;

    read_request(d, n, &q);
    if (!q.answered) {
        e->none_ok = 1;
        e->why = "no complete request line";
        return;
    }
    switch (q.status) {
    case 400:
        e->why = "bad request";
        allow(e, &cs->status, 400);
        return;
    case 404:
        e->why = "no such page";
        if (cs->not_found != PAGEC_NO_PAGE) {
            if (cs->not_found >= cs->npages) {
                die("the 404 page out of range");
            }
            allow_page(e, &q, cs->not_found, 404);
        } else {
            allow(e, &cs->status, 404);
        }
        return;
    case 405:
        e->why = "method not allowed";
        allow(e, &cs->status, 405);
        return;
    case 501:
        e->why = "unknown method";
        allow(e, &cs->status, 501);
        return;
    case 505:
        e->why = "HTTP version";
        allow(e, &cs->status, 505);
        return;
    case 403:
    case 411:
    case 413:
    case 431:
        e->why = q.status == 403   ? "an action from another site"
                 : q.status == 411 ? "a POST to an action's path without "
                                     "Content-Length"
                 : q.status == 413 ? "a POST whose body is not in the segment"
                                   : "an action whose header is cut";
        allow(e, &cs->status, q.status);
        return;
    default:
        break;
    }
    e->why = q.act >= 0 ? "an action" : "a page";
    e->act = q.act;
    allow_page(e, &q, (uint16_t)q.page, 200);
}

/* The MSS option of a SYN with hlen bytes of TCP header at tcp, or 536:
 * options are skipped by their length; a list that runs past the header
 * or has a length below 2 ends there. */
static uint32_t option_mss(const uint8_t *tcp, size_t hlen)
{
    uint32_t mss = 536;
    size_t i = 20;

    while (i < hlen && tcp[i] != 0) {
        if (tcp[i] == 1) {
            i++;
            continue;
        }
        if (i + 2 > hlen || tcp[i + 1] < 2 || i + tcp[i + 1] > hlen) {
            break;
        }
        if (tcp[i] == 2 && tcp[i + 1] == 4) {
            mss = be16(tcp + i + 2);
        }
        i += tcp[i + 1];
    }
    return mss;
}

/* The MSS class of an MSS (pagec.h: 536, 966, 1220, the site's) and the
 * TCP data a class takes. */
static unsigned class_of(uint32_t mss)
{
    if (mss >= cs->mss) {
        return 3;
    }
    return mss >= 1220 ? 2 : mss >= 966 ? 1 : 0;
}

static uint32_t class_data(unsigned c)
{
    static const uint32_t data[4] = {536, 966, 1220, 65535};

    if (c == 0 && cs->mss < 536) {
        return cs->mss; /* the floor follows a site made for less */
    }

    return data[c] < cs->mss ? data[c] : cs->mss;
}

/* The TCP window of every segment sent but an RST (pagec/site.h): twice
 * the site's MSS, at most 8191. */
static uint32_t window(void)
{
    return cs->mss <= 4095 ? 2u * cs->mss : 8191u;
}

static int martian(const uint8_t *a)
{
    return a[0] == 0 || a[0] == 127 || a[0] >= 224;
}

static int page_port(uint32_t port)
{
    uint16_t i;

    for (i = 0; i < cs->nports; i++) {
        if (cs->ports[i].port == port) {
            if (cs->ports[i].variant >= cs->nvariants) {
                die("a port's variant out of range");
            }
            return cs->ports[i].variant;
        }
    }
    return -1;
}

/* ---- the small services (PAGEC_SERVICES; pagec.h) ---- */

#define SVC_ECHO 7u
#define SVC_DISCARD 9u
#define SVC_DAYTIME 13u
#define B_MASK 0x3fffu /* B, the ISN's low 14 bits (pagec.h) */

static size_t day_text(uint32_t now, uint8_t *t);

/* 1 when a TCP segment to port is for a service: 7, 9 or 13, a port the
 * site does not use. */
static int tcp_service_port(uint32_t port)
{
    return PAGEC_SERVICES &&
           (port == SVC_ECHO || port == SVC_DISCARD || port == SVC_DAYTIME) &&
           !(cs->http_port != 0 && port == cs->http_port) &&
           page_port(port) < 0;
}

/* The ISN of a service's connection (pagec.h): B the hash's 14 bits
 * alone, which is pagec_isn() for a client ISN + 1 of 0 (bits 16-31
 * zero), plus on port 7 the client's ISN + 1, modulo 2^14. */
static uint32_t service_isn(const struct pagec_server *srv, const uint8_t *ip,
                            const uint8_t *tcp, uint32_t port, uint32_t slot,
                            unsigned cls, uint32_t client_isn)
{
    uint32_t i = pagec_isn(srv->secret, ip + 12, ip + 16, (uint16_t)be16(tcp),
                           (uint16_t)port, slot, (uint8_t)cls, 0xffffffffu);

    if (port == SVC_ECHO) {
        i = (i & ~B_MASK) | ((i + client_isn + 1u) & B_MASK);
    }
    return i;
}

/* A segment with ACK to service port (not a SYN, not an RST): dlen bytes
 * of data at d. */
static void expect_service(struct expect *e, const struct pagec_server *srv,
                           uint32_t now, const uint8_t *ip, const uint8_t *tcp,
                           const uint8_t *d, size_t dlen, uint32_t port)
{
    uint32_t flags = tcp[13];
    uint32_t seq = be32(tcp + 4);
    uint32_t ack = be32(tcp + 8);
    uint32_t end = seq + (uint32_t)dlen + (flags & TH_FIN ? 1u : 0u);
    uint32_t slot = now >> PAGEC_ISN_SLOT_LOG2;
    /* the most of our sequence space the connection uses, B's 14 bits
     * beyond it */
    uint32_t reach = (port == SVC_ECHO ? PAGEC_ECHO_SPAN
                                       : PAGEC_DAYTIME_MAX + 1u) +
                     B_MASK;
    uint32_t off = 0;
    uint32_t b = 0;
    uint32_t y;
    unsigned cls = 0;
    int found = 0;
    unsigned a;
    unsigned c;

    /* of the ISNs of the last 4 slots and 4 classes, the one whose top
     * 18 bits the ACK less 1 lies within reach of, the nearest */
    for (a = 0; a < 4; a++) {
        for (c = 0; c < 4; c++) {
            uint32_t s = (uint32_t)(((uint64_t)slot + (1ull << 32) - a) %
                                    (1ull << (32 - PAGEC_ISN_SLOT_LOG2)));
            /* B of the hash alone: a client ISN + 1 of 0 */
            uint32_t i = pagec_isn(srv->secret, ip + 12, ip + 16,
                                   (uint16_t)be16(tcp), (uint16_t)port, s,
                                   (uint8_t)c, 0xffffffffu);
            uint32_t o = ack - 1u - (i & ~B_MASK);

            if (o <= reach && (!found || o < off)) {
                found = 1;
                off = o;
                b = i & B_MASK;
                cls = c;
            }
        }
    }
    if (!found) {
        if (port == SVC_ECHO && dlen > 0) {
            /* the streaming API echoes before it can tell: no RST */
            e->why = "echo: ACK of nothing sent";
            return;
        }
        e->why = "service: ACK of nothing sent";
        e->want = W_RST;
        e->seq = ack;
        return;
    }
    if (port == SVC_ECHO) {
        uint32_t limit = class_data(cls);

        if (be16(tcp + 14) < limit) {
            limit = be16(tcp + 14);
        }
        if (((ack - seq - 1u - b) & B_MASK) != 0) {
            e->why = "echo: not where the echo of the earlier data ended";
            return;
        }
        if (dlen > limit) {
            e->why = "echo: larger than the client takes";
            return;
        }
        if (dlen > 0) {
            e->why = "echo";
            e->want = W_SVC;
            e->echo = 1;
            e->data = d;
            e->dlen = dlen;
            e->seq = ack;
            e->ack = end;
            e->flags = TH_ACK | TH_PSH | (flags & TH_FIN);
            return;
        }
        y = 0;
    } else {
        y = off - b; /* the bytes of ours acknowledged */
        if (y > PAGEC_DAYTIME_MAX + 1u) {
            e->why = "service: ACK beyond what was sent";
            e->want = W_RST;
            e->seq = ack;
            return;
        }
        if (y == 0 && port == SVC_DAYTIME) {
            e->why = "daytime";
            e->want = W_SVC;
            e->dlen = day_text(now, e->text);
            e->data = e->text;
            e->seq = ack;
            e->ack = end;
            e->flags = TH_FIN | TH_PSH | TH_ACK;
            return;
        }
    }
    if (dlen == 0 && !(flags & TH_FIN)) {
        e->why = "service: pure ACK";
        return;
    }
    e->why = port == SVC_ECHO ? "echo: FIN" : "service: data or FIN";
    e->want = W_ACK;
    e->seq = ack;
    e->ack = end;
    e->ack_fin = y == 0 && (flags & TH_FIN);
}

/* A UDP datagram of n bytes at u in datagram ip. */
static void expect_udp(struct expect *e, uint32_t now, const uint8_t *ip,
                       const uint8_t *u, size_t n)
{
    uint32_t dport;

    e->why = "UDP without the services";
    if (!PAGEC_SERVICES) {
        return;
    }
    if (n < 8 || be16(u + 4) != n) {
        e->why = "UDP length";
        return;
    }
    if ((u[6] || u[7]) &&
        ocsum(u, n, pseudo(ip, n) - 6u + 17u) != 0xffff) {
        e->why = "UDP checksum";
        return;
    }
    dport = be16(u + 2);
    if (dport != SVC_ECHO && dport != SVC_DISCARD && dport != SVC_DAYTIME) {
        e->why = "UDP to a port with no service";
        return;
    }
    if (be16(u) < 1024) {
        e->why = "UDP from a port below 1024";
        return;
    }
    if (dport == SVC_DISCARD) {
        e->why = "UDP discard";
        return;
    }
    e->want = W_UDP;
    if (dport == SVC_ECHO) {
        e->why = "UDP echo";
        e->echo = 1;
        e->data = u + 8;
        e->dlen = n - 8;
        e->nosum = !u[6] && !u[7];
    } else {
        e->why = "UDP daytime";
        e->dlen = day_text(now, e->text);
        e->data = e->text;
    }
}

static void expect_tcp(struct expect *e, const struct pagec_server *srv,
                       uint32_t now, const uint8_t *ip, const uint8_t *tcp,
                       size_t n)
{
    size_t hlen;
    size_t dlen;
    uint32_t flags;
    uint32_t port;
    uint32_t seq;
    uint32_t ack;
    uint32_t seglen;
    uint32_t slot = now >> PAGEC_ISN_SLOT_LOG2;
    uint32_t isn = 0;
    uint32_t off = 0;
    unsigned cls = 0;
    int found = 0;
    int fixed = -1;
    int svc = 0;
    unsigned a;
    unsigned c;

    if (n < 20) {
        e->why = "TCP header cut";
        return;
    }
    hlen = (size_t)(tcp[12] >> 4) * 4;
    if (hlen < 20 || hlen > n) {
        e->why = "TCP data offset";
        return;
    }
    if (ocsum(tcp, n, pseudo(ip, n)) != 0xffff) {
        e->why = "TCP checksum";
        return;
    }
    flags = tcp[13];
    if (flags & TH_RST) {
        e->why = "RST";
        return;
    }
    dlen = n - hlen;
    port = be16(tcp + 2);
    seq = be32(tcp + 4);
    ack = be32(tcp + 8);
    seglen = (uint32_t)dlen + (flags & TH_SYN ? 1u : 0u) +
             (flags & TH_FIN ? 1u : 0u);
    if (!(cs->http_port != 0 && port == cs->http_port)) {
        fixed = page_port(port);
        svc = tcp_service_port(port);
        if (fixed < 0 && !svc) {
            /* RFC 9293 section 3.10.7.1, a closed port */
            e->why = "closed port";
            e->want = W_RST;
            e->rst_ack = !(flags & TH_ACK);
            e->seq = flags & TH_ACK ? ack : 0;
            e->ack = flags & TH_ACK ? 0 : seq + seglen;
            return;
        }
    }
    if (flags & TH_SYN) {
        if (flags & TH_ACK) {
            e->why = "SYN-ACK to a listener";
            e->want = W_RST;
            e->seq = ack;
            return;
        }
        if (flags & TH_FIN) {
            e->why = "SYN+FIN";
            return;
        }
        if (option_mss(tcp, hlen) < (cs->mss < 536 ? cs->mss : 536)) {
            /* pagec.h: a client whose MSS is below 536 (or the site's
             * MSS, when smaller) is refused */
            e->why = "SYN with an MSS below the floor";
            e->want = W_RST;
            e->rst_ack = 1;
            e->seq = 0;
            e->ack = seq + seglen;
            return;
        }
        e->why = svc ? "SYN to a service" : "SYN";
        e->want = W_SYNACK;
        e->seq = svc ? service_isn(srv, ip, tcp, port, slot,
                                   class_of(option_mss(tcp, hlen)), seq)
                     : pagec_isn(srv->secret, ip + 12, ip + 16,
                                 (uint16_t)be16(tcp), (uint16_t)port, slot,
                                 (uint8_t)class_of(option_mss(tcp, hlen)),
                                 seq);
        e->ack = seq + 1;
        return;
    }
    if (!(flags & TH_ACK)) {
        e->why = "no ACK";
        return;
    }
    if (svc) {
        expect_service(e, srv, now, ip, tcp, tcp + hlen, dlen, port);
        return;
    }
    /* every ISN of the last 4 slots, 4 classes and the client ISNs this
     * segment can follow (its sequence number less up to the site's
     * window + 1 of data and FIN sent before it, which changes bits 16-31
     * by at most one) that the ACK may acknowledge: ISN + 1 up to ISN + 2
     * + the largest reply. Slots are counted modulo
     * 2^(32 - PAGEC_ISN_SLOT_LOG2) (the clock wraps at 2^32). */
    for (a = 0; a < 8; a++) {
        for (c = 0; c < 4; c++) {
            uint32_t back = a & 4 ? window() + 2u : 1u;
            uint32_t s = (uint32_t)(((uint64_t)slot + (1ull << 32) - (a & 3)) %
                                    (1ull << (32 - PAGEC_ISN_SLOT_LOG2)));
            uint32_t i = pagec_isn(srv->secret, ip + 12, ip + 16,
                                   (uint16_t)be16(tcp), (uint16_t)port, s,
                                   (uint8_t)c, seq - back);

            if (ack - (i + 1) <= (uint32_t)cs->max_data + 1) {
                if (found && i != isn) {
                    e->why = "two ISNs fit";
                    e->want = W_ANY;
                    return;
                }
                found = 1;
                isn = i;
                off = ack - (i + 1);
                cls = c;
            }
        }
    }
    if (!found) {
        e->why = "ACK of nothing sent";
        e->want = W_RST;
        e->seq = ack;
        return;
    }
    if (off == 0 && dlen > 0) {
        e->want = W_DATA;
        e->seq = isn + 1;
        e->ack = seq + (uint32_t)dlen + (flags & TH_FIN ? 1u : 0u);
        e->limit = (uint16_t)class_data(cls);
        if (be16(tcp + 14) < e->limit) {
            e->limit = (uint16_t)be16(tcp + 14);
        }
        if (fixed >= 0) {
            e->why = "page port";
            allow(e, &cs->variants[fixed].get, 200);
        } else {
            expect_http(e, tcp + hlen, dlen);
        }
        return;
    }
    if (off == 0 && (flags & TH_FIN)) {
        /* pagec.h: a FIN before any reply of ours is answered with ours */
        e->why = "FIN before a reply";
        e->want = W_ACK;
        e->ack_fin = 1;
        e->seq = ack;
        e->ack = seq + 1;
        return;
    }
    if (dlen == 0 && !(flags & TH_FIN)) {
        e->why = "pure ACK";
        return;
    }
    e->why = "FIN or data after our FIN";
    e->want = W_ACK;
    e->seq = ack;
    e->ack = seq + (uint32_t)dlen + (flags & TH_FIN ? 1u : 0u);
}

static void expect_icmp(struct expect *e, const uint8_t *icmp, size_t n)
{
    e->why = "ICMP, not an echo request";
    if (!PAGEC_ICMP_ECHO || n < 8 || icmp[0] != 8 || icmp[1] != 0) {
        return;
    }
    if (ocsum(icmp, n, 0) != 0xffff) {
        e->why = "ICMP checksum";
        return;
    }
    e->why = "echo request";
    e->want = W_ECHO;
}

static void expect_reply(struct expect *e, const struct pagec_server *srv,
                         uint32_t now, const uint8_t *ip, size_t len)
{
    size_t ihl;
    size_t total;
    const uint8_t *a = srv->addr;

    memset(e, 0, sizeof *e);
    e->act = -1;
    e->want = W_NONE;
    e->why = "not an IPv4 datagram";
    if (len < 20 || ip[0] >> 4 != 4) {
        return;
    }
    ihl = (size_t)(ip[0] & 15) * 4;
    total = be16(ip + 2);
    if (ihl < 20 || total < ihl || total > len) {
        e->why = "IPv4 lengths";
        return;
    }
    if (be16(ip + 6) & 0x3fff) {
        e->why = "a fragment";
        return;
    }
    if (ocsum(ip, ihl, 0) != 0xffff) {
        e->why = "IPv4 checksum";
        return;
    }
    if (martian(ip + 12) || martian(ip + 16) ||
        memcmp(ip + 12, ip + 16, 4) == 0) {
        e->why = "addresses";
        return;
    }
    if ((a[0] || a[1] || a[2] || a[3]) && memcmp(a, ip + 16, 4) != 0) {
        e->why = "another destination";
        return;
    }
    if (ip[9] == 6) {
        expect_tcp(e, srv, now, ip, ip + ihl, total - ihl);
    } else if (ip[9] == 1) {
        expect_icmp(e, ip + ihl, total - ihl);
    } else if (ip[9] == 17) {
        expect_udp(e, now, ip, ip + ihl, total - ihl);
    } else {
        e->why = "another protocol";
    }
}

/* ---- the checks ---- */

static const uint8_t *cur_pkt; /* for the messages */
static size_t cur_len;
static uint32_t cur_now;
static const struct expect *cur_e;

/* One call of the live callback: its arguments, what it returned, and
 * the bytes it wrote at dst (all width of them, the value's first, unless
 * FUZZ_LIVE_SHORT: the value's alone). */
struct live_call {
    uint8_t id;
    uint8_t width;
    uint8_t ret;
    uintptr_t dst;
    uint8_t val[PAGEC_FIELD_WIDTH_MAX];
};

#define MAX_CALLS 64

/* One call of the action callback: its arguments, and how many live
 * calls came before it. */
struct act_call {
    uint8_t id;
    uint16_t arg;
    size_t after;
};

#define MAX_ACTS 4

/* The calls of one run of an API: the callback's ctx, the live and the
 * action callback's. */
struct live_log {
    const struct pagec_server *srv; /* the server it must be given */
    unsigned seed;  /* the input's live seed */
    unsigned mode;  /* its live control bits */
    int open;       /* within pagec_server_input() or pagec_stream_end() */
    uintptr_t lo;   /* where dst may point: [lo, hi), the live bytes of */
    uintptr_t hi;   /* the reply (or stream) being made */
    size_t n;
    struct live_call call[MAX_CALLS];
    size_t nact;
    struct act_call act[MAX_ACTS];
};

static struct live_log live_log; /* the current run's */
static int live_set;             /* srv.live is set for this input */
static int act_set;              /* srv.action is set for this input */

static void dump(const char *name, const uint8_t *p, size_t n)
{
    size_t i;

    fprintf(stderr, "%s (%zu bytes):", name, n);
    for (i = 0; i < n && i < 2048; i++) {
        fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ", p[i]);
    }
    fprintf(stderr, "\n");
}

static void fail(const struct expect *e, const uint8_t *out, size_t n,
                 const char *what)
{
    size_t i;

    fprintf(stderr, "fuzz: CHECK FAILED: %s\n", what);
    fprintf(stderr, "now %lu; the model wanted %s (%s)", (unsigned long)cur_now,
            want_names[e->want], e->why);
    if (e->want >= W_SYNACK) {
        fprintf(stderr, ", seq %lu ack %lu", (unsigned long)e->seq,
                (unsigned long)e->ack);
    }
    if (e->want == W_DATA) {
        fprintf(stderr, ", limit %u, allowed:", (unsigned)e->limit);
        for (i = 0; i < cat->nentries; i++) {
            const struct entry *x = &cat->entries[i];

            if (e->allowed[i]) {
                fprintf(stderr, " #%zu(%d%s page %d%s)", i, x->status,
                        x->head ? " head" : "", x->page,
                        x->gzip ? " gzip" : "");
            }
        }
        fprintf(stderr, "%s", e->none_ok ? " or none" : "");
    }
    fprintf(stderr, "\n");
    dump("datagram", cur_pkt, cur_len);
    if (out != NULL) {
        dump("reply", out, n);
    }
    fprintf(stderr, "site %s, live callback %s, seed 0x%04x, mode 0x%02x\n",
            cs == &xsite ? "xsite" : cs == &lsite_one ? "lsite" : "site",
            live_set ? "set" : "NULL",
            live_log.seed, live_log.mode);
    for (i = 0; i < live_log.n; i++) {
        const struct live_call *c = &live_log.call[i];
        char name[64];

        snprintf(name, sizeof name,
                 "live call %zu: id %u, width %u, returned %u", i, c->id,
                 c->width, c->ret);
        dump(name, c->val, c->width);
    }
    fprintf(stderr, "action callback %s; the model's action %d", 
            act_set ? "set" : "NULL", e->act);
    if (e->act >= 0) {
        fprintf(stderr, " (id %u, arg %u)", cs->actions[e->act].id,
                cs->actions[e->act].arg);
    }
    fprintf(stderr, "\n");
    for (i = 0; i < live_log.nact; i++) {
        fprintf(stderr, "action call %zu: id %u, arg %u, after %zu live "
                        "calls\n", i, live_log.act[i].id, live_log.act[i].arg,
                live_log.act[i].after);
    }
    abort();
}

/* ---- live fields: the driver's callback ---- */

/* A 32-bit mix: each input bit moves about half the output bits. */
static uint32_t mix(uint32_t x)
{
    x ^= x >> 15;
    x *= 0x9e3779b1u;
    x ^= x >> 13;
    x *= 0xa3b195cdu;
    x ^= x >> 16;
    return x;
}

/* The value of the k-th live field of a reply, of id and width, for the
 * live seed: its width bytes into v (the value's first, then junk) and
 * the return, 0 to 255: 0, width, 255, above width, or below it. A
 * function of its arguments alone, so every API gets the same. */
static uint8_t live_value(unsigned seed, size_t k, uint8_t id, uint8_t width,
                          uint8_t *v)
{
    uint32_t h = mix(mix(seed ^ (uint32_t)k << 16) ^ (uint32_t)id << 8 ^ width);
    uint32_t ret;
    uint8_t j;

    switch (h & 7u) {
    case 0:
        ret = 0;
        break;
    case 1:
        ret = width;
        break;
    case 2:
        ret = 255;
        break;
    case 3:
        ret = width + 1u + (h >> 8) % 8u;
        break;
    default:
        ret = (h >> 8) % (width + 1u);
    }
    for (j = 0; j < width; j++) {
        uint32_t g = mix(h + j + 1u);

        /* NUL and 0xff bytes often, spaces and text, anything */
        v[j] = (g & 3u) == 0   ? 0x00
               : (g & 3u) == 1 ? 0xff
               : (g & 3u) == 2 ? (uint8_t)(' ' + (g >> 8) % 95u)
                               : (uint8_t)(g >> 8);
    }
    return (uint8_t)(ret > 255 ? 255 : ret);
}

static uint8_t fuzz_live(const struct pagec_server *srv, uint8_t id,
                         uint8_t *dst, uint8_t width)
{
    struct live_log *g = srv->ctx;
    struct live_call *c;
    uintptr_t at = (uintptr_t)dst;
    uint8_t w;

    if (g != &live_log || srv != g->srv) {
        fail(cur_e, NULL, 0, "the live callback given another server");
    }
    if (!g->open) {
        fail(cur_e, NULL, 0, "the live callback called outside "
                             "pagec_server_input() and pagec_stream_end()");
    }
    if (g->n == MAX_CALLS) {
        fail(cur_e, NULL, 0, "the live callback called without end");
    }
    if (width == 0 || width > PAGEC_FIELD_WIDTH_MAX) {
        fail(cur_e, NULL, 0, "the live callback given a width out of 1 to 64");
    }
    /* it must write no byte past dst[width - 1]: the range given lies
     * within the reply's live bytes, after the previous field's */
    if (at < g->lo || at > g->hi || g->hi - at < width ||
        (g->n > 0 && at - g->call[g->n - 1].dst < g->call[g->n - 1].width)) {
        fail(cur_e, NULL, 0, "the live callback's dst[0 .. width) lies "
                             "outside the reply's live bytes, or over "
                             "the previous field's");
    }
    c = &g->call[g->n];
    c->id = id;
    c->width = width;
    c->dst = at;
    c->ret = live_value(g->seed, g->n, id, width, c->val);
    g->n++;
    w = g->mode & FUZZ_LIVE_SHORT && c->ret < width ? c->ret : width;
    memcpy(dst, c->val, w);
    return c->ret;
}

/* ---- actions: the driver's callback ---- */

#if PAGEC_ACTIONS
/* Records the call, within pagec_server_input() or pagec_stream_end(). */
static void fuzz_action(const struct pagec_server *srv, uint8_t id,
                        uint16_t arg)
{
    struct live_log *g = srv->ctx;

    if (g != &live_log || srv != g->srv) {
        fail(cur_e, NULL, 0, "the action callback given another server");
    }
    if (!g->open) {
        fail(cur_e, NULL, 0, "the action callback called outside "
                             "pagec_server_input() and pagec_stream_end()");
    }
    if (g->nact == MAX_ACTS) {
        fail(cur_e, NULL, 0, "the action callback called without end");
    }
    g->act[g->nact].id = id;
    g->act[g->nact].arg = arg;
    g->act[g->nact].after = g->n;
    g->nact++;
}
#endif

/*
 * The action callback's calls g made for a reply, template entry x (or
 * none: x < 0), to a datagram the model answers as e: one, before any
 * live field is filled, with the id and argument of the action the model
 * found, when the reply is that action's page (a 200: not a 503 or 406)
 * and the callback is set; none otherwise. When the model cannot tell
 * (two ISNs fit), at most one, for a 200.
 */
static void check_action(const struct expect *e, const uint8_t *out, size_t n,
                         int x, const struct live_log *g)
{
    int ok = x >= 0 && cat->entries[x].kind == K_OK &&
             cat->entries[x].status == 200 && !cat->entries[x].head;
    size_t want = act_set && ok && e->want == W_DATA && e->act >= 0;

    if (e->want == W_ANY ? g->nact > (size_t)(act_set && ok)
                         : g->nact != want) {
        fail(e, out, n, want ? "the action callback not called once for "
                               "an action's page"
                             : "the action callback called for a reply "
                               "that is no action's page");
    }
    if (want && (g->act[0].id != cs->actions[e->act].id ||
                 g->act[0].arg != cs->actions[e->act].arg)) {
        fail(e, out, n, "the action callback given another action's id "
                        "or argument");
    }
    if (g->nact > 0 && g->act[0].after != 0) {
        fail(e, out, n, "the action callback called after a live field "
                        "was filled");
    }
}

/* ---- the daytime service's text: the driver's callback ---- */

/* The calls of the daytime callback in one run of an API. */
struct day_log {
    const struct pagec_server *srv; /* the server it must be given */
    int open;      /* within pagec_server_input() or pagec_stream_end() */
    uintptr_t lo;  /* where dst[0 .. size) may lie: [lo, hi) */
    uintptr_t hi;
    size_t n;      /* calls */
};

static struct day_log day_log;
static int day_set;      /* srv.daytime is set for this input */
static unsigned day_seed; /* the input's live seed drives it too */

/* The daytime callback's text for seed: its bytes into v (all
 * PAGEC_DAYTIME_MAX of them) and its return, 0 to 255: 0, the size,
 * 255, above the size, or below it. */
static uint8_t day_value(unsigned seed, uint8_t *v)
{
    uint32_t h = mix(mix(seed ^ 0xda7e0000u));
    uint32_t ret;
    unsigned j;

    switch (h & 7u) {
    case 0:
        ret = 0;
        break;
    case 1:
        ret = PAGEC_DAYTIME_MAX;
        break;
    case 2:
        ret = 255;
        break;
    case 3:
        ret = PAGEC_DAYTIME_MAX + 1u + (h >> 8) % 8u;
        break;
    default:
        ret = (h >> 8) % (PAGEC_DAYTIME_MAX + 1u);
    }
    for (j = 0; j < PAGEC_DAYTIME_MAX; j++) {
        uint32_t g = mix(h + j + 1u);

        v[j] = (g & 3u) == 0   ? 0x00
               : (g & 3u) == 1 ? 0xff
               : (g & 3u) == 2 ? (uint8_t)(' ' + (g >> 8) % 95u)
                               : (uint8_t)(g >> 8);
    }
    return (uint8_t)(ret > 255 ? 255 : ret);
}

/* The daytime text a reply at clock now carries, into t; its length:
 * the callback's bytes, as many as it returned up to the size, or
 * without a callback "uptime N s\r\n" (pagec.h). */
static size_t day_text(uint32_t now, uint8_t *t)
{
    uint8_t v[PAGEC_DAYTIME_MAX];
    uint8_t ret;
    char s[32];
    int k;

    if (day_set) {
        ret = day_value(day_seed, v);
        k = ret < PAGEC_DAYTIME_MAX ? ret : PAGEC_DAYTIME_MAX;
        memcpy(t, v, (size_t)k);
        return (size_t)k;
    }
    k = snprintf(s, sizeof s, "uptime %lu s\r\n", (unsigned long)now);
    if (k < 0 || (size_t)k > PAGEC_DAYTIME_MAX) {
        die("the built-in daytime text is longer than PAGEC_DAYTIME_MAX");
    }
    memcpy(t, s, (size_t)k);
    return (size_t)k;
}

#if PAGEC_SERVICES
/* The driver's daytime callback: writes as many bytes as it returns, up
 * to size (more returned count as size). */
static uint8_t fuzz_daytime(const struct pagec_server *srv, uint8_t *dst,
                            uint8_t size)
{
    uint8_t v[PAGEC_DAYTIME_MAX];
    uintptr_t at = (uintptr_t)dst;
    uint8_t ret;

    if (srv != day_log.srv) {
        fail(cur_e, NULL, 0, "the daytime callback given another server");
    }
    if (!day_log.open) {
        fail(cur_e, NULL, 0, "the daytime callback called outside "
                             "pagec_server_input() and pagec_stream_end()");
    }
    if (size != PAGEC_DAYTIME_MAX) {
        fail(cur_e, NULL, 0, "the daytime callback given a size other "
                             "than PAGEC_DAYTIME_MAX");
    }
    if (at < day_log.lo || at > day_log.hi || day_log.hi - at < size) {
        fail(cur_e, NULL, 0, "the daytime callback's dst[0 .. size) lies "
                             "outside the reply");
    }
    if (++day_log.n > 1) {
        fail(cur_e, NULL, 0, "the daytime callback called twice for one "
                             "datagram");
    }
    ret = day_value(day_seed, v);
    memcpy(dst, v, ret < size ? ret : size);
    return ret;
}
#endif

/* Starts a run of an API on srv: no daytime calls yet, dst within the
 * size bytes at lo. */
static void day_begin(const struct pagec_server *srv, const void *lo,
                      size_t size)
{
    day_log.srv = srv;
    day_log.open = 0;
    day_log.lo = (uintptr_t)lo;
    day_log.hi = (uintptr_t)lo + size;
    day_log.n = 0;
}

/* The daytime callback's calls for a datagram the model answers as e:
 * one for a daytime reply with the callback set, else none. */
static size_t day_calls(const struct expect *e)
{
    return day_set && (e->want == W_SVC || e->want == W_UDP) && !e->echo;
}

/* Starts a run of an API on srv: no calls yet, dst within the size
 * bytes at lo. */
static void live_begin(const struct pagec_server *srv, const uint8_t *lo,
                       size_t size)
{
    live_log.srv = srv;
    live_log.open = 0;
    live_log.lo = (uintptr_t)lo;
    live_log.hi = (uintptr_t)lo + size;
    live_log.n = 0;
    live_log.nact = 0;
}

/* 1 when the two logs hold the same calls, values and all. */
static int same_calls(const struct live_log *a, const struct live_log *b)
{
    size_t i;

    if (a->n != b->n || a->nact != b->nact) {
        return 0;
    }
    for (i = 0; i < a->nact; i++) {
        if (a->act[i].id != b->act[i].id || a->act[i].arg != b->act[i].arg ||
            a->act[i].after != b->act[i].after) {
            return 0;
        }
    }
    for (i = 0; i < a->n; i++) {
        const struct live_call *x = &a->call[i];
        const struct live_call *y = &b->call[i];

        if (x->id != y->id || x->width != y->width || x->ret != y->ret ||
            memcmp(x->val, y->val, x->width) != 0) {
            return 0;
        }
    }
    return 1;
}

/* Byte j of the field a call filled: the value it returned, its return
 * taken as width when above, then spaces. */
static uint8_t live_byte(const struct live_call *c, size_t j)
{
    return j < c->ret && j < c->width ? c->val[j] : (uint8_t)' ';
}

/* The fields of template entry x that the callback fills, or NULL (a
 * reply without live fields, or srv.live NULL); *count of them. */
static const PAGEC_ROM struct pagec_field *entry_fields(size_t x, size_t *count)
{
    const PAGEC_ROM struct pagec_live *l;

    *count = 0;
    if (!live_set || cat->entries[x].live < 0) {
        return NULL;
    }
    l = &cs->live[cat->entries[x].live];
    *count = l->count;
    return &cs->fields[l->first];
}

/* 1 when byte i of entry x's reply (from the IPv4 header on) is in a
 * live field the callback fills. */
static int in_field(size_t x, size_t i)
{
    size_t count;
    const PAGEC_ROM struct pagec_field *f = entry_fields(x, &count);
    size_t k;

    for (k = 0; k < count; k++) {
        if (i >= 40u + f[k].at && i < 40u + f[k].at + f[k].width) {
            return 1;
        }
    }
    return 0;
}

/*
 * The live fields of reply out (n bytes), template entry x, whose body
 * came in npieces pieces, against g, the calls made while it was made:
 * one call for each field of a live page's 200 or 404 reply, in the
 * order of the fields, with the field's id and width, the field's bytes
 * what the call wrote padded with spaces, and the body in at most 2 *
 * fields + 1 pieces; no call for any other reply (HEAD, 304, an error,
 * a page without fields), nor with srv.live NULL (is_entry() found the
 * placeholders then).
 */
static void check_live(const struct expect *e, const uint8_t *out, size_t n,
                       size_t x, unsigned npieces, const struct live_log *g)
{
    size_t count;
    const PAGEC_ROM struct pagec_field *f = entry_fields(x, &count);
    size_t k;
    size_t j;

    if (g->n != count) {
        fail(e, out, n, count ? "the live callback not called once for each "
                                "field of a live page's reply"
                              : "the live callback called for a reply "
                                "without live fields");
    }
    if (npieces > 2 * count + 1) {
        fail(e, out, n, "more than 2 * fields + 1 pieces of a body");
    }
    for (k = 0; k < count; k++) {
        const struct live_call *c = &g->call[k];

        if (c->id != f[k].id || c->width != f[k].width) {
            fail(e, out, n, "the live callback called with another field's "
                            "id or width, or out of order");
        }
        for (j = 0; j < c->width; j++) {
            if (out[40u + f[k].at + j] != live_byte(c, j)) {
                fail(e, out, n, "a live field's bytes are not the value "
                                "written, padded with spaces");
            }
        }
    }
}

/* The body of reply r from pagec_reply_piece(), into body: each piece in
 * the template's body (ROM), or in the reply's live bytes or the echo's
 * data (RAM), the pieces' lengths adding up to the body's, none after
 * the last; a body in one piece is the body itself. Returns the number
 * of pieces. */
static unsigned pieces(const struct expect *e, const struct pagec_reply *r,
                       uint8_t *body)
{
    uintptr_t b = (uintptr_t)r->body;
    uintptr_t l = (uintptr_t)r->live;
    size_t n = 0;
    unsigned i;
    const uint8_t *p0 = NULL;
    uint16_t len0 = 0;

    for (i = 0; i < 256; i++) {
        const uint8_t *p = NULL;
        uint16_t len = 0;
        uint8_t kind = pagec_reply_piece(r, (uint8_t)i, &p, &len);
        uintptr_t at = (uintptr_t)p;
        int in_body = at >= b && at <= b + r->body_len &&
                      b + r->body_len - at >= len;
        int in_live = at >= l && at <= l + sizeof r->live &&
                      l + sizeof r->live - at >= len;

        if (kind == 0) {
            break;
        }
        if (i == 0) {
            p0 = p;
            len0 = len;
        }
        if (kind == 1 ? !(r->body_rom && in_body)
            : kind == 2 ? !(r->body_rom ? in_live : in_body)
                        : 1) {
            fail(e, NULL, 0, "a piece of a body outside the template, the "
                             "live bytes or the echo's data, or of an "
                             "unknown kind");
        }
        if (len > r->body_len - n) {
            fail(e, NULL, 0, "the pieces of a body longer than the body");
        }
        memcpy(body + n, p, len);
        n += len;
    }
    if (i == 256 || n != r->body_len) {
        fail(e, NULL, 0, "the pieces of a body do not add up to the body");
    }
    {
        const uint8_t *p;
        uint16_t len;

        if (pagec_reply_piece(r, (uint8_t)(i + 1), &p, &len) != 0 ||
            pagec_reply_piece(r, 255, &p, &len) != 0) {
            fail(e, NULL, 0, "a piece after the last");
        }
    }
    if (i == 1 && (p0 != r->body || len0 != r->body_len)) {
        fail(e, NULL, 0, "a body in one piece is not the body");
    }
    return i;
}

/* 1 when reply datagram r (n bytes) is template entry x, byte for byte
 * apart from what the runtime patches: the 40-byte header every reply
 * shares, as pagec/site.h describes it, then the template's bytes. */
static int is_entry(const uint8_t *r, size_t n, size_t hdr_len, size_t x)
{
    const struct pagec_tmpl *t = cat->entries[x].t;
    enum kind kind = cat->entries[x].kind;
    uint8_t hdr[40] = {0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 6};
    uint16_t win = kind == K_RST ? 0 : (uint16_t)window();
    size_t i;

    char code[4];

    /* a reply whose status code is written goes out with its header up
     * to the code's end apart from the body (pagec.h) */
    if (t->len != n || n < 40 ||
        hdr_len != (cat->entries[x].patched ? 40u + PAGEC_STATUS_AT + 3u
                                       : t->hlen)) {
        return 0;
    }
    hdr[32] = kind == K_SYNACK ? 0x60 : 0x50; /* data offset */
    hdr[33] = (uint8_t)(kind == K_SYNACK ? TH_SYN | TH_ACK
                        : kind == K_ACK  ? TH_ACK
                        : kind == K_RST  ? TH_RST | TH_ACK
                                         : TH_FIN | TH_PSH | TH_ACK);
    hdr[34] = (uint8_t)(win >> 8);
    hdr[35] = (uint8_t)win;
    snprintf(code, sizeof code, "%03d", cat->entries[x].status % 1000);
    for (i = 0; i < n; i++) {
        uint8_t want = i < 40 ? hdr[i] : t->pkt[i - 40];

        if (cat->entries[x].patched && i >= 40 + PAGEC_STATUS_AT &&
            i < 40 + PAGEC_STATUS_AT + 3u) {
            want = (uint8_t)code[i - 40 - PAGEC_STATUS_AT];
        }

        if ((i >= 2 && i < 4) || (i >= 10 && i < 32) || (i >= 36 && i < 38)) {
            continue; /* length, checksums, addresses, ports, seq, ack */
        }
        if (i == 33 && cat->entries[x].kind == K_RST) {
            want &= (uint8_t)~TH_ACK; /* checked against the model */
            if ((r[i] & (uint8_t)~TH_ACK) != want) {
                return 0;
            }
            continue;
        }
        if (i == 33 && cat->entries[x].kind == K_ACK) {
            /* an ACK may carry our FIN: checked against the model */
            if ((r[i] & (uint8_t)~TH_FIN) != want) {
                return 0;
            }
            continue;
        }
        if (i >= 40 && in_field(x, i)) {
            continue; /* a live field: check_live() */
        }
        if (r[i] != want) {
            return 0;
        }
    }
    return 1;
}

static void check_reply(const struct expect *e, const uint8_t *ip,
                        const struct pagec_reply *r, uint16_t ret,
                        const struct live_log *g)
{
    static uint8_t out[65536 + 64];
    static uint8_t copy[65536 + 64];
    size_t ihl = (size_t)(ip[0] & 15) * 4;
    size_t x;
    int match = -1;
    unsigned npieces;

    if (day_log.n != (ret != 0 ? day_calls(e) : 0)) {
        fail(e, NULL, 0, "the daytime callback not called once for a "
                         "daytime reply, or called for another");
    }
    if (ret == 0) {
        check_action(e, NULL, 0, -1, g);
        if (g->n != 0) {
            fail(e, NULL, 0, "the live callback called for a datagram not "
                             "answered");
        }
        if (e->want == W_NONE || e->want == W_ANY ||
            (e->want == W_DATA && e->none_ok)) {
            return;
        }
        fail(e, NULL, 0, "no reply");
    }
    if (e->want == W_NONE) {
        fail(e, NULL, 0, "a reply to a datagram that gets none");
    }
    if (r->hdr_len < 20 || r->hdr_len > PAGEC_REPLY_HDR_MAX ||
        (uint32_t)r->hdr_len + r->body_len != ret) {
        fail(e, NULL, 0, "reply lengths do not add up");
    }
    /* the body as a driver that sends pieces gets it; a live field's
     * bytes checked below against what the callback wrote */
    memcpy(out, r->hdr, r->hdr_len);
    npieces = pieces(e, r, out + r->hdr_len);
    if (pagec_reply_copy(r, copy, ret) != ret || memcmp(copy, out, ret) != 0 ||
        pagec_reply_copy(r, copy, (uint16_t)(ret - 1)) != 0) {
        fail(e, out, ret, "pagec_reply_copy() differs");
    }

    /* IPv4 */
    if (out[0] != 0x45 || be16(out + 2) != ret || (be16(out + 6) & 0x3fff) ||
        out[8] != 64 || out[9] != ip[9]) {
        fail(e, out, ret, "IPv4 header: version, IHL, length, fragment, "
                          "TTL or protocol");
    }
    if (ocsum(out, 20, 0) != 0xffff) {
        fail(e, out, ret, "IPv4 header checksum");
    }
    if (memcmp(out + 12, ip + 16, 4) != 0 || memcmp(out + 16, ip + 12, 4) != 0) {
        fail(e, out, ret, "addresses not swapped");
    }

    if (out[9] == 17) {
        const uint8_t *u = ip + ihl;
        const uint8_t *o = out + 20;
        size_t n = ret - 20u;

        if (e->want != W_UDP) {
            fail(e, out, ret, "a UDP reply");
        }
        if (g->n != 0) {
            fail(e, out, ret, "the live callback called for a UDP reply");
        }
        check_action(e, out, ret, -1, g);
        if (out[1] != 0 || be16(out + 4) != 0 || be16(out + 6) != 0x4000) {
            fail(e, out, ret, "IPv4 header: TOS, identification or DF");
        }
        if (n != 8 + e->dlen || be16(o + 4) != n ||
            memcmp(o, u + 2, 2) != 0 || memcmp(o + 2, u, 2) != 0 ||
            memcmp(o + 8, e->data, e->dlen) != 0) {
            fail(e, out, ret, e->echo ? "UDP echo: ports, length or data"
                                      : "UDP daytime: ports, length or text");
        }
        if (e->echo ? r->hdr_len != 28 || r->body_rom != 0 || r->body != u + 8
                    : r->hdr_len != ret || r->body_len != 0) {
            fail(e, out, ret, "UDP reply: the header's length, or the data "
                              "not where pagec.h says");
        }
        if (e->nosum ? o[6] != 0 || o[7] != 0
                     : (o[6] == 0 && o[7] == 0) ||
                           ocsum(o, n, pseudo(out, n) - 6u + 17u) != 0xffff) {
            fail(e, out, ret, "UDP checksum (0 exactly when the request's "
                              "is 0)");
        }
        if (verbose) {
            fprintf(stderr, "  reply: UDP %s, %zu bytes\n",
                    e->echo ? "echo" : "daytime", e->dlen);
        }
        return;
    }
    if (e->want == W_UDP) {
        fail(e, out, ret, "not a UDP reply");
    }

    if (out[9] == 1) {
        const uint8_t *icmp = ip + ihl;
        size_t n = be16(ip + 2) - ihl;

        if (e->want != W_ECHO && e->want != W_ANY) {
            fail(e, out, ret, "an echo reply");
        }
        if (g->n != 0) {
            fail(e, out, ret, "the live callback called for an echo reply");
        }
        check_action(e, out, ret, -1, g);
        if (ret != 20 + n || r->hdr_len != 28 || r->body_rom != 0 ||
            r->body != icmp + 8 || out[20] != 0 || out[21] != 0 ||
            memcmp(out + 24, icmp + 4, 4) != 0) {
            fail(e, out, ret, "echo reply: length, type, code, identifier, "
                              "sequence number or data");
        }
        if (ocsum(out + 20, n, 0) != 0xffff) {
            fail(e, out, ret, "ICMP checksum");
        }
        if (verbose) {
            fprintf(stderr, "  reply: echo, %zu bytes of data\n", n - 8);
        }
        return;
    }

    /* TCP */
    {
        const uint8_t *tcp = ip + ihl;
        const uint8_t *o = out + 20;
        size_t n = ret - 20u;
        size_t hl = (size_t)(o[12] >> 4) * 4;
        uint32_t flags = o[13];

        if (e->want == W_SVC) {
            /* the site's ACK template's header, with the data after it:
             * the echo's from the datagram, or the daytime text */
            if (g->n != 0) {
                fail(e, out, ret, "the live callback called for a service");
            }
            check_action(e, out, ret, -1, g);
            if (out[1] != 0 || be16(out + 4) != 0 ||
                be16(out + 6) != 0x4000 || hl != 20 ||
                n != 20 + e->dlen || flags != e->flags ||
                be16(o + 14) != window() || be16(o + 18) != 0 ||
                memcmp(o, tcp + 2, 2) != 0 || memcmp(o + 2, tcp, 2) != 0 ||
                be32(o + 4) != e->seq || be32(o + 8) != e->ack) {
                fail(e, out, ret, "service reply: header, flags, ports, "
                                  "window, length, seq or ack");
            }
            if (memcmp(o + 20, e->data, e->dlen) != 0) {
                fail(e, out, ret, e->echo ? "echo: the data" :
                                            "daytime: the text");
            }
            if (e->echo ? r->hdr_len != 40 || r->body_rom != 0 ||
                              r->body != tcp + (tcp[12] >> 4) * 4
                        : r->hdr_len != ret || r->body_len != 0) {
                fail(e, out, ret, "service reply: the header's length, or "
                                  "the data not where pagec.h says");
            }
            if (ocsum(o, n, pseudo(out, n)) != 0xffff) {
                fail(e, out, ret, "TCP checksum");
            }
            if (verbose) {
                fprintf(stderr, "  reply: TCP %s, %zu bytes\n",
                        e->echo ? "echo" : "daytime", e->dlen);
            }
            return;
        }

        /* hdr_len: the headers, or up to a written status code's end */
        if (n < 20 || hl < 20 || hl > n ||
            (hl + 20 != r->hdr_len &&
             r->hdr_len != 40 + PAGEC_STATUS_AT + 3u)) {
            fail(e, out, ret, "TCP header length");
        }
        if (ocsum(o, n, pseudo(out, n)) != 0xffff) {
            fail(e, out, ret, "TCP checksum");
        }
        if (memcmp(o, tcp + 2, 2) != 0 || memcmp(o + 2, tcp, 2) != 0) {
            fail(e, out, ret, "ports not swapped");
        }
        if (r->body_rom != 1) {
            fail(e, out, ret, "a TCP reply's body not from the site");
        }
        for (x = 0; x < cat->nentries && match < 0; x++) {
            if (is_entry(out, ret, r->hdr_len, x) &&
                (e->want != W_DATA || e->allowed[x])) {
                match = (int)x;
            }
        }
        if (match < 0) {
            for (x = 0; x < cat->nentries && match < 0; x++) {
                if (is_entry(out, ret, r->hdr_len, x)) {
                    match = (int)x;
                }
            }
            fail(e, out, ret,
                 match < 0 ? "not a template of the site"
                           : "a template the request does not get");
        }
        if (verbose) {
            fprintf(stderr, "  reply #%d: %d%s page %d%s\n", match,
                    cat->entries[match].status,
                    cat->entries[match].head ? " head" : "",
                    cat->entries[match].page,
                    cat->entries[match].gzip ? " gzip" : "");
        }
        check_live(e, out, ret, (size_t)match, npieces, g);
        check_action(e, out, ret, match, g);
        if (e->want == W_ANY) {
            return;
        }
        if (be32(o + 4) != e->seq || be32(o + 8) != e->ack) {
            fail(e, out, ret, "sequence or acknowledgement number");
        }
        switch (e->want) {
        case W_SYNACK:
            if (cat->entries[match].kind != K_SYNACK ||
                flags != (TH_SYN | TH_ACK) ||
                hl != 24 || o[20] != 2 || o[21] != 4 ||
                be16(o + 22) != cs->mss) {
                fail(e, out, ret, "SYN-ACK with the site's MSS");
            }
            break;
        case W_RST:
            if (cat->entries[match].kind != K_RST ||
                flags != (e->rst_ack ? TH_RST | TH_ACK : TH_RST)) {
                fail(e, out, ret, "RST, its ACK flag");
            }
            break;
        case W_ACK:
            if (cat->entries[match].kind != K_ACK ||
                flags != (e->ack_fin ? TH_FIN | TH_ACK : TH_ACK)) {
                fail(e, out, ret, "plain ACK, its FIN flag");
            }
            break;
        case W_DATA:
            if (n - hl > e->limit) {
                fail(e, out, ret, "more data than the client takes");
            }
            if ((flags & (TH_ACK | TH_FIN)) != (TH_ACK | TH_FIN) ||
                (flags & (TH_SYN | TH_RST))) {
                fail(e, out, ret, "HTTP reply flags");
            }
            break;
        default:
            fail(e, out, ret, "a TCP reply");
        }
    }
}

/* 1 when the streaming API may answer datagram pkt (len bytes)
 * cut-through, before its end: an ICMP echo request, or a UDP datagram
 * or TCP segment to the echo service (stream.h). */
static int cut_through(const uint8_t *pkt, size_t len)
{
    size_t ihl;

    if (len < 10) {
        return 0;
    }
    if (pkt[9] == 1) {
        return 1;
    }
    ihl = (size_t)(pkt[0] & 15) * 4;
    return PAGEC_SERVICES && len >= ihl + 4 && be16(pkt + ihl + 2) == SVC_ECHO &&
           (pkt[9] == 17 || (pkt[9] == 6 && tcp_service_port(SVC_ECHO)));
}

/* 1 when a receiver drops the n bytes at out, an echo reply that its
 * request's end did not confirm: shorter than its IPv4 header and
 * length say, or with a wrong ICMP, TCP or UDP checksum (or UDP length). */
static int dropped(const uint8_t *out, size_t n)
{
    const uint8_t *o = out + 20;
    size_t m = n - 20;

    if (n < 28 || n < be16(out + 2)) {
        return 1;
    }
    if (n > be16(out + 2)) {
        return 0; /* longer than it says: not an echo cut short */
    }
    switch (out[9]) {
    case 1:
        return ocsum(o, m, 0) != 0xffff;
    case 6:
        return m < 20 || ocsum(o, m, pseudo(out, m)) != 0xffff;
    case 17:
        return be16(o + 4) != m ||
               ((o[6] || o[7]) && ocsum(o, m, pseudo(out, m) - 6u + 17u) !=
                                      0xffff);
    default:
        return 0;
    }
}

/*
 * The same datagram through the streaming API, a byte at a time, every
 * pending reply byte pulled at once as a driver must: the bytes pulled
 * must be the buffered API's reply (ret bytes, r), which check_reply
 * checked against the model. A datagram the buffered API does not answer
 * may have pulled bytes only when it is an ICMP echo request answered
 * cut-through and found bad at its end (the receiver drops the reply cut
 * short or with a wrong checksum).
 */
/* The datagrams of the buffered API's answer after the first, from
 * pagec_server_next(), one after the other (run()). */
#define MAX_REST 16
static uint8_t rest[MAX_REST * 1600];
static size_t rest_len[MAX_REST];
static size_t nrest;

/* Pulls what is pending of the streaming API's reply into out from n,
 * as a driver pulls (in runs when runs): the new n. */
static size_t pull(const struct expect *e, const struct pagec_server *srv,
                   struct pagec_stream *s, int runs, uint8_t *out,
                   size_t size, size_t n)
{
    while (pagec_stream_pending(s) > 0) {
        const PAGEC_ROM uint8_t *p = NULL;
        uint16_t pending = pagec_stream_pending(s);
        uint16_t k = runs ? pagec_stream_run(s, &p) : 0;

        if (k > pending || (k > 0 && pagec_stream_pending(s) !=
                                         pending - k)) {
            fail(e, out, n, "pagec_stream_run() takes more than is "
                            "pending, or does not count it pulled");
        }
        if (n + (k ? k : 1u) > size) {
            fail(e, out, n, "the streaming API pulls without end");
        }
        if (k > 0) {
            memcpy(out + n, p, k);
            n += k;
        } else {
            out[n++] = pagec_stream_next(srv, s);
        }
    }
    return n;
}

#if PAGEC_LARGE_FLOWS
/* The table of connections without SACK or timestamps (pagec_server.flows)
 * on the site of large replies: as it was before the datagram, and as the
 * first call left it; every other call of the same datagram starts from
 * before and must leave the same. */
#define FUZZ_NFLOWS 2
static struct pagec_flow flows[FUZZ_NFLOWS];
static struct pagec_flow flows_before[FUZZ_NFLOWS];
static struct pagec_flow flows_after[FUZZ_NFLOWS];

static void flows_restore(void)
{
    memcpy(flows, flows_before, sizeof flows);
}

static void flows_check(const struct expect *e)
{
    if (memcmp(flows, flows_after, sizeof flows) != 0) {
        fail(e, NULL, 0, "another call left the table of connections "
                         "otherwise");
    }
}
#else
static void flows_restore(void)
{
}

static void flows_check(const struct expect *e)
{
    (void)e;
}
#endif

static void check_stream(const struct expect *e, const struct pagec_server *srv,
                         uint32_t now, const uint8_t *pkt, size_t len,
                         const struct pagec_reply *r, uint16_t ret,
                         const struct live_log *g, size_t day_want)
{
    static uint8_t out[0x10000 + 64];
    static uint8_t flat[0x10000 + 64];
    struct pagec_stream s;
    int runs = (live_log.mode & FUZZ_LIVE_RUNS) != 0;
    size_t n = 0;
    size_t i;
    uint16_t end = 0;

    live_begin(srv, s.u.reply.ram, sizeof s.u.reply.ram);
    day_begin(srv, &s, sizeof s);
    flows_restore();
    pagec_stream_begin(&s);
    for (i = 0; i <= len; i++) {
        if (i < len) {
            pagec_stream_byte(srv, &s, pkt[i]);
        } else {
            live_log.open = 1;
            day_log.open = 1;
            end = pagec_stream_end(srv, &s, now);
            live_log.open = 0;
            day_log.open = 0;
            if (end != ret) {
                fail(e, out, n, "the streaming API's reply length differs");
            }
        }
        /* as a driver pulls: what is pending, a run of the site's
         * bytes at a time (FUZZ_LIVE_RUNS) or a byte at a time */
        n = pull(e, srv, &s, runs, out, sizeof out, n);
        if (i < len && n > 0 && !cut_through(pkt, len)) {
            fail(e, out, n, "a reply before the end of a TCP segment");
        }
    }
    if ((n > 0) != (pagec_stream_started(&s) != 0)) {
        fail(e, out, n, "pagec_stream_started() is wrong");
    }
    flows_check(e);
    /* a second end returns the same, and calls nothing (nor changes the
     * table) */
    live_log.open = 1;
    day_log.open = 1;
    if (pagec_stream_end(srv, &s, now) != end ||
        pagec_stream_pending(&s) != 0) {
        fail(e, out, n, "a second pagec_stream_end() differs");
    }
    flows_check(e);
    live_log.open = 0;
    day_log.open = 0;
    if (day_log.n != day_want) {
        fail(e, out, n, "the streaming API calls the daytime callback "
                        "otherwise than the buffered one");
    }
    if (!same_calls(&live_log, g)) {
        fail(e, out, n, "the streaming API calls the live callback otherwise "
                        "than the buffered one");
    }
    if (ret == 0) {
        if (pagec_stream_more(srv, &s)) {
            fail(e, out, n, "a datagram more, after none");
        }
        if (n > 0 && !cut_through(pkt, len)) {
            fail(e, out, n, "bytes pulled of a reply that is not sent");
        }
        if (n > 0 && !dropped(out, n)) {
            fail(e, out, n, "an echo reply not confirmed at its end that "
                            "a receiver would take");
        }
        return;
    }
    if (pagec_reply_copy(r, flat, 0xffff) != ret || n != ret ||
        memcmp(out, flat, ret) != 0) {
        fail(e, out, n, "the streaming API's reply differs from the buffered one");
    }
    /* the datagrams after the first: the same, one by one, and no more */
    for (i = 0, end = 0; i < nrest; end += rest_len[i++]) {
        live_log.open = 0;
        day_log.open = 0;
        if (!pagec_stream_more(srv, &s)) {
            fail(e, rest + end, rest_len[i],
                 "the streaming API's answer ends before the buffered one's");
        }
        if (pagec_stream_started(&s)) {
            fail(e, NULL, 0, "pagec_stream_started() before a byte pulled");
        }
        n = pull(e, srv, &s, runs, out, sizeof out, 0);
        if (n != rest_len[i] || memcmp(out, rest + end, n) != 0) {
            fail(e, out, n, "a datagram of the streaming API's answer "
                            "differs from the buffered one's");
        }
    }
    if (pagec_stream_more(srv, &s) || pagec_stream_more(srv, &s)) {
        fail(e, NULL, 0, "the streaming API's answer has more datagrams");
    }
}

/* A datagram of a reply (n bytes at out) to the datagram ip, on the site
 * of large replies, which the model does not describe: well formed, its
 * checksums right, back where ip came from. */
static void check_formed(const struct expect *e, const uint8_t *ip,
                         const uint8_t *out, size_t n)
{
    size_t ihl = (size_t)(ip[0] & 15) * 4;

    if (n < 28 || out[0] != 0x45 || be16(out + 2) != n ||
        (be16(out + 6) & 0x3fff) || out[8] != 64 || out[9] != ip[9]) {
        fail(e, out, n, "IPv4 header: version, IHL, length, fragment, "
                        "TTL or protocol");
    }
    if (ocsum(out, 20, 0) != 0xffff || dropped(out, n)) {
        fail(e, out, n, "a checksum, or a length");
    }
    if (memcmp(out + 12, ip + 16, 4) != 0 || memcmp(out + 16, ip + 12, 4) != 0) {
        fail(e, out, n, "addresses not swapped");
    }
    if (out[9] != 1 && (memcmp(out + 20, ip + ihl + 2, 2) != 0 ||
                        memcmp(out + 22, ip + ihl, 2) != 0)) {
        fail(e, out, n, "ports not swapped");
    }
    if (out[9] == 6) {
        size_t hl = (size_t)(out[32] >> 4) * 4;

        if (hl < 20 || hl > n - 20 || n - 20 - hl > cs->mss) {
            fail(e, out, n, "TCP header length, or more data than the MSS");
        }
    }
}

/* The rest of the answer r (a copy of it) into rest, and of the same
 * answer again in r2: the same datagrams, each well formed; none but for
 * the site of large replies. */
static void answer_rest(const struct expect *e, const struct pagec_server *srv,
                        const uint8_t *ip, const struct pagec_reply *r,
                        const struct pagec_reply *r2)
{
    static struct pagec_reply a;
    static struct pagec_reply b;
    static uint8_t other[1600];
    size_t at = 0;
    uint16_t k;

    a = *r;
    b = *r2;
    nrest = 0;
    while ((k = pagec_server_next(srv, &a)) != 0) {
        if (cs != &xsite) {
            fail(e, NULL, 0, "a datagram more, on a site without large "
                             "replies");
        }
        if (nrest == MAX_REST ||
            pagec_reply_copy(&a, rest + at, 1600) != k ||
            pagec_server_next(srv, &b) != k ||
            pagec_reply_copy(&b, other, sizeof other) != k ||
            memcmp(rest + at, other, k) != 0) {
            fail(e, rest + at, k, "the answer's datagrams: too many, or not "
                                  "the same twice");
        }
        check_formed(e, ip, rest + at, k);
        rest_len[nrest++] = k;
        at += k;
    }
    if (pagec_server_next(srv, &b) != 0) {
        fail(e, NULL, 0, "the answer again has more datagrams");
    }
}

/* Runs the server on the len bytes at pkt (a heap buffer of exactly that
 * size) and checks the reply. */
static void run(const struct pagec_server *srv, uint32_t now, const uint8_t *pkt,
                size_t len)
{
    static struct expect e;
    static struct live_log first;
    static uint8_t flat1[0x10000 + 64];
    static uint8_t flat2[0x10000 + 64];
    struct pagec_reply r1;
    struct pagec_reply r2;
    uint8_t *keep = malloc(len ? len : 1);
    uint16_t ret;
    uint16_t again;
    size_t day_first;

    if (keep == NULL) {
        die("out of memory");
    }
    memcpy(keep, pkt, len);
    cur_pkt = pkt;
    cur_len = len;
    cur_now = now;
    cur_e = &e;
    if (cs == &xsite) {
        memset(&e, 0, sizeof e);
        e.want = W_ANY;
        e.act = -1;
        e.why = "the site of large replies: no model";
    } else {
        expect_reply(&e, srv, now, pkt, len);
    }
    if (verbose) {
        fprintf(stderr, "fuzz: %zu bytes: want %s (%s)\n", len,
                want_names[e.want], e.why);
    }
    memset(&r1, 0x00, sizeof r1);
    memset(&r2, 0xa5, sizeof r2);
    live_begin(srv, r1.live, sizeof r1.live);
    day_begin(srv, r1.hdr, sizeof r1.hdr);
    live_log.open = 1;
    day_log.open = 1;
    ret = pagec_server_input(srv, now, pkt, (uint16_t)len, &r1);
    live_log.open = 0;
    day_log.open = 0;
#if PAGEC_LARGE_FLOWS
    memcpy(flows_after, flows, sizeof flows);
#endif
    first = live_log;
    day_first = day_log.n;
    live_begin(srv, r2.live, sizeof r2.live);
    day_begin(srv, r2.hdr, sizeof r2.hdr);
    live_log.open = 1;
    day_log.open = 1;
    flows_restore();
    again = pagec_server_input(srv, now, pkt, (uint16_t)len, &r2);
    live_log.open = 0;
    day_log.open = 0;
    flows_check(&e);
    if (memcmp(keep, pkt, len) != 0) {
        fail(&e, NULL, 0, "the received datagram was modified");
    }
    free(keep);
    /* the same reply; a daytime reply's empty body points after its own
     * header, so the pointer is compared only for a body */
    if (again != ret ||
        (ret != 0 &&
         (r1.hdr_len != r2.hdr_len || r1.body_len != r2.body_len ||
          (r1.body_len != 0 && r1.body != r2.body) ||
          r1.body_rom != r2.body_rom ||
          memcmp(r1.hdr, r2.hdr, r1.hdr_len < sizeof r1.hdr ? r1.hdr_len
                                                          : sizeof r1.hdr) ||
          pagec_reply_copy(&r1, flat1, 0xffff) != ret ||
          pagec_reply_copy(&r2, flat2, 0xffff) != ret ||
          memcmp(flat1, flat2, ret) != 0)) ||
        !same_calls(&first, &live_log) || day_first != day_log.n) {
        fail(&e, NULL, 0, "two calls, two different replies");
    }
    if (verbose) {
        fprintf(stderr, "  live callback %s: %zu calls; action callback "
                        "%s: %zu calls\n",
                live_set ? "set" : "NULL", first.n, act_set ? "set" : "NULL",
                first.nact);
    }
    live_log = first; /* for the messages */
    if (cs != &xsite) {
        check_reply(&e, pkt, &r1, ret, &first);
    } else if (ret != 0) {
        if (first.n != 0 || first.nact != 0) {
            fail(&e, NULL, 0, "a callback of live fields or actions called "
                              "on a site without them");
        }
        check_formed(&e, pkt, flat1, ret);
    }
    answer_rest(&e, srv, pkt, &r1, &r2);
    if (verbose && nrest) {
        fprintf(stderr, "  and %zu datagrams more\n", nrest);
    }
    check_stream(&e, srv, now, pkt, len, &r1, ret, &first,
                 cs == &xsite ? day_first : ret != 0 ? day_calls(&e) : 0);
}

/* ---- the two targets ---- */

/* The site and the live callback of srv, from the live control byte and
 * seed at p (fuzz.h). */
static void live_setup(struct pagec_server *srv, const uint8_t *p)
{
    cat = &cats[p[0] & FUZZ_LIVE_SITE ? 1 : 0];
    cs = p[0] & FUZZ_LIVE_LARGE ? &xsite : cat->site;
    srv->site = cs;
    srv->live = p[0] & FUZZ_LIVE_NULL ? NULL : fuzz_live;
    srv->ctx = &live_log;
    live_set = srv->live != NULL;
#if PAGEC_ACTIONS
    srv->action = p[0] & FUZZ_LIVE_ACTNULL ? NULL : fuzz_action;
    act_set = srv->action != NULL;
#endif
    live_log.mode = p[0];
    live_log.seed = (unsigned)be16(p + 1);
#if PAGEC_SERVICES
    srv->daytime = p[0] & FUZZ_LIVE_DAYNULL ? NULL : fuzz_daytime;
    day_set = srv->daytime != NULL;
#endif
    day_seed = (unsigned)be16(p + 1);
}

/* The checksums of datagram ip (len bytes) made right, where its lengths
 * allow: the IPv4 header's when ipsum, the TCP or ICMP one's when l4sum. */
static void seal(uint8_t *ip, size_t len, int ipsum, int l4sum)
{
    size_t ihl;
    size_t total;

    if (len < 20) {
        return;
    }
    ihl = (size_t)(ip[0] & 15) * 4;
    total = be16(ip + 2);
    if (ihl < 20 || ihl > len) {
        return;
    }
    if (l4sum && total >= ihl && total <= len) {
        uint8_t *l4 = ip + ihl;
        size_t n = total - ihl;

        if (ip[9] == 6 && n >= 20) {
            set16(l4 + 16, 0);
            set16(l4 + 16, ~ocsum(l4, n, pseudo(ip, n)) & 0xffffu);
        } else if (ip[9] == 1 && n >= 4) {
            set16(l4 + 2, 0);
            set16(l4 + 2, ~ocsum(l4, n, 0) & 0xffffu);
        } else if (ip[9] == 17 && n >= 8 && (l4[6] || l4[7])) {
            /* a checksum of 0 (none) stays none */
            uint32_t c;

            set16(l4 + 6, 0);
            c = ~ocsum(l4, n, pseudo(ip, n) - 6u + 17u) & 0xffffu;
            set16(l4 + 6, c ? c : 0xffffu);
        }
    }
    if (ipsum) {
        set16(ip + 10, 0);
        set16(ip + 10, ~ocsum(ip, ihl, 0) & 0xffffu);
    }
}

#if !FUZZ_HTTP
/* FUZZ_CTL_ACK on the site of large replies (fuzz.h): the ACK and the
 * SACK blocks of the TCP header at tcp, in the datagram of len bytes at
 * ip, made offsets from isn, its SACK bit flipped by the ACK's top bit. */
static void large_ack(const uint8_t *ip, size_t len, uint8_t *tcp,
                      uint32_t isn)
{
    uint32_t ack = be32(tcp + 8);
    size_t hl = (size_t)(tcp[12] >> 4) * 4;
    size_t i = 20;

    if (ack & 0x80000000u) {
        isn ^= FUZZ_ISN_SACK;
    }
    set32(tcp + 8, isn + 1 + (ack & 0x7fffu));
    if ((size_t)(tcp - ip) + hl > len) {
        return;
    }
    /* the options as the runtime reads them: each by its length */
    while (i + 1 < hl && tcp[i] != 0) {
        size_t olen = tcp[i + 1];
        size_t k;

        if (tcp[i] == 1) {
            i++;
            continue;
        }
        if (olen < 2 || i + olen > hl) {
            break;
        }
        if (tcp[i] == 5) {
            for (k = i + 2; k + 4 <= i + olen; k += 4) {
                set32(tcp + k, isn + 1 + (be32(tcp + k) & 0x7fffu));
            }
        }
        i += olen;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pagec_server srv;
    uint32_t now;
    unsigned ctl;
    uint8_t *pkt;
    size_t len;

    if (size < FUZZ_INPUT_HDR || size - FUZZ_INPUT_HDR > 0xffff) {
        return -1; /* not a fuzz input: not added to the corpus */
    }
    now = be32(data);
    ctl = data[4];
    len = size - FUZZ_INPUT_HDR;
    pkt = malloc(len ? len : 1);
    if (pkt == NULL) {
        die("out of memory");
    }
    memcpy(pkt, data + FUZZ_INPUT_HDR, len);
    memset(&srv, 0, sizeof srv);
    live_setup(&srv, data + FUZZ_INPUT_LIVE);
    memcpy(srv.secret, fuzz_secret, sizeof srv.secret);
    if (ctl & FUZZ_CTL_ADDR) {
        memcpy(srv.addr, fuzz_server, 4);
    }
    if ((ctl & FUZZ_CTL_ACK) && len >= 20 && pkt[9] == 6 &&
        (size_t)(pkt[0] & 15) * 4 + 20 <= len) {
        uint8_t *tcp = pkt + (pkt[0] & 15) * 4;
        uint32_t slot = (now >> PAGEC_ISN_SLOT_LOG2) - FUZZ_CTL_AGE(ctl);
        uint32_t isn =
            tcp_service_port(be16(tcp + 2))
                ? service_isn(&srv, pkt, tcp, be16(tcp + 2), slot,
                              FUZZ_CTL_CLASS(ctl), be32(tcp + 4) - 1u)
                : pagec_isn(srv.secret, pkt + 12, pkt + 16,
                            (uint16_t)be16(tcp), (uint16_t)be16(tcp + 2), slot,
                            (uint8_t)FUZZ_CTL_CLASS(ctl), be32(tcp + 4) - 1u);

        if (cs == &xsite) {
#if PAGEC_LARGE_FLOWS
            /* an entry of the table for this connection, of a state the
             * input's live bytes choose */
            size_t dl = len - (size_t)(tcp - pkt);

            dl = dl > (size_t)(tcp[12] >> 4) * 4
                     ? dl - (size_t)(tcp[12] >> 4) * 4 : 0;
            flows[0].seq0 = ((be32(tcp + 8) & 0x80000000u)
                                 ? isn ^ FUZZ_ISN_SACK : isn) + 1u;
            flows[0].rcv = be32(tcp + 4) + (uint32_t)dl;
            flows[0].port = (uint16_t)be16(tcp);
            flows[0].large = (uint16_t)(data[5] % xsite.nlarge);
            flows[0].next = data[6] & 63u;
            flows[0].una = data[7] & 63u;
            flows[0].mark = (uint32_t)(data[6] >> 6) * 16u;
            flows[0].dups = (uint16_t)(data[7] >> 6);
#endif
            large_ack(pkt, len, tcp, isn);
        } else {
            set32(tcp + 8, isn + 1 + (be32(tcp + 8) & 0x7ffu));
        }
    }
    seal(pkt, len, (ctl & FUZZ_CTL_IPSUM) != 0, (ctl & FUZZ_CTL_L4SUM) != 0);
#if PAGEC_LARGE_FLOWS
    if (cs == &xsite) {
        srv.flows = flows;
        srv.nflows = FUZZ_NFLOWS;
    }
    memcpy(flows_before, flows, sizeof flows);
#endif
    run(&srv, now, pkt, len);
#if PAGEC_LARGE_FLOWS
    memset(flows, 0, sizeof flows);
#endif
    free(pkt);
    return 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t ipopt[8] = {0x94, 0x04, 0x00, 0x00, /* router alert */
                                     0x01, 0x01, 0x01, 0x00};
    static const uint8_t fuzz_client[4] = FUZZ_CLIENT;
    struct pagec_server srv;
    uint32_t now;
    unsigned ctl;
    size_t ihl;
    size_t len;
    uint8_t *pkt;
    uint8_t *tcp;
    uint16_t dport;
    uint32_t isn;

    if (size < FUZZ_HTTP_HDR) {
        return -1;
    }
    now = be32(data);
    ctl = data[4];
    ihl = ctl & FUZZ_HTTP_IPOPT ? 28 : 20;
    len = ihl + 20 + (size - FUZZ_HTTP_HDR);
    if (len > 0xffff) {
        return -1;
    }
    memset(&srv, 0, sizeof srv);
    live_setup(&srv, data + FUZZ_HTTP_LIVE);
    dport = FUZZ_HTTP_PORT(ctl) == 3 && cs->nports > 0 ? cs->ports[0].port
                                                       : cs->http_port;
    memcpy(srv.secret, fuzz_secret, sizeof srv.secret);
    memcpy(srv.addr, fuzz_server, 4);
    isn = pagec_isn(srv.secret, fuzz_client, fuzz_server,
                    (uint16_t)FUZZ_CLIENT_PORT, dport,
                    (now >> PAGEC_ISN_SLOT_LOG2) - FUZZ_HTTP_AGE(ctl),
                    (uint8_t)FUZZ_HTTP_CLASS(ctl), FUZZ_CLIENT_SEQ - 1u);

    pkt = calloc(1, len);
    if (pkt == NULL) {
        die("out of memory");
    }
    pkt[0] = (uint8_t)(0x40 | ihl / 4);
    set16(pkt + 2, (uint32_t)len);
    set16(pkt + 4, 0x1234);
    set16(pkt + 6, 0x4000); /* DF */
    pkt[8] = 64;
    pkt[9] = 6;
    memcpy(pkt + 12, fuzz_client, 4);
    memcpy(pkt + 16, fuzz_server, 4);
    if (ihl > 20) {
        memcpy(pkt + 20, ipopt, sizeof ipopt);
    }
    tcp = pkt + ihl;
    set16(tcp, FUZZ_CLIENT_PORT);
    set16(tcp + 2, dport);
    set32(tcp + 4, FUZZ_CLIENT_SEQ);
    set32(tcp + 8, isn + 1);
    tcp[12] = 5 << 4;
    tcp[13] = (uint8_t)(TH_ACK | TH_PSH | (ctl & FUZZ_HTTP_FIN ? TH_FIN : 0));
    tcp[14] = data[5];
    tcp[15] = data[6];
    memcpy(tcp + 20, data + FUZZ_HTTP_HDR, size - FUZZ_HTTP_HDR);
    seal(pkt, len, 1, 1);
    run(&srv, now, pkt, len);
    free(pkt);
    return 0;
}
#endif
