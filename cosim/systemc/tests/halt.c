/*
 * halt.c: the firmware waits for the timer model's interrupt without arming it. Nothing
 * in the guest or in SystemC can wake it, so the run ends as halted (exit status 4)
 * instead of running forever.
 */
#include "fw/runtime.h"

void fw_irq(void)
{
    puts_("unexpected interrupt\n");
    fw_exit(1);
}

void fw_data_abort(uint32_t pc)
{
    puts_("unexpected data abort at ");
    put_hex(pc);
    puts_("\n");
    fw_exit(1);
}

int main(void)
{
    puts_("halt test\n");
    VIC_INTSELECT = 0;
    VIC_INTENABLE = 1u << IRQ_TIMER;
    REG(TLM_TIMER + 0x00) = 1; /* interrupt enabled, never armed */
    puts_("waiting for an interrupt that never comes\n");
    irq_enable();
    for (;;)
        wait_for_interrupt();
}
