/*
 * translate_mul.c: the multiplies that the A32 and T32 decoders share, from MUL to the
 * ARMv6 dual and most-significant-word multiplies. Flag-setting forms set N and Z only (C
 * and V are unchanged from ARMv5 on); the accumulating DSP forms set the sticky Q flag on
 * signed overflow without saturating.
 */
#include "jit/arm/translate_ops.h"

static bb_ir_temp constant(arm_tctx *t, uint32_t value)
{
    return bb_ir_const(t->blk, value);
}

static bb_ir_temp binop(arm_tctx *t, bb_ir_op op, bb_ir_temp a, bb_ir_temp b)
{
    return bb_ir_binop(t->blk, op, a, b);
}

static bb_ir_temp reg(arm_tctx *t, int n)
{
    return arm_gen_reg(t, n);
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

/* The sign of value as a word of 0 or -1 (the high word of its 64-bit extension). */
static bb_ir_temp sign_word(arm_tctx *t, bb_ir_temp value)
{
    return binop(t, BB_IR_SAR, value, constant(t, 31));
}

/* Q |= bit 31 of overflow. */
static void set_q_on(arm_tctx *t, bb_ir_temp overflow)
{
    bb_ir_temp q = binop(t, BB_IR_OR, bb_ir_get(t->blk, ARM_OFF_QF),
                         binop(t, BB_IR_SHR, overflow, constant(t, 31)));
    bb_ir_set(t->blk, ARM_OFF_QF, q);
}

/* a + b, setting Q on signed overflow (the sum does not saturate). */
static bb_ir_temp add_setting_q(arm_tctx *t, bb_ir_temp a, bb_ir_temp b)
{
    set_q_on(t, bb_ir_triop(t->blk, BB_IR_ADC_OVF, a, b, constant(t, 0)));
    return binop(t, BB_IR_ADD, a, b);
}

/* The signed bottom (top = false) or top half of value. */
static bb_ir_temp half(arm_tctx *t, bb_ir_temp value, bool top)
{
    bb_ir_temp sixteen = constant(t, 16);
    if (!top) value = binop(t, BB_IR_SHL, value, sixteen);
    return binop(t, BB_IR_SAR, value, sixteen);
}

void arm_gen_mul(arm_tctx *t, int rd, int rn, int rm, int ra, bool set_flags)
{
    bb_ir_temp product = binop(t, BB_IR_MUL, reg(t, rn), reg(t, rm));
    if (ra >= 0) product = binop(t, BB_IR_ADD, product, reg(t, ra));
    if (set_flags) arm_gen_set_nz(t, product);
    arm_gen_set_reg(t, rd, product);
}

void arm_gen_mls(arm_tctx *t, int rd, int rn, int rm, int ra)
{
    bb_ir_temp product = binop(t, BB_IR_MUL, reg(t, rn), reg(t, rm));
    arm_gen_set_reg(t, rd, binop(t, BB_IR_SUB, reg(t, ra), product));
}

void arm_gen_mull(arm_tctx *t, bool is_signed, bool accumulate, bool set_flags, int rdlo, int rdhi,
                  int rn, int rm)
{
    bb_ir_temp a = reg(t, rn), b = reg(t, rm);
    bb_ir_temp lo = binop(t, BB_IR_MUL, a, b);
    bb_ir_temp hi = binop(t, is_signed ? BB_IR_MULHS : BB_IR_MULHU, a, b);
    if (accumulate) add_64(t, &hi, &lo, reg(t, rdhi), reg(t, rdlo));
    if (set_flags) {
        bb_ir_set(t->blk, ARM_OFF_NF, hi);
        bb_ir_set(t->blk, ARM_OFF_ZF, binop(t, BB_IR_OR, hi, lo));
    }
    arm_gen_set_reg(t, rdlo, lo);
    arm_gen_set_reg(t, rdhi, hi);
}

void arm_gen_umaal(arm_tctx *t, int rdlo, int rdhi, int rn, int rm)
{
    bb_ir_temp a = reg(t, rn), b = reg(t, rm), zero = constant(t, 0);
    bb_ir_temp lo = binop(t, BB_IR_MUL, a, b);
    bb_ir_temp hi = binop(t, BB_IR_MULHU, a, b);
    bb_ir_temp old_lo = reg(t, rdlo), old_hi = reg(t, rdhi);
    add_64(t, &hi, &lo, zero, old_lo);
    add_64(t, &hi, &lo, zero, old_hi);
    arm_gen_set_reg(t, rdlo, lo);
    arm_gen_set_reg(t, rdhi, hi);
}

void arm_gen_smlaxy(arm_tctx *t, int rd, int rn, int rm, int ra, bool n_top, bool m_top)
{
    bb_ir_temp product =
        binop(t, BB_IR_MUL, half(t, reg(t, rn), n_top), half(t, reg(t, rm), m_top));
    if (ra >= 0) product = add_setting_q(t, product, reg(t, ra));
    arm_gen_set_reg(t, rd, product);
}

void arm_gen_smlawy(arm_tctx *t, int rd, int rn, int rm, int ra, bool m_top)
{
    bb_ir_temp a = reg(t, rn), b = half(t, reg(t, rm), m_top);
    bb_ir_temp lo = binop(t, BB_IR_MUL, a, b);
    bb_ir_temp hi = binop(t, BB_IR_MULHS, a, b);
    bb_ir_temp sixteen = constant(t, 16);
    /* Bits 47-16 of the 48-bit product. */
    bb_ir_temp product =
        binop(t, BB_IR_OR, binop(t, BB_IR_SHR, lo, sixteen), binop(t, BB_IR_SHL, hi, sixteen));
    if (ra >= 0) product = add_setting_q(t, product, reg(t, ra));
    arm_gen_set_reg(t, rd, product);
}

void arm_gen_smlalxy(arm_tctx *t, int rdlo, int rdhi, int rn, int rm, bool n_top, bool m_top)
{
    bb_ir_temp product =
        binop(t, BB_IR_MUL, half(t, reg(t, rn), n_top), half(t, reg(t, rm), m_top));
    bb_ir_temp hi = reg(t, rdhi), lo = reg(t, rdlo);
    add_64(t, &hi, &lo, sign_word(t, product), product);
    arm_gen_set_reg(t, rdlo, lo);
    arm_gen_set_reg(t, rdhi, hi);
}

/* The two products of the dual multiplies: lo(a) * lo(b') and hi(a) * hi(b'). */
static void dual_products(arm_tctx *t, int rn, int rm, bool swap, bb_ir_temp *low, bb_ir_temp *high)
{
    bb_ir_temp a = reg(t, rn), b = reg(t, rm);
    if (swap) b = binop(t, BB_IR_ROR, b, constant(t, 16));
    *low = binop(t, BB_IR_MUL, half(t, a, false), half(t, b, false));
    *high = binop(t, BB_IR_MUL, half(t, a, true), half(t, b, true));
}

void arm_gen_smlad(arm_tctx *t, int rd, int rn, int rm, int ra, bool swap, bool subtract)
{
    bb_ir_temp low, high, sum;
    dual_products(t, rn, rm, swap, &low, &high);
    if (subtract) {
        /* The difference of two products of 16-bit values always fits in 32 bits. */
        sum = binop(t, BB_IR_SUB, low, high);
        if (ra >= 0) sum = add_setting_q(t, sum, reg(t, ra));
    } else if (ra < 0) {
        sum = add_setting_q(t, low, high);
    } else {
        /* low + high may overflow and the accumulation bring it back: the sum is computed
         * in 64 bits and Q set when it does not fit in 32. */
        bb_ir_temp hi = sign_word(t, low), lo = low;
        add_64(t, &hi, &lo, sign_word(t, high), high);
        bb_ir_temp acc = reg(t, ra);
        add_64(t, &hi, &lo, sign_word(t, acc), acc);
        bb_ir_temp fits = binop(t, BB_IR_EQ, hi, sign_word(t, lo));
        bb_ir_temp q = binop(t, BB_IR_OR, bb_ir_get(t->blk, ARM_OFF_QF),
                             binop(t, BB_IR_XOR, fits, constant(t, 1)));
        bb_ir_set(t->blk, ARM_OFF_QF, q);
        sum = lo;
    }
    arm_gen_set_reg(t, rd, sum);
}

void arm_gen_smlald(arm_tctx *t, int rdlo, int rdhi, int rn, int rm, bool swap, bool subtract)
{
    bb_ir_temp low, high;
    dual_products(t, rn, rm, swap, &low, &high);
    bb_ir_temp hi = reg(t, rdhi), lo = reg(t, rdlo);
    add_64(t, &hi, &lo, sign_word(t, low), low);
    if (subtract) {
        bb_ir_temp negated = bb_ir_unop(t->blk, BB_IR_NEG, high);
        /* -high as 64 bits: its high word is the sign of -high, except for -0 (none). */
        bb_ir_temp neg_hi = bb_ir_unop(t->blk, BB_IR_NOT, sign_word(t, high));
        bb_ir_temp is_zero = binop(t, BB_IR_EQ, high, constant(t, 0));
        neg_hi = bb_ir_select(t->blk, is_zero, constant(t, 0), neg_hi);
        add_64(t, &hi, &lo, neg_hi, negated);
    } else {
        add_64(t, &hi, &lo, sign_word(t, high), high);
    }
    arm_gen_set_reg(t, rdlo, lo);
    arm_gen_set_reg(t, rdhi, hi);
}

void arm_gen_smmul(arm_tctx *t, int rd, int rn, int rm, int ra, bool subtract, bool round)
{
    bb_ir_block *blk = t->blk;
    bb_ir_temp a = reg(t, rn), b = reg(t, rm), zero = constant(t, 0);
    bb_ir_temp lo = binop(t, BB_IR_MUL, a, b);
    bb_ir_temp hi = binop(t, BB_IR_MULHS, a, b);
    if (subtract) {
        /* (ra << 32) - product = (ra:0) + ~(hi:lo) + 1 */
        bb_ir_temp not_lo = bb_ir_unop(blk, BB_IR_NOT, lo), one = constant(t, 1);
        bb_ir_temp carry = bb_ir_triop(blk, BB_IR_ADC_CARRY, zero, not_lo, one);
        lo = binop(t, BB_IR_ADD, not_lo, one);
        hi = bb_ir_triop(blk, BB_IR_ADC, reg(t, ra), bb_ir_unop(blk, BB_IR_NOT, hi), carry);
    } else if (ra >= 0) {
        hi = binop(t, BB_IR_ADD, hi, reg(t, ra));
    }
    if (round) hi = binop(t, BB_IR_ADD, hi, binop(t, BB_IR_SHR, lo, constant(t, 31)));
    arm_gen_set_reg(t, rd, hi);
}
