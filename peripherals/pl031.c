/*
 * pl031.c: the ARM PrimeCell real-time clock (PL031, ARM DDI 0224): a 32-bit seconds
 * counter with a match register that raises the interrupt when the count reaches it.
 *
 * The count is the virtual time in seconds plus an offset, so runs are deterministic: it
 * starts at 0 unless the node has the property `brassboard,host-time`, in which case it
 * starts at the host's time of day when the machine is created. Loading RTCLR moves the
 * offset. The count keeps running across a reset, as a battery-backed clock does; like
 * QEMU's model it runs whether or not RTCCR has been started.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    RTCDR = 0x00,
    RTCMR = 0x04,
    RTCLR = 0x08,
    RTCCR = 0x0c,
    RTCIMSC = 0x10,
    RTCRIS = 0x14,
    RTCMIS = 0x18,
    RTCICR = 0x1c,
};

#define NS_PER_SECOND 1000000000ull

typedef struct pl031 {
    bb_device dev;
    uint32_t offset; /* the count minus the virtual seconds */
    uint32_t mr, lr, cr, imsc, ris;
    bb_timer match_timer;
} pl031;

static const uint8_t pl031_id[8] = {0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static void log_guest_error(pl031 *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", s->dev.name,
                  what, (unsigned long long)offset);
}

static uint64_t virtual_seconds(pl031 *s)
{
    return bb_clock_now(s->dev.machine->clock) / NS_PER_SECOND;
}

static uint32_t count(pl031 *s)
{
    return (uint32_t)(s->offset + virtual_seconds(s));
}

static void update_irq(pl031 *s)
{
    bb_irq_set(&s->dev.irq_out[0], (s->ris & s->imsc) != 0);
}

/* After RTCMR or the count changed: a match now raises the interrupt at once, a later one
 * is armed for the second the count gets there. */
static void arm_match(pl031 *s)
{
    bb_timer_del(&s->match_timer);
    uint32_t seconds_to_match = s->mr - count(s);
    if (seconds_to_match == 0) {
        s->ris = 1;
        update_irq(s);
        return;
    }
    bb_timer_mod(&s->match_timer, (virtual_seconds(s) + seconds_to_match) * NS_PER_SECOND);
}

static void match_reached(void *opaque)
{
    pl031 *s = opaque;
    s->ris = 1;
    update_irq(s);
}

static uint64_t pl031_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    pl031 *s = opaque;
    uint64_t reg = offset & ~3ull;
    uint32_t value = 0;
    switch (reg) {
    case RTCDR: value = count(s); break;
    case RTCMR: value = s->mr; break;
    case RTCLR: value = s->lr; break;
    case RTCCR: value = s->cr; break;
    case RTCIMSC: value = s->imsc; break;
    case RTCRIS: value = s->ris; break;
    case RTCMIS: value = s->ris & s->imsc; break;
    default:
        if (!bb_primecell_id(pl031_id, reg, &value) && !attrs.debug)
            log_guest_error(s, "read of a write-only or reserved register", reg);
    }
    return bb_mmio_narrow(value, offset, size);
}

static void pl031_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                        bb_attrs attrs)
{
    pl031 *s = opaque;
    uint32_t v = (uint32_t)value;
    (void)size;
    (void)attrs;
    switch (offset) {
    case RTCMR:
        s->mr = v;
        arm_match(s);
        return;
    case RTCLR:
        s->lr = v;
        s->offset = v - (uint32_t)virtual_seconds(s);
        arm_match(s);
        return;
    case RTCCR: s->cr |= v & 1; return; /* once started, stays started */
    case RTCIMSC: s->imsc = v & 1; break;
    case RTCICR: s->ris &= ~(v & 1); break;
    default: log_guest_error(s, "write to a read-only or reserved register", offset); return;
    }
    update_irq(s);
}

static const bb_mmio_ops pl031_ops = {.read = pl031_read, .write = pl031_write};

static void pl031_reset(bb_device *dev)
{
    pl031 *s = (pl031 *)dev;
    bb_timer_del(&s->match_timer);
    s->mr = s->lr = s->cr = s->imsc = s->ris = 0;
    update_irq(s);
}

static void pl031_destroy(bb_device *dev)
{
    pl031 *s = (pl031 *)dev;
    bb_timer_del(&s->match_timer);
    bb_device_cleanup(dev);
    free(s);
}

static void pl031_state(bb_device *dev, bb_state *st)
{
    pl031 *s = (pl031 *)dev;
    uint32_t *regs[] = {&s->offset, &s->mr, &s->lr, &s->cr, &s->imsc, &s->ris};
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        bb_state_u32(st, regs[i]);
}

static bb_device *pl031_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    pl031 *s = calloc(1, sizeof(*s));
    if (!s || !bb_device_init(&s->dev, &bb_model_pl031, m, cfg->name, 1, 0, NULL, NULL)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->dev.reset = pl031_reset;
    s->dev.destroy = pl031_destroy;
    s->dev.state = pl031_state;
    bb_timer_init(&s->match_timer, m->clock, match_reached, s);
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &pl031_ops, s)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        pl031_destroy(&s->dev);
        return NULL;
    }
    bool host_time = cfg->fdt && fdt_getprop(cfg->fdt, cfg->node, "brassboard,host-time", NULL);
    s->offset = (uint32_t)((host_time ? (uint64_t)time(NULL) : 0) - virtual_seconds(s));
    pl031_reset(&s->dev);
    return &s->dev;
}

static const char *const pl031_compatible[] = {"arm,pl031", NULL};

const bb_device_model bb_model_pl031 = {
    "pl031",
    "ARM PrimeCell real-time clock (PL031)",
    pl031_compatible,
    pl031_create,
};
