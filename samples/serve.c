/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * serve.c - pagec-serve: a preview of a compiled site, as the device
 * serves it, with no root and no TUN device.
 *
 * libslirp, the user-mode TCP/IP stack of QEMU, stands between the host
 * and the runtime: it listens on ADDR:PORT of the host (a host forward),
 * and for each connection a browser makes there it opens a TCP
 * connection of its own to the "guest" at 198.51.100.2:<site HTTP port>,
 * over an emulated Ethernet link whose MTU is the link's MSS + 40. The
 * guest is the runtime: every frame slirp sends it is unwrapped here and
 * its IPv4 datagram handed to pagec_server_input(); the reply goes back
 * to slirp in a frame of its own. ARP requests for the guest's address
 * are answered here too, as a device's Ethernet driver would.
 *
 * So the runtime sees what a client on that link sends it: a SYN with an
 * MSS option of the link's MSS (1460 on Ethernet, 966 on SLIP), and
 * answers with what the device would: a page that does not fit the
 * client's MSS comes as its other encoding or as the short 503, exactly
 * as on the device. A real TCP stack (slirp's) then carries the reply to
 * the browser.
 *
 * The site is linked in at build time (CMake cache variable
 * PAGEC_DEMO_SITE).
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
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libslirp.h>

#include "demo_site.h"
#include "live.h"
#include "pagec/pagec.h"

#define DEFAULT_PORT 8080
#define MSS_ETHERNET 1460   /* MTU 1500, less 40 bytes of headers */
#define MSS_SLIP 966        /* MTU 1006 */
#define MSS_MIN 64          /* --mss bounds; slirp's MTU floor is 68 */
#define MSS_MAX 9000
#define HDRS 40             /* IPv4 + TCP headers without options */
#define ETH_HLEN 14
#define FRAME_MAX (ETH_HLEN + HDRS + MSS_MAX)
#define QUEUE_LEN 64        /* frames from slirp not yet handed on */
#define POLL_MAX 256        /* descriptors slirp may ask to poll */
#define TIMERS_MAX 8        /* slirp's timers (it makes one or two) */
#define LOG_FIELD_MAX 120   /* bytes of request or status line in -v */
#define LISTEN_BACKLOG 64   /* connections waiting to be accepted */

#define ETH_IP 0x0800
#define ETH_ARP 0x0806
#define PROTO_TCP 6
#define TH_FIN 0x01u
#define TH_SYN 0x02u
#define TH_RST 0x04u

/* The emulated network (TEST-NET-2, RFC 5737): slirp's own address, by
 * which a client on the host's loopback appears to the device, and the
 * device's. A client from another host appears with its own address,
 * which must not be the device's: TEST-NET-2 rather than TEST-NET-1,
 * which pagec-tun's namespaces use and some test hosts have for real. */
#define NET_ADDR "198.51.100.0"
#define NET_MASK "255.255.255.0"
#define HOST_ADDR "198.51.100.1"
#define DNS_ADDR "198.51.100.3"
#define DHCP_ADDR "198.51.100.15"
static const uint8_t guest_addr[4] = {198, 51, 100, 2};
/* the device's Ethernet address: locally administered */
static const uint8_t guest_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

struct frame {
    uint16_t len;
    uint8_t data[FRAME_MAX];
};

struct timer {
    int used;
    int64_t expire;  /* ms of clock_ms(); -1: not armed */
    SlirpTimerCb cb;
    void *cb_opaque;
};

static volatile sig_atomic_t stop;
static struct pagec_server server;
static int verbose;
static Slirp *slirp;
static unsigned link_mss = MSS_ETHERNET;

/* frames slirp sent the device, handed to the runtime from the main loop
 * (never from slirp's callback, which must not call back into slirp) */
static struct frame queue[QUEUE_LEN];
static unsigned q_head, q_count;
static unsigned long q_dropped;

static struct pollfd pfd[POLL_MAX];
static int npfd;
static struct timer timers[TIMERS_MAX];

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: pagec-serve [--port N] [--bind ADDR] [--link ethernet|slip]\n"
            "                   [--mss N] [-v]\n"
            "\n"
            "Serves the compiled site for a preview in a browser, through the\n"
            "runtime as the device runs it: a user-mode TCP/IP stack\n"
            "(libslirp) connects to it over an emulated link of the given\n"
            "MSS, so a page comes as the device would send it to a client\n"
            "on that link (a page too large for the client's MSS comes as\n"
            "503).\n"
            "\n"
            "  --port N     TCP port to listen on (default %d; 0: any free\n"
            "               port, printed at start)\n"
            "  --bind ADDR  IPv4 address to listen on (default 127.0.0.1)\n"
            "  --link L     the link's MSS: ethernet (%d, the default) or\n"
            "               slip (%d)\n"
            "  --mss N      the link's MSS in bytes, %d to %d: the MSS of the\n"
            "               client's SYN\n"
            "  -v           print one line per SYN and per request: peer,\n"
            "               request line, status line of the response, bytes\n"
            "  -h, --help   print this help\n"
            "\n"
            "Stops on SIGINT or SIGTERM.\n",
            DEFAULT_PORT, MSS_ETHERNET, MSS_SLIP, MSS_MIN, MSS_MAX);
}

static int64_t clock_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        fprintf(stderr, "pagec-serve: clock_gettime: %s\n", strerror(errno));
        exit(1);
    }
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The runtime's clock, in seconds. */
static uint32_t now_s(void)
{
    return (uint32_t)(clock_ms() / 1000);
}

#if PAGEC_LARGE
/* The same clock in milliseconds, for large replies' timestamps. */
static uint32_t server_millis(const struct pagec_server *srv)
{
    (void)srv;
    return (uint32_t)clock_ms();
}
#endif

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Parses a decimal number lo..hi; returns -1 when s is not one. */
static long parse_num(const char *s, long lo, long hi)
{
    char *end;
    long v;

    if (*s < '0' || *s > '9') {
        return -1;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi) {
        return -1;
    }
    return v;
}

/* --- the -v log --------------------------------------------------------- */

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

/* The MSS option of the TCP header at t (hlen bytes), 0 when it has none. */
static unsigned mss_option(const uint8_t *t, unsigned hlen)
{
    unsigned i = 20;

    while (i < hlen) {
        if (t[i] == 0) {
            break;
        }
        if (t[i] == 1) {
            i++;
            continue;
        }
        if (i + 1 >= hlen || t[i + 1] < 2 || i + t[i + 1] > hlen) {
            break;
        }
        if (t[i] == 2 && t[i + 1] == 4) {
            return get16(t + i + 2);
        }
        i += t[i + 1];
    }
    return 0;
}

/*
 * -v: one line for a SYN ("PEER SYN, MSS n -> SYN-ACK, MSS m") and for a
 * segment with data ("PEER "REQUEST LINE" -> STATUS LINE, n bytes"), and
 * for whatever gets an RST; the datagram in is pkt (n bytes, a TCP
 * segment to the device), the reply out (len bytes, 0 for none).
 */
static void log_exchange(const uint8_t *pkt, uint16_t n, const uint8_t *out,
                         uint16_t len)
{
    char peer[INET_ADDRSTRLEN + 8];
    char what[LOG_FIELD_MAX * 4 + 8];
    char answer[LOG_FIELD_MAX * 4 + 64];
    unsigned ihl;
    unsigned thl;
    unsigned dlen;
    const uint8_t *t;
    const uint8_t *ot;

    if (!verbose || n < 20) {
        return;
    }
    ihl = (pkt[0] & 0x0fu) * 4u;
    if (pkt[9] != PROTO_TCP || n < ihl + 20 || get16(pkt + 2) > n) {
        return;
    }
    t = pkt + ihl;
    thl = (t[12] >> 4) * 4u;
    if (thl < 20 || ihl + thl > get16(pkt + 2)) {
        return;
    }
    dlen = get16(pkt + 2) - ihl - thl;
    if (t[13] & TH_SYN) {
        snprintf(what, sizeof what, "SYN, MSS %u", mss_option(t, thl));
    } else if (dlen > 0) {
        char line[LOG_FIELD_MAX * 4 + 4];

        log_field(line, sizeof line, t + thl, (uint16_t)dlen);
        snprintf(what, sizeof what, "\"%s\"", line);
    } else if (len == 0 || !(out[33] & TH_RST)) {
        return; /* an ACK or a FIN: nothing to tell */
    } else {
        snprintf(what, sizeof what, "%s", t[13] & TH_FIN ? "FIN" : "ACK");
    }

    if (len == 0) {
        snprintf(answer, sizeof answer, "no reply");
    } else if (out[9] != PROTO_TCP || len < HDRS) {
        snprintf(answer, sizeof answer, "a reply that is not TCP");
    } else if (out[20 + 13] & TH_RST) {
        snprintf(answer, sizeof answer, "RST");
    } else if (out[20 + 13] & TH_SYN) {
        ot = out + 20;
        snprintf(answer, sizeof answer, "SYN-ACK, MSS %u",
                 mss_option(ot, (ot[12] >> 4) * 4u));
    } else {
        unsigned ohl = 20 + (out[32] >> 4) * 4u;
        char status[LOG_FIELD_MAX * 4 + 8];

        size_t sl;

        log_field(status, sizeof status, out + ohl, (uint16_t)(len - ohl));
        /* the status line has an empty reason phrase: its last space */
        sl = strlen(status);
        while (sl > 0 && status[sl - 1] == ' ') {
            status[--sl] = 0;
        }
        snprintf(answer, sizeof answer, "%s, %u bytes", status,
                 (unsigned)(len - ohl));
    }
    snprintf(peer, sizeof peer, "%u.%u.%u.%u:%u", pkt[12], pkt[13], pkt[14],
             pkt[15], (unsigned)get16(t));
    printf("%s %s -> %s\n", peer, what, answer);
    log_flush();
}

/* --- the device's side of the link ---------------------------------------- */

/* An ARP request for the device's address: the reply, to slirp. */
static void answer_arp(const uint8_t *f, uint16_t len)
{
    const uint8_t *a = f + ETH_HLEN;
    uint8_t r[ETH_HLEN + 28];

    if (len < ETH_HLEN + 28 || get16(a) != 1 || get16(a + 2) != ETH_IP ||
        a[4] != 6 || a[5] != 4 || get16(a + 6) != 1 ||
        memcmp(a + 24, guest_addr, 4) != 0) {
        return;
    }
    memcpy(r, a + 8, 6);                 /* to the asker */
    memcpy(r + 6, guest_mac, 6);
    put16(r + 12, ETH_ARP);
    memcpy(r + ETH_HLEN, a, 6);          /* hardware and protocol types */
    put16(r + ETH_HLEN + 6, 2);          /* reply */
    memcpy(r + ETH_HLEN + 8, guest_mac, 6);
    memcpy(r + ETH_HLEN + 14, guest_addr, 4);
    memcpy(r + ETH_HLEN + 18, a + 8, 10); /* the asker's MAC and address */
    slirp_input(slirp, r, (int)sizeof r);
}

/* A frame slirp sent the device: ARP answered, IPv4 to the runtime, the
 * reply back to slirp. */
static void device_input(const uint8_t *f, uint16_t len)
{
    static uint8_t out[ETH_HLEN + 65535];
    struct pagec_reply reply;
    uint16_t n;

    if (len < ETH_HLEN) {
        return;
    }
    switch (get16(f + 12)) {
    case ETH_ARP:
        answer_arp(f, len);
        return;
    case ETH_IP:
        break;
    default:
        return;
    }
    n = pagec_server_input(&server, now_s(), f + ETH_HLEN,
                           (uint16_t)(len - ETH_HLEN), &reply);
    for (;;) {
        if (n > 0) {
            n = pagec_reply_copy(&reply, out + ETH_HLEN,
                                 (uint16_t)(sizeof out - ETH_HLEN));
        }
        log_exchange(f + ETH_HLEN, (uint16_t)(len - ETH_HLEN),
                     out + ETH_HLEN, n);
        if (n == 0) {
            return;
        }
        memcpy(out, f + 6, 6); /* back to the sender */
        memcpy(out + 6, guest_mac, 6);
        put16(out + 12, ETH_IP);
        slirp_input(slirp, out, ETH_HLEN + n);
#if PAGEC_LARGE
        n = pagec_server_next(&server, &reply); /* a large page's next */
#else
        return;
#endif
    }
}

/* Hands the queued frames to the device, and its replies to slirp (which
 * may queue more). */
static void drain_queue(void)
{
    while (q_count > 0) {
        struct frame *fr = &queue[q_head];

        q_head = (q_head + 1) % QUEUE_LEN;
        q_count--;
        device_input(fr->data, fr->len);
    }
}

/* Says at start that the device is at its address, so that slirp sends
 * its first SYN at once rather than after an ARP exchange. */
static void announce(void)
{
    uint8_t r[ETH_HLEN + 28];

    memset(r, 0xff, 6);
    memcpy(r + 6, guest_mac, 6);
    put16(r + 12, ETH_ARP);
    put16(r + ETH_HLEN, 1);
    put16(r + ETH_HLEN + 2, ETH_IP);
    r[ETH_HLEN + 4] = 6;
    r[ETH_HLEN + 5] = 4;
    put16(r + ETH_HLEN + 6, 1);          /* a gratuitous request */
    memcpy(r + ETH_HLEN + 8, guest_mac, 6);
    memcpy(r + ETH_HLEN + 14, guest_addr, 4);
    memset(r + ETH_HLEN + 18, 0, 6);
    memcpy(r + ETH_HLEN + 24, guest_addr, 4);
    slirp_input(slirp, r, (int)sizeof r);
}

/* --- slirp's callbacks ---------------------------------------------------- */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    struct frame *fr;

    (void)opaque;
    if (len > FRAME_MAX || q_count == QUEUE_LEN) {
        q_dropped++; /* as a full link drops it: TCP sends it again */
        return (ssize_t)len;
    }
    fr = &queue[(q_head + q_count) % QUEUE_LEN];
    memcpy(fr->data, buf, len);
    fr->len = (uint16_t)len;
    q_count++;
    return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
    (void)opaque;
    fprintf(stderr, "pagec-serve: slirp: %s\n", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
    struct timespec ts;

    (void)opaque;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    int i;

    (void)opaque;
    for (i = 0; i < TIMERS_MAX; i++) {
        if (!timers[i].used) {
            timers[i].used = 1;
            timers[i].expire = -1;
            timers[i].cb = cb;
            timers[i].cb_opaque = cb_opaque;
            return &timers[i];
        }
    }
    fprintf(stderr, "pagec-serve: slirp wants more than %d timers\n",
            TIMERS_MAX);
    exit(1);
}

static void cb_timer_free(void *timer, void *opaque)
{
    (void)opaque;
    ((struct timer *)timer)->used = 0;
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    ((struct timer *)timer)->expire = expire_ms;
}

static void cb_fd(int fd, void *opaque)
{
    (void)fd;
    (void)opaque;
}

static void cb_notify(void *opaque)
{
    (void)opaque;
}

static int cb_add_poll(int fd, int events, void *opaque)
{
    short ev = 0;

    (void)opaque;
    if (npfd == POLL_MAX) {
        return -1; /* polled on a later round */
    }
    if (events & SLIRP_POLL_IN) {
        ev |= POLLIN;
    }
    if (events & SLIRP_POLL_OUT) {
        ev |= POLLOUT;
    }
    if (events & SLIRP_POLL_PRI) {
        ev |= POLLPRI;
    }
    pfd[npfd].fd = fd;
    pfd[npfd].events = ev;
    pfd[npfd].revents = 0;
    return npfd++;
}

static int cb_get_revents(int idx, void *opaque)
{
    short r;
    int ev = 0;

    (void)opaque;
    if (idx < 0 || idx >= npfd) {
        return 0;
    }
    r = pfd[idx].revents;
    if (r & POLLIN) {
        ev |= SLIRP_POLL_IN;
    }
    if (r & POLLOUT) {
        ev |= SLIRP_POLL_OUT;
    }
    if (r & POLLPRI) {
        ev |= SLIRP_POLL_PRI;
    }
    if (r & (POLLERR | POLLNVAL)) {
        ev |= SLIRP_POLL_ERR;
    }
    if (r & POLLHUP) {
        ev |= SLIRP_POLL_HUP;
    }
    return ev;
}

static const SlirpCb callbacks = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_new = cb_timer_new,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_fd,
    .unregister_poll_fd = cb_fd,
    .notify = cb_notify,
};

/* --- set-up and the loop -------------------------------------------------- */

/* The slirp stack: the emulated network, its MTU and MRU the link MSS +
 * 40, the host's loopback forwarded to nothing but the device. */
static Slirp *make_slirp(void)
{
    SlirpConfig cfg;

    memset(&cfg, 0, sizeof cfg);
    cfg.version = 1;
    cfg.restricted = 1;   /* the device reaches nothing beyond slirp */
    cfg.in_enabled = true;
    inet_pton(AF_INET, NET_ADDR, &cfg.vnetwork);
    inet_pton(AF_INET, NET_MASK, &cfg.vnetmask);
    inet_pton(AF_INET, HOST_ADDR, &cfg.vhost);
    inet_pton(AF_INET, DHCP_ADDR, &cfg.vdhcp_start);
    inet_pton(AF_INET, DNS_ADDR, &cfg.vnameserver);
    cfg.in6_enabled = false;
    cfg.if_mtu = link_mss + HDRS;
    cfg.if_mru = link_mss + HDRS;
    cfg.disable_host_loopback = true;
#if SLIRP_CONFIG_VERSION_MAX >= 3
    cfg.version = 3;
    cfg.disable_dns = true;
#endif
    return slirp_new(&cfg, &callbacks, NULL);
}

/* The port slirp listens on (for --port 0), 0 when none is found: that
 * of the one listening socket it asks to poll before any connection came.
 * Its backlog, which slirp makes 1, is raised to what a browser opening
 * several connections at once needs: else the kernel drops their SYNs,
 * to be sent again a second later. */
static uint16_t listen_wider(void)
{
    uint32_t timeout = UINT32_MAX;
    uint16_t port = 0;
    int i;

    npfd = 0;
    slirp_pollfds_fill(slirp, &timeout, cb_add_poll, NULL);
    for (i = 0; i < npfd; i++) {
        struct sockaddr_in sa;
        socklen_t salen = sizeof sa;
        int yes = 0;
        socklen_t ylen = sizeof yes;

        if (getsockopt(pfd[i].fd, SOL_SOCKET, SO_ACCEPTCONN, &yes, &ylen) ==
                0 && yes &&
            getsockname(pfd[i].fd, (struct sockaddr *)&sa, &salen) == 0 &&
            sa.sin_family == AF_INET) {
            port = ntohs(sa.sin_port);
            if (listen(pfd[i].fd, LISTEN_BACKLOG) != 0) {
                fprintf(stderr, "pagec-serve: listen: %s\n", strerror(errno));
            }
        }
    }
    return port;
}

/* Runs slirp's timers that are due; returns the ms until the next one
 * (-1: none armed). */
static int64_t run_timers(void)
{
    int64_t now = clock_ms();
    int64_t next = -1;
    int i;

    for (i = 0; i < TIMERS_MAX; i++) {
        struct timer *t = &timers[i];

        if (!t->used || t->expire < 0) {
            continue;
        }
        if (t->expire <= now) {
            t->expire = -1;
            t->cb(t->cb_opaque);
            continue;
        }
        if (next < 0 || t->expire - now < next) {
            next = t->expire - now;
        }
    }
    return next;
}

/* Serves until a signal comes. Returns the exit status. */
static int serve(void)
{
    sigset_t block;
    sigset_t unblocked;

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
        uint32_t timeout = UINT32_MAX;
        int64_t next;
        struct timespec ts;
        int r;

        drain_queue();
        next = run_timers();
        npfd = 0;
        slirp_pollfds_fill(slirp, &timeout, cb_add_poll, NULL);
        if (next >= 0 && (uint64_t)next < timeout) {
            timeout = (uint32_t)next;
        }
        if (q_count > 0) {
            timeout = 0;
        }
        if (timeout != UINT32_MAX) {
            ts.tv_sec = (time_t)(timeout / 1000);
            ts.tv_nsec = (long)(timeout % 1000) * 1000000L;
        }
        r = ppoll(pfd, (nfds_t)npfd, timeout != UINT32_MAX ? &ts : NULL,
                  &unblocked);
        if (r < 0 && errno != EINTR) {
            fprintf(stderr, "pagec-serve: poll: %s\n", strerror(errno));
            return 1;
        }
        slirp_pollfds_poll(slirp, r < 0, cb_get_revents, NULL);
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"port", required_argument, NULL, 'p'},
        {"bind", required_argument, NULL, 'b'},
        {"link", required_argument, NULL, 'l'},
        {"mss", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *bind_text = "127.0.0.1";
    const char *link_name = "Ethernet";
    struct in_addr bind_addr;
    struct in_addr dev_addr;
    struct sigaction sa;
    long port = DEFAULT_PORT;
    long v;
    int status;
    int c;

    while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            port = parse_num(optarg, 0, 65535);
            if (port < 0) {
                fprintf(stderr, "pagec-serve: --port: '%s' is not a port "
                                "number (0-65535)\n", optarg);
                return 2;
            }
            break;
        case 'b':
            bind_text = optarg;
            break;
        case 'l':
            if (strcasecmp(optarg, "ethernet") == 0) {
                link_mss = MSS_ETHERNET;
                link_name = "Ethernet";
            } else if (strcasecmp(optarg, "slip") == 0) {
                link_mss = MSS_SLIP;
                link_name = "SLIP";
            } else {
                fprintf(stderr, "pagec-serve: --link: '%s' is not a link "
                                "(ethernet, slip)\n", optarg);
                return 2;
            }
            break;
        case 'm':
            v = parse_num(optarg, MSS_MIN, MSS_MAX);
            if (v < 0) {
                fprintf(stderr, "pagec-serve: --mss: '%s' is not an MSS "
                                "(%d-%d)\n", optarg, MSS_MIN, MSS_MAX);
                return 2;
            }
            link_mss = (unsigned)v;
            link_name = NULL;
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
#if PAGEC_LARGE
    server.millis = server_millis;
#endif
    {
        /* the device refuses a SYN below min(536, the site's MSS) */
        unsigned floor = demo_site.mss < 536 ? demo_site.mss : 536;

        if (link_mss < floor) {
            fprintf(stderr, "pagec-serve: warning: an MSS of %u is below the "
                            "%u the device takes: it refuses every "
                            "connection with an RST, as it would on such a "
                            "link\n", link_mss, floor);
        }
    }
#if PAGEC_LIVE
    server.live = sample_live;
    sample_live_start();
#endif
#if PAGEC_ACTIONS
    server.action = sample_action;
#endif
    memcpy(server.addr, guest_addr, sizeof server.addr);
    /* the ISN key: a fresh secret each start, as on a device */
    if (getrandom(server.secret, sizeof server.secret, 0) !=
        (ssize_t)sizeof server.secret) {
        fprintf(stderr, "pagec-serve: getrandom: %s\n", strerror(errno));
        return 1;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0 ||
        sigaction(SIGTERM, &sa, NULL) != 0) {
        fprintf(stderr, "pagec-serve: sigaction: %s\n", strerror(errno));
        return 1;
    }

    slirp = make_slirp();
    if (!slirp) {
        fprintf(stderr, "pagec-serve: libslirp %s refused the link (MTU %u)\n",
                slirp_version_string(), link_mss + HDRS);
        return 1;
    }
    memcpy(&dev_addr, guest_addr, 4);
    errno = 0;
    if (slirp_add_hostfwd(slirp, 0, bind_addr, (int)port, dev_addr,
                          demo_site.http_port) != 0) {
        fprintf(stderr, "pagec-serve: bind %s:%ld: %s\n", bind_text, port,
                errno ? strerror(errno) : "refused");
        slirp_cleanup(slirp);
        return 1;
    }
    announce();
    drain_queue();
    v = listen_wider();
    if (port == 0) {
        port = v;
    }
    printf("pagec-serve: serving %u pages at http://%s:%ld/ over %s%s"
           "MSS %u\n",
           (unsigned)demo_site.npages, bind_text, port,
           link_name ? link_name : "a link of ", link_name ? ", " : "",
           link_mss);
    log_flush();

    status = serve();

    slirp_cleanup(slirp);
    if (q_dropped && verbose) {
        printf("pagec-serve: %lu frames dropped on a full queue\n", q_dropped);
        log_flush();
    }
    return status;
}
