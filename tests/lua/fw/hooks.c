/*
 * hooks: small facts for Lua hooks to observe and change.
 *   magic      a variable a test pokes before the run (printed)
 *   work()     called `rounds` times (an exec hook counts the calls)
 *   SENSOR     a "temperature sensor" register where no device is (a read hook fakes it)
 *   SYS_LED    written with 0x5a and read back (a write hook alters the value)
 *   mailbox    holds 1, written with 7 and read back (a write hook vetoes it)
 *   self_test() returns 0 (a hook can stub it out to return 1)
 *   spin       when a test sets it, the firmware loops forever (a runaway guest)
 * The variables are in .data, not .bss: start-up clears .bss after a test poked it.
 */
#include <stdint.h>

#include "board.h"
#include "common/uart.h"

#define SENSOR REG(0x101f8000u) /* nothing is mapped there on the Versatile PB */

volatile uint32_t magic = 1234;
volatile uint32_t rounds = 10;
volatile uint32_t mailbox = 1;
__attribute__((section(".data"))) volatile uint32_t spin;

__attribute__((noinline)) uint32_t work(uint32_t x)
{
    return x * 3u + 1u;
}

__attribute__((noinline)) int self_test(void)
{
    return (int)(magic == 0xffffffffu);
}

static void print_hex(const char *what, uint32_t v)
{
    uart_puts(what);
    uart_puts(" 0x");
    uart_put_hex(v, 2);
    uart_puts("\n");
}

static void print_dec(const char *what, uint32_t v)
{
    uart_puts(what);
    uart_puts(" ");
    uart_put_dec(v);
    uart_puts("\n");
}

int main(void)
{
    print_dec("magic", magic);
    uint32_t total = 0;
    for (uint32_t i = 0; i < rounds; i++)
        total += work(i);
    print_dec("work total", total);
    uint32_t centi = SENSOR;
    uart_puts("temperature ");
    uart_put_dec(centi / 100u);
    uart_puts(".");
    uart_put_dec(centi / 10u % 10u);
    uart_put_dec(centi % 10u);
    uart_puts(" C\n");
    SYS_LED = 0x5a;
    print_hex("led", SYS_LED & 0xff);
    mailbox = 7;
    print_dec("mailbox", mailbox);
    uart_puts(self_test() ? "self test passed\n" : "self test FAILED\n");
    while (spin) {
    }
    return 0;
}
