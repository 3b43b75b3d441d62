/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lm3s6965.h - the few registers of the Stellaris LM3S6965 (a Cortex-M3
 * with 256 KiB of flash and 64 KiB of SRAM) that the pagec-m3 firmware
 * uses, and the interrupt handlers that startup.c puts in the vector
 * table. Addresses and bits from the LM3S6965 data sheet and the ARMv7-M
 * architecture reference manual; no vendor headers.
 */
#ifndef M3_LM3S6965_H
#define M3_LM3S6965_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(addr))

/* The system clock the firmware sets up (clock_init() in main.c): the PLL
 * (400 MHz from the 8 MHz crystal, halved to 200 MHz) divided by 4. */
#define SYSCLK_HZ 50000000u

/* System control */
#define SYSCTL_RIS REG32(0x400fe050u)   /* raw interrupt status */
#define SYSCTL_RIS_PLLLRIS (1u << 6)    /* the PLL has locked */
#define SYSCTL_RCC REG32(0x400fe060u)   /* run-mode clock configuration */
#define SYSCTL_RCC_MOSCDIS (1u << 0)    /* main oscillator off */
#define SYSCTL_RCC_IOSCDIS (1u << 1)    /* internal oscillator off */
#define SYSCTL_RCC_OSCSRC_MASK (3u << 4)   /* 0: main oscillator */
#define SYSCTL_RCC_XTAL_MASK (0xfu << 6)
#define SYSCTL_RCC_XTAL_8MHZ (0xeu << 6)
#define SYSCTL_RCC_BYPASS (1u << 11)    /* system clock from the oscillator */
#define SYSCTL_RCC_OEN (1u << 12)       /* PLL output disabled */
#define SYSCTL_RCC_PWRDN (1u << 13)     /* PLL powered down */
#define SYSCTL_RCC_USESYSDIV (1u << 22)
#define SYSCTL_RCC_SYSDIV_MASK (0xfu << 23)
#define SYSCTL_RCC_SYSDIV(n) ((uint32_t)((n) - 1) << 23) /* divide by n */
#define SYSCTL_RCGC1 REG32(0x400fe104u) /* clock gates: UARTs */
#define SYSCTL_RCGC1_UART0 (1u << 0)
#define SYSCTL_RCGC1_UART1 (1u << 1)
#define SYSCTL_RCGC2 REG32(0x400fe108u) /* clock gates: GPIO ports */
#define SYSCTL_RCGC2_GPIOA (1u << 0)
#define SYSCTL_RCGC2_GPIOD (1u << 3)
#define SYSCTL_RCGC2_GPIOE (1u << 4)
#define SYSCTL_RCGC2_GPIOF (1u << 5)

/* GPIO ports: the UART pins are an alternate function; the board's
 * navigation buttons are inputs of ports E and F, its status LED an
 * output of port F (PF0) */
#define GPIOA_BASE 0x40004000u
#define GPIOD_BASE 0x40007000u
#define GPIOE_BASE 0x40024000u
#define GPIOF_BASE 0x40025000u
/* the pins of mask, read at once: the data register at an address whose
 * bits 9:2 are the mask */
#define GPIO_DATA(base, mask) REG32((base) + ((uint32_t)(mask) << 2))
#define GPIO_DIR(base) REG32((base) + 0x400u)  /* 1: output */
#define GPIO_AFSEL(base) REG32((base) + 0x420u)
#define GPIO_PUR(base) REG32((base) + 0x510u)  /* pull-ups */
#define GPIO_DEN(base) REG32((base) + 0x51cu)

/* UARTs: a PL011 each */
#define UART0_BASE 0x4000c000u
#define UART1_BASE 0x4000d000u
#define UART_DR(base) REG32((base) + 0x000u)   /* data */
#define UART_FR(base) REG32((base) + 0x018u)   /* flags */
#define UART_FR_BUSY (1u << 3)
#define UART_FR_RXFE (1u << 4)                 /* receive FIFO empty */
#define UART_FR_TXFF (1u << 5)                 /* transmit FIFO full */
#define UART_IBRD(base) REG32((base) + 0x024u) /* baud divisor, integer */
#define UART_FBRD(base) REG32((base) + 0x028u) /* baud divisor, 1/64ths */
#define UART_LCRH(base) REG32((base) + 0x02cu) /* line control */
#define UART_LCRH_FEN (1u << 4)                /* FIFOs on */
#define UART_LCRH_WLEN8 (3u << 5)              /* 8 data bits */
#define UART_CTL(base) REG32((base) + 0x030u)
#define UART_CTL_UARTEN (1u << 0)
#define UART_CTL_TXE (1u << 8)
#define UART_CTL_RXE (1u << 9)
#define UART_IFLS(base) REG32((base) + 0x034u) /* FIFO interrupt levels */
#define UART_IFLS_RX1_8 (0u << 3)              /* RX at 1/8 full (2 bytes) */
#define UART_IM(base) REG32((base) + 0x038u)   /* interrupt mask */
#define UART_ICR(base) REG32((base) + 0x044u)  /* interrupt clear */
#define UART_INT_RX (1u << 4)                  /* receive FIFO level */
#define UART_INT_RT (1u << 6)                  /* receive time-out */
#define UART_INT_ERR (0xfu << 7)               /* framing, parity, break, overrun */

/* The Ethernet controller (MAC and PHY) */
#define SYSCTL_RCGC2_EMAC0 (1u << 28)     /* clock gates: the MAC */
#define SYSCTL_RCGC2_EPHY0 (1u << 30)     /* and its PHY */
#define SYSCTL_USER0 REG32(0x400fe1e0u)   /* MAC bytes 0-2, if programmed */
#define SYSCTL_USER1 REG32(0x400fe1e4u)   /* MAC bytes 3-5 */
#define MAC_BASE 0x40048000u
#define MAC_RIS REG32(MAC_BASE + 0x000u)  /* read: raw interrupt status */
#define MAC_IACK REG32(MAC_BASE + 0x000u) /* write: acknowledge */
#define MAC_IM REG32(MAC_BASE + 0x004u)   /* interrupt mask */
#define MAC_INT_RX (1u << 0)              /* a frame received */
#define MAC_INT_ALL 0x7fu
#define MAC_RCTL REG32(MAC_BASE + 0x008u) /* receive control */
#define MAC_RCTL_RXEN (1u << 0)
#define MAC_RCTL_AMUL (1u << 1)           /* all multicast frames */
#define MAC_RCTL_BADCRC (1u << 3)         /* reject frames with a bad FCS */
#define MAC_RCTL_RSTFIFO (1u << 4)
#define MAC_TCTL REG32(MAC_BASE + 0x00cu) /* transmit control */
#define MAC_TCTL_TXEN (1u << 0)
#define MAC_TCTL_PADEN (1u << 1)          /* pad short frames to 60 bytes */
#define MAC_TCTL_CRC (1u << 2)            /* append the FCS */
#define MAC_TCTL_DUPLEX (1u << 4)
#define MAC_DATA REG32(MAC_BASE + 0x010u) /* the FIFOs, a word at a time */
#define MAC_IA0 REG32(MAC_BASE + 0x014u)  /* our address, bytes 0-3 */
#define MAC_IA1 REG32(MAC_BASE + 0x018u)  /* bytes 4-5 */
#define MAC_NP REG32(MAC_BASE + 0x034u)   /* frames in the receive FIFO */
#define MAC_TR REG32(MAC_BASE + 0x038u)   /* transmission request */
#define MAC_TR_NEWTX (1u << 0)            /* set: send; clear: sent */

/* Interrupt numbers (the NVIC's, vector number minus 16) */
#define IRQ_UART0 5
#define IRQ_ETH 42

/* Core peripherals (ARMv7-M) */
#define SYST_CSR REG32(0xe000e010u)  /* SysTick control and status */
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2) /* the processor clock */
#define SYST_RVR REG32(0xe000e014u)  /* reload value */
#define SYST_CVR REG32(0xe000e018u)  /* current value */
#define NVIC_ISER0 REG32(0xe000e100u) /* interrupt set-enable, IRQ 0-31 */
#define NVIC_ISER1 REG32(0xe000e104u) /* IRQ 32-63 */
#define SCB_AIRCR REG32(0xe000ed0cu)
#define SCB_AIRCR_RESET (0x05fau << 16 | 1u << 2) /* key, SYSRESETREQ */

/* The handlers of the vector table (startup.c) */
void reset_handler(void);
void fault_handler(void);
void systick_handler(void);
void uart0_handler(void);
void enet_handler(void);

#endif /* M3_LM3S6965_H */
