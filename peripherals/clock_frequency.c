/*
 * clock_frequency.c: the `clock-frequency` property that clocked models (timers, UARTs)
 * read from their device-tree node, with the model's default when the node has none.
 */
#include <libfdt.h>
#include <stdio.h>

#include "peripherals/peripherals.h"

bool bb_read_clock_frequency(const bb_device_config *cfg, uint32_t default_hz, uint32_t *hz,
                             char *err, size_t errlen)
{
    *hz = default_hz;
    int len = 0;
    const fdt32_t *prop =
        cfg->fdt ? fdt_getprop(cfg->fdt, cfg->node, "clock-frequency", &len) : NULL;
    if (!prop) return true;
    if (len != 4 || fdt32_to_cpu(*prop) == 0) {
        snprintf(err, errlen, "clock-frequency must be one non-zero cell");
        return false;
    }
    *hz = fdt32_to_cpu(*prop);
    return true;
}
