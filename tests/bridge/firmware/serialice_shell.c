/*
 * serialice_shell: the SerialICE target shell for ARM boards with a PL011 UART, written
 * for Brassboard from the shell's documented wire format (docs/bridge.md). A host runs
 * the firmware under test and sends the accesses of its routed ranges here: this shell
 * does them on the real board.
 *
 * Commands (all start with '*'; addresses and values are fixed-width hex, answered in
 * lower case; every received byte is echoed; lines end with "\r\n"; the prompt is "> "
 * after a line end):
 *   *rmAAAAAAAA.W          read memory, W = b w l q (1, 2, 4, 8 bytes): "\r\n" + value
 *   *wmAAAAAAAA.W=VALUE    write memory
 *   *mb                    board name, 32 characters padded with spaces
 *   *vi                    version line
 * The x86 commands (*ri *wi *rc *wc *ci) answer "ERROR", as any unknown command does. A
 * character that is not a hex digit where one is expected gives "ERROR: parsing number"
 * and counts as 0, as in the original shell.
 *
 * Porting: set SHELL_UART_BASE and SHELL_UART_CLOCK_HZ for your board (any PL011), build
 * with your board's start-up code (it needs a stack and nothing else: no C library, no
 * interrupts, no RAM beyond the stack), flash it, and connect the UART to the host at
 * SHELL_BAUD, 8N1. On the Versatile PB it uses UART1, so UART0 stays the console.
 */
#include <stdint.h>

#ifndef SHELL_UART_BASE
#define SHELL_UART_BASE 0x101f2000u /* Versatile PB UART1 */
#endif
#ifndef SHELL_UART_CLOCK_HZ
#define SHELL_UART_CLOCK_HZ 24000000u
#endif
#ifndef SHELL_BAUD
#define SHELL_BAUD 115200u
#endif
#define SHELL_VERSION "1.6-brassboard-arm"

static const char board_name[33] = "Brassboard ARM shell (PL011)    ";

#define UART_REG(offset) (*(volatile uint32_t *)(SHELL_UART_BASE + (offset)))
#define UART_DR          UART_REG(0x00)
#define UART_FR          UART_REG(0x18)
#define UART_IBRD        UART_REG(0x24)
#define UART_FBRD        UART_REG(0x28)
#define UART_LCR_H       UART_REG(0x2c)
#define UART_CR          UART_REG(0x30)
#define FR_RXFE          (1u << 4)
#define FR_TXFF          (1u << 5)

static void serial_init(void)
{
    /* Divisor = clock / (16 * baud), in 1/64ths for the fractional part. */
    uint32_t div64 = (4u * SHELL_UART_CLOCK_HZ + SHELL_BAUD / 2u) / SHELL_BAUD;
    UART_CR = 0;
    UART_IBRD = div64 >> 6;
    UART_FBRD = div64 & 63u;
    UART_LCR_H = 0x70u; /* 8 data bits, no parity, 1 stop bit, FIFOs on */
    UART_CR = 0x301u;   /* UART, transmitter and receiver enabled */
}

static void serial_putc(uint8_t c)
{
    while (UART_FR & FR_TXFF) {
    }
    UART_DR = c;
}

/* Every byte received is echoed before the next is read. */
static uint8_t serial_getc(void)
{
    while (UART_FR & FR_RXFE) {
    }
    uint8_t c = (uint8_t)UART_DR;
    serial_putc(c);
    return c;
}

static void serial_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n') serial_putc('\r');
        serial_putc((uint8_t)*s);
    }
}

static void put_hex(uint64_t value, int digits)
{
    for (int i = digits - 1; i >= 0; i--)
        serial_putc((uint8_t) "0123456789abcdef"[(value >> (4 * i)) & 15u]);
}

static uint64_t get_hex(int digits)
{
    uint64_t value = 0;
    for (int i = 0; i < digits; i++) {
        uint8_t c = serial_getc();
        uint32_t nibble = 0;
        if (c >= '0' && c <= '9')
            nibble = c - '0';
        else if (c >= 'a' && c <= 'f')
            nibble = c - 'a' + 10u;
        else if (c >= 'A' && c <= 'F')
            nibble = c - 'A' + 10u;
        else
            serial_puts("ERROR: parsing number\n");
        value = value << 4 | nibble;
    }
    return value;
}

static int width_bytes(uint8_t w)
{
    return w == 'b' ? 1 : w == 'w' ? 2 : w == 'l' ? 4 : w == 'q' ? 8 : 0;
}

static void read_memory(void)
{
    uint32_t addr = (uint32_t)get_hex(8);
    serial_getc(); /* '.' */
    int size = width_bytes(serial_getc());
    serial_putc('\r');
    serial_putc('\n');
    switch (size) {
    case 1: put_hex(*(volatile uint8_t *)addr, 2); break;
    case 2: put_hex(*(volatile uint16_t *)addr, 4); break;
    case 4: put_hex(*(volatile uint32_t *)addr, 8); break;
    case 8: put_hex(*(volatile uint64_t *)addr, 16); break;
    default: break;
    }
}

static void write_memory(void)
{
    uint32_t addr = (uint32_t)get_hex(8);
    serial_getc(); /* '.' */
    int size = width_bytes(serial_getc());
    serial_getc(); /* '=' */
    if (!size) return;
    uint64_t value = get_hex(2 * size);
    switch (size) {
    case 1: *(volatile uint8_t *)addr = (uint8_t)value; break;
    case 2: *(volatile uint16_t *)addr = (uint16_t)value; break;
    case 4: *(volatile uint32_t *)addr = (uint32_t)value; break;
    case 8: *(volatile uint64_t *)addr = value; break;
    }
}

static void version(void)
{
    serial_puts("\nSerialICE v" SHELL_VERSION " (" __DATE__ ")\n");
}

int main(void)
{
    serial_init();
    version();
    for (;;) {
        serial_puts("\n> ");
        if (serial_getc() != '*') continue;
        uint8_t a = serial_getc();
        uint8_t b = serial_getc();
        if (a == 'r' && b == 'm') {
            read_memory();
        } else if (a == 'w' && b == 'm') {
            write_memory();
        } else if (a == 'm' && b == 'b') {
            serial_putc('\r');
            serial_putc('\n');
            for (int i = 0; i < 32; i++)
                serial_putc((uint8_t)board_name[i]);
        } else if (a == 'v' && b == 'i') {
            version();
        } else {
            serial_puts("ERROR\n");
        }
    }
}
