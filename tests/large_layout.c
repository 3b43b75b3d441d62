/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * large_layout.c - the large replies of a site compiled by pagec, checked
 * against the files they were made from and against pagec/site.h with
 * code of its own: its own checksum, its own grid, its own segment count.
 * tests/large_layout.sh compiles it with a site generated under the name
 * checked_site, the runtime's matcher (to find a page by its path) and
 * site check, and zlib (to decode a gzip body).
 *
 * usage: large_layout PATH=FILE...
 * For each page PATH, made from FILE, checks both of its encodings:
 * - the 200 reply: "HTTP/1.1 200 ", the ETag at PAGEC_ETAG_AT (the CRC-32
 *   of the bytes sent, bit 0 set for gzip), a Content-Length of the bytes
 *   sent, then the blank line and exactly the file's bytes (gzip-decoded
 *   for the gzip encoding);
 * - its HEAD form: the same header, or the same with one space more at
 *   the end of its last field;
 * - in a site with large replies, an even length of every reply;
 * - a reply over min(536, mss) bytes is a large reply, and only such a
 *   reply: its template (one segment when it fits mss, sharing its bytes,
 *   else of length 0xffff pointing at them with no sums), its length, and
 *   every sum of its grid 0, 2v, 2v + B, ..., len computed here;
 * - cut for each MSS class (536, 966, 1220, 1460) as docs/large-pages.md
 *   says, every boundary is on the grid, congruent to 2v modulo B, every
 *   segment holds at most the class less 12 bytes, and the sum of each
 *   segment taken from the table is the sum of its bytes;
 * - the live fields of a large reply: spaces in its bytes;
 * - pagec_site_check() on the site, and on copies of it with one fault
 *   each in its large replies (block, count, order, variant, length,
 *   sums, bytes, templates, an odd reply, max_data): each found.
 * Then prints "segments PATH ENCODING N1460 N966" for each encoding, the
 * segments of MSS 1460 and 966 (at most mss) it takes, for the script to
 * compare with pagec's report. Exit status 0 when every check passed, 1
 * otherwise (each failure named on stderr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pagec/check.h"
#include "pagec/pagec.h"

extern const PAGEC_ROM struct pagec_site checked_site;

static const struct pagec_site *site = &checked_site;
static int failures;

static void fail(const char *path, const char *enc, const char *what)
{
    fprintf(stderr, "large_layout: %s, %s: %s\n", path, enc, what);
    failures++;
}

/* The folded one's-complement sum of the big-endian 16-bit words of
 * [0, n) of p, n even: this test's own, a 64-bit accumulator folded at
 * the end. 0 only for bytes that are all zero. */
static uint16_t sum_to(const uint8_t *p, size_t n)
{
    uint64_t acc = 0;
    size_t i;

    for (i = 0; i + 1 < n; i += 2) {
        acc += (uint64_t)p[i] << 8 | p[i + 1];
    }
    while (acc >> 16) {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    return (uint16_t)acc;
}

/* a and b, two folded sums, stand for the same number modulo 0xffff */
static int same_sum(uint32_t a, uint32_t b)
{
    return a % 0xffff == b % 0xffff;
}

static uint8_t *read_whole(const char *name, size_t *len)
{
    FILE *f = fopen(name, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0;
    size_t n = 0;

    if (!f) {
        perror(name);
        exit(2);
    }
    for (;;) {
        size_t got;

        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
            if (!buf) {
                exit(2);
            }
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* The body of a gzip member, decoded into a malloc'd buffer; NULL when
 * it does not decode. */
static uint8_t *gunzip(const uint8_t *in, size_t len, size_t *out_len)
{
    z_stream zs;
    size_t cap = len * 4 + 1024;
    uint8_t *out = malloc(cap);
    int rc;

    memset(&zs, 0, sizeof zs);
    if (!out || inflateInit2(&zs, 15 + 16) != Z_OK) {
        exit(2);
    }
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    do {
        if (zs.total_out == cap) {
            cap *= 2;
            out = realloc(out, cap);
            if (!out) {
                exit(2);
            }
        }
        zs.next_out = out + zs.total_out;
        zs.avail_out = (uInt)(cap - zs.total_out);
        rc = inflate(&zs, Z_NO_FLUSH);
    } while (rc == Z_OK);
    *out_len = zs.total_out;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END || zs.avail_in != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* The value of field name in the header [0, hlen) of d, its trailing
 * spaces left out, in buf; NULL when there is none. */
static const char *field(const uint8_t *d, size_t hlen, const char *name,
                         char *buf, size_t size)
{
    size_t n = strlen(name);
    size_t at = 0;

    while (at < hlen) {
        const uint8_t *eol = memchr(d + at, '\r', hlen - at);
        size_t end = eol ? (size_t)(eol - d) : hlen;

        if (end - at > n + 1 && memcmp(d + at, name, n) == 0 &&
            d[at + n] == ':') {
            size_t from = at + n + 1;

            while (from < end && d[from] == ' ') {
                from++;
            }
            while (end > from && d[end - 1] == ' ') {
                end--;
            }
            if (end - from >= size) {
                return NULL;
            }
            memcpy(buf, d + from, end - from);
            buf[end - from] = '\0';
            return buf;
        }
        at = end + 2;
    }
    return NULL;
}

/* The entry of site->large for variant vi, or NULL. */
static const struct pagec_large *large_of(uint16_t vi)
{
    uint16_t i;

    for (i = 0; i < site->nlarge; i++) {
        if (site->large[i].variant == vi) {
            return &site->large[i];
        }
    }
    return NULL;
}

/* The segments of a reply of len bytes at MSS m, as docs/large-pages.md
 * cuts it: checks each boundary against the grid and each segment's sum
 * against the table. Returns the count. */
static size_t cut(const char *path, const char *enc,
                  const struct pagec_large *e, size_t v, unsigned m)
{
    size_t b = site->block;
    size_t s = (m - 12) / b * b;
    size_t first = s - ((s - 2 * v) % b);
    size_t at = 0;
    size_t count = 0;

    if (e->len <= m) {
        return 1; /* one segment: its template */
    }
    if (first != s - b + 2 * v) {
        fail(path, enc, "the first segment is not S - B + 2v");
    }
    while (at < e->len) {
        size_t end = at == 0 ? first : at + s;
        size_t gi;
        size_t gj;
        uint32_t direct;
        uint32_t table;

        if (end > e->len) {
            end = e->len;
        }
        if (end - at > m - 12 || end == at) {
            fail(path, enc, "a segment is empty or over the class less 12");
        }
        if (end < e->len && end % b != 2 * v) {
            fail(path, enc, "a boundary is not 2v modulo B");
        }
        /* the grid index of each end: 0, 2v + (k - 1) B, or the last */
        gi = at == 0 ? 0 : 1 + (at - 2 * v) / b;
        gj = end == e->len ? 2 + (e->len - 1 - 2 * v) / b
                           : 1 + (end - 2 * v) / b;
        direct = 0;
        {
            uint64_t acc = 0;
            size_t i;

            for (i = at; i < end; i += 2) {
                acc += (uint64_t)e->data[i] << 8 | e->data[i + 1];
            }
            while (acc >> 16) {
                acc = (acc & 0xffff) + (acc >> 16);
            }
            direct = (uint32_t)acc;
        }
        /* sums[gj] less sums[gi] in one's complement */
        table = (uint32_t)e->sums[gj] + (uint16_t)~e->sums[gi];
        table = (table & 0xffff) + (table >> 16);
        if (!same_sum(direct, table)) {
            fail(path, enc, "a segment's sum from the table is not the sum "
                            "of its bytes");
        }
        at = end;
        count++;
    }
    return count;
}

/* The large reply e of variant vi, v = its number: its length, its
 * template, its sums, its cuts. */
static void check_large(const char *path, const char *enc, uint16_t vi,
                        const struct pagec_large *e, size_t v,
                        const uint8_t *data, size_t len)
{
    const struct pagec_tmpl *get = &site->variants[vi].get;
    size_t b = site->block;
    size_t n = 0;
    size_t g;
    size_t k;
    int bad = 0;

    if (e->len != len || e->len % 2 || e->len >= (1u << 27)) {
        fail(path, enc, "a large reply's length is wrong, odd or too big");
        return;
    }
    if (len <= site->mss) {
        if (get->len != len + 40 || get->pkt != e->data) {
            fail(path, enc, "a large reply that fits mss is not its "
                            "template's own bytes");
        }
    } else if (get->len != 0xffff || get->hlen != 40 || get->pkt != e->data ||
               get->ip_sum || get->tcp_sum) {
        fail(path, enc, "a large reply over mss has not the 0xffff template");
    }
    if (e->data != data) {
        fail(path, enc, "the large reply is not the bytes found");
    }
    /* the grid: 0, 2v, 2v + B, ... below len, len */
    if (e->sums[0] != 0) {
        fail(path, enc, "the sum at 0 is not 0");
    }
    for (k = 1, g = 2 * v; g < len; g += b, k++) {
        if (e->sums[k] != sum_to(e->data, g) && !bad) {
            fail(path, enc, "a sum on the grid is wrong");
            bad = 1;
        }
    }
    if (e->sums[k] != sum_to(e->data, len)) {
        fail(path, enc, "the sum of the whole reply is wrong");
    }
    n = k + 1;
    if (n != 3 + (len - 1 - 2 * v) / b) {
        fail(path, enc, "the grid has not the number of points expected");
    }
    cut(path, enc, e, v, 536);
    cut(path, enc, e, v, 966);
    cut(path, enc, e, v, 1220);
    cut(path, enc, e, v, 1460);
}

/* One encoding of the page path, made from the file's bytes. */
static void check_variant(const char *path, const char *enc, uint16_t vi,
                          const uint8_t *file, size_t file_len)
{
    const struct pagec_variant *var = &site->variants[vi];
    const struct pagec_large *e = large_of(vi);
    const uint8_t *d;
    const uint8_t *h = var->head.pkt;
    const uint8_t *blank;
    size_t len;
    size_t hlen;
    size_t head_len = var->head.len - 40u;
    size_t class = site->mss < 536 ? site->mss : 536;
    size_t body_len;
    unsigned long crc;
    char buf[128];
    char want[16];
    size_t v = e ? (size_t)(e - site->large) + 1 : 0;
    size_t n1460 = 1;
    size_t n966 = 1;
    int gz = strcmp(enc, "gzip") == 0;

    if (var->get.len == 0xffff) {
        if (!e) {
            fail(path, enc, "a template of length 0xffff without a large "
                            "reply");
            return;
        }
        d = e->data;
        len = e->len;
    } else {
        d = var->get.pkt + (var->get.hlen - 40);
        len = var->get.len - var->get.hlen;
    }
    if (len < 17 || memcmp(d, "HTTP/1.1 200 \r\n", 15) != 0) {
        fail(path, enc, "the reply does not start \"HTTP/1.1 200 \"");
        return;
    }
    blank = NULL;
    for (hlen = 0; hlen + 4 <= len; hlen++) {
        if (memcmp(d + hlen, "\r\n\r\n", 4) == 0) {
            blank = d + hlen;
            break;
        }
    }
    if (!blank) {
        fail(path, enc, "no blank line");
        return;
    }
    hlen += 4;
    body_len = len - hlen;
    /* the body: the file, gzip-decoded for gzip */
    if (gz) {
        size_t out_len;
        uint8_t *out = gunzip(d + hlen, body_len, &out_len);

        if (!out || out_len != file_len || memcmp(out, file, file_len)) {
            fail(path, enc, "the body does not decode to the file");
        }
        free(out);
    } else if (body_len != file_len || memcmp(d + hlen, file, file_len)) {
        fail(path, enc, "the body is not exactly the file");
    }
    snprintf(want, sizeof want, "%zu", body_len);
    if (!field(d, hlen, "Content-Length", buf, sizeof buf) ||
        strcmp(buf, want) != 0) {
        fail(path, enc, "Content-Length is not the body's length");
    }
    if (gz != (field(d, hlen, "Content-Encoding", buf, sizeof buf) != NULL)) {
        fail(path, enc, "Content-Encoding is not as the encoding");
    }
    /* the ETag: the CRC-32 of the bytes sent, bit 0 for gzip */
    crc = crc32(0L, d + hlen, (uInt)body_len);
    snprintf(want, sizeof want, "\"%08lx\"", (crc & ~1UL) | (gz ? 1UL : 0UL));
    if (memcmp(d + PAGEC_ETAG_AT, want, PAGEC_ETAG_LEN) != 0 ||
        memcmp(d, "HTTP/1.1 200 \r\nETag: ", PAGEC_ETAG_AT) != 0) {
        fail(path, enc, "the ETag is not the CRC-32 of the body");
    }
    /* the HEAD form: the header, or one space more before its last CRLF */
    if (head_len == hlen) {
        if (memcmp(h, d, hlen) != 0) {
            fail(path, enc, "the HEAD form is not the header");
        }
    } else if (head_len != hlen + 1 || memcmp(h, d, hlen - 4) != 0 ||
               h[hlen - 4] != ' ' || memcmp(h + hlen - 3, d + hlen - 4, 4)) {
        fail(path, enc, "the HEAD form is not the header with a space more");
    }
    if (site->nlarge && (len % 2 || head_len % 2)) {
        fail(path, enc, "an odd reply in a site with large replies");
    }
    /* large exactly when over the smallest class */
    if ((len > class) != (e != NULL)) {
        fail(path, enc, "large or not against its length");
    }
    if (e) {
        check_large(path, enc, vi, e, v, d, len);
        n1460 = cut(path, enc, e, v, site->mss < 1460 ? site->mss : 1460);
        n966 = cut(path, enc, e, v, site->mss < 966 ? site->mss : 966);
    } else if (var->get.len == 0xffff) {
        fail(path, enc, "0xffff without a large reply");
    }
    printf("segments %s %s %zu %zu\n", path, enc, n1460, n966);
}

/* Sets the partial sums of template t as pagec/site.h defines them, with
 * this test's own checksum: for a fault of length. */
static void resum(struct pagec_tmpl *t, uint16_t window)
{
    uint32_t ip = 0x4500u + t->len + 0x4000u + (64u << 8 | 6u);
    uint32_t tcp = (uint32_t)window + 6u + (t->len - 20u);
    size_t n = t->len - 40u;
    size_t i;

    for (i = 0; i < n; i++) {
        tcp += i % 2 ? t->pkt[i] : (uint32_t)t->pkt[i] << 8;
    }
    while (ip >> 16) {
        ip = (ip & 0xffff) + (ip >> 16);
    }
    while (tcp >> 16) {
        tcp = (tcp & 0xffff) + (tcp >> 16);
    }
    t->ip_sum = (uint16_t)ip;
    t->tcp_sum = (uint16_t)tcp;
}

/* pagec_site_check() on a copy of the site with one fault in its large
 * replies: it must fail, naming the fault with a sentence that holds
 * what. */
static void expect_fault(const struct pagec_site *s, const char *what)
{
    const char *why = NULL;

    if (pagec_site_check(s, &why) != -1 || !why || !strstr(why, what)) {
        fprintf(stderr, "large_layout: a fault not found: '%s' for '%s'\n",
                why ? why : "(none)", what);
        failures++;
    }
}

/* The site check against faults in the large replies of the site, which
 * has some: each made in a copy of the site and its tables. */
static void check_faults(void)
{
    struct pagec_site s;
    struct pagec_large *l = calloc(site->nlarge, sizeof *l);
    struct pagec_variant *v = calloc(site->nvariants, sizeof *v);
    uint16_t *sums;
    uint8_t *bytes;
    const struct pagec_large *big = NULL;
    size_t n;
    uint16_t i;
    const char *why = NULL;

#define FRESH()                                                          \
    do {                                                                 \
        s = *site;                                                       \
        memcpy(l, site->large, site->nlarge * sizeof *l);                \
        memcpy(v, site->variants, site->nvariants * sizeof *v);          \
        s.large = l;                                                     \
        s.variants = v;                                                  \
    } while (0)
    if (!l || !v) {
        exit(2);
    }
    FRESH();
    if (pagec_site_check(&s, &why) != 0) {
        fprintf(stderr, "large_layout: the site fails its check: %s\n", why);
        failures++;
        return;
    }
    for (i = 0; i < site->nlarge; i++) {
        if (site->large[i].len > site->mss) {
            big = &site->large[i];
        }
    }
    s.large = NULL;
    expect_fault(&s, "no pointer");
    FRESH();
    s.block = 96;
    expect_fault(&s, "power of two");
    FRESH();
    s.block = 1024;
    expect_fault(&s, "power of two");
    FRESH();
    s.block = 64;
    s.nlarge = 32;
    expect_fault(&s, "block / 2 - 1");
    FRESH();
    s.nlarge = 0;
    expect_fault(&s, "block is not 0");
    if (site->nlarge > 1) {
        FRESH();
        l[1].variant = l[0].variant;
        expect_fault(&s, "sorted");
    }
    FRESH();
    l[0].variant = site->nvariants;
    expect_fault(&s, "variant the site does not have");
    FRESH();
    l[0].len--;
    expect_fault(&s, "odd");
    FRESH();
    l[0].len = PAGEC_LARGE_MAX + 2;
    expect_fault(&s, "below 2^27");
    FRESH();
    l[0].len = site->mss < 536 ? site->mss & ~1u : 536;
    expect_fault(&s, "fits one segment");
    /* a sum changed, then the bytes changed under right sums */
    FRESH();
    n = 3 + (site->large[0].len - 1 - 2) / site->block;
    sums = malloc(n * sizeof *sums);
    bytes = malloc(site->large[0].len);
    if (!sums || !bytes) {
        exit(2);
    }
    memcpy(sums, site->large[0].sums, n * sizeof *sums);
    memcpy(bytes, site->large[0].data, site->large[0].len);
    l[0].sums = sums;
    sums[1] ^= 0x0100;
    expect_fault(&s, "sum at a point of its grid");
    sums[1] ^= 0x0100;
    sums[n - 1] ^= 0x0001;
    expect_fault(&s, "sum of all its bytes");
    sums[n - 1] ^= 0x0001;
    l[0].data = bytes;
    bytes[site->large[0].len - 1] ^= 0x20;
    expect_fault(&s, "sum");
    bytes[site->large[0].len - 1] ^= 0x20;
    if (site->large[0].len <= site->mss) {
        /* its template's bytes elsewhere, the same: fine; changed: not */
        v[site->large[0].variant].get.pkt = bytes;
        v[site->large[0].variant].head.pkt = bytes;
        if (pagec_site_check(&s, &why) != 0) {
            fprintf(stderr, "large_layout: a copy fails: %s\n", why);
            failures++;
        }
        bytes[0] = 'h';
        expect_fault(&s, "HTTP/1.1");
        bytes[0] = 'H';
    }
    free(sums);
    free(bytes);
    if (big) {
        uint16_t vi = big->variant;

        FRESH();
        v[vi].get.tcp_sum = 1;
        expect_fault(&s, "no sums");
        FRESH();
        v[vi].get.pkt = v[vi].get.pkt + 2;
        expect_fault(&s, "no sums");
    }
    /* a template of length 0xffff for a variant with no large reply */
    for (i = 0; i < site->nvariants && large_of(i); i++) {
    }
    if (i < site->nvariants) {
        FRESH();
        v[i].get.len = 0xffff;
        expect_fault(&s, "0xffff");
    }
    /* the error reply one byte shorter, its sums right: odd */
    FRESH();
    s.status.len--;
    resum(&s.status, site->window);
    if (pagec_site_check(&s, &why) == 0 || !strstr(why, "odd")) {
        fprintf(stderr, "large_layout: an odd error reply passes\n");
        failures++;
    }
    /* max_data counts no 0xffff template */
    FRESH();
    s.max_data = 0xffff - 40;
    expect_fault(&s, "max_data");
#undef FRESH
    free(l);
    free(v);
}

int main(int argc, char **argv)
{
    int i;
    uint16_t k;

    if (site->format != PAGEC_FORMAT_VERSION) {
        fail("-", "-", "the format version");
    }
    if (site->nlarge) {
        uint16_t b = site->block;

        if (b < 64 || b > 512 || (b & (b - 1)) ||
            b < 2 * (site->nlarge + 1) ||
            (b > 64 && b / 2 >= 2 * (site->nlarge + 1))) {
            fail("-", "-", "block is not the least power of two from 64 for "
                           "the large replies");
        }
        if ((site->status.len - 40u) % 2) {
            fail("-", "-", "the error reply is odd");
        }
    } else if (site->block || site->large) {
        fail("-", "-", "a grid without large replies");
    }
    for (k = 1; k < site->nlarge; k++) {
        if (site->large[k].variant <= site->large[k - 1].variant) {
            fail("-", "-", "the large replies are not sorted by variant");
        }
    }
    /* the live fields of a large reply: spaces in its bytes, which its
     * sums count as they are */
    for (k = 0; k < site->nlive; k++) {
        const struct pagec_live *l = &site->live[k];
        const struct pagec_large *e = large_of(l->variant);
        uint16_t f;

        for (f = l->first; e && f < l->first + l->count; f++) {
            const struct pagec_field *lf = &site->fields[f];
            uint16_t b;

            if ((uint32_t)lf->at + lf->width > e->len) {
                fail("-", "live", "a live field outside its large reply");
                continue;
            }
            for (b = 0; b < lf->width; b++) {
                if (e->data[lf->at + b] != ' ') {
                    fail("-", "live", "a live field is not spaces in its "
                                      "large reply");
                    break;
                }
            }
        }
    }
    for (i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        const struct pagec_page *pg;
        uint16_t page;
        size_t file_len;
        uint8_t *file;

        if (!eq) {
            fprintf(stderr, "usage: large_layout PATH=FILE...\n");
            return 2;
        }
        *eq = '\0';
        file = read_whole(eq + 1, &file_len);
        page = pagec_site_lookup(site, (const uint8_t *)argv[i],
                                 (uint16_t)strlen(argv[i]));
        if (page >= site->npages) {
            fail(argv[i], "-", "no such page");
            free(file);
            continue;
        }
        pg = &site->pages[page];
        if (pg->identity == PAGEC_NO_PAGE) {
            fail(argv[i], "identity", "no identity encoding");
        } else {
            check_variant(argv[i], "identity", pg->identity, file, file_len);
        }
        if (pg->gzip != PAGEC_NO_PAGE) {
            check_variant(argv[i], "gzip", pg->gzip, file, file_len);
        }
        free(file);
    }
    if (site->nlarge) {
        check_faults();
    }
    printf("large %u block %u\n", (unsigned)site->nlarge,
           (unsigned)site->block);
    return failures ? 1 : 0;
}
