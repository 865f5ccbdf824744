/*
 * translate.h: what the A32 and Thumb decoders share: the translation context, register
 * and flag access, condition codes, branches and exits.
 *
 * translate.c runs the block loop (fetch, INSN_START, decode, stop at a page boundary, at
 * the length limit or when an instruction ended the block) and implements the arm_gen_*
 * functions; translate_a32*.c, translate_thumb.c and translate_t32*.c decode one
 * instruction each, and translate_ops.h has the operations they share beyond ARMv5TE.
 *
 * What is decoded depends on the CPU's feature word (ARM_FEATURE_*, t->features): the
 * ARM926 (ARMv5TE) sees its own instruction set and nothing else; encodings that later
 * architectures added are undefined on it.
 *
 * IT blocks (Thumb-2): the ITSTATE of an instruction is part of the key of the block it
 * starts (tb_flags bits ARM_TBF_IT_*). Within a block the translator knows it statically
 * (t->it), wraps each instruction of an IT block in its condition, and keeps the ITSTATE
 * in cpu->tb_flags exact wherever it can be observed: it is written at the start of every
 * instruction whose ITSTATE differs from what tb_flags holds (the optimizer drops the
 * writes that nothing reads), and every exit writes the ITSTATE of the instruction it
 * goes to.
 */
#ifndef BB_ARM_TRANSLATE_H
#define BB_ARM_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/arm/cpu.h"
#include "jit/ir.h"

#define ARM_MAX_BLOCK_INSNS 128

typedef struct arm_tctx {
    bb_cpu *cpu;
    bb_ir_block *blk;
    uint32_t pc;   /* address of the instruction being translated */
    uint32_t insn; /* its encoding (Thumb BL pairs: first half in bits 31-16) */
    unsigned size; /* its size in bytes (4, or 2 in Thumb; 4 for a Thumb BL pair) */
    bool thumb;
    bool privileged;
    bool big_endian;       /* CPSR.E: data accesses byte-swapped (ARM_TBF_BIG_ENDIAN) */
    unsigned mmu_idx;      /* ARM_MMU_PRIV or ARM_MMU_USER */
    bool ended;            /* every path of the block has exited: stop translating */
    int next_slot;         /* next direct-exit slot (0, 1; later exits are not chained) */
    int outcome_end;       /* branch coverage: end of the "taken" IR (arm_gen_outcome_begin) */
    bool branch_not_taken; /* emit the "not taken" IR after the condition's label */
    uint32_t features;     /* the CPU's ARM_FEATURE_* bits */
    unsigned it;           /* ITSTATE of the instruction (IT[7:0]; 0 outside IT blocks) */
    unsigned it_next;      /* ITSTATE of the next instruction (IT sets it, else it advances) */
    unsigned it_synced;    /* the ITSTATE that cpu->tb_flags holds on the current path */
} arm_tctx;

static inline bool arm_feature(const arm_tctx *t, uint32_t feature)
{
    return (t->features & feature) == feature;
}

/* Whether the instruction is inside an IT block (then 16-bit data processing does not set
 * flags, and the instruction is conditional on the IT condition). */
static inline bool arm_in_it_block(const arm_tctx *t)
{
    return t->it != 0;
}

/* Decoders: translate the one instruction at t->pc (t->insn). arm_translate_thumb takes
 * 16-bit instructions and the ARMv5 BL/BLX pair; on Thumb-2 CPUs every 32-bit encoding
 * goes to arm_translate_t32 (translate_t32.c). */
void arm_translate_a32(arm_tctx *t);
void arm_translate_thumb(arm_tctx *t);
void arm_translate_t32(arm_tctx *t);

/* rN as an operand: r15 reads as the instruction's address + 8 (ARM) or + 4 (Thumb). */
bb_ir_temp arm_gen_reg(arm_tctx *t, int n);
/* rN = v for n < 15. */
void arm_gen_set_reg(arm_tctx *t, int n, bb_ir_temp v);
/* A branch to a computed address without changing state (ARM: bits 1-0 cleared; Thumb:
 * bit 0 cleared): sets the PC and exits through the indirect lookup. */
void arm_gen_branch_ind(arm_tctx *t, bb_ir_temp target);
/* An interworking branch (BX, BLX register, and on v5 LDR pc / LDM pc / POP pc): bit 0 of
 * target selects Thumb state. Updates cpsr_ctl and tb_flags, sets the PC, exits. */
void arm_gen_bx(arm_tctx *t, bb_ir_temp target);
/* A direct branch to a known address in the same state: a chainable exit. */
void arm_gen_branch_direct(arm_tctx *t, uint32_t target);
/* Direct branch to a known address in the other state (BLX immediate). */
void arm_gen_branch_direct_exchange(arm_tctx *t, uint32_t target, bool to_thumb);

/* Flags. */
void arm_gen_set_nz(arm_tctx *t, bb_ir_temp result);
void arm_gen_set_c(arm_tctx *t, bb_ir_temp carry); /* carry is 0 or 1 */
/* NZCV of result = a + b + carry_in (carry_in a temp 0/1; pass a CONST 0 for ADD). */
bb_ir_temp arm_gen_add_flags(arm_tctx *t, bb_ir_temp a, bb_ir_temp b, bb_ir_temp carry_in);
/* NZCV of result = a - b - !carry_in (i.e. a + ~b + carry_in; CONST 1 for SUB/CMP). */
bb_ir_temp arm_gen_sub_flags(arm_tctx *t, bb_ir_temp a, bb_ir_temp b, bb_ir_temp carry_in);
bb_ir_temp arm_gen_carry(arm_tctx *t); /* current C as 0/1 */

/* Condition code cond (0-14) as a temp that is 1 when it holds. */
bb_ir_temp arm_gen_cond(arm_tctx *t, unsigned cond);
/* For a conditional instruction: emits a jump over it when cond fails and returns the
 * label to place after it with arm_gen_cond_end (-1 for AL, nothing emitted). */
int arm_gen_cond_begin(arm_tctx *t, unsigned cond);
void arm_gen_cond_end(arm_tctx *t, int label);
/* Branch coverage around a conditional instruction (label from arm_gen_cond_begin):
 * outcome_begin right after the condition check emits the clients' "taken" IR and returns
 * where it starts; outcome_end (after the instruction, before arm_gen_cond_end) keeps it
 * only if the instruction did branch (an exit was emitted), and then emits the
 * "not taken" IR after the label. Both do nothing for unconditional instructions. */
int arm_gen_outcome_begin(arm_tctx *t, int label);
void arm_gen_outcome_end(arm_tctx *t, int label, int begin);

/* Exceptions raised by the instruction itself: these end the block. */
void arm_gen_undef(arm_tctx *t);
/* SVC/SWI with its comment field (semihosting or the exception); the return goes to the
 * next instruction, so the ITSTATE saved is the one after the SVC. */
void arm_gen_svc(arm_tctx *t, uint32_t comment);
/* Makes cpu->tb_flags hold ITSTATE `it` on the current path (Thumb-2 only). */
void arm_gen_sync_it(arm_tctx *t, unsigned it);
/* After an instruction that changed the CPU mode, the interrupt masks or the MMU: end the
 * block and return to the run loop at the next instruction. */
void arm_gen_exit_to_loop(arm_tctx *t, uint32_t next_pc);

/* Memory, with the context's MMU index (or user for LDRT/STRT), in the data endianness of
 * the block: with CPSR.E set, halfwords and words are byte-swapped (a doubleword that is
 * one element, as VLDR of a D register, also has its words swapped: arm_dreg_words). */
bb_ir_temp arm_gen_load(arm_tctx *t, unsigned mem, bb_ir_temp addr, bool user);
void arm_gen_store(arm_tctx *t, unsigned mem, bb_ir_temp addr, bb_ir_temp value, bool user);

/* ARMv7 alignment that the memory slow path does not see (it faults on accesses
 * misaligned for their own size, see arm_misaligned): when addr & mask is not 0, an
 * alignment fault. For LDREXD/STREXD (8 bytes with word accesses) and NEON alignment
 * qualifiers. It places a label: call it first, with temps of its own (the address
 * computed again after it). Nothing on CPUs before v7. */
void arm_gen_check_alignment(arm_tctx *t, bb_ir_temp addr, bb_ir_temp mask, bool write);

/* Dreg as a 64-bit element in memory: the state offsets of the word at the lower address
 * and of the one at the higher address (the high word first in big-endian state). */
static inline void arm_dreg_words(const arm_tctx *t, unsigned reg, uint32_t *lower,
                                  uint32_t *higher)
{
    *lower = t->big_endian ? ARM_OFF_D_HI(reg) : ARM_OFF_D_LO(reg);
    *higher = t->big_endian ? ARM_OFF_D_LO(reg) : ARM_OFF_D_HI(reg);
}

#endif
