/*
 * guests.h: the guest front-ends by name, for tools that read traces without a machine
 * (`brassboard trace dump` needs the disassembler and register names of the trace's guest).
 */
#ifndef BB_TRACE_GUESTS_H
#define BB_TRACE_GUESTS_H

#include "jit/cpu.h"

/* The guest operations named `name` (bb_guest_ops name), or NULL. */
const bb_guest_ops *bb_guest_find(const char *name);

#endif
