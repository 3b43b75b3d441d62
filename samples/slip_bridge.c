/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * slip_bridge.c - pagec-slip: joins a serial line that speaks SLIP
 * (RFC 1055) to the host, so that curl, a browser (and in the TUN mode
 * ping) reach a pagec device on the other end of a UART.
 *
 * Frames from the line are decoded a byte at a time with
 * pagec_slip_input(), datagrams go out on the line as SLIP frames through
 * pagec_slip_send(). The other side is one of:
 *
 * - a Linux TUN device (--dev): raw IPv4 datagrams, to and from the
 *   host's own TCP/IP stack. Needs CAP_NET_ADMIN; Linux only.
 * - libslirp (--slirp), the user-mode TCP/IP stack of QEMU, through the
 *   emulated Ethernet link of slirp_link.c: slirp listens on a TCP port
 *   of the host and forwards each connection made there to the device's
 *   address and HTTP port over the line. The frames slirp sends are
 *   unwrapped and their IPv4 datagrams sent on the line, its ARP requests
 *   for the device answered; datagrams from the line go to slirp in
 *   Ethernet frames. No root needed; wherever libslirp and POSIX termios
 *   are (only Linux is tested). Built when libslirp is found
 *   (PAGEC_SLIP_SLIRP).
 *
 * With --pty the line is a pseudo-terminal this program creates, for
 * tests and for a device simulated on the host.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/if.h>
#include <linux/if_tun.h>
#endif

#include "pagec/slip.h"
#if PAGEC_SLIP_SLIRP
#include "slirp_link.h"
#endif

/* The largest frame taken from the line: an Ethernet-sized datagram and
 * then some. A longer frame is dropped whole by the decoder. */
#define FRAME_MAX 2048

/* Room before a frame from the line for the Ethernet header slirp wants. */
#define HEADROOM 14

/* A datagram read from the TUN device; one longer than 65535 bytes cannot
 * be framed (pagec_slip_send() takes a 16-bit length). */
#define DATAGRAM_MAX 65535

/* --slirp: the defaults, and the bounds of --mtu (slirp's floor; the
 * line's largest frame) */
#define LISTEN_DEFAULT "127.0.0.1:8080"
#define DEVICE_DEFAULT "192.0.2.2:80"
#define MTU_DEFAULT 1006    /* RFC 1055's: an MSS of 966 */
#define MTU_MIN 68
#define MTU_MAX FRAME_MAX
/* encoded bytes waiting for the line above which a frame from slirp
 * waits in slirp's queue: a slow line does not build a long backlog */
#define TX_LIMIT 4096

static volatile sig_atomic_t stop;
static int verbose;

/* a frame from the line, at rx_buf + HEADROOM */
static uint8_t rx_buf[HEADROOM + FRAME_MAX];

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
#if PAGEC_SLIP_SLIRP
    slirp_link_wake();
#endif
}

static void usage(FILE *f)
{
    fputs("usage: pagec-slip --dev TUN --tty PATH [--baud N] [--wait-ms N] [-v]\n"
          "       pagec-slip --dev TUN --pty [-v]\n"
          "       pagec-slip --slirp [--listen ADDR:PORT]"
          " [--device-addr ADDR[:PORT]]\n"
          "                  [--mtu N] --tty PATH [--baud N] [--wait-ms N]"
          " [-v]\n"
          "       pagec-slip --slirp [--listen ADDR:PORT]"
          " [--device-addr ADDR[:PORT]]\n"
          "                  [--mtu N] --pty [-v]\n"
          "\n"
          "Carries IPv4 between a serial line that speaks SLIP (RFC 1055)\n"
          "and the host. Frames from the line that are not IPv4 are dropped.\n"
          "\n"
          "With --dev, to and from the TUN device TUN, which is created\n"
          "when it does not exist (this needs CAP_NET_ADMIN): the host's\n"
          "TCP/IP stack reaches the device. Linux only.\n"
          "\n"
          "With --slirp, no root and no TUN device: libslirp, the user-mode\n"
          "TCP/IP stack of QEMU, listens on ADDR:PORT and forwards each TCP\n"
          "connection made there to the device over the line. Nothing else\n"
          "(no ping, no UDP) reaches the device, which sees a client of this\n"
          "host as .1 of its /24 (.2 when it is .1 itself). Runs where\n"
          "libslirp and POSIX termios do: Linux, and in principle macOS and\n"
          "the BSDs (only Linux is tested).\n"
#if !PAGEC_SLIP_SLIRP
          "This build has no libslirp: --slirp is not available.\n"
#endif
          "\n"
          "  --dev TUN      TUN device to attach to\n"
          "  --slirp        forward a TCP port of the host to the device\n"
          "  --listen ADDR:PORT\n"
          "                 with --slirp, the IPv4 address and port to listen\n"
          "                 on (default " LISTEN_DEFAULT "; port 0: any free\n"
          "                 port, printed at start)\n"
          "  --device-addr ADDR[:PORT]\n"
          "                 with --slirp, the device's IPv4 address and HTTP\n"
          "                 port (default " DEVICE_DEFAULT ")\n"
          "  --mtu N        with --slirp, the line's MTU, 68 to 2048 (default\n"
          "                 1006, SLIP's): slirp's TCP announces an MSS of\n"
          "                 N - 40\n"
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
          "With --dev, set the interface up with ip(8); the MTU of SLIP is\n"
          "1006:\n"
          "  pagec-slip --dev slip0 --tty /dev/ttyUSB0 --wait-ms 2000 &\n"
          "  ip addr add 198.51.100.1 peer 198.51.100.2 dev slip0\n"
          "  ip link set slip0 mtu 1006 up\n"
          "  curl --compressed http://198.51.100.2/\n"
          "\n"
          "With --slirp, as any user:\n"
          "  pagec-slip --slirp --tty /dev/ttyUSB0 --wait-ms 2000 &\n"
          "  curl --compressed http://127.0.0.1:8080/\n"
          "\n"
          "Stops on SIGINT or SIGTERM, with exit status 0.\n",
          f);
}

static int open_tun(const char *name)
{
#ifdef __linux__
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
#else
    fprintf(stderr, "pagec-slip: %s: the TUN mode needs Linux; use --slirp\n",
            name);
    return -1;
#endif
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

/* A TCP segment's SYN flag, and its MSS when that is its first option
 * (where the stacks put it): " SYN", " SYN mss N", or "". */
static const char *syn_note(const uint8_t *t, size_t n, char *buf, size_t size)
{
    if (n < 14 || !(t[13] & 0x02)) {
        return "";
    }
    if (n >= 24 && t[12] >> 4 >= 6 && t[20] == 2 && t[21] == 4) {
        snprintf(buf, size, " SYN mss %u", be16(t + 22));
        return buf;
    }
    return " SYN";
}

/* One line per frame: direction, length, addresses and protocol, and for
 * a SYN its MSS. */
static void summary(const char *dir, const uint8_t *p, size_t n)
{
    char src[INET_ADDRSTRLEN];
    char dst[INET_ADDRSTRLEN];
    char syn[24];
    size_t hl;

    if (n < 20 || p[0] >> 4 != 4) {
        printf("%s %zu bytes, not IPv4\n", dir, n);
        return;
    }
    hl = (size_t)(p[0] & 15) * 4;
    inet_ntop(AF_INET, p + 12, src, sizeof src);
    inet_ntop(AF_INET, p + 16, dst, sizeof dst);
    if ((p[9] == 6 || p[9] == 17) && hl >= 20 && n >= hl + 4) {
        printf("%s %zu bytes %s.%u > %s.%u %s%s\n", dir, n, src,
               be16(p + hl), dst, be16(p + hl + 2),
               p[9] == 6 ? "tcp" : "udp",
               p[9] == 6 ? syn_note(p + hl, n - hl, syn, sizeof syn) : "");
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

/*
 * Parses ADDR:PORT (ADDR[:PORT] when port_optional, *port unchanged
 * without one) for option opt: an IPv4 address in dotted quad and a port
 * from port_lo to 65535. Returns 0, or -1 after a message.
 */
static int parse_addr_port(const char *opt, const char *s, int port_optional,
                           long port_lo, struct in_addr *addr, long *port)
{
    char text[INET_ADDRSTRLEN];
    const char *colon = strrchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : strlen(s);

    if ((!colon && !port_optional) || n >= sizeof text) {
        fprintf(stderr, "pagec-slip: %s: '%s' is not %s\n", opt, s,
                port_optional ? "ADDR[:PORT]" : "ADDR:PORT");
        return -1;
    }
    memcpy(text, s, n);
    text[n] = '\0';
    if (inet_pton(AF_INET, text, addr) != 1) {
        fprintf(stderr, "pagec-slip: %s: '%s' is not an IPv4 address\n", opt,
                text);
        return -1;
    }
    if (colon) {
        char what[32];

        snprintf(what, sizeof what, "%s's port", opt);
        return parse_long(what, colon + 1, port_lo, 65535, port);
    }
    return 0;
}

/*
 * Reads what the line at fd has, and hands each IPv4 frame it completes
 * (at rx_buf + HEADROOM) to deliver, with dir naming the way it goes for
 * -v. Returns 0, or -1 when the line failed or ended (a message printed).
 */
static int read_line(int fd, const char *path, struct pagec_slip *slip,
                     const char *dir, void (*deliver)(uint16_t len))
{
    static uint8_t rx[512];
    const uint8_t *frame = rx_buf + HEADROOM;
    ssize_t n = read(fd, rx, sizeof rx);
    ssize_t i;

    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
        return 0;
    }
    if (n <= 0) {
        fprintf(stderr, "pagec-slip: read %s: %s\n", path,
                n < 0 ? strerror(errno) : "end of file");
        return -1;
    }
    for (i = 0; i < n; i++) {
        uint16_t len = pagec_slip_input(slip, rx[i]);

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
            summary(dir, frame, len);
        }
        deliver(len);
    }
    return 0;
}

/* Flushes stdout after -v lines; returns 0, or -1 after a message. */
static int flush_log(void)
{
    if (fflush(stdout) == EOF) {
        fprintf(stderr, "pagec-slip: stdout: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* --- the TUN mode --------------------------------------------------------- */

static int tun_fd = -1;
static const char *tun_name;

/* A frame from the line, to the TUN device. */
static void to_tun(uint16_t len)
{
    if (write(tun_fd, rx_buf + HEADROOM, len) != (ssize_t)len) {
        /* the kernel refuses a malformed datagram (EINVAL): that frame is
         * lost, the bridge goes on */
        fprintf(stderr, "pagec-slip: write %s: %s\n", tun_name,
                strerror(errno));
    }
}

/* Bridges the line (tty_fd, at path tty) and the TUN device until a
 * signal comes. Returns the exit status. */
static int run_tun(int tty_fd, const char *tty)
{
    static uint8_t datagram[DATAGRAM_MAX];
    static struct outbuf out;
    struct pagec_slip slip;

    pagec_slip_init(&slip, rx_buf + HEADROOM, FRAME_MAX);
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
            return 1;
        }
        if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
            read_line(tty_fd, tty, &slip, "line>tun", to_tun) < 0) {
            return 1;
        }
        if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(tun_fd, datagram, sizeof datagram);

            if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
                continue;
            }
            if (n <= 0) {
                fprintf(stderr, "pagec-slip: read %s: %s\n", tun_name,
                        n < 0 ? strerror(errno) : "end of file");
                return 1;
            }
            if (verbose) {
                summary("tun>line", datagram, (size_t)n);
            }
            out.len = 0;
            pagec_slip_send(datagram, (uint16_t)n, put_byte, &out);
            if (write_all(tty_fd, out.data, out.len) < 0) {
                fprintf(stderr, "pagec-slip: write %s: %s\n", tty,
                        strerror(errno));
                return 1;
            }
        }
        if (verbose && flush_log() < 0) {
            return 1;
        }
    }
    return 0;
}

/* --- the slirp mode ------------------------------------------------------- */

#if PAGEC_SLIP_SLIRP
/* the line, non-blocking, and the frames encoded for it: tx.data[tx_off ..
 * tx.len) not yet written */
static int line_fd = -1;
static const char *line_path;
static struct outbuf tx;
static size_t tx_off;

/* Writes what the line takes of the encoded frames. Returns 0, or -1
 * after a message. */
static int flush_line(void)
{
    while (tx_off < tx.len) {
        ssize_t k = write(line_fd, tx.data + tx_off, tx.len - tx_off);

        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 0; /* the rest when poll says the line takes more */
        }
        if (k < 0) {
            fprintf(stderr, "pagec-slip: write %s: %s\n", line_path,
                    strerror(errno));
            return -1;
        }
        tx_off += (size_t)k;
    }
    tx.len = 0;
    tx_off = 0;
    return 0;
}

/* A frame slirp sent the device: ARP answered, an IPv4 datagram encoded
 * for the line (its own length: Ethernet's padding stays off the line).
 * Returns 0 when the line has TX_LIMIT bytes waiting already. */
static int slirp_frame(const uint8_t *f, uint16_t len)
{
    const uint8_t *d = f + SLIRP_LINK_ETH_HLEN;
    uint16_t n = slirp_link_datagram(f, len);

    if (n == 0) {
        return 1;
    }
    if (tx.len - tx_off >= TX_LIMIT) {
        return 0;
    }
    if (n >= 20 && be16(d + 2) >= 20 && be16(d + 2) < n) {
        n = be16(d + 2);
    }
    if (verbose) {
        summary("slirp>line", d, n);
    }
    if (tx_off > 0) {
        memmove(tx.data, tx.data + tx_off, tx.len - tx_off);
        tx.len -= tx_off;
        tx_off = 0;
    }
    pagec_slip_send(d, n, put_byte, &tx);
    return 1;
}

/* A frame from the line, to slirp in an Ethernet frame. */
static void to_slirp(uint16_t len)
{
    slirp_link_send(rx_buf, len);
}

/*
 * Starts slirp on a link of the given MTU to the device at dev_addr and
 * forwards listen_addr:*listen_port to its dev_port (*listen_port set to
 * the port found for 0). Returns 0, or -1 after a message.
 */
static int slirp_start(unsigned mtu, struct in_addr dev_addr, long dev_port,
                       struct in_addr listen_addr, long *listen_port)
{
    struct slirp_link_config link;
    char text[INET_ADDRSTRLEN];
    long port;

    memset(&link, 0, sizeof link);
    link.prog = "pagec-slip";
    memcpy(link.device_addr, &dev_addr, 4);
    link.mtu = mtu;
    link.frame = slirp_frame;
    if (slirp_link_open(&link) != 0) {
        return -1;
    }
    port = slirp_link_forward(listen_addr, (int)*listen_port,
                              (uint16_t)dev_port);
    if (port < 0) {
        inet_ntop(AF_INET, &listen_addr, text, sizeof text);
        fprintf(stderr, "pagec-slip: --listen %s:%ld: %s\n", text,
                *listen_port, errno ? strerror(errno) : "refused");
        slirp_link_close();
        return -1;
    }
    if (*listen_port == 0) {
        *listen_port = port;
    }
    return 0;
}

/* Carries frames between the line (tty_fd, at path tty) and slirp until a
 * signal comes. Returns the exit status. */
static int run_slirp(int tty_fd, const char *tty)
{
    struct pagec_slip slip;
    int fl = fcntl(tty_fd, F_GETFL);

    if (fl < 0 || fcntl(tty_fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        fprintf(stderr, "pagec-slip: %s: fcntl: %s\n", tty, strerror(errno));
        return 1;
    }
    line_fd = tty_fd;
    line_path = tty;
    pagec_slip_init(&slip, rx_buf + HEADROOM, FRAME_MAX);
    while (!stop) {
        struct pollfd line;

        line.fd = tty_fd;
        line.events = (short)(POLLIN | (tx_off < tx.len ? POLLOUT : 0));
        if (slirp_link_turn(&line, 1) != 0) {
            return 1;
        }
        if ((line.revents & (POLLIN | POLLHUP | POLLERR)) &&
            read_line(tty_fd, tty, &slip, "line>slirp", to_slirp) < 0) {
            return 1;
        }
        if (flush_line() < 0 || (verbose && flush_log() < 0)) {
            return 1;
        }
    }
    return 0;
}
#endif

/* --- set-up --------------------------------------------------------------- */

/* The options of the slirp mode, as given. */
struct slirp_opts {
    int on;                   /* --slirp */
    const char *listen;       /* --listen, NULL: not given */
    const char *device;       /* --device-addr */
    const char *mtu;          /* --mtu */
    struct in_addr listen_addr;
    long listen_port;
    struct in_addr dev_addr;
    long dev_port;
    long mtu_n;
};

/* Checks the slirp mode's options, and reads them into o. Returns 0, or
 * 2 (the exit status) after a message. */
static int check_slirp_opts(struct slirp_opts *o)
{
    const uint8_t *a = (const uint8_t *)&o->dev_addr;

    if (!o->on) {
        if (o->listen || o->device || o->mtu) {
            fprintf(stderr, "pagec-slip: --%s goes with --slirp\n",
                    o->listen ? "listen" : o->device ? "device-addr" : "mtu");
            return 2;
        }
        return 0;
    }
#if !PAGEC_SLIP_SLIRP
    fprintf(stderr, "pagec-slip: --slirp: this build has no libslirp "
                    "(Debian: libslirp-dev); build pagec again with it\n");
    return 2;
#endif
    o->listen_port = 0;
    o->dev_port = 80;
    o->mtu_n = MTU_DEFAULT;
    if (parse_addr_port("--listen", o->listen ? o->listen : LISTEN_DEFAULT, 0,
                        0, &o->listen_addr, &o->listen_port) < 0 ||
        parse_addr_port("--device-addr",
                        o->device ? o->device : DEVICE_DEFAULT, 1, 1,
                        &o->dev_addr, &o->dev_port) < 0 ||
        (o->mtu && parse_long("--mtu", o->mtu, MTU_MIN, MTU_MAX,
                              &o->mtu_n) < 0)) {
        return 2;
    }
    /* a unicast address, neither the first nor the last of its /24 (the
     * emulated network's) */
    if (a[0] == 0 || a[0] == 127 || a[0] >= 224 || a[3] == 0 || a[3] == 255) {
        fprintf(stderr, "pagec-slip: --device-addr: %u.%u.%u.%u is not a "
                        "unicast address, or is the first or last of its "
                        "/24 (the emulated network)\n",
                a[0], a[1], a[2], a[3]);
        return 2;
    }
    if ((ntohl(o->listen_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "pagec-slip: warning: --listen: not a loopback "
                        "address: other hosts can reach the device\n");
    }
    return 0;
}

/* Opens the host's side of the bridge: slirp and its forward with
 * --slirp, else the TUN device. Returns 0, or -1 after a message. */
static int open_host(struct slirp_opts *o)
{
#if PAGEC_SLIP_SLIRP
    if (o->on) {
        return slirp_start((unsigned)o->mtu_n, o->dev_addr, o->dev_port,
                           o->listen_addr, &o->listen_port);
    }
#else
    (void)o;
#endif
    tun_fd = open_tun(tun_name);
    return tun_fd < 0 ? -1 : 0;
}

/* Closes what open_host() opened. */
static void close_host(const struct slirp_opts *o)
{
#if PAGEC_SLIP_SLIRP
    if (o->on) {
        slirp_link_close();
        return;
    }
#else
    (void)o;
#endif
    close(tun_fd);
}

/* Runs the bridge on the line (tty_fd, at path tty) until a signal comes.
 * Returns the exit status. */
static int run(const struct slirp_opts *o, int tty_fd, const char *tty)
{
#if PAGEC_SLIP_SLIRP
    if (o->on) {
        return run_slirp(tty_fd, tty);
    }
#else
    (void)o;
#endif
    return run_tun(tty_fd, tty);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"dev", required_argument, NULL, 'd'},
        {"slirp", no_argument, NULL, 's'},
        {"listen", required_argument, NULL, 'l'},
        {"device-addr", required_argument, NULL, 'a'},
        {"mtu", required_argument, NULL, 'm'},
        {"tty", required_argument, NULL, 't'},
        {"baud", required_argument, NULL, 'b'},
        {"wait-ms", required_argument, NULL, 'w'},
        {"pty", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static char pty_path[128];
    struct slirp_opts so;
    struct sigaction sa;
    const char *tty = NULL;
    long baud = 115200;
    long wait_ms = 0;
    speed_t speed;
    int use_pty = 0;
    int tty_fd;
    int slave_fd = -1;
    int rc = 0;
    int c;

    memset(&so, 0, sizeof so);
    while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            tun_name = optarg;
            break;
        case 's':
            so.on = 1;
            break;
        case 'l':
            so.listen = optarg;
            break;
        case 'a':
            so.device = optarg;
            break;
        case 'm':
            so.mtu = optarg;
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
    if (tun_name && so.on) {
        fprintf(stderr, "pagec-slip: --dev or --slirp, not both\n");
        return 2;
    }
    if (check_slirp_opts(&so) != 0) {
        return 2;
    }
    if ((tun_name != NULL) == so.on || optind != argc ||
        (tty != NULL) == use_pty) {
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
    sa.sa_handler = on_signal;
    /* the TUN mode: no SA_RESTART, poll() returns EINTR; the slirp mode
     * wakes through slirp_link_wake(), and other calls go on */
    sa.sa_flags = so.on ? SA_RESTART : 0;
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0) {
        fprintf(stderr, "pagec-slip: sigaction: %s\n", strerror(errno));
        return 1;
    }
    if (open_host(&so) < 0) {
        return 1;
    }
    if (use_pty) {
        tty_fd = open_pty(pty_path, sizeof pty_path, speed, &slave_fd);
        tty = pty_path;
    } else {
        tty_fd = open_tty(tty, speed);
    }
    if (tty_fd < 0) {
        close_host(&so);
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
    if (so.on) {
        char listen[INET_ADDRSTRLEN];
        char dev[INET_ADDRSTRLEN];

        inet_ntop(AF_INET, &so.listen_addr, listen, sizeof listen);
        inet_ntop(AF_INET, &so.dev_addr, dev, sizeof dev);
        printf("pagec-slip: forwarding http://%s:%ld/ to %s port %ld on %s "
               "(MTU %ld)\n", listen, so.listen_port, dev, so.dev_port, tty,
               so.mtu_n);
    } else if (verbose) {
        printf("pagec-slip: %s <-> %s\n", tty, tun_name);
    }
    if (flush_log() < 0) {
        rc = 1;
    } else if (!stop) {
        rc = run(&so, tty_fd, tty);
    }
    if (slave_fd >= 0) {
        close(slave_fd);
    }
    close(tty_fd);
    close_host(&so);
    return rc;
}
