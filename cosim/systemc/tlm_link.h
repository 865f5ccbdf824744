/*
 * tlm_link.h: guest accesses to a routed range as TLM-2.0 transactions (internal to
 * cosim/systemc). Used by the systemc: transport and by the Brassboard module.
 *
 * An access becomes a b_transport call on an initiator socket: the command, the address
 * (the caller decides absolute or relative), the data, byte enables when a bus width is
 * set (narrower accesses become one aligned bus word with the guest's byte lanes enabled),
 * and the delay annotation (the guest's local time ahead of sc_time_stamp()). A response
 * other than TLM_OK_RESPONSE is a bus error. The completion time the target annotates is
 * charged to the guest. Debug accesses use transport_dbg. When a target sets the DMI hint,
 * the link asks for a DMI pointer and serves later accesses in its range from memory
 * (the target's DMI latency is charged), until the target invalidates it.
 */
#ifndef BB_COSIM_SYSTEMC_TLM_LINK_H
#define BB_COSIM_SYSTEMC_TLM_LINK_H

#include <cstdint>

#include <systemc>
#include <tlm>

#include "cosim/systemc/lockstep.h"

extern "C" {
#include "core/bus.h"
}

namespace brassboard
{
namespace detail
{

struct link_stats {
    uint64_t transactions = 0; /* b_transport calls */
    uint64_t dmi_accesses = 0; /* accesses served through a DMI pointer */
    uint64_t debug = 0;        /* transport_dbg calls */
    uint64_t errors = 0;       /* error responses (guest bus errors) */
};

class tlm_link
{
  public:
    /* width: bus width in bytes (0, or 4 or 8 for byte-enabled bus words). */
    tlm_link(lockstep &keeper, tlm::tlm_initiator_socket<32> &socket, unsigned width, bool dmi,
             bool threaded);

    /* One guest access of 1, 2, 4 or 8 bytes at TLM address addr. Returns BB_BUS_OK or
     * BB_BUS_ERROR; *latency_ns (if not NULL) gets the latency the target annotated. */
    int access(bool write, uint64_t addr, unsigned size, uint64_t *value, bb_attrs attrs,
               uint64_t *latency_ns);
    /* The target's invalidate_direct_mem_ptr. */
    void invalidate(uint64_t start, uint64_t end);
    const link_stats &stats() const
    {
        return stats_;
    }

  private:
    int debug_access(bool write, uint64_t addr, unsigned size, uint64_t *value);
    bool dmi_access(bool write, uint64_t addr, unsigned size, uint64_t *value,
                    uint64_t *latency_ns);
    void ask_dmi(uint64_t addr);

    lockstep &keeper_;
    tlm::tlm_initiator_socket<32> &socket_;
    unsigned width_;
    bool dmi_enabled_, threaded_;
    bool dmi_valid_ = false;
    tlm::tlm_dmi dmi_;
    tlm::tlm_generic_payload gp_; /* reused: a payload allocates its extension array */
    link_stats stats_;
};

} // namespace detail
} // namespace brassboard

#endif
