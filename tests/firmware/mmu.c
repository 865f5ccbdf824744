/*
 * mmu: the ARM926's MMU with short-descriptor page tables.
 *
 * The board is identity-mapped with sections (domain 0). Test windows then show:
 * sections mapping one physical MiB at two virtual addresses; a coarse table (domain 2)
 * with small pages (two virtual pages on one physical page, per-subpage permissions, an
 * unmapped page) and a large page; a fine table (domain 3) with tiny pages, a small and a
 * large page; domains with no access, client and manager rights, changed in the DACR at
 * run time; the AP bits of sections from privileged and user mode (fw_run_user), with
 * SCTLR.S and SCTLR.R; and a remap made visible by a single-entry TLB invalidation.
 * Every access prints its result or the fault it took: status, domain (where the
 * architecture defines it), whether the FAR is the address, and the mode it came from.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/cp15.h"
#include "common/exceptions.h"
#include "common/pagetable.h"

/* Virtual windows. */
#define SECTION_A   0x40000000u /* and SECTION_B: the same physical MiB */
#define SECTION_B   0x40100000u
#define COARSE      0x41000000u /* coarse table, domain 2 */
#define FINE        0x41100000u /* fine table, domain 3 */
#define NO_ACCESS   0x42000000u /* section in domain 4 */
#define MANAGER     0x42100000u /* section in domain 5, AP none */
#define AP_TEST     0x42200000u /* section in domain 1 with the AP under test */
#define PRIV_ONLY   0x42300000u
#define USER_RO     0x42400000u
#define COARSE_DOM6 0x43000000u /* the coarse table again, through domain 6 */

/* Physical memory: two MiB high in RAM for sections, and pages inside the image. */
#define SECTION_PHYS   0x07000000u
#define SECTION_PHYS_2 0x07100000u
static uint8_t pages[0x20000] __attribute__((aligned(0x10000)));
#define PAGE_PHYS(offset) ((uint32_t)pages + (offset))

static coarse_table coarse;
static fine_table fine;

static const unsigned all_full[4] = {AP_FULL, AP_FULL, AP_FULL, AP_FULL};
static const unsigned mixed[4] = {AP_FULL, AP_PRIV_ONLY, AP_USER_RO, AP_NONE};
static const unsigned large_mixed[4] = {AP_FULL, AP_USER_RO, AP_FULL, AP_PRIV_ONLY};

typedef struct fault_record {
    uint32_t count, dfsr, far, spsr;
} fault_record;
static volatile fault_record fault;
static volatile uint32_t user_value;

static void on_data_abort(fw_frame *frame)
{
    fault.count++;
    fault.dfsr = cp15_dfsr();
    fault.far = cp15_far();
    fault.spsr = frame->spsr;
    fw_skip_instruction(frame);
}

static uint32_t user_read(uint32_t address)
{
    return *(volatile uint32_t *)address;
}

static uint32_t user_write(uint32_t address)
{
    *(volatile uint32_t *)address = user_value;
    return 0;
}

static const char *status_name(uint32_t status)
{
    switch (status) {
    case 0x5: return "translation fault (section)";
    case 0x7: return "translation fault (page)";
    case 0x9: return "domain fault (section)";
    case 0xb: return "domain fault (page)";
    case 0xd: return "permission fault (section)";
    case 0xf: return "permission fault (page)";
    default: return "other fault";
    }
}

typedef enum access_kind { READ, WRITE } access_kind;

/* Reads or writes the word at address, from user or privileged mode, and prints what
 * happened. Returns the value read (0 on a fault). */
static uint32_t access(bool user, access_kind kind, uint32_t address, uint32_t value)
{
    fault.count = 0;
    fault.dfsr = fault.far = fault.spsr = 0xffffffffu;
    uint32_t result = 0;
    if (user) {
        user_value = value;
        result = fw_run_user(kind == READ ? user_read : user_write, address);
    } else if (kind == READ) {
        result = *(volatile uint32_t *)address;
    } else {
        *(volatile uint32_t *)address = value;
    }
    printf("  %s %-5s 0x%08lx: ", user ? "user" : "priv", kind == READ ? "read" : "write",
           (unsigned long)address);
    if (fault.count == 0) {
        if (kind == READ)
            printf("0x%08lx\n", (unsigned long)result);
        else
            printf("ok\n");
        return result;
    }
    uint32_t status = fault.dfsr & 0xfu;
    printf("%s", status_name(status));
    if (status != 0x5) printf(", domain %lu", (unsigned long)(fault.dfsr >> 4 & 15u));
    printf(", FAR %s, from %s mode\n", fault.far == address ? "ok" : "WRONG",
           (fault.spsr & FW_MODE_MASK) == FW_MODE_USR ? "user" : "a privileged");
    return 0;
}

static uint32_t read_word(uint32_t address)
{
    return access(false, READ, address, 0);
}

static void write_word(uint32_t address, uint32_t value)
{
    access(false, WRITE, address, value);
}

static uint32_t physical_word(uint32_t paddr)
{
    return *(volatile uint32_t *)paddr; /* through the identity map */
}

static uint32_t dacr_value(void)
{
    return pt_domain(0, DOMAIN_CLIENT) | pt_domain(1, DOMAIN_CLIENT) | pt_domain(2, DOMAIN_CLIENT) |
           pt_domain(3, DOMAIN_CLIENT) | pt_domain(4, DOMAIN_NO_ACCESS) |
           pt_domain(5, DOMAIN_MANAGER) | pt_domain(6, DOMAIN_NO_ACCESS);
}

static void build_tables(void)
{
    pt_reset();
    pt_map_board();
    pt_map_section(SECTION_A, SECTION_PHYS, AP_FULL, 1);
    pt_map_section(SECTION_B, SECTION_PHYS, AP_FULL, 1);

    pt_set_coarse(&coarse, 0x0000, pt_small_page(PAGE_PHYS(0x0000), all_full));
    pt_set_coarse(&coarse, 0x1000, pt_small_page(PAGE_PHYS(0x0000), all_full));
    pt_set_coarse(&coarse, 0x2000, pt_small_page(PAGE_PHYS(0x1000), mixed));
    pt_set_coarse(&coarse, 0x10000, pt_large_page(PAGE_PHYS(0x10000), large_mixed));
    pt_map_coarse(COARSE, &coarse, 2);
    pt_map_coarse(COARSE_DOM6, &coarse, 6);

    pt_set_fine(&fine, 0x000, pt_tiny_page(PAGE_PHYS(0x2400), AP_FULL));
    pt_set_fine(&fine, 0x400, pt_tiny_page(PAGE_PHYS(0x2400), AP_FULL));
    pt_set_fine(&fine, 0xc00, pt_tiny_page(PAGE_PHYS(0x2800), AP_USER_RO));
    pt_set_fine(&fine, 0x1000, pt_small_page(PAGE_PHYS(0x3000), all_full));
    pt_set_fine(&fine, 0x10000, pt_large_page(PAGE_PHYS(0x10000), all_full));
    pt_map_fine(FINE, &fine, 3);

    pt_map_section(NO_ACCESS, SECTION_PHYS_2, AP_FULL, 4);
    pt_map_section(MANAGER, SECTION_PHYS_2, AP_NONE, 5);
    pt_map_section(AP_TEST, SECTION_PHYS_2, AP_NONE, 1);
    pt_map_section(PRIV_ONLY, SECTION_PHYS_2, AP_PRIV_ONLY, 1);
    pt_map_section(USER_RO, SECTION_PHYS_2, AP_USER_RO, 1);
}

static void turn_on(void)
{
    uint32_t id = cp15_main_id();
    printf("main ID 0x%08lx: implementer 0x%02lx, part 0x%03lx\n", (unsigned long)id,
           (unsigned long)(id >> 24), (unsigned long)(id >> 4 & 0xfffu));
    cp15_flush_caches();
    pt_enable(dacr_value());
    uint32_t control = cp15_control();
    printf("MMU on: M=%lu A=%lu S=%lu R=%lu V=%lu, TTBR %s, DACR 0x%08lx\n",
           (unsigned long)(control & 1u), (unsigned long)(control >> 1 & 1u),
           (unsigned long)(control >> 8 & 1u), (unsigned long)(control >> 9 & 1u),
           (unsigned long)(control >> 13 & 1u),
           cp15_ttbr() == (uint32_t)pt_l1() ? "reads back" : "WRONG", (unsigned long)cp15_dacr());
}

static void sections(void)
{
    printf("sections: 0x%08lx and 0x%08lx both map one physical MiB\n", (unsigned long)SECTION_A,
           (unsigned long)SECTION_B);
    write_word(SECTION_A + 0x10, 0xcafef00du);
    read_word(SECTION_B + 0x10);
    write_word(SECTION_B + 0xffffc, 0x12345678u);
    read_word(SECTION_A + 0xffffc);
    printf("  physical words: 0x%08lx 0x%08lx\n", (unsigned long)physical_word(SECTION_PHYS + 0x10),
           (unsigned long)physical_word(SECTION_PHYS + 0xffffc));
}

static void coarse_pages(void)
{
    printf("coarse table (domain 2): small pages 0 and 1 share a physical page\n");
    write_word(COARSE + 0x0004, 0x11111111u);
    read_word(COARSE + 0x1004);
    printf("  physical word 0x%08lx\n", (unsigned long)physical_word(PAGE_PHYS(0x0004)));
    printf("small page 2: subpage permissions full, privileged only, user read-only, none\n");
    write_word(COARSE + 0x2000, 0x20000000u);
    write_word(COARSE + 0x2400, 0x20000400u);
    write_word(COARSE + 0x2800, 0x20000800u);
    write_word(COARSE + 0x2c00, 0x20000c00u);
    access(true, READ, COARSE + 0x2000, 0);
    access(true, READ, COARSE + 0x2400, 0);
    access(true, READ, COARSE + 0x2800, 0);
    access(true, WRITE, COARSE + 0x2800, 0x5a5a5a5au);
    access(true, WRITE, COARSE + 0x2004, 0x5a5a5a5au);
    printf("page 3 is not mapped\n");
    read_word(COARSE + 0x3000);
    printf("large page: subpages full, user read-only, full, privileged only\n");
    write_word(COARSE + 0x15678, 0x64646464u);
    printf("  physical word 0x%08lx\n", (unsigned long)physical_word(PAGE_PHYS(0x15678)));
    access(true, READ, COARSE + 0x14000, 0);
    access(true, WRITE, COARSE + 0x14000, 1);
    access(true, WRITE, COARSE + 0x18000, 2);
    access(true, READ, COARSE + 0x1c000, 0);
    read_word(COARSE + 0x1c000);
    printf("the same table through domain 6 (no access)\n");
    read_word(COARSE_DOM6 + 0x0004);
}

static void fine_pages(void)
{
    printf("fine table (domain 3): tiny pages 0 and 1 share a physical KiB\n");
    write_word(FINE + 0x010, 0x7171717u);
    read_word(FINE + 0x410);
    printf("  physical word 0x%08lx\n", (unsigned long)physical_word(PAGE_PHYS(0x2410)));
    read_word(FINE + 0x800);
    write_word(FINE + 0xc00, 0xc0c0c0c0u);
    access(true, READ, FINE + 0xc00, 0);
    access(true, WRITE, FINE + 0xc00, 3);
    printf("a small and a large page in the fine table\n");
    write_word(FINE + 0x148c, 0x5a11u);
    printf("  physical word 0x%08lx\n", (unsigned long)physical_word(PAGE_PHYS(0x348c)));
    read_word(FINE + 0x15678); /* the large page that the coarse table maps too */
}

static void domains(void)
{
    printf("domains: 4 no access, 5 manager (AP none is ignored)\n");
    read_word(NO_ACCESS);
    write_word(MANAGER + 0x40, 0x3a3a3a3au);
    access(true, WRITE, MANAGER + 0x44, 0x4b4b4b4bu);
    access(true, READ, MANAGER + 0x40, 0);
    printf("domain 4 made a manager, domain 1 no access\n");
    cp15_set_dacr((dacr_value() & ~pt_domain(4, 3) & ~pt_domain(1, 3)) |
                  pt_domain(4, DOMAIN_MANAGER));
    read_word(NO_ACCESS + 0x44);
    read_word(SECTION_A + 0x10);
    cp15_set_dacr(dacr_value());
    read_word(SECTION_A + 0x10);
}

static void set_s_and_r(uint32_t bits)
{
    cp15_set_control((cp15_control() & ~(CP15_CONTROL_S | CP15_CONTROL_R)) | bits);
    cp15_invalidate_tlb();
}

static void section_permissions(void)
{
    printf("section AP none, S=0 R=0\n");
    read_word(AP_TEST);
    access(true, READ, AP_TEST, 0);
    printf("section AP none, S=1: privileged read-only\n");
    set_s_and_r(CP15_CONTROL_S);
    read_word(AP_TEST + 0x40);
    write_word(AP_TEST + 0x40, 1);
    access(true, READ, AP_TEST + 0x40, 0);
    printf("section AP none, R=1: read-only for all\n");
    set_s_and_r(CP15_CONTROL_R);
    read_word(AP_TEST + 0x40);
    access(true, READ, AP_TEST + 0x44, 0);
    access(true, WRITE, AP_TEST + 0x44, 2);
    set_s_and_r(0);
    printf("section AP privileged only\n");
    write_word(PRIV_ONLY + 0x80, 0x80808080u);
    access(true, READ, PRIV_ONLY + 0x80, 0);
    printf("section AP user read-only\n");
    access(true, READ, USER_RO + 0x80, 0);
    access(true, WRITE, USER_RO + 0x80, 3);
    write_word(USER_RO + 0x84, 0x84848484u);
    read_word(USER_RO + 0x84);
}

static void tlb_maintenance(void)
{
    printf("remap small page 0 to the physical page of page 2, invalidate its TLB entry\n");
    read_word(COARSE + 0x0004);
    pt_set_coarse(&coarse, 0x0000, pt_small_page(PAGE_PHYS(0x1000), all_full));
    cp15_invalidate_tlb_entry(COARSE);
    read_word(COARSE + 0x0004);
    pt_set_coarse(&coarse, 0x0000, pt_small_page(PAGE_PHYS(0x0000), all_full));
    cp15_invalidate_tlb();
    read_word(COARSE + 0x0004);
}

int main(void)
{
    printf("mmu test\n");
    fw_set_handler(FW_DATA_ABORT, on_data_abort);
    build_tables();
    turn_on();
    sections();
    coarse_pages();
    fine_pages();
    domains();
    section_permissions();
    tlb_maintenance();
    pt_disable();
    printf("MMU off: M=%lu, physical word 0x%08lx\n", (unsigned long)(cp15_control() & 1u),
           (unsigned long)physical_word(SECTION_PHYS + 0x10));
    return 0;
}
