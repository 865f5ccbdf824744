/*
 * lines.c: reading DWARF line tables with libdw (lines.h).
 */
#include "coverage/lines.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int file_index(bb_line_table *t, const char *dir, const char *name)
{
    char path[4096];
    if (name[0] == '/' || !dir)
        snprintf(path, sizeof(path), "%s", name);
    else
        snprintf(path, sizeof(path), "%s/%s", dir, name);
    for (int i = t->n_files - 1; i >= 0; i--)
        if (strcmp(t->files[i], path) == 0) return i;
    char **grown = realloc(t->files, sizeof(*grown) * (size_t)(t->n_files + 1));
    if (!grown) return -1;
    t->files = grown;
    t->files[t->n_files] = strdup(path);
    if (!t->files[t->n_files]) return -1;
    return t->n_files++;
}

static bool add_range(bb_line_table *t, int *cap, uint32_t start, uint32_t end, int file,
                      unsigned line)
{
    if (t->n_ranges == *cap) {
        *cap = *cap ? 2 * *cap : 1024;
        bb_line_range *grown = realloc(t->ranges, sizeof(*grown) * (size_t)*cap);
        if (!grown) return false;
        t->ranges = grown;
    }
    t->ranges[t->n_ranges++] = (bb_line_range){start, end, file, line};
    return true;
}

/* The names of the unit's functions by the addresses where their code starts. */
typedef struct entry {
    uint32_t addr;
    const char *name;
} entry;

typedef struct entries {
    entry *list;
    int n, cap;
} entries;

static bool add_entry(entries *e, uint32_t addr, const char *name)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? 2 * e->cap : 64;
        entry *grown = realloc(e->list, sizeof(*grown) * (size_t)e->cap);
        if (!grown) return false;
        e->list = grown;
    }
    e->list[e->n++] = (entry){addr, name};
    return true;
}

static bool function_entries(Dwarf_Die *cu, entries *e)
{
    Dwarf_Die die;
    if (dwarf_child(cu, &die) != 0) return true;
    do {
        if (dwarf_tag(&die) != DW_TAG_subprogram) continue;
        Dwarf_Attribute attr;
        const char *name = dwarf_formstring(dwarf_attr_integrate(&die, DW_AT_name, &attr));
        if (!name) continue;
        Dwarf_Addr base, start, end;
        ptrdiff_t off = 0;
        while ((off = dwarf_ranges(&die, off, &base, &start, &end)) > 0)
            if (!add_entry(e, (uint32_t)start, name)) return false;
    } while (dwarf_siblingof(&die, &die) == 0);
    return true;
}

/* Whether the image has a symbol at addr named after the function (or a part of it, as
 * "f.cold" is of f). */
static bool image_has(const bb_image *img, uint32_t addr, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < img->n_symbols; i++) {
        const bb_image_symbol *s = &img->symbols[i];
        if (s->addr == addr && strncmp(s->name, name, len) == 0 &&
            (s->name[len] == 0 || s->name[len] == '.'))
            return true;
    }
    return false;
}

/* A sequence that starts where one of the unit's functions starts is live if the image has
 * that function there; a discarded function's sequence sits at address 0, where the image
 * has something else. Other sequences (assembly without function entries) are live. */
static bool sequence_is_live(const bb_image *img, const entries *e, uint32_t start)
{
    bool named = false;
    for (int i = 0; i < e->n; i++) {
        if (e->list[i].addr != start) continue;
        if (image_has(img, start, e->list[i].name)) return true;
        named = true;
    }
    return !named;
}

/* One compilation unit: each row covers the addresses up to the next row of its sequence
 * (of several rows at one address, the last one counts). */
static bool read_unit(bb_line_table *t, int *cap, Dwarf_Die *cu, const bb_image *img)
{
    Dwarf_Lines *lines;
    size_t n;
    if (dwarf_getsrclines(cu, &lines, &n) != 0) return true;
    Dwarf_Attribute attr;
    const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
    entries functions = {NULL, 0, 0};
    if (!function_entries(cu, &functions)) return false;
    bool live = false, new_sequence = true, ok = true;
    for (size_t i = 0; ok && i + 1 < n; i++) {
        Dwarf_Line *row = dwarf_onesrcline(lines, i), *next = dwarf_onesrcline(lines, i + 1);
        Dwarf_Addr addr, next_addr;
        bool end = false;
        int lineno = 0;
        if (!row || !next || dwarf_lineaddr(row, &addr) || dwarf_lineaddr(next, &next_addr) ||
            dwarf_lineendsequence(row, &end) || dwarf_lineno(row, &lineno))
            continue;
        if (new_sequence) live = sequence_is_live(img, &functions, (uint32_t)addr);
        new_sequence = end;
        if (end || !live || next_addr <= addr || lineno <= 0) continue;
        const char *src = dwarf_linesrc(row, NULL, NULL);
        if (!src) continue;
        int file = file_index(t, dir, src);
        ok = file >= 0 &&
             add_range(t, cap, (uint32_t)addr, (uint32_t)next_addr, file, (unsigned)lineno);
    }
    free(functions.list);
    return ok;
}

static int by_start(const void *a, const void *b)
{
    const bb_line_range *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

bb_line_table *bb_line_table_load(const bb_image *img, char *err, size_t errlen)
{
    const char *path = img->path;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    bb_line_table *t = calloc(1, sizeof(*t));
    if (!t) {
        close(fd);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    Dwarf *dw = dwarf_begin(fd, DWARF_C_READ);
    bool ok = true;
    if (dw) {
        int cap = 0;
        Dwarf_Off off = 0, next;
        size_t header_size;
        while (ok && dwarf_nextcu(dw, off, &next, &header_size, NULL, NULL, NULL) == 0) {
            Dwarf_Die cu;
            if (dwarf_offdie(dw, off + header_size, &cu)) ok = read_unit(t, &cap, &cu, img);
            off = next;
        }
        dwarf_end(dw);
    }
    close(fd);
    if (!ok) {
        bb_line_table_free(t);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    if (t->n_ranges) qsort(t->ranges, (size_t)t->n_ranges, sizeof(*t->ranges), by_start);
    return t;
}

void bb_line_table_free(bb_line_table *t)
{
    if (!t) return;
    for (int i = 0; i < t->n_files; i++)
        free(t->files[i]);
    free(t->files);
    free(t->ranges);
    free(t);
}

bool bb_line_table_lookup(const bb_line_table *t, uint32_t addr, int *file, unsigned *line)
{
    int lo = 0, hi = t->n_ranges;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (t->ranges[mid].start <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) return false;
    const bb_line_range *r = &t->ranges[lo - 1];
    if (addr >= r->end) return false;
    *file = r->file;
    *line = r->line;
    return true;
}
