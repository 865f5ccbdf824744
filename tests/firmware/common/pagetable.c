/* pagetable.c: building ARMv5 short-descriptor page tables, and turning the MMU on. */
#include "pagetable.h"

#include "cp15.h"

#define SECTION_SIZE 0x100000u

static uint32_t l1_table[4096] __attribute__((aligned(16384)));

uint32_t *pt_l1(void)
{
    return l1_table;
}

void pt_reset(void)
{
    for (int i = 0; i < 4096; i++)
        l1_table[i] = 0;
}

static void set_l1(uint32_t vaddr, uint32_t descriptor)
{
    l1_table[vaddr >> 20] = descriptor;
}

void pt_map_section(uint32_t vaddr, uint32_t paddr, unsigned ap, unsigned domain)
{
    set_l1(vaddr, (paddr & 0xfff00000u) | (ap & 3u) << 10 | (domain & 15u) << 5 | 1u << 4 | 2u);
}

void pt_map_coarse(uint32_t vaddr, coarse_table *table, unsigned domain)
{
    set_l1(vaddr, ((uint32_t)table & 0xfffffc00u) | (domain & 15u) << 5 | 1u << 4 | 1u);
}

void pt_map_fine(uint32_t vaddr, fine_table *table, unsigned domain)
{
    set_l1(vaddr, ((uint32_t)table & 0xfffff000u) | (domain & 15u) << 5 | 1u << 4 | 3u);
}

void pt_unmap(uint32_t vaddr)
{
    set_l1(vaddr, 0);
}

static uint32_t subpage_permissions(const unsigned ap[4])
{
    return (ap[0] & 3u) << 4 | (ap[1] & 3u) << 6 | (ap[2] & 3u) << 8 | (ap[3] & 3u) << 10;
}

uint32_t pt_large_page(uint32_t paddr, const unsigned ap[4])
{
    return (paddr & 0xffff0000u) | subpage_permissions(ap) | 1u;
}

uint32_t pt_small_page(uint32_t paddr, const unsigned ap[4])
{
    return (paddr & 0xfffff000u) | subpage_permissions(ap) | 2u;
}

uint32_t pt_tiny_page(uint32_t paddr, unsigned ap)
{
    return (paddr & 0xfffffc00u) | (ap & 3u) << 4 | 3u;
}

/* How many table entries a page descriptor fills, given the size of one entry. */
static unsigned page_entries(uint32_t descriptor, uint32_t entry_size)
{
    switch (descriptor & 3u) {
    case 1: return 0x10000u / entry_size;
    case 2: return 0x1000u / entry_size;
    default: return 1;
    }
}

void pt_set_coarse(coarse_table *table, uint32_t offset, uint32_t descriptor)
{
    unsigned count = page_entries(descriptor, 0x1000u);
    unsigned first = (offset % SECTION_SIZE) / 0x1000u / count * count;
    for (unsigned i = 0; i < count; i++)
        table->entry[first + i] = descriptor;
}

void pt_set_fine(fine_table *table, uint32_t offset, uint32_t descriptor)
{
    unsigned count = page_entries(descriptor, 0x400u);
    unsigned first = (offset % SECTION_SIZE) / 0x400u / count * count;
    for (unsigned i = 0; i < count; i++)
        table->entry[first + i] = descriptor;
}

void pt_map_board(void)
{
    for (uint32_t a = 0; a < 0x08000000u; a += SECTION_SIZE)
        pt_map_section(a, a, AP_FULL, 0);
    for (uint32_t a = 0x10000000u; a < 0x10200000u; a += SECTION_SIZE)
        pt_map_section(a, a, AP_PRIV_ONLY, 0);
}

uint32_t pt_domain(unsigned domain, unsigned value)
{
    return (value & 3u) << (2 * domain);
}

void pt_enable(uint32_t dacr)
{
    cp15_set_ttbr((uint32_t)l1_table);
    cp15_set_dacr(dacr);
    cp15_invalidate_tlb();
    cp15_set_control(cp15_control() | CP15_CONTROL_M);
}

void pt_disable(void)
{
    cp15_set_control(cp15_control() & ~CP15_CONTROL_M);
    cp15_invalidate_tlb();
}
