/*
 * cadence_wdt.c: the Zynq-7000 system watchdog timer (SWDT, UG585 chapter 8 and appendix
 * B "swdt"), a Cadence watchdog: a 24-bit down-counter clocked by the node's
 * `clock-frequency` (default CPU_1X, 111.11 MHz) divided by 8, 64, 512 or 4096
 * (CONTROL.CLKSEL), reloaded with CONTROL.CRV * 4096 + 4095 by a write of 0x1999 to
 * RESTART. MODE and CONTROL only take writes that carry their keys (0xABC in MODE bits
 * 23:12, 0x248 in CONTROL bits 25:14).
 *
 * While MODE.WDEN is set the counter runs; when it reaches zero it stops, STATUS.WDZ is
 * set, the interrupt line goes high when MODE.IRQEN is set (and stays high until the next
 * restart: the silicon's pulse of IRQLN clocks is longer here) and, when MODE.RSTEN is set,
 * the system reset it asks for ends the run with status 0 (a system reset is not modelled,
 * as on the other boards). The counter is not ticked: its value is worked out from virtual
 * time and one clock event is armed for the zero.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    R_MODE = 0x0,
    R_CONTROL = 0x4,
    R_RESTART = 0x8,
    R_STATUS = 0xc,
};

enum {
    MODE_WDEN = 1u << 0,
    MODE_RSTEN = 1u << 1,
    MODE_IRQEN = 1u << 2,
    MODE_KEPT = 0x1ff, /* enables, reset and interrupt lengths */
    MODE_KEY_MASK = 0xfff000,
    MODE_KEY = 0xabc000,
    MODE_RESET = 0x1c2,
};

enum {
    CONTROL_KEPT = 0x3fff, /* CLKSEL (1:0) and CRV (13:2) */
    CONTROL_KEY_MASK = 0x3ffc000,
    CONTROL_KEY = 0x920000,
    CONTROL_RESET = 0x3ffc,
    CRV_SHIFT = 2,
};

#define RESTART_KEY      0x1999u
#define STATUS_WDZ       1u
#define NS_PER_SECOND    1000000000ull
#define DEFAULT_CLOCK_HZ 111111111u

typedef struct cadence_wdt {
    bb_device dev;
    uint32_t clock_hz;
    uint32_t mode, control, status;
    uint32_t value;     /* the count at anchor_ns */
    uint64_t anchor_ns; /* when the count was `value` */
    bb_timer timer;
} cadence_wdt;

static void log_guest_error(cadence_wdt *w, const char *what, uint64_t offset)
{
    bb_log_printf(&w->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%02llx", w->dev.name,
                  what, (unsigned long long)offset);
}

static uint64_t now_ns(cadence_wdt *w)
{
    return bb_clock_now(w->dev.machine->clock);
}

static uint64_t tick_hz(const cadence_wdt *w)
{
    static const unsigned shift[4] = {3, 6, 9, 12};
    if (!(w->mode & MODE_WDEN) || (w->status & STATUS_WDZ)) return 0;
    return w->clock_hz >> shift[w->control & 3];
}

static uint32_t value_at(const cadence_wdt *w, uint64_t now)
{
    uint64_t hz = tick_hz(w);
    if (hz == 0) return w->value;
    uint64_t ns = now - w->anchor_ns;
    uint64_t ticks = ns / NS_PER_SECOND * hz + ns % NS_PER_SECOND * hz / NS_PER_SECOND;
    return ticks >= w->value ? 0 : (uint32_t)(w->value - ticks);
}

static void update_irq(cadence_wdt *w)
{
    bb_irq_set(&w->dev.irq_out[0], (w->status & STATUS_WDZ) && (w->mode & MODE_IRQEN));
}

static void arm(cadence_wdt *w)
{
    bb_timer_del(&w->timer);
    uint64_t hz = tick_hz(w);
    if (hz == 0) return;
    uint64_t ticks = w->value;
    uint64_t ns = ticks / hz * NS_PER_SECOND + (ticks % hz * NS_PER_SECOND + hz - 1) / hz;
    bb_timer_mod(&w->timer, w->anchor_ns + ns);
}

/* Makes now the anchor (after a change of mode or clock). */
static void freeze(cadence_wdt *w, uint64_t now)
{
    w->value = value_at(w, now);
    w->anchor_ns = now;
}

static void expired(void *opaque)
{
    cadence_wdt *w = opaque;
    w->value = 0;
    w->status |= STATUS_WDZ;
    update_irq(w);
    if (w->mode & MODE_RSTEN) {
        bb_log_printf(&w->dev.machine->log, BB_LOG_UNIMP,
                      "%s: the watchdog expired and resets the system: the run ends (a system "
                      "reset is not modelled)",
                      w->dev.name);
        bb_machine_exit(w->dev.machine, 0);
    }
}

static void restart(cadence_wdt *w, uint64_t now)
{
    w->value = ((w->control >> CRV_SHIFT) & 0xfff) << 12 | 0xfff;
    w->anchor_ns = now;
    w->status &= ~STATUS_WDZ;
    update_irq(w);
    arm(w);
}

static uint64_t wdt_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    cadence_wdt *w = opaque;
    uint32_t value = 0;
    switch (offset & ~3ull) {
    case R_MODE: value = w->mode; break;
    case R_CONTROL: value = w->control; break;
    case R_RESTART: break;
    case R_STATUS: value = w->status; break;
    default:
        if (!attrs.debug) log_guest_error(w, "read of a reserved register", offset);
    }
    return bb_mmio_narrow(value, offset, size);
}

static void wdt_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    cadence_wdt *w = opaque;
    (void)size, (void)attrs;
    uint64_t now = now_ns(w);
    uint32_t v = (uint32_t)value;
    switch (offset) {
    case R_MODE:
        if ((v & MODE_KEY_MASK) != MODE_KEY) {
            log_guest_error(w, "MODE written without its key (ignored)", offset);
            return;
        }
        freeze(w, now);
        w->mode = v & MODE_KEPT;
        update_irq(w);
        arm(w);
        return;
    case R_CONTROL:
        if ((v & CONTROL_KEY_MASK) != CONTROL_KEY) {
            log_guest_error(w, "CONTROL written without its key (ignored)", offset);
            return;
        }
        freeze(w, now);
        w->control = v & CONTROL_KEPT;
        arm(w);
        return;
    case R_RESTART:
        if (v == RESTART_KEY)
            restart(w, now);
        else
            log_guest_error(w, "wrong restart key (ignored)", offset);
        return;
    }
    log_guest_error(w, "write to a read-only or reserved register", offset);
}

static const bb_mmio_ops wdt_ops = {.read = wdt_read, .write = wdt_write};

static void wdt_reset(bb_device *dev)
{
    cadence_wdt *w = (cadence_wdt *)dev;
    bb_timer_del(&w->timer);
    w->mode = MODE_RESET;
    w->control = CONTROL_RESET;
    w->status = 0;
    w->value = 0xffffff;
    w->anchor_ns = 0;
    update_irq(w);
}

static void wdt_destroy(bb_device *dev)
{
    cadence_wdt *w = (cadence_wdt *)dev;
    bb_timer_del(&w->timer);
    bb_device_cleanup(dev);
    free(w);
}

static void wdt_state(bb_device *dev, bb_state *st)
{
    cadence_wdt *w = (cadence_wdt *)dev;
    bb_state_u32(st, &w->mode);
    bb_state_u32(st, &w->control);
    bb_state_u32(st, &w->status);
    bb_state_u32(st, &w->value);
    bb_state_u64(st, &w->anchor_ns);
}

static bb_device *wdt_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    uint32_t hz = DEFAULT_CLOCK_HZ;
    int len = 0;
    const fdt32_t *prop =
        cfg->fdt ? fdt_getprop(cfg->fdt, cfg->node, "clock-frequency", &len) : NULL;
    if (prop && (len != 4 || fdt32_to_cpu(*prop) == 0)) {
        snprintf(err, errlen, "clock-frequency must be one non-zero cell");
        return NULL;
    }
    if (prop) hz = fdt32_to_cpu(*prop);
    cadence_wdt *w = calloc(1, sizeof(*w));
    if (!w || !bb_device_init(&w->dev, &bb_model_cadence_wdt, m, cfg->name, 1, 0, NULL, NULL)) {
        free(w);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->dev.reset = wdt_reset;
    w->dev.destroy = wdt_destroy;
    w->dev.state = wdt_state;
    w->clock_hz = hz;
    bb_timer_init(&w->timer, m->clock, expired, w);
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &wdt_ops, w)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        wdt_destroy(&w->dev);
        return NULL;
    }
    wdt_reset(&w->dev);
    return &w->dev;
}

static const char *const wdt_compatible[] = {"cdns,wdt-r1p2", "xlnx,zynq-wdt-r1p2", NULL};

const bb_device_model bb_model_cadence_wdt = {
    "cadence_wdt",
    "Cadence watchdog timer (Zynq system watchdog, SWDT)",
    wdt_compatible,
    wdt_create,
};
