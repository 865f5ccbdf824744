/*
 * bus.c: the guest physical address space.
 *
 * Regions live in an array of pointers sorted by base address (so a bb_region pointer
 * handed out stays valid while others are added); lookups are a binary search behind a
 * one-entry cache of the last region found. RAM and ROM are anonymous private mappings
 * reserved without swap, so a large RAM costs nothing until the guest touches it. RAM
 * and ROM both carry a code-page map (one byte per 4 KiB page): ROM can hold translated
 * code too, and loaders and debuggers write it through bb_bus_copy.
 */
#include "core/bus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/log.h"

struct bb_bus {
    bb_log *log;
    bb_region **regions; /* sorted by base */
    int n_regions, cap_regions;
    bb_region *last; /* the region the last lookup found */
    bb_code_write_hook code_write_hook;
    void *code_write_opaque;
};

bb_bus *bb_bus_new(bb_log *log)
{
    bb_bus *bus = calloc(1, sizeof(*bus));
    if (!bus) return NULL;
    bus->log = log;
    return bus;
}

static void free_region(bb_region *r)
{
    if (r->host) munmap(r->host, r->size);
    free(r->code_pages);
    free(r);
}

void bb_bus_free(bb_bus *bus)
{
    if (!bus) return;
    for (int i = 0; i < bus->n_regions; i++)
        free_region(bus->regions[i]);
    free(bus->regions);
    free(bus);
}

/* Board errors (overlaps, bad sizes) are always reported, whatever the log mask. */
static void board_error(bb_bus *bus, const char *fmt, const char *name, uint64_t base,
                        uint64_t size, const bb_region *other)
{
    FILE *out = bus->log && bus->log->out ? bus->log->out : stderr;
    fprintf(out, "brassboard: ");
    fprintf(out, fmt, name, (unsigned long long)base, (unsigned long long)(base + size - 1));
    if (other)
        fprintf(out, " overlaps region '%s' [0x%llx-0x%llx]", other->name,
                (unsigned long long)other->base,
                (unsigned long long)(other->base + other->size - 1));
    fputc('\n', out);
}

/* Index of the last region whose base is <= addr, or -1. */
static int search(const bb_bus *bus, uint64_t addr)
{
    int lo = 0, hi = bus->n_regions - 1, found = -1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (bus->regions[mid]->base <= addr) {
            found = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return found;
}

static bool contains(const bb_region *r, uint64_t addr)
{
    return addr - r->base < r->size;
}

/* The region containing addr, aliases not resolved. */
static bb_region *find(bb_bus *bus, uint64_t addr)
{
    bb_region *r = bus->last;
    if (r && contains(r, addr)) return r;
    int i = search(bus, addr);
    if (i < 0 || !contains(bus->regions[i], addr)) return NULL;
    bus->last = bus->regions[i];
    return bus->last;
}

/* Code pages are the guest's 4 KiB pages (aligned), counted from the one holding base. */
static uint64_t page_index(const bb_region *r, uint64_t addr)
{
    return (addr >> BB_PAGE_BITS) - (r->base >> BB_PAGE_BITS);
}

static bb_region *add_region(bb_bus *bus, const char *name, uint64_t base, uint64_t size,
                             bb_region_kind kind)
{
    if (size == 0 || base + (size - 1) < base) {
        board_error(bus, "region '%s' [0x%llx-0x%llx]: empty or past the end of the address space",
                    name, base, size, NULL);
        return NULL;
    }
    int i = search(bus, base + (size - 1)); /* the last region starting inside or before */
    if (i >= 0) {
        const bb_region *prev = bus->regions[i];
        if (prev->base >= base || contains(prev, base)) {
            board_error(bus, "region '%s' [0x%llx-0x%llx]", name, base, size, prev);
            return NULL;
        }
    }
    if (bus->n_regions == bus->cap_regions) {
        int cap = bus->cap_regions ? 2 * bus->cap_regions : 16;
        bb_region **grown = realloc(bus->regions, (size_t)cap * sizeof(*grown));
        if (!grown) return NULL;
        bus->regions = grown;
        bus->cap_regions = cap;
    }
    bb_region *r = calloc(1, sizeof(*r));
    if (!r) return NULL;
    snprintf(r->name, sizeof(r->name), "%s", name ? name : "");
    r->base = base;
    r->size = size;
    r->kind = kind;
    if (kind == BB_REGION_RAM || kind == BB_REGION_ROM) {
        void *host = mmap(NULL, size, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        r->code_pages = calloc(page_index(r, base + (size - 1)) + 1, 1);
        if (host == MAP_FAILED || !r->code_pages) {
            if (host != MAP_FAILED) munmap(host, size);
            free(r->code_pages);
            free(r);
            board_error(bus, "region '%s' [0x%llx-0x%llx]: out of host memory", name, base, size,
                        NULL);
            return NULL;
        }
        r->host = host;
    }
    int at = i + 1;
    memmove(&bus->regions[at + 1], &bus->regions[at],
            (size_t)(bus->n_regions - at) * sizeof(*bus->regions));
    bus->regions[at] = r;
    bus->n_regions++;
    return r;
}

bb_region *bb_bus_add_ram(bb_bus *bus, const char *name, uint64_t base, uint64_t size)
{
    return add_region(bus, name, base, size, BB_REGION_RAM);
}

bb_region *bb_bus_add_rom(bb_bus *bus, const char *name, uint64_t base, uint64_t size)
{
    return add_region(bus, name, base, size, BB_REGION_ROM);
}

bb_region *bb_bus_add_mmio(bb_bus *bus, const char *name, uint64_t base, uint64_t size,
                           const bb_mmio_ops *ops, void *opaque)
{
    bb_region *r = add_region(bus, name, base, size, BB_REGION_MMIO);
    if (r) {
        r->ops = ops;
        r->opaque = opaque;
    }
    return r;
}

bb_region *bb_bus_add_route(bb_bus *bus, const char *name, uint64_t base, uint64_t size,
                            const bb_mmio_ops *ops, void *opaque)
{
    bb_region *r = add_region(bus, name, base, size, BB_REGION_ROUTE);
    if (r) {
        r->ops = ops;
        r->opaque = opaque;
    }
    return r;
}

bb_region *bb_bus_add_alias(bb_bus *bus, const char *name, uint64_t base, uint64_t size,
                            uint64_t target)
{
    bb_region *r = add_region(bus, name, base, size, BB_REGION_ALIAS);
    if (r) r->alias_target = target;
    return r;
}

bool bb_bus_remove(bb_bus *bus, uint64_t base)
{
    int i = search(bus, base);
    if (i < 0 || bus->regions[i]->base != base) return false;
    bb_region *r = bus->regions[i];
    memmove(&bus->regions[i], &bus->regions[i + 1],
            (size_t)(bus->n_regions - i - 1) * sizeof(*bus->regions));
    bus->n_regions--;
    if (bus->last == r) bus->last = NULL;
    free_region(r);
    return true;
}

/* Resolves addr through at most one alias. On success *room is the number of bytes from
 * the resolved addr to the end of the region (or of the alias window, if smaller). */
static bb_region *resolve(bb_bus *bus, uint64_t *addr, uint64_t *room)
{
    bb_region *r = find(bus, *addr);
    if (!r) return NULL;
    uint64_t left = r->size - (*addr - r->base);
    if (r->kind == BB_REGION_ALIAS) {
        uint64_t target = r->alias_target + (*addr - r->base);
        bb_region *t = find(bus, target);
        if (!t || t->kind == BB_REGION_ALIAS) return NULL; /* no alias chains */
        uint64_t target_left = t->size - (target - t->base);
        if (target_left < left) left = target_left;
        *addr = target;
        r = t;
    }
    if (room) *room = left;
    return r;
}

bb_region *bb_bus_resolve(bb_bus *bus, uint64_t *addr)
{
    return resolve(bus, addr, NULL);
}

const bb_region *bb_bus_region_at(const bb_bus *bus, int i)
{
    return i >= 0 && i < bus->n_regions ? bus->regions[i] : NULL;
}

static uint64_t load_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void store_le(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static bool range_has_code(const bb_region *r, uint64_t addr, uint64_t len)
{
    uint64_t last = page_index(r, addr + (len - 1));
    for (uint64_t p = page_index(r, addr); p <= last; p++)
        if (r->code_pages[p]) return true;
    return false;
}

/* Calls the code-write hook when [addr, addr+len) of RAM/ROM region r holds code. */
static void before_memory_write(bb_bus *bus, const bb_region *r, uint64_t addr, uint64_t len)
{
    if (bus->code_write_hook && len && range_has_code(r, addr, len))
        bus->code_write_hook(bus->code_write_opaque, addr, len);
}

static void log_unmapped(bb_bus *bus, bool write, uint64_t addr, unsigned size, uint64_t value)
{
    if (!bb_log_on(bus->log, BB_LOG_UNIMP)) return;
    if (write)
        bb_log_printf(bus->log, BB_LOG_UNIMP, "unmapped write of size %u at 0x%llx (value 0x%llx)",
                      size, (unsigned long long)addr, (unsigned long long)value);
    else
        bb_log_printf(bus->log, BB_LOG_UNIMP, "unmapped read of size %u at 0x%llx", size,
                      (unsigned long long)addr);
}

int bb_bus_read(bb_bus *bus, uint64_t addr, unsigned size, uint64_t *value, bb_attrs attrs)
{
    uint64_t phys = addr, room;
    bb_region *r = size >= 1 && size <= 8 ? resolve(bus, &phys, &room) : NULL;
    if (!r) {
        *value = 0;
        log_unmapped(bus, false, addr, size, 0);
        return BB_BUS_UNMAPPED;
    }
    if (r->kind == BB_REGION_MMIO || r->kind == BB_REGION_ROUTE) {
        if (r->ops->checked_read) {
            *value = 0;
            return r->ops->checked_read(r->opaque, phys - r->base, size, value, attrs);
        }
        *value = r->ops->read ? r->ops->read(r->opaque, phys - r->base, size, attrs) : 0;
        return BB_BUS_OK;
    }
    if (room < size) { /* straddles the end of the region: byte by byte */
        uint64_t v = 0, byte;
        int status = BB_BUS_OK;
        for (unsigned i = 0; i < size; i++) {
            if (bb_bus_read(bus, addr + i, 1, &byte, attrs) != BB_BUS_OK) status = BB_BUS_UNMAPPED;
            v |= byte << (8 * i);
        }
        *value = v;
        return status;
    }
    *value = load_le(r->host + (phys - r->base), size);
    return BB_BUS_OK;
}

int bb_bus_write(bb_bus *bus, uint64_t addr, unsigned size, uint64_t value, bb_attrs attrs)
{
    uint64_t phys = addr, room;
    bb_region *r = size >= 1 && size <= 8 ? resolve(bus, &phys, &room) : NULL;
    if (!r) {
        log_unmapped(bus, true, addr, size, value);
        return BB_BUS_UNMAPPED;
    }
    if (r->kind == BB_REGION_MMIO || r->kind == BB_REGION_ROUTE) {
        if (r->ops->checked_write)
            return r->ops->checked_write(r->opaque, phys - r->base, value, size, attrs);
        if (r->ops->write) r->ops->write(r->opaque, phys - r->base, value, size, attrs);
        return BB_BUS_OK;
    }
    if (r->kind == BB_REGION_ROM) {
        if (!attrs.debug)
            bb_log_printf(bus->log, BB_LOG_GUEST_ERRORS,
                          "write of size %u to ROM '%s' at 0x%llx ignored", size, r->name,
                          (unsigned long long)addr);
        return BB_BUS_OK;
    }
    if (room < size) {
        int status = BB_BUS_OK;
        for (unsigned i = 0; i < size; i++)
            if (bb_bus_write(bus, addr + i, 1, (value >> (8 * i)) & 0xff, attrs) != BB_BUS_OK)
                status = BB_BUS_UNMAPPED;
        return status;
    }
    before_memory_write(bus, r, phys, size);
    store_le(r->host + (phys - r->base), size, value);
    return BB_BUS_OK;
}

/* Bytes from addr to the start of the next region (len if none comes sooner). */
static uint64_t gap_after(bb_bus *bus, uint64_t addr, uint64_t len)
{
    int i = search(bus, addr) + 1;
    if (i < bus->n_regions && bus->regions[i]->base - addr < len)
        return bus->regions[i]->base - addr;
    return len;
}

/* Copies `len` bytes of one MMIO region as debug accesses: bytes up to a 4-byte boundary,
 * then words, then the tail in bytes. */
static void copy_mmio(bb_region *r, uint64_t phys, uint8_t *buf, uint64_t len, bool write)
{
    const bb_attrs debug = {.cpu = 0xff, .debug = 1};
    uint64_t off = phys - r->base;
    while (len) {
        unsigned size = (off & 3) == 0 && len >= 4 ? 4 : 1;
        if (write) {
            if (r->ops->write) r->ops->write(r->opaque, off, load_le(buf, size), size, debug);
        } else {
            store_le(buf, size, r->ops->read ? r->ops->read(r->opaque, off, size, debug) : 0);
        }
        off += size;
        buf += size;
        len -= size;
    }
}

int bb_bus_copy(bb_bus *bus, uint64_t addr, void *buf, size_t len, bool write)
{
    uint8_t *bytes = buf;
    uint64_t left = len;
    int status = BB_BUS_OK;
    while (left) {
        uint64_t phys = addr, room;
        bb_region *r = resolve(bus, &phys, &room);
        uint64_t chunk;
        if (!r) {
            /* skip to the next region, or through an alias window that leads nowhere */
            const bb_region *alias = find(bus, addr);
            chunk = left;
            if (alias) {
                uint64_t in_window = alias->size - (addr - alias->base);
                if (in_window < chunk) chunk = in_window;
                chunk = gap_after(bus, alias->alias_target + (addr - alias->base), chunk);
            } else {
                chunk = gap_after(bus, addr, chunk);
            }
            if (!write) memset(bytes, 0, chunk);
            status = BB_BUS_UNMAPPED;
        } else {
            chunk = room < left ? room : left;
            if (r->kind == BB_REGION_MMIO || r->kind == BB_REGION_ROUTE) {
                copy_mmio(r, phys, bytes, chunk, write);
            } else if (write) {
                before_memory_write(bus, r, phys, chunk);
                memcpy(r->host + (phys - r->base), bytes, chunk);
            } else {
                memcpy(bytes, r->host + (phys - r->base), chunk);
            }
        }
        addr += chunk;
        bytes += chunk;
        left -= chunk;
    }
    return status;
}

uint8_t *bb_bus_host_ptr(bb_bus *bus, uint64_t addr, uint64_t *contiguous, bool *is_rom)
{
    uint64_t room;
    bb_region *r = resolve(bus, &addr, &room);
    if (!r || !r->host) {
        if (contiguous) *contiguous = 0;
        return NULL;
    }
    if (contiguous) *contiguous = room;
    if (is_rom) *is_rom = r->kind == BB_REGION_ROM;
    return r->host + (addr - r->base);
}

void bb_bus_set_code_write_hook(bb_bus *bus, bb_code_write_hook hook, void *opaque)
{
    bus->code_write_hook = hook;
    bus->code_write_opaque = opaque;
}

void bb_bus_mark_code_page(bb_bus *bus, uint64_t addr, bool has_code)
{
    bb_region *r = resolve(bus, &addr, NULL);
    if (r && r->code_pages) r->code_pages[page_index(r, addr)] = has_code;
}

bool bb_bus_is_code_page(bb_bus *bus, uint64_t addr)
{
    bb_region *r = resolve(bus, &addr, NULL);
    return r && r->code_pages && r->code_pages[page_index(r, addr)];
}
