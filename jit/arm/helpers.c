/*
 * helpers.c: the C functions that generated ARM code calls for what is not worth inline
 * IR: status register access, exception entry and return, semihosting, coprocessor
 * transfers, user-bank registers and the saturating arithmetic of ARMv5TE.
 */
#include "jit/arm/cpu.h"

#include "core/machine.h"
#include "jit/instrument.h"
#include "core/semihosting.h"
#include "jit/arm/v7.h"

#define SEMIHOSTING_SWI_ARM   0x123456u
#define SEMIHOSTING_SWI_THUMB 0xabu
#define SEMIHOSTING_BKPT      0xabu

static bool in_thumb(const bb_arm_cpu *c)
{
    return (c->cpsr_ctl & ARM_CPSR_T) != 0;
}

static bool has_spsr(const bb_arm_cpu *c)
{
    uint32_t mode = c->cpsr_ctl & ARM_CPSR_MODE;
    return mode != ARM_MODE_USR && mode != ARM_MODE_SYS;
}

/* After a CPSR write: a line already asserted and now unmasked must be taken before the
 * next instruction, so generated code returns to the run loop at once. */
static void check_unmasked(bb_arm_cpu *arm)
{
    if ((arm->irq_level && !(arm->cpsr_ctl & ARM_CPSR_I)) ||
        (arm->fiq_level && !(arm->cpsr_ctl & ARM_CPSR_F)))
        bb_cpu_exit_request(&arm->base);
}

/* MRS: on v7 the execution state bits (IT, J, T) read as zero. */
static uint32_t h_cpsr_read(bb_cpu *cpu, uint32_t a, uint32_t b, uint32_t c)
{
    (void)a, (void)b, (void)c;
    bb_arm_cpu *arm = arm_cpu(cpu);
    uint32_t value = arm_cpsr_read(arm);
    if (arm->features & ARM_FEATURE_V7) value &= ~(ARM_CPSR_IT | ARM_CPSR_J | ARM_CPSR_T);
    return value;
}

static uint32_t h_cpsr_write(bb_cpu *cpu, uint32_t value, uint32_t mask, uint32_t c)
{
    (void)c;
    bb_arm_cpu *arm = arm_cpu(cpu);
    bool v6 = arm->features & ARM_FEATURE_V6;
    /* User mode writes only the flags (and on v6 the GE bits, in the s field). */
    if ((arm->cpsr_ctl & ARM_CPSR_MODE) == ARM_MODE_USR)
        mask &= v6 ? 0xff000000u | ARM_CPSR_GE : 0xff000000u;
    /* MSR cannot change the execution state (T; v6: J and IT). */
    mask &= v6 ? ~(ARM_CPSR_T | ARM_CPSR_IT | ARM_CPSR_J) : ~ARM_CPSR_T;
    arm_cpsr_write(arm, value, mask);
    check_unmasked(arm);
    return 0;
}

static uint32_t h_spsr_read(bb_cpu *cpu, uint32_t a, uint32_t b, uint32_t c)
{
    (void)a, (void)b, (void)c;
    bb_arm_cpu *arm = arm_cpu(cpu);
    return has_spsr(arm) ? arm->spsr : arm_cpsr_read(arm);
}

static uint32_t h_spsr_write(bb_cpu *cpu, uint32_t value, uint32_t mask, uint32_t c)
{
    (void)c;
    bb_arm_cpu *arm = arm_cpu(cpu);
    if (has_spsr(arm)) arm->spsr = (arm->spsr & ~mask) | (value & mask);
    return 0;
}

static uint32_t h_exception_return(bb_cpu *cpu, uint32_t new_pc, uint32_t b, uint32_t c)
{
    (void)b, (void)c;
    bb_arm_cpu *arm = arm_cpu(cpu);
    if (has_spsr(arm)) arm_cpsr_write(arm, arm->spsr, 0xffffffffu);
    cpu->pc = new_pc & (in_thumb(arm) ? ~1u : ~3u);
    check_unmasked(arm);
    return 0;
}

static bool semihosting_read(void *opaque, uint32_t vaddr, void *buf, size_t len)
{
    return bb_cpu_debug_rw(opaque, vaddr, buf, (uint32_t)len, false);
}

static bool semihosting_write(void *opaque, uint32_t vaddr, const void *buf, size_t len)
{
    return bb_cpu_debug_rw(opaque, vaddr, (void *)buf, (uint32_t)len, true);
}

static void semihosting(bb_arm_cpu *arm)
{
    bb_semihosting_guest guest = {&arm->base, semihosting_read, semihosting_write};
    arm->r[0] = bb_semihosting_call(arm->base.machine, &guest, arm->r[0], arm->r[1]);
}

static uint32_t h_swi(bb_cpu *cpu, uint32_t pc, uint32_t comment, uint32_t thumb)
{
    bb_arm_cpu *arm = arm_cpu(cpu);
    uint32_t next = pc + (thumb ? 2 : 4);
    uint32_t semihosting_number = thumb ? SEMIHOSTING_SWI_THUMB : SEMIHOSTING_SWI_ARM;
    if (cpu->machine->semihosting != BB_SEMIHOSTING_OFF && comment == semihosting_number) {
        semihosting(arm);
        cpu->pc = next;
        return 0;
    }
    arm_take_exception(arm, ARM_EXC_SWI, next);
    return 0;
}

static uint32_t h_undef(bb_cpu *cpu, uint32_t pc, uint32_t b, uint32_t c)
{
    (void)b, (void)c;
    bb_arm_cpu *arm = arm_cpu(cpu);
    bb_log_printf(&cpu->machine->log, BB_LOG_GUEST_ERRORS, "cpu%d: undefined instruction at 0x%08x",
                  cpu->index, pc);
    arm_take_exception(arm, ARM_EXC_UNDEF, pc + (in_thumb(arm) ? 2 : 4));
    return 0;
}

static uint32_t h_bkpt(bb_cpu *cpu, uint32_t pc, uint32_t imm, uint32_t c)
{
    (void)c;
    bb_arm_cpu *arm = arm_cpu(cpu);
    if (cpu->machine->semihosting != BB_SEMIHOSTING_OFF && imm == SEMIHOSTING_BKPT) {
        semihosting(arm);
        cpu->pc = pc + (in_thumb(arm) ? 2 : 4);
        return 0;
    }
    arm->cp15.ifsr = 0x2; /* debug event */
    arm_take_exception(arm, ARM_EXC_PREFETCH_ABORT, pc + 4);
    return 0;
}

/* (pc of the instruction, address that could not be fetched: pc, or pc + 2 for the second
 * half of a 32-bit Thumb instruction) */
static uint32_t h_prefetch_abort(bb_cpu *cpu, uint32_t pc, uint32_t fault_address, uint32_t c)
{
    (void)c;
    bb_arm_cpu *arm = arm_cpu(cpu);
    bb_phys_result r;
    uint32_t status = 0;
    int mmu_idx = (cpu->tb_flags & ARM_TBF_PRIVILEGED) ? ARM_MMU_PRIV : ARM_MMU_USER;
    if (arm_mmu_translate(arm, fault_address, BB_ACCESS_EXEC, mmu_idx, &r, &status)) {
        uint32_t word;
        if (bb_cpu_fetch(cpu, fault_address, 2, mmu_idx, &word)) {
            /* The code was mapped since this block was translated (demand paging): the
             * block is stale. Drop it and fetch again. */
            if (arm->features & ARM_FEATURE_V7)
                arm_v7_code_stale(arm);
            else
                bb_cpu_flush_translations(cpu);
            cpu->pc = pc;
            return 0;
        }
        status = 0x8; /* mapped but not readable from the bus: external abort */
        bb_log_printf(&cpu->machine->log, BB_LOG_GUEST_ERRORS,
                      "cpu%d: instruction fetch from 0x%08x outside memory", cpu->index,
                      fault_address);
    }
    arm->cp15.ifsr = status;
    if (arm->features & ARM_FEATURE_V7) arm->cp15.ifar = fault_address;
    arm_take_exception(arm, ARM_EXC_PREFETCH_ABORT, pc + 4);
    return 0;
}

/* An MRC/MCR that v7 does not define: undefined instruction, the MRC/MCR not retired. */
static void undefined_coprocessor_access(bb_arm_cpu *arm, uint32_t insn, uint32_t pc)
{
    bb_log_printf(&arm->base.machine->log, BB_LOG_UNIMP,
                  "cpu%d: undefined access to p%u, %u, c%u, c%u, %u at pc 0x%08x", arm->base.index,
                  (insn >> 8) & 15, (insn >> 21) & 7, (insn >> 16) & 15, insn & 15, (insn >> 5) & 7,
                  pc);
    arm_take_exception(arm, ARM_EXC_UNDEF, pc + (in_thumb(arm) ? 2 : 4));
    bb_cpu_unwind(&arm->base);
}

static uint32_t h_mrc(bb_cpu *cpu, uint32_t insn, uint32_t pc, uint32_t c)
{
    (void)c;
    bb_arm_cpu *arm = arm_cpu(cpu);
    if (!(arm->features & ARM_FEATURE_V7)) return arm_cp15_read(arm, insn, pc);
    bool ok = true;
    uint32_t value = arm_v7_cp_read(arm, insn, &ok);
    if (!ok) undefined_coprocessor_access(arm, insn, pc);
    return value;
}

static uint32_t h_mcr(bb_cpu *cpu, uint32_t insn, uint32_t value, uint32_t pc)
{
    bb_arm_cpu *arm = arm_cpu(cpu);
    if (!(arm->features & ARM_FEATURE_V7)) {
        arm_cp15_write(arm, insn, value, pc);
        return 0;
    }
    bool ok = true;
    arm_v7_cp_write(arm, insn, value, &ok);
    if (!ok) undefined_coprocessor_access(arm, insn, pc);
    return 0;
}

/* Where user-mode rN lives while the CPU is in another mode. */
static uint32_t *user_register(bb_arm_cpu *arm, uint32_t n)
{
    uint32_t mode = arm->cpsr_ctl & ARM_CPSR_MODE;
    if (n >= 8 && n <= 12 && mode == ARM_MODE_FIQ) return &arm->usr_r8_12[n - 8];
    if ((n == 13 || n == 14) && mode != ARM_MODE_USR && mode != ARM_MODE_SYS)
        return n == 13 ? &arm->bank_r13[ARM_BANK_USR] : &arm->bank_r14[ARM_BANK_USR];
    return &arm->r[n & 15];
}

static uint32_t h_user_reg_read(bb_cpu *cpu, uint32_t n, uint32_t b, uint32_t c)
{
    (void)b, (void)c;
    return *user_register(arm_cpu(cpu), n);
}

static uint32_t h_user_reg_write(bb_cpu *cpu, uint32_t n, uint32_t value, uint32_t c)
{
    (void)c;
    *user_register(arm_cpu(cpu), n) = value;
    return 0;
}

/* Signed saturation of a 64-bit value to 32 bits; sets Q when it saturates. */
static uint32_t saturate(bb_arm_cpu *arm, int64_t value)
{
    if (value > INT32_MAX) {
        arm->qf = 1;
        return (uint32_t)INT32_MAX;
    }
    if (value < INT32_MIN) {
        arm->qf = 1;
        return (uint32_t)INT32_MIN;
    }
    return (uint32_t)(int32_t)value;
}

static uint32_t h_qadd(bb_cpu *cpu, uint32_t a, uint32_t b, uint32_t c)
{
    (void)c;
    return saturate(arm_cpu(cpu), (int64_t)(int32_t)a + (int32_t)b);
}

static uint32_t h_qsub(bb_cpu *cpu, uint32_t a, uint32_t b, uint32_t c)
{
    (void)c;
    return saturate(arm_cpu(cpu), (int64_t)(int32_t)a - (int32_t)b);
}

static uint32_t h_qdadd(bb_cpu *cpu, uint32_t a, uint32_t b, uint32_t c)
{
    (void)c;
    bb_arm_cpu *arm = arm_cpu(cpu);
    int32_t doubled = (int32_t)saturate(arm, 2 * (int64_t)(int32_t)b);
    return saturate(arm, (int64_t)(int32_t)a + doubled);
}

static uint32_t h_qdsub(bb_cpu *cpu, uint32_t a, uint32_t b, uint32_t c)
{
    (void)c;
    bb_arm_cpu *arm = arm_cpu(cpu);
    int32_t doubled = (int32_t)saturate(arm, 2 * (int64_t)(int32_t)b);
    return saturate(arm, (int64_t)(int32_t)a - doubled);
}

static uint32_t h_wfi(bb_cpu *cpu, uint32_t next_pc, uint32_t b, uint32_t c)
{
    (void)b, (void)c;
    cpu->pc = next_pc;
    cpu->halted = true;
    bb_instrument_cpu_event(cpu, BB_CPU_SLEEP, 1, 0);
    bb_cpu_exit_request(cpu);
    return 0;
}

const bb_ir_helper arm_helpers[ARM_H_COUNT] = {
    [ARM_H_CPSR_READ] = {h_cpsr_read, "cpsr_read", 0},
    [ARM_H_CPSR_WRITE] = {h_cpsr_write, "cpsr_write", 0},
    [ARM_H_SPSR_READ] = {h_spsr_read, "spsr_read", 0},
    [ARM_H_SPSR_WRITE] = {h_spsr_write, "spsr_write", 0},
    [ARM_H_EXCEPTION_RETURN] = {h_exception_return, "exception_return", 0},
    [ARM_H_SWI] = {h_swi, "swi", 0},
    [ARM_H_UNDEF] = {h_undef, "undef", 0},
    [ARM_H_BKPT] = {h_bkpt, "bkpt", 0},
    [ARM_H_PREFETCH_ABORT] = {h_prefetch_abort, "prefetch_abort", 0},
    [ARM_H_MRC] = {h_mrc, "mrc", 0},
    [ARM_H_MCR] = {h_mcr, "mcr", 0},
    [ARM_H_USER_REG_READ] = {h_user_reg_read, "user_reg_read", 0},
    [ARM_H_USER_REG_WRITE] = {h_user_reg_write, "user_reg_write", 0},
    [ARM_H_QADD] = {h_qadd, "qadd", 0},
    [ARM_H_QSUB] = {h_qsub, "qsub", 0},
    [ARM_H_QDADD] = {h_qdadd, "qdadd", 0},
    [ARM_H_QDSUB] = {h_qdsub, "qdsub", 0},
    [ARM_H_WFI] = {h_wfi, "wfi", 0},
    [ARM_H_WFE] = {arm_h_wfe, "wfe", 0},
    [ARM_H_SEV] = {arm_h_sev, "sev", 0},
    [ARM_H_BANKED_READ] = {arm_h_banked_read, "banked_read", 0},
    [ARM_H_BANKED_WRITE] = {arm_h_banked_write, "banked_write", 0},
    [ARM_H_RFE] = {arm_h_rfe, "rfe", 0},
    [ARM_H_VFP] = {arm_h_vfp, "vfp", 0},
    [ARM_H_VFP_SYSREG_READ] = {arm_h_vfp_sysreg_read, "vfp_sysreg_read", 0},
    [ARM_H_VFP_SYSREG_WRITE] = {arm_h_vfp_sysreg_write, "vfp_sysreg_write", 0},
    [ARM_H_NEON] = {arm_h_neon, "neon", 0},
    [ARM_H_ALIGNMENT_FAULT] = {arm_h_alignment_fault, "alignment_fault", 0},
};
