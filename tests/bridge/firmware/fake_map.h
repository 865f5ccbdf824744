/*
 * fake_map.h: the registers of the fake SerialICE target (tests/bridge/fake_target.c) as
 * the test firmware sees them through a route. FAKE_BASE is where the tests put it.
 */
#ifndef BRIDGE_FAKE_MAP_H
#define BRIDGE_FAKE_MAP_H

#include <stdint.h>

#define FAKE_BASE 0x30000000u

#define R8(a)  (*(volatile uint8_t *)(a))
#define R16(a) (*(volatile uint16_t *)(a))
#define R32(a) (*(volatile uint32_t *)(a))

#define FAKE_REGFILE(base) ((base) + 0x000u) /* 256 bytes, any width */
#define FAKE_COUNTER(base) ((base) + 0x100u) /* each read returns one more */
#define FAKE_ID(base)      ((base) + 0x104u) /* 0x51ce0001 */
#define FAKE_WRITES(base)  ((base) + 0x108u) /* memory writes the target has done */
#define FAKE_DOUBLE(base)  ((base) + 0x10cu) /* reads twice the last value written */
#define FAKE_READS(base)   ((base) + 0x110u) /* memory reads before this one */

#endif
