/*
 * translate_ops.h: the operations that the A32 and T32 decoders share, as IR generators
 * that take register numbers or operand temps rather than encodings: multiplies
 * (translate_mul.c), the ARMv6 media instructions (translate_media.c), and status
 * registers, coprocessor transfers, exclusives, hints, barriers, CPS, SRS and RFE
 * (translate_system.c). Internal to the ARM front-end.
 *
 * Register arguments are numbers 0-15 (reads of r15 give the PC as the decoder's
 * arm_gen_reg does); an accumulator argument of -1 means "none" (the multiply form).
 */
#ifndef BB_ARM_TRANSLATE_OPS_H
#define BB_ARM_TRANSLATE_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/arm/translate.h"

/* ---- multiplies (translate_mul.c) ---- */

/* MUL/MLA: rd = rn * rm [+ ra]; with set_flags N and Z (C and V unchanged). */
void arm_gen_mul(arm_tctx *t, int rd, int rn, int rm, int ra, bool set_flags);
/* MLS: rd = ra - rn * rm. */
void arm_gen_mls(arm_tctx *t, int rd, int rn, int rm, int ra);
/* UMULL, UMLAL, SMULL, SMLAL: rdhi:rdlo = rn * rm [+ rdhi:rdlo]. */
void arm_gen_mull(arm_tctx *t, bool is_signed, bool accumulate, bool set_flags, int rdlo, int rdhi,
                  int rn, int rm);
/* UMAAL: rdhi:rdlo = rn * rm + rdhi + rdlo (unsigned). */
void arm_gen_umaal(arm_tctx *t, int rdlo, int rdhi, int rn, int rm);
/* SMULxy/SMLAxy: rd = half(rn) * half(rm) [+ ra, setting Q on overflow]. */
void arm_gen_smlaxy(arm_tctx *t, int rd, int rn, int rm, int ra, bool n_top, bool m_top);
/* SMULWy/SMLAWy: rd = (rn * half(rm)) >> 16 [+ ra, setting Q on overflow]. */
void arm_gen_smlawy(arm_tctx *t, int rd, int rn, int rm, int ra, bool m_top);
/* SMLALxy: rdhi:rdlo += half(rn) * half(rm). */
void arm_gen_smlalxy(arm_tctx *t, int rdlo, int rdhi, int rn, int rm, bool n_top, bool m_top);
/* SMUAD/SMLAD/SMUSD/SMLSD: rd = lo(rn) * lo(rm') +/- hi(rn) * hi(rm') [+ ra], rm' = rm with
 * its halves swapped when swap; Q is set when the sum overflows. */
void arm_gen_smlad(arm_tctx *t, int rd, int rn, int rm, int ra, bool swap, bool subtract);
/* SMLALD/SMLSLD: rdhi:rdlo += lo(rn) * lo(rm') +/- hi(rn) * hi(rm'). */
void arm_gen_smlald(arm_tctx *t, int rdlo, int rdhi, int rn, int rm, bool swap, bool subtract);
/* SMMUL/SMMLA/SMMLS: rd = bits 63-32 of ([ra << 32] +/- rn * rm [+ 0x80000000 when round]). */
void arm_gen_smmul(arm_tctx *t, int rd, int rn, int rm, int ra, bool subtract, bool round);

/* ---- media (translate_media.c) ---- */

/* Parallel add and subtract: the operation on lanes, and the kind of arithmetic. */
enum arm_parallel_op {
    ARM_PAR_ADD16,
    ARM_PAR_ASX, /* low = a.lo - b.hi, high = a.hi + b.lo */
    ARM_PAR_SAX, /* low = a.lo + b.hi, high = a.hi - b.lo */
    ARM_PAR_SUB16,
    ARM_PAR_ADD8,
    ARM_PAR_SUB8,
};
enum arm_parallel_kind {
    ARM_PAR_SIGNED,        /* S: modular, sets GE */
    ARM_PAR_SIGNED_SAT,    /* Q: signed saturation */
    ARM_PAR_SIGNED_HALF,   /* SH: halving */
    ARM_PAR_UNSIGNED,      /* U: modular, sets GE */
    ARM_PAR_UNSIGNED_SAT,  /* UQ */
    ARM_PAR_UNSIGNED_HALF, /* UH */
};
bb_ir_temp arm_gen_parallel(arm_tctx *t, enum arm_parallel_op op, enum arm_parallel_kind kind,
                            bb_ir_temp a, bb_ir_temp b);
/* SEL: each byte from a where its GE bit is set, else from b. */
bb_ir_temp arm_gen_sel(arm_tctx *t, bb_ir_temp a, bb_ir_temp b);
/* USAD8: the sum of the absolute differences of the four unsigned bytes. */
bb_ir_temp arm_gen_usad8(arm_tctx *t, bb_ir_temp a, bb_ir_temp b);

/* SSAT/USAT: value saturated to a signed (1-32 bits) or unsigned (0-31 bits) range;
 * Q is set when it saturates. The 16-bit forms saturate both halves (1-16 / 0-15). */
bb_ir_temp arm_gen_ssat(arm_tctx *t, bb_ir_temp value, unsigned bits);
bb_ir_temp arm_gen_usat(arm_tctx *t, bb_ir_temp value, unsigned bits);
bb_ir_temp arm_gen_ssat16(arm_tctx *t, bb_ir_temp value, unsigned bits);
bb_ir_temp arm_gen_usat16(arm_tctx *t, bb_ir_temp value, unsigned bits);

/* Extensions: value rotated right by rotation (0, 8, 16, 24), extended, plus addend (0 for
 * none). The 16-bit forms extend bytes 0 and 2 into the two halfwords and add halfwise. */
enum arm_extend { ARM_SXTB, ARM_SXTH, ARM_UXTB, ARM_UXTH, ARM_SXTB16, ARM_UXTB16 };
bb_ir_temp arm_gen_extend(arm_tctx *t, enum arm_extend kind, bb_ir_temp value, unsigned rotation,
                          bb_ir_temp addend);

enum arm_reverse { ARM_REV, ARM_REV16, ARM_REVSH, ARM_RBIT };
bb_ir_temp arm_gen_reverse(arm_tctx *t, enum arm_reverse kind, bb_ir_temp value);

/* PKHBT (top = false): low half of rn, high half of shifted; PKHTB: the other way. */
bb_ir_temp arm_gen_pkh(arm_tctx *t, bb_ir_temp rn, bb_ir_temp shifted, bool top);

/* BFI/BFC: bits lsb..msb of old replaced by the low bits of value (msb >= lsb). */
bb_ir_temp arm_gen_bfi(arm_tctx *t, bb_ir_temp old, bb_ir_temp value, unsigned lsb, unsigned msb);
/* SBFX/UBFX: width bits of value from lsb, sign- or zero-extended (lsb + width <= 32). */
bb_ir_temp arm_gen_bfx(arm_tctx *t, bb_ir_temp value, unsigned lsb, unsigned width, bool is_signed);

/* ---- status registers, system, exclusives (translate_system.c) ---- */

/* NZCV from bits 31-28 of value (MSR flags, MRC to r15). */
void arm_gen_set_nzcv_from_word(arm_tctx *t, bb_ir_temp value);
/* MRS rd, CPSR/SPSR. */
void arm_gen_mrs(arm_tctx *t, int rd, bool spsr);
/* MSR CPSR/SPSR_<fields>, value: fields is the c, x, s, f mask (bits 0-3). */
void arm_gen_msr(arm_tctx *t, bool spsr, unsigned fields, bb_ir_temp value);
/* MRC/MCR to coprocessors 14 and 15; `a32_form` is the instruction as an A32 word with
 * condition AL (T32's is the same in bits 27-0). rt = 15 on MRC sets NZCV. */
void arm_gen_coprocessor_transfer(arm_tctx *t, uint32_t a32_form);

/* LDREX{B,H,D}: rt [, rt2] = memory at addr; the monitor records addr and the value(s). */
void arm_gen_load_exclusive(arm_tctx *t, unsigned mem, bb_ir_temp addr, int rt, int rt2);
/* STREX{B,H,D}: stores rt [, rt2] at addr when the monitor holds addr and memory still holds
 * the value loaded; rd = 0 on success, 1 on failure. The monitor is cleared either way. */
void arm_gen_store_exclusive(arm_tctx *t, unsigned mem, bb_ir_temp addr, int rd, int rt, int rt2);
/* CLREX. */
void arm_gen_clear_exclusive(arm_tctx *t);

/* Hints: NOP, YIELD, WFE, WFI, SEV (the values of their encodings' op field). */
enum { ARM_HINT_NOP, ARM_HINT_YIELD, ARM_HINT_WFE, ARM_HINT_WFI, ARM_HINT_SEV };
void arm_gen_hint(arm_tctx *t, unsigned hint);
/* DSB (4), DMB (5), ISB (6): the values of their encodings' op field. */
void arm_gen_barrier(arm_tctx *t, unsigned op);
/* CPS: imod 2 enables (IE), 3 disables (ID) the A, I, F bits in aif (bits 2-0); with
 * change_mode the mode becomes `mode`. No effect in user mode. */
void arm_gen_cps(arm_tctx *t, unsigned imod, unsigned aif, bool change_mode, unsigned mode);
/* SETEND: sets CPSR.E (big-endian data) and ends the block when it changes. */
void arm_gen_setend(arm_tctx *t, bool big_endian);
/* SRS (store LR and SPSR on the stack of `mode`) and RFE (load PC and CPSR from [rn]):
 * increment = IA/IB, word_higher = IB/DA (the first word is 4 above the lowest). */
void arm_gen_srs(arm_tctx *t, bool increment, bool word_higher, bool writeback, unsigned mode);
void arm_gen_rfe(arm_tctx *t, int rn, bool increment, bool word_higher, bool writeback);

#endif
