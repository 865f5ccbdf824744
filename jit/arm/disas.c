/*
 * disas.c: the ARM disassembler for traces and reports, on Capstone. A handle holds one
 * Capstone instance per instruction set (ARM, Thumb), with details on, so that conditional
 * instructions that write the PC can be told apart: those are the branches whose two
 * outcomes coverage records.
 */
#include "jit/arm/disas.h"

#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/arm/cpu.h"

typedef struct arm_disas {
    csh arm, thumb;
} arm_disas;

void *arm_disas_open(void)
{
    arm_disas *d = calloc(1, sizeof(*d));
    if (!d) return NULL;
    if (cs_open(CS_ARCH_ARM, CS_MODE_ARM, &d->arm) != CS_ERR_OK) {
        free(d);
        return NULL;
    }
    if (cs_open(CS_ARCH_ARM, CS_MODE_THUMB, &d->thumb) != CS_ERR_OK) {
        cs_close(&d->arm);
        free(d);
        return NULL;
    }
    cs_option(d->arm, CS_OPT_DETAIL, CS_OPT_ON);
    cs_option(d->thumb, CS_OPT_DETAIL, CS_OPT_ON);
    return d;
}

void arm_disas_close(void *handle)
{
    arm_disas *d = handle;
    if (!d) return;
    cs_close(&d->arm);
    cs_close(&d->thumb);
    free(d);
}

static bool writes_pc(const cs_insn *insn)
{
    const cs_detail *detail = insn->detail;
    for (int i = 0; i < detail->groups_count; i++)
        if (detail->groups[i] == CS_GRP_JUMP) return true;
    for (int i = 0; i < detail->regs_write_count; i++)
        if (detail->regs_write[i] == ARM_REG_PC) return true;
    const cs_arm *arm = &detail->arm;
    for (int i = 0; i < arm->op_count; i++)
        if (arm->operands[i].type == ARM_OP_REG && arm->operands[i].reg == ARM_REG_PC &&
            (arm->operands[i].access & CS_AC_WRITE))
            return true;
    return false;
}

bool arm_disassemble(void *handle, uint32_t pc, uint32_t tb_flags, const uint8_t *code,
                     unsigned avail, bb_disas_insn *out)
{
    arm_disas *d = handle;
    memset(out, 0, sizeof(*out));
    if (!d) return false;
    csh cs = (tb_flags & ARM_TBF_THUMB) ? d->thumb : d->arm;
    cs_insn *insn;
    size_t n = cs_disasm(cs, code, avail, pc, 1, &insn);
    if (n == 0) {
        snprintf(out->text, sizeof(out->text), "(undefined)");
        return false;
    }
    out->size = insn->size;
    size_t len = strlen(insn->mnemonic);
    if (len > sizeof(out->text) - 2) len = sizeof(out->text) - 2;
    memcpy(out->text, insn->mnemonic, len);
    if (insn->op_str[0]) {
        out->text[len++] = ' ';
        size_t room = sizeof(out->text) - 1 - len;
        size_t op_len = strnlen(insn->op_str, room);
        memcpy(out->text + len, insn->op_str, op_len);
        len += op_len;
    }
    out->text[len] = 0;
    arm_cc cc = insn->detail->arm.cc;
    out->cond_branch = cc != ARM_CC_INVALID && cc != ARM_CC_AL && writes_pc(insn);
    cs_free(insn, n);
    return true;
}

const char *arm_exception_name(unsigned number)
{
    static const char *const names[8] = {"reset",      "undef",    "swi", "prefetch_abort",
                                         "data_abort", "reserved", "irq", "fiq"};
    return number < 8 ? names[number] : "unknown";
}
