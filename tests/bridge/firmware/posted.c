/*
 * posted: a route with post-writes. 64 writes go out without waiting for the board; the
 * reads after them must see all of them, in order (the target counts its writes).
 */
#include <stdio.h>

#include "fake_map.h"

static unsigned long u(uint32_t v)
{
    return (unsigned long)v;
}

int main(void)
{
    printf("bridge posted-writes test\n");
    uint32_t before = R32(FAKE_WRITES(FAKE_BASE));
    for (uint32_t i = 0; i < 64; i++)
        R32(FAKE_REGFILE(FAKE_BASE) + 4u * i) = 3u * i + 1u;
    /* The same word written twice: the later value must win. */
    R32(FAKE_REGFILE(FAKE_BASE)) = 0x5555aaaau;
    uint32_t after = R32(FAKE_WRITES(FAKE_BASE));
    uint32_t first = R32(FAKE_REGFILE(FAKE_BASE)), tenth = R32(FAKE_REGFILE(FAKE_BASE) + 40u);
    uint32_t last = R32(FAKE_REGFILE(FAKE_BASE) + 252u);
    printf("the target saw %lu writes; word 0 0x%08lx, word 10 %lu, word 63 %lu\n",
           u(after - before), u(first), u(tenth), u(last));
    uint32_t sum = 0;
    for (uint32_t i = 1; i < 64; i++)
        sum += R32(FAKE_REGFILE(FAKE_BASE) + 4u * i);
    printf("sum of words 1-63: %lu\n", u(sum));
    return 0;
}
