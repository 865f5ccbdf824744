/*
 * runtime.h: what the SystemC test firmware shares: UART0 output, semihosting time,
 * interrupts (PL190 VIC), CP15 fault registers, and the addresses of the example models
 * (see cosim/systemc/examples/board_main.cpp and the routes the tests set up).
 */
#ifndef FW_RUNTIME_H
#define FW_RUNTIME_H

#include <stdint.h>

#define REG(address) (*(volatile uint32_t *)(address))

#define TLM_MEMORY 0x30000000u
#define TLM_TIMER  0x30100000u
#define TLM_DMA    0x30200000u
#define TLM_ERROR  0x30300000u
#define IRQ_TIMER  18u
#define IRQ_DMA    17u

#define VIC_IRQSTATUS  REG(0x10140000u)
#define VIC_INTSELECT  REG(0x1014000cu)
#define VIC_INTENABLE  REG(0x10140010u)
#define VIC_INTENCLEAR REG(0x10140014u)

void putc_(char c);
void puts_(const char *s);
void put_hex(uint32_t value);
void put_dec(uint64_t value);
void put_yes_no(int yes);

/* Virtual time in ns (semihosting SYS_ELAPSED). */
uint64_t elapsed_ns(void);
uint32_t cp15_dfsr(void);
uint32_t cp15_far(void);
void irq_enable(void);
void irq_disable(void);
/* Waits for an interrupt (CP15 wait-for-interrupt); a pending one ends it at once. */
void wait_for_interrupt(void);

/* Exits through semihosting with status code (start.S). */
void fw_exit(int code) __attribute__((noreturn));

/* Provided by each test: the IRQ handler, the data abort handler. */
void fw_irq(void);
void fw_data_abort(uint32_t pc);

#endif
