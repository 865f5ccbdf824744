/*
 * backend_x86_64.c: the native backend: compiles a block's optimized IR into x86-64 code.
 *
 * Generated code runs inside a frame set up by an entry trampoline (written once at the
 * start of the code buffer): the callee-saved registers are saved, RBP holds the bb_cpu
 * pointer for the whole run, and RSP points at a fixed frame holding a save area for
 * caller-saved registers (around calls) and spill slots. Blocks jump to each other within
 * that frame and leave through the shared epilogue with the execute() result in RAX.
 *
 * Compilation is two passes over the IR. The first (x86_64_alloc.c) computes each temp's
 * definition, uses and last use, folds single-use GETs into the instruction that uses them (a
 * memory operand) and results that only feed the SET just after into that field, reads ADC*(a, NOT
 * x, 1) - the IR's subtraction - as a - x, fuses a comparison into the conditional branch that
 * tests it (cmp + jcc), and gives every remaining temp one location for its whole life - a host
 * register, or a spill slot when more than twelve values are live (linear scan, the furthest-ending
 * interval is spilled). Temps that live across a helper call prefer callee-saved registers.
 * The second pass emits the code: the block entry (budget check), the body, then the
 * out-of-line parts (budget undo, exit stubs, load/store slow paths) after it.
 *
 * Register use: RBP = cpu; RAX and RCX are scratch (never hold temps; RCX is the shift
 * count); RBX, RDX, RSI, RDI and R8-R15 hold temps.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jit/x86_64_gen.h"

/* An operand as the emitters see it. */
enum { O_REG, O_IMM, O_MEM };
typedef struct opnd {
    uint8_t kind;
    int8_t reg;
    uint32_t imm;
    bb_x86_rm mem;
} opnd;

static void add_fixup(gen *g, uint32_t label, uint32_t at)
{
    x64_state *st = g->st;
    if (!x64_grow((void **)&st->fixups, &st->fixups_cap, st->n_fixups + 1, sizeof(fixup))) {
        g->failed = true;
        return;
    }
    st->fixups[st->n_fixups++] = (fixup){label, at};
}

static void add_cold(gen *g, int kind, int insn, uint32_t jump_at, uint32_t resume)
{
    x64_state *st = g->st;
    if (!x64_grow((void **)&st->colds, &st->colds_cap, st->n_colds + 1, sizeof(cold_item))) {
        g->failed = true;
        return;
    }
    st->colds[st->n_colds++] = (cold_item){(uint8_t)kind, insn, jump_at, resume};
}

/* ---- operands ---- */

static opnd imm_opnd(uint32_t v)
{
    opnd o = {O_IMM, BB_X86_NOREG, v, bb_x86_reg_rm(BB_X86_NOREG)};
    return o;
}

static opnd reg_opnd(int reg)
{
    opnd o = {O_REG, (int8_t)reg, 0, bb_x86_reg_rm(reg)};
    return o;
}

static opnd mem_opnd(int base, int32_t disp)
{
    opnd o = {O_MEM, BB_X86_NOREG, 0, bb_x86_mem(base, disp)};
    return o;
}

static int32_t slot_disp(int slot)
{
    return SPILL_BASE + 4 * slot;
}

static opnd operand(const gen *g, bb_ir_temp t)
{
    if (!x64_valid_temp(g, t)) return imm_opnd(0);
    const temp_info *ti = &g->t[t];
    switch (ti->kind) {
    case T_REG: return reg_opnd(ti->reg);
    case T_SLOT: return mem_opnd(BB_X86_RSP, slot_disp(ti->slot));
    case T_CONST: return imm_opnd(ti->value);
    case T_GETMEM: return mem_opnd(CPU_REG, (int32_t)ti->value);
    default: return imm_opnd(0);
    }
}

static bb_x86_rm rm_of(opnd o)
{
    return o.kind == O_REG ? bb_x86_reg_rm(o.reg) : o.mem;
}

static bool in_reg(opnd o, int reg)
{
    return o.kind == O_REG && o.reg == reg;
}

/* reg = o, zero-extended; never changes the host flags. */
static void load(gen *g, int reg, opnd o)
{
    switch (o.kind) {
    case O_REG:
        if (o.reg != reg) bb_x86_mov_reg_rm(&g->b, 4, reg, bb_x86_reg_rm(o.reg));
        break;
    case O_IMM: bb_x86_mov_reg_imm32(&g->b, reg, o.imm); break;
    default: bb_x86_mov_reg_rm(&g->b, 4, reg, o.mem); break;
    }
}

/* op reg, o (32-bit). */
static void alu(gen *g, int op, int reg, opnd o)
{
    if (o.kind == O_IMM)
        bb_x86_alu_rm_imm(&g->b, op, 4, bb_x86_reg_rm(reg), (int32_t)o.imm);
    else
        bb_x86_alu_reg_rm(&g->b, op, 4, reg, rm_of(o));
}

/* The register an instruction computes its result in: the temp's own, or RAX. */
static int dst_reg(const gen *g, bb_ir_temp t)
{
    if (x64_valid_temp(g, t) && g->t[t].kind == T_REG) return g->t[t].reg;
    return BB_X86_RAX;
}

/* Stores the result computed in `reg` where the temp lives, if that is memory. */
static void dst_done(gen *g, bb_ir_temp t, int reg)
{
    if (!x64_valid_temp(g, t)) return;
    if (g->t[t].kind == T_SLOT)
        bb_x86_mov_rm_reg(&g->b, 4, bb_x86_mem(BB_X86_RSP, slot_disp(g->t[t].slot)), reg);
    else if (g->t[t].kind == T_SETMEM)
        bb_x86_mov_rm_reg(&g->b, 4, bb_x86_mem(CPU_REG, (int32_t)g->t[t].value), reg);
}

static bool dead(const gen *g, bb_ir_temp t)
{
    return !x64_valid_temp(g, t) || g->t[t].kind == T_NONE;
}

static void swap_opnd(opnd *a, opnd *b)
{
    opnd t = *a;
    *a = *b;
    *b = t;
}

/* ---- arithmetic ---- */

static int x86_alu_op(bb_ir_op op)
{
    switch (op) {
    case BB_IR_ADD: return BB_X86_ADD;
    case BB_IR_SUB: return BB_X86_SUB;
    case BB_IR_AND: return BB_X86_AND;
    case BB_IR_OR: return BB_X86_OR;
    default: return BB_X86_XOR;
    }
}

static void emit_mul(gen *g, int w, opnd a, opnd b)
{
    if (a.kind == O_IMM && b.kind != O_IMM) swap_opnd(&a, &b);
    if (b.kind == O_IMM) {
        if (a.kind == O_IMM) {
            load(g, w, a);
            a = reg_opnd(w);
        }
        bb_x86_imul_imm(&g->b, 4, w, rm_of(a), (int32_t)b.imm);
    } else if (in_reg(b, w) && !in_reg(a, w)) {
        bb_x86_imul(&g->b, 4, w, rm_of(a));
    } else {
        load(g, w, a);
        bb_x86_imul(&g->b, 4, w, rm_of(b));
    }
}

/* dst = a op b for ADD SUB AND OR XOR MUL ANDN. */
static void emit_arith(gen *g, bb_ir_op op, bb_ir_temp dst, opnd a, opnd b)
{
    int w = dst_reg(g, dst);
    bool identity = b.kind == O_IMM && b.imm == 0 &&
                    (op == BB_IR_ADD || op == BB_IR_SUB || op == BB_IR_OR || op == BB_IR_XOR);
    if ((a.kind == O_IMM && b.kind == O_IMM) || identity) {
        load(g, w, identity ? a : imm_opnd(bb_ir_eval(op, a.imm, b.imm, 0)));
        dst_done(g, dst, w);
        return;
    }
    if (op == BB_IR_MUL) {
        emit_mul(g, w, a, b);
        dst_done(g, dst, w);
        return;
    }
    if (op == BB_IR_ANDN) {
        if (b.kind == O_IMM) {
            op = BB_IR_AND;
            b.imm = ~b.imm;
        } else if ((g->st->features & BB_X86_HAS_BMI1) && a.kind != O_IMM) {
            int breg = b.kind == O_REG ? b.reg : BB_X86_RCX;
            if (b.kind != O_REG) load(g, BB_X86_RCX, b);
            bb_x86_andn(&g->b, 4, w, breg, rm_of(a));
            dst_done(g, dst, w);
            return;
        } else {
            load(g, BB_X86_RCX, b);
            bb_x86_not(&g->b, 4, bb_x86_reg_rm(BB_X86_RCX));
            load(g, w, a);
            bb_x86_alu_reg_rm(&g->b, BB_X86_AND, 4, w, bb_x86_reg_rm(BB_X86_RCX));
            dst_done(g, dst, w);
            return;
        }
    }
    bool comm = op != BB_IR_SUB;
    if (comm && a.kind == O_IMM && b.kind != O_IMM) swap_opnd(&a, &b);
    if ((op == BB_IR_ADD || op == BB_IR_SUB) && a.kind == O_REG && a.reg != w &&
        (b.kind == O_IMM || (op == BB_IR_ADD && b.kind == O_REG))) {
        /* Three-operand add as lea. */
        if (b.kind == O_REG) {
            bb_x86_lea(&g->b, 4, w, bb_x86_mem_index(a.reg, b.reg, 1, 0));
        } else {
            uint32_t k = op == BB_IR_ADD ? b.imm : 0u - b.imm;
            bb_x86_lea(&g->b, 4, w, bb_x86_mem(a.reg, (int32_t)k));
        }
    } else if (in_reg(b, w) && !in_reg(a, w)) {
        if (comm) {
            alu(g, x86_alu_op(op), w, a);
        } else { /* w = b - a computed as -b + a */
            bb_x86_neg(&g->b, 4, bb_x86_reg_rm(w));
            alu(g, BB_X86_ADD, w, a);
        }
    } else {
        load(g, w, a);
        alu(g, x86_alu_op(op), w, b);
    }
    dst_done(g, dst, w);
}

static void emit_binop(gen *g, const bb_ir_insn *in)
{
    emit_arith(g, (bb_ir_op)in->op, in->dst, operand(g, in->a), operand(g, in->b));
}

static void emit_shift(gen *g, const bb_ir_insn *in)
{
    bb_ir_op op = (bb_ir_op)in->op;
    int w = dst_reg(g, in->dst);
    opnd a = operand(g, in->a), b = operand(g, in->b);
    int x86op = op == BB_IR_SHL   ? BB_X86_SHL
                : op == BB_IR_SHR ? BB_X86_SHR
                : op == BB_IR_SAR ? BB_X86_SAR
                                  : BB_X86_ROR;
    bb_x86_rm wr = bb_x86_reg_rm(w);
    if (b.kind == O_IMM) {
        uint32_t k = b.imm;
        if (op == BB_IR_ROR) k &= 31;
        if (op == BB_IR_SAR && k > 31) k = 31;
        if (k >= 32) {
            bb_x86_mov_reg_imm32(&g->b, w, 0);
        } else if (op == BB_IR_ROR && k && a.kind != O_IMM && (g->st->features & BB_X86_HAS_BMI2)) {
            bb_x86_rorx(&g->b, 4, w, rm_of(a), (uint8_t)k);
        } else {
            load(g, w, a);
            if (k) bb_x86_shift_imm(&g->b, x86op, 4, wr, (uint8_t)k);
        }
        dst_done(g, in->dst, w);
        return;
    }
    load(g, BB_X86_RCX, b);
    load(g, w, a);
    if (op == BB_IR_SAR) {
        /* A count above 31 gives 32 copies of the sign: shift by 31. */
        bb_x86_alu_rm_imm(&g->b, BB_X86_CMP, 4, bb_x86_reg_rm(BB_X86_RCX), 31);
        uint32_t skip = bb_x86_jcc8(&g->b, BB_X86_CC_BE);
        bb_x86_mov_reg_imm32(&g->b, BB_X86_RCX, 31);
        bb_x86_patch_rel8(&g->b, skip, bb_x86_offset(&g->b));
    }
    bb_x86_shift_cl(&g->b, x86op, 4, wr);
    if (op == BB_IR_SHL || op == BB_IR_SHR) {
        /* x86 counts modulo 32; a count of 32 or more gives 0. */
        bb_x86_alu_rm_imm(&g->b, BB_X86_CMP, 4, bb_x86_reg_rm(BB_X86_RCX), 32);
        uint32_t skip = bb_x86_jcc8(&g->b, BB_X86_CC_B);
        bb_x86_mov_reg_imm32(&g->b, w, 0);
        bb_x86_patch_rel8(&g->b, skip, bb_x86_offset(&g->b));
    }
    dst_done(g, in->dst, w);
}

static void emit_unop(gen *g, const bb_ir_insn *in)
{
    int w = dst_reg(g, in->dst);
    opnd a = operand(g, in->a);
    if (in->op == BB_IR_CLZ) {
        if (a.kind == O_IMM) {
            load(g, BB_X86_RCX, a);
            a = reg_opnd(BB_X86_RCX);
        }
        if (g->st->features & BB_X86_HAS_LZCNT) {
            bb_x86_lzcnt(&g->b, 4, w, rm_of(a));
        } else {
            /* 31 - bsr, with 0 giving 32: bsr sets ZF for 0, and 63 ^ 31 == 32. */
            bb_x86_bsr(&g->b, 4, BB_X86_RAX, rm_of(a));
            bb_x86_mov_reg_imm32(&g->b, BB_X86_RCX, 63);
            bb_x86_cmov(&g->b, BB_X86_CC_E, 4, BB_X86_RAX, bb_x86_reg_rm(BB_X86_RCX));
            bb_x86_alu_rm_imm(&g->b, BB_X86_XOR, 4, bb_x86_reg_rm(BB_X86_RAX), 31);
            load(g, w, reg_opnd(BB_X86_RAX));
        }
        dst_done(g, in->dst, w);
        return;
    }
    load(g, w, a);
    if (in->op == BB_IR_NOT)
        bb_x86_not(&g->b, 4, bb_x86_reg_rm(w));
    else if (in->op == BB_IR_NEG)
        bb_x86_neg(&g->b, 4, bb_x86_reg_rm(w));
    dst_done(g, in->dst, w);
}

/* reg (64-bit) = o sign-extended from 32 bits. */
static void load_signed64(gen *g, int reg, opnd o)
{
    if (o.kind == O_IMM)
        bb_x86_mov_reg_imm64(&g->b, reg, (uint64_t)(int64_t)(int32_t)o.imm);
    else
        bb_x86_movsxd(&g->b, reg, rm_of(o));
}

static void emit_mulh(gen *g, const bb_ir_insn *in)
{
    int w = dst_reg(g, in->dst);
    opnd a = operand(g, in->a), b = operand(g, in->b);
    if (in->op == BB_IR_MULHU) {
        load(g, BB_X86_RAX, a);
        load(g, BB_X86_RCX, b);
    } else {
        load_signed64(g, BB_X86_RAX, a);
        load_signed64(g, BB_X86_RCX, b);
    }
    bb_x86_imul(&g->b, 8, BB_X86_RAX, bb_x86_reg_rm(BB_X86_RCX));
    bb_x86_shift_imm(&g->b, BB_X86_SHR, 8, bb_x86_reg_rm(BB_X86_RAX), 32);
    load(g, w, reg_opnd(BB_X86_RAX));
    dst_done(g, in->dst, w);
}

/* cmp a, b for a comparison op; returns the host condition that means "holds". */
static int emit_compare(gen *g, bb_ir_op op, opnd a, opnd b)
{
    static const int8_t direct[] = {BB_X86_CC_E,  BB_X86_CC_NE, BB_X86_CC_B,
                                    BB_X86_CC_BE, BB_X86_CC_L,  BB_X86_CC_LE};
    static const int8_t swapped[] = {BB_X86_CC_E,  BB_X86_CC_NE, BB_X86_CC_A,
                                     BB_X86_CC_AE, BB_X86_CC_G,  BB_X86_CC_GE};
    int index = op - BB_IR_EQ;
    int cc = direct[index];
    if (a.kind == O_IMM && b.kind != O_IMM) {
        swap_opnd(&a, &b);
        cc = swapped[index];
    }
    if (a.kind == O_IMM) {
        load(g, BB_X86_RCX, a);
        a = reg_opnd(BB_X86_RCX);
    }
    if (b.kind == O_IMM && b.imm == 0 && a.kind == O_REG) {
        bb_x86_test_rm_reg(&g->b, 4, rm_of(a), a.reg);
    } else if (b.kind == O_IMM) {
        bb_x86_alu_rm_imm(&g->b, BB_X86_CMP, 4, rm_of(a), (int32_t)b.imm);
    } else if (b.kind == O_REG) {
        bb_x86_alu_rm_reg(&g->b, BB_X86_CMP, 4, rm_of(a), b.reg);
    } else if (a.kind == O_REG) {
        bb_x86_alu_reg_rm(&g->b, BB_X86_CMP, 4, a.reg, b.mem);
    } else {
        load(g, BB_X86_RCX, b);
        bb_x86_alu_rm_reg(&g->b, BB_X86_CMP, 4, rm_of(a), BB_X86_RCX);
    }
    return cc;
}

/* test a, b: "non-zero" is NE. */
static void emit_test(gen *g, opnd a, opnd b)
{
    if (a.kind == O_IMM && b.kind != O_IMM) swap_opnd(&a, &b);
    if (a.kind == O_IMM) {
        load(g, BB_X86_RCX, a);
        a = reg_opnd(BB_X86_RCX);
    }
    if (b.kind == O_IMM)
        bb_x86_test_rm_imm(&g->b, 4, rm_of(a), (int32_t)b.imm);
    else if (b.kind == O_REG)
        bb_x86_test_rm_reg(&g->b, 4, rm_of(a), b.reg);
    else if (a.kind == O_REG)
        bb_x86_test_rm_reg(&g->b, 4, b.mem, a.reg);
    else {
        load(g, BB_X86_RCX, b);
        bb_x86_test_rm_reg(&g->b, 4, rm_of(a), BB_X86_RCX);
    }
}

/* Sets ZF from "o == 0". */
static void emit_test_zero(gen *g, opnd o)
{
    if (o.kind == O_REG)
        bb_x86_test_rm_reg(&g->b, 4, rm_of(o), o.reg);
    else if (o.kind == O_MEM)
        bb_x86_alu_rm_imm(&g->b, BB_X86_CMP, 4, o.mem, 0);
    else {
        load(g, BB_X86_RCX, o);
        bb_x86_test_rm_reg(&g->b, 4, bb_x86_reg_rm(BB_X86_RCX), BB_X86_RCX);
    }
}

/* dst = (a op b) ? 1 : 0, or only the host flags when dst is fused into a branch. */
static void emit_compare_value(gen *g, bb_ir_op op, bb_ir_temp dst, opnd a, opnd b)
{
    temp_info *ti = &g->t[dst];
    if (ti->kind == T_FLAGS) {
        ti->cc = (uint8_t)emit_compare(g, op, a, b);
        return;
    }
    int w = dst_reg(g, dst);
    bool zero_first = !in_reg(a, w) && !in_reg(b, w);
    if (zero_first) bb_x86_alu_rm_reg(&g->b, BB_X86_XOR, 4, bb_x86_reg_rm(w), w);
    int cc = emit_compare(g, op, a, b);
    bb_x86_setcc(&g->b, cc, bb_x86_reg_rm(w));
    if (!zero_first) bb_x86_movzx(&g->b, 1, w, bb_x86_reg_rm(w));
    dst_done(g, dst, w);
}

static void emit_compare_op(gen *g, const bb_ir_insn *in)
{
    emit_compare_value(g, (bb_ir_op)in->op, in->dst, operand(g, in->a), operand(g, in->b));
}

/* For ADC*(a, b, 1) written as a subtraction a - x (b = NOT x, or a constant ~x): sets *x
 * and returns true. */
static bool as_subtraction(const gen *g, int i, const bb_ir_insn *in, opnd *x)
{
    if (g->st->subtrahend[i]) {
        *x = operand(g, g->st->subtrahend[i]);
        return true;
    }
    opnd b = operand(g, in->b), c = operand(g, in->c);
    if (b.kind == O_IMM && c.kind == O_IMM && c.imm == 1) {
        *x = imm_opnd(~b.imm);
        return true;
    }
    return false;
}

static void emit_adc(gen *g, int i, const bb_ir_insn *in)
{
    opnd x;
    if (g->st->subtrahend[i] && as_subtraction(g, i, in, &x)) {
        emit_arith(g, BB_IR_SUB, in->dst, operand(g, in->a), x);
        return;
    }
    int w = dst_reg(g, in->dst);
    opnd a = operand(g, in->a), b = operand(g, in->b), c = operand(g, in->c);
    if (a.kind == O_IMM && b.kind != O_IMM) swap_opnd(&a, &b);
    if (b.kind == O_IMM && c.kind == O_IMM) {
        emit_arith(g, BB_IR_ADD, in->dst, a, imm_opnd(b.imm + c.imm));
        return;
    }
    if (c.kind == O_IMM && a.kind == O_REG && b.kind == O_REG) {
        bb_x86_lea(&g->b, 4, w, bb_x86_mem_index(a.reg, b.reg, 1, (int32_t)c.imm));
        dst_done(g, in->dst, w);
        return;
    }
    /* r = a; r += b; r += c: r may be w unless that overwrites b or c before they are read. */
    int r = (!in_reg(c, w) && (!in_reg(b, w) || in_reg(a, w))) ? w : BB_X86_RAX;
    load(g, r, a);
    alu(g, BB_X86_ADD, r, b);
    if (!(c.kind == O_IMM && c.imm == 0)) alu(g, BB_X86_ADD, r, c);
    load(g, w, reg_opnd(r));
    dst_done(g, in->dst, w);
}

/* Adds o to RAX as 64-bit values (o zero-extended). */
static void add64(gen *g, opnd o)
{
    if (o.kind != O_REG) {
        load(g, BB_X86_RCX, o);
        o = reg_opnd(BB_X86_RCX);
    }
    bb_x86_alu_reg_rm(&g->b, BB_X86_ADD, 8, BB_X86_RAX, bb_x86_reg_rm(o.reg));
}

static void emit_adc_carry(gen *g, int i, const bb_ir_insn *in)
{
    opnd x;
    if (as_subtraction(g, i, in, &x)) { /* no borrow from a - x: x <= a */
        if (x.kind == O_IMM && x.imm == 0) {
            emit_arith(g, BB_IR_ADD, in->dst, imm_opnd(1), imm_opnd(0));
            return;
        }
        emit_compare_value(g, BB_IR_LEU, in->dst, x, operand(g, in->a));
        return;
    }
    int w = dst_reg(g, in->dst);
    opnd a = operand(g, in->a), b = operand(g, in->b), c = operand(g, in->c);
    load(g, BB_X86_RAX, a);
    if (c.kind == O_IMM && c.imm > 1) {
        /* Not a carry bit: the exact 64-bit sum. */
        add64(g, b);
        add64(g, c);
        bb_x86_shift_imm(&g->b, BB_X86_SHR, 8, bb_x86_reg_rm(BB_X86_RAX), 32);
        load(g, w, reg_opnd(BB_X86_RAX));
        dst_done(g, in->dst, w);
        return;
    }
    int op = BB_X86_ADC;
    if (c.kind == O_IMM) {
        if (c.imm)
            bb_x86_stc(&g->b);
        else
            op = BB_X86_ADD;
    } else {
        bb_x86_bt_imm(&g->b, 4, rm_of(c), 0); /* CF = c (0 or 1) */
    }
    alu(g, op, BB_X86_RAX, b);
    bb_x86_setcc(&g->b, BB_X86_CC_B, bb_x86_reg_rm(BB_X86_RAX));
    bb_x86_movzx(&g->b, 1, w, bb_x86_reg_rm(BB_X86_RAX));
    dst_done(g, in->dst, w);
}

static void emit_adc_ovf(gen *g, int i, const bb_ir_insn *in)
{
    int w = dst_reg(g, in->dst);
    opnd a = operand(g, in->a), x;
    if (as_subtraction(g, i, in, &x)) {
        /* with b = ~x: (r ^ a) & (a ^ x), r = a - x; 0 when x is 0 */
        if (x.kind == O_IMM && x.imm == 0) {
            emit_arith(g, BB_IR_ADD, in->dst, imm_opnd(0), imm_opnd(0));
            return;
        }
        /* x86's OF after cmp a, x is the overflow of a - x */
        bb_x86_alu_reg_rm(&g->b, BB_X86_XOR, 4, BB_X86_RAX, bb_x86_reg_rm(BB_X86_RAX));
        int minuend = BB_X86_RCX;
        if (a.kind == O_REG)
            minuend = a.reg;
        else
            load(g, BB_X86_RCX, a);
        alu(g, BB_X86_CMP, minuend, x);
        bb_x86_setcc(&g->b, BB_X86_CC_O, bb_x86_reg_rm(BB_X86_RAX));
        bb_x86_shift_imm(&g->b, BB_X86_SHL, 4, bb_x86_reg_rm(BB_X86_RAX), 31);
        load(g, w, reg_opnd(BB_X86_RAX));
        dst_done(g, in->dst, w);
        return;
    }
    opnd b = operand(g, in->b), c = operand(g, in->c);
    /* (r ^ a) & ~(a ^ b) with r = a + b + c */
    load(g, BB_X86_RAX, a);
    alu(g, BB_X86_ADD, BB_X86_RAX, b);
    if (!(c.kind == O_IMM && c.imm == 0)) alu(g, BB_X86_ADD, BB_X86_RAX, c);
    alu(g, BB_X86_XOR, BB_X86_RAX, a);
    load(g, BB_X86_RCX, a);
    alu(g, BB_X86_XOR, BB_X86_RCX, b);
    if (g->st->features & BB_X86_HAS_BMI1) {
        bb_x86_andn(&g->b, 4, BB_X86_RAX, BB_X86_RCX, bb_x86_reg_rm(BB_X86_RAX));
    } else {
        bb_x86_not(&g->b, 4, bb_x86_reg_rm(BB_X86_RCX));
        bb_x86_alu_reg_rm(&g->b, BB_X86_AND, 4, BB_X86_RAX, bb_x86_reg_rm(BB_X86_RCX));
    }
    bb_x86_alu_rm_imm(&g->b, BB_X86_AND, 4, bb_x86_reg_rm(BB_X86_RAX), (int32_t)0x80000000u);
    load(g, w, reg_opnd(BB_X86_RAX));
    dst_done(g, in->dst, w);
}

static void emit_select(gen *g, const bb_ir_insn *in)
{
    int w = dst_reg(g, in->dst);
    opnd a = operand(g, in->a), b = operand(g, in->b), c = operand(g, in->c);
    if (c.kind == O_IMM) {
        load(g, w, c.imm ? a : b);
        dst_done(g, in->dst, w);
        return;
    }
    emit_test_zero(g, c); /* ZF = (c == 0); the moves below keep the flags */
    if (in_reg(a, w)) {
        if (b.kind == O_IMM) {
            load(g, BB_X86_RCX, b);
            b = reg_opnd(BB_X86_RCX);
        }
        bb_x86_cmov(&g->b, BB_X86_CC_E, 4, w, rm_of(b));
    } else {
        if (a.kind == O_IMM) {
            load(g, BB_X86_RCX, a);
            a = reg_opnd(BB_X86_RCX);
        }
        load(g, w, b);
        bb_x86_cmov(&g->b, BB_X86_CC_NE, 4, w, rm_of(a));
    }
    dst_done(g, in->dst, w);
}

/* ---- guest state, memory and calls ---- */

static void emit_get(gen *g, const bb_ir_insn *in)
{
    int w = dst_reg(g, in->dst);
    bb_x86_mov_reg_rm(&g->b, 4, w, bb_x86_mem(CPU_REG, (int32_t)in->imm));
    dst_done(g, in->dst, w);
}

static void emit_set(gen *g, const bb_ir_insn *in)
{
    if (x64_valid_temp(g, in->a) && g->t[in->a].kind == T_SETMEM) return; /* already stored */
    opnd a = operand(g, in->a);
    bb_x86_rm field = bb_x86_mem(CPU_REG, (int32_t)in->imm);
    if (a.kind == O_IMM) {
        bb_x86_mov_rm_imm(&g->b, 4, field, (int32_t)a.imm);
    } else {
        if (a.kind == O_MEM) {
            load(g, BB_X86_RCX, a);
            a = reg_opnd(BB_X86_RCX);
        }
        bb_x86_mov_rm_reg(&g->b, 4, field, a.reg);
    }
}

/* The TLB check of a load or store: on a hit falls through with *host set to the host
 * address operand (RAX-based, never using RCX); on a miss jumps to the slow path. Returns
 * the rel32 of that jump. */
static uint32_t emit_tlb_check(gen *g, const bb_ir_insn *in, opnd addr, bool store, bb_x86_rm *host)
{
    bb_x86_buf *b = &g->b;
    unsigned size = BB_IR_MEM_SIZE(in->aux);
    uint32_t mask = BB_TLB_PAGE_MASK | (size - 1);
    int32_t table = (int32_t)(offsetof(bb_cpu, tlb) +
                              BB_IR_MEM_MMU(in->aux) * BB_TLB_SIZE * sizeof(bb_tlb_entry));
    int32_t tag = store ? (int32_t)offsetof(bb_tlb_entry, tag_write)
                        : (int32_t)offsetof(bb_tlb_entry, tag_read);
    int32_t addend = (int32_t)offsetof(bb_tlb_entry, addend);
    uint32_t miss;
    if (addr.kind == O_IMM) {
        /* A constant address: the entry is known now. */
        uint32_t index = (addr.imm >> BB_PAGE_BITS) & (BB_TLB_SIZE - 1);
        int32_t entry = table + (int32_t)(index * sizeof(bb_tlb_entry));
        bb_x86_alu_rm_imm(b, BB_X86_CMP, 4, bb_x86_mem(CPU_REG, entry + tag),
                          (int32_t)(addr.imm & mask));
        miss = bb_x86_jcc32(b, BB_X86_CC_NE);
        bb_x86_mov_reg_rm(b, 8, BB_X86_RAX, bb_x86_mem(CPU_REG, entry + addend));
        if (addr.imm < 0x80000000u) {
            *host = bb_x86_mem(BB_X86_RAX, (int32_t)addr.imm);
        } else {
            bb_x86_mov_reg_imm32(b, BB_X86_RCX, addr.imm);
            bb_x86_alu_reg_rm(b, BB_X86_ADD, 8, BB_X86_RAX, bb_x86_reg_rm(BB_X86_RCX));
            *host = bb_x86_mem(BB_X86_RAX, 0);
        }
        return miss;
    }
    /* RAX = entry index * 32: bits 12-21 of the address moved to bits 5-14. */
    if (addr.kind == O_REG && (g->st->features & BB_X86_HAS_BMI2)) {
        bb_x86_rorx(b, 4, BB_X86_RAX, rm_of(addr), BB_PAGE_BITS - 5);
    } else {
        load(g, BB_X86_RAX, addr);
        bb_x86_shift_imm(b, BB_X86_SHR, 4, bb_x86_reg_rm(BB_X86_RAX), BB_PAGE_BITS - 5);
    }
    bb_x86_alu_rm_imm(b, BB_X86_AND, 4, bb_x86_reg_rm(BB_X86_RAX), (BB_TLB_SIZE - 1) << 5);
    load(g, BB_X86_RCX, addr);
    bb_x86_alu_rm_imm(b, BB_X86_AND, 4, bb_x86_reg_rm(BB_X86_RCX), (int32_t)mask);
    bb_x86_alu_reg_rm(b, BB_X86_CMP, 4, BB_X86_RCX,
                      bb_x86_mem_index(CPU_REG, BB_X86_RAX, 1, table + tag));
    miss = bb_x86_jcc32(b, BB_X86_CC_NE);
    bb_x86_mov_reg_rm(b, 8, BB_X86_RAX, bb_x86_mem_index(CPU_REG, BB_X86_RAX, 1, table + addend));
    if (addr.kind == O_REG) {
        *host = bb_x86_mem_index(BB_X86_RAX, addr.reg, 1, 0);
    } else {
        load(g, BB_X86_RCX, addr);
        bb_x86_alu_reg_rm(b, BB_X86_ADD, 8, BB_X86_RAX, bb_x86_reg_rm(BB_X86_RCX));
        *host = bb_x86_mem(BB_X86_RAX, 0);
    }
    return miss;
}

static void emit_load(gen *g, int i, const bb_ir_insn *in)
{
    bb_x86_rm host;
    uint32_t miss = emit_tlb_check(g, in, operand(g, in->a), false, &host);
    int w = dst_reg(g, in->dst);
    unsigned size = BB_IR_MEM_SIZE(in->aux);
    if (size == 4)
        bb_x86_mov_reg_rm(&g->b, 4, w, host);
    else if (in->aux & BB_IR_MEM_SIGNED)
        bb_x86_movsx(&g->b, size, w, host);
    else
        bb_x86_movzx(&g->b, size, w, host);
    dst_done(g, in->dst, w);
    add_cold(g, COLD_SLOW, i, miss, bb_x86_offset(&g->b));
}

static void emit_store(gen *g, int i, const bb_ir_insn *in)
{
    bb_x86_rm host;
    uint32_t miss = emit_tlb_check(g, in, operand(g, in->a), true, &host);
    unsigned size = BB_IR_MEM_SIZE(in->aux);
    opnd v = operand(g, in->b);
    if (v.kind == O_IMM) {
        bb_x86_mov_rm_imm(&g->b, size, host, (int32_t)v.imm);
    } else {
        if (v.kind == O_MEM) {
            load(g, BB_X86_RCX, v);
            v = reg_opnd(BB_X86_RCX);
        }
        bb_x86_mov_rm_reg(&g->b, size, host, v.reg);
    }
    add_cold(g, COLD_SLOW, i, miss, bb_x86_offset(&g->b));
}

static void save_regs(gen *g, uint16_t mask, bool restore)
{
    for (int k = 0; k < N_CALLER; k++) {
        int r = caller_saved[k];
        if (!(mask & (1u << r))) continue;
        bb_x86_rm at = bb_x86_mem(BB_X86_RSP, SAVE_AREA + 8 * k);
        if (restore)
            bb_x86_mov_reg_rm(&g->b, 8, r, at);
        else
            bb_x86_mov_rm_reg(&g->b, 8, at, r);
    }
}

/* Argument set-up: moves into distinct registers, done in an order that reads every
 * source before it is overwritten (a cycle is broken through RAX). */
typedef struct arg_move {
    int dst;
    opnd src;
    bool wide;      /* a 64-bit move (the cpu pointer, the site immediate) */
    uint64_t imm64; /* wide immediate */
} arg_move;

static void emit_arg_move(gen *g, const arg_move *m)
{
    if (m->wide && m->src.kind == O_IMM)
        bb_x86_mov_reg_imm64(&g->b, m->dst, m->imm64);
    else if (m->wide)
        bb_x86_mov_reg_rm(&g->b, 8, m->dst, bb_x86_reg_rm(m->src.reg));
    else
        load(g, m->dst, m->src);
}

static void parallel_moves(gen *g, arg_move *m, int n)
{
    bool done[4] = {false};
    int left = n;
    for (int i = 0; i < n; i++) {
        if (in_reg(m[i].src, m[i].dst)) {
            done[i] = true;
            left--;
        }
    }
    while (left > 0) {
        bool progress = false;
        for (int i = 0; i < n; i++) {
            if (done[i]) continue;
            bool blocked = false;
            for (int j = 0; j < n; j++)
                if (j != i && !done[j] && in_reg(m[j].src, m[i].dst)) blocked = true;
            if (blocked) continue;
            emit_arg_move(g, &m[i]);
            done[i] = true;
            left--;
            progress = true;
        }
        if (progress) continue;
        for (int i = 0; i < n; i++) {
            if (done[i]) continue;
            int r = m[i].dst;
            bb_x86_mov_reg_rm(&g->b, 8, BB_X86_RAX, bb_x86_reg_rm(r));
            for (int j = 0; j < n; j++)
                if (!done[j] && in_reg(m[j].src, r)) m[j].src = reg_opnd(BB_X86_RAX);
            break;
        }
    }
}

static arg_move plain_arg(int dst, opnd src)
{
    arg_move m = {dst, src, false, 0};
    return m;
}

static arg_move cpu_arg(void)
{
    arg_move m = {BB_X86_RDI, reg_opnd(CPU_REG), true, 0};
    return m;
}

static arg_move wide_imm_arg(int dst, uint64_t v)
{
    arg_move m = {dst, imm_opnd(0), true, v};
    return m;
}

static void emit_call(gen *g, int i, const bb_ir_insn *in)
{
    uint16_t mask = g->st->save_mask[i];
    save_regs(g, mask, false);
    arg_move m[4] = {cpu_arg(), plain_arg(BB_X86_RSI, operand(g, in->a)),
                     plain_arg(BB_X86_RDX, operand(g, in->b)),
                     plain_arg(BB_X86_RCX, operand(g, in->c))};
    parallel_moves(g, m, 4);
    /* The helper sees the instruction's `left` (exact icount, and unwinding). */
    bb_x86_rm insns_left = bb_x86_mem(CPU_REG, (int32_t)offsetof(bb_cpu, insns_left));
    bb_x86_mov_rm_imm(&g->b, 4, insns_left, in->left);
    bb_x86_call_abs(&g->b, (const void *)g->blk->helpers[in->imm].fn);
    bb_x86_mov_rm_imm(&g->b, 4, insns_left, 0);
    int w = dst_reg(g, in->dst);
    if (!dead(g, in->dst)) {
        load(g, w, reg_opnd(BB_X86_RAX));
        dst_done(g, in->dst, w);
    }
    save_regs(g, mask, true);
}

/* MARK: cpu->mark_map[imm] |= aux. */
static void emit_mark(gen *g, const bb_ir_insn *in)
{
    bb_x86_mov_reg_rm(&g->b, 8, BB_X86_RAX,
                      bb_x86_mem(CPU_REG, (int32_t)offsetof(bb_cpu, mark_map)));
    bb_x86_rm byte = bb_x86_mem(BB_X86_RAX, (int32_t)in->imm);
    if (in->imm >= 0x80000000u) {
        bb_x86_mov_reg_imm32(&g->b, BB_X86_RCX, in->imm);
        byte = bb_x86_mem_index(BB_X86_RAX, BB_X86_RCX, 1, 0);
    }
    bb_x86_alu_rm_imm(&g->b, BB_X86_OR, 1, byte, in->aux);
}

/* The slow path of a load or store, out of line. */
static void emit_slow_path(gen *g, const cold_item *c)
{
    const bb_ir_insn *in = &g->blk->insns[c->insn];
    uint16_t mask = g->st->save_mask[c->insn];
    uint64_t site = bb_mem_site(in->imm, in->left, in->aux);
    bb_x86_patch_rel32(&g->b, c->jump_at, bb_x86_offset(&g->b));
    save_regs(g, mask, false);
    if (in->op == BB_IR_LOAD) {
        arg_move m[3] = {cpu_arg(), plain_arg(BB_X86_RSI, operand(g, in->a)),
                         wide_imm_arg(BB_X86_RDX, site)};
        parallel_moves(g, m, 3);
        bb_x86_call_abs(&g->b, (const void *)bb_cpu_load_slow);
        int w = dst_reg(g, in->dst);
        load(g, w, reg_opnd(BB_X86_RAX));
        dst_done(g, in->dst, w);
    } else {
        arg_move m[4] = {cpu_arg(), plain_arg(BB_X86_RSI, operand(g, in->a)),
                         plain_arg(BB_X86_RDX, operand(g, in->b)), wide_imm_arg(BB_X86_RCX, site)};
        parallel_moves(g, m, 4);
        bb_x86_call_abs(&g->b, (const void *)bb_cpu_store_slow);
    }
    save_regs(g, mask, true);
    bb_x86_jmp_to(&g->b, c->resume);
}

/* ---- control flow and exits ---- */

static void emit_return(gen *g, uint64_t value)
{
    if (value)
        bb_x86_mov_reg_imm64(&g->b, BB_X86_RAX, value);
    else
        bb_x86_alu_rm_reg(&g->b, BB_X86_XOR, 4, bb_x86_reg_rm(BB_X86_RAX), BB_X86_RAX);
    bb_x86_jmp_abs(&g->b, g->st->epilogue);
}

static void emit_set_pc(gen *g, uint32_t pc)
{
    bb_x86_mov_rm_imm(&g->b, 4, bb_x86_mem(CPU_REG, (int32_t)offsetof(bb_cpu, pc)), (int32_t)pc);
}

static void jump_to_label(gen *g, int cc, uint32_t label)
{
    int32_t pos = label < (uint32_t)g->blk->n_labels ? g->st->label_pos[label] : -1;
    if (pos >= 0) { /* a backward jump: not produced by front-ends, but cheap to allow */
        if (cc < 0)
            bb_x86_jmp_to(&g->b, (uint32_t)pos);
        else
            bb_x86_jcc_to(&g->b, cc, (uint32_t)pos);
        return;
    }
    uint32_t at = cc < 0 ? bb_x86_jmp32(&g->b) : bb_x86_jcc32(&g->b, cc);
    add_fixup(g, label, at);
}

static void emit_branch(gen *g, const bb_ir_insn *in)
{
    if (in->op == BB_IR_BR) {
        jump_to_label(g, -1, in->imm);
        return;
    }
    bool if_nonzero = in->op == BB_IR_BRNZ;
    int cc;
    if (x64_valid_temp(g, in->a) && g->t[in->a].kind == T_FLAGS) {
        cc = g->t[in->a].cc;
    } else {
        opnd a = operand(g, in->a);
        if (a.kind == O_IMM) {
            if ((a.imm != 0) == if_nonzero) jump_to_label(g, -1, in->imm);
            return;
        }
        emit_test_zero(g, a);
        cc = BB_X86_CC_NE;
    }
    jump_to_label(g, if_nonzero ? cc : cc ^ 1, in->imm);
}

static void emit_exit_ind(gen *g);

/* An exit at guest instruction k of n gives back the n - k - 1 instructions charged at
 * block entry that did not run. */
static void emit_refund(gen *g, const bb_ir_insn *in)
{
    if (in->left > 1)
        bb_x86_alu_rm_imm(&g->b, BB_X86_ADD, 4,
                          bb_x86_mem(CPU_REG, (int32_t)offsetof(bb_cpu, refund)),
                          (int32_t)in->left - 1);
}

static void emit_exit_jump(gen *g, int i, const bb_ir_insn *in)
{
    unsigned slot = in->aux;
    emit_refund(g, in);
    if (slot >= 2) { /* not chained: look the target up like an indirect exit */
        emit_set_pc(g, in->imm);
        emit_exit_ind(g);
        return;
    }
    if (g->jump_site[slot] != BB_TB_NO_JUMP) {
        /* Another exit through the same slot: share its patchable jump. */
        bb_x86_jmp_to(&g->b, g->jump_site[slot] - 1);
        return;
    }
    bb_x86_align(&g->b, 4, 3); /* the rel32 after the opcode byte is 4-byte aligned */
    uint32_t at = bb_x86_jmp32(&g->b);
    g->jump_site[slot] = at;
    g->tb->jump_patch[slot] = at;
    add_cold(g, COLD_EXIT, i, at, 0);
}

static void emit_exit_stub(gen *g, const cold_item *c)
{
    const bb_ir_insn *in = &g->blk->insns[c->insn];
    uint32_t here = bb_x86_offset(&g->b);
    bb_x86_patch_rel32(&g->b, c->jump_at, here);
    g->tb->jump_reset[in->aux] = here;
    emit_set_pc(g, in->imm);
    emit_return(g, (uint64_t)(uintptr_t)g->tb | in->aux);
}

/* EXIT_IND: look (pc, tb_flags) up in the jump cache and jump to the block found. */
static void emit_exit_ind(gen *g)
{
    bb_x86_buf *b = &g->b;
    const int pc = BB_X86_RAX, hash = BB_X86_RCX, tb = BB_X86_RDX;
    bb_x86_mov_reg_rm(b, 4, pc, bb_x86_mem(CPU_REG, (int32_t)offsetof(bb_cpu, pc)));
    /* bb_jmp_cache_hash: ((pc >> 1) ^ (pc >> (1 + BITS))) & (SIZE - 1), computed as
     * ((pc ^ (pc >> BITS)) >> 1) & (SIZE - 1). */
    bb_x86_mov_reg_rm(b, 4, hash, bb_x86_reg_rm(pc));
    bb_x86_shift_imm(b, BB_X86_SHR, 4, bb_x86_reg_rm(hash), BB_JMP_CACHE_BITS);
    bb_x86_alu_reg_rm(b, BB_X86_XOR, 4, hash, bb_x86_reg_rm(pc));
    bb_x86_shift_imm(b, BB_X86_SHR, 4, bb_x86_reg_rm(hash), 1);
    bb_x86_alu_rm_imm(b, BB_X86_AND, 4, bb_x86_reg_rm(hash), BB_JMP_CACHE_SIZE - 1);
    bb_x86_mov_reg_rm(b, 8, tb, bb_x86_mem(CPU_REG, (int32_t)offsetof(bb_cpu, jmp_cache)));
    bb_x86_mov_reg_rm(b, 8, tb, bb_x86_mem_index(tb, hash, 8, 0));
    bb_x86_test_rm_reg(b, 8, bb_x86_reg_rm(tb), tb);
    uint32_t miss1 = bb_x86_jcc8(b, BB_X86_CC_E);
    bb_x86_alu_reg_rm(b, BB_X86_CMP, 4, pc, bb_x86_mem(tb, (int32_t)offsetof(bb_tb, pc)));
    uint32_t miss2 = bb_x86_jcc8(b, BB_X86_CC_NE);
    bb_x86_mov_reg_rm(b, 4, pc, bb_x86_mem(CPU_REG, (int32_t)offsetof(bb_cpu, tb_flags)));
    bb_x86_alu_reg_rm(b, BB_X86_CMP, 4, pc, bb_x86_mem(tb, (int32_t)offsetof(bb_tb, flags)));
    uint32_t miss3 = bb_x86_jcc8(b, BB_X86_CC_NE);
    bb_x86_jmp_rm(b, bb_x86_mem(tb, (int32_t)offsetof(bb_tb, host_code)));
    uint32_t miss = bb_x86_offset(b);
    bb_x86_patch_rel8(b, miss1, miss);
    bb_x86_patch_rel8(b, miss2, miss);
    bb_x86_patch_rel8(b, miss3, miss);
    emit_return(g, 0);
}

static void emit_insn(gen *g, int i)
{
    const bb_ir_insn *in = &g->blk->insns[i];
    bb_ir_op op = (bb_ir_op)in->op;
    /* A pure result nobody reads is not computed. */
    if ((x64_is_pure(op) || op == BB_IR_GET) && dead(g, in->dst)) return;
    switch (op) {
    case BB_IR_NOP:
    case BB_IR_INSN_START:
    case BB_IR_CONST: break;
    case BB_IR_GET:
        if (g->t[in->dst].kind != T_GETMEM) emit_get(g, in);
        break;
    case BB_IR_SET: emit_set(g, in); break;
    case BB_IR_MOV:
    case BB_IR_NOT:
    case BB_IR_NEG:
    case BB_IR_CLZ: emit_unop(g, in); break;
    case BB_IR_XOR:
        if (g->t[in->dst].kind != T_FLAGS) emit_binop(g, in);
        break;
    case BB_IR_ADD:
    case BB_IR_SUB:
    case BB_IR_MUL:
    case BB_IR_OR:
    case BB_IR_ANDN: emit_binop(g, in); break;
    case BB_IR_AND:
        if (g->t[in->dst].kind == T_FLAGS) {
            emit_test(g, operand(g, in->a), operand(g, in->b));
            g->t[in->dst].cc = BB_X86_CC_NE;
        } else {
            emit_binop(g, in);
        }
        break;
    case BB_IR_SHL:
    case BB_IR_SHR:
    case BB_IR_SAR:
    case BB_IR_ROR: emit_shift(g, in); break;
    case BB_IR_MULHU:
    case BB_IR_MULHS: emit_mulh(g, in); break;
    case BB_IR_EQ:
    case BB_IR_NE:
    case BB_IR_LTU:
    case BB_IR_LEU:
    case BB_IR_LTS:
    case BB_IR_LES: emit_compare_op(g, in); break;
    case BB_IR_ADC: emit_adc(g, i, in); break;
    case BB_IR_ADC_CARRY: emit_adc_carry(g, i, in); break;
    case BB_IR_ADC_OVF: emit_adc_ovf(g, i, in); break;
    case BB_IR_SELECT: emit_select(g, in); break;
    case BB_IR_LOAD: emit_load(g, i, in); break;
    case BB_IR_STORE: emit_store(g, i, in); break;
    case BB_IR_CALL: emit_call(g, i, in); break;
    case BB_IR_LABEL:
        if (in->imm < (uint32_t)g->blk->n_labels)
            g->st->label_pos[in->imm] = (int32_t)bb_x86_offset(&g->b);
        break;
    case BB_IR_BR:
    case BB_IR_BRZ:
    case BB_IR_BRNZ: emit_branch(g, in); break;
    case BB_IR_EXIT_JUMP: emit_exit_jump(g, i, in); break;
    case BB_IR_EXIT_IND:
        emit_refund(g, in);
        emit_exit_ind(g);
        break;
    case BB_IR_EXIT_LOOP:
        emit_refund(g, in);
        emit_return(g, 0);
        break;
    case BB_IR_MARK: emit_mark(g, in); break;
    default: g->failed = true; break;
    }
    /* A fused XOR 1 inverts the condition it wraps. */
    if (op == BB_IR_XOR && x64_valid_temp(g, in->dst) && g->t[in->dst].kind == T_FLAGS) {
        bb_ir_temp inner = x64_is_const_one(g, in->b) ? in->a : in->b;
        g->t[in->dst].cc = g->t[inner].cc ^ 1;
    }
}

/* ---- the backend interface ---- */

static void emit_trampoline(x64_state *st)
{
    static const int8_t saved[] = {BB_X86_RBP, BB_X86_RBX, BB_X86_R12,
                                   BB_X86_R13, BB_X86_R14, BB_X86_R15};
    bb_x86_buf b;
    bb_x86_init(&b, bb_codebuf_cur(&st->code), bb_codebuf_end(&st->code));
    for (int i = 0; i < 6; i++)
        bb_x86_push(&b, saved[i]);
    bb_x86_alu_rm_imm(&b, BB_X86_SUB, 8, bb_x86_reg_rm(BB_X86_RSP), FRAME_SIZE);
    bb_x86_mov_reg_rm(&b, 8, CPU_REG, bb_x86_reg_rm(BB_X86_RDI));
    bb_x86_jmp_rm(&b, bb_x86_reg_rm(BB_X86_RSI));
    bb_x86_align(&b, 16, 0);
    uint32_t epilogue = bb_x86_offset(&b);
    bb_x86_alu_rm_imm(&b, BB_X86_ADD, 8, bb_x86_reg_rm(BB_X86_RSP), FRAME_SIZE);
    for (int i = 5; i >= 0; i--)
        bb_x86_pop(&b, saved[i]);
    bb_x86_ret(&b);
    st->enter = (enter_fn)(uintptr_t)b.start;
    st->epilogue = b.start + epilogue;
    bb_codebuf_commit(&st->code, bb_x86_offset(&b), 16);
    bb_codebuf_set_mark(&st->code);
}

static x64_state *state_of(bb_jit *jit)
{
    x64_state *st = bb_jit_backend_state(jit);
    if (st) return st;
    st = calloc(1, sizeof(*st));
    if (!st) return NULL;
    if (!bb_codebuf_init(&st->code, CODE_BUFFER_SIZE, (const void *)bb_cpu_load_slow)) {
        free(st);
        return NULL;
    }
    st->features = bb_x86_host_features();
    const char *perf_map = getenv("BRASSBOARD_PERF_MAP");
    if (perf_map && *perf_map && *perf_map != '0') {
        char path[64];
        snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
        st->perf_map = fopen(path, "a");
        if (strcmp(perf_map, "code") == 0) {
            snprintf(path, sizeof(path), "/tmp/perf-%d.code", (int)getpid());
            st->code_dump = fopen(path, "w");
        }
    }
    emit_trampoline(st);
    bb_jit_set_backend_state(jit, st);
    return st;
}

static bool x64_generate(bb_jit *jit, bb_tb *tb, const bb_ir_block *blk)
{
    x64_state *st = state_of(jit);
    if (!st) return false;
    gen g = {.st = st, .blk = blk, .tb = tb};
    g.jump_site[0] = g.jump_site[1] = BB_TB_NO_JUMP;
    tb->jump_patch[0] = tb->jump_patch[1] = BB_TB_NO_JUMP;
    tb->jump_reset[0] = tb->jump_reset[1] = BB_TB_NO_JUMP;
    if (!x64_analyze(&g)) return false;
    if (!x64_grow((void **)&st->label_pos, &st->labels_cap, blk->n_labels + 1, sizeof(int32_t)))
        return false;
    for (int l = 0; l < blk->n_labels; l++)
        st->label_pos[l] = -1;
    st->n_fixups = 0;
    st->n_colds = 0;

    bb_x86_init(&g.b, bb_codebuf_cur(&st->code), bb_codebuf_end(&st->code));
    /* Entry: the budget check. */
    bb_x86_alu_rm_imm(&g.b, BB_X86_SUB, 4, bb_x86_mem(CPU_REG, 0), (int32_t)blk->n_guest_insns);
    add_cold(&g, COLD_UNDO, -1, bb_x86_jcc32(&g.b, BB_X86_CC_S), 0);
    for (int i = 0; i < blk->n_insns && !g.failed; i++)
        emit_insn(&g, i);
    /* Every path ends in an exit; this only guards against a malformed block. */
    emit_return(&g, 0);

    for (int k = 0; k < st->n_colds; k++) {
        const cold_item *c = &st->colds[k];
        switch (c->kind) {
        case COLD_UNDO:
            bb_x86_patch_rel32(&g.b, c->jump_at, bb_x86_offset(&g.b));
            bb_x86_alu_rm_imm(&g.b, BB_X86_ADD, 4, bb_x86_mem(CPU_REG, 0),
                              (int32_t)blk->n_guest_insns);
            emit_set_pc(&g, tb->pc);
            emit_return(&g, 0);
            break;
        case COLD_EXIT: emit_exit_stub(&g, c); break;
        default: emit_slow_path(&g, c); break;
        }
    }
    for (int k = 0; k < st->n_fixups; k++) {
        const fixup *f = &st->fixups[k];
        int32_t pos = f->label < (uint32_t)blk->n_labels ? st->label_pos[f->label] : -1;
        if (pos < 0) {
            g.failed = true; /* a jump to a label that is not in the block */
            break;
        }
        bb_x86_patch_rel32(&g.b, f->at, (uint32_t)pos);
    }
    if (g.failed || g.b.overflow) return false;
    tb->host_code = g.b.start;
    tb->host_size = bb_x86_offset(&g.b);
    bb_codebuf_commit(&st->code, tb->host_size, 16);
    if (st->perf_map) {
        fprintf(st->perf_map, "%lx %x guest_%08x_%x\n", (unsigned long)(uintptr_t)tb->host_code,
                tb->host_size, tb->pc, tb->flags);
        fflush(st->perf_map);
    }
    if (st->code_dump) {
        fprintf(st->code_dump, "block %08x %x %lx %x\n", tb->pc, tb->flags,
                (unsigned long)(uintptr_t)tb->host_code, tb->host_size);
        fwrite(tb->host_code, 1, tb->host_size, st->code_dump);
    }
    return true;
}

static uintptr_t x64_execute(bb_cpu *cpu, bb_tb *tb)
{
    x64_state *st = bb_jit_backend_state(cpu->jit);
    return st->enter(cpu, tb->host_code);
}

static void patch_jump(bb_tb *from, int slot, const uint8_t *target)
{
    if (from->jump_patch[slot] == BB_TB_NO_JUMP) return;
    uint8_t *at = (uint8_t *)from->host_code + from->jump_patch[slot];
    int32_t rel = (int32_t)(target - (at + 4));
    /* The displacement is 4-byte aligned: one atomic store. */
    __atomic_store_n((int32_t *)(void *)at, rel, __ATOMIC_RELAXED);
}

static void x64_link(bb_tb *from, int slot, bb_tb *to)
{
    patch_jump(from, slot, to->host_code);
}

static void x64_unlink(bb_tb *from, int slot)
{
    if (from->jump_reset[slot] == BB_TB_NO_JUMP) return;
    patch_jump(from, slot, (const uint8_t *)from->host_code + from->jump_reset[slot]);
}

static void x64_flush(bb_jit *jit)
{
    x64_state *st = bb_jit_backend_state(jit);
    if (st) bb_codebuf_reset(&st->code);
}

static void x64_destroy(bb_jit *jit)
{
    x64_state *st = bb_jit_backend_state(jit);
    if (!st) return;
    bb_codebuf_free(&st->code);
    if (st->perf_map) fclose(st->perf_map);
    if (st->code_dump) fclose(st->code_dump);
    free(st->temps);
    free(st->save_mask);
    free(st->calls_before);
    free(st->subtrahend);
    free(st->label_pos);
    free(st->fixups);
    free(st->colds);
    free(st);
    bb_jit_set_backend_state(jit, NULL);
}

const bb_backend bb_backend_x86_64 = {
    .name = "x86_64",
    .generate = x64_generate,
    .execute = x64_execute,
    .link = x64_link,
    .unlink = x64_unlink,
    .flush = x64_flush,
    .destroy = x64_destroy,
};
