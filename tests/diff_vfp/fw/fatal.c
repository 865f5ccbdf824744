/*
 * fatal.c: the report of an unexpected exception for the VFP/NEON firmware tests (start.S
 * calls it with the exception's vector number): a line on UART0, then exit status
 * 100 + number. The rest of what newlib needs is the firmware suite's common/syscalls.c,
 * with the vexpress-a9 UART driver (tests/vexpress/firmware/vexpress_uart.c).
 */
#include <stdint.h>
#include <stdlib.h>

#include "common/uart.h"

void fw_fatal_exception(int number, uint32_t lr);

void fw_fatal_exception(int number, uint32_t lr)
{
    (void)lr;
    uart_puts("unexpected exception ");
    uart_putc((char)('0' + number));
    uart_putc('\n');
    _Exit(100 + number);
}
