/*
 * neon_helpers.c: the Advanced SIMD data-processing operations, called by generated code
 * with the operation decoded at translation time (neon_ops.h). Every operation reads its
 * source registers into local vectors before writing the destination, so registers may
 * overlap. Integer saturation sets FPSCR.QC; single-precision arithmetic uses the standard
 * FPSCR value (round to nearest, flush-to-zero, default NaN; AHP from FPSCR) and adds its
 * exception flags to FPSCR. The D registers are stored little-endian (hosts are).
 */
#include <string.h>

#include "jit/arm/neon_ops.h"
#include "jit/arm/v7.h"
#include "jit/arm/vfp_fpu.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

typedef struct neon_args {
    bb_arm_cpu *c;
    unsigned op, size, q, u, scalar;
    unsigned d, n, m;
    uint32_t imm;
    arm_fp_env fp;
} neon_args;

/* Up to four D registers as bytes. */
typedef struct vec {
    uint8_t b[32];
} vec;

static uint64_t get_u(const vec *v, unsigned i, unsigned size)
{
    uint64_t x = 0;
    memcpy(&x, v->b + (i << size), 1u << size);
    return x;
}

/* v << n as two's complement bits (a left shift of a negative signed value is undefined
 * in C). */
static i128 shift_left(i128 v, unsigned n)
{
    return (i128)((u128)v << n);
}

static i128 sext(uint64_t x, unsigned size)
{
    unsigned bits = 8u << size;
    if (bits == 64) return (i128)(int64_t)x;
    uint64_t sign = 1ull << (bits - 1);
    x &= (sign << 1) - 1;
    return (i128)(int64_t)((x ^ sign) - sign);
}

/* Element i as a number: signed or unsigned. */
static i128 get_v(const vec *v, unsigned i, unsigned size, bool is_signed)
{
    uint64_t x = get_u(v, i, size);
    return is_signed ? sext(x, size) : (i128)x;
}

static void put(vec *v, unsigned i, unsigned size, uint64_t x)
{
    memcpy(v->b + (i << size), &x, 1u << size);
}

static void load(const bb_arm_cpu *c, unsigned reg, unsigned count, vec *v)
{
    memcpy(v->b, &c->vfp.d[reg], 8u * count);
}

static void store(bb_arm_cpu *c, unsigned reg, unsigned count, const vec *v)
{
    memcpy(&c->vfp.d[reg], v->b, 8u * count);
}

static unsigned regs_of(const neon_args *a)
{
    return a->q ? 2 : 1;
}

/* ---- saturation and shifts ---- */

static uint64_t saturate(neon_args *a, i128 v, unsigned size, bool is_signed)
{
    unsigned bits = 8u << size;
    i128 max, min;
    if (is_signed) {
        max = ((i128)1 << (bits - 1)) - 1;
        min = -max - 1;
    } else {
        max = ((i128)1 << bits) - 1;
        min = 0;
    }
    if (v > max) {
        a->c->vfp.fpscr |= FPSCR_QC;
        return (uint64_t)max;
    }
    if (v < min) {
        a->c->vfp.fpscr |= FPSCR_QC;
        return (uint64_t)min;
    }
    return (uint64_t)v;
}

/* v shifted left by `shift` (right when negative), as VSHL, VRSHL, VQSHL, VQRSHL do. The
 * saturating forms saturate to `out_signed` (VQSHLU: a signed value to an unsigned range). */
static uint64_t shift_value(neon_args *a, i128 v, int shift, unsigned size, bool round,
                            bool saturating, bool out_signed)
{
    unsigned bits = 8u << size;
    if (shift >= 0) {
        if (!saturating) return shift >= (int)bits ? 0 : (uint64_t)shift_left(v, (unsigned)shift);
        if (v == 0) return 0;
        if (shift >= (int)bits)
            return saturate(a, v < 0 ? -((i128)1 << 100) : (i128)1 << 100, size, out_signed);
        return saturate(a, shift_left(v, (unsigned)shift), size, out_signed);
    }
    int s = -shift;
    i128 r;
    if (round)
        r = s > (int)bits ? 0 : (v + ((i128)1 << (s - 1))) >> s;
    else
        r = s >= (int)bits ? (v < 0 ? -1 : 0) : v >> s;
    return saturating ? saturate(a, r, size, out_signed) : (uint64_t)r;
}

static i128 abs128(i128 v)
{
    return v < 0 ? -v : v;
}

/* Carry-less multiplication of two bytes (16-bit product). */
static uint64_t poly_mul8(uint64_t x, uint64_t y)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 8; i++)
        if (y & (1u << i)) r ^= x << i;
    return r;
}

/* ---- three registers of the same length ---- */

static uint64_t int_same(neon_args *a, uint64_t un, uint64_t um, uint64_t ud)
{
    unsigned size = a->size, bits = 8u << size;
    /* U selects unsigned arithmetic, except for VQRDMULH (signed, U selects rounding). */
    bool s = !a->u || a->op == N_VQRDMULH;
    i128 n = s ? sext(un, size) : (i128)un, m = s ? sext(um, size) : (i128)um;
    uint64_t ones = ~0ull;
    switch (a->op) {
    case N_VHADD: return (uint64_t)((n + m) >> 1);
    case N_VRHADD: return (uint64_t)((n + m + 1) >> 1);
    case N_VHSUB: return (uint64_t)((n - m) >> 1);
    case N_VQADD: return saturate(a, n + m, size, s);
    case N_VQSUB: return saturate(a, n - m, size, s);
    case N_VCGT: return n > m ? ones : 0;
    case N_VCGE: return n >= m ? ones : 0;
    case N_VSHL: return shift_value(a, n, (int8_t)um, size, false, false, s);
    case N_VRSHL: return shift_value(a, n, (int8_t)um, size, true, false, s);
    case N_VQSHL: return shift_value(a, n, (int8_t)um, size, false, true, s);
    case N_VQRSHL: return shift_value(a, n, (int8_t)um, size, true, true, s);
    case N_VMAX:
    case N_VPMAX: return (uint64_t)(n > m ? n : m);
    case N_VMIN:
    case N_VPMIN: return (uint64_t)(n < m ? n : m);
    case N_VABD: return (uint64_t)abs128(n - m);
    case N_VABA: return ud + (uint64_t)abs128(n - m);
    case N_VADD:
    case N_VPADD: return un + um;
    case N_VSUB: return un - um;
    case N_VTST: return (un & um) ? ones : 0;
    case N_VCEQ: return un == um ? ones : 0;
    case N_VMLA: return ud + un * um;
    case N_VMLS: return ud - un * um;
    case N_VMUL: return un * um;
    case N_VMULP: return poly_mul8(un, um);
    case N_VQDMULH: return saturate(a, (2 * n * m) >> bits, size, true);
    case N_VQRDMULH: return saturate(a, (2 * n * m + ((i128)1 << (bits - 1))) >> bits, size, true);
    }
    return 0;
}

static uint32_t float_same(neon_args *a, uint32_t n, uint32_t m, uint32_t d)
{
    arm_fp_env *e = &a->fp;
    switch (a->op) {
    case N_FADD:
    case N_FPADD: return arm_fp32_add(e, n, m);
    case N_FSUB: return arm_fp32_sub(e, n, m);
    case N_FABD: return arm_fp32_sub(e, n, m) & 0x7fffffffu;
    case N_FMLA: return arm_fp32_add(e, d, arm_fp32_mul(e, n, m));
    case N_FMLS: return arm_fp32_sub(e, d, arm_fp32_mul(e, n, m));
    case N_FMUL: return arm_fp32_mul(e, n, m);
    case N_FCEQ: return arm_fp32_eq(e, n, m) ? ~0u : 0;
    case N_FCGE: return arm_fp32_ge(e, n, m) ? ~0u : 0;
    case N_FCGT: return arm_fp32_gt(e, n, m) ? ~0u : 0;
    case N_FACGE: return arm_fp32_ge(e, n & 0x7fffffffu, m & 0x7fffffffu) ? ~0u : 0;
    case N_FACGT: return arm_fp32_gt(e, n & 0x7fffffffu, m & 0x7fffffffu) ? ~0u : 0;
    case N_FMAX:
    case N_FPMAX: return arm_fp32_max(e, n, m);
    case N_FMIN:
    case N_FPMIN: return arm_fp32_min(e, n, m);
    case N_FRECPS: return arm_fp32_recip_step(e, n, m);
    case N_FRSQRTS: return arm_fp32_rsqrt_step(e, n, m);
    }
    return 0;
}

static bool is_float_op(unsigned op)
{
    return op >= N_FADD && op <= N_FRSQRTS;
}

static bool is_pairwise(unsigned op)
{
    return op == N_VPMAX || op == N_VPMIN || op == N_VPADD || op == N_FPADD || op == N_FPMAX ||
           op == N_FPMIN;
}

static uint64_t same_elem(neon_args *a, uint64_t n, uint64_t m, uint64_t d)
{
    return is_float_op(a->op) ? float_same(a, (uint32_t)n, (uint32_t)m, (uint32_t)d)
                              : int_same(a, n, m, d);
}

/* The m operand: Dm (Qm), or the scalar Dm[imm] repeated. */
static void load_m(neon_args *a, vec *m)
{
    if (!a->scalar) {
        load(a->c, a->m, regs_of(a), m);
        return;
    }
    vec reg;
    load(a->c, a->m, 1, &reg);
    uint64_t x = get_u(&reg, a->imm, a->size);
    for (unsigned i = 0; i < (16u >> a->size); i++)
        put(m, i, a->size, x);
}

static void bitwise(neon_args *a)
{
    bb_arm_cpu *c = a->c;
    for (unsigned i = 0; i < regs_of(a); i++) {
        uint64_t n = c->vfp.d[a->n + i], m = c->vfp.d[a->m + i], d = c->vfp.d[a->d + i];
        uint64_t r;
        switch (a->op) {
        case N_VAND: r = n & m; break;
        case N_VBIC: r = n & ~m; break;
        case N_VORR: r = n | m; break;
        case N_VORN: r = n | ~m; break;
        case N_VEOR: r = n ^ m; break;
        case N_VBSL: r = (d & n) | (~d & m); break;
        case N_VBIT: r = (n & m) | (d & ~m); break;
        default: r = (d & m) | (n & ~m); break; /* VBIF */
        }
        c->vfp.d[a->d + i] = r;
    }
}

static void three_same(neon_args *a)
{
    if (a->op >= N_VAND && a->op <= N_VBIF) {
        bitwise(a);
        return;
    }
    vec n, m, d, r;
    unsigned regs = regs_of(a), count = (8 * regs) >> a->size;
    load(a->c, a->n, regs, &n);
    load_m(a, &m);
    load(a->c, a->d, regs, &d);
    if (is_pairwise(a->op)) { /* D registers only: pairs of n, then pairs of m */
        for (unsigned i = 0; i < count; i++) {
            const vec *src = i < count / 2 ? &n : &m;
            unsigned j = (i % (count / 2)) * 2;
            put(&r, i, a->size,
                same_elem(a, get_u(src, j, a->size), get_u(src, j + 1, a->size), 0));
        }
    } else {
        for (unsigned i = 0; i < count; i++)
            put(&r, i, a->size,
                same_elem(a, get_u(&n, i, a->size), get_u(&m, i, a->size), get_u(&d, i, a->size)));
    }
    store(a->c, a->d, regs, &r);
}

/* ---- shifts by an immediate ---- */

static uint64_t shift_elem(neon_args *a, uint64_t um, uint64_t ud)
{
    unsigned size = a->size, bits = 8u << size;
    int sh = (int)a->imm;
    bool s = !a->u;
    i128 m = s ? sext(um, size) : (i128)um;
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    switch (a->op) {
    case N_VSHR: return shift_value(a, m, -sh, size, false, false, s);
    case N_VSRA: return ud + shift_value(a, m, -sh, size, false, false, s);
    case N_VRSHR: return shift_value(a, m, -sh, size, true, false, s);
    case N_VRSRA: return ud + shift_value(a, m, -sh, size, true, false, s);
    case N_VSRI: {
        if (sh >= (int)bits) return ud;
        uint64_t keep = ~(mask >> sh);
        return (ud & keep) | ((um & mask) >> sh);
    }
    case N_VSHLI: return um << sh;
    case N_VSLI: {
        uint64_t keep = ~(mask << sh);
        return (ud & keep) | (um << sh);
    }
    case N_VQSHLI: return shift_value(a, m, sh, size, false, true, s);
    case N_VQSHLUI: return shift_value(a, sext(um, size), sh, size, false, true, false);
    }
    return 0;
}

/* Narrowing right shifts: source elements of size + 1 shifted right by imm (1 .. esize),
 * results of size, truncated or saturated. */
static uint64_t narrow_elem(neon_args *a, uint64_t um)
{
    unsigned wide = a->size + 1, sh = a->imm;
    bool round = a->op == N_VRSHRN || a->op == N_VQRSHRN || a->op == N_VQRSHRUN;
    bool signed_in = (a->op == N_VQSHRN || a->op == N_VQRSHRN)
                         ? !a->u
                         : (a->op == N_VQSHRUN || a->op == N_VQRSHRUN);
    i128 v = signed_in ? sext(um, wide) : (i128)um;
    if (round) v += (i128)1 << (sh - 1);
    v >>= sh;
    switch (a->op) {
    case N_VQSHRN:
    case N_VQRSHRN: return saturate(a, v, a->size, !a->u);
    case N_VQSHRUN:
    case N_VQRSHRUN: return saturate(a, v, a->size, false);
    default: return (uint64_t)v;
    }
}

static void shift_immediate(neon_args *a)
{
    vec m, d, r;
    if (a->op >= N_VSHRN && a->op <= N_VQRSHRUN) { /* Qm to Dd */
        load(a->c, a->m, 2, &m);
        for (unsigned i = 0; i < (8u >> a->size); i++)
            put(&r, i, a->size, narrow_elem(a, get_u(&m, i, a->size + 1)));
        store(a->c, a->d, 1, &r);
        return;
    }
    if (a->op == N_VSHLL) { /* Dm to Qd */
        load(a->c, a->m, 1, &m);
        for (unsigned i = 0; i < (8u >> a->size); i++) {
            i128 v = get_v(&m, i, a->size, !a->u);
            put(&r, i, a->size + 1, (uint64_t)shift_left(v, a->imm));
        }
        store(a->c, a->d, 2, &r);
        return;
    }
    unsigned regs = regs_of(a), count = (8 * regs) >> a->size;
    load(a->c, a->m, regs, &m);
    load(a->c, a->d, regs, &d);
    for (unsigned i = 0; i < count; i++) {
        uint64_t x = get_u(&m, i, a->size);
        uint64_t v;
        if (a->op == N_VCVT_X2F) {
            arm_fp_env e = {FPSCR_STANDARD, 0};
            v = arm_fixed_to_fp32(&e, (uint32_t)x, a->imm, a->u, 32);
            a->fp.flags |= e.flags;
        } else if (a->op == N_VCVT_F2X) {
            v = arm_fp32_to_fixed(&a->fp, (uint32_t)x, a->imm, a->u, 32, true);
        } else {
            v = shift_elem(a, x, get_u(&d, i, a->size));
        }
        put(&r, i, a->size, v);
    }
    store(a->c, a->d, regs, &r);
}

/* ---- three registers of different lengths ---- */

static void different(neon_args *a)
{
    unsigned size = a->size, wide = size + 1, bits = 8u << size;
    unsigned count = 8u >> size;
    bool s = !a->u;
    vec n, m, d, r;
    bool wide_n = a->op == N_VADDW || a->op == N_VSUBW || (a->op >= N_VADDHN && a->op <= N_VRSUBHN);
    bool wide_m = a->op >= N_VADDHN && a->op <= N_VRSUBHN;
    load(a->c, a->n, wide_n ? 2 : 1, &n);
    if (wide_m)
        load(a->c, a->m, 2, &m);
    else
        load_m(a, &m);
    load(a->c, a->d, 2, &d);
    for (unsigned i = 0; i < count; i++) {
        i128 vn = wide_n ? get_v(&n, i, wide, s) : get_v(&n, i, size, s);
        i128 vm = wide_m ? get_v(&m, i, wide, s) : get_v(&m, i, size, s);
        i128 vd = get_v(&d, i, wide, s);
        uint64_t res;
        switch (a->op) {
        case N_VADDL:
        case N_VADDW: res = (uint64_t)(vn + vm); break;
        case N_VSUBL:
        case N_VSUBW: res = (uint64_t)(vn - vm); break;
        case N_VADDHN: res = (uint64_t)((get_u(&n, i, wide) + get_u(&m, i, wide)) >> bits); break;
        case N_VRADDHN:
            res = (uint64_t)(((i128)get_u(&n, i, wide) + get_u(&m, i, wide) +
                              ((i128)1 << (bits - 1))) >>
                             bits);
            break;
        case N_VSUBHN: res = (get_u(&n, i, wide) - get_u(&m, i, wide)) >> bits; break;
        case N_VRSUBHN:
            res = (get_u(&n, i, wide) - get_u(&m, i, wide) + (1ull << (bits - 1))) >> bits;
            break;
        case N_VABAL: res = (uint64_t)(vd + abs128(vn - vm)); break;
        case N_VABDL: res = (uint64_t)abs128(vn - vm); break;
        case N_VMLAL: res = (uint64_t)(vd + vn * vm); break;
        case N_VMLSL: res = (uint64_t)(vd - vn * vm); break;
        case N_VMULL: res = (uint64_t)(vn * vm); break;
        case N_VMULLP: res = poly_mul8((uint64_t)vn & 0xff, (uint64_t)vm & 0xff); break;
        case N_VQDMULL: res = saturate(a, 2 * vn * vm, wide, true); break;
        case N_VQDMLAL:
            res = saturate(a, vd + sext(saturate(a, 2 * vn * vm, wide, true), wide), wide, true);
            break;
        default: /* N_VQDMLSL */
            res = saturate(a, vd - sext(saturate(a, 2 * vn * vm, wide, true), wide), wide, true);
            break;
        }
        bool narrow = a->op >= N_VADDHN && a->op <= N_VRSUBHN;
        put(&r, i, narrow ? size : wide, res);
    }
    bool narrow = a->op >= N_VADDHN && a->op <= N_VRSUBHN;
    store(a->c, a->d, narrow ? 1 : 2, &r);
}

/* ---- two registers, miscellaneous ---- */

static unsigned count_leading_zeros(uint64_t x, unsigned bits)
{
    unsigned n = 0;
    for (int b = (int)bits - 1; b >= 0 && !((x >> b) & 1); b--)
        n++;
    return n;
}

static uint64_t misc_elem(neon_args *a, uint64_t um)
{
    unsigned size = a->size, bits = 8u << size;
    i128 m = sext(um, size);
    uint64_t ones = ~0ull;
    arm_fp_env *e = &a->fp;
    uint32_t f = (uint32_t)um;
    switch (a->op) {
    case N_VCLS: {
        uint64_t x = (m < 0) ? ~um : um;
        return count_leading_zeros(x, bits) - 1;
    }
    case N_VCLZ: return count_leading_zeros(um, bits);
    case N_VCNT: return (uint64_t)__builtin_popcountll(um & 0xff);
    case N_VMVN: return ~um;
    case N_VQABS: return saturate(a, abs128(m), size, true);
    case N_VQNEG: return saturate(a, -m, size, true);
    case N_VCGT0: return m > 0 ? ones : 0;
    case N_VCGE0: return m >= 0 ? ones : 0;
    case N_VCEQ0: return m == 0 ? ones : 0;
    case N_VCLE0: return m <= 0 ? ones : 0;
    case N_VCLT0: return m < 0 ? ones : 0;
    case N_VABS: return (uint64_t)abs128(m);
    case N_VNEG: return (uint64_t)-m;
    case N_FCGT0: return arm_fp32_gt(e, f, 0) ? ones : 0;
    case N_FCGE0: return arm_fp32_ge(e, f, 0) ? ones : 0;
    case N_FCEQ0: return arm_fp32_eq(e, f, 0) ? ones : 0;
    case N_FCLE0: return arm_fp32_ge(e, 0, f) ? ones : 0;
    case N_FCLT0: return arm_fp32_gt(e, 0, f) ? ones : 0;
    case N_FABS: return f & 0x7fffffffu;
    case N_FNEG: return f ^ 0x80000000u;
    case N_VRECPE: return arm_u32_recip_estimate(f);
    case N_VRSQRTE: return arm_u32_rsqrt_estimate(f);
    case N_FRECPE: return arm_fp32_recip_estimate(e, f);
    case N_FRSQRTE: return arm_fp32_rsqrt_estimate(e, f);
    case N_VCVT_F2I: return arm_fp32_to_fixed(e, f, 0, a->u, 32, true);
    case N_VCVT_I2F: return arm_fixed_to_fp32(e, f, 0, a->u, 32);
    }
    return 0;
}

/* VTRN, VUZP, VZIP on the pair (d, m). */
static void permute(neon_args *a)
{
    unsigned regs = regs_of(a), size = a->size, count = (8 * regs) >> size;
    vec d, m, rd, rm;
    load(a->c, a->d, regs, &d);
    load(a->c, a->m, regs, &m);
    rd = d;
    rm = m;
    for (unsigned i = 0; i < count; i++) {
        switch (a->op) {
        case N_VTRN:
            if (i & 1) {
                put(&rd, i, size, get_u(&m, i - 1, size));
                put(&rm, i - 1, size, get_u(&d, i, size));
            }
            break;
        case N_VUZP: { /* d gets the even elements of d:m, m the odd ones */
            unsigned even = 2 * i, odd = 2 * i + 1;
            const vec *se = even < count ? &d : &m, *so = odd < count ? &d : &m;
            put(&rd, i, size, get_u(se, even % count, size));
            put(&rm, i, size, get_u(so, odd % count, size));
            break;
        }
        default: { /* VZIP: d:m = d0 m0 d1 m1 ... */
            unsigned half = count / 2;
            vec *dst = i < half ? &rd : &rm;
            unsigned base = (i % half) * 2;
            put(dst, base, size, get_u(&d, i, size));
            put(dst, base + 1, size, get_u(&m, i, size));
            break;
        }
        }
    }
    store(a->c, a->d, regs, &rd);
    store(a->c, a->m, regs, &rm);
}

static void misc(neon_args *a)
{
    unsigned size = a->size, regs = regs_of(a);
    vec m, d, r;
    switch (a->op) {
    case N_VSWP:
        load(a->c, a->m, regs, &m);
        load(a->c, a->d, regs, &d);
        store(a->c, a->d, regs, &m);
        store(a->c, a->m, regs, &d);
        return;
    case N_VTRN:
    case N_VUZP:
    case N_VZIP: permute(a); return;
    case N_VMOVN:
    case N_VQMOVN:
    case N_VQMOVUN: /* Qm to Dd */
        load(a->c, a->m, 2, &m);
        for (unsigned i = 0; i < (8u >> size); i++) {
            uint64_t x = get_u(&m, i, size + 1);
            uint64_t v = x;
            if (a->op == N_VQMOVN)
                v = saturate(a, get_v(&m, i, size + 1, !a->u), size, !a->u);
            else if (a->op == N_VQMOVUN)
                v = saturate(a, sext(x, size + 1), size, false);
            put(&r, i, size, v);
        }
        store(a->c, a->d, 1, &r);
        return;
    case N_VSHLL_MAX: /* Dm to Qd */
        load(a->c, a->m, 1, &m);
        for (unsigned i = 0; i < (8u >> size); i++)
            put(&r, i, size + 1, get_u(&m, i, size) << (8u << size));
        store(a->c, a->d, 2, &r);
        return;
    case N_VCVT_F16_F32: /* Qm singles to Dd halves */
        load(a->c, a->m, 2, &m);
        for (unsigned i = 0; i < 4; i++)
            put(&r, i, 1, arm_fp32_to_fp16(&a->fp, (uint32_t)get_u(&m, i, 2)));
        store(a->c, a->d, 1, &r);
        return;
    case N_VCVT_F32_F16: /* Dm halves to Qd singles */
        load(a->c, a->m, 1, &m);
        for (unsigned i = 0; i < 4; i++)
            put(&r, i, 2, arm_fp16_to_fp32(&a->fp, (uint32_t)get_u(&m, i, 1)));
        store(a->c, a->d, 2, &r);
        return;
    case N_VPADDL:
    case N_VPADAL: {
        unsigned count = (4 * regs) >> size;
        load(a->c, a->m, regs, &m);
        load(a->c, a->d, regs, &d);
        for (unsigned i = 0; i < count; i++) {
            i128 sum = get_v(&m, 2 * i, size, !a->u) + get_v(&m, 2 * i + 1, size, !a->u);
            if (a->op == N_VPADAL) sum += (i128)get_u(&d, i, size + 1);
            put(&r, i, size + 1, (uint64_t)sum);
        }
        store(a->c, a->d, regs, &r);
        return;
    }
    case N_VREV64:
    case N_VREV32:
    case N_VREV16: {
        unsigned group = a->op == N_VREV64 ? 8 : a->op == N_VREV32 ? 4 : 2; /* bytes */
        unsigned per_group = group >> size, count = (8 * regs) >> size;
        load(a->c, a->m, regs, &m);
        for (unsigned i = 0; i < count; i++) {
            unsigned g = i / per_group, k = i % per_group;
            put(&r, g * per_group + (per_group - 1 - k), size, get_u(&m, i, size));
        }
        store(a->c, a->d, regs, &r);
        return;
    }
    default: {
        unsigned count = (8 * regs) >> size;
        load(a->c, a->m, regs, &m);
        for (unsigned i = 0; i < count; i++)
            put(&r, i, size, misc_elem(a, get_u(&m, i, size)));
        store(a->c, a->d, regs, &r);
        return;
    }
    }
}

/* ---- VEXT, VTBL/VTBX, VDUP (scalar) ---- */

static void others(neon_args *a)
{
    unsigned regs = regs_of(a);
    vec n, m, d, r;
    switch (a->op) {
    case N_VEXT: {
        uint8_t bytes[32];
        load(a->c, a->n, regs, &n);
        load(a->c, a->m, regs, &m);
        memcpy(bytes, n.b, 8 * regs);
        memcpy(bytes + 8 * regs, m.b, 8 * regs);
        memcpy(r.b, bytes + a->imm, 8 * regs);
        store(a->c, a->d, regs, &r);
        return;
    }
    case N_VTBL: {
        unsigned table_bytes = 8 * a->imm;
        load(a->c, a->n, a->imm, &n);
        load(a->c, a->m, 1, &m);
        load(a->c, a->d, 1, &d);
        for (unsigned i = 0; i < 8; i++) {
            unsigned index = m.b[i];
            r.b[i] = index < table_bytes ? n.b[index] : (a->u ? d.b[i] : 0);
        }
        store(a->c, a->d, 1, &r);
        return;
    }
    default: { /* VDUP (scalar) */
        load(a->c, a->m, 1, &m);
        uint64_t x = get_u(&m, a->imm, a->size);
        for (unsigned i = 0; i < ((8 * regs) >> a->size); i++)
            put(&r, i, a->size, x);
        store(a->c, a->d, regs, &r);
        return;
    }
    }
}

uint32_t arm_h_neon(bb_cpu *cpu, uint32_t op_word, uint32_t regs, uint32_t imm)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    neon_args a = {
        .c = c,
        .op = op_word & 0xff,
        .size = (op_word >> 8) & 3,
        .q = (op_word >> 10) & 1,
        .u = (op_word >> 11) & 1,
        .scalar = (op_word >> 12) & 1,
        .d = regs & 0xff,
        .n = (regs >> 8) & 0xff,
        .m = (regs >> 16) & 0xff,
        .imm = imm,
        .fp = {FPSCR_STANDARD | (c->vfp.fpscr & FPSCR_AHP), 0},
    };
    if (a.op <= N_FRSQRTS)
        three_same(&a);
    else if (a.op <= N_VCVT_F2X)
        shift_immediate(&a);
    else if (a.op <= N_VMULLP)
        different(&a);
    else if (a.op <= N_VCVT_I2F)
        misc(&a);
    else
        others(&a);
    c->vfp.fpscr |= a.fp.flags;
    return 0;
}
