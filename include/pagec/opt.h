/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagec/opt.h - compile-time options of the pagec runtime.
 *
 * Every knob has a default here, guarded by #ifndef, so a firmware build
 * overrides it with -D on the command line (or by defining it before the
 * first pagec header is included). Impossible values fail the build with
 * an #error that names the option.
 */
#ifndef PAGEC_OPT_H
#define PAGEC_OPT_H

/*
 * pagec_config.h: a build that cannot pass -D options (the Arduino IDE
 * builds a library with none) sets them in a header of that name on its
 * include path; it is read first, here, by the runtime and by the
 * generated site alike, so that both see the same options.
 */
#if defined(__has_include)
#if __has_include(<pagec_config.h>)
#include <pagec_config.h>
#endif
#endif

/*
 * PAGEC_ROM: the qualifier of every generated site array and structure,
 * of the runtime's constant tables, and of the pointers to them. On AVR,
 * where a plain const array is copied into RAM at start-up, it is
 * __flash (avr-gcc's named address space for program memory, available
 * with -std=gnu99 or a later GNU standard): the site stays in flash and
 * the compiler reads it with LPM. Elsewhere it is empty (const data is in
 * flash already on ARM and RISC-V). Define it yourself for another
 * Harvard part; define it empty on AVR to keep the site in RAM. The
 * runtime and the generated site must see the same value. Cost: none on
 * von Neumann parts; on AVR, an LPM (3 cycles) for each byte read.
 */
#ifndef PAGEC_ROM
#if defined(__AVR__) && defined(__FLASH)
#define PAGEC_ROM __flash
#elif defined(__AVR__) && defined(__cplusplus)
/* C++ (an Arduino sketch) has no __flash: it may include the headers
 * that declare no site data, pagec/live.h and a generated site's header
 * (its names, and NAME_rom() for the site's address), not the runtime's
 * API, which stops at an #error (pagec/pagec.h) */
#define PAGEC_ROM_CXX 1
#define PAGEC_ROM
#elif defined(__AVR__)
#error "pagec on AVR keeps the site in flash with __flash: compile with -std=gnu99 (or define PAGEC_ROM empty to keep it in RAM)"
#else
#define PAGEC_ROM
#endif
#endif

/*
 * PAGEC_ROM_BYTE(p): reads the byte at p, a pointer to PAGEC_ROM data.
 * Default: a plain dereference (the qualifier in p's type makes the
 * compiler use the right instruction). The runtime reads the site's
 * structures (lengths, sums, pointers) by plain member access, so
 * PAGEC_ROM must be a qualifier the compiler reads through, such as
 * __flash; this macro alone cannot make a pgm_read_byte()-style site
 * work. Cost: none.
 */
#ifndef PAGEC_ROM_BYTE
#define PAGEC_ROM_BYTE(p) (*(p))
#endif

/*
 * PAGEC_ICMP_ECHO==1: answer ICMP echo requests (ping). Optional. Cost:
 * 150 to 230 bytes of code, no RAM. Default 1.
 */
#ifndef PAGEC_ICMP_ECHO
#define PAGEC_ICMP_ECHO 1
#endif

/*
 * PAGEC_HTTP_FIELDS==1: read the request's Accept-Encoding (the choice of
 * gzip or identity, with q-values, and 406) and If-None-Match (304).
 * With 0 only the request line is read: a page goes out in identity
 * encoding when the site has it and it fits the client, else gzipped,
 * as for a request without those fields; no 304. Optional. Cost: 1.1 to
 * 1.5 KiB of code (scripts/report.sh), no RAM. Default 1.
 */
#ifndef PAGEC_HTTP_FIELDS
#define PAGEC_HTTP_FIELDS 1
#endif

/*
 * PAGEC_PORTS==1: serve the pages pagec --port put on TCP ports of their
 * own. With 0 those ports are closed (RST). Optional. Cost: 80 to 210
 * bytes of code, no RAM. Default 1.
 */
#ifndef PAGEC_PORTS
#define PAGEC_PORTS 1
#endif

/*
 * PAGEC_SERVICES==1: the small services of RFC 862 (echo), RFC 863
 * (discard) and RFC 867 (daytime) on TCP and UDP ports 7, 9 and 13, and
 * the driver's own services (pagec_server.services: a reply on connect,
 * or a reply to one line, made by a callback), as pagec(3) says under
 * "What is answered" (a port of the site's keeps its page); 0: those TCP
 * ports are closed (RST) and UDP is dropped.
 * Optional. Cost: 1.2 to 2.2 KiB of code in the buffered API, 1.7 to 3.1
 * KiB in the streaming one (scripts/report.sh); the
 * services' RAM: struct pagec_reply's header grows to 40 +
 * PAGEC_SERVICE_MAX bytes when that is more than 52, and struct
 * pagec_stream holds a reply's text (and a line received) where the
 * request reader's state is.
 * Default 1.
 */
#ifndef PAGEC_SERVICES
#define PAGEC_SERVICES 1
#endif

/*
 * PAGEC_SERVICE_MAX: the most bytes of a service's reply text, the
 * daytime text or a driver's service's reply (its callback gets this
 * size; a longer text is cut), and of a line a service keeps (a longer
 * line is cut to its first PAGEC_SERVICE_MAX bytes). From 24 (the
 * daytime text made without a callback, "uptime 4294967295 s\r\n",
 * fits) to 255. Default 32. PAGEC_DAYTIME_MAX is its former name: when
 * only that is defined, it sets this; after this header both are the
 * same.
 */
#if !defined(PAGEC_SERVICE_MAX) && defined(PAGEC_DAYTIME_MAX)
#define PAGEC_SERVICE_MAX PAGEC_DAYTIME_MAX
#endif
#ifndef PAGEC_SERVICE_MAX
#define PAGEC_SERVICE_MAX 32
#endif
#ifndef PAGEC_DAYTIME_MAX
#define PAGEC_DAYTIME_MAX PAGEC_SERVICE_MAX
#endif

/*
 * PAGEC_LIVE==1: fill the live fields of pages (pagec(1), "Live fields")
 * through the driver's callback, pagec_server.live; 0: they go out as
 * their placeholders. Optional. Cost: code; PAGEC_LIVE_MAX bytes in
 * struct pagec_reply, and in struct pagec_stream those of them that the
 * request reader's state, which it shares, does not cover. Default 1.
 */
#ifndef PAGEC_LIVE
#define PAGEC_LIVE 1
#endif

/*
 * PAGEC_LIVE_MAX: the most bytes of live fields one reply may have, all
 * its fields together; a site with more (its NAME_LIVE_BYTES) fails to
 * compile. From 1 to 255. Default 32.
 */
#ifndef PAGEC_LIVE_MAX
#define PAGEC_LIVE_MAX 32
#endif

/*
 * PAGEC_ACTIONS==1: run the site's actions (pagec(1), "Actions") through
 * the driver's callback, pagec_server.action, refusing with 403 those
 * that Sec-Fetch-Site, Origin or Referer says come from another site; 0: an
 * action's target is served as its path alone (GET) or gets 405 (POST).
 * Needs PAGEC_HTTP_FIELDS. Optional. Cost: 1.3 to 2.0 KiB of code
 * (scripts/report.sh), and 17 bytes of the request reader's state
 * (Content-Length, the body read, hashes of Host, Origin and Referer).
 * Default 1 when PAGEC_HTTP_FIELDS is.
 */
#ifndef PAGEC_ACTIONS
#define PAGEC_ACTIONS PAGEC_HTTP_FIELDS
#endif

/*
 * PAGEC_LARGE==1: serve a site's large replies (pagec/site.h,
 * docs/large-pages.md), those longer than one segment, as several
 * segments; the driver sends every datagram pagec_server_next() gives
 * after pagec_server_input()'s. 0: such a reply is replaced by the
 * page's other encoding when that fits, else by 503, and the runtime
 * sends one datagram for each it receives. Optional. Cost: 4.1 to 4.7
 * KiB of code on Cortex-M, 10.0 to 10.7 KiB on AVR (scripts/report.sh;
 * with PAGEC_LARGE_FLOWS, its default); struct pagec_burst in struct
 * pagec_reply, and the options' state in struct pagec_stream. Default 1.
 */
#ifndef PAGEC_LARGE
#define PAGEC_LARGE 1
#endif

/*
 * PAGEC_LARGE_FLOWS==1 (with PAGEC_LARGE): the table of connections
 * without SACK or timestamps (pagec_server.flows, docs/large-pages.md),
 * so that such clients get a window and each lost segment again; 0: no
 * table, such clients get the rules without state (one segment per ACK
 * without SACK), and struct pagec_server has no flows. Optional. Cost:
 * 0.6 to 0.7 KiB of code on Cortex-M, 2.0 KiB on AVR (scripts/report.sh),
 * and the entries the driver gives (32 bytes each, 30 on AVR). Default
 * PAGEC_LARGE.
 */
#ifndef PAGEC_LARGE_FLOWS
#define PAGEC_LARGE_FLOWS PAGEC_LARGE
#endif

/*
 * PAGEC_AVR_ASM==1: on AVR, pagec_stream_byte() is the assembly version
 * in runtime/stream.c, which stores the usual header bytes in place and
 * calls the C reader only for the rest; 0: the C version, as on every
 * other core (both read the same bytes the same way; the emulated AVR
 * tests run the assembly, the unit and fuzz tests the C). Cost: 50 bytes
 * of flash more for fewer cycles a received byte (docs/benchmarks.md has
 * the figure with it). Default 1 on AVR with __flash, else 0 (and
 * ignored).
 */
#ifndef PAGEC_AVR_ASM
#if defined(__AVR__) && defined(__FLASH)
#define PAGEC_AVR_ASM 1
#else
#define PAGEC_AVR_ASM 0
#endif
#endif

/*
 * PAGEC_FAST_PATHS==1: the buffered API reads a request a run of bytes at
 * a time (the usual method and version, field names and values nobody
 * reads, plain path bytes) and sums checksums a 64-bit word at a time on
 * 32- and 64-bit cores; 0: it feeds every byte to the reader the
 * streaming API uses, and sums 32 bits at a time. The replies are the
 * same either way (the fuzz model checks both readers). Cost: 0.8 to
 * 1.2 KiB of code (docs/benchmarks.md), for about a fifth fewer
 * instructions a request. Default 0 when compiled for size (-Os, -Oz:
 * __OPTIMIZE_SIZE__), else 1.
 */
#ifndef PAGEC_FAST_PATHS
#if defined(__OPTIMIZE_SIZE__)
#define PAGEC_FAST_PATHS 0
#else
#define PAGEC_FAST_PATHS 1
#endif
#endif

/*
 * PAGEC_STATS==1: count why datagrams get no reply (or an RST) in the
 * struct pagec_stats that pagec_server.stats points to (enum pagec_why in
 * pagec/pagec.h). For finding out why a client gets nothing. Cost: a
 * pointer in struct pagec_server, the counters' RAM (4 bytes each), a
 * test and an increment where a datagram is dropped. Default 0.
 */
#ifndef PAGEC_STATS
#define PAGEC_STATS 0
#endif

/*
 * PAGEC_MODEM==1: the PPP receiver (pagec/ppp.h) answers a modem's
 * dialogue before PPP begins: Hayes commands (AT, ATD, ATH, ATO, "+++"
 * with its guard time) and the direct cable's CLIENT. Cost: 450 to 570
 * bytes of code (scripts/report.sh, the PPP table: its options table
 * measures builds without PPP, where it costs nothing), 6 bytes in
 * struct pagec_ppp. Default 1.
 */
#ifndef PAGEC_MODEM
#define PAGEC_MODEM 1
#endif

/*
 * PAGEC_ISN_SLOT_LOG2: the ISN changes every 2^PAGEC_ISN_SLOT_LOG2 seconds
 * of the clock the driver passes to pagec_server_input(); a request is
 * answered for an ISN of the current slot or of the 3 before it, so an
 * exchange may last at least 3 slots (default 6: 64-second slots, at least
 * 192 s, longer than a client's SYN retransmissions and several data
 * retransmissions). Cost: none.
 */
#ifndef PAGEC_ISN_SLOT_LOG2
#define PAGEC_ISN_SLOT_LOG2 6
#endif

#if PAGEC_ISN_SLOT_LOG2 < 0 || PAGEC_ISN_SLOT_LOG2 > 16
#error "PAGEC_ISN_SLOT_LOG2 must be between 0 and 16"
#endif
#if PAGEC_ICMP_ECHO != 0 && PAGEC_ICMP_ECHO != 1
#error "PAGEC_ICMP_ECHO must be 0 or 1"
#endif
#if PAGEC_HTTP_FIELDS != 0 && PAGEC_HTTP_FIELDS != 1
#error "PAGEC_HTTP_FIELDS must be 0 or 1"
#endif
#if PAGEC_AVR_ASM != 0 && PAGEC_AVR_ASM != 1
#error "PAGEC_AVR_ASM must be 0 or 1"
#endif
#if PAGEC_FAST_PATHS != 0 && PAGEC_FAST_PATHS != 1
#error "PAGEC_FAST_PATHS must be 0 or 1"
#endif
#if PAGEC_LIVE != 0 && PAGEC_LIVE != 1
#error "PAGEC_LIVE must be 0 or 1"
#endif
#if PAGEC_LIVE_MAX < 1 || PAGEC_LIVE_MAX > 255
#error "PAGEC_LIVE_MAX must be between 1 and 255"
#endif
#if PAGEC_ACTIONS != 0 && PAGEC_ACTIONS != 1
#error "PAGEC_ACTIONS must be 0 or 1"
#endif
#if PAGEC_ACTIONS && !PAGEC_HTTP_FIELDS
#error "PAGEC_ACTIONS needs PAGEC_HTTP_FIELDS (Origin and Sec-Fetch-Site are read)"
#endif
#if PAGEC_STATS != 0 && PAGEC_STATS != 1
#error "PAGEC_STATS must be 0 or 1"
#endif
#if PAGEC_SERVICES != 0 && PAGEC_SERVICES != 1
#error "PAGEC_SERVICES must be 0 or 1"
#endif
#if PAGEC_SERVICE_MAX < 24 || PAGEC_SERVICE_MAX > 255
#error "PAGEC_SERVICE_MAX must be between 24 and 255"
#endif
#if PAGEC_DAYTIME_MAX != PAGEC_SERVICE_MAX
#error "PAGEC_DAYTIME_MAX is PAGEC_SERVICE_MAX's former name: set one of them"
#endif
#if PAGEC_LARGE != 0 && PAGEC_LARGE != 1
#error "PAGEC_LARGE must be 0 or 1"
#endif
#if PAGEC_LARGE_FLOWS != 0 && PAGEC_LARGE_FLOWS != 1
#error "PAGEC_LARGE_FLOWS must be 0 or 1"
#endif
#if PAGEC_LARGE_FLOWS && !PAGEC_LARGE
#error "PAGEC_LARGE_FLOWS needs PAGEC_LARGE"
#endif
#if PAGEC_PORTS != 0 && PAGEC_PORTS != 1
#error "PAGEC_PORTS must be 0 or 1"
#endif

#endif /* PAGEC_OPT_H */
