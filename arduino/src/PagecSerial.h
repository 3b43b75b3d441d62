/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PagecSerial.h - a web site compiled by pagec, served by an Arduino
 * over its serial port with SLIP (RFC 1055): the header a sketch includes.
 *
 * A sketch is C++, and the runtime is C: on AVR its site lives in flash
 * as __flash data, which C++ cannot name. So the runtime's API stays in C
 * (pagec_serial.c, in this library), and this header gives C++ what it
 * needs: the site as an address (NAME_rom() of the site's generated
 * header), the callbacks for live fields and actions in plain types, and
 * the PagecSerial class over a serial port. The formatting
 * helpers of live fields (pagec/live.h) may be included from C++ too.
 *
 * The driver reads the line while a reply goes out: six streams of the
 * streaming API (pagec/stream.h; PAGEC_SERIAL_STREAMS in pagec_config.h),
 * one receiving while the others' replies wait or go out, so that a
 * browser's six connections at once neither overflow the port's 64-byte
 * receive buffer nor find every stream taken; a datagram that does is
 * read and dropped whole (TCP sends it again). poll() never waits: it
 * does what the line allows and returns. Call it from loop() at least
 * every few milliseconds (at 115200 baud the receive buffer fills in
 * 5.6 ms), and do no other long work there.
 *
 *     #include <PagecSerial.h>
 *     #include "site.h"
 *
 *     PagecSerial web;
 *
 *     void setup() {
 *         Serial.begin(115200);
 *         while (!web.begin(Serial, site_rom()))
 *             web.provision(Serial); // an erased EEPROM: no secret yet
 *     }
 *     void loop() { web.poll(); }
 *
 * RAM: the streams (struct pagec_stream, 85 bytes each with the
 * library's options), the server's settings and a few bytes of the
 * driver's: SerialWeb's .data and .bss are 756 bytes on an Uno with the
 * Arduino core's (tests/emulated/arduino.sh prints them).
 */
#ifndef PAGEC_SERIAL_H
#define PAGEC_SERIAL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of the secret that keys the initial sequence numbers. */
#define PAGEC_SERIAL_SECRET_LEN 8

/* The line, as the driver uses it (the class below fills it). */
struct pagec_serial_line {
    int (*available)(void); /* bytes received and waiting */
    int (*read)(void);      /* the next of them */
    int (*room)(void);      /* bytes the transmitter takes without waiting */
    void (*write)(uint8_t c);
};

/*
 * Fills a live field (pagec(1), "Live fields"): id is NAME_LIVE_<name> of
 * the site's header, dst the field's width bytes. Returns the bytes
 * written, the rest of the field goes out as spaces; pagec/live.h has
 * helpers that format numbers and text into it.
 */
typedef uint8_t (*pagec_serial_live_fn)(uint8_t id, uint8_t *dst,
                                        uint8_t width);

/* Runs an action (pagec(1), "Actions"): id is NAME_ACTION_<name>, arg
 * the argument the site gives it. */
typedef void (*pagec_serial_action_fn)(uint8_t id, uint16_t arg);

/* 1 when the 8 bytes of secret may key a board: not erased (all 0xff,
 * as an EEPROM never written) and not all zero. */
uint8_t pagec_serial_secret_ok(const uint8_t *secret);

/*
 * Starts serving site (NAME_rom()) on line, keyed by the 8 bytes of
 * secret. Returns 0, and serves nothing, when pagec_serial_secret_ok()
 * refuses it: a key every such board would share.
 */
uint8_t pagec_serial_begin(const void *site, const uint8_t *secret,
                           const struct pagec_serial_line *line);

/* The callbacks of live fields and actions; NULL: none (live fields go
 * out as spaces, actions serve their page and do nothing else). */
void pagec_serial_callbacks(pagec_serial_live_fn live,
                            pagec_serial_action_fn action);

/* Reads what the line has, answers, sends what the transmitter takes;
 * ms is the clock in milliseconds (millis()). */
void pagec_serial_poll(uint32_t ms);

/* Datagrams dropped whole because every stream held a reply. */
uint16_t pagec_serial_shed(void);

#ifdef __cplusplus
}

class Stream;

/* The site served over a serial port: Serial (or Serial1 to Serial3 on a
 * Mega; the USB Serial of a Leonardo), any Stream whose
 * availableForWrite() tells the room in its transmit buffer. One object
 * per sketch: the driver is one. */
class PagecSerial {
public:
    /*
     * Serves site (NAME_rom() of the site's header) on port, which
     * Serial.begin() has opened (115200 baud: pagec-slip's default), with
     * the secret kept in the 8 bytes of EEPROM at eeprom. Returns false,
     * and serves nothing, when those bytes are erased: call provision().
     */
    bool begin(Stream &port, const void *site, uint16_t eeprom = 0);

    /* The callbacks of the site's live fields and actions. */
    void onLive(pagec_serial_live_fn live);
    void onAction(pagec_serial_action_fn action);

    /* Call from loop(), as often as it runs. */
    void poll();

    /*
     * Provisions the secret: writes to port, every few seconds, a line
     * asking for one, and waits for a line of 16 hex digits (pagec-secret
     * prints one; the IDE's Serial Monitor can send it), which it writes
     * to the EEPROM at eeprom. Returns true once stored; false when a
     * line that is not 16 hex digits, or all zero or all f, came.
     */
    bool provision(Stream &port, uint16_t eeprom = 0);

private:
    pagec_serial_live_fn live_ = nullptr;
    pagec_serial_action_fn action_ = nullptr;
};
#endif

#endif /* PAGEC_SERIAL_H */
