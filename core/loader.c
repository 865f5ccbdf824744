/*
 * loader.c: putting guest images into memory: ELF executables (read with libelf's gelf
 * interface) and raw binaries.
 *
 * ELF: every PT_LOAD segment goes to its physical address (p_paddr, as QEMU does for
 * -kernel): p_filesz bytes from the file, the rest up to p_memsz zeroed. Each segment
 * must lie wholly in one RAM or ROM region. Everything is checked against the file size
 * before it is read, so a truncated or hostile file gives a message, never a crash.
 * info->high is the address of the last byte loaded (inclusive).
 */
#include "core/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/bus.h"

typedef struct machine_name {
    unsigned code;
    const char *name;
    bool is_32bit; /* images for it must be ELFCLASS32 */
} machine_name;

static const machine_name machine_names[] = {
    {EM_SPARC, "SPARC", true},
    {EM_386, "i386", true},
    {EM_68K, "m68k", true},
    {EM_MIPS, "MIPS", true},
    {EM_PPC, "PowerPC", true},
    {EM_PPC64, "PowerPC64", false},
    {EM_ARM, "ARM", true},
    {EM_SH, "SuperH", true},
    {EM_X86_64, "x86-64", false},
    {EM_AARCH64, "AArch64", false},
    {EM_MICROBLAZE, "MicroBlaze", true},
    {EM_RISCV, "RISC-V", false},
    {EM_XTENSA, "Xtensa", true},
};

static const machine_name *find_machine(unsigned code)
{
    for (size_t i = 0; i < sizeof(machine_names) / sizeof(machine_names[0]); i++)
        if (machine_names[i].code == code) return &machine_names[i];
    return NULL;
}

/* "ARM (40)" or "machine 1234". */
static void describe_machine(unsigned code, char *out, size_t outlen)
{
    const machine_name *m = find_machine(code);
    if (m)
        snprintf(out, outlen, "%s (%u)", m->name, code);
    else
        snprintf(out, outlen, "machine %u", code);
}

/* Opens a regular file for reading; on failure writes "PATH: why" to err. */
static int open_image(const char *path, struct stat *st, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        close(fd);
        return -1;
    }
    return fd;
}

/* Writes len zero bytes at addr through the bus (code-write hooks included). */
static void zero_fill(bb_bus *bus, uint64_t addr, uint64_t len)
{
    uint8_t zeros[4096];
    memset(zeros, 0, sizeof(zeros));
    while (len) {
        size_t chunk = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
        bb_bus_copy(bus, addr, zeros, chunk, true);
        addr += chunk;
        len -= chunk;
    }
}

/* Checks the ELF header: kind, byte order, class, type and machine. */
static bool check_header(const GElf_Ehdr *eh, const char *path, unsigned machine_code, char *err,
                         size_t errlen)
{
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB) {
        snprintf(err, errlen, "%s: big-endian ELF, expected little-endian", path);
        return false;
    }
    if (eh->e_machine != machine_code) {
        char found[48], expected[48];
        describe_machine(eh->e_machine, found, sizeof(found));
        describe_machine(machine_code, expected, sizeof(expected));
        snprintf(err, errlen, "%s: ELF for %s%s, expected %s", path,
                 find_machine(eh->e_machine) ? "machine " : "", found, expected);
        return false;
    }
    const machine_name *m = find_machine(machine_code);
    if (m && m->is_32bit && eh->e_ident[EI_CLASS] != ELFCLASS32) {
        snprintf(err, errlen, "%s: 64-bit ELF, expected a 32-bit %s image", path, m->name);
        return false;
    }
    if (eh->e_type != ET_EXEC) {
        snprintf(err, errlen, "%s: not an executable (ELF type %u%s)", path, (unsigned)eh->e_type,
                 eh->e_type == ET_REL   ? ", an object file: link it first"
                 : eh->e_type == ET_DYN ? ", position-independent"
                                        : "");
        return false;
    }
    return true;
}

/* Checks one PT_LOAD segment against the file and the memory map. */
static bool check_segment(bb_bus *bus, const GElf_Phdr *ph, size_t index, uint64_t file_size,
                          const char *path, char *err, size_t errlen)
{
    uint64_t start = ph->p_paddr, last = ph->p_paddr + ph->p_memsz - 1;
    if (ph->p_filesz > ph->p_memsz) {
        snprintf(err, errlen,
                 "%s: segment %zu: file size 0x%llx is larger than its memory size 0x%llx", path,
                 index, (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
        return false;
    }
    if (ph->p_offset > file_size || ph->p_filesz > file_size - ph->p_offset) {
        snprintf(err, errlen,
                 "%s: segment %zu (0x%llx-0x%llx): file truncated (data at offset 0x%llx, "
                 "0x%llx bytes, but the file has 0x%llx)",
                 path, index, (unsigned long long)start, (unsigned long long)last,
                 (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz,
                 (unsigned long long)file_size);
        return false;
    }
    uint64_t contiguous = 0;
    bool is_rom;
    if (last < start || !bb_bus_host_ptr(bus, start, &contiguous, &is_rom) ||
        contiguous < ph->p_memsz) {
        snprintf(err, errlen, "%s: segment %zu (0x%llx-0x%llx) is outside RAM and ROM", path, index,
                 (unsigned long long)start, (unsigned long long)last);
        return false;
    }
    return true;
}

/* Loads every PT_LOAD segment: first all checks, then the copies, so a bad file leaves
 * memory untouched. */
static bool load_segments(bb_bus *bus, Elf *elf, const char *path, uint64_t file_size,
                          bb_elf_info *info, char *err, size_t errlen)
{
    size_t n;
    if (elf_getphdrnum(elf, &n) != 0 || n == 0) {
        snprintf(err, errlen, "%s: no program headers", path);
        return false;
    }
    size_t loadable = 0;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph)) {
            snprintf(err, errlen, "%s: program header %zu unreadable (file truncated?): %s", path,
                     i, elf_errmsg(-1));
            return false;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (!check_segment(bus, &ph, i, file_size, path, err, errlen)) return false;
        loadable++;
    }
    if (!loadable) {
        snprintf(err, errlen, "%s: no loadable segments", path);
        return false;
    }
    size_t image_size;
    char *image = elf_rawfile(elf, &image_size);
    if (!image || image_size < file_size) {
        snprintf(err, errlen, "%s: cannot read the file: %s", path, elf_errmsg(-1));
        return false;
    }
    info->low = UINT64_MAX;
    info->high = 0;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        gelf_getphdr(elf, (int)i, &ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        bb_bus_copy(bus, ph.p_paddr, image + ph.p_offset, ph.p_filesz, true);
        zero_fill(bus, ph.p_paddr + ph.p_filesz, ph.p_memsz - ph.p_filesz);
        if (ph.p_paddr < info->low) info->low = ph.p_paddr;
        if (ph.p_paddr + ph.p_memsz - 1 > info->high) info->high = ph.p_paddr + ph.p_memsz - 1;
    }
    return true;
}

bool bb_load_elf(bb_bus *bus, const char *path, unsigned machine_code, bb_elf_info *info, char *err,
                 size_t errlen)
{
    struct stat st;
    int fd = open_image(path, &st, err, errlen);
    if (fd < 0) return false;
    if (elf_version(EV_CURRENT) == EV_NONE) {
        snprintf(err, errlen, "%s: libelf is unusable: %s", path, elf_errmsg(-1));
        close(fd);
        return false;
    }
    bool ok = false;
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    GElf_Ehdr eh;
    if (!elf || elf_kind(elf) != ELF_K_ELF) {
        snprintf(err, errlen, "%s: not an ELF file", path);
    } else if (!gelf_getehdr(elf, &eh)) {
        snprintf(err, errlen, "%s: ELF header unreadable (file truncated?)", path);
    } else if (check_header(&eh, path, machine_code, err, errlen) &&
               load_segments(bus, elf, path, (uint64_t)st.st_size, info, err, errlen)) {
        info->entry = eh.e_entry;
        info->thumb_entry = false;
        if (machine_code == EM_ARM && (eh.e_entry & 1)) {
            info->thumb_entry = true;
            info->entry = eh.e_entry & ~(uint64_t)1;
        }
        ok = true;
    }
    if (elf) elf_end(elf);
    close(fd);
    return ok;
}

bool bb_load_raw(bb_bus *bus, const char *path, uint64_t addr, uint64_t *size_out, char *err,
                 size_t errlen)
{
    struct stat st;
    int fd = open_image(path, &st, err, errlen);
    if (fd < 0) return false;
    uint64_t size = (uint64_t)st.st_size, contiguous = 0;
    bool is_rom;
    if (size == 0) {
        snprintf(err, errlen, "%s: empty file", path);
        close(fd);
        return false;
    }
    if (!bb_bus_host_ptr(bus, addr, &contiguous, &is_rom) || contiguous < size) {
        snprintf(err, errlen, "%s: 0x%llx bytes at 0x%llx do not fit in RAM or ROM", path,
                 (unsigned long long)size, (unsigned long long)addr);
        close(fd);
        return false;
    }
    uint8_t chunk[16384];
    uint64_t done = 0;
    while (done < size) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            snprintf(err, errlen, "%s: read failed: %s", path,
                     n < 0 ? strerror(errno) : "file shrank");
            close(fd);
            return false;
        }
        if ((uint64_t)n > size - done) n = (ssize_t)(size - done);
        bb_bus_copy(bus, addr + done, chunk, (size_t)n, true);
        done += (uint64_t)n;
    }
    close(fd);
    if (size_out) *size_out = size;
    return true;
}
