/*
 * cli.h: the command-line side of coverage, so that cli/main.c only calls:
 *   run options   --coverage FILE, --coverage-format data|lcov|cobertura|drcov|text|json
 *                 (default: from FILE's extension, see coverage/report.h; else data)
 *   commands      brassboard coverage merge A B [...] -o OUT [--coverage-format F]
 *                 brassboard coverage report A [B...] [-o OUT] [--coverage-format F]
 *                                            [--elf IMAGE] [--test-name NAME]
 */
#ifndef BB_COVERAGE_CLI_H
#define BB_COVERAGE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/machine.h"
#include "coverage/data.h"
#include "coverage/recorder.h"
#include "trace/image.h"

typedef struct bb_coverage_cli {
    const char *path;
    const char *format; /* NULL: from the extension */
    bb_image *img;
    bb_cov_data *data;
    bb_coverage *recorder;
} bb_coverage_cli;

/* One option of `run`: returns how many arguments it used (0: not a coverage option), or
 * -1 with a message in err. */
int bb_coverage_cli_option(bb_coverage_cli *c, const char *arg, const char *val, char *err,
                           size_t errlen);
/* After the image is loaded: starts recording. False with a message on bad input. */
bool bb_coverage_cli_start(bb_coverage_cli *c, bb_machine *m, const char *image, char *err,
                           size_t errlen);
/* After the run, on every exit path: writes the coverage file (messages on stderr) and
 * frees everything. Returns false if it could not be written. */
bool bb_coverage_cli_finish(bb_coverage_cli *c);
void bb_coverage_cli_usage(FILE *out);

/* `brassboard coverage ARGS...`: returns the exit status. */
int bb_coverage_cli_command(int argc, char **argv);

#endif
