/*
 * test_backend_x86_64.c: the native backend against the IR interpreter.
 *
 * Thousands of seeded random blocks (every IR operation; loads and stores that hit the
 * TLB, miss it, go to MMIO, to a page holding code, fault, or are misaligned; helper calls
 * that clobber registers or raise a guest exception; branches; every exit; optimized and
 * raw IR; coverage marks; blocks with more live values than host registers) run on two
 * identical machines, one per backend, and everything observable must agree: guest state,
 * memory, MMIO accesses in order, coverage marks, TLB tags, budget, the execute() result
 * and unwinding. The native
 * backend is checked twice, with and without the optional BMI/LZCNT instructions. Then
 * chaining (link, unlink, budget exhaustion across a chain), the indirect-exit lookup, the
 * budget check at entry and a full code buffer.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "jit/cpu.h"
#include "jit/ir.h"
#include "jit/tb.h"

#define N_FIELDS   8
#define RAM_SIZE   0x10000u    /* RAM at 0 */
#define HIGH_BASE  0x80000000u /* RAM above 2 GiB (constant-address paths) */
#define HIGH_SIZE  0x2000u
#define MMIO_BASE  0x10000000u
#define MMIO_SIZE  0x1000u
#define FAULT_BASE 0x20000000u /* translation faults */
#define UNMAPPED   0x30000000u /* no region: reads give 0 */
#define CODE_PAGE  0x3000u     /* RAM page marked as holding code */
#define USER_RO    0x8000u     /* RAM page that user mode (MMU index 1) cannot write */
#define MAX_LOG    512
#define MARK_SIZE  64

#include "tests/unit/test_util.h"

static uint32_t rng_state = 0x2545f491u;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

typedef struct test_cpu {
    bb_cpu base;
    uint32_t field[N_FIELDS];
    uint32_t faults, fault_pc, fault_addr, fault_access;
    uint8_t marks[MARK_SIZE];
} test_cpu;

static uint32_t off(int k)
{
    return (uint32_t)(offsetof(test_cpu, field) + 4u * (unsigned)k);
}

/* ---- a machine per backend ---- */

typedef struct mmio_dev {
    uint32_t counter;
    uint64_t log[MAX_LOG];
    int n_log;
} mmio_dev;

typedef struct world {
    const bb_backend *be;
    bb_log log;
    bb_bus *bus;
    bb_machine machine;
    bb_jit *jit;
    test_cpu *cpu;
    mmio_dev dev;
    uint8_t *ram, *high;
    bool unwound;
} world;

static void dev_log(mmio_dev *d, uint64_t entry)
{
    if (d->n_log < MAX_LOG) d->log[d->n_log++] = entry;
}

static uint64_t dev_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    mmio_dev *d = opaque;
    d->counter = d->counter * 1664525u + 1013904223u;
    dev_log(d, 1ull << 63 | (uint64_t)size << 40 | (uint64_t)attrs.privileged << 39 | offset);
    return (d->counter ^ (uint32_t)offset * 0x9e3779b9u) &
           (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1);
}

static void dev_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    mmio_dev *d = opaque;
    d->counter += (uint32_t)value;
    dev_log(d, (uint64_t)size << 40 | (uint64_t)attrs.privileged << 39 | offset << 32 >> 32);
    dev_log(d, value);
}

static const bb_mmio_ops dev_ops = {.read = dev_read, .write = dev_write};

static bool translate_address(bb_cpu *cpu, uint32_t vaddr, int access, int mmu_idx, bool raise,
                              uint32_t pc, bb_phys_result *out)
{
    test_cpu *t = (test_cpu *)cpu;
    bool user_ro = mmu_idx == 1 && (vaddr & ~0xfffu) == USER_RO;
    if ((vaddr & 0xffff0000u) == FAULT_BASE || (user_ro && access == BB_ACCESS_WRITE)) {
        if (raise) {
            t->faults++;
            t->fault_pc = pc;
            t->fault_addr = vaddr;
            t->fault_access = (uint32_t)access;
        }
        return false;
    }
    out->phys = vaddr;
    out->page_size = BB_PAGE_SIZE;
    out->prot = BB_PROT_READ | BB_PROT_EXEC | (user_ro ? 0 : BB_PROT_WRITE);
    return true;
}

/* Helpers: one that mixes its arguments into state, one pure, one that destroys every
 * caller-saved register, one that raises a guest exception for some arguments. */
static uint32_t h_mix(bb_cpu *cpu, uint32_t a, uint32_t b, uint32_t c)
{
    test_cpu *t = (test_cpu *)cpu;
    t->field[0] ^= a;
    t->field[7] += b;
    t->field[6] += cpu->insns_left << 16; /* set by the caller for this call */
    return a * 3 + b - c;
}

static uint32_t h_pure(bb_cpu *cpu, uint32_t a, uint32_t b, uint32_t c)
{
    (void)cpu;
    return a ^ (b << 1) ^ (c >> 1) ^ 0x5a5a0000u;
}

static uint32_t h_clobber(bb_cpu *cpu, uint32_t a, uint32_t b, uint32_t c)
{
    (void)cpu;
    __asm__ volatile("mov $0xdead0001, %%edx\n\t"
                     "mov $0xdead0002, %%esi\n\t"
                     "mov $0xdead0003, %%edi\n\t"
                     "mov $0xdead0004, %%r8d\n\t"
                     "mov $0xdead0005, %%r9d\n\t"
                     "mov $0xdead0006, %%r10d\n\t"
                     "mov $0xdead0007, %%r11d\n\t"
                     "mov $0xdead0008, %%ecx\n\t" ::
                         : "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "rcx", "memory");
    return a - b + c;
}

static uint32_t h_maybe_fault(bb_cpu *cpu, uint32_t a, uint32_t b, uint32_t c)
{
    test_cpu *t = (test_cpu *)cpu;
    if ((a & 0x3f) == 0x15) {
        t->faults++;
        t->fault_pc = b;
        t->fault_addr = c;
        bb_cpu_unwind(cpu); /* with the caller's insns_left */
    }
    return a + 1;
}

enum { H_MIX, H_PURE, H_CLOBBER, H_FAULT, N_HELPERS };
static const bb_ir_helper helpers[] = {
    {h_mix, "mix", 0},
    {h_pure, "pure", BB_HELPER_PURE},
    {h_clobber, "clobber", 0},
    {h_maybe_fault, "maybe_fault", 0},
};

static const bb_guest_ops guest_ops = {
    .name = "test",
    .translate_address = translate_address,
    .helpers = helpers,
};

static void world_init(world *w, const bb_backend *be, bb_jit_kind kind)
{
    memset(w, 0, sizeof(*w));
    w->be = be;
    w->log.mask = 0;
    w->log.out = stderr;
    w->bus = bb_bus_new(&w->log);
    bb_region *ram = bb_bus_add_ram(w->bus, "ram", 0, RAM_SIZE);
    bb_region *high = bb_bus_add_ram(w->bus, "high", HIGH_BASE, HIGH_SIZE);
    bb_bus_add_mmio(w->bus, "dev", MMIO_BASE, MMIO_SIZE, &dev_ops, &w->dev);
    w->ram = ram->host;
    w->high = high->host;
    w->machine.bus = w->bus;
    w->machine.log = w->log;
    w->jit = bb_jit_new(&w->machine, kind);
    w->cpu = calloc(1, sizeof(test_cpu));
    bb_cpu_init(&w->cpu->base, &w->machine, 0, &guest_ops);
    w->cpu->base.jit = w->jit;
    w->cpu->base.mark_map = w->cpu->marks;
    w->cpu->base.mark_size = MARK_SIZE;
    w->machine.cpus[0] = &w->cpu->base;
    w->machine.n_cpus = 1;
    bb_bus_mark_code_page(w->bus, CODE_PAGE, true);
}

static void world_free(world *w)
{
    bb_cpu_cleanup(&w->cpu->base);
    free(w->cpu);
    bb_jit_free(w->jit);
    bb_bus_free(w->bus);
}

/* Sets both worlds to the same random state. */
static void randomize(world *w, int nw, uint32_t seed, bool flush_tlb)
{
    for (int k = 0; k < nw; k++) {
        uint32_t saved = rng_state;
        rng_state = seed | 1;
        test_cpu *c = w[k].cpu;
        for (int f = 0; f < N_FIELDS; f++)
            c->field[f] = rnd() % 3 ? rnd() : rnd() % 40;
        c->faults = c->fault_pc = c->fault_addr = c->fault_access = 0;
        c->base.pc = 0;
        c->base.tb_flags = 0;
        c->base.insns_left = 0;
        memset(c->marks, 0, sizeof(c->marks));
        for (uint32_t i = 0; i < RAM_SIZE; i += 4) {
            uint32_t v = rnd();
            memcpy(w[k].ram + i, &v, 4);
        }
        for (uint32_t i = 0; i < HIGH_SIZE; i += 4) {
            uint32_t v = rnd();
            memcpy(w[k].high + i, &v, 4);
        }
        w[k].dev.counter = rnd();
        w[k].dev.n_log = 0;
        if (flush_tlb) bb_cpu_tlb_flush(&c->base);
        rng_state = saved;
    }
}

/* Runs a block as the run loop would, catching a guest exception. */
static uintptr_t run(world *w, bb_tb *tb, int32_t budget)
{
    bb_cpu *cpu = &w->cpu->base;
    cpu->budget = budget;
    cpu->insns_left = 0;
    w->unwound = false;
    if (sigsetjmp(cpu->exit_jmp, 0) != 0) {
        w->unwound = true;
        cpu->budget += (int32_t)cpu->insns_left;
        cpu->insns_left = 0;
        return 0;
    }
    return w->be->execute(cpu, tb);
}

static bool make_tb(world *w, bb_tb *tb, const bb_ir_block *blk)
{
    memset(tb, 0, sizeof(*tb));
    tb->pc = blk->pc;
    tb->flags = blk->flags;
    tb->n_guest_insns = blk->n_guest_insns;
    tb->helpers = blk->helpers;
    tb->valid = true;
    if (w->be->generate(w->jit, tb, blk)) return true;
    /* Out of code space: what tb.c does is flush everything and try once more. */
    w->be->flush(w->jit);
    return w->be->generate(w->jit, tb, blk);
}

static void drop_tb(bb_tb *tb)
{
    free(tb->ir);
    tb->ir = NULL;
}

/* Compares everything observable in world b against the reference a. */
static bool same_state(const world *a, const world *b, uintptr_t ra, uintptr_t rb, const bb_tb *ta,
                       const bb_tb *tbb)
{
    const test_cpu *x = a->cpu, *y = b->cpu;
    bool ok = true;
    for (int f = 0; f < N_FIELDS; f++) {
        if (x->field[f] != y->field[f]) {
            printf("  field %d: 0x%08x (interp) vs 0x%08x (%s)\n", f, x->field[f], y->field[f],
                   b->be->name);
            ok = false;
        }
    }
    if (x->base.pc != y->base.pc || x->base.budget != y->base.budget ||
        x->base.insns_left != y->base.insns_left) {
        printf("  pc 0x%x/0x%x budget %d/%d insns_left %u/%u\n", x->base.pc, y->base.pc,
               x->base.budget, y->base.budget, x->base.insns_left, y->base.insns_left);
        ok = false;
    }
    if (x->faults != y->faults || x->fault_pc != y->fault_pc || x->fault_addr != y->fault_addr ||
        x->fault_access != y->fault_access || a->unwound != b->unwound) {
        printf("  faults %u/%u pc 0x%x/0x%x addr 0x%x/0x%x unwound %d/%d\n", x->faults, y->faults,
               x->fault_pc, y->fault_pc, x->fault_addr, y->fault_addr, a->unwound, b->unwound);
        ok = false;
    }
    bool ret_a_tb = ra && (ra & ~(uintptr_t)3) == (uintptr_t)ta;
    bool ret_b_tb = rb && (rb & ~(uintptr_t)3) == (uintptr_t)tbb;
    if ((ra == 0) != (rb == 0) || ret_a_tb != ret_b_tb || (ra & 3) != (rb & 3) ||
        (ra && !ret_a_tb)) {
        printf("  execute returned %#lx (tb %p) vs %#lx (tb %p)\n", (unsigned long)ra, (void *)ta,
               (unsigned long)rb, (void *)tbb);
        ok = false;
    }
    if (memcmp(x->marks, y->marks, MARK_SIZE) != 0) {
        printf("  coverage marks differ\n");
        ok = false;
    }
    if (memcmp(a->ram, b->ram, RAM_SIZE) != 0 || memcmp(a->high, b->high, HIGH_SIZE) != 0) {
        for (uint32_t i = 0; i < RAM_SIZE; i++)
            if (a->ram[i] != b->ram[i]) {
                printf("  ram[0x%x]: %02x vs %02x\n", i, a->ram[i], b->ram[i]);
                break;
            }
        printf("  memory differs\n");
        ok = false;
    }
    if (a->dev.n_log != b->dev.n_log ||
        memcmp(a->dev.log, b->dev.log, sizeof(uint64_t) * (size_t)a->dev.n_log) != 0 ||
        a->dev.counter != b->dev.counter) {
        printf("  MMIO accesses differ (%d vs %d)\n", a->dev.n_log, b->dev.n_log);
        ok = false;
    }
    for (int m = 0; m < BB_MMU_MODES; m++) {
        for (unsigned i = 0; i < BB_TLB_SIZE; i++) {
            const bb_tlb_entry *p = &x->base.tlb[m][i], *q = &y->base.tlb[m][i];
            if (p->tag_read != q->tag_read || p->tag_write != q->tag_write ||
                p->tag_code != q->tag_code || p->phys != q->phys) {
                printf("  TLB %d/%u differs\n", m, i);
                ok = false;
                m = BB_MMU_MODES;
                break;
            }
        }
    }
    return ok;
}

/* ---- random blocks ---- */

typedef struct rgen {
    bb_ir_block *blk;
    bb_ir_temp pool[64];
    int n;
    uint32_t pc;
    int depth, used_slot[3];
} rgen;

static const bb_ir_op binops[] = {BB_IR_ADD, BB_IR_SUB,   BB_IR_MUL,   BB_IR_AND, BB_IR_OR,
                                  BB_IR_XOR, BB_IR_ANDN,  BB_IR_SHL,   BB_IR_SHR, BB_IR_SAR,
                                  BB_IR_ROR, BB_IR_MULHU, BB_IR_MULHS, BB_IR_EQ,  BB_IR_NE,
                                  BB_IR_LTU, BB_IR_LEU,   BB_IR_LTS,   BB_IR_LES};
static const bb_ir_op unops[] = {BB_IR_NOT, BB_IR_NEG, BB_IR_CLZ, BB_IR_MOV};
static const bb_ir_op compares[] = {BB_IR_EQ, BB_IR_NE, BB_IR_LTU, BB_IR_LEU, BB_IR_LTS, BB_IR_LES};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t interesting(void)
{
    static const uint32_t values[] = {
        0,   1,   2,   5,           31,          32,          33,          63,   64,     127,
        128, 255, 256, 0x7fffffffu, 0x80000000u, 0xffffffffu, 0xfffffffeu, 0xff, 0xffff, 0x10000};
    return rnd() % 2 ? values[rnd() % COUNT(values)] : rnd() % 4 ? rnd() % 70 : rnd();
}

static void push(rgen *r, bb_ir_temp t)
{
    if (r->n < 64)
        r->pool[r->n++] = t;
    else
        r->pool[rnd() % 64] = t;
}

static bb_ir_temp pick(rgen *r)
{
    if (r->n == 0) push(r, bb_ir_get(r->blk, off((int)(rnd() % N_FIELDS))));
    return r->pool[rnd() % (unsigned)r->n];
}

static bb_ir_temp konst(rgen *r, uint32_t v)
{
    return bb_ir_const(r->blk, v);
}

static void new_insn(rgen *r)
{
    r->pc += 4;
    bb_ir_insn_start(r->blk, r->pc);
}

/* A guest address for an access of `size` bytes. */
static bb_ir_temp gen_addr(rgen *r, unsigned size)
{
    bb_ir_block *blk = r->blk;
    uint32_t align = ~(size - 1);
    switch (rnd() % 16) {
    case 0:
    case 1: return konst(r, (rnd() % (RAM_SIZE - 8)) & (rnd() % 8 ? align : ~0u));
    case 2: return konst(r, HIGH_BASE + ((rnd() % (HIGH_SIZE - 8)) & align));
    case 3:
        return bb_ir_binop(blk, BB_IR_ADD, konst(r, MMIO_BASE),
                           bb_ir_binop(blk, BB_IR_AND, pick(r), konst(r, 0xfc & align)));
    case 4: return konst(r, MMIO_BASE + ((rnd() % 0x100) & align));
    case 5:
        return konst(r, rnd() % 8 == 0 ? FAULT_BASE + (rnd() % 0x100) : UNMAPPED + (rnd() % 64));
    case 6:
        return bb_ir_binop(blk, BB_IR_OR, konst(r, CODE_PAGE),
                           bb_ir_binop(blk, BB_IR_AND, pick(r), konst(r, 0xffc & align)));
    case 7: return konst(r, USER_RO + ((rnd() % 0x800) & align));
    case 8:
        /* Misaligned or crossing a page. */
        return bb_ir_binop(blk, BB_IR_AND, pick(r), konst(r, 0xffff));
    default: return bb_ir_binop(blk, BB_IR_AND, pick(r), konst(r, (RAM_SIZE - 1) & align & ~0x7u));
    }
}

static unsigned gen_mem_aux(void)
{
    unsigned size = rnd() % 3;
    unsigned sign = (size < 2 && rnd() % 2) ? BB_IR_MEM_SIGNED : 0;
    return size | sign | (rnd() % 4 == 0 ? 1u << 4 : 0);
}

static bb_ir_temp gen_condition(rgen *r)
{
    bb_ir_block *blk = r->blk;
    switch (rnd() % 6) {
    case 0: return bb_ir_get(blk, off((int)(rnd() % N_FIELDS)));
    case 1: return bb_ir_binop(blk, BB_IR_AND, pick(r), konst(r, 1u << (rnd() % 32)));
    case 2:
        return bb_ir_binop(blk, BB_IR_XOR,
                           bb_ir_binop(blk, compares[rnd() % COUNT(compares)], pick(r), pick(r)),
                           konst(r, 1));
    case 3: return pick(r);
    default:
        return bb_ir_binop(blk, compares[rnd() % COUNT(compares)], pick(r),
                           rnd() % 2 ? pick(r) : konst(r, interesting()));
    }
}

static void gen_exit(rgen *r)
{
    bb_ir_block *blk = r->blk;
    switch (rnd() % 5) {
    case 0:
    case 1: {
        int slot = rnd() % 2;
        if (r->used_slot[slot]) slot = 2;
        r->used_slot[slot < 2 ? slot : 2] = 1;
        bb_ir_exit_jump(blk, 0x4000u + (uint32_t)slot * 0x100u + (rnd() % 64) * 4, slot);
        break;
    }
    case 2:
        bb_ir_set(blk, (uint32_t)offsetof(bb_cpu, pc), pick(r));
        bb_ir_exit_ind(blk);
        break;
    default:
        bb_ir_set(blk, (uint32_t)offsetof(bb_cpu, pc), rnd() % 2 ? pick(r) : konst(r, 0x2000));
        bb_ir_exit_loop(blk);
        break;
    }
}

static void gen_region(rgen *r, int len);

static void gen_conditional(rgen *r)
{
    bb_ir_block *blk = r->blk;
    int label = bb_ir_new_label(blk);
    bb_ir_temp cond = gen_condition(r);
    if (rnd() % 2)
        bb_ir_brz(blk, cond, label);
    else
        bb_ir_brnz(blk, cond, label);
    bb_ir_temp before[64];
    int n_before = r->n;
    memcpy(before, r->pool, sizeof(before));
    r->depth++;
    gen_region(r, 1 + (int)(rnd() % 8));
    if (rnd() % 4 == 0)
        gen_exit(r);
    else if (rnd() % 8 == 0)
        bb_ir_br(blk, label); /* a jump to the same label */
    r->depth--;
    bb_ir_label(blk, label);
    /* Values from before the branch are still valid after the label (they dominate it);
     * the ones from inside the conditional region are not. */
    memcpy(r->pool, before, sizeof(before));
    r->n = rnd() % 2 ? n_before : 0;
}

static void gen_one(rgen *r)
{
    bb_ir_block *blk = r->blk;
    switch (rnd() % 20) {
    case 0: push(r, bb_ir_get(blk, off((int)(rnd() % N_FIELDS)))); break;
    case 1: push(r, konst(r, interesting())); break;
    case 2: bb_ir_set(blk, off((int)(rnd() % N_FIELDS)), pick(r)); break;
    case 3: push(r, bb_ir_unop(blk, unops[rnd() % COUNT(unops)], pick(r))); break;
    case 4: {
        static const bb_ir_op adcs[] = {BB_IR_ADC, BB_IR_ADC_CARRY, BB_IR_ADC_OVF};
        bb_ir_temp c;
        switch (rnd() % 3) {
        case 0: c = konst(r, rnd() % 2); break;
        case 1: c = bb_ir_binop(blk, BB_IR_AND, pick(r), konst(r, 1)); break;
        default: c = bb_ir_binop(blk, BB_IR_LTU, pick(r), pick(r)); break;
        }
        bb_ir_temp b = rnd() % 3 ? pick(r) : bb_ir_unop(blk, BB_IR_NOT, pick(r));
        push(r, bb_ir_triop(blk, adcs[rnd() % 3], pick(r), b, c));
        break;
    }
    case 5:
        push(r, bb_ir_select(blk, rnd() % 2 ? pick(r) : gen_condition(r), pick(r), pick(r)));
        break;
    case 6: {
        unsigned h = rnd() % N_HELPERS;
        bb_ir_temp a = pick(r);
        if (h == H_FAULT && rnd() % 4) a = bb_ir_binop(blk, BB_IR_OR, a, konst(r, 0x40));
        push(r, bb_ir_call(blk, h, a, rnd() % 4 ? pick(r) : 0, rnd() % 4 ? pick(r) : 0));
        break;
    }
    case 7:
    case 8: {
        unsigned aux = gen_mem_aux();
        push(r, bb_ir_load(blk, aux, gen_addr(r, BB_IR_MEM_SIZE(aux))));
        break;
    }
    case 9: {
        unsigned aux = gen_mem_aux() & ~(unsigned)BB_IR_MEM_SIGNED;
        bb_ir_temp addr = gen_addr(r, BB_IR_MEM_SIZE(aux));
        bb_ir_store(blk, aux, addr, rnd() % 4 ? pick(r) : konst(r, interesting()));
        break;
    }
    case 10:
        if (rnd() % 4 == 0)
            bb_ir_mark(blk, rnd() % MARK_SIZE, (uint8_t)(1u << (rnd() % 8)));
        else
            new_insn(r);
        break;
    case 11:
        if (r->depth < 3) gen_conditional(r);
        break;
    case 12: {
        /* Shifts by interesting amounts. */
        static const bb_ir_op shifts[] = {BB_IR_SHL, BB_IR_SHR, BB_IR_SAR, BB_IR_ROR};
        bb_ir_temp amount = rnd() % 2 ? konst(r, interesting()) : pick(r);
        push(r, bb_ir_binop(blk, shifts[rnd() % 4], pick(r), amount));
        break;
    }
    default:
        push(r, bb_ir_binop(blk, binops[rnd() % COUNT(binops)],
                            rnd() % 8 ? pick(r) : konst(r, interesting()),
                            rnd() % 4 ? pick(r) : konst(r, interesting())));
        break;
    }
}

static void gen_region(rgen *r, int len)
{
    for (int i = 0; i < len; i++)
        gen_one(r);
}

/* Many values alive at once: more than the host has registers. */
static void gen_pressure(rgen *r, int n)
{
    bb_ir_temp v[40];
    unsigned aux = gen_mem_aux() & ~(unsigned)BB_IR_MEM_SIGNED;
    bb_ir_temp addr = gen_addr(r, BB_IR_MEM_SIZE(aux)); /* used last: lives in memory */
    for (int i = 0; i < n; i++)
        v[i] = bb_ir_binop(r->blk, BB_IR_ADD, bb_ir_get(r->blk, off(i % N_FIELDS)),
                           konst(r, (uint32_t)i * 7));
    if (rnd() % 2) push(r, bb_ir_call(r->blk, H_CLOBBER, v[0], v[1], v[2]));
    bb_ir_temp sum = v[n - 1];
    for (int i = n - 2; i >= 0; i--)
        sum = bb_ir_binop(r->blk, i % 3 ? BB_IR_XOR : BB_IR_SUB, v[i], sum);
    bb_ir_set(r->blk, off((int)(rnd() % N_FIELDS)), sum);
    if (rnd() % 2)
        bb_ir_store(r->blk, aux, addr, sum);
    else
        push(r, bb_ir_load(r->blk, aux, addr));
}

static void random_block(bb_ir_block *blk)
{
    rgen r = {.blk = blk, .pc = 0x1000};
    bb_ir_block_reset(blk, 0x1000, 0);
    blk->helpers = helpers;
    bb_ir_insn_start(blk, 0x1000);
    if (rnd() % 4 == 0) gen_pressure(&r, 14 + (int)(rnd() % 26));
    gen_region(&r, 4 + (int)(rnd() % 60));
    gen_exit(&r);
    bb_ir_finish(blk);
}

static void count_ops(const bb_ir_block *blk, int *seen)
{
    for (int i = 0; i < blk->n_insns; i++)
        seen[blk->insns[i].op]++;
}

/* With BB_TEST_DUMP=file, the host code of a failing block is written there (for
 * objdump -D -b binary -mi386:x86-64). */
static void dump_code(const bb_tb *tb)
{
    const char *path = getenv("BB_TEST_DUMP");
    FILE *f = path ? fopen(path, "wb") : NULL;
    if (!f) return;
    fwrite(tb->host_code, 1, tb->host_size, f);
    fclose(f);
}

/* Runs `iterations` random blocks on the interpreter and on each native world. */
static void differential(world *w, int nw, int iterations, int *seen)
{
    bb_ir_block blk;
    bb_ir_block_init(&blk);
    int mismatches = 0;
    for (int iter = 0; iter < iterations && mismatches < 3; iter++) {
        uint32_t seed = rnd();
        random_block(&blk);
        if (rnd() % 4) bb_ir_optimize(&blk);
        count_ops(&blk, seen);
        bb_tb tb[4];
        for (int k = 0; k < nw; k++) {
            if (!make_tb(&w[k], &tb[k], &blk)) {
                printf("FAIL: generate failed on %s\n", w[k].be->name);
                failures++;
                return;
            }
        }
        randomize(w, nw, seed, rnd() % 2);
        /* Twice (the second run finds the TLB filled), then with too small a budget. */
        int32_t budgets[3] = {1000, 1000, (int32_t)(rnd() % (blk.n_guest_insns + 1)) - 1};
        if (budgets[2] < 0) budgets[2] = 0;
        const char *only = getenv("BB_TEST_ONLY");
        for (int run_no = 0; run_no < 3 && (!only || atoi(only) == iter); run_no++) {
            uintptr_t ret[4];
            for (int k = 0; k < nw; k++)
                ret[k] = run(&w[k], &tb[k], budgets[run_no]);
            for (int k = 1; k < nw; k++) {
                if (!same_state(&w[0], &w[k], ret[0], ret[k], &tb[0], &tb[k])) {
                    printf("FAIL: block %d (run %d, budget %d) differs on %s with features %s\n",
                           iter, run_no, budgets[run_no], w[k].be->name, k == 1 ? "host" : "none");
                    bb_ir_dump(&blk, stdout);
                    dump_code(&tb[k]);
                    failures++;
                    mismatches++;
                    run_no = 3;
                    break;
                }
            }
        }
        for (int k = 0; k < nw; k++)
            drop_tb(&tb[k]);
    }
    bb_ir_block_free(&blk);
}

/* ---- chaining, indirect exits, budget ---- */

static void block_set_exit(bb_ir_block *blk, uint32_t pc, int field, uint32_t add, uint32_t next_pc,
                           int exit_kind)
{
    bb_ir_block_reset(blk, pc, 0);
    blk->helpers = helpers;
    bb_ir_insn_start(blk, pc);
    bb_ir_set(blk, off(field),
              bb_ir_binop(blk, BB_IR_ADD, bb_ir_get(blk, off(field)), bb_ir_const(blk, add)));
    bb_ir_insn_start(blk, pc + 4);
    if (exit_kind == BB_IR_EXIT_JUMP) {
        bb_ir_exit_jump(blk, next_pc, 0);
    } else {
        bb_ir_set(blk, (uint32_t)offsetof(bb_cpu, pc), bb_ir_const(blk, next_pc));
        if (exit_kind == BB_IR_EXIT_IND)
            bb_ir_exit_ind(blk);
        else
            bb_ir_exit_loop(blk);
    }
    bb_ir_finish(blk);
    bb_ir_optimize(blk);
}

static void test_chaining(world *w)
{
    bb_cpu *cpu = &w->cpu->base;
    bb_ir_block blk;
    bb_ir_block_init(&blk);
    bb_tb a, b, c;
    block_set_exit(&blk, 0x1000, 1, 1, 0x2000, BB_IR_EXIT_JUMP);
    CHECK(make_tb(w, &a, &blk));
    block_set_exit(&blk, 0x2000, 2, 10, 0x3000, BB_IR_EXIT_LOOP);
    CHECK(make_tb(w, &b, &blk));
    randomize(w, 1, 1, true);
    uint32_t f1 = w->cpu->field[1], f2 = w->cpu->field[2];

    /* Unchained: (tb | slot) with the guest PC at the target. */
    uintptr_t ret = run(w, &a, 100);
    CHECK(ret == ((uintptr_t)&a | 0));
    CHECK(cpu->pc == 0x2000 && cpu->budget == 98 && w->cpu->field[1] == f1 + 1);

    /* Chained: a runs straight into b. */
    a.jump_to[0] = &b;
    w->be->link(&a, 0, &b);
    ret = run(w, &a, 100);
    CHECK(ret == 0);
    CHECK(cpu->pc == 0x3000 && cpu->budget == 96);
    CHECK(w->cpu->field[1] == f1 + 2 && w->cpu->field[2] == f2 + 10);

    /* Budget for a but not for b: b's entry check returns to the loop at b. */
    ret = run(w, &a, 3);
    CHECK(ret == 0 && cpu->pc == 0x2000 && cpu->budget == 1);
    CHECK(w->cpu->field[1] == f1 + 3 && w->cpu->field[2] == f2 + 10);

    /* Budget exhausted at entry: nothing runs, the guest PC is the block's. */
    cpu->pc = 0x5555;
    ret = run(w, &a, 1);
    CHECK(ret == 0 && cpu->pc == 0x1000 && cpu->budget == 1 && w->cpu->field[1] == f1 + 3);
    ret = run(w, &a, 0);
    CHECK(ret == 0 && cpu->pc == 0x1000 && cpu->budget == 0);

    /* Unchained again. */
    w->be->unlink(&a, 0);
    a.jump_to[0] = NULL;
    ret = run(w, &a, 100);
    CHECK(ret == ((uintptr_t)&a | 0) && cpu->pc == 0x2000 && cpu->budget == 98);

    /* Indirect exit: a jump-cache hit on (pc, flags) runs the block found. */
    block_set_exit(&blk, 0x1800, 3, 5, 0x2000, BB_IR_EXIT_IND);
    CHECK(make_tb(w, &c, &blk));
    memset(cpu->jmp_cache, 0, sizeof(bb_tb *) * BB_JMP_CACHE_SIZE);
    ret = run(w, &c, 100);
    CHECK(ret == 0 && cpu->pc == 0x2000 && cpu->budget == 98); /* empty cache */
    cpu->jmp_cache[bb_jmp_cache_hash(0x2000)] = &b;
    uint32_t f3 = w->cpu->field[3];
    f2 = w->cpu->field[2];
    ret = run(w, &c, 100);
    CHECK(ret == 0 && cpu->pc == 0x3000 && cpu->budget == 96);
    CHECK(w->cpu->field[3] == f3 + 5 && w->cpu->field[2] == f2 + 10);
    cpu->tb_flags = 1; /* other mode bits: no match */
    ret = run(w, &c, 100);
    CHECK(ret == 0 && cpu->pc == 0x2000 && cpu->budget == 98 && w->cpu->field[2] == f2 + 10);
    cpu->tb_flags = 0;
    drop_tb(&a);
    drop_tb(&b);
    drop_tb(&c);

    /* The inline hash agrees with bb_jmp_cache_hash for any PC. */
    int hits = 0;
    for (int i = 0; i < 200; i++) {
        uint32_t target = rnd() & ~1u;
        block_set_exit(&blk, 0x1000, 0, 0, target, BB_IR_EXIT_IND);
        bb_tb from, to;
        CHECK(make_tb(w, &from, &blk));
        block_set_exit(&blk, target, 4, 1, 0x6000, BB_IR_EXIT_LOOP);
        CHECK(make_tb(w, &to, &blk));
        memset(cpu->jmp_cache, 0, sizeof(bb_tb *) * BB_JMP_CACHE_SIZE);
        cpu->jmp_cache[bb_jmp_cache_hash(target)] = &to;
        ret = run(w, &from, 100);
        hits += ret == 0 && cpu->pc == 0x6000;
        drop_tb(&from);
        drop_tb(&to);
    }
    CHECK(hits == 200);
    memset(cpu->jmp_cache, 0, sizeof(bb_tb *) * BB_JMP_CACHE_SIZE);
    bb_ir_block_free(&blk);
}

/* Fills the code buffer: generate must fail (so that tb.c flushes), then work again. */
static void test_full_buffer(world *w)
{
    bb_ir_block blk;
    bb_ir_block_init(&blk);
    rng_state = 777;
    bb_ir_block_reset(&blk, 0x1000, 0);
    blk.helpers = helpers;
    for (int i = 0; i < 128; i++) {
        bb_ir_insn_start(&blk, 0x1000 + 4u * (unsigned)i);
        bb_ir_temp addr = bb_ir_binop(&blk, BB_IR_AND, bb_ir_get(&blk, off(i % N_FIELDS)),
                                      bb_ir_const(&blk, 0xfffc));
        bb_ir_temp v = bb_ir_load(&blk, BB_IR_MEM_32, addr);
        bb_ir_set(&blk, off((i + 1) % N_FIELDS),
                  bb_ir_binop(&blk, BB_IR_ADD, v, bb_ir_const(&blk, 1)));
    }
    bb_ir_set(&blk, (uint32_t)offsetof(bb_cpu, pc), bb_ir_const(&blk, 0x2000));
    bb_ir_exit_loop(&blk);
    bb_ir_finish(&blk);
    bb_ir_optimize(&blk);
    bb_tb tb;
    int generated = 0;
    for (;;) {
        memset(&tb, 0, sizeof(tb));
        tb.pc = blk.pc;
        tb.n_guest_insns = blk.n_guest_insns;
        tb.helpers = blk.helpers;
        if (!w->be->generate(w->jit, &tb, &blk)) break;
        generated++;
        if (generated > 1000000) break;
    }
    CHECK(generated > 1000 && generated < 1000000);
    w->be->flush(w->jit);
    CHECK(make_tb(w, &tb, &blk));
    randomize(w, 1, 5, true);
    uintptr_t ret = run(w, &tb, 1000);
    CHECK(ret == 0 && w->cpu->base.pc == 0x2000 && w->cpu->base.budget == 1000 - 128);
    printf("code buffer full after %d blocks of %u bytes\n", generated, tb.host_size);
    bb_ir_block_free(&blk);
}

int main(int argc, char **argv)
{
    int iterations = argc > 1 ? atoi(argv[1]) : 4000;
    if (argc > 2) rng_state = (uint32_t)strtoul(argv[2], NULL, 0) | 1;
    world w[3];
    world_init(&w[0], &bb_backend_interp, BB_JIT_INTERP);
    world_init(&w[1], &bb_backend_x86_64, BB_JIT_NATIVE);
    /* The third world's backend state is created with the optional instructions masked. */
    setenv("BRASSBOARD_X86_FEATURES", "0", 1);
    world_init(&w[2], &bb_backend_x86_64, BB_JIT_NATIVE);
    {
        bb_tb tb;
        bb_ir_block blk;
        bb_ir_block_init(&blk);
        block_set_exit(&blk, 0x1000, 0, 1, 0x2000, BB_IR_EXIT_LOOP);
        CHECK(make_tb(&w[2], &tb, &blk)); /* creates the state while the mask is set */
        bb_ir_block_free(&blk);
    }
    unsetenv("BRASSBOARD_X86_FEATURES");

    int seen[BB_IR_OP_COUNT] = {0};
    differential(w, 3, iterations, seen);
    for (int op = BB_IR_INSN_START; op < BB_IR_OP_COUNT; op++) {
        if (!seen[op]) {
            printf("FAIL: no random block used %s\n", bb_ir_op_name((bb_ir_op)op));
            failures++;
        }
    }
    if (!failures)
        printf("%d random blocks agree on interp, x86_64 and x86_64 without BMI/LZCNT\n",
               iterations);
    test_chaining(&w[1]);
    test_chaining(&w[2]);
    test_full_buffer(&w[1]);
    for (int k = 0; k < 3; k++)
        world_free(&w[k]);
    if (failures) {
        printf("%d failures\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
