/*
 * sp810.c: the ARM PrimeXsys system controller (SP810, ARM DDI 0254), at 0x101e0000 on
 * Versatile. Registers are kept and read back; the only behaviour is that a mode request
 * in SCCTRL completes at once (ModeStatus follows ModeCtrl) and the peripheral clock
 * enable set/clear registers act on SCPERCLKEN. The timer clock selects in SCCTRL
 * (TimerEnnSel, bits 15/17/19/21) are stored only: the SP804 model takes its clock from
 * its own node. Reset leaves the system in NORMAL mode, as a boot monitor would.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    SCCTRL = 0x000,
    SCSYSSTAT = 0x004,
    SCIMCTRL = 0x008,
    SCIMSTAT = 0x00c,
    SCXTALCTRL = 0x010,
    SCPLLCTRL = 0x014,
    SCPLLFCTRL = 0x018,
    SCPERCTRL0 = 0x01c,
    SCPERCTRL1 = 0x020,
    SCPEREN = 0x024,
    SCPERDIS = 0x028,
    SCPERCLKEN = 0x02c,
    SCPERSTAT = 0x030,
    SCSYSID0 = 0xee0, /* SCSYSID0-3, 0xee0-0xeec */
    SCITCR = 0xf00,
    SCITIR0 = 0xf04,
    SCITIR1 = 0xf08,
    SCITOR = 0xf0c,
    SCCNTCTRL = 0xf10,
    SCCNTDATA = 0xf14,
    SCCNTSTEP = 0xf18,
};

enum {
    MODE_CTRL_MASK = 0x7,
    MODE_STATUS_SHIFT = 3,
    MODE_STATUS_MASK = 0xf << MODE_STATUS_SHIFT,
    MODE_SLEEP = 0,
    MODE_DOZE = 1,
    MODE_SLOW = 2,
    MODE_NORMAL = 4,
};

typedef struct sp810 {
    bb_device dev;
    uint32_t ctrl, sysstat, imctrl, imstat, xtalctrl, pllctrl, pllfctrl, perctrl[2];
    uint32_t perclken, itcr, itir[2], itor, cntctrl, cntdata, cntstep;
} sp810;

static const uint8_t sp810_id[8] = {0x10, 0x18, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static void log_guest_error(sp810 *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", s->dev.name,
                  what, (unsigned long long)offset);
}

/* The mode the system settles in for a ModeCtrl request (000 SLEEP, 001 DOZE, 01x SLOW,
 * 1xx NORMAL); ModeStatus uses the same codes for those modes. */
static uint32_t settled_mode(uint32_t request)
{
    if (request & 4) return MODE_NORMAL;
    if (request & 2) return MODE_SLOW;
    return request; /* MODE_SLEEP or MODE_DOZE */
}

static uint32_t *stored_register(sp810 *s, uint64_t offset)
{
    switch (offset) {
    case SCSYSSTAT: return &s->sysstat;
    case SCIMCTRL: return &s->imctrl;
    case SCIMSTAT: return &s->imstat;
    case SCXTALCTRL: return &s->xtalctrl;
    case SCPLLCTRL: return &s->pllctrl;
    case SCPLLFCTRL: return &s->pllfctrl;
    case SCPERCTRL0: return &s->perctrl[0];
    case SCPERCTRL1: return &s->perctrl[1];
    case SCITIR0: return &s->itir[0];
    case SCITIR1: return &s->itir[1];
    case SCITOR: return &s->itor;
    case SCCNTCTRL: return &s->cntctrl;
    case SCCNTDATA: return &s->cntdata;
    case SCCNTSTEP: return &s->cntstep;
    }
    return NULL;
}

static uint32_t read_register(sp810 *s, uint64_t offset, bool debug)
{
    uint32_t *reg = stored_register(s, offset);
    uint32_t id;
    if (reg) return *reg;
    switch (offset) {
    case SCCTRL: return s->ctrl;
    case SCPERCLKEN: return s->perclken;
    case SCPERSTAT: return 0;
    case SCITCR: return s->itcr;
    case SCPEREN:
    case SCPERDIS:
        if (!debug) log_guest_error(s, "read of a write-only register", offset);
        return 0;
    }
    if (offset >= SCSYSID0 && offset <= SCSYSID0 + 12) return 0;
    if (bb_primecell_id(sp810_id, offset, &id)) return id;
    if (!debug) log_guest_error(s, "read of a reserved register", offset);
    return 0;
}

static void write_register(sp810 *s, uint64_t offset, uint32_t value)
{
    uint32_t *reg = stored_register(s, offset);
    if (reg) {
        *reg = value;
        return;
    }
    switch (offset) {
    case SCCTRL:
        s->ctrl = (value & ~MODE_STATUS_MASK) | settled_mode(value & MODE_CTRL_MASK)
                                                    << MODE_STATUS_SHIFT;
        return;
    case SCPEREN: s->perclken |= value; return;
    case SCPERDIS: s->perclken &= ~value; return;
    case SCITCR:
        s->itcr = value & 1;
        if (s->itcr)
            bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP, "%s: test mode (not modelled)",
                          s->dev.name);
        return;
    }
    log_guest_error(s, "write to a read-only or reserved register", offset);
}

static uint64_t sp810_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    sp810 *s = opaque;
    return bb_mmio_narrow(read_register(s, offset & ~3ull, attrs.debug), offset, size);
}

static void sp810_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                        bb_attrs attrs)
{
    sp810 *s = opaque;
    (void)size;
    (void)attrs;
    if (offset & 3)
        log_guest_error(s, "unaligned write", offset);
    else
        write_register(s, offset, (uint32_t)value);
}

static const bb_mmio_ops sp810_ops = {.read = sp810_read, .write = sp810_write};

static void sp810_reset(bb_device *dev)
{
    sp810 *s = (sp810 *)dev;
    s->ctrl = MODE_NORMAL | MODE_NORMAL << MODE_STATUS_SHIFT;
    s->sysstat = s->imctrl = s->imstat = s->xtalctrl = s->pllctrl = s->pllfctrl = 0;
    s->perctrl[0] = s->perctrl[1] = 0;
    s->perclken = 0xffffffffu; /* every peripheral clock running */
    s->itcr = s->itir[0] = s->itir[1] = s->itor = 0;
    s->cntctrl = s->cntdata = s->cntstep = 0;
}

static void sp810_destroy(bb_device *dev)
{
    bb_device_cleanup(dev);
    free(dev);
}

static void sp810_state(bb_device *dev, bb_state *st)
{
    sp810 *s = (sp810 *)dev;
    uint32_t *regs[] = {&s->ctrl,    &s->sysstat,  &s->imctrl,     &s->imstat,     &s->xtalctrl,
                        &s->pllctrl, &s->pllfctrl, &s->perctrl[0], &s->perctrl[1], &s->perclken,
                        &s->itcr,    &s->itir[0],  &s->itir[1],    &s->itor,       &s->cntctrl,
                        &s->cntdata, &s->cntstep};
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        bb_state_u32(st, regs[i]);
}

static bb_device *sp810_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    sp810 *s = calloc(1, sizeof(*s));
    if (!s || !bb_device_init(&s->dev, &bb_model_sp810, m, cfg->name, 0, 0, NULL, NULL)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->dev.reset = sp810_reset;
    s->dev.destroy = sp810_destroy;
    s->dev.state = sp810_state;
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &sp810_ops, s)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        sp810_destroy(&s->dev);
        return NULL;
    }
    sp810_reset(&s->dev);
    return &s->dev;
}

static const char *const sp810_compatible[] = {"arm,sp810", NULL};

const bb_device_model bb_model_sp810 = {
    "sp810",
    "ARM system controller (SP810)",
    sp810_compatible,
    sp810_create,
};
