/*
 * sdhci.c: an SD host controller following the SD Host Controller Simplified
 * Specification 2.00 (the Arasan SDHCI of the Zynq-7000's SDIO0/SDIO1, UG585 chapter 13),
 * with an SD card (sd_card.c) in its slot. The image is the node's `brassboard,sd-image`
 * property; `brassboard,sd-read-only` write-protects it; without an image the slot is
 * empty (Present State says so and every command times out).
 *
 * Registers take 8-, 16- and 32-bit accesses; writing the upper byte of the Command
 * register issues the command, which completes at once (Command Complete, or Command
 * Timeout Error when the card does not answer; Transfer Complete too for a response with
 * busy, R1b, whose busy signal ends at once). A command with data moves it at once
 * when Transfer Mode enables DMA, by SDMA (from the SDMA System Address, the buffer
 * boundary is not enforced) or 32-bit ADMA2 (descriptor table at the ADMA System
 * Address), then sets Transfer Complete; without DMA the Buffer Data Port passes one
 * block at a time (Buffer Read/Write Ready per block). Multiple-block transfers take the
 * Block Count (when enabled) and send CMD12 at the end with Auto CMD12.
 *
 * Interrupt status bits are set only when enabled in the status enable registers; the
 * line is (status & signal enable) != 0 over the normal and error registers. Capabilities
 * are UG585's reset value (0x69EC0080: SDMA, ADMA2, high speed, 3.3 V).
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"
#include "peripherals/sd_card.h"

enum {
    R_SDMA_ADDRESS = 0x00,
    R_BLOCK_SIZE = 0x04,
    R_BLOCK_COUNT = 0x06,
    R_ARGUMENT = 0x08,
    R_TRANSFER_MODE = 0x0c,
    R_COMMAND = 0x0e,
    R_RESPONSE = 0x10, /* 0x10-0x1f */
    R_BUFFER_DATA = 0x20,
    R_PRESENT_STATE = 0x24,
    R_HOST_CONTROL = 0x28,
    R_POWER_CONTROL = 0x29,
    R_CLOCK_CONTROL = 0x2c,
    R_SOFTWARE_RESET = 0x2f,
    R_NORMAL_STATUS = 0x30,
    R_ERROR_STATUS = 0x32,
    R_NORMAL_STATUS_EN = 0x34,
    R_ERROR_STATUS_EN = 0x36,
    R_NORMAL_SIGNAL_EN = 0x38,
    R_ERROR_SIGNAL_EN = 0x3a,
    R_AUTO_CMD12_ERROR = 0x3c,
    R_CAPABILITIES = 0x40,
    R_MAX_CURRENT = 0x48,
    R_ADMA_ERROR = 0x54,
    R_ADMA_ADDRESS = 0x58,
    R_SLOT_INT_STATUS = 0xfc,
    R_HOST_VERSION = 0xfe,
    N_REG_BYTES = 0x100,
};

enum {
    TM_DMA = 1u << 0,
    TM_BLOCK_COUNT = 1u << 1,
    TM_AUTO_CMD12 = 1u << 2,
    TM_READ = 1u << 4,
    TM_MULTI = 1u << 5,
};

enum {
    CMD_RESPONSE_MASK = 3, /* 0 none, 1 136 bits, 2 48 bits, 3 48 bits with busy */
    CMD_RESPONSE_136 = 1,
    CMD_RESPONSE_BUSY = 3,
    CMD_DATA = 1u << 5,
    CMD_INDEX_SHIFT = 8,
};

enum {
    NORMAL_COMMAND_COMPLETE = 1u << 0,
    NORMAL_TRANSFER_COMPLETE = 1u << 1,
    NORMAL_DMA = 1u << 3,
    NORMAL_BUFFER_WRITE_READY = 1u << 4,
    NORMAL_BUFFER_READ_READY = 1u << 5,
    NORMAL_ERROR = 1u << 15,
};

enum {
    ERROR_COMMAND_TIMEOUT = 1u << 0,
    ERROR_DATA_TIMEOUT = 1u << 4,
    ERROR_ADMA = 1u << 9,
};

enum {
    PS_DAT_INHIBIT = 1u << 1,
    PS_DAT_ACTIVE = 1u << 2,
    PS_WRITE_ACTIVE = 1u << 8,
    PS_READ_ACTIVE = 1u << 9,
    PS_BUFFER_WRITE_ENABLE = 1u << 10,
    PS_BUFFER_READ_ENABLE = 1u << 11,
    PS_CARD_INSERTED = 1u << 16,
    PS_CARD_STABLE = 1u << 17,
    PS_CARD_DETECT = 1u << 18,
    PS_WRITE_ENABLED = 1u << 19,
    PS_LINES_HIGH = 0x01f00000, /* DAT[3:0] and CMD */
};

enum { HC_DMA_SELECT_SHIFT = 3, DMA_SDMA = 0, DMA_ADMA2 = 2 };

enum {
    ADMA_VALID = 1u << 0,
    ADMA_END = 1u << 1,
    ADMA_ACT_SHIFT = 4,
    ADMA_ACT_TRAN = 2,
    ADMA_ACT_LINK = 3,
};

#define CAPABILITIES         0x69ec0080u
#define MAX_CURRENT          0x00000001u
#define HOST_VERSION         0x8901u /* vendor 0x89, specification 2.00 */
#define BLOCK_MAX            2048
#define ADMA_MAX_DESCRIPTORS 65536

typedef struct sdhci {
    bb_device dev;
    sd_card *card;
    uint8_t regs[N_REG_BYTES];
    /* a data transfer through the Buffer Data Port */
    bool pio, reading;
    uint32_t blocks_left;
    uint8_t buf[BLOCK_MAX];
    uint32_t buf_pos, buf_len;
} sdhci;

static void log_guest_error(sdhci *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%02llx", s->dev.name,
                  what, (unsigned long long)offset);
}

static uint32_t get(const sdhci *s, unsigned offset, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)s->regs[offset + i] << (8 * i);
    return v;
}

static void put(sdhci *s, unsigned offset, unsigned size, uint32_t v)
{
    for (unsigned i = 0; i < size; i++)
        s->regs[offset + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t block_size(const sdhci *s)
{
    uint32_t size = get(s, R_BLOCK_SIZE, 2) & 0xfff;
    return size > BLOCK_MAX ? BLOCK_MAX : size;
}

static uint32_t normal_status(const sdhci *s)
{
    uint32_t status = get(s, R_NORMAL_STATUS, 2) & ~NORMAL_ERROR;
    return get(s, R_ERROR_STATUS, 2) ? status | NORMAL_ERROR : status;
}

static void update_irq(sdhci *s)
{
    bool level = (normal_status(s) & get(s, R_NORMAL_SIGNAL_EN, 2)) ||
                 (get(s, R_ERROR_STATUS, 2) & get(s, R_ERROR_SIGNAL_EN, 2));
    bb_irq_set(&s->dev.irq_out[0], level);
}

/* Records events in the status registers, as far as their status enables let them. */
static void raise_normal(sdhci *s, uint32_t bits)
{
    bits &= get(s, R_NORMAL_STATUS_EN, 2);
    put(s, R_NORMAL_STATUS, 2, get(s, R_NORMAL_STATUS, 2) | bits);
}

static void raise_error(sdhci *s, uint32_t bits)
{
    bits &= get(s, R_ERROR_STATUS_EN, 2);
    put(s, R_ERROR_STATUS, 2, get(s, R_ERROR_STATUS, 2) | bits);
}

static uint32_t present_state(const sdhci *s)
{
    uint32_t ps = PS_CARD_STABLE | PS_LINES_HIGH;
    if (s->card) {
        ps |= PS_CARD_INSERTED | PS_CARD_DETECT;
        if (!sd_card_read_only(s->card)) ps |= PS_WRITE_ENABLED;
    }
    if (s->pio) {
        ps |= PS_DAT_INHIBIT | PS_DAT_ACTIVE;
        ps |= s->reading ? PS_READ_ACTIVE : PS_WRITE_ACTIVE;
        if (s->reading && s->buf_pos < s->buf_len) ps |= PS_BUFFER_READ_ENABLE;
        if (!s->reading && s->buf_pos < s->buf_len) ps |= PS_BUFFER_WRITE_ENABLE;
    }
    return ps;
}

/* CMD12 at the end of a multiple-block transfer with Auto CMD12; its response goes to
 * Response register 3 (bits 127:96 of the response registers). */
static void auto_cmd12(sdhci *s)
{
    uint32_t mode = get(s, R_TRANSFER_MODE, 2);
    if (!(mode & TM_AUTO_CMD12) || !(mode & TM_MULTI) || !s->card) return;
    uint32_t resp[4];
    if (sd_card_command(s->card, 12, 0, resp) == SD_RESPONSE_48)
        put(s, R_RESPONSE + 12, 4, resp[0]);
}

static void transfer_done(sdhci *s)
{
    s->pio = false;
    s->buf_pos = s->buf_len = 0;
    auto_cmd12(s);
    raise_normal(s, NORMAL_TRANSFER_COMPLETE);
}

/* The next block from the card into the buffer (false when the card sends nothing). */
static bool fill_buffer(sdhci *s)
{
    uint32_t size = block_size(s);
    if (!s->card || !sd_card_sending(s->card)) return false;
    for (uint32_t i = 0; i < size; i++)
        s->buf[i] = sd_card_read_byte(s->card);
    s->buf_pos = 0;
    s->buf_len = size;
    return true;
}

/* ---- DMA ---- */

/* Moves `len` bytes between the card and guest memory at addr. False when the card stops
 * sending or taking data. */
static bool dma_segment(sdhci *s, uint32_t addr, uint32_t len, bool reading)
{
    uint8_t chunk[512];
    while (len > 0) {
        uint32_t n = len < sizeof(chunk) ? len : (uint32_t)sizeof(chunk);
        if (reading) {
            for (uint32_t i = 0; i < n; i++) {
                if (!sd_card_sending(s->card)) return false;
                chunk[i] = sd_card_read_byte(s->card);
            }
            bb_bus_copy(s->dev.machine->bus, addr, chunk, n, true);
        } else {
            bb_bus_copy(s->dev.machine->bus, addr, chunk, n, false);
            for (uint32_t i = 0; i < n; i++) {
                if (!sd_card_receiving(s->card)) return false;
                sd_card_write_byte(s->card, chunk[i]);
            }
        }
        addr += n;
        len -= n;
    }
    return true;
}

/* ADMA2: walks the descriptor table until `total` bytes moved or an End descriptor. */
static bool adma2(sdhci *s, uint32_t total, bool reading)
{
    uint32_t desc = get(s, R_ADMA_ADDRESS, 4);
    for (int n = 0; n < ADMA_MAX_DESCRIPTORS && total > 0; n++) {
        uint32_t words[2];
        if (bb_bus_copy(s->dev.machine->bus, desc, words, 8, false) != BB_BUS_OK) break;
        uint32_t attr = words[0] & 0xffff, len = words[0] >> 16, addr = words[1];
        if (!(attr & ADMA_VALID)) break;
        unsigned act = (attr >> ADMA_ACT_SHIFT) & 3;
        if (act == ADMA_ACT_LINK) {
            desc = addr;
            put(s, R_ADMA_ADDRESS, 4, desc);
            continue;
        }
        if (act == ADMA_ACT_TRAN) {
            if (len == 0) len = 65536;
            if (len > total) len = total;
            if (!dma_segment(s, addr, len, reading)) return false;
            total -= len;
        }
        desc += 8;
        put(s, R_ADMA_ADDRESS, 4, desc);
        if (attr & ADMA_END) return true;
    }
    if (total == 0) return true;
    put(s, R_ADMA_ERROR, 4, 1); /* ST_FDS: fetching descriptors failed */
    raise_error(s, ERROR_ADMA);
    return false;
}

static void dma_transfer(sdhci *s, uint32_t blocks, bool reading)
{
    uint32_t total = blocks * block_size(s);
    unsigned select = (s->regs[R_HOST_CONTROL] >> HC_DMA_SELECT_SHIFT) & 3;
    bool ok;
    if (select == DMA_SDMA) {
        uint32_t addr = get(s, R_SDMA_ADDRESS, 4);
        ok = dma_segment(s, addr, total, reading);
        put(s, R_SDMA_ADDRESS, 4, addr + total);
    } else if (select == DMA_ADMA2) {
        ok = adma2(s, total, reading);
    } else {
        log_guest_error(s, "ADMA1 or 64-bit ADMA2 selected (not supported)", R_HOST_CONTROL);
        raise_error(s, ERROR_ADMA);
        ok = false;
    }
    if (!ok && !get(s, R_ERROR_STATUS, 2)) raise_error(s, ERROR_DATA_TIMEOUT);
    if (get(s, R_TRANSFER_MODE, 2) & TM_BLOCK_COUNT) put(s, R_BLOCK_COUNT, 2, 0);
    transfer_done(s);
}

/* ---- commands and the data they start ---- */

static void start_data(sdhci *s)
{
    uint32_t mode = get(s, R_TRANSFER_MODE, 2);
    uint32_t count = get(s, R_BLOCK_COUNT, 2);
    uint32_t blocks = (mode & TM_MULTI) ? (count ? count : 1) : 1;
    s->reading = (mode & TM_READ) != 0;
    if (block_size(s) == 0) {
        log_guest_error(s, "data command with a block size of 0", R_BLOCK_SIZE);
        raise_error(s, ERROR_DATA_TIMEOUT);
        return;
    }
    if (mode & TM_DMA) {
        dma_transfer(s, blocks, s->reading);
        return;
    }
    s->pio = true;
    s->blocks_left = blocks;
    if (s->reading) {
        if (fill_buffer(s)) {
            raise_normal(s, NORMAL_BUFFER_READ_READY);
        } else {
            s->pio = false;
            raise_error(s, ERROR_DATA_TIMEOUT);
        }
    } else {
        s->buf_pos = 0;
        s->buf_len = block_size(s);
        raise_normal(s, NORMAL_BUFFER_WRITE_READY);
    }
}

static void issue_command(sdhci *s)
{
    uint32_t cmd = get(s, R_COMMAND, 2);
    unsigned index = (cmd >> CMD_INDEX_SHIFT) & 0x3f, response = cmd & CMD_RESPONSE_MASK;
    uint32_t resp[4] = {0};
    int kind = SD_NO_RESPONSE;
    if (s->card && (s->regs[R_POWER_CONTROL] & 1))
        kind = sd_card_command(s->card, index, get(s, R_ARGUMENT, 4), resp);
    if (response != 0 && (kind == SD_NO_RESPONSE || kind == SD_RESPONSE_NONE)) {
        raise_error(s, ERROR_COMMAND_TIMEOUT);
        update_irq(s);
        return;
    }
    if (kind == SD_NO_RESPONSE && response == 0 && !s->card) {
        raise_error(s, ERROR_COMMAND_TIMEOUT);
        update_irq(s);
        return;
    }
    if (response == CMD_RESPONSE_136) {
        /* The response registers hold bits 127:8 of the response (no CRC). */
        put(s, R_RESPONSE, 4, resp[3] >> 8 | resp[2] << 24);
        put(s, R_RESPONSE + 4, 4, resp[2] >> 8 | resp[1] << 24);
        put(s, R_RESPONSE + 8, 4, resp[1] >> 8 | resp[0] << 24);
        put(s, R_RESPONSE + 12, 4, resp[0] >> 8);
    } else if (response != 0) {
        put(s, R_RESPONSE, 4, resp[0]);
    }
    raise_normal(s, NORMAL_COMMAND_COMPLETE);
    if (response == CMD_RESPONSE_BUSY && !(cmd & CMD_DATA))
        raise_normal(s, NORMAL_TRANSFER_COMPLETE); /* the busy signal ends at once */
    if (cmd & CMD_DATA) start_data(s);
    update_irq(s);
}

/* ---- the Buffer Data Port ---- */

static void block_passed(sdhci *s)
{
    if (--s->blocks_left == 0) {
        transfer_done(s);
        return;
    }
    if (s->reading) {
        if (fill_buffer(s)) {
            raise_normal(s, NORMAL_BUFFER_READ_READY);
        } else {
            s->pio = false;
            raise_error(s, ERROR_DATA_TIMEOUT);
        }
    } else {
        s->buf_pos = 0;
        raise_normal(s, NORMAL_BUFFER_WRITE_READY);
    }
}

static uint32_t read_buffer(sdhci *s, unsigned size, bool debug)
{
    if (!s->pio || !s->reading || s->buf_pos >= s->buf_len) {
        if (!debug) log_guest_error(s, "Buffer Data Port read with no data ready", R_BUFFER_DATA);
        return 0;
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size && s->buf_pos + i < s->buf_len; i++)
        v |= (uint32_t)s->buf[s->buf_pos + i] << (8 * i);
    if (debug) return v;
    s->buf_pos += size;
    if (s->buf_pos >= s->buf_len) block_passed(s);
    update_irq(s);
    return v;
}

static void write_buffer(sdhci *s, uint32_t value, unsigned size)
{
    if (!s->pio || s->reading || s->buf_pos >= s->buf_len) {
        log_guest_error(s, "Buffer Data Port write with no room", R_BUFFER_DATA);
        return;
    }
    for (unsigned i = 0; i < size && s->buf_pos < s->buf_len; i++)
        s->buf[s->buf_pos++] = (uint8_t)(value >> (8 * i));
    if (s->buf_pos < s->buf_len) return;
    for (uint32_t i = 0; s->card && i < s->buf_len && sd_card_receiving(s->card); i++)
        sd_card_write_byte(s->card, s->buf[i]);
    block_passed(s);
    update_irq(s);
}

/* ---- register access ---- */

static void reset_registers(sdhci *s)
{
    memset(s->regs, 0, sizeof(s->regs));
    put(s, R_CAPABILITIES, 4, CAPABILITIES);
    put(s, R_MAX_CURRENT, 4, MAX_CURRENT);
    put(s, R_HOST_VERSION, 2, HOST_VERSION);
    s->pio = false;
    s->buf_pos = s->buf_len = 0;
    s->blocks_left = 0;
}

static void software_reset(sdhci *s, uint8_t value)
{
    if (value & 1) { /* everything but the card */
        reset_registers(s);
        if (s->card) sd_card_power_on(s->card);
        return;
    }
    if (value & 4) { /* the data line: the transfer in progress */
        s->pio = false;
        s->buf_pos = s->buf_len = 0;
        put(s, R_NORMAL_STATUS, 2,
            get(s, R_NORMAL_STATUS, 2) & ~(NORMAL_TRANSFER_COMPLETE | NORMAL_DMA |
                                           NORMAL_BUFFER_READ_READY | NORMAL_BUFFER_WRITE_READY));
    }
    if (value & 2) /* the command line */
        put(s, R_NORMAL_STATUS, 2, get(s, R_NORMAL_STATUS, 2) & ~NORMAL_COMMAND_COMPLETE);
}

static bool read_only_byte(unsigned b)
{
    return (b >= R_RESPONSE && b < R_BUFFER_DATA) || (b >= R_PRESENT_STATE && b < R_HOST_CONTROL) ||
           (b >= R_AUTO_CMD12_ERROR && b < R_AUTO_CMD12_ERROR + 2) ||
           (b >= R_CAPABILITIES && b < R_CAPABILITIES + 12) || b >= R_SLOT_INT_STATUS;
}

static uint64_t sdhci_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    sdhci *s = opaque;
    if (offset + size > N_REG_BYTES) {
        if (!attrs.debug) log_guest_error(s, "read of a reserved register", offset);
        return 0;
    }
    if (offset >= R_BUFFER_DATA && offset < R_BUFFER_DATA + 4)
        return read_buffer(s, size, attrs.debug);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned b = (unsigned)offset + i;
        uint8_t byte = s->regs[b];
        if (b >= R_PRESENT_STATE && b < R_PRESENT_STATE + 4)
            byte = (uint8_t)(present_state(s) >> (8 * (b - R_PRESENT_STATE)));
        else if (b >= R_NORMAL_STATUS && b < R_NORMAL_STATUS + 2)
            byte = (uint8_t)(normal_status(s) >> (8 * (b - R_NORMAL_STATUS)));
        else if (b == R_CLOCK_CONTROL)
            byte = (uint8_t)((byte & ~2u) | ((byte & 1) << 1)); /* internal clock stable */
        else if (b == R_SOFTWARE_RESET)
            byte = 0;
        else if (b == R_SLOT_INT_STATUS)
            byte = (uint8_t)(normal_status(s) & get(s, R_NORMAL_SIGNAL_EN, 2) ? 1 : 0);
        v |= (uint32_t)byte << (8 * i);
    }
    return v;
}

static void sdhci_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                        bb_attrs attrs)
{
    sdhci *s = opaque;
    (void)attrs;
    if (offset + size > N_REG_BYTES) {
        log_guest_error(s, "write to a reserved register", offset);
        return;
    }
    if (offset >= R_BUFFER_DATA && offset < R_BUFFER_DATA + 4) {
        write_buffer(s, (uint32_t)value, size);
        return;
    }
    bool command = false, reset = false, power_on = false;
    for (unsigned i = 0; i < size; i++) {
        unsigned b = (unsigned)offset + i;
        uint8_t byte = (uint8_t)(value >> (8 * i));
        if (read_only_byte(b)) continue;
        if (b >= R_NORMAL_STATUS && b < R_NORMAL_STATUS + 4) {
            s->regs[b] &= (uint8_t)~byte; /* write one to clear */
            continue;
        }
        if (b == R_POWER_CONTROL && !(s->regs[b] & 1) && (byte & 1)) power_on = true;
        if (b == R_COMMAND + 1) command = true;
        if (b == R_SOFTWARE_RESET) reset = true;
        s->regs[b] = byte;
    }
    if (power_on && s->card) sd_card_power_on(s->card);
    if (reset) software_reset(s, s->regs[R_SOFTWARE_RESET]);
    s->regs[R_SOFTWARE_RESET] = 0;
    if (command) issue_command(s);
    update_irq(s);
}

static const bb_mmio_ops sdhci_ops = {.read = sdhci_read, .write = sdhci_write};

static void sdhci_reset(bb_device *dev)
{
    sdhci *s = (sdhci *)dev;
    reset_registers(s);
    if (s->card) sd_card_power_on(s->card);
    update_irq(s);
}

static void sdhci_state(bb_device *dev, bb_state *st)
{
    sdhci *s = (sdhci *)dev;
    bb_state_bytes(st, s->regs, sizeof(s->regs));
    bb_state_bool(st, &s->pio);
    bb_state_bool(st, &s->reading);
    bb_state_u32(st, &s->blocks_left);
    bb_state_bytes(st, s->buf, sizeof(s->buf));
    bb_state_u32(st, &s->buf_pos);
    bb_state_u32(st, &s->buf_len);
    if (s->buf_len > BLOCK_MAX || s->buf_pos > s->buf_len) {
        bb_state_fail(st, "sdhci: bad buffer state");
        s->buf_pos = s->buf_len = 0;
    }
    bool card = s->card != NULL;
    bb_state_bool(st, &card);
    if (card != (s->card != NULL))
        bb_state_fail(st, "sdhci: the SD card slot changed since the snapshot");
    else if (card)
        sd_card_state(s->card, st);
}

static void sdhci_destroy(bb_device *dev)
{
    sdhci *s = (sdhci *)dev;
    sd_card_free(s->card);
    bb_device_cleanup(dev);
    free(s);
}

static bb_device *sdhci_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    sdhci *s = calloc(1, sizeof(*s));
    if (!s || !bb_device_init(&s->dev, &bb_model_sdhci, m, cfg->name, 1, 0, NULL, NULL)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->dev.reset = sdhci_reset;
    s->dev.destroy = sdhci_destroy;
    s->dev.state = sdhci_state;
    const char *image =
        cfg->fdt ? fdt_getprop(cfg->fdt, cfg->node, "brassboard,sd-image", NULL) : NULL;
    bool read_only = cfg->fdt && fdt_getprop(cfg->fdt, cfg->node, "brassboard,sd-read-only", NULL);
    if (image && !(s->card = sd_card_open(image, read_only, err, errlen))) {
        sdhci_destroy(&s->dev);
        return NULL;
    }
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &sdhci_ops, s)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        sdhci_destroy(&s->dev);
        return NULL;
    }
    sdhci_reset(&s->dev);
    return &s->dev;
}

static const char *const sdhci_compatible[] = {"arasan,sdhci-8.9a", "xlnx,zynq-sdhci",
                                               "generic-sdhci", NULL};

const bb_device_model bb_model_sdhci = {
    "sdhci",
    "SD host controller (SDHCI 2.00, Zynq SDIO) with an SD card",
    sdhci_compatible,
    sdhci_create,
};
