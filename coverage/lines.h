/*
 * lines.h: the DWARF line table of an image, read with libdw: which source file and line
 * each code address comes from.
 */
#ifndef BB_COVERAGE_LINES_H
#define BB_COVERAGE_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/image.h"

typedef struct bb_line_range {
    uint32_t start, end; /* [start, end) */
    int file;
    unsigned line;
} bb_line_range;

typedef struct bb_line_table {
    char **files; /* paths, absolute when the compilation directory is known */
    int n_files;
    bb_line_range *ranges; /* sorted by start, not overlapping */
    int n_ranges;
} bb_line_table;

/* Reads the table of an ELF image. An image without debugging information gives an empty
 * table. NULL with a message naming the file when it cannot be read.
 * Line sequences of functions that the linker discarded (--gc-sections) stay in the table
 * at address 0; a sequence of a C unit is kept only where the image has a symbol of the
 * unit's function that starts it. */
bb_line_table *bb_line_table_load(const bb_image *img, char *err, size_t errlen);
void bb_line_table_free(bb_line_table *t);
/* The file and line of addr; false when the table has none. */
bool bb_line_table_lookup(const bb_line_table *t, uint32_t addr, int *file, unsigned *line);

#endif
