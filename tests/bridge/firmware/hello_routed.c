/*
 * hello_routed: ordinary firmware for machine A of the two-machine test. Its UART0 range is
 * routed to machine B (which runs serialice_shell), so what it prints comes out of B's
 * UART0, and the PL011 identification it reads is B's.
 */
#include <stdio.h>

#include "fake_map.h"

int main(void)
{
    printf("hello from machine A, through the bridge\n");
    uint32_t id0 = R32(0x101f1fe0u), id1 = R32(0x101f1fe4u);
    uint32_t cell0 = R32(0x101f1ff0u), cell1 = R32(0x101f1ff4u);
    printf("UART0 PeriphID 0x%02lx 0x%02lx PCellID 0x%02lx 0x%02lx\n", (unsigned long)id0,
           (unsigned long)id1, (unsigned long)cell0, (unsigned long)cell1);
    for (int i = 1; i <= 3; i++)
        printf("line %d of 3\n", i);
    return 7;
}
