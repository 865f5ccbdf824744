/*
 * dialogue: a command line on UART0, driven by a test through input injection. It prints
 * a prompt, reads a line (echoing it), and answers:
 *   add A B   -> "= A+B"        name -> "brassboard"
 *   count     -> how many commands so far      quit -> "bye", exit code 0
 *   anything else -> "? <line>"
 */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "common/uart.h"

#define LINE_MAX 64

static uint32_t commands;

static void read_line(char *line)
{
    int n = 0;
    for (;;) {
        char c = uart_getc();
        if (c == '\r' || c == '\n') break;
        if (n < LINE_MAX - 1) line[n++] = c;
        uart_putc(c);
    }
    line[n] = 0;
    uart_puts("\r\n");
}

static uint32_t parse_number(const char **p)
{
    uint32_t v = 0;
    while (**p == ' ')
        (*p)++;
    while (**p >= '0' && **p <= '9')
        v = v * 10 + (uint32_t)(*(*p)++ - '0');
    return v;
}

int main(void)
{
    char line[LINE_MAX];
    uart_puts("dialogue ready\r\n");
    for (;;) {
        uart_puts("> ");
        read_line(line);
        commands++;
        if (strncmp(line, "add ", 4) == 0) {
            const char *p = line + 4;
            uint32_t a = parse_number(&p), b = parse_number(&p);
            uart_puts("= ");
            uart_put_dec(a + b);
            uart_puts("\r\n");
        } else if (strcmp(line, "name") == 0) {
            uart_puts("brassboard\r\n");
        } else if (strcmp(line, "count") == 0) {
            uart_put_dec(commands);
            uart_puts("\r\n");
        } else if (strcmp(line, "quit") == 0) {
            uart_puts("bye\r\n");
            return 0;
        } else {
            uart_puts("? ");
            uart_puts(line);
            uart_puts("\r\n");
        }
    }
}
