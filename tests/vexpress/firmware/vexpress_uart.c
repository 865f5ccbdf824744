/*
 * vexpress_uart.c: the firmware suite's polled UART0 driver (tests/firmware/common/uart.h)
 * for the Versatile Express: the same PL011, at 0x10009000 on the V2M-P1 motherboard.
 * uart_init, the one board hook start.S calls before main, also points VBAR at the
 * image's vector table (its start, 0x60000000): brassboard shows RAM at 0x0, but QEMU's
 * vexpress-a9 has flash there.
 */
#include "common/uart.h"

#define UART0_BASE      0x10009000u
#define UART_DR         (*(volatile uint32_t *)(UART0_BASE + 0x00))
#define UART_FR         (*(volatile uint32_t *)(UART0_BASE + 0x18))
#define UART_LCR_H      (*(volatile uint32_t *)(UART0_BASE + 0x2c))
#define UART_CR         (*(volatile uint32_t *)(UART0_BASE + 0x30))
#define FR_TXFF         (1u << 5)
#define LCR_H_8N1_FIFO  0x70u  /* 8 data bits, FIFOs on */
#define CR_ENABLE_TX_RX 0x301u /* UARTEN, TXE, RXE */

extern char _start[];

void uart_init(void)
{
    __asm__ volatile("mcr p15, 0, %0, c12, c0, 0\n isb" : : "r"(_start) : "memory");
    UART_CR = 0;
    UART_LCR_H = LCR_H_8N1_FIFO;
    UART_CR = CR_ENABLE_TX_RX;
}

void uart_putc(char c)
{
    while (UART_FR & FR_TXFF) {
    }
    UART_DR = (uint8_t)c;
}

/* The printing (uart_puts, uart_put_hex, uart_put_dec) is the firmware suite's own, over
 * this file's uart_putc. */
#define UART_PRINT_ONLY
#include "common/uart.c"
