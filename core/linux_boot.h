/*
 * linux_boot.h: booting a Linux kernel on an ARM board, as a boot loader would
 * (Documentation/arch/arm/booting.rst): the kernel image (zImage, uImage or a raw Image),
 * the device tree (the --dtb file, or the board's own tree) with /chosen and the memory
 * node filled in, and the initial RAM disk go into RAM; CPU 0 enters the kernel in SVC
 * mode with the MMU off, r0 = 0, r1 = ~0 (no machine number: a device tree), r2 = the
 * tree's address. Secondary CPUs wait in a boot-monitor pen (see linux_boot.c) until
 * the kernel releases them through the Versatile Express flags register.
 */
#ifndef BB_LINUX_BOOT_H
#define BB_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct bb_machine bb_machine;

typedef struct bb_linux_boot {
    const char *kernel; /* required */
    const char *dtb;    /* NULL: the board's own device tree */
    const char *initrd; /* NULL: none */
    const char *append; /* kernel command line, NULL: keep the tree's bootargs */
} bb_linux_boot;

/* Loads everything and sets up the CPUs. On bad input returns false with a message naming
 * the input (file, size that does not fit, broken tree). */
bool bb_linux_boot_load(bb_machine *m, const bb_linux_boot *boot, char *err, size_t errlen);

#endif
