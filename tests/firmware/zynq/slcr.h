/*
 * slcr.h: the Zynq system level control registers (SLCR, 0xF8000000, UG585 chapter 4.3 and
 * appendix B): the write protection keys, the PLL and clock registers, resets, the OCM
 * mapping and the MIO pins, with the lock and unlock helpers of the standalone BSP.
 */
#ifndef SLCR_H
#define SLCR_H

#include "xil_io.h"
#include "xparameters.h"

#define SLCR_BASE XPAR_PS7_SLCR_0_BASEADDR

#define SLCR_LOCK_OFFSET     0x004u
#define SLCR_UNLOCK_OFFSET   0x008u
#define SLCR_LOCKSTA_OFFSET  0x00Cu
#define SLCR_ARM_PLL_CTRL    0x100u
#define SLCR_DDR_PLL_CTRL    0x104u
#define SLCR_IO_PLL_CTRL     0x108u
#define SLCR_PLL_STATUS      0x10Cu
#define SLCR_ARM_PLL_CFG     0x110u
#define SLCR_ARM_CLK_CTRL    0x120u
#define SLCR_UART_CLK_CTRL   0x154u
#define SLCR_PSS_RST_CTRL    0x200u
#define SLCR_A9_CPU_RST_CTRL 0x244u
#define SLCR_MIO_PIN(n)      (0x700u + 4u * (n))
#define SLCR_OCM_CFG         0x910u

#define SLCR_LOCK_KEY   0x767Bu
#define SLCR_UNLOCK_KEY 0xDF0Du

/* PLL control fields. */
#define SLCR_PLL_FDIV_SHIFT   12u
#define SLCR_PLL_FDIV_MASK    (0x7Fu << SLCR_PLL_FDIV_SHIFT)
#define SLCR_PLL_BYPASS_FORCE 0x10u
#define SLCR_PLL_BYPASS_QUAL  0x08u
#define SLCR_PLL_PWRDWN       0x02u
#define SLCR_PLL_RESET        0x01u

/* PLL status: lock bits 0-2 (ARM, DDR, IO), stable bits 3-5. */
#define SLCR_PLL_STATUS_ARM_LOCK 0x01u

static inline void Slcr_Unlock(void)
{
    Xil_Out32(SLCR_BASE + SLCR_UNLOCK_OFFSET, SLCR_UNLOCK_KEY);
}

static inline void Slcr_Lock(void)
{
    Xil_Out32(SLCR_BASE + SLCR_LOCK_OFFSET, SLCR_LOCK_KEY);
}

static inline u32 Slcr_Read(u32 offset)
{
    return Xil_In32(SLCR_BASE + offset);
}

static inline void Slcr_Write(u32 offset, u32 value)
{
    Xil_Out32(SLCR_BASE + offset, value);
}

#endif
