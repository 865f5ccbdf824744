/*
 * translate_media.c: the ARMv6 media operations shared by the A32 and T32 decoders:
 * parallel (SIMD-in-register) add and subtract with the GE flags, SEL, USAD8, signed and
 * unsigned saturation, the sign and zero extensions (with add), the byte and bit
 * reversals, PKHBT/PKHTB, and the ARMv6T2 bit-field operations. Everything is inline IR:
 * lanes are extracted, computed in 32 bits (where they cannot overflow) and put back.
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

static bb_ir_temp op_imm(arm_tctx *t, bb_ir_op op, bb_ir_temp a, uint32_t imm)
{
    return binop(t, op, a, constant(t, imm));
}

static bb_ir_temp select(arm_tctx *t, bb_ir_temp cond, bb_ir_temp if_true, bb_ir_temp if_false)
{
    return bb_ir_select(t->blk, cond, if_true, if_false);
}

/* Q |= flag (0 or 1). */
static void set_q_if(arm_tctx *t, bb_ir_temp flag)
{
    bb_ir_set(t->blk, ARM_OFF_QF, binop(t, BB_IR_OR, bb_ir_get(t->blk, ARM_OFF_QF), flag));
}

/* Lane `index` of `width` bits of value, sign- or zero-extended to 32 bits. */
static bb_ir_temp lane(arm_tctx *t, bb_ir_temp value, unsigned width, unsigned index,
                       bool is_signed)
{
    unsigned lo = index * width;
    if (is_signed) {
        if (lo + width < 32) value = op_imm(t, BB_IR_SHL, value, 32 - lo - width);
        return op_imm(t, BB_IR_SAR, value, 32 - width);
    }
    if (lo) value = op_imm(t, BB_IR_SHR, value, lo);
    return lo + width < 32 ? op_imm(t, BB_IR_AND, value, (1u << width) - 1) : value;
}

/* value clamped to [lo, hi] (signed compares); *saturated (if not NULL) is 1 when it was
 * outside. */
static bb_ir_temp clamp(arm_tctx *t, bb_ir_temp value, int32_t lo, int32_t hi,
                        bb_ir_temp *saturated)
{
    bb_ir_temp low = constant(t, (uint32_t)lo), high = constant(t, (uint32_t)hi);
    bb_ir_temp under = binop(t, BB_IR_LTS, value, low);
    bb_ir_temp over = binop(t, BB_IR_LTS, high, value);
    if (saturated) *saturated = binop(t, BB_IR_OR, under, over);
    return select(t, under, low, select(t, over, high, value));
}

/* Whether lane `index` of op subtracts (ASX: the low lane, SAX: the high lane). */
static bool lane_subtracts(enum arm_parallel_op op, unsigned index)
{
    switch (op) {
    case ARM_PAR_SUB16:
    case ARM_PAR_SUB8: return true;
    case ARM_PAR_ASX: return index == 0;
    case ARM_PAR_SAX: return index == 1;
    default: return false;
    }
}

bb_ir_temp arm_gen_parallel(arm_tctx *t, enum arm_parallel_op op, enum arm_parallel_kind kind,
                            bb_ir_temp a, bb_ir_temp b)
{
    unsigned width = op >= ARM_PAR_ADD8 ? 8 : 16, lanes = 32 / width;
    bool is_signed = kind <= ARM_PAR_SIGNED_HALF;
    bool exchange = op == ARM_PAR_ASX || op == ARM_PAR_SAX;
    bool sets_ge = kind == ARM_PAR_SIGNED || kind == ARM_PAR_UNSIGNED;
    uint32_t lane_mask = (1u << width) - 1;
    bb_ir_temp result = constant(t, 0), ge = constant(t, 0);
    for (unsigned i = 0; i < lanes; i++) {
        bool subtract = lane_subtracts(op, i);
        bb_ir_temp x = lane(t, a, width, i, is_signed);
        bb_ir_temp y = lane(t, b, width, exchange ? i ^ 1 : i, is_signed);
        bb_ir_temp r = binop(t, subtract ? BB_IR_SUB : BB_IR_ADD, x, y);
        bb_ir_temp ge_lane = 0;
        switch (kind) {
        case ARM_PAR_SIGNED: ge_lane = binop(t, BB_IR_LES, constant(t, 0), r); break;
        case ARM_PAR_UNSIGNED: /* no borrow, or a carry out of the lane */
            ge_lane = subtract ? binop(t, BB_IR_LES, constant(t, 0), r)
                               : binop(t, BB_IR_LEU, constant(t, 1u << width), r);
            break;
        case ARM_PAR_SIGNED_SAT:
            r = clamp(t, r, -(1 << (width - 1)), (1 << (width - 1)) - 1, NULL);
            break;
        case ARM_PAR_UNSIGNED_SAT: r = clamp(t, r, 0, (int32_t)lane_mask, NULL); break;
        default: r = op_imm(t, BB_IR_SAR, r, 1); break; /* halving */
        }
        if (i + 1 < lanes) r = op_imm(t, BB_IR_AND, r, lane_mask); /* the top lane: SHL drops it */
        if (i) r = op_imm(t, BB_IR_SHL, r, i * width);
        result = binop(t, BB_IR_OR, result, r);
        if (sets_ge) {
            /* A 16-bit lane sets two GE bits, an 8-bit lane one. */
            uint32_t bits = width == 16 ? 3u << (2 * i) : 1u << i;
            ge = binop(t, BB_IR_OR, ge, binop(t, BB_IR_MUL, ge_lane, constant(t, bits)));
        }
    }
    if (sets_ge) bb_ir_set(t->blk, ARM_OFF_GE, ge);
    return result;
}

bb_ir_temp arm_gen_sel(arm_tctx *t, bb_ir_temp a, bb_ir_temp b)
{
    /* GE bit n to bit 8n (the shifted copies of GE[3:0] do not overlap), then to a byte. */
    bb_ir_temp ge = op_imm(t, BB_IR_AND, bb_ir_get(t->blk, ARM_OFF_GE), 0xf);
    bb_ir_temp spread = op_imm(t, BB_IR_AND, op_imm(t, BB_IR_MUL, ge, 0x00204081), 0x01010101);
    bb_ir_temp mask = op_imm(t, BB_IR_MUL, spread, 0xff);
    return binop(t, BB_IR_OR, binop(t, BB_IR_AND, a, mask), binop(t, BB_IR_ANDN, b, mask));
}

bb_ir_temp arm_gen_usad8(arm_tctx *t, bb_ir_temp a, bb_ir_temp b)
{
    bb_ir_temp sum = constant(t, 0);
    for (unsigned i = 0; i < 4; i++) {
        bb_ir_temp d = binop(t, BB_IR_SUB, lane(t, a, 8, i, false), lane(t, b, 8, i, false));
        bb_ir_temp negative = binop(t, BB_IR_LTS, d, constant(t, 0));
        d = select(t, negative, bb_ir_unop(t->blk, BB_IR_NEG, d), d);
        sum = binop(t, BB_IR_ADD, sum, d);
    }
    return sum;
}

/* ---- saturation ---- */

bb_ir_temp arm_gen_ssat(arm_tctx *t, bb_ir_temp value, unsigned bits)
{
    if (bits >= 32) return value;
    bb_ir_temp saturated;
    int32_t limit = (int32_t)(1u << (bits - 1));
    bb_ir_temp r = clamp(t, value, -limit, limit - 1, &saturated);
    set_q_if(t, saturated);
    return r;
}

bb_ir_temp arm_gen_usat(arm_tctx *t, bb_ir_temp value, unsigned bits)
{
    bb_ir_temp saturated;
    bb_ir_temp r = clamp(t, value, 0, (int32_t)((1u << bits) - 1), &saturated);
    set_q_if(t, saturated);
    return r;
}

/* Both halfwords of value saturated to [lo, hi]; Q when either saturates. */
static bb_ir_temp saturate_halves(arm_tctx *t, bb_ir_temp value, int32_t lo, int32_t hi)
{
    bb_ir_temp sat_low, sat_high;
    bb_ir_temp low = clamp(t, lane(t, value, 16, 0, true), lo, hi, &sat_low);
    bb_ir_temp high = clamp(t, lane(t, value, 16, 1, true), lo, hi, &sat_high);
    set_q_if(t, binop(t, BB_IR_OR, sat_low, sat_high));
    return binop(t, BB_IR_OR, op_imm(t, BB_IR_AND, low, 0xffff), op_imm(t, BB_IR_SHL, high, 16));
}

bb_ir_temp arm_gen_ssat16(arm_tctx *t, bb_ir_temp value, unsigned bits)
{
    int32_t limit = (int32_t)(1u << (bits - 1));
    return saturate_halves(t, value, -limit, limit - 1);
}

bb_ir_temp arm_gen_usat16(arm_tctx *t, bb_ir_temp value, unsigned bits)
{
    return saturate_halves(t, value, 0, (int32_t)((1u << bits) - 1));
}

/* ---- extensions, reversals, packing, bit fields ---- */

/* Sign-extends the low `width` bits of value. */
static bb_ir_temp sign_extend(arm_tctx *t, bb_ir_temp value, unsigned width)
{
    return op_imm(t, BB_IR_SAR, op_imm(t, BB_IR_SHL, value, 32 - width), 32 - width);
}

/* The 16-bit forms: byte 0 into the low halfword, byte 2 into the high one, each plus the
 * addend's halfword (modulo 2^16). */
static bb_ir_temp extend_16(arm_tctx *t, bool is_signed, bb_ir_temp v, bb_ir_temp addend)
{
    bb_ir_temp low, high; /* in place: low in bits 15-0 (with junk above), high in 31-16 */
    if (is_signed) {
        low = sign_extend(t, v, 8);
        high = op_imm(t, BB_IR_SHL, sign_extend(t, op_imm(t, BB_IR_SHR, v, 16), 8), 16);
    } else {
        low = op_imm(t, BB_IR_AND, v, 0xff);
        high = op_imm(t, BB_IR_AND, v, 0xff0000);
    }
    if (addend) {
        /* The high sum is exact: nothing carries out of the (zero) low half of high. */
        low = binop(t, BB_IR_ADD, addend, low);
        high = binop(t, BB_IR_ADD, addend, high);
    }
    return binop(t, BB_IR_OR, op_imm(t, BB_IR_AND, low, 0xffff),
                 op_imm(t, BB_IR_AND, high, 0xffff0000));
}

bb_ir_temp arm_gen_extend(arm_tctx *t, enum arm_extend kind, bb_ir_temp value, unsigned rotation,
                          bb_ir_temp addend)
{
    bb_ir_temp v = rotation ? op_imm(t, BB_IR_ROR, value, rotation) : value;
    bb_ir_temp r;
    switch (kind) {
    case ARM_SXTB: r = sign_extend(t, v, 8); break;
    case ARM_SXTH: r = sign_extend(t, v, 16); break;
    case ARM_UXTB: r = op_imm(t, BB_IR_AND, v, 0xff); break;
    case ARM_UXTH: r = op_imm(t, BB_IR_AND, v, 0xffff); break;
    case ARM_SXTB16: return extend_16(t, true, v, addend);
    default: return extend_16(t, false, v, addend);
    }
    return addend ? binop(t, BB_IR_ADD, addend, r) : r;
}

/* (value >> shift & mask) | (value & mask) << shift: swaps neighbouring groups of bits. */
static bb_ir_temp swap_groups(arm_tctx *t, bb_ir_temp value, unsigned shift, uint32_t mask)
{
    bb_ir_temp down = op_imm(t, BB_IR_AND, op_imm(t, BB_IR_SHR, value, shift), mask);
    bb_ir_temp up = op_imm(t, BB_IR_SHL, op_imm(t, BB_IR_AND, value, mask), shift);
    return binop(t, BB_IR_OR, down, up);
}

/* The four bytes in reverse order: bytes 3 and 1 from a rotation by 8, 2 and 0 by 24. */
static bb_ir_temp reverse_bytes(arm_tctx *t, bb_ir_temp value)
{
    bb_ir_temp odd = op_imm(t, BB_IR_AND, op_imm(t, BB_IR_ROR, value, 8), 0xff00ff00);
    bb_ir_temp even = op_imm(t, BB_IR_AND, op_imm(t, BB_IR_ROR, value, 24), 0x00ff00ff);
    return binop(t, BB_IR_OR, odd, even);
}

bb_ir_temp arm_gen_reverse(arm_tctx *t, enum arm_reverse kind, bb_ir_temp value)
{
    switch (kind) {
    case ARM_REV16: return swap_groups(t, value, 8, 0x00ff00ff);
    case ARM_REVSH: {
        bb_ir_temp high = op_imm(t, BB_IR_SAR, op_imm(t, BB_IR_SHL, value, 24), 16);
        return binop(t, BB_IR_OR, high, op_imm(t, BB_IR_AND, op_imm(t, BB_IR_SHR, value, 8), 0xff));
    }
    case ARM_RBIT: /* the bits of each byte, then the bytes */
        value = swap_groups(t, value, 1, 0x55555555);
        value = swap_groups(t, value, 2, 0x33333333);
        value = swap_groups(t, value, 4, 0x0f0f0f0f);
        return reverse_bytes(t, value);
    default: return reverse_bytes(t, value);
    }
}

bb_ir_temp arm_gen_pkh(arm_tctx *t, bb_ir_temp rn, bb_ir_temp shifted, bool top)
{
    uint32_t from_rn = top ? 0xffff0000u : 0xffffu;
    return binop(t, BB_IR_OR, op_imm(t, BB_IR_AND, rn, from_rn),
                 op_imm(t, BB_IR_AND, shifted, ~from_rn));
}

bb_ir_temp arm_gen_bfi(arm_tctx *t, bb_ir_temp old, bb_ir_temp value, unsigned lsb, unsigned msb)
{
    unsigned width = msb - lsb + 1;
    uint32_t mask = (width >= 32 ? 0xffffffffu : (1u << width) - 1) << lsb;
    bb_ir_temp inserted = op_imm(t, BB_IR_AND, op_imm(t, BB_IR_SHL, value, lsb), mask);
    return binop(t, BB_IR_OR, op_imm(t, BB_IR_AND, old, ~mask), inserted);
}

bb_ir_temp arm_gen_bfx(arm_tctx *t, bb_ir_temp value, unsigned lsb, unsigned width, bool is_signed)
{
    if (is_signed) {
        bb_ir_temp up = op_imm(t, BB_IR_SHL, value, 32 - lsb - width);
        return op_imm(t, BB_IR_SAR, up, 32 - width);
    }
    bb_ir_temp down = op_imm(t, BB_IR_SHR, value, lsb);
    return width >= 32 ? down : op_imm(t, BB_IR_AND, down, (1u << width) - 1);
}
