/* transports.c: the route transports built into Brassboard, and their lookup by scheme. */
#include <string.h>

#include "bridge/route.h"
#include "bridge/serial-ice/serialice.h"
#include "bridge/transport_plugin.h"

/* SystemC lives in a plugin: loading the SystemC kernel and the C++ runtime is paid only
 * by runs that route to SystemC (cosim/systemc builds libbrassboard_systemc.so). */
static const bb_transport_plugin systemc_plugin = {"systemc", "libbrassboard_systemc.so",
                                                   "bb_transport_systemc"};

static void *systemc_open(bb_machine *m, const char *target, uint64_t base, uint64_t size,
                          const bb_route_options *opts, char *err, size_t errlen)
{
    return bb_transport_plugin_open(&systemc_plugin, m, target, base, size, opts, err, errlen);
}

static const bb_transport_ops systemc_transport = {
    .scheme = "systemc",
    .description = "SystemC TLM-2.0 models in a shared object (docs/systemc.md)",
    .open = systemc_open,
    .read = bb_transport_plugin_read,
    .write = bb_transport_plugin_write,
    .close = bb_transport_plugin_close,
};

const bb_transport_ops *const bb_transports[] = {
    &bb_transport_serialice,
    &systemc_transport,
    NULL,
};

const bb_transport_ops *bb_transport_find(const char *scheme)
{
    for (int i = 0; bb_transports[i]; i++)
        if (strcmp(bb_transports[i]->scheme, scheme) == 0) return bb_transports[i];
    return NULL;
}
