/*
 * test_zynq_devices.c: the Zynq-7000 PS models on the built-in zynq-7000 board, through
 * their registers on the bus: the Cadence UART (TX and RX FIFOs, status bits, receive
 * timeout interrupt), the TTC (interval and match interrupts with the prescaler), the SLCR
 * (lock and unlock, PLL readback and lock status, CPU reset), the OCM mapping, the GPIO
 * (input lines, edge and level interrupts, outputs), the SDHCI (card identification, a
 * sector read by PIO, SDMA and ADMA2 from an image file), DevC, the system watchdog, and
 * CPU1's boot ROM wait loop released by a write to 0xFFFFFFF0 and SEV. Virtual time moves
 * by running CPU0 in a one-instruction loop (1 ns per instruction); interrupts are seen
 * as pending in the GIC distributor.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/board.h"
#include "core/machine.h"
#include "core/snapshot.h"
#include "jit/arm/cpu.h"
#include "tests/unit/test_util.h"

static const bb_attrs cpu_attrs = {.cpu = 0, .privileged = 1};
static const bb_attrs debug_attrs = {.cpu = 0xff, .debug = 1};

enum {
    UART1 = 0xe0001000,
    TTC0 = 0xf8001000,
    SLCR = 0xf8000000,
    SWDT = 0xf8005000,
    DEVC = 0xf8007000,
    GPIO = 0xe000a000,
    SDIO0 = 0xe0100000,
    GIC_PENDING = 0xf8f01200,
    IDLE_LOOP = 0x00100000,
    SEV_LOOP = 0x00100100,
};

/* ---- the machine ---- */

static uint32_t rd(bb_machine *m, uint64_t addr)
{
    uint64_t v = 0;
    bb_bus_read(m->bus, addr, 4, &v, cpu_attrs);
    return (uint32_t)v;
}

static void wr(bb_machine *m, uint64_t addr, uint32_t v)
{
    bb_bus_write(m->bus, addr, 4, v, cpu_attrs);
}

static void wr16(bb_machine *m, uint64_t addr, uint32_t v)
{
    bb_bus_write(m->bus, addr, 2, v, cpu_attrs);
}

static void wr8(bb_machine *m, uint64_t addr, uint32_t v)
{
    bb_bus_write(m->bus, addr, 1, v, cpu_attrs);
}

static uint32_t peek(bb_machine *m, uint64_t addr)
{
    uint32_t v = 0;
    bb_bus_copy(m->bus, addr, &v, 4, false);
    return v;
}

static void poke(bb_machine *m, uint64_t addr, uint32_t v)
{
    bb_bus_copy(m->bus, addr, &v, 4, true);
}

static bool gic_pending(bb_machine *m, int id)
{
    uint64_t v = 0;
    bb_bus_read(m->bus, GIC_PENDING + 4 * (id / 32), 4, &v, debug_attrs);
    return (v >> (id % 32)) & 1;
}

/* Lets `ns` of virtual time pass (CPU0 runs its loop, one instruction per ns). */
static void run(bb_machine *m, uint64_t ns)
{
    if (ns) bb_machine_run(m, ns);
}

static uint64_t now(bb_machine *m)
{
    return bb_clock_now(m->clock);
}

/* --sd as a test sets it: the image path on the SDIO0 node. */
static bool set_sd_image(void **fdt_ptr, void *opaque, char *err, size_t errlen)
{
    size_t cap = fdt_totalsize(*fdt_ptr) + 1024;
    void *fdt = malloc(cap);
    if (!fdt || fdt_open_into(*fdt_ptr, fdt, (int)cap) != 0) {
        snprintf(err, errlen, "cannot edit the tree");
        free(fdt);
        return false;
    }
    int node = fdt_path_offset(fdt, "/amba/mmc@e0100000");
    if (node < 0 || fdt_setprop_string(fdt, node, "brassboard,sd-image", opaque) != 0) {
        snprintf(err, errlen, "no SDIO0 node");
        free(fdt);
        return false;
    }
    free(*fdt_ptr);
    *fdt_ptr = fdt;
    return true;
}

static bb_machine *zynq_machine(const char *sd_image)
{
    bb_machine_options o;
    memset(&o, 0, sizeof(o));
    o.board = "zynq-7000";
    o.jit = BB_JIT_NATIVE;
    o.serial[0] = "null";
    o.serial[1] = "null";
    if (sd_image) {
        o.edit_fdt = set_sd_image;
        o.edit_opaque = (void *)sd_image;
    }
    char err[256];
    bb_machine *m = bb_machine_new(&o, err, sizeof(err));
    if (!m) {
        printf("FAIL: cannot build the zynq-7000 board: %s\n", err);
        exit(1);
    }
    poke(m, IDLE_LOOP, 0xeafffffe);    /* b . */
    poke(m, SEV_LOOP, 0xe320f004);     /* sev */
    poke(m, SEV_LOOP + 4, 0xeafffffe); /* b . */
    m->cpu_model->set_entry(m->cpus[0], IDLE_LOOP);
    return m;
}

/* ---- output capture ---- */

typedef struct capture {
    char text[256];
    size_t len;
} capture;

static void tap(void *opaque, const uint8_t *buf, size_t len)
{
    capture *c = opaque;
    for (size_t i = 0; i < len && c->len + 1 < sizeof(c->text); i++)
        c->text[c->len++] = (char)buf[i];
    c->text[c->len] = 0;
}

/* ---- UART ---- */

enum {
    U_CR = 0x00,
    U_MR = 0x04,
    U_IER = 0x08,
    U_IMR = 0x10,
    U_ISR = 0x14,
    U_BAUDGEN = 0x18,
    U_RXTOUT = 0x1c,
    U_RXWM = 0x20,
    U_SR = 0x2c,
    U_FIFO = 0x30,
    U_BAUDDIV = 0x34,
};

static void test_uart(void)
{
    bb_machine *m = zynq_machine(NULL);
    capture out = {{0}, 0};
    bb_chardev *console = bb_machine_serial(m, 0); /* serial0 is UART1 */
    bb_chardev_set_tap(console, tap, &out);
    CHECK_EQ(rd(m, UART1 + U_CR), 0x128);
    CHECK_EQ(rd(m, UART1 + U_BAUDGEN), 0x28b);
    CHECK_EQ(rd(m, UART1 + U_SR) & 0x1f, 0x0a); /* RX and TX FIFOs empty */

    /* Bytes wait in the TX FIFO while the transmitter is disabled. */
    wr(m, UART1 + U_FIFO, 'h');
    wr(m, UART1 + U_FIFO, 'i');
    CHECK_EQ(out.len, 0);
    CHECK_EQ(rd(m, UART1 + U_SR) & 0x08, 0); /* TEMPTY clear */
    wr(m, UART1 + U_CR, 0x14);               /* RX_EN | TX_EN */
    CHECK(strcmp(out.text, "hi") == 0);
    CHECK_EQ(rd(m, UART1 + U_SR) & 0x08, 0x08);
    for (int i = 0; i < 64; i++)
        wr(m, UART1 + U_FIFO, 'x');
    CHECK_EQ(rd(m, UART1 + U_ISR) & (1u << 12), 0); /* no TX overflow: it drains */

    /* Reception: RXWM 2 sets RTRIG; the receive timeout fires (RTO + 1) * 4 - 1 bit periods
     * after the last byte: 100 MHz / (62 * 7) = 230414 baud, 4340 ns per bit. */
    wr(m, UART1 + U_BAUDGEN, 62);
    wr(m, UART1 + U_BAUDDIV, 6);
    wr(m, UART1 + U_RXWM, 2);
    wr(m, UART1 + U_RXTOUT, 1);
    wr(m, UART1 + U_ISR, 0x1fff);
    wr(m, UART1 + U_IER, 1u << 8); /* TIMEOUT */
    CHECK_EQ(rd(m, UART1 + U_IMR), 1u << 8);
    bb_chardev_inject(console, (const uint8_t *)"a", 1);
    uint64_t waited = 0;
    while (rd(m, UART1 + U_SR) & 0x02 && waited < 1000000)
        run(m, 1000), waited += 1000;
    CHECK(waited < 1000000);
    CHECK_EQ(rd(m, UART1 + U_SR) & 0x01, 0); /* one byte: below the watermark */
    CHECK_EQ(rd(m, UART1 + U_ISR) & (1u << 8), 0);
    run(m, 7 * 4340 - 1000 - 100);
    CHECK_EQ(rd(m, UART1 + U_ISR) & (1u << 8), 0);
    CHECK(!gic_pending(m, 82));
    run(m, 1200);
    CHECK_EQ(rd(m, UART1 + U_ISR) & (1u << 8), 1u << 8);
    CHECK(gic_pending(m, 82));
    wr(m, UART1 + U_ISR, 1u << 8);
    CHECK(!gic_pending(m, 82));
    run(m, 100000); /* expired once: no new timeout without a byte or TORST */
    CHECK_EQ(rd(m, UART1 + U_ISR) & (1u << 8), 0);
    wr(m, UART1 + U_CR, 0x14 | 0x40); /* TORST */
    run(m, 7 * 4340 + 10);
    CHECK_EQ(rd(m, UART1 + U_ISR) & (1u << 8), 1u << 8);

    bb_chardev_inject(console, (const uint8_t *)"bc", 2);
    run(m, 200000);
    CHECK_EQ(rd(m, UART1 + U_SR) & 0x03, 0x01); /* 3 bytes: RTRIG, not empty */
    CHECK_EQ(rd(m, UART1 + U_ISR) & 1, 1);
    CHECK_EQ(rd(m, UART1 + U_FIFO), 'a');
    CHECK_EQ(rd(m, UART1 + U_FIFO), 'b');
    CHECK_EQ(rd(m, UART1 + U_FIFO), 'c');
    CHECK_EQ(rd(m, UART1 + U_SR) & 0x03, 0x02);

    /* Local loopback: transmitted bytes come back. */
    size_t before = out.len;
    wr(m, UART1 + U_MR, 2u << 8);
    wr(m, UART1 + U_FIFO, 'L');
    CHECK_EQ(out.len, before);
    CHECK_EQ(rd(m, UART1 + U_FIFO), 'L');
    bb_machine_free(m);
}

/* ---- TTC ---- */

enum {
    T_CLK = 0x00,
    T_CNT = 0x0c,
    T_VALUE = 0x18,
    T_INTERVAL = 0x24,
    T_MATCH1 = 0x30,
    T_ISR = 0x54,
    T_IER = 0x60,
};

/* ns until `ticks` ticks of a clock at hz have passed (rounded up). */
static uint64_t ns_of(uint64_t hz, uint64_t ticks)
{
    return (ticks * 1000000000ull + hz - 1) / hz;
}

static void test_ttc(void)
{
    bb_machine *m = zynq_machine(NULL);
    const uint64_t hz = 111111111u >> 2; /* prescaler 4: PS_V = 1 */
    CHECK_EQ(rd(m, TTC0 + T_CNT), 0x21);
    CHECK_EQ(rd(m, TTC0 + T_VALUE), 0);

    /* Counter 1, interval mode, 999: an interval interrupt every 1000 ticks. */
    wr(m, TTC0 + T_CLK, 1 | 1 << 1);
    wr(m, TTC0 + T_INTERVAL, 999);
    wr(m, TTC0 + T_IER, 1);
    uint64_t t0 = now(m);
    wr(m, TTC0 + T_CNT, 0x02 | 0x10 | 0x20); /* interval, reset, waveform off; enabled */
    run(m, ns_of(hz, 500) - (now(m) - t0));
    uint32_t v = rd(m, TTC0 + T_VALUE);
    CHECK(v >= 498 && v <= 500);
    CHECK(!gic_pending(m, 42));
    run(m, ns_of(hz, 1000) - (now(m) - t0) - 2);
    CHECK(!gic_pending(m, 42));
    run(m, 3);
    CHECK(gic_pending(m, 42));
    CHECK_EQ(rd(m, TTC0 + T_ISR), 1); /* clear on read */
    CHECK_EQ(rd(m, TTC0 + T_ISR), 0);
    CHECK(!gic_pending(m, 42));
    run(m, ns_of(hz, 2000) - (now(m) - t0) + 1);
    CHECK(gic_pending(m, 42));
    CHECK_EQ(rd(m, TTC0 + T_ISR), 1);

    /* Counter 2, overflow mode with match 1 at 300, no prescaler. */
    wr(m, TTC0 + 4 + T_MATCH1, 300);
    wr(m, TTC0 + 4 + T_IER, 2);
    t0 = now(m);
    wr(m, TTC0 + 4 + T_CNT, 0x08 | 0x10); /* match, reset */
    run(m, ns_of(111111111u, 299) - (now(m) - t0));
    CHECK(!gic_pending(m, 43));
    run(m, ns_of(111111111u, 301) - (now(m) - t0));
    CHECK(gic_pending(m, 43));
    CHECK_EQ(rd(m, TTC0 + 4 + T_ISR), 2);
    /* Disabled: the count stays. */
    wr(m, TTC0 + 4 + T_CNT, 0x08 | 0x01);
    v = rd(m, TTC0 + 4 + T_VALUE);
    run(m, 10000);
    CHECK_EQ(rd(m, TTC0 + 4 + T_VALUE), v);
    /* Decrementing interval mode counts down from the interval. */
    wr(m, TTC0 + 8 + T_INTERVAL, 1000);
    wr(m, TTC0 + 8 + T_CNT, 0x02 | 0x04 | 0x10);
    CHECK_EQ(rd(m, TTC0 + 8 + T_VALUE), 1000);
    run(m, ns_of(111111111u, 100));
    v = rd(m, TTC0 + 8 + T_VALUE);
    CHECK(v <= 900 && v >= 898);
    bb_machine_free(m);
}

/* ---- SLCR and OCM ---- */

static void test_slcr_and_ocm(void)
{
    bb_machine *m = zynq_machine(NULL);
    CHECK_EQ(rd(m, SLCR + 0x00c), 1); /* locked */
    CHECK_EQ(rd(m, SLCR + 0x100), 0x0001a008);
    CHECK_EQ(rd(m, SLCR + 0x10c), 0x3f);
    CHECK_EQ(rd(m, SLCR + 0x530), 0x03727093);
    CHECK_EQ(rd(m, SLCR + 0x910), 0x18);
    wr(m, SLCR + 0x100, 0x00028008);
    CHECK_EQ(rd(m, SLCR + 0x100), 0x0001a008); /* ignored while locked */
    wr(m, SLCR + 0x008, 0x1234);               /* wrong key */
    CHECK_EQ(rd(m, SLCR + 0x00c), 1);
    wr(m, SLCR + 0x008, 0xdf0d);
    CHECK_EQ(rd(m, SLCR + 0x00c), 0);
    /* ps7_init's PLL sequence: bypass, reset, release, wait for lock. */
    wr(m, SLCR + 0x100, 0x00028008 | 0x10 | 0x1);
    CHECK_EQ(rd(m, SLCR + 0x10c) & 0x9, 0x8); /* ARM PLL: not locked, stable (bypassed) */
    wr(m, SLCR + 0x100, 0x00028008 | 0x10);
    CHECK_EQ(rd(m, SLCR + 0x10c) & 0x9, 0x9);
    wr(m, SLCR + 0x100, 0x00028008);
    CHECK_EQ(rd(m, SLCR + 0x100), 0x00028008);
    wr(m, SLCR + 0x120, 0x1f000200);
    CHECK_EQ(rd(m, SLCR + 0x120), 0x1f000200);
    wr(m, SLCR + 0x104, 0x2); /* DDR PLL powered down */
    CHECK_EQ(rd(m, SLCR + 0x10c), 0x3f & ~0x12u);
    CHECK_EQ(rd(m, SLCR + 0x71c), 0x601); /* MIO_PIN_07 */
    wr(m, SLCR + 0x71c, 0x600);
    CHECK_EQ(rd(m, SLCR + 0x71c), 0x600);

    /* OCM: blocks 0-2 low and block 3 high at reset, with the boot ROM's loop. */
    CHECK_EQ(peek(m, 0xfffffe00), 0xe59f1010);
    CHECK_EQ(peek(m, 0xfffffff0), 0);
    uint64_t v = 0;
    CHECK_EQ(bb_bus_read(m->bus, 0xfffc0000, 4, &v, cpu_attrs), BB_BUS_UNMAPPED);
    wr(m, 0x00000000, 0x0c0c0c00);
    wr(m, 0x00010000, 0x0c0c0c01);
    wr(m, 0x00030000, 0xddddd003); /* DDR shows where block 3 is not */
    wr(m, 0x00040000, 0xdddd0004);
    /* All high: DDR appears at 0, the blocks at 0xFFFC0000. */
    wr(m, SLCR + 0x910, 0x1f);
    CHECK_EQ(rd(m, 0xfffc0000), 0x0c0c0c00);
    CHECK_EQ(rd(m, 0xfffd0000), 0x0c0c0c01);
    CHECK_EQ(rd(m, 0x00030000), 0xddddd003);
    CHECK_EQ(rd(m, 0x00040000), 0xdddd0004);
    wr(m, 0x00000000, 0xdddd0000);
    /* All low: block 3's loop shows at 0x3FE00, the top is unmapped. */
    wr(m, SLCR + 0x910, 0x10);
    CHECK_EQ(rd(m, 0x00000000), 0x0c0c0c00);
    CHECK_EQ(rd(m, 0x0003fe00), 0xe59f1010);
    CHECK_EQ(bb_bus_read(m->bus, 0xfffffe00, 4, &v, cpu_attrs), BB_BUS_UNMAPPED);
    /* Back to the reset mapping. */
    wr(m, SLCR + 0x910, 0x18);
    CHECK_EQ(rd(m, 0x00000000), 0x0c0c0c00);
    CHECK_EQ(rd(m, 0x00030000), 0xddddd003);
    CHECK_EQ(rd(m, 0xfffffe00), 0xe59f1010);
    /* Locked again: OCM_CFG writes are ignored. */
    wr(m, SLCR + 0x004, 0x767b);
    wr(m, SLCR + 0x910, 0x1f);
    CHECK_EQ(rd(m, SLCR + 0x910), 0x18);
    CHECK_EQ(rd(m, 0x00000000), 0x0c0c0c00);
    /* A machine reset puts the SLCR and the mapping back. */
    wr(m, SLCR + 0x008, 0xdf0d);
    wr(m, SLCR + 0x910, 0x1f);
    bb_machine_reset(m);
    CHECK_EQ(rd(m, SLCR + 0x00c), 1);
    CHECK_EQ(rd(m, 0x00000000), 0x0c0c0c00);
    bb_machine_free(m);
}

/* ---- CPU1: the boot ROM's wait loop, and A9_CPU_RST_CTRL ---- */

static void test_cpu1_start(void)
{
    bb_machine *m = zynq_machine(NULL);
    CHECK_EQ(m->n_cpus, 2);
    /* CPU1's program: store 0x12345678 at 0x300000, then loop. */
    static const uint32_t program[] = {0xe59f0008, 0xe59f1008, 0xe5810000,
                                       0xeafffffe, 0x12345678, 0x00300000};
    for (unsigned i = 0; i < 6; i++)
        poke(m, 0x200000 + 4 * i, program[i]);
    CHECK_EQ(m->cpus[1]->pc, 0xfffffe00);
    run(m, 20000);
    CHECK(m->cpus[1]->halted);
    CHECK(m->cpus[1]->pc >= 0xfffffe00 && m->cpus[1]->pc < 0xfffffe18);
    wr(m, 0xfffffff0, 0x200000); /* the start address, no event yet */
    run(m, 20000);
    CHECK(m->cpus[1]->halted);
    CHECK_EQ(peek(m, 0x300000), 0);
    m->cpu_model->set_entry(m->cpus[0], SEV_LOOP); /* CPU0 executes SEV */
    run(m, 20000);
    CHECK_EQ(peek(m, 0x300000), 0x12345678);
    CHECK_EQ(m->cpus[1]->pc, 0x20000c);

    /* The SLCR holds CPU1 in reset, then starts it at 0x0. */
    m->cpu_model->set_entry(m->cpus[0], IDLE_LOOP);
    wr(m, SLCR + 0x008, 0xdf0d);
    wr(m, SLCR + 0x244, 0x22); /* A9_RST1 | A9_CLKSTOP1 */
    CHECK_EQ(m->cpus[1]->pc, 0xfffffe1c);
    run(m, 20000);
    CHECK(m->cpus[1]->halted);
    wr(m, SLCR + 0x244, 0x20); /* out of reset, clock still stopped */
    CHECK(m->cpus[1]->pc == 0xfffffe1c || m->cpus[1]->pc == 0xfffffe20);
    poke(m, 0x0, 0xeafffffe); /* b . at the reset vector (OCM block 0) */
    wr(m, SLCR + 0x244, 0x00);
    CHECK_EQ(m->cpus[1]->pc, 0);
    CHECK_EQ(rd(m, SLCR + 0x244), 0);
    run(m, 20000);
    CHECK(!m->cpus[1]->halted);
    CHECK_EQ(m->cpus[1]->pc, 0);
    bb_machine_free(m);
}

/* ---- GPIO ---- */

enum {
    G_MASK_DATA_0_LSW = 0x00,
    G_DATA_0 = 0x40,
    G_DATA_0_RO = 0x60,
    G_DATA_1_RO = 0x64,
    G_BANK = 0x204,
    G_DIRM = 0x00,
    G_OEN = 0x04,
    G_INT_MASK = 0x08,
    G_INT_EN = 0x0c,
    G_INT_DIS = 0x10,
    G_INT_STAT = 0x14,
    G_INT_TYPE = 0x18,
    G_INT_POL = 0x1c,
    G_INT_ANY = 0x20,
};

static uint64_t bank(int n, int reg)
{
    return GPIO + G_BANK + 0x40u * n + reg;
}

static void test_gpio(void)
{
    bb_machine *m = zynq_machine(NULL);
    bb_irq button;
    CHECK(bb_machine_irq_input(m, "gpio", 50, &button)); /* MIO 50: bank 1, bit 18 */
    CHECK(!bb_machine_irq_input(m, "gpio", 118, &button) || false);
    CHECK(bb_machine_irq_input(m, "gpio", 50, &button));
    const uint32_t bit = 1u << 18;
    CHECK_EQ(rd(m, bank(1, G_INT_TYPE)), 0x003fffff);
    CHECK_EQ(rd(m, bank(0, G_INT_MASK)), 0);

    /* Rising edge. */
    wr(m, bank(1, G_INT_DIS), 0x003fffff);
    wr(m, bank(1, G_INT_POL), bit);
    wr(m, bank(1, G_INT_EN), bit);
    CHECK_EQ(rd(m, bank(1, G_INT_MASK)), 0x003fffff & ~bit);
    bb_irq_set(&button, 1);
    CHECK_EQ(rd(m, GPIO + G_DATA_1_RO) & bit, bit);
    CHECK_EQ(rd(m, bank(1, G_INT_STAT)), bit);
    CHECK(gic_pending(m, 52));
    wr(m, bank(1, G_INT_STAT), bit);
    CHECK_EQ(rd(m, bank(1, G_INT_STAT)), 0);
    CHECK(!gic_pending(m, 52));
    bb_irq_set(&button, 0); /* falling: not this polarity */
    CHECK_EQ(rd(m, bank(1, G_INT_STAT)), 0);
    /* Any edge. */
    wr(m, bank(1, G_INT_ANY), bit);
    bb_irq_set(&button, 1);
    wr(m, bank(1, G_INT_STAT), bit);
    bb_irq_set(&button, 0);
    CHECK_EQ(rd(m, bank(1, G_INT_STAT)), bit);
    wr(m, bank(1, G_INT_STAT), bit);
    /* Level, active low: the status stays while the pin is low. */
    wr(m, bank(1, G_INT_TYPE), 0x003fffff & ~bit);
    wr(m, bank(1, G_INT_POL), 0);
    CHECK_EQ(rd(m, bank(1, G_INT_STAT)), bit);
    wr(m, bank(1, G_INT_STAT), bit);
    CHECK_EQ(rd(m, bank(1, G_INT_STAT)), bit);
    bb_irq_set(&button, 1);
    wr(m, bank(1, G_INT_STAT), bit);
    CHECK_EQ(rd(m, bank(1, G_INT_STAT)), 0);
    /* Masked: the status is set, the line stays low. */
    bb_irq_set(&button, 0);
    wr(m, bank(1, G_INT_DIS), bit);
    CHECK_EQ(rd(m, bank(1, G_INT_STAT)), bit);
    CHECK(!gic_pending(m, 52));

    /* An output: the LED on MIO 7. */
    wr(m, bank(0, G_DIRM), 1u << 7);
    wr(m, bank(0, G_OEN), 1u << 7);
    wr(m, GPIO + G_MASK_DATA_0_LSW, ~(1u << 7) << 16 | 0xffff); /* only bit 7 changes */
    CHECK_EQ(rd(m, GPIO + G_DATA_0), 1u << 7);
    CHECK_EQ(rd(m, GPIO + G_DATA_0_RO) & (1u << 7), 1u << 7);
    wr(m, GPIO + G_DATA_0, 0);
    CHECK_EQ(rd(m, GPIO + G_DATA_0_RO) & (1u << 7), 0);
    /* EMIO 0 (pin 54, bank 2 bit 0) from an input line. */
    bb_irq emio;
    CHECK(bb_machine_irq_input(m, "gpio", 54, &emio));
    bb_irq_set(&emio, 1);
    CHECK_EQ(rd(m, GPIO + 0x68) & 1, 1);
    bb_machine_free(m);
}

/* ---- SDHCI ---- */

enum {
    S_SDMA = 0x00,
    S_BLKSIZE = 0x04,
    S_BLKCNT = 0x06,
    S_ARG = 0x08,
    S_MODE = 0x0c,
    S_CMD = 0x0e,
    S_RESP = 0x10,
    S_DATA = 0x20,
    S_PRESENT = 0x24,
    S_HOST = 0x28,
    S_POWER = 0x29,
    S_CLOCK = 0x2c,
    S_STATUS = 0x30,
    S_STATUS_EN = 0x34,
    S_ADMA = 0x58,
    S_VERSION = 0xfe,
};

/* Issues a command; returns Normal Interrupt Status (and clears it). */
static uint32_t sd_cmd(bb_machine *m, unsigned index, uint32_t arg, unsigned flags)
{
    wr(m, SDIO0 + S_ARG, arg);
    wr16(m, SDIO0 + S_CMD, index << 8 | flags);
    uint32_t status = rd(m, SDIO0 + S_STATUS);
    wr(m, SDIO0 + S_STATUS, status);
    return status;
}

enum { R_NONE = 0, R_136 = 1 | 0x08, R_48 = 2 | 0x18, R_48B = 3 | 0x18, DATA = 0x20 };

static void fill_sector(uint8_t *sector, int n)
{
    for (int i = 0; i < 512; i++)
        sector[i] = (uint8_t)(n * 7 + i);
}

static bool sector_matches(bb_machine *m, uint64_t addr, int n)
{
    uint8_t want[512], got[512];
    fill_sector(want, n);
    bb_bus_copy(m->bus, addr, got, sizeof(got), false);
    return memcmp(want, got, sizeof(got)) == 0;
}

static void test_sdhci(void)
{
    char path[] = "/tmp/test_zynq_sd_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    uint8_t sector[512];
    for (int n = 0; n < 2048; n++) { /* 1 MiB */
        fill_sector(sector, n);
        CHECK(write(fd, sector, sizeof(sector)) == (ssize_t)sizeof(sector));
    }
    close(fd);
    bb_machine *m = zynq_machine(path);
    CHECK_EQ(rd(m, SDIO0 + 0xfc) >> 16, 0x8901);
    CHECK_EQ(rd(m, SDIO0 + 0x40), 0x69ec0080);
    CHECK_EQ(rd(m, SDIO0 + S_PRESENT) & 0x000f0000, 0x000f0000); /* inserted, writable */
    CHECK_EQ(rd(m, 0xe0101000 + S_PRESENT) & 0x00010000, 0);     /* SDIO1: empty slot */

    wr8(m, SDIO0 + S_POWER, 0x0f);
    wr16(m, SDIO0 + S_CLOCK, 0x0101);
    CHECK_EQ(rd(m, SDIO0 + S_CLOCK) & 3, 3); /* internal clock stable */
    wr16(m, SDIO0 + S_CLOCK, 0x0105);
    wr(m, SDIO0 + S_STATUS_EN, 0xffffffff);
    wr(m, SDIO0 + 0x38, 0x2); /* signal Transfer Complete */

    CHECK_EQ(sd_cmd(m, 0, 0, R_NONE), 1);
    CHECK_EQ(sd_cmd(m, 8, 0x1aa, R_48), 1);
    CHECK_EQ(rd(m, SDIO0 + S_RESP), 0x1aa);
    /* CMD5 is SDIO's: the card does not answer, a command timeout error. */
    CHECK_EQ(sd_cmd(m, 5, 0, R_48), 0x00018000);
    CHECK_EQ(sd_cmd(m, 55, 0, R_48), 1);
    CHECK_EQ(sd_cmd(m, 41, 0x40ff8000, 2), 1);
    CHECK_EQ(rd(m, SDIO0 + S_RESP) >> 31, 1); /* powered up */
    CHECK_EQ(sd_cmd(m, 2, 0, R_136), 1);
    CHECK_EQ((rd(m, SDIO0 + S_RESP + 12) >> 16) & 0xff, 0xbb); /* CID: MID */
    CHECK_EQ(sd_cmd(m, 3, 0, R_48), 1);
    uint32_t rca = rd(m, SDIO0 + S_RESP) >> 16;
    CHECK_EQ(rca, 0x4567);
    CHECK_EQ(sd_cmd(m, 7, rca << 16, R_48B), 3); /* R1b: transfer complete when not busy */

    /* Sector 1 by PIO. */
    wr16(m, SDIO0 + S_BLKSIZE, 512);
    wr16(m, SDIO0 + S_BLKCNT, 1);
    wr16(m, SDIO0 + S_MODE, 0x10);                   /* read */
    CHECK_EQ(sd_cmd(m, 17, 512, R_48 | DATA), 0x21); /* command complete, buffer read ready */
    CHECK_EQ(rd(m, SDIO0 + S_PRESENT) & 0x0a02, 0x0a02);
    uint8_t got[512];
    for (int i = 0; i < 128; i++) {
        uint32_t w = rd(m, SDIO0 + S_DATA);
        memcpy(got + 4 * i, &w, 4);
    }
    fill_sector(sector, 1);
    CHECK(memcmp(got, sector, 512) == 0);
    CHECK(gic_pending(m, 56));
    CHECK_EQ(rd(m, SDIO0 + S_STATUS) & 2, 2); /* transfer complete */
    wr(m, SDIO0 + S_STATUS, 0xffffffff);
    CHECK(!gic_pending(m, 56));
    CHECK_EQ(rd(m, SDIO0 + S_PRESENT) & 0x0a02, 0);

    /* Sectors 4-5 by SDMA, with Auto CMD12. */
    wr(m, SDIO0 + S_SDMA, 0x400000);
    wr16(m, SDIO0 + S_BLKCNT, 2);
    wr16(m, SDIO0 + S_MODE, 0x10 | 0x20 | 0x04 | 0x02 | 0x01);
    CHECK_EQ(sd_cmd(m, 18, 4 * 512, R_48 | DATA), 3);
    CHECK(sector_matches(m, 0x400000, 4));
    CHECK(sector_matches(m, 0x400200, 5));
    CHECK_EQ(rd(m, SDIO0 + S_BLKCNT) & 0xffff, 0);

    /* Sectors 9 and 10 by ADMA2: two descriptors, the second one the end. */
    poke(m, 0x500000, 0x02000000 | 0x21); /* 512 bytes, transfer, valid */
    poke(m, 0x500004, 0x600000);
    poke(m, 0x500008, 0x02000000 | 0x23); /* transfer, end, valid */
    poke(m, 0x50000c, 0x700000);
    wr8(m, SDIO0 + S_HOST, 2 << 3);
    wr(m, SDIO0 + S_ADMA, 0x500000);
    wr16(m, SDIO0 + S_BLKCNT, 2);
    wr16(m, SDIO0 + S_MODE, 0x10 | 0x20 | 0x04 | 0x02 | 0x01);
    CHECK_EQ(sd_cmd(m, 18, 9 * 512, R_48 | DATA), 3);
    CHECK(sector_matches(m, 0x600000, 9));
    CHECK(sector_matches(m, 0x700000, 10));

    /* A PIO write of sector 3, read back from the image. */
    wr16(m, SDIO0 + S_BLKCNT, 1);
    wr16(m, SDIO0 + S_MODE, 0);
    CHECK_EQ(sd_cmd(m, 24, 3 * 512, R_48 | DATA), 0x11); /* buffer write ready */
    for (int i = 0; i < 128; i++)
        wr(m, SDIO0 + S_DATA, 0xa5a50000u | (uint32_t)i);
    CHECK_EQ(rd(m, SDIO0 + S_STATUS) & 2, 2);
    bb_machine_free(m);
    FILE *f = fopen(path, "rb");
    uint32_t word = 0;
    CHECK(f && fseek(f, 3 * 512 + 4 * 5, SEEK_SET) == 0 && fread(&word, 4, 1, f) == 1);
    CHECK_EQ(word, 0xa5a50005u);
    if (f) fclose(f);
    unlink(path);
}

/* ---- DevC and the system watchdog ---- */

static void test_devcfg(void)
{
    bb_machine *m = zynq_machine(NULL);
    CHECK_EQ(rd(m, DEVC + 0x0c) & 4, 4); /* PCFG_DONE: the PL is configured */
    CHECK_EQ(rd(m, DEVC + 0x14) & 0x10, 0x10);
    uint32_t ctrl = rd(m, DEVC + 0x00);
    wr(m, DEVC + 0x0c, 0xffffffff);
    wr(m, DEVC + 0x00, ctrl & ~(1u << 30)); /* PROG_B low */
    CHECK_EQ(rd(m, DEVC + 0x14) & 0x10, 0);
    CHECK_EQ(rd(m, DEVC + 0x0c) & 5, 1); /* INIT negative edge, not done */
    wr(m, DEVC + 0x00, ctrl);
    CHECK_EQ(rd(m, DEVC + 0x14) & 0x10, 0x10);
    /* A bitstream to the PCAP: DMA and PCAP done, PL done; the interrupt when unmasked. */
    wr(m, DEVC + 0x0c, 0xffffffff);
    wr(m, DEVC + 0x10, ~(1u << 2));
    wr(m, DEVC + 0x18, 0x100001);
    wr(m, DEVC + 0x1c, 0xffffffff);
    wr(m, DEVC + 0x20, 16);
    CHECK(!gic_pending(m, 40));
    wr(m, DEVC + 0x24, 16);
    CHECK_EQ(rd(m, DEVC + 0x0c) & 0x3004, 0x3004);
    CHECK(gic_pending(m, 40));
    wr(m, DEVC + 0x0c, 0xffffffff);
    CHECK(!gic_pending(m, 40));
    /* Memory to memory. */
    for (int i = 0; i < 8; i++)
        poke(m, 0x800000 + 4 * i, 0x11110000u + (uint32_t)i);
    wr(m, DEVC + 0x18, 0x800000);
    wr(m, DEVC + 0x1c, 0x810000);
    wr(m, DEVC + 0x20, 8);
    wr(m, DEVC + 0x24, 8);
    CHECK_EQ(peek(m, 0x810000 + 4 * 7), 0x11110007u);
    CHECK_EQ(rd(m, DEVC + 0x0c) & 0x3000, 0x3000);
    bb_machine_free(m);
}

static void test_watchdog(void)
{
    bb_machine *m = zynq_machine(NULL);
    CHECK_EQ(rd(m, SWDT + 0x0), 0x1c2);
    wr(m, SWDT + 0x0, 0x1); /* no key: ignored */
    CHECK_EQ(rd(m, SWDT + 0x0), 0x1c2);
    wr(m, SWDT + 0x4, 0x920000 | 0);   /* CRV 0, /8: 4095 ticks of 13.89 MHz */
    wr(m, SWDT + 0x0, 0xabc000 | 0x5); /* WDEN | IRQEN, no reset */
    uint64_t t0 = now(m);
    wr(m, SWDT + 0x8, 0x1999);
    const uint64_t hz = 111111111u >> 3;
    run(m, ns_of(hz, 4095) - (now(m) - t0) - 10);
    CHECK_EQ(rd(m, SWDT + 0xc), 0);
    CHECK(!gic_pending(m, 41));
    run(m, 20);
    CHECK_EQ(rd(m, SWDT + 0xc), 1);
    CHECK(gic_pending(m, 41));
    wr(m, SWDT + 0x8, 0x1999); /* restart clears WDZ */
    CHECK_EQ(rd(m, SWDT + 0xc), 0);
    /* With RSTEN the expiry ends the run (status 0). */
    wr(m, SWDT + 0x0, 0xabc000 | 0x3);
    wr(m, SWDT + 0x8, 0x1999);
    CHECK_EQ(bb_machine_run(m, 1000000), BB_STOP_EXIT);
    CHECK_EQ(m->exit_code, 0);
    bb_machine_free(m);
}

/* ---- snapshots: the models' state and the OCM mapping come back ---- */

static void test_snapshot(void)
{
    bb_machine *m = zynq_machine(NULL);
    const uint64_t hz = 111111111u;
    wr(m, SLCR + 0x008, 0xdf0d);
    wr(m, 0x0, 0x0c0c0c00);
    wr(m, TTC0 + T_INTERVAL, 9999);
    wr(m, TTC0 + T_IER, 1);
    uint64_t t0 = now(m);
    wr(m, TTC0 + T_CNT, 0x02 | 0x10);
    run(m, ns_of(hz, 5000));
    char err[256];
    bb_snapshot *snap = bb_snapshot_take(m, err, sizeof(err));
    CHECK(snap != NULL);
    uint64_t t_snap = now(m);
    wr(m, SLCR + 0x910, 0x1f); /* all OCM high: 0x0 shows DDR */
    wr(m, SLCR + 0x004, 0x767b);
    run(m, ns_of(hz, 10001) - (now(m) - t0));
    CHECK(gic_pending(m, 42));
    uint32_t value_later = rd(m, TTC0 + T_VALUE);
    CHECK(bb_snapshot_restore(m, snap, err, sizeof(err)));
    CHECK_EQ(now(m), t_snap);
    CHECK_EQ(rd(m, SLCR + 0x00c), 0); /* unlocked, as when taken */
    CHECK_EQ(rd(m, 0x0), 0x0c0c0c00); /* OCM block 0 low again */
    CHECK(!gic_pending(m, 42));
    run(m, ns_of(hz, 10001) - (now(m) - t0));
    CHECK(gic_pending(m, 42));
    CHECK_EQ(rd(m, TTC0 + T_VALUE), value_later);
    bb_snapshot_free(snap);
    bb_machine_free(m);
}

int main(void)
{
    test_uart();
    test_ttc();
    test_slcr_and_ocm();
    test_cpu1_start();
    test_gpio();
    test_sdhci();
    test_devcfg();
    test_watchdog();
    test_snapshot();
    if (failures) {
        printf("%d failure(s)\n", failures);
        return 1;
    }
    printf("all zynq device tests passed\n");
    return 0;
}
