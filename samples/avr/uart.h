/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uart.h - UART0 of the ATmega328P for a SLIP line: interrupt-driven
 * receive into a ring buffer, polled transmit.
 */
#ifndef PAGEC_AVR_UART_H
#define PAGEC_AVR_UART_H

#include <avr/io.h>
#include <stdint.h>

/*
 * Bytes of the receive ring, a power of two so that the indices wrap with
 * a mask. The main loop reads the line while a reply goes out (main.c), so
 * the ring only bridges the longest stretch the main loop spends on one
 * thing: the end of a datagram (up to some 9,300 cycles, 7 byte times at
 * 115200 baud, for a request whose reply has live fields to fill), a
 * burst that finds every stream of main.c taken, or an echo reply, which
 * goes out as its request comes and trails it by its header and the
 * frame's END, whose bytes the request's wait here: 25 for a ping (a
 * ping of 56 bytes filled 27), 29 for a UDP echo, 41 for a TCP echo (the
 * echo service's, PAGEC_SERVICES), and one more for each of them SLIP
 * escapes; 64 holds a TCP echo's. A byte that finds the ring full is
 * dropped, and the frame it belonged to then fails its checksum; TCP
 * resends it. Cost: the ring in RAM (32 bytes are enough without the
 * small services).
 */
#ifndef UART_RX_RING
#define UART_RX_RING 64
#endif

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

/* The ring (uart.c): the interrupt writes at uart_rx_head, the main loop
 * reads at uart_rx_tail. */
extern uint8_t uart_rx_buf[UART_RX_RING];
extern volatile uint8_t uart_rx_head;
extern volatile uint8_t uart_rx_tail;

/* 1 when a received byte waits in the ring. */
static inline __attribute__((always_inline)) uint8_t uart_rx_ready(void)
{
    return uart_rx_head != uart_rx_tail;
}

/* The oldest received byte; only when uart_rx_ready(). */
static inline __attribute__((always_inline)) uint8_t uart_rx_get(void)
{
    uint8_t tail = uart_rx_tail;
    uint8_t c = uart_rx_buf[tail];

    uart_rx_tail = (uint8_t)(tail + 1) & (uint8_t)(UART_RX_RING - 1);
    return c;
}

/* 1 when the transmitter takes a byte now. */
static inline __attribute__((always_inline)) uint8_t uart_tx_ready(void)
{
    return (UCSR0A & _BV(UDRE0)) != 0;
}

/* Hands c to the transmitter; only when uart_tx_ready(). */
static inline __attribute__((always_inline)) void uart_tx(uint8_t c)
{
    UDR0 = c;
}

#endif /* PAGEC_AVR_UART_H */
