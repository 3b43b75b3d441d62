/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * runtime_bench.c - drives the runtime through N complete exchanges (SYN,
 * GET of the sample site's index page, the client's FIN), each from a new
 * client port, so that an instruction counter such as callgrind can
 * measure the cost per datagram. Each kind of datagram is handled in a
 * function of its own (answer_syn, answer_get, answer_fin), so that
 * --toggle-collect can count each one alone.
 *
 * usage: pagec-runtime-bench [N]   (default 1000)
 *        pagec-runtime-bench isn [N]   times N calls of the ISN function
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "demo_site.h"
#include "pagec/chksum.h"
#include "pagec/pagec.h"

static struct pagec_server srv;
static struct pagec_reply reply;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* A client segment to 192.0.2.2:80 from 192.0.2.1:port. */
static uint16_t segment(uint8_t *b, uint16_t port, uint8_t flags,
                        uint32_t seq, uint32_t ack, const char *data)
{
    static const uint8_t addrs[8] = {192, 0, 2, 1, 192, 0, 2, 2};
    uint16_t dlen = (uint16_t)(data ? strlen(data) : 0);
    uint16_t hl = flags & 0x02 ? 24 : 20; /* a SYN carries MSS 1460 */
    uint16_t len = (uint16_t)(20 + hl + dlen);
    uint32_t sum;

    memset(b, 0, 20u + hl);
    b[0] = 0x45;
    put16(b + 2, len);
    b[8] = 64;
    b[9] = 6;
    memcpy(b + 12, addrs, 8);
    put16(b + 20, port);
    put16(b + 22, 80);
    put32(b + 24, seq);
    put32(b + 28, ack);
    b[32] = (uint8_t)(hl / 4 << 4);
    b[33] = flags;
    put16(b + 34, 64240);
    if (hl == 24) {
        b[40] = 2;
        b[41] = 4;
        put16(b + 42, 1460);
    }
    memcpy(b + 20 + hl, data, dlen);
    put16(b + 10, (uint16_t)~pagec_chksum_fold(pagec_chksum_add(0, b, 20)));
    sum = pagec_chksum_add(6u + len - 20u, addrs, 8);
    put16(b + 36, (uint16_t)~pagec_chksum_fold(
                      pagec_chksum_add(sum, b + 20, (uint16_t)(len - 20))));
    return len;
}

static volatile struct {
    unsigned long syn, get, fin;
} calls;

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

NOINLINE static uint16_t answer_syn(const uint8_t *b, uint16_t n)
{
    calls.syn++; /* keeps the three functions apart */
    return pagec_server_input(&srv, 0, b, n, &reply);
}

NOINLINE static uint16_t answer_get(const uint8_t *b, uint16_t n)
{
    calls.get++; /* keeps the three functions apart */
    return pagec_server_input(&srv, 0, b, n, &reply);
}

NOINLINE static uint16_t answer_fin(const uint8_t *b, uint16_t n)
{
    calls.fin++; /* keeps the three functions apart */
    return pagec_server_input(&srv, 0, b, n, &reply);
}

/* Times n calls of the ISN function: nanoseconds, and TSC cycles on
 * x86-64 (the time-stamp counter ticks at a constant rate, close to the
 * nominal clock). */
static int time_isn(long n)
{
    static const uint8_t key[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    static const uint8_t a[4] = {192, 0, 2, 1};
    static const uint8_t b[4] = {192, 0, 2, 2};
    volatile uint32_t sink = 0;
    struct timespec t0;
    struct timespec t1;
    double ns;
    long i;
#if defined(__x86_64__)
    unsigned long long c0;
    unsigned long long c1;
#endif

    clock_gettime(CLOCK_MONOTONIC, &t0);
#if defined(__x86_64__)
    c0 = __rdtsc();
#endif
    for (i = 0; i < n; i++) {
        sink ^= pagec_isn(key, a, b, (uint16_t)i, 80, (uint32_t)i >> 6, 3,
                          (uint32_t)i);
    }
#if defined(__x86_64__)
    c1 = __rdtsc();
#endif
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    printf("ISN function: %.1f ns per call", ns / (double)n);
#if defined(__x86_64__)
    printf(", %.0f TSC cycles per call", (double)(c1 - c0) / (double)n);
#endif
    printf(" (%ld calls)\n", n);
    return sink == 0xdeadbeefu; /* keeps the calls */
}

int main(int argc, char **argv)
{
    static const char req[] = "GET / HTTP/1.1\r\nHost: 192.0.2.2\r\n"
                              "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";
    static uint8_t syn[64], get[256], fin[64];
    long n;

    if (argc > 1 && strcmp(argv[1], "isn") == 0) {
        return time_isn(argc > 2 ? strtol(argv[2], NULL, 10) : 10000000L);
    }
    n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
    unsigned long bytes = 0;
    long i;

    memcpy(srv.secret, "benchkey", 8);
    srv.site = &demo_site;
    for (i = 0; i < n; i++) {
        uint16_t port = (uint16_t)(32768 + i % 28000);
        uint16_t l;
        uint32_t isn;
        uint32_t end;

        l = segment(syn, port, 0x02, 1000, 0, NULL);
        if (answer_syn(syn, l) != 44) {
            fprintf(stderr, "pagec-runtime-bench: no SYN-ACK\n");
            return 1;
        }
        isn = (uint32_t)reply.hdr[24] << 24 | (uint32_t)reply.hdr[25] << 16 |
              (uint32_t)reply.hdr[26] << 8 | reply.hdr[27];
        l = segment(get, port, 0x18, 1001, isn + 1, req);
        l = answer_get(get, l);
        bytes += l;
        if (!l) {
            fprintf(stderr, "pagec-runtime-bench: no page\n");
            return 1;
        }
        end = isn + 1 + (uint32_t)(reply.hdr_len + reply.body_len - 40) + 1;
        l = segment(fin, port, 0x11, 1001 + (uint32_t)strlen(req), end, NULL);
        if (answer_fin(fin, l) != 40) {
            fprintf(stderr, "pagec-runtime-bench: no ACK of the FIN\n");
            return 1;
        }
    }
    printf("%ld exchanges, %lu bytes of pages\n", n, bytes);
    return 0;
}
