/*
 * link_ftdi.c: FTDI adapters through libftdi1, behind a socket pair fed by a pump thread
 * (see link_ftdi.h).
 */
#include "bridge/serial-ice/link_ftdi.h"

#include <fcntl.h>
#include <ftdi.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct si_ftdi {
    struct ftdi_context *ctx;
    int pump_fd; /* the pump's end of the socket pair */
    pthread_t thread;
    atomic_bool stop;
};

/* "VID:PID[:SERIAL|:#INDEX]" into its parts; false when it does not parse. */
static bool parse_device(const char *s, int *vid, int *pid, char *serial, size_t serial_len,
                         int *index)
{
    char *end;
    unsigned long v = strtoul(s, &end, 16);
    if (end == s || *end != ':' || v > 0xffff) return false;
    const char *p = end + 1;
    unsigned long d = strtoul(p, &end, 16);
    if (end == p || (*end && *end != ':') || d > 0xffff) return false;
    *vid = (int)v;
    *pid = (int)d;
    *index = 0;
    serial[0] = 0;
    if (!*end) return true;
    p = end + 1;
    if (*p == '#') {
        unsigned long i = strtoul(p + 1, &end, 10);
        if (end == p + 1 || *end || i > 255) return false;
        *index = (int)i;
        return true;
    }
    if (!*p || strlen(p) >= serial_len) return false;
    strcpy(serial, p);
    return true;
}

static bool ftdi_ok(int rc, struct ftdi_context *ctx, const char *what, const char *target,
                    char *err, size_t errlen)
{
    if (rc >= 0) return true;
    snprintf(err, errlen, "'%s': %s: %s", target, what, ftdi_get_error_string(ctx));
    return false;
}

static bool set_up(struct ftdi_context *ctx, const char *target, const si_link_config *cfg,
                   char *err, size_t errlen)
{
    if (cfg->data_bits != 7 && cfg->data_bits != 8) {
        snprintf(err, errlen, "'%s': an FTDI adapter takes 7 or 8 data bits, not %d", target,
                 cfg->data_bits);
        return false;
    }
    enum ftdi_parity_type parity = cfg->parity == 'e' ? EVEN : cfg->parity == 'o' ? ODD : NONE;
    int flow = cfg->flow == 'h'   ? SIO_RTS_CTS_HS
               : cfg->flow == 's' ? SIO_XON_XOFF_HS
                                  : SIO_DISABLE_FLOW_CTRL;
    int latency = cfg->latency_ms > 0 ? cfg->latency_ms : 1;
    return ftdi_ok(ftdi_set_baudrate(ctx, cfg->baud), ctx, "cannot set the baud rate", target, err,
                   errlen) &&
           ftdi_ok(ftdi_set_line_property2(ctx, cfg->data_bits == 7 ? BITS_7 : BITS_8,
                                           cfg->stop_bits == 2 ? STOP_BIT_2 : STOP_BIT_1, parity,
                                           BREAK_OFF),
                   ctx, "cannot set the framing", target, err, errlen) &&
           ftdi_ok(ftdi_setflowctrl(ctx, flow), ctx, "cannot set flow control", target, err,
                   errlen) &&
           ftdi_ok(ftdi_set_latency_timer(ctx, (unsigned char)latency), ctx,
                   "cannot set the latency timer", target, err, errlen) &&
           ftdi_ok(ftdi_tcioflush(ctx), ctx, "cannot flush the adapter", target, err, errlen);
}

/* The pump: host bytes to the adapter, adapter bytes to the host. A bulk read returns at
 * least every latency timer period, so the loop also notices `stop` that often. */
static void *pump(void *opaque)
{
    si_ftdi *f = opaque;
    unsigned char buf[512];
    while (!atomic_load(&f->stop)) {
        struct pollfd p = {f->pump_fd, POLLIN, 0};
        if (poll(&p, 1, 0) > 0) {
            ssize_t n = read(f->pump_fd, buf, sizeof(buf));
            if (n <= 0) break; /* the link closed its end */
            for (ssize_t done = 0; done < n;) {
                int w = ftdi_write_data(f->ctx, buf + done, (int)(n - done));
                if (w < 0) goto failed;
                done += w;
            }
        }
        int r = ftdi_read_data(f->ctx, buf, sizeof(buf));
        if (r < 0) goto failed;
        for (int done = 0; done < r;) {
            ssize_t w = send(f->pump_fd, buf + done, (size_t)(r - done), MSG_NOSIGNAL);
            if (w < 0) goto failed;
            done += (int)w;
        }
    }
    return NULL;
failed:
    shutdown(f->pump_fd, SHUT_RDWR); /* the link sees a broken connection */
    return NULL;
}

si_ftdi *si_ftdi_open(const char *target, const si_link_config *cfg, int *fd, char *err,
                      size_t errlen)
{
    int vid, pid, index;
    char serial[128];
    if (!parse_device(target + strlen("ftdi:"), &vid, &pid, serial, sizeof(serial), &index)) {
        snprintf(err, errlen, "'%s': expected ftdi:VID:PID[:SERIAL|:#INDEX] (hex VID and PID)",
                 target);
        return NULL;
    }
    si_ftdi *f = calloc(1, sizeof(*f));
    struct ftdi_context *ctx = f ? ftdi_new() : NULL;
    if (!ctx) {
        snprintf(err, errlen, "'%s': cannot initialise libftdi (libusb)", target);
        free(f);
        return NULL;
    }
    f->ctx = ctx;
    int rc =
        ftdi_usb_open_desc_index(ctx, vid, pid, NULL, serial[0] ? serial : NULL, (unsigned)index);
    if (rc < 0) {
        snprintf(err, errlen, "'%s': cannot open the FTDI adapter %04x:%04x%s%s: %s", target, vid,
                 pid, serial[0] ? " with serial " : "", serial, ftdi_get_error_string(ctx));
        ftdi_free(ctx);
        free(f);
        return NULL;
    }
    int pair[2] = {-1, -1};
    if (!set_up(ctx, target, cfg, err, errlen)) goto fail;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        snprintf(err, errlen, "'%s': cannot create the socket pair", target);
        goto fail;
    }
    fcntl(pair[0], F_SETFL, fcntl(pair[0], F_GETFL) | O_NONBLOCK);
    ctx->usb_read_timeout = 100;
    f->pump_fd = pair[1];
    atomic_init(&f->stop, false);
    if (pthread_create(&f->thread, NULL, pump, f) != 0) {
        snprintf(err, errlen, "'%s': cannot start the pump thread", target);
        goto fail;
    }
    *fd = pair[0];
    return f;
fail:
    if (pair[0] >= 0) close(pair[0]), close(pair[1]);
    ftdi_usb_close(ctx);
    ftdi_free(ctx);
    free(f);
    return NULL;
}

void si_ftdi_close(si_ftdi *f)
{
    if (!f) return;
    atomic_store(&f->stop, true);
    pthread_join(f->thread, NULL);
    close(f->pump_fd);
    ftdi_usb_close(f->ctx);
    ftdi_free(f->ctx);
    free(f);
}
