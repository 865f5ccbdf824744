/*
 * sd_card.c: an SD memory card (Physical Layer Simplified Specification 2.00) backed by
 * an image file. Cards of up to 1 GiB are standard capacity (CSD version 1, byte
 * addresses), larger ones high capacity (SDHC: CSD version 2, block addresses). The card
 * follows the identification sequence (CMD0, CMD8, ACMD41, CMD2, CMD3), selection (CMD7),
 * the register reads (CSD, CID, SCR, SD status, CMD6 switch status) and single and
 * multiple block reads and writes of 512 bytes (CMD17/18, CMD24/25, stopped by CMD12).
 * Commands a card in the current state does not accept get no response (the host sees a
 * timeout) and set ILLEGAL_COMMAND in the next status, as the specification says.
 * Writes go to the image file at once.
 */
#include "peripherals/sd_card.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/snapshot.h"

enum card_state { ST_IDLE, ST_READY, ST_IDENT, ST_STBY, ST_TRAN, ST_DATA, ST_RCV, ST_PRG, ST_DIS };

enum {
    STATUS_OUT_OF_RANGE = 1u << 31,
    STATUS_ADDRESS_ERROR = 1u << 30,
    STATUS_WP_VIOLATION = 1u << 26,
    STATUS_ILLEGAL_COMMAND = 1u << 22,
    STATUS_READY_FOR_DATA = 1u << 8,
    STATUS_APP_CMD = 1u << 5,
    STATUS_STATE_SHIFT = 9,
};

#define BLOCK             512u
#define UNIT              (512u * 1024u)
#define SDSC_LIMIT        (1024ull * 1024 * 1024)
#define OCR_VOLTAGES      0x00ff8000u
#define OCR_POWERED_UP    (1u << 31)
#define OCR_HIGH_CAPACITY (1u << 30)
#define RCA               0x4567u

struct sd_card {
    int fd;
    bool read_only, high_capacity;
    uint64_t capacity;
    enum card_state state;
    uint32_t status;  /* error and APP_CMD bits reported with the next R1 */
    bool app_command; /* the previous command was CMD55 */
    uint32_t csd[4], cid[4];
    /* data transfer */
    uint8_t buf[BLOCK];
    unsigned buf_len, buf_pos;
    uint64_t address;    /* byte address of the next block */
    bool multiple;       /* CMD18/CMD25: until CMD12 */
    bool block_transfer; /* buf holds image blocks (else a register) */
};

static void put_bits(uint32_t reg[4], unsigned high, unsigned width, uint32_t value)
{
    for (unsigned i = 0; i < width; i++) {
        unsigned bit = high - width + 1 + i;
        if (!((value >> i) & 1)) continue;
        reg[3 - bit / 32] |= 1u << (bit % 32);
    }
}

static void build_registers(sd_card *card)
{
    memset(card->csd, 0, sizeof(card->csd));
    memset(card->cid, 0, sizeof(card->cid));
    uint32_t *csd = card->csd;
    if (card->high_capacity) {
        put_bits(csd, 127, 2, 1);     /* CSD_STRUCTURE: version 2.0 */
        put_bits(csd, 119, 8, 0x0e);  /* TAAC */
        put_bits(csd, 103, 8, 0x32);  /* TRAN_SPEED: 25 MHz */
        put_bits(csd, 95, 12, 0x595); /* CCC: classes 0, 2, 4, 7, 8, 10 */
        put_bits(csd, 83, 4, 9);      /* READ_BL_LEN: 512 */
        put_bits(csd, 69, 22, (uint32_t)(card->capacity / UNIT - 1)); /* C_SIZE */
    } else {
        uint64_t mult_unit = 512ull * 512; /* block 512 << (C_SIZE_MULT 7 + 2) */
        put_bits(csd, 119, 8, 0x26);
        put_bits(csd, 103, 8, 0x32);
        put_bits(csd, 95, 12, 0x595);
        put_bits(csd, 83, 4, 9);
        put_bits(csd, 73, 12, (uint32_t)(card->capacity / mult_unit - 1)); /* C_SIZE */
        put_bits(csd, 49, 3, 7);                                           /* C_SIZE_MULT */
    }
    put_bits(csd, 46, 1, 1);    /* ERASE_BLK_EN */
    put_bits(csd, 45, 7, 0x7f); /* SECTOR_SIZE */
    put_bits(csd, 28, 3, 2);    /* R2W_FACTOR */
    put_bits(csd, 25, 4, 9);    /* WRITE_BL_LEN: 512 */
    put_bits(csd, 0, 1, 1);     /* end bit */
    uint32_t *cid = card->cid;
    put_bits(cid, 127, 8, 0xbb);            /* MID */
    put_bits(cid, 119, 16, 'B' << 8 | 'B'); /* OID */
    put_bits(cid, 103, 8, 'B');             /* PNM: "BRASS" */
    put_bits(cid, 95, 8, 'R');
    put_bits(cid, 87, 8, 'A');
    put_bits(cid, 79, 8, 'S');
    put_bits(cid, 71, 8, 'S');
    put_bits(cid, 63, 8, 0x10);         /* PRV 1.0 */
    put_bits(cid, 55, 32, 0x00c0ffee);  /* PSN */
    put_bits(cid, 19, 12, 24 << 4 | 1); /* MDT: January 2024 */
    put_bits(cid, 0, 1, 1);
}

sd_card *sd_card_open(const char *path, bool read_only, char *err, size_t errlen)
{
    int fd = open(path, read_only ? O_RDONLY : O_RDWR);
    if (fd < 0) {
        snprintf(err, errlen, "SD card image '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)UNIT) {
        snprintf(err, errlen, "SD card image '%s': smaller than 512 KiB", path);
        close(fd);
        return NULL;
    }
    sd_card *card = calloc(1, sizeof(*card));
    if (!card) {
        snprintf(err, errlen, "out of memory");
        close(fd);
        return NULL;
    }
    card->fd = fd;
    card->read_only = read_only;
    card->high_capacity = (uint64_t)st.st_size > SDSC_LIMIT;
    uint64_t unit = card->high_capacity ? UNIT : 512ull * 512;
    card->capacity = (uint64_t)st.st_size / unit * unit;
    build_registers(card);
    sd_card_power_on(card);
    return card;
}

void sd_card_free(sd_card *card)
{
    if (!card) return;
    close(card->fd);
    free(card);
}

bool sd_card_read_only(const sd_card *card)
{
    return card->read_only;
}

void sd_card_power_on(sd_card *card)
{
    card->state = ST_IDLE;
    card->status = 0;
    card->app_command = false;
    card->buf_len = card->buf_pos = 0;
}

static uint32_t card_status(sd_card *card)
{
    uint32_t status = card->status | (uint32_t)card->state << STATUS_STATE_SHIFT;
    if (card->state == ST_TRAN || card->state == ST_RCV) status |= STATUS_READY_FOR_DATA;
    if (card->app_command) status |= STATUS_APP_CMD;
    card->status = 0; /* error bits are reported once */
    return status;
}

/* The image block at card->address into buf; false past the end. */
static bool load_block(sd_card *card)
{
    if (card->address + BLOCK > card->capacity) return false;
    ssize_t got = pread(card->fd, card->buf, BLOCK, (off_t)card->address);
    if (got < (ssize_t)BLOCK)
        memset(card->buf + (got > 0 ? got : 0), 0, BLOCK - (size_t)(got > 0 ? got : 0));
    card->buf_len = BLOCK;
    card->buf_pos = 0;
    return true;
}

static void send_register(sd_card *card, const uint8_t *data, unsigned len)
{
    memcpy(card->buf, data, len);
    card->buf_len = len;
    card->buf_pos = 0;
    card->block_transfer = false;
    card->state = ST_DATA;
}

static uint64_t data_address(const sd_card *card, uint32_t arg)
{
    return card->high_capacity ? (uint64_t)arg * BLOCK : arg;
}

static int start_read(sd_card *card, uint32_t arg, bool multiple, uint32_t resp[4])
{
    uint64_t address = data_address(card, arg);
    resp[0] = card_status(card);
    if (address % BLOCK || address + BLOCK > card->capacity) {
        resp[0] |= address % BLOCK ? STATUS_ADDRESS_ERROR : STATUS_OUT_OF_RANGE;
        return SD_RESPONSE_48;
    }
    card->address = address;
    card->multiple = multiple;
    card->block_transfer = true;
    load_block(card);
    card->state = ST_DATA;
    return SD_RESPONSE_48;
}

static int start_write(sd_card *card, uint32_t arg, bool multiple, uint32_t resp[4])
{
    uint64_t address = data_address(card, arg);
    resp[0] = card_status(card);
    if (card->read_only) {
        resp[0] |= STATUS_WP_VIOLATION;
        return SD_RESPONSE_48;
    }
    if (address % BLOCK || address + BLOCK > card->capacity) {
        resp[0] |= address % BLOCK ? STATUS_ADDRESS_ERROR : STATUS_OUT_OF_RANGE;
        return SD_RESPONSE_48;
    }
    card->address = address;
    card->multiple = multiple;
    card->block_transfer = true;
    card->buf_len = BLOCK;
    card->buf_pos = 0;
    card->state = ST_RCV;
    return SD_RESPONSE_48;
}

/* CMD6: the 512-bit switch status; only the default function of each group exists. */
static void send_switch_status(sd_card *card)
{
    uint8_t status[64] = {0};
    status[1] = 1; /* maximum current: 1 mA */
    for (int group = 0; group < 6; group++)
        status[13 - 2 * group] = 1; /* function 0 supported */
    send_register(card, status, sizeof(status));
}

static int app_command(sd_card *card, unsigned index, uint32_t arg, uint32_t resp[4])
{
    switch (index) {
    case 6: /* SET_BUS_WIDTH */
        if (card->state != ST_TRAN) return SD_NO_RESPONSE;
        resp[0] = card_status(card);
        return SD_RESPONSE_48;
    case 13: { /* SD_STATUS */
        if (card->state != ST_TRAN) return SD_NO_RESPONSE;
        uint8_t ssr[64] = {0};
        resp[0] = card_status(card);
        send_register(card, ssr, sizeof(ssr));
        return SD_RESPONSE_48;
    }
    case 41: /* SD_SEND_OP_COND */
        if (card->state != ST_IDLE && card->state != ST_READY) return SD_NO_RESPONSE;
        resp[0] = OCR_VOLTAGES | OCR_POWERED_UP | (card->high_capacity ? OCR_HIGH_CAPACITY : 0);
        if (arg & OCR_VOLTAGES) card->state = ST_READY;
        return SD_RESPONSE_48;
    case 42: /* SET_CLR_CARD_DETECT */
    case 23: /* SET_WR_BLK_ERASE_COUNT */
        if (card->state != ST_TRAN) return SD_NO_RESPONSE;
        resp[0] = card_status(card);
        return SD_RESPONSE_48;
    case 51: { /* SEND_SCR: SD 2.00, 1 and 4 bit bus */
        if (card->state != ST_TRAN) return SD_NO_RESPONSE;
        static const uint8_t scr[8] = {0x02, 0x05, 0, 0, 0, 0, 0, 0};
        resp[0] = card_status(card);
        send_register(card, scr, sizeof(scr));
        return SD_RESPONSE_48;
    }
    }
    return -2; /* not an application command: handled as a normal one */
}

static int normal_command(sd_card *card, unsigned index, uint32_t arg, uint32_t resp[4])
{
    switch (index) {
    case 0: /* GO_IDLE_STATE */ sd_card_power_on(card); return SD_RESPONSE_NONE;
    case 2: /* ALL_SEND_CID */
        if (card->state != ST_READY) return SD_NO_RESPONSE;
        card->state = ST_IDENT;
        memcpy(resp, card->cid, sizeof(card->cid));
        return SD_RESPONSE_136;
    case 3: /* SEND_RELATIVE_ADDR */
        if (card->state != ST_IDENT && card->state != ST_STBY) return SD_NO_RESPONSE;
        card->state = ST_STBY;
        resp[0] = RCA << 16 | (uint32_t)card->state << STATUS_STATE_SHIFT;
        return SD_RESPONSE_48;
    case 7: /* SELECT/DESELECT_CARD */
        if (arg >> 16 != RCA) {
            if (card->state == ST_TRAN || card->state == ST_DATA) card->state = ST_STBY;
            return SD_RESPONSE_NONE;
        }
        if (card->state != ST_STBY && card->state != ST_TRAN) return SD_NO_RESPONSE;
        resp[0] = card_status(card);
        card->state = ST_TRAN;
        return SD_RESPONSE_48;
    case 6: /* SWITCH_FUNC */
        if (card->state != ST_TRAN) return SD_NO_RESPONSE;
        resp[0] = card_status(card);
        send_switch_status(card);
        return SD_RESPONSE_48;
    case 8: /* SEND_IF_COND */
        if (card->state != ST_IDLE) return SD_NO_RESPONSE;
        resp[0] = arg & 0xfff;
        return SD_RESPONSE_48;
    case 9:  /* SEND_CSD */
    case 10: /* SEND_CID */
        if (card->state != ST_STBY || arg >> 16 != RCA) return SD_NO_RESPONSE;
        memcpy(resp, index == 9 ? card->csd : card->cid, sizeof(card->csd));
        return SD_RESPONSE_136;
    case 12: /* STOP_TRANSMISSION */
        if (card->state != ST_DATA && card->state != ST_RCV) return SD_NO_RESPONSE;
        resp[0] = card_status(card);
        card->state = ST_TRAN;
        card->buf_len = card->buf_pos = 0;
        return SD_RESPONSE_48;
    case 13: /* SEND_STATUS */
        if (arg >> 16 != RCA || card->state == ST_IDLE || card->state == ST_READY ||
            card->state == ST_IDENT)
            return SD_NO_RESPONSE;
        resp[0] = card_status(card);
        return SD_RESPONSE_48;
    case 16: /* SET_BLOCKLEN */
        if (card->state != ST_TRAN) return SD_NO_RESPONSE;
        resp[0] = card_status(card);
        if (arg != BLOCK && !card->high_capacity) resp[0] |= 1u << 29; /* BLOCK_LEN_ERROR */
        return SD_RESPONSE_48;
    case 17:
    case 18:
        if (card->state != ST_TRAN) return SD_NO_RESPONSE;
        return start_read(card, arg, index == 18, resp);
    case 24:
    case 25:
        if (card->state != ST_TRAN) return SD_NO_RESPONSE;
        return start_write(card, arg, index == 25, resp);
    case 55: /* APP_CMD */
        if (card->state == ST_IDENT || (card->state >= ST_STBY && arg >> 16 != RCA))
            return SD_NO_RESPONSE;
        card->app_command = true;
        resp[0] = card_status(card);
        return SD_RESPONSE_48;
    }
    return SD_NO_RESPONSE;
}

int sd_card_command(sd_card *card, unsigned index, uint32_t arg, uint32_t resp[4])
{
    memset(resp, 0, 4 * sizeof(uint32_t));
    bool app = card->app_command && index != 55;
    int result = -2;
    if (app) result = app_command(card, index, arg, resp);
    card->app_command = card->app_command && index == 55;
    if (result == -2) result = normal_command(card, index, arg, resp);
    if (result == SD_NO_RESPONSE) card->status |= STATUS_ILLEGAL_COMMAND;
    return result;
}

bool sd_card_sending(const sd_card *card)
{
    return card->state == ST_DATA && card->buf_pos < card->buf_len;
}

uint8_t sd_card_read_byte(sd_card *card)
{
    if (!sd_card_sending(card)) return 0;
    uint8_t byte = card->buf[card->buf_pos++];
    if (card->buf_pos < card->buf_len) return byte;
    /* end of a block or register */
    card->address += BLOCK;
    if (card->block_transfer && card->multiple) {
        if (!load_block(card)) {
            card->status |= STATUS_OUT_OF_RANGE;
            card->buf_len = card->buf_pos = 0;
        }
    } else {
        card->state = ST_TRAN;
    }
    return byte;
}

bool sd_card_receiving(const sd_card *card)
{
    return card->state == ST_RCV && card->buf_pos < card->buf_len;
}

void sd_card_write_byte(sd_card *card, uint8_t byte)
{
    if (!sd_card_receiving(card)) return;
    card->buf[card->buf_pos++] = byte;
    if (card->buf_pos < card->buf_len) return;
    if (pwrite(card->fd, card->buf, BLOCK, (off_t)card->address) != (ssize_t)BLOCK)
        card->status |= STATUS_ADDRESS_ERROR; /* the host sees an error in the next status */
    card->address += BLOCK;
    card->buf_pos = 0;
    if (!card->multiple)
        card->state = ST_TRAN;
    else if (card->address + BLOCK > card->capacity) {
        card->status |= STATUS_OUT_OF_RANGE;
        card->buf_len = 0;
    }
}

void sd_card_state(sd_card *card, bb_state *st)
{
    int state = (int)card->state;
    bb_state_int(st, &state);
    if (state < ST_IDLE || state > ST_DIS) bb_state_fail(st, "sd card: bad state");
    card->state = state < ST_IDLE || state > ST_DIS ? ST_IDLE : (enum card_state)state;
    bb_state_u32(st, &card->status);
    bb_state_bool(st, &card->app_command);
    bb_state_bytes(st, card->buf, sizeof(card->buf));
    uint32_t len = card->buf_len, pos = card->buf_pos;
    bb_state_u32(st, &len);
    bb_state_u32(st, &pos);
    card->buf_len = len > BLOCK ? BLOCK : len;
    card->buf_pos = pos > card->buf_len ? card->buf_len : pos;
    bb_state_u64(st, &card->address);
    bb_state_bool(st, &card->multiple);
    bb_state_bool(st, &card->block_transfer);
}
