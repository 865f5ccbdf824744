/*
 * report_lcov.c: the lcov tracefile (the format of geninfo(1), read by genhtml): per
 * source file its functions (FN, FNDA), conditional branches (BRDA) and lines (DA).
 */
#include <stdlib.h>
#include <string.h>

#include "coverage/report.h"

/* Functions whose entry lies in `file`, in address order. */
static void write_functions(const bb_cov_analysis *a, FILE *out, int file)
{
    int found = 0, hit = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < a->n_insns; i++) {
            const bb_cov_insn *in = &a->insns[i];
            if (in->file != file || !in->func || in->func->addr != in->addr) continue;
            if (pass == 0) {
                fprintf(out, "FN:%u,%s\n", in->line, in->func->name);
                found++;
            } else {
                fprintf(out, "FNDA:%d,%s\n", bb_cov_executed(in) ? 1 : 0, in->func->name);
                hit += bb_cov_executed(in);
            }
        }
    }
    fprintf(out, "FNF:%d\nFNH:%d\n", found, hit);
}

/* Lines list[from, to) of one file. */
static void write_file(const bb_cov_analysis *a, FILE *out, const bb_cov_insn **list, int from,
                       int to)
{
    int file = list[from]->file;
    fprintf(out, "SF:%s\n", a->lines->files[file]);
    write_functions(a, out, file);
    int branches = 0, branches_hit = 0;
    for (int i = from; i < to;) {
        int end = i, block = 0;
        while (end < to && list[end]->line == list[i]->line)
            end++;
        for (int k = i; k < end; k++) {
            const bb_cov_insn *in = list[k];
            if (!in->branch) continue;
            bool ran = bb_cov_executed(in);
            bool outcomes[2] = {(in->flags & BB_COV_TAKEN) != 0,
                                (in->flags & BB_COV_NOT_TAKEN) != 0};
            for (int b = 0; b < 2; b++) {
                if (ran)
                    fprintf(out, "BRDA:%u,%d,%d,%d\n", in->line, block, b, outcomes[b] ? 1 : 0);
                else
                    fprintf(out, "BRDA:%u,%d,%d,-\n", in->line, block, b);
                branches++;
                branches_hit += outcomes[b];
            }
            block++;
        }
        i = end;
    }
    fprintf(out, "BRF:%d\nBRH:%d\n", branches, branches_hit);
    int lines = 0, lines_hit = 0;
    for (int i = from; i < to;) {
        int end = i;
        bool executed = false;
        while (end < to && list[end]->line == list[i]->line)
            executed |= bb_cov_executed(list[end++]);
        fprintf(out, "DA:%u,%d\n", list[i]->line, executed ? 1 : 0);
        lines++;
        lines_hit += executed;
        i = end;
    }
    fprintf(out, "LF:%d\nLH:%d\nend_of_record\n", lines, lines_hit);
}

bool bb_cov_write_lcov(const bb_cov_analysis *a, FILE *out, const char *test_name)
{
    int n;
    const bb_cov_insn **list = bb_cov_by_line(a, &n);
    if (!list) return false;
    fprintf(out, "TN:%s\n", test_name ? test_name : "");
    for (int i = 0; i < n;) {
        int end = i;
        while (end < n && list[end]->file == list[i]->file)
            end++;
        write_file(a, out, list, i, end);
        i = end;
    }
    free(list);
    return !ferror(out);
}
