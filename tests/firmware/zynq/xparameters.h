/*
 * xparameters.h: the Zynq-7000 processing system as the test firmware sees it, in the style
 * of the xparameters.h a standalone BSP generates: base addresses, interrupt IDs (GIC IDs,
 * UG585 table 7-4) and clock rates. The addresses are the silicon's (UG585 chapter 4).
 */
#ifndef XPARAMETERS_H
#define XPARAMETERS_H

/* Clocks: the PS reference clock of the ZC702 and ZedBoard, and the rates the firmware
 * assumes for the peripherals' reference clocks. */
#define XPAR_PS7_PS_CLK_FREQ_HZ       33333333u
#define XPAR_PS7_UART_1_UART_CLK_FREQ 100000000u
#define XPAR_PS7_UART_BAUDRATE        115200u

/* The MPCore private region. */
#define XPAR_PS7_SCU_0_BASEADDR         0xF8F00000u
#define XPAR_PS7_SCUGIC_0_CPU_BASEADDR  0xF8F00100u
#define XPAR_PS7_GLOBALTIMER_0_BASEADDR 0xF8F00200u
#define XPAR_PS7_SCUTIMER_0_BASEADDR    0xF8F00600u
#define XPAR_PS7_SCUGIC_0_DIST_BASEADDR 0xF8F01000u

/* PS peripherals. */
#define XPAR_PS7_SLCR_0_BASEADDR    0xF8000000u
#define XPAR_PS7_TTC_0_BASEADDR     0xF8001000u
#define XPAR_PS7_TTC_1_BASEADDR     0xF8002000u
#define XPAR_PS7_WDT_0_BASEADDR     0xF8005000u
#define XPAR_PS7_DEV_CFG_0_BASEADDR 0xF8007000u
#define XPAR_PS7_UART_0_BASEADDR    0xE0000000u
#define XPAR_PS7_UART_1_BASEADDR    0xE0001000u
#define XPAR_PS7_GPIO_0_BASEADDR    0xE000A000u
#define XPAR_PS7_SD_0_BASEADDR      0xE0100000u

/* On-chip memory: the top 64 KiB of the address space in the high mapping; the boot ROM
 * parks CPU1 until a start address appears in its last word. */
#define XPAR_PS7_OCM_HIGH_BASEADDR 0xFFFF0000u
#define XPAR_CPU1_START_ADDRESS    0xFFFFFFF0u

/* The programmable logic: the AXI general-purpose master ports of the PS. */
#define XPAR_M_AXI_GP0_BASEADDR 0x40000000u
#define XPAR_M_AXI_GP1_BASEADDR 0x80000000u
/* The co-simulation example's peripheral (pl_accumulator.c), where Vivado puts the first
 * AXI-Lite slave on GP0. */
#define XPAR_PL_ACCUMULATOR_0_BASEADDR 0x43C00000u

/* Interrupt IDs. */
#define XPAR_SCUTIMER_INTR         29u
#define XPAR_XTTCPS_0_INTR         42u /* TTC0 counter 1; 43 and 44 counters 2 and 3 */
#define XPAR_XTTCPS_1_INTR         43u
#define XPAR_XTTCPS_2_INTR         44u
#define XPAR_XGPIOPS_0_INTR        52u
#define XPAR_XSDPS_0_INTR          56u
#define XPAR_XUARTPS_0_INTR        59u
#define XPAR_FABRIC_IRQ_F2P_0_INTR 61u /* IRQ_F2P[0]; [1]..[7] are 62..68, [8]..[15] 84..91 */
#define XPAR_XUARTPS_1_INTR        82u

/* The board's buttons and LEDs, on MIO pins as on the ZedBoard: LD9 on MIO 7, BTN8 on
 * MIO 50; and one button on EMIO 0 (GPIO pin 54), as a PL design would wire it. */
#define XPAR_LED_MIO_PIN     7u
#define XPAR_BUTTON_MIO_PIN  50u
#define XPAR_BUTTON_EMIO_PIN 54u

#endif
