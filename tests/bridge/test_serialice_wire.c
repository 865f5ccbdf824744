/*
 * test_serialice_wire: the SerialICE wire format, byte for byte, against the examples of
 * the shell's documentation (SerialICE README.SHELL): the command text the client builds,
 * and a whole exchange with a scripted shell on a pty that answers exactly as documented
 * ("\r\n" + digits, prompt "\r\n> ", every byte echoed). The scripted shell reads each
 * command completely before echoing any of it, so a client that waited for each echo (as
 * the original host does) would fail here: the client must send whole commands.
 */

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "bridge/serial-ice/client.h"
#include "bridge/serial-ice/wire.h"

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void check_text(const si_command *cmd, const char *want)
{
    if (cmd->len != strlen(want) || memcmp(cmd->text, want, cmd->len) != 0) {
        fprintf(stderr, "command '%.*s', expected '%s'\n", (int)cmd->len, cmd->text, want);
        failures++;
    }
}

/* The reply pattern as text: H for a hex digit, T for text, L for a line. */
static void check_reply(const si_command *cmd, const char *want)
{
    char got[SI_REPLY_MAX + 1];
    size_t n = 0;
    for (size_t i = 0; i < cmd->reply_len; i++) {
        uint8_t b = cmd->reply[i];
        got[n++] = b == SI_PAT_HEX    ? 'H'
                   : b == SI_PAT_TEXT ? 'T'
                   : b == SI_PAT_LINE ? 'L'
                                      : (char)b;
    }
    got[n] = 0;
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "reply of '%s': pattern '%s', expected '%s'\n", cmd->text, got, want);
        failures++;
    }
}

static void test_formats(void)
{
    si_command c;
    /* README.SHELL, "COMMANDS OF THE SERIALICE SHELL", examples 1-9. */
    CHECK(si_cmd_read_mem(&c, 0x00000000, 2));
    check_text(&c, "*rm00000000.w");
    check_reply(&c, "\nHHHH");
    CHECK(!c.is_write);
    CHECK(si_cmd_write_mem(&c, 0x00000000, 2, 0x0000));
    check_text(&c, "*wm00000000.w=0000");
    check_reply(&c, "");
    CHECK(c.is_write);
    CHECK(si_cmd_read_io(&c, 0x0080, 1));
    check_text(&c, "*ri0080.b");
    check_reply(&c, "\nHH");
    CHECK(si_cmd_write_io(&c, 0x0080, 1, 0x23));
    check_text(&c, "*wi0080.b=23");
    si_cmd_read_msr(&c, 0x000000cd, 0x9c5a203a);
    check_text(&c, "*rc000000cd.9c5a203a");
    check_reply(&c, "\nHHHHHHHH.HHHHHHHH");
    si_cmd_write_msr(&c, 0, 0x9c5a203a, 0, 0);
    check_text(&c, "*wc00000000.9c5a203a=00000000.00000000");
    si_cmd_cpuid(&c, 1, 0);
    check_text(&c, "*ci00000001.00000000");
    check_reply(&c, "\nHHHHHHHH.HHHHHHHH.HHHHHHHH.HHHHHHHH");
    si_cmd_mainboard(&c);
    check_text(&c, "*mb");
    check_reply(&c, "\nTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT");
    si_cmd_version(&c);
    check_text(&c, "*vi");
    check_reply(&c, "\nL");
    /* Every width; fixed-width lowercase hex. */
    CHECK(si_cmd_read_mem(&c, 0xABCDEF12u, 1));
    check_text(&c, "*rmabcdef12.b");
    CHECK(si_cmd_read_mem(&c, 0x30000104u, 4));
    check_text(&c, "*rm30000104.l");
    check_reply(&c, "\nHHHHHHHH");
    CHECK(si_cmd_read_mem(&c, 0x30000008u, 8));
    check_text(&c, "*rm30000008.q");
    check_reply(&c, "\nHHHHHHHHHHHHHHHH");
    CHECK(si_cmd_write_mem(&c, 0x30000008u, 8, 0x0102030405060708ull));
    check_text(&c, "*wm30000008.q=0102030405060708");
    CHECK(si_cmd_write_mem(&c, 0x101f2000u, 1, 0x5a));
    check_text(&c, "*wm101f2000.b=5a");
    CHECK(si_cmd_write_mem(&c, 0x101f2000u, 4, 0xDEADBEEFu));
    check_text(&c, "*wm101f2000.l=deadbeef");
    CHECK(si_cmd_write_io(&c, 0x03f8, 2, 0xBEEF));
    check_text(&c, "*wi03f8.w=beef");
    /* Sizes the protocol does not have. */
    CHECK(!si_cmd_read_mem(&c, 0, 3));
    CHECK(!si_cmd_write_mem(&c, 0, 16, 0));
    CHECK(!si_cmd_read_io(&c, 0, 8));
}

/* The scripted shell: for each step, the exact bytes expected from the host, then what
 * the shell sends back (the echo of those bytes, the reply, the prompt). */
typedef struct step {
    const char *command, *reply;
} step;

static const step script[] = {
    {"@", "\r\n> "}, /* the handshake's prompt request */
    {"*vi", "\r\nSerialICE v1.5 (Nov 26 2009)\r\n\r\n> "},
    {"*rm00000000.w", "\r\n0000\r\n> "},
    {"*wm00000000.w=0000", "\r\n> "},
    {"*ri0080.b", "\r\n23\r\n> "},
    {"*wi0080.b=23", "\r\n> "},
    {"*rc000000cd.9c5a203a", "\r\n00000000.00000933\r\n> "},
    {"*wc00000000.9c5a203a=00000000.00000000", "\r\n> "},
    {"*ci00000001.00000000", "\r\n000006f2.00020800.0000e3bd.bfebfbff\r\n> "},
    {"*mb", "\r\nKontron 986LCD-M                \r\n> "},
    {"*rm30000008.q", "\r\n0123456789abcdef\r\n> "},
    {"*wm30000008.q=fedcba9876543210", "\r\n> "},
    {"*rm30000104.l", "\r\n51CE0001\r\n> "}, /* upper case digits are hex too */
};

static int read_exact(int fd, char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 5000) <= 0) return -1;
        ssize_t n = read(fd, buf + got, len - got);
        if (n <= 0) return -1;
        got += (size_t)n;
    }
    return 0;
}

static int scripted_shell(int fd)
{
    for (size_t i = 0; i < sizeof(script) / sizeof(script[0]); i++) {
        const char *want = script[i].command;
        char got[64] = {0};
        if (read_exact(fd, got, strlen(want)) != 0) {
            fprintf(stderr, "shell: step %zu: did not receive '%s' (got '%s')\n", i, want, got);
            return 1;
        }
        if (strcmp(got, want) != 0) {
            fprintf(stderr, "shell: step %zu: received '%s', expected '%s'\n", i, got, want);
            return 1;
        }
        if (write(fd, want, strlen(want)) < 0 ||
            write(fd, script[i].reply, strlen(script[i].reply)) < 0)
            return 1;
    }
    /* Nothing more may come. */
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 300) > 0) {
        char extra[64] = {0};
        ssize_t n = read(fd, extra, sizeof(extra) - 1);
        if (n > 0) {
            fprintf(stderr, "shell: unexpected bytes after the script: '%s'\n", extra);
            return 1;
        }
    }
    return 0;
}

static void test_exchange(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
    char path[128];
    snprintf(path, sizeof(path), "pty:%s", ptsname(master));
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY); /* raw before the client opens */
    struct termios t;
    tcgetattr(slave, &t);
    cfmakeraw(&t);
    tcsetattr(slave, TCSANOW, &t);
    pid_t pid = fork();
    if (pid == 0) {
        close(slave);
        _exit(scripted_shell(master));
    }
    close(master);
    si_link_config cfg;
    si_link_config_default(&cfg);
    char err[256];
    si_link *link = si_link_open(path, &cfg, err, sizeof(err));
    CHECK(link != NULL);
    if (!link) return;
    si_client_options opts;
    si_client_options_default(&opts);
    opts.timeout_ms = 2000;
    opts.retries = 0;
    opts.window = 64; /* the scripted shell echoes only after a whole command */
    si_client *c = si_client_new(link, &opts);
    CHECK(si_client_handshake(c) == SI_OK);
    CHECK(strcmp(si_client_version(c), "SerialICE v1.5 (Nov 26 2009)") == 0);
    uint64_t v = 1;
    CHECK(si_read_mem(c, 0, 2, &v) == SI_OK && v == 0);
    CHECK(si_write_mem(c, 0, 2, 0, false) == SI_OK);
    uint32_t io = 0, hi = 1, lo = 0, regs[4] = {0};
    CHECK(si_read_io(c, 0x80, 1, &io) == SI_OK && io == 0x23);
    CHECK(si_write_io(c, 0x80, 1, 0x23) == SI_OK);
    CHECK(si_read_msr(c, 0xcd, 0x9c5a203a, &hi, &lo) == SI_OK && hi == 0 && lo == 0x933);
    CHECK(si_write_msr(c, 0, 0x9c5a203a, 0, 0) == SI_OK);
    CHECK(si_cpuid(c, 1, 0, regs) == SI_OK);
    CHECK(regs[0] == 0x6f2 && regs[1] == 0x20800 && regs[2] == 0xe3bd && regs[3] == 0xbfebfbff);
    char name[64];
    CHECK(si_mainboard(c, name, sizeof(name)) == SI_OK && strcmp(name, "Kontron 986LCD-M") == 0);
    CHECK(si_read_mem(c, 0x30000008u, 8, &v) == SI_OK && v == 0x0123456789abcdefull);
    CHECK(si_write_mem(c, 0x30000008u, 8, 0xfedcba9876543210ull, true) == SI_OK);
    CHECK(si_read_mem(c, 0x30000104u, 4, &v) == SI_OK && v == 0x51ce0001u);
    CHECK(si_flush(c) == SI_OK);
    const si_stats *st = si_client_stats(c);
    CHECK(st->resyncs == 1 && st->garbled == 0 && st->timeouts == 0 && st->retries == 0);
    if (failures) fprintf(stderr, "client error: %s\n", si_client_error(c));
    si_client_free(c);
    close(slave);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    test_formats();
    test_exchange();
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
