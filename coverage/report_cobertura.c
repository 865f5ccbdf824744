/*
 * report_cobertura.c: Cobertura XML (coverage-04.dtd), as CI dashboards read it: a package
 * per source directory, a class per source file, a method per function, a line per source
 * line with its hits (0 or 1: coverage records whether, not how often) and, for lines with
 * conditional branches, the outcomes seen.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "coverage/report.h"

static void write_escaped(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out); break;
        }
    }
}

typedef struct tally {
    int lines, lines_hit, branches, branches_hit;
} tally;

static double rate(int hit, int total)
{
    return total ? (double)hit / total : 1.0;
}

/* One source line: list[from, to) are its instructions. */
static void line_facts(const bb_cov_insn **list, int from, int to, bool *hit, int *branches,
                       int *branches_hit)
{
    *hit = false;
    *branches = *branches_hit = 0;
    for (int k = from; k < to; k++) {
        *hit |= bb_cov_executed(list[k]);
        if (!list[k]->branch) continue;
        *branches += 2;
        *branches_hit +=
            ((list[k]->flags & BB_COV_TAKEN) != 0) + ((list[k]->flags & BB_COV_NOT_TAKEN) != 0);
    }
}

static void write_line(FILE *out, const char *indent, unsigned line, bool hit, int branches,
                       int branches_hit)
{
    fprintf(out, "%s<line number=\"%u\" hits=\"%d\" branch=\"%s\"", indent, line, hit ? 1 : 0,
            branches ? "true" : "false");
    if (branches)
        fprintf(out, " condition-coverage=\"%d%% (%d/%d)\"", branches_hit * 100 / branches,
                branches_hit, branches);
    fputs("/>\n", out);
}

/* Lines of list[from, to) (one file) that belong to function f (NULL: every line). */
static tally write_lines(FILE *out, const char *indent, const bb_cov_insn **list, int from, int to,
                         const bb_image_symbol *f)
{
    tally t = {0, 0, 0, 0};
    for (int i = from; i < to;) {
        int end = i;
        while (end < to && list[end]->line == list[i]->line)
            end++;
        bool in_f = !f;
        for (int k = i; k < end && !in_f; k++)
            in_f = list[k]->func == f;
        if (in_f) {
            bool hit;
            int branches, branches_hit;
            line_facts(list, i, end, &hit, &branches, &branches_hit);
            if (out) write_line(out, indent, list[i]->line, hit, branches, branches_hit);
            t.lines++;
            t.lines_hit += hit;
            t.branches += branches;
            t.branches_hit += branches_hit;
        }
        i = end;
    }
    return t;
}

static void write_class(const bb_cov_analysis *a, FILE *out, const bb_cov_insn **list, int from,
                        int to)
{
    const char *path = a->lines->files[list[from]->file];
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    tally t = write_lines(NULL, "", list, from, to, NULL);
    fputs("        <class name=\"", out);
    write_escaped(out, base);
    fputs("\" filename=\"", out);
    write_escaped(out, path[0] == '/' ? path + 1 : path);
    fprintf(out, "\" line-rate=\"%.4f\" branch-rate=\"%.4f\" complexity=\"0\">\n",
            rate(t.lines_hit, t.lines), rate(t.branches_hit, t.branches));
    fputs("          <methods>\n", out);
    for (int i = 0; i < a->n_insns; i++) {
        const bb_cov_insn *in = &a->insns[i];
        if (in->file != list[from]->file || !in->func || in->func->addr != in->addr) continue;
        tally m = write_lines(NULL, "", list, from, to, in->func);
        fputs("            <method name=\"", out);
        write_escaped(out, in->func->name);
        fprintf(out,
                "\" signature=\"\" line-rate=\"%.4f\" branch-rate=\"%.4f\" complexity=\"0\">\n",
                rate(m.lines_hit, m.lines), rate(m.branches_hit, m.branches));
        fputs("              <lines>\n", out);
        write_lines(out, "                ", list, from, to, in->func);
        fputs("              </lines>\n            </method>\n", out);
    }
    fputs("          </methods>\n          <lines>\n", out);
    write_lines(out, "            ", list, from, to, NULL);
    fputs("          </lines>\n        </class>\n", out);
}

static size_t dir_length(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) : 0;
}

bool bb_cov_write_cobertura(const bb_cov_analysis *a, FILE *out)
{
    int n;
    const bb_cov_insn **list = bb_cov_by_line(a, &n);
    if (!list) return false;
    tally total = {0, 0, 0, 0};
    for (int i = 0; i < n;) {
        int end = i;
        while (end < n && list[end]->file == list[i]->file)
            end++;
        tally t = write_lines(NULL, "", list, i, end, NULL);
        total.lines += t.lines;
        total.lines_hit += t.lines_hit;
        total.branches += t.branches;
        total.branches_hit += t.branches_hit;
        i = end;
    }
    fputs("<?xml version=\"1.0\" ?>\n"
          "<!DOCTYPE coverage SYSTEM \"http://cobertura.sourceforge.net/xml/coverage-04.dtd\">\n",
          out);
    fprintf(out,
            "<coverage line-rate=\"%.4f\" branch-rate=\"%.4f\" lines-covered=\"%d\" "
            "lines-valid=\"%d\" branches-covered=\"%d\" branches-valid=\"%d\" complexity=\"0\" "
            "version=\"brassboard\" timestamp=\"%lld\">\n",
            rate(total.lines_hit, total.lines), rate(total.branches_hit, total.branches),
            total.lines_hit, total.lines, total.branches_hit, total.branches,
            (long long)time(NULL) * 1000);
    fputs("  <sources>\n    <source>/</source>\n  </sources>\n  <packages>\n", out);
    /* Files are sorted by index, not by directory: a package is a run of files of one
     * directory, and a directory may come back as a second package of the same name. */
    for (int i = 0; i < n;) {
        const char *dir = a->lines->files[list[i]->file];
        size_t dir_len = dir_length(dir);
        int end = i;
        while (end < n) {
            const char *p = a->lines->files[list[end]->file];
            if (dir_length(p) != dir_len || strncmp(p, dir, dir_len) != 0) break;
            end++;
        }
        tally t = write_lines(NULL, "", list, i, end, NULL);
        char name[4096];
        snprintf(name, sizeof(name), "%.*s", (int)dir_len, dir);
        for (char *c = name; *c; c++)
            if (*c == '/') *c = '.';
        fputs("    <package name=\"", out);
        write_escaped(out, name[0] == '.' ? name + 1 : name);
        fprintf(out,
                "\" line-rate=\"%.4f\" branch-rate=\"%.4f\" complexity=\"0\">\n      <classes>\n",
                rate(t.lines_hit, t.lines), rate(t.branches_hit, t.branches));
        for (int k = i; k < end;) {
            int file_end = k;
            while (file_end < end && list[file_end]->file == list[k]->file)
                file_end++;
            write_class(a, out, list, k, file_end);
            k = file_end;
        }
        fputs("      </classes>\n    </package>\n", out);
        i = end;
    }
    fputs("  </packages>\n</coverage>\n", out);
    free(list);
    return !ferror(out);
}
