/*
 * bridge_bench: routed accesses per second through SerialICE routes, on a versatilepb
 * machine whose bus is driven directly (the accesses a CPU makes, without the CPU), to the
 * fake SerialICE target (tests/bridge/fake_target.c) over TCP and a pty, unpaced and on a
 * line modelled at 115200 baud (10 bits a byte each way, the shell's blocking echo, a
 * 16-byte receive FIFO). For each link: 32-bit reads, 32-bit writes that wait for the
 * prompt, posted writes (ending with a read that waits for them all), and reads in the
 * original host's lockstep (each byte's echo awaited, each prompt awaited).
 *
 * usage: bridge_bench FAKE_TARGET [--quick]   (--quick: a few accesses, values checked)
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge/route.h"
#include "core/machine.h"
#include "../../tests/bridge/fake_process.h"

static const bb_attrs cpu0 = {.cpu = 0, .privileged = 1};
static int errors;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A machine with two routes to the board over one connection: 0x30000000, and 0x40000000
 * posting its writes. `options` ("&window=64", "&lockstep") apply to the link. */
static bb_machine *machine_with(const char *target, const char *options)
{
    bb_machine_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.board = "versatilepb";
    char err[512], spec[512];
    bb_machine *m = bb_machine_new(&opts, err, sizeof(err));
    if (!m) {
        fprintf(stderr, "machine: %s\n", err);
        exit(1);
    }
    snprintf(spec, sizeof(spec), "0x30000000+0x1000=serialice:%s%s%s", target,
             options[0] ? "?" : "", options[0] ? options + 1 : "");
    if (!bb_route_add(m, spec, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    snprintf(spec, sizeof(spec), "0x40000000+0x1000=serialice:%s?post-writes%s", target, options);
    if (!bb_route_add(m, spec, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    return m;
}

static double reads_per_s(bb_machine *m, int n)
{
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        uint64_t v = 0;
        if (bb_bus_read(m->bus, 0x30000104, 4, &v, cpu0) != BB_BUS_OK || v != 0x51ce0001u) errors++;
    }
    return n / (now_s() - t0);
}

static double writes_per_s(bb_machine *m, uint64_t base, int n)
{
    double t0 = now_s();
    for (int i = 0; i < n; i++)
        if (bb_bus_write(m->bus, base + 4u * (unsigned)(i % 64), 4, (uint64_t)i, cpu0) != BB_BUS_OK)
            errors++;
    uint64_t v = 0; /* a read after them: it waits for every posted write */
    if (bb_bus_read(m->bus, base + 4u * (unsigned)((n - 1) % 64), 4, &v, cpu0) != BB_BUS_OK ||
        v != (uint64_t)(n - 1))
        errors++;
    return n / (now_s() - t0);
}

typedef struct link_mode {
    const char *name;
    const char *args[6];
    const char *window; /* link option for the window ("" for the default, 16) */
    int n;              /* accesses per measurement */
} link_mode;

typedef enum kind { READS, WRITES, POSTED, LOCKSTEP, KINDS } kind;

/* One measurement on a fresh fake board: accesses per second; *idle_us gets the time the
 * board's transmitter waited for the host, per access (paced links only). */
static double measure(const char *fake, const link_mode *mode, kind what, int n, double *idle_us)
{
    fake_process f;
    if (!fake_start(&f, fake, mode->args)) {
        fprintf(stderr, "cannot start %s\n", fake);
        exit(1);
    }
    char options[64];
    snprintf(options, sizeof(options), "%s%s", what == LOCKSTEP ? "&lockstep" : "", mode->window);
    bb_machine *m = machine_with(f.target, options);
    double rate = what == READS || what == LOCKSTEP ? reads_per_s(m, n)
                  : what == WRITES                  ? writes_per_s(m, 0x30000000, n)
                                                    : writes_per_s(m, 0x40000000, n);
    bb_machine_free(m);
    fake_stop(&f);
    if (fake_stat(&f, "overruns") > 0) errors++;
    *idle_us = (double)fake_stat(&f, "tx_idle_us") / n;
    return rate;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bridge_bench FAKE_TARGET [--quick]\n");
        return 2;
    }
    bool quick = argc > 2 && strcmp(argv[2], "--quick") == 0;
    const link_mode modes[] = {
        {"tcp", {"--tcp", "0", NULL}, "&window=64", 20000},
        {"pty", {"--pty", NULL}, "&window=64", 10000},
        {"tcp, 115200 baud", {"--tcp", "0", "--baud", "115200", NULL}, "", 500},
        {"pty, 115200 baud", {"--pty", "--baud", "115200", NULL}, "", 500},
    };
    printf("%-18s %10s %10s %11s %14s   %s\n", "link", "reads/s", "writes/s", "posted w/s",
           "lockstep r/s", "board idle per read (pipelined/lockstep)");
    for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
        const link_mode *mode = &modes[k];
        int n = quick ? 20 : mode->n;
        double rate[KINDS], idle[KINDS];
        for (int w = 0; w < KINDS; w++)
            rate[w] = measure(argv[1], mode, (kind)w, n, &idle[w]);
        printf("%-18s %10.0f %10.0f %11.0f %14.0f", mode->name, rate[READS], rate[WRITES],
               rate[POSTED], rate[LOCKSTEP]);
        if (strstr(mode->name, "baud")) printf("   %.0f us / %.0f us", idle[READS], idle[LOCKSTEP]);
        printf("\n");
        fflush(stdout);
    }
    if (errors) {
        fprintf(stderr, "bridge_bench: %d accesses failed or read wrong values\n", errors);
        return 1;
    }
    return 0;
}
