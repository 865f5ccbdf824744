/*
 * program.c: a small program with known control flow. What runs depends on the input:
 * digits, lower-case letters, other characters; the tests run it on different inputs and
 * check which lines and branch outcomes coverage reports.
 */
#include "program.h"

static int classify(int c)
{
    if (c >= '0' && c <= '9') return 1;
    if (c >= 'a' && c <= 'z') return 2;
    return 0;
}

static int checksum(const int *counts, int n)
{
    int sum = 0;
    for (int i = 0; i < n; i++)
        sum = sum * 31 + counts[i];
    return sum;
}

/* Called with a count, which is never negative: its branch has one outcome. */
static int non_negative(int n)
{
    if (n < 0) /* ONE_SIDED */
        return 0;
    return 1;
}

int program(void)
{
    int counts[3] = {0, 0, 0};
    int c;
    while ((c = next_input()) >= 0)
        counts[classify(c)]++;
    if (counts[1] > counts[2]) {
        report("digits win", counts[1]);
    } else if (counts[2] > counts[1]) {
        report("letters win", counts[2]);
    } else {
        report("tie", counts[0]);
    }
    if (!non_negative(counts[0])) report("impossible", 0);
    report("checksum", checksum(counts, 3));
    return 0;
}
