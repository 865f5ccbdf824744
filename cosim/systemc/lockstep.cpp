/*
 * lockstep.cpp: the guest's local time against sc_time_stamp(): delay annotations,
 * latency charged at synchronisation points, the quantum timer, idle detection.
 */
#include "cosim/systemc/lockstep.h"

#include <cstdlib>
#include <cstring>

extern "C" {
#include "jit/cpu.h"
}

namespace brassboard
{
namespace detail
{

using sc_core::sc_time;

uint64_t ns_of(const sc_time &t)
{
    static const sc_core::sc_time::value_type one_ns = sc_time(1, sc_core::SC_NS).value();
    return one_ns ? t.value() / one_ns : 0;
}

sc_time time_of_ns(uint64_t ns)
{
    return sc_time(static_cast<double>(ns), sc_core::SC_NS);
}

uint64_t sc_now_ns()
{
    return ns_of(sc_core::sc_time_stamp());
}

bool parse_time_ns(const char *text, uint64_t *ns)
{
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text) return false;
    static const struct {
        const char *unit;
        uint64_t scale;
    } units[] = {{"", 1}, {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
    for (const auto &u : units) {
        if (strcmp(end, u.unit) == 0) {
            *ns = v * u.scale;
            return true;
        }
    }
    return false;
}

lockstep::lockstep(bb_machine *m, uint64_t quantum_ns, bool lookahead)
    : machine_(m), quantum_ns_(quantum_ns ? quantum_ns : 1), lookahead_(lookahead)
{
    bb_timer_init(&timer_, m->clock, on_timer, this);
}

lockstep::~lockstep()
{
    bb_timer_del(&timer_);
}

void lockstep::set_quantum_ns(uint64_t ns)
{
    quantum_ns_ = ns ? ns : 1;
}

void lockstep::on_timer(void *opaque)
{
    static_cast<lockstep *>(opaque)->quantum_end();
}

uint64_t lockstep::guest_ns() const
{
    return bb_clock_now(machine_->clock);
}

sc_time lockstep::offset() const
{
    uint64_t local = local_ns(), now = sc_now_ns();
    return local > now ? time_of_ns(local - now) : sc_core::SC_ZERO_TIME;
}

void lockstep::charge(uint64_t done_ns)
{
    uint64_t local = local_ns();
    if (done_ns <= local) return;
    pending_ns_ += done_ns - local;
    /* The quantum ends when the local time reaches sc_time_stamp() + quantum. */
    uint64_t end = sc_now_ns() + quantum_ns_, guest = guest_ns();
    uint64_t deadline = end > guest + pending_ns_ ? end - pending_ns_ : guest;
    if (!bb_timer_armed(&timer_) || deadline < timer_.deadline) bb_timer_mod(&timer_, deadline);
}

/* A timer that only marks a time for bb_clock_skip_to_deadline to stop at. */
static void stall_point(void *) {}

void lockstep::catch_up_guest()
{
    bb_clock *clock = machine_->clock;
    uint64_t target = guest_ns() + pending_ns_, now_sc = sc_now_ns();
    pending_ns_ = 0;
    if (now_sc > target) target = now_sc;
    if (bb_clock_now(clock) >= target) return;
    bb_timer stall;
    bb_timer_init(&stall, clock, stall_point, nullptr);
    bb_timer_mod(&stall, target);
    while (bb_clock_now(clock) < target) {
        if (!bb_clock_skip_to_deadline(clock)) break;
        bb_clock_run_due(clock);
    }
    bb_timer_del(&stall);
}

uint64_t lockstep::arm_quantum_end()
{
    uint64_t now = sc_now_ns(), guest = guest_ns();
    uint64_t deadline = now + quantum_ns_;
    if (lookahead_ && sc_core::sc_pending_activity()) {
        uint64_t next = ns_of(sc_core::sc_time_to_pending_activity());
        if (next > 0 && now + next < deadline) deadline = now + next;
    }
    deadline = deadline > pending_ns_ ? deadline - pending_ns_ : 0;
    if (deadline < guest) deadline = guest;
    bb_timer_mod(&timer_, deadline);
    return deadline;
}

void lockstep::after_transaction()
{
    if (!lookahead_ || !bb_timer_armed(&timer_) || !sc_core::sc_pending_activity()) return;
    uint64_t event = sc_now_ns() + ns_of(sc_core::sc_time_to_pending_activity());
    uint64_t deadline = event > pending_ns_ ? event - pending_ns_ : 0, guest = guest_ns();
    if (deadline < guest) deadline = guest;
    if (deadline < timer_.deadline) bb_timer_mod(&timer_, deadline);
}

void lockstep::disarm()
{
    bb_timer_del(&timer_);
}

bool lockstep::idle_forever()
{
    bb_machine *m = machine_;
    bool halted = m->n_cpus > 0;
    for (int i = 0; i < m->n_cpus; i++)
        if (!m->cpus[i]->halted) halted = false;
    bool candidate =
        halted && bb_clock_next_deadline(m->clock) == UINT64_MAX && !sc_core::sc_pending_activity();
    uint64_t icount = bb_machine_icount(m);
    if (!candidate) {
        idle_syncs_ = 0;
    } else if (idle_syncs_ == 0 || icount != idle_icount_) {
        idle_syncs_ = 1;
        idle_icount_ = icount;
    } else {
        idle_syncs_++;
    }
    return idle_syncs_ >= 2;
}

} // namespace detail
} // namespace brassboard
