/*
 * virtio_mmio.h: what boot code needs from the virtio-mmio transports (virtio_mmio.c):
 * the transports that have a device behind them, to describe them to a guest whose
 * device tree does not.
 */
#ifndef BB_VIRTIO_MMIO_H
#define BB_VIRTIO_MMIO_H

#include <stdint.h>

typedef struct bb_machine bb_machine;

typedef struct bb_virtio_transport {
    uint64_t base, size;
    uint32_t irq_cells[3]; /* the node's interrupts specifier (GIC: type, number, flags) */
} bb_virtio_transport;

/* Fills up to max entries; returns how many transports have a device. */
int bb_virtio_mmio_transports(bb_machine *m, bb_virtio_transport *out, int max);

#endif
