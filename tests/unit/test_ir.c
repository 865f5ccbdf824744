/*
 * test_ir.c: the IR evaluator and optimizer. Random blocks over a small guest state are
 * run by the interpreter before and after optimization; the final state must agree. Also
 * checks that the optimizer really removes dead flag writes and folds constants.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "jit/cpu.h"
#include "jit/ir.h"
#include "jit/tb.h"

#define N_FIELDS 8

typedef struct test_cpu {
    bb_cpu base;
    uint32_t field[N_FIELDS];
} test_cpu;

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static uint32_t off(int k)
{
    return (uint32_t)(offsetof(test_cpu, field) + 4u * (unsigned)k);
}

static uint32_t helper_mix(bb_cpu *cpu, uint32_t a, uint32_t b, uint32_t c)
{
    test_cpu *t = (test_cpu *)cpu;
    t->field[0] ^= a;
    return a * 3 + b - c;
}

static const bb_ir_helper helpers[] = {{helper_mix, "mix", 0}};

static const bb_ir_op binops[] = {BB_IR_ADD, BB_IR_SUB,   BB_IR_MUL,   BB_IR_AND, BB_IR_OR,
                                  BB_IR_XOR, BB_IR_ANDN,  BB_IR_SHL,   BB_IR_SHR, BB_IR_SAR,
                                  BB_IR_ROR, BB_IR_MULHU, BB_IR_MULHS, BB_IR_EQ,  BB_IR_NE,
                                  BB_IR_LTU, BB_IR_LEU,   BB_IR_LTS,   BB_IR_LES};
static const bb_ir_op unops[] = {BB_IR_NOT, BB_IR_NEG, BB_IR_CLZ, BB_IR_MOV};
static const bb_ir_op triops[] = {BB_IR_ADC, BB_IR_ADC_CARRY, BB_IR_ADC_OVF, BB_IR_SELECT};

/* A random region of straight-line code; returns one of its temps. */
static void random_region(bb_ir_block *blk, int len)
{
    bb_ir_temp pool[64];
    int n = 0;
    pool[n++] = bb_ir_get(blk, off((int)(rnd() % N_FIELDS)));
    pool[n++] = bb_ir_const(blk, rnd() % 4 == 0 ? rnd() % 40 : rnd());
    for (int i = 0; i < len && n < 60; i++) {
        bb_ir_temp a = pool[rnd() % (unsigned)n], b = pool[rnd() % (unsigned)n];
        switch (rnd() % 8) {
        case 0: pool[n++] = bb_ir_get(blk, off((int)(rnd() % N_FIELDS))); break;
        case 1: pool[n++] = bb_ir_const(blk, rnd() % 3 ? rnd() % 70 : rnd()); break;
        case 2: bb_ir_set(blk, off((int)(rnd() % N_FIELDS)), a); break;
        case 3: pool[n++] = bb_ir_unop(blk, unops[rnd() % 4], a); break;
        case 4: {
            bb_ir_temp c = pool[rnd() % (unsigned)n];
            bb_ir_op op = triops[rnd() % 4];
            if (op != BB_IR_SELECT) c = bb_ir_binop(blk, BB_IR_AND, c, bb_ir_const(blk, 1));
            pool[n++] = bb_ir_triop(blk, op, a, b, c);
            break;
        }
        case 5:
            if (rnd() % 4 == 0) {
                bb_ir_temp c = pool[rnd() % (unsigned)n];
                pool[n++] = bb_ir_call(blk, 0, a, b, c);
                break;
            }
            /* fall through */
        default:
            pool[n++] =
                bb_ir_binop(blk, binops[rnd() % (sizeof(binops) / sizeof(binops[0]))], a, b);
            break;
        }
    }
    bb_ir_set(blk, off((int)(rnd() % N_FIELDS)), pool[n - 1]);
}

static void random_block(bb_ir_block *blk)
{
    bb_ir_block_reset(blk, 0x1000, 0);
    blk->helpers = helpers;
    bb_ir_insn_start(blk, 0x1000);
    int regions = 1 + (int)(rnd() % 4);
    for (int r = 0; r < regions; r++) {
        random_region(blk, 4 + (int)(rnd() % 20));
        if (rnd() % 2) {
            int label = bb_ir_new_label(blk);
            bb_ir_temp cond =
                bb_ir_binop(blk, BB_IR_AND, bb_ir_get(blk, off((int)(rnd() % N_FIELDS))),
                            bb_ir_const(blk, 1u << (rnd() % 4)));
            if (rnd() % 2)
                bb_ir_brz(blk, cond, label);
            else
                bb_ir_brnz(blk, cond, label);
            random_region(blk, 2 + (int)(rnd() % 10));
            bb_ir_label(blk, label);
        }
    }
    bb_ir_set(blk, (uint32_t)offsetof(bb_cpu, pc), bb_ir_const(blk, 0x2000));
    bb_ir_exit_loop(blk);
    bb_ir_finish(blk);
}

static void run_block(bb_jit *jit, test_cpu *cpu, const bb_ir_block *blk)
{
    bb_tb tb;
    memset(&tb, 0, sizeof(tb));
    tb.pc = blk->pc;
    tb.n_guest_insns = blk->n_guest_insns;
    tb.helpers = blk->helpers;
    if (!bb_backend_interp.generate(jit, &tb, blk)) {
        printf("FAIL: generate\n");
        exit(1);
    }
    cpu->base.budget = 100;
    bb_backend_interp.execute(&cpu->base, &tb);
    free(tb.ir);
}

static int count_ops(const bb_ir_block *blk, bb_ir_op op)
{
    int n = 0;
    for (int i = 0; i < blk->n_insns; i++)
        n += blk->insns[i].op == op;
    return n;
}

static int check_dead_flags(void)
{
    /* Two flag-setting sequences back to back: the first one's writes must go. */
    bb_ir_block blk;
    bb_ir_block_init(&blk);
    bb_ir_block_reset(&blk, 0, 0);
    blk.helpers = helpers;
    for (int i = 0; i < 2; i++) {
        bb_ir_insn_start(&blk, (uint32_t)i * 4);
        bb_ir_temp a = bb_ir_get(&blk, off(1)), b = bb_ir_get(&blk, off(2));
        bb_ir_temp r = bb_ir_binop(&blk, BB_IR_SUB, a, b);
        bb_ir_set(&blk, off(4), r);
        bb_ir_set(&blk, off(5), bb_ir_binop(&blk, BB_IR_LEU, b, a));
        bb_ir_set(&blk, off(6),
                  bb_ir_triop(&blk, BB_IR_ADC_OVF, a, bb_ir_unop(&blk, BB_IR_NOT, b),
                              bb_ir_const(&blk, 1)));
    }
    bb_ir_set(&blk, off(7),
              bb_ir_binop(&blk, BB_IR_ADD, bb_ir_const(&blk, 2), bb_ir_const(&blk, 3)));
    bb_ir_exit_loop(&blk);
    bb_ir_finish(&blk);
    bb_ir_optimize(&blk);
    int sets = count_ops(&blk, BB_IR_SET), gets = count_ops(&blk, BB_IR_GET);
    int ok = sets == 4 && gets == 2 && count_ops(&blk, BB_IR_ADC_OVF) == 1 &&
             count_ops(&blk, BB_IR_ADD) == 0;
    if (!ok) {
        printf("FAIL: dead flags: %d sets, %d gets after optimization\n", sets, gets);
        bb_ir_dump(&blk, stdout);
    }
    bb_ir_block_free(&blk);
    return ok ? 0 : 1;
}

static int check_eval(void)
{
    struct {
        bb_ir_op op;
        uint32_t a, b, c, want;
    } cases[] = {
        {BB_IR_SHL, 1, 32, 0, 0},
        {BB_IR_SHR, 0x80000000u, 33, 0, 0},
        {BB_IR_SAR, 0x80000000u, 40, 0, 0xffffffffu},
        {BB_IR_ROR, 0x1, 33, 0, 0x80000000u},
        {BB_IR_CLZ, 0, 0, 0, 32},
        {BB_IR_MULHS, 0xffffffffu, 0xffffffffu, 0, 0},
        {BB_IR_MULHU, 0xffffffffu, 0xffffffffu, 0, 0xfffffffeu},
        {BB_IR_ADC_CARRY, 0xffffffffu, 0, 1, 1},
        {BB_IR_ADC_CARRY, 0xffffffffu, 0, 0, 0},
        {BB_IR_ADC_OVF, 0x7fffffffu, 1, 0, 0x80000000u},
        {BB_IR_LTS, 0xffffffffu, 0, 0, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t got = bb_ir_eval(cases[i].op, cases[i].a, cases[i].b, cases[i].c);
        uint32_t want = cases[i].want;
        if (cases[i].op == BB_IR_ADC_OVF) got &= 0x80000000u;
        if (got != want) {
            printf("FAIL: eval %s(0x%x, 0x%x, 0x%x) = 0x%x, want 0x%x\n",
                   bb_ir_op_name(cases[i].op), cases[i].a, cases[i].b, cases[i].c, got, want);
            return 1;
        }
    }
    return 0;
}

int main(void)
{
    int failures = check_eval() + check_dead_flags();
    bb_machine machine;
    memset(&machine, 0, sizeof(machine));
    bb_jit *jit = bb_jit_new(&machine, BB_JIT_INTERP);
    test_cpu *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
    a->base.jit = b->base.jit = jit;
    bb_ir_block blk, opt;
    bb_ir_block_init(&blk);
    bb_ir_block_init(&opt);
    int removed = 0, total = 0;
    for (int iter = 0; iter < 5000 && !failures; iter++) {
        random_block(&blk);
        bb_ir_block_reset(&opt, blk.pc, blk.flags);
        opt.helpers = blk.helpers;
        opt.n_temps = blk.n_temps;
        opt.n_labels = blk.n_labels;
        opt.n_guest_insns = blk.n_guest_insns;
        for (int i = 0; i < blk.n_insns; i++) {
            if (opt.n_insns == opt.cap) {
                opt.cap = opt.cap ? opt.cap * 2 : 256;
                opt.insns = realloc(opt.insns, sizeof(bb_ir_insn) * (size_t)opt.cap);
            }
            opt.insns[opt.n_insns++] = blk.insns[i];
        }
        bb_ir_optimize(&opt);
        total += blk.n_insns;
        removed += blk.n_insns - opt.n_insns;
        for (int k = 0; k < N_FIELDS; k++)
            a->field[k] = b->field[k] = rnd() % 3 ? rnd() : rnd() % 40;
        run_block(jit, a, &blk);
        run_block(jit, b, &opt);
        if (memcmp(a->field, b->field, sizeof(a->field)) != 0 || a->base.pc != b->base.pc) {
            printf("FAIL: block %d differs after optimization\n", iter);
            bb_ir_dump(&blk, stdout);
            bb_ir_dump(&opt, stdout);
            for (int k = 0; k < N_FIELDS; k++)
                printf("  field %d: 0x%08x vs 0x%08x\n", k, a->field[k], b->field[k]);
            failures++;
        }
    }
    printf("optimizer removed %d of %d IR instructions in random blocks\n", removed, total);
    bb_ir_block_free(&blk);
    bb_ir_block_free(&opt);
    free(a);
    free(b);
    bb_jit_free(jit);
    if (failures) return 1;
    printf("ok\n");
    return 0;
}
