/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lookup_bench.c - the time of one pagec_site_lookup() on paths of one
 * length, for bench/scale.sh, which compiles it with each generated site
 * (declared as `site` in "gen.h") and the runtime:
 *
 *   cc -O2 -Iinclude -IGEN_DIR bench/lookup_bench.c GEN_DIR/gen.c RUNTIME.c
 *
 * (RUNTIME.c: every .c file of runtime/).
 *
 * usage: lookup_bench PATHS LEN [N [REPS]]
 *   PATHS  a file of every URL path the site serves, one per line; a path
 *          that ends in "/" is a folder, served as its index.html
 *   LEN    the length in bytes of the paths timed (1 to 255)
 *   N      lookups per run (default 1000000; 0 only checks, so that an
 *          instruction counter can subtract the checking)
 *   REPS   runs; the best is printed (default 3)
 *
 * It uses nothing of the site but pagec_site_lookup() and npages, so it
 * does not depend on how the site stores its paths. Before any timing it
 * checks every path of PATHS: each must give a page below npages, each
 * file a page of its own, and each folder the page of its index.html. For
 * each of the first MAX_MISSES timed paths, a path of the same length that
 * is not in PATHS (one character changed) must give PAGEC_NO_PAGE. The
 * timed runs check that the pages returned add up to the pages checked.
 * Any mismatch exits with status 1, so no number is printed for a wrong
 * lookup.
 *
 * The timed paths are the paths of LEN bytes, at most MAX_SELECTED (8) of them
 * spread over the file, looked up in turn in a shuffled order.
 *
 * Prints one line:
 *   pages=P paths=Q len=LEN selected=K ns=T calls=C
 * P is the site's page count, Q the number of lines of PATHS, K the number
 * of paths timed, T the nanoseconds per lookup of the best run ("-" when N
 * is 0) and C the calls of pagec_site_lookup() made in all.
 */
#define _POSIX_C_SOURCE 200112L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen.h"
#include "pagec/pagec.h"

/* paths timed: as many as the 10-file site has, so that every size keeps
 * the same number of paths in the cache and the numbers compare the
 * matcher, not the memory hierarchy */
#define MAX_SELECTED 8
#define MAX_MISSES 100    /* timed paths also checked as a miss */
#define LINE_SIZE 1024    /* longest line of PATHS, with its newline */

struct sel {
    const uint8_t *p;
    uint16_t page;
};

static unsigned long calls;
static volatile unsigned long sink; /* keeps the lookups from being dropped */

static void fail(const char *path, const char *what)
{
    fprintf(stderr, "lookup_bench: %s%s%s\n", path ? path : "",
            path ? ": " : "", what);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p) {
        fail(NULL, "out of memory");
    }
    return p;
}

static long parse_long(const char *s, long min, long max, const char *what)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) {
        fprintf(stderr, "lookup_bench: %s: bad %s\n", s, what);
        exit(2);
    }
    return v;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The page of the NUL-terminated path s, counted in calls. */
static uint16_t lookup(const char *s)
{
    size_t n = strlen(s);

    calls++;
    return pagec_site_lookup(&site, (const uint8_t *)s, (uint16_t)n);
}

/* Reads every line of the file; returns how many. */
static size_t read_paths(const char *file, char ***out)
{
    char line[LINE_SIZE];
    char **v = NULL;
    size_t n = 0;
    size_t cap = 0;
    FILE *f = fopen(file, "r");

    if (!f) {
        fail(file, strerror(errno));
    }
    while (fgets(line, sizeof line, f)) {
        size_t l = strcspn(line, "\r\n");

        if (line[l] == '\0' && !feof(f)) {
            fail(file, "line too long");
        }
        line[l] = '\0';
        if (l == 0) {
            continue;
        }
        if (l > 0xfffe) {
            fail(file, "path too long");
        }
        if (n == cap) {
            char **nv;

            cap = cap ? 2 * cap : 256;
            nv = realloc(v, cap * sizeof *v);
            if (!nv) {
                fail(NULL, "out of memory");
            }
            v = nv;
        }
        v[n] = xmalloc(l + 1);
        memcpy(v[n], line, l + 1);
        n++;
    }
    if (ferror(f)) {
        fail(file, strerror(errno));
    }
    fclose(f);
    *out = v;
    return n;
}

/*
 * Checks every path: a page below npages, a page of its own for a file,
 * the page of its index.html for a folder. all is sorted.
 */
static void check_all(char **all, size_t nall)
{
    unsigned char *seen = xmalloc(site.npages);
    char buf[LINE_SIZE + 16];
    size_t i;

    memset(seen, 0, site.npages);
    for (i = 0; i < nall; i++) {
        const char *s = all[i];
        size_t l = strlen(s);
        uint16_t page = lookup(s);

        if (page == PAGEC_NO_PAGE || page >= site.npages) {
            fprintf(stderr, "lookup_bench: %s: page %u, site has %u\n", s,
                    (unsigned)page, (unsigned)site.npages);
            exit(1);
        }
        if (s[l - 1] == '/') {
            memcpy(buf, s, l);
            memcpy(buf + l, "index.html", sizeof "index.html");
            if (lookup(buf) != page) {
                fail(s, "not the page of its index.html");
            }
        } else if (seen[page]) {
            fprintf(stderr, "lookup_bench: %s: page %u, as another file\n",
                    s, (unsigned)page);
            exit(1);
        } else {
            seen[page] = 1;
        }
    }
    free(seen);
}

/*
 * Changes one character of s (length len) so that the path is not in all
 * (sorted, nall paths); returns 0 when no such change was found. Changes
 * near the end come first, so the miss sorts among real paths.
 */
static int make_missing(char *s, size_t len, char **all, size_t nall)
{
    static const char alt[] = "0123456789abcdefghijklmnopqrstuvwxyz-_";
    const char *key = s;
    size_t i;
    size_t j;

    for (i = len; i-- > 1;) {
        char c = s[i];

        if (c == '/' || c == '.') {
            continue;
        }
        for (j = 0; alt[j]; j++) {
            if (alt[j] == c) {
                continue;
            }
            s[i] = alt[j];
            if (!bsearch(&key, all, nall, sizeof *all, cmp_str)) {
                return 1;
            }
        }
        s[i] = c;
    }
    return 0;
}

static double now_ns(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        fail("clock_gettime", strerror(errno));
    }
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    char **all;
    char **fit;
    struct sel *sel;
    size_t nall;
    size_t nfit = 0;
    size_t k;
    size_t i;
    size_t len;
    unsigned long cycle_sum = 0;
    long n = 1000000;
    long reps = 3;
    long r;
    double best = -1;
    uint32_t x = 12345;

    if (argc < 3 || argc > 5) {
        fputs("usage: lookup_bench PATHS LEN [N [REPS]]\n", stderr);
        return 2;
    }
    len = (size_t)parse_long(argv[2], 1, 255, "length");
    if (argc > 3) {
        n = parse_long(argv[3], 0, 1000000000L, "number of lookups");
    }
    if (argc > 4) {
        reps = parse_long(argv[4], 1, 100, "number of runs");
    }

    nall = read_paths(argv[1], &all);
    fit = xmalloc(nall * sizeof *fit);
    for (i = 0; i < nall; i++) { /* in file order, before sorting */
        if (strlen(all[i]) == len) {
            fit[nfit++] = all[i];
        }
    }
    if (nfit == 0) {
        fprintf(stderr, "lookup_bench: %s: no path of %zu bytes\n", argv[1],
                len);
        return 1;
    }
    qsort(all, nall, sizeof *all, cmp_str);
    for (i = 1; i < nall; i++) {
        if (strcmp(all[i - 1], all[i]) == 0) {
            fail(all[i], "listed twice");
        }
    }
    check_all(all, nall);

    k = nfit < MAX_SELECTED ? nfit : MAX_SELECTED;
    sel = xmalloc(k * sizeof *sel);
    for (i = 0; i < k; i++) {
        sel[i].p = (const uint8_t *)fit[i * nfit / k]; /* spread */
    }
    for (i = k; i-- > 1;) { /* Fisher-Yates with a fixed LCG */
        struct sel t;
        size_t j;

        x = x * 1103515245u + 12345u;
        j = (size_t)((x >> 8) % (i + 1));
        t = sel[i];
        sel[i] = sel[j];
        sel[j] = t;
    }
    for (i = 0; i < k; i++) {
        const char *s = (const char *)sel[i].p;

        sel[i].page = lookup(s); /* valid: check_all saw it */
        cycle_sum += sel[i].page;
        if (i < MAX_MISSES) {
            char miss[256];
            uint16_t got;

            memcpy(miss, s, len + 1);
            if (!make_missing(miss, len, all, nall)) {
                fail(s, "no missing path of the same length found");
            }
            got = lookup(miss);
            if (got != PAGEC_NO_PAGE) {
                fprintf(stderr,
                        "lookup_bench: %s: page %u, expected PAGEC_NO_PAGE\n",
                        miss, (unsigned)got);
                return 1;
            }
        }
    }

    for (r = 0; n > 0 && r < reps; r++) {
        unsigned long acc = 0;
        size_t j = 0;
        double t0 = now_ns();
        double t;
        long m;

        for (m = 0; m < n; m++) {
            acc += pagec_site_lookup(&site, sel[j].p, (uint16_t)len);
            if (++j == k) {
                j = 0;
            }
        }
        t = now_ns() - t0;
        calls += (unsigned long)n;
        sink += acc;
        if (best < 0 || t < best) {
            best = t;
        }
        /* The pages returned add up to those checked. */
        acc -= (unsigned long)(n / (long)k) * cycle_sum;
        for (j = 0; j < (size_t)(n % (long)k); j++) {
            acc -= sel[j].page;
        }
        if (acc != 0) {
            fail(NULL, "a timed lookup returned another page");
        }
    }

    printf("pages=%u paths=%zu len=%zu selected=%zu ", (unsigned)site.npages,
           nall, len, k);
    if (n > 0) {
        printf("ns=%.1f", best / (double)n);
    } else {
        printf("ns=-");
    }
    printf(" calls=%lu\n", calls);
    for (i = 0; i < nall; i++) {
        free(all[i]);
    }
    free(all);
    free(fit);
    free(sel);
    return 0;
}
