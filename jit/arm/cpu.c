/*
 * cpu.c: the ARM CPU's architectural state outside generated code: the CPSR and its
 * register banks, exception entry, interrupt lines, reset, and the guest operations the
 * translator engine calls (translate, interrupts, address translation). The two models
 * (ARM926EJ-S, Cortex-A9) differ in their feature word; v7 specifics (CP15, MMU, VFP)
 * are in cp15_v7.c, mmu_v7.c and vfp*.c.
 */
#include "jit/arm/cpu.h"

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "jit/arm/disas.h"
#include "jit/instrument.h"
#include "core/snapshot.h"
#include "jit/arm/v7.h"

#define ARM926_MAIN_ID 0x41069265u
/* Control register at reset: the should-be-one bits 3-6 and 16, 18 set; MMU, caches off. */
#define ARM926_CONTROL_RESET 0x00050078u
#define ARM_CONTROL_V        (1u << 13)
#define ARM_CONTROL_EE       (1u << 25)
#define ARM_CONTROL_TE       (1u << 30)
#define CORTEX_A9_MAIN_ID    0x410fc090u /* r0p0, as QEMU's cortex-a9 */

static int bank_of(uint32_t mode)
{
    switch (mode) {
    case ARM_MODE_SVC: return ARM_BANK_SVC;
    case ARM_MODE_ABT: return ARM_BANK_ABT;
    case ARM_MODE_UND: return ARM_BANK_UND;
    case ARM_MODE_IRQ: return ARM_BANK_IRQ;
    case ARM_MODE_FIQ: return ARM_BANK_FIQ;
    default: return ARM_BANK_USR;
    }
}

static bool is_valid_mode(uint32_t mode)
{
    switch (mode) {
    case ARM_MODE_USR:
    case ARM_MODE_FIQ:
    case ARM_MODE_IRQ:
    case ARM_MODE_SVC:
    case ARM_MODE_ABT:
    case ARM_MODE_UND:
    case ARM_MODE_SYS: return true;
    default: return false;
    }
}

void arm_update_tb_flags(bb_arm_cpu *c)
{
    uint32_t flags = c->base.tb_flags & ARM_TBF_IT_MASK;
    bool user = (c->cpsr_ctl & ARM_CPSR_MODE) == ARM_MODE_USR;
    if (c->cpsr_ctl & ARM_CPSR_T) flags |= ARM_TBF_THUMB;
    if (!user) flags |= ARM_TBF_PRIVILEGED;
    if ((c->features & ARM_FEATURE_V6) && (c->cpsr_ctl & ARM_CPSR_E)) flags |= ARM_TBF_BIG_ENDIAN;
    if (c->features & ARM_FEATURE_V7) flags |= arm_v7_tb_flags(c, user);
    c->base.tb_flags = flags;
}

void arm_switch_mode(bb_arm_cpu *c, uint32_t new_mode)
{
    uint32_t old_mode = c->cpsr_ctl & ARM_CPSR_MODE;
    if (old_mode == new_mode) return;
    int old_bank = bank_of(old_mode), new_bank = bank_of(new_mode);
    if (old_bank != new_bank) {
        c->bank_r13[old_bank] = c->r[13];
        c->bank_r14[old_bank] = c->r[14];
        c->bank_spsr[old_bank] = c->spsr;
        c->r[13] = c->bank_r13[new_bank];
        c->r[14] = c->bank_r14[new_bank];
        c->spsr = c->bank_spsr[new_bank];
    }
    if (old_mode == ARM_MODE_FIQ && new_mode != ARM_MODE_FIQ) {
        memcpy(c->fiq_r8_12, &c->r[8], sizeof(c->fiq_r8_12));
        memcpy(&c->r[8], c->usr_r8_12, sizeof(c->usr_r8_12));
    } else if (old_mode != ARM_MODE_FIQ && new_mode == ARM_MODE_FIQ) {
        memcpy(c->usr_r8_12, &c->r[8], sizeof(c->usr_r8_12));
        memcpy(&c->r[8], c->fiq_r8_12, sizeof(c->fiq_r8_12));
    }
    c->cpsr_ctl = (c->cpsr_ctl & ~ARM_CPSR_MODE) | new_mode;
    bb_instrument_cpu_event(&c->base, BB_CPU_MODE, new_mode, old_mode);
}

uint32_t *arm_banked_reg(bb_arm_cpu *c, uint32_t mode, int n)
{
    if (!is_valid_mode(mode)) return NULL;
    int bank = bank_of(mode);
    bool current = bank == bank_of(c->cpsr_ctl & ARM_CPSR_MODE);
    switch (n) {
    case 13: return current ? &c->r[13] : &c->bank_r13[bank];
    case 14: return current ? &c->r[14] : &c->bank_r14[bank];
    case 17:
        if (bank == ARM_BANK_USR) return NULL;
        return current ? &c->spsr : &c->bank_spsr[bank];
    }
    return NULL;
}

uint32_t arm_cpsr_read(bb_arm_cpu *c)
{
    uint32_t flags = (c->nf & 0x80000000u) | (c->zf == 0 ? 1u << 30 : 0) | ((c->cf & 1) << 29) |
                     ((c->vf >> 31) << 28) | ((c->qf & 1) << 27);
    uint32_t value = flags | (c->cpsr_ctl & ~(ARM_CPSR_NZCV | ARM_CPSR_Q));
    if (c->features & ARM_FEATURE_V6) value |= (c->ge & 15) << 16;
    if (c->features & ARM_FEATURE_THUMB2) {
        uint32_t it = (c->base.tb_flags & ARM_TBF_IT_MASK) >> ARM_TBF_IT_SHIFT;
        value |= ((it & 3) << 25) | ((it >> 2) << 10);
    }
    return value;
}

void arm_cpsr_write(bb_arm_cpu *c, uint32_t value, uint32_t mask)
{
    if (mask & 0xff000000u) {
        c->nf = value & 0x80000000u;
        c->zf = (value & (1u << 30)) ? 0 : 1;
        c->cf = (value >> 29) & 1;
        c->vf = (value << 3) & 0x80000000u;
        c->qf = (value >> 27) & 1;
    }
    uint32_t ctl_mask = mask & ~(ARM_CPSR_NZCV | ARM_CPSR_Q);
    if (c->features & ARM_FEATURE_V6) {
        if (mask & ARM_CPSR_GE) c->ge = (value >> 16) & 15;
        ctl_mask &= ~ARM_CPSR_GE;
    }
    if (c->features & ARM_FEATURE_THUMB2) {
        if ((mask & ARM_CPSR_IT) == ARM_CPSR_IT) {
            uint32_t it = ((value >> 25) & 3) | (((value >> 10) & 0x3f) << 2);
            c->base.tb_flags = (c->base.tb_flags & ~ARM_TBF_IT_MASK) | it << ARM_TBF_IT_SHIFT;
        }
        ctl_mask &= ~ARM_CPSR_IT;
    }
    if (ctl_mask & ARM_CPSR_MODE) {
        uint32_t mode = value & ARM_CPSR_MODE;
        if (is_valid_mode(mode)) arm_switch_mode(c, mode);
        ctl_mask &= ~ARM_CPSR_MODE;
    }
    c->cpsr_ctl = (c->cpsr_ctl & ~ctl_mask) | (value & ctl_mask);
    arm_update_tb_flags(c);
}

/* The pc of the instruction an exception is taken at, from its return address. */
static uint32_t exception_pc(const bb_arm_cpu *c, arm_exception exc, uint32_t return_address)
{
    switch (exc) {
    case ARM_EXC_UNDEF:
    case ARM_EXC_SWI: return return_address - ((c->cpsr_ctl & ARM_CPSR_T) ? 2 : 4);
    case ARM_EXC_DATA_ABORT: return return_address - 8;
    case ARM_EXC_RESET: return c->base.pc;
    default: return return_address - 4;
    }
}

void arm_take_exception(bb_arm_cpu *c, arm_exception exc, uint32_t return_address)
{
    static const uint32_t mode_of[8] = {ARM_MODE_SVC, ARM_MODE_UND, ARM_MODE_SVC, ARM_MODE_ABT,
                                        ARM_MODE_ABT, ARM_MODE_SVC, ARM_MODE_IRQ, ARM_MODE_FIQ};
    bb_instrument_cpu_event(&c->base, BB_CPU_EXCEPTION, exc, exception_pc(c, exc, return_address));
    uint32_t saved = arm_cpsr_read(c);
    arm_switch_mode(c, mode_of[exc]);
    c->spsr = saved;
    c->r[14] = return_address;
    c->cpsr_ctl &= ~ARM_CPSR_T;
    c->cpsr_ctl |= ARM_CPSR_I;
    if (exc == ARM_EXC_FIQ || exc == ARM_EXC_RESET) c->cpsr_ctl |= ARM_CPSR_F;
    uint32_t base = (c->cp15.control & ARM_CONTROL_V) ? 0xffff0000u : 0;
    if (c->features & ARM_FEATURE_V6) {
        /* Aborts, interrupts and reset also mask asynchronous aborts; J is cleared. */
        if (exc != ARM_EXC_UNDEF && exc != ARM_EXC_SWI) c->cpsr_ctl |= ARM_CPSR_A;
        c->cpsr_ctl &= ~(1u << 24);
        c->excl_addr = ARM_EXCL_NONE;
        /* Handlers run with the endianness SCTLR.EE gives (the SPSR keeps the old E). */
        c->cpsr_ctl &= ~ARM_CPSR_E;
        if (c->cp15.control & ARM_CONTROL_EE) c->cpsr_ctl |= ARM_CPSR_E;
    }
    if (c->features & ARM_FEATURE_V7) {
        c->base.tb_flags &= ~ARM_TBF_IT_MASK;
        if (c->cp15.control & ARM_CONTROL_TE) c->cpsr_ctl |= ARM_CPSR_T;
        if (!(c->cp15.control & ARM_CONTROL_V)) base = c->cp15.vbar & ~31u;
    }
    c->base.pc = base + 4u * (uint32_t)exc;
    c->base.halted = false;
    c->in_wfe = false;
    arm_update_tb_flags(c);
    bb_log_printf(&c->base.machine->log, BB_LOG_INT, "cpu%d: exception %d, return address 0x%08x",
                  c->base.index, (int)exc, return_address);
}

/* ---- interrupts ---- */

static void irq_line_changed(void *opaque, int input, int level)
{
    bb_arm_cpu *c = opaque;
    if (input == 0)
        c->irq_level = level;
    else
        c->fiq_level = level;
    if (level) bb_cpu_exit_request(&c->base);
}

bb_irq arm_cpu_irq_input(bb_cpu *cpu, int input)
{
    return bb_irq_make(irq_line_changed, cpu, input);
}

static bool arm_check_interrupts(bb_cpu *cpu)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    /* WFI and WFE wake on an asserted line even when it is masked. */
    if ((c->irq_level || c->fiq_level) && cpu->halted) {
        cpu->halted = false;
        c->in_wfe = false;
        bb_instrument_cpu_event(cpu, BB_CPU_SLEEP, 0, 0);
    }
    if (c->fiq_level && !(c->cpsr_ctl & ARM_CPSR_F)) {
        arm_take_exception(c, ARM_EXC_FIQ, cpu->pc + 4);
        return true;
    }
    if (c->irq_level && !(c->cpsr_ctl & ARM_CPSR_I)) {
        arm_take_exception(c, ARM_EXC_IRQ, cpu->pc + 4);
        return true;
    }
    return false;
}

/* ---- life cycle ---- */

static void arm_reset(bb_cpu *cpu)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    memset(c->r, 0, sizeof(c->r));
    memset(c->bank_r13, 0, sizeof(c->bank_r13));
    memset(c->bank_r14, 0, sizeof(c->bank_r14));
    memset(c->bank_spsr, 0, sizeof(c->bank_spsr));
    memset(c->usr_r8_12, 0, sizeof(c->usr_r8_12));
    memset(c->fiq_r8_12, 0, sizeof(c->fiq_r8_12));
    memset(&c->cp15, 0, sizeof(c->cp15));
    c->cp15.control = ARM926_CONTROL_RESET;
    c->nf = c->cf = c->vf = c->qf = 0;
    c->zf = 1;
    c->ge = 0;
    c->spsr = 0;
    c->cpsr_ctl = ARM_MODE_SVC | ARM_CPSR_I | ARM_CPSR_F;
    c->excl_addr = ARM_EXCL_NONE;
    c->event = false;
    cpu->pc = c->reset_pc;
    cpu->halted = false;
    cpu->tb_flags = 0;
    if (c->features & ARM_FEATURE_V7) {
        c->cpsr_ctl |= ARM_CPSR_A;
        arm_v7_reset(c);
    }
    arm_update_tb_flags(c);
    bb_cpu_tlb_flush(cpu);
}

static void arm_destroy(bb_cpu *cpu)
{
    arm_v7_spaces_release(arm_cpu(cpu));
    bb_cpu_cleanup(cpu);
    free(cpu);
}

static bool arm_translate_address(bb_cpu *cpu, uint32_t vaddr, int access, int mmu_idx, bool raise,
                                  uint32_t pc, bb_phys_result *out)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    uint32_t status = 0;
    if (arm_mmu_translate(c, vaddr, access, mmu_idx, out, &status)) return true;
    bb_log_printf(&cpu->machine->log, BB_LOG_MMU,
                  "cpu%d: %s fault at 0x%08x (pc 0x%08x, status 0x%x)", cpu->index,
                  access == BB_ACCESS_EXEC ? "prefetch" : "data", vaddr, pc, status);
    if (!raise) return false;
    arm_raise_abort(c, vaddr, access, status, pc);
    return false;
}

void arm_raise_abort(bb_arm_cpu *c, uint32_t vaddr, int access, uint32_t status, uint32_t pc)
{
    bool v7 = c->features & ARM_FEATURE_V7;
    if (access == BB_ACCESS_EXEC) {
        c->cp15.ifsr = status;
        if (v7) c->cp15.ifar = vaddr;
        arm_take_exception(c, ARM_EXC_PREFETCH_ABORT, pc + 4);
    } else {
        if (v7 && access == BB_ACCESS_WRITE) status |= ARM_FSR_WNR;
        c->cp15.dfsr = status;
        c->cp15.far = vaddr;
        arm_take_exception(c, ARM_EXC_DATA_ABORT, pc + 8);
    }
}

/* ---- alignment ---- */

/* What ARMv7 requires of the instruction whose access is misaligned: nothing beyond
 * SCTLR.A (single loads and stores, TBH, NEON elements), alignment whatever SCTLR.A says
 * (LDM/STM and PUSH/POP, SRS/RFE, LDRD/STRD, SWP, the exclusives, VLDM/VSTM/VLDR/VSTR), or
 * for VLD1/VST1 of several registers, which the front-end transfers as words, alignment to
 * their elements only. */
enum alignment_rule { ALIGN_IF_CHECKING, ALIGN_ALWAYS, ALIGN_NEON_ELEMENTS };

static enum alignment_rule a32_rule(uint32_t insn, unsigned *element_size)
{
    if ((insn & 0x0e000000u) == 0x08000000u) return ALIGN_ALWAYS; /* LDM/STM, SRS/RFE */
    if ((insn & 0x0e000000u) == 0x0c000000u) return ALIGN_ALWAYS; /* VLDM/VSTM/VLDR/VSTR */
    if ((insn & 0x0f0000f0u) == 0x01000090u) return ALIGN_ALWAYS; /* SWP, exclusives */
    if ((insn & 0x0e100090u) == 0x00000090u && (insn & 0x60u) >= 0x40u)
        return ALIGN_ALWAYS;                   /* LDRD/STRD */
    if ((insn & 0xff900000u) == 0xf4000000u) { /* VLDn/VSTn multiple structures */
        unsigned type = (insn >> 8) & 15;
        *element_size = 1u << ((insn >> 6) & 3);
        if (type == 7 || type == 10 || type == 6 || type == 2) return ALIGN_NEON_ELEMENTS;
    }
    return ALIGN_IF_CHECKING;
}

/* A 32-bit Thumb-2 instruction as hw1:hw2, or a 16-bit one in the low half. */
static enum alignment_rule thumb_rule(uint32_t insn, bool wide, unsigned *element_size)
{
    if (!wide) {
        if ((insn & 0xf000u) == 0xc000u || (insn & 0xf600u) == 0xb400u)
            return ALIGN_ALWAYS; /* LDM/STM, PUSH/POP */
        return ALIGN_IF_CHECKING;
    }
    uint32_t hw1 = insn >> 16;
    if ((hw1 & 0xfe40u) == 0xe800u) return ALIGN_ALWAYS; /* LDM/STM, SRS/RFE */
    if ((hw1 & 0xfe40u) == 0xe840u) {                    /* LDRD/STRD, exclusives, and TBB/TBH */
        bool table_branch = (hw1 & 0xfff0u) == 0xe8d0u && (insn & 0xe0u) == 0;
        return table_branch ? ALIGN_IF_CHECKING : ALIGN_ALWAYS;
    }
    if ((hw1 & 0xee00u) == 0xec00u) return ALIGN_ALWAYS; /* VLDM/VSTM/VLDR/VSTR */
    if ((hw1 & 0xff10u) == 0xf900u) /* VLDn/VSTn: the A32 rule of the same fields */
        return a32_rule(0xf4000000u | (insn & 0x00ffffffu), element_size);
    return ALIGN_IF_CHECKING;
}

/* The rule of the instruction at pc (fetched again: this runs only for misaligned
 * accesses, in the memory slow path). */
static enum alignment_rule alignment_rule_at(bb_arm_cpu *c, uint32_t pc, unsigned *element_size)
{
    int mmu_idx = (c->base.tb_flags & ARM_TBF_PRIVILEGED) ? ARM_MMU_PRIV : ARM_MMU_USER;
    uint32_t insn = 0, second = 0;
    *element_size = 4;
    if (!(c->cpsr_ctl & ARM_CPSR_T)) {
        if (!bb_cpu_fetch(&c->base, pc, 4, mmu_idx, &insn)) return ALIGN_IF_CHECKING;
        return a32_rule(insn, element_size);
    }
    if (!bb_cpu_fetch(&c->base, pc, 2, mmu_idx, &insn)) return ALIGN_IF_CHECKING;
    bool wide = (insn & 0xf800u) >= 0xe800u;
    if (wide && !bb_cpu_fetch(&c->base, pc + 2, 2, mmu_idx, &second)) return ALIGN_IF_CHECKING;
    return thumb_rule(wide ? insn << 16 | second : insn, wide, element_size);
}

static void alignment_fault(bb_arm_cpu *c, uint32_t vaddr, int access, uint32_t pc)
{
    bb_log_printf(&c->base.machine->log, BB_LOG_MMU, "cpu%d: alignment fault at 0x%08x (pc 0x%08x)",
                  c->base.index, vaddr, pc);
    arm_raise_abort(c, vaddr, access, 0x1, pc); /* alignment fault */
}

/* A load or store misaligned for its size: the ARM926 faults when SCTLR.A is set; ARMv7
 * also when the instruction requires alignment (alignment_rule_at). */
static bool arm_misaligned(bb_cpu *cpu, uint32_t vaddr, int access, unsigned size, uint32_t pc)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    (void)size;
    bool checking = c->cp15.control & 2; /* SCTLR.A */
    if (c->features & ARM_FEATURE_V7) {
        unsigned element_size;
        enum alignment_rule rule = alignment_rule_at(c, pc, &element_size);
        if (rule == ALIGN_NEON_ELEMENTS)
            checking = checking && (vaddr & (element_size - 1));
        else if (rule == ALIGN_ALWAYS)
            checking = true;
    }
    if (!checking) return false;
    alignment_fault(c, vaddr, access, pc);
    return true;
}

uint32_t arm_h_alignment_fault(bb_cpu *cpu, uint32_t vaddr, uint32_t pc, uint32_t write)
{
    alignment_fault(arm_cpu(cpu), vaddr, write ? BB_ACCESS_WRITE : BB_ACCESS_READ, pc);
    bb_cpu_unwind(cpu);
}

/* An external abort: the bus (a route to hardware or a TLM model) answered with an error. */
static void arm_bus_error(bb_cpu *cpu, uint32_t vaddr, int access, uint32_t pc)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    bb_log_printf(&cpu->machine->log, BB_LOG_GUEST_ERRORS,
                  "cpu%d: bus error on %s at 0x%08x (pc 0x%08x)", cpu->index,
                  access == BB_ACCESS_WRITE ? "write" : "read", vaddr, pc);
    arm_raise_abort(c, vaddr, access, 0x8, pc); /* precise external abort */
}

/* ---- registers for debuggers, traces and scripts ---- */

enum {
    ARM_REG_CPSR = 16,
    ARM_REG_SPSR = 17,
    ARM_N_REGS = 18,
    ARM_REG_D0 = 18,
    ARM_REG_FPSCR = 50,
    ARM_V7_N_REGS = 51
};

static const bb_reg_info arm_regs[ARM_V7_N_REGS] = {
    {"r0", 32},  {"r1", 32},    {"r2", 32},   {"r3", 32},   {"r4", 32},  {"r5", 32},  {"r6", 32},
    {"r7", 32},  {"r8", 32},    {"r9", 32},   {"r10", 32},  {"r11", 32}, {"r12", 32}, {"sp", 32},
    {"lr", 32},  {"pc", 32},    {"cpsr", 32}, {"spsr", 32}, {"d0", 64},  {"d1", 64},  {"d2", 64},
    {"d3", 64},  {"d4", 64},    {"d5", 64},   {"d6", 64},   {"d7", 64},  {"d8", 64},  {"d9", 64},
    {"d10", 64}, {"d11", 64},   {"d12", 64},  {"d13", 64},  {"d14", 64}, {"d15", 64}, {"d16", 64},
    {"d17", 64}, {"d18", 64},   {"d19", 64},  {"d20", 64},  {"d21", 64}, {"d22", 64}, {"d23", 64},
    {"d24", 64}, {"d25", 64},   {"d26", 64},  {"d27", 64},  {"d28", 64}, {"d29", 64}, {"d30", 64},
    {"d31", 64}, {"fpscr", 32},
};

static uint64_t arm_reg_read(bb_cpu *cpu, int n)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    if (n >= 0 && n < 15) return c->r[n];
    if (n == 15) return cpu->pc;
    if (n == ARM_REG_CPSR) return arm_cpsr_read(c);
    if (n == ARM_REG_SPSR) return c->spsr;
    if (n >= ARM_REG_D0 && n < ARM_REG_D0 + 32) return c->vfp.d[n - ARM_REG_D0];
    if (n == ARM_REG_FPSCR) return c->vfp.fpscr;
    return 0;
}

static void arm_reg_write(bb_cpu *cpu, int n, uint64_t value)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    uint32_t v = (uint32_t)value;
    if (n >= 0 && n < 15)
        c->r[n] = v;
    else if (n == 15)
        cpu->pc = v & ((c->cpsr_ctl & ARM_CPSR_T) ? ~1u : ~3u);
    else if (n == ARM_REG_CPSR)
        arm_cpsr_write(c, v, 0xffffffffu);
    else if (n == ARM_REG_SPSR)
        c->spsr = v;
    else if (n >= ARM_REG_D0 && n < ARM_REG_D0 + 32)
        c->vfp.d[n - ARM_REG_D0] = value;
    else if (n == ARM_REG_FPSCR)
        c->vfp.fpscr = v;
}

/* ---- snapshots ---- */

/* Everything a run depends on; the constant identification (cpu_id, features, mpidr,
 * cbar) is not saved. CP15 and VFP state (FPSCR, FPEXC, D0-D31) are plain registers, saved
 * whole; ITSTATE is in tb_flags, which the engine saves; the exclusive monitor is
 * excl_addr and its values. The v7 MMU's bookkeeping of TLB entries and translated code
 * describes caches that a restore empties: it starts afresh. */
static void arm_state(bb_cpu *cpu, bb_state *st)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    bb_state_bytes(st, c->r, sizeof(c->r));
    uint32_t *words[] = {&c->nf, &c->zf,        &c->cf,         &c->vf,
                         &c->qf, &c->cpsr_ctl,  &c->spsr,       &c->reset_pc,
                         &c->ge, &c->excl_addr, &c->excl_value, &c->excl_value_hi};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        bb_state_u32(st, words[i]);
    bb_state_bytes(st, c->bank_r13, sizeof(c->bank_r13));
    bb_state_bytes(st, c->bank_r14, sizeof(c->bank_r14));
    bb_state_bytes(st, c->bank_spsr, sizeof(c->bank_spsr));
    bb_state_bytes(st, c->usr_r8_12, sizeof(c->usr_r8_12));
    bb_state_bytes(st, c->fiq_r8_12, sizeof(c->fiq_r8_12));
    bb_state_bytes(st, &c->cp15, sizeof(c->cp15));
    bb_state_bytes(st, &c->vfp, sizeof(c->vfp));
    bb_state_int(st, &c->irq_level);
    bb_state_int(st, &c->fiq_level);
    bb_state_bool(st, &c->event);
    bb_state_bool(st, &c->in_wfe);
    if (!bb_state_restoring(st)) return;
    if (arm_has(c, ARM_FEATURE_V7)) arm_v7_tlb_reset(c);
    arm_update_tb_flags(c);
}

const bb_guest_ops arm_guest_ops = {
    .name = "arm",
    .translate = arm_translate_block,
    .check_interrupts = arm_check_interrupts,
    .translate_address = arm_translate_address,
    .misaligned = arm_misaligned,
    .bus_error = arm_bus_error,
    .reset = arm_reset,
    .destroy = arm_destroy,
    .n_regs = ARM_N_REGS,
    .regs = arm_regs,
    .reg_read = arm_reg_read,
    .reg_write = arm_reg_write,
    .state = arm_state,
    .helpers = arm_helpers,
    .n_helpers = ARM_H_COUNT,
    .disas_open = arm_disas_open,
    .disas_close = arm_disas_close,
    .disassemble = arm_disassemble,
    .exception_name = arm_exception_name,
};

const bb_guest_ops arm_v7_guest_ops = {
    .name = "arm",
    .translate = arm_translate_block,
    .check_interrupts = arm_check_interrupts,
    .translate_address = arm_translate_address,
    .misaligned = arm_misaligned,
    .bus_error = arm_bus_error,
    .reset = arm_reset,
    .destroy = arm_destroy,
    .n_regs = ARM_V7_N_REGS,
    .regs = arm_regs,
    .reg_read = arm_reg_read,
    .reg_write = arm_reg_write,
    .state = arm_state,
    .helpers = arm_helpers,
    .n_helpers = ARM_H_COUNT,
    .disas_open = arm_disas_open,
    .disas_close = arm_disas_close,
    .disassemble = arm_disassemble,
    .exception_name = arm_exception_name,
};

bb_cpu *arm926_cpu_new(bb_machine *m, int index)
{
    bb_arm_cpu *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    if (!bb_cpu_init(&c->base, m, index, &arm_guest_ops)) {
        free(c);
        return NULL;
    }
    c->base.unaligned_mode = BB_UNALIGNED_ARMV5;
    c->cpu_id = ARM926_MAIN_ID;
    c->features = ARM926_FEATURES;
    c->reset_pc = 0;
    arm_reset(&c->base);
    return &c->base;
}

/* The MPCore private region base (CBAR): the reg of the board's SCU node, if any. */
static uint32_t find_private_base(bb_machine *m)
{
    if (!m->fdt) return 0;
    int node = fdt_node_offset_by_compatible(m->fdt, -1, "arm,cortex-a9-scu");
    if (node < 0) return 0;
    int len = 0;
    const fdt32_t *reg = fdt_getprop(m->fdt, node, "reg", &len);
    return reg && len >= 4 ? fdt32_to_cpu(reg[0]) : 0;
}

bb_cpu *cortex_a9_cpu_new(bb_machine *m, int index)
{
    bb_arm_cpu *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    if (!bb_cpu_init(&c->base, m, index, &arm_v7_guest_ops)) {
        free(c);
        return NULL;
    }
    if (!arm_v7_spaces_attach(c)) {
        bb_cpu_cleanup(&c->base);
        free(c);
        return NULL;
    }
    c->base.unaligned_mode = BB_UNALIGNED_BYTES;
    c->cpu_id = CORTEX_A9_MAIN_ID;
    c->features = CORTEX_A9_FEATURES;
    c->mpidr = 0x80000000u | (uint32_t)(index & 3); /* MP format, cluster 0, U = 0 */
    c->cbar = find_private_base(m);
    c->reset_pc = 0;
    arm_reset(&c->base);
    return &c->base;
}
