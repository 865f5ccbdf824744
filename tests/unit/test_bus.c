/*
 * test_bus.c: the guest address space: RAM, ROM, MMIO, alias and unmapped accesses,
 * overlap rejection, block copies across regions and the code-write hook.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/log.h"

#include "tests/unit/test_util.h"

static const bb_attrs cpu_attrs = {.cpu = 0, .privileged = 1};

/* A tiny MMIO model: 16 registers that remember writes and record the last access. */
typedef struct regs {
    uint32_t value[16];
    uint64_t last_offset;
    unsigned last_size;
    int reads, writes, debug_accesses;
} regs;

static uint64_t regs_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    regs *r = opaque;
    r->last_offset = offset;
    r->last_size = size;
    r->reads++;
    if (attrs.debug) r->debug_accesses++;
    return offset / 4 < 16 ? r->value[offset / 4] : 0xdead;
}

static void regs_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    regs *r = opaque;
    r->last_offset = offset;
    r->last_size = size;
    r->writes++;
    if (attrs.debug) r->debug_accesses++;
    if (offset / 4 < 16) r->value[offset / 4] = (uint32_t)value;
}

static const bb_mmio_ops regs_ops = {.read = regs_read, .write = regs_write};

typedef struct hook_record {
    int calls;
    uint64_t addr, len;
} hook_record;

static void code_written(void *opaque, uint64_t addr, uint64_t len)
{
    hook_record *h = opaque;
    h->calls++;
    h->addr = addr;
    h->len = len;
}

static void test_ram_rom(bb_bus *bus)
{
    uint64_t v = 1;
    CHECK(bb_bus_read(bus, 0x1000, 4, &v, cpu_attrs) == BB_BUS_OK && v == 0); /* zeroed */
    CHECK(bb_bus_write(bus, 0x1000, 4, 0x11223344, cpu_attrs) == BB_BUS_OK);
    CHECK(bb_bus_read(bus, 0x1000, 1, &v, cpu_attrs) == BB_BUS_OK && v == 0x44);
    CHECK(bb_bus_read(bus, 0x1002, 2, &v, cpu_attrs) == BB_BUS_OK && v == 0x1122);
    CHECK(bb_bus_write(bus, 0x1008, 8, 0x0102030405060708ull, cpu_attrs) == BB_BUS_OK);
    CHECK(bb_bus_read(bus, 0x1008, 8, &v, cpu_attrs) == BB_BUS_OK && v == 0x0102030405060708ull);

    /* ROM: CPU writes are ignored, copies (loaders) go in. */
    uint8_t image[4] = {0xaa, 0xbb, 0xcc, 0xdd};
    CHECK(bb_bus_copy(bus, 0x100000, image, 4, true) == BB_BUS_OK);
    CHECK(bb_bus_write(bus, 0x100000, 4, 0, cpu_attrs) == BB_BUS_OK);
    CHECK(bb_bus_read(bus, 0x100000, 4, &v, cpu_attrs) == BB_BUS_OK && v == 0xddccbbaa);

    uint64_t contiguous = 0;
    bool is_rom = false;
    uint8_t *p = bb_bus_host_ptr(bus, 0x100002, &contiguous, &is_rom);
    CHECK(p && *p == 0xcc && contiguous == 0x10000 - 2 && is_rom);
    p = bb_bus_host_ptr(bus, 0x1000, &contiguous, &is_rom);
    CHECK(p && p[0] == 0x44 && contiguous == 0x10000 - 0x1000 && !is_rom);
    CHECK(bb_bus_host_ptr(bus, 0x20000000, &contiguous, &is_rom) == NULL);

    /* A word straddling the end of RAM: the part past the end reads as zero. */
    CHECK(bb_bus_write(bus, 0xfffe, 2, 0xbeef, cpu_attrs) == BB_BUS_OK);
    CHECK(bb_bus_read(bus, 0xfffe, 4, &v, cpu_attrs) == BB_BUS_UNMAPPED && v == 0xbeef);
}

static void test_mmio(bb_bus *bus, regs *dev)
{
    uint64_t v;
    CHECK(bb_bus_write(bus, 0x10000008, 4, 0xcafe, cpu_attrs) == BB_BUS_OK);
    CHECK(dev->value[2] == 0xcafe && dev->last_offset == 8 && dev->last_size == 4);
    CHECK(bb_bus_read(bus, 0x10000008, 4, &v, cpu_attrs) == BB_BUS_OK && v == 0xcafe);
    /* A byte access goes to the model as it is: the model decides. */
    CHECK(bb_bus_read(bus, 0x10000009, 1, &v, cpu_attrs) == BB_BUS_OK);
    CHECK(dev->last_offset == 9 && dev->last_size == 1);
    CHECK(bb_bus_host_ptr(bus, 0x10000000, NULL, NULL) == NULL);

    /* Copies reach MMIO as debug accesses: words inside, bytes at unaligned edges. */
    int debug_before = dev->debug_accesses;
    uint8_t buf[8];
    CHECK(bb_bus_copy(bus, 0x10000008, buf, 4, false) == BB_BUS_OK);
    CHECK(buf[0] == 0xfe && buf[1] == 0xca && dev->last_size == 4);
    CHECK(bb_bus_copy(bus, 0x10000007, buf, 2, false) == BB_BUS_OK && dev->last_size == 1);
    CHECK(dev->debug_accesses == debug_before + 3);
}

static void test_alias(bb_bus *bus)
{
    uint64_t v, addr = 0x40000010;
    CHECK(bb_bus_write(bus, 0x2010, 4, 0x5555aaaa, cpu_attrs) == BB_BUS_OK);
    CHECK(bb_bus_read(bus, 0x40000010, 4, &v, cpu_attrs) == BB_BUS_OK && v == 0x5555aaaa);
    CHECK(bb_bus_write(bus, 0x40000014, 4, 0x77, cpu_attrs) == BB_BUS_OK);
    CHECK(bb_bus_read(bus, 0x2014, 4, &v, cpu_attrs) == BB_BUS_OK && v == 0x77);
    bb_region *r = bb_bus_resolve(bus, &addr);
    CHECK(r && r->kind == BB_REGION_RAM && addr == 0x2010);
    uint64_t contiguous = 0;
    uint8_t *p = bb_bus_host_ptr(bus, 0x40000000, &contiguous, NULL);
    CHECK(p && contiguous == 0x1000); /* the alias window is 4 KiB */
}

static void test_unmapped(bb_bus *bus, bb_log *log)
{
    uint64_t v = 123;
    rewind(log->out);
    CHECK(bb_bus_read(bus, 0x30000000, 4, &v, cpu_attrs) == BB_BUS_UNMAPPED && v == 0);
    CHECK(bb_bus_write(bus, 0x30000000, 4, 1, cpu_attrs) == BB_BUS_UNMAPPED);
    fflush(log->out);
    char text[512] = "";
    rewind(log->out);
    size_t n = fread(text, 1, sizeof(text) - 1, log->out);
    text[n] = '\0';
    CHECK(strstr(text, "brassboard: [unimp] unmapped read of size 4 at 0x30000000") != NULL);
    CHECK(strstr(text, "unmapped write of size 4 at 0x30000000") != NULL);

    /* A copy over a hole: mapped parts are copied, the hole reads as zero. */
    uint8_t buf[0x20];
    memset(buf, 0xff, sizeof(buf));
    CHECK(bb_bus_write(bus, 0xfff0, 4, 0x01020304, cpu_attrs) == BB_BUS_OK);
    CHECK(bb_bus_copy(bus, 0xfff0, buf, sizeof(buf), false) == BB_BUS_UNMAPPED);
    CHECK(buf[0] == 0x04 && buf[3] == 0x01 && buf[0x10] == 0 && buf[0x1f] == 0);
}

static void test_overlaps(bb_bus *bus, bb_log *log)
{
    rewind(log->out);
    CHECK(bb_bus_add_ram(bus, "clash", 0xf000, 0x2000) == NULL); /* end of ram */
    CHECK(bb_bus_add_ram(bus, "inside", 0x1000, 0x10) == NULL);  /* inside ram */
    CHECK(bb_bus_add_ram(bus, "around", 0x0, 0x200000) == NULL); /* covers two */
    CHECK(bb_bus_add_mmio(bus, "dup", 0x10000000, 0x1, &regs_ops, NULL) == NULL);
    CHECK(bb_bus_add_ram(bus, "empty", 0x50000000, 0) == NULL);
    fflush(log->out);
    char text[2048] = "";
    rewind(log->out);
    size_t n = fread(text, 1, sizeof(text) - 1, log->out);
    text[n] = '\0';
    CHECK(strstr(text, "region 'clash' [0xf000-0x10fff] overlaps region 'ram' [0x0-0xffff]"));
    CHECK(strstr(text, "'around'") && strstr(text, "'dup'") && strstr(text, "'empty'"));
    /* The regions are still in order and unchanged. */
    uint64_t last_base = 0;
    int count = 0;
    for (const bb_region *r; (r = bb_bus_region_at(bus, count)); count++) {
        CHECK(count == 0 || r->base > last_base);
        last_base = r->base;
    }
    CHECK(count == 4);
    /* Adjacent regions are fine; removal frees the range again. */
    CHECK(bb_bus_add_ram(bus, "next", 0x10000, 0x1000) != NULL);
    CHECK(bb_bus_remove(bus, 0x10000));
    CHECK(!bb_bus_remove(bus, 0x10000));
    CHECK(bb_bus_add_ram(bus, "again", 0x10000, 0x100) != NULL);
}

static void test_code_hook(bb_bus *bus)
{
    hook_record h = {0};
    bb_bus_set_code_write_hook(bus, code_written, &h);
    bb_bus_mark_code_page(bus, 0x3000, true);
    CHECK(bb_bus_is_code_page(bus, 0x3abc) && !bb_bus_is_code_page(bus, 0x4000));
    CHECK(bb_bus_write(bus, 0x2ffc, 4, 1, cpu_attrs) == BB_BUS_OK && h.calls == 0);
    CHECK(bb_bus_write(bus, 0x3010, 2, 1, cpu_attrs) == BB_BUS_OK);
    CHECK(h.calls == 1 && h.addr == 0x3010 && h.len == 2);
    uint8_t buf[0x2000] = {0};
    CHECK(bb_bus_copy(bus, 0x2800, buf, sizeof(buf), true) == BB_BUS_OK);
    CHECK(h.calls == 2 && h.addr == 0x2800 && h.len == sizeof(buf));
    CHECK(bb_bus_copy(bus, 0x2800, buf, sizeof(buf), false) == BB_BUS_OK && h.calls == 2);
    bb_bus_mark_code_page(bus, 0x3000, false);
    CHECK(bb_bus_write(bus, 0x3010, 2, 1, cpu_attrs) == BB_BUS_OK && h.calls == 2);
    /* Through the alias, the hook gets the RAM address. */
    bb_bus_mark_code_page(bus, 0x2000, true);
    CHECK(bb_bus_is_code_page(bus, 0x40000000));
    CHECK(bb_bus_write(bus, 0x40000020, 4, 1, cpu_attrs) == BB_BUS_OK);
    CHECK(h.calls == 3 && h.addr == 0x2020 && h.len == 4);
}

static void test_big_ram_is_lazy(void)
{
    bb_log log = {0, stderr};
    bb_bus *bus = bb_bus_new(&log);
    CHECK(bb_bus_add_ram(bus, "big", 0x80000000, 1ull << 30) != NULL); /* 1 GiB */
    uint64_t v;
    CHECK(bb_bus_write(bus, 0x80000000 + (1ull << 30) - 4, 4, 7, cpu_attrs) == BB_BUS_OK);
    CHECK(bb_bus_read(bus, 0x80000000 + (1ull << 30) - 4, 4, &v, cpu_attrs) == BB_BUS_OK && v == 7);
    bb_bus_free(bus);
}

/* A route whose accesses fail above offset 0x800 (a TLM error, a dead serial link). */
static int failing_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value,
                        bb_attrs attrs)
{
    (void)opaque, (void)size, (void)attrs;
    *value = 0x1234;
    return offset < 0x800 ? BB_BUS_OK : BB_BUS_ERROR;
}

static int failing_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                         bb_attrs attrs)
{
    (void)attrs, (void)size;
    *(uint64_t *)opaque = value;
    return offset < 0x800 ? BB_BUS_OK : BB_BUS_ERROR;
}

static const bb_mmio_ops failing_ops = {.checked_read = failing_read,
                                        .checked_write = failing_write};

static void test_bus_errors(bb_bus *bus)
{
    uint64_t written = 0, value = 0;
    CHECK(bb_bus_add_route(bus, "route", 0x20000000, 0x1000, &failing_ops, &written) != NULL);
    CHECK(bb_bus_read(bus, 0x20000010, 4, &value, cpu_attrs) == BB_BUS_OK && value == 0x1234);
    CHECK(bb_bus_read(bus, 0x20000810, 4, &value, cpu_attrs) == BB_BUS_ERROR);
    CHECK(bb_bus_write(bus, 0x20000004, 4, 77, cpu_attrs) == BB_BUS_OK && written == 77);
    CHECK(bb_bus_write(bus, 0x20000904, 4, 78, cpu_attrs) == BB_BUS_ERROR && written == 78);
}

int main(void)
{
    bb_log log = {BB_LOG_UNIMP, tmpfile()};
    if (!log.out) {
        printf("FAIL: tmpfile\n");
        return 1;
    }
    bb_bus *bus = bb_bus_new(&log);
    regs dev = {0};
    CHECK(bb_bus_add_ram(bus, "ram", 0x0, 0x10000) != NULL);
    CHECK(bb_bus_add_rom(bus, "rom", 0x100000, 0x10000) != NULL);
    CHECK(bb_bus_add_mmio(bus, "regs", 0x10000000, 0x1000, &regs_ops, &dev) != NULL);
    CHECK(bb_bus_add_alias(bus, "ram-alias", 0x40000000, 0x1000, 0x2000) != NULL);

    test_ram_rom(bus);
    test_mmio(bus, &dev);
    test_alias(bus);
    test_unmapped(bus, &log);
    test_overlaps(bus, &log);
    test_code_hook(bus);
    test_bus_errors(bus);
    bb_bus_free(bus);
    test_big_ram_is_lazy();
    fclose(log.out);

    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("test_bus: all checks passed\n");
    return 0;
}
