/*
 * mmu_v7.c: the ARMv7 short-descriptor translation (VMSAv7 without LPAE, as on the
 * Cortex-A9): TTBR0/TTBR1 selected by TTBCR.N (with PD0/PD1), sections, supersections,
 * large and small pages, domains, AP[2:0] (and the simplified model with the access flag
 * when SCTLR.AFE is set), execute-never, and the v7 fault status encoding. Memory
 * attributes (TEX/C/B, TEX remap) only matter for a cache model, which there is none of.
 * Table walks read physical memory through the bus; an error there is an external abort
 * on the walk.
 */
#include "jit/arm/v7.h"

#include "core/machine.h"

#define SCTLR_M   (1u << 0)
#define SCTLR_AFE (1u << 29)

/* Fault status (FS[4] in bit 10, FS[3:0] in bits 3-0, domain in 7-4). */
enum {
    FS_ACCESS_FLAG_SECTION = 0x3,
    FS_TRANSLATION_SECTION = 0x5,
    FS_ACCESS_FLAG_PAGE = 0x6,
    FS_TRANSLATION_PAGE = 0x7,
    FS_DOMAIN_SECTION = 0x9,
    FS_DOMAIN_PAGE = 0xb,
    FS_WALK_EXTERNAL_L1 = 0xc,
    FS_PERMISSION_SECTION = 0xd,
    FS_WALK_EXTERNAL_L2 = 0xe,
    FS_PERMISSION_PAGE = 0xf,
};

/* What a descriptor says, in one form for sections and pages. */
typedef struct mapping {
    uint32_t phys;
    uint32_t size;
    unsigned domain;
    unsigned ap; /* AP[2:0] */
    bool xn, global, page;
} mapping;

static bool read_descriptor(bb_arm_cpu *c, uint32_t addr, uint32_t *value)
{
    uint64_t v = 0;
    bb_attrs attrs = {(uint8_t)c->base.index, 1, 0, 0};
    if (bb_bus_read(c->base.bus, addr, 4, &v, attrs) == BB_BUS_ERROR) return false;
    *value = (uint32_t)v;
    return true;
}

/* The first-level table entry address for vaddr, or false when the walk is disabled
 * (TTBCR.PD0/PD1): a translation fault. */
static bool first_level_address(const bb_arm_cpu *c, uint32_t vaddr, uint32_t *addr)
{
    unsigned n = c->cp15.ttbcr & 7;
    if (n == 0 || (vaddr >> (32 - n)) == 0) {
        if (c->cp15.ttbcr & (1u << 4)) return false;
        uint32_t base = c->cp15.ttbr & (0xffffffffu << (14 - n)); /* bits 31..14-N */
        *addr = base | (((vaddr << n) >> (n + 20)) << 2);
        return true;
    }
    if (c->cp15.ttbcr & (1u << 5)) return false;
    *addr = (c->cp15.ttbr1 & 0xffffc000u) | ((vaddr >> 20) << 2);
    return true;
}

/* Walks the tables; on failure sets the fault status. */
static bool walk(bb_arm_cpu *c, uint32_t vaddr, mapping *m, uint32_t *status)
{
    uint32_t l1_addr, l1;
    if (!first_level_address(c, vaddr, &l1_addr)) {
        *status = FS_TRANSLATION_SECTION;
        return false;
    }
    if (!read_descriptor(c, l1_addr, &l1)) {
        *status = FS_WALK_EXTERNAL_L1;
        return false;
    }
    m->domain = (l1 >> 5) & 15;
    switch (l1 & 3) {
    case 1: { /* second-level table */
        uint32_t l2;
        if (!read_descriptor(c, (l1 & 0xfffffc00u) | ((vaddr >> 10) & 0x3fcu), &l2)) {
            *status = FS_WALK_EXTERNAL_L2 | m->domain << 4;
            return false;
        }
        m->page = true;
        m->global = !(l2 & (1u << 11));
        m->ap = ((l2 >> 4) & 3) | ((l2 >> 7) & 4);
        if ((l2 & 3) == 0) {
            *status = FS_TRANSLATION_PAGE | m->domain << 4;
            return false;
        }
        if ((l2 & 3) == 1) { /* large page */
            m->phys = (l2 & 0xffff0000u) | (vaddr & 0xffffu);
            m->size = 0x10000;
            m->xn = l2 & (1u << 15);
        } else { /* small page */
            m->phys = (l2 & 0xfffff000u) | (vaddr & 0xfffu);
            m->size = 0x1000;
            m->xn = l2 & 1;
        }
        return true;
    }
    case 2:
        m->page = false;
        m->global = !(l1 & (1u << 17));
        m->ap = ((l1 >> 10) & 3) | ((l1 >> 13) & 4);
        m->xn = l1 & (1u << 4);
        if (l1 & (1u << 18)) { /* supersection: domain 0, 16 MiB */
            m->domain = 0;
            m->phys = (l1 & 0xff000000u) | (vaddr & 0x00ffffffu);
            m->size = 0x1000000;
        } else {
            m->phys = (l1 & 0xfff00000u) | (vaddr & 0x000fffffu);
            m->size = 0x100000;
        }
        return true;
    default: /* fault, or the PXN form that the Cortex-A9 does not implement */
        *status = FS_TRANSLATION_SECTION | m->domain << 4;
        return false;
    }
}

/* Read and write permission of AP[2:0] for a mode. */
static unsigned permissions(const bb_arm_cpu *c, unsigned ap, bool user)
{
    if (c->cp15.control & SCTLR_AFE) { /* AP[0] is the access flag */
        switch (ap >> 1) {
        case 0: return user ? 0 : BB_PROT_READ | BB_PROT_WRITE;
        case 1: return BB_PROT_READ | BB_PROT_WRITE;
        case 2: return user ? 0 : BB_PROT_READ;
        default: return BB_PROT_READ;
        }
    }
    switch (ap) {
    case 1: return user ? 0 : BB_PROT_READ | BB_PROT_WRITE;
    case 2: return user ? BB_PROT_READ : BB_PROT_READ | BB_PROT_WRITE;
    case 3: return BB_PROT_READ | BB_PROT_WRITE;
    case 5: return user ? 0 : BB_PROT_READ;
    case 6:
    case 7: return BB_PROT_READ;
    default: return 0; /* 0: no access, 4: reserved */
    }
}

static bool allowed(unsigned prot, int access)
{
    switch (access) {
    case BB_ACCESS_WRITE: return prot & BB_PROT_WRITE;
    case BB_ACCESS_EXEC: return prot & BB_PROT_EXEC;
    default: return prot & BB_PROT_READ;
    }
}

bool arm_v7_mmu_walk(bb_arm_cpu *c, uint32_t vaddr, int access, int mmu_idx, bb_phys_result *out,
                     uint32_t *fault_status, unsigned *domain, bool *global)
{
    *domain = 0;
    *global = true;
    if (!(c->cp15.control & SCTLR_M)) {
        out->phys = vaddr;
        out->page_size = 0x100000;
        out->prot = BB_PROT_READ | BB_PROT_WRITE | BB_PROT_EXEC;
        return true;
    }
    mapping m;
    if (!walk(c, vaddr, &m, fault_status)) return false;
    unsigned domain_access = (c->cp15.dacr >> (2 * m.domain)) & 3;
    if (domain_access == 0 || domain_access == 2) {
        *fault_status = (m.page ? FS_DOMAIN_PAGE : FS_DOMAIN_SECTION) | m.domain << 4;
        return false;
    }
    bool user = mmu_idx == ARM_MMU_USER;
    unsigned prot;
    if (domain_access == 3) {
        prot = BB_PROT_READ | BB_PROT_WRITE | BB_PROT_EXEC; /* manager: nothing checked */
    } else {
        if ((c->cp15.control & SCTLR_AFE) && !(m.ap & 1)) {
            *fault_status = (m.page ? FS_ACCESS_FLAG_PAGE : FS_ACCESS_FLAG_SECTION) | m.domain << 4;
            return false;
        }
        prot = permissions(c, m.ap, user);
        if ((prot & BB_PROT_READ) && !m.xn) prot |= BB_PROT_EXEC;
    }
    if (!allowed(prot, access)) {
        *fault_status = (m.page ? FS_PERMISSION_PAGE : FS_PERMISSION_SECTION) | m.domain << 4;
        return false;
    }
    out->phys = m.phys;
    out->page_size = m.size;
    out->prot = prot;
    *domain = m.domain;
    *global = m.global;
    return true;
}

bool arm_v7_mmu_translate(bb_arm_cpu *c, uint32_t vaddr, int access, int mmu_idx,
                          bb_phys_result *out, uint32_t *fault_status)
{
    unsigned domain;
    bool global;
    if (!arm_v7_mmu_walk(c, vaddr, access, mmu_idx, out, fault_status, &domain, &global))
        return false;
    if (c->cp15.control & SCTLR_M)
        arm_v7_book_mapping(c, vaddr, (uint32_t)out->phys, access, mmu_idx, domain, global);
    return true;
}
