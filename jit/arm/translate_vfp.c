/*
 * translate_vfp.c: VFPv3 instructions (coprocessors 10 and 11) for the A32 and T32
 * decoders: loads and stores of extension registers (VLDR, VSTR, VLDM, VSTM, VPUSH, VPOP)
 * and moves between core and extension registers (VMOV, VDUP core) as inline IR; VMRS and
 * VMSR; data processing, where VMOV, VABS and VNEG are IR and everything that rounds or
 * raises exceptions calls the VFP helper. Short vectors (FPSCR.LEN) are not supported:
 * every operation is scalar, as gcc and Linux use them.
 */
#include "jit/arm/translate_vfp.h"

#include "jit/arm/translate_ops.h"
#include "jit/arm/vfp_ops.h"

static bb_ir_temp constant(arm_tctx *t, uint32_t value)
{
    return bb_ir_const(t->blk, value);
}

static bool vfp_enabled(const arm_tctx *t)
{
    return (t->blk->flags & ARM_TBF_VFP_EN) != 0;
}

/* Register numbers: single Vx:x (S0-S31), double x:Vx (D0-D31). */
static unsigned sreg(uint32_t vx, uint32_t x)
{
    return (vx << 1) | x;
}

static unsigned dreg(uint32_t vx, uint32_t x)
{
    return (x << 4) | vx;
}

static unsigned reg_d(uint32_t insn, bool dp)
{
    return dp ? dreg((insn >> 12) & 15, (insn >> 22) & 1)
              : sreg((insn >> 12) & 15, (insn >> 22) & 1);
}

static unsigned reg_n(uint32_t insn, bool dp)
{
    return dp ? dreg((insn >> 16) & 15, (insn >> 7) & 1) : sreg((insn >> 16) & 15, (insn >> 7) & 1);
}

static unsigned reg_m(uint32_t insn, bool dp)
{
    return dp ? dreg(insn & 15, (insn >> 5) & 1) : sreg(insn & 15, (insn >> 5) & 1);
}

/* D16-D31 exist only on VFP-D32 CPUs. */
static bool dreg_ok(const arm_tctx *t, unsigned d)
{
    return d < 16 || arm_feature(t, ARM_FEATURE_VFP_D32);
}

static void call_vfp(arm_tctx *t, unsigned op, bool dp, unsigned aux, unsigned d, unsigned n,
                     unsigned m)
{
    bb_ir_call(t->blk, ARM_H_VFP, constant(t, vfp_pack_op(op, dp, aux)),
               constant(t, vfp_pack_regs(d, n, m)), 0);
}

/* ---- loads and stores ---- */

static void load_word_to(arm_tctx *t, bb_ir_temp addr, uint32_t offset)
{
    bb_ir_temp value = arm_gen_load(t, BB_IR_MEM_32, addr, false);
    bb_ir_set(t->blk, offset, value);
}

static void store_word_from(arm_tctx *t, bb_ir_temp addr, uint32_t offset)
{
    arm_gen_store(t, BB_IR_MEM_32, addr, bb_ir_get(t->blk, offset), false);
}

/* One S or D register from or to memory at addr (+ offset). */
static void transfer_reg(arm_tctx *t, bool load, bool dp, unsigned reg, bb_ir_temp base,
                         uint32_t offset)
{
    bb_ir_block *blk = t->blk;
    bb_ir_temp addr = offset ? bb_ir_binop(blk, BB_IR_ADD, base, constant(t, offset)) : base;
    if (!dp) {
        if (load)
            load_word_to(t, addr, ARM_OFF_S(reg));
        else
            store_word_from(t, addr, ARM_OFF_S(reg));
        return;
    }
    bb_ir_temp high = bb_ir_binop(blk, BB_IR_ADD, base, constant(t, offset + 4));
    uint32_t lower, higher;
    arm_dreg_words(t, reg, &lower, &higher);
    if (load) {
        load_word_to(t, addr, lower);
        load_word_to(t, high, higher);
    } else {
        store_word_from(t, addr, lower);
        store_word_from(t, high, higher);
    }
}

/* The base of a PC-relative VLDR/VSTR is Align(PC, 4). */
static bb_ir_temp base_reg(arm_tctx *t, unsigned rn)
{
    if (rn == 15) return constant(t, (t->pc + (t->thumb ? 4 : 8)) & ~3u);
    return arm_gen_reg(t, (int)rn);
}

/* VLDR, VSTR, VLDM, VSTM (VPUSH, VPOP are VSTMDB/VLDMIA with sp). */
static void load_store(arm_tctx *t, bool dp)
{
    uint32_t insn = t->insn;
    bool p = (insn >> 24) & 1, u = (insn >> 23) & 1, w = (insn >> 21) & 1, l = (insn >> 20) & 1;
    unsigned rn = (insn >> 16) & 15, imm8 = insn & 0xff;
    unsigned d = reg_d(insn, dp);
    bb_ir_block *blk = t->blk;
    if (p && !w) { /* VLDR, VSTR */
        if (dp && !dreg_ok(t, d)) {
            arm_gen_undef(t);
            return;
        }
        uint32_t offset = imm8 * 4;
        bb_ir_temp base = base_reg(t, rn);
        bb_ir_temp addr = bb_ir_binop(blk, u ? BB_IR_ADD : BB_IR_SUB, base, constant(t, offset));
        transfer_reg(t, l, dp, d, addr, 0);
        return;
    }
    if (p == u || (rn == 15 && w)) { /* P = U = 1, or DB without writeback: undefined */
        arm_gen_undef(t);
        return;
    }
    unsigned count = dp ? imm8 / 2 : imm8; /* an odd imm8 with D registers is FLDMX/FSTMX */
    unsigned limit = dp ? (arm_feature(t, ARM_FEATURE_VFP_D32) ? 32 : 16) : 32;
    if (count == 0 || (dp && count > 16) || d + count > limit) {
        arm_gen_undef(t);
        return;
    }
    bb_ir_temp base = arm_gen_reg(t, (int)rn);
    bb_ir_temp start = p ? bb_ir_binop(blk, BB_IR_SUB, base, constant(t, imm8 * 4)) : base;
    for (unsigned i = 0; i < count; i++)
        transfer_reg(t, l, dp, d + i, start, i * (dp ? 8u : 4u));
    if (w) {
        bb_ir_temp moved = bb_ir_binop(blk, u ? BB_IR_ADD : BB_IR_SUB, base, constant(t, imm8 * 4));
        arm_gen_set_reg(t, (int)rn, moved);
    }
}

/* VMOV between two core registers and two S registers or one D register. */
static void move_64(arm_tctx *t, bool dp)
{
    uint32_t insn = t->insn;
    bool to_core = (insn >> 20) & 1;
    unsigned rt2 = (insn >> 16) & 15, rt = (insn >> 12) & 15;
    unsigned m = reg_m(insn, dp);
    if ((insn & 0xd0) != 0x10 || rt == 15 || rt2 == 15 || (to_core && rt == rt2) ||
        (!dp && m == 31) || (dp && !dreg_ok(t, m)) || (t->thumb && (rt == 13 || rt2 == 13))) {
        arm_gen_undef(t);
        return;
    }
    uint32_t lo = dp ? ARM_OFF_D_LO(m) : ARM_OFF_S(m);
    uint32_t hi = dp ? ARM_OFF_D_HI(m) : ARM_OFF_S(m + 1);
    bb_ir_block *blk = t->blk;
    if (to_core) {
        bb_ir_temp vlo = bb_ir_get(blk, lo), vhi = bb_ir_get(blk, hi);
        arm_gen_set_reg(t, (int)rt, vlo);
        arm_gen_set_reg(t, (int)rt2, vhi);
    } else {
        bb_ir_temp vlo = arm_gen_reg(t, (int)rt), vhi = arm_gen_reg(t, (int)rt2);
        bb_ir_set(blk, lo, vlo);
        bb_ir_set(blk, hi, vhi);
    }
}

/* ---- transfers with core registers ---- */

/* VMRS/VMSR. FPSCR needs VFP enabled; the other registers need privilege and the CPACR
 * access (they stay reachable with FPEXC.EN clear: that is how FPEXC is set). */
static void system_register(arm_tctx *t)
{
    uint32_t insn = t->insn;
    bool read = (insn >> 20) & 1;
    unsigned reg = (insn >> 16) & 15, rt = (insn >> 12) & 15;
    bb_ir_block *blk = t->blk;
    bool ok;
    if (reg == 1)
        ok = vfp_enabled(t);
    else
        ok = t->privileged && (t->blk->flags & ARM_TBF_VFP_ACCESS) &&
             (reg == 0 || reg == 6 || reg == 7 || reg == 8 || reg == 9 || reg == 10);
    if (!ok || (rt == 15 && (!read || reg != 1)) || (t->thumb && rt == 13)) {
        arm_gen_undef(t);
        return;
    }
    if (read) {
        bb_ir_temp value = bb_ir_call(blk, ARM_H_VFP_SYSREG_READ, constant(t, reg), 0, 0);
        if (rt == 15)
            arm_gen_set_nzcv_from_word(t, value); /* VMRS APSR_nzcv, FPSCR */
        else
            arm_gen_set_reg(t, (int)rt, value);
        return;
    }
    bb_ir_call(blk, ARM_H_VFP_SYSREG_WRITE, constant(t, reg), arm_gen_reg(t, (int)rt), 0);
    if (reg == 8) arm_gen_exit_to_loop(t, t->pc + t->size); /* FPEXC: the block key changed */
}

/* Size and index of a scalar from opc1:opc2 (bits 22-21, 6-5): 8, 16 or 32 bits. */
static bool scalar_of(uint32_t insn, unsigned *bits, unsigned *index)
{
    unsigned opc1 = (insn >> 21) & 3, opc2 = (insn >> 5) & 3;
    if (opc1 & 2) {
        *bits = 8;
        *index = ((opc1 & 1) << 2) | opc2;
    } else if (opc2 & 1) {
        *bits = 16;
        *index = ((opc1 & 1) << 1) | (opc2 >> 1);
    } else if (opc2 == 0) {
        *bits = 32;
        *index = opc1 & 1;
    } else {
        return false;
    }
    return true;
}

/* VMOV core register to scalar, scalar to core register, VDUP from a core register. */
static void scalar_transfer(arm_tctx *t)
{
    uint32_t insn = t->insn;
    bool to_core = (insn >> 20) & 1;
    unsigned rt = (insn >> 12) & 15;
    unsigned vreg = dreg((insn >> 16) & 15, (insn >> 7) & 1);
    bb_ir_block *blk = t->blk;
    if (rt == 15 || (t->thumb && rt == 13) || !dreg_ok(t, vreg)) {
        arm_gen_undef(t);
        return;
    }
    if (!to_core && (insn & (1u << 23))) { /* VDUP (ARM core register) */
        bool q = (insn >> 21) & 1;
        unsigned be = ((insn >> 21) & 2) | ((insn >> 5) & 1);
        if (!arm_feature(t, ARM_FEATURE_NEON) || be == 3 || (q && (vreg & 1))) {
            arm_gen_undef(t);
            return;
        }
        bb_ir_temp v = arm_gen_reg(t, (int)rt);
        if (be == 2)
            v = bb_ir_binop(blk, BB_IR_MUL, bb_ir_binop(blk, BB_IR_AND, v, constant(t, 0xff)),
                            constant(t, 0x01010101u));
        else if (be == 1)
            v = bb_ir_binop(blk, BB_IR_MUL, bb_ir_binop(blk, BB_IR_AND, v, constant(t, 0xffff)),
                            constant(t, 0x00010001u));
        for (unsigned i = 0; i < (q ? 2u : 1u); i++) {
            bb_ir_set(blk, ARM_OFF_D_LO(vreg + i), v);
            bb_ir_set(blk, ARM_OFF_D_HI(vreg + i), v);
        }
        return;
    }
    unsigned bits, index;
    bool is_unsigned = (insn >> 23) & 1;
    if (!scalar_of(insn, &bits, &index) || (bits < 32 && !arm_feature(t, ARM_FEATURE_NEON)) ||
        (bits == 32 && to_core && is_unsigned)) {
        arm_gen_undef(t);
        return;
    }
    unsigned bit_offset = index * bits;
    uint32_t word = bit_offset < 32 ? ARM_OFF_D_LO(vreg) : ARM_OFF_D_HI(vreg);
    unsigned shift = bit_offset & 31;
    uint32_t mask = bits == 32 ? 0xffffffffu : ((1u << bits) - 1) << shift;
    bb_ir_temp old = bb_ir_get(blk, word);
    if (to_core) {
        bb_ir_temp v = old;
        if (bits < 32) {
            v = bb_ir_binop(blk, BB_IR_SHL, v, constant(t, 32 - bits - shift));
            v = bb_ir_binop(blk, is_unsigned ? BB_IR_SHR : BB_IR_SAR, v, constant(t, 32 - bits));
        }
        arm_gen_set_reg(t, (int)rt, v);
        return;
    }
    bb_ir_temp v = arm_gen_reg(t, (int)rt);
    if (bits < 32) {
        v = bb_ir_binop(blk, BB_IR_AND, bb_ir_binop(blk, BB_IR_SHL, v, constant(t, shift)),
                        constant(t, mask));
        v = bb_ir_binop(blk, BB_IR_OR, bb_ir_binop(blk, BB_IR_ANDN, old, constant(t, mask)), v);
    }
    bb_ir_set(blk, word, v);
}

static void core_transfer(arm_tctx *t, bool dp)
{
    uint32_t insn = t->insn;
    unsigned a = (insn >> 21) & 7;
    if (dp) {
        scalar_transfer(t);
        return;
    }
    if (a == 7) {
        system_register(t);
        return;
    }
    if (a != 0 || (insn & 0x6f) != 0 || !vfp_enabled(t)) {
        arm_gen_undef(t);
        return;
    }
    /* VMOV between a core register and a single register. */
    unsigned rt = (insn >> 12) & 15, n = reg_n(insn, false);
    if (rt == 15 || (t->thumb && rt == 13)) {
        arm_gen_undef(t);
        return;
    }
    if ((insn >> 20) & 1)
        arm_gen_set_reg(t, (int)rt, bb_ir_get(t->blk, ARM_OFF_S(n)));
    else
        bb_ir_set(t->blk, ARM_OFF_S(n), arm_gen_reg(t, (int)rt));
}

/* ---- data processing ---- */

/* VMOV (register), VABS, VNEG: bit operations on the sign. */
static void move_sign(arm_tctx *t, bool dp, unsigned d, unsigned m, int kind)
{
    bb_ir_block *blk = t->blk;
    if (dp) bb_ir_set(blk, ARM_OFF_D_LO(d), bb_ir_get(blk, ARM_OFF_D_LO(m)));
    uint32_t src = dp ? ARM_OFF_D_HI(m) : ARM_OFF_S(m);
    uint32_t dst = dp ? ARM_OFF_D_HI(d) : ARM_OFF_S(d);
    bb_ir_temp v = bb_ir_get(blk, src);
    if (kind == 1)
        v = bb_ir_binop(blk, BB_IR_AND, v, constant(t, 0x7fffffffu));
    else if (kind == 2)
        v = bb_ir_binop(blk, BB_IR_XOR, v, constant(t, 0x80000000u));
    bb_ir_set(blk, dst, v);
}

/* VMOV (immediate): VFPExpandImm. */
static void move_immediate(arm_tctx *t, bool dp, unsigned d)
{
    uint32_t insn = t->insn;
    unsigned imm8 = ((insn >> 12) & 0xf0) | (insn & 15);
    uint32_t sign = imm8 >> 7, b6 = (imm8 >> 6) & 1, low = imm8 & 0x3f;
    bb_ir_block *blk = t->blk;
    if (!dp) {
        uint32_t exp = b6 ? 0x7c : 0x80;
        uint32_t value = sign << 31 | (exp | (low >> 4)) << 23 | (low & 15) << 19;
        bb_ir_set(blk, ARM_OFF_S(d), constant(t, value));
        return;
    }
    uint32_t exp = b6 ? 0x3fc : 0x400;
    uint32_t high = sign << 31 | (exp | (low >> 4)) << 20 | (low & 15) << 16;
    bb_ir_set(blk, ARM_OFF_D_LO(d), constant(t, 0));
    bb_ir_set(blk, ARM_OFF_D_HI(d), constant(t, high));
}

/* The "other" data-processing instructions (opc1 = 1x11, opc3 = x1). */
static bool other_op(arm_tctx *t, bool dp)
{
    uint32_t insn = t->insn;
    unsigned opc2 = (insn >> 16) & 15;
    bool op7 = (insn >> 7) & 1;
    unsigned d = reg_d(insn, dp), m = reg_m(insn, dp);
    if (dp && (!dreg_ok(t, d) || !dreg_ok(t, m)) && opc2 != 7 && opc2 != 8 && opc2 < 12)
        return false;
    switch (opc2) {
    case 0: move_sign(t, dp, d, m, op7 ? 1 : 0); return true;
    case 1:
        if (op7)
            call_vfp(t, VFP_SQRT, dp, 0, d, 0, m);
        else
            move_sign(t, dp, d, m, 2);
        return true;
    case 2:
    case 3: /* VCVTB, VCVTT between half and single */
        if (dp || !arm_feature(t, ARM_FEATURE_VFP_FP16)) return false;
        call_vfp(t, (opc2 & 1) ? VFP_CVT_S2H : VFP_CVT_H2S, false, op7 ? VFP_AUX_TOP : 0, d, 0, m);
        return true;
    case 4:
    case 5: { /* VCMP, VCMPE */
        bool zero = opc2 & 1;
        if (zero && (insn & 0x2f)) return false;
        call_vfp(t, VFP_CMP, dp, (zero ? VFP_AUX_ZERO : 0) | (op7 ? VFP_AUX_E : 0), d, 0, m);
        return true;
    }
    case 7: { /* VCVT between double and single */
        if (!op7) return false;
        unsigned dst = reg_d(insn, !dp), src = reg_m(insn, dp);
        if ((dp ? !dreg_ok(t, src) : !dreg_ok(t, dst))) return false;
        call_vfp(t, VFP_CVT_FP, dp, 0, dst, 0, src);
        return true;
    }
    case 8: { /* VCVT integer to float: the integer is in Sm */
        unsigned src = reg_m(insn, false);
        if (dp && !dreg_ok(t, d)) return false;
        call_vfp(t, VFP_CVT_I2F, dp, op7 ? 0 : VFP_AUX_UNSIGNED, d, 0, src);
        return true;
    }
    case 10:
    case 11:
    case 14:
    case 15: { /* VCVT between float and fixed point (in place) */
        if (!arm_feature(t, ARM_FEATURE_VFP3) || (dp && !dreg_ok(t, d))) return false;
        unsigned size = op7 ? 32 : 16;
        unsigned imm = ((insn & 15) << 1) | ((insn >> 5) & 1);
        if (imm > size) return false;
        unsigned aux = ((opc2 & 1) ? VFP_AUX_UNSIGNED : 0) | (op7 ? VFP_AUX_BITS32 : 0) |
                       (size - imm) << VFP_AUX_FBITS_SHIFT;
        call_vfp(t, opc2 >= 14 ? VFP_CVT_F2X : VFP_CVT_X2F, dp, aux, d, 0, d);
        return true;
    }
    case 12:
    case 13: { /* VCVT, VCVTR float to integer: the integer goes to Sd */
        unsigned dst = reg_d(insn, false);
        if (dp && !dreg_ok(t, m)) return false;
        unsigned aux = ((opc2 & 1) ? 0 : VFP_AUX_UNSIGNED) | (op7 ? VFP_AUX_ROUND_ZERO : 0);
        call_vfp(t, VFP_CVT_F2I, dp, aux, dst, 0, m);
        return true;
    }
    }
    return false;
}

static void data_processing(arm_tctx *t, bool dp)
{
    uint32_t insn = t->insn;
    unsigned opc1 = ((insn >> 21) & 4) | ((insn >> 20) & 3);
    bool op6 = (insn >> 6) & 1;
    unsigned d = reg_d(insn, dp), n = reg_n(insn, dp), m = reg_m(insn, dp);
    static const unsigned three_reg[5][2] = {
        {VFP_MLA, VFP_MLS}, {VFP_NMLS, VFP_NMLA}, {VFP_MUL, VFP_NMUL},
        {VFP_ADD, VFP_SUB}, {VFP_DIV, 0},
    };
    if (opc1 <= 4) {
        if ((opc1 == 4 && op6) || (dp && (!dreg_ok(t, d) || !dreg_ok(t, n) || !dreg_ok(t, m)))) {
            arm_gen_undef(t);
            return;
        }
        call_vfp(t, three_reg[opc1][op6], dp, 0, d, n, m);
        return;
    }
    if (opc1 == 7) {
        if (!op6) {
            if (!arm_feature(t, ARM_FEATURE_VFP3) || (insn & 0xa0) || (dp && !dreg_ok(t, d))) {
                arm_gen_undef(t);
                return;
            }
            move_immediate(t, dp, d);
            return;
        }
        if (other_op(t, dp)) return;
    }
    arm_gen_undef(t); /* VFMA and friends are VFPv4 */
}

void arm_translate_vfp(arm_tctx *t)
{
    uint32_t insn = t->insn;
    unsigned coproc = (insn >> 8) & 15;
    if (!arm_feature(t, ARM_FEATURE_VFP) || (coproc & 14) != 10 || ((insn >> 28) & 15) == 15) {
        arm_gen_undef(t);
        return;
    }
    bool dp = coproc == 11;
    bool is_system = ((insn >> 24) & 15) == 14 && (insn & 0x10) && !dp && ((insn >> 21) & 7) == 7;
    if (!is_system && !vfp_enabled(t)) {
        arm_gen_undef(t);
        return;
    }
    if (((insn >> 25) & 7) == 6) {
        if ((insn & 0x01e00000) == 0x00400000)
            move_64(t, dp); /* 1100 010x */
        else if ((insn & 0x01a00000) == 0)
            arm_gen_undef(t); /* 1100 0x0x: other coproc space */
        else
            load_store(t, dp);
        return;
    }
    if (((insn >> 24) & 15) != 14) {
        arm_gen_undef(t);
        return;
    }
    if (insn & 0x10)
        core_transfer(t, dp);
    else
        data_processing(t, dp);
}
