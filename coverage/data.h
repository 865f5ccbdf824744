/*
 * data.h: object coverage of one image: for every halfword of its code sections, a byte of
 * flags saying whether an instruction starts there, whether it executed, whether it is a
 * conditional branch and which of its outcomes were seen. The recorder's MARK bitmaps are
 * this array itself. Coverage files (.bbcov, format in docs/coverage.md) hold it, and
 * merging two of them ORs the flags: coverage accumulates across runs.
 */
#ifndef BB_COVERAGE_DATA_H
#define BB_COVERAGE_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/image.h"

enum {
    BB_COV_EXEC = 1,      /* executed (started: an instruction that faulted counts) */
    BB_COV_TAKEN = 2,     /* conditional branch: the branch was taken */
    BB_COV_NOT_TAKEN = 4, /* conditional branch: execution fell through */
    BB_COV_BRANCH = 8,    /* translated, and a conditional branch */
    BB_COV_INSN = 16,     /* translated: an instruction starts here */
};

typedef struct bb_cov_range {
    uint32_t base, size; /* bytes of code; flags has size / 2 entries, one per halfword */
    uint32_t offset;     /* index of the range's first flag in bb_cov_data.flags */
} bb_cov_range;

typedef struct bb_cov_data {
    char *image;       /* path of the ELF image the coverage is of */
    uint64_t identity; /* bb_image.identity of that image */
    bb_cov_range *ranges;
    int n_ranges;
    uint8_t *flags; /* all ranges, one after the other */
    uint32_t n_flags;
} bb_cov_data;

/* Empty coverage of the image's code sections. NULL when out of memory. */
bb_cov_data *bb_cov_data_new(const bb_image *img);
void bb_cov_data_free(bb_cov_data *d);
/* The index of the flags of addr, or -1 when addr is outside the image's code. */
int64_t bb_cov_data_index(const bb_cov_data *d, uint32_t addr);
static inline uint8_t bb_cov_data_at(const bb_cov_data *d, uint32_t addr)
{
    int64_t i = bb_cov_data_index(d, addr);
    return i < 0 ? 0 : d->flags[i];
}

/* Coverage files. Each returns false (NULL) with a message naming the file. */
bool bb_cov_data_write(const bb_cov_data *d, const char *path, char *err, size_t errlen);
bb_cov_data *bb_cov_data_read(const char *path, char *err, size_t errlen);
/* Adds `from` to `into`: both must be of the same image (same code at the same addresses). */
bool bb_cov_data_merge(bb_cov_data *into, const bb_cov_data *from, char *err, size_t errlen);

#endif
