/* transports.c: the route transports built into Brassboard, and their lookup by scheme. */
#include <string.h>

#include "bridge/route.h"
#include "bridge/serial-ice/serialice.h"
#include "cosim/systemc/bb_systemc.h"

const bb_transport_ops *const bb_transports[] = {
    &bb_transport_serialice,
    &bb_transport_systemc,
    NULL,
};

const bb_transport_ops *bb_transport_find(const char *scheme)
{
    for (int i = 0; bb_transports[i]; i++)
        if (strcmp(bb_transports[i]->scheme, scheme) == 0) return bb_transports[i];
    return NULL;
}
