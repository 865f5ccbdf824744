/*
 * guest_memory.cpp: guest RAM and ROM behind a TLM-2.0 target (b_transport, read DMI,
 * debug transport).
 */
#include "cosim/systemc/guest_memory.h"

namespace brassboard
{
namespace detail
{

tlm::tlm_response_status guest_memory::check(const tlm::tlm_generic_payload &gp) const
{
    uint64_t len = gp.get_data_length();
    if (gp.get_streaming_width() < len) return tlm::TLM_BURST_ERROR_RESPONSE;
    uint64_t contiguous = 0;
    bool is_rom = false;
    if (len == 0 || !bb_bus_host_ptr(bus_, gp.get_address(), &contiguous, &is_rom) ||
        contiguous < len)
        return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    if (gp.is_write() && is_rom) return tlm::TLM_COMMAND_ERROR_RESPONSE;
    return tlm::TLM_OK_RESPONSE;
}

void guest_memory::b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay)
{
    (void)delay;
    if (gp.get_command() == tlm::TLM_IGNORE_COMMAND) {
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    tlm::tlm_response_status status = check(gp);
    if (status != tlm::TLM_OK_RESPONSE) {
        gp.set_response_status(status);
        return;
    }
    bool write = gp.is_write();
    uint64_t addr = gp.get_address();
    unsigned len = gp.get_data_length();
    unsigned char *data = gp.get_data_ptr();
    const unsigned char *enables = gp.get_byte_enable_ptr();
    unsigned enables_len = gp.get_byte_enable_length();
    if (!enables || enables_len == 0) {
        bb_bus_copy(bus_, addr, data, len, write);
    } else {
        for (unsigned i = 0; i < len; i++)
            if (enables[i % enables_len] == TLM_BYTE_ENABLED)
                bb_bus_copy(bus_, addr + i, data + i, 1, write);
    }
    gp.set_dmi_allowed(true);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool guest_memory::get_direct_mem_ptr(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi)
{
    uint64_t addr = gp.get_address(), contiguous = 0;
    bool is_rom = false;
    uint8_t *host = bb_bus_host_ptr(bus_, addr, &contiguous, &is_rom);
    if (!host) {
        dmi.set_start_address(addr);
        dmi.set_end_address(addr);
        dmi.allow_none();
        return false;
    }
    /* The whole region when addr is not in an alias window; else from addr on. */
    uint64_t resolved = addr;
    bb_region *r = bb_bus_resolve(bus_, &resolved);
    if (r && resolved == addr && r->host) {
        dmi.set_dmi_ptr(r->host);
        dmi.set_start_address(r->base);
        dmi.set_end_address(r->base + r->size - 1);
    } else {
        dmi.set_dmi_ptr(host);
        dmi.set_start_address(addr);
        dmi.set_end_address(addr + contiguous - 1);
    }
    dmi.allow_read();
    dmi.set_read_latency(sc_core::SC_ZERO_TIME);
    dmi.set_write_latency(sc_core::SC_ZERO_TIME);
    return true;
}

unsigned guest_memory::transport_dbg(tlm::tlm_generic_payload &gp)
{
    uint64_t len = gp.get_data_length();
    if (gp.get_command() == tlm::TLM_IGNORE_COMMAND || len == 0) return 0;
    uint64_t contiguous = 0;
    bool is_rom = false;
    if (!bb_bus_host_ptr(bus_, gp.get_address(), &contiguous, &is_rom)) return 0;
    if (contiguous < len) len = contiguous;
    bb_bus_copy(bus_, gp.get_address(), gp.get_data_ptr(), len, gp.is_write());
    return static_cast<unsigned>(len);
}

} // namespace detail
} // namespace brassboard
