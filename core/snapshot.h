/*
 * snapshot.h: saving a machine's state and putting it back, so that a run restored from a
 * snapshot continues exactly as it did the first time (same instructions, same virtual
 * time, same timer events, same output).
 *
 * A snapshot holds RAM and ROM, every CPU (the engine's part and the guest's, through
 * bb_guest_ops.state), every device that has a `state` function, and the virtual clock
 * with its armed timers. It lives in memory and belongs to the machine it was taken from:
 * timers are recorded by identity, so a timer armed at the snapshot must still exist when
 * the snapshot is restored (devices' timers always do). Host-side things are not part of
 * it: serial backends and their queued input, semihosting's open host files, hooks and
 * routes stay as they are.
 *
 * Models and guests describe their state once, with one function that both saves and
 * restores it: it calls bb_state_* on each field, which write the field when saving and
 * read it back when restoring.
 */
#ifndef BB_SNAPSHOT_H
#define BB_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bb_machine bb_machine;
typedef struct bb_state bb_state;
typedef struct bb_snapshot bb_snapshot;

/* Takes a snapshot of a machine that is not running. NULL (with a message) when out of
 * memory. */
bb_snapshot *bb_snapshot_take(bb_machine *m, char *err, size_t errlen);
/* Puts the machine back in the snapshot's state; only between runs. Translations and TLBs
 * are discarded. Returns false with a message if the snapshot is not from this machine or
 * the machine changed shape since (a device added, a region resized); nothing is changed
 * then. */
bool bb_snapshot_restore(bb_machine *m, const bb_snapshot *snap, char *err, size_t errlen);
void bb_snapshot_free(bb_snapshot *snap);
/* Bytes the snapshot occupies (RAM pages that are all zero are not stored). */
size_t bb_snapshot_size(const bb_snapshot *snap);

/* ---- for models and guests: describing state ---- */

/* True while restoring (fields are read), false while saving (fields are written). */
bool bb_state_restoring(const bb_state *st);
/* Saves or restores len bytes at data. */
void bb_state_bytes(bb_state *st, void *data, size_t len);
void bb_state_u8(bb_state *st, uint8_t *value);
void bb_state_u16(bb_state *st, uint16_t *value);
void bb_state_u32(bb_state *st, uint32_t *value);
void bb_state_u64(bb_state *st, uint64_t *value);
void bb_state_int(bb_state *st, int *value);
void bb_state_bool(bb_state *st, bool *value);
/* Restoring only: marks the state as unusable (a model that cannot take it back). */
void bb_state_fail(bb_state *st, const char *why);

#endif
