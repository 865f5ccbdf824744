/*
 * sd_card.h: an SD memory card backed by an image file, as host controllers (pl180.c)
 * see it: commands with their responses, and the byte streams of data transfers.
 */
#ifndef BB_SD_CARD_H
#define BB_SD_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

typedef struct sd_card sd_card;

/* Opens the image (read-write unless read_only). The capacity is the file size rounded
 * down to the card's allocation unit (512 KiB); a smaller file is refused with a message. */
sd_card *sd_card_open(const char *path, bool read_only, char *err, size_t errlen);
void sd_card_free(sd_card *card);
bool sd_card_read_only(const sd_card *card);

/* Snapshots (core/snapshot.h): the card's state and transfer in progress; the image
 * file's contents are the host's, not part of it. */
void sd_card_state(sd_card *card, bb_state *st);

/* Power-on: the card goes back to the idle state. */
void sd_card_power_on(sd_card *card);

/* Response kinds of sd_card_command. */
enum { SD_NO_RESPONSE = -1, SD_RESPONSE_NONE = 0, SD_RESPONSE_48 = 48, SD_RESPONSE_136 = 136 };

/* Sends command `index` with `arg`. Returns SD_NO_RESPONSE when the card does not answer
 * (an unknown or illegal command: the host times out), else the response length; resp
 * gets the response bits: a 48-bit response in resp[0] (its 32-bit payload), a 136-bit
 * one in resp[0..3] (bits 127:96 first, CRC and end bit in the low byte of resp[3]). */
int sd_card_command(sd_card *card, unsigned index, uint32_t arg, uint32_t resp[4]);

/* Data from the card (reads): whether a byte is ready, and the next byte. */
bool sd_card_sending(const sd_card *card);
uint8_t sd_card_read_byte(sd_card *card);
/* Data to the card (writes): whether it takes data, and the next byte. */
bool sd_card_receiving(const sd_card *card);
void sd_card_write_byte(sd_card *card, uint8_t byte);

#endif
