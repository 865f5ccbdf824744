/*
 * tb.c: the translation cache: translating a block (front-end, optimizer, backend), the
 * (pc, flags) hash, the physical-page lists used to invalidate code that the guest
 * overwrites, chaining bookkeeping, and whole-cache flushes.
 */
#include "jit/tb.h"

#include "jit/instrument.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HASH_BITS      17
#define HASH_SIZE      (1u << HASH_BITS)
#define MAX_TBS        262144
#define PAGE_HASH_SIZE 4096

typedef struct code_page {
    uint64_t page;
    bb_tb *first;
    uint64_t chunks; /* 64-byte chunks of the page that translated code covers (a store
                        elsewhere on the page needs no scan of the blocks) */
    struct code_page *next;
} code_page;

/* The bits of the 64-byte chunks of a page that [lo, hi) (page offsets) touches. */
static uint64_t chunk_mask(uint64_t lo, uint64_t hi)
{
    unsigned first = (unsigned)(lo >> 6), last = (unsigned)((hi - 1) >> 6);
    uint64_t upto_last = last >= 63 ? ~(uint64_t)0 : ((uint64_t)1 << (last + 1)) - 1;
    return upto_last & ~(((uint64_t)1 << first) - 1);
}

struct bb_jit {
    bb_machine *machine;
    const bb_backend *backend;
    void *backend_state;
    bb_tb *hash[HASH_SIZE];
    bb_tb *tbs; /* pool of MAX_TBS */
    int n_tbs;
    code_page *pages[PAGE_HASH_SIZE];
    bb_ir_block blk; /* scratch block for translation */
    bool flush_requested;
    bb_jit_stats stats;
    bb_ir_helper *helpers; /* the guest's helpers, then the engine's */
};

static uint32_t tb_hash(uint32_t pc, uint32_t flags)
{
    uint32_t h = pc * 0x9e3779b1u ^ flags * 0x85ebca6bu;
    return h >> (32 - HASH_BITS);
}

bb_jit *bb_jit_new(bb_machine *m, bb_jit_kind kind)
{
    bb_jit *jit = calloc(1, sizeof(*jit));
    if (!jit) return NULL;
    jit->tbs = calloc(MAX_TBS, sizeof(bb_tb));
    if (!jit->tbs) {
        free(jit);
        return NULL;
    }
    jit->machine = m;
    jit->backend = kind == BB_JIT_INTERP ? &bb_backend_interp : &bb_backend_x86_64;
    bb_ir_block_init(&jit->blk);
    return jit;
}

static void free_pages(bb_jit *jit)
{
    for (unsigned i = 0; i < PAGE_HASH_SIZE; i++) {
        code_page *p = jit->pages[i];
        while (p) {
            code_page *next = p->next;
            bb_bus_mark_code_page(jit->machine->bus, p->page, false);
            free(p);
            p = next;
        }
        jit->pages[i] = NULL;
    }
}

void bb_jit_free(bb_jit *jit)
{
    if (!jit) return;
    for (int i = 0; i < jit->n_tbs; i++)
        free(jit->tbs[i].ir);
    free_pages(jit);
    if (jit->backend->destroy) jit->backend->destroy(jit);
    bb_ir_block_free(&jit->blk);
    free(jit->helpers);
    free(jit->tbs);
    free(jit);
}

const bb_backend *bb_jit_backend(bb_jit *jit)
{
    return jit->backend;
}

void *bb_jit_backend_state(bb_jit *jit)
{
    return jit->backend_state;
}

void bb_jit_set_backend_state(bb_jit *jit, void *state)
{
    jit->backend_state = state;
}

bb_jit_stats bb_jit_get_stats(const bb_jit *jit)
{
    return jit->stats;
}

static void clear_jmp_caches(bb_jit *jit)
{
    bb_machine *m = jit->machine;
    for (int i = 0; i < m->n_cpus; i++)
        memset(m->cpus[i]->jmp_cache, 0, sizeof(bb_tb *) * BB_JMP_CACHE_SIZE);
}

void bb_tb_flush_all(bb_jit *jit)
{
    for (int i = 0; i < jit->n_tbs; i++)
        free(jit->tbs[i].ir);
    memset(jit->tbs, 0, sizeof(bb_tb) * (size_t)jit->n_tbs);
    jit->n_tbs = 0;
    memset(jit->hash, 0, sizeof(jit->hash));
    free_pages(jit);
    clear_jmp_caches(jit);
    jit->backend->flush(jit);
    jit->flush_requested = false;
    jit->stats.flushes++;
}

void bb_jit_request_flush(bb_jit *jit)
{
    jit->flush_requested = true;
}

/* Notes a flush of every translation and why, for --log exec. */
static void log_flush(bb_jit *jit, const char *why)
{
    bb_log *log = &jit->machine->log;
    if (bb_log_on(log, BB_LOG_EXEC))
        bb_log_printf(log, BB_LOG_EXEC, "flushing all %d translated blocks: %s", jit->n_tbs, why);
}

bool bb_jit_flush_if_requested(bb_jit *jit)
{
    if (!jit->flush_requested) return false;
    log_flush(jit, "requested (mapping or code changed)");
    bb_tb_flush_all(jit);
    return true;
}

static code_page *find_page(bb_jit *jit, uint64_t page, bool create)
{
    unsigned h = (unsigned)(page >> BB_PAGE_BITS) & (PAGE_HASH_SIZE - 1);
    for (code_page *p = jit->pages[h]; p; p = p->next)
        if (p->page == page) return p;
    if (!create) return NULL;
    code_page *p = calloc(1, sizeof(*p));
    if (!p) return NULL;
    p->page = page;
    p->next = jit->pages[h];
    jit->pages[h] = p;
    return p;
}

static void drop_page(bb_jit *jit, uint64_t page)
{
    unsigned h = (unsigned)(page >> BB_PAGE_BITS) & (PAGE_HASH_SIZE - 1);
    for (code_page **pp = &jit->pages[h]; *pp; pp = &(*pp)->next) {
        if ((*pp)->page == page) {
            code_page *dead = *pp;
            *pp = dead->next;
            free(dead);
            return;
        }
    }
}

/* Sets or clears the "code" flag on every TLB write tag of every CPU that maps `page`. */
static void mark_tlb_code(bb_jit *jit, uint64_t page, bool has_code)
{
    bb_machine *m = jit->machine;
    for (int c = 0; c < m->n_cpus; c++) {
        bb_cpu *cpu = m->cpus[c];
        for (int mmu = 0; mmu < BB_MMU_MODES; mmu++) {
            for (unsigned i = 0; i < BB_TLB_SIZE; i++) {
                bb_tlb_entry *e = &cpu->tlb[mmu][i];
                if (e->tag_write == BB_TLB_INVALID || e->phys != page) continue;
                if (has_code)
                    e->tag_write |= BB_TLB_CODE;
                else
                    e->tag_write &= ~BB_TLB_CODE;
            }
        }
    }
}

static void add_to_page(bb_jit *jit, bb_tb *tb, int index)
{
    uint64_t page = tb->phys_pages[index];
    code_page *p = find_page(jit, page, true);
    if (!p) return;
    if (!p->first) {
        bb_bus_mark_code_page(jit->machine->bus, page, true);
        mark_tlb_code(jit, page, true);
    }
    tb->page_next[index] = p->first;
    p->first = tb;
    p->chunks |= chunk_mask(tb->page_lo[index], tb->page_hi[index]);
}

static int page_index_of(const bb_tb *tb, uint64_t page)
{
    for (int i = 0; i < tb->n_pages; i++)
        if (tb->phys_pages[i] == page) return i;
    return -1;
}

static void remove_from_page(bb_jit *jit, bb_tb *tb, int index)
{
    uint64_t page = tb->phys_pages[index];
    code_page *p = find_page(jit, page, false);
    if (!p) return;
    bb_tb **link = &p->first;
    while (*link && *link != tb) {
        bb_tb *cur = *link;
        link = &cur->page_next[page_index_of(cur, page)];
    }
    if (*link == tb) *link = tb->page_next[index];
    if (!p->first) {
        bb_bus_mark_code_page(jit->machine->bus, page, false);
        mark_tlb_code(jit, page, false);
        drop_page(jit, page);
    }
}

static void remove_from_hash(bb_jit *jit, bb_tb *tb)
{
    for (bb_tb **link = &jit->hash[tb_hash(tb->pc, tb->flags)]; *link; link = &(*link)->hash_next) {
        if (*link == tb) {
            *link = tb->hash_next;
            return;
        }
    }
}

/* Removes (from, slot) from the list of jumps into `to`. */
static void remove_incoming(bb_tb *to, bb_tb *from, int slot)
{
    uintptr_t wanted = (uintptr_t)from | (uintptr_t)slot;
    uintptr_t *link = &to->jump_from_first;
    while (*link) {
        bb_tb *src = (bb_tb *)(*link & ~(uintptr_t)3);
        int src_slot = (int)(*link & 3);
        if (*link == wanted) {
            *link = src->jump_from_next[src_slot];
            return;
        }
        link = &src->jump_from_next[src_slot];
    }
}

static void unlink_slot(bb_jit *jit, bb_tb *from, int slot)
{
    bb_tb *to = from->jump_to[slot];
    if (!to) return;
    remove_incoming(to, from, slot);
    jit->backend->unlink(from, slot);
    from->jump_to[slot] = NULL;
}

static void invalidate_tb(bb_jit *jit, bb_tb *tb)
{
    if (!tb->valid) return;
    tb->valid = false;
    remove_from_hash(jit, tb);
    for (int s = 0; s < 2; s++)
        unlink_slot(jit, tb, s);
    while (tb->jump_from_first) {
        bb_tb *src = (bb_tb *)(tb->jump_from_first & ~(uintptr_t)3);
        unlink_slot(jit, src, (int)(tb->jump_from_first & 3));
    }
    bb_machine *m = jit->machine;
    for (int c = 0; c < m->n_cpus; c++) {
        bb_tb **slot = &m->cpus[c]->jmp_cache[bb_jmp_cache_hash(tb->pc)];
        if (*slot == tb) *slot = NULL;
    }
    for (int i = 0; i < tb->n_pages; i++)
        remove_from_page(jit, tb, i);
    jit->stats.invalidated++;
}

/* Whether the TB's code on `page` (its index-th page) overlaps [phys, phys + len). */
static bool overlaps(const bb_tb *tb, int index, uint64_t page, uint64_t phys, uint64_t len)
{
    return phys < page + tb->page_hi[index] && phys + len > page + tb->page_lo[index];
}

void bb_tb_invalidate_phys(bb_jit *jit, uint64_t phys, uint64_t len)
{
    uint64_t first = phys & ~(uint64_t)(BB_PAGE_SIZE - 1);
    for (uint64_t page = first; page < phys + len; page += BB_PAGE_SIZE) {
        code_page *p = find_page(jit, page, false);
        if (!p) continue;
        uint64_t lo = phys > page ? phys - page : 0;
        uint64_t hi = phys + len - page < BB_PAGE_SIZE ? phys + len - page : BB_PAGE_SIZE;
        if (!(p->chunks & chunk_mask(lo, hi))) continue; /* data beside the code */
        bb_tb *tb = p->first;
        while (tb) {
            int index = page_index_of(tb, page);
            bb_tb *next = index >= 0 ? tb->page_next[index] : NULL;
            if (index < 0 || overlaps(tb, index, page, phys, len))
                invalidate_tb(jit, tb); /* frees p when it was the page's last TB */
            tb = next;
        }
    }
}

void bb_tb_link(bb_cpu *cpu, bb_tb *from, int slot, bb_tb *to)
{
    bb_jit *jit = cpu->jit;
    if (!from->valid || !to->valid || to->transient || from->jump_to[slot] ||
        (to->flags & BB_TB_FLAG_SINGLE))
        return;
    from->jump_to[slot] = to;
    from->jump_from_next[slot] = to->jump_from_first;
    to->jump_from_first = (uintptr_t)from | (uintptr_t)slot;
    jit->backend->link(from, slot, to);
    jit->stats.chained++;
}

static bb_tb *lookup(bb_jit *jit, uint32_t pc, uint32_t flags)
{
    for (bb_tb *tb = jit->hash[tb_hash(pc, flags)]; tb; tb = tb->hash_next)
        if (tb->pc == pc && tb->flags == flags) return tb;
    return NULL;
}

/* The virtual range [*start, *end) the block's guest code lies in: from its first
 * instruction to 4 bytes past its last (superblocks only follow forward branches). */
static void code_range(const bb_ir_block *blk, uint32_t *start, uint32_t *end)
{
    uint32_t last = blk->pc;
    for (int i = 0; i < blk->n_insns; i++)
        if (blk->insns[i].op == BB_IR_INSN_START && blk->insns[i].imm > last)
            last = blk->insns[i].imm;
    *start = blk->pc;
    *end = last + 4 > last ? last + 4 : 0xffffffffu;
}

/* The physical pages of the block's guest code (the front-end recorded virtual pages) and
 * the bytes of each that the code covers. */
static void record_pages(bb_cpu *cpu, bb_tb *tb, const bb_ir_block *blk, uint32_t start,
                         uint32_t end)
{
    tb->n_pages = 0;
    for (int i = 0; i < blk->n_guest_pages; i++) {
        bb_phys_result r;
        uint32_t vpage = blk->guest_pages[i];
        if (!cpu->ops->translate_address(cpu, vpage, BB_ACCESS_EXEC, 0, false, vpage, &r) &&
            !cpu->ops->translate_address(cpu, vpage, BB_ACCESS_READ, 0, false, vpage, &r))
            continue;
        uint64_t vpage_end = (uint64_t)vpage + BB_PAGE_SIZE;
        uint32_t lo = start > vpage ? start - vpage : 0;
        uint64_t hi = end < vpage_end ? end - vpage : BB_PAGE_SIZE;
        if (lo >= hi) { /* cannot happen for a page the code touches: cover it all */
            lo = 0;
            hi = BB_PAGE_SIZE;
        }
        tb->phys_pages[tb->n_pages] = r.phys & ~(uint64_t)(BB_PAGE_SIZE - 1);
        tb->page_lo[tb->n_pages] = (uint16_t)lo;
        tb->page_hi[tb->n_pages] = (uint16_t)hi;
        tb->n_pages++;
    }
}

/* The helper table of generated code: the guest's helpers, then the engine's. */
static const bb_ir_helper *helper_table(bb_jit *jit, const bb_cpu *cpu)
{
    if (jit->helpers) return jit->helpers;
    unsigned n = cpu->ops->n_helpers;
    jit->helpers = malloc(sizeof(bb_ir_helper) * (n + BB_H_ENGINE_COUNT));
    if (!jit->helpers) return NULL;
    memcpy(jit->helpers, cpu->ops->helpers, sizeof(bb_ir_helper) * n);
    memcpy(jit->helpers + n, bb_engine_helpers, sizeof(bb_engine_helpers));
    return jit->helpers;
}

static bb_tb *translate(bb_cpu *cpu, uint32_t pc, uint32_t flags)
{
    bb_jit *jit = cpu->jit;
    if (jit->n_tbs == MAX_TBS) {
        log_flush(jit, "block table full");
        bb_tb_flush_all(jit);
    }
    bb_ir_block *blk = &jit->blk;
    bb_ir_block_reset(blk, pc, flags);
    blk->helpers = helper_table(jit, cpu);
    if (!blk->helpers) return NULL;
    cpu->ops->translate(cpu, blk);
    bb_ir_finish(blk);
    uint32_t code_start, code_end;
    code_range(blk, &code_start, &code_end);
    bb_machine *m = jit->machine;
    if (bb_log_on(&m->log, BB_LOG_EXEC)) {
        bb_log_printf(&m->log, BB_LOG_EXEC, "translated block pc=0x%08x flags=0x%x (%u insns)", pc,
                      flags, blk->n_guest_insns);
    }
    bb_ir_optimize(blk);
    if (bb_log_on(&m->log, BB_LOG_IR)) bb_ir_dump(blk, m->log.out ? m->log.out : stderr);

    bb_tb *tb = &jit->tbs[jit->n_tbs];
    memset(tb, 0, sizeof(*tb));
    tb->pc = pc;
    tb->flags = flags;
    tb->n_guest_insns = blk->n_guest_insns;
    tb->helpers = blk->helpers;
    tb->exit_pc[0] = tb->exit_pc[1] = BB_TB_NO_JUMP;
    for (int i = 0; i < blk->n_insns; i++)
        if (blk->insns[i].op == BB_IR_EXIT_JUMP && blk->insns[i].aux < 2)
            tb->exit_pc[blk->insns[i].aux] = blk->insns[i].imm;
    if (!jit->backend->generate(jit, tb, blk)) {
        /* Out of code space: start afresh and translate into the empty cache. */
        log_flush(jit, "code buffer full");
        bb_tb_flush_all(jit);
        tb = &jit->tbs[0];
        memset(tb, 0, sizeof(*tb));
        tb->pc = pc;
        tb->flags = flags;
        tb->n_guest_insns = blk->n_guest_insns;
        tb->helpers = blk->helpers;
        tb->exit_pc[0] = tb->exit_pc[1] = BB_TB_NO_JUMP;
        if (!jit->backend->generate(jit, tb, blk)) return NULL;
    }
    jit->n_tbs++;
    tb->valid = true;
    jit->stats.translated++;
    if (blk->transient) {
        /* Translated again each time it is reached, so that the code is fetched anew
         * once the guest has mapped it: keeping it would mean finding it stale then. */
        tb->transient = true;
        return tb;
    }
    record_pages(cpu, tb, blk, code_start, code_end);
    for (int i = 0; i < tb->n_pages; i++)
        add_to_page(jit, tb, i);
    uint32_t h = tb_hash(pc, flags);
    tb->hash_next = jit->hash[h];
    jit->hash[h] = tb;
    return tb;
}

bb_tb *bb_tb_find_or_translate(bb_cpu *cpu, uint32_t pc, uint32_t flags)
{
    bb_tb *tb = lookup(cpu->jit, pc, flags);
    return tb ? tb : translate(cpu, pc, flags);
}
