/*
 * versatile_sysregs.c: the system registers of the Versatile PB (0x10000000; ARM DUI
 * 0224, "Status and system control registers"): board ID, switches and LEDs, oscillator
 * settings behind the SYS_LOCK key, the 100 Hz and 24 MHz counters (read from virtual
 * time), flags, and control bits for board functions that are kept for software to read
 * back. A board reset requested through SYS_RESETCTL is logged, not performed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    SYS_ID = 0x00,
    SYS_SW = 0x04,
    SYS_LED = 0x08,
    SYS_OSC0 = 0x0c, /* SYS_OSC0-4, 0x0c-0x1c */
    SYS_LOCK = 0x20,
    SYS_100HZ = 0x24,
    SYS_CFGDATA1 = 0x28,
    SYS_CFGDATA2 = 0x2c,
    SYS_FLAGS = 0x30, /* SYS_FLAGSSET when written */
    SYS_FLAGSCLR = 0x34,
    SYS_NVFLAGS = 0x38, /* SYS_NVFLAGSSET when written */
    SYS_NVFLAGSCLR = 0x3c,
    SYS_RESETCTL = 0x40,
    SYS_PCICTL = 0x44,
    SYS_MCI = 0x48,
    SYS_FLASH = 0x4c,
    SYS_CLCD = 0x50,
    SYS_CLCDSER = 0x54,
    SYS_BOOTCS = 0x58,
    SYS_24MHZ = 0x5c,
    SYS_MISC = 0x60,
    SYS_DMAPSR0 = 0x64, /* SYS_DMAPSR0-2, 0x64-0x6c */
    SYS_IOSEL = 0x70,
    SYS_OSCRESET0 = 0x8c, /* SYS_OSCRESET0-4, 0x8c-0x9c */
    SYS_TEST_OSC0 = 0xc0, /* SYS_TEST_OSC0-4, 0xc0-0xd0 */
};

#define N_OSC          5
#define N_DMAPSR       3
#define BOARD_ID       0x41007004u /* what a Versatile PB reports (and QEMU's versatilepb) */
#define LOCK_KEY       0xa05fu
#define LOCKED         (1u << 16)
#define RESETCTL_RESET (1u << 8)
#define CLCD_RESET     0x1f00u /* CLCDID 0x1f: no panel fitted */

typedef struct versatile_sysregs {
    bb_device dev;
    uint32_t led, lock, cfgdata[2], flags, nvflags, resetctl, pcictl, flash, clcd, iosel;
    uint32_t osc[N_OSC], oscreset[N_OSC], dmapsr[N_DMAPSR];
} versatile_sysregs;

static void log_guest_error(versatile_sysregs *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", s->dev.name,
                  what, (unsigned long long)offset);
}

static bool in_range(uint64_t offset, uint64_t first, int count)
{
    return offset >= first && offset < first + 4u * (unsigned)count;
}

static bool unlocked(const versatile_sysregs *s)
{
    return s->lock == LOCK_KEY;
}

static uint64_t now_ns(versatile_sysregs *s)
{
    return bb_clock_now(s->dev.machine->clock);
}

static uint32_t read_register(versatile_sysregs *s, uint64_t offset, bool debug)
{
    switch (offset) {
    case SYS_ID: return BOARD_ID;
    case SYS_LED: return s->led;
    case SYS_LOCK: return s->lock | (unlocked(s) ? 0 : LOCKED);
    case SYS_100HZ: return (uint32_t)(now_ns(s) / 10000000u);
    case SYS_CFGDATA1: return s->cfgdata[0];
    case SYS_CFGDATA2: return s->cfgdata[1];
    case SYS_FLAGS: return s->flags;
    case SYS_NVFLAGS: return s->nvflags;
    case SYS_RESETCTL: return s->resetctl;
    case SYS_PCICTL: return s->pcictl;
    case SYS_FLASH: return s->flash;
    case SYS_CLCD: return s->clcd;
    case SYS_24MHZ: return (uint32_t)(now_ns(s) * 24 / 1000);
    case SYS_IOSEL: return s->iosel;
    case SYS_SW:      /* user switches: all off */
    case SYS_MCI:     /* no card in either slot */
    case SYS_CLCDSER: /* switches */
    case SYS_BOOTCS:  /* boot select switches */
    case SYS_MISC:
    case SYS_FLAGSCLR: /* write-only ones read as zero */
    case SYS_NVFLAGSCLR: return 0;
    }
    if (in_range(offset, SYS_OSC0, N_OSC)) return s->osc[(offset - SYS_OSC0) / 4];
    if (in_range(offset, SYS_OSCRESET0, N_OSC)) return s->oscreset[(offset - SYS_OSCRESET0) / 4];
    if (in_range(offset, SYS_DMAPSR0, N_DMAPSR)) return s->dmapsr[(offset - SYS_DMAPSR0) / 4];
    if (in_range(offset, SYS_TEST_OSC0, N_OSC)) return 0; /* oscillator test counters */
    if (!debug)
        bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP, "%s: read of unknown register +0x%03llx",
                      s->dev.name, (unsigned long long)offset);
    return 0;
}

/* The oscillator and reset registers take writes only after SYS_LOCK is unlocked. */
static bool write_locked(versatile_sysregs *s, uint64_t offset)
{
    if (unlocked(s)) return false;
    log_guest_error(s, "write ignored while SYS_LOCK is locked", offset);
    return true;
}

static void write_reset_control(versatile_sysregs *s, uint32_t value)
{
    s->resetctl = value & 0x1ff;
    if (value & RESETCTL_RESET)
        bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP,
                      "%s: board reset requested (level %u), not performed", s->dev.name,
                      value & 7);
}

static void write_register(versatile_sysregs *s, uint64_t offset, uint32_t value)
{
    switch (offset) {
    case SYS_LED: s->led = value & 0xff; return;
    case SYS_LOCK: s->lock = value & 0xffff; return;
    case SYS_CFGDATA1: s->cfgdata[0] = value; return;
    case SYS_CFGDATA2: s->cfgdata[1] = value; return;
    case SYS_FLAGS: s->flags |= value; return;
    case SYS_FLAGSCLR: s->flags &= ~value; return;
    case SYS_NVFLAGS: s->nvflags |= value; return;
    case SYS_NVFLAGSCLR: s->nvflags &= ~value; return;
    case SYS_RESETCTL:
        if (!write_locked(s, offset)) write_reset_control(s, value);
        return;
    case SYS_PCICTL: s->pcictl = value; return;
    case SYS_FLASH: s->flash = value; return;
    case SYS_CLCD: s->clcd = value; return;
    case SYS_IOSEL: s->iosel = value; return;
    }
    if (in_range(offset, SYS_OSC0, N_OSC)) {
        if (!write_locked(s, offset)) s->osc[(offset - SYS_OSC0) / 4] = value;
    } else if (in_range(offset, SYS_OSCRESET0, N_OSC)) {
        if (!write_locked(s, offset)) s->oscreset[(offset - SYS_OSCRESET0) / 4] = value;
    } else if (in_range(offset, SYS_DMAPSR0, N_DMAPSR)) {
        s->dmapsr[(offset - SYS_DMAPSR0) / 4] = value;
    } else if (offset <= SYS_MISC || in_range(offset, SYS_TEST_OSC0, N_OSC)) {
        log_guest_error(s, "write to a read-only register", offset);
    } else {
        bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP,
                      "%s: write to unknown register +0x%03llx (0x%08x)", s->dev.name,
                      (unsigned long long)offset, value);
    }
}

static uint64_t sysregs_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    versatile_sysregs *s = opaque;
    return bb_mmio_narrow(read_register(s, offset & ~3ull, attrs.debug), offset, size);
}

static void sysregs_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                          bb_attrs attrs)
{
    versatile_sysregs *s = opaque;
    (void)size;
    (void)attrs;
    if (offset & 3)
        log_guest_error(s, "unaligned write", offset);
    else
        write_register(s, offset, (uint32_t)value);
}

static const bb_mmio_ops sysregs_ops = {.read = sysregs_read, .write = sysregs_write};

/* A board reset: everything but the non-volatile flags. */
static void sysregs_reset(bb_device *dev)
{
    versatile_sysregs *s = (versatile_sysregs *)dev;
    s->led = s->lock = s->flags = s->resetctl = s->flash = s->iosel = 0;
    s->cfgdata[0] = s->cfgdata[1] = 0;
    s->pcictl = 1;
    s->clcd = CLCD_RESET;
    for (int i = 0; i < N_OSC; i++)
        s->osc[i] = s->oscreset[i] = 0;
    for (int i = 0; i < N_DMAPSR; i++)
        s->dmapsr[i] = 0;
}

static void sysregs_destroy(bb_device *dev)
{
    bb_device_cleanup(dev);
    free(dev);
}

static void sysregs_state(bb_device *dev, bb_state *st)
{
    versatile_sysregs *s = (versatile_sysregs *)dev;
    uint32_t *regs[] = {&s->led,   &s->lock,    &s->cfgdata[0], &s->cfgdata[1],
                        &s->flags, &s->nvflags, &s->resetctl,   &s->pcictl,
                        &s->flash, &s->clcd,    &s->iosel};
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        bb_state_u32(st, regs[i]);
    bb_state_bytes(st, s->osc, sizeof(s->osc));
    bb_state_bytes(st, s->oscreset, sizeof(s->oscreset));
    bb_state_bytes(st, s->dmapsr, sizeof(s->dmapsr));
}

static bb_device *sysregs_create(bb_machine *m, const bb_device_config *cfg, char *err,
                                 size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    versatile_sysregs *s = calloc(1, sizeof(*s));
    if (!s ||
        !bb_device_init(&s->dev, &bb_model_versatile_sysregs, m, cfg->name, 0, 0, NULL, NULL)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->dev.reset = sysregs_reset;
    s->dev.destroy = sysregs_destroy;
    s->dev.state = sysregs_state;
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &sysregs_ops, s)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        sysregs_destroy(&s->dev);
        return NULL;
    }
    sysregs_reset(&s->dev);
    return &s->dev;
}

static const char *const sysregs_compatible[] = {"arm,versatile-sysreg",
                                                 "arm,core-module-versatile", NULL};

const bb_device_model bb_model_versatile_sysregs = {
    "versatile_sysregs",
    "ARM Versatile system registers",
    sysregs_compatible,
    sysregs_create,
};
