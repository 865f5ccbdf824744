/*
 * vcd.c: the waveform writer (vcd.h). Probes sit where the events are: interrupt lines are
 * wrapped (the device drives the probe, which records the level and passes it on), serial
 * ports get a chardev probe, CPUs report mode and sleep changes, and watched ranges get a
 * memory hook that runs after each access.
 */
#include "trace/vcd.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/chardev.h"
#include "core/device.h"
#include "jit/cpu.h"
#include "jit/instrument.h"

typedef struct signal {
    char id[6]; /* VCD identifier code */
    unsigned width;
    uint64_t value;
} signal;

typedef struct irq_probe {
    bb_vcd *vcd;
    bb_device *dev;
    int output;
    bb_irq original;
    int sig;
} irq_probe;

typedef struct uart_probe {
    bb_vcd *vcd;
    bb_chardev *chr;
    int tx, tx_count, rx, rx_count;
    uint32_t n_tx, n_rx;
} uart_probe;

typedef struct watch {
    bb_vcd *vcd;
    uint32_t start, end;
    int hook_id;
    int addr, data, write, count;
    uint32_t n;
} watch;

struct bb_vcd {
    bb_machine *m;
    FILE *out;
    signal *sigs;
    int n_sigs, cap_sigs;
    uint64_t time;
    bool started;
    irq_probe *irqs;
    int n_irqs;
    uart_probe uarts[BB_MAX_SERIALS];
    int n_uarts;
    watch watches[BB_VCD_MAX_WATCHES + 16];
    int n_watches;
    int cpu_mode[BB_MAX_CPUS], cpu_sleep[BB_MAX_CPUS];
    int listener_id;
    bool failed;
};

/* ---- signals and value changes ---- */

static void begin_scope(bb_vcd *v, const char *name)
{
    fprintf(v->out, "$scope module %s $end\n", name);
}

static void end_scope(bb_vcd *v)
{
    fprintf(v->out, "$upscope $end\n");
}

static int add_signal(bb_vcd *v, const char *name, unsigned width, uint64_t initial)
{
    if (v->n_sigs == v->cap_sigs) {
        int cap = v->cap_sigs ? 2 * v->cap_sigs : 64;
        signal *grown = realloc(v->sigs, sizeof(*grown) * (size_t)cap);
        if (!grown) {
            v->failed = true;
            return -1;
        }
        v->sigs = grown;
        v->cap_sigs = cap;
    }
    int index = v->n_sigs++;
    signal *s = &v->sigs[index];
    /* Identifier codes: base 94 over the printable characters '!' to '~'. */
    int n = index, len = 0;
    do {
        s->id[len++] = (char)('!' + n % 94);
        n /= 94;
    } while (n && len < 5);
    s->id[len] = 0;
    s->width = width;
    s->value = initial;
    if (width == 1)
        fprintf(v->out, "$var wire 1 %s %s $end\n", s->id, name);
    else
        fprintf(v->out, "$var wire %u %s %s [%u:0] $end\n", width, s->id, name, width - 1);
    return index;
}

static void write_value(bb_vcd *v, const signal *s)
{
    if (s->width == 1) {
        fprintf(v->out, "%c%s\n", s->value ? '1' : '0', s->id);
        return;
    }
    char bits[65];
    int len = 0;
    for (int b = (int)s->width - 1; b >= 0; b--)
        if (len || (s->value >> b) & 1 || b == 0) bits[len++] = (char)('0' + ((s->value >> b) & 1));
    bits[len] = 0;
    fprintf(v->out, "b%s %s\n", bits, s->id);
}

static void change(bb_vcd *v, int sig, uint64_t value)
{
    if (sig < 0 || !v->started) return;
    signal *s = &v->sigs[sig];
    if (s->width < 64) value &= (1ull << s->width) - 1;
    if (s->value == value) return;
    s->value = value;
    uint64_t now = bb_clock_now(v->m->clock);
    if (now != v->time) {
        fprintf(v->out, "#%" PRIu64 "\n", now);
        v->time = now;
    }
    write_value(v, s);
}

/* A scope name from a device or region name: VCD names have no spaces, and '@' and '.'
 * are best avoided. */
static void scope_name(char *out, size_t size, const char *name)
{
    size_t i = 0;
    for (; name[i] && i + 1 < size; i++) {
        char c = name[i];
        out[i] = isalnum((unsigned char)c) || c == '_' ? c : '_';
    }
    out[i] = 0;
}

/* ---- probes ---- */

static void irq_changed(void *opaque, int input, int level)
{
    irq_probe *p = opaque;
    (void)input;
    change(p->vcd, p->sig, level != 0);
    bb_irq_set(&p->original, level);
}

static void serial_bytes(void *opaque, bool input, const uint8_t *buf, size_t len)
{
    uart_probe *p = opaque;
    for (size_t i = 0; i < len; i++) {
        if (input) {
            change(p->vcd, p->rx, buf[i]);
            change(p->vcd, p->rx_count, ++p->n_rx);
        } else {
            change(p->vcd, p->tx, buf[i]);
            change(p->vcd, p->tx_count, ++p->n_tx);
        }
    }
}

static bb_hook_result watched_access(void *opaque, bb_cpu *cpu, uint32_t vaddr, unsigned size,
                                     bool write, uint64_t *value)
{
    watch *w = opaque;
    (void)cpu, (void)size;
    change(w->vcd, w->addr, vaddr);
    change(w->vcd, w->data, *value);
    change(w->vcd, w->write, write);
    change(w->vcd, w->count, ++w->n);
    return BB_HOOK_CONTINUE;
}

static void cpu_event(void *opaque, bb_cpu *cpu, bb_cpu_event event, uint32_t a, uint32_t b)
{
    bb_vcd *v = opaque;
    (void)b;
    if (cpu->index >= BB_MAX_CPUS) return;
    if (event == BB_CPU_MODE)
        change(v, v->cpu_mode[cpu->index], a);
    else if (event == BB_CPU_SLEEP)
        change(v, v->cpu_sleep[cpu->index], a);
}

/* ---- setting up ---- */

static void add_irq_probes(bb_vcd *v)
{
    int total = 0;
    for (bb_device *d = v->m->devices; d; d = d->next)
        total += d->n_irq_out;
    v->irqs = calloc(total ? (size_t)total : 1, sizeof(*v->irqs));
    if (!v->irqs) {
        v->failed = true;
        return;
    }
    for (bb_device *d = v->m->devices; d; d = d->next) {
        if (d->n_irq_out == 0) continue;
        char scope[64];
        scope_name(scope, sizeof(scope), d->name);
        begin_scope(v, scope);
        for (int k = 0; k < d->n_irq_out; k++) {
            irq_probe *p = &v->irqs[v->n_irqs++];
            char name[16];
            snprintf(name, sizeof(name), "irq%d", k);
            p->vcd = v;
            p->dev = d;
            p->output = k;
            p->original = d->irq_out[k];
            p->sig = add_signal(v, name, 1, 0);
            d->irq_out[k] = bb_irq_make(irq_changed, p, d->irq_out[k].input);
        }
        end_scope(v);
    }
}

static void add_cpu_signals(bb_vcd *v)
{
    for (int i = 0; i < v->m->n_cpus && i < BB_MAX_CPUS; i++) {
        bb_cpu *cpu = v->m->cpus[i];
        char scope[16];
        snprintf(scope, sizeof(scope), "cpu%d", i);
        int cpsr = bb_cpu_reg_find(cpu, "cpsr");
        uint32_t mode = cpsr >= 0 ? (uint32_t)cpu->ops->reg_read(cpu, cpsr) & 0x1f : 0;
        begin_scope(v, scope);
        v->cpu_mode[i] = add_signal(v, "mode", 5, mode);
        v->cpu_sleep[i] = add_signal(v, "sleep", 1, cpu->halted);
        end_scope(v);
    }
}

static void add_uart_probes(bb_vcd *v)
{
    for (int i = 0; i < BB_MAX_SERIALS; i++) {
        bb_chardev *chr = bb_machine_serial(v->m, i);
        if (!chr) continue;
        uart_probe *p = &v->uarts[v->n_uarts];
        char scope[16];
        snprintf(scope, sizeof(scope), "uart%d", i);
        p->vcd = v;
        p->chr = chr;
        begin_scope(v, scope);
        p->tx = add_signal(v, "tx", 8, 0);
        p->tx_count = add_signal(v, "tx_count", 32, 0);
        p->rx = add_signal(v, "rx", 8, 0);
        p->rx_count = add_signal(v, "rx_count", 32, 0);
        end_scope(v);
        if (bb_chardev_add_probe(chr, serial_bytes, p)) v->n_uarts++;
    }
}

static void add_watch(bb_vcd *v, const char *scope, uint32_t start, uint32_t end)
{
    if (v->n_watches == (int)(sizeof(v->watches) / sizeof(v->watches[0]))) return;
    watch *w = &v->watches[v->n_watches];
    w->vcd = v;
    w->start = start;
    w->end = end;
    begin_scope(v, scope);
    w->addr = add_signal(v, "addr", 32, 0);
    w->data = add_signal(v, "data", 32, 0);
    w->write = add_signal(v, "write", 1, 0);
    w->count = add_signal(v, "count", 32, 0);
    end_scope(v);
    w->hook_id = bb_hook_add_mem(v->m, start, end, BB_HOOK_READ | BB_HOOK_WRITE | BB_HOOK_DONE,
                                 watched_access, w);
    if (w->hook_id)
        v->n_watches++;
    else
        v->failed = true;
}

static void add_watches(bb_vcd *v, const bb_vcd_options *opts)
{
    for (int i = 0; i < opts->n_watches; i++) {
        char scope[40];
        snprintf(scope, sizeof(scope), "watch_%08" PRIx32, opts->watch_start[i]);
        add_watch(v, scope, opts->watch_start[i], opts->watch_end[i]);
    }
    /* Routed ranges: their guest virtual addresses are taken to be their physical ones,
     * as in firmware that maps its devices flat. */
    for (int i = 0;; i++) {
        const bb_region *r = bb_bus_region_at(v->m->bus, i);
        if (!r) break;
        if (r->kind != BB_REGION_ROUTE || r->base > UINT32_MAX) continue;
        char scope[40];
        snprintf(scope, sizeof(scope), "route_%08" PRIx64, r->base);
        uint64_t end = r->base + r->size - 1;
        add_watch(v, scope, (uint32_t)r->base, end > UINT32_MAX ? UINT32_MAX : (uint32_t)end);
    }
}

static void detach(bb_vcd *v)
{
    for (int i = 0; i < v->n_irqs; i++)
        v->irqs[i].dev->irq_out[v->irqs[i].output] = v->irqs[i].original;
    for (int i = 0; i < v->n_uarts; i++)
        bb_chardev_remove_probe(v->uarts[i].chr, serial_bytes, &v->uarts[i]);
    for (int i = 0; i < v->n_watches; i++)
        bb_hook_remove(v->m, v->watches[i].hook_id);
    if (v->listener_id) bb_instrument_remove_cpu_listener(v->m, v->listener_id);
    v->n_irqs = v->n_uarts = v->n_watches = 0;
    v->listener_id = 0;
}

static void free_vcd(bb_vcd *v)
{
    detach(v);
    if (v->out) fclose(v->out);
    free(v->irqs);
    free(v->sigs);
    free(v);
}

bb_vcd *bb_vcd_start(bb_machine *m, const bb_vcd_options *opts, char *err, size_t errlen)
{
    bb_vcd *v = calloc(1, sizeof(*v));
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    v->m = m;
    v->out = fopen(opts->path, "w");
    if (!v->out) {
        snprintf(err, errlen, "--vcd %s: %s", opts->path, strerror(errno));
        free_vcd(v);
        return NULL;
    }
    setvbuf(v->out, NULL, _IOFBF, 1 << 16);
    fprintf(v->out, "$comment brassboard waveform of board %s $end\n", m->board_name);
    fprintf(v->out, "$timescale 1ns $end\n");
    begin_scope(v, "board");
    add_cpu_signals(v);
    add_irq_probes(v);
    add_uart_probes(v);
    add_watches(v, opts);
    fprintf(v->out, "$upscope $end\n$enddefinitions $end\n");
    v->listener_id = bb_instrument_add_cpu_listener(m, cpu_event, v);
    if (!v->listener_id || v->failed) {
        snprintf(err, errlen, "--vcd %s: out of memory", opts->path);
        free_vcd(v);
        return NULL;
    }
    v->time = bb_clock_now(m->clock);
    fprintf(v->out, "#%" PRIu64 "\n$dumpvars\n", v->time);
    for (int i = 0; i < v->n_sigs; i++)
        write_value(v, &v->sigs[i]);
    fprintf(v->out, "$end\n");
    v->started = true;
    return v;
}

bool bb_vcd_finish(bb_vcd *v)
{
    if (!v) return true;
    detach(v);
    uint64_t now = bb_clock_now(v->m->clock);
    if (now != v->time) fprintf(v->out, "#%" PRIu64 "\n", now);
    bool ok = !ferror(v->out);
    if (fclose(v->out) != 0) ok = false;
    v->out = NULL;
    free_vcd(v);
    return ok;
}
