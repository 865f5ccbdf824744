/*
 * link.h: the byte stream to a SerialICE board: a serial port (libserialport: any port it
 * knows, with baud rate and framing), a terminal device it does not know (a pty, set up
 * with termios), or a TCP connection (ser2net and the like). After opening, every link is
 * a non-blocking file descriptor that the client polls.
 *
 * Targets: "tcp:HOST:PORT", "pty:PATH" (a pseudo-terminal or other tty, termios only),
 * "ftdi:VID:PID[:SERIAL|:#INDEX]" (an FTDI adapter through libftdi, link_ftdi.h), or a
 * device path ("/dev/ttyUSB0", "COM3"): libserialport, falling back to termios for
 * terminals libserialport does not list (ptys).
 */
#ifndef BB_SI_LINK_H
#define BB_SI_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct si_link si_link;

typedef struct si_link_config {
    int baud;       /* default 115200 */
    int data_bits;  /* 5-8, default 8 */
    char parity;    /* 'n', 'e', 'o' (default 'n') */
    int stop_bits;  /* 1 or 2 */
    char flow;      /* 'n' none, 'h' RTS/CTS, 's' XON/XOFF */
    int connect_ms; /* TCP connect timeout, default 3000 */
    int latency_ms; /* FTDI adapters: latency timer, 1-255, default 1 */
} si_link_config;

/* The defaults: 115200 8N1, no flow control, 3 s to connect, 1 ms FTDI latency. */
void si_link_config_default(si_link_config *cfg);

/* Opens a link. On failure returns NULL with a message naming the target. */
si_link *si_link_open(const char *target, const si_link_config *cfg, char *err, size_t errlen);
void si_link_close(si_link *link);

/* The descriptor, for callers that poll it themselves. */
int si_link_fd(const si_link *link);
/* Waits up to timeout_ns (-1: no limit) for `events` (POLLIN, POLLOUT) on the link; returns
 * the poll events that happened (0 on timeout or a signal, -1 when polling failed;
 * POLLERR at once for a link that is closed). */
int si_link_wait(si_link *link, short events, int64_t timeout_ns);
/* Non-blocking transfers: the number of bytes moved (0 when none could be), -1 when the
 * link is broken (closed by the far side, device gone). */
ssize_t si_link_write(si_link *link, const void *buf, size_t len);
ssize_t si_link_read(si_link *link, void *buf, size_t len);
/* Closes and opens the link again (a board that was unplugged, a server that restarted).
 * On failure the link stays closed (transfers fail) and err says why. */
bool si_link_reopen(si_link *link, char *err, size_t errlen);
/* Discards what is buffered in either direction (serial ports and ptys). */
void si_link_discard(si_link *link);
/* The target the link was opened with. */
const char *si_link_name(const si_link *link);

#endif
