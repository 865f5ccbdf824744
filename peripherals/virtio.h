/*
 * virtio.h: the interface between the virtio-mmio transport (virtio_mmio.c) and the
 * virtio devices behind it (virtio_blk.c, virtio_console.c): split virtqueues in guest
 * memory, popped and pushed by the devices, and the device operations the transport
 * calls. Only virtio 1.0 without indirect descriptors or event indexes is offered.
 */
#ifndef BB_VIRTIO_H
#define BB_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bb_machine bb_machine;
typedef struct virtio_transport virtio_transport;
typedef struct bb_state bb_state;

#define VIRTIO_MAX_QUEUES   4
#define VIRTIO_MAX_SEGMENTS 64

/* One guest buffer of a descriptor chain. */
typedef struct virtio_segment {
    uint64_t addr;
    uint32_t len;
    bool device_writes; /* VIRTQ_DESC_F_WRITE */
} virtio_segment;

/* A popped descriptor chain. */
typedef struct virtio_chain {
    uint16_t head;
    int n;
    virtio_segment seg[VIRTIO_MAX_SEGMENTS];
    uint32_t readable, writable; /* total bytes of each kind */
} virtio_chain;

typedef struct virtio_device_ops {
    uint32_t device_id;
    uint64_t features; /* device feature bits (VIRTIO_F_VERSION_1 is added) */
    int n_queues;
    uint16_t queue_size; /* QueueNumMax */
    uint32_t (*config_read)(void *dev, uint64_t offset, unsigned size);
    void (*config_write)(void *dev, uint64_t offset, uint64_t value, unsigned size);
    /* The driver made buffers available on `queue` (or set DRIVER_OK). */
    void (*notify)(void *dev, int queue);
    void (*reset)(void *dev);
    void (*destroy)(void *dev);
    /* Snapshots (core/snapshot.h): the device's own state; NULL when it has none. */
    void (*state)(void *dev, bb_state *st);
} virtio_device_ops;

/* For devices: their machine, the next available chain (false when none, or when the
 * queue is not ready or its chain is broken: then the transport is marked as needing a
 * reset), returning a chain with `written` bytes, and raising the interrupt. */
bb_machine *virtio_machine(virtio_transport *t);
bool virtio_queue_ready(virtio_transport *t, int queue);
bool virtio_pop(virtio_transport *t, int queue, virtio_chain *chain);
void virtio_push(virtio_transport *t, int queue, const virtio_chain *chain, uint32_t written);
void virtio_notify(virtio_transport *t);
bool virtio_driver_ok(virtio_transport *t);

/* Copies between a chain's readable (device reads) or writable (device writes) bytes,
 * counted from `offset` within that kind, and a host buffer. Returns the bytes copied. */
size_t virtio_chain_read(virtio_transport *t, const virtio_chain *chain, size_t offset, void *buf,
                         size_t len);
size_t virtio_chain_write(virtio_transport *t, const virtio_chain *chain, size_t offset,
                          const void *buf, size_t len);

/* The devices, made from the transport node's properties (see virtio_mmio.c). Each
 * returns its state and sets *ops, or NULL with a message. */
void *virtio_blk_create(virtio_transport *t, const char *image, bool read_only,
                        const virtio_device_ops **ops, char *err, size_t errlen);
void *virtio_console_create(virtio_transport *t, const char *chardev, const virtio_device_ops **ops,
                            char *err, size_t errlen);

#endif
