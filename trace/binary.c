/*
 * binary.c: writing and reading the binary trace (see binary.h and docs/trace.md).
 */
#include "trace/binary.h"

#include <stdlib.h>
#include <string.h>

#include "core/machine.h"

enum {
    TAG_DEF = 'D',
    TAG_EXEC = 'X',
    TAG_REG = 'R',
    TAG_MEM = 'M',
    TAG_EXCEPTION = 'E',
    TAG_END = 'Z',
};
#define MAX_CPUS 16
/* Short execution records: a tag byte of 0x80 | k repeats the execution last written in
 * cache slot k (slot = block id mod 128) when it follows on directly. */
#define TAG_SHORT   0x80
#define CACHE_SLOTS 128

typedef struct cached_exec {
    bool valid;
    int cpu;
    uint32_t def, first, count;
    uint8_t outcome;
} cached_exec;

static bool same_exec(const cached_exec *c, const bb_trace_exec *x, uint32_t def)
{
    return c->valid && c->cpu == x->cpu && c->def == def && c->first == x->first &&
           c->count == x->count && c->outcome == x->outcome;
}

static void cache_exec(cached_exec *cache, const bb_trace_exec *x, uint32_t def)
{
    cached_exec *c = &cache[def % CACHE_SLOTS];
    *c = (cached_exec){true, x->cpu, def, x->first, x->count, x->outcome};
}
#define HEADER_FIXED 20 /* flags and guest name, before the register names */
#define BUF_SIZE     (1u << 16)

/* Stop reasons as the file writes them (docs/trace.md), whatever bb_stop_reason's order. */
static const int file_reasons[][2] = {
    {BB_STOP_NONE, 0},   {BB_STOP_EXIT, 1},    {BB_STOP_MAX_INSNS, 2},
    {BB_STOP_HALTED, 3}, {BB_STOP_REQUEST, 4}, {BB_STOP_BREAK, 5},
};
#define N_REASONS (sizeof(file_reasons) / sizeof(file_reasons[0]))

static uint64_t reason_to_file(int reason)
{
    for (size_t i = 0; i < N_REASONS; i++)
        if (file_reasons[i][0] == reason) return (uint64_t)file_reasons[i][1];
    return 0;
}

static int reason_from_file(uint64_t code)
{
    for (size_t i = 0; i < N_REASONS; i++)
        if ((uint64_t)file_reasons[i][1] == code) return file_reasons[i][0];
    return BB_STOP_NONE;
}

/* ---- writing ---- */

typedef struct bin_writer {
    FILE *out;
    uint8_t buf[BUF_SIZE];
    size_t len;
    uint64_t last_end[MAX_CPUS]; /* per CPU: icount after its previous execution record */
    cached_exec cache[CACHE_SLOTS];
    bool failed;
} bin_writer;

static void flush_buf(bin_writer *w)
{
    if (w->len && fwrite(w->buf, 1, w->len, w->out) != w->len) w->failed = true;
    w->len = 0;
}

/* Room for one record of up to `need` bytes. */
static void reserve(bin_writer *w, size_t need)
{
    if (w->len + need > BUF_SIZE) flush_buf(w);
}

static void put_u8(bin_writer *w, uint8_t v)
{
    w->buf[w->len++] = v;
}

static void put_varint(bin_writer *w, uint64_t v)
{
    while (v >= 0x80) {
        w->buf[w->len++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    w->buf[w->len++] = (uint8_t)v;
}

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static void write_def(bin_writer *w, bb_trace_def *def)
{
    reserve(w, 32);
    put_u8(w, TAG_DEF);
    put_varint(w, def->id);
    put_varint(w, def->tb_flags);
    put_varint(w, def->n);
    uint32_t expected = 0;
    for (uint32_t i = 0; i < def->n; i++) {
        const bb_trace_insn *in = &def->insns[i];
        reserve(w, 24);
        put_varint(w, zigzag((int64_t)in->pc - (int64_t)expected));
        put_u8(w, in->size);
        for (unsigned b = 0; b < in->size; b++)
            put_u8(w, in->bytes[b]);
        put_u8(w, in->attr);
        expected = in->pc + in->size;
    }
    def->written = true;
}

static void bin_exec(void *self, const bb_trace_exec *x, const bb_trace_reg *regs, int n_regs,
                     const bb_trace_mem *mem, int n_mem)
{
    bin_writer *w = self;
    int cpu = x->cpu & (MAX_CPUS - 1);
    if (!x->def->written) write_def(w, (bb_trace_def *)x->def);
    reserve(w, 48);
    cached_exec *slot = &w->cache[x->def->id % CACHE_SLOTS];
    if (x->icount == w->last_end[cpu] && same_exec(slot, x, x->def->id)) {
        put_u8(w, (uint8_t)(TAG_SHORT | (x->def->id % CACHE_SLOTS)));
    } else {
        put_u8(w, TAG_EXEC);
        put_varint(w, (uint64_t)cpu);
        put_varint(w, x->def->id);
        put_varint(w, x->first);
        put_varint(w, x->count);
        put_u8(w, x->outcome);
        put_varint(w, zigzag((int64_t)(x->icount - w->last_end[cpu])));
        cache_exec(w->cache, x, x->def->id);
    }
    w->last_end[cpu] = x->icount + x->count;
    for (int i = 0; i < n_regs; i++) {
        reserve(w, 32);
        put_u8(w, TAG_REG);
        put_varint(w, regs[i].index);
        put_varint(w, regs[i].reg);
        put_varint(w, regs[i].value);
    }
    for (int i = 0; i < n_mem; i++) {
        reserve(w, 32);
        put_u8(w, TAG_MEM);
        put_varint(w, mem[i].index);
        put_u8(w, (uint8_t)(mem[i].size | (mem[i].write ? 0x80 : 0)));
        put_varint(w, mem[i].addr);
        put_varint(w, mem[i].value);
    }
}

static void bin_exception(void *self, const bb_trace_exception *e)
{
    bin_writer *w = self;
    reserve(w, 40);
    put_u8(w, TAG_EXCEPTION);
    put_varint(w, (uint64_t)e->cpu);
    put_varint(w, e->number);
    put_varint(w, e->pc);
    put_varint(w, e->icount);
}

static bool bin_end(void *self, uint64_t icount, int stop_reason, bool complete)
{
    bin_writer *w = self;
    if (complete) {
        reserve(w, 16);
        put_u8(w, TAG_END);
        put_varint(w, icount);
        put_varint(w, reason_to_file(stop_reason));
    }
    flush_buf(w);
    bool ok = !w->failed && !ferror(w->out);
    if (fclose(w->out) != 0) ok = false;
    free(w);
    return ok;
}

static void put_le(uint8_t *p, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

bb_trace_sink bb_trace_binary_open(FILE *out, const bb_trace_header *header)
{
    bb_trace_sink sink = {0};
    bin_writer *w = calloc(1, sizeof(*w));
    if (!w) return sink;
    w->out = out;
    /* magic, version, length of the rest; flags, guest; register count, then per register
     * its width in bits, the length of its name and the name. */
    uint8_t head[12 + HEADER_FIXED + 2 + BB_TRACE_MAX_REGS * 18] = {0};
    size_t len = 12 + HEADER_FIXED;
    memcpy(head, BB_TRACE_MAGIC, 8); /* with its NUL */
    put_le(head + 8, BB_TRACE_VERSION, 2);
    put_le(head + 12, header->flags, 4);
    memcpy(head + 16, header->guest, strnlen(header->guest, 15));
    int n_regs = header->n_regs < BB_TRACE_MAX_REGS ? header->n_regs : BB_TRACE_MAX_REGS;
    put_le(head + len, (uint32_t)n_regs, 2);
    len += 2;
    for (int i = 0; i < n_regs; i++) {
        size_t name_len = strnlen(header->regs[i].name, 15);
        head[len++] = (uint8_t)header->regs[i].bits;
        head[len++] = (uint8_t)name_len;
        memcpy(head + len, header->regs[i].name, name_len);
        len += name_len;
    }
    put_le(head + 10, (uint32_t)(len - 12), 2);
    if (fwrite(head, 1, len, out) != len) w->failed = true;
    sink.self = w;
    sink.exec = bin_exec;
    sink.exception = bin_exception;
    sink.end = bin_end;
    return sink;
}

/* ---- reading ---- */

bool bb_trace_binary_read_header(FILE *in, const char *name, bb_trace_header *header, char *err,
                                 size_t errlen)
{
    uint8_t head[12];
    if (fread(head, 1, sizeof(head), in) != sizeof(head) || memcmp(head, BB_TRACE_MAGIC, 8) != 0) {
        snprintf(err, errlen, "%s: not a brassboard binary trace", name);
        return false;
    }
    unsigned version = head[8] | head[9] << 8;
    unsigned size = head[10] | head[11] << 8;
    if (version != BB_TRACE_VERSION || size < HEADER_FIXED + 2) {
        snprintf(err, errlen, "%s: trace format version %u (this brassboard reads version %d)",
                 name, version, BB_TRACE_VERSION);
        return false;
    }
    uint8_t rest[65536];
    if (fread(rest, 1, size, in) != size) {
        snprintf(err, errlen, "%s: truncated header", name);
        return false;
    }
    memset(header, 0, sizeof(*header));
    header->flags = rest[0] | rest[1] << 8 | (unsigned)rest[2] << 16 | (unsigned)rest[3] << 24;
    memcpy(header->guest, rest + 4, 15);
    unsigned n_regs = rest[HEADER_FIXED] | rest[HEADER_FIXED + 1] << 8;
    size_t pos = HEADER_FIXED + 2;
    for (unsigned i = 0; i < n_regs; i++) {
        if (pos + 2 > size || pos + 2 + rest[pos + 1] > size || rest[pos + 1] > 15 ||
            i >= BB_TRACE_MAX_REGS) {
            snprintf(err, errlen, "%s: malformed header", name);
            return false;
        }
        header->regs[i].bits = rest[pos];
        memcpy(header->regs[i].name, rest + pos + 2, rest[pos + 1]);
        pos += 2 + rest[pos + 1];
    }
    header->n_regs = (int)n_regs;
    return true;
}

typedef struct reader {
    FILE *in;
    const char *name;
    bb_trace_def **defs; /* by id */
    uint32_t n_defs;
    uint64_t last_end[MAX_CPUS];
    cached_exec cache[CACHE_SLOTS];
    bool have_exec;
    bb_trace_exec exec;
    bb_trace_reg *regs;
    int n_regs, cap_regs;
    bb_trace_mem *mem;
    int n_mem, cap_mem;
    char *err;
    size_t errlen;
} reader;

static bool get_u8(reader *r, uint8_t *v)
{
    int c = getc(r->in);
    if (c == EOF) return false;
    *v = (uint8_t)c;
    return true;
}

static bool get_varint(reader *r, uint64_t *v)
{
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        uint8_t b;
        if (!get_u8(r, &b)) return false;
        value |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = value;
            return true;
        }
    }
    return false;
}

static bool bad(reader *r, const char *what)
{
    snprintf(r->err, r->errlen, "%s: malformed trace at byte %ld: %s", r->name, ftell(r->in), what);
    return false;
}

static void free_def(bb_trace_def *def)
{
    if (!def) return;
    if (def->text)
        for (uint32_t i = 0; i < def->n; i++)
            free(def->text[i]);
    free(def->text);
    free(def->insns);
    free(def);
}

/* Reads a definition; *short_read is set when the file ends inside it. */
static bool read_def(reader *r, bool *short_read)
{
    uint64_t id, flags, n;
    *short_read = true;
    if (!get_varint(r, &id) || !get_varint(r, &flags) || !get_varint(r, &n)) return false;
    if (id > (1u << 30) || n > (1u << 16)) {
        *short_read = false;
        return bad(r, "block definition out of range");
    }
    bb_trace_def *def = calloc(1, sizeof(*def));
    if (def) def->insns = calloc(n ? n : 1, sizeof(*def->insns));
    if (!def || !def->insns) {
        free_def(def);
        *short_read = false;
        return bad(r, "out of memory");
    }
    def->id = (uint32_t)id;
    def->tb_flags = (uint32_t)flags;
    def->n = def->cap = (uint32_t)n;
    uint32_t expected = 0;
    for (uint32_t i = 0; i < def->n; i++) {
        bb_trace_insn *in = &def->insns[i];
        uint64_t delta;
        if (!get_varint(r, &delta) || !get_u8(r, &in->size)) {
            free_def(def);
            return false;
        }
        if (in->size == 0 || in->size > 4) {
            free_def(def);
            *short_read = false;
            return bad(r, "instruction size");
        }
        for (unsigned b = 0; b < in->size && b < sizeof(in->bytes); b++)
            if (!get_u8(r, &in->bytes[b])) {
                free_def(def);
                return false;
            }
        if (!get_u8(r, &in->attr)) {
            free_def(def);
            return false;
        }
        in->pc = (uint32_t)((int64_t)expected + unzigzag(delta));
        expected = in->pc + in->size;
    }
    if (id >= r->n_defs) {
        uint32_t n_defs = r->n_defs ? r->n_defs : 256;
        while (n_defs <= id)
            n_defs *= 2;
        bb_trace_def **grown = realloc(r->defs, sizeof(*grown) * n_defs);
        if (!grown) {
            free_def(def);
            *short_read = false;
            return bad(r, "out of memory");
        }
        memset(grown + r->n_defs, 0, sizeof(*grown) * (n_defs - r->n_defs));
        r->defs = grown;
        r->n_defs = n_defs;
    }
    free_def(r->defs[id]);
    r->defs[id] = def;
    *short_read = false;
    return true;
}

static void deliver(reader *r, bb_trace_sink *sink)
{
    if (!r->have_exec) return;
    sink->exec(sink->self, &r->exec, r->regs, r->n_regs, r->mem, r->n_mem);
    r->have_exec = false;
    r->n_regs = r->n_mem = 0;
}

static bool read_exec(reader *r, bool *short_read)
{
    uint64_t cpu, id, first, count, delta;
    uint8_t outcome;
    *short_read = true;
    if (!get_varint(r, &cpu) || !get_varint(r, &id) || !get_varint(r, &first) ||
        !get_varint(r, &count) || !get_u8(r, &outcome) || !get_varint(r, &delta))
        return false;
    *short_read = false;
    if (cpu >= MAX_CPUS) return bad(r, "cpu index");
    if (id >= r->n_defs || !r->defs[id]) return bad(r, "execution of an undefined block");
    const bb_trace_def *def = r->defs[id];
    if (count == 0 || first + count > def->n) return bad(r, "execution outside its block");
    bb_trace_exec *x = &r->exec;
    x->cpu = (int)cpu;
    x->def = def;
    x->first = (uint32_t)first;
    x->count = (uint32_t)count;
    x->outcome = outcome;
    x->icount = (uint64_t)((int64_t)r->last_end[cpu] + unzigzag(delta));
    r->last_end[cpu] = x->icount + x->count;
    r->have_exec = true;
    cache_exec(r->cache, x, def->id);
    return true;
}

static bool read_short_exec(reader *r, uint8_t tag)
{
    const cached_exec *c = &r->cache[tag & (CACHE_SLOTS - 1)];
    if (!c->valid || c->def >= r->n_defs || !r->defs[c->def])
        return bad(r, "repeat of an execution never written");
    bb_trace_exec *x = &r->exec;
    x->cpu = c->cpu;
    x->def = r->defs[c->def];
    x->first = c->first;
    x->count = c->count;
    x->outcome = c->outcome;
    x->icount = r->last_end[c->cpu];
    r->last_end[c->cpu] = x->icount + x->count;
    r->have_exec = true;
    return true;
}

static bool read_reg(reader *r, bool *short_read)
{
    uint64_t index, reg, value;
    *short_read = true;
    if (!get_varint(r, &index) || !get_varint(r, &reg) || !get_varint(r, &value)) return false;
    *short_read = false;
    if (!r->have_exec) return bad(r, "register record outside an execution");
    if (r->n_regs == r->cap_regs) {
        int cap = r->cap_regs ? 2 * r->cap_regs : 64;
        bb_trace_reg *grown = realloc(r->regs, sizeof(*grown) * (size_t)cap);
        if (!grown) return bad(r, "out of memory");
        r->regs = grown;
        r->cap_regs = cap;
    }
    bb_trace_reg *out = &r->regs[r->n_regs++];
    out->index = (uint32_t)index;
    out->reg = (uint16_t)reg;
    out->value = value;
    return true;
}

static bool read_mem(reader *r, bool *short_read)
{
    uint64_t index, addr, value;
    uint8_t size;
    *short_read = true;
    if (!get_varint(r, &index) || !get_u8(r, &size) || !get_varint(r, &addr) ||
        !get_varint(r, &value))
        return false;
    *short_read = false;
    if (!r->have_exec) return bad(r, "memory record outside an execution");
    if (r->n_mem == r->cap_mem) {
        int cap = r->cap_mem ? 2 * r->cap_mem : 64;
        bb_trace_mem *grown = realloc(r->mem, sizeof(*grown) * (size_t)cap);
        if (!grown) return bad(r, "out of memory");
        r->mem = grown;
        r->cap_mem = cap;
    }
    bb_trace_mem *out = &r->mem[r->n_mem++];
    out->index = (uint32_t)index;
    out->size = size & 0x7f;
    out->write = (size & 0x80) != 0;
    out->addr = (uint32_t)addr;
    out->value = value;
    return true;
}

static bool replay(reader *r, bb_trace_sink *sink, bool *ended)
{
    for (;;) {
        uint8_t tag;
        if (!get_u8(r, &tag)) return true; /* end of file */
        bool short_read = false, ok;
        if (tag != TAG_REG && tag != TAG_MEM) deliver(r, sink);
        switch (tag) {
        case TAG_DEF: ok = read_def(r, &short_read); break;
        case TAG_EXEC: ok = read_exec(r, &short_read); break;
        case TAG_REG: ok = read_reg(r, &short_read); break;
        case TAG_MEM: ok = read_mem(r, &short_read); break;
        case TAG_EXCEPTION: {
            uint64_t cpu, number, pc, icount;
            ok = get_varint(r, &cpu) && get_varint(r, &number) && get_varint(r, &pc) &&
                 get_varint(r, &icount);
            short_read = !ok;
            if (ok) {
                bb_trace_exception e = {(int)(cpu & (MAX_CPUS - 1)), icount, (uint32_t)number,
                                        (uint32_t)pc};
                sink->exception(sink->self, &e);
            }
            break;
        }
        case TAG_END: {
            uint64_t icount, reason;
            ok = get_varint(r, &icount) && get_varint(r, &reason);
            short_read = !ok;
            if (ok) {
                *ended = true;
                return sink->end(sink->self, icount, reason_from_file(reason), true) ||
                       bad(r, "the output could not be written");
            }
            break;
        }
        default:
            if (!(tag & TAG_SHORT)) return bad(r, "unknown record");
            ok = read_short_exec(r, tag);
            if (!ok) return false;
            break;
        }
        if (!ok) return short_read; /* a cut-off record ends the trace; a bad one is an error */
    }
}

bool bb_trace_binary_replay(FILE *in, const char *name, bb_trace_sink *sink, char *err,
                            size_t errlen)
{
    reader r;
    memset(&r, 0, sizeof(r));
    r.in = in;
    r.name = name;
    r.err = err;
    r.errlen = errlen;
    bool ended = false;
    bool ok = replay(&r, sink, &ended);
    if (!ended) {
        deliver(&r, sink);
        if (!sink->end(sink->self, 0, 0, false) && ok) {
            snprintf(err, errlen, "the output could not be written");
            ok = false;
        }
    }
    for (uint32_t i = 0; i < r.n_defs; i++)
        free_def(r.defs[i]);
    free(r.defs);
    free(r.regs);
    free(r.mem);
    return ok;
}
