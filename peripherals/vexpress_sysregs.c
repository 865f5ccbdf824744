/*
 * vexpress_sysregs.c: the system registers of the Versatile Express V2M-P1 motherboard
 * (0x10000000 in the legacy map; ARM DUI 0447, "System register summary") with a
 * CoreTile Express A9x4 (V2P-CA9) as daughterboard 1: ID, switches, LEDs, the flags
 * register that holds secondary CPUs in the boot monitor's pen, the 100 Hz and 24 MHz
 * counters (from virtual time), MMC card-detect, processor IDs, and the configuration
 * interface (SYS_CFGDATA, SYS_CFGCTRL, SYS_CFGSTAT) to the motherboard and daughterboard
 * controllers.
 *
 * A configuration transfer completes at once. Reads answer the oscillators (the clock
 * rates Linux's clock drivers query), voltages and the temperature; writes set
 * oscillators and the video mux. SHUTDOWN ends the run with status 0 (Linux's poweroff);
 * REBOOT and RESET end it too, logged under `unimp` since a board reset is not modelled.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"
#include "peripherals/pl180.h"
#include "peripherals/vexpress_sysregs.h"

enum {
    SYS_ID = 0x00,
    SYS_SW = 0x04,
    SYS_LED = 0x08,
    SYS_100HZ = 0x24,
    SYS_FLAGS = 0x30, /* SYS_FLAGSSET when written */
    SYS_FLAGSCLR = 0x34,
    SYS_NVFLAGS = 0x38, /* SYS_NVFLAGSSET when written */
    SYS_NVFLAGSCLR = 0x3c,
    SYS_MCI = 0x48,
    SYS_FLASH = 0x4c,
    SYS_CFGSW = 0x58,
    SYS_24MHZ = 0x5c,
    SYS_MISC = 0x60,
    SYS_DMA = 0x64,
    SYS_PROCID0 = 0x84,
    SYS_PROCID1 = 0x88,
    SYS_CFGDATA = 0xa0,
    SYS_CFGCTRL = 0xa4,
    SYS_CFGSTAT = 0xa8,
};

enum {
    CFGCTRL_START = 1u << 31,
    CFGCTRL_WRITE = 1u << 30,
    CFGSTAT_COMPLETE = 1u << 0,
    CFGSTAT_ERROR = 1u << 1,
};

/* Configuration functions (SYS_CFGCTRL bits 25:20). */
enum {
    FUNC_OSC = 1,
    FUNC_VOLT = 2,
    FUNC_AMP = 3,
    FUNC_TEMP = 4,
    FUNC_RESET = 5,
    FUNC_SCC = 6,
    FUNC_MUXFPGA = 7,
    FUNC_SHUTDOWN = 8,
    FUNC_REBOOT = 9,
    FUNC_DVIMODE = 11,
    FUNC_POWER = 12,
    FUNC_ENERGY = 13,
};

enum { SITE_MB = 0, SITE_DB1 = 1, SITE_DB2 = 2 };

#define SYS_ID_V2M_P1     0x1190f500u /* V2M-P1 motherboard, HBI-0190 */
#define PROCID_V2P_CA9    0x0c000191u /* CoreTile Express A9x4, HBI-0191 */
#define MCI_CARD_PRESENT  (1u << 0)
#define MCI_WRITE_PROTECT (1u << 1)
#define N_OSC             5

/* Oscillators at reset (Hz): motherboard OSCCLK0-4, daughterboard OSCCLK0-2. */
static const uint32_t mb_osc_reset[N_OSC] = {50000000, 23750000, 24000000, 24000000, 24000000};
static const uint32_t db_osc_reset[N_OSC] = {45000000, 23750000, 66670000, 0, 0};
/* Daughterboard supplies (microvolts): VD10, VD10_S2, VD10_S3, VCC1V8, DDR2VTT, VCC3V3. */
static const uint32_t db_volt[6] = {1000000, 1000000, 1000000, 1800000, 900000, 3300000};

typedef struct vexpress_sysregs {
    bb_device dev;
    uint64_t base;
    uint32_t sw, led, flags, nvflags, flash, cfgsw, misc, dma;
    uint32_t cfgdata, cfgctrl, cfgstat;
    uint32_t mb_osc[N_OSC], db_osc[N_OSC], muxfpga, dvimode;
} vexpress_sysregs;

static void log_guest_error(vexpress_sysregs *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", s->dev.name,
                  what, (unsigned long long)offset);
}

static uint64_t now_ns(vexpress_sysregs *s)
{
    return bb_clock_now(s->dev.machine->clock);
}

/* SYS_MCI: card-detect and write-protect of the MMC slot, from the MMCI model. */
static uint32_t mci_status(vexpress_sysregs *s)
{
    for (bb_device *dev = s->dev.machine->devices; dev; dev = dev->next) {
        if (dev->model != &bb_model_pl180) continue;
        uint32_t status = 0;
        if (bb_pl180_card_present(dev)) status |= MCI_CARD_PRESENT;
        if (bb_pl180_card_read_only(dev)) status |= MCI_WRITE_PROTECT;
        return status;
    }
    return 0;
}

static uint32_t read_register(vexpress_sysregs *s, uint64_t offset, bool debug)
{
    switch (offset) {
    case SYS_ID: return SYS_ID_V2M_P1;
    case SYS_SW: return s->sw;
    case SYS_LED: return s->led;
    case SYS_100HZ: return (uint32_t)(now_ns(s) / 10000000u);
    case SYS_FLAGS: return s->flags;
    case SYS_NVFLAGS: return s->nvflags;
    case SYS_MCI: return mci_status(s);
    case SYS_FLASH: return s->flash;
    case SYS_CFGSW: return s->cfgsw;
    case SYS_24MHZ: return (uint32_t)(now_ns(s) * 24 / 1000);
    case SYS_MISC: return s->misc;
    case SYS_DMA: return s->dma;
    case SYS_PROCID0: return PROCID_V2P_CA9;
    case SYS_PROCID1: return 0xff000000u; /* no second daughterboard */
    case SYS_CFGDATA: return s->cfgdata;
    case SYS_CFGCTRL: return s->cfgctrl;
    case SYS_CFGSTAT: return s->cfgstat;
    case SYS_FLAGSCLR:
    case SYS_NVFLAGSCLR: return 0;
    }
    if (!debug)
        bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP, "%s: read of unknown register +0x%03llx",
                      s->dev.name, (unsigned long long)offset);
    return 0;
}

static void end_run(vexpress_sysregs *s, const char *what)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP,
                  "%s: %s requested: the run ends (a board reset is not modelled)", s->dev.name,
                  what);
    bb_machine_exit(s->dev.machine, 0);
}

/* One configuration read; false for a function or device that does not exist. */
static bool config_read(vexpress_sysregs *s, unsigned func, unsigned site, unsigned device,
                        uint32_t *value)
{
    bool db = site == SITE_DB1;
    if (site != SITE_MB && !db) return false;
    switch (func) {
    case FUNC_OSC:
        if (device >= N_OSC) return false;
        *value = db ? s->db_osc[device] : s->mb_osc[device];
        return true;
    case FUNC_VOLT:
        if (db && device < 6)
            *value = db_volt[device];
        else if (!db && device == 0)
            *value = 3300000; /* VIO */
        else
            return false;
        return true;
    case FUNC_AMP:
    case FUNC_POWER:
    case FUNC_ENERGY: *value = 0; return true;
    case FUNC_TEMP: *value = 40000; return true; /* millidegrees Celsius */
    case FUNC_MUXFPGA: *value = s->muxfpga; return true;
    case FUNC_DVIMODE: *value = s->dvimode; return true;
    }
    return false;
}

static bool config_write(vexpress_sysregs *s, unsigned func, unsigned site, unsigned device,
                         uint32_t value)
{
    if (site != SITE_MB && site != SITE_DB1) return false;
    switch (func) {
    case FUNC_OSC:
        if (device >= N_OSC) return false;
        if (site == SITE_DB1)
            s->db_osc[device] = value;
        else
            s->mb_osc[device] = value;
        return true;
    case FUNC_MUXFPGA: s->muxfpga = value; return true;
    case FUNC_DVIMODE: s->dvimode = value; return true;
    case FUNC_SHUTDOWN: bb_machine_exit(s->dev.machine, 0); return true;
    case FUNC_REBOOT: end_run(s, "reboot"); return true;
    case FUNC_RESET: end_run(s, "reset"); return true;
    case FUNC_SCC:
    case FUNC_VOLT: return true;
    }
    return false;
}

static void config_transfer(vexpress_sysregs *s, uint32_t ctrl)
{
    unsigned func = (ctrl >> 20) & 0x3f, site = (ctrl >> 16) & 3, device = ctrl & 0xfff;
    bool ok;
    if (ctrl & CFGCTRL_WRITE) {
        ok = config_write(s, func, site, device, s->cfgdata);
    } else {
        uint32_t value = 0;
        ok = config_read(s, func, site, device, &value);
        if (ok) s->cfgdata = value;
    }
    if (!ok)
        log_guest_error(s, "configuration transfer to a function or device that does not exist",
                        SYS_CFGCTRL);
    s->cfgstat = CFGSTAT_COMPLETE | (ok ? 0 : CFGSTAT_ERROR);
    s->cfgctrl = ctrl & ~CFGCTRL_START;
}

static void write_register(vexpress_sysregs *s, uint64_t offset, uint32_t value)
{
    switch (offset) {
    case SYS_SW: s->sw = value; return;
    case SYS_LED: s->led = value & 0xff; return;
    case SYS_FLAGS: s->flags |= value; return;
    case SYS_FLAGSCLR: s->flags &= ~value; return;
    case SYS_NVFLAGS: s->nvflags |= value; return;
    case SYS_NVFLAGSCLR: s->nvflags &= ~value; return;
    case SYS_FLASH: s->flash = value & 1; return;
    case SYS_CFGSW: s->cfgsw = value; return;
    case SYS_MISC: s->misc = value; return;
    case SYS_DMA: s->dma = value; return;
    case SYS_CFGDATA: s->cfgdata = value; return;
    case SYS_CFGSTAT: s->cfgstat = value & (CFGSTAT_COMPLETE | CFGSTAT_ERROR); return;
    case SYS_CFGCTRL:
        if (value & CFGCTRL_START)
            config_transfer(s, value);
        else
            s->cfgctrl = value;
        return;
    case SYS_ID:
    case SYS_100HZ:
    case SYS_MCI:
    case SYS_24MHZ:
    case SYS_PROCID0:
    case SYS_PROCID1: log_guest_error(s, "write to a read-only register", offset); return;
    }
    bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP,
                  "%s: write to unknown register +0x%03llx (0x%08x)", s->dev.name,
                  (unsigned long long)offset, value);
}

static uint64_t sysregs_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    vexpress_sysregs *s = opaque;
    return bb_mmio_narrow(read_register(s, offset & ~3ull, attrs.debug), offset, size);
}

static void sysregs_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                          bb_attrs attrs)
{
    vexpress_sysregs *s = opaque;
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
    vexpress_sysregs *s = (vexpress_sysregs *)dev;
    s->sw = s->led = s->flags = s->flash = s->cfgsw = s->misc = s->dma = 0;
    s->cfgdata = s->cfgctrl = s->cfgstat = s->muxfpga = s->dvimode = 0;
    for (int i = 0; i < N_OSC; i++) {
        s->mb_osc[i] = mb_osc_reset[i];
        s->db_osc[i] = db_osc_reset[i];
    }
}

/* The counters come from virtual time, the card-detect bits from the MMCI. */
static void sysregs_state(bb_device *dev, bb_state *st)
{
    vexpress_sysregs *s = (vexpress_sysregs *)dev;
    uint32_t *regs[] = {&s->sw,      &s->led,     &s->flags,  &s->nvflags, &s->flash,
                        &s->cfgsw,   &s->misc,    &s->dma,    &s->cfgdata, &s->cfgctrl,
                        &s->cfgstat, &s->muxfpga, &s->dvimode};
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        bb_state_u32(st, regs[i]);
    for (int i = 0; i < N_OSC; i++) {
        bb_state_u32(st, &s->mb_osc[i]);
        bb_state_u32(st, &s->db_osc[i]);
    }
}

static void sysregs_destroy(bb_device *dev)
{
    bb_device_cleanup(dev);
    free(dev);
}

static bb_device *sysregs_create(bb_machine *m, const bb_device_config *cfg, char *err,
                                 size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    vexpress_sysregs *s = calloc(1, sizeof(*s));
    if (!s ||
        !bb_device_init(&s->dev, &bb_model_vexpress_sysregs, m, cfg->name, 0, 0, NULL, NULL)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->base = cfg->reg_base[0];
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

bool bb_vexpress_flags_address(bb_machine *m, uint64_t *addr)
{
    for (bb_device *dev = m->devices; dev; dev = dev->next)
        if (dev->model == &bb_model_vexpress_sysregs) {
            *addr = ((vexpress_sysregs *)dev)->base + SYS_FLAGS;
            return true;
        }
    return false;
}

static const char *const sysregs_compatible[] = {"arm,vexpress-sysreg", NULL};

const bb_device_model bb_model_vexpress_sysregs = {
    "vexpress_sysregs",
    "ARM Versatile Express V2M-P1 system registers and configuration interface",
    sysregs_compatible,
    sysregs_create,
};
