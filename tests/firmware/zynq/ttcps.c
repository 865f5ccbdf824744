/* ttcps.c: the TTC counter driver (ttcps.h). */
#include "ttcps.h"

#define CLK_CNTRL(t) ((t)->base + 0x00u + 4u * (t)->counter)
#define CNT_CNTRL(t) ((t)->base + 0x0Cu + 4u * (t)->counter)
#define COUNT_VAL(t) ((t)->base + 0x18u + 4u * (t)->counter)
#define INTERVAL(t)  ((t)->base + 0x24u + 4u * (t)->counter)
#define MATCH(t, n)  ((t)->base + 0x30u + 12u * (n) + 4u * (t)->counter)
#define ISR(t)       ((t)->base + 0x54u + 4u * (t)->counter)
#define IER(t)       ((t)->base + 0x60u + 4u * (t)->counter)

void TtcPs_Initialize(TtcPs *t, UINTPTR base, u32 counter)
{
    t->base = base;
    t->counter = counter;
    Xil_Out32(CNT_CNTRL(t), TTCPS_CNT_CNTRL_DIS | TTCPS_CNT_CNTRL_EN_WAVE);
    Xil_Out32(CLK_CNTRL(t), 0);
    Xil_Out32(INTERVAL(t), 0);
    for (u32 n = 0; n < 3; n++)
        Xil_Out32(MATCH(t, n), 0);
    Xil_Out32(IER(t), 0);
    (void)Xil_In32(ISR(t));
}

void TtcPs_SetOptions(TtcPs *t, u32 options)
{
    u32 keep = TTCPS_CNT_CNTRL_DIS | TTCPS_CNT_CNTRL_EN_WAVE;
    u32 value = Xil_In32(CNT_CNTRL(t)) & keep;
    value |= options & (TTCPS_CNT_CNTRL_INT | TTCPS_CNT_CNTRL_DECR | TTCPS_CNT_CNTRL_MATCH);
    Xil_Out32(CNT_CNTRL(t), value);
}

void TtcPs_SetPrescaler(TtcPs *t, u32 prescaler)
{
    u32 value = Xil_In32(CLK_CNTRL(t)) & ~0x1Fu;
    if (prescaler < 16) value |= (prescaler << 1) | 1u;
    Xil_Out32(CLK_CNTRL(t), value);
}

void TtcPs_SetInterval(TtcPs *t, u16 interval)
{
    Xil_Out32(INTERVAL(t), interval);
}

void TtcPs_SetMatchValue(TtcPs *t, u32 match, u16 value)
{
    Xil_Out32(MATCH(t, match), value);
}

u16 TtcPs_GetCounterValue(const TtcPs *t)
{
    return (u16)Xil_In32(COUNT_VAL(t));
}

void TtcPs_EnableInterrupts(TtcPs *t, u32 mask)
{
    Xil_Out32(IER(t), Xil_In32(IER(t)) | mask);
}

void TtcPs_DisableInterrupts(TtcPs *t, u32 mask)
{
    Xil_Out32(IER(t), Xil_In32(IER(t)) & ~mask);
}

u32 TtcPs_GetInterruptStatus(TtcPs *t)
{
    return Xil_In32(ISR(t));
}

void TtcPs_Start(TtcPs *t)
{
    u32 value = Xil_In32(CNT_CNTRL(t)) & ~TTCPS_CNT_CNTRL_DIS;
    Xil_Out32(CNT_CNTRL(t), value | TTCPS_CNT_CNTRL_RST);
}

void TtcPs_Stop(TtcPs *t)
{
    Xil_Out32(CNT_CNTRL(t), Xil_In32(CNT_CNTRL(t)) | TTCPS_CNT_CNTRL_DIS);
}
