/*
 * pl190.c: the ARM PrimeCell vectored interrupt controller (PL190, ARM DDI 0181).
 *
 * 32 level-sensitive inputs (plus software interrupts) are enabled and steered to IRQ
 * (irq_out[0]) or FIQ (irq_out[1]). Sixteen vector slots give chosen sources a priority
 * (slot 0 highest) and an ISR address; every other IRQ source is "non-vectored" and ranks
 * below them. Reading VICVECTADDR acknowledges: it returns the address for the highest
 * pending priority and, from then until VICVECTADDR is written, masks that priority and
 * the ones below it from the IRQ output. Acknowledgements nest on a stack of priorities.
 * Input levels belong to the devices that drive them, so reset keeps them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    VIC_IRQSTATUS = 0x000,
    VIC_FIQSTATUS = 0x004,
    VIC_RAWINTR = 0x008,
    VIC_INTSELECT = 0x00c,
    VIC_INTENABLE = 0x010,
    VIC_INTENCLEAR = 0x014,
    VIC_SOFTINT = 0x018,
    VIC_SOFTINTCLEAR = 0x01c,
    VIC_PROTECTION = 0x020,
    VIC_VECTADDR = 0x030,
    VIC_DEFVECTADDR = 0x034,
    VIC_VECTADDR0 = 0x100, /* 16 of them */
    VIC_VECTCNTL0 = 0x200, /* 16 of them */
    VIC_ITCR = 0x300,      /* integration test registers, 0x300-0x310 */
    VIC_ITOP2 = 0x310,
};

enum { VECTCNTL_SOURCE = 0x1f, VECTCNTL_ENABLE = 0x20 };

#define N_VECTORS     16
#define LEVEL_DEFAULT 16 /* the non-vectored interrupts */
#define LEVEL_IDLE    17 /* no interrupt in service */

typedef struct pl190 {
    bb_device dev;
    uint32_t lines; /* levels of the inputs */
    uint32_t soft, enable, select, protection, itcr;
    uint32_t vect_addr[N_VECTORS], vect_cntl[N_VECTORS], def_vect_addr;
    int priority;                 /* level in service: slot 0-15, LEVEL_DEFAULT or LEVEL_IDLE */
    int saved[LEVEL_IDLE], depth; /* levels interrupted by the one in service */
} pl190;

static const uint8_t pl190_id[8] = {0x90, 0x11, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static void log_guest_error(pl190 *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", s->dev.name,
                  what, (unsigned long long)offset);
}

static uint32_t irq_status(const pl190 *s)
{
    return (s->lines | s->soft) & s->enable & ~s->select;
}

static uint32_t fiq_status(const pl190 *s)
{
    return (s->lines | s->soft) & s->enable & s->select;
}

static bool slot_enabled(const pl190 *s, int slot)
{
    return (s->vect_cntl[slot] & VECTCNTL_ENABLE) != 0;
}

static uint32_t slot_source(const pl190 *s, int slot)
{
    return 1u << (s->vect_cntl[slot] & VECTCNTL_SOURCE);
}

/* The sources whose priority is above `level` (all of them when idle). */
static uint32_t sources_above(const pl190 *s, int level)
{
    if (level >= LEVEL_IDLE) return 0xffffffffu;
    uint32_t mask = 0;
    for (int slot = 0; slot < level && slot < N_VECTORS; slot++)
        if (slot_enabled(s, slot)) mask |= slot_source(s, slot);
    return mask;
}

/* The highest priority level with a pending IRQ, or LEVEL_IDLE. */
static int highest_pending(const pl190 *s)
{
    uint32_t pending = irq_status(s);
    for (int slot = 0; slot < N_VECTORS; slot++)
        if (slot_enabled(s, slot) && (pending & slot_source(s, slot))) return slot;
    return (pending & ~sources_above(s, LEVEL_DEFAULT)) ? LEVEL_DEFAULT : LEVEL_IDLE;
}

static uint32_t address_of(const pl190 *s, int level)
{
    return level < N_VECTORS ? s->vect_addr[level] : s->def_vect_addr;
}

static void update_outputs(pl190 *s)
{
    bb_irq_set(&s->dev.irq_out[0], (irq_status(s) & sources_above(s, s->priority)) != 0);
    bb_irq_set(&s->dev.irq_out[1], fiq_status(s) != 0);
}

static void set_input(void *opaque, int input, int level)
{
    pl190 *s = opaque;
    if (input < 0 || input >= 32) return;
    if (level)
        s->lines |= 1u << input;
    else
        s->lines &= ~(1u << input);
    update_outputs(s);
}

/* VICVECTADDR read: the ISR address of the highest pending priority, which then becomes
 * the one in service (a debug read only looks). */
static uint32_t acknowledge(pl190 *s, bool debug)
{
    int level = highest_pending(s);
    if (level >= s->priority) return address_of(s, s->priority);
    if (!debug) {
        s->saved[s->depth++] = s->priority;
        s->priority = level;
        update_outputs(s);
    }
    return address_of(s, level);
}

/* VICVECTADDR write: the interrupt in service has been handled. */
static void end_of_interrupt(pl190 *s)
{
    s->priority = s->depth > 0 ? s->saved[--s->depth] : LEVEL_IDLE;
    update_outputs(s);
}

static uint32_t read_register(pl190 *s, uint64_t offset, bool debug)
{
    uint32_t id;
    switch (offset) {
    case VIC_IRQSTATUS: return irq_status(s);
    case VIC_FIQSTATUS: return fiq_status(s);
    case VIC_RAWINTR: return s->lines | s->soft;
    case VIC_INTSELECT: return s->select;
    case VIC_INTENABLE: return s->enable;
    case VIC_SOFTINT: return s->soft;
    case VIC_PROTECTION: return s->protection;
    case VIC_VECTADDR: return acknowledge(s, debug);
    case VIC_DEFVECTADDR: return s->def_vect_addr;
    case VIC_ITCR: return s->itcr;
    case VIC_INTENCLEAR:
    case VIC_SOFTINTCLEAR:
        if (!debug) log_guest_error(s, "read of a write-only register", offset);
        return 0;
    }
    if (offset >= VIC_VECTADDR0 && offset < VIC_VECTADDR0 + 4 * N_VECTORS)
        return s->vect_addr[(offset - VIC_VECTADDR0) / 4];
    if (offset >= VIC_VECTCNTL0 && offset < VIC_VECTCNTL0 + 4 * N_VECTORS)
        return s->vect_cntl[(offset - VIC_VECTCNTL0) / 4];
    if (bb_primecell_id(pl190_id, offset, &id)) return id;
    if (debug) return 0;
    if (offset > VIC_ITCR && offset <= VIC_ITOP2)
        bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP, "%s: test register +0x%03llx",
                      s->dev.name, (unsigned long long)offset);
    else
        log_guest_error(s, "read of a reserved register", offset);
    return 0;
}

static void write_register(pl190 *s, uint64_t offset, uint32_t value)
{
    switch (offset) {
    case VIC_INTSELECT: s->select = value; break;
    case VIC_INTENABLE: s->enable |= value; break;
    case VIC_INTENCLEAR: s->enable &= ~value; break;
    case VIC_SOFTINT: s->soft |= value; break;
    case VIC_SOFTINTCLEAR: s->soft &= ~value; break;
    case VIC_PROTECTION: s->protection = value & 1; break;
    case VIC_VECTADDR: end_of_interrupt(s); return;
    case VIC_DEFVECTADDR: s->def_vect_addr = value; return;
    case VIC_ITCR:
        s->itcr = value & 1;
        if (s->itcr)
            bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP, "%s: test mode (not modelled)",
                          s->dev.name);
        return;
    default:
        if (offset >= VIC_VECTADDR0 && offset < VIC_VECTADDR0 + 4 * N_VECTORS) {
            s->vect_addr[(offset - VIC_VECTADDR0) / 4] = value;
            return;
        }
        if (offset >= VIC_VECTCNTL0 && offset < VIC_VECTCNTL0 + 4 * N_VECTORS) {
            s->vect_cntl[(offset - VIC_VECTCNTL0) / 4] =
                value & (VECTCNTL_ENABLE | VECTCNTL_SOURCE);
            break;
        }
        if (offset > VIC_ITCR && offset <= VIC_ITOP2)
            bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP, "%s: test register +0x%03llx",
                          s->dev.name, (unsigned long long)offset);
        else
            log_guest_error(s, "write to a read-only or reserved register", offset);
        return;
    }
    update_outputs(s);
}

/* With VICPROTECTION set, only privileged accesses reach the registers (debuggers and
 * other initiators than a CPU always do). */
static bool allowed(pl190 *s, uint64_t offset, bb_attrs attrs)
{
    if (!(s->protection & 1) || attrs.privileged || attrs.debug || attrs.cpu == 0xff) return true;
    log_guest_error(s, "user-mode access with protection on", offset);
    return false;
}

static uint64_t pl190_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    pl190 *s = opaque;
    if (!allowed(s, offset, attrs)) return 0;
    return bb_mmio_narrow(read_register(s, offset & ~3ull, attrs.debug), offset, size);
}

static void pl190_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                        bb_attrs attrs)
{
    pl190 *s = opaque;
    (void)size;
    if (offset & 3)
        log_guest_error(s, "unaligned write", offset);
    else if (allowed(s, offset, attrs))
        write_register(s, offset, (uint32_t)value);
}

static const bb_mmio_ops pl190_ops = {.read = pl190_read, .write = pl190_write};

static void pl190_reset(bb_device *dev)
{
    pl190 *s = (pl190 *)dev;
    s->soft = s->enable = s->select = s->protection = s->itcr = 0;
    for (int i = 0; i < N_VECTORS; i++)
        s->vect_addr[i] = s->vect_cntl[i] = 0;
    s->def_vect_addr = 0;
    s->priority = LEVEL_IDLE;
    s->depth = 0;
    update_outputs(s);
}

static void pl190_destroy(bb_device *dev)
{
    bb_device_cleanup(dev);
    free(dev);
}

static void pl190_state(bb_device *dev, bb_state *st)
{
    pl190 *s = (pl190 *)dev;
    uint32_t *regs[] = {&s->lines,      &s->soft, &s->enable,       &s->select,
                        &s->protection, &s->itcr, &s->def_vect_addr};
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        bb_state_u32(st, regs[i]);
    bb_state_bytes(st, s->vect_addr, sizeof(s->vect_addr));
    bb_state_bytes(st, s->vect_cntl, sizeof(s->vect_cntl));
    bb_state_int(st, &s->priority);
    bb_state_bytes(st, s->saved, sizeof(s->saved));
    bb_state_int(st, &s->depth);
}

static bb_device *pl190_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    pl190 *s = calloc(1, sizeof(*s));
    if (!s || !bb_device_init(&s->dev, &bb_model_pl190, m, cfg->name, 2, 32, set_input, s)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->dev.reset = pl190_reset;
    s->dev.destroy = pl190_destroy;
    s->dev.state = pl190_state;
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &pl190_ops, s)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        pl190_destroy(&s->dev);
        return NULL;
    }
    pl190_reset(&s->dev);
    return &s->dev;
}

static const char *const pl190_compatible[] = {"arm,versatile-vic", "arm,pl190-vic", NULL};

const bb_device_model bb_model_pl190 = {
    "pl190",
    "ARM PrimeCell vectored interrupt controller (PL190)",
    pl190_compatible,
    pl190_create,
};
