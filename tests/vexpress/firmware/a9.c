/* a9.c: Cortex-A9 additions to the firmware suite's common code (see a9.h). */
#include "a9.h"

void a9_skip_instruction(fw_frame *frame)
{
    if (fw_frame_thumb(frame) && *(const volatile uint16_t *)frame->pc >> 11 >= 0x1d)
        frame->pc += 4;
    else
        fw_skip_instruction(frame);
}

void a9_enable_fpu(void)
{
    uint32_t cpacr;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 2" : "=r"(cpacr));
    cpacr |= 0xfu << 20;
    __asm__ volatile(".fpu neon\n"
                     "mcr p15, 0, %0, c1, c0, 2\n"
                     "isb\n"
                     "vmsr fpexc, %1"
                     :
                     : "r"(cpacr), "r"(0x40000000u)
                     : "memory");
}
