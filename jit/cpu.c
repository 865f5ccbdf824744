/*
 * cpu.c: the engine's side of a guest CPU: TLB fill and flushes, the load/store slow
 * paths (TLB misses, MMIO, misaligned accesses, stores into translated code), code fetch
 * for the translator, debug memory access, and leaving generated code.
 */
#include "jit/cpu.h"

#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "jit/instrument.h"
#include "jit/tb.h"

bool bb_cpu_init(bb_cpu *cpu, bb_machine *m, int index, const bb_guest_ops *ops)
{
    cpu->jmp_cache = calloc(BB_JMP_CACHE_SIZE, sizeof(bb_tb *));
    if (!cpu->jmp_cache) return false;
    cpu->index = index;
    cpu->machine = m;
    cpu->bus = m->bus;
    cpu->ops = ops;
    bb_cpu_tlb_flush(cpu);
    return true;
}

void bb_cpu_cleanup(bb_cpu *cpu)
{
    free(cpu->jmp_cache);
    cpu->jmp_cache = NULL;
}

uint64_t bb_cpu_icount(const bb_cpu *cpu)
{
    if (!cpu->in_slice) return cpu->icount;
    int64_t done =
        (int64_t)cpu->slice_budget - cpu->budget - cpu->stolen - cpu->refund - cpu->insns_left;
    return cpu->icount + (uint64_t)(done > 0 ? done : 0);
}

void bb_cpu_exit_request(bb_cpu *cpu)
{
    if (!cpu->in_slice) return;
    cpu->exit_requested = true;
    cpu->stolen += cpu->budget;
    cpu->budget = 0;
}

void bb_cpu_unwind(bb_cpu *cpu)
{
    siglongjmp(cpu->exit_jmp, 1);
}

void bb_cpu_tlb_flush(bb_cpu *cpu)
{
    memset(cpu->tlb, 0xff, sizeof(cpu->tlb));
}

void bb_cpu_tlb_flush_page(bb_cpu *cpu, uint32_t vaddr)
{
    uint32_t index = (vaddr >> BB_PAGE_BITS) & (BB_TLB_SIZE - 1);
    for (int mmu = 0; mmu < BB_MMU_MODES; mmu++)
        memset(&cpu->tlb[mmu][index], 0xff, sizeof(bb_tlb_entry));
}

void bb_cpu_flush_translations(bb_cpu *cpu)
{
    bb_jit_request_flush(cpu->jit);
    bb_cpu_exit_request(cpu);
}

static bb_attrs attrs_for(const bb_cpu *cpu, int mmu_idx, bool debug)
{
    bb_attrs a = {(uint8_t)cpu->index, (uint8_t)(mmu_idx == 0), (uint8_t)debug, 0};
    return a;
}

static bool entry_matches(const bb_tlb_entry *e, uint32_t tag, uint32_t vaddr)
{
    return tag != BB_TLB_INVALID && (tag & BB_TLB_PAGE_MASK) == (vaddr & BB_TLB_PAGE_MASK) &&
           e->phys != ~(uint64_t)0;
}

/* Translates vaddr for an access, raising the guest fault (and unwinding) if it fails.
 * Caches the page in the TLB when it can; returns the physical address. */
static uint64_t fill(bb_cpu *cpu, uint32_t vaddr, int access, int mmu_idx, uint32_t pc)
{
    bb_phys_result r;
    if (!cpu->ops->translate_address(cpu, vaddr, access, mmu_idx, true, pc, &r)) bb_cpu_unwind(cpu);
    if (r.page_size < BB_PAGE_SIZE) return r.phys; /* tiny pages are not cached */
    bb_tlb_entry *e = &cpu->tlb[mmu_idx][(vaddr >> BB_PAGE_BITS) & (BB_TLB_SIZE - 1)];
    uint32_t vpage = vaddr & BB_TLB_PAGE_MASK;
    uint64_t ppage = r.phys & ~(uint64_t)(BB_PAGE_SIZE - 1);
    uint64_t contiguous = 0;
    bool is_rom = false;
    uint8_t *host = bb_bus_host_ptr(cpu->bus, ppage, &contiguous, &is_rom);
    e->tag_read = (r.prot & BB_PROT_READ) ? vpage : BB_TLB_INVALID;
    e->tag_write = (r.prot & BB_PROT_WRITE) ? vpage : BB_TLB_INVALID;
    e->tag_code = (r.prot & BB_PROT_EXEC) ? vpage : BB_TLB_INVALID;
    e->phys = ppage;
    if (cpu->machine->instrument && bb_instrument_page_is_watched(cpu->machine, vpage)) {
        /* Memory hooks watch this page: every access takes the slow path. */
        if (e->tag_read != BB_TLB_INVALID) e->tag_read |= BB_TLB_MMIO;
        if (e->tag_write != BB_TLB_INVALID) e->tag_write |= BB_TLB_MMIO;
    }
    if (host && contiguous >= BB_PAGE_SIZE) {
        e->addend = (uintptr_t)host - vpage;
        if (e->tag_write != BB_TLB_INVALID) {
            if (is_rom)
                e->tag_write |= BB_TLB_MMIO;
            else if (bb_bus_is_code_page(cpu->bus, ppage))
                e->tag_write |= BB_TLB_CODE;
        }
    } else {
        e->addend = 0;
        if (e->tag_read != BB_TLB_INVALID) e->tag_read |= BB_TLB_MMIO;
        if (e->tag_write != BB_TLB_INVALID) e->tag_write |= BB_TLB_MMIO;
        if (e->tag_code != BB_TLB_INVALID) e->tag_code |= BB_TLB_MMIO;
    }
    return r.phys;
}

/* An access the bus answered with an error: the guest's bus fault, if it has one. */
static void bus_fault(bb_cpu *cpu, uint32_t vaddr, int access, uint32_t pc)
{
    if (!cpu->ops->bus_error) return;
    cpu->ops->bus_error(cpu, vaddr, access, pc);
    bb_cpu_unwind(cpu);
}

/* One aligned access of `size` bytes through the TLB (filling it as needed). */
static uint32_t load_aligned(bb_cpu *cpu, uint32_t vaddr, unsigned size, int mmu_idx, uint32_t pc)
{
    bb_tlb_entry *e = &cpu->tlb[mmu_idx][(vaddr >> BB_PAGE_BITS) & (BB_TLB_SIZE - 1)];
    uint64_t phys;
    if (!entry_matches(e, e->tag_read, vaddr)) {
        phys = fill(cpu, vaddr, BB_ACCESS_READ, mmu_idx, pc);
        if (!entry_matches(e, e->tag_read, vaddr)) goto bus; /* not cacheable */
    }
    if (!(e->tag_read & BB_TLB_MMIO)) {
        uint32_t v = 0;
        memcpy(&v, (const void *)(e->addend + vaddr), size);
        return v;
    }
    phys = e->phys | (vaddr & (BB_PAGE_SIZE - 1));
bus:;
    uint64_t value = 0;
    if (bb_bus_read(cpu->bus, phys, size, &value, attrs_for(cpu, mmu_idx, false)) == BB_BUS_ERROR)
        bus_fault(cpu, vaddr, BB_ACCESS_READ, pc);
    return (uint32_t)value;
}

static void store_aligned(bb_cpu *cpu, uint32_t vaddr, unsigned size, uint32_t value, int mmu_idx,
                          uint32_t pc)
{
    bb_tlb_entry *e = &cpu->tlb[mmu_idx][(vaddr >> BB_PAGE_BITS) & (BB_TLB_SIZE - 1)];
    uint64_t phys;
    if (!entry_matches(e, e->tag_write, vaddr)) {
        phys = fill(cpu, vaddr, BB_ACCESS_WRITE, mmu_idx, pc);
        if (!entry_matches(e, e->tag_write, vaddr)) goto bus;
    }
    phys = e->phys | (vaddr & (BB_PAGE_SIZE - 1));
    if (e->tag_write & BB_TLB_CODE) {
        bb_tb_invalidate_phys(cpu->jit, phys, size);
        if (!bb_bus_is_code_page(cpu->bus, e->phys)) e->tag_write &= ~BB_TLB_CODE;
    }
    if (!(e->tag_write & BB_TLB_MMIO)) {
        memcpy((void *)(e->addend + vaddr), &value, size);
        return;
    }
bus:
    if (bb_bus_write(cpu->bus, phys, size, value, attrs_for(cpu, mmu_idx, false)) == BB_BUS_ERROR)
        bus_fault(cpu, vaddr, BB_ACCESS_WRITE, pc);
}

static uint32_t extend(uint32_t value, unsigned aux)
{
    if (!(aux & BB_IR_MEM_SIGNED)) return value;
    if (BB_IR_MEM_SIZE(aux) == 1) return (uint32_t)(int32_t)(int8_t)value;
    if (BB_IR_MEM_SIZE(aux) == 2) return (uint32_t)(int32_t)(int16_t)value;
    return value;
}

uint32_t bb_cpu_load_slow(bb_cpu *cpu, uint32_t vaddr, uint64_t site)
{
    uint32_t pc = (uint32_t)site;
    unsigned aux = (unsigned)(site >> 48) & 0xff;
    unsigned size = BB_IR_MEM_SIZE(aux);
    int mmu_idx = (int)BB_IR_MEM_MMU(aux);
    uint32_t value;
    cpu->insns_left = (uint32_t)(site >> 32) & 0xffff;
    cpu->slow_site = site;
    cpu->access_pc = pc;
    uint64_t hooked = 0;
    if (cpu->machine->instrument && bb_instrument_mem_access(cpu, vaddr, size, false, &hooked)) {
        value = (uint32_t)hooked;
    } else if ((vaddr & (size - 1)) == 0) {
        value = load_aligned(cpu, vaddr, size, mmu_idx, pc);
    } else if (cpu->ops->misaligned && cpu->ops->misaligned(cpu, vaddr, BB_ACCESS_READ, size, pc)) {
        bb_cpu_unwind(cpu);
    } else if (cpu->unaligned_mode == BB_UNALIGNED_ARMV5 && size == 4) {
        uint32_t word = load_aligned(cpu, vaddr & ~3u, 4, mmu_idx, pc);
        unsigned rot = (vaddr & 3) * 8;
        value = (word >> rot) | (word << (32 - rot));
    } else {
        value = 0;
        for (unsigned i = 0; i < size; i++)
            value |= load_aligned(cpu, vaddr + i, 1, mmu_idx, pc) << (8 * i);
    }
    if (cpu->machine->instrument) bb_instrument_mem_done(cpu, vaddr, size, false, value);
    cpu->insns_left = 0;
    return extend(value, aux);
}

void bb_cpu_store_slow(bb_cpu *cpu, uint32_t vaddr, uint32_t value, uint64_t site)
{
    uint32_t pc = (uint32_t)site;
    unsigned aux = (unsigned)(site >> 48) & 0xff;
    unsigned size = BB_IR_MEM_SIZE(aux);
    int mmu_idx = (int)BB_IR_MEM_MMU(aux);
    cpu->insns_left = (uint32_t)(site >> 32) & 0xffff;
    cpu->slow_site = site;
    cpu->access_pc = pc;
    if (size < 4) value &= (1u << (8 * size)) - 1;
    if (cpu->machine->instrument) {
        uint64_t altered = value;
        if (bb_instrument_mem_access(cpu, vaddr, size, true, &altered)) {
            cpu->insns_left = 0;
            return;
        }
        value = (uint32_t)altered;
        if (size < 4) value &= (1u << (8 * size)) - 1;
    }
    if ((vaddr & (size - 1)) == 0) {
        store_aligned(cpu, vaddr, size, value, mmu_idx, pc);
    } else if (cpu->ops->misaligned &&
               cpu->ops->misaligned(cpu, vaddr, BB_ACCESS_WRITE, size, pc)) {
        bb_cpu_unwind(cpu);
    } else if (cpu->unaligned_mode == BB_UNALIGNED_ARMV5 && size == 4) {
        store_aligned(cpu, vaddr & ~3u, 4, value, mmu_idx, pc);
    } else {
        for (unsigned i = 0; i < size; i++)
            store_aligned(cpu, vaddr + i, 1, (value >> (8 * i)) & 0xff, mmu_idx, pc);
    }
    if (cpu->machine->instrument) bb_instrument_mem_done(cpu, vaddr, size, true, value);
    cpu->insns_left = 0;
}

bool bb_cpu_fetch(bb_cpu *cpu, uint32_t vaddr, unsigned size, int mmu_idx, uint32_t *value)
{
    bb_phys_result r;
    if (!cpu->ops->translate_address(cpu, vaddr, BB_ACCESS_EXEC, mmu_idx, false, vaddr, &r))
        return false;
    uint64_t contiguous = 0;
    bool is_rom;
    uint8_t *host = bb_bus_host_ptr(cpu->bus, r.phys, &contiguous, &is_rom);
    if (host && contiguous >= size) {
        uint32_t v = 0;
        memcpy(&v, host, size);
        *value = v;
        return true;
    }
    uint64_t v = 0;
    bb_attrs attrs = attrs_for(cpu, mmu_idx, true);
    if (bb_bus_read(cpu->bus, r.phys, size, &v, attrs) != BB_BUS_OK) return false;
    *value = (uint32_t)v;
    return true;
}

int bb_cpu_reg_find(const bb_cpu *cpu, const char *name)
{
    for (int i = 0; i < cpu->ops->n_regs; i++)
        if (strcmp(cpu->ops->regs[i].name, name) == 0) return i;
    /* rN for any register whose number is N in the first 16 (ARM's r13-r15). */
    if (name[0] == 'r' && name[1] >= '0' && name[1] <= '9') {
        char *end;
        long n = strtol(name + 1, &end, 10);
        if (*end == 0 && n >= 0 && n < 16 && n < cpu->ops->n_regs) return (int)n;
    }
    return -1;
}

bool bb_cpu_debug_rw(bb_cpu *cpu, uint32_t vaddr, void *buf, uint32_t len, bool write)
{
    uint8_t *bytes = buf;
    while (len) {
        uint32_t in_page = BB_PAGE_SIZE - (vaddr & (BB_PAGE_SIZE - 1));
        uint32_t chunk = len < in_page ? len : in_page;
        bb_phys_result r;
        if (!cpu->ops->translate_address(cpu, vaddr, write ? BB_ACCESS_WRITE : BB_ACCESS_READ, 0,
                                         false, vaddr, &r))
            return false;
        if (r.page_size < BB_PAGE_SIZE) {
            uint32_t in_sub = r.page_size - (vaddr & (r.page_size - 1));
            if (chunk > in_sub) chunk = in_sub;
        }
        if (bb_bus_copy(cpu->bus, r.phys, bytes, chunk, write) != BB_BUS_OK) return false;
        vaddr += chunk;
        bytes += chunk;
        len -= chunk;
    }
    return true;
}
