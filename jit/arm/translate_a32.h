/*
 * translate_a32.h: what the parts of the A32 decoder share (translate_a32.c: decoding,
 * data processing, branches; translate_a32_sys.c: status registers, the miscellaneous and
 * unconditional spaces, exceptions; translate_a32_mem.c: loads and stores;
 * translate_a32_mul.c: multiplies; translate_a32_media.c: the media space). The barrel
 * shifter and the data-processing operations are also used by the Thumb decoders.
 * Internal to the ARM front-end.
 */
#ifndef BB_ARM_TRANSLATE_A32_H
#define BB_ARM_TRANSLATE_A32_H

#include <stdint.h>

#include "jit/arm/translate.h"

/* Shifter types in bits 6-5 of a register operand. */
enum { ARM_SHIFT_LSL, ARM_SHIFT_LSR, ARM_SHIFT_ASR, ARM_SHIFT_ROR };

/* Data-processing opcodes (bits 24-21 of A32). */
enum {
    ARM_DP_AND,
    ARM_DP_EOR,
    ARM_DP_SUB,
    ARM_DP_RSB,
    ARM_DP_ADD,
    ARM_DP_ADC,
    ARM_DP_SBC,
    ARM_DP_RSC,
    ARM_DP_TST,
    ARM_DP_TEQ,
    ARM_DP_CMP,
    ARM_DP_CMN,
    ARM_DP_ORR,
    ARM_DP_MOV,
    ARM_DP_BIC,
    ARM_DP_MVN,
};

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

/* a op b (op = ARM_DP_*; a is unused by MOV and MVN). With set_flags: NZCV for the
 * arithmetic opcodes, N, Z and C = carry for the logical ones (carry 0: C unchanged). */
bb_ir_temp arm_gen_data_processing(arm_tctx *t, unsigned op, bb_ir_temp a, bb_ir_temp b,
                                   bool set_flags, bb_ir_temp carry);

/* translate_a32.c */
void arm_a32_branch_link_exchange_imm(arm_tctx *t); /* BLX immediate (cond = 1111) */

/* translate_a32_sys.c */
void arm_a32_miscellaneous(arm_tctx *t);      /* MRS, MSR, BX, CLZ, QADD.., BKPT, SMLAxy.. */
void arm_a32_msr_immediate(arm_tctx *t);      /* MSR immediate and the hints */
void arm_a32_unconditional(arm_tctx *t);      /* cond = 1111 */
void arm_a32_software_interrupt(arm_tctx *t); /* SWI/SVC */

/* translate_a32_media.c */
void arm_a32_media(arm_tctx *t); /* bits 27-25 = 011 with bit 4 set (ARMv6) */

/* translate_a32_mem.c */
void arm_a32_load_store(arm_tctx *t);       /* LDR, STR, LDRB, STRB and the T forms */
void arm_a32_extra_load_store(arm_tctx *t); /* LDRH, STRH, LDRSB, LDRSH, LDRD, STRD */
void arm_a32_block_transfer(arm_tctx *t);   /* LDM, STM */
/* LDM/STM of list (bit n = rN) from rn: up = increment, pre = before; caret is the ^ form
 * (user registers, or with r15 loaded an exception return). Also used by T32. */
void arm_gen_block_transfer(arm_tctx *t, int rn, uint32_t list, bool up, bool pre, bool writeback,
                            bool load, bool caret);
void arm_a32_synchronization(arm_tctx *t); /* SWP, SWPB, LDREX/STREX{,B,H,D} */

/* translate_a32_mul.c */
void arm_a32_multiply(arm_tctx *t);       /* MUL, MLA, UMAAL, MLS, UMULL.. SMLAL */
void arm_a32_dsp_multiply(arm_tctx *t);   /* SMLAxy, SMLAWy, SMULWy, SMLALxy, SMULxy */
void arm_a32_media_multiply(arm_tctx *t); /* SMLAD.., SMLALD.., SMMUL.. (media space) */

#endif
