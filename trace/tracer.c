/*
 * tracer.c: the instruction tracer (trace.h): the translation client that records blocks
 * and their executions, and turns them into trace records for the text or binary writer.
 */
#include "trace/trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/cpu.h"
#include "jit/instrument.h"
#include "jit/tb.h"
#include "trace/binary.h"
#include "trace/text.h"

#define MAX_REGS BB_TRACE_MAX_REGS
/* Past this many recorded instructions the definitions are dropped and every translation
 * discarded (the next ones get the ids afresh): long runs whose guest flushes translations
 * often (an OS) stay in bounded memory. */
#define MAX_RECORDED (1u << 22)

/* A call site: instruction `index` of block definition `def`. */
typedef struct slot {
    uint32_t def, index;
} slot;

/* What the tracer knows about a CPU's block in progress. */
typedef struct cpu_state {
    bb_trace_def *def; /* the block executing, or NULL */
    uint64_t icount0;  /* instructions retired before its first one */
    uint32_t diffed;   /* registers: instructions [0, diffed) are accounted for */
    bool sync_pending; /* an instruction of the block raised an exception */
    uint32_t exc_index;
    bb_trace_exception exc;
    uint64_t snapshot[MAX_REGS];
    bb_trace_reg *regs;
    int n_regs, cap_regs;
    bb_trace_mem *mem;
    int n_mem, cap_mem;
} cpu_state;

struct bb_tracer {
    bb_machine *m;
    bb_trace_options opts;
    bb_trace_sink sink;
    int client_id, listener_id;
    bb_trace_def **defs;
    uint32_t n_defs, cap_defs;
    bb_trace_def *building; /* the definition of the block being translated */
    slot *slots;
    uint32_t n_slots, cap_slots;
    uint32_t n_recorded; /* instructions in the definitions */
    bool filtering;      /* address ranges or a window */
    bool active;         /* the window is open */
    bool out_of_memory;
    int n_regs, pc_reg;
    cpu_state cpus[BB_MAX_CPUS];
};

/* ---- translation time ---- */

static bool in_ranges(const bb_tracer *t, uint32_t pc)
{
    if (t->opts.n_ranges == 0) return true;
    for (int i = 0; i < t->opts.n_ranges; i++)
        if (pc >= t->opts.range_start[i] && pc <= t->opts.range_end[i]) return true;
    return false;
}

static bb_trace_def *new_def(bb_tracer *t, uint32_t tb_flags)
{
    if (t->n_defs == t->cap_defs) {
        uint32_t cap = t->cap_defs ? 2 * t->cap_defs : 1024;
        bb_trace_def **grown = realloc(t->defs, sizeof(*grown) * cap);
        if (!grown) return NULL;
        t->defs = grown;
        t->cap_defs = cap;
    }
    bb_trace_def *def = calloc(1, sizeof(*def));
    if (!def) return NULL;
    def->id = t->n_defs;
    def->tb_flags = tb_flags & ~BB_TB_FLAG_SINGLE;
    t->defs[t->n_defs++] = def;
    return def;
}

static bool add_insn(bb_trace_def *def, const bb_trace_insn *in)
{
    if (def->n == def->cap) {
        uint32_t cap = def->cap ? 2 * def->cap : 16;
        bb_trace_insn *grown = realloc(def->insns, sizeof(*grown) * cap);
        if (!grown) return false;
        def->insns = grown;
        def->cap = cap;
    }
    def->insns[def->n++] = *in;
    return true;
}

static void free_def(bb_trace_def *def)
{
    if (def->text)
        for (uint32_t k = 0; k < def->n; k++)
            free(def->text[k]);
    free(def->text);
    free(def->insns);
    free(def);
}

static void close_block(bb_tracer *t, bb_cpu *cpu, struct cpu_state *st, uint32_t next_pc,
                        uint64_t now);

/* Drops every definition (and call site) and asks the engine to discard every translation
 * before any runs again. The blocks in progress are over: the CPU translating a block is
 * about to run it, the others are between slices. */
static void start_afresh(bb_tracer *t, bb_cpu *cpu, uint32_t next_pc)
{
    bb_machine *m = t->m;
    for (int i = 0; i < m->n_cpus; i++) {
        bb_cpu *other = m->cpus[i];
        cpu_state *st = &t->cpus[i];
        if (st->def)
            close_block(t, other, st, other == cpu ? next_pc : other->pc, bb_cpu_icount(other));
    }
    for (uint32_t i = 0; i < t->n_defs; i++)
        free_def(t->defs[i]);
    t->n_defs = t->n_slots = t->n_recorded = 0;
    t->building = NULL;
    bb_cpu_flush_translations(cpu);
}

static int new_slot(bb_tracer *t, uint32_t def, uint32_t index)
{
    if (t->n_slots == t->cap_slots) {
        uint32_t cap = t->cap_slots ? 2 * t->cap_slots : 4096;
        slot *grown = realloc(t->slots, sizeof(*grown) * cap);
        if (!grown) return -1;
        t->slots = grown;
        t->cap_slots = cap;
    }
    t->slots[t->n_slots].def = def;
    t->slots[t->n_slots].index = index;
    return (int)t->n_slots++;
}

static void translate_insn(void *opaque, bb_cpu *cpu, bb_ir_block *blk, uint32_t pc, unsigned size,
                           uint32_t insn)
{
    bb_tracer *t = opaque;
    if (t->out_of_memory) return;
    if (pc == blk->pc || !t->building) {
        if (t->n_recorded > MAX_RECORDED) start_afresh(t, cpu, blk->pc);
        t->building = new_def(t, blk->flags);
    }
    bb_trace_def *def = t->building;
    if (!def) {
        t->out_of_memory = true;
        return;
    }
    bb_trace_insn in = {pc, (uint8_t)(size > 4 ? 4 : size), 0, {0}};
    if (!bb_cpu_debug_rw(cpu, pc, in.bytes, in.size, false))
        for (unsigned b = 0; b < in.size && b < sizeof(in.bytes); b++)
            in.bytes[b] = (uint8_t)(insn >> (8 * b));
    if (in_ranges(t, pc)) in.attr |= BB_TRACE_IN_RANGE;
    uint32_t index = def->n;
    t->n_recorded++;
    if (!add_insn(def, &in)) {
        t->out_of_memory = true;
        return;
    }
    if (index == 0 || t->opts.regs) {
        int id = new_slot(t, def->id, index);
        if (id < 0) {
            t->out_of_memory = true;
            return;
        }
        bb_instrument_emit_call(cpu, blk, t->client_id, (uint32_t)id);
    }
}

static void translate_branch(void *opaque, bb_cpu *cpu, bb_ir_block *blk, uint32_t pc, bool taken)
{
    bb_tracer *t = opaque;
    (void)cpu, (void)blk;
    /* The front-end reports the taken path of every conditional instruction first, and
     * drops its IR if the instruction turns out not to branch; only branches report the
     * path that does not branch. */
    bb_trace_def *def = t->building;
    if (!taken && def && def->n && def->insns[def->n - 1].pc == pc)
        def->insns[def->n - 1].attr |= BB_TRACE_COND_BRANCH;
}

/* ---- run time: registers and memory ---- */

static void snapshot_regs(bb_tracer *t, bb_cpu *cpu, cpu_state *st)
{
    for (int r = 0; r < t->n_regs; r++)
        st->snapshot[r] = cpu->ops->reg_read(cpu, r);
}

/* Records the registers instruction `index` changed (those that differ from the snapshot). */
static void diff_regs(bb_tracer *t, bb_cpu *cpu, cpu_state *st, uint32_t index)
{
    for (int r = 0; r < t->n_regs; r++) {
        uint64_t v = cpu->ops->reg_read(cpu, r);
        if (v == st->snapshot[r]) continue;
        st->snapshot[r] = v;
        if (r == t->pc_reg) continue;
        if (st->n_regs == st->cap_regs) {
            int cap = st->cap_regs ? 2 * st->cap_regs : 64;
            bb_trace_reg *grown = realloc(st->regs, sizeof(*grown) * (size_t)cap);
            if (!grown) {
                t->out_of_memory = true;
                return;
            }
            st->regs = grown;
            st->cap_regs = cap;
        }
        bb_trace_reg *w = &st->regs[st->n_regs++];
        w->index = index;
        w->reg = (uint16_t)r;
        w->value = v;
    }
    st->diffed = index + 1;
}

static void on_mem(void *opaque, bb_cpu *cpu, uint32_t vaddr, unsigned size, bool write,
                   uint64_t value)
{
    bb_tracer *t = opaque;
    cpu_state *st = &t->cpus[cpu->index];
    if (!st->def) return;
    uint64_t index = bb_cpu_icount(cpu) - st->icount0;
    if (index >= st->def->n) return;
    if (st->n_mem == st->cap_mem) {
        int cap = st->cap_mem ? 2 * st->cap_mem : 64;
        bb_trace_mem *grown = realloc(st->mem, sizeof(*grown) * (size_t)cap);
        if (!grown) {
            t->out_of_memory = true;
            return;
        }
        st->mem = grown;
        st->cap_mem = cap;
    }
    bb_trace_mem *a = &st->mem[st->n_mem++];
    a->index = (uint32_t)index;
    a->addr = vaddr;
    a->size = (uint8_t)size;
    a->write = write;
    a->value = value;
}

/* ---- run time: blocks ---- */

static bool point_hit(const bb_trace_point *p, uint32_t pc, uint64_t icount)
{
    if (!p->set) return false;
    return p->is_count ? icount == p->count : pc == p->addr;
}

/* Moves the window over one instruction; true when the instruction is inside it. */
static bool window_at(bb_tracer *t, uint32_t pc, uint64_t icount)
{
    if (!t->active && point_hit(&t->opts.start, pc, icount)) t->active = true;
    if (t->active && point_hit(&t->opts.stop, pc, icount)) t->active = false;
    return t->active;
}

static void emit_run(bb_tracer *t, bb_cpu *cpu, cpu_state *st, uint32_t first, uint32_t count,
                     uint8_t outcome)
{
    bb_trace_exec x = {cpu->index, st->def, first, count, st->icount0 + first, outcome};
    int r0 = 0, m0 = 0;
    while (r0 < st->n_regs && st->regs[r0].index < first)
        r0++;
    int r1 = r0;
    while (r1 < st->n_regs && st->regs[r1].index < first + count)
        r1++;
    while (m0 < st->n_mem && st->mem[m0].index < first)
        m0++;
    int m1 = m0;
    while (m1 < st->n_mem && st->mem[m1].index < first + count)
        m1++;
    t->sink.exec(t->sink.self, &x, st->regs + r0, r1 - r0, st->mem + m0, m1 - m0);
}

static void emit_block(bb_tracer *t, bb_cpu *cpu, cpu_state *st, uint32_t started, uint8_t outcome)
{
    if (!t->filtering) {
        emit_run(t, cpu, st, 0, started, outcome);
        return;
    }
    uint32_t run_start = 0;
    bool in_run = false;
    for (uint32_t i = 0; i < started; i++) {
        const bb_trace_insn *in = &st->def->insns[i];
        bool keep = window_at(t, in->pc, st->icount0 + i) && (in->attr & BB_TRACE_IN_RANGE);
        if (keep && !in_run) run_start = i;
        if (!keep && in_run) emit_run(t, cpu, st, run_start, i - run_start, 0);
        in_run = keep;
    }
    if (in_run) emit_run(t, cpu, st, run_start, started - run_start, outcome);
}

static void emit_exception(bb_tracer *t, const bb_trace_exception *e)
{
    if (t->active) t->sink.exception(t->sink.self, e);
}

/* The block of this CPU is over at instruction count `now`; next_pc is where execution
 * went on. */
static void close_block(bb_tracer *t, bb_cpu *cpu, cpu_state *st, uint32_t next_pc, uint64_t now)
{
    bb_trace_def *def = st->def;
    uint64_t retired = now - st->icount0;
    uint32_t started = retired < def->n ? (uint32_t)retired : def->n;
    bool aborted = false;
    if (st->sync_pending) {
        aborted = retired <= st->exc_index;
        started = st->exc_index + 1;
    }
    if (started > 0) {
        uint32_t last = started - 1;
        if (t->opts.regs && st->diffed <= last) diff_regs(t, cpu, st, last);
        uint8_t outcome = 0;
        const bb_trace_insn *in = &def->insns[last];
        if (aborted)
            outcome = BB_TRACE_ABORTED;
        else if (in->attr & BB_TRACE_COND_BRANCH)
            outcome = next_pc != in->pc + in->size ? BB_TRACE_TAKEN : BB_TRACE_NOT_TAKEN;
        emit_block(t, cpu, st, started, outcome);
    }
    if (st->sync_pending) emit_exception(t, &st->exc);
    st->def = NULL;
    st->sync_pending = false;
    st->n_regs = st->n_mem = 0;
}

static void on_call(void *opaque, bb_cpu *cpu, uint32_t arg)
{
    bb_tracer *t = opaque;
    if (arg >= t->n_slots) return;
    const slot *s = &t->slots[arg];
    bb_trace_def *def = t->defs[s->def];
    cpu_state *st = &t->cpus[cpu->index];
    if (s->index == 0 || st->def != def) {
        uint64_t now = bb_cpu_icount(cpu);
        if (st->def) close_block(t, cpu, st, def->insns[s->index].pc, now);
        st->def = def;
        st->icount0 = now - s->index;
        st->diffed = s->index;
        if (t->opts.regs) snapshot_regs(t, cpu, st);
        return;
    }
    if (t->opts.regs && st->diffed < s->index) diff_regs(t, cpu, st, s->index - 1);
}

static void on_cpu_event(void *opaque, bb_cpu *cpu, bb_cpu_event event, uint32_t a, uint32_t b)
{
    bb_tracer *t = opaque;
    if (event != BB_CPU_EXCEPTION) return;
    cpu_state *st = &t->cpus[cpu->index];
    uint64_t now = bb_cpu_icount(cpu);
    bb_trace_exception e = {cpu->index, now, a, b};
    if (st->def && cpu->insns_left != 0 && !st->sync_pending) {
        uint64_t index = now - st->icount0;
        if (index < st->def->n && st->def->insns[index].pc == b) {
            /* Raised by an instruction of the block: whether it retired shows later. */
            if (t->opts.regs && st->diffed <= index) diff_regs(t, cpu, st, (uint32_t)index);
            st->sync_pending = true;
            st->exc_index = (uint32_t)index;
            st->exc = e;
            return;
        }
    }
    if (st->def) close_block(t, cpu, st, b, now);
    emit_exception(t, &e);
}

/* ---- life cycle ---- */

static void free_tracer(bb_tracer *t)
{
    for (uint32_t i = 0; i < t->n_defs; i++)
        free_def(t->defs[i]);
    for (int i = 0; i < BB_MAX_CPUS; i++) {
        free(t->cpus[i].regs);
        free(t->cpus[i].mem);
    }
    free(t->defs);
    free(t->slots);
    free(t);
}

bb_tracer *bb_trace_start(bb_machine *m, const bb_trace_options *opts, char *err, size_t errlen)
{
    bb_tracer *t = calloc(1, sizeof(*t));
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->m = m;
    t->opts = *opts;
    t->filtering = opts->n_ranges > 0 || opts->start.set || opts->stop.set;
    t->active = !opts->start.set;
    bb_cpu *cpu0 = m->cpus[0];
    const bb_guest_ops *guest = cpu0->ops;
    t->n_regs = guest->n_regs < MAX_REGS ? guest->n_regs : MAX_REGS;
    t->pc_reg = bb_cpu_reg_find(cpu0, "pc");
    FILE *out = fopen(opts->path, "wb");
    if (!out) {
        snprintf(err, errlen, "--trace %s: %s", opts->path, strerror(errno));
        free_tracer(t);
        return NULL;
    }
    setvbuf(out, NULL, _IOFBF, 1 << 20);
    bb_trace_header *header = calloc(1, sizeof(*header));
    if (header) {
        snprintf(header->guest, sizeof(header->guest), "%s", guest->name);
        header->n_regs = t->n_regs;
        for (int r = 0; r < t->n_regs; r++) {
            snprintf(header->regs[r].name, sizeof(header->regs[r].name), "%s", guest->regs[r].name);
            header->regs[r].bits = guest->regs[r].bits;
        }
        if (opts->regs) header->flags |= BB_TRACE_HAS_REGS;
        if (opts->mem) header->flags |= BB_TRACE_HAS_MEM;
        t->sink = opts->format == BB_TRACE_BINARY ? bb_trace_binary_open(out, header)
                                                  : bb_trace_text_open(out, guest, header);
        free(header);
    }
    if (!t->sink.self) {
        fclose(out);
        snprintf(err, errlen, "out of memory");
        free_tracer(t);
        return NULL;
    }
    bb_instrument_client client = {
        .opaque = t,
        .translate_insn = translate_insn,
        .translate_branch = translate_branch,
        .on_call = on_call,
        .on_mem = opts->mem ? on_mem : NULL,
    };
    t->client_id = bb_instrument_add_client(m, &client);
    t->listener_id = bb_instrument_add_cpu_listener(m, on_cpu_event, t);
    if (!t->client_id || !t->listener_id) {
        t->sink.end(t->sink.self, 0, 0, false);
        snprintf(err, errlen, "out of memory");
        if (t->client_id) bb_instrument_remove_client(m, t->client_id);
        free_tracer(t);
        return NULL;
    }
    return t;
}

bool bb_trace_finish(bb_tracer *t, bb_stop_reason why)
{
    if (!t) return true;
    bb_machine *m = t->m;
    for (int i = 0; i < m->n_cpus; i++) {
        cpu_state *st = &t->cpus[i];
        if (st->def) close_block(t, m->cpus[i], st, m->cpus[i]->pc, bb_cpu_icount(m->cpus[i]));
    }
    bb_instrument_remove_client(m, t->client_id);
    bb_instrument_remove_cpu_listener(m, t->listener_id);
    bool ok = t->sink.end(t->sink.self, bb_machine_icount(m), (int)why, true);
    if (t->out_of_memory) {
        fprintf(stderr, "brassboard: --trace %s: out of memory, the trace is incomplete\n",
                t->opts.path);
        ok = false;
    }
    free_tracer(t);
    return ok;
}
