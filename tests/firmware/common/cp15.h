/*
 * cp15.h: the ARM926EJ-S system control coprocessor (CP15) and the wait-for-interrupt
 * operation, as functions in ARM code so that Thumb tests can call them too.
 */
#ifndef FW_CP15_H
#define FW_CP15_H

#include <stdint.h>

/* c1 control register bits. */
#define CP15_CONTROL_M (1u << 0)  /* MMU */
#define CP15_CONTROL_A (1u << 1)  /* alignment checks */
#define CP15_CONTROL_S (1u << 8)  /* system protection */
#define CP15_CONTROL_R (1u << 9)  /* ROM protection */
#define CP15_CONTROL_V (1u << 13) /* high vectors */

uint32_t cp15_main_id(void);
uint32_t cp15_control(void);
void cp15_set_control(uint32_t value);
uint32_t cp15_ttbr(void);
void cp15_set_ttbr(uint32_t value);
uint32_t cp15_dacr(void);
void cp15_set_dacr(uint32_t value);
uint32_t cp15_dfsr(void);
void cp15_set_dfsr(uint32_t value);
uint32_t cp15_ifsr(void);
void cp15_set_ifsr(uint32_t value);
uint32_t cp15_far(void);
void cp15_set_far(uint32_t value);
/* Invalidates the whole TLB, and the TLB entry of one virtual address. */
void cp15_invalidate_tlb(void);
void cp15_invalidate_tlb_entry(uint32_t vaddr);
/* Cleans and invalidates the data cache, invalidates the instruction cache. */
void cp15_flush_caches(void);
/* Waits for an interrupt (c7, c0, 4). */
void cp15_wait_for_interrupt(void);

#endif
