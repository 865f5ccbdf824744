/*
 * timer_routed: machine A of the routed-timer test. Its SP804 timer 0 range (0x101e2000)
 * is routed to machine B, which runs serialice_shell: the timer that counts is B's. The
 * route's irq= option polls B's TIMER0MIS and drives VIC line 4 of machine A, so B's timer
 * interrupts A's firmware. The handler acknowledges each tick (TIMER0INTCLR, a routed
 * write after which the route polls again) and stops the timer at the TICKS-th. Only
 * counts that the handler bounds are printed, so the output does not depend on how fast
 * either machine runs.
 */
#include <stdint.h>
#include <stdio.h>

#include "common/cp15.h"
#include "common/exceptions.h"

#define REG(address) (*(volatile uint32_t *)(address))

#define TIMER0_BASE   0x101e2000u
#define TIMER_LOAD    REG(TIMER0_BASE + 0x00)
#define TIMER_CONTROL REG(TIMER0_BASE + 0x08)
#define TIMER_INTCLR  REG(TIMER0_BASE + 0x0c)
#define TIMER_MIS     REG(TIMER0_BASE + 0x14)

#define TIMER_ENABLE   0x80u
#define TIMER_PERIODIC 0x40u
#define TIMER_INTEN    0x20u
#define TIMER_32BIT    0x02u

#define VIC_BASE       0x10140000u
#define VIC_IRQSTATUS  REG(VIC_BASE + 0x000)
#define VIC_INTSELECT  REG(VIC_BASE + 0x00c)
#define VIC_INTENABLE  REG(VIC_BASE + 0x010)
#define VIC_INTENCLEAR REG(VIC_BASE + 0x014)

#define LINE_TIMER01 4u
#define TICKS        5u

static volatile uint32_t ticks, spurious, other_lines;

static void on_irq(fw_frame *frame)
{
    (void)frame;
    uint32_t status = VIC_IRQSTATUS;
    if (status & ~(1u << LINE_TIMER01)) {
        other_lines++;
        VIC_INTENCLEAR = status & ~(1u << LINE_TIMER01);
    }
    if (!(status & 1u << LINE_TIMER01)) return;
    if (!(TIMER_MIS & 1u)) { /* the line was high but B's timer says no interrupt */
        spurious++;
        return;
    }
    TIMER_INTCLR = 1; /* the route polls again after this write: the line goes low */
    if (++ticks == TICKS) TIMER_CONTROL = 0;
}

int main(void)
{
    printf("timer_routed test\n");
    fw_set_handler(FW_IRQ, on_irq);
    VIC_INTENCLEAR = 0xffffffffu;
    VIC_INTSELECT = 0;

    TIMER_CONTROL = 0;
    TIMER_INTCLR = 1;
    TIMER_LOAD = 10000; /* 10 ms of machine B's virtual time at 1 MHz: a tick takes A a few
                         * round trips on the link, which may be slow on a busy machine */
    printf("timer 0 load through the bridge: %lu\n", (unsigned long)TIMER_LOAD);
    VIC_INTENABLE = 1u << LINE_TIMER01;
    TIMER_CONTROL = TIMER_ENABLE | TIMER_PERIODIC | TIMER_INTEN | TIMER_32BIT;

    uint32_t wakeups = 0;
    while (ticks < TICKS) {
        cp15_wait_for_interrupt(); /* wakes on a pending IRQ even while it is masked */
        fw_enable_interrupts();
        fw_disable_interrupts();
        wakeups++;
    }
    VIC_INTENCLEAR = 1u << LINE_TIMER01;
    printf("ticks: %lu, spurious: %lu, other lines: %lu, woke up at least once per tick: %d\n",
           (unsigned long)ticks, (unsigned long)spurious, (unsigned long)other_lines,
           wakeups >= TICKS);
    printf("after the last tick: control 0x%02lx, MIS %lu\n", (unsigned long)TIMER_CONTROL,
           (unsigned long)TIMER_MIS);
    return 0;
}
