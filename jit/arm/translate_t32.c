/*
 * translate_t32.c: the T32 (32-bit Thumb-2) decoder: the top of the encoding tree by op1
 * (hw1 bits 12-11), op2 (hw1 bits 10-4) and op (hw2 bit 15), the branches (B with and
 * without condition, BL, BLX) and miscellaneous control (MSR, MRS, CPS, the hints, CLREX,
 * the barriers, BXJ, SUBS PC, LR), and the coprocessor spaces (VFP, Advanced SIMD, MRC
 * and MCR). The other groups are in translate_t32_dp.c, _mem.c and _mul.c.
 *
 * The caller (arm_translate_thumb) has wrapped the instruction in its IT condition.
 */
#include "jit/arm/translate_t32.h"

#include "jit/arm/translate_ops.h"
#include "jit/arm/translate_vfp.h"

static bb_ir_temp constant(arm_tctx *t, uint32_t value)
{
    return bb_ir_const(t->blk, value);
}

static uint32_t next_pc(const arm_tctx *t)
{
    return t->pc + 4;
}

uint32_t arm_t32_branch_target(uint32_t pc, uint32_t insn)
{
    uint32_t s = (insn >> 26) & 1, j1 = (insn >> 13) & 1, j2 = (insn >> 11) & 1;
    uint32_t i1 = !(j1 ^ s), i2 = !(j2 ^ s);
    uint32_t offset =
        s << 24 | i1 << 23 | i2 << 22 | ((insn >> 16) & 0x3ff) << 12 | (insn & 0x7ff) << 1;
    return pc + 4 + ((offset ^ (1u << 24)) - (1u << 24));
}

/* ---- branches ---- */

/* B<cond> (encoding T3): S:J2:J1:imm6:imm11:0, a 21-bit offset. The taken path exits,
 * translation goes on with the fall-through. */
static void conditional_branch(arm_tctx *t)
{
    uint32_t offset = t32_hw1(t, 10, 1) << 20 | t32_hw2(t, 11, 1) << 19 | t32_hw2(t, 13, 1) << 18 |
                      t32_hw1(t, 0, 6) << 12 | t32_hw2(t, 0, 11) << 1;
    uint32_t target = t->pc + 4 + ((offset ^ (1u << 20)) - (1u << 20));
    int skip = arm_gen_cond_begin(t, t32_hw1(t, 6, 4));
    int outcome = arm_gen_outcome_begin(t, skip);
    arm_gen_branch_direct(t, target);
    arm_gen_outcome_end(t, skip, outcome);
    arm_gen_cond_end(t, skip);
}

/* BL (hw2 bit 12 set) and BLX to ARM state (clear: the target is word aligned, and an odd
 * offset is undefined). */
static void branch_with_link(arm_tctx *t)
{
    bool exchange = !t32_hw2(t, 12, 1);
    if (exchange && t32_hw2(t, 0, 1)) {
        arm_gen_undef(t);
        return;
    }
    uint32_t target = arm_t32_branch_target(t->pc, t->insn);
    arm_gen_set_reg(t, 14, constant(t, next_pc(t) | 1));
    if (exchange)
        arm_gen_branch_direct_exchange(t, target & ~3u, false);
    else
        arm_gen_branch_direct(t, target);
}

/* ---- miscellaneous control ---- */

/* op = 0111010: the hints (hw2 bits 10-8 zero) and CPS. */
static void cps_or_hint(arm_tctx *t)
{
    if (t32_hw2(t, 8, 3) == 0) {
        unsigned hint = t32_hw2(t, 0, 8);
        if (hint <= ARM_HINT_SEV) arm_gen_hint(t, hint);
        return; /* DBG and the unallocated hints are NOPs */
    }
    unsigned imod = t32_hw2(t, 9, 2);
    if (imod == 1) {
        arm_gen_undef(t);
        return;
    }
    arm_gen_cps(t, imod, t32_hw2(t, 5, 3), t32_hw2(t, 8, 1), t32_hw2(t, 0, 5));
}

/* op = 0111011: CLREX, DSB, DMB, ISB by hw2 bits 7-4 (ENTERX/LEAVEX: no ThumbEE state). */
static void barrier_or_clrex(arm_tctx *t)
{
    unsigned op = t32_hw2(t, 4, 4);
    if (op == 2)
        arm_gen_clear_exclusive(t);
    else if (op >= 4 && op <= 6)
        arm_gen_barrier(t, op);
    else
        arm_gen_undef(t);
}

/* SUBS PC, LR, #imm8: an exception return to LR - imm8 (CPSR = SPSR). UNPREDICTABLE in
 * user mode: undefined here. */
static void exception_return(arm_tctx *t)
{
    if (!t->privileged || t32_hw1(t, 0, 4) != 14) {
        arm_gen_undef(t);
        return;
    }
    bb_ir_temp target =
        bb_ir_binop(t->blk, BB_IR_SUB, arm_gen_reg(t, 14), constant(t, t32_hw2(t, 0, 8)));
    bb_ir_call(t->blk, ARM_H_EXCEPTION_RETURN, target, 0, 0);
    bb_ir_exit_loop(t->blk);
    t->ended = true;
}

/* op (hw1 bits 10-4) = x111xxx with op1 0x0: MSR, CPS and hints, CLREX and barriers, BXJ,
 * SUBS PC, LR, MRS; SMC and the permanently undefined space are undefined. */
static void miscellaneous_control(arm_tctx *t)
{
    unsigned op = t32_hw1(t, 4, 7);
    bool msr_mrs = op == 0x38 || op == 0x39 || op == 0x3e || op == 0x3f;
    if (msr_mrs && t32_hw2(t, 5, 1)) {
        arm_gen_undef(t); /* MSR/MRS (banked register): virtualization */
        return;
    }
    switch (op) {
    case 0x38:
    case 0x39:
        arm_gen_msr(t, t32_hw1(t, 4, 1), t32_hw2(t, 8, 4), arm_gen_reg(t, (int)t32_hw1(t, 0, 4)));
        break;
    case 0x3a: cps_or_hint(t); break;
    case 0x3b: barrier_or_clrex(t); break;
    case 0x3c: arm_gen_bx(t, arm_gen_reg(t, (int)t32_hw1(t, 0, 4))); break; /* BXJ */
    case 0x3d: exception_return(t); break;
    case 0x3e:
    case 0x3f: arm_gen_mrs(t, (int)t32_hw2(t, 8, 4), t32_hw1(t, 4, 1)); break;
    default: arm_gen_undef(t); break;
    }
}

/* op1 = 10 with hw2 bit 15 set: branches and miscellaneous control, by hw2 bits 14-12. */
static void branch_or_control(arm_tctx *t)
{
    unsigned op1 = t32_hw2(t, 12, 3);
    if (op1 & 4) {
        branch_with_link(t);
    } else if (op1 & 1) {
        arm_gen_branch_direct(t, arm_t32_branch_target(t->pc, t->insn)); /* B (T4) */
    } else if (t32_hw1(t, 7, 3) != 7) {
        conditional_branch(t);
    } else {
        miscellaneous_control(t);
    }
}

/* ---- coprocessors ---- */

/* hw1 = 111T 11xx xxxx xxxx: Advanced SIMD data processing (hw1 bits 9-8 = 11, T being U),
 * VFP (coprocessors 10, 11) and MRC/MCR (T = 0) to coprocessors 14 and 15, whose A32
 * encoding is the same word with condition AL. */
static void coprocessor(arm_tctx *t)
{
    unsigned op1 = t32_hw1(t, 4, 6), cp = t32_hw2(t, 8, 4);
    if ((op1 & 0x30) == 0x30) {
        if (arm_feature(t, ARM_FEATURE_NEON))
            arm_translate_neon(t);
        else
            arm_gen_undef(t);
    } else if ((cp & 14) == 10) {
        if (arm_feature(t, ARM_FEATURE_VFP))
            arm_translate_vfp(t);
        else
            arm_gen_undef(t);
    } else if ((op1 & 0x30) == 0x20 && t32_hw2(t, 4, 1) && !t32_hw1(t, 12, 1)) {
        arm_gen_coprocessor_transfer(t, t->insn);
    } else {
        arm_gen_undef(t);
    }
}

/* ---- decoding ---- */

void arm_translate_t32(arm_tctx *t)
{
    unsigned op1 = t32_hw1(t, 11, 2), op2 = t32_hw1(t, 4, 7);
    if (op1 == 1) {
        if ((op2 & 0x64) == 0x00)
            arm_t32_load_store_multiple(t);
        else if ((op2 & 0x64) == 0x04)
            arm_t32_load_store_dual(t);
        else if ((op2 & 0x60) == 0x20)
            arm_t32_dp_shifted_register(t);
        else
            coprocessor(t);
    } else if (op1 == 2) {
        if (t32_hw2(t, 15, 1))
            branch_or_control(t);
        else if (op2 & 0x20)
            arm_t32_dp_plain_immediate(t);
        else
            arm_t32_dp_modified_immediate(t);
    } else if ((op2 & 0x71) == 0x10) {
        /* Advanced SIMD element and structure loads and stores: hw1 = 1111 1001 xxx0 */
        if (arm_feature(t, ARM_FEATURE_NEON))
            arm_translate_neon(t);
        else
            arm_gen_undef(t);
    } else if ((op2 & 0x60) == 0) {
        arm_t32_load_store_single(t);
    } else if ((op2 & 0x70) == 0x20) {
        arm_t32_dp_register(t);
    } else if ((op2 & 0x78) == 0x30) {
        arm_t32_multiply(t);
    } else if ((op2 & 0x78) == 0x38) {
        arm_t32_long_multiply(t);
    } else {
        coprocessor(t);
    }
}
