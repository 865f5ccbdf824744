/*
 * instrument.h: translation-time instrumentation, the one mechanism behind breakpoints,
 * watchpoints, tracing, coverage and script hooks.
 *
 * Nothing is paid for what is off: a hook or client changes what the translator emits, and
 * adding or removing one discards the affected translations. Code that no hook touches runs
 * at full speed.
 *   - Exec hooks: a helper call is emitted before each guest instruction in the hook's
 *     range. A hook can stop the machine before the instruction (breakpoints), or change
 *     the PC and redirect execution.
 *   - Memory hooks: TLB entries of pages that a hook watches send every access to the slow
 *     path, which calls the hook. A read hook can supply the value, a write hook can alter
 *     or veto it, and any hook can stop the machine after the instruction (watchpoints).
 *   - Clients (trace, coverage): called at translation time for every instruction and
 *     every conditional branch outcome; they emit IR (MARK for coverage bitmaps, client
 *     calls for per-instruction callbacks) and may ask to see every memory access.
 * Guest state is exact in every callback: the PC of the instruction, registers as before
 * it, and bb_cpu_icount counts the instructions retired before it.
 */
#ifndef BB_INSTRUMENT_H
#define BB_INSTRUMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/cpu.h"
#include "jit/ir.h"

typedef struct bb_machine bb_machine;

typedef enum bb_hook_result {
    BB_HOOK_CONTINUE, /* go on */
    BB_HOOK_STOP,     /* exec hook: stop before the instruction; memory hook: let the
                         instruction complete, then stop (bb_machine_run returns BB_STOP_BREAK) */
    BB_HOOK_REDIRECT, /* exec hook: the hook set the PC (cpu->pc): continue there */
    BB_HOOK_HANDLED,  /* memory hook: the hook did the access: a read hook filled *value, a
                         write hook consumed (or vetoed) it; the bus is not accessed */
} bb_hook_result;

/* Memory hook kinds. A BB_HOOK_DONE hook is not called before the access but after it
 * completed, with the value read or written (its result is ignored): for observers that
 * want read values (waveforms of selected ranges). */
enum { BB_HOOK_READ = 1, BB_HOOK_WRITE = 2, BB_HOOK_DONE = 4 };

typedef bb_hook_result (*bb_exec_hook_fn)(void *opaque, bb_cpu *cpu, uint32_t pc);
/* *value holds the value written (writes) or, for reads, is where a HANDLED read hook puts
 * the value; a write hook may change *value and return CONTINUE to alter the write. */
typedef bb_hook_result (*bb_mem_hook_fn)(void *opaque, bb_cpu *cpu, uint32_t vaddr, unsigned size,
                                         bool write, uint64_t *value);

/* Hooks on guest virtual addresses [start, end] (inclusive). Return an id (> 0), or 0 when
 * out of memory. Adding or removing a hook takes effect at the next block boundary. */
int bb_hook_add_exec(bb_machine *m, uint32_t start, uint32_t end, bb_exec_hook_fn fn, void *opaque);
int bb_hook_add_mem(bb_machine *m, uint32_t start, uint32_t end, unsigned kinds, bb_mem_hook_fn fn,
                    void *opaque);
void bb_hook_remove(bb_machine *m, int id);

/* Why the last BB_STOP_BREAK happened: the hook id, and for memory hooks the access. */
typedef struct bb_break_info {
    int hook_id;
    int cpu_index;
    uint32_t pc; /* exec: the instruction not yet executed; memory: the accessing one */
    bool is_mem;
    bool write;
    uint32_t vaddr;
    unsigned size;
} bb_break_info;
bb_break_info bb_machine_break_info(bb_machine *m);

/* A translation client (tracer, coverage recorder). */
typedef struct bb_instrument_client {
    void *opaque;
    /* Translation time, after the INSN_START of the instruction at pc (size bytes, its
     * encoding in `insn`): may emit IR with bb_instrument_emit_*. */
    void (*translate_insn)(void *opaque, bb_cpu *cpu, bb_ir_block *blk, uint32_t pc, unsigned size,
                           uint32_t insn);
    /* Translation time, on each path of a conditional branch at pc: `taken` is true on the
     * path that branches. */
    void (*translate_branch)(void *opaque, bb_cpu *cpu, bb_ir_block *blk, uint32_t pc, bool taken);
    /* Run time: the callback of bb_instrument_emit_call. */
    void (*on_call)(void *opaque, bb_cpu *cpu, uint32_t arg);
    /* Run time: every guest memory access after it completed (set only if needed: all
     * accesses then take the slow path). */
    void (*on_mem)(void *opaque, bb_cpu *cpu, uint32_t vaddr, unsigned size, bool write,
                   uint64_t value);
} bb_instrument_client;

/* Registers a client (copied); returns its id (> 0), or 0 when out of memory. */
int bb_instrument_add_client(bb_machine *m, const bb_instrument_client *client);
void bb_instrument_remove_client(bb_machine *m, int id);

/* For clients, at translation time: emit a call of the client's on_call(arg) at this point
 * of the block, or set bits in the CPU's mark map (see bb_cpu_set_mark_map). */
void bb_instrument_emit_call(bb_cpu *cpu, bb_ir_block *blk, int client_id, uint32_t arg);
void bb_instrument_emit_mark(bb_ir_block *blk, uint32_t index, uint8_t bits);
/* The byte map that MARK instructions of this CPU update (coverage bitmaps); whether one
 * is set (a machine has one coverage recorder at a time). */
void bb_cpu_set_mark_map(bb_cpu *cpu, uint8_t *map, uint32_t size);
bool bb_cpu_mark_map_in_use(const bb_cpu *cpu);

/* For guest front-ends: call after bb_ir_insn_start for every instruction, and on both paths
 * of every conditional branch. Cheap when nothing is instrumented. */
void bb_instrument_insn(bb_cpu *cpu, bb_ir_block *blk, uint32_t pc, unsigned size, uint32_t insn);
void bb_instrument_branch(bb_cpu *cpu, bb_ir_block *blk, uint32_t pc, bool taken);

/* CPU state changes, for traces and waveforms: cheap, reported by the guest where they
 * happen (exception entry, mode switch, WFI), never per instruction. */
typedef enum bb_cpu_event {
    BB_CPU_EXCEPTION, /* a = exception number (guest_ops exception_name), b = pc of the
                         instruction it is taken at: the one that raised it, or for an
                         interrupt the next one to run. Reported before any state change. */
    BB_CPU_MODE,      /* a = new mode, b = old mode (the guest's numbers: ARM CPSR.M) */
    BB_CPU_SLEEP,     /* a = 1: waits for an interrupt; a = 0: woke up */
} bb_cpu_event;
typedef void (*bb_cpu_event_fn)(void *opaque, bb_cpu *cpu, bb_cpu_event event, uint32_t a,
                                uint32_t b);
/* Returns an id (> 0) for bb_instrument_remove_cpu_listener, or 0 when out of memory.
 * Translations are not affected. */
int bb_instrument_add_cpu_listener(bb_machine *m, bb_cpu_event_fn fn, void *opaque);
void bb_instrument_remove_cpu_listener(bb_machine *m, int id);
/* For guest front-ends: report a state change. */
void bb_instrument_cpu_event(bb_cpu *cpu, bb_cpu_event event, uint32_t a, uint32_t b);

/* For the engine (jit/cpu.c): whether accesses to the page at vaddr must take the slow path,
 * and the memory-hook call of the slow path. Returns true when the access was HANDLED (the
 * bus must not be accessed). May unwind. */
bool bb_instrument_page_is_watched(bb_machine *m, uint32_t vaddr);
bool bb_instrument_mem_access(bb_cpu *cpu, uint32_t vaddr, unsigned size, bool write,
                              uint64_t *value);
void bb_instrument_mem_done(bb_cpu *cpu, uint32_t vaddr, unsigned size, bool write, uint64_t value);
/* For the run loop: after a memory hook asked to stop, the instruction is run again alone
 * (with memory hooks quiet) and the machine then stops. */
bool bb_instrument_replay_pending(bb_cpu *cpu);
void bb_instrument_replay_done(bb_cpu *cpu);

/* For debuggers resuming a stopped CPU: the instruction at cpu->pc does not run its exec
 * hooks (the ones that stopped it) the next time it executes, once. */
void bb_instrument_resume_past_hooks(bb_cpu *cpu);
/* Drops a pending replay (the debugger moved the PC away from the watched instruction). */
void bb_instrument_cancel_replay(bb_cpu *cpu);
/* Forgets every stop in progress: replay, quiet hooks, skipped hooks (machine reset). */
void bb_instrument_reset_cpu(bb_cpu *cpu);

/* Engine helpers appended to every guest's helper table (see bb_jit_helpers). */
enum { BB_H_EXEC_HOOK, BB_H_CLIENT_CALL, BB_H_ENGINE_COUNT };
extern const bb_ir_helper bb_engine_helpers[BB_H_ENGINE_COUNT];

void bb_instrument_free(bb_machine *m);

#endif
