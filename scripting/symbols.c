/*
 * symbols.c: ELF symbol tables read with libelf. Functions, objects and untyped labels are
 * kept (mapping symbols such as $a, $t, $d and section or file symbols are not), in one
 * array sorted by name for lookups and one sorted by address for bb_symbols_at.
 */
#include "scripting/symbols.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct entry {
    bb_symbol sym;
    bool global;
} entry;

struct bb_symbols {
    entry *entries; /* sorted by name */
    int n, cap;
    const entry **by_addr;
    char **names; /* the strings, owned */
    int n_names, cap_names;
};

static bool grow(void **array, int *cap, int need, size_t size)
{
    if (need <= *cap) return true;
    int cap2 = *cap ? *cap : 64;
    while (cap2 < need)
        cap2 *= 2;
    void *grown = realloc(*array, (size_t)cap2 * size);
    if (!grown) return false;
    *array = grown;
    *cap = cap2;
    return true;
}

static bool add(bb_symbols *s, const char *name, const GElf_Sym *sym)
{
    if (!grow((void **)&s->entries, &s->cap, s->n + 1, sizeof(entry)) ||
        !grow((void **)&s->names, &s->cap_names, s->n_names + 1, sizeof(char *)))
        return false;
    char *copy = strdup(name);
    if (!copy) return false;
    s->names[s->n_names++] = copy;
    int type = GELF_ST_TYPE(sym->st_info);
    entry *e = &s->entries[s->n++];
    e->sym.name = copy;
    e->sym.thumb = type == STT_FUNC && (sym->st_value & 1);
    e->sym.addr = sym->st_value & ~(uint64_t)(e->sym.thumb ? 1 : 0);
    e->sym.size = sym->st_size;
    e->sym.function = type == STT_FUNC;
    e->global = GELF_ST_BIND(sym->st_info) != STB_LOCAL;
    return true;
}

static bool wanted(const char *name, const GElf_Sym *sym)
{
    int type = GELF_ST_TYPE(sym->st_info);
    if (!name[0] || name[0] == '$' || sym->st_shndx == SHN_UNDEF) return false;
    return type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE;
}

static int by_name(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->sym.name, y->sym.name);
    if (c) return c;
    return (int)y->global - (int)x->global; /* globals first */
}

static int by_addr(const void *a, const void *b)
{
    const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
    if (x->sym.addr != y->sym.addr) return x->sym.addr < y->sym.addr ? -1 : 1;
    return (int)y->sym.function - (int)x->sym.function; /* functions first */
}

static bool read_symtab(bb_symbols *s, Elf *elf)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr shdr;
        if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB) continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data || !shdr.sh_entsize) continue;
        size_t count = shdr.sh_size / shdr.sh_entsize;
        for (size_t i = 0; i < count; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym)) continue;
            const char *name = elf_strptr(elf, shdr.sh_link, sym.st_name);
            if (name && wanted(name, &sym) && !add(s, name, &sym)) return false;
        }
    }
    return true;
}

static bool index_symbols(bb_symbols *s)
{
    qsort(s->entries, (size_t)s->n, sizeof(entry), by_name);
    free(s->by_addr);
    s->by_addr = malloc(sizeof(entry *) * (size_t)(s->n ? s->n : 1));
    if (!s->by_addr) return false;
    for (int i = 0; i < s->n; i++)
        s->by_addr[i] = &s->entries[i];
    qsort(s->by_addr, (size_t)s->n, sizeof(entry *), by_addr);
    return true;
}

bool bb_symbols_add_elf(bb_symbols **syms, const char *path, char *err, size_t errlen)
{
    if (elf_version(EV_CURRENT) == EV_NONE) {
        snprintf(err, errlen, "%s: libelf is not usable", path);
        return false;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open it", path);
        return false;
    }
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    bool ok = false;
    if (!elf || elf_kind(elf) != ELF_K_ELF) {
        snprintf(err, errlen, "%s: not an ELF file", path);
    } else {
        if (!*syms) *syms = calloc(1, sizeof(bb_symbols));
        ok = *syms && read_symtab(*syms, elf) && index_symbols(*syms);
        if (!ok) snprintf(err, errlen, "%s: out of memory reading its symbols", path);
    }
    if (elf) elf_end(elf);
    close(fd);
    return ok;
}

void bb_symbols_free(bb_symbols *s)
{
    if (!s) return;
    for (int i = 0; i < s->n_names; i++)
        free(s->names[i]);
    free(s->names);
    free(s->entries);
    free(s->by_addr);
    free(s);
}

const bb_symbol *bb_symbols_find(const bb_symbols *s, const char *name)
{
    if (!s) return NULL;
    int lo = 0, hi = s->n;
    while (lo < hi) { /* the first entry not before name */
        int mid = (lo + hi) / 2;
        if (strcmp(s->entries[mid].sym.name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < s->n && strcmp(s->entries[lo].sym.name, name) == 0) return &s->entries[lo].sym;
    return NULL;
}

const bb_symbol *bb_symbols_at(const bb_symbols *s, uint64_t addr)
{
    if (!s || !s->n) return NULL;
    int lo = 0, hi = s->n;
    while (lo < hi) { /* the first entry after addr */
        int mid = (lo + hi) / 2;
        if (s->by_addr[mid]->sym.addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int i = lo - 1; i >= 0 && i >= lo - 8; i--) {
        const bb_symbol *sym = &s->by_addr[i]->sym;
        if (addr == sym->addr || addr < sym->addr + sym->size) return sym;
    }
    return NULL;
}
