/*
 * test_loader.c: the ELF and raw loaders. A minimal 32-bit ARM executable is built in
 * memory, written to a temporary file and loaded; then broken variants (not ELF,
 * truncated, wrong machine, wrong class or type, segments outside memory) must each fail
 * with a message naming the file.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bus.h"
#include "core/loader.h"
#include "core/log.h"

#include "tests/unit/test_util.h"

static char path[] = "/tmp/bb_test_loader_XXXXXX";

/* The image: ELF header, two program headers, then the segments' bytes. */
typedef struct image {
    Elf32_Ehdr eh;
    Elf32_Phdr ph[2];
    uint8_t code[8]; /* segment 0: 8 bytes in the file, 0x20 in memory */
    uint8_t rom[4];  /* segment 1 */
} image;

static image good_image(void)
{
    image im;
    memset(&im, 0, sizeof(im));
    memcpy(im.eh.e_ident, ELFMAG, SELFMAG);
    im.eh.e_ident[EI_CLASS] = ELFCLASS32;
    im.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    im.eh.e_ident[EI_VERSION] = EV_CURRENT;
    im.eh.e_type = ET_EXEC;
    im.eh.e_machine = EM_ARM;
    im.eh.e_version = EV_CURRENT;
    im.eh.e_entry = 0x1001; /* Thumb */
    im.eh.e_phoff = offsetof(image, ph);
    im.eh.e_ehsize = sizeof(Elf32_Ehdr);
    im.eh.e_phentsize = sizeof(Elf32_Phdr);
    im.eh.e_phnum = 2;
    im.ph[0] = (Elf32_Phdr){.p_type = PT_LOAD,
                            .p_offset = offsetof(image, code),
                            .p_vaddr = 0x80001000, /* the loader must use p_paddr */
                            .p_paddr = 0x1000,
                            .p_filesz = 8,
                            .p_memsz = 0x20,
                            .p_flags = PF_R | PF_X};
    im.ph[1] = (Elf32_Phdr){.p_type = PT_LOAD,
                            .p_offset = offsetof(image, rom),
                            .p_vaddr = 0x100000,
                            .p_paddr = 0x100000,
                            .p_filesz = 4,
                            .p_memsz = 4,
                            .p_flags = PF_R};
    for (int i = 0; i < 8; i++)
        im.code[i] = (uint8_t)(0x10 + i);
    for (int i = 0; i < 4; i++)
        im.rom[i] = (uint8_t)(0xa0 + i);
    return im;
}

static void write_file(const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len) printf("cannot write %s\n", path);
    if (f) fclose(f);
}

static bb_bus *new_bus(bb_log *log)
{
    bb_bus *bus = bb_bus_new(log);
    bb_bus_add_ram(bus, "ram", 0x0, 0x10000);
    bb_bus_add_rom(bus, "rom", 0x100000, 0x1000);
    return bus;
}

/* Loads the file and expects failure with a message holding the path and `what`. */
static void expect_elf_error(const char *what, int line)
{
    bb_log log = {0, stderr};
    bb_bus *bus = new_bus(&log);
    bb_elf_info info;
    char err[512] = "";
    bool ok = bb_load_elf(bus, path, EM_ARM, &info, err, sizeof(err));
    if (ok || !strstr(err, path) || !strstr(err, what)) {
        printf("FAIL line %d: expected an error with '%s', got %s: '%s'\n", line, what,
               ok ? "success" : "error", err);
        failures++;
    }
    bb_bus_free(bus);
}

static void test_good(void)
{
    image im = good_image();
    write_file(&im, sizeof(im));
    bb_log log = {0, stderr};
    bb_bus *bus = new_bus(&log);
    uint8_t junk[0x40];
    memset(junk, 0xff, sizeof(junk));
    bb_bus_copy(bus, 0xff0, junk, sizeof(junk), true); /* the bss must be zeroed */
    bb_elf_info info;
    char err[512] = "";
    CHECK(bb_load_elf(bus, path, EM_ARM, &info, err, sizeof(err)));
    if (err[0]) printf("  %s\n", err);
    CHECK(info.entry == 0x1000 && info.thumb_entry);
    CHECK(info.low == 0x1000 && info.high == 0x100003);
    uint8_t mem[0x30];
    bb_bus_copy(bus, 0xff0, mem, sizeof(mem), false);
    CHECK(mem[0xf] == 0xff);                       /* before the segment: untouched */
    CHECK(mem[0x10] == 0x10 && mem[0x17] == 0x17); /* file bytes */
    CHECK(mem[0x18] == 0 && mem[0x2f] == 0);       /* zeroed up to p_memsz */
    uint64_t rom;
    CHECK(bb_bus_read(bus, 0x100000, 4, &rom, (bb_attrs){0}) == BB_BUS_OK && rom == 0xa3a2a1a0);
    bb_bus_free(bus);

    /* An ARM entry without bit 0. */
    im.eh.e_entry = 0x1000;
    write_file(&im, sizeof(im));
    bus = new_bus(&log);
    CHECK(bb_load_elf(bus, path, EM_ARM, &info, err, sizeof(err)));
    CHECK(info.entry == 0x1000 && !info.thumb_entry);
    bb_bus_free(bus);
}

static void test_bad_elf(void)
{
    write_file("#!/bin/sh\necho not an image\n", 28);
    expect_elf_error(": not an ELF file", __LINE__);
    write_file("", 0);
    expect_elf_error(": not an ELF file", __LINE__);

    image im = good_image();
    /* Truncated: inside the segment data, inside the program headers, inside the header. */
    write_file(&im, offsetof(image, code) + 4);
    expect_elf_error("segment 0 (0x1000-0x101f): file truncated", __LINE__);
    write_file(&im, offsetof(image, ph) + 10);
    expect_elf_error(path, __LINE__);
    write_file(&im, 30);
    expect_elf_error(path, __LINE__);

    im = good_image();
    im.eh.e_machine = EM_386;
    write_file(&im, sizeof(im));
    expect_elf_error(": ELF for machine i386 (3), expected ARM (40)", __LINE__);
    im.eh.e_machine = 4321;
    write_file(&im, sizeof(im));
    expect_elf_error(": ELF for machine 4321, expected ARM (40)", __LINE__);

    im = good_image();
    im.eh.e_type = ET_REL;
    write_file(&im, sizeof(im));
    expect_elf_error("not an executable", __LINE__);

    im = good_image();
    im.eh.e_ident[EI_DATA] = ELFDATA2MSB;
    im.eh.e_machine = (uint16_t)(EM_ARM << 8); /* as a big-endian file would hold it */
    write_file(&im, sizeof(im));
    expect_elf_error("big-endian", __LINE__);

    im = good_image();
    im.eh.e_ident[EI_CLASS] = ELFCLASS64;
    write_file(&im, sizeof(im));
    expect_elf_error(path, __LINE__);

    im = good_image();
    im.eh.e_phnum = 0;
    write_file(&im, sizeof(im));
    expect_elf_error("no program headers", __LINE__);

    /* Segments outside memory: wholly, across the end of RAM, and 4 bytes past ROM. */
    im = good_image();
    im.ph[0].p_paddr = 0x20000000;
    write_file(&im, sizeof(im));
    expect_elf_error("segment 0 (0x20000000-0x2000001f) is outside RAM and ROM", __LINE__);
    im.ph[0].p_paddr = 0xfff0;
    write_file(&im, sizeof(im));
    expect_elf_error("segment 0 (0xfff0-0x1000f)", __LINE__);
    im = good_image();
    im.ph[1].p_paddr = 0x100ffe;
    write_file(&im, sizeof(im));
    expect_elf_error("segment 1 (0x100ffe-0x101001)", __LINE__);

    im = good_image();
    im.ph[0].p_filesz = 0x40; /* more than p_memsz */
    write_file(&im, sizeof(im));
    expect_elf_error("segment 0", __LINE__);

    im = good_image();
    im.ph[1].p_offset = 0xfffffff0u; /* data far past the end of the file */
    write_file(&im, sizeof(im));
    expect_elf_error("segment 1 (0x100000-0x100003): file truncated", __LINE__);

    unlink(path);
    expect_elf_error("No such file or directory", __LINE__);
}

static void test_raw(void)
{
    bb_log log = {0, stderr};
    bb_bus *bus = new_bus(&log);
    uint8_t data[300];
    for (int i = 0; i < 300; i++)
        data[i] = (uint8_t)(i * 7);
    write_file(data, sizeof(data));
    uint64_t size = 0;
    char err[512] = "";
    CHECK(bb_load_raw(bus, path, 0x2000, &size, err, sizeof(err)) && size == 300);
    uint8_t back[300];
    bb_bus_copy(bus, 0x2000, back, sizeof(back), false);
    CHECK(memcmp(back, data, sizeof(data)) == 0);
    CHECK(bb_load_raw(bus, path, 0x100000, &size, err, sizeof(err))); /* into ROM */
    CHECK(!bb_load_raw(bus, path, 0x100f00, &size, err, sizeof(err)));
    CHECK(strstr(err, path) && strstr(err, "do not fit"));
    CHECK(!bb_load_raw(bus, path, 0x30000000, &size, err, sizeof(err)) && strstr(err, path));
    unlink(path);
    CHECK(!bb_load_raw(bus, path, 0x2000, &size, err, sizeof(err)) && strstr(err, path));
    CHECK(!bb_load_raw(bus, "/tmp", 0x2000, &size, err, sizeof(err)) && strstr(err, "/tmp"));
    bb_bus_free(bus);
}

int main(void)
{
    int fd = mkstemp(path);
    if (fd < 0) {
        printf("FAIL: mkstemp\n");
        return 1;
    }
    close(fd);
    test_good();
    test_bad_elf();
    test_raw();
    unlink(path);
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("test_loader: all checks passed\n");
    return 0;
}
