/*
 * test_util.h: the checks the C tests share. CHECK(cond) and CHECK_EQ(got, want) print
 * the failing line and count it in `failures`, which the test's main turns into its exit
 * status. Included by one source file per test executable.
 */
#ifndef BB_TEST_UTIL_H
#define BB_TEST_UTIL_H

#include <stdio.h>

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                                 \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* Both sides compared (and printed) as unsigned long long. */
#define CHECK_EQ(got, want)                                                                        \
    do {                                                                                           \
        unsigned long long got_ = (got), want_ = (want);                                           \
        if (got_ != want_) {                                                                       \
            printf("FAIL %s:%d: %s is 0x%llx, expected 0x%llx\n", __FILE__, __LINE__, #got, got_,  \
                   want_);                                                                         \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

#endif
