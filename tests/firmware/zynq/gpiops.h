/*
 * gpiops.h: a driver for the Zynq PS GPIO controller (UG585 chapter 14) in the manner of
 * the standalone BSP's: pins numbered 0-53 on MIO and 54-117 on EMIO, in four banks; per
 * pin direction, output enable, value, and interrupt type (edge or level), polarity and
 * both-edges, enable, disable, status and clear.
 */
#ifndef GPIOPS_H
#define GPIOPS_H

#include "xil_io.h"

/* Interrupt types of GpioPs_SetIntrTypePin. */
#define GPIOPS_IRQ_TYPE_EDGE_RISING  0u
#define GPIOPS_IRQ_TYPE_EDGE_FALLING 1u
#define GPIOPS_IRQ_TYPE_EDGE_BOTH    2u
#define GPIOPS_IRQ_TYPE_LEVEL_HIGH   3u
#define GPIOPS_IRQ_TYPE_LEVEL_LOW    4u

/* Masks every pin's interrupt and clears every status (at reset the masks are clear, so an
 * edge on any pin would interrupt). */
void GpioPs_Initialize(void);
void GpioPs_SetDirectionPin(u32 pin, u32 output);
void GpioPs_SetOutputEnablePin(u32 pin, u32 enable);
void GpioPs_WritePin(u32 pin, u32 value);
/* The pin's level (DATA_RO: the input, or what the pin drives when it is an output). */
u32 GpioPs_ReadPin(u32 pin);
/* The value written to an output pin (DATA). */
u32 GpioPs_ReadOutputPin(u32 pin);
void GpioPs_SetIntrTypePin(u32 pin, u32 type);
void GpioPs_IntrEnablePin(u32 pin);
void GpioPs_IntrDisablePin(u32 pin);
u32 GpioPs_IntrGetStatusPin(u32 pin);
void GpioPs_IntrClearPin(u32 pin);

#endif
