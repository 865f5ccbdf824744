/*
 * link_ftdi.h: FTDI USB-serial adapters opened directly with libftdi1, for links whose
 * target is "ftdi:VID:PID[:SERIAL|:#INDEX]" (hex VID and PID, e.g. ftdi:0403:6001,
 * ftdi:0x0403:0x6015:A50285BI, ftdi:0403:6001:#1 for the second such adapter). The
 * adapter's latency timer is set low (si_link_config.latency_ms, default 1 ms instead of
 * the chip's 16), so a short reply is not held back in its buffer.
 *
 * libftdi has no descriptor to poll, so a pump thread moves bytes between the adapter and
 * one end of a socket pair; the link (link.c) uses the other end like a TCP connection.
 * When the adapter fails (unplugged), the pump closes its end: the link sees a broken
 * connection and reopens the adapter at the next probe.
 */
#ifndef BB_SI_LINK_FTDI_H
#define BB_SI_LINK_FTDI_H

#include <stddef.h>

#include "bridge/serial-ice/link.h"

typedef struct si_ftdi si_ftdi;

/* Opens the adapter named by `target` ("ftdi:..."), sets it up from cfg (baud, 7 or 8
 * data bits, parity, stop bits, flow control, latency timer) and starts the pump. The
 * host end of the socket pair goes to *fd (non-blocking). On failure returns NULL with a
 * message naming the target. */
si_ftdi *si_ftdi_open(const char *target, const si_link_config *cfg, int *fd, char *err,
                      size_t errlen);
/* Stops the pump, closes the adapter (the caller closes its descriptor). */
void si_ftdi_close(si_ftdi *ftdi);

#endif
