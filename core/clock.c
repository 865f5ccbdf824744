/*
 * clock.c: deterministic virtual time and timer events.
 *
 * now = base_ns + (icount - base_icount) * ns_per_insn; idle skips move base_ns forward.
 * Armed timers sit in a binary min-heap ordered by (deadline, arming sequence), so timers
 * with the same deadline fire in the order they were armed, in every run.
 */
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/snapshot.h"

typedef struct heap_entry {
    bb_timer *timer;
    uint64_t seq; /* arming order: breaks ties between equal deadlines */
} heap_entry;

struct bb_clock {
    uint32_t ns_per_insn;
    bb_icount_fn icount;
    bb_deadline_fn deadline_changed;
    void *opaque;
    uint64_t base_ns, base_icount;
    heap_entry *heap;
    int n_heap, cap_heap;
    uint64_t next_seq;
};

bb_clock *bb_clock_new(uint32_t ns_per_insn)
{
    bb_clock *clock = calloc(1, sizeof(*clock));
    if (!clock) return NULL;
    clock->ns_per_insn = ns_per_insn ? ns_per_insn : 1;
    return clock;
}

/* Timers belong to their models, which may already be gone: they are not touched here. */
void bb_clock_free(bb_clock *clock)
{
    if (!clock) return;
    free(clock->heap);
    free(clock);
}

static uint64_t current_icount(const bb_clock *clock)
{
    return clock->icount ? clock->icount(clock->opaque) : 0;
}

void bb_clock_set_source(bb_clock *clock, bb_icount_fn icount, bb_deadline_fn changed, void *opaque)
{
    clock->base_ns = bb_clock_now(clock);
    clock->icount = icount;
    clock->deadline_changed = changed;
    clock->opaque = opaque;
    clock->base_icount = current_icount(clock);
}

uint32_t bb_clock_ns_per_insn(const bb_clock *clock)
{
    return clock->ns_per_insn;
}

uint64_t bb_clock_now(bb_clock *clock)
{
    return clock->base_ns + (current_icount(clock) - clock->base_icount) * clock->ns_per_insn;
}

uint64_t bb_clock_next_deadline(const bb_clock *clock)
{
    return clock->n_heap ? clock->heap[0].timer->deadline : UINT64_MAX;
}

uint64_t bb_clock_insns_to_deadline(bb_clock *clock)
{
    uint64_t deadline = bb_clock_next_deadline(clock);
    if (deadline == UINT64_MAX) return UINT64_MAX;
    uint64_t now = bb_clock_now(clock);
    if (deadline <= now) return 0;
    return (deadline - now - 1) / clock->ns_per_insn + 1; /* rounded up */
}

/* --- the heap --- */

static bool before(const heap_entry *a, const heap_entry *b)
{
    if (a->timer->deadline != b->timer->deadline) return a->timer->deadline < b->timer->deadline;
    return a->seq < b->seq;
}

static void place(bb_clock *clock, int i, heap_entry e)
{
    clock->heap[i] = e;
    e.timer->heap_index = i;
}

static void sift_up(bb_clock *clock, int i)
{
    heap_entry e = clock->heap[i];
    while (i > 0) {
        int parent = (i - 1) / 2;
        if (!before(&e, &clock->heap[parent])) break;
        place(clock, i, clock->heap[parent]);
        i = parent;
    }
    place(clock, i, e);
}

static void sift_down(bb_clock *clock, int i)
{
    heap_entry e = clock->heap[i];
    for (;;) {
        int child = 2 * i + 1;
        if (child >= clock->n_heap) break;
        if (child + 1 < clock->n_heap && before(&clock->heap[child + 1], &clock->heap[child]))
            child++;
        if (!before(&clock->heap[child], &e)) break;
        place(clock, i, clock->heap[child]);
        i = child;
    }
    place(clock, i, e);
}

static void heap_remove(bb_clock *clock, int i)
{
    clock->heap[i].timer->heap_index = -1;
    clock->n_heap--;
    if (i == clock->n_heap) return;
    bb_timer *moved = clock->heap[clock->n_heap].timer;
    place(clock, i, clock->heap[clock->n_heap]);
    sift_down(clock, i);
    sift_up(clock, moved->heap_index);
}

/* Inserts a timer with its arming sequence number. */
static void heap_push(bb_clock *clock, bb_timer *timer, uint64_t seq)
{
    if (clock->n_heap == clock->cap_heap) {
        int cap = clock->cap_heap ? 2 * clock->cap_heap : 16;
        heap_entry *grown = realloc(clock->heap, (size_t)cap * sizeof(*grown));
        if (!grown) {
            fprintf(stderr, "brassboard: out of memory arming a timer\n");
            abort();
        }
        clock->heap = grown;
        clock->cap_heap = cap;
    }
    int i = clock->n_heap++;
    clock->heap[i] = (heap_entry){timer, seq};
    timer->heap_index = i;
    sift_up(clock, i);
}

/* --- timers --- */

void bb_timer_init(bb_timer *timer, bb_clock *clock, bb_timer_fn fn, void *opaque)
{
    timer->clock = clock;
    timer->fn = fn;
    timer->opaque = opaque;
    timer->deadline = 0;
    timer->heap_index = -1;
}

void bb_timer_mod(bb_timer *timer, uint64_t deadline_ns)
{
    bb_clock *clock = timer->clock;
    uint64_t earliest = bb_clock_next_deadline(clock);
    /* Re-arming counts as a new arming: it goes after timers already armed for the same
     * deadline. */
    if (bb_timer_armed(timer)) heap_remove(clock, timer->heap_index);
    timer->deadline = deadline_ns;
    heap_push(clock, timer, clock->next_seq++);
    if (deadline_ns < earliest && clock->deadline_changed) clock->deadline_changed(clock->opaque);
}

void bb_timer_del(bb_timer *timer)
{
    if (bb_timer_armed(timer)) heap_remove(timer->clock, timer->heap_index);
}

void bb_clock_run_due(bb_clock *clock)
{
    while (clock->n_heap) {
        bb_timer *timer = clock->heap[0].timer;
        if (timer->deadline > bb_clock_now(clock)) break;
        heap_remove(clock, 0);
        timer->fn(timer->opaque);
    }
}

bool bb_clock_skip_to_deadline(bb_clock *clock)
{
    if (!clock->n_heap) return false;
    uint64_t deadline = bb_clock_next_deadline(clock);
    uint64_t now = bb_clock_now(clock);
    clock->base_icount = current_icount(clock);
    clock->base_ns = deadline > now ? deadline : now;
    return true;
}

/* --- snapshots --- */

static void restore_timers(bb_clock *clock, bb_state *st, uint32_t n)
{
    for (int i = 0; i < clock->n_heap; i++)
        clock->heap[i].timer->heap_index = -1;
    clock->n_heap = 0;
    for (uint32_t k = 0; k < n; k++) {
        uint64_t id = 0, deadline = 0, seq = 0;
        bb_state_u64(st, &id);
        bb_state_u64(st, &deadline);
        bb_state_u64(st, &seq);
        bb_timer *timer = (bb_timer *)(uintptr_t)id;
        if (!timer) {
            bb_state_fail(st, "the snapshot's timers are damaged");
            return;
        }
        timer->deadline = deadline;
        heap_push(clock, timer, seq); /* in its original arming order */
    }
}

void bb_clock_state(bb_clock *clock, bb_state *st)
{
    bb_state_u64(st, &clock->base_ns);
    bb_state_u64(st, &clock->base_icount);
    uint64_t next_seq = clock->next_seq;
    bb_state_u64(st, &next_seq);
    uint32_t n = (uint32_t)clock->n_heap;
    bb_state_u32(st, &n);
    if (bb_state_restoring(st)) {
        restore_timers(clock, st, n);
        clock->next_seq = next_seq;
        return;
    }
    for (int i = 0; i < clock->n_heap; i++) {
        uint64_t id = (uintptr_t)clock->heap[i].timer;
        bb_state_u64(st, &id);
        bb_state_u64(st, &clock->heap[i].timer->deadline);
        bb_state_u64(st, &clock->heap[i].seq);
    }
}
