/*
 * cpu.h: the ARM CPUs (ARMv5TE as on the ARM926EJ-S, ARMv7-A as on the Cortex-A9):
 * register state with its banks, the CPSR, CP15 and the MMU, VFP/NEON registers,
 * exceptions, and the helpers generated code calls. What a CPU implements is its
 * `features` word (ARM_FEATURE_*): decoders test it at translation time.
 *
 * Flags are kept apart from the CPSR so that generated code sets them cheaply:
 *   N is bit 31 of nf, Z is set when zf == 0, C is cf (0 or 1), V is bit 31 of vf,
 *   Q is qf (0 or 1), GE[3:0] is ge (bits 3-0).
 * The guest PC is bb_cpu.pc (r[15] is not used). In Thumb state the T bit is set in
 * cpsr_ctl and the PC is halfword aligned.
 *
 * ITSTATE (Thumb-2 IT blocks) lives in base.tb_flags (ARM_TBF_IT_*), in the IT[7:0] form
 * of the architecture (cond base in 7-5, mask in 4-0); it is part of every block's key.
 * arm_cpsr_read/arm_cpsr_write map it to CPSR bits 15-10 and 26-25; exception entry saves
 * it in the SPSR and clears it, exception return restores it. Generated code keeps it
 * exact at every sync point inside an IT block: before an instruction of the block that
 * can fault or calls a helper it SETs tb_flags to the key with that instruction's
 * ITSTATE (for SVC: the ITSTATE after the SVC, as the return goes to the next
 * instruction), and at every exit the ITSTATE of the next instruction.
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
#define ARM_CPSR_A    (1u << 8) /* v6: asynchronous abort mask */
#define ARM_CPSR_E    (1u << 9) /* v6: big-endian data (SETEND; exceptions take SCTLR.EE) */
#define ARM_CPSR_GE   0x000f0000u
#define ARM_CPSR_IT   0x0600fc00u /* v7: ITSTATE[1:0] in 26-25, ITSTATE[7:2] in 15-10 */
#define ARM_CPSR_J    (1u << 24)
#define ARM_CPSR_Q    (1u << 27)
#define ARM_CPSR_NZCV 0xf0000000u

/* What a CPU implements (bb_arm_cpu.features). */
#define ARM_FEATURE_V5TE     (1u << 0)  /* v5TE: CLZ, BLX, QADD.., SMLA.., LDRD/STRD, PLD */
#define ARM_FEATURE_V6       (1u << 1)  /* v6: media/SIMD, REV, LDREX/STREX, CPS, SRS/RFE */
#define ARM_FEATURE_V6K      (1u << 2)  /* v6K: LDREX{B,H,D}, CLREX, YIELD/WFE/WFI/SEV */
#define ARM_FEATURE_V7       (1u << 3)  /* v7-A: MOVW/MOVT, bit fields, barriers, v7 CP15 */
#define ARM_FEATURE_THUMB2   (1u << 4)  /* Thumb-2 (32-bit Thumb, IT) */
#define ARM_FEATURE_VFP      (1u << 5)  /* VFPv2 */
#define ARM_FEATURE_VFP3     (1u << 6)  /* VFPv3: VMOV immediate, fixed-point VCVT */
#define ARM_FEATURE_VFP_D32  (1u << 7)  /* 32 double registers (else 16) */
#define ARM_FEATURE_VFP_FP16 (1u << 8)  /* half-precision conversions */
#define ARM_FEATURE_NEON     (1u << 9)  /* Advanced SIMD */
#define ARM_FEATURE_MP       (1u << 10) /* v7 multiprocessing extensions: PLDW, MPIDR */
#define ARM_FEATURE_DIV      (1u << 11) /* SDIV/UDIV (not on the Cortex-A9) */
#define ARM_FEATURE_THUMBEE  (1u << 12) /* ThumbEE registers (TEECR, TEEHBR) */
#define ARM_FEATURE_MPCORE   ARM_FEATURE_MP

#define ARM926_FEATURES ARM_FEATURE_V5TE
#define CORTEX_A9_FEATURES                                                                         \
    (ARM_FEATURE_V5TE | ARM_FEATURE_V6 | ARM_FEATURE_V6K | ARM_FEATURE_V7 | ARM_FEATURE_THUMB2 |   \
     ARM_FEATURE_VFP | ARM_FEATURE_VFP3 | ARM_FEATURE_VFP_D32 | ARM_FEATURE_VFP_FP16 |             \
     ARM_FEATURE_NEON | ARM_FEATURE_MP | ARM_FEATURE_THUMBEE)

/* tb_flags bits of an ARM CPU (the key of a translated block besides its PC). */
#define ARM_TBF_THUMB      1u
#define ARM_TBF_PRIVILEGED 2u
#define ARM_TBF_VFP_EN     4u  /* VFP/NEON usable: FPEXC.EN set and CPACR allows this mode */
#define ARM_TBF_VFP_ACCESS 8u  /* CPACR allows cp10/cp11 in this mode (FPEXC reachable) */
#define ARM_TBF_BIG_ENDIAN 16u /* v6: CPSR.E, data accesses are big-endian (not fetches) */
#define ARM_TBF_IT_SHIFT   8   /* ITSTATE (IT[7:0]) in bits 15-8; 0 outside IT blocks */
#define ARM_TBF_IT_MASK    0xff00u
/* v7 with the MMU on, user mode: the address-space key of the current ASID (bits 30-16;
 * 0 when privileged). Each ASID has its own key; invalidating an ASID's TLB entries gives
 * it a fresh key, so that its old translations are never entered again (mmu_v7.c). */
#define ARM_TBF_SPACE_SHIFT 16
#define ARM_TBF_SPACE_MASK  0x7fff0000u

/* MMU indexes (TLB tables). */
enum { ARM_MMU_PRIV = 0, ARM_MMU_USER = 1 };

/* Bank indexes for r13, r14 and SPSR. */
enum {
    ARM_BANK_USR,
    ARM_BANK_SVC,
    ARM_BANK_ABT,
    ARM_BANK_UND,
    ARM_BANK_IRQ,
    ARM_BANK_FIQ,
    ARM_BANK_COUNT
};

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
    uint32_t control;    /* c1: M (0), A (1), C (2), W (3), S (8), R (9), I (12), V (13) */
    uint32_t ttbr;       /* c2 (v7: TTBR0) */
    uint32_t dacr;       /* c3 */
    uint32_t dfsr;       /* c5, 0 */
    uint32_t ifsr;       /* c5, 1 */
    uint32_t far;        /* c6 (v7: DFAR) */
    uint32_t fcse_pid;   /* c13, 0 */
    uint32_t context_id; /* c13, 1 (v7: CONTEXTIDR, ASID in bits 7-0) */
    uint32_t tlb_lockdown, cache_lockdown;
    /* v7 (Cortex-A9) only. */
    uint32_t actlr;                        /* c1, 0, 1 (SMP in bit 6, FW in bit 0) */
    uint32_t cpacr;                        /* c1, 0, 2 */
    uint32_t ttbr1;                        /* c2, 0, 1 */
    uint32_t ttbcr;                        /* c2, 0, 2 (N in bits 2-0, PD0/PD1) */
    uint32_t ifar;                         /* c6, 0, 2 */
    uint32_t par;                          /* c7, c4, 0 (VA to PA) */
    uint32_t prrr, nmrr;                   /* c10, c2, 0/1 */
    uint32_t vbar;                         /* c12, 0, 0 */
    uint32_t tpidrurw, tpidruro, tpidrprw; /* c13, 0, 2/3/4 */
    uint32_t csselr;                       /* c0, 2, 0 */
    uint32_t pmcr, pmcnten, pmovsr, pmselr, pmuserenr, pmintenset;
    uint64_t pmccntr_base;  /* while counting: PMCCNTR = virtual ns - base */
    uint32_t pmccntr_value; /* while stopped: PMCCNTR */
    uint32_t teecr, teehbr; /* cp14 ThumbEE */
} arm_cp15;

/* VFP and Advanced SIMD registers: D0-D31 (Q0-Q15 overlap D0-D31 in pairs, S0-S31 the
 * halves of D0-D15, little-endian order: S2n is the low half of Dn). */
typedef struct arm_vfp {
    uint64_t d[32];
    uint32_t fpscr; /* with NZCV in 31-28 */
    uint32_t fpexc; /* EN in bit 30 */
    uint32_t fpsid, mvfr0, mvfr1;
} arm_vfp;
#define ARM_FPEXC_EN (1u << 30)

/* What the v7 MMU keeps to manage the soft TLB and the translation cache (mmu_v7.c). */
typedef struct arm_spaces arm_spaces;
typedef struct arm_tlb_book {
    uint16_t domains[2];       /* per MMU index: domains of the cached entries */
    uint16_t volatile_domains; /* domains whose access has been reduced before */
    uint8_t n_volatile_pages;  /* privileged entries of volatile domains, or 255: too many */
    uint32_t volatile_pages[32];
    uint32_t user_dacr;      /* the DACR the user-mode entries were made under */
    uint32_t user_mode_dacr; /* the DACR at the last entry to user mode */
} arm_tlb_book;

/* The exclusive monitor is open when excl_addr is ARM_EXCL_NONE. */
#define ARM_EXCL_NONE 0xffffffffu

typedef struct bb_arm_cpu {
    bb_cpu base;
    uint32_t r[16];
    uint32_t nf, zf, cf, vf, qf;
    uint32_t cpsr_ctl; /* mode, T, F, I (and any other non-flag CPSR bits) */
    uint32_t spsr;     /* SPSR of the current mode */
    uint32_t bank_r13[ARM_BANK_COUNT], bank_r14[ARM_BANK_COUNT], bank_spsr[ARM_BANK_COUNT];
    uint32_t usr_r8_12[5], fiq_r8_12[5];
    arm_cp15 cp15;
    uint32_t cpu_id; /* CP15 c0 main ID */
    int irq_level, fiq_level;
    uint32_t reset_pc;
    uint32_t features; /* ARM_FEATURE_* */
    uint32_t ge;       /* GE[3:0] (CPSR bits 19-16) in bits 3-0 */
    /* Exclusive monitor (LDREX/STREX): the address and value(s) the last load-exclusive
     * read. A store-exclusive succeeds when its address is excl_addr and memory still holds
     * the value (so another core's store to the location makes it fail); any exception
     * entry, CLREX and a successful or failed STREX clear it (ARM_EXCL_NONE). */
    uint32_t excl_addr;
    uint32_t excl_value, excl_value_hi;
    bool event;     /* the event register (SEV, WFE) */
    bool in_wfe;    /* halted by WFE (an event wakes it, not only an interrupt) */
    uint32_t mpidr; /* v7: multiprocessor affinity */
    uint32_t cbar;  /* Cortex-A9: base of the MPCore private region (CBAR) */
    arm_tlb_book tlb_book;
    arm_spaces *spaces; /* shared by the cores of a machine (cpu 0 owns it) */
    bool owns_spaces;
    arm_vfp vfp;
} bb_arm_cpu;

static inline bool arm_has(const bb_arm_cpu *c, uint32_t feature)
{
    return (c->features & feature) == feature;
}

static inline bb_arm_cpu *arm_cpu(bb_cpu *cpu)
{
    return (bb_arm_cpu *)cpu;
}

/* Offsets for IR GET/SET. */
#define ARM_OFF_R(n)          ((uint32_t)(offsetof(bb_arm_cpu, r) + 4u * (n)))
#define ARM_OFF_NF            ((uint32_t)offsetof(bb_arm_cpu, nf))
#define ARM_OFF_ZF            ((uint32_t)offsetof(bb_arm_cpu, zf))
#define ARM_OFF_CF            ((uint32_t)offsetof(bb_arm_cpu, cf))
#define ARM_OFF_VF            ((uint32_t)offsetof(bb_arm_cpu, vf))
#define ARM_OFF_QF            ((uint32_t)offsetof(bb_arm_cpu, qf))
#define ARM_OFF_PC            ((uint32_t)offsetof(bb_cpu, pc))
#define ARM_OFF_GE            ((uint32_t)offsetof(bb_arm_cpu, ge))
#define ARM_OFF_TB_FLAGS      ((uint32_t)offsetof(bb_cpu, tb_flags))
#define ARM_OFF_EXCL_ADDR     ((uint32_t)offsetof(bb_arm_cpu, excl_addr))
#define ARM_OFF_EXCL_VALUE    ((uint32_t)offsetof(bb_arm_cpu, excl_value))
#define ARM_OFF_EXCL_VALUE_HI ((uint32_t)offsetof(bb_arm_cpu, excl_value_hi))
/* Low and high words of Dn; Sn is word n of D0-D15. */
#define ARM_OFF_D_LO(n) ((uint32_t)(offsetof(bb_arm_cpu, vfp.d) + 8u * (n)))
#define ARM_OFF_D_HI(n) ((uint32_t)(offsetof(bb_arm_cpu, vfp.d) + 8u * (n) + 4u))
#define ARM_OFF_S(n)    ((uint32_t)(offsetof(bb_arm_cpu, vfp.d) + 4u * (n)))

/* Creates an ARM926EJ-S as CPU `index` of the machine. Its interrupt inputs are 0 (IRQ)
 * and 1 (FIQ), see arm_cpu_irq_input. */
bb_cpu *arm926_cpu_new(bb_machine *m, int index);
/* Creates a Cortex-A9 (r0p0, MPCore, VFPv3-D32 and NEON, no security extensions) as CPU
 * `index`; its MPIDR CPU id is `index`. Same interrupt inputs. */
bb_cpu *cortex_a9_cpu_new(bb_machine *m, int index);
bb_irq arm_cpu_irq_input(bb_cpu *cpu, int input);

/* CPSR as the architecture sees it, and writes under a byte mask (bits of 0xf0000000 for
 * flags, 0xff for the control byte); a mode change switches register banks. */
uint32_t arm_cpsr_read(bb_arm_cpu *c);
void arm_cpsr_write(bb_arm_cpu *c, uint32_t value, uint32_t mask);
/* Where r13 (n = 13), r14 (14) or the SPSR (17) of `mode` is kept now; NULL for an invalid
 * mode or the SPSR of user/system mode. */
uint32_t *arm_banked_reg(bb_arm_cpu *c, uint32_t mode, int n);
/* Switches the banked registers to a new mode (does not touch other CPSR bits). */
void arm_switch_mode(bb_arm_cpu *c, uint32_t new_mode);
/* Exception entry: banks, SPSR, LR = return_address, mode, I/F/A/T, IT, PC = vector (v7:
 * VBAR or high vectors, Thumb when SCTLR.TE); clears the exclusive monitor. */
void arm_take_exception(bb_arm_cpu *c, arm_exception exc, uint32_t return_address);
/* A prefetch abort (access BB_ACCESS_EXEC) or data abort of the instruction at pc with
 * fault status `status` (FS and domain bits; v7 adds WnR for writes) at vaddr. */
void arm_raise_abort(bb_arm_cpu *c, uint32_t vaddr, int access, uint32_t status, uint32_t pc);
#define ARM_FSR_WNR (1u << 11)
/* Recomputes base.tb_flags after a change of T or mode. */
void arm_update_tb_flags(bb_arm_cpu *c);

/* Helpers called from generated code: indexes into arm_helpers[]. Arguments a, b, c. */
enum arm_helper {
    ARM_H_CPSR_READ,        /* () -> CPSR */
    ARM_H_CPSR_WRITE,       /* (value, byte mask) ; in user mode only flags are written */
    ARM_H_SPSR_READ,        /* () -> SPSR (UNPREDICTABLE in USR/SYS: returns CPSR) */
    ARM_H_SPSR_WRITE,       /* (value, byte mask) */
    ARM_H_EXCEPTION_RETURN, /* (new pc) : CPSR = SPSR, then PC = new pc (aligned per T) */
    ARM_H_SWI,              /* (pc of the SWI, comment field, thumb) : semihosting or SWI */
    ARM_H_UNDEF,            /* (pc of the instruction) */
    ARM_H_BKPT,             /* (pc, immediate) : semihosting (0xab) or prefetch abort */
    ARM_H_PREFETCH_ABORT,   /* (pc, address that could not be fetched) */
    ARM_H_MRC,              /* (instruction word, pc) -> value; v7: cp14 or cp15 (by the coproc
                               field), an undefined register raises UNDEF */
    ARM_H_MCR,              /* (instruction word, value, pc) */
    ARM_H_USER_REG_READ,    /* (n) -> user-mode rN (for LDM/STM with ^) */
    ARM_H_USER_REG_WRITE,   /* (n, value) */
    ARM_H_QADD,             /* (a, b) -> saturated a + b, sets Q on saturation */
    ARM_H_QSUB,             /* (a, b) -> saturated a - b, sets Q on saturation */
    ARM_H_QDADD,            /* (a, b) -> saturated a + sat(2 * b), sets Q */
    ARM_H_QDSUB,            /* (a, b) -> saturated a - sat(2 * b), sets Q */
    ARM_H_WFI,              /* (pc of the next instruction) : halts until an interrupt */
    ARM_H_WFE,              /* (pc of the next instruction) : clears the event register if set,
                               else halts until an event (SEV) or interrupt; the block must end */
    ARM_H_SEV,              /* () : sets the event register of every core, wakes those in WFE */
    ARM_H_BANKED_READ,      /* (mode, n) -> r13 (n = 13), r14 (14) or SPSR (17) of `mode` */
    ARM_H_BANKED_WRITE,     /* (mode, n, value) */
    ARM_H_RFE,              /* (new pc, new cpsr) : CPSR = new cpsr (all of it), PC = new pc */
    ARM_H_VFP,              /* (operation, registers) : VFP arithmetic (vfp_ops.h) */
    ARM_H_VFP_SYSREG_READ,  /* (reg) -> VMRS of FPSID, FPSCR, MVFR0/1, FPEXC */
    ARM_H_VFP_SYSREG_WRITE, /* (reg, value) : VMSR (FPEXC changes the block key) */
    ARM_H_NEON,             /* (operation, registers, immediate) : Advanced SIMD (neon_ops.h) */
    ARM_H_ALIGNMENT_FAULT,  /* (address, pc, 1 for a write) : v7 alignment fault (data abort);
                               does not return */
    ARM_H_COUNT
};
extern const bb_ir_helper arm_helpers[];

/* The guest operations of the ARM front-end (translate, interrupts, MMU); the v7 ones add
 * the VFP registers d0-d31 and fpscr (numbers 18-50) for debuggers. */
extern const bb_guest_ops arm_guest_ops;
extern const bb_guest_ops arm_v7_guest_ops;

/* MMU: short-descriptor table walk for the ARM926 (sections, coarse and fine pages with
 * large, small and tiny pages, domains, AP checks). Fills fault status on failure. */
bool arm_mmu_translate(bb_arm_cpu *c, uint32_t vaddr, int access, int mmu_idx, bb_phys_result *out,
                       uint32_t *fault_status);

/* CP15 accesses (MRC and MCR with the instruction word selecting the register). */
uint32_t arm_cp15_read(bb_arm_cpu *c, uint32_t insn, uint32_t pc);
void arm_cp15_write(bb_arm_cpu *c, uint32_t insn, uint32_t value, uint32_t pc);

/* The translator entry point (jit/arm/translate.c). */
void arm_translate_block(bb_cpu *cpu, bb_ir_block *blk);

#endif
