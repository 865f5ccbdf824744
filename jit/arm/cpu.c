/*
 * cpu.c: the ARM CPU's architectural state outside generated code: the CPSR and its
 * register banks, exception entry, interrupt lines, reset, and the guest operations the
 * translator engine calls (translate, interrupts, address translation).
 */
#include "jit/arm/cpu.h"

#include <stdlib.h>
#include <string.h>

#include "core/machine.h"

#define ARM926_MAIN_ID 0x41069265u
/* Control register at reset: the should-be-one bits 3-6 and 16, 18 set; MMU, caches off. */
#define ARM926_CONTROL_RESET 0x00050078u
#define ARM_CONTROL_V        (1u << 13)

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
    uint32_t flags = 0;
    if (c->cpsr_ctl & ARM_CPSR_T) flags |= ARM_TBF_THUMB;
    if ((c->cpsr_ctl & ARM_CPSR_MODE) != ARM_MODE_USR) flags |= ARM_TBF_PRIVILEGED;
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
}

uint32_t arm_cpsr_read(bb_arm_cpu *c)
{
    uint32_t flags = (c->nf & 0x80000000u) | (c->zf == 0 ? 1u << 30 : 0) |
                     ((c->cf & 1) << 29) | ((c->vf >> 31) << 28) | ((c->qf & 1) << 27);
    return flags | (c->cpsr_ctl & ~(ARM_CPSR_NZCV | ARM_CPSR_Q));
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
    if (ctl_mask & ARM_CPSR_MODE) {
        uint32_t mode = value & ARM_CPSR_MODE;
        if (is_valid_mode(mode)) arm_switch_mode(c, mode);
        ctl_mask &= ~ARM_CPSR_MODE;
    }
    c->cpsr_ctl = (c->cpsr_ctl & ~ctl_mask) | (value & ctl_mask);
    arm_update_tb_flags(c);
}

void arm_take_exception(bb_arm_cpu *c, arm_exception exc, uint32_t return_address)
{
    static const uint32_t mode_of[8] = {ARM_MODE_SVC, ARM_MODE_UND, ARM_MODE_SVC, ARM_MODE_ABT,
                                        ARM_MODE_ABT, ARM_MODE_SVC, ARM_MODE_IRQ, ARM_MODE_FIQ};
    uint32_t saved = arm_cpsr_read(c);
    arm_switch_mode(c, mode_of[exc]);
    c->spsr = saved;
    c->r[14] = return_address;
    c->cpsr_ctl &= ~ARM_CPSR_T;
    c->cpsr_ctl |= ARM_CPSR_I;
    if (exc == ARM_EXC_FIQ || exc == ARM_EXC_RESET) c->cpsr_ctl |= ARM_CPSR_F;
    uint32_t base = (c->cp15.control & ARM_CONTROL_V) ? 0xffff0000u : 0;
    c->base.pc = base + 4u * (uint32_t)exc;
    c->base.halted = false;
    arm_update_tb_flags(c);
    bb_log_printf(&c->base.machine->log, BB_LOG_INT, "cpu%d: exception %d, return address 0x%08x",
                  c->base.index, (int)exc, return_address);
}

/* ---- interrupts ---- */

static void irq_line_changed(void *opaque, int input, int level)
{
    bb_arm_cpu *c = opaque;
    if (input == 0) c->irq_level = level;
    else c->fiq_level = level;
    if (level) bb_cpu_exit_request(&c->base);
}

bb_irq arm_cpu_irq_input(bb_cpu *cpu, int input)
{
    return bb_irq_make(irq_line_changed, cpu, input);
}

static bool arm_check_interrupts(bb_cpu *cpu)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    /* WFI wakes on an asserted line even when it is masked. */
    if (c->irq_level || c->fiq_level) cpu->halted = false;
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
    c->spsr = 0;
    c->cpsr_ctl = ARM_MODE_SVC | ARM_CPSR_I | ARM_CPSR_F;
    cpu->pc = c->reset_pc;
    cpu->halted = false;
    arm_update_tb_flags(c);
    bb_cpu_tlb_flush(cpu);
}

static void arm_destroy(bb_cpu *cpu)
{
    bb_cpu_cleanup(cpu);
    free(cpu);
}

static bool arm_translate_address(bb_cpu *cpu, uint32_t vaddr, int access, int mmu_idx,
                                  bool raise, uint32_t pc, bb_phys_result *out)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    uint32_t status = 0;
    if (arm_mmu_translate(c, vaddr, access, mmu_idx, out, &status)) return true;
    bb_log_printf(&cpu->machine->log, BB_LOG_MMU,
                  "cpu%d: %s fault at 0x%08x (pc 0x%08x, status 0x%x)", cpu->index,
                  access == BB_ACCESS_EXEC ? "prefetch" : "data", vaddr, pc, status);
    if (!raise) return false;
    if (access == BB_ACCESS_EXEC) {
        c->cp15.ifsr = status;
        arm_take_exception(c, ARM_EXC_PREFETCH_ABORT, pc + 4);
    } else {
        c->cp15.dfsr = status;
        c->cp15.far = vaddr;
        arm_take_exception(c, ARM_EXC_DATA_ABORT, pc + 8);
    }
    return false;
}

static bool arm_misaligned(bb_cpu *cpu, uint32_t vaddr, int access, unsigned size, uint32_t pc)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    (void)access;
    (void)size;
    if (!(c->cp15.control & 2)) return false; /* alignment checking (A) off */
    c->cp15.dfsr = 0x1;                       /* alignment fault */
    c->cp15.far = vaddr;
    bb_log_printf(&cpu->machine->log, BB_LOG_MMU, "cpu%d: alignment fault at 0x%08x (pc 0x%08x)",
                  cpu->index, vaddr, pc);
    arm_take_exception(c, ARM_EXC_DATA_ABORT, pc + 8);
    return true;
}

/* An external abort: the bus (a route to hardware or a TLM model) answered with an error. */
static void arm_bus_error(bb_cpu *cpu, uint32_t vaddr, int access, uint32_t pc)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    bb_log_printf(&cpu->machine->log, BB_LOG_GUEST_ERRORS,
                  "cpu%d: bus error on %s at 0x%08x (pc 0x%08x)", cpu->index,
                  access == BB_ACCESS_WRITE ? "write" : "read", vaddr, pc);
    if (access == BB_ACCESS_EXEC) {
        c->cp15.ifsr = 0x8;
        arm_take_exception(c, ARM_EXC_PREFETCH_ABORT, pc + 4);
        return;
    }
    c->cp15.dfsr = 0x8; /* precise external abort on a non-cacheable access */
    c->cp15.far = vaddr;
    arm_take_exception(c, ARM_EXC_DATA_ABORT, pc + 8);
}

/* ---- registers for debuggers, traces and scripts ---- */

enum { ARM_REG_CPSR = 16, ARM_REG_SPSR = 17, ARM_N_REGS = 18 };

static const bb_reg_info arm_regs[ARM_N_REGS] = {
    {"r0", 32},  {"r1", 32},  {"r2", 32}, {"r3", 32}, {"r4", 32},   {"r5", 32},
    {"r6", 32},  {"r7", 32},  {"r8", 32}, {"r9", 32}, {"r10", 32},  {"r11", 32},
    {"r12", 32}, {"sp", 32},  {"lr", 32}, {"pc", 32}, {"cpsr", 32}, {"spsr", 32},
};

static uint64_t arm_reg_read(bb_cpu *cpu, int n)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    if (n >= 0 && n < 15) return c->r[n];
    if (n == 15) return cpu->pc;
    if (n == ARM_REG_CPSR) return arm_cpsr_read(c);
    if (n == ARM_REG_SPSR) return c->spsr;
    return 0;
}

static void arm_reg_write(bb_cpu *cpu, int n, uint64_t value)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    uint32_t v = (uint32_t)value;
    if (n >= 0 && n < 15) c->r[n] = v;
    else if (n == 15) cpu->pc = v & ((c->cpsr_ctl & ARM_CPSR_T) ? ~1u : ~3u);
    else if (n == ARM_REG_CPSR) arm_cpsr_write(c, v, 0xffffffffu);
    else if (n == ARM_REG_SPSR) c->spsr = v;
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
    .helpers = arm_helpers,
    .n_helpers = ARM_H_COUNT,
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
    c->reset_pc = 0;
    arm_reset(&c->base);
    return &c->base;
}
