/*
 * test_route: routes on a versatilepb machine, through the bus as a CPU or a debugger sees
 * them, with fake SerialICE targets behind: several routes sharing one connection, a route
 * replacing a peripheral model, 8-byte accesses, relative addresses, the read cache (and
 * its invalidation by a write), posted writes flushed when the machine is freed, debug
 * accesses that never reach the board, a failed link giving a bus error or the default
 * value, the access log, and filters (the C interface that the Lua filters use).
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

/* ---- filters ---- */

typedef struct test_filter {
    int pre_calls, post_calls, closed;
    uint64_t last_post_value;
    const char *last_status;
    uint64_t bounce_to; /* BUS accesses go here (0x50) */
} test_filter;

static bb_route_target test_pre(void *opaque, bb_route_access *a)
{
    test_filter *f = opaque;
    f->pre_calls++;
    uint64_t offset = a->addr - a->route_base;
    if (offset == 0x10 && !a->write) {
        a->value = 0x1234;
        return BB_ROUTE_TO_MODEL;
    }
    if (offset == 0x20 && a->write) a->value += 1;
    if (offset == 0x30) a->addr -= 0x30;
    if (offset == 0x40) {
        a->addr = 0x100; /* RAM */
        return BB_ROUTE_TO_BUS;
    }
    if (offset == 0x50) {
        a->addr = f->bounce_to;
        return BB_ROUTE_TO_BUS;
    }
    if (offset == 0x60) {
        snprintf(a->error, sizeof(a->error), "test.c:1: no luck");
        return BB_ROUTE_FAILED;
    }
    if (offset == 0x70) a->size = 3;
    return BB_ROUTE_TO_HW;
}

static bool test_post(void *opaque, bb_route_access *a)
{
    test_filter *f = opaque;
    f->post_calls++;
    f->last_post_value = a->value;
    f->last_status = a->status;
    if (!a->write && a->addr - a->route_base == 0x100) a->value += 1000; /* the counter */
    return true;
}

static void test_close(void *opaque)
{
    ((test_filter *)opaque)->closed++;
}

static const bb_route_filter_ops test_ops = {test_pre, test_post, test_close};

static void test_filters(const char *fake)
{
    fake_process a;
    const char *args[] = {"--tcp", "0", NULL};
    if (!fake_start(&a, fake, args)) {
        failures++;
        return;
    }
    bb_machine *m = new_machine();
    if (!m) {
        failures++;
        return;
    }
    char log_path[64], err[256];
    snprintf(log_path, sizeof(log_path), "/tmp/bb-filter-log-%d.txt", (int)getpid());
    CHECK(bb_route_set_log(m, log_path, err, sizeof(err)));
    CHECK(add(m, "0x30000000+0x1000=serialice:%s", a.target));
    CHECK(add(m, "0x40000000+0x1000=serialice:%s?default=0xdead", a.target));
    test_filter f = {.bounce_to = 0x40000050}, g = {.bounce_to = 0x30000050};
    CHECK(!bb_route_set_filter(m, 0x50000000, &test_ops, &f, err, sizeof(err)));
    CHECK(strcmp(err, "no route contains 0x50000000") == 0);
    CHECK(bb_route_set_filter(m, 0x30000abc, &test_ops, &f, err, sizeof(err)));
    CHECK(bb_route_set_filter(m, 0x40000000, &test_ops, &g, err, sizeof(err)));
    int st = -1;
    uint64_t reads0 = rd(m, 0x30000110, 4, NULL);
    CHECK(rd(m, 0x30000010, 4, &st) == 0x1234 && st == BB_BUS_OK);     /* the model */
    CHECK(rd(m, 0x30000110, 4, NULL) == reads0 + 1);                   /* not the board */
    CHECK(bb_bus_write(m->bus, 0x30000020, 4, 41, cpu0) == BB_BUS_OK); /* altered */
    CHECK(rd(m, 0x30000020, 4, NULL) == 42);
    CHECK(f.last_post_value == 42 && strcmp(f.last_status, "ok") == 0);
    CHECK(bb_bus_write(m->bus, 0x30000000, 4, 0x77, cpu0) == BB_BUS_OK);
    CHECK(rd(m, 0x30000030, 4, NULL) == 0x77); /* moved to 0x30000000 */
    CHECK(bb_bus_write(m->bus, 0x100, 4, 0xabcd, cpu0) == BB_BUS_OK);
    CHECK(rd(m, 0x30000040, 2, &st) == 0xabcd && st == BB_BUS_OK); /* the machine's RAM */
    CHECK(strcmp(f.last_status, "bus") == 0);
    uint64_t c = rd(m, 0x30000100, 4, NULL); /* post adds 1000 to the counter */
    CHECK(c > 1000 && rd(m, 0x30000100, 4, NULL) == c + 1);
    /* Failures get the route's default: a bus error here, 0xdead on the other route. */
    rd(m, 0x30000060, 4, &st);
    CHECK(st == BB_BUS_ERROR);
    CHECK(rd(m, 0x40000060, 4, &st) == 0xdead && st == BB_BUS_OK);
    CHECK(bb_bus_write(m->bus, 0x40000060, 4, 1, cpu0) == BB_BUS_OK); /* dropped */
    rd(m, 0x30000070, 4, &st); /* a size of 3: the route refuses it */
    CHECK(st == BB_BUS_ERROR);
    /* 0x30000050 goes to the bus at 0x40000050, whose filter sends it back to
     * 0x30000050: the route refuses the loop (a filter error: its default, a bus error). */
    rd(m, 0x30000050, 4, &st);
    CHECK(st == BB_BUS_ERROR);
    /* Replacing and removing filters close them; freeing the machine closes the last. */
    test_filter h = {0};
    CHECK(bb_route_set_filter(m, 0x30000000, &test_ops, &h, err, sizeof(err)));
    CHECK(f.closed == 1 && h.closed == 0);
    CHECK(rd(m, 0x30000010, 4, NULL) == 0x1234 && h.pre_calls == 1);
    CHECK(bb_route_set_filter(m, 0x30000000, NULL, NULL, err, sizeof(err)));
    CHECK(h.closed == 1);
    CHECK(rd(m, 0x30000010, 4, NULL) == 0); /* the board's register file */
    bb_machine_free(m);
    fake_stop(&a);
    CHECK(g.closed == 1 && f.closed == 1 && h.closed == 1);
    CHECK(count_lines(log_path, " R4 0x30000010 0x00001234 0 model\n") == 2);
    CHECK(count_lines(log_path, " W4 0x30000020 0x00000029 ") == 1);
    CHECK(count_lines(log_path, " w4 0x30000020 0x0000002a ") == 1);
    CHECK(count_lines(log_path, " R4 0x30000030 0x00000077 ") == 1);
    CHECK(count_lines(log_path, " r4 0x30000000 0x00000077 ") == 1);
    CHECK(count_lines(log_path, " R2 0x30000040 0xabcd 0 bus\n") == 1);
    CHECK(count_lines(log_path, " r2 0x00000100 0xabcd 0 bus\n") == 1);
    CHECK(count_lines(log_path, " R4 0x30000060 0x00000000 0 error\n") == 1);
    CHECK(count_lines(log_path, " R4 0x40000060 0x0000dead 0 default\n") == 1);
    CHECK(count_lines(log_path, " W4 0x40000060 0x00000001 0 dropped\n") == 1);
    CHECK(count_lines(log_path, "writes 2, failed 0, to model or bus 4, filter errors 3") == 1);
    CHECK(count_lines(log_path, "writes 0, failed 0, to model or bus 1, filter errors 2") == 1);
    unlink(log_path);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_route FAKE_TARGET\n");
        return 2;
    }
    test_routes(argv[1]);
    test_failure(argv[1]);
    test_filters(argv[1]);
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
