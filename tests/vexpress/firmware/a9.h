/*
 * a9.h: what the Cortex-A9 tests need beyond the firmware suite's common code: stepping
 * over a faulting instruction that may be 32-bit Thumb-2 (the common fw_skip_instruction
 * knows 16-bit Thumb), and turning the VFP/NEON unit on.
 */
#ifndef FW_A9_H
#define FW_A9_H

#include "common/exceptions.h"

/* Moves the frame's pc past the instruction at it: 4 bytes in ARM and for a 32-bit
 * Thumb-2 instruction (first halfword 0b11101, 0b11110 or 0b11111 in bits 15-11), else 2. */
void a9_skip_instruction(fw_frame *frame);

/* CPACR: full access to cp10 and cp11; FPEXC.EN. */
void a9_enable_fpu(void);

#endif
