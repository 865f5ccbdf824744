/*
 * translate_t32_dp.c: T32 data processing: with a modified immediate (ThumbExpandImm),
 * with a shifted register, with a plain binary immediate (ADDW, SUBW, ADR, MOVW, MOVT,
 * SSAT, USAT, the bit fields), and the register group (shifts by register, extends,
 * parallel add and subtract, REV, RBIT, SEL, CLZ, QADD..).
 *
 * Unlike 16-bit Thumb, the S bit alone decides whether flags are set, also in IT blocks.
 */
#include "jit/arm/translate_t32.h"

#include "jit/arm/translate_a32.h"
#include "jit/arm/translate_ops.h"

static bb_ir_temp constant(arm_tctx *t, uint32_t value)
{
    return bb_ir_const(t->blk, value);
}

static bb_ir_temp reg(arm_tctx *t, unsigned n)
{
    return arm_gen_reg(t, (int)n);
}

static void set_reg(arm_tctx *t, unsigned n, bb_ir_temp value)
{
    arm_gen_set_reg(t, (int)n, value);
}

/* ---- the two data-processing forms with an operand2 ---- */

/* T32 opcodes (hw1 bits 8-5) of the modified-immediate and shifted-register forms. */
enum {
    T32_AND = 0,
    T32_BIC = 1,
    T32_ORR = 2, /* MOV when Rn = 1111 */
    T32_ORN = 3, /* MVN when Rn = 1111 */
    T32_EOR = 4,
    T32_PKH = 6, /* shifted register only */
    T32_ADD = 8,
    T32_ADC = 10,
    T32_SBC = 11,
    T32_SUB = 13,
    T32_RSB = 14,
};

/* The compare form of op (Rd = 1111 with S): TST, TEQ, CMN, CMP; -1 if op has none. */
static int compare_op(unsigned op)
{
    switch (op) {
    case T32_AND: return ARM_DP_TST;
    case T32_EOR: return ARM_DP_TEQ;
    case T32_ADD: return ARM_DP_CMN;
    case T32_SUB: return ARM_DP_CMP;
    default: return -1;
    }
}

/* op of Rn and operand b, result to Rd; S sets the flags (carry: the operand's carry-out
 * for the logical ones, 0 when it leaves C alone). */
static void data_processing(arm_tctx *t, bb_ir_temp b, bb_ir_temp carry)
{
    static const int a32_ops[16] = {
        ARM_DP_AND, ARM_DP_BIC, ARM_DP_ORR, ARM_DP_ORR, ARM_DP_EOR, -1,         -1,         -1,
        ARM_DP_ADD, -1,         ARM_DP_ADC, ARM_DP_SBC, -1,         ARM_DP_SUB, ARM_DP_RSB, -1,
    };
    unsigned op = t32_hw1(t, 5, 4), rn = t32_hw1(t, 0, 4), rd = t32_hw2(t, 8, 4);
    bool s = t32_hw1(t, 4, 1);
    int a32_op = a32_ops[op];
    if (a32_op < 0) {
        arm_gen_undef(t);
        return;
    }
    bool compare = s && rd == 15 && compare_op(op) >= 0;
    if (compare) a32_op = compare_op(op);
    bb_ir_temp a = 0;
    if ((op == T32_ORR || op == T32_ORN) && rn == 15)
        a32_op = op == T32_ORR ? ARM_DP_MOV : ARM_DP_MVN;
    else if (op == T32_ORN)
        b = bb_ir_unop(t->blk, BB_IR_NOT, b);
    if (a32_op != ARM_DP_MOV && a32_op != ARM_DP_MVN) a = reg(t, rn);
    bb_ir_temp result = arm_gen_data_processing(t, (unsigned)a32_op, a, b, s, carry);
    if (!compare) set_reg(t, rd, result);
}

/* ThumbExpandImm_C: i:imm3:imm8 as a byte repeated in a pattern (bits 11-10 = 00, the
 * carry is unchanged) or as 1:imm7 rotated right by bits 11-7 (the carry is bit 31). */
static uint32_t expand_immediate(uint32_t imm12, bool *rotated)
{
    uint32_t byte = imm12 & 0xff;
    *rotated = (imm12 >> 10) != 0;
    if (!*rotated) {
        switch ((imm12 >> 8) & 3) {
        case 0: return byte;
        case 1: return byte << 16 | byte;
        case 2: return byte << 24 | byte << 8;
        default: return byte << 24 | byte << 16 | byte << 8 | byte;
        }
    }
    uint32_t value = 0x80 | (imm12 & 0x7f);
    unsigned rotation = imm12 >> 7;
    return value >> rotation | value << (32 - rotation);
}

void arm_t32_dp_modified_immediate(arm_tctx *t)
{
    uint32_t imm12 = t32_hw1(t, 10, 1) << 11 | t32_hw2(t, 12, 3) << 8 | t32_hw2(t, 0, 8);
    bool rotated;
    uint32_t value = expand_immediate(imm12, &rotated);
    bb_ir_temp carry = rotated ? constant(t, value >> 31) : 0;
    data_processing(t, constant(t, value), carry);
}

/* The shift of a register operand: type in hw2 bits 5-4, imm3:imm2 the amount. */
static bb_ir_temp shifted_operand(arm_tctx *t, unsigned type, bb_ir_temp *carry)
{
    unsigned amount = t32_hw2(t, 12, 3) << 2 | t32_hw2(t, 6, 2);
    return arm_a32_shift_imm(t, reg(t, t32_hw2(t, 0, 4)), type, amount, carry);
}

void arm_t32_dp_shifted_register(arm_tctx *t)
{
    if (t32_hw1(t, 5, 4) == T32_PKH) {
        /* PKHBT (LSL) and PKHTB (ASR) Rd, Rn, Rm: hw2 bit 5 selects; S must be 0 */
        bool top = t32_hw2(t, 5, 1);
        if (t32_hw1(t, 4, 1)) {
            arm_gen_undef(t);
            return;
        }
        bb_ir_temp shifted = shifted_operand(t, top ? ARM_SHIFT_ASR : ARM_SHIFT_LSL, NULL);
        set_reg(t, t32_hw2(t, 8, 4), arm_gen_pkh(t, reg(t, t32_hw1(t, 0, 4)), shifted, top));
        return;
    }
    bb_ir_temp carry = 0;
    bb_ir_temp b = shifted_operand(t, t32_hw2(t, 4, 2), t32_hw1(t, 4, 1) ? &carry : NULL);
    data_processing(t, b, carry);
}

/* ---- plain binary immediates ---- */

/* SSAT/USAT Rd, #sat, Rn{, LSL/ASR #imm} (hw1 bit 5: ASR); with no shift and bit 5 set,
 * SSAT16/USAT16. */
static void saturate(arm_tctx *t, bool is_signed)
{
    unsigned rd = t32_hw2(t, 8, 4), sat = t32_hw2(t, 0, 5);
    unsigned amount = t32_hw2(t, 12, 3) << 2 | t32_hw2(t, 6, 2);
    bool asr = t32_hw1(t, 5, 1);
    bb_ir_temp value = reg(t, t32_hw1(t, 0, 4));
    if (asr && amount == 0) {
        if (sat & 0x10) {
            arm_gen_undef(t);
            return;
        }
        set_reg(t, rd,
                is_signed ? arm_gen_ssat16(t, value, sat + 1) : arm_gen_usat16(t, value, sat));
        return;
    }
    value = arm_a32_shift_imm(t, value, asr ? ARM_SHIFT_ASR : ARM_SHIFT_LSL, amount, NULL);
    set_reg(t, rd, is_signed ? arm_gen_ssat(t, value, sat + 1) : arm_gen_usat(t, value, sat));
}

/* SBFX, UBFX (width - 1 in hw2 bits 4-0), BFI, BFC (msb); lsb is imm3:imm2. Fields that
 * leave the word are UNPREDICTABLE: undefined here. */
static void bit_field(arm_tctx *t, unsigned op)
{
    unsigned lsb = t32_hw2(t, 12, 3) << 2 | t32_hw2(t, 6, 2), high = t32_hw2(t, 0, 5);
    unsigned rd = t32_hw2(t, 8, 4), rn = t32_hw1(t, 0, 4);
    if (op == 0x16) { /* BFI, BFC (Rn = 1111) */
        if (high < lsb) {
            arm_gen_undef(t);
            return;
        }
        bb_ir_temp value = rn == 15 ? constant(t, 0) : reg(t, rn);
        set_reg(t, rd, arm_gen_bfi(t, reg(t, rd), value, lsb, high));
        return;
    }
    if (lsb + high + 1 > 32) {
        arm_gen_undef(t);
        return;
    }
    set_reg(t, rd, arm_gen_bfx(t, reg(t, rn), lsb, high + 1, op == 0x14));
}

/* By hw1 bits 8-4: ADDW/SUBW (ADR with Rn = PC: the word-aligned PC), MOVW, MOVT,
 * SSAT, USAT and the bit fields. */
void arm_t32_dp_plain_immediate(arm_tctx *t)
{
    unsigned op = t32_hw1(t, 4, 5), rn = t32_hw1(t, 0, 4), rd = t32_hw2(t, 8, 4);
    uint32_t imm12 = t32_hw1(t, 10, 1) << 11 | t32_hw2(t, 12, 3) << 8 | t32_hw2(t, 0, 8);
    uint32_t imm16 = rn << 12 | imm12;
    switch (op) {
    case 0x00:
    case 0x0a: {
        bb_ir_op arith = op ? BB_IR_SUB : BB_IR_ADD;
        bb_ir_temp base = rn == 15 ? constant(t, (t->pc + 4) & ~3u) : reg(t, rn);
        set_reg(t, rd, bb_ir_binop(t->blk, arith, base, constant(t, imm12)));
        break;
    }
    case 0x04: set_reg(t, rd, constant(t, imm16)); break;
    case 0x0c: {
        bb_ir_temp low = bb_ir_binop(t->blk, BB_IR_AND, reg(t, rd), constant(t, 0xffff));
        set_reg(t, rd, bb_ir_binop(t->blk, BB_IR_OR, low, constant(t, imm16 << 16)));
        break;
    }
    case 0x10:
    case 0x12: saturate(t, true); break;
    case 0x18:
    case 0x1a: saturate(t, false); break;
    case 0x14:
    case 0x16:
    case 0x1c: bit_field(t, op); break;
    default: arm_gen_undef(t); break;
    }
}

/* ---- the register group (hw1 = 1111 1010 xxxx, hw2 bits 15-12 = 1111) ---- */

/* LSL, LSR, ASR, ROR{S} Rd, Rn, Rm: by the bottom byte of Rm (hw1 bits 6-5: type). */
static void shift_by_register(arm_tctx *t)
{
    bool s = t32_hw1(t, 4, 1);
    bb_ir_temp amount = bb_ir_binop(t->blk, BB_IR_AND, reg(t, t32_hw2(t, 0, 4)), constant(t, 0xff));
    bb_ir_temp carry = 0;
    bb_ir_temp result =
        arm_a32_shift_reg(t, reg(t, t32_hw1(t, 0, 4)), t32_hw1(t, 5, 2), amount, s ? &carry : NULL);
    if (s) {
        arm_gen_set_nz(t, result);
        arm_gen_set_c(t, carry);
    }
    set_reg(t, t32_hw2(t, 8, 4), result);
}

/* SXTAH, UXTAH, SXTAB16, UXTAB16, SXTAB, UXTAB by hw1 bits 6-4 (Rn = 1111: no add);
 * hw2 bits 5-4 are the rotation in bytes. */
static void extend(arm_tctx *t)
{
    static const int kinds[8] = {ARM_SXTH, ARM_UXTH, ARM_SXTB16, ARM_UXTB16,
                                 ARM_SXTB, ARM_UXTB, -1,         -1};
    int kind = kinds[t32_hw1(t, 4, 3)];
    unsigned rn = t32_hw1(t, 0, 4);
    if (kind < 0 || t32_hw2(t, 6, 1)) {
        arm_gen_undef(t);
        return;
    }
    bb_ir_temp addend = rn == 15 ? 0 : reg(t, rn);
    bb_ir_temp result = arm_gen_extend(t, (enum arm_extend)kind, reg(t, t32_hw2(t, 0, 4)),
                                       t32_hw2(t, 4, 2) * 8, addend);
    set_reg(t, t32_hw2(t, 8, 4), result);
}

/* Parallel add and subtract: the lane operation by hw1 bits 6-4, the kind by hw2 bits 6-4
 * (bit 6: unsigned; bits 5-4: 00 plain, 01 saturating, 10 halving). */
static void parallel_add_subtract(arm_tctx *t)
{
    static const int ops[8] = {ARM_PAR_ADD8, ARM_PAR_ADD16, ARM_PAR_ASX, -1,
                               ARM_PAR_SUB8, ARM_PAR_SUB16, ARM_PAR_SAX, -1};
    int op = ops[t32_hw1(t, 4, 3)];
    unsigned kind = t32_hw2(t, 4, 2);
    if (op < 0 || kind == 3) {
        arm_gen_undef(t);
        return;
    }
    kind += t32_hw2(t, 6, 1) ? ARM_PAR_UNSIGNED : ARM_PAR_SIGNED;
    bb_ir_temp result = arm_gen_parallel(t, (enum arm_parallel_op)op, (enum arm_parallel_kind)kind,
                                         reg(t, t32_hw1(t, 0, 4)), reg(t, t32_hw2(t, 0, 4)));
    set_reg(t, t32_hw2(t, 8, 4), result);
}

/* By hw1 bits 5-4 and hw2 bits 5-4: QADD, QDADD, QSUB, QDSUB (Rd = sat(Rm op Rn)), REV,
 * REV16, RBIT, REVSH, SEL, CLZ. */
static void miscellaneous(arm_tctx *t)
{
    static const unsigned saturating[4] = {ARM_H_QADD, ARM_H_QDADD, ARM_H_QSUB, ARM_H_QDSUB};
    static const enum arm_reverse reversals[4] = {ARM_REV, ARM_REV16, ARM_RBIT, ARM_REVSH};
    unsigned op1 = t32_hw1(t, 4, 2), op2 = t32_hw2(t, 4, 2), rd = t32_hw2(t, 8, 4);
    bb_ir_temp rn = reg(t, t32_hw1(t, 0, 4)), rm = reg(t, t32_hw2(t, 0, 4));
    switch (op1) {
    case 0: set_reg(t, rd, bb_ir_call(t->blk, saturating[op2], rm, rn, 0)); break;
    case 1: set_reg(t, rd, arm_gen_reverse(t, reversals[op2], rm)); break;
    case 2:
        if (op2 == 0)
            set_reg(t, rd, arm_gen_sel(t, rn, rm));
        else
            arm_gen_undef(t);
        break;
    default:
        if (op2 == 0)
            set_reg(t, rd, bb_ir_unop(t->blk, BB_IR_CLZ, rm));
        else
            arm_gen_undef(t);
        break;
    }
}

void arm_t32_dp_register(arm_tctx *t)
{
    unsigned op1 = t32_hw1(t, 4, 4), op2 = t32_hw2(t, 4, 4);
    if (t32_hw2(t, 12, 4) != 15) {
        arm_gen_undef(t);
    } else if (!(op1 & 8)) {
        if (op2 == 0)
            shift_by_register(t);
        else if (op2 & 8)
            extend(t);
        else
            arm_gen_undef(t);
    } else if ((op2 & 8) == 0) {
        parallel_add_subtract(t);
    } else if ((op1 & 4) == 0 && (op2 & 0xc) == 8) {
        miscellaneous(t);
    } else {
        arm_gen_undef(t);
    }
}
