/*
 * sd_read: reads an SD card in SDIO0's slot. The test makes the card image (1 MiB, a
 * standard-capacity card: tests/zynq/make_sd_image.py): sector 0 starts with a line of
 * text, and every other byte of sector s at offset i is (7 s + 13 i + i / 256) mod 256.
 *
 * The card goes through identification (its CMD8 echo, OCR, RCA and CSD capacity are
 * printed), then single-block reads (CMD17) of sectors 0, 1 and 2047 and a four-block read
 * with auto CMD12 (CMD18) of sectors 100-103, each checked against the pattern.
 */
#include <stdio.h>
#include <string.h>

#include "sdps.h"
#include "xparameters.h"

#define SECTOR        512u
#define IMAGE_SECTORS 2048u
#define BANNER        "Brassboard SD card image\n"

static u32 buffer[4 * SECTOR / 4];

static u8 pattern(u32 sector, u32 offset)
{
    return (u8)(7u * sector + 13u * offset + offset / 256u);
}

/* Checks one sector's bytes; prints the first bytes and the verdict. */
static void check_sector(u32 sector, const u8 *data)
{
    u32 first = 0, wrong = 0;
    if (sector == 0) first = sizeof(BANNER) - 1;
    for (u32 i = first; i < SECTOR; i++)
        if (data[i] != pattern(sector, i)) wrong++;
    printf("sector %4lu: %02x %02x %02x %02x ... %02x: %s\n", (unsigned long)sector, data[first],
           data[first + 1], data[first + 2], data[first + 3], data[SECTOR - 1],
           wrong ? "WRONG" : "matches the pattern");
    if (wrong) printf("  %lu bytes differ\n", (unsigned long)wrong);
}

int main(void)
{
    printf("sd_read test\n");
    SdPs sd;
    int error = SdPs_CardInitialize(&sd, XPAR_PS7_SD_0_BASEADDR);
    if (error) {
        printf("card initialisation failed: error %d, status 0x%lx\n", error,
               (unsigned long)sd.status);
        return 1;
    }
    printf("card: CMD8 echo 0x%03lx, %s capacity, RCA %s, %lu KiB\n", (unsigned long)sd.if_cond,
           sd.high_capacity ? "high" : "standard", sd.rca ? "set" : "zero",
           (unsigned long)sd.capacity_kib);

    u8 *bytes = (u8 *)buffer;
    static const u32 singles[] = {0, 1, IMAGE_SECTORS - 1};
    for (u32 n = 0; n < sizeof singles / sizeof singles[0]; n++) {
        memset(buffer, 0, sizeof buffer);
        error = SdPs_ReadPolled(&sd, singles[n], 1, bytes);
        if (error) {
            printf("CMD17 of sector %lu failed: error %d, status 0x%lx\n",
                   (unsigned long)singles[n], error, (unsigned long)sd.status);
            return 1;
        }
        if (singles[n] == 0) {
            printf("sector    0 text: %.*s", (int)(sizeof(BANNER) - 1), (const char *)bytes);
        }
        check_sector(singles[n], bytes);
    }

    memset(buffer, 0, sizeof buffer);
    error = SdPs_ReadPolled(&sd, 100, 4, bytes);
    if (error) {
        printf("CMD18 failed: error %d, status 0x%lx\n", error, (unsigned long)sd.status);
        return 1;
    }
    printf("CMD18, 4 blocks from sector 100:\n");
    for (u32 n = 0; n < 4; n++)
        check_sector(100 + n, bytes + n * SECTOR);
    printf("done\n");
    return 0;
}
