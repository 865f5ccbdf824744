/*
 * translate_a32.c: the A32 (ARM state) decoder of ARMv5TE, as on the ARM926EJ-S. It walks
 * the encoding tree by the instruction's major fields and translates data processing,
 * branches, status register access, CLZ, saturating arithmetic, exceptions (SWI, BKPT)
 * and coprocessor 15 transfers itself; loads and stores are in translate_a32_mem.c and
 * multiplies in translate_a32_mul.c. Every instruction outside the unconditional space is
 * wrapped in its condition.
 */
#include "jit/arm/translate_a32.h"

enum {
    DP_AND,
    DP_EOR,
    DP_SUB,
    DP_RSB,
    DP_ADD,
    DP_ADC,
    DP_SBC,
    DP_RSC,
    DP_TST,
    DP_TEQ,
    DP_CMP,
    DP_CMN,
    DP_ORR,
    DP_MOV,
    DP_BIC,
    DP_MVN,
};

static bb_ir_temp constant(arm_tctx *t, uint32_t value)
{
    return bb_ir_const(t->blk, value);
}

static bb_ir_temp binop(arm_tctx *t, bb_ir_op op, bb_ir_temp a, bb_ir_temp b)
{
    return bb_ir_binop(t->blk, op, a, b);
}

static uint32_t next_pc(const arm_tctx *t)
{
    return t->pc + 4;
}

/* ---- the shifter operand ---- */

/* (value >> n) & 1 */
static bb_ir_temp bit_of(arm_tctx *t, bb_ir_temp value, bb_ir_temp n)
{
    return binop(t, BB_IR_AND, binop(t, BB_IR_SHR, value, n), constant(t, 1));
}

bb_ir_temp arm_a32_shift_imm(arm_tctx *t, bb_ir_temp value, unsigned type, unsigned amount,
                             bb_ir_temp *carry_out)
{
    bb_ir_temp result, carry = 0;
    switch (type) {
    case ARM_SHIFT_LSL:
        if (amount == 0) {
            result = value;
            break;
        }
        result = binop(t, BB_IR_SHL, value, constant(t, amount));
        if (carry_out) carry = bit_of(t, value, constant(t, 32 - amount));
        break;
    case ARM_SHIFT_LSR:
        if (amount == 0) { /* LSR #32 */
            result = constant(t, 0);
            if (carry_out) carry = binop(t, BB_IR_SHR, value, constant(t, 31));
            break;
        }
        result = binop(t, BB_IR_SHR, value, constant(t, amount));
        if (carry_out) carry = bit_of(t, value, constant(t, amount - 1));
        break;
    case ARM_SHIFT_ASR:
        if (amount == 0) { /* ASR #32 */
            result = binop(t, BB_IR_SAR, value, constant(t, 31));
            if (carry_out) carry = binop(t, BB_IR_SHR, value, constant(t, 31));
            break;
        }
        result = binop(t, BB_IR_SAR, value, constant(t, amount));
        if (carry_out) carry = bit_of(t, value, constant(t, amount - 1));
        break;
    default:
        if (amount == 0) { /* RRX */
            bb_ir_temp c_in = binop(t, BB_IR_SHL, arm_gen_carry(t), constant(t, 31));
            result = binop(t, BB_IR_OR, c_in, binop(t, BB_IR_SHR, value, constant(t, 1)));
            if (carry_out) carry = binop(t, BB_IR_AND, value, constant(t, 1));
            break;
        }
        result = binop(t, BB_IR_ROR, value, constant(t, amount));
        if (carry_out) carry = binop(t, BB_IR_SHR, result, constant(t, 31));
        break;
    }
    if (carry_out) *carry_out = carry;
    return result;
}

/* value shifted by a register: amount is the bottom byte of Rs (0-255). Amounts of 32 and
 * more give 0 (LSL, LSR), the sign (ASR) or a rotation by amount mod 32 (ROR); the carry
 * follows the architecture's rules for each, and an amount of 0 leaves C unchanged. */
bb_ir_temp arm_a32_shift_reg(arm_tctx *t, bb_ir_temp value, unsigned type, bb_ir_temp amount,
                             bb_ir_temp *carry_out)
{
    static const bb_ir_op ops[4] = {BB_IR_SHL, BB_IR_SHR, BB_IR_SAR, BB_IR_ROR};
    bb_ir_temp result = binop(t, ops[type], value, amount);
    if (!carry_out) return result;
    bb_ir_temp one = constant(t, 1), carry;
    switch (type) {
    case ARM_SHIFT_LSL: /* bit 32 - amount: 0 when amount > 32 (the shift count wraps) */
        carry = bit_of(t, value, binop(t, BB_IR_SUB, constant(t, 32), amount));
        break;
    case ARM_SHIFT_LSR: /* bit amount - 1: 0 when amount > 32 */
        carry = bit_of(t, value, binop(t, BB_IR_SUB, amount, one));
        break;
    case ARM_SHIFT_ASR: /* bit amount - 1: the sign when amount > 32 */
        carry =
            binop(t, BB_IR_AND, binop(t, BB_IR_SAR, value, binop(t, BB_IR_SUB, amount, one)), one);
        break;
    default: /* bit 31 of the result: also right for multiples of 32 */
        carry = binop(t, BB_IR_SHR, result, constant(t, 31));
        break;
    }
    bb_ir_temp unchanged = binop(t, BB_IR_EQ, amount, constant(t, 0));
    *carry_out = bb_ir_select(t->blk, unchanged, arm_gen_carry(t), carry);
    return result;
}

/* Whether a data-processing instruction shifts its register operand by a register. */
static bool shifts_by_register(uint32_t insn)
{
    return !arm_bit(insn, 25) && arm_bit(insn, 4);
}

/* A register operand of a data-processing instruction. With a register-specified shift
 * the PC is read one cycle later, as the instruction's address + 12 (UNPREDICTABLE in the
 * architecture; what ARM cores of this generation do). */
static bb_ir_temp dp_operand_reg(arm_tctx *t, int n)
{
    if (n == 15 && shifts_by_register(t->insn)) return constant(t, t->pc + 12);
    return arm_gen_reg(t, n);
}

/* The second operand of a data-processing instruction. carry_out as in arm_a32_shift_imm
 * (NULL when the carry is not needed). */
static bb_ir_temp shifter_operand(arm_tctx *t, bb_ir_temp *carry_out)
{
    uint32_t insn = t->insn;
    if (carry_out) *carry_out = 0;
    if (arm_bit(insn, 25)) {
        uint32_t imm = arm_field(insn, 0, 8);
        unsigned rotate = arm_field(insn, 8, 4) * 2;
        uint32_t value = rotate ? (imm >> rotate) | (imm << (32 - rotate)) : imm;
        if (carry_out && rotate) *carry_out = constant(t, value >> 31);
        return constant(t, value);
    }
    bb_ir_temp rm = dp_operand_reg(t, (int)arm_field(insn, 0, 4));
    unsigned type = arm_field(insn, 5, 2);
    if (!arm_bit(insn, 4)) return arm_a32_shift_imm(t, rm, type, arm_field(insn, 7, 5), carry_out);
    bb_ir_temp rs = dp_operand_reg(t, (int)arm_field(insn, 8, 4));
    bb_ir_temp amount = binop(t, BB_IR_AND, rs, constant(t, 0xff));
    return arm_a32_shift_reg(t, rm, type, amount, carry_out);
}

/* ---- data processing ---- */

static bool is_logical(unsigned op)
{
    switch (op) {
    case DP_AND:
    case DP_EOR:
    case DP_TST:
    case DP_TEQ:
    case DP_ORR:
    case DP_MOV:
    case DP_BIC:
    case DP_MVN: return true;
    default: return false;
    }
}

static bool is_comparison(unsigned op)
{
    return op >= DP_TST && op <= DP_CMN;
}

/* a op b for the arithmetic opcodes, with NZCV when set_flags. */
static bb_ir_temp arithmetic(arm_tctx *t, unsigned op, bb_ir_temp a, bb_ir_temp b, bool set_flags)
{
    bb_ir_block *blk = t->blk;
    switch (op) {
    case DP_SUB:
    case DP_CMP:
        if (set_flags) return arm_gen_sub_flags(t, a, b, constant(t, 1));
        return binop(t, BB_IR_SUB, a, b);
    case DP_RSB:
        if (set_flags) return arm_gen_sub_flags(t, b, a, constant(t, 1));
        return binop(t, BB_IR_SUB, b, a);
    case DP_ADD:
    case DP_CMN:
        if (set_flags) return arm_gen_add_flags(t, a, b, constant(t, 0));
        return binop(t, BB_IR_ADD, a, b);
    case DP_ADC:
        if (set_flags) return arm_gen_add_flags(t, a, b, arm_gen_carry(t));
        return bb_ir_triop(blk, BB_IR_ADC, a, b, arm_gen_carry(t));
    case DP_SBC:
        if (set_flags) return arm_gen_sub_flags(t, a, b, arm_gen_carry(t));
        return bb_ir_triop(blk, BB_IR_ADC, a, bb_ir_unop(blk, BB_IR_NOT, b), arm_gen_carry(t));
    default: /* DP_RSC */
        if (set_flags) return arm_gen_sub_flags(t, b, a, arm_gen_carry(t));
        return bb_ir_triop(blk, BB_IR_ADC, b, bb_ir_unop(blk, BB_IR_NOT, a), arm_gen_carry(t));
    }
}

static bb_ir_temp logical(arm_tctx *t, unsigned op, bb_ir_temp a, bb_ir_temp b)
{
    switch (op) {
    case DP_AND:
    case DP_TST: return binop(t, BB_IR_AND, a, b);
    case DP_EOR:
    case DP_TEQ: return binop(t, BB_IR_XOR, a, b);
    case DP_ORR: return binop(t, BB_IR_OR, a, b);
    case DP_BIC: return binop(t, BB_IR_ANDN, a, b);
    case DP_MVN: return bb_ir_unop(t->blk, BB_IR_NOT, b);
    default: return b; /* DP_MOV */
    }
}

/* The result goes to Rd; Rd = r15 is a branch without interworking (ARMv5), or with S an
 * exception return (CPSR = SPSR). */
static void data_processing(arm_tctx *t)
{
    uint32_t insn = t->insn;
    unsigned op = arm_field(insn, 21, 4);
    int rn = (int)arm_field(insn, 16, 4), rd = (int)arm_field(insn, 12, 4);
    bool s = arm_bit(insn, 20);
    bool exception_return = s && rd == 15 && !is_comparison(op);
    bool set_flags = s && !exception_return;
    bool logical_op = is_logical(op);

    bb_ir_temp carry = 0;
    bb_ir_temp b = shifter_operand(t, set_flags && logical_op ? &carry : NULL);
    bb_ir_temp a = (op == DP_MOV || op == DP_MVN) ? 0 : dp_operand_reg(t, rn);
    bb_ir_temp result;
    if (logical_op) {
        result = logical(t, op, a, b);
        if (set_flags) {
            arm_gen_set_nz(t, result);
            if (carry) arm_gen_set_c(t, carry);
        }
    } else {
        result = arithmetic(t, op, a, b, set_flags);
    }

    if (is_comparison(op)) return;
    if (rd != 15) {
        arm_gen_set_reg(t, rd, result);
    } else if (exception_return) {
        bb_ir_call(t->blk, ARM_H_EXCEPTION_RETURN, result, 0, 0);
        bb_ir_exit_loop(t->blk);
        t->ended = true;
    } else {
        arm_gen_branch_ind(t, result);
    }
}

/* ---- branches ---- */

static uint32_t branch_offset(uint32_t insn)
{
    return (uint32_t)((int32_t)(insn << 8) >> 6); /* imm24 sign-extended, times 4 */
}

static void branch(arm_tctx *t)
{
    uint32_t target = t->pc + 8 + branch_offset(t->insn);
    if (arm_bit(t->insn, 24)) arm_gen_set_reg(t, 14, constant(t, next_pc(t)));
    arm_gen_branch_direct(t, target);
}

/* BLX immediate: a call into Thumb code; H (bit 24) adds a halfword. */
static void branch_link_exchange_imm(arm_tctx *t)
{
    uint32_t target = t->pc + 8 + branch_offset(t->insn) + (arm_bit(t->insn, 24) ? 2 : 0);
    arm_gen_set_reg(t, 14, constant(t, next_pc(t)));
    arm_gen_branch_direct_exchange(t, target, true);
}

/* BX, BXJ (Jazelle is never enabled, so it is BX) and BLX register. */
static void branch_exchange(arm_tctx *t, bool link)
{
    bb_ir_temp target = arm_gen_reg(t, (int)arm_field(t->insn, 0, 4));
    if (link) arm_gen_set_reg(t, 14, constant(t, next_pc(t)));
    arm_gen_bx(t, target);
}

/* ---- status registers ---- */

static void mrs(arm_tctx *t)
{
    unsigned helper = arm_bit(t->insn, 22) ? ARM_H_SPSR_READ : ARM_H_CPSR_READ;
    bb_ir_temp value = bb_ir_call(t->blk, helper, 0, 0, 0);
    arm_gen_set_reg(t, (int)arm_field(t->insn, 12, 4), value);
}

/* N, Z, C and V from bits 31-28 of value (MSR flags, MRC to r15). */
static void set_nzcv_from_word(arm_tctx *t, bb_ir_temp value)
{
    bb_ir_set(t->blk, ARM_OFF_NF, value);
    bb_ir_set(t->blk, ARM_OFF_ZF, binop(t, BB_IR_ANDN, constant(t, 1u << 30), value));
    bb_ir_set(t->blk, ARM_OFF_CF, bit_of(t, value, constant(t, 29)));
    bb_ir_set(t->blk, ARM_OFF_VF, binop(t, BB_IR_SHL, value, constant(t, 3)));
}

/* The status register bits of ARMv5TE: N, Z, C, V, Q and the control byte (mode, T, F, I).
 * MSR leaves the others alone: they are reserved, and J (bit 24) cannot be set by MSR. */
#define PSR_BITS 0xf80000ffu

/* MSR: the field mask (c, x, s, f in bits 16-19) selects bytes. A write of the flags only
 * stays in the block; one that touches the control byte (mode, interrupt masks) ends it.
 * In user mode only the flags can change. */
static void msr(arm_tctx *t, bb_ir_temp value)
{
    uint32_t insn = t->insn;
    uint32_t mask = 0;
    for (unsigned i = 0; i < 4; i++)
        if (arm_bit(insn, 16 + i)) mask |= 0xffu << (8 * i);
    mask &= PSR_BITS;
    if (arm_bit(insn, 22)) {
        if (mask) bb_ir_call(t->blk, ARM_H_SPSR_WRITE, value, constant(t, mask), 0);
        return;
    }
    if (!t->privileged) mask &= ARM_CPSR_NZCV | ARM_CPSR_Q;
    if (mask == 0) return;
    if (mask == (ARM_CPSR_NZCV | ARM_CPSR_Q)) {
        set_nzcv_from_word(t, value);
        bb_ir_set(t->blk, ARM_OFF_QF, bit_of(t, value, constant(t, 27)));
        return;
    }
    bb_ir_call(t->blk, ARM_H_CPSR_WRITE, value, constant(t, mask), 0);
    if (mask & 0xff) arm_gen_exit_to_loop(t, next_pc(t));
}

static void msr_immediate(arm_tctx *t)
{
    uint32_t imm = arm_field(t->insn, 0, 8);
    unsigned rotate = arm_field(t->insn, 8, 4) * 2;
    msr(t, constant(t, rotate ? (imm >> rotate) | (imm << (32 - rotate)) : imm));
}

/* ---- the miscellaneous space (opcode 10xx without S) ---- */

static void count_leading_zeros(arm_tctx *t)
{
    bb_ir_temp rm = arm_gen_reg(t, (int)arm_field(t->insn, 0, 4));
    arm_gen_set_reg(t, (int)arm_field(t->insn, 12, 4), bb_ir_unop(t->blk, BB_IR_CLZ, rm));
}

/* QADD, QSUB, QDADD, QDSUB: Rd = sat(Rm op [sat(2 *)] Rn). */
static void saturating(arm_tctx *t)
{
    static const unsigned helpers[4] = {ARM_H_QADD, ARM_H_QSUB, ARM_H_QDADD, ARM_H_QDSUB};
    uint32_t insn = t->insn;
    bb_ir_temp rm = arm_gen_reg(t, (int)arm_field(insn, 0, 4));
    bb_ir_temp rn = arm_gen_reg(t, (int)arm_field(insn, 16, 4));
    bb_ir_temp result = bb_ir_call(t->blk, helpers[arm_field(insn, 21, 2)], rm, rn, 0);
    arm_gen_set_reg(t, (int)arm_field(insn, 12, 4), result);
}

static void breakpoint(arm_tctx *t)
{
    uint32_t imm = arm_field(t->insn, 8, 12) << 4 | arm_field(t->insn, 0, 4);
    bb_ir_call(t->blk, ARM_H_BKPT, constant(t, t->pc), constant(t, imm), 0);
    bb_ir_exit_ind(t->blk); /* the helper set the PC (after semihosting, or the vector) */
    t->ended = true;
}

static void miscellaneous(arm_tctx *t)
{
    uint32_t insn = t->insn;
    unsigned op = arm_field(insn, 21, 2);
    if (arm_bit(insn, 7)) {
        if (!arm_bit(insn, 4))
            arm_a32_dsp_multiply(t);
        else
            arm_gen_undef(t);
        return;
    }
    switch (arm_field(insn, 4, 3)) {
    case 0:
        if (op & 1)
            msr(t, arm_gen_reg(t, (int)arm_field(insn, 0, 4)));
        else
            mrs(t);
        break;
    case 1:
        if (op == 1)
            branch_exchange(t, false);
        else if (op == 3)
            count_leading_zeros(t);
        else
            arm_gen_undef(t);
        break;
    case 2: /* BXJ */
        if (op == 1)
            branch_exchange(t, false);
        else
            arm_gen_undef(t);
        break;
    case 3:
        if (op == 1)
            branch_exchange(t, true);
        else
            arm_gen_undef(t);
        break;
    case 5: saturating(t); break;
    case 7:
        if (op == 1)
            breakpoint(t);
        else
            arm_gen_undef(t);
        break;
    default: arm_gen_undef(t); break;
    }
}

/* ---- exceptions and coprocessors ---- */

static void software_interrupt(arm_tctx *t)
{
    bb_ir_call(t->blk, ARM_H_SWI, constant(t, t->pc), constant(t, arm_field(t->insn, 0, 24)),
               constant(t, 0));
    bb_ir_exit_ind(t->blk); /* the helper set the PC (after semihosting, or the vector) */
    t->ended = true;
}

/* MRC and MCR to CP15, the only coprocessor of the ARM926 board models; every CP15 access
 * is privileged. An MCR may change the MMU or halt the CPU: it ends the block. */
static void coprocessor_transfer(arm_tctx *t)
{
    uint32_t insn = t->insn;
    int rd = (int)arm_field(insn, 12, 4);
    if (arm_field(insn, 8, 4) != 15 || !t->privileged) {
        arm_gen_undef(t);
        return;
    }
    if (arm_bit(insn, 20)) {
        bb_ir_temp value = bb_ir_call(t->blk, ARM_H_MRC, constant(t, insn), constant(t, t->pc), 0);
        if (rd == 15)
            set_nzcv_from_word(t, value);
        else
            arm_gen_set_reg(t, rd, value);
        return;
    }
    bb_ir_call(t->blk, ARM_H_MCR, constant(t, insn), arm_gen_reg(t, rd), constant(t, t->pc));
    arm_gen_exit_to_loop(t, next_pc(t));
}

/* ---- decoding ---- */

/* cond = 0b1111: BLX immediate and PLD; everything else is undefined on ARMv5. */
static void unconditional(arm_tctx *t)
{
    uint32_t insn = t->insn;
    if ((insn & 0x0e000000) == 0x0a000000)
        branch_link_exchange_imm(t);
    else if ((insn & 0x0d70f000) == 0x0550f000)
        return; /* PLD: a hint */
    else
        arm_gen_undef(t);
}

/* Bits 27-25 = 000 with bits 7 and 4 set: multiplies, swaps, halfword and doubleword
 * transfers. */
static void multiply_or_extra_load_store(arm_tctx *t)
{
    uint32_t insn = t->insn;
    if (arm_field(insn, 5, 2) != 0)
        arm_a32_extra_load_store(t);
    else if ((insn & 0x0fc000f0) == 0x00000090)
        arm_a32_multiply(t);
    else if ((insn & 0x0f8000f0) == 0x00800090)
        arm_a32_long_multiply(t);
    else if ((insn & 0x0fb00ff0) == 0x01000090)
        arm_a32_swap(t);
    else
        arm_gen_undef(t);
}

/* Opcodes 10xx (TST, TEQ, CMP, CMN) without S hold other instructions. */
static bool is_miscellaneous(uint32_t insn)
{
    return (insn & 0x01900000) == 0x01000000;
}

void arm_translate_a32(arm_tctx *t)
{
    uint32_t insn = t->insn;
    unsigned cond = insn >> 28;
    if (cond == 15) {
        unconditional(t);
        return;
    }
    int skip = arm_gen_cond_begin(t, cond);
    int outcome = arm_gen_outcome_begin(t, skip);
    switch (arm_field(insn, 25, 3)) {
    case 0:
        if ((insn & 0x90) == 0x90)
            multiply_or_extra_load_store(t);
        else if (is_miscellaneous(insn))
            miscellaneous(t);
        else
            data_processing(t);
        break;
    case 1:
        if (!is_miscellaneous(insn))
            data_processing(t);
        else if (arm_bit(insn, 21))
            msr_immediate(t);
        else
            arm_gen_undef(t);
        break;
    case 2: arm_a32_load_store(t); break;
    case 3: /* register offset; bit 4 set is the architecturally undefined space */
        if (arm_bit(insn, 4))
            arm_gen_undef(t);
        else
            arm_a32_load_store(t);
        break;
    case 4: arm_a32_block_transfer(t); break;
    case 5: branch(t); break;
    case 6: arm_gen_undef(t); break; /* LDC, STC, MCRR, MRRC: no such coprocessor */
    default:
        if (arm_bit(insn, 24))
            software_interrupt(t);
        else if (arm_bit(insn, 4))
            coprocessor_transfer(t);
        else
            arm_gen_undef(t); /* CDP */
        break;
    }
    arm_gen_outcome_end(t, skip, outcome);
    arm_gen_cond_end(t, skip);
}
