/*
 * stub.h: what the files of gdbstub/ share: the stub's state, the packet layer, text
 * buffers, breakpoints, XML documents and the run loop's entry points. Not an interface
 * for the rest of Brassboard (that is gdbstub.h).
 */
#ifndef BB_GDB_STUB_H
#define BB_GDB_STUB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"
#include "gdbstub/arch.h"
#include "gdbstub/gdbstub.h"
#include "jit/cpu.h"

/* ---- growable text buffers (packet.c) ---- */

typedef struct gdb_buf {
    char *data;
    size_t len, cap;
    bool failed; /* out of memory: the content is incomplete */
} gdb_buf;

void gdb_buf_add(gdb_buf *b, const void *data, size_t len);
void gdb_buf_str(gdb_buf *b, const char *s);
void gdb_buf_printf(gdb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gdb_buf_hex(gdb_buf *b, const uint8_t *bytes, size_t len);
void gdb_buf_free(gdb_buf *b);

/* Hex digits: value of one digit (-1 if none), and decoding of `2 * len` digits. */
int gdb_hex_digit(char c);
bool gdb_hex_decode(const char *hex, uint8_t *out, size_t len);
/* Parses a hex number at *p and advances past it; false if there is none or it is too
 * long for 64 bits. */
bool gdb_parse_hex(const char **p, uint64_t *value);

/* ---- the packet layer (packet.c) ---- */

/* The PacketSize we announce, and the largest packet body we accept. */
enum { GDB_PACKET_SIZE = 0x4000 };

typedef enum gdb_event {
    GDB_EV_NONE,      /* timeout, or a signal interrupted the wait */
    GDB_EV_PACKET,    /* a packet with a good checksum (acknowledged) */
    GDB_EV_INTERRUPT, /* the 0x03 byte (Ctrl-C) */
    GDB_EV_CLOSED,    /* the client is gone */
} gdb_event;

typedef struct gdb_conn {
    int fd;
    bool no_ack; /* QStartNoAckMode is in effect */
    /* Bytes read and not yet parsed. */
    uint8_t in[4096];
    size_t in_len, in_pos;
    /* The packet being received. */
    int state;
    char body[GDB_PACKET_SIZE + 1];
    size_t body_len;
    bool overflow;
    uint8_t sum, their_sum;
    /* The last packet sent, framed, for a retransmission after '-'. */
    gdb_buf last;
} gdb_conn;

void gdb_conn_open(gdb_conn *c, int fd);
void gdb_conn_close(gdb_conn *c);
/* Waits up to timeout_ms (-1: forever) for the next event. For GDB_EV_PACKET, *body is the
 * packet's body (NUL-terminated, valid until the next call) and *len its length. */
gdb_event gdb_conn_next(gdb_conn *c, int timeout_ms, char **body, size_t *len);
/* Sends a packet: escapes $ # } *, compresses runs, frames and checksums it. */
void gdb_conn_send(gdb_conn *c, const char *data, size_t len);
/* Whether bytes already read wait to be parsed. */
bool gdb_conn_buffered(const gdb_conn *c);
void gdb_conn_send_str(gdb_conn *c, const char *s);

/* ---- network (net.c) ---- */

/* Opens a listening socket for "[HOST:]PORT"; returns the fd, or -1 with a message. The
 * bound address is written to `where` ("127.0.0.1:1234"). */
int gdb_listen(const char *spec, char *where, size_t where_len, int *port, char *err,
               size_t errlen);
/* Accepts a pending connection (-1 if none), with TCP_NODELAY. */
int gdb_accept(int listen_fd);

/* ---- the watcher thread of free runs (watcher.c) ---- */

typedef struct gdb_watcher {
    bb_machine *m;
    int pipe[2]; /* a byte here ends the thread */
    int fd;      /* the socket it watches */
    pthread_t thread;
    bool active;
    atomic_bool woke; /* something arrived: it asked the machine to stop */
} gdb_watcher;

bool gdb_watcher_init(gdb_watcher *w, bb_machine *m);
void gdb_watcher_free(gdb_watcher *w);
/* Starts watching `fd` (before bb_machine_run). */
void gdb_watcher_start(gdb_watcher *w, int fd);
/* Ends the thread (after bb_machine_run); returns whether it asked for a stop. */
bool gdb_watcher_stop(gdb_watcher *w);

/* ---- the stub ---- */

/* Breakpoint and watchpoint types, as numbered by Z/z packets. */
enum { POINT_SW = 0, POINT_HW = 1, POINT_WRITE = 2, POINT_READ = 3, POINT_ACCESS = 4 };

typedef struct gdb_point {
    struct gdb_point *next;
    bb_gdbstub *stub;
    int type;
    uint32_t addr;
    uint32_t kind; /* breakpoints: the kind; watchpoints: the length in bytes */
    bool wanted;   /* gdb wants it inserted (applied to hooks when the guest resumes) */
    int hook_id;   /* the instrumentation hook, 0 when not installed */
} gdb_point;

typedef struct gdb_trace_state gdb_trace_state;
typedef struct gdb_coverage_state gdb_coverage_state;

/* Why the guest stopped, as the next stop reply says it. */
typedef enum gdb_stop_kind {
    STOP_SIGNAL,     /* T packet: signal, thread, reason */
    STOP_EXITED,     /* W packet: exit code */
    STOP_TERMINATED, /* X packet: signal */
} gdb_stop_kind;

typedef struct gdb_stop {
    gdb_stop_kind kind;
    int signal;         /* gdb signal number: 5 SIGTRAP, 2 SIGINT */
    int cpu;            /* the thread (CPU index) that stopped */
    const char *reason; /* "swbreak", "hwbreak", "watch", "rwatch", "awatch" or NULL */
    uint32_t data_addr; /* watchpoints: the address that was accessed */
    int exit_code;
} gdb_stop;

struct bb_gdbstub {
    bb_machine *m;
    const bb_gdb_arch *arch;
    bb_gdb_reg regs[BB_GDB_MAX_REGS]; /* of CPU 0, by increasing regnum */
    int n_regs;
    int listen_fd;
    int port;
    char where[80];
    gdb_conn conn;
    bool connected;
    gdb_watcher watcher;
    bool swbreak_ok, hwbreak_ok; /* gdb understands these stop reasons (qSupported) */
    /* Execution state. */
    bool running;  /* the guest runs (with a debugger: gdb waits for a stop reply) */
    bool stepping; /* the resume is a single step of step_cpu */
    bool idle;     /* running, but every CPU waits for an interrupt nothing will bring */
    int step_cpu;
    gdb_stop last_stop;
    int g_cpu; /* thread of g/G/p/P/m/M (Hg) */
    int c_cpu; /* thread of s/c (Hc) */
    gdb_point *points;
    /* A watchpoint hit recorded by a memory hook during the run. */
    bool watch_hit;
    gdb_point *watch_point;
    uint32_t watch_addr;
    int watch_cpu;
    /* Monitor commands. */
    bb_monitor_command *commands;
    int n_commands, cap_commands;
    gdb_trace_state *trace;       /* monitor trace (monitor_trace.c) */
    gdb_coverage_state *coverage; /* monitor coverage (monitor_coverage.c) */
    /* Run limits and the result. */
    uint64_t max_insns, start_icount;
    bool finished;
    bb_stop_reason result;
};

/* The CPU of thread `cpu_index`, or NULL. Threads are CPU index + 1 in the protocol. */
bb_cpu *gdb_cpu(bb_gdbstub *s, int cpu_index);

/* Packets (commands.c). */
void gdb_handle_packet(bb_gdbstub *s, char *body, size_t len);
void gdb_send_stop_reply(bb_gdbstub *s);

/* Breakpoints and watchpoints (points.c). Insert/remove return 0, or an errno-style
 * error number for an E reply; -1 for a type the stub does not support (empty reply). */
int gdb_point_insert(bb_gdbstub *s, int type, uint32_t addr, uint32_t kind);
int gdb_point_remove(bb_gdbstub *s, int type, uint32_t addr, uint32_t kind);
/* Installs and removes hooks so that they match what gdb wants (before a resume). */
void gdb_points_sync(bb_gdbstub *s);
/* Forgets every point and removes its hook (detach, disconnect, kill). */
void gdb_points_clear(bb_gdbstub *s);
gdb_point *gdb_point_by_hook(bb_gdbstub *s, int hook_id);

/* XML documents for qXfer (xml.c), malloc'd (NULL when out of memory). */
char *gdb_xml_target(bb_gdbstub *s);
char *gdb_xml_memory_map(bb_gdbstub *s);
char *gdb_xml_threads(bb_gdbstub *s);

/* The monitor (monitor.c) and its trace and coverage commands (monitor_trace.c,
 * monitor_coverage.c). */
bool gdb_monitor_init(bb_gdbstub *s);
void gdb_monitor_free(bb_gdbstub *s);
bool gdb_monitor_trace_init(bb_gdbstub *s);
void gdb_monitor_trace_free(bb_gdbstub *s);
bool gdb_monitor_coverage_init(bb_gdbstub *s);
void gdb_monitor_coverage_free(bb_gdbstub *s);

/* The run loop (run.c): resume requests from packets, carried out by the loop. */
void gdb_resume_continue(bb_gdbstub *s);
void gdb_resume_step(bb_gdbstub *s, int cpu_index);
/* Ends the run (kill): the guest does not run again. */
void gdb_finish(bb_gdbstub *s, bb_stop_reason why);
/* The connection is over (detach or disconnect): points are removed, the guest runs on
 * if `resume`, and the stub waits for the next debugger. */
void gdb_drop_connection(bb_gdbstub *s, bool resume);

#endif
