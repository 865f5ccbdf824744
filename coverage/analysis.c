/*
 * analysis.c: decoding an image's code and joining it with coverage flags, symbols and
 * source lines (analysis.h).
 */
#include "coverage/analysis.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jit/arm/cpu.h"
#include "trace/guests.h"

/* The tb_flags that select an instruction set, per guest (ARM: the Thumb bit). */
static uint32_t isa_flags(bool thumb)
{
    return thumb ? ARM_TBF_THUMB : 0;
}

static const bb_guest_ops *guest_of(const bb_image *img)
{
    return img->machine == EM_ARM ? bb_guest_find("arm") : NULL;
}

static bool add_insn(bb_cov_analysis *a, int *cap, const bb_cov_insn *in)
{
    if (a->n_insns == *cap) {
        *cap = *cap ? 2 * *cap : 4096;
        bb_cov_insn *grown = realloc(a->insns, sizeof(*grown) * (size_t)*cap);
        if (!grown) return false;
        a->insns = grown;
    }
    a->insns[a->n_insns++] = *in;
    return true;
}

/* The next address after addr where the mapping symbols change what the code is. */
static uint32_t next_mapping(const bb_image *img, uint32_t addr)
{
    int lo = 0, hi = img->n_mappings;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (img->mappings[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < img->n_mappings ? img->mappings[lo].addr : UINT32_MAX;
}

static bool decode_section(bb_cov_analysis *a, int *cap, const bb_image_section *sec)
{
    uint32_t addr = sec->addr, end = sec->addr + sec->size;
    while (addr < end) {
        bb_image_isa isa = bb_image_isa_at(a->img, addr);
        uint8_t flags = bb_cov_data_at(a->data, addr);
        if (isa == BB_ISA_DATA && !(flags & BB_COV_INSN)) {
            uint32_t next = next_mapping(a->img, addr);
            addr = next < end ? next : end;
            continue;
        }
        bool thumb = isa == BB_ISA_THUMB;
        if (!thumb && (addr & 3)) {
            addr = (addr + 3) & ~3u;
            continue;
        }
        bb_disas_insn dis = {0};
        unsigned avail = end - addr < 4 ? end - addr : 4;
        bool known =
            a->disas && a->guest->disassemble(a->disas, addr, isa_flags(thumb),
                                              sec->bytes + (addr - sec->addr), avail, &dis);
        unsigned size = known ? dis.size : (thumb ? 2 : 4);
        if (known || (flags & BB_COV_INSN)) {
            bb_cov_insn in = {addr, (uint8_t)size, thumb, false, flags, NULL, -1, 0};
            /* What the translator saw wins over the static decoding. */
            in.branch = (flags & BB_COV_INSN) ? (flags & BB_COV_BRANCH) != 0 : dis.cond_branch;
            in.func = bb_image_function_at(a->img, addr);
            if (a->lines) bb_line_table_lookup(a->lines, addr, &in.file, &in.line);
            if (!add_insn(a, cap, &in)) return false;
        }
        addr += size;
    }
    return true;
}

bb_cov_analysis *bb_cov_analyze(const bb_image *img, const bb_cov_data *data, char *err,
                                size_t errlen)
{
    bb_cov_analysis *a = calloc(1, sizeof(*a));
    if (!a) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    a->img = img;
    a->data = data;
    a->guest = guest_of(img);
    if (a->guest && a->guest->disas_open) a->disas = a->guest->disas_open();
    a->lines = bb_line_table_load(img, err, errlen);
    if (!a->lines) {
        bb_cov_analysis_free(a);
        return NULL;
    }
    a->readable = calloc((size_t)a->lines->n_files + 1, sizeof(bool));
    for (int i = 0; a->readable && i < a->lines->n_files; i++)
        a->readable[i] = access(a->lines->files[i], R_OK) == 0;
    int cap = 0;
    for (int i = 0; a->readable && i < img->n_code; i++) {
        if (!decode_section(a, &cap, &img->code[i])) {
            snprintf(err, errlen, "out of memory");
            bb_cov_analysis_free(a);
            return NULL;
        }
    }
    if (!a->readable) {
        snprintf(err, errlen, "out of memory");
        bb_cov_analysis_free(a);
        return NULL;
    }
    return a;
}

void bb_cov_analysis_free(bb_cov_analysis *a)
{
    if (!a) return;
    if (a->disas) a->guest->disas_close(a->disas);
    bb_line_table_free(a->lines);
    free(a->readable);
    free(a->insns);
    free(a);
}

const char *bb_cov_disassemble(const bb_cov_analysis *a, const bb_cov_insn *in, char *buf,
                               size_t size)
{
    const bb_image_section *sec = bb_image_code_at(a->img, in->addr);
    bb_disas_insn dis;
    if (!sec || !a->disas ||
        !a->guest->disassemble(a->disas, in->addr, isa_flags(in->thumb),
                               sec->bytes + (in->addr - sec->addr), in->size, &dis))
        snprintf(buf, size, "(undecoded)");
    else
        snprintf(buf, size, "%s", dis.text);
    return buf;
}
