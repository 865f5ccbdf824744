/*
 * scugic.h: a small driver for the Cortex-A9 MPCore's interrupt controller (the ARM GIC,
 * distributor at 0xF8F01000, CPU interfaces at 0xF8F00100) in the manner of the standalone
 * BSP's: a table of handlers by interrupt ID, connected, enabled and prioritised one by
 * one, and the IRQ exception handler that acknowledges, dispatches and ends each one.
 */
#ifndef SCUGIC_H
#define SCUGIC_H

#include "xil_io.h"

#define SCUGIC_MAX_NUM_INTR_INPUTS 96u
#define SCUGIC_SPURIOUS_INTR_ID    1023u

/* Trigger types of ScuGic_SetPriorityTriggerType. */
#define SCUGIC_TRIGGER_LEVEL_HIGH  1u
#define SCUGIC_TRIGGER_RISING_EDGE 3u

typedef void (*ScuGic_Handler)(void *callback_ref);

/* Distributor (CPU0, once) and this CPU's interface: everything disabled, SPIs level
 * triggered, priority 0xA0 and routed to CPU0; the priority mask at 0xF0; installs the IRQ
 * handler. */
void ScuGic_Initialize(void);
/* Another CPU's interface (its banked SGIs and PPIs at priority 0xA0, mask 0xF0). */
void ScuGic_CpuInitialize(void);

void ScuGic_Connect(u32 id, ScuGic_Handler handler, void *callback_ref);
void ScuGic_Enable(u32 id);
void ScuGic_Disable(u32 id);
/* priority: 0 (highest) to 0xF8 in steps of 8; trigger: SCUGIC_TRIGGER_*. */
void ScuGic_SetPriorityTriggerType(u32 id, u8 priority, u8 trigger);
/* The CPUs (bit n: CPU n) an SPI is sent to. */
void ScuGic_InterruptMaptoCpu(u32 id, u8 cpu_mask);
/* Raises software interrupt `id` (0-15) on the CPUs of cpu_mask. */
void ScuGic_SoftwareIntr(u32 id, u8 cpu_mask);

/* The ID of the interrupt the last ScuGic IRQ dispatch acknowledged on this CPU, and the
 * CPU that raised it (for SGIs). */
u32 ScuGic_LastSource(void);

#endif
