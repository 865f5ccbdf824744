/*
 * gic_timer: interrupts on the Versatile Express A9 through the Cortex-A9 GIC.
 *
 * 1. A software-generated interrupt (SGI 1, to this CPU) is taken as soon as IRQs are
 *    unmasked; ICCIAR reports its ID and the source CPU.
 * 2. The motherboard's SP804 timer 0 (0x10011000, SPI 2 = ID 34) runs periodically at
 *    1 MHz; main waits for five ticks in a WFI loop.
 * 3. The CPU's private timer (PPI 29) in one-shot mode, polled for its event flag, then
 *    again with its interrupt.
 * 4. Priorities: SGIs of low and high priority raised while IRQs are masked are taken
 *    highest first; one below the priority mask is not taken until the mask is raised.
 */
#include <stdio.h>

#include "common/exceptions.h"

#define REG(a) (*(volatile uint32_t *)(a))

#define GICD                0x1e001000u
#define GICC                0x1e000100u
#define GICD_CTLR           REG(GICD + 0x000)
#define GICD_ISENABLER(n)   REG(GICD + 0x100 + 4 * (n))
#define GICD_ICENABLER(n)   REG(GICD + 0x180 + 4 * (n))
#define GICD_IPRIORITYR(id) (*(volatile uint8_t *)(GICD + 0x400 + (id)))
#define GICD_ITARGETSR(id)  (*(volatile uint8_t *)(GICD + 0x800 + (id)))
#define GICD_SGIR           REG(GICD + 0xf00)
#define GICC_CTLR           REG(GICC + 0x00)
#define GICC_PMR            REG(GICC + 0x04)
#define GICC_IAR            REG(GICC + 0x0c)
#define GICC_EOIR           REG(GICC + 0x10)
#define GICC_RPR            REG(GICC + 0x14)

#define TIMER0        0x10011000u
#define TIMER_LOAD    REG(TIMER0 + 0x00)
#define TIMER_CONTROL REG(TIMER0 + 0x08)
#define TIMER_INTCLR  REG(TIMER0 + 0x0c)

#define TWD         0x1e000600u
#define TWD_LOAD    REG(TWD + 0x00)
#define TWD_COUNTER REG(TWD + 0x04)
#define TWD_CONTROL REG(TWD + 0x08)
#define TWD_INTSTAT REG(TWD + 0x0c)

#define ID_SGI_HIGH 1
#define ID_SGI_LOW  2
#define ID_TWD      29
#define ID_TIMER0   34
#define TICKS       5

static volatile uint32_t sgi_count, sgi_source, ticks, twd_irqs, order[8], n_order;

static void note(uint32_t what)
{
    if (n_order < 8) order[n_order++] = what;
}

static void sgi(uint32_t id)
{
    GICD_SGIR = (2u << 24) | id; /* to this CPU only */
}

static void on_irq(fw_frame *frame)
{
    (void)frame;
    uint32_t iar = GICC_IAR;
    uint32_t id = iar & 0x3ff;
    switch (id) {
    case ID_SGI_HIGH:
        sgi_count++;
        sgi_source = (iar >> 10) & 7;
        note(id);
        break;
    case ID_SGI_LOW: note(id); break;
    case ID_TIMER0:
        TIMER_INTCLR = 1;
        if (++ticks == TICKS) TIMER_CONTROL = 0;
        break;
    case ID_TWD:
        TWD_INTSTAT = 1;
        twd_irqs++;
        break;
    case 1023: return; /* spurious */
    default: printf("unexpected interrupt %lu\n", (unsigned long)id);
    }
    GICC_EOIR = iar;
}

static void wait_for(volatile uint32_t *counter, uint32_t value)
{
    while (*counter < value)
        __asm__ volatile("wfi");
}

int main(void)
{
    printf("gic_timer test\n");
    fw_set_handler(FW_IRQ, on_irq);
    GICD_CTLR = 1;
    GICC_PMR = 0xf0;
    GICC_CTLR = 1;
    GICD_ISENABLER(0) = 1u << ID_SGI_HIGH | 1u << ID_SGI_LOW; /* (always on in the A9 GIC) */
    GICD_IPRIORITYR(ID_SGI_HIGH) = 0x40;
    GICD_IPRIORITYR(ID_SGI_LOW) = 0xc0;
    GICD_IPRIORITYR(ID_TIMER0) = 0x80;
    GICD_IPRIORITYR(ID_TWD) = 0x80;
    printf("running priority when idle: 0x%02lx\n", (unsigned long)GICC_RPR);

    /* 1. SGI */
    sgi(ID_SGI_HIGH);
    printf("SGI pending before unmasking: taken %lu\n", (unsigned long)sgi_count);
    fw_enable_interrupts();
    printf("SGI taken after unmasking: %lu, from CPU %lu\n", (unsigned long)sgi_count,
           (unsigned long)sgi_source);

    /* 2. SP804 through the GIC */
    GICD_ITARGETSR(ID_TIMER0) = 1;
    GICD_ISENABLER(ID_TIMER0 / 32) = 1u << (ID_TIMER0 % 32);
    TIMER_LOAD = 999;                       /* 1 ms at 1 MHz */
    TIMER_CONTROL = 0x80 | 0x40 | 0x20 | 2; /* enable, periodic, interrupt, 32-bit */
    wait_for(&ticks, TICKS);
    GICD_ICENABLER(ID_TIMER0 / 32) = 1u << (ID_TIMER0 % 32);
    printf("SP804 ticks through SPI %d: %lu\n", ID_TIMER0 - 32, (unsigned long)ticks);

    /* 4. priorities */
    fw_disable_interrupts();
    n_order = 0;
    GICD_IPRIORITYR(ID_SGI_LOW) = 0xf8; /* below the mask (0xf0) */
    sgi(ID_SGI_LOW);
    sgi(ID_SGI_HIGH);
    fw_enable_interrupts();
    printf("taken with the mask at 0xf0:");
    for (uint32_t i = 0; i < n_order; i++)
        printf(" %lu", (unsigned long)order[i]);
    printf("\n");
    fw_disable_interrupts();
    n_order = 0;
    GICD_IPRIORITYR(ID_SGI_LOW) = 0xc0;
    GICD_IPRIORITYR(ID_SGI_HIGH) = 0x40;
    sgi(ID_SGI_HIGH);
    fw_enable_interrupts();
    printf("then (low still pending, high raised again):");
    for (uint32_t i = 0; i < n_order; i++)
        printf(" %lu", (unsigned long)order[i]);
    printf("\n");

    /* 3. private timer, polled then with its interrupt */
    fw_disable_interrupts();
    TWD_LOAD = 100000;
    TWD_CONTROL = 1; /* enable, one-shot, no interrupt */
    while (!(TWD_INTSTAT & 1)) {
    }
    printf("private timer polled: event %lu, counter %lu\n", (unsigned long)(TWD_INTSTAT & 1),
           (unsigned long)TWD_COUNTER);
    TWD_INTSTAT = 1;
    GICD_ISENABLER(0) = 1u << ID_TWD;
    TWD_LOAD = 5000;
    TWD_CONTROL = 1 | 2 | 4; /* enable, auto-reload, interrupt */
    fw_enable_interrupts();
    wait_for(&twd_irqs, 3);
    TWD_CONTROL = 0;
    printf("private timer interrupts through PPI %d: %s\n", ID_TWD - 16,
           twd_irqs >= 3 ? "3 or more" : "too few");
    printf("done\n");
    return 0;
}
