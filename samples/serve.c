/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * serve.c - pagec-serve: a preview of a compiled site, as the device
 * serves it, with no root and no TUN device.
 *
 * libslirp, the user-mode TCP/IP stack of QEMU, stands between the host
 * and the runtime: it listens on ADDR:PORT of the host (a host forward),
 * and for each connection a browser makes there it opens a TCP
 * connection of its own to the "guest" at 198.51.100.2:<site HTTP port>,
 * over an emulated Ethernet link whose MTU is the link's MSS + 40
 * (slirp_link.c, which pagec-slip --slirp shares). The guest is the
 * runtime: every frame slirp sends it is unwrapped and its IPv4 datagram
 * handed to pagec_server_input(); the reply goes back to slirp in a
 * frame of its own. ARP requests for the guest's address are answered
 * too, as a device's Ethernet driver would.
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
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "demo_site.h"
#include "live.h"
#include "pagec/pagec.h"
#include "slirp_link.h"

#define DEFAULT_PORT 8080
#define MSS_ETHERNET 1460   /* MTU 1500, less 40 bytes of headers */
#define MSS_SLIP 966        /* MTU 1006 */
#define MSS_MIN 64          /* --mss bounds; slirp's MTU floor is 68 */
#define HDRS 40             /* IPv4 + TCP headers without options */
#define MSS_MAX (SLIRP_LINK_MTU_MAX - HDRS)
#define ETH_HLEN SLIRP_LINK_ETH_HLEN
#define LOG_FIELD_MAX 120   /* bytes of request or status line in -v */

#define PROTO_TCP 6
#define TH_FIN 0x01u
#define TH_SYN 0x02u
#define TH_RST 0x04u

/* The device's address on the emulated network (TEST-NET-2, RFC 5737),
 * whose .1 is slirp's own, by which a client on the host's loopback
 * appears to the device (slirp_link.h). A client from another host
 * appears with its own address, which must not be the device's: TEST-NET-2
 * rather than TEST-NET-1, which pagec-tun's namespaces use and some test
 * hosts have for real. */
static const uint8_t guest_addr[4] = {198, 51, 100, 2};

static volatile sig_atomic_t stop;
static struct pagec_server server;
static int verbose;
static unsigned link_mss = MSS_ETHERNET;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
    slirp_link_wake();
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

/* The runtime's clock, in seconds. */
static uint32_t now_s(void)
{
    return (uint32_t)(slirp_link_clock_ms() / 1000);
}

#if PAGEC_LARGE
#if PAGEC_LARGE_FLOWS
/* what was sent to the last few clients without SACK or timestamps */
static struct pagec_flow flows[8];
#endif

/* The same clock in milliseconds, for large replies' timestamps. */
static uint32_t server_millis(const struct pagec_server *srv)
{
    (void)srv;
    return (uint32_t)slirp_link_clock_ms();
}
#endif

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
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

/* A frame slirp sent the device: ARP answered, IPv4 to the runtime, the
 * reply back to slirp. Takes every frame. */
static int device_input(const uint8_t *f, uint16_t len)
{
    static uint8_t out[ETH_HLEN + 65535];
    struct pagec_reply reply;
    uint16_t dlen = slirp_link_datagram(f, len);
    uint16_t n;

    if (dlen == 0) {
        return 1;
    }
    n = pagec_server_input(&server, now_s(), f + ETH_HLEN, dlen, &reply);
    for (;;) {
        if (n > 0) {
            n = pagec_reply_copy(&reply, out + ETH_HLEN,
                                 (uint16_t)(sizeof out - ETH_HLEN));
        }
        log_exchange(f + ETH_HLEN, dlen, out + ETH_HLEN, n);
        if (n == 0) {
            return 1;
        }
        slirp_link_send(out, n);
#if PAGEC_LARGE
        n = pagec_server_next(&server, &reply); /* a large page's next */
#else
        return 1;
#endif
    }
}

/* Serves until a signal comes. Returns the exit status. */
static int serve(void)
{
    while (!stop) {
        if (slirp_link_turn(NULL, 0) != 0) {
            return 1;
        }
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
    struct slirp_link_config link = {.prog = "pagec-serve",
                                     .frame = device_input};
    struct in_addr bind_addr;
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
#if PAGEC_LARGE_FLOWS
    server.flows = flows;
    server.nflows = (uint8_t)(sizeof flows / sizeof flows[0]);
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
    /* the loop wakes through slirp_link_wake(): other calls go on */
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0 ||
        sigaction(SIGTERM, &sa, NULL) != 0) {
        fprintf(stderr, "pagec-serve: sigaction: %s\n", strerror(errno));
        return 1;
    }

    memcpy(link.device_addr, guest_addr, 4);
    link.mtu = link_mss + HDRS;
    if (slirp_link_open(&link) != 0) {
        return 1;
    }
    v = slirp_link_forward(bind_addr, (int)port, demo_site.http_port);
    if (v < 0) {
        fprintf(stderr, "pagec-serve: bind %s:%ld: %s\n", bind_text, port,
                errno ? strerror(errno) : "refused");
        slirp_link_close();
        return 1;
    }
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

    slirp_link_close();
    if (slirp_link_dropped() && verbose) {
        printf("pagec-serve: %lu frames dropped on a full queue\n",
               slirp_link_dropped());
        log_flush();
    }
    return status;
}
