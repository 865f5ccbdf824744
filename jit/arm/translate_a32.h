/*
 * translate_a32.h: what the parts of the A32 decoder share (translate_a32.c: decoding,
 * data processing, branches and system instructions; translate_a32_mem.c: loads and
 * stores; translate_a32_mul.c: multiplies). The barrel shifter is also used by the Thumb
 * decoder. Internal to the ARM front-end.
 */
#ifndef BB_ARM_TRANSLATE_A32_H
#define BB_ARM_TRANSLATE_A32_H

#include <stdint.h>

#include "jit/arm/translate.h"

/* Shifter types in bits 6-5 of a register operand. */
enum { ARM_SHIFT_LSL, ARM_SHIFT_LSR, ARM_SHIFT_ASR, ARM_SHIFT_ROR };

/* Bits [lo, lo + width) of an instruction word. */
static inline unsigned arm_field(uint32_t insn, unsigned lo, unsigned width)
{
    return (insn >> lo) & ((1u << width) - 1);
}

static inline bool arm_bit(uint32_t insn, unsigned n)
{
    return (insn >> n) & 1;
}

/* value shifted by an immediate amount as in an instruction's shifter operand (amount 0
 * means LSR/ASR #32 and RRX). When carry_out is not NULL it receives the shifter carry-out
 * as a 0/1 temp, or 0 when the shift leaves C unchanged. */
bb_ir_temp arm_a32_shift_imm(arm_tctx *t, bb_ir_temp value, unsigned type, unsigned amount,
                             bb_ir_temp *carry_out);

/* value shifted by a register amount (0-255, the bottom byte of Rs) as in a shifter
 * operand: amounts of 32 and more give 0 (LSL, LSR), the sign (ASR) or a rotation by the
 * amount mod 32 (ROR). carry_out as above; an amount of 0 leaves C unchanged. */
bb_ir_temp arm_a32_shift_reg(arm_tctx *t, bb_ir_temp value, unsigned type, bb_ir_temp amount,
                             bb_ir_temp *carry_out);

/* translate_a32_mem.c */
void arm_a32_load_store(arm_tctx *t);       /* LDR, STR, LDRB, STRB and the T forms */
void arm_a32_extra_load_store(arm_tctx *t); /* LDRH, STRH, LDRSB, LDRSH, LDRD, STRD */
void arm_a32_block_transfer(arm_tctx *t);   /* LDM, STM */
void arm_a32_swap(arm_tctx *t);             /* SWP, SWPB */

/* translate_a32_mul.c */
void arm_a32_multiply(arm_tctx *t);      /* MUL, MLA */
void arm_a32_long_multiply(arm_tctx *t); /* UMULL, UMLAL, SMULL, SMLAL */
void arm_a32_dsp_multiply(arm_tctx *t);  /* SMLAxy, SMLAWy, SMULWy, SMLALxy, SMULxy */

#endif
