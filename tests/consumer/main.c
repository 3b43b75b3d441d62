/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c - the consumer's program: serves the site pagec_add_site()
 * compiled into it to crafted datagrams, as a device would, and checks
 * the replies.
 *
 * Usage: consumer SITE_DIR PATH...
 *
 * The site must pass pagec_site_check(). For each PATH: a SYN, which must
 * get a SYN-ACK, then a GET of PATH with the right acknowledgement, which
 * must get a 200 and, after the header, the bytes of SITE_DIR/PATH.
 * Checksums are verified here, with code of this file. Exits 0 when every
 * check holds, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagec/check.h"
#include "pagec/pagec.h"
#include "web.h"

static const uint8_t client[4] = {10, 0, 0, 1};
static const uint8_t device[4] = {10, 0, 0, 2};

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, unsigned long v)
{
    put16(p, (unsigned)(v >> 16));
    put16(p + 2, (unsigned)v);
}

static unsigned long get32(const uint8_t *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
           (unsigned long)p[2] << 8 | p[3];
}

/* The Internet checksum's folded sum of n bytes, plus start. */
static unsigned sum16(const uint8_t *p, size_t n, unsigned long start)
{
    unsigned long s = start;
    size_t i;

    for (i = 0; i + 1 < n; i += 2) {
        s += (unsigned long)p[i] << 8 | p[i + 1];
    }
    if (n & 1) {
        s += (unsigned long)p[n - 1] << 8;
    }
    while (s > 0xffff) {
        s = (s & 0xffff) + (s >> 16);
    }
    return (unsigned)s;
}

/* The TCP pseudo-header's sum for datagram ip with n bytes of TCP. */
static unsigned long pseudo(const uint8_t *ip, size_t n)
{
    return sum16(ip + 12, 8, 0) + 6 + (unsigned long)n;
}

/* Builds a TCP segment from client port 40000 to port 80; returns its
 * length. */
static size_t segment(uint8_t *p, uint8_t flags, unsigned long seq,
                      unsigned long ack, const char *data)
{
    size_t dlen = data ? strlen(data) : 0;
    size_t n = 40 + dlen;

    memset(p, 0, 40);
    p[0] = 0x45;
    put16(p + 2, (unsigned)n);
    p[6] = 0x40;
    p[8] = 64;
    p[9] = 6;
    memcpy(p + 12, client, 4);
    memcpy(p + 16, device, 4);
    put16(p + 10, ~sum16(p, 20, 0) & 0xffff);
    put16(p + 20, 40000);
    put16(p + 22, 80);
    put32(p + 24, seq);
    put32(p + 28, ack);
    p[32] = 0x50;
    p[33] = flags;
    put16(p + 34, 64240);
    memcpy(p + 40, data ? data : "", dlen);
    put16(p + 36, ~sum16(p + 20, n - 20, pseudo(p, n - 20)) & 0xffff);
    return n;
}

static int failures;

static void check(int ok, const char *what, const char *path)
{
    if (!ok) {
        fprintf(stderr, "consumer: %s: %s\n", path, what);
        failures++;
    }
}

/* Runs the server on n bytes of in; the flattened reply goes to out. */
static size_t serve(const struct pagec_server *srv, const uint8_t *in,
                    size_t n, uint8_t *out, size_t size)
{
    struct pagec_reply r;
    uint16_t len = pagec_server_input(srv, 100, in, (uint16_t)n, &r);

    if (len == 0 || pagec_reply_copy(&r, out, (uint16_t)size) != len) {
        return 0;
    }
    return len;
}

static void fetch(const struct pagec_server *srv, const char *dir,
                  const char *path)
{
    static uint8_t in[2048];
    static uint8_t out[2048];
    char req[512];
    char file[1024];
    size_t n;
    unsigned long isn;
    const uint8_t *body;
    FILE *f;
    long flen;
    uint8_t *want;

    n = serve(srv, in, segment(in, 0x02, 1000, 0, NULL), out, sizeof out);
    check(n >= 40 && out[33] == 0x12 && get32(out + 28) == 1001,
          "no SYN-ACK to a SYN", path);
    if (n < 40) {
        return;
    }
    check(sum16(out, 20, 0) == 0xffff, "bad IPv4 checksum (SYN-ACK)", path);
    check(sum16(out + 20, n - 20, pseudo(out, n - 20)) == 0xffff,
          "bad TCP checksum (SYN-ACK)", path);
    isn = get32(out + 24);

    snprintf(req, sizeof req, "GET /%s HTTP/1.1\r\nHost: device\r\n\r\n", path);
    n = serve(srv, in, segment(in, 0x18, 1001, isn + 1, req), out,
              sizeof out);
    check(n > 40 && sum16(out, 20, 0) == 0xffff &&
              sum16(out + 20, n - 20, pseudo(out, n - 20)) == 0xffff,
          "no reply with right checksums to the GET", path);
    if (n <= 40) {
        return;
    }
    out[n < sizeof out ? n : sizeof out - 1] = 0;
    check(memcmp(out + 40, "HTTP/1.1 200 \r\n", 15) == 0, "not 200", path);
    body = (const uint8_t *)strstr((const char *)out + 40, "\r\n\r\n");
    check(body != NULL, "no end of the header", path);
    if (body == NULL) {
        return;
    }
    body += 4;
    snprintf(file, sizeof file, "%s/%s", dir, path);
    f = fopen(file, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (flen = ftell(f)) < 0) {
        check(0, "cannot read the file", path);
        if (f) {
            fclose(f);
        }
        return;
    }
    rewind(f);
    want = malloc((size_t)flen + 1);
    if (want == NULL || fread(want, 1, (size_t)flen, f) != (size_t)flen) {
        check(0, "cannot read the file", path);
    } else {
        check((size_t)(out + n - body) == (size_t)flen &&
                  memcmp(body, want, (size_t)flen) == 0,
              "the body is not the file", path);
    }
    free(want);
    fclose(f);
}

int main(int argc, char **argv)
{
    struct pagec_server srv;
    const char *why = NULL;
    int i;

    if (argc < 3) {
        fprintf(stderr, "usage: consumer SITE_DIR PATH...\n");
        return 2;
    }
    /* the installed header and library check the site first */
    if (pagec_site_check(&web, &why) != 0) {
        fprintf(stderr, "consumer: the site fails its check: %s\n", why);
        return 1;
    }
    memset(&srv, 0, sizeof srv);
    srv.site = &web;
    memcpy(srv.secret, "consumer", 8);
    for (i = 2; i < argc; i++) {
        fetch(&srv, argv[1], argv[i]);
    }
    if (failures == 0) {
        printf("consumer: %d page(s) served right\n", argc - 2);
    }
    return failures ? 1 : 0;
}
