/*
 * wire.h: the wire format of the SerialICE target shell: the text of every command and the
 * shape of the reply it gets. Pure functions, no I/O (bridge/serial-ice/client.c does the
 * talking); docs/bridge.md lists the formats with their sources.
 *
 * A command is '*', two letters and fixed-width lowercase hex fields. The shell echoes
 * every byte it receives, then sends the reply (a line end and hex digits, for commands
 * that return something) and its prompt "\r\n> ". Replies are described with '\r'
 * removed (the original host ignores CR on input): "\n" + digits, then "\n> ".
 */
#ifndef BB_SI_WIRE_H
#define BB_SI_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SI_PROMPT        "\n> " /* the prompt, '\r' removed */
#define SI_PROMPT_LEN    3
#define SI_COMMAND_MAX   48
#define SI_REPLY_MAX     48
#define SI_BOARDNAME_LEN 32 /* *mb answers 32 characters, padded with spaces */

/* Reply pattern bytes: ASCII literals, or these markers (never sent by the shell as such). */
enum {
    SI_PAT_HEX = 0x80,  /* one hex digit, captured into the current value */
    SI_PAT_TEXT = 0x81, /* any byte but a line end, captured as text */
    SI_PAT_LINE = 0x82, /* any bytes up to and including a line end, captured as text */
};

typedef struct si_command {
    char text[SI_COMMAND_MAX]; /* what is sent (and echoed back) */
    size_t len;
    uint8_t reply[SI_REPLY_MAX]; /* what comes after the echo, before the prompt */
    size_t reply_len;
    bool is_write; /* changes target state and has no reply */
} si_command;

/* Memory: size 1, 2, 4 or 8 (.b .w .l .q); 32-bit addresses. False for a bad size. */
bool si_cmd_read_mem(si_command *cmd, uint32_t addr, unsigned size);
bool si_cmd_write_mem(si_command *cmd, uint32_t addr, unsigned size, uint64_t value);
/* x86 I/O ports: size 1, 2 or 4. */
bool si_cmd_read_io(si_command *cmd, uint16_t port, unsigned size);
bool si_cmd_write_io(si_command *cmd, uint16_t port, unsigned size, uint32_t value);
/* x86 MSRs, with the key the shell passes in EDI (0x9c5a203a on AMD parts that need it). */
void si_cmd_read_msr(si_command *cmd, uint32_t msr, uint32_t key);
void si_cmd_write_msr(si_command *cmd, uint32_t msr, uint32_t key, uint32_t hi, uint32_t lo);
/* x86 CPUID with EAX and ECX in; the reply is EAX.EBX.ECX.EDX. */
void si_cmd_cpuid(si_command *cmd, uint32_t eax, uint32_t ecx);
/* The board name (32 characters) and the version line ("SerialICE v1.5 (Nov 26 2009)"). */
void si_cmd_mainboard(si_command *cmd);
void si_cmd_version(si_command *cmd);

/* The width letter of an access size (b, w, l, q), or 0. */
char si_width_letter(unsigned size);

#endif
