/* uart.c: polled output on UART0 (PL011): wait while the transmit FIFO is full, write DR;
 * and the printing built on uart_putc. A board whose console is another UART builds this
 * file with -DUART_PRINT_ONLY, for the printing alone, and brings its own uart_init and
 * uart_putc (tests/firmware/zynq/uartps.c). */
#include "uart.h"

#ifndef UART_PRINT_ONLY

#define UART0_BASE      0x101f1000u
#define UART_DR         (*(volatile uint32_t *)(UART0_BASE + 0x00))
#define UART_FR         (*(volatile uint32_t *)(UART0_BASE + 0x18))
#define UART_LCR_H      (*(volatile uint32_t *)(UART0_BASE + 0x2c))
#define UART_CR         (*(volatile uint32_t *)(UART0_BASE + 0x30))
#define FR_TXFF         (1u << 5)
#define LCR_H_8N1_FIFO  0x70u  /* 8 data bits, FIFOs on */
#define CR_ENABLE_TX_RX 0x301u /* UARTEN, TXE, RXE */

void uart_init(void)
{
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
#endif

void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

void uart_put_hex(uint32_t value, int digits)
{
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4)
        uart_putc("0123456789abcdef"[(value >> shift) & 15u]);
}

void uart_put_dec(uint32_t value)
{
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value);
    while (n)
        uart_putc(digits[--n]);
}
