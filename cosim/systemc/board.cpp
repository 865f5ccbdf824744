/*
 * board.cpp: Brassboard inside SystemC, the brassboard::board module.
 *
 * The module owns a machine. Its SC_THREAD runs the guest one quantum at a time: it
 * brings SystemC up to the guest's time (wait), arms the end of the next quantum on the
 * guest's clock and calls bb_machine_run, which returns when the quantum timer asks it to
 * stop. Guest accesses to the routed ranges become b_transport calls on `bus` from inside
 * that thread, so targets may call wait(). Interrupt ports drive the controller's inputs
 * through SC_METHODs; `memory` gives SystemC initiators the guest's RAM and ROM.
 */
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "cosim/systemc/brassboard_systemc.h"
#include "cosim/systemc/guest_memory.h"
#include "cosim/systemc/lockstep.h"
#include "cosim/systemc/tlm_link.h"

namespace brassboard
{

using namespace sc_core;
using detail::ns_of;
using detail::sc_now_ns;
using detail::time_of_ns;

/* The thread stack: the run loop, the JIT's frames and the translator run on it. */
static const size_t run_stack_size = 8u << 20;
/* Bounds the delta cycles waited for at one time point (a model could loop in deltas). */
static const int max_settle_deltas = 1000;

namespace detail
{

class board_lockstep : public lockstep
{
  public:
    board_lockstep(board &owner, uint64_t quantum_ns, bool lookahead)
        : lockstep(owner.machine_, quantum_ns, lookahead)
    {
        bb_timer_init(
            &fence_, owner.machine_->clock, [](void *) {}, nullptr);
    }
    ~board_lockstep() override
    {
        bb_timer_del(&fence_);
    }
    void disarm_fence()
    {
        bb_timer_del(&fence_);
    }
    void b_transport(tlm::tlm_initiator_socket<32> &socket, tlm::tlm_generic_payload &gp,
                     sc_time &delay, bool threaded) override
    {
        (void)threaded;
        socket->b_transport(gp, delay);
    }
    void settle() override
    {
        if (sc_get_current_process_handle() != run_handle) return;
        for (int i = 0; i < max_settle_deltas && sc_pending_activity_at_current_time(); i++)
            wait(SC_ZERO_TIME);
    }
    bool quantum_over = false;
    sc_process_handle run_handle;

  protected:
    /* Asks the run to stop. A running CPU only sees the request when its slice ends,
     * so a timer one instruction later ends the slice (when the quantum ended before
     * the run's instruction budget, after a charged latency or a lookahead event). */
    void quantum_end() override
    {
        quantum_over = true;
        bb_machine_request_stop(machine());
        bb_timer_mod(&fence_, guest_ns() + bb_clock_ns_per_insn(machine()->clock));
    }

  private:
    bb_timer fence_;
};

} // namespace detail

struct board::range {
    board *owner;
    uint64_t base;
    bool relative;

    uint64_t address(uint64_t offset) const
    {
        return relative ? offset : base + offset;
    }
    static int checked_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value,
                            bb_attrs attrs)
    {
        range *r = static_cast<range *>(opaque);
        return r->owner->route_access(*r, false, offset, size, value, attrs);
    }
    static int checked_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                             bb_attrs attrs)
    {
        range *r = static_cast<range *>(opaque);
        return r->owner->route_access(*r, true, offset, size, &value, attrs);
    }
    /* The unchecked accessors serve block copies (loaders, debuggers): debug accesses. */
    static uint64_t read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
    {
        uint64_t value = 0;
        attrs.debug = 1;
        checked_read(opaque, offset, size, &value, attrs);
        return value;
    }
    static void write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
    {
        attrs.debug = 1;
        checked_write(opaque, offset, value, size, attrs);
    }
    static const bb_mmio_ops ops;
};

const bb_mmio_ops board::range::ops = {read, write, checked_read, checked_write};

[[noreturn]] static void fail(const std::string &message)
{
    SC_REPORT_ERROR("brassboard", message.c_str());
    throw std::runtime_error(message); /* in case the report's action does not throw */
}

board::board(sc_module_name name, const board_options &options)
    : sc_module(name), bus("bus"), memory("memory"), irq("irq"), options_(options)
{
    char err[512] = "";
    bb_machine_options mo;
    memset(&mo, 0, sizeof(mo));
    mo.board = options_.board.c_str();
    mo.jit = options_.interpreter ? BB_JIT_INTERP : BB_JIT_NATIVE;
    mo.ns_per_insn = options_.ns_per_insn;
    mo.semihosting = BB_SEMIHOSTING_CONSOLE;
    machine_ = bb_machine_new(&mo, err, sizeof(err));
    if (!machine_) fail(err);
    if (!options_.firmware.empty() &&
        !bb_machine_load_elf(machine_, options_.firmware.c_str(), err, sizeof(err)))
        fail(err);

    uint64_t quantum_ns = ns_of(options_.quantum);
    keeper_.reset(new detail::board_lockstep(*this, quantum_ns, options_.lookahead));
    link_.reset(new detail::tlm_link(*keeper_, bus, options_.bus_width, options_.dmi, false));
    guest_memory_.reset(new detail::guest_memory(machine_->bus));
    tlm::tlm_global_quantum::instance().set(time_of_ns(quantum_ns));

    for (const board_route &route : options_.routes) {
        ranges_.emplace_back(new range{this, route.base, route.relative});
        char region[48];
        snprintf(region, sizeof(region), "systemc@%llx", (unsigned long long)route.base);
        bb_bus_remove(machine_->bus, route.base); /* a model or placeholder region there */
        if (!bb_bus_add_route(machine_->bus, region, route.base, route.size, &range::ops,
                              ranges_.back().get()))
            fail(std::string("route ") + region + " overlaps another region of the board");
    }

    const char *controller =
        options_.irq_controller.empty() ? nullptr : options_.irq_controller.c_str();
    bb_device *dev =
        controller ? bb_machine_find_device(machine_, controller) : machine_->root_irq_controller;
    if (controller && !dev) fail(std::string("no interrupt controller named ") + controller);
    int inputs = dev ? dev->n_irq_in : 0;
    irq.init(static_cast<size_t>(inputs));
    irq_lines_.resize(static_cast<size_t>(inputs));
    for (int i = 0; i < inputs; i++)
        bb_machine_irq_input(machine_, controller, i, &irq_lines_[static_cast<size_t>(i)]);

    bus.register_invalidate_direct_mem_ptr(this, &board::invalidate);
    memory.register_b_transport(this, &board::memory_b_transport);
    memory.register_get_direct_mem_ptr(this, &board::memory_dmi);
    memory.register_transport_dbg(this, &board::memory_dbg);

    SC_HAS_PROCESS(board);
    SC_THREAD(run);
    set_stack_size(run_stack_size);
    keeper_->run_handle = sc_get_last_created_process_handle();
}

board::~board()
{
    link_.reset();
    keeper_.reset(); /* takes its timer off the machine's clock */
    bb_machine_free(machine_);
}

uint64_t board::instructions() const
{
    return bb_machine_icount(machine_);
}

uint64_t board::guest_time_ns() const
{
    return bb_clock_now(machine_->clock);
}

void board::end_of_elaboration()
{
    for (size_t i = 0; i < irq.size(); i++) {
        if (irq[i].size() == 0) continue;
        sc_spawn_options spawn;
        spawn.spawn_method();
        spawn.set_sensitivity(&irq[i]->value_changed_event());
        const bb_irq *line = &irq_lines_[i];
        irq_in *port = &irq[i];
        sc_spawn([line, port]() { bb_irq_set(line, (*port)->read() ? 1 : 0); },
                 sc_gen_unique_name("irq_forward"), &spawn);
    }
}

static const char *stop_name(bb_stop_reason why)
{
    switch (why) {
    case BB_STOP_EXIT: return "exit";
    case BB_STOP_MAX_INSNS: return "max-insns";
    case BB_STOP_HALTED: return "halted";
    case BB_STOP_REQUEST: return "request";
    default: return "";
    }
}

void board::run()
{
    detail::board_lockstep &keeper = *keeper_;
    bb_stop_reason why = BB_STOP_NONE;
    for (;;) {
        /* Synchronisation point: the guest's clock takes the latency it owes, then
         * SystemC runs up to the guest's time, including that time's delta cycles. */
        keeper.catch_up_guest();
        uint64_t guest = keeper.guest_ns(), now = sc_now_ns();
        if (guest > now) wait(time_of_ns(guest - now));
        for (int i = 0; i < max_settle_deltas && sc_pending_activity_at_current_time(); i++)
            wait(SC_ZERO_TIME);
        if (keeper.idle_forever()) {
            why = BB_STOP_HALTED;
            break;
        }
        /* The quantum ends at its deadline on the guest's clock: the timer stops an idle
         * guest there, the instruction budget a running one. */
        keeper.quantum_over = false;
        uint64_t deadline = keeper.arm_quantum_end(), guest_now = keeper.guest_ns();
        uint32_t ns_per_insn = bb_clock_ns_per_insn(machine_->clock);
        uint64_t budget = (deadline - guest_now + ns_per_insn - 1) / ns_per_insn;
        if (budget == 0) budget = 1;
        bool user_limit = false;
        if (options_.max_insns) {
            uint64_t done = bb_machine_icount(machine_);
            if (done >= options_.max_insns) {
                why = BB_STOP_MAX_INSNS;
                break;
            }
            if (options_.max_insns - done <= budget) {
                budget = options_.max_insns - done;
                user_limit = true;
            }
        }
        why = bb_machine_run(machine_, budget);
        keeper.disarm();
        keeper.disarm_fence();
        if (why == BB_STOP_MAX_INSNS && !user_limit) continue;
        if (why == BB_STOP_REQUEST && keeper.quantum_over) continue;
        break;
    }
    stop_reason_ = stop_name(why);
    exit_code_ = machine_->exit_code;
    bb_machine_flush(machine_);
    if (options_.stop_on_exit) {
        /* Not the "simulation stopped by user" note on stdout, the guest's console. */
        sc_report_handler::set_actions("/OSCI/SystemC", SC_INFO, SC_DO_NOTHING);
        sc_stop();
    }
}

int board::route_access(const range &r, bool write, uint64_t offset, unsigned size, uint64_t *value,
                        bb_attrs attrs)
{
    try {
        return link_->access(write, r.address(offset), size, value, attrs, nullptr);
    } catch (const std::exception &e) {
        fprintf(stderr, "brassboard: systemc: access at 0x%llx: %s\n",
                (unsigned long long)(r.base + offset), e.what());
        return BB_BUS_ERROR;
    }
}

void board::invalidate(sc_dt::uint64 start, sc_dt::uint64 end)
{
    link_->invalidate(start, end);
}

void board::memory_b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
{
    guest_memory_->b_transport(gp, delay);
}

bool board::memory_dmi(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi)
{
    return guest_memory_->get_direct_mem_ptr(gp, dmi);
}

unsigned board::memory_dbg(tlm::tlm_generic_payload &gp)
{
    return guest_memory_->transport_dbg(gp);
}

} // namespace brassboard
