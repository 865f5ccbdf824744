/*
 * transport.c: the "serialice" route transport (see serialice.h): option parsing, one
 * shared client per target and machine, and guest accesses as SerialICE memory commands.
 */
#include "bridge/serial-ice/serialice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge/serial-ice/client.h"
#include "bridge/serial-ice/link.h"

/* One connection, shared by the routes of a machine that name the same target. */
typedef struct shared_link {
    si_client *client;
    int refs;
    void **slot;
    char target[256];
} shared_link;

/* One route's view of it. */
typedef struct si_route {
    shared_link *shared;
    bool post_writes;
} si_route;

static bool parse_int(const char *s, long min, long max, long *out)
{
    char *end;
    long v = strtol(s, &end, 0);
    if (end == s || *end || v < min || v > max) return false;
    *out = v;
    return true;
}

/* Applies one transport option ("baud=9600", "lockstep"). False with a message if bad. */
static bool apply_option(const char *opt, si_link_config *link, si_client_options *client,
                         char *err, size_t errlen)
{
    const char *eq = strchr(opt, '=');
    size_t klen = eq ? (size_t)(eq - opt) : strlen(opt);
    const char *val = eq ? eq + 1 : "";
    long v;
#define KEY(name) (klen == strlen(name) && strncmp(opt, name, klen) == 0)
    if (KEY("lockstep") && !eq) {
        client->lockstep = true;
    } else if (KEY("baud") && parse_int(val, 50, 20000000, &v)) {
        link->baud = (int)v;
    } else if (KEY("bits") && parse_int(val, 5, 8, &v)) {
        link->data_bits = (int)v;
    } else if (KEY("stopbits") && parse_int(val, 1, 2, &v)) {
        link->stop_bits = (int)v;
    } else if (KEY("parity") &&
               (!strcmp(val, "none") || !strcmp(val, "even") || !strcmp(val, "odd"))) {
        link->parity = val[0];
    } else if (KEY("flow") && !strcmp(val, "none")) {
        link->flow = 'n';
    } else if (KEY("flow") && !strcmp(val, "rtscts")) {
        link->flow = 'h';
    } else if (KEY("flow") && !strcmp(val, "xonxoff")) {
        link->flow = 's';
    } else if (KEY("timeout") && parse_int(val, 1, 600000, &v)) {
        client->timeout_ms = (int)v;
        link->connect_ms = (int)v > link->connect_ms ? (int)v : link->connect_ms;
    } else if (KEY("pace") && parse_int(val, 50, 20000000, &v)) {
        client->pace_baud = (int)v;
    } else if (KEY("latency") && parse_int(val, 1, 255, &v)) {
        link->latency_ms = (int)v;
    } else if (KEY("retries") && parse_int(val, 0, 100, &v)) {
        client->retries = (int)v;
    } else if (KEY("window") && parse_int(val, 1, 4096, &v)) {
        client->window = (int)v;
    } else if (KEY("reprobe") && parse_int(val, 0, 3600000, &v)) {
        client->reprobe_ms = (int)v;
    } else {
        snprintf(err, errlen, "serialice option '%s' not understood (see docs/bridge.md)", opt);
        return false;
    }
#undef KEY
    return true;
}

static bool parse_options(const char *extra, si_link_config *link, si_client_options *client,
                          char *err, size_t errlen)
{
    if (!extra) return true;
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", extra);
    for (char *save = NULL, *opt = strtok_r(buf, "&", &save); opt; opt = strtok_r(NULL, "&", &save))
        if (!apply_option(opt, link, client, err, errlen)) return false;
    return true;
}

static shared_link *connect_board(const char *target, const bb_route_options *opts, char *err,
                                  size_t errlen)
{
    si_link_config link_cfg;
    si_client_options client_opts;
    si_link_config_default(&link_cfg);
    si_client_options_default(&client_opts);
    if (!parse_options(opts->extra, &link_cfg, &client_opts, err, errlen)) return NULL;
    char why[256];
    si_link *link = si_link_open(target, &link_cfg, why, sizeof(why));
    if (!link) {
        snprintf(err, errlen, "serialice: %s", why);
        return NULL;
    }
    shared_link *s = calloc(1, sizeof(*s));
    si_client *client = s ? si_client_new(link, &client_opts) : NULL;
    if (!client) {
        si_link_close(link);
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->client = client;
    snprintf(s->target, sizeof(s->target), "%s", target);
    if (si_client_handshake(client) != SI_OK) {
        snprintf(err, errlen, "serialice '%s': %s (is the SerialICE shell running%s?)", target,
                 si_client_error(client), strncmp(target, "tcp:", 4) ? ", at this baud rate" : "");
        si_client_free(client);
        free(s);
        return NULL;
    }
    return s;
}

static void *si_open(bb_machine *m, const char *target, uint64_t base, uint64_t size,
                     const bb_route_options *opts, char *err, size_t errlen)
{
    uint64_t last = opts->relative ? size - 1 : base + (size - 1);
    if (last > 0xffffffffu) {
        snprintf(err, errlen, "serialice addresses are 32 bits wide; 0x%llx is beyond",
                 (unsigned long long)last);
        return NULL;
    }
    char key[300];
    snprintf(key, sizeof(key), "serialice:%s", target);
    void **slot = bb_route_shared(m, key);
    si_route *r = calloc(1, sizeof(*r));
    if (!slot || !r) {
        free(r);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    shared_link *s = *slot;
    if (!s) {
        s = connect_board(target, opts, err, errlen);
        if (!s) {
            free(r);
            return NULL;
        }
        s->slot = slot;
        *slot = s;
    } else {
        /* Check the options even though the shared link's apply. */
        si_link_config link_cfg;
        si_client_options client_opts;
        si_link_config_default(&link_cfg);
        si_client_options_default(&client_opts);
        if (!parse_options(opts->extra, &link_cfg, &client_opts, err, errlen)) {
            free(r);
            return NULL;
        }
    }
    s->refs++;
    r->shared = s;
    r->post_writes = opts->post_writes;
    return r;
}

static uint64_t elapsed_ns(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)(now.tv_sec - start->tv_sec) * 1000000000u + (uint64_t)now.tv_nsec -
           (uint64_t)start->tv_nsec;
}

static int si_read(void *transport, uint64_t addr, unsigned size, uint64_t *value, bb_attrs attrs,
                   uint64_t *latency_ns)
{
    (void)attrs;
    si_route *r = transport;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (addr + (size - 1) > 0xffffffffu) return BB_BUS_ERROR;
    int rc = si_read_mem(r->shared->client, (uint32_t)addr, size, value);
    if (latency_ns) *latency_ns = elapsed_ns(&start);
    return rc == SI_OK ? BB_BUS_OK : BB_BUS_ERROR;
}

static int si_write(void *transport, uint64_t addr, uint64_t value, unsigned size, bb_attrs attrs,
                    uint64_t *latency_ns)
{
    (void)attrs;
    si_route *r = transport;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (addr + (size - 1) > 0xffffffffu) return BB_BUS_ERROR;
    int rc = si_write_mem(r->shared->client, (uint32_t)addr, size, value, r->post_writes);
    if (latency_ns) *latency_ns = elapsed_ns(&start);
    return rc == SI_OK ? BB_BUS_OK : BB_BUS_ERROR;
}

static void si_close(void *transport)
{
    si_route *r = transport;
    if (!r) return;
    shared_link *s = r->shared;
    if (--s->refs == 0) {
        const si_stats *st = si_client_stats(s->client);
        if (st->resyncs > 1 || st->failures || st->unconfirmed_posted)
            fprintf(stderr,
                    "brassboard: serialice %s: commands %llu, resynchronisations %llu, "
                    "timeouts %llu, garbled replies %llu, failed commands %llu, unconfirmed "
                    "posted writes %llu\n",
                    s->target, (unsigned long long)st->commands,
                    (unsigned long long)(st->resyncs - 1), (unsigned long long)st->timeouts,
                    (unsigned long long)st->garbled, (unsigned long long)st->failures,
                    (unsigned long long)st->unconfirmed_posted);
        si_client_free(s->client);
        *s->slot = NULL;
        free(s);
    }
    free(r);
}

const bb_transport_ops bb_transport_serialice = {
    .scheme = "serialice",
    .description = "real hardware through the SerialICE shell (serial port, pty, TCP)",
    .open = si_open,
    .read = si_read,
    .write = si_write,
    .close = si_close,
};
