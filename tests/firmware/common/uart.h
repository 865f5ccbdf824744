/*
 * uart.h: polled output on the Versatile PB's UART0 (PL011 at 0x101f1000), usable from
 * any mode, including exception handlers, without the C library.
 */
#ifndef FW_UART_H
#define FW_UART_H

#include <stdint.h>

/* Enables the UART for 8N1 with FIFOs (reset leaves it disabled); start.S calls it. */
void uart_init(void);
void uart_putc(char c);
void uart_puts(const char *s);
/* Writes `digits` hexadecimal digits (lower case) of value. */
void uart_put_hex(uint32_t value, int digits);
void uart_put_dec(uint32_t value);

#endif
