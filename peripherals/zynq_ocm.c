/*
 * zynq_ocm.c: the Zynq-7000 on-chip memory (OCM, UG585 chapter 29) and its controller
 * (compatible "xlnx,zynq-ocmc-1.0", reg: the controller's registers at 0xF800C000).
 *
 * The 256 KiB of OCM are four 64 KiB blocks. Block n shows either low, at 64 KiB * n, or
 * high, at 0xFFFC0000 + 64 KiB * n, as bit n of the SLCR's OCM_CFG says (the SLCR model
 * calls bb_zynq_ocm_map); a low range that no block takes shows DDR, a high range that no
 * block takes is unmapped. The blocks and the DDR's first 256 KiB live in RAM regions
 * above 4 GiB, out of the CPUs' reach, and the eight 64 KiB windows are bus aliases onto
 * them, re-pointed when the mapping changes (TLBs and translations are then discarded).
 * The DDR region the board's memory node put at 0 is cut to start at 256 KiB.
 *
 * The boot ROM's leftovers are here too: the secondary CPUs' wait loop at 0xFFFFFE00 (WFE,
 * read 0xFFFFFFF0, loop while zero, BX there), which the other CPUs start in, and the loop
 * where a CPU held in reset by the SLCR waits. They are written, with the start address
 * cleared, when the model is created and at every machine reset.
 *
 * The controller's registers (parity control, error address, interrupt status, control)
 * read back as written; parity is not modelled and the interrupt never fires.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/board.h"
#include "core/machine.h"
#include "core/snapshot.h"
#include "jit/arm/cpu.h"
#include "peripherals/peripherals.h"
#include "peripherals/zynq_ocm.h"

#define KiB        1024u
#define BLOCK      (64 * KiB)
#define N_BLOCKS   4
#define LOW_SIZE   (N_BLOCKS * BLOCK)
#define HIGH_BASE  0xfffc0000u
#define HIDDEN     0x100000000ull /* backing RAM, above the 32-bit physical space */
#define HIDDEN_DDR (HIDDEN + LOW_SIZE)
#define RAM_HI     0xfu

enum {
    OCM_PARITY_CTRL = 0x00,
    OCM_PARITY_ERRADDRESS = 0x04,
    OCM_IRQ_STS = 0x08,
    OCM_CONTROL = 0x0c,
    N_REGS = 4,
};

/* The wait loop at BB_ZYNQ_WAIT_LOOP, then the hold loop at BB_ZYNQ_HOLD_LOOP. */
static const uint32_t boot_rom_code[] = {
    0xe59f1010, /* 0xfffffe00:  ldr   r1, [pc, #16]   @ =0xfffffff0 */
    0xe320f002, /* 0xfffffe04:  wfe                              */
    0xe5910000, /* 0xfffffe08:  ldr   r0, [r1]                   */
    0xe3500000, /* 0xfffffe0c:  cmp   r0, #0                     */
    0x0afffffb, /* 0xfffffe10:  beq   0xfffffe04                 */
    0xe12fff10, /* 0xfffffe14:  bx    r0                         */
    0xfffffff0, /* 0xfffffe18:  .word 0xfffffff0                 */
    0xe320f002, /* 0xfffffe1c:  wfe                              */
    0xeafffffd, /* 0xfffffe20:  b     0xfffffe1c                 */
};

typedef struct zynq_ocm {
    bb_device dev;
    uint32_t regs[N_REGS];
    uint32_t cfg;     /* OCM_CFG applied now */
    bool has_ddr_low; /* DDR shows where no block is mapped low */
    bool low_mapped[N_BLOCKS], high_mapped[N_BLOCKS];
} zynq_ocm;

static void log_guest_error(zynq_ocm *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", s->dev.name,
                  what, (unsigned long long)offset);
}

/* Puts the eight windows where cfg says. */
static void place_windows(zynq_ocm *s, uint32_t cfg)
{
    bb_bus *bus = s->dev.machine->bus;
    for (unsigned n = 0; n < N_BLOCKS; n++) {
        uint64_t low = (uint64_t)n * BLOCK, high = HIGH_BASE + (uint64_t)n * BLOCK;
        if (s->low_mapped[n]) bb_bus_remove(bus, low);
        if (s->high_mapped[n]) bb_bus_remove(bus, high);
        s->low_mapped[n] = s->high_mapped[n] = false;
        char name[16];
        if (cfg & (1u << n)) {
            snprintf(name, sizeof(name), "ocm%u-high", n);
            s->high_mapped[n] = bb_bus_add_alias(bus, name, high, BLOCK, HIDDEN + low) != NULL;
            if (s->has_ddr_low)
                s->low_mapped[n] = bb_bus_add_alias(bus, "ddr-low", low, BLOCK, HIDDEN_DDR + low);
        } else {
            snprintf(name, sizeof(name), "ocm%u-low", n);
            s->low_mapped[n] = bb_bus_add_alias(bus, name, low, BLOCK, HIDDEN + low) != NULL;
        }
    }
    s->cfg = cfg & RAM_HI;
}

/* After the map changed under running code: every CPU forgets its translations. */
static void forget_translations(bb_machine *m)
{
    for (int i = 0; i < m->n_cpus; i++) {
        bb_cpu_tlb_flush(m->cpus[i]);
        if (m->jit) bb_cpu_flush_translations(m->cpus[i]);
    }
}

static zynq_ocm *find_ocm(bb_machine *m)
{
    for (bb_device *dev = m->devices; dev; dev = dev->next)
        if (dev->model == &bb_model_zynq_ocm) return (zynq_ocm *)dev;
    return NULL;
}

bool bb_zynq_ocm_map(bb_machine *m, uint32_t ocm_cfg)
{
    zynq_ocm *s = find_ocm(m);
    if (!s) return false;
    if ((ocm_cfg & RAM_HI) == s->cfg) return true;
    place_windows(s, ocm_cfg);
    forget_translations(m);
    return true;
}

/* The boot ROM's code, a cleared start address, and the other CPUs parked in the loop. */
static void load_boot_rom(zynq_ocm *s)
{
    bb_machine *m = s->dev.machine;
    uint64_t block3 = HIDDEN + 3ull * BLOCK;
    uint32_t code[sizeof(boot_rom_code) / 4];
    memcpy(code, boot_rom_code, sizeof(code));
    bb_bus_copy(m->bus, block3 + (BB_ZYNQ_WAIT_LOOP & (BLOCK - 1)), code, sizeof(code), true);
    uint32_t zero = 0;
    bb_bus_copy(m->bus, block3 + (BB_ZYNQ_CPU1_START & (BLOCK - 1)), &zero, 4, true);
}

static bool cpus_are_cortex_a9(const bb_machine *m)
{
    return m->cpu_model && strcmp(m->cpu_model->compatible, "arm,cortex-a9") == 0;
}

static void park_secondary_cpus(zynq_ocm *s)
{
    bb_machine *m = s->dev.machine;
    if (!cpus_are_cortex_a9(m)) return;
    for (int i = 1; i < m->n_cpus; i++) {
        arm_cpu(m->cpus[i])->reset_pc = BB_ZYNQ_WAIT_LOOP; /* a machine reset goes there too */
        m->cpu_model->set_entry(m->cpus[i], BB_ZYNQ_WAIT_LOOP);
    }
}

static uint64_t ocm_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    zynq_ocm *s = opaque;
    uint64_t reg = offset & ~3ull;
    uint32_t value = 0;
    if (reg < 4 * N_REGS)
        value = s->regs[reg / 4];
    else if (!attrs.debug)
        log_guest_error(s, "read of a reserved register", offset);
    return bb_mmio_narrow(value, offset, size);
}

static void ocm_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    zynq_ocm *s = opaque;
    (void)size, (void)attrs;
    if (offset & 3) {
        log_guest_error(s, "unaligned write", offset);
    } else if (offset == OCM_IRQ_STS) {
        s->regs[OCM_IRQ_STS / 4] &= ~(uint32_t)value; /* write one to clear */
    } else if (offset < 4 * N_REGS) {
        s->regs[offset / 4] = (uint32_t)value;
    } else {
        log_guest_error(s, "write to a reserved register", offset);
    }
}

static const bb_mmio_ops ocm_ops = {.read = ocm_read, .write = ocm_write};

static void ocm_reset(bb_device *dev)
{
    zynq_ocm *s = (zynq_ocm *)dev;
    memset(s->regs, 0, sizeof(s->regs));
    if (s->cfg != (BB_ZYNQ_OCM_CFG_RESET & RAM_HI)) {
        place_windows(s, BB_ZYNQ_OCM_CFG_RESET);
        forget_translations(dev->machine);
    }
    load_boot_rom(s);
}

static void ocm_state(bb_device *dev, bb_state *st)
{
    zynq_ocm *s = (zynq_ocm *)dev;
    bb_state_bytes(st, s->regs, sizeof(s->regs));
    uint32_t cfg = s->cfg;
    bb_state_u32(st, &cfg);
    if (bb_state_restoring(st) && cfg != s->cfg) place_windows(s, cfg);
}

static void ocm_destroy(bb_device *dev)
{
    bb_device_cleanup(dev);
    free(dev);
}

/* The DDR the memory node put at 0 gives its first 256 KiB to the hidden copy that the
 * low windows show when no block is there. */
static bool take_ddr_low(zynq_ocm *s, char *err, size_t errlen)
{
    bb_bus *bus = s->dev.machine->bus;
    uint64_t addr = 0;
    bb_region *r = bb_bus_resolve(bus, &addr);
    if (!r) return true; /* no DDR at 0: the low ranges of blocks mapped high are unmapped */
    if (r->kind != BB_REGION_RAM || r->base != 0 || r->size <= LOW_SIZE) {
        snprintf(err, errlen,
                 "the first 256 KiB of the address space must be DDR (RAM of more "
                 "than 256 KiB at 0) or nothing");
        return false;
    }
    uint64_t size = r->size;
    char name[sizeof(r->name)];
    snprintf(name, sizeof(name), "%s", r->name);
    bb_bus_remove(bus, 0);
    if (!bb_bus_add_ram(bus, name, LOW_SIZE, size - LOW_SIZE) ||
        !bb_bus_add_ram(bus, "ddr-low (behind the OCM)", HIDDEN_DDR, LOW_SIZE)) {
        snprintf(err, errlen, "cannot split the DDR at 0");
        return false;
    }
    s->has_ddr_low = true;
    return true;
}

static bb_device *ocm_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the controller's registers)");
        return NULL;
    }
    if (find_ocm(m)) {
        snprintf(err, errlen, "a machine has one on-chip memory");
        return NULL;
    }
    zynq_ocm *s = calloc(1, sizeof(*s));
    if (!s || !bb_device_init(&s->dev, &bb_model_zynq_ocm, m, cfg->name, 1, 0, NULL, NULL)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->dev.reset = ocm_reset;
    s->dev.destroy = ocm_destroy;
    s->dev.state = ocm_state;
    s->cfg = ~0u; /* nothing placed yet */
    if (!take_ddr_low(s, err, errlen)) {
        ocm_destroy(&s->dev);
        return NULL;
    }
    if (!bb_bus_add_ram(m->bus, "ocm", HIDDEN, LOW_SIZE) ||
        !bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &ocm_ops, s)) {
        snprintf(err, errlen, "the OCM or its registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        ocm_destroy(&s->dev);
        return NULL;
    }
    place_windows(s, BB_ZYNQ_OCM_CFG_RESET);
    for (unsigned n = 0; n < N_BLOCKS; n++) {
        bool high = (BB_ZYNQ_OCM_CFG_RESET >> n) & 1;
        if (!(high ? s->high_mapped[n] : s->low_mapped[n])) {
            snprintf(
                err, errlen, "OCM block %u overlaps another region at 0x%llx", n,
                (unsigned long long)(high ? HIGH_BASE + (uint64_t)n * BLOCK : (uint64_t)n * BLOCK));
            ocm_destroy(&s->dev);
            return NULL;
        }
    }
    load_boot_rom(s);
    park_secondary_cpus(s);
    return &s->dev;
}

static const char *const ocm_compatible[] = {"xlnx,zynq-ocmc-1.0", NULL};

const bb_device_model bb_model_zynq_ocm = {
    "zynq_ocm",
    "Zynq-7000 on-chip memory and its controller (OCM_CFG mapping, boot ROM wait loop)",
    ocm_compatible,
    ocm_create,
};
