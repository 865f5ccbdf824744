/*
 * trace.h: instruction tracing of a machine (--trace). The tracer is a translation client
 * (jit/instrument.h): it records each translated block's instructions once, and a call at
 * the entry of every block tells it which block runs. From the instruction counts it
 * knows how far each block got; from the next block (or exception) where each conditional
 * branch went. With registers asked for, every instruction gets a call and its written
 * registers are found by comparing the register file; with memory accesses asked for,
 * every access goes through the slow path and is reported after it completed.
 *
 * Filters: address ranges (instructions outside them are not written, though they count),
 * and a window that opens at a start point and closes at a stop point (an address or an
 * instruction count). The trace is complete on every way a run ends (exit, --max-insns,
 * SIGINT, a halted guest, a crashed guest) once bb_trace_finish has run.
 */
#ifndef BB_TRACE_H
#define BB_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"

typedef enum bb_trace_format { BB_TRACE_TEXT, BB_TRACE_BINARY } bb_trace_format;

#define BB_TRACE_MAX_RANGES 16

/* A start or stop point: an address, or an instruction count (instructions retired by the
 * CPU before the instruction). */
typedef struct bb_trace_point {
    bool set;
    bool is_count;
    uint32_t addr;
    uint64_t count;
} bb_trace_point;

typedef struct bb_trace_options {
    const char *path;
    bb_trace_format format;
    bool regs, mem;
    uint32_t range_start[BB_TRACE_MAX_RANGES], range_end[BB_TRACE_MAX_RANGES]; /* inclusive */
    int n_ranges; /* 0: every address */
    bb_trace_point start, stop;
} bb_trace_options;

typedef struct bb_tracer bb_tracer;

/* Starts tracing the machine into opts->path. NULL with a message on failure. */
bb_tracer *bb_trace_start(bb_machine *m, const bb_trace_options *opts, char *err, size_t errlen);
/* Ends the trace (the last block, the end record), closes the file, detaches from the
 * machine and frees the tracer. Returns false if the file could not be written. */
bool bb_trace_finish(bb_tracer *t, bb_stop_reason why);

#endif
