/*
 * timer.h: example TLM-2.0 timer peripheral. The firmware writes a delay; the model raises
 * its interrupt that many nanoseconds after the time of the write, as the write's delay
 * annotation places it (sc_time_stamp() + delay: the guest's own time). It also reports
 * the times it sees, so firmware can check that the two clocks agree.
 *
 * Registers (32-bit, offsets from base):
 *   0x00 CTRL       bit 0: interrupt enable
 *   0x04 DELAY      write: arm, firing DELAY ns after the write; read: last DELAY
 *   0x08 STATUS     bit 0: fired; write 1 to clear (the interrupt line follows)
 *   0x0c DEADLINE_LO, 0x10 DEADLINE_HI   time the armed timer fires at (ns)
 *   0x14 NOW_LO, 0x18 NOW_HI             the access's time: sc_time_stamp() + delay (ns);
 *                                        reading NOW_LO latches NOW_HI
 *   0x1c KERNEL_LO, 0x20 KERNEL_HI       sc_time_stamp() alone (ns); LO latches HI
 *   0x24 QUANTUM    the global quantum (ns)
 *   0x28 FIRED_LO, 0x2c FIRED_HI         sc_time_stamp() when it last fired (ns)
 */
#ifndef BB_EXAMPLES_TIMER_H
#define BB_EXAMPLES_TIMER_H

#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "registers.h"

namespace bb_examples
{

class tlm_timer : public sc_core::sc_module
{
  public:
    tlm_utils::simple_target_socket<tlm_timer> socket;
    sc_core::sc_out<bool> irq;

    SC_HAS_PROCESS(tlm_timer);
    tlm_timer(sc_core::sc_module_name name, uint64_t base)
        : sc_module(name), socket("socket"), irq("irq"), base_(base)
    {
        socket.register_b_transport(this, &tlm_timer::b_transport);
        /* The one process that writes the interrupt line. */
        SC_METHOD(update);
        sensitive << fire_ << changed_;
        dont_initialize();
    }

  private:
    static uint64_t ns(const sc_core::sc_time &t)
    {
        return static_cast<uint64_t>(t.to_seconds() * 1e9 + 0.5);
    }

    void update()
    {
        if (fire_.triggered()) {
            status_ |= 1;
            fired_at_ = ns(sc_core::sc_time_stamp());
        }
        irq.write((status_ & 1) && (ctrl_ & 1));
    }

    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay)
    {
        register_access a;
        if (!decode_register_access(gp, base_, 0x1000, &a)) return;
        uint64_t now = ns(sc_core::sc_time_stamp() + delay);
        if (a.write) {
            switch (a.offset) {
            case 0x00: ctrl_ = a.value; break;
            case 0x04:
                delay_ = a.value;
                deadline_ = now + a.value;
                fire_.cancel();
                fire_.notify(delay +
                             sc_core::sc_time(static_cast<double>(a.value), sc_core::SC_NS));
                break;
            case 0x08: status_ &= ~a.value; break;
            default: break;
            }
            /* The line follows at once (a delta cycle), not at the annotated time:
             * the guest, which is already there, must see it drop before it returns
             * from its handler. */
            changed_.notify(sc_core::SC_ZERO_TIME);
            gp.set_response_status(tlm::TLM_OK_RESPONSE);
            return;
        }
        uint32_t v = 0;
        switch (a.offset) {
        case 0x00: v = ctrl_; break;
        case 0x04: v = delay_; break;
        case 0x08: v = status_; break;
        case 0x0c: v = static_cast<uint32_t>(deadline_); break;
        case 0x10: v = static_cast<uint32_t>(deadline_ >> 32); break;
        case 0x14:
            latched_ = now;
            v = static_cast<uint32_t>(now);
            break;
        case 0x18: v = static_cast<uint32_t>(latched_ >> 32); break;
        case 0x1c:
            latched_ = ns(sc_core::sc_time_stamp());
            v = static_cast<uint32_t>(latched_);
            break;
        case 0x20: v = static_cast<uint32_t>(latched_ >> 32); break;
        case 0x24: v = static_cast<uint32_t>(ns(tlm::tlm_global_quantum::instance().get())); break;
        case 0x28: v = static_cast<uint32_t>(fired_at_); break;
        case 0x2c: v = static_cast<uint32_t>(fired_at_ >> 32); break;
        default: break;
        }
        answer_register_read(gp, v);
    }

    uint64_t base_;
    sc_core::sc_event fire_, changed_;
    uint32_t ctrl_ = 0, delay_ = 0, status_ = 0;
    uint64_t deadline_ = 0, fired_at_ = 0, latched_ = 0;
};

} // namespace bb_examples

#endif
