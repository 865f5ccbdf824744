/*
 * scugic.c: the GIC driver (scugic.h). The IRQ exception comes through the foundation's
 * exception dispatch (tests/firmware/common/exceptions.h); handlers run in IRQ mode with
 * IRQs masked, one interrupt after the other until the GIC has none pending.
 */
#include "scugic.h"

#include "common/exceptions.h"
#include "platform.h"
#include "xparameters.h"

#define DIST  XPAR_PS7_SCUGIC_0_DIST_BASEADDR
#define CPUIF XPAR_PS7_SCUGIC_0_CPU_BASEADDR

#define GICD_CTLR       (DIST + 0x000u)
#define GICD_ISENABLER  (DIST + 0x100u)
#define GICD_ICENABLER  (DIST + 0x180u)
#define GICD_ICPENDR    (DIST + 0x280u)
#define GICD_IPRIORITYR (DIST + 0x400u)
#define GICD_ITARGETSR  (DIST + 0x800u)
#define GICD_ICFGR      (DIST + 0xC00u)
#define GICD_SGIR       (DIST + 0xF00u)
#define GICC_CTLR       (CPUIF + 0x00u)
#define GICC_PMR        (CPUIF + 0x04u)
#define GICC_BPR        (CPUIF + 0x08u)
#define GICC_IAR        (CPUIF + 0x0Cu)
#define GICC_EOIR       (CPUIF + 0x10u)

#define DEFAULT_PRIORITY 0xA0u
#define PRIORITY_MASK    0xF0u

static struct {
    ScuGic_Handler handler;
    void *callback_ref;
} handler_table[SCUGIC_MAX_NUM_INTR_INPUTS];

static volatile u32 last_source[4];

static void interrupt_handler(fw_frame *frame)
{
    (void)frame;
    for (;;) {
        u32 iar = Xil_In32(GICC_IAR);
        u32 id = iar & 0x3FFu;
        if (id >= SCUGIC_MAX_NUM_INTR_INPUTS) break; /* 1023: nothing (more) pending */
        last_source[platform_cpu_id()] = iar;
        if (handler_table[id].handler) handler_table[id].handler(handler_table[id].callback_ref);
        Xil_Out32(GICC_EOIR, iar);
    }
}

void ScuGic_CpuInitialize(void)
{
    for (u32 id = 0; id < 32; id += 4)
        Xil_Out32(GICD_IPRIORITYR + id, DEFAULT_PRIORITY * 0x01010101u);
    Xil_Out32(GICD_ICENABLER, 0xFFFF0000u); /* PPIs off (SGIs are always on in the A9) */
    Xil_Out32(GICC_PMR, PRIORITY_MASK);
    Xil_Out32(GICC_BPR, 0);
    Xil_Out32(GICC_CTLR, 1);
}

void ScuGic_Initialize(void)
{
    Xil_Out32(GICD_CTLR, 0);
    for (u32 id = 32; id < SCUGIC_MAX_NUM_INTR_INPUTS; id += 32) {
        Xil_Out32(GICD_ICENABLER + id / 8, 0xFFFFFFFFu);
        Xil_Out32(GICD_ICPENDR + id / 8, 0xFFFFFFFFu);
    }
    for (u32 id = 32; id < SCUGIC_MAX_NUM_INTR_INPUTS; id += 16)
        Xil_Out32(GICD_ICFGR + id / 4, 0x55555555u); /* 01: level, active high */
    for (u32 id = 32; id < SCUGIC_MAX_NUM_INTR_INPUTS; id += 4) {
        Xil_Out32(GICD_IPRIORITYR + id, DEFAULT_PRIORITY * 0x01010101u);
        Xil_Out32(GICD_ITARGETSR + id, 0x01010101u);
    }
    Xil_Out32(GICD_CTLR, 1);
    ScuGic_CpuInitialize();
    fw_set_handler(FW_IRQ, interrupt_handler);
}

void ScuGic_Connect(u32 id, ScuGic_Handler handler, void *callback_ref)
{
    handler_table[id].callback_ref = callback_ref;
    handler_table[id].handler = handler;
}

void ScuGic_Enable(u32 id)
{
    Xil_Out32(GICD_ISENABLER + (id / 32) * 4, 1u << (id % 32));
}

void ScuGic_Disable(u32 id)
{
    Xil_Out32(GICD_ICENABLER + (id / 32) * 4, 1u << (id % 32));
}

void ScuGic_SetPriorityTriggerType(u32 id, u8 priority, u8 trigger)
{
    Xil_Out8(GICD_IPRIORITYR + id, priority & 0xF8u);
    u32 address = GICD_ICFGR + (id / 16) * 4, shift = (id % 16) * 2;
    u32 value = Xil_In32(address);
    value = (value & ~(3u << shift)) | ((u32)trigger << shift);
    Xil_Out32(address, value);
}

void ScuGic_InterruptMaptoCpu(u32 id, u8 cpu_mask)
{
    Xil_Out8(GICD_ITARGETSR + id, cpu_mask);
}

void ScuGic_SoftwareIntr(u32 id, u8 cpu_mask)
{
    Xil_Out32(GICD_SGIR, ((u32)cpu_mask << 16) | (id & 15u));
}

u32 ScuGic_LastSource(void)
{
    return last_source[platform_cpu_id()];
}
