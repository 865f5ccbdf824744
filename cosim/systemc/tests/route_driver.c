/*
 * route_driver.c: runs firmware with systemc: routes without the route layer, by calling
 * the transport (bb_transport_systemc) directly. It stands in for
 * `brassboard run --route ...` where the command line has no --route yet, and checks
 * the transport's contract on its own.
 *
 *     route_driver FIRMWARE.elf [--route BASE+SIZE=systemc:LIB[?OPTIONS]]... [--stats]
 *                  [--max-insns N] [--jit native|interp]
 *
 * The option `relative` is applied here (the transport sees offsets from BASE); the
 * others go to the transport. Exit status: the guest's, 2 bad input, 3 --max-insns,
 * 4 halted forever.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/machine.h"
#include "cosim/systemc/bb_systemc.h"

#define MAX_ROUTES 8

typedef struct route {
    void *transport;
    uint64_t base;
    bool relative;
} route;

static int route_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value, bb_attrs attrs)
{
    route *r = opaque;
    uint64_t latency;
    return bb_transport_systemc.read(r->transport, r->relative ? offset : r->base + offset, size,
                                     value, attrs, &latency);
}

static int route_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    route *r = opaque;
    uint64_t latency;
    return bb_transport_systemc.write(r->transport, r->relative ? offset : r->base + offset, value,
                                      size, attrs, &latency);
}

static const bb_mmio_ops route_ops = {.checked_read = route_read, .checked_write = route_write};

/* Parses BASE+SIZE=systemc:TARGET[?OPTIONS] and opens the route. */
static bool add_route(bb_machine *m, const char *spec, route *r)
{
    char *copy = strdup(spec), *end;
    r->base = strtoull(copy, &end, 0);
    uint64_t size = *end == '+' ? strtoull(end + 1, &end, 0) : 0;
    if (size == 0 || strncmp(end, "=systemc:", 9) != 0) {
        fprintf(stderr, "route_driver: bad route '%s'\n", spec);
        free(copy);
        return false;
    }
    char *target = end + 9, *query = strchr(target, '?');
    char extra[512] = "";
    bb_route_options opts;
    memset(&opts, 0, sizeof(opts));
    if (query) {
        *query++ = '\0';
        for (char *opt = strtok(query, "&"); opt; opt = strtok(NULL, "&")) {
            if (strcmp(opt, "relative") == 0) {
                opts.relative = true;
                continue;
            }
            if (extra[0]) strncat(extra, "&", sizeof(extra) - strlen(extra) - 1);
            strncat(extra, opt, sizeof(extra) - strlen(extra) - 1);
        }
    }
    opts.extra = extra[0] ? extra : NULL;
    r->relative = opts.relative;
    char err[512];
    r->transport = bb_transport_systemc.open(m, target, r->base, size, &opts, err, sizeof(err));
    if (!r->transport) {
        fprintf(stderr, "route_driver: --route %s: %s\n", spec, err);
        free(copy);
        return false;
    }
    char name[48];
    snprintf(name, sizeof(name), "route@%llx", (unsigned long long)r->base);
    bb_bus_remove(m->bus, r->base);
    bool ok = bb_bus_add_route(m->bus, name, r->base, size, &route_ops, r) != NULL;
    free(copy);
    return ok;
}

int main(int argc, char **argv)
{
    const char *firmware = NULL, *routes[MAX_ROUTES];
    int n_routes = 0;
    bool stats = false;
    uint64_t max_insns = 0;
    bb_machine_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.board = "versatilepb";
    opts.semihosting = BB_SEMIHOSTING_CONSOLE;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--route") == 0 && i + 1 < argc && n_routes < MAX_ROUTES)
            routes[n_routes++] = argv[++i];
        else if (strcmp(argv[i], "--stats") == 0)
            stats = true;
        else if (strcmp(argv[i], "--max-insns") == 0 && i + 1 < argc)
            max_insns = strtoull(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--jit") == 0 && i + 1 < argc)
            opts.jit = strcmp(argv[++i], "interp") == 0 ? BB_JIT_INTERP : BB_JIT_NATIVE;
        else if (argv[i][0] != '-' && !firmware)
            firmware = argv[i];
        else {
            fprintf(stderr, "usage: route_driver FIRMWARE.elf [--route SPEC]... [--stats] "
                            "[--max-insns N] [--jit native|interp]\n");
            return 2;
        }
    }
    char err[512];
    bb_machine *m = firmware ? bb_machine_new(&opts, err, sizeof(err)) : NULL;
    if (!m || !bb_machine_load_elf(m, firmware, err, sizeof(err))) {
        fprintf(stderr, "route_driver: %s\n", firmware ? err : "no firmware given");
        return 2;
    }
    route r[MAX_ROUTES];
    for (int i = 0; i < n_routes; i++)
        if (!add_route(m, routes[i], &r[i])) return 2;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bb_stop_reason why = bb_machine_run(m, max_insns);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (stats)
        fprintf(stderr, "stats: insns=%llu vtime_ns=%llu wall_ms=%.1f\n",
                (unsigned long long)bb_machine_icount(m),
                (unsigned long long)bb_clock_now(m->clock),
                (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
    int status = why == BB_STOP_EXIT        ? m->exit_code
                 : why == BB_STOP_MAX_INSNS ? 3
                 : why == BB_STOP_HALTED    ? 4
                                            : 130;
    for (int i = 0; i < n_routes; i++)
        bb_transport_systemc.close(r[i].transport);
    bb_machine_free(m);
    return status;
}
