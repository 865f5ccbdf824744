/* wire.c: formatting SerialICE shell commands and describing their replies (see wire.h). */
#include "bridge/serial-ice/wire.h"

#include <stdio.h>
#include <string.h>

char si_width_letter(unsigned size)
{
    switch (size) {
    case 1: return 'b';
    case 2: return 'w';
    case 4: return 'l';
    case 8: return 'q';
    default: return 0;
    }
}

static void set_text(si_command *cmd, const char *text)
{
    memset(cmd, 0, sizeof(*cmd));
    snprintf(cmd->text, sizeof(cmd->text), "%s", text);
    cmd->len = strlen(cmd->text);
}

static void reply_add(si_command *cmd, uint8_t byte, size_t count)
{
    for (size_t i = 0; i < count && cmd->reply_len < sizeof(cmd->reply); i++)
        cmd->reply[cmd->reply_len++] = byte;
}

/* A reply of `groups` groups of `digits` hex digits separated by dots, after a line end. */
static void reply_hex(si_command *cmd, int groups, size_t digits)
{
    reply_add(cmd, '\n', 1);
    for (int g = 0; g < groups; g++) {
        if (g) reply_add(cmd, '.', 1);
        reply_add(cmd, SI_PAT_HEX, digits);
    }
}

/* Fixed-width lowercase hex of value, `digits` long, into buf. */
static void put_hex(char *buf, uint64_t value, unsigned digits)
{
    for (unsigned i = 0; i < digits; i++)
        buf[i] = "0123456789abcdef"[(value >> (4 * (digits - 1 - i))) & 15];
    buf[digits] = 0;
}

bool si_cmd_read_mem(si_command *cmd, uint32_t addr, unsigned size)
{
    char letter = si_width_letter(size);
    if (!letter) return false;
    char text[32], a[9];
    put_hex(a, addr, 8);
    snprintf(text, sizeof(text), "*rm%s.%c", a, letter);
    set_text(cmd, text);
    reply_hex(cmd, 1, 2 * size);
    return true;
}

bool si_cmd_write_mem(si_command *cmd, uint32_t addr, unsigned size, uint64_t value)
{
    char letter = si_width_letter(size);
    if (!letter) return false;
    char text[48], a[9], v[17];
    put_hex(a, addr, 8);
    put_hex(v, value, 2 * size);
    snprintf(text, sizeof(text), "*wm%s.%c=%s", a, letter, v);
    set_text(cmd, text);
    cmd->is_write = true;
    return true;
}

bool si_cmd_read_io(si_command *cmd, uint16_t port, unsigned size)
{
    char letter = si_width_letter(size);
    if (!letter || size > 4) return false;
    char text[32], p[5];
    put_hex(p, port, 4);
    snprintf(text, sizeof(text), "*ri%s.%c", p, letter);
    set_text(cmd, text);
    reply_hex(cmd, 1, 2 * size);
    return true;
}

bool si_cmd_write_io(si_command *cmd, uint16_t port, unsigned size, uint32_t value)
{
    char letter = si_width_letter(size);
    if (!letter || size > 4) return false;
    char text[32], p[5], v[9];
    put_hex(p, port, 4);
    put_hex(v, value, 2 * size);
    snprintf(text, sizeof(text), "*wi%s.%c=%s", p, letter, v);
    set_text(cmd, text);
    cmd->is_write = true;
    return true;
}

void si_cmd_read_msr(si_command *cmd, uint32_t msr, uint32_t key)
{
    char text[32], a[9], k[9];
    put_hex(a, msr, 8);
    put_hex(k, key, 8);
    snprintf(text, sizeof(text), "*rc%s.%s", a, k);
    set_text(cmd, text);
    reply_hex(cmd, 2, 8);
}

void si_cmd_write_msr(si_command *cmd, uint32_t msr, uint32_t key, uint32_t hi, uint32_t lo)
{
    char text[48], a[9], k[9], h[9], l[9];
    put_hex(a, msr, 8);
    put_hex(k, key, 8);
    put_hex(h, hi, 8);
    put_hex(l, lo, 8);
    snprintf(text, sizeof(text), "*wc%s.%s=%s.%s", a, k, h, l);
    set_text(cmd, text);
    cmd->is_write = true;
}

void si_cmd_cpuid(si_command *cmd, uint32_t eax, uint32_t ecx)
{
    char text[32], a[9], c[9];
    put_hex(a, eax, 8);
    put_hex(c, ecx, 8);
    snprintf(text, sizeof(text), "*ci%s.%s", a, c);
    set_text(cmd, text);
    reply_hex(cmd, 4, 8);
}

void si_cmd_mainboard(si_command *cmd)
{
    set_text(cmd, "*mb");
    reply_add(cmd, '\n', 1);
    reply_add(cmd, SI_PAT_TEXT, SI_BOARDNAME_LEN);
}

void si_cmd_version(si_command *cmd)
{
    set_text(cmd, "*vi");
    reply_add(cmd, '\n', 1);
    reply_add(cmd, SI_PAT_LINE, 1);
}
