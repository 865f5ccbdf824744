/*
 * pl180.c: the ARM PrimeCell Multimedia Card Interface (PL180 MMCI, ARM DDI 0172) with
 * an SD card (sd_card.c) in its slot. The image is the node's `brassboard,sd-image`
 * property (`--sd FILE` sets it); `brassboard,sd-read-only` write-protects it. Without an
 * image the slot is empty and every command times out.
 *
 * The command path state machine completes a command as soon as MCICommand is written
 * with the CPSM enabled: CmdRespEnd (with the response), CmdSent (no response expected)
 * or CmdTimeOut. The data path moves bytes between the card and a 16-word FIFO at once:
 * a read fills the FIFO whenever it has room and refills it as the CPU empties it, a
 * write passes every word the CPU puts in the FIFO on to the card (the FIFO never
 * fills). MCIFifoCnt counts the words still to pass through the FIFO, MCIDataCnt the
 * bytes; DataEnd and DataBlockEnd are set when the last byte has passed. Interrupt 0 is
 * MCIStatus & MCIMask0, interrupt 1 (the PIO interrupt Linux uses) MCIStatus & MCIMask1.
 * DMA requests are not modelled.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"
#include "peripherals/pl180.h"
#include "peripherals/sd_card.h"

enum {
    MCI_POWER = 0x00,
    MCI_CLOCK = 0x04,
    MCI_ARGUMENT = 0x08,
    MCI_COMMAND = 0x0c,
    MCI_RESPCMD = 0x10,
    MCI_RESPONSE0 = 0x14, /* 0x14-0x20 */
    MCI_DATATIMER = 0x24,
    MCI_DATALENGTH = 0x28,
    MCI_DATACTRL = 0x2c,
    MCI_DATACNT = 0x30,
    MCI_STATUS = 0x34,
    MCI_CLEAR = 0x38,
    MCI_MASK0 = 0x3c,
    MCI_MASK1 = 0x40,
    MCI_FIFOCNT = 0x48,
    MCI_FIFO = 0x80, /* 0x80-0xbc */
};

enum {
    CMD_INDEX = 0x3f,
    CMD_RESPONSE = 1u << 6,
    CMD_LONG_RESPONSE = 1u << 7,
    CMD_ENABLE = 1u << 10,
};

enum {
    DATA_ENABLE = 1u << 0,
    DATA_FROM_CARD = 1u << 1,
};

enum {
    ST_CMD_CRC_FAIL = 1u << 0,
    ST_DATA_CRC_FAIL = 1u << 1,
    ST_CMD_TIMEOUT = 1u << 2,
    ST_DATA_TIMEOUT = 1u << 3,
    ST_TX_UNDERRUN = 1u << 4,
    ST_RX_OVERRUN = 1u << 5,
    ST_CMD_RESP_END = 1u << 6,
    ST_CMD_SENT = 1u << 7,
    ST_DATA_END = 1u << 8,
    ST_START_BIT_ERR = 1u << 9,
    ST_DATA_BLOCK_END = 1u << 10,
    ST_CMD_ACTIVE = 1u << 11,
    ST_TX_ACTIVE = 1u << 12,
    ST_RX_ACTIVE = 1u << 13,
    ST_TX_HALF_EMPTY = 1u << 14,
    ST_RX_HALF_FULL = 1u << 15,
    ST_TX_FULL = 1u << 16,
    ST_RX_FULL = 1u << 17,
    ST_TX_EMPTY = 1u << 18,
    ST_RX_EMPTY = 1u << 19,
    ST_TX_AVAILABLE = 1u << 20,
    ST_RX_AVAILABLE = 1u << 21,
    ST_LATCHED = 0x7ff,
};

#define FIFO_WORDS 16

typedef struct pl180 {
    bb_device dev;
    sd_card *card;
    uint32_t power, clock, argument, command, respcmd, response[4];
    uint32_t datatimer, datalength, datactrl, status, mask[2];
    uint32_t data_left; /* bytes still to pass through the FIFO */
    uint32_t fifo[FIFO_WORDS];
    int fifo_head, fifo_count;
} pl180;

static const uint8_t pl180_id[8] = {0x80, 0x11, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static void log_guest_error(pl180 *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", s->dev.name,
                  what, (unsigned long long)offset);
}

bool bb_pl180_card_present(bb_device *dev)
{
    return ((pl180 *)dev)->card != NULL;
}

bool bb_pl180_card_read_only(bb_device *dev)
{
    pl180 *s = (pl180 *)dev;
    return s->card && sd_card_read_only(s->card);
}

static bool data_active(const pl180 *s)
{
    return (s->datactrl & DATA_ENABLE) && (s->data_left > 0 || s->fifo_count > 0);
}

static bool reading(const pl180 *s)
{
    return (s->datactrl & DATA_FROM_CARD) != 0;
}

static uint32_t full_status(const pl180 *s)
{
    uint32_t st = s->status;
    if (data_active(s)) {
        if (reading(s)) {
            st |= ST_RX_ACTIVE;
            if (s->fifo_count >= FIFO_WORDS / 2) st |= ST_RX_HALF_FULL;
            if (s->fifo_count == FIFO_WORDS) st |= ST_RX_FULL;
            if (s->fifo_count > 0) st |= ST_RX_AVAILABLE;
        } else {
            st |= ST_TX_ACTIVE | ST_TX_HALF_EMPTY | ST_TX_EMPTY;
        }
    }
    if (s->fifo_count == 0) st |= reading(s) ? ST_RX_EMPTY : ST_TX_EMPTY;
    return st;
}

static void update_irq(pl180 *s)
{
    uint32_t st = full_status(s);
    bb_irq_set(&s->dev.irq_out[0], (st & s->mask[0]) != 0);
    if (s->dev.n_irq_out > 1) bb_irq_set(&s->dev.irq_out[1], (st & s->mask[1]) != 0);
}

static void check_data_end(pl180 *s)
{
    if ((s->datactrl & DATA_ENABLE) && s->data_left == 0 && s->fifo_count == 0) {
        s->status |= ST_DATA_END | ST_DATA_BLOCK_END;
        s->datactrl &= ~DATA_ENABLE;
    }
}

/* Reads: moves card data into the FIFO while it has room. */
static void fill_fifo(pl180 *s)
{
    if (!(s->datactrl & DATA_ENABLE) || !reading(s) || !s->card) return;
    while (s->fifo_count < FIFO_WORDS && s->data_left > 0 && sd_card_sending(s->card)) {
        uint32_t word = 0;
        unsigned n = s->data_left < 4 ? s->data_left : 4;
        for (unsigned i = 0; i < n; i++)
            word |= (uint32_t)sd_card_read_byte(s->card) << (8 * i);
        s->fifo[(s->fifo_head + s->fifo_count) % FIFO_WORDS] = word;
        s->fifo_count++;
        s->data_left -= n;
    }
}

static uint32_t pop_fifo(pl180 *s)
{
    if (!reading(s) || s->fifo_count == 0) {
        log_guest_error(s, "read of an empty FIFO", MCI_FIFO);
        return 0;
    }
    uint32_t word = s->fifo[s->fifo_head];
    s->fifo_head = (s->fifo_head + 1) % FIFO_WORDS;
    s->fifo_count--;
    fill_fifo(s);
    check_data_end(s);
    update_irq(s);
    return word;
}

static void push_fifo(pl180 *s, uint32_t word)
{
    if (!(s->datactrl & DATA_ENABLE) || reading(s) || s->data_left == 0) {
        log_guest_error(s, "write to the FIFO with no transmit in progress", MCI_FIFO);
        return;
    }
    unsigned n = s->data_left < 4 ? s->data_left : 4;
    for (unsigned i = 0; i < n; i++)
        if (s->card) sd_card_write_byte(s->card, (uint8_t)(word >> (8 * i)));
    s->data_left -= n;
    check_data_end(s);
    update_irq(s);
}

static void start_data(pl180 *s, uint32_t value)
{
    s->datactrl = value & 0xff;
    s->fifo_head = s->fifo_count = 0;
    if (!(value & DATA_ENABLE)) {
        s->data_left = 0;
        update_irq(s);
        return;
    }
    s->data_left = s->datalength;
    fill_fifo(s);
    check_data_end(s);
    update_irq(s);
}

static void run_command(pl180 *s, uint32_t value)
{
    s->command = value & 0x7ff;
    if (!(value & CMD_ENABLE)) return;
    unsigned index = value & CMD_INDEX;
    uint32_t resp[4] = {0};
    int kind = s->card && (s->power & 3) == 3 ? sd_card_command(s->card, index, s->argument, resp)
                                              : SD_NO_RESPONSE;
    s->status &= ~(ST_CMD_RESP_END | ST_CMD_SENT | ST_CMD_TIMEOUT | ST_CMD_CRC_FAIL);
    if (!(value & CMD_RESPONSE)) {
        s->status |= ST_CMD_SENT;
    } else if (kind == SD_NO_RESPONSE || kind == SD_RESPONSE_NONE) {
        s->status |= ST_CMD_TIMEOUT;
    } else {
        s->respcmd = kind == SD_RESPONSE_136 ? 0x3f : index;
        memcpy(s->response, resp, sizeof(resp));
        if (kind == SD_RESPONSE_136 && !(value & CMD_LONG_RESPONSE)) s->response[0] = resp[0];
        s->status |= ST_CMD_RESP_END;
    }
    s->command &= ~CMD_ENABLE;
    fill_fifo(s); /* a read command with the data path already waiting */
    update_irq(s);
}

static uint32_t read_register(pl180 *s, uint64_t offset, bool debug)
{
    uint32_t id;
    if (offset >= MCI_FIFO && offset < MCI_FIFO + 4 * FIFO_WORDS) {
        if (debug) return s->fifo_count ? s->fifo[s->fifo_head] : 0;
        return pop_fifo(s);
    }
    if (offset >= MCI_RESPONSE0 && offset < MCI_RESPONSE0 + 16)
        return s->response[(offset - MCI_RESPONSE0) / 4];
    switch (offset) {
    case MCI_POWER: return s->power;
    case MCI_CLOCK: return s->clock;
    case MCI_ARGUMENT: return s->argument;
    case MCI_COMMAND: return s->command;
    case MCI_RESPCMD: return s->respcmd;
    case MCI_DATATIMER: return s->datatimer;
    case MCI_DATALENGTH: return s->datalength;
    case MCI_DATACTRL: return s->datactrl;
    case MCI_DATACNT: return s->data_left + 4u * (uint32_t)s->fifo_count;
    case MCI_STATUS: return full_status(s);
    case MCI_MASK0: return s->mask[0];
    case MCI_MASK1: return s->mask[1];
    case MCI_FIFOCNT: return (s->data_left + 3) / 4;
    case MCI_CLEAR: return 0;
    }
    if (bb_primecell_id(pl180_id, offset, &id)) return id;
    if (!debug) log_guest_error(s, "read of a reserved register", offset);
    return 0;
}

static void write_register(pl180 *s, uint64_t offset, uint32_t value)
{
    if (offset >= MCI_FIFO && offset < MCI_FIFO + 4 * FIFO_WORDS) {
        push_fifo(s, value);
        return;
    }
    switch (offset) {
    case MCI_POWER:
        if ((s->power & 3) != 3 && (value & 3) == 3 && s->card) sd_card_power_on(s->card);
        s->power = value & 0xc3;
        return;
    case MCI_CLOCK: s->clock = value & 0xfff; return;
    case MCI_ARGUMENT: s->argument = value; return;
    case MCI_COMMAND: run_command(s, value); return;
    case MCI_DATATIMER: s->datatimer = value; return;
    case MCI_DATALENGTH: s->datalength = value & 0xffff; return;
    case MCI_DATACTRL: start_data(s, value); return;
    case MCI_CLEAR:
        s->status &= ~(value & ST_LATCHED);
        update_irq(s);
        return;
    case MCI_MASK0:
    case MCI_MASK1:
        s->mask[offset == MCI_MASK1] = value & 0x3fffff;
        update_irq(s);
        return;
    }
    log_guest_error(s, "write to a read-only or reserved register", offset);
}

static uint64_t pl180_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    pl180 *s = opaque;
    return bb_mmio_narrow(read_register(s, offset & ~3ull, attrs.debug), offset, size);
}

static void pl180_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                        bb_attrs attrs)
{
    pl180 *s = opaque;
    (void)size;
    (void)attrs;
    if (offset & 3)
        log_guest_error(s, "unaligned write", offset);
    else
        write_register(s, offset, (uint32_t)value);
}

static const bb_mmio_ops pl180_ops = {.read = pl180_read, .write = pl180_write};

static void pl180_reset(bb_device *dev)
{
    pl180 *s = (pl180 *)dev;
    s->power = s->clock = s->argument = s->command = s->respcmd = 0;
    memset(s->response, 0, sizeof(s->response));
    s->datatimer = s->datalength = s->datactrl = s->status = 0;
    s->mask[0] = s->mask[1] = 0;
    s->data_left = 0;
    s->fifo_head = s->fifo_count = 0;
    if (s->card) sd_card_power_on(s->card);
    update_irq(s);
}

/* A snapshot holds the card's state with the controller's (the slot must hold a card
 * in both or in neither); the image file is the host's. */
static void pl180_state(bb_device *dev, bb_state *st)
{
    pl180 *s = (pl180 *)dev;
    uint32_t *regs[] = {&s->power,   &s->clock,     &s->argument,   &s->command,
                        &s->respcmd, &s->datatimer, &s->datalength, &s->datactrl,
                        &s->status,  &s->mask[0],   &s->mask[1],    &s->data_left};
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        bb_state_u32(st, regs[i]);
    for (int i = 0; i < 4; i++)
        bb_state_u32(st, &s->response[i]);
    for (int i = 0; i < FIFO_WORDS; i++)
        bb_state_u32(st, &s->fifo[i]);
    bb_state_int(st, &s->fifo_head);
    bb_state_int(st, &s->fifo_count);
    if (s->fifo_head < 0 || s->fifo_head >= FIFO_WORDS || s->fifo_count < 0 ||
        s->fifo_count > FIFO_WORDS) {
        bb_state_fail(st, "pl180: bad FIFO state");
        s->fifo_head = s->fifo_count = 0;
    }
    bool card = s->card != NULL;
    bb_state_bool(st, &card);
    if (card != (s->card != NULL))
        bb_state_fail(st, "pl180: the SD card slot changed since the snapshot");
    else if (card)
        sd_card_state(s->card, st);
}

static void pl180_destroy(bb_device *dev)
{
    pl180 *s = (pl180 *)dev;
    sd_card_free(s->card);
    bb_device_cleanup(dev);
    free(s);
}

static bb_device *pl180_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    pl180 *s = calloc(1, sizeof(*s));
    if (!s || !bb_device_init(&s->dev, &bb_model_pl180, m, cfg->name, 2, 0, NULL, NULL)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->dev.reset = pl180_reset;
    s->dev.destroy = pl180_destroy;
    s->dev.state = pl180_state;
    const char *image =
        cfg->fdt ? fdt_getprop(cfg->fdt, cfg->node, "brassboard,sd-image", NULL) : NULL;
    bool read_only = cfg->fdt && fdt_getprop(cfg->fdt, cfg->node, "brassboard,sd-read-only", NULL);
    if (image && !(s->card = sd_card_open(image, read_only, err, errlen))) {
        pl180_destroy(&s->dev);
        return NULL;
    }
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &pl180_ops, s)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        pl180_destroy(&s->dev);
        return NULL;
    }
    pl180_reset(&s->dev);
    return &s->dev;
}

static const char *const pl180_compatible[] = {"arm,pl180", "arm,pl181", NULL};

const bb_device_model bb_model_pl180 = {
    "pl180",
    "ARM PrimeCell multimedia card interface (PL180 MMCI) with an SD card",
    pl180_compatible,
    pl180_create,
};
