/*
 * zynq_devcfg.c: the Zynq-7000 device configuration interface (DevC / PCAP, UG585
 * chapter 6 and appendix B "devcfg"), the registers firmware polls while it (re)configures
 * the programmable logic.
 *
 * There is no bitstream to load: the PL is what the board's device tree describes, and it
 * is configured from the start (INT_STS.PCFG_DONE set, as the FSBL leaves it). What
 * firmware sees:
 * - CTRL.PCFG_PROG_B going low clears STATUS.PCFG_INIT and PCFG_DONE (the PL is being
 *   cleared) and sets PCFG_INIT_NE; going high again sets PCFG_INIT and PCFG_INIT_PE.
 * - A DMA transfer starts when DMA_DEST_LEN is written (after the source and destination
 *   addresses and the source length) and completes at once: DMA_DONE and D_P_DONE, and
 *   PCFG_DONE when the destination is the PCAP (0xFFFFFFFF: the bitstream is taken and
 *   dropped). Memory to memory transfers copy the words; a PCAP readback gives zeros.
 * - The interrupt (GIC ID 40) is INT_STS & ~INT_MASK; INT_STS bits clear when written
 *   with one.
 * Other registers read back what was written. The XADC interface (0x100-0x118) is a
 * separate node and not modelled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    R_CTRL = 0x00,
    R_LOCK = 0x04,
    R_CFG = 0x08,
    R_INT_STS = 0x0c,
    R_INT_MASK = 0x10,
    R_STATUS = 0x14,
    R_DMA_SRC_ADDR = 0x18,
    R_DMA_DST_ADDR = 0x1c,
    R_DMA_SRC_LEN = 0x20,
    R_DMA_DEST_LEN = 0x24,
    R_ROM_SHADOW = 0x28,
    R_MULTIBOOT_ADDR = 0x2c,
    R_SW_ID = 0x30,
    R_UNLOCK = 0x34,
    R_MCTRL = 0x80,
    N_WORDS = R_MCTRL / 4 + 1,
};

enum { CTRL_PCFG_PROG_B = 1u << 30 };

enum {
    INT_PCFG_INIT_NE = 1u << 0,
    INT_PCFG_INIT_PE = 1u << 1,
    INT_PCFG_DONE = 1u << 2,
    INT_D_P_DONE = 1u << 12,
    INT_DMA_DONE = 1u << 13,
    INT_ALL = 0xf8f7f87fu,
};

enum {
    STATUS_PCFG_INIT = 1u << 4,
    STATUS_PL_LINES = 0xf20, /* GTS_USR_B, FST_CFG_B, GPWRDWN_B, GTS_CFG_B, CFG_RESET_B */
    STATUS_DMA_CMD_Q_E = 1u << 30,
};

#define PCAP_ADDRESS 0xffffffffu
#define UNLOCK_KEY   0x757bdf0du
#define CTRL_RESET   0x4c006000u
#define CFG_RESET    0x00000508u
#define MCTRL_RESET  0x30000000u /* PS version 3.1 */
#define DMA_LEN_MASK 0x07ffffffu
#define COPY_CHUNK   4096

typedef struct zynq_devcfg {
    bb_device dev;
    uint32_t regs[N_WORDS];
    uint32_t status; /* STATUS */
} zynq_devcfg;

static void log_guest_error(zynq_devcfg *d, const char *what, uint64_t offset)
{
    bb_log_printf(&d->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%02llx", d->dev.name,
                  what, (unsigned long long)offset);
}

static uint32_t *reg(zynq_devcfg *d, unsigned offset)
{
    return &d->regs[offset / 4];
}

static void update_irq(zynq_devcfg *d)
{
    bb_irq_set(&d->dev.irq_out[0], (*reg(d, R_INT_STS) & ~*reg(d, R_INT_MASK)) != 0);
}

/* Copies `words` 32-bit words between guest physical addresses (0xFFFFFFFF: the PCAP). */
static void dma_copy(zynq_devcfg *d, uint32_t src, uint32_t dst, uint32_t words)
{
    uint8_t buf[COPY_CHUNK];
    uint64_t left = (uint64_t)words * 4, done = 0;
    while (left > 0) {
        size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);
        if (src == PCAP_ADDRESS)
            memset(buf, 0, n);
        else if (bb_bus_copy(d->dev.machine->bus, src + done, buf, n, false) != BB_BUS_OK)
            log_guest_error(d, "DMA source not in memory", R_DMA_SRC_ADDR);
        if (dst != PCAP_ADDRESS &&
            bb_bus_copy(d->dev.machine->bus, dst + done, buf, n, true) != BB_BUS_OK)
            log_guest_error(d, "DMA destination not in memory", R_DMA_DST_ADDR);
        left -= n;
        done += n;
    }
}

static void start_dma(zynq_devcfg *d)
{
    uint32_t src = *reg(d, R_DMA_SRC_ADDR), dst = *reg(d, R_DMA_DST_ADDR);
    uint32_t words = *reg(d, R_DMA_SRC_LEN) & DMA_LEN_MASK;
    /* Bits 1:0 of an address other than the PCAP's are flags (last transfer). */
    if (src != PCAP_ADDRESS) src &= ~3u;
    if (dst != PCAP_ADDRESS) dst &= ~3u;
    if (src != PCAP_ADDRESS || dst != PCAP_ADDRESS) dma_copy(d, src, dst, words);
    uint32_t done = INT_DMA_DONE | INT_D_P_DONE;
    if (dst == PCAP_ADDRESS) {
        done |= INT_PCFG_DONE;
        bb_log_printf(&d->dev.machine->log, BB_LOG_UNIMP,
                      "%s: %u words of bitstream to the PCAP (the PL is the device tree's)",
                      d->dev.name, words);
    }
    *reg(d, R_INT_STS) |= done;
    update_irq(d);
}

static void write_control(zynq_devcfg *d, uint32_t value)
{
    uint32_t old = *reg(d, R_CTRL);
    *reg(d, R_CTRL) = value;
    if ((old & CTRL_PCFG_PROG_B) && !(value & CTRL_PCFG_PROG_B)) {
        d->status &= ~STATUS_PCFG_INIT;
        *reg(d, R_INT_STS) = (*reg(d, R_INT_STS) & ~INT_PCFG_DONE) | INT_PCFG_INIT_NE;
    } else if (!(old & CTRL_PCFG_PROG_B) && (value & CTRL_PCFG_PROG_B)) {
        d->status |= STATUS_PCFG_INIT;
        *reg(d, R_INT_STS) |= INT_PCFG_INIT_PE;
    }
    update_irq(d);
}

static uint64_t devcfg_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    zynq_devcfg *d = opaque;
    uint64_t r = offset & ~3ull;
    uint32_t value = 0;
    if (r == R_STATUS)
        value = d->status;
    else if (r == R_UNLOCK || r == R_ROM_SHADOW)
        value = 0;
    else if (r < 4 * N_WORDS && (r <= R_UNLOCK || r == R_MCTRL))
        value = d->regs[r / 4];
    else if (!attrs.debug)
        log_guest_error(d, "read of a reserved register", offset);
    return bb_mmio_narrow(value, offset, size);
}

static void devcfg_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                         bb_attrs attrs)
{
    zynq_devcfg *d = opaque;
    (void)size, (void)attrs;
    uint32_t v = (uint32_t)value;
    switch (offset) {
    case R_CTRL: write_control(d, v); return;
    case R_LOCK: *reg(d, R_LOCK) |= v & 0x1f; return; /* each bit locks until reset */
    case R_INT_STS:
        *reg(d, R_INT_STS) &= ~v;
        update_irq(d);
        return;
    case R_INT_MASK:
        *reg(d, R_INT_MASK) = v;
        update_irq(d);
        return;
    case R_DMA_DEST_LEN:
        *reg(d, R_DMA_DEST_LEN) = v;
        start_dma(d);
        return;
    case R_UNLOCK:
        if (v != UNLOCK_KEY) log_guest_error(d, "wrong unlock key", offset);
        return;
    case R_STATUS: log_guest_error(d, "write to read-only STATUS", offset); return;
    case R_CFG:
    case R_DMA_SRC_ADDR:
    case R_DMA_DST_ADDR:
    case R_DMA_SRC_LEN:
    case R_ROM_SHADOW:
    case R_MULTIBOOT_ADDR:
    case R_SW_ID:
    case R_MCTRL: d->regs[offset / 4] = v; return;
    }
    log_guest_error(d, "write to a reserved register", offset);
}

static const bb_mmio_ops devcfg_ops = {.read = devcfg_read, .write = devcfg_write};

static void devcfg_reset(bb_device *dev)
{
    zynq_devcfg *d = (zynq_devcfg *)dev;
    memset(d->regs, 0, sizeof(d->regs));
    *reg(d, R_CTRL) = CTRL_RESET;
    *reg(d, R_CFG) = CFG_RESET;
    *reg(d, R_INT_STS) = INT_PCFG_DONE;
    *reg(d, R_INT_MASK) = 0xffffffffu;
    *reg(d, R_MCTRL) = MCTRL_RESET;
    d->status = STATUS_DMA_CMD_Q_E | STATUS_PL_LINES | STATUS_PCFG_INIT;
    update_irq(d);
}

static void devcfg_state(bb_device *dev, bb_state *st)
{
    zynq_devcfg *d = (zynq_devcfg *)dev;
    bb_state_bytes(st, d->regs, sizeof(d->regs));
    bb_state_u32(st, &d->status);
}

static void devcfg_destroy(bb_device *dev)
{
    bb_device_cleanup(dev);
    free(dev);
}

static bb_device *devcfg_create(bb_machine *m, const bb_device_config *cfg, char *err,
                                size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    zynq_devcfg *d = calloc(1, sizeof(*d));
    if (!d || !bb_device_init(&d->dev, &bb_model_zynq_devcfg, m, cfg->name, 1, 0, NULL, NULL)) {
        free(d);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->dev.reset = devcfg_reset;
    d->dev.destroy = devcfg_destroy;
    d->dev.state = devcfg_state;
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &devcfg_ops, d)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        devcfg_destroy(&d->dev);
        return NULL;
    }
    devcfg_reset(&d->dev);
    return &d->dev;
}

static const char *const devcfg_compatible[] = {"xlnx,zynq-devcfg-1.0", NULL};

const bb_device_model bb_model_zynq_devcfg = {
    "zynq_devcfg",
    "Zynq-7000 device configuration interface (DevC/PCAP registers)",
    devcfg_compatible,
    devcfg_create,
};
