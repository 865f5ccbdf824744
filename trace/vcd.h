/*
 * vcd.h: waveforms of a run (--vcd FILE), in the Value Change Dump format of IEEE 1364
 * that GTKWave reads, over virtual time (1 ns resolution). Signals:
 *   - every interrupt output of every device (timers, UARTs, and the interrupt
 *     controller's lines to the CPU), named after the device: <device>.irq<N>;
 *   - per CPU its mode (<cpuN>.mode, the guest's mode number) and whether it sleeps in
 *     WFI (<cpuN>.sleep);
 *   - per serial port the last byte sent and received and their counts
 *     (<uartN>.tx, tx_count, rx, rx_count);
 *   - per watched range (--vcd-watch, and every routed range) the last access: address,
 *     data, write (1) or read (0), and the access count.
 * Nothing is sampled: every value change comes from the event that makes it (an interrupt
 * line's level, a byte through a serial port, an exception entry, an access to a watched
 * range), so the waveform costs nothing per instruction.
 */
#ifndef BB_TRACE_VCD_H
#define BB_TRACE_VCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"

#define BB_VCD_MAX_WATCHES 16

typedef struct bb_vcd_options {
    const char *path;
    uint32_t watch_start[BB_VCD_MAX_WATCHES], watch_end[BB_VCD_MAX_WATCHES]; /* inclusive */
    int n_watches;
} bb_vcd_options;

typedef struct bb_vcd bb_vcd;

/* Starts writing the waveform (the machine is built, images loaded, routes added). NULL
 * with a message on failure. */
bb_vcd *bb_vcd_start(bb_machine *m, const bb_vcd_options *opts, char *err, size_t errlen);
/* Writes the end time, detaches every probe, closes the file and frees the writer.
 * Returns false if the file could not be written. */
bool bb_vcd_finish(bb_vcd *v);

#endif
