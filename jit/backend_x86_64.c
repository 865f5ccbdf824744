/*
 * backend_x86_64.c: placeholder until the native backend lands: it refuses to generate,
 * so only --jit interp runs.
 */
#include "jit/tb.h"

static bool no_generate(bb_jit *jit, bb_tb *tb, const bb_ir_block *blk)
{
    (void)jit, (void)tb, (void)blk;
    return false;
}

const bb_backend bb_backend_x86_64 = {
    .name = "x86_64-placeholder",
    .generate = no_generate,
};
