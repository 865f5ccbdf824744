/*
 * cpu.h: the ARM CPU (ARMv5TE as on the ARM926EJ-S): register state with its banks, the
 * CPSR, CP15 and the MMU, exceptions, and the helpers generated code calls.
 *
 * Flags are kept apart from the CPSR so that generated code sets them cheaply:
 *   N is bit 31 of nf, Z is set when zf == 0, C is cf (0 or 1), V is bit 31 of vf,
 *   Q is qf (0 or 1).
 * The guest PC is bb_cpu.pc (r[15] is not used). In Thumb state the T bit is set in
 * cpsr_ctl and the PC is halfword aligned.
 */
#ifndef BB_ARM_CPU_H
#define BB_ARM_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/irq.h"
#include "jit/cpu.h"

typedef struct bb_machine bb_machine;

enum {
    ARM_MODE_USR = 0x10,
    ARM_MODE_FIQ = 0x11,
    ARM_MODE_IRQ = 0x12,
    ARM_MODE_SVC = 0x13,
    ARM_MODE_ABT = 0x17,
    ARM_MODE_UND = 0x1b,
    ARM_MODE_SYS = 0x1f,
};

/* CPSR control bits kept in cpsr_ctl. */
#define ARM_CPSR_MODE 0x1fu
#define ARM_CPSR_T    (1u << 5)
#define ARM_CPSR_F    (1u << 6)
#define ARM_CPSR_I    (1u << 7)
#define ARM_CPSR_Q    (1u << 27)
#define ARM_CPSR_NZCV 0xf0000000u

/* tb_flags bits of an ARM CPU. */
#define ARM_TBF_THUMB      1u
#define ARM_TBF_PRIVILEGED 2u

/* MMU indexes (TLB tables). */
enum { ARM_MMU_PRIV = 0, ARM_MMU_USER = 1 };

/* Bank indexes for r13, r14 and SPSR. */
enum { ARM_BANK_USR, ARM_BANK_SVC, ARM_BANK_ABT, ARM_BANK_UND, ARM_BANK_IRQ, ARM_BANK_FIQ,
       ARM_BANK_COUNT };

/* Exceptions, in vector order. */
typedef enum arm_exception {
    ARM_EXC_RESET,
    ARM_EXC_UNDEF,
    ARM_EXC_SWI,
    ARM_EXC_PREFETCH_ABORT,
    ARM_EXC_DATA_ABORT,
    ARM_EXC_IRQ = 6,
    ARM_EXC_FIQ = 7,
} arm_exception;

typedef struct arm_cp15 {
    uint32_t control;   /* c1: M (0), A (1), C (2), W (3), S (8), R (9), I (12), V (13) */
    uint32_t ttbr;      /* c2 */
    uint32_t dacr;      /* c3 */
    uint32_t dfsr;      /* c5, 0 */
    uint32_t ifsr;      /* c5, 1 */
    uint32_t far;       /* c6 */
    uint32_t fcse_pid;  /* c13, 0 */
    uint32_t context_id;/* c13, 1 */
    uint32_t tlb_lockdown, cache_lockdown;
} arm_cp15;

typedef struct bb_arm_cpu {
    bb_cpu base;
    uint32_t r[16];
    uint32_t nf, zf, cf, vf, qf;
    uint32_t cpsr_ctl; /* mode, T, F, I (and any other non-flag CPSR bits) */
    uint32_t spsr;     /* SPSR of the current mode */
    uint32_t bank_r13[ARM_BANK_COUNT], bank_r14[ARM_BANK_COUNT], bank_spsr[ARM_BANK_COUNT];
    uint32_t usr_r8_12[5], fiq_r8_12[5];
    arm_cp15 cp15;
    uint32_t cpu_id;   /* CP15 c0 main ID */
    int irq_level, fiq_level;
    uint32_t reset_pc;
} bb_arm_cpu;

static inline bb_arm_cpu *arm_cpu(bb_cpu *cpu)
{
    return (bb_arm_cpu *)cpu;
}

/* Offsets for IR GET/SET. */
#define ARM_OFF_R(n) ((uint32_t)(offsetof(bb_arm_cpu, r) + 4u * (n)))
#define ARM_OFF_NF   ((uint32_t)offsetof(bb_arm_cpu, nf))
#define ARM_OFF_ZF   ((uint32_t)offsetof(bb_arm_cpu, zf))
#define ARM_OFF_CF   ((uint32_t)offsetof(bb_arm_cpu, cf))
#define ARM_OFF_VF   ((uint32_t)offsetof(bb_arm_cpu, vf))
#define ARM_OFF_QF   ((uint32_t)offsetof(bb_arm_cpu, qf))
#define ARM_OFF_PC   ((uint32_t)offsetof(bb_cpu, pc))

/* Creates an ARM926EJ-S as CPU `index` of the machine. Its interrupt inputs are 0 (IRQ)
 * and 1 (FIQ), see arm_cpu_irq_input. */
bb_cpu *arm926_cpu_new(bb_machine *m, int index);
bb_irq arm_cpu_irq_input(bb_cpu *cpu, int input);

/* CPSR as the architecture sees it, and writes under a byte mask (bits of 0xf0000000 for
 * flags, 0xff for the control byte); a mode change switches register banks. */
uint32_t arm_cpsr_read(bb_arm_cpu *c);
void arm_cpsr_write(bb_arm_cpu *c, uint32_t value, uint32_t mask);
/* Switches the banked registers to a new mode (does not touch other CPSR bits). */
void arm_switch_mode(bb_arm_cpu *c, uint32_t new_mode);
/* Exception entry: banks, SPSR, LR = return_address, mode, I/F/T, PC = vector. */
void arm_take_exception(bb_arm_cpu *c, arm_exception exc, uint32_t return_address);
/* Recomputes base.tb_flags after a change of T or mode. */
void arm_update_tb_flags(bb_arm_cpu *c);

/* Helpers called from generated code: indexes into arm_helpers[]. Arguments a, b, c. */
enum arm_helper {
    ARM_H_CPSR_READ,      /* () -> CPSR */
    ARM_H_CPSR_WRITE,     /* (value, byte mask) ; in user mode only flags are written */
    ARM_H_SPSR_READ,      /* () -> SPSR (UNPREDICTABLE in USR/SYS: returns CPSR) */
    ARM_H_SPSR_WRITE,     /* (value, byte mask) */
    ARM_H_EXCEPTION_RETURN, /* (new pc) : CPSR = SPSR, then PC = new pc (aligned per T) */
    ARM_H_SWI,            /* (pc of the SWI, comment field, thumb) : semihosting or SWI */
    ARM_H_UNDEF,          /* (pc of the instruction) */
    ARM_H_BKPT,           /* (pc, immediate) : semihosting (0xab) or prefetch abort */
    ARM_H_PREFETCH_ABORT, /* (pc that could not be fetched) */
    ARM_H_MRC,            /* (instruction word, pc) -> value */
    ARM_H_MCR,            /* (instruction word, value, pc) */
    ARM_H_USER_REG_READ,  /* (n) -> user-mode rN (for LDM/STM with ^) */
    ARM_H_USER_REG_WRITE, /* (n, value) */
    ARM_H_QADD,           /* (a, b) -> saturated a + b, sets Q on saturation */
    ARM_H_QSUB,           /* (a, b) -> saturated a - b, sets Q on saturation */
    ARM_H_QDADD,          /* (a, b) -> saturated a + sat(2 * b), sets Q */
    ARM_H_QDSUB,          /* (a, b) -> saturated a - sat(2 * b), sets Q */
    ARM_H_WFI,            /* (pc of the next instruction) : halts until an interrupt */
    ARM_H_COUNT
};
extern const bb_ir_helper arm_helpers[];

/* The guest operations of the ARM front-end (translate, interrupts, MMU). */
extern const bb_guest_ops arm_guest_ops;

/* MMU: short-descriptor table walk for the ARM926 (sections, coarse and fine pages with
 * large, small and tiny pages, domains, AP checks). Fills fault status on failure. */
bool arm_mmu_translate(bb_arm_cpu *c, uint32_t vaddr, int access, int mmu_idx,
                       bb_phys_result *out, uint32_t *fault_status);

/* CP15 accesses (MRC and MCR with the instruction word selecting the register). */
uint32_t arm_cp15_read(bb_arm_cpu *c, uint32_t insn, uint32_t pc);
void arm_cp15_write(bb_arm_cpu *c, uint32_t insn, uint32_t value, uint32_t pc);

/* The translator entry point (jit/arm/translate.c). */
void arm_translate_block(bb_cpu *cpu, bb_ir_block *blk);

#endif
