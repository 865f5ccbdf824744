/* cp15.c: CP15 register accessors (always compiled as ARM: Thumb-1 has no MRC/MCR). */
#include "cp15.h"

uint32_t cp15_main_id(void)
{
    uint32_t value;
    __asm__ volatile("mrc p15, 0, %0, c0, c0, 0" : "=r"(value));
    return value;
}

uint32_t cp15_control(void)
{
    uint32_t value;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(value));
    return value;
}

void cp15_set_control(uint32_t value)
{
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 0" : : "r"(value) : "memory");
}

uint32_t cp15_ttbr(void)
{
    uint32_t value;
    __asm__ volatile("mrc p15, 0, %0, c2, c0, 0" : "=r"(value));
    return value;
}

void cp15_set_ttbr(uint32_t value)
{
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 0" : : "r"(value) : "memory");
}

uint32_t cp15_dacr(void)
{
    uint32_t value;
    __asm__ volatile("mrc p15, 0, %0, c3, c0, 0" : "=r"(value));
    return value;
}

void cp15_set_dacr(uint32_t value)
{
    __asm__ volatile("mcr p15, 0, %0, c3, c0, 0" : : "r"(value) : "memory");
}

uint32_t cp15_dfsr(void)
{
    uint32_t value;
    __asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(value));
    return value;
}

void cp15_set_dfsr(uint32_t value)
{
    __asm__ volatile("mcr p15, 0, %0, c5, c0, 0" : : "r"(value) : "memory");
}

uint32_t cp15_ifsr(void)
{
    uint32_t value;
    __asm__ volatile("mrc p15, 0, %0, c5, c0, 1" : "=r"(value));
    return value;
}

void cp15_set_ifsr(uint32_t value)
{
    __asm__ volatile("mcr p15, 0, %0, c5, c0, 1" : : "r"(value) : "memory");
}

uint32_t cp15_far(void)
{
    uint32_t value;
    __asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(value));
    return value;
}

void cp15_set_far(uint32_t value)
{
    __asm__ volatile("mcr p15, 0, %0, c6, c0, 0" : : "r"(value) : "memory");
}

void cp15_invalidate_tlb(void)
{
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 0" : : "r"(0) : "memory");
}

void cp15_invalidate_tlb_entry(uint32_t vaddr)
{
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 1" : : "r"(vaddr) : "memory");
}

void cp15_flush_caches(void)
{
    /* Test, clean and invalidate the data cache until it reports clean (ARM926). */
    __asm__ volatile("1: mrc p15, 0, r15, c7, c14, 3\n"
                     "   bne 1b\n"
                     "   mcr p15, 0, %0, c7, c5, 0\n"
                     "   mcr p15, 0, %0, c7, c10, 4\n"
                     :
                     : "r"(0)
                     : "cc", "memory");
}

void cp15_wait_for_interrupt(void)
{
    __asm__ volatile("mcr p15, 0, %0, c7, c0, 4" : : "r"(0) : "memory");
}
