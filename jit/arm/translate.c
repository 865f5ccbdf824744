/*
 * translate.c: the ARM block translator. It fetches guest code instruction by instruction,
 * hands each to the A32 or Thumb decoder, and stops at a block-ending instruction, at the
 * length limit or at the end of the page. It also implements what both decoders share
 * (translate.h): register access, flags, condition codes, branches, exits and memory.
 */
#include "jit/arm/translate.h"

#include "jit/arm/translate_ops.h"
#include "jit/arm/translate_t32.h"

#include <stddef.h>

#include "jit/instrument.h"
#include "jit/tb.h"

#define PAGE_MASK (~(uint32_t)(BB_PAGE_SIZE - 1))

/* ---- registers ---- */

bb_ir_temp arm_gen_reg(arm_tctx *t, int n)
{
    if (n == 15) return bb_ir_const(t->blk, t->pc + (t->thumb ? 4 : 8));
    return bb_ir_get(t->blk, ARM_OFF_R(n));
}

void arm_gen_set_reg(arm_tctx *t, int n, bb_ir_temp v)
{
    if (n >= 0 && n < 15) bb_ir_set(t->blk, ARM_OFF_R(n), v);
}

/* ---- IT state ---- */

void arm_gen_sync_it(arm_tctx *t, unsigned it)
{
    bb_ir_block *blk = t->blk;
    bb_ir_temp flags = bb_ir_get(blk, ARM_OFF_TB_FLAGS);
    flags = bb_ir_binop(blk, BB_IR_ANDN, flags, bb_ir_const(blk, ARM_TBF_IT_MASK));
    if (it) flags = bb_ir_binop(blk, BB_IR_OR, flags, bb_ir_const(blk, it << ARM_TBF_IT_SHIFT));
    bb_ir_set(blk, ARM_OFF_TB_FLAGS, flags);
}

/* The same as a constant: the block's key with ITSTATE `it`. This holds wherever no helper
 * of the block has changed tb_flags on the current path, which is everywhere but right
 * after such a helper: every helper that changes the mode, the state or the block key
 * ends the block (arm_gen_exit_to_loop, which uses arm_gen_sync_it). A constant leaves
 * no GET behind, so the optimizer can drop the writes of the instructions before. */
static void set_it(arm_tctx *t, unsigned it)
{
    bb_ir_block *blk = t->blk;
    uint32_t key = blk->flags & ~(BB_TB_FLAG_SINGLE | ARM_TBF_IT_MASK);
    bb_ir_set(blk, ARM_OFF_TB_FLAGS, bb_ir_const(blk, key | it << ARM_TBF_IT_SHIFT));
}

/* Before an exit: the next instruction's ITSTATE goes to tb_flags (it_synced is left alone,
 * since this path ends here). */
static void sync_it_for_exit(arm_tctx *t)
{
    if (t->it_next != t->it_synced) set_it(t, t->it_next);
}

/* ITSTATE after an instruction of an IT block: the mask shifts, and the block ends when
 * its last bit has gone. */
static unsigned it_advance(unsigned it)
{
    if ((it & 7) == 0) return 0;
    return (it & 0xe0) | ((it << 1) & 0x1f);
}

/* ---- branches and exits ---- */

void arm_gen_branch_ind(arm_tctx *t, bb_ir_temp target)
{
    bb_ir_block *blk = t->blk;
    sync_it_for_exit(t);
    bb_ir_temp mask = bb_ir_const(blk, t->thumb ? ~1u : ~3u);
    bb_ir_set(blk, ARM_OFF_PC, bb_ir_binop(blk, BB_IR_AND, target, mask));
    bb_ir_exit_ind(blk);
    t->ended = true;
}

/* Sets the T bit in cpsr_ctl and the Thumb bit of tb_flags to `thumb` (a 0/1 temp). */
static void gen_set_thumb_state(arm_tctx *t, bb_ir_temp thumb)
{
    bb_ir_block *blk = t->blk;
    uint32_t ctl_off = (uint32_t)offsetof(bb_arm_cpu, cpsr_ctl);
    uint32_t flags_off = (uint32_t)offsetof(bb_cpu, tb_flags);

    bb_ir_temp ctl = bb_ir_get(blk, ctl_off);
    ctl = bb_ir_binop(blk, BB_IR_ANDN, ctl, bb_ir_const(blk, ARM_CPSR_T));
    bb_ir_temp t_bit = bb_ir_binop(blk, BB_IR_SHL, thumb, bb_ir_const(blk, 5));
    bb_ir_set(blk, ctl_off, bb_ir_binop(blk, BB_IR_OR, ctl, t_bit));

    bb_ir_temp flags = bb_ir_get(blk, flags_off);
    flags = bb_ir_binop(blk, BB_IR_ANDN, flags, bb_ir_const(blk, ARM_TBF_THUMB));
    bb_ir_set(blk, flags_off, bb_ir_binop(blk, BB_IR_OR, flags, thumb));
}

void arm_gen_bx(arm_tctx *t, bb_ir_temp target)
{
    bb_ir_block *blk = t->blk;
    sync_it_for_exit(t); /* before the T bit changes in tb_flags */
    bb_ir_temp thumb = bb_ir_binop(blk, BB_IR_AND, target, bb_ir_const(blk, 1));
    gen_set_thumb_state(t, thumb);
    /* ~3 in ARM state, ~1 in Thumb state. */
    bb_ir_temp mask = bb_ir_binop(blk, BB_IR_OR, bb_ir_const(blk, ~3u),
                                  bb_ir_binop(blk, BB_IR_SHL, thumb, bb_ir_const(blk, 1)));
    bb_ir_set(blk, ARM_OFF_PC, bb_ir_binop(blk, BB_IR_AND, target, mask));
    bb_ir_exit_ind(blk);
    t->ended = true;
}

void arm_gen_branch_direct(arm_tctx *t, uint32_t target)
{
    sync_it_for_exit(t);
    bb_ir_exit_jump(t->blk, target, t->next_slot++);
    t->ended = true;
}

void arm_gen_branch_direct_exchange(arm_tctx *t, uint32_t target, bool to_thumb)
{
    bb_ir_block *blk = t->blk;
    sync_it_for_exit(t); /* before the T bit changes in tb_flags */
    gen_set_thumb_state(t, bb_ir_const(blk, to_thumb ? 1 : 0));
    bb_ir_set(blk, ARM_OFF_PC, bb_ir_const(blk, target & (to_thumb ? ~1u : ~3u)));
    /* The target block has other tb_flags: a direct (same-mode) exit cannot chain to it. */
    bb_ir_exit_ind(blk);
    t->ended = true;
}

void arm_gen_undef(arm_tctx *t)
{
    bb_ir_block *blk = t->blk;
    bb_ir_call(blk, ARM_H_UNDEF, bb_ir_const(blk, t->pc), 0, 0);
    bb_ir_exit_ind(blk); /* the helper entered the exception: PC and mode are set */
    t->ended = true;
}

void arm_gen_svc(arm_tctx *t, uint32_t comment)
{
    bb_ir_block *blk = t->blk;
    sync_it_for_exit(t);
    bb_ir_call(blk, ARM_H_SWI, bb_ir_const(blk, t->pc), bb_ir_const(blk, comment),
               bb_ir_const(blk, t->thumb ? 1 : 0));
    bb_ir_exit_ind(blk); /* the helper set the PC (after semihosting, or the vector) */
    t->ended = true;
}

void arm_gen_exit_to_loop(arm_tctx *t, uint32_t next_pc)
{
    bb_ir_block *blk = t->blk;
    /* A helper before may have changed other tb_flags bits: keep them. */
    if (t->it_next != t->it_synced) arm_gen_sync_it(t, t->it_next);
    bb_ir_set(blk, ARM_OFF_PC, bb_ir_const(blk, next_pc));
    bb_ir_exit_loop(blk);
    t->ended = true;
}

/* ---- flags ---- */

void arm_gen_set_nz(arm_tctx *t, bb_ir_temp result)
{
    bb_ir_set(t->blk, ARM_OFF_NF, result);
    bb_ir_set(t->blk, ARM_OFF_ZF, result);
}

void arm_gen_set_c(arm_tctx *t, bb_ir_temp carry)
{
    bb_ir_set(t->blk, ARM_OFF_CF, carry);
}

bb_ir_temp arm_gen_add_flags(arm_tctx *t, bb_ir_temp a, bb_ir_temp b, bb_ir_temp carry_in)
{
    bb_ir_block *blk = t->blk;
    bb_ir_temp result = bb_ir_triop(blk, BB_IR_ADC, a, b, carry_in);
    bb_ir_set(blk, ARM_OFF_CF, bb_ir_triop(blk, BB_IR_ADC_CARRY, a, b, carry_in));
    bb_ir_set(blk, ARM_OFF_VF, bb_ir_triop(blk, BB_IR_ADC_OVF, a, b, carry_in));
    arm_gen_set_nz(t, result);
    return result;
}

bb_ir_temp arm_gen_sub_flags(arm_tctx *t, bb_ir_temp a, bb_ir_temp b, bb_ir_temp carry_in)
{
    return arm_gen_add_flags(t, a, bb_ir_unop(t->blk, BB_IR_NOT, b), carry_in);
}

bb_ir_temp arm_gen_carry(arm_tctx *t)
{
    return bb_ir_get(t->blk, ARM_OFF_CF);
}

/* ---- conditions ---- */

/* 1 when N == V. */
static bb_ir_temp gen_n_equals_v(bb_ir_block *blk)
{
    bb_ir_temp n_xor_v =
        bb_ir_binop(blk, BB_IR_XOR, bb_ir_get(blk, ARM_OFF_NF), bb_ir_get(blk, ARM_OFF_VF));
    return bb_ir_binop(blk, BB_IR_LES, bb_ir_const(blk, 0), n_xor_v);
}

/* 1 when C is set and Z is clear. */
static bb_ir_temp gen_higher(bb_ir_block *blk)
{
    bb_ir_temp z_clear =
        bb_ir_binop(blk, BB_IR_NE, bb_ir_get(blk, ARM_OFF_ZF), bb_ir_const(blk, 0));
    return bb_ir_binop(blk, BB_IR_AND, bb_ir_get(blk, ARM_OFF_CF), z_clear);
}

/* 1 when Z is clear and N == V. */
static bb_ir_temp gen_greater(bb_ir_block *blk)
{
    bb_ir_temp z_clear =
        bb_ir_binop(blk, BB_IR_NE, bb_ir_get(blk, ARM_OFF_ZF), bb_ir_const(blk, 0));
    return bb_ir_binop(blk, BB_IR_AND, z_clear, gen_n_equals_v(blk));
}

bb_ir_temp arm_gen_cond(arm_tctx *t, unsigned cond)
{
    bb_ir_block *blk = t->blk;
    bb_ir_temp holds;
    switch ((cond & 15) >> 1) {
    case 0: /* EQ, NE */
        holds = bb_ir_binop(blk, BB_IR_EQ, bb_ir_get(blk, ARM_OFF_ZF), bb_ir_const(blk, 0));
        break;
    case 1: /* CS, CC */
        holds = bb_ir_binop(blk, BB_IR_NE, bb_ir_get(blk, ARM_OFF_CF), bb_ir_const(blk, 0));
        break;
    case 2: /* MI, PL */
        holds = bb_ir_binop(blk, BB_IR_LTS, bb_ir_get(blk, ARM_OFF_NF), bb_ir_const(blk, 0));
        break;
    case 3: /* VS, VC */
        holds = bb_ir_binop(blk, BB_IR_LTS, bb_ir_get(blk, ARM_OFF_VF), bb_ir_const(blk, 0));
        break;
    case 4: holds = gen_higher(blk); break;     /* HI, LS */
    case 5: holds = gen_n_equals_v(blk); break; /* GE, LT */
    case 6: holds = gen_greater(blk); break;    /* GT, LE */
    default: return bb_ir_const(blk, 1);        /* AL, and the unconditional space */
    }
    /* An odd condition is the negation of the even one before it. */
    if (cond & 1) holds = bb_ir_binop(blk, BB_IR_XOR, holds, bb_ir_const(blk, 1));
    return holds;
}

int arm_gen_cond_begin(arm_tctx *t, unsigned cond)
{
    bb_ir_block *blk = t->blk;
    cond &= 15;
    if (cond >= 14) return -1;
    int skip = bb_ir_new_label(blk);
    /* The four single-flag tests branch on the flag itself. */
    switch (cond) {
    case 0: bb_ir_brnz(blk, bb_ir_get(blk, ARM_OFF_ZF), skip); break;
    case 1: bb_ir_brz(blk, bb_ir_get(blk, ARM_OFF_ZF), skip); break;
    case 2: bb_ir_brz(blk, bb_ir_get(blk, ARM_OFF_CF), skip); break;
    case 3: bb_ir_brnz(blk, bb_ir_get(blk, ARM_OFF_CF), skip); break;
    default: bb_ir_brz(blk, arm_gen_cond(t, cond), skip); break;
    }
    return skip;
}

void arm_gen_cond_end(arm_tctx *t, int label)
{
    if (label < 0) return;
    bb_ir_label(t->blk, label);
    t->ended = false; /* the path where the condition failed goes on */
    if (t->branch_not_taken) {
        t->branch_not_taken = false;
        bb_instrument_branch(t->cpu, t->blk, t->pc, false);
    }
}

/* ---- memory ---- */

static unsigned mem_aux(arm_tctx *t, unsigned mem, bool user)
{
    unsigned mmu = user ? ARM_MMU_USER : t->mmu_idx;
    return mem | (mmu << 4);
}

/* Big-endian data: a halfword is loaded zero-extended, then swapped (REVSH sign-extends
 * the signed ones), a word is reversed; stores swap the value first. */
bb_ir_temp arm_gen_load(arm_tctx *t, unsigned mem, bb_ir_temp addr, bool user)
{
    unsigned size = mem & 3;
    if (!t->big_endian || size == BB_IR_MEM_8)
        return bb_ir_load(t->blk, mem_aux(t, mem, user), addr);
    bb_ir_temp raw = bb_ir_load(t->blk, mem_aux(t, size, user), addr);
    if (size == BB_IR_MEM_32) return arm_gen_reverse(t, ARM_REV, raw);
    return arm_gen_reverse(t, (mem & BB_IR_MEM_SIGNED) ? ARM_REVSH : ARM_REV16, raw);
}

void arm_gen_store(arm_tctx *t, unsigned mem, bb_ir_temp addr, bb_ir_temp value, bool user)
{
    unsigned size = mem & 3;
    if (t->big_endian && size == BB_IR_MEM_32)
        value = arm_gen_reverse(t, ARM_REV, value);
    else if (t->big_endian && size == BB_IR_MEM_16)
        value = arm_gen_reverse(t, ARM_REV16, value);
    bb_ir_store(t->blk, mem_aux(t, mem, user), addr, value);
}

void arm_gen_check_alignment(arm_tctx *t, bb_ir_temp addr, bb_ir_temp mask, bool write)
{
    if (!arm_feature(t, ARM_FEATURE_V7)) return;
    bb_ir_block *blk = t->blk;
    int aligned = bb_ir_new_label(blk);
    bb_ir_brz(blk, bb_ir_binop(blk, BB_IR_AND, addr, mask), aligned);
    bb_ir_call(blk, ARM_H_ALIGNMENT_FAULT, addr, bb_ir_const(blk, t->pc),
               bb_ir_const(blk, write ? 1 : 0));
    bb_ir_label(blk, aligned);
}

/* ---- branch coverage ---- */

int arm_gen_outcome_begin(arm_tctx *t, int label)
{
    int begin = t->blk->n_insns;
    if (label >= 0) bb_instrument_branch(t->cpu, t->blk, t->pc, true);
    t->outcome_end = t->blk->n_insns;
    return begin;
}

static bool emitted_exit(const bb_ir_block *blk, int from)
{
    for (int i = from; i < blk->n_insns; i++) {
        unsigned op = blk->insns[i].op;
        if (op == BB_IR_EXIT_JUMP || op == BB_IR_EXIT_IND || op == BB_IR_EXIT_LOOP) return true;
    }
    return false;
}

void arm_gen_outcome_end(arm_tctx *t, int label, int begin)
{
    if (label < 0)
        return; /* (also when no client emitted IR: clients that only watch
                   translation still learn which instructions branch) */
    if (!emitted_exit(t->blk, t->outcome_end)) {
        /* Not a branch: drop the "taken" IR (it only defines temps it uses itself). */
        for (int i = begin; i < t->outcome_end; i++)
            t->blk->insns[i].op = BB_IR_NOP;
        return;
    }
    t->branch_not_taken = true;
}

/* ---- the block loop ---- */

static void add_guest_page(bb_ir_block *blk, uint32_t vaddr)
{
    uint32_t page = vaddr & PAGE_MASK;
    for (int i = 0; i < blk->n_guest_pages; i++)
        if (blk->guest_pages[i] == page) return;
    if (blk->n_guest_pages < BB_IR_MAX_PAGES) blk->guest_pages[blk->n_guest_pages++] = page;
}

static bool is_thumb_bl_prefix(uint32_t half)
{
    return (half & 0xf800) == 0xf000;
}

static bool is_thumb_bl_suffix(uint32_t half)
{
    return (half & 0xe800) == 0xe800; /* 0xf800 (BL) or 0xe800 (BLX) */
}

/* The first halfword of a 32-bit Thumb-2 instruction: 11101, 11110 or 11111 in 15-11. */
static bool is_t32_first_half(uint32_t half)
{
    return (half & 0xf800) >= 0xe800;
}

enum fetch_result { FETCH_OK, FETCH_FAULT, FETCH_FAULT_SECOND_HALF };

/* Fetches the instruction at t->pc into t->insn and t->size. A 32-bit Thumb-2 instruction,
 * and on ARMv5 a Thumb BL/BLX pair whose halves can both be fetched, is one 4-byte
 * instruction with its first halfword in bits 31-16 (the second half may be on the next
 * page). */
static enum fetch_result fetch_insn(arm_tctx *t)
{
    uint32_t value;
    if (!t->thumb) {
        if (!bb_cpu_fetch(t->cpu, t->pc, 4, (int)t->mmu_idx, &value)) return FETCH_FAULT;
        t->insn = value;
        t->size = 4;
        return FETCH_OK;
    }
    if (!bb_cpu_fetch(t->cpu, t->pc, 2, (int)t->mmu_idx, &value)) return FETCH_FAULT;
    t->insn = value & 0xffff;
    t->size = 2;
    uint32_t second;
    if (arm_feature(t, ARM_FEATURE_THUMB2)) {
        if (!is_t32_first_half(t->insn)) return FETCH_OK;
        if (!bb_cpu_fetch(t->cpu, t->pc + 2, 2, (int)t->mmu_idx, &second))
            return FETCH_FAULT_SECOND_HALF;
        t->insn = t->insn << 16 | (second & 0xffff);
        t->size = 4;
        add_guest_page(t->blk, t->pc + 2);
        return FETCH_OK;
    }
    if (is_thumb_bl_prefix(t->insn) &&
        bb_cpu_fetch(t->cpu, t->pc + 2, 2, (int)t->mmu_idx, &second) &&
        is_thumb_bl_suffix(second & 0xffff)) {
        t->insn = t->insn << 16 | (second & 0xffff);
        t->size = 4;
        add_guest_page(t->blk, t->pc + 2);
    }
    return FETCH_OK;
}

/* Superblocks: an unconditional B (not BL) to a later address is followed instead of
 * ending the block (never inside an IT block, where it is conditional). Returns true and
 * the target for such a branch. If the target is on another page, or the block is full,
 * the loop then ends the block with a direct branch to it, which is what the decoder
 * would have emitted. Backward targets are not followed (they would translate the same
 * code twice). */
static bool followed_branch(const arm_tctx *t, uint32_t *target)
{
    uint32_t dest;
    if (!t->thumb) {
        if ((t->insn & 0xff000000) != 0xea000000) return false;
        int32_t offset = (int32_t)(t->insn << 8) >> 6; /* imm24, sign-extended, times 4 */
        dest = t->pc + 8 + (uint32_t)offset;
    } else if (t->it != 0) {
        return false;
    } else if (t->size == 2) {
        if ((t->insn & 0xf800) != 0xe000) return false;
        int32_t offset = (int32_t)(t->insn << 21) >> 20; /* imm11, sign-extended, times 2 */
        dest = t->pc + 4 + (uint32_t)offset;
    } else {
        if (!arm_feature(t, ARM_FEATURE_THUMB2) || (t->insn & 0xf800d000) != 0xf0009000)
            return false;
        dest = arm_t32_branch_target(t->pc, t->insn);
    }
    if (dest <= t->pc) return false;
    *target = dest;
    return true;
}

/* The block for a first instruction that cannot be fetched: a prefetch abort. It counts
 * as one instruction so that virtual time advances even if the abort handler cannot be
 * fetched either. fault_address is the instruction's address, or for a 32-bit Thumb-2
 * instruction whose second half is on a page that faults, that half's address. */
static void gen_prefetch_abort(arm_tctx *t, uint32_t fault_address)
{
    bb_ir_block *blk = t->blk;
    bb_ir_insn_start(blk, t->pc);
    bb_ir_call(blk, ARM_H_PREFETCH_ABORT, bb_ir_const(blk, t->pc), bb_ir_const(blk, fault_address),
               0);
    bb_ir_exit_loop(blk);
    blk->transient = true;
    t->ended = true;
}

void arm_translate_block(bb_cpu *cpu, bb_ir_block *blk)
{
    arm_tctx t = {0};
    t.cpu = cpu;
    t.blk = blk;
    t.pc = blk->pc;
    t.thumb = (blk->flags & ARM_TBF_THUMB) != 0;
    t.privileged = (blk->flags & ARM_TBF_PRIVILEGED) != 0;
    t.big_endian = (blk->flags & ARM_TBF_BIG_ENDIAN) != 0;
    t.mmu_idx = t.privileged ? ARM_MMU_PRIV : ARM_MMU_USER;
    t.features = arm_cpu(cpu)->features;
    t.it = t.thumb ? (blk->flags & ARM_TBF_IT_MASK) >> ARM_TBF_IT_SHIFT : 0;
    t.it_synced = t.it;

    const uint32_t first_page = blk->pc & PAGE_MASK;
    const unsigned max_insns = (blk->flags & BB_TB_FLAG_SINGLE) ? 1 : ARM_MAX_BLOCK_INSNS;
    blk->n_guest_pages = 0;
    add_guest_page(blk, blk->pc);

    for (unsigned n = 0; n < max_insns && !t.ended; n++) {
        if (n > 0 && (t.pc & PAGE_MASK) != first_page) break;
        enum fetch_result fetched = fetch_insn(&t);
        if (fetched != FETCH_OK) {
            if (n == 0) gen_prefetch_abort(&t, fetched == FETCH_FAULT ? t.pc : t.pc + 2);
            break;
        }
        bb_ir_insn_start(blk, t.pc);
        if (t.it != t.it_synced) {
            set_it(&t, t.it);
            t.it_synced = t.it;
        }
        bb_instrument_insn(cpu, blk, t.pc, t.size, t.insn);
        t.it_next = it_advance(t.it);
        uint32_t next_pc = t.pc + t.size;
        if (followed_branch(&t, &next_pc)) {
            t.pc = next_pc;
            continue;
        }
        if (t.thumb)
            arm_translate_thumb(&t);
        else
            arm_translate_a32(&t);
        t.pc = next_pc;
        t.it = t.it_next;
    }
    t.it_next = t.it;
    if (!t.ended) arm_gen_branch_direct(&t, t.pc);
}
