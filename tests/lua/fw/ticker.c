/*
 * ticker: SP804 timer 0 interrupts every 200 us through the VIC while the main loop
 * mixes a hash; every tick the handler records the hash, every fifth tick main prints it.
 * It exits after 40 ticks. Its output and instruction count depend on exactly when each
 * interrupt lands, which makes it the test of snapshot and restore.
 */
#include <stdint.h>

#include "board.h"
#include "common/exceptions.h"
#include "common/uart.h"

#define TICKS 40u

static volatile uint32_t ticks, hash = 2166136261u, seen_at[TICKS + 1];

static void on_irq(fw_frame *frame)
{
    (void)frame;
    TIMER0_INTCLR = 1;
    if (ticks < TICKS) seen_at[++ticks] = hash;
}

int main(void)
{
    fw_set_handler(FW_IRQ, on_irq);
    TIMER0_LOAD = 200;
    VIC_INTENABLE = 1u << VIC_LINE_TIMER01;
    TIMER0_CONTROL = TIMER_ENABLE | TIMER_PERIODIC | TIMER_INTEN | TIMER_32BIT;
    fw_enable_interrupts();
    uint32_t printed = 0;
    for (uint32_t now = 0; now < TICKS; now = ticks) {
        hash = (hash ^ (now + 1u)) * 16777619u;
        if (now % 5u == 0 && now != printed) {
            printed = now;
            uart_puts("tick ");
            uart_put_dec(printed);
            uart_puts(" hash ");
            uart_put_hex(seen_at[printed], 8);
            uart_puts("\n");
        }
    }
    fw_disable_interrupts();
    TIMER0_CONTROL = 0;
    uart_puts("done\n");
    return 0;
}
