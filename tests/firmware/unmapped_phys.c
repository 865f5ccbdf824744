/*
 * unmapped_phys: accesses to physical addresses where the Versatile PB has nothing (MMU
 * off). On QEMU 7.2's versatilepb they read as zero and writes are ignored, without a
 * data abort (QEMU logs them as rejected under -d guest_errors); brassboard must do the
 * same (docs/decisions.md). A data abort here is reported, not fatal.
 */
#include <stdint.h>
#include <stdio.h>

#include "common/cp15.h"
#include "common/exceptions.h"

static volatile uint32_t aborts;

static void on_data_abort(fw_frame *frame)
{
    aborts++;
    fw_skip_instruction(frame);
}

static void probe(uint32_t address)
{
    aborts = 0;
    uint32_t word = *(volatile uint32_t *)address;
    uint32_t half = *(volatile uint16_t *)(address + 2);
    uint32_t byte = *(volatile uint8_t *)(address + 1);
    *(volatile uint32_t *)address = 0x12345678u;
    *(volatile uint16_t *)(address + 2) = 0xabcdu;
    *(volatile uint8_t *)(address + 1) = 0xefu;
    uint32_t after = *(volatile uint32_t *)address;
    printf("0x%08lx: word 0x%08lx half 0x%04lx byte 0x%02lx, after writes 0x%08lx, aborts %lu\n",
           (unsigned long)address, (unsigned long)word, (unsigned long)half, (unsigned long)byte,
           (unsigned long)after, (unsigned long)aborts);
}

int main(void)
{
    static const uint32_t addresses[] = {
        0x08000000u, /* just past the 128 MiB of RAM */
        0x0ffffff0u, /* the last word below the devices */
        0x20000000u, 0x80000000u, 0xc0000000u,
        0xf0000000u, 0xfffffff0u, /* the top of the address space */
    };
    printf("unmapped_phys test, MMU %s\n", cp15_control() & CP15_CONTROL_M ? "on" : "off");
    fw_set_handler(FW_DATA_ABORT, on_data_abort);
    for (unsigned i = 0; i < sizeof addresses / sizeof addresses[0]; i++)
        probe(addresses[i]);
    printf("done\n");
    return 0;
}
