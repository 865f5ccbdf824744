/*
 * net.c: the Ethernet backends of net.h; "user" is libslirp, driven by virtual time.
 * Without libslirp at build time (BB_HAVE_SLIRP unset) only "none" exists.
 */
#include "core/net.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"

#ifdef BB_HAVE_SLIRP
#include <arpa/inet.h>
#include <libslirp.h>
#endif

#define POLL_NS 1000000u
#define MAX_FDS 256

struct bb_net {
    bb_machine *m;
    bb_net_receive_fn receive;
    void *opaque;
#ifdef BB_HAVE_SLIRP
    Slirp *slirp;
    bb_timer poll_timer;
    struct pollfd fds[MAX_FDS];
    int n_fds;
#endif
};

#ifdef BB_HAVE_SLIRP

typedef struct slirp_timer {
    bb_timer timer;
    SlirpTimerCb cb;
    void *cb_opaque;
} slirp_timer;

static ssize_t send_to_guest(const void *buf, size_t len, void *opaque)
{
    bb_net *net = opaque;
    net->receive(net->opaque, buf, len);
    return (ssize_t)len;
}

static void guest_error(const char *msg, void *opaque)
{
    bb_net *net = opaque;
    bb_log_printf(&net->m->log, BB_LOG_GUEST_ERRORS, "network (slirp): %s", msg);
}

static int64_t clock_ns(void *opaque)
{
    bb_net *net = opaque;
    return (int64_t)bb_clock_now(net->m->clock);
}

static void timer_fired(void *opaque)
{
    slirp_timer *t = opaque;
    t->cb(t->cb_opaque);
}

static void *timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    bb_net *net = opaque;
    slirp_timer *t = calloc(1, sizeof(*t));
    if (!t) return NULL;
    t->cb = cb;
    t->cb_opaque = cb_opaque;
    bb_timer_init(&t->timer, net->m->clock, timer_fired, t);
    return t;
}

static void timer_free(void *timer, void *opaque)
{
    (void)opaque;
    slirp_timer *t = timer;
    if (!t) return;
    bb_timer_del(&t->timer);
    free(t);
}

static void timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    slirp_timer *t = timer;
    bb_timer_mod(&t->timer, expire_ms < 0 ? 0 : (uint64_t)expire_ms * 1000000u);
}

static void poll_fd_changed(int fd, void *opaque)
{
    (void)fd;
    (void)opaque;
}

static void notify(void *opaque)
{
    (void)opaque;
}

static const SlirpCb slirp_callbacks = {
    .send_packet = send_to_guest,
    .guest_error = guest_error,
    .clock_get_ns = clock_ns,
    .timer_new = timer_new,
    .timer_free = timer_free,
    .timer_mod = timer_mod,
    .register_poll_fd = poll_fd_changed,
    .unregister_poll_fd = poll_fd_changed,
    .notify = notify,
};

static int add_poll(int fd, int events, void *opaque)
{
    bb_net *net = opaque;
    if (net->n_fds == MAX_FDS) return -1;
    short ev = 0;
    if (events & SLIRP_POLL_IN) ev |= POLLIN;
    if (events & SLIRP_POLL_OUT) ev |= POLLOUT;
    if (events & SLIRP_POLL_PRI) ev |= POLLPRI;
    net->fds[net->n_fds].fd = fd;
    net->fds[net->n_fds].events = ev;
    net->fds[net->n_fds].revents = 0;
    return net->n_fds++;
}

static int get_revents(int idx, void *opaque)
{
    bb_net *net = opaque;
    if (idx < 0 || idx >= net->n_fds) return 0;
    short ev = net->fds[idx].revents;
    int out = 0;
    if (ev & POLLIN) out |= SLIRP_POLL_IN;
    if (ev & POLLOUT) out |= SLIRP_POLL_OUT;
    if (ev & POLLPRI) out |= SLIRP_POLL_PRI;
    if (ev & POLLERR) out |= SLIRP_POLL_ERR;
    if (ev & POLLHUP) out |= SLIRP_POLL_HUP;
    return out;
}

/* The 1 ms tick: serves the host sockets without waiting. */
static void poll_tick(void *opaque)
{
    bb_net *net = opaque;
    uint32_t timeout = 0;
    net->n_fds = 0;
    slirp_pollfds_fill(net->slirp, &timeout, add_poll, net);
    int rc = net->n_fds ? poll(net->fds, (nfds_t)net->n_fds, 0) : 0;
    slirp_pollfds_poll(net->slirp, rc < 0, get_revents, net);
    bb_timer_mod(&net->poll_timer, bb_clock_now(net->m->clock) + POLL_NS);
}

static bool open_user(bb_net *net, char *err, size_t errlen)
{
    SlirpConfig cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.version = 1;
    cfg.in_enabled = true;
    inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
    inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
    inet_pton(AF_INET, "10.0.2.2", &cfg.vhost);
    inet_pton(AF_INET, "10.0.2.15", &cfg.vdhcp_start);
    inet_pton(AF_INET, "10.0.2.3", &cfg.vnameserver);
    cfg.vhostname = "brassboard";
    net->slirp = slirp_new(&cfg, &slirp_callbacks, net);
    if (!net->slirp) {
        snprintf(err, errlen, "network 'user': slirp could not start");
        return false;
    }
    bb_timer_init(&net->poll_timer, net->m->clock, poll_tick, net);
    bb_timer_mod(&net->poll_timer, bb_clock_now(net->m->clock) + POLL_NS);
    return true;
}

#endif

bb_net *bb_net_open(bb_machine *m, const char *spec, bb_net_receive_fn receive, void *opaque,
                    char *err, size_t errlen)
{
    bool user = strcmp(spec, "user") == 0;
    if (!user && strcmp(spec, "none") != 0) {
        snprintf(err, errlen, "network '%s': expected user or none", spec);
        return NULL;
    }
    bb_net *net = calloc(1, sizeof(*net));
    if (!net) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    net->m = m;
    net->receive = receive;
    net->opaque = opaque;
    if (!user) return net;
#ifdef BB_HAVE_SLIRP
    if (open_user(net, err, errlen)) return net;
#else
    snprintf(err, errlen, "network 'user': brassboard was built without libslirp");
#endif
    free(net);
    return NULL;
}

void bb_net_send(bb_net *net, const uint8_t *frame, size_t len)
{
#ifdef BB_HAVE_SLIRP
    if (net->slirp) slirp_input(net->slirp, frame, (int)len);
#else
    (void)net;
    (void)frame;
    (void)len;
#endif
}

void bb_net_close(bb_net *net)
{
    if (!net) return;
#ifdef BB_HAVE_SLIRP
    if (net->slirp) {
        bb_timer_del(&net->poll_timer);
        slirp_cleanup(net->slirp);
    }
#endif
    free(net);
}
