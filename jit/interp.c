/*
 * interp.c: the IR interpreter backend (--jit interp).
 *
 * It runs the same optimized IR the native backend compiles, with the same block-entry
 * budget check, TLB fast path, exits and chaining, so that both give identical results and
 * identical instruction counts. It is the reference the native backend is tested against
 * and the backend for hosts without one.
 */
#include <stdlib.h>
#include <string.h>

#include "jit/cpu.h"
#include "jit/tb.h"

typedef struct interp_state {
    uint32_t *temps;
    int cap;
} interp_state;

static interp_state *state_of(bb_jit *jit)
{
    interp_state *st = bb_jit_backend_state(jit);
    if (!st) {
        st = calloc(1, sizeof(*st));
        bb_jit_set_backend_state(jit, st);
    }
    return st;
}

/* Keeps a private copy of the IR with branch targets turned into instruction indexes. */
static bool interp_generate(bb_jit *jit, bb_tb *tb, const bb_ir_block *blk)
{
    interp_state *st = state_of(jit);
    if (!st) return false;
    bb_ir_insn *code = malloc(sizeof(*code) * (size_t)(blk->n_insns ? blk->n_insns : 1));
    int *label_at = malloc(sizeof(int) * (size_t)(blk->n_labels + 1));
    if (!code || !label_at) {
        free(code);
        free(label_at);
        return false;
    }
    memcpy(code, blk->insns, sizeof(*code) * (size_t)blk->n_insns);
    for (int i = 0; i < blk->n_insns; i++)
        if (code[i].op == BB_IR_LABEL) label_at[code[i].imm] = i;
    for (int i = 0; i < blk->n_insns; i++) {
        bb_ir_op op = code[i].op;
        if (op == BB_IR_BR || op == BB_IR_BRZ || op == BB_IR_BRNZ)
            code[i].imm = (uint32_t)label_at[code[i].imm];
    }
    free(label_at);
    tb->ir = code;
    tb->n_ir = blk->n_insns;
    tb->n_temps = blk->n_temps;
    if (blk->n_temps + 1 > st->cap) {
        uint32_t *grown = realloc(st->temps, sizeof(uint32_t) * (size_t)(blk->n_temps + 1));
        if (!grown) return false;
        st->temps = grown;
        st->cap = blk->n_temps + 1;
    }
    return true;
}

static uint32_t load_fast(bb_cpu *cpu, const bb_ir_insn *in, uint32_t vaddr)
{
    unsigned size = BB_IR_MEM_SIZE(in->aux);
    bb_tlb_entry *e =
        &cpu->tlb[BB_IR_MEM_MMU(in->aux)][(vaddr >> BB_PAGE_BITS) & (BB_TLB_SIZE - 1)];
    if ((vaddr & (BB_TLB_PAGE_MASK | (size - 1))) != e->tag_read)
        return bb_cpu_load_slow(cpu, vaddr, bb_mem_site(in->imm, in->left, in->aux));
    const uint8_t *host = (const uint8_t *)(e->addend + vaddr);
    switch (in->aux & 7) {
    case BB_IR_MEM_8: return *host;
    case BB_IR_MEM_8 | BB_IR_MEM_SIGNED: return (uint32_t)(int32_t)(int8_t)*host;
    case BB_IR_MEM_16: {
        uint16_t v;
        memcpy(&v, host, 2);
        return v;
    }
    case BB_IR_MEM_16 | BB_IR_MEM_SIGNED: {
        int16_t v;
        memcpy(&v, host, 2);
        return (uint32_t)(int32_t)v;
    }
    default: {
        uint32_t v;
        memcpy(&v, host, 4);
        return v;
    }
    }
}

static void store_fast(bb_cpu *cpu, const bb_ir_insn *in, uint32_t vaddr, uint32_t value)
{
    unsigned size = BB_IR_MEM_SIZE(in->aux);
    bb_tlb_entry *e =
        &cpu->tlb[BB_IR_MEM_MMU(in->aux)][(vaddr >> BB_PAGE_BITS) & (BB_TLB_SIZE - 1)];
    if ((vaddr & (BB_TLB_PAGE_MASK | (size - 1))) != e->tag_write) {
        bb_cpu_store_slow(cpu, vaddr, value, bb_mem_site(in->imm, in->left, in->aux));
        return;
    }
    uint8_t *host = (uint8_t *)(e->addend + vaddr);
    if (size == 1) {
        *host = (uint8_t)value;
    } else if (size == 2) {
        uint16_t v = (uint16_t)value;
        memcpy(host, &v, 2);
    } else {
        memcpy(host, &value, 4);
    }
}

static inline uint32_t *field(bb_cpu *cpu, uint32_t offset)
{
    return (uint32_t *)((char *)cpu + offset);
}

static bb_tb *cached_target(bb_cpu *cpu)
{
    bb_tb *next = cpu->jmp_cache[bb_jmp_cache_hash(cpu->pc)];
    if (next && next->pc == cpu->pc && next->flags == cpu->tb_flags) return next;
    return NULL;
}

static uintptr_t interp_execute(bb_cpu *cpu, bb_tb *tb)
{
    uint32_t *t = ((interp_state *)bb_jit_backend_state(cpu->jit))->temps;
    for (;;) {
        cpu->budget -= (int32_t)tb->n_guest_insns;
        if (cpu->budget < 0) {
            cpu->budget += (int32_t)tb->n_guest_insns;
            cpu->pc = tb->pc;
            return 0;
        }
        const bb_ir_insn *code = tb->ir;
        bb_tb *next = NULL;
        for (int i = 0; !next; i++) {
            const bb_ir_insn *in = &code[i];
            switch ((bb_ir_op)in->op) {
            case BB_IR_NOP:
            case BB_IR_INSN_START:
            case BB_IR_LABEL: break;
            case BB_IR_CONST: t[in->dst] = in->imm; break;
            case BB_IR_GET: t[in->dst] = *field(cpu, in->imm); break;
            case BB_IR_SET: *field(cpu, in->imm) = t[in->a]; break;
            case BB_IR_LOAD: t[in->dst] = load_fast(cpu, in, t[in->a]); break;
            case BB_IR_STORE: store_fast(cpu, in, t[in->a], t[in->b]); break;
            case BB_IR_CALL:
                cpu->insns_left = in->left;
                t[in->dst] = tb->helpers[in->imm].fn(cpu, in->a ? t[in->a] : 0,
                                                     in->b ? t[in->b] : 0, in->c ? t[in->c] : 0);
                cpu->insns_left = 0;
                break;
            case BB_IR_MARK: cpu->mark_map[in->imm] |= in->aux; break;
            case BB_IR_BR: i = (int)in->imm; break;
            case BB_IR_BRZ:
                if (t[in->a] == 0) i = (int)in->imm;
                break;
            case BB_IR_BRNZ:
                if (t[in->a] != 0) i = (int)in->imm;
                break;
            case BB_IR_EXIT_JUMP: {
                unsigned slot = in->aux;
                cpu->refund += in->left - 1;
                if (slot < 2 && tb->jump_to[slot]) {
                    next = tb->jump_to[slot];
                    break;
                }
                cpu->pc = in->imm;
                if (slot < 2) return (uintptr_t)tb | slot;
                next = cached_target(cpu); /* slots past 1 are not chained: look up */
                if (!next) return 0;
                break;
            }
            case BB_IR_EXIT_IND:
                cpu->refund += in->left - 1;
                next = cached_target(cpu);
                if (!next) return 0;
                break;
            case BB_IR_EXIT_LOOP: cpu->refund += in->left - 1; return 0;
            default:
                t[in->dst] = bb_ir_eval((bb_ir_op)in->op, t[in->a], in->b ? t[in->b] : 0,
                                        in->c ? t[in->c] : 0);
                break;
            }
        }
        tb = next;
    }
}

static void interp_link(bb_tb *from, int slot, bb_tb *to)
{
    from->jump_to[slot] = to;
}

static void interp_unlink(bb_tb *from, int slot)
{
    from->jump_to[slot] = NULL;
}

static void interp_flush(bb_jit *jit)
{
    (void)jit;
}

static void interp_destroy(bb_jit *jit)
{
    interp_state *st = bb_jit_backend_state(jit);
    if (st) free(st->temps);
    free(st);
    bb_jit_set_backend_state(jit, NULL);
}

const bb_backend bb_backend_interp = {
    .name = "interp",
    .generate = interp_generate,
    .execute = interp_execute,
    .link = interp_link,
    .unlink = interp_unlink,
    .flush = interp_flush,
    .destroy = interp_destroy,
};
