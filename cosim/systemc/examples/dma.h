/*
 * dma.h: example TLM-2.0 DMA engine. It copies a buffer in guest memory through its
 * initiator socket (reads through DMI when the memory grants it, writes with
 * b_transport), keeps its own local time with a tlm_quantumkeeper (the copy costs
 * `per_byte` per byte), and raises its interrupt when done.
 *
 * Registers (32-bit, offsets from base):
 *   0x00 SRC, 0x04 DST, 0x08 LEN     the transfer (guest physical addresses, bytes)
 *   0x0c CTRL       write: bit 0 starts (at the write's time), bit 1 enables the interrupt
 *   0x10 STATUS     bit 0 busy, bit 1 done, bit 2 error; write 1s to clear done and error
 *   0x14 START_LO, 0x18 START_HI    time the transfer started (ns)
 *   0x1c DONE_LO, 0x20 DONE_HI      time it completed (ns)
 *   0x24 DMI_BYTES  bytes read through a DMI pointer
 */
#ifndef BB_EXAMPLES_DMA_H
#define BB_EXAMPLES_DMA_H

#include <cstdint>
#include <cstring>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "registers.h"

namespace bb_examples
{

class tlm_dma : public sc_core::sc_module
{
  public:
    tlm_utils::simple_target_socket<tlm_dma> socket;    /* registers */
    tlm_utils::simple_initiator_socket<tlm_dma> memory; /* bus master */
    sc_core::sc_out<bool> irq;

    SC_HAS_PROCESS(tlm_dma);
    tlm_dma(sc_core::sc_module_name name, uint64_t base,
            sc_core::sc_time per_byte = sc_core::sc_time(1, sc_core::SC_NS))
        : sc_module(name), socket("socket"), memory("memory"), irq("irq"), base_(base),
          per_byte_(per_byte)
    {
        socket.register_b_transport(this, &tlm_dma::b_transport);
        memory.register_invalidate_direct_mem_ptr(this, &tlm_dma::invalidate);
        SC_THREAD(transfer);
        SC_METHOD(update);
        sensitive << changed_;
        dont_initialize();
    }

  private:
    enum { BUSY = 1, DONE = 2, ERROR = 4 };
    static const unsigned chunk = 64;

    static uint64_t ns(const sc_core::sc_time &t)
    {
        return static_cast<uint64_t>(t.to_seconds() * 1e9 + 0.5);
    }

    void update()
    {
        irq.write((status_ & (DONE | ERROR)) && (ctrl_ & 2));
    }

    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay)
    {
        register_access a;
        if (!decode_register_access(gp, base_, 0x1000, &a)) return;
        if (a.write) {
            switch (a.offset) {
            case 0x00: src_ = a.value; break;
            case 0x04: dst_ = a.value; break;
            case 0x08: len_ = a.value; break;
            case 0x0c:
                ctrl_ = a.value & 2;
                if ((a.value & 1) && !(status_ & BUSY)) {
                    status_ = BUSY;
                    start_.notify(delay);
                }
                break;
            case 0x10: status_ &= ~(a.value & (DONE | ERROR)); break;
            default: break;
            }
            changed_.notify(sc_core::SC_ZERO_TIME);
            gp.set_response_status(tlm::TLM_OK_RESPONSE);
            return;
        }
        uint32_t v = 0;
        switch (a.offset) {
        case 0x00: v = src_; break;
        case 0x04: v = dst_; break;
        case 0x08: v = len_; break;
        case 0x0c: v = ctrl_; break;
        case 0x10: v = status_; break;
        case 0x14: v = static_cast<uint32_t>(started_); break;
        case 0x18: v = static_cast<uint32_t>(started_ >> 32); break;
        case 0x1c: v = static_cast<uint32_t>(done_); break;
        case 0x20: v = static_cast<uint32_t>(done_ >> 32); break;
        case 0x24: v = dmi_bytes_; break;
        default: break;
        }
        answer_register_read(gp, v);
    }

    void invalidate(sc_dt::uint64 start, sc_dt::uint64 end)
    {
        if (dmi_valid_ && start <= dmi_.get_end_address() && end >= dmi_.get_start_address())
            dmi_valid_ = false;
    }

    /* Moves n bytes between buf and guest memory at addr; false on an error response. */
    bool move(bool write, uint64_t addr, unsigned char *buf, unsigned n,
              tlm_utils::tlm_quantumkeeper &keeper)
    {
        if (!write && dmi_valid_ && addr >= dmi_.get_start_address() &&
            addr + n - 1 <= dmi_.get_end_address() && dmi_.is_read_allowed()) {
            memcpy(buf, dmi_.get_dmi_ptr() + (addr - dmi_.get_start_address()), n);
            keeper.inc(dmi_.get_read_latency());
            dmi_bytes_ += n;
            return true;
        }
        tlm::tlm_generic_payload gp;
        gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp.set_address(addr);
        gp.set_data_ptr(buf);
        gp.set_data_length(n);
        gp.set_streaming_width(n);
        gp.set_byte_enable_ptr(nullptr);
        gp.set_dmi_allowed(false);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_core::sc_time delay = keeper.get_local_time();
        memory->b_transport(gp, delay);
        keeper.set(delay);
        if (!gp.is_response_ok()) return false;
        if (gp.is_dmi_allowed() && !dmi_valid_ && !write) {
            dmi_valid_ = memory->get_direct_mem_ptr(gp, dmi_) && dmi_.get_dmi_ptr();
        }
        return true;
    }

    void transfer()
    {
        tlm_utils::tlm_quantumkeeper keeper;
        for (;;) {
            wait(start_);
            keeper.reset();
            started_ = ns(sc_core::sc_time_stamp());
            bool ok = true;
            unsigned char buf[chunk];
            for (uint32_t at = 0; ok && at < len_; at += chunk) {
                unsigned n = len_ - at < chunk ? len_ - at : chunk;
                ok =
                    move(false, src_ + at, buf, n, keeper) && move(true, dst_ + at, buf, n, keeper);
                keeper.inc(per_byte_ * static_cast<double>(n));
                if (keeper.need_sync()) keeper.sync();
            }
            keeper.sync();
            done_ = ns(sc_core::sc_time_stamp());
            status_ = ok ? DONE : ERROR;
            changed_.notify(sc_core::SC_ZERO_TIME);
        }
    }

    uint64_t base_;
    sc_core::sc_time per_byte_;
    sc_core::sc_event start_, changed_;
    uint32_t src_ = 0, dst_ = 0, len_ = 0, ctrl_ = 0, status_ = 0, dmi_bytes_ = 0;
    uint64_t started_ = 0, done_ = 0;
    bool dmi_valid_ = false;
    tlm::tlm_dmi dmi_;
};

} // namespace bb_examples

#endif
