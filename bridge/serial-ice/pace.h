/*
 * pace.h: a serial line modelled by the host, for links that have none (a TCP connection,
 * a pty to an emulated board): the serialice transport's pace=BAUD option. The board's
 * answers arrive at once over such a link; the model holds each received byte back until
 * it would have arrived over a line of BAUD (10 bits a byte, one byte at a time in each
 * direction) from a board that echoes each byte as soon as it has it and sends its reply
 * and prompt right after: the shell's behaviour. The client (client.c) says which received
 * bytes are echoes, since an echo cannot start before the byte it echoes has arrived.
 * Times are CLOCK_MONOTONIC nanoseconds.
 */
#ifndef BB_SI_PACE_H
#define BB_SI_PACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct si_pace si_pace;

/* A line at `baud` bits per second. NULL when out of memory. */
si_pace *si_pace_new(int baud);
void si_pace_free(si_pace *p);
/* After a resynchronisation: forgets the received bytes held back and the echoes owed. */
void si_pace_reset(si_pace *p);

/* n bytes sent at `now`: the line carries them one after the other. */
void si_pace_sent(si_pace *p, size_t n, int64_t now);
/* A byte received at `now`, an echo (of the oldest sent byte not yet echoed) or not: held
 * back until it would have arrived; returns that time. (The queue holds 8 KiB, more than
 * the client ever has in flight.) */
int64_t si_pace_received(si_pace *p, uint8_t byte, bool echo, int64_t now);
/* The next held-back byte whose time has come (0-255), or -1. */
int si_pace_take(si_pace *p, int64_t now);
/* When the next, and the last, held-back byte arrive; -1 when none is held back. */
int64_t si_pace_next(const si_pace *p);
int64_t si_pace_last(const si_pace *p);

int64_t si_pace_now(void);

#endif
