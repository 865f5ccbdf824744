/*
 * translate_a32_mul.c: A32 multiplies: MUL and MLA, the 64-bit UMULL, UMLAL, SMULL and
 * SMLAL, and the ARMv5TE signed halfword multiplies (SMLAxy, SMLAWy, SMULWy, SMLALxy,
 * SMULxy). With S, multiplies set N and Z only: C and V are unchanged from ARMv5 on.
 */
#include "jit/arm/translate_a32.h"

static bb_ir_temp constant(arm_tctx *t, uint32_t value)
{
    return bb_ir_const(t->blk, value);
}

static bb_ir_temp binop(arm_tctx *t, bb_ir_op op, bb_ir_temp a, bb_ir_temp b)
{
    return bb_ir_binop(t->blk, op, a, b);
}

static bb_ir_temp reg_field(arm_tctx *t, unsigned lo)
{
    return arm_gen_reg(t, (int)arm_field(t->insn, lo, 4));
}

static void set_reg_field(arm_tctx *t, unsigned lo, bb_ir_temp value)
{
    arm_gen_set_reg(t, (int)arm_field(t->insn, lo, 4), value);
}

/* MUL Rd, Rm, Rs and MLA Rd, Rm, Rs, Rn (Rd in bits 19-16, Rn in 15-12). */
void arm_a32_multiply(arm_tctx *t)
{
    bb_ir_temp product = binop(t, BB_IR_MUL, reg_field(t, 0), reg_field(t, 8));
    if (arm_bit(t->insn, 21)) product = binop(t, BB_IR_ADD, product, reg_field(t, 12));
    if (arm_bit(t->insn, 20)) arm_gen_set_nz(t, product);
    set_reg_field(t, 16, product);
}

/* hi:lo += add_hi:add_lo */
static void add_64(arm_tctx *t, bb_ir_temp *hi, bb_ir_temp *lo, bb_ir_temp add_hi,
                   bb_ir_temp add_lo)
{
    bb_ir_temp zero = constant(t, 0);
    bb_ir_temp carry = bb_ir_triop(t->blk, BB_IR_ADC_CARRY, *lo, add_lo, zero);
    *lo = binop(t, BB_IR_ADD, *lo, add_lo);
    *hi = bb_ir_triop(t->blk, BB_IR_ADC, *hi, add_hi, carry);
}

/* RdHi (19-16):RdLo (15-12) = Rm * Rs [+ RdHi:RdLo]; bit 22 signed, bit 21 accumulate. */
void arm_a32_long_multiply(arm_tctx *t)
{
    uint32_t insn = t->insn;
    bb_ir_temp rm = reg_field(t, 0), rs = reg_field(t, 8);
    bb_ir_temp lo = binop(t, BB_IR_MUL, rm, rs);
    bb_ir_temp hi = binop(t, arm_bit(insn, 22) ? BB_IR_MULHS : BB_IR_MULHU, rm, rs);
    if (arm_bit(insn, 21)) add_64(t, &hi, &lo, reg_field(t, 16), reg_field(t, 12));
    if (arm_bit(insn, 20)) {
        bb_ir_set(t->blk, ARM_OFF_NF, hi);
        bb_ir_set(t->blk, ARM_OFF_ZF, binop(t, BB_IR_OR, hi, lo));
    }
    set_reg_field(t, 12, lo);
    set_reg_field(t, 16, hi);
}

/* The signed bottom (top = false) or top half of value. */
static bb_ir_temp half(arm_tctx *t, bb_ir_temp value, bool top)
{
    bb_ir_temp sixteen = constant(t, 16);
    if (!top) value = binop(t, BB_IR_SHL, value, sixteen);
    return binop(t, BB_IR_SAR, value, sixteen);
}

/* a + b, setting the sticky Q flag on signed overflow (the sum does not saturate). */
static bb_ir_temp add_setting_q(arm_tctx *t, bb_ir_temp a, bb_ir_temp b)
{
    bb_ir_temp overflow = bb_ir_triop(t->blk, BB_IR_ADC_OVF, a, b, constant(t, 0));
    bb_ir_temp q = binop(t, BB_IR_OR, bb_ir_get(t->blk, ARM_OFF_QF),
                         binop(t, BB_IR_SHR, overflow, constant(t, 31)));
    bb_ir_set(t->blk, ARM_OFF_QF, q);
    return binop(t, BB_IR_ADD, a, b);
}

/* Bits 22-21 select SMLAxy, SMLAWy/SMULWy, SMLALxy, SMULxy; x (bit 5) picks the half of
 * Rm, y (bit 6) the half of Rs. Rd (or RdHi) is bits 19-16, Rn (or RdLo) bits 15-12. */
void arm_a32_dsp_multiply(arm_tctx *t)
{
    uint32_t insn = t->insn;
    bool x = arm_bit(insn, 5), y = arm_bit(insn, 6);
    bb_ir_temp rm = reg_field(t, 0), rs_half = half(t, reg_field(t, 8), y);
    switch (arm_field(insn, 21, 2)) {
    case 0: { /* SMLAxy */
        bb_ir_temp product = binop(t, BB_IR_MUL, half(t, rm, x), rs_half);
        set_reg_field(t, 16, add_setting_q(t, product, reg_field(t, 12)));
        break;
    }
    case 1: { /* SMLAWy (x = 0), SMULWy (x = 1): bits 47-16 of the 48-bit product */
        bb_ir_temp lo = binop(t, BB_IR_MUL, rm, rs_half);
        bb_ir_temp hi = binop(t, BB_IR_MULHS, rm, rs_half);
        bb_ir_temp sixteen = constant(t, 16);
        bb_ir_temp product =
            binop(t, BB_IR_OR, binop(t, BB_IR_SHR, lo, sixteen), binop(t, BB_IR_SHL, hi, sixteen));
        if (!x) product = add_setting_q(t, product, reg_field(t, 12));
        set_reg_field(t, 16, product);
        break;
    }
    case 2: { /* SMLALxy */
        bb_ir_temp product = binop(t, BB_IR_MUL, half(t, rm, x), rs_half);
        bb_ir_temp hi = reg_field(t, 16), lo = reg_field(t, 12);
        add_64(t, &hi, &lo, binop(t, BB_IR_SAR, product, constant(t, 31)), product);
        set_reg_field(t, 12, lo);
        set_reg_field(t, 16, hi);
        break;
    }
    default: /* SMULxy */ set_reg_field(t, 16, binop(t, BB_IR_MUL, half(t, rm, x), rs_half)); break;
    }
}
