/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * large.c - large replies (PAGEC_LARGE): a reply longer than one segment
 * sent as several, with no memory per connection. Every segment sent is
 * computed from the segment received, the secret and the clock; the
 * rules, and why they are these, are in docs/large-pages.md.
 *
 * Where a large reply's segments lie (pagec/site.h): its bytes are cut on
 * a grid of B bytes whose points, but the first and the last, lie at
 * offsets 2v modulo B (v: the reply's index + 1); a segment in MSS class
 * c spans per = (MSS - 12) / B blocks, the first one ending at grid point
 * per. So the client's cumulative ACK, a segment's end, names the reply
 * (its offset modulo B) and the segment (its grid point over per).
 */
#include <stddef.h>

#include "pagec/chksum.h"
#include "tcp.h"
#include "wire.h"

#if PAGEC_LARGE

#define FLIGHT 10     /* segments in flight: RFC 6928's initial window */
#define CAP 4         /* the most a poke or a SACK hole draws */
#define FRESH 100u    /* ms: a segment taken this recently shows the data
                         flows */
#define TS_INDEX 1023u /* TSval's low 10 bits: the segment's index + 1 */
#define TS_TIME 0x3fffffu /* TSval's top 22 bits: the clock in ms */
#define OFF_MAX 0x08000000u /* our offsets are below 2^27 */
#define TS_LEN 12     /* NOP, NOP, timestamps option */
#define HOLD 1000u    /* ms: an entry of the table used this recently is
                         not taken for another connection */

#define SLOT_MASK (0xffffffffu >> PAGEC_ISN_SLOT_LOG2)

void pagec_tcp_options(const uint8_t *t, uint8_t thl, struct pagec_opt *o)
{
    uint8_t i = PAGEC_TCP_HLEN;

    o->has = 0;
    o->nsack = 0;
    if (thl == PAGEC_TCP_HLEN + TS_LEN && t[20] == 1 && t[21] == 1 &&
        t[22] == 8 && t[23] == 10) {
        /* the usual layout of a segment with timestamps (RFC 7323
         * appendix A): read at once */
        o->has = OPT_TS;
        o->tsval = get32(t + 24);
        o->tsecr = get32(t + 28);
        return;
    }
    while (i < thl && t[i] != 0) {
        uint8_t len;

        if (t[i] == 1) { /* no-operation */
            i++;
            continue;
        }
        if (i + 1 >= thl) {
            break;
        }
        len = t[i + 1];
        if (len < 2 || i + len > thl) {
            break;
        }
        if (t[i] == 4 && len == 2) {
            o->has |= OPT_SACK_OK;
        } else if (t[i] == 8 && len == 10) {
            o->has |= OPT_TS;
            o->tsval = get32(t + i + 2);
            o->tsecr = get32(t + i + 6);
        } else if (t[i] == 5 && len >= 10 && (len - 2) % 8 == 0) {
            const uint8_t *e = t + i + 2;
            const uint8_t *end = t + i + len;

            for (; e < end && o->nsack < 4; e += 8) {
                o->sack[2 * o->nsack] = get32(e);
                o->sack[2 * o->nsack + 1] = get32(e + 4);
                o->nsack++;
            }
        }
        i = (uint8_t)(i + len);
    }
}

/* The driver's clock in ms. */
static uint32_t millis(const struct pagec_server *srv, uint32_t now)
{
    return srv->millis ? srv->millis(srv) : now * 1000u;
}

/* Where large reply k's segments lie in MSS class cls. */
struct geo {
    const PAGEC_ROM struct pagec_large *l;
    uint32_t len;  /* its bytes */
    uint32_t m;    /* grid points after 0: the last, m, is len */
    uint32_t nseg; /* segments */
    uint16_t v2;   /* 2v: the offset of grid point 1 */
    uint16_t per;  /* grid points a segment spans */
    uint8_t shift; /* log2 B */
};

static void geo(const PAGEC_ROM struct pagec_site *site, uint16_t k,
                uint8_t cls, struct geo *g)
{
    uint16_t bsize = site->block;
    uint16_t lim = pagec_tcp_class_limit(site, cls);

    g->l = &site->large[k];
    g->len = g->l->len;
    g->v2 = (uint16_t)(2u * (k + 1u));
    for (g->shift = 0; (1u << g->shift) < bsize; g->shift++) {
    }
    g->per = lim > TS_LEN + bsize ? (uint16_t)((lim - TS_LEN) >> g->shift)
                                  : 1u;
    g->m = 1u + ((g->len - g->v2 + bsize - 1u) >> g->shift);
    g->nseg = (g->m + g->per - 1u) / g->per;
}

/* The offset of grid point p. */
static uint32_t grid(const struct geo *g, uint32_t p)
{
    if (p == 0) {
        return 0;
    }
    return p >= g->m ? g->len : g->v2 + ((p - 1u) << g->shift);
}

/* The index of the segment that starts at offset o (nseg: the end, or
 * the end and our FIN), or 0xffffffff when o is no segment's start. */
static uint32_t index_of(const struct geo *g, uint32_t o)
{
    uint32_t p;

    if (o == 0) {
        return 0;
    }
    if (o == g->len || o == g->len + 1u) {
        return g->nseg;
    }
    if (o < g->v2 || o > g->len ||
        ((o - g->v2) & ((1u << g->shift) - 1u)) != 0) {
        return 0xffffffffu;
    }
    p = ((o - g->v2) >> g->shift) + 1u;
    return p % g->per == 0 ? p / g->per : 0xffffffffu;
}

/* The first segment that does not end within offset o + win: segments
 * below it may go. */
static uint32_t window_end(const struct geo *g, uint32_t o, uint16_t win)
{
    uint32_t e = o + win;
    uint32_t p;

    if (e >= g->len) {
        return g->nseg;
    }
    p = e < g->v2 ? 0 : ((e - g->v2) >> g->shift) + 1u;
    return p / g->per;
}

/* Appends segments [from, to) to b, within [0, lim), after what b has. */
static void add(struct pagec_burst *b, uint32_t from, uint32_t to,
                uint32_t lim)
{
    uint8_t n = b->nrange;

    if (to > lim) {
        to = lim;
    }
    if (n && from < b->to[n - 1]) {
        from = b->to[n - 1];
    }
    if (from >= to) {
        return;
    }
    if (n && from == b->to[n - 1]) {
        b->to[n - 1] = to;
        return;
    }
    if (n < PAGEC_BURST_RANGES) {
        b->from[n] = from;
        b->to[n] = to;
        b->nrange = (uint8_t)(n + 1u);
    }
}

/* A pure ACK with the timestamps option, acknowledging ack, from our
 * sequence number seq: the one segment of b. */
static uint8_t pure_ack(struct pagec_burst *b, uint32_t seq, uint32_t ack,
                        uint32_t ms)
{
    b->seq0 = seq;
    b->ack = ack;
    /* the highest index: not below the TSval of any segment sent this
     * millisecond (PAWS, RFC 7323 section 5) */
    b->ts = ms << 10 | TS_INDEX;
    b->opt = (uint8_t)((b->opt & OPT_TS) | OPT_ACK);
    b->nrange = 0;
    return PAGEC_TCP_LARGE;
}

/* 1 when segment i is in a SACK block of e (indices, nsack pairs). */
static int sacked(const uint32_t *e, uint8_t nsack, uint32_t i)
{
    uint8_t k;

    for (k = 0; k < nsack; k++) {
        if (i >= e[2 * k] && i < e[2 * k + 1]) {
            return 1;
        }
    }
    return 0;
}

/* The first max segments from a up to hi in no SACK block of e (indices,
 * nsack pairs) appended to b within lim; how many. */
static uint8_t holes(struct pagec_burst *b, const uint32_t *e, uint8_t nsack,
                     uint32_t a, uint32_t hi, uint32_t lim, uint8_t max)
{
    uint8_t got = 0;
    uint32_t i;

    for (i = a; i < hi && got < max; i++) {
        if (!sacked(e, nsack, i)) {
            add(b, i, i + 1u, lim);
            got++;
        }
    }
    return got;
}

/*
 * The table of connections without SACK or timestamps
 * (pagec_server.flows): the entry of seg's connection (our byte 0 at
 * seq0, the client's port, and its bytes up to the end of the request);
 * with make (seg is the request: the reply from its start), that entry
 * or, when there is none, the entry free or least recently used, unless
 * used less than HOLD ago, made its, with nothing sent. NULL: no table,
 * or none and not make, or all held.
 */
static struct pagec_flow *flow(const struct pagec_server *srv,
                               const struct pagec_seg *seg, uint32_t ms,
                               int make)
{
#if PAGEC_LARGE_FLOWS
    struct pagec_flow *f = srv->flows;
    struct pagec_flow *old = NULL;
    uint16_t port = get16(seg->f + F_DPORT);
    uint32_t seq0 = seg->b->seq0;
    uint32_t rcv = get32(seg->f + F_ACK) + seg->dlen;
    uint8_t i;

    if (f == NULL || port == 0) {
        return NULL;
    }
    for (i = 0; i < srv->nflows; i++, f++) {
        if (f->seq0 == seq0 && f->port == port && f->rcv == rcv) {
            old = f;
            break;
        }
        if (!old || (old->port != 0 &&
                     (f->port == 0 || ms - f->used > ms - old->used))) {
            old = f;
        }
    }
    if (i < srv->nflows && !make) {
        old->used = ms;
        return old;
    }
    /* an entry used less than HOLD ago stays: a new client then goes
     * without rather than take an active one's */
    if (!make || !old ||
        (i == srv->nflows && old->port != 0 && ms - old->used < HOLD)) {
        return NULL;
    }
    old->seq0 = seq0;
    old->rcv = rcv;
    old->port = port;
    old->used = ms;
    old->next = 0;
    old->una = 0;
    old->mark = 0;
    old->dups = 0;
    return old;
#else
    (void)srv;
    (void)seg;
    (void)ms;
    (void)make;
    return NULL;
#endif
}

#define TAIL 2 /* the last segments sent twice to a client of the table */
#define AGAIN 4 /* duplicate ACKs after which a missing segment goes again */

/* A client the table serves, when it has an entry: one that offered
 * SACK and timestamps needs none (docs/large-pages.md). */
#define TABLED(b) \
    (((b)->opt & (OPT_SACK_OK | OPT_TS)) != (OPT_SACK_OK | OPT_TS))

/* Segments [from, to) appended to b as they are: copies of what b has. */
static void again(struct pagec_burst *b, uint32_t from, uint32_t to)
{
    uint8_t n = b->nrange;

    if (from < to && n < PAGEC_BURST_RANGES) {
        b->from[n] = from;
        b->to[n] = to;
        b->nrange = (uint8_t)(n + 1u);
    }
}

/* The segments b holds. */
static uint32_t queued(const struct pagec_burst *b)
{
    uint32_t n = 0;
    uint8_t k;

    for (k = 0; k < b->nrange; k++) {
        n += b->to[k] - b->from[k];
    }
    return n;
}

/* The segments up to to not yet sent added to b within lim, no more than
 * FLIGHT in b in all, and f->next past them; those of the reply's last
 * TAIL (of nseg) twice when they fit too, so that the loss of one still
 * leaves an arrival to draw an ACK. */
static void add_new(struct pagec_burst *b, struct pagec_flow *f,
                    uint32_t to, uint32_t lim, uint32_t nseg)
{
    uint32_t from = f->next;
    uint32_t room = FLIGHT - queued(b);
    uint32_t copy = 0;

    if (to > lim) {
        to = lim;
    }
    if (to > from + room) {
        to = from + room;
    }
    if (to <= from) {
        return;
    }
    add(b, from, to, lim);
    f->next = to;
    if (to == nseg) {
        copy = to - from < TAIL ? to - from : TAIL;
        if (to - from + copy > room) {
            copy = 0;
        }
    }
    again(b, to - copy, to);
}

/*
 * What a pure ACK or a poke at segment a gets in a connection without
 * SACK or timestamps that has an entry f: a sender's rules (RFC 5681,
 * 6582) on what f says was sent, within the client's window (segments
 * below lim). New data acknowledged moves the window; the first
 * duplicate ACK sends the segment it names again, and each one after it
 * one new segment (RFC 3042), so that duplicates keep coming; more
 * duplicates than segments were in flight beyond a when it was sent
 * again show that copy lost too. A partial ACK names the next hole; a
 * poke, the client's timer, sends a again, twice; with SACK blocks (e,
 * their indices; hi, the highest), both also the holes they name; an ACK
 * of all that was sent (a window that opened) draws new segments.
 */
static void flow_ack(const struct pagec_seg *seg, struct pagec_flow *f,
                     uint32_t a, uint32_t lim, uint32_t nseg,
                     const uint32_t *e, uint32_t hi)
{
    struct pagec_burst *b = seg->b;
    uint8_t nsack = seg->opt->nsack;

    if (f->next < a) {
        f->next = a;
    }
    if (seg->dlen > 0 || a > f->una) {
        if (seg->dlen > 0 || (f->dups && a < f->mark)) {
            if (a < lim) {
                if (seg->dlen == 0) {
                    /* a partial ACK names the next hole; with SACK the
                     * next two, so that one loss does not stop the ACKs
                     * that clock the rest */
                    if (holes(b, e, nsack, a, hi, lim, 2u) == 0) {
                        add(b, a, a + 1u, lim);
                    }
                } else {
                    /* a poke, the client's timer (backed off, maybe for
                     * seconds: its answer lost would cost another): a
                     * twice, and the next holes SACK names (a burst
                     * holds four ranges) */
                    add(b, a, a + 1u, lim);
                    again(b, a, a + 1u);
                    holes(b, e, nsack, a + 1u, hi, lim, CAP - 2u);
                }
                f->mark = f->next;
                f->dups = 1;
            }
        } else {
            f->dups = 0;
        }
        if (a > f->una) {
            f->una = a;
        }
        add_new(b, f, a + FLIGHT, lim, nseg);
        return;
    }
    if (a < f->una || a >= lim) {
        return; /* an older ACK, or a window that takes nothing */
    }
    if (a == f->next) {
        add_new(b, f, a + FLIGHT, lim, nseg); /* nothing is missing */
        return;
    }
    /* sent again: at the first duplicate (dups 0); when its copy is shown
     * lost, or every AGAIN duplicates (those that came of segments sent
     * before the copy cannot be told from the others); and at each once
     * nothing new goes, which would keep duplicates coming */
    if (f->dups % AGAIN == 0 || f->dups > f->mark - a ||
        f->next >= nseg || f->next >= a + 2u * FLIGHT) {
        add(b, a, a + 1u, lim);
        f->mark = f->next;
        f->dups = 0;
    }
    f->dups++; /* 1 to AGAIN */
    if (f->next < a + 2u * FLIGHT) {
        add_new(b, f, f->next + 1u, lim, nseg);
    }
}

/*
 * What an ACK at offset o (on the grid of large reply k, or 0 with SACK
 * blocks naming it) gets: the table of docs/large-pages.md, "What each
 * datagram gets".
 */
static uint8_t decide(const struct pagec_server *srv,
                      const struct pagec_seg *seg, uint32_t now,
                      uint16_t k, uint32_t o)
{
    const struct pagec_opt *opt = seg->opt;
    struct pagec_burst *b = seg->b;
    uint32_t seq = get32(seg->f + F_ACK);
    uint32_t ms = millis(srv, now);
    uint32_t e[8];
    uint32_t a;
    uint32_t lim;
    uint32_t hi = 0;
    uint32_t i;
    /* without SACK a duplicate ACK is the very ACK that came before it,
     * timestamp included: answering either with more than one segment
     * makes copies, each of which draws another; so stop and wait */
    uint8_t w = b->opt & OPT_SACK_OK ? FLIGHT : 1;
    uint8_t n;
    struct geo g;
    struct pagec_flow *fl;

    geo(srv->site, k, PAGEC_TOP2(b->seq0 - 1u, 4), &g);
    a = index_of(&g, o);
    if (a == 0xffffffffu) {
        PAGEC_COUNT(srv, PAGEC_WHY_ACK);
        return PAGEC_TCP_DONE;
    }
    /* every SACK edge a segment boundary of the same reply */
    for (n = 0; n < 2 * opt->nsack; n++) {
        e[n] = index_of(&g, opt->sack[n] - b->seq0);
        if (e[n] == 0xffffffffu || e[n] > g.nseg) {
            PAGEC_COUNT(srv, PAGEC_WHY_ACK);
            return PAGEC_TCP_DONE;
        }
        if ((n & 1u) && e[n] > hi) {
            hi = e[n];
        }
    }
    if (seg->flags & TH_FIN) {
        /* the client is done: acknowledge it all */
        return pure_ack(b, b->seq0 + o, seq + seg->dlen + 1u, ms);
    }
    b->large = k;
    b->per = g.per;
    b->ts = ms << 10;
    b->ack = seq + seg->dlen - 1u; /* all but the last byte: pokes */
    b->nrange = 0;
    lim = window_end(&g, o, seg->win);
    fl = TABLED(b) ? flow(srv, seg, ms, 0) : NULL;
    if (opt->nsack &&
        (e[1] <= a || (opt->nsack > 1 && e[0] >= e[2] && e[1] <= e[3])) &&
        (fl == NULL || a <= fl->una)) {
        /* a D-SACK: a copy came twice (in the table, one whose ACK is
         * new data acknowledged stands for the ACK before it, lost) */
        return PAGEC_TCP_DONE;
    }
    if (fl != NULL) {
        flow_ack(seg, fl, a, lim, g.nseg, e, hi);
    } else if (opt->nsack) {
        uint32_t first = e[0];
        uint32_t last = e[1];

        if (seg->dlen == 0) {
            uint32_t low = 0xffffffffu;
            uint32_t run;

            /* the lowest missing segment */
            for (i = a; i < hi; i++) {
                if (!sacked(e, opt->nsack, i)) {
                    low = i;
                    break;
                }
            }
            if (low != 0xffffffffu) {
                add(b, low, low + 1u, lim);
            }
            /* the newest block holds one segment: the arrival that
             * revealed the hole below it, sent now */
            if (last - first == 1u) {
                run = first > a + (CAP - 1u) ? first - (CAP - 1u) : a;
                for (i = first; i > run && !sacked(e, opt->nsack, i - 1u);
                     i--) {
                }
                add(b, i, first, lim);
            }
            /* the arrival clock: keep FLIGHT in flight */
            add(b, last - 1u + FLIGHT, last + FLIGHT, lim);
        } else {
            /* a poke: the first CAP missing, or CAP after the blocks */
            if (holes(b, e, opt->nsack, a, hi, lim, CAP) == 0) {
                add(b, hi, hi + CAP, lim);
            }
        }
    } else if (opt->has & OPT_TS) {
        uint32_t age = (ms - (opt->tsecr >> 10)) & TS_TIME;
        uint32_t f = opt->tsecr & TS_INDEX;

        if (age >= FRESH) {
            add(b, a, a + w, lim); /* a stall: restart at a */
        } else if (seg->dlen == 0 && f != 0) {
            /* j: the first segment the ACK covers */
            uint32_t j = a - ((a - (f - 1u)) & TS_INDEX);

            if (j < a) {
                add(b, j + w > a ? j + w : a, a + w, lim);
            }
        }
        /* a poke while segments were taken FRESH ago: spurious */
    } else if (seg->dlen == 0) {
        if (b->opt & OPT_SACK_OK) {
            /* taken to cover two segments, as delayed ACKs do; near the
             * end, the last two, or the tail would wait for a poke */
            i = a + w - 2u;
            if (i + 2u > g.nseg) {
                i = g.nseg > a + 2u ? g.nseg - 2u : a;
            }
            add(b, i, a + w, lim);
        } else {
            add(b, a, a + 1u, lim); /* stop and wait */
        }
    } else {
        add(b, a, a + (w < CAP ? w : CAP), lim);
    }
    return b->nrange ? PAGEC_TCP_LARGE : PAGEC_TCP_DONE;
}

uint8_t pagec_large_syn(const struct pagec_server *srv,
                        const struct pagec_seg *seg, uint32_t now,
                        struct pagec_choice *c, uint32_t isn)
{
    const struct pagec_opt *opt = seg->opt;
    struct pagec_burst *b = seg->b;
    uint32_t seq = get32(seg->f + F_ACK);

    if (opt->has & OPT_SACK_OK) {
        isn ^= PAGEC_ISN_SACK;
    }
    if (!(opt->has & (OPT_SACK_OK | OPT_TS))) {
        c->tmpl = &srv->site->syn_ack;
        c->seq = isn;
        c->ack = seq + 1u;
        c->flags = TH_SYN | TH_ACK;
        return PAGEC_TCP_DONE;
    }
    b->seq0 = isn;
    b->ack = seq + 1u;
    b->ts = millis(srv, now) << 10;
    b->ecr = opt->tsval;
    b->opt = (uint8_t)(OPT_SYN | (opt->has & (OPT_SACK_OK | OPT_TS)));
    b->nrange = 0;
    return PAGEC_TCP_LARGE;
}

/* The large reply whose FIN's ACK is offset o (odd), sent as such in MSS
 * class cls (its one-segment reply does not fit the class), or 0xffff. */
static uint16_t fin_of(const PAGEC_ROM struct pagec_site *site, uint32_t o,
                       uint8_t cls)
{
    uint16_t lim = pagec_tcp_class_limit(site, cls);
    uint16_t k;

    for (k = 0; k < site->nlarge; k++) {
        const PAGEC_ROM struct pagec_tmpl *t =
            &site->variants[site->large[k].variant].get;

        if (site->large[k].len + 1u == o && t->len - t->hlen > lim) {
            return k;
        }
    }
    return 0xffffu;
}

/* 1 when offset o of our sequence space can be acknowledged in MSS class
 * cls: the request's (0), a FIN's (odd: a one-segment reply's, or a
 * large one's), or a large reply's segment boundary. */
static int known(const PAGEC_ROM struct pagec_site *site, uint8_t cls,
                 uint32_t o)
{
    uint16_t v;
    struct geo g;

    if (o == 0) {
        return 1;
    }
    if (o & 1u) {
        return o <= (uint32_t)site->max_data + 1u ||
               fin_of(site, o, cls) != 0xffffu;
    }
    if (o >= OFF_MAX) {
        return 0;
    }
    v = (uint16_t)((o & (site->block - 1u)) >> 1);
    if (v == 0 || v > site->nlarge) {
        return 0;
    }
    geo(site, (uint16_t)(v - 1u), cls, &g);
    return index_of(&g, o) < g.nseg;
}

uint8_t pagec_large_ack(const struct pagec_server *srv,
                        const struct pagec_seg *seg, uint32_t now,
                        uint32_t *isn)
{
    const PAGEC_ROM struct pagec_site *site = srv->site;
    const struct pagec_opt *opt = seg->opt;
    struct pagec_burst *b = seg->b;
    const uint8_t *f = seg->f;
    uint32_t seq = get32(f + F_ACK); /* the segment's */
    uint32_t am1 = get32(f + F_SEQ) - 1u;
    uint32_t slot = now >> PAGEC_ISN_SLOT_LOG2;
    uint32_t o = 0;
    uint16_t hi = (uint16_t)(seq >> 16);
    uint32_t nearest = 0xffffffffu; /* the smallest offset a candidate
                                       gave */
    uint8_t near = 0;
    uint8_t i;
    uint8_t j;

    /* the ISN's top five bits are the ACK's, or one less when the offset
     * and the low bits carried into them: at most two hashes */
    for (i = 0; i < 2; i++) {
        uint32_t cand = am1 - (i ? PAGEC_ISN_SACK : 0u);
        uint32_t s =
            slot - ((uint8_t)((uint8_t)slot - PAGEC_TOP2(cand, 6)) & 3u);
        uint8_t cls = PAGEC_TOP2(cand, 4);
        uint32_t h = pagec_isn_hash(srv->secret, f + F_PEER, f + F_OURS,
                                    get16(f + F_DPORT), get16(f + F_SPORT),
                                    s & SLOT_MASK, cls);
        uint32_t base = pagec_isn_top(s, cls, h);
        uint8_t sack = ((base ^ cand) & PAGEC_ISN_SACK) != 0;

        base ^= sack ? PAGEC_ISN_SACK : 0u;
        for (j = 0; j < 2; j++) {
            *isn = base | pagec_isn_b(h, (uint16_t)(hi - j));
            o = am1 - *isn;
            if (o < nearest) {
                nearest = o; /* for the RST below */
            }
            if (known(site, cls, o)) {
                b->seq0 = *isn + 1u;
                b->opt = (uint8_t)((sack ? OPT_SACK_OK : 0u) |
                                   (opt->has & OPT_TS));
                b->ecr = opt->tsval;
                b->nrange = 0;
                goto found;
            }
            if ((uint16_t)seq > site->window) {
                break; /* no carry from the client's bytes */
            }
        }
    }
    /* off the grid but within a large reply: a reply of ours cut again
     * by a middlebox, or a stale ACK; not answered. Else as any
     * unacceptable ACK. */
    for (i = 0; i < site->nlarge && !near; i++) {
        near = nearest <= site->large[i].len + 1u;
    }
    if (near) {
        PAGEC_COUNT(srv, PAGEC_WHY_ACK);
        return PAGEC_TCP_DONE;
    }
    return PAGEC_TCP_RESET;

found:
    if (o == 0 && opt->nsack == 0) {
        struct pagec_flow *fl;

        if (!(seg->flags & TH_FIN) && TABLED(b) &&
            (fl = flow(srv, seg, millis(srv, now), 0)) != NULL &&
            fl->next > 0 && fl->large < site->nlarge) {
            /* the reply's first segment lost: a duplicate ACK, or a
             * poke (segments sent after it acknowledged all but the
             * request's last byte, so the client's timer sends that
             * byte alone, not a request to start over) */
            return decide(srv, seg, now, fl->large, 0);
        }
        return PAGEC_TCP_REQUEST; /* a request, or nothing yet */
    }
    if ((o & 1u) && TABLED(b)) {
        /* the client has all of the reply: its entry is free (else the
         * entries of replies long done would fill the table) */
        struct pagec_flow *fl = flow(srv, seg, 0, 0);

        if (fl != NULL) {
            fl->port = 0;
        }
    }
    if ((o & 1u) && (opt->has & OPT_TS) &&
        (seg->dlen > 0 || (seg->flags & TH_FIN))) {
        /* after our FIN, the client's data or FIN: acknowledged with the
         * timestamps option, which every segment of the connection
         * carries once agreed (RFC 7323 section 3.2) */
        return pure_ack(b, *isn + 1u + o,
                        seq + seg->dlen + (seg->flags & TH_FIN),
                        millis(srv, now));
    }
    if (o & 1u) {
        /* the ACK of a FIN of ours: the one-segment rules. A pure ACK
         * gets nothing: the client's FIN that follows, or its timer's
         * poke (data), gets the ACK of its last byte. (Answering the pure
         * ACK too would answer a client that has closed meanwhile, which
         * sends an RST.) */
        return PAGEC_TCP_REQUEST;
    }
    if (o == 0) {
        /* the first segment was lost: the block names the reply (the
         * request sent again with it, or a poke, draws what is missing) */
        uint32_t le = opt->sack[0] - b->seq0;
        uint16_t v = (uint16_t)((le & (site->block - 1u)) >> 1);

        if (v == 0 || v > site->nlarge || le >= OFF_MAX) {
            PAGEC_COUNT(srv, PAGEC_WHY_ACK);
            return PAGEC_TCP_DONE;
        }
        return decide(srv, seg, now, (uint16_t)(v - 1u), 0);
    }
    return decide(srv, seg, now,
                  (uint16_t)(((o & (site->block - 1u)) >> 1) - 1u), o);
}

const PAGEC_ROM struct pagec_large *
pagec_large_of(const PAGEC_ROM struct pagec_site *site,
               const PAGEC_ROM struct pagec_tmpl *t, uint16_t *k)
{
    uint16_t i;

    for (i = 0; i < site->nlarge; i++) {
        if (&site->variants[site->large[i].variant].get == t) {
            *k = i;
            return &site->large[i];
        }
    }
    return NULL;
}

void pagec_large_request(const struct pagec_server *srv,
                         const struct pagec_seg *seg, uint32_t now,
                         uint16_t k)
{
    struct pagec_burst *b = seg->b;
    uint32_t seq = get32(seg->f + F_ACK);
    uint32_t lim;
    struct pagec_flow *f;
    struct geo g;

    geo(srv->site, k, PAGEC_TOP2(b->seq0 - 1u, 4), &g);
    b->large = k;
    b->per = g.per;
    b->ts = millis(srv, now) << 10;
    /* none of the request yet: should the first segment be lost, the
     * client's timer sends the whole request again, which restarts the
     * reply (a client of the table: a poke, pagec_large_ack()); segments
     * sent once it has the first acknowledge all but the request's last
     * byte (decide()) */
    b->ack = seq;
    b->nrange = 0;
    lim = window_end(&g, 0, seg->win);
    if (TABLED(b) && (f = flow(srv, seg, millis(srv, now), 1)) != NULL) {
        f->large = k;
        add_new(b, f, FLIGHT, lim, g.nseg);
    } else {
        add(b, 0, b->opt & OPT_SACK_OK ? FLIGHT : 1u, lim);
    }
}

uint16_t pagec_large_emit(const struct pagec_server *srv,
                          struct pagec_burst *b, uint8_t *h,
                          const PAGEC_ROM uint8_t **data, uint16_t *n)
{
    const PAGEC_ROM struct pagec_site *site = srv->site;
    uint8_t *o = h + PAGEC_HDR_LEN; /* the options */
    uint32_t seq = b->seq0;
    uint32_t ts = b->ts;
    uint32_t sum = 0;
    uint16_t len = 0;
    uint16_t tcp;
    uint8_t olen = 0;
    uint8_t flags = TH_ACK; /* a data segment's: PSH too */
    uint8_t k;

    *data = NULL;
    if (b->opt & OPT_SYN) {
        uint16_t mss = site->mss;

        o[0] = 2;
        o[1] = 4;
        o[2] = (uint8_t)(mss >> 8);
        o[3] = (uint8_t)mss;
        olen = 4;
        if (!(b->opt & OPT_TS)) {
            o[4] = 1;
            o[5] = 1;
            olen = 6;
        }
        if (b->opt & OPT_SACK_OK) {
            o[olen] = 4;
            o[olen + 1] = 2;
            olen = (uint8_t)(olen + 2u);
        }
        flags = TH_SYN | TH_ACK;
    } else if (b->opt & OPT_ACK) {
        /* a pure ACK: seq0 is its sequence number */
    } else if (b->nrange) {
        struct geo g;
        uint32_t i = b->from[0];
        uint32_t s;
        uint32_t e;
        const PAGEC_ROM uint16_t *sums;

        geo(site, b->large, PAGEC_TOP2(b->seq0 - 1u, 4), &g);
        sums = g.l->sums;
        s = i * g.per;
        e = s + g.per < g.m ? s + g.per : g.m;
        /* PSH on every segment: Linux then acknowledges each at once
         * rather than wait for a second (stop and wait) */
        flags = e == g.m ? TH_FIN | TH_PSH | TH_ACK : TH_PSH | TH_ACK;
        seq += grid(&g, s);
        *data = g.l->data + grid(&g, s);
        len = (uint16_t)(grid(&g, e) - grid(&g, s));
        sum = (uint32_t)sums[e] + (uint16_t)~sums[s];
        ts |= (i + 1u) & TS_INDEX;
        if (++b->from[0] == b->to[0]) {
            b->nrange--;
            for (k = 0; k < b->nrange; k++) {
                b->from[k] = b->from[k + 1];
                b->to[k] = b->to[k + 1];
            }
        }
    } else {
        return 0;
    }
    if (b->opt & OPT_TS) {
        if (olen == 0 || olen == 4) {
            o[olen] = 1;
            o[olen + 1] = 1;
            olen = (uint8_t)(olen + 2u);
        }
        o[olen] = 8;
        o[olen + 1] = 10;
        put32(o + olen + 2, ts);
        put32(o + olen + 6, b->ecr);
        olen = (uint8_t)(olen + 10u);
    }
    b->opt &= (uint8_t)~(OPT_SYN | OPT_ACK);
    *n = len;
    tcp = (uint16_t)(PAGEC_TCP_HLEN + olen + len);
    for (k = 0; k < IP_SRC; k++) {
        h[k] = PAGEC_ROM_BYTE(pagec_ip_start + k);
    }
    h[IP_LEN] = (uint8_t)((PAGEC_IP_HLEN + tcp) >> 8);
    h[IP_LEN + 1] = (uint8_t)(PAGEC_IP_HLEN + tcp);
    put32(h + PAGEC_IP_HLEN + 4, seq);
    put32(h + PAGEC_IP_HLEN + 8, b->ack);
    h[TCP_OFF_AT] = (uint8_t)((PAGEC_TCP_HLEN + olen) << 2);
    h[TCP_FLAGS_AT] = flags;
    h[TCP_WIN_AT] = (uint8_t)(site->window >> 8);
    h[TCP_WIN_AT + 1] = (uint8_t)site->window;
    h[TCP_SUM_AT] = 0;
    h[TCP_SUM_AT + 1] = 0;
    h[TCP_SUM_AT + 2] = 0;
    h[TCP_SUM_AT + 3] = 0;
    sum = finish(pagec_chksum_add(sum + PROTO_TCP + tcp, h + IP_SRC,
                                  (uint16_t)(PAGEC_HDR_LEN - IP_SRC + olen)));
    h[TCP_SUM_AT] = (uint8_t)(sum >> 8);
    h[TCP_SUM_AT + 1] = (uint8_t)sum;
    sum = finish(pagec_chksum_add(0, h, PAGEC_IP_HLEN));
    h[IP_SUM] = (uint8_t)(sum >> 8);
    h[IP_SUM + 1] = (uint8_t)sum;
    return (uint16_t)(PAGEC_IP_HLEN + tcp);
}

#endif /* PAGEC_LARGE */
