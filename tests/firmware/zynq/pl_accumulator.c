/*
 * pl_accumulator: the driver of the co-simulation example's PL peripheral, an accumulator
 * on AXI GP0 at 0x43C00000 with its interrupt on IRQ_F2P[0] (GIC ID 61). The peripheral
 * exists twice, as a SystemC TLM-2.0 model (cosim/systemc/examples/pl_accumulator.cpp)
 * and as a Lua model (tests/zynq/pl_accumulator.lua); this program must print the same
 * against both (tests/zynq: zynq.cosim.*). Registers: see either model.
 *
 * 1. Identification, then ten values added: the sum and count read back.
 * 2. A threshold with the interrupt enabled: the adds below it raise nothing, the one that
 *    reaches it raises IRQ_F2P[0]; the handler reads the sum and acknowledges the status.
 *    Main waits for the interrupt rather than expecting it at a given instruction: a
 *    SystemC model's interrupt may arrive up to a quantum later than a Lua model's.
 * 3. With the interrupt disabled the status still records the threshold, and no interrupt
 *    comes; enabling it then delivers the pending one.
 */
#include <stdio.h>

#include "common/exceptions.h"
#include "platform.h"
#include "scugic.h"
#include "xparameters.h"

#define ACC                XPAR_PL_ACCUMULATOR_0_BASEADDR
#define ACC_ID             (ACC + 0x00u)
#define ACC_CTRL           (ACC + 0x04u)
#define ACC_DATA           (ACC + 0x08u)
#define ACC_SUM            (ACC + 0x0Cu)
#define ACC_COUNT          (ACC + 0x10u)
#define ACC_THRESHOLD      (ACC + 0x14u)
#define ACC_STATUS         (ACC + 0x18u)
#define ACC_CTRL_IRQ_EN    1u
#define ACC_CTRL_CLEAR     2u
#define ACC_STATUS_REACHED 1u

static volatile u32 interrupts, sum_at_interrupt;

static void on_accumulator(void *ref)
{
    (void)ref;
    sum_at_interrupt = Xil_In32(ACC_SUM);
    Xil_Out32(ACC_STATUS, ACC_STATUS_REACHED);
    interrupts++;
}

static void add(u32 value)
{
    Xil_Out32(ACC_DATA, value);
}

int main(void)
{
    printf("pl_accumulator test\n");
    u32 id = Xil_In32(ACC_ID);
    printf("ID 0x%08lx (%c%c%c%c)\n", (unsigned long)id, (char)(id >> 24), (char)(id >> 16),
           (char)(id >> 8), (char)id);

    /* 1. */
    Xil_Out32(ACC_CTRL, ACC_CTRL_CLEAR);
    for (u32 v = 1; v <= 10; v++)
        add(v);
    printf("sum of 1..10: %lu, count %lu\n", (unsigned long)Xil_In32(ACC_SUM),
           (unsigned long)Xil_In32(ACC_COUNT));
    add(0xFFFFFFF0u);
    printf("plus 0xfffffff0: 0x%08lx (wraps), count %lu\n", (unsigned long)Xil_In32(ACC_SUM),
           (unsigned long)Xil_In32(ACC_COUNT));

    /* 2. */
    ScuGic_Initialize();
    ScuGic_Connect(XPAR_FABRIC_IRQ_F2P_0_INTR, on_accumulator, NULL);
    ScuGic_SetPriorityTriggerType(XPAR_FABRIC_IRQ_F2P_0_INTR, 0xA0, SCUGIC_TRIGGER_LEVEL_HIGH);
    ScuGic_Enable(XPAR_FABRIC_IRQ_F2P_0_INTR);
    fw_enable_interrupts();
    Xil_Out32(ACC_CTRL, ACC_CTRL_CLEAR | ACC_CTRL_IRQ_EN);
    Xil_Out32(ACC_THRESHOLD, 100);
    static const u32 below[] = {30, 40};
    for (u32 i = 0; i < 2; i++) {
        add(below[i]);
        printf("add %lu: sum %lu, status %lu\n", (unsigned long)below[i],
               (unsigned long)Xil_In32(ACC_SUM), (unsigned long)Xil_In32(ACC_STATUS));
    }
    add(50);
    platform_wait_until(&interrupts, 1);
    printf("add 50: interrupt %lu on GIC ID %lu at sum %lu, status after the handler %lu\n",
           (unsigned long)interrupts, (unsigned long)(ScuGic_LastSource() & 0x3FFu),
           (unsigned long)sum_at_interrupt, (unsigned long)Xil_In32(ACC_STATUS));

    /* 3. */
    Xil_Out32(ACC_CTRL, ACC_CTRL_CLEAR);
    add(200);
    printf("add 200 with the interrupt disabled: status %lu, interrupts %lu\n",
           (unsigned long)Xil_In32(ACC_STATUS), (unsigned long)interrupts);
    Xil_Out32(ACC_CTRL, ACC_CTRL_IRQ_EN);
    platform_wait_until(&interrupts, 2);
    printf("enabled: interrupt %lu at sum %lu, status after the handler %lu\n",
           (unsigned long)interrupts, (unsigned long)sum_at_interrupt,
           (unsigned long)Xil_In32(ACC_STATUS));
    printf("done\n");
    return 0;
}
