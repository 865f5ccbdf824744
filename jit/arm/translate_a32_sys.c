/*
 * translate_a32_sys.c: the A32 system groups: the miscellaneous space (MRS, MSR, BX, BXJ,
 * BLX register, CLZ, saturating arithmetic, BKPT), MSR immediate with the ARMv6K hints,
 * SWI/SVC, and the unconditional space (BLX immediate, PLD and the other memory hints,
 * CPS, SETEND, SRS, RFE, CLREX, the barriers and the Advanced SIMD spaces).
 */
#include "jit/arm/translate_a32.h"

#include "jit/arm/translate_ops.h"
#include "jit/arm/translate_vfp.h"

static bb_ir_temp constant(arm_tctx *t, uint32_t value)
{
    return bb_ir_const(t->blk, value);
}

static int reg_field(const arm_tctx *t, unsigned lo)
{
    return (int)arm_field(t->insn, lo, 4);
}

/* ---- the miscellaneous space (opcodes 10xx without S) ---- */

/* QADD, QSUB, QDADD, QDSUB: Rd = sat(Rm op [sat(2 *)] Rn). */
static void saturating(arm_tctx *t)
{
    static const unsigned helpers[4] = {ARM_H_QADD, ARM_H_QSUB, ARM_H_QDADD, ARM_H_QDSUB};
    bb_ir_temp rm = arm_gen_reg(t, reg_field(t, 0));
    bb_ir_temp rn = arm_gen_reg(t, reg_field(t, 16));
    bb_ir_temp result = bb_ir_call(t->blk, helpers[arm_field(t->insn, 21, 2)], rm, rn, 0);
    arm_gen_set_reg(t, reg_field(t, 12), result);
}

static void breakpoint(arm_tctx *t)
{
    uint32_t imm = arm_field(t->insn, 8, 12) << 4 | arm_field(t->insn, 0, 4);
    bb_ir_call(t->blk, ARM_H_BKPT, constant(t, t->pc), constant(t, imm), 0);
    bb_ir_exit_ind(t->blk); /* the helper set the PC (after semihosting, or the vector) */
    t->ended = true;
}

/* BX, BXJ (Jazelle is never enabled, so it is BX) and BLX register. */
static void branch_exchange(arm_tctx *t, bool link)
{
    bb_ir_temp target = arm_gen_reg(t, reg_field(t, 0));
    if (link) arm_gen_set_reg(t, 14, constant(t, t->pc + 4));
    arm_gen_bx(t, target);
}

/* ERET, HVC (virtualization) and SMC (security extensions) are undefined: neither CPU
 * model has those extensions. */
void arm_a32_miscellaneous(arm_tctx *t)
{
    uint32_t insn = t->insn;
    unsigned op = arm_field(insn, 21, 2);
    if (arm_bit(insn, 7)) {
        if (!arm_bit(insn, 4))
            arm_a32_dsp_multiply(t);
        else
            arm_gen_undef(t);
        return;
    }
    switch (arm_field(insn, 4, 3)) {
    case 0:
        if (arm_bit(insn, 9) && arm_feature(t, ARM_FEATURE_V7))
            arm_gen_undef(t); /* MRS/MSR (banked register): virtualization */
        else if (op & 1)
            arm_gen_msr(t, arm_bit(insn, 22), arm_field(insn, 16, 4),
                        arm_gen_reg(t, reg_field(t, 0)));
        else
            arm_gen_mrs(t, reg_field(t, 12), arm_bit(insn, 22));
        break;
    case 1:
        if (op == 1)
            branch_exchange(t, false);
        else if (op == 3)
            arm_gen_set_reg(t, reg_field(t, 12),
                            bb_ir_unop(t->blk, BB_IR_CLZ, arm_gen_reg(t, reg_field(t, 0))));
        else
            arm_gen_undef(t);
        break;
    case 2: /* BXJ */
        if (op == 1)
            branch_exchange(t, false);
        else
            arm_gen_undef(t);
        break;
    case 3:
        if (op == 1)
            branch_exchange(t, true);
        else
            arm_gen_undef(t);
        break;
    case 5: saturating(t); break;
    case 7:
        if (op == 1)
            breakpoint(t);
        else
            arm_gen_undef(t);
        break;
    default: arm_gen_undef(t); break;
    }
}

/* MSR immediate; with bit 22 and the field mask clear, the hints (ARMv6K: NOP, YIELD, WFE,
 * WFI, SEV; the other hint numbers are NOPs). */
void arm_a32_msr_immediate(arm_tctx *t)
{
    uint32_t insn = t->insn;
    unsigned fields = arm_field(insn, 16, 4);
    if (!arm_bit(insn, 22) && fields == 0) {
        if (arm_feature(t, ARM_FEATURE_V6K)) arm_gen_hint(t, arm_field(insn, 0, 8));
        return;
    }
    uint32_t imm = arm_field(insn, 0, 8);
    unsigned rotate = arm_field(insn, 8, 4) * 2;
    uint32_t value = rotate ? (imm >> rotate) | (imm << (32 - rotate)) : imm;
    arm_gen_msr(t, arm_bit(insn, 22), fields, constant(t, value));
}

void arm_a32_software_interrupt(arm_tctx *t)
{
    arm_gen_svc(t, arm_field(t->insn, 0, 24));
}

/* ---- the unconditional space (cond = 1111) ---- */

/* CPS (Rn field bit 16 clear) and SETEND (bit 16 set), op1 = 0001 0000. */
static void change_state(arm_tctx *t)
{
    uint32_t insn = t->insn;
    if (arm_bit(insn, 16)) {
        if (arm_field(insn, 4, 4) != 0) {
            arm_gen_undef(t);
            return;
        }
        arm_gen_setend(t, arm_bit(insn, 9));
        return;
    }
    if (arm_bit(insn, 5)) {
        arm_gen_undef(t);
        return;
    }
    arm_gen_cps(t, arm_field(insn, 18, 2), arm_field(insn, 6, 3), arm_bit(insn, 17),
                arm_field(insn, 0, 5));
}

/* op1 = 0101 0111: CLREX (ARMv6K), DSB, DMB, ISB (ARMv7). */
static void barrier_or_clrex(arm_tctx *t)
{
    unsigned op = arm_field(t->insn, 4, 4);
    if (op == 1 && arm_feature(t, ARM_FEATURE_V6K))
        arm_gen_clear_exclusive(t);
    else if (op >= 4 && op <= 6 && arm_feature(t, ARM_FEATURE_V7))
        arm_gen_barrier(t, op);
    else
        arm_gen_undef(t);
}

/* Bits 27-20 = 0xxxxxxx: the ARMv6/v7 part of the unconditional space. */
static void unconditional_v6(arm_tctx *t)
{
    uint32_t insn = t->insn;
    unsigned op1 = arm_field(insn, 20, 8);
    bool neon = arm_feature(t, ARM_FEATURE_NEON);
    if (op1 == 0x10) {
        change_state(t);
    } else if ((op1 & 0xe0) == 0x20 || (op1 & 0xf1) == 0x40) {
        /* Advanced SIMD data processing (001x xxxx) and element loads/stores (0100 xxx0) */
        if (neon)
            arm_translate_neon(t);
        else
            arm_gen_undef(t);
    } else if (op1 == 0x57) {
        barrier_or_clrex(t);
    } else if (((op1 & 0x63) == 0x41 || ((op1 & 0x63) == 0x61 && !arm_bit(insn, 4))) &&
               arm_feature(t, ARM_FEATURE_V7)) {
        return; /* PLD, PLDW, PLI and the unallocated memory hints: NOPs */
    } else if ((insn & 0x0d70f000) == 0x0550f000) {
        return; /* PLD (ARMv5TE) */
    } else {
        arm_gen_undef(t);
    }
}

/* SRS (bit 22 set, bit 20 clear) and RFE (bit 22 clear, bit 20 set), bits 27-25 = 100. */
static void return_state(arm_tctx *t)
{
    uint32_t insn = t->insn;
    bool increment = arm_bit(insn, 23), word_higher = arm_bit(insn, 24) == increment;
    bool writeback = arm_bit(insn, 21);
    if ((insn & 0x00500000) == 0x00400000)
        arm_gen_srs(t, increment, word_higher, writeback, arm_field(insn, 0, 5));
    else if ((insn & 0x00500000) == 0x00100000)
        arm_gen_rfe(t, reg_field(t, 16), increment, word_higher, writeback);
    else
        arm_gen_undef(t);
}

void arm_a32_unconditional(arm_tctx *t)
{
    uint32_t insn = t->insn;
    if ((insn & 0x0e000000) == 0x0a000000) {
        arm_a32_branch_link_exchange_imm(t);
    } else if (!arm_feature(t, ARM_FEATURE_V6)) {
        if ((insn & 0x0d70f000) != 0x0550f000) arm_gen_undef(t); /* all but PLD */
    } else if (!arm_bit(insn, 27)) {
        unconditional_v6(t);
    } else if (arm_field(insn, 25, 3) == 4) {
        return_state(t);
    } else {
        arm_gen_undef(t); /* the coprocessor "2" forms: no coprocessor has them */
    }
}
