/*
 * image.c: reading an ELF image's symbols, mapping symbols and code sections with libelf.
 */
#include "trace/image.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *copy_string(const char *s)
{
    size_t len = strlen(s) + 1;
    char *copy = malloc(len);
    if (copy) memcpy(copy, s, len);
    return copy;
}

static int by_symbol_address(const void *a, const void *b)
{
    const bb_image_symbol *x = a, *y = b;
    if (x->addr != y->addr) return x->addr < y->addr ? -1 : 1;
    if (x->func != y->func) return x->func ? -1 : 1; /* functions first */
    return strcmp(x->name, y->name);
}

static int by_mapping_address(const void *a, const void *b)
{
    const struct bb_image_mapping *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int by_section_address(const void *a, const void *b)
{
    const bb_image_section *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ull; /* FNV-1a */
    return h;
}

/* Mapping symbols: $a (ARM), $t (Thumb), $d (data), optionally followed by ".suffix". */
static bool mapping_kind(const char *name, bb_image_isa *isa)
{
    if (name[0] != '$' || !name[1] || (name[2] && name[2] != '.')) return false;
    switch (name[1]) {
    case 'a': *isa = BB_ISA_ARM; return true;
    case 't': *isa = BB_ISA_THUMB; return true;
    case 'd': *isa = BB_ISA_DATA; return true;
    default: return false;
    }
}

static bool read_symbols(bb_image *img, Elf *elf, Elf_Scn *scn, const GElf_Shdr *shdr)
{
    Elf_Data *data = elf_getdata(scn, NULL);
    if (!data || shdr->sh_entsize == 0) return true;
    size_t count = shdr->sh_size / shdr->sh_entsize;
    bb_image_symbol *syms = realloc(img->symbols, sizeof(*syms) * (img->n_symbols + count + 1));
    if (!syms) return false;
    img->symbols = syms;
    struct bb_image_mapping *maps =
        realloc(img->mappings, sizeof(*maps) * (img->n_mappings + count + 1));
    if (!maps) return false;
    img->mappings = maps;
    for (size_t i = 0; i < count; i++) {
        GElf_Sym sym;
        if (!gelf_getsym(data, (int)i, &sym)) continue;
        const char *name = elf_strptr(elf, shdr->sh_link, sym.st_name);
        if (!name || !name[0] || sym.st_shndx == SHN_UNDEF) continue;
        int type = GELF_ST_TYPE(sym.st_info);
        bb_image_isa isa;
        if (type == STT_NOTYPE && mapping_kind(name, &isa)) {
            /* Mapping symbols describe their own section: only code sections matter. */
            GElf_Shdr target;
            Elf_Scn *in = elf_getscn(elf, sym.st_shndx);
            if (!in || !gelf_getshdr(in, &target) || !(target.sh_flags & SHF_EXECINSTR)) continue;
            img->mappings[img->n_mappings].addr = (uint32_t)sym.st_value;
            img->mappings[img->n_mappings++].isa = isa;
            continue;
        }
        if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE) continue;
        bb_image_symbol *s = &img->symbols[img->n_symbols];
        s->func = type == STT_FUNC;
        s->addr = (uint32_t)sym.st_value & (s->func ? ~1u : ~0u);
        s->size = (uint32_t)sym.st_size;
        s->name = copy_string(name);
        if (!s->name) return false;
        img->n_symbols++;
    }
    return true;
}

static bool read_code_section(bb_image *img, Elf_Scn *scn, const GElf_Shdr *shdr, const char *name)
{
    Elf_Data *data = elf_getdata(scn, NULL);
    bb_image_section *grown = realloc(img->code, sizeof(*grown) * (img->n_code + 1));
    if (!grown) return false;
    img->code = grown;
    bb_image_section *sec = &img->code[img->n_code];
    memset(sec, 0, sizeof(*sec));
    sec->name = copy_string(name ? name : "?");
    sec->addr = (uint32_t)shdr->sh_addr;
    sec->size = (uint32_t)shdr->sh_size;
    sec->bytes = calloc(1, sec->size ? sec->size : 1);
    if (!sec->name || !sec->bytes) return false;
    img->n_code++;
    if (data && data->d_buf)
        memcpy(sec->bytes, data->d_buf, data->d_size < sec->size ? data->d_size : sec->size);
    img->identity = hash_bytes(img->identity, &sec->addr, sizeof(sec->addr));
    img->identity = hash_bytes(img->identity, sec->bytes, sec->size);
    return true;
}

static bool read_elf(bb_image *img, Elf *elf, char *err, size_t errlen)
{
    GElf_Ehdr ehdr;
    if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr)) {
        snprintf(err, errlen, "%s: not an ELF file", img->path);
        return false;
    }
    img->machine = ehdr.e_machine;
    img->entry = (uint32_t)ehdr.e_entry;
    img->identity = 0xcbf29ce484222325ull;
    size_t nphdr = 0;
    elf_getphdrnum(elf, &nphdr);
    img->low = UINT32_MAX;
    for (size_t i = 0; i < nphdr; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (ph.p_vaddr < img->low) img->low = (uint32_t)ph.p_vaddr;
        if (ph.p_vaddr + ph.p_memsz - 1 > img->high)
            img->high = (uint32_t)(ph.p_vaddr + ph.p_memsz - 1);
    }
    if (img->low == UINT32_MAX) img->low = 0;
    size_t shstrndx = 0;
    elf_getshdrstrndx(elf, &shstrndx);
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr shdr;
        if (!gelf_getshdr(scn, &shdr)) continue;
        const char *name = elf_strptr(elf, shstrndx, shdr.sh_name);
        bool ok = true;
        if (shdr.sh_type == SHT_SYMTAB)
            ok = read_symbols(img, elf, scn, &shdr);
        else if (shdr.sh_type == SHT_PROGBITS && (shdr.sh_flags & SHF_EXECINSTR) &&
                 (shdr.sh_flags & SHF_ALLOC) && shdr.sh_size)
            ok = read_code_section(img, scn, &shdr, name);
        if (!ok) {
            snprintf(err, errlen, "%s: out of memory", img->path);
            return false;
        }
    }
    if (img->n_symbols)
        qsort(img->symbols, (size_t)img->n_symbols, sizeof(*img->symbols), by_symbol_address);
    if (img->n_mappings)
        qsort(img->mappings, (size_t)img->n_mappings, sizeof(*img->mappings), by_mapping_address);
    if (img->n_code) qsort(img->code, (size_t)img->n_code, sizeof(*img->code), by_section_address);
    return true;
}

bb_image *bb_image_load(const char *path, char *err, size_t errlen)
{
    if (elf_version(EV_CURRENT) == EV_NONE) {
        snprintf(err, errlen, "%s: libelf cannot be initialised", path);
        return NULL;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    bb_image *img = calloc(1, sizeof(*img));
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    bool ok = false;
    if (!img || !(img->path = copy_string(path)))
        snprintf(err, errlen, "%s: out of memory", path);
    else if (!elf)
        snprintf(err, errlen, "%s: %s", path, elf_errmsg(-1));
    else
        ok = read_elf(img, elf, err, errlen);
    if (elf) elf_end(elf);
    close(fd);
    if (!ok) {
        bb_image_free(img);
        return NULL;
    }
    return img;
}

void bb_image_free(bb_image *img)
{
    if (!img) return;
    for (int i = 0; i < img->n_symbols; i++)
        free(img->symbols[i].name);
    for (int i = 0; i < img->n_code; i++) {
        free(img->code[i].name);
        free(img->code[i].bytes);
    }
    free(img->symbols);
    free(img->mappings);
    free(img->code);
    free(img->path);
    free(img);
}

const bb_image_symbol *bb_image_find(const bb_image *img, const char *name)
{
    const bb_image_symbol *found = NULL;
    for (int i = 0; i < img->n_symbols; i++) {
        if (strcmp(img->symbols[i].name, name) != 0) continue;
        if (img->symbols[i].func) return &img->symbols[i];
        if (!found) found = &img->symbols[i];
    }
    return found;
}

const bb_image_symbol *bb_image_function_at(const bb_image *img, uint32_t addr)
{
    /* The last function starting at or before addr that covers it. */
    int lo = 0, hi = img->n_symbols;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (img->symbols[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int i = lo - 1; i >= 0; i--) {
        const bb_image_symbol *s = &img->symbols[i];
        if (!s->func) continue;
        if (addr - s->addr < (s->size ? s->size : 1)) return s;
        if (s->size) return NULL; /* the nearest sized function ends before addr */
    }
    return NULL;
}

bb_image_isa bb_image_isa_at(const bb_image *img, uint32_t addr)
{
    int lo = 0, hi = img->n_mappings;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (img->mappings[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? BB_ISA_ARM : img->mappings[lo - 1].isa;
}

const bb_image_section *bb_image_code_at(const bb_image *img, uint32_t addr)
{
    for (int i = 0; i < img->n_code; i++)
        if (addr - img->code[i].addr < img->code[i].size) return &img->code[i];
    return NULL;
}

bool bb_image_parse_address(const bb_image *img, const char *text, uint32_t *addr, uint32_t *end)
{
    char *rest;
    errno = 0;
    unsigned long long v = strtoull(text, &rest, 0);
    if (rest != text && *rest == 0 && !errno && v <= UINT32_MAX) {
        *addr = (uint32_t)v;
        if (end) *end = *addr;
        return true;
    }
    if (!img) return false;
    char name[256];
    const char *plus = strchr(text, '+');
    size_t len = plus ? (size_t)(plus - text) : strlen(text);
    if (len == 0 || len >= sizeof(name)) return false;
    memcpy(name, text, len);
    name[len] = 0;
    uint32_t offset = 0;
    if (plus) {
        v = strtoull(plus + 1, &rest, 0);
        if (rest == plus + 1 || *rest || v > UINT32_MAX) return false;
        offset = (uint32_t)v;
    }
    const bb_image_symbol *sym = bb_image_find(img, name);
    if (!sym) return false;
    *addr = sym->addr + offset;
    if (end) *end = plus || !sym->size ? *addr : sym->addr + sym->size - 1;
    return true;
}
