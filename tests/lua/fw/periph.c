/*
 * periph: drives a "squarer" peripheral that a Lua model implements at 0x101f5000,
 * interrupt line 19 of the VIC. For each operand: write it, start the device, wait (WFI)
 * for its interrupt, whose handler reads the result and acknowledges the device.
 *   0x00 ID (0x4c554121)   0x04 OPERAND   0x08 CTRL (1: start)   0x0c RESULT
 *   0x10 STATUS (bit 0: done; writing 1 acknowledges and lowers the interrupt)
 */
#include <stdint.h>

#include "board.h"
#include "common/cp15.h"
#include "common/exceptions.h"
#include "common/uart.h"

#define DEV_BASE    0x101f5000u
#define DEV_ID      REG(DEV_BASE + 0x00)
#define DEV_OPERAND REG(DEV_BASE + 0x04)
#define DEV_CTRL    REG(DEV_BASE + 0x08)
#define DEV_RESULT  REG(DEV_BASE + 0x0c)
#define DEV_STATUS  REG(DEV_BASE + 0x10)
#define DEV_LINE    19u

static volatile uint32_t interrupts, result;

static void on_irq(fw_frame *frame)
{
    (void)frame;
    if (VIC_IRQSTATUS & (1u << DEV_LINE)) {
        result = DEV_RESULT;
        DEV_STATUS = 1;
        interrupts++;
    } else {
        VIC_INTENCLEAR = VIC_IRQSTATUS;
    }
}

int main(void)
{
    uart_puts("device id 0x");
    uart_put_hex(DEV_ID, 8);
    uart_puts("\n");
    fw_set_handler(FW_IRQ, on_irq);
    VIC_INTENABLE = 1u << DEV_LINE;
    for (uint32_t i = 1; i <= 5; i++) {
        uint32_t seen = interrupts;
        DEV_OPERAND = i * 7u;
        DEV_CTRL = 1;
        while (interrupts == seen) {
            cp15_wait_for_interrupt();
            fw_enable_interrupts();
            fw_disable_interrupts();
        }
        uart_put_dec(i * 7u);
        uart_puts(" squared is ");
        uart_put_dec(result);
        uart_puts("\n");
    }
    uart_puts("interrupts ");
    uart_put_dec(interrupts);
    uart_puts("\n");
    return 0;
}
