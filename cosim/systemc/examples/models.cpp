/*
 * models.cpp: the example model library for the systemc: transport
 * (libbb_systemc_examples.so). One route builds one model, chosen by its arguments:
 *
 *     model=memory[&size=BYTES][&latency=NS][&no-dmi]   a TLM memory (default 64 KiB)
 *     model=timer&irq=N                                  the timer, on interrupt input N
 *     model=dma&irq=N[&per-byte=NS]                      the DMA engine
 *     model=error                                        a target that answers errors
 *
 * irq= may name a controller too: irq=intc@10003000:5. Addresses follow the route:
 * absolute by default, offsets with the route option `relative`.
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cosim/systemc/brassboard_systemc.h"
#include "dma.h"
#include "error_target.h"
#include "memory.h"
#include "timer.h"

namespace
{

struct arguments {
    std::string model, irq;
    uint64_t size = 64 * 1024, latency_ns = 0, per_byte_ns = 1;
    bool dmi = true;
};

bool parse(const char *text, arguments *out, std::string *error)
{
    std::string rest = text;
    size_t at = 0;
    while (at < rest.size()) {
        size_t amp = rest.find('&', at);
        if (amp == std::string::npos) amp = rest.size();
        std::string arg = rest.substr(at, amp - at);
        at = amp + 1;
        size_t eq = arg.find('=');
        std::string key = arg.substr(0, eq),
                    value = eq == std::string::npos ? "" : arg.substr(eq + 1);
        if (key == "model")
            out->model = value;
        else if (key == "irq")
            out->irq = value;
        else if (key == "size")
            out->size = strtoull(value.c_str(), nullptr, 0);
        else if (key == "latency")
            out->latency_ns = strtoull(value.c_str(), nullptr, 0);
        else if (key == "per-byte")
            out->per_byte_ns = strtoull(value.c_str(), nullptr, 0);
        else if (key == "no-dmi")
            out->dmi = false;
        else if (!key.empty()) {
            *error = "unknown argument '" + arg + "'";
            return false;
        }
    }
    return true;
}

/* The signal for irq=[CONTROLLER:]N, or nullptr with an error. */
sc_core::sc_signal<bool> *interrupt(brassboard::model_host *host, const std::string &spec,
                                    std::string *error)
{
    if (spec.empty()) {
        *error = "this model needs irq=N";
        return nullptr;
    }
    size_t colon = spec.rfind(':');
    std::string controller = colon == std::string::npos ? "" : spec.substr(0, colon);
    int input = atoi(spec.c_str() + (colon == std::string::npos ? 0 : colon + 1));
    sc_core::sc_signal<bool> *signal =
        host->interrupt(input, controller.empty() ? nullptr : controller.c_str());
    if (!signal) *error = "no interrupt input " + spec;
    return signal;
}

} // namespace

BB_SYSTEMC_BUILD
{
    arguments a;
    std::string error;
    uint64_t base = host->relative_addresses() ? 0 : host->route_base();
    tlm::tlm_target_socket<32> *socket = nullptr;
    if (parse(args, &a, &error)) {
        std::string name = a.model + "_" + std::to_string(host->route_base());
        if (a.model == "memory") {
            sc_core::sc_time latency(static_cast<double>(a.latency_ns), sc_core::SC_NS);
            socket =
                &(new bb_examples::tlm_memory(name.c_str(), base, a.size, latency, a.dmi))->socket;
        } else if (a.model == "timer") {
            if (sc_core::sc_signal<bool> *line = interrupt(host, a.irq, &error)) {
                auto *timer = new bb_examples::tlm_timer(name.c_str(), base);
                timer->irq(*line);
                socket = &timer->socket;
            }
        } else if (a.model == "dma") {
            if (sc_core::sc_signal<bool> *line = interrupt(host, a.irq, &error)) {
                sc_core::sc_time per_byte(static_cast<double>(a.per_byte_ns), sc_core::SC_NS);
                auto *dma = new bb_examples::tlm_dma(name.c_str(), base, per_byte);
                dma->irq(*line);
                dma->memory.bind(host->guest_memory());
                socket = &dma->socket;
            }
        } else if (a.model == "error") {
            socket = &(new bb_examples::tlm_error_target(name.c_str(), base))->socket;
        } else {
            error = "model=" + a.model + ": not memory, timer, dma or error";
        }
    }
    if (!socket) snprintf(err, errlen, "example models: %s", error.c_str());
    return socket;
}
