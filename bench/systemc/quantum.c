/*
 * quantum.c: the quantum's effect on speed and on interrupt timing. A compute loop of
 * about 100 million instructions runs while the TLM timer model (0x30100000, VIC input
 * 18) interrupts every 50 us (the handler re-arms it); the handler records how late each
 * interrupt arrived after the model's deadline. Prints the count, mean and maximum.
 */
#include "fw/runtime.h"

#define T_CTRL        REG(TLM_TIMER + 0x00)
#define T_DELAY       REG(TLM_TIMER + 0x04)
#define T_STATUS      REG(TLM_TIMER + 0x08)
#define T_DEADLINE_LO REG(TLM_TIMER + 0x0c)
#define T_DEADLINE_HI REG(TLM_TIMER + 0x10)
#define PERIOD_NS     50000u

static volatile uint32_t irqs;
static volatile uint64_t total_late, max_late, deadline;

static uint64_t read_deadline(void)
{
    uint32_t low = T_DEADLINE_LO;
    return (uint64_t)T_DEADLINE_HI << 32 | low;
}

void fw_irq(void)
{
    uint64_t now = elapsed_ns();
    T_STATUS = 1;
    uint64_t late = now - deadline;
    irqs++;
    total_late += late;
    if (late > max_late) max_late = late;
    T_DELAY = PERIOD_NS;
    deadline = read_deadline();
}

void fw_data_abort(uint32_t pc)
{
    (void)pc;
    fw_exit(1);
}

int main(void)
{
    VIC_INTSELECT = 0;
    VIC_INTENABLE = 1u << IRQ_TIMER;
    T_CTRL = 1;
    T_DELAY = PERIOD_NS;
    deadline = read_deadline();
    irq_enable();
    uint32_t x = 1;
    for (uint32_t i = 0; i < 25000000u; i++)
        x = x * 1664525u + 1013904223u;
    irq_disable();
    T_CTRL = 0;
    puts_("x ");
    put_hex(x);
    puts_("\ninfo: irqs=");
    put_dec(irqs);
    puts_(" mean_late_ns=");
    put_dec(irqs ? total_late / irqs : 0);
    puts_(" max_late_ns=");
    put_dec(max_late);
    puts_("\n");
    return 0;
}
