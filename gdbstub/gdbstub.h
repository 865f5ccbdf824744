/*
 * gdbstub.h: the GDB remote serial protocol server, the whole interface of gdbstub/.
 *
 * A stub serves one machine over TCP: gdb (or any client of the protocol) attaches, sees
 * one thread per CPU core (all-stop), sets breakpoints and watchpoints (translation-time
 * hooks: code without one runs at full speed), reads and writes registers and memory
 * (through the guest MMU, as debug accesses), steps, continues, interrupts, detaches and
 * attaches again. docs/gdb.md is the user's guide; the packets are listed there.
 */
#ifndef BB_GDBSTUB_H
#define BB_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/machine.h"

typedef struct bb_gdbstub bb_gdbstub;

/* Listens on "[HOST:]PORT" (127.0.0.1 unless HOST is given; port 0 picks a free port) and
 * says so on stderr ("brassboard: gdb: listening on 127.0.0.1:1234"). On a bad spec or a
 * socket error returns NULL with a message naming the spec. */
bb_gdbstub *bb_gdbstub_new(bb_machine *m, const char *listen, char *err, size_t errlen);
void bb_gdbstub_free(bb_gdbstub *stub);
/* The TCP port the stub listens on. */
int bb_gdbstub_port(const bb_gdbstub *stub);
/* The ELF image the machine runs (the default of `monitor coverage start`). Returns false
 * when out of memory. */
bool bb_gdbstub_set_image(bb_gdbstub *stub, const char *path);

/* Runs the machine under the stub until the guest exits (the debugger sees W), the
 * debugger kills it (returns BB_STOP_REQUEST), the instruction limit `max_insns` (0: none)
 * is reached (BB_STOP_MAX_INSNS) or bb_machine_request_stop is called from outside, e.g. by
 * SIGINT (BB_STOP_REQUEST). With `wait` the guest stays halted at its entry until a
 * debugger attaches; otherwise it runs at once and a debugger that attaches stops it.
 * Without a debugger attached (before the first one, after a detach) breakpoints are gone
 * and the guest runs freely. */
bb_stop_reason bb_gdbstub_run(bb_gdbstub *stub, bool wait, uint64_t max_insns);

/* ---- monitor commands (gdb's `monitor LINE`, the qRcmd packet) ---- */

/* Runs a command: argv[0] is its name, the words of the line follow. Text for the user
 * goes to `out`. Returns 0 on success; any other value makes gdb report an error (after
 * showing what was written to `out`). */
typedef int (*bb_monitor_fn)(void *opaque, bb_machine *m, int argc, char **argv, FILE *out);

typedef struct bb_monitor_command {
    const char *name;  /* first word of the line */
    const char *usage; /* e.g. "trace start FILE | trace stop" (shown by `monitor help`) */
    const char *help;  /* one line */
    bb_monitor_fn run;
    void *opaque;
} bb_monitor_command;

/* Adds a command (copied; the strings must outlive the stub). A command with the name of
 * an existing one replaces it. Returns false when out of memory. The built-in commands
 * are help, reset, regions, log, icount, trace and coverage. */
bool bb_gdbstub_add_command(bb_gdbstub *stub, const bb_monitor_command *cmd);
/* Runs one monitor line as gdb's `monitor` would, writing the output to `out` (also for
 * scripts and tests). Returns the command's status (-1: unknown command). */
int bb_gdbstub_monitor(bb_gdbstub *stub, const char *line, FILE *out);

#endif
