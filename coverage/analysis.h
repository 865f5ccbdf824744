/*
 * analysis.h: the instructions of an image with what coverage says about each: the code
 * sections are decoded with the guest's disassembler (ARM or Thumb as the mapping symbols
 * say, data skipped), each instruction gets its flags, its function (ELF symbols) and its
 * source line (DWARF). Every report is written from this.
 */
#ifndef BB_COVERAGE_ANALYSIS_H
#define BB_COVERAGE_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coverage/data.h"
#include "coverage/lines.h"
#include "jit/cpu.h"
#include "trace/image.h"

typedef struct bb_cov_insn {
    uint32_t addr;
    uint8_t size;
    bool thumb;
    bool branch;                 /* a conditional branch (two outcomes) */
    uint8_t flags;               /* BB_COV_* */
    const bb_image_symbol *func; /* or NULL */
    int file;                    /* index in lines->files, or -1 */
    unsigned line;
} bb_cov_insn;

typedef struct bb_cov_analysis {
    const bb_image *img;
    const bb_cov_data *data;
    bb_line_table *lines;
    const bb_guest_ops *guest; /* for disassembly; NULL if the image's machine is unknown */
    void *disas;
    bb_cov_insn *insns; /* by address */
    int n_insns;
    bool *readable; /* per source file of lines: whether the file can be read here */
} bb_cov_analysis;

bb_cov_analysis *bb_cov_analyze(const bb_image *img, const bb_cov_data *data, char *err,
                                size_t errlen);
void bb_cov_analysis_free(bb_cov_analysis *a);
/* The disassembly of an instruction (into buf). */
const char *bb_cov_disassemble(const bb_cov_analysis *a, const bb_cov_insn *in, char *buf,
                               size_t size);

static inline bool bb_cov_executed(const bb_cov_insn *in)
{
    return (in->flags & BB_COV_EXEC) != 0;
}

#endif
