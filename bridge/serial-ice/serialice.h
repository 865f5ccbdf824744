/*
 * serialice.h: the "serialice" route transport: guest accesses become memory commands of
 * the SerialICE shell on a real board (client.h), over a serial port, a pty or TCP.
 *
 *     BASE+SIZE=serialice:TARGET[?OPTIONS]
 *     TARGET: /dev/ttyUSB0 (libserialport), pty:/dev/pts/3, tcp:HOST:PORT
 *     OPTIONS (besides the common route options): baud=N (115200), bits=5-8 (8),
 *     parity=none|even|odd, stopbits=1|2, flow=none|rtscts|xonxoff, timeout=MS (1000),
 *     retries=N (2), window=BYTES (16), reprobe=MS (2000), lockstep, pace=BAUD (a link
 *     with no serial line of its own, TCP or a pty to an emulated board, carries bytes
 *     as a serial line of that speed would: for measurements)
 *
 * Routes of one machine that name the same TARGET share one connection (the first
 * route's link options apply). SerialICE addresses are 32 bits wide.
 */
#ifndef BB_SI_SERIALICE_H
#define BB_SI_SERIALICE_H

#include "bridge/route.h"

extern const bb_transport_ops bb_transport_serialice;

#endif
