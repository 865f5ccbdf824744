/*
 * pagetable_v7.h: short-descriptor page tables of the Cortex-A9 (ARMv7 VMSA, SCTLR.XP
 * always set, no TEX remap, no access flag). pagetable_v7.c implements the firmware
 * suite's tests/firmware/common/pagetable.h with v7 descriptors, so that the foundation's
 * tests build unchanged on vexpress-a9, and adds what v7 has beyond it here.
 *
 * Differences from the ARMv5 interface: a page has one permission, so pt_large_page and
 * pt_small_page take ap[0] (the other subpages must be the same); fine tables and tiny
 * pages do not exist (pt_map_fine, pt_set_fine and pt_tiny_page are not defined); memory
 * is Normal non-cacheable (TEX 001, C = B = 0) and the board's devices are Device memory,
 * execute-never. pt_map_board maps 128 MiB of RAM from 0x60000000 (the image, user
 * read/write) and the devices at 0x10000000 and 0x1e000000 (privileged only), identity,
 * in domain 0. pt_enable uses TTBR0 with TTBCR = 0.
 */
#ifndef FW_PAGETABLE_V7_H
#define FW_PAGETABLE_V7_H

#include <stdint.h>

#include "common/pagetable.h"

/* Access permissions AP[2:0] (AP_NONE to AP_FULL of pagetable.h are AP[2] = 0). */
enum {
    AP_PRIV_RO = 5, /* privileged read-only, user none */
    AP_RO = 6,      /* read-only for all (7 is the same) */
};

/* Descriptor options. */
enum {
    PT_XN = 1,     /* execute-never */
    PT_NG = 2,     /* not global: the entry belongs to the current ASID */
    PT_DEVICE = 4, /* Device memory instead of Normal non-cacheable */
};

/* Descriptors with a three-bit AP and options. */
uint32_t pt_v7_section(uint32_t paddr, unsigned ap, unsigned domain, unsigned options);
uint32_t pt_v7_small_page(uint32_t paddr, unsigned ap, unsigned options);
uint32_t pt_v7_large_page(uint32_t paddr, unsigned ap, unsigned options);

/* Writes a first-level descriptor for the MiB that holds vaddr. */
void pt_set_l1(uint32_t vaddr, uint32_t descriptor);
/* A 16 MiB supersection (domain 0) at vaddr (16 MiB aligned): its 16 entries. */
void pt_map_supersection(uint32_t vaddr, uint32_t paddr, unsigned ap, unsigned options);

/* TTBR1 and TTBCR (N in bits 2-0, PD0 in 4, PD1 in 5): with N > 0 the addresses from
 * 2^(32-N) up walk the table at ttbr1_table (16 KiB aligned, laid out as the first-level
 * table: indexed by address bits 31-20), unless PD1 is set. Invalidates the TLB. */
void pt_set_split(uint32_t ttbcr, const uint32_t *ttbr1_table);

/* TLB maintenance: the entries of one MVA (all ASIDs), and those of one ASID. */
void pt_invalidate_mva(uint32_t vaddr);
void pt_invalidate_asid(uint32_t asid);
/* CONTEXTIDR's ASID. */
void pt_set_asid(uint32_t asid);

#endif
