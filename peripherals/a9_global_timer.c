/*
 * a9_global_timer.c: the Cortex-A9 MPCore global timer (offset 0x200 of the private
 * region): one 64-bit up-counter shared by the CPUs, clocked at PERIPHCLK / (prescaler +
 * 1) (the node's `clock-frequency`, default 200 MHz as for a9_twd.c), and per CPU a banked
 * comparator with its enable, IRQ enable, auto-increment and event flag. A CPU's event flag
 * is set when the counter reaches (or has passed, when the comparator is enabled or
 * written) its comparator; with auto-increment the comparator then moves on by the
 * increment. The flag drives that CPU's PPI 27 while the IRQ enable is set.
 * The counter is worked out from virtual time; one clock event per CPU is armed for the
 * time its comparator will be reached.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/arm_gic.h"
#include "peripherals/peripherals.h"

enum {
    GT_COUNTER_LO = 0x00,
    GT_COUNTER_HI = 0x04,
    GT_CONTROL = 0x08,
    GT_INTSTAT = 0x0c,
    GT_COMPARE_LO = 0x10,
    GT_COMPARE_HI = 0x14,
    GT_AUTOINC = 0x18,
};

enum {
    CTRL_TIMER_ENABLE = 1u << 0, /* shared */
    CTRL_COMP_ENABLE = 1u << 1,  /* banked */
    CTRL_IRQ_ENABLE = 1u << 2,   /* banked */
    CTRL_AUTO_INC = 1u << 3,     /* banked */
    CTRL_BANKED = CTRL_COMP_ENABLE | CTRL_IRQ_ENABLE | CTRL_AUTO_INC,
    CTRL_PRESCALER_SHIFT = 8, /* shared, bits 15:8 */
};

#define NS_PER_SECOND     1000000000ull
#define DEFAULT_PERIPHCLK 200000000u

typedef struct a9_global_timer a9_global_timer;

typedef struct gt_cpu {
    a9_global_timer *owner;
    int cpu;
    uint32_t control; /* banked bits */
    uint32_t event, autoinc;
    uint64_t compare;
    bb_timer timer;
} gt_cpu;

struct a9_global_timer {
    bb_device dev;
    int n_cpus;
    uint32_t clock_hz;
    bool enabled;
    uint32_t prescaler;
    uint64_t count; /* the counter at anchor_ns (the counter itself when stopped) */
    uint64_t anchor_ns;
    gt_cpu cpu[BB_MAX_CPUS];
};

static void log_guest_error(a9_global_timer *g, const char *what, uint64_t offset)
{
    bb_log_printf(&g->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%02llx", g->dev.name,
                  what, (unsigned long long)offset);
}

static uint64_t now_ns(a9_global_timer *g)
{
    return bb_clock_now(g->dev.machine->clock);
}

static uint64_t tick_hz(const a9_global_timer *g)
{
    return g->clock_hz / (g->prescaler + 1);
}

static uint64_t counter_at(const a9_global_timer *g, uint64_t now)
{
    if (!g->enabled) return g->count;
    uint64_t ns = now - g->anchor_ns, hz = tick_hz(g);
    return g->count + ns / NS_PER_SECOND * hz + ns % NS_PER_SECOND * hz / NS_PER_SECOND;
}

static void update_irq(gt_cpu *c)
{
    bb_irq line = bb_gic_private_line(&c->owner->dev.irq_out[0], c->cpu);
    bb_irq_set(&line, c->event && (c->control & CTRL_IRQ_ENABLE));
}

/* Sets the event when the comparator has been reached, then arms the next one. */
static void check_compare(gt_cpu *c, uint64_t now)
{
    a9_global_timer *g = c->owner;
    bb_timer_del(&c->timer);
    if (!(c->control & CTRL_COMP_ENABLE)) return;
    uint64_t count = counter_at(g, now);
    if (count >= c->compare) {
        c->event = 1;
        if (c->control & CTRL_AUTO_INC) c->compare += c->autoinc;
        update_irq(c);
    }
    if (!g->enabled || count >= c->compare) return;
    uint64_t hz = tick_hz(g), ticks = c->compare - g->count;
    uint64_t ns = ticks / hz * NS_PER_SECOND + (ticks % hz * NS_PER_SECOND + hz - 1) / hz;
    bb_timer_mod(&c->timer, g->anchor_ns + ns);
}

static void compare_reached(void *opaque)
{
    gt_cpu *c = opaque;
    check_compare(c, now_ns(c->owner));
}

static void check_all(a9_global_timer *g, uint64_t now)
{
    for (int i = 0; i < g->n_cpus; i++)
        check_compare(&g->cpu[i], now);
}

static gt_cpu *cpu_of(a9_global_timer *g, bb_attrs attrs)
{
    return &g->cpu[attrs.cpu < g->n_cpus ? attrs.cpu : 0];
}

static uint64_t gt_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    a9_global_timer *g = opaque;
    gt_cpu *c = cpu_of(g, attrs);
    uint32_t value = 0;
    switch (offset & ~3ull) {
    case GT_COUNTER_LO: value = (uint32_t)counter_at(g, now_ns(g)); break;
    case GT_COUNTER_HI: value = (uint32_t)(counter_at(g, now_ns(g)) >> 32); break;
    case GT_CONTROL:
        value = c->control | (g->enabled ? CTRL_TIMER_ENABLE : 0) |
                g->prescaler << CTRL_PRESCALER_SHIFT;
        break;
    case GT_INTSTAT: value = c->event; break;
    case GT_COMPARE_LO: value = (uint32_t)c->compare; break;
    case GT_COMPARE_HI: value = (uint32_t)(c->compare >> 32); break;
    case GT_AUTOINC: value = c->autoinc; break;
    default:
        if (!attrs.debug) log_guest_error(g, "read of a reserved register", offset);
    }
    return bb_mmio_narrow(value, offset, size);
}

/* Changes of the shared counter: re-anchor at `now`. */
static void set_counter(a9_global_timer *g, uint64_t now, uint64_t count)
{
    g->count = count;
    g->anchor_ns = now;
}

static void gt_write(void *opaque, uint64_t offset, uint64_t value64, unsigned size, bb_attrs attrs)
{
    a9_global_timer *g = opaque;
    gt_cpu *c = cpu_of(g, attrs);
    uint32_t value = (uint32_t)value64;
    uint64_t now = now_ns(g), count = counter_at(g, now);
    (void)size;
    switch (offset) {
    case GT_COUNTER_LO:
        set_counter(g, now, (count & ~0xffffffffull) | value);
        check_all(g, now);
        return;
    case GT_COUNTER_HI:
        set_counter(g, now, (count & 0xffffffffull) | (uint64_t)value << 32);
        check_all(g, now);
        return;
    case GT_CONTROL:
        set_counter(g, now, count);
        g->enabled = value & CTRL_TIMER_ENABLE;
        g->prescaler = (value >> CTRL_PRESCALER_SHIFT) & 0xff;
        c->control = value & CTRL_BANKED;
        update_irq(c);
        check_all(g, now);
        return;
    case GT_INTSTAT:
        if (value & 1) c->event = 0;
        update_irq(c);
        return;
    case GT_COMPARE_LO:
        c->compare = (c->compare & ~0xffffffffull) | value;
        check_compare(c, now);
        return;
    case GT_COMPARE_HI:
        c->compare = (c->compare & 0xffffffffull) | (uint64_t)value << 32;
        check_compare(c, now);
        return;
    case GT_AUTOINC: c->autoinc = value; return;
    }
    log_guest_error(g, "write to a reserved register", offset);
}

static const bb_mmio_ops gt_ops = {.read = gt_read, .write = gt_write};

static void gt_reset(bb_device *dev)
{
    a9_global_timer *g = (a9_global_timer *)dev;
    g->enabled = false;
    g->prescaler = 0;
    g->count = g->anchor_ns = 0;
    for (int i = 0; i < g->n_cpus; i++) {
        gt_cpu *c = &g->cpu[i];
        bb_timer_del(&c->timer);
        c->control = c->event = c->autoinc = 0;
        c->compare = 0;
    }
}

/* The armed clock events are restored by the clock, the PPI levels with the GIC. */
static void gt_state(bb_device *dev, bb_state *st)
{
    a9_global_timer *g = (a9_global_timer *)dev;
    bb_state_bool(st, &g->enabled);
    bb_state_u32(st, &g->prescaler);
    bb_state_u64(st, &g->count);
    bb_state_u64(st, &g->anchor_ns);
    for (int i = 0; i < g->n_cpus; i++) {
        gt_cpu *c = &g->cpu[i];
        bb_state_u32(st, &c->control);
        bb_state_u32(st, &c->event);
        bb_state_u32(st, &c->autoinc);
        bb_state_u64(st, &c->compare);
    }
}

static void gt_destroy(bb_device *dev)
{
    a9_global_timer *g = (a9_global_timer *)dev;
    for (int i = 0; i < BB_MAX_CPUS; i++)
        if (g->cpu[i].owner) bb_timer_del(&g->cpu[i].timer);
    bb_device_cleanup(dev);
    free(g);
}

static bb_device *gt_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    uint32_t hz = DEFAULT_PERIPHCLK;
    int len = 0;
    const fdt32_t *prop =
        cfg->fdt ? fdt_getprop(cfg->fdt, cfg->node, "clock-frequency", &len) : NULL;
    if (prop) {
        if (len != 4 || fdt32_to_cpu(*prop) == 0) {
            snprintf(err, errlen, "clock-frequency must be one non-zero cell");
            return NULL;
        }
        hz = fdt32_to_cpu(*prop);
    }
    a9_global_timer *g = calloc(1, sizeof(*g));
    if (!g || !bb_device_init(&g->dev, &bb_model_a9_global_timer, m, cfg->name, 1, 0, NULL, NULL)) {
        free(g);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    g->clock_hz = hz;
    g->n_cpus = m->n_cpus > 0 ? m->n_cpus : 1;
    g->dev.reset = gt_reset;
    g->dev.destroy = gt_destroy;
    g->dev.state = gt_state;
    for (int i = 0; i < g->n_cpus; i++) {
        g->cpu[i].owner = g;
        g->cpu[i].cpu = i;
        bb_timer_init(&g->cpu[i].timer, m->clock, compare_reached, &g->cpu[i]);
    }
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &gt_ops, g)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        gt_destroy(&g->dev);
        return NULL;
    }
    gt_reset(&g->dev);
    return &g->dev;
}

static const char *const gt_compatible[] = {"arm,cortex-a9-global-timer", NULL};

const bb_device_model bb_model_a9_global_timer = {
    "a9_global_timer",
    "Cortex-A9 MPCore global timer",
    gt_compatible,
    gt_create,
};
