/*
 * mmu_v7_spaces.c: how the v7 MMU keeps the soft TLB and the translation cache coherent
 * with the guest's page tables, ASIDs and domains, cheaply enough for Linux.
 *
 * Translated blocks are keyed by virtual PC and tb_flags. Privileged blocks come from the
 * kernel's global mappings and carry no ASID. User blocks carry an address-space key
 * (ARM_TBF_SPACE_*) that stands for the current ASID: a context switch only changes the
 * key, and the other processes' blocks stay cached for when they run again.
 *
 * Instruction fetches made while translating record their page: (virtual page, space,
 * physical page), the space being 0 for privileged code and ASID + 1 for user code, in a
 * table shared by the cores. TLB maintenance then costs what it must:
 *  - TLBIMVA/TLBIMVAA of a page without recorded code: nothing for translations;
 *  - of a page with code that still maps the same physical page executably (Linux flushes
 *    its text when it only changes permissions): nothing either;
 *  - of a kernel page that changed: the blocks translated from its physical page are
 *    invalidated (bb_tb_invalidate_phys);
 *  - of a user page that changed, and TLBIASID of an ASID whose code changed (exit) or
 *    is not current: the ASID gets a fresh key, so its old blocks are never entered again
 *    (they go at the next cache flush); other processes sharing the physical pages keep
 *    theirs. fork() write-protects data pages and flushes the ASID: code stays;
 *  - TLBIALL: every ASID with code gets a fresh key, kernel pages are checked as above;
 *  - TTBR1, TTBCR, SCTLR.M, a full record table, running out of keys, and a TTBR0 write
 *    after privileged code ran from non-global pages: every translation is discarded.
 *
 * The soft TLB is not tagged: it is flushed on ASID and TTBR0 changes. DACR writes (Linux
 * switches the user domain off and on around every user access: CONFIG_CPU_SW_DOMAIN_PAN)
 * only drop what became less accessible: privileged entries of domains that were reduced
 * before are remembered by page (up to 32) and dropped one by one; user entries are
 * checked against the DACR when user mode is entered, since only user mode uses them.
 * (LDRT/STRT from a privileged mode use the user entries as validated at the last entry
 * to user mode.)
 */
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "jit/arm/v7.h"
#include "jit/tb.h"

#define N_ASIDS       256
#define N_PAGES       (1u << 20) /* 4 KiB virtual pages */
#define MAX_KEY       0x7fffu
#define SCTLR_M       1u
#define NO_LIST       255
#define RECORDS       32768u /* code page records (a power of two) */
#define RECORDS_LIMIT (RECORDS * 3 / 4)
#define SPACE_DEAD    0xffffu /* a removed record (it keeps probe chains intact) */
#define PAGE_BYTES    4096u

typedef struct code_record {
    uint32_t vpage_plus1; /* 0: never used */
    uint32_t ppage;
    uint16_t space; /* 0: privileged; ASID + 1; SPACE_DEAD */
} code_record;

struct arm_spaces {
    uint16_t key[N_ASIDS];
    uint32_t next_key;
    uint32_t asid_code[N_ASIDS / 32]; /* ASIDs with translated user code under their key */
    bool any_code, priv_ng_code;      /* any code; privileged code from non-global pages */
    uint32_t priv_code[N_PAGES / 32]; /* virtual pages with translated privileged code */
    uint32_t user_code[N_PAGES / 32]; /* ... with translated user code (any ASID) */
    uint32_t used;                    /* records used (live or dead) */
    code_record records[RECORDS];
};

static bool bit_test(const uint32_t *map, uint32_t n)
{
    return (map[n >> 5] >> (n & 31)) & 1;
}

static void bit_set(uint32_t *map, uint32_t n)
{
    map[n >> 5] |= 1u << (n & 31);
}

static void bit_clear(uint32_t *map, uint32_t n)
{
    map[n >> 5] &= ~(1u << (n & 31));
}

static void spaces_init(arm_spaces *s)
{
    for (unsigned a = 0; a < N_ASIDS; a++)
        s->key[a] = (uint16_t)(a + 1);
    s->next_key = N_ASIDS + 1;
    memset(s->asid_code, 0, sizeof(s->asid_code));
    memset(s->priv_code, 0, sizeof(s->priv_code));
    memset(s->user_code, 0, sizeof(s->user_code));
    memset(s->records, 0, sizeof(s->records));
    s->used = 0;
    s->any_code = s->priv_ng_code = false;
}

bool arm_v7_spaces_attach(bb_arm_cpu *c)
{
    bb_machine *m = c->base.machine;
    if (c->base.index > 0 && m->n_cpus > 0 && m->cpus[0]) {
        bb_arm_cpu *first = arm_cpu(m->cpus[0]);
        if (first->spaces) {
            c->spaces = first->spaces;
            return true;
        }
    }
    c->spaces = malloc(sizeof(*c->spaces));
    if (!c->spaces) return false;
    spaces_init(c->spaces);
    c->owns_spaces = true;
    return true;
}

void arm_v7_spaces_release(bb_arm_cpu *c)
{
    if (c->owns_spaces) free(c->spaces);
    c->spaces = NULL;
    c->owns_spaces = false;
}

static uint32_t current_asid(const bb_arm_cpu *c)
{
    return c->cp15.context_id & 0xffu;
}

static bool user_mode(const bb_arm_cpu *c)
{
    return (c->cpsr_ctl & ARM_CPSR_MODE) == ARM_MODE_USR;
}

/* Calls fn on this core, or on every core of the machine. */
static void for_cores(bb_arm_cpu *c, bool all, void (*fn)(bb_arm_cpu *, uint32_t), uint32_t arg)
{
    if (!all) {
        fn(c, arg);
        return;
    }
    bb_machine *m = c->base.machine;
    for (int i = 0; i < m->n_cpus; i++)
        if (m->cpus[i]) fn(arm_cpu(m->cpus[i]), arg);
}

static void refresh_tb_flags(bb_arm_cpu *c, uint32_t unused)
{
    (void)unused;
    arm_update_tb_flags(c);
}

/* ---- code page records ---- */

static uint32_t record_slot(uint32_t vpage)
{
    return (vpage * 0x9e3779b1u) >> (32 - 15);
}

/* Calls fn on every live record of vpage. */
static void for_records(arm_spaces *s, uint32_t vpage,
                        void (*fn)(bb_arm_cpu *, code_record *, uint32_t), bb_arm_cpu *c,
                        uint32_t arg)
{
    for (uint32_t i = record_slot(vpage);; i = (i + 1) & (RECORDS - 1)) {
        code_record *r = &s->records[i];
        if (r->vpage_plus1 == 0) return;
        if (r->vpage_plus1 == vpage + 1 && r->space != SPACE_DEAD) fn(c, r, arg);
    }
}

static void flush_translations(bb_arm_cpu *c);

static void record_code(bb_arm_cpu *c, uint32_t vpage, uint32_t ppage, uint16_t space)
{
    arm_spaces *s = c->spaces;
    for (uint32_t i = record_slot(vpage);; i = (i + 1) & (RECORDS - 1)) {
        code_record *r = &s->records[i];
        if (r->vpage_plus1 == vpage + 1 && r->space == space) {
            r->ppage = ppage;
            return;
        }
        if (r->vpage_plus1 == 0) {
            if (s->used >= RECORDS_LIMIT) { /* full: start afresh */
                flush_translations(c);
                record_code(c, vpage, ppage, space);
                return;
            }
            r->vpage_plus1 = vpage + 1;
            r->ppage = ppage;
            r->space = space;
            s->used++;
            return;
        }
    }
}

/* The code of privileged record r may have changed: drop the blocks of its physical
 * page. */
static void drop_record(bb_arm_cpu *c, code_record *r)
{
    if (c->base.jit)
        bb_tb_invalidate_phys(c->base.jit, (uint64_t)r->ppage * PAGE_BYTES, PAGE_BYTES);
    r->space = SPACE_DEAD;
}

/* Whether the current address space still maps the record's page to the same physical
 * page, executable from user mode (a user record, with the DACR of user mode) or from a
 * privileged mode (a privileged one). Kernel code pages are flushed when only their permissions
 * change (Linux makes its text writable around code patching): their blocks stay valid. */
static bool maps_same(bb_arm_cpu *c, const code_record *r)
{
    bb_phys_result out;
    uint32_t status;
    unsigned domain;
    bool global;
    int mmu_idx = r->space == 0 ? ARM_MMU_PRIV : ARM_MMU_USER;
    /* User code runs under the DACR of user mode (a kernel may switch the user domain
     * off while it runs itself). */
    uint32_t dacr = c->cp15.dacr;
    if (r->space != 0) c->cp15.dacr = c->tlb_book.user_mode_dacr;
    bool same = arm_v7_mmu_walk(c, (r->vpage_plus1 - 1) * PAGE_BYTES, BB_ACCESS_EXEC, mmu_idx, &out,
                                &status, &domain, &global) &&
                (uint32_t)(out.phys / PAGE_BYTES) == r->ppage;
    c->cp15.dacr = dacr;
    return same;
}

static void rekey(bb_arm_cpu *c, uint32_t asid, bool force);

/* TLBIMVA (arg: ASID + 1) or TLBIMVAA (arg: 0) of the record's page. A changed user page
 * gives its ASID a fresh key (its physical page may hold the code of other processes,
 * whose blocks stay); a changed privileged page drops the blocks of its physical page. */
static void page_invalidated(bb_arm_cpu *c, code_record *r, uint32_t asid_plus1)
{
    if (r->space != 0 && asid_plus1 && r->space != asid_plus1) return;
    bool current = r->space == 0 || r->space == current_asid(c) + 1;
    if (current && (c->cp15.control & SCTLR_M) && maps_same(c, r)) return;
    if (r->space == 0)
        drop_record(c, r);
    else
        rekey(c, r->space - 1u, true);
}

/* ---- the soft TLB ---- */

static void book_reset(bb_arm_cpu *c)
{
    arm_tlb_book *b = &c->tlb_book;
    b->domains[ARM_MMU_PRIV] = b->domains[ARM_MMU_USER] = 0;
    b->n_volatile_pages = 0;
    b->user_dacr = c->cp15.dacr;
}

static void tlb_flush_all(bb_arm_cpu *c, uint32_t unused)
{
    (void)unused;
    bb_cpu_tlb_flush(&c->base);
    book_reset(c);
}

static void tlb_flush_page(bb_arm_cpu *c, uint32_t vaddr)
{
    bb_cpu_tlb_flush_page(&c->base, vaddr);
}

static void tlb_flush_table(bb_arm_cpu *c, int mmu_idx)
{
    memset(c->base.tlb[mmu_idx], 0xff, sizeof(c->base.tlb[mmu_idx]));
    c->tlb_book.domains[mmu_idx] = 0;
    if (mmu_idx == ARM_MMU_PRIV) c->tlb_book.n_volatile_pages = 0;
}

/* Domains whose access in `now` is less than in `before` (no access < client < manager). */
static uint32_t reduced_domains(uint32_t before, uint32_t now)
{
    static const unsigned rank[4] = {0, 1, 0, 2};
    uint32_t mask = 0;
    for (unsigned d = 0; d < 16; d++)
        if (rank[(now >> (2 * d)) & 3] < rank[(before >> (2 * d)) & 3]) mask |= 1u << d;
    return mask;
}

void arm_v7_dacr_write(bb_arm_cpu *c, uint32_t value)
{
    arm_tlb_book *b = &c->tlb_book;
    uint32_t reduced = c->cp15.dacr == value ? 0 : reduced_domains(c->cp15.dacr, value);
    c->cp15.dacr = value;
    if (!reduced) return;
    uint32_t hit = reduced & b->domains[ARM_MMU_PRIV];
    if (hit) {
        if ((hit & ~b->volatile_domains) || b->n_volatile_pages == NO_LIST) {
            tlb_flush_table(c, ARM_MMU_PRIV);
        } else {
            for (unsigned i = 0; i < b->n_volatile_pages; i++)
                bb_cpu_tlb_flush_page(&c->base, b->volatile_pages[i]);
            b->n_volatile_pages = 0;
            b->domains[ARM_MMU_PRIV] &= (uint16_t)~hit;
        }
    }
    b->volatile_domains |= (uint16_t)reduced;
}

void arm_v7_book_mapping(bb_arm_cpu *c, uint32_t vaddr, uint32_t phys, int access, int mmu_idx,
                         unsigned domain, bool global)
{
    arm_tlb_book *b = &c->tlb_book;
    b->domains[mmu_idx] |= (uint16_t)(1u << domain);
    if (mmu_idx == ARM_MMU_PRIV && (b->volatile_domains & (1u << domain)) &&
        b->n_volatile_pages != NO_LIST) {
        if (b->n_volatile_pages < 32)
            b->volatile_pages[b->n_volatile_pages++] = vaddr;
        else
            b->n_volatile_pages = NO_LIST;
    }
    if (access != BB_ACCESS_EXEC || !c->spaces) return;
    arm_spaces *s = c->spaces;
    s->any_code = true;
    uint32_t vpage = vaddr / PAGE_BYTES;
    /* Code is translated for the current mode (the engine also looks pages up with the
     * privileged index when it records a block's physical pages). */
    if (user_mode(c)) {
        bit_set(s->user_code, vpage);
        bit_set(s->asid_code, current_asid(c));
        record_code(c, vpage, phys / PAGE_BYTES, (uint16_t)(current_asid(c) + 1));
    } else {
        bit_set(s->priv_code, vpage);
        if (!global) s->priv_ng_code = true;
        record_code(c, vpage, phys / PAGE_BYTES, 0);
    }
}

uint32_t arm_v7_user_space_key(bb_arm_cpu *c)
{
    if (!(c->cp15.control & SCTLR_M) || !c->spaces) return 0;
    arm_tlb_book *b = &c->tlb_book;
    if (b->user_dacr != c->cp15.dacr) {
        if (reduced_domains(b->user_dacr, c->cp15.dacr) & b->domains[ARM_MMU_USER])
            tlb_flush_table(c, ARM_MMU_USER);
        b->user_dacr = c->cp15.dacr;
    }
    b->user_mode_dacr = c->cp15.dacr;
    return c->spaces->key[current_asid(c)];
}

/* ---- translations ---- */

/* Discards every translated block; starts the key and code bookkeeping afresh. */
static void flush_translations(bb_arm_cpu *c)
{
    if (c->base.jit) bb_cpu_flush_translations(&c->base);
    spaces_init(c->spaces);
    for_cores(c, true, refresh_tb_flags, 0);
}

/* The blocks of `asid` may be stale: a fresh key (if it has code, or when forced). */
static void rekey(bb_arm_cpu *c, uint32_t asid, bool force)
{
    arm_spaces *s = c->spaces;
    if (!force && !bit_test(s->asid_code, asid)) return;
    if (s->next_key > MAX_KEY) {
        flush_translations(c);
        return;
    }
    s->key[asid] = (uint16_t)s->next_key++;
    bit_clear(s->asid_code, asid);
    for (uint32_t i = 0; i < RECORDS; i++)
        if (s->records[i].space == asid + 1) s->records[i].space = SPACE_DEAD;
    for_cores(c, true, refresh_tb_flags, 0);
}

/* TLBIASID of the current ASID: a fresh key if a code page no longer maps as it did. */
static void revalidate_asid(bb_arm_cpu *c, uint32_t asid)
{
    arm_spaces *s = c->spaces;
    for (uint32_t i = 0; i < RECORDS; i++) {
        code_record *r = &s->records[i];
        if (r->space == asid + 1 && !maps_same(c, r)) {
            rekey(c, asid, true);
            return;
        }
    }
}

/* TLBIALL (Linux uses it on SMP for kernel range flushes too): privileged code pages
 * that still map as they did keep their blocks, the others drop theirs; every ASID with
 * user code gets a fresh key. */
static void revalidate_all(bb_arm_cpu *c)
{
    arm_spaces *s = c->spaces;
    for (uint32_t asid = 0; asid < N_ASIDS; asid++) {
        if (!bit_test(s->asid_code, asid)) continue;
        if (s->next_key > MAX_KEY) {
            flush_translations(c);
            return;
        }
        s->key[asid] = (uint16_t)s->next_key++;
    }
    memset(s->asid_code, 0, sizeof(s->asid_code));
    for (uint32_t i = 0; i < RECORDS; i++) {
        code_record *r = &s->records[i];
        if (r->space == SPACE_DEAD || r->vpage_plus1 == 0) continue;
        if (r->space != 0)
            r->space = SPACE_DEAD;
        else if (!maps_same(c, r))
            drop_record(c, r);
    }
    for_cores(c, true, refresh_tb_flags, 0);
}

void arm_v7_code_stale(bb_arm_cpu *c)
{
    if (!c->spaces)
        bb_cpu_flush_translations(&c->base);
    else if (user_mode(c) && (c->cp15.control & SCTLR_M))
        rekey(c, current_asid(c), true);
    else
        flush_translations(c);
}

void arm_v7_tlbi(bb_arm_cpu *c, arm_tlbi op, uint32_t arg, bool broadcast)
{
    arm_spaces *s = c->spaces;
    uint32_t page = arg / PAGE_BYTES, asid = arg & 0xffu;
    switch (op) {
    case ARM_TLBI_ALL:
        for_cores(c, broadcast, tlb_flush_all, 0);
        if (!s->any_code) return;
        if (c->cp15.control & SCTLR_M)
            revalidate_all(c);
        else
            flush_translations(c);
        return;
    case ARM_TLBI_ASID:
        for_cores(c, broadcast, tlb_flush_all, 0);
        if (!bit_test(s->asid_code, asid)) return;
        if (asid == current_asid(c) && (c->cp15.control & SCTLR_M))
            revalidate_asid(c, asid);
        else
            rekey(c, asid, false);
        return;
    case ARM_TLBI_MVA:
    case ARM_TLBI_MVA_ALL_ASID:
        for_cores(c, broadcast, tlb_flush_page, arg);
        if (bit_test(s->priv_code, page) || bit_test(s->user_code, page))
            for_records(s, page, page_invalidated, c, op == ARM_TLBI_MVA ? asid + 1 : 0);
        return;
    }
}

void arm_v7_mapping_changed(bb_arm_cpu *c, bool all)
{
    tlb_flush_all(c, 0);
    if (c->spaces && c->spaces->any_code && (all || c->spaces->priv_ng_code)) flush_translations(c);
    arm_update_tb_flags(c);
}

void arm_v7_asid_changed(bb_arm_cpu *c)
{
    tlb_flush_all(c, 0);
    arm_update_tb_flags(c);
}

void arm_v7_tlb_reset(bb_arm_cpu *c)
{
    c->tlb_book.volatile_domains = 0;
    book_reset(c);
    if (c->owns_spaces && c->spaces->any_code) flush_translations(c);
}
