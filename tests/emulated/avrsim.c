/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * avrsim.c - pagec-avrsim: runs an AVR firmware in simavr, its UART0 joined
 * to a serial line (or the pseudo-terminal pagec-slip --pty made), at the
 * speed of the real part, and measures it.
 *
 * Usage: pagec-avrsim [--mcu NAME] [--freq HZ] [--adc0 MV] [--stats FILE]
 *                     [--eeprom FILE] FIRMWARE.elf TTY
 *
 * With --eeprom, the part's EEPROM is FILE's bytes at start (erased, all
 * 0xff, when FILE does not exist) and is written back to FILE on exit.
 *
 * The part (default atmega328p at 16 MHz) runs the ELF image. Bytes the
 * firmware writes to UDR0 go to TTY; bytes read from TTY go into the
 * UART's receiver one per byte time of the baud rate the firmware set, as
 * a wire would deliver them. The emulation is paced to the wall clock: it
 * sleeps whenever the part's cycle count is ahead of the time that passed,
 * so the part sees the host's latency as real time and its cycle counts
 * are its own time.
 *
 * Measured, from the pins of samples/avr/main.c:
 *   PB2 high   the firmware is inside the pagec runtime: cycles and calls;
 *   PB0 high   one SLIP frame, from its first byte to the end of its
 *              reply: the PB2 cycles of each frame, by the kind of datagram
 *              (decoded here from the bytes fed in: SYN, request data, bare
 *              ACK, FIN, ICMP), split at the frame's first reply byte on
 *              the line: "in" is reading the datagram, ending it and
 *              pulling the first reply byte, "out" pulling the rest; and
 *              the longest PB2 pulse of each frame, which is mostly the
 *              end of the datagram (pagec_stream_end);
 *   PB1 pulse  a received byte the firmware dropped (its ring was full);
 *   PB5        the LED the firmware's actions set: its level as the port
 *              drives it (PORTB and DDRB, read from the emulated port) and
 *              the times the pin changed.
 * Also: receive overruns (a byte that arrived while the UART's two-byte
 * buffer was full, which real hardware would lose; simavr keeps it), the
 * stack's high-water mark both as the lowest stack pointer seen and as the
 * lowest byte of the RAM the firmware painted with 0xc5 at start-up that
 * lost its paint, and the image's flash, .data and .bss. PB2's cycles
 * include the interrupt handlers that run meanwhile (the UART's receive
 * interrupt, a few dozen cycles per byte received).
 *
 * The analog side: the supply (VCC, AVCC and AREF) is 5 V, as on an
 * Arduino Uno, and ADC0 (PC0) is held at MV millivolts (--adc0, default
 * 0), so that a conversion of ADC0 against AVCC reads MV * 1023 / 5000
 * (simavr's scale).
 *
 * Prints "pagec-avrsim: serving TTY" once the firmware has enabled its
 * receiver, and the measurements on exit. With --stats FILE, writes them
 * as key=value lines to FILE on exit and on SIGUSR1 (a snapshot). Exits 0
 * on SIGINT or SIGTERM, 1 when the firmware stops or crashes, on an I/O
 * error or when the line is hung up, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <avr_adc.h>
#include <avr_eeprom.h>
#include <avr_ioport.h>
#include <avr_uart.h>
#include <sim_avr.h>
#include <sim_elf.h>

#define PROG "pagec-avrsim"

/* The firmware's measurement pins (samples/avr/main.c, uart.c). */
#define BUSY_PIN 2  /* PB2 */
#define FRAME_PIN 0 /* PB0 */
#define DROP_PIN 1  /* PB1 */
#define LED_PIN 5   /* PB5 */
#define STACK_PAINT 0xc5

/* Bytes read from the line that wait to go into the UART; when full, the
 * line is not read until there is room (the pty then holds the rest). */
#define IN_SIZE 65536
/* Bytes from the UART that wait to be written to the line, flushed after
 * every slice of emulation. */
#define OUT_SIZE 4096
/* The longest slice of emulation between looks at the clock and the line:
 * 1 ms of the part's time. */
#define SLICE_PER_S 1000
/* Datagram kinds decoded from the line, waiting for their PB0 pulse. */
#define KIND_QUEUE 1024
/* Bytes of a frame kept to name its datagram: IPv4 and TCP headers
 * without options. */
#define FRAME_HDR 40
/* The firmware must enable its receiver within this much of its time. */
#define BOOT_SECONDS 2
/* The part's supply, VCC = AVCC = AREF, in millivolts. */
#define SUPPLY_MV 5000

enum kind { K_SYN, K_DATA, K_ACK, K_FIN, K_RST, K_ICMP, K_OTHER, K_COUNT };
static const char *const kind_names[K_COUNT] = {
    "syn", "request", "ack", "fin", "rst", "icmp", "other"};

struct kind_stats {
    uint64_t count;
    uint64_t cycles;     /* PB2 cycles of the frames */
    uint64_t max;
    uint64_t cycles_out; /* ... from the first reply byte on */
    uint64_t bytes_in;   /* bytes of the datagrams */
    uint64_t bytes_out;  /* bytes on the line of their replies */
    uint64_t longest;    /* sum of each frame's longest PB2 pulse */
};

/* A datagram decoded from the line, waiting for its PB0 pulse. */
struct frame_info {
    uint8_t kind;
    uint16_t len;
};

struct sim {
    avr_t *avr;
    avr_uart_t *uart;
    int fd;
    const char *tty;
    const char *stats_path;
    elf_firmware_t fw;

    /* line -> UART */
    uint8_t in[IN_SIZE];
    size_t in_head;
    size_t in_len;
    int feeding;   /* the feed timer is registered */
    int xoff;      /* the UART's FIFO is full */
    avr_cycle_count_t byte_cycles;
    uint64_t bytes_in;
    uint64_t overruns;

    /* UART -> line */
    uint8_t out[OUT_SIZE];
    size_t out_len;
    uint64_t bytes_out;
    int write_error;

    /* SLIP decoding of the bytes fed, to name each datagram */
    uint8_t slip_esc;
    uint16_t frame_len;
    uint8_t frame_hdr[FRAME_HDR];
    struct frame_info kinds[KIND_QUEUE];
    unsigned kind_head;
    unsigned kind_len;
    uint64_t kinds_lost;

    /* pins */
    int busy;
    avr_cycle_count_t busy_since;
    uint64_t busy_cycles;
    uint64_t busy_calls;
    int frame;
    uint64_t frame_busy_start;
    uint64_t frame_busy_out; /* PB2 cycles at its first reply byte */
    uint64_t frame_bytes_out;
    uint64_t frame_longest; /* its longest PB2 pulse: mostly the end of
                               the datagram (pagec_stream_end) */
    uint64_t frames;
    uint64_t frames_unnamed;
    struct kind_stats per_kind[K_COUNT];
    uint64_t dropped;
    int led;              /* the LED pin's last level */
    uint64_t led_changes; /* ... and its changes */

    /* stack */
    uint16_t sp_min;

    /* time */
    avr_cycle_count_t cycle0;
    struct timespec t0;
    uint64_t lag_max_ns;
};

static uint64_t busy_now(const struct sim *s);

static volatile sig_atomic_t stop;
static volatile sig_atomic_t snapshot;

static void on_signal(int sig)
{
    if (sig == SIGUSR1) {
        snapshot = 1;
    } else {
        stop = 1;
    }
}

static uint64_t elapsed_ns(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)(t.tv_sec - t0->tv_sec) * 1000000000u +
           (uint64_t)t.tv_nsec - (uint64_t)t0->tv_nsec;
}

static uint64_t cycles_to_ns(const struct sim *s, uint64_t c)
{
    return (uint64_t)((double)c * 1e9 / s->avr->frequency);
}

/* --- the line ----------------------------------------------------------- */

static int open_line(const char *path)
{
    struct termios t;
    int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);

    if (fd < 0) {
        fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (tcgetattr(fd, &t) < 0) {
        fprintf(stderr, PROG ": %s: tcgetattr: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    cfmakeraw(&t);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag &= ~(tcflag_t)CRTSCTS;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &t) < 0) {
        fprintf(stderr, PROG ": %s: tcsetattr: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static void flush_out(struct sim *s)
{
    size_t done = 0;

    while (done < s->out_len && !s->write_error) {
        ssize_t k = write(s->fd, s->out + done, s->out_len - done);

        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, PROG ": write %s: %s\n", s->tty, strerror(errno));
            s->write_error = 1;
            break;
        }
        done += (size_t)k;
    }
    s->out_len = 0;
}

/* UART_IRQ_OUTPUT: a byte the firmware sent. */
static void uart_output(struct avr_irq_t *irq, uint32_t value, void *param)
{
    struct sim *s = param;

    (void)irq;
    if (s->out_len == sizeof s->out) {
        flush_out(s);
    }
    s->out[s->out_len++] = (uint8_t)value;
    s->bytes_out++;
    if (s->frame && s->frame_bytes_out++ == 0) {
        s->frame_busy_out = busy_now(s);
    }
}

static void uart_xon(struct avr_irq_t *irq, uint32_t value, void *param)
{
    struct sim *s = param;

    (void)irq;
    if (value) {
        s->xoff = 0;
    }
}

static void uart_xoff(struct avr_irq_t *irq, uint32_t value, void *param)
{
    struct sim *s = param;

    (void)irq;
    s->xoff = value != 0;
}

/*
 * The byte time of the UART as the firmware set it up. simavr counts a
 * parity bit in every frame whatever UCSRnC says (11 bit times for 8N1
 * instead of 10), which would make the line 10 % slower than the real one;
 * the emulator sets the UART's byte time from the registers instead.
 */
static void set_byte_time(struct sim *s)
{
    avr_t *avr = s->avr;
    avr_uart_t *u = s->uart;
    static const int data_bits[8] = {5, 6, 7, 8, 8, 8, 8, 9};
    uint32_t ubrr = avr_regbit_get(avr, u->ubrrl) |
                    (uint32_t)avr_regbit_get(avr, u->ubrrh) << 8;
    uint32_t bit = (ubrr + 1) * (avr_regbit_get(avr, u->u2x) ? 8 : 16);
    int db = data_bits[(avr_regbit_get(avr, u->ucsz) |
                        avr_regbit_get(avr, u->ucsz2) << 2) & 7];
    /* UPMn1 (bit 5 of UCSRnC) set: a parity bit */
    int parity = (avr->data[u->r_ucsrc] >> 5) & 1;
    int stop_bits = 1 + avr_regbit_get(avr, u->usbs);

    s->byte_cycles = bit * (avr_cycle_count_t)(1 + db + parity + stop_bits);
    u->cycles_per_byte = s->byte_cycles;
}

/* Names the datagram of a complete SLIP frame from its first bytes. */
static enum kind frame_kind(const uint8_t *p, uint16_t len)
{
    uint16_t ihl, total;

    if (len < 20 || (p[0] >> 4) != 4) {
        return K_OTHER;
    }
    ihl = (uint16_t)((p[0] & 15) * 4);
    total = (uint16_t)(p[2] << 8 | p[3]);
    if (p[9] == 1) {
        return K_ICMP;
    }
    if (p[9] != 6 || ihl + 20 > len || ihl + 20 > FRAME_HDR) {
        return K_OTHER;
    }
    p += ihl;
    if (p[13] & 0x02) {
        return K_SYN;
    }
    if (p[13] & 0x04) {
        return K_RST;
    }
    if (total > ihl + (p[12] >> 4) * 4) {
        return K_DATA;
    }
    if (p[13] & 0x01) {
        return K_FIN;
    }
    return K_ACK;
}

/* Follows the SLIP frames of the bytes fed in, as the firmware decodes
 * them: a frame with at least one data byte makes one PB0 pulse. */
static void track_frame(struct sim *s, uint8_t c)
{
    int data = -1;

    if (c == 0xc0) {
        if (s->frame_len > 0) {
            enum kind k = s->slip_esc ? K_OTHER
                                      : frame_kind(s->frame_hdr, s->frame_len);

            if (s->kind_len < KIND_QUEUE) {
                struct frame_info *fi =
                    &s->kinds[(s->kind_head + s->kind_len++) % KIND_QUEUE];

                fi->kind = (uint8_t)k;
                fi->len = s->frame_len;
            } else {
                s->kinds_lost++;
            }
        }
        s->slip_esc = 0;
        s->frame_len = 0;
        return;
    }
    if (s->slip_esc) {
        s->slip_esc = 0;
        data = c == 0xdc ? 0xc0 : c == 0xdd ? 0xdb : c;
    } else if (c == 0xdb) {
        s->slip_esc = 1;
    } else {
        data = c;
    }
    if (data >= 0) {
        if (s->frame_len < sizeof s->frame_hdr) {
            s->frame_hdr[s->frame_len] = (uint8_t)data;
        }
        if (s->frame_len < UINT16_MAX) {
            s->frame_len++;
        }
    }
}

/*
 * The wire: one byte into the UART per byte time. simavr makes a byte
 * readable one byte time after it is raised, so the byte raised now is the
 * one on the wire; the UART's FIFO holds it and those not yet read. Real
 * hardware keeps two received bytes besides the one being shifted in: when
 * the FIFO already holds three as the next one starts, the oldest unread
 * byte would have been lost to an overrun (simavr keeps it).
 */
static avr_cycle_count_t feed(struct avr_t *avr, avr_cycle_count_t when,
                              void *param)
{
    struct sim *s = param;
    avr_uart_t *u = s->uart;
    unsigned depth;
    uint8_t c;

    if (s->in_len == 0) {
        s->feeding = 0;
        return 0;
    }
    if (s->xoff || !avr_regbit_get(avr, u->rxen)) {
        return when + s->byte_cycles;
    }
    depth = (unsigned)(((u->input.write + uart_fifo_fifo_size) - u->input.read) &
                       (uart_fifo_fifo_size - 1));
    if (depth >= 3) {
        s->overruns++;
    }
    c = s->in[s->in_head];
    s->in_head = (s->in_head + 1) % IN_SIZE;
    s->in_len--;
    s->bytes_in++;
    track_frame(s, c);
    avr_raise_irq(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT),
                  c);
    return when + s->byte_cycles;
}

static void start_feed(struct sim *s)
{
    if (!s->feeding && s->in_len > 0) {
        s->feeding = 1;
        avr_cycle_timer_register(s->avr, 1, feed, s);
    }
}

/* Reads what the line has, without waiting. Returns -1 when it was hung
 * up or failed. */
static int read_line(struct sim *s)
{
    while (s->in_len < IN_SIZE) {
        size_t tail = (s->in_head + s->in_len) % IN_SIZE;
        size_t room = IN_SIZE - s->in_len;
        ssize_t n;

        if (room > IN_SIZE - tail) {
            room = IN_SIZE - tail;
        }
        n = read(s->fd, s->in + tail, room);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        }
        if (n <= 0) {
            fprintf(stderr, PROG ": read %s: %s\n", s->tty,
                    n < 0 ? strerror(errno) : "hung up");
            return -1;
        }
        s->in_len += (size_t)n;
    }
    start_feed(s);
    return 0;
}

/* --- the pins ----------------------------------------------------------- */

static uint64_t busy_now(const struct sim *s)
{
    return s->busy_cycles +
           (s->busy ? (uint64_t)(s->avr->cycle - s->busy_since) : 0);
}

static void pin_busy(struct avr_irq_t *irq, uint32_t value, void *param)
{
    struct sim *s = param;

    (void)irq;
    if (value && !s->busy) {
        s->busy = 1;
        s->busy_since = s->avr->cycle;
        s->busy_calls++;
    } else if (!value && s->busy) {
        uint64_t c = s->avr->cycle - s->busy_since;

        s->busy = 0;
        s->busy_cycles += c;
        if (s->frame && c > s->frame_longest) {
            s->frame_longest = c;
        }
    }
}

static void pin_frame(struct avr_irq_t *irq, uint32_t value, void *param)
{
    struct sim *s = param;

    (void)irq;
    if (value && !s->frame) {
        s->frame = 1;
        s->frame_busy_start = busy_now(s);
        s->frame_bytes_out = 0;
        s->frame_longest = 0;
    } else if (!value && s->frame) {
        uint64_t now = busy_now(s);
        uint64_t c = now - s->frame_busy_start;
        struct kind_stats *k;

        /* the firmware ends a frame inside the pulse of its last call */
        if (s->busy && s->avr->cycle - s->busy_since > s->frame_longest) {
            s->frame_longest = s->avr->cycle - s->busy_since;
        }

        s->frame = 0;
        s->frames++;
        if (s->kind_len > 0) {
            const struct frame_info *fi = &s->kinds[s->kind_head];

            k = &s->per_kind[fi->kind];
            k->bytes_in += fi->len;
            s->kind_head = (s->kind_head + 1) % KIND_QUEUE;
            s->kind_len--;
        } else {
            k = &s->per_kind[K_OTHER];
            s->frames_unnamed++;
        }
        k->count++;
        k->cycles += c;
        k->longest += s->frame_longest;
        if (s->frame_bytes_out > 0) {
            k->cycles_out += now - s->frame_busy_out;
            k->bytes_out += s->frame_bytes_out;
        }
        if (c > k->max) {
            k->max = c;
        }
    }
}

static void pin_drop(struct avr_irq_t *irq, uint32_t value, void *param)
{
    struct sim *s = param;

    (void)irq;
    if (value) {
        s->dropped++;
    }
}

static void pin_led(struct avr_irq_t *irq, uint32_t value, void *param)
{
    struct sim *s = param;

    (void)irq;
    if ((value != 0) != s->led) {
        s->led = value != 0;
        s->led_changes++;
    }
}

/* The LED pin's level as port B drives it now: 1 high, 0 low, -1 not an
 * output. */
static int led_level(const struct sim *s)
{
    avr_ioport_state_t st;

    if (avr_ioctl(s->avr, AVR_IOCTL_IOPORT_GETSTATE('B'), &st) != 0) {
        return -1;
    }
    if (!((st.ddr >> LED_PIN) & 1)) {
        return -1;
    }
    return (int)((st.port >> LED_PIN) & 1);
}

/* --- measurements ------------------------------------------------------- */

struct stack_use {
    unsigned ramend;
    unsigned heap_start;  /* end of .data and .bss */
    unsigned sp_depth;    /* RAMEND - lowest SP */
    unsigned paint_depth; /* RAMEND + 1 - lowest byte that lost the paint */
};

static void stack_use(const struct sim *s, struct stack_use *u)
{
    unsigned a;

    u->ramend = s->avr->ramend;
    u->heap_start = (unsigned)s->avr->ioend + 1 + s->fw.datasize + s->fw.bsssize;
    u->sp_depth = u->ramend - s->sp_min;
    a = u->heap_start;
    while (a <= u->ramend && s->avr->data[a] == STACK_PAINT) {
        a++;
    }
    u->paint_depth = u->ramend + 1 - a;
}

static void write_stats(const struct sim *s, FILE *f)
{
    struct stack_use su;
    uint64_t wall = elapsed_ns(&s->t0);
    uint64_t cycles = s->avr->cycle - s->cycle0;
    int k;

    stack_use(s, &su);
    fprintf(f, "mcu=%s\n", s->avr->mmcu);
    fprintf(f, "freq=%" PRIu32 "\n", s->avr->frequency);
    fprintf(f, "flash=%" PRIu32 "\n", s->fw.flashsize);
    fprintf(f, "data=%" PRIu32 "\n", s->fw.datasize);
    fprintf(f, "bss=%" PRIu32 "\n", s->fw.bsssize);
    fprintf(f, "ram=%u\n", su.ramend + 1 - (unsigned)s->avr->ioend - 1);
    fprintf(f, "stack_sp=%u\n", su.sp_depth);
    fprintf(f, "stack_paint=%u\n", su.paint_depth);
    fprintf(f, "ram_free=%u\n", su.ramend + 1 - su.heap_start - su.paint_depth);
    fprintf(f, "cycles=%" PRIu64 "\n", cycles);
    fprintf(f, "wall_ns=%" PRIu64 "\n", wall);
    fprintf(f, "lag_max_ns=%" PRIu64 "\n", s->lag_max_ns);
    fprintf(f, "byte_cycles=%" PRIu64 "\n", (uint64_t)s->byte_cycles);
    fprintf(f, "bytes_in=%" PRIu64 "\n", s->bytes_in);
    fprintf(f, "bytes_out=%" PRIu64 "\n", s->bytes_out);
    fprintf(f, "overruns=%" PRIu64 "\n", s->overruns);
    fprintf(f, "dropped=%" PRIu64 "\n", s->dropped);
    fprintf(f, "led=%d\n", led_level(s));
    fprintf(f, "led_changes=%" PRIu64 "\n", s->led_changes);
    fprintf(f, "busy_cycles=%" PRIu64 "\n", busy_now(s));
    fprintf(f, "busy_calls=%" PRIu64 "\n", s->busy_calls);
    fprintf(f, "frames=%" PRIu64 "\n", s->frames);
    for (k = 0; k < K_COUNT; k++) {
        const struct kind_stats *ks = &s->per_kind[k];

        fprintf(f, "%s_count=%" PRIu64 "\n", kind_names[k], ks->count);
        fprintf(f, "%s_cycles=%" PRIu64 "\n", kind_names[k], ks->cycles);
        fprintf(f, "%s_max=%" PRIu64 "\n", kind_names[k], ks->max);
        fprintf(f, "%s_cycles_out=%" PRIu64 "\n", kind_names[k], ks->cycles_out);
        fprintf(f, "%s_bytes_in=%" PRIu64 "\n", kind_names[k], ks->bytes_in);
        fprintf(f, "%s_bytes_out=%" PRIu64 "\n", kind_names[k], ks->bytes_out);
        fprintf(f, "%s_longest=%" PRIu64 "\n", kind_names[k], ks->longest);
    }
}

static int save_stats(const struct sim *s)
{
    char tmp[PATH_MAX];
    FILE *f;

    if (!s->stats_path) {
        return 0;
    }
    if (snprintf(tmp, sizeof tmp, "%s.tmp", s->stats_path) >= (int)sizeof tmp) {
        fprintf(stderr, PROG ": %s: name too long\n", s->stats_path);
        return -1;
    }
    f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, PROG ": %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    write_stats(s, f);
    if (fclose(f) != 0 || rename(tmp, s->stats_path) != 0) {
        fprintf(stderr, PROG ": %s: %s\n", s->stats_path, strerror(errno));
        return -1;
    }
    return 0;
}

static void print_report(const struct sim *s)
{
    struct stack_use su;
    uint64_t cycles = s->avr->cycle - s->cycle0;
    uint64_t busy = busy_now(s);
    double dev_s = (double)cycles / s->avr->frequency;
    double wall_s = (double)elapsed_ns(&s->t0) / 1e9;
    int k;

    stack_use(s, &su);
    printf(PROG ": image: flash %" PRIu32 " bytes, .data %" PRIu32
                ", .bss %" PRIu32 " (RAM %u bytes)\n",
           s->fw.flashsize, s->fw.datasize, s->fw.bsssize,
           su.ramend - (unsigned)s->avr->ioend);
    printf(PROG ": stack high water: %u bytes (lowest SP 0x%04x), %u by its "
                "paint; %u bytes of RAM never touched\n",
           su.sp_depth, s->sp_min, su.paint_depth,
           su.ramend + 1 - su.heap_start - su.paint_depth);
    printf(PROG ": %" PRIu64 " cycles, %.3f s of the part's time in %.3f s, "
                "at most %.1f ms behind the wall clock\n",
           cycles, dev_s, wall_s, (double)s->lag_max_ns / 1e6);
    printf(PROG ": line: %" PRIu64 " bytes in, %" PRIu64 " out, %" PRIu64
                " cycles a byte, %" PRIu64 " overruns, %" PRIu64
                " bytes dropped by the firmware\n",
           s->bytes_in, s->bytes_out, (uint64_t)s->byte_cycles, s->overruns,
           s->dropped);
    printf(PROG ": runtime (PB2): %" PRIu64 " cycles in %" PRIu64
                " calls, %.2f %% of the time\n",
           busy, s->busy_calls, cycles ? 100.0 * (double)busy / (double)cycles : 0.0);
    printf(PROG ": %" PRIu64 " datagrams (PB0)%s\n", s->frames,
           s->frames_unnamed || s->kinds_lost ? ", some not named" : "");
    for (k = 0; k < K_COUNT; k++) {
        const struct kind_stats *ks = &s->per_kind[k];

        if (ks->count == 0) {
            continue;
        }
        printf(PROG ":   %-7s %5" PRIu64 " x %7" PRIu64 " cycles (max %" PRIu64
                    "): in %" PRIu64 " bytes %" PRIu64 " (longest call %" PRIu64
                    "), out %" PRIu64 " line bytes %" PRIu64 "\n",
               kind_names[k], ks->count, ks->cycles / ks->count, ks->max,
               ks->bytes_in / ks->count,
               (ks->cycles - ks->cycles_out) / ks->count,
               ks->longest / ks->count,
               ks->bytes_out / ks->count, ks->cycles_out / ks->count);
    }
    fflush(stdout);
}

/* --- the emulation ------------------------------------------------------ */

/* simavr's messages: errors and warnings (a UART overflow, a bad opcode),
 * not its chatter (sections loaded, UART set up), and on stderr, so that
 * standard output holds only this program's lines. */
static void sim_logger(avr_t *avr, const int level, const char *format,
                       va_list ap)
{
    (void)avr;
    if (level == LOG_ERROR || level == LOG_WARNING) {
        fputs(PROG ": simavr: ", stderr);
        vfprintf(stderr, format, ap);
    }
}

/* simavr calls this when the part sleeps until its next event; the main
 * loop paces the emulation, so nothing is to be done here. */
static void no_sleep(avr_t *avr, avr_cycle_count_t how_long)
{
    (void)avr;
    (void)how_long;
}

/* A do-nothing event every slice, so that a sleeping part advances at
 * most one slice at a time and input is never fed far in its future. */
static avr_cycle_count_t tick(struct avr_t *avr, avr_cycle_count_t when,
                              void *param)
{
    (void)param;
    return when + avr->frequency / SLICE_PER_S;
}

/* Runs the part until cycle `until`; returns its state. */
static int run_until(struct sim *s, avr_cycle_count_t until)
{
    avr_t *avr = s->avr;
    int state = avr->state;

    while (avr->cycle < until) {
        uint16_t sp;

        state = avr_run(avr);
        if (state == cpu_Done || state == cpu_Crashed) {
            break;
        }
        sp = (uint16_t)(avr->data[R_SPL] | avr->data[R_SPH] << 8);
        if (sp < s->sp_min) {
            s->sp_min = sp;
        }
    }
    return state;
}

static avr_uart_t *find_uart(avr_t *avr, char name)
{
    avr_io_t *io;

    for (io = avr->io_port; io; io = io->next) {
        if (strcmp(io->kind, "uart") == 0 && ((avr_uart_t *)io)->name == name) {
            return (avr_uart_t *)io;
        }
    }
    return NULL;
}

static void usage(void)
{
    fputs("usage: " PROG " [--mcu NAME] [--freq HZ] [--adc0 MV] "
          "[--stats FILE] [--eeprom FILE] FIRMWARE.elf TTY\n",
          stderr);
}

static struct sim sim;

/* The EEPROM's bytes from path (a missing file: an erased EEPROM, all
 * 0xff, as simavr starts it), or to path. 0, or -1 with a message. */
static int eeprom_file(avr_t *avr, const char *path, int save)
{
    static uint8_t buf[4096];
    avr_eeprom_desc_t d = {buf, 0, (uint32_t)avr->e2end + 1u};
    FILE *f;
    size_t n;

    if (d.size > sizeof buf) {
        d.size = sizeof buf;
    }
    if (save) {
        /* with no buffer given, simavr points ee at its own (its return
         * value says nothing: -1 whatever happened) */
        d.ee = NULL;
        avr_ioctl(avr, AVR_IOCTL_EEPROM_GET, &d);
        if (d.ee == NULL) {
            fprintf(stderr, PROG ": cannot read the part's EEPROM\n");
            return -1;
        }
        f = fopen(path, "wb");
        if (f == NULL || fwrite(d.ee, 1, d.size, f) != d.size) {
            fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
            if (f != NULL) {
                fclose(f);
            }
            return -1;
        }
        return fclose(f) == 0 ? 0 : -1;
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        if (errno == ENOENT) {
            return 0;
        }
        fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
        return -1;
    }
    n = fread(buf, 1, d.size, f);
    fclose(f);
    d.size = (uint32_t)n;
    if (n > 0) {
        avr_ioctl(avr, AVR_IOCTL_EEPROM_SET, &d);
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct sim *s = &sim;
    const char *mcu = "atmega328p";
    const char *eeprom_path = NULL;
    const char *elf;
    unsigned long freq = 16000000;
    unsigned long adc0_mv = 0;
    struct sigaction sa;
    uint32_t no_flags = 0;
    avr_t *avr;
    int state = cpu_Running;
    int rc = 0;
    int i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--mcu") == 0 && i + 1 < argc) {
            mcu = argv[++i];
        } else if (strcmp(argv[i], "--freq") == 0 && i + 1 < argc) {
            char *end;

            errno = 0;
            freq = strtoul(argv[++i], &end, 10);
            if (errno || *end || freq < 1000 || freq > 100000000) {
                fprintf(stderr, PROG ": --freq %s: want 1000 to 100000000 Hz\n",
                        argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--adc0") == 0 && i + 1 < argc) {
            char *end;

            errno = 0;
            adc0_mv = strtoul(argv[++i], &end, 10);
            if (errno || *end || !*argv[i] || adc0_mv > SUPPLY_MV) {
                fprintf(stderr, PROG ": --adc0 %s: want 0 to %d mV\n",
                        argv[i], SUPPLY_MV);
                return 2;
            }
        } else if (strcmp(argv[i], "--stats") == 0 && i + 1 < argc) {
            s->stats_path = argv[++i];
        } else if (strcmp(argv[i], "--eeprom") == 0 && i + 1 < argc) {
            eeprom_path = argv[++i];
        } else {
            usage();
            return 2;
        }
    }
    if (argc - i != 2) {
        usage();
        return 2;
    }
    elf = argv[i];
    s->tty = argv[i + 1];

    avr_global_logger_set(sim_logger);
    if (elf_read_firmware(elf, &s->fw) != 0) {
        fprintf(stderr, PROG ": %s: cannot read the ELF image\n", elf);
        return 1;
    }
    avr = avr_make_mcu_by_name(mcu);
    if (!avr) {
        fprintf(stderr, PROG ": %s: no such part in simavr\n", mcu);
        return 2;
    }
    avr_init(avr);
    s->fw.frequency = (uint32_t)freq;
    avr->frequency = (uint32_t)freq;
    avr_load_firmware(avr, &s->fw);
    avr->frequency = (uint32_t)freq;
    avr->sleep = no_sleep;
    avr->vcc = avr->avcc = avr->aref = SUPPLY_MV;
    avr_raise_irq(avr_io_getirq(avr, AVR_IOCTL_ADC_GETIRQ, ADC_IRQ_ADC0),
                  (uint32_t)adc0_mv);
    s->avr = avr;
    s->sp_min = avr->ramend;
    if (eeprom_path != NULL && eeprom_file(avr, eeprom_path, 0) != 0) {
        return 1;
    }

    s->uart = find_uart(avr, '0');
    if (!s->uart) {
        fprintf(stderr, PROG ": %s has no UART0\n", mcu);
        return 2;
    }
    /* no console echo of the line, no usleep() when the firmware polls */
    avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &no_flags);
    avr_irq_register_notify(
        avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT),
        uart_output, s);
    avr_irq_register_notify(
        avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON),
        uart_xon, s);
    avr_irq_register_notify(
        avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF),
        uart_xoff, s);
    avr_irq_register_notify(
        avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('B'), BUSY_PIN), pin_busy, s);
    avr_irq_register_notify(
        avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('B'), FRAME_PIN), pin_frame,
        s);
    avr_irq_register_notify(
        avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('B'), DROP_PIN), pin_drop, s);
    avr_irq_register_notify(
        avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('B'), LED_PIN), pin_led, s);
    avr_cycle_timer_register(avr, avr->frequency / SLICE_PER_S, tick, s);

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: ppoll() returns EINTR */
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0 ||
        sigaction(SIGUSR1, &sa, NULL) < 0) {
        fprintf(stderr, PROG ": sigaction: %s\n", strerror(errno));
        return 1;
    }
    s->fd = open_line(s->tty);
    if (s->fd < 0) {
        return 1;
    }
    if (fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK) < 0) {
        fprintf(stderr, PROG ": %s: fcntl: %s\n", s->tty, strerror(errno));
        return 1;
    }

    /* Boot, unpaced, until the firmware listens on its UART. */
    while (!avr_regbit_get(avr, s->uart->rxen) && !stop) {
        if (avr->cycle > (avr_cycle_count_t)BOOT_SECONDS * avr->frequency) {
            fprintf(stderr, PROG ": the firmware did not enable UART0's "
                            "receiver within %d s\n", BOOT_SECONDS);
            return 1;
        }
        state = run_until(s, avr->cycle + 1);
        if (state == cpu_Done || state == cpu_Crashed) {
            fprintf(stderr, PROG ": the firmware stopped while booting\n");
            return 1;
        }
    }
    set_byte_time(s);
    s->cycle0 = avr->cycle;
    clock_gettime(CLOCK_MONOTONIC, &s->t0);
    printf(PROG ": serving %s (%s at %lu Hz, %s)\n", s->tty, mcu, freq, elf);
    fflush(stdout);

    while (!stop) {
        uint64_t now = elapsed_ns(&s->t0);
        avr_cycle_count_t target =
            s->cycle0 + (avr_cycle_count_t)((double)now * avr->frequency / 1e9);

        if (snapshot) {
            snapshot = 0;
            if (save_stats(s) != 0) {
                rc = 1;
                break;
            }
        }
        if (avr->cycle >= target) {
            /* Ahead of the wall clock: wait for the line or the time. */
            uint64_t ahead = cycles_to_ns(s, avr->cycle - target);
            struct timespec ts = {(time_t)(ahead / 1000000000u),
                                  (long)(ahead % 1000000000u)};
            struct pollfd pfd = {s->fd, s->in_len < IN_SIZE ? POLLIN : 0, 0};
            int n = ppoll(&pfd, 1, &ts, NULL);

            if (n < 0 && errno != EINTR) {
                fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
                rc = 1;
                break;
            }
            if (n > 0 && read_line(s) < 0) {
                rc = 1;
                break;
            }
            continue;
        }
        if (target - avr->cycle > avr->frequency / SLICE_PER_S) {
            uint64_t lag = cycles_to_ns(s, target - avr->cycle);

            if (lag > s->lag_max_ns) {
                s->lag_max_ns = lag;
            }
            target = avr->cycle + avr->frequency / SLICE_PER_S;
        }
        state = run_until(s, target);
        set_byte_time(s);
        flush_out(s);
        if (s->write_error) {
            rc = 1;
            break;
        }
        if (state == cpu_Done || state == cpu_Crashed) {
            fprintf(stderr, PROG ": the firmware %s at pc 0x%04x\n",
                    state == cpu_Done ? "stopped" : "crashed",
                    (unsigned)avr->pc);
            rc = 1;
            break;
        }
        if (read_line(s) < 0) {
            rc = 1;
            break;
        }
    }
    print_report(s);
    if (save_stats(s) != 0) {
        rc = 1;
    }
    if (eeprom_path != NULL && eeprom_file(avr, eeprom_path, 1) != 0) {
        rc = 1;
    }
    close(s->fd);
    avr_terminate(avr);
    return rc;
}
