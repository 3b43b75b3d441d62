/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uart.h - the two serial lines of the pagec-m3 firmware: UART0 carries
 * SLIP (received by interrupt into a ring, sent by polling), UART1 is a
 * console that prints a start-up line and nothing else.
 */
#ifndef M3_UART_H
#define M3_UART_H

#include <stdint.h>

/* The line speed of both UARTs, 8N1, no flow control. */
#define UART_BAUD 115200u

/*
 * Bytes the receive ring holds: a power of two, at most 65536. It fills
 * while a reply is being sent (up to about 2 KiB on the line when every
 * byte of a 1006-byte datagram needs an escape); what does not fit is
 * lost, and the damaged frame then fails the IPv4 length or checksum
 * checks of the runtime and is dropped, like a frame hit by line noise.
 */
#define UART_RX_RING 512u

/* Sets up UART0 for SLIP (pins, speed, FIFOs, receive interrupt). */
void uart_init(void);

/* The next received byte (0-255), or -1 when the ring is empty. */
int uart_getc(void);

/* Nonzero when no received byte is waiting. */
int uart_rx_empty(void);

/* Sends one byte, waiting for room in the transmit FIFO; ctx is unused
 * (the signature of pagec_slip_put). */
void uart_put(uint8_t c, void *ctx);

/* Sets up UART1, the console. */
void console_init(void);

/* Writes a string to the console, '\n' as "\r\n". */
void console_puts(const char *s);

/* Writes an unsigned number in decimal to the console. */
void console_putu(uint32_t n);

#endif /* M3_UART_H */
