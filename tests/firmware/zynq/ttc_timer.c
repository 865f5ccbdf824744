/*
 * ttc_timer: the triple timer counter TTC0 through the GIC, as a standalone application
 * drives it.
 *
 * 1. Counter 1 in interval mode (prescaler /64, interval 1000) interrupts on GIC ID 42;
 *    main sleeps in WFI until ten ticks have come, then stops it.
 * 2. Counter 2 in interval mode with match mode (prescaler /256): a match interrupt
 *    half-way through every interval (the interval interrupt off), on ID 43, five times.
 *
 * Under QEMU the counters follow the host's clock, so the output says nothing that a
 * descheduled QEMU could change (the order of two events, how many came in one read).
 * 3. Counter 3 in overflow mode (no interval: the 16-bit counter wraps), three overflow
 *    interrupts on ID 44.
 * 4. Polled, without interrupts: a counter that is stopped does not move; the interrupt
 *    register shows a match event once and is cleared by reading it.
 */
#include <stdio.h>

#include "common/exceptions.h"
#include "platform.h"
#include "scugic.h"
#include "ttcps.h"
#include "xparameters.h"

#define TICKS     10u
#define MATCHES   5u
#define OVERFLOWS 3u

static TtcPs interval_timer, match_timer, overflow_timer;
static volatile u32 ticks, matches, overflows;

static void on_interval(void *ref)
{
    TtcPs *t = ref;
    u32 status = TtcPs_GetInterruptStatus(t);
    if (ticks == TICKS) return; /* an event of the last moments before the stop */
    if (status & TTCPS_IXR_INTERVAL) {
        if (++ticks == TICKS) TtcPs_Stop(t);
    }
}

/* Counts match events until the counter stops. (The interrupt register also shows the
 * events of disabled interrupts: only the enabled one counts.) */
static void on_match(void *ref)
{
    TtcPs *t = ref;
    u32 status = TtcPs_GetInterruptStatus(t);
    if (matches == MATCHES) return;
    if (status & TTCPS_IXR_MATCH_0) {
        if (++matches == MATCHES) TtcPs_Stop(t);
    }
}

static void on_overflow(void *ref)
{
    TtcPs *t = ref;
    u32 status = TtcPs_GetInterruptStatus(t);
    if (overflows == OVERFLOWS) return;
    if (status & TTCPS_IXR_OVERFLOW) {
        if (++overflows == OVERFLOWS) TtcPs_Stop(t);
    }
}

static void delay(u32 loops)
{
    for (volatile u32 i = 0; i < loops; i++) {
    }
}

int main(void)
{
    printf("ttc_timer test\n");
    ScuGic_Initialize();

    /* 1. interval mode */
    TtcPs_Initialize(&interval_timer, XPAR_PS7_TTC_0_BASEADDR, 0);
    TtcPs_SetOptions(&interval_timer, TTCPS_CNT_CNTRL_INT);
    TtcPs_SetPrescaler(&interval_timer, 5); /* /64 */
    TtcPs_SetInterval(&interval_timer, 1000);
    TtcPs_EnableInterrupts(&interval_timer, TTCPS_IXR_INTERVAL);
    ScuGic_Connect(XPAR_XTTCPS_0_INTR, on_interval, &interval_timer);
    ScuGic_SetPriorityTriggerType(XPAR_XTTCPS_0_INTR, 0xA0, SCUGIC_TRIGGER_LEVEL_HIGH);
    ScuGic_Enable(XPAR_XTTCPS_0_INTR);
    fw_enable_interrupts();
    TtcPs_Start(&interval_timer);
    platform_wait_until(&ticks, TICKS);
    printf("interval mode: %lu ticks on GIC ID %lu\n", (unsigned long)ticks,
           (unsigned long)(ScuGic_LastSource() & 0x3FFu));

    /* 2. match mode within the interval */
    TtcPs_Initialize(&match_timer, XPAR_PS7_TTC_0_BASEADDR, 1);
    TtcPs_SetOptions(&match_timer, TTCPS_CNT_CNTRL_INT | TTCPS_CNT_CNTRL_MATCH);
    TtcPs_SetPrescaler(&match_timer, 7); /* /256 */
    TtcPs_SetInterval(&match_timer, 4000);
    TtcPs_SetMatchValue(&match_timer, 0, 2000);
    TtcPs_EnableInterrupts(&match_timer, TTCPS_IXR_MATCH_0);
    ScuGic_Connect(XPAR_XTTCPS_1_INTR, on_match, &match_timer);
    ScuGic_Enable(XPAR_XTTCPS_1_INTR);
    TtcPs_Start(&match_timer);
    platform_wait_until(&matches, MATCHES);
    printf("match mode: %lu match interrupts on GIC ID %lu\n", (unsigned long)matches,
           (unsigned long)(ScuGic_LastSource() & 0x3FFu));

    /* 3. overflow mode */
    TtcPs_Initialize(&overflow_timer, XPAR_PS7_TTC_0_BASEADDR, 2);
    TtcPs_SetPrescaler(&overflow_timer, 0); /* /2 */
    TtcPs_EnableInterrupts(&overflow_timer, TTCPS_IXR_OVERFLOW);
    ScuGic_Connect(XPAR_XTTCPS_2_INTR, on_overflow, &overflow_timer);
    ScuGic_Enable(XPAR_XTTCPS_2_INTR);
    TtcPs_Start(&overflow_timer);
    platform_wait_until(&overflows, OVERFLOWS);
    printf("overflow mode: %lu overflows on GIC ID %lu\n", (unsigned long)overflows,
           (unsigned long)(ScuGic_LastSource() & 0x3FFu));

    /* 4. polled, at the slowest rate (/65536): one match event soon after the start, the
     * next ones a whole interval (0xFFFF counts) later */
    fw_disable_interrupts();
    ScuGic_Disable(XPAR_XTTCPS_0_INTR);
    ScuGic_Disable(XPAR_XTTCPS_1_INTR);
    ScuGic_Disable(XPAR_XTTCPS_2_INTR);
    TtcPs_Initialize(&interval_timer, XPAR_PS7_TTC_0_BASEADDR, 0);
    TtcPs_SetOptions(&interval_timer, TTCPS_CNT_CNTRL_INT | TTCPS_CNT_CNTRL_MATCH);
    TtcPs_SetPrescaler(&interval_timer, 15);
    TtcPs_SetInterval(&interval_timer, 0xFFFF);
    TtcPs_SetMatchValue(&interval_timer, 0, 2);
    TtcPs_EnableInterrupts(&interval_timer, TTCPS_IXR_MATCH_0);
    u16 stopped_before = TtcPs_GetCounterValue(&interval_timer);
    delay(20000);
    u16 stopped_after = TtcPs_GetCounterValue(&interval_timer);
    printf("stopped counter moves: %s\n", stopped_before != stopped_after ? "yes" : "no");
    TtcPs_Start(&interval_timer);
    u32 status;
    while (!((status = TtcPs_GetInterruptStatus(&interval_timer)) & TTCPS_IXR_MATCH_0)) {
    }
    u32 again = TtcPs_GetInterruptStatus(&interval_timer) & TTCPS_IXR_MATCH_0;
    u16 value = TtcPs_GetCounterValue(&interval_timer);
    printf("polled match event: %lx, read again: %lx, counter past the match value: %s\n",
           (unsigned long)(status & TTCPS_IXR_MATCH_0), (unsigned long)again,
           value >= 2 && value < 0x1000 ? "yes" : "no");
    TtcPs_Stop(&interval_timer);
    printf("done\n");
    return 0;
}
