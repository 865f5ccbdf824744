/*
 * arm_gic.h: what other models need to know about the GIC (arm_gic.c): how its inputs are
 * numbered, so that per-CPU peripherals (the Cortex-A9 private timers) can drive the
 * private interrupt of each CPU.
 *
 * Inputs 0 .. n_irqs - 1 are interrupt IDs: 32 and up the shared peripheral interrupts
 * (SPIs), 16-31 the private peripheral interrupts (PPIs) of CPU 0. The PPI `id` of CPU
 * `cpu` is input BB_GIC_PRIVATE_INPUT(cpu, id). The board builder wires a device-tree PPI
 * (<1 n flags>) to input 16 + n, CPU 0's; bb_gic_private_line gives the other CPUs'.
 */
#ifndef BB_ARM_GIC_H
#define BB_ARM_GIC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/irq.h"

typedef struct bb_machine bb_machine;

#define BB_GIC_PRIVATE_BASE           1024
#define BB_GIC_PRIVATE_INPUT(cpu, id) (BB_GIC_PRIVATE_BASE + 32 * (cpu) + (id))

/* The line of `cpu` for the interrupt a device's output `line` reaches: the same line for
 * an SPI (or a line that is not a GIC's), that CPU's own PPI for a PPI. */
static inline bb_irq bb_gic_private_line(const bb_irq *line, int cpu)
{
    bb_irq out = *line;
    if (line->input >= 16 && line->input < 32) out.input = BB_GIC_PRIVATE_INPUT(cpu, line->input);
    return out;
}

/* The address of the CPU interface of the machine's GIC (boot code enables it for the
 * secondary CPUs). False when the machine has no GIC. */
bool bb_gic_cpu_interface_base(bb_machine *m, uint64_t *base);

#endif
