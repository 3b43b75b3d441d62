/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * slip_bridge.c - pagec-slip: joins a serial line that speaks SLIP
 * (RFC 1055) to a Linux TUN device, so that the host's own TCP/IP stack
 * (curl, a browser, ping) reaches a pagec device on the other end of a
 * UART.
 *
 * Frames from the line are decoded a byte at a time with
 * pagec_slip_input() and written to the TUN device as raw IPv4 datagrams;
 * datagrams read from the TUN device go out on the line as SLIP frames
 * through pagec_slip_send(). With --pty the line is a pseudo-terminal this
 * program creates, for tests and for a device simulated on the host.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "pagec/slip.h"

/* The largest frame taken from the line: an Ethernet-sized datagram and
 * then some. A longer frame is dropped whole by the decoder. */
#define FRAME_MAX 2048

/* A datagram read from the TUN device; one longer than 65535 bytes cannot
 * be framed (pagec_slip_send() takes a 16-bit length). */
#define DATAGRAM_MAX 65535

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(FILE *f)
{
    fputs("usage: pagec-slip --dev TUN --tty PATH [--baud N] [--wait-ms N] [-v]\n"
          "       pagec-slip --dev TUN --pty [-v]\n"
          "\n"
          "Carries IPv4 between a serial line that speaks SLIP (RFC 1055)\n"
          "and the TUN device TUN, creating the device when it does not\n"
          "exist (this needs CAP_NET_ADMIN). Frames from the line that are\n"
          "not IPv4 are dropped.\n"
          "\n"
          "  --dev TUN      TUN device to attach to\n"
          "  --tty PATH     serial device of the line (e.g. /dev/ttyUSB0),\n"
          "                 set to raw 8N1, no flow control, modem lines\n"
          "                 ignored (CLOCAL)\n"
          "  --baud N       line speed in bit/s, one of the termios speeds\n"
          "                 (default 115200)\n"
          "  --wait-ms N    after opening the line, wait N milliseconds and\n"
          "                 discard what arrived meanwhile (default 0)\n"
          "  --pty          instead of --tty, create a pseudo-terminal and\n"
          "                 print the path of its slave side on stdout; a\n"
          "                 program playing the device opens that path\n"
          "  -v             print one line per frame in each direction\n"
          "  -h, --help     print this help\n"
          "\n"
          "Opening a serial port raises DTR, and many boards (Arduino Uno,\n"
          "Nano, Mega) reset on that edge and run their boot loader for a\n"
          "second or two: give them --wait-ms 2000, or disable HUPCL once\n"
          "with 'stty -F PATH -hupcl' so that DTR stays up between runs.\n"
          "\n"
          "Set the interface up with ip(8); the MTU of SLIP is 1006:\n"
          "  pagec-slip --dev slip0 --tty /dev/ttyUSB0 --wait-ms 2000 &\n"
          "  ip addr add 198.51.100.1 peer 198.51.100.2 dev slip0\n"
          "  ip link set slip0 mtu 1006 up\n"
          "  curl --compressed http://198.51.100.2/\n",
          f);
}

static int open_tun(const char *name)
{
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        fprintf(stderr, "pagec-slip: /dev/net/tun: %s\n", strerror(errno));
        return -1;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        fprintf(stderr, "pagec-slip: %s: %s\n", name, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* The termios constant of a speed in bit/s, or B0 when there is none. */
static speed_t speed_of(long baud)
{
    static const struct {
        long baud;
        speed_t speed;
    } speeds[] = {
        {50, B50}, {75, B75}, {110, B110}, {134, B134}, {150, B150},
        {200, B200}, {300, B300}, {600, B600}, {1200, B1200},
        {1800, B1800}, {2400, B2400}, {4800, B4800}, {9600, B9600},
        {19200, B19200}, {38400, B38400}, {57600, B57600},
        {115200, B115200}, {230400, B230400},
#ifdef B460800
        {460800, B460800},
#endif
#ifdef B500000
        {500000, B500000},
#endif
#ifdef B576000
        {576000, B576000},
#endif
#ifdef B921600
        {921600, B921600},
#endif
#ifdef B1000000
        {1000000, B1000000},
#endif
#ifdef B1152000
        {1152000, B1152000},
#endif
#ifdef B1500000
        {1500000, B1500000},
#endif
#ifdef B2000000
        {2000000, B2000000},
#endif
#ifdef B2500000
        {2500000, B2500000},
#endif
#ifdef B3000000
        {3000000, B3000000},
#endif
#ifdef B3500000
        {3500000, B3500000},
#endif
#ifdef B4000000
        {4000000, B4000000},
#endif
    };
    size_t i;

    for (i = 0; i < sizeof speeds / sizeof speeds[0]; i++) {
        if (speeds[i].baud == baud) {
            return speeds[i].speed;
        }
    }
    return B0;
}

/* Raw 8N1 at speed, no flow control, modem lines ignored; the read
 * returns as soon as one byte is there. */
static int set_raw(int fd, const char *path, speed_t speed)
{
    struct termios t;

    if (tcgetattr(fd, &t) < 0) {
        fprintf(stderr, "pagec-slip: %s: tcgetattr: %s\n", path,
                strerror(errno));
        return -1;
    }
    cfmakeraw(&t);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag &= ~(tcflag_t)(CRTSCTS | CSTOPB);
    t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (cfsetispeed(&t, speed) < 0 || cfsetospeed(&t, speed) < 0) {
        fprintf(stderr, "pagec-slip: %s: cfsetspeed: %s\n", path,
                strerror(errno));
        return -1;
    }
    if (tcsetattr(fd, TCSANOW, &t) < 0) {
        fprintf(stderr, "pagec-slip: %s: tcsetattr: %s\n", path,
                strerror(errno));
        return -1;
    }
    return 0;
}

/*
 * Opens the serial device at path: O_NONBLOCK so that the open does not
 * wait for carrier, then blocking again for the I/O. Returns the fd or -1.
 */
static int open_tty(const char *path, speed_t speed)
{
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    int fl;

    if (fd < 0) {
        fprintf(stderr, "pagec-slip: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        fprintf(stderr, "pagec-slip: %s: fcntl: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (set_raw(fd, path, speed) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * Creates a pseudo-terminal: returns the master's fd and keeps the slave
 * open in *slave_fd (raw, like a serial line), so that the master sees no
 * hang-up while the device program has not opened it yet or reopens it.
 * The slave's path goes to path.
 */
static int open_pty(char *path, size_t size, speed_t speed, int *slave_fd)
{
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    int sfd;

    if (fd < 0) {
        fprintf(stderr, "pagec-slip: posix_openpt: %s\n", strerror(errno));
        return -1;
    }
    if (grantpt(fd) < 0 || unlockpt(fd) < 0) {
        fprintf(stderr, "pagec-slip: grantpt/unlockpt: %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    errno = ptsname_r(fd, path, size);
    if (errno != 0) {
        fprintf(stderr, "pagec-slip: ptsname: %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    sfd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (sfd < 0) {
        fprintf(stderr, "pagec-slip: %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (set_raw(sfd, path, speed) < 0) {
        close(sfd);
        close(fd);
        return -1;
    }
    *slave_fd = sfd;
    return fd;
}

/* Writes all n bytes; returns 0, or -1 with errno set. */
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

/* An encoded frame being built: every byte escaped at most doubles, plus
 * the two ENDs. */
struct outbuf {
    uint8_t data[2 * DATAGRAM_MAX + 2];
    size_t len;
};

static void put_byte(uint8_t c, void *ctx)
{
    struct outbuf *o = ctx;

    if (o->len < sizeof o->data) {
        o->data[o->len++] = c;
    }
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* One line per frame: direction, length, addresses and protocol. */
static void summary(const char *dir, const uint8_t *p, size_t n)
{
    char src[INET_ADDRSTRLEN];
    char dst[INET_ADDRSTRLEN];
    size_t hl;

    if (n < 20 || p[0] >> 4 != 4) {
        printf("%s %zu bytes, not IPv4\n", dir, n);
        return;
    }
    hl = (size_t)(p[0] & 15) * 4;
    inet_ntop(AF_INET, p + 12, src, sizeof src);
    inet_ntop(AF_INET, p + 16, dst, sizeof dst);
    if ((p[9] == 6 || p[9] == 17) && hl >= 20 && n >= hl + 4) {
        printf("%s %zu bytes %s.%u > %s.%u %s\n", dir, n, src, be16(p + hl),
               dst, be16(p + hl + 2), p[9] == 6 ? "tcp" : "udp");
    } else if (p[9] == 1) {
        printf("%s %zu bytes %s > %s icmp\n", dir, n, src, dst);
    } else {
        printf("%s %zu bytes %s > %s proto %u\n", dir, n, src, dst, p[9]);
    }
}

static int parse_long(const char *opt, const char *s, long lo, long hi,
                      long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "pagec-slip: %s: '%s' is not a number from %ld to "
                        "%ld\n", opt, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"dev", required_argument, NULL, 'd'},
        {"tty", required_argument, NULL, 't'},
        {"baud", required_argument, NULL, 'b'},
        {"wait-ms", required_argument, NULL, 'w'},
        {"pty", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static uint8_t frame[FRAME_MAX];
    static uint8_t datagram[DATAGRAM_MAX];
    static struct outbuf out;
    static char pty_path[128];
    struct pagec_slip slip;
    struct sigaction sa;
    const char *dev = NULL;
    const char *tty = NULL;
    long baud = 115200;
    long wait_ms = 0;
    speed_t speed;
    int use_pty = 0;
    int verbose = 0;
    int tun_fd;
    int tty_fd;
    int slave_fd = -1;
    int rc = 0;
    int c;

    while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dev = optarg;
            break;
        case 't':
            tty = optarg;
            break;
        case 'b':
            if (parse_long("--baud", optarg, 1, 4000000, &baud) < 0) {
                return 2;
            }
            break;
        case 'w':
            if (parse_long("--wait-ms", optarg, 0, 600000, &wait_ms) < 0) {
                return 2;
            }
            break;
        case 'p':
            use_pty = 1;
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
    if (!dev || optind != argc || (tty != NULL) == use_pty) {
        usage(stderr);
        return 2;
    }
    speed = speed_of(baud);
    if (speed == B0) {
        fprintf(stderr, "pagec-slip: --baud: %ld is not a speed of the "
                        "serial driver (e.g. 9600, 57600, 115200)\n", baud);
        return 2;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0) {
        fprintf(stderr, "pagec-slip: sigaction: %s\n", strerror(errno));
        return 1;
    }
    tun_fd = open_tun(dev);
    if (tun_fd < 0) {
        return 1;
    }
    if (use_pty) {
        tty_fd = open_pty(pty_path, sizeof pty_path, speed, &slave_fd);
        tty = pty_path;
    } else {
        tty_fd = open_tty(tty, speed);
    }
    if (tty_fd < 0) {
        close(tun_fd);
        return 1;
    }
    if (wait_ms > 0) {
        struct timespec ts;

        ts.tv_sec = wait_ms / 1000;
        ts.tv_nsec = wait_ms % 1000 * 1000000L;
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !stop) {
        }
        /* what a booting board printed is not SLIP */
        if (tcflush(tty_fd, TCIFLUSH) < 0) {
            fprintf(stderr, "pagec-slip: %s: tcflush: %s\n", tty,
                    strerror(errno));
        }
    }
    if (use_pty) {
        printf("%s\n", pty_path);
    }
    if (verbose) {
        printf("pagec-slip: %s <-> %s\n", tty, dev);
    }
    if (fflush(stdout) == EOF) {
        fprintf(stderr, "pagec-slip: stdout: %s\n", strerror(errno));
        rc = 1;
        stop = 1;
    }

    pagec_slip_init(&slip, frame, sizeof frame);
    while (!stop) {
        struct pollfd pfd[2];

        pfd[0].fd = tty_fd;
        pfd[0].events = POLLIN;
        pfd[1].fd = tun_fd;
        pfd[1].events = POLLIN;
        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "pagec-slip: poll: %s\n", strerror(errno));
            rc = 1;
            break;
        }
        if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            static uint8_t rx[512];
            ssize_t n = read(tty_fd, rx, sizeof rx);
            ssize_t i;

            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                fprintf(stderr, "pagec-slip: read %s: %s\n", tty,
                        n < 0 ? strerror(errno) : "end of file");
                rc = 1;
                break;
            }
            for (i = 0; i < n; i++) {
                uint16_t len = pagec_slip_input(&slip, rx[i]);

                if (len == 0) {
                    continue;
                }
                if (frame[0] >> 4 != 4) {
                    if (verbose) {
                        printf("drop %u bytes from the line, not IPv4\n",
                               (unsigned)len);
                    }
                    continue;
                }
                if (verbose) {
                    summary("line>tun", frame, len);
                }
                if (write(tun_fd, frame, len) != (ssize_t)len) {
                    /* the kernel refuses a malformed datagram (EINVAL):
                     * that frame is lost, the bridge goes on */
                    fprintf(stderr, "pagec-slip: write %s: %s\n", dev,
                            strerror(errno));
                }
            }
        }
        if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(tun_fd, datagram, sizeof datagram);

            if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
                continue;
            }
            if (n <= 0) {
                fprintf(stderr, "pagec-slip: read %s: %s\n", dev,
                        n < 0 ? strerror(errno) : "end of file");
                rc = 1;
                break;
            }
            if (verbose) {
                summary("tun>line", datagram, (size_t)n);
            }
            out.len = 0;
            pagec_slip_send(datagram, (uint16_t)n, put_byte, &out);
            if (write_all(tty_fd, out.data, out.len) < 0) {
                fprintf(stderr, "pagec-slip: write %s: %s\n", tty,
                        strerror(errno));
                rc = 1;
                break;
            }
        }
        if (verbose && fflush(stdout) == EOF) {
            fprintf(stderr, "pagec-slip: stdout: %s\n", strerror(errno));
            rc = 1;
            break;
        }
    }
    if (slave_fd >= 0) {
        close(slave_fd);
    }
    close(tty_fd);
    close(tun_fd);
    return rc;
}
