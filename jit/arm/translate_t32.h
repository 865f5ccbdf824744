/*
 * translate_t32.h: what the parts of the T32 (32-bit Thumb-2) decoder share.
 * translate_t32.c: the top of the encoding tree, branches and miscellaneous control,
 * coprocessors; translate_t32_dp.c: data processing; translate_t32_mem.c: loads and
 * stores; translate_t32_mul.c: multiplies. Internal to the ARM front-end.
 *
 * t->insn holds the first halfword (hw1) in bits 31-16 and the second (hw2) in 15-0;
 * fields are named by halfword and bit as in the ARM Architecture Reference Manual.
 */
#ifndef BB_ARM_TRANSLATE_T32_H
#define BB_ARM_TRANSLATE_T32_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/arm/translate.h"

/* Bits [lo, lo + width) of the first and second halfword. */
static inline unsigned t32_hw1(const arm_tctx *t, unsigned lo, unsigned width)
{
    return (t->insn >> (16 + lo)) & ((1u << width) - 1);
}

static inline unsigned t32_hw2(const arm_tctx *t, unsigned lo, unsigned width)
{
    return (t->insn >> lo) & ((1u << width) - 1);
}

/* The target of B (encoding T4) and BL at pc: S:I1:I2:imm10:imm11:0 from the instruction,
 * I1 = NOT(J1 XOR S), I2 = NOT(J2 XOR S). Also used by translate.c to follow branches. */
uint32_t arm_t32_branch_target(uint32_t pc, uint32_t insn);

/* translate_t32_dp.c */
void arm_t32_dp_modified_immediate(arm_tctx *t);
void arm_t32_dp_plain_immediate(arm_tctx *t);
void arm_t32_dp_shifted_register(arm_tctx *t);
void arm_t32_dp_register(arm_tctx *t); /* shifts, extends, parallel, miscellaneous */

/* translate_t32_mem.c */
void arm_t32_load_store_single(arm_tctx *t);   /* LDR/STR of every size and form, hints */
void arm_t32_load_store_multiple(arm_tctx *t); /* LDM, STM, PUSH, POP, SRS, RFE */
void arm_t32_load_store_dual(arm_tctx *t);     /* LDRD, STRD, exclusives, TBB, TBH */

/* translate_t32_mul.c */
void arm_t32_multiply(arm_tctx *t);      /* MUL, MLA, MLS, the DSP and media multiplies */
void arm_t32_long_multiply(arm_tctx *t); /* the 64-bit multiplies (and divides) */

#endif
