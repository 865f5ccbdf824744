/*
 * lockstep.h: keeps the guest's virtual clock and SystemC's time together, the way a
 * tlm_quantumkeeper keeps an initiator's local time (internal to cosim/systemc).
 *
 * The guest is the loosely-timed initiator and runs ahead of sc_time_stamp() by at most
 * one quantum. Its local time is its clock (bb_clock_now, instruction-counted) plus the
 * latency that targets annotated since the last synchronisation ("pending"). A bb_timer
 * ends each quantum when the local time reaches sc_time_stamp() + quantum; at that
 * synchronisation point the guest clock is moved forward by the pending latency (as an
 * idle CPU's clock is: the guest's own timers fire on the way) and SystemC runs up to the
 * guest's time. How SystemC runs differs between the two modes (Brassboard as a module
 * waits in its SC_THREAD; the systemc: transport calls sc_start), so that part is virtual.
 */
#ifndef BB_COSIM_SYSTEMC_LOCKSTEP_H
#define BB_COSIM_SYSTEMC_LOCKSTEP_H

#include <cstdint>

#include <systemc>
#include <tlm>

extern "C" {
#include "core/clock.h"
#include "core/machine.h"
}

namespace brassboard
{
namespace detail
{

/* SystemC time in whole nanoseconds, and back. */
uint64_t ns_of(const sc_core::sc_time &t);
sc_core::sc_time time_of_ns(uint64_t ns);
uint64_t sc_now_ns();

/* Parses "10us", "500ns", "1ms", "2s" or a plain number of ns. False on bad input. */
bool parse_time_ns(const char *text, uint64_t *ns);

class lockstep
{
  public:
    lockstep(bb_machine *m, uint64_t quantum_ns, bool lookahead);
    virtual ~lockstep();
    lockstep(const lockstep &) = delete;
    lockstep &operator=(const lockstep &) = delete;

    bb_machine *machine() const
    {
        return machine_;
    }
    uint64_t quantum_ns() const
    {
        return quantum_ns_;
    }
    void set_quantum_ns(uint64_t ns);
    bool lookahead() const
    {
        return lookahead_;
    }
    void set_lookahead(bool on)
    {
        lookahead_ = on;
    }

    uint64_t guest_ns() const;
    /* The guest's local time: its clock plus the latency not yet charged to it. */
    uint64_t local_ns() const
    {
        return guest_ns() + pending_ns_;
    }
    /* The delay annotation for a transaction the guest starts now (local - SystemC). */
    sc_core::sc_time offset() const;
    /* A transaction of the guest completes at done_ns (SystemC time plus the annotated
     * delay): the guest owes the difference, charged at the next synchronisation. When
     * the local time passes the end of the quantum, the quantum ends now. */
    void charge(uint64_t done_ns);

    /* At a synchronisation point (no CPU in a slice): moves the guest clock to its local
     * time, and at least to sc_time_stamp(); timers due on the way fire. */
    void catch_up_guest();
    /* Arms the end of the next quantum: sc_time_stamp() + quantum - pending, or earlier
     * at SystemC's next event with lookahead. Returns the deadline (guest ns). */
    uint64_t arm_quantum_end();
    void disarm();
    /* After a transaction: with lookahead, a SystemC event the transaction scheduled
     * before the end of the quantum ends the quantum there. */
    void after_transaction();
    /* True when the guest has been waiting for an interrupt for a whole quantum with no
     * timer of its own armed and nothing left to happen in SystemC: nothing can wake it.
     * Call at a synchronisation point, with the quantum timer not armed. */
    bool idle_forever();

    /* Calls the target's b_transport where the target may call wait() if `threaded`
     * (and always in module mode). */
    virtual void b_transport(tlm::tlm_initiator_socket<32> &socket, tlm::tlm_generic_payload &gp,
                             sc_core::sc_time &delay, bool threaded) = 0;
    /* Lets the delta cycles a target's access caused run now (signal writes such as an
     * interrupt line going low), without advancing SystemC time. */
    virtual void settle() = 0;

  protected:
    /* The quantum timer fired (called from the machine's clock, outside any CPU slice). */
    virtual void quantum_end() = 0;

  private:
    static void on_timer(void *opaque);

    bb_machine *machine_;
    bb_timer timer_;
    uint64_t quantum_ns_;
    bool lookahead_;
    uint64_t pending_ns_ = 0;
    uint64_t idle_icount_ = 0;
    int idle_syncs_ = 0;
};

} // namespace detail
} // namespace brassboard

#endif
