/*
 * machine.h: one emulated machine: its bus, clock, CPUs, devices, serial ports and the
 * state of a run. Several machines can live in one process; nothing here is global.
 */
#ifndef BB_MACHINE_H
#define BB_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"
#include "core/chardev.h"
#include "core/clock.h"
#include "core/device.h"
#include "core/log.h"

typedef struct bb_cpu bb_cpu;

#define BB_MAX_CPUS    4
#define BB_MAX_SERIALS 4

typedef enum bb_jit_kind { BB_JIT_NATIVE, BB_JIT_INTERP } bb_jit_kind;
typedef enum bb_semihosting_mode {
    BB_SEMIHOSTING_OFF,
    BB_SEMIHOSTING_CONSOLE, /* console, exit, clock: the default */
    BB_SEMIHOSTING_FULL,    /* also host file access */
} bb_semihosting_mode;

typedef struct bb_machine_options {
    const char *board; /* built-in name or path to a .dts/.dtb */
    bb_jit_kind jit;
    uint32_t ns_per_insn; /* 0: default (1 ns) */
    uint64_t memory_size; /* 0: as the board says */
    bb_semihosting_mode semihosting;
    unsigned log_mask;
    const char *serial[BB_MAX_SERIALS]; /* chardev specs; NULL: default */
    /* Changes the board's device tree (a malloc'd blob it may replace) before the machine
     * is built: --smp, --sd, --drive (core/boot_options.h). NULL: none. */
    bool (*edit_fdt)(void **fdt, void *opaque, char *err, size_t errlen);
    void *edit_opaque;
} bb_machine_options;

typedef enum bb_stop_reason {
    BB_STOP_NONE,
    BB_STOP_EXIT,      /* guest exited through semihosting: exit_code */
    BB_STOP_MAX_INSNS, /* the instruction limit was reached */
    BB_STOP_HALTED,    /* every CPU waits for an interrupt that no timer will bring */
    BB_STOP_REQUEST,   /* bb_machine_request_stop (signal, debugger, script) */
    BB_STOP_BREAK,     /* a hook stopped the machine (breakpoint, watchpoint, script) */
} bb_stop_reason;

struct bb_machine {
    bb_log log;
    bb_bus *bus;
    bb_clock *clock;
    bb_cpu *cpus[BB_MAX_CPUS];
    int n_cpus;
    const struct bb_cpu_model *cpu_model; /* the model of the board's CPUs */
    struct bb_jit *jit;                   /* translation cache shared by the CPUs */
    struct bb_instrument *instrument;     /* hooks and clients (jit/instrument.h), or NULL */
    bb_device *devices;
    bb_device *root_irq_controller; /* drives the CPU's IRQ/FIQ lines, or NULL */
    bb_chardev *serial[BB_MAX_SERIALS];
    int console_serial; /* index named by /chosen/stdout-path */
    bb_semihosting_mode semihosting;
    struct bb_semihosting_state *semihosting_state; /* open host files */
    bb_jit_kind jit_kind;
    char board_name[64];
    void *fdt;                   /* the board's device tree (owned) */
    uint64_t ram_base, ram_size; /* the first memory node */
    uint64_t image_end;          /* end of the loaded image (semihosting heap) */
    struct bb_routes *routes;    /* bridge: routed ranges (bridge/route.h) */
    /* run state */
    bb_cpu *running; /* the CPU executing now, or NULL */
    bb_stop_reason stop_reason;
    int exit_code;
    volatile int stop_requested;
    uint64_t max_insns;
};

/* Builds a machine from the options. On bad input returns NULL with a message naming it. */
bb_machine *bb_machine_new(const bb_machine_options *opts, char *err, size_t errlen);
void bb_machine_free(bb_machine *m);
void bb_machine_reset(bb_machine *m);

/* Loads an ELF image (segments into memory, entry point into CPU 0). */
bool bb_machine_load_elf(bb_machine *m, const char *path, char *err, size_t errlen);
/* Loads a raw binary at addr and sets CPU 0's PC there. */
bool bb_machine_load_raw(bb_machine *m, const char *path, uint64_t addr, char *err, size_t errlen);

/* Runs until the guest exits, the instruction limit (0: none) is reached, or a stop is
 * requested. Returns why it stopped. */
bb_stop_reason bb_machine_run(bb_machine *m, uint64_t max_insns);
/* Asks the running machine to stop at the next block boundary (signal-safe). */
void bb_machine_request_stop(bb_machine *m);
/* Called by semihosting: ends the run with an exit code. */
void bb_machine_exit(bb_machine *m, int code);

/* The device named `name` (its node name, e.g. "intc@10140000", or the name up to '@',
 * e.g. "intc"), or NULL. */
bb_device *bb_machine_find_device(bb_machine *m, const char *name);
/* Input `input` of the interrupt controller named `controller` (NULL: the controller the
 * CPU's IRQ line comes from, the board's root controller). Lines from outside the board
 * (SystemC signals, Lua models) are wired with this. Returns false if there is none. */
bool bb_machine_irq_input(bb_machine *m, const char *controller, int input, bb_irq *out);

/* Total instructions retired by all CPUs. */
uint64_t bb_machine_icount(bb_machine *m);
/* The serial port N (NULL if none). */
bb_chardev *bb_machine_serial(bb_machine *m, int index);
/* Flushes outputs (serials, traces) on every exit path. */
void bb_machine_flush(bb_machine *m);

#endif
