/*
 * neon_ops.h: how translate_neon.c asks the NEON helper (neon_helpers.c) for an Advanced
 * SIMD data-processing operation. Internal to the ARM front-end.
 *
 *   a = op | size << 8 | q << 10 | u << 11 | scalar << 12
 *       size: element size log2 bytes (0: 8 bits .. 3: 64 bits) of the operands (for the
 *       widening and narrowing operations: of the narrow side); q: 128-bit operation;
 *       u: unsigned (or the variant the U bit selects); scalar: m is the scalar
 *       Dm[imm] (two registers and a scalar).
 *   b = d | n << 8 | m << 16      (D register numbers)
 *   c = the immediate (shift amount, fraction bits, byte offset, table length, index)
 */
#ifndef BB_ARM_NEON_OPS_H
#define BB_ARM_NEON_OPS_H

enum neon_op {
    /* three registers of the same length, integer */
    N_VHADD,
    N_VQADD,
    N_VRHADD,
    N_VAND,
    N_VBIC,
    N_VORR,
    N_VORN,
    N_VEOR,
    N_VBSL,
    N_VBIT,
    N_VBIF,
    N_VHSUB,
    N_VQSUB,
    N_VCGT,
    N_VCGE,
    N_VSHL,
    N_VQSHL,
    N_VRSHL,
    N_VQRSHL,
    N_VMAX,
    N_VMIN,
    N_VABD,
    N_VABA,
    N_VADD,
    N_VSUB,
    N_VTST,
    N_VCEQ,
    N_VMLA,
    N_VMLS,
    N_VMUL,
    N_VMULP,
    N_VPMAX,
    N_VPMIN,
    N_VQDMULH,
    N_VQRDMULH,
    N_VPADD,
    /* three registers of the same length, single precision */
    N_FADD,
    N_FSUB,
    N_FPADD,
    N_FABD,
    N_FMLA,
    N_FMLS,
    N_FMUL,
    N_FCEQ,
    N_FCGE,
    N_FCGT,
    N_FACGE,
    N_FACGT,
    N_FMAX,
    N_FMIN,
    N_FPMAX,
    N_FPMIN,
    N_FRECPS,
    N_FRSQRTS,
    /* two registers and a shift amount (c) */
    N_VSHR,
    N_VSRA,
    N_VRSHR,
    N_VRSRA,
    N_VSRI,
    N_VSHLI,
    N_VSLI,
    N_VQSHLI,
    N_VQSHLUI,
    N_VSHRN,
    N_VRSHRN,
    N_VQSHRN,
    N_VQRSHRN,
    N_VQSHRUN,
    N_VQRSHRUN,
    N_VSHLL,
    N_VCVT_X2F, /* c: fraction bits */
    N_VCVT_F2X,
    /* three registers of different lengths */
    N_VADDL,
    N_VADDW,
    N_VSUBL,
    N_VSUBW,
    N_VADDHN,
    N_VRADDHN,
    N_VSUBHN,
    N_VRSUBHN,
    N_VABAL,
    N_VABDL,
    N_VMLAL,
    N_VMLSL,
    N_VQDMLAL,
    N_VQDMLSL,
    N_VMULL,
    N_VQDMULL,
    N_VMULLP,
    /* two registers, miscellaneous */
    N_VREV64,
    N_VREV32,
    N_VREV16,
    N_VPADDL,
    N_VCLS,
    N_VCLZ,
    N_VCNT,
    N_VMVN,
    N_VPADAL,
    N_VQABS,
    N_VQNEG,
    N_VCGT0,
    N_VCGE0,
    N_VCEQ0,
    N_VCLE0,
    N_VCLT0,
    N_VABS,
    N_VNEG,
    N_FCGT0,
    N_FCGE0,
    N_FCEQ0,
    N_FCLE0,
    N_FCLT0,
    N_FABS,
    N_FNEG,
    N_VSWP,
    N_VTRN,
    N_VUZP,
    N_VZIP,
    N_VMOVN,
    N_VQMOVUN,
    N_VQMOVN,
    N_VSHLL_MAX,
    N_VCVT_F16_F32, /* Q single to D half */
    N_VCVT_F32_F16, /* D half to Q single */
    N_VRECPE,       /* unsigned 32-bit */
    N_VRSQRTE,
    N_FRECPE,
    N_FRSQRTE,
    N_VCVT_F2I, /* u: to unsigned */
    N_VCVT_I2F, /* u: from unsigned */
    /* others */
    N_VEXT,       /* c: byte offset */
    N_VTBL,       /* c: table length in registers; u: VTBX */
    N_VDUP_SCALAR /* c: index */
};

static inline unsigned neon_pack_op(unsigned op, unsigned size, unsigned q, unsigned u,
                                    unsigned scalar)
{
    return op | size << 8 | q << 10 | u << 11 | scalar << 12;
}

static inline unsigned neon_pack_regs(unsigned d, unsigned n, unsigned m)
{
    return d | n << 8 | m << 16;
}

#endif
