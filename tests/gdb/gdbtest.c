/*
 * gdbtest.c: the firmware the gdb tests debug (built in ARM and in Thumb, -O0 -g).
 *
 * Without a debugger it prints "result 141" and exits with 141. The tests change that
 * result from gdb: writing `input` (memory), r0 in leaf() (a register), or the PC at
 * choose() (jumping to alternative()). touch() makes the accesses the watchpoints watch,
 * and with `spin` set main() loops in busy() until gdb sets `release` (Ctrl-C, detach and
 * attach again).
 */
#include <stdint.h>

#include "common/uart.h"

volatile uint32_t input = 6; /* outer(6) = 41 */
volatile uint32_t wvar;      /* written twice by touch() */
volatile uint32_t rvar = 7;  /* read by touch() */
volatile uint16_t avar[2];   /* avar[1] written by touch() */
volatile uint32_t spin;
volatile uint32_t release;
volatile uint32_t counter;

__attribute__((noinline)) uint32_t leaf(uint32_t x)
{
    return x * 3 + 1;
}

__attribute__((noinline)) uint32_t middle(uint32_t x)
{
    uint32_t r = leaf(x + 1);
    return r + 2;
}

__attribute__((noinline)) uint32_t outer(uint32_t x)
{
    return middle(x * 2) - 1;
}

__attribute__((noinline)) uint32_t choose(void)
{
    return 1;
}

__attribute__((noinline)) uint32_t alternative(void)
{
    return 2;
}

__attribute__((noinline)) void touch(void)
{
    wvar = 0x11;
    uint32_t t = rvar;
    avar[1] = (uint16_t)(t + 1);
    wvar = t + 0x20;
}

__attribute__((noinline)) void busy(void)
{
    while (!release)
        counter++;
}

int main(void)
{
    uint32_t r = outer(input);
    touch();
    r += choose() * 100;
    if (spin) busy();
    uart_puts("result ");
    uart_put_dec(r);
    uart_puts("\n");
    return (int)(r & 0xff);
}
