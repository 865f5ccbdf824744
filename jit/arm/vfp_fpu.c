/*
 * vfp_fpu.c: ARM floating-point semantics on top of the host's IEEE arithmetic. The host
 * (SSE on x86-64, <fenv.h> elsewhere) rounds the basic operations in the requested mode and
 * reports the IEEE flags; this file adds what differs on ARM: NaN selection and the
 * positive default NaN, flush-to-zero of inputs and results, underflow detected before
 * rounding, saturating conversions, half precision, and the NEON estimates.
 */
#include "jit/arm/vfp_fpu.h"

#include <math.h>
#include <string.h>

#if defined(__SSE2__)
#include <xmmintrin.h>
#else
#include <fenv.h>
#endif

/* ---- the host FPU ---- */

typedef enum host_op { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT } host_op;

#if defined(__SSE2__)
/* MXCSR rounding control for FPSCR.RMode (RN, RP, RM, RZ). */
static const unsigned mxcsr_rounding[4] = {0u << 13, 2u << 13, 1u << 13, 3u << 13};

static unsigned host_begin(unsigned rmode)
{
    unsigned old = _mm_getcsr();
    _mm_setcsr(0x1f80u | mxcsr_rounding[rmode & 3]);
    return old;
}

/* Flags raised since host_begin, as FPSCR bits. */
static unsigned host_end(unsigned old)
{
    unsigned csr = _mm_getcsr();
    _mm_setcsr(old);
    unsigned flags = 0;
    if (csr & 0x01) flags |= FPSCR_IOC;
    if (csr & 0x04) flags |= FPSCR_DZC;
    if (csr & 0x08) flags |= FPSCR_OFC;
    if (csr & 0x10) flags |= FPSCR_UFC;
    if (csr & 0x20) flags |= FPSCR_IXC;
    return flags;
}
#else
static const int fenv_rounding[4] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};

static unsigned host_begin(unsigned rmode)
{
    unsigned old = (unsigned)fegetround();
    fesetround(fenv_rounding[rmode & 3]);
    feclearexcept(FE_ALL_EXCEPT);
    return old;
}

static unsigned host_end(unsigned old)
{
    int raised = fetestexcept(FE_ALL_EXCEPT);
    fesetround((int)old);
    unsigned flags = 0;
    if (raised & FE_INVALID) flags |= FPSCR_IOC;
    if (raised & FE_DIVBYZERO) flags |= FPSCR_DZC;
    if (raised & FE_OVERFLOW) flags |= FPSCR_OFC;
    if (raised & FE_UNDERFLOW) flags |= FPSCR_UFC;
    if (raised & FE_INEXACT) flags |= FPSCR_IXC;
    return flags;
}
#endif

static float f32_of(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static uint32_t bits_of_f32(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, 4);
    return bits;
}

static double f64_of(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

static uint64_t bits_of_f64(double d)
{
    uint64_t bits;
    memcpy(&bits, &d, 8);
    return bits;
}

/* The operands go through volatile variables so that the compiler keeps the operation
 * between the control register writes. */
static uint32_t host_f32(host_op op, uint32_t a, uint32_t b, unsigned rmode, unsigned *flags)
{
    unsigned old = host_begin(rmode);
    volatile float va = f32_of(a), vb = f32_of(b);
    volatile float r;
    switch (op) {
    case OP_ADD: r = va + vb; break;
    case OP_SUB: r = va - vb; break;
    case OP_MUL: r = va * vb; break;
    case OP_DIV: r = va / vb; break;
    default: r = __builtin_sqrtf(va); break;
    }
    float result = r;
    *flags = host_end(old);
    return bits_of_f32(result);
}

static uint64_t host_f64(host_op op, uint64_t a, uint64_t b, unsigned rmode, unsigned *flags)
{
    unsigned old = host_begin(rmode);
    volatile double va = f64_of(a), vb = f64_of(b);
    volatile double r;
    switch (op) {
    case OP_ADD: r = va + vb; break;
    case OP_SUB: r = va - vb; break;
    case OP_MUL: r = va * vb; break;
    case OP_DIV: r = va / vb; break;
    default: r = __builtin_sqrt(va); break;
    }
    double result = r;
    *flags = host_end(old);
    return bits_of_f64(result);
}

static unsigned rmode_of(const arm_fp_env *e)
{
    return (e->mode >> FPSCR_RMODE_SHIFT) & 3;
}

/* ---- classification ---- */

static bool nan32(uint32_t a)
{
    return (a & 0x7fffffffu) > 0x7f800000u;
}

static bool snan32(uint32_t a)
{
    return nan32(a) && !(a & 0x00400000u);
}

static bool nan64(uint64_t a)
{
    return (a & 0x7fffffffffffffffull) > 0x7ff0000000000000ull;
}

static bool snan64(uint64_t a)
{
    return nan64(a) && !(a & 0x0008000000000000ull);
}

static bool denormal32(uint32_t a)
{
    return (a & 0x7f800000u) == 0 && (a & 0x007fffffu);
}

static bool denormal64(uint64_t a)
{
    return (a & 0x7ff0000000000000ull) == 0 && (a & 0x000fffffffffffffull);
}

/* FPUnpack's flush of denormal inputs in flush-to-zero mode. */
static uint32_t flush32(arm_fp_env *e, uint32_t a)
{
    if ((e->mode & FPSCR_FZ) && denormal32(a)) {
        e->flags |= FPSCR_IDC;
        return a & 0x80000000u;
    }
    return a;
}

static uint64_t flush64(arm_fp_env *e, uint64_t a)
{
    if ((e->mode & FPSCR_FZ) && denormal64(a)) {
        e->flags |= FPSCR_IDC;
        return a & 0x8000000000000000ull;
    }
    return a;
}

/* FPProcessNaN(s): the first signalling NaN, else the first quiet NaN, quietened; the
 * default NaN in DN mode. Returns false when no operand is a NaN. */
static bool process_nans32(arm_fp_env *e, uint32_t a, uint32_t b, bool two, uint32_t *out)
{
    uint32_t r;
    if (snan32(a))
        r = a;
    else if (two && snan32(b))
        r = b;
    else if (nan32(a))
        r = a;
    else if (two && nan32(b))
        r = b;
    else
        return false;
    if (snan32(r)) e->flags |= FPSCR_IOC;
    *out = (e->mode & FPSCR_DN) ? FP32_DEFAULT_NAN : r | 0x00400000u;
    return true;
}

static bool process_nans64(arm_fp_env *e, uint64_t a, uint64_t b, bool two, uint64_t *out)
{
    uint64_t r;
    if (snan64(a))
        r = a;
    else if (two && snan64(b))
        r = b;
    else if (nan64(a))
        r = a;
    else if (two && nan64(b))
        r = b;
    else
        return false;
    if (snan64(r)) e->flags |= FPSCR_IOC;
    *out = (e->mode & FPSCR_DN) ? FP64_DEFAULT_NAN : r | 0x0008000000000000ull;
    return true;
}

/* ---- the basic operations ---- */

static uint32_t arith32(arm_fp_env *e, host_op op, uint32_t a, uint32_t b)
{
    bool two = op != OP_SQRT;
    a = flush32(e, a);
    if (two) b = flush32(e, b);
    uint32_t r;
    if (process_nans32(e, a, b, two, &r)) return r;
    unsigned flags;
    r = host_f32(op, a, b, rmode_of(e), &flags);
    if (nan32(r)) {
        e->flags |= FPSCR_IOC;
        return FP32_DEFAULT_NAN;
    }
    uint32_t mag = r & 0x7fffffffu;
    bool tiny = mag < 0x00800000u && (flags & FPSCR_IXC);
    if (mag < 0x00800000u && mag != 0) tiny = true;
    if (!tiny && mag == 0x00800000u && (flags & FPSCR_IXC)) {
        /* Rounded up to the smallest normal: ARM detects tininess before rounding. */
        unsigned ignored;
        tiny = (host_f32(op, a, b, FP_ROUND_ZERO, &ignored) & 0x7fffffffu) < 0x00800000u;
        if (tiny && !(e->mode & FPSCR_FZ)) flags |= FPSCR_UFC;
    }
    if (tiny && (e->mode & FPSCR_FZ)) {
        e->flags |= FPSCR_UFC;
        return r & 0x80000000u;
    }
    e->flags |= flags;
    return r;
}

static uint64_t arith64(arm_fp_env *e, host_op op, uint64_t a, uint64_t b)
{
    bool two = op != OP_SQRT;
    a = flush64(e, a);
    if (two) b = flush64(e, b);
    uint64_t r;
    if (process_nans64(e, a, b, two, &r)) return r;
    unsigned flags;
    r = host_f64(op, a, b, rmode_of(e), &flags);
    if (nan64(r)) {
        e->flags |= FPSCR_IOC;
        return FP64_DEFAULT_NAN;
    }
    const uint64_t min_normal = 0x0010000000000000ull;
    uint64_t mag = r & 0x7fffffffffffffffull;
    bool tiny = mag < min_normal && (flags & FPSCR_IXC);
    if (mag < min_normal && mag != 0) tiny = true;
    if (!tiny && mag == min_normal && (flags & FPSCR_IXC)) {
        unsigned ignored;
        tiny = (host_f64(op, a, b, FP_ROUND_ZERO, &ignored) & 0x7fffffffffffffffull) < min_normal;
        if (tiny && !(e->mode & FPSCR_FZ)) flags |= FPSCR_UFC;
    }
    if (tiny && (e->mode & FPSCR_FZ)) {
        e->flags |= FPSCR_UFC;
        return r & 0x8000000000000000ull;
    }
    e->flags |= flags;
    return r;
}

uint32_t arm_fp32_add(arm_fp_env *e, uint32_t a, uint32_t b)
{
    return arith32(e, OP_ADD, a, b);
}

uint32_t arm_fp32_sub(arm_fp_env *e, uint32_t a, uint32_t b)
{
    return arith32(e, OP_SUB, a, b);
}

uint32_t arm_fp32_mul(arm_fp_env *e, uint32_t a, uint32_t b)
{
    return arith32(e, OP_MUL, a, b);
}

uint32_t arm_fp32_div(arm_fp_env *e, uint32_t a, uint32_t b)
{
    return arith32(e, OP_DIV, a, b);
}

uint32_t arm_fp32_sqrt(arm_fp_env *e, uint32_t a)
{
    return arith32(e, OP_SQRT, a, 0);
}

uint64_t arm_fp64_add(arm_fp_env *e, uint64_t a, uint64_t b)
{
    return arith64(e, OP_ADD, a, b);
}

uint64_t arm_fp64_sub(arm_fp_env *e, uint64_t a, uint64_t b)
{
    return arith64(e, OP_SUB, a, b);
}

uint64_t arm_fp64_mul(arm_fp_env *e, uint64_t a, uint64_t b)
{
    return arith64(e, OP_MUL, a, b);
}

uint64_t arm_fp64_div(arm_fp_env *e, uint64_t a, uint64_t b)
{
    return arith64(e, OP_DIV, a, b);
}

uint64_t arm_fp64_sqrt(arm_fp_env *e, uint64_t a)
{
    return arith64(e, OP_SQRT, a, 0);
}

/* ---- comparisons ---- */

static uint32_t nzcv_of(double a, double b)
{
    if (a == b) return 0x6u << 28;
    return a < b ? 0x8u << 28 : 0x2u << 28;
}

uint32_t arm_fp32_compare(arm_fp_env *e, uint32_t a, uint32_t b, bool quiet_nan_invalid)
{
    a = flush32(e, a);
    b = flush32(e, b);
    if (nan32(a) || nan32(b)) {
        if (quiet_nan_invalid || snan32(a) || snan32(b)) e->flags |= FPSCR_IOC;
        return 0x3u << 28;
    }
    return nzcv_of(f32_of(a), f32_of(b));
}

uint32_t arm_fp64_compare(arm_fp_env *e, uint64_t a, uint64_t b, bool quiet_nan_invalid)
{
    a = flush64(e, a);
    b = flush64(e, b);
    if (nan64(a) || nan64(b)) {
        if (quiet_nan_invalid || snan64(a) || snan64(b)) e->flags |= FPSCR_IOC;
        return 0x3u << 28;
    }
    return nzcv_of(f64_of(a), f64_of(b));
}

bool arm_fp32_eq(arm_fp_env *e, uint32_t a, uint32_t b)
{
    return arm_fp32_compare(e, a, b, false) == 0x6u << 28;
}

bool arm_fp32_ge(arm_fp_env *e, uint32_t a, uint32_t b)
{
    uint32_t nzcv = arm_fp32_compare(e, a, b, true) >> 28;
    return nzcv == 0x6 || nzcv == 0x2;
}

bool arm_fp32_gt(arm_fp_env *e, uint32_t a, uint32_t b)
{
    return arm_fp32_compare(e, a, b, true) == 0x2u << 28;
}

static uint32_t max_min32(arm_fp_env *e, uint32_t a, uint32_t b, bool max)
{
    a = flush32(e, a);
    b = flush32(e, b);
    uint32_t r;
    if (process_nans32(e, a, b, true, &r)) return r;
    if (((a | b) & 0x7fffffffu) == 0) /* two zeros: max is +0 unless both are -0 */
        return max ? (a & b) : (a | b);
    float fa = f32_of(a), fb = f32_of(b);
    return (max ? fa > fb : fa < fb) ? a : b;
}

uint32_t arm_fp32_max(arm_fp_env *e, uint32_t a, uint32_t b)
{
    return max_min32(e, a, b, true);
}

uint32_t arm_fp32_min(arm_fp_env *e, uint32_t a, uint32_t b)
{
    return max_min32(e, a, b, false);
}

/* ---- conversions between single and double ---- */

uint64_t arm_fp32_to_fp64(arm_fp_env *e, uint32_t a)
{
    a = flush32(e, a);
    if (nan32(a)) {
        if (snan32(a)) e->flags |= FPSCR_IOC;
        if (e->mode & FPSCR_DN) return FP64_DEFAULT_NAN;
        return (uint64_t)(a & 0x80000000u) << 32 | 0x7ff8000000000000ull |
               (uint64_t)(a & 0x003fffffu) << 29;
    }
    return bits_of_f64((double)f32_of(a)); /* exact */
}

uint32_t arm_fp64_to_fp32(arm_fp_env *e, uint64_t a)
{
    a = flush64(e, a);
    if (nan64(a)) {
        if (snan64(a)) e->flags |= FPSCR_IOC;
        if (e->mode & FPSCR_DN) return FP32_DEFAULT_NAN;
        return (uint32_t)(a >> 32) & 0x80000000u ? 0xffc00000u | (uint32_t)((a >> 29) & 0x3fffff)
                                                 : 0x7fc00000u | (uint32_t)((a >> 29) & 0x3fffff);
    }
    unsigned old = host_begin(rmode_of(e));
    volatile double va = f64_of(a);
    volatile float r = (float)va;
    float result = r;
    unsigned flags = host_end(old);
    uint32_t bits = bits_of_f32(result);
    uint32_t mag = bits & 0x7fffffffu;
    bool tiny = (mag < 0x00800000u && (mag != 0 || (flags & FPSCR_IXC)));
    if (!tiny && mag == 0x00800000u && (flags & FPSCR_IXC)) tiny = fabs(f64_of(a)) < 0x1p-126;
    if (tiny && (e->mode & FPSCR_FZ)) {
        e->flags |= FPSCR_UFC;
        return bits & 0x80000000u;
    }
    if (tiny && (flags & FPSCR_IXC)) flags |= FPSCR_UFC;
    e->flags |= flags;
    return bits;
}

/* ---- float to integer and fixed point ---- */

/* Rounds x (finite) to an integer value in the given mode. */
static double round_integral(double x, unsigned rmode)
{
    switch (rmode) {
    case FP_ROUND_ZERO: return trunc(x);
    case FP_ROUND_PLUS_INF: return ceil(x);
    case FP_ROUND_MINUS_INF: return floor(x);
    default: {
        double f = floor(x), diff = x - f;
        if (diff > 0.5) return f + 1;
        if (diff < 0.5) return f;
        return fmod(f, 2.0) == 0 ? f : f + 1;
    }
    }
}

/* value * 2^fbits (exact unless it overflows, which saturates anyway) to an integer of
 * `bits` bits; sets IOC on saturation and NaN, IXC when inexact. */
static uint32_t to_fixed(arm_fp_env *e, double value, bool is_nan, unsigned fbits, bool is_unsigned,
                         unsigned bits, bool round_zero)
{
    if (is_nan) {
        e->flags |= FPSCR_IOC;
        return 0;
    }
    double scaled = ldexp(value, (int)fbits);
    double r = round_integral(scaled, round_zero ? FP_ROUND_ZERO : rmode_of(e));
    double lo = is_unsigned ? 0 : -ldexp(1.0, (int)bits - 1);
    double hi = is_unsigned ? ldexp(1.0, (int)bits) - 1 : ldexp(1.0, (int)bits - 1) - 1;
    int64_t result;
    if (r < lo) {
        result = (int64_t)lo;
        e->flags |= FPSCR_IOC;
    } else if (r > hi) {
        result = (int64_t)hi;
        e->flags |= FPSCR_IOC;
    } else {
        result = (int64_t)r;
        if (r != scaled) e->flags |= FPSCR_IXC;
    }
    return (uint32_t)result; /* 16-bit values come out sign- or zero-extended */
}

uint32_t arm_fp32_to_fixed(arm_fp_env *e, uint32_t a, unsigned fbits, bool is_unsigned,
                           unsigned bits, bool round_zero)
{
    a = flush32(e, a);
    return to_fixed(e, f32_of(a), nan32(a), fbits, is_unsigned, bits, round_zero);
}

uint32_t arm_fp64_to_fixed(arm_fp_env *e, uint64_t a, unsigned fbits, bool is_unsigned,
                           unsigned bits, bool round_zero)
{
    a = flush64(e, a);
    return to_fixed(e, f64_of(a), nan64(a), fbits, is_unsigned, bits, round_zero);
}

static int64_t fixed_value(uint32_t v, bool is_unsigned, unsigned bits)
{
    if (bits == 16) return is_unsigned ? (int64_t)(uint16_t)v : (int64_t)(int16_t)v;
    return is_unsigned ? (int64_t)v : (int64_t)(int32_t)v;
}

uint32_t arm_fixed_to_fp32(arm_fp_env *e, uint32_t v, unsigned fbits, bool is_unsigned,
                           unsigned bits)
{
    int64_t x = fixed_value(v, is_unsigned, bits);
    unsigned old = host_begin(rmode_of(e));
    volatile int64_t vx = x;
    volatile float r = (float)vx;
    float result = r;
    e->flags |= host_end(old) & FPSCR_IXC;
    /* Scaling by a power of two is exact: the smallest result, 2^-32, is normal. */
    return bits_of_f32(ldexpf(result, -(int)fbits));
}

uint64_t arm_fixed_to_fp64(arm_fp_env *e, uint32_t v, unsigned fbits, bool is_unsigned,
                           unsigned bits)
{
    (void)e;
    return bits_of_f64(ldexp((double)fixed_value(v, is_unsigned, bits), -(int)fbits));
}

/* ---- half precision ---- */

uint32_t arm_fp16_to_fp32(arm_fp_env *e, uint32_t h)
{
    uint32_t sign = (h & 0x8000u) << 16;
    unsigned exp = (h >> 10) & 31, frac = h & 0x3ffu;
    bool ahp = e->mode & FPSCR_AHP;
    if (exp == 31 && !ahp) {
        if (frac == 0) return sign | 0x7f800000u;
        if (!(frac & 0x200)) e->flags |= FPSCR_IOC;
        if (e->mode & FPSCR_DN) return FP32_DEFAULT_NAN;
        return sign | 0x7fc00000u | frac << 13;
    }
    if (exp == 0) {
        if (frac == 0) return sign;
        /* A denormal half is a normal single: value = frac * 2^-24. */
        float f = ldexpf((float)frac, -24);
        return sign | bits_of_f32(f);
    }
    return sign | (exp + 112) << 23 | frac << 13;
}

uint32_t arm_fp32_to_fp16(arm_fp_env *e, uint32_t a)
{
    bool ahp = e->mode & FPSCR_AHP;
    a = flush32(e, a);
    uint32_t sign = (a >> 16) & 0x8000u;
    if (nan32(a)) {
        e->flags |= (snan32(a) || ahp) ? FPSCR_IOC : 0;
        if (ahp) return sign;
        if (e->mode & FPSCR_DN) return 0x7e00u;
        return sign | 0x7e00u | ((a >> 13) & 0x3ffu);
    }
    if ((a & 0x7fffffffu) == 0x7f800000u) {
        if (!ahp) return sign | 0x7c00u;
        e->flags |= FPSCR_IOC;
        return sign | 0x7fffu;
    }
    if ((a & 0x7fffffffu) == 0) return sign;
    /* value = mant * 2^(exp): round to 11 significant bits (or the denormal quantum). */
    unsigned exp_field = (a >> 23) & 0xff;
    uint64_t mant = a & 0x7fffffu;
    int exp;
    if (exp_field == 0) {
        exp = -149;
    } else {
        mant |= 0x800000u;
        exp = (int)exp_field - 150;
    }
    int top = 63 - __builtin_clzll(mant);
    int e_unbiased = top + exp;
    int quantum = e_unbiased < -14 ? -24 : e_unbiased - 10;
    int shift = quantum - exp;
    uint64_t sig, rem = 0, half = 0;
    if (shift <= 0) {
        sig = mant << -shift;
    } else if (shift >= 63) {
        sig = 0;
        rem = 1; /* below half of the quantum */
        half = 2;
    } else {
        sig = mant >> shift;
        rem = mant & ((1ull << shift) - 1);
        half = 1ull << (shift - 1);
    }
    bool negative = sign != 0;
    switch (rmode_of(e)) {
    case FP_ROUND_NEAREST:
        if (rem > half || (rem == half && rem && (sig & 1))) sig++;
        break;
    case FP_ROUND_PLUS_INF:
        if (rem && !negative) sig++;
        break;
    case FP_ROUND_MINUS_INF:
        if (rem && negative) sig++;
        break;
    default: break;
    }
    if (rem) {
        e->flags |= FPSCR_IXC;
        if (e_unbiased < -14) e->flags |= FPSCR_UFC;
    }
    if (sig >= 0x800) {
        sig >>= 1;
        quantum++;
    }
    if (sig < 0x400) return sign | (uint32_t)sig; /* denormal or zero */
    int biased = quantum + 10 + 15;
    if (biased > (ahp ? 31 : 30)) {
        if (ahp) {
            e->flags = (e->flags & ~(uint32_t)FPSCR_IXC) | FPSCR_IOC;
            return sign | 0x7fffu;
        }
        e->flags |= FPSCR_OFC | FPSCR_IXC;
        unsigned rm = rmode_of(e);
        bool to_inf = rm == FP_ROUND_NEAREST || (rm == FP_ROUND_PLUS_INF && !negative) ||
                      (rm == FP_ROUND_MINUS_INF && negative);
        return sign | (to_inf ? 0x7c00u : 0x7bffu);
    }
    return sign | (uint32_t)biased << 10 | (uint32_t)(sig & 0x3ff);
}

/* ---- NEON estimates ---- */

/* a in [256, 511] (0.5 <= a/512 < 1): an 8-bit-accurate 1/a, as 256..511. */
static unsigned recip_estimate(unsigned a)
{
    a = a * 2 + 1;
    unsigned b = (1u << 19) / a;
    return (b + 1) >> 1;
}

/* a in [128, 511] (0.25 <= a/512 < 1): an 8-bit-accurate 1/sqrt, as 256..511. */
static unsigned rsqrt_estimate(unsigned a)
{
    /* The input rounded to the middle of its interval, in units of 1/1024. */
    if (a < 256)
        a = a * 2 + 1;
    else
        a = ((a >> 1) << 1) * 2 + 2;
    unsigned b = 512;
    while ((uint64_t)a * (b + 1) * (b + 1) < (1ull << 28))
        b++;
    return (b + 1) / 2;
}

uint32_t arm_fp32_recip_estimate(arm_fp_env *e, uint32_t a)
{
    a = flush32(e, a);
    uint32_t r, sign = a & 0x80000000u;
    if (process_nans32(e, a, 0, false, &r)) return r;
    uint32_t mag = a & 0x7fffffffu;
    if (mag == 0x7f800000u) return sign;
    if (mag == 0) {
        e->flags |= FPSCR_DZC;
        return sign | 0x7f800000u;
    }
    unsigned exp = mag >> 23;
    if (exp >= 253) { /* |a| >= 2^126: the reciprocal underflows */
        e->flags |= FPSCR_UFC;
        return sign;
    }
    unsigned estimate = recip_estimate(256 + ((a >> 15) & 0xff));
    int result_exp = 253 - (int)exp;
    uint32_t fraction = (estimate & 0xff) << 15;
    if (result_exp == 0) {
        fraction = 0x400000u | fraction >> 1;
    } else if (result_exp == -1) {
        fraction = 0x200000u | fraction >> 2;
        result_exp = 0;
    }
    return sign | (uint32_t)result_exp << 23 | fraction;
}

uint32_t arm_fp32_rsqrt_estimate(arm_fp_env *e, uint32_t a)
{
    a = flush32(e, a);
    uint32_t r;
    if (process_nans32(e, a, 0, false, &r)) return r;
    uint32_t mag = a & 0x7fffffffu;
    if (mag == 0) {
        e->flags |= FPSCR_DZC;
        return (a & 0x80000000u) | 0x7f800000u;
    }
    if (a & 0x80000000u) {
        e->flags |= FPSCR_IOC;
        return FP32_DEFAULT_NAN;
    }
    if (mag == 0x7f800000u) return 0;
    unsigned exp = mag >> 23;
    unsigned scaled = (exp & 1) ? 128 + ((a >> 16) & 0x7f) : 256 + ((a >> 15) & 0xff);
    unsigned result_exp = (380 - exp) / 2;
    unsigned estimate = rsqrt_estimate(scaled);
    return result_exp << 23 | (estimate & 0xff) << 15;
}

uint32_t arm_u32_recip_estimate(uint32_t a)
{
    if (!(a & 0x80000000u)) return 0xffffffffu;
    return recip_estimate(a >> 23) << 23;
}

uint32_t arm_u32_rsqrt_estimate(uint32_t a)
{
    if (!(a & 0xc0000000u)) return 0xffffffffu;
    return rsqrt_estimate(a >> 23) << 23;
}

static bool is_inf32(uint32_t a)
{
    return (a & 0x7fffffffu) == 0x7f800000u;
}

static bool is_zero32(uint32_t a)
{
    return (a & 0x7fffffffu) == 0;
}

uint32_t arm_fp32_recip_step(arm_fp_env *e, uint32_t a, uint32_t b)
{
    a = flush32(e, a);
    b = flush32(e, b);
    uint32_t r;
    if (process_nans32(e, a, b, true, &r)) return r;
    if ((is_inf32(a) && is_zero32(b)) || (is_zero32(a) && is_inf32(b))) return 0x40000000u;
    return arm_fp32_sub(e, 0x40000000u, arm_fp32_mul(e, a, b)); /* 2 - a * b */
}

uint32_t arm_fp32_rsqrt_step(arm_fp_env *e, uint32_t a, uint32_t b)
{
    a = flush32(e, a);
    b = flush32(e, b);
    uint32_t r;
    if (process_nans32(e, a, b, true, &r)) return r;
    if ((is_inf32(a) && is_zero32(b)) || (is_zero32(a) && is_inf32(b))) return 0x3fc00000u;
    uint32_t diff = arm_fp32_sub(e, 0x40400000u, arm_fp32_mul(e, a, b)); /* (3 - a * b) / 2 */
    return arm_fp32_mul(e, diff, 0x3f000000u);
}
