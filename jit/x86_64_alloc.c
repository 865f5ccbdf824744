/*
 * x86_64_alloc.c: pass 1 of the x86-64 backend: for every temp of a block its definition,
 * uses and last use; the folds that let an instruction read a guest field as a memory
 * operand, write its result straight to a field, or leave a condition in the host flags
 * for the branch after it; and one location per temp for its whole life - a host register,
 * or a spill slot when more than twelve values are live (linear scan, the furthest-ending
 * interval is spilled). Temps that live across a helper call prefer callee-saved
 * registers. backend_x86_64.c then emits the code.
 */
#include <stdlib.h>
#include <string.h>

#include "jit/x86_64_gen.h"

static int save_index(int reg)
{
    for (int i = 0; i < N_CALLER; i++)
        if (caller_saved[i] == reg) return i;
    return -1;
}

/* ---- growing scratch arrays ---- */

bool x64_grow(void **array, int *cap, int need, size_t elem)
{
    if (need <= *cap) return true;
    int n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *p = realloc(*array, (size_t)n * elem);
    if (!p) return false;
    *array = p;
    *cap = n;
    return true;
}

/* ---- IR properties ---- */

bool x64_is_pure(bb_ir_op op)
{
    return op >= BB_IR_MOV && op <= BB_IR_SELECT;
}

static bool is_compare(bb_ir_op op)
{
    return op >= BB_IR_EQ && op <= BB_IR_LES;
}

/* Ops whose x86 form overwrites their first operand. */
static bool is_two_address(bb_ir_op op)
{
    switch (op) {
    case BB_IR_MOV:
    case BB_IR_ADD:
    case BB_IR_SUB:
    case BB_IR_MUL:
    case BB_IR_AND:
    case BB_IR_OR:
    case BB_IR_XOR:
    case BB_IR_ANDN:
    case BB_IR_SHL:
    case BB_IR_SHR:
    case BB_IR_SAR:
    case BB_IR_ROR:
    case BB_IR_NOT:
    case BB_IR_NEG:
    case BB_IR_ADC:
    case BB_IR_SELECT: return true;
    default: return false;
    }
}

static bool is_commutative(bb_ir_op op)
{
    switch (op) {
    case BB_IR_ADD:
    case BB_IR_MUL:
    case BB_IR_AND:
    case BB_IR_OR:
    case BB_IR_XOR:
    case BB_IR_ADC:
    case BB_IR_SELECT: return true;
    default: return false;
    }
}

/* The operand temps of instruction i (0 for none), as the code reads them: a subtraction
 * written ADC*(a, NOT x, 1) reads x, not the NOT. */
static void operands_of(const gen *g, int i, bb_ir_temp out[3])
{
    const bb_ir_insn *in = &g->blk->insns[i];
    int arity = bb_ir_op_arity((bb_ir_op)in->op);
    out[0] = arity > 0 ? in->a : 0;
    out[1] = arity > 1 ? in->b : 0;
    out[2] = arity > 2 ? in->c : 0;
    if (g->st->subtrahend[i]) out[1] = g->st->subtrahend[i];
}

/* ---- pass 1: analysis and register allocation ---- */

bool x64_valid_temp(const gen *g, bb_ir_temp t)
{
    return t != 0 && t <= g->blk->n_temps;
}

/* True if the instructions strictly between `from` and `to` (except `skip`) emit no code
 * that could change the host flags. */
static bool quiet_between(const gen *g, int from, int to, int skip)
{
    for (int k = from + 1; k < to; k++) {
        bb_ir_op op = (bb_ir_op)g->blk->insns[k].op;
        if (k == skip || op == BB_IR_NOP || op == BB_IR_INSN_START || op == BB_IR_CONST) continue;
        return false;
    }
    return true;
}

/* A single-use GET can be read where it is used if nothing in between may write guest
 * state and the user accepts a memory operand. */
static void fold_get(gen *g, int i)
{
    const bb_ir_insn *in = &g->blk->insns[i];
    temp_info *ti = &g->t[in->dst];
    if (ti->uses != 1 || ti->last_use <= i) return;
    bb_ir_op user = (bb_ir_op)g->blk->insns[ti->last_use].op;
    if (!x64_is_pure(user) && user != BB_IR_BRZ && user != BB_IR_BRNZ && user != BB_IR_SET) return;
    for (int k = i + 1; k < ti->last_use; k++) {
        const bb_ir_insn *mid = &g->blk->insns[k];
        bb_ir_op op = (bb_ir_op)mid->op;
        if (!(op == BB_IR_NOP || op == BB_IR_INSN_START || op == BB_IR_CONST || op == BB_IR_GET ||
              x64_is_pure(op)))
            return;
        if (bb_ir_op_has_dst(op) && x64_valid_temp(g, mid->dst) && g->t[mid->dst].kind == T_SETMEM)
            return; /* it writes guest state early */
    }
    ti->kind = T_GETMEM;
    ti->value = in->imm;
}

/* Ops that compute their result in RAX or a fresh register anyway: when the result only
 * feeds the SET just after, they write the guest field directly. */
static bool result_to_memory_pays(bb_ir_op op)
{
    return op == BB_IR_ADC_CARRY || op == BB_IR_ADC_OVF || op == BB_IR_MULHU || op == BB_IR_MULHS ||
           op == BB_IR_CLZ || is_compare(op) || op == BB_IR_LOAD || op == BB_IR_CALL;
}

/* A result used only by a SET, with nothing in between that reads or writes that field or
 * may observe guest state, is stored to the field where it is computed. */
static void fold_set(gen *g, int i)
{
    const bb_ir_insn *in = &g->blk->insns[i];
    temp_info *ti = &g->t[in->dst];
    if (ti->kind != T_NONE || ti->uses != 1 || ti->last_use <= i) return;
    const bb_ir_insn *user = &g->blk->insns[ti->last_use];
    if (user->op != BB_IR_SET || user->a != in->dst) return;
    for (int k = i + 1; k < ti->last_use; k++) {
        const bb_ir_insn *mid = &g->blk->insns[k];
        bb_ir_op op = (bb_ir_op)mid->op;
        if (op == BB_IR_NOP || op == BB_IR_INSN_START || op == BB_IR_CONST || x64_is_pure(op))
            continue;
        if ((op == BB_IR_GET || op == BB_IR_SET) && mid->imm != user->imm) continue;
        return;
    }
    ti->kind = T_SETMEM;
    ti->value = user->imm;
}

static bool is_const_temp(const gen *g, bb_ir_temp t, uint32_t value)
{
    return x64_valid_temp(g, t) && g->t[t].def >= 0 &&
           g->blk->insns[g->t[t].def].op == BB_IR_CONST && g->blk->insns[g->t[t].def].imm == value;
}

/* ADC*(a, NOT x, 1) is a subtraction a - x: the code reads x and the NOT may go. */
static bb_ir_temp subtrahend_of(const gen *g, const bb_ir_insn *in)
{
    if (in->op != BB_IR_ADC && in->op != BB_IR_ADC_CARRY && in->op != BB_IR_ADC_OVF) return 0;
    if (!is_const_temp(g, in->c, 1) || !x64_valid_temp(g, in->b) || g->t[in->b].def < 0) return 0;
    const bb_ir_insn *d = &g->blk->insns[g->t[in->b].def];
    return d->op == BB_IR_NOT && x64_valid_temp(g, d->a) ? d->a : 0;
}

bool x64_is_const_one(const gen *g, bb_ir_temp t)
{
    return x64_valid_temp(g, t) && g->t[t].kind == T_CONST && g->t[t].value == 1;
}

/* Fuses the condition tested by the branch at j into the host flags when it is computed
 * just before: a comparison (cmp), an AND (test), or a comparison XOR 1 (inverted). */
static void fuse_condition(gen *g, bb_ir_temp t, int j)
{
    if (!x64_valid_temp(g, t)) return;
    temp_info *ti = &g->t[t];
    if (ti->uses != 1 || ti->def < 0 || ti->kind != T_NONE) return;
    const bb_ir_insn *d = &g->blk->insns[ti->def];
    bb_ir_op op = (bb_ir_op)d->op;
    if ((is_compare(op) || op == BB_IR_AND) && quiet_between(g, ti->def, j, -1)) {
        ti->kind = T_FLAGS;
        return;
    }
    if (op != BB_IR_XOR) return;
    bb_ir_temp inner = x64_is_const_one(g, d->b) ? d->a : x64_is_const_one(g, d->a) ? d->b : 0;
    if (!x64_valid_temp(g, inner)) return;
    temp_info *ii = &g->t[inner];
    if (ii->uses != 1 || ii->def < 0 || ii->kind != T_NONE) return;
    if (!is_compare((bb_ir_op)g->blk->insns[ii->def].op)) return;
    if (!quiet_between(g, ii->def, j, ti->def)) return;
    ii->kind = T_FLAGS;
    ti->kind = T_FLAGS;
}

static int alloc_slot(gen *g, int start, int end)
{
    x64_state *st = g->st;
    for (int s = 0; s < g->n_slots; s++) {
        if (st->slot_busy_until[s] < start) {
            st->slot_busy_until[s] = end;
            return s;
        }
    }
    if (g->n_slots == MAX_SLOTS) {
        g->failed = true;
        return 0;
    }
    st->slot_busy_until[g->n_slots] = end;
    return g->n_slots++;
}

static bool is_caller_saved(int reg)
{
    return save_index(reg) >= 0;
}

/* The register a dying operand leaves that suits the result of a two-address op. */
static int reuse_candidate(const gen *g, const bb_ir_insn *in, int i, const bb_ir_temp *ops,
                           bool commutative, const int16_t *owner)
{
    if (!is_two_address((bb_ir_op)in->op)) return -1;
    bb_ir_temp cand[2] = {ops[0], commutative ? ops[1] : 0};
    for (int k = 0; k < 2; k++) {
        bb_ir_temp t = cand[k];
        if (!x64_valid_temp(g, t)) continue;
        const temp_info *ti = &g->t[t];
        if (ti->kind == T_REG && ti->last_use == i && owner[ti->reg] == 0) return ti->reg;
    }
    return -1;
}

/* Picks a location for the temp defined at instruction i. */
static void allocate_dst(gen *g, const bb_ir_insn *in, int i, const bb_ir_temp *ops, int16_t *owner)
{
    bb_ir_temp dst = in->dst;
    temp_info *ti = &g->t[dst];
    bool commutative = is_commutative((bb_ir_op)in->op) && !g->st->subtrahend[i];
    int reg = reuse_candidate(g, in, i, ops, commutative, owner);
    if (reg >= 0 && ti->crosses_call && is_caller_saved(reg)) reg = -1;
    /* A non-commutative op would rather not write the register of its second operand. */
    int avoid = -1;
    if (is_two_address((bb_ir_op)in->op) && !commutative && x64_valid_temp(g, ops[1]) &&
        g->t[ops[1]].kind == T_REG)
        avoid = g->t[ops[1]].reg;
    const int8_t *first = ti->crosses_call ? callee_saved : caller_saved;
    const int8_t *second = ti->crosses_call ? caller_saved : callee_saved;
    int n_first = ti->crosses_call ? N_CALLEE : N_CALLER;
    int n_second = ti->crosses_call ? N_CALLER : N_CALLEE;
    for (int k = 0; reg < 0 && k < n_first + n_second; k++) {
        int r = k < n_first ? first[k] : second[k - n_first];
        if (owner[r] == 0 && r != avoid) reg = r;
    }
    if (reg < 0 && avoid >= 0 && owner[avoid] == 0) reg = avoid;
    if (reg < 0) {
        /* Out of registers: the live interval that ends last goes to memory. */
        bb_ir_temp victim = 0;
        for (int r = 0; r < 16; r++)
            if (owner[r] && (!victim || g->t[owner[r]].last_use > g->t[victim].last_use))
                victim = (bb_ir_temp)owner[r];
        if (victim && g->t[victim].last_use > ti->last_use) {
            temp_info *vi = &g->t[victim];
            reg = vi->reg;
            vi->kind = T_SLOT;
            vi->reg = -1;
            vi->slot = (int16_t)alloc_slot(g, vi->def, vi->last_use);
        } else {
            ti->kind = T_SLOT;
            ti->slot = (int16_t)alloc_slot(g, i, ti->last_use);
            return;
        }
    }
    ti->kind = T_REG;
    ti->reg = (int8_t)reg;
    owner[reg] = (int16_t)dst;
}

bool x64_analyze(gen *g)
{
    const bb_ir_block *blk = g->blk;
    x64_state *st = g->st;
    int n = blk->n_temps;
    if (!x64_grow((void **)&st->temps, &st->temps_cap, n + 1, sizeof(temp_info)) ||
        !x64_grow((void **)&st->save_mask, &st->save_mask_cap, blk->n_insns + 1,
                  sizeof(uint16_t)) ||
        !x64_grow((void **)&st->calls_before, &st->calls_cap, blk->n_insns + 1, sizeof(int)) ||
        !x64_grow((void **)&st->subtrahend, &st->subtrahend_cap, blk->n_insns + 1,
                  sizeof(bb_ir_temp)))
        return false;
    g->t = st->temps;
    for (int k = 0; k <= n; k++)
        g->t[k] = (temp_info){.def = -1, .last_use = -1, .kind = T_NONE, .reg = -1, .slot = -1};

    int calls = 0;
    for (int i = 0; i < blk->n_insns; i++) {
        const bb_ir_insn *in = &blk->insns[i];
        if (in->op >= BB_IR_OP_COUNT) return false;
        st->calls_before[i] = calls;
        st->save_mask[i] = 0;
        if (in->op == BB_IR_CALL) calls++;
        st->subtrahend[i] = subtrahend_of(g, in);
        bb_ir_temp ops[3];
        operands_of(g, i, ops);
        for (int k = 0; k < 3; k++) {
            if (!x64_valid_temp(g, ops[k])) continue;
            g->t[ops[k]].uses++;
            g->t[ops[k]].last_use = i;
        }
        if (bb_ir_op_has_dst((bb_ir_op)in->op) && x64_valid_temp(g, in->dst)) g->t[in->dst].def = i;
    }
    st->calls_before[blk->n_insns] = calls;
    for (int k = 1; k <= n; k++) {
        temp_info *ti = &g->t[k];
        if (ti->def < 0) continue;
        const bb_ir_insn *d = &blk->insns[ti->def];
        if (d->op == BB_IR_CONST) {
            ti->kind = T_CONST;
            ti->value = d->imm;
        }
        if (ti->last_use > ti->def)
            ti->crosses_call = st->calls_before[ti->last_use] > st->calls_before[ti->def + 1];
    }
    for (int i = 0; i < blk->n_insns; i++) {
        const bb_ir_insn *in = &blk->insns[i];
        if (result_to_memory_pays((bb_ir_op)in->op) && x64_valid_temp(g, in->dst)) fold_set(g, i);
    }
    for (int i = 0; i < blk->n_insns; i++) {
        const bb_ir_insn *in = &blk->insns[i];
        if (in->op == BB_IR_GET && x64_valid_temp(g, in->dst)) fold_get(g, i);
    }
    for (int j = 0; j < blk->n_insns; j++) {
        const bb_ir_insn *in = &blk->insns[j];
        if (in->op == BB_IR_BRZ || in->op == BB_IR_BRNZ) fuse_condition(g, in->a, j);
    }

    int16_t owner[16] = {0};
    g->n_slots = 0;
    for (int i = 0; i < blk->n_insns && !g->failed; i++) {
        const bb_ir_insn *in = &blk->insns[i];
        bb_ir_temp ops[3];
        operands_of(g, i, ops);
        for (int k = 0; k < 3; k++) {
            if (!x64_valid_temp(g, ops[k])) continue;
            temp_info *ti = &g->t[ops[k]];
            if (ti->kind == T_REG && ti->last_use == i && owner[ti->reg] == ops[k])
                owner[ti->reg] = 0;
        }
        if (in->op == BB_IR_LOAD || in->op == BB_IR_STORE || in->op == BB_IR_CALL) {
            uint16_t mask = 0;
            for (int k = 0; k < N_CALLER; k++)
                if (owner[caller_saved[k]]) mask |= (uint16_t)(1u << caller_saved[k]);
            st->save_mask[i] = mask;
        }
        if (!bb_ir_op_has_dst((bb_ir_op)in->op) || !x64_valid_temp(g, in->dst)) continue;
        temp_info *ti = &g->t[in->dst];
        if (ti->kind != T_NONE || ti->uses == 0 || ti->def != i) continue;
        allocate_dst(g, in, i, ops, owner);
        /* The result's register (maybe just taken from a spilled temp) is not saved. */
        if (ti->kind == T_REG) st->save_mask[i] &= (uint16_t) ~(1u << ti->reg);
    }
    return !g->failed;
}
