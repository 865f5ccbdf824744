/*
 * pagetable.h: short-descriptor page tables of the ARM926EJ-S (ARMv5 VMSA): a first-level
 * table of 4096 one-MiB entries (sections, coarse or fine second-level tables), coarse
 * tables of 256 entries (64 KiB large and 4 KiB small pages) and fine tables of 1024
 * entries (large, small and 1 KiB tiny pages). Caches and write buffer stay off (C=B=0).
 */
#ifndef FW_PAGETABLE_H
#define FW_PAGETABLE_H

#include <stdint.h>

/* Access permissions (AP) with SCTLR.S = SCTLR.R = 0. */
enum {
    AP_NONE = 0,      /* no access (or read-only with S or R, see the ARM ARM) */
    AP_PRIV_ONLY = 1, /* privileged read/write, user none */
    AP_USER_RO = 2,   /* privileged read/write, user read-only */
    AP_FULL = 3,      /* read/write for all */
};

/* Domain access control values (two bits per domain in the DACR). */
enum { DOMAIN_NO_ACCESS = 0, DOMAIN_CLIENT = 1, DOMAIN_MANAGER = 3 };

/* Second-level tables, with the alignment the MMU needs. */
typedef struct coarse_table {
    uint32_t entry[256];
} __attribute__((aligned(1024))) coarse_table;
typedef struct fine_table {
    uint32_t entry[1024];
} __attribute__((aligned(4096))) fine_table;

/* The first-level table (16 KiB aligned); pt_reset makes every entry a fault. */
uint32_t *pt_l1(void);
void pt_reset(void);

/* First-level descriptors, written for the MiB that holds `vaddr`. */
void pt_map_section(uint32_t vaddr, uint32_t paddr, unsigned ap, unsigned domain);
void pt_map_coarse(uint32_t vaddr, coarse_table *table, unsigned domain);
void pt_map_fine(uint32_t vaddr, fine_table *table, unsigned domain);
void pt_unmap(uint32_t vaddr);

/* Second-level descriptors: ap[i] is the permission of subpage i (a quarter of the page). */
uint32_t pt_large_page(uint32_t paddr, const unsigned ap[4]);
uint32_t pt_small_page(uint32_t paddr, const unsigned ap[4]);
uint32_t pt_tiny_page(uint32_t paddr, unsigned ap);

/* Writes a page descriptor into every entry that covers the page at `offset` (the
 * virtual offset within the table's MiB): 16 coarse entries for a large page, 64 fine
 * entries for a large page, 4 fine entries for a small page, 1 for the others. */
void pt_set_coarse(coarse_table *table, uint32_t offset, uint32_t descriptor);
void pt_set_fine(fine_table *table, uint32_t offset, uint32_t descriptor);

/* Identity map of the Versatile PB: RAM (128 MiB, user read/write) and the devices at
 * 0x10000000-0x101fffff (privileged only), all in domain 0. */
void pt_map_board(void);

/* Loads the TTBR and DACR, invalidates the TLB and sets SCTLR.M; pt_disable clears it. */
void pt_enable(uint32_t dacr);
void pt_disable(void);

/* The DACR value that gives `domain` the access `value` (others no access). */
uint32_t pt_domain(unsigned domain, unsigned value);

#endif
