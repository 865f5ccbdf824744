/*
 * pl_accumulator.cpp: the Zynq co-simulation example's PL peripheral as a SystemC TLM-2.0
 * model, in a library of its own (libbb_pl_accumulator.so) for a `systemc:` route:
 *
 *     accumulator@43c00000 {      (under &amba_pl in a tree that includes zynq-7000.dts)
 *         reg = <0x43c00000 0x1000>;
 *         brassboard,route = "systemc:libbb_pl_accumulator.so?irq=61";
 *     };
 *
 * The same peripheral is written in Lua in tests/zynq/pl_accumulator.lua; the firmware
 * driver tests/firmware/zynq/pl_accumulator.c must print the same against both. An AXI-Lite
 * slave as a Vivado design would place it at 0x43C00000 on GP0, with its interrupt on
 * IRQ_F2P[0] (GIC ID 61). Registers (32-bit accesses; anything else is a TLM error):
 *
 *   0x00 ID         read-only 0x41434331 ("ACC1")
 *   0x04 CTRL       bit 0 IRQ_EN; writing bit 1 (CLEAR) zeroes SUM, COUNT and STATUS
 *   0x08 DATA       write: SUM += value, COUNT += 1 (reads 0)
 *   0x0C SUM        the 32-bit (wrapping) sum
 *   0x10 COUNT      values added since the last clear
 *   0x14 THRESHOLD  when not zero, an add that leaves SUM >= THRESHOLD sets STATUS.REACHED
 *   0x18 STATUS     bit 0 REACHED; write 1 to clear
 *
 * The interrupt line is STATUS.REACHED and CTRL.IRQ_EN; it follows a register write at once
 * (SC_ZERO_TIME: the guest, already at the access's time, sees it before the access ends).
 * Arguments: irq=N (an input of the GIC: the interrupt ID), or irq=CONTROLLER:N.
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "cosim/systemc/brassboard_systemc.h"
#include "registers.h"

namespace
{

class pl_accumulator : public sc_core::sc_module
{
  public:
    tlm_utils::simple_target_socket<pl_accumulator> socket;
    sc_core::sc_out<bool> irq;

    SC_HAS_PROCESS(pl_accumulator);
    pl_accumulator(sc_core::sc_module_name name, uint64_t base)
        : sc_module(name), socket("socket"), irq("irq"), base_(base)
    {
        socket.register_b_transport(this, &pl_accumulator::b_transport);
        SC_METHOD(drive_irq);
        sensitive << changed_;
        dont_initialize();
    }

  private:
    enum : uint32_t {
        ID = 0x00,
        CTRL = 0x04,
        DATA = 0x08,
        SUM = 0x0c,
        COUNT = 0x10,
        THRESHOLD = 0x14,
        STATUS = 0x18,
    };
    static constexpr uint32_t ID_VALUE = 0x41434331u; /* "ACC1" */
    static constexpr uint32_t CTRL_IRQ_EN = 1u, CTRL_CLEAR = 2u, STATUS_REACHED = 1u;

    void drive_irq()
    {
        irq.write((status_ & STATUS_REACHED) && (ctrl_ & CTRL_IRQ_EN));
    }

    void write_register(uint64_t offset, uint32_t value)
    {
        switch (offset) {
        case CTRL:
            ctrl_ = value & CTRL_IRQ_EN;
            if (value & CTRL_CLEAR) sum_ = count_ = status_ = 0;
            break;
        case DATA:
            sum_ += value;
            count_++;
            if (threshold_ && sum_ >= threshold_) status_ |= STATUS_REACHED;
            break;
        case THRESHOLD: threshold_ = value; break;
        case STATUS: status_ &= ~value; break;
        default: break; /* ID, SUM, COUNT are read-only */
        }
        changed_.notify(sc_core::SC_ZERO_TIME);
    }

    uint32_t read_register(uint64_t offset) const
    {
        switch (offset) {
        case ID: return ID_VALUE;
        case CTRL: return ctrl_;
        case SUM: return sum_;
        case COUNT: return count_;
        case THRESHOLD: return threshold_;
        case STATUS: return status_;
        default: return 0;
        }
    }

    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay)
    {
        (void)delay;
        bb_examples::register_access a;
        if (!bb_examples::decode_register_access(gp, base_, 0x1000, &a)) return;
        if (a.write) {
            write_register(a.offset, a.value);
            gp.set_response_status(tlm::TLM_OK_RESPONSE);
        } else {
            bb_examples::answer_register_read(gp, read_register(a.offset));
        }
    }

    uint64_t base_;
    sc_core::sc_event changed_;
    uint32_t ctrl_ = 0, sum_ = 0, count_ = 0, threshold_ = 0, status_ = 0;
};

/* irq=[CONTROLLER:]N from the route's arguments; false with a message. */
bool parse_irq(const char *args, std::string *controller, int *input, std::string *error)
{
    std::string rest = args;
    size_t at = 0;
    bool found = false;
    while (at < rest.size()) {
        size_t amp = rest.find('&', at);
        if (amp == std::string::npos) amp = rest.size();
        std::string arg = rest.substr(at, amp - at);
        at = amp + 1;
        if (arg.compare(0, 4, "irq=") == 0) {
            std::string spec = arg.substr(4);
            size_t colon = spec.rfind(':');
            *controller = colon == std::string::npos ? "" : spec.substr(0, colon);
            *input = atoi(spec.c_str() + (colon == std::string::npos ? 0 : colon + 1));
            found = true;
        } else if (!arg.empty()) {
            *error = "unknown argument '" + arg + "'";
            return false;
        }
    }
    if (!found) *error = "give the interrupt: irq=N";
    return found;
}

} // namespace

BB_SYSTEMC_BUILD
{
    std::string controller, error;
    int input = 0;
    if (!parse_irq(args, &controller, &input, &error)) {
        snprintf(err, errlen, "pl_accumulator: %s", error.c_str());
        return nullptr;
    }
    sc_core::sc_signal<bool> *line =
        host->interrupt(input, controller.empty() ? nullptr : controller.c_str());
    if (!line) {
        snprintf(err, errlen, "pl_accumulator: no interrupt input %d", input);
        return nullptr;
    }
    uint64_t base = host->relative_addresses() ? 0 : host->route_base();
    std::string name = "pl_accumulator_" + std::to_string(host->route_base());
    auto *model = new pl_accumulator(name.c_str(), base);
    model->irq(*line);
    return &model->socket;
}
