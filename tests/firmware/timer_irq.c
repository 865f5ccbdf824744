/*
 * timer_irq: interrupts through the PL190 VIC (0x10140000).
 *
 * 1. A software interrupt (VICSoftInt, line 20) is taken as soon as IRQs are unmasked.
 * 2. SP804 timer 0 (0x101e2000, VIC line 4) runs periodically; the VIC is used in its
 *    vectored mode (VICVectAddr0 holds the handler, reading VICVectAddr gives it). The
 *    handler counts ticks and stops the timer at the tenth; main waits with WFI (CP15
 *    c7, c0, 4) with IRQs masked around the check, as a race-free idle loop must.
 * 3. The same timer in one-shot mode with its interrupt masked at the timer: main polls
 *    the raw interrupt status (RIS stays set, MIS stays clear).
 * 4. Timer 2 of the second SP804 (0x101e3000, VIC line 5) in one-shot mode, routed to FIQ
 *    with VICIntSelect; main busy-waits for the FIQ handler.
 * The output is the same however fast the machine is: only counts that the handlers
 * bound are printed.
 */
#include <stdint.h>
#include <stdio.h>

#include "common/cp15.h"
#include "common/exceptions.h"

#define REG(address) (*(volatile uint32_t *)(address))

#define TIMER0_BASE      0x101e2000u
#define TIMER2_BASE      0x101e3000u
#define TIMER_LOAD(t)    REG((t) + 0x00)
#define TIMER_VALUE(t)   REG((t) + 0x04)
#define TIMER_CONTROL(t) REG((t) + 0x08)
#define TIMER_INTCLR(t)  REG((t) + 0x0c)
#define TIMER_RIS(t)     REG((t) + 0x10)
#define TIMER_MIS(t)     REG((t) + 0x14)

#define TIMER_ENABLE   0x80u
#define TIMER_PERIODIC 0x40u
#define TIMER_INTEN    0x20u
#define TIMER_32BIT    0x02u
#define TIMER_ONESHOT  0x01u

#define VIC_BASE         0x10140000u
#define VIC_IRQSTATUS    REG(VIC_BASE + 0x000)
#define VIC_FIQSTATUS    REG(VIC_BASE + 0x004)
#define VIC_RAWINTR      REG(VIC_BASE + 0x008)
#define VIC_INTSELECT    REG(VIC_BASE + 0x00c)
#define VIC_INTENABLE    REG(VIC_BASE + 0x010)
#define VIC_INTENCLEAR   REG(VIC_BASE + 0x014)
#define VIC_SOFTINT      REG(VIC_BASE + 0x018)
#define VIC_SOFTINTCLEAR REG(VIC_BASE + 0x01c)
#define VIC_VECTADDR     REG(VIC_BASE + 0x030)
#define VIC_DEFVECTADDR  REG(VIC_BASE + 0x034)
#define VIC_VECTADDR0    REG(VIC_BASE + 0x100)
#define VIC_VECTCNTL0    REG(VIC_BASE + 0x200)

#define LINE_TIMER01 4u
#define LINE_TIMER23 5u
#define LINE_SOFT    20u
#define TICKS        10u

typedef void (*isr)(void);

static volatile uint32_t ticks, soft_interrupts, fiqs, unexpected_irqs, default_vectors;
static volatile uint32_t fiq_status_seen;

static void timer0_isr(void)
{
    TIMER_INTCLR(TIMER0_BASE) = 1;
    if (++ticks == TICKS) TIMER_CONTROL(TIMER0_BASE) = 0;
}

static void default_isr(void)
{
    default_vectors++;
    uint32_t status = VIC_IRQSTATUS;
    if (status & 1u << LINE_SOFT) {
        VIC_SOFTINTCLEAR = 1u << LINE_SOFT;
        soft_interrupts++;
    } else {
        unexpected_irqs++;
        VIC_INTENCLEAR = status;
    }
}

static void on_irq(fw_frame *frame)
{
    (void)frame;
    isr handler = (isr)VIC_VECTADDR; /* also tells the VIC the interrupt is being served */
    handler();
    VIC_VECTADDR = 0; /* end of interrupt */
}

static void on_fiq(fw_frame *frame)
{
    (void)frame;
    fiq_status_seen = VIC_FIQSTATUS;
    TIMER_INTCLR(TIMER2_BASE) = 1;
    fiqs++;
}

static void software_interrupt(void)
{
    VIC_SOFTINT = 1u << LINE_SOFT;
    printf("soft interrupt raw %lu, IRQ status before it is enabled: %lu\n",
           (unsigned long)(VIC_RAWINTR >> LINE_SOFT & 1u),
           (unsigned long)(VIC_IRQSTATUS >> LINE_SOFT & 1u));
    VIC_INTENABLE = 1u << LINE_SOFT;
    fw_enable_interrupts();
    fw_disable_interrupts();
    VIC_INTENCLEAR = 1u << LINE_SOFT;
    printf("soft interrupts taken: %lu, through the default vector: %lu\n",
           (unsigned long)soft_interrupts, (unsigned long)default_vectors);
}

static void periodic_timer(void)
{
    TIMER_CONTROL(TIMER0_BASE) = 0;
    TIMER_LOAD(TIMER0_BASE) = 1000; /* 1 ms at 1 MHz */
    printf("timer 0 load %lu\n", (unsigned long)TIMER_LOAD(TIMER0_BASE));
    VIC_VECTADDR0 = (uint32_t)timer0_isr;
    VIC_VECTCNTL0 = 0x20u | LINE_TIMER01;
    VIC_INTENABLE = 1u << LINE_TIMER01;
    TIMER_CONTROL(TIMER0_BASE) = TIMER_ENABLE | TIMER_PERIODIC | TIMER_INTEN | TIMER_32BIT;
    printf("timer 0 value is at most its load: %d\n", TIMER_VALUE(TIMER0_BASE) <= 1000u);

    uint32_t wakeups = 0;
    while (ticks < TICKS) {
        cp15_wait_for_interrupt(); /* wakes on a pending IRQ even while it is masked */
        fw_enable_interrupts();
        fw_disable_interrupts();
        wakeups++;
    }
    VIC_INTENCLEAR = 1u << LINE_TIMER01;
    printf("ticks: %lu, woke up at least once per tick: %d, enabled after the last: %lu\n",
           (unsigned long)ticks, wakeups >= TICKS,
           (unsigned long)(TIMER_CONTROL(TIMER0_BASE) & TIMER_ENABLE));
}

static void polled_timer(void)
{
    TIMER_INTCLR(TIMER0_BASE) = 1;
    TIMER_LOAD(TIMER0_BASE) = 50;
    TIMER_CONTROL(TIMER0_BASE) = TIMER_ENABLE | TIMER_ONESHOT | TIMER_32BIT;
    while (!(TIMER_RIS(TIMER0_BASE) & 1u)) {
    }
    printf("one-shot expired: RIS %lu MIS %lu, value %lu\n", (unsigned long)TIMER_RIS(TIMER0_BASE),
           (unsigned long)TIMER_MIS(TIMER0_BASE), (unsigned long)TIMER_VALUE(TIMER0_BASE));
    TIMER_INTCLR(TIMER0_BASE) = 1;
    printf("after INTCLR: RIS %lu\n", (unsigned long)TIMER_RIS(TIMER0_BASE));
    TIMER_CONTROL(TIMER0_BASE) = 0;
}

static void fast_interrupt(void)
{
    VIC_INTSELECT = 1u << LINE_TIMER23;
    VIC_INTENABLE = 1u << LINE_TIMER23;
    TIMER_LOAD(TIMER2_BASE) = 200;
    TIMER_CONTROL(TIMER2_BASE) = TIMER_ENABLE | TIMER_ONESHOT | TIMER_INTEN | TIMER_32BIT;
    fw_enable_interrupts();
    while (fiqs == 0) {
    }
    fw_disable_interrupts();
    TIMER_CONTROL(TIMER2_BASE) = 0;
    VIC_INTENCLEAR = 1u << LINE_TIMER23;
    VIC_INTSELECT = 0;
    printf("FIQs: %lu, VICFIQStatus in the handler 0x%08lx, IRQ status now 0x%08lx\n",
           (unsigned long)fiqs, (unsigned long)fiq_status_seen, (unsigned long)VIC_IRQSTATUS);
}

int main(void)
{
    printf("timer_irq test\n");
    fw_set_handler(FW_IRQ, on_irq);
    fw_set_handler(FW_FIQ, on_fiq);
    VIC_INTENCLEAR = 0xffffffffu;
    VIC_INTSELECT = 0;
    VIC_DEFVECTADDR = (uint32_t)default_isr;

    software_interrupt();
    periodic_timer();
    polled_timer();
    fast_interrupt();
    printf("unexpected IRQs: %lu\n", (unsigned long)unexpected_irqs);
    return 0;
}
