/*
 * codebuf.h: the executable memory that the native backend writes host code into.
 *
 * One read-write-execute mapping per translator, reserved whole at creation (untouched
 * pages cost no memory) and placed near the program's own code when possible, so that
 * generated code reaches C helpers with direct calls. Code is only appended; a flush
 * resets the buffer to a mark (the part written once, such as the entry trampoline, stays).
 */
#ifndef BB_CODEBUF_H
#define BB_CODEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bb_codebuf {
    uint8_t *base;
    size_t size;
    size_t used;
    size_t mark; /* where a reset returns to */
} bb_codebuf;

/* Maps `size` bytes, near `near` if the system allows. Returns false if mmap fails. */
bool bb_codebuf_init(bb_codebuf *cb, size_t size, const void *near);
void bb_codebuf_free(bb_codebuf *cb);
/* Free space starts at base + used; commits `n` more bytes after writing them there. */
static inline uint8_t *bb_codebuf_cur(const bb_codebuf *cb)
{
    return cb->base + cb->used;
}
static inline uint8_t *bb_codebuf_end(const bb_codebuf *cb)
{
    return cb->base + cb->size;
}
void bb_codebuf_commit(bb_codebuf *cb, size_t n, unsigned align);
/* Makes everything written so far permanent (kept by resets). */
void bb_codebuf_set_mark(bb_codebuf *cb);
void bb_codebuf_reset(bb_codebuf *cb);

#endif
