/*
 * x86_64_emit.h: a small x86-64 instruction encoder for the native backend.
 *
 * Instructions are appended to a buffer that never overflows: when it is full, the bytes
 * are dropped and `overflow` is set, which the caller checks once at the end. Operands are
 * registers (BB_X86_RAX ...) or r/m operands built with bb_x86_reg_rm / bb_x86_mem /
 * bb_x86_mem_index. Operation sizes are in bytes (1, 2, 4 or 8). Jumps whose target is not
 * known yet return the buffer offset of their displacement, patched later.
 */
#ifndef BB_X86_64_EMIT_H
#define BB_X86_64_EMIT_H

#include <stdbool.h>
#include <stdint.h>

enum {
    BB_X86_RAX,
    BB_X86_RCX,
    BB_X86_RDX,
    BB_X86_RBX,
    BB_X86_RSP,
    BB_X86_RBP,
    BB_X86_RSI,
    BB_X86_RDI,
    BB_X86_R8,
    BB_X86_R9,
    BB_X86_R10,
    BB_X86_R11,
    BB_X86_R12,
    BB_X86_R13,
    BB_X86_R14,
    BB_X86_R15,
    BB_X86_NOREG = -1
};

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc); cc ^ 1 is the negation. */
enum {
    BB_X86_CC_O,
    BB_X86_CC_NO,
    BB_X86_CC_B,
    BB_X86_CC_AE,
    BB_X86_CC_E,
    BB_X86_CC_NE,
    BB_X86_CC_BE,
    BB_X86_CC_A,
    BB_X86_CC_S,
    BB_X86_CC_NS,
    BB_X86_CC_P,
    BB_X86_CC_NP,
    BB_X86_CC_L,
    BB_X86_CC_GE,
    BB_X86_CC_LE,
    BB_X86_CC_G
};

/* The eight classic arithmetic operations (the /digit of opcodes 0x80-0x83). */
enum {
    BB_X86_ADD,
    BB_X86_OR,
    BB_X86_ADC,
    BB_X86_SBB,
    BB_X86_AND,
    BB_X86_SUB,
    BB_X86_XOR,
    BB_X86_CMP
};

/* Shifts and rotates (the /digit of opcodes 0xC1/0xD3). */
enum { BB_X86_ROL = 0, BB_X86_ROR = 1, BB_X86_SHL = 4, BB_X86_SHR = 5, BB_X86_SAR = 7 };

/* Host CPU features the encoder's optional instructions need. */
enum { BB_X86_HAS_BMI1 = 1, BB_X86_HAS_BMI2 = 2, BB_X86_HAS_LZCNT = 4 };
/* The features of the host CPU (cpuid). The environment variable BRASSBOARD_X86_FEATURES,
 * a number, masks them (tests use it to cover the fallback code). */
unsigned bb_x86_host_features(void);

typedef struct bb_x86_buf {
    uint8_t *start, *cur, *end;
    bool overflow;
} bb_x86_buf;

/* A register or a memory operand [base + index * scale + disp]. */
typedef struct bb_x86_rm {
    int8_t reg; /* >= 0: a register operand; the rest is unused */
    int8_t base, index;
    uint8_t scale;
    int32_t disp;
} bb_x86_rm;

static inline bb_x86_rm bb_x86_reg_rm(int reg)
{
    bb_x86_rm rm = {(int8_t)reg, BB_X86_NOREG, BB_X86_NOREG, 1, 0};
    return rm;
}

static inline bb_x86_rm bb_x86_mem(int base, int32_t disp)
{
    bb_x86_rm rm = {BB_X86_NOREG, (int8_t)base, BB_X86_NOREG, 1, disp};
    return rm;
}

/* index must not be RSP; scale is 1, 2, 4 or 8. */
static inline bb_x86_rm bb_x86_mem_index(int base, int index, unsigned scale, int32_t disp)
{
    bb_x86_rm rm = {BB_X86_NOREG, (int8_t)base, (int8_t)index, (uint8_t)scale, disp};
    return rm;
}

void bb_x86_init(bb_x86_buf *b, uint8_t *start, uint8_t *end);
static inline uint32_t bb_x86_offset(const bb_x86_buf *b)
{
    return (uint32_t)(b->cur - b->start);
}

void bb_x86_byte(bb_x86_buf *b, uint8_t v);
void bb_x86_u32(bb_x86_buf *b, uint32_t v);
/* Multi-byte NOPs until the offset is `bias` modulo `align` (a power of two). */
void bb_x86_align(bb_x86_buf *b, unsigned align, unsigned bias);

/* Arithmetic: op r/m, reg / op reg, r/m / op r/m, imm (short form when imm fits a byte). */
void bb_x86_alu_rm_reg(bb_x86_buf *b, int op, unsigned size, bb_x86_rm dst, int src);
void bb_x86_alu_reg_rm(bb_x86_buf *b, int op, unsigned size, int dst, bb_x86_rm src);
void bb_x86_alu_rm_imm(bb_x86_buf *b, int op, unsigned size, bb_x86_rm dst, int32_t imm);

/* Moves. mov_rm_reg stores (sizes 1-8); mov_reg_rm loads (4 or 8); mov_rm_imm stores an
 * immediate (for size 8 it is sign-extended from 32 bits). */
void bb_x86_mov_rm_reg(bb_x86_buf *b, unsigned size, bb_x86_rm dst, int src);
void bb_x86_mov_reg_rm(bb_x86_buf *b, unsigned size, int dst, bb_x86_rm src);
void bb_x86_mov_rm_imm(bb_x86_buf *b, unsigned size, bb_x86_rm dst, int32_t imm);
/* dst = imm, zero-extended to 64 bits (never changes the flags). */
void bb_x86_mov_reg_imm32(bb_x86_buf *b, int dst, uint32_t imm);
/* dst = imm in the shortest form (never changes the flags). */
void bb_x86_mov_reg_imm64(bb_x86_buf *b, int dst, uint64_t imm);
/* Zero or sign extension of a 1- or 2-byte source into a 32-bit register. */
void bb_x86_movzx(bb_x86_buf *b, unsigned from_size, int dst, bb_x86_rm src);
void bb_x86_movsx(bb_x86_buf *b, unsigned from_size, int dst, bb_x86_rm src);
/* 64-bit dst = sign-extended 32-bit source. */
void bb_x86_movsxd(bb_x86_buf *b, int dst, bb_x86_rm src);
void bb_x86_lea(bb_x86_buf *b, unsigned size, int dst, bb_x86_rm src);

void bb_x86_shift_imm(bb_x86_buf *b, int op, unsigned size, bb_x86_rm dst, uint8_t count);
void bb_x86_shift_cl(bb_x86_buf *b, int op, unsigned size, bb_x86_rm dst);
void bb_x86_imul(bb_x86_buf *b, unsigned size, int dst, bb_x86_rm src);
void bb_x86_imul_imm(bb_x86_buf *b, unsigned size, int dst, bb_x86_rm src, int32_t imm);
void bb_x86_not(bb_x86_buf *b, unsigned size, bb_x86_rm dst);
void bb_x86_neg(bb_x86_buf *b, unsigned size, bb_x86_rm dst);
void bb_x86_test_rm_reg(bb_x86_buf *b, unsigned size, bb_x86_rm dst, int src);
void bb_x86_test_rm_imm(bb_x86_buf *b, unsigned size, bb_x86_rm dst, int32_t imm);
void bb_x86_bt_imm(bb_x86_buf *b, unsigned size, bb_x86_rm src, uint8_t bit);
void bb_x86_setcc(bb_x86_buf *b, int cc, bb_x86_rm dst);
void bb_x86_cmov(bb_x86_buf *b, int cc, unsigned size, int dst, bb_x86_rm src);
void bb_x86_bsr(bb_x86_buf *b, unsigned size, int dst, bb_x86_rm src);
void bb_x86_lzcnt(bb_x86_buf *b, unsigned size, int dst, bb_x86_rm src);               /* LZCNT */
void bb_x86_rorx(bb_x86_buf *b, unsigned size, int dst, bb_x86_rm src, uint8_t count); /* BMI2 */
void bb_x86_andn(bb_x86_buf *b, unsigned size, int dst, int src1, bb_x86_rm src2);     /* BMI1 */
void bb_x86_stc(bb_x86_buf *b);
void bb_x86_push(bb_x86_buf *b, int reg);
void bb_x86_pop(bb_x86_buf *b, int reg);
void bb_x86_ret(bb_x86_buf *b);

/* Jumps to a known buffer offset (short form when it reaches). */
void bb_x86_jmp_to(bb_x86_buf *b, uint32_t target);
void bb_x86_jcc_to(bb_x86_buf *b, int cc, uint32_t target);
/* Forward jumps: return the offset of the displacement to patch with bb_x86_patch_rel*. */
uint32_t bb_x86_jmp32(bb_x86_buf *b);
uint32_t bb_x86_jcc32(bb_x86_buf *b, int cc);
uint32_t bb_x86_jmp8(bb_x86_buf *b);
uint32_t bb_x86_jcc8(bb_x86_buf *b, int cc);
/* Points the displacement at `at` to the buffer offset `target`. */
void bb_x86_patch_rel32(bb_x86_buf *b, uint32_t at, uint32_t target);
void bb_x86_patch_rel8(bb_x86_buf *b, uint32_t at, uint32_t target);
/* Calls or jumps to an absolute host address: rel32 when it reaches, else through RAX. */
void bb_x86_call_abs(bb_x86_buf *b, const void *target);
void bb_x86_jmp_abs(bb_x86_buf *b, const void *target);
void bb_x86_jmp_rm(bb_x86_buf *b, bb_x86_rm target);

#endif
