/*
 * host_main.c: the program on the host, input from stdin (built with gcc --coverage).
 */
#include <stdio.h>

#include "program.h"

int next_input(void)
{
    int c = getchar();
    return c == EOF ? -1 : c;
}

void report(const char *what, int value)
{
    printf("%s %d\n", what, value);
}

int main(void)
{
    return program();
}
