/*
 * ir.c: building IR blocks, the properties of each operation, evaluation of the pure
 * operations (shared by the optimizer's constant folding and the interpreter), and a
 * text dump.
 */
#include "jit/ir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct op_info {
    const char *name;
    int arity;
    bool has_dst;
} op_info;

static const op_info op_table[BB_IR_OP_COUNT] = {
    [BB_IR_NOP] = {"nop", 0, false},
    [BB_IR_INSN_START] = {"insn_start", 0, false},
    [BB_IR_CONST] = {"const", 0, true},
    [BB_IR_GET] = {"get", 0, true},
    [BB_IR_SET] = {"set", 1, false},
    [BB_IR_MOV] = {"mov", 1, true},
    [BB_IR_ADD] = {"add", 2, true},
    [BB_IR_SUB] = {"sub", 2, true},
    [BB_IR_MUL] = {"mul", 2, true},
    [BB_IR_AND] = {"and", 2, true},
    [BB_IR_OR] = {"or", 2, true},
    [BB_IR_XOR] = {"xor", 2, true},
    [BB_IR_ANDN] = {"andn", 2, true},
    [BB_IR_SHL] = {"shl", 2, true},
    [BB_IR_SHR] = {"shr", 2, true},
    [BB_IR_SAR] = {"sar", 2, true},
    [BB_IR_ROR] = {"ror", 2, true},
    [BB_IR_NOT] = {"not", 1, true},
    [BB_IR_NEG] = {"neg", 1, true},
    [BB_IR_CLZ] = {"clz", 1, true},
    [BB_IR_MULHU] = {"mulhu", 2, true},
    [BB_IR_MULHS] = {"mulhs", 2, true},
    [BB_IR_EQ] = {"eq", 2, true},
    [BB_IR_NE] = {"ne", 2, true},
    [BB_IR_LTU] = {"ltu", 2, true},
    [BB_IR_LEU] = {"leu", 2, true},
    [BB_IR_LTS] = {"lts", 2, true},
    [BB_IR_LES] = {"les", 2, true},
    [BB_IR_ADC] = {"adc", 3, true},
    [BB_IR_ADC_CARRY] = {"adc_carry", 3, true},
    [BB_IR_ADC_OVF] = {"adc_ovf", 3, true},
    [BB_IR_SELECT] = {"select", 3, true},
    [BB_IR_LOAD] = {"load", 1, true},
    [BB_IR_STORE] = {"store", 2, false},
    [BB_IR_CALL] = {"call", 3, true},
    [BB_IR_LABEL] = {"label", 0, false},
    [BB_IR_BR] = {"br", 0, false},
    [BB_IR_BRZ] = {"brz", 1, false},
    [BB_IR_BRNZ] = {"brnz", 1, false},
    [BB_IR_EXIT_JUMP] = {"exit_jump", 0, false},
    [BB_IR_EXIT_IND] = {"exit_ind", 0, false},
    [BB_IR_EXIT_LOOP] = {"exit_loop", 0, false},
    [BB_IR_MARK] = {"mark", 0, false},
};

bool bb_ir_op_has_dst(bb_ir_op op)
{
    return op_table[op].has_dst;
}

int bb_ir_op_arity(bb_ir_op op)
{
    return op_table[op].arity;
}

const char *bb_ir_op_name(bb_ir_op op)
{
    return op < BB_IR_OP_COUNT ? op_table[op].name : "?";
}

void bb_ir_block_init(bb_ir_block *blk)
{
    memset(blk, 0, sizeof(*blk));
}

void bb_ir_block_reset(bb_ir_block *blk, uint32_t pc, uint32_t flags)
{
    blk->n_insns = 0;
    blk->n_temps = 0;
    blk->n_labels = 0;
    blk->pc = pc;
    blk->flags = flags;
    blk->n_guest_insns = 0;
    blk->n_guest_pages = 0;
    blk->transient = false;
}

void bb_ir_block_free(bb_ir_block *blk)
{
    free(blk->insns);
    memset(blk, 0, sizeof(*blk));
}

static bb_ir_insn *append(bb_ir_block *blk, bb_ir_op op)
{
    if (blk->n_insns == blk->cap) {
        int cap = blk->cap ? blk->cap * 2 : 1024;
        bb_ir_insn *grown = realloc(blk->insns, (size_t)cap * sizeof(*grown));
        if (!grown) {
            fprintf(stderr, "brassboard: out of memory building IR\n");
            abort();
        }
        blk->insns = grown;
        blk->cap = cap;
    }
    bb_ir_insn *insn = &blk->insns[blk->n_insns++];
    memset(insn, 0, sizeof(*insn));
    insn->op = (uint8_t)op;
    /* `left` holds the guest instruction index while building; bb_ir_finish turns it
     * into the count of instructions left. */
    insn->left = (uint16_t)(blk->n_guest_insns ? blk->n_guest_insns - 1 : 0);
    return insn;
}

static bb_ir_temp new_temp(bb_ir_block *blk, bb_ir_insn *insn)
{
    insn->dst = (bb_ir_temp)++blk->n_temps;
    return insn->dst;
}

void bb_ir_insn_start(bb_ir_block *blk, uint32_t pc)
{
    blk->n_guest_insns++;
    blk->cur_pc = pc;
    append(blk, BB_IR_INSN_START)->imm = pc;
}

bb_ir_temp bb_ir_const(bb_ir_block *blk, uint32_t value)
{
    bb_ir_insn *insn = append(blk, BB_IR_CONST);
    insn->imm = value;
    return new_temp(blk, insn);
}

bb_ir_temp bb_ir_get(bb_ir_block *blk, uint32_t offset)
{
    bb_ir_insn *insn = append(blk, BB_IR_GET);
    insn->imm = offset;
    return new_temp(blk, insn);
}

void bb_ir_set(bb_ir_block *blk, uint32_t offset, bb_ir_temp value)
{
    bb_ir_insn *insn = append(blk, BB_IR_SET);
    insn->imm = offset;
    insn->a = value;
}

bb_ir_temp bb_ir_unop(bb_ir_block *blk, bb_ir_op op, bb_ir_temp a)
{
    bb_ir_insn *insn = append(blk, op);
    insn->a = a;
    return new_temp(blk, insn);
}

bb_ir_temp bb_ir_binop(bb_ir_block *blk, bb_ir_op op, bb_ir_temp a, bb_ir_temp b)
{
    bb_ir_insn *insn = append(blk, op);
    insn->a = a;
    insn->b = b;
    return new_temp(blk, insn);
}

bb_ir_temp bb_ir_triop(bb_ir_block *blk, bb_ir_op op, bb_ir_temp a, bb_ir_temp b, bb_ir_temp c)
{
    bb_ir_insn *insn = append(blk, op);
    insn->a = a;
    insn->b = b;
    insn->c = c;
    return new_temp(blk, insn);
}

bb_ir_temp bb_ir_select(bb_ir_block *blk, bb_ir_temp cond, bb_ir_temp if_true, bb_ir_temp if_false)
{
    return bb_ir_triop(blk, BB_IR_SELECT, if_true, if_false, cond);
}

bb_ir_temp bb_ir_load(bb_ir_block *blk, unsigned mem, bb_ir_temp addr)
{
    bb_ir_insn *insn = append(blk, BB_IR_LOAD);
    insn->aux = (uint8_t)mem;
    insn->a = addr;
    insn->imm = blk->cur_pc;
    return new_temp(blk, insn);
}

void bb_ir_store(bb_ir_block *blk, unsigned mem, bb_ir_temp addr, bb_ir_temp value)
{
    bb_ir_insn *insn = append(blk, BB_IR_STORE);
    insn->aux = (uint8_t)mem;
    insn->a = addr;
    insn->b = value;
    insn->imm = blk->cur_pc;
}

void bb_ir_finish(bb_ir_block *blk)
{
    uint32_t n = blk->n_guest_insns;
    for (int i = 0; i < blk->n_insns; i++) {
        uint32_t index = blk->insns[i].left;
        blk->insns[i].left = (uint16_t)(n > index ? n - index : 0);
    }
}

bb_ir_temp bb_ir_call(bb_ir_block *blk, unsigned helper, bb_ir_temp a, bb_ir_temp b, bb_ir_temp c)
{
    bb_ir_insn *insn = append(blk, BB_IR_CALL);
    insn->imm = helper;
    insn->a = a;
    insn->b = b;
    insn->c = c;
    return new_temp(blk, insn);
}

int bb_ir_new_label(bb_ir_block *blk)
{
    return blk->n_labels++;
}

void bb_ir_label(bb_ir_block *blk, int label)
{
    append(blk, BB_IR_LABEL)->imm = (uint32_t)label;
}

void bb_ir_br(bb_ir_block *blk, int label)
{
    append(blk, BB_IR_BR)->imm = (uint32_t)label;
}

void bb_ir_brz(bb_ir_block *blk, bb_ir_temp cond, int label)
{
    bb_ir_insn *insn = append(blk, BB_IR_BRZ);
    insn->a = cond;
    insn->imm = (uint32_t)label;
}

void bb_ir_brnz(bb_ir_block *blk, bb_ir_temp cond, int label)
{
    bb_ir_insn *insn = append(blk, BB_IR_BRNZ);
    insn->a = cond;
    insn->imm = (uint32_t)label;
}

void bb_ir_exit_jump(bb_ir_block *blk, uint32_t target_pc, int slot)
{
    bb_ir_insn *insn = append(blk, BB_IR_EXIT_JUMP);
    insn->imm = target_pc;
    insn->aux = (uint8_t)(slot > 255 ? 255 : slot);
}

void bb_ir_exit_ind(bb_ir_block *blk)
{
    append(blk, BB_IR_EXIT_IND);
}

void bb_ir_exit_loop(bb_ir_block *blk)
{
    append(blk, BB_IR_EXIT_LOOP);
}

void bb_ir_mark(bb_ir_block *blk, uint32_t index, uint8_t bits)
{
    bb_ir_insn *insn = append(blk, BB_IR_MARK);
    insn->imm = index;
    insn->aux = bits;
}

static uint32_t shift_left(uint32_t a, uint32_t b)
{
    return b >= 32 ? 0 : a << b;
}

static uint32_t shift_right(uint32_t a, uint32_t b)
{
    return b >= 32 ? 0 : a >> b;
}

static uint32_t shift_arith(uint32_t a, uint32_t b)
{
    int32_t s = (int32_t)a;
    if (b >= 32) return s < 0 ? 0xffffffffu : 0;
    return (uint32_t)(s >> b);
}

static uint32_t rotate_right(uint32_t a, uint32_t b)
{
    b &= 31;
    return b ? (a >> b) | (a << (32 - b)) : a;
}

static uint32_t count_leading_zeros(uint32_t a)
{
    return a ? (uint32_t)__builtin_clz(a) : 32;
}

uint32_t bb_ir_eval(bb_ir_op op, uint32_t a, uint32_t b, uint32_t c)
{
    switch (op) {
    case BB_IR_MOV: return a;
    case BB_IR_ADD: return a + b;
    case BB_IR_SUB: return a - b;
    case BB_IR_MUL: return a * b;
    case BB_IR_AND: return a & b;
    case BB_IR_OR: return a | b;
    case BB_IR_XOR: return a ^ b;
    case BB_IR_ANDN: return a & ~b;
    case BB_IR_SHL: return shift_left(a, b);
    case BB_IR_SHR: return shift_right(a, b);
    case BB_IR_SAR: return shift_arith(a, b);
    case BB_IR_ROR: return rotate_right(a, b);
    case BB_IR_NOT: return ~a;
    case BB_IR_NEG: return 0u - a;
    case BB_IR_CLZ: return count_leading_zeros(a);
    case BB_IR_MULHU: return (uint32_t)(((uint64_t)a * b) >> 32);
    case BB_IR_MULHS: return (uint32_t)((uint64_t)((int64_t)(int32_t)a * (int32_t)b) >> 32);
    case BB_IR_EQ: return a == b;
    case BB_IR_NE: return a != b;
    case BB_IR_LTU: return a < b;
    case BB_IR_LEU: return a <= b;
    case BB_IR_LTS: return (int32_t)a < (int32_t)b;
    case BB_IR_LES: return (int32_t)a <= (int32_t)b;
    case BB_IR_ADC: return a + b + c;
    case BB_IR_ADC_CARRY: {
        uint64_t sum = (uint64_t)a + b + c;
        return (uint32_t)(sum >> 32);
    }
    case BB_IR_ADC_OVF: {
        uint32_t r = a + b + c;
        return (r ^ a) & ~(a ^ b) & 0x80000000u;
    }
    case BB_IR_SELECT: return c ? a : b;
    default: return 0;
    }
}

void bb_ir_dump(const bb_ir_block *blk, void *file)
{
    FILE *out = file;
    fprintf(out, "block pc=0x%08x flags=0x%x insns=%u\n", blk->pc, blk->flags, blk->n_guest_insns);
    for (int i = 0; i < blk->n_insns; i++) {
        const bb_ir_insn *in = &blk->insns[i];
        if (in->op == BB_IR_NOP) continue;
        if (in->op == BB_IR_INSN_START) {
            fprintf(out, " ---- 0x%08x\n", in->imm);
            continue;
        }
        fprintf(out, "  ");
        if (bb_ir_op_has_dst(in->op)) fprintf(out, "t%u = ", in->dst);
        fprintf(out, "%s", bb_ir_op_name(in->op));
        int arity = bb_ir_op_arity(in->op);
        const bb_ir_temp ops[3] = {in->a, in->b, in->c};
        for (int k = 0; k < arity; k++)
            if (ops[k]) fprintf(out, " t%u", ops[k]);
        switch (in->op) {
        case BB_IR_CONST:
        case BB_IR_EXIT_JUMP: fprintf(out, " 0x%x", in->imm); break;
        case BB_IR_GET:
        case BB_IR_SET: fprintf(out, " [%u]", in->imm); break;
        case BB_IR_LOAD:
        case BB_IR_STORE: fprintf(out, " aux=0x%x left=%u", in->aux, in->left); break;
        case BB_IR_CALL:
            fprintf(out, " %s", blk->helpers ? blk->helpers[in->imm].name : "?");
            break;
        case BB_IR_LABEL:
        case BB_IR_BR:
        case BB_IR_BRZ:
        case BB_IR_BRNZ: fprintf(out, " L%u", in->imm); break;
        default: break;
        }
        if (in->op == BB_IR_EXIT_JUMP) fprintf(out, " slot=%u", in->aux);
        fprintf(out, "\n");
    }
}
