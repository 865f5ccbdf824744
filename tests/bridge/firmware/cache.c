/*
 * cache: the route caches reads of the ID register (cache=0x30000104+4). The target counts
 * the reads it serves (READS), so the firmware sees how many reached it.
 */
#include <stdio.h>

#include "fake_map.h"

static unsigned long u(uint32_t v)
{
    return (unsigned long)v;
}

/* Reads the target served between two READS reads (which count themselves once). */
static uint32_t served_since(uint32_t before)
{
    return R32(FAKE_READS(FAKE_BASE)) - before - 1u;
}

int main(void)
{
    printf("bridge cache test\n");
    uint32_t before = R32(FAKE_READS(FAKE_BASE)), id = 0;
    for (int i = 0; i < 10; i++)
        id |= R32(FAKE_ID(FAKE_BASE));
    printf("ID 0x%08lx read 10 times, the target served %lu\n", u(id), u(served_since(before)));

    before = R32(FAKE_READS(FAKE_BASE));
    uint32_t c1 = R32(FAKE_COUNTER(FAKE_BASE));
    uint32_t c2 = R32(FAKE_COUNTER(FAKE_BASE));
    printf("counter (not cached) %lu %lu, the target served %lu\n", u(c1), u(c2),
           u(served_since(before)));

    /* A write to a cached address drops the cached value: the next read goes out again. */
    R32(FAKE_ID(FAKE_BASE)) = 0u;
    before = R32(FAKE_READS(FAKE_BASE));
    id = R32(FAKE_ID(FAKE_BASE));
    id = R32(FAKE_ID(FAKE_BASE));
    printf("after a write: ID 0x%08lx read twice, the target served %lu\n", u(id),
           u(served_since(before)));
    return 0;
}
