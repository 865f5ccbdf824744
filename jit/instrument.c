/*
 * instrument.c: the hooks and clients of translation-time instrumentation (see
 * instrument.h): their registry per machine, what the translator emits for them, the
 * engine helpers generated code calls, and the memory-hook side of the slow path.
 */
#include "jit/instrument.h"

#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "jit/tb.h"

typedef enum hook_kind { HOOK_EXEC, HOOK_MEM } hook_kind;

typedef struct hook {
    int id;
    hook_kind kind;
    uint32_t start, end;
    unsigned kinds; /* BB_HOOK_READ | BB_HOOK_WRITE for memory hooks */
    bb_exec_hook_fn exec_fn;
    bb_mem_hook_fn mem_fn;
    void *opaque;
} hook;

typedef struct client {
    int id;
    bb_instrument_client c;
} client;

typedef struct listener {
    int id;
    bb_cpu_event_fn fn;
    void *opaque;
} listener;

struct bb_instrument {
    hook *hooks;
    int n_hooks, cap_hooks;
    client *clients;
    int n_clients, cap_clients;
    listener *listeners;
    int n_listeners, cap_listeners;
    int next_id;
    int n_exec, n_mem, n_mem_clients;
    bb_break_info last_break;
};

typedef struct bb_instrument bb_instrument;

static bb_instrument *state_of(bb_machine *m)
{
    if (!m->instrument) m->instrument = calloc(1, sizeof(bb_instrument));
    return m->instrument;
}

void bb_instrument_free(bb_machine *m)
{
    bb_instrument *in = m->instrument;
    if (!in) return;
    free(in->hooks);
    free(in->clients);
    free(in->listeners);
    free(in);
    m->instrument = NULL;
}

/* ---- keeping translations and TLBs in step with the hooks ---- */

static void translations_changed(bb_machine *m)
{
    if (!m->jit) return;
    bb_jit_request_flush(m->jit);
    if (m->running) bb_cpu_exit_request(m->running);
}

static void tlbs_changed(bb_machine *m)
{
    for (int i = 0; i < m->n_cpus; i++)
        bb_cpu_tlb_flush(m->cpus[i]);
}

static void recount(bb_instrument *in)
{
    in->n_exec = in->n_mem = in->n_mem_clients = 0;
    for (int i = 0; i < in->n_hooks; i++) {
        if (in->hooks[i].kind == HOOK_EXEC)
            in->n_exec++;
        else
            in->n_mem++;
    }
    for (int i = 0; i < in->n_clients; i++)
        if (in->clients[i].c.on_mem) in->n_mem_clients++;
}

/* ---- registry ---- */

static int add_hook(bb_machine *m, const hook *h)
{
    bb_instrument *in = state_of(m);
    if (!in) return 0;
    if (in->n_hooks == in->cap_hooks) {
        int cap = in->cap_hooks ? 2 * in->cap_hooks : 8;
        hook *grown = realloc(in->hooks, sizeof(hook) * (size_t)cap);
        if (!grown) return 0;
        in->hooks = grown;
        in->cap_hooks = cap;
    }
    hook *slot = &in->hooks[in->n_hooks++];
    *slot = *h;
    slot->id = ++in->next_id;
    recount(in);
    if (h->kind == HOOK_EXEC)
        translations_changed(m);
    else
        tlbs_changed(m);
    return slot->id;
}

int bb_hook_add_exec(bb_machine *m, uint32_t start, uint32_t end, bb_exec_hook_fn fn, void *opaque)
{
    hook h = {0, HOOK_EXEC, start, end, 0, fn, NULL, opaque};
    return add_hook(m, &h);
}

int bb_hook_add_mem(bb_machine *m, uint32_t start, uint32_t end, unsigned kinds, bb_mem_hook_fn fn,
                    void *opaque)
{
    hook h = {0, HOOK_MEM, start, end, kinds, NULL, fn, opaque};
    return add_hook(m, &h);
}

void bb_hook_remove(bb_machine *m, int id)
{
    bb_instrument *in = m->instrument;
    if (!in) return;
    for (int i = 0; i < in->n_hooks; i++) {
        if (in->hooks[i].id != id) continue;
        hook_kind kind = in->hooks[i].kind;
        in->hooks[i] = in->hooks[--in->n_hooks];
        recount(in);
        if (kind == HOOK_EXEC)
            translations_changed(m);
        else
            tlbs_changed(m);
        return;
    }
}

int bb_instrument_add_client(bb_machine *m, const bb_instrument_client *c)
{
    bb_instrument *in = state_of(m);
    if (!in) return 0;
    if (in->n_clients == in->cap_clients) {
        int cap = in->cap_clients ? 2 * in->cap_clients : 4;
        client *grown = realloc(in->clients, sizeof(client) * (size_t)cap);
        if (!grown) return 0;
        in->clients = grown;
        in->cap_clients = cap;
    }
    client *slot = &in->clients[in->n_clients++];
    slot->id = ++in->next_id;
    slot->c = *c;
    recount(in);
    translations_changed(m);
    if (c->on_mem) tlbs_changed(m);
    return slot->id;
}

void bb_instrument_remove_client(bb_machine *m, int id)
{
    bb_instrument *in = m->instrument;
    if (!in) return;
    for (int i = 0; i < in->n_clients; i++) {
        if (in->clients[i].id != id) continue;
        bool had_mem = in->clients[i].c.on_mem != NULL;
        in->clients[i] = in->clients[--in->n_clients];
        recount(in);
        translations_changed(m);
        if (had_mem) tlbs_changed(m);
        return;
    }
}

int bb_instrument_add_cpu_listener(bb_machine *m, bb_cpu_event_fn fn, void *opaque)
{
    bb_instrument *in = state_of(m);
    if (!in) return 0;
    if (in->n_listeners == in->cap_listeners) {
        int cap = in->cap_listeners ? 2 * in->cap_listeners : 4;
        listener *grown = realloc(in->listeners, sizeof(listener) * (size_t)cap);
        if (!grown) return 0;
        in->listeners = grown;
        in->cap_listeners = cap;
    }
    listener *slot = &in->listeners[in->n_listeners++];
    slot->id = ++in->next_id;
    slot->fn = fn;
    slot->opaque = opaque;
    return slot->id;
}

void bb_instrument_remove_cpu_listener(bb_machine *m, int id)
{
    bb_instrument *in = m->instrument;
    if (!in) return;
    for (int i = 0; i < in->n_listeners; i++) {
        if (in->listeners[i].id != id) continue;
        in->listeners[i] = in->listeners[--in->n_listeners];
        return;
    }
}

void bb_instrument_cpu_event(bb_cpu *cpu, bb_cpu_event event, uint32_t a, uint32_t b)
{
    bb_instrument *in = cpu->machine->instrument;
    if (!in) return;
    for (int i = 0; i < in->n_listeners; i++)
        in->listeners[i].fn(in->listeners[i].opaque, cpu, event, a, b);
}

static client *find_client(bb_instrument *in, int id)
{
    for (int i = 0; i < in->n_clients; i++)
        if (in->clients[i].id == id) return &in->clients[i];
    return NULL;
}

bb_break_info bb_machine_break_info(bb_machine *m)
{
    bb_break_info none = {0};
    return m->instrument ? m->instrument->last_break : none;
}

/* ---- translation time ---- */

static unsigned engine_helper(const bb_cpu *cpu, unsigned which)
{
    return cpu->ops->n_helpers + which;
}

void bb_instrument_emit_call(bb_cpu *cpu, bb_ir_block *blk, int client_id, uint32_t arg)
{
    bb_ir_call(blk, engine_helper(cpu, BB_H_CLIENT_CALL), bb_ir_const(blk, (uint32_t)client_id),
               bb_ir_const(blk, arg), 0);
}

void bb_instrument_emit_mark(bb_ir_block *blk, uint32_t index, uint8_t bits)
{
    bb_ir_mark(blk, index, bits);
}

void bb_cpu_set_mark_map(bb_cpu *cpu, uint8_t *map, uint32_t size)
{
    cpu->mark_map = map;
    cpu->mark_size = size;
}

bool bb_cpu_mark_map_in_use(const bb_cpu *cpu)
{
    return cpu->mark_map != NULL;
}

void bb_instrument_insn(bb_cpu *cpu, bb_ir_block *blk, uint32_t pc, unsigned size, uint32_t insn)
{
    bb_instrument *in = cpu->machine->instrument;
    if (!in) return;
    for (int i = 0; i < in->n_hooks; i++) {
        const hook *h = &in->hooks[i];
        if (h->kind == HOOK_EXEC && pc >= h->start && pc <= h->end) {
            bb_ir_call(blk, engine_helper(cpu, BB_H_EXEC_HOOK), bb_ir_const(blk, pc), 0, 0);
            break;
        }
    }
    for (int i = 0; i < in->n_clients; i++) {
        const bb_instrument_client *c = &in->clients[i].c;
        if (c->translate_insn) c->translate_insn(c->opaque, cpu, blk, pc, size, insn);
    }
}

void bb_instrument_branch(bb_cpu *cpu, bb_ir_block *blk, uint32_t pc, bool taken)
{
    bb_instrument *in = cpu->machine->instrument;
    if (!in) return;
    for (int i = 0; i < in->n_clients; i++) {
        const bb_instrument_client *c = &in->clients[i].c;
        if (c->translate_branch) c->translate_branch(c->opaque, cpu, blk, pc, taken);
    }
}

/* ---- run time: helpers ---- */

static void record_break(bb_instrument *in, const hook *h, bb_cpu *cpu, uint32_t pc)
{
    bb_break_info info = {h->id, cpu->index, pc, h->kind == HOOK_MEM, false, 0, 0};
    in->last_break = info;
}

static void stop_machine(bb_cpu *cpu)
{
    bb_machine *m = cpu->machine;
    if (m->stop_reason == BB_STOP_NONE) m->stop_reason = BB_STOP_BREAK;
    bb_cpu_exit_request(cpu);
}

static uint32_t h_exec_hook(bb_cpu *cpu, uint32_t pc, uint32_t b, uint32_t c)
{
    (void)b, (void)c;
    bb_instrument *in = cpu->machine->instrument;
    if (!in) return 0;
    uint64_t now = bb_cpu_icount(cpu);
    cpu->pc = pc; /* hooks see the exact PC of the instruction about to run */
    /* Resuming from a stop at this very instruction: do not stop again. */
    if (cpu->hook_skip_valid && cpu->hook_skip_pc == pc && cpu->hook_skip_icount == now) {
        cpu->hook_skip_valid = false;
        return 0;
    }
    for (int i = 0; i < in->n_hooks; i++) {
        const hook *h = &in->hooks[i];
        if (h->kind != HOOK_EXEC || pc < h->start || pc > h->end) continue;
        bb_hook_result r = h->exec_fn(h->opaque, cpu, pc);
        if (r == BB_HOOK_STOP) {
            record_break(in, h, cpu, pc);
            cpu->pc = pc;
            cpu->hook_skip_valid = true;
            cpu->hook_skip_pc = pc;
            cpu->hook_skip_icount = now;
            stop_machine(cpu);
            bb_cpu_unwind(cpu);
        }
        if (r == BB_HOOK_REDIRECT) bb_cpu_unwind(cpu);
        if (!cpu->machine->instrument) return 0; /* a hook removed everything */
    }
    return 0;
}

static uint32_t h_client_call(bb_cpu *cpu, uint32_t id, uint32_t arg, uint32_t c)
{
    (void)c;
    bb_instrument *in = cpu->machine->instrument;
    client *cl = in ? find_client(in, (int)id) : NULL;
    if (cl && cl->c.on_call) cl->c.on_call(cl->c.opaque, cpu, arg);
    return 0;
}

const bb_ir_helper bb_engine_helpers[BB_H_ENGINE_COUNT] = {
    [BB_H_EXEC_HOOK] = {h_exec_hook, "exec_hook", 0},
    [BB_H_CLIENT_CALL] = {h_client_call, "client_call", 0},
};

/* ---- run time: the slow path ---- */

bool bb_instrument_page_is_watched(bb_machine *m, uint32_t vaddr)
{
    bb_instrument *in = m->instrument;
    if (!in) return false;
    if (in->n_mem_clients) return true;
    uint32_t page = vaddr & ~(uint32_t)(BB_PAGE_SIZE - 1);
    uint32_t last = page + (BB_PAGE_SIZE - 1);
    for (int i = 0; i < in->n_hooks; i++) {
        const hook *h = &in->hooks[i];
        if (h->kind == HOOK_MEM && h->start <= last && h->end >= page) return true;
    }
    return false;
}

bool bb_instrument_mem_access(bb_cpu *cpu, uint32_t vaddr, unsigned size, bool write,
                              uint64_t *value)
{
    bb_instrument *in = cpu->machine->instrument;
    if (!in || !in->n_mem || cpu->hooks_quiet) return false;
    uint32_t last = vaddr + (size - 1);
    unsigned kind = write ? BB_HOOK_WRITE : BB_HOOK_READ;
    for (int i = 0; i < in->n_hooks; i++) {
        const hook *h = &in->hooks[i];
        if (h->kind != HOOK_MEM || !(h->kinds & kind) || (h->kinds & BB_HOOK_DONE) ||
            h->start > last || h->end < vaddr)
            continue;
        bb_hook_result r = h->mem_fn(h->opaque, cpu, vaddr, size, write, value);
        if (r == BB_HOOK_HANDLED) return true;
        if (r == BB_HOOK_STOP) {
            /* Undo the instruction, replay it alone with hooks quiet, then stop. */
            uint32_t pc = (uint32_t)cpu->slow_site;
            bb_break_info info = {h->id, cpu->index, pc, true, write, vaddr, size};
            in->last_break = info;
            cpu->pc = pc;
            cpu->replay_pending = true;
            bb_cpu_unwind(cpu);
        }
    }
    return false;
}

void bb_instrument_mem_done(bb_cpu *cpu, uint32_t vaddr, unsigned size, bool write, uint64_t value)
{
    bb_instrument *in = cpu->machine->instrument;
    if (!in || (!in->n_mem_clients && !in->n_mem)) return;
    for (int i = 0; i < in->n_clients; i++) {
        const bb_instrument_client *c = &in->clients[i].c;
        if (c->on_mem) c->on_mem(c->opaque, cpu, vaddr, size, write, value);
    }
    uint32_t last = vaddr + (size - 1);
    unsigned kind = BB_HOOK_DONE | (write ? BB_HOOK_WRITE : BB_HOOK_READ);
    for (int i = 0; i < in->n_hooks; i++) {
        const hook *h = &in->hooks[i];
        if (h->kind != HOOK_MEM || (h->kinds & kind) != kind || h->start > last || h->end < vaddr)
            continue;
        uint64_t seen = value;
        h->mem_fn(h->opaque, cpu, vaddr, size, write, &seen);
    }
}

bool bb_instrument_replay_pending(bb_cpu *cpu)
{
    return cpu->replay_pending;
}

void bb_instrument_replay_done(bb_cpu *cpu)
{
    cpu->replay_pending = false;
    cpu->hooks_quiet = false;
    stop_machine(cpu);
}

void bb_instrument_resume_past_hooks(bb_cpu *cpu)
{
    cpu->hook_skip_valid = true;
    cpu->hook_skip_pc = cpu->pc;
    cpu->hook_skip_icount = bb_cpu_icount(cpu);
}

void bb_instrument_cancel_replay(bb_cpu *cpu)
{
    cpu->replay_pending = false;
}

void bb_instrument_reset_cpu(bb_cpu *cpu)
{
    cpu->replay_pending = false;
    cpu->hooks_quiet = false;
    cpu->hook_skip_valid = false;
}
