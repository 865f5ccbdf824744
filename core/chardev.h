/*
 * chardev.h: byte-stream backends for UARTs and consoles.
 *
 * Specs: "stdio", "null", "file:PATH" (output to a file, no input), "tcp:[HOST:]PORT"
 * (a TCP server, listening on 127.0.0.1 unless HOST is given; one client at a time;
 * ",wait" waits for the first client before the guest runs), "pty" (prints the slave
 * path on stderr). Input is non-blocking: devices poll it on their own virtual-time tick.
 */
#ifndef BB_CHARDEV_H
#define BB_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bb_chardev bb_chardev;

/* Opens a backend. On failure returns NULL with a message naming the spec in err. */
bb_chardev *bb_chardev_open(const char *spec, char *err, size_t errlen);
void bb_chardev_close(bb_chardev *chr);

/* Writes all bytes (output is flushed at once for terminals, sockets and files). */
void bb_chardev_write(bb_chardev *chr, const uint8_t *buf, size_t len);
/* Reads up to max bytes that are ready now; returns the count (0 when none). */
size_t bb_chardev_read(bb_chardev *chr, uint8_t *buf, size_t max);
/* Flushes buffered output (exit paths call this). */
void bb_chardev_flush(bb_chardev *chr);

/* A tap on output: every byte written is also passed to fn (used by scripts and tests). */
typedef void (*bb_chardev_tap_fn)(void *opaque, const uint8_t *buf, size_t len);
void bb_chardev_set_tap(bb_chardev *chr, bb_chardev_tap_fn fn, void *opaque);
/* Probes see every byte the device sends (output, input false) and every byte it takes
 * from the backend (input true), for waveforms; up to BB_CHARDEV_MAX_PROBES, independent of
 * the tap. bb_chardev_add_probe returns false when they are all in use. */
#define BB_CHARDEV_MAX_PROBES 4
typedef void (*bb_chardev_probe_fn)(void *opaque, bool input, const uint8_t *buf, size_t len);
bool bb_chardev_add_probe(bb_chardev *chr, bb_chardev_probe_fn fn, void *opaque);
void bb_chardev_remove_probe(bb_chardev *chr, bb_chardev_probe_fn fn, void *opaque);
/* Queues bytes as if they had arrived on the input (input injection). */
void bb_chardev_inject(bb_chardev *chr, const uint8_t *buf, size_t len);
/* Whether input may still arrive: injected bytes are waiting, or the source has not reached
 * its end (a TCP server always may get a client). Devices stop polling when it is false,
 * so that a guest idle on an input that can never come is seen as halted. */
bool bb_chardev_input_possible(const bb_chardev *chr);
/* Called after each injection, so that a device that stopped polling starts again. */
void bb_chardev_set_input_notify(bb_chardev *chr, void (*fn)(void *opaque), void *opaque);

#endif
