/* The benchmark firmware's main on the Zynq-7000: bench/firmware/firmware_main.c with the
 * console on UART1 (Cadence UART, 0xE0001000): runs the kernels, prints each checksum,
 * compares it with the value the native build computed, and returns the number of
 * mismatches, which start.S hands to semihosting as the exit code.
 * Compile-time settings: BENCH_SCALE (work). */
#include <stdint.h>

#include "bench_expected.h"
#include "kernels.h"

#ifndef BENCH_SCALE
#error "BENCH_SCALE must be defined"
#endif
_Static_assert(BENCH_SCALE == BENCH_EXPECTED_SCALE, "expected values of another scale");

#define UART1_CR        (*(volatile uint32_t *)0xE0001000)
#define UART1_MR        (*(volatile uint32_t *)0xE0001004)
#define UART1_SR        (*(volatile uint32_t *)0xE000102C)
#define UART1_FIFO      (*(volatile uint32_t *)0xE0001030)
#define UART_CR_RESET   0x03u  /* RX and TX FIFO resets */
#define UART_CR_ON      0x114u /* RX and TX enabled, stop break */
#define UART_MR_8N1     0x20u
#define UART_SR_TXFULL  0x10u
#define UART_SR_TXEMPTY 0x08u

void semihosting_exit(uint32_t code); /* start.S */
void trap_report(uint32_t vector, uint32_t return_address);
int main(void);

static void put_char(char c)
{
    while (UART1_SR & UART_SR_TXFULL) {
    }
    UART1_FIFO = (uint8_t)c;
}

static void put_string(const char *s)
{
    while (*s)
        put_char(*s++);
}

static void put_decimal(uint32_t v)
{
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put_char(digits[--n]);
}

static void put_hex(uint32_t v)
{
    put_string("0x");
    for (int shift = 28; shift >= 0; shift -= 4)
        put_char("0123456789abcdef"[(v >> shift) & 15]);
}

/* The name left-aligned in a field of ten, as the native build's "%-10s". */
static void put_name(const char *name)
{
    int n = 0;
    for (; name[n]; n++)
        put_char(name[n]);
    for (; n < 10; n++)
        put_char(' ');
}

static void flush(void)
{
    while (!(UART1_SR & UART_SR_TXEMPTY)) {
    }
}

/* Called by start.S on any exception: the benchmark takes none. */
void trap_report(uint32_t vector, uint32_t return_address)
{
    static const char *const names[] = {
        "reset", "undefined instruction", "swi", "prefetch abort", "data abort", "reserved", "irq",
        "fiq"};
    put_string("bench: trap: ");
    put_string(names[vector & 7]);
    put_string(", lr ");
    put_hex(return_address);
    put_char('\n');
    flush();
    semihosting_exit(0x80 + vector);
}

int main(void)
{
    UART1_CR = UART_CR_RESET;
    UART1_MR = UART_MR_8N1;
    UART1_CR = UART_CR_ON;
    unsigned failures = 0;
    put_string("bench: scale ");
    put_decimal(BENCH_SCALE);
    put_char('\n');
    for (unsigned k = 0; k < bench_kernel_count; k++) {
        const struct bench_kernel *kernel = &bench_kernels[k];
        uint32_t value = kernel->run(kernel->rounds_per_scale * BENCH_SCALE);
        put_name(kernel->name);
        put_hex(value);
        if (value != bench_expected[k]) {
            put_string(" WRONG, expected ");
            put_hex(bench_expected[k]);
            failures++;
        }
        put_char('\n');
    }
    put_string(failures ? "bench: FAILED\n" : "bench: ok\n");
    flush();
    return (int)failures;
}
