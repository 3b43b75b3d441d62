/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stream.c - the streaming API of pagec/stream.h: a datagram read a byte
 * at a time into a description of the segment (parse), the same decision
 * as the buffered API's (tcp.c), and the reply pulled a byte or a run at a
 * time from the template with the peer's fields substituted (emit).
 */
#include <stddef.h>

#include "http.h"
#include "pagec/chksum.h"
#include "pagec/stream.h"
#include "tcp.h"
#include "wire.h"

/* s->state: those below ST_ECHO have no reply bytes to pull; ST_LINE:
 * a line for a service arrives (PAGEC_SERVICES); ST_LARGE: a segment of
 * a large reply, or one with options, goes out (PAGEC_LARGE) */
enum { ST_DROP, ST_RECV, ST_HTTP, ST_LINE, ST_ECHO, ST_REPLY, ST_LARGE };

/* s->opt[0]: the TCP option parser (a SYN's MSS; the options of large
 * replies): an option's kind comes, its length (O_LEN_...), its data */
enum {
    O_KIND,
    O_DONE,
    O_LEN_MSS,
    O_LEN,
    O_MSS,
    O_SKIP,
    O_LEN_TS,
    O_LEN_SACK,
    O_LEN_SACK_OK,
    O_TS,
    O_SACK
};

#if PAGEC_LARGE
/* s->u.rx.has: the options of pagec_tcp_options() seen (OPT_TS,
 * OPT_SACK_OK), plus the SACK blocks read times SACK_ONE */
#define SACK_ONE 4u
#define TS_AT 24 /* TSval and TSecr in s->u.rx.v */
#endif

void pagec_stream_begin(struct pagec_stream *s)
{
    s->sum = 0;
    s->pos = 0;
    s->total = 0xffffu; /* not known before its bytes 2 and 3 */
    s->out = 0;
    s->ihl = 20;
    s->thl = 0;
    s->state = ST_RECV;
}

/*
 * The running sum of the bytes received: a 16-bit one's complement sum,
 * its carries added back at once (an end-around carry), so that each byte
 * costs a 16-bit addition and no 32-bit one on an 8-bit core. Such a sum
 * is an unfolded sum of pagec/chksum.h too: pagec_chksum_fold() leaves it
 * as it is. It is 0 only while every byte was 0, as a folded sum is.
 */
static inline uint16_t sum_byte(uint16_t sum, uint16_t i, uint8_t c)
{
    uint16_t v = i & 1u ? c : (uint16_t)((uint16_t)c << 8);

    sum = (uint16_t)(sum + v);
    return sum < v ? (uint16_t)(sum + 1u) : sum;
}

/* The last byte of the IPv4 destination address is in (f holds both
 * addresses): from our own address is spoofed. */
static void ip_addresses(struct pagec_stream *s)
{
    const uint8_t *f = s->f;

    if (get32(f + F_OURS) == get32(f + F_PEER)) {
        s->state = ST_DROP;
    }
}

/* The end of the IPv4 header, options included: its sum, its length and
 * its protocol. */
static void ip_end(struct pagec_stream *s)
{
    if (pagec_chksum_fold(s->sum) != 0xffffu || s->total < s->ihl ||
        (s->proto != PROTO_TCP &&
         (s->proto != PROTO_ICMP || !PAGEC_ICMP_ECHO) &&
         (s->proto != PROTO_UDP || !PAGEC_SERVICES))) {
        s->state = ST_DROP;
    }
    s->sum = 0;
}

/* A byte of the IPv4 header, at offset i (below 60). */
static void ip_byte(const struct pagec_server *srv, struct pagec_stream *s,
                    uint8_t i, uint8_t c)
{
    const uint8_t *a;

    switch (i) {
    case 0:
        if ((c >> 4) != 4 || (c & 0x0fu) < 5) {
            s->state = ST_DROP;
        }
        s->ihl = (uint8_t)((c & 0x0fu) * 4);
        break;
    case IP_LEN:
        s->total = (uint16_t)(c << 8);
        break;
    case IP_LEN + 1:
        s->total |= c;
        break;
    case 6:
        if (c & 0x3fu) {
            s->state = ST_DROP; /* MF or an offset: fragments are dropped */
        }
        break;
    case 7:
        if (c) {
            s->state = ST_DROP;
        }
        break;
    case 9:
        s->proto = c;
        break;
    case IP_SRC:
    case IP_DST:
        if (bad_address(c)) {
            s->state = ST_DROP;
        }
        /* fall through */
    case IP_SRC + 1:
    case IP_SRC + 2:
    case IP_SRC + 3:
    case IP_DST + 1:
    case IP_DST + 2:
    case IP_DST + 3:
        if (i < IP_DST) {
            s->f[F_PEER + i - IP_SRC] = c;
            break;
        }
        s->f[F_OURS + i - IP_DST] = c;
        a = srv->addr;
        if ((a[0] | a[1] | a[2] | a[3]) && c != a[i - IP_DST]) {
            s->state = ST_DROP; /* for another address */
        }
        if (i == IP_DST + 3) {
            ip_addresses(s);
        }
        break;
    default:
        break;
    }
    if (i + 1 == s->ihl) {
        ip_end(s);
    }
}

#if PAGEC_ICMP_ECHO
/* A byte of an ICMP message, at offset t: an echo request is answered
 * cut-through. */
static void icmp_byte(struct pagec_stream *s, uint16_t t, uint8_t c)
{
    if (t == 0 ? c != ICMP_ECHO : t == 1 ? c != 0 : 0) {
        s->state = ST_DROP;
        return;
    }
    if (t != 3) {
        return; /* s->latch keeps it: the checksum's first byte */
    }
    if (s->total - s->ihl < ICMP_HLEN) {
        s->state = ST_DROP; /* shorter than an echo request's header */
        return;
    }
    s->u.reply.ip_sum =
        echo_ip_sum((uint16_t)(s->total - s->ihl + PAGEC_IP_HLEN),
                    pagec_chksum_add(0, s->f, 8), PROTO_ICMP);
    s->u.reply.sum = echo_sum((uint16_t)(s->latch << 8 | c));
    s->state = ST_ECHO;
}
#endif

/* A byte of a TCP header's options, at offset t of the header: a SYN's
 * MSS option goes to s->win; with large replies, SACK-permitted, the
 * timestamps and SACK blocks to s->u.rx, as pagec_tcp_options() reads
 * them from a whole header. Every option is skipped by its length; a
 * length below 2 or past the header ends the parsing, so a hostile list
 * can neither loop nor overrun. */
static void option_byte(struct pagec_stream *s, uint16_t t, uint8_t c)
{
    uint8_t *o = s->opt;

    switch (o[0]) {
    case O_KIND:
        if (c == 0) {
            o[0] = O_DONE; /* end of option list */
        } else if (c != 1) { /* 1: no-operation */
#if PAGEC_LARGE
            /* the MSS a SYN's only (the parser reads every segment's
             * options then) */
            o[0] = c == 2 && (s->tflags & TH_SYN) ? O_LEN_MSS
                   : c == 8                      ? O_LEN_TS
                   : c == 5                      ? O_LEN_SACK
                   : c == 4                      ? O_LEN_SACK_OK
                                                 : O_LEN;
#else
            o[0] = c == 2 ? O_LEN_MSS : O_LEN; /* a SYN's */
#endif
        }
        return;
    case O_LEN_MSS:
    case O_LEN:
#if PAGEC_LARGE
    case O_LEN_TS:
    case O_LEN_SACK:
    case O_LEN_SACK_OK:
#endif
        if (c < 2 || t - 1 + c > s->thl) {
            o[0] = O_DONE;
            return;
        }
        o[1] = (uint8_t)(c - 2);
#if PAGEC_LARGE
        if (o[0] == O_LEN_TS && c == 10) {
            o[0] = O_TS;
            s->u.rx.has |= OPT_TS;
            break;
        }
        if (o[0] == O_LEN_SACK && c >= 10 && ((c - 2) & 7u) == 0) {
            o[0] = O_SACK;
            break;
        }
        if (o[0] == O_LEN_SACK_OK && c == 2) {
            s->u.rx.has |= OPT_SACK_OK;
        }
#endif
        o[0] = o[0] == O_LEN_MSS && c == 4 ? O_MSS : O_SKIP;
        if (o[0] == O_MSS) {
            s->win = 0;
        }
        break;
    case O_MSS:
    case O_SKIP:
        if (o[0] == O_MSS) {
            s->win = (uint16_t)(s->win << 8 | c);
        }
        o[1]--;
        break;
#if PAGEC_LARGE
    case O_TS:
        /* TSval, then TSecr: the last option's, as the buffered reader */
        s->u.rx.v[TS_AT + 8 - o[1]] = c;
        o[1]--;
        break;
    case O_SACK: {
        /* blocks of 8 bytes, the first four kept */
        uint8_t at = (uint8_t)(0u - o[1]) & 7u;
        uint8_t n = (uint8_t)(s->u.rx.has / SACK_ONE);

        if (n < 4) {
            s->u.rx.v[8 * n + at] = c;
            if (at == 7) {
                s->u.rx.has = (uint8_t)(s->u.rx.has + SACK_ONE);
            }
        }
        o[1]--;
        break;
    }
#endif
    default:
        return;
    }
    if (o[1] == 0) {
        o[0] = O_KIND;
    }
}

/* Where the first 12 bytes of a TCP header (and the first 4 of a UDP
 * header) go: ports and numbers where the reply wants them. */
static const PAGEC_ROM uint8_t hdr_at[12] = {
    F_DPORT, F_DPORT + 1, F_SPORT, F_SPORT + 1,
    F_ACK, F_ACK + 1, F_ACK + 2, F_ACK + 3,
    F_SEQ, F_SEQ + 1, F_SEQ + 2, F_SEQ + 3};

#if PAGEC_SERVICES
/* A byte of a UDP header, at offset t (below 8): the echo service's
 * reply starts after its last; a line service's data is kept. */
static void udp_byte(const struct pagec_server *srv, struct pagec_stream *s,
                     uint8_t t, uint8_t c)
{
    if (t < 4) {
        s->f[PAGEC_ROM_BYTE(hdr_at + t)] = c;
        s->opt[0] = 0; /* no service chosen */
        return;
    }
    s->win = (uint16_t)(s->win << 8 | c);
    if (t == 5 && s->win != s->total - s->ihl) {
        s->state = ST_DROP; /* its length is not the datagram's */
    }
    if (t != 7 || s->state == ST_DROP) {
        return;
    }
    /* the checksum is in s->win */
    s->opt[0] = pagec_udp_decide(srv, get16(s->f + F_DPORT),
                                 get16(s->f + F_SPORT));
    if (s->opt[0] == 0) {
        s->state = ST_DROP;
    } else if (s->opt[0] == SVC_ECHO) {
        s->u.reply.ip_sum =
            echo_ip_sum((uint16_t)(s->total - s->ihl + PAGEC_IP_HLEN),
                        pagec_chksum_add(0, s->f, 8), PROTO_UDP);
        s->u.reply.sum = s->win; /* the request's: the same words */
        s->state = ST_ECHO;
    } else if (s->opt[0] == SVC_LINE) {
        s->state = ST_LINE;
    }
}

/* A TCP segment with data to the echo service: the echo's header is
 * made before the data comes, from the segment's header alone (the echo
 * goes at the sequence number the segment acknowledges, and acknowledges
 * the data). The data's sum is the complement of the rest of the
 * segment's (the header's, in s->sum, and the pseudo-header's) when its
 * checksum is right. pagec_stream_end() checks the checksum and makes
 * the decision, which needs the clock, and holds the last byte back
 * until then: a reply it does not confirm ends one byte short, and the
 * receiver drops it. */
static void tcp_echo(const struct pagec_server *srv, struct pagec_stream *s)
{
    struct pagec_choice c;
    uint32_t addr_sum = pagec_chksum_add(0, s->f, 8);
    uint16_t n = (uint16_t)(s->total - s->ihl);
    uint8_t fin = s->tflags & TH_FIN;

    if ((s->tflags & (TH_ACK | TH_RST)) != TH_ACK) {
        return;
    }
    c.seq = get32(s->f + F_SEQ);
    c.ack = get32(s->f + F_ACK) + (n - s->thl) + fin;
    c.flags = (uint8_t)(TH_ACK | TH_PSH | fin);
    c.status = 0;
    pagec_tcp_data(&c, srv->site,
                   (uint16_t)~pagec_chksum_fold(s->sum + addr_sum +
                                                PROTO_TCP + n),
                   (uint16_t)(n - s->thl));
    s->u.reply.sum = pagec_tcp_finish(&c, s->f, addr_sum, &s->u.reply.ip_sum);
    s->u.reply.tmpl = c.tmpl;
    s->tflags = c.flags;
    s->opt[1] = 1; /* the last byte held back */
    s->state = ST_ECHO;
}
#endif

/* The TCP header ends: what follows is a request to the web server when
 * it comes to our port and is no SYN; data to the echo service is
 * echoed as it comes; a line service's data is kept. */
static void tcp_end(const struct pagec_server *srv, struct pagec_stream *s)
{
    const PAGEC_ROM struct pagec_site *site = srv->site;

    if (s->state != ST_RECV || (s->tflags & TH_SYN)) {
        return;
    }
    if (get16(s->f + F_SPORT) == site->http_port && site->http_port != 0) {
        pagec_http_begin(&s->u.http, srv->secret);
        s->state = ST_HTTP;
    }
#if PAGEC_SERVICES
    else {
        uint8_t k = pagec_tcp_service(srv, get16(s->f + F_SPORT));

        if (k == SVC_ECHO && s->total - s->ihl > s->thl) {
            tcp_echo(srv, s);
        } else if (k == SVC_LINE) {
            s->state = ST_LINE;
        }
    }
#endif
}

/* A byte of a TCP header, at offset t (below 60). */
static void tcp_byte(const struct pagec_server *srv, struct pagec_stream *s,
                     uint8_t t, uint8_t c)
{
    if (t < 12) {
        /* ports and numbers go where the reply wants them */
        s->f[PAGEC_ROM_BYTE(hdr_at + t)] = c;
        return;
    }
    switch (t) {
    case 12:
        s->thl = (uint8_t)((c >> 4) * 4);
        if (s->thl < PAGEC_TCP_HLEN) {
            s->state = ST_DROP;
        }
        break;
    case 13:
        s->tflags = c;
        break;
    case 14:
        s->win = (uint16_t)(c << 8);
        break;
    case 15:
        s->win |= c;
        break;
    case PAGEC_TCP_HLEN - 1:
        s->opt[0] = O_DONE;
        if (s->tflags & TH_SYN) {
            s->win = 536; /* RFC 9293 section 3.7.1: without the option,
                             a client takes 536 */
            s->opt[0] = O_KIND;
        }
#if PAGEC_LARGE
        if (srv->site->nlarge) {
            s->u.rx.has = 0; /* the options large replies read */
            s->opt[0] = O_KIND;
        }
#endif
        break;
    default:
        if (t >= PAGEC_TCP_HLEN) {
            option_byte(s, t, c);
        }
        break;
    }
    if (t + 1 == s->thl) {
        tcp_end(srv, s);
    }
}

/* A byte of a datagram's headers, or of data nobody reads, at offset i:
 * the byte was summed already. Not inlined: the registers it needs would
 * be saved and restored for every byte of a request too. */
static PAGEC_NOINLINE void header_byte(const struct pagec_server *srv,
                                       struct pagec_stream *s, uint16_t i,
                                       uint8_t c)
{
    uint16_t t;

#if PAGEC_SERVICES
    if (s->state == ST_LINE) {
        /* a line for a service, after its TCP or UDP header: its first
         * PAGEC_SERVICE_MAX bytes kept where the reply's text goes */
        t = (uint16_t)(i - s->ihl -
                       (s->proto == PROTO_TCP ? s->thl : UDP_HLEN));
        if (t < PAGEC_SERVICE_MAX) {
            s->u.reply.ram[t] = c;
        }
        return;
    }
#endif
    if (i < s->ihl) {
        ip_byte(srv, s, (uint8_t)i, c);
        return;
    }
    t = (uint16_t)(i - s->ihl);
    if (s->proto == PROTO_TCP) {
        if (t < s->thl || t < PAGEC_TCP_HLEN) {
            tcp_byte(srv, s, (uint8_t)t, c);
        }
#if PAGEC_SERVICES
    } else if (s->proto == PROTO_UDP) {
        if (t < UDP_HLEN) {
            udp_byte(srv, s, (uint8_t)t, c);
        }
#endif
#if PAGEC_ICMP_ECHO
    } else {
        icmp_byte(s, t, c);
#endif
    }
    s->latch = c; /* an echo's next byte */
}

#if PAGEC_AVR_ASM && defined(__AVR__) && defined(__FLASH)
/*
 * On AVR, pagec_stream_byte() in assembly: it runs for every byte
 * received, and the compiler's version saves and restores four registers
 * and adds in 32 bits. It does what the C version below does, with one
 * shortcut: a byte of the usual headers (IPv4 without options, TCP) that
 * is only stored goes to its place in *s here, as header_byte() would put
 * it (addresses, ports, numbers, the length, the protocol, the flags, the
 * window), and one that header_byte() would do nothing with (a checksum,
 * the identification, TOS, TTL, the urgent pointer's first byte) ends
 * here (stored_at[]: 0x80 + its offset in *s, SKIP, or 0 for a byte
 * header_byte() reads). Every other byte goes to header_byte() or
 * pagec_http_byte(), which are C.
 */
#define SKIP 0x40 /* a byte header_byte() does nothing with */
#define AT(field) (0x80 | offsetof(struct pagec_stream, field))
#define AT_F(k) (0x80 | (offsetof(struct pagec_stream, f) + (k)))
/* the high byte of a 16-bit field, which AVR keeps little-endian; its low
 * byte comes next, stored as it is */
#define AT_HI(field) (0x80 | (offsetof(struct pagec_stream, field) + 1))
static const __flash uint8_t stored_at[PAGEC_IP_HLEN + PAGEC_TCP_HLEN]
    __attribute__((used)) = {
        0, SKIP, AT_HI(total), AT(total), SKIP, SKIP, 0, 0, SKIP, AT(proto),
        SKIP, SKIP,
        0, AT_F(F_PEER + 1), AT_F(F_PEER + 2), AT_F(F_PEER + 3),
        0, 0, 0, 0,
        AT_F(F_DPORT), AT_F(F_DPORT + 1), AT_F(F_SPORT), AT_F(F_SPORT + 1),
        AT_F(F_ACK), AT_F(F_ACK + 1), AT_F(F_ACK + 2), AT_F(F_ACK + 3),
        AT_F(F_SEQ), AT_F(F_SEQ + 1), AT_F(F_SEQ + 2), AT_F(F_SEQ + 3),
        0, AT(tflags), AT_HI(win), AT(win), SKIP, SKIP, SKIP, 0};

/* called from the assembly below by name: kept as it is, and global, so
 * that link-time optimisation (the Arduino IDE's) neither drops nor
 * renames it */
void pagec_stream_header_byte(const struct pagec_server *srv,
                              struct pagec_stream *s, uint16_t i, uint8_t c)
    __attribute__((used, noinline, noclone));

void pagec_stream_header_byte(const struct pagec_server *srv,
                              struct pagec_stream *s, uint16_t i, uint8_t c)
{
    header_byte(srv, s, i, c);
}

void pagec_stream_byte(const struct pagec_server *srv,
                       struct pagec_stream *s, uint8_t c)
    __attribute__((naked));

/* srv in r25:r24, s in r23:r22, c in r20; r18-r27, r30, r31 are free */
void pagec_stream_byte(const struct pagec_server *srv,
                       struct pagec_stream *s, uint8_t c)
{
    (void)srv;
    (void)s;
    (void)c;
    __asm__ volatile(
        "    movw r30, r22\n"
        "    ldd r18, Z+%[state]\n"
        "    cpi r18, %[st_drop]\n"
        "    breq 8f\n"
        "    cpi r18, %[st_reply]\n"
        "    brsh 8f\n" /* nothing to read: a reply goes out */
        "    ldd r26, Z+%[pos]\n"
        "    ldd r27, Z+%[pos]+1\n" /* X = i */
        /* total is 0xffff up to byte 2, its high byte and 0xff at byte
         * 3: no byte up to 3 is taken for padding */
        "    ldd r19, Z+%[total]\n"
        "    ldd r21, Z+%[total]+1\n"
        "    cp r26, r19\n"
        "    cpc r27, r21\n"
        "    brlo 1f\n"
        "8:  ret\n" /* link-layer padding */
        "1:  adiw r26, 1\n"
        "    std Z+%[pos], r26\n"
        "    std Z+%[pos]+1, r27\n"
        "    sbiw r26, 1\n"
        /* the sum, 16 bits with an end-around carry (sum_byte()) */
        "    ldd r19, Z+%[sum]\n"
        "    ldd r21, Z+%[sum]+1\n"
        "    sbrc r26, 0\n"
        "    rjmp 2f\n"
        "    add r21, r20\n" /* even offset: the high byte */
        "    rjmp 3f\n"
        "2:  add r19, r20\n"
        "    adc r21, r1\n"
        "3:  adc r19, r1\n"
        "    adc r21, r1\n"
        "    std Z+%[sum], r19\n"
        "    std Z+%[sum]+1, r21\n"
        "    cpi r18, %[st_http]\n"
        "    brne 5f\n"
        /* the request: pagec_http_skips(), else pagec_http_byte() */
        "    ldd r19, Z+%[hstate]\n"
        "    cpi r19, %[s_done]\n"
        "    breq 9f\n"
        "    cpi r19, %[s_value]\n"
        "    brne 4f\n"
        "    cpi r20, 14\n" /* above '\\r' */
        "    brsh 9f\n"
        "4:  movw r26, r24\n"
        "    ld r24, X+\n" /* srv->site */
        "    ld r25, X\n"
        "    movw r22, r30\n"
        "    subi r22, lo8(-(%[http]))\n"
        "    sbci r23, hi8(-(%[http]))\n"
        "    jmp pagec_http_byte\n"
        /* a header byte: stored here when stored_at[] says so */
        "5:  cpi r26, %[hlen]\n"
        "    cpc r27, r1\n"
        "    brsh 7f\n"
        "    cpi r26, %[iphlen]\n"
        "    brlo 6f\n"
        "    ldd r19, Z+%[ihl]\n"
        "    cpi r19, %[iphlen]\n"
        "    brne 7f\n"
        "    ldd r19, Z+%[proto]\n"
        "    cpi r19, %[tcp]\n"
        "    brne 7f\n"
        "6:  movw r30, r26\n"
        "    subi r30, lo8(-(%[stored]))\n"
        "    sbci r31, hi8(-(%[stored]))\n"
        "    lpm r19, Z\n"
        "    sbrc r19, 6\n"
        "    ret\n" /* SKIP */
        "    sbrs r19, 7\n"
        "    rjmp 7f\n"
        "    andi r19, 0x7f\n"
        "    movw r30, r22\n"
        "    add r30, r19\n"
        "    adc r31, r1\n"
        "    st Z, r20\n"
        "    ret\n"
        "7:  mov r18, r20\n"
        "    movw r20, r26\n"
        "    jmp pagec_stream_header_byte\n"
        "9:  ret\n"
        :
        : [state] "n"(offsetof(struct pagec_stream, state)),
          [pos] "n"(offsetof(struct pagec_stream, pos)),
          [total] "n"(offsetof(struct pagec_stream, total)),
          [sum] "n"(offsetof(struct pagec_stream, sum)),
          [ihl] "n"(offsetof(struct pagec_stream, ihl)),
          [proto] "n"(offsetof(struct pagec_stream, proto)),
          [http] "n"(offsetof(struct pagec_stream, u.http)),
          [hstate] "n"(offsetof(struct pagec_stream, u.http.state)),
          [st_drop] "n"(ST_DROP), [st_reply] "n"(ST_REPLY),
          [st_http] "n"(ST_HTTP), [s_done] "n"(PAGEC_HTTP_S_DONE),
          [s_value] "n"(PAGEC_HTTP_S_VALUE),
          [hlen] "n"(PAGEC_IP_HLEN + PAGEC_TCP_HLEN),
          [iphlen] "n"(PAGEC_IP_HLEN), [tcp] "n"(PROTO_TCP),
          [stored] "i"(stored_at));
}
#else
void pagec_stream_byte(const struct pagec_server *srv,
                       struct pagec_stream *s, uint8_t c)
{
    uint16_t i = s->pos;
    uint8_t st = s->state;

    if (st == ST_DROP || st >= ST_REPLY || (i >= 4 && i >= s->total)) {
        return; /* nothing to read, or link-layer padding */
    }
    s->pos = (uint16_t)(i + 1);
    s->sum = sum_byte((uint16_t)s->sum, i, c);
    if (st == ST_HTTP) {
        /* the request, after the headers: most bytes of a field value
         * nobody reads stop before the call */
        if (!pagec_http_skips(&s->u.http, c)) {
            pagec_http_byte(srv->site, &s->u.http, c);
        }
        return;
    }
    header_byte(srv, s, i, c);
}
#endif

#if PAGEC_LARGE
/* 1 when the request of seg may get a large reply. */
static int seg_large(const struct pagec_seg *seg)
{
    return seg->opt != NULL;
}

/* The options the buffered reader would have read from the segment's
 * header (pagec_tcp_options()), from what s->u.rx kept of them. */
static PAGEC_NOINLINE void options(const struct pagec_stream *s,
                                   struct pagec_opt *o)
{
    const uint8_t *v = s->u.rx.v;
    uint8_t k;

    o->has = s->u.rx.has & (OPT_TS | OPT_SACK_OK);
    o->nsack = (uint8_t)(s->u.rx.has / SACK_ONE);
    o->tsval = get32(v + TS_AT);
    o->tsecr = get32(v + TS_AT + 4);
    for (k = 0; k < 2 * o->nsack; k++) {
        o->sack[k] = get32(v + 4 * k);
    }
}

/* The next segment of s->u.large.b: its header's fields kept, its
 * length into s->total; 0 when none is left (the state stays). Its
 * header is made whole by pagec_large_emit(), as for the buffered API,
 * and kept only in the fields its bytes are made from again. */
static uint16_t large_next(const struct pagec_server *srv,
                           struct pagec_stream *s)
{
    uint8_t h[PAGEC_REPLY_HDR_MAX];
    const PAGEC_ROM uint8_t *data;
    uint16_t n;
    uint16_t len;
    uint8_t kind = s->u.large.b.opt;
    uint8_t k;

    for (k = 0; k < F_SEQ; k++) {
        h[IP_SRC + k] = s->f[k]; /* addresses and ports */
    }
    len = pagec_large_emit(srv, &s->u.large.b, h, &data, &n);
    if (len == 0) {
        return 0;
    }
    for (k = F_SEQ; k < sizeof s->f; k++) {
        s->f[k] = h[IP_SRC + k]; /* the numbers */
    }
    s->u.large.data = data;
    s->u.large.hl = (uint8_t)(len - n);
    s->u.large.kind = kind;
    s->u.large.ip_sum = get16(h + IP_SUM);
    s->u.large.sum = get16(h + TCP_SUM_AT);
    s->u.large.tsval = get32(h + s->u.large.hl - 8); /* when it has one */
    s->tflags = h[TCP_FLAGS_AT];
    s->total = len;
    s->out = 0;
    return len;
}

/* The datagrams of burst b go out, the first now: its length, or 0. */
static PAGEC_NOINLINE uint16_t large_start(const struct pagec_server *srv,
                            struct pagec_stream *s,
                            const struct pagec_burst *b)
{
    s->u.large.b = *b;
    if (large_next(srv, s) == 0) {
        return 0;
    }
    s->state = ST_LARGE;
    return s->total;
}
#else
#define seg_large(seg) 0
#endif

/*
 * The decision on the TCP segment in (tcp.c), made as the buffered API
 * makes it, and for a request the template chosen: returns what
 * pagec_tcp_decide() returned, c set as it and pagec_tcp_request() set
 * it; or PAGEC_TCP_LARGE (PAGEC_LARGE) when segments made from a burst
 * go out, the first of them ready in s, *len its length (0: none). The
 * options read and the burst made are in this function's frame only
 * (an 8-bit core reaches 64 bytes of a frame directly, no more).
 */
#if PAGEC_LARGE
static PAGEC_NOINLINE uint8_t
#else
PAGEC_INLINE uint8_t
#endif
decide(const struct pagec_server *srv, struct pagec_stream *s,
       const struct pagec_seg *in, uint32_t now, uint8_t st,
       struct pagec_choice *c, uint16_t *len)
{
    const PAGEC_ROM struct pagec_tmpl *fixed;
    const PAGEC_ROM struct pagec_tmpl *t;
    uint16_t limit = 0; /* set by pagec_tcp_decide(): 0 for LTO's eyes */
    uint16_t status = 0;
    uint8_t k;
#if PAGEC_LARGE
    struct pagec_opt opt;
    struct pagec_burst b;
    struct pagec_seg seg = *in;
    const struct pagec_seg *sp = &seg;

    /* as the buffered API: the options read when the site has large
     * replies, which go out from b */
    seg.b = &b;
    b.nrange = 0;
    b.opt = 0;
    if (srv->site->nlarge) {
        options(s, &opt);
        seg.opt = &opt;
    }
#else
    const struct pagec_seg *sp = in;
#endif
    (void)len;
    k = pagec_tcp_decide(srv, sp, now, c, &limit, &fixed);
#if PAGEC_LARGE
    if (k == PAGEC_TCP_LARGE) {
        *len = large_start(srv, s, &b);
        return k;
    }
#endif
    if (k != PAGEC_TCP_REQUEST) {
        return k;
    }
    t = fixed ? pagec_http_fit(srv->site, fixed, limit, &status, 0)
        : st == ST_HTTP ? pagec_http_end(srv->site, &s->u.http, limit,
                                         &status, seg_large(sp))
                        : NULL;
#if PAGEC_ACTIONS
    if (t != NULL && st == ST_HTTP && !fixed) {
        pagec_http_act(srv, &s->u.http, status);
    }
#endif
#if PAGEC_LARGE
    if (t != NULL && t->len - t->hlen > limit) {
        /* a large reply: its first segments */
        uint16_t lk = 0;

        (void)pagec_large_of(srv->site, t, &lk);
        pagec_large_request(srv, sp, now, lk);
        if (b.nrange) {
            *len = large_start(srv, s, &b);
            return PAGEC_TCP_LARGE;
        }
        /* not even its first segment fits the window */
        t = pagec_http_fit(srv->site, t, limit, &status, 0);
    }
#endif
    pagec_tcp_request(c, t, status);
    return k;
}

uint16_t pagec_stream_end(const struct pagec_server *srv,
                          struct pagec_stream *s, uint32_t now)
{
    struct pagec_choice c;
    struct pagec_seg seg;
    uint8_t st = s->state;
    uint16_t n = (uint16_t)(s->total - s->ihl);
    uint32_t addr_sum;
    uint16_t ip_sum;
    uint8_t k;
#if PAGEC_LIVE
    const PAGEC_ROM struct pagec_field *field = NULL;
    uint8_t fields = 0;
#endif

    if (st >= ST_REPLY) {
        return s->total; /* ended already */
    }
    s->state = ST_DROP;
    if (st == ST_DROP || s->pos < s->ihl || s->pos < s->total) {
        return 0; /* dropped, or cut short */
    }
#if PAGEC_ICMP_ECHO
    if (s->proto == PROTO_ICMP) {
        if (st != ST_ECHO || pagec_chksum_fold(s->sum) != 0xffffu) {
            return 0;
        }
        s->state = ST_ECHO;
        return (uint16_t)(PAGEC_IP_HLEN + n);
    }
#endif
    /* the pseudo-header's addresses, kept for the reply's sums */
    addr_sum = pagec_chksum_add(0, s->f, 8);
#if PAGEC_SERVICES
    if (s->proto == PROTO_UDP) {
        if (s->pos - s->ihl < UDP_HLEN ||
            (s->win != 0 && pagec_chksum_fold(s->sum + PROTO_UDP + n +
                                              addr_sum) != 0xffffu)) {
            return 0; /* short, or a wrong checksum */
        }
        if (st == ST_ECHO) {
            s->state = ST_ECHO;
            return (uint16_t)(PAGEC_IP_HLEN + n);
        }
        /* a service's text, summed with the header (a line's data is
         * in its place already) */
        k = pagec_service_text(srv, now, s->opt[0], get16(s->f + F_SPORT),
                               s->u.reply.ram, n - UDP_HLEN, s->u.reply.ram);
        s->total = (uint16_t)(PAGEC_IP_HLEN + UDP_HLEN + k);
        s->u.reply.ip_sum = echo_ip_sum(s->total, addr_sum, PROTO_UDP);
        n = (uint16_t)(UDP_HLEN + k);
        ip_sum = finish(pagec_chksum_add(
            addr_sum + PROTO_UDP + n + n + get16(s->f + F_SPORT) +
                get16(s->f + F_DPORT),
            s->u.reply.ram, k));
        s->u.reply.sum = ip_sum ? ip_sum : 0xffffu;
#if PAGEC_LIVE
        s->u.reply.fields = 0;
#endif
        s->state = ST_REPLY;
        return s->total;
    }
#endif
    if (n < PAGEC_TCP_HLEN || s->thl > n) {
        return 0;
    }
    if (pagec_chksum_fold(s->sum + PROTO_TCP + n + addr_sum) != 0xffffu) {
        return 0;
    }
    seg.f = s->f;
    seg.dlen = (uint16_t)(n - s->thl);
    seg.win = s->win;
    seg.flags = s->tflags;
#if PAGEC_LARGE
    seg.opt = NULL; /* for an echo: no large replies on its port */
    seg.b = NULL;
#endif
#if PAGEC_SERVICES
    if (st == ST_ECHO) {
        /* a TCP echo, sent but for its last byte: the segment's sequence
         * number back where the decision reads it, and the decision */
        uint32_t ours = get32(s->f + F_ACK);

        const PAGEC_ROM struct pagec_tmpl *fixed;
        uint16_t limit;

        put32(s->f + F_ACK, ours - seg.dlen - (seg.flags & TH_FIN));
        k = pagec_tcp_decide(srv, &seg, now, &c, &limit, &fixed);
        put32(s->f + F_ACK, ours);
        if (k != PAGEC_TCP_ECHO) {
            return 0; /* the reply ends short */
        }
        s->opt[1] = 0; /* the last byte may go */
        s->state = ST_ECHO;
        return (uint16_t)(n - s->thl + PAGEC_HDR_LEN);
    }
#endif
    k = decide(srv, s, &seg, now, st, &c, &n);
    (void)k;
#if PAGEC_LARGE
    if (k == PAGEC_TCP_LARGE) {
        return n;
    }
#endif
#if PAGEC_SERVICES
    if (k >= SVC_DAYTIME) {
        /* a service's text (a line's data is in its place already) */
        n = pagec_service_text(srv, now, k, get16(s->f + F_SPORT),
                               s->u.reply.ram, seg.dlen, s->u.reply.ram);
        pagec_tcp_data(&c, srv->site, pagec_chksum_add(0, s->u.reply.ram, n),
                       n);
    }
#endif
#if PAGEC_LIVE
    if (k == PAGEC_TCP_REQUEST) {
        if (c.tmpl != NULL) {
            /* the request's state is read: its RAM takes the fields */
            c.more = pagec_live_fill(srv, c.tmpl, s->u.reply.ram, &field,
                                     &fields);
        }
    }
#endif
    if (c.tmpl == NULL) {
        return 0;
    }
#if PAGEC_LIVE
    s->u.reply.field = field;
    s->u.reply.fields = fields;
    s->u.reply.lpos = 0;
#endif
    s->u.reply.sum = pagec_tcp_finish(&c, s->f, addr_sum, &ip_sum);
    s->u.reply.ip_sum = ip_sum;
    s->u.reply.tmpl = c.tmpl;
    s->u.reply.code[0] = 0;
    if (c.status) {
        pagec_status_digits(c.status, s->u.reply.code);
    }
    s->tflags = c.flags;
    /* a HEAD reply is shorter than its pkt; a daytime reply longer */
    s->total = (uint16_t)(c.tmpl->len + c.extra);
    s->state = ST_REPLY;
    return s->total;
}

uint16_t pagec_stream_pending(const struct pagec_stream *s)
{
    if (s->state < ST_ECHO) {
        return 0; /* receiving, or dropped */
    }
    if (s->state >= ST_REPLY) {
        return (uint16_t)(s->total - s->out);
    }
    if (s->state == ST_ECHO) {
        /* the header, then one byte for each byte received */
#if PAGEC_SERVICES
        if (s->proto == PROTO_TCP) {
            /* but the last, until pagec_stream_end() */
            uint16_t k = (uint16_t)(s->pos - s->ihl - s->thl);

            if (s->opt[1] && s->pos == s->total) {
                k--;
            }
            return (uint16_t)(k + PAGEC_HDR_LEN - s->out);
        }
#endif
        return (uint16_t)(s->pos - s->ihl + PAGEC_IP_HLEN - s->out);
    }
    return 0;
}

#if PAGEC_ICMP_ECHO || PAGEC_SERVICES
/* The first bytes of an ICMP or UDP reply's header that are the same in
 * every reply: IPv4 without options, DF, identification 0 (atomic, RFC
 * 6864); the other bytes are patched. */
static const PAGEC_ROM uint8_t echo_hdr[IP_SRC] = {
    0x45, 0, 0, 0, 0, 0, 0x40, 0, PAGEC_IP_TTL};

/* Byte k (below 28) of an ICMP or UDP reply's header of len bytes. */
static uint8_t head_byte(const struct pagec_stream *s, uint16_t k,
                         uint16_t len)
{
    uint16_t v;

    if (k >= IP_SRC) {
        if (k < PAGEC_IP_HLEN || (s->proto == PROTO_UDP && k < UDP_AT + 4)) {
            return s->f[k - IP_SRC]; /* addresses, and UDP's ports */
        }
        if (k < PAGEC_IP_HLEN + 2) {
            return 0; /* ICMP type and code */
        }
        v = k < UDP_AT + 6 && s->proto == PROTO_UDP
                ? (uint16_t)(len - PAGEC_IP_HLEN) /* UDP length */
                : s->u.reply.sum;
    } else if (k == IP_LEN || k == IP_LEN + 1) {
        v = len;
    } else if (k == IP_SUM || k == IP_SUM + 1) {
        v = s->u.reply.ip_sum;
    } else if (k == 9) {
        return s->proto;
    } else {
        return PAGEC_ROM_BYTE(echo_hdr + k);
    }
    return (uint8_t)(k & 1u ? v : v >> 8);
}
#endif

/* s->f holds the reply's bytes from IP_SRC up to the data offset */
typedef char pagec_reply_f_named[IP_SRC + sizeof(((struct pagec_stream *)0)->f) ==
                                         TCP_OFF_AT
                                     ? 1
                                     : -1];

/* Byte k of a TCP reply: the header every reply shares (pagec/site.h)
 * with the length, the checksums, the addresses, ports and numbers, the
 * data offset, the flags and the window written, then the template's with
 * the status code written. */
static uint8_t reply_byte(const PAGEC_ROM struct pagec_site *site,
                          const struct pagec_stream *s, uint16_t k,
                          uint16_t len)
{
    uint16_t v;
    uint8_t j;

#if PAGEC_SERVICES
    if (s->proto == PROTO_UDP) {
        /* daytime's: the header, then the text */
        return k < PAGEC_IP_HLEN + UDP_HLEN
                   ? head_byte(s, k, len)
                   : s->u.reply.ram[k - PAGEC_IP_HLEN - UDP_HLEN];
    }
    if (k >= s->u.reply.tmpl->len) {
        return s->u.reply.ram[k - s->u.reply.tmpl->len]; /* daytime's */
    }
#endif
    if (k >= PAGEC_HDR_LEN) {
        k = (uint16_t)(k - PAGEC_HDR_LEN);
        if (s->u.reply.code[0] && (uint16_t)(k - PAGEC_STATUS_AT) < 3u) {
            return s->u.reply.code[k - PAGEC_STATUS_AT];
        }
        return PAGEC_ROM_BYTE(s->u.reply.tmpl->pkt + k);
    }
    j = (uint8_t)k; /* a header byte: compared in 8 bits */
    if (j < IP_SRC) {
        /* IPv4 up to its addresses: the length, the checksum, else the
         * same in every reply */
        if ((uint8_t)(j - IP_LEN) < 2) {
            v = len;
        } else if ((uint8_t)(j - IP_SUM) < 2) {
            v = s->u.reply.ip_sum;
        } else {
            return PAGEC_ROM_BYTE(pagec_ip_start + j);
        }
    } else if ((uint8_t)(j - IP_SRC) < sizeof s->f) {
        return s->f[j - IP_SRC];
    } else if ((uint8_t)(j - TCP_SUM_AT) < 2) {
        v = s->u.reply.sum;
    } else if (j > TCP_SUM_AT) {
        return 0; /* the urgent pointer */
    } else if (j == TCP_FLAGS_AT) {
        return s->tflags;
    } else if (j == TCP_OFF_AT) {
        return (uint8_t)((s->u.reply.tmpl->hlen - PAGEC_IP_HLEN) << 2);
    } else { /* the window */
        v = s->tflags & TH_RST ? 0 : site->window;
    }
    return (uint8_t)(j & 1u ? v : v >> 8);
}

#if PAGEC_LARGE
/* Byte k of a large reply's segment, or of a segment with options (a
 * SYN-ACK, an ACK): the header as pagec_large_emit() made it, from the
 * fields kept of it, then the data from the site. */
static uint8_t large_byte(const PAGEC_ROM struct pagec_site *site,
                          const struct pagec_stream *s, uint16_t k)
{
    uint8_t hl = s->u.large.hl;
    uint8_t kind = s->u.large.kind;
    uint16_t v;
    uint8_t j;

    if (k >= hl) {
        return PAGEC_ROM_BYTE(s->u.large.data + (k - hl));
    }
    j = (uint8_t)k;
    if (j >= PAGEC_HDR_LEN) {
        /* the options: a SYN-ACK's MSS, then SACK-permitted or two
         * no-operations (or both); else two no-operations; then the
         * timestamps, last */
        uint8_t ts = (uint8_t)(hl - (kind & OPT_TS ? 10u : 0u)); /* where */

        if (j >= ts) {
            j = (uint8_t)(j - ts);
            if (j < 2) {
                return j ? 10 : 8;
            }
            v = (uint16_t)((j < 6 ? s->u.large.tsval : s->u.large.b.ecr) >>
                           (j & 2u ? 16 : 0));
        } else if ((kind & OPT_SYN) && j < PAGEC_HDR_LEN + 4) {
            if (j < PAGEC_HDR_LEN + 2) {
                return j & 1u ? 4 : 2;
            }
            v = site->mss;
        } else if ((kind & (OPT_SYN | OPT_SACK_OK)) ==
                       (OPT_SYN | OPT_SACK_OK) &&
                   j >= ts - 2u) {
            return j & 1u ? 2 : 4;
        } else {
            return 1;
        }
    } else if (j < IP_SRC) {
        if ((uint8_t)(j - IP_LEN) < 2) {
            v = s->total;
        } else if ((uint8_t)(j - IP_SUM) < 2) {
            v = s->u.large.ip_sum;
        } else {
            return PAGEC_ROM_BYTE(pagec_ip_start + j);
        }
    } else if ((uint8_t)(j - IP_SRC) < sizeof s->f) {
        return s->f[j - IP_SRC];
    } else if ((uint8_t)(j - TCP_SUM_AT) < 2) {
        v = s->u.large.sum;
    } else if (j > TCP_SUM_AT) {
        return 0; /* the urgent pointer */
    } else if (j == TCP_FLAGS_AT) {
        return s->tflags;
    } else if (j == TCP_OFF_AT) {
        return (uint8_t)((hl - PAGEC_IP_HLEN) << 2);
    } else { /* the window */
        v = site->window;
    }
    return (uint8_t)(j & 1u ? v : v >> 8);
}
#endif

uint8_t pagec_stream_next(const struct pagec_server *srv,
                          struct pagec_stream *s)
{
#if PAGEC_LIVE
    /* a byte of a live field: from RAM, and on to the next field after
     * its last */
    if (s->state == ST_REPLY && s->u.reply.fields &&
        s->out >= PAGEC_HDR_LEN + s->u.reply.field->at) {
        const PAGEC_ROM struct pagec_field *f = s->u.reply.field;

        if (++s->out == PAGEC_HDR_LEN + f->at + f->width) {
            s->u.reply.field = f + 1;
            s->u.reply.fields--;
        }
        return s->u.reply.ram[s->u.reply.lpos++];
    }
#endif
    if (s->state == ST_REPLY) {
        return s->out < s->total
                   ? reply_byte(srv->site, s, s->out++, s->total)
                   : 0;
    }
#if PAGEC_LARGE
    if (s->state == ST_LARGE) {
        return s->out < s->total ? large_byte(srv->site, s, s->out++) : 0;
    }
#endif
#if PAGEC_ICMP_ECHO || PAGEC_SERVICES
    if (s->state == ST_ECHO && pagec_stream_pending(s)) {
        /* the header, then the byte received last */
        uint16_t k = s->out++;
        uint16_t len = (uint16_t)(s->total - s->ihl + PAGEC_IP_HLEN);
        uint8_t h = PAGEC_IP_HLEN + ICMP_HLEN - 4;

#if PAGEC_SERVICES
        if (s->proto == PROTO_TCP) {
            len = (uint16_t)(len - s->thl + PAGEC_TCP_HLEN);
            if (k < PAGEC_HDR_LEN) {
                return reply_byte(srv->site, s, k, len);
            }
            return s->latch;
        }
        if (s->proto == PROTO_UDP) {
            h = PAGEC_IP_HLEN + UDP_HLEN;
        }
#endif
        return k < h ? head_byte(s, k, len) : s->latch;
    }
#endif
    return 0; /* nothing to pull: a driver's mistake, made harmless */
}

#if PAGEC_LIVE || PAGEC_SERVICES
uint16_t pagec_stream_ram(struct pagec_stream *s, const uint8_t **run)
{
    uint16_t k = s->out;
    uint16_t n;

    if (s->state != ST_REPLY || k >= s->total) {
        return 0;
    }
#if PAGEC_LIVE
    if (s->u.reply.fields) {
        /* the rest of the live field the reply is in, if it is in one */
        const PAGEC_ROM struct pagec_field *f = s->u.reply.field;
        uint16_t end = (uint16_t)(PAGEC_HDR_LEN + f->at + f->width);

        if (k < PAGEC_HDR_LEN + f->at) {
            return 0;
        }
        n = (uint16_t)(end - k);
        *run = s->u.reply.ram + s->u.reply.lpos;
        s->u.reply.lpos = (uint8_t)(s->u.reply.lpos + n);
        s->u.reply.field = f + 1;
        s->u.reply.fields--;
        s->out = end;
        return n;
    }
#endif
#if PAGEC_SERVICES
    /* a service's text, after its UDP header or its TCP template */
    n = s->proto == PROTO_UDP ? PAGEC_IP_HLEN + UDP_HLEN
                              : s->u.reply.tmpl->len;
    if (k >= n) {
        *run = s->u.reply.ram + (k - n);
        s->out = s->total;
        return (uint16_t)(s->total - k);
    }
#endif
    return 0;
}
#endif

uint16_t pagec_stream_run(struct pagec_stream *s,
                          const PAGEC_ROM uint8_t **run)
{
    uint16_t k = s->out;
    uint16_t end = s->total;

#if PAGEC_LARGE
    if (s->state == ST_LARGE) {
        /* the data: all of it from the site */
        if (k < s->u.large.hl || k >= end) {
            return 0;
        }
        *run = s->u.large.data + (k - s->u.large.hl);
        s->out = end;
        return (uint16_t)(end - k);
    }
#endif
    if (s->state != ST_REPLY || k < PAGEC_HDR_LEN || k >= end ||
        s->proto != PROTO_TCP) {
        return 0;
    }
#if PAGEC_SERVICES
    if (end > s->u.reply.tmpl->len) {
        end = s->u.reply.tmpl->len; /* a daytime text follows, in RAM */
        if (k >= end) {
            return 0;
        }
    }
#endif
    if (s->u.reply.code[0]) {
        if (k < PAGEC_HDR_LEN + PAGEC_STATUS_AT) {
            end = PAGEC_HDR_LEN + PAGEC_STATUS_AT;
        } else if (k < PAGEC_HDR_LEN + PAGEC_STATUS_AT + 3) {
            return 0;
        }
    }
#if PAGEC_LIVE
    if (s->u.reply.fields) {
        /* up to the next live field, whose bytes come from
         * pagec_stream_next() */
        uint16_t at = (uint16_t)(PAGEC_HDR_LEN + s->u.reply.field->at);

        if (k >= at) {
            return 0;
        }
        if (at < end) {
            end = at;
        }
    }
#endif
    *run = s->u.reply.tmpl->pkt + (k - PAGEC_HDR_LEN);
    s->out = end;
    return (uint16_t)(end - k);
}

uint8_t pagec_stream_started(const struct pagec_stream *s)
{
    return s->out > 0;
}

uint8_t pagec_stream_more(const struct pagec_server *srv,
                          struct pagec_stream *s)
{
#if PAGEC_LARGE
    return s->state == ST_LARGE && large_next(srv, s) != 0;
#else
    (void)srv;
    (void)s;
    return 0; /* no large replies: one datagram for each */
#endif
}
