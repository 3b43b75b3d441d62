/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * failmalloc.c - an LD_PRELOAD library that makes one allocation fail:
 * with PAGEC_FAIL_AT=N in the environment, the Nth call of malloc,
 * calloc, realloc or reallocarray (counted from the start of the process,
 * those of the C library, zlib and libmagic included) returns NULL with
 * errno ENOMEM; the others are served by the C library. With
 * PAGEC_ALLOC_COUNT=FILE, the number of calls is written to FILE at exit.
 * For glibc, whose own allocator stays reachable as __libc_malloc() and
 * friends, and which routes its internal allocations through these
 * names.
 *
 * The allocations made inside libmagic's calls are neither counted nor
 * failed: libmagic does not survive all of them (it crashes, and so does
 * the regcomp() it calls, in glibc 2.36, with a double free), and pagec
 * cannot mend that. What pagec does when libmagic fails is tested with a
 * database libmagic cannot load.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <magic.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);

void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void *reallocarray(void *p, size_t n, size_t size);

static unsigned long calls;
static unsigned long fail_at; /* 0: none */
static int in_magic;          /* inside a call of libmagic */

__attribute__((constructor)) static void start(void)
{
    const char *s = getenv("PAGEC_FAIL_AT");

    fail_at = s ? strtoul(s, NULL, 10) : 0;
}

__attribute__((destructor)) static void finish(void)
{
    const char *path = getenv("PAGEC_ALLOC_COUNT");
    char line[32];
    int fd;
    int n;

    if (!path) {
        return;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        return;
    }
    n = snprintf(line, sizeof line, "%lu\n", calls);
    if (write(fd, line, (size_t)n) != n) {
        n = 0;
    }
    close(fd);
}

/* 1 when this call is the one to fail. */
static int failing(void)
{
    if (in_magic) {
        return 0;
    }
    if (++calls == fail_at) {
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *malloc(size_t n)
{
    return failing() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    return failing() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    if (p && n == 0) {
        return __libc_realloc(p, n); /* a free */
    }
    return failing() ? NULL : __libc_realloc(p, n);
}

void *reallocarray(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, n * size);
}

/* libmagic's calls that allocate, run with in_magic set */
#define REAL(name) ((name##_fn)dlsym(RTLD_NEXT, #name))

typedef magic_t (*magic_open_fn)(int);
typedef int (*magic_load_fn)(magic_t, const char *);
typedef const char *(*magic_buffer_fn)(magic_t, const void *, size_t);
typedef void (*magic_close_fn)(magic_t);

magic_t magic_open(int flags)
{
    magic_t m;

    in_magic++;
    m = REAL(magic_open)(flags);
    in_magic--;
    return m;
}

int magic_load(magic_t m, const char *file)
{
    int r;

    in_magic++;
    r = REAL(magic_load)(m, file);
    in_magic--;
    return r;
}

const char *magic_buffer(magic_t m, const void *data, size_t len)
{
    const char *r;

    in_magic++;
    r = REAL(magic_buffer)(m, data, len);
    in_magic--;
    return r;
}

void magic_close(magic_t m)
{
    in_magic++;
    REAL(magic_close)(m);
    in_magic--;
}
