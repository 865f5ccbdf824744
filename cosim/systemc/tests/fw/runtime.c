/* runtime.c: UART0 output, semihosting time, interrupt masking and CP15 registers. */
#include "runtime.h"

#define UART_DR REG(0x101f1000u)
#define UART_FR REG(0x101f1018u)
#define UART_CR REG(0x101f1030u)

void putc_(char c)
{
    if (!(UART_CR & 1u)) UART_CR = 0x301u; /* enable UART, TX, RX */
    while (UART_FR & (1u << 5)) {
    }
    UART_DR = (uint8_t)c;
}

void puts_(const char *s)
{
    while (*s)
        putc_(*s++);
}

void put_hex(uint32_t value)
{
    puts_("0x");
    for (int shift = 28; shift >= 0; shift -= 4)
        putc_("0123456789abcdef"[(value >> shift) & 15u]);
}

void put_dec(uint64_t value)
{
    char digits[20];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value);
    while (n)
        putc_(digits[--n]);
}

void put_yes_no(int yes)
{
    puts_(yes ? "yes" : "NO");
}

uint64_t elapsed_ns(void)
{
    static volatile uint32_t block[2];
    register uint32_t r0 __asm__("r0") = 0x30; /* SYS_ELAPSED */
    register volatile uint32_t *r1 __asm__("r1") = block;
    __asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
    return (uint64_t)block[1] << 32 | block[0];
}

uint32_t cp15_dfsr(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(v));
    return v;
}

uint32_t cp15_far(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(v));
    return v;
}

/* ARMv5 has no CPS: read-modify-write the CPSR. */
void irq_enable(void)
{
    uint32_t cpsr;
    __asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
    __asm__ volatile("msr cpsr_c, %0" : : "r"(cpsr & ~0x80u) : "memory");
}

void irq_disable(void)
{
    uint32_t cpsr;
    __asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
    __asm__ volatile("msr cpsr_c, %0" : : "r"(cpsr | 0x80u) : "memory");
}

void wait_for_interrupt(void)
{
    __asm__ volatile("mcr p15, 0, %0, c7, c0, 4" : : "r"(0) : "memory");
}
