/*
 * smp_wake: CPU1 started the way the silicon starts it, and both CPUs working together.
 *
 * 1. CPU1 waits in the boot ROM's loop (WFE, read 0xFFFFFFF0, loop while zero). CPU0 writes
 *    the address of CPU1's entry there and executes SEV (platform_start_cpu1); CPU1 sets
 *    itself up (stacks, vectors, MMU, its GIC CPU interface) and reports.
 * 2. Three rounds of ping-pong: each CPU prints in turn, handing the turn over through a
 *    shared variable, with WFE to wait and SEV to wake the other.
 * 3. Both CPUs add 1 to two shared counters 20000 times each: one under a spin lock
 *    (LDREX/STREX), one with atomic increments; no increment may be lost.
 * 4. Software interrupts between the CPUs through the GIC: CPU0 raises SGI 3 on CPU1, whose
 *    handler sees CPU0 as the source and raises SGI 4 on CPU0 in return.
 *
 * The console is shared under a lock, and the order of the lines is fixed by the hand-overs,
 * so the output is the same on every run. Not comparable with QEMU 7.2: its xilinx-zynq-a9
 * has one CPU.
 */
#include <stdarg.h>
#include <stdio.h>

#include "common/exceptions.h"
#include "platform.h"
#include "scugic.h"
#include "xparameters.h"

#define ROUNDS      3u
#define INCREMENTS  20000u
#define SGI_TO_CPU1 3u
#define SGI_TO_CPU0 4u
#define CPU1_STACK  0x4000u

static u8 cpu1_stack[CPU1_STACK] __attribute__((aligned(8)));
static platform_lock console_lock, counter_lock;
static volatile u32 cpu1_up, turn, cpu1_done_counting, locked_counter, atomic_counter;
static volatile u32 sgi_seen[2], sgi_source[2];

static void say(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    platform_lock_take(&console_lock);
    vprintf(format, args);
    fflush(stdout);
    platform_lock_give(&console_lock);
    va_end(args);
}

static void wait_for_value(volatile u32 *variable, u32 value)
{
    while (*variable != value)
        platform_wait_event();
    Xil_DataMemoryBarrier();
}

static void set_and_signal(volatile u32 *variable, u32 value)
{
    Xil_DataMemoryBarrier();
    *variable = value;
    platform_send_event();
}

static void count(void)
{
    for (u32 i = 0; i < INCREMENTS; i++) {
        platform_lock_take(&counter_lock);
        locked_counter = locked_counter + 1;
        platform_lock_give(&counter_lock);
        __atomic_fetch_add(&atomic_counter, 1u, __ATOMIC_SEQ_CST);
    }
}

/* SGI handler of both CPUs: notes the SGI and its source (ICCIAR bits 12:10). */
static void on_sgi(void *ref)
{
    u32 cpu = platform_cpu_id();
    sgi_seen[cpu] = (u32)(UINTPTR)ref;
    sgi_source[cpu] = (ScuGic_LastSource() >> 10) & 7u;
    if (cpu == 1) ScuGic_SoftwareIntr(SGI_TO_CPU0, 1u << 0);
}

static void cpu1_main(void)
{
    u32 sctlr;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
    ScuGic_CpuInitialize();
    ScuGic_Enable(SGI_TO_CPU1); /* its own, banked, enable */
    say("CPU%lu: up, MMU %s\n", (unsigned long)platform_cpu_id(), (sctlr & 1u) ? "on" : "off");
    set_and_signal(&cpu1_up, 1);

    for (u32 round = 1; round <= ROUNDS; round++) {
        wait_for_value(&turn, 1);
        say("CPU1: pong %lu\n", (unsigned long)round);
        set_and_signal(&turn, 0);
    }

    count();
    set_and_signal(&cpu1_done_counting, 1);

    fw_enable_interrupts();
    platform_wait_until(&sgi_seen[1], SGI_TO_CPU1);
    say("CPU1: SGI %lu from CPU%lu\n", (unsigned long)sgi_seen[1], (unsigned long)sgi_source[1]);
}

int main(void)
{
    printf("smp_wake test\n");
    ScuGic_Initialize();
    ScuGic_Connect(SGI_TO_CPU1, on_sgi, (void *)(UINTPTR)SGI_TO_CPU1);
    ScuGic_Connect(SGI_TO_CPU0, on_sgi, (void *)(UINTPTR)SGI_TO_CPU0);
    ScuGic_Enable(SGI_TO_CPU0);
    u32 scu_cpus = (Xil_In32(XPAR_PS7_SCU_0_BASEADDR + 0x04u) & 3u) + 1u;
    printf("CPU%lu: the SCU reports %lu CPUs; start address word: 0x%08lx\n",
           (unsigned long)platform_cpu_id(), (unsigned long)scu_cpus,
           (unsigned long)Xil_In32(XPAR_CPU1_START_ADDRESS));
    fflush(stdout);

    /* 1. release CPU1 */
    platform_start_cpu1(cpu1_main, cpu1_stack, sizeof cpu1_stack);
    wait_for_value(&cpu1_up, 1);
    say("CPU0: CPU1 is up\n");

    /* 2. ping-pong */
    for (u32 round = 1; round <= ROUNDS; round++) {
        say("CPU0: ping %lu\n", (unsigned long)round);
        set_and_signal(&turn, 1);
        wait_for_value(&turn, 0);
    }

    /* 3. shared counters */
    count();
    wait_for_value(&cpu1_done_counting, 1);
    say("CPU0: counters %lu (lock) and %lu (atomic), expected %lu\n", (unsigned long)locked_counter,
        (unsigned long)atomic_counter, (unsigned long)(2u * INCREMENTS));

    /* 4. SGIs both ways */
    fw_enable_interrupts();
    ScuGic_SoftwareIntr(SGI_TO_CPU1, 1u << 1);
    platform_wait_until(&sgi_seen[0], SGI_TO_CPU0);
    say("CPU0: SGI %lu from CPU%lu\n", (unsigned long)sgi_seen[0], (unsigned long)sgi_source[0]);
    say("done\n");
    return 0;
}
