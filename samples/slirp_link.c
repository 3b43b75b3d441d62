/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * slirp_link.c - the emulated Ethernet link between libslirp and one
 * device (slirp_link.h): slirp's callbacks, its timers and descriptors,
 * the queue of frames it sends the device, and the device's ARP.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <libslirp.h>

#include "slirp_link.h"

#define ETH_HLEN SLIRP_LINK_ETH_HLEN
#define FRAME_MAX (ETH_HLEN + SLIRP_LINK_MTU_MAX)
#define ARP_LEN 28          /* an ARP packet for IPv4 over Ethernet */
#define QUEUE_LEN 64        /* frames from slirp not yet handed on */
#define POLL_MAX 256        /* descriptors slirp may ask to poll */
#define TIMERS_MAX 8        /* slirp's timers (it makes one or two) */
#define LISTEN_BACKLOG 64   /* connections waiting to be accepted */

#define ETH_IP 0x0800
#define ETH_ARP 0x0806

/* the host parts, in the device's /24, of slirp's own addresses: each the
 * next one up when it is the device's */
#define HOST_PART 1
#define DNS_PART 3
#define DHCP_PART 15

struct frame {
    uint16_t len;
    uint8_t data[FRAME_MAX];
};

struct timer {
    int used;
    int64_t expire;  /* ms of slirp_link_clock_ms(); -1: not armed */
    SlirpTimerCb cb;
    void *cb_opaque;
};

static struct slirp_link_config cfg;
static Slirp *slirp;
/* the device's Ethernet address: locally administered */
static const uint8_t device_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
/* slirp's, from the frames it sent; broadcast until one came */
static uint8_t slirp_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* frames slirp sent the device, handed on from the loop (never from
 * slirp's callback, which must not call back into slirp) */
static struct frame queue[QUEUE_LEN];
static unsigned q_head, q_count;
static unsigned long q_dropped;
static int refused; /* the frame function refused the first in the queue */

/* slirp's descriptors first (slirp names them by index), then the wake-up
 * pipe and the program's own */
static struct pollfd pfd[POLL_MAX + 1 + SLIRP_LINK_EXTRA_MAX];
static int npfd;
static struct timer timers[TIMERS_MAX];
static int wake_fd[2] = {-1, -1};

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

int64_t slirp_link_clock_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        fprintf(stderr, "%s: clock_gettime: %s\n", cfg.prog, strerror(errno));
        exit(1);
    }
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An address of the device's /24, host part part (or the next one up
 * when that is the device's). */
static void link_addr(struct in_addr *a, unsigned part)
{
    uint8_t b[4];

    memcpy(b, cfg.device_addr, 3);
    b[3] = (uint8_t)(part == cfg.device_addr[3] ? part + 1 : part);
    memcpy(a, b, 4);
}

void slirp_link_host_addr(uint8_t addr[4])
{
    struct in_addr a;

    link_addr(&a, HOST_PART);
    memcpy(addr, &a, 4);
}

/* --- the device's ARP ----------------------------------------------------- */

/* An ARP request for the device's address: the reply, to slirp. */
static void answer_arp(const uint8_t *f, uint16_t len)
{
    const uint8_t *a = f + ETH_HLEN;
    uint8_t r[ETH_HLEN + ARP_LEN];

    if (len < ETH_HLEN + ARP_LEN || get16(a) != 1 || get16(a + 2) != ETH_IP ||
        a[4] != 6 || a[5] != 4 || get16(a + 6) != 1 ||
        memcmp(a + 24, cfg.device_addr, 4) != 0) {
        return;
    }
    memcpy(r, a + 8, 6);                 /* to the asker */
    memcpy(r + 6, device_mac, 6);
    put16(r + 12, ETH_ARP);
    memcpy(r + ETH_HLEN, a, 6);          /* hardware and protocol types */
    put16(r + ETH_HLEN + 6, 2);          /* reply */
    memcpy(r + ETH_HLEN + 8, device_mac, 6);
    memcpy(r + ETH_HLEN + 14, cfg.device_addr, 4);
    memcpy(r + ETH_HLEN + 18, a + 8, 10); /* the asker's MAC and address */
    slirp_input(slirp, r, (int)sizeof r);
}

/* Says that the device is at its address, so that slirp sends its first
 * SYN at once rather than after an ARP exchange. */
static void announce(void)
{
    uint8_t r[ETH_HLEN + ARP_LEN];

    memset(r, 0xff, 6);
    memcpy(r + 6, device_mac, 6);
    put16(r + 12, ETH_ARP);
    put16(r + ETH_HLEN, 1);
    put16(r + ETH_HLEN + 2, ETH_IP);
    r[ETH_HLEN + 4] = 6;
    r[ETH_HLEN + 5] = 4;
    put16(r + ETH_HLEN + 6, 1);          /* a gratuitous request */
    memcpy(r + ETH_HLEN + 8, device_mac, 6);
    memcpy(r + ETH_HLEN + 14, cfg.device_addr, 4);
    memset(r + ETH_HLEN + 18, 0, 6);
    memcpy(r + ETH_HLEN + 24, cfg.device_addr, 4);
    slirp_input(slirp, r, (int)sizeof r);
}

uint16_t slirp_link_datagram(const uint8_t *frame, uint16_t len)
{
    if (len < ETH_HLEN) {
        return 0;
    }
    switch (get16(frame + 12)) {
    case ETH_ARP:
        answer_arp(frame, len);
        return 0;
    case ETH_IP:
        return (uint16_t)(len - ETH_HLEN);
    default:
        return 0;
    }
}

void slirp_link_send(uint8_t *frame, uint16_t n)
{
    memcpy(frame, slirp_mac, 6);
    memcpy(frame + 6, device_mac, 6);
    put16(frame + 12, ETH_IP);
    slirp_input(slirp, frame, ETH_HLEN + n);
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
    fprintf(stderr, "%s: slirp: %s\n", cfg.prog, msg);
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
    fprintf(stderr, "%s: slirp wants more than %d timers\n", cfg.prog,
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

/* poll(2)'s events and slirp's, both ways (poll reports errors and
 * hang-ups whether asked or not) */
static const struct {
    short poll;
    int slirp;
} poll_events[] = {
    {POLLIN, SLIRP_POLL_IN},   {POLLOUT, SLIRP_POLL_OUT},
    {POLLPRI, SLIRP_POLL_PRI}, {POLLERR, SLIRP_POLL_ERR},
    {POLLNVAL, SLIRP_POLL_ERR}, {POLLHUP, SLIRP_POLL_HUP},
};
#define NPOLL_EVENTS (sizeof poll_events / sizeof poll_events[0])

static int cb_add_poll(int fd, int events, void *opaque)
{
    short ev = 0;
    size_t i;

    (void)opaque;
    if (npfd == POLL_MAX) {
        return -1; /* polled on a later round */
    }
    for (i = 0; i < NPOLL_EVENTS; i++) {
        if (events & poll_events[i].slirp) {
            ev |= poll_events[i].poll;
        }
    }
    pfd[npfd].fd = fd;
    pfd[npfd].events = ev;
    pfd[npfd].revents = 0;
    return npfd++;
}

static int cb_get_revents(int idx, void *opaque)
{
    int ev = 0;
    size_t i;

    (void)opaque;
    if (idx < 0 || idx >= npfd) {
        return 0;
    }
    for (i = 0; i < NPOLL_EVENTS; i++) {
        if (pfd[idx].revents & poll_events[i].poll) {
            ev |= poll_events[i].slirp;
        }
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

/* --- set-up --------------------------------------------------------------- */

/* Makes the wake-up pipe, both ends non-blocking (a signal handler never
 * waits on a full one). Returns 0 or -1 (errno set). */
static int make_wake_pipe(void)
{
    int i;

    if (pipe(wake_fd) != 0) {
        return -1;
    }
    for (i = 0; i < 2; i++) {
        int fl = fcntl(wake_fd[i], F_GETFL);

        if (fl < 0 || fcntl(wake_fd[i], F_SETFL, fl | O_NONBLOCK) < 0 ||
            fcntl(wake_fd[i], F_SETFD, FD_CLOEXEC) < 0) {
            return -1;
        }
    }
    return 0;
}

int slirp_link_open(const struct slirp_link_config *config)
{
    SlirpConfig sc;
    uint32_t mask = htonl(0xffffff00u);

    cfg = *config;
    if (make_wake_pipe() != 0) {
        fprintf(stderr, "%s: pipe: %s\n", cfg.prog, strerror(errno));
        slirp_link_close();
        return -1;
    }
    memset(&sc, 0, sizeof sc);
    sc.version = 1;
    sc.restricted = 1;   /* the device reaches nothing beyond slirp */
    sc.in_enabled = true;
    memcpy(&sc.vnetwork, cfg.device_addr, 4);
    sc.vnetwork.s_addr &= mask;
    sc.vnetmask.s_addr = mask;
    link_addr(&sc.vhost, HOST_PART);
    link_addr(&sc.vdhcp_start, DHCP_PART);
    link_addr(&sc.vnameserver, DNS_PART);
    sc.in6_enabled = false;
    sc.if_mtu = cfg.mtu;
    sc.if_mru = cfg.mtu;
    sc.disable_host_loopback = true;
#if SLIRP_CONFIG_VERSION_MAX >= 3
    sc.version = 3;
    sc.disable_dns = true;
#endif
    slirp = slirp_new(&sc, &callbacks, NULL);
    if (!slirp) {
        fprintf(stderr, "%s: libslirp %s refused the link (MTU %u)\n",
                cfg.prog, slirp_version_string(), cfg.mtu);
        slirp_link_close();
        return -1;
    }
    return 0;
}

/* Hands the queued frames to the frame function, until it refuses one
 * (which stays first in the queue, and sets refused). */
static void drain_queue(void)
{
    refused = 0;
    while (q_count > 0) {
        struct frame *fr = &queue[q_head];

        if (fr->len >= ETH_HLEN) {
            memcpy(slirp_mac, fr->data + 6, 6);
        }
        if (!cfg.frame(fr->data, fr->len)) {
            refused = 1;
            return;
        }
        q_head = (q_head + 1) % QUEUE_LEN;
        q_count--;
    }
}

/* The port of the one listening socket slirp asks to poll before any
 * connection came, 0 when none is found; its backlog, which slirp makes
 * 1, is raised: else the kernel drops the SYNs of a browser's parallel
 * connections, to be sent again a second later. */
static long listen_wider(void)
{
    uint32_t timeout = UINT32_MAX;
    long port = 0;
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
                fprintf(stderr, "%s: listen: %s\n", cfg.prog, strerror(errno));
            }
        }
    }
    return port;
}

long slirp_link_forward(struct in_addr addr, int port, uint16_t device_port)
{
    struct in_addr dev;

    memcpy(&dev, cfg.device_addr, 4);
    errno = 0;
    if (slirp_add_hostfwd(slirp, 0, addr, port, dev, device_port) != 0) {
        return -1;
    }
    announce();
    drain_queue();
    return listen_wider();
}

/* --- the loop ------------------------------------------------------------- */

/* Runs slirp's timers that are due; returns the ms until the next one
 * (-1: none armed). */
static int64_t run_timers(void)
{
    int64_t now = slirp_link_clock_ms();
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

void slirp_link_wake(void)
{
    int saved = errno;

    if (wake_fd[1] >= 0) {
        /* a full pipe wakes the loop already */
        ssize_t r = write(wake_fd[1], "", 1);

        (void)r;
    }
    errno = saved;
}

int slirp_link_turn(struct pollfd *extra, int nextra)
{
    uint32_t timeout = UINT32_MAX;
    int64_t next;
    int nslirp;
    int r;
    int i;

    next = run_timers();
    npfd = 0;
    slirp_pollfds_fill(slirp, &timeout, cb_add_poll, NULL);
    nslirp = npfd;
    if (next >= 0 && (uint64_t)next < timeout) {
        timeout = (uint32_t)next;
    }
    if (q_count > 0 && !refused) {
        timeout = 0; /* frames came since the last turn handed them on */
    }
    pfd[nslirp].fd = wake_fd[0];
    pfd[nslirp].events = POLLIN;
    pfd[nslirp].revents = 0;
    if (nextra > SLIRP_LINK_EXTRA_MAX) {
        nextra = SLIRP_LINK_EXTRA_MAX;
    }
    for (i = 0; i < nextra; i++) {
        extra[i].revents = 0;
        pfd[nslirp + 1 + i] = extra[i];
    }
    r = poll(pfd, (nfds_t)(nslirp + 1 + nextra),
             timeout == UINT32_MAX ? -1
             : timeout > INT_MAX  ? INT_MAX
                                  : (int)timeout);
    if (r < 0 && errno != EINTR) {
        fprintf(stderr, "%s: poll: %s\n", cfg.prog, strerror(errno));
        return -1;
    }
    if (r > 0 && (pfd[nslirp].revents & POLLIN)) {
        char buf[64];

        while (read(wake_fd[0], buf, sizeof buf) > 0) {
        }
    }
    for (i = 0; i < nextra && r > 0; i++) {
        extra[i].revents = pfd[nslirp + 1 + i].revents;
    }
    slirp_pollfds_poll(slirp, r < 0, cb_get_revents, NULL);
    /* last, so that what the frame function does with them shows in the
     * descriptors the program asks to poll on the next turn */
    drain_queue();
    return 0;
}

unsigned long slirp_link_dropped(void)
{
    return q_dropped;
}

void slirp_link_close(void)
{
    int i;

    if (slirp) {
        slirp_cleanup(slirp);
        slirp = NULL;
    }
    for (i = 0; i < 2; i++) {
        if (wake_fd[i] >= 0) {
            close(wake_fd[i]);
            wake_fd[i] = -1;
        }
    }
}
