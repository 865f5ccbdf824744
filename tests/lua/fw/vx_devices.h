/*
 * vx_devices.h: the Versatile Express A9 devices vx_snapshot.c uses (addresses of
 * boards/vexpress-a9.dts) and the interrupt side of the firmware (vx_irq.c, built without
 * the FPU so that interrupts never touch the VFP registers the main program uses).
 */
#ifndef VX_DEVICES_H
#define VX_DEVICES_H

#include <stdint.h>

#define VX_REG(a) (*(volatile uint32_t *)(a))

#define VX_SCU     0x1e000000u
#define VX_GT      0x1e000200u /* global timer */
#define VX_TWD     0x1e000600u /* private timer */
#define VX_GICC    0x1e000100u
#define VX_GICD    0x1e001000u
#define VX_L2C     0x1e00a000u /* PL310 */
#define VX_SYSREGS 0x10000000u
#define VX_MMCI    0x10005000u /* PL180 */
#define VX_TIMER0  0x10011000u /* SP804 */
#define VX_LAN     0x4e000000u /* LAN9118 */

#define VX_ID_GT     27
#define VX_ID_TWD    29
#define VX_ID_TIMER0 34

/* Interrupts taken, per source, and a hash of where each one landed (the main loop's
 * progress when it was taken), which a run restored from a snapshot must reproduce. */
typedef struct vx_ticks {
    uint32_t twd, gt, timer0, other;
    uint32_t hash;
} vx_ticks;

extern volatile vx_ticks vx_ticks_seen;
/* The main loop's progress, which interrupt handlers mix into the hash. */
extern volatile uint32_t vx_progress;

/* Installs the IRQ handler and sets up the GIC for the three timers. */
void vx_irq_init(void);
/* Starts the private timer (periodic), the global timer's comparator (auto-increment) and
 * the SP804's timer 0 (periodic), at periods that do not divide each other. */
void vx_timers_start(void);
void vx_timers_stop(void);
/* Whether the GIC has an interrupt pending for this CPU (ICCHPIR, no side effect). */
int vx_irq_pending(void);

#endif
