/*
 * recorder.h: recording object coverage of a running machine, at the cost of a few byte
 * stores per translated block executed, never a call.
 *
 * Per translation of a block the recorder keeps the list of its instructions and gives it
 * "slot" bytes in the MARK map: one per conditional branch (the MARKs on its two paths set
 * TAKEN and NOT_TAKEN there) and one for the block's last instruction (a MARK where it
 * starts). Execution in a block is straight-line, so a mark at instruction k proves that
 * the block's instructions 0..k all started: the recorder expands the slots into per
 * instruction flags when the coverage is read. MARKs that later instructions make
 * redundant are turned into NOPs while the block is being translated.
 *
 * A block left in the middle by a guest exception (a data abort, an SWI...) reaches none
 * of the later marks: the CPU's exception event gives the faulting instruction and how
 * many instructions the block had left, which identifies the translation, and its
 * instructions up to the faulting one are marked then. A block left in the middle by a
 * debugger stop is not marked for that execution (coverage errs on the side of less).
 */
#ifndef BB_COVERAGE_RECORDER_H
#define BB_COVERAGE_RECORDER_H

#include <stddef.h>

#include "core/machine.h"
#include "coverage/data.h"

typedef struct bb_coverage bb_coverage;

/* Records into `data` (which must outlive the recorder) for code inside its ranges. */
bb_coverage *bb_coverage_start(bb_machine *m, bb_cov_data *data, char *err, size_t errlen);
/* Brings `data` up to date with what was recorded so far. */
void bb_coverage_sync(bb_coverage *c);
/* Syncs, detaches from the machine and frees the recorder. */
void bb_coverage_stop(bb_coverage *c);

#endif
