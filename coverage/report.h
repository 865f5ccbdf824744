/*
 * report.h: writing coverage in the formats tools read:
 *   data       the .bbcov coverage file (mergeable; docs/coverage.md)
 *   lcov       lcov tracefile (.info) for genhtml: FN/FNDA from ELF symbols, DA per source
 *              line from the DWARF line table, BRDA per conditional branch
 *   cobertura  Cobertura XML (.xml) for CI dashboards
 *   drcov      drcov version 2 (.drcov) for Lighthouse and other disassembler plugins
 *   text, json the object-coverage report (.txt, .json): by function, the instructions never
 *              executed and the conditional branches with an outcome never seen
 */
#ifndef BB_COVERAGE_REPORT_H
#define BB_COVERAGE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "coverage/analysis.h"
#include "coverage/data.h"

typedef enum bb_cov_format {
    BB_COV_FORMAT_DATA,
    BB_COV_FORMAT_LCOV,
    BB_COV_FORMAT_COBERTURA,
    BB_COV_FORMAT_DRCOV,
    BB_COV_FORMAT_TEXT,
    BB_COV_FORMAT_JSON,
} bb_cov_format;

/* A format by name ("data", "lcov", "cobertura", "drcov", "text", "json"). */
bool bb_cov_format_parse(const char *name, bb_cov_format *out);
/* The format a file name's extension asks for (data when none matches). */
bb_cov_format bb_cov_format_from_path(const char *path);

/* Writes coverage to path in a format. `img` is the image the data is of (NULL: read the
 * one the data names). `test_name` names the run in lcov (TN:), may be NULL. */
bool bb_cov_write(const bb_cov_data *d, const bb_image *img, bb_cov_format format, const char *path,
                  const char *test_name, char *err, size_t errlen);

/* The writers, on an analysis (report_*.c). They return false on a write error. */
bool bb_cov_write_lcov(const bb_cov_analysis *a, FILE *out, const char *test_name);
bool bb_cov_write_cobertura(const bb_cov_analysis *a, FILE *out);
bool bb_cov_write_drcov(const bb_cov_analysis *a, FILE *out);
bool bb_cov_write_text(const bb_cov_analysis *a, FILE *out);
bool bb_cov_write_json(const bb_cov_analysis *a, FILE *out);

/* For the writers of source-level formats: the instructions that have a source line in a
 * file that can be read here (genhtml shows the source; a C library's sources built
 * elsewhere are not), ordered by file, line and address (an array of pointers into the
 * analysis, to free). */
const bb_cov_insn **bb_cov_by_line(const bb_cov_analysis *a, int *n);

#endif
