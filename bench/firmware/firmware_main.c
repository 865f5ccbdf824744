/* The benchmark firmware's main: runs the kernels, prints each checksum on the board's
 * console (console.h: UART0 on versatilepb, UART1 on the Zynq-7000), compares it with the
 * value the native build computed, and returns the number of mismatches, which start.S
 * hands to semihosting as the exit code.
 * Compile-time settings: BENCH_SCALE (work), BENCH_ONLY (run one kernel, by number). */
#include <stdint.h>

#include "bench_expected.h"
#include "console.h"
#include "kernels.h"

#ifndef BENCH_SCALE
#error "BENCH_SCALE must be defined"
#endif
#ifndef BENCH_ONLY
#define BENCH_ONLY (-1)
#endif
_Static_assert(BENCH_SCALE == BENCH_EXPECTED_SCALE, "expected values of another scale");

void semihosting_exit(uint32_t code); /* start.S */
void trap_report(uint32_t vector, uint32_t return_address);
int main(void);

static void put_string(const char *s)
{
    while (*s)
        console_put_char(*s++);
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
        console_put_char(digits[--n]);
}

static void put_hex(uint32_t v)
{
    put_string("0x");
    for (int shift = 28; shift >= 0; shift -= 4)
        console_put_char("0123456789abcdef"[(v >> shift) & 15]);
}

/* The name left-aligned in a field of ten, as the native build's "%-10s". */
static void put_name(const char *name)
{
    int n = 0;
    for (; name[n]; n++)
        console_put_char(name[n]);
    for (; n < 10; n++)
        console_put_char(' ');
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
    console_put_char('\n');
    console_flush();
    semihosting_exit(0x80 + vector);
}

int main(void)
{
    console_init();
    unsigned failures = 0;
    put_string("bench: scale ");
    put_decimal(BENCH_SCALE);
    console_put_char('\n');
    for (unsigned k = 0; k < bench_kernel_count; k++) {
        if (BENCH_ONLY >= 0 && k != (unsigned)BENCH_ONLY) continue;
        const struct bench_kernel *kernel = &bench_kernels[k];
        uint32_t value = kernel->run(kernel->rounds_per_scale * BENCH_SCALE);
        put_name(kernel->name);
        put_hex(value);
        if (value != bench_expected[k]) {
            put_string(" WRONG, expected ");
            put_hex(bench_expected[k]);
            failures++;
        }
        console_put_char('\n');
    }
    put_string(failures ? "bench: FAILED\n" : "bench: ok\n");
    console_flush();
    return (int)failures;
}
