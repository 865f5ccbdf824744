/*
 * helpers_v7.c: the helpers of v6/v7 system instructions that generated code calls: WFE and
 * SEV with the event register shared by the cores, banked-register access for SRS, and
 * RFE. (The shared table is arm_helpers[] in helpers.c.)
 */
#include "core/machine.h"
#include "jit/arm/v7.h"
#include "jit/instrument.h"

uint32_t arm_h_wfe(bb_cpu *cpu, uint32_t next_pc, uint32_t b, uint32_t c)
{
    (void)b, (void)c;
    bb_arm_cpu *arm = arm_cpu(cpu);
    cpu->pc = next_pc;
    if (arm->event) {
        arm->event = false;
        return 0;
    }
    arm->in_wfe = true;
    cpu->halted = true;
    bb_instrument_cpu_event(cpu, BB_CPU_SLEEP, 1, 0);
    bb_cpu_exit_request(cpu);
    return 0;
}

uint32_t arm_h_sev(bb_cpu *cpu, uint32_t a, uint32_t b, uint32_t c)
{
    (void)a, (void)b, (void)c;
    bb_machine *m = cpu->machine;
    for (int i = 0; i < m->n_cpus; i++) {
        bb_arm_cpu *other = arm_cpu(m->cpus[i]);
        if (other->in_wfe && other->base.halted) {
            other->in_wfe = false;
            other->base.halted = false;
            bb_instrument_cpu_event(&other->base, BB_CPU_SLEEP, 0, 0);
        } else {
            other->event = true;
        }
    }
    return 0;
}

uint32_t arm_h_banked_read(bb_cpu *cpu, uint32_t mode, uint32_t n, uint32_t c)
{
    (void)c;
    uint32_t *reg = arm_banked_reg(arm_cpu(cpu), mode & ARM_CPSR_MODE, (int)n);
    return reg ? *reg : 0;
}

uint32_t arm_h_banked_write(bb_cpu *cpu, uint32_t mode, uint32_t n, uint32_t value)
{
    uint32_t *reg = arm_banked_reg(arm_cpu(cpu), mode & ARM_CPSR_MODE, (int)n);
    if (reg) *reg = value;
    return 0;
}

uint32_t arm_h_rfe(bb_cpu *cpu, uint32_t new_pc, uint32_t new_cpsr, uint32_t c)
{
    (void)c;
    bb_arm_cpu *arm = arm_cpu(cpu);
    arm_cpsr_write(arm, new_cpsr, 0xffffffffu);
    cpu->pc = new_pc & ((arm->cpsr_ctl & ARM_CPSR_T) ? ~1u : ~3u);
    if ((arm->irq_level && !(arm->cpsr_ctl & ARM_CPSR_I)) ||
        (arm->fiq_level && !(arm->cpsr_ctl & ARM_CPSR_F)))
        bb_cpu_exit_request(cpu);
    return 0;
}
