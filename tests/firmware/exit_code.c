/*
 * exit_code: the guest's exit code reaches the host's exit status. main returns 42;
 * newlib's exit runs the atexit handlers and flushes stdout, then _exit passes 42 with
 * semihosting SYS_EXIT_EXTENDED.
 */
#include <stdio.h>
#include <stdlib.h>

static void say_goodbye(void)
{
    printf(", then the atexit handler ran\n");
}

int main(void)
{
    atexit(say_goodbye);
    printf("exiting with 42\n");
    printf("this line has no newline when main returns"); /* exit flushes it */
    return 42;
}
