/*
 * ir.h: the intermediate representation between guest front-ends and host backends.
 *
 * A block is a list of instructions over 32-bit temporaries. Every temporary is written
 * exactly once (by the instruction that defines it) and only read after that, in the same
 * straight-line region: no temporary is used across a LABEL. Guest state (registers, flags)
 * lives in the CPU structure and is reached with GET and SET at a byte offset from it.
 * Control flow inside a block only jumps forward (to LABELs, for conditional execution);
 * a block ends with one of the EXIT instructions on every path.
 *
 * Memory accesses, helper calls and exits are "sync points": guest state must be exact
 * there, since they may raise a guest exception. Every instruction that can fault carries
 * its guest PC and the number of guest instructions still to retire in the block counting
 * itself (`left`): that is what makes exceptions and virtual time precise without storing
 * the PC per instruction.
 *
 * Operations (dst = defined temp; a, b, c = operand temps; imm = 32-bit immediate):
 *   NOP                        nothing (left behind by the optimizer)
 *   INSN_START imm=pc          start of the guest instruction at pc (hooks attach here)
 *   CONST      dst = imm
 *   GET        dst = *(u32 *)(cpu + imm)
 *   SET        *(u32 *)(cpu + imm) = a
 *   MOV        dst = a
 *   ADD SUB MUL AND OR XOR ANDN (a & ~b)
 *   SHL SHR SAR  shift a by b; b >= 32 gives 0 (SHL, SHR) or 32 copies of the sign (SAR)
 *   ROR        rotate a right by (b mod 32)
 *   NOT NEG CLZ                unary on a (CLZ of 0 is 32)
 *   MULHU MULHS                high 32 bits of the 64-bit unsigned / signed product
 *   EQ NE LTU LEU LTS LES      dst = 1 if the comparison of a with b holds, else 0
 *   ADC        dst = a + b + c            (c is 0 or 1)
 *   ADC_CARRY  dst = carry out of a + b + c (0 or 1)
 *   ADC_OVF    dst = 0x80000000 if a + b + c (c is 0 or 1) overflows as a signed sum, else 0
 *   SELECT     dst = c ? a : b
 *   LOAD       dst = memory[a]; aux = BB_IR_MEM_* size/sign | mmu index << 4
 *   STORE      memory[a] = b; aux as LOAD
 *   CALL       dst = helper imm (cpu, a, b, c); the helper table is the block's
 *   LABEL      imm = label number (forward jump target)
 *   BR         jump to label imm
 *   BRZ BRNZ   jump to label imm if a == 0 / a != 0
 *   EXIT_JUMP  end: continue at guest pc imm (same CPU mode); aux = exit slot 0 or 1.
 *              Direct: the backend chains it to the next block.
 *   EXIT_IND   end: the guest PC (bb_cpu.pc) was SET; continue with a lookup of (pc, cpu->tb_flags)
 *   EXIT_LOOP  end: the guest PC was SET; return to the run loop (interrupts may be due)
 *   MARK       bb_cpu.mark_map[imm] |= aux (coverage bitmaps; imm < mark_size is the
 *              emitter's promise)
 *
 * A CALL is a sync point like a memory access: generated code stores the instruction's
 * `left` in bb_cpu.insns_left before calling and 0 after, so that a helper sees an exact
 * bb_cpu_icount and can unwind (bb_cpu_unwind) with the instruction not retired.
 */
#ifndef BB_IR_H
#define BB_IR_H

#include <stdbool.h>
#include <stdint.h>

typedef enum bb_ir_op {
    BB_IR_NOP,
    BB_IR_INSN_START,
    BB_IR_CONST,
    BB_IR_GET,
    BB_IR_SET,
    BB_IR_MOV,
    BB_IR_ADD,
    BB_IR_SUB,
    BB_IR_MUL,
    BB_IR_AND,
    BB_IR_OR,
    BB_IR_XOR,
    BB_IR_ANDN,
    BB_IR_SHL,
    BB_IR_SHR,
    BB_IR_SAR,
    BB_IR_ROR,
    BB_IR_NOT,
    BB_IR_NEG,
    BB_IR_CLZ,
    BB_IR_MULHU,
    BB_IR_MULHS,
    BB_IR_EQ,
    BB_IR_NE,
    BB_IR_LTU,
    BB_IR_LEU,
    BB_IR_LTS,
    BB_IR_LES,
    BB_IR_ADC,
    BB_IR_ADC_CARRY,
    BB_IR_ADC_OVF,
    BB_IR_SELECT,
    BB_IR_LOAD,
    BB_IR_STORE,
    BB_IR_CALL,
    BB_IR_LABEL,
    BB_IR_BR,
    BB_IR_BRZ,
    BB_IR_BRNZ,
    BB_IR_EXIT_JUMP,
    BB_IR_EXIT_IND,
    BB_IR_EXIT_LOOP,
    BB_IR_MARK,
    BB_IR_OP_COUNT
} bb_ir_op;

/* LOAD/STORE aux: log2 of the size in bits 0-1, sign extension in bit 2, MMU index in 4-7. */
enum {
    BB_IR_MEM_8 = 0,
    BB_IR_MEM_16 = 1,
    BB_IR_MEM_32 = 2,
    BB_IR_MEM_SIGNED = 4,
};
#define BB_IR_MEM_SIZE(aux) (1u << ((aux)&3))
#define BB_IR_MEM_MMU(aux)  ((aux) >> 4)

typedef uint16_t bb_ir_temp; /* 0 means "none" */

typedef struct bb_ir_insn {
    uint8_t op;
    uint8_t aux;
    uint16_t dst, a, b, c;
    uint16_t left; /* guest instructions left in the block, counting this one */
    uint32_t imm;
} bb_ir_insn;

/* A helper called from generated code. It may read and write guest state and may raise a
 * guest exception (bb_cpu_raise_exit in jit/cpu.h) unless it is BB_HELPER_PURE. */
typedef struct bb_cpu bb_cpu;
typedef uint32_t (*bb_ir_helper_fn)(bb_cpu *cpu, uint32_t a, uint32_t b, uint32_t c);
enum { BB_HELPER_PURE = 1 };
typedef struct bb_ir_helper {
    bb_ir_helper_fn fn;
    const char *name;
    unsigned flags;
} bb_ir_helper;

#define BB_IR_MAX_PAGES 4

typedef struct bb_ir_block {
    bb_ir_insn *insns;
    int n_insns, cap;
    int n_temps; /* temps are 1 .. n_temps */
    int n_labels;
    uint32_t pc, flags;                    /* the key the block was translated for */
    uint32_t n_guest_insns;                /* guest instructions in the block */
    uint32_t guest_pages[BB_IR_MAX_PAGES]; /* virtual pages the guest code came from */
    int n_guest_pages;
    const bb_ir_helper *helpers;
    uint32_t cur_pc; /* builder state: pc of the current guest instruction */
    bool transient;  /* run once and never kept: its first instruction could
                        not be fetched (the guest's handler may map it) */
} bb_ir_block;

void bb_ir_block_init(bb_ir_block *blk);
void bb_ir_block_reset(bb_ir_block *blk, uint32_t pc, uint32_t flags);
void bb_ir_block_free(bb_ir_block *blk);

/* Builders. The current guest instruction's `left` is set by bb_ir_insn_start. */
void bb_ir_insn_start(bb_ir_block *blk, uint32_t pc);
bb_ir_temp bb_ir_const(bb_ir_block *blk, uint32_t value);
bb_ir_temp bb_ir_get(bb_ir_block *blk, uint32_t offset);
void bb_ir_set(bb_ir_block *blk, uint32_t offset, bb_ir_temp value);
bb_ir_temp bb_ir_unop(bb_ir_block *blk, bb_ir_op op, bb_ir_temp a);
bb_ir_temp bb_ir_binop(bb_ir_block *blk, bb_ir_op op, bb_ir_temp a, bb_ir_temp b);
bb_ir_temp bb_ir_triop(bb_ir_block *blk, bb_ir_op op, bb_ir_temp a, bb_ir_temp b, bb_ir_temp c);
bb_ir_temp bb_ir_select(bb_ir_block *blk, bb_ir_temp cond, bb_ir_temp if_true, bb_ir_temp if_false);
bb_ir_temp bb_ir_load(bb_ir_block *blk, unsigned mem, bb_ir_temp addr);
void bb_ir_store(bb_ir_block *blk, unsigned mem, bb_ir_temp addr, bb_ir_temp value);
bb_ir_temp bb_ir_call(bb_ir_block *blk, unsigned helper, bb_ir_temp a, bb_ir_temp b, bb_ir_temp c);
int bb_ir_new_label(bb_ir_block *blk);
void bb_ir_label(bb_ir_block *blk, int label);
void bb_ir_br(bb_ir_block *blk, int label);
void bb_ir_brz(bb_ir_block *blk, bb_ir_temp cond, int label);
void bb_ir_brnz(bb_ir_block *blk, bb_ir_temp cond, int label);
void bb_ir_exit_jump(bb_ir_block *blk, uint32_t target_pc, int slot);
void bb_ir_exit_ind(bb_ir_block *blk);
void bb_ir_exit_loop(bb_ir_block *blk);
void bb_ir_mark(bb_ir_block *blk, uint32_t index, uint8_t bits);

/* Ends building: turns each instruction's guest index into its `left` count. Called by the
 * engine after the front-end, before the optimizer. */
void bb_ir_finish(bb_ir_block *blk);

/* The optimizer: constant folding, copy propagation, GET/SET forwarding, removal of dead
 * guest-state writes (flags overwritten before use) and of dead temporaries. */
void bb_ir_optimize(bb_ir_block *blk);

/* Properties used by the optimizer and backends. */
bool bb_ir_op_has_dst(bb_ir_op op);
int bb_ir_op_arity(bb_ir_op op);
const char *bb_ir_op_name(bb_ir_op op);
/* Evaluates a pure operation (everything but memory, calls, control and state ops). */
uint32_t bb_ir_eval(bb_ir_op op, uint32_t a, uint32_t b, uint32_t c);
/* Writes the block as text (for --log exec and tests). */
void bb_ir_dump(const bb_ir_block *blk, void *file);

#endif
