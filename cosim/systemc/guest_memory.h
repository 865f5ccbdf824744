/*
 * guest_memory.h: the guest's RAM and ROM as a TLM-2.0 target, for SystemC models that
 * access guest memory (DMA engines). Internal to cosim/systemc; both modes register a
 * socket's callbacks to these functions.
 *
 * Addresses are guest physical addresses. b_transport copies through the bus (so writes
 * over translated code invalidate it) and honours byte enables; streaming (a streaming
 * width below the length) is refused with TLM_BURST_ERROR_RESPONSE, addresses that are
 * not RAM or ROM with TLM_ADDRESS_ERROR_RESPONSE, writes to ROM with
 * TLM_COMMAND_ERROR_RESPONSE. DMI is granted for reading only: a write through a DMI
 * pointer would bypass the invalidation of translated code. Accesses take no time.
 */
#ifndef BB_COSIM_SYSTEMC_GUEST_MEMORY_H
#define BB_COSIM_SYSTEMC_GUEST_MEMORY_H

#include <systemc>
#include <tlm>

extern "C" {
#include "core/bus.h"
}

namespace brassboard
{
namespace detail
{

class guest_memory
{
  public:
    explicit guest_memory(bb_bus *bus) : bus_(bus) {}
    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi);
    unsigned transport_dbg(tlm::tlm_generic_payload &gp);

  private:
    /* The status for an access of len bytes at addr, or TLM_OK_RESPONSE. */
    tlm::tlm_response_status check(const tlm::tlm_generic_payload &gp) const;
    bb_bus *bus_;
};

} // namespace detail
} // namespace brassboard

#endif
