/*
 * arm_main.c: the program as Versatile PB firmware (tests/firmware/common start-up and
 * newlib): input from the host's stdin through semihosting SYS_READC, output on UART0.
 */
#include <stdio.h>

#include "program.h"

#define SYS_READC 0x07

static int semihosting(int op, void *arg)
{
    register int r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;
#ifdef __thumb__
    __asm__ volatile("svc 0xab" : "+r"(r0) : "r"(r1) : "memory");
#else
    __asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
#endif
    return r0;
}

int next_input(void)
{
    int c = semihosting(SYS_READC, 0);
    return c < 0 ? -1 : c;
}

void report(const char *what, int value)
{
    printf("%s %d\n", what, value);
}

int main(void)
{
    return program();
}
