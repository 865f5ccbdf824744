/*
 * pl310.c: the ARM L2C-310 level-2 cache controller (PL310, ARM DDI 0246), as on the
 * Cortex-A9 tiles. No cache is modelled (memory is always coherent), so every maintenance
 * operation (by way, by index, by physical address, sync) completes at once: the "by way"
 * registers read back zero, which is what drivers poll for. Configuration registers
 * (control, auxiliary control, latencies, prefetch, power, lockdown, address filtering)
 * are kept for software to read back. The cache ID says PL310 r3p2; the auxiliary control
 * reset value describes a 512 KiB, 8-way cache with 64 KiB ways.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    L2_CACHE_ID = 0x000,
    L2_CACHE_TYPE = 0x004,
    L2_CONTROL = 0x100,
    L2_AUX_CONTROL = 0x104,
    L2_TAG_LATENCY = 0x108,
    L2_DATA_LATENCY = 0x10c,
    L2_EVENT_CONTROL = 0x200,
    L2_EVENT_CONFIG1 = 0x204,
    L2_EVENT_CONFIG0 = 0x208,
    L2_EVENT_COUNT1 = 0x20c,
    L2_EVENT_COUNT0 = 0x210,
    L2_INT_MASK = 0x214,
    L2_INT_MASKED_STATUS = 0x218,
    L2_INT_RAW_STATUS = 0x21c,
    L2_INT_CLEAR = 0x220,
    L2_SYNC = 0x730,
    L2_INV_PA = 0x770,
    L2_INV_WAY = 0x77c,
    L2_CLEAN_PA = 0x7b0,
    L2_CLEAN_INDEX = 0x7b8,
    L2_CLEAN_WAY = 0x7bc,
    L2_CLEAN_INV_PA = 0x7f0,
    L2_CLEAN_INV_INDEX = 0x7f8,
    L2_CLEAN_INV_WAY = 0x7fc,
    L2_LOCKDOWN = 0x900, /* D and I lockdown for 8 masters: 0x900-0x93c */
    L2_LOCK_LINE_EN = 0x950,
    L2_UNLOCK_WAY = 0x954,
    L2_FILTER_START = 0xc00,
    L2_FILTER_END = 0xc04,
    L2_DEBUG_CONTROL = 0xf40,
    L2_PREFETCH_CONTROL = 0xf60,
    L2_POWER_CONTROL = 0xf80,
};

#define CACHE_ID      0x410000c8u /* ARM, PL310, RTL release r3p2 */
#define CACHE_TYPE    0x1c100100u
#define AUX_RESET     0x02060000u /* 8 ways of 64 KiB */
#define LATENCY_RESET 0x111u
#define N_LOCKDOWN    16

typedef struct pl310 {
    bb_device dev;
    uint32_t control, aux, tag_latency, data_latency, event_control, event_config[2];
    uint32_t int_mask, lockdown[N_LOCKDOWN], lock_line_en, filter_start, filter_end;
    uint32_t debug_control, prefetch_control, power_control;
} pl310;

static void log_guest_error(pl310 *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", s->dev.name,
                  what, (unsigned long long)offset);
}

/* The register a read or write names, or NULL (for those with no stored value). */
static uint32_t *stored_register(pl310 *s, uint64_t offset)
{
    if (offset >= L2_LOCKDOWN && offset < L2_LOCKDOWN + 4 * N_LOCKDOWN)
        return &s->lockdown[(offset - L2_LOCKDOWN) / 4];
    switch (offset) {
    case L2_CONTROL: return &s->control;
    case L2_AUX_CONTROL: return &s->aux;
    case L2_TAG_LATENCY: return &s->tag_latency;
    case L2_DATA_LATENCY: return &s->data_latency;
    case L2_EVENT_CONTROL: return &s->event_control;
    case L2_EVENT_CONFIG1: return &s->event_config[1];
    case L2_EVENT_CONFIG0: return &s->event_config[0];
    case L2_INT_MASK: return &s->int_mask;
    case L2_LOCK_LINE_EN: return &s->lock_line_en;
    case L2_FILTER_START: return &s->filter_start;
    case L2_FILTER_END: return &s->filter_end;
    case L2_DEBUG_CONTROL: return &s->debug_control;
    case L2_PREFETCH_CONTROL: return &s->prefetch_control;
    case L2_POWER_CONTROL: return &s->power_control;
    }
    return NULL;
}

/* Maintenance operations: they complete at once and read as idle. */
static bool is_operation(uint64_t offset)
{
    switch (offset) {
    case L2_SYNC:
    case L2_INV_PA:
    case L2_INV_WAY:
    case L2_CLEAN_PA:
    case L2_CLEAN_INDEX:
    case L2_CLEAN_WAY:
    case L2_CLEAN_INV_PA:
    case L2_CLEAN_INV_INDEX:
    case L2_CLEAN_INV_WAY:
    case L2_UNLOCK_WAY:
    case L2_INT_CLEAR: return true;
    }
    return false;
}

static uint64_t pl310_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    pl310 *s = opaque;
    uint64_t reg = offset & ~3ull;
    uint32_t value = 0;
    uint32_t *stored = stored_register(s, reg);
    if (stored)
        value = *stored;
    else if (reg == L2_CACHE_ID)
        value = CACHE_ID;
    else if (reg == L2_CACHE_TYPE)
        value = CACHE_TYPE;
    else if (reg == L2_EVENT_COUNT0 || reg == L2_EVENT_COUNT1 || reg == L2_INT_MASKED_STATUS ||
             reg == L2_INT_RAW_STATUS || is_operation(reg))
        value = 0;
    else if (!attrs.debug)
        log_guest_error(s, "read of a reserved register", reg);
    return bb_mmio_narrow(value, offset, size);
}

static void pl310_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                        bb_attrs attrs)
{
    pl310 *s = opaque;
    (void)size;
    (void)attrs;
    uint32_t *stored = stored_register(s, offset);
    if (offset == L2_CONTROL)
        s->control = (uint32_t)value & 1;
    else if (stored)
        *stored = (uint32_t)value;
    else if (!is_operation(offset))
        log_guest_error(s, "write to a read-only or reserved register", offset);
}

static const bb_mmio_ops pl310_ops = {.read = pl310_read, .write = pl310_write};

static void pl310_reset(bb_device *dev)
{
    pl310 *s = (pl310 *)dev;
    s->control = s->event_control = s->int_mask = s->lock_line_en = 0;
    s->event_config[0] = s->event_config[1] = 0;
    memset(s->lockdown, 0, sizeof(s->lockdown));
    s->filter_start = s->filter_end = s->debug_control = 0;
    s->prefetch_control = s->power_control = 0;
    s->aux = AUX_RESET;
    s->tag_latency = s->data_latency = LATENCY_RESET;
}

static void pl310_state(bb_device *dev, bb_state *st)
{
    pl310 *s = (pl310 *)dev;
    uint32_t *regs[] = {&s->control,          &s->aux,           &s->tag_latency,
                        &s->data_latency,     &s->event_control, &s->event_config[0],
                        &s->event_config[1],  &s->int_mask,      &s->lock_line_en,
                        &s->filter_start,     &s->filter_end,    &s->debug_control,
                        &s->prefetch_control, &s->power_control};
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        bb_state_u32(st, regs[i]);
    for (int i = 0; i < N_LOCKDOWN; i++)
        bb_state_u32(st, &s->lockdown[i]);
}

static void pl310_destroy(bb_device *dev)
{
    bb_device_cleanup(dev);
    free(dev);
}

static bb_device *pl310_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    pl310 *s = calloc(1, sizeof(*s));
    if (!s || !bb_device_init(&s->dev, &bb_model_pl310, m, cfg->name, 1, 0, NULL, NULL)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->dev.reset = pl310_reset;
    s->dev.destroy = pl310_destroy;
    s->dev.state = pl310_state;
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &pl310_ops, s)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        pl310_destroy(&s->dev);
        return NULL;
    }
    pl310_reset(&s->dev);
    return &s->dev;
}

static const char *const pl310_compatible[] = {"arm,pl310-cache", NULL};

const bb_device_model bb_model_pl310 = {
    "pl310",
    "ARM L2C-310 level-2 cache controller (no cache modelled)",
    pl310_compatible,
    pl310_create,
};
