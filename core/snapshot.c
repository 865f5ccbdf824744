/*
 * snapshot.c: machine snapshots. A snapshot is one byte stream: a header that says what
 * shape the machine had (memory regions, CPUs, devices with state), then RAM and ROM page
 * by page (pages of zeros are only flagged), each CPU, each device, and the clock. The
 * header is checked against the machine before anything is restored.
 */
#include "core/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "jit/cpu.h"
#include "jit/tb.h"

#define SNAPSHOT_MAGIC 0x42425331u /* "BBS1" */

struct bb_state {
    uint8_t *data;
    size_t len, cap, pos;
    bool restoring;
    bool failed;
    char why[128];
};

struct bb_snapshot {
    bb_machine *machine;
    bb_state st;
};

/* ---- the state stream ---- */

bool bb_state_restoring(const bb_state *st)
{
    return st->restoring;
}

void bb_state_fail(bb_state *st, const char *why)
{
    if (st->failed) return;
    st->failed = true;
    snprintf(st->why, sizeof(st->why), "%s", why);
}

static void put(bb_state *st, const void *data, size_t len)
{
    if (st->failed) return;
    if (st->len + len > st->cap) {
        size_t cap = st->cap ? st->cap : 4096;
        while (cap < st->len + len)
            cap *= 2;
        uint8_t *grown = realloc(st->data, cap);
        if (!grown) {
            bb_state_fail(st, "out of memory");
            return;
        }
        st->data = grown;
        st->cap = cap;
    }
    memcpy(st->data + st->len, data, len);
    st->len += len;
}

static void get(bb_state *st, void *data, size_t len)
{
    if (st->failed || st->pos + len > st->len) {
        bb_state_fail(st, "the snapshot is truncated");
        memset(data, 0, len);
        return;
    }
    memcpy(data, st->data + st->pos, len);
    st->pos += len;
}

void bb_state_bytes(bb_state *st, void *data, size_t len)
{
    if (st->restoring)
        get(st, data, len);
    else
        put(st, data, len);
}

void bb_state_u8(bb_state *st, uint8_t *value)
{
    bb_state_bytes(st, value, sizeof(*value));
}

void bb_state_u16(bb_state *st, uint16_t *value)
{
    bb_state_bytes(st, value, sizeof(*value));
}

void bb_state_u32(bb_state *st, uint32_t *value)
{
    bb_state_bytes(st, value, sizeof(*value));
}

void bb_state_u64(bb_state *st, uint64_t *value)
{
    bb_state_bytes(st, value, sizeof(*value));
}

void bb_state_int(bb_state *st, int *value)
{
    bb_state_bytes(st, value, sizeof(*value));
}

void bb_state_bool(bb_state *st, bool *value)
{
    uint8_t byte = *value;
    bb_state_bytes(st, &byte, 1);
    *value = byte != 0;
}

/* ---- the machine's shape ---- */

static bool is_memory(const bb_region *r)
{
    return (r->kind == BB_REGION_RAM || r->kind == BB_REGION_ROM) && r->host;
}

static int count_devices_with_state(bb_machine *m)
{
    int n = 0;
    for (bb_device *dev = m->devices; dev; dev = dev->next)
        if (dev->state) n++;
    return n;
}

static void put_header(bb_machine *m, bb_state *st)
{
    uint32_t magic = SNAPSHOT_MAGIC, n = 0;
    put(st, &magic, 4);
    for (int i = 0; bb_bus_region_at(m->bus, i); i++)
        n += is_memory(bb_bus_region_at(m->bus, i));
    put(st, &n, 4);
    for (int i = 0; bb_bus_region_at(m->bus, i); i++) {
        const bb_region *r = bb_bus_region_at(m->bus, i);
        if (!is_memory(r)) continue;
        put(st, &r->base, 8);
        put(st, &r->size, 8);
    }
    n = (uint32_t)m->n_cpus;
    put(st, &n, 4);
    n = (uint32_t)count_devices_with_state(m);
    put(st, &n, 4);
    for (bb_device *dev = m->devices; dev; dev = dev->next)
        if (dev->state) put(st, dev->name, sizeof(dev->name));
}

/* Reads the header and compares it with the machine. */
static bool check_header(bb_machine *m, bb_state *st, char *err, size_t errlen)
{
    uint32_t magic = 0, n = 0;
    get(st, &magic, 4);
    if (magic != SNAPSHOT_MAGIC) {
        snprintf(err, errlen, "not a snapshot");
        return false;
    }
    get(st, &n, 4);
    int i = 0;
    for (uint32_t k = 0; k < n; k++, i++) {
        uint64_t base = 0, size = 0;
        get(st, &base, 8);
        get(st, &size, 8);
        while (bb_bus_region_at(m->bus, i) && !is_memory(bb_bus_region_at(m->bus, i)))
            i++;
        const bb_region *r = bb_bus_region_at(m->bus, i);
        if (!r || r->base != base || r->size != size) {
            snprintf(err, errlen, "the machine's memory changed since the snapshot");
            return false;
        }
    }
    get(st, &n, 4);
    if (n != (uint32_t)m->n_cpus) {
        snprintf(err, errlen, "the machine's CPUs changed since the snapshot");
        return false;
    }
    get(st, &n, 4);
    if (n != (uint32_t)count_devices_with_state(m)) {
        snprintf(err, errlen, "devices were added to the machine since the snapshot");
        return false;
    }
    for (bb_device *dev = m->devices; dev; dev = dev->next) {
        if (!dev->state) continue;
        char name[sizeof(dev->name)];
        get(st, name, sizeof(name));
        if (memcmp(name, dev->name, sizeof(name)) != 0) {
            snprintf(err, errlen, "device '%s' is not the one in the snapshot", dev->name);
            return false;
        }
    }
    if (st->failed) {
        snprintf(err, errlen, "%s", st->why);
        return false;
    }
    return true;
}

/* ---- contents ---- */

static bool page_is_zero(const uint8_t *page, size_t len)
{
    static const uint8_t zeros[BB_PAGE_SIZE];
    return memcmp(page, zeros, len) == 0;
}

/* RAM and ROM, a page at a time: a flag byte, then the page unless it is all zeros. */
static void memory_state(bb_machine *m, bb_state *st)
{
    for (int i = 0; bb_bus_region_at(m->bus, i); i++) {
        const bb_region *r = bb_bus_region_at(m->bus, i);
        if (!is_memory(r)) continue;
        for (uint64_t off = 0; off < r->size; off += BB_PAGE_SIZE) {
            size_t len = r->size - off < BB_PAGE_SIZE ? (size_t)(r->size - off) : BB_PAGE_SIZE;
            uint8_t *page = r->host + off;
            uint8_t stored = st->restoring ? 0 : !page_is_zero(page, len);
            bb_state_bytes(st, &stored, 1);
            if (stored)
                bb_state_bytes(st, page, len);
            else if (st->restoring && !page_is_zero(page, len))
                memset(page, 0, len); /* (pages never touched stay uncommitted) */
        }
    }
}

/* The engine's part of a CPU; the guest's part follows through its ops. */
static void cpu_state(bb_cpu *cpu, bb_state *st)
{
    bb_state_u32(st, &cpu->pc);
    bb_state_u32(st, &cpu->tb_flags);
    bb_state_u64(st, &cpu->icount);
    bb_state_bool(st, &cpu->halted);
    bb_state_bool(st, &cpu->hook_skip_valid);
    bb_state_u32(st, &cpu->hook_skip_pc);
    bb_state_u64(st, &cpu->hook_skip_icount);
    /* A debugger stopped before an instruction a watchpoint hit: it is run again first. */
    bb_state_bool(st, &cpu->replay_pending);
    if (st->restoring) cpu->hooks_quiet = false;
    if (cpu->ops->state) cpu->ops->state(cpu, st);
}

static void contents_state(bb_machine *m, bb_state *st)
{
    memory_state(m, st);
    for (int i = 0; i < m->n_cpus; i++)
        cpu_state(m->cpus[i], st);
    for (bb_device *dev = m->devices; dev; dev = dev->next)
        if (dev->state) dev->state(dev, st);
    /* Last: device restores may have armed or cancelled timers; the clock puts every
     * timer back as it was. */
    bb_clock_state(m->clock, st);
}

/* ---- snapshots ---- */

bb_snapshot *bb_snapshot_take(bb_machine *m, char *err, size_t errlen)
{
    if (m->running) {
        snprintf(err, errlen, "a snapshot cannot be taken while the machine runs");
        return NULL;
    }
    bb_snapshot *snap = calloc(1, sizeof(*snap));
    if (!snap) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snap->machine = m;
    put_header(m, &snap->st);
    contents_state(m, &snap->st);
    if (snap->st.failed) {
        snprintf(err, errlen, "%s", snap->st.why);
        bb_snapshot_free(snap);
        return NULL;
    }
    return snap;
}

bool bb_snapshot_restore(bb_machine *m, const bb_snapshot *snap, char *err, size_t errlen)
{
    if (snap->machine != m) {
        snprintf(err, errlen, "the snapshot was taken from another machine");
        return false;
    }
    if (m->running) {
        snprintf(err, errlen, "a snapshot cannot be restored while the machine runs");
        return false;
    }
    /* A reader over the snapshot's bytes (the snapshot itself is not changed). */
    bb_state st = {snap->st.data, snap->st.len, snap->st.len, 0, true, false, ""};
    if (!check_header(m, &st, err, errlen)) return false;
    contents_state(m, &st);
    for (int i = 0; i < m->n_cpus; i++)
        bb_cpu_tlb_flush(m->cpus[i]);
    if (m->jit) bb_tb_flush_all(m->jit);
    m->stop_reason = BB_STOP_NONE;
    m->stop_requested = 0;
    m->exit_code = 0;
    if (st.failed) {
        /* Only a model that refused its state gets here: the machine is inconsistent. */
        snprintf(err, errlen, "restoring the snapshot failed: %s", st.why);
        return false;
    }
    return true;
}

void bb_snapshot_free(bb_snapshot *snap)
{
    if (!snap) return;
    free(snap->st.data);
    free(snap);
}

size_t bb_snapshot_size(const bb_snapshot *snap)
{
    return snap->st.len;
}
