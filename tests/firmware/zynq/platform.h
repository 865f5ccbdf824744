/*
 * platform.h: what the standalone BSP's boot code does for each Cortex-A9 of the Zynq,
 * for the test firmware: the vector table (VBAR), a flat translation table with the PS
 * memory attributes (DDR and OCM normal memory, the PL strongly ordered, the peripherals
 * device memory, holes fault), the MMU, the SMP bit; starting CPU1 the boot ROM's way; and
 * a console flushed before the semihosting exit.
 */
#ifndef PLATFORM_H
#define PLATFORM_H

#include "xil_io.h"

/* Sets up the calling CPU (CPU0 also builds the translation table). uart_init calls it on
 * CPU0; platform_start_cpu1's entry on CPU1. */
void platform_init(void);

/* This CPU's number (MPIDR affinity level 0). */
u32 platform_cpu_id(void);

/* Starts CPU1 as the boot ROM releases it: the address of an entry stub in 0xFFFFFFF0,
 * then SEV. The stub sets up CPU1 (stacks of `stack_size` bytes for IRQ and SYS mode at
 * `stack`, platform_init) and calls fn in SYS mode with interrupts masked; fn must not
 * return. */
void platform_start_cpu1(void (*fn)(void), void *stack, u32 stack_size);

/* Waits for an event (WFE) and signals one to every CPU (SEV). */
static inline void platform_wait_event(void)
{
    __asm__ volatile("wfe" : : : "memory");
}

static inline void platform_send_event(void)
{
    __asm__ volatile("dsb\n\tsev" : : : "memory");
}

/* Sleeps (WFI) until *counter reaches value; interrupt handlers advance it. The check and
 * the WFI happen with IRQs masked, so an interrupt between them is not lost. */
void platform_wait_until(volatile u32 *counter, u32 value);

/* A spin lock on LDREX/STREX, for the CPUs to share the console. */
typedef struct platform_lock {
    volatile u32 taken;
} platform_lock;

void platform_lock_take(platform_lock *lock);
void platform_lock_give(platform_lock *lock);

#endif
