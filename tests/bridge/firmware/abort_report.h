/*
 * abort_report.h: for the bridge firmware whose routed accesses may end in a data abort
 * (link_fail.c, filter_error.c): a handler that records the abort (DFSR, FAR) and steps
 * over the access, and report(), which prints either the value read or the abort.
 * Included by one firmware source each.
 */
#ifndef BRIDGE_ABORT_REPORT_H
#define BRIDGE_ABORT_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "common/cp15.h"
#include "common/exceptions.h"

static volatile uint32_t aborts, dfsr, far;

static void on_data_abort(fw_frame *frame)
{
    aborts++;
    dfsr = cp15_dfsr();
    far = cp15_far();
    fw_skip_instruction(frame);
}

static unsigned long u(uint32_t v)
{
    return (unsigned long)v;
}

/* Prints `what` (padded to `width`) and the value or the abort, then forgets the abort. */
static void report_width(const char *what, uint32_t value, int width)
{
    if (aborts)
        printf("%-*s data abort: DFSR 0x%03lx FAR 0x%08lx\n", width, what, u(dfsr & 0xfffu),
               u(far));
    else
        printf("%-*s 0x%08lx, no abort\n", width, what, u(value));
    aborts = 0;
    dfsr = far = 0;
}

#endif
