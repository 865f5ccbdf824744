/*
 * x86_64_gen.h: what the two halves of the x86-64 backend share (not an interface of the
 * JIT): the frame layout, where temps live, the per-block generation state, and the calls
 * between the analysis and register allocation (x86_64_alloc.c) and the code emission
 * (backend_x86_64.c).
 */
#ifndef BB_JIT_X86_64_GEN_H
#define BB_JIT_X86_64_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "jit/codebuf.h"
#include "jit/cpu.h"
#include "jit/tb.h"
#include "jit/x86_64_emit.h"

#define CODE_BUFFER_SIZE ((size_t)256 << 20)
#define CPU_REG          BB_X86_RBP

/* The frame below the six callee-saved registers pushed by the trampoline. */
#define SAVE_AREA  0  /* 8 bytes per caller-saved temp register */
#define SPILL_BASE 64 /* 4 bytes per spill slot */
#define MAX_SLOTS  480
#define FRAME_SIZE (SPILL_BASE + 4 * MAX_SLOTS + 8)
_Static_assert((FRAME_SIZE + 7 * 8) % 16 == 0, "calls from generated code need RSP % 16 == 0");
_Static_assert(sizeof(bb_tlb_entry) == 32, "the TLB index is scaled by a shift of 5");
_Static_assert(BB_PAGE_BITS >= 5, "the TLB index shift");
_Static_assert(offsetof(bb_cpu, budget) == 0, "the block entry subtracts from [cpu]");

/* Where a temp lives. */
enum {
    T_NONE,   /* no value needed (never used) */
    T_REG,    /* a host register */
    T_SLOT,   /* a spill slot in the frame */
    T_CONST,  /* a constant: an immediate wherever it is used */
    T_GETMEM, /* a GET folded into its only user: a memory operand [cpu + offset] */
    T_FLAGS,  /* a condition fused into the branch that tests it: lives in the host flags */
    T_SETMEM, /* a result whose only use is the SET just after: written to [cpu + offset] */
};

typedef struct temp_info {
    int32_t def, last_use;
    uint32_t value; /* T_CONST: the constant; T_GETMEM, T_SETMEM: the field offset */
    uint16_t uses;
    uint8_t kind;
    uint8_t cc; /* T_FLAGS: the host condition that holds when the value is non-zero */
    int8_t reg;
    bool crosses_call;
    int16_t slot;
} temp_info;

typedef struct fixup {
    uint32_t label, at;
} fixup;

/* Out-of-line code emitted after the block's body. */
enum { COLD_UNDO, COLD_EXIT, COLD_SLOW };
typedef struct cold_item {
    uint8_t kind;
    int insn;
    uint32_t jump_at; /* rel32 of the jump from the body to this code */
    uint32_t resume;  /* COLD_SLOW: where the body continues */
} cold_item;

typedef uintptr_t (*enter_fn)(bb_cpu *cpu, void *code);

typedef struct x64_state {
    bb_codebuf code;
    enter_fn enter;
    const uint8_t *epilogue;
    unsigned features;
    FILE *perf_map;  /* BRASSBOARD_PERF_MAP set: /tmp/perf-PID.map names blocks for perf */
    FILE *code_dump; /* BRASSBOARD_PERF_MAP=code: /tmp/perf-PID.code holds their host code */
    /* Scratch of one generate() call, kept to avoid allocating per block. */
    temp_info *temps;
    int temps_cap;
    uint16_t *save_mask; /* per instruction: caller-saved registers live across it */
    int save_mask_cap;
    int *calls_before; /* per instruction: helper calls before it */
    int calls_cap;
    bb_ir_temp *subtrahend; /* per instruction: x when it is ADC*(a, NOT x, 1), else 0 */
    int subtrahend_cap;
    int32_t *label_pos;
    int labels_cap;
    fixup *fixups;
    int n_fixups, fixups_cap;
    cold_item *colds;
    int n_colds, colds_cap;
    int32_t slot_busy_until[MAX_SLOTS];
} x64_state;

/* One generate() call. */
typedef struct gen {
    x64_state *st;
    bb_x86_buf b;
    const bb_ir_block *blk;
    bb_tb *tb;
    temp_info *t;
    int n_slots;
    uint32_t jump_site[2]; /* rel32 of each chainable exit, or BB_TB_NO_JUMP */
    bool failed;
} gen;

static const int8_t caller_saved[] = {BB_X86_RDX, BB_X86_RSI, BB_X86_RDI, BB_X86_R8,
                                      BB_X86_R9,  BB_X86_R10, BB_X86_R11};
static const int8_t callee_saved[] = {BB_X86_RBX, BB_X86_R12, BB_X86_R13, BB_X86_R14, BB_X86_R15};
#define N_CALLER ((int)sizeof(caller_saved))
#define N_CALLEE ((int)sizeof(callee_saved))

/* Grows a scratch array to hold `need` elements of `elem` bytes. */
bool x64_grow(void **array, int *cap, int need, size_t elem);

/* Pass 1 (x86_64_alloc.c): computes each temp's definition, uses and location; false when
 * out of memory or the block is malformed. */
bool x64_analyze(gen *g);

/* IR facts both passes use. */
bool x64_valid_temp(const gen *g, bb_ir_temp t);
bool x64_is_pure(bb_ir_op op);
bool x64_is_const_one(const gen *g, bb_ir_temp t);

#endif
