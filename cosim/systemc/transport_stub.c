/*
 * transport_stub.c: the `systemc:` transport of a Brassboard built without SystemC
 * (libsystemc-dev was not found): every route is refused with a message saying so.
 */
#include <stdio.h>

#include "cosim/systemc/bb_systemc.h"

static void *stub_open(bb_machine *m, const char *target, uint64_t base, uint64_t size,
                       const bb_route_options *opts, char *err, size_t errlen)
{
    (void)m;
    (void)base;
    (void)size;
    (void)opts;
    snprintf(err, errlen,
             "systemc:%s: this Brassboard was built without SystemC (install libsystemc-dev "
             "and rebuild)",
             target);
    return NULL;
}

const bb_transport_ops bb_transport_systemc = {
    .scheme = "systemc",
    .description = "SystemC TLM-2.0 models (not built in: no libsystemc-dev)",
    .open = stub_open,
};
