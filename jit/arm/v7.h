/*
 * v7.h: the ARMv7-A parts of the ARM CPU (Cortex-A9) that the shared ARM code dispatches
 * to: reset values, the block-key bits that depend on v7 state, CP15 and CP14 registers
 * (cp15_v7.c), the short-descriptor MMU and its TLB and translation bookkeeping
 * (mmu_v7.c), and the VFP registers (vfp.c).
 */
#ifndef BB_ARM_V7_H
#define BB_ARM_V7_H

#include "jit/arm/cpu.h"

/* Reset of the v7 system registers and VFP state (after the common reset). */
void arm_v7_reset(bb_arm_cpu *c);
/* tb_flags bits from v7 state: ARM_TBF_VFP_EN, ARM_TBF_VFP_ACCESS, the address-space key
 * in user mode. Called on every change of mode (entering user mode revalidates the user
 * TLB against the DACR). */
uint32_t arm_v7_tb_flags(bb_arm_cpu *c, bool user);

/* MRC/MCR to coprocessor 15 or 14 (the instruction word's coproc field). `ok` is cleared
 * for an encoding that is undefined (no such register, or not from this mode). */
uint32_t arm_v7_cp_read(bb_arm_cpu *c, uint32_t insn, bool *ok);
void arm_v7_cp_write(bb_arm_cpu *c, uint32_t insn, uint32_t value, bool *ok);

/* The v7 short-descriptor translation (same contract as arm_mmu_translate), with the
 * bookkeeping below for what the MMU on caches. */
bool arm_v7_mmu_translate(bb_arm_cpu *c, uint32_t vaddr, int access, int mmu_idx,
                          bb_phys_result *out, uint32_t *fault_status);
/* The table walk alone (no bookkeeping), also giving the domain and the nG bit. */
bool arm_v7_mmu_walk(bb_arm_cpu *c, uint32_t vaddr, int access, int mmu_idx, bb_phys_result *out,
                     uint32_t *fault_status, unsigned *domain, bool *global);

/* Bookkeeping of a successful translation (mmu_v7.c to mmu_v7_spaces.c): the domain of a
 * TLB entry about to be cached, and for instruction fetches the code page. */
void arm_v7_book_mapping(bb_arm_cpu *c, uint32_t vaddr, uint32_t phys, int access, int mmu_idx,
                         unsigned domain, bool global);
/* In user mode: the address-space key of the current ASID (0 with the MMU off); also
 * revalidates the user-mode TLB entries against the DACR. */
uint32_t arm_v7_user_space_key(bb_arm_cpu *c);

/* TLB maintenance (c8), on this core or broadcast to every core (the IS forms). */
typedef enum arm_tlbi {
    ARM_TLBI_ALL,
    ARM_TLBI_MVA,          /* arg: MVA in 31-12, ASID in 7-0 */
    ARM_TLBI_ASID,         /* arg: ASID in 7-0 */
    ARM_TLBI_MVA_ALL_ASID, /* arg: MVA */
} arm_tlbi;
void arm_v7_tlbi(bb_arm_cpu *c, arm_tlbi op, uint32_t arg, bool broadcast);
/* A block translated earlier for the current mode is stale (its code could not be
 * fetched then, and can now): make it unreachable (a fresh key for the current ASID in
 * user mode, else every translation goes). */
void arm_v7_code_stale(bb_arm_cpu *c);
/* A translation register changed: TTBR0 (all = false), or TTBR1, TTBCR, SCTLR.M/TRE/AFE
 * (all = true: every translation is discarded). */
void arm_v7_mapping_changed(bb_arm_cpu *c, bool all);
/* CONTEXTIDR changed its ASID. */
void arm_v7_asid_changed(bb_arm_cpu *c);
/* DACR write (drops cached translations of domains whose access was reduced). */
void arm_v7_dacr_write(bb_arm_cpu *c, uint32_t value);
/* Initial state of the bookkeeping at reset; creation and release of the state the
 * cores of a machine share (cpu 0 owns it). */
void arm_v7_tlb_reset(bb_arm_cpu *c);
bool arm_v7_spaces_attach(bb_arm_cpu *c);
void arm_v7_spaces_release(bb_arm_cpu *c);

/* Helpers of v6/v7 system instructions (helpers_v7.c; see enum arm_helper). */
uint32_t arm_h_wfe(bb_cpu *cpu, uint32_t next_pc, uint32_t b, uint32_t c);
uint32_t arm_h_sev(bb_cpu *cpu, uint32_t a, uint32_t b, uint32_t c);
uint32_t arm_h_banked_read(bb_cpu *cpu, uint32_t mode, uint32_t n, uint32_t c);
uint32_t arm_h_banked_write(bb_cpu *cpu, uint32_t mode, uint32_t n, uint32_t value);
uint32_t arm_h_rfe(bb_cpu *cpu, uint32_t new_pc, uint32_t new_cpsr, uint32_t c);
/* The alignment fault of an explicit check (cpu.c): a data abort, does not return. */
uint32_t arm_h_alignment_fault(bb_cpu *cpu, uint32_t vaddr, uint32_t pc, uint32_t write);
/* VFP and NEON helpers (vfp_helpers.c, neon_helpers.c). */
uint32_t arm_h_vfp(bb_cpu *cpu, uint32_t op_word, uint32_t regs, uint32_t unused);
uint32_t arm_h_vfp_sysreg_read(bb_cpu *cpu, uint32_t reg, uint32_t b, uint32_t unused);
uint32_t arm_h_vfp_sysreg_write(bb_cpu *cpu, uint32_t reg, uint32_t value, uint32_t unused);
uint32_t arm_h_neon(bb_cpu *cpu, uint32_t op_word, uint32_t regs, uint32_t imm);

/* VFP: reset values of FPSID, MVFR0/1, FPEXC, FPSCR. */
void arm_vfp_reset(bb_arm_cpu *c);

#endif
