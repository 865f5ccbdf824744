/*
 * bus_error.c: a TLM target that answers errors (0x30300000): the firmware sees each
 * error response as a precise data abort (external abort, DFSR 0x8) with FAR at the
 * address and the exception taken at the instruction; the handler steps over it.
 */
#include "fw/runtime.h"

static volatile uint32_t aborts, abort_pc, abort_dfsr, abort_far;

void fw_irq(void) {}

void fw_data_abort(uint32_t pc)
{
    aborts++;
    abort_pc = pc;
    abort_dfsr = cp15_dfsr();
    abort_far = cp15_far();
}

extern const char load_word_at[], store_word_at[], load_byte_at[];

__attribute__((noinline)) static uint32_t load_word(uint32_t address)
{
    register uint32_t r0 __asm__("r0");
    register uint32_t r1 __asm__("r1") = address;
    __asm__ volatile("load_word_at: ldr r0, [r1]" : "=r"(r0) : "r"(r1) : "memory");
    return r0;
}

__attribute__((noinline)) static void store_word(uint32_t address, uint32_t value)
{
    register uint32_t r0 __asm__("r0") = value;
    register uint32_t r1 __asm__("r1") = address;
    __asm__ volatile("store_word_at: str r0, [r1]" : : "r"(r0), "r"(r1) : "memory");
}

__attribute__((noinline)) static uint32_t load_byte(uint32_t address)
{
    register uint32_t r0 __asm__("r0");
    register uint32_t r1 __asm__("r1") = address;
    __asm__ volatile("load_byte_at: ldrb r0, [r1]" : "=r"(r0) : "r"(r1) : "memory");
    return r0;
}

static void report(const char *what, const void *label)
{
    puts_(what);
    puts_(": aborts ");
    put_dec(aborts);
    puts_(", DFSR=");
    put_hex(abort_dfsr & 0xfu);
    puts_(" FAR=");
    put_hex(abort_far);
    puts_(", pc at the instruction: ");
    put_yes_no(abort_pc == (uint32_t)label);
    puts_("\n");
    aborts = 0;
    abort_dfsr = abort_far = abort_pc = 0;
}

int main(void)
{
    puts_("bus error test\n");
    puts_("ID register: ");
    put_hex(load_word(TLM_ERROR));
    puts_(", aborts ");
    put_dec(aborts);
    puts_("\n");
    load_word(TLM_ERROR + 0x10);
    report("ldr  0x30300010 (address error)", load_word_at);
    store_word(TLM_ERROR, 0x1234);
    report("str  0x30300000 (command error)", store_word_at);
    load_byte(TLM_ERROR + 0x21);
    report("ldrb 0x30300021 (burst error)  ", load_byte_at);
    puts_("the model still answers: ");
    put_hex(load_word(TLM_ERROR));
    puts_("\n");
    return 0;
}
