/*
 * semihosting.h: the ARM semihosting interface (operation in r0, parameter block in r1).
 * Console calls, exit (SYS_EXIT and SYS_EXIT_EXTENDED with the exit code), clock and
 * time are always on; host file calls need --semihosting=full. Guest memory is read and
 * written through the callbacks so that the guest MMU applies.
 */
#ifndef BB_SEMIHOSTING_H
#define BB_SEMIHOSTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bb_machine bb_machine;

typedef struct bb_semihosting_guest {
    void *opaque;
    /* Copy to/from guest virtual memory; return false on a fault. */
    bool (*read)(void *opaque, uint32_t vaddr, void *buf, size_t len);
    bool (*write)(void *opaque, uint32_t vaddr, const void *buf, size_t len);
} bb_semihosting_guest;

/* Performs the call; returns the value for r0. Exits go through bb_machine_exit. */
uint32_t bb_semihosting_call(bb_machine *m, const bb_semihosting_guest *guest, uint32_t op,
                             uint32_t param);

/* Per-machine state (open host files); created on first use, freed with the machine. */
void bb_semihosting_free(bb_machine *m);

#endif
