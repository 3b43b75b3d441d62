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

#if PAGEC_ICMP_ECHO != 0 && PAGEC_ICMP_ECHO != 1
#error "PAGEC_ICMP_ECHO must be 0 or 1"
#endif

#endif /* PAGEC_OPT_H */
