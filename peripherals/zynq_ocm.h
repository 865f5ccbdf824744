/*
 * zynq_ocm.h: what the Zynq SLCR model (zynq_slcr.c) asks the on-chip memory model
 * (zynq_ocm.c): moving the OCM's 64 KiB blocks between the low and the high address
 * range (SLCR OCM_CFG), and where the boot ROM's code for the secondary CPUs lives.
 */
#ifndef BB_ZYNQ_OCM_H
#define BB_ZYNQ_OCM_H

#include <stdbool.h>
#include <stdint.h>

typedef struct bb_machine bb_machine;

/* OCM_CFG as the boot ROM leaves it: blocks 0-2 low, block 3 high (bit 4 reads as one). */
#define BB_ZYNQ_OCM_CFG_RESET 0x18u
/* The secondary CPUs' wait loop (reads the start address at BB_ZYNQ_CPU1_START) and the
 * loop where a CPU held in reset by the SLCR waits. */
#define BB_ZYNQ_WAIT_LOOP  0xfffffe00u
#define BB_ZYNQ_HOLD_LOOP  0xfffffe1cu
#define BB_ZYNQ_CPU1_START 0xfffffff0u

/* Maps the OCM as OCM_CFG says: bit n of RAM_HI (bits 3:0) puts block n at
 * 0xFFFC0000 + 64 KiB * n instead of 64 KiB * n, where DDR shows then. Translations and
 * TLBs are discarded when the map changes. False when the machine has no OCM model. */
bool bb_zynq_ocm_map(bb_machine *m, uint32_t ocm_cfg);

#endif
