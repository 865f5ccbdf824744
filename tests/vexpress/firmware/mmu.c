/*
 * mmu (vexpress-a9): the Cortex-A9's MMU with ARMv7 short-descriptor tables
 * (pagetable_v7.h), the v7 counterpart of the foundation's ARM926 mmu test.
 *
 * The board is identity-mapped with sections (domain 0). Test windows then show:
 * sections mapping one physical MiB at two virtual addresses; a second-level table
 * (domain 2) with small pages (two virtual pages on one physical page, an unmapped page),
 * a large page and the three-bit AP of pages; every section AP (AP[2] makes read-only
 * forms) from privileged and user mode (fw_run_user); domains (no access, client,
 * manager); execute-never pages and sections (prefetch aborts); a 16 MiB supersection;
 * not-global pages under two ASIDs with a TLB invalidation by ASID; TTBR1 for the upper
 * half with TTBCR.N = 1, and TTBCR.PD1; a remap made visible by a TLB invalidation by
 * MVA; address translation (ATS1CPR, PAR). Every access prints its result or the fault
 * it took: status, domain, whether the FAR is the address, and the mode it came from.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/cp15.h"
#include "a9.h"
#include "common/exceptions.h"
#include "pagetable_v7.h"

/* Virtual windows. */
#define SECTION_A  0x40000000u /* and SECTION_B: the same physical MiB */
#define SECTION_B  0x40100000u
#define PAGES      0x41000000u /* second-level table, domain 2 */
#define NO_ACCESS  0x42000000u /* section in domain 4 */
#define MANAGER    0x42100000u /* section in domain 5, AP none */
#define AP_TEST    0x42200000u /* section in domain 1 with the AP under test */
#define CODE_PAGES 0x43000000u /* code pages with and without XN */
#define CODE_XN    0x43100000u /* a section with XN over the same code */
#define NOT_GLOBAL 0x44000000u /* nG page, a different physical page per ASID */
#define SUPER      0xa0000000u /* supersection over PHYS_BASE */
#define HIGH_HALF  0x80000000u /* through TTBR1 when TTBCR.N = 1 */

/* Physical memory: RAM past the image's 64 MiB (and its heap), at fixed addresses so that
 * the output does not depend on the link: two MiB for sections, then pages. */
#define PHYS_BASE         0x64000000u
#define SECTION_PHYS      PHYS_BASE
#define SECTION_PHYS_2    (PHYS_BASE + 0x100000u)
#define PAGE_PHYS(offset) (PHYS_BASE + 0x200000u + (offset))

static coarse_table page_table, code_table, ng_table;
static uint32_t high_table[4096] __attribute__((aligned(16384)));

typedef struct fault_record {
    uint32_t count, fsr, far, spsr;
} fault_record;
static volatile fault_record fault;
static volatile uint32_t user_value;

static void on_data_abort(fw_frame *frame)
{
    fault.count++;
    fault.fsr = cp15_dfsr();
    fault.far = cp15_far();
    fault.spsr = frame->spsr;
    a9_skip_instruction(frame);
}

/* A prefetch abort of a call: back to the caller (the interrupted mode's lr). */
static void on_prefetch_abort(fw_frame *frame)
{
    uint32_t ifar;
    __asm__ volatile("mrc p15, 0, %0, c6, c0, 2" : "=r"(ifar));
    fault.count++;
    fault.fsr = cp15_ifsr();
    fault.far = ifar;
    fault.spsr = frame->spsr;
    frame->pc = frame->user_lr & ~1u;
    frame->spsr = (frame->user_lr & 1u) ? frame->spsr | FW_CPSR_T : frame->spsr & ~FW_CPSR_T;
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

/* The fault status (FS[4] in bit 10, FS[3:0]). */
static const char *status_name(uint32_t fsr)
{
    switch ((fsr >> 6 & 0x10u) | (fsr & 0xfu)) {
    case 0x01: return "alignment fault";
    case 0x05: return "translation fault (section)";
    case 0x07: return "translation fault (page)";
    case 0x09: return "domain fault (section)";
    case 0x0b: return "domain fault (page)";
    case 0x0d: return "permission fault (section)";
    case 0x0f: return "permission fault (page)";
    default: return "other fault";
    }
}

static void clear_fault(void)
{
    fault.count = 0;
    fault.fsr = fault.far = fault.spsr = 0xffffffffu;
}

/* Prints the fault recorded for an access to address (or "ok"), with the domain where
 * the status has one, and the write bit of a data abort. */
static void print_fault(uint32_t address, bool data)
{
    uint32_t status = fault.fsr & 0xfu;
    printf("%s", status_name(fault.fsr));
    if (status != 0x5 && status != 0x1)
        printf(", domain %lu", (unsigned long)(fault.fsr >> 4 & 15u));
    if (data) printf(", %s", fault.fsr & (1u << 11) ? "write" : "read");
    printf(", FAR %s, from %s mode\n", fault.far == address ? "ok" : "WRONG",
           (fault.spsr & FW_MODE_MASK) == FW_MODE_USR ? "user" : "a privileged");
}

typedef enum access_kind { READ, WRITE } access_kind;

/* Reads or writes the word at address, from user or privileged mode, and prints what
 * happened. Returns the value read (0 on a fault). */
static uint32_t access(bool user, access_kind kind, uint32_t address, uint32_t value)
{
    clear_fault();
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
    print_fault(address, true);
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

static void set_dacr(uint32_t value)
{
    cp15_set_dacr(value);
    __asm__ volatile("isb" : : : "memory");
}

static uint32_t dacr_value(void)
{
    return pt_domain(0, DOMAIN_CLIENT) | pt_domain(1, DOMAIN_CLIENT) | pt_domain(2, DOMAIN_CLIENT) |
           pt_domain(4, DOMAIN_NO_ACCESS) | pt_domain(5, DOMAIN_MANAGER);
}

static void tlb_flush(void)
{
    __asm__ volatile("dsb" : : : "memory");
    cp15_invalidate_tlb();
    __asm__ volatile("dsb\n isb" : : : "memory");
}

static void build_tables(void)
{
    pt_reset();
    pt_map_board();
    pt_map_section(SECTION_A, SECTION_PHYS, AP_FULL, 1);
    pt_map_section(SECTION_B, SECTION_PHYS, AP_FULL, 1);

    pt_set_coarse(&page_table, 0x0000, pt_v7_small_page(PAGE_PHYS(0x0000), AP_FULL, 0));
    pt_set_coarse(&page_table, 0x1000, pt_v7_small_page(PAGE_PHYS(0x0000), AP_FULL, 0));
    pt_set_coarse(&page_table, 0x2000, pt_v7_small_page(PAGE_PHYS(0x1000), AP_USER_RO, 0));
    pt_set_coarse(&page_table, 0x4000, pt_v7_small_page(PAGE_PHYS(0x2000), AP_PRIV_RO, 0));
    pt_set_coarse(&page_table, 0x5000, pt_v7_small_page(PAGE_PHYS(0x2000), AP_RO, 0));
    pt_set_coarse(&page_table, 0x10000, pt_v7_large_page(PAGE_PHYS(0x10000), AP_PRIV_ONLY, 0));
    pt_map_coarse(PAGES, &page_table, 2);

    pt_set_coarse(&code_table, 0x0000, pt_v7_small_page(PAGE_PHYS(0x3000), AP_FULL, 0));
    pt_set_coarse(&code_table, 0x1000, pt_v7_small_page(PAGE_PHYS(0x3000), AP_FULL, PT_XN));
    pt_map_coarse(CODE_PAGES, &code_table, 0);
    pt_set_l1(CODE_XN, pt_v7_section(PAGE_PHYS(0), AP_FULL, 0, PT_XN));

    pt_map_section(NO_ACCESS, SECTION_PHYS_2, AP_FULL, 4);
    pt_map_section(MANAGER, SECTION_PHYS_2, AP_NONE, 5);
    pt_map_section(AP_TEST, SECTION_PHYS_2, AP_NONE, 1);
    pt_map_supersection(SUPER, PHYS_BASE, AP_FULL, 0);
}

static void turn_on(void)
{
    uint32_t id = cp15_main_id();
    printf("main ID 0x%08lx: implementer 0x%02lx, part 0x%03lx\n", (unsigned long)id,
           (unsigned long)(id >> 24), (unsigned long)(id >> 4 & 0xfffu));
    pt_enable(dacr_value());
    uint32_t control = cp15_control();
    printf("MMU on: M=%lu A=%lu TRE=%lu AFE=%lu V=%lu, TTBR0 %s, DACR 0x%08lx\n",
           (unsigned long)(control & 1u), (unsigned long)(control >> 1 & 1u),
           (unsigned long)(control >> 28 & 1u), (unsigned long)(control >> 29 & 1u),
           (unsigned long)(control >> 13 & 1u),
           (cp15_ttbr() & ~0x7fu) == (uint32_t)pt_l1() ? "reads back" : "WRONG",
           (unsigned long)cp15_dacr());
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

static void small_and_large_pages(void)
{
    printf("page table (domain 2): small pages 0 and 1 share a physical page\n");
    write_word(PAGES + 0x0004, 0x11111111u);
    read_word(PAGES + 0x1004);
    printf("  physical word 0x%08lx\n", (unsigned long)physical_word(PAGE_PHYS(0x0004)));
    printf("small page 2: user read-only\n");
    write_word(PAGES + 0x2000, 0x22222222u);
    access(true, READ, PAGES + 0x2000, 0);
    access(true, WRITE, PAGES + 0x2004, 1);
    printf("page 3 is not mapped\n");
    read_word(PAGES + 0x3010);
    write_word(PAGES + 0x3020, 3);
    printf("small pages 4 (privileged read-only) and 5 (read-only) share a physical page\n");
    *(volatile uint32_t *)PAGE_PHYS(0x2008) = 0x44444444u;
    read_word(PAGES + 0x4008);
    write_word(PAGES + 0x4008, 4);
    access(true, READ, PAGES + 0x4008, 0);
    access(true, READ, PAGES + 0x5008, 0);
    access(true, WRITE, PAGES + 0x5008, 5);
    write_word(PAGES + 0x5008, 5);
    printf("large page (privileged only)\n");
    write_word(PAGES + 0x15678, 0x64646464u);
    printf("  physical word 0x%08lx\n", (unsigned long)physical_word(PAGE_PHYS(0x15678)));
    read_word(PAGES + 0x1fffc);
    access(true, READ, PAGES + 0x10000, 0);
}

static void section_permissions(void)
{
    static const char *const meaning[8] = {
        "none",     "privileged only",      "user read-only", "full",
        "reserved", "privileged read-only", "read-only",      "read-only",
    };
    *(volatile uint32_t *)(SECTION_PHYS_2 + 0x40) = 0x3a3a3a3au;
    for (unsigned ap = 0; ap < 8; ap++) {
        if (ap == 4) continue;
        pt_set_l1(AP_TEST, pt_v7_section(SECTION_PHYS_2, ap, 1, 0));
        tlb_flush();
        printf("section AP %u (%s)\n", ap, meaning[ap]);
        read_word(AP_TEST + 0x40);
        write_word(AP_TEST + 0x44, 0x4b4b4b4bu);
        access(true, READ, AP_TEST + 0x40, 0);
        access(true, WRITE, AP_TEST + 0x48, 0x5c5c5c5cu);
    }
}

static void domains(void)
{
    printf("domains: 4 no access, 5 manager (AP none is ignored)\n");
    read_word(NO_ACCESS);
    write_word(MANAGER + 0x40, 0x3a3a3a3au);
    access(true, WRITE, MANAGER + 0x44, 0x4b4b4b4bu);
    access(true, READ, MANAGER + 0x40, 0);
    printf("domain 4 made a manager, domain 1 no access\n");
    set_dacr((dacr_value() & ~(pt_domain(4, 3) | pt_domain(1, 3))) | pt_domain(4, DOMAIN_MANAGER));
    read_word(NO_ACCESS + 0x44);
    read_word(SECTION_A + 0x10);
    set_dacr(dacr_value());
    read_word(SECTION_A + 0x10);
}

/* Calls the code at address ("mov r0, #42; bx lr"): its result, or 0 after a prefetch
 * abort (which returns to the caller). */
static void call_code(uint32_t address)
{
    clear_fault();
    uint32_t (*fn)(void) = (uint32_t(*)(void))address;
    uint32_t result = fn();
    printf("  call 0x%08lx: ", (unsigned long)address);
    if (fault.count == 0) {
        printf("returned %lu\n", (unsigned long)result);
        return;
    }
    printf("prefetch abort: ");
    print_fault(address, false);
}

static void execute_never(void)
{
    static const uint32_t code[2] = {0xe3a0002au, 0xe12fff1eu}; /* mov r0, #42; bx lr */
    printf("execute-never: the same code page without and with XN, and in an XN section\n");
    memcpy((void *)PAGE_PHYS(0x3000), code, sizeof code);
    cp15_flush_caches();
    call_code(CODE_PAGES);
    call_code(CODE_PAGES + 0x1000);
    call_code(CODE_XN + 0x3000);
}

static void supersection(void)
{
    printf("supersection: 16 MiB at 0x%08lx over 0x%08lx\n", (unsigned long)SUPER,
           (unsigned long)PHYS_BASE);
    *(volatile uint32_t *)PAGE_PHYS(0x100) = 0x5e5e5e5eu;
    read_word(SUPER + (PAGE_PHYS(0x100) - PHYS_BASE));
    write_word(SUPER + 0xfffffc, 0x66666666u);
    printf("  physical word 0x%08lx\n", (unsigned long)physical_word(PHYS_BASE + 0xfffffcu));
}

static void address_spaces(void)
{
    printf("a not-global page under ASIDs 1 and 2\n");
    *(volatile uint32_t *)PAGE_PHYS(0x4000) = 0x11110001u;
    *(volatile uint32_t *)PAGE_PHYS(0x5000) = 0x22220002u;
    pt_map_coarse(NOT_GLOBAL, &ng_table, 0);
    pt_set_coarse(&ng_table, 0, pt_v7_small_page(PAGE_PHYS(0x4000), AP_FULL, PT_NG));
    pt_set_asid(1);
    tlb_flush();
    read_word(NOT_GLOBAL);
    pt_set_coarse(&ng_table, 0, pt_v7_small_page(PAGE_PHYS(0x5000), AP_FULL, PT_NG));
    __asm__ volatile("dsb" : : : "memory");
    pt_set_asid(2);
    read_word(NOT_GLOBAL);
    printf("  ASID 1 again (its entry may be cached), then after invalidating it by ASID\n");
    pt_set_asid(1);
    read_word(NOT_GLOBAL);
    pt_invalidate_asid(1);
    read_word(NOT_GLOBAL);
    pt_set_asid(0);
}

static void remap(void)
{
    printf("remap small page 0 to the physical page of page 2, invalidate its TLB entry\n");
    *(volatile uint32_t *)PAGE_PHYS(0x1004) = 0x5a5a5a5au;
    read_word(PAGES + 0x0004);
    pt_set_coarse(&page_table, 0x0000, pt_v7_small_page(PAGE_PHYS(0x1000), AP_FULL, 0));
    pt_invalidate_mva(PAGES);
    read_word(PAGES + 0x0004);
    pt_set_coarse(&page_table, 0x0000, pt_v7_small_page(PAGE_PHYS(0x0000), AP_FULL, 0));
    pt_invalidate_mva(PAGES);
    read_word(PAGES + 0x0004);
}

static void split(void)
{
    printf("TTBCR.N = 1: 0x%08lx and up through TTBR1\n", (unsigned long)HIGH_HALF);
    memcpy(high_table, pt_l1(), sizeof high_table);
    high_table[HIGH_HALF >> 20] = pt_v7_section(SECTION_PHYS, AP_FULL, 0, 0);
    pt_set_split(1, high_table);
    read_word(HIGH_HALF + 0x10);
    printf("  with TTBCR.PD1 (no walks through TTBR1)\n");
    pt_set_split(1 | 1u << 5, high_table);
    read_word(HIGH_HALF + 0x10);
    pt_set_split(0, high_table);
    read_word(HIGH_HALF + 0x10);
}

static uint32_t translate(uint32_t va)
{
    uint32_t par;
    __asm__ volatile("mcr p15, 0, %1, c7, c8, 0\n isb\n mrc p15, 0, %0, c7, c4, 0"
                     : "=r"(par)
                     : "r"(va)
                     : "memory");
    return par;
}

static void address_translation(void)
{
    printf("address translation (ATS1CPR)\n");
    uint32_t par = translate(PAGES + 0x1234);
    printf("  small page: PAR 0x%08lx\n", (unsigned long)(par & 0xfffff003u));
    par = translate(SUPER + 0x123456);
    printf("  supersection: PAR 0x%08lx\n", (unsigned long)(par & 0xfffff003u));
    par = translate(PAGES + 0x3000);
    printf("  unmapped: PAR 0x%08lx\n", (unsigned long)par);
}

int main(void)
{
    printf("mmu test (v7)\n");
    fw_set_handler(FW_DATA_ABORT, on_data_abort);
    fw_set_handler(FW_PREFETCH_ABORT, on_prefetch_abort);
    build_tables();
    turn_on();
    sections();
    small_and_large_pages();
    section_permissions();
    domains();
    execute_never();
    supersection();
    address_spaces();
    remap();
    split();
    address_translation();
    pt_disable();
    printf("MMU off: M=%lu, physical word 0x%08lx\n", (unsigned long)(cp15_control() & 1u),
           (unsigned long)physical_word(SECTION_PHYS + 0x10));
    return 0;
}
