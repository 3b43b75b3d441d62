/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * slipdev.c - pagec-slipdev: a host stand-in for a device that serves a
 * compiled site over a SLIP line, for the test of pagec-slip.
 *
 * Usage: pagec-slipdev TTY
 *
 * Opens TTY (the slave side of the pseudo-terminal pagec-slip --pty
 * made, or a real serial port), sets it raw and runs the pagec runtime as
 * a microcontroller would: every received byte through pagec_slip_input(),
 * every complete frame through pagec_server_input(), every reply back
 * through pagec_slip_send_reply(). Exits 0 on SIGINT or SIGTERM, 1 on an
 * I/O error or when the line is hung up, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "demo_site.h"
#include "pagec/pagec.h"
#include "pagec/slip.h"

/* The frame buffer of a small device: one datagram of the SLIP MTU and
 * then some; a longer frame is dropped whole. */
#define FRAME_MAX 1500

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static uint32_t seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)ts.tv_sec;
}

/* A reply frame being built, written to the line in one go. */
struct outbuf {
    uint8_t data[2 * (PAGEC_REPLY_HDR_MAX + FRAME_MAX) + 2];
    size_t len;
    int overflow;
};

static void put_byte(uint8_t c, void *ctx)
{
    struct outbuf *o = ctx;

    if (o->len < sizeof o->data) {
        o->data[o->len++] = c;
    } else {
        o->overflow = 1;
    }
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);

        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int open_line(const char *path)
{
    struct termios t;
    int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);

    if (fd < 0) {
        fprintf(stderr, "pagec-slipdev: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (tcgetattr(fd, &t) < 0) {
        fprintf(stderr, "pagec-slipdev: %s: tcgetattr: %s\n", path,
                strerror(errno));
        close(fd);
        return -1;
    }
    cfmakeraw(&t);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag &= ~(tcflag_t)CRTSCTS;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &t) < 0) {
        fprintf(stderr, "pagec-slipdev: %s: tcsetattr: %s\n", path,
                strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    static uint8_t frame[FRAME_MAX];
    static struct outbuf out;
    struct pagec_server srv;
    struct pagec_slip slip;
    struct pagec_reply reply;
    struct sigaction sa;
    const char *path;
    int rc = 0;
    int fd;

    if (argc != 2 || argv[1][0] == '-') {
        fputs("usage: pagec-slipdev TTY\n", stderr);
        return 2;
    }
    path = argv[1];
    memset(&srv, 0, sizeof srv);
    srv.site = &demo_site;
    if (getrandom(srv.secret, sizeof srv.secret, 0) !=
        (ssize_t)sizeof srv.secret) {
        fprintf(stderr, "pagec-slipdev: getrandom: %s\n", strerror(errno));
        return 1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: read() returns EINTR */
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0) {
        fprintf(stderr, "pagec-slipdev: sigaction: %s\n", strerror(errno));
        return 1;
    }
    fd = open_line(path);
    if (fd < 0) {
        return 1;
    }
    pagec_slip_init(&slip, frame, sizeof frame);
    printf("pagec-slipdev: serving %u pages on %s\n",
           (unsigned)demo_site.npages, path);
    fflush(stdout);

    while (!stop) {
        uint8_t rx[256];
        ssize_t n = read(fd, rx, sizeof rx);
        ssize_t i;

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            fprintf(stderr, "pagec-slipdev: read %s: %s\n", path,
                    n < 0 ? strerror(errno) : "hung up");
            rc = 1;
            break;
        }
        for (i = 0; i < n; i++) {
            uint16_t len = pagec_slip_input(&slip, rx[i]);

            if (len == 0 ||
                !pagec_server_input(&srv, seconds(), frame, len, &reply)) {
                continue;
            }
            out.len = 0;
            out.overflow = 0;
            pagec_slip_send_reply(&reply, put_byte, &out);
            if (out.overflow) {
                fprintf(stderr, "pagec-slipdev: reply of %u bytes too large "
                                "for the output buffer\n",
                        (unsigned)(reply.hdr_len + reply.body_len));
                continue;
            }
            if (write_all(fd, out.data, out.len) < 0) {
                fprintf(stderr, "pagec-slipdev: write %s: %s\n", path,
                        strerror(errno));
                rc = 1;
                stop = 1;
                break;
            }
        }
    }
    close(fd);
    return rc;
}
