/*
 * zynq_slcr.c: the Zynq-7000 System Level Control Registers (SLCR, UG585 appendix B
 * "slcr"), at 0xF8000000.
 *
 * Writes are ignored (and logged) while the SLCR is locked: SLCR_LOCK with key 0x767B
 * locks, SLCR_UNLOCK with key 0xDF0D unlocks; it is locked at reset. Every documented
 * register reads back what was written, from its reset value, so that ps7_init-style code
 * that programs PLLs, clock dividers, MIO pins and resets and reads them back works. What
 * has an effect:
 * - PLL_STATUS reports each PLL locked while it is neither in reset nor powered down, and
 *   stable when locked or bypassed (the PLLs lock at once).
 * - PSS_RST_CTRL.SOFT_RST resets the whole system: the run ends with status 0, as a
 *   board reset does on the other boards.
 * - A9_CPU_RST_CTRL: a CPU whose A9_RSTn or A9_CLKSTOPn bit is set is reset and held
 *   (it waits in the hold loop of zynq_ocm.h); when both are clear again it starts at the
 *   reset vector, 0x0, as the silicon does (how Linux starts CPU1).
 * - OCM_CFG moves the OCM blocks (zynq_ocm.c).
 * The peripheral reset bits (UART_RST_CTRL, ...) and the clock gates are stored only.
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

enum {
    SCL = 0x000,
    SLCR_LOCK = 0x004,
    SLCR_UNLOCK = 0x008,
    SLCR_LOCKSTA = 0x00c,
    ARM_PLL_CTRL = 0x100,
    DDR_PLL_CTRL = 0x104,
    IO_PLL_CTRL = 0x108,
    PLL_STATUS = 0x10c,
    PSS_RST_CTRL = 0x200,
    A9_CPU_RST_CTRL = 0x244,
    PSS_IDCODE = 0x530,
    OCM_CFG = 0x910,
    REGS_END = 0xb78,
};

#define LOCK_KEY   0x767bu
#define UNLOCK_KEY 0xdf0du

enum {
    PLL_RESET = 1u << 0,
    PLL_PWRDWN = 1u << 1,
    PLL_BYPASS_FORCE = 1u << 4,
};

enum { SOFT_RST = 1u << 0 };

/* A9_CPU_RST_CTRL: A9_RSTn in bit n, A9_CLKSTOPn in bit 4 + n, PERI_RST in bit 8. */
#define N_CONTROLLED_CPUS 2
#define CLKSTOP_SHIFT     4

/* XC7Z020, revision 0: family 0x1b, subfamily 0x9, device 0x07, Xilinx's JEDEC code. */
#define IDCODE 0x03727093u

typedef struct slcr_reg {
    uint16_t offset;
    uint32_t reset;
} slcr_reg;

/* The documented registers and their reset values (MIO pins are added by the code). */
static const slcr_reg known_regs[] = {
    {SCL, 0},
    {ARM_PLL_CTRL, 0x0001a008},
    {DDR_PLL_CTRL, 0x0001a008},
    {IO_PLL_CTRL, 0x0001a008},
    {0x110, 0x00177ea0}, /* ARM_PLL_CFG */
    {0x114, 0x00177ea0}, /* DDR_PLL_CFG */
    {0x118, 0x00177ea0}, /* IO_PLL_CFG */
    {0x120, 0x1f000400}, /* ARM_CLK_CTRL */
    {0x124, 0x18400003}, /* DDR_CLK_CTRL */
    {0x128, 0x01e03201}, /* DCI_CLK_CTRL */
    {0x12c, 0x01ffcccd}, /* APER_CLK_CTRL */
    {0x130, 0x00101941}, /* USB0_CLK_CTRL */
    {0x134, 0x00101941}, /* USB1_CLK_CTRL */
    {0x138, 0x00000001}, /* GEM0_RCLK_CTRL */
    {0x13c, 0x00000001}, /* GEM1_RCLK_CTRL */
    {0x140, 0x00003c01}, /* GEM0_CLK_CTRL */
    {0x144, 0x00003c01}, /* GEM1_CLK_CTRL */
    {0x148, 0x00003c21}, /* SMC_CLK_CTRL */
    {0x14c, 0x00002821}, /* LQSPI_CLK_CTRL */
    {0x150, 0x00001e03}, /* SDIO_CLK_CTRL */
    {0x154, 0x00003f03}, /* UART_CLK_CTRL */
    {0x158, 0x00003f03}, /* SPI_CLK_CTRL */
    {0x15c, 0x00501903}, /* CAN_CLK_CTRL */
    {0x160, 0},          /* CAN_MIOCLK_CTRL */
    {0x164, 0x00000f03}, /* DBG_CLK_CTRL */
    {0x168, 0x00000f01}, /* PCAP_CLK_CTRL */
    {0x16c, 0},          /* TOPSW_CLK_CTRL */
    {0x170, 0x00101800}, /* FPGA0_CLK_CTRL, then THR_CTRL, THR_CNT, THR_STA (read only) */
    {0x174, 0},
    {0x178, 0},
    {0x17c, 0x00010000},
    {0x180, 0x00101800}, /* FPGA1 */
    {0x184, 0},
    {0x188, 0},
    {0x18c, 0x00010000},
    {0x190, 0x00101800}, /* FPGA2 */
    {0x194, 0},
    {0x198, 0},
    {0x19c, 0x00010000},
    {0x1a0, 0x00101800}, /* FPGA3 */
    {0x1a4, 0},
    {0x1a8, 0},
    {0x1ac, 0x00010000},
    {0x1c4, 0x00000001}, /* CLK_621_TRUE */
    {PSS_RST_CTRL, 0},
    {0x204, 0},          /* DDR_RST_CTRL */
    {0x208, 0},          /* TOPSW_RST_CTRL */
    {0x20c, 0},          /* DMAC_RST_CTRL */
    {0x210, 0},          /* USB_RST_CTRL */
    {0x214, 0},          /* GEM_RST_CTRL */
    {0x218, 0},          /* SDIO_RST_CTRL */
    {0x21c, 0},          /* SPI_RST_CTRL */
    {0x220, 0},          /* CAN_RST_CTRL */
    {0x224, 0},          /* I2C_RST_CTRL */
    {0x228, 0},          /* UART_RST_CTRL */
    {0x22c, 0},          /* GPIO_RST_CTRL */
    {0x230, 0},          /* LQSPI_RST_CTRL */
    {0x234, 0},          /* SMC_RST_CTRL */
    {0x238, 0},          /* OCM_RST_CTRL */
    {0x240, 0x01f33f0f}, /* FPGA_RST_CTRL */
    {A9_CPU_RST_CTRL, 0},
    {0x24c, 0},          /* RS_AWDT_CTRL */
    {0x258, 0x00400000}, /* REBOOT_STATUS */
    {0x25c, 0},          /* BOOT_MODE: JTAG, PLLs used */
    {0x300, 0},          /* APU_CTRL */
    {0x304, 0},          /* WDT_CLK_SEL */
    {0x440, 0},          /* TZ_DMA_NS */
    {0x444, 0},          /* TZ_DMA_IRQ_NS */
    {0x448, 0},          /* TZ_DMA_PERIPH_NS */
    {PSS_IDCODE, IDCODE},
    {0x600, 0},          /* DDR_URGENT */
    {0x60c, 0},          /* DDR_CAL_START */
    {0x614, 0},          /* DDR_REF_START */
    {0x618, 0},          /* DDR_CMD_STA */
    {0x61c, 0},          /* DDR_URGENT_SEL */
    {0x620, 0},          /* DDR_DFI_STATUS */
    {0x804, 0},          /* MIO_LOOPBACK */
    {0x80c, 0xffffffff}, /* MIO_MST_TRI0 */
    {0x810, 0x003fffff}, /* MIO_MST_TRI1 */
    {0x830, 0},          /* SD0_WP_CD_SEL */
    {0x834, 0},          /* SD1_WP_CD_SEL */
    {0x900, 0},          /* LVL_SHFTR_EN */
    {OCM_CFG, BB_ZYNQ_OCM_CFG_RESET},
    {0xa1c, 0x00010101},
    {0xb00, 0}, /* GPIOB_CTRL and its configuration */
    {0xb04, 0},
    {0xb08, 0},
    {0xb0c, 0},
    {0xb14, 0},
    {0xb18, 0},
    {0xb40, 0x00000800}, /* DDRIOB_ADDR0 .. DDRIOB_CLOCK */
    {0xb44, 0x00000800},
    {0xb48, 0x00000800},
    {0xb4c, 0x00000800},
    {0xb50, 0x00000800},
    {0xb54, 0x00000800},
    {0xb58, 0x00000800},
    {0xb5c, 0}, /* DDRIOB drive and slew, control */
    {0xb60, 0},
    {0xb64, 0},
    {0xb68, 0},
    {0xb6c, 0},
    {0xb70, 0x00000020}, /* DDRIOB_DCI_CTRL */
    {0xb74, 0},          /* DDRIOB_DCI_STATUS */
};

#define MIO_PIN_00 0x700
#define N_MIO_PINS 54
#define N_WORDS    (REGS_END / 4)

typedef struct zynq_slcr {
    bb_device dev;
    bool locked;
    uint32_t regs[N_WORDS];
    bool known[N_WORDS];
} zynq_slcr;

static void log_guest_error(zynq_slcr *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", s->dev.name,
                  what, (unsigned long long)offset);
}

static bool read_only(uint64_t offset)
{
    return offset == SLCR_LOCKSTA || offset == PLL_STATUS || offset == PSS_IDCODE ||
           offset == 0x25c || (offset >= 0x17c && offset <= 0x1ac && (offset & 0xf) == 0xc);
}

static uint32_t pll_status(const zynq_slcr *s)
{
    static const unsigned ctrl[3] = {ARM_PLL_CTRL, DDR_PLL_CTRL, IO_PLL_CTRL};
    uint32_t status = 0;
    for (int i = 0; i < 3; i++) {
        uint32_t c = s->regs[ctrl[i] / 4];
        bool locked = !(c & (PLL_RESET | PLL_PWRDWN));
        if (locked) status |= 1u << i;
        if (locked || (c & PLL_BYPASS_FORCE)) status |= 1u << (3 + i);
    }
    return status;
}

static uint32_t read_register(zynq_slcr *s, uint64_t offset, bool debug)
{
    switch (offset) {
    case SLCR_LOCK:
    case SLCR_UNLOCK: return 0;
    case SLCR_LOCKSTA: return s->locked;
    case PLL_STATUS: return pll_status(s);
    }
    if (offset < REGS_END && s->known[offset / 4]) return s->regs[offset / 4];
    if (!debug) log_guest_error(s, "read of a reserved register", offset);
    return 0;
}

/* CPU n runs while neither its reset nor its clock stop is asserted. */
static bool cpu_held(uint32_t rst_ctrl, int n)
{
    return (rst_ctrl >> n & 1) || (rst_ctrl >> (CLKSTOP_SHIFT + n) & 1);
}

/* Resets CPU n; it then waits in the hold loop (held) or starts at the reset vector. The
 * CPU that wrote the register leaves the instruction at once when it reset itself. */
static void reset_cpu(zynq_slcr *s, int n, bool held)
{
    bb_machine *m = s->dev.machine;
    bb_cpu *cpu = m->cpus[n];
    cpu->ops->reset(cpu);
    arm_cpu(cpu)->in_wfe = false;
    m->cpu_model->set_entry(cpu, held ? BB_ZYNQ_HOLD_LOOP : 0);
    bb_log_printf(&m->log, BB_LOG_INT, "%s: cpu%d %s", s->dev.name, n,
                  held ? "held in reset" : "released from reset at 0x0");
    if (m->running == cpu) bb_cpu_unwind(cpu);
}

static void write_cpu_reset(zynq_slcr *s, uint32_t value)
{
    bb_machine *m = s->dev.machine;
    uint32_t old = s->regs[A9_CPU_RST_CTRL / 4];
    s->regs[A9_CPU_RST_CTRL / 4] = value & 0x133;
    bool arm = m->cpu_model && strncmp(m->cpu_model->compatible, "arm,", 4) == 0;
    for (int n = 0; arm && n < N_CONTROLLED_CPUS && n < m->n_cpus; n++) {
        bool was = cpu_held(old, n), now = cpu_held(value, n);
        if (was != now) reset_cpu(s, n, now);
    }
}

static void write_register(zynq_slcr *s, uint64_t offset, uint32_t value)
{
    if (offset == SLCR_UNLOCK) {
        if ((value & 0xffff) == UNLOCK_KEY)
            s->locked = false;
        else
            log_guest_error(s, "wrong unlock key", offset);
        return;
    }
    if (offset == SLCR_LOCK) {
        if ((value & 0xffff) == LOCK_KEY)
            s->locked = true;
        else
            log_guest_error(s, "wrong lock key", offset);
        return;
    }
    if (s->locked) {
        log_guest_error(s, "write while the SLCR is locked (ignored)", offset);
        return;
    }
    if (offset >= REGS_END || !s->known[offset / 4] || read_only(offset)) {
        log_guest_error(s, "write to a read-only or reserved register", offset);
        return;
    }
    switch (offset) {
    case SCL: s->regs[0] |= value & 1; return; /* sticky until power-on reset */
    case PSS_RST_CTRL:
        s->regs[offset / 4] = value & SOFT_RST;
        if (value & SOFT_RST) {
            bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP,
                          "%s: PS software reset requested: the run ends (a system reset is "
                          "not modelled)",
                          s->dev.name);
            bb_machine_exit(s->dev.machine, 0);
        }
        return;
    case A9_CPU_RST_CTRL: write_cpu_reset(s, value); return;
    case OCM_CFG:
        s->regs[offset / 4] = value & 0x1f;
        bb_zynq_ocm_map(s->dev.machine, value);
        return;
    }
    s->regs[offset / 4] = value;
}

static uint64_t slcr_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    zynq_slcr *s = opaque;
    return bb_mmio_narrow(read_register(s, offset & ~3ull, attrs.debug), offset, size);
}

static void slcr_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    zynq_slcr *s = opaque;
    (void)attrs;
    if ((offset & 3) || size != 4) {
        log_guest_error(s, "access that is not a whole word (ignored)", offset);
        return;
    }
    write_register(s, offset, (uint32_t)value);
}

static const bb_mmio_ops slcr_ops = {.read = slcr_read, .write = slcr_write};

static void slcr_reset(bb_device *dev)
{
    zynq_slcr *s = (zynq_slcr *)dev;
    memset(s->regs, 0, sizeof(s->regs));
    memset(s->known, 0, sizeof(s->known));
    for (size_t i = 0; i < sizeof(known_regs) / sizeof(known_regs[0]); i++) {
        s->regs[known_regs[i].offset / 4] = known_regs[i].reset;
        s->known[known_regs[i].offset / 4] = true;
    }
    for (int pin = 0; pin < N_MIO_PINS; pin++) {
        bool boot_strap = pin >= 2 && pin <= 8;
        s->regs[MIO_PIN_00 / 4 + pin] = boot_strap ? 0x00000601 : 0x00001601;
        s->known[MIO_PIN_00 / 4 + pin] = true;
    }
    s->known[SLCR_LOCK / 4] = s->known[SLCR_UNLOCK / 4] = s->known[SLCR_LOCKSTA / 4] = true;
    s->known[PLL_STATUS / 4] = true;
    s->locked = true;
}

static void slcr_state(bb_device *dev, bb_state *st)
{
    zynq_slcr *s = (zynq_slcr *)dev;
    bb_state_bool(st, &s->locked);
    bb_state_bytes(st, s->regs, sizeof(s->regs));
}

static void slcr_destroy(bb_device *dev)
{
    bb_device_cleanup(dev);
    free(dev);
}

static bb_device *slcr_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    zynq_slcr *s = calloc(1, sizeof(*s));
    if (!s || !bb_device_init(&s->dev, &bb_model_zynq_slcr, m, cfg->name, 0, 0, NULL, NULL)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->dev.reset = slcr_reset;
    s->dev.destroy = slcr_destroy;
    s->dev.state = slcr_state;
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &slcr_ops, s)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        slcr_destroy(&s->dev);
        return NULL;
    }
    slcr_reset(&s->dev);
    return &s->dev;
}

static const char *const slcr_compatible[] = {"xlnx,zynq-slcr", NULL};

const bb_device_model bb_model_zynq_slcr = {
    "zynq_slcr",
    "Zynq-7000 system level control registers (SLCR)",
    slcr_compatible,
    slcr_create,
};
