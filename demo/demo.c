/* The demo firmware: greets on UART0 and prints a few computed lines, then exits with 0. */
#include <stdint.h>

#define UART0_DR (*(volatile uint32_t *)0x101f1000)
#define UART0_FR (*(volatile uint32_t *)0x101f1018)

static void put_char(char c)
{
    while (UART0_FR & (1u << 5)) {
    }
    UART0_DR = (uint32_t)c;
}

static void put_string(const char *s)
{
    while (*s)
        put_char(*s++);
}

static void put_decimal(uint32_t v)
{
    char digits[12];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put_char(digits[--n]);
}

int main(void)
{
    put_string("Brassboard demo on the Versatile PB (ARM926EJ-S)\n");
    uint32_t a = 0, b = 1;
    put_string("Fibonacci:");
    for (int i = 0; i < 20; i++) {
        put_char(' ');
        put_decimal(a);
        uint32_t next = a + b;
        a = b;
        b = next;
    }
    put_string("\nbye\n");
    return 0;
}
