/*
 * sdps.h: a polled driver for the Zynq's SD/SDIO controller (an SD Host Controller
 * Standard, version 2.0, controller; SDIO0 at 0xE0100000) and the SD memory card in its
 * slot, in the manner of the standalone BSP's: card identification and selection, then
 * reads of 512-byte blocks through the buffer data port (no DMA).
 */
#ifndef SDPS_H
#define SDPS_H

#include "xil_io.h"

typedef struct SdPs {
    UINTPTR base;
    u32 rca;           /* relative card address (CMD3), in bits 31:16 */
    u32 high_capacity; /* SDHC: block addresses (else byte addresses) */
    u32 capacity_kib;  /* from the CSD */
    u32 if_cond;       /* CMD8's echo: voltage and check pattern */
    u32 status;        /* the last error: the error interrupt status, or a timeout */
} SdPs;

/* Errors of the functions below (0: success). */
#define SDPS_ERROR_NO_CARD 1
#define SDPS_ERROR_TIMEOUT 2
#define SDPS_ERROR_COMMAND 3
#define SDPS_ERROR_CARD    4

/* Resets the controller, powers the card at 3.3 V with a 400 kHz clock and takes it
 * through identification (CMD0, CMD8, ACMD41, CMD2, CMD3), reads its CSD (CMD9), selects
 * it (CMD7) and sets 512-byte blocks (CMD16); then raises the clock to 25 MHz. */
int SdPs_CardInitialize(SdPs *sd, UINTPTR base);

/* Reads `count` blocks from block `block` into buf (512 * count bytes, word aligned):
 * CMD17 for one block, CMD18 with auto CMD12 for more. */
int SdPs_ReadPolled(SdPs *sd, u32 block, u32 count, u8 *buf);

#endif
