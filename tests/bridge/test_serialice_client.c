/*
 * test_serialice_client: the SerialICE client against the fake target (fake_target.c) over
 * TCP and a pty: every memory width, the x86 commands (I/O ports, MSRs, CPUID), the board
 * name, posted writes, the original lockstep mode; garbled and lost bytes (resynchronise,
 * retry, right values), a board that goes silent (bounded time, clear error, fast failures
 * afterwards), a board that comes back (reprobe), and the send window on a modelled
 * 115200-baud line with a 16-byte receive FIFO.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge/serial-ice/client.h"
#include "fake_process.h"

static int failures;
static const char *fake_program;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void quiet(void *opaque, const char *msg)
{
    (void)opaque;
    (void)msg;
}

/* A client connected to a fresh fake target started with `args`. */
static si_client *connect_to(fake_process *f, const char *const *args, si_client_options *opts)
{
    if (!fake_start(f, fake_program, args)) {
        fprintf(stderr, "cannot start %s\n", fake_program);
        failures++;
        return NULL;
    }
    si_link_config cfg;
    si_link_config_default(&cfg);
    char err[256];
    si_link *link = si_link_open(f->target, &cfg, err, sizeof(err));
    if (!link) {
        fprintf(stderr, "cannot open %s: %s\n", f->target, err);
        failures++;
        return NULL;
    }
    si_client_options defaults;
    si_client_options_default(&defaults);
    defaults.warn = quiet;
    return si_client_new(link, opts ? opts : &defaults);
}

#define BASE 0x30000000u

static void test_commands(const char *mode)
{
    fake_process f;
    const char *args[] = {mode, strcmp(mode, "--tcp") == 0 ? "0" : NULL, NULL};
    si_client *c = connect_to(&f, args, NULL);
    if (!c) return;
    CHECK(si_client_handshake(c) == SI_OK);
    CHECK(strncmp(si_client_version(c), "SerialICE v1.6-brassboard-fake", 30) == 0);
    char name[64];
    CHECK(si_mainboard(c, name, sizeof(name)) == SI_OK && !strcmp(name, "Brassboard fake target"));
    /* Every width, little-endian composition in the register file. */
    uint64_t v = 0;
    CHECK(si_write_mem(c, BASE, 8, 0x8877665544332211ull, false) == SI_OK);
    CHECK(si_read_mem(c, BASE, 8, &v) == SI_OK && v == 0x8877665544332211ull);
    CHECK(si_read_mem(c, BASE + 4, 4, &v) == SI_OK && v == 0x88776655u);
    CHECK(si_read_mem(c, BASE + 2, 2, &v) == SI_OK && v == 0x4433u);
    CHECK(si_read_mem(c, BASE + 7, 1, &v) == SI_OK && v == 0x88u);
    CHECK(si_write_mem(c, BASE + 1, 1, 0x1ab, false) == SI_OK); /* masked to the width */
    CHECK(si_write_mem(c, BASE + 2, 2, 0xbeef, false) == SI_OK);
    CHECK(si_read_mem(c, BASE, 4, &v) == SI_OK && v == 0xbeefab11u);
    CHECK(si_read_mem(c, BASE + 0x104, 4, &v) == SI_OK && v == 0x51ce0001u);
    /* The simulated peripheral: a counter with read side effects, a doubler. */
    uint64_t c1 = 0, c2 = 0;
    CHECK(si_read_mem(c, BASE + 0x100, 4, &c1) == SI_OK &&
          si_read_mem(c, BASE + 0x100, 4, &c2) == SI_OK);
    CHECK(c2 == c1 + 1);
    CHECK(si_write_mem(c, BASE + 0x10c, 4, 1000, false) == SI_OK);
    CHECK(si_read_mem(c, BASE + 0x10c, 4, &v) == SI_OK && v == 2000);
    CHECK(si_read_mem(c, BASE, 3, &v) == SI_ERR_ARG);
    /* x86: I/O ports, MSRs, CPUID. */
    uint32_t io = 0, hi = 0, lo = 0, regs[4];
    CHECK(si_write_io(c, 0x80, 1, 0x23) == SI_OK);
    CHECK(si_read_io(c, 0x80, 1, &io) == SI_OK && io == 0x23);
    CHECK(si_write_io(c, 0x3f8, 4, 0xcafef00d) == SI_OK);
    CHECK(si_read_io(c, 0x3fa, 2, &io) == SI_OK && io == 0xcafe);
    CHECK(si_read_io(c, 0x3f8, 4, &io) == SI_OK && io == 0xcafef00d);
    CHECK(si_read_msr(c, 0xcd, 0x9c5a203a, &hi, &lo) == SI_OK && hi == 0xcd && lo == 0x9c5a203a);
    CHECK(si_write_msr(c, 0x1b, 0, 0x12345678, 0x9abcdef0) == SI_OK);
    CHECK(si_read_msr(c, 0x1b, 0, &hi, &lo) == SI_OK && hi == 0x12345678 && lo == 0x9abcdef0);
    CHECK(si_cpuid(c, 7, 3, regs) == SI_OK);
    CHECK(regs[0] == 8 && regs[1] == 5 && regs[2] == 4 && regs[3] == 0xe3bd);
    /* Posted writes: all of them arrive, in order, before the next read's answer. */
    uint64_t before = 0, after = 0;
    CHECK(si_read_mem(c, BASE + 0x108, 4, &before) == SI_OK);
    for (uint32_t i = 0; i < 500; i++)
        CHECK(si_write_mem(c, BASE + 0x40 + 4 * (i % 16), 4, i, true) == SI_OK);
    CHECK(si_read_mem(c, BASE + 0x108, 4, &after) == SI_OK && after - before == 500);
    CHECK(si_read_mem(c, BASE + 0x40 + 4 * (499 % 16), 4, &v) == SI_OK && v == 499);
    CHECK(si_write_mem(c, BASE + 0x80, 4, 77, true) == SI_OK);
    CHECK(si_flush(c) == SI_OK);
    const si_stats *st = si_client_stats(c);
    CHECK(st->garbled == 0 && st->timeouts == 0 && st->retries == 0 && st->posted == 501);
    si_client_free(c);
    fake_stop(&f);
    CHECK(fake_stat(&f, "writes") == 4 + 501);
    CHECK(fake_stat(&f, "parse_errors") == 0);
}

static void test_lockstep(void)
{
    fake_process f;
    const char *args[] = {"--tcp", "0", NULL};
    si_client_options opts;
    si_client_options_default(&opts);
    opts.lockstep = true;
    opts.warn = quiet;
    si_client *c = connect_to(&f, args, &opts);
    if (!c) return;
    CHECK(si_client_handshake(c) == SI_OK);
    uint64_t v = 0;
    CHECK(si_write_mem(c, BASE + 8, 4, 0x600dcafe, true) == SI_OK);
    CHECK(si_read_mem(c, BASE + 8, 4, &v) == SI_OK && v == 0x600dcafe);
    CHECK(si_client_stats(c)->posted == 0); /* lockstep does not post */
    si_client_free(c);
    fake_stop(&f);
}

/* Garbled and lost bytes: every value still right, through resynchronisation. */
static void test_garbled(const char *knob, const char *every)
{
    fake_process f;
    const char *args[] = {"--tcp", "0", knob, every, NULL};
    si_client_options opts;
    si_client_options_default(&opts);
    opts.timeout_ms = 300;
    opts.warn = quiet;
    si_client *c = connect_to(&f, args, &opts);
    if (!c) return;
    CHECK(si_client_handshake(c) == SI_OK);
    int wrong = 0, failed = 0;
    for (uint32_t i = 0; i < 32; i++)
        if (si_write_mem(c, BASE + 4 * i, 4, 0x1000u + i, false) != SI_OK) failed++;
    for (int pass = 0; pass < 3; pass++)
        for (uint32_t i = 0; i < 32; i++) {
            uint64_t v = 0;
            if (si_read_mem(c, BASE + 4 * i, 4, &v) != SI_OK)
                failed++;
            else if (v != 0x1000u + i)
                wrong++;
        }
    CHECK(wrong == 0 && failed == 0);
    const si_stats *st = si_client_stats(c);
    CHECK(st->garbled >= 10 && st->resyncs >= 10 && st->retries >= 10);
    si_client_free(c);
    fake_stop(&f);
    CHECK(fake_stat(&f, !strcmp(knob, "--garble") ? "garbled" : "dropped") >= 10);
}

/* A board that stops answering: a bounded wait, a clear error, then immediate failures. */
static void test_silent(void)
{
    fake_process f;
    const char *args[] = {"--tcp", "0", "--silent-after", "3", NULL};
    si_client_options opts;
    si_client_options_default(&opts);
    opts.timeout_ms = 200;
    opts.reprobe_ms = 60000;
    opts.warn = quiet;
    si_client *c = connect_to(&f, args, &opts);
    if (!c) return;
    CHECK(si_client_handshake(c) == SI_OK);
    uint64_t v = 0;
    CHECK(si_read_mem(c, BASE + 0x104, 4, &v) == SI_OK);
    CHECK(si_read_mem(c, BASE + 0x104, 4, &v) == SI_OK);
    double t0 = now_ms();
    int rc = si_read_mem(c, BASE + 0x104, 4, &v);
    double took = now_ms() - t0;
    CHECK(rc == SI_ERR_DOWN);
    CHECK(took >= 200 && took < 2000);
    CHECK(si_client_is_down(c));
    CHECK(strstr(si_client_error(c), "the board does not answer") != NULL);
    t0 = now_ms();
    CHECK(si_write_mem(c, BASE, 4, 1, false) == SI_ERR_DOWN);
    CHECK(si_read_mem(c, BASE, 4, &v) == SI_ERR_DOWN);
    CHECK(now_ms() - t0 < 50);
    si_client_free(c);
    fake_stop(&f);
}

/* A board that is away for a while and comes back: the client finds it again. */
static void test_reprobe(void)
{
    fake_process f;
    const char *args[] = {"--tcp", "0", "--pause-after", "3:1500", NULL};
    si_client_options opts;
    si_client_options_default(&opts);
    opts.timeout_ms = 200;
    opts.reprobe_ms = 300;
    opts.warn = quiet;
    si_client *c = connect_to(&f, args, &opts);
    if (!c) return;
    CHECK(si_client_handshake(c) == SI_OK);
    uint64_t v = 0;
    CHECK(si_read_mem(c, BASE + 0x104, 4, &v) == SI_OK);
    CHECK(si_read_mem(c, BASE + 0x104, 4, &v) == SI_OK);
    CHECK(si_read_mem(c, BASE + 0x104, 4, &v) == SI_ERR_DOWN);
    int ok_after = 0;
    double t0 = now_ms();
    while (now_ms() - t0 < 5000 && !ok_after) {
        if (si_read_mem(c, BASE + 0x104, 4, &v) == SI_OK && v == 0x51ce0001u) ok_after = 1;
        struct timespec ts = {0, 50000000};
        nanosleep(&ts, NULL);
    }
    CHECK(ok_after);
    CHECK(!si_client_is_down(c));
    si_client_free(c);
    fake_stop(&f);
}

/* A connection closed by the far side (a board unplugged, ser2net restarted): a clear
 * error at once, and the link opened again when the board is back. */
static void test_hangup(void)
{
    fake_process f;
    const char *args[] = {"--tcp", "0", "--hangup-after", "3", NULL};
    si_client_options opts;
    si_client_options_default(&opts);
    opts.timeout_ms = 300;
    opts.reprobe_ms = 100;
    opts.warn = quiet;
    si_client *c = connect_to(&f, args, &opts);
    if (!c) return;
    CHECK(si_client_handshake(c) == SI_OK);
    uint64_t v = 0;
    CHECK(si_read_mem(c, BASE + 0x104, 4, &v) == SI_OK);
    CHECK(si_read_mem(c, BASE + 0x104, 4, &v) == SI_OK); /* the third command: then hangup */
    double t0 = now_ms();
    int rc = si_read_mem(c, BASE + 0x104, 4, &v);
    CHECK(rc == SI_ERR_IO);
    CHECK(now_ms() - t0 < 200);
    CHECK(strstr(si_client_error(c), "the link broke") != NULL);
    struct timespec ts = {0, 150000000};
    nanosleep(&ts, NULL);
    CHECK(si_read_mem(c, BASE + 0x104, 4, &v) == SI_OK && v == 0x51ce0001u);
    si_client_free(c);
    fake_stop(&f);
}

/* On a modelled 115200-baud line, posted writes stream at the rate of the echo; the window
 * keeps the shell's 16-byte receive FIFO from overrunning, a too large one does not. */
static void test_window(int window, bool expect_overruns)
{
    fake_process f;
    const char *args[] = {"--pty", "--baud", "115200", "--rx-fifo", "16", NULL};
    si_client_options opts;
    si_client_options_default(&opts);
    opts.window = window;
    opts.timeout_ms = 300;
    opts.retries = 1;
    opts.warn = quiet;
    si_client *c = connect_to(&f, args, &opts);
    if (!c) return;
    CHECK(si_client_handshake(c) == SI_OK);
    double t0 = now_ms();
    for (uint32_t i = 0; i < 40; i++)
        si_write_mem(c, BASE + 4 * (i % 32), 4, i, true);
    uint64_t v = 0;
    int rc = si_read_mem(c, BASE + 4 * (39 % 32), 4, &v);
    double took = now_ms() - t0;
    if (!expect_overruns) {
        CHECK(rc == SI_OK && v == 39);
        /* 40 writes of 26 bytes back and a read of 27 at 11520 bytes/s: about 93 ms. */
        CHECK(took > 85 && took < 1000);
    }
    si_client_free(c);
    fake_stop(&f);
    long overruns = fake_stat(&f, "overruns");
    CHECK(expect_overruns ? overruns > 0 : overruns == 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_serialice_client FAKE_TARGET\n");
        return 2;
    }
    fake_program = argv[1];
    test_commands("--tcp");
    test_commands("--pty");
    test_lockstep();
    test_garbled("--garble", "4");
    test_garbled("--drop", "5");
    test_silent();
    test_reprobe();
    test_hangup();
    test_window(16, false);
    test_window(64, true);
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
