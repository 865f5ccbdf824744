/*
 * pl180.h: what the Versatile Express system registers ask the MMCI model (pl180.c):
 * the state of the card slot, reported in SYS_MCI.
 */
#ifndef BB_PL180_H
#define BB_PL180_H

#include <stdbool.h>

#include "core/device.h"

/* An SD card image is inserted. `dev` must be a pl180 device. */
bool bb_pl180_card_present(bb_device *dev);
/* The inserted card is write-protected (brassboard,sd-read-only). */
bool bb_pl180_card_read_only(bb_device *dev);

#endif
