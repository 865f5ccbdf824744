/*
 * route.h: routes, the co-simulation seam. A route is a guest physical address range whose
 * accesses leave Brassboard through a transport: real hardware over SerialICE or a SystemC
 * TLM-2.0 model (and, access by access, a filter's model). On the bus a route is a
 * BB_REGION_ROUTE region with checked accessors, so a failed access becomes the guest's bus
 * fault (or the configured default value). Accesses reach the transport one at a time, in the
 * guest's program order; the guest is stalled until a read is answered (and a write, unless the
 * route posts writes).
 *
 * Specs, from --route, a board DTS node or a script:
 *     BASE+SIZE=SCHEME:TARGET[?OPTION[&OPTION...]]
 *     0x101f2000+0x1000=serialice:/dev/ttyUSB0?baud=115200&post-writes
 *     0x10100000+0x1000=systemc:./libmymodel.so?relative&quantum=1us
 * SIZE may end in K, M or G. Options understood by every transport (a transport may add
 * its own):
 *     relative          the transport sees offsets from BASE (default: absolute addresses)
 *     post-writes       writes do not wait for the transport's answer
 *     cache=A+S         reads in [A, A+S) (absolute) are constant: asked once, then cached
 *                       (per address and size; a write there drops the cached value);
 *                       up to BB_ROUTE_MAX_CACHED ranges
 *     default=V         when the link fails, reads give V and writes are dropped (instead
 *                       of a bus error)
 *     log               log every access (virtual time, CPU, PC, address, size, value,
 *                       latency) to the route log (--route-log FILE, or stderr)
 *     irq=N@ADDR        (with '@'; a plain irq= is left to the transport, e.g. a SystemC
 *                       model's line) interrupts over the memory protocol: the far side's 32-bit
 *                       interrupt status register at ADDR (absolute, aligned, inside the
 *                       route) is read every irq-poll of virtual time while the guest runs,
 *                       and right after every routed write (an acknowledge); input N of the
 *                       board's root interrupt controller follows (value & irq-mask) != 0.
 *                       These reads are not guest accesses: the log shows only the line's
 *                       changes, as "P4" lines with status irq-high or irq-low.
 *     irq-mask=M        the status bits that mean "interrupt" (default 0xffffffff)
 *     irq-poll=T        the polling period: a number with ns, us or ms (default 100us)
 *     filter=FILE.lua   a Lua filter (below) decides, access by access, where it goes
 * Debug accesses (debugger, loader, scripts' peeks) do not reach the transport: reads give
 * the cached value or 0, writes are dropped. The route replaces model regions that lie
 * inside its range (a peripheral model, an "unimplemented" node); it may not overlap RAM,
 * ROM, aliases, another route, or part of a model region.
 */
#ifndef BB_ROUTE_H
#define BB_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"

typedef struct bb_machine bb_machine;

#define BB_ROUTE_MAX_CACHED 8

typedef struct bb_route_options {
    bool relative;
    bool post_writes;
    bool has_default;
    uint64_t default_value;
    bool log;
    int n_cached;
    uint64_t cached_base[BB_ROUTE_MAX_CACHED], cached_size[BB_ROUTE_MAX_CACHED];
    bool has_irq;         /* irq=N@ADDR */
    int irq_input;        /* N: input of the board's root interrupt controller */
    uint64_t irq_address; /* ADDR: the 32-bit interrupt status register (absolute) */
    uint32_t irq_mask;    /* irq-mask=M (default all bits) */
    uint64_t irq_poll_ns; /* irq-poll=T (default 100 us of virtual time) */
    const char *extra;    /* the options the common layer did not recognise ("a=b&c"), for the
                             transport to parse; NULL when none */
} bb_route_options;

/* A transport: one per scheme. `open` is called once per route; a transport that reports
 * an error names what failed (the spec is named by the caller). Access functions return
 * BB_BUS_OK or BB_BUS_ERROR; they may report how long the access took in ns (0 when
 * unknown): the annotated delay of a TLM model (virtual time), the measured round trip of
 * real hardware (wall time). The route writes it to the access log; it does not advance
 * virtual time. With post_writes set, `write` may return before the far side answered,
 * and the error of a posted write may only show on a later access. */
typedef struct bb_transport_ops {
    const char *scheme; /* "serialice", "systemc", ... */
    const char *description;
    void *(*open)(bb_machine *m, const char *target, uint64_t base, uint64_t size,
                  const bb_route_options *opts, char *err, size_t errlen);
    int (*read)(void *transport, uint64_t addr, unsigned size, uint64_t *value, bb_attrs attrs,
                uint64_t *latency_ns);
    int (*write)(void *transport, uint64_t addr, uint64_t value, unsigned size, bb_attrs attrs,
                 uint64_t *latency_ns);
    void (*close)(void *transport);
} bb_transport_ops;

/* ---- filters ----
 * A filter sees every guest access of its route before it goes anywhere (`pre`) and after
 * it was done (`post`), in the spirit of SerialICE's Lua filters. `pre` decides where the
 * access goes and may change its address, size and (writes) value; `post` may change the
 * value a read returns. Debug accesses and the route's own interrupt polls are not
 * filtered. scripting/lua_filter.c implements filters in Lua (docs/bridge.md). */
typedef enum bb_route_target {
    BB_ROUTE_TO_HW,    /* the route's transport (hardware, a TLM model), with the cache,
                          posting and default of the route */
    BB_ROUTE_TO_MODEL, /* the filter answers: a read's value is `value`, a write goes no further */
    BB_ROUTE_TO_BUS,   /* the machine's own bus at `addr` (another region or device) */
    BB_ROUTE_FAILED,   /* the filter failed (`error` says why): the access gets the route's
                          default, as when the link fails */
} bb_route_target;

typedef struct bb_route_access {
    bool write;
    uint64_t addr;       /* absolute guest physical address (pre may change it) */
    unsigned size;       /* 1, 2, 4 or 8 bytes (pre may change it) */
    uint64_t value;      /* a write's value (pre may change it); a read's value (in post,
                            which may change it; from pre for BB_ROUTE_TO_MODEL) */
    uint64_t route_base; /* the route's BASE and SIZE */
    uint64_t route_size;
    uint32_t pc;        /* the accessing instruction (as in the log) */
    int cpu;            /* its CPU, -1 for a device or the host */
    uint64_t time_ns;   /* virtual time */
    bb_route_target to; /* post: where the access went */
    const char *status; /* post: the log's status ("ok", "cached", "posted", "model", "bus") */
    char error[512];    /* set by a filter that returns BB_ROUTE_FAILED or false */
} bb_route_access;

typedef struct bb_route_filter_ops {
    bb_route_target (*pre)(void *filter, bb_route_access *a);
    /* After an access that succeeded (a failed one gets the default instead). Returns
     * false, with `error` set, when the filter failed: a read then gets the default; a
     * write has been done already. */
    bool (*post)(void *filter, bb_route_access *a);
    void (*close)(void *filter); /* the route drops the filter (replaced, or closing) */
} bb_route_filter_ops;

/* Sets the filter of the route that contains `addr` (ops NULL: removes it). The previous
 * filter is closed. False with a message when no route contains addr. */
bool bb_route_set_filter(bb_machine *m, uint64_t addr, const bb_route_filter_ops *ops, void *filter,
                         char *err, size_t errlen);

/* The transports built in (NULL-terminated) and the lookup by scheme. */
extern const bb_transport_ops *const bb_transports[];
const bb_transport_ops *bb_transport_find(const char *scheme);

/* Parses a spec (see above) and adds the route to the machine's bus, replacing any model
 * region inside its range. On bad input returns false with a message naming the spec. */
bool bb_route_add(bb_machine *m, const char *spec, char *err, size_t errlen);
/* Sends the access log of every route of the machine (present and future, whatever their
 * `log` option) to `path` ("-" for stderr). Returns false with a message naming the file. */
bool bb_route_set_log(bb_machine *m, const char *path, char *err, size_t errlen);
/* Closes every route of the machine (called by bb_machine_free): posted writes are
 * flushed, transports closed, the log closed. */
void bb_routes_close(bb_machine *m);

/* Per-machine state that transports share between the routes of one machine (several
 * routes over one serial port share its connection). Returns the slot for `key`, NULL
 * when out of memory; a new slot holds NULL. The transport owns what it stores there and
 * sets the slot back to NULL when it frees it. Slots live until bb_routes_close. */
void **bb_route_shared(bb_machine *m, const char *key);

#endif
