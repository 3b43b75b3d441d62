/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pagec_config.h - the options of the pagec runtime in this library.
 *
 * The Arduino IDE builds a library with no -D options of its own, so the
 * options are set here; pagec/opt.h reads this file first, for the
 * library's .c files and for a sketch's generated site alike, so both see
 * the same options. Every option and its cost is in pagec/opt.h. Change
 * one here, in the installed library's src folder, and every sketch built
 * with the library gets it. A site that needs another option than these
 * stops the build with an #error that names the option (its live fields'
 * bytes, PAGEC_LIVE_MAX; its format version).
 *
 * For an ATmega328P (Arduino Uno) on its serial port: no small services
 * (echo, discard, daytime), no large replies (every page one segment,
 * which pagec --max-segments 1 checks when it compiles the site; 10 KiB
 * of flash left for pages), every other option at its default. On a
 * Mega, PAGEC_LARGE 1 serves pages longer than a segment, within the
 * first 64 KiB of flash that __flash reaches (the driver keeps no table
 * of connections: a client without SACK gets one segment per ACK).
 */
#ifndef PAGEC_CONFIG_H
#define PAGEC_CONFIG_H

#define PAGEC_SERVICES 0
#define PAGEC_LARGE 0

/* The driver's streams (pagec_serial.c): a datagram more of a burst
 * each, 85 bytes of RAM each. */
#define PAGEC_SERIAL_STREAMS 6

#endif
