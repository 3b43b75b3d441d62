/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ident.h - whether a name can be a C identifier (private to the pagec
 * programs: the site's --name, pagec-secret's --name).
 */
#ifndef PAGEC_IDENT_H
#define PAGEC_IDENT_H

/* 1 when s is a C identifier: a letter or '_', then letters, digits and
 * '_' (ASCII only). */
static inline int is_identifier(const char *s)
{
    const char *p;

    if (!*s || (*s >= '0' && *s <= '9')) {
        return 0;
    }
    for (p = s; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_')) {
            return 0;
        }
    }
    return 1;
}

#endif /* PAGEC_IDENT_H */
