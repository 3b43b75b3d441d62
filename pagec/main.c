/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c - the pagec command: compile a directory of web files into C
 * arrays of complete IPv4/TCP/HTTP reply packets.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <magic.h>
#include <zlib.h>

#include "compiler.h"
#include "ident.h"
#include "pagec/check.h"
#include "pagec/site.h"

#define EXIT_INPUT 1
#define EXIT_USAGE 2

static void usage(FILE *f)
{
    fputs("usage: pagec [options] SITE_DIR -o OUT.c\n"
          "       pagec --check|--report [options] SITE_DIR\n"
          "\n"
          "Compiles every file below SITE_DIR into complete IPv4/TCP/HTTP\n"
          "reply packets and writes them as C arrays to OUT.c, with the\n"
          "declaration of the site in OUT.h.\n"
          "\n"
          "options:\n"
          "  -o, --output OUT.c    the C file to write, its name ending in\n"
          "                        .c; the header goes to OUT.h\n"
          "  --mss N               the MSS announced, most TCP data in one\n"
          "                        segment (default 1460; 966 for SLIP)\n"
          "  --max-segments N      fail a page whose reply takes more than\n"
          "                        N segments of the MSS (default: no\n"
          "                        limit; 1: every page in one segment)\n"
          "  --name ID             C identifier of the site (default site)\n"
          "  --no-gzip             no gzip-encoded variants\n"
          "  --mime EXT=TYPE       Content-Type of files ending in .EXT\n"
          "  --cache-control VALUE a Cache-Control field in every page\n"
          "  --server VALUE        a Server field in every reply\n"
          "  --http-port N         port of file-name mode (default 80; 0:\n"
          "                        none)\n"
          "  --port PORT=PATH      serve PATH on PORT whatever is asked\n"
          "  --exclude GLOB        skip files and folders matching GLOB\n"
          "  --report              print the fit report on stdout\n"
          "  --check               check that everything fits; write "
          "nothing\n"
          "  --depfile FILE        write a Make depfile for OUT.c\n"
          "  -h, --help            print this help and exit\n"
          "  --version             print the version and exit\n"
          "\n"
          "exit status: 0 success, 1 a page does not fit or a file cannot\n"
          "be read or written, 2 usage error\n",
          f);
}

static int usage_error(const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("pagec: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'pagec --help' for more information.\n", stderr);
    return EXIT_USAGE;
}

/* A file name that can stand in #include "..." as it is: printable
 * ASCII without quotes, backslashes or '?' (trigraphs). */
static int plain_file_name(const char *path)
{
    const char *p;

    for (p = path; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if (c == '"' || c == '\\' || c == '?' || c < 0x20 || c >= 0x7f) {
            return 0;
        }
    }
    return 1;
}

/* 1 when path names an existing folder. */
static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The folder of path can take new files: 0, or -1 after printing why
 * (with path, the file that was to be written there). */
static int writable_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int rc = 0;

    if (!slash) {
        dir = strdup(".");
    } else if (slash == path) {
        dir = strdup("/");
    } else {
        dir = strndup(path, (size_t)(slash - path));
    }
    if (!dir) {
        pagec_error("out of memory");
        return -1;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        pagec_error("%s: its folder %s: %s", path, dir, strerror(errno));
        rc = -1;
    } else if (!is_dir(dir)) {
        pagec_error("%s: its folder %s: %s", path, dir, strerror(ENOTDIR));
        rc = -1;
    }
    free(dir);
    return rc;
}

/* The names of the files to write, checked before anything is read or
 * written: -o names the C file, which ends in ".c"; the header is the
 * same name with ".h"; the depfile is a third name; none of them is a
 * folder or standard output. With write set, their folders must also
 * take new files. Returns 0, EXIT_USAGE or EXIT_INPUT after printing
 * why. */
static int output_names(const char *out_c, const char *depfile, int write)
{
    size_t n = strlen(out_c);
    const char *base = strrchr(out_c, '/');
    char *out_h;
    int rc = 0;

    base = base ? base + 1 : out_c;
    if (!plain_file_name(out_c)) {
        return usage_error("-o: '%s' cannot be #included by its name",
                           shown(out_c));
    }
    if (strcmp(out_c, "-") == 0) {
        return usage_error("%s", "-o: '-': pagec writes two files, the C "
                           "file and its header, never standard output; "
                           "name the C file, such as -o site.c");
    }
    if (n && out_c[n - 1] == '/') {
        return usage_error("-o: '%s' names a folder; -o names the C file, "
                           "such as -o %ssite.c",
                           shown(out_c), shown(out_c));
    }
    if (is_dir(out_c)) {
        return usage_error("-o: '%s' is a folder; -o names the C file, "
                           "such as -o %s/site.c",
                           shown(out_c), shown(out_c));
    }
    if (n < 2 || strcmp(out_c + n - 2, ".c") != 0) {
        return usage_error("-o: '%s' does not end in .c: -o names the C "
                           "file, such as -o site.c, and the header gets "
                           "the same name with .h",
                           shown(out_c));
    }
    if (strcmp(base, ".c") == 0) {
        return usage_error("-o: '%s' has no name before .c", shown(out_c));
    }
    out_h = header_name(out_c);
    if (!out_h) {
        pagec_error("out of memory");
        return EXIT_INPUT;
    }
    if (is_dir(out_h)) {
        rc = usage_error("-o: '%s' would put its header where the folder "
                         "'%s' is",
                         shown(out_c), shown(out_h));
    } else if (depfile && strcmp(depfile, "-") == 0) {
        rc = usage_error("%s", "--depfile: '-': the depfile is written to "
                         "a file, never standard output");
    } else if (depfile && !*depfile) {
        rc = usage_error("%s", "--depfile: an empty name");
    } else if (depfile && (depfile[strlen(depfile) - 1] == '/' ||
                           is_dir(depfile))) {
        rc = usage_error("--depfile: '%s' names a folder, not a file",
                         shown(depfile));
    } else if (depfile && (strcmp(depfile, out_c) == 0 ||
                           strcmp(depfile, out_h) == 0)) {
        rc = usage_error("--depfile: '%s' is the name of an output of -o",
                         shown(depfile));
    } else if (write && (writable_folder(out_c) != 0 ||
                         (depfile && writable_folder(depfile) != 0))) {
        rc = EXIT_INPUT;
    }
    free(out_h);
    return rc;
}

/* A C identifier that is no keyword and not in the pagec_/PAGEC_ space
 * the generated statics and the headers use. */
static int site_identifier(const char *s)
{
    static const char *const keywords[] = {
        "auto", "break", "case", "char", "const", "continue", "default",
        "do", "double", "else", "enum", "extern", "float", "for", "goto",
        "if", "inline", "int", "long", "register", "restrict", "return",
        "short", "signed", "sizeof", "static", "struct", "switch",
        "typedef", "union", "unsigned", "void", "volatile", "while",
    };
    size_t i;

    if (!is_identifier(s) || strncmp(s, "pagec_", 6) == 0 ||
        strncmp(s, "PAGEC_", 6) == 0 || s[0] == '_') {
        return 0;
    }
    for (i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        if (strcmp(s, keywords[i]) == 0) {
            return 0;
        }
    }
    return 1;
}

/* A header field value: printable ASCII, no line breaks. */
static int field_value(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f) {
            return 0;
        }
    }
    return 1;
}

/* Parses a decimal number from lo to hi; -1 when it is not one. */
static long number(const char *s, long lo, long hi)
{
    char *end;
    long v;

    if (*s < '0' || *s > '9') {
        return -1;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi) {
        return -1;
    }
    return v;
}

/* A --mime argument: EXT=TYPE, TYPE a type/subtype. */
static int mime_arg(const char *s)
{
    const char *eq = strchr(s, '=');

    return eq && eq != s && !memchr(s, '.', (size_t)(eq - s)) &&
           strchr(eq + 1, '/') && eq[1] != '/' && field_value(eq + 1);
}

/* Appends p to the array *v of *n strings. */
static int push(const char ***v, size_t *n, const char *p)
{
    const char **nv = realloc(*v, (*n + 1) * sizeof *nv);

    if (!nv) {
        return -1;
    }
    nv[(*n)++] = p;
    *v = nv;
    return 0;
}

static int by_port(const void *a, const void *b)
{
    const struct port_opt *x = a;
    const struct port_opt *y = b;

    return (x->port > y->port) - (x->port < y->port);
}

/* The compiled site as the runtime will read it, checked before anything
 * is written: a fault is pagec's own. Returns 0, or EXIT_INPUT after
 * printing an error. */
static int check_image(const struct output *out, const char *dir)
{
    struct image img;
    const char *why = NULL;
    int rc = 0;

    if (image_build(out, &img) != 0) {
        return EXIT_INPUT;
    }
    if (pagec_site_check(&img.site, &why) != 0) {
        pagec_error("%s: internal error: the compiled site fails its check: "
                    "%s",
                    dir, why);
        rc = EXIT_INPUT;
    }
    image_free(&img);
    return rc;
}

/* Resolves every --port PATH to a page of the tree t, a file of s. */
static int resolve_ports(struct options *o, const struct tree *t,
                         const struct site *s)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < o->nports; i++) {
        const char *path = o->ports[i].path;
        char *slash = malloc(strlen(path) + 2);
        long page;

        if (!slash) {
            pagec_error("out of memory");
            rc = -1;
            break;
        }
        sprintf(slash, "%s%s", path[0] == '/' ? "" : "/", path);
        page = tree_lookup(t, slash);
        free(slash);
        if (page < 0) {
            pagec_error("--port %u=%s: the site has no such page",
                        o->ports[i].port, shown(path));
            rc = -1;
        } else if (s->pages[page].location) {
            pagec_error("--port %u=%s: a folder; name the page, such as "
                        "%s/index.html",
                        o->ports[i].port, shown(path), shown(path));
            rc = -1;
        } else {
            o->ports[i].page = (size_t)page;
        }
    }
    return rc;
}

int main(int argc, char **argv)
{
    enum { O_MSS = 256, O_MAX_SEGMENTS, O_NAME, O_NOGZIP, O_MIME, O_CACHE, O_SERVER,
           O_HTTP_PORT, O_PORT, O_EXCLUDE, O_REPORT, O_CHECK, O_DEPFILE,
           O_VERSION };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"mss", required_argument, NULL, O_MSS},
        {"max-segments", required_argument, NULL, O_MAX_SEGMENTS},
        {"name", required_argument, NULL, O_NAME},
        {"no-gzip", no_argument, NULL, O_NOGZIP},
        {"mime", required_argument, NULL, O_MIME},
        {"cache-control", required_argument, NULL, O_CACHE},
        {"server", required_argument, NULL, O_SERVER},
        {"http-port", required_argument, NULL, O_HTTP_PORT},
        {"port", required_argument, NULL, O_PORT},
        {"exclude", required_argument, NULL, O_EXCLUDE},
        {"report", no_argument, NULL, O_REPORT},
        {"check", no_argument, NULL, O_CHECK},
        {"depfile", required_argument, NULL, O_DEPFILE},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, O_VERSION},
        {NULL, 0, NULL, 0},
    };
    struct options o;
    struct site site;
    struct output out;
    const char *out_c = NULL;
    const char *depfile = NULL;
    int report = 0;
    int check = 0;
    int rc = 0;
    int c;
    size_t i;
    size_t k;

    memset(&o, 0, sizeof o);
    memset(&out, 0, sizeof out);
    memset(&site, 0, sizeof site);
    o.name = "site";
    o.mss = PAGEC_MSS_DEFAULT;
    o.http_port = 80;
    o.gzip = 1;
    opterr = 0;
    while (rc == 0 &&
           (c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        long v;

        switch (c) {
        case 'o':
            out_c = optarg;
            break;
        case O_MSS:
            v = number(optarg, PAGEC_MSS_MIN, PAGEC_MSS_MAX);
            if (v < 0) {
                rc = usage_error("--mss: '%s' is not a number from %d to %d",
                                 shown(optarg), PAGEC_MSS_MIN,
                                 PAGEC_MSS_MAX);
            }
            o.mss = (uint16_t)v;
            break;
        case O_MAX_SEGMENTS:
            v = number(optarg, 1, PAGEC_LARGE_MAX);
            if (v < 0) {
                rc = usage_error("--max-segments: '%s' is not a number from "
                                 "1 to %u",
                                 shown(optarg), PAGEC_LARGE_MAX);
            }
            o.max_segments = (unsigned)v;
            break;
        case O_NAME:
            if (!site_identifier(optarg)) {
                rc = usage_error("--name: '%s' is not a C identifier of its "
                                 "own (no keyword, no leading '_', "
                                 "'pagec_' or 'PAGEC_')",
                                 shown(optarg));
            }
            o.name = optarg;
            break;
        case O_NOGZIP:
            o.gzip = 0;
            break;
        case O_MIME:
            if (!mime_arg(optarg)) {
                rc = usage_error("--mime: '%s' is not EXT=TYPE/SUBTYPE",
                                 shown(optarg));
            } else if (push(&o.mimes, &o.nmimes, optarg) != 0) {
                pagec_error("out of memory");
                rc = EXIT_INPUT;
            }
            break;
        case O_CACHE:
        case O_SERVER:
            if (!*optarg || !field_value(optarg)) {
                rc = usage_error("%s: '%s' cannot be the value of a "
                                 "header field: it must be printable "
                                 "ASCII, without line breaks, not empty",
                                 c == O_CACHE ? "--cache-control"
                                              : "--server",
                                 shown(optarg));
            } else if (c == O_CACHE) {
                o.cache_control = optarg;
            } else {
                o.server = optarg;
            }
            break;
        case O_HTTP_PORT:
            v = number(optarg, 0, 65535);
            if (v < 0) {
                rc = usage_error("--http-port: '%s' is not a port number "
                                 "(0 to 65535)",
                                 shown(optarg));
            }
            o.http_port = (uint16_t)v;
            break;
        case O_PORT: {
            const char *eq = strchr(optarg, '=');
            struct port_opt *np;
            char num[8];

            v = -1;
            if (eq && eq - optarg < (long)sizeof num && eq[1]) {
                memcpy(num, optarg, (size_t)(eq - optarg));
                num[eq - optarg] = '\0';
                v = number(num, 1, 65535);
            }
            if (v < 0) {
                rc = usage_error("--port: '%s' is not PORT=PATH with a port "
                                 "from 1 to 65535",
                                 shown(optarg));
                break;
            }
            np = realloc(o.ports, (o.nports + 1) * sizeof *np);
            if (!np) {
                pagec_error("out of memory");
                rc = EXIT_INPUT;
                break;
            }
            o.ports = np;
            o.ports[o.nports].port = (uint16_t)v;
            o.ports[o.nports].path = eq + 1;
            o.ports[o.nports++].page = 0;
            break;
        }
        case O_EXCLUDE:
            if (push(&o.excludes, &o.nexcludes, optarg) != 0) {
                pagec_error("out of memory");
                rc = EXIT_INPUT;
            }
            break;
        case O_REPORT:
            report = 1;
            break;
        case O_CHECK:
            check = 1;
            break;
        case O_DEPFILE:
            depfile = optarg;
            break;
        case 'h':
            usage(stdout);
            goto done;
        case O_VERSION:
            printf("pagec %s (zlib %s, libmagic %d)\n", PAGEC_VERSION,
                   zlibVersion(), magic_version());
            goto done;
        case ':':
            rc = usage_error("option '%s' needs an argument",
                             shown(argv[optind - 1]));
            break;
        default:
            if (optopt) {
                char opt[3] = {'-', (char)optopt, '\0'};

                rc = usage_error("unknown option '%s'", opt);
            } else {
                rc = usage_error("unknown option '%s'",
                                 shown(argv[optind - 1]));
            }
            break;
        }
    }
    for (i = 0; rc == 0 && i < o.nports; i++) {
        for (k = 0; k < i; k++) {
            if (o.ports[k].port == o.ports[i].port) {
                rc = usage_error("--port %u=%s: port %u is given to "
                                 "--port %u=%s already",
                                 o.ports[i].port, shown(o.ports[i].path),
                                 o.ports[i].port, o.ports[k].port,
                                 shown(o.ports[k].path));
            }
        }
        if (rc == 0 && o.ports[i].port == o.http_port) {
            rc = usage_error("--port %u=%s: port %u is the HTTP port, "
                             "where pages are found by the path asked for; "
                             "give the page another port, or move the HTTP "
                             "port with --http-port PORT (0: none)",
                             o.ports[i].port, shown(o.ports[i].path),
                             o.ports[i].port);
        }
    }
    if (rc != 0) {
        goto done;
    }
    if (o.nports) { /* the table is written in the order of its ports */
        qsort(o.ports, o.nports, sizeof *o.ports, by_port);
    }
    if (optind == argc) {
        rc = usage_error("%s", "no SITE_DIR given");
    } else if (argc - optind > 1) {
        rc = usage_error("unexpected argument '%s'", shown(argv[optind + 1]));
    } else if (!out_c && !check && !report) {
        rc = usage_error("%s", "no output file given (-o OUT.c)");
    } else if (depfile && !out_c) {
        rc = usage_error("%s", "--depfile needs -o OUT.c");
    } else if (out_c) {
        rc = output_names(out_c, depfile, !check);
    }
    if (rc != 0) {
        goto done;
    }

    if (site_scan(argv[optind], &o, &site) != 0 ||
        site_redirects(&site, &o) != 0) {
        rc = EXIT_INPUT;
        goto done;
    }
    if (site.npages > PAGEC_PAGES_MAX) {
        pagec_error("%s: %zu files, the most a site can hold is %d: "
                    "leave some out with --exclude, or make two sites "
                    "(--name)",
                    argv[optind], site.npages, PAGEC_PAGES_MAX);
        rc = EXIT_INPUT;
        goto done;
    }
    if (tree_build(&site, NULL, 0, &out.tree) != 0 ||
        resolve_ports(&o, &out.tree, &site) != 0) {
        rc = EXIT_INPUT;
        goto done;
    }
    out.opt = &o;
    out.site = &site;
    /* every check runs, so that every problem is reported at once */
    rc = compile_site(&out) ? EXIT_INPUT : 0;
    /* a site that fits is checked before anything is printed or written;
     * one that does not still gets its report */
    if (rc == 0 && check_image(&out, argv[optind]) != 0) {
        rc = EXIT_INPUT;
        report = 0;
    }
    if (report) {
        report_site(&out, stdout);
    }
    if (rc == 0 && out_c && !check) {
        if (emit_site(&out, out_c, depfile) != 0) {
            rc = EXIT_INPUT;
        }
    }
done:
    output_free(&out);
    site_free(&site);
    mime_close();
    free(o.mimes);
    free(o.excludes);
    free(o.ports);
    return rc;
}
