/*
 * arm_gic.c: the ARM Generic Interrupt Controller v1 as in the Cortex-A9 MPCore (and the
 * PL390): a distributor (reg 0) and a CPU interface (reg 1) whose registers are banked per
 * CPU, chosen by the initiator of each access.
 *
 * IDs 0-15 are software-generated interrupts (SGIs, raised through ICDSGIR, pending per
 * source CPU and acknowledged with the source in ICCIAR bits 12:10), 16-31 the private
 * peripheral interrupts of each CPU (PPIs), 32 and up the shared ones (SPIs, routed by
 * ICDIPTR). Each interrupt has an enable, a pending latch (software, or a rising edge when
 * configured edge-triggered), an active state, the level of its input line, a priority
 * (5 bits implemented, as on the A9) and, for SPIs, a CPU target mask. A level-sensitive
 * interrupt is pending while its line is high. A CPU's IRQ output is raised when its
 * interface and the distributor are enabled and its best pending interrupt (lowest
 * priority value, then lowest ID, not already active) is below the priority mask and has a
 * higher group priority (ICCBPR) than the running priority (that of its highest-priority
 * active interrupt). There are no security extensions: every interrupt is signalled as
 * IRQ, never FIQ. Interrupt count: `arm,num-irqs`-style property `brassboard,num-irqs`
 * (a multiple of 32, default 96 as on the A9 of the V2P-CA9).
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/board.h"
#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/arm_gic.h"
#include "peripherals/peripherals.h"

enum {
    /* distributor */
    ICDDCR = 0x000,
    ICDICTR = 0x004,
    ICDIIDR = 0x008,
    ICDISR = 0x080,
    ICDISER = 0x100,
    ICDICER = 0x180,
    ICDISPR = 0x200,
    ICDICPR = 0x280,
    ICDABR = 0x300,  /* active status; writes set active (as GICv2's ISACTIVER) */
    ICDCABR = 0x380, /* clears active (GICv2's ICACTIVER; Linux writes it) */
    ICDIPR = 0x400,
    ICDIPTR = 0x800,
    ICDICFR = 0xc00,
    ICDSGIR = 0xf00,
    /* CPU interface */
    ICCICR = 0x00,
    ICCPMR = 0x04,
    ICCBPR = 0x08,
    ICCIAR = 0x0c,
    ICCEOIR = 0x10,
    ICCRPR = 0x14,
    ICCHPIR = 0x18,
    ICCABPR = 0x1c,
    ICCIIDR = 0xfc,
};

#define MAX_IRQS         1020
#define DEFAULT_IRQS     96
#define SPURIOUS         1023
#define PRIORITY_MASK    0xf8u /* 32 priority levels */
#define IDLE_PRIORITY    0xffu
#define MIN_BINARY_POINT 2
#define DIST_IIDR        0x0100043bu
#define CPU_IIDR         0x0390243bu

typedef struct irq_state {
    bool enabled, pending, active, level, edge;
    uint8_t priority;
    uint8_t targets;    /* SPIs: CPU mask */
    uint8_t active_cpu; /* SPIs: the CPU that acknowledged it */
} irq_state;

typedef struct gic_cpu {
    irq_state priv[32];
    uint8_t sgi_sources[16]; /* pending SGIs: a bit per source CPU */
    bool enabled;
    uint8_t pmr, bpr;
    bool irq_level;
} gic_cpu;

typedef struct arm_gic {
    bb_device dev;
    int n_irqs, n_cpus;
    uint64_t cpu_interface_base;
    bool enabled;
    irq_state *spi; /* n_irqs - 32 */
    gic_cpu cpu[BB_MAX_CPUS];
} arm_gic;

static const uint8_t gic_id[8] = {0x90, 0xb3, 0x1b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static void log_guest_error(arm_gic *g, const char *what, uint64_t offset)
{
    bb_log_printf(&g->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", g->dev.name,
                  what, (unsigned long long)offset);
}

static irq_state *state_of(arm_gic *g, int cpu, int id)
{
    return id < 32 ? &g->cpu[cpu].priv[id] : &g->spi[id - 32];
}

/* The banked view an access uses: its CPU, or CPU 0 for accesses from outside. */
static int cpu_of(const arm_gic *g, bb_attrs attrs)
{
    return attrs.cpu < g->n_cpus ? attrs.cpu : 0;
}

static bool is_pending(arm_gic *g, int cpu, int id)
{
    if (id < 16) return g->cpu[cpu].sgi_sources[id] != 0;
    const irq_state *s = state_of(g, cpu, id);
    return s->pending || (!s->edge && s->level);
}

static bool is_active_on(arm_gic *g, int cpu, int id)
{
    const irq_state *s = state_of(g, cpu, id);
    return s->active && (id < 32 || s->active_cpu == cpu);
}

/* The best interrupt that could be signalled to `cpu`, or SPURIOUS. */
static int best_pending(arm_gic *g, int cpu)
{
    int best = SPURIOUS;
    unsigned best_priority = 0x100;
    for (int id = 0; id < g->n_irqs; id++) {
        const irq_state *s = state_of(g, cpu, id);
        if (!s->enabled || s->active || !is_pending(g, cpu, id)) continue;
        if (id >= 32 && !(s->targets & (1u << cpu))) continue;
        if (s->priority < best_priority) {
            best = id;
            best_priority = s->priority;
        }
    }
    return best;
}

static unsigned running_priority(arm_gic *g, int cpu)
{
    unsigned running = IDLE_PRIORITY;
    for (int id = 0; id < g->n_irqs; id++) {
        const irq_state *s = state_of(g, cpu, id);
        if (s->priority < running && is_active_on(g, cpu, id)) running = s->priority;
    }
    return running;
}

static unsigned group_mask(const gic_cpu *c)
{
    return (0xffu << (c->bpr + 1)) & 0xffu;
}

static void update(arm_gic *g)
{
    for (int cpu = 0; cpu < g->n_cpus; cpu++) {
        gic_cpu *c = &g->cpu[cpu];
        bool level = false;
        if (g->enabled && c->enabled) {
            int id = best_pending(g, cpu);
            if (id != SPURIOUS) {
                unsigned prio = state_of(g, cpu, id)->priority;
                unsigned mask = group_mask(c);
                level = prio < c->pmr && (prio & mask) < (running_priority(g, cpu) & mask);
            }
        }
        if (level != c->irq_level) {
            c->irq_level = level;
            bb_irq_set(&g->dev.irq_out[2 * cpu], level);
        }
    }
}

static void set_line(void *opaque, int input, int level)
{
    arm_gic *g = opaque;
    int cpu = 0, id = input;
    if (input >= BB_GIC_PRIVATE_BASE) {
        cpu = (input - BB_GIC_PRIVATE_BASE) / 32;
        id = (input - BB_GIC_PRIVATE_BASE) % 32;
        if (cpu >= g->n_cpus) return;
    }
    if (id < 16 || id >= g->n_irqs) return;
    irq_state *s = state_of(g, cpu, id);
    bool high = level != 0;
    if (s->edge && high && !s->level) s->pending = true;
    s->level = high;
    update(g);
}

/* --- distributor --- */

/* One bit per interrupt (enable, pending, active): the bit of `id` as `cpu` sees it. */
static bool read_bit(arm_gic *g, uint64_t base, int cpu, int id)
{
    const irq_state *s = state_of(g, cpu, id);
    switch (base) {
    case ICDISER:
    case ICDICER: return s->enabled;
    case ICDISPR:
    case ICDICPR: return is_pending(g, cpu, id);
    default: return s->active;
    }
}

static void write_bit(arm_gic *g, uint64_t base, int cpu, int id)
{
    irq_state *s = state_of(g, cpu, id);
    switch (base) {
    case ICDISER: s->enabled = true; break;
    case ICDICER:
        if (id >= 16) s->enabled = false; /* SGIs are always enabled */
        break;
    case ICDISPR:
        if (id >= 16) s->pending = true;
        break;
    case ICDICPR:
        if (id >= 16)
            s->pending = false;
        else
            g->cpu[cpu].sgi_sources[id] = 0;
        break;
    case ICDABR:
        s->active = true;
        s->active_cpu = (uint8_t)cpu;
        break;
    case ICDCABR: s->active = false; break;
    }
}

static uint32_t read_target_byte(arm_gic *g, int cpu, int id)
{
    if (id < 32) return 1u << cpu;
    return g->spi[id - 32].targets;
}

static uint32_t read_config_word(arm_gic *g, int cpu, int first)
{
    uint32_t word = 0;
    for (int i = 0; i < 16; i++) {
        int id = first + i;
        bool edge = id < 16 || (id < g->n_irqs && state_of(g, cpu, id)->edge);
        if (id < g->n_irqs && edge) word |= 2u << (2 * i);
    }
    return word;
}

static void write_config_word(arm_gic *g, int cpu, int first, uint32_t value)
{
    for (int i = 0; i < 16; i++) {
        int id = first + i;
        if (id < 16 || id >= g->n_irqs) continue;
        irq_state *s = state_of(g, cpu, id);
        s->edge = (value >> (2 * i + 1)) & 1;
    }
}

static void send_sgi(arm_gic *g, int from, uint32_t value)
{
    int id = value & 15;
    unsigned targets;
    switch ((value >> 24) & 3) {
    case 0: targets = (value >> 16) & 0xff; break;
    case 1: targets = 0xffu & ~(1u << from); break;
    case 2: targets = 1u << from; break;
    default: log_guest_error(g, "reserved SGI target filter", ICDSGIR); return;
    }
    for (int cpu = 0; cpu < g->n_cpus; cpu++)
        if (targets & (1u << cpu)) g->cpu[cpu].sgi_sources[id] |= (uint8_t)(1u << from);
}

static uint32_t dist_read_word(arm_gic *g, uint64_t reg, int cpu, bool debug)
{
    if (reg == ICDDCR) return g->enabled;
    if (reg == ICDICTR) return (uint32_t)(g->n_irqs / 32 - 1) | (uint32_t)(g->n_cpus - 1) << 5;
    if (reg == ICDIIDR) return DIST_IIDR;
    if (reg >= ICDISR && reg < ICDISER) return 0;
    if (reg >= ICDISER && reg < ICDIPR) {
        uint64_t base = reg & ~0x7full;
        int first = (int)(reg - base) * 8;
        uint32_t word = 0;
        for (int i = 0; i < 32 && first + i < g->n_irqs; i++)
            if (read_bit(g, base, cpu, first + i)) word |= 1u << i;
        return word;
    }
    if (reg >= ICDIPR && reg < ICDIPR + (uint64_t)g->n_irqs) {
        uint32_t word = 0;
        for (int i = 0; i < 4; i++)
            word |= (uint32_t)state_of(g, cpu, (int)(reg - ICDIPR) + i)->priority << (8 * i);
        return word;
    }
    if (reg >= ICDIPTR && reg < ICDIPTR + (uint64_t)g->n_irqs) {
        uint32_t word = 0;
        for (int i = 0; i < 4; i++)
            word |= read_target_byte(g, cpu, (int)(reg - ICDIPTR) + i) << (8 * i);
        return word;
    }
    if (reg >= ICDICFR && reg < ICDICFR + (uint64_t)g->n_irqs / 4)
        return read_config_word(g, cpu, (int)(reg - ICDICFR) * 4);
    uint32_t id;
    if (reg >= 0xfd0 && bb_primecell_id(gic_id, reg, &id)) return id;
    if (!debug && reg != ICDSGIR) log_guest_error(g, "read of a reserved register", reg);
    return 0;
}

static void dist_write_byte(arm_gic *g, uint64_t offset, uint8_t value, int cpu)
{
    if (offset >= ICDIPR && offset < ICDIPR + (uint64_t)g->n_irqs) {
        state_of(g, cpu, (int)(offset - ICDIPR))->priority = value & PRIORITY_MASK;
    } else if (offset >= ICDIPTR + 32 && offset < ICDIPTR + (uint64_t)g->n_irqs) {
        g->spi[offset - ICDIPTR - 32].targets = value & (uint8_t)((1u << g->n_cpus) - 1);
    }
}

static void dist_write_word(arm_gic *g, uint64_t reg, uint32_t value, int cpu)
{
    if (reg == ICDDCR) {
        g->enabled = value & 1;
    } else if (reg >= ICDISR && reg < ICDISER) {
        /* security: no security extensions, every interrupt is non-secure-like */
    } else if (reg >= ICDISER && reg < ICDIPR) {
        uint64_t base = reg & ~0x7full;
        int first = (int)(reg - base) * 8;
        for (int i = 0; i < 32 && first + i < g->n_irqs; i++)
            if (value & (1u << i)) write_bit(g, base, cpu, first + i);
    } else if ((reg >= ICDIPR && reg < ICDIPR + (uint64_t)g->n_irqs) ||
               (reg >= ICDIPTR && reg < ICDIPTR + (uint64_t)g->n_irqs)) {
        for (int i = 0; i < 4; i++)
            dist_write_byte(g, reg + (uint64_t)i, (uint8_t)(value >> (8 * i)), cpu);
    } else if (reg >= ICDICFR && reg < ICDICFR + (uint64_t)g->n_irqs / 4) {
        write_config_word(g, cpu, (int)(reg - ICDICFR) * 4, value);
    } else if (reg == ICDSGIR) {
        send_sgi(g, cpu, value);
    } else {
        log_guest_error(g, "write to a read-only or reserved register", reg);
        return;
    }
    update(g);
}

static uint64_t dist_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    arm_gic *g = opaque;
    return bb_mmio_narrow(dist_read_word(g, offset & ~3ull, cpu_of(g, attrs), attrs.debug), offset,
                          size);
}

static void dist_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    arm_gic *g = opaque;
    int cpu = cpu_of(g, attrs);
    bool byte_array = (offset >= ICDIPR && offset < ICDIPR + 0x400) ||
                      (offset >= ICDIPTR && offset < ICDIPTR + 0x400);
    if (size < 4 && byte_array) {
        for (unsigned i = 0; i < size; i++)
            dist_write_byte(g, offset + i, (uint8_t)(value >> (8 * i)), cpu);
        update(g);
    } else if (size < 4 || (offset & 3)) {
        log_guest_error(g, "narrow or unaligned write", offset);
    } else {
        dist_write_word(g, offset, (uint32_t)value, cpu);
    }
}

/* --- CPU interface --- */

static uint32_t acknowledge(arm_gic *g, int cpu)
{
    gic_cpu *c = &g->cpu[cpu];
    int id = best_pending(g, cpu);
    if (id == SPURIOUS) return SPURIOUS;
    irq_state *s = state_of(g, cpu, id);
    unsigned mask = group_mask(c);
    if (!(s->priority < c->pmr && (s->priority & mask) < (running_priority(g, cpu) & mask)))
        return SPURIOUS;
    uint32_t value = (uint32_t)id;
    if (id < 16) {
        int source = __builtin_ctz(c->sgi_sources[id]);
        c->sgi_sources[id] &= (uint8_t) ~(1u << source);
        value |= (uint32_t)source << 10;
    } else {
        s->pending = false;
    }
    s->active = true;
    s->active_cpu = (uint8_t)cpu;
    update(g);
    return value;
}

static void end_of_interrupt(arm_gic *g, int cpu, uint32_t value)
{
    int id = value & 0x3ff;
    if (id == SPURIOUS) return;
    if (id >= g->n_irqs || !is_active_on(g, cpu, id)) {
        bb_log_printf(&g->dev.machine->log, BB_LOG_GUEST_ERRORS,
                      "%s: end of interrupt %d, which is not active on CPU %d", g->dev.name, id,
                      cpu);
        return;
    }
    state_of(g, cpu, id)->active = false;
    update(g);
}

static uint64_t cpu_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    arm_gic *g = opaque;
    int cpu = cpu_of(g, attrs);
    gic_cpu *c = &g->cpu[cpu];
    uint32_t value = 0;
    switch (offset & ~3ull) {
    case ICCICR: value = c->enabled; break;
    case ICCPMR: value = c->pmr; break;
    case ICCBPR: value = c->bpr; break;
    case ICCIAR:
        if (attrs.debug)
            value = (uint32_t)best_pending(g, cpu);
        else
            value = acknowledge(g, cpu);
        break;
    case ICCRPR: value = running_priority(g, cpu); break;
    case ICCHPIR: value = (uint32_t)best_pending(g, cpu); break;
    case ICCABPR: value = c->bpr; break;
    case ICCIIDR: value = CPU_IIDR; break;
    default:
        if (!attrs.debug) log_guest_error(g, "read of a reserved CPU interface register", offset);
    }
    return bb_mmio_narrow(value, offset, size);
}

static void cpu_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    arm_gic *g = opaque;
    int cpu = cpu_of(g, attrs);
    gic_cpu *c = &g->cpu[cpu];
    (void)size;
    switch (offset) {
    case ICCICR: c->enabled = value & 1; break;
    case ICCPMR: c->pmr = (uint8_t)(value & PRIORITY_MASK); break;
    case ICCBPR:
    case ICCABPR:
        c->bpr = (uint8_t)((value & 7) < MIN_BINARY_POINT ? MIN_BINARY_POINT : value & 7);
        break;
    case ICCEOIR: end_of_interrupt(g, cpu, (uint32_t)value); return;
    default:
        log_guest_error(g, "write to a read-only or reserved CPU interface register", offset);
        return;
    }
    update(g);
}

static const bb_mmio_ops dist_ops = {.read = dist_read, .write = dist_write};
static const bb_mmio_ops cpu_ops = {.read = cpu_read, .write = cpu_write};

static void gic_reset(bb_device *dev)
{
    arm_gic *g = (arm_gic *)dev;
    g->enabled = false;
    memset(g->spi, 0, sizeof(irq_state) * (size_t)(g->n_irqs - 32));
    for (int cpu = 0; cpu < BB_MAX_CPUS; cpu++) {
        gic_cpu *c = &g->cpu[cpu];
        bool level = c->irq_level;
        memset(c, 0, sizeof(*c));
        c->irq_level = level;
        c->bpr = MIN_BINARY_POINT;
        for (int id = 0; id < 16; id++)
            c->priv[id].enabled = true; /* SGIs: always enabled */
        /* A9 PPIs: 27 global timer, 29 private timer, 30 watchdog are edge-triggered. */
        c->priv[27].edge = c->priv[29].edge = c->priv[30].edge = true;
    }
    update(g);
}

static void irq_state_state(bb_state *st, irq_state *s)
{
    bool *flags[] = {&s->enabled, &s->pending, &s->active, &s->level, &s->edge};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        bb_state_bool(st, flags[i]);
    bb_state_u8(st, &s->priority);
    bb_state_u8(st, &s->targets);
    bb_state_u8(st, &s->active_cpu);
}

/* Input levels are part of each interrupt's state; the IRQ outputs' levels are restored
 * as they were (the CPUs restore theirs), not signalled again. */
static void gic_state(bb_device *dev, bb_state *st)
{
    arm_gic *g = (arm_gic *)dev;
    bb_state_bool(st, &g->enabled);
    for (int id = 32; id < g->n_irqs; id++)
        irq_state_state(st, &g->spi[id - 32]);
    for (int cpu = 0; cpu < g->n_cpus; cpu++) {
        gic_cpu *c = &g->cpu[cpu];
        for (int id = 0; id < 32; id++)
            irq_state_state(st, &c->priv[id]);
        bb_state_bytes(st, c->sgi_sources, sizeof(c->sgi_sources));
        bb_state_bool(st, &c->enabled);
        bb_state_u8(st, &c->pmr);
        bb_state_u8(st, &c->bpr);
        bb_state_bool(st, &c->irq_level);
    }
}

static void gic_destroy(bb_device *dev)
{
    arm_gic *g = (arm_gic *)dev;
    bb_device_cleanup(dev);
    free(g->spi);
    free(g);
}

static int read_num_irqs(const bb_device_config *cfg, char *err, size_t errlen)
{
    int len = 0;
    const fdt32_t *prop =
        cfg->fdt ? fdt_getprop(cfg->fdt, cfg->node, "brassboard,num-irqs", &len) : NULL;
    if (!prop) return DEFAULT_IRQS;
    uint32_t n = len == 4 ? fdt32_to_cpu(*prop) : 0;
    if (n < 32 || n > 992 || n % 32) {
        snprintf(err, errlen, "brassboard,num-irqs must be a multiple of 32 from 32 to 992");
        return -1;
    }
    return (int)n;
}

static bb_device *gic_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 2 || !cfg->reg_size[0] || !cfg->reg_size[1]) {
        snprintf(err, errlen, "needs two reg ranges (distributor, CPU interface)");
        return NULL;
    }
    int n_irqs = read_num_irqs(cfg, err, errlen);
    if (n_irqs < 0) return NULL;
    int n_cpus = m->n_cpus > 0 ? m->n_cpus : 1;
    arm_gic *g = calloc(1, sizeof(*g));
    irq_state *spi = calloc((size_t)(n_irqs - 32 + 1), sizeof(irq_state));
    if (!g || !spi ||
        !bb_device_init(&g->dev, &bb_model_arm_gic, m, cfg->name, 2 * n_cpus,
                        BB_GIC_PRIVATE_INPUT(BB_MAX_CPUS, 0), set_line, g)) {
        free(g);
        free(spi);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    g->spi = spi;
    g->n_irqs = n_irqs;
    g->n_cpus = n_cpus;
    g->cpu_interface_base = cfg->reg_base[1];
    g->dev.reset = gic_reset;
    g->dev.destroy = gic_destroy;
    g->dev.state = gic_state;
    if (m->cpu_model)
        for (int cpu = 0; cpu < m->n_cpus; cpu++)
            for (int k = 0; k < 2; k++)
                g->dev.irq_out[2 * cpu + k] = m->cpu_model->irq_input(m->cpus[cpu], k);
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &dist_ops, g) ||
        !bb_bus_add_mmio(m->bus, "gic-cpu-interface", cfg->reg_base[1], cfg->reg_size[1], &cpu_ops,
                         g)) {
        snprintf(err, errlen, "registers overlap another region");
        gic_destroy(&g->dev);
        return NULL;
    }
    gic_reset(&g->dev);
    return &g->dev;
}

bool bb_gic_cpu_interface_base(bb_machine *m, uint64_t *base)
{
    for (bb_device *dev = m->devices; dev; dev = dev->next)
        if (dev->model == &bb_model_arm_gic) {
            *base = ((arm_gic *)dev)->cpu_interface_base;
            return true;
        }
    return false;
}

static const char *const gic_compatible[] = {"arm,cortex-a9-gic", "arm,pl390", NULL};

const bb_device_model bb_model_arm_gic = {
    "arm_gic",
    "ARM Generic Interrupt Controller v1 (Cortex-A9 MPCore, PL390)",
    gic_compatible,
    gic_create,
};
