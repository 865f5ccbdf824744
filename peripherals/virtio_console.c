/*
 * virtio_console.c: the virtio console device (device ID 3, one port, no multiport
 * feature) behind a virtio-mmio transport, connected to a character device (a chardev
 * spec such as "stdio", "file:PATH", "tcp:PORT"). Output buffers go to the backend as
 * soon as the driver makes them available. Input is polled on a virtual-time tick
 * (every 1 ms while the driver is running) and put into the receive buffers the driver
 * provides; bytes wait in the backend while there are none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/virtio.h"

enum { RX_QUEUE = 0, TX_QUEUE = 1 };

#define QUEUE_SIZE  64
#define RX_POLL_NS  1000000u
#define PENDING_MAX 256

typedef struct virtio_console {
    virtio_transport *t;
    virtio_device_ops ops;
    bb_chardev *chr;
    bb_timer rx_timer;
    uint8_t pending[PENDING_MAX];
    size_t n_pending;
} virtio_console;

static void transmit(virtio_console *v)
{
    virtio_chain c;
    bool any = false;
    uint8_t buf[1024];
    while (virtio_pop(v->t, TX_QUEUE, &c)) {
        for (size_t done = 0; done < c.readable;) {
            size_t n = virtio_chain_read(v->t, &c, done, buf, sizeof(buf));
            if (n == 0) break;
            bb_chardev_write(v->chr, buf, n);
            done += n;
        }
        virtio_push(v->t, TX_QUEUE, &c, 0);
        any = true;
    }
    if (any) virtio_notify(v->t);
}

static void receive(virtio_console *v)
{
    bool any = false;
    for (;;) {
        if (v->n_pending == 0) v->n_pending = bb_chardev_read(v->chr, v->pending, PENDING_MAX);
        if (v->n_pending == 0) break;
        virtio_chain c;
        if (!virtio_pop(v->t, RX_QUEUE, &c)) break;
        size_t n = virtio_chain_write(v->t, &c, 0, v->pending, v->n_pending);
        memmove(v->pending, v->pending + n, v->n_pending - n);
        v->n_pending -= n;
        virtio_push(v->t, RX_QUEUE, &c, (uint32_t)n);
        any = true;
    }
    if (any) virtio_notify(v->t);
}

static void schedule_rx(virtio_console *v)
{
    if (!virtio_queue_ready(v->t, RX_QUEUE)) {
        bb_timer_del(&v->rx_timer);
        return;
    }
    if (!bb_timer_armed(&v->rx_timer))
        bb_timer_mod(&v->rx_timer, bb_clock_now(virtio_machine(v->t)->clock) + RX_POLL_NS);
}

static void rx_tick(void *opaque)
{
    virtio_console *v = opaque;
    receive(v);
    schedule_rx(v);
}

static void console_notify(void *opaque, int queue)
{
    virtio_console *v = opaque;
    if (queue == TX_QUEUE)
        transmit(v);
    else
        receive(v);
    schedule_rx(v);
}

static uint32_t console_config_read(void *opaque, uint64_t offset, unsigned size)
{
    (void)opaque;
    (void)offset;
    (void)size;
    return 0; /* cols, rows, max_nr_ports: not offered */
}

static void console_reset(void *opaque)
{
    virtio_console *v = opaque;
    bb_timer_del(&v->rx_timer);
}

/* Input taken from the backend and not yet delivered (the poll timer is the clock's). */
static void console_state(void *opaque, bb_state *st)
{
    virtio_console *v = opaque;
    uint32_t n = (uint32_t)v->n_pending;
    bb_state_u32(st, &n);
    if (n > PENDING_MAX) {
        bb_state_fail(st, "virtio console: bad input state");
        n = 0;
    }
    v->n_pending = n;
    bb_state_bytes(st, v->pending, n);
}

static void console_destroy(void *opaque)
{
    virtio_console *v = opaque;
    bb_timer_del(&v->rx_timer);
    bb_chardev_close(v->chr);
    free(v);
}

void *virtio_console_create(virtio_transport *t, const char *chardev, const virtio_device_ops **ops,
                            char *err, size_t errlen)
{
    char why[256];
    bb_chardev *chr = bb_chardev_open(chardev, why, sizeof(why));
    if (!chr) {
        snprintf(err, errlen, "virtio console '%s': %s", chardev, why);
        return NULL;
    }
    virtio_console *v = calloc(1, sizeof(*v));
    if (!v) {
        bb_chardev_close(chr);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    v->t = t;
    v->chr = chr;
    bb_timer_init(&v->rx_timer, virtio_machine(t)->clock, rx_tick, v);
    v->ops = (virtio_device_ops){
        .device_id = 3,
        .features = 0,
        .n_queues = 2,
        .queue_size = QUEUE_SIZE,
        .config_read = console_config_read,
        .notify = console_notify,
        .reset = console_reset,
        .destroy = console_destroy,
        .state = console_state,
    };
    *ops = &v->ops;
    return v;
}
