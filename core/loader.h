/*
 * loader.h: putting guest images into memory: ELF (with libelf) and raw binaries.
 * Every check failure (not a file, not ELF, not for this CPU, truncated, a segment outside
 * memory) gives a message naming the file and what is wrong.
 */
#ifndef BB_LOADER_H
#define BB_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bb_bus bb_bus;

typedef struct bb_elf_info {
    uint64_t entry;
    bool thumb_entry;   /* entry address had bit 0 set */
    uint64_t low, high; /* lowest and highest loaded addresses */
} bb_elf_info;

/* `machine_code` is the expected e_machine (EM_ARM, ...). */
bool bb_load_elf(bb_bus *bus, const char *path, unsigned machine_code, bb_elf_info *info, char *err,
                 size_t errlen);
bool bb_load_raw(bb_bus *bus, const char *path, uint64_t addr, uint64_t *size_out, char *err,
                 size_t errlen);

#endif
