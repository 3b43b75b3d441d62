/*
 * compiler.h - the pagec compiler's internal interfaces: scan the tree,
 * classify, frame the packets, emit C. Host only.
 */
#ifndef PAGEC_COMPILER_H
#define PAGEC_COMPILER_H

#include <stddef.h>
#include <stdint.h>

#define PAGEC_VERSION "0.1.0"

/* Largest TCP data an IPv4 datagram with 40 bytes of headers can carry. */
#define PAGEC_MSS_MAX 65495
/* Smallest limit accepted; even the built-in error replies need more. */
#define PAGEC_MSS_MIN 64
#define PAGEC_MSS_DEFAULT 1460

/* A datagram as the runtime will send it, peer fields zero. */
struct packet {
    uint8_t *data;
    size_t len;      /* whole datagram */
    size_t hlen;     /* IPv4 + TCP headers */
    uint32_t ip_sum;  /* partial sums, as pagec/site.h defines them */
    uint32_t tcp_sum;
};

/* One file of the site. */
struct page {
    char *rel;          /* path below the site root, '/'-separated */
    char *src;          /* path to read it from, as given + rel */
    const char *mime;   /* static or owned by the mime module */
    uint64_t size;      /* file bytes */
    uint64_t data_len;  /* TCP data bytes: HTTP header + body */
    struct packet pkt;  /* built when the page fits */
};

struct site {
    struct page *pages; /* sorted by rel (strcmp) */
    size_t npages;
};

/* scan.c: every regular file below dir, sorted; dot files skipped.
 * Returns 0, or -1 after printing an error. */
int site_scan(const char *dir, struct site *site);
void site_free(struct site *site);

/* mime.c: MIME type for the file at path (extension table, then
 * libmagic). The string stays valid until mime_close(). Never NULL. */
const char *mime_type(const char *path);
void mime_close(void);

/* frame.c */
/* Bytes of the HTTP header that http_response() would write. */
size_t http_header_len(const char *status, const char *mime,
                       const char *extra, uint64_t body_len);
/* HTTP/1.0 response: status line, Content-Type, Content-Length,
 * Connection: close, extra header lines (each ending in CRLF, or NULL),
 * blank line, body. Returns a malloc'd buffer of *len bytes or NULL. */
uint8_t *http_response(const char *status, const char *mime,
                       const char *extra, const uint8_t *body,
                       size_t body_len, size_t *len);
/* An IPv4/TCP datagram: flags, window, TCP options (a multiple of four
 * bytes), data. Returns 0, or -1 when out of memory. */
int packet_build(struct packet *p, uint8_t flags, uint16_t window,
                 const uint8_t *opt, size_t optlen, const uint8_t *data,
                 size_t dlen);
void packet_free(struct packet *p);

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

/* A compiled site, ready to emit. */
struct output {
    const char *name;        /* C identifier of the site */
    uint16_t mss;
    uint16_t http_port;
    struct site *site;
    struct packet syn_ack, ack, rst, not_found, not_impl;
    const char *not_found_src; /* NULL for the built-in text */
};

/* emit.c: writes out_c and the header beside it (same name, .h), through
 * temporary files renamed into place. Returns 0, or -1 after printing an
 * error (nothing is left behind then). */
int emit_site(const struct output *o, const char *out_c);

/* Prints "pagec: " and the formatted message to stderr. */
void pagec_error(const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif /* PAGEC_COMPILER_H */
