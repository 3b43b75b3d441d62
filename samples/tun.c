/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tun.c - pagec-tun: serves a compiled site on a Linux TUN device.
 *
 * The driver the runtime needs on a host: read a datagram, hand it to
 * pagec_server_input(), write the reply. The site is linked in at build
 * time (CMake cache variable PAGEC_DEMO_SITE).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "demo_site.h"
#include "live.h"
#include "pagec/eth.h"
#include "pagec/mdns.h"
#include "pagec/pagec.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(FILE *f)
{
    fputs("usage: pagec-tun --dev NAME [--ip ADDR]\n"
          "                 [--tap [--mac MAC] [--name NAME]] [--no-table] [-v]\n"
          "\n"
          "Serves the compiled site on the TUN device NAME, creating the\n"
          "device when it does not exist (this needs CAP_NET_ADMIN).\n"
          "\n"
          "  --dev NAME   TUN device to attach to\n"
          "  --ip ADDR    answer only datagrams to this IPv4 address\n"
          "               (default: answer any destination)\n"
          "  --tap        a TAP device: Ethernet frames, ARP requests for\n"
          "               --ip ADDR (then needed) answered (pagec/eth.h)\n"
          "  --mac MAC    the device's Ethernet address with --tap\n"
          "               (default 02:00:00:00:00:02)\n"
          "  --name NAME  with --tap, answer Multicast DNS queries for\n"
          "               NAME.local with --ip ADDR (pagec/mdns.h)\n"
          "  --no-table   no table of connections: clients without SACK\n"
          "               or timestamps get large replies by the rules\n"
          "               without state (docs/large-pages.md)\n"
          "  -v           print one line per datagram in and out (with a\n"
          "               request's request line, a reply's status), and\n"
          "               why a datagram got no reply or an RST\n"
          "  -h, --help   print this help\n"
          "\n"
          "Set the interface up with ip(8), for example:\n"
          "  ip tuntap add dev pagec0 mode tun\n"
          "  ip addr add 198.51.100.1 peer 198.51.100.2 dev pagec0\n"
          "  ip link set pagec0 up\n"
          "  pagec-tun --dev pagec0 &\n"
          "  curl http://198.51.100.2/\n"
          "The kernel then sends datagrams for 198.51.100.2 into the device,\n"
          "and pagec-tun answers them as 198.51.100.2.\n"
#if PAGEC_SERVICES
          "\n"
          "Besides the site: ping, echo (TCP and UDP port 7), discard (9),\n"
          "daytime (13, the local time), and port 7007, TCP and UDP, which\n"
          "answers a line with the line reversed (a long one cut), e.g.\n"
          "  echo hello | nc -q1 198.51.100.2 7007\n"
#endif
          ,
          f);
}

static int open_tun(const char *name, int tap)
{
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        fprintf(stderr, "pagec-tun: /dev/net/tun: %s\n", strerror(errno));
        return -1;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = (short)((tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        fprintf(stderr, "pagec-tun: %s: %s\n", name, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* The clock the ISN's time slots count: seconds since an arbitrary
 * origin, never going back. */
static uint32_t seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)ts.tv_sec;
}

#if PAGEC_LARGE
#if PAGEC_LARGE_FLOWS
/* what was sent to the last few clients without SACK or timestamps */
static struct pagec_flow flows[8];
#endif

/* The same clock in milliseconds, for the timestamps of large replies. */
static uint32_t millis(const struct pagec_server *srv)
{
    struct timespec ts;

    (void)srv;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)ts.tv_sec * 1000u + (uint32_t)(ts.tv_nsec / 1000000);
}
#endif

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

/* What a segment's data says, for the end of its line: the request line
 * of a request ("GET /index.html HTTP/1.1", quoted, at most 100 bytes,
 * bytes that are not printable as \xHH), the status of a reply ("HTTP
 * 200"); nothing for other data. */
static void data_summary(const uint8_t *d, size_t n)
{
    size_t i;

    if (n >= 12 && memcmp(d, "HTTP/1.", 7) == 0 && d[8] == ' ') {
        printf(" HTTP %.3s", (const char *)d + 9);
        return;
    }
    for (i = 0; i < n && i < 16 && d[i] >= 'A' && d[i] <= 'Z'; i++) {
    }
    if (i == 0 || i == n || d[i] != ' ') {
        return; /* no method: not the start of a request */
    }
    fputs(" \"", stdout);
    for (i = 0; i < n && i < 100 && d[i] != '\r' && d[i] != '\n'; i++) {
        if (d[i] < 0x20 || d[i] >= 0x7f || d[i] == '"' || d[i] == '\\') {
            printf("\\x%02x", d[i]);
        } else {
            putchar(d[i]);
        }
    }
    fputs(i == 100 ? "...\"" : "\"", stdout);
}

/* One line per datagram, in the manner of tcpdump's summary. */
static void summary(const char *dir, const uint8_t *p, size_t n)
{
    char src[INET_ADDRSTRLEN];
    char dst[INET_ADDRSTRLEN];
    size_t hl;
    size_t tot;
    size_t frag;

    if (n < 20 || p[0] >> 4 != 4) {
        printf("%-3s %zu bytes, not IPv4\n", dir, n);
        return;
    }
    hl = (size_t)(p[0] & 15) * 4;
    tot = be16(p + 2);
    if (tot > n) {
        tot = n;
    }
    frag = (size_t)(be16(p + 6) & 0x1fff) * 8;
    inet_ntop(AF_INET, p + 12, src, sizeof src);
    inet_ntop(AF_INET, p + 16, dst, sizeof dst);
    if (frag) {
        /* a later fragment: no protocol header, only its data */
        printf("%-3s %s > %s: fragment of proto %u, id %u, offset %zu, "
               "length %zu%s\n",
               dir, src, dst, p[9], be16(p + 4), frag,
               tot > hl ? tot - hl : 0, p[6] & 0x20 ? ", more follow" : "");
    } else if (p[9] == 6 && hl >= 20 && tot >= hl + 20) {
        const uint8_t *t = p + hl;
        uint8_t f = t[13];
        size_t off = (size_t)(t[12] >> 4) * 4;
        size_t dlen = off <= tot - hl ? tot - hl - off : 0;
        char flags[8];
        int k = 0;

        if (f & 0x02) flags[k++] = 'S';
        if (f & 0x01) flags[k++] = 'F';
        if (f & 0x04) flags[k++] = 'R';
        if (f & 0x08) flags[k++] = 'P';
        if (f & 0x10) flags[k++] = '.';
        flags[k] = '\0';
        printf("%-3s %s.%u > %s.%u: Flags [%s], seq %lu, ack %lu, win %u, "
               "length %zu",
               dir, src, be16(t), dst, be16(t + 2), flags,
               (unsigned long)be32(t + 4), (unsigned long)be32(t + 8),
               be16(t + 14), dlen);
        if (dlen) {
            data_summary(t + off, dlen);
        }
        putchar('\n');
    } else if (p[9] == 1 && hl >= 20 && tot >= hl + 8) {
        const uint8_t *c = p + hl;

        printf("%-3s %s > %s: ICMP type %u, id %u, seq %u, length %zu%s\n",
               dir, src, dst, c[0], be16(c + 4), be16(c + 6), tot - hl,
               p[6] & 0x20 ? ", first fragment" : "");
    } else {
        printf("%-3s %s > %s: proto %u, length %zu%s\n", dir, src, dst, p[9],
               tot, p[6] & 0x20 ? ", first fragment" : "");
    }
}

/* The runtime's counters of why datagrams get no reply or an RST
 * (PAGEC_STATS, which this program is built with). */
static struct pagec_stats stats;

/* Prints why the last datagram got no reply or an RST: the counters that
 * moved since before. */
static void why(const struct pagec_stats *before,
                const struct pagec_stats *now)
{
#define PAGEC_WHY_TEXT(name, text) text,
    static const char *const text[PAGEC_WHY_COUNT] = {
        PAGEC_WHY_LIST(PAGEC_WHY_TEXT)};
#undef PAGEC_WHY_TEXT
    int i;

    for (i = 0; i < PAGEC_WHY_COUNT; i++) {
        if (now->n[i] != before->n[i]) {
            printf("why: %s\n", text[i]);
        }
    }
}

#if PAGEC_SERVICES
/* The daytime service's text: the local time, as classic daytime servers
 * give it (RFC 867 leaves the format free). */
static uint8_t tun_daytime(const struct pagec_server *srv, uint8_t *dst,
                           uint8_t size)
{
    char text[64];
    time_t t = time(NULL);
    struct tm tm;
    size_t n;

    (void)srv;
    if (localtime_r(&t, &tm) == NULL ||
        (n = strftime(text, sizeof text, "%a %b %d %H:%M:%S %Y\r\n", &tm)) ==
            0) {
        return 0;
    }
    if (n > size) {
        n = size;
    }
    memcpy(dst, text, n);
    return (uint8_t)n;
}

/* A service of the driver's own: port 7007, TCP and UDP, answers a line
 * with the line reversed, its line end (CR, LF) kept. A line longer than
 * PAGEC_SERVICE_MAX comes in cut, without its end, and goes back so. */
#define TUN_REVERSE_PORT 7007
static const struct pagec_service tun_services[] = {
    {TUN_REVERSE_PORT,
     PAGEC_SERVICE_TCP | PAGEC_SERVICE_UDP | PAGEC_SERVICE_LINE},
};

static uint8_t tun_service(const struct pagec_server *srv, uint16_t port,
                           uint8_t *buf, uint8_t len, uint8_t size)
{
    uint8_t e = 0;
    uint8_t i;

    (void)srv;
    (void)port; /* one service: 7007 */
    (void)size; /* the reply is no longer than the line */
    while (e < len && buf[e] != '\r' && buf[e] != '\n') {
        e++;
    }
    for (i = 0; i < e / 2; i++) {
        uint8_t t = buf[i];

        buf[i] = buf[e - 1 - i];
        buf[e - 1 - i] = t;
    }
    return len;
}
#endif

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"dev", required_argument, NULL, 'd'},
        {"ip", required_argument, NULL, 'i'},
        {"no-table", no_argument, NULL, 't'},
        {"tap", no_argument, NULL, 'T'},
        {"mac", required_argument, NULL, 'm'},
        {"name", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static uint8_t buf[65536];
    struct pagec_server srv;
    struct pagec_reply reply;
    struct sigaction sa;
    const char *dev = NULL;
    const char *name = NULL;
    int verbose = 0;
    int tap = 0;
    uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x02};
    struct pagec_stats before;
    int fd;
    int c;

    memset(&srv, 0, sizeof srv);
    srv.site = &demo_site;
    srv.stats = &stats;
#if PAGEC_LARGE
    srv.millis = millis;
#endif
#if PAGEC_LARGE_FLOWS
    srv.flows = flows;
    srv.nflows = (uint8_t)(sizeof flows / sizeof flows[0]);
#endif
#if PAGEC_LIVE
    srv.live = sample_live;
    sample_live_start();
#endif
#if PAGEC_ACTIONS
    srv.action = sample_action;
#endif
#if PAGEC_SERVICES
    srv.daytime = tun_daytime;
    srv.services = tun_services;
    srv.nservices = sizeof tun_services / sizeof tun_services[0];
    srv.service = tun_service;
#endif
    while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dev = optarg;
            break;
        case 'i':
            if (inet_pton(AF_INET, optarg, srv.addr) != 1) {
                fprintf(stderr, "pagec-tun: --ip: '%s' is not an IPv4 "
                                "address\n", optarg);
                return 2;
            }
            break;
        case 'T':
            tap = 1;
            break;
        case 'n': {
            size_t i, len = strlen(optarg);

            for (i = 0; i < len; i++) {
                char ch = optarg[i];

                if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || ch == '-')) {
                    break;
                }
            }
            if (len == 0 || len > 63 || i < len) {
                fprintf(stderr, "pagec-tun: --name: '%s' is not a name of 1 "
                                "to 63 letters, digits and '-'\n", optarg);
                return 2;
            }
            name = optarg;
            break;
        }
        case 'm': {
            unsigned m[6];
            char end;
            int i;

            if (sscanf(optarg, "%x:%x:%x:%x:%x:%x%c", &m[0], &m[1], &m[2],
                       &m[3], &m[4], &m[5], &end) != 6) {
                fprintf(stderr, "pagec-tun: --mac: '%s' is not a MAC "
                                "address\n", optarg);
                return 2;
            }
            for (i = 0; i < 6; i++) {
                if (m[i] > 255) {
                    fprintf(stderr, "pagec-tun: --mac: '%s' is not a MAC "
                                    "address\n", optarg);
                    return 2;
                }
                mac[i] = (uint8_t)m[i];
            }
            if (mac[0] & 1u) {
                fprintf(stderr, "pagec-tun: --mac: '%s' is a group "
                                "address\n", optarg);
                return 2;
            }
            break;
        }
        case 't':
#if PAGEC_LARGE_FLOWS
            srv.flows = NULL;
            srv.nflows = 0;
#endif
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
    if (!dev || optind != argc) {
        usage(stderr);
        return 2;
    }
    if (name && !tap) {
        fprintf(stderr, "pagec-tun: --name needs --tap (Multicast DNS runs "
                        "on Ethernet)\n");
        return 2;
    }
    if (tap && (srv.addr[0] | srv.addr[1] | srv.addr[2] | srv.addr[3]) == 0) {
        fprintf(stderr, "pagec-tun: --tap needs --ip ADDR, the address "
                        "ARP requests ask for\n");
        return 2;
    }
    /* the ISN key: a fresh secret each start, never compiled in */
    if (getrandom(srv.secret, sizeof srv.secret, 0) !=
        (ssize_t)sizeof srv.secret) {
        fprintf(stderr, "pagec-tun: getrandom: %s\n", strerror(errno));
        return 1;
    }
    fd = open_tun(dev, tap);
    if (fd < 0) {
        return 1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (verbose) {
        printf("pagec-tun: serving %u pages on %s\n",
               (unsigned)demo_site.npages, dev);
        fflush(stdout);
    }

    while (!stop) {
        ssize_t n = read(fd, buf, sizeof buf);
        const uint8_t *in = buf;
        uint8_t eth[PAGEC_ETH_ARP_LEN];
        uint16_t len;

        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            fprintf(stderr, "pagec-tun: read %s: %s\n", dev, strerror(errno));
            close(fd);
            return 1;
        }
        if (tap && name) {
            /* an mDNS query for the name: answered here */
            static uint8_t answer[PAGEC_MDNS_OUT_MAX];
            uint16_t alen = pagec_mdns_input(
                &srv, mac, name, buf, (uint16_t)(n > 65535 ? 65535 : n),
                answer, sizeof answer);

            if (alen) {
                if (verbose) {
                    printf("mdns: a query for %s.local: answered\n", name);
                    fflush(stdout);
                }
                if (write(fd, answer, alen) != (ssize_t)alen) {
                    fprintf(stderr, "pagec-tun: write %s: %s\n", dev,
                            strerror(errno));
                }
                continue;
            }
        }
        if (tap) {
            /* a frame: ARP answered here, an IPv4 datagram served below
             * and its replies sent back to the frame's source */
            switch (pagec_eth_input(&srv, mac, buf,
                                    (uint16_t)(n > 65535 ? 65535 : n), eth)) {
            case PAGEC_ETH_ARP:
                if (verbose) {
                    printf("arp: a request for our address: answered\n");
                    fflush(stdout);
                }
                if (write(fd, eth, sizeof eth) != (ssize_t)sizeof eth) {
                    fprintf(stderr, "pagec-tun: write %s: %s\n", dev,
                            strerror(errno));
                }
                continue;
            case PAGEC_ETH_IPV4:
                pagec_eth_header(mac, buf, eth);
                in = buf + PAGEC_ETH_HLEN;
                n -= PAGEC_ETH_HLEN;
                break;
            default:
                continue;
            }
        }
        if (verbose) {
            summary("in", in, (size_t)n);
        }
        before = stats;
        len = pagec_server_input(&srv, seconds(), in,
                                 (uint16_t)(n > 65535 ? 65535 : n), &reply);
        if (verbose) {
            why(&before, &stats);
        }
        while (len) {
            /* the header, then the body's pieces: one, or the ROM around a
             * live page's fields and the fields themselves */
            struct iovec iov[3 + 2 * PAGEC_LIVE_MAX];
            const uint8_t *p;
            uint16_t plen;
            int k = 0;

            int first;

            if (tap) {
                iov[k].iov_base = eth;
                iov[k++].iov_len = PAGEC_ETH_HLEN;
            }
            first = k;
            iov[k].iov_base = reply.hdr;
            iov[k++].iov_len = reply.hdr_len;
            while (pagec_reply_piece(&reply, (uint8_t)(k - first - 1), &p,
                                     &plen)) {
                iov[k].iov_base = (void *)p;
                iov[k++].iov_len = plen;
            }
            if (verbose) {
                static uint8_t out[65535];

                summary("out", out, pagec_reply_copy(&reply, out, sizeof out));
            }
            if (writev(fd, iov, k) !=
                (ssize_t)len + (tap ? PAGEC_ETH_HLEN : 0)) {
                fprintf(stderr, "pagec-tun: write %s: %s\n", dev,
                        strerror(errno));
            }
#if PAGEC_LARGE
            /* a large reply's further segments */
            len = pagec_server_next(&srv, &reply);
#else
            len = 0;
#endif
        }
        if (verbose) {
            fflush(stdout);
        }
    }
    close(fd);
    return 0;
}
