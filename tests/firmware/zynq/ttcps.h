/*
 * ttcps.h: a driver for one counter of a Zynq triple timer counter (TTC, UG585 chapter 8),
 * in the manner of the standalone BSP's: a counter is a TTC base and a counter number
 * (0-2); its registers are at base + 4 * counter in each bank of three.
 */
#ifndef TTCPS_H
#define TTCPS_H

#include "xil_io.h"

typedef struct TtcPs {
    UINTPTR base; /* the TTC */
    u32 counter;  /* 0, 1 or 2 */
} TtcPs;

/* Counter control bits. */
#define TTCPS_CNT_CNTRL_DIS     0x01u /* stopped */
#define TTCPS_CNT_CNTRL_INT     0x02u /* interval mode (else overflow mode) */
#define TTCPS_CNT_CNTRL_DECR    0x04u
#define TTCPS_CNT_CNTRL_MATCH   0x08u
#define TTCPS_CNT_CNTRL_RST     0x10u /* restart (self-clearing) */
#define TTCPS_CNT_CNTRL_EN_WAVE 0x20u /* waveform output off (active low) */

/* Interrupt status and enable bits. */
#define TTCPS_IXR_INTERVAL 0x01u
#define TTCPS_IXR_MATCH_0  0x02u
#define TTCPS_IXR_MATCH_1  0x04u
#define TTCPS_IXR_MATCH_2  0x08u
#define TTCPS_IXR_OVERFLOW 0x10u

/* Stops the counter, clears its settings and its pending interrupts. */
void TtcPs_Initialize(TtcPs *t, UINTPTR base, u32 counter);
/* Options: TTCPS_CNT_CNTRL_INT, _DECR, _MATCH (the counter stays stopped). */
void TtcPs_SetOptions(TtcPs *t, u32 options);
/* The clock is divided by 2^(prescaler + 1) for prescaler 0-15; 16 turns the prescaler off. */
void TtcPs_SetPrescaler(TtcPs *t, u32 prescaler);
void TtcPs_SetInterval(TtcPs *t, u16 interval);
void TtcPs_SetMatchValue(TtcPs *t, u32 match, u16 value);
u16 TtcPs_GetCounterValue(const TtcPs *t);
void TtcPs_EnableInterrupts(TtcPs *t, u32 mask);
void TtcPs_DisableInterrupts(TtcPs *t, u32 mask);
/* Reading the status clears it (clear-on-read register). */
u32 TtcPs_GetInterruptStatus(TtcPs *t);
/* Starts from zero (restart), stops. */
void TtcPs_Start(TtcPs *t);
void TtcPs_Stop(TtcPs *t);

#endif
