/*
 * multi: three routes at once. 0x30000000 and 0x40000000 go to one fake target (one shared
 * connection), 0x101f2000 (UART1, whose PL011 model the route replaces) to a second one
 * whose peripheral sits there.
 */
#include <stdio.h>

#include "fake_map.h"

#define SECOND_BASE 0x101f2000u /* the second target's peripheral, over UART1 */
#define SPARSE      0x40000000u /* plain memory of the first target */

static unsigned long u(uint32_t v)
{
    return (unsigned long)v;
}

int main(void)
{
    printf("bridge multi test\n");
    R32(FAKE_REGFILE(FAKE_BASE)) = 0xaaaa0001u;
    R32(FAKE_REGFILE(SECOND_BASE)) = 0xbbbb0002u;
    R32(SPARSE + 0x10) = 0xcccc0003u;
    uint32_t a = R32(FAKE_REGFILE(FAKE_BASE));
    uint32_t b = R32(FAKE_REGFILE(SECOND_BASE));
    uint32_t c = R32(SPARSE + 0x10);
    printf("first 0x%08lx second 0x%08lx sparse 0x%08lx\n", u(a), u(b), u(c));
    /* The PL011 model would answer 0x11 (its PeriphID0); the second target has plain
     * memory there. */
    uint32_t periph_id0 = R32(SECOND_BASE + 0xfe0u);
    printf("uart1 PeriphID0 0x%02lx (the model is replaced)\n", u(periph_id0));
    uint32_t id1 = R32(FAKE_ID(FAKE_BASE)), id2 = R32(FAKE_ID(SECOND_BASE));
    printf("ids 0x%08lx 0x%08lx\n", u(id1), u(id2));
    /* Writes through both routes of the first target reached the same board. */
    uint32_t w1 = R32(FAKE_WRITES(FAKE_BASE)), w2 = R32(FAKE_WRITES(SECOND_BASE));
    printf("writes seen: first target %lu, second target %lu\n", u(w1), u(w2));
    return 0;
}
