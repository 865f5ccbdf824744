/*
 * clock.h: deterministic virtual time and timer events.
 *
 * Virtual time advances with retired guest instructions (ns_per_insn each); when every CPU
 * is idle (WFI) it jumps to the next timer deadline. Timers are callbacks at absolute
 * virtual times; the CPU run loop gives the CPU an instruction budget that ends exactly at
 * the next deadline, so events fire at the same instruction in every run.
 */
#ifndef BB_CLOCK_H
#define BB_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef struct bb_clock bb_clock;
typedef struct bb_timer bb_timer;
typedef struct bb_state bb_state;
typedef void (*bb_timer_fn)(void *opaque);

struct bb_timer {
    bb_clock *clock;
    bb_timer_fn fn;
    void *opaque;
    uint64_t deadline; /* ns */
    int heap_index;    /* -1 when not armed */
};

/* The source of "instructions retired so far", exact even in the middle of a block. */
typedef uint64_t (*bb_icount_fn)(void *opaque);
/* Called whenever the earliest deadline moves earlier, so the running CPU can stop early. */
typedef void (*bb_deadline_fn)(void *opaque);

bb_clock *bb_clock_new(uint32_t ns_per_insn);
void bb_clock_free(bb_clock *clock);
void bb_clock_set_source(bb_clock *clock, bb_icount_fn icount, bb_deadline_fn changed,
                         void *opaque);
uint32_t bb_clock_ns_per_insn(const bb_clock *clock);

/* Current virtual time in ns. */
uint64_t bb_clock_now(bb_clock *clock);
/* Earliest armed deadline, or UINT64_MAX. */
uint64_t bb_clock_next_deadline(const bb_clock *clock);
/* Instructions that may retire before the next deadline (0 if one is due now). */
uint64_t bb_clock_insns_to_deadline(bb_clock *clock);
/* Runs the callbacks of every timer whose deadline has been reached. */
void bb_clock_run_due(bb_clock *clock);
/* Idle: moves virtual time forward to the next deadline (no instructions retire). Returns
 * false when no timer is armed (the machine would sleep forever). */
bool bb_clock_skip_to_deadline(bb_clock *clock);

/* Snapshots (core/snapshot.h): saves or restores the time base and every armed timer, by
 * identity and in arming order, so that restored timers fire as they would have. Timers
 * armed now but not in the saved state are disarmed. */
void bb_clock_state(bb_clock *clock, bb_state *st);

void bb_timer_init(bb_timer *timer, bb_clock *clock, bb_timer_fn fn, void *opaque);
/* Arms (or re-arms) the timer at an absolute virtual time in ns. */
void bb_timer_mod(bb_timer *timer, uint64_t deadline_ns);
void bb_timer_del(bb_timer *timer);
static inline bool bb_timer_armed(const bb_timer *timer)
{
    return timer->heap_index >= 0;
}

#endif
