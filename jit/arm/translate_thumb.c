/*
 * translate_thumb.c: the 16-bit Thumb decoder: Thumb-1 of ARMv5TE as on the ARM926EJ-S,
 * and on Thumb-2 CPUs the ARMv6/v7 additions (CPS, SETEND, REV, the extends, CBZ/CBNZ,
 * IT and the hints) with IT blocks: an instruction in an IT block is conditional on the
 * block's condition, and the 16-bit data-processing instructions that set the flags
 * outside an IT block do not set them inside one (CMP, CMN and TST always do).
 *
 * On ARMv5 the BL/BLX pair arrives from translate.c as one 4-byte instruction (first half
 * in bits 31-16) when both halves could be fetched; each half alone is also an
 * instruction and is translated as the architecture defines it. On Thumb-2 CPUs every
 * 4-byte instruction goes to the T32 decoder. r15 reads as the instruction's address + 4;
 * the PC-relative forms (LDR literal, ADD Rd, PC) use that value with bits 1-0 cleared.
 */
#include "jit/arm/translate_a32.h"

#include "jit/arm/translate_ops.h"

/* Opcodes of the register ALU group (bits 9-6 of 010000). */
enum {
    ALU_AND,
    ALU_EOR,
    ALU_LSL,
    ALU_LSR,
    ALU_ASR,
    ALU_ADC,
    ALU_SBC,
    ALU_ROR,
    ALU_TST,
    ALU_NEG,
    ALU_CMP,
    ALU_CMN,
    ALU_ORR,
    ALU_MUL,
    ALU_BIC,
    ALU_MVN,
};

static bb_ir_temp constant(arm_tctx *t, uint32_t value)
{
    return bb_ir_const(t->blk, value);
}

static bb_ir_temp binop(arm_tctx *t, bb_ir_op op, bb_ir_temp a, bb_ir_temp b)
{
    return bb_ir_binop(t->blk, op, a, b);
}

static bb_ir_temp add_imm(arm_tctx *t, bb_ir_temp a, uint32_t value)
{
    return binop(t, BB_IR_ADD, a, constant(t, value));
}

/* The low register (r0-r7) in bits lo+2..lo of the instruction. */
static int low_reg(const arm_tctx *t, unsigned lo)
{
    return (int)arm_field(t->insn, lo, 3);
}

/* The word-aligned PC that PC-relative instructions use. */
static uint32_t aligned_pc(const arm_tctx *t)
{
    return (t->pc + 4) & ~3u;
}

/* The return address of a call from the instruction: the next instruction, in Thumb. */
static bb_ir_temp link_value(arm_tctx *t)
{
    return constant(t, (t->pc + t->size) | 1);
}

/* ---- shifts, add/subtract, immediates ---- */

/* Whether a 16-bit data-processing instruction sets the flags: outside IT blocks. */
static bool sets_flags(const arm_tctx *t)
{
    return !arm_in_it_block(t);
}

/* a + b (subtract: a - b), with NZCV when set_flags. */
static bb_ir_temp add_or_sub(arm_tctx *t, bool subtract, bb_ir_temp a, bb_ir_temp b, bool set_flags)
{
    if (set_flags)
        return subtract ? arm_gen_sub_flags(t, a, b, constant(t, 1))
                        : arm_gen_add_flags(t, a, b, constant(t, 0));
    return binop(t, subtract ? BB_IR_SUB : BB_IR_ADD, a, b);
}

/* LSL, LSR, ASR Rd, Rm, #imm5: N, Z and C (C unchanged by LSL #0; LSR and ASR #0 mean
 * a shift by 32). */
static void shift_immediate(arm_tctx *t)
{
    unsigned type = arm_field(t->insn, 11, 2);
    bool set_flags = sets_flags(t);
    bb_ir_temp carry = 0;
    bb_ir_temp result = arm_a32_shift_imm(t, arm_gen_reg(t, low_reg(t, 3)), type,
                                          arm_field(t->insn, 6, 5), set_flags ? &carry : NULL);
    if (set_flags) {
        arm_gen_set_nz(t, result);
        if (carry) arm_gen_set_c(t, carry);
    }
    arm_gen_set_reg(t, low_reg(t, 0), result);
}

/* ADD/SUB Rd, Rn, Rm and ADD/SUB Rd, Rn, #imm3. */
static void add_subtract(arm_tctx *t)
{
    uint32_t insn = t->insn;
    bb_ir_temp rn = arm_gen_reg(t, low_reg(t, 3));
    bb_ir_temp operand =
        arm_bit(insn, 10) ? constant(t, arm_field(insn, 6, 3)) : arm_gen_reg(t, low_reg(t, 6));
    bb_ir_temp result = add_or_sub(t, arm_bit(insn, 9), rn, operand, sets_flags(t));
    arm_gen_set_reg(t, low_reg(t, 0), result);
}

/* MOV, CMP, ADD, SUB Rd, #imm8. */
static void immediate_8(arm_tctx *t)
{
    int rd = low_reg(t, 8);
    bb_ir_temp imm = constant(t, arm_field(t->insn, 0, 8));
    unsigned op = arm_field(t->insn, 11, 2);
    if (op == 0) {
        if (sets_flags(t)) arm_gen_set_nz(t, imm);
        arm_gen_set_reg(t, rd, imm);
    } else if (op == 1) {
        arm_gen_sub_flags(t, arm_gen_reg(t, rd), imm, constant(t, 1));
    } else {
        arm_gen_set_reg(t, rd, add_or_sub(t, op == 3, arm_gen_reg(t, rd), imm, sets_flags(t)));
    }
}

/* ---- the register ALU group ---- */

/* A shift of Rd by the bottom byte of Rs, with N, Z and C as in ARM register shifts. */
static bb_ir_temp alu_shift(arm_tctx *t, unsigned type, bb_ir_temp rd, bb_ir_temp rs,
                            bool set_flags)
{
    bb_ir_temp amount = binop(t, BB_IR_AND, rs, constant(t, 0xff));
    bb_ir_temp carry;
    bb_ir_temp result = arm_a32_shift_reg(t, rd, type, amount, set_flags ? &carry : NULL);
    if (set_flags) {
        arm_gen_set_nz(t, result);
        arm_gen_set_c(t, carry);
    }
    return result;
}

/* a + b + C (subtract: a - b - !C), with NZCV when set_flags. */
static bb_ir_temp add_with_carry(arm_tctx *t, bool subtract, bb_ir_temp a, bb_ir_temp b,
                                 bool set_flags)
{
    if (set_flags)
        return subtract ? arm_gen_sub_flags(t, a, b, arm_gen_carry(t))
                        : arm_gen_add_flags(t, a, b, arm_gen_carry(t));
    if (subtract) b = bb_ir_unop(t->blk, BB_IR_NOT, b);
    return bb_ir_triop(t->blk, BB_IR_ADC, a, b, arm_gen_carry(t));
}

/* The logical operations of the ALU group, or 0 for the others. */
static bb_ir_temp alu_logical(arm_tctx *t, unsigned op, bb_ir_temp a, bb_ir_temp b)
{
    switch (op) {
    case ALU_AND:
    case ALU_TST: return binop(t, BB_IR_AND, a, b);
    case ALU_EOR: return binop(t, BB_IR_XOR, a, b);
    case ALU_ORR: return binop(t, BB_IR_OR, a, b);
    case ALU_BIC: return binop(t, BB_IR_ANDN, a, b);
    case ALU_MVN: return bb_ir_unop(t->blk, BB_IR_NOT, b);
    case ALU_MUL: return binop(t, BB_IR_MUL, a, b); /* C and V unchanged (v5) */
    default: return 0;
    }
}

/* op Rd, Rm (Rs for the shifts): all of them set flags outside IT blocks; TST, CMP and
 * CMN always do. */
static void alu(arm_tctx *t)
{
    unsigned op = arm_field(t->insn, 6, 4);
    int rd = low_reg(t, 0);
    bool compare = op == ALU_TST || op == ALU_CMP || op == ALU_CMN;
    bool set_flags = compare || sets_flags(t);
    bb_ir_temp a = arm_gen_reg(t, rd), b = arm_gen_reg(t, low_reg(t, 3));
    bb_ir_temp result = alu_logical(t, op, a, b);
    if (result) {
        if (set_flags) arm_gen_set_nz(t, result);
    } else {
        switch (op) {
        case ALU_LSL: result = alu_shift(t, ARM_SHIFT_LSL, a, b, set_flags); break;
        case ALU_LSR: result = alu_shift(t, ARM_SHIFT_LSR, a, b, set_flags); break;
        case ALU_ASR: result = alu_shift(t, ARM_SHIFT_ASR, a, b, set_flags); break;
        case ALU_ROR: result = alu_shift(t, ARM_SHIFT_ROR, a, b, set_flags); break;
        case ALU_ADC: result = add_with_carry(t, false, a, b, set_flags); break;
        case ALU_SBC: result = add_with_carry(t, true, a, b, set_flags); break;
        case ALU_NEG: result = add_or_sub(t, true, constant(t, 0), b, set_flags); break;
        case ALU_CMP: result = add_or_sub(t, true, a, b, true); break;
        default: result = add_or_sub(t, false, a, b, true); break; /* CMN */
        }
    }
    if (!compare) arm_gen_set_reg(t, rd, result);
}

/* ADD, CMP, MOV with high registers (H1 = bit 7 extends Rd, H2 = bit 6 extends Rm), and
 * BX/BLX Rm. ADD and MOV to r15 branch without changing state; they leave the flags
 * alone. */
static void high_register(arm_tctx *t)
{
    uint32_t insn = t->insn;
    int rd = (int)(arm_field(insn, 0, 3) | arm_field(insn, 7, 1) << 3);
    int rm = (int)arm_field(insn, 3, 4);
    bb_ir_temp value;
    switch (arm_field(insn, 8, 2)) {
    case 0: value = binop(t, BB_IR_ADD, arm_gen_reg(t, rd), arm_gen_reg(t, rm)); break;
    case 1: arm_gen_sub_flags(t, arm_gen_reg(t, rd), arm_gen_reg(t, rm), constant(t, 1)); return;
    case 2: value = arm_gen_reg(t, rm); break;
    default: { /* BX (H1 = 0), BLX (H1 = 1) */
        bb_ir_temp target = arm_gen_reg(t, rm);
        if (arm_bit(insn, 7)) arm_gen_set_reg(t, 14, link_value(t));
        arm_gen_bx(t, target);
        return;
    }
    }
    if (rd == 15)
        arm_gen_branch_ind(t, value);
    else
        arm_gen_set_reg(t, rd, value);
}

/* ---- loads and stores ---- */

/* Rd = memory[addr] of the given kind. */
static void load_to(arm_tctx *t, unsigned mem, bb_ir_temp addr, int rd)
{
    arm_gen_set_reg(t, rd, arm_gen_load(t, mem, addr, false));
}

static void store_from(arm_tctx *t, unsigned mem, bb_ir_temp addr, int rd)
{
    arm_gen_store(t, mem, addr, arm_gen_reg(t, rd), false);
}

/* LDR Rd, [PC, #imm8 * 4] */
static void load_literal(arm_tctx *t)
{
    uint32_t addr = aligned_pc(t) + arm_field(t->insn, 0, 8) * 4;
    load_to(t, BB_IR_MEM_32, constant(t, addr), low_reg(t, 8));
}

/* STR STRH STRB LDRSB LDR LDRH LDRB LDRSH Rd, [Rn, Rm] (bits 11-9). */
static void load_store_register(arm_tctx *t)
{
    static const unsigned kinds[8] = {
        BB_IR_MEM_32, BB_IR_MEM_16, BB_IR_MEM_8, BB_IR_MEM_8 | BB_IR_MEM_SIGNED,
        BB_IR_MEM_32, BB_IR_MEM_16, BB_IR_MEM_8, BB_IR_MEM_16 | BB_IR_MEM_SIGNED,
    };
    unsigned op = arm_field(t->insn, 9, 3);
    bb_ir_temp addr =
        binop(t, BB_IR_ADD, arm_gen_reg(t, low_reg(t, 3)), arm_gen_reg(t, low_reg(t, 6)));
    if (op < 3)
        store_from(t, kinds[op], addr, low_reg(t, 0));
    else
        load_to(t, kinds[op], addr, low_reg(t, 0));
}

/* LDR/STR Rd, [Rn, #imm5 * size] for words, bytes (bits 15-13 = 011) and halfwords
 * (bits 15-12 = 1000); L is bit 11. */
static void load_store_immediate(arm_tctx *t, unsigned mem)
{
    uint32_t offset = arm_field(t->insn, 6, 5) << (mem & 3);
    bb_ir_temp addr = add_imm(t, arm_gen_reg(t, low_reg(t, 3)), offset);
    if (arm_bit(t->insn, 11))
        load_to(t, mem, addr, low_reg(t, 0));
    else
        store_from(t, mem, addr, low_reg(t, 0));
}

/* LDR/STR Rd, [SP, #imm8 * 4] */
static void load_store_sp(arm_tctx *t)
{
    bb_ir_temp addr = add_imm(t, arm_gen_reg(t, 13), arm_field(t->insn, 0, 8) * 4);
    if (arm_bit(t->insn, 11))
        load_to(t, BB_IR_MEM_32, addr, low_reg(t, 8));
    else
        store_from(t, BB_IR_MEM_32, addr, low_reg(t, 8));
}

/* ---- address arithmetic ---- */

/* ADD Rd, PC, #imm8 * 4 (bit 11 = 0) and ADD Rd, SP, #imm8 * 4 (bit 11 = 1). */
static void add_to_pc_or_sp(arm_tctx *t)
{
    uint32_t offset = arm_field(t->insn, 0, 8) * 4;
    bb_ir_temp value = arm_bit(t->insn, 11) ? add_imm(t, arm_gen_reg(t, 13), offset)
                                            : constant(t, aligned_pc(t) + offset);
    arm_gen_set_reg(t, low_reg(t, 8), value);
}

/* ADD SP, #imm7 * 4 and SUB SP, #imm7 * 4 (bit 7). */
static void adjust_sp(arm_tctx *t)
{
    uint32_t offset = arm_field(t->insn, 0, 7) * 4;
    if (arm_bit(t->insn, 7)) offset = -offset;
    arm_gen_set_reg(t, 13, add_imm(t, arm_gen_reg(t, 13), offset));
}

/* ---- multiple transfers ---- */

/* Stores the registers of list (bit n = rN, r0-r7 and r14) to consecutive words from
 * start, lowest register first, then writes new_base to rn. Every value is read before
 * the base is written, so a base in the list is stored with its original value. */
static void store_multiple(arm_tctx *t, uint32_t list, int rn, bb_ir_temp start,
                           bb_ir_temp new_base)
{
    uint32_t offset = 0;
    for (int r = 0; r < 16; r++) {
        if (!arm_bit(list, (unsigned)r)) continue;
        arm_gen_store(t, BB_IR_MEM_32, add_imm(t, start, offset), arm_gen_reg(t, r), false);
        offset += 4;
    }
    arm_gen_set_reg(t, rn, new_base);
}

/* Loads the registers of list (r0-r7 and r15) from consecutive words from start. All
 * loads come first (an abort leaves the registers untouched); then rn = new_base, then the
 * loaded registers, so a base in the list ends with its loaded value. r15 is an
 * interworking branch (ARMv5). */
static void load_multiple(arm_tctx *t, uint32_t list, int rn, bb_ir_temp start, bb_ir_temp new_base)
{
    bb_ir_temp value[16];
    uint32_t offset = 0;
    for (int r = 0; r < 16; r++) {
        if (!arm_bit(list, (unsigned)r)) continue;
        value[r] = arm_gen_load(t, BB_IR_MEM_32, add_imm(t, start, offset), false);
        offset += 4;
    }
    arm_gen_set_reg(t, rn, new_base);
    for (int r = 0; r < 15; r++)
        if (arm_bit(list, (unsigned)r)) arm_gen_set_reg(t, r, value[r]);
    if (arm_bit(list, 15)) arm_gen_bx(t, value[15]);
}

/* LDMIA/STMIA Rn!, {list}. An empty list is UNPREDICTABLE: it is undefined here. */
static void load_store_multiple(arm_tctx *t)
{
    uint32_t list = arm_field(t->insn, 0, 8);
    int rn = low_reg(t, 8);
    if (list == 0) {
        arm_gen_undef(t);
        return;
    }
    bb_ir_temp base = arm_gen_reg(t, rn);
    bb_ir_temp new_base = add_imm(t, base, 4u * (uint32_t)__builtin_popcount(list));
    if (arm_bit(t->insn, 11))
        load_multiple(t, list, rn, base, new_base);
    else
        store_multiple(t, list, rn, base, new_base);
}

/* PUSH {list[, lr]} (STMDB SP!) and POP {list[, pc]} (LDMIA SP!); R is bit 8. */
static void push_pop(arm_tctx *t)
{
    bool pop = arm_bit(t->insn, 11);
    uint32_t list = arm_field(t->insn, 0, 8);
    if (arm_bit(t->insn, 8)) list |= pop ? 1u << 15 : 1u << 14;
    if (list == 0) {
        arm_gen_undef(t);
        return;
    }
    uint32_t size = 4u * (uint32_t)__builtin_popcount(list);
    bb_ir_temp sp = arm_gen_reg(t, 13);
    if (pop) {
        load_multiple(t, list, 13, sp, add_imm(t, sp, size));
    } else {
        bb_ir_temp start = add_imm(t, sp, -size);
        store_multiple(t, list, 13, start, start);
    }
}

/* ---- branches and exceptions ---- */

static uint32_t sign_extend(uint32_t value, unsigned bits)
{
    uint32_t sign = 1u << (bits - 1);
    return (value ^ sign) - sign;
}

/* B<cond> (the taken path exits, translation goes on with the fall-through), SWI and the
 * undefined condition 1110. */
static void conditional_branch(arm_tctx *t)
{
    unsigned cond = arm_field(t->insn, 8, 4);
    if (cond == 15) {
        arm_gen_svc(t, arm_field(t->insn, 0, 8));
        return;
    }
    if (cond == 14) {
        arm_gen_undef(t);
        return;
    }
    uint32_t target = t->pc + 4 + sign_extend(arm_field(t->insn, 0, 8), 8) * 2;
    int skip = arm_gen_cond_begin(t, cond);
    int outcome = arm_gen_outcome_begin(t, skip);
    arm_gen_branch_direct(t, target);
    arm_gen_outcome_end(t, skip, outcome);
    arm_gen_cond_end(t, skip);
}

static void unconditional_branch(arm_tctx *t)
{
    arm_gen_branch_direct(t, t->pc + 4 + sign_extend(arm_field(t->insn, 0, 11), 11) * 2);
}

static void breakpoint(arm_tctx *t)
{
    bb_ir_call(t->blk, ARM_H_BKPT, constant(t, t->pc), constant(t, arm_field(t->insn, 0, 8)), 0);
    bb_ir_exit_ind(t->blk); /* the helper set the PC (after semihosting, or the vector) */
    t->ended = true;
}

/* The BL/BLX prefix (11110): LR = PC + 4 + (offset << 12). */
static uint32_t bl_prefix_value(uint32_t pc, uint32_t half)
{
    return pc + 4 + (sign_extend(half & 0x7ff, 11) << 12);
}

/* A BL (suffix 11111) or BLX (suffix 11101) pair: a call with a known target. BLX goes to
 * ARM state at a word-aligned target. A BLX suffix with bit 0 set is undefined: the prefix
 * still sets LR, then the suffix (at pc + 2) raises the exception. */
static void branch_link_pair(arm_tctx *t)
{
    uint32_t suffix = t->insn & 0xffff;
    uint32_t lr = bl_prefix_value(t->pc, t->insn >> 16);
    bool exchange = !arm_bit(suffix, 12);
    if (exchange && arm_bit(suffix, 0)) {
        arm_gen_set_reg(t, 14, constant(t, lr));
        t->pc += 2;
        arm_gen_undef(t);
        t->pc -= 2;
        return;
    }
    uint32_t target = lr + ((suffix & 0x7ff) << 1);
    arm_gen_set_reg(t, 14, link_value(t));
    if (exchange)
        arm_gen_branch_direct_exchange(t, target & ~3u, false);
    else
        arm_gen_branch_direct(t, target);
}

/* A prefix without its suffix: it only sets LR. */
static void bl_prefix_alone(arm_tctx *t)
{
    arm_gen_set_reg(t, 14, constant(t, bl_prefix_value(t->pc, t->insn)));
}

/* A suffix without its prefix: PC = LR + (offset << 1), LR = the next instruction | 1; the
 * BLX form (bit 12 clear) goes to ARM state at the word-aligned target. */
static void bl_suffix_alone(arm_tctx *t)
{
    bool exchange = !arm_bit(t->insn, 12);
    if (exchange && arm_bit(t->insn, 0)) {
        arm_gen_undef(t);
        return;
    }
    bb_ir_temp target = add_imm(t, arm_gen_reg(t, 14), (t->insn & 0x7ff) << 1);
    arm_gen_set_reg(t, 14, link_value(t));
    if (exchange)
        arm_gen_bx(t, binop(t, BB_IR_AND, target, constant(t, ~3u)));
    else
        arm_gen_branch_ind(t, target);
}

/* ---- the ARMv6 and Thumb-2 additions ---- */

/* CBZ/CBNZ Rn, label (bit 11: CBNZ): a forward branch of i:imm5:0 when Rn is (not) zero;
 * the fall-through goes on in the block. */
static void compare_and_branch(arm_tctx *t)
{
    uint32_t insn = t->insn;
    uint32_t target = t->pc + 4 + (arm_field(insn, 9, 1) << 6 | arm_field(insn, 3, 5) << 1);
    bb_ir_temp rn = arm_gen_reg(t, low_reg(t, 0));
    int skip = bb_ir_new_label(t->blk);
    if (arm_bit(insn, 11))
        bb_ir_brz(t->blk, rn, skip);
    else
        bb_ir_brnz(t->blk, rn, skip);
    int outcome = arm_gen_outcome_begin(t, skip);
    arm_gen_branch_direct(t, target);
    arm_gen_outcome_end(t, skip, outcome);
    arm_gen_cond_end(t, skip);
}

/* IT (mask in bits 3-0 not zero: the next instructions' ITSTATE is bits 7-0) and the hints
 * NOP, YIELD, WFE, WFI, SEV (mask zero; other hint numbers are NOPs). */
static void if_then_or_hint(arm_tctx *t)
{
    uint32_t insn = t->insn;
    if (arm_field(insn, 0, 4) != 0) {
        if (arm_field(insn, 4, 4) == 15 || arm_in_it_block(t))
            arm_gen_undef(t); /* UNPREDICTABLE */
        else
            t->it_next = insn & 0xff;
        return;
    }
    arm_gen_hint(t, arm_field(insn, 4, 4));
}

/* SXTH, SXTB, UXTH, UXTB Rd, Rm (bits 7-6). */
static void extend(arm_tctx *t)
{
    static const enum arm_extend kinds[4] = {ARM_SXTH, ARM_SXTB, ARM_UXTH, ARM_UXTB};
    bb_ir_temp value =
        arm_gen_extend(t, kinds[arm_field(t->insn, 6, 2)], arm_gen_reg(t, low_reg(t, 3)), 0, 0);
    arm_gen_set_reg(t, low_reg(t, 0), value);
}

/* REV, REV16, REVSH Rd, Rm (bits 7-6: 00, 01, 11). */
static void reverse(arm_tctx *t)
{
    static const int kinds[4] = {ARM_REV, ARM_REV16, -1, ARM_REVSH};
    int kind = kinds[arm_field(t->insn, 6, 2)];
    if (kind < 0) {
        arm_gen_undef(t);
        return;
    }
    bb_ir_temp value = arm_gen_reverse(t, (enum arm_reverse)kind, arm_gen_reg(t, low_reg(t, 3)));
    arm_gen_set_reg(t, low_reg(t, 0), value);
}

/* SETEND (1011 0110 0101 E000) and CPS (1011 0110 011 im 0 A I F; im set: disable). */
static void change_state(arm_tctx *t)
{
    uint32_t insn = t->insn;
    if ((insn & 0xfff7) == 0xb650)
        arm_gen_setend(t, arm_bit(insn, 3));
    else if ((insn & 0xffe8) == 0xb660)
        arm_gen_cps(t, arm_bit(insn, 4) ? 3 : 2, arm_field(insn, 0, 3), false, 0);
    else
        arm_gen_undef(t);
}

/* ---- decoding ---- */

/* Bits 15-12 = 1011: SP adjustment, PUSH/POP and BKPT; from ARMv6 the extends, REV, CPS
 * and SETEND; with Thumb-2 CBZ/CBNZ, IT and the hints. */
static void miscellaneous(arm_tctx *t)
{
    uint32_t insn = t->insn;
    bool v6 = arm_feature(t, ARM_FEATURE_V6), thumb2 = arm_feature(t, ARM_FEATURE_THUMB2);
    if ((insn & 0xff00) == 0xb000)
        adjust_sp(t);
    else if ((insn & 0x0600) == 0x0400)
        push_pop(t);
    else if ((insn & 0xff00) == 0xbe00)
        breakpoint(t);
    else if ((insn & 0x0500) == 0x0100 && thumb2)
        compare_and_branch(t);
    else if ((insn & 0xff00) == 0xbf00 && thumb2)
        if_then_or_hint(t);
    else if ((insn & 0xff00) == 0xb200 && v6)
        extend(t);
    else if ((insn & 0xff00) == 0xba00 && v6)
        reverse(t);
    else if ((insn & 0xffc0) == 0xb640 && v6)
        change_state(t);
    else
        arm_gen_undef(t);
}

/* Bits 15-10 = 010000 (ALU) and 010001 (high registers, BX). */
static void data_processing_register(arm_tctx *t)
{
    if (arm_bit(t->insn, 10))
        high_register(t);
    else
        alu(t);
}

static void translate_16(arm_tctx *t)
{
    uint32_t insn = t->insn;
    switch (insn >> 12) {
    case 0:
    case 1:
        if ((insn & 0x1800) == 0x1800)
            add_subtract(t);
        else
            shift_immediate(t);
        break;
    case 2:
    case 3: immediate_8(t); break;
    case 4:
        if (arm_bit(insn, 11))
            load_literal(t);
        else
            data_processing_register(t);
        break;
    case 5: load_store_register(t); break;
    case 6: load_store_immediate(t, BB_IR_MEM_32); break;
    case 7: load_store_immediate(t, BB_IR_MEM_8); break;
    case 8: load_store_immediate(t, BB_IR_MEM_16); break;
    case 9: load_store_sp(t); break;
    case 10: add_to_pc_or_sp(t); break;
    case 11: miscellaneous(t); break;
    case 12: load_store_multiple(t); break;
    case 13: conditional_branch(t); break;
    case 14:
        if (arm_bit(insn, 11))
            bl_suffix_alone(t);
        else
            unconditional_branch(t);
        break;
    default:
        if (arm_bit(insn, 11))
            bl_suffix_alone(t);
        else
            bl_prefix_alone(t);
        break;
    }
}

/* Inside an IT block every instruction is conditional on the block's condition (AL for
 * some), except BKPT, which always executes. */
void arm_translate_thumb(arm_tctx *t)
{
    if (t->size == 4 && !arm_feature(t, ARM_FEATURE_THUMB2)) {
        branch_link_pair(t);
        return;
    }
    bool breakpoint = t->size == 2 && (t->insn & 0xff00) == 0xbe00;
    int skip = arm_in_it_block(t) && !breakpoint ? arm_gen_cond_begin(t, t->it >> 4) : -1;
    int outcome = arm_gen_outcome_begin(t, skip);
    if (t->size == 4)
        arm_translate_t32(t);
    else
        translate_16(t);
    arm_gen_outcome_end(t, skip, outcome);
    arm_gen_cond_end(t, skip);
}
