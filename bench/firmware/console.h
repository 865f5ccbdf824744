/*
 * console.h: the benchmark firmware's console, the one part of firmware_main.c that differs
 * per board: console_pl011.c (versatilepb, UART0) and bench/zynq/console_cadence.c
 * (Zynq-7000, UART1).
 */
#ifndef BENCH_CONSOLE_H
#define BENCH_CONSOLE_H

/* Makes the UART ready to send; called once, before anything is written. */
void console_init(void);
/* Sends one character, waiting while the transmit FIFO is full. */
void console_put_char(char c);
/* Waits until every character written has been sent: called before the firmware exits. */
void console_flush(void);

#endif
