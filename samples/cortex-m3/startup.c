/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * startup.c - what runs before main() on the LM3S6965: the vector table,
 * the reset handler that sets up C's memory, and a fault handler.
 *
 * No C library is linked: the reset handler copies .data and zeroes .bss
 * itself, with the symbols of lm3s6965.ld.
 */
#include <stdint.h>

#include "lm3s6965.h"

int main(void);

/* Symbols of lm3s6965.ld: addresses only, never read as variables. */
extern uint32_t _estack[];
extern uint32_t _sidata[], _sdata[], _edata[];
extern uint32_t _sbss[], _ebss[];

/* The exception and interrupt vectors up to the last one the firmware
 * enables (UART0, IRQ 5; with M3_ETH the Ethernet controller, IRQ 42).
 * Interrupts past it are never enabled in the NVIC, so they cannot be
 * taken and need no entry; nor do those before it that are not enabled
 * (zero). */
#if M3_ETH
#define NVECTORS (15 + IRQ_ETH + 1)
#else
#define NVECTORS (15 + IRQ_UART0 + 1)
#endif

struct vector_table {
    uint32_t *stack;                 /* initial main stack pointer */
    void (*handler[NVECTORS])(void); /* reset, NMI, faults, ..., IRQs */
};

/* "used": nothing refers to it but the hardware; KEEP in the linker
 * script holds it against --gc-sections. */
__attribute__((section(".vectors"), used))
static const struct vector_table vectors = {
    _estack,
    {
        reset_handler,   /*  1 reset */
        fault_handler,   /*  2 NMI */
        fault_handler,   /*  3 hard fault */
        fault_handler,   /*  4 memory management fault */
        fault_handler,   /*  5 bus fault */
        fault_handler,   /*  6 usage fault */
        0, 0, 0, 0,      /*  7-10 reserved */
        fault_handler,   /* 11 SVCall: never issued */
        fault_handler,   /* 12 debug monitor */
        0,               /* 13 reserved */
        fault_handler,   /* 14 PendSV: never pended */
        systick_handler, /* 15 SysTick */
        fault_handler,   /* IRQ 0 GPIO A */
        fault_handler,   /* IRQ 1 GPIO B */
        fault_handler,   /* IRQ 2 GPIO C */
        fault_handler,   /* IRQ 3 GPIO D */
        fault_handler,   /* IRQ 4 GPIO E */
        uart0_handler,   /* IRQ 5 UART0: the SLIP line */
#if M3_ETH
        [15 + IRQ_ETH] = enet_handler, /* IRQ 42 the Ethernet controller */
#endif
    },
};

void reset_handler(void)
{
    const uint32_t *src = _sidata;
    uint32_t *dst;

    for (dst = _sdata; dst < _edata; dst++) {
        *dst = *src++;
    }
    for (dst = _sbss; dst < _ebss; dst++) {
        *dst = 0;
    }
    main();
    fault_handler(); /* main() never returns; if it did, start again */
}

/*
 * Any fault, or an exception that should never happen: request a system
 * reset. The server keeps no state, so a reset loses nothing but the
 * datagram being answered, and clients retransmit it; hanging would take
 * the device off the line for good.
 */
void fault_handler(void)
{
    __asm volatile("dsb" ::: "memory"); /* finish pending writes first */
    SCB_AIRCR = SCB_AIRCR_RESET;
    __asm volatile("dsb" ::: "memory");
    for (;;) {
        /* the reset takes effect within a few cycles */
    }
}
