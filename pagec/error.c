/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * error.c - how pagec reports a problem: "pagec: " and the message on
 * standard error.
 */
#include <stdarg.h>
#include <stdio.h>

#include "compiler.h"

void pagec_error(const char *fmt, ...)
{
    va_list ap;

    fputs("pagec: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
