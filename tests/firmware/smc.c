/*
 * smc: self-modifying code. Code written into RAM is run, rewritten and run again, in a
 * loop (so the first version is translated and chained before it changes); a function is
 * patched while it sits on the same page as live data. The results prove that stale
 * translations are never run.
 */
#include <stdint.h>
#include <stdio.h>

#include "common/cp15.h"
#include "common/uart.h"

typedef int (*ret_fn)(int);

/* ARM code: "add r0, r0, #imm; bx lr", built in a RAM buffer. */
static uint32_t code[64] __attribute__((aligned(4096)));
static volatile uint32_t data_beside_code[16];

static uint32_t add_imm(unsigned imm)
{
    return 0xe2800000u | (imm & 0xff);
}

static void write_function(unsigned slot, unsigned imm)
{
    code[slot * 2] = add_imm(imm);
    code[slot * 2 + 1] = 0xe12fff1eu; /* bx lr */
    /* The ARM926 has no coherent I-cache: a real board needs the cache cleaned and the
     * I-cache invalidated before running new code. */
    cp15_flush_caches();
}

static int call(unsigned slot, int arg)
{
    ret_fn fn = (ret_fn)(uintptr_t)&code[slot * 2];
    return fn(arg);
}

int main(void)
{
    int total = 0;
    for (unsigned round = 1; round <= 20; round++) {
        write_function(0, round);
        for (int i = 0; i < 5; i++)
            total = call(0, total); /* adds `round` five times */
    }
    printf("rewritten 20 times: total %d (expect 1050)\n", total);

    /* Data stores on the code's page must not disturb it. */
    write_function(1, 7);
    int sum = 0;
    for (int i = 0; i < 100; i++) {
        data_beside_code[i & 15] = (uint32_t)i;
        sum = call(1, sum);
    }
    printf("code beside data: %d (expect 700)\n", sum);

    /* A function that patches the instruction it will run next. */
    write_function(2, 1);
    int before = call(2, 0);
    code[4] = add_imm(100);
    int after = call(2, 0);
    printf("patched: %d then %d\n", before, after);
    return 0;
}
