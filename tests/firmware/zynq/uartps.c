/*
 * uartps.c: the polled Cadence UART driver (uartps.h), and the console of the foundation's
 * tests/firmware/common/uart.h on UART1: uart_init and uart_putc here, the printing in
 * common/uart.c built with -DUART_PRINT_ONLY. uart_init is the board hook the common
 * start-up code calls before main: it sets up this CPU (platform.h) and the console.
 */
#include "uartps.h"

#include "common/uart.h"
#include "platform.h"
#include "xparameters.h"

u32 UartPs_Initialize(UINTPTR base, u32 clock_hz, u32 baud)
{
    /* The divisor pair closest to the rate: baud = clock / (CD * (BDIV + 1)). */
    u32 best_cd = 0, best_bdiv = 0, best_error = 0xFFFFFFFFu;
    for (u32 bdiv = 4; bdiv < 255; bdiv++) {
        u32 cd = (clock_hz + baud * (bdiv + 1) / 2) / (baud * (bdiv + 1));
        if (cd < 1 || cd > 65535) continue;
        u32 actual = clock_hz / (cd * (bdiv + 1));
        u32 error = actual > baud ? actual - baud : baud - actual;
        if (error < best_error) best_error = error, best_cd = cd, best_bdiv = bdiv;
    }
    Xil_Out32(base + UARTPS_CR_OFFSET, UARTPS_CR_RX_DIS | UARTPS_CR_TX_DIS);
    Xil_Out32(base + UARTPS_BAUDGEN_OFFSET, best_cd);
    Xil_Out32(base + UARTPS_BAUDDIV_OFFSET, best_bdiv);
    Xil_Out32(base + UARTPS_CR_OFFSET, UARTPS_CR_RXRST | UARTPS_CR_TXRST);
    while (Xil_In32(base + UARTPS_CR_OFFSET) & (UARTPS_CR_RXRST | UARTPS_CR_TXRST)) {
    }
    Xil_Out32(base + UARTPS_MR_OFFSET, UARTPS_MR_8N1);
    Xil_Out32(base + UARTPS_IDR_OFFSET, 0x1FFFu);
    Xil_Out32(base + UARTPS_CR_OFFSET, UARTPS_CR_RX_EN | UARTPS_CR_TX_EN | UARTPS_CR_STOPBRK);
    return clock_hz / (best_cd * (best_bdiv + 1));
}

void UartPs_SendByte(UINTPTR base, u8 byte)
{
    while (Xil_In32(base + UARTPS_SR_OFFSET) & UARTPS_SR_TXFULL) {
    }
    Xil_Out32(base + UARTPS_FIFO_OFFSET, byte);
}

void UartPs_WaitTransmitDone(UINTPTR base)
{
    while ((Xil_In32(base + UARTPS_SR_OFFSET) & (UARTPS_SR_TXEMPTY | UARTPS_SR_TACTIVE)) !=
           UARTPS_SR_TXEMPTY) {
    }
}

void uart_init(void)
{
    platform_init();
    UartPs_Initialize(XPAR_PS7_UART_1_BASEADDR, XPAR_PS7_UART_1_UART_CLK_FREQ,
                      XPAR_PS7_UART_BAUDRATE);
}

void uart_putc(char c)
{
    UartPs_SendByte(XPAR_PS7_UART_1_BASEADDR, (u8)c);
}
