/*
 * translate_system.c: system instructions shared by the A32 and T32 decoders: MRS and MSR,
 * MRC/MCR to coprocessors 14 and 15, the exclusive loads and stores with the CPU's local
 * monitor, CLREX, the hints (NOP, YIELD, WFE, WFI, SEV), the barriers, CPS, SETEND, SRS and
 * RFE.
 *
 * The exclusive monitor is three CPU fields: the address a load-exclusive read and the
 * value(s) it read. A store-exclusive succeeds when its address is the monitor's and
 * memory still holds that value, so that a store by another core (or a device) in between
 * makes it fail, as the global monitor would; exception entry clears the monitor.
 */
#include "jit/arm/translate_ops.h"

#include <stddef.h>

static bb_ir_temp constant(arm_tctx *t, uint32_t value)
{
    return bb_ir_const(t->blk, value);
}

static bb_ir_temp binop(arm_tctx *t, bb_ir_op op, bb_ir_temp a, bb_ir_temp b)
{
    return bb_ir_binop(t->blk, op, a, b);
}

static bb_ir_temp add(arm_tctx *t, bb_ir_temp a, uint32_t value)
{
    return binop(t, BB_IR_ADD, a, constant(t, value));
}

static uint32_t next_pc(const arm_tctx *t)
{
    return t->pc + t->size;
}

/* ---- status registers ---- */

void arm_gen_set_nzcv_from_word(arm_tctx *t, bb_ir_temp value)
{
    bb_ir_block *blk = t->blk;
    bb_ir_set(blk, ARM_OFF_NF, value);
    bb_ir_set(blk, ARM_OFF_ZF, binop(t, BB_IR_ANDN, constant(t, 1u << 30), value));
    bb_ir_set(blk, ARM_OFF_CF,
              binop(t, BB_IR_AND, binop(t, BB_IR_SHR, value, constant(t, 29)), constant(t, 1)));
    bb_ir_set(blk, ARM_OFF_VF, binop(t, BB_IR_SHL, value, constant(t, 3)));
}

/* From ARMv7, MRS of the CPSR reads the execution state bits (IT, J, T) as zero. */
#define MRS_CPSR_BITS_V7 0xf8ff03dfu

void arm_gen_mrs(arm_tctx *t, int rd, bool spsr)
{
    bb_ir_temp value = bb_ir_call(t->blk, spsr ? ARM_H_SPSR_READ : ARM_H_CPSR_READ, 0, 0, 0);
    if (!spsr && arm_feature(t, ARM_FEATURE_V7))
        value = binop(t, BB_IR_AND, value, constant(t, MRS_CPSR_BITS_V7));
    arm_gen_set_reg(t, rd, value);
}

/* The CPSR bits MSR may write: N, Z, C, V, Q and the control byte (mode, T, F, I; the
 * helper keeps T), and from ARMv6 GE, E and A. J and the IT bits are never written by MSR.
 * User mode writes the APSR part (the flags, Q and GE) and from ARMv6 E. */
#define PSR_BITS_V5 0xf80000ffu
#define PSR_BITS_V6 0xf80f03ffu
#define APSR_BITS   (ARM_CPSR_NZCV | ARM_CPSR_Q | ARM_CPSR_GE)

/* CPSR.E and the block-key bit that follows it from `big_endian` (a 0/1 temp); the block
 * must end after this, since its data endianness was fixed when it was translated. */
static void set_data_endianness(arm_tctx *t, bb_ir_temp big_endian)
{
    bb_ir_block *blk = t->blk;
    uint32_t ctl_off = (uint32_t)offsetof(bb_arm_cpu, cpsr_ctl);
    bb_ir_temp ctl = binop(t, BB_IR_ANDN, bb_ir_get(blk, ctl_off), constant(t, ARM_CPSR_E));
    bb_ir_set(blk, ctl_off,
              binop(t, BB_IR_OR, ctl, binop(t, BB_IR_SHL, big_endian, constant(t, 9))));
    bb_ir_temp flags =
        binop(t, BB_IR_ANDN, bb_ir_get(blk, ARM_OFF_TB_FLAGS), constant(t, ARM_TBF_BIG_ENDIAN));
    bb_ir_set(blk, ARM_OFF_TB_FLAGS,
              binop(t, BB_IR_OR, flags, binop(t, BB_IR_SHL, big_endian, constant(t, 4))));
}

/* A write of the flags, Q and GE stays in the block; one that touches the control bits
 * (mode, interrupt masks) goes through the helper and ends the block. */
void arm_gen_msr(arm_tctx *t, bool spsr, unsigned fields, bb_ir_temp value)
{
    bool v6 = arm_feature(t, ARM_FEATURE_V6);
    uint32_t mask = 0;
    for (unsigned i = 0; i < 4; i++)
        if (fields & (1u << i)) mask |= 0xffu << (8 * i);
    if (spsr) {
        /* From ARMv6 every bit of the selected bytes of the SPSR is written. */
        if (!v6) mask &= PSR_BITS_V5;
        if (mask) bb_ir_call(t->blk, ARM_H_SPSR_WRITE, value, constant(t, mask), 0);
        return;
    }
    mask &= v6 ? PSR_BITS_V6 : PSR_BITS_V5;
    /* User mode writes the APSR and, from ARMv6, the E bit (set below: the helper writes
     * only the flags in user mode). */
    bool user_endianness = !t->privileged && v6 && (mask & ARM_CPSR_E);
    if (!t->privileged) mask &= APSR_BITS;
    if (mask & ARM_CPSR_NZCV) {
        arm_gen_set_nzcv_from_word(t, value);
        bb_ir_temp q =
            binop(t, BB_IR_AND, binop(t, BB_IR_SHR, value, constant(t, 27)), constant(t, 1));
        bb_ir_set(t->blk, ARM_OFF_QF, q);
    }
    if (mask & ARM_CPSR_GE) {
        bb_ir_temp ge =
            binop(t, BB_IR_AND, binop(t, BB_IR_SHR, value, constant(t, 16)), constant(t, 0xf));
        bb_ir_set(t->blk, ARM_OFF_GE, ge);
    }
    if (user_endianness) {
        bb_ir_temp e = binop(t, BB_IR_SHR, value, constant(t, 9));
        set_data_endianness(t, binop(t, BB_IR_AND, e, constant(t, 1)));
        arm_gen_exit_to_loop(t, next_pc(t));
        return;
    }
    mask &= ~APSR_BITS;
    if (mask == 0) return;
    bb_ir_call(t->blk, ARM_H_CPSR_WRITE, value, constant(t, mask), 0);
    arm_gen_exit_to_loop(t, next_pc(t));
}

/* ---- coprocessors ---- */

/* MRC and MCR. On the ARM926 only CP15 exists and every access is privileged. From ARMv6
 * CP14 (debug, ThumbEE) and CP15 are passed to the helpers in every mode: some of their
 * registers are open to user mode (TPIDRURO, the CP15 barrier operations), and the helper
 * raises the undefined-instruction exception for the others. An MCR may change the MMU or
 * halt the CPU: it ends the block. */
void arm_gen_coprocessor_transfer(arm_tctx *t, uint32_t a32_form)
{
    unsigned cp = (a32_form >> 8) & 15;
    int rt = (int)((a32_form >> 12) & 15);
    bool v6 = arm_feature(t, ARM_FEATURE_V6);
    bool known = v6 ? cp == 14 || cp == 15 : cp == 15 && t->privileged;
    if (!known) {
        arm_gen_undef(t);
        return;
    }
    bb_ir_temp insn = constant(t, a32_form), pc = constant(t, t->pc);
    if (a32_form & (1u << 20)) {
        bb_ir_temp value = bb_ir_call(t->blk, ARM_H_MRC, insn, pc, 0);
        if (rt == 15)
            arm_gen_set_nzcv_from_word(t, value);
        else
            arm_gen_set_reg(t, rt, value);
        return;
    }
    bb_ir_call(t->blk, ARM_H_MCR, insn, arm_gen_reg(t, rt), pc);
    arm_gen_exit_to_loop(t, next_pc(t));
}

/* ---- exclusives ---- */

void arm_gen_load_exclusive(arm_tctx *t, unsigned mem, bb_ir_temp addr, int rt, int rt2)
{
    bb_ir_block *blk = t->blk;
    bb_ir_temp value = arm_gen_load(t, mem, addr, false);
    bb_ir_temp high = rt2 >= 0 ? arm_gen_load(t, BB_IR_MEM_32, add(t, addr, 4), false) : 0;
    bb_ir_set(blk, ARM_OFF_EXCL_ADDR, addr);
    bb_ir_set(blk, ARM_OFF_EXCL_VALUE, value);
    if (high) bb_ir_set(blk, ARM_OFF_EXCL_VALUE_HI, high);
    arm_gen_set_reg(t, rt, value);
    if (high) arm_gen_set_reg(t, rt2, high);
}

void arm_gen_store_exclusive(arm_tctx *t, unsigned mem, bb_ir_temp addr, int rd, int rt, int rt2)
{
    bb_ir_block *blk = t->blk;
    int fail = bb_ir_new_label(blk), done = bb_ir_new_label(blk);
    bb_ir_temp value = arm_gen_reg(t, rt);
    bb_ir_temp high = rt2 >= 0 ? arm_gen_reg(t, rt2) : 0;
    bb_ir_temp high_addr = add(t, addr, 4);

    bb_ir_brnz(blk, binop(t, BB_IR_NE, bb_ir_get(blk, ARM_OFF_EXCL_ADDR), addr), fail);
    bb_ir_temp current = arm_gen_load(t, mem, addr, false);
    bb_ir_brnz(blk, binop(t, BB_IR_NE, current, bb_ir_get(blk, ARM_OFF_EXCL_VALUE)), fail);
    if (high) {
        bb_ir_temp current_high = arm_gen_load(t, BB_IR_MEM_32, high_addr, false);
        bb_ir_temp expected = bb_ir_get(blk, ARM_OFF_EXCL_VALUE_HI);
        bb_ir_brnz(blk, binop(t, BB_IR_NE, current_high, expected), fail);
    }
    arm_gen_store(t, mem, addr, value, false);
    if (high) arm_gen_store(t, BB_IR_MEM_32, high_addr, high, false);
    bb_ir_set(blk, ARM_OFF_EXCL_ADDR, constant(t, ARM_EXCL_NONE));
    arm_gen_set_reg(t, rd, constant(t, 0));
    bb_ir_br(blk, done);

    bb_ir_label(blk, fail);
    bb_ir_set(blk, ARM_OFF_EXCL_ADDR, constant(t, ARM_EXCL_NONE));
    arm_gen_set_reg(t, rd, constant(t, 1));
    bb_ir_label(blk, done);
}

void arm_gen_clear_exclusive(arm_tctx *t)
{
    bb_ir_set(t->blk, ARM_OFF_EXCL_ADDR, constant(t, ARM_EXCL_NONE));
}

/* ---- hints and barriers ---- */

/* WFI halts until an interrupt, WFE until an event or interrupt (unless the event
 * register is set): both end the block. SEV signals every core. YIELD and the other hints
 * are NOPs. */
void arm_gen_hint(arm_tctx *t, unsigned hint)
{
    switch (hint) {
    case ARM_HINT_WFI:
    case ARM_HINT_WFE:
        bb_ir_call(t->blk, hint == ARM_HINT_WFI ? ARM_H_WFI : ARM_H_WFE, constant(t, next_pc(t)), 0,
                   0);
        arm_gen_exit_to_loop(t, next_pc(t));
        break;
    case ARM_HINT_SEV: bb_ir_call(t->blk, ARM_H_SEV, 0, 0, 0); break;
    default: break;
    }
}

/* One core runs at a time and memory is coherent: DSB and DMB do nothing. ISB ends the
 * block, so that what follows is fetched after the changes before it. */
void arm_gen_barrier(arm_tctx *t, unsigned op)
{
    if (op == 6) arm_gen_branch_direct(t, next_pc(t));
}

/* ---- processor state ---- */

void arm_gen_cps(arm_tctx *t, unsigned imod, unsigned aif, bool change_mode, unsigned mode)
{
    if (!t->privileged) return;
    uint32_t bits =
        (aif & 4 ? ARM_CPSR_A : 0) | (aif & 2 ? ARM_CPSR_I : 0) | (aif & 1 ? ARM_CPSR_F : 0);
    uint32_t mask = 0, value = 0;
    if (imod >= 2) {
        mask |= bits;
        if (imod == 3) value |= bits;
    }
    if (change_mode) {
        mask |= ARM_CPSR_MODE;
        value |= mode & ARM_CPSR_MODE;
    }
    if (mask == 0) return;
    bb_ir_call(t->blk, ARM_H_CPSR_WRITE, constant(t, value), constant(t, mask), 0);
    arm_gen_exit_to_loop(t, next_pc(t));
}

void arm_gen_setend(arm_tctx *t, bool big_endian)
{
    if (big_endian == t->big_endian) return;
    set_data_endianness(t, constant(t, big_endian ? 1 : 0));
    arm_gen_exit_to_loop(t, next_pc(t));
}

/* The lowest address of the two words SRS and RFE transfer, from the base register. */
static bb_ir_temp two_word_address(arm_tctx *t, bb_ir_temp base, bool increment, bool word_higher)
{
    uint32_t offset = (increment ? 0 : -8u) + (word_higher ? 4 : 0);
    return add(t, base, offset);
}

/* SRS: stores LR and SPSR of the current mode on the stack of `mode` (its banked SP
 * through helpers). UNPREDICTABLE in user mode: undefined here. */
void arm_gen_srs(arm_tctx *t, bool increment, bool word_higher, bool writeback, unsigned mode)
{
    if (!t->privileged) {
        arm_gen_undef(t);
        return;
    }
    bb_ir_block *blk = t->blk;
    bb_ir_temp mode_temp = constant(t, mode), thirteen = constant(t, 13);
    bb_ir_temp base = bb_ir_call(blk, ARM_H_BANKED_READ, mode_temp, thirteen, 0);
    bb_ir_temp spsr = bb_ir_call(blk, ARM_H_SPSR_READ, 0, 0, 0);
    bb_ir_temp addr = two_word_address(t, base, increment, word_higher);
    arm_gen_store(t, BB_IR_MEM_32, addr, arm_gen_reg(t, 14), false);
    arm_gen_store(t, BB_IR_MEM_32, add(t, addr, 4), spsr, false);
    if (writeback) {
        bb_ir_temp new_base = add(t, base, increment ? 8 : -8u);
        bb_ir_call(blk, ARM_H_BANKED_WRITE, mode_temp, thirteen, new_base);
    }
}

/* RFE: loads the PC and the CPSR (all of it: mode, state, ITSTATE). UNPREDICTABLE in user
 * mode: undefined here. */
void arm_gen_rfe(arm_tctx *t, int rn, bool increment, bool word_higher, bool writeback)
{
    if (!t->privileged) {
        arm_gen_undef(t);
        return;
    }
    bb_ir_temp base = arm_gen_reg(t, rn);
    bb_ir_temp addr = two_word_address(t, base, increment, word_higher);
    bb_ir_temp new_pc = arm_gen_load(t, BB_IR_MEM_32, addr, false);
    bb_ir_temp new_cpsr = arm_gen_load(t, BB_IR_MEM_32, add(t, addr, 4), false);
    if (writeback) arm_gen_set_reg(t, rn, add(t, base, increment ? 8 : -8u));
    bb_ir_call(t->blk, ARM_H_RFE, new_pc, new_cpsr, 0);
    bb_ir_exit_ind(t->blk); /* the helper set the PC and the block key */
    t->ended = true;
}
