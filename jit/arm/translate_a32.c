/*
 * translate_a32.c: the A32 (ARM state) decoder: the top of the encoding tree, data
 * processing with the barrel shifter, MOVW/MOVT and branches. The other groups are in
 * translate_a32_sys.c (status registers, the miscellaneous and unconditional spaces,
 * hints, coprocessors, exceptions), translate_a32_mem.c (loads, stores, exclusives),
 * translate_a32_mul.c (multiplies) and translate_a32_media.c (the ARMv6 media space).
 *
 * The instruction set is the CPU's: ARMv5TE on the ARM926EJ-S, ARMv7-A on the Cortex-A9
 * (t->features); what an architecture does not have is undefined. Every instruction
 * outside the unconditional space is wrapped in its condition.
 */
#include "jit/arm/translate_a32.h"

#include "jit/arm/translate_ops.h"
#include "jit/arm/translate_vfp.h"

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
    case ARM_DP_AND:
    case ARM_DP_EOR:
    case ARM_DP_TST:
    case ARM_DP_TEQ:
    case ARM_DP_ORR:
    case ARM_DP_MOV:
    case ARM_DP_BIC:
    case ARM_DP_MVN: return true;
    default: return false;
    }
}

static bool is_comparison(unsigned op)
{
    return op >= ARM_DP_TST && op <= ARM_DP_CMN;
}

/* a op b for the arithmetic opcodes, with NZCV when set_flags. */
static bb_ir_temp arithmetic(arm_tctx *t, unsigned op, bb_ir_temp a, bb_ir_temp b, bool set_flags)
{
    bb_ir_block *blk = t->blk;
    switch (op) {
    case ARM_DP_SUB:
    case ARM_DP_CMP:
        if (set_flags) return arm_gen_sub_flags(t, a, b, constant(t, 1));
        return binop(t, BB_IR_SUB, a, b);
    case ARM_DP_RSB:
        if (set_flags) return arm_gen_sub_flags(t, b, a, constant(t, 1));
        return binop(t, BB_IR_SUB, b, a);
    case ARM_DP_ADD:
    case ARM_DP_CMN:
        if (set_flags) return arm_gen_add_flags(t, a, b, constant(t, 0));
        return binop(t, BB_IR_ADD, a, b);
    case ARM_DP_ADC:
        if (set_flags) return arm_gen_add_flags(t, a, b, arm_gen_carry(t));
        return bb_ir_triop(blk, BB_IR_ADC, a, b, arm_gen_carry(t));
    case ARM_DP_SBC:
        if (set_flags) return arm_gen_sub_flags(t, a, b, arm_gen_carry(t));
        return bb_ir_triop(blk, BB_IR_ADC, a, bb_ir_unop(blk, BB_IR_NOT, b), arm_gen_carry(t));
    default: /* ARM_DP_RSC */
        if (set_flags) return arm_gen_sub_flags(t, b, a, arm_gen_carry(t));
        return bb_ir_triop(blk, BB_IR_ADC, b, bb_ir_unop(blk, BB_IR_NOT, a), arm_gen_carry(t));
    }
}

static bb_ir_temp logical(arm_tctx *t, unsigned op, bb_ir_temp a, bb_ir_temp b)
{
    switch (op) {
    case ARM_DP_AND:
    case ARM_DP_TST: return binop(t, BB_IR_AND, a, b);
    case ARM_DP_EOR:
    case ARM_DP_TEQ: return binop(t, BB_IR_XOR, a, b);
    case ARM_DP_ORR: return binop(t, BB_IR_OR, a, b);
    case ARM_DP_BIC: return binop(t, BB_IR_ANDN, a, b);
    case ARM_DP_MVN: return bb_ir_unop(t->blk, BB_IR_NOT, b);
    default: return b; /* ARM_DP_MOV */
    }
}

bb_ir_temp arm_gen_data_processing(arm_tctx *t, unsigned op, bb_ir_temp a, bb_ir_temp b,
                                   bool set_flags, bb_ir_temp carry)
{
    if (!is_logical(op)) return arithmetic(t, op, a, b, set_flags);
    bb_ir_temp result = logical(t, op, a, b);
    if (set_flags) {
        arm_gen_set_nz(t, result);
        if (carry) arm_gen_set_c(t, carry);
    }
    return result;
}

/* The result goes to Rd; Rd = r15 is a branch (with interworking from ARMv7, without
 * before), or with S an exception return (CPSR = SPSR). */
static void data_processing(arm_tctx *t)
{
    uint32_t insn = t->insn;
    unsigned op = arm_field(insn, 21, 4);
    int rn = (int)arm_field(insn, 16, 4), rd = (int)arm_field(insn, 12, 4);
    bool s = arm_bit(insn, 20);
    bool exception_return = s && rd == 15 && !is_comparison(op);
    bool set_flags = s && !exception_return;

    bb_ir_temp carry = 0;
    bb_ir_temp b = shifter_operand(t, set_flags && is_logical(op) ? &carry : NULL);
    bb_ir_temp a = (op == ARM_DP_MOV || op == ARM_DP_MVN) ? 0 : dp_operand_reg(t, rn);
    bb_ir_temp result = arm_gen_data_processing(t, op, a, b, set_flags, carry);

    if (is_comparison(op)) return;
    if (rd != 15) {
        arm_gen_set_reg(t, rd, result);
    } else if (exception_return) {
        bb_ir_call(t->blk, ARM_H_EXCEPTION_RETURN, result, 0, 0);
        bb_ir_exit_loop(t->blk);
        t->ended = true;
    } else if (arm_feature(t, ARM_FEATURE_V7)) {
        arm_gen_bx(t, result);
    } else {
        arm_gen_branch_ind(t, result);
    }
}

/* MOVW (bit 22 clear): Rd = imm16; MOVT: the top half of Rd = imm16 (ARMv6T2). */
static void move_wide(arm_tctx *t)
{
    uint32_t insn = t->insn;
    int rd = (int)arm_field(insn, 12, 4);
    uint32_t imm = arm_field(insn, 16, 4) << 12 | arm_field(insn, 0, 12);
    if (!arm_feature(t, ARM_FEATURE_V7)) {
        arm_gen_undef(t);
        return;
    }
    if (!arm_bit(insn, 22)) {
        arm_gen_set_reg(t, rd, constant(t, imm));
        return;
    }
    bb_ir_temp low = binop(t, BB_IR_AND, arm_gen_reg(t, rd), constant(t, 0xffff));
    arm_gen_set_reg(t, rd, binop(t, BB_IR_OR, low, constant(t, imm << 16)));
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

void arm_a32_branch_link_exchange_imm(arm_tctx *t)
{
    uint32_t target = t->pc + 8 + branch_offset(t->insn) + (arm_bit(t->insn, 24) ? 2 : 0);
    arm_gen_set_reg(t, 14, constant(t, next_pc(t)));
    arm_gen_branch_direct_exchange(t, target, true);
}

/* ---- decoding ---- */

/* Bits 27-25 = 000 with bits 7 and 4 set: multiplies, synchronization primitives, halfword
 * and doubleword transfers. */
static void multiply_or_extra_load_store(arm_tctx *t)
{
    uint32_t insn = t->insn;
    if (arm_field(insn, 5, 2) != 0)
        arm_a32_extra_load_store(t);
    else if ((insn & 0x0f0000f0) == 0x00000090)
        arm_a32_multiply(t);
    else if ((insn & 0x0f0000f0) == 0x01000090)
        arm_a32_synchronization(t);
    else
        arm_gen_undef(t);
}

/* Opcodes 10xx (TST, TEQ, CMP, CMN) without S hold other instructions. */
static bool is_miscellaneous(uint32_t insn)
{
    return (insn & 0x01900000) == 0x01000000;
}

/* Bits 27-25 = 001 in the miscellaneous opcodes: MOVW, MOVT, MSR immediate and hints. */
static void immediate_miscellaneous(arm_tctx *t)
{
    if (arm_bit(t->insn, 21))
        arm_a32_msr_immediate(t);
    else
        move_wide(t);
}

/* Bits 27-24 = 110x (LDC, STC, MCRR, MRRC) and 1110 (CDP, MRC, MCR): coprocessors 10 and
 * 11 are VFP and Advanced SIMD, 14 and 15 take MRC/MCR; nothing else exists. */
static void coprocessor(arm_tctx *t)
{
    uint32_t insn = t->insn;
    unsigned cp = arm_field(insn, 8, 4);
    if ((cp & 14) == 10) {
        if (arm_feature(t, ARM_FEATURE_VFP))
            arm_translate_vfp(t);
        else
            arm_gen_undef(t);
    } else if (arm_field(insn, 24, 4) == 14 && arm_bit(insn, 4)) {
        arm_gen_coprocessor_transfer(t, (insn & 0x0fffffff) | 0xe0000000);
    } else {
        arm_gen_undef(t);
    }
}

void arm_translate_a32(arm_tctx *t)
{
    uint32_t insn = t->insn;
    unsigned cond = insn >> 28;
    if (cond == 15) {
        arm_a32_unconditional(t);
        return;
    }
    int skip = arm_gen_cond_begin(t, cond);
    int outcome = arm_gen_outcome_begin(t, skip);
    switch (arm_field(insn, 25, 3)) {
    case 0:
        if ((insn & 0x90) == 0x90)
            multiply_or_extra_load_store(t);
        else if (is_miscellaneous(insn))
            arm_a32_miscellaneous(t);
        else
            data_processing(t);
        break;
    case 1:
        if (is_miscellaneous(insn))
            immediate_miscellaneous(t);
        else
            data_processing(t);
        break;
    case 2: arm_a32_load_store(t); break;
    case 3: /* register offset; bit 4 set is the media space (undefined before ARMv6) */
        if (!arm_bit(insn, 4))
            arm_a32_load_store(t);
        else if (arm_feature(t, ARM_FEATURE_V6))
            arm_a32_media(t);
        else
            arm_gen_undef(t);
        break;
    case 4: arm_a32_block_transfer(t); break;
    case 5: branch(t); break;
    case 6: coprocessor(t); break;
    default:
        if (arm_bit(insn, 24))
            arm_a32_software_interrupt(t);
        else
            coprocessor(t);
        break;
    }
    arm_gen_outcome_end(t, skip, outcome);
    arm_gen_cond_end(t, skip);
}
