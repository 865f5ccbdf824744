/*
 * brassboard_systemc.h: the C++ interface of Brassboard's SystemC TLM-2.0 co-simulation
 * (see docs/systemc.md).
 *
 * 1. SystemC inside Brassboard: a model library (a shared object linked with libsystemc)
 *    exports the entry point bb_systemc_build (BB_SYSTEMC_BUILD below). The `systemc:`
 *    transport loads it for each route, passes it a brassboard::model_host (guest
 *    memory as a TLM target, interrupt inputs as signals) and binds the route's TLM
 *    initiator socket to the target socket it returns.
 * 2. Brassboard inside SystemC: a user's sc_main instantiates brassboard::board, binds its
 *    initiator socket `bus` (the routed ranges), its target socket `memory` (guest memory
 *    for DMA) and its `irq` inputs, and calls sc_start().
 */
#ifndef BRASSBOARD_SYSTEMC_H
#define BRASSBOARD_SYSTEMC_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

extern "C" {
#include "core/machine.h"
}

namespace brassboard
{

/* ---- SystemC inside Brassboard: what a model library sees ---- */

class model_host
{
  public:
    /* The route this call builds models for: its guest physical range, and whether the
     * TLM addresses are offsets from base (route option `relative`) or absolute. */
    virtual uint64_t route_base() const = 0;
    virtual uint64_t route_size() const = 0;
    virtual bool relative_addresses() const = 0;
    /* The guest's RAM and ROM as a TLM target (guest physical addresses): bind a DMA
     * engine's initiator socket to it. */
    virtual tlm::tlm_target_socket<32> &guest_memory() = 0;
    /* A signal driving input `input` of the interrupt controller named `controller`
     * (nullptr: the controller of the CPU's IRQ line, e.g. the VIC on versatilepb). Bind an
     * sc_out<bool> to it; true asserts the line. nullptr if there is no such input. */
    virtual sc_core::sc_signal<bool> *interrupt(int input, const char *controller = nullptr) = 0;

  protected:
    ~model_host() = default;
};

/* The entry point: builds the models of one route (SystemC is still elaborating) and
 * returns the target socket its accesses go to. `args` holds the route options Brassboard
 * did not use, e.g. "model=timer&irq=18" (never NULL). On bad arguments returns nullptr
 * with a message in err. */
typedef tlm::tlm_target_socket<32> *bb_systemc_build_fn(model_host *host, const char *args,
                                                        char *err, size_t errlen);
#define BB_SYSTEMC_BUILD_SYMBOL "bb_systemc_build"
#define BB_SYSTEMC_BUILD                                                                           \
    extern "C" __attribute__((visibility("default"))) tlm::tlm_target_socket<32> *                 \
    bb_systemc_build(brassboard::model_host *host, const char *args, char *err, size_t errlen)

/* ---- Brassboard inside SystemC ---- */

/* A guest address range whose accesses go out of the board's `bus` socket. */
struct board_route {
    uint64_t base = 0, size = 0;
    bool relative = false; /* TLM addresses are offsets from base (default: absolute) */
};

struct board_options {
    std::string board = "versatilepb"; /* built-in board name or a .dts/.dtb path */
    std::string firmware;              /* ELF image (empty: none, load it yourself) */
    bool interpreter = false;          /* the IR interpreter instead of the native JIT */
    uint32_t ns_per_insn = 1;          /* virtual ns per guest instruction */
    sc_core::sc_time quantum = sc_core::sc_time(10, sc_core::SC_US);
    bool lookahead = false; /* end quanta early at SystemC's next event */
    std::vector<board_route> routes;
    unsigned bus_width = 0;     /* 4 or 8: byte-enabled bus words (0: natural size) */
    bool dmi = true;            /* use DMI when the target offers it */
    std::string irq_controller; /* controller the irq inputs drive ("": root) */
    bool stop_on_exit = true;   /* sc_stop() when the guest stops */
    uint64_t max_insns = 0;     /* stop after this many instructions (0: no limit) */
};

/* Input port for an interrupt line; it may be left unbound. */
typedef sc_core::sc_port<sc_core::sc_signal_in_if<bool>, 1, sc_core::SC_ZERO_OR_MORE_BOUND> irq_in;

namespace detail
{
class board_lockstep;
class tlm_link;
class guest_memory;
} // namespace detail

class board : public sc_core::sc_module
{
  public:
    tlm_utils::simple_initiator_socket<board> bus; /* the routed ranges */
    tlm_utils::simple_target_socket<board> memory; /* guest RAM/ROM for DMA */
    sc_core::sc_vector<irq_in> irq;                /* inputs of the interrupt controller */

    board(sc_core::sc_module_name name, const board_options &options);
    ~board() override;

    bb_machine *machine() const
    {
        return machine_;
    }
    /* After the guest stopped: its semihosting exit code, and why it stopped
     * ("exit", "max-insns", "halted", "request" or "" while it runs). */
    int exit_code() const
    {
        return exit_code_;
    }
    const char *stop_reason() const
    {
        return stop_reason_;
    }
    uint64_t instructions() const;
    uint64_t guest_time_ns() const;

  private:
    friend class detail::board_lockstep;
    struct range;
    void run();
    void end_of_elaboration() override;
    int route_access(const range &r, bool write, uint64_t offset, unsigned size, uint64_t *value,
                     bb_attrs attrs);
    void invalidate(sc_dt::uint64 start, sc_dt::uint64 end);
    void memory_b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    bool memory_dmi(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi);
    unsigned memory_dbg(tlm::tlm_generic_payload &gp);

    board_options options_;
    bb_machine *machine_ = nullptr;
    std::unique_ptr<detail::board_lockstep> keeper_;
    std::unique_ptr<detail::tlm_link> link_;
    std::unique_ptr<detail::guest_memory> guest_memory_;
    std::vector<std::unique_ptr<range>> ranges_;
    std::vector<bb_irq> irq_lines_; /* the controller input behind each irq port */
    int exit_code_ = 0;
    const char *stop_reason_ = "";
};

} // namespace brassboard

#endif
