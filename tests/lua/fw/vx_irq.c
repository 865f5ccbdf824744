/*
 * vx_irq.c: the interrupt side of vx_snapshot.c: the GIC, the three timers (private
 * timer, global timer comparator, SP804 timer 0) and the IRQ handler that counts their
 * interrupts and hashes the main loop's progress at each one. Built without the FPU.
 */
#include "vx_devices.h"

#include "common/exceptions.h"

#define GICD_CTLR         VX_REG(VX_GICD + 0x000)
#define GICD_ISENABLER(n) VX_REG(VX_GICD + 0x100 + 4 * (n))
#define GICD_ICENABLER(n) VX_REG(VX_GICD + 0x180 + 4 * (n))
#define GICD_IPRIORITY(i) (*(volatile uint8_t *)(VX_GICD + 0x400 + (i)))
#define GICD_ITARGETS(i)  (*(volatile uint8_t *)(VX_GICD + 0x800 + (i)))
#define GICC_CTLR         VX_REG(VX_GICC + 0x00)
#define GICC_PMR          VX_REG(VX_GICC + 0x04)
#define GICC_IAR          VX_REG(VX_GICC + 0x0c)
#define GICC_EOIR         VX_REG(VX_GICC + 0x10)
#define GICC_HPPIR        VX_REG(VX_GICC + 0x18)

#define TWD_LOAD    VX_REG(VX_TWD + 0x00)
#define TWD_CONTROL VX_REG(VX_TWD + 0x08)
#define TWD_INTSTAT VX_REG(VX_TWD + 0x0c)

#define GT_CONTROL    VX_REG(VX_GT + 0x08)
#define GT_INTSTAT    VX_REG(VX_GT + 0x0c)
#define GT_COMPARE_LO VX_REG(VX_GT + 0x10)
#define GT_COMPARE_HI VX_REG(VX_GT + 0x14)
#define GT_AUTOINC    VX_REG(VX_GT + 0x18)

#define TIMER0_LOAD    VX_REG(VX_TIMER0 + 0x00)
#define TIMER0_CONTROL VX_REG(VX_TIMER0 + 0x08)
#define TIMER0_INTCLR  VX_REG(VX_TIMER0 + 0x0c)

volatile vx_ticks vx_ticks_seen;
volatile uint32_t vx_progress;

static void mix(uint32_t id)
{
    uint32_t h = vx_ticks_seen.hash;
    h = (h ^ id) * 16777619u;
    h = (h ^ vx_progress) * 16777619u;
    vx_ticks_seen.hash = h;
}

static void on_irq(fw_frame *frame)
{
    (void)frame;
    uint32_t iar = GICC_IAR;
    uint32_t id = iar & 0x3ff;
    switch (id) {
    case VX_ID_TWD:
        TWD_INTSTAT = 1;
        vx_ticks_seen.twd++;
        break;
    case VX_ID_GT:
        GT_INTSTAT = 1;
        vx_ticks_seen.gt++;
        break;
    case VX_ID_TIMER0:
        TIMER0_INTCLR = 1;
        vx_ticks_seen.timer0++;
        break;
    case 1023: return; /* spurious */
    default: vx_ticks_seen.other++;
    }
    mix(id);
    GICC_EOIR = iar;
}

/* Before main (a constructor), which the compiler may give VFP and NEON code anywhere:
 * CPACR full access to cp10 and cp11, then FPEXC.EN. */
__attribute__((constructor)) static void fpu_on(void)
{
    uint32_t cpacr;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(cpacr));
    cpacr |= 0xfu << 20;
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 2\n"
                     "isb\n"
                     ".fpu neon\n"
                     "vmsr fpexc, %1"
                     :
                     : "r"(cpacr), "r"(1u << 30)
                     : "memory");
}

void vx_irq_init(void)
{
    fw_set_handler(FW_IRQ, on_irq);
    GICD_CTLR = 1;
    GICC_PMR = 0xf0;
    GICC_CTLR = 1;
    GICD_IPRIORITY(VX_ID_TWD) = 0x80;
    GICD_IPRIORITY(VX_ID_GT) = 0x90;
    GICD_IPRIORITY(VX_ID_TIMER0) = 0xa0;
    GICD_ITARGETS(VX_ID_TIMER0) = 1;
    GICD_ISENABLER(0) = 1u << VX_ID_TWD | 1u << VX_ID_GT;
    GICD_ISENABLER(1) = 1u << (VX_ID_TIMER0 - 32);
}

void vx_timers_start(void)
{
    TWD_LOAD = 1999; /* 10 us at 200 MHz */
    TWD_CONTROL = 1 | 2 | 4;
    GT_AUTOINC = 7400; /* 37 us */
    GT_COMPARE_HI = 0;
    GT_COMPARE_LO = 7400;
    GT_CONTROL = 1 | 2 | 4 | 8; /* timer, comparator, IRQ, auto-increment */
    TIMER0_LOAD = 56;           /* 57 us at 1 MHz */
    TIMER0_CONTROL = 0x80 | 0x40 | 0x20 | 2;
}

void vx_timers_stop(void)
{
    TWD_CONTROL = 0;
    GT_CONTROL = 0;
    TIMER0_CONTROL = 0;
    TWD_INTSTAT = 1;
    GT_INTSTAT = 1;
    TIMER0_INTCLR = 1;
}

int vx_irq_pending(void)
{
    return (GICC_HPPIR & 0x3ff) != 1023;
}
