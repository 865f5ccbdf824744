/*
 * gdbstub.c: creating and freeing a stub: the listening socket, the register table of
 * the board's CPU architecture, the monitor commands.
 */
#include "gdbstub/stub.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The CPU's registers with a name, by increasing gdb number (the order of g packets). */
static void build_register_table(bb_gdbstub *s)
{
    bb_gdb_reg all[BB_GDB_MAX_REGS];
    int n = s->arch->registers(s->m->cpus[0], all, BB_GDB_MAX_REGS);
    s->n_regs = 0;
    for (int i = 0; i < n; i++) {
        if (!all[i].name) continue;
        int k = s->n_regs++;
        while (k > 0 && s->regs[k - 1].regnum > all[i].regnum) {
            s->regs[k] = s->regs[k - 1];
            k--;
        }
        s->regs[k] = all[i];
    }
}

bb_gdbstub *bb_gdbstub_new(bb_machine *m, const char *listen, char *err, size_t errlen)
{
    if (m->n_cpus == 0) {
        snprintf(err, errlen, "--gdb: the board has no CPU");
        return NULL;
    }
    const bb_gdb_arch *arch = bb_gdb_arch_find(m->cpus[0]);
    if (!arch) {
        snprintf(err, errlen, "--gdb: no gdb description for the '%s' CPUs of this board",
                 m->cpus[0]->ops->name);
        return NULL;
    }
    bb_gdbstub *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "--gdb: out of memory");
        return NULL;
    }
    s->m = m;
    s->arch = arch;
    s->conn.fd = -1;
    s->c_cpu = -1;
    build_register_table(s);
    s->listen_fd = gdb_listen(listen, s->where, sizeof(s->where), &s->port, err, errlen);
    if (s->listen_fd < 0) {
        free(s);
        return NULL;
    }
    if (!gdb_watcher_init(&s->watcher, m)) {
        snprintf(err, errlen, "--gdb: cannot create a pipe");
        close(s->listen_fd);
        free(s);
        return NULL;
    }
    if (!gdb_monitor_init(s)) {
        snprintf(err, errlen, "--gdb: out of memory");
        bb_gdbstub_free(s);
        return NULL;
    }
    fprintf(stderr, "brassboard: gdb: listening on %s\n", s->where);
    return s;
}

void bb_gdbstub_free(bb_gdbstub *s)
{
    if (!s) return;
    gdb_points_clear(s);
    gdb_conn_close(&s->conn);
    gdb_watcher_free(&s->watcher);
    if (s->listen_fd >= 0) close(s->listen_fd);
    gdb_monitor_free(s);
    free(s);
}

int bb_gdbstub_port(const bb_gdbstub *s)
{
    return s->port;
}
