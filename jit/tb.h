/*
 * tb.h: translation blocks and the translation cache of a CPU.
 *
 * A translation block (TB) is the translated form of guest code starting at (pc, flags):
 * host code for the native backend, the optimized IR for the interpreter. TBs are found
 * through a hash of (pc, flags), remember the physical pages their guest code came from
 * (for self-modifying code), and are chained: a direct exit of one TB jumps straight into
 * the next once both exist. Invalidating a TB unlinks every jump into it.
 */
#ifndef BB_JIT_TB_H
#define BB_JIT_TB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/machine.h"
#include "jit/cpu.h"
#include "jit/ir.h"

#define BB_TB_FLAG_SINGLE 0x80000000u /* tb_flags bit: one guest instruction per block */
#define BB_TB_NO_JUMP     0xffffffffu

struct bb_tb {
    uint32_t pc, flags;
    uint32_t n_guest_insns;
    uint32_t host_size;
    void *host_code; /* native backend: entry point */
    bb_ir_insn *ir;  /* interpreter backend: the optimized IR */
    int n_ir, n_temps;
    const bb_ir_helper *helpers;
    uint64_t phys_pages[BB_IR_MAX_PAGES]; /* physical pages of the guest code */
    uint16_t page_lo[BB_IR_MAX_PAGES];    /* the bytes of each page the code covers: */
    uint16_t page_hi[BB_IR_MAX_PAGES];    /* [lo, hi) offsets (a store elsewhere keeps it) */
    int n_pages;
    /* Chaining: direct exit slots 0 and 1. */
    uint32_t exit_pc[2];         /* guest target of each slot, or BB_TB_NO_JUMP */
    uint32_t jump_patch[2];      /* native: offset of the patchable rel32 in host code */
    uint32_t jump_reset[2];      /* native: offset of the exit stub the jump goes to
                                    when unchained */
    bb_tb *jump_to[2];           /* chained target of each slot */
    uintptr_t jump_from_first;   /* list of (tb | slot) jumping into this TB */
    uintptr_t jump_from_next[2]; /* next link of that list, per slot of this TB */
    bb_tb *hash_next;
    bb_tb *page_next[BB_IR_MAX_PAGES]; /* TBs sharing each code page */
    bool valid;
    bool transient; /* not in the hash or any cache, never chained to: runs once */
};

/* The backend in use. `execute` runs from tb until generated code returns to the loop;
 * it returns 0, or (tb | slot) for a direct exit that is not chained yet (the guest PC is
 * the slot's target). */
typedef struct bb_backend {
    const char *name;
    bool (*generate)(bb_jit *jit, bb_tb *tb, const bb_ir_block *blk);
    uintptr_t (*execute)(bb_cpu *cpu, bb_tb *tb);
    void (*link)(bb_tb *from, int slot, bb_tb *to);
    void (*unlink)(bb_tb *from, int slot);
    void (*flush)(bb_jit *jit); /* all code discarded */
    void (*destroy)(bb_jit *jit);
} bb_backend;

extern const bb_backend bb_backend_interp;
extern const bb_backend bb_backend_x86_64;

bb_jit *bb_jit_new(bb_machine *m, bb_jit_kind kind);
void bb_jit_free(bb_jit *jit);
const bb_backend *bb_jit_backend(bb_jit *jit);
/* Backend-private state (the native code buffer). */
void *bb_jit_backend_state(bb_jit *jit);
void bb_jit_set_backend_state(bb_jit *jit, void *state);

/* The TB for (pc, flags), translated now if needed. NULL only if translation failed
 * badly (the caller treats it as a guest error). */
bb_tb *bb_tb_find_or_translate(bb_cpu *cpu, uint32_t pc, uint32_t flags);
/* Chains from's slot to `to` (both valid, same page rules). */
void bb_tb_link(bb_cpu *cpu, bb_tb *from, int slot, bb_tb *to);
/* Invalidates every TB whose guest code touches [phys, phys + len). */
void bb_tb_invalidate_phys(bb_jit *jit, uint64_t phys, uint64_t len);
/* Discards every TB and all generated code. Only between blocks (the run loop). */
void bb_tb_flush_all(bb_jit *jit);
/* Asks for bb_tb_flush_all at the next block boundary (safe from helpers). */
void bb_jit_request_flush(bb_jit *jit);
/* Performs a requested flush; returns true if one was done. */
bool bb_jit_flush_if_requested(bb_jit *jit);
/* Statistics for --log exec and the benchmarks. */
typedef struct bb_jit_stats {
    uint64_t translated, flushes, invalidated, chained;
} bb_jit_stats;
bb_jit_stats bb_jit_get_stats(const bb_jit *jit);

#endif
