/*
 * arch.h: what the stub needs to know about a guest architecture: its target description
 * (features and registers, numbered as gdb numbers them), register access in gdb's
 * byte order, the breakpoint kinds of Z0/Z1 and the registers a stop reply carries.
 *
 * One file per architecture (arch_arm.c; MicroBlaze and i386 add theirs) defines a
 * bb_gdb_arch and is listed in arch.c. The rest of the stub is architecture-neutral.
 */
#ifndef BB_GDB_ARCH_H
#define BB_GDB_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/cpu.h"

/* One register, in the target-description feature that holds it. A register with no
 * name (bits 0) stands for a feature that has no registers of its own (arm.neon). */
typedef struct bb_gdb_reg {
    const char *feature; /* e.g. "org.gnu.gdb.arm.core" */
    const char *name;    /* as gdb names it: "r0", "cpsr", "d0" */
    unsigned bits;       /* 32 or 64 */
    unsigned regnum;     /* gdb's number (p/P packets; g packets are in regnum order) */
    const char *type;    /* target-description type, NULL for "int" */
    const char *group;   /* "general", "float", "system", ..., or NULL (gdb decides) */
} bb_gdb_reg;

enum { BB_GDB_MAX_REGS = 160 };

typedef struct bb_gdb_arch {
    const char *guest;        /* the bb_guest_ops name it serves ("arm") */
    const char *architecture; /* <architecture> of the target description ("arm") */
    /* The registers of this CPU, feature by feature (fills out[], returns the count). */
    int (*registers)(bb_cpu *cpu, bb_gdb_reg *out, int max);
    /* Register `regnum` in the target's byte order (little-endian here): false if the CPU
     * has no such register. */
    bool (*reg_read)(bb_cpu *cpu, unsigned regnum, uint8_t *buf);
    bool (*reg_write)(bb_cpu *cpu, unsigned regnum, const uint8_t *buf);
    /* Whether `kind` is a valid Z0/Z1 breakpoint kind (ARM: 2 Thumb, 3 Thumb-2, 4 ARM). */
    bool (*breakpoint_kind_ok)(unsigned kind);
    /* Before the guest runs again after gdb wrote registers (ARM: align the PC to the
     * instruction set the CPSR selects). May be NULL. */
    void (*prepare_resume)(bb_cpu *cpu);
    /* Registers sent in every stop reply (saves gdb a round trip), -1 terminated. */
    const int *expedite;
} bb_gdb_arch;

/* The description of the architecture of `cpu`, or NULL when gdb cannot debug it. */
const bb_gdb_arch *bb_gdb_arch_find(const bb_cpu *cpu);

extern const bb_gdb_arch bb_gdb_arch_arm;

#endif
