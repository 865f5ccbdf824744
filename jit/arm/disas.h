/*
 * disas.h: what the ARM front-end tells people about its code and state: the
 * disassembler (Capstone) and the names of exceptions, for traces and coverage reports.
 * These are the guest operations disas_open, disas_close, disassemble and exception_name.
 */
#ifndef BB_ARM_DISAS_H
#define BB_ARM_DISAS_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/cpu.h"

void *arm_disas_open(void);
void arm_disas_close(void *handle);
/* One instruction at pc from `avail` bytes of code (memory order), in Thumb when tb_flags
 * has ARM_TBF_THUMB. A conditional instruction that writes the PC is a cond_branch. */
bool arm_disassemble(void *handle, uint32_t pc, uint32_t tb_flags, const uint8_t *code,
                     unsigned avail, bb_disas_insn *out);
const char *arm_exception_name(unsigned number);

#endif
