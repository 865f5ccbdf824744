/*
 * filter_routed: firmware for machine A of the Lua filter tests. Its range 0x30000000 is
 * routed to machine B (the SerialICE shell, with a Lua device at 0x30000000 that logs
 * every access it gets), through tests/bridge/filter.lua, which answers some accesses
 * from a Lua model, alters values and addresses, and sends some to A's own bus. What is
 * printed is what the filter makes the guest see; B's log shows what reached B.
 */
#include <stdio.h>

#include "fake_map.h"

#define BASE 0x30000000u

static unsigned long u(uint32_t v)
{
    return (unsigned long)v;
}

int main(void)
{
    printf("bridge filter test\n");
    /* Answered by the filter's model: B's device would say 0xb0b0b0b0. */
    uint32_t id = R32(BASE + 0x10u);
    printf("id          0x%08lx\n", u(id));
    /* The filter doubles this write on its way to B; the read comes back from B. */
    R32(BASE + 0x20u) = 21u;
    printf("doubled     %lu\n", u(R32(BASE + 0x20u)));
    /* A plain write; the filter adds 0x1000 to what B answers for the read. */
    R32(BASE + 0x24u) = 0x100u;
    printf("read+0x1000 0x%08lx\n", u(R32(BASE + 0x24u)));
    /* The filter moves accesses at 0x30 to 0x34. */
    R32(BASE + 0x30u) = 0xcafeu;
    uint32_t at34 = R32(BASE + 0x34u), at30 = R32(BASE + 0x30u);
    printf("moved       0x34: 0x%08lx 0x30: 0x%08lx\n", u(at34), u(at30));
    /* The filter sends bytes written at 0x40 to A's own UART0 data register. */
    for (const char *s = "through A's bus\n"; *s; s++)
        R8(BASE + 0x40u) = (uint8_t)*s;
    /* A model with state: it keeps what is written at 0x50 and reads back six times it. */
    R32(BASE + 0x50u) = 7u;
    printf("model       %lu\n", u(R32(BASE + 0x50u)));
    /* A halfword read that the filter widens to a word read of 0x24 (B sees an R4). */
    printf("widened     0x%04lx\n", u(R16(BASE + 0x60u)));
    printf("B's id      0x%08lx\n", u(R32(BASE + 0x14u)));
    return 0;
}
