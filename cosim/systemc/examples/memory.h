/*
 * memory.h: example TLM-2.0 memory (loosely timed): b_transport with byte enables and an
 * annotated latency, DMI (read and write) over the whole array, debug transport.
 * Addresses are `base` + offset (base is 0 for a route with relative addresses).
 */
#ifndef BB_EXAMPLES_MEMORY_H
#define BB_EXAMPLES_MEMORY_H

#include <cstdint>
#include <cstring>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace bb_examples
{

class tlm_memory : public sc_core::sc_module
{
  public:
    tlm_utils::simple_target_socket<tlm_memory> socket;

    tlm_memory(sc_core::sc_module_name name, uint64_t base, uint64_t size,
               sc_core::sc_time latency = sc_core::SC_ZERO_TIME, bool dmi = true)
        : sc_module(name), socket("socket"), base_(base), bytes_(size), latency_(latency), dmi_(dmi)
    {
        socket.register_b_transport(this, &tlm_memory::b_transport);
        socket.register_get_direct_mem_ptr(this, &tlm_memory::get_direct_mem_ptr);
        socket.register_transport_dbg(this, &tlm_memory::transport_dbg);
    }

  private:
    bool in_range(uint64_t addr, uint64_t len) const
    {
        return addr >= base_ && len <= bytes_.size() && addr - base_ <= bytes_.size() - len;
    }

    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay)
    {
        uint64_t addr = gp.get_address();
        unsigned len = gp.get_data_length();
        if (gp.get_streaming_width() < len) {
            gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
            return;
        }
        if (!in_range(addr, len)) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        unsigned char *cell = &bytes_[addr - base_];
        unsigned char *data = gp.get_data_ptr();
        const unsigned char *enables = gp.get_byte_enable_ptr();
        unsigned enables_len = gp.get_byte_enable_length();
        for (unsigned i = 0; i < len; i++) {
            if (enables && enables[i % enables_len] != TLM_BYTE_ENABLED) continue;
            if (gp.is_write())
                cell[i] = data[i];
            else if (gp.is_read())
                data[i] = cell[i];
        }
        delay += latency_;
        gp.set_dmi_allowed(dmi_);
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    bool get_direct_mem_ptr(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi)
    {
        (void)gp;
        if (!dmi_) return false;
        dmi.set_dmi_ptr(bytes_.data());
        dmi.set_start_address(base_);
        dmi.set_end_address(base_ + bytes_.size() - 1);
        dmi.allow_read_write();
        dmi.set_read_latency(latency_);
        dmi.set_write_latency(latency_);
        return true;
    }

    unsigned transport_dbg(tlm::tlm_generic_payload &gp)
    {
        uint64_t addr = gp.get_address();
        unsigned len = gp.get_data_length();
        if (addr < base_ || addr - base_ >= bytes_.size()) return 0;
        uint64_t room = bytes_.size() - (addr - base_);
        if (len > room) len = static_cast<unsigned>(room);
        if (gp.is_write())
            memcpy(&bytes_[addr - base_], gp.get_data_ptr(), len);
        else
            memcpy(gp.get_data_ptr(), &bytes_[addr - base_], len);
        return len;
    }

    uint64_t base_;
    std::vector<unsigned char> bytes_;
    sc_core::sc_time latency_;
    bool dmi_;
};

} // namespace bb_examples

#endif
