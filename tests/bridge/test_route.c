/*
 * test_route: routes on a versatilepb machine, through the bus as a CPU or a debugger sees
 * them, with fake SerialICE targets behind: several routes sharing one connection, a route
 * replacing a peripheral model, 8-byte accesses, relative addresses, the read cache (and
 * its invalidation by a write), posted writes flushed when the machine is freed, debug
 * accesses that never reach the board, a failed link giving a bus error or the default
 * value, and the access log.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/route.h"
#include "core/machine.h"
#include "fake_process.h"

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static const bb_attrs cpu0 = {.cpu = 0, .privileged = 1};
static const bb_attrs debugger = {.cpu = 0xff, .debug = 1};

static bb_machine *new_machine(void)
{
    bb_machine_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.board = "versatilepb";
    opts.semihosting = BB_SEMIHOSTING_CONSOLE;
    char err[256];
    bb_machine *m = bb_machine_new(&opts, err, sizeof(err));
    if (!m) fprintf(stderr, "machine: %s\n", err);
    return m;
}

static bool add(bb_machine *m, const char *fmt, const char *target)
{
    char spec[512], err[512];
    snprintf(spec, sizeof(spec), fmt, target);
    if (bb_route_add(m, spec, err, sizeof(err))) return true;
    fprintf(stderr, "%s\n", err);
    return false;
}

static uint64_t rd(bb_machine *m, uint64_t addr, unsigned size, int *status)
{
    uint64_t v = 0;
    int s = bb_bus_read(m->bus, addr, size, &v, cpu0);
    if (status) *status = s;
    return v;
}

static int count_lines(const char *path, const char *needle)
{
    FILE *in = fopen(path, "r");
    char line[512];
    int n = 0;
    while (in && fgets(line, sizeof(line), in))
        if (strstr(line, needle)) n++;
    if (in) fclose(in);
    return n;
}

static void test_routes(const char *fake)
{
    fake_process a, b;
    const char *args_a[] = {"--tcp", "0", NULL};
    const char *args_b[] = {"--tcp", "0", "--base", "0", NULL};
    if (!fake_start(&a, fake, args_a) || !fake_start(&b, fake, args_b)) {
        fprintf(stderr, "cannot start the fake targets\n");
        failures++;
        return;
    }
    bb_machine *m = new_machine();
    if (!m) {
        failures++;
        return;
    }
    char log_path[64], err[256];
    snprintf(log_path, sizeof(log_path), "/tmp/bb-route-log-%d.txt", (int)getpid());
    CHECK(bb_route_set_log(m, log_path, err, sizeof(err)));
    const bb_region *uart1 = bb_bus_region_at(m->bus, 0);
    uint64_t addr = 0x101f2000;
    uart1 = bb_bus_resolve(m->bus, &addr);
    CHECK(uart1 && uart1->kind == BB_REGION_MMIO);
    CHECK(add(m, "0x30000000+0x1000=serialice:%s?cache=0x30000104+4", a.target));
    CHECK(add(m, "0x40000000+4K=serialice:%s", a.target));     /* the same connection */
    CHECK(add(m, "0x101f2000+0x1000=serialice:%s", a.target)); /* replaces the PL011 */
    CHECK(add(m, "0x60000000+0x1000=serialice:%s?relative&post-writes", b.target));
    addr = 0x101f2000;
    const bb_region *r = bb_bus_resolve(m->bus, &addr);
    CHECK(r && r->kind == BB_REGION_ROUTE && strcmp(r->name, "route:serialice") == 0);
    /* Overlaps are refused: a route, part of a device, RAM. */
    CHECK(!bb_route_add(m, "0x30000800+0x1000=serialice:tcp:127.0.0.1:1", err, sizeof(err)));
    CHECK(strstr(err, "overlaps route 'route:serialice' [0x30000000-0x30000fff]") != NULL);
    CHECK(!bb_route_add(m, "0x7ff000+0x2000=serialice:tcp:127.0.0.1:1", err, sizeof(err)));
    CHECK(strstr(err, "overlaps RAM") != NULL);

    /* 8-byte accesses and every width. */
    int st = -1;
    CHECK(bb_bus_write(m->bus, 0x30000000, 8, 0x0807060504030201ull, cpu0) == BB_BUS_OK);
    CHECK(rd(m, 0x30000000, 8, &st) == 0x0807060504030201ull && st == BB_BUS_OK);
    CHECK(rd(m, 0x30000006, 2, NULL) == 0x0807);
    CHECK(rd(m, 0x40000000, 4, NULL) == 0);
    CHECK(bb_bus_write(m->bus, 0x40000ffc, 4, 0xfeedface, cpu0) == BB_BUS_OK);
    CHECK(rd(m, 0x40000ffc, 4, NULL) == 0xfeedface);
    CHECK(bb_bus_write(m->bus, 0x101f2000, 1, 0x41, cpu0) == BB_BUS_OK);
    CHECK(rd(m, 0x101f2000, 1, NULL) == 0x41);
    CHECK(rd(m, 0x101f2fe0, 4, NULL) == 0); /* not the PL011's PeriphID0 (0x11) */

    /* Relative addresses: the second target has its peripheral at 0. */
    CHECK(rd(m, 0x60000104, 4, NULL) == 0x51ce0001u);

    /* Debug accesses do not reach the board: the counter does not move. */
    uint64_t c1 = rd(m, 0x30000100, 4, NULL), v = 1;
    CHECK(bb_bus_read(m->bus, 0x30000100, 4, &v, debugger) == BB_BUS_OK && v == 0);
    CHECK(bb_bus_write(m->bus, 0x30000100, 4, 1000, debugger) == BB_BUS_OK);
    CHECK(rd(m, 0x30000100, 4, NULL) == c1 + 1);

    /* The cache: one read reaches the board, then the cached value, also for debuggers. */
    uint64_t reads0 = rd(m, 0x30000110, 4, NULL);
    for (int i = 0; i < 5; i++)
        CHECK(rd(m, 0x30000104, 4, NULL) == 0x51ce0001u);
    CHECK(rd(m, 0x30000110, 4, NULL) - reads0 - 1 == 1);
    uint8_t buf[16];
    CHECK(bb_bus_copy(m->bus, 0x30000100, buf, sizeof(buf), false) == BB_BUS_OK);
    CHECK(buf[0] == 0 && buf[4] == 0x01 && buf[5] == 0x00 && buf[6] == 0xce && buf[7] == 0x51);
    CHECK(bb_bus_write(m->bus, 0x30000104, 4, 0, cpu0) == BB_BUS_OK); /* drops the entry */
    reads0 = rd(m, 0x30000110, 4, NULL);
    CHECK(rd(m, 0x30000104, 4, NULL) == 0x51ce0001u);
    CHECK(rd(m, 0x30000110, 4, NULL) - reads0 - 1 == 1);

    /* Posted writes: flushed (confirmed) when the machine is freed. */
    for (uint32_t i = 0; i < 100; i++)
        CHECK(bb_bus_write(m->bus, 0x60000000 + 4 * (i % 8), 4, i, cpu0) == BB_BUS_OK);
    bb_machine_free(m);
    fake_stop(&a);
    fake_stop(&b);
    CHECK(fake_stat(&b, "writes") == 100);
    CHECK(fake_stat(&a, "id_reads") == 2);
    CHECK(fake_stat(&a, "commands") > 10);
    CHECK(count_lines(log_path, "# brassboard route log:") == 1);
    CHECK(count_lines(log_path, " cached\n") == 4);
    CHECK(count_lines(log_path, " posted\n") == 100);
    CHECK(count_lines(log_path, "R8 0x30000000 0x0807060504030201") == 1);
    CHECK(count_lines(log_path, "- 0x00000000 W8 0x30000000 0x0807060504030201") == 0);
    CHECK(count_lines(log_path, " 0 0x00000000 W8 0x30000000 0x0807060504030201 ") == 1);
    CHECK(count_lines(log_path, "# route 0x60000000+0x1000=serialice:") == 1);
    CHECK(count_lines(log_path, "reads 1, cached reads 0, writes 100, failed 0") == 1);
    unlink(log_path);
}

/* A link that fails: a bus error, or the default value when the route has one. */
static void test_failure(const char *fake)
{
    fake_process c, d;
    const char *args[] = {"--tcp", "0", "--silent-after", "2", NULL};
    if (!fake_start(&c, fake, args) || !fake_start(&d, fake, args)) {
        failures++;
        return;
    }
    bb_machine *m = new_machine();
    if (!m) {
        failures++;
        return;
    }
    CHECK(add(m, "0x30000000+0x1000=serialice:%s?timeout=150", c.target));
    CHECK(add(m, "0x40000000+0x1000=serialice:%s?timeout=150&default=0x1234", d.target));
    int st = -1;
    CHECK(rd(m, 0x30000104, 4, &st) == 0x51ce0001u && st == BB_BUS_OK);
    CHECK(rd(m, 0x40000000, 4, &st) == 0 && st == BB_BUS_OK);
    rd(m, 0x30000104, 4, &st);
    CHECK(st == BB_BUS_ERROR);
    CHECK(bb_bus_write(m->bus, 0x30000000, 4, 1, cpu0) == BB_BUS_ERROR);
    CHECK(rd(m, 0x40000000, 2, &st) == 0x1234 && st == BB_BUS_OK);
    CHECK(rd(m, 0x40000000, 1, &st) == 0x34 && st == BB_BUS_OK);
    CHECK(bb_bus_write(m->bus, 0x40000000, 4, 1, cpu0) == BB_BUS_OK);
    bb_machine_free(m);
    fake_stop(&c);
    fake_stop(&d);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_route FAKE_TARGET\n");
        return 2;
    }
    test_routes(argv[1]);
    test_failure(argv[1]);
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
