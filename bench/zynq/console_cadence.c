/* console_cadence.c: the benchmark firmware's console on the Zynq-7000: UART1, a Cadence
 * UART at 0xE0001000, reset and set to 8N1 at start, drained before the firmware exits. */
#include <stdint.h>

#include "console.h"

#define UART1_CR        (*(volatile uint32_t *)0xE0001000)
#define UART1_MR        (*(volatile uint32_t *)0xE0001004)
#define UART1_SR        (*(volatile uint32_t *)0xE000102C)
#define UART1_FIFO      (*(volatile uint32_t *)0xE0001030)
#define UART_CR_RESET   0x03u  /* RX and TX FIFO resets */
#define UART_CR_ON      0x114u /* RX and TX enabled, stop break */
#define UART_MR_8N1     0x20u
#define UART_SR_TXFULL  0x10u
#define UART_SR_TXEMPTY 0x08u

void console_init(void)
{
    UART1_CR = UART_CR_RESET;
    UART1_MR = UART_MR_8N1;
    UART1_CR = UART_CR_ON;
}

void console_put_char(char c)
{
    while (UART1_SR & UART_SR_TXFULL) {
    }
    UART1_FIFO = (uint8_t)c;
}

void console_flush(void)
{
    while (!(UART1_SR & UART_SR_TXEMPTY)) {
    }
}
