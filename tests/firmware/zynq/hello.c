/*
 * hello: the first program of a Zynq bring-up. The console is UART1 (0xE0001000), set up by
 * the start-up code for 115200 baud 8N1 from a 100 MHz reference clock; this prints through
 * the polled driver directly and through newlib's printf, and reads back what it set.
 */
#include <stdio.h>

#include "common/uart.h"
#include "platform.h"
#include "uartps.h"
#include "xparameters.h"

int main(void)
{
    uart_puts("Hello from the Zynq-7000 on UART1\n");
    u32 midr, sctlr;
    __asm__ volatile("mrc p15, 0, %0, c0, c0, 0" : "=r"(midr));
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
    printf("CPU%lu: implementer 0x%02lx, part 0x%03lx (Cortex-A9)\n",
           (unsigned long)platform_cpu_id(), (unsigned long)(midr >> 24),
           (unsigned long)((midr >> 4) & 0xFFFu));
    printf("MMU %s, vectors at VBAR\n", (sctlr & 1u) ? "on" : "off");
    UINTPTR uart = XPAR_PS7_UART_1_BASEADDR;
    u32 cd = Xil_In32(uart + UARTPS_BAUDGEN_OFFSET), bdiv = Xil_In32(uart + UARTPS_BAUDDIV_OFFSET);
    printf("UART1: mode 0x%03lx, CD %lu, BDIV %lu: %lu baud\n",
           (unsigned long)(Xil_In32(uart + UARTPS_MR_OFFSET) & 0x3FFu), (unsigned long)cd,
           (unsigned long)bdiv, (unsigned long)(XPAR_PS7_UART_1_UART_CLK_FREQ / (cd * (bdiv + 1))));
    printf("TX FIFO empty after a flush: %s\n",
           (UartPs_WaitTransmitDone(uart), Xil_In32(uart + UARTPS_SR_OFFSET) & UARTPS_SR_TXEMPTY)
               ? "yes"
               : "no");
    for (int i = 1; i <= 3; i++)
        printf("line %d of 3\n", i);
    printf("bye\n");
    return 0;
}
