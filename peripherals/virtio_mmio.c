/*
 * virtio_mmio.c: the virtio-mmio transport (virtio 1.0, "version 2" register layout) and
 * the split virtqueues in guest memory that its devices use (virtio.h).
 *
 * The node's `brassboard,virtio` property picks the device behind the transport:
 * "block" (virtio_blk.c, image `brassboard,image`, `brassboard,read-only`) or "console"
 * (virtio_console.c, backend `brassboard,chardev`, a chardev spec). Without it the
 * transport reads DeviceID 0, which drivers take as "no device". `--drive FILE` and
 * `--virtio-console SPEC` set these properties on the first free transports.
 *
 * Features: VIRTIO_F_VERSION_1 plus the device's; a driver that does not accept
 * VERSION_1 cannot set FEATURES_OK. Requests are served synchronously when the driver
 * notifies a queue; InterruptStatus bit 0 (used buffers) drives the interrupt line.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"
#include "peripherals/virtio.h"
#include "peripherals/virtio_mmio.h"

enum {
    VIRTIO_MAGIC = 0x000,
    VIRTIO_VERSION = 0x004,
    VIRTIO_DEVICE_ID = 0x008,
    VIRTIO_VENDOR_ID = 0x00c,
    VIRTIO_DEVICE_FEATURES = 0x010,
    VIRTIO_DEVICE_FEATURES_SEL = 0x014,
    VIRTIO_DRIVER_FEATURES = 0x020,
    VIRTIO_DRIVER_FEATURES_SEL = 0x024,
    VIRTIO_QUEUE_SEL = 0x030,
    VIRTIO_QUEUE_NUM_MAX = 0x034,
    VIRTIO_QUEUE_NUM = 0x038,
    VIRTIO_QUEUE_READY = 0x044,
    VIRTIO_QUEUE_NOTIFY = 0x050,
    VIRTIO_INTERRUPT_STATUS = 0x060,
    VIRTIO_INTERRUPT_ACK = 0x064,
    VIRTIO_STATUS = 0x070,
    VIRTIO_QUEUE_DESC_LOW = 0x080,
    VIRTIO_QUEUE_DESC_HIGH = 0x084,
    VIRTIO_QUEUE_DRIVER_LOW = 0x090,
    VIRTIO_QUEUE_DRIVER_HIGH = 0x094,
    VIRTIO_QUEUE_DEVICE_LOW = 0x0a0,
    VIRTIO_QUEUE_DEVICE_HIGH = 0x0a4,
    VIRTIO_CONFIG_GENERATION = 0x0fc,
    VIRTIO_CONFIG = 0x100,
};

enum {
    STATUS_DRIVER_OK = 4,
    STATUS_FEATURES_OK = 8,
    STATUS_NEEDS_RESET = 64,
};

enum { DESC_F_NEXT = 1, DESC_F_WRITE = 2, DESC_F_INDIRECT = 4 };

#define MAGIC_VALUE     0x74726976u /* "virt" */
#define VENDOR_ID       0x554d4551u /* the vendor ID Linux and QEMU use for emulated devices */
#define F_VERSION_1     (1ull << 32)
#define INT_USED_BUFFER 1u

typedef struct virtqueue {
    uint32_t num;
    bool ready;
    uint64_t desc, avail, used;
    uint16_t last_avail;
    uint16_t used_idx;
} virtqueue;

struct virtio_transport {
    bb_device dev;
    uint64_t base, size;
    uint32_t irq_cells[3];
    const virtio_device_ops *ops;
    void *device;
    uint32_t device_features_sel, driver_features_sel, queue_sel, interrupt_status, status;
    uint64_t driver_features;
    virtqueue queue[VIRTIO_MAX_QUEUES];
};

static void log_guest_error(virtio_transport *t, const char *what, uint64_t offset)
{
    bb_log_printf(&t->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", t->dev.name,
                  what, (unsigned long long)offset);
}

/* --- guest memory --- */

static uint16_t mem16(virtio_transport *t, uint64_t addr)
{
    uint8_t b[2] = {0, 0};
    bb_bus_copy(t->dev.machine->bus, addr, b, 2, false);
    return (uint16_t)(b[0] | b[1] << 8);
}

static void put16(virtio_transport *t, uint64_t addr, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    bb_bus_copy(t->dev.machine->bus, addr, b, 2, true);
}

static void put32(virtio_transport *t, uint64_t addr, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    bb_bus_copy(t->dev.machine->bus, addr, b, 4, true);
}

/* --- the queue interface for devices --- */

bb_machine *virtio_machine(virtio_transport *t)
{
    return t->dev.machine;
}

bool virtio_driver_ok(virtio_transport *t)
{
    return (t->status & STATUS_DRIVER_OK) && !(t->status & STATUS_NEEDS_RESET);
}

bool virtio_queue_ready(virtio_transport *t, int queue)
{
    return queue < t->ops->n_queues && t->queue[queue].ready && virtio_driver_ok(t);
}

static void broken(virtio_transport *t, const char *what)
{
    bb_log_printf(&t->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s: device needs a reset",
                  t->dev.name, what);
    t->status |= STATUS_NEEDS_RESET;
}

bool virtio_pop(virtio_transport *t, int queue, virtio_chain *chain)
{
    if (!virtio_queue_ready(t, queue)) return false;
    virtqueue *q = &t->queue[queue];
    uint16_t avail_idx = mem16(t, q->avail + 2);
    if (avail_idx == q->last_avail) return false;
    if ((uint16_t)(avail_idx - q->last_avail) > q->num) {
        broken(t, "available index moved by more than the queue size");
        return false;
    }
    uint16_t head = mem16(t, q->avail + 4 + 2ull * (q->last_avail % q->num));
    q->last_avail++;
    chain->head = head;
    chain->n = 0;
    chain->readable = chain->writable = 0;
    uint16_t index = head;
    for (unsigned steps = 0;; steps++) {
        if (index >= q->num || steps >= q->num || chain->n == VIRTIO_MAX_SEGMENTS) {
            broken(t, "descriptor chain out of range, looping or too long");
            return false;
        }
        uint64_t d = q->desc + 16ull * index;
        uint8_t raw[16];
        bb_bus_copy(t->dev.machine->bus, d, raw, sizeof(raw), false);
        uint64_t addr = 0;
        for (int i = 7; i >= 0; i--)
            addr = addr << 8 | raw[i];
        uint32_t len = (uint32_t)raw[8] | (uint32_t)raw[9] << 8 | (uint32_t)raw[10] << 16 |
                       (uint32_t)raw[11] << 24;
        uint16_t flags = (uint16_t)(raw[12] | raw[13] << 8);
        uint16_t next = (uint16_t)(raw[14] | raw[15] << 8);
        if (flags & DESC_F_INDIRECT) {
            broken(t, "indirect descriptor (not negotiated)");
            return false;
        }
        virtio_segment *s = &chain->seg[chain->n++];
        s->addr = addr;
        s->len = len;
        s->device_writes = (flags & DESC_F_WRITE) != 0;
        if (s->device_writes)
            chain->writable += len;
        else
            chain->readable += len;
        if (!(flags & DESC_F_NEXT)) break;
        index = next;
    }
    return true;
}

void virtio_push(virtio_transport *t, int queue, const virtio_chain *chain, uint32_t written)
{
    virtqueue *q = &t->queue[queue];
    uint64_t elem = q->used + 4 + 8ull * (q->used_idx % q->num);
    put32(t, elem, chain->head);
    put32(t, elem + 4, written);
    q->used_idx++;
    put16(t, q->used + 2, q->used_idx);
}

static void update_irq(virtio_transport *t)
{
    bb_irq_set(&t->dev.irq_out[0], t->interrupt_status != 0);
}

void virtio_notify(virtio_transport *t)
{
    t->interrupt_status |= INT_USED_BUFFER;
    update_irq(t);
}

static size_t chain_copy(virtio_transport *t, const virtio_chain *chain, bool writable,
                         size_t offset, void *buf, size_t len, bool to_guest)
{
    size_t done = 0;
    for (int i = 0; i < chain->n && done < len; i++) {
        const virtio_segment *s = &chain->seg[i];
        if (s->device_writes != writable) continue;
        if (offset >= s->len) {
            offset -= s->len;
            continue;
        }
        size_t n = s->len - offset;
        if (n > len - done) n = len - done;
        bb_bus_copy(t->dev.machine->bus, s->addr + offset, (uint8_t *)buf + done, n, to_guest);
        done += n;
        offset = 0;
    }
    return done;
}

size_t virtio_chain_read(virtio_transport *t, const virtio_chain *chain, size_t offset, void *buf,
                         size_t len)
{
    return chain_copy(t, chain, false, offset, buf, len, false);
}

size_t virtio_chain_write(virtio_transport *t, const virtio_chain *chain, size_t offset,
                          const void *buf, size_t len)
{
    return chain_copy(t, chain, true, offset, (void *)buf, len, true);
}

/* --- registers --- */

static uint64_t device_features(const virtio_transport *t)
{
    return t->ops ? t->ops->features | F_VERSION_1 : 0;
}

static void reset_transport(virtio_transport *t)
{
    t->device_features_sel = t->driver_features_sel = t->queue_sel = 0;
    t->interrupt_status = t->status = 0;
    t->driver_features = 0;
    memset(t->queue, 0, sizeof(t->queue));
    if (t->ops && t->ops->reset) t->ops->reset(t->device);
    update_irq(t);
}

static virtqueue *selected(virtio_transport *t)
{
    return t->ops && t->queue_sel < (uint32_t)t->ops->n_queues ? &t->queue[t->queue_sel] : NULL;
}

static uint32_t read_register(virtio_transport *t, uint64_t offset, unsigned size, bool debug)
{
    if (offset >= VIRTIO_CONFIG) {
        if (!t->ops || !t->ops->config_read) return 0;
        return t->ops->config_read(t->device, offset - VIRTIO_CONFIG, size);
    }
    virtqueue *q = selected(t);
    switch (offset) {
    case VIRTIO_MAGIC: return MAGIC_VALUE;
    case VIRTIO_VERSION: return 2;
    case VIRTIO_DEVICE_ID: return t->ops ? t->ops->device_id : 0;
    case VIRTIO_VENDOR_ID: return VENDOR_ID;
    case VIRTIO_DEVICE_FEATURES:
        return t->device_features_sel < 2
                   ? (uint32_t)(device_features(t) >> (32 * t->device_features_sel))
                   : 0;
    case VIRTIO_QUEUE_NUM_MAX: return q ? t->ops->queue_size : 0;
    case VIRTIO_QUEUE_READY: return q ? q->ready : 0;
    case VIRTIO_INTERRUPT_STATUS: return t->interrupt_status;
    case VIRTIO_STATUS: return t->status;
    case VIRTIO_CONFIG_GENERATION: return 0;
    case VIRTIO_QUEUE_NUM: return q ? q->num : 0;
    case VIRTIO_QUEUE_DESC_LOW: return q ? (uint32_t)q->desc : 0;
    case VIRTIO_QUEUE_DESC_HIGH: return q ? (uint32_t)(q->desc >> 32) : 0;
    case VIRTIO_QUEUE_DRIVER_LOW: return q ? (uint32_t)q->avail : 0;
    case VIRTIO_QUEUE_DRIVER_HIGH: return q ? (uint32_t)(q->avail >> 32) : 0;
    case VIRTIO_QUEUE_DEVICE_LOW: return q ? (uint32_t)q->used : 0;
    case VIRTIO_QUEUE_DEVICE_HIGH: return q ? (uint32_t)(q->used >> 32) : 0;
    }
    if (!debug) log_guest_error(t, "read of a write-only or reserved register", offset);
    return 0;
}

static void set_address(uint64_t *field, bool high, uint32_t value)
{
    if (high)
        *field = (*field & 0xffffffffull) | (uint64_t)value << 32;
    else
        *field = (*field & ~0xffffffffull) | value;
}

static void write_status(virtio_transport *t, uint32_t value)
{
    if (value == 0) {
        reset_transport(t);
        return;
    }
    if ((value & STATUS_FEATURES_OK) && !(t->driver_features & F_VERSION_1)) {
        log_guest_error(
            t, "driver did not accept VIRTIO_F_VERSION_1 (legacy drivers are not supported)",
            VIRTIO_STATUS);
        value &= ~(uint32_t)STATUS_FEATURES_OK;
    }
    bool was_ok = t->status & STATUS_DRIVER_OK;
    t->status = value & 0xff;
    if (!was_ok && (t->status & STATUS_DRIVER_OK) && t->ops->notify)
        for (int i = 0; i < t->ops->n_queues; i++)
            t->ops->notify(t->device, i);
}

static void write_register(virtio_transport *t, uint64_t offset, uint32_t value, unsigned size)
{
    if (offset >= VIRTIO_CONFIG) {
        if (t->ops && t->ops->config_write)
            t->ops->config_write(t->device, offset - VIRTIO_CONFIG, value, size);
        return;
    }
    if (!t->ops) return; /* no device: writes are ignored */
    virtqueue *q = selected(t);
    switch (offset) {
    case VIRTIO_DEVICE_FEATURES_SEL: t->device_features_sel = value; return;
    case VIRTIO_DRIVER_FEATURES:
        if (t->driver_features_sel < 2) {
            unsigned shift = 32 * t->driver_features_sel;
            t->driver_features = (t->driver_features & ~(0xffffffffull << shift)) |
                                 ((uint64_t)value << shift & device_features(t));
        }
        return;
    case VIRTIO_DRIVER_FEATURES_SEL: t->driver_features_sel = value; return;
    case VIRTIO_QUEUE_SEL: t->queue_sel = value; return;
    case VIRTIO_QUEUE_NOTIFY:
        if (value < (uint32_t)t->ops->n_queues && t->ops->notify)
            t->ops->notify(t->device, (int)value);
        return;
    case VIRTIO_INTERRUPT_ACK:
        t->interrupt_status &= ~value;
        update_irq(t);
        return;
    case VIRTIO_STATUS: write_status(t, value); return;
    }
    if (!q) {
        log_guest_error(t, "queue register written with no valid queue selected", offset);
        return;
    }
    switch (offset) {
    case VIRTIO_QUEUE_NUM:
        if (value == 0 || value > t->ops->queue_size || (value & (value - 1)))
            log_guest_error(t, "queue size not a power of two up to QueueNumMax", offset);
        else
            q->num = value;
        return;
    case VIRTIO_QUEUE_READY:
        q->ready = value & 1;
        if (q->ready && q->num == 0) q->num = t->ops->queue_size;
        return;
    case VIRTIO_QUEUE_DESC_LOW:
    case VIRTIO_QUEUE_DESC_HIGH:
        set_address(&q->desc, offset == VIRTIO_QUEUE_DESC_HIGH, value);
        return;
    case VIRTIO_QUEUE_DRIVER_LOW:
    case VIRTIO_QUEUE_DRIVER_HIGH:
        set_address(&q->avail, offset == VIRTIO_QUEUE_DRIVER_HIGH, value);
        return;
    case VIRTIO_QUEUE_DEVICE_LOW:
    case VIRTIO_QUEUE_DEVICE_HIGH:
        set_address(&q->used, offset == VIRTIO_QUEUE_DEVICE_HIGH, value);
        return;
    }
    log_guest_error(t, "write to a read-only or reserved register", offset);
}

static uint64_t virtio_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    virtio_transport *t = opaque;
    if (offset >= VIRTIO_CONFIG) return read_register(t, offset, size, attrs.debug);
    return bb_mmio_narrow(read_register(t, offset & ~3ull, size, attrs.debug), offset, size);
}

static void virtio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                         bb_attrs attrs)
{
    virtio_transport *t = opaque;
    (void)attrs;
    if (offset < VIRTIO_CONFIG && (size != 4 || (offset & 3)))
        log_guest_error(t, "narrow or unaligned register write", offset);
    else
        write_register(t, offset, (uint32_t)value, size);
}

static const bb_mmio_ops virtio_ops = {.read = virtio_read, .write = virtio_write};

int bb_virtio_mmio_transports(bb_machine *m, bb_virtio_transport *out, int max)
{
    int n = 0;
    for (bb_device *dev = m->devices; dev && n < max; dev = dev->next) {
        if (dev->model != &bb_model_virtio_mmio) continue;
        virtio_transport *t = (virtio_transport *)dev;
        if (!t->ops) continue;
        out[n].base = t->base;
        out[n].size = t->size;
        memcpy(out[n].irq_cells, t->irq_cells, sizeof(t->irq_cells));
        n++;
    }
    /* devices are listed newest first: give them in address order */
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && out[k].base < out[k - 1].base; k--) {
            bb_virtio_transport tmp = out[k];
            out[k] = out[k - 1];
            out[k - 1] = tmp;
        }
    return n;
}

static void transport_reset(bb_device *dev)
{
    reset_transport((virtio_transport *)dev);
}

/* The transport's registers and queues, then the device's state. The rings live in guest
 * memory; a block device's image is the host's. */
static void transport_state(bb_device *dev, bb_state *st)
{
    virtio_transport *t = (virtio_transport *)dev;
    uint32_t *regs[] = {&t->device_features_sel, &t->driver_features_sel, &t->queue_sel,
                        &t->interrupt_status, &t->status};
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        bb_state_u32(st, regs[i]);
    bb_state_u64(st, &t->driver_features);
    for (int i = 0; i < VIRTIO_MAX_QUEUES; i++) {
        virtqueue *q = &t->queue[i];
        bb_state_u32(st, &q->num);
        bb_state_bool(st, &q->ready);
        bb_state_u64(st, &q->desc);
        bb_state_u64(st, &q->avail);
        bb_state_u64(st, &q->used);
        bb_state_u16(st, &q->last_avail);
        bb_state_u16(st, &q->used_idx);
    }
    if (t->ops && t->ops->state) t->ops->state(t->device, st);
}

static void transport_destroy(bb_device *dev)
{
    virtio_transport *t = (virtio_transport *)dev;
    if (t->ops && t->ops->destroy) t->ops->destroy(t->device);
    bb_device_cleanup(dev);
    free(t);
}

static bool make_device(virtio_transport *t, const bb_device_config *cfg, char *err, size_t errlen)
{
    const char *kind =
        cfg->fdt ? fdt_getprop(cfg->fdt, cfg->node, "brassboard,virtio", NULL) : NULL;
    if (!kind) return true;
    if (strcmp(kind, "block") == 0) {
        const char *image = fdt_getprop(cfg->fdt, cfg->node, "brassboard,image", NULL);
        bool read_only = fdt_getprop(cfg->fdt, cfg->node, "brassboard,read-only", NULL) != NULL;
        if (!image) {
            snprintf(err, errlen, "a virtio block device needs brassboard,image");
            return false;
        }
        t->device = virtio_blk_create(t, image, read_only, &t->ops, err, errlen);
    } else if (strcmp(kind, "console") == 0) {
        const char *chardev = fdt_getprop(cfg->fdt, cfg->node, "brassboard,chardev", NULL);
        t->device = virtio_console_create(t, chardev ? chardev : "null", &t->ops, err, errlen);
    } else {
        snprintf(err, errlen, "brassboard,virtio '%s': expected block or console", kind);
        return false;
    }
    return t->device != NULL;
}

static bb_device *virtio_create(bb_machine *m, const bb_device_config *cfg, char *err,
                                size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] < VIRTIO_CONFIG) {
        snprintf(err, errlen, "needs a reg property of at least 0x100 bytes");
        return NULL;
    }
    virtio_transport *t = calloc(1, sizeof(*t));
    if (!t || !bb_device_init(&t->dev, &bb_model_virtio_mmio, m, cfg->name, 1, 0, NULL, NULL)) {
        free(t);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->dev.reset = transport_reset;
    t->dev.destroy = transport_destroy;
    t->dev.state = transport_state;
    t->base = cfg->reg_base[0];
    t->size = cfg->reg_size[0];
    int len = 0;
    const fdt32_t *irq = cfg->fdt ? fdt_getprop(cfg->fdt, cfg->node, "interrupts", &len) : NULL;
    for (int i = 0; irq && i < 3 && i < len / 4; i++)
        t->irq_cells[i] = fdt32_to_cpu(irq[i]);
    if (!make_device(t, cfg, err, errlen)) {
        t->ops = NULL;
        transport_destroy(&t->dev);
        return NULL;
    }
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &virtio_ops, t)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        transport_destroy(&t->dev);
        return NULL;
    }
    reset_transport(t);
    return &t->dev;
}

static const char *const virtio_compatible[] = {"virtio,mmio", NULL};

const bb_device_model bb_model_virtio_mmio = {
    "virtio_mmio",
    "virtio-mmio transport (virtio 1.0) with a block or console device",
    virtio_compatible,
    virtio_create,
};
