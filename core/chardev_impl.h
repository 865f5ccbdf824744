/*
 * chardev_impl.h: the inside of a character device, shared by chardev.c (the common part
 * and the stdio, null, file and pty backends) and chardev_tcp.c (the TCP server backend).
 * Not part of the library's interface.
 */
#ifndef BB_CHARDEV_IMPL_H
#define BB_CHARDEV_IMPL_H

#include <stdbool.h>
#include <termios.h>

#include "core/chardev.h"

typedef enum chardev_kind {
    CHARDEV_STDIO,
    CHARDEV_NULL,
    CHARDEV_FILE,
    CHARDEV_TCP,
    CHARDEV_PTY,
} chardev_kind;

struct bb_chardev {
    chardev_kind kind;
    int in_fd, out_fd; /* -1 when the backend has no such direction */
    bool in_eof;       /* input reached its end: stop polling it */
    bool restore_tty;  /* stdio on a terminal: saved_tty is restored on close */
    struct termios saved_tty;
    int pty_slave_fd;         /* pty: kept open so the master never reads EIO */
    int listen_fd, client_fd; /* tcp */
    bb_chardev_tap_fn tap;
    void *tap_opaque;
    struct {
        bb_chardev_probe_fn fn;
        void *opaque;
    } probes[BB_CHARDEV_MAX_PROBES];
    int n_probes;
    void (*input_notify)(void *opaque); /* called when bytes are injected */
    void *input_notify_opaque;
    uint8_t *injected; /* input injection queue: bytes [injected_head, injected_head+len) */
    size_t injected_head, injected_len, injected_cap;
};

/* Writes every byte to fd, retrying short writes and interruptions. When the fd is
 * non-blocking and full, the rest is dropped if drop_when_full, else waited for. Returns
 * false when the fd failed (closed pipe or socket). */
bool bb_chardev_write_fd(int fd, const uint8_t *buf, size_t len, bool drop_when_full);

/* tcp:[HOST:]PORT[,wait]: `rest` is what follows "tcp:"; spec names the input in errors. */
bool bb_chardev_tcp_open(bb_chardev *chr, const char *spec, const char *rest, char *err,
                         size_t errlen);
void bb_chardev_tcp_write(bb_chardev *chr, const uint8_t *buf, size_t len);
size_t bb_chardev_tcp_read(bb_chardev *chr, uint8_t *buf, size_t max);
void bb_chardev_tcp_close(bb_chardev *chr);

#endif
