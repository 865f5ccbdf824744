/*
 * boot_options.c: parsing the boot and board-device options of `run`, and applying the
 * device options to the board's device tree before the machine is built (see
 * boot_options.h).
 */
#include "core/boot_options.h"

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"

#define FDT_ROOM 4096

static bool is(const char *arg, const char *name)
{
    return strcmp(arg, name) == 0;
}

int bb_boot_options_parse(bb_boot_options *o, const char *arg, const char *val, char *err,
                          size_t errlen)
{
    const char **slot = NULL;
    if (is(arg, "--kernel"))
        slot = &o->linux_boot.kernel;
    else if (is(arg, "--dtb"))
        slot = &o->linux_boot.dtb;
    else if (is(arg, "--initrd"))
        slot = &o->linux_boot.initrd;
    else if (is(arg, "--append"))
        slot = &o->linux_boot.append;
    else if (is(arg, "--sd"))
        slot = &o->sd;
    else if (is(arg, "--virtio-console"))
        slot = &o->virtio_console;
    else if (!is(arg, "--smp") && !is(arg, "--drive") && !is(arg, "--net"))
        return 0;
    if (!val) {
        snprintf(err, errlen, "option %s needs a value", arg);
        return -1;
    }
    if (slot) {
        *slot = val;
    } else if (is(arg, "--smp")) {
        char *end;
        long n = strtol(val, &end, 10);
        if (*end || n < 1 || n > BB_MAX_CPUS) {
            snprintf(err, errlen, "--smp '%s': expected a CPU count from 1 to %d", val,
                     BB_MAX_CPUS);
            return -1;
        }
        o->smp = (int)n;
    } else if (is(arg, "--drive")) {
        if (o->n_drives == BB_BOOT_MAX_DRIVES) {
            snprintf(err, errlen, "--drive '%s': at most %d drives", val, BB_BOOT_MAX_DRIVES);
            return -1;
        }
        o->drives[o->n_drives++] = val;
    } else {
        if (!is(val, "user") && !is(val, "none")) {
            snprintf(err, errlen, "--net '%s': expected user or none", val);
            return -1;
        }
        o->net = val;
    }
    return 2;
}

bool bb_boot_options_check(const bb_boot_options *o, const char *image, char *err, size_t errlen)
{
    const bb_linux_boot *b = &o->linux_boot;
    if (b->kernel && image) {
        snprintf(err, errlen, "give either an image or --kernel, not both ('%s')", image);
        return false;
    }
    if (!b->kernel && (b->dtb || b->initrd || b->append)) {
        snprintf(err, errlen, "%s needs --kernel",
                 b->dtb      ? "--dtb"
                 : b->initrd ? "--initrd"
                             : "--append");
        return false;
    }
    return true;
}

/* --smp N: the board's first CPU node, kept N times (cpu@0 .. cpu@N-1). */
enum { MAX_CPU_PROPS = 16, MAX_PROP_BYTES = 256 };

typedef struct saved_prop {
    char name[64];
    uint8_t value[MAX_PROP_BYTES];
    int len;
} saved_prop;

static bool set_cpu_count(void *fdt, int n, char *err, size_t errlen)
{
    int cpus = fdt_path_offset(fdt, "/cpus");
    int first = cpus >= 0 ? fdt_first_subnode(fdt, cpus) : -1;
    if (first < 0) {
        snprintf(err, errlen, "--smp: the board has no /cpus node with a CPU");
        return false;
    }
    saved_prop props[MAX_CPU_PROPS];
    int n_props = 0, prop;
    fdt_for_each_property_offset(prop, fdt, first)
    {
        const char *name;
        int len;
        const void *value = fdt_getprop_by_offset(fdt, prop, &name, &len);
        if (strcmp(name, "phandle") == 0 || strcmp(name, "reg") == 0) continue;
        if (n_props == MAX_CPU_PROPS || len > MAX_PROP_BYTES || strlen(name) >= 64) continue;
        snprintf(props[n_props].name, sizeof(props[n_props].name), "%s", name);
        memcpy(props[n_props].value, value, (size_t)len);
        props[n_props++].len = len;
    }
    int count = 0, node;
    fdt_for_each_subnode(node, fdt, cpus) count++;
    for (; count > n; count--) { /* drop the last CPU nodes */
        int last = -1;
        fdt_for_each_subnode(node, fdt, cpus) last = node;
        if (fdt_del_node(fdt, last) != 0) return false;
    }
    for (int i = count; i < n; i++) {
        char name[16];
        snprintf(name, sizeof(name), "cpu@%d", i);
        int copy = fdt_add_subnode(fdt, fdt_path_offset(fdt, "/cpus"), name);
        if (copy < 0) return false;
        for (int k = 0; k < n_props; k++)
            if (fdt_setprop(fdt, copy, props[k].name, props[k].value, props[k].len) != 0)
                return false;
        if (fdt_setprop_u32(fdt, copy, "reg", (uint32_t)i) != 0) return false;
    }
    return true;
}

static int first_node(const void *fdt, const char *compatible, const char *without)
{
    for (int node = fdt_node_offset_by_compatible(fdt, -1, compatible); node >= 0;
         node = fdt_node_offset_by_compatible(fdt, node, compatible))
        if (!without || !fdt_getprop(fdt, node, without, NULL)) return node;
    return -1;
}

/* Sets `prop` on the first device compatible with one of `compatibles` (a list ending
 * in NULL, in order of preference). */
static bool set_device_prop(void *fdt, const char *option, const char *const *compatibles,
                            const char *prop, const char *value, char *err, size_t errlen)
{
    int node = -1;
    for (int i = 0; compatibles[i] && node < 0; i++)
        node = first_node(fdt, compatibles[i], NULL);
    if (node < 0) {
        snprintf(err, errlen, "%s: the board has no %s device", option, compatibles[0]);
        return false;
    }
    return fdt_setprop_string(fdt, node, prop, value) == 0;
}

/* The SD card slots --sd fills: the Versatile Express MMCI, the Zynq's SDHCI. */
static const char *const sd_hosts[] = {"arm,pl180", "arasan,sdhci-8.9a", "xlnx,zynq-sdhci", NULL};
static const char *const net_devices[] = {"smsc,lan9118", NULL};

static bool add_virtio(void *fdt, const char *option, const char *kind, const char *prop,
                       const char *value, char *err, size_t errlen)
{
    int node = first_node(fdt, "virtio,mmio", "brassboard,virtio");
    if (node < 0) {
        snprintf(err, errlen, "%s '%s': no free virtio-mmio transport on the board", option, value);
        return false;
    }
    if (fdt_setprop_string(fdt, node, "brassboard,virtio", kind) != 0) return false;
    node = first_node(fdt, "virtio,mmio", NULL); /* offsets may have moved: find it again */
    while (node >= 0) {
        const char *k = fdt_getprop(fdt, node, "brassboard,virtio", NULL);
        if (k && strcmp(k, kind) == 0 && !fdt_getprop(fdt, node, prop, NULL)) break;
        node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio");
    }
    return node >= 0 && fdt_setprop_string(fdt, node, prop, value) == 0;
}

bool bb_boot_options_edit_board(void **fdt_ptr, void *opaque, char *err, size_t errlen)
{
    const bb_boot_options *o = opaque;
    size_t extra = FDT_ROOM;
    if (o->sd) extra += strlen(o->sd);
    for (int i = 0; i < o->n_drives; i++)
        extra += strlen(o->drives[i]);
    if (o->virtio_console) extra += strlen(o->virtio_console);
    size_t cap = fdt_totalsize(*fdt_ptr) + extra;
    void *fdt = malloc(cap);
    if (!fdt || fdt_open_into(*fdt_ptr, fdt, (int)cap) != 0) {
        free(fdt);
        snprintf(err, errlen, "board device tree: cannot be edited");
        return false;
    }
    err[0] = 0;
    bool ok = true;
    if (ok && o->smp) ok = set_cpu_count(fdt, o->smp, err, errlen);
    if (ok && o->sd)
        ok = set_device_prop(fdt, "--sd", sd_hosts, "brassboard,sd-image", o->sd, err, errlen);
    for (int i = 0; ok && i < o->n_drives; i++)
        ok = add_virtio(fdt, "--drive", "block", "brassboard,image", o->drives[i], err, errlen);
    if (ok && o->virtio_console)
        ok = add_virtio(fdt, "--virtio-console", "console", "brassboard,chardev", o->virtio_console,
                        err, errlen);
    if (ok && o->net)
        ok = set_device_prop(fdt, "--net", net_devices, "brassboard,net", o->net, err, errlen);
    if (ok) fdt_pack(fdt);
    if (!ok) {
        if (!err[0]) snprintf(err, errlen, "board device tree: cannot be edited (out of room)");
        free(fdt);
        return false;
    }
    free(*fdt_ptr);
    *fdt_ptr = fdt;
    return true;
}

bool bb_boot_options_load(bb_machine *m, const bb_boot_options *o, char *err, size_t errlen)
{
    if (!o->linux_boot.kernel) return true;
    return bb_linux_boot_load(m, &o->linux_boot, err, errlen);
}

void bb_boot_options_usage(FILE *out)
{
    fputs("  --kernel FILE          boot Linux: zImage, uImage or Image (instead of IMAGE)\n"
          "  --dtb FILE             device tree for the kernel (default: the board's)\n"
          "  --initrd FILE          initial RAM disk for the kernel\n"
          "  --append TEXT          kernel command line (/chosen/bootargs)\n"
          "  --smp N                number of CPUs (default: the board's)\n"
          "  --sd FILE              SD card image in the board's SD slot (MMCI or SDHCI)\n"
          "  --drive FILE           disk image as a virtio block device (repeatable)\n"
          "  --virtio-console SPEC  virtio console on a chardev (stdio, file:PATH, tcp:PORT)\n"
          "  --net user|none        Ethernet backend: user-mode networking (slirp) or none\n",
          out);
}
