/*
 * data.c: coverage data, its file format and merging (see data.h and docs/coverage.md).
 */
#include "coverage/data.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COV_MAGIC   "BBCOV\0\0\0"
#define COV_VERSION 1

static bool alloc_ranges(bb_cov_data *d, int n)
{
    d->ranges = calloc(n ? (size_t)n : 1, sizeof(*d->ranges));
    d->n_ranges = n;
    return d->ranges != NULL;
}

static bool alloc_flags(bb_cov_data *d)
{
    d->n_flags = 0;
    for (int i = 0; i < d->n_ranges; i++) {
        d->ranges[i].offset = d->n_flags;
        d->n_flags += (d->ranges[i].size + 1) / 2;
    }
    d->flags = calloc(d->n_flags ? d->n_flags : 1, 1);
    return d->flags != NULL;
}

bb_cov_data *bb_cov_data_new(const bb_image *img)
{
    bb_cov_data *d = calloc(1, sizeof(*d));
    if (!d) return NULL;
    d->image = strdup(img->path);
    d->identity = img->identity;
    if (!d->image || !alloc_ranges(d, img->n_code)) goto fail;
    for (int i = 0; i < img->n_code; i++) {
        d->ranges[i].base = img->code[i].addr;
        d->ranges[i].size = img->code[i].size;
    }
    if (!alloc_flags(d)) goto fail;
    return d;
fail:
    bb_cov_data_free(d);
    return NULL;
}

void bb_cov_data_free(bb_cov_data *d)
{
    if (!d) return;
    free(d->image);
    free(d->ranges);
    free(d->flags);
    free(d);
}

int64_t bb_cov_data_index(const bb_cov_data *d, uint32_t addr)
{
    for (int i = 0; i < d->n_ranges; i++) {
        const bb_cov_range *r = &d->ranges[i];
        if (addr - r->base < r->size) return r->offset + (addr - r->base) / 2;
    }
    return -1;
}

/* ---- files: little-endian integers ---- */

static void put32(FILE *f, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    fwrite(b, 1, 4, f);
}

static bool get32(FILE *f, uint32_t *v)
{
    uint8_t b[4];
    if (fread(b, 1, 4, f) != 4) return false;
    *v = b[0] | b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return true;
}

bool bb_cov_data_write(const bb_cov_data *d, const char *path, char *err, size_t errlen)
{
    /* Written to a temporary file and renamed: an interrupted write never leaves a
     * half-written coverage file in place of a good one. */
    size_t len = strlen(path) + 16;
    char *tmp = malloc(len);
    if (!tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        return false;
    }
    snprintf(tmp, len, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        free(tmp);
        return false;
    }
    fwrite(COV_MAGIC, 1, 8, f);
    put32(f, COV_VERSION);
    put32(f, (uint32_t)d->n_ranges);
    put32(f, (uint32_t)d->identity);
    put32(f, (uint32_t)(d->identity >> 32));
    uint32_t path_len = (uint32_t)strlen(d->image);
    put32(f, path_len);
    fwrite(d->image, 1, path_len, f);
    for (int i = 0; i < d->n_ranges; i++) {
        put32(f, d->ranges[i].base);
        put32(f, d->ranges[i].size);
        fwrite(d->flags + d->ranges[i].offset, 1, (d->ranges[i].size + 1) / 2, f);
    }
    bool ok = !ferror(f);
    if (fclose(f) != 0) ok = false;
    if (ok && rename(tmp, path) != 0) ok = false;
    if (!ok) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        remove(tmp);
    }
    free(tmp);
    return ok;
}

bb_cov_data *bb_cov_data_read(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    bb_cov_data *d = calloc(1, sizeof(*d));
    char magic[8];
    uint32_t version = 0, n_ranges, id_lo, id_hi, path_len;
    const char *why = "not a brassboard coverage file";
    if (!d || fread(magic, 1, 8, f) != 8 || memcmp(magic, COV_MAGIC, 8) != 0 || !get32(f, &version))
        goto fail;
    if (version != COV_VERSION) {
        why = "coverage file version not supported";
        goto fail;
    }
    why = "truncated or malformed coverage file";
    if (!get32(f, &n_ranges) || !get32(f, &id_lo) || !get32(f, &id_hi) || !get32(f, &path_len) ||
        n_ranges > 4096 || path_len > 65536)
        goto fail;
    d->identity = (uint64_t)id_hi << 32 | id_lo;
    d->image = calloc(1, path_len + 1);
    if (!d->image || fread(d->image, 1, path_len, f) != path_len || !alloc_ranges(d, (int)n_ranges))
        goto fail;
    long ranges_at = ftell(f);
    for (uint32_t i = 0; i < n_ranges; i++) {
        if (!get32(f, &d->ranges[i].base) || !get32(f, &d->ranges[i].size) ||
            d->ranges[i].size > (1u << 30) || fseek(f, (d->ranges[i].size + 1) / 2, SEEK_CUR) != 0)
            goto fail;
    }
    if (!alloc_flags(d) || fseek(f, ranges_at, SEEK_SET) != 0) goto fail;
    for (uint32_t i = 0; i < n_ranges; i++) {
        uint32_t skip[2];
        size_t n = (d->ranges[i].size + 1) / 2;
        if (!get32(f, &skip[0]) || !get32(f, &skip[1]) ||
            fread(d->flags + d->ranges[i].offset, 1, n, f) != n)
            goto fail;
    }
    fclose(f);
    return d;
fail:
    snprintf(err, errlen, "%s: %s", path, why);
    fclose(f);
    bb_cov_data_free(d);
    return NULL;
}

bool bb_cov_data_merge(bb_cov_data *into, const bb_cov_data *from, char *err, size_t errlen)
{
    bool same = into->identity == from->identity && into->n_ranges == from->n_ranges;
    for (int i = 0; same && i < into->n_ranges; i++)
        same = into->ranges[i].base == from->ranges[i].base &&
               into->ranges[i].size == from->ranges[i].size;
    if (!same) {
        snprintf(err, errlen, "coverage of %s and of %s: not the same image", into->image,
                 from->image);
        return false;
    }
    for (uint32_t i = 0; i < into->n_flags; i++)
        into->flags[i] |= from->flags[i];
    return true;
}
