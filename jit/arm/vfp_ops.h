/*
 * vfp_ops.h: how translate_vfp.c asks the VFP helper (vfp_helpers.c) for an operation: the
 * operation codes and the packing of the helper's two arguments. Internal to the ARM
 * front-end.
 *
 *   a = op | dp << 6 | aux << 8     (aux: VFP_AUX_* flags and fraction bits << 12)
 *   b = d | n << 8 | m << 16        (register numbers: Sn for single, Dn for double; the
 *                                    integer operand or result of a conversion is an S
 *                                    register, the fixed-point one is d itself)
 */
#ifndef BB_ARM_VFP_OPS_H
#define BB_ARM_VFP_OPS_H

enum vfp_op {
    VFP_ADD,
    VFP_SUB,
    VFP_MUL,
    VFP_NMUL,
    VFP_DIV,
    VFP_MLA,     /* d = d + n * m */
    VFP_MLS,     /* d = d - n * m */
    VFP_NMLA,    /* d = -d - n * m */
    VFP_NMLS,    /* d = -d + n * m */
    VFP_SQRT,    /* d = sqrt(m) */
    VFP_CMP,     /* FPSCR.NZCV = compare(d, m or 0) */
    VFP_CVT_FP,  /* double to single (dp: source is double) or single to double */
    VFP_CVT_I2F, /* integer Sm to float d */
    VFP_CVT_F2I, /* float m to integer Sd */
    VFP_CVT_X2F, /* fixed point d to float d */
    VFP_CVT_F2X, /* float d to fixed point d */
    VFP_CVT_H2S, /* half in Sm (VFP_AUX_TOP: high half) to single Sd */
    VFP_CVT_S2H, /* single Sm to half in Sd (VFP_AUX_TOP: high half; the other kept) */
};

enum {
    VFP_AUX_UNSIGNED = 1u << 0,   /* conversions */
    VFP_AUX_ROUND_ZERO = 1u << 1, /* float to integer: VCVT (else VCVTR: FPSCR rounding) */
    VFP_AUX_BITS32 = 1u << 2,     /* fixed point: 32-bit (else 16-bit) */
    VFP_AUX_TOP = 1u << 1,        /* half precision: the top half */
    VFP_AUX_ZERO = 1u << 0,       /* compare with zero */
    VFP_AUX_E = 1u << 1,          /* VCMPE: quiet NaNs are invalid too */
};
#define VFP_AUX_FBITS_SHIFT 4

static inline unsigned vfp_pack_op(unsigned op, unsigned dp, unsigned aux)
{
    return op | dp << 6 | aux << 8;
}

static inline unsigned vfp_pack_regs(unsigned d, unsigned n, unsigned m)
{
    return d | n << 8 | m << 16;
}

#endif
