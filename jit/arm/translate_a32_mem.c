/*
 * translate_a32_mem.c: A32 loads and stores: LDR/STR and their byte and user (T) forms,
 * the halfword, signed and doubleword transfers (with the ARMv6T2 user forms LDRHT,
 * STRHT, LDRSBT, LDRSHT), LDM/STM with their user-bank and exception-return forms, SWP,
 * and the ARMv6 exclusives LDREX/STREX with their byte, halfword and doubleword forms.
 *
 * Exceptions are precise: every load of an instruction is done before any register is
 * written, so an aborting load leaves the registers as they were. Base writeback comes
 * before the loaded registers, so a loaded base register wins. Misaligned word loads rotate
 * (ARMv5) in the memory slow path, not here.
 */
#include "jit/arm/translate_a32.h"

#include "jit/arm/translate_ops.h"

static bb_ir_temp constant(arm_tctx *t, uint32_t value)
{
    return bb_ir_const(t->blk, value);
}

static bb_ir_temp add(arm_tctx *t, bb_ir_temp a, uint32_t value)
{
    return bb_ir_binop(t->blk, BB_IR_ADD, a, constant(t, value));
}

/* Rd = a loaded value; a load into r15 is an interworking branch on ARMv5. */
static void write_loaded(arm_tctx *t, int rd, bb_ir_temp value)
{
    if (rd == 15)
        arm_gen_bx(t, value);
    else
        arm_gen_set_reg(t, rd, value);
}

/* The addressing of single transfers: P (bit 24) pre-indexed, U (bit 23) add, W (bit 21)
 * writeback. Post-indexed forms always write back. A base of r15 is never written. */
typedef struct address {
    bb_ir_temp addr;     /* where the access goes */
    bb_ir_temp new_base; /* base +/- offset */
    bool writeback;
    int rn;
} address;

static address compute_address(arm_tctx *t, bb_ir_temp offset)
{
    uint32_t insn = t->insn;
    address a;
    a.rn = (int)arm_field(insn, 16, 4);
    bb_ir_temp base = arm_gen_reg(t, a.rn);
    bool pre = arm_bit(insn, 24);
    a.new_base = bb_ir_binop(t->blk, arm_bit(insn, 23) ? BB_IR_ADD : BB_IR_SUB, base, offset);
    a.addr = pre ? a.new_base : base;
    a.writeback = (!pre || arm_bit(insn, 21)) && a.rn != 15;
    return a;
}

static void write_back(arm_tctx *t, const address *a)
{
    if (a->writeback) arm_gen_set_reg(t, a->rn, a->new_base);
}

void arm_a32_load_store(arm_tctx *t)
{
    uint32_t insn = t->insn;
    int rd = (int)arm_field(insn, 12, 4);
    bool user = !arm_bit(insn, 24) && arm_bit(insn, 21); /* LDRT, STRT, LDRBT, STRBT */
    unsigned mem = arm_bit(insn, 22) ? BB_IR_MEM_8 : BB_IR_MEM_32;
    bb_ir_temp offset;
    if (arm_bit(insn, 25)) {
        bb_ir_temp rm = arm_gen_reg(t, (int)arm_field(insn, 0, 4));
        offset = arm_a32_shift_imm(t, rm, arm_field(insn, 5, 2), arm_field(insn, 7, 5), NULL);
    } else {
        offset = constant(t, arm_field(insn, 0, 12));
    }
    address a = compute_address(t, offset);
    if (arm_bit(insn, 20)) {
        bb_ir_temp value = arm_gen_load(t, mem, a.addr, user);
        write_back(t, &a);
        write_loaded(t, rd, value);
    } else {
        arm_gen_store(t, mem, a.addr, arm_gen_reg(t, rd), user);
        write_back(t, &a);
    }
}

/* LDRD/STRD: an even register pair other than r14/r15. */
static void doubleword(arm_tctx *t, const address *a, int rd, bool load)
{
    bb_ir_temp second_addr = add(t, a->addr, 4);
    if (load) {
        bb_ir_temp low = arm_gen_load(t, BB_IR_MEM_32, a->addr, false);
        bb_ir_temp high = arm_gen_load(t, BB_IR_MEM_32, second_addr, false);
        write_back(t, a);
        arm_gen_set_reg(t, rd, low);
        arm_gen_set_reg(t, rd + 1, high);
    } else {
        arm_gen_store(t, BB_IR_MEM_32, a->addr, arm_gen_reg(t, rd), false);
        arm_gen_store(t, BB_IR_MEM_32, second_addr, arm_gen_reg(t, rd + 1), false);
        write_back(t, a);
    }
}

/* Bits 6-5 (SH): 01 halfword, 10 signed byte (load) or LDRD, 11 signed halfword (load) or
 * STRD. Bit 22 selects an 8-bit immediate offset (split in bits 11-8 and 3-0) over Rm.
 * P = 0 with W = 1 is the user-mode (T) form from ARMv6T2 on, post-indexed; before, and
 * for LDRD/STRD, it is UNPREDICTABLE and treated as post-indexed. */
void arm_a32_extra_load_store(arm_tctx *t)
{
    uint32_t insn = t->insn;
    int rd = (int)arm_field(insn, 12, 4);
    unsigned sh = arm_field(insn, 5, 2);
    bool load = arm_bit(insn, 20);
    bool user = !arm_bit(insn, 24) && arm_bit(insn, 21) && (load || sh == 1) &&
                arm_feature(t, ARM_FEATURE_V7);
    if (!load && sh != 1 && ((rd & 1) || rd == 14)) {
        arm_gen_undef(t); /* LDRD/STRD with an odd register or r14 */
        return;
    }
    bb_ir_temp offset;
    if (arm_bit(insn, 22))
        offset = constant(t, arm_field(insn, 8, 4) << 4 | arm_field(insn, 0, 4));
    else
        offset = arm_gen_reg(t, (int)arm_field(insn, 0, 4));
    address a = compute_address(t, offset);

    if (!load && sh != 1) {
        doubleword(t, &a, rd, sh == 2);
    } else if (load) {
        static const unsigned kinds[4] = {0, BB_IR_MEM_16, BB_IR_MEM_8 | BB_IR_MEM_SIGNED,
                                          BB_IR_MEM_16 | BB_IR_MEM_SIGNED};
        bb_ir_temp value = arm_gen_load(t, kinds[sh], a.addr, user);
        write_back(t, &a);
        write_loaded(t, rd, value);
    } else {
        arm_gen_store(t, BB_IR_MEM_16, a.addr, arm_gen_reg(t, rd), user);
        write_back(t, &a);
    }
}

/* LDM/STM. P (bit 24) and U (bit 23) give IA, IB, DA, DB; S (bit 22) is the ^ form: an
 * LDM with r15 in the list returns from an exception, otherwise the user-mode registers
 * are transferred (r8-r14 through helpers in privileged code, since the mode is not known
 * at translation time). An empty list or a base of r15 (UNPREDICTABLE) is undefined. */
void arm_a32_block_transfer(arm_tctx *t)
{
    uint32_t insn = t->insn;
    arm_gen_block_transfer(t, (int)arm_field(insn, 16, 4), arm_field(insn, 0, 16),
                           arm_bit(insn, 23), arm_bit(insn, 24), arm_bit(insn, 21),
                           arm_bit(insn, 20), arm_bit(insn, 22));
}

void arm_gen_block_transfer(arm_tctx *t, int rn, uint32_t list, bool up, bool pre, bool writeback,
                            bool load, bool caret)
{
    if (list == 0 || rn == 15) {
        arm_gen_undef(t);
        return;
    }
    uint32_t count = (uint32_t)__builtin_popcount(list);
    uint32_t first_offset; /* of the lowest register from the base */
    if (up)
        first_offset = pre ? 4 : 0;
    else
        first_offset = pre ? -4 * count : -4 * count + 4;

    bool pc_in_list = arm_bit(list, 15);
    bool user_bank = caret && !(load && pc_in_list) && t->privileged;
    bb_ir_temp base = arm_gen_reg(t, rn);
    bb_ir_temp new_base = add(t, base, up ? 4 * count : -4 * count);
    bb_ir_temp addr[16];
    uint32_t offset = first_offset;
    for (int r = 0; r < 16; r++) {
        if (!arm_bit(list, (unsigned)r)) continue;
        addr[r] = add(t, base, offset);
        offset += 4;
    }

    if (!load) {
        for (int r = 0; r < 16; r++) {
            if (!arm_bit(list, (unsigned)r)) continue;
            bb_ir_temp value;
            if (user_bank && r >= 8 && r <= 14)
                value = bb_ir_call(t->blk, ARM_H_USER_REG_READ, constant(t, (uint32_t)r), 0, 0);
            else
                value = arm_gen_reg(t, r);
            arm_gen_store(t, BB_IR_MEM_32, addr[r], value, false);
        }
        if (writeback) arm_gen_set_reg(t, rn, new_base);
        return;
    }

    bb_ir_temp value[16];
    for (int r = 0; r < 16; r++)
        if (arm_bit(list, (unsigned)r)) value[r] = arm_gen_load(t, BB_IR_MEM_32, addr[r], false);
    if (writeback) arm_gen_set_reg(t, rn, new_base);
    for (int r = 0; r < 15; r++) {
        if (!arm_bit(list, (unsigned)r)) continue;
        if (user_bank && r >= 8)
            bb_ir_call(t->blk, ARM_H_USER_REG_WRITE, constant(t, (uint32_t)r), value[r], 0);
        else
            arm_gen_set_reg(t, r, value[r]);
    }
    if (!pc_in_list) return;
    if (caret) {
        bb_ir_call(t->blk, ARM_H_EXCEPTION_RETURN, value[15], 0, 0);
        bb_ir_exit_loop(t->blk);
        t->ended = true;
    } else {
        arm_gen_bx(t, value[15]);
    }
}

/* SWP/SWPB: Rd = [Rn], then [Rn] = Rm (the old Rm when Rd == Rm). */
static void swap(arm_tctx *t)
{
    uint32_t insn = t->insn;
    unsigned mem = arm_bit(insn, 22) ? BB_IR_MEM_8 : BB_IR_MEM_32;
    bb_ir_temp addr = arm_gen_reg(t, (int)arm_field(insn, 16, 4));
    bb_ir_temp new_value = arm_gen_reg(t, (int)arm_field(insn, 0, 4));
    bb_ir_temp old = arm_gen_load(t, mem, addr, false);
    arm_gen_store(t, mem, addr, new_value, false);
    arm_gen_set_reg(t, (int)arm_field(insn, 12, 4), old);
}

/* LDREX/STREX (ARMv6) and their doubleword, byte and halfword forms (ARMv6K), by bits
 * 22-21; bit 20 loads. Rn in 19-16; loads: Rt in 15-12; stores: Rd (status) in 15-12, Rt
 * in 3-0. The doubleword forms take an even Rt other than r14 and Rt + 1. */
static void exclusive(arm_tctx *t)
{
    static const unsigned kinds[4] = {BB_IR_MEM_32, BB_IR_MEM_32, BB_IR_MEM_8, BB_IR_MEM_16};
    uint32_t insn = t->insn;
    unsigned size = arm_field(insn, 21, 2);
    bool load = arm_bit(insn, 20), doubleword = size == 1;
    int rn = (int)arm_field(insn, 16, 4);
    int rt = (int)arm_field(insn, load ? 12 : 0, 4);
    if (!arm_feature(t, size == 0 ? ARM_FEATURE_V6 : ARM_FEATURE_V6K) ||
        (doubleword && ((rt & 1) || rt == 14))) {
        arm_gen_undef(t);
        return;
    }
    int rt2 = doubleword ? rt + 1 : -1;
    if (doubleword) arm_gen_check_alignment(t, arm_gen_reg(t, rn), constant(t, 7), !load);
    bb_ir_temp addr = arm_gen_reg(t, rn);
    if (load)
        arm_gen_load_exclusive(t, kinds[size], addr, rt, rt2);
    else
        arm_gen_store_exclusive(t, kinds[size], addr, (int)arm_field(insn, 12, 4), rt, rt2);
}

/* Bits 27-24 = 0001, bits 7-4 = 1001: SWP/SWPB (bits 23-20 = 0B00) and the exclusives
 * (bit 23 set). */
void arm_a32_synchronization(arm_tctx *t)
{
    uint32_t insn = t->insn;
    if ((insn & 0x00b00f00) == 0)
        swap(t);
    else if (arm_bit(insn, 23) && arm_field(insn, 8, 4) == 0xf)
        exclusive(t);
    else
        arm_gen_undef(t);
}
