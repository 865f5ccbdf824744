/*
 * bridge_bench: routed accesses per second through SerialICE routes, on a versatilepb
 * machine whose bus is driven directly (the accesses a CPU makes, without the CPU), to the
 * fake SerialICE target (tests/bridge/fake_target.c) over TCP and a pty: unpaced; paced at
 * 115200 baud by the link itself (the route's pace=115200: the host models the line, the
 * board answers at once); and on a line the board models at 115200 baud (10 bits a byte
 * each way, the shell's blocking echo, a 16-byte receive FIFO). For each link: 32-bit
 * reads, 32-bit writes that wait for the prompt, posted writes (ending with a read that
 * waits for them all), and reads in the original host's lockstep (each byte's echo
 * awaited, each prompt awaited); and the CPU time per read of the host and of the board.
 *
 * usage: bridge_bench FAKE_TARGET [--quick] [--only TEXT]
 *   --quick      a few accesses (values still checked): the smoke test
 *   --only TEXT  only the links whose name contains TEXT ("paced", "pty", ...)
 * The "Lua filter" link is TCP with a Lua filter on the routes (every access goes through
 * its pre and post functions): what filtering costs.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

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

/* CPU time of this process (user + system), in seconds. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* A machine with two routes to the board over one connection: 0x30000000, and 0x40000000
 * posting its writes. `options` ("&window=64", "&lockstep") apply to the link. */
static bb_machine *machine_with(const char *target, const char *options)
{
    bb_machine_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.board = "versatilepb";
    char err[512], spec[1024];
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
    const char *options; /* link options ("&window=64", "&pace=115200"; "": none) */
    int n;               /* accesses per measurement */
    bool on_a_line;      /* paced or modelled at 115200 baud */
} link_mode;

typedef enum kind { READS, WRITES, POSTED, LOCKSTEP, KINDS } kind;

typedef struct figures {
    double rate;    /* accesses per second */
    double idle_us; /* per access, the board's transmitter waiting (board-modelled lines) */
    double host_cpu_us, board_cpu_us; /* CPU time per access */
} figures;

/* One measurement on a fresh fake board. */
static figures measure(const char *fake, const link_mode *mode, kind what, int n)
{
    fake_process f;
    if (!fake_start(&f, fake, mode->args)) {
        fprintf(stderr, "cannot start %s\n", fake);
        exit(1);
    }
    char options[200];
    snprintf(options, sizeof(options), "%s%s", what == LOCKSTEP ? "&lockstep" : "", mode->options);
    bb_machine *m = machine_with(f.target, options);
    figures fig;
    double cpu0 = cpu_s();
    fig.rate = what == READS || what == LOCKSTEP ? reads_per_s(m, n)
               : what == WRITES                  ? writes_per_s(m, 0x30000000, n)
                                                 : writes_per_s(m, 0x40000000, n);
    fig.host_cpu_us = (cpu_s() - cpu0) * 1e6 / n;
    bb_machine_free(m);
    fake_stop(&f);
    if (fake_stat(&f, "overruns") > 0) errors++;
    fig.idle_us = (double)fake_stat(&f, "tx_idle_us") / n;
    fig.board_cpu_us = f.cpu_s * 1e6 / n; /* its whole life: the handshake too */
    return fig;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bridge_bench FAKE_TARGET [--quick] [--only TEXT]\n");
        return 2;
    }
    /* Timers as precise as the fake board's: the paced links sleep until a byte is due. */
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    bool quick = false;
    const char *only = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = true;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr, "bridge_bench: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    /* A Lua filter that looks at every access and lets it through: what filtering costs. */
    char filter_path[64], filtered[128];
    snprintf(filter_path, sizeof(filter_path), "/tmp/bb-bench-filter-%d.lua", (int)getpid());
    FILE *script = fopen(filter_path, "w");
    if (!script) {
        perror(filter_path);
        return 1;
    }
    fputs("local f = {}\n"
          "function f.pre(a) if a.offset == 0x10 and not a.write then return 0 end end\n"
          "function f.post(a) if a.offset == 0x20 then a.value = a.value + 1 end end\n"
          "return f\n",
          script);
    fclose(script);
    snprintf(filtered, sizeof(filtered), "&window=64&filter=%s", filter_path);
    const link_mode modes[] = {
        {"tcp", {"--tcp", "0", NULL}, "&window=64", 20000, false},
        {"tcp, Lua filter", {"--tcp", "0", NULL}, filtered, 20000, false},
        {"pty", {"--pty", NULL}, "&window=64", 10000, false},
        {"tcp, paced 115200", {"--tcp", "0", NULL}, "&pace=115200", 500, true},
        {"pty, paced 115200", {"--pty", NULL}, "&pace=115200", 500, true},
        {"tcp, board 115200", {"--tcp", "0", "--baud", "115200", NULL}, "", 500, true},
        {"pty, board 115200", {"--pty", "--baud", "115200", NULL}, "", 500, true},
    };
    printf("%-18s %8s %8s %10s %12s   %-23s %s\n", "link", "reads/s", "writes/s", "posted w/s",
           "lockstep r/s", "CPU us per read (host, board)",
           "per read beyond the line's 2344 us (pipelined/lockstep)");
    for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++) {
        const link_mode *mode = &modes[k];
        if (only && !strstr(mode->name, only)) continue;
        int n = quick ? 20 : mode->n;
        figures fig[KINDS];
        for (int w = 0; w < KINDS; w++)
            fig[w] = measure(argv[1], mode, (kind)w, n);
        /* A line cannot carry more: reads and lockstep reads bring 27 bytes each back (13 of
         * echo, 10 of value, 4 of prompt; lockstep also waits for each echo: 40 byte times),
         * writes 26 (22 of echo, 4 of prompt). A rate above is a broken model. */
        const double byte_s = 10.0 / 115200, most[KINDS] = {1 / (27 * byte_s), 1 / (26 * byte_s),
                                                            1 / (26 * byte_s), 1 / (40 * byte_s)};
        for (int w = 0; w < KINDS && mode->on_a_line; w++) {
            if (fig[w].rate > most[w] * 1.01) {
                fprintf(stderr,
                        "bridge_bench: %s: %.0f accesses/s, more than a line carries (%.0f)\n",
                        mode->name, fig[w].rate, most[w]);
                errors++;
            }
        }
        printf("%-18s %8.0f %8.0f %10.0f %12.0f   %6.0f %6.0f", mode->name, fig[READS].rate,
               fig[WRITES].rate, fig[POSTED].rate, fig[LOCKSTEP].rate, fig[READS].host_cpu_us,
               fig[READS].board_cpu_us);
        if (mode->on_a_line) /* 27 bytes from the board per read, 10 bits each */
            printf("                 %5.0f us / %5.0f us", 1e6 / fig[READS].rate - 27 * 86.806,
                   1e6 / fig[LOCKSTEP].rate - 27 * 86.806);
        if (mode->on_a_line && mode->options[0] == 0)
            printf("   (board idle %.0f us / %.0f us)", fig[READS].idle_us, fig[LOCKSTEP].idle_us);
        printf("\n");
        fflush(stdout);
    }
    unlink(filter_path);
    if (errors) {
        fprintf(stderr, "bridge_bench: %d accesses failed or read wrong values\n", errors);
        return 1;
    }
    return 0;
}
