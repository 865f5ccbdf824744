/*
 * cp15_v7.c: the two operations of tests/firmware/common/cp15.h whose ARM926 encodings
 * ARMv7 removed, for the Cortex-A9: the link wraps them (-Wl,--wrap), so the common
 * cp15.c serves for everything else. Cache maintenance: the caches are coherent here, so
 * cleaning is a DSB, then the instruction cache and branch predictor are invalidated;
 * waiting for an interrupt is the WFI instruction.
 */
#include "common/cp15.h"

void __wrap_cp15_flush_caches(void);
void __wrap_cp15_wait_for_interrupt(void);

void __wrap_cp15_flush_caches(void)
{
    __asm__ volatile("dsb\n"
                     "mcr p15, 0, %0, c7, c5, 0\n"
                     "mcr p15, 0, %0, c7, c5, 6\n"
                     "dsb\n"
                     "isb"
                     :
                     : "r"(0)
                     : "memory");
}

void __wrap_cp15_wait_for_interrupt(void)
{
    __asm__ volatile("dsb\n wfi" : : : "memory");
}
