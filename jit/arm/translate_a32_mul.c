/*
 * translate_a32_mul.c: decoding of the A32 multiplies: MUL, MLA, MLS, UMAAL, the 64-bit
 * UMULL, UMLAL, SMULL and SMLAL, the ARMv5TE signed halfword multiplies (SMLAxy, SMLAWy,
 * SMULWy, SMLALxy, SMULxy) and the ARMv6 signed multiplies of the media space (SMLAD,
 * SMLSD, SMLALD, SMLSLD, SMMUL, SMMLA, SMMLS). The operations are in translate_mul.c.
 *
 * Register fields, named as in ARMv7: Rn in bits 3-0, Rm in 11-8, Rd (or RdHi) in 19-16
 * and Ra (or RdLo) in 15-12, except the media-space multiplies, which swap Rd and Ra.
 */
#include "jit/arm/translate_a32.h"
#include "jit/arm/translate_ops.h"

static int field(const arm_tctx *t, unsigned lo)
{
    return (int)arm_field(t->insn, lo, 4);
}

/* Bits 27-25 = 000, bits 7-4 = 1001, bits 23-20 = 0xxx S: MUL, MLA, UMAAL, MLS and the
 * long multiplies. UMAAL is ARMv6, MLS ARMv6T2. */
void arm_a32_multiply(arm_tctx *t)
{
    uint32_t insn = t->insn;
    bool s = arm_bit(insn, 20);
    int rn = field(t, 0), rm = field(t, 8), hi = field(t, 16), lo = field(t, 12);
    switch (arm_field(insn, 21, 3)) {
    case 0: arm_gen_mul(t, hi, rn, rm, -1, s); break;
    case 1: arm_gen_mul(t, hi, rn, rm, lo, s); break;
    case 2:
        if (s || !arm_feature(t, ARM_FEATURE_V6))
            arm_gen_undef(t);
        else
            arm_gen_umaal(t, lo, hi, rn, rm);
        break;
    case 3:
        if (s || !arm_feature(t, ARM_FEATURE_V7))
            arm_gen_undef(t);
        else
            arm_gen_mls(t, hi, rn, rm, lo);
        break;
    default: {
        unsigned op = arm_field(insn, 21, 2); /* UMULL, UMLAL, SMULL, SMLAL */
        arm_gen_mull(t, op >= 2, op & 1, s, lo, hi, rn, rm);
        break;
    }
    }
}

/* Bits 22-21 select SMLAxy, SMLAWy/SMULWy, SMLALxy, SMULxy; bit 5 picks the half of Rn,
 * bit 6 the half of Rm. */
void arm_a32_dsp_multiply(arm_tctx *t)
{
    uint32_t insn = t->insn;
    bool n_top = arm_bit(insn, 5), m_top = arm_bit(insn, 6);
    int rn = field(t, 0), rm = field(t, 8), rd = field(t, 16), ra = field(t, 12);
    switch (arm_field(insn, 21, 2)) {
    case 0: arm_gen_smlaxy(t, rd, rn, rm, ra, n_top, m_top); break;
    case 1: arm_gen_smlawy(t, rd, rn, rm, n_top ? -1 : ra, m_top); break; /* bit 5: SMULWy */
    case 2: arm_gen_smlalxy(t, ra, rd, rn, rm, n_top, m_top); break;
    default: arm_gen_smlaxy(t, rd, rn, rm, -1, n_top, m_top); break;
    }
}

/* The media space's signed multiplies (bits 24-23 = 10): op1 in bits 22-20, op2 in 7-5,
 * Rd in 19-16, Ra (or RdLo) in 15-12; Ra = 1111 is the form without accumulation.
 * SDIV/UDIV (op1 001, 011) exist only on CPUs with ARM_FEATURE_DIV: not the Cortex-A9. */
void arm_a32_media_multiply(arm_tctx *t)
{
    uint32_t insn = t->insn;
    unsigned op1 = arm_field(insn, 20, 3), op2 = arm_field(insn, 5, 3);
    int rn = field(t, 0), rm = field(t, 8), rd = field(t, 16), ra = field(t, 12);
    bool swap = arm_bit(insn, 5);
    int acc = ra == 15 ? -1 : ra;
    switch (op1) {
    case 0:
        if (op2 < 4) {
            arm_gen_smlad(t, rd, rn, rm, acc, swap, op2 >= 2); /* SMLAD/SMUAD, SMLSD/SMUSD */
            return;
        }
        break;
    case 4:
        if (op2 < 4) {
            arm_gen_smlald(t, ra, rd, rn, rm, swap, op2 >= 2); /* SMLALD, SMLSLD */
            return;
        }
        break;
    case 5:
        if (op2 < 2) { /* SMMLA/SMMUL; bit 5 rounds */
            arm_gen_smmul(t, rd, rn, rm, acc, false, swap);
            return;
        }
        if (op2 >= 6 && ra != 15) { /* SMMLS */
            arm_gen_smmul(t, rd, rn, rm, ra, true, swap);
            return;
        }
        break;
    default: break;
    }
    arm_gen_undef(t);
}
