/*
 * monitor_trace.c: `monitor trace start FILE [text|binary] [regs] [mem]`, `monitor trace
 * stop` and `monitor trace` (status): an instruction trace (trace/trace.h) of the part of
 * a run the user chooses from gdb. A trace still open when the stub ends is completed.
 */
#include "gdbstub/stub.h"

#include <stdlib.h>
#include <string.h>

#include "trace/trace.h"

struct gdb_trace_state {
    bb_tracer *tracer;
    char path[256];
};

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int trace_start(gdb_trace_state *t, bb_machine *m, int argc, char **argv, FILE *out)
{
    if (t->tracer) {
        fprintf(out, "a trace to %s is already running (monitor trace stop)\n", t->path);
        return 1;
    }
    if (argc < 3) {
        fprintf(out, "usage: monitor trace start FILE [text|binary] [regs] [mem]\n");
        return 1;
    }
    bb_trace_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.path = argv[2];
    opts.format = has_suffix(argv[2], ".bbtrace") || has_suffix(argv[2], ".bin") ? BB_TRACE_BINARY
                                                                                 : BB_TRACE_TEXT;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "text"))
            opts.format = BB_TRACE_TEXT;
        else if (!strcmp(argv[i], "binary"))
            opts.format = BB_TRACE_BINARY;
        else if (!strcmp(argv[i], "regs"))
            opts.regs = true;
        else if (!strcmp(argv[i], "mem"))
            opts.mem = true;
        else {
            fprintf(out, "trace start: unknown word '%s' (text, binary, regs, mem)\n", argv[i]);
            return 1;
        }
    }
    char err[256];
    t->tracer = bb_trace_start(m, &opts, err, sizeof(err));
    if (!t->tracer) {
        fprintf(out, "%s\n", err);
        return 1;
    }
    snprintf(t->path, sizeof(t->path), "%s", argv[2]);
    fprintf(out, "tracing to %s\n", t->path);
    return 0;
}

static int trace_stop(gdb_trace_state *t, bb_stop_reason why, FILE *out)
{
    if (!t->tracer) {
        fprintf(out, "no trace is running\n");
        return 1;
    }
    bool ok = bb_trace_finish(t->tracer, why);
    t->tracer = NULL;
    fprintf(out, ok ? "trace written to %s\n" : "could not write the trace to %s\n", t->path);
    return ok ? 0 : 1;
}

static int cmd_trace(void *opaque, bb_machine *m, int argc, char **argv, FILE *out)
{
    bb_gdbstub *s = opaque;
    gdb_trace_state *t = s->trace;
    if (argc >= 2 && !strcmp(argv[1], "start")) return trace_start(t, m, argc, argv, out);
    if (argc == 2 && !strcmp(argv[1], "stop")) return trace_stop(t, BB_STOP_REQUEST, out);
    if (argc == 1) {
        if (t->tracer)
            fprintf(out, "tracing to %s\n", t->path);
        else
            fprintf(out, "no trace is running\n");
        return 0;
    }
    fprintf(out, "usage: monitor trace [start FILE [text|binary] [regs] [mem] | stop]\n");
    return 1;
}

bool gdb_monitor_trace_init(bb_gdbstub *s)
{
    s->trace = calloc(1, sizeof(*s->trace));
    if (!s->trace) return false;
    bb_monitor_command cmd = {"trace", "trace [start FILE [text|binary] [regs] [mem] | stop]",
                              "instruction trace of a part of the run (docs/trace.md)", cmd_trace,
                              s};
    return bb_gdbstub_add_command(s, &cmd);
}

void gdb_monitor_trace_free(bb_gdbstub *s)
{
    if (!s->trace) return;
    if (s->trace->tracer) bb_trace_finish(s->trace->tracer, s->result);
    free(s->trace);
    s->trace = NULL;
}
