/*
 * translate_t32_mul.c: T32 multiplies (none sets the flags): MUL, MLA, MLS, the signed
 * halfword and word multiplies, the dual and most-significant-word multiplies, USAD8,
 * and the 64-bit multiplies. SDIV and UDIV exist only with ARM_FEATURE_DIV (not on the
 * Cortex-A9): they are undefined.
 */
#include "jit/arm/translate_t32.h"

#include "jit/arm/translate_ops.h"

/* hw1 = 1111 1011 0 op1(3) Rn, hw2 = Ra Rd 00 op2(2) Rm; Ra = 1111 is the form without
 * accumulation. op2 bit 1 (N) and bit 0 (M) pick halves, swap (M) or round (R). */
void arm_t32_multiply(arm_tctx *t)
{
    unsigned op1 = t32_hw1(t, 4, 3), op2 = t32_hw2(t, 4, 2);
    int rn = (int)t32_hw1(t, 0, 4), rm = (int)t32_hw2(t, 0, 4);
    int rd = (int)t32_hw2(t, 8, 4), ra = (int)t32_hw2(t, 12, 4);
    int acc = ra == 15 ? -1 : ra;
    bool n = op2 & 2, m = op2 & 1;
    if (t32_hw2(t, 6, 2) != 0 || (op1 != 1 && n) || (op1 == 7 && m)) {
        arm_gen_undef(t);
        return;
    }
    switch (op1) {
    case 0:
        if (m)
            arm_gen_mls(t, rd, rn, rm, ra);
        else
            arm_gen_mul(t, rd, rn, rm, acc, false);
        break;
    case 1: arm_gen_smlaxy(t, rd, rn, rm, acc, n, m); break;
    case 2: arm_gen_smlad(t, rd, rn, rm, acc, m, false); break;
    case 3: arm_gen_smlawy(t, rd, rn, rm, acc, m); break;
    case 4: arm_gen_smlad(t, rd, rn, rm, acc, m, true); break;
    case 5: arm_gen_smmul(t, rd, rn, rm, acc, false, m); break;
    case 6:
        if (ra == 15)
            arm_gen_undef(t);
        else
            arm_gen_smmul(t, rd, rn, rm, ra, true, m);
        break;
    default: { /* USAD8, USADA8 */
        bb_ir_temp sum = arm_gen_usad8(t, arm_gen_reg(t, rn), arm_gen_reg(t, rm));
        if (acc >= 0) sum = bb_ir_binop(t->blk, BB_IR_ADD, sum, arm_gen_reg(t, acc));
        arm_gen_set_reg(t, rd, sum);
        break;
    }
    }
}

/* hw1 = 1111 1011 1 op1(3) Rn, hw2 = RdLo RdHi op2(4) Rm. */
void arm_t32_long_multiply(arm_tctx *t)
{
    unsigned op1 = t32_hw1(t, 4, 3), op2 = t32_hw2(t, 4, 4);
    int rn = (int)t32_hw1(t, 0, 4), rm = (int)t32_hw2(t, 0, 4);
    int rdlo = (int)t32_hw2(t, 12, 4), rdhi = (int)t32_hw2(t, 8, 4);
    bool m = op2 & 1;
    switch (op1 << 4 | op2) {
    case 0x00: arm_gen_mull(t, true, false, false, rdlo, rdhi, rn, rm); break;  /* SMULL */
    case 0x20: arm_gen_mull(t, false, false, false, rdlo, rdhi, rn, rm); break; /* UMULL */
    case 0x40: arm_gen_mull(t, true, true, false, rdlo, rdhi, rn, rm); break;   /* SMLAL */
    case 0x60: arm_gen_mull(t, false, true, false, rdlo, rdhi, rn, rm); break;  /* UMLAL */
    case 0x66: arm_gen_umaal(t, rdlo, rdhi, rn, rm); break;
    case 0x48:
    case 0x49:
    case 0x4a:
    case 0x4b: arm_gen_smlalxy(t, rdlo, rdhi, rn, rm, op2 & 2, m); break;
    case 0x4c:
    case 0x4d: arm_gen_smlald(t, rdlo, rdhi, rn, rm, m, false); break;
    case 0x5c:
    case 0x5d: arm_gen_smlald(t, rdlo, rdhi, rn, rm, m, true); break;
    default: arm_gen_undef(t); break; /* SDIV (0x1f), UDIV (0x3f) and the rest */
    }
}
