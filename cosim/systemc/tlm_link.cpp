/*
 * tlm_link.cpp: a guest access as a TLM-2.0 generic payload (b_transport, DMI, debug).
 */
#include "cosim/systemc/tlm_link.h"

#include <cstring>

namespace brassboard
{
namespace detail
{

using sc_core::sc_time;

tlm_link::tlm_link(lockstep &keeper, tlm::tlm_initiator_socket<32> &socket, unsigned width,
                   bool dmi, bool threaded)
    : keeper_(keeper), socket_(socket), width_(width), dmi_enabled_(dmi), threaded_(threaded)
{
}

static void put_le(unsigned char *p, unsigned size, uint64_t value)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = static_cast<unsigned char>(value >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= static_cast<uint64_t>(p[i]) << (8 * i);
    return v;
}

int tlm_link::debug_access(bool write, uint64_t addr, unsigned size, uint64_t *value)
{
    unsigned char data[8] = {0};
    if (write) put_le(data, size, *value);
    gp_.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp_.set_address(addr);
    gp_.set_data_ptr(data);
    gp_.set_data_length(size);
    gp_.set_streaming_width(size);
    gp_.set_byte_enable_ptr(nullptr);
    gp_.set_byte_enable_length(0);
    unsigned done = socket_->transport_dbg(gp_);
    stats_.debug++;
    if (!write) *value = done >= size ? get_le(data, size) : 0;
    return done >= size ? BB_BUS_OK : BB_BUS_ERROR;
}

bool tlm_link::dmi_access(bool write, uint64_t addr, unsigned size, uint64_t *value,
                          uint64_t *latency_ns)
{
    if (addr < dmi_.get_start_address() || addr + (size - 1) > dmi_.get_end_address()) return false;
    if (write ? !dmi_.is_write_allowed() : !dmi_.is_read_allowed()) return false;
    unsigned char *p = dmi_.get_dmi_ptr() + (addr - dmi_.get_start_address());
    if (write)
        put_le(p, size, *value);
    else
        *value = get_le(p, size);
    uint64_t latency = ns_of(write ? dmi_.get_write_latency() : dmi_.get_read_latency());
    if (latency) keeper_.charge(keeper_.local_ns() + latency);
    if (latency_ns) *latency_ns = latency;
    stats_.dmi_accesses++;
    return true;
}

void tlm_link::ask_dmi(uint64_t addr)
{
    tlm::tlm_dmi granted;
    gp_.set_address(addr);
    gp_.set_command(tlm::TLM_READ_COMMAND);
    if (socket_->get_direct_mem_ptr(gp_, granted) && granted.get_dmi_ptr() &&
        granted.get_start_address() <= addr && addr <= granted.get_end_address()) {
        dmi_ = granted;
        dmi_valid_ = true;
    }
}

void tlm_link::invalidate(uint64_t start, uint64_t end)
{
    if (dmi_valid_ && start <= dmi_.get_end_address() && end >= dmi_.get_start_address())
        dmi_valid_ = false;
}

int tlm_link::access(bool write, uint64_t addr, unsigned size, uint64_t *value, bb_attrs attrs,
                     uint64_t *latency_ns)
{
    if (latency_ns) *latency_ns = 0;
    if (!write) *value = 0;
    if (size == 0 || size > 8) return BB_BUS_ERROR;
    if (attrs.debug) return debug_access(write, addr, size, value);
    if (dmi_valid_ && dmi_access(write, addr, size, value, latency_ns)) return BB_BUS_OK;

    /* Narrower than the bus: the aligned bus word, with the guest's lanes enabled. */
    unsigned char data[8] = {0}, enables[8] = {0};
    uint64_t bus_addr = addr;
    unsigned length = size, lane = 0;
    bool byte_enables = false;
    if (width_ > size && (addr & (width_ - 1)) + size <= width_) {
        bus_addr = addr & ~static_cast<uint64_t>(width_ - 1);
        lane = static_cast<unsigned>(addr - bus_addr);
        length = width_;
        memset(enables + lane, 0xff, size);
        byte_enables = true;
    }
    if (write) put_le(data + lane, size, *value);
    gp_.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp_.set_address(bus_addr);
    gp_.set_data_ptr(data);
    gp_.set_data_length(length);
    gp_.set_streaming_width(length);
    gp_.set_byte_enable_ptr(byte_enables ? enables : nullptr);
    gp_.set_byte_enable_length(byte_enables ? length : 0);
    gp_.set_dmi_allowed(false);
    gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);

    uint64_t issued = keeper_.local_ns();
    sc_time delay = keeper_.offset();
    keeper_.b_transport(socket_, gp_, delay, threaded_);
    stats_.transactions++;
    uint64_t done = sc_now_ns() + ns_of(delay);
    keeper_.charge(done);
    if (latency_ns) *latency_ns = done > issued ? done - issued : 0;
    keeper_.settle();
    keeper_.after_transaction();

    bool ok = gp_.is_response_ok();
    if (gp_.is_dmi_allowed() && dmi_enabled_ && !dmi_valid_) ask_dmi(bus_addr);
    if (!ok) {
        stats_.errors++;
        return BB_BUS_ERROR;
    }
    if (!write) *value = get_le(data + lane, size);
    return BB_BUS_OK;
}

} // namespace detail
} // namespace brassboard
