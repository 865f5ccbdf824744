/* console_pl011.c: the benchmark firmware's console on versatilepb: UART0, a PL011 that
 * sends as soon as it is written (nothing to set up, nothing to wait for at exit). */
#include <stdint.h>

#include "console.h"

#define UART0_DR     (*(volatile uint32_t *)0x101f1000)
#define UART0_FR     (*(volatile uint32_t *)0x101f1018)
#define UART_FR_TXFF (1u << 5)

void console_init(void) {}

void console_put_char(char c)
{
    while (UART0_FR & UART_FR_TXFF) {
    }
    UART0_DR = (uint8_t)c;
}

void console_flush(void) {}
