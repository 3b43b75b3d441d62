/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uart.h - UART0 of the ATmega328P for a SLIP line: interrupt-driven
 * receive into a ring buffer, polled transmit.
 */
#ifndef PAGEC_AVR_UART_H
#define PAGEC_AVR_UART_H

#include <stdint.h>

/*
 * Bytes of the receive ring, a power of two so that the indices wrap with
 * a mask. 256 (the whole range of a uint8_t index) holds what may arrive
 * while the main loop is busy sending the longest reply (1006 bytes, about
 * 86 ms on the line): a client's next SYN or a request of some 200 bytes.
 * A byte that finds the ring full is dropped, and the frame it belonged to
 * then fails its checksum; TCP resends it. Cost: the ring in RAM.
 */
#define UART_RX_RING 256

/* UBRR0 for 115200 baud at 16 MHz with U2X0 (double speed): 16 gives
 * 16 MHz / (8 * 17) = 117647 baud, 2.1 % fast, inside the receivers'
 * tolerance; without U2X0 the nearest divisor is 3.5 % off. */
#define UART_UBRR 16

/* PB1 (Arduino pin 9) pulses high once for every received byte dropped
 * because the ring was full, so that a logic analyser, or the emulator,
 * counts them. */
#define UART_DROP_DDR DDRB
#define UART_DROP_PORT PORTB
#define UART_DROP_BIT PB1

/* Sets up UART0: 115200 baud 8N1, receive interrupt on. Call with
 * interrupts off, before sei(). */
void uart_init(void);

/* 1 when a received byte waits in the ring. */
uint8_t uart_rx_ready(void);

/* The oldest received byte; only when uart_rx_ready(). */
uint8_t uart_rx_get(void);

/* Sends c, waiting until the transmit buffer has room; ctx is unused (the
 * signature of pagec_slip_put). */
void uart_put(uint8_t c, void *ctx);

#endif /* PAGEC_AVR_UART_H */
