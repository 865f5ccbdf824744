/*
 * translate_a32_media.c: decoding of the A32 media space (ARMv6: bits 27-25 = 011 with
 * bit 4 set): parallel add and subtract, packing, unpacking (extend), saturation,
 * reversal, SEL, USAD8, the signed multiplies (in translate_a32_mul.c) and the ARMv6T2
 * bit-field instructions. The operations are in translate_media.c. op1 is bits 24-20,
 * op2 bits 7-5; everything not listed, and UDF, is undefined.
 */
#include "jit/arm/translate_a32.h"

#include "jit/arm/translate_ops.h"

static int reg_field(const arm_tctx *t, unsigned lo)
{
    return (int)arm_field(t->insn, lo, 4);
}

static bb_ir_temp reg_at(arm_tctx *t, unsigned lo)
{
    return arm_gen_reg(t, reg_field(t, lo));
}

/* op1 = 00xxx: S/Q/SH (bit 22 clear) or U/UQ/UH (set) by bits 21-20 (01, 10, 11), and
 * the lane operation by op2. */
static void parallel_add_subtract(arm_tctx *t)
{
    static const int ops[8] = {ARM_PAR_ADD16, ARM_PAR_ASX, ARM_PAR_SAX, ARM_PAR_SUB16,
                               ARM_PAR_ADD8,  -1,          -1,          ARM_PAR_SUB8};
    uint32_t insn = t->insn;
    unsigned kind = arm_field(insn, 20, 2);
    int op = ops[arm_field(insn, 5, 3)];
    if (kind == 0 || op < 0) {
        arm_gen_undef(t);
        return;
    }
    unsigned par_kind = (kind - 1) + (arm_bit(insn, 22) ? ARM_PAR_UNSIGNED : ARM_PAR_SIGNED);
    bb_ir_temp result = arm_gen_parallel(
        t, (enum arm_parallel_op)op, (enum arm_parallel_kind)par_kind, reg_at(t, 16), reg_at(t, 0));
    arm_gen_set_reg(t, reg_field(t, 12), result);
}

/* SSAT/USAT Rd, #sat, Rn{, LSL/ASR #imm}: saturate to bits 20-16 (+1 when signed). */
static void saturate(arm_tctx *t, bool is_signed)
{
    uint32_t insn = t->insn;
    unsigned type = arm_bit(insn, 6) ? ARM_SHIFT_ASR : ARM_SHIFT_LSL;
    bb_ir_temp value = arm_a32_shift_imm(t, reg_at(t, 0), type, arm_field(insn, 7, 5), NULL);
    unsigned bits = arm_field(insn, 16, 5);
    value = is_signed ? arm_gen_ssat(t, value, bits + 1) : arm_gen_usat(t, value, bits);
    arm_gen_set_reg(t, reg_field(t, 12), value);
}

/* SXTAB16, SXTAB, SXTAH, UXTAB16, UXTAB, UXTAH (Rn = 1111: without the add). */
static void extend(arm_tctx *t, enum arm_extend kind)
{
    int rn = reg_field(t, 16);
    bb_ir_temp addend = rn == 15 ? 0 : arm_gen_reg(t, rn);
    bb_ir_temp result =
        arm_gen_extend(t, kind, reg_at(t, 0), arm_field(t->insn, 10, 2) * 8, addend);
    arm_gen_set_reg(t, reg_field(t, 12), result);
}

static void reverse(arm_tctx *t, enum arm_reverse kind)
{
    arm_gen_set_reg(t, reg_field(t, 12), arm_gen_reverse(t, kind, reg_at(t, 0)));
}

/* PKHBT (bit 6 clear: Rm LSL #imm) and PKHTB (Rm ASR #imm, 0 meaning 32). */
static void pack(arm_tctx *t)
{
    bool top = arm_bit(t->insn, 6);
    bb_ir_temp shifted = arm_a32_shift_imm(t, reg_at(t, 0), top ? ARM_SHIFT_ASR : ARM_SHIFT_LSL,
                                           arm_field(t->insn, 7, 5), NULL);
    arm_gen_set_reg(t, reg_field(t, 12), arm_gen_pkh(t, reg_at(t, 16), shifted, top));
}

/* op1 = 01xxx: packing, unpacking, saturation and reversal, by op1 bits 22-20 and op2. */
static void pack_saturate_reverse(arm_tctx *t)
{
    uint32_t insn = t->insn;
    unsigned op1 = arm_field(insn, 20, 3), op2 = arm_field(insn, 5, 3);
    if ((op1 & 6) == 2 && !(op2 & 1)) {
        saturate(t, true);
        return;
    }
    if ((op1 & 6) == 6 && !(op2 & 1)) {
        saturate(t, false);
        return;
    }
    /* (op1, op2) as two octal digits. */
    switch (op1 << 3 | op2) {
    case 000:
    case 002:
    case 004:
    case 006: pack(t); break;
    case 003: extend(t, ARM_SXTB16); break;
    case 005:
        arm_gen_set_reg(t, reg_field(t, 12), arm_gen_sel(t, reg_at(t, 16), reg_at(t, 0)));
        break;
    case 021:
        arm_gen_set_reg(t, reg_field(t, 12),
                        arm_gen_ssat16(t, reg_at(t, 0), arm_field(insn, 16, 4) + 1));
        break;
    case 023: extend(t, ARM_SXTB); break;
    case 031: reverse(t, ARM_REV); break;
    case 033: extend(t, ARM_SXTH); break;
    case 035: reverse(t, ARM_REV16); break;
    case 043: extend(t, ARM_UXTB16); break;
    case 061:
        arm_gen_set_reg(t, reg_field(t, 12),
                        arm_gen_usat16(t, reg_at(t, 0), arm_field(insn, 16, 4)));
        break;
    case 063: extend(t, ARM_UXTB); break;
    case 071:
        if (arm_feature(t, ARM_FEATURE_V7))
            reverse(t, ARM_RBIT);
        else
            arm_gen_undef(t);
        break;
    case 073: extend(t, ARM_UXTH); break;
    case 075: reverse(t, ARM_REVSH); break;
    default: arm_gen_undef(t); break;
    }
}

/* USAD8 Rd, Rn, Rm (Ra = 1111) and USADA8 Rd, Rn, Rm, Ra: Rd in 19-16, Ra in 15-12. */
static void sum_absolute_differences(arm_tctx *t)
{
    bb_ir_temp sum = arm_gen_usad8(t, reg_at(t, 0), reg_at(t, 8));
    int ra = reg_field(t, 12);
    if (ra != 15) sum = bb_ir_binop(t->blk, BB_IR_ADD, sum, arm_gen_reg(t, ra));
    arm_gen_set_reg(t, reg_field(t, 16), sum);
}

/* SBFX, UBFX (width - 1 in 20-16), BFI, BFC (msb in 20-16); lsb in 11-7 (ARMv6T2). Fields
 * that leave the word are UNPREDICTABLE: undefined here. */
static void bit_field(arm_tctx *t, unsigned op1, unsigned op2)
{
    uint32_t insn = t->insn;
    unsigned lsb = arm_field(insn, 7, 5), high = arm_field(insn, 16, 5);
    int rd = reg_field(t, 12), rn = reg_field(t, 0);
    bool extract = (op1 & 0x1a) == 0x1a && (op2 & 3) == 2;
    bool insert = (op1 & 0x1e) == 0x1c && (op2 & 3) == 0;
    if (!arm_feature(t, ARM_FEATURE_V7) || !(extract || insert)) {
        arm_gen_undef(t);
        return;
    }
    if (extract) {
        if (lsb + high + 1 > 32) {
            arm_gen_undef(t);
            return;
        }
        bool is_signed = !arm_bit(insn, 22);
        arm_gen_set_reg(t, rd, arm_gen_bfx(t, arm_gen_reg(t, rn), lsb, high + 1, is_signed));
        return;
    }
    if (high < lsb) {
        arm_gen_undef(t);
        return;
    }
    bb_ir_temp value = rn == 15 ? bb_ir_const(t->blk, 0) : arm_gen_reg(t, rn);
    arm_gen_set_reg(t, rd, arm_gen_bfi(t, arm_gen_reg(t, rd), value, lsb, high));
}

void arm_a32_media(arm_tctx *t)
{
    uint32_t insn = t->insn;
    unsigned op1 = arm_field(insn, 20, 5), op2 = arm_field(insn, 5, 3);
    switch (op1 >> 3) {
    case 0: parallel_add_subtract(t); break;
    case 1: pack_saturate_reverse(t); break;
    case 2: arm_a32_media_multiply(t); break;
    default:
        if (op1 == 0x18 && op2 == 0)
            sum_absolute_differences(t);
        else
            bit_field(t, op1, op2);
        break;
    }
}
