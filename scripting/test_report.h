/*
 * test_report.h: test results and the two report formats CI systems read: TAP 14 (on
 * stdout, as tests finish; groups are subtests) and JUnit XML (one file at the end).
 */
#ifndef BB_TEST_REPORT_H
#define BB_TEST_REPORT_H

#include <stdbool.h>
#include <stdio.h>

typedef enum bb_result_status {
    BB_RESULT_PASS,
    BB_RESULT_FAIL,  /* a check failed */
    BB_RESULT_ERROR, /* a Lua error, a runaway script or guest */
    BB_RESULT_SKIP,
} bb_result_status;

/* One test's result. Strings are owned by the result (NULL when absent). */
typedef struct bb_test_result {
    char *name;  /* the test's name */
    char *suite; /* the suite file's name and the group path: "uart.lua/echo" */
    char *file;  /* where the test was declared */
    int line;
    bb_result_status status;
    char *message; /* why it failed, errored or was skipped */
    char *where;   /* file:line of the failure */
    char *expected, *seen;
    char *traceback; /* errors */
    char *log;       /* bb.log lines */
    char *output;    /* serial output of the test's machines, when it failed */
    double seconds;
} bb_test_result;

void bb_test_result_clear(bb_test_result *r);

/* TAP 14. depth is the subtest nesting (4 spaces each). */
void bb_tap_version(FILE *out);
void bb_tap_plan(FILE *out, int depth, int count);
void bb_tap_subtest(FILE *out, int depth, const char *name);
void bb_tap_comment(FILE *out, int depth, const char *text);
void bb_tap_result(FILE *out, int depth, int number, const bb_test_result *r);
void bb_tap_group(FILE *out, int depth, int number, const char *name, bool ok, const char *skip);
void bb_tap_bail_out(FILE *out, const char *why);

/* Writes a JUnit XML file: one <testsuite> per suite path (in order of appearance).
 * Returns false with a message when the file cannot be written. */
bool bb_junit_write(const char *path, const char *name, const bb_test_result *results, int n,
                    double seconds, char *err, size_t errlen);

#endif
