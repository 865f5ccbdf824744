/* exceptions.c: dispatch of exceptions to the handlers tests install, and their helpers. */
#include "exceptions.h"

#include <unistd.h>

#include "uart.h"

/* The SWI number fw_run_user uses to come back from user mode. */
#define SWI_RETURN_TO_SYS 0xf0f0f0u

static fw_handler handlers[8];

static const char *const exception_names[8] = {
    "reset", "undefined instruction", "SWI", "prefetch abort", "data abort", "reserved", "IRQ",
    "FIQ",
};

void fw_set_handler(fw_exception exception, fw_handler handler)
{
    handlers[exception] = handler;
}

int fw_frame_thumb(const fw_frame *frame)
{
    return (frame->spsr & FW_CPSR_T) != 0;
}

void fw_skip_instruction(fw_frame *frame)
{
    frame->pc += fw_frame_thumb(frame) ? 2 : 4;
}

uint32_t fw_swi_number(const fw_frame *frame)
{
    if (fw_frame_thumb(frame)) return *(const volatile uint16_t *)frame->pc & 0xffu;
    return *(const volatile uint32_t *)frame->pc & 0xffffffu;
}

void fw_enable_interrupts(void)
{
    uint32_t cpsr;
    __asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
    cpsr &= ~0xc0u;
    __asm__ volatile("msr cpsr_c, %0" : : "r"(cpsr) : "memory");
}

void fw_disable_interrupts(void)
{
    uint32_t cpsr;
    __asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
    cpsr |= 0xc0u;
    __asm__ volatile("msr cpsr_c, %0" : : "r"(cpsr) : "memory");
}

static void report_unhandled(int number, const fw_frame *frame)
{
    uart_puts("\nunhandled ");
    uart_puts(exception_names[number & 7]);
    uart_puts(" at pc=0x");
    uart_put_hex(frame->pc, 8);
    uart_puts(" spsr=0x");
    uart_put_hex(frame->spsr, 8);
    uart_puts("\n");
    _exit(100 + number);
}

void fw_dispatch_exception(int number, fw_frame *frame)
{
    if (number == FW_SWI && !fw_frame_thumb(frame) && fw_swi_number(frame) == SWI_RETURN_TO_SYS &&
        (frame->spsr & FW_MODE_MASK) == FW_MODE_USR) {
        frame->spsr = (frame->spsr & ~FW_MODE_MASK) | FW_MODE_SYS;
        fw_skip_instruction(frame);
        return;
    }
    if (handlers[number & 7]) {
        handlers[number & 7](frame);
        return;
    }
    report_unhandled(number, frame);
}
