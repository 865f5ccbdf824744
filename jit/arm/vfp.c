/*
 * vfp.c: the VFP/NEON register file's system side: reset values of the identification
 * registers (FPSID, MVFR0/1 of the Cortex-A9's VFPv3-D32 with NEON and half precision),
 * FPEXC and FPSCR.
 */
#include "jit/arm/v7.h"

#define A9_FPSID 0x41033090u /* VFPv3, r0p0 */
#define A9_MVFR0 0x10110222u /* 32 double registers, single/double, sqrt, divide */
#define A9_MVFR1 0x01111111u /* NEON integer, float, half precision, FTZ/DN */

void arm_vfp_reset(bb_arm_cpu *c)
{
    for (int i = 0; i < 32; i++)
        c->vfp.d[i] = 0;
    c->vfp.fpscr = 0;
    c->vfp.fpexc = 0;
    c->vfp.fpsid = A9_FPSID;
    c->vfp.mvfr0 = A9_MVFR0;
    c->vfp.mvfr1 = A9_MVFR1;
}
