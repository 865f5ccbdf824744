/*
 * recorder.c: the coverage translation client (recorder.h).
 */
#include "coverage/recorder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/cpu.h"
#include "jit/instrument.h"

/* One translation of a block: its instructions are pcs[first .. first + count - 1]. */
typedef struct translation {
    uint32_t first, count;
    uint32_t end_slot; /* the slot marked when the last instruction starts */
} translation;

/* A conditional branch of a translation and its slot. */
typedef struct branch {
    uint32_t translation, index, slot;
} branch;

/* Where an instruction appears: translation and index, chained per pc (exception lookup). */
typedef struct place {
    uint32_t translation, index, next;
} place;

#define NO_PLACE 0xffffffffu
/* Past this many recorded instructions (16 bytes each) the records are folded into the
 * flags and dropped, and every translation is discarded so that none uses old slots: long
 * runs whose guest flushes translations often (an OS) stay in bounded memory. */
#define MAX_RECORDED (1u << 22)
#define HASH_BITS    14
#define HASH_SIZE    (1u << HASH_BITS)

struct bb_coverage {
    bb_machine *m;
    bb_cov_data *data;
    int client_id, listener_id;
    uint8_t *map; /* data's flags (n_flags bytes), then the slots */
    uint32_t map_used, map_cap;
    translation *ts;
    uint32_t n_ts, cap_ts;
    uint32_t *pcs;
    place *places; /* parallel to pcs */
    uint32_t n_pcs, cap_pcs, cap_places;
    branch *branches;
    uint32_t n_branches, cap_branches;
    uint32_t heads[HASH_SIZE]; /* pc hash -> first place */
    /* The block being translated. */
    bool building;
    int last_mark; /* IR index of the MARK at the start of the latest instruction, or -1 */
    bool out_of_memory;
};

static uint32_t pc_hash(uint32_t pc)
{
    return (pc * 0x9e3779b1u) >> (32 - HASH_BITS);
}

static bool grow(void **array, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap) return true;
    uint32_t cap2 = *cap ? *cap : 1024;
    while (cap2 < need)
        cap2 *= 2;
    void *grown = realloc(*array, size * cap2);
    if (!grown) return false;
    *array = grown;
    *cap = cap2;
    return true;
}

/* A new slot byte in the MARK map (the map may move: every CPU is told). */
static int64_t new_slot(bb_coverage *c)
{
    if (c->map_used == c->map_cap) {
        uint32_t cap = c->map_cap * 2;
        uint8_t *grown = realloc(c->map, cap);
        if (!grown) return -1;
        memset(grown + c->map_cap, 0, cap - c->map_cap);
        c->map = grown;
        c->map_cap = cap;
        for (int i = 0; i < c->m->n_cpus; i++)
            bb_cpu_set_mark_map(c->m->cpus[i], c->map, c->map_cap);
    }
    return c->map_used++;
}

static void expand(bb_coverage *c);

/* ---- translation time ---- */

/* Folds what the slots say into the flags, forgets every translation and asks the engine
 * to discard them before any runs again (the block being translated now is the first to
 * run, and does not: the flush takes its budget). */
static void start_afresh(bb_coverage *c, bb_cpu *cpu)
{
    expand(c);
    memset(c->map + c->data->n_flags, 0, c->map_used - c->data->n_flags);
    c->map_used = c->data->n_flags;
    c->n_ts = c->n_pcs = c->n_branches = 0;
    memset(c->heads, 0xff, sizeof(c->heads));
    bb_cpu_flush_translations(cpu);
}

static bool begin_translation(bb_coverage *c)
{
    if (!grow((void **)&c->ts, &c->cap_ts, c->n_ts + 1, sizeof(*c->ts))) return false;
    translation *t = &c->ts[c->n_ts++];
    t->first = c->n_pcs;
    t->count = 0;
    int64_t slot = new_slot(c);
    if (slot < 0) return false;
    t->end_slot = (uint32_t)slot;
    c->building = true;
    c->last_mark = -1;
    return true;
}

static void translate_insn(void *opaque, bb_cpu *cpu, bb_ir_block *blk, uint32_t pc, unsigned size,
                           uint32_t insn)
{
    bb_coverage *c = opaque;
    (void)cpu, (void)size, (void)insn;
    if (c->out_of_memory) return;
    if (pc == blk->pc || !c->building) {
        if (c->n_pcs > MAX_RECORDED) start_afresh(c, cpu);
        if (!begin_translation(c)) {
            c->out_of_memory = true;
            return;
        }
    }
    translation *t = &c->ts[c->n_ts - 1];
    uint32_t need = c->n_pcs + 1;
    if (!grow((void **)&c->pcs, &c->cap_pcs, need, sizeof(*c->pcs)) ||
        !grow((void **)&c->places, &c->cap_places, need, sizeof(*c->places))) {
        c->out_of_memory = true;
        return;
    }
    uint32_t at = c->n_pcs++;
    c->pcs[at] = pc;
    place *p = &c->places[at];
    p->translation = c->n_ts - 1;
    p->index = t->count++;
    p->next = c->heads[pc_hash(pc)];
    c->heads[pc_hash(pc)] = at;
    int64_t index = bb_cov_data_index(c->data, pc);
    if (index >= 0) c->map[index] |= BB_COV_INSN;
    /* The mark where this instruction starts makes the previous one's redundant. */
    if (c->last_mark >= 0) blk->insns[c->last_mark].op = BB_IR_NOP;
    bb_instrument_emit_mark(blk, t->end_slot, 1);
    c->last_mark = blk->n_insns - 1;
}

static void translate_branch(void *opaque, bb_cpu *cpu, bb_ir_block *blk, uint32_t pc, bool taken)
{
    bb_coverage *c = opaque;
    (void)cpu;
    if (c->out_of_memory || !c->building || c->n_ts == 0) return;
    translation *t = &c->ts[c->n_ts - 1];
    if (t->count == 0 || c->pcs[t->first + t->count - 1] != pc) return;
    uint32_t index = t->count - 1;
    /* The taken path is reported first, for every conditional instruction (its MARK is
     * dropped by the front-end if the instruction does not branch); only a branch
     * reports the path that falls through. */
    branch *b = c->n_branches ? &c->branches[c->n_branches - 1] : NULL;
    if (!b || b->translation != c->n_ts - 1 || b->index != index) {
        int64_t slot = new_slot(c);
        if (slot < 0 || !grow((void **)&c->branches, &c->cap_branches, c->n_branches + 1,
                              sizeof(*c->branches))) {
            c->out_of_memory = true;
            return;
        }
        b = &c->branches[c->n_branches++];
        b->translation = c->n_ts - 1;
        b->index = index;
        b->slot = (uint32_t)slot;
    }
    if (!taken) {
        int64_t flags = bb_cov_data_index(c->data, pc);
        if (flags >= 0) c->map[flags] |= BB_COV_BRANCH;
    }
    bb_instrument_emit_mark(blk, b->slot, taken ? BB_COV_TAKEN : BB_COV_NOT_TAKEN);
}

/* ---- run time: a block left by an exception ---- */

static void mark_prefix(bb_coverage *c, const translation *t, uint32_t last)
{
    for (uint32_t k = 0; k <= last && k < t->count; k++) {
        int64_t index = bb_cov_data_index(c->data, c->pcs[t->first + k]);
        if (index >= 0) c->map[index] |= BB_COV_EXEC;
    }
}

static bool in_prefix(const bb_coverage *c, const translation *t, uint32_t last, uint32_t pc)
{
    for (uint32_t k = 0; k <= last; k++)
        if (c->pcs[t->first + k] == pc) return true;
    return false;
}

/* A synchronous exception inside a block: the translations that hold `pc` with `left`
 * instructions from it to their end could be the one executing. What all of them hold
 * before pc surely executed (usually there is one). */
#define MAX_CANDIDATES 16
static void on_cpu_event(void *opaque, bb_cpu *cpu, bb_cpu_event event, uint32_t a, uint32_t pc)
{
    bb_coverage *c = opaque;
    (void)a;
    if (event != BB_CPU_EXCEPTION || cpu->insns_left == 0) return;
    const place *found[MAX_CANDIDATES];
    int n = 0;
    for (uint32_t at = c->heads[pc_hash(pc)]; at != NO_PLACE; at = c->places[at].next) {
        const place *p = &c->places[at];
        if (c->pcs[at] != pc || c->ts[p->translation].count - p->index != cpu->insns_left) continue;
        if (n == MAX_CANDIDATES) {
            n = 0; /* too many to be sure of more than pc itself */
            break;
        }
        found[n++] = p;
    }
    int64_t self = bb_cov_data_index(c->data, pc);
    if (self >= 0) c->map[self] |= BB_COV_EXEC;
    if (n == 0) return;
    const translation *first = &c->ts[found[0]->translation];
    for (uint32_t k = 0; k < found[0]->index; k++) {
        uint32_t prefix_pc = c->pcs[first->first + k];
        bool everywhere = true;
        for (int i = 1; i < n && everywhere; i++)
            everywhere = in_prefix(c, &c->ts[found[i]->translation], found[i]->index, prefix_pc);
        int64_t index = everywhere ? bb_cov_data_index(c->data, prefix_pc) : -1;
        if (index >= 0) c->map[index] |= BB_COV_EXEC;
    }
}

/* ---- reading out ---- */

/* Expands the slots into the executed and outcome flags of the map. */
static void expand(bb_coverage *c)
{
    bb_cov_data *d = c->data;
    for (uint32_t i = 0; i < c->n_branches; i++) {
        const branch *b = &c->branches[i];
        uint8_t outcomes = c->map[b->slot] & (BB_COV_TAKEN | BB_COV_NOT_TAKEN);
        if (!outcomes) continue;
        const translation *t = &c->ts[b->translation];
        mark_prefix(c, t, b->index);
        int64_t index = bb_cov_data_index(d, c->pcs[t->first + b->index]);
        if (index >= 0) c->map[index] |= outcomes;
    }
    for (uint32_t i = 0; i < c->n_ts; i++) {
        const translation *t = &c->ts[i];
        if (c->map[t->end_slot] && t->count) mark_prefix(c, t, t->count - 1);
    }
}

void bb_coverage_sync(bb_coverage *c)
{
    expand(c);
    for (uint32_t i = 0; i < c->data->n_flags; i++)
        c->data->flags[i] |= c->map[i];
}

bb_coverage *bb_coverage_start(bb_machine *m, bb_cov_data *data, char *err, size_t errlen)
{
    bb_coverage *c = calloc(1, sizeof(*c));
    if (c) {
        c->map_cap = data->n_flags + (1u << 16);
        c->map = calloc(c->map_cap, 1);
    }
    if (!c || !c->map) {
        snprintf(err, errlen, "out of memory");
        if (c) free(c);
        return NULL;
    }
    c->m = m;
    c->data = data;
    c->map_used = data->n_flags;
    memset(c->heads, 0xff, sizeof(c->heads));
    for (int i = 0; i < m->n_cpus; i++)
        bb_cpu_set_mark_map(m->cpus[i], c->map, c->map_cap);
    bb_instrument_client client = {
        .opaque = c,
        .translate_insn = translate_insn,
        .translate_branch = translate_branch,
    };
    c->client_id = bb_instrument_add_client(m, &client);
    c->listener_id = bb_instrument_add_cpu_listener(m, on_cpu_event, c);
    if (!c->client_id || !c->listener_id) {
        snprintf(err, errlen, "out of memory");
        bb_coverage_stop(c);
        return NULL;
    }
    return c;
}

void bb_coverage_stop(bb_coverage *c)
{
    if (!c) return;
    if (c->out_of_memory)
        fprintf(stderr, "brassboard: coverage: out of memory, coverage is incomplete\n");
    bb_coverage_sync(c);
    if (c->client_id) bb_instrument_remove_client(c->m, c->client_id);
    if (c->listener_id) bb_instrument_remove_cpu_listener(c->m, c->listener_id);
    for (int i = 0; i < c->m->n_cpus; i++)
        bb_cpu_set_mark_map(c->m->cpus[i], NULL, 0);
    free(c->map);
    free(c->ts);
    free(c->pcs);
    free(c->places);
    free(c->branches);
    free(c);
}
