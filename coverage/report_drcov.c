/*
 * report_drcov.c: drcov version 2, as DynamoRIO's drcov writes it and Lighthouse reads it:
 * a text header with one module (the image), then a table of executed blocks, each
 * { uint32 offset from the module base, uint16 size, uint16 module id } little-endian.
 * The blocks are the runs of consecutive executed instructions.
 */
#include <stdint.h>
#include <stdlib.h>

#include "coverage/report.h"

typedef struct block {
    uint32_t start, size;
} block;

static void put_le(FILE *out, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        fputc((int)((v >> (8 * i)) & 0xff), out);
}

bool bb_cov_write_drcov(const bb_cov_analysis *a, FILE *out)
{
    block *blocks = malloc(sizeof(*blocks) * (size_t)(a->n_insns + 1));
    if (!blocks) return false;
    int n = 0;
    for (int i = 0; i < a->n_insns; i++) {
        const bb_cov_insn *in = &a->insns[i];
        if (!bb_cov_executed(in)) continue;
        block *last = n ? &blocks[n - 1] : NULL;
        if (last && last->start + last->size == in->addr && last->size + in->size <= 0xffff)
            last->size += in->size;
        else
            blocks[n++] = (block){in->addr, in->size};
    }
    uint32_t base = a->img->low;
    fprintf(out, "DRCOV VERSION: 2\nDRCOV FLAVOR: brassboard\n");
    fprintf(out, "Module Table: version 2, count 1\n");
    fprintf(out, "Columns: id, base, end, entry, checksum, timestamp, path\n");
    fprintf(out, " 0, 0x%08x, 0x%08x, 0x%08x, 0x00000000, 0x00000000, %s\n", base, a->img->high + 1,
            a->img->entry, a->img->path);
    fprintf(out, "BB Table: %d bbs\n", n);
    for (int i = 0; i < n; i++) {
        put_le(out, blocks[i].start - base, 4);
        put_le(out, blocks[i].size, 2);
        put_le(out, 0, 2);
    }
    free(blocks);
    return !ferror(out);
}
