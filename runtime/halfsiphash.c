/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * halfsiphash.c - HalfSipHash with 32-bit output, the keyed pseudo-random
 * function that makes the runtime's initial sequence numbers
 * unpredictable (see pagec/pagec.h): HalfSipHash-1-3 for the ISN (as the
 * Linux kernel's hsiphash), HalfSipHash-2-4 exposed for its reference
 * vectors.
 *
 * Written from the description by Aumasson and Bernstein: four 32-bit
 * state words, little-endian message words, c compression rounds per
 * word and d finalisation rounds.
 */
#include "pagec/pagec.h"
#include "tcp.h"

#define ROTL32(x, b) (uint32_t)(((x) << (b)) | ((x) >> (32 - (b))))

#if defined(__AVR__)
/* An 8-bit core shifts a bit at a time, a loop per bit, but moves bytes
 * for nothing: each rotation is written as a byte rotation and at most 3
 * single-bit rotations. */
static inline __attribute__((always_inline)) uint32_t
rotr1(uint32_t x)
{
    /* LSR and three RORs, the bit that wraps around put back with BST
     * and BLD: the compiler's code for x >> 1 | x << 31 shifts in a
     * loop */
    __asm__("bst %A0, 0\n\t"
            "lsr %D0\n\t"
            "ror %C0\n\t"
            "ror %B0\n\t"
            "ror %A0\n\t"
            "bld %D0, 7"
            : "+r"(x));
    return x;
}

#define ROTL5(x) rotr1(rotr1(rotr1(ROTL32(x, 8))))
#define ROTL7(x) rotr1(ROTL32(x, 8))
#define ROTL13(x) rotr1(rotr1(rotr1(ROTL32(x, 16))))
#else
#define ROTL5(x) ROTL32(x, 5)
#define ROTL7(x) ROTL32(x, 7)
#define ROTL13(x) ROTL32(x, 13)
#endif

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* The last message word: the left (0 to 3) bytes at msg, and the
 * message's length len in the top byte. */
static uint32_t last_word(const uint8_t *msg, uint16_t left, uint16_t len)
{
    uint32_t m = (uint32_t)(len & 0xffu) << 24;

    switch (left) {
    case 3:
        m |= (uint32_t)msg[2] << 16;
        /* fall through */
    case 2:
        m |= (uint32_t)msg[1] << 8;
        /* fall through */
    case 1:
        m |= msg[0];
        break;
    default:
        break;
    }
    return m;
}

#if defined(__AVR__)
/* One SipRound on the state words v0 to v3, kept in locals so that an
 * 8-bit core holds them in its registers. */
#define SIPROUND()                                                           \
    do {                                                                     \
        v0 += v1;                                                            \
        v1 = ROTL5(v1);                                                      \
        v1 ^= v0;                                                            \
        v0 = ROTL32(v0, 16);                                                 \
        v2 += v3;                                                            \
        v3 = ROTL32(v3, 8);                                                  \
        v3 ^= v2;                                                            \
        v0 += v3;                                                            \
        v3 = ROTL7(v3);                                                      \
        v3 ^= v0;                                                            \
        v2 += v1;                                                            \
        v1 = ROTL13(v1);                                                     \
        v1 ^= v2;                                                            \
        v2 = ROTL32(v2, 16);                                                 \
    } while (0)

/* HalfSipHash-c-d of len bytes at msg. */
static uint32_t hsh(const uint8_t key[8], const uint8_t *msg, uint16_t len,
                    uint8_t c, uint8_t d)
{
    uint32_t k0 = le32(key);
    uint32_t k1 = le32(key + 4);
    uint32_t v0 = k0;
    uint32_t v1 = k1;
    uint32_t v2 = 0x6c796765u ^ k0;
    uint32_t v3 = 0x74656462u ^ k1;
    uint32_t m;
    uint16_t left = len;
    uint8_t r;

    /* the message words, then the last one: the bytes left and the
     * length in the top byte */
    for (;;) {
        if (left >= 4) {
            m = le32(msg);
        } else {
            m = last_word(msg, left, len);
        }
        v3 ^= m;
        for (r = c; r > 0; r--) {
            SIPROUND();
        }
        v0 ^= m;
        if (left < 4) {
            break;
        }
        left -= 4;
        msg += 4;
    }
    v2 ^= 0xffu;
    for (r = d; r > 0; r--) {
        SIPROUND();
    }
    return v1 ^ v3;
}

#else
/* On 32-bit cores the state is passed by pointer to one copy of the
 * rounds: the rounds inlined in each caller cost flash and buy little. */
struct state {
    uint32_t v0, v1, v2, v3;
};

static void rounds(struct state *s, uint8_t n)
{
    while (n--) {
        s->v0 += s->v1;
        s->v1 = ROTL5(s->v1);
        s->v1 ^= s->v0;
        s->v0 = ROTL32(s->v0, 16);
        s->v2 += s->v3;
        s->v3 = ROTL32(s->v3, 8);
        s->v3 ^= s->v2;
        s->v0 += s->v3;
        s->v3 = ROTL7(s->v3);
        s->v3 ^= s->v0;
        s->v2 += s->v1;
        s->v1 = ROTL13(s->v1);
        s->v1 ^= s->v2;
        s->v2 = ROTL32(s->v2, 16);
    }
}

static void absorb(struct state *s, uint32_t m, uint8_t c)
{
    s->v3 ^= m;
    rounds(s, c);
    s->v0 ^= m;
}

static void start(struct state *s, const uint8_t key[8])
{
    uint32_t k0 = le32(key);
    uint32_t k1 = le32(key + 4);

    s->v0 = k0;
    s->v1 = k1;
    s->v2 = 0x6c796765u ^ k0;
    s->v3 = 0x74656462u ^ k1;
}

static uint32_t finish(struct state *s, uint8_t d)
{
    s->v2 ^= 0xffu;
    rounds(s, d);
    return s->v1 ^ s->v3;
}

/* HalfSipHash-c-d of len bytes at msg. */
static uint32_t hsh(const uint8_t key[8], const uint8_t *msg, uint16_t len,
                    uint8_t c, uint8_t d)
{
    struct state s;
    uint16_t left = len;

    start(&s, key);
    for (; left >= 4; left -= 4, msg += 4) {
        absorb(&s, le32(msg), c);
    }
    absorb(&s, last_word(msg, left, len), c);
    return finish(&s, d);
}

#endif

uint32_t pagec_halfsiphash(const uint8_t key[8], const uint8_t *msg,
                           uint16_t len)
{
    return hsh(key, msg, len, 2, 4);
}

#if defined(__AVR__)
uint32_t pagec_isn_hash(const uint8_t key[8], const uint8_t client[4],
                        const uint8_t server[4], uint16_t client_port,
                        uint16_t server_port, uint32_t slot,
                        uint8_t mss_class)
{
    /* HalfSipHash-1-3 of the 16 bytes client, server, the two ports
     * (big-endian) and slot * 4 + mss_class (big-endian): on AVR hsh()'s
     * steps with each message word made where it is absorbed, no copy of
     * the message kept (a smaller stack on a small part) */
    uint32_t w = slot << 2 | (mss_class & 3u);
    uint32_t k0 = le32(key);
    uint32_t k1 = le32(key + 4);
    uint32_t v0 = k0;
    uint32_t v1 = k1;
    uint32_t v2 = 0x6c796765u ^ k0;
    uint32_t v3 = 0x74656462u ^ k1;
    uint32_t m;
    uint8_t i;

    for (i = 0; i < 5; i++) {
        switch (i) {
        case 0:
            m = le32(client);
            break;
        case 1:
            m = le32(server);
            break;
        case 2:
            m = (uint32_t)(uint8_t)(client_port >> 8) |
                (uint32_t)(uint8_t)client_port << 8 |
                (uint32_t)(uint8_t)(server_port >> 8) << 16 |
                (uint32_t)(uint8_t)server_port << 24;
            break;
        case 3:
            m = (uint32_t)(uint8_t)(w >> 24) |
                (uint32_t)(uint8_t)(w >> 16) << 8 |
                (uint32_t)(uint8_t)(w >> 8) << 16 | (uint32_t)(uint8_t)w << 24;
            break;
        default:
            m = (uint32_t)16 << 24; /* the length; no bytes left */
            break;
        }
        v3 ^= m;
        SIPROUND();
        v0 ^= m;
    }
    v2 ^= 0xffu;
    for (i = 0; i < 3; i++) {
        SIPROUND();
    }
    return v1 ^ v3;
}
#else
/* HalfSipHash-1-3 of the 16-byte message client address, server address,
 * client port, server port (network order), slot * 4 + class (4 bytes,
 * big-endian), its little-endian words made without the message. */
uint32_t pagec_isn_hash(const uint8_t key[8], const uint8_t client[4],
                        const uint8_t server[4], uint16_t client_port,
                        uint16_t server_port, uint32_t slot,
                        uint8_t mss_class)
{
    struct state s;
    uint32_t w = slot << 2 | (mss_class & 3u);

    start(&s, key);
    absorb(&s, le32(client), 1);
    absorb(&s, le32(server), 1);
    absorb(&s, (uint32_t)(client_port >> 8) | (uint32_t)(client_port & 0xffu) << 8 |
                   (uint32_t)(server_port >> 8) << 16 |
                   (uint32_t)(server_port & 0xffu) << 24,
           1);
    absorb(&s, w >> 24 | (w >> 8 & 0xff00u) | (w << 8 & 0xff0000u) | w << 24,
           1);
    absorb(&s, (uint32_t)16 << 24, 1); /* the length, no bytes left */
    return finish(&s, 3);
}

#endif

uint32_t pagec_isn(const uint8_t key[8], const uint8_t client[4],
                   const uint8_t server[4], uint16_t client_port,
                   uint16_t server_port, uint32_t slot, uint8_t mss_class,
                   uint32_t client_isn)
{
    uint32_t h = pagec_isn_hash(key, client, server, client_port,
                                server_port, slot, mss_class);

    return pagec_isn_top(slot, mss_class, h) |
           pagec_isn_b(h, (uint16_t)((client_isn + 1u) >> 16));
}
