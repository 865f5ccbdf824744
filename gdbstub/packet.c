/*
 * packet.c: the packet layer of the remote serial protocol: $body#cs framing with
 * checksums, '+'/'-' acknowledgements (until QStartNoAckMode), the 0x03 interrupt byte,
 * escaping of $ # } * and run-length encoding of replies; plus the text buffers and hex
 * helpers the rest of the stub builds replies with.
 *
 * Robustness: a body longer than GDB_PACKET_SIZE is read to its end and answered with an
 * error; a bad checksum is answered with '-' (or an error reply in no-ack mode); bytes
 * outside packets are ignored; a client that goes away mid-packet is just gone.
 */
#include "gdbstub/stub.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- text buffers ---- */

static bool buf_reserve(gdb_buf *b, size_t more)
{
    if (b->failed) return false;
    if (b->len + more + 1 <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *grown = realloc(b->data, cap);
    if (!grown) {
        b->failed = true;
        return false;
    }
    b->data = grown;
    b->cap = cap;
    return true;
}

void gdb_buf_add(gdb_buf *b, const void *data, size_t len)
{
    if (!buf_reserve(b, len)) return;
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = 0;
}

void gdb_buf_str(gdb_buf *b, const char *s)
{
    gdb_buf_add(b, s, strlen(s));
}

void gdb_buf_printf(gdb_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void gdb_buf_hex(gdb_buf *b, const uint8_t *bytes, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    if (!buf_reserve(b, 2 * len)) return;
    for (size_t i = 0; i < len; i++) {
        b->data[b->len++] = digits[bytes[i] >> 4];
        b->data[b->len++] = digits[bytes[i] & 15];
    }
    b->data[b->len] = 0;
}

void gdb_buf_free(gdb_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

/* ---- hex ---- */

int gdb_hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool gdb_hex_decode(const char *hex, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        int hi = gdb_hex_digit(hex[2 * i]);
        int lo = hi < 0 ? -1 : gdb_hex_digit(hex[2 * i + 1]);
        if (lo < 0) return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool gdb_parse_hex(const char **p, uint64_t *value)
{
    const char *s = *p;
    uint64_t v = 0;
    int n = 0;
    for (int d; (d = gdb_hex_digit(*s)) >= 0; s++, n++) {
        if (v >> 60) return false;
        v = v << 4 | (uint64_t)d;
    }
    if (n == 0) return false;
    *p = s;
    *value = v;
    return true;
}

/* ---- connection ---- */

enum { S_IDLE, S_BODY, S_SUM1, S_SUM2 };

void gdb_conn_open(gdb_conn *c, int fd)
{
    gdb_buf_free(&c->last);
    memset(c, 0, sizeof(*c));
    c->fd = fd;
}

void gdb_conn_close(gdb_conn *c)
{
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    gdb_buf_free(&c->last);
}

static void send_raw(gdb_conn *c, const void *data, size_t len)
{
    const char *p = data;
    while (len && c->fd >= 0) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return; /* the reader sees the connection close */
        p += n;
        len -= (size_t)n;
    }
}

static bool needs_escape(char ch)
{
    return ch == '$' || ch == '#' || ch == '}' || ch == '*';
}

/* Appends `ch` repeated `count` times, using "ch*N" for runs (N = 29 + extra copies; the
 * counts that would give '#' or '$' are avoided). */
static void add_run(gdb_buf *out, char ch, size_t count)
{
    while (count) {
        gdb_buf_add(out, &ch, 1);
        size_t extra = count - 1;
        if (extra < 3) {
            for (size_t i = 0; i < extra; i++)
                gdb_buf_add(out, &ch, 1);
            return;
        }
        if (extra > 126 - 29) extra = 126 - 29;
        if (extra == '#' - 29 || extra == '$' - 29) extra = '#' - 29 - 1;
        char rle[2] = {'*', (char)(29 + extra)};
        gdb_buf_add(out, rle, 2);
        count -= extra + 1;
    }
}

void gdb_conn_send(gdb_conn *c, const char *data, size_t len)
{
    gdb_buf escaped = {0};
    for (size_t i = 0; i < len; i++) {
        if (needs_escape(data[i])) {
            char esc[2] = {'}', (char)(data[i] ^ 0x20)};
            gdb_buf_add(&escaped, esc, 2);
        } else {
            gdb_buf_add(&escaped, &data[i], 1);
        }
    }
    gdb_buf *out = &c->last;
    out->len = 0;
    gdb_buf_add(out, "$", 1);
    for (size_t i = 0; i < escaped.len;) {
        size_t j = i;
        while (j < escaped.len && escaped.data[j] == escaped.data[i])
            j++;
        add_run(out, escaped.data[i], j - i);
        i = j;
    }
    uint8_t sum = 0;
    for (size_t i = 1; i < out->len; i++)
        sum += (uint8_t)out->data[i];
    gdb_buf_printf(out, "#%02x", sum);
    gdb_buf_free(&escaped);
    if (out->failed) {
        gdb_buf_free(out);
        char enomem[8];
        snprintf(enomem, sizeof(enomem), "$E0c#%02x", ('E' + '0' + 'c') & 0xff);
        send_raw(c, enomem, 7);
        return;
    }
    send_raw(c, out->data, out->len);
}

void gdb_conn_send_str(gdb_conn *c, const char *s)
{
    gdb_conn_send(c, s, strlen(s));
}

/* Reads what the socket has, waiting up to timeout_ms. Returns false on timeout or a
 * signal (*closed stays false) and when the client is gone (*closed set). */
static bool fill(gdb_conn *c, int timeout_ms, bool *closed)
{
    struct pollfd pfd = {c->fd, POLLIN, 0};
    int r = poll(&pfd, 1, timeout_ms);
    if (r <= 0) return false;
    ssize_t n = recv(c->fd, c->in, sizeof(c->in), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return false;
    if (n <= 0) {
        *closed = true;
        return false;
    }
    c->in_len = (size_t)n;
    c->in_pos = 0;
    return true;
}

/* One byte of input through the state machine; returns the event it completes. */
static gdb_event feed(gdb_conn *c, uint8_t ch)
{
    switch (c->state) {
    case S_IDLE:
        if (ch == '$') {
            c->state = S_BODY;
            c->body_len = 0;
            c->overflow = false;
            c->sum = 0;
        } else if (ch == 0x03) {
            return GDB_EV_INTERRUPT;
        } else if (ch == '-' && !c->no_ack && c->last.len) {
            send_raw(c, c->last.data, c->last.len);
        }
        return GDB_EV_NONE; /* '+' and noise between packets */
    case S_BODY:
        if (ch == '#') {
            c->state = S_SUM1;
        } else if (ch == '$') { /* a new packet starts: the broken one is dropped */
            c->body_len = 0;
            c->overflow = false;
            c->sum = 0;
        } else {
            c->sum += ch;
            if (c->body_len < GDB_PACKET_SIZE)
                c->body[c->body_len++] = (char)ch;
            else
                c->overflow = true;
        }
        return GDB_EV_NONE;
    case S_SUM1: {
        int d = gdb_hex_digit((char)ch);
        c->their_sum = (uint8_t)(d < 0 ? ~c->sum : d << 4);
        c->state = d < 0 ? -S_SUM2 : S_SUM2; /* a bad digit: the checksum cannot match */
        return GDB_EV_NONE;
    }
    default: { /* S_SUM2, or its negative after a bad first digit */
        int d = gdb_hex_digit((char)ch);
        bool good = c->state == S_SUM2 && d >= 0 && (uint8_t)(c->their_sum | d) == c->sum;
        c->state = S_IDLE;
        if (!good) {
            if (c->no_ack)
                gdb_conn_send_str(c, "E02");
            else
                send_raw(c, "-", 1);
            return GDB_EV_NONE;
        }
        if (!c->no_ack) send_raw(c, "+", 1);
        if (c->overflow) {
            gdb_conn_send_str(c, "E01"); /* longer than the PacketSize we announced */
            return GDB_EV_NONE;
        }
        c->body[c->body_len] = 0;
        return GDB_EV_PACKET;
    }
    }
}

bool gdb_conn_buffered(const gdb_conn *c)
{
    return c->in_pos < c->in_len;
}

gdb_event gdb_conn_next(gdb_conn *c, int timeout_ms, char **body, size_t *len)
{
    bool waited = false;
    for (;;) {
        while (c->in_pos < c->in_len) {
            gdb_event ev = feed(c, c->in[c->in_pos++]);
            if (ev == GDB_EV_PACKET) {
                *body = c->body;
                *len = c->body_len;
            }
            if (ev != GDB_EV_NONE) return ev;
        }
        if (c->fd < 0) return GDB_EV_CLOSED;
        if (waited && timeout_ms >= 0) return GDB_EV_NONE;
        bool closed = false;
        bool got = fill(c, timeout_ms, &closed);
        waited = true;
        if (closed) return GDB_EV_CLOSED;
        if (!got) return GDB_EV_NONE; /* timeout, or a signal: the caller looks */
    }
}
