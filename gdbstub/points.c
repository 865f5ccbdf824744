/*
 * points.c: gdb's breakpoints (Z0 software, Z1 hardware) and watchpoints (Z2 write, Z3
 * read, Z4 access) as translation-time hooks: an exec hook on the breakpoint's address,
 * a memory hook on the watched range. Code and data without one run at full speed.
 *
 * gdb removes every breakpoint when the guest stops and inserts them again when it
 * resumes. Each change of an exec hook discards translations, so a removal only marks
 * the point unwanted; the hooks are brought in line with what gdb wants when the guest
 * resumes (gdb_points_sync), and a breakpoint removed and inserted again in between
 * costs nothing.
 *
 * A watchpoint stops before the accessing instruction completes, as gdb expects on ARM
 * (its watchpoints are "non-steppable": gdb steps over the instruction itself, then
 * compares values). The memory hook asks the machine to stop and returns STOP: the
 * engine abandons the instruction, leaves the registers as before it and keeps it
 * pending to be run again alone with memory hooks quiet, which the next step or
 * continue does (run.c). The stop reply names the first watched byte the access touched.
 */
#include "gdbstub/stub.h"

#include <errno.h>
#include <stdlib.h>

#include "jit/instrument.h"

static bb_hook_result exec_stop(void *opaque, bb_cpu *cpu, uint32_t pc)
{
    (void)opaque, (void)cpu, (void)pc;
    return BB_HOOK_STOP;
}

static bb_hook_result watch_stop(void *opaque, bb_cpu *cpu, uint32_t vaddr, unsigned size,
                                 bool write, uint64_t *value)
{
    (void)size, (void)write, (void)value;
    gdb_point *p = opaque;
    bb_gdbstub *s = p->stub;
    if (!s->watch_hit) {
        s->watch_hit = true;
        s->watch_point = p;
        s->watch_addr = vaddr > p->addr ? vaddr : p->addr;
        s->watch_cpu = cpu->index;
    }
    bb_machine_request_stop(cpu->machine);
    return BB_HOOK_STOP;
}

static unsigned hook_kinds(int type)
{
    switch (type) {
    case POINT_WRITE: return BB_HOOK_WRITE;
    case POINT_READ: return BB_HOOK_READ;
    default: return BB_HOOK_READ | BB_HOOK_WRITE;
    }
}

static int install(bb_gdbstub *s, gdb_point *p)
{
    if (p->type == POINT_SW || p->type == POINT_HW)
        p->hook_id = bb_hook_add_exec(s->m, p->addr, p->addr, exec_stop, p);
    else
        p->hook_id = bb_hook_add_mem(s->m, p->addr, p->addr + (p->kind - 1), hook_kinds(p->type),
                                     watch_stop, p);
    return p->hook_id ? 0 : ENOMEM;
}

static gdb_point *find(bb_gdbstub *s, int type, uint32_t addr, uint32_t kind)
{
    for (gdb_point *p = s->points; p; p = p->next)
        if (p->type == type && p->addr == addr && p->kind == kind) return p;
    return NULL;
}

int gdb_point_insert(bb_gdbstub *s, int type, uint32_t addr, uint32_t kind)
{
    if (type < POINT_SW || type > POINT_ACCESS) return -1;
    if (type <= POINT_HW && !s->arch->breakpoint_kind_ok(kind)) return EINVAL;
    if (type >= POINT_WRITE && (kind == 0 || addr + (kind - 1) < addr)) return EINVAL;
    gdb_point *p = find(s, type, addr, kind);
    if (p) {
        p->wanted = true;
        return 0;
    }
    p = calloc(1, sizeof(*p));
    if (!p) return ENOMEM;
    *p = (gdb_point){s->points, s, type, addr, kind, true, 0};
    int err = install(s, p);
    if (err) {
        free(p);
        return err;
    }
    s->points = p;
    return 0;
}

int gdb_point_remove(bb_gdbstub *s, int type, uint32_t addr, uint32_t kind)
{
    if (type < POINT_SW || type > POINT_ACCESS) return -1;
    gdb_point *p = find(s, type, addr, kind);
    if (p) p->wanted = false;
    return 0;
}

void gdb_points_sync(bb_gdbstub *s)
{
    for (gdb_point **link = &s->points; *link;) {
        gdb_point *p = *link;
        if (p->wanted) {
            link = &p->next;
            continue;
        }
        if (p->hook_id) bb_hook_remove(s->m, p->hook_id);
        if (s->watch_point == p) s->watch_point = NULL;
        *link = p->next;
        free(p);
    }
}

void gdb_points_clear(bb_gdbstub *s)
{
    for (gdb_point *p = s->points; p; p = p->next)
        p->wanted = false;
    gdb_points_sync(s);
}

gdb_point *gdb_point_by_hook(bb_gdbstub *s, int hook_id)
{
    for (gdb_point *p = s->points; p; p = p->next)
        if (p->hook_id == hook_id) return p;
    return NULL;
}
