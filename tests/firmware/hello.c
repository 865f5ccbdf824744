/* hello: the smallest test, UART0 output through the polled driver, then exit 0. */
#include "common/uart.h"

int main(void)
{
    uart_puts("Hello from the Versatile PB!\n");
    uart_puts("UART0 is a PL011 at 0x101f1000.\n");
    return 0;
}
