/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * helper.c - checksums and packet builders for the unit suites. The
 * checksum here is deliberately written differently from the one under
 * test, so that the two cannot share a mistake.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper.h"
#include "pagec/pagec.h"
#include "pagec/stream.h"

uint16_t ref_fold(const uint8_t *p, size_t n, uint64_t extra)
{
    uint64_t s = extra;
    size_t i;

    for (i = 0; i < n; i++) {
        s += (i & 1) ? p[i] : (uint64_t)p[i] * 256;
    }
    /* one's-complement reduction: x mod 0xffff, with 0xffff for a nonzero
     * multiple of 0xffff */
    if (s == 0) {
        return 0;
    }
    s %= 0xffff;
    return s == 0 ? 0xffff : (uint16_t)s;
}

int ref_ip_ok(const uint8_t *pkt)
{
    return ref_fold(pkt, (size_t)(pkt[0] & 15) * 4, 0) == 0xffff;
}

int ref_l4_ok(const uint8_t *pkt)
{
    size_t hl = (size_t)(pkt[0] & 15) * 4;
    size_t n = rd16(pkt + 2) - hl;
    uint64_t pseudo = 0;

    if (pkt[9] == 6 || pkt[9] == 17) {
        pseudo = (uint64_t)rd16(pkt + 12) + rd16(pkt + 14) +
                 rd16(pkt + 16) + rd16(pkt + 18) + pkt[9] + n;
    }
    if (pkt[9] == 17 && rd16(pkt + hl + 6) == 0) {
        return 1; /* UDP without a checksum (RFC 768) */
    }
    return ref_fold(pkt + hl, n, pseudo) == 0xffff;
}

uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, (uint16_t)(v >> 16));
    wr16(p + 2, (uint16_t)v);
}

void seal(uint8_t *pkt)
{
    size_t hl = (size_t)(pkt[0] & 15) * 4;
    size_t n = rd16(pkt + 2) - hl;
    uint8_t *l4 = pkt + hl;
    uint8_t *sum = pkt[9] == 6 ? l4 + 16 : pkt[9] == 17 ? l4 + 6 : l4 + 2;
    uint64_t pseudo = 0;

    wr16(pkt + 10, 0);
    wr16(pkt + 10, (uint16_t)~ref_fold(pkt, hl, 0));
    if (pkt[9] == 6 || pkt[9] == 17) {
        pseudo = (uint64_t)rd16(pkt + 12) + rd16(pkt + 14) +
                 rd16(pkt + 16) + rd16(pkt + 18) + pkt[9] + n;
    }
    wr16(sum, 0);
    wr16(sum, (uint16_t)~ref_fold(l4, n, pseudo));
    if (pkt[9] == 17 && rd16(sum) == 0) {
        wr16(sum, 0xffff); /* 0 would say "no checksum" */
    }
}

static void ip_header(uint8_t *b, const uint8_t src[4], const uint8_t dst[4],
                      uint8_t proto, size_t total)
{
    memset(b, 0, 20);
    b[0] = 0x45;
    wr16(b + 2, (uint16_t)total);
    wr16(b + 4, 0x1234);
    b[8] = 64;
    b[9] = proto;
    memcpy(b + 12, src, 4);
    memcpy(b + 16, dst, 4);
}

size_t build_tcp(uint8_t *buf, const struct seg *s)
{
    size_t hl = 20 + s->optlen;
    size_t total = 20 + hl + s->dlen;
    uint8_t *t = buf + 20;

    ip_header(buf, s->src, s->dst, 6, total);
    memset(t, 0, 20);
    wr16(t, s->sport);
    wr16(t + 2, s->dport);
    wr32(t + 4, s->seq);
    wr32(t + 8, s->ack);
    t[12] = (uint8_t)((hl / 4) << 4);
    t[13] = s->flags;
    wr16(t + 14, s->window ? s->window : 64240);
    if (s->optlen) {
        memcpy(t + 20, s->opt, s->optlen);
    }
    if (s->dlen) {
        memcpy(t + hl, s->data, s->dlen);
    }
    seal(buf);
    return total;
}

size_t build_echo(uint8_t *buf, const uint8_t src[4], const uint8_t dst[4],
                  uint16_t id, uint16_t seq, const uint8_t *data, size_t n)
{
    uint8_t *c = buf + 20;

    ip_header(buf, src, dst, 1, 28 + n);
    memset(c, 0, 8);
    c[0] = 8;
    wr16(c + 4, id);
    wr16(c + 6, seq);
    memcpy(c + 8, data, n);
    seal(buf);
    return 28 + n;
}

size_t build_udp(uint8_t *buf, const uint8_t src[4], const uint8_t dst[4],
                 uint16_t sport, uint16_t dport, const void *data, size_t n)
{
    uint8_t *u = buf + 20;

    ip_header(buf, src, dst, 17, 28 + n);
    wr16(u, sport);
    wr16(u + 2, dport);
    wr16(u + 4, (uint16_t)(8 + n));
    wr16(u + 6, 0);
    memcpy(u + 8, data, n);
    seal(buf);
    return 28 + n;
}

uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *b;
    long len;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc((size_t)len + 1);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(fread(b, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    b[len] = 0; /* a string too, for the tests that scan it */
    *n = (size_t)len;
    return b;
}

const struct pagec_page *site_page(const struct pagec_site *site,
                                   const char *path)
{
    uint16_t page = pagec_site_lookup(site, (const uint8_t *)path,
                                      (uint16_t)strlen(path));

    return page == PAGEC_NO_PAGE ? NULL : &site->pages[page];
}

uint32_t ref_crc32(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    size_t i;
    int k;

    for (i = 0; i < n; i++) {
        crc ^= p[i];
        for (k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

const char *http_field(const struct pagec_tmpl *t, const char *name,
                       char *value, size_t size)
{
    const char *h = (const char *)t->pkt + (t->hlen - 40);
    const char *end = h + (t->len - t->hlen);
    size_t n = strlen(name);
    const char *line = h;

    while (line < end) {
        const char *eol = line;

        while (eol + 1 < end && !(eol[0] == '\r' && eol[1] == '\n')) {
            eol++;
        }
        if (eol + 1 >= end || eol == line) {
            return NULL; /* the blank line, or no line end */
        }
        if ((size_t)(eol - line) > n + 1 && strncmp(line, name, n) == 0 &&
            line[n] == ':' && line[n + 1] == ' ') {
            size_t len = (size_t)(eol - (line + n + 2));

            /* a value has no trailing whitespace (RFC 9110 section 5.5):
             * a site with large replies may pad one with a space */
            while (len && (line[n + 2 + len - 1] == ' ' ||
                           line[n + 2 + len - 1] == '\t')) {
                len--;
            }
            ck_assert_uint_lt(len, size);
            memcpy(value, line + n + 2, len);
            value[len] = '\0';
            return value;
        }
        line = eol + 2;
    }
    return NULL;
}

size_t stream_answer(const struct pagec_server *srv, uint32_t now,
                     const uint8_t *pkt, size_t n, int runs, uint8_t *out,
                     size_t size, size_t *lens, size_t max)
{
    static struct pagec_stream st;
    size_t at = 0;
    size_t count = 0;
    size_t i;
    uint16_t first;

    pagec_stream_begin(&st);
    for (i = 0; i < n; i++) {
        pagec_stream_byte(srv, &st, pkt[i]);
        /* an echo's reply goes out as its request comes */
        while (pagec_stream_pending(&st) > 0) {
            ck_assert_uint_lt(at, size);
            out[at++] = pagec_stream_next(srv, &st);
        }
    }
    first = pagec_stream_end(srv, &st, now);
    for (;;) {
        size_t from = count ? at : 0;

        ck_assert_uint_eq(pagec_stream_started(&st), at > from);
        while (pagec_stream_pending(&st) > 0) {
            const uint8_t *p;
            uint16_t pending = pagec_stream_pending(&st);
            uint16_t r = runs ? pagec_stream_run(&st, &p) : 0;

            if (r > 0) {
                ck_assert_uint_le(r, pending);
                ck_assert_uint_le(at + r, size);
                memcpy(out + at, p, r);
                at += r;
            } else {
                ck_assert_uint_lt(at, size);
                out[at++] = pagec_stream_next(srv, &st);
            }
        }
        if (at == from) {
            break; /* nothing: no reply, or the answer is complete */
        }
        ck_assert_uint_eq(pagec_stream_started(&st), 1);
        ck_assert_uint_lt(count, max);
        lens[count] = at - from;
        ck_assert_uint_eq(rd16(out + from + 2), at - from);
        if (count == 0) {
            ck_assert_uint_eq(first, at - from);
            /* a second end: the same, nothing more to pull */
            ck_assert_uint_eq(pagec_stream_end(srv, &st, now), first);
            ck_assert_uint_eq(pagec_stream_pending(&st), 0);
        }
        count++;
#if PAGEC_LARGE
        if (!pagec_stream_more(srv, &st)) {
            /* and again: still none */
            ck_assert_uint_eq(pagec_stream_more(srv, &st), 0);
            ck_assert_uint_eq(pagec_stream_pending(&st), 0);
            break;
        }
#else
        break;
#endif
    }
    if (count == 0) {
        ck_assert_uint_eq(first, 0);
    }
    return count;
}
