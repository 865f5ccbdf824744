/*
 * report.c: choosing a coverage format and writing it (report.h).
 */
#include "coverage/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    bb_cov_format format;
    const char *extensions[3];
} formats[] = {
    {"data", BB_COV_FORMAT_DATA, {".bbcov", NULL}},
    {"lcov", BB_COV_FORMAT_LCOV, {".info", ".lcov", NULL}},
    {"cobertura", BB_COV_FORMAT_COBERTURA, {".xml", NULL}},
    {"drcov", BB_COV_FORMAT_DRCOV, {".drcov", ".log", NULL}},
    {"text", BB_COV_FORMAT_TEXT, {".txt", NULL}},
    {"json", BB_COV_FORMAT_JSON, {".json", NULL}},
};
#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

bool bb_cov_format_parse(const char *name, bb_cov_format *out)
{
    for (size_t i = 0; i < N_FORMATS; i++)
        if (strcmp(formats[i].name, name) == 0) {
            *out = formats[i].format;
            return true;
        }
    return false;
}

bb_cov_format bb_cov_format_from_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot) return BB_COV_FORMAT_DATA;
    for (size_t i = 0; i < N_FORMATS; i++)
        for (int k = 0; formats[i].extensions[k]; k++)
            if (strcmp(dot, formats[i].extensions[k]) == 0) return formats[i].format;
    return BB_COV_FORMAT_DATA;
}

static int by_line(const void *a, const void *b)
{
    const bb_cov_insn *x = *(const bb_cov_insn *const *)a, *y = *(const bb_cov_insn *const *)b;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

const bb_cov_insn **bb_cov_by_line(const bb_cov_analysis *a, int *n)
{
    const bb_cov_insn **list = malloc(sizeof(*list) * (size_t)(a->n_insns + 1));
    *n = 0;
    if (!list) return NULL;
    for (int i = 0; i < a->n_insns; i++)
        if (a->insns[i].file >= 0 && a->readable[a->insns[i].file]) list[(*n)++] = &a->insns[i];
    qsort(list, (size_t)*n, sizeof(*list), by_line);
    return list;
}

bool bb_cov_write(const bb_cov_data *d, const bb_image *img, bb_cov_format format, const char *path,
                  const char *test_name, char *err, size_t errlen)
{
    if (format == BB_COV_FORMAT_DATA) return bb_cov_data_write(d, path, err, errlen);
    bb_image *loaded = NULL;
    if (!img) {
        img = loaded = bb_image_load(d->image, err, errlen);
        if (!img) return false;
    }
    if (img->identity != d->identity) {
        snprintf(err, errlen, "%s: not the image the coverage was recorded on", img->path);
        bb_image_free(loaded);
        return false;
    }
    bb_cov_analysis *a = bb_cov_analyze(img, d, err, errlen);
    FILE *out = a ? fopen(path, format == BB_COV_FORMAT_DRCOV ? "wb" : "w") : NULL;
    bool ok = out != NULL;
    if (a && !out) snprintf(err, errlen, "%s: %s", path, strerror(errno));
    if (out) {
        switch (format) {
        case BB_COV_FORMAT_LCOV: ok = bb_cov_write_lcov(a, out, test_name); break;
        case BB_COV_FORMAT_COBERTURA: ok = bb_cov_write_cobertura(a, out); break;
        case BB_COV_FORMAT_DRCOV: ok = bb_cov_write_drcov(a, out); break;
        case BB_COV_FORMAT_TEXT: ok = bb_cov_write_text(a, out); break;
        default: ok = bb_cov_write_json(a, out); break;
        }
        if (fclose(out) != 0) ok = false;
        if (!ok) snprintf(err, errlen, "%s: could not be written", path);
    }
    bb_cov_analysis_free(a);
    bb_image_free(loaded);
    return ok;
}
