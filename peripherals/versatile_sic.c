/*
 * versatile_sic.c: the secondary interrupt controller of the Versatile boards (in the
 * board's FPGA, at 0x10003000 on the PB; ARM DUI 0224, "Secondary interrupt controller").
 *
 * 32 level-sensitive inputs plus software-set bits are masked by the enable register and
 * ORed into one output, wired to input 31 of the primary VIC. The PIC-enable register,
 * which on the board also passes some inputs straight to VIC inputs 21-30, is kept for
 * software but routes nothing: board trees connect those devices to the VIC directly.
 * Input levels belong to the devices that drive them, so reset keeps them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    SIC_STATUS = 0x00,
    SIC_RAWSTAT = 0x04,
    SIC_ENABLE = 0x08, /* SIC_ENSET when written */
    SIC_ENCLR = 0x0c,
    SIC_SOFTINTSET = 0x10,
    SIC_SOFTINTCLR = 0x14,
    SIC_PICENABLE = 0x20, /* SIC_PICENSET when written */
    SIC_PICENCLR = 0x24,
};

typedef struct versatile_sic {
    bb_device dev;
    uint32_t lines; /* levels of the inputs */
    uint32_t soft, enable, pic_enable;
} versatile_sic;

static void log_guest_error(versatile_sic *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", s->dev.name,
                  what, (unsigned long long)offset);
}

static uint32_t raw_status(const versatile_sic *s)
{
    return s->lines | s->soft;
}

static void update_output(versatile_sic *s)
{
    bb_irq_set(&s->dev.irq_out[0], (raw_status(s) & s->enable) != 0);
}

static void set_input(void *opaque, int input, int level)
{
    versatile_sic *s = opaque;
    if (input < 0 || input >= 32) return;
    if (level)
        s->lines |= 1u << input;
    else
        s->lines &= ~(1u << input);
    update_output(s);
}

static uint64_t sic_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    versatile_sic *s = opaque;
    uint32_t value = 0;
    switch (offset & ~3ull) {
    case SIC_STATUS: value = raw_status(s) & s->enable; break;
    case SIC_RAWSTAT: value = raw_status(s); break;
    case SIC_ENABLE: value = s->enable; break;
    case SIC_PICENABLE: value = s->pic_enable; break;
    default:
        if (!attrs.debug) log_guest_error(s, "read of a write-only or reserved register", offset);
    }
    return bb_mmio_narrow(value, offset, size);
}

static void sic_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    versatile_sic *s = opaque;
    uint32_t bits = (uint32_t)value;
    (void)size;
    (void)attrs;
    switch (offset) {
    case SIC_ENABLE: s->enable |= bits; break;
    case SIC_ENCLR: s->enable &= ~bits; break;
    case SIC_SOFTINTSET: s->soft |= bits; break;
    case SIC_SOFTINTCLR: s->soft &= ~bits; break;
    case SIC_PICENABLE: s->pic_enable |= bits; return;
    case SIC_PICENCLR: s->pic_enable &= ~bits; return;
    default: log_guest_error(s, "write to a read-only or reserved register", offset); return;
    }
    update_output(s);
}

static const bb_mmio_ops sic_ops = {.read = sic_read, .write = sic_write};

static void sic_reset(bb_device *dev)
{
    versatile_sic *s = (versatile_sic *)dev;
    s->soft = s->enable = s->pic_enable = 0;
    update_output(s);
}

static void sic_destroy(bb_device *dev)
{
    bb_device_cleanup(dev);
    free(dev);
}

static void sic_state(bb_device *dev, bb_state *st)
{
    versatile_sic *s = (versatile_sic *)dev;
    bb_state_u32(st, &s->lines);
    bb_state_u32(st, &s->soft);
    bb_state_u32(st, &s->enable);
    bb_state_u32(st, &s->pic_enable);
}

static bb_device *sic_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    versatile_sic *s = calloc(1, sizeof(*s));
    if (!s ||
        !bb_device_init(&s->dev, &bb_model_versatile_sic, m, cfg->name, 1, 32, set_input, s)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->dev.reset = sic_reset;
    s->dev.destroy = sic_destroy;
    s->dev.state = sic_state;
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &sic_ops, s)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        sic_destroy(&s->dev);
        return NULL;
    }
    sic_reset(&s->dev);
    return &s->dev;
}

static const char *const sic_compatible[] = {"arm,versatile-sic", NULL};

const bb_device_model bb_model_versatile_sic = {
    "versatile_sic",
    "ARM Versatile secondary interrupt controller",
    sic_compatible,
    sic_create,
};
