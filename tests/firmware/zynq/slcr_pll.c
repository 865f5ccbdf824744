/*
 * slcr_pll: the system level control registers as first-stage boot code uses them.
 *
 * 1. The SLCR is write-protected at reset: a write is ignored, a wrong key does not unlock
 *    it, the unlock key does (SLCR_LOCKSTA follows).
 * 2. The PLLs and clocks as reset left them, read and turned into frequencies from the
 *    33.333 MHz PS_CLK: PLL output = PS_CLK x FDIV, a clock = its PLL / its divisor.
 * 3. The ARM PLL reprogrammed the way the FSBL does it: bypass, new FDIV, reset pulse,
 *    wait for ARM_PLL_LOCK, leave bypass; then the CPU clock's divisor.
 * 4. MIO pin 50 (a button on the ZedBoard) made a GPIO input with a pull-up.
 * 5. The lock key protects the SLCR again.
 */
#include <stdio.h>

#include "slcr.h"

static const char *pll_names[4] = {"ARM PLL", "ARM PLL", "DDR PLL", "IO PLL"};

static u32 pll_fdiv(u32 pll_ctrl_offset)
{
    return (Slcr_Read(pll_ctrl_offset) & SLCR_PLL_FDIV_MASK) >> SLCR_PLL_FDIV_SHIFT;
}

/* The PLL output in kHz (bypassed: PS_CLK itself). */
static u32 pll_khz(u32 pll_ctrl_offset)
{
    u32 ctrl = Slcr_Read(pll_ctrl_offset);
    u32 ps_clk_khz = XPAR_PS7_PS_CLK_FREQ_HZ / 1000u;
    if (ctrl & SLCR_PLL_BYPASS_FORCE) return ps_clk_khz;
    return ps_clk_khz * pll_fdiv(pll_ctrl_offset);
}

static void print_khz(const char *what, u32 khz)
{
    printf("%s: %lu.%03lu MHz\n", what, (unsigned long)(khz / 1000u), (unsigned long)(khz % 1000u));
}

/* A clock control register: source PLL in bits 5:4, divisor in bits 13:8. */
static void print_clock(const char *what, u32 offset)
{
    u32 ctrl = Slcr_Read(offset);
    u32 source = (ctrl >> 4) & 3u, divisor = (ctrl >> 8) & 0x3Fu;
    u32 pll_offset = source == 2   ? SLCR_DDR_PLL_CTRL
                     : source == 3 ? SLCR_IO_PLL_CTRL
                                   : SLCR_ARM_PLL_CTRL;
    if (offset == SLCR_UART_CLK_CTRL) /* UART: 0x = IO PLL, 10 = ARM PLL, 11 = DDR PLL */
        pll_offset = source == 2   ? SLCR_ARM_PLL_CTRL
                     : source == 3 ? SLCR_DDR_PLL_CTRL
                                   : SLCR_IO_PLL_CTRL;
    char text[80];
    snprintf(text, sizeof text, "%s (%s / %lu)", what,
             pll_offset == SLCR_ARM_PLL_CTRL   ? pll_names[0]
             : pll_offset == SLCR_DDR_PLL_CTRL ? pll_names[2]
                                               : pll_names[3],
             (unsigned long)divisor);
    print_khz(text, divisor ? pll_khz(pll_offset) / divisor : 0);
}

int main(void)
{
    printf("slcr_pll test\n");

    /* 1. write protection */
    printf("SLCR_LOCKSTA at reset: %lu\n", (unsigned long)Slcr_Read(SLCR_LOCKSTA_OFFSET));
    u32 arm_clk = Slcr_Read(SLCR_ARM_CLK_CTRL);
    Slcr_Write(SLCR_ARM_CLK_CTRL, (arm_clk & ~0x3F00u) | (2u << 8));
    printf("write while locked ignored: %s\n",
           Slcr_Read(SLCR_ARM_CLK_CTRL) == arm_clk ? "yes" : "no");
    Slcr_Write(SLCR_UNLOCK_OFFSET, 0x1234u);
    printf("SLCR_LOCKSTA after a wrong key: %lu\n", (unsigned long)Slcr_Read(SLCR_LOCKSTA_OFFSET));
    Slcr_Unlock();
    printf("SLCR_LOCKSTA after the unlock key: %lu\n",
           (unsigned long)Slcr_Read(SLCR_LOCKSTA_OFFSET));

    /* 2. reset state */
    printf("ARM_PLL_CTRL 0x%08lx, DDR_PLL_CTRL 0x%08lx, IO_PLL_CTRL 0x%08lx\n",
           (unsigned long)Slcr_Read(SLCR_ARM_PLL_CTRL), (unsigned long)Slcr_Read(SLCR_DDR_PLL_CTRL),
           (unsigned long)Slcr_Read(SLCR_IO_PLL_CTRL));
    u32 status = Slcr_Read(SLCR_PLL_STATUS);
    printf("PLL_STATUS 0x%02lx: locked ARM %lu DDR %lu IO %lu, stable ARM %lu DDR %lu IO %lu\n",
           (unsigned long)status, (unsigned long)(status & 1u), (unsigned long)((status >> 1) & 1u),
           (unsigned long)((status >> 2) & 1u), (unsigned long)((status >> 3) & 1u),
           (unsigned long)((status >> 4) & 1u), (unsigned long)((status >> 5) & 1u));
    print_khz("ARM PLL", pll_khz(SLCR_ARM_PLL_CTRL));
    print_khz("DDR PLL", pll_khz(SLCR_DDR_PLL_CTRL));
    print_khz("IO PLL", pll_khz(SLCR_IO_PLL_CTRL));
    print_clock("CPU 6x4x clock", SLCR_ARM_CLK_CTRL);
    print_clock("UART reference clock", SLCR_UART_CLK_CTRL);

    /* 3. the ARM PLL to 40 x 33.333 MHz, the CPU clock divided by 2 */
    u32 ctrl = Slcr_Read(SLCR_ARM_PLL_CTRL);
    ctrl = (ctrl & ~SLCR_PLL_FDIV_MASK) | (40u << SLCR_PLL_FDIV_SHIFT);
    Slcr_Write(SLCR_ARM_PLL_CTRL, ctrl | SLCR_PLL_BYPASS_FORCE);
    Slcr_Write(SLCR_ARM_PLL_CTRL, ctrl | SLCR_PLL_BYPASS_FORCE | SLCR_PLL_RESET);
    Slcr_Write(SLCR_ARM_PLL_CTRL, ctrl | SLCR_PLL_BYPASS_FORCE);
    u32 polls = 0;
    while (!(Slcr_Read(SLCR_PLL_STATUS) & SLCR_PLL_STATUS_ARM_LOCK) && polls < 1000000u)
        polls++;
    Slcr_Write(SLCR_ARM_PLL_CTRL, ctrl & ~SLCR_PLL_BYPASS_FORCE);
    Slcr_Write(SLCR_ARM_CLK_CTRL, (Slcr_Read(SLCR_ARM_CLK_CTRL) & ~0x3F00u) | (2u << 8));
    printf("ARM PLL reprogrammed: ARM_PLL_CTRL 0x%08lx, FDIV %lu, locked: %s\n",
           (unsigned long)Slcr_Read(SLCR_ARM_PLL_CTRL), (unsigned long)pll_fdiv(SLCR_ARM_PLL_CTRL),
           (Slcr_Read(SLCR_PLL_STATUS) & SLCR_PLL_STATUS_ARM_LOCK) ? "yes" : "no");
    print_khz("ARM PLL", pll_khz(SLCR_ARM_PLL_CTRL));
    print_clock("CPU 6x4x clock", SLCR_ARM_CLK_CTRL);

    /* 4. MIO pin 50: GPIO (all selects 0), LVCMOS 3.3 V, pull-up */
    printf("MIO_PIN_50 at reset: 0x%08lx\n", (unsigned long)Slcr_Read(SLCR_MIO_PIN(50)));
    Slcr_Write(SLCR_MIO_PIN(50), 0x00001600u);
    printf("MIO_PIN_50 as GPIO: 0x%08lx\n", (unsigned long)Slcr_Read(SLCR_MIO_PIN(50)));

    /* 5. locked again */
    Slcr_Lock();
    printf("SLCR_LOCKSTA after the lock key: %lu\n", (unsigned long)Slcr_Read(SLCR_LOCKSTA_OFFSET));
    Slcr_Write(SLCR_MIO_PIN(50), 0x00001601u);
    printf("MIO_PIN_50 after a write while locked: 0x%08lx\n",
           (unsigned long)Slcr_Read(SLCR_MIO_PIN(50)));
    printf("done\n");
    return 0;
}
