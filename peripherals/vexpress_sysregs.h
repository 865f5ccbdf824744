/*
 * vexpress_sysregs.h: what boot code needs from the Versatile Express system registers
 * (vexpress_sysregs.c): where the flags register is, which releases secondary CPUs from
 * the boot monitor's pen.
 */
#ifndef BB_VEXPRESS_SYSREGS_H
#define BB_VEXPRESS_SYSREGS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct bb_machine bb_machine;

/* The physical address of SYS_FLAGS (SYS_FLAGSSET) of the machine's system registers.
 * False when the machine has none. */
bool bb_vexpress_flags_address(bb_machine *m, uint64_t *addr);

#endif
