/*
 * unmapped_phys (vexpress-a9): physical addresses where the Versatile Express A9 has
 * nothing, MMU off: the holes of its legacy memory map. As on the Versatile PB (the
 * foundation's unmapped_phys), QEMU 7.2 reads them as zero and ignores writes, without a
 * data abort, and brassboard must do the same. The addresses differ from the foundation's:
 * 0x80000000 is RAM here (brassboard's board has 1 GiB from 0x60000000); what lies past
 * the RAM of both (QEMU runs with 128 MiB) is probed at 0xa0000000 instead.
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

/* Word, halfword and byte reads, writes of each size, and the word read back. */
static void probe(uint32_t address)
{
    volatile uint32_t *word = (volatile uint32_t *)address;
    volatile uint16_t *half = (volatile uint16_t *)(address + 2);
    volatile uint8_t *byte = (volatile uint8_t *)(address + 1);
    aborts = 0;
    uint32_t read[3] = {*word, *half, *byte};
    *word = 0x12345678u;
    *half = 0xabcdu;
    *byte = 0xefu;
    printf("0x%08lx: reads 0x%08lx 0x%04lx 0x%02lx, after writes 0x%08lx, aborts %lu\n",
           (unsigned long)address, (unsigned long)read[0], (unsigned long)read[1],
           (unsigned long)read[2], (unsigned long)*word, (unsigned long)aborts);
}

int main(void)
{
    static const uint32_t holes[] = {
        0x08000000u,              /* past the 64 MiB window on RAM at 0 */
        0x0ffffff0u,              /* the last word below the motherboard's peripherals */
        0x20000000u, 0x30000000u, /* between the peripherals and the static memories */
        0xa0000000u,              /* past the RAM */
        0xc0000000u, 0xfffffff0u, /* the top of the address space */
    };
    printf("unmapped_phys test (vexpress-a9), MMU %s\n",
           cp15_control() & CP15_CONTROL_M ? "on" : "off");
    fw_set_handler(FW_DATA_ABORT, on_data_abort);
    for (unsigned i = 0; i < sizeof holes / sizeof holes[0]; i++)
        probe(holes[i]);
    printf("done\n");
    return 0;
}
