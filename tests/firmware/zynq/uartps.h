/*
 * uartps.h: a polled driver for the Cadence UART of the Zynq PS (UG585 chapter 19), in the
 * manner of the standalone BSP's low-level UART functions. UART1 is the console: the
 * firmware's stdout and the foundation's uart.h functions (tests/firmware/common) go there.
 */
#ifndef UARTPS_H
#define UARTPS_H

#include "xil_io.h"

/* Register offsets. */
#define UARTPS_CR_OFFSET      0x00u /* control */
#define UARTPS_MR_OFFSET      0x04u /* mode */
#define UARTPS_IER_OFFSET     0x08u /* interrupt enable */
#define UARTPS_IDR_OFFSET     0x0Cu /* interrupt disable */
#define UARTPS_IMR_OFFSET     0x10u /* interrupt mask */
#define UARTPS_ISR_OFFSET     0x14u /* channel interrupt status */
#define UARTPS_BAUDGEN_OFFSET 0x18u /* baud rate generator (CD) */
#define UARTPS_RXTOUT_OFFSET  0x1Cu /* receiver timeout */
#define UARTPS_SR_OFFSET      0x2Cu /* channel status */
#define UARTPS_FIFO_OFFSET    0x30u /* transmit and receive FIFO */
#define UARTPS_BAUDDIV_OFFSET 0x34u /* baud rate divider (BDIV) */

/* Control register bits. */
#define UARTPS_CR_RXRST   0x001u
#define UARTPS_CR_TXRST   0x002u
#define UARTPS_CR_RX_EN   0x004u
#define UARTPS_CR_RX_DIS  0x008u
#define UARTPS_CR_TX_EN   0x010u
#define UARTPS_CR_TX_DIS  0x020u
#define UARTPS_CR_TORST   0x040u
#define UARTPS_CR_STOPBRK 0x100u

/* Mode register: 8 data bits, no parity, 1 stop bit, normal mode, reference clock. */
#define UARTPS_MR_8N1 0x020u

/* Channel status bits. */
#define UARTPS_SR_RXEMPTY 0x002u
#define UARTPS_SR_TXEMPTY 0x008u
#define UARTPS_SR_TXFULL  0x010u
#define UARTPS_SR_TACTIVE 0x800u

/* Resets both FIFOs and sets 8N1 at `baud` from the reference clock `clock_hz`; returns the
 * baud rate the divisors give, in baud. */
u32 UartPs_Initialize(UINTPTR base, u32 clock_hz, u32 baud);
void UartPs_SendByte(UINTPTR base, u8 byte);
/* Waits until the transmitter has sent everything queued. */
void UartPs_WaitTransmitDone(UINTPTR base);

#endif
