/*
 * pace.c: the serial line modelled by the host (see pace.h): when each sent byte reaches
 * the board, and a queue of received bytes held back until their modelled arrival.
 */
#include "bridge/serial-ice/pace.h"

#include <stdlib.h>
#include <time.h>

#define RING       8192 /* sent bytes awaiting their echo, and received bytes held back */
#define LATE_BYTES 3    /* lateness (in byte times) that is the host's, not the board's */

struct si_pace {
    int64_t byte_ns;
    int64_t to_board_free, to_host_free; /* when each direction of the line is free */
    int64_t sent_at[RING];               /* when sent byte k (mod RING) reaches the board */
    uint64_t sent, echoed;
    uint8_t held[RING];
    int64_t held_at[RING];
    uint64_t held_start, held_end;
};

int64_t si_pace_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

si_pace *si_pace_new(int baud)
{
    si_pace *p = calloc(1, sizeof(*p));
    if (p) p->byte_ns = 10 * 1000000000LL / (baud > 0 ? baud : 115200);
    return p;
}

void si_pace_free(si_pace *p)
{
    free(p);
}

void si_pace_reset(si_pace *p)
{
    p->sent = p->echoed = 0;
    p->held_start = p->held_end = 0;
}

void si_pace_sent(si_pace *p, size_t n, int64_t now)
{
    for (size_t i = 0; i < n; i++) {
        int64_t begin = p->to_board_free > now ? p->to_board_free : now;
        p->to_board_free = begin + p->byte_ns;
        p->sent_at[p->sent++ % RING] = p->to_board_free;
    }
}

int64_t si_pace_received(si_pace *p, uint8_t byte, bool echo, int64_t now)
{
    /* It cannot start before the line is free, nor before what it echoes has arrived. A
     * byte that comes later than that (a slow board) moves the line on: it arrives when it
     * came. Up to LATE_BYTES byte times of lateness are taken for the host's own delay in
     * reading it (a busy machine), not the board's. */
    int64_t begin = p->to_host_free;
    if (echo && p->echoed < p->sent) {
        int64_t cause = p->sent_at[p->echoed++ % RING];
        if (cause > begin) begin = cause;
    }
    int64_t late = now - (LATE_BYTES + 1) * p->byte_ns;
    if (late > begin) begin = late;
    p->to_host_free = begin + p->byte_ns;
    if (p->held_end - p->held_start < RING) {
        p->held[p->held_end % RING] = byte;
        p->held_at[p->held_end++ % RING] = p->to_host_free;
    }
    return p->to_host_free;
}

int si_pace_take(si_pace *p, int64_t now)
{
    if (p->held_start == p->held_end || p->held_at[p->held_start % RING] > now) return -1;
    return p->held[p->held_start++ % RING];
}

int64_t si_pace_next(const si_pace *p)
{
    return p->held_start == p->held_end ? -1 : p->held_at[p->held_start % RING];
}

int64_t si_pace_last(const si_pace *p)
{
    return p->held_start == p->held_end ? -1 : p->held_at[(p->held_end - 1) % RING];
}
