/*
 * route.h: routes, the co-simulation seam. A route is a guest physical address range whose
 * accesses leave Brassboard through a transport: real hardware over SerialICE, a SystemC
 * TLM-2.0 model, or (later) a Lua model. On the bus a route is a BB_REGION_ROUTE region
 * with checked accessors, so a failed access becomes the guest's bus fault (or the
 * configured default value).
 *
 * Specs, from --route, a board DTS node or a script:
 *     BASE+SIZE=SCHEME:TARGET[?OPTION[&OPTION...]]
 *     0x101f2000+0x1000=serialice:/dev/ttyUSB0?baud=115200&post-writes
 *     0x10100000+0x1000=systemc:./libmymodel.so?relative&quantum=1us
 * Options understood by every transport (a transport may add its own):
 *     relative          the transport sees offsets from BASE (default: absolute addresses)
 *     post-writes       writes do not wait for the transport's answer
 *     cache=A+S         reads in [A, A+S) (absolute) are constant: asked once, then cached
 *     default=V         when the link fails, reads give V and writes are dropped (instead
 *                       of a bus error)
 *     log               log every access (virtual time, CPU, PC, address, size, value,
 *                       latency) to the route log (--route-log FILE, or stderr)
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
    const char *extra; /* the options the common layer did not recognise ("a=b&c"), for the
                          transport to parse; NULL when none */
} bb_route_options;

/* A transport: one per scheme. `open` is called once per route. Access functions return
 * BB_BUS_OK or BB_BUS_ERROR; they may report the access's latency in virtual ns (0 when
 * unknown), which the route adds to the access log. */
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

/* The transports built in (NULL-terminated) and the lookup by scheme. */
extern const bb_transport_ops *const bb_transports[];
const bb_transport_ops *bb_transport_find(const char *scheme);

/* Parses a spec (see above) and adds the route to the machine's bus, replacing any model
 * region at the same base. On bad input returns false with a message naming the spec. */
bool bb_route_add(bb_machine *m, const char *spec, char *err, size_t errlen);
/* Closes every route of the machine (called by bb_machine_free). */
void bb_routes_close(bb_machine *m);

#endif
