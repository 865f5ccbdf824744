/*
 * linux_boot.c: the Linux boot protocol for ARM boards (see linux_boot.h).
 *
 * Placement in the first RAM bank: a zImage goes 32 MiB into RAM (0x8000 when RAM is
 * smaller than 96 MiB), so that it decompresses below itself without relocating; a raw
 * Image goes to RAM + 0x8000 (the kernel's TEXT_OFFSET); a uImage (uncompressed payload
 * only) where its header says. The initrd goes at the top of the first 512 MiB of RAM
 * (within the kernel's low memory) and the device tree just below it, both page aligned.
 *
 * The tree given to the kernel gets: /chosen/bootargs (--append), linux,initrd-start and
 * linux,initrd-end, the memory node set to the machine's RAM, no CPU nodes for CPUs the
 * machine does not have (see drop_missing_cpus), and, when it is not the
 * board's own tree (--dtb), a node for every virtio-mmio transport that has a device
 * behind it and that the tree does not describe (as QEMU does for its vexpress boards).
 *
 * Secondary CPUs run the boot monitor's pen from the board's SRAM: enable their GIC CPU
 * interface (priority mask open), then WFI until the flags register (SYS_FLAGS) is
 * non-zero and jump there. Linux writes its secondary entry point to SYS_FLAGSSET and
 * wakes each CPU with an SGI.
 */
#include "core/linux_boot.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/board.h"
#include "core/machine.h"
#include "jit/arm/cpu.h"
#include "peripherals/arm_gic.h"
#include "peripherals/sram.h"
#include "peripherals/vexpress_sysregs.h"
#include "peripherals/virtio_mmio.h"

#define MiB                 (1024ull * 1024)
#define PAGE                4096ull
#define ZIMAGE_MAGIC        0x016f2818u
#define ZIMAGE_MAGIC_OFFSET 0x24
#define UIMAGE_MAGIC        0x27051956u
#define UIMAGE_HEADER       64
#define TEXT_OFFSET         0x8000u
#define LOWMEM_LIMIT        (512 * MiB)
#define FDT_ROOM            16384 /* extra space for the nodes and properties the loader adds */

static uint64_t align_down(uint64_t v, uint64_t a)
{
    return v & ~(a - 1);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static void *read_file(const char *what, const char *path, size_t *size, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s '%s': %s", what, path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            char *grown = realloc(buf, cap);
            if (!grown) {
                free(buf);
                fclose(f);
                snprintf(err, errlen, "%s '%s': out of memory", what, path);
                return NULL;
            }
            buf = grown;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed || len == 0) {
        snprintf(err, errlen, "%s '%s': %s", what, path, failed ? "read error" : "empty file");
        free(buf);
        return NULL;
    }
    *size = len;
    return buf;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Copies len bytes to guest RAM at addr; false (with a message) when they do not fit. */
static bool put_in_ram(bb_machine *m, const char *what, const char *path, uint64_t addr,
                       const void *data, size_t len, char *err, size_t errlen)
{
    uint64_t contiguous = 0;
    bool is_rom = false;
    if (!bb_bus_host_ptr(m->bus, addr, &contiguous, &is_rom) || is_rom || contiguous < len) {
        snprintf(err, errlen, "%s '%s': 0x%zx bytes at 0x%llx do not fit in RAM", what, path, len,
                 (unsigned long long)addr);
        return false;
    }
    bb_bus_copy(m->bus, addr, (void *)data, len, true);
    return true;
}

typedef struct placed {
    uint64_t entry;
    uint64_t start, end; /* where the kernel image lies */
} placed;

static bool load_kernel(bb_machine *m, const char *path, placed *k, char *err, size_t errlen)
{
    size_t size;
    uint8_t *data = read_file("kernel", path, &size, err, errlen);
    if (!data) return false;
    const uint8_t *payload = data;
    size_t len = size;
    bool ok = false;
    if (size >= UIMAGE_HEADER && be32(data) == UIMAGE_MAGIC) {
        uint32_t data_size = be32(data + 12), load = be32(data + 16), ep = be32(data + 20);
        uint8_t arch = data[29], type = data[30], comp = data[31];
        if (arch != 2 || type != 2) {
            snprintf(err, errlen, "kernel '%s': uImage is not an ARM kernel (arch %u, type %u)",
                     path, arch, type);
            goto done;
        }
        if (comp != 0) {
            snprintf(err, errlen,
                     "kernel '%s': compressed uImage payloads are not supported (use the zImage)",
                     path);
            goto done;
        }
        if (data_size > size - UIMAGE_HEADER) {
            snprintf(err, errlen, "kernel '%s': uImage truncated", path);
            goto done;
        }
        payload = data + UIMAGE_HEADER;
        len = data_size;
        k->start = load;
        k->entry = ep;
    } else if (size >= 0x30 && le32(data + ZIMAGE_MAGIC_OFFSET) == ZIMAGE_MAGIC) {
        k->start = m->ram_base + (m->ram_size >= 96 * MiB ? 32 * MiB : TEXT_OFFSET);
        k->entry = k->start;
    } else {
        k->start = m->ram_base + TEXT_OFFSET;
        k->entry = k->start;
    }
    k->end = k->start + len;
    ok = put_in_ram(m, "kernel", path, k->start, payload, len, err, errlen);
done:
    free(data);
    return ok;
}

/* Opens `blob` (or the board's tree) into a buffer with room for the loader's additions. */
static void *open_tree(bb_machine *m, const char *path, size_t extra, char *err, size_t errlen)
{
    size_t size = 0;
    void *blob = path ? read_file("device tree", path, &size, err, errlen) : m->fdt;
    if (!blob) return NULL;
    const char *name = path ? path : m->board_name;
    void *out = NULL;
    int rc = fdt_check_header(blob);
    if (rc == 0 && path && fdt_totalsize(blob) > size) rc = -FDT_ERR_TRUNCATED;
    if (rc == 0) {
        size_t cap = fdt_totalsize(blob) + FDT_ROOM + extra;
        out = malloc(cap);
        rc = out ? fdt_open_into(blob, out, (int)cap) : -FDT_ERR_NOSPACE;
    }
    if (rc != 0) {
        snprintf(err, errlen, "device tree '%s': %s", name, fdt_strerror(rc));
        free(out);
        out = NULL;
    }
    if (path) free(blob);
    return out;
}

/* Writes an address/size pair list property with the cell sizes of `parent`. */
static int set_reg(void *fdt, int node, int parent, uint64_t base, uint64_t size)
{
    int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
    fdt32_t cells[4];
    int n = 0;
    if (ac == 2) cells[n++] = cpu_to_fdt32((uint32_t)(base >> 32));
    cells[n++] = cpu_to_fdt32((uint32_t)base);
    if (sc == 2) cells[n++] = cpu_to_fdt32((uint32_t)(size >> 32));
    cells[n++] = cpu_to_fdt32((uint32_t)size);
    return fdt_setprop(fdt, node, "reg", cells, n * (int)sizeof(fdt32_t));
}

static int set_memory(void *fdt, bb_machine *m)
{
    int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7);
    if (node < 0) {
        char name[32];
        snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)m->ram_base);
        node = fdt_add_subnode(fdt, 0, name);
        if (node < 0) return node;
        int rc = fdt_setprop_string(fdt, node, "device_type", "memory");
        if (rc) return rc;
    }
    return set_reg(fdt, node, fdt_parent_offset(fdt, node), m->ram_base, m->ram_size);
}

/* Is there a node whose first reg entry starts at base (at the root's address size)? */
static bool tree_has_device_at(const void *fdt, uint64_t base)
{
    char unit[24];
    snprintf(unit, sizeof(unit), "@%llx", (unsigned long long)base);
    for (int node = fdt_next_node(fdt, -1, NULL); node >= 0;
         node = fdt_next_node(fdt, node, NULL)) {
        const char *name = fdt_get_name(fdt, node, NULL);
        const char *at = name ? strchr(name, '@') : NULL;
        if (at && strcmp(at, unit) == 0) return true;
    }
    return false;
}

static int add_virtio_nodes(void *fdt, bb_machine *m)
{
    bb_virtio_transport t[8];
    int n = bb_virtio_mmio_transports(m, t, 8);
    for (int i = 0; i < n; i++) {
        if (tree_has_device_at(fdt, t[i].base)) continue;
        char name[40];
        snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)t[i].base);
        int node = fdt_add_subnode(fdt, 0, name);
        if (node < 0) return node;
        fdt32_t irq[3] = {cpu_to_fdt32(t[i].irq_cells[0]), cpu_to_fdt32(t[i].irq_cells[1]),
                          cpu_to_fdt32(t[i].irq_cells[2])};
        int rc = fdt_setprop_string(fdt, node, "compatible", "virtio,mmio");
        if (!rc) rc = set_reg(fdt, node, 0, t[i].base, t[i].size);
        if (!rc) rc = fdt_setprop(fdt, node, "interrupts", irq, sizeof(irq));
        if (!rc) rc = fdt_setprop(fdt, node, "dma-coherent", NULL, 0);
        if (rc) return rc;
    }
    return 0;
}

/* The CPU nodes of the tree for CPUs the machine does not have are removed (a tree for a
 * four-core tile on a two-core machine would make Linux wait a second for each missing
 * CPU), with their entries in interrupt-affinity lists (the PMU) and the interrupts that
 * go with them. */
static int drop_missing_cpus(void *fdt, int n_cpus)
{
    uint32_t gone[8];
    int n_gone = 0;
    for (;;) {
        int cpus = fdt_path_offset(fdt, "/cpus"), node, victim = -1;
        if (cpus < 0) return 0;
        fdt_for_each_subnode(node, fdt, cpus)
        {
            const char *type = fdt_getprop(fdt, node, "device_type", NULL);
            const fdt32_t *reg = fdt_getprop(fdt, node, "reg", NULL);
            if (type && strcmp(type, "cpu") == 0 && reg &&
                (int)(fdt32_to_cpu(*reg) & 0xff) >= n_cpus) {
                victim = node;
                break;
            }
        }
        if (victim < 0) break;
        uint32_t phandle = fdt_get_phandle(fdt, victim);
        if (phandle && n_gone < 8) gone[n_gone++] = phandle;
        int rc = fdt_del_node(fdt, victim);
        if (rc) return rc;
    }
    for (int node = fdt_next_node(fdt, -1, NULL); n_gone && node >= 0;
         node = fdt_next_node(fdt, node, NULL)) {
        int alen = 0, ilen = 0;
        const fdt32_t *aff = fdt_getprop(fdt, node, "interrupt-affinity", &alen);
        const fdt32_t *irqs = fdt_getprop(fdt, node, "interrupts", &ilen);
        int n = alen / 4;
        if (!aff || !irqs || n == 0 || n > 8 || ilen % n) continue;
        int cells = ilen / 4 / n;
        fdt32_t new_aff[8], new_irqs[8 * 4];
        int kept = 0;
        for (int i = 0; i < n && cells <= 4; i++) {
            bool dropped = false;
            for (int g = 0; g < n_gone; g++)
                dropped |= fdt32_to_cpu(aff[i]) == gone[g];
            if (dropped) continue;
            new_aff[kept] = aff[i];
            memcpy(new_irqs + kept * cells, irqs + i * cells, (size_t)cells * 4);
            kept++;
        }
        if (kept == n || cells > 4) continue;
        int rc = fdt_setprop(fdt, node, "interrupt-affinity", new_aff, kept * 4);
        if (!rc) rc = fdt_setprop(fdt, node, "interrupts", new_irqs, kept * cells * 4);
        if (rc) return rc;
    }
    return 0;
}

static int set_chosen(void *fdt, const bb_linux_boot *boot, uint64_t initrd_start,
                      uint64_t initrd_end)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0) chosen = fdt_add_subnode(fdt, 0, "chosen");
    if (chosen < 0) return chosen;
    int rc = 0;
    if (boot->append) rc = fdt_setprop_string(fdt, chosen, "bootargs", boot->append);
    if (!rc && boot->initrd) {
        rc = fdt_setprop_u32(fdt, chosen, "linux,initrd-start", (uint32_t)initrd_start);
        if (!rc) rc = fdt_setprop_u32(fdt, chosen, "linux,initrd-end", (uint32_t)initrd_end);
    }
    return rc;
}

/* The secondary CPUs' pen (ARM code; GIC CPU interface and flags addresses follow it). */
static const uint32_t pen_code[] = {
    0xe59f2024, /*       ldr   r2, gic_cpu           */
    0xe3a00001, /*       mov   r0, #1                */
    0xe5820000, /*       str   r0, [r2]     ICCICR   */
    0xe3a000ff, /*       mov   r0, #0xff             */
    0xe5820004, /*       str   r0, [r2, #4] ICCPMR   */
    0xe59f1014, /*       ldr   r1, flags             */
    0xe320f003, /* 1:    wfi                         */
    0xe5910000, /*       ldr   r0, [r1]              */
    0xe3500000, /*       cmp   r0, #0                */
    0x0afffffb, /*       beq   1b                    */
    0xe12fff10, /*       bx    r0                    */
};

static bool set_up_secondaries(bb_machine *m, char *err, size_t errlen)
{
    if (m->n_cpus < 2) return true;
    uint64_t gic_cpu, flags, sram, sram_size;
    if (!bb_gic_cpu_interface_base(m, &gic_cpu) || !bb_vexpress_flags_address(m, &flags) ||
        !bb_sram_region(m, &sram, &sram_size) || sram_size < PAGE) {
        snprintf(err, errlen,
                 "board '%s': booting Linux on %d CPUs needs a GIC, Versatile Express system "
                 "registers and an SRAM for the secondary CPUs' pen",
                 m->board_name, m->n_cpus);
        return false;
    }
    uint32_t pen[sizeof(pen_code) / 4 + 2];
    memcpy(pen, pen_code, sizeof(pen_code));
    pen[sizeof(pen_code) / 4] = (uint32_t)gic_cpu;
    pen[sizeof(pen_code) / 4 + 1] = (uint32_t)flags;
    bb_bus_copy(m->bus, sram, pen, sizeof(pen), true);
    for (int i = 1; i < m->n_cpus; i++) {
        bb_arm_cpu *c = arm_cpu(m->cpus[i]);
        arm_cpsr_write(c, ARM_MODE_SVC | ARM_CPSR_I | ARM_CPSR_F, 0xf00000ffu);
        m->cpu_model->set_entry(m->cpus[i], sram);
    }
    return true;
}

bool bb_linux_boot_load(bb_machine *m, const bb_linux_boot *boot, char *err, size_t errlen)
{
    if (!m->cpu_model || !m->cpu_model->compatible ||
        strncmp(m->cpu_model->compatible, "arm,", 4)) {
        snprintf(err, errlen, "board '%s': --kernel boots ARM Linux only", m->board_name);
        return false;
    }
    placed k;
    if (!load_kernel(m, boot->kernel, &k, err, errlen)) return false;

    uint8_t *initrd = NULL;
    size_t initrd_size = 0;
    if (boot->initrd && !(initrd = read_file("initrd", boot->initrd, &initrd_size, err, errlen)))
        return false;
    size_t extra = boot->append ? strlen(boot->append) + 1 : 0;
    void *fdt = open_tree(m, boot->dtb, extra, err, errlen);
    if (!fdt) {
        free(initrd);
        return false;
    }
    uint64_t top = m->ram_base + (m->ram_size < LOWMEM_LIMIT ? m->ram_size : LOWMEM_LIMIT);
    uint64_t initrd_start = align_down(top - align_up(initrd_size, PAGE), PAGE);
    uint64_t initrd_end = initrd_start + initrd_size;
    const char *tree_name = boot->dtb ? boot->dtb : m->board_name;
    int rc = set_chosen(fdt, boot, initrd_start, initrd_end);
    if (!rc) rc = set_memory(fdt, m);
    if (!rc) rc = drop_missing_cpus(fdt, m->n_cpus);
    if (!rc && boot->dtb) rc = add_virtio_nodes(fdt, m); /* the board's tree has them */
    if (!rc) rc = fdt_pack(fdt);
    bool ok = rc == 0;
    if (!ok) snprintf(err, errlen, "device tree '%s': %s", tree_name, fdt_strerror(rc));
    uint64_t dtb_size = ok ? fdt_totalsize(fdt) : 0;
    uint64_t dtb_addr = align_down(initrd_start - dtb_size, PAGE);
    if (ok && (dtb_addr < k.end || top - m->ram_base < dtb_size + initrd_size)) {
        snprintf(err, errlen,
                 "kernel, initrd and device tree do not fit in the first %llu MiB of RAM "
                 "(give more with --memory)",
                 (unsigned long long)((top - m->ram_base) / MiB));
        ok = false;
    }
    if (ok && initrd)
        ok = put_in_ram(m, "initrd", boot->initrd, initrd_start, initrd, initrd_size, err, errlen);
    if (ok) ok = put_in_ram(m, "device tree", tree_name, dtb_addr, fdt, dtb_size, err, errlen);
    free(initrd);
    free(fdt);
    if (!ok || !set_up_secondaries(m, err, errlen)) return false;

    bb_arm_cpu *c = arm_cpu(m->cpus[0]);
    arm_cpsr_write(c, ARM_MODE_SVC | ARM_CPSR_I | ARM_CPSR_F, 0xf00000ffu);
    c->r[0] = 0;
    c->r[1] = 0xffffffffu;
    c->r[2] = (uint32_t)dtb_addr;
    m->cpu_model->set_entry(m->cpus[0], k.entry);
    if (k.end > m->image_end) m->image_end = k.end;
    return true;
}
