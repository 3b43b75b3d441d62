/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uart.c - UART0 of the ATmega328P: interrupt-driven receive into a ring
 * buffer, polled transmit.
 *
 * Receiving by interrupt keeps the line's bytes while the main loop is
 * busy (ending a datagram, sending a reply); the hardware itself holds
 * only two. Sending polls UDRE0: the reply is pulled from the runtime a
 * byte at a time, so a byte is only ready when the previous one left, and
 * a transmit interrupt would buy nothing.
 */
#include <avr/interrupt.h>
#include <avr/io.h>

#include "uart.h"

#if UART_RX_RING < 2 || UART_RX_RING > 256 || \
    (UART_RX_RING & (UART_RX_RING - 1)) != 0
#error "UART_RX_RING must be a power of two from 2 to 256"
#endif

#define RX_MASK ((uint8_t)(UART_RX_RING - 1))

/* The ring: the interrupt writes at head, the main loop reads at tail;
 * each index is written by one side only and is one byte, so neither needs
 * a critical section. One slot stays free to tell full from empty. */
static uint8_t rx_buf[UART_RX_RING];
static volatile uint8_t rx_head;
static volatile uint8_t rx_tail;

/* The ATmega328P's name of the receive interrupt; the ATmega2560 (Arduino
 * Mega) has four USARTs and calls the first one's USART0_RX_vect. */
#if !defined(USART_RX_vect) && defined(USART0_RX_vect)
#define USART_RX_vect USART0_RX_vect
#endif

ISR(USART_RX_vect)
{
    uint8_t c = UDR0; /* read first: it frees the hardware buffer */
    uint8_t head = rx_head;
    uint8_t next = (uint8_t)(head + 1) & RX_MASK;

    if (next == rx_tail) {
        UART_DROP_PORT |= _BV(UART_DROP_BIT);
        UART_DROP_PORT &= (uint8_t)~_BV(UART_DROP_BIT);
        return;
    }
    rx_buf[head] = c;
    rx_head = next;
}

void uart_init(void)
{
    UART_DROP_DDR |= _BV(UART_DROP_BIT);
    UBRR0 = UART_UBRR;
    UCSR0A = _BV(U2X0);
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00); /* 8 data bits, no parity, 1 stop */
    UCSR0B = _BV(RXCIE0) | _BV(RXEN0) | _BV(TXEN0);
}

uint8_t uart_rx_ready(void)
{
    return rx_head != rx_tail;
}

uint8_t uart_rx_get(void)
{
    uint8_t tail = rx_tail;
    uint8_t c = rx_buf[tail];

    rx_tail = (uint8_t)(tail + 1) & RX_MASK;
    return c;
}

void uart_put(uint8_t c, void *ctx)
{
    (void)ctx;
    loop_until_bit_is_set(UCSR0A, UDRE0);
    UDR0 = c;
}
