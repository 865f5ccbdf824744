/* sdps.c: the SD host controller and card driver (sdps.h). */
#include "sdps.h"

/* Registers (SD Host Controller Simplified Specification, version 2.00). */
#define SDHC_BLOCK_SIZE      0x04u /* 16 bits */
#define SDHC_BLOCK_COUNT     0x06u /* 16 bits */
#define SDHC_ARGUMENT        0x08u
#define SDHC_TRANSFER_MODE   0x0Cu /* 16 bits; with the command register above it */
#define SDHC_RESPONSE(n)     (0x10u + 4u * (n))
#define SDHC_BUFFER          0x20u
#define SDHC_PRESENT_STATE   0x24u
#define SDHC_POWER_CONTROL   0x29u /* 8 bits */
#define SDHC_CLOCK_CONTROL   0x2Cu /* 16 bits */
#define SDHC_TIMEOUT_CONTROL 0x2Eu /* 8 bits */
#define SDHC_SOFTWARE_RESET  0x2Fu /* 8 bits */
#define SDHC_NORMAL_STATUS   0x30u /* 16 bits */
#define SDHC_ERROR_STATUS    0x32u /* 16 bits */
#define SDHC_NORMAL_ENABLE   0x34u
#define SDHC_ERROR_ENABLE    0x36u
#define SDHC_NORMAL_SIGNAL   0x38u
#define SDHC_ERROR_SIGNAL    0x3Au
#define SDHC_CAPABILITIES    0x40u

#define STATE_CMD_INHIBIT   (1u << 0)
#define STATE_DAT_INHIBIT   (1u << 1)
#define STATE_CARD_INSERTED (1u << 16)

#define STATUS_COMMAND_COMPLETE  (1u << 0)
#define STATUS_TRANSFER_COMPLETE (1u << 1)
#define STATUS_BUFFER_READ_READY (1u << 5)
#define STATUS_ERROR             (1u << 15)

/* Command register: response type, CRC and index checks, data present, index. */
#define RESPONSE_NONE    0x00u
#define RESPONSE_136     0x01u
#define RESPONSE_48      0x02u
#define RESPONSE_48_BUSY 0x03u
#define CHECK_CRC        0x08u
#define CHECK_INDEX      0x10u
#define DATA_PRESENT     0x20u
#define R1               (RESPONSE_48 | CHECK_CRC | CHECK_INDEX)
#define R1B              (RESPONSE_48_BUSY | CHECK_CRC | CHECK_INDEX)
#define R2               (RESPONSE_136 | CHECK_CRC)
#define R3               RESPONSE_48
#define R6               R1
#define R7               R1

/* Transfer mode register. */
#define MODE_BLOCK_COUNT_ENABLE 0x02u
#define MODE_AUTO_CMD12         0x04u
#define MODE_READ               0x10u
#define MODE_MULTI_BLOCK        0x20u

#define POLL_LIMIT 100000u
#define BLOCK_SIZE 512u

static u32 read32(const SdPs *sd, u32 offset)
{
    return Xil_In32(sd->base + offset);
}

static u16 read16(const SdPs *sd, u32 offset)
{
    return Xil_In16(sd->base + offset);
}

static u8 read8(const SdPs *sd, u32 offset)
{
    return Xil_In8(sd->base + offset);
}

static void write16(const SdPs *sd, u32 offset, u16 value)
{
    Xil_Out16(sd->base + offset, value);
}

static void write8(const SdPs *sd, u32 offset, u8 value)
{
    Xil_Out8(sd->base + offset, value);
}

/* Waits for any of the `bits` in the normal interrupt status; clears them. */
static int wait_status(SdPs *sd, u16 bits)
{
    for (u32 polls = 0; polls < POLL_LIMIT; polls++) {
        u16 status = read16(sd, SDHC_NORMAL_STATUS);
        if (status & STATUS_ERROR) {
            sd->status = read16(sd, SDHC_ERROR_STATUS);
            write16(sd, SDHC_ERROR_STATUS, 0xFFFFu);
            write16(sd, SDHC_NORMAL_STATUS, STATUS_ERROR);
            return SDPS_ERROR_COMMAND;
        }
        if (status & bits) {
            write16(sd, SDHC_NORMAL_STATUS, status & bits);
            return 0;
        }
    }
    sd->status = 0xFFFFFFFFu;
    return SDPS_ERROR_TIMEOUT;
}

/* Sends a command; `flags` are the command register's low bits, `mode` the transfer
 * mode. Waits for command complete (and, with R1b, for transfer complete: the busy end). */
static int command(SdPs *sd, u32 index, u32 argument, u32 flags, u32 mode)
{
    u32 inhibit = STATE_CMD_INHIBIT | ((flags & DATA_PRESENT) ? STATE_DAT_INHIBIT : 0);
    u32 polls = 0;
    while (read32(sd, SDHC_PRESENT_STATE) & inhibit)
        if (++polls == POLL_LIMIT) return SDPS_ERROR_TIMEOUT;
    Xil_Out32(sd->base + SDHC_ARGUMENT, argument);
    Xil_Out32(sd->base + SDHC_TRANSFER_MODE, ((index << 8 | flags) << 16) | mode);
    int error = wait_status(sd, STATUS_COMMAND_COMPLETE);
    if (!error && (flags & 3u) == RESPONSE_48_BUSY)
        error = wait_status(sd, STATUS_TRANSFER_COMPLETE);
    return error;
}

/* The 136-bit response bits [hi:lo] (bits 127:8 of the card's response are in the
 * response registers' bits 119:0). */
static u32 response_bits(const SdPs *sd, u32 hi, u32 lo)
{
    u32 value = 0;
    for (u32 bit = hi + 1; bit-- > lo;) {
        u32 at = bit - 8;
        value = value << 1 | ((read32(sd, SDHC_RESPONSE(at / 32)) >> (at % 32)) & 1u);
    }
    return value;
}

static void set_clock(SdPs *sd, u32 khz)
{
    u32 base_mhz = (read32(sd, SDHC_CAPABILITIES) >> 8) & 0x3Fu;
    if (base_mhz == 0) base_mhz = 50;
    /* SDCLK = base / (2 * N), N a power of two from 1 to 128; N = 0 gives the base. */
    u32 divider = 0;
    while (divider < 128 && base_mhz * 1000u / (divider ? 2 * divider : 1) > khz)
        divider = divider ? divider * 2 : 1;
    write16(sd, SDHC_CLOCK_CONTROL, 0);
    write16(sd, SDHC_CLOCK_CONTROL, (u16)(divider << 8 | 1u));
    for (u32 polls = 0; polls < POLL_LIMIT && !(read16(sd, SDHC_CLOCK_CONTROL) & 2u); polls++) {
    }
    write16(sd, SDHC_CLOCK_CONTROL, (u16)(divider << 8 | 1u | 4u));
}

static int read_csd(SdPs *sd)
{
    int error = command(sd, 9, sd->rca, R2, 0);
    if (error) return error;
    if (response_bits(sd, 127, 126) == 1) { /* CSD version 2: (C_SIZE + 1) x 512 KiB */
        sd->capacity_kib = (response_bits(sd, 69, 48) + 1) * 512u;
    } else { /* version 1: (C_SIZE + 1) x 2^(C_SIZE_MULT + 2) blocks of 2^READ_BL_LEN */
        u32 c_size = response_bits(sd, 73, 62), mult = response_bits(sd, 49, 47);
        u32 block_len = response_bits(sd, 83, 80);
        sd->capacity_kib = ((c_size + 1) << (mult + 2)) << block_len >> 10;
    }
    return 0;
}

int SdPs_CardInitialize(SdPs *sd, UINTPTR base)
{
    sd->base = base;
    sd->rca = sd->high_capacity = sd->capacity_kib = sd->if_cond = sd->status = 0;
    write8(sd, SDHC_SOFTWARE_RESET, 1);
    for (u32 polls = 0; read8(sd, SDHC_SOFTWARE_RESET) & 1u; polls++)
        if (polls == POLL_LIMIT) return SDPS_ERROR_TIMEOUT;
    if (!(read32(sd, SDHC_PRESENT_STATE) & STATE_CARD_INSERTED)) return SDPS_ERROR_NO_CARD;
    write8(sd, SDHC_POWER_CONTROL, 0x0F); /* 3.3 V, bus power on */
    set_clock(sd, 400);
    write8(sd, SDHC_TIMEOUT_CONTROL, 0x0E);
    write16(sd, SDHC_NORMAL_ENABLE, 0xFFFFu);
    write16(sd, SDHC_ERROR_ENABLE, 0xFFFFu);
    write16(sd, SDHC_NORMAL_SIGNAL, 0); /* polled: no interrupt */
    write16(sd, SDHC_ERROR_SIGNAL, 0);

    int error = command(sd, 0, 0, RESPONSE_NONE, 0);   /* GO_IDLE_STATE */
    if (!error) error = command(sd, 8, 0x1AAu, R7, 0); /* SEND_IF_COND: 2.7-3.6 V, 0xAA */
    if (error) return error;
    sd->if_cond = read32(sd, SDHC_RESPONSE(0)) & 0xFFFu;
    u32 ocr = 0;
    for (u32 tries = 0; !(ocr & (1u << 31)); tries++) { /* until the card is powered up */
        if (tries == 1000) return SDPS_ERROR_CARD;
        error = command(sd, 55, 0, R1, 0);                       /* APP_CMD */
        if (!error) error = command(sd, 41, 0x40300000u, R3, 0); /* SD_SEND_OP_COND: HCS */
        if (error) return error;
        ocr = read32(sd, SDHC_RESPONSE(0));
    }
    sd->high_capacity = (ocr >> 30) & 1u;
    error = command(sd, 2, 0, R2, 0);             /* ALL_SEND_CID */
    if (!error) error = command(sd, 3, 0, R6, 0); /* SEND_RELATIVE_ADDR */
    if (error) return error;
    sd->rca = read32(sd, SDHC_RESPONSE(0)) & 0xFFFF0000u;
    error = read_csd(sd);
    if (!error) error = command(sd, 7, sd->rca, R1B, 0);    /* SELECT_CARD */
    if (!error) error = command(sd, 16, BLOCK_SIZE, R1, 0); /* SET_BLOCKLEN */
    if (error) return error;
    set_clock(sd, 25000);
    return 0;
}

int SdPs_ReadPolled(SdPs *sd, u32 block, u32 count, u8 *buf)
{
    u32 address = sd->high_capacity ? block : block * BLOCK_SIZE;
    write16(sd, SDHC_BLOCK_SIZE, BLOCK_SIZE);
    write16(sd, SDHC_BLOCK_COUNT, (u16)count);
    u32 mode = MODE_READ, index = 17;
    if (count > 1) {
        mode |= MODE_MULTI_BLOCK | MODE_BLOCK_COUNT_ENABLE | MODE_AUTO_CMD12;
        index = 18;
    }
    int error = command(sd, index, address, R1 | DATA_PRESENT, mode);
    for (u32 n = 0; !error && n < count; n++) {
        error = wait_status(sd, STATUS_BUFFER_READ_READY);
        u32 *words = (u32 *)(void *)(buf + n * BLOCK_SIZE);
        for (u32 i = 0; !error && i < BLOCK_SIZE / 4; i++)
            words[i] = read32(sd, SDHC_BUFFER);
    }
    if (!error) error = wait_status(sd, STATUS_TRANSFER_COMPLETE);
    return error;
}
