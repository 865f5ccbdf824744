/*
 * x86_64_emit.c: the x86-64 instruction encoder (legacy prefixes, REX, ModRM/SIB, VEX for
 * the few BMI instructions). Only the forms the native backend uses are here.
 */
#include "jit/x86_64_emit.h"

#include <cpuid.h>
#include <stdlib.h>
#include <string.h>

unsigned bb_x86_host_features(void)
{
    unsigned eax, ebx, ecx, edx, features = 0;
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        if (ebx & (1u << 3)) features |= BB_X86_HAS_BMI1;
        if (ebx & (1u << 8)) features |= BB_X86_HAS_BMI2;
    }
    if (__get_cpuid(0x80000001u, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 5)))
        features |= BB_X86_HAS_LZCNT;
    const char *mask = getenv("BRASSBOARD_X86_FEATURES");
    if (mask && *mask) features &= (unsigned)strtoul(mask, NULL, 0);
    return features;
}

void bb_x86_init(bb_x86_buf *b, uint8_t *start, uint8_t *end)
{
    b->start = b->cur = start;
    b->end = end;
    b->overflow = false;
}

void bb_x86_byte(bb_x86_buf *b, uint8_t v)
{
    if (b->cur < b->end)
        *b->cur++ = v;
    else
        b->overflow = true;
}

void bb_x86_u32(bb_x86_buf *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        bb_x86_byte(b, (uint8_t)(v >> (8 * i)));
}

static void put_u16(bb_x86_buf *b, uint16_t v)
{
    bb_x86_byte(b, (uint8_t)v);
    bb_x86_byte(b, (uint8_t)(v >> 8));
}

static void put_u64(bb_x86_buf *b, uint64_t v)
{
    bb_x86_u32(b, (uint32_t)v);
    bb_x86_u32(b, (uint32_t)(v >> 32));
}

void bb_x86_align(bb_x86_buf *b, unsigned align, unsigned bias)
{
    static const uint8_t nops[4][4] = {{0}, {0x90}, {0x66, 0x90}, {0x0f, 0x1f, 0x00}};
    unsigned pad = (bias - bb_x86_offset(b)) & (align - 1);
    while (pad) {
        unsigned n = pad > 3 ? 3 : pad;
        for (unsigned i = 0; i < n; i++)
            bb_x86_byte(b, nops[n][i]);
        pad -= n;
    }
}

static bool fits8(int64_t v)
{
    return v >= -128 && v <= 127;
}

/* Which operands of an instruction are byte registers: SPL, BPL, SIL and DIL need a REX
 * prefix (without one, codes 4-7 mean AH, CH, DH, BH). */
enum { BYTE_REG = 1, BYTE_RM = 2 };

static void put_modrm(bb_x86_buf *b, int reg, bb_x86_rm rm)
{
    reg &= 7;
    if (rm.reg >= 0) {
        bb_x86_byte(b, (uint8_t)(0xc0 | reg << 3 | (rm.reg & 7)));
        return;
    }
    int base = rm.base & 7;
    int mod = (rm.disp == 0 && base != 5) ? 0 : fits8(rm.disp) ? 1 : 2;
    if (rm.index < 0 && base != 4) {
        bb_x86_byte(b, (uint8_t)(mod << 6 | reg << 3 | base));
    } else {
        int scale = rm.scale == 8 ? 3 : rm.scale == 4 ? 2 : rm.scale == 2 ? 1 : 0;
        int index = rm.index < 0 ? 4 : (rm.index & 7);
        bb_x86_byte(b, (uint8_t)(mod << 6 | reg << 3 | 4));
        bb_x86_byte(b, (uint8_t)(scale << 6 | index << 3 | base));
    }
    if (mod == 1)
        bb_x86_byte(b, (uint8_t)rm.disp);
    else if (mod == 2)
        bb_x86_u32(b, (uint32_t)rm.disp);
}

/* Prefixes, opcode (1-3 bytes, first byte first) and ModRM. `reg` is a register or the
 * opcode's /digit. Size 2 adds the operand-size prefix, size 8 sets REX.W. */
static void emit(bb_x86_buf *b, unsigned size, uint8_t prefix, uint32_t opcode, int opcode_len,
                 int reg, bb_x86_rm rm, unsigned byte_regs)
{
    if (size == 2) bb_x86_byte(b, 0x66);
    if (prefix) bb_x86_byte(b, prefix);
    unsigned rex = size == 8 ? 8 : 0;
    if (reg & 8) rex |= 4;
    if (rm.reg >= 0) {
        if (rm.reg & 8) rex |= 1;
    } else {
        if (rm.index >= 0 && (rm.index & 8)) rex |= 2;
        if (rm.base & 8) rex |= 1;
    }
    bool force = ((byte_regs & BYTE_REG) && reg >= 4 && reg <= 7) ||
                 ((byte_regs & BYTE_RM) && rm.reg >= 4 && rm.reg <= 7);
    if (rex || force) bb_x86_byte(b, (uint8_t)(0x40 | rex));
    for (int i = opcode_len - 1; i >= 0; i--)
        bb_x86_byte(b, (uint8_t)(opcode >> (8 * i)));
    put_modrm(b, reg, rm);
}

/* VEX-encoded (3-byte form) instruction with an opcode map, a vvvv register and W. */
static void emit_vex(bb_x86_buf *b, unsigned map, unsigned pp, unsigned size, int vvvv,
                     uint8_t opcode, int reg, bb_x86_rm rm)
{
    unsigned r = (reg & 8) ? 1 : 0, x = 0, bb = 0;
    if (rm.reg >= 0) {
        bb = (rm.reg & 8) ? 1 : 0;
    } else {
        x = (rm.index >= 0 && (rm.index & 8)) ? 1 : 0;
        bb = (rm.base & 8) ? 1 : 0;
    }
    bb_x86_byte(b, 0xc4);
    bb_x86_byte(b, (uint8_t)((!r) << 7 | (!x) << 6 | (!bb) << 5 | map));
    bb_x86_byte(b, (uint8_t)((size == 8) << 7 | ((~(unsigned)vvvv) & 15) << 3 | pp));
    bb_x86_byte(b, opcode);
    put_modrm(b, reg, rm);
}

static unsigned byte_rm(unsigned size)
{
    return size == 1 ? BYTE_RM : 0;
}

void bb_x86_alu_rm_reg(bb_x86_buf *b, int op, unsigned size, bb_x86_rm dst, int src)
{
    unsigned bytes = size == 1 ? BYTE_REG | BYTE_RM : 0;
    emit(b, size, 0, (uint32_t)(op << 3 | (size == 1 ? 0 : 1)), 1, src, dst, bytes);
}

void bb_x86_alu_reg_rm(bb_x86_buf *b, int op, unsigned size, int dst, bb_x86_rm src)
{
    unsigned bytes = size == 1 ? BYTE_REG | BYTE_RM : 0;
    emit(b, size, 0, (uint32_t)(op << 3 | (size == 1 ? 2 : 3)), 1, dst, src, bytes);
}

void bb_x86_alu_rm_imm(bb_x86_buf *b, int op, unsigned size, bb_x86_rm dst, int32_t imm)
{
    if (size == 1) {
        emit(b, size, 0, 0x80, 1, op, dst, BYTE_RM);
        bb_x86_byte(b, (uint8_t)imm);
    } else if (fits8(imm)) {
        emit(b, size, 0, 0x83, 1, op, dst, 0);
        bb_x86_byte(b, (uint8_t)imm);
    } else {
        emit(b, size, 0, 0x81, 1, op, dst, 0);
        if (size == 2)
            put_u16(b, (uint16_t)imm);
        else
            bb_x86_u32(b, (uint32_t)imm);
    }
}

void bb_x86_mov_rm_reg(bb_x86_buf *b, unsigned size, bb_x86_rm dst, int src)
{
    if (size == 1)
        emit(b, size, 0, 0x88, 1, src, dst, BYTE_REG | BYTE_RM);
    else
        emit(b, size, 0, 0x89, 1, src, dst, 0);
}

void bb_x86_mov_reg_rm(bb_x86_buf *b, unsigned size, int dst, bb_x86_rm src)
{
    emit(b, size, 0, 0x8b, 1, dst, src, 0);
}

void bb_x86_mov_rm_imm(bb_x86_buf *b, unsigned size, bb_x86_rm dst, int32_t imm)
{
    if (size == 1) {
        emit(b, size, 0, 0xc6, 1, 0, dst, BYTE_RM);
        bb_x86_byte(b, (uint8_t)imm);
    } else {
        emit(b, size, 0, 0xc7, 1, 0, dst, 0);
        if (size == 2)
            put_u16(b, (uint16_t)imm);
        else
            bb_x86_u32(b, (uint32_t)imm);
    }
}

void bb_x86_mov_reg_imm32(bb_x86_buf *b, int dst, uint32_t imm)
{
    if (dst & 8) bb_x86_byte(b, 0x41);
    bb_x86_byte(b, (uint8_t)(0xb8 + (dst & 7)));
    bb_x86_u32(b, imm);
}

void bb_x86_mov_reg_imm64(bb_x86_buf *b, int dst, uint64_t imm)
{
    if (imm <= 0xffffffffu) {
        bb_x86_mov_reg_imm32(b, dst, (uint32_t)imm);
    } else if ((int64_t)imm >= INT32_MIN && (int64_t)imm <= INT32_MAX) {
        bb_x86_mov_rm_imm(b, 8, bb_x86_reg_rm(dst), (int32_t)imm);
    } else {
        bb_x86_byte(b, (uint8_t)(0x48 | ((dst & 8) ? 1 : 0)));
        bb_x86_byte(b, (uint8_t)(0xb8 + (dst & 7)));
        put_u64(b, imm);
    }
}

void bb_x86_movzx(bb_x86_buf *b, unsigned from_size, int dst, bb_x86_rm src)
{
    emit(b, 4, 0, from_size == 1 ? 0x0fb6 : 0x0fb7, 2, dst, src, byte_rm(from_size));
}

void bb_x86_movsx(bb_x86_buf *b, unsigned from_size, int dst, bb_x86_rm src)
{
    emit(b, 4, 0, from_size == 1 ? 0x0fbe : 0x0fbf, 2, dst, src, byte_rm(from_size));
}

void bb_x86_movsxd(bb_x86_buf *b, int dst, bb_x86_rm src)
{
    emit(b, 8, 0, 0x63, 1, dst, src, 0);
}

void bb_x86_lea(bb_x86_buf *b, unsigned size, int dst, bb_x86_rm src)
{
    emit(b, size, 0, 0x8d, 1, dst, src, 0);
}

void bb_x86_shift_imm(bb_x86_buf *b, int op, unsigned size, bb_x86_rm dst, uint8_t count)
{
    if (count == 1) {
        emit(b, size, 0, 0xd1, 1, op, dst, 0);
    } else {
        emit(b, size, 0, 0xc1, 1, op, dst, 0);
        bb_x86_byte(b, count);
    }
}

void bb_x86_shift_cl(bb_x86_buf *b, int op, unsigned size, bb_x86_rm dst)
{
    emit(b, size, 0, 0xd3, 1, op, dst, 0);
}

void bb_x86_imul(bb_x86_buf *b, unsigned size, int dst, bb_x86_rm src)
{
    emit(b, size, 0, 0x0faf, 2, dst, src, 0);
}

void bb_x86_imul_imm(bb_x86_buf *b, unsigned size, int dst, bb_x86_rm src, int32_t imm)
{
    if (fits8(imm)) {
        emit(b, size, 0, 0x6b, 1, dst, src, 0);
        bb_x86_byte(b, (uint8_t)imm);
    } else {
        emit(b, size, 0, 0x69, 1, dst, src, 0);
        bb_x86_u32(b, (uint32_t)imm);
    }
}

void bb_x86_not(bb_x86_buf *b, unsigned size, bb_x86_rm dst)
{
    emit(b, size, 0, 0xf7, 1, 2, dst, 0);
}

void bb_x86_neg(bb_x86_buf *b, unsigned size, bb_x86_rm dst)
{
    emit(b, size, 0, 0xf7, 1, 3, dst, 0);
}

void bb_x86_test_rm_reg(bb_x86_buf *b, unsigned size, bb_x86_rm dst, int src)
{
    if (size == 1)
        emit(b, size, 0, 0x84, 1, src, dst, BYTE_REG | BYTE_RM);
    else
        emit(b, size, 0, 0x85, 1, src, dst, 0);
}

void bb_x86_test_rm_imm(bb_x86_buf *b, unsigned size, bb_x86_rm dst, int32_t imm)
{
    if (size == 1) {
        emit(b, size, 0, 0xf6, 1, 0, dst, BYTE_RM);
        bb_x86_byte(b, (uint8_t)imm);
    } else {
        emit(b, size, 0, 0xf7, 1, 0, dst, 0);
        if (size == 2)
            put_u16(b, (uint16_t)imm);
        else
            bb_x86_u32(b, (uint32_t)imm);
    }
}

void bb_x86_bt_imm(bb_x86_buf *b, unsigned size, bb_x86_rm src, uint8_t bit)
{
    emit(b, size, 0, 0x0fba, 2, 4, src, 0);
    bb_x86_byte(b, bit);
}

void bb_x86_setcc(bb_x86_buf *b, int cc, bb_x86_rm dst)
{
    emit(b, 4, 0, (uint32_t)(0x0f90 | cc), 2, 0, dst, BYTE_RM);
}

void bb_x86_cmov(bb_x86_buf *b, int cc, unsigned size, int dst, bb_x86_rm src)
{
    emit(b, size, 0, (uint32_t)(0x0f40 | cc), 2, dst, src, 0);
}

void bb_x86_bsr(bb_x86_buf *b, unsigned size, int dst, bb_x86_rm src)
{
    emit(b, size, 0, 0x0fbd, 2, dst, src, 0);
}

void bb_x86_lzcnt(bb_x86_buf *b, unsigned size, int dst, bb_x86_rm src)
{
    emit(b, size, 0xf3, 0x0fbd, 2, dst, src, 0);
}

void bb_x86_rorx(bb_x86_buf *b, unsigned size, int dst, bb_x86_rm src, uint8_t count)
{
    /* VEX.LZ.F2.0F3A.W0/W1 F0 /r ib: map 3, pp 3 (F2), no vvvv operand. */
    emit_vex(b, 3, 3, size, 0, 0xf0, dst, src);
    bb_x86_byte(b, count);
}

void bb_x86_andn(bb_x86_buf *b, unsigned size, int dst, int src1, bb_x86_rm src2)
{
    /* VEX.LZ.0F38.W0/W1 F2 /r: dst = ~src1 & src2. */
    emit_vex(b, 2, 0, size, src1, 0xf2, dst, src2);
}

void bb_x86_stc(bb_x86_buf *b)
{
    bb_x86_byte(b, 0xf9);
}

void bb_x86_push(bb_x86_buf *b, int reg)
{
    if (reg & 8) bb_x86_byte(b, 0x41);
    bb_x86_byte(b, (uint8_t)(0x50 + (reg & 7)));
}

void bb_x86_pop(bb_x86_buf *b, int reg)
{
    if (reg & 8) bb_x86_byte(b, 0x41);
    bb_x86_byte(b, (uint8_t)(0x58 + (reg & 7)));
}

void bb_x86_ret(bb_x86_buf *b)
{
    bb_x86_byte(b, 0xc3);
}

void bb_x86_jmp_to(bb_x86_buf *b, uint32_t target)
{
    int64_t rel8 = (int64_t)target - (bb_x86_offset(b) + 2);
    if (fits8(rel8)) {
        bb_x86_byte(b, 0xeb);
        bb_x86_byte(b, (uint8_t)rel8);
        return;
    }
    bb_x86_byte(b, 0xe9);
    bb_x86_u32(b, (uint32_t)((int64_t)target - (bb_x86_offset(b) + 4)));
}

void bb_x86_jcc_to(bb_x86_buf *b, int cc, uint32_t target)
{
    int64_t rel8 = (int64_t)target - (bb_x86_offset(b) + 2);
    if (fits8(rel8)) {
        bb_x86_byte(b, (uint8_t)(0x70 | cc));
        bb_x86_byte(b, (uint8_t)rel8);
        return;
    }
    bb_x86_byte(b, 0x0f);
    bb_x86_byte(b, (uint8_t)(0x80 | cc));
    bb_x86_u32(b, (uint32_t)((int64_t)target - (bb_x86_offset(b) + 4)));
}

uint32_t bb_x86_jmp32(bb_x86_buf *b)
{
    bb_x86_byte(b, 0xe9);
    uint32_t at = bb_x86_offset(b);
    bb_x86_u32(b, 0);
    return at;
}

uint32_t bb_x86_jcc32(bb_x86_buf *b, int cc)
{
    bb_x86_byte(b, 0x0f);
    bb_x86_byte(b, (uint8_t)(0x80 | cc));
    uint32_t at = bb_x86_offset(b);
    bb_x86_u32(b, 0);
    return at;
}

uint32_t bb_x86_jmp8(bb_x86_buf *b)
{
    bb_x86_byte(b, 0xeb);
    uint32_t at = bb_x86_offset(b);
    bb_x86_byte(b, 0);
    return at;
}

uint32_t bb_x86_jcc8(bb_x86_buf *b, int cc)
{
    bb_x86_byte(b, (uint8_t)(0x70 | cc));
    uint32_t at = bb_x86_offset(b);
    bb_x86_byte(b, 0);
    return at;
}

void bb_x86_patch_rel32(bb_x86_buf *b, uint32_t at, uint32_t target)
{
    if (b->start + at + 4 > b->cur) return; /* the jump itself did not fit */
    int32_t rel = (int32_t)((int64_t)target - ((int64_t)at + 4));
    memcpy(b->start + at, &rel, 4);
}

void bb_x86_patch_rel8(bb_x86_buf *b, uint32_t at, uint32_t target)
{
    if (b->start + at + 1 > b->cur) return;
    int64_t rel = (int64_t)target - ((int64_t)at + 1);
    if (!fits8(rel)) abort(); /* the backend only uses short jumps over a few bytes */
    b->start[at] = (uint8_t)rel;
}

static bool rel32_reaches(const bb_x86_buf *b, const void *target, unsigned insn_len)
{
    int64_t rel = (int64_t)((intptr_t)target - (intptr_t)(b->cur + insn_len));
    return rel >= INT32_MIN && rel <= INT32_MAX;
}

void bb_x86_call_abs(bb_x86_buf *b, const void *target)
{
    if (rel32_reaches(b, target, 5)) {
        int32_t rel = (int32_t)((intptr_t)target - (intptr_t)(b->cur + 5));
        bb_x86_byte(b, 0xe8);
        bb_x86_u32(b, (uint32_t)rel);
        return;
    }
    bb_x86_mov_reg_imm64(b, BB_X86_RAX, (uint64_t)(uintptr_t)target);
    emit(b, 4, 0, 0xff, 1, 2, bb_x86_reg_rm(BB_X86_RAX), 0);
}

void bb_x86_jmp_abs(bb_x86_buf *b, const void *target)
{
    if (rel32_reaches(b, target, 5)) {
        int32_t rel = (int32_t)((intptr_t)target - (intptr_t)(b->cur + 5));
        bb_x86_byte(b, 0xe9);
        bb_x86_u32(b, (uint32_t)rel);
        return;
    }
    bb_x86_mov_reg_imm64(b, BB_X86_RAX, (uint64_t)(uintptr_t)target);
    emit(b, 4, 0, 0xff, 1, 4, bb_x86_reg_rm(BB_X86_RAX), 0);
}

void bb_x86_jmp_rm(bb_x86_buf *b, bb_x86_rm target)
{
    emit(b, 4, 0, 0xff, 1, 4, target, 0);
}
