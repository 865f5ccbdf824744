/*
 * cadence_ttc.c: the Cadence triple timer counter of the Zynq-7000 (TTC, UG585 chapter 8
 * and appendix B "ttc"): three 16-bit counters, each with a prescaler of 2^(N+1) on the
 * TTC clock (the node's `clock-frequency`, default CPU_1X = 111.11 MHz), counting up or
 * down, in overflow mode (over the whole 16-bit range) or interval mode (between 0 and
 * the Interval register), with three match registers. Counter n drives interrupt output n.
 *
 * The interrupt register latches the events (interval, match 1-3, overflow) and clears
 * when read; the line is (interrupt register & interrupt enable). As in sp804.c a running
 * counter is not ticked: it remembers the count it had at an anchor time, its Counter
 * Value is worked out from virtual time, and one clock event is armed for the next event
 * whose status bit is still clear (so a timer nobody reads costs nothing). A wrap counts
 * as a tick: an interval counter interrupts every Interval + 1 ticks, an overflow counter
 * every 65536; a match fires when the counter steps onto the match value.
 *
 * The event timers (Event_Control_Timer, Event_Register) and the waveform outputs are
 * not modelled (their registers read back; Event_Register reads 0), nor the external
 * clock source (a counter on it does not count).
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    CLOCK_CONTROL = 0x00,
    COUNTER_CONTROL = 0x0c,
    COUNTER_VALUE = 0x18,
    INTERVAL_COUNTER = 0x24,
    MATCH_1 = 0x30,
    MATCH_2 = 0x3c,
    MATCH_3 = 0x48,
    INTERRUPT_REGISTER = 0x54,
    INTERRUPT_ENABLE = 0x60,
    EVENT_CONTROL_TIMER = 0x6c,
    EVENT_REGISTER = 0x78,
    REGS_END = 0x84,
};

enum {
    CLK_PS_EN = 1u << 0,
    CLK_PS_V_SHIFT = 1, /* 4 bits */
    CLK_SRC_EXTERNAL = 1u << 5,
    CLK_MASK = 0x7f,
};

enum {
    CNT_DIS = 1u << 0,
    CNT_INTERVAL = 1u << 1,
    CNT_DECREMENT = 1u << 2,
    CNT_MATCH = 1u << 3,
    CNT_RST = 1u << 4,
    CNT_MASK = 0x6f, /* RST is not kept */
    CNT_RESET_VALUE = 0x21,
};

enum {
    INT_INTERVAL = 1u << 0,
    INT_MATCH1 = 1u << 1, /* match n in bit n + 1 */
    INT_OVERFLOW = 1u << 4,
    INT_EVENT = 1u << 5,
    INT_MASK = 0x3f,
};

#define N_COUNTERS       3
#define COUNT_MASK       0xffffu
#define NS_PER_SECOND    1000000000ull
#define DEFAULT_CLOCK_HZ 111111111u

typedef struct cadence_ttc cadence_ttc;

typedef struct ttc_counter {
    cadence_ttc *owner;
    int index;
    uint32_t clock_control, counter_control, interval, match[3], status, enable;
    uint32_t event_control;
    uint32_t value;     /* the count at anchor_ns (the count itself when stopped) */
    uint64_t anchor_ns; /* when running: when the count was `value` */
    uint64_t checked;   /* ticks since the anchor whose events are accounted for */
    bb_timer timer;
} ttc_counter;

struct cadence_ttc {
    bb_device dev;
    uint32_t clock_hz;
    ttc_counter counter[N_COUNTERS];
};

static void log_guest_error(cadence_ttc *t, const char *what, uint64_t offset)
{
    bb_log_printf(&t->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%02llx", t->dev.name,
                  what, (unsigned long long)offset);
}

static uint64_t now_ns(cadence_ttc *t)
{
    return bb_clock_now(t->dev.machine->clock);
}

/* Ticks per second after the prescaler (0: the counter does not count). */
static uint64_t tick_hz(const ttc_counter *c)
{
    if ((c->counter_control & CNT_DIS) || (c->clock_control & CLK_SRC_EXTERNAL)) return 0;
    if (!(c->clock_control & CLK_PS_EN)) return c->owner->clock_hz;
    unsigned shift = ((c->clock_control >> CLK_PS_V_SHIFT) & 0xf) + 1;
    return c->owner->clock_hz >> shift;
}

static uint64_t ticks_in(uint64_t hz, uint64_t ns)
{
    return ns / NS_PER_SECOND * hz + ns % NS_PER_SECOND * hz / NS_PER_SECOND;
}

static uint64_t ns_for_ticks(uint64_t hz, uint64_t ticks)
{
    return ticks / hz * NS_PER_SECOND + (ticks % hz * NS_PER_SECOND + hz - 1) / hz;
}

/* The largest count: Interval in interval mode, 0xFFFF in overflow mode. */
static uint32_t top(const ttc_counter *c)
{
    return (c->counter_control & CNT_INTERVAL) ? c->interval : COUNT_MASK;
}

static uint64_t period(const ttc_counter *c)
{
    return (uint64_t)top(c) + 1;
}

static bool decrementing(const ttc_counter *c)
{
    return (c->counter_control & CNT_DECREMENT) != 0;
}

/* Position in the counting cycle (0 at the start, period - 1 at the end) of a count. */
static uint64_t position_of(const ttc_counter *c, uint32_t count)
{
    uint64_t p = decrementing(c) ? (uint64_t)top(c) - count : count;
    return count > top(c) ? 0 : p;
}

static uint32_t count_at_position(const ttc_counter *c, uint64_t p)
{
    return decrementing(c) ? (uint32_t)(top(c) - p) : (uint32_t)p;
}

static uint64_t elapsed_ticks(const ttc_counter *c, uint64_t now)
{
    uint64_t hz = tick_hz(c);
    return hz ? ticks_in(hz, now - c->anchor_ns) : 0;
}

static uint32_t value_at(const ttc_counter *c, uint64_t now)
{
    uint64_t e = elapsed_ticks(c, now);
    if (e == 0) return c->value;
    return count_at_position(c, (position_of(c, c->value) + e) % period(c));
}

/* Ticks after the anchor at which the counter next steps onto position p, after
 * `after` ticks (one period at most later). */
static uint64_t next_time_at(const ttc_counter *c, uint64_t p, uint64_t after)
{
    uint64_t start = position_of(c, c->value), per = period(c);
    uint64_t pos_after = (start + after) % per;
    uint64_t wait = (p + per - pos_after) % per;
    return after + (wait ? wait : per);
}

static void update_irq(ttc_counter *c)
{
    bb_device *dev = &c->owner->dev;
    if (c->index < dev->n_irq_out)
        bb_irq_set(&dev->irq_out[c->index], (c->status & c->enable) != 0);
}

/* The events still to come, each with its status bit, in ticks after the anchor. */
typedef struct ttc_event {
    uint32_t bit;
    uint64_t at;
} ttc_event;

static int pending_events(const ttc_counter *c, ttc_event *out)
{
    int n = 0;
    uint32_t wrap_bit = (c->counter_control & CNT_INTERVAL) ? INT_INTERVAL : INT_OVERFLOW;
    if (!(c->status & wrap_bit)) {
        out[n].bit = wrap_bit;
        out[n++].at = next_time_at(c, 0, c->checked);
    }
    for (int m = 0; m < 3 && (c->counter_control & CNT_MATCH); m++) {
        uint32_t bit = INT_MATCH1 << m;
        if ((c->status & bit) || c->match[m] > top(c)) continue;
        out[n].bit = bit;
        out[n++].at = next_time_at(c, position_of(c, c->match[m]), c->checked);
    }
    return n;
}

/* Arms the clock event for the earliest event whose status bit is clear. */
static void arm_next_event(ttc_counter *c)
{
    bb_timer_del(&c->timer);
    uint64_t hz = tick_hz(c);
    if (hz == 0) return;
    ttc_event ev[4];
    int n = pending_events(c, ev);
    uint64_t first = UINT64_MAX;
    for (int i = 0; i < n; i++)
        if (ev[i].at < first) first = ev[i].at;
    if (first != UINT64_MAX) bb_timer_mod(&c->timer, c->anchor_ns + ns_for_ticks(hz, first));
}

/* Sets the status bits of the events that happened up to now. */
static void account_events(ttc_counter *c, uint64_t now)
{
    uint64_t e = elapsed_ticks(c, now);
    if (e <= c->checked) return;
    ttc_event ev[4];
    int n = pending_events(c, ev);
    for (int i = 0; i < n; i++)
        if (ev[i].at <= e) c->status |= ev[i].bit;
    c->checked = e;
}

static void event_due(void *opaque)
{
    ttc_counter *c = opaque;
    account_events(c, now_ns(c->owner));
    update_irq(c);
    arm_next_event(c);
}

/* Makes now the anchor, with the count the counter has then. */
static void freeze(ttc_counter *c, uint64_t now)
{
    account_events(c, now);
    c->value = value_at(c, now);
    c->anchor_ns = now;
    c->checked = 0;
}

static uint32_t *counter_register(ttc_counter *c, uint64_t base)
{
    switch (base) {
    case CLOCK_CONTROL: return &c->clock_control;
    case COUNTER_CONTROL: return &c->counter_control;
    case INTERVAL_COUNTER: return &c->interval;
    case MATCH_1: return &c->match[0];
    case MATCH_2: return &c->match[1];
    case MATCH_3: return &c->match[2];
    case INTERRUPT_ENABLE: return &c->enable;
    case EVENT_CONTROL_TIMER: return &c->event_control;
    }
    return NULL;
}

static uint32_t read_counter(cadence_ttc *t, ttc_counter *c, uint64_t base, bool debug)
{
    uint64_t now = now_ns(t);
    switch (base) {
    case COUNTER_VALUE: return value_at(c, now);
    case INTERRUPT_REGISTER: {
        account_events(c, now);
        uint32_t status = c->status;
        if (!debug && status) {
            c->status = 0; /* clear on read */
            update_irq(c);
            arm_next_event(c);
        }
        return status;
    }
    case EVENT_REGISTER: return 0;
    }
    uint32_t *reg = counter_register(c, base);
    return reg ? *reg : 0;
}

static void write_counter(cadence_ttc *t, ttc_counter *c, uint64_t base, uint32_t value)
{
    uint64_t now = now_ns(t);
    switch (base) {
    case COUNTER_VALUE:
    case INTERRUPT_REGISTER:
    case EVENT_REGISTER: log_guest_error(t, "write to a read-only register", base); return;
    case INTERRUPT_ENABLE:
        c->enable = value & INT_MASK;
        update_irq(c);
        return;
    case EVENT_CONTROL_TIMER:
        c->event_control = value & 7;
        if (value & 1)
            bb_log_printf(&t->dev.machine->log, BB_LOG_UNIMP, "%s: event timer %d (not modelled)",
                          t->dev.name, c->index);
        return;
    }
    freeze(c, now);
    switch (base) {
    case CLOCK_CONTROL:
        c->clock_control = value & CLK_MASK;
        if (value & CLK_SRC_EXTERNAL)
            bb_log_printf(&t->dev.machine->log, BB_LOG_UNIMP,
                          "%s: counter %d on the external clock (it does not count)", t->dev.name,
                          c->index);
        break;
    case COUNTER_CONTROL:
        c->counter_control = value & CNT_MASK;
        if (value & CNT_RST) c->value = decrementing(c) ? top(c) : 0;
        break;
    case INTERVAL_COUNTER: c->interval = value & COUNT_MASK; break;
    case MATCH_1:
    case MATCH_2:
    case MATCH_3: *counter_register(c, base) = value & COUNT_MASK; break;
    }
    if (c->value > top(c)) c->value = decrementing(c) ? top(c) : 0;
    arm_next_event(c);
    update_irq(c);
}

static uint64_t ttc_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    cadence_ttc *t = opaque;
    uint64_t reg = offset & ~3ull;
    uint32_t value = 0;
    if (reg < REGS_END)
        value = read_counter(t, &t->counter[(reg / 4) % N_COUNTERS], reg - 4 * ((reg / 4) % 3),
                             attrs.debug);
    else if (!attrs.debug)
        log_guest_error(t, "read of a reserved register", offset);
    return bb_mmio_narrow(value, offset, size);
}

static void ttc_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    cadence_ttc *t = opaque;
    (void)size, (void)attrs;
    if (offset & 3)
        log_guest_error(t, "unaligned write", offset);
    else if (offset < REGS_END)
        write_counter(t, &t->counter[(offset / 4) % N_COUNTERS], offset - 4 * ((offset / 4) % 3),
                      (uint32_t)value);
    else
        log_guest_error(t, "write to a reserved register", offset);
}

static const bb_mmio_ops ttc_ops = {.read = ttc_read, .write = ttc_write};

static void ttc_reset(bb_device *dev)
{
    cadence_ttc *t = (cadence_ttc *)dev;
    for (int i = 0; i < N_COUNTERS; i++) {
        ttc_counter *c = &t->counter[i];
        bb_timer_del(&c->timer);
        c->clock_control = 0;
        c->counter_control = CNT_RESET_VALUE;
        c->interval = c->match[0] = c->match[1] = c->match[2] = 0;
        c->status = c->enable = c->event_control = 0;
        c->value = 0;
        c->anchor_ns = 0;
        c->checked = 0;
        update_irq(c);
    }
}

static void ttc_destroy(bb_device *dev)
{
    cadence_ttc *t = (cadence_ttc *)dev;
    for (int i = 0; i < N_COUNTERS; i++)
        bb_timer_del(&t->counter[i].timer);
    bb_device_cleanup(dev);
    free(t);
}

static void ttc_state(bb_device *dev, bb_state *st)
{
    cadence_ttc *t = (cadence_ttc *)dev;
    for (int i = 0; i < N_COUNTERS; i++) {
        ttc_counter *c = &t->counter[i];
        uint32_t *regs[] = {
            &c->clock_control, &c->counter_control, &c->interval, &c->match[0],      &c->match[1],
            &c->match[2],      &c->status,          &c->enable,   &c->event_control, &c->value};
        for (size_t k = 0; k < sizeof(regs) / sizeof(regs[0]); k++)
            bb_state_u32(st, regs[k]);
        bb_state_u64(st, &c->anchor_ns);
        bb_state_u64(st, &c->checked);
    }
}

static bb_device *ttc_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    uint32_t hz;
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    if (!bb_read_clock_frequency(cfg, DEFAULT_CLOCK_HZ, &hz, err, errlen)) return NULL;
    cadence_ttc *t = calloc(1, sizeof(*t));
    if (!t ||
        !bb_device_init(&t->dev, &bb_model_cadence_ttc, m, cfg->name, N_COUNTERS, 0, NULL, NULL)) {
        free(t);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->dev.reset = ttc_reset;
    t->dev.destroy = ttc_destroy;
    t->dev.state = ttc_state;
    t->clock_hz = hz;
    for (int i = 0; i < N_COUNTERS; i++) {
        t->counter[i].owner = t;
        t->counter[i].index = i;
        bb_timer_init(&t->counter[i].timer, m->clock, event_due, &t->counter[i]);
    }
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &ttc_ops, t)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        ttc_destroy(&t->dev);
        return NULL;
    }
    ttc_reset(&t->dev);
    return &t->dev;
}

static const char *const ttc_compatible[] = {"cdns,ttc", NULL};

const bb_device_model bb_model_cadence_ttc = {
    "cadence_ttc",
    "Cadence triple timer counter (Zynq TTC)",
    ttc_compatible,
    ttc_create,
};
