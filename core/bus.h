/*
 * bus.h: the guest physical address space.
 *
 * A bus holds non-overlapping regions: RAM, ROM, MMIO (a peripheral model's read and write
 * functions), aliases (a window onto another address) and routes (MMIO whose functions
 * forward to a transport: SerialICE, SystemC, Lua). Every access carries its attributes
 * (initiator CPU, privilege, debug flag): a debug access must not change device state.
 * Accesses to addresses with no region are logged and read as zero, as on the Versatile bus.
 */
#ifndef BB_BUS_H
#define BB_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bb_bus bb_bus;
typedef struct bb_log bb_log;

/* Who is accessing, and how. Passed by value. */
typedef struct bb_attrs {
    uint8_t cpu;        /* initiator CPU index (0xff: a device or the host) */
    uint8_t privileged; /* 1 for a privileged-mode access */
    uint8_t debug;      /* 1 for a debugger/loader/script access: no side effects */
    uint8_t pad;
} bb_attrs;

/* The functions of an MMIO region. Offsets are relative to the region base. */
typedef struct bb_mmio_ops {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs);
    void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs);
    /* Optional, for regions whose accesses can fail (routes to real hardware or to TLM
     * models): used instead of read/write when set. They return BB_BUS_OK or BB_BUS_ERROR;
     * a CPU turns BB_BUS_ERROR into its bus fault (an external abort on ARM). */
    int (*checked_read)(void *opaque, uint64_t offset, unsigned size, uint64_t *value,
                        bb_attrs attrs);
    int (*checked_write)(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                         bb_attrs attrs);
} bb_mmio_ops;

typedef enum bb_region_kind {
    BB_REGION_RAM,
    BB_REGION_ROM,
    BB_REGION_MMIO,
    BB_REGION_ALIAS,
    BB_REGION_ROUTE,
} bb_region_kind;

#define BB_PAGE_BITS 12
#define BB_PAGE_SIZE (1u << BB_PAGE_BITS)

typedef struct bb_region {
    char name[48];
    uint64_t base, size;
    bb_region_kind kind;
    uint8_t *host;          /* RAM and ROM: backing store of `size` bytes */
    uint8_t *code_pages;    /* RAM: one byte per page, non-zero when translated code lives there */
    const bb_mmio_ops *ops; /* MMIO and ROUTE */
    void *opaque;
    uint64_t alias_target; /* ALIAS: address that `base` maps to */
} bb_region;

/* Status of an access. */
enum { BB_BUS_OK = 0, BB_BUS_UNMAPPED = 1, BB_BUS_ERROR = 2 };

bb_bus *bb_bus_new(bb_log *log);
void bb_bus_free(bb_bus *bus);

/* Adding regions. Each returns NULL (and logs) when the range overlaps an existing one. */
bb_region *bb_bus_add_ram(bb_bus *bus, const char *name, uint64_t base, uint64_t size);
bb_region *bb_bus_add_rom(bb_bus *bus, const char *name, uint64_t base, uint64_t size);
bb_region *bb_bus_add_mmio(bb_bus *bus, const char *name, uint64_t base, uint64_t size,
                           const bb_mmio_ops *ops, void *opaque);
bb_region *bb_bus_add_route(bb_bus *bus, const char *name, uint64_t base, uint64_t size,
                            const bb_mmio_ops *ops, void *opaque);
bb_region *bb_bus_add_alias(bb_bus *bus, const char *name, uint64_t base, uint64_t size,
                            uint64_t target);
/* Removes the region that starts at `base` (used when a route replaces a model). */
bool bb_bus_remove(bb_bus *bus, uint64_t base);

/* The region containing addr, aliases resolved (addr is updated to the target address). */
bb_region *bb_bus_resolve(bb_bus *bus, uint64_t *addr);
/* Regions in address order, for listings: returns the i-th, or NULL past the end. */
const bb_region *bb_bus_region_at(const bb_bus *bus, int i);

/* One access of 1, 2, 4 or 8 bytes (little-endian). Unmapped: reads give 0, writes are
 * dropped, the access is logged, and BB_BUS_UNMAPPED is returned. */
int bb_bus_read(bb_bus *bus, uint64_t addr, unsigned size, uint64_t *value, bb_attrs attrs);
int bb_bus_write(bb_bus *bus, uint64_t addr, unsigned size, uint64_t value, bb_attrs attrs);

/* Block copy for loaders, debuggers and scripts: RAM and ROM directly (ROM is writable this
 * way), MMIO as debug accesses of 4 bytes (or bytes at the edges). Returns BB_BUS_OK or
 * BB_BUS_UNMAPPED when any part was not mapped. */
int bb_bus_copy(bb_bus *bus, uint64_t addr, void *buf, size_t len, bool write);

/* Host pointer for RAM/ROM at addr, with how many bytes are contiguous after it; NULL if
 * addr is not RAM/ROM. Used by the soft-MMU TLB fill. */
uint8_t *bb_bus_host_ptr(bb_bus *bus, uint64_t addr, uint64_t *contiguous, bool *is_rom);

/* Code-page tracking for self-modifying code: the JIT marks pages holding translated code.
 * Writes by anything but a CPU's TLB fast path into a marked page call the hook first. */
typedef void (*bb_code_write_hook)(void *opaque, uint64_t addr, uint64_t len);
void bb_bus_set_code_write_hook(bb_bus *bus, bb_code_write_hook hook, void *opaque);
void bb_bus_mark_code_page(bb_bus *bus, uint64_t addr, bool has_code);
bool bb_bus_is_code_page(bb_bus *bus, uint64_t addr);

#endif
