/*
 * client.h: a client of the SerialICE target shell over a link (link.h).
 *
 * Unlike the original host, which sends a byte and waits for its echo before sending the
 * next, the client sends a whole command at once and checks the echo and the reply as
 * they arrive; it sends the next command without waiting for the previous prompt, and
 * posted writes do not wait at all. At most `window` bytes are on their way to the board
 * and not yet echoed, so a shell that echoes each byte before reading the next never
 * overruns its UART's receive FIFO.
 *
 * Failures are bounded: a reply that does not complete within `timeout_ms` of the last
 * byte received, or that differs from the protocol (a wrong echo, a non-hex digit, a
 * missing prompt), makes the client resynchronise (it sends '@' until the shell shows a
 * prompt and then stays quiet) and retry the command up to `retries` times. When the board
 * does not answer at all, the link is "down": commands fail at once, and the client tries
 * the board again at most every `reprobe_ms`.
 */
#ifndef BB_SI_CLIENT_H
#define BB_SI_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge/serial-ice/link.h"

typedef struct si_client si_client;

typedef struct si_client_options {
    int timeout_ms; /* silence that counts as a lost reply (default 1000) */
    int retries;    /* resynchronise and retry a failed command this often (default 2) */
    int window;     /* bytes sent ahead of their echo (default 16, a 16550's FIFO) */
    bool lockstep;  /* the original host's way: wait for each byte's echo and each prompt */
    int reprobe_ms; /* when down, try the board again at most this often (default 2000) */
    int pace_baud;  /* model a serial line of this speed on a link without one (pace.h); 0: off */
    /* Where warnings go (garbled replies, resynchronisations); NULL: stderr. */
    void (*warn)(void *opaque, const char *message);
    void *warn_opaque;
} si_client_options;

/* Results of the client's functions. */
enum {
    SI_OK = 0,
    SI_ERR_TIMEOUT = -1, /* no reply in time */
    SI_ERR_GARBLED = -2, /* the reply did not follow the protocol */
    SI_ERR_DOWN = -3,    /* the board does not answer (or answered nothing sensible) */
    SI_ERR_IO = -4,      /* the link broke (port gone, connection closed) */
    SI_ERR_ARG = -5,     /* a size or width the protocol does not have */
};

typedef struct si_stats {
    uint64_t commands, posted, bytes_sent, bytes_received;
    uint64_t timeouts, garbled, resyncs, retries, unconfirmed_posted, failures;
} si_stats;

void si_client_options_default(si_client_options *opts);

/* A client on an open link (the client owns it from now on). NULL when out of memory. */
si_client *si_client_new(si_link *link, const si_client_options *opts);
/* Waits (bounded) for posted writes to be confirmed, then closes the link. */
void si_client_free(si_client *c);

/* Synchronises on the shell's prompt and asks its version (*vi). */
int si_client_handshake(si_client *c);
/* The version line of the handshake ("SerialICE v1.5 (Nov 26 2009)"), or "". */
const char *si_client_version(const si_client *c);
/* What went wrong last, for messages. */
const char *si_client_error(const si_client *c);
const si_stats *si_client_stats(const si_client *c);
bool si_client_is_down(const si_client *c);

/* Memory (every guest): size 1, 2, 4 or 8. A posted write returns once it is queued. */
int si_read_mem(si_client *c, uint32_t addr, unsigned size, uint64_t *value);
int si_write_mem(si_client *c, uint32_t addr, unsigned size, uint64_t value, bool posted);
/* x86 I/O ports, MSRs and CPUID (for x86 guests). */
int si_read_io(si_client *c, uint16_t port, unsigned size, uint32_t *value);
int si_write_io(si_client *c, uint16_t port, unsigned size, uint32_t value);
int si_read_msr(si_client *c, uint32_t msr, uint32_t key, uint32_t *hi, uint32_t *lo);
int si_write_msr(si_client *c, uint32_t msr, uint32_t key, uint32_t hi, uint32_t lo);
int si_cpuid(si_client *c, uint32_t eax, uint32_t ecx, uint32_t regs[4]);
/* The board name the shell reports (*mb), trailing spaces removed. */
int si_mainboard(si_client *c, char *name, size_t len);
/* Waits until every posted write has been echoed and prompted for. */
int si_flush(si_client *c);

#endif
