/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * serve.c - pagec-serve: a preview of a compiled site over ordinary TCP.
 *
 * For web designers: no root, no TUN device. The host's TCP stack accepts
 * the connection; pagec-serve reads the request, wraps it in the IPv4/TCP
 * segment the device would receive from a client (synthetic addresses
 * 192.0.2.1 -> 192.0.2.2, the site's HTTP port, the ACK number the device
 * expects) and hands it to pagec_server_input(). The TCP data of the reply
 * -- the HTTP response, byte for byte what the device sends -- goes back
 * over the socket, and the connection is closed, as the device closes it
 * with the FIN that rides on the page.
 *
 * A request longer than one segment (the site's MSS) is cut to its first
 * segment, since that is all the device ever reads. No heap: a fixed table
 * of connections, each with its request buffer. The site is linked in at
 * build time (CMake cache variable PAGEC_DEMO_SITE).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "demo_site.h"
#include "pagec/chksum.h"
#include "pagec/pagec.h"

#define DEFAULT_PORT 8080
#define MAX_CONNS 16        /* connections served at once; 16 * ~4.2 KiB */
#define REQ_MAX 4096        /* bytes of request kept per connection */
#define IO_TIMEOUT_MS 5000  /* to read the request, and to send the reply */
#define DRAIN_TIMEOUT_MS 1000 /* to read what the client sends after it */
#define ACCEPT_PAUSE_MS 1000 /* no accept() after running out of fds */
#define LOG_FIELD_MAX 120   /* bytes of request or status line in -v */

/* IPv4 and TCP header fields, offsets from the start of the datagram */
#define IP_LEN 2
#define IP_SUM 10
#define IP_SRC 12
#define IP_DST 16
#define TCP_HDR 20
#define TCP_SUM (TCP_HDR + 16)
#define SEG_HLEN 40          /* IPv4 + TCP, no options */
#define PROTO_TCP 6
#define TH_PSH 0x08u
#define TH_ACK 0x10u

/* The synthetic client and server (TEST-NET-1, RFC 5737). The runtime
 * never answers 127.0.0.0/8, so the real peer's address cannot be used. */
static const uint8_t client_addr[4] = {192, 0, 2, 1};
static const uint8_t server_addr[4] = {192, 0, 2, 2};

enum conn_state {
    CONN_FREE = 0,
    CONN_READ,  /* reading the request */
    CONN_WRITE, /* sending the response */
    CONN_DRAIN  /* response sent and FIN queued; waiting for the peer's */
};

struct conn {
    enum conn_state state;
    int fd;
    int64_t deadline;           /* CLOCK_MONOTONIC, milliseconds */
    uint16_t port;              /* the peer's port */
    char peer[INET_ADDRSTRLEN + 6]; /* "a.b.c.d:port", for messages */
    uint16_t req_len;
    uint8_t req[REQ_MAX];
    /* the response, the TCP data of the reply: the bytes of its header
     * past the TCP header (a status code the runtime wrote ends there),
     * then its body */
    uint8_t head[PAGEC_REPLY_HDR_MAX];
    uint16_t head_len;
    const uint8_t *body;
    uint16_t body_len;
    uint16_t sent;              /* of head_len + body_len */
};

static volatile sig_atomic_t stop;
static struct pagec_server server;
static int verbose;
static struct conn conns[MAX_CONNS];

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: pagec-serve [--port N] [--bind ADDR] [-v]\n"
            "\n"
            "Serves the compiled site over ordinary TCP for a preview in a\n"
            "browser: every response is the HTTP part of the datagram the\n"
            "device would send for the same request.\n"
            "\n"
            "  --port N     TCP port to listen on (default %d; 0: any free\n"
            "               port, printed at start)\n"
            "  --bind ADDR  IPv4 address to listen on (default 127.0.0.1)\n"
            "  -v           print one line per request: peer, request line,\n"
            "               status line of the response, bytes sent\n"
            "  -h, --help   print this help\n"
            "\n"
            "Stops on SIGINT or SIGTERM.\n",
            DEFAULT_PORT);
}

static int64_t now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        fprintf(stderr, "pagec-serve: clock_gettime: %s\n", strerror(errno));
        exit(1);
    }
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The clock of the ISN's time slots, in seconds. */
static uint32_t now_s(void)
{
    return (uint32_t)(now_ms() / 1000);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Parses a port number 0..65535; returns -1 when s is not one. */
static long parse_port(const char *s)
{
    char *end;
    long v;

    if (*s < '0' || *s > '9') {
        return -1;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > 65535) {
        return -1;
    }
    return v;
}

/*
 * Writes into pkt the segment a client sends with the n bytes at data:
 * 192.0.2.1:cport -> 192.0.2.2:<site HTTP port>, ACK|PSH, acknowledging
 * the SYN-ACK the device would have sent (ISN + 1), both checksums
 * correct. pkt holds SEG_HLEN + n bytes; returns that length.
 */
static uint16_t build_segment(uint8_t *pkt, const uint8_t *data, uint16_t n,
                              uint16_t cport)
{
    uint16_t sport = demo_site.http_port;
    uint16_t tcp_len = (uint16_t)(SEG_HLEN - TCP_HDR + n);
    /* the ISN of a SYN with an MSS option of the site's own MSS (class 3)
     * made now */
    uint32_t isn = pagec_isn(server.secret, client_addr, server_addr, cport,
                             sport, now_s() >> PAGEC_ISN_SLOT_LOG2, 3, 0);
    uint32_t sum;
    uint8_t *t = pkt + TCP_HDR;

    memset(pkt, 0, SEG_HLEN);
    pkt[0] = 0x45;                           /* IPv4, 20-byte header */
    put16(pkt + IP_LEN, (uint16_t)(SEG_HLEN + n));
    put16(pkt + 6, 0x4000);                  /* DF */
    pkt[8] = 64;                             /* TTL */
    pkt[9] = PROTO_TCP;
    memcpy(pkt + IP_SRC, client_addr, 4);
    memcpy(pkt + IP_DST, server_addr, 4);
    put16(pkt + IP_SUM,
          (uint16_t)~pagec_chksum_fold(pagec_chksum_add(0, pkt, TCP_HDR)));

    put16(t, cport);
    put16(t + 2, sport);
    put32(t + 4, 1);                         /* our seq: an ISN of 0, + 1 */
    put32(t + 8, isn + 1);
    t[12] = 5 << 4;                          /* data offset: 20 bytes */
    t[13] = TH_ACK | TH_PSH;
    put16(t + 14, 65535);                    /* window */
    memcpy(t + 20, data, n);
    /* pseudo-header: addresses, protocol, TCP length; then the segment */
    sum = pagec_chksum_add(PROTO_TCP + (uint32_t)tcp_len, pkt + IP_SRC, 8);
    sum = pagec_chksum_add(sum, t, tcp_len);
    put16(pkt + TCP_SUM, (uint16_t)~pagec_chksum_fold(sum));
    return (uint16_t)(SEG_HLEN + n);
}

/* 1 when the n bytes at p hold the end of the request headers: an empty
 * line, ended by "\r\n" or "\n". */
static int headers_end(const uint8_t *p, uint16_t n)
{
    uint16_t i;

    for (i = 0; i + 1 < n; i++) {
        if (p[i] == '\n' &&
            (p[i + 1] == '\n' ||
             (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n'))) {
            return 1;
        }
    }
    return 0;
}

/* Copies the first line of the n bytes at p into out (size bytes), line
 * end dropped, bytes outside printable ASCII and '"', '\' as \xHH, cut
 * at LOG_FIELD_MAX bytes of input with "...". */
static void log_field(char *out, size_t size, const uint8_t *p, uint16_t n)
{
    size_t o = 0;
    uint16_t i;

    for (i = 0; i < n && p[i] != '\r' && p[i] != '\n'; i++) {
        if (i == LOG_FIELD_MAX || o + 5 >= size) {
            snprintf(out + o, size - o, "...");
            return;
        }
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\') {
            out[o++] = (char)p[i];
        } else {
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", p[i]);
        }
    }
    out[o] = '\0';
}

/* Flushes the -v line; a log that cannot be written ends the program. */
static void log_flush(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "pagec-serve: stdout: %s\n", strerror(errno));
        exit(1);
    }
}

/* -v: "PEER "REQUEST LINE" what". */
static void log_request(const struct conn *c, const char *what)
{
    char req[LOG_FIELD_MAX * 4 + 8];

    if (!verbose) {
        return;
    }
    log_field(req, sizeof req, c->req, c->req_len);
    printf("%s \"%s\" %s\n", c->peer, req, what);
    log_flush();
}

/* -v: the request line with the response's status line and bytes sent. */
static void log_response(const struct conn *c, const char *err)
{
    char status[LOG_FIELD_MAX * 4 + 8];
    char what[sizeof status + 128];
    uint8_t line[LOG_FIELD_MAX + 1];
    uint16_t n = c->head_len;
    uint16_t b = c->body_len;

    if (!verbose) {
        return;
    }
    memcpy(line, c->head, n);
    if (b > sizeof line - n) {
        b = (uint16_t)(sizeof line - n);
    }
    if (b) {
        memcpy(line + n, c->body, b);
    }
    log_field(status, sizeof status, line, (uint16_t)(n + b));
    if (err) {
        snprintf(what, sizeof what, "-> %s, %u of %u bytes sent: %s", status,
                 (unsigned)c->sent, (unsigned)(c->head_len + c->body_len),
                 err);
    } else {
        snprintf(what, sizeof what, "-> %s, %u bytes", status,
                 (unsigned)c->sent);
    }
    log_request(c, what);
}

static void conn_close(struct conn *c)
{
    if (close(c->fd) != 0 && errno != EINTR) {
        fprintf(stderr, "pagec-serve: %s: close: %s\n", c->peer,
                strerror(errno));
    }
    c->state = CONN_FREE;
    c->fd = -1;
}

/* A failed recv or send: the peer going away is its business (-v only),
 * anything else goes to stderr as well. */
static void conn_error(struct conn *c, const char *call, int err)
{
    if (err != ECONNRESET && err != EPIPE && err != ETIMEDOUT) {
        fprintf(stderr, "pagec-serve: %s: %s: %s\n", c->peer, call,
                strerror(err));
    }
}

/* The response is sent: send our FIN, then wait (bounded) for the peer's
 * so that closing with its unread data does not reset the connection
 * before the response is read. */
static void conn_finish(struct conn *c)
{
    if (shutdown(c->fd, SHUT_WR) != 0) {
        if (errno != ENOTCONN) {
            conn_error(c, "shutdown", errno);
        }
        conn_close(c);
        return;
    }
    c->state = CONN_DRAIN;
    c->deadline = now_ms() + DRAIN_TIMEOUT_MS;
}

static void on_writable(struct conn *c)
{
    while (c->sent < c->head_len + c->body_len) {
        /* on a host the site's "ROM" is ordinary memory (PAGEC_ROM_BYTE
         * is a plain dereference), so the body is sent straight from it */
        ssize_t n = c->sent < c->head_len
                        ? send(c->fd, c->head + c->sent,
                               (size_t)(c->head_len - c->sent), MSG_NOSIGNAL)
                        : send(c->fd, c->body + (c->sent - c->head_len),
                               (size_t)(c->head_len + c->body_len - c->sent),
                               MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return;
            }
            log_response(c, strerror(errno));
            conn_error(c, "send", errno);
            conn_close(c);
            return;
        }
        c->sent = (uint16_t)(c->sent + n);
    }
    log_response(c, NULL);
    conn_finish(c);
}

/* The request is in: ask the runtime, as the device would be asked. */
static void answer(struct conn *c)
{
    static uint8_t pkt[SEG_HLEN + REQ_MAX];
    struct pagec_reply reply;
    uint16_t n = c->req_len;
    uint16_t len;

    if (demo_site.mss > 0 && n > demo_site.mss) {
        n = demo_site.mss; /* the device sees the first segment only */
    }
    len = build_segment(pkt, c->req, n, c->port);
    if (pagec_server_input(&server, now_s(), pkt, len, &reply) == 0 ||
        reply.hdr_len < SEG_HLEN || reply.hdr[9] != PROTO_TCP ||
        reply.hdr_len + reply.body_len == SEG_HLEN) {
        log_request(c, "-> no reply");
        conn_close(c);
        return;
    }
    c->head_len = (uint16_t)(reply.hdr_len - SEG_HLEN);
    memcpy(c->head, reply.hdr + SEG_HLEN, c->head_len);
    c->body = reply.body;
    c->body_len = reply.body_len;
    c->sent = 0;
    c->state = CONN_WRITE;
    c->deadline = now_ms() + IO_TIMEOUT_MS;
    on_writable(c);
}

static void on_readable(struct conn *c)
{
    for (;;) {
        uint16_t old = c->req_len;
        ssize_t n = recv(c->fd, c->req + old, (size_t)(REQ_MAX - old), 0);

        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return;
            }
            log_request(c, "-> no reply, connection failed");
            conn_error(c, "recv", errno);
            conn_close(c);
            return;
        }
        if (n == 0) {
            /* the peer half-closed: what came is all that comes */
            if (old == 0) {
                if (verbose) {
                    printf("%s closed without a request\n", c->peer);
                    log_flush();
                }
                conn_close(c);
            } else {
                answer(c);
            }
            return;
        }
        c->req_len = (uint16_t)(old + n);
        /* look from the line end that may precede the new bytes */
        old = old > 2 ? (uint16_t)(old - 2) : 0;
        if (c->req_len == REQ_MAX ||
            headers_end(c->req + old, (uint16_t)(c->req_len - old))) {
            answer(c);
            return;
        }
    }
}

static void on_drain(struct conn *c)
{
    static uint8_t scratch[REQ_MAX];
    int i;

    /* a few reads per wake-up; the deadline bounds the rest */
    for (i = 0; i < 4; i++) {
        ssize_t n = recv(c->fd, scratch, sizeof scratch, 0);

        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
                      errno == EINTR)) {
            return;
        }
        if (n <= 0) {
            if (n < 0) {
                conn_error(c, "recv", errno);
            }
            conn_close(c);
            return;
        }
    }
}

static void on_timeout(struct conn *c)
{
    switch (c->state) {
    case CONN_READ:
        log_request(c, c->req_len ? "-> no reply, request not complete "
                                    "in time"
                                  : "-> no reply, nothing received in time");
        break;
    case CONN_WRITE:
        log_response(c, "timeout");
        break;
    default:
        break;
    }
    conn_close(c);
}

/* Accepts connections while there are free slots. Returns 0, or -1 on a
 * fatal error; *pause_until is set when the process is out of fds. */
static int accept_some(int lfd, int64_t *pause_until)
{
    int i;

    for (i = 0; i < MAX_CONNS; i++) {
        struct conn *c = &conns[i];
        struct sockaddr_in sa;
        socklen_t salen = sizeof sa;
        char addr[INET_ADDRSTRLEN];
        int fd;

        if (c->state != CONN_FREE) {
            continue;
        }
        fd = accept4(lfd, (struct sockaddr *)&sa, &salen,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            switch (errno) {
            case EAGAIN:
#if EWOULDBLOCK != EAGAIN
            case EWOULDBLOCK:
#endif
            case EINTR:
                return 0;
            case ECONNABORTED:
            case EPROTO:
            case ENETDOWN:
            case ENOPROTOOPT:
            case EHOSTDOWN:
            case ENONET:
            case EHOSTUNREACH:
            case ENETUNREACH:
            case EPERM:
                i--; /* that one is gone; try the slot again */
                continue;
            case EMFILE:
            case ENFILE:
            case ENOBUFS:
            case ENOMEM:
                fprintf(stderr, "pagec-serve: accept: %s (pausing %d ms)\n",
                        strerror(errno), ACCEPT_PAUSE_MS);
                *pause_until = now_ms() + ACCEPT_PAUSE_MS;
                return 0;
            default:
                fprintf(stderr, "pagec-serve: accept: %s\n", strerror(errno));
                return -1;
            }
        }
        if (sa.sin_family != AF_INET ||
            !inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof addr)) {
            snprintf(addr, sizeof addr, "?");
        }
        c->state = CONN_READ;
        c->fd = fd;
        c->port = ntohs(sa.sin_port);
        c->deadline = now_ms() + IO_TIMEOUT_MS;
        c->req_len = 0;
        c->head_len = 0;
        c->body = NULL;
        c->body_len = 0;
        c->sent = 0;
        snprintf(c->peer, sizeof c->peer, "%s:%u", addr, (unsigned)c->port);
    }
    return 0;
}

/* Opens the listening socket on addr:port (port in host order). */
static int open_listener(const struct in_addr *addr, uint16_t port,
                         const char *addr_text)
{
    struct sockaddr_in sa;
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        fprintf(stderr, "pagec-serve: socket: %s\n", strerror(errno));
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
        fprintf(stderr, "pagec-serve: SO_REUSEADDR: %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr = *addr;
    sa.sin_port = htons(port);
    if (bind(fd, (const struct sockaddr *)&sa, sizeof sa) != 0) {
        fprintf(stderr, "pagec-serve: bind %s:%u: %s\n", addr_text,
                (unsigned)port, strerror(errno));
        close(fd);
        return -1;
    }
    if (listen(fd, MAX_CONNS) != 0) {
        fprintf(stderr, "pagec-serve: listen %s:%u: %s\n", addr_text,
                (unsigned)port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* The port the socket got (for --port 0); 0 when it cannot be read. */
static uint16_t bound_port(int fd)
{
    struct sockaddr_in sa;
    socklen_t salen = sizeof sa;

    if (getsockname(fd, (struct sockaddr *)&sa, &salen) != 0) {
        fprintf(stderr, "pagec-serve: getsockname: %s\n", strerror(errno));
        return 0;
    }
    return ntohs(sa.sin_port);
}

/* Serves until a signal comes. Returns the exit status. */
static int serve(int lfd)
{
    static struct pollfd pfd[1 + MAX_CONNS];
    static struct conn *who[1 + MAX_CONNS];
    int64_t pause_until = 0;
    sigset_t block;
    sigset_t unblocked;
    int i;

    /* signals arrive only inside ppoll, so none is missed between the
     * check of stop and the wait */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &block, &unblocked) != 0) {
        fprintf(stderr, "pagec-serve: sigprocmask: %s\n", strerror(errno));
        return 1;
    }
    sigdelset(&unblocked, SIGINT);
    sigdelset(&unblocked, SIGTERM);

    while (!stop) {
        struct timespec ts;
        int64_t now = now_ms();
        int64_t wake = -1;
        int active = 0;
        nfds_t nfds = 0;
        int r;

        for (i = 0; i < MAX_CONNS; i++) {
            struct conn *c = &conns[i];

            if (c->state == CONN_FREE) {
                continue;
            }
            if (now >= c->deadline) {
                on_timeout(c);
                continue;
            }
            active++;
            pfd[nfds].fd = c->fd;
            pfd[nfds].events = c->state == CONN_WRITE ? POLLOUT : POLLIN;
            pfd[nfds].revents = 0;
            who[nfds++] = c;
            if (wake < 0 || c->deadline < wake) {
                wake = c->deadline;
            }
        }
        if (active < MAX_CONNS) {
            if (now >= pause_until) {
                pfd[nfds].fd = lfd;
                pfd[nfds].events = POLLIN;
                pfd[nfds].revents = 0;
                who[nfds++] = NULL;
            } else if (wake < 0 || pause_until < wake) {
                wake = pause_until;
            }
        }
        if (wake >= 0) {
            ts.tv_sec = (time_t)((wake - now) / 1000);
            ts.tv_nsec = (long)((wake - now) % 1000) * 1000000L;
        }
        r = ppoll(pfd, nfds, wake >= 0 ? &ts : NULL, &unblocked);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "pagec-serve: poll: %s\n", strerror(errno));
            return 1;
        }
        for (i = 0; i < (int)nfds && r > 0; i++) {
            struct conn *c = who[i];

            if (pfd[i].revents == 0) {
                continue;
            }
            r--;
            if (c == NULL) {
                if (accept_some(lfd, &pause_until) != 0) {
                    return 1;
                }
            } else if (c->state == CONN_READ) {
                on_readable(c);
            } else if (c->state == CONN_WRITE) {
                on_writable(c);
            } else if (c->state == CONN_DRAIN) {
                on_drain(c);
            }
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"port", required_argument, NULL, 'p'},
        {"bind", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *bind_text = "127.0.0.1";
    struct in_addr bind_addr;
    struct sigaction sa;
    long port = DEFAULT_PORT;
    int status;
    int lfd;
    int c;
    int i;

    while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            port = parse_port(optarg);
            if (port < 0) {
                fprintf(stderr, "pagec-serve: --port: '%s' is not a port "
                                "number (0-65535)\n", optarg);
                return 2;
            }
            break;
        case 'b':
            bind_text = optarg;
            break;
        case 'v':
            verbose = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    if (inet_pton(AF_INET, bind_text, &bind_addr) != 1) {
        fprintf(stderr, "pagec-serve: --bind: '%s' is not an IPv4 address\n",
                bind_text);
        return 2;
    }
    if ((ntohl(bind_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "pagec-serve: warning: %s is not a loopback address: "
                        "other hosts can fetch the preview\n", bind_text);
    }

    if (demo_site.http_port == 0) {
        fprintf(stderr, "pagec-serve: the site has no HTTP port to preview\n");
        return 1;
    }
    memset(&server, 0, sizeof server);
    server.site = &demo_site;
    memcpy(server.addr, server_addr, sizeof server.addr);
    /* the ISN key: a fresh secret each start, as on a device */
    if (getrandom(server.secret, sizeof server.secret, 0) !=
        (ssize_t)sizeof server.secret) {
        fprintf(stderr, "pagec-serve: getrandom: %s\n", strerror(errno));
        return 1;
    }
    for (i = 0; i < MAX_CONNS; i++) {
        conns[i].state = CONN_FREE;
        conns[i].fd = -1;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0 ||
        sigaction(SIGTERM, &sa, NULL) != 0) {
        fprintf(stderr, "pagec-serve: sigaction: %s\n", strerror(errno));
        return 1;
    }

    lfd = open_listener(&bind_addr, (uint16_t)port, bind_text);
    if (lfd < 0) {
        return 1;
    }
    printf("pagec-serve: serving %u pages at http://%s:%u/\n",
           (unsigned)demo_site.npages, bind_text, (unsigned)bound_port(lfd));
    log_flush();

    status = serve(lfd);

    for (i = 0; i < MAX_CONNS; i++) {
        if (conns[i].state != CONN_FREE) {
            conn_close(&conns[i]);
        }
    }
    if (close(lfd) != 0) {
        fprintf(stderr, "pagec-serve: close: %s\n", strerror(errno));
        status = 1;
    }
    return status;
}
