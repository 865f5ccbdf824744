/*
 * cli.c: coverage options of `brassboard run` and the `brassboard coverage` command.
 */
#include "coverage/cli.h"

#include <stdlib.h>
#include <string.h>

#include "coverage/report.h"

int bb_coverage_cli_option(bb_coverage_cli *c, const char *arg, const char *val, char *err,
                           size_t errlen)
{
    bool path = strcmp(arg, "--coverage") == 0, format = strcmp(arg, "--coverage-format") == 0;
    if (!path && !format) return 0;
    if (!val) {
        snprintf(err, errlen, "option %s needs a value", arg);
        return -1;
    }
    bb_cov_format f;
    if (format && !bb_cov_format_parse(val, &f)) {
        snprintf(err, errlen,
                 "--coverage-format '%s': expected data, lcov, cobertura, drcov, text or json",
                 val);
        return -1;
    }
    if (path)
        c->path = val;
    else
        c->format = val;
    return 2;
}

void bb_coverage_cli_usage(FILE *out)
{
    fprintf(out, "  --coverage FILE        record object coverage into FILE (docs/coverage.md)\n"
                 "  --coverage-format F    data, lcov, cobertura, drcov, text or json (default:\n"
                 "                         from FILE's extension: .bbcov .info .xml .drcov .txt\n"
                 "                         .json; anything else is data)\n");
}

static bb_cov_format format_of(const char *format, const char *path)
{
    bb_cov_format f;
    if (format && bb_cov_format_parse(format, &f)) return f;
    return bb_cov_format_from_path(path);
}

bool bb_coverage_cli_start(bb_coverage_cli *c, bb_machine *m, const char *image, char *err,
                           size_t errlen)
{
    if (!c->path) {
        if (c->format) snprintf(err, errlen, "--coverage-format needs --coverage FILE");
        return !c->format;
    }
    if (!image) {
        snprintf(err, errlen, "--coverage needs an ELF image");
        return false;
    }
    c->img = bb_image_load(image, err, errlen);
    if (!c->img) return false;
    c->data = bb_cov_data_new(c->img);
    if (c->data)
        c->recorder = bb_coverage_start(m, c->data, err, errlen);
    else
        snprintf(err, errlen, "out of memory");
    if (!c->recorder) {
        bb_cov_data_free(c->data);
        bb_image_free(c->img);
        c->data = NULL;
        c->img = NULL;
        return false;
    }
    return true;
}

bool bb_coverage_cli_finish(bb_coverage_cli *c)
{
    if (!c->recorder) return true;
    bb_coverage_stop(c->recorder);
    char err[512];
    bool ok = bb_cov_write(c->data, c->img, format_of(c->format, c->path), c->path, NULL, err,
                           sizeof(err));
    if (!ok) fprintf(stderr, "brassboard: --coverage: %s\n", err);
    bb_cov_data_free(c->data);
    bb_image_free(c->img);
    c->recorder = NULL;
    c->data = NULL;
    c->img = NULL;
    return ok;
}

/* ---- brassboard coverage merge|report ---- */

static int usage(void)
{
    fprintf(stderr, "usage: brassboard coverage merge A B [...] -o OUT [--coverage-format F]\n"
                    "       brassboard coverage report A [B...] [-o OUT] [--coverage-format F]\n"
                    "                                  [--elf IMAGE] [--test-name NAME]\n");
    return 2;
}

static int fail(const char *err)
{
    fprintf(stderr, "brassboard: %s\n", err);
    return 2;
}

int bb_coverage_cli_command(int argc, char **argv)
{
    if (argc < 1) return usage();
    bool merge = strcmp(argv[0], "merge") == 0;
    if (!merge && strcmp(argv[0], "report") != 0) return usage();
    const char *out = NULL, *format = NULL, *elf = NULL, *test_name = NULL;
    const char **inputs = calloc((size_t)argc, sizeof(*inputs));
    int n_inputs = 0;
    if (!inputs) return fail("out of memory");
    for (int i = 1; i < argc; i++) {
        const char *opts[] = {"-o", "--coverage-format", "--elf", "--test-name"};
        const char **vals[] = {&out, &format, &elf, &test_name};
        int which = -1;
        for (int k = 0; k < 4; k++)
            if (strcmp(argv[i], opts[k]) == 0) which = k;
        if (which < 0) {
            inputs[n_inputs++] = argv[i];
            continue;
        }
        if (i + 1 == argc) {
            free(inputs);
            return usage();
        }
        *vals[which] = argv[++i];
    }
    bb_cov_format f = BB_COV_FORMAT_TEXT;
    if ((merge && (!out || n_inputs < 2)) || n_inputs < 1 ||
        (format && !bb_cov_format_parse(format, &f))) {
        free(inputs);
        return usage();
    }
    if (!format) f = out ? bb_cov_format_from_path(out) : BB_COV_FORMAT_TEXT;
    char err[512];
    bb_cov_data *sum = bb_cov_data_read(inputs[0], err, sizeof(err));
    for (int i = 1; sum && i < n_inputs; i++) {
        bb_cov_data *more = bb_cov_data_read(inputs[i], err, sizeof(err));
        bool ok = more && bb_cov_data_merge(sum, more, err, sizeof(err));
        bb_cov_data_free(more);
        if (!ok) {
            bb_cov_data_free(sum);
            sum = NULL;
        }
    }
    free(inputs);
    if (!sum) return fail(err);
    bb_image *img = NULL;
    if (elf && !(img = bb_image_load(elf, err, sizeof(err)))) {
        bb_cov_data_free(sum);
        return fail(err);
    }
    bool ok = bb_cov_write(sum, img, f, out ? out : "/dev/stdout", test_name, err, sizeof(err));
    bb_cov_data_free(sum);
    bb_image_free(img);
    return ok ? 0 : fail(err);
}
