/*
 * codebuf.c: the executable code buffer (an anonymous RWX mapping, never pre-touched).
 */
#include "jit/codebuf.h"

#include <sys/mman.h>

/* Distance from `near` at which to ask for the mapping: far enough not to collide with the
 * heap growing after the program, well within the +-2 GiB of a rel32 call. */
#define NEAR_GAP ((uintptr_t)1 << 30)

static void *map_at(void *hint, size_t size)
{
    void *p = mmap(hint, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static bool within_2g(const void *a, const void *b, size_t size)
{
    intptr_t lo = (intptr_t)a - (intptr_t)b, hi = lo + (intptr_t)size;
    const intptr_t limit = ((intptr_t)1 << 31) - ((intptr_t)1 << 24);
    return lo > -limit && hi < limit;
}

bool bb_codebuf_init(bb_codebuf *cb, size_t size, const void *near)
{
    cb->base = NULL;
    cb->size = size;
    cb->used = cb->mark = 0;
    uintptr_t target = (uintptr_t)near & ~(uintptr_t)0x1fffff;
    uintptr_t hints[2] = {target > NEAR_GAP ? target - NEAR_GAP : 0, target + NEAR_GAP / 2};
    for (int i = 0; i < 2 && near; i++) {
        if (!hints[i]) continue;
        void *p = map_at((void *)hints[i], size);
        if (!p) continue;
        if (within_2g(p, near, size)) {
            cb->base = p;
            return true;
        }
        munmap(p, size);
    }
    cb->base = map_at(NULL, size);
    return cb->base != NULL;
}

void bb_codebuf_free(bb_codebuf *cb)
{
    if (cb->base) munmap(cb->base, cb->size);
    cb->base = NULL;
}

void bb_codebuf_commit(bb_codebuf *cb, size_t n, unsigned align)
{
    cb->used += n;
    cb->used = (cb->used + align - 1) & ~(size_t)(align - 1);
    if (cb->used > cb->size) cb->used = cb->size;
}

void bb_codebuf_set_mark(bb_codebuf *cb)
{
    cb->mark = cb->used;
}

void bb_codebuf_reset(bb_codebuf *cb)
{
    cb->used = cb->mark;
}
