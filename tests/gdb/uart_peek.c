/*
 * uart_peek.c: firmware for the debug-access test. It waits until UART0 has received a
 * character, calls got_input() (where gdb stops and reads the PL011's data and flag
 * registers, which must not pop the receive FIFO), then reads the character itself,
 * prints it and exits with its code.
 */
#include <stdint.h>

#include "common/uart.h"

#define UART0_DR (*(volatile uint32_t *)0x101f1000)
#define UART0_FR (*(volatile uint32_t *)0x101f1018)
#define FR_RXFE  0x10

__attribute__((noinline)) void got_input(void) {}

int main(void)
{
    uart_puts("waiting\n");
    while (UART0_FR & FR_RXFE)
        continue;
    got_input();
    uint32_t c = UART0_DR & 0xff;
    uart_puts("got ");
    uart_putc((char)c);
    uart_puts(UART0_FR & FR_RXFE ? ", fifo empty\n" : ", fifo not empty\n");
    return (int)c;
}
