/*
 * vfp_helpers.c: the helpers of VFP instructions: arithmetic, comparisons and conversions
 * (one helper, the operation packed as vfp_ops.h says), and the system registers (VMRS,
 * VMSR). The cumulative exception flags go to FPSCR.
 */
#include "jit/arm/v7.h"
#include "jit/arm/vfp_fpu.h"
#include "jit/arm/vfp_ops.h"

/* FPSCR bits that software can write (no trap enables: the Cortex-A9 has none). */
#define FPSCR_WRITABLE 0xfff7009fu
#define FPEXC_WRITABLE 0xc0000000u /* EX, EN */

static uint32_t s_get(const bb_arm_cpu *c, unsigned n)
{
    uint64_t d = c->vfp.d[n >> 1];
    return (n & 1) ? (uint32_t)(d >> 32) : (uint32_t)d;
}

static void s_set(bb_arm_cpu *c, unsigned n, uint32_t value)
{
    uint64_t *d = &c->vfp.d[n >> 1];
    if (n & 1)
        *d = (*d & 0xffffffffull) | (uint64_t)value << 32;
    else
        *d = (*d & ~0xffffffffull) | value;
}

static uint32_t neg32(uint32_t a)
{
    return a ^ 0x80000000u;
}

static uint64_t neg64(uint64_t a)
{
    return a ^ 0x8000000000000000ull;
}

/* Single precision operations on S registers. */
static void single_op(bb_arm_cpu *c, arm_fp_env *e, unsigned op, unsigned aux, unsigned d,
                      unsigned n, unsigned m)
{
    uint32_t vn = s_get(c, n), vm = s_get(c, m), vd = s_get(c, d);
    switch (op) {
    case VFP_ADD: s_set(c, d, arm_fp32_add(e, vn, vm)); return;
    case VFP_SUB: s_set(c, d, arm_fp32_sub(e, vn, vm)); return;
    case VFP_MUL: s_set(c, d, arm_fp32_mul(e, vn, vm)); return;
    case VFP_NMUL: s_set(c, d, neg32(arm_fp32_mul(e, vn, vm))); return;
    case VFP_DIV: s_set(c, d, arm_fp32_div(e, vn, vm)); return;
    case VFP_MLA: s_set(c, d, arm_fp32_add(e, vd, arm_fp32_mul(e, vn, vm))); return;
    case VFP_MLS: s_set(c, d, arm_fp32_add(e, vd, neg32(arm_fp32_mul(e, vn, vm)))); return;
    case VFP_NMLA: s_set(c, d, arm_fp32_add(e, neg32(vd), neg32(arm_fp32_mul(e, vn, vm)))); return;
    case VFP_NMLS: s_set(c, d, arm_fp32_add(e, neg32(vd), arm_fp32_mul(e, vn, vm))); return;
    case VFP_SQRT: s_set(c, d, arm_fp32_sqrt(e, vm)); return;
    case VFP_CMP: {
        uint32_t nzcv = arm_fp32_compare(e, vd, (aux & VFP_AUX_ZERO) ? 0 : vm, aux & VFP_AUX_E);
        c->vfp.fpscr = (c->vfp.fpscr & 0x0fffffffu) | nzcv;
        return;
    }
    case VFP_CVT_FP: c->vfp.d[d] = arm_fp32_to_fp64(e, vm); return;
    case VFP_CVT_I2F: s_set(c, d, arm_fixed_to_fp32(e, vm, 0, aux & VFP_AUX_UNSIGNED, 32)); return;
    case VFP_CVT_F2I:
        s_set(c, d,
              arm_fp32_to_fixed(e, vm, 0, aux & VFP_AUX_UNSIGNED, 32, aux & VFP_AUX_ROUND_ZERO));
        return;
    case VFP_CVT_X2F:
        s_set(c, d,
              arm_fixed_to_fp32(e, vd, aux >> VFP_AUX_FBITS_SHIFT, aux & VFP_AUX_UNSIGNED,
                                (aux & VFP_AUX_BITS32) ? 32 : 16));
        return;
    case VFP_CVT_F2X:
        s_set(c, d,
              arm_fp32_to_fixed(e, vd, aux >> VFP_AUX_FBITS_SHIFT, aux & VFP_AUX_UNSIGNED,
                                (aux & VFP_AUX_BITS32) ? 32 : 16, true));
        return;
    case VFP_CVT_H2S:
        s_set(c, d, arm_fp16_to_fp32(e, (aux & VFP_AUX_TOP) ? vm >> 16 : vm & 0xffff));
        return;
    case VFP_CVT_S2H: {
        uint32_t h = arm_fp32_to_fp16(e, vm);
        s_set(c, d, (aux & VFP_AUX_TOP) ? (vd & 0xffff) | h << 16 : (vd & 0xffff0000u) | h);
        return;
    }
    }
}

/* Double precision operations on D registers (the integer side of a conversion is S). */
static void double_op(bb_arm_cpu *c, arm_fp_env *e, unsigned op, unsigned aux, unsigned d,
                      unsigned n, unsigned m)
{
    uint64_t *reg = c->vfp.d;
    uint64_t vn = reg[n], vm = reg[m], vd = reg[d];
    switch (op) {
    case VFP_ADD: reg[d] = arm_fp64_add(e, vn, vm); return;
    case VFP_SUB: reg[d] = arm_fp64_sub(e, vn, vm); return;
    case VFP_MUL: reg[d] = arm_fp64_mul(e, vn, vm); return;
    case VFP_NMUL: reg[d] = neg64(arm_fp64_mul(e, vn, vm)); return;
    case VFP_DIV: reg[d] = arm_fp64_div(e, vn, vm); return;
    case VFP_MLA: reg[d] = arm_fp64_add(e, vd, arm_fp64_mul(e, vn, vm)); return;
    case VFP_MLS: reg[d] = arm_fp64_add(e, vd, neg64(arm_fp64_mul(e, vn, vm))); return;
    case VFP_NMLA: reg[d] = arm_fp64_add(e, neg64(vd), neg64(arm_fp64_mul(e, vn, vm))); return;
    case VFP_NMLS: reg[d] = arm_fp64_add(e, neg64(vd), arm_fp64_mul(e, vn, vm)); return;
    case VFP_SQRT: reg[d] = arm_fp64_sqrt(e, vm); return;
    case VFP_CMP: {
        uint32_t nzcv = arm_fp64_compare(e, vd, (aux & VFP_AUX_ZERO) ? 0 : vm, aux & VFP_AUX_E);
        c->vfp.fpscr = (c->vfp.fpscr & 0x0fffffffu) | nzcv;
        return;
    }
    case VFP_CVT_FP: s_set(c, d, arm_fp64_to_fp32(e, vm)); return;
    case VFP_CVT_I2F:
        reg[d] = arm_fixed_to_fp64(e, s_get(c, m), 0, aux & VFP_AUX_UNSIGNED, 32);
        return;
    case VFP_CVT_F2I:
        s_set(c, d,
              arm_fp64_to_fixed(e, vm, 0, aux & VFP_AUX_UNSIGNED, 32, aux & VFP_AUX_ROUND_ZERO));
        return;
    case VFP_CVT_X2F:
        reg[d] = arm_fixed_to_fp64(e, (uint32_t)vd, aux >> VFP_AUX_FBITS_SHIFT,
                                   aux & VFP_AUX_UNSIGNED, (aux & VFP_AUX_BITS32) ? 32 : 16);
        return;
    case VFP_CVT_F2X: {
        bool is_unsigned = aux & VFP_AUX_UNSIGNED;
        uint32_t r = arm_fp64_to_fixed(e, vd, aux >> VFP_AUX_FBITS_SHIFT, is_unsigned,
                                       (aux & VFP_AUX_BITS32) ? 32 : 16, true);
        reg[d] = is_unsigned ? (uint64_t)r : (uint64_t)(int64_t)(int32_t)r;
        return;
    }
    }
}

uint32_t arm_h_vfp(bb_cpu *cpu, uint32_t op_word, uint32_t regs, uint32_t unused)
{
    (void)unused;
    bb_arm_cpu *c = arm_cpu(cpu);
    arm_fp_env e = {c->vfp.fpscr, 0};
    unsigned op = op_word & 63, aux = op_word >> 8;
    /* Fixed point to float rounds to nearest whatever FPSCR.RMode says. */
    if (op == VFP_CVT_X2F) e.mode &= ~(3u << FPSCR_RMODE_SHIFT);
    unsigned d = regs & 0xff, n = (regs >> 8) & 0xff, m = (regs >> 16) & 0xff;
    if (op_word & (1u << 6))
        double_op(c, &e, op, aux, d, n, m);
    else
        single_op(c, &e, op, aux, d, n, m);
    c->vfp.fpscr |= e.flags;
    return 0;
}

/* VMRS: FPSID (0), FPSCR (1), MVFR1 (6), MVFR0 (7), FPEXC (8); FPINST (9) and FPINST2 (10)
 * do not exist on the Cortex-A9 (FPEXC.EX is never set) and read as zero. */
uint32_t arm_h_vfp_sysreg_read(bb_cpu *cpu, uint32_t reg, uint32_t b, uint32_t unused)
{
    (void)b, (void)unused;
    bb_arm_cpu *c = arm_cpu(cpu);
    switch (reg) {
    case 0: return c->vfp.fpsid;
    case 1: return c->vfp.fpscr;
    case 6: return c->vfp.mvfr1;
    case 7: return c->vfp.mvfr0;
    case 8: return c->vfp.fpexc;
    default: return 0;
    }
}

/* VMSR: FPSCR, and FPEXC (which changes the block key: the caller ends the block). */
uint32_t arm_h_vfp_sysreg_write(bb_cpu *cpu, uint32_t reg, uint32_t value, uint32_t unused)
{
    (void)unused;
    bb_arm_cpu *c = arm_cpu(cpu);
    switch (reg) {
    case 1: c->vfp.fpscr = value & FPSCR_WRITABLE; break;
    case 8:
        c->vfp.fpexc = value & FPEXC_WRITABLE;
        arm_update_tb_flags(c);
        break;
    default: break; /* FPSID and the others: writes are ignored */
    }
    return 0;
}
