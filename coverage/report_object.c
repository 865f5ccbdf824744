/*
 * report_object.c: the object-coverage report, as text and as JSON: totals, then per
 * function its counts, the instructions never executed and the conditional branches
 * with only one outcome seen (which one is missing). This is the evidence of structural
 * coverage at object level (every instruction, both outcomes of every branch).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "coverage/report.h"

typedef struct counts {
    int insns, executed, branches, both, one, none;
} counts;

static void count(counts *c, const bb_cov_insn *in)
{
    c->insns++;
    c->executed += bb_cov_executed(in);
    if (!in->branch) return;
    c->branches++;
    bool taken = in->flags & BB_COV_TAKEN, not_taken = in->flags & BB_COV_NOT_TAKEN;
    if (taken && not_taken)
        c->both++;
    else if (taken || not_taken)
        c->one++;
    else
        c->none++;
}

static bool one_outcome(const bb_cov_insn *in)
{
    return in->branch && !(in->flags & BB_COV_TAKEN) != !(in->flags & BB_COV_NOT_TAKEN);
}

/* The end (exclusive index) of the function group that starts at insns[i]. */
static int group_end(const bb_cov_analysis *a, int i)
{
    int end = i + 1;
    while (end < a->n_insns && a->insns[end].func == a->insns[i].func)
        end++;
    return end;
}

static double percent(int part, int whole)
{
    return whole ? 100.0 * part / whole : 100.0;
}

static const char *where(const bb_cov_analysis *a, const bb_cov_insn *in, char *buf, size_t size)
{
    if (in->file < 0) return "";
    const char *path = a->lines->files[in->file];
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(buf, size, "%s:%u", base, in->line);
    return buf;
}

/* ---- text ---- */

bool bb_cov_write_text(const bb_cov_analysis *a, FILE *out)
{
    counts total = {0, 0, 0, 0, 0, 0};
    int functions = 0, entered = 0;
    for (int i = 0; i < a->n_insns; i++)
        count(&total, &a->insns[i]);
    for (int i = 0; i < a->n_insns; i = group_end(a, i)) {
        if (!a->insns[i].func) continue;
        functions++;
        entered += bb_cov_executed(&a->insns[i]);
    }
    fprintf(out, "Object coverage of %s\n", a->img->path);
    fprintf(out, "  instructions executed:   %d of %d (%.1f%%)\n", total.executed, total.insns,
            percent(total.executed, total.insns));
    fprintf(out,
            "  conditional branches:    %d; both outcomes %d, one outcome %d, never executed %d\n",
            total.branches, total.both, total.one, total.none);
    fprintf(out, "  functions entered:       %d of %d\n", entered, functions);
    for (int i = 0; i < a->n_insns;) {
        int end = group_end(a, i);
        counts c = {0, 0, 0, 0, 0, 0};
        for (int k = i; k < end; k++)
            count(&c, &a->insns[k]);
        const bb_cov_insn *first = &a->insns[i];
        char loc[256], text[128];
        fprintf(out,
                "\n%s (0x%08" PRIx32
                ")%s%s: %d of %d instructions, %d of %d branches with both outcomes\n",
                first->func ? first->func->name : "(no symbol)", first->addr,
                first->file >= 0 ? " " : "", where(a, first, loc, sizeof(loc)), c.executed, c.insns,
                c.both, c.branches);
        for (int k = i; k < end; k++) {
            const bb_cov_insn *in = &a->insns[k];
            if (!bb_cov_executed(in))
                fprintf(out, "  never executed   0x%08" PRIx32 "  %-36s %s%s\n", in->addr,
                        bb_cov_disassemble(a, in, text, sizeof(text)),
                        where(a, in, loc, sizeof(loc)), in->branch ? "  (branch)" : "");
            else if (one_outcome(in))
                fprintf(out, "  %-16s 0x%08" PRIx32 "  %-36s %s\n",
                        (in->flags & BB_COV_TAKEN) ? "only taken" : "only not taken", in->addr,
                        bb_cov_disassemble(a, in, text, sizeof(text)),
                        where(a, in, loc, sizeof(loc)));
        }
        i = end;
    }
    return !ferror(out);
}

/* ---- JSON ---- */

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void json_insn(const bb_cov_analysis *a, FILE *out, const bb_cov_insn *in, bool outcomes)
{
    char text[128];
    fprintf(out, "{\"address\": %" PRIu32 ", \"size\": %u, \"text\": ", in->addr, in->size);
    json_string(out, bb_cov_disassemble(a, in, text, sizeof(text)));
    if (in->file >= 0) {
        fputs(", \"file\": ", out);
        json_string(out, a->lines->files[in->file]);
        fprintf(out, ", \"line\": %u", in->line);
    }
    fprintf(out, ", \"branch\": %s", in->branch ? "true" : "false");
    if (outcomes)
        fprintf(out, ", \"taken\": %s, \"not_taken\": %s",
                (in->flags & BB_COV_TAKEN) ? "true" : "false",
                (in->flags & BB_COV_NOT_TAKEN) ? "true" : "false");
    fputc('}', out);
}

static void json_counts(FILE *out, const counts *c)
{
    fprintf(out,
            "\"instructions\": %d, \"executed\": %d, \"branches\": %d, \"branches_both\": %d, "
            "\"branches_one\": %d, \"branches_none\": %d",
            c->insns, c->executed, c->branches, c->both, c->one, c->none);
}

bool bb_cov_write_json(const bb_cov_analysis *a, FILE *out)
{
    counts total = {0, 0, 0, 0, 0, 0};
    for (int i = 0; i < a->n_insns; i++)
        count(&total, &a->insns[i]);
    fputs("{\n  \"image\": ", out);
    json_string(out, a->img->path);
    fputs(",\n  \"total\": {", out);
    json_counts(out, &total);
    fputs("},\n  \"functions\": [", out);
    bool first_function = true;
    for (int i = 0; i < a->n_insns;) {
        int end = group_end(a, i);
        counts c = {0, 0, 0, 0, 0, 0};
        for (int k = i; k < end; k++)
            count(&c, &a->insns[k]);
        const bb_cov_insn *first = &a->insns[i];
        fputs(first_function ? "\n    {\"name\": " : ",\n    {\"name\": ", out);
        first_function = false;
        json_string(out, first->func ? first->func->name : "");
        fprintf(out, ", \"address\": %" PRIu32 ", ", first->addr);
        if (first->file >= 0) {
            fputs("\"file\": ", out);
            json_string(out, a->lines->files[first->file]);
            fprintf(out, ", \"line\": %u, ", first->line);
        }
        json_counts(out, &c);
        fputs(",\n     \"never_executed\": [", out);
        bool first_item = true;
        for (int k = i; k < end; k++) {
            if (bb_cov_executed(&a->insns[k])) continue;
            fputs(first_item ? "\n       " : ",\n       ", out);
            first_item = false;
            json_insn(a, out, &a->insns[k], false);
        }
        fputs("],\n     \"one_outcome\": [", out);
        first_item = true;
        for (int k = i; k < end; k++) {
            if (!bb_cov_executed(&a->insns[k]) || !one_outcome(&a->insns[k])) continue;
            fputs(first_item ? "\n       " : ",\n       ", out);
            first_item = false;
            json_insn(a, out, &a->insns[k], true);
        }
        fputs("]}", out);
        i = end;
    }
    fputs("\n  ]\n}\n", out);
    return !ferror(out);
}
