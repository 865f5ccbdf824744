/*
 * watcher.c: while the guest runs freely (continue, or no debugger attached), a thread
 * watches one socket - the debugger's connection, or the listening socket - and asks the
 * machine to stop (bb_machine_request_stop, which is safe from any thread) as soon as
 * anything arrives: Ctrl-C, a debugger that goes away, a new debugger. The run loop then
 * reads the socket itself. The guest meanwhile runs exactly as in a plain run, at full
 * speed, with no polling in the run loop.
 *
 * bb_machine_run clears pending stop requests when it starts, so a request that came just
 * before it would be lost: the thread repeats its request every 10 ms until the run ends.
 */
#include "gdbstub/stub.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

static void *watch(void *arg)
{
    gdb_watcher *w = arg;
    struct pollfd pfd[2] = {{w->pipe[0], POLLIN, 0}, {w->fd, POLLIN, 0}};
    for (;;) {
        bool woke = atomic_load(&w->woke);
        int n = poll(pfd, woke ? 1 : 2, woke ? 10 : -1);
        if (n < 0 && errno == EINTR) continue;
        if (n > 0 && (pfd[0].revents & POLLIN)) return NULL; /* the run is over */
        if (!woke && n > 0 && pfd[1].revents) atomic_store(&w->woke, true);
        if (atomic_load(&w->woke)) bb_machine_request_stop(w->m);
    }
}

bool gdb_watcher_init(gdb_watcher *w, bb_machine *m)
{
    w->m = m;
    w->active = false;
    atomic_store(&w->woke, false);
    return pipe2(w->pipe, O_CLOEXEC) == 0;
}

void gdb_watcher_free(gdb_watcher *w)
{
    gdb_watcher_stop(w);
    close(w->pipe[0]);
    close(w->pipe[1]);
}

void gdb_watcher_start(gdb_watcher *w, int fd)
{
    w->fd = fd;
    atomic_store(&w->woke, false);
    /* Signals (SIGINT) stay with the main thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    w->active = pthread_create(&w->thread, NULL, watch, w) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

bool gdb_watcher_stop(gdb_watcher *w)
{
    if (!w->active) return false;
    char byte = 0, drain;
    while (write(w->pipe[1], &byte, 1) < 0 && errno == EINTR)
        continue;
    pthread_join(w->thread, NULL);
    while (read(w->pipe[0], &drain, 1) < 0 && errno == EINTR)
        continue;
    w->active = false;
    return atomic_load(&w->woke);
}
