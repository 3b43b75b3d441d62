/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * scan.c - find every file of a site: regular files below the site
 * directory, subdirectories included, in a sorted, stable order.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compiler.h"

struct list {
    struct page *v;
    size_t n;
    size_t cap;
    char **dirs;
    size_t ndirs;
    size_t dcap;
    const struct options *o;
};

/* 1 when an --exclude pattern matches the name or the path below the
 * root; -1 when fnmatch() fails (it can only run out of memory). */
static int excluded(const struct options *o, const char *name,
                    const char *rel)
{
    size_t i;

    for (i = 0; i < o->nexcludes; i++) {
        int a = fnmatch(o->excludes[i], name, 0);
        int b = a == 0 ? 0 : fnmatch(o->excludes[i], rel, FNM_PATHNAME);

        if ((a != 0 && a != FNM_NOMATCH) || (b != 0 && b != FNM_NOMATCH)) {
            return -1;
        }
        if (a == 0 || b == 0) {
            return 1;
        }
    }
    return 0;
}

static int add_dir(struct list *l, const char *dir)
{
    if (l->ndirs == l->dcap) {
        size_t cap = l->dcap ? l->dcap * 2 : 8;
        char **v = realloc(l->dirs, cap * sizeof *v);

        if (!v) {
            return -1;
        }
        l->dirs = v;
        l->dcap = cap;
    }
    l->dirs[l->ndirs] = strdup(dir);
    return l->dirs[l->ndirs++] ? 0 : -1;
}

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);
    char *s = malloc(la + lb + 2);

    if (!s) {
        return NULL;
    }
    memcpy(s, a, la);
    s[la] = '/';
    memcpy(s + la + 1, b, lb + 1);
    return s;
}

static int add(struct list *l, char *rel, char *src, uint64_t size)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct page *v = realloc(l->v, cap * sizeof *v);

        if (!v) {
            return -1;
        }
        l->v = v;
        l->cap = cap;
    }
    memset(&l->v[l->n], 0, sizeof l->v[l->n]);
    l->v[l->n].rel = rel;
    l->v[l->n].src = src;
    l->v[l->n].size = size;
    l->n++;
    return 0;
}

/* Walks src (whose path below the root is rel, "" for the root). */
static int walk(struct list *l, const char *src, const char *rel)
{
    DIR *d = opendir(src);
    struct dirent *e;
    int rc = 0;

    if (!d) {
        pagec_error("%s: %s", src, strerror(errno));
        return -1;
    }
    if (add_dir(l, src) != 0) {
        pagec_error("out of memory");
        closedir(d);
        return -1;
    }
    for (;;) {
        struct stat st;
        char *csrc;
        char *crel;
        int ex;

        errno = 0;
        e = readdir(d);
        if (!e) {
            if (errno) {
                pagec_error("%s: %s", src, strerror(errno));
                rc = -1;
            }
            break;
        }
        if (e->d_name[0] == '.') {
            continue; /* ".", "..", and hidden files are not served */
        }
        csrc = join(src, e->d_name);
        crel = *rel ? join(rel, e->d_name) : strdup(e->d_name);
        if (!csrc || !crel) {
            pagec_error("out of memory");
            free(csrc);
            free(crel);
            rc = -1;
            break;
        }
        ex = excluded(l->o, e->d_name, crel);
        if (ex != 0) {
            free(csrc);
            free(crel);
            if (ex < 0) {
                pagec_error("out of memory");
                rc = -1;
                break;
            }
            continue;
        }
        if (lstat(csrc, &st) != 0 ||
            (S_ISLNK(st.st_mode) && stat(csrc, &st) != 0)) {
            pagec_error("%s: %s", csrc, strerror(errno));
            rc = -1; /* go on: report every problem at once */
        } else if (S_ISDIR(st.st_mode)) {
            struct stat lst;

            if (lstat(csrc, &lst) == 0 && S_ISLNK(lst.st_mode)) {
                pagec_error("%s: warning: symbolic link to a directory, "
                            "skipped",
                            csrc);
            } else if (walk(l, csrc, crel) != 0) {
                rc = -1;
            }
        } else if (S_ISREG(st.st_mode)) {
            if (add(l, crel, csrc, (uint64_t)st.st_size) == 0) {
                continue; /* the list owns both strings now */
            }
            pagec_error("out of memory");
            free(csrc);
            free(crel);
            rc = -1;
            break;
        } else {
            pagec_error("%s: warning: not a regular file, skipped", csrc);
        }
        free(csrc);
        free(crel);
    }
    closedir(d);
    return rc;
}

static int by_rel(const void *a, const void *b)
{
    return strcmp(((const struct page *)a)->rel,
                  ((const struct page *)b)->rel);
}

int site_scan(const char *dir, const struct options *o, struct site *site)
{
    struct list l = {NULL, 0, 0, NULL, 0, 0, NULL};
    struct stat st;
    char *root;
    size_t n = strlen(dir);
    int rc;

    l.o = o;
    memset(site, 0, sizeof *site);
    if (stat(dir, &st) != 0) {
        pagec_error("%s: %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        pagec_error("%s: not a directory", dir);
        return -1;
    }
    while (n > 1 && dir[n - 1] == '/') {
        n--; /* "site/" names its files "site/index.html" */
    }
    root = strndup(dir, n);
    if (!root) {
        pagec_error("out of memory");
        return -1;
    }
    rc = walk(&l, root, "");
    site->pages = l.v;
    site->npages = l.n;
    site->dirs = l.dirs;
    site->ndirs = l.ndirs;
    if (rc == 0 && l.n == 0) {
        pagec_error("%s: no files to serve", root);
        rc = -1;
    }
    free(root);
    if (rc != 0) {
        site_free(site);
        return -1;
    }
    qsort(l.v, l.n, sizeof *l.v, by_rel);
    return 0;
}

void site_free(struct site *site)
{
    size_t i;

    for (i = 0; i < site->npages; i++) {
        struct page *pg = &site->pages[i];

        free(pg->rel);
        free(pg->src);
        free(pg->location);
        free(pg->mime);
        free(pg->fields);
        actions_free(pg);
        variant_free(&pg->id);
        variant_free(&pg->gz);
    }
    for (i = 0; i < site->ndirs; i++) {
        free(site->dirs[i]);
    }
    free(site->pages);
    free(site->dirs);
    memset(site, 0, sizeof *site);
}
