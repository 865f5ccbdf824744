/*
 * translate_t32_mem.c: T32 loads and stores: the single transfers of every size and
 * addressing form (12-bit and 8-bit immediates with pre/post-indexing, register offsets,
 * literals, the unprivileged T forms) with the memory hints PLD/PLI, LDM/STM/PUSH/POP,
 * SRS/RFE, LDRD/STRD, the exclusives, and the table branches TBB/TBH.
 *
 * As in A32, every load of an instruction comes before any register write, and base
 * writeback before the loaded registers. A load into r15 is an interworking branch.
 */
#include "jit/arm/translate_t32.h"

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

/* The word-aligned PC that literal addressing uses. */
static uint32_t aligned_pc(const arm_tctx *t)
{
    return (t->pc + 4) & ~3u;
}

/* Where a single transfer goes, and its base writeback. */
typedef struct address {
    bb_ir_temp addr;
    bb_ir_temp new_base; /* 0: no writeback */
    bool user;           /* the unprivileged (T) form */
} address;

/* The addressing forms of the single transfers (Rn != 1111): hw1 bit 7 selects a 12-bit
 * positive offset; otherwise hw2 bit 11 selects an 8-bit offset with P, U, W in hw2 bits
 * 10-8 (P U W = 1 1 0 is the T form), and hw2 bits 11-6 = 0 a register offset shifted
 * left by hw2 bits 5-4. Returns false for the undefined combinations. */
static bool single_address(arm_tctx *t, address *a)
{
    bb_ir_temp base = arm_gen_reg(t, (int)t32_hw1(t, 0, 4));
    a->new_base = 0;
    a->user = false;
    if (t32_hw1(t, 7, 1)) {
        a->addr = add(t, base, t32_hw2(t, 0, 12));
        return true;
    }
    if (t32_hw2(t, 11, 1)) {
        bool pre = t32_hw2(t, 10, 1), up = t32_hw2(t, 9, 1), writeback = t32_hw2(t, 8, 1);
        uint32_t imm = t32_hw2(t, 0, 8);
        if (!pre && !writeback) return false;
        a->user = pre && up && !writeback;
        bb_ir_temp offset_addr = add(t, base, up ? imm : -imm);
        a->addr = pre ? offset_addr : base;
        if (writeback) a->new_base = offset_addr;
        return true;
    }
    if (t32_hw2(t, 6, 6) != 0) return false;
    bb_ir_temp index = arm_gen_reg(t, (int)t32_hw2(t, 0, 4));
    index = bb_ir_binop(t->blk, BB_IR_SHL, index, constant(t, t32_hw2(t, 4, 2)));
    a->addr = bb_ir_binop(t->blk, BB_IR_ADD, base, index);
    return true;
}

/* hw1 = 1111 100 S T1 T0 L Rn: size (T1 T0: byte, halfword, word), S sign-extends (loads
 * of bytes and halfwords), L loads. Rn = 1111 is a literal (loads; hw1 bit 7: add). Byte
 * and halfword loads to r15 are the memory hints (PLD, PLDW, PLI): NOPs. */
void arm_t32_load_store_single(arm_tctx *t)
{
    unsigned size = t32_hw1(t, 5, 2), rn = t32_hw1(t, 0, 4);
    bool load = t32_hw1(t, 4, 1), sign = t32_hw1(t, 8, 1);
    int rt = (int)t32_hw2(t, 12, 4);
    if (size == 3 || (sign && (!load || size == 2)) || (!load && rn == 15)) {
        arm_gen_undef(t);
        return;
    }
    if (load && rt == 15 && size < 2) return; /* memory hint */
    unsigned mem = size | (sign ? BB_IR_MEM_SIGNED : 0);
    address a;
    if (rn == 15) {
        uint32_t imm = t32_hw2(t, 0, 12);
        a.addr = constant(t, aligned_pc(t) + (t32_hw1(t, 7, 1) ? imm : -imm));
        a.new_base = 0;
        a.user = false;
    } else if (!single_address(t, &a)) {
        arm_gen_undef(t);
        return;
    }
    if (load) {
        bb_ir_temp value = arm_gen_load(t, mem, a.addr, a.user);
        if (a.new_base) arm_gen_set_reg(t, (int)rn, a.new_base);
        if (rt == 15)
            arm_gen_bx(t, value);
        else
            arm_gen_set_reg(t, rt, value);
    } else {
        arm_gen_store(t, mem, a.addr, arm_gen_reg(t, rt), a.user);
        if (a.new_base) arm_gen_set_reg(t, (int)rn, a.new_base);
    }
}

/* hw1 = 1110 100 op(2) 0 W L Rn, the register list in hw2: op 01 is IA (LDM, STM, POP),
 * 10 is DB (LDMDB, STMDB, PUSH); 00 and 11 are SRS (L = 0, the mode in hw2 bits 4-0) and
 * RFE (L = 1), DB and IA. */
void arm_t32_load_store_multiple(arm_tctx *t)
{
    unsigned op = t32_hw1(t, 7, 2);
    bool writeback = t32_hw1(t, 5, 1), load = t32_hw1(t, 4, 1);
    int rn = (int)t32_hw1(t, 0, 4);
    if (op == 0 || op == 3) {
        if (load)
            arm_gen_rfe(t, rn, op == 3, false, writeback);
        else
            arm_gen_srs(t, op == 3, false, writeback, t32_hw2(t, 0, 5));
        return;
    }
    arm_gen_block_transfer(t, rn, t32_hw2(t, 0, 16), op == 1, op == 2, writeback, load, false);
}

/* TBB [Rn, Rm] and TBH [Rn, Rm, LSL #1]: a forward branch by twice the table entry. */
static void table_branch(arm_tctx *t, bool halfword)
{
    bb_ir_temp base = arm_gen_reg(t, (int)t32_hw1(t, 0, 4));
    bb_ir_temp index = arm_gen_reg(t, (int)t32_hw2(t, 0, 4));
    if (halfword) index = bb_ir_binop(t->blk, BB_IR_SHL, index, constant(t, 1));
    bb_ir_temp entry = arm_gen_load(t, halfword ? BB_IR_MEM_16 : BB_IR_MEM_8,
                                    bb_ir_binop(t->blk, BB_IR_ADD, base, index), false);
    bb_ir_temp offset = bb_ir_binop(t->blk, BB_IR_SHL, entry, constant(t, 1));
    arm_gen_branch_ind(t, add(t, offset, t->pc + 4));
}

/* hw1 = 1110 1000 1101 Rn (op3 in hw2 bits 7-4): STREXB, STREXH, STREXD with the status
 * register in hw2 bits 3-0 (L = 0), or TBB, TBH, LDREXB, LDREXH, LDREXD (L = 1). */
static void exclusive_or_table_branch(arm_tctx *t)
{
    unsigned op3 = t32_hw2(t, 4, 4);
    bool load = t32_hw1(t, 4, 1);
    int rt = (int)t32_hw2(t, 12, 4), rt2 = (int)t32_hw2(t, 8, 4);
    if (load && op3 <= 1) {
        table_branch(t, op3 == 1);
        return;
    }
    if (op3 < 4 || op3 == 6) {
        arm_gen_undef(t);
        return;
    }
    unsigned mem = op3 == 4 ? BB_IR_MEM_8 : op3 == 5 ? BB_IR_MEM_16 : BB_IR_MEM_32;
    if (op3 == 7) /* the doubleword forms */
        arm_gen_check_alignment(t, arm_gen_reg(t, (int)t32_hw1(t, 0, 4)), constant(t, 7), !load);
    bb_ir_temp addr = arm_gen_reg(t, (int)t32_hw1(t, 0, 4));
    if (op3 != 7) rt2 = -1;
    if (load)
        arm_gen_load_exclusive(t, mem, addr, rt, rt2);
    else
        arm_gen_store_exclusive(t, mem, addr, (int)t32_hw2(t, 0, 4), rt, rt2);
}

/* LDRD/STRD Rt, Rt2, [Rn, #+/-imm8 * 4] with P (hw1 bit 8), U (7), W (5); Rn = 1111 is a
 * literal (LDRD without writeback). */
static void doubleword(arm_tctx *t)
{
    bool pre = t32_hw1(t, 8, 1), up = t32_hw1(t, 7, 1), writeback = t32_hw1(t, 5, 1);
    bool load = t32_hw1(t, 4, 1);
    int rn = (int)t32_hw1(t, 0, 4), rt = (int)t32_hw2(t, 12, 4), rt2 = (int)t32_hw2(t, 8, 4);
    uint32_t imm = t32_hw2(t, 0, 8) * 4;
    if (rn == 15 && (!load || writeback)) {
        arm_gen_undef(t);
        return;
    }
    bb_ir_temp base = rn == 15 ? constant(t, aligned_pc(t)) : arm_gen_reg(t, rn);
    bb_ir_temp offset_addr = add(t, base, up ? imm : -imm);
    bb_ir_temp addr = pre ? offset_addr : base;
    if (load) {
        bb_ir_temp low = arm_gen_load(t, BB_IR_MEM_32, addr, false);
        bb_ir_temp high = arm_gen_load(t, BB_IR_MEM_32, add(t, addr, 4), false);
        if (writeback) arm_gen_set_reg(t, rn, offset_addr);
        arm_gen_set_reg(t, rt, low);
        arm_gen_set_reg(t, rt2, high);
    } else {
        arm_gen_store(t, BB_IR_MEM_32, addr, arm_gen_reg(t, rt), false);
        arm_gen_store(t, BB_IR_MEM_32, add(t, addr, 4), arm_gen_reg(t, rt2), false);
        if (writeback) arm_gen_set_reg(t, rn, offset_addr);
    }
}

/* hw1 = 1110 100 op1(2) 1 op2(2) Rn: LDREX/STREX (op1 00, op2 0x; offset imm8 * 4; STREX's
 * status register in hw2 bits 11-8), the op3 group (op1 01, op2 0x), else LDRD/STRD. */
void arm_t32_load_store_dual(arm_tctx *t)
{
    unsigned op1 = t32_hw1(t, 7, 2), op2 = t32_hw1(t, 4, 2);
    if (op1 == 0 && op2 < 2) {
        bb_ir_temp addr = add(t, arm_gen_reg(t, (int)t32_hw1(t, 0, 4)), t32_hw2(t, 0, 8) * 4);
        int rt = (int)t32_hw2(t, 12, 4);
        if (op2)
            arm_gen_load_exclusive(t, BB_IR_MEM_32, addr, rt, -1);
        else
            arm_gen_store_exclusive(t, BB_IR_MEM_32, addr, (int)t32_hw2(t, 8, 4), rt, -1);
    } else if (op1 == 1 && op2 < 2) {
        exclusive_or_table_branch(t);
    } else {
        doubleword(t);
    }
}
