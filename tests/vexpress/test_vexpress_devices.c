/*
 * test_vexpress_devices.c: the vexpress-a9 board's own models, on the built-in board with
 * two Cortex-A9 CPUs, driven through the bus as each CPU would access them: GIC
 * (banked registers, SPIs, SGIs between CPUs, priorities and preemption, EOI), private
 * timers and the global timer (per-CPU interrupts), system registers (counters, the
 * configuration interface, poweroff), the MMCI with an SD card (identification, block
 * read and write through the FIFO), virtio-mmio block requests, the LAN9118 (identity,
 * loopback through the PHY), and the Linux loader (registers, /chosen, the pen).
 * Time is moved by jumping to the next timer deadline, as the idle loop does.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/boot_options.h"
#include "core/linux_boot.h"
#include "core/machine.h"
#include "jit/arm/cpu.h"
#include "tests/unit/test_util.h"

enum {
    GICD = 0x1e001000,
    GICC = 0x1e000100,
    TWD = 0x1e000600,
    GTIMER = 0x1e000200,
    SCU = 0x1e000000,
    SYSREG = 0x10000000,
    MMCI = 0x10005000,
    VIRTIO0 = 0x10013000,
    LAN = 0x4e000000,
    RAM = 0x60000000,
};

static bb_machine *m;
static char sd_path[64], disk_path[64];

static uint32_t rd_as(int cpu, uint64_t addr)
{
    uint64_t v = 0;
    bb_attrs a = {(uint8_t)cpu, 1, 0, 0};
    bb_bus_read(m->bus, addr, 4, &v, a);
    return (uint32_t)v;
}

static void wr_as(int cpu, uint64_t addr, uint32_t value)
{
    bb_attrs a = {(uint8_t)cpu, 1, 0, 0};
    bb_bus_write(m->bus, addr, 4, value, a);
}

static uint32_t rd(uint64_t addr)
{
    return rd_as(0, addr);
}

static void wr(uint64_t addr, uint32_t value)
{
    wr_as(0, addr, value);
}

static int irq_of(int cpu)
{
    return arm_cpu(m->cpus[cpu])->irq_level;
}

/* Moves virtual time to the next timer deadline and runs what falls due. */
static void next_event(void)
{
    CHECK(bb_clock_skip_to_deadline(m->clock));
    bb_clock_run_due(m->clock);
}

static void nothing(void *opaque)
{
    (void)opaque;
}

/* Moves virtual time forward by ns. */
static void advance(uint64_t ns)
{
    bb_timer t;
    bb_timer_init(&t, m->clock, nothing, NULL);
    bb_timer_mod(&t, bb_clock_now(m->clock) + ns);
    next_event();
    bb_timer_del(&t);
}

static void make_image(const char *path, const char *marker, size_t size)
{
    FILE *f = fopen(path, "wb");
    char sector[512] = {0};
    snprintf(sector, sizeof(sector), "%s", marker);
    fwrite(sector, 1, sizeof(sector), f);
    memset(sector, 0, sizeof(sector));
    for (size_t done = 512; done < size; done += 512)
        fwrite(sector, 1, sizeof(sector), f);
    fclose(f);
}

static void test_gic(void)
{
    CHECK_EQ(rd(GICD + 0x004) & 0x1f, 2);         /* 96 interrupts */
    CHECK_EQ((rd(GICD + 0x004) >> 5) & 7, 1);     /* two CPUs */
    CHECK_EQ(rd_as(0, GICD + 0x800), 0x01010101); /* banked target bytes name the reader */
    CHECK_EQ(rd_as(1, GICD + 0x800), 0x02020202);
    wr(GICD + 0x000, 1);
    for (int cpu = 0; cpu < 2; cpu++) {
        wr_as(cpu, GICC + 0x000, 1);
        wr_as(cpu, GICC + 0x004, 0xf0);
    }
    /* SPI 37 (UART0), priority 0xa0, to CPU 1 */
    wr(GICD + 0x400 + 36, 0x0000a000u);
    bb_attrs a = {0, 1, 0, 0};
    bb_bus_write(m->bus, GICD + 0x800 + 37, 1, 0x02, a); /* byte write of the target */
    wr(GICD + 0x100 + 4, 1u << 5);
    bb_irq line;
    CHECK(bb_machine_irq_input(m, NULL, 37, &line));
    bb_irq_set(&line, 1);
    CHECK_EQ(irq_of(0), 0);
    CHECK_EQ(irq_of(1), 1);
    CHECK_EQ(rd_as(1, GICC + 0x018), 37);   /* ICCHPIR */
    CHECK_EQ(rd_as(1, GICC + 0x00c), 37);   /* acknowledge */
    CHECK_EQ(irq_of(1), 0);                 /* active: not signalled again */
    CHECK_EQ(rd_as(1, GICC + 0x014), 0xa0); /* running priority */
    bb_irq_set(&line, 0);
    wr_as(1, GICC + 0x010, 37);
    CHECK_EQ(rd_as(1, GICC + 0x014), 0xff);
    CHECK_EQ(rd_as(1, GICC + 0x00c), 1023); /* nothing pending: spurious */
    /* priority mask */
    wr_as(1, GICC + 0x004, 0x80);
    bb_irq_set(&line, 1);
    CHECK_EQ(irq_of(1), 0);
    wr_as(1, GICC + 0x004, 0xf0);
    CHECK_EQ(irq_of(1), 1);
    CHECK_EQ(rd_as(1, GICC + 0x00c), 37);
    /* preemption: SGI 3 at priority 0x20 from CPU 0 while 37 (0xa0) is active on CPU 1 */
    wr_as(1, GICD + 0x400, 0x20000000u); /* banked priority of SGI 3 for CPU 1 */
    wr(GICD + 0xf00, (2u << 16) | 3);
    CHECK_EQ(irq_of(1), 1);
    CHECK_EQ(rd_as(1, GICC + 0x00c), 3 | 0 << 10); /* from CPU 0 */
    wr_as(1, GICC + 0x010, 3);
    wr_as(1, GICC + 0x010, 37);
    bb_irq_set(&line, 0);
    CHECK_EQ(irq_of(1), 0);
    /* an SGI to the other CPUs, from CPU 1 */
    wr_as(1, GICD + 0xf00, (1u << 24) | 5);
    CHECK_EQ(irq_of(0), 1);
    CHECK_EQ(rd_as(0, GICC + 0x00c), 5 | 1 << 10);
    wr_as(0, GICC + 0x010, 5 | 1 << 10);
    CHECK_EQ(irq_of(0), 0);
    wr(GICD + 0x180 + 4, 1u << 5);
}

static void test_timers(void)
{
    /* private timer of CPU 1: PPI 29 */
    wr_as(1, GICD + 0x100, 1u << 29);
    wr_as(1, GICD + 0x41c, 0x00a00000u); /* priority of 29 */
    wr_as(1, TWD + 0x00, 1999);          /* 2000 ticks at 200 MHz: 10 us */
    wr_as(1, TWD + 0x08, 0x7);           /* enable, auto-reload, IT */
    CHECK_EQ(rd_as(0, TWD + 0x08), 0);   /* CPU 0's timer is another one */
    uint64_t start = bb_clock_now(m->clock);
    next_event();
    CHECK_EQ(bb_clock_now(m->clock) - start, 9995); /* Load ticks to zero, then Load + 1 */
    CHECK_EQ(rd_as(1, TWD + 0x0c), 1);
    CHECK_EQ(irq_of(1), 1);
    CHECK_EQ(irq_of(0), 0);
    CHECK_EQ(rd_as(1, GICC + 0x00c), 29);
    wr_as(1, TWD + 0x0c, 1);
    wr_as(1, GICC + 0x010, 29);
    CHECK_EQ(irq_of(1), 0);
    next_event();
    CHECK_EQ(bb_clock_now(m->clock) - start, 19995);
    CHECK_EQ(irq_of(1), 1);
    wr_as(1, TWD + 0x08, 0);
    wr_as(1, TWD + 0x0c, 1);
    CHECK_EQ(irq_of(1), 1); /* PPI 29 is edge-triggered: still pending at the GIC */
    wr_as(1, GICD + 0x280, 1u << 29);
    CHECK_EQ(irq_of(1), 0);
    wr_as(1, GICD + 0x180, 1u << 29);

    /* global timer: 64-bit counter, CPU 0 comparator with auto-increment, PPI 27 */
    wr(GICD + 0x100, 1u << 27);
    wr(GTIMER + 0x08, 1);
    uint32_t c0 = rd(GTIMER + 0x00);
    wr(GTIMER + 0x10, c0 + 400);
    wr(GTIMER + 0x14, 0);
    wr(GTIMER + 0x18, 400);
    wr(GTIMER + 0x08, 0xf);
    next_event();
    CHECK_EQ(rd(GTIMER + 0x0c), 1);
    CHECK_EQ(irq_of(0), 1);
    CHECK_EQ(rd(GTIMER + 0x10), c0 + 800); /* auto-incremented */
    CHECK_EQ(rd(GICC + 0x00c), 27);
    wr(GTIMER + 0x0c, 1);
    wr(GICC + 0x010, 27);
    wr(GTIMER + 0x08, 0);
    CHECK_EQ(irq_of(0), 0);
    wr(GICD + 0x180, 1u << 27);
    CHECK_EQ(rd(SCU + 0x04) & 3, 1); /* two CPUs */
}

static uint32_t config_read(unsigned func, unsigned site, unsigned device)
{
    wr(SYSREG + 0xa8, 0);
    wr(SYSREG + 0xa4, 1u << 31 | func << 20 | site << 16 | device);
    CHECK_EQ(rd(SYSREG + 0xa8), 1);
    CHECK_EQ(rd(SYSREG + 0xa4) >> 31, 0);
    return rd(SYSREG + 0xa0);
}

static void test_sysregs(void)
{
    CHECK_EQ(rd(SYSREG + 0x00), 0x1190f500);
    CHECK_EQ(rd(SYSREG + 0x84), 0x0c000191);
    CHECK_EQ(rd(SYSREG + 0x48) & 3, 1); /* card present, not write-protected */
    uint32_t t0 = rd(SYSREG + 0x5c);
    advance(1000);
    CHECK_EQ(rd(SYSREG + 0x5c) - t0, 24);     /* 24 MHz */
    CHECK_EQ(config_read(1, 0, 2), 24000000); /* OSCCLK2: UART clock */
    CHECK_EQ(config_read(1, 1, 2), 66670000); /* daughterboard tcrefclk */
    wr(SYSREG + 0x34, ~0u);
    wr(SYSREG + 0x30, 0x60008000);
    CHECK_EQ(rd(SYSREG + 0x30), 0x60008000);
    wr(SYSREG + 0x34, ~0u);
}

/* --- MMCI and the SD card --- */

static uint32_t mmc_command(unsigned index, uint32_t arg, uint32_t flags)
{
    wr(MMCI + 0x38, 0x7ff);
    wr(MMCI + 0x08, arg);
    wr(MMCI + 0x0c, index | flags | 1u << 10);
    return rd(MMCI + 0x34);
}

static void test_mmci(void)
{
    enum { RESP = 1u << 6, LONG = 1u << 7, RESP_END = 1u << 6, TIMEOUT = 1u << 2 };
    CHECK_EQ(rd(MMCI + 0xfe0), 0x80);
    wr(MMCI + 0x00, 3); /* power on */
    CHECK(mmc_command(0, 0, 0) & (1u << 7));
    CHECK(mmc_command(5, 0, RESP) & TIMEOUT); /* not SDIO */
    CHECK(mmc_command(8, 0x1aa, RESP) & RESP_END);
    CHECK_EQ(rd(MMCI + 0x14), 0x1aa);
    CHECK(mmc_command(55, 0, RESP) & RESP_END);
    CHECK(mmc_command(41, 0x00ff8000, RESP) & RESP_END);
    CHECK_EQ(rd(MMCI + 0x14) >> 31, 1); /* powered up */
    CHECK(mmc_command(2, 0, RESP | LONG) & RESP_END);
    CHECK_EQ(rd(MMCI + 0x14) >> 24, 0xbb); /* CID manufacturer */
    CHECK(mmc_command(3, 0, RESP) & RESP_END);
    uint32_t rca = rd(MMCI + 0x14) & 0xffff0000u;
    CHECK(mmc_command(9, rca, RESP | LONG) & RESP_END);
    CHECK(mmc_command(7, rca, RESP) & RESP_END);
    /* read block 0 through the FIFO */
    wr(MMCI + 0x28, 512);
    wr(MMCI + 0x2c, 1 | 2 | 9 << 4);
    CHECK(mmc_command(17, 0, RESP) & RESP_END);
    CHECK_EQ(rd(MMCI + 0x48), (512 - 64) / 4); /* 16 words already in the FIFO */
    char block[512];
    for (int i = 0; i < 128; i++) {
        uint32_t w = rd(MMCI + 0x80);
        memcpy(block + 4 * i, &w, 4);
    }
    CHECK(memcmp(block, "SD-MARKER", 9) == 0);
    CHECK(rd(MMCI + 0x34) & (1u << 8)); /* DataEnd */
    /* write block 1 */
    CHECK(mmc_command(24, 512, RESP) & RESP_END);
    wr(MMCI + 0x28, 512);
    wr(MMCI + 0x2c, 1 | 9 << 4);
    CHECK(rd(MMCI + 0x34) & (1u << 14)); /* TX FIFO half empty */
    for (int i = 0; i < 128; i++)
        wr(MMCI + 0x80, i == 0 ? 0x21494848u : 0); /* "HHI!" */
    CHECK(rd(MMCI + 0x34) & (1u << 8));
    FILE *f = fopen(sd_path, "rb");
    char back[4] = {0};
    fseek(f, 512, SEEK_SET);
    CHECK_EQ(fread(back, 1, 4, f), 4);
    fclose(f);
    CHECK(memcmp(back, "HHI!", 4) == 0);
    CHECK(mmc_command(13, rca, RESP) & RESP_END);
    CHECK_EQ((rd(MMCI + 0x14) >> 9) & 15, 4); /* back in the transfer state */
}

/* --- virtio-mmio block --- */

static void put32(uint64_t addr, uint32_t v)
{
    bb_bus_copy(m->bus, addr, &v, 4, true);
}

static void put16(uint64_t addr, uint16_t v)
{
    bb_bus_copy(m->bus, addr, &v, 2, true);
}

static void put_desc(uint64_t table, int i, uint64_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    uint64_t d = table + 16u * (unsigned)i;
    put32(d, (uint32_t)addr);
    put32(d + 4, (uint32_t)(addr >> 32));
    put32(d + 8, len);
    put16(d + 12, flags);
    put16(d + 14, next);
}

static void test_virtio(void)
{
    uint64_t v = VIRTIO0;
    CHECK_EQ(rd(v + 0x000), 0x74726976);
    CHECK_EQ(rd(v + 0x004), 2);
    CHECK_EQ(rd(v + 0x008), 2);               /* block */
    CHECK_EQ(rd(VIRTIO0 + 0x200 + 0x008), 0); /* the next transport has no device */
    wr(v + 0x070, 1 | 2);
    wr(v + 0x014, 1);
    CHECK(rd(v + 0x010) & 1); /* VERSION_1 */
    wr(v + 0x024, 1);
    wr(v + 0x020, 1);
    wr(v + 0x070, 1 | 2 | 8);
    CHECK(rd(v + 0x070) & 8);
    CHECK_EQ(rd(v + 0x100), 2048); /* capacity in sectors (1 MiB) */
    uint64_t desc = RAM + 0x100000, avail = RAM + 0x101000, used = RAM + 0x102000;
    uint64_t req = RAM + 0x103000, data = RAM + 0x104000, status = RAM + 0x105000;
    wr(v + 0x030, 0);
    CHECK(rd(v + 0x034) >= 8);
    wr(v + 0x038, 8);
    wr(v + 0x080, (uint32_t)desc);
    wr(v + 0x090, (uint32_t)avail);
    wr(v + 0x0a0, (uint32_t)used);
    wr(v + 0x044, 1);
    wr(v + 0x070, 1 | 2 | 8 | 4);
    /* read sector 0 */
    put32(req, 0);
    put32(req + 4, 0);
    put32(req + 8, 0);
    put32(req + 12, 0);
    put_desc(desc, 0, req, 16, 1, 1);
    put_desc(desc, 1, data, 512, 1 | 2, 2);
    put_desc(desc, 2, status, 1, 2, 0);
    put16(avail + 4, 0);
    put16(avail + 2, 1);
    wr(v + 0x050, 0);
    uint16_t used_idx = 0;
    bb_bus_copy(m->bus, used + 2, &used_idx, 2, false);
    CHECK_EQ(used_idx, 1);
    char got[16] = {0};
    uint8_t st = 0xff;
    bb_bus_copy(m->bus, data, got, 9, false);
    bb_bus_copy(m->bus, status, &st, 1, false);
    CHECK(memcmp(got, "VD-MARKER", 9) == 0);
    CHECK_EQ(st, 0);
    CHECK_EQ(rd(v + 0x060), 1);
    CHECK_EQ(irq_of(0) | irq_of(1), 0); /* SPI 40 is not enabled at the GIC */
    wr(v + 0x064, 1);
    CHECK_EQ(rd(v + 0x060), 0);
}

/* --- LAN9118 --- */

static void csr_write(unsigned index, uint32_t value)
{
    wr(LAN + 0xa8, value);
    wr(LAN + 0xa4, 1u << 31 | index);
}

static void test_lan9118(void)
{
    CHECK_EQ(rd(LAN + 0x64), 0x87654321);
    CHECK_EQ(rd(LAN + 0x50) >> 16, 0x0118);
    CHECK(rd(LAN + 0x84) & 1);
    wr(LAN + 0x74, 1); /* soft reset */
    CHECK_EQ(rd(LAN + 0x74) & 1, 0);
    wr(LAN + 0xa4, 1u << 31 | 1u << 30 | 2); /* ADDRH */
    CHECK_EQ(rd(LAN + 0xa8), 0x5634);
    /* PHY at address 1: ID */
    csr_write(6, 1u << 11 | 2u << 6 | 1);
    wr(LAN + 0xa4, 1u << 31 | 1u << 30 | 7);
    CHECK_EQ(rd(LAN + 0xa8), 0x0007);
    /* PHY loopback, MAC on: a frame sent comes back */
    csr_write(7, 0x4000 | 0x2100);
    csr_write(6, 1u << 11 | 0u << 6 | 2 | 1);
    csr_write(1, 1u << 3 | 1u << 2);
    wr(LAN + 0x70, 2); /* TX on */
    uint8_t frame[64];
    memset(frame, 0xff, 6);
    memcpy(frame + 6, "\x52\x54\x00\x12\x34\x56", 6);
    for (int i = 12; i < 64; i++)
        frame[i] = (uint8_t)i;
    wr(LAN + 0x20, 1u << 13 | 1u << 12 | 64);
    wr(LAN + 0x20, 0xabcd0000u | 64);
    for (int i = 0; i < 16; i++) {
        uint32_t w;
        memcpy(&w, frame + 4 * i, 4);
        wr(LAN + 0x20, w);
    }
    CHECK_EQ(rd(LAN + 0x80) >> 16, 1);     /* a TX status */
    CHECK_EQ(rd(LAN + 0x48), 0xabcd0000u); /* with the tag */
    CHECK_EQ(rd(LAN + 0x7c) >> 16, 1);     /* a RX status */
    uint32_t status = rd(LAN + 0x40);
    CHECK_EQ((status >> 16) & 0x3fff, 68); /* with the FCS */
    uint8_t back[68];
    for (int i = 0; i < 17; i++) {
        uint32_t w = rd(LAN + 0x00);
        memcpy(back + 4 * i, &w, 4);
    }
    CHECK(memcmp(back, frame, 64) == 0);
    CHECK_EQ(rd(LAN + 0x7c), 0);
}

/* --- Linux loader --- */

static void test_linux_boot(void)
{
    const char *kernel = "/tmp/bb-test-vexpress-zimage", *initrd = "/tmp/bb-test-vexpress-initrd";
    uint8_t image[0x400] = {0};
    image[0x24] = 0x18, image[0x25] = 0x28, image[0x26] = 0x6f, image[0x27] = 0x01;
    FILE *f = fopen(kernel, "wb");
    fwrite(image, 1, sizeof(image), f);
    fclose(f);
    f = fopen(initrd, "wb");
    fputs("INITRD", f);
    fclose(f);
    bb_linux_boot boot = {kernel, NULL, initrd, "console=ttyAMA0 brass=1"};
    char err[256] = "";
    CHECK(bb_linux_boot_load(m, &boot, err, sizeof(err)));
    if (err[0]) printf("  (%s)\n", err);
    bb_arm_cpu *c = arm_cpu(m->cpus[0]);
    CHECK_EQ(m->cpus[0]->pc, RAM + 32 * 1024 * 1024); /* 32 MiB into 256 MiB of RAM */
    CHECK_EQ(c->r[0], 0);
    CHECK_EQ(c->r[1], 0xffffffffu);
    CHECK_EQ(arm_cpsr_read(c) & 0x1f, ARM_MODE_SVC);
    uint32_t dtb = c->r[2];
    uint8_t header[40];
    bb_bus_copy(m->bus, dtb, header, sizeof(header), false);
    CHECK(fdt_magic(header) == FDT_MAGIC);
    size_t size = fdt_totalsize(header);
    void *tree = malloc(size);
    bb_bus_copy(m->bus, dtb, tree, size, false);
    int chosen = fdt_path_offset(tree, "/chosen");
    const char *args = fdt_getprop(tree, chosen, "bootargs", NULL);
    CHECK(args && strcmp(args, "console=ttyAMA0 brass=1") == 0);
    const fdt32_t *start = fdt_getprop(tree, chosen, "linux,initrd-start", NULL);
    const fdt32_t *end = fdt_getprop(tree, chosen, "linux,initrd-end", NULL);
    CHECK(start && end && fdt32_to_cpu(*end) - fdt32_to_cpu(*start) == 6);
    char text[7] = {0};
    if (start) bb_bus_copy(m->bus, fdt32_to_cpu(*start), text, 6, false);
    CHECK(strcmp(text, "INITRD") == 0);
    int mem = fdt_path_offset(tree, "/memory@60000000");
    const fdt32_t *reg = fdt_getprop(tree, mem, "reg", NULL);
    CHECK(reg && fdt32_to_cpu(reg[1]) == 256u * 1024 * 1024);
    CHECK(fdt_path_offset(tree, "/iofpga@10000000/virtio@13000") >= 0); /* described already */
    free(tree);
    /* CPU 1 waits in the pen in the PSRAM */
    CHECK_EQ(m->cpus[1]->pc, 0x48000000);
    uint32_t first;
    bb_bus_copy(m->bus, 0x48000000, &first, 4, false);
    CHECK_EQ(first, 0xe59f2024);
    unlink(kernel);
    unlink(initrd);
}

int main(void)
{
    snprintf(sd_path, sizeof(sd_path), "/tmp/bb-test-sd-%d.img", (int)getpid());
    snprintf(disk_path, sizeof(disk_path), "/tmp/bb-test-vd-%d.img", (int)getpid());
    make_image(sd_path, "SD-MARKER", 1024 * 1024);
    make_image(disk_path, "VD-MARKER", 1024 * 1024);
    bb_boot_options boot;
    memset(&boot, 0, sizeof(boot));
    boot.smp = 2;
    boot.sd = sd_path;
    boot.drives[boot.n_drives++] = disk_path;
    boot.net = "none";
    bb_machine_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.board = "vexpress-a9";
    opts.memory_size = 256u * 1024 * 1024;
    opts.serial[0] = "null";
    opts.edit_fdt = bb_boot_options_edit_board;
    opts.edit_opaque = &boot;
    char err[512] = "";
    m = bb_machine_new(&opts, err, sizeof(err));
    if (!m) {
        printf("FAIL: cannot build vexpress-a9: %s\n", err);
        return 1;
    }
    CHECK_EQ(m->n_cpus, 2);
    test_gic();
    test_timers();
    test_sysregs();
    test_mmci();
    test_virtio();
    test_lan9118();
    test_linux_boot();
    /* poweroff through the configuration interface ends the run */
    wr(SYSREG + 0xa0, 0);
    wr(SYSREG + 0xa4, 1u << 31 | 1u << 30 | 8u << 20);
    CHECK_EQ(m->stop_reason, BB_STOP_EXIT);
    CHECK_EQ(m->exit_code, 0);
    bb_machine_free(m);
    unlink(sd_path);
    unlink(disk_path);
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("vexpress devices: all checks passed\n");
    return 0;
}
