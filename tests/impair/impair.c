/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * impair.c - pagec-impair: pagec-tun with a bad link in both directions.
 *
 * The driver of samples/tun.c (read a datagram from the TUN device, hand
 * it to pagec_server_input(), writev the reply, then every further
 * datagram pagec_server_next() gives for a large reply; srv.millis a
 * millisecond clock), with a link between the device and the runtime
 * that drops, duplicates and reorders datagrams, each of the runtime's
 * datagrams on its own:
 *
 *   kernel --> [impair "in"] --> runtime --> [impair "out"] --> kernel
 *
 * Every datagram, in each direction, is first dropped with probability
 * --loss; a datagram not dropped is sent twice with probability --dup;
 * each copy is then held back with probability --reorder (one datagram
 * held at a time per direction) and goes out right after the next
 * datagram of its direction, or alone once --delay milliseconds have
 * passed without one. The decisions come from two xorshift64* generators
 * (one per direction) seeded from --seed, so a seed gives the same
 * sequence of decisions to the same sequence of datagrams.
 *
 * Every RST the runtime produces is logged at once with the segment that
 * caused it and why (the ACK it carried, relative to the ISNs the server
 * could have sent). On SIGTERM or SIGINT the totals go to stdout, one
 * "impair: " line each, and the program exits 0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
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
#include "pagec/pagec.h"

#define HTTP_PORT 80       /* the port whose RSTs are counted apart */
#define DELAY_MAX_MS 1000  /* bound of --delay */
#define POLL_MS 200        /* longest wait, so SIGTERM is never missed */
#define PPM 1000000u       /* probabilities in parts per million */

enum { DIR_IN, DIR_OUT, NDIRS };

static const char *const dir_name[NDIRS] = {"in", "out"};

/* What happened to the datagrams of one direction. */
struct counts {
    unsigned long seen;      /* offered to the link */
    unsigned long long bytes; /* their bytes */
    unsigned long dropped;
    unsigned long duplicated;
    unsigned long held;      /* held back for reordering */
    unsigned long overtaken; /* held, and sent after a later datagram */
    unsigned long delayed;   /* held, and sent alone after --delay */
    unsigned long sent;      /* copies passed on, held ones included */
};

/* A datagram held back, with the time it goes out at the latest. */
struct hold {
    int used;
    size_t len;
    uint64_t due_ms;
    uint8_t buf[65536];
};

/* The state of the link and of the server behind it. */
struct link {
    int fd;
    const char *dev;
    int verbose;
    uint64_t start_ms;         /* clock at start, for the -v log */
    uint32_t loss_ppm;
    uint32_t dup_ppm;
    uint32_t reorder_ppm;
    unsigned delay_ms;
    unsigned long drop_requests; /* incoming segments with data still to
                                    drop (--drop-requests) */
    uint64_t rng[NDIRS];
    struct counts n[NDIRS];
    struct hold hold[NDIRS];
    struct pagec_server srv;
    unsigned long replies;     /* datagrams the runtime answered */
    unsigned long more;        /* further datagrams of those answers
                                  (pagec_server_next(), large replies) */
    unsigned long unanswered;  /* datagrams the runtime dropped */
    unsigned long rst_http;    /* RSTs from port HTTP_PORT */
    unsigned long rst_synack;  /*   of them, answers to a SYN-ACK */
    unsigned long rst_badack;  /*   answers to an unacceptable ACK */
    unsigned long rst_other;   /*   anything else */
    unsigned long rst_closed;  /* RSTs from other ports */
    unsigned long write_errors;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(FILE *f)
{
    fputs("usage: pagec-impair --dev NAME --seed N [--loss PCT] [--dup PCT]\n"
          "                    [--reorder PCT] [--delay MS] [--drop-requests N]\n"
          "                    [-v]\n"
          "\n"
          "Serves the compiled site on the TUN device NAME, as pagec-tun\n"
          "does, through a link that drops, duplicates and reorders the\n"
          "datagrams of both directions.\n"
          "\n"
          "  --dev NAME     TUN device to attach to (created if missing)\n"
          "  --seed N       seed of the decisions (0 to 2^64 - 1)\n"
          "  --loss PCT     percentage of datagrams dropped (default 0)\n"
          "  --dup PCT      percentage of datagrams sent twice (default 0)\n"
          "  --reorder PCT  percentage of datagrams held back and sent after\n"
          "                 the next one of their direction (default 0)\n"
          "  --delay MS     longest a held datagram waits for the next one\n"
          "                 (default 50, at most 1000)\n"
          "  --drop-requests N  drop the first N incoming TCP segments that\n"
          "                 carry data, whatever the chance (default 0)\n"
          "  -v             print one line per datagram and decision\n"
          "  -h, --help     print this help\n"
          "\n"
          "Percentages may have decimals (0 to 100) and apply to each\n"
          "direction separately. On SIGTERM the totals go to stdout.\n",
          f);
}

/* ---- the generator ----------------------------------------------------- */

/* SplitMix64: turns the seed into well-mixed, non-zero starting states. */
static uint64_t splitmix64(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* xorshift64* (Vigna, 2016): the state must not be zero. */
static uint64_t xorshift64s(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(0x2545f4914f6cdd1d);
}

/* 1 with probability ppm / 10^6: the top 32 bits scaled to [0, 10^6). */
static int chance(struct link *l, int dir, uint32_t ppm)
{
    uint64_t r = xorshift64s(&l->rng[dir]) >> 32;

    return (uint32_t)((r * PPM) >> 32) < ppm;
}

/* ---- parsing and printing ---------------------------------------------- */

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

/* The TCP header of an IPv4 datagram of n bytes, or NULL. */
static const uint8_t *tcp_header(const uint8_t *p, size_t n)
{
    size_t hl;

    if (n < 20 || p[0] >> 4 != 4 || p[9] != 6) {
        return NULL;
    }
    hl = (size_t)(p[0] & 15) * 4;
    if (hl < 20 || n < hl + 20) {
        return NULL;
    }
    return p + hl;
}

/* One line per datagram, in the manner of tcpdump's summary. */
static void summary(const char *what, const uint8_t *p, size_t n)
{
    char src[INET_ADDRSTRLEN];
    char dst[INET_ADDRSTRLEN];
    const uint8_t *t = tcp_header(p, n);
    size_t hl;
    size_t tot;

    if (n < 20 || p[0] >> 4 != 4) {
        printf("%s %zu bytes, not IPv4\n", what, n);
        return;
    }
    hl = (size_t)(p[0] & 15) * 4;
    tot = be16(p + 2);
    if (tot > n) {
        tot = n;
    }
    inet_ntop(AF_INET, p + 12, src, sizeof src);
    inet_ntop(AF_INET, p + 16, dst, sizeof dst);
    if (t) {
        uint8_t f = t[13];
        size_t off = (size_t)(t[12] >> 4) * 4;
        char flags[8];
        int k = 0;

        if (f & 0x02) flags[k++] = 'S';
        if (f & 0x01) flags[k++] = 'F';
        if (f & 0x04) flags[k++] = 'R';
        if (f & 0x08) flags[k++] = 'P';
        if (f & 0x10) flags[k++] = '.';
        flags[k] = '\0';
        printf("%s %s.%u > %s.%u: Flags [%s], seq %lu, ack %lu, win %u, "
               "length %zu\n",
               what, src, be16(t), dst, be16(t + 2), flags,
               (unsigned long)be32(t + 4), (unsigned long)be32(t + 8),
               be16(t + 14), tot >= hl + off ? tot - hl - off : 0);
    } else if (p[9] == 1 && hl >= 20 && tot >= hl + 8) {
        const uint8_t *c = p + hl;

        printf("%s %s > %s: ICMP type %u, id %u, seq %u, length %zu\n",
               what, src, dst, c[0], be16(c + 4), be16(c + 6), tot - hl);
    } else {
        printf("%s %s > %s: proto %u, length %zu\n", what, src, dst, p[9],
               tot);
    }
}

/* ---- clocks ------------------------------------------------------------- */

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The clock the ISN's time slots count, as in pagec-tun. */
static uint32_t seconds(void)
{
    return (uint32_t)(now_ms() / 1000u);
}

#if PAGEC_LARGE
#if PAGEC_LARGE_FLOWS
/* what was sent to the last few clients without SACK or timestamps */
static struct pagec_flow flows[8];
#endif

/* The same clock in milliseconds, for the timestamps of large replies. */
static uint32_t millis(const struct pagec_server *srv)
{
    (void)srv;
    return (uint32_t)now_ms();
}
#endif

/* One line of the -v log: seconds since the start, direction, what the
 * link did, and the datagram (n bytes at p). */
static void vlog(const struct link *l, int dir, const char *action,
                 const uint8_t *p, size_t n)
{
    char what[48];

    snprintf(what, sizeof what, "%8.3f %-3s %-7s",
             (double)(now_ms() - l->start_ms) / 1000.0, dir_name[dir],
             action);
    summary(what, p, n);
}

/* ---- RSTs ----------------------------------------------------------------- */

/* Why the runtime answered the segment in (n bytes) with an RST: prints
 * the segment, the RST, and the segment's ACK relative to the nearest ISN
 * this server could have given the connection (any of the four slots up
 * to now, any MSS class). */
static void explain_rst(struct link *l, uint32_t now, const uint8_t *in,
                        size_t n, const uint8_t *out, size_t m)
{
    const uint8_t *t = tcp_header(in, n);
    const uint8_t *r = tcp_header(out, m);
    uint32_t slot = now >> PAGEC_ISN_SLOT_LOG2;
    uint32_t best = 0;
    uint32_t best_k = 0;
    uint32_t best_c = 0;
    int have = 0;
    uint32_t ack;
    uint32_t k;
    uint32_t c;

    if (!t || !r) {
        return;
    }
    if (be16(r) == HTTP_PORT) {
        l->rst_http++;
    } else {
        l->rst_closed++;
    }
    summary("rst: cause:", in, n);
    summary("rst: reply:", out, m);
    ack = be32(t + 8);
    if ((t[13] & 0x12) == 0x12) {
        if (be16(r) == HTTP_PORT) {
            l->rst_synack++;
        }
        printf("rst: why: a SYN-ACK to a listener\n");
    } else if (be16(t + 2) != HTTP_PORT) {
        printf("rst: why: port %u is closed\n", be16(t + 2));
    } else if (t[13] & 0x10) {
        l->rst_badack++;
        for (k = 0; k < 4; k++) {
            for (c = 0; c < 4; c++) {
                uint32_t isn = pagec_isn(l->srv.secret, in + 12, in + 16,
                                         be16(t), be16(t + 2), slot - k,
                                         (uint8_t)c, be32(t + 4) - 1u);
                uint32_t d = ack - (isn + 1u);
                uint32_t dist = d < 0x80000000u ? d : 0u - d;
                uint32_t bdist = best < 0x80000000u ? best : 0u - best;

                if (!have || dist < bdist) {
                    best = d;
                    best_k = k;
                    best_c = c;
                    have = 1;
                }
            }
        }
        printf("rst: why: ACK %lu is ISN + 1 %+" PRId32
               " for the nearest ISN (slot now-%lu, MSS class %lu, "
               "site max data %u)\n",
               (unsigned long)ack, (int32_t)best, (unsigned long)best_k,
               (unsigned long)best_c, (unsigned)demo_site.max_data);
    } else {
        l->rst_other++;
        printf("rst: why: not understood (flags 0x%02x)\n", t[13]);
    }
}

/* ---- the link --------------------------------------------------------------- */

static void serve(struct link *l, const uint8_t *p, size_t n);
static void impair(struct link *l, int dir, const struct iovec *iov,
                   int iovcnt, const uint8_t *flat, size_t flat_len);

/* Passes one copy on: into the runtime, or out to the kernel. */
static void deliver(struct link *l, int dir, const struct iovec *iov,
                    int iovcnt)
{
    l->n[dir].sent++;
    if (dir == DIR_IN) {
        serve(l, iov[0].iov_base, iov[0].iov_len);
        return;
    }
    {
        size_t want = 0;
        int i;

        for (i = 0; i < iovcnt; i++) {
            want += iov[i].iov_len;
        }
        if (writev(l->fd, iov, iovcnt) != (ssize_t)want) {
            l->write_errors++;
            fprintf(stderr, "pagec-impair: write %s: %s\n", l->dev,
                    strerror(errno));
        }
    }
}

static void deliver_held(struct link *l, int dir, int overtaken)
{
    struct hold *h = &l->hold[dir];
    struct iovec iov = {h->buf, h->len};

    h->used = 0;
    if (overtaken) {
        l->n[dir].overtaken++;
    } else {
        l->n[dir].delayed++;
    }
    if (l->verbose) {
        vlog(l, dir, overtaken ? "late" : "delayed", h->buf, h->len);
    }
    deliver(l, dir, &iov, 1);
}

/* 1 when the IPv4 datagram of n bytes at p is a TCP segment with data. */
static int tcp_data(const uint8_t *p, size_t n)
{
    size_t ihl;
    size_t total;

    if (n < 20 || p[9] != 6) {
        return 0;
    }
    ihl = (size_t)(p[0] & 15) * 4;
    total = (size_t)p[2] << 8 | p[3];
    return total <= n && ihl + 20 <= total &&
           total > ihl + (size_t)(p[ihl + 12] >> 4) * 4;
}

/* The link: drop, duplicate, hold back, or pass on the datagram in
 * iov[0 .. iovcnt); flat holds the same flat_len bytes in one piece, for
 * the -v log and for a copy held back. */
static void impair(struct link *l, int dir, const struct iovec *iov,
                   int iovcnt, const uint8_t *flat, size_t flat_len)
{
    struct counts *c = &l->n[dir];
    int copies = 1;
    int i;

    c->seen++;
    c->bytes += flat_len;
    if (dir == DIR_IN && l->drop_requests > 0 && tcp_data(flat, flat_len)) {
        l->drop_requests--;
        c->dropped++;
        if (l->verbose) {
            vlog(l, dir, "drop", flat, flat_len);
        }
        return;
    }
    if (chance(l, dir, l->loss_ppm)) {
        c->dropped++;
        if (l->verbose) {
            vlog(l, dir, "drop", flat, flat_len);
        }
        return;
    }
    if (chance(l, dir, l->dup_ppm)) {
        c->duplicated++;
        copies = 2;
        if (l->verbose) {
            vlog(l, dir, "dup", flat, flat_len);
        }
    }
    for (i = 0; i < copies; i++) {
        struct hold *h = &l->hold[dir];

        if (!h->used && chance(l, dir, l->reorder_ppm)) {
            memcpy(h->buf, flat, flat_len);
            h->len = flat_len;
            h->used = 1;
            h->due_ms = now_ms() + l->delay_ms;
            c->held++;
            if (l->verbose) {
                vlog(l, dir, "hold", flat, flat_len);
            }
            continue;
        }
        {
            /* a datagram held before this one goes out after it */
            int release = h->used;

            if (l->verbose) {
                vlog(l, dir, "pass", flat, flat_len);
            }
            deliver(l, dir, iov, iovcnt);
            if (release && h->used) {
                deliver_held(l, dir, 1);
            }
        }
    }
}

/* The runtime: one datagram in, its reply (if any) onto the link out;
 * and for a large reply, every further datagram pagec_server_next()
 * gives, each through the link on its own. */
static void serve(struct link *l, const uint8_t *p, size_t n)
{
    static uint8_t out[65535];
    struct pagec_reply reply;
    uint32_t now = seconds();
    uint16_t len;
    uint16_t m;
    const uint8_t *t;
    int first = 1;

    len = pagec_server_input(&l->srv, now, p, (uint16_t)(n > 65535 ? 65535 : n),
                             &reply);
    if (!len) {
        l->unanswered++;
        return;
    }
    l->replies++;
    while (len) {
        /* in one piece too, for the log and the link's hold: a body in
         * ROM is read only through pagec_reply_copy() */
        m = pagec_reply_copy(&reply, out, sizeof out);
        t = tcp_header(out, m);
        if (t && (t[13] & 0x04)) {
            explain_rst(l, now, p, n, out, m);
        }
        if (!first) {
            l->more++;
        }
        {
            /* the header and the body's pieces, as a two-buffer driver
             * sends */
            struct iovec iov[2 + 2 * PAGEC_LIVE_MAX];
            const uint8_t *piece;
            uint16_t plen;
            int k = 0;

            iov[k].iov_base = reply.hdr;
            iov[k++].iov_len = reply.hdr_len;
            while (pagec_reply_piece(&reply, (uint8_t)(k - 1), &piece, &plen)) {
                iov[k].iov_base = (void *)piece;
                iov[k++].iov_len = plen;
            }
            impair(l, DIR_OUT, iov, k, out, m);
        }
        first = 0;
#if PAGEC_LARGE
        len = pagec_server_next(&l->srv, &reply);
#else
        len = 0;
#endif
    }
}

/* Sends every held datagram whose time has come; the milliseconds until
 * the next one is due, or POLL_MS. */
static int release_due(struct link *l)
{
    uint64_t now = now_ms();
    int wait = POLL_MS;
    int dir;

    for (dir = 0; dir < NDIRS; dir++) {
        struct hold *h = &l->hold[dir];

        if (h->used && h->due_ms <= now) {
            deliver_held(l, dir, 0);
        }
        /* delivering an "in" datagram may have held an "out" reply */
    }
    now = now_ms();
    for (dir = 0; dir < NDIRS; dir++) {
        struct hold *h = &l->hold[dir];

        if (h->used) {
            uint64_t left = h->due_ms > now ? h->due_ms - now : 0;

            if (left < (uint64_t)wait) {
                wait = (int)left;
            }
        }
    }
    return wait;
}

/* ---- set-up ----------------------------------------------------------------- */

static int open_tun(const char *name)
{
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        fprintf(stderr, "pagec-impair: /dev/net/tun: %s\n", strerror(errno));
        return -1;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        fprintf(stderr, "pagec-impair: %s: %s\n", name, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* A percentage, 0 to 100 with decimals, as parts per million. */
static int parse_pct(const char *opt, const char *s, uint32_t *ppm)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end != '\0' || errno || !(v >= 0.0 && v <= 100.0)) {
        fprintf(stderr, "pagec-impair: %s: '%s' is not a percentage from 0 "
                        "to 100\n", opt, s);
        return -1;
    }
    *ppm = (uint32_t)(v * 10000.0 + 0.5);
    return 0;
}

static int parse_u64(const char *opt, const char *s, uint64_t max,
                     uint64_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (end == s || *end != '\0' || errno || s[0] == '-' || v > max) {
        fprintf(stderr, "pagec-impair: %s: '%s' is not a number from 0 to "
                        "%" PRIu64 "\n", opt, s, max);
        return -1;
    }
    *out = v;
    return 0;
}

static void print_totals(const struct link *l, uint64_t seed)
{
    int dir;

    printf("impair: seed %" PRIu64 ", loss %.4g%%, dup %.4g%%, "
           "reorder %.4g%%, delay %u ms\n",
           seed, l->loss_ppm / 1e4, l->dup_ppm / 1e4, l->reorder_ppm / 1e4,
           l->delay_ms);
    for (dir = 0; dir < NDIRS; dir++) {
        const struct counts *c = &l->n[dir];

        printf("impair: %s datagrams %lu dropped %lu duplicated %lu "
               "reordered %lu overtaken %lu delayed %lu sent %lu "
               "bytes %llu\n",
               dir_name[dir], c->seen, c->dropped, c->duplicated, c->held,
               c->overtaken, c->delayed, c->sent, c->bytes);
    }
    printf("impair: runtime replies %lu more %lu unanswered %lu "
           "write-errors %lu\n",
           l->replies, l->more, l->unanswered, l->write_errors);
    printf("impair: rst-port%u %lu syn-ack %lu bad-ack %lu other %lu\n",
           HTTP_PORT, l->rst_http, l->rst_synack, l->rst_badack,
           l->rst_other);
    printf("impair: rst-closed-port %lu\n", l->rst_closed);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"dev", required_argument, NULL, 'd'},
        {"seed", required_argument, NULL, 's'},
        {"loss", required_argument, NULL, 'l'},
        {"dup", required_argument, NULL, 'u'},
        {"reorder", required_argument, NULL, 'r'},
        {"delay", required_argument, NULL, 'D'},
        {"drop-requests", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static uint8_t buf[65536];
    static struct link l;
    struct sigaction sa;
    uint64_t seed = 0;
    uint64_t v;
    int have_seed = 0;
    int c;

    memset(&l, 0, sizeof l);
    l.delay_ms = 50;
    l.start_ms = now_ms();
    l.srv.site = &demo_site;
#if PAGEC_LARGE
    l.srv.millis = millis;
#endif
#if PAGEC_LARGE_FLOWS
    l.srv.flows = flows;
    l.srv.nflows = (uint8_t)(sizeof flows / sizeof flows[0]);
#endif
    while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            l.dev = optarg;
            break;
        case 's':
            if (parse_u64("--seed", optarg, UINT64_MAX, &seed) < 0) {
                return 2;
            }
            have_seed = 1;
            break;
        case 'l':
            if (parse_pct("--loss", optarg, &l.loss_ppm) < 0) {
                return 2;
            }
            break;
        case 'u':
            if (parse_pct("--dup", optarg, &l.dup_ppm) < 0) {
                return 2;
            }
            break;
        case 'r':
            if (parse_pct("--reorder", optarg, &l.reorder_ppm) < 0) {
                return 2;
            }
            break;
        case 'D':
            if (parse_u64("--delay", optarg, DELAY_MAX_MS, &v) < 0) {
                return 2;
            }
            l.delay_ms = (unsigned)v;
            break;
        case 'R':
            if (parse_u64("--drop-requests", optarg, 1000000, &v) < 0) {
                return 2;
            }
            l.drop_requests = (unsigned long)v;
            break;
        case 'v':
            l.verbose = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!l.dev || !have_seed || optind != argc) {
        usage(stderr);
        return 2;
    }
    /* one generator per direction, so that the decisions of one do not
     * depend on how much traffic the other has */
    l.rng[DIR_IN] = splitmix64(seed);
    l.rng[DIR_OUT] = splitmix64(seed ^ UINT64_C(0x6f75742d6c696e6b));
    for (c = 0; c < NDIRS; c++) {
        if (l.rng[c] == 0) {
            l.rng[c] = 1;
        }
    }
    /* the ISN key: a fresh secret each start, as pagec-tun */
    if (getrandom(l.srv.secret, sizeof l.srv.secret, 0) !=
        (ssize_t)sizeof l.srv.secret) {
        fprintf(stderr, "pagec-impair: getrandom: %s\n", strerror(errno));
        return 1;
    }
    l.fd = open_tun(l.dev);
    if (l.fd < 0) {
        return 1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (l.verbose) {
        /* the log stays whole even if we are killed */
        setvbuf(stdout, NULL, _IOLBF, 0);
        printf("pagec-impair: serving %u pages on %s\n",
               (unsigned)demo_site.npages, l.dev);
    }
    fflush(stdout);

    while (!stop) {
        struct pollfd pfd = {l.fd, POLLIN, 0};
        int wait = release_due(&l);
        int rc;
        ssize_t n;

        rc = poll(&pfd, 1, wait);
        if (rc < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "pagec-impair: poll %s: %s\n", l.dev,
                    strerror(errno));
            close(l.fd);
            return 1;
        }
        if (rc == 0 || !(pfd.revents & POLLIN)) {
            continue;
        }
        n = read(l.fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            fprintf(stderr, "pagec-impair: read %s: %s\n", l.dev,
                    strerror(errno));
            close(l.fd);
            return 1;
        }
        {
            struct iovec iov = {buf, (size_t)n};

            impair(&l, DIR_IN, &iov, 1, buf, (size_t)n);
        }
    }
    close(l.fd);
    print_totals(&l, seed);
    fflush(stdout);
    return 0;
}
