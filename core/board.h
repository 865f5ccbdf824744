/*
 * board.h: boards as device trees. Built-in boards are dtbs compiled from the .dts files
 * in boards/ and embedded at build time; a user board is a .dts (compiled with dtc) or a .dtb file.
 * The builder creates CPUs from /cpus, RAM from memory nodes, a device for every node whose
 * compatible matches a model, an "unimplemented" logged region for other nodes with reg,
 * and wires `interrupts` to the interrupt-parent's inputs.
 */
#ifndef BB_BOARD_H
#define BB_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bb_machine bb_machine;
typedef struct bb_cpu bb_cpu;

#include "core/irq.h"

/* A CPU model a board's /cpus node can name. */
typedef struct bb_cpu_model {
    const char *compatible; /* e.g. "arm,arm926ej-s" */
    bb_cpu *(*create)(bb_machine *m, int index);
    bb_irq (*irq_input)(bb_cpu *cpu, int input);    /* 0: IRQ, 1: FIQ */
    void (*set_entry)(bb_cpu *cpu, uint64_t entry); /* where a loaded image starts */
    unsigned elf_machine;                           /* e_machine of images for this CPU */
} bb_cpu_model;

typedef struct bb_builtin_board {
    const char *name;
    const unsigned char *dtb;
    unsigned size;
} bb_builtin_board;

extern const bb_builtin_board bb_builtin_boards[];

/* Returns a malloc'd copy of the board's dtb, from a built-in name or alias, a .dtb file,
 * or a .dts file (run through dtc). NULL with a message naming the input on failure. */
void *bb_board_load_fdt(const char *board, char *err, size_t errlen);
/* Human-readable model string of a built-in board (its /model property). */
const char *bb_board_model(const bb_builtin_board *board);
/* The CPU models boards can use. */
const bb_cpu_model *bb_cpu_model_find(const char *compatible);
/* Reads /chosen/stdout-path and /aliases: the serial index of the console (0 if none). */
int bb_board_console_index(const void *fdt);
/* Populates the machine from m->fdt. */
bool bb_board_build(bb_machine *m, char *err, size_t errlen);

#endif
