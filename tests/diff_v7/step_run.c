/*
 * step_run.c: runs a firmware image in slices of a few instructions, so that translated
 * blocks are cut at every slice boundary (a block longer than the instructions left in a
 * slice is replaced by a one-instruction block). The differential test runs its programs
 * this way too: the result must not change, which checks that state carried between
 * blocks (Thumb-2 ITSTATE in the block key, the exclusive monitor, flags) is exact at
 * every instruction boundary.
 *
 * Usage: diff_v7_step_run BOARD IMAGE.elf STEP [native|interp]
 * UART0 goes to stdout; the exit status is the guest's, 3 after 10^8 instructions. On
 * stderr at the end: "stats: insns=N" (the instructions retired), as brassboard --stats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"

#define MAX_INSNS 100000000ull

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s BOARD IMAGE.elf STEP [native|interp]\n", argv[0]);
        return 2;
    }
    uint64_t step = strtoull(argv[3], NULL, 0);
    bb_machine_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.board = argv[1];
    opts.jit = argc > 4 && strcmp(argv[4], "interp") == 0 ? BB_JIT_INTERP : BB_JIT_NATIVE;
    opts.semihosting = BB_SEMIHOSTING_CONSOLE;
    char err[256];
    bb_machine *m = bb_machine_new(&opts, err, sizeof(err));
    if (!m || step == 0) {
        fprintf(stderr, "%s\n", m ? "STEP must be at least 1" : err);
        return 2;
    }
    if (!bb_machine_load_elf(m, argv[2], err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        bb_machine_free(m);
        return 2;
    }
    bb_stop_reason why;
    do {
        why = bb_machine_run(m, step);
    } while (why == BB_STOP_MAX_INSNS && bb_machine_icount(m) < MAX_INSNS);
    int status = why == BB_STOP_EXIT ? m->exit_code : 3;
    fprintf(stderr, "stats: insns=%llu\n", (unsigned long long)bb_machine_icount(m));
    bb_machine_free(m);
    return status;
}
