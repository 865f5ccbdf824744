/* The benchmark's kernels: portable C shared by the ARM firmware and the native build.
 *
 * Every kernel takes a round count and returns a 32-bit checksum of everything it computed,
 * so the result is the same on any host that runs the same C (fixed-width unsigned
 * arithmetic only, no pointer values in the checksums). Each round feeds on the previous
 * round's result, so a compiler cannot hoist the work out of the loop. */
#ifndef BENCH_KERNELS_H
#define BENCH_KERNELS_H

#include <stdint.h>

struct bench_kernel {
    const char *name;
    uint32_t (*run)(uint32_t rounds);
    uint32_t rounds_per_scale; /* rounds at scale 1; a run at scale S does S times this */
};

/* The kernels in report order. bench/CMakeLists.txt names them in the same order
 * (BENCH_KERNEL_NAMES) to build one firmware per kernel. */
extern const struct bench_kernel bench_kernels[];
extern const unsigned bench_kernel_count;

#endif
