/*
 * boot_options.h: the `run` options that choose how a board is populated and booted:
 * the Linux boot (--kernel, --dtb, --initrd, --append), the CPU count (--smp) and the
 * media and backends of board devices (--sd, --drive, --virtio-console, --net).
 *
 * Device options become properties of the board's device tree before the machine is
 * built (bb_boot_options_edit_board, given to bb_machine_new as its edit_fdt hook), so a
 * board .dts can say the same things: `brassboard,sd-image` on the MMCI node,
 * `brassboard,virtio` with `brassboard,image` or `brassboard,chardev` on a virtio-mmio
 * node, `brassboard,net` on the Ethernet node; --smp N keeps or clones /cpus/cpu@0.
 */
#ifndef BB_BOOT_OPTIONS_H
#define BB_BOOT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/linux_boot.h"

typedef struct bb_machine bb_machine;

#define BB_BOOT_MAX_DRIVES 4

typedef struct bb_boot_options {
    bb_linux_boot linux_boot; /* linux_boot.kernel NULL: no Linux boot */
    int smp;                  /* 0: as the board says */
    const char *sd;
    const char *drives[BB_BOOT_MAX_DRIVES];
    int n_drives;
    const char *virtio_console;
    const char *net;
} bb_boot_options;

/* Parses one command-line option. Returns how many arguments it used (2 for an option
 * with its value), 0 when `arg` is not one of these options, -1 on a bad value (err says
 * why). `val` is the argument after `arg`, or NULL. */
int bb_boot_options_parse(bb_boot_options *o, const char *arg, const char *val, char *err,
                          size_t errlen);
/* Checks the combination with the image argument (e.g. --dtb needs --kernel). */
bool bb_boot_options_check(const bb_boot_options *o, const char *image, char *err, size_t errlen);
/* The edit_fdt hook of bb_machine_options: opaque is the bb_boot_options. */
bool bb_boot_options_edit_board(void **fdt, void *opaque, char *err, size_t errlen);
/* Boots Linux when --kernel was given (true and nothing done otherwise). */
bool bb_boot_options_load(bb_machine *m, const bb_boot_options *o, char *err, size_t errlen);
/* Help lines for `run --help`. */
void bb_boot_options_usage(FILE *out);

#endif
