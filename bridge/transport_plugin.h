/*
 * transport_plugin.h: a transport implemented in a shared object that is loaded when the
 * first route of its scheme opens (see transport_plugin.c). A plugin transport is a
 * bb_transport_ops whose functions are the bb_transport_plugin_* forwarders below, bound
 * to a bb_transport_plugin that names the library and the symbol of the real transport.
 */
#ifndef BB_TRANSPORT_PLUGIN_H
#define BB_TRANSPORT_PLUGIN_H

#include "bridge/route.h"

typedef struct bb_transport_plugin {
    const char *scheme;
    const char *library; /* file name, e.g. "libbrassboard_systemc.so" */
    const char *symbol;  /* the bb_transport_ops it exports */
} bb_transport_plugin;

typedef struct bb_transport_plugin_handle {
    const bb_transport_ops *ops;
    void *inner;
} bb_transport_plugin_handle;

void *bb_transport_plugin_open(const bb_transport_plugin *p, bb_machine *m, const char *target,
                               uint64_t base, uint64_t size, const bb_route_options *opts,
                               char *err, size_t errlen);
int bb_transport_plugin_read(void *transport, uint64_t addr, unsigned size, uint64_t *value,
                             bb_attrs attrs, uint64_t *latency_ns);
int bb_transport_plugin_write(void *transport, uint64_t addr, uint64_t value, unsigned size,
                              bb_attrs attrs, uint64_t *latency_ns);
void bb_transport_plugin_close(void *transport);

#endif
