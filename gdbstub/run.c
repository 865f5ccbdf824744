/*
 * run.c: the stub's run loop. A continue (or a run with no debugger attached) is one
 * bb_machine_run, exactly as a plain run; a watcher thread (watcher.c) stops it when the
 * socket has something to say (Ctrl-C, a disconnect, a new debugger), and the loop then
 * reads the socket. So breakpoints aside, a guest under the stub runs at full speed and
 * retires the same instructions in the same order as without it.
 *
 * A step runs one instruction of one CPU (the others stay stopped). A guest that waits
 * for an interrupt that no timer will bring is "idle": the loop then sleeps on the
 * sockets until the debugger interrupts it or attaches.
 *
 * Resuming always executes the instruction at the PC, even if a breakpoint is set there
 * (the engine's hook skip), and first completes an instruction a watchpoint stopped
 * before (the engine's replay, see points.c).
 */
#include "gdbstub/stub.h"

#include <poll.h>
#include <stdio.h>

#include "core/clock.h"
#include "jit/instrument.h"

/* gdb's signal numbers. */
enum { GDB_SIGINT = 2, GDB_SIGTRAP = 5, GDB_SIGXCPU = 24 };

enum step_result { STEP_DONE, STEP_STOPPED, STEP_IDLE };

bb_cpu *gdb_cpu(bb_gdbstub *s, int cpu_index)
{
    if (cpu_index < 0 || cpu_index >= s->m->n_cpus) cpu_index = 0;
    return s->m->cpus[cpu_index];
}

/* ---- requests from packets ---- */

static void prepare_resume(bb_gdbstub *s)
{
    gdb_points_sync(s);
    for (int i = 0; i < s->m->n_cpus; i++) {
        bb_cpu *cpu = s->m->cpus[i];
        if (s->arch->prepare_resume) s->arch->prepare_resume(cpu);
        bb_instrument_resume_past_hooks(cpu);
    }
    s->idle = false;
}

void gdb_resume_continue(bb_gdbstub *s)
{
    prepare_resume(s);
    s->running = true;
    s->stepping = false;
}

void gdb_resume_step(bb_gdbstub *s, int cpu_index)
{
    prepare_resume(s);
    s->running = true;
    s->stepping = true;
    s->step_cpu = cpu_index >= 0 && cpu_index < s->m->n_cpus ? cpu_index : 0;
}

void gdb_finish(bb_gdbstub *s, bb_stop_reason why)
{
    s->finished = true;
    s->result = why;
}

void gdb_drop_connection(bb_gdbstub *s, bool resume)
{
    gdb_points_clear(s);
    gdb_conn_close(&s->conn);
    s->connected = false;
    fprintf(stderr, "brassboard: gdb: debugger detached; %s\n",
            resume ? "the guest runs on" : "the guest stays stopped");
    if (resume)
        gdb_resume_continue(s);
    else
        s->running = false;
}

/* ---- stops ---- */

static void stopped(bb_gdbstub *s, gdb_stop stop)
{
    s->running = false;
    s->stepping = false;
    s->idle = false;
    s->last_stop = stop;
    if (stop.kind == STOP_SIGNAL) s->g_cpu = stop.cpu;
    if (s->connected) gdb_send_stop_reply(s);
}

static void end_run(bb_gdbstub *s, gdb_stop stop, bb_stop_reason why)
{
    if (s->connected) stopped(s, stop);
    gdb_finish(s, why);
}

static const char *watch_reason(int type)
{
    switch (type) {
    case POINT_WRITE: return "watch";
    case POINT_READ: return "rwatch";
    default: return "awatch";
    }
}

/* Acts on why bb_machine_run or a step returned. Returns true if the guest stopped. */
static bool handle_reason(bb_gdbstub *s, bb_stop_reason why)
{
    bb_machine *m = s->m;
    switch (why) {
    case BB_STOP_EXIT:
        end_run(s, (gdb_stop){STOP_EXITED, 0, 0, NULL, 0, m->exit_code}, BB_STOP_EXIT);
        return true;
    case BB_STOP_REQUEST:
        if (s->watch_hit) {
            s->watch_hit = false;
            m->stop_requested = 0;
            int type = s->watch_point ? s->watch_point->type : POINT_ACCESS;
            stopped(s, (gdb_stop){STOP_SIGNAL, GDB_SIGTRAP, s->watch_cpu, watch_reason(type),
                                  s->watch_addr, 0});
        } else { /* SIGINT or SIGTERM to brassboard */
            end_run(s, (gdb_stop){STOP_TERMINATED, GDB_SIGINT, 0, NULL, 0, 0}, BB_STOP_REQUEST);
        }
        return true;
    case BB_STOP_BREAK: {
        bb_break_info info = bb_machine_break_info(m);
        gdb_point *p = gdb_point_by_hook(s, info.hook_id);
        const char *reason = NULL;
        if (p && p->type == POINT_SW)
            reason = "swbreak";
        else if (p && p->type == POINT_HW)
            reason = "hwbreak";
        else if (p)
            return false; /* the end of a watchpoint's replay: not a new stop */
        /* A hook of another module (a script) stopped the machine: a plain SIGTRAP. */
        stopped(s, (gdb_stop){STOP_SIGNAL, GDB_SIGTRAP, info.cpu_index, reason, 0, 0});
        return true;
    }
    case BB_STOP_HALTED: s->idle = true; return false;
    case BB_STOP_MAX_INSNS:
    case BB_STOP_NONE: return false;
    }
    return false;
}

/* Whether the --max-insns limit is reached; ends the run if so. */
static bool limit_reached(bb_gdbstub *s)
{
    if (!s->max_insns || bb_machine_icount(s->m) - s->start_icount < s->max_insns) return false;
    end_run(s, (gdb_stop){STOP_TERMINATED, GDB_SIGXCPU, 0, NULL, 0, 0}, BB_STOP_MAX_INSNS);
    return true;
}

/* ---- running ---- */

/* Runs one instruction of `cpu`, waiting out a WFI by skipping to the next timer. */
static enum step_result step_once(bb_gdbstub *s, bb_cpu *cpu)
{
    bb_machine *m = s->m;
    bool replay = bb_instrument_replay_pending(cpu);
    uint64_t before = bb_cpu_icount(cpu);
    for (int attempt = 0;; attempt++) {
        if (m->stop_requested) { /* a signal while we were stopped */
            handle_reason(s, BB_STOP_REQUEST);
            return STEP_STOPPED;
        }
        m->stop_reason = BB_STOP_NONE;
        s->watch_hit = false;
        bb_cpu_run_slice(cpu, 1);
        bb_machine_flush(m);
        bb_stop_reason why = m->stop_reason;
        if (why == BB_STOP_NONE && m->stop_requested) why = BB_STOP_REQUEST;
        if (why == BB_STOP_BREAK && replay && !bb_instrument_replay_pending(cpu))
            why = BB_STOP_NONE;
        if (why != BB_STOP_NONE && handle_reason(s, why)) return STEP_STOPPED;
        if (bb_cpu_icount(cpu) != before) return STEP_DONE;
        if (!cpu->halted) {
            if (attempt < 1000) continue; /* timer events were due first */
            return STEP_DONE;
        }
        if (!bb_clock_skip_to_deadline(m->clock)) return STEP_IDLE;
        bb_clock_run_due(m->clock);
        for (int i = 0; i < m->n_cpus; i++)
            m->cpus[i]->ops->check_interrupts(m->cpus[i]);
    }
}

static void run_step(bb_gdbstub *s)
{
    int index = s->step_cpu;
    switch (step_once(s, gdb_cpu(s, index))) {
    case STEP_DONE: stopped(s, (gdb_stop){STOP_SIGNAL, GDB_SIGTRAP, index, NULL, 0, 0}); break;
    case STEP_IDLE: s->idle = true; break;
    case STEP_STOPPED: break;
    }
}

/* Runs the guest until something stops it (continue, or no debugger attached). */
static void run_free(bb_gdbstub *s)
{
    bb_machine *m = s->m;
    for (int i = 0; i < m->n_cpus; i++) {
        if (!bb_instrument_replay_pending(m->cpus[i])) continue;
        if (step_once(s, m->cpus[i]) != STEP_DONE) return;
    }
    if (limit_reached(s)) return;
    if (m->stop_requested) {
        handle_reason(s, BB_STOP_REQUEST);
        return;
    }
    uint64_t limit = 0;
    if (s->max_insns) limit = s->max_insns - (bb_machine_icount(m) - s->start_icount);
    s->watch_hit = false;
    gdb_watcher_start(&s->watcher, s->connected ? s->conn.fd : s->listen_fd);
    bb_stop_reason why = bb_machine_run(m, limit);
    bool woke = gdb_watcher_stop(&s->watcher);
    if (woke && !(why == BB_STOP_REQUEST && s->watch_hit)) {
        /* The watcher's request, not a signal's (it may also have come after the guest
         * stopped for another reason): the loop reads the socket next. */
        m->stop_requested = 0;
        if (why == BB_STOP_REQUEST) why = BB_STOP_NONE;
    }
    if (why == BB_STOP_MAX_INSNS)
        limit_reached(s);
    else
        handle_reason(s, why);
}

/* ---- the sockets ---- */

static void accept_debugger(bb_gdbstub *s, int timeout_ms)
{
    struct pollfd pfd = {s->listen_fd, POLLIN, 0};
    if (poll(&pfd, 1, timeout_ms) <= 0) return;
    int fd = gdb_accept(s->listen_fd);
    if (fd < 0) return;
    gdb_conn_open(&s->conn, fd);
    s->connected = true;
    s->swbreak_ok = s->hwbreak_ok = false;
    s->g_cpu = 0;
    s->c_cpu = -1;
    fprintf(stderr, "brassboard: gdb: debugger attached\n");
    if (s->running) { /* a debugger that attaches stops the guest */
        s->running = s->stepping = s->idle = false;
        s->last_stop = (gdb_stop){STOP_SIGNAL, GDB_SIGTRAP, 0, NULL, 0, 0};
    }
}

/* Handles one event from the debugger, waiting up to timeout_ms for it. */
static void serve(bb_gdbstub *s, int timeout_ms)
{
    char *body;
    size_t len;
    switch (gdb_conn_next(&s->conn, timeout_ms, &body, &len)) {
    case GDB_EV_PACKET:
        if (!s->running) gdb_handle_packet(s, body, len);
        /* all-stop: nothing but 0x03 is expected while the guest runs */
        break;
    case GDB_EV_INTERRUPT:
        if (s->running) {
            int cpu = s->stepping ? s->step_cpu : 0;
            stopped(s, (gdb_stop){STOP_SIGNAL, GDB_SIGINT, cpu, NULL, 0, 0});
        }
        break;
    case GDB_EV_CLOSED: gdb_drop_connection(s, s->running); break;
    case GDB_EV_NONE: break;
    }
}

bb_stop_reason bb_gdbstub_run(bb_gdbstub *s, bool wait, uint64_t max_insns)
{
    bb_machine *m = s->m;
    s->max_insns = max_insns;
    s->start_icount = bb_machine_icount(m);
    s->finished = false;
    s->result = BB_STOP_NONE;
    s->last_stop = (gdb_stop){STOP_SIGNAL, GDB_SIGTRAP, 0, NULL, 0, 0};
    s->running = !wait;
    s->stepping = s->idle = false;
    if (wait) fprintf(stderr, "brassboard: gdb: waiting for a debugger on %s\n", s->where);
    while (!s->finished) {
        if (m->stop_requested && !s->watch_hit) {
            handle_reason(s, BB_STOP_REQUEST);
            continue;
        }
        bool busy = s->running && !s->idle;
        if (!s->connected) {
            accept_debugger(s, busy ? 0 : -1);
            if (!s->connected && !busy) continue;
        }
        if (s->connected && !busy) {
            serve(s, -1);
            continue;
        }
        if (s->stepping)
            run_step(s);
        else
            run_free(s);
        /* Whatever woke the watcher (and bytes already read) is handled before the guest
         * runs again. */
        do {
            if (s->connected && s->running && !s->finished) serve(s, 0);
        } while (s->connected && s->running && !s->finished && gdb_conn_buffered(&s->conn));
    }
    if (s->connected) {
        gdb_points_clear(s);
        gdb_conn_close(&s->conn);
        s->connected = false;
    }
    bb_machine_flush(m);
    return s->result;
}
