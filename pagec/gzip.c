/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gzip.c - the smallest gzip encoding zlib can make of a page. zlib's gzip
 * header carries no file name and a zero mtime unless asked to, so the
 * result depends on the bytes alone.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "compiler.h"

/* The settings tried. On web pages of a few kilobytes (the sample sites
 * and generated trees of thousands of pages) level 9 with the default or
 * the filtered strategy gave the smallest output every time; lower levels,
 * Huffman-only and RLE never did better, so they are not tried. */
static const struct {
    int level;
    int strategy;
} tries[] = {
    {9, Z_DEFAULT_STRATEGY},
    {9, Z_FILTERED},
};

int gzip_best(const uint8_t *data, size_t len, uint8_t **out,
              size_t *out_len)
{
    z_stream zs;
    uLong bound;
    uint8_t *best = NULL;
    uint8_t *buf;
    size_t i;
    int rc = 0;

    *out = NULL;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        return -1; /* Z_MEM_ERROR: the settings are valid */
    }
    bound = deflateBound(&zs, (uLong)len);
    buf = malloc(bound);
    if (!buf) {
        deflateEnd(&zs);
        return -1;
    }
    for (i = 0; rc == 0 && i < sizeof tries / sizeof tries[0]; i++) {
        /* with valid settings and deflateBound() bytes of room, these
         * cannot fail */
        if (deflateReset(&zs) != Z_OK ||
            deflateParams(&zs, tries[i].level, tries[i].strategy) != Z_OK) {
            rc = -1;
            break;
        }
        zs.next_in = (Bytef *)(uintptr_t)data;
        zs.avail_in = (uInt)len;
        zs.next_out = buf;
        zs.avail_out = (uInt)bound;
        if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
            rc = -1;
            break;
        }
        if (!best || zs.total_out < *out_len) {
            uint8_t *copy = malloc(zs.total_out);

            if (!copy) {
                rc = -1;
                break;
            }
            memcpy(copy, buf, zs.total_out);
            free(best);
            best = copy;
            *out_len = zs.total_out;
        }
    }
    deflateEnd(&zs);
    free(buf);
    if (rc != 0) {
        free(best);
        return -1;
    }
    *out = best;
    return 0;
}
