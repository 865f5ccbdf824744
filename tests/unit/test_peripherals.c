/*
 * test_peripherals.c: the Versatile PB peripheral models, each created directly on a
 * small hand-built machine (bus, clock, serial ports) whose virtual time comes from a
 * fake instruction counter: PL011 output, flags, FIFO and interrupts; SP804 counting and
 * deadlines; PL190 priorities and VECTADDR; the SIC cascade; the system registers'
 * counters and lock; PL031 matching; SP810 modes; the registry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/machine.h"
#include "peripherals/peripherals.h"
#include "tests/unit/test_util.h"

static const bb_attrs cpu_attrs = {.cpu = 0, .privileged = 1};
static const bb_attrs debug_attrs = {.cpu = 0xff, .debug = 1};

/* --- the test machine --- */

typedef struct fake_cpu {
    uint64_t insns; /* one instruction is one ns */
} fake_cpu;

static uint64_t fake_icount(void *opaque)
{
    return ((fake_cpu *)opaque)->insns;
}

static void deadline_moved(void *opaque)
{
    (void)opaque;
}

static bb_machine *new_machine(fake_cpu *cpu)
{
    bb_machine *m = calloc(1, sizeof(*m));
    m->log.mask = 0;
    m->log.out = stderr;
    m->bus = bb_bus_new(&m->log);
    m->clock = bb_clock_new(1);
    bb_clock_set_source(m->clock, fake_icount, deadline_moved, cpu);
    return m;
}

static void free_machine(bb_machine *m)
{
    while (m->devices) {
        bb_device *dev = m->devices;
        m->devices = dev->next;
        dev->destroy(dev);
    }
    for (int i = 0; i < BB_MAX_SERIALS; i++)
        if (m->serial[i]) bb_chardev_close(m->serial[i]);
    bb_bus_free(m->bus);
    bb_clock_free(m->clock);
    free(m);
}

/* Runs virtual time forward to `ns`, firing the timers that fall due on the way in order. */
static void run_to(bb_machine *m, fake_cpu *cpu, uint64_t ns)
{
    while (bb_clock_next_deadline(m->clock) <= ns) {
        cpu->insns = bb_clock_next_deadline(m->clock);
        bb_clock_run_due(m->clock);
    }
    cpu->insns = ns;
    bb_clock_run_due(m->clock);
}

static bb_device *create(bb_machine *m, const bb_device_model *model, const char *name,
                         uint64_t base, int serial_index)
{
    bb_device_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.name = name;
    cfg.node = -1;
    cfg.reg_base[0] = base;
    cfg.reg_size[0] = 0x1000;
    cfg.n_regs = 1;
    cfg.serial_index = serial_index;
    char err[256] = "";
    bb_device *dev = model->create(m, &cfg, err, sizeof(err));
    if (!dev) {
        printf("FAIL: cannot create %s: %s\n", name, err);
        exit(1);
    }
    dev->next = m->devices;
    m->devices = dev;
    return dev;
}

static uint32_t rd(bb_machine *m, uint64_t addr)
{
    uint64_t value = 0;
    bb_bus_read(m->bus, addr, 4, &value, cpu_attrs);
    return (uint32_t)value;
}

static uint32_t rd_debug(bb_machine *m, uint64_t addr)
{
    uint64_t value = 0;
    bb_bus_read(m->bus, addr, 4, &value, debug_attrs);
    return (uint32_t)value;
}

static void wr(bb_machine *m, uint64_t addr, uint32_t value)
{
    bb_bus_write(m->bus, addr, 4, value, cpu_attrs);
}

/* Records the levels driven on up to four lines. */
typedef struct probe {
    int level[4];
} probe;

static void probe_set(void *opaque, int input, int level)
{
    ((probe *)opaque)->level[input] = level;
}

/* --- PL011 --- */

typedef struct captured {
    char text[64];
    size_t len;
} captured;

static void capture(void *opaque, const uint8_t *buf, size_t len)
{
    captured *c = opaque;
    for (size_t i = 0; i < len && c->len + 1 < sizeof(c->text); i++)
        c->text[c->len++] = (char)buf[i];
}

#define UART 0x101f1000u

static void test_pl011(void)
{
    fake_cpu cpu = {0};
    bb_machine *m = new_machine(&cpu);
    char path[] = "/tmp/bb_test_pl011_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    char spec[64], err[256];
    snprintf(spec, sizeof(spec), "file:%s", path);
    m->serial[0] = bb_chardev_open(spec, err, sizeof(err));
    CHECK(m->serial[0] != NULL);
    captured out = {"", 0};
    bb_chardev_set_tap(m->serial[0], capture, &out);
    probe irq = {{0}};
    bb_device *uart = create(m, &bb_model_pl011, "uart0", UART, 0);
    uart->irq_out[0] = bb_irq_make(probe_set, &irq, 0);

    CHECK_EQ(rd(m, UART + 0xfe0), 0x11);
    CHECK_EQ(rd(m, UART + 0xfe8), 0x14);
    CHECK_EQ(rd(m, UART + 0xffc), 0xb1);
    CHECK_EQ(rd(m, UART + 0x030), 0x300); /* CR: TXE | RXE */
    CHECK_EQ(rd(m, UART + 0x018), 0x90);  /* FR: TXFE | RXFE */

    /* Transmission: in order, at once, to the backend and its tap. */
    wr(m, UART + 0x030, 0x301);
    wr(m, UART + 0x038, 1u << 5); /* TXIM */
    bb_bus_write(m->bus, UART, 1, 'H', cpu_attrs);
    wr(m, UART, 'i');
    wr(m, UART, '\n');
    CHECK(out.len == 3 && memcmp(out.text, "Hi\n", 3) == 0);
    CHECK_EQ(rd(m, UART + 0x018), 0x90);
    CHECK_EQ(rd(m, UART + 0x03c) & (1u << 5), 1u << 5); /* TXRIS */
    CHECK_EQ(irq.level[0], 1);
    wr(m, UART + 0x044, 1u << 5); /* ICR */
    CHECK_EQ(irq.level[0], 0);
    bb_chardev_flush(m->serial[0]);
    FILE *f = fopen(path, "rb");
    char file_text[16] = "";
    size_t file_len = f ? fread(file_text, 1, sizeof(file_text), f) : 0;
    if (f) fclose(f);
    CHECK(file_len == 3 && memcmp(file_text, "Hi\n", 3) == 0);
    unlink(path);

    /* Reception with the FIFOs on (trigger at 8 entries): two bytes, then the timeout. */
    wr(m, UART + 0x02c, 0x70);                  /* LCR_H: 8 bits, FEN */
    wr(m, UART + 0x038, (1u << 4) | (1u << 6)); /* RXIM | RTIM */
    bb_chardev_inject(m->serial[0], (const uint8_t *)"ab", 2);
    run_to(m, &cpu, 100000);
    CHECK_EQ(rd(m, UART + 0x018), 0x80); /* TXFE, not RXFE */
    CHECK_EQ(irq.level[0], 0);           /* below the trigger level */
    run_to(m, &cpu, 200000);
    CHECK_EQ(rd(m, UART + 0x040), 1u << 6); /* MIS: receive timeout */
    CHECK_EQ(irq.level[0], 1);
    CHECK_EQ(rd_debug(m, UART), 'a'); /* a debug read does not pop */
    CHECK_EQ(rd_debug(m, UART), 'a');
    CHECK_EQ(rd(m, UART + 0x018), 0x80);
    CHECK_EQ(rd(m, UART), 'a');
    CHECK_EQ(irq.level[0], 1);
    CHECK_EQ(rd(m, UART), 'b');
    CHECK_EQ(rd(m, UART + 0x018), 0x90);
    CHECK_EQ(irq.level[0], 0);

    /* With the FIFOs off, one byte raises the receive interrupt and fills the holding
     * register; the next byte waits in the backend. */
    wr(m, UART + 0x02c, 0x60);
    bb_chardev_inject(m->serial[0], (const uint8_t *)"cd", 2);
    run_to(m, &cpu, 400000);
    CHECK_EQ(rd(m, UART + 0x03c) & (1u << 4), 1u << 4);
    CHECK_EQ(rd(m, UART + 0x018), 0xc0); /* TXFE | RXFF */
    CHECK_EQ(irq.level[0], 1);
    CHECK_EQ(rd(m, UART), 'c');
    CHECK_EQ(irq.level[0], 0);
    run_to(m, &cpu, 600000);
    CHECK_EQ(rd(m, UART), 'd');

    /* Disabling the receiver stops the polling. */
    wr(m, UART + 0x030, 0x101);
    CHECK(bb_clock_next_deadline(m->clock) == UINT64_MAX);
    free_machine(m);
}

/* --- SP804 --- */

#define TIMER 0x101e2000u

static void test_sp804(void)
{
    fake_cpu cpu = {0};
    bb_machine *m = new_machine(&cpu);
    probe irq = {{0}};
    bb_device *timer = create(m, &bb_model_sp804, "timer01", TIMER, -1);
    timer->irq_out[0] = bb_irq_make(probe_set, &irq, 0);

    CHECK_EQ(rd(m, TIMER + 0x04), 0xffffffffu); /* Value at reset */
    CHECK_EQ(rd(m, TIMER + 0x08), 0x20);        /* Control: IntEnable */
    CHECK_EQ(rd(m, TIMER + 0xfe0), 0x04);
    CHECK_EQ(rd(m, TIMER + 0xfe4), 0x18);

    /* Periodic, 32 bits, 1 MHz: Load 1000 reaches zero after 1 ms, then every 1001 us. */
    wr(m, TIMER + 0x00, 1000);
    wr(m, TIMER + 0x08, 0xe2);
    CHECK_EQ(bb_clock_next_deadline(m->clock), 1000000);
    run_to(m, &cpu, 500000);
    CHECK_EQ(rd(m, TIMER + 0x04), 500);
    run_to(m, &cpu, 999999);
    CHECK_EQ(rd(m, TIMER + 0x04), 1);
    CHECK_EQ(irq.level[0], 0);
    run_to(m, &cpu, 1000000);
    CHECK_EQ(rd(m, TIMER + 0x04), 0);
    CHECK_EQ(irq.level[0], 1);
    CHECK_EQ(rd(m, TIMER + 0x10), 1);
    CHECK_EQ(rd(m, TIMER + 0x14), 1);
    run_to(m, &cpu, 1001000);
    CHECK_EQ(rd(m, TIMER + 0x04), 1000); /* reloaded */
    wr(m, TIMER + 0x0c, 0);              /* IntClr */
    CHECK_EQ(irq.level[0], 0);
    CHECK_EQ(bb_clock_next_deadline(m->clock), 2001000);
    run_to(m, &cpu, 2001000);
    CHECK_EQ(irq.level[0], 1);
    wr(m, TIMER + 0x0c, 0);
    /* Long runs keep to the grid of the first deadline. */
    run_to(m, &cpu, 50000000);
    CHECK_EQ(irq.level[0], 1);
    wr(m, TIMER + 0x0c, 0);
    CHECK_EQ(bb_clock_next_deadline(m->clock), 1000000 + 49 * 1001000ull);
    wr(m, TIMER + 0x08, 0x62); /* disable: the count holds */
    uint32_t held = rd(m, TIMER + 0x04);
    run_to(m, &cpu, 60000000);
    CHECK_EQ(rd(m, TIMER + 0x04), held);
    CHECK(bb_clock_next_deadline(m->clock) == UINT64_MAX);

    /* Second counter: one-shot, 16 bits, prescale 16 (16 us a tick), interrupt masked. */
    uint64_t start = 60000000;
    wr(m, TIMER + 0x20, 100);
    wr(m, TIMER + 0x28, 0x85); /* Enable | prescale 16 | OneShot, IntEnable off */
    CHECK_EQ(bb_clock_next_deadline(m->clock), start + 1600000);
    run_to(m, &cpu, start + 800000);
    CHECK_EQ(rd(m, TIMER + 0x24), 50);
    run_to(m, &cpu, start + 1600000);
    CHECK_EQ(rd(m, TIMER + 0x30), 1); /* RIS */
    CHECK_EQ(rd(m, TIMER + 0x34), 0); /* MIS: masked */
    CHECK_EQ(irq.level[0], 0);
    wr(m, TIMER + 0x28, 0xa5); /* unmask: the pending interrupt shows */
    CHECK_EQ(irq.level[0], 1);
    wr(m, TIMER + 0x2c, 0);
    CHECK_EQ(irq.level[0], 0);
    run_to(m, &cpu, start + 5000000);
    CHECK_EQ(rd(m, TIMER + 0x24), 0); /* halted at zero */
    CHECK(bb_clock_next_deadline(m->clock) == UINT64_MAX);

    /* Free-running, 16 bits: wraps to 0xffff after zero. */
    start = 70000000;
    run_to(m, &cpu, start);
    wr(m, TIMER + 0x20, 2);
    wr(m, TIMER + 0x28, 0x80);
    run_to(m, &cpu, start + 3000);
    CHECK_EQ(rd(m, TIMER + 0x24), 0xffff);
    CHECK_EQ(rd(m, TIMER + 0x30), 1);
    free_machine(m);
}

/* --- PL190 and the SIC --- */

#define VIC 0x10140000u
#define SIC 0x10003000u

static void test_vic(void)
{
    fake_cpu cpu = {0};
    bb_machine *m = new_machine(&cpu);
    probe cpu_lines = {{0}};
    bb_device *vic = create(m, &bb_model_pl190, "vic", VIC, -1);
    CHECK_EQ(vic->n_irq_in, 32);
    vic->irq_out[0] = bb_irq_make(probe_set, &cpu_lines, 0);
    vic->irq_out[1] = bb_irq_make(probe_set, &cpu_lines, 1);
    CHECK_EQ(rd(m, VIC + 0xfe0), 0x90);
    CHECK_EQ(rd(m, VIC + 0xfe4), 0x11);

    wr(m, VIC + 0x010, (1u << 4) | (1u << 7) | (1u << 12)); /* INTENABLE */
    wr(m, VIC + 0x200, 0x20 | 12);                          /* slot 0: UART0 */
    wr(m, VIC + 0x100, 0x1200);
    wr(m, VIC + 0x204, 0x20 | 4); /* slot 1: timers */
    wr(m, VIC + 0x104, 0x0400);
    wr(m, VIC + 0x034, 0x0def); /* DEFVECTADDR */

    bb_irq_set(&vic->irq_in[4], 1);
    CHECK_EQ(cpu_lines.level[0], 1);
    CHECK_EQ(rd(m, VIC + 0x000), 1u << 4);
    CHECK_EQ(rd_debug(m, VIC + 0x030), 0x0400); /* a debug read does not acknowledge */
    CHECK_EQ(cpu_lines.level[0], 1);
    CHECK_EQ(rd(m, VIC + 0x030), 0x0400); /* acknowledge slot 1 */
    CHECK_EQ(cpu_lines.level[0], 0);      /* its own priority is masked */
    bb_irq_set(&vic->irq_in[12], 1);      /* a higher priority preempts */
    CHECK_EQ(cpu_lines.level[0], 1);
    CHECK_EQ(rd(m, VIC + 0x030), 0x1200);
    CHECK_EQ(cpu_lines.level[0], 0);
    bb_irq_set(&vic->irq_in[12], 0);
    wr(m, VIC + 0x030, 0); /* end of slot 0: back in slot 1 */
    CHECK_EQ(cpu_lines.level[0], 0);
    CHECK_EQ(rd_debug(m, VIC + 0x030), 0x0400);
    wr(m, VIC + 0x030, 0); /* end of slot 1: the timer line is still high */
    CHECK_EQ(cpu_lines.level[0], 1);
    bb_irq_set(&vic->irq_in[4], 0);
    CHECK_EQ(cpu_lines.level[0], 0);

    /* A non-vectored source gets the default address and ranks below every slot. */
    bb_irq_set(&vic->irq_in[7], 1);
    CHECK_EQ(rd(m, VIC + 0x030), 0x0def);
    CHECK_EQ(cpu_lines.level[0], 0);
    bb_irq_set(&vic->irq_in[4], 1);
    CHECK_EQ(cpu_lines.level[0], 1);
    CHECK_EQ(rd(m, VIC + 0x030), 0x0400);
    bb_irq_set(&vic->irq_in[4], 0);
    wr(m, VIC + 0x030, 0);
    wr(m, VIC + 0x030, 0);
    CHECK_EQ(cpu_lines.level[0], 1); /* source 7 still pending */
    bb_irq_set(&vic->irq_in[7], 0);
    CHECK_EQ(cpu_lines.level[0], 0);

    /* FIQ steering, software interrupts, disabling. */
    wr(m, VIC + 0x00c, 1u << 7); /* INTSELECT */
    bb_irq_set(&vic->irq_in[7], 1);
    CHECK_EQ(cpu_lines.level[1], 1);
    CHECK_EQ(cpu_lines.level[0], 0);
    CHECK_EQ(rd(m, VIC + 0x004), 1u << 7);
    wr(m, VIC + 0x014, 1u << 7); /* INTENCLEAR */
    CHECK_EQ(cpu_lines.level[1], 0);
    CHECK_EQ(rd(m, VIC + 0x008), 1u << 7); /* RAWINTR still shows it */
    wr(m, VIC + 0x018, 1u << 12);          /* SOFTINT */
    CHECK_EQ(cpu_lines.level[0], 1);
    wr(m, VIC + 0x01c, 1u << 12);
    CHECK_EQ(cpu_lines.level[0], 0);

    /* The SIC cascades into input 31; its inputs pass when enabled. */
    bb_device *sic = create(m, &bb_model_versatile_sic, "sic", SIC, -1);
    sic->irq_out[0] = vic->irq_in[31];
    wr(m, VIC + 0x010, 1u << 31);
    bb_irq_set(&sic->irq_in[3], 1);
    CHECK_EQ(rd(m, SIC + 0x04), 1u << 3); /* RAWSTAT */
    CHECK_EQ(rd(m, SIC + 0x00), 0);       /* STATUS: not enabled */
    CHECK_EQ(cpu_lines.level[0], 0);
    wr(m, SIC + 0x08, 1u << 3); /* ENSET */
    CHECK_EQ(rd(m, SIC + 0x08), 1u << 3);
    CHECK_EQ(rd(m, SIC + 0x00), 1u << 3);
    CHECK_EQ(cpu_lines.level[0], 1);
    CHECK_EQ(rd(m, VIC + 0x000), 1u << 31);
    wr(m, SIC + 0x0c, 1u << 3); /* ENCLR */
    CHECK_EQ(cpu_lines.level[0], 0);
    wr(m, SIC + 0x08, 1u << 5);
    wr(m, SIC + 0x10, 1u << 5); /* SOFTINTSET */
    CHECK_EQ(cpu_lines.level[0], 1);
    wr(m, SIC + 0x14, 1u << 5); /* SOFTINTCLR */
    CHECK_EQ(cpu_lines.level[0], 0);
    wr(m, SIC + 0x20, 0xffd00000u); /* PICENSET, as Linux does: kept */
    CHECK_EQ(rd(m, SIC + 0x20), 0xffd00000u);
    free_machine(m);
}

/* --- system registers, SP810, PL031 --- */

#define SYSREGS 0x10000000u
#define SYSCTL  0x101e0000u
#define RTC     0x101e8000u

static void test_system(void)
{
    fake_cpu cpu = {0};
    bb_machine *m = new_machine(&cpu);
    create(m, &bb_model_versatile_sysregs, "sysreg", SYSREGS, -1);
    create(m, &bb_model_sp810, "sysctl", SYSCTL, -1);
    probe irq = {{0}};
    bb_device *rtc = create(m, &bb_model_pl031, "rtc", RTC, -1);
    rtc->irq_out[0] = bb_irq_make(probe_set, &irq, 0);

    CHECK_EQ(rd(m, SYSREGS + 0x00), 0x41007004u);
    wr(m, SYSREGS + 0x08, 0x5a);
    CHECK_EQ(rd(m, SYSREGS + 0x08), 0x5a);
    run_to(m, &cpu, 1000000); /* 1 ms */
    CHECK_EQ(rd(m, SYSREGS + 0x5c), 24000);
    run_to(m, &cpu, 2500000000ull); /* 2.5 s */
    CHECK_EQ(rd(m, SYSREGS + 0x5c), 60000000);
    CHECK_EQ(rd(m, SYSREGS + 0x24), 250);
    CHECK_EQ(rd(m, SYSREGS + 0x20), 1u << 16); /* locked */
    wr(m, SYSREGS + 0x1c, 0x1234);             /* OSC4 while locked: ignored */
    CHECK_EQ(rd(m, SYSREGS + 0x1c), 0);
    wr(m, SYSREGS + 0x20, 0xa05f);
    CHECK_EQ(rd(m, SYSREGS + 0x20), 0xa05f);
    wr(m, SYSREGS + 0x1c, 0x1234);
    CHECK_EQ(rd(m, SYSREGS + 0x1c), 0x1234);
    wr(m, SYSREGS + 0x30, 0x11); /* FLAGSSET */
    wr(m, SYSREGS + 0x34, 0x01); /* FLAGSCLR */
    CHECK_EQ(rd(m, SYSREGS + 0x30), 0x10);

    CHECK_EQ(rd(m, SYSCTL + 0x000) & 0x7f, 0x24); /* NORMAL requested and reached */
    wr(m, SYSCTL + 0x000, (1u << 15) | 2);        /* TimerEn0Sel, SLOW */
    CHECK_EQ(rd(m, SYSCTL + 0x000), (1u << 15) | 2 | (2u << 3));
    wr(m, SYSCTL + 0x028, 1u << 2); /* SCPERDIS */
    CHECK_EQ(rd(m, SYSCTL + 0x02c), ~(1u << 2));
    CHECK_EQ(rd(m, SYSCTL + 0xfe0), 0x10);

    CHECK_EQ(rd(m, RTC + 0x00), 2); /* seconds of virtual time */
    CHECK_EQ(rd(m, RTC + 0xfe0), 0x31);
    wr(m, RTC + 0x10, 1); /* IMSC */
    wr(m, RTC + 0x04, 5); /* MR */
    CHECK_EQ(bb_clock_next_deadline(m->clock), 5000000000ull);
    run_to(m, &cpu, 4999999999ull);
    CHECK_EQ(irq.level[0], 0);
    run_to(m, &cpu, 5000000000ull);
    CHECK_EQ(irq.level[0], 1);
    CHECK_EQ(rd(m, RTC + 0x18), 1);
    wr(m, RTC + 0x1c, 1); /* ICR */
    CHECK_EQ(irq.level[0], 0);
    wr(m, RTC + 0x08, 1000000); /* LR */
    CHECK_EQ(rd(m, RTC + 0x00), 1000000);
    run_to(m, &cpu, 7000000000ull);
    CHECK_EQ(rd(m, RTC + 0x00), 1000002);
    free_machine(m);
}

static void test_registry(void)
{
    CHECK(bb_device_find_model("arm,pl011") == &bb_model_pl011);
    CHECK(bb_device_find_model("arm,sp804") == &bb_model_sp804);
    CHECK(bb_device_find_model("arm,versatile-vic") == &bb_model_pl190);
    CHECK(bb_device_find_model("arm,pl190-vic") == &bb_model_pl190);
    CHECK(bb_device_find_model("arm,versatile-sic") == &bb_model_versatile_sic);
    CHECK(bb_device_find_model("arm,versatile-sysreg") == &bb_model_versatile_sysregs);
    CHECK(bb_device_find_model("arm,sp810") == &bb_model_sp810);
    CHECK(bb_device_find_model("arm,pl031") == &bb_model_pl031);
    CHECK(bb_device_find_model("arm,primecell") == NULL);
    CHECK(bb_device_find_model("") == NULL);
    int n = 0;
    while (bb_device_models[n])
        n++;
    CHECK(n >= 7);
}

int main(void)
{
    test_pl011();
    test_sp804();
    test_vic();
    test_system();
    test_registry();
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("peripherals: all checks passed\n");
    return 0;
}
