/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uart.c - the serial lines of the pagec-m3 firmware on the LM3S6965's
 * PL011 UARTs: UART0 (pins PA0/PA1) for SLIP, UART1 (PD2/PD3) for the
 * console.
 *
 * Receiving is interrupt-driven, as a device must do it: the interrupt
 * handler empties the 16-byte hardware FIFO into a ring in RAM at once,
 * so bytes keep arriving while the main loop decodes a frame or sends a
 * reply. Sending polls the transmit FIFO: a reply goes out as one burst
 * and the main loop has nothing else to do meanwhile.
 */
#include <stdint.h>

#include "lm3s6965.h"
#include "uart.h"

#if UART_RX_RING & (UART_RX_RING - 1) || UART_RX_RING > 65536u
#error "UART_RX_RING must be a power of two no larger than 65536"
#endif

/* The baud rate divisor in 64ths: SYSCLK / (16 * baud), rounded; the
 * PL011 takes its integer part and its fraction in two registers.
 * 50 MHz, 115200 bit/s: 27 + 8/64, 0.03% fast. */
#define BRD64 ((SYSCLK_HZ * 4u + UART_BAUD / 2u) / UART_BAUD)

/* The ring: the interrupt handler writes at head, the main loop reads at
 * tail. Each index is written by one side only and both are free-running
 * 16-bit counters (a power-of-two size divides 65536), so the ring needs
 * no lock and head - tail is the number of bytes in it. */
static volatile uint8_t ring[UART_RX_RING];
static volatile uint16_t head;
static volatile uint16_t tail;
static volatile uint32_t lost; /* bytes dropped on a full ring, for a debugger */

/* 8N1 at UART_BAUD with FIFOs, receiver and transmitter on. */
static void pl011_setup(uint32_t base)
{
    UART_CTL(base) = 0; /* off while it is being configured */
    UART_IBRD(base) = BRD64 / 64u;
    UART_FBRD(base) = BRD64 % 64u;
    /* the write to LCRH latches the divisor too, so it comes last */
    UART_LCRH(base) = UART_LCRH_WLEN8 | UART_LCRH_FEN;
    UART_CTL(base) = UART_CTL_UARTEN | UART_CTL_TXE | UART_CTL_RXE;
}

void uart_init(void)
{
    SYSCTL_RCGC1 |= SYSCTL_RCGC1_UART0;
    SYSCTL_RCGC2 |= SYSCTL_RCGC2_GPIOA;
    (void)SYSCTL_RCGC2; /* a few cycles for the clocks to start */
    GPIO_AFSEL(GPIOA_BASE) |= 3u; /* PA0 U0Rx, PA1 U0Tx */
    GPIO_DEN(GPIOA_BASE) |= 3u;

    pl011_setup(UART0_BASE);
    /* An interrupt when the FIFO holds 2 bytes, or holds fewer and the
     * line has been idle for 32 bit times (the time-out interrupt): the
     * handler then empties it. */
    UART_IFLS(UART0_BASE) = UART_IFLS_RX1_8;
    UART_ICR(UART0_BASE) = UART_INT_RX | UART_INT_RT | UART_INT_ERR;
    UART_IM(UART0_BASE) = UART_INT_RX | UART_INT_RT;
    NVIC_ISER0 = 1u << IRQ_UART0;
}

void uart0_handler(void)
{
    uint16_t h = head;

    /* Clear first, then empty the FIFO: a byte that arrives after the
     * last read raises the interrupt again. Cleared after the reads, the
     * interrupt of such a byte would be lost with the byte left waiting. */
    UART_ICR(UART0_BASE) = UART_INT_RX | UART_INT_RT | UART_INT_ERR;
    while (!(UART_FR(UART0_BASE) & UART_FR_RXFE)) {
        /* bits 8-11 flag a framing, parity, break or overrun error; the
         * byte is kept, and the runtime's checksums reject its frame */
        uint8_t c = (uint8_t)UART_DR(UART0_BASE);

        if ((uint16_t)(h - tail) < UART_RX_RING) {
            ring[h & (UART_RX_RING - 1u)] = c;
            h++;
        } else {
            lost++;
        }
    }
    head = h; /* published after the bytes it covers are stored */
}

int uart_getc(void)
{
    uint16_t t = tail;
    uint8_t c;

    if (t == head) {
        return -1;
    }
    c = ring[t & (UART_RX_RING - 1u)];
    tail = (uint16_t)(t + 1u);
    return c;
}

int uart_rx_empty(void)
{
    return tail == head;
}

void uart_put(uint8_t c, void *ctx)
{
    (void)ctx;
    while (UART_FR(UART0_BASE) & UART_FR_TXFF) {
        /* 16 bytes of FIFO: at 115200 bit/s one drains in 87 us */
    }
    UART_DR(UART0_BASE) = c;
}

void console_init(void)
{
    SYSCTL_RCGC1 |= SYSCTL_RCGC1_UART1;
    SYSCTL_RCGC2 |= SYSCTL_RCGC2_GPIOD;
    (void)SYSCTL_RCGC2;
    GPIO_AFSEL(GPIOD_BASE) |= 3u << 2; /* PD2 U1Rx, PD3 U1Tx */
    GPIO_DEN(GPIOD_BASE) |= 3u << 2;
    pl011_setup(UART1_BASE);
}

static void console_putc(char c)
{
    while (UART_FR(UART1_BASE) & UART_FR_TXFF) {
    }
    UART_DR(UART1_BASE) = (uint8_t)c;
}

void console_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n') {
            console_putc('\r');
        }
        console_putc(*s);
    }
}

void console_putu(uint32_t n)
{
    char buf[11];
    unsigned i = sizeof buf - 1;

    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + n % 10u);
        n /= 10u;
    } while (n);
    console_puts(&buf[i]);
}
