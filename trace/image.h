/*
 * image.h: what traces and coverage reports need to know about an ELF image (read with
 * libelf): its function symbols, the ARM mapping symbols that tell ARM code, Thumb code
 * and data apart, its code sections with their bytes, and an identity to check that two
 * coverage files belong to the same image.
 */
#ifndef BB_TRACE_IMAGE_H
#define BB_TRACE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bb_image_symbol {
    char *name;
    uint32_t addr; /* without the Thumb bit */
    uint32_t size;
    bool func;
} bb_image_symbol;

/* A run of one kind of content inside a code section, from the mapping symbols. */
typedef enum bb_image_isa { BB_ISA_ARM, BB_ISA_THUMB, BB_ISA_DATA } bb_image_isa;

typedef struct bb_image_section {
    char *name;
    uint32_t addr, size;
    uint8_t *bytes; /* the section's contents */
} bb_image_section;

typedef struct bb_image {
    char *path;
    unsigned machine; /* e_machine */
    uint32_t entry;
    bb_image_symbol *symbols; /* sorted by address */
    int n_symbols;
    struct bb_image_mapping {
        uint32_t addr;
        bb_image_isa isa;
    } * mappings; /* sorted */
    int n_mappings;
    bb_image_section *code; /* executable sections, sorted by address */
    int n_code;
    uint32_t low, high; /* lowest and highest address of the loadable segments */
    uint64_t identity;  /* a hash of the loadable code and its addresses */
} bb_image;

/* Reads the image; on failure NULL with a message naming the file. */
bb_image *bb_image_load(const char *path, char *err, size_t errlen);
void bb_image_free(bb_image *img);

/* A symbol by name (functions and objects), or NULL. */
const bb_image_symbol *bb_image_find(const bb_image *img, const char *name);
/* The function symbol containing addr, or NULL. */
const bb_image_symbol *bb_image_function_at(const bb_image *img, uint32_t addr);
/* What the mapping symbols say about addr (ARM when the image has none). */
bb_image_isa bb_image_isa_at(const bb_image *img, uint32_t addr);
/* The code section holding addr, or NULL. */
const bb_image_section *bb_image_code_at(const bb_image *img, uint32_t addr);

/* Parses an address or a symbol name: "0x8000", "main", "main+0x10". A function symbol
 * also gives its end (inclusive) in *end when end is not NULL. */
bool bb_image_parse_address(const bb_image *img, const char *text, uint32_t *addr, uint32_t *end);

#endif
