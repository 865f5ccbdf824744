/*
 * peripherals.h: the built-in peripheral models (registered in registry.c) and the few
 * small helpers their register files share.
 */
#ifndef BB_PERIPHERALS_H
#define BB_PERIPHERALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/device.h"

/* ARM Versatile PB */
extern const bb_device_model bb_model_pl011;             /* UART */
extern const bb_device_model bb_model_sp804;             /* dual timer */
extern const bb_device_model bb_model_pl190;             /* vectored interrupt controller */
extern const bb_device_model bb_model_versatile_sic;     /* secondary interrupt controller */
extern const bb_device_model bb_model_versatile_sysregs; /* board system registers */
extern const bb_device_model bb_model_sp810;             /* system controller */
extern const bb_device_model bb_model_pl031;             /* real-time clock */

/* Cortex-A9 MPCore private peripherals and the Versatile Express A9 board */
extern const bb_device_model bb_model_arm_gic;          /* GIC v1: distributor, CPU interface */
extern const bb_device_model bb_model_a9_scu;           /* snoop control unit */
extern const bb_device_model bb_model_a9_twd_timer;     /* private timer, per CPU */
extern const bb_device_model bb_model_a9_twd_wdt;       /* private watchdog, per CPU */
extern const bb_device_model bb_model_a9_global_timer;  /* global timer */
extern const bb_device_model bb_model_pl310;            /* L2 cache controller */
extern const bb_device_model bb_model_vexpress_sysregs; /* V2M-P1 system registers */
extern const bb_device_model bb_model_pl180;            /* MMCI with an SD card */
extern const bb_device_model bb_model_sram;             /* RAM outside system memory */
extern const bb_device_model bb_model_memory_alias;     /* remap window */
extern const bb_device_model bb_model_virtio_mmio;      /* virtio-mmio: block, console */
extern const bb_device_model bb_model_lan9118;          /* Ethernet with user networking */

/* Xilinx Zynq-7000 processing system */
extern const bb_device_model bb_model_cadence_uart; /* UART (xuartps) */
extern const bb_device_model bb_model_cadence_ttc;  /* triple timer counter */
extern const bb_device_model bb_model_cadence_wdt;  /* system watchdog (SWDT) */
extern const bb_device_model bb_model_zynq_slcr;    /* system level control registers */
extern const bb_device_model bb_model_zynq_ocm;     /* on-chip memory and its mapping */
extern const bb_device_model bb_model_zynq_gpio;    /* GPIO, MIO and EMIO banks */
extern const bb_device_model bb_model_zynq_devcfg;  /* device configuration (DevC/PCAP) */
extern const bb_device_model bb_model_sdhci;        /* SD host controller with an SD card */

/* PrimeCell identification registers: peripheral ID 0-3 at 0xFE0-0xFEC, then PrimeCell
 * ID 0-3 at 0xFF0-0xFFC, one byte each. Returns false when offset is not one of them. */
static inline bool bb_primecell_id(const uint8_t id[8], uint64_t offset, uint32_t *value)
{
    if (offset < 0xfe0 || offset > 0xffc || (offset & 3)) return false;
    *value = id[(offset - 0xfe0) >> 2];
    return true;
}

/* Models keep 32-bit registers; a narrower read at offset returns the addressed bytes of
 * the register containing it. */
static inline uint64_t bb_mmio_narrow(uint32_t word, uint64_t offset, unsigned size)
{
    word >>= 8 * (offset & 3);
    return size >= 4 ? word : word & ((1u << (8 * size)) - 1);
}

/* The node's `clock-frequency` (one non-zero cell) in *hz, or default_hz when the node has
 * none (or there is no device tree). False, with a message in err, when it is malformed. */
bool bb_read_clock_frequency(const bb_device_config *cfg, uint32_t default_hz, uint32_t *hz,
                             char *err, size_t errlen);

#endif
