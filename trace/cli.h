/*
 * cli.h: the command-line side of tracing and waveforms, so that cli/main.c only calls:
 *   run options   --trace FILE, --trace-format text|binary, --trace-regs, --trace-mem,
 *                 --trace-range A-B|SYMBOL (repeatable), --trace-start POINT,
 *                 --trace-stop POINT (POINT: SYMBOL[+OFF], an address, or @N for an
 *                 instruction count), --vcd FILE, --vcd-watch A-B|SYMBOL (repeatable)
 *   command       brassboard trace dump FILE [-o OUT]
 */
#ifndef BB_TRACE_CLI_H
#define BB_TRACE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/machine.h"
#include "trace/trace.h"
#include "trace/vcd.h"

typedef struct bb_trace_cli {
    const char *trace_path;
    const char *format; /* NULL: from the file's extension */
    bool regs, mem;
    const char *ranges[BB_TRACE_MAX_RANGES];
    int n_ranges;
    const char *start, *stop;
    const char *vcd_path;
    const char *watches[BB_VCD_MAX_WATCHES];
    int n_watches;
    bb_tracer *tracer;
    bb_vcd *vcd;
} bb_trace_cli;

/* One option of `run`: returns how many arguments it used (1 for a flag, 2 with its value,
 * 0 if it is not a tracing option), or -1 with a message in err. */
int bb_trace_cli_option(bb_trace_cli *c, const char *arg, const char *val, char *err,
                        size_t errlen);
/* After the image is loaded: resolves symbols in `image` (an ELF, or NULL) and starts the
 * trace and the waveform. False with a message on bad input. */
bool bb_trace_cli_start(bb_trace_cli *c, bb_machine *m, const char *image, char *err,
                        size_t errlen);
/* After the run, on every exit path: completes and closes the files (messages on stderr).
 * Returns false if one could not be written. */
bool bb_trace_cli_finish(bb_trace_cli *c, bb_stop_reason why);
/* Help lines for `run --help`. */
void bb_trace_cli_usage(FILE *out);

/* `brassboard trace ARGS...`: returns the exit status. */
int bb_trace_cli_command(int argc, char **argv);

#endif
