/*
 * sp804.c: the ARM dual-input timer module (SP804, ARM DDI 0271): two down-counters,
 * each 32 or 16 bits wide, one-shot, periodic or free-running, with a prescaler of 1, 16
 * or 256 on the timer clock (the node's `clock-frequency`, else 1 MHz as on Versatile).
 *
 * A running counter is not ticked: it remembers the value it had at an anchor time and
 * its Value is worked out from virtual time. One clock event per counter is armed for the
 * next time the counter reaches zero, and only while that would change something (the
 * raw interrupt is not already pending); deadlines are computed from the anchor, so a
 * periodic timer does not drift. A counter that reaches zero counts the reload or wrap
 * as the next tick, so a periodic timer interrupts every Load + 1 ticks, as the hardware.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    TIMER_LOAD = 0x00,
    TIMER_VALUE = 0x04,
    TIMER_CONTROL = 0x08,
    TIMER_INTCLR = 0x0c,
    TIMER_RIS = 0x10,
    TIMER_MIS = 0x14,
    TIMER_BGLOAD = 0x18,
    TIMER_STRIDE = 0x20, /* the second counter's registers */
    TIMER_ITCR = 0xf00,  /* integration test registers */
    TIMER_ITOP = 0xf04,
};

enum {
    CTRL_ONESHOT = 1u << 0,
    CTRL_32BIT = 1u << 1,
    CTRL_PRESCALE_SHIFT = 2, /* 2 bits: 0 = /1, 1 = /16, 2 = /256 */
    CTRL_INTEN = 1u << 5,
    CTRL_PERIODIC = 1u << 6,
    CTRL_ENABLE = 1u << 7,
    CTRL_MASK = 0xef,
    CTRL_RESET = CTRL_INTEN,
};

#define NS_PER_SECOND    1000000000ull
#define DEFAULT_CLOCK_HZ 1000000u

typedef struct sp804 sp804;

typedef struct sp804_counter {
    sp804 *owner;
    uint32_t load, control, ris;
    uint32_t value;      /* the count at anchor_ns (the count itself when stopped) */
    uint64_t anchor_ns;  /* when running: the virtual time `value` was the count */
    bool zero_signalled; /* a count of zero in `value` has already raised the interrupt */
    bb_timer timer;
} sp804_counter;

struct sp804 {
    bb_device dev;
    uint32_t clock_hz;
    sp804_counter counter[2];
};

static const uint8_t sp804_id[8] = {0x04, 0x18, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static void log_guest_error(sp804 *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", s->dev.name,
                  what, (unsigned long long)offset);
}

static uint64_t now_ns(sp804 *s)
{
    return bb_clock_now(s->dev.machine->clock);
}

static bool running(const sp804_counter *c)
{
    return (c->control & CTRL_ENABLE) != 0;
}

static uint64_t count_mask(const sp804_counter *c)
{
    return (c->control & CTRL_32BIT) ? 0xffffffffu : 0xffffu;
}

/* The counter's tick rate after the prescaler (0: it never ticks). */
static uint64_t tick_hz(const sp804_counter *c)
{
    static const unsigned shift[4] = {0, 4, 8, 8}; /* 3 is undefined: treated as 256 */
    return c->owner->clock_hz >> shift[(c->control >> CTRL_PRESCALE_SHIFT) & 3];
}

/* Ticks of a clock at hz completed in ns (exact, without overflow). */
static uint64_t ticks_in(uint64_t hz, uint64_t ns)
{
    return ns / NS_PER_SECOND * hz + ns % NS_PER_SECOND * hz / NS_PER_SECOND;
}

/* The first time (ns from the anchor) at which `ticks` ticks have completed. */
static uint64_t ns_for_ticks(uint64_t hz, uint64_t ticks)
{
    return ticks / hz * NS_PER_SECOND + (ticks % hz * NS_PER_SECOND + hz - 1) / hz;
}

/* Ticks from one zero to the next: the reload value (periodic) or the full range. */
static uint64_t period_ticks(const sp804_counter *c)
{
    if (c->control & CTRL_PERIODIC) return (c->load & count_mask(c)) + 1;
    return count_mask(c) + 1;
}

static uint32_t value_at(const sp804_counter *c, uint64_t now)
{
    uint64_t hz = tick_hz(c);
    if (!running(c) || hz == 0) return c->value;
    uint64_t elapsed = ticks_in(hz, now - c->anchor_ns);
    if (elapsed <= c->value) return (uint32_t)(c->value - elapsed);
    if (c->control & CTRL_ONESHOT) return 0; /* halted at zero */
    uint64_t after_zero = elapsed - c->value - 1;
    return (uint32_t)(period_ticks(c) - 1 - after_zero % period_ticks(c));
}

static void update_irq(sp804 *s)
{
    bool level = false;
    for (int i = 0; i < 2; i++)
        level |= s->counter[i].ris && (s->counter[i].control & CTRL_INTEN);
    bb_irq_set(&s->dev.irq_out[0], level);
}

/* Arms the counter's event for its next zero, when one is due and would set the raw
 * interrupt. */
static void arm_next_zero(sp804_counter *c, uint64_t now)
{
    bb_timer_del(&c->timer);
    uint64_t hz = tick_hz(c);
    if (!running(c) || c->ris || hz == 0) return;
    bool oneshot = (c->control & CTRL_ONESHOT) != 0;
    uint64_t period = period_ticks(c);
    uint64_t elapsed = ticks_in(hz, now - c->anchor_ns);
    uint64_t zero;
    if (c->value > 0)
        zero = c->value;
    else if (oneshot)
        return;
    else
        zero = period;
    if (zero <= elapsed) {
        if (oneshot) return;
        zero += ((elapsed - zero) / period + 1) * period;
    }
    bb_timer_mod(&c->timer, c->anchor_ns + ns_for_ticks(hz, zero));
}

/* Makes `now` the anchor, with the count the counter has then. */
static void freeze(sp804_counter *c, uint64_t now)
{
    if (running(c)) {
        c->value = value_at(c, now);
        c->zero_signalled = c->value == 0;
    }
    c->anchor_ns = now;
}

/* After the count or the mode changed at `now`: a running counter loaded with zero
 * interrupts at once; then the next zero is armed. */
static void restart(sp804_counter *c, uint64_t now)
{
    c->anchor_ns = now;
    if (running(c) && c->value == 0 && !c->zero_signalled) {
        c->ris = 1;
        c->zero_signalled = true;
    }
    arm_next_zero(c, now);
    update_irq(c->owner);
}

static void counter_reached_zero(void *opaque)
{
    sp804_counter *c = opaque;
    c->ris = 1;
    update_irq(c->owner);
}

static uint32_t read_counter(sp804 *s, sp804_counter *c, uint64_t reg, bool debug)
{
    switch (reg) {
    case TIMER_LOAD:
    case TIMER_BGLOAD: return c->load;
    case TIMER_VALUE: return value_at(c, now_ns(s));
    case TIMER_CONTROL: return c->control;
    case TIMER_RIS: return c->ris;
    case TIMER_MIS: return (c->control & CTRL_INTEN) ? c->ris : 0;
    case TIMER_INTCLR:
        if (!debug) log_guest_error(s, "read of write-only TimerIntClr", reg);
        return 0;
    }
    if (!debug) log_guest_error(s, "read of a reserved register", reg);
    return 0;
}

static void write_counter(sp804 *s, sp804_counter *c, uint64_t reg, uint32_t value)
{
    uint64_t now = now_ns(s);
    switch (reg) {
    case TIMER_LOAD:
        c->load = value;
        c->value = value & count_mask(c);
        c->zero_signalled = false;
        restart(c, now);
        return;
    case TIMER_BGLOAD: /* takes effect at the next reload */
        freeze(c, now);
        c->load = value;
        restart(c, now);
        return;
    case TIMER_CONTROL:
        if (((value >> CTRL_PRESCALE_SHIFT) & 3) == 3)
            log_guest_error(s, "undefined prescale 3 (used as 256)", reg);
        freeze(c, now);
        c->control = value & CTRL_MASK;
        c->value &= count_mask(c);
        restart(c, now);
        return;
    case TIMER_INTCLR:
        c->ris = 0;
        arm_next_zero(c, now);
        update_irq(s);
        return;
    }
    log_guest_error(s, "write to a read-only or reserved register", reg);
}

/* Accesses outside the counters and the ID registers: the test registers are not
 * modelled, anything else is a guest mistake. */
static void log_other_access(sp804 *s, uint64_t offset, bool write)
{
    if (offset == TIMER_ITCR || offset == TIMER_ITOP)
        bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP, "%s: test register +0x%03llx",
                      s->dev.name, (unsigned long long)offset);
    else
        log_guest_error(s, write ? "write to a reserved register" : "read of a reserved register",
                        offset);
}

static uint64_t sp804_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    sp804 *s = opaque;
    uint64_t reg = offset & ~3ull;
    uint32_t value = 0;
    if (reg < 2 * TIMER_STRIDE)
        value = read_counter(s, &s->counter[reg / TIMER_STRIDE], reg % TIMER_STRIDE, attrs.debug);
    else if (!bb_primecell_id(sp804_id, reg, &value) && !attrs.debug)
        log_other_access(s, reg, false);
    return bb_mmio_narrow(value, offset, size);
}

static void sp804_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                        bb_attrs attrs)
{
    sp804 *s = opaque;
    (void)size;
    (void)attrs;
    if (offset & 3)
        log_guest_error(s, "unaligned write", offset);
    else if (offset < 2 * TIMER_STRIDE)
        write_counter(s, &s->counter[offset / TIMER_STRIDE], offset % TIMER_STRIDE,
                      (uint32_t)value);
    else
        log_other_access(s, offset, true);
}

static const bb_mmio_ops sp804_ops = {.read = sp804_read, .write = sp804_write};

static void sp804_reset(bb_device *dev)
{
    sp804 *s = (sp804 *)dev;
    for (int i = 0; i < 2; i++) {
        sp804_counter *c = &s->counter[i];
        bb_timer_del(&c->timer);
        c->load = 0;
        c->value = 0xffffffffu;
        c->control = CTRL_RESET;
        c->ris = 0;
        c->zero_signalled = false;
        c->anchor_ns = 0;
    }
    update_irq(s);
}

static void sp804_destroy(bb_device *dev)
{
    sp804 *s = (sp804 *)dev;
    for (int i = 0; i < 2; i++)
        bb_timer_del(&s->counter[i].timer);
    bb_device_cleanup(dev);
    free(s);
}

/* The timer clock: the node's `clock-frequency` (one cell), else 1 MHz. */
static bool read_clock(const bb_device_config *cfg, uint32_t *hz, char *err, size_t errlen)
{
    *hz = DEFAULT_CLOCK_HZ;
    if (!cfg->fdt) return true;
    int len = 0;
    const fdt32_t *prop = fdt_getprop(cfg->fdt, cfg->node, "clock-frequency", &len);
    if (!prop) return true;
    if (len != 4 || fdt32_to_cpu(*prop) == 0) {
        snprintf(err, errlen, "clock-frequency must be one non-zero cell");
        return false;
    }
    *hz = fdt32_to_cpu(*prop);
    return true;
}

static void sp804_state(bb_device *dev, bb_state *st)
{
    sp804 *s = (sp804 *)dev;
    for (int i = 0; i < 2; i++) {
        sp804_counter *c = &s->counter[i];
        bb_state_u32(st, &c->load);
        bb_state_u32(st, &c->control);
        bb_state_u32(st, &c->ris);
        bb_state_u32(st, &c->value);
        bb_state_u64(st, &c->anchor_ns);
        bb_state_bool(st, &c->zero_signalled);
    }
}

static bb_device *sp804_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    uint32_t hz;
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    if (!read_clock(cfg, &hz, err, errlen)) return NULL;
    sp804 *s = calloc(1, sizeof(*s));
    if (!s || !bb_device_init(&s->dev, &bb_model_sp804, m, cfg->name, 1, 0, NULL, NULL)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->dev.reset = sp804_reset;
    s->dev.destroy = sp804_destroy;
    s->dev.state = sp804_state;
    s->clock_hz = hz;
    for (int i = 0; i < 2; i++) {
        s->counter[i].owner = s;
        bb_timer_init(&s->counter[i].timer, m->clock, counter_reached_zero, &s->counter[i]);
    }
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &sp804_ops, s)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        sp804_destroy(&s->dev);
        return NULL;
    }
    sp804_reset(&s->dev);
    return &s->dev;
}

static const char *const sp804_compatible[] = {"arm,sp804", NULL};

const bb_device_model bb_model_sp804 = {
    "sp804",
    "ARM dual timer (SP804)",
    sp804_compatible,
    sp804_create,
};
