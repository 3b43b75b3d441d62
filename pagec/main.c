/*
 * main.c - the pagec command: compile a directory of web files into C
 * arrays of complete IPv4/TCP/HTTP reply packets.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <magic.h>
#include <zlib.h>

#include "compiler.h"
#include "pagec/site.h"

#define EXIT_INPUT 1
#define EXIT_USAGE 2

static const char not_found_text[] =
    "404 Not Found\n\nThere is no page at this address on this device.\n";
static const char not_impl_text[] =
    "501 Not Implemented\n\nThis device answers GET requests only.\n";

static void usage(FILE *f)
{
    fputs("usage: pagec [options] SITE_DIR -o OUT.c\n"
          "\n"
          "Compiles every file below SITE_DIR into a complete IPv4/TCP/HTTP\n"
          "reply packet and writes them as C arrays to OUT.c, with the\n"
          "declaration of the site in OUT.h.\n"
          "\n"
          "options:\n"
          "  -o, --output FILE  the C file to write (required)\n"
          "  --mss N            most TCP data bytes in one page, and the MSS\n"
          "                     announced to clients (default 1460; 966 for\n"
          "                     SLIP)\n"
          "  --name ID          C identifier of the site (default site)\n"
          "  -h, --help         print this help and exit\n"
          "  --version          print the version and exit\n"
          "\n"
          "exit status: 0 success, 1 a page does not fit or a file cannot\n"
          "be read or written, 2 usage error\n",
          f);
}

static int usage_error(const char *fmt, const char *arg)
{
    fputs("pagec: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'pagec --help' for more information.\n", stderr);
    return EXIT_USAGE;
}

static int is_identifier(const char *s)
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

/* 1 when a client can ask for rel as it is: no byte that a client would
 * percent-encode or that ends the path of a request line. */
static int requestable(const char *rel)
{
    const char *p;

    for (p = rel; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if (c <= 0x20 || c >= 0x7f || strchr("\"#%<>?[\\]^`{|}", c)) {
            return 0;
        }
    }
    return 1;
}

static uint8_t *read_file(const char *path, size_t size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    size_t got;
    int extra;

    if (!f) {
        pagec_error("%s: %s", path, strerror(errno));
        return NULL;
    }
    buf = malloc(size ? size : 1);
    if (!buf) {
        pagec_error("out of memory");
        fclose(f);
        return NULL;
    }
    got = fread(buf, 1, size, f);
    extra = got == size ? fgetc(f) : EOF;
    if (ferror(f)) {
        pagec_error("%s: %s", path, strerror(errno));
    } else if (got != size || extra != EOF) {
        pagec_error("%s: file changed while being read", path);
    } else {
        fclose(f);
        return buf;
    }
    fclose(f);
    free(buf);
    return NULL;
}

/* Reports a reply of n bytes of TCP data over the limit; role, when not
 * empty, says which reply a file makes ("as the 404 reply"). */
static void too_big(const char *what, const char *role, uint64_t n,
                    unsigned mss)
{
    pagec_error("%s%s: page is %llu bytes, limit is %u (%llu over)", what,
                role, (unsigned long long)n, mss,
                (unsigned long long)(n - mss));
}

/* Builds the reply packet for an HTTP response: ACK|PSH|FIN, the page and
 * our FIN in one segment. */
static int reply_packet(struct packet *p, const char *status,
                        const char *mime, const char *extra,
                        const uint8_t *body, size_t body_len, uint16_t mss)
{
    size_t n;
    uint8_t *http = http_response(status, mime, extra, body, body_len, &n);
    int rc;

    if (!http) {
        pagec_error("out of memory");
        return -1;
    }
    rc = packet_build(p, TCP_ACK | TCP_PSH | TCP_FIN, mss, NULL, 0, http, n);
    free(http);
    if (rc != 0) {
        pagec_error("out of memory");
    }
    return rc;
}

/* Compiles every page of the site; reports every page that does not fit.
 * Returns 0, or EXIT_INPUT. */
static int compile_pages(struct site *s, uint16_t mss)
{
    int rc = 0;
    size_t i;

    for (i = 0; i < s->npages; i++) {
        struct page *pg = &s->pages[i];
        uint8_t *body;

        if (!requestable(pg->rel)) {
            pagec_error("%s: warning: a client cannot request this name "
                        "as it is (it would be percent-encoded); the page "
                        "is compiled but not reachable",
                        pg->src);
        }
        pg->mime = mime_type(pg->src);
        pg->data_len = http_header_len("200 OK", pg->mime, NULL, pg->size) +
                       pg->size;
        if (pg->data_len > mss) {
            too_big(pg->src, "", pg->data_len, mss);
            rc = EXIT_INPUT;
            continue;
        }
        body = read_file(pg->src, (size_t)pg->size);
        if (!body) {
            rc = EXIT_INPUT;
            continue;
        }
        if (reply_packet(&pg->pkt, "200 OK", pg->mime, NULL, body,
                         (size_t)pg->size, mss) != 0) {
            rc = EXIT_INPUT;
        }
        free(body);
    }
    return rc;
}

/* The 404 reply: the site's own /404.html, or the built-in text. */
static int compile_not_found(struct output *o)
{
    const struct page *custom = NULL;
    const uint8_t *body = (const uint8_t *)not_found_text;
    uint8_t *file = NULL;
    size_t len = sizeof not_found_text - 1;
    const char *mime = "text/plain";
    size_t i;
    int rc;

    for (i = 0; i < o->site->npages; i++) {
        if (strcmp(o->site->pages[i].rel, "404.html") == 0) {
            custom = &o->site->pages[i];
        }
    }
    if (custom) {
        uint64_t n = http_header_len("404 Not Found", custom->mime, NULL,
                                     custom->size) +
                     custom->size;

        if (n > o->mss) {
            if (custom->data_len <= o->mss) { /* else reported already */
                too_big(custom->src, " (as the 404 reply)", n, o->mss);
            }
            return EXIT_INPUT;
        }
        file = read_file(custom->src, (size_t)custom->size);
        if (!file) {
            return EXIT_INPUT;
        }
        body = file;
        len = (size_t)custom->size;
        mime = custom->mime;
        o->not_found_src = custom->rel;
    } else if (http_header_len("404 Not Found", mime, NULL, len) + len >
               o->mss) {
        too_big("built-in 404 reply", "",
                http_header_len("404 Not Found", mime, NULL, len) + len,
                o->mss);
        return EXIT_INPUT;
    }
    rc = reply_packet(&o->not_found, "404 Not Found", mime, NULL, body, len,
                      o->mss);
    free(file);
    return rc ? EXIT_INPUT : 0;
}

static int compile_fixed(struct output *o)
{
    static const char allow[] = "Allow: GET\r\n";
    size_t len = sizeof not_impl_text - 1;
    uint64_t n = http_header_len("501 Not Implemented", "text/plain", allow,
                                 len) +
                 len;
    uint8_t mss_opt[4] = {2, 4, (uint8_t)(o->mss >> 8), (uint8_t)o->mss};

    if (n > o->mss) {
        too_big("built-in 501 reply", "", n, o->mss);
        return EXIT_INPUT;
    }
    if (reply_packet(&o->not_impl, "501 Not Implemented", "text/plain",
                     allow, (const uint8_t *)not_impl_text, len,
                     o->mss) != 0 ||
        packet_build(&o->syn_ack, TCP_SYN | TCP_ACK, o->mss, mss_opt,
                     sizeof mss_opt, NULL, 0) != 0 ||
        packet_build(&o->ack, TCP_ACK, o->mss, NULL, 0, NULL, 0) != 0 ||
        packet_build(&o->rst, TCP_RST | TCP_ACK, 0, NULL, 0, NULL, 0) != 0) {
        pagec_error("out of memory");
        return EXIT_INPUT;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"mss", required_argument, NULL, 'm'},
        {"name", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct site site = {NULL, 0};
    struct output o;
    const char *out_c = NULL;
    unsigned long mss = PAGEC_MSS_DEFAULT;
    int rc;
    int c;

    memset(&o, 0, sizeof o);
    o.name = "site";
    o.http_port = 80;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        char *end;

        switch (c) {
        case 'o':
            out_c = optarg;
            break;
        case 'm':
            errno = 0;
            mss = strtoul(optarg, &end, 10);
            if (errno || end == optarg || *end ||
                optarg[0] < '0' || optarg[0] > '9' ||
                mss < PAGEC_MSS_MIN || mss > PAGEC_MSS_MAX) {
                return usage_error("--mss: '%s' is not a number from "
                                   "64 to 65495",
                                   optarg);
            }
            break;
        case 'n':
            if (!site_identifier(optarg)) {
                return usage_error("--name: '%s' is not a C identifier "
                                   "of its own (no keyword, no leading "
                                   "'_', 'pagec_' or 'PAGEC_')",
                                   optarg);
            }
            o.name = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("pagec %s (zlib %s, libmagic %d)\n", PAGEC_VERSION,
                   zlibVersion(), magic_version());
            return 0;
        case ':':
            return usage_error("option '%s' needs an argument",
                               argv[optind - 1]);
        default:
            if (optopt) {
                char opt[3] = {'-', (char)optopt, '\0'};

                return usage_error("unknown option '%s'", opt);
            }
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind == argc) {
        return usage_error("%s", "no SITE_DIR given");
    }
    if (argc - optind > 1) {
        return usage_error("unexpected argument '%s'", argv[optind + 1]);
    }
    if (!out_c) {
        return usage_error("%s", "no output file given (-o OUT.c)");
    }
    if (!*out_c || !plain_file_name(out_c)) {
        return usage_error("-o: '%s' cannot be #included by its name", out_c);
    }
    o.mss = (uint16_t)mss;

    if (site_scan(argv[optind], &site) != 0) {
        return EXIT_INPUT;
    }
    o.site = &site;
    if (site.npages > 32767) { /* 16-bit tables, with room for aliases */
        pagec_error("%s: %zu files, the most a site can hold is 32767",
                    argv[optind], site.npages);
        site_free(&site);
        return EXIT_INPUT;
    }
    /* every check runs, so that every problem is reported at once */
    rc = compile_pages(&site, o.mss);
    if (compile_not_found(&o) != 0) {
        rc = EXIT_INPUT;
    }
    if (compile_fixed(&o) != 0) {
        rc = EXIT_INPUT;
    }
    if (rc == 0 && emit_site(&o, out_c) != 0) {
        rc = EXIT_INPUT;
    }
    packet_free(&o.syn_ack);
    packet_free(&o.ack);
    packet_free(&o.rst);
    packet_free(&o.not_found);
    packet_free(&o.not_impl);
    site_free(&site);
    mime_close();
    return rc;
}
