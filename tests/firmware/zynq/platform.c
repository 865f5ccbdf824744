/*
 * platform.c: per-CPU set-up of the Zynq's Cortex-A9s for the test firmware (platform.h):
 * vectors, translation table, MMU, SMP bit, the start of CPU1, the spin lock, and the
 * console flush before the semihosting exit (the link wraps _exit: -Wl,--wrap=_exit).
 */
#include "platform.h"

#include "uartps.h"
#include "xparameters.h"

extern char _start[]; /* the vector table, at the start of the image (common/start.S) */

/* Section descriptors (ARMv7 short-descriptor format): 1 MiB each, full access, domain 0. */
#define SECTION           0x00002u
#define SECTION_AP_FULL   0x00C00u
#define SECTION_XN        0x00010u
#define SECTION_SHAREABLE 0x10000u
/* Normal memory, inner and outer write-back write-allocate (TEX 001, C, B), shareable. */
#define SECTION_NORMAL (SECTION | SECTION_AP_FULL | 0x1000u | 0x8u | 0x4u | SECTION_SHAREABLE)
/* Shareable device memory (TEX 000, C 0, B 1), never executed. */
#define SECTION_DEVICE (SECTION | SECTION_AP_FULL | 0x4u | SECTION_XN)
/* Strongly-ordered memory (TEX 000, C 0, B 0). */
#define SECTION_STRONGLY_ORDERED (SECTION | SECTION_AP_FULL)

static u32 translation_table[4096] __attribute__((aligned(16384)));
static volatile u32 translation_table_ready;

/* What the CPU1 entry stub (secondary.S) uses; set by platform_start_cpu1. */
void (*volatile platform_cpu1_main)(void);
volatile u32 platform_cpu1_irq_stack_top, platform_cpu1_sys_stack_top;
void platform_cpu1_entry(void);

void __real__exit(int code);
void __wrap__exit(int code);

/* The attributes of the 1 MiB section at index `mb` (its address >> 20). */
static u32 section_attributes(u32 mb)
{
    if (mb < 0x400) return SECTION_NORMAL;                        /* DDR (and OCM low) */
    if (mb < 0xC00) return SECTION_STRONGLY_ORDERED | SECTION_XN; /* PL: AXI GP0, GP1 */
    if (mb >= 0xE00 && mb < 0xE03) return SECTION_DEVICE;         /* I/O peripherals */
    if (mb >= 0xF80 && mb < 0xF90) return SECTION_DEVICE;         /* SLCR, PS, MPCore private */
    if (mb == 0xFFF) return SECTION_STRONGLY_ORDERED;             /* OCM high */
    return 0;                                                     /* a hole: translation fault */
}

static void build_translation_table(void)
{
    for (u32 mb = 0; mb < 4096; mb++)
        translation_table[mb] = (mb << 20) | section_attributes(mb);
    Xil_DataSyncBarrier();
    translation_table_ready = 1;
}

static void enable_mmu(void)
{
    u32 value;
    __asm__ volatile("mcr p15, 0, %0, c12, c0, 0" : : "r"(_start));           /* VBAR */
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 2" : : "r"(0u));                /* TTBCR: TTBR0 */
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 0" : : "r"(translation_table)); /* TTBR0 */
    __asm__ volatile("mcr p15, 0, %0, c3, c0, 0" : : "r"(0x55555555u));       /* DACR: clients */
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 0" : : "r"(0u));                /* TLBIALL */
    __asm__ volatile("mcr p15, 0, %0, c7, c5, 0" : : "r"(0u));                /* ICIALLU */
    __asm__ volatile("mcr p15, 0, %0, c7, c5, 6" : : "r"(0u));                /* BPIALL */
    __asm__ volatile("dsb\n\tisb" : : : "memory");
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 1" : "=r"(value)); /* ACTLR: SMP, FW */
    value |= (1u << 6) | (1u << 0);
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 1" : : "r"(value));
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(value)); /* SCTLR */
    value |= (1u << 0) | (1u << 11) | (1u << 12);                /* M, Z, I */
    value &= ~((1u << 1) | (1u << 13));                          /* A (alignment), V */
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 0\n\tisb" : : "r"(value) : "memory");
}

void platform_init(void)
{
    if (platform_cpu_id() == 0 && !translation_table_ready) build_translation_table();
    enable_mmu();
}

u32 platform_cpu_id(void)
{
    u32 mpidr;
    __asm__ volatile("mrc p15, 0, %0, c0, c0, 5" : "=r"(mpidr));
    return mpidr & 3u;
}

void platform_start_cpu1(void (*fn)(void), void *stack, u32 stack_size)
{
    u32 base = (u32)(UINTPTR)stack;
    platform_cpu1_main = fn;
    platform_cpu1_irq_stack_top = (base + stack_size / 4) & ~7u;
    platform_cpu1_sys_stack_top = (base + stack_size) & ~7u;
    Xil_Out32(XPAR_CPU1_START_ADDRESS, (u32)(UINTPTR)platform_cpu1_entry);
    platform_send_event();
}

void platform_wait_until(volatile u32 *counter, u32 value)
{
    for (;;) {
        __asm__ volatile("cpsid i" : : : "memory");
        if (*counter >= value) break;
        __asm__ volatile("dsb\n\twfi\n\tcpsie i" : : : "memory");
    }
    __asm__ volatile("cpsie i" : : : "memory");
}

void platform_lock_take(platform_lock *lock)
{
    u32 value, failed;
    for (;;) {
        __asm__ volatile("ldrex %0, [%1]" : "=r"(value) : "r"(&lock->taken) : "memory");
        if (value == 0) {
            __asm__ volatile("strex %0, %2, [%1]"
                             : "=&r"(failed)
                             : "r"(&lock->taken), "r"(1u)
                             : "memory");
            if (!failed) break;
        } else {
            __asm__ volatile("clrex" : : : "memory");
            platform_wait_event();
        }
    }
    Xil_DataMemoryBarrier();
}

void platform_lock_give(platform_lock *lock)
{
    Xil_DataMemoryBarrier();
    lock->taken = 0;
    platform_send_event();
}

void __wrap__exit(int code)
{
    UartPs_WaitTransmitDone(XPAR_PS7_UART_1_BASEADDR);
    __real__exit(code);
    for (;;) {
    }
}
