/*
 * symbols.h: the symbol tables of ELF images (read with libelf), so that scripts name
 * functions and variables instead of addresses.
 */
#ifndef BB_SYMBOLS_H
#define BB_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bb_symbols bb_symbols;

typedef struct bb_symbol {
    const char *name;
    uint64_t addr; /* Thumb functions: the address without bit 0 */
    uint64_t size;
    bool function;
    bool thumb;
} bb_symbol;

/* Adds the functions and objects of an ELF file to *syms (created on first use). Returns
 * false with a message naming the file when it cannot be read. */
bool bb_symbols_add_elf(bb_symbols **syms, const char *path, char *err, size_t errlen);
void bb_symbols_free(bb_symbols *syms);

/* The symbol called name (global symbols are preferred over local ones), or NULL. */
const bb_symbol *bb_symbols_find(const bb_symbols *syms, const char *name);
/* The function or object containing addr (or starting there), or NULL. */
const bb_symbol *bb_symbols_at(const bb_symbols *syms, uint64_t addr);

#endif
