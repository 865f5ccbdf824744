/*
 * sram.h: finding the on-board RAM outside system memory (sram.c), where boot code can
 * live without being overwritten by the operating system.
 */
#ifndef BB_SRAM_H
#define BB_SRAM_H

#include <stdbool.h>
#include <stdint.h>

typedef struct bb_machine bb_machine;

/* The first such RAM of the machine. False when there is none. */
bool bb_sram_region(bb_machine *m, uint64_t *base, uint64_t *size);

#endif
