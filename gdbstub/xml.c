/*
 * xml.c: the documents gdb reads with qXfer: the target description (target.xml, one
 * document with every feature inline), the memory map and the thread list.
 *
 * The memory map covers the whole 32-bit address space, because gdb refuses to touch
 * addresses outside it and gdb's addresses are virtual (the guest MMU may map anything
 * anywhere): ROM regions are "rom" (gdb then uses hardware breakpoints there by itself),
 * everything else - RAM, devices and holes - is "ram". `monitor regions` lists the bus as
 * it really is.
 */
#include "gdbstub/stub.h"

#include <stdlib.h>
#include <string.h>

#include "core/board.h"

static char *finish(gdb_buf *b)
{
    if (b->failed) {
        gdb_buf_free(b);
        return NULL;
    }
    return b->data;
}

char *gdb_xml_target(bb_gdbstub *s)
{
    gdb_buf b = {0};
    gdb_buf_str(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                    "<target version=\"1.0\">\n");
    gdb_buf_printf(&b, "<architecture>%s</architecture>\n", s->arch->architecture);
    bb_gdb_reg regs[BB_GDB_MAX_REGS];
    int n = s->arch->registers(s->m->cpus[0], regs, BB_GDB_MAX_REGS);
    const char *open = NULL;
    for (int i = 0; i < n; i++) {
        if (!open || strcmp(open, regs[i].feature) != 0) {
            if (open) gdb_buf_str(&b, "</feature>\n");
            open = regs[i].feature;
            gdb_buf_printf(&b, "<feature name=\"%s\">\n", open);
        }
        if (!regs[i].name) continue;
        gdb_buf_printf(&b, "<reg name=\"%s\" bitsize=\"%u\" regnum=\"%u\"", regs[i].name,
                       regs[i].bits, regs[i].regnum);
        if (regs[i].type) gdb_buf_printf(&b, " type=\"%s\"", regs[i].type);
        if (regs[i].group) gdb_buf_printf(&b, " group=\"%s\"", regs[i].group);
        gdb_buf_str(&b, "/>\n");
    }
    if (open) gdb_buf_str(&b, "</feature>\n");
    gdb_buf_str(&b, "</target>\n");
    return finish(&b);
}

static void add_memory(gdb_buf *b, const char *type, uint64_t start, uint64_t length)
{
    if (length == 0) return;
    gdb_buf_printf(b, "<memory type=\"%s\" start=\"0x%llx\" length=\"0x%llx\"/>\n", type,
                   (unsigned long long)start, (unsigned long long)length);
}

char *gdb_xml_memory_map(bb_gdbstub *s)
{
    const uint64_t top = 1ull << 32;
    gdb_buf b = {0};
    gdb_buf_str(&b, "<?xml version=\"1.0\"?>\n"
                    "<!DOCTYPE memory-map PUBLIC \"+//IDN gnu.org//DTD GDB Memory Map V1.0//EN\" "
                    "\"http://sourceware.org/gdb/gdb-memory-map.dtd\">\n<memory-map>\n");
    uint64_t next = 0; /* everything below is written */
    const bb_region *r;
    for (int i = 0; (r = bb_bus_region_at(s->m->bus, i)) != NULL && next < top; i++) {
        if (r->kind != BB_REGION_ROM || r->base < next || r->base >= top) continue;
        uint64_t end = r->base + r->size < top ? r->base + r->size : top;
        add_memory(&b, "ram", next, r->base - next);
        add_memory(&b, "rom", r->base, end - r->base);
        next = end;
    }
    add_memory(&b, "ram", next, top - next);
    gdb_buf_str(&b, "</memory-map>\n");
    return finish(&b);
}

char *gdb_xml_threads(bb_gdbstub *s)
{
    gdb_buf b = {0};
    gdb_buf_str(&b, "<?xml version=\"1.0\"?>\n<threads>\n");
    for (int i = 0; i < s->m->n_cpus; i++) {
        const char *model = s->m->cpu_model ? s->m->cpu_model->compatible : s->arch->architecture;
        gdb_buf_printf(&b, "<thread id=\"%x\" core=\"%d\" name=\"cpu%d\">%s%s</thread>\n", i + 1, i,
                       i, model, s->m->cpus[i]->halted ? ", waiting for an interrupt" : "");
    }
    gdb_buf_str(&b, "</threads>\n");
    return finish(&b);
}
