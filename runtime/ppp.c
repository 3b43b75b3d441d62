/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ppp.c - PPP in HDLC-like framing and a modem's dialogue, as
 * pagec/ppp.h describes them.
 */
#include "pagec/ppp.h"

#include "wire.h"

#define F_ESC 1u  /* the byte before was 0x7d */
#define F_DROP 2u /* the frame is too long: dropped at its flag */

#define PROTO_IP 0x0021u
#define PROTO_LCP 0xc021u
#define PROTO_IPCP 0x8021u

/* LCP and IPCP codes (RFC 1661 section 5) */
#define CONF_REQ 1
#define CONF_ACK 2
#define CONF_REJ 4
#define TERM_REQ 5
#define TERM_ACK 6
#define CODE_REJ 7
#define PROTO_REJ 8
#define ECHO_REQ 9
#define ECHO_REP 10
#define DISCARD_REQ 11

#define GOOD_FCS 0xf0b8u /* RFC 1662 section C.2 */

/* p->cp: for LCP (shift 0) and IPCP (shift 3), RFC 1661's states in three
 * bits: none (closed, waiting for the peer), Req-Sent (SENT), Ack-Rcvd
 * (SENT, ACKED), Ack-Sent (SENT, PEER), Opened (SENT, ACKED, PEER) */
#define CP_SENT 1u   /* the device's request has gone */
#define CP_ACKED 2u  /* and the peer acked it */
#define CP_PEER 4u   /* the device acked the peer's */
#define CP_NOADDR 0x40u /* IPCP: the peer refused the device's address */
#define RESTART_MS 3000u /* RFC 1661's restart timer */

uint16_t pagec_ppp_fcs(uint16_t fcs, uint8_t c)
{
    uint8_t i;

    fcs ^= c;
    for (i = 0; i < 8; i++) {
        fcs = (uint16_t)(fcs & 1u ? (fcs >> 1) ^ 0x8408u : fcs >> 1);
    }
    return fcs;
}

/* A frame being sent: its FCS so far, and the line. */
struct out {
    pagec_slip_put put;
    void *ctx;
    uint16_t fcs;
};

/* A byte to the line, escaped when it is a flag, an escape or a control
 * character (the default ACCM). */
static void put_esc(struct out *o, uint8_t c)
{
    if (c < 0x20u || c == PAGEC_PPP_FLAG || c == PAGEC_PPP_ESC) {
        o->put(PAGEC_PPP_ESC, o->ctx);
        c ^= 0x20u;
    }
    o->put(c, o->ctx);
}

static void out_byte(struct out *o, uint8_t c)
{
    o->fcs = pagec_ppp_fcs(o->fcs, c);
    put_esc(o, c);
}

static void out_begin(struct out *o, uint16_t proto)
{
    o->put(PAGEC_PPP_FLAG, o->ctx);
    o->fcs = 0xffffu;
    out_byte(o, 0xff); /* all stations */
    out_byte(o, 0x03); /* unnumbered information */
    out_byte(o, (uint8_t)(proto >> 8));
    out_byte(o, (uint8_t)proto);
}

static void out_end(struct out *o)
{
    uint16_t f = (uint16_t)~o->fcs;

    put_esc(o, (uint8_t)f); /* low byte first */
    put_esc(o, (uint8_t)(f >> 8));
    o->put(PAGEC_PPP_FLAG, o->ctx);
}

/* An LCP or IPCP packet's header: code, identifier, length. */
static void out_packet(struct out *o, uint16_t proto, uint8_t code, uint8_t id,
                       uint16_t len)
{
    out_begin(o, proto);
    out_byte(o, code);
    out_byte(o, id);
    out_byte(o, (uint8_t)(len >> 8));
    out_byte(o, (uint8_t)len);
}

static void out_bytes(struct out *o, const uint8_t *p, uint16_t n)
{
    uint16_t i;

    for (i = 0; i < n; i++) {
        out_byte(o, p[i]);
    }
}

/* Whether the device takes a peer's option of type t and length l. */
static int option_ok(uint16_t proto, uint8_t t, uint8_t l)
{
    if (proto == PROTO_IPCP) {
        return t == 3 && l == 6; /* IP-Address */
    }
    return (t == 1 && l == 4) ||          /* Maximum-Receive-Unit */
           ((t == 2 || t == 5) && l == 6); /* ACCM, Magic-Number */
}

static uint8_t shift_of(uint16_t proto)
{
    return proto == PROTO_IPCP ? 3 : 0;
}

/* The device's Configure-Request: LCP's asks for nothing, IPCP's for the
 * device's address if it has one (and the peer did not refuse it). */
static void request(struct pagec_ppp *p, const struct pagec_server *srv,
                    uint16_t proto, uint32_t now, struct out *o)
{
    const uint8_t *a = srv->addr;

    if (proto == PROTO_IPCP && (a[0] | a[1] | a[2] | a[3]) &&
        !(p->cp & CP_NOADDR)) {
        out_packet(o, proto, CONF_REQ, ++p->id, 10);
        out_byte(o, 3);
        out_byte(o, 6);
        out_bytes(o, a, 4);
    } else {
        out_packet(o, proto, CONF_REQ, ++p->id, 4);
    }
    out_end(o);
    p->cp = (uint8_t)((p->cp & ~(CP_ACKED << shift_of(proto))) |
                      CP_SENT << shift_of(proto));
    p->sent = now;
}

/*
 * The peer's Configure-Request pkt (len bytes, its header's length): an
 * Ack, or a Reject of the options not taken; and the device's own request
 * when the layer was closed or open (RFC 1661: Closed or Opened and a
 * Configure-Request: send both). A malformed list of options gets
 * nothing.
 */
static void configure(struct pagec_ppp *p, const struct pagec_server *srv,
                      uint16_t proto, const uint8_t *pkt, uint16_t len,
                      uint32_t now, struct out *o)
{
    uint16_t i;
    uint16_t rej = 0; /* bytes of options rejected */
    uint8_t sh = shift_of(proto);
    uint8_t st = (uint8_t)((p->cp >> sh) & 7u);
    uint8_t pass;

    for (i = 4; i < len; i = (uint16_t)(i + pkt[i + 1])) {
        if (i + 2u > len || pkt[i + 1] < 2 || i + pkt[i + 1] > len) {
            return;
        }
        if (!option_ok(proto, pkt[i], pkt[i + 1])) {
            rej = (uint16_t)(rej + pkt[i + 1]);
        }
    }
    out_packet(o, proto, rej ? CONF_REJ : CONF_ACK, pkt[1],
               (uint16_t)(4 + (rej ? rej : len - 4)));
    /* the options again: all of them, or those rejected */
    for (i = 4; i < len; i = (uint16_t)(i + pkt[i + 1])) {
        pass = !rej || !option_ok(proto, pkt[i], pkt[i + 1]);
        if (pass) {
            out_bytes(o, pkt + i, pkt[i + 1]);
        }
    }
    out_end(o);
    if (rej) {
        p->cp &= (uint8_t)~(CP_PEER << sh);
    } else {
        p->cp |= (uint8_t)(CP_PEER << sh);
    }
    if (st == 0 || st == (CP_SENT | CP_ACKED | CP_PEER)) {
        if (st && proto == PROTO_LCP) {
            p->cp &= (uint8_t)~(7u << 3); /* LCP down: IPCP with it */
        }
        request(p, srv, proto, now, o);
    }
}

/* A complete frame of a protocol other than IPv4: pkt, n bytes. */
static void control(struct pagec_ppp *p, const struct pagec_server *srv,
                    uint16_t proto, const uint8_t *pkt, uint16_t n,
                    uint32_t now, struct out *o)
{
    uint16_t len;

    if (proto != PROTO_LCP && proto != PROTO_IPCP) {
        /* Protocol-Reject: the protocol, then as much of the packet as
         * the peer's least MRU (1500) holds */
        if (n > 1490) {
            n = 1490;
        }
        out_packet(o, PROTO_LCP, PROTO_REJ, ++p->id, (uint16_t)(6 + n));
        out_byte(o, (uint8_t)(proto >> 8));
        out_byte(o, (uint8_t)proto);
        out_bytes(o, pkt, n);
        out_end(o);
        return;
    }
    if (n < 4) {
        return;
    }
    len = get16(pkt + 2);
    if (len < 4 || len > n) {
        return; /* padding past len is allowed, a length past n is not */
    }
    switch (pkt[0]) {
    case CONF_REQ:
        configure(p, srv, proto, pkt, len, now, o);
        return;
    case CONF_ACK:
        if (pkt[1] == p->id && (p->cp >> shift_of(proto)) & CP_SENT) {
            p->cp |= (uint8_t)(CP_ACKED << shift_of(proto));
        }
        return;
    case 3: /* Configure-Nak */
    case CONF_REJ:
        /* of the device's request: IPCP's again without the address;
         * LCP's asks for nothing, and goes again on the timer */
        if (proto == PROTO_IPCP && pkt[1] == p->id) {
            p->cp |= CP_NOADDR;
            request(p, srv, proto, now, o);
        }
        return;
    case TERM_REQ:
        out_packet(o, proto, TERM_ACK, pkt[1], 4);
        out_end(o);
        /* the layer is down (LCP's: IPCP's too, and a dialer hangs up) */
        if (proto == PROTO_LCP) {
            p->cp = 0;
#if PAGEC_MODEM
            p->mode = 0; /* command mode */
#endif
        } else {
            p->cp &= (uint8_t)~(7u << 3);
        }
        return;
    case ECHO_REQ:
        if (proto != PROTO_LCP) {
            break;
        }
        if (len < 8) {
            return; /* no room for a magic number: dropped */
        }
        /* the same identifier and data; magic number 0: none was
         * negotiated for the device */
        out_packet(o, proto, ECHO_REP, pkt[1], len);
        out_byte(o, 0);
        out_byte(o, 0);
        out_byte(o, 0);
        out_byte(o, 0);
        out_bytes(o, pkt + 8, (uint16_t)(len - 8));
        out_end(o);
        return;
    case TERM_ACK:
    case CODE_REJ:
        return;
    case PROTO_REJ:
    case ECHO_REP:
    case DISCARD_REQ:
        if (proto == PROTO_LCP) {
            return;
        }
        break;
    default:
        break;
    }
    /* Code-Reject: the packet it rejects */
    if (len > 1496) {
        len = 1496;
    }
    out_packet(o, proto, CODE_REJ, ++p->id, (uint16_t)(4 + len));
    out_bytes(o, pkt, len);
    out_end(o);
}

void pagec_ppp_init(struct pagec_ppp *p, uint8_t *buf, uint16_t size)
{
    p->buf = buf;
    p->size = size;
    p->len = 0;
    p->fcs = 0xffffu;
    p->flags = 0;
    p->id = 0;
    p->cp = 0;
    p->sent = 0;
#if PAGEC_MODEM
    p->mode = 0;
    p->plus = 0;
    p->last = 0;
#endif
}

/* One byte of PPP; returns an IPv4 datagram's length as
 * pagec_ppp_input() does. */
static uint16_t ppp_byte(struct pagec_ppp *p, const struct pagec_server *srv,
                         uint8_t c, uint32_t now, struct out *o)
{
    if (c == PAGEC_PPP_FLAG) {
        uint16_t n = p->len;
        uint8_t ok = !p->flags && n >= PAGEC_PPP_HLEN + 2 &&
                     p->fcs == GOOD_FCS && p->buf[0] == 0xff &&
                     p->buf[1] == 0x03;

        p->len = 0;
        p->fcs = 0xffffu;
        p->flags = 0;
        if (!ok) {
            return 0; /* an empty frame between two flags, or a bad one */
        }
        n = (uint16_t)(n - PAGEC_PPP_HLEN - 2);
        if (get16(p->buf + 2) == PROTO_IP) {
            return n;
        }
        control(p, srv, get16(p->buf + 2), p->buf + PAGEC_PPP_HLEN, n, now,
                o);
        return 0;
    }
    if (p->flags & F_DROP) {
        return 0;
    }
    if (c == PAGEC_PPP_ESC) {
        p->flags |= F_ESC;
        return 0;
    }
    if (p->flags & F_ESC) {
        c ^= 0x20u;
        p->flags &= (uint8_t)~F_ESC;
    }
    if (p->len == p->size) {
        p->flags |= F_DROP;
        return 0;
    }
    p->buf[p->len++] = c;
    p->fcs = pagec_ppp_fcs(p->fcs, c);
    return 0;
}

#if PAGEC_MODEM
/* p->mode: bit 7 data mode; in command mode, where in a command */
#define M_DATA 0x80u
#define M_START 0   /* at the start of a command */
#define M_A 1       /* "A" */
#define M_AT 2      /* "AT" */
#define M_ATD 3     /* "ATD...": CONNECT at its end */
#define M_ATO 4     /* "ATO...": back to data mode at its end */
#define M_ATX 5     /* another AT command: OK at its end */
#define M_BAD 6     /* not a command: ERROR at its end */
#define M_CLIENT 7  /* "C", and 8 to 12 the rest of "CLIENT" */

#define GUARD_MS 1000u /* the pause around "+++" */

static void say(const char *s, struct out *o)
{
    o->put('\r', o->ctx);
    o->put('\n', o->ctx);
    while (*s) {
        o->put((uint8_t)*s++, o->ctx);
    }
    o->put('\r', o->ctx);
    o->put('\n', o->ctx);
}

/* One byte in command mode; returns 1 when it starts data mode and is
 * PPP's (a flag). */
static uint8_t command(struct pagec_ppp *p, uint8_t c, struct out *o)
{
    static const char client[] = "CLIENT";
    uint8_t m = p->mode;
    uint8_t u = (uint8_t)(c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);

    if (c == PAGEC_PPP_FLAG) {
        p->mode = M_DATA; /* a peer that does not dial */
        return 1;
    }
    if (c == '\r') {
        if (m == M_ATD) {
            say("CONNECT 115200", o);
            p->mode = M_DATA;
            return 0;
        }
        if (m == M_ATO) {
            p->mode = M_DATA;
            say("CONNECT 115200", o);
            return 0;
        }
        if (m != M_START) {
            say(m == M_AT || m == M_ATX ? "OK" : "ERROR", o);
        }
        p->mode = M_START;
        return 0;
    }
    if (m == M_START) {
        m = u == 'A' ? M_A : u == 'C' ? M_CLIENT : (c == '\n' || c == ' ') ? M_START : M_BAD;
    } else if (m == M_A) {
        m = u == 'T' ? M_AT : M_BAD;
    } else if (m == M_AT) {
        m = u == 'D' ? M_ATD : u == 'O' ? M_ATO : M_ATX; /* ATH: OK */
    } else if (m >= M_CLIENT) {
        m = u == (uint8_t)client[m - M_CLIENT + 1] ? (uint8_t)(m + 1) : M_BAD;
        if (m == M_CLIENT + 5) {
            /* as it is, no CR LF: what Windows' direct cable waits for */
            const char *r = "CLIENTSERVER";

            while (*r) {
                o->put((uint8_t)*r++, o->ctx);
            }
            p->mode = M_DATA;
            return 0;
        }
    }
    p->mode = m;
    return 0;
}
#endif

uint16_t pagec_ppp_input(struct pagec_ppp *p, const struct pagec_server *srv,
                         uint8_t c, uint32_t now, pagec_slip_put put,
                         void *ctx)
{
    struct out o;

    o.put = put;
    o.ctx = ctx;
    o.fcs = 0;
#if PAGEC_MODEM
    {
        uint32_t quiet = now - p->last;

        p->last = now;
        if (!(p->mode & M_DATA)) {
            if (!command(p, c, &o)) {
                return 0;
            }
        } else if (c == '+' && (p->plus ? p->plus < 3 : quiet >= GUARD_MS)) {
            p->plus++; /* part of an escape, and of whatever PPP reads */
        } else {
            p->plus = 0;
        }
    }
#endif
    return ppp_byte(p, srv, c, now, &o);
}

void pagec_ppp_poll(struct pagec_ppp *p, const struct pagec_server *srv,
                    uint32_t now, pagec_slip_put put, void *ctx)
{
    struct out o;
    uint8_t sh;

    o.put = put;
    o.ctx = ctx;
    o.fcs = 0;
    /* the device's request not acked in RESTART_MS: again */
    for (sh = 0; sh <= 3; sh = (uint8_t)(sh + 3)) {
        if (((p->cp >> sh) & (CP_SENT | CP_ACKED)) == CP_SENT &&
            now - p->sent >= RESTART_MS) {
            request(p, srv, sh ? PROTO_IPCP : PROTO_LCP, now, &o);
        }
    }
#if PAGEC_MODEM
    if (p->plus == 3 && now - p->last >= GUARD_MS) {
        p->plus = 0;
        p->mode = M_START;
        p->len = 0; /* the '+' bytes are no frame */
        p->fcs = 0xffffu;
        p->flags = 0;
        say("OK", &o);
    }
#endif
}

void pagec_ppp_send_reply(const struct pagec_reply *reply,
                          pagec_slip_put put, void *ctx)
{
    struct out o;
    const uint8_t *q;
    uint16_t len;
    uint16_t i;
    uint8_t k;
    uint8_t kind;

    o.put = put;
    o.ctx = ctx;
    out_begin(&o, PROTO_IP);
    out_bytes(&o, reply->hdr, reply->hdr_len);
    for (k = 0; (kind = pagec_reply_piece(reply, k, &q, &len)) != 0; k++) {
        for (i = 0; i < len; i++) {
            out_byte(&o, kind == 1 ? PAGEC_ROM_BYTE((const PAGEC_ROM uint8_t *)q + i)
                                   : q[i]);
        }
    }
    out_end(&o);
}
