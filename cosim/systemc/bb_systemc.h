/*
 * bb_systemc.h: the C side's whole view of the SystemC co-simulation, so that the C core
 * never includes a SystemC header.
 *
 * The `systemc:` transport routes a guest address range to TLM-2.0 models built by a
 * shared object (see docs/systemc.md):
 *
 *     --route 0x30000000+0x10000=systemc:./libmodels.so?quantum=10us&model=memory
 *
 * It is implemented in C++ (cosim/systemc/transport.cpp) with C linkage; when Brassboard
 * is built without SystemC, a stub with the same name refuses every route with a message.
 */
#ifndef BB_SYSTEMC_H
#define BB_SYSTEMC_H

#include "bridge/route.h"

#ifdef __cplusplus
extern "C" {
#endif

extern const bb_transport_ops bb_transport_systemc;

#ifdef __cplusplus
}
#endif

#endif
