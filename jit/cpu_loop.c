/*
 * cpu_loop.c: the CPU run loop. It gives the CPU an instruction budget that ends at the
 * next timer deadline (so events happen at exact instruction counts), takes interrupts
 * between blocks, finds or translates the next block, runs generated code, chains direct
 * exits, and accounts retired instructions - also when a guest exception unwinds out of
 * the middle of a block.
 *
 * A block is charged its whole length at entry; one that leaves early gives the rest back
 * as a refund, which the loop returns to the budget. When the next block is longer than
 * what is left before an event, the CPU goes on one instruction at a time so that the
 * event comes at its exact count; a scheduling quantum (several CPUs taking turns) is not
 * an event: the turn ends at that block boundary instead.
 */
#include <stdint.h>

#include "core/machine.h"
#include "jit/cpu.h"
#include "jit/instrument.h"
#include "jit/tb.h"

#define MAX_SLICE (1u << 22) /* bounds how long a stop request can wait */

/* The block to run next, or NULL: translation failed, or the turn ends here (*yield). */
static bb_tb *next_block(bb_cpu *cpu, bool *yield)
{
    uint32_t pc = cpu->pc, flags = cpu->tb_flags;
    bb_tb **cached = &cpu->jmp_cache[bb_jmp_cache_hash(pc)];
    bb_tb *tb = *cached;
    if (!tb || tb->pc != pc || tb->flags != flags) {
        tb = bb_tb_find_or_translate(cpu, pc, flags);
        if (!tb) return NULL;
        if (!tb->transient) *cached = tb;
    }
    if ((int32_t)tb->n_guest_insns > cpu->budget) {
        if (cpu->budget_is_soft && cpu->budget < cpu->slice_budget) {
            *yield = true;
            return NULL;
        }
        tb = bb_tb_find_or_translate(cpu, pc, flags | BB_TB_FLAG_SINGLE);
    }
    return tb;
}

/* True while the slice may go on: budget left, or refunds to put back into it. */
static bool budget_left(bb_cpu *cpu)
{
    if (cpu->budget > 0) return true;
    if (cpu->refund <= 0 || cpu->exit_requested) return false;
    cpu->budget += cpu->refund;
    cpu->refund = 0;
    return cpu->budget > 0;
}

/* Runs blocks until the budget is used up or something asks for the loop. Returns true
 * if the CPU gave up the rest of its turn (soft budget). */
static bool run_blocks(bb_cpu *cpu)
{
    const bb_backend *backend = bb_jit_backend(cpu->jit);
    bb_tb *chain_from = NULL;
    int chain_slot = 0;
    bool yield = false;
    while (budget_left(cpu)) {
        bb_tb *tb = next_block(cpu, &yield);
        if (!tb) break;
        if (chain_from && chain_from->flags == tb->flags)
            bb_tb_link(cpu, chain_from, chain_slot, tb);
        uintptr_t ret = backend->execute(cpu, tb);
        chain_from = (bb_tb *)(ret & ~(uintptr_t)3);
        chain_slot = (int)(ret & 3);
        if (cpu->halted) break;
        /* Generated code returned (an unchained or indirect exit, or EXIT_LOOP after a
         * change of interrupt masks): a pending interrupt is taken here. */
        if (budget_left(cpu) && cpu->ops->check_interrupts(cpu)) chain_from = NULL;
    }
    return yield;
}

static void account(bb_cpu *cpu)
{
    int64_t done = (int64_t)cpu->slice_budget - cpu->budget - cpu->stolen - cpu->refund;
    cpu->icount += (uint64_t)(done > 0 ? done : 0);
    cpu->budget = 0;
    cpu->stolen = 0;
    cpu->refund = 0;
    cpu->slice_budget = 0;
    cpu->in_slice = false;
}

uint64_t bb_cpu_run_slice(bb_cpu *cpu, uint64_t max_insns)
{
    return bb_cpu_run_quantum(cpu, max_insns, UINT64_MAX);
}

uint64_t bb_cpu_run_quantum(bb_cpu *cpu, uint64_t max_insns, uint64_t quantum)
{
    bb_machine *m = cpu->machine;
    const uint64_t start = cpu->icount;
    volatile bool yielded = false; /* volatile: set between sigsetjmp and a longjmp */
    m->running = cpu;
    while (m->stop_reason == BB_STOP_NONE && !m->stop_requested) {
        bb_clock_run_due(m->clock);
        if (m->stop_reason != BB_STOP_NONE || m->stop_requested) break;
        bb_jit_flush_if_requested(cpu->jit);
        /* A memory hook asked to stop after an instruction: run it again alone, with the
         * hooks quiet, before anything else (no interrupt in between). */
        bool replay = bb_instrument_replay_pending(cpu);
        if (!replay) cpu->ops->check_interrupts(cpu);
        if (cpu->halted) break;
        uint64_t done = cpu->icount - start;
        if (done >= max_insns || done >= quantum) break;
        uint64_t budget = max_insns - done;
        if (replay) {
            budget = 1;
            cpu->hooks_quiet = true;
        }
        uint64_t to_deadline = bb_clock_insns_to_deadline(m->clock);
        if (to_deadline < budget) budget = to_deadline;
        if (budget > MAX_SLICE) budget = MAX_SLICE;
        if (budget == 0) continue; /* an event is due: run it first */
        bool soft = false;
        if (!replay && quantum - done < budget) {
            budget = quantum - done;
            soft = true;
        }
        cpu->budget = (int32_t)budget;
        cpu->budget_is_soft = soft;
        cpu->exit_requested = false;
        cpu->slice_budget = (int32_t)budget;
        cpu->stolen = 0;
        cpu->refund = 0;
        cpu->insns_left = 0;
        cpu->in_slice = true;
        if (sigsetjmp(cpu->exit_jmp, 0) != 0) {
            /* A guest exception left a block: the faulting instruction and the rest of the
             * block did not retire. */
            cpu->budget += (int32_t)cpu->insns_left;
            cpu->insns_left = 0;
        } else {
            yielded = run_blocks(cpu);
        }
        account(cpu);
        if (replay) bb_instrument_replay_done(cpu);
        if (yielded) break;
    }
    m->running = NULL;
    return cpu->icount - start;
}
