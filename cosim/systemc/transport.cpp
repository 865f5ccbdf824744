/*
 * transport.cpp: the `systemc:` transport, SystemC inside Brassboard.
 *
 * Each route loads a model library (dlopen), calls its bb_systemc_build with a
 * model_host, and binds a TLM initiator socket to the target socket it returns. The
 * SystemC kernel is the process's only one: the first route creates the `kernel`, which
 * keeps SystemC in step with the guest (lockstep.h): a timer on the guest's clock ends
 * each quantum, and there sc_start runs SystemC up to the guest's time. Guest accesses
 * call b_transport directly (the target must not wait(), as loosely-timed targets do
 * not), or, with the route option `thread`, from an SC_THREAD that sc_start runs until
 * the call returns, so the target may wait(). Elaboration happens at the first
 * synchronisation or access, so every route must be added before the guest runs.
 *
 * Route options (after the common ones of route.h), the rest going to the library:
 *     quantum=TIME  the quantum (default 10us; the smallest of the routes' is used)
 *     lookahead     end a quantum early at SystemC's next event (exact interrupt times)
 *     thread        call b_transport from an SC_THREAD (targets may call wait())
 *     no-dmi        never use DMI
 *     width=N       bus width in bytes (4 or 8): narrower accesses use byte enables
 *     stats         print the route's transaction counts on stderr when it closes
 */
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cosim/systemc/bb_systemc.h"
#include "cosim/systemc/brassboard_systemc.h"
#include "cosim/systemc/guest_memory.h"
#include "cosim/systemc/lockstep.h"
#include "cosim/systemc/tlm_link.h"

namespace
{

using namespace sc_core;
using brassboard::detail::lockstep;
using brassboard::detail::ns_of;
using brassboard::detail::sc_now_ns;
using brassboard::detail::time_of_ns;

const uint64_t default_quantum_ns = 10000;
const int max_settle_deltas = 1000;

/* Runs b_transport calls in a SystemC thread, for targets that wait(). */
class proxy : public sc_module
{
  public:
    SC_HAS_PROCESS(proxy);
    explicit proxy(sc_module_name name) : sc_module(name)
    {
        SC_THREAD(serve);
    }

    void call(tlm::tlm_initiator_socket<32> &socket, tlm::tlm_generic_payload &gp, sc_time &delay)
    {
        socket_ = &socket;
        gp_ = &gp;
        delay_ = &delay;
        done_ = false;
        request_.notify(SC_ZERO_TIME);
        while (!done_) {
            if (sc_pending_activity_at_current_time())
                sc_start(SC_ZERO_TIME);
            else if (sc_pending_activity())
                sc_start(sc_time_to_pending_activity());
            else
                throw std::runtime_error("b_transport waits for an event nothing will notify");
        }
    }

  private:
    void serve()
    {
        for (;;) {
            wait(request_);
            (*socket_)->b_transport(*gp_, *delay_);
            done_ = true;
        }
    }

    sc_event request_;
    tlm::tlm_initiator_socket<32> *socket_ = nullptr;
    tlm::tlm_generic_payload *gp_ = nullptr;
    sc_time *delay_ = nullptr;
    bool done_ = true;
};

/* The process's SystemC kernel, driven by one machine. */
class kernel : public lockstep
{
  public:
    kernel(bb_machine *m, uint64_t quantum_ns, bool lookahead)
        : lockstep(m, quantum_ns, lookahead), proxy_(new proxy("bb_systemc_proxy"))
    {
    }

    int routes = 0;
    bool started = false;
    bool in_kernel = false; /* inside sc_start */

    /* Elaboration and initialisation, once. */
    void start()
    {
        if (started) return;
        started = true;
        enter();
        sc_start(SC_ZERO_TIME);
        leave();
    }

    void b_transport(tlm::tlm_initiator_socket<32> &socket, tlm::tlm_generic_payload &gp,
                     sc_time &delay, bool threaded) override
    {
        if (!threaded) {
            socket->b_transport(gp, delay);
            return;
        }
        enter();
        try {
            proxy_->call(socket, gp, delay);
        } catch (...) {
            leave();
            throw;
        }
        leave();
    }

    void settle() override
    {
        enter();
        for (int i = 0; i < max_settle_deltas && sc_pending_activity_at_current_time(); i++)
            sc_start(SC_ZERO_TIME);
        leave();
    }

  protected:
    /* The synchronisation point: the guest takes the latency it owes, SystemC runs up
     * to the guest's time (its events there included), the next quantum is armed. */
    void quantum_end() override
    {
        try {
            start();
            catch_up_guest();
            uint64_t guest = guest_ns(), now = sc_now_ns();
            if (guest > now) {
                enter();
                sc_start(time_of_ns(guest - now));
                leave();
            }
            settle();
        } catch (const std::exception &e) {
            in_kernel = false;
            fprintf(stderr, "brassboard: systemc: %s\n", e.what());
            bb_machine_exit(machine(), 2);
            return;
        }
        if (sc_get_status() == SC_STOPPED || sc_end_of_simulation_invoked()) {
            fprintf(stderr, "brassboard: systemc: a model called sc_stop(): stopping\n");
            bb_machine_request_stop(machine());
            return;
        }
        if (!idle_forever()) arm_quantum_end();
    }

  private:
    void enter()
    {
        in_kernel = true;
    }
    void leave()
    {
        in_kernel = false;
    }
    proxy *proxy_; /* SystemC objects live as long as the process */
};

kernel *the_kernel;
bool kernel_retired; /* an earlier machine used SystemC: it cannot be elaborated again */

/* The route's initiator socket. */
class route_initiator : public sc_module
{
  public:
    tlm_utils::simple_initiator_socket<route_initiator> socket;
    brassboard::detail::tlm_link *link = nullptr;

    explicit route_initiator(sc_module_name name) : sc_module(name), socket("socket")
    {
        socket.register_invalidate_direct_mem_ptr(this, &route_initiator::invalidate);
    }

  private:
    void invalidate(sc_dt::uint64 start, sc_dt::uint64 end)
    {
        if (link) link->invalidate(start, end);
    }
};

/* Guest memory for the library's initiators. */
class memory_port : public sc_module
{
  public:
    tlm_utils::simple_target_socket<memory_port> socket;

    memory_port(sc_module_name name, bb_bus *bus) : sc_module(name), socket("socket"), mem_(bus)
    {
        socket.register_b_transport(this, &memory_port::b_transport);
        socket.register_get_direct_mem_ptr(this, &memory_port::get_direct_mem_ptr);
        socket.register_transport_dbg(this, &memory_port::transport_dbg);
    }

  private:
    void b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
    {
        mem_.b_transport(gp, delay);
    }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi)
    {
        return mem_.get_direct_mem_ptr(gp, dmi);
    }
    unsigned transport_dbg(tlm::tlm_generic_payload &gp)
    {
        return mem_.transport_dbg(gp);
    }
    brassboard::detail::guest_memory mem_;
};

/* A signal that drives an interrupt controller input. */
class irq_bridge : public sc_module
{
  public:
    sc_signal<bool> signal;

    SC_HAS_PROCESS(irq_bridge);
    irq_bridge(sc_module_name name, bb_irq line) : sc_module(name), signal("signal"), line_(line)
    {
        SC_METHOD(forward);
        sensitive << signal;
        dont_initialize();
    }

  private:
    void forward()
    {
        bb_irq_set(&line_, signal.read() ? 1 : 0);
    }
    bb_irq line_;
};

struct route_options {
    uint64_t quantum_ns = 0;
    bool lookahead = false, threaded = false, dmi = true, stats = false;
    unsigned width = 0;
    std::string model_args;
};

void parse_options(const char *extra, route_options *out)
{
    std::string rest = extra ? extra : "";
    size_t at = 0;
    while (at <= rest.size() && !rest.empty()) {
        size_t amp = rest.find('&', at);
        std::string opt = rest.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
        at = amp == std::string::npos ? rest.size() + 1 : amp + 1;
        if (opt.empty()) continue;
        if (opt.compare(0, 8, "quantum=") == 0) {
            if (!brassboard::detail::parse_time_ns(opt.c_str() + 8, &out->quantum_ns) ||
                out->quantum_ns == 0)
                throw std::runtime_error("bad quantum '" + opt.substr(8) +
                                         "' (a time such as 10us, 500ns, 1ms)");
        } else if (opt == "lookahead") {
            out->lookahead = true;
        } else if (opt == "thread") {
            out->threaded = true;
        } else if (opt == "no-dmi") {
            out->dmi = false;
        } else if (opt == "stats") {
            out->stats = true;
        } else if (opt.compare(0, 6, "width=") == 0) {
            out->width = static_cast<unsigned>(atoi(opt.c_str() + 6));
            if (out->width != 4 && out->width != 8)
                throw std::runtime_error("bad width '" + opt.substr(6) + "' (4 or 8)");
        } else {
            if (!out->model_args.empty()) out->model_args += '&';
            out->model_args += opt;
        }
    }
}

std::string hex(uint64_t v)
{
    char text[24];
    snprintf(text, sizeof(text), "%llx", (unsigned long long)v);
    return text;
}

class route_state final : public brassboard::model_host
{
  public:
    route_state(bb_machine *m, uint64_t base, uint64_t size, bool relative,
                const route_options &opts)
        : machine_(m), base_(base), size_(size), relative_(relative), stats_(opts.stats),
          initiator_(new route_initiator(("bb_route_" + hex(base)).c_str())),
          link_(*the_kernel, initiator_->socket, opts.width, opts.dmi, opts.threaded)
    {
        initiator_->link = &link_;
    }
    ~route_state()
    {
        initiator_->link = nullptr;
        if (stats_) {
            const auto &s = link_.stats();
            fprintf(stderr,
                    "systemc route 0x%llx: transactions=%llu dmi=%llu debug=%llu errors=%llu\n",
                    (unsigned long long)base_, (unsigned long long)s.transactions,
                    (unsigned long long)s.dmi_accesses, (unsigned long long)s.debug,
                    (unsigned long long)s.errors);
        }
    }

    route_initiator &initiator()
    {
        return *initiator_;
    }

    int access(bool write, uint64_t addr, unsigned size, uint64_t *value, bb_attrs attrs,
               uint64_t *latency_ns)
    {
        kernel &k = *the_kernel;
        if (k.in_kernel) {
            fprintf(stderr,
                    "brassboard: systemc: access to route 0x%llx from inside SystemC refused\n",
                    (unsigned long long)base_);
            if (!write) *value = 0;
            return BB_BUS_ERROR;
        }
        try {
            k.start();
            return link_.access(write, addr, size, value, attrs, latency_ns);
        } catch (const std::exception &e) {
            k.in_kernel = false;
            fprintf(stderr, "brassboard: systemc: access at 0x%llx: %s\n", (unsigned long long)addr,
                    e.what());
            if (!write) *value = 0;
            return BB_BUS_ERROR;
        }
    }

    /* model_host */
    uint64_t route_base() const override
    {
        return base_;
    }
    uint64_t route_size() const override
    {
        return size_;
    }
    bool relative_addresses() const override
    {
        return relative_;
    }
    tlm::tlm_target_socket<32> &guest_memory() override
    {
        if (!memory_) memory_ = new memory_port(("bb_memory_" + hex(base_)).c_str(), machine_->bus);
        return memory_->socket;
    }
    sc_signal<bool> *interrupt(int input, const char *controller) override
    {
        bb_irq line;
        if (!bb_machine_irq_input(machine_, controller, input, &line)) return nullptr;
        std::string name = "bb_irq_" + hex(base_) + "_" + (controller ? controller : "root") + "_" +
                           std::to_string(input);
        for (char &c : name)
            if (c == '@' || c == ',') c = '_';
        irq_bridge *bridge = new irq_bridge(name.c_str(), line);
        return &bridge->signal;
    }

  private:
    bb_machine *machine_;
    uint64_t base_, size_;
    bool relative_, stats_;
    route_initiator *initiator_; /* SystemC objects live as long as the process */
    memory_port *memory_ = nullptr;
    brassboard::detail::tlm_link link_;
};

void *open_route(bb_machine *m, const char *target, uint64_t base, uint64_t size,
                 const bb_route_options *common, char *err, size_t errlen)
{
    route_options opts;
    parse_options(common->extra, &opts);
    if (kernel_retired || (the_kernel && the_kernel->machine() != m))
        throw std::runtime_error("the SystemC kernel of this process already serves another "
                                 "machine (one co-simulation per process)");
    if (the_kernel && the_kernel->started)
        throw std::runtime_error("SystemC routes must be added before the guest runs");
    for (sc_object *top : sc_get_top_level_objects())
        if (dynamic_cast<brassboard::board *>(top))
            throw std::runtime_error("systemc: routes cannot be mixed with a brassboard::board "
                                     "module (one SystemC kernel per process)");

    void *library = dlopen(target, RTLD_NOW | RTLD_LOCAL);
    if (!library) throw std::runtime_error(std::string("cannot load ") + dlerror());
    auto *build = reinterpret_cast<brassboard::bb_systemc_build_fn *>(
        dlsym(library, BB_SYSTEMC_BUILD_SYMBOL));
    if (!build)
        throw std::runtime_error(std::string(target) + " has no " BB_SYSTEMC_BUILD_SYMBOL
                                                       " entry point");

    uint64_t quantum = opts.quantum_ns ? opts.quantum_ns : default_quantum_ns;
    if (!the_kernel) {
        setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
        the_kernel = new kernel(m, quantum, opts.lookahead);
    } else {
        if (opts.quantum_ns && opts.quantum_ns < the_kernel->quantum_ns())
            the_kernel->set_quantum_ns(opts.quantum_ns);
        if (opts.lookahead) the_kernel->set_lookahead(true);
    }
    tlm::tlm_global_quantum::instance().set(time_of_ns(the_kernel->quantum_ns()));
    the_kernel->arm_quantum_end();

    std::unique_ptr<route_state> route(new route_state(m, base, size, common->relative, opts));
    err[0] = '\0';
    tlm::tlm_target_socket<32> *socket = build(route.get(), opts.model_args.c_str(), err, errlen);
    if (!socket) {
        if (!err[0]) snprintf(err, errlen, "%s built no target socket", target);
        return nullptr;
    }
    route->initiator().socket.bind(*socket);
    the_kernel->routes++;
    return route.release();
}

void *systemc_open(bb_machine *m, const char *target, uint64_t base, uint64_t size,
                   const bb_route_options *opts, char *err, size_t errlen)
{
    try {
        return open_route(m, target, base, size, opts, err, errlen);
    } catch (const std::exception &e) {
        snprintf(err, errlen, "%s", e.what());
        return nullptr;
    }
}

int systemc_read(void *transport, uint64_t addr, unsigned size, uint64_t *value, bb_attrs attrs,
                 uint64_t *latency_ns)
{
    return static_cast<route_state *>(transport)->access(false, addr, size, value, attrs,
                                                         latency_ns);
}

int systemc_write(void *transport, uint64_t addr, uint64_t value, unsigned size, bb_attrs attrs,
                  uint64_t *latency_ns)
{
    return static_cast<route_state *>(transport)->access(true, addr, size, &value, attrs,
                                                         latency_ns);
}

/* The last route's close ends the simulation (end_of_simulation callbacks run) and
 * retires the kernel; SystemC objects stay until the process exits. */
void systemc_close(void *transport)
{
    delete static_cast<route_state *>(transport);
    if (!the_kernel || --the_kernel->routes > 0) return;
    bool started = the_kernel->started;
    delete the_kernel;
    the_kernel = nullptr;
    kernel_retired = true;
    try {
        if (started && sc_get_status() != SC_STOPPED && !sc_end_of_simulation_invoked()) {
            /* Not the "simulation stopped by user" note on stdout, the guest's console. */
            sc_report_handler::set_actions("/OSCI/SystemC", SC_INFO, SC_DO_NOTHING);
            sc_stop();
        }
    } catch (const std::exception &e) {
        fprintf(stderr, "brassboard: systemc: %s\n", e.what());
    }
}

} // namespace

extern "C" {

const bb_transport_ops bb_transport_systemc = {
    "systemc",     "SystemC TLM-2.0 models from a shared object (bb_systemc_build)",
    systemc_open,  systemc_read,
    systemc_write, systemc_close,
};

/* libsystemc's own main() calls sc_main; Brassboard has its own main, so this one is
 * never called, but the reference must resolve. A program that defines sc_main (one
 * using brassboard::board) overrides it. */
__attribute__((weak)) int sc_main(int argc, char *argv[])
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "brassboard: sc_main is not defined by this program\n");
    return 1;
}
}
