/*
 * router.h: example TLM-2.0 interconnect: one target socket, one initiator socket per
 * address range. Transactions, DMI requests and debug accesses go to the range that
 * holds their address, unchanged (targets decode absolute addresses); addresses outside
 * every range answer TLM_ADDRESS_ERROR_RESPONSE. DMI invalidations pass back upstream.
 */
#ifndef BB_EXAMPLES_ROUTER_H
#define BB_EXAMPLES_ROUTER_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace bb_examples
{

class router : public sc_core::sc_module
{
  public:
    typedef tlm_utils::simple_initiator_socket_tagged<router> port;
    tlm_utils::simple_target_socket<router> socket;

    struct window {
        uint64_t base, size;
    };

    /* One initiator socket per window (ports are created while the module is built). */
    router(sc_core::sc_module_name name, const std::vector<window> &windows)
        : sc_module(name), socket("socket")
    {
        socket.register_b_transport(this, &router::b_transport);
        socket.register_get_direct_mem_ptr(this, &router::get_direct_mem_ptr);
        socket.register_transport_dbg(this, &router::transport_dbg);
        for (const window &w : windows) {
            int id = static_cast<int>(ranges_.size());
            std::string port_name = "port_" + std::to_string(id);
            ranges_.push_back({w.base, w.size, std::unique_ptr<port>(new port(port_name.c_str()))});
            ranges_.back().out->register_invalidate_direct_mem_ptr(this, &router::invalidate, id);
        }
    }

    /* The socket of window i: bind it to the target there. */
    port &out(size_t i)
    {
        return *ranges_.at(i).out;
    }

  private:
    struct range {
        uint64_t base, size;
        std::unique_ptr<port> out;
    };

    range *find(uint64_t addr)
    {
        for (range &r : ranges_)
            if (addr >= r.base && addr - r.base < r.size) return &r;
        return nullptr;
    }

    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay)
    {
        if (range *r = find(gp.get_address()))
            (*r->out)->b_transport(gp, delay);
        else
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    }

    bool get_direct_mem_ptr(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi)
    {
        range *r = find(gp.get_address());
        return r && (*r->out)->get_direct_mem_ptr(gp, dmi);
    }

    unsigned transport_dbg(tlm::tlm_generic_payload &gp)
    {
        range *r = find(gp.get_address());
        return r ? (*r->out)->transport_dbg(gp) : 0;
    }

    void invalidate(int id, sc_dt::uint64 start, sc_dt::uint64 end)
    {
        (void)id;
        socket->invalidate_direct_mem_ptr(start, end);
    }

    std::vector<range> ranges_;
};

} // namespace bb_examples

#endif
