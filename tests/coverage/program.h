/*
 * program.h: the code whose coverage the tests measure, built both for the host (with
 * gcc --coverage, so gcov gives the truth) and as ARM firmware. Its only contact with the
 * world: next_input() gives the next input byte (-1 at the end), report() prints a line.
 */
#ifndef COVERAGE_PROGRAM_H
#define COVERAGE_PROGRAM_H

int next_input(void);
void report(const char *what, int value);
int program(void);

#endif
