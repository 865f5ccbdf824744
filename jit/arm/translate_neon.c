/*
 * translate_neon.c: Advanced SIMD (NEON) instructions for the A32 and T32 decoders. Element
 * and structure loads and stores (VLD1-4, VST1-4: multiple structures, one lane, all lanes)
 * and the modified-immediate moves (VMOV, VMVN, VORR, VBIC) are inline IR; every other
 * data-processing instruction is decoded here into an operation of the NEON helper
 * (neon_ops.h), which computes it on the register file. T32 encodings are first brought
 * to their A32 form (111U 1111 -> 1111 001U, 1111 1001 -> 1111 0100). Alignment
 * qualifiers are checked (an alignment fault), and in big-endian state every element is
 * swapped by its size.
 */
#include "jit/arm/translate_vfp.h"

#include <stddef.h>

#include "jit/arm/neon_ops.h"

static bb_ir_temp constant(arm_tctx *t, uint32_t value)
{
    return bb_ir_const(t->blk, value);
}

/* Register fields: D:Vd, N:Vn, M:Vm. */
static unsigned field_d(uint32_t insn)
{
    return ((insn >> 18) & 0x10) | ((insn >> 12) & 15);
}

static unsigned field_n(uint32_t insn)
{
    return ((insn >> 3) & 0x10) | ((insn >> 16) & 15);
}

static unsigned field_m(uint32_t insn)
{
    return ((insn >> 1) & 0x10) | (insn & 15);
}

static void call_neon(arm_tctx *t, unsigned op, unsigned size, bool q, bool u, bool scalar,
                      unsigned d, unsigned n, unsigned m, uint32_t imm)
{
    bb_ir_call(t->blk, ARM_H_NEON, constant(t, neon_pack_op(op, size, q, u, scalar)),
               constant(t, neon_pack_regs(d, n, m)), constant(t, imm));
}

/* Q operations need even register numbers. */
static bool odd_q(bool q, unsigned a, unsigned b, unsigned c)
{
    return q && ((a | b | c) & 1);
}

/* ---- three registers of the same length ---- */

static bool three_same(arm_tctx *t, uint32_t insn)
{
    unsigned opc = (insn >> 8) & 15, size = (insn >> 20) & 3;
    bool b = (insn >> 4) & 1, u = (insn >> 24) & 1, q = (insn >> 6) & 1;
    unsigned d = field_d(insn), n = field_n(insn), m = field_m(insn);
    if (odd_q(q, d, n, m)) return false;
    int op = -1;
    bool no64 = true, swap = false, d_only = false, fp = false;
    switch (opc) {
    case 0:
        op = b ? N_VQADD : N_VHADD;
        no64 = !b;
        break;
    case 1:
        if (!b) {
            op = N_VRHADD;
        } else {
            static const int bitwise[2][4] = {{N_VAND, N_VBIC, N_VORR, N_VORN},
                                              {N_VEOR, N_VBSL, N_VBIT, N_VBIF}};
            op = bitwise[u][size];
            no64 = false;
        }
        break;
    case 2:
        op = b ? N_VQSUB : N_VHSUB;
        no64 = !b;
        break;
    case 3: op = b ? N_VCGE : N_VCGT; break;
    case 4:
        op = b ? N_VQSHL : N_VSHL;
        no64 = false;
        swap = true;
        break;
    case 5:
        op = b ? N_VQRSHL : N_VRSHL;
        no64 = false;
        swap = true;
        break;
    case 6: op = b ? N_VMIN : N_VMAX; break;
    case 7: op = b ? N_VABA : N_VABD; break;
    case 8:
        if (!b) {
            op = u ? N_VSUB : N_VADD;
            no64 = false;
        } else {
            op = u ? N_VCEQ : N_VTST;
        }
        break;
    case 9:
        if (!b)
            op = u ? N_VMLS : N_VMLA;
        else if (u)
            op = size == 0 ? N_VMULP : -1;
        else
            op = N_VMUL;
        break;
    case 10:
        op = b ? N_VPMIN : N_VPMAX;
        d_only = true;
        break;
    case 11:
        if (!b)
            op = (size == 0) ? -1 : (u ? N_VQRDMULH : N_VQDMULH);
        else if (!u)
            op = N_VPADD, d_only = true;
        break;
    case 13:
    case 14:
    case 15: {
        fp = true;
        if (size & 1) return false; /* only single precision */
        bool hi = size & 2;
        static const int ops[3][2][2][2] = {
            /* [opc - 13][b][u][hi] */
            {{{N_FADD, N_FSUB}, {N_FPADD, N_FABD}}, {{N_FMLA, N_FMLS}, {N_FMUL, -1}}},
            {{{N_FCEQ, -1}, {N_FCGE, N_FCGT}}, {{-1, -1}, {N_FACGE, N_FACGT}}},
            {{{N_FMAX, N_FMIN}, {N_FPMAX, N_FPMIN}}, {{N_FRECPS, N_FRSQRTS}, {-1, -1}}},
        };
        op = ops[opc - 13][b][u][hi];
        d_only = op == N_FPADD || op == N_FPMAX || op == N_FPMIN;
        size = 2;
        break;
    }
    default: return false;
    }
    if (op < 0 || (!fp && no64 && size == 3) || (d_only && q)) return false;
    call_neon(t, (unsigned)op, size, q, u, false, d, swap ? m : n, swap ? n : m, 0);
    return true;
}

/* ---- one register and a modified immediate ---- */

/* AdvSIMDExpandImm: the 64-bit value (high, low words). */
static bool expand_immediate(unsigned op, unsigned cmode, unsigned imm8, uint32_t *hi, uint32_t *lo)
{
    uint32_t v;
    switch (cmode >> 1) {
    case 0: v = imm8; break;
    case 1: v = imm8 << 8; break;
    case 2: v = imm8 << 16; break;
    case 3: v = imm8 << 24; break;
    case 4: v = imm8 * 0x00010001u; break;
    case 5: v = (imm8 << 8) * 0x00010001u; break;
    case 6: v = (cmode & 1) ? (imm8 << 16) | 0xffff : (imm8 << 8) | 0xff; break;
    default:
        if (!(cmode & 1) && !op) {
            v = imm8 * 0x01010101u;
        } else if (!(cmode & 1)) {
            uint32_t bytes[2] = {0, 0};
            for (unsigned i = 0; i < 8; i++)
                if (imm8 & (1u << i)) bytes[i / 4] |= 0xffu << (8 * (i % 4));
            *lo = bytes[0];
            *hi = bytes[1];
            return true;
        } else if (!op) {
            uint32_t b6 = (imm8 >> 6) & 1;
            v = (imm8 >> 7) << 31 | (b6 ? 0x3e000000u : 0x40000000u) | (imm8 & 0x3f) << 19;
        } else {
            return false;
        }
        break;
    }
    *lo = *hi = v;
    return true;
}

static bool modified_immediate(arm_tctx *t, uint32_t insn)
{
    unsigned cmode = (insn >> 8) & 15, op = (insn >> 5) & 1;
    bool q = (insn >> 6) & 1;
    unsigned d = field_d(insn);
    unsigned imm8 = ((insn >> 17) & 0x80) | ((insn >> 12) & 0x70) | (insn & 15);
    if (q && (d & 1)) return false;
    uint32_t hi, lo;
    if (!expand_immediate(op, cmode, imm8, &hi, &lo)) return false;
    /* What to do with the immediate: VMOV, VMVN (op = 1), VORR, VBIC (op = 1). */
    bool logic = (cmode & 1) && cmode < 12;
    bool invert = op && !(cmode == 14);
    if (invert) {
        hi = ~hi;
        lo = ~lo;
    }
    bb_ir_block *blk = t->blk;
    for (unsigned r = 0; r < (q ? 2u : 1u); r++) {
        uint32_t offs[2] = {ARM_OFF_D_LO(d + r), ARM_OFF_D_HI(d + r)};
        uint32_t vals[2] = {lo, hi};
        for (unsigned w = 0; w < 2; w++) {
            bb_ir_temp v = constant(t, vals[w]);
            if (logic) /* VORR: d | imm; VBIC: d & ~imm (imm already inverted) */
                v = bb_ir_binop(blk, op ? BB_IR_AND : BB_IR_OR, bb_ir_get(blk, offs[w]), v);
            bb_ir_set(blk, offs[w], v);
        }
    }
    return true;
}

/* ---- two registers and a shift amount ---- */

static bool shift_immediate(arm_tctx *t, uint32_t insn)
{
    unsigned opc = (insn >> 8) & 15, imm6 = (insn >> 16) & 63;
    bool l = (insn >> 7) & 1, q = (insn >> 6) & 1, u = (insn >> 24) & 1;
    unsigned d = field_d(insn), m = field_m(insn);
    unsigned size;
    if (l)
        size = 3;
    else if (imm6 & 32)
        size = 2;
    else if (imm6 & 16)
        size = 1;
    else
        size = 0;
    unsigned esize = 8u << size;
    unsigned right = (l ? 64 : 16u << size) - imm6; /* 1 .. esize */
    unsigned left = l ? imm6 : imm6 - esize;        /* 0 .. esize - 1 */
    int op;
    uint32_t amount = right;
    switch (opc) {
    case 0: op = N_VSHR; break;
    case 1: op = N_VSRA; break;
    case 2: op = N_VRSHR; break;
    case 3: op = N_VRSRA; break;
    case 4: op = u ? N_VSRI : -1; break;
    case 5: op = u ? N_VSLI : N_VSHLI, amount = left; break;
    case 6: op = u ? N_VQSHLUI : -1, amount = left; break;
    case 7: op = N_VQSHLI, amount = left; break;
    case 8:
    case 9:
        if (l || (m & 1)) return false;
        if (opc == 8)
            op = u ? (q ? N_VQRSHRUN : N_VQSHRUN) : (q ? N_VRSHRN : N_VSHRN);
        else
            op = q ? N_VQRSHRN : N_VQSHRN;
        call_neon(t, (unsigned)op, size, false, u, false, d, 0, m, amount);
        return true;
    case 10:
        if (l || q || (d & 1)) return false;
        call_neon(t, N_VSHLL, size, false, u, false, d, 0, m, left);
        return true;
    case 14:
    case 15:
        if (l || !(imm6 & 32) || odd_q(q, d, m, 0)) return false;
        call_neon(t, opc == 14 ? N_VCVT_X2F : N_VCVT_F2X, 2, q, u, false, d, 0, m, 64 - imm6);
        return true;
    default: return false;
    }
    if (op < 0 || odd_q(q, d, m, 0)) return false;
    call_neon(t, (unsigned)op, size, q, u, false, d, 0, m, amount);
    return true;
}

/* ---- three registers of different lengths ---- */

static bool three_different(arm_tctx *t, uint32_t insn)
{
    unsigned opc = (insn >> 8) & 15, size = (insn >> 20) & 3;
    bool u = (insn >> 24) & 1;
    unsigned d = field_d(insn), n = field_n(insn), m = field_m(insn);
    static const int ops[16][2] = {
        {N_VADDL, N_VADDL},    {N_VADDW, N_VADDW}, {N_VSUBL, N_VSUBL},    {N_VSUBW, N_VSUBW},
        {N_VADDHN, N_VRADDHN}, {N_VABAL, N_VABAL}, {N_VSUBHN, N_VRSUBHN}, {N_VABDL, N_VABDL},
        {N_VMLAL, N_VMLAL},    {N_VQDMLAL, -1},    {N_VMLSL, N_VMLSL},    {N_VQDMLSL, -1},
        {N_VMULL, N_VMULL},    {N_VQDMULL, -1},    {N_VMULLP, -1},        {-1, -1},
    };
    int op = ops[opc][u];
    if (op < 0) return false;
    bool narrow = op == N_VADDHN || op == N_VRADDHN || op == N_VSUBHN || op == N_VRSUBHN;
    bool wide_n = narrow || op == N_VADDW || op == N_VSUBW;
    if ((!narrow && (d & 1)) || (wide_n && (n & 1)) || (narrow && (m & 1))) return false;
    if ((op == N_VQDMLAL || op == N_VQDMLSL || op == N_VQDMULL) && size == 0) return false;
    if (op == N_VMULLP && size != 0) return false;
    call_neon(t, (unsigned)op, size, false, u, false, d, n, m, 0);
    return true;
}

/* ---- two registers and a scalar ---- */

static bool scalar_op(arm_tctx *t, uint32_t insn)
{
    unsigned opc = (insn >> 8) & 15, size = (insn >> 20) & 3;
    bool bit24 = (insn >> 24) & 1;
    unsigned d = field_d(insn), n = field_n(insn);
    if (size == 0 || size == 3) return false;
    unsigned m, index;
    if (size == 1) {
        m = insn & 7;
        index = ((insn >> 4) & 2) | ((insn >> 3) & 1);
    } else {
        m = insn & 15;
        index = (insn >> 5) & 1;
    }
    static const int ops[16] = {N_VMLA,    N_FMLA,     N_VMLAL, N_VQDMLAL, N_VMLS,  N_FMLS,
                                N_VMLSL,   N_VQDMLSL,  N_VMUL,  N_FMUL,    N_VMULL, N_VQDMULL,
                                N_VQDMULH, N_VQRDMULH, -1,      -1};
    int op = ops[opc];
    if (op < 0) return false;
    bool is_float = op == N_FMLA || op == N_FMLS || op == N_FMUL;
    bool is_long = op == N_VMLAL || op == N_VMLSL || op == N_VMULL || op == N_VQDMLAL ||
                   op == N_VQDMLSL || op == N_VQDMULL;
    if (is_float && size != 2) return false;
    if (is_long) {
        bool is_q = op == N_VQDMLAL || op == N_VQDMLSL || op == N_VQDMULL;
        if ((d & 1) || (is_q && bit24)) return false;
        call_neon(t, (unsigned)op, size, false, is_q ? false : bit24, true, d, n, m, index);
        return true;
    }
    bool q = bit24;
    if (odd_q(q, d, n, 0)) return false;
    call_neon(t, (unsigned)op, size, q, false, true, d, n, m, index);
    return true;
}

/* ---- two registers, miscellaneous ---- */

static bool misc(arm_tctx *t, uint32_t insn)
{
    unsigned size = (insn >> 18) & 3, a = (insn >> 16) & 3, b = (insn >> 6) & 31;
    bool q = b & 1;
    unsigned d = field_d(insn), m = field_m(insn);
    unsigned top = b >> 1; /* B<4:1> */
    int op = -1;
    bool u = false, narrow = false, widen = false;
    switch (a) {
    case 0:
        switch (top >> 1) {
        case 0: op = top & 1 ? N_VREV32 : N_VREV64; break;
        case 1: op = top & 1 ? -1 : N_VREV16; break;
        case 2:
            op = N_VPADDL;
            u = top & 1;
            break;
        case 3: return false;
        case 4: op = top & 1 ? N_VCLZ : N_VCLS; break;
        case 5: op = top & 1 ? N_VMVN : N_VCNT; break;
        case 6:
            op = N_VPADAL;
            u = top & 1;
            break;
        default: op = top & 1 ? N_VQNEG : N_VQABS; break;
        }
        if ((op == N_VREV64 && size == 3) || (op == N_VREV32 && size >= 2) ||
            (op == N_VREV16 && size != 0) || ((op == N_VCNT || op == N_VMVN) && size != 0) ||
            ((op == N_VCLS || op == N_VCLZ || op == N_VQABS || op == N_VQNEG || op == N_VPADDL ||
              op == N_VPADAL) &&
             size == 3))
            return false;
        break;
    case 1: { /* B<4> = F (single precision), B<3:1> = the operation */
        bool f = top & 8;
        static const int ints[8] = {N_VCGT0, N_VCGE0, N_VCEQ0, N_VCLE0,
                                    N_VCLT0, -1,      N_VABS,  N_VNEG};
        static const int floats[8] = {N_FCGT0, N_FCGE0, N_FCEQ0, N_FCLE0,
                                      N_FCLT0, -1,      N_FABS,  N_FNEG};
        op = f ? floats[top & 7] : ints[top & 7];
        if (size == 3 || (f && size != 2)) return false;
        break;
    }
    case 2:
        switch (top) {
        case 0:
            op = N_VSWP;
            if (size != 0) return false;
            break;
        case 1: op = N_VTRN; break;
        case 2: op = N_VUZP; break;
        case 3: op = N_VZIP; break;
        case 4:
            op = q ? N_VQMOVUN : N_VMOVN;
            narrow = true;
            break;
        case 5:
            op = N_VQMOVN;
            u = q;
            narrow = true;
            break;
        case 6:
            if (q) return false;
            op = N_VSHLL_MAX;
            widen = true;
            break;
        case 12:
        case 14:
            if (q || size != 1 || !arm_feature(t, ARM_FEATURE_VFP_FP16)) return false;
            if (top == 12) {
                if (m & 1) return false;
                call_neon(t, N_VCVT_F16_F32, 2, false, false, false, d, 0, m, 0);
            } else {
                if (d & 1) return false;
                call_neon(t, N_VCVT_F32_F16, 2, false, false, false, d, 0, m, 0);
            }
            return true;
        default: return false;
        }
        if (size == 3) return false;
        if ((op == N_VUZP || op == N_VZIP) && !q && size == 2) return false;
        if (narrow) {
            if (m & 1) return false;
            call_neon(t, (unsigned)op, size, false, u, false, d, 0, m, 0);
            return true;
        }
        if (widen) {
            if (d & 1) return false;
            call_neon(t, (unsigned)op, size, false, false, false, d, 0, m, 0);
            return true;
        }
        break;
    default:
        if ((top & 12) == 8) { /* VRECPE, VRSQRTE */
            bool f = top & 2;
            op = (top & 1) ? (f ? N_FRSQRTE : N_VRSQRTE) : (f ? N_FRECPE : N_VRECPE);
        } else if ((top & 12) == 12) { /* VCVT between single and integer */
            op = (top & 2) ? N_VCVT_F2I : N_VCVT_I2F;
            u = top & 1;
        } else {
            return false;
        }
        if (size != 2) return false;
        break;
    }
    if (op < 0 || odd_q(q, d, m, 0)) return false;
    call_neon(t, (unsigned)op, size, q, u, false, d, 0, m, 0);
    return true;
}

static bool data_processing(arm_tctx *t, uint32_t insn)
{
    unsigned a = (insn >> 19) & 31, c = (insn >> 4) & 15;
    bool u = (insn >> 24) & 1;
    if (!(a & 0x10)) return three_same(t, insn);
    if (c & 1) {
        if (!(c & 8) && (a & 0x17) == 0x10) return modified_immediate(t, insn);
        return shift_immediate(t, insn);
    }
    if ((a & 0x16) != 0x16) {
        if (!(c & 4)) return three_different(t, insn);
        return scalar_op(t, insn);
    }
    unsigned d = field_d(insn), n = field_n(insn), m = field_m(insn);
    unsigned b = (insn >> 8) & 15;
    bool q = (insn >> 6) & 1;
    if (!u) { /* VEXT */
        unsigned imm4 = (insn >> 8) & 15;
        if (odd_q(q, d, n, m) || (!q && (imm4 & 8))) return false;
        call_neon(t, N_VEXT, 0, q, false, false, d, n, m, imm4);
        return true;
    }
    if (!(b & 8)) return misc(t, insn);
    if ((b & 12) == 8) { /* VTBL, VTBX */
        unsigned length = ((insn >> 8) & 3) + 1;
        if (n + length > 32) return false;
        call_neon(t, N_VTBL, 0, false, (insn >> 6) & 1, false, d, n, m, length);
        return true;
    }
    if (b == 12 && !(c & 9)) { /* VDUP (scalar) */
        unsigned imm4 = (insn >> 16) & 15, size, index;
        if (imm4 & 1)
            size = 0, index = imm4 >> 1;
        else if (imm4 & 2)
            size = 1, index = imm4 >> 2;
        else if (imm4 & 4)
            size = 2, index = imm4 >> 3;
        else
            return false;
        if (q && (d & 1)) return false;
        call_neon(t, N_VDUP_SCALAR, size, q, false, false, d, 0, m, index);
        return true;
    }
    return false;
}

/* ---- element and structure loads and stores ---- */

/* Element `index` of size (log2 bytes, 0-2) of Dreg: its word offset and bit shift. */
static uint32_t elem_word(unsigned reg, unsigned index, unsigned size, unsigned *shift)
{
    unsigned bit = (index << size) * 8;
    *shift = bit & 31;
    return bit < 32 ? ARM_OFF_D_LO(reg) : ARM_OFF_D_HI(reg);
}

static unsigned mem_of(unsigned size)
{
    return size == 0 ? BB_IR_MEM_8 : size == 1 ? BB_IR_MEM_16 : BB_IR_MEM_32;
}

static bb_ir_temp address(arm_tctx *t, bb_ir_temp base, uint32_t offset)
{
    return offset ? bb_ir_binop(t->blk, BB_IR_ADD, base, constant(t, offset)) : base;
}

/* One element (size 0-3) between memory at addr and Dreg[index]. */
static void transfer_elem(arm_tctx *t, bool load, unsigned reg, unsigned index, unsigned size,
                          bb_ir_temp addr)
{
    bb_ir_block *blk = t->blk;
    if (size == 3) {
        bb_ir_temp high = address(t, addr, 4);
        uint32_t lower, higher;
        arm_dreg_words(t, reg, &lower, &higher);
        if (load) {
            bb_ir_set(blk, lower, arm_gen_load(t, BB_IR_MEM_32, addr, false));
            bb_ir_set(blk, higher, arm_gen_load(t, BB_IR_MEM_32, high, false));
        } else {
            arm_gen_store(t, BB_IR_MEM_32, addr, bb_ir_get(blk, lower), false);
            arm_gen_store(t, BB_IR_MEM_32, high, bb_ir_get(blk, higher), false);
        }
        return;
    }
    unsigned shift;
    uint32_t word = elem_word(reg, index, size, &shift);
    if (!load) {
        bb_ir_temp v = bb_ir_get(blk, word);
        if (shift) v = bb_ir_binop(blk, BB_IR_SHR, v, constant(t, shift));
        arm_gen_store(t, mem_of(size), addr, v, false);
        return;
    }
    bb_ir_temp v = arm_gen_load(t, mem_of(size), addr, false);
    if (size == 2) {
        bb_ir_set(blk, word, v);
        return;
    }
    uint32_t mask = (size == 0 ? 0xffu : 0xffffu) << shift;
    if (shift) v = bb_ir_binop(blk, BB_IR_SHL, v, constant(t, shift));
    bb_ir_temp old = bb_ir_binop(blk, BB_IR_ANDN, bb_ir_get(blk, word), constant(t, mask));
    bb_ir_set(blk, word, bb_ir_binop(blk, BB_IR_OR, old, v));
}

/* VLDn/VSTn (multiple n-element structures): bytes transferred, or 0 if undefined. */
static unsigned multiple(arm_tctx *t, uint32_t insn, bool load, bb_ir_temp base)
{
    unsigned type = (insn >> 8) & 15, size = (insn >> 6) & 3, align = (insn >> 4) & 3;
    unsigned d = field_d(insn);
    unsigned n, regs, inc;
    switch (type) {
    case 7: n = 1, regs = 1, inc = 1; break;
    case 10: n = 1, regs = 2, inc = 1; break;
    case 6: n = 1, regs = 3, inc = 1; break;
    case 2: n = 1, regs = 4, inc = 1; break;
    case 8: n = 2, regs = 1, inc = 1; break;
    case 9: n = 2, regs = 1, inc = 2; break;
    case 3: n = 2, regs = 2, inc = 2; break;
    case 4: n = 3, regs = 1, inc = 1; break;
    case 5: n = 3, regs = 1, inc = 2; break;
    case 0: n = 4, regs = 1, inc = 1; break;
    case 1: n = 4, regs = 1, inc = 2; break;
    default: return 0;
    }
    if (n == 1) {
        if ((regs == 1 && (align & 2)) || (regs == 3 && (align & 2)) || d + regs > 32) return 0;
        /* Consecutive bytes: a D register at a time (in big-endian state only for 64-bit
         * elements; smaller ones each swap on their own, below). */
        if (!t->big_endian || size == 3) {
            for (unsigned r = 0; r < regs; r++)
                transfer_elem(t, load, d + r, 0, 3, address(t, base, 8 * r));
            return 8 * regs;
        }
    } else if (size == 3 || (n == 3 && (align & 2))) {
        return 0;
    }
    if (d + (n - 1) * inc + (regs - 1) > 31) return 0;
    unsigned ebytes = 1u << size, elements = 8 >> size;
    uint32_t offset = 0;
    for (unsigned r = 0; r < regs; r++) {
        for (unsigned e = 0; e < elements; e++) {
            for (unsigned i = 0; i < n; i++) {
                unsigned reg = d + r + i * inc;
                transfer_elem(t, load, reg, e, size, address(t, base, offset));
                offset += ebytes;
            }
        }
    }
    return offset;
}

/* VLDn (single n-element structure to one lane, or to all lanes) and VSTn (one lane). */
static unsigned single(arm_tctx *t, uint32_t insn, bool load, bb_ir_temp base)
{
    unsigned size = (insn >> 10) & 3, n = ((insn >> 8) & 3) + 1;
    unsigned d = field_d(insn);
    bb_ir_block *blk = t->blk;
    if (size == 3) { /* all lanes */
        if (!load) return 0;
        size = (insn >> 6) & 3;
        bool tbit = (insn >> 5) & 1;
        unsigned count = n == 1 ? (tbit ? 2 : 1) : n, inc = n == 1 ? 1 : (tbit ? 2 : 1);
        if (size == 3 && !(n == 4)) return 0;
        if (size == 3) size = 2; /* VLD4 with 16-byte alignment: 32-bit elements */
        if (d + (count - 1) * inc > 31) return 0;
        unsigned ebytes = 1u << size;
        for (unsigned i = 0; i < count; i++) {
            unsigned reg = d + i * inc;
            uint32_t offset = n == 1 ? 0 : i * ebytes;
            bb_ir_temp v = arm_gen_load(t, mem_of(size), address(t, base, offset), false);
            if (size == 0)
                v = bb_ir_binop(blk, BB_IR_MUL, v, constant(t, 0x01010101u));
            else if (size == 1)
                v = bb_ir_binop(blk, BB_IR_MUL, v, constant(t, 0x00010001u));
            bb_ir_set(blk, ARM_OFF_D_LO(reg), v);
            bb_ir_set(blk, ARM_OFF_D_HI(reg), v);
        }
        return n * ebytes;
    }
    unsigned index_align = (insn >> 4) & 15, index, inc = 1;
    switch (size) {
    case 0: index = index_align >> 1; break;
    case 1:
        index = index_align >> 2;
        if (index_align & 2) inc = 2;
        break;
    default:
        index = index_align >> 3;
        if (index_align & 4) inc = 2;
        break;
    }
    if (n == 1) inc = 1;
    if (d + (n - 1) * inc > 31) return 0;
    unsigned ebytes = 1u << size;
    for (unsigned i = 0; i < n; i++)
        transfer_elem(t, load, d + i * inc, index, size, address(t, base, i * ebytes));
    return n * ebytes;
}

/* The alignment in bytes that an element or structure load/store's qualifier asks for
 * (1: none), from the A32 encoding. */
static uint32_t qualified_alignment(uint32_t insn)
{
    unsigned n = ((insn >> 8) & 3) + 1, size = (insn >> 10) & 3;
    if (!((insn >> 23) & 1)) { /* multiple structures: 64, 128 or 256 bits */
        unsigned align = (insn >> 4) & 3;
        return align ? 4u << align : 1;
    }
    if (size == 3) { /* to all lanes: bit 4 */
        unsigned element = 1u << ((insn >> 6) & 3);
        if (!((insn >> 4) & 1) || n == 3) return 1;
        if (n == 4) return element == 1 ? 4 : element == 8 ? 16 : 8;
        return n * element;
    }
    unsigned index_align = (insn >> 4) & 15;
    switch (n) {
    case 1:
        if (size == 1) return (index_align & 3) == 1 ? 2 : 1;
        return size == 2 && (index_align & 7) == 3 ? 4 : 1;
    case 2: return (index_align & 1) ? 2u << size : 1;
    case 4:
        if (size < 2) return (index_align & 1) ? 4u << size : 1;
        return (index_align & 3) == 1 ? 8 : (index_align & 3) == 2 ? 16 : 1;
    default: return 1;
    }
}

/* The alignment check of an element or structure load/store at the address in rn: the
 * qualifier's, and with SCTLR.A set the 8 bytes of the 64-bit elements VLD1/VST1 transfer
 * as words (smaller elements fault in the memory slow path, see arm_misaligned). */
static void check_alignment(arm_tctx *t, uint32_t insn, unsigned rn, bool load)
{
    uint32_t align = qualified_alignment(insn);
    unsigned type = (insn >> 8) & 15;
    bool words_of_64 = !((insn >> 23) & 1) && ((insn >> 6) & 3) == 3 &&
                       (type == 7 || type == 10 || type == 6 || type == 2);
    if (align == 1 && !words_of_64) return;
    bb_ir_temp mask = constant(t, align - 1);
    if (words_of_64 && align < 8) {
        uint32_t control = (uint32_t)offsetof(bb_arm_cpu, cp15.control);
        bb_ir_temp a = bb_ir_binop(t->blk, BB_IR_AND, bb_ir_get(t->blk, control), constant(t, 2));
        mask = bb_ir_select(t->blk, a, constant(t, 7), mask);
    }
    arm_gen_check_alignment(t, arm_gen_reg(t, (int)rn), mask, !load);
}

static bool load_store(arm_tctx *t, uint32_t insn)
{
    bool all_structures = !((insn >> 23) & 1), load = (insn >> 21) & 1;
    unsigned rn = (insn >> 16) & 15, rm = insn & 15;
    if (rn == 15) return false;
    check_alignment(t, insn, rn, load);
    bb_ir_temp base = arm_gen_reg(t, (int)rn);
    unsigned bytes = all_structures ? multiple(t, insn, load, base) : single(t, insn, load, base);
    if (bytes == 0) return false;
    if (rm != 15) {
        bb_ir_temp step = rm == 13 ? constant(t, bytes) : arm_gen_reg(t, (int)rm);
        arm_gen_set_reg(t, (int)rn, bb_ir_binop(t->blk, BB_IR_ADD, base, step));
    }
    return true;
}

void arm_translate_neon(arm_tctx *t)
{
    uint32_t insn = t->insn;
    if (!arm_feature(t, ARM_FEATURE_NEON) || !(t->blk->flags & ARM_TBF_VFP_EN)) {
        arm_gen_undef(t);
        return;
    }
    if (t->thumb) { /* to the A32 form */
        if ((insn & 0xef000000) == 0xef000000)
            insn = 0xf2000000 | ((insn >> 4) & 0x01000000) | (insn & 0x00ffffff);
        else if ((insn & 0xff100000) == 0xf9000000)
            insn = 0xf4000000 | (insn & 0x00ffffff);
        else
            insn = 0;
    }
    bool ok;
    if ((insn & 0xfe000000) == 0xf2000000)
        ok = data_processing(t, insn);
    else if ((insn & 0xff100000) == 0xf4000000)
        ok = load_store(t, insn);
    else
        ok = false;
    if (!ok) arm_gen_undef(t);
}
