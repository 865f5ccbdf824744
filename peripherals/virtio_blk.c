/*
 * virtio_blk.c: the virtio block device (device ID 2) behind a virtio-mmio transport,
 * backed by an image file: one request queue; reads, writes, flushes and the device ID
 * string; the capacity is the file size in 512-byte sectors (a partial last sector is
 * not visible). Requests are served synchronously when the driver notifies the queue;
 * writes go to the file at once. A read-only image offers VIRTIO_BLK_F_RO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/machine.h"
#include "peripherals/virtio.h"

enum { REQ_IN = 0, REQ_OUT = 1, REQ_FLUSH = 4, REQ_GET_ID = 8 };
enum { RESULT_OK = 0, RESULT_IOERR = 1, RESULT_UNSUPPORTED = 2 };

#define F_SEG_MAX  (1ull << 2)
#define F_RO       (1ull << 5)
#define F_BLK_SIZE (1ull << 6)
#define F_FLUSH    (1ull << 9)
#define SECTOR     512u
#define QUEUE_SIZE 128
#define CHUNK      65536u

typedef struct virtio_blk {
    virtio_transport *t;
    virtio_device_ops ops;
    int fd;
    bool read_only;
    uint64_t sectors;
    uint8_t buf[CHUNK];
} virtio_blk;

static uint32_t blk_config_read(void *opaque, uint64_t offset, unsigned size)
{
    virtio_blk *b = opaque;
    uint8_t config[24] = {0};
    for (int i = 0; i < 8; i++)
        config[i] = (uint8_t)(b->sectors >> (8 * i)); /* capacity */
    uint32_t seg_max = VIRTIO_MAX_SEGMENTS - 2, blk_size = SECTOR;
    memcpy(config + 12, &seg_max, 4);
    memcpy(config + 20, &blk_size, 4);
    uint32_t value = 0;
    for (unsigned i = 0; i < size && i < 4; i++)
        if (offset + i < sizeof(config)) value |= (uint32_t)config[offset + i] << (8 * i);
    return value;
}

/* Moves `len` bytes between the image at `pos` and the chain's data (from `data_offset`). */
static bool transfer(virtio_blk *b, const virtio_chain *c, uint64_t pos, uint32_t len, bool read)
{
    for (uint32_t done = 0; done < len;) {
        uint32_t n = len - done < CHUNK ? len - done : CHUNK;
        if (read) {
            ssize_t got = pread(b->fd, b->buf, n, (off_t)(pos + done));
            if (got < 0) return false;
            if ((uint32_t)got < n) memset(b->buf + got, 0, n - (uint32_t)got);
            virtio_chain_write(b->t, c, done, b->buf, n);
        } else {
            virtio_chain_read(b->t, c, 16 + (size_t)done, b->buf, n);
            if (pwrite(b->fd, b->buf, n, (off_t)(pos + done)) != (ssize_t)n) return false;
        }
        done += n;
    }
    return true;
}

static uint8_t serve(virtio_blk *b, const virtio_chain *c, uint32_t *written)
{
    uint8_t header[16];
    *written = 0;
    if (virtio_chain_read(b->t, c, 0, header, sizeof(header)) < sizeof(header) || c->writable < 1)
        return RESULT_IOERR;
    uint32_t type;
    uint64_t sector;
    memcpy(&type, header, 4);
    memcpy(&sector, header + 8, 8);
    switch (type) {
    case REQ_IN: {
        uint32_t len = c->writable - 1;
        if (len % SECTOR || sector > b->sectors || len / SECTOR > b->sectors - sector)
            return RESULT_IOERR;
        if (!transfer(b, c, sector * SECTOR, len, true)) return RESULT_IOERR;
        *written = len;
        return RESULT_OK;
    }
    case REQ_OUT: {
        uint32_t len = c->readable - 16;
        if (b->read_only) return RESULT_IOERR;
        if (len % SECTOR || sector > b->sectors || len / SECTOR > b->sectors - sector)
            return RESULT_IOERR;
        return transfer(b, c, sector * SECTOR, len, false) ? RESULT_OK : RESULT_IOERR;
    }
    case REQ_FLUSH: return fdatasync(b->fd) == 0 || b->read_only ? RESULT_OK : RESULT_IOERR;
    case REQ_GET_ID: {
        static const char id[20] = "brassboard-disk";
        *written = (uint32_t)virtio_chain_write(b->t, c, 0, id,
                                                c->writable - 1 < 20 ? c->writable - 1 : 20);
        return RESULT_OK;
    }
    }
    return RESULT_UNSUPPORTED;
}

static void blk_notify(void *opaque, int queue)
{
    virtio_blk *b = opaque;
    virtio_chain c;
    bool any = false;
    while (queue == 0 && virtio_pop(b->t, 0, &c)) {
        uint32_t written;
        uint8_t status = serve(b, &c, &written);
        virtio_chain_write(b->t, &c, c.writable - 1, &status, 1);
        virtio_push(b->t, 0, &c, written + 1);
        any = true;
    }
    if (any) virtio_notify(b->t);
}

static void blk_destroy(void *opaque)
{
    virtio_blk *b = opaque;
    close(b->fd);
    free(b);
}

void *virtio_blk_create(virtio_transport *t, const char *image, bool read_only,
                        const virtio_device_ops **ops, char *err, size_t errlen)
{
    int fd = open(image, read_only ? O_RDONLY : O_RDWR);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "virtio block image '%s': %s", image, strerror(errno));
        if (fd >= 0) close(fd);
        return NULL;
    }
    virtio_blk *b = calloc(1, sizeof(*b));
    if (!b) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    b->t = t;
    b->fd = fd;
    b->read_only = read_only;
    b->sectors = (uint64_t)st.st_size / SECTOR;
    b->ops = (virtio_device_ops){
        .device_id = 2,
        .features = F_SEG_MAX | F_BLK_SIZE | F_FLUSH | (read_only ? F_RO : 0),
        .n_queues = 1,
        .queue_size = QUEUE_SIZE,
        .config_read = blk_config_read,
        .notify = blk_notify,
        .destroy = blk_destroy,
    };
    *ops = &b->ops;
    return b;
}
