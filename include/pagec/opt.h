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
 * PAGEC_ROM_BYTE(p): read one byte of generated site data at address p.
 * Default: a plain dereference. On Harvard parts that keep the site in
 * program memory (AVR with PROGMEM) define it as pgm_read_byte(p), and
 * PAGEC_ROM as the attribute that places data there. Cost: none.
 */
#ifndef PAGEC_ROM_BYTE
#define PAGEC_ROM_BYTE(p) (*(const uint8_t *)(p))
#endif

/*
 * PAGEC_ROM: attribute given to every generated array. Default: nothing
 * (const data stays wherever the toolchain puts const data).
 */
#ifndef PAGEC_ROM
#define PAGEC_ROM
#endif

/*
 * PAGEC_ICMP_ECHO==1: answer ICMP echo requests (ping). Cost: about 200
 * bytes of code on a 32-bit target, no RAM. Default 1.
 */
#ifndef PAGEC_ICMP_ECHO
#define PAGEC_ICMP_ECHO 1
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

#endif /* PAGEC_OPT_H */
