/*
 * rw: reads and writes of every width through a route to the fake SerialICE target, and
 * its simulated peripheral (a counter, an ID register, a doubler). Every value printed is
 * checked against what the target must hold; the access log of the run is checked too.
 */
#include <stdio.h>

#include "fake_map.h"

static unsigned long u(uint32_t v)
{
    return (unsigned long)v;
}

int main(void)
{
    const uint32_t rf = FAKE_REGFILE(FAKE_BASE);
    printf("bridge rw test\n");

    R32(rf + 0) = 0x11223344u;
    R32(rf + 4) = 0xa5a5f00fu;
    uint32_t w0 = R32(rf + 0), w1 = R32(rf + 4);
    printf("words     0x%08lx 0x%08lx\n", u(w0), u(w1));

    uint32_t b0 = R8(rf + 0), b1 = R8(rf + 1), b2 = R8(rf + 2), b3 = R8(rf + 3);
    printf("bytes     %02lx %02lx %02lx %02lx\n", u(b0), u(b1), u(b2), u(b3));

    R16(rf + 8) = 0xbeefu;
    R16(rf + 10) = 0xdeadu;
    uint32_t h0 = R16(rf + 8), h1 = R16(rf + 10), hw = R32(rf + 8);
    printf("halves    0x%04lx 0x%04lx word 0x%08lx\n", u(h0), u(h1), u(hw));

    R8(rf + 12) = 0x01u;
    R8(rf + 13) = 0x02u;
    R8(rf + 14) = 0x03u;
    R8(rf + 15) = 0x04u;
    uint32_t bw = R32(rf + 12);
    printf("byte-built word 0x%08lx\n", u(bw));

    volatile uint64_t *dw = (volatile uint64_t *)(rf + 16);
    *dw = 0x0123456789abcdefull;
    uint64_t d = *dw;
    printf("doubleword 0x%08lx%08lx\n", u((uint32_t)(d >> 32)), u((uint32_t)d));

    uint32_t id = R32(FAKE_ID(FAKE_BASE));
    printf("id        0x%08lx\n", u(id));
    uint32_t c1 = R32(FAKE_COUNTER(FAKE_BASE));
    uint32_t c2 = R32(FAKE_COUNTER(FAKE_BASE));
    uint32_t c3 = R32(FAKE_COUNTER(FAKE_BASE));
    printf("counter   %lu %lu %lu\n", u(c1), u(c2), u(c3));
    R32(FAKE_DOUBLE(FAKE_BASE)) = 21u;
    uint32_t twice = R32(FAKE_DOUBLE(FAKE_BASE));
    printf("double(21) %lu\n", u(twice));

    uint32_t reads = R32(FAKE_READS(FAKE_BASE));
    uint32_t writes = R32(FAKE_WRITES(FAKE_BASE));
    printf("target saw %lu reads and %lu writes before\n", u(reads), u(writes));
    return 0;
}
