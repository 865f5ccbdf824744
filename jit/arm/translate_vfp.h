/*
 * translate_vfp.h: decoding of VFPv3 (coprocessors 10 and 11) and Advanced SIMD (NEON)
 * instructions, called by the A32 and T32 decoders (translate_vfp.c, translate_neon.c).
 *
 * The caller has set t->insn to the 32-bit encoding (T32: first halfword in bits 31-16)
 * and emitted the instruction's condition (A32 cond field, or the IT block) around the
 * call, as for any conditional instruction; these functions emit the operation, or an
 * undefined-instruction exception (arm_gen_undef) for encodings that the CPU does not
 * implement, for every access while VFP is disabled (FPEXC.EN clear or CPACR denying the
 * mode: tb_flags ARM_TBF_VFP_EN / ARM_TBF_VFP_ACCESS), and on CPUs without VFP.
 *
 * arm_translate_vfp: the coprocessor spaces with coproc (bits 11-8) 10 or 11:
 *   A32 cond 110x xxxx (VLDR, VSTR, VLDM, VSTM, VPUSH, VPOP, VMOV two registers),
 *   A32 cond 1110 xxxx (data processing, VMOV core register, VMRS, VMSR, VDUP core);
 *   T32 the same with 1110 (or 1111 for the NEON VDUP/VMOV scalar forms) in bits 31-28.
 * arm_translate_neon: Advanced SIMD data processing (A32 1111 001U, T32 111U 1111) and
 *   element/structure loads and stores (A32 1111 0100 xxx0, T32 1111 1001 xxx0).
 */
#ifndef BB_ARM_TRANSLATE_VFP_H
#define BB_ARM_TRANSLATE_VFP_H

#include "jit/arm/translate.h"

void arm_translate_vfp(arm_tctx *t);
void arm_translate_neon(arm_tctx *t);

#endif
