/*
 * a9_scu.c: the Snoop Control Unit of the Cortex-A9 MPCore (first 0x100 bytes of the
 * private memory region). Caches are not modelled, so coherency is free: the registers
 * are kept for software to read back. The configuration register reports the machine's
 * CPU count with every CPU taking part in coherency (SMP), as Linux's scu_get_core_count
 * reads it; "invalidate all" completes at once.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    SCU_CONTROL = 0x00,
    SCU_CONFIG = 0x04,
    SCU_POWER = 0x08,
    SCU_INVALIDATE_ALL = 0x0c,
    SCU_FILTER_START = 0x40,
    SCU_FILTER_END = 0x44,
    SCU_SAC = 0x50,
    SCU_SNSAC = 0x54,
};

#define CONTROL_MASK 0x7fu /* enable, address filtering, parity, speculative linefill, ... */

typedef struct a9_scu {
    bb_device dev;
    int n_cpus;
    uint32_t control, power, filter_start, filter_end, sac, snsac;
} a9_scu;

static void log_guest_error(a9_scu *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%02llx", s->dev.name,
                  what, (unsigned long long)offset);
}

static uint32_t config_value(const a9_scu *s)
{
    uint32_t cpus = (1u << s->n_cpus) - 1;
    return (uint32_t)(s->n_cpus - 1) | cpus << 4;
}

static uint64_t scu_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    a9_scu *s = opaque;
    uint32_t value = 0;
    switch (offset & ~3ull) {
    case SCU_CONTROL: value = s->control; break;
    case SCU_CONFIG: value = config_value(s); break;
    case SCU_POWER: value = s->power; break;
    case SCU_INVALIDATE_ALL: break;
    case SCU_FILTER_START: value = s->filter_start; break;
    case SCU_FILTER_END: value = s->filter_end; break;
    case SCU_SAC: value = s->sac; break;
    case SCU_SNSAC: value = s->snsac; break;
    default:
        if (!attrs.debug) log_guest_error(s, "read of a reserved register", offset);
    }
    return bb_mmio_narrow(value, offset, size);
}

static void scu_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    a9_scu *s = opaque;
    (void)attrs;
    if (offset >= SCU_POWER && offset < SCU_POWER + 4) {
        /* one byte per CPU (Linux writes its own byte) */
        unsigned shift = 8 * (unsigned)(offset - SCU_POWER);
        uint32_t mask = (size >= 4 ? 0xffffffffu : ((1u << (8 * size)) - 1)) << shift;
        s->power = (s->power & ~mask) | (((uint32_t)value << shift) & mask & 0x03030303u);
        return;
    }
    switch (offset) {
    case SCU_CONTROL: s->control = (uint32_t)value & CONTROL_MASK; break;
    case SCU_INVALIDATE_ALL: break;
    case SCU_FILTER_START: s->filter_start = (uint32_t)value & 0xfff00000u; break;
    case SCU_FILTER_END: s->filter_end = (uint32_t)value & 0xfff00000u; break;
    case SCU_SAC: s->sac = (uint32_t)value & 0xf; break;
    case SCU_SNSAC: s->snsac = (uint32_t)value & 0xfff; break;
    default: log_guest_error(s, "write to a read-only or reserved register", offset);
    }
}

static const bb_mmio_ops scu_ops = {.read = scu_read, .write = scu_write};

static void scu_reset(bb_device *dev)
{
    a9_scu *s = (a9_scu *)dev;
    s->control = s->power = s->filter_start = s->filter_end = s->snsac = 0;
    s->sac = 0xf;
}

static void scu_state(bb_device *dev, bb_state *st)
{
    a9_scu *s = (a9_scu *)dev;
    uint32_t *regs[] = {&s->control,    &s->power, &s->filter_start,
                        &s->filter_end, &s->sac,   &s->snsac};
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        bb_state_u32(st, regs[i]);
}

static void scu_destroy(bb_device *dev)
{
    bb_device_cleanup(dev);
    free(dev);
}

static bb_device *scu_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    a9_scu *s = calloc(1, sizeof(*s));
    if (!s || !bb_device_init(&s->dev, &bb_model_a9_scu, m, cfg->name, 0, 0, NULL, NULL)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->n_cpus = m->n_cpus > 0 ? m->n_cpus : 1;
    s->dev.reset = scu_reset;
    s->dev.destroy = scu_destroy;
    s->dev.state = scu_state;
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &scu_ops, s)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        scu_destroy(&s->dev);
        return NULL;
    }
    scu_reset(&s->dev);
    return &s->dev;
}

static const char *const scu_compatible[] = {"arm,cortex-a9-scu", NULL};

const bb_device_model bb_model_a9_scu = {
    "a9_scu",
    "Cortex-A9 MPCore snoop control unit",
    scu_compatible,
    scu_create,
};
