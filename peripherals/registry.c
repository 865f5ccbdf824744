/*
 * registry.c: the table of built-in peripheral models and the lookup of a model by one
 * device-tree `compatible` string (the board builder tries a node's strings in order).
 */
#include <string.h>

#include "core/device.h"
#include "peripherals/peripherals.h"
#include "scripting/script.h"

const bb_device_model *const bb_device_models[] = {
    &bb_model_pl011,
    &bb_model_sp804,
    &bb_model_pl190,
    &bb_model_versatile_sic,
    &bb_model_versatile_sysregs,
    &bb_model_sp810,
    &bb_model_pl031,
    &bb_model_arm_gic,
    &bb_model_a9_scu,
    &bb_model_a9_twd_timer,
    &bb_model_a9_twd_wdt,
    &bb_model_a9_global_timer,
    &bb_model_pl310,
    &bb_model_vexpress_sysregs,
    &bb_model_pl180,
    &bb_model_sram,
    &bb_model_memory_alias,
    &bb_model_virtio_mmio,
    &bb_model_lan9118,
    &bb_model_cadence_uart,
    &bb_model_cadence_ttc,
    &bb_model_cadence_wdt,
    &bb_model_zynq_slcr,
    &bb_model_zynq_ocm,
    &bb_model_zynq_gpio,
    &bb_model_zynq_devcfg,
    &bb_model_sdhci,
    &bb_model_lua,
    NULL,
};

const bb_device_model *bb_device_find_model(const char *compatible)
{
    if (!compatible) return NULL;
    for (int i = 0; bb_device_models[i]; i++) {
        const char *const *names = bb_device_models[i]->compatible;
        for (int k = 0; names && names[k]; k++)
            if (strcmp(names[k], compatible) == 0) return bb_device_models[i];
    }
    return NULL;
}
