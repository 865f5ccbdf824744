/*
 * test_clock.c: virtual time and timers: time from the instruction count, firing order
 * (ties in arming order), re-arming from a callback, the instruction budget to the next
 * deadline, idle skips and the deadline-changed notification.
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"

#include "tests/unit/test_util.h"

typedef struct world {
    uint64_t icount;
    int deadline_changes;
    char fired[64]; /* the names of the timers, in firing order */
    bb_timer a, b, c, periodic;
    int periodic_left;
} world;

static uint64_t get_icount(void *opaque)
{
    return ((world *)opaque)->icount;
}

static void deadline_changed(void *opaque)
{
    ((world *)opaque)->deadline_changes++;
}

static void note(world *w, char name)
{
    size_t n = strlen(w->fired);
    if (n + 1 < sizeof(w->fired)) {
        w->fired[n] = name;
        w->fired[n + 1] = '\0';
    }
}

static void fire_a(void *opaque)
{
    note(opaque, 'a');
}

static void fire_b(void *opaque)
{
    world *w = opaque;
    note(w, 'b');
    /* re-arm another timer from a callback: already due, runs in the same pass */
    bb_timer_mod(&w->c, bb_clock_now(w->c.clock));
}

static void fire_c(void *opaque)
{
    note(opaque, 'c');
}

static void fire_periodic(void *opaque)
{
    world *w = opaque;
    note(w, 'p');
    if (--w->periodic_left > 0) bb_timer_mod(&w->periodic, w->periodic.deadline + 100);
}

int main(void)
{
    world w = {0};
    bb_clock *clock = bb_clock_new(10); /* 10 ns per instruction */

    /* Without a source, no instruction has retired. */
    CHECK(bb_clock_now(clock) == 0);
    CHECK(bb_clock_ns_per_insn(clock) == 10);
    CHECK(bb_clock_next_deadline(clock) == UINT64_MAX);
    CHECK(bb_clock_insns_to_deadline(clock) == UINT64_MAX);
    CHECK(!bb_clock_skip_to_deadline(clock));

    bb_clock_set_source(clock, get_icount, deadline_changed, &w);
    w.icount = 5;
    CHECK(bb_clock_now(clock) == 50);

    bb_timer_init(&w.a, clock, fire_a, &w);
    bb_timer_init(&w.b, clock, fire_b, &w);
    bb_timer_init(&w.c, clock, fire_c, &w);
    CHECK(!bb_timer_armed(&w.a));

    /* Deadline notifications: only when the earliest deadline moves earlier. */
    bb_timer_mod(&w.a, 200);
    CHECK(w.deadline_changes == 1);
    bb_timer_mod(&w.b, 300);
    CHECK(w.deadline_changes == 1);
    bb_timer_mod(&w.c, 120);
    CHECK(w.deadline_changes == 2);
    CHECK(bb_clock_next_deadline(clock) == 120 && bb_timer_armed(&w.c));

    /* 120 - 50 = 70 ns: 7 instructions; 71 ns would need 8 (rounded up). */
    CHECK(bb_clock_insns_to_deadline(clock) == 7);
    bb_timer_mod(&w.c, 121);
    CHECK(bb_clock_insns_to_deadline(clock) == 8);
    bb_timer_del(&w.c);
    CHECK(!bb_timer_armed(&w.c) && bb_clock_next_deadline(clock) == 200);

    /* Nothing due yet. */
    bb_clock_run_due(clock);
    CHECK(w.fired[0] == '\0');

    /* At 200 ns, a is due; b (300) is not. */
    w.icount = 20;
    CHECK(bb_clock_insns_to_deadline(clock) == 0);
    bb_clock_run_due(clock);
    CHECK(strcmp(w.fired, "a") == 0);
    CHECK(!bb_timer_armed(&w.a) && bb_timer_armed(&w.b));

    /* Idle: skip to b's deadline (no instructions retire); b re-arms c for now. */
    CHECK(bb_clock_skip_to_deadline(clock));
    CHECK(bb_clock_now(clock) == 300);
    bb_clock_run_due(clock);
    CHECK(strcmp(w.fired, "abc") == 0);
    CHECK(bb_clock_next_deadline(clock) == UINT64_MAX);
    /* After the skip, time keeps counting from the current instruction count. */
    w.icount = 23;
    CHECK(bb_clock_now(clock) == 330);

    /* Equal deadlines fire in the order they were armed; re-arming moves to the back. */
    w.fired[0] = '\0';
    bb_timer_mod(&w.c, 500);
    bb_timer_mod(&w.a, 500);
    bb_timer_mod(&w.b, 600);
    bb_timer_mod(&w.c, 500); /* re-armed: now after a */
    CHECK(bb_clock_skip_to_deadline(clock) && bb_clock_now(clock) == 500);
    bb_clock_run_due(clock);
    CHECK(strcmp(w.fired, "ac") == 0);
    bb_timer_del(&w.b);

    /* A periodic timer re-arming itself from its callback. */
    w.fired[0] = '\0';
    w.periodic_left = 3;
    bb_timer_init(&w.periodic, clock, fire_periodic, &w);
    bb_timer_mod(&w.periodic, 1000);
    for (int i = 0; i < 5 && bb_clock_skip_to_deadline(clock); i++)
        bb_clock_run_due(clock);
    CHECK(strcmp(w.fired, "ppp") == 0);
    CHECK(bb_clock_now(clock) == 1200 && !bb_timer_armed(&w.periodic));

    /* Running past several deadlines at once fires them all, in deadline order. */
    w.fired[0] = '\0';
    bb_timer_mod(&w.c, 1500);
    bb_timer_mod(&w.a, 1300);
    w.periodic_left = 1;
    bb_timer_mod(&w.periodic, 1400);
    w.icount += 100; /* +1000 ns */
    bb_clock_run_due(clock);
    CHECK(strcmp(w.fired, "apc") == 0);

    /* A heap of many timers stays ordered. */
    bb_timer many[50];
    for (int i = 0; i < 50; i++) {
        bb_timer_init(&many[i], clock, fire_a, &w);
        bb_timer_mod(&many[i], 5000 + (uint64_t)((i * 37) % 50) * 10);
    }
    for (int i = 0; i < 50; i += 3)
        bb_timer_del(&many[i]);
    uint64_t last = 0;
    int fired = 0;
    while (bb_clock_next_deadline(clock) != UINT64_MAX) {
        uint64_t d = bb_clock_next_deadline(clock);
        CHECK(d >= last);
        last = d;
        bb_clock_skip_to_deadline(clock);
        size_t before = strlen(w.fired);
        bb_clock_run_due(clock);
        fired += (int)(strlen(w.fired) - before);
        w.fired[0] = '\0';
    }
    CHECK(fired == 50 - 17);

    bb_clock_free(clock);
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("test_clock: all checks passed\n");
    return 0;
}
