/*
 * binary.h: the compact binary trace (format in docs/trace.md): a versioned header, then
 * records of one tag byte and LEB128 fields. Translated blocks are defined once; each
 * execution of a block is a few bytes, followed by register and memory records when the
 * trace holds them. `brassboard trace dump` replays a file into the text writer.
 */
#ifndef BB_TRACE_BINARY_H
#define BB_TRACE_BINARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "trace/record.h"

#define BB_TRACE_MAGIC   "BBTRACE"
#define BB_TRACE_VERSION 1

/* A sink that writes the binary form to `out` (closed at the end); self is NULL when out
 * of memory. The header is written at once. */
bb_trace_sink bb_trace_binary_open(FILE *out, const bb_trace_header *header);

/* Reads the header of a binary trace; false with a message naming `name` if it is not one
 * (or a version this build does not read). */
bool bb_trace_binary_read_header(FILE *in, const char *name, bb_trace_header *header, char *err,
                                 size_t errlen);
/* Reads the records after the header and feeds them to the sink, ending it (a file cut
 * short ends as "truncated"). False with a message on a malformed record. */
bool bb_trace_binary_replay(FILE *in, const char *name, bb_trace_sink *sink, char *err,
                            size_t errlen);

#endif
