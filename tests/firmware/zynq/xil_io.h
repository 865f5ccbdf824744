/*
 * xil_io.h: register accessors and fixed-width types in the style of the standalone BSP
 * (Xil_In32/Xil_Out32 and u8/u16/u32), and the barriers the drivers need.
 */
#ifndef XIL_IO_H
#define XIL_IO_H

#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uintptr_t UINTPTR;

static inline u32 Xil_In32(UINTPTR address)
{
    return *(volatile u32 *)address;
}

static inline void Xil_Out32(UINTPTR address, u32 value)
{
    *(volatile u32 *)address = value;
}

static inline u16 Xil_In16(UINTPTR address)
{
    return *(volatile u16 *)address;
}

static inline void Xil_Out16(UINTPTR address, u16 value)
{
    *(volatile u16 *)address = value;
}

static inline u8 Xil_In8(UINTPTR address)
{
    return *(volatile u8 *)address;
}

static inline void Xil_Out8(UINTPTR address, u8 value)
{
    *(volatile u8 *)address = value;
}

static inline void Xil_DataMemoryBarrier(void)
{
    __asm__ volatile("dmb" : : : "memory");
}

static inline void Xil_DataSyncBarrier(void)
{
    __asm__ volatile("dsb" : : : "memory");
}

#endif
