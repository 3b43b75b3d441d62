/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uart.c - UART0 of the ATmega328P: interrupt-driven receive into a ring
 * buffer, polled transmit.
 *
 * Receiving by interrupt keeps the line's bytes while the main loop is
 * busy (ending a datagram); the hardware itself holds only two. Sending
 * polls UDRE0 (uart.h): the main loop waits for the transmitter and reads
 * the ring meanwhile, so a transmit interrupt would buy nothing.
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
uint8_t uart_rx_buf[UART_RX_RING];
volatile uint8_t uart_rx_head;
volatile uint8_t uart_rx_tail;

/* The ATmega328P's name of the receive interrupt; the ATmega2560 (Arduino
 * Mega) has four USARTs and calls the first one's USART0_RX_vect. */
#if !defined(USART_RX_vect) && defined(USART0_RX_vect)
#define USART_RX_vect USART0_RX_vect
#endif

/*
 * The receive interrupt: the byte into the ring at its head, or a pulse on
 * the drop pin when the ring is full. In assembly, to save five registers
 * rather than the ten the compiler saves: an interrupt's frame adds to the
 * deepest stack the main loop reaches.
 */
ISR(USART_RX_vect, ISR_NAKED)
{
    __asm__ volatile(
        "    push r24\n"
        "    in r24, __SREG__\n"
        "    push r24\n"
        "    push r25\n"
        "    push r30\n"
        "    push r31\n"
        "    lds r25, %[udr]\n" /* read first: it frees the hardware */
        "    lds r30, uart_rx_head\n"
        "    mov r24, r30\n"
        "    subi r24, 0xff\n" /* head + 1 */
        "    andi r24, %[mask]\n"
        "    lds r31, uart_rx_tail\n"
        "    cp r24, r31\n"
        "    brne 1f\n"
        "    sbi %[port], %[bit]\n" /* full: the byte is dropped */
        "    cbi %[port], %[bit]\n"
        "    rjmp 2f\n"
        "1:  ldi r31, 0\n"
        "    subi r30, lo8(-(uart_rx_buf))\n"
        "    sbci r31, hi8(-(uart_rx_buf))\n"
        "    st Z, r25\n"
        "    sts uart_rx_head, r24\n"
        "2:  pop r31\n"
        "    pop r30\n"
        "    pop r25\n"
        "    pop r24\n"
        "    out __SREG__, r24\n"
        "    pop r24\n"
        "    reti\n"
        :
        : [udr] "n"(_SFR_MEM_ADDR(UDR0)), [mask] "M"(RX_MASK),
          [port] "I"(_SFR_IO_ADDR(UART_DROP_PORT)), [bit] "I"(UART_DROP_BIT));
}

void uart_init(void)
{
    UART_DROP_DDR |= _BV(UART_DROP_BIT);
    UBRR0 = UART_UBRR;
    UCSR0A = _BV(U2X0);
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00); /* 8 data bits, no parity, 1 stop */
    UCSR0B = _BV(RXCIE0) | _BV(RXEN0) | _BV(TXEN0);
}
