/*
 * text.h: the text form of a trace, one line per executed instruction:
 *
 *     <icount> c<cpu> <pc>: <bytes>  <disassembly>[ ; <outcome>][ ; <registers>][ ; <memory>]
 *
 * with exceptions and the end of the run as lines of their own. The live tracer writes it
 * with --trace FILE --trace-format text, and `brassboard trace dump` writes the same text
 * from a binary trace. docs/trace.md describes every field.
 */
#ifndef BB_TRACE_TEXT_H
#define BB_TRACE_TEXT_H

#include <stdio.h>

#include "jit/cpu.h"
#include "trace/record.h"

/* A sink that writes text to `out` (closed at the end). `guest` gives the disassembler,
 * register and exception names; NULL prints none. Returns a sink with self NULL when out
 * of memory. */
bb_trace_sink bb_trace_text_open(FILE *out, const bb_guest_ops *guest,
                                 const bb_trace_header *header);

#endif
