/*
 * cpu.h: the part of every guest CPU that the translator engine knows: the instruction
 * budget, the soft-MMU TLB, the guest PC, the hooks a guest front-end provides, and the
 * exits from generated code. A guest's own state structure embeds bb_cpu as its first
 * member, so IR GET/SET offsets are offsets from the bb_cpu pointer.
 */
#ifndef BB_JIT_CPU_H
#define BB_JIT_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/bus.h"
#include "jit/ir.h"

typedef struct bb_machine bb_machine;
typedef struct bb_jit bb_jit;
typedef struct bb_tb bb_tb;
typedef struct bb_cpu bb_cpu;
typedef struct bb_state bb_state;

/* Soft-MMU TLB: direct-mapped, one table per MMU index (privilege). An access of size S at
 * vaddr hits when (vaddr & (BB_TLB_PAGE_MASK | (S - 1))) == tag: any flag bit in the tag, or
 * a misaligned address, makes the compare fail and the slow path take over. */
#define BB_TLB_BITS      10
#define BB_TLB_SIZE      (1u << BB_TLB_BITS)
#define BB_MMU_MODES     2
#define BB_TLB_PAGE_MASK (~(uint32_t)(BB_PAGE_SIZE - 1))
#define BB_TLB_INVALID   0xffffffffu
#define BB_TLB_MMIO      0x10u /* tag flag: the page is not RAM (slow path always) */
#define BB_TLB_CODE      0x20u /* write-tag flag: the page holds translated code */

typedef struct bb_tlb_entry {
    uint32_t tag_read;
    uint32_t tag_write;
    uint32_t tag_code;
    uint32_t pad;
    uintptr_t addend; /* host pointer = vaddr + addend, for RAM pages */
    uint64_t phys;    /* physical address of the page */
} bb_tlb_entry;

/* Access kinds for address translation. */
enum { BB_ACCESS_READ = 0, BB_ACCESS_WRITE = 1, BB_ACCESS_EXEC = 2 };
/* Permission bits of a translation. */
enum { BB_PROT_READ = 1, BB_PROT_WRITE = 2, BB_PROT_EXEC = 4 };

typedef struct bb_phys_result {
    uint64_t phys;      /* physical address of vaddr */
    uint32_t page_size; /* size of the mapping (>= BB_PAGE_SIZE to be cached in the TLB) */
    unsigned prot;      /* BB_PROT_* allowed for this MMU index */
} bb_phys_result;

/* A guest register as debuggers, traces and scripts see it. */
typedef struct bb_reg_info {
    const char *name; /* lower case, as gdb names it ("r0", "sp", "pc", "cpsr") */
    unsigned bits;    /* 32 or 64 */
} bb_reg_info;

/* One guest instruction as a disassembler sees it (traces, coverage reports). */
typedef struct bb_disas_insn {
    unsigned size;    /* bytes (0: not a valid instruction) */
    bool cond_branch; /* conditional and may write the PC: a branch with two outcomes */
    char text[112];   /* mnemonic and operands */
} bb_disas_insn;

/* What a guest front-end provides to the engine. */
typedef struct bb_guest_ops {
    const char *name;
    /* Decodes guest code at (blk->pc, blk->flags) into IR. Code is read with bb_cpu_fetch. */
    void (*translate)(bb_cpu *cpu, bb_ir_block *blk);
    /* Takes a pending, unmasked interrupt (exception entry); returns true if one was taken. */
    bool (*check_interrupts)(bb_cpu *cpu);
    /* Address translation for an access. On a fault returns false; then, if `raise` is set,
     * the guest has entered its abort exception for the instruction at `pc` (with the
     * fault status recorded) and the engine unwinds out of the block. */
    bool (*translate_address)(bb_cpu *cpu, uint32_t vaddr, int access, int mmu_idx, bool raise,
                              uint32_t pc, bb_phys_result *out);
    /* A misaligned access that the guest must fault on (alignment checking enabled):
     * returns true after entering the abort exception. NULL: misaligned accesses are done
     * byte by byte. */
    bool (*misaligned)(bb_cpu *cpu, uint32_t vaddr, int access, unsigned size, uint32_t pc);
    /* The bus answered an access with an error (BB_BUS_ERROR): enters the guest's bus
     * fault for the instruction at `pc`. NULL: the error is ignored (reads give 0). */
    void (*bus_error)(bb_cpu *cpu, uint32_t vaddr, int access, uint32_t pc);
    void (*reset)(bb_cpu *cpu);
    void (*destroy)(bb_cpu *cpu);
    /* Registers by number (0 .. n_regs - 1), outside generated code. Writing the PC or the
     * status register (mode, instruction set) takes effect at the next block. */
    int n_regs;
    const bb_reg_info *regs;
    uint64_t (*reg_read)(bb_cpu *cpu, int n);
    void (*reg_write)(bb_cpu *cpu, int n, uint64_t value);
    /* Snapshots (core/snapshot.h): saves or restores the guest's registers, banks, system
     * registers and interrupt line levels with bb_state_* calls. The engine saves its own
     * part (pc, tb_flags, icount, halted) and flushes TLBs and translations afterwards. */
    void (*state)(bb_cpu *cpu, bb_state *st);
    const bb_ir_helper *helpers; /* the guest's helpers: CALL 0 .. n_helpers - 1; the engine's
                                    follow (jit/instrument.h) */
    unsigned n_helpers;
    /* Disassembler: a handle per user (NULL when it cannot be had), then one instruction
     * at pc from `avail` bytes of code, in the instruction set that tb_flags select.
     * Returns false (size 0) when the bytes are not an instruction. */
    void *(*disas_open)(void);
    void (*disas_close)(void *handle);
    bool (*disassemble)(void *handle, uint32_t pc, uint32_t tb_flags, const uint8_t *code,
                        unsigned avail, bb_disas_insn *out);
    /* The name of exception `number` (as in BB_CPU_EXCEPTION events), e.g. "irq". */
    const char *(*exception_name)(unsigned number);
} bb_guest_ops;

struct bb_cpu {
    /* Read and written by generated code. */
    int32_t budget;      /* instructions that may still retire before the run loop regains
                            control; a block subtracts its length at entry */
    uint32_t tb_flags;   /* the mode bits of the next block's key, kept current by the guest */
    uint32_t pc;         /* guest PC between blocks */
    uint32_t insns_left; /* while in a slow path: `left` of the current instruction */
    uint32_t access_pc;  /* PC of the instruction whose access is in the slow path (bus
                            devices and routes read it for their logs) */
    int32_t refund;      /* instructions charged at block entry that did not run because the
                            block left early (an exit at instruction k of n adds n - k - 1) */
    bb_tb **jmp_cache;   /* hash of pc -> block, for indirect exits */
    bb_tlb_entry tlb[BB_MMU_MODES][BB_TLB_SIZE];

    /* Run loop state. */
    int32_t stolen;       /* budget taken by bb_cpu_exit_request, given back by the loop */
    int32_t slice_budget; /* budget at the start of the current slice */
    uint64_t icount;      /* instructions retired before the current slice */
    bool halted;          /* waiting for an interrupt (WFI) */
    bool in_slice;
    bool exit_requested;     /* bb_cpu_exit_request during this slice */
    bool budget_is_soft;     /* the budget ends at a scheduling quantum, not at an event */
    unsigned unaligned_mode; /* BB_UNALIGNED_* */

    /* Instrumentation (jit/instrument.c). */
    uint8_t *mark_map; /* the byte map MARK instructions update (coverage) */
    uint32_t mark_size;
    uint64_t slow_site;    /* site of the slow-path access in progress */
    bool hooks_quiet;      /* memory hooks off while a watched instruction is replayed */
    bool replay_pending;   /* a memory hook asked to stop after the instruction */
    bool hook_skip_valid;  /* resuming at a stop: the exec hook at hook_skip_pc is not run */
    uint32_t hook_skip_pc; /* again while the icount is still hook_skip_icount */
    uint64_t hook_skip_icount;
    sigjmp_buf exit_jmp;

    int index;
    bb_machine *machine;
    bb_bus *bus;
    bb_jit *jit;
    const bb_guest_ops *ops;
};

/* How the slow path treats a misaligned access that the guest does not fault on. */
enum {
    BB_UNALIGNED_BYTES = 0, /* done as single bytes (ARMv6 and later, x86) */
    BB_UNALIGNED_ARMV5 = 1, /* word loads rotate the aligned word, stores align down */
};

#define BB_JMP_CACHE_BITS 12
#define BB_JMP_CACHE_SIZE (1u << BB_JMP_CACHE_BITS)
static inline uint32_t bb_jmp_cache_hash(uint32_t pc)
{
    return ((pc >> 1) ^ (pc >> (1 + BB_JMP_CACHE_BITS))) & (BB_JMP_CACHE_SIZE - 1);
}

/* Sets up the common part (TLB empty, jump cache allocated). */
bool bb_cpu_init(bb_cpu *cpu, bb_machine *m, int index, const bb_guest_ops *ops);
void bb_cpu_cleanup(bb_cpu *cpu);

/* Instructions retired by this CPU so far, exact also inside a block's slow path. */
uint64_t bb_cpu_icount(const bb_cpu *cpu);
/* Makes generated code return to the run loop at the next block boundary. Safe from
 * helpers, devices and interrupt lines. */
void bb_cpu_exit_request(bb_cpu *cpu);
/* Leaves generated code from a helper at once (after the guest entered an exception):
 * the current instruction does not retire. Does not return. */
void bb_cpu_unwind(bb_cpu *cpu) __attribute__((noreturn));

/* Flushes the whole TLB (all MMU indexes), or one page in every MMU index. */
void bb_cpu_tlb_flush(bb_cpu *cpu);
void bb_cpu_tlb_flush_page(bb_cpu *cpu, uint32_t vaddr);
/* Discards every translated block (guest code mapping changed globally). */
void bb_cpu_flush_translations(bb_cpu *cpu);

/* Reads guest code for the translator: false when the fetch would fault (nothing raised). */
bool bb_cpu_fetch(bb_cpu *cpu, uint32_t vaddr, unsigned size, int mmu_idx, uint32_t *value);

/* Slow paths of guest loads and stores (TLB miss, MMIO, misaligned, code pages), called by
 * generated code and the interpreter. `site` packs pc (bits 0-31), left (32-47) and the
 * IR memory aux (48-55). May unwind on a guest fault. */
uint32_t bb_cpu_load_slow(bb_cpu *cpu, uint32_t vaddr, uint64_t site);
void bb_cpu_store_slow(bb_cpu *cpu, uint32_t vaddr, uint32_t value, uint64_t site);
static inline uint64_t bb_mem_site(uint32_t pc, unsigned left, unsigned aux)
{
    return (uint64_t)pc | ((uint64_t)left << 32) | ((uint64_t)aux << 48);
}

/* A register by name (bb_reg_info.name, or an alias the guest accepts: "r13" for "sp").
 * Returns its number, or -1. */
int bb_cpu_reg_find(const bb_cpu *cpu, const char *name);

/* Debug access to guest virtual memory (through the MMU, no side effects on devices, no
 * exceptions): returns false if any byte is unmapped. */
bool bb_cpu_debug_rw(bb_cpu *cpu, uint32_t vaddr, void *buf, uint32_t len, bool write);

/* Runs the CPU for up to `max_insns` instructions or until the machine must stop (event
 * due, stop requested, halted). Returns the number of instructions retired. */
uint64_t bb_cpu_run_slice(bb_cpu *cpu, uint64_t max_insns);

/* The same, for one CPU of several taking turns: it also gives up its turn at the first
 * block boundary where the next block would take it past `quantum` instructions (a soft
 * limit: blocks are not cut short for it). */
uint64_t bb_cpu_run_quantum(bb_cpu *cpu, uint64_t max_insns, uint64_t quantum);

#endif
