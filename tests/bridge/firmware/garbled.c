/*
 * garbled: a pattern written to the fake target's register file and read back four times
 * while the target garbles and drops bytes of some replies and echoes. The client must
 * resynchronise and retry, so every value read is right. (Only idempotent registers:
 * a retried read or write happens twice on the board.)
 */
#include <stdio.h>

#include "fake_map.h"

int main(void)
{
    printf("bridge garbled-link test\n");
    const uint32_t rf = FAKE_REGFILE(FAKE_BASE);
    for (uint32_t i = 0; i < 64; i++)
        R32(rf + 4u * i) = 0x01010101u * i ^ 0xc0ffee00u;
    unsigned mismatches = 0, checked = 0;
    for (int pass = 0; pass < 4; pass++) {
        for (uint32_t i = 0; i < 64; i++, checked++)
            if (R32(rf + 4u * i) != (0x01010101u * i ^ 0xc0ffee00u)) mismatches++;
        uint32_t id = R32(FAKE_ID(FAKE_BASE));
        if (id != 0x51ce0001u) mismatches++;
        checked++;
    }
    printf("%u values checked, %u wrong\n", checked, mismatches);
    return mismatches != 0;
}
