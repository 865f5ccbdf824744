/* gpiops.c: the PS GPIO driver (gpiops.h). */
#include "gpiops.h"

#include "xparameters.h"

#define GPIO XPAR_PS7_GPIO_0_BASEADDR

#define MASK_DATA_LSW(bank) (GPIO + 0x000u + 8u * (bank))
#define MASK_DATA_MSW(bank) (GPIO + 0x004u + 8u * (bank))
#define DATA(bank)          (GPIO + 0x040u + 4u * (bank))
#define DATA_RO(bank)       (GPIO + 0x060u + 4u * (bank))
#define BANK_REG(bank, r)   (GPIO + 0x204u + 0x40u * (bank) + (r))
#define DIRM                0x00u
#define OEN                 0x04u
#define INT_MASK            0x08u
#define INT_EN              0x0Cu
#define INT_DIS             0x10u
#define INT_STAT            0x14u
#define INT_TYPE            0x18u
#define INT_POLARITY        0x1Cu
#define INT_ANY             0x20u

/* The bank of a pin and its bit in the bank. */
static u32 bank_of(u32 pin, u32 *bit)
{
    static const u32 first_pin[4] = {0, 32, 54, 86};
    u32 bank = 3;
    while (bank > 0 && pin < first_pin[bank])
        bank--;
    *bit = pin - first_pin[bank];
    return bank;
}

static void set_bit(UINTPTR address, u32 bit, u32 value)
{
    u32 word = Xil_In32(address);
    word = value ? word | (1u << bit) : word & ~(1u << bit);
    Xil_Out32(address, word);
}

void GpioPs_Initialize(void)
{
    for (u32 bank = 0; bank < 4; bank++) {
        Xil_Out32(BANK_REG(bank, INT_DIS), 0xFFFFFFFFu);
        Xil_Out32(BANK_REG(bank, INT_STAT), 0xFFFFFFFFu);
    }
}

void GpioPs_SetDirectionPin(u32 pin, u32 output)
{
    u32 bit, bank = bank_of(pin, &bit);
    set_bit(BANK_REG(bank, DIRM), bit, output);
}

void GpioPs_SetOutputEnablePin(u32 pin, u32 enable)
{
    u32 bit, bank = bank_of(pin, &bit);
    set_bit(BANK_REG(bank, OEN), bit, enable);
}

void GpioPs_WritePin(u32 pin, u32 value)
{
    /* MASK_DATA: the upper half masks (1 = keep), the lower half holds the values of
     * the 16 pins of that half-bank; one write changes one pin, atomically. */
    u32 bit, bank = bank_of(pin, &bit);
    UINTPTR address = bit < 16 ? MASK_DATA_LSW(bank) : MASK_DATA_MSW(bank);
    bit %= 16;
    Xil_Out32(address, (~(1u << bit) & 0xFFFFu) << 16 | (value ? 1u << bit : 0));
}

u32 GpioPs_ReadPin(u32 pin)
{
    u32 bit, bank = bank_of(pin, &bit);
    return (Xil_In32(DATA_RO(bank)) >> bit) & 1u;
}

u32 GpioPs_ReadOutputPin(u32 pin)
{
    u32 bit, bank = bank_of(pin, &bit);
    return (Xil_In32(DATA(bank)) >> bit) & 1u;
}

void GpioPs_SetIntrTypePin(u32 pin, u32 type)
{
    u32 bit, bank = bank_of(pin, &bit);
    u32 edge = type <= GPIOPS_IRQ_TYPE_EDGE_BOTH;
    u32 high = type == GPIOPS_IRQ_TYPE_EDGE_RISING || type == GPIOPS_IRQ_TYPE_LEVEL_HIGH;
    set_bit(BANK_REG(bank, INT_TYPE), bit, edge);
    set_bit(BANK_REG(bank, INT_POLARITY), bit, high);
    set_bit(BANK_REG(bank, INT_ANY), bit, type == GPIOPS_IRQ_TYPE_EDGE_BOTH);
}

void GpioPs_IntrEnablePin(u32 pin)
{
    u32 bit, bank = bank_of(pin, &bit);
    Xil_Out32(BANK_REG(bank, INT_EN), 1u << bit);
}

void GpioPs_IntrDisablePin(u32 pin)
{
    u32 bit, bank = bank_of(pin, &bit);
    Xil_Out32(BANK_REG(bank, INT_DIS), 1u << bit);
}

u32 GpioPs_IntrGetStatusPin(u32 pin)
{
    u32 bit, bank = bank_of(pin, &bit);
    return (Xil_In32(BANK_REG(bank, INT_STAT)) >> bit) & 1u;
}

void GpioPs_IntrClearPin(u32 pin)
{
    u32 bit, bank = bank_of(pin, &bit);
    Xil_Out32(BANK_REG(bank, INT_STAT), 1u << bit);
}
