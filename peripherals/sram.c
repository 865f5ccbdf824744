/*
 * sram.c: on-board static or pseudo-static RAM that is not system memory (no `memory`
 * node, so an operating system given the tree does not allocate from it): RAM on the bus
 * at the node's reg, e.g. the V2M-P1's 32 MiB PSRAM where the boot monitor keeps code for
 * the secondary CPUs.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "peripherals/peripherals.h"
#include "peripherals/sram.h"

typedef struct sram {
    bb_device dev;
    uint64_t base, size;
} sram;

static void sram_destroy(bb_device *dev)
{
    bb_device_cleanup(dev);
    free(dev);
}

static bb_device *sram_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (base and size)");
        return NULL;
    }
    sram *s = calloc(1, sizeof(*s));
    bb_device *dev = s ? &s->dev : NULL;
    if (!s || !bb_device_init(dev, &bb_model_sram, m, cfg->name, 0, 0, NULL, NULL)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    dev->destroy = sram_destroy;
    s->base = cfg->reg_base[0];
    s->size = cfg->reg_size[0];
    if (!bb_bus_add_ram(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0])) {
        snprintf(err, errlen, "RAM at 0x%llx (size 0x%llx) cannot be added",
                 (unsigned long long)cfg->reg_base[0], (unsigned long long)cfg->reg_size[0]);
        sram_destroy(dev);
        return NULL;
    }
    return dev;
}

bool bb_sram_region(bb_machine *m, uint64_t *base, uint64_t *size)
{
    for (bb_device *dev = m->devices; dev; dev = dev->next)
        if (dev->model == &bb_model_sram) {
            *base = ((sram *)dev)->base;
            *size = ((sram *)dev)->size;
            return true;
        }
    return false;
}

static const char *const sram_compatible[] = {"mmio-sram", "arm,vexpress-psram", NULL};

const bb_device_model bb_model_sram = {
    "sram",
    "on-board RAM outside system memory (SRAM, PSRAM)",
    sram_compatible,
    sram_create,
};
