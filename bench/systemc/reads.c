/*
 * reads.c: routed transactions per second. 2,000,000 word reads and as many writes of
 * the TLM memory at 0x30000000 (or, with -DIN_RAM, of RAM: the loop's own cost).
 */
#include "fw/runtime.h"

#define COUNT 1000000u

#ifdef IN_RAM
static uint32_t ram[1024];
#define TARGET ram
#else
#define TARGET ((volatile uint32_t *)TLM_MEMORY)
#endif

void fw_irq(void) {}

void fw_data_abort(uint32_t pc)
{
    (void)pc;
    fw_exit(1);
}

int main(void)
{
    volatile uint32_t *p = TARGET;
    uint32_t sum = 0;
    for (uint32_t i = 0; i < COUNT; i++) {
        p[i & 1023] = i;
        sum += p[(i + 1) & 1023];
        p[(i + 2) & 1023] = sum;
        sum += p[(i + 3) & 1023];
    }
    puts_("sum ");
    put_hex(sum);
    puts_("\n");
    return 0;
}
