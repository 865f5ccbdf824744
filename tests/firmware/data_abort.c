/*
 * data_abort: data aborts (and one prefetch abort) on unmapped virtual addresses.
 *
 * The Versatile PB's bus does not abort (see unmapped_phys), so the aborts come from the
 * MMU: the board is identity-mapped with sections, 0x50000000 has no first-level entry
 * (section translation fault) and 0x40000000 is a coarse table in domain 2 whose first
 * small page is mapped and whose second is not (page translation fault). Each faulting
 * instruction carries a label; the handler records DFSR, FAR and the faulting pc and
 * steps over the instruction. The test prints the fault status (with the domain where
 * the architecture defines it), the FAR, whether the pc was the labelled instruction,
 * and, for the forms with base writeback, whether the base register was left unchanged
 * (the ARM926 restores the base of an aborted access).
 */
#include <stdint.h>
#include <stdio.h>

#include "common/cp15.h"
#include "common/exceptions.h"
#include "common/pagetable.h"

#define NOT_MAPPED  0x50000000u
#define PAGE_WINDOW 0x40000000u /* a mapped small page, then an unmapped one */
#define PAGE_HOLE   (PAGE_WINDOW + 0x1000u)

typedef struct fault_record {
    uint32_t count, dfsr, far, pc, ifsr;
} fault_record;

static volatile fault_record fault;
static coarse_table window_table;
static uint8_t window_page[4096] __attribute__((aligned(4096)));

static void on_data_abort(fw_frame *frame)
{
    fault.count++;
    fault.dfsr = cp15_dfsr();
    fault.far = cp15_far();
    fault.pc = frame->pc;
    fw_skip_instruction(frame);
}

/* A prefetch abort on a call: return to the caller (lr of the interrupted SYS mode). */
static void on_prefetch_abort(fw_frame *frame)
{
    fault.count++;
    fault.ifsr = cp15_ifsr();
    fault.pc = frame->pc;
    frame->pc = frame->user_lr & ~1u;
    frame->spsr = (frame->user_lr & 1u) ? frame->spsr | FW_CPSR_T : frame->spsr & ~FW_CPSR_T;
    frame->r[0] = 0xdeadu;
}

static const char *status_name(uint32_t status)
{
    switch (status) {
    case 0x1:
    case 0x3: return "alignment";
    case 0x5: return "translation (section)";
    case 0x7: return "translation (page)";
    case 0x9: return "domain (section)";
    case 0xb: return "domain (page)";
    case 0xd: return "permission (section)";
    case 0xf: return "permission (page)";
    default: return "other";
    }
}

static void reset_fault(void)
{
    fault.count = 0;
    fault.dfsr = fault.far = fault.pc = fault.ifsr = 0xffffffffu;
}

/* Prints the recorded data abort; label is the address of the instruction that should
 * have faulted. The domain field is valid for page translation, domain and permission
 * faults only. */
static void report(const char *what, const void *label)
{
    uint32_t status = fault.dfsr & 0xfu;
    printf("%-24s aborts %lu: %s fault", what, (unsigned long)fault.count, status_name(status));
    if (status == 0x7 || status >= 0x9)
        printf(", domain %lu", (unsigned long)(fault.dfsr >> 4 & 15u));
    printf(", FAR 0x%08lx, pc %s\n", (unsigned long)fault.far,
           fault.pc == (uint32_t)label ? "at the instruction" : "WRONG");
}

/* The faulting instructions, each with a global label (noinline, noclone: one copy). */
#define ACCESS __attribute__((noinline, noclone))
extern const char fault_load_word[], fault_store_byte[], fault_load_half[], fault_load_multiple[],
    fault_store_multiple[], fault_load_misaligned[], fault_load_half_misaligned[];

ACCESS static uint32_t load_word(uint32_t address)
{
    register uint32_t r0 __asm__("r0");
    register uint32_t r1 __asm__("r1") = address;
    __asm__ volatile("fault_load_word: ldr r0, [r1]" : "=r"(r0) : "r"(r1) : "memory");
    return r0;
}

ACCESS static void store_byte(uint32_t address, uint32_t value)
{
    register uint32_t r0 __asm__("r0") = value;
    register uint32_t r1 __asm__("r1") = address;
    __asm__ volatile("fault_store_byte: strb r0, [r1]" : : "r"(r0), "r"(r1) : "memory");
}

ACCESS static uint32_t load_half(uint32_t address)
{
    register uint32_t r0 __asm__("r0");
    register uint32_t r1 __asm__("r1") = address;
    __asm__ volatile("fault_load_half: ldrh r0, [r1]" : "=r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* Returns the base register after the instruction. */
ACCESS static uint32_t load_multiple(uint32_t address)
{
    register uint32_t r1 __asm__("r1") = address;
    __asm__ volatile("fault_load_multiple: ldmia r1!, {r2, r3, r4}"
                     : "+r"(r1)
                     :
                     : "r2", "r3", "r4", "memory");
    return r1;
}

ACCESS static uint32_t store_multiple(uint32_t address)
{
    register uint32_t r1 __asm__("r1") = address;
    register uint32_t r2 __asm__("r2") = 0x22222222u;
    register uint32_t r3 __asm__("r3") = 0x33333333u;
    register uint32_t r4 __asm__("r4") = 0x44444444u;
    __asm__ volatile("fault_store_multiple: stmia r1!, {r2, r3, r4}"
                     : "+r"(r1)
                     : "r"(r2), "r"(r3), "r"(r4)
                     : "memory");
    return r1;
}

ACCESS static uint32_t load_misaligned(uint32_t address)
{
    register uint32_t r0 __asm__("r0");
    register uint32_t r1 __asm__("r1") = address;
    __asm__ volatile("fault_load_misaligned: ldr r0, [r1]" : "=r"(r0) : "r"(r1) : "memory");
    return r0;
}

ACCESS static uint32_t load_half_misaligned(uint32_t address)
{
    register uint32_t r0 __asm__("r0");
    register uint32_t r1 __asm__("r1") = address;
    __asm__ volatile("fault_load_half_misaligned: ldrh r0, [r1]" : "=r"(r0) : "r"(r1) : "memory");
    return r0;
}

#ifndef __thumb__
extern const char fault_load_post_index[], fault_load_pre_index[], fault_swap[],
    fault_load_double[];

ACCESS static uint32_t load_post_index(uint32_t address)
{
    register uint32_t r1 __asm__("r1") = address;
    __asm__ volatile("fault_load_post_index: ldr r0, [r1], #4" : "+r"(r1) : : "r0", "memory");
    return r1;
}

ACCESS static uint32_t load_pre_index(uint32_t address)
{
    register uint32_t r1 __asm__("r1") = address;
    __asm__ volatile("fault_load_pre_index: ldr r0, [r1, #-4]!" : "+r"(r1) : : "r0", "memory");
    return r1;
}

ACCESS static void swap(uint32_t address)
{
    register uint32_t r1 __asm__("r1") = address;
    __asm__ volatile("mov r2, #7\n fault_swap: swp r0, r2, [r1]"
                     :
                     : "r"(r1)
                     : "r0", "r2", "memory");
}

ACCESS static void load_double(uint32_t address)
{
    register uint32_t r1 __asm__("r1") = address;
    __asm__ volatile("fault_load_double: ldrd r2, r3, [r1]" : : "r"(r1) : "r2", "r3", "memory");
}
#endif

static void set_up_mmu(void)
{
    for (unsigned i = 0; i < sizeof window_page; i++)
        window_page[i] = (uint8_t)i;
    pt_reset();
    pt_map_board();
    static const unsigned full[4] = {AP_FULL, AP_FULL, AP_FULL, AP_FULL};
    pt_set_coarse(&window_table, 0, pt_small_page((uint32_t)window_page, full));
    pt_map_coarse(PAGE_WINDOW, &window_table, 2);
    pt_enable(pt_domain(0, DOMAIN_CLIENT) | pt_domain(2, DOMAIN_CLIENT));
}

static void basic_forms(void)
{
    reset_fault();
    load_word(NOT_MAPPED);
    report("ldr (no section)", fault_load_word);
    reset_fault();
    store_byte(NOT_MAPPED + 0x123u, 0x5a);
    report("strb (no section)", fault_store_byte);
    reset_fault();
    load_half(PAGE_HOLE + 2u);
    report("ldrh (no page)", fault_load_half);
    reset_fault();
    uint32_t value = load_word(PAGE_WINDOW + 0x40u);
    printf("%-24s aborts %lu, value 0x%08lx\n", "ldr (mapped page)", (unsigned long)fault.count,
           (unsigned long)value);
}

static void base_restored(void)
{
    const uint32_t base = PAGE_HOLE - 8u; /* two words mapped, the third not */
    reset_fault();
    uint32_t after = load_multiple(base);
    report("ldmia (crossing)", fault_load_multiple);
    printf("  base %s\n", after == base ? "unchanged" : "CHANGED");
    reset_fault();
    after = store_multiple(base);
    report("stmia (crossing)", fault_store_multiple);
    printf("  base %s\n", after == base ? "unchanged" : "CHANGED");
#ifndef __thumb__
    reset_fault();
    after = load_post_index(PAGE_HOLE);
    report("ldr post-indexed", fault_load_post_index);
    printf("  base %s\n", after == PAGE_HOLE ? "unchanged" : "CHANGED");
    reset_fault();
    after = load_pre_index(PAGE_HOLE + 4u);
    report("ldr pre-indexed", fault_load_pre_index);
    printf("  base %s\n", after == PAGE_HOLE + 4u ? "unchanged" : "CHANGED");
    reset_fault();
    swap(NOT_MAPPED);
    report("swp", fault_swap);
    reset_fault();
    load_double(PAGE_HOLE);
    report("ldrd", fault_load_double);
#endif
}

static void alignment(void)
{
    /* Not compared with A clear: ARMv5 rotates a misaligned LDR's word, QEMU 7.2 does not. */
    cp15_set_control(cp15_control() | CP15_CONTROL_A);
    reset_fault();
    load_misaligned(PAGE_WINDOW + 0x42u);
    report("ldr misaligned, A set", fault_load_misaligned);
    reset_fault();
    load_half_misaligned(PAGE_WINDOW + 0x43u);
    report("ldrh misaligned, A set", fault_load_half_misaligned);
    cp15_set_control(cp15_control() & ~CP15_CONTROL_A);
}

static void prefetch_abort(void)
{
    reset_fault();
    uint32_t (*nowhere)(void) = (uint32_t(*)(void))NOT_MAPPED;
    uint32_t result = nowhere();
    printf("%-24s aborts %lu: IFSR status 0x%lx, pc 0x%08lx, returned 0x%lx\n", "call unmapped",
           (unsigned long)fault.count, (unsigned long)(fault.ifsr & 0xfu), (unsigned long)fault.pc,
           (unsigned long)result);
}

int main(void)
{
    printf("data_abort test\n");
    fw_set_handler(FW_DATA_ABORT, on_data_abort);
    fw_set_handler(FW_PREFETCH_ABORT, on_prefetch_abort);
    set_up_mmu();
    basic_forms();
    base_restored();
    alignment();
    prefetch_abort();
    pt_disable();
    printf("MMU off again: %s\n", cp15_control() & CP15_CONTROL_M ? "no" : "yes");
    return 0;
}
