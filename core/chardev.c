/*
 * chardev.c: byte-stream backends for UARTs and consoles: the common part (opening by
 * spec, output taps, input injection) and the stdio, null, file and pty backends. The TCP
 * server backend is in chardev_tcp.c.
 *
 * Output is written at once with write(2), never through a stdio FILE, so UART output on
 * stdout keeps its order with semihosting output (also written straight to fd 1).
 * stdio input is read only from a terminal (when the process is in the foreground) or a
 * pipe or socket; a terminal is put in non-canonical, no-echo mode while the chardev is
 * open. Nothing global is installed: the machine restores the terminal by closing its
 * serial ports (bb_machine_free), so every exit path must free the machine.
 */
#include "core/chardev_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool bb_chardev_write_fd(int fd, const uint8_t *buf, size_t len, bool drop_when_full)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (drop_when_full) return true;
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            poll(&p, 1, -1);
        } else {
            return false;
        }
    }
    return true;
}

static bb_chardev *new_chardev(chardev_kind kind)
{
    bb_chardev *chr = calloc(1, sizeof(*chr));
    if (!chr) return NULL;
    chr->kind = kind;
    chr->in_fd = chr->out_fd = -1;
    chr->pty_slave_fd = chr->listen_fd = chr->client_fd = -1;
    return chr;
}

/* --- stdio --- */

/* Input is read from a terminal we may use (foreground), a pipe or a socket; never from
 * a regular file or /dev/null, which would read as an endless or empty stream. */
static bool stdin_is_interactive_or_pipe(bool *is_tty)
{
    struct stat st;
    *is_tty = false;
    if (fstat(STDIN_FILENO, &st) != 0) return false;
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) return true;
    if (!isatty(STDIN_FILENO)) return false;
    /* A background process touching its terminal would be stopped by SIGTTIN/SIGTTOU. */
    if (tcgetpgrp(STDIN_FILENO) != getpgrp()) return false;
    *is_tty = true;
    return true;
}

static void open_stdio(bb_chardev *chr)
{
    chr->out_fd = STDOUT_FILENO;
    bool is_tty;
    if (!stdin_is_interactive_or_pipe(&is_tty)) return;
    chr->in_fd = STDIN_FILENO;
    if (is_tty && tcgetattr(STDIN_FILENO, &chr->saved_tty) == 0) {
        struct termios raw = chr->saved_tty;
        raw.c_iflag &=
            ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
        raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN); /* ISIG kept: Ctrl-C works */
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) chr->restore_tty = true;
    }
}

/* --- pty --- */

static bool open_pty(bb_chardev *chr, const char *spec, char *err, size_t errlen)
{
    char name[128];
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
        ptsname_r(master, name, sizeof(name)) != 0) {
        snprintf(err, errlen, "serial backend '%s': cannot create a pseudo-terminal: %s", spec,
                 strerror(errno));
        if (master >= 0) close(master);
        return false;
    }
    /* Holding the slave open keeps the master readable and writable while no terminal
     * program is attached; its raw mode is what a serial line looks like. */
    int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) {
        snprintf(err, errlen, "serial backend '%s': cannot open %s: %s", spec, name,
                 strerror(errno));
        close(master);
        return false;
    }
    struct termios tty;
    if (tcgetattr(slave, &tty) == 0) {
        cfmakeraw(&tty);
        tcsetattr(slave, TCSANOW, &tty);
    }
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    chr->in_fd = chr->out_fd = master;
    chr->pty_slave_fd = slave;
    fprintf(stderr, "brassboard: serial on %s\n", name);
    return true;
}

/* --- opening and closing --- */

bb_chardev *bb_chardev_open(const char *spec, char *err, size_t errlen)
{
    chardev_kind kind;
    if (strcmp(spec, "stdio") == 0)
        kind = CHARDEV_STDIO;
    else if (strcmp(spec, "null") == 0)
        kind = CHARDEV_NULL;
    else if (strncmp(spec, "file:", 5) == 0)
        kind = CHARDEV_FILE;
    else if (strncmp(spec, "tcp:", 4) == 0)
        kind = CHARDEV_TCP;
    else if (strcmp(spec, "pty") == 0)
        kind = CHARDEV_PTY;
    else {
        snprintf(err, errlen,
                 "serial backend '%s': unknown (expected stdio, null, file:PATH, "
                 "tcp:[HOST:]PORT[,wait] or pty)",
                 spec);
        return NULL;
    }
    bb_chardev *chr = new_chardev(kind);
    if (!chr) {
        snprintf(err, errlen, "serial backend '%s': out of memory", spec);
        return NULL;
    }
    bool ok = true;
    switch (kind) {
    case CHARDEV_STDIO: open_stdio(chr); break;
    case CHARDEV_NULL: break;
    case CHARDEV_FILE: {
        const char *path = spec + 5;
        if (!*path) {
            snprintf(err, errlen, "serial backend '%s': no file name", spec);
            ok = false;
            break;
        }
        chr->out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (chr->out_fd < 0) {
            snprintf(err, errlen, "serial backend '%s': cannot open %s: %s", spec, path,
                     strerror(errno));
            ok = false;
        }
        break;
    }
    case CHARDEV_TCP: ok = bb_chardev_tcp_open(chr, spec, spec + 4, err, errlen); break;
    case CHARDEV_PTY: ok = open_pty(chr, spec, err, errlen); break;
    }
    if (!ok) {
        bb_chardev_close(chr);
        return NULL;
    }
    return chr;
}

void bb_chardev_close(bb_chardev *chr)
{
    if (!chr) return;
    switch (chr->kind) {
    case CHARDEV_STDIO:
        if (chr->restore_tty) tcsetattr(STDIN_FILENO, TCSANOW, &chr->saved_tty);
        break;
    case CHARDEV_NULL: break;
    case CHARDEV_FILE:
        if (chr->out_fd >= 0) close(chr->out_fd);
        break;
    case CHARDEV_TCP: bb_chardev_tcp_close(chr); break;
    case CHARDEV_PTY:
        if (chr->out_fd >= 0) close(chr->out_fd);
        if (chr->pty_slave_fd >= 0) close(chr->pty_slave_fd);
        break;
    }
    free(chr->injected);
    free(chr);
}

/* --- output --- */

void bb_chardev_write(bb_chardev *chr, const uint8_t *buf, size_t len)
{
    if (!len) return;
    if (chr->tap) chr->tap(chr->tap_opaque, buf, len);
    for (int i = 0; i < chr->n_probes; i++)
        chr->probes[i].fn(chr->probes[i].opaque, false, buf, len);
    switch (chr->kind) {
    case CHARDEV_NULL: break;
    case CHARDEV_TCP: bb_chardev_tcp_write(chr, buf, len); break;
    case CHARDEV_STDIO:
    case CHARDEV_FILE:
    case CHARDEV_PTY:
        /* A pty with nobody reading fills up: drop rather than stall the guest. A failed
         * output (closed pipe, full disk) is dropped from then on. */
        if (chr->out_fd >= 0 &&
            !bb_chardev_write_fd(chr->out_fd, buf, len, chr->kind == CHARDEV_PTY)) {
            if (chr->kind == CHARDEV_FILE) close(chr->out_fd);
            chr->out_fd = -1;
        }
        break;
    }
}

void bb_chardev_flush(bb_chardev *chr)
{
    (void)chr; /* every backend writes through at once */
}

bool bb_chardev_add_probe(bb_chardev *chr, bb_chardev_probe_fn fn, void *opaque)
{
    if (chr->n_probes == BB_CHARDEV_MAX_PROBES) return false;
    chr->probes[chr->n_probes].fn = fn;
    chr->probes[chr->n_probes++].opaque = opaque;
    return true;
}

void bb_chardev_remove_probe(bb_chardev *chr, bb_chardev_probe_fn fn, void *opaque)
{
    for (int i = 0; i < chr->n_probes; i++) {
        if (chr->probes[i].fn != fn || chr->probes[i].opaque != opaque) continue;
        chr->probes[i] = chr->probes[--chr->n_probes];
        return;
    }
}

/* Shows the bytes a device takes from the input to the probes; returns their count. */
static size_t probe_input(bb_chardev *chr, const uint8_t *buf, size_t got)
{
    for (int i = 0; got && i < chr->n_probes; i++)
        chr->probes[i].fn(chr->probes[i].opaque, true, buf, got);
    return got;
}

void bb_chardev_set_tap(bb_chardev *chr, bb_chardev_tap_fn fn, void *opaque)
{
    chr->tap = fn;
    chr->tap_opaque = opaque;
}

/* --- input --- */

void bb_chardev_inject(bb_chardev *chr, const uint8_t *buf, size_t len)
{
    if (!len) return;
    if (chr->injected_len == 0) chr->injected_head = 0;
    if (chr->injected_head + chr->injected_len + len > chr->injected_cap) {
        if (chr->injected_len)
            memmove(chr->injected, chr->injected + chr->injected_head, chr->injected_len);
        chr->injected_head = 0;
        if (chr->injected_len + len > chr->injected_cap) {
            size_t cap = chr->injected_cap ? chr->injected_cap : 64;
            while (cap < chr->injected_len + len)
                cap *= 2;
            uint8_t *grown = realloc(chr->injected, cap);
            if (!grown) return; /* input lost, as on a real line under overrun */
            chr->injected = grown;
            chr->injected_cap = cap;
        }
    }
    memcpy(chr->injected + chr->injected_head + chr->injected_len, buf, len);
    chr->injected_len += len;
    if (chr->input_notify) chr->input_notify(chr->input_notify_opaque);
}

bool bb_chardev_input_possible(const bb_chardev *chr)
{
    if (chr->injected_len) return true;
    if (chr->kind == CHARDEV_TCP) return true;
    return chr->in_fd >= 0 && !chr->in_eof;
}

void bb_chardev_set_input_notify(bb_chardev *chr, void (*fn)(void *opaque), void *opaque)
{
    chr->input_notify = fn;
    chr->input_notify_opaque = opaque;
}

/* Reads what the input fd has ready now, without blocking. */
static size_t read_fd_ready(bb_chardev *chr, uint8_t *buf, size_t max)
{
    if (chr->in_fd < 0 || chr->in_eof) return 0;
    struct pollfd p = {.fd = chr->in_fd, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR))) return 0;
    ssize_t n = read(chr->in_fd, buf, max);
    if (n > 0) return (size_t)n;
    /* End of a pipe; a pty master reads EIO only if the slave went away. */
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) chr->in_eof = chr->kind != CHARDEV_PTY;
    return 0;
}

size_t bb_chardev_read(bb_chardev *chr, uint8_t *buf, size_t max)
{
    if (!max) return 0;
    size_t got = chr->injected_len < max ? chr->injected_len : max;
    if (got) {
        memcpy(buf, chr->injected + chr->injected_head, got);
        chr->injected_head += got;
        chr->injected_len -= got;
        if (!chr->injected_len) chr->injected_head = 0;
        if (got == max) return probe_input(chr, buf, got);
    }
    switch (chr->kind) {
    case CHARDEV_STDIO:
    case CHARDEV_PTY: got += read_fd_ready(chr, buf + got, max - got); break;
    case CHARDEV_TCP: got += bb_chardev_tcp_read(chr, buf + got, max - got); break;
    case CHARDEV_NULL:
    case CHARDEV_FILE: break;
    }
    return probe_input(chr, buf, got);
}
