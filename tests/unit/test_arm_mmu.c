/*
 * test_arm_mmu.c: the ARM926 MMU table walk: MMU off, sections, coarse tables with large
 * and small pages (and subpage permissions), fine tables with tiny pages, domains
 * (no access, client, manager), the AP bits with S and R, the FCSE, and fault status codes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/log.h"
#include "jit/arm/cpu.h"
#include "tests/unit/test_util.h"

#define TTB    0x4000u /* first-level table */
#define COARSE 0x8000u /* a coarse table (1 KiB) */
#define FINE   0x9000u /* a fine table (4 KiB) */

static bb_bus *bus;

static void put_word(uint32_t addr, uint32_t value)
{
    CHECK(bb_bus_copy(bus, addr, &value, 4, true) == BB_BUS_OK);
}

typedef struct walk {
    bool ok;
    uint32_t phys, page_size, status;
    unsigned prot;
} walk;

static walk translate(bb_arm_cpu *c, uint32_t vaddr, int access, int mmu_idx)
{
    bb_phys_result r = {0};
    walk w = {0};
    w.ok = arm_mmu_translate(c, vaddr, access, mmu_idx, &r, &w.status);
    w.phys = (uint32_t)r.phys;
    w.page_size = r.page_size;
    w.prot = r.prot;
    return w;
}

static void test_mmu_off(bb_arm_cpu *c)
{
    c->cp15.control = 0x00050078;
    walk w = translate(c, 0x12345678, BB_ACCESS_WRITE, ARM_MMU_USER);
    CHECK(w.ok && w.phys == 0x12345678);
    CHECK(w.prot == (BB_PROT_READ | BB_PROT_WRITE | BB_PROT_EXEC));
}

static void test_sections(bb_arm_cpu *c)
{
    /* 0x000xxxxx: identity, domain 0, AP=3. 0x300xxxxx -> 0x001xxxxx, domain 1, AP=2.
     * 0x400xxxxx -> 0x002xxxxx, domain 2 (no access). 0x500xxxxx: fault. */
    put_word(TTB + 0x000 * 4, 0x00000000u | 3u << 10 | 0u << 5 | 2);
    put_word(TTB + 0x300 * 4, 0x00100000u | 2u << 10 | 1u << 5 | 2);
    put_word(TTB + 0x400 * 4, 0x00200000u | 3u << 10 | 2u << 5 | 2);
    put_word(TTB + 0x500 * 4, 0);
    c->cp15.ttbr = TTB;
    c->cp15.dacr = 0x1 | 0x1 << 2 | 0x0 << 4; /* d0 client, d1 client, d2 no access */
    c->cp15.control = 0x00050079;

    walk w = translate(c, 0x00012344, BB_ACCESS_READ, ARM_MMU_USER);
    CHECK(w.ok && w.phys == 0x00012344 && w.page_size == 0x100000);
    w = translate(c, 0x30054321, BB_ACCESS_READ, ARM_MMU_USER);
    CHECK(w.ok && w.phys == 0x00154321);
    CHECK(w.prot == (BB_PROT_READ | BB_PROT_EXEC));
    w = translate(c, 0x30054321, BB_ACCESS_WRITE, ARM_MMU_USER);
    CHECK(!w.ok && w.status == (0xd | 1u << 4)); /* section permission fault, domain 1 */
    w = translate(c, 0x30054321, BB_ACCESS_WRITE, ARM_MMU_PRIV);
    CHECK(w.ok && w.phys == 0x00154321);
    w = translate(c, 0x40000000, BB_ACCESS_READ, ARM_MMU_PRIV);
    CHECK(!w.ok && w.status == (0x9 | 2u << 4)); /* section domain fault */
    w = translate(c, 0x50000000, BB_ACCESS_READ, ARM_MMU_PRIV);
    CHECK(!w.ok && (w.status & 0xf) == 0x5); /* section translation fault */

    /* Manager domain: no permission checks. */
    c->cp15.dacr |= 0x3 << 2;
    w = translate(c, 0x30054321, BB_ACCESS_WRITE, ARM_MMU_USER);
    CHECK(w.ok && w.phys == 0x00154321);
    c->cp15.dacr &= ~(0x3u << 2);
    c->cp15.dacr |= 0x1 << 2;

    /* AP = 0 with S (privileged read-only) and with R (read-only for all). */
    put_word(TTB + 0x301 * 4, 0x00300000u | 0u << 10 | 1u << 5 | 2);
    c->cp15.control |= 1u << 8;
    w = translate(c, 0x30100000, BB_ACCESS_READ, ARM_MMU_PRIV);
    CHECK(w.ok);
    w = translate(c, 0x30100000, BB_ACCESS_READ, ARM_MMU_USER);
    CHECK(!w.ok && (w.status & 0xf) == 0xd);
    c->cp15.control = (c->cp15.control & ~(1u << 8)) | 1u << 9;
    w = translate(c, 0x30100000, BB_ACCESS_READ, ARM_MMU_USER);
    CHECK(w.ok);
    w = translate(c, 0x30100000, BB_ACCESS_WRITE, ARM_MMU_PRIV);
    CHECK(!w.ok && (w.status & 0xf) == 0xd);
    c->cp15.control &= ~(1u << 9);
    w = translate(c, 0x30100000, BB_ACCESS_READ, ARM_MMU_PRIV);
    CHECK(!w.ok); /* AP = 0, S = R = 0: no access */
}

static void test_coarse(bb_arm_cpu *c)
{
    /* 0x600xxxxx through a coarse table in domain 3 (client). */
    put_word(TTB + 0x600 * 4, COARSE | 3u << 5 | 1);
    c->cp15.dacr |= 0x1u << 6;
    /* Small page at 0x60001000 -> 0x00abc000, AP = 3 for all four subpages. */
    put_word(COARSE + 1 * 4, 0x00abc000u | 0xffu << 4 | 2);
    /* Small page at 0x60002000 with subpage 1 read-only for the user (AP = 2). */
    put_word(COARSE + 2 * 4, 0x00abd000u | (3u | 2u << 2 | 3u << 4 | 3u << 6) << 4 | 2);
    /* Large page at 0x60010000 (16 repeated entries) -> 0x00c00000. */
    for (int i = 0; i < 16; i++)
        put_word(COARSE + (0x10 + i) * 4, 0x00c00000u | 0xffu << 4 | 1);
    /* 0x60003000: fault. */
    put_word(COARSE + 3 * 4, 0);

    walk w = translate(c, 0x60001234, BB_ACCESS_WRITE, ARM_MMU_USER);
    CHECK(w.ok && w.phys == 0x00abc234 && w.page_size == 0x1000);
    w = translate(c, 0x60002404, BB_ACCESS_WRITE, ARM_MMU_USER);
    CHECK(!w.ok && w.status == (0xf | 3u << 4)); /* page permission fault, domain 3 */
    w = translate(c, 0x60002004, BB_ACCESS_WRITE, ARM_MMU_USER);
    CHECK(w.ok && w.phys == 0x00abd004 && w.page_size < 0x1000); /* not cacheable as 4 KiB */
    w = translate(c, 0x6001abcd, BB_ACCESS_READ, ARM_MMU_USER);
    CHECK(w.ok && w.phys == 0x00c0abcd && w.page_size == 0x10000);
    w = translate(c, 0x60003000, BB_ACCESS_READ, ARM_MMU_PRIV);
    CHECK(!w.ok && w.status == (0x7 | 3u << 4)); /* page translation fault */

    /* Domain 3 to no access: page domain fault. */
    c->cp15.dacr &= ~(0x3u << 6);
    w = translate(c, 0x60001234, BB_ACCESS_READ, ARM_MMU_PRIV);
    CHECK(!w.ok && w.status == (0xb | 3u << 4));
    c->cp15.dacr |= 0x1u << 6;
}

static void test_fine(bb_arm_cpu *c)
{
    /* 0x700xxxxx through a fine table; a tiny page at 0x70000400 -> 0x00d00800. */
    put_word(TTB + 0x700 * 4, FINE | 0u << 5 | 3);
    put_word(FINE + 1 * 4, 0x00d00800u | 3u << 4 | 3);
    walk w = translate(c, 0x70000456, BB_ACCESS_WRITE, ARM_MMU_USER);
    CHECK(w.ok && w.phys == 0x00d00856 && w.page_size == 0x400);
    /* A tiny-page descriptor in a coarse table is a translation fault. */
    put_word(COARSE + 5 * 4, 0x00e00000u | 3u << 4 | 3);
    w = translate(c, 0x60005000, BB_ACCESS_READ, ARM_MMU_PRIV);
    CHECK(!w.ok && (w.status & 0xf) == 0x7);
}

static void test_fcse(bb_arm_cpu *c)
{
    /* With PID 1, VA 0x00012344 becomes MVA 0x02012344: section 0x020 faults. */
    put_word(TTB + 0x020 * 4, 0x00500000u | 3u << 10 | 2);
    c->cp15.fcse_pid = 0x02000000;
    walk w = translate(c, 0x00012344, BB_ACCESS_READ, ARM_MMU_PRIV);
    CHECK(w.ok && w.phys == 0x00512344);
    c->cp15.fcse_pid = 0;
}

int main(void)
{
    bb_log log;
    memset(&log, 0, sizeof(log));
    bus = bb_bus_new(&log);
    CHECK(bb_bus_add_ram(bus, "ram", 0, 0x100000) != NULL);
    bb_arm_cpu *c = calloc(1, sizeof(*c));
    c->base.bus = bus;
    test_mmu_off(c);
    test_sections(c);
    test_coarse(c);
    test_fine(c);
    test_fcse(c);
    free(c);
    bb_bus_free(bus);
    if (failures) return 1;
    printf("arm mmu: all checks passed\n");
    return 0;
}
