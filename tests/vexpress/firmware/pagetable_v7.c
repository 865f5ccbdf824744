/* pagetable_v7.c: building ARMv7 short-descriptor page tables, and turning the MMU on. */
#include "pagetable_v7.h"

#include "common/cp15.h"

#define SECTION_SIZE 0x100000u
#define RAM_BASE     0x60000000u
#define RAM_MAPPED   0x08000000u

static uint32_t l1_table[4096] __attribute__((aligned(16384)));

/* Memory type bits of a section, supersection or large page (TEX in 14-12, C, B). */
static uint32_t memory_type(unsigned options)
{
    return (options & PT_DEVICE) ? 1u << 2 : 1u << 12;
}

uint32_t pt_v7_section(uint32_t paddr, unsigned ap, unsigned domain, unsigned options)
{
    return (paddr & 0xfff00000u) | (options & PT_NG ? 1u << 17 : 0) | (ap >> 2 & 1u) << 15 |
           (ap & 3u) << 10 | (domain & 15u) << 5 | (options & PT_XN ? 1u << 4 : 0) |
           memory_type(options) | 2u;
}

uint32_t pt_v7_small_page(uint32_t paddr, unsigned ap, unsigned options)
{
    /* TEX in 8-6 here. */
    uint32_t type = (options & PT_DEVICE) ? 1u << 2 : 1u << 6;
    return (paddr & 0xfffff000u) | (options & PT_NG ? 1u << 11 : 0) | (ap >> 2 & 1u) << 9 |
           (ap & 3u) << 4 | type | 2u | (options & PT_XN ? 1u : 0);
}

uint32_t pt_v7_large_page(uint32_t paddr, unsigned ap, unsigned options)
{
    return (paddr & 0xffff0000u) | (options & PT_XN ? 1u << 15 : 0) | memory_type(options) |
           (options & PT_NG ? 1u << 11 : 0) | (ap >> 2 & 1u) << 9 | (ap & 3u) << 4 | 1u;
}

uint32_t *pt_l1(void)
{
    return l1_table;
}

void pt_reset(void)
{
    for (int i = 0; i < 4096; i++)
        l1_table[i] = 0;
}

void pt_set_l1(uint32_t vaddr, uint32_t descriptor)
{
    l1_table[vaddr >> 20] = descriptor;
}

void pt_map_supersection(uint32_t vaddr, uint32_t paddr, unsigned ap, unsigned options)
{
    uint32_t descriptor = (paddr & 0xff000000u) | 1u << 18 | pt_v7_section(0, ap, 0, options);
    for (uint32_t i = 0; i < 16; i++)
        pt_set_l1((vaddr & 0xff000000u) + i * SECTION_SIZE, descriptor);
}

void pt_map_section(uint32_t vaddr, uint32_t paddr, unsigned ap, unsigned domain)
{
    pt_set_l1(vaddr, pt_v7_section(paddr, ap, domain, 0));
}

void pt_map_coarse(uint32_t vaddr, coarse_table *table, unsigned domain)
{
    pt_set_l1(vaddr, ((uint32_t)table & 0xfffffc00u) | (domain & 15u) << 5 | 1u);
}

void pt_unmap(uint32_t vaddr)
{
    pt_set_l1(vaddr, 0);
}

uint32_t pt_large_page(uint32_t paddr, const unsigned ap[4])
{
    return pt_v7_large_page(paddr, ap[0], 0);
}

uint32_t pt_small_page(uint32_t paddr, const unsigned ap[4])
{
    return pt_v7_small_page(paddr, ap[0], 0);
}

void pt_set_coarse(coarse_table *table, uint32_t offset, uint32_t descriptor)
{
    /* A large page (type 01) fills 16 entries, a small page (1x) one. */
    unsigned count = (descriptor & 3u) == 1u ? 16 : 1;
    unsigned first = (offset % SECTION_SIZE) / 0x1000u / count * count;
    for (unsigned i = 0; i < count; i++)
        table->entry[first + i] = descriptor;
}

void pt_map_board(void)
{
    for (uint32_t a = RAM_BASE; a < RAM_BASE + RAM_MAPPED; a += SECTION_SIZE)
        pt_map_section(a, a, AP_FULL, 0);
    pt_set_l1(0x10000000u, pt_v7_section(0x10000000u, AP_PRIV_ONLY, 0, PT_DEVICE | PT_XN));
    pt_set_l1(0x1e000000u, pt_v7_section(0x1e000000u, AP_PRIV_ONLY, 0, PT_DEVICE | PT_XN));
}

uint32_t pt_domain(unsigned domain, unsigned value)
{
    return (value & 3u) << (2 * domain);
}

void pt_set_split(uint32_t ttbcr, const uint32_t *ttbr1_table)
{
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 1\n"
                     "mcr p15, 0, %1, c2, c0, 2\n"
                     "isb"
                     :
                     : "r"((uint32_t)ttbr1_table), "r"(ttbcr & 0x37u)
                     : "memory");
    cp15_invalidate_tlb();
}

void pt_invalidate_mva(uint32_t vaddr)
{
    __asm__ volatile("dsb\n mcr p15, 0, %0, c8, c7, 3\n dsb\n isb"
                     :
                     : "r"(vaddr & 0xfffff000u)
                     : "memory");
}

void pt_invalidate_asid(uint32_t asid)
{
    __asm__ volatile("dsb\n mcr p15, 0, %0, c8, c7, 2\n dsb\n isb"
                     :
                     : "r"(asid & 0xffu)
                     : "memory");
}

void pt_set_asid(uint32_t asid)
{
    __asm__ volatile("mcr p15, 0, %0, c13, c0, 1\n isb" : : "r"(asid & 0xffu) : "memory");
}

void pt_enable(uint32_t dacr)
{
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 2" : : "r"(0) : "memory"); /* TTBCR */
    cp15_set_ttbr((uint32_t)l1_table);
    cp15_set_dacr(dacr);
    cp15_invalidate_tlb();
    __asm__ volatile("dsb\n isb" : : : "memory");
    cp15_set_control(cp15_control() | CP15_CONTROL_M);
    __asm__ volatile("isb" : : : "memory");
}

void pt_disable(void)
{
    cp15_set_control(cp15_control() & ~CP15_CONTROL_M);
    __asm__ volatile("isb" : : : "memory");
    cp15_invalidate_tlb();
    __asm__ volatile("dsb\n isb" : : : "memory");
}
