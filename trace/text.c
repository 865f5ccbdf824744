/*
 * text.c: the text trace writer (see text.h for the line format).
 */
#include "trace/text.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"

typedef struct text_writer {
    FILE *out;
    const bb_guest_ops *guest;
    bb_trace_header header;
    void *disas;
    bool failed;
} text_writer;

const char *bb_trace_stop_name(int stop_reason)
{
    switch (stop_reason) {
    case BB_STOP_EXIT: return "exit";
    case BB_STOP_MAX_INSNS: return "max-insns";
    case BB_STOP_HALTED: return "halted";
    case BB_STOP_REQUEST: return "interrupted";
    case BB_STOP_BREAK: return "break";
    default: return "running";
    }
}

/* The disassembly of instruction i, made once per definition and instruction. */
static const char *disassembly(text_writer *w, const bb_trace_def *def, uint32_t i)
{
    bb_trace_def *d = (bb_trace_def *)def;
    if (!d->text) {
        d->text = calloc(d->n ? d->n : 1, sizeof(char *));
        if (!d->text) return "?";
    }
    if (!d->text[i]) {
        const bb_trace_insn *in = &d->insns[i];
        bb_disas_insn dis;
        if (w->disas)
            w->guest->disassemble(w->disas, in->pc, d->tb_flags, in->bytes, in->size, &dis);
        else
            snprintf(dis.text, sizeof(dis.text), "?");
        d->text[i] = strdup(dis.text);
        if (!d->text[i]) return "?";
    }
    return d->text[i];
}

static void write_outcome(text_writer *w, const bb_trace_exec *x, uint32_t i)
{
    const bb_trace_insn *in = &x->def->insns[i];
    bool last = i == x->first + x->count - 1;
    if (last && (x->outcome & BB_TRACE_ABORTED)) {
        fputs(" ; aborted", w->out);
        return;
    }
    if (!(in->attr & BB_TRACE_COND_BRANCH)) return;
    bool taken = last && (x->outcome & BB_TRACE_TAKEN);
    fputs(taken ? " ; taken" : " ; not taken", w->out);
}

static void write_regs(text_writer *w, const bb_trace_reg *regs, int n)
{
    fputs(" ;", w->out);
    for (int k = 0; k < n; k++) {
        const bb_trace_reg *r = &regs[k];
        bool known = r->reg < w->header.n_regs;
        unsigned bits = known ? w->header.regs[r->reg].bits : 64;
        if (known)
            fprintf(w->out, " %s=", w->header.regs[r->reg].name);
        else
            fprintf(w->out, " reg%u=", (unsigned)r->reg);
        if (bits > 32)
            fprintf(w->out, "%016" PRIx64, r->value);
        else
            fprintf(w->out, "%08" PRIx32, (uint32_t)r->value);
    }
}

static void write_mem(text_writer *w, const bb_trace_mem *mem, int n)
{
    fputs(" ;", w->out);
    for (int k = 0; k < n; k++) {
        const bb_trace_mem *a = &mem[k];
        fprintf(w->out, " %c%u %08" PRIx32 "=%0*" PRIx64, a->write ? 'W' : 'R', (unsigned)a->size,
                a->addr, 2 * a->size, a->value);
    }
}

static void text_exec(void *self, const bb_trace_exec *x, const bb_trace_reg *regs, int n_regs,
                      const bb_trace_mem *mem, int n_mem)
{
    text_writer *w = self;
    int r = 0, m = 0;
    for (uint32_t i = x->first; i < x->first + x->count; i++) {
        const bb_trace_insn *in = &x->def->insns[i];
        char bytes[16];
        int len = 0;
        for (unsigned b = 0; b < in->size; b++)
            len += snprintf(bytes + len, sizeof(bytes) - (size_t)len, b ? " %02x" : "%02x",
                            in->bytes[b]);
        fprintf(w->out, "%10" PRIu64 " c%d %08" PRIx32 ": %-11s  %s", x->icount + (i - x->first),
                x->cpu, in->pc, bytes, disassembly(w, x->def, i));
        write_outcome(w, x, i);
        while (r < n_regs && regs[r].index < i)
            r++;
        int r_end = r;
        while (r_end < n_regs && regs[r_end].index == i)
            r_end++;
        if (r_end > r) write_regs(w, regs + r, r_end - r);
        r = r_end;
        while (m < n_mem && mem[m].index < i)
            m++;
        int m_end = m;
        while (m_end < n_mem && mem[m_end].index == i)
            m_end++;
        if (m_end > m) write_mem(w, mem + m, m_end - m);
        m = m_end;
        fputc('\n', w->out);
    }
}

static void text_exception(void *self, const bb_trace_exception *e)
{
    text_writer *w = self;
    const char *name =
        w->guest && w->guest->exception_name ? w->guest->exception_name(e->number) : "?";
    fprintf(w->out, "%10" PRIu64 " c%d exception %s at %08" PRIx32 "\n", e->icount, e->cpu, name,
            e->pc);
}

static bool text_end(void *self, uint64_t icount, int stop_reason, bool complete)
{
    text_writer *w = self;
    if (complete)
        fprintf(w->out, "# end: %" PRIu64 " instructions, %s\n", icount,
                bb_trace_stop_name(stop_reason));
    else
        fprintf(w->out, "# end: trace truncated\n");
    bool ok = !ferror(w->out) && !w->failed;
    if (fclose(w->out) != 0) ok = false;
    if (w->disas) w->guest->disas_close(w->disas);
    free(w);
    return ok;
}

bb_trace_sink bb_trace_text_open(FILE *out, const bb_guest_ops *guest,
                                 const bb_trace_header *header)
{
    bb_trace_sink sink = {0};
    text_writer *w = calloc(1, sizeof(*w));
    if (!w) return sink;
    w->out = out;
    w->guest = guest;
    w->header = *header;
    if (guest && guest->disas_open) w->disas = guest->disas_open();
    fprintf(out, "# brassboard trace: guest %s%s%s\n", header->guest,
            (header->flags & BB_TRACE_HAS_REGS) ? ", registers" : "",
            (header->flags & BB_TRACE_HAS_MEM) ? ", memory" : "");
    fprintf(out, "# icount cpu pc: bytes  instruction [; outcome] [; registers written] "
                 "[; memory accesses]\n");
    sink.self = w;
    sink.exec = text_exec;
    sink.exception = text_exception;
    sink.end = text_end;
    return sink;
}
