/*
 * record.h: the pieces an instruction trace is made of, shared by the tracer (which makes
 * them at run time), the text and binary writers, and `brassboard trace dump` (which reads
 * them back from a binary trace). A trace is a sequence of:
 *   - block definitions: the instructions of one translated block (address, size, bytes,
 *     whether it is a conditional branch, whether the address filter keeps it);
 *   - executions: a run of consecutive instructions of a definition that executed, with the
 *     instruction count of its first one and the outcome of its last one;
 *   - the registers each instruction wrote and the memory accesses it made, when asked;
 *   - exceptions taken, and the end of the run.
 */
#ifndef BB_TRACE_RECORD_H
#define BB_TRACE_RECORD_H

#include <stdbool.h>
#include <stdint.h>

/* bb_trace_insn.attr */
enum { BB_TRACE_COND_BRANCH = 1, BB_TRACE_IN_RANGE = 2 };

typedef struct bb_trace_insn {
    uint32_t pc;
    uint8_t size;     /* 1 to 4 bytes */
    uint8_t attr;     /* BB_TRACE_* */
    uint8_t bytes[4]; /* the encoding in memory order */
} bb_trace_insn;

typedef struct bb_trace_def {
    uint32_t id;
    uint32_t tb_flags; /* the guest mode the block was translated for (instruction set) */
    uint32_t n, cap;
    bb_trace_insn *insns;
    char **text;  /* disassembly, filled in by the text writer when first needed */
    bool written; /* the binary writer has written it */
} bb_trace_def;

/* bb_trace_exec.outcome: what became of the run's last instruction when it is the last
 * instruction its block executed (0 otherwise: a conditional branch before the end of a
 * run fell through). */
enum { BB_TRACE_TAKEN = 1, BB_TRACE_NOT_TAKEN = 2, BB_TRACE_ABORTED = 4 };

typedef struct bb_trace_exec {
    int cpu;
    const bb_trace_def *def;
    uint32_t first, count; /* instructions def->insns[first .. first + count - 1] */
    uint64_t icount;       /* instructions the CPU retired before insns[first] */
    uint8_t outcome;
} bb_trace_exec;

typedef struct bb_trace_reg {
    uint32_t index; /* the instruction (in its definition) that wrote it */
    uint16_t reg;   /* guest register number (bb_guest_ops regs) */
    uint64_t value;
} bb_trace_reg;

typedef struct bb_trace_mem {
    uint32_t index; /* the instruction (in its definition) that made the access */
    uint32_t addr;  /* virtual address */
    uint8_t size;
    bool write;
    uint64_t value;
} bb_trace_mem;

typedef struct bb_trace_exception {
    int cpu;
    uint64_t icount; /* instructions the CPU retired before it */
    uint32_t number; /* guest exception number (bb_guest_ops exception_name) */
    uint32_t pc;     /* the instruction it was taken at */
} bb_trace_exception;

/* What a trace holds, from its header: the guest, and the names of its registers (so that
 * a trace reads the same whatever the guest's register list becomes later). */
enum { BB_TRACE_HAS_REGS = 1, BB_TRACE_HAS_MEM = 2 };
#define BB_TRACE_MAX_REGS 128
typedef struct bb_trace_header {
    char guest[16]; /* bb_guest_ops name */
    unsigned flags; /* BB_TRACE_HAS_* */
    int n_regs;
    struct bb_trace_reg_name {
        char name[16];
        unsigned bits;
    } regs[BB_TRACE_MAX_REGS];
} bb_trace_header;

/* A consumer of trace pieces: the text and binary writers. Instructions of an execution
 * reach it once the block is done, with the registers and memory accesses they made. */
typedef struct bb_trace_sink {
    void *self;
    void (*exec)(void *self, const bb_trace_exec *x, const bb_trace_reg *regs, int n_regs,
                 const bb_trace_mem *mem, int n_mem);
    void (*exception)(void *self, const bb_trace_exception *e);
    /* End of the run: total instructions and why it stopped (bb_stop_reason). Then the
     * sink flushes and closes; returns false if anything could not be written. */
    bool (*end)(void *self, uint64_t icount, int stop_reason, bool complete);
} bb_trace_sink;

/* The name of a bb_stop_reason in traces ("exit", "max-insns", ...). */
const char *bb_trace_stop_name(int stop_reason);

#endif
