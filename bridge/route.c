/*
 * route.c: routes as bus regions (see route.h): spec parsing, the regions' checked
 * accessors with the read cache, posted writes and the default value, filters, the access
 * log, and the per-machine list of routes and of state shared by transports.
 */
#include "bridge/route.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/irq.h"
#include "core/machine.h"
#include "jit/cpu.h"
#include "scripting/lua_filter.h"

#define CACHE_ENTRIES       64
#define FILTER_ERRORS_SHOWN 10

typedef struct cache_entry {
    uint64_t addr, value;
    unsigned size;
} cache_entry;

typedef struct bb_route {
    struct bb_route *next;
    bb_machine *m;
    char spec[256];
    uint64_t base, size;
    bb_route_options opts;
    char extra[256];
    const bb_transport_ops *ops;
    void *transport;
    cache_entry cache[CACHE_ENTRIES];
    int n_cache;
    bool failing; /* in a run of failed accesses (reported once) */
    uint64_t reads, writes, cached_reads, failures;
    /* irq=: the polled interrupt status register and the line it drives */
    bb_irq irq_line;
    bb_timer irq_timer;
    int irq_level; /* -1 before the first poll */
    uint64_t irq_polls, irq_raised;
    /* filter= or bb_route_set_filter */
    char filter_path[256];
    const bb_route_filter_ops *filter_ops;
    void *filter;
    bool filter_set_once; /* the summary counts what filters did */
    bool in_filter;       /* an access is inside the filter's hands (no re-entry) */
    uint64_t filter_served, filter_errors;
} bb_route;

typedef struct shared_slot {
    struct shared_slot *next;
    void *value;
    char key[];
} shared_slot;

typedef struct bb_routes {
    bb_route *list;
    shared_slot *shared;
    FILE *log;    /* NULL: stderr */
    bool log_all; /* --route-log given: every route logs */
    bool log_owned;
    bool log_header_written;
} bb_routes;

static bb_routes *routes_of(bb_machine *m)
{
    if (!m->routes) m->routes = calloc(1, sizeof(bb_routes));
    return m->routes;
}

void **bb_route_shared(bb_machine *m, const char *key)
{
    bb_routes *rs = routes_of(m);
    if (!rs) return NULL;
    for (shared_slot *s = rs->shared; s; s = s->next)
        if (strcmp(s->key, key) == 0) return &s->value;
    shared_slot *s = calloc(1, sizeof(*s) + strlen(key) + 1);
    if (!s) return NULL;
    strcpy(s->key, key);
    s->next = rs->shared;
    rs->shared = s;
    return &s->value;
}

/* ---- the access log ---- */

static FILE *log_file(const bb_routes *rs)
{
    return rs->log ? rs->log : stderr;
}

static bool logging(const bb_route *r)
{
    const bb_routes *rs = r->m->routes;
    return rs->log_all || r->opts.log;
}

/* The PC of the instruction making the access, as well as the bus can know it: the engine
 * passes the exact PC to its load/store slow path but not to the bus, so this is the
 * running CPU's bb_cpu.pc, the start of the block it last entered from the run loop. */
static uint32_t guest_pc(const bb_machine *m, bb_attrs attrs)
{
    const bb_cpu *cpu = m->running;
    if (!cpu || attrs.cpu == 0xff || cpu->index != attrs.cpu) return 0;
    return cpu->access_pc; /* the accessing instruction, set by the slow path */
}

static void log_access(bb_route *r, char op, uint64_t addr, unsigned size, uint64_t value,
                       uint64_t latency_ns, const char *status, bb_attrs attrs)
{
    bb_routes *rs = r->m->routes;
    FILE *out = log_file(rs);
    if (!rs->log_header_written) {
        fprintf(out, "# brassboard route log: vtime_ns cpu pc access address value latency_ns "
                     "status\n");
        rs->log_header_written = true;
    }
    char cpu[8];
    if (attrs.cpu == 0xff)
        snprintf(cpu, sizeof(cpu), "-");
    else
        snprintf(cpu, sizeof(cpu), "%u", attrs.cpu);
    fprintf(out, "%llu %s 0x%08x %c%u 0x%08llx 0x%0*llx %llu %s\n",
            (unsigned long long)bb_clock_now(r->m->clock), cpu, guest_pc(r->m, attrs), op, size,
            (unsigned long long)addr, (int)(2 * size), (unsigned long long)value,
            (unsigned long long)latency_ns, status);
}

/* ---- the read cache ---- */

static bool cacheable(const bb_route *r, uint64_t addr, unsigned size)
{
    for (int i = 0; i < r->opts.n_cached; i++)
        if (addr >= r->opts.cached_base[i] &&
            addr + size - r->opts.cached_base[i] <= r->opts.cached_size[i])
            return true;
    return false;
}

static cache_entry *cache_find(bb_route *r, uint64_t addr, unsigned size)
{
    for (int i = 0; i < r->n_cache; i++)
        if (r->cache[i].addr == addr && r->cache[i].size == size) return &r->cache[i];
    return NULL;
}

static void cache_store(bb_route *r, uint64_t addr, unsigned size, uint64_t value)
{
    if (r->n_cache == CACHE_ENTRIES) return; /* full: later reads go to the transport */
    r->cache[r->n_cache++] = (cache_entry){addr, value, size};
}

/* A write over cached bytes drops them (the register was not constant after all). */
static void cache_invalidate(bb_route *r, uint64_t addr, unsigned size)
{
    for (int i = 0; i < r->n_cache;) {
        cache_entry *e = &r->cache[i];
        if (e->addr < addr + size && addr < e->addr + e->size)
            *e = r->cache[--r->n_cache];
        else
            i++;
    }
}

/* ---- the region's accessors ---- */

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * size)) - 1;
}

/* A failed access: said once per run of failures, then the default or a bus error. */
static void report_failure(bb_route *r, char op, uint64_t addr)
{
    r->failures++;
    if (r->failing) return;
    r->failing = true;
    if (r->opts.has_default)
        fprintf(stderr,
                "brassboard: route '%s': the %s at 0x%llx failed; until the link recovers, "
                "reads give the default 0x%llx and writes are dropped\n",
                r->spec, op == 'R' ? "read" : "write", (unsigned long long)addr,
                (unsigned long long)r->opts.default_value);
    else
        fprintf(stderr,
                "brassboard: route '%s': the %s at 0x%llx failed; until the link recovers, "
                "each access is a bus error for the guest\n",
                r->spec, op == 'R' ? "read" : "write", (unsigned long long)addr);
}

static void report_success(bb_route *r)
{
    if (!r->failing) return;
    r->failing = false;
    fprintf(stderr, "brassboard: route '%s': accesses succeed again\n", r->spec);
}

/* ---- interrupts over the memory protocol (irq=) ---- */

/* Reads the interrupt status register as the board's own access (not the guest's: it is
 * not counted or logged as one) and drives the interrupt line with (value & mask) != 0.
 * A failed read leaves the line as it is. Changes of the line are logged. */
static void irq_poll(bb_route *r)
{
    const bb_route_options *o = &r->opts;
    uint64_t addr = o->irq_address, value = 0, latency = 0;
    bb_attrs attrs = {.cpu = 0xff};
    uint64_t where = o->relative ? addr - r->base : addr;
    r->irq_polls++;
    if (r->ops->read(r->transport, where, 4, &value, attrs, &latency) != BB_BUS_OK) {
        report_failure(r, 'R', addr);
        return;
    }
    report_success(r);
    value &= 0xffffffffu;
    int level = (value & o->irq_mask) != 0;
    if (level == r->irq_level) return;
    r->irq_level = level;
    if (level) r->irq_raised++;
    bb_irq_set(&r->irq_line, level);
    if (logging(r))
        log_access(r, 'P', addr, 4, value, latency, level ? "irq-high" : "irq-low", attrs);
}

static void irq_timer_fired(void *opaque)
{
    bb_route *r = opaque;
    irq_poll(r);
    bb_timer_mod(&r->irq_timer, bb_clock_now(r->m->clock) + r->opts.irq_poll_ns);
}

static bool irq_start(bb_route *r, char *err, size_t errlen)
{
    if (!r->opts.has_irq) return true;
    if (!bb_machine_irq_input(r->m, NULL, r->opts.irq_input, &r->irq_line)) {
        snprintf(err, errlen, "route '%s': the board's interrupt controller has no input %d",
                 r->spec, r->opts.irq_input);
        return false;
    }
    r->irq_level = -1;
    bb_timer_init(&r->irq_timer, r->m->clock, irq_timer_fired, r);
    bb_timer_mod(&r->irq_timer, bb_clock_now(r->m->clock) + r->opts.irq_poll_ns);
    return true;
}

/* What a read gets when it cannot be done: the default, or a bus error. */
static int read_default(const bb_route *r, unsigned size, uint64_t *value, const char **status)
{
    if (r->opts.has_default) {
        *value = r->opts.default_value & size_mask(size);
        *status = "default";
        return BB_BUS_OK;
    }
    *value = 0;
    *status = "error";
    return BB_BUS_ERROR;
}

static int write_default(const bb_route *r, const char **status)
{
    *status = r->opts.has_default ? "dropped" : "error";
    return r->opts.has_default ? BB_BUS_OK : BB_BUS_ERROR;
}

/* A read by the transport, through the cache; a failure gets the default. The log's
 * status and the transport's latency are returned for the caller to log. */
static int transport_read(bb_route *r, uint64_t addr, unsigned size, uint64_t *value,
                          bb_attrs attrs, uint64_t *latency, const char **status)
{
    bool cache = cacheable(r, addr, size);
    cache_entry *hit = cache ? cache_find(r, addr, size) : NULL;
    *latency = 0;
    if (hit) {
        *value = hit->value;
        r->cached_reads++;
        *status = "cached";
        return BB_BUS_OK;
    }
    uint64_t v = 0;
    int rc = r->ops->read(r->transport, r->opts.relative ? addr - r->base : addr, size, &v, attrs,
                          latency);
    r->reads++;
    if (rc == BB_BUS_OK) {
        v &= size_mask(size);
        report_success(r);
        if (cache) cache_store(r, addr, size, v);
        *value = v;
        *status = "ok";
        return BB_BUS_OK;
    }
    report_failure(r, 'R', addr);
    return read_default(r, size, value, status);
}

static int transport_write(bb_route *r, uint64_t addr, unsigned size, uint64_t value,
                           bb_attrs attrs, uint64_t *latency, const char **status)
{
    cache_invalidate(r, addr, size);
    *latency = 0;
    int rc = r->ops->write(r->transport, r->opts.relative ? addr - r->base : addr, value, size,
                           attrs, latency);
    r->writes++;
    if (rc == BB_BUS_OK) {
        report_success(r);
        *status = r->opts.post_writes ? "posted" : "ok";
        return BB_BUS_OK;
    }
    report_failure(r, 'W', addr);
    return write_default(r, status);
}

/* ---- filters ---- */

static void begin_access(const bb_route *r, bb_route_access *a, bool write, uint64_t addr,
                         unsigned size, uint64_t value, bb_attrs attrs)
{
    memset(a, 0, sizeof(*a));
    a->write = write;
    a->addr = addr;
    a->size = size;
    a->value = value;
    a->route_base = r->base;
    a->route_size = r->size;
    a->pc = guest_pc(r->m, attrs);
    a->cpu = attrs.cpu == 0xff ? -1 : attrs.cpu;
    a->time_ns = bb_clock_now(r->m->clock);
}

/* Where pre sent the access must make sense (the Lua filter checks this too, naming the
 * script's line; this is the route's own guard). */
static bb_route_target check_target(const bb_route *r, bb_route_access *a, bb_route_target to)
{
    bool size_ok = a->size == 1 || a->size == 2 || a->size == 4 || a->size == 8;
    if (to != BB_ROUTE_FAILED && !size_ok) {
        snprintf(a->error, sizeof(a->error), "the filter set the size to %u", a->size);
        return BB_ROUTE_FAILED;
    }
    if (to == BB_ROUTE_TO_HW && r->opts.relative && a->addr < r->base) {
        snprintf(a->error, sizeof(a->error),
                 "the filter moved the access to 0x%llx, below the relative route's base",
                 (unsigned long long)a->addr);
        return BB_ROUTE_FAILED;
    }
    if (to == BB_ROUTE_TO_BUS && a->addr >= r->base && a->addr - r->base < r->size) {
        snprintf(a->error, sizeof(a->error),
                 "the filter sent the access to the bus at 0x%llx, inside the route itself",
                 (unsigned long long)a->addr);
        return BB_ROUTE_FAILED;
    }
    return to;
}

/* A failed filter: said (the first few times), then the access gets the default. */
static void report_filter_error(bb_route *r, const bb_route_access *a, char op, uint64_t addr,
                                unsigned size, bool done)
{
    r->filter_errors++;
    if (r->filter_errors > FILTER_ERRORS_SHOWN + 1) return;
    if (r->filter_errors == FILTER_ERRORS_SHOWN + 1) {
        fprintf(stderr, "brassboard: route '%s': further filter errors are only counted\n",
                r->spec);
        return;
    }
    char outcome[96];
    if (done)
        snprintf(outcome, sizeof(outcome), "the write was done");
    else if (op == 'W')
        snprintf(outcome, sizeof(outcome), "%s",
                 r->opts.has_default ? "the write is dropped" : "a bus error for the guest");
    else if (r->opts.has_default)
        snprintf(outcome, sizeof(outcome), "the read gets the default 0x%llx",
                 (unsigned long long)(r->opts.default_value & size_mask(size)));
    else
        snprintf(outcome, sizeof(outcome), "a bus error for the guest");
    fprintf(stderr, "brassboard: route '%s': filter error at the %s of 0x%llx: %s; %s\n", r->spec,
            op == 'R' ? "read" : "write", (unsigned long long)addr,
            a->error[0] ? a->error : "(no message)", outcome);
}

/* After the guest's line, the access as the far side (or the bus) saw it, when the filter
 * changed its address, size or value: lowercase 'r'/'w'. */
static void log_far_side(bb_route *r, const bb_route_access *a, uint64_t addr, unsigned size,
                         uint64_t guest_value, uint64_t far_value, uint64_t latency,
                         const char *status, bb_attrs attrs)
{
    if (a->addr == addr && a->size == size && far_value == guest_value) return;
    log_access(r, a->write ? 'w' : 'r', a->addr, a->size, far_value, latency, status, attrs);
}

static int filtered_read(bb_route *r, uint64_t addr, unsigned size, uint64_t *value, bb_attrs attrs)
{
    bb_route_access a;
    begin_access(r, &a, false, addr, size, 0, attrs);
    r->in_filter = true;
    bb_route_target to = check_target(r, &a, r->filter_ops->pre(r->filter, &a));
    uint64_t far = 0, latency = 0;
    const char *status = "error";
    int rc = BB_BUS_OK;
    if (to == BB_ROUTE_TO_HW) {
        rc = transport_read(r, a.addr, a.size, &far, attrs, &latency, &status);
    } else if (to == BB_ROUTE_TO_MODEL) {
        far = a.value & size_mask(a.size);
        status = "model";
        r->filter_served++;
    } else if (to == BB_ROUTE_TO_BUS) {
        rc = bb_bus_read(r->m->bus, a.addr, a.size, &far, attrs) == BB_BUS_ERROR ? BB_BUS_ERROR
                                                                                 : BB_BUS_OK;
        far &= size_mask(a.size);
        status = rc == BB_BUS_OK ? "bus" : "error";
        r->filter_served++;
    }
    uint64_t v = far;
    bool done = to != BB_ROUTE_FAILED && rc == BB_BUS_OK && strcmp(status, "default") != 0;
    if (done) {
        a.to = to;
        a.status = status;
        a.value = far;
        if (r->filter_ops->post(r->filter, &a))
            v = a.value;
        else
            to = BB_ROUTE_FAILED;
    }
    if (to == BB_ROUTE_FAILED) {
        report_filter_error(r, &a, 'R', addr, size, false);
        rc = read_default(r, size, &v, &status);
    }
    r->in_filter = false;
    *value = v & size_mask(size);
    if (logging(r)) {
        log_access(r, 'R', addr, size, *value, latency, status, attrs);
        if (to == BB_ROUTE_TO_HW || to == BB_ROUTE_TO_BUS)
            log_far_side(r, &a, addr, size, *value, far, latency, status, attrs);
    }
    return rc;
}

static int filtered_write(bb_route *r, uint64_t addr, unsigned size, uint64_t value, bb_attrs attrs)
{
    bb_route_access a;
    begin_access(r, &a, true, addr, size, value, attrs);
    r->in_filter = true;
    bb_route_target to = check_target(r, &a, r->filter_ops->pre(r->filter, &a));
    uint64_t latency = 0;
    const char *status = "error";
    int rc = BB_BUS_OK;
    if (to != BB_ROUTE_FAILED) a.value &= size_mask(a.size);
    if (to == BB_ROUTE_TO_HW) {
        rc = transport_write(r, a.addr, a.size, a.value, attrs, &latency, &status);
    } else if (to == BB_ROUTE_TO_MODEL) {
        status = "model";
        r->filter_served++;
    } else if (to == BB_ROUTE_TO_BUS) {
        rc = bb_bus_write(r->m->bus, a.addr, a.size, a.value, attrs) == BB_BUS_ERROR ? BB_BUS_ERROR
                                                                                     : BB_BUS_OK;
        status = rc == BB_BUS_OK ? "bus" : "error";
        r->filter_served++;
    }
    bool done = to != BB_ROUTE_FAILED && rc == BB_BUS_OK && strcmp(status, "dropped") != 0;
    if (to == BB_ROUTE_FAILED) {
        report_filter_error(r, &a, 'W', addr, size, false);
        rc = write_default(r, &status);
    } else if (done) {
        a.to = to;
        a.status = status;
        if (!r->filter_ops->post(r->filter, &a)) report_filter_error(r, &a, 'W', addr, size, true);
    }
    r->in_filter = false;
    if (logging(r)) {
        log_access(r, 'W', addr, size, value, latency, status, attrs);
        if (to == BB_ROUTE_TO_HW || to == BB_ROUTE_TO_BUS)
            log_far_side(r, &a, addr, size, value, a.value, latency, status, attrs);
    }
    if (done && to == BB_ROUTE_TO_HW && r->opts.has_irq) irq_poll(r);
    return rc;
}

/* An access that arrives while the route's filter handles another one (its bus access
 * came back here through other routes): refused, since the filter cannot nest. */
static int nested_access(bb_route *r, char op, uint64_t addr, unsigned size, uint64_t *value)
{
    bb_route_access a;
    memset(&a, 0, sizeof(a));
    snprintf(a.error, sizeof(a.error),
             "an access reached the route while its filter was handling another one (a loop "
             "through the bus?)");
    report_filter_error(r, &a, op, addr, size, false);
    const char *status;
    return op == 'R' ? read_default(r, size, value, &status) : write_default(r, &status);
}

/* ---- the region's accessors ---- */

static int route_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value, bb_attrs attrs)
{
    bb_route *r = opaque;
    uint64_t addr = r->base + offset;
    if (attrs.debug) { /* no side effects on the far side */
        cache_entry *hit = cacheable(r, addr, size) ? cache_find(r, addr, size) : NULL;
        *value = hit ? hit->value : 0;
        return BB_BUS_OK;
    }
    if (r->in_filter) return nested_access(r, 'R', addr, size, value);
    if (r->filter_ops) return filtered_read(r, addr, size, value, attrs);
    uint64_t latency;
    const char *status;
    int rc = transport_read(r, addr, size, value, attrs, &latency, &status);
    if (logging(r)) log_access(r, 'R', addr, size, *value, latency, status, attrs);
    return rc;
}

static int route_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    bb_route *r = opaque;
    uint64_t addr = r->base + offset;
    if (attrs.debug) return BB_BUS_OK; /* dropped: no side effects on the far side */
    value &= size_mask(size);
    if (r->in_filter) return nested_access(r, 'W', addr, size, &value);
    if (r->filter_ops) return filtered_write(r, addr, size, value, attrs);
    uint64_t latency;
    const char *status;
    int rc = transport_write(r, addr, size, value, attrs, &latency, &status);
    if (logging(r)) log_access(r, 'W', addr, size, value, latency, status, attrs);
    if (rc == BB_BUS_OK && strcmp(status, "dropped") != 0 && r->opts.has_irq)
        irq_poll(r); /* the write may have acknowledged the interrupt */
    return rc;
}

/* Plain accessors, used by the bus only for debug block copies. */
static uint64_t route_debug_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    uint64_t value = 0;
    attrs.debug = 1;
    route_read(opaque, offset, size, &value, attrs);
    return value;
}

static void route_debug_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                              bb_attrs attrs)
{
    (void)opaque, (void)offset, (void)value, (void)size, (void)attrs;
}

static const bb_mmio_ops route_ops = {
    .read = route_debug_read,
    .write = route_debug_write,
    .checked_read = route_read,
    .checked_write = route_write,
};

/* ---- parsing specs ---- */

static bool parse_number(const char *s, size_t len, bool suffix, uint64_t *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof(buf)) return false;
    memcpy(buf, s, len);
    buf[len] = 0;
    if (buf[0] == '-' || buf[0] == '+') return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 0);
    if (errno || end == buf) return false;
    if (suffix && *end) {
        unsigned shift = *end == 'k' || *end == 'K'   ? 10
                         : *end == 'm' || *end == 'M' ? 20
                         : *end == 'g' || *end == 'G' ? 30
                                                      : 64;
        if (shift == 64 || (v << shift) >> shift != v) return false;
        v <<= shift;
        end++;
    }
    if (*end) return false;
    *out = v;
    return true;
}

/* "A+S" into base and size (size > 0, no wrap). */
static bool parse_range(const char *s, size_t len, uint64_t *base, uint64_t *size)
{
    const char *plus = memchr(s, '+', len);
    if (!plus) return false;
    if (!parse_number(s, (size_t)(plus - s), false, base)) return false;
    if (!parse_number(plus + 1, len - (size_t)(plus + 1 - s), true, size)) return false;
    return *size > 0 && *base + (*size - 1) >= *base;
}

/* "10us", "500ns", "2ms": a nonzero period in ns. */
static bool parse_duration(const char *s, size_t len, uint64_t *ns)
{
    static const struct {
        const char *unit;
        uint64_t scale;
    } units[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        size_t ulen = strlen(units[i].unit);
        uint64_t v;
        if (len <= ulen || strncmp(s + len - ulen, units[i].unit, ulen) != 0) continue;
        if (!parse_number(s, len - ulen, false, &v) || v == 0 || v > UINT64_MAX / units[i].scale)
            return false;
        *ns = v * units[i].scale;
        return true;
    }
    return false;
}

/* irq-mask= and irq-poll= need irq=; ADDR must be an aligned word inside the route. */
static bool check_irq_options(bb_route *r, bool mask_or_poll_given, char *err, size_t errlen)
{
    const bb_route_options *o = &r->opts;
    if (!o->has_irq) {
        if (mask_or_poll_given)
            snprintf(err, errlen, "route '%s': irq-mask= and irq-poll= need irq=INPUT@ADDRESS",
                     r->spec);
        return !mask_or_poll_given;
    }
    if (o->irq_address % 4 || o->irq_address < r->base || o->irq_address - r->base > r->size - 4) {
        snprintf(err, errlen,
                 "route '%s': irq=%d@0x%llx: the status register must be an aligned 32-bit "
                 "word inside the route",
                 r->spec, o->irq_input, (unsigned long long)o->irq_address);
        return false;
    }
    return true;
}

static void append_extra(bb_route *r, const char *opt, size_t len)
{
    size_t used = strlen(r->extra);
    if (used + len + 2 > sizeof(r->extra)) return;
    if (used) r->extra[used++] = '&';
    memcpy(r->extra + used, opt, len);
    r->extra[used + len] = 0;
}

static bool parse_option(bb_route *r, const char *opt, size_t len, char *err, size_t errlen)
{
    bb_route_options *o = &r->opts;
#define IS(word)    (len == strlen(word) && strncmp(opt, word, len) == 0)
#define HAS(prefix) (len > strlen(prefix) && strncmp(opt, prefix, strlen(prefix)) == 0)
    if (IS("relative")) {
        o->relative = true;
    } else if (IS("post-writes")) {
        o->post_writes = true;
    } else if (IS("log")) {
        o->log = true;
    } else if (HAS("default=")) {
        if (!parse_number(opt + 8, len - 8, false, &o->default_value)) {
            snprintf(err, errlen, "route '%s': default=%.*s is not a number", r->spec,
                     (int)(len - 8), opt + 8);
            return false;
        }
        o->has_default = true;
    } else if (HAS("cache=")) {
        uint64_t base, size;
        if (!parse_range(opt + 6, len - 6, &base, &size)) {
            snprintf(err, errlen, "route '%s': cache=%.*s: expected cache=ADDRESS+SIZE", r->spec,
                     (int)(len - 6), opt + 6);
            return false;
        }
        if (base < r->base || base - r->base > r->size - 1 || size > r->size - (base - r->base)) {
            snprintf(err, errlen, "route '%s': cache=%.*s lies outside the route", r->spec,
                     (int)(len - 6), opt + 6);
            return false;
        }
        if (o->n_cached == BB_ROUTE_MAX_CACHED) {
            snprintf(err, errlen, "route '%s': more than %d cache= ranges", r->spec,
                     BB_ROUTE_MAX_CACHED);
            return false;
        }
        o->cached_base[o->n_cached] = base;
        o->cached_size[o->n_cached++] = size;
    } else if (HAS("irq=") && memchr(opt, '@', len)) {
        /* irq=INPUT@ADDRESS: a polled interrupt status register. Without '@', irq= is
         * the transport's own option (a SystemC model's interrupt line). */
        const char *at = memchr(opt, '@', len);
        uint64_t input;
        if (!at || !parse_number(opt + 4, (size_t)(at - opt - 4), false, &input) || input > 1023 ||
            !parse_number(at + 1, len - (size_t)(at + 1 - opt), false, &o->irq_address)) {
            snprintf(err, errlen, "route '%s': %.*s: expected irq=INPUT@ADDRESS", r->spec, (int)len,
                     opt);
            return false;
        }
        o->has_irq = true;
        o->irq_input = (int)input;
    } else if (HAS("irq-mask=")) {
        uint64_t mask;
        if (!parse_number(opt + 9, len - 9, false, &mask) || mask == 0 || mask > 0xffffffffu) {
            snprintf(err, errlen, "route '%s': irq-mask=%.*s: expected a nonzero 32-bit mask",
                     r->spec, (int)(len - 9), opt + 9);
            return false;
        }
        o->irq_mask = (uint32_t)mask;
    } else if (HAS("irq-poll=")) {
        if (!parse_duration(opt + 9, len - 9, &o->irq_poll_ns)) {
            snprintf(err, errlen,
                     "route '%s': irq-poll=%.*s: expected a period such as 10us, 500ns or 1ms",
                     r->spec, (int)(len - 9), opt + 9);
            return false;
        }
    } else if (HAS("filter=")) {
        if (len - 7 >= sizeof(r->filter_path)) {
            snprintf(err, errlen, "route '%s': filter=: the file name is too long", r->spec);
            return false;
        }
        memcpy(r->filter_path, opt + 7, len - 7);
        r->filter_path[len - 7] = 0;
    } else if (len) {
        append_extra(r, opt, len);
    }
#undef IS
#undef HAS
    return true;
}

/* Splits "BASE+SIZE=SCHEME:TARGET?OPTIONS"; scheme and target go to the buffers. */
static bool parse_spec(bb_route *r, char *scheme, size_t scheme_len, char *target,
                       size_t target_len, char *err, size_t errlen)
{
    const char *spec = r->spec;
    const char *eq = strchr(spec, '=');
    if (!eq || !parse_range(spec, (size_t)(eq - spec), &r->base, &r->size)) {
        snprintf(err, errlen,
                 "route '%s': expected BASE+SIZE=SCHEME:TARGET[?OPTIONS], e.g. "
                 "0x101f2000+0x1000=serialice:/dev/ttyUSB0?baud=115200",
                 spec);
        return false;
    }
    const char *colon = strchr(eq + 1, ':');
    if (!colon || colon == eq + 1 || (size_t)(colon - eq - 1) >= scheme_len) {
        snprintf(err, errlen, "route '%s': no SCHEME: after '='", spec);
        return false;
    }
    memcpy(scheme, eq + 1, (size_t)(colon - eq - 1));
    scheme[colon - eq - 1] = 0;
    const char *query = strchr(colon + 1, '?');
    size_t tlen = query ? (size_t)(query - colon - 1) : strlen(colon + 1);
    if (tlen >= target_len) {
        snprintf(err, errlen, "route '%s': target too long", spec);
        return false;
    }
    memcpy(target, colon + 1, tlen);
    target[tlen] = 0;
    r->opts.irq_mask = 0xffffffffu;
    r->opts.irq_poll_ns = 100000;
    bool irq_tuned = false;
    for (const char *opt = query ? query + 1 : NULL; opt;) {
        const char *amp = strchr(opt, '&');
        size_t len = amp ? (size_t)(amp - opt) : strlen(opt);
        if (!parse_option(r, opt, len, err, errlen)) return false;
        irq_tuned |= strncmp(opt, "irq-", 4) == 0;
        opt = amp ? amp + 1 : NULL;
    }
    if (!check_irq_options(r, irq_tuned, err, errlen)) return false;
    r->opts.extra = r->extra[0] ? r->extra : NULL;
    return true;
}

static const char *kind_name(bb_region_kind kind)
{
    switch (kind) {
    case BB_REGION_RAM: return "RAM";
    case BB_REGION_ROM: return "ROM";
    case BB_REGION_MMIO: return "device";
    case BB_REGION_ALIAS: return "alias";
    case BB_REGION_ROUTE: return "route";
    }
    return "region";
}

/* Checks what the route would cover: model regions wholly inside may be replaced; the
 * bases of those go to `replace`. */
static bool check_overlaps(bb_route *r, uint64_t *replace, int *n_replace, int max, char *err,
                           size_t errlen)
{
    *n_replace = 0;
    const uint64_t last = r->base + (r->size - 1);
    for (int i = 0;; i++) {
        const bb_region *reg = bb_bus_region_at(r->m->bus, i);
        if (!reg) break;
        uint64_t reg_last = reg->base + (reg->size - 1);
        if (reg_last < r->base || reg->base > last) continue;
        bool inside = reg->base >= r->base && reg_last <= last;
        if (reg->kind != BB_REGION_MMIO || !inside || *n_replace == max) {
            snprintf(err, errlen, "route '%s': overlaps %s '%s' [0x%llx-0x%llx]%s", r->spec,
                     kind_name(reg->kind), reg->name, (unsigned long long)reg->base,
                     (unsigned long long)reg_last,
                     reg->kind == BB_REGION_MMIO ? " (a route must cover a device's whole range)"
                                                 : "");
            return false;
        }
        replace[(*n_replace)++] = reg->base;
    }
    return true;
}

static void drop_filter(bb_route *r)
{
    if (r->filter_ops) r->filter_ops->close(r->filter);
    r->filter_ops = NULL;
    r->filter = NULL;
}

bool bb_route_set_filter(bb_machine *m, uint64_t addr, const bb_route_filter_ops *ops, void *filter,
                         char *err, size_t errlen)
{
    bb_route *r = m->routes ? ((bb_routes *)m->routes)->list : NULL;
    while (r && !(addr >= r->base && addr - r->base < r->size))
        r = r->next;
    if (!r) {
        snprintf(err, errlen, "no route contains 0x%llx", (unsigned long long)addr);
        return false;
    }
    if (r->in_filter) {
        snprintf(err, errlen, "route '%s': its filter cannot be changed from inside the filter",
                 r->spec);
        return false;
    }
    drop_filter(r);
    r->filter_ops = ops;
    r->filter = ops ? filter : NULL;
    if (ops) r->filter_set_once = true;
    return true;
}

bool bb_route_add(bb_machine *m, const char *spec, char *err, size_t errlen)
{
    bb_routes *rs = routes_of(m);
    bb_route *r = calloc(1, sizeof(*r));
    if (!rs || !r) {
        free(r);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    r->m = m;
    if (strlen(spec) >= sizeof(r->spec)) {
        snprintf(err, errlen, "route '%.60s...': too long", spec);
        free(r);
        return false;
    }
    strcpy(r->spec, spec);
    char scheme[32], target[256], why[384] = "";
    uint64_t replace[64];
    int n_replace = 0;
    if (!parse_spec(r, scheme, sizeof(scheme), target, sizeof(target), err, errlen) ||
        !check_overlaps(r, replace, &n_replace, 64, err, errlen)) {
        free(r);
        return false;
    }
    r->ops = bb_transport_find(scheme);
    if (!r->ops) {
        char known[128] = "";
        for (int i = 0; bb_transports[i]; i++)
            snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s", i ? ", " : "",
                     bb_transports[i]->scheme);
        snprintf(err, errlen, "route '%s': unknown scheme '%s' (known: %s)", spec, scheme, known);
        free(r);
        return false;
    }
    if (r->filter_path[0]) {
        r->filter = bb_lua_filter_open(m, r->filter_path, &r->filter_ops, why, sizeof(why));
        if (!r->filter) {
            snprintf(err, errlen, "route '%s': filter=%s: %s", spec, r->filter_path, why);
            free(r);
            return false;
        }
        r->filter_set_once = true;
    }
    r->transport = r->ops->open(m, target, r->base, r->size, &r->opts, why, sizeof(why));
    if (!r->transport) {
        snprintf(err, errlen, "route '%s': %s", spec, why[0] ? why : "cannot open the transport");
        drop_filter(r);
        free(r);
        return false;
    }
    for (int i = 0; i < n_replace; i++)
        bb_bus_remove(m->bus, replace[i]);
    char name[48];
    snprintf(name, sizeof(name), "route:%s", scheme);
    if (!bb_bus_add_route(m->bus, name, r->base, r->size, &route_ops, r)) {
        snprintf(err, errlen, "route '%s': cannot add the region", spec);
        r->ops->close(r->transport);
        drop_filter(r);
        free(r);
        return false;
    }
    if (!irq_start(r, err, errlen)) {
        bb_bus_remove(m->bus, r->base);
        r->ops->close(r->transport);
        drop_filter(r);
        free(r);
        return false;
    }
    bb_route **tail = &rs->list;
    while (*tail)
        tail = &(*tail)->next;
    *tail = r;
    return true;
}

bool bb_route_set_log(bb_machine *m, const char *path, char *err, size_t errlen)
{
    bb_routes *rs = routes_of(m);
    if (!rs) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    FILE *f = stderr;
    if (strcmp(path, "-") != 0) {
        f = fopen(path, "w");
        if (!f) {
            snprintf(err, errlen, "--route-log '%s': %s", path, strerror(errno));
            return false;
        }
        setvbuf(f, NULL, _IOLBF, 0); /* complete lines even if the run is killed */
    }
    if (rs->log_owned) fclose(rs->log);
    rs->log = f == stderr ? NULL : f;
    rs->log_owned = f != stderr;
    rs->log_all = true;
    rs->log_header_written = false;
    return true;
}

void bb_routes_close(bb_machine *m)
{
    bb_routes *rs = m->routes;
    if (!rs) return;
    while (rs->list) {
        bb_route *r = rs->list;
        rs->list = r->next;
        if (r->opts.has_irq) bb_timer_del(&r->irq_timer);
        if (m->bus) bb_bus_remove(m->bus, r->base);
        r->ops->close(r->transport); /* posted writes are flushed here */
        drop_filter(r);
        if (r->filter_errors)
            fprintf(stderr, "brassboard: route '%s': %llu filter error%s\n", r->spec,
                    (unsigned long long)r->filter_errors, r->filter_errors == 1 ? "" : "s");
        if (logging(r)) {
            fprintf(log_file(rs),
                    "# route %s: reads %llu, cached reads %llu, writes %llu, failed %llu", r->spec,
                    (unsigned long long)r->reads, (unsigned long long)r->cached_reads,
                    (unsigned long long)r->writes, (unsigned long long)r->failures);
            if (r->opts.has_irq)
                fprintf(log_file(rs), ", irq polls %llu, raised %llu",
                        (unsigned long long)r->irq_polls, (unsigned long long)r->irq_raised);
            if (r->filter_set_once)
                fprintf(log_file(rs), ", to model or bus %llu, filter errors %llu",
                        (unsigned long long)r->filter_served, (unsigned long long)r->filter_errors);
            fputc('\n', log_file(rs));
        }
        free(r);
    }
    while (rs->shared) {
        shared_slot *s = rs->shared;
        rs->shared = s->next;
        free(s);
    }
    if (rs->log_owned)
        fclose(rs->log);
    else
        fflush(stderr);
    free(rs);
    m->routes = NULL;
}
