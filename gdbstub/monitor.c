/*
 * monitor.c: gdb's `monitor` commands (qRcmd): a small registry that other modules add
 * their commands to, and the built-in ones: help, reset, regions, log, icount (trace and
 * coverage are in monitor_trace.c and monitor_coverage.c).
 */
#include "gdbstub/stub.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/clock.h"
#include "core/log.h"

enum { MAX_WORDS = 32 };

bool bb_gdbstub_add_command(bb_gdbstub *s, const bb_monitor_command *cmd)
{
    for (int i = 0; i < s->n_commands; i++) {
        if (strcmp(s->commands[i].name, cmd->name) == 0) {
            s->commands[i] = *cmd;
            return true;
        }
    }
    if (s->n_commands == s->cap_commands) {
        int cap = s->cap_commands ? 2 * s->cap_commands : 16;
        bb_monitor_command *grown = realloc(s->commands, sizeof(*grown) * (size_t)cap);
        if (!grown) return false;
        s->commands = grown;
        s->cap_commands = cap;
    }
    s->commands[s->n_commands++] = *cmd;
    return true;
}

int bb_gdbstub_monitor(bb_gdbstub *s, const char *line, FILE *out)
{
    char *copy = strdup(line);
    if (!copy) return -1;
    char *argv[MAX_WORDS + 1];
    int argc = 0;
    for (char *p = copy; *p && argc < MAX_WORDS;) {
        while (isspace((unsigned char)*p))
            *p++ = 0;
        if (!*p) break;
        argv[argc++] = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
    }
    argv[argc] = NULL;
    if (argc == 0) {
        argv[argc++] = "help";
        argv[argc] = NULL;
    }
    int status = -1;
    bool found = false;
    for (int i = 0; i < s->n_commands && !found; i++) {
        if (strcmp(s->commands[i].name, argv[0]) == 0) {
            found = true;
            status = s->commands[i].run(s->commands[i].opaque, s->m, argc, argv, out);
        }
    }
    if (!found) fprintf(out, "unknown monitor command '%s' (try: monitor help)\n", argv[0]);
    free(copy);
    return status;
}

/* ---- built-in commands ---- */

static int cmd_help(void *opaque, bb_machine *m, int argc, char **argv, FILE *out)
{
    bb_gdbstub *s = opaque;
    (void)m, (void)argc, (void)argv;
    fprintf(out, "monitor commands:\n");
    for (int i = 0; i < s->n_commands; i++) {
        const bb_monitor_command *c = &s->commands[i];
        if (strlen(c->usage) <= 36)
            fprintf(out, "  %-36s %s\n", c->usage, c->help);
        else
            fprintf(out, "  %s\n  %-36s %s\n", c->usage, "", c->help);
    }
    return 0;
}

static int cmd_reset(void *opaque, bb_machine *m, int argc, char **argv, FILE *out)
{
    bb_gdbstub *s = opaque;
    (void)argc, (void)argv;
    bb_machine_reset(m);
    for (int i = 0; i < m->n_cpus; i++) {
        bb_cpu *cpu = m->cpus[i];
        bb_cpu_flush_translations(cpu); /* the MMU is off again */
    }
    s->watch_hit = false;
    s->last_stop = (gdb_stop){STOP_SIGNAL, 5, 0, NULL, 0, 0};
    fprintf(out, "machine reset: cpu0 at 0x%08x (memory is kept; `load` reloads the image)\n",
            m->cpus[0]->pc);
    return 0;
}

static const char *kind_name(bb_region_kind kind)
{
    switch (kind) {
    case BB_REGION_RAM: return "ram";
    case BB_REGION_ROM: return "rom";
    case BB_REGION_MMIO: return "mmio";
    case BB_REGION_ALIAS: return "alias";
    case BB_REGION_ROUTE: return "route";
    }
    return "?";
}

static int cmd_regions(void *opaque, bb_machine *m, int argc, char **argv, FILE *out)
{
    (void)opaque, (void)argc, (void)argv;
    const bb_region *r;
    fprintf(out, "%-23s %-6s %s\n", "physical range", "kind", "name");
    for (int i = 0; (r = bb_bus_region_at(m->bus, i)) != NULL; i++) {
        fprintf(out, "0x%08llx-0x%08llx  %-6s %s", (unsigned long long)r->base,
                (unsigned long long)(r->base + r->size - 1), kind_name(r->kind), r->name);
        if (r->kind == BB_REGION_ALIAS)
            fprintf(out, " -> 0x%08llx", (unsigned long long)r->alias_target);
        if (r->kind == BB_REGION_RAM || r->kind == BB_REGION_ROM)
            fprintf(out, " (%llu KiB)", (unsigned long long)(r->size >> 10));
        fprintf(out, "\n");
    }
    return 0;
}

/* Writes the names of the categories in `mask`, as bb_log_help lists them. */
static void print_log_mask(FILE *out, unsigned mask)
{
    const char *help = bb_log_help();
    bool any = false;
    for (const char *line = strchr(help, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        const char *word = line + 1;
        while (*word == ' ')
            word++;
        size_t len = strcspn(word, " \n");
        char name[32], err[64];
        unsigned bits;
        if (len == 0 || len >= sizeof(name)) continue;
        memcpy(name, word, len);
        name[len] = 0;
        if (!strcmp(name, "all") || !strcmp(name, "none")) continue;
        if (!bb_log_parse(name, &bits, err, sizeof(err)) || !(bits & mask)) continue;
        fprintf(out, "%s%s", any ? "," : "", name);
        any = true;
    }
    fprintf(out, "%s\n", any ? "" : "none");
}

static int cmd_log(void *opaque, bb_machine *m, int argc, char **argv, FILE *out)
{
    (void)opaque;
    unsigned bits = 0;
    char err[160];
    const char *mode = argc >= 2 ? argv[1] : NULL;
    bool on = mode && !strcmp(mode, "on"), off = mode && !strcmp(mode, "off");
    const char *spec = on || off ? (argc >= 3 ? argv[2] : NULL) : mode;
    if (argc > (on || off ? 3 : 2) || (on && !spec)) {
        fprintf(out, "usage: monitor log [CATEGORIES | on CATEGORIES | off [CATEGORIES]]\n");
        return 1;
    }
    if (spec && !bb_log_parse(spec, &bits, err, sizeof(err))) {
        fprintf(out, "%s\n", err);
        return 1;
    }
    if (on)
        m->log.mask |= bits;
    else if (off)
        m->log.mask &= spec ? ~bits : 0u;
    else if (spec)
        m->log.mask = bits;
    fprintf(out, "log: ");
    print_log_mask(out, m->log.mask);
    return 0;
}

static int cmd_icount(void *opaque, bb_machine *m, int argc, char **argv, FILE *out)
{
    (void)opaque, (void)argc, (void)argv;
    fprintf(out, "instructions: %llu\nvirtual time: %llu ns\n",
            (unsigned long long)bb_machine_icount(m), (unsigned long long)bb_clock_now(m->clock));
    for (int i = 0; i < m->n_cpus && m->n_cpus > 1; i++)
        fprintf(out, "cpu%d: %llu instructions\n", i,
                (unsigned long long)bb_cpu_icount(m->cpus[i]));
    return 0;
}

bool gdb_monitor_init(bb_gdbstub *s)
{
    const bb_monitor_command builtins[] = {
        {"help", "help", "this list", cmd_help, s},
        {"reset", "reset", "reset the board (CPUs and devices; memory is kept)", cmd_reset, s},
        {"regions", "regions", "the physical memory map of the board", cmd_regions, s},
        {"log", "log [CATS | on CATS | off [CATS]]", "show or change --log categories", cmd_log, s},
        {"icount", "icount", "instructions retired and virtual time", cmd_icount, s},
    };
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
        if (!bb_gdbstub_add_command(s, &builtins[i])) return false;
    return gdb_monitor_trace_init(s) && gdb_monitor_coverage_init(s);
}

void gdb_monitor_free(bb_gdbstub *s)
{
    gdb_monitor_trace_free(s);
    gdb_monitor_coverage_free(s);
    free(s->commands);
    s->commands = NULL;
    s->n_commands = s->cap_commands = 0;
}
