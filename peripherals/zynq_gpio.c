/*
 * zynq_gpio.c: the Zynq-7000 GPIO controller (UG585 chapter 14 and appendix B "gpio"):
 * four banks, MIO pins 0-31 (bank 0) and 32-53 (bank 1, 22 pins), EMIO pins 54-85 (bank 2)
 * and 86-117 (bank 3). Pin p is GPIO number p, as Linux and the standalone BSP count.
 *
 * Inputs from outside are the model's input lines, one per pin (input p: pin p), wired
 * like interrupt inputs: a device tree node whose interrupt-parent is the GPIO node
 * (#interrupt-cells = <2>: pin, flags), bb_machine_irq_input(m, "gpio", p, &line), a Lua
 * model's `irqs = {{controller = "gpio", input = p}}`, a SystemC signal. A pin reads (in
 * DATA_RO) as its output when DIRM and OEN make it an output, else as its input line.
 * DATA and MASK_DATA read back the output register (what firmware drives on its LEDs).
 *
 * Interrupts: each pin is edge (INT_TYPE = 1: rising or falling per INT_POLARITY, both
 * with INT_ANY) or level sensitive (active high or low). An edge on the pin value, from
 * either an input or the pin's own output, sets INT_STAT; a level-sensitive pin's status
 * is set whenever it is at its active level (writing one to INT_STAT clears it only when
 * the level went away). The controller's one interrupt (GIC ID 52) is the OR of
 * INT_STAT & ~INT_MASK over all banks; INT_EN and INT_DIS clear and set mask bits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    MASK_DATA_LSW = 0x000, /* bank n: 0x8 n (LSW), 0x8 n + 4 (MSW) */
    DATA = 0x040,          /* bank n: 0x40 + 4 n */
    DATA_RO = 0x060,       /* bank n: 0x60 + 4 n */
    BANK_REGS = 0x204,     /* bank n: 0x204 + 0x40 n, the registers below */
    BANK_STRIDE = 0x40,
};

enum { /* offsets within a bank's block */
       DIRM = 0x00,
       OEN = 0x04,
       INT_MASK = 0x08,
       INT_EN = 0x0c,
       INT_DIS = 0x10,
       INT_STAT = 0x14,
       INT_TYPE = 0x18,
       INT_POLARITY = 0x1c,
       INT_ANY = 0x20,
};

#define N_BANKS 4
#define N_PINS  118

static const int bank_first_pin[N_BANKS] = {0, 32, 54, 86};
static const uint32_t bank_pins_mask[N_BANKS] = {0xffffffffu, 0x003fffffu, 0xffffffffu,
                                                 0xffffffffu};

typedef struct gpio_bank {
    uint32_t data, dirm, oen, mask, stat, type, polarity, any;
    uint32_t inputs; /* levels of the input lines */
    uint32_t pins;   /* pin values the last time they were looked at */
} gpio_bank;

typedef struct zynq_gpio {
    bb_device dev;
    gpio_bank bank[N_BANKS];
} zynq_gpio;

static void log_guest_error(zynq_gpio *g, const char *what, uint64_t offset)
{
    bb_log_printf(&g->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", g->dev.name,
                  what, (unsigned long long)offset);
}

static uint32_t pin_values(const gpio_bank *b, int n)
{
    uint32_t driven = b->dirm & b->oen;
    return ((b->data & driven) | (b->inputs & ~driven)) & bank_pins_mask[n];
}

static void update_irq(zynq_gpio *g)
{
    bool level = false;
    for (int n = 0; n < N_BANKS; n++)
        level |= (g->bank[n].stat & ~g->bank[n].mask) != 0;
    bb_irq_set(&g->dev.irq_out[0], level);
}

/* Looks at the pins of bank n after anything that can change them: edges and active
 * levels set the status bits. */
static void evaluate_bank(zynq_gpio *g, int n)
{
    gpio_bank *b = &g->bank[n];
    uint32_t now = pin_values(b, n), was = b->pins;
    uint32_t rising = now & ~was, falling = ~now & was;
    uint32_t edge = b->type & ((b->any & (rising | falling)) |
                               (~b->any & ((b->polarity & rising) | (~b->polarity & falling))));
    uint32_t active = ~b->type & ((b->polarity & now) | (~b->polarity & ~now));
    b->stat |= (edge | active) & bank_pins_mask[n];
    b->pins = now;
    update_irq(g);
}

static void input_changed(void *opaque, int input, int level)
{
    zynq_gpio *g = opaque;
    int n = N_BANKS - 1;
    while (n > 0 && input < bank_first_pin[n])
        n--;
    uint32_t bit = 1u << (input - bank_first_pin[n]);
    if (level)
        g->bank[n].inputs |= bit;
    else
        g->bank[n].inputs &= ~bit;
    evaluate_bank(g, n);
}

static uint32_t read_bank_register(zynq_gpio *g, int n, uint64_t reg)
{
    gpio_bank *b = &g->bank[n];
    switch (reg) {
    case DIRM: return b->dirm;
    case OEN: return b->oen;
    case INT_MASK: return b->mask;
    case INT_STAT: return b->stat;
    case INT_TYPE: return b->type;
    case INT_POLARITY: return b->polarity;
    case INT_ANY: return b->any;
    }
    return 0; /* INT_EN and INT_DIS are write-only */
}

static void write_bank_register(zynq_gpio *g, int n, uint64_t reg, uint32_t value)
{
    gpio_bank *b = &g->bank[n];
    value &= bank_pins_mask[n];
    switch (reg) {
    case DIRM: b->dirm = value; break;
    case OEN: b->oen = value; break;
    case INT_MASK:
        log_guest_error(g, "write to read-only INT_MASK", BANK_REGS + n * 0x40 + reg);
        return;
    case INT_EN: b->mask &= ~value; break;
    case INT_DIS: b->mask |= value; break;
    case INT_STAT: b->stat &= ~value; break;
    case INT_TYPE: b->type = value; break;
    case INT_POLARITY: b->polarity = value; break;
    case INT_ANY: b->any = value; break;
    }
    evaluate_bank(g, n);
}

static uint32_t read_register(zynq_gpio *g, uint64_t offset, bool debug)
{
    if (offset < 8 * N_BANKS) { /* MASK_DATA: the half of the output register */
        const gpio_bank *b = &g->bank[offset / 8];
        return (offset & 4) ? b->data >> 16 : b->data & 0xffff;
    }
    if (offset >= DATA && offset < DATA + 4 * N_BANKS) return g->bank[(offset - DATA) / 4].data;
    if (offset >= DATA_RO && offset < DATA_RO + 4 * N_BANKS) {
        int n = (int)(offset - DATA_RO) / 4;
        return pin_values(&g->bank[n], n);
    }
    if (offset >= BANK_REGS && offset < BANK_REGS + N_BANKS * BANK_STRIDE) {
        uint64_t rel = offset - BANK_REGS;
        if (rel % BANK_STRIDE <= INT_ANY)
            return read_bank_register(g, (int)(rel / BANK_STRIDE), rel % BANK_STRIDE);
    }
    if (!debug) log_guest_error(g, "read of a reserved register", offset);
    return 0;
}

static void write_register(zynq_gpio *g, uint64_t offset, uint32_t value)
{
    if (offset < 8 * N_BANKS) {
        int n = (int)offset / 8;
        gpio_bank *b = &g->bank[n];
        unsigned shift = (offset & 4) ? 16 : 0;
        uint32_t change = (~value >> 16 & 0xffff) << shift; /* mask bit 0: update */
        b->data = ((b->data & ~change) | ((value & 0xffff) << shift & change)) & bank_pins_mask[n];
        evaluate_bank(g, n);
        return;
    }
    if (offset >= DATA && offset < DATA + 4 * N_BANKS) {
        int n = (int)(offset - DATA) / 4;
        g->bank[n].data = value & bank_pins_mask[n];
        evaluate_bank(g, n);
        return;
    }
    if (offset >= BANK_REGS && offset < BANK_REGS + N_BANKS * BANK_STRIDE) {
        uint64_t rel = offset - BANK_REGS;
        if (rel % BANK_STRIDE <= INT_ANY) {
            write_bank_register(g, (int)(rel / BANK_STRIDE), rel % BANK_STRIDE, value);
            return;
        }
    }
    log_guest_error(g, "write to a read-only or reserved register", offset);
}

static uint64_t gpio_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    zynq_gpio *g = opaque;
    return bb_mmio_narrow(read_register(g, offset & ~3ull, attrs.debug), offset, size);
}

static void gpio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    zynq_gpio *g = opaque;
    (void)size, (void)attrs;
    if (offset & 3)
        log_guest_error(g, "unaligned write", offset);
    else
        write_register(g, offset, (uint32_t)value);
}

static const bb_mmio_ops gpio_ops = {.read = gpio_read, .write = gpio_write};

static void gpio_reset(bb_device *dev)
{
    zynq_gpio *g = (zynq_gpio *)dev;
    for (int n = 0; n < N_BANKS; n++) {
        gpio_bank *b = &g->bank[n];
        uint32_t inputs = b->inputs; /* the outside world keeps its levels */
        memset(b, 0, sizeof(*b));
        b->inputs = inputs;
        b->type = bank_pins_mask[n];
        b->pins = pin_values(b, n);
    }
    update_irq(g);
}

static void gpio_state(bb_device *dev, bb_state *st)
{
    zynq_gpio *g = (zynq_gpio *)dev;
    for (int n = 0; n < N_BANKS; n++) {
        gpio_bank *b = &g->bank[n];
        uint32_t *regs[] = {&b->data, &b->dirm,     &b->oen, &b->mask,   &b->stat,
                            &b->type, &b->polarity, &b->any, &b->inputs, &b->pins};
        for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
            bb_state_u32(st, regs[i]);
    }
}

static void gpio_destroy(bb_device *dev)
{
    bb_device_cleanup(dev);
    free(dev);
}

static bb_device *gpio_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    zynq_gpio *g = calloc(1, sizeof(*g));
    if (!g ||
        !bb_device_init(&g->dev, &bb_model_zynq_gpio, m, cfg->name, 1, N_PINS, input_changed, g)) {
        free(g);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    g->dev.reset = gpio_reset;
    g->dev.destroy = gpio_destroy;
    g->dev.state = gpio_state;
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &gpio_ops, g)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        gpio_destroy(&g->dev);
        return NULL;
    }
    gpio_reset(&g->dev);
    return &g->dev;
}

static const char *const gpio_compatible[] = {"xlnx,zynq-gpio-1.0", NULL};

const bb_device_model bb_model_zynq_gpio = {
    "zynq_gpio",
    "Zynq-7000 GPIO (MIO and EMIO banks, input lines, interrupts)",
    gpio_compatible,
    gpio_create,
};
