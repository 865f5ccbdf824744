/*
 * board.h: the Versatile PB registers the Lua test firmware uses, and a polled UART0
 * receiver (the firmware suite's common/uart.h only transmits).
 */
#ifndef LUA_FW_BOARD_H
#define LUA_FW_BOARD_H

#include <stdint.h>

#define REG(address) (*(volatile uint32_t *)(address))

#define UART0_DR     REG(0x101f1000u)
#define UART0_FR     REG(0x101f1018u)
#define UART_FR_RXFE (1u << 4)

#define SYS_LED REG(0x10000008u)

#define VIC_IRQSTATUS  REG(0x10140000u)
#define VIC_INTENABLE  REG(0x10140010u)
#define VIC_INTENCLEAR REG(0x10140014u)

#define TIMER0_LOAD      REG(0x101e2000u)
#define TIMER0_CONTROL   REG(0x101e2008u)
#define TIMER0_INTCLR    REG(0x101e200cu)
#define TIMER_ENABLE     0x80u
#define TIMER_PERIODIC   0x40u
#define TIMER_INTEN      0x20u
#define TIMER_32BIT      0x02u
#define VIC_LINE_TIMER01 4u

/* Waits for a received byte (polling the receive FIFO). */
static inline char uart_getc(void)
{
    while (UART0_FR & UART_FR_RXFE) {
    }
    return (char)(UART0_DR & 0xff);
}

#endif
