/*
 * memory_alias.c: a window of the address space that shows another part of it, as a
 * board's remap logic does: the node's reg is the window, `brassboard,target` (one or two
 * cells) the address it shows. The vexpress-a9 board shows the first 64 MiB of RAM at 0x0,
 * as QEMU's model does, so firmware linked at 0 finds its vectors there.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "peripherals/peripherals.h"

static void alias_destroy(bb_device *dev)
{
    bb_device_cleanup(dev);
    free(dev);
}

static bb_device *alias_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    int len = 0;
    const fdt32_t *target =
        cfg->fdt ? fdt_getprop(cfg->fdt, cfg->node, "brassboard,target", &len) : NULL;
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0 || !target || (len != 4 && len != 8)) {
        snprintf(err, errlen, "needs a reg property (the window) and brassboard,target");
        return NULL;
    }
    uint64_t to = fdt32_to_cpu(target[0]);
    if (len == 8) to = to << 32 | fdt32_to_cpu(target[1]);
    bb_device *dev = calloc(1, sizeof(*dev));
    if (!dev || !bb_device_init(dev, &bb_model_memory_alias, m, cfg->name, 0, 0, NULL, NULL)) {
        free(dev);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    dev->destroy = alias_destroy;
    if (!bb_bus_add_alias(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], to)) {
        snprintf(err, errlen, "window at 0x%llx overlaps another region",
                 (unsigned long long)cfg->reg_base[0]);
        alias_destroy(dev);
        return NULL;
    }
    return dev;
}

static const char *const alias_compatible[] = {"brassboard,memory-alias", NULL};

const bb_device_model bb_model_memory_alias = {
    "memory_alias",
    "a window showing another part of the address space (remap)",
    alias_compatible,
    alias_create,
};
