/*
 * timer.c: the TLM timer model (0x30100000, VIC input 18) raises interrupts at times
 * the firmware sets, and the guest's clock and SystemC's agree.
 *
 * 1. The model reads the access's time as sc_time_stamp() + delay: it must lie between
 *    the guest's clock (semihosting SYS_ELAPSED) just before and just after the access.
 *    SystemC's own time (sc_time_stamp() alone) is behind the guest by at most a quantum.
 * 2. Three interrupts, each set some ns after "now": the model fires exactly at the
 *    deadline (its fired time equals the deadline), the handler sees it no earlier than
 *    the deadline and at most one quantum (plus the handler's entry) after it.
 * 3. Clearing the status drops the line: no further interrupt comes.
 * Info lines give the figures (the test scripts check the window from them too).
 */
#include "fw/runtime.h"

#define T_CTRL        REG(TLM_TIMER + 0x00)
#define T_DELAY       REG(TLM_TIMER + 0x04)
#define T_STATUS      REG(TLM_TIMER + 0x08)
#define T_DEADLINE_LO REG(TLM_TIMER + 0x0c)
#define T_DEADLINE_HI REG(TLM_TIMER + 0x10)
#define T_NOW_LO      REG(TLM_TIMER + 0x14)
#define T_NOW_HI      REG(TLM_TIMER + 0x18)
#define T_KERNEL_LO   REG(TLM_TIMER + 0x1c)
#define T_KERNEL_HI   REG(TLM_TIMER + 0x20)
#define T_QUANTUM     REG(TLM_TIMER + 0x24)
#define T_FIRED_LO    REG(TLM_TIMER + 0x28)
#define T_FIRED_HI    REG(TLM_TIMER + 0x2c)

/* Instructions between the interrupt and the handler's clock read, in ns (1 ns each). */
#define HANDLER_ENTRY_NS 500u

static volatile uint32_t irqs, other_irqs;
static volatile uint64_t seen_at;

void fw_irq(void)
{
    uint64_t now = elapsed_ns();
    uint32_t status = VIC_IRQSTATUS;
    if (status & (1u << IRQ_TIMER)) {
        if (irqs++ == 0) seen_at = now;
        T_STATUS = 1; /* clear: the line drops */
    } else {
        other_irqs++;
        VIC_INTENCLEAR = status;
    }
}

void fw_data_abort(uint32_t pc)
{
    puts_("unexpected data abort at ");
    put_hex(pc);
    puts_("\n");
    fw_exit(1);
}

static uint64_t read64(volatile uint32_t *lo, volatile uint32_t *hi)
{
    uint32_t low = *lo;
    return (uint64_t)*hi << 32 | low;
}

static void agreement(uint32_t quantum)
{
    uint64_t before = elapsed_ns();
    uint64_t model = read64(&T_NOW_LO, &T_NOW_HI);
    uint64_t after = elapsed_ns();
    puts_("model sees the guest's time: ");
    put_yes_no(before <= model && model <= after);
    puts_("\n");
    uint64_t guest = elapsed_ns();
    uint64_t kernel = read64(&T_KERNEL_LO, &T_KERNEL_HI);
    uint64_t guest_after = elapsed_ns();
    puts_("SystemC behind the guest by at most a quantum: ");
    put_yes_no(kernel <= guest_after && (guest <= kernel || guest - kernel <= quantum));
    puts_("\ninfo: guest_ns=");
    put_dec(guest);
    puts_(" kernel_ns=");
    put_dec(kernel);
    puts_("\n");
}

static void one_interrupt(int n, uint32_t delay, uint32_t quantum)
{
    irqs = 0;
    T_DELAY = delay;
    uint64_t deadline = read64(&T_DEADLINE_LO, &T_DEADLINE_HI);
    while (irqs == 0) {
        wait_for_interrupt();
        irq_enable();
        irq_disable();
    }
    uint64_t fired = read64(&T_FIRED_LO, &T_FIRED_HI);
    puts_("interrupt ");
    put_dec((uint64_t)n);
    puts_(": model fired at the deadline: ");
    put_yes_no(fired == deadline);
    puts_(", seen after it: ");
    put_yes_no(seen_at >= deadline);
    puts_(", within a quantum: ");
    put_yes_no(seen_at - deadline <= quantum + HANDLER_ENTRY_NS);
    puts_("\ninfo: delay_ns=");
    put_dec(delay);
    puts_(" deadline_ns=");
    put_dec(deadline);
    puts_(" seen_ns=");
    put_dec(seen_at);
    puts_(" latency_ns=");
    put_dec(seen_at - deadline);
    puts_("\n");
}

int main(void)
{
    puts_("timer test\n");
    uint32_t quantum = T_QUANTUM;
    puts_("quantum known to the model: ");
    put_yes_no(quantum > 0);
    puts_("\ninfo: quantum_ns=");
    put_dec(quantum);
    puts_("\n");
    agreement(quantum);

    VIC_INTSELECT = 0;
    VIC_INTENABLE = 1u << IRQ_TIMER;
    T_CTRL = 1;
    one_interrupt(1, 25000, quantum);
    one_interrupt(2, 3333, quantum);
    one_interrupt(3, 100000, quantum);

    /* The line is low again: waiting a while brings no interrupt. */
    irqs = 0;
    uint64_t until = elapsed_ns() + 3u * quantum + 10000u;
    irq_enable();
    while (elapsed_ns() < until) {
    }
    irq_disable();
    puts_("no interrupt after clearing: ");
    put_yes_no(irqs == 0 && other_irqs == 0);
    puts_("\n");
    agreement(quantum);
    return 0;
}
