/*
 * a9_twd.c: the Cortex-A9 MPCore private timer (offset 0x600 of the private region) and
 * watchdog (0x620), one of each per CPU: the registers are banked, an access reaches the
 * initiating CPU's counter, and each CPU's counter drives that CPU's private interrupt
 * (PPI 29 for the timer, 30 for the watchdog; see arm_gic.h).
 *
 * A counter decrements at PERIPHCLK / (prescaler + 1); PERIPHCLK is the node's
 * `clock-frequency` (default 200 MHz: half the 400 MHz core clock of the V2P-CA9). When it
 * reaches zero it sets its event flag (and, with auto-reload, starts again from Load,
 * Load + 1 ticks per period) and interrupts while the flag and the IT enable are set.
 * As in sp804.c, a running counter is not ticked: its value is worked out from virtual time
 * and one clock event is armed for the next zero while the flag is clear.
 *
 * The watchdog in timer mode is a second timer. In watchdog mode (Control bit 3, left only
 * through the 0x12345678, 0x87654321 sequence on the disable register) reaching zero sets
 * the reset status flag and requests a CPU reset, which is logged, not performed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/arm_gic.h"
#include "peripherals/peripherals.h"

enum {
    TWD_LOAD = 0x00,
    TWD_COUNTER = 0x04,
    TWD_CONTROL = 0x08,
    TWD_INTSTAT = 0x0c,
    WDT_RESET_STATUS = 0x10,
    WDT_DISABLE = 0x14,
};

enum {
    CTRL_ENABLE = 1u << 0,
    CTRL_AUTO_RELOAD = 1u << 1,
    CTRL_IT_ENABLE = 1u << 2,
    CTRL_WD_MODE = 1u << 3,
    CTRL_PRESCALER_SHIFT = 8,
};

#define NS_PER_SECOND     1000000000ull
#define DEFAULT_PERIPHCLK 200000000u
#define DISABLE_KEY1      0x12345678u
#define DISABLE_KEY2      0x87654321u

typedef struct a9_twd a9_twd;

typedef struct twd_counter {
    a9_twd *owner;
    int cpu;
    uint32_t load, control, event, reset_status;
    uint32_t value; /* the count at anchor_ns (the count itself when stopped) */
    uint64_t anchor_ns;
    bool disable_key1; /* the first word of the disable sequence was written */
    bb_timer timer;
} twd_counter;

struct a9_twd {
    bb_device dev;
    bool watchdog;
    int n_cpus;
    uint32_t clock_hz;
    twd_counter counter[BB_MAX_CPUS];
};

static void log_guest_error(a9_twd *t, const char *what, uint64_t offset)
{
    bb_log_printf(&t->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%02llx", t->dev.name,
                  what, (unsigned long long)offset);
}

static uint64_t now_ns(a9_twd *t)
{
    return bb_clock_now(t->dev.machine->clock);
}

static bool running(const twd_counter *c)
{
    return (c->control & CTRL_ENABLE) != 0;
}

static uint64_t tick_hz(const twd_counter *c)
{
    return c->owner->clock_hz / (((c->control >> CTRL_PRESCALER_SHIFT) & 0xff) + 1);
}

static uint64_t ticks_in(uint64_t hz, uint64_t ns)
{
    return ns / NS_PER_SECOND * hz + ns % NS_PER_SECOND * hz / NS_PER_SECOND;
}

static uint64_t ns_for_ticks(uint64_t hz, uint64_t ticks)
{
    return ticks / hz * NS_PER_SECOND + (ticks % hz * NS_PER_SECOND + hz - 1) / hz;
}

static bool reloads(const twd_counter *c)
{
    return (c->control & CTRL_AUTO_RELOAD) && !(c->control & CTRL_WD_MODE);
}

static uint32_t value_at(const twd_counter *c, uint64_t now)
{
    uint64_t hz = tick_hz(c);
    if (!running(c) || hz == 0) return c->value;
    uint64_t elapsed = ticks_in(hz, now - c->anchor_ns);
    if (elapsed <= c->value) return (uint32_t)(c->value - elapsed);
    if (!reloads(c)) return 0;
    uint64_t period = (uint64_t)c->load + 1;
    uint64_t after_zero = elapsed - c->value - 1;
    return (uint32_t)(c->load - after_zero % period);
}

static void update_irq(twd_counter *c)
{
    bb_irq line = bb_gic_private_line(&c->owner->dev.irq_out[0], c->cpu);
    bb_irq_set(&line, c->event && (c->control & CTRL_IT_ENABLE) && !(c->control & CTRL_WD_MODE));
}

/* Arms the event for the next zero while it would change something. */
static void arm_next_zero(twd_counter *c, uint64_t now)
{
    bb_timer_del(&c->timer);
    uint64_t hz = tick_hz(c);
    if (!running(c) || hz == 0 || (c->event && !(c->control & CTRL_WD_MODE))) return;
    uint64_t elapsed = ticks_in(hz, now - c->anchor_ns);
    uint64_t zero = c->value;
    if (zero == 0 && !reloads(c)) return;
    if (zero == 0) zero = (uint64_t)c->load + 1;
    if (zero <= elapsed) {
        if (!reloads(c)) return;
        uint64_t period = (uint64_t)c->load + 1;
        zero += ((elapsed - zero) / period + 1) * period;
    }
    bb_timer_mod(&c->timer, c->anchor_ns + ns_for_ticks(hz, zero));
}

static void freeze(twd_counter *c, uint64_t now)
{
    if (running(c)) c->value = value_at(c, now);
    c->anchor_ns = now;
}

static void restart(twd_counter *c, uint64_t now)
{
    c->anchor_ns = now;
    arm_next_zero(c, now);
    update_irq(c);
}

static void reached_zero(void *opaque)
{
    twd_counter *c = opaque;
    a9_twd *t = c->owner;
    uint64_t now = now_ns(t);
    if (c->control & CTRL_WD_MODE) {
        c->reset_status = 1;
        bb_log_printf(&t->dev.machine->log, BB_LOG_UNIMP,
                      "%s: watchdog of CPU %d expired: CPU reset requested, not performed",
                      t->dev.name, c->cpu);
        freeze(c, now);
        return;
    }
    c->event = 1;
    update_irq(c);
}

static twd_counter *counter_of(a9_twd *t, bb_attrs attrs)
{
    return &t->counter[attrs.cpu < t->n_cpus ? attrs.cpu : 0];
}

static uint64_t twd_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    a9_twd *t = opaque;
    twd_counter *c = counter_of(t, attrs);
    uint32_t value = 0;
    switch (offset & ~3ull) {
    case TWD_LOAD: value = c->load; break;
    case TWD_COUNTER: value = value_at(c, now_ns(t)); break;
    case TWD_CONTROL: value = c->control; break;
    case TWD_INTSTAT: value = c->event; break;
    case WDT_RESET_STATUS:
        if (t->watchdog) {
            value = c->reset_status;
            break;
        }
        /* fall through */
    default:
        if (!attrs.debug) log_guest_error(t, "read of a reserved register", offset);
    }
    return bb_mmio_narrow(value, offset, size);
}

static void write_disable(twd_counter *c, uint32_t value, uint64_t now)
{
    if (value == DISABLE_KEY1) {
        c->disable_key1 = true;
        return;
    }
    if (value == DISABLE_KEY2 && c->disable_key1) {
        freeze(c, now);
        c->control &= ~CTRL_WD_MODE;
        restart(c, now);
    }
    c->disable_key1 = false;
}

static void twd_write(void *opaque, uint64_t offset, uint64_t value64, unsigned size,
                      bb_attrs attrs)
{
    a9_twd *t = opaque;
    twd_counter *c = counter_of(t, attrs);
    uint32_t value = (uint32_t)value64;
    uint64_t now = now_ns(t);
    (void)size;
    switch (offset) {
    case TWD_LOAD:
        c->load = value;
        c->value = value;
        restart(c, now);
        return;
    case TWD_COUNTER:
        c->value = value;
        restart(c, now);
        return;
    case TWD_CONTROL: {
        uint32_t mask = t->watchdog ? 0xff0fu : 0xff07u;
        freeze(c, now);
        uint32_t keep_wd = c->control & CTRL_WD_MODE; /* only the disable sequence clears it */
        c->control = (value & mask) | keep_wd;
        restart(c, now);
        return;
    }
    case TWD_INTSTAT:
        if (value & 1) c->event = 0;
        arm_next_zero(c, now);
        update_irq(c);
        return;
    case WDT_RESET_STATUS:
        if (t->watchdog) {
            if (value & 1) c->reset_status = 0;
            return;
        }
        break;
    case WDT_DISABLE:
        if (t->watchdog) {
            write_disable(c, value, now);
            return;
        }
        break;
    }
    log_guest_error(t, "write to a reserved register", offset);
}

static const bb_mmio_ops twd_ops = {.read = twd_read, .write = twd_write};

static void twd_reset(bb_device *dev)
{
    a9_twd *t = (a9_twd *)dev;
    for (int i = 0; i < t->n_cpus; i++) {
        twd_counter *c = &t->counter[i];
        bb_timer_del(&c->timer);
        c->load = c->value = c->control = c->event = c->reset_status = 0;
        c->anchor_ns = 0;
        c->disable_key1 = false;
    }
}

/* The armed clock events are restored by the clock, the PPI levels with the GIC. */
static void twd_state(bb_device *dev, bb_state *st)
{
    a9_twd *t = (a9_twd *)dev;
    for (int i = 0; i < t->n_cpus; i++) {
        twd_counter *c = &t->counter[i];
        uint32_t *regs[] = {&c->load, &c->control, &c->event, &c->reset_status, &c->value};
        for (size_t k = 0; k < sizeof(regs) / sizeof(regs[0]); k++)
            bb_state_u32(st, regs[k]);
        bb_state_u64(st, &c->anchor_ns);
        bb_state_bool(st, &c->disable_key1);
    }
}

static void twd_destroy(bb_device *dev)
{
    a9_twd *t = (a9_twd *)dev;
    for (int i = 0; i < BB_MAX_CPUS; i++)
        if (t->counter[i].owner) bb_timer_del(&t->counter[i].timer);
    bb_device_cleanup(dev);
    free(t);
}

static bb_device *create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen,
                         const bb_device_model *model, bool watchdog)
{
    uint32_t hz;
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    if (!bb_read_clock_frequency(cfg, DEFAULT_PERIPHCLK, &hz, err, errlen)) return NULL;
    a9_twd *t = calloc(1, sizeof(*t));
    if (!t || !bb_device_init(&t->dev, model, m, cfg->name, 1, 0, NULL, NULL)) {
        free(t);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->watchdog = watchdog;
    t->clock_hz = hz;
    t->n_cpus = m->n_cpus > 0 ? m->n_cpus : 1;
    t->dev.reset = twd_reset;
    t->dev.destroy = twd_destroy;
    t->dev.state = twd_state;
    for (int i = 0; i < t->n_cpus; i++) {
        t->counter[i].owner = t;
        t->counter[i].cpu = i;
        bb_timer_init(&t->counter[i].timer, m->clock, reached_zero, &t->counter[i]);
    }
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &twd_ops, t)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        twd_destroy(&t->dev);
        return NULL;
    }
    twd_reset(&t->dev);
    return &t->dev;
}

static bb_device *twd_timer_create(bb_machine *m, const bb_device_config *cfg, char *err,
                                   size_t errlen)
{
    return create(m, cfg, err, errlen, &bb_model_a9_twd_timer, false);
}

static bb_device *twd_wdt_create(bb_machine *m, const bb_device_config *cfg, char *err,
                                 size_t errlen)
{
    return create(m, cfg, err, errlen, &bb_model_a9_twd_wdt, true);
}

static const char *const timer_compatible[] = {"arm,cortex-a9-twd-timer", NULL};
static const char *const wdt_compatible[] = {"arm,cortex-a9-twd-wdt", NULL};

const bb_device_model bb_model_a9_twd_timer = {
    "a9_twd_timer",
    "Cortex-A9 MPCore private timer (one per CPU)",
    timer_compatible,
    twd_timer_create,
};

const bb_device_model bb_model_a9_twd_wdt = {
    "a9_twd_wdt",
    "Cortex-A9 MPCore private watchdog (one per CPU)",
    wdt_compatible,
    twd_wdt_create,
};
