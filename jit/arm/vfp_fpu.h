/*
 * vfp_fpu.h: IEEE 754 single and double precision arithmetic with the ARM VFP rules, for
 * the VFP and NEON helpers: rounding from FPSCR.RMode, flush-to-zero (FPSCR.FZ: denormal
 * inputs become zero with IDC, tiny results become zero with UFC, tininess detected before
 * rounding), default NaN (FPSCR.DN) and ARM's NaN propagation (first signalling NaN, then
 * first quiet NaN, quietened), the cumulative exception flags, ARM's saturating float to
 * integer conversions, half precision, and the reciprocal (square root) estimates and
 * steps of NEON. Values are raw bit patterns.
 */
#ifndef BB_ARM_VFP_FPU_H
#define BB_ARM_VFP_FPU_H

#include <stdbool.h>
#include <stdint.h>

/* FPSCR fields. */
#define FPSCR_IOC         (1u << 0)
#define FPSCR_DZC         (1u << 1)
#define FPSCR_OFC         (1u << 2)
#define FPSCR_UFC         (1u << 3)
#define FPSCR_IXC         (1u << 4)
#define FPSCR_IDC         (1u << 7)
#define FPSCR_QC          (1u << 27)
#define FPSCR_RMODE_SHIFT 22
#define FPSCR_FZ          (1u << 24)
#define FPSCR_DN          (1u << 25)
#define FPSCR_AHP         (1u << 26)
#define FPSCR_FLAGS       0x9fu

enum { FP_ROUND_NEAREST, FP_ROUND_PLUS_INF, FP_ROUND_MINUS_INF, FP_ROUND_ZERO };

/* The controls of one operation and the exception flags it raises (FPSCR bit positions). */
typedef struct arm_fp_env {
    uint32_t mode;  /* FPSCR (RMode, FZ, DN, AHP are used) */
    uint32_t flags; /* raised flags: FPSCR_IOC ... FPSCR_IDC */
} arm_fp_env;

/* NEON's standard FPSCR value: round to nearest, flush-to-zero and default NaN. */
#define FPSCR_STANDARD (FPSCR_FZ | FPSCR_DN)

#define FP32_DEFAULT_NAN 0x7fc00000u
#define FP64_DEFAULT_NAN 0x7ff8000000000000ull

uint32_t arm_fp32_add(arm_fp_env *e, uint32_t a, uint32_t b);
uint32_t arm_fp32_sub(arm_fp_env *e, uint32_t a, uint32_t b);
uint32_t arm_fp32_mul(arm_fp_env *e, uint32_t a, uint32_t b);
uint32_t arm_fp32_div(arm_fp_env *e, uint32_t a, uint32_t b);
uint32_t arm_fp32_sqrt(arm_fp_env *e, uint32_t a);
uint64_t arm_fp64_add(arm_fp_env *e, uint64_t a, uint64_t b);
uint64_t arm_fp64_sub(arm_fp_env *e, uint64_t a, uint64_t b);
uint64_t arm_fp64_mul(arm_fp_env *e, uint64_t a, uint64_t b);
uint64_t arm_fp64_div(arm_fp_env *e, uint64_t a, uint64_t b);
uint64_t arm_fp64_sqrt(arm_fp_env *e, uint64_t a);

/* Comparison as VCMP sets FPSCR.NZCV (bits 31-28 of the result): equal 0110, less 1000,
 * greater 0010, unordered 0011. `quiet_nan_invalid`: VCMPE (any NaN raises IOC). */
uint32_t arm_fp32_compare(arm_fp_env *e, uint32_t a, uint32_t b, bool quiet_nan_invalid);
uint32_t arm_fp64_compare(arm_fp_env *e, uint64_t a, uint64_t b, bool quiet_nan_invalid);
/* NEON comparisons and max/min (standard FPSCR): true when a >= b, a > b, a == b. */
bool arm_fp32_ge(arm_fp_env *e, uint32_t a, uint32_t b);
bool arm_fp32_gt(arm_fp_env *e, uint32_t a, uint32_t b);
bool arm_fp32_eq(arm_fp_env *e, uint32_t a, uint32_t b);
uint32_t arm_fp32_max(arm_fp_env *e, uint32_t a, uint32_t b);
uint32_t arm_fp32_min(arm_fp_env *e, uint32_t a, uint32_t b);

/* Conversions. */
uint64_t arm_fp32_to_fp64(arm_fp_env *e, uint32_t a);
uint32_t arm_fp64_to_fp32(arm_fp_env *e, uint64_t a);
/* Float to a signed or unsigned integer of `bits` (16 or 32) with `fbits` fraction bits,
 * rounding toward zero or with the mode's rounding; saturates (IOC) and NaN gives 0 (IOC).
 * The result is sign- or zero-extended to 32 bits. */
uint32_t arm_fp32_to_fixed(arm_fp_env *e, uint32_t a, unsigned fbits, bool is_unsigned,
                           unsigned bits, bool round_zero);
uint32_t arm_fp64_to_fixed(arm_fp_env *e, uint64_t a, unsigned fbits, bool is_unsigned,
                           unsigned bits, bool round_zero);
/* Integer (the low `bits` bits of v, 16 or 32) with `fbits` fraction bits to float, with
 * the mode's rounding. */
uint32_t arm_fixed_to_fp32(arm_fp_env *e, uint32_t v, unsigned fbits, bool is_unsigned,
                           unsigned bits);
uint64_t arm_fixed_to_fp64(arm_fp_env *e, uint32_t v, unsigned fbits, bool is_unsigned,
                           unsigned bits);
/* Half precision (IEEE, or ARM's alternative format when FPSCR.AHP is set). */
uint32_t arm_fp16_to_fp32(arm_fp_env *e, uint32_t h);
uint32_t arm_fp32_to_fp16(arm_fp_env *e, uint32_t a);

/* NEON estimates and Newton-Raphson steps (standard FPSCR). */
uint32_t arm_fp32_recip_estimate(arm_fp_env *e, uint32_t a);
uint32_t arm_fp32_rsqrt_estimate(arm_fp_env *e, uint32_t a);
uint32_t arm_u32_recip_estimate(uint32_t a);
uint32_t arm_u32_rsqrt_estimate(uint32_t a);
uint32_t arm_fp32_recip_step(arm_fp_env *e, uint32_t a, uint32_t b);
uint32_t arm_fp32_rsqrt_step(arm_fp_env *e, uint32_t a, uint32_t b);

#endif
