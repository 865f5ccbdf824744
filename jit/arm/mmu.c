/*
 * mmu.c: the ARM926EJ-S MMU (ARMv5 short descriptors): the FCSE, the first-level table of
 * sections and second-level table pointers, coarse and fine tables of large, small and
 * tiny pages, domains (DACR) and access permissions (AP with the S and R bits).
 * Table walks read physical memory through the bus. ARMv7 CPUs use mmu_v7.c instead.
 */
#include "jit/arm/cpu.h"

#include "core/machine.h"
#include "jit/arm/v7.h"

#define CONTROL_M (1u << 0)
#define CONTROL_S (1u << 8)
#define CONTROL_R (1u << 9)

/* Fault status codes (FSR bits 3-0). */
enum {
    FSR_TRANSLATION_SECTION = 0x5,
    FSR_TRANSLATION_PAGE = 0x7,
    FSR_DOMAIN_SECTION = 0x9,
    FSR_DOMAIN_PAGE = 0xb,
    FSR_PERMISSION_SECTION = 0xd,
    FSR_PERMISSION_PAGE = 0xf,
};

static uint32_t read_descriptor(bb_arm_cpu *c, uint32_t addr)
{
    uint64_t value = 0;
    bb_attrs attrs = {(uint8_t)c->base.index, 1, 0, 0};
    bb_bus_read(c->base.bus, addr, 4, &value, attrs);
    return (uint32_t)value;
}

/* The access a mode may make to a page with permission bits ap. */
static unsigned permissions(const bb_arm_cpu *c, unsigned ap, bool user)
{
    switch (ap) {
    case 0: {
        bool s = c->cp15.control & CONTROL_S, r = c->cp15.control & CONTROL_R;
        if (s && !r) return user ? 0 : BB_PROT_READ;
        if (!s && r) return BB_PROT_READ;
        return 0;
    }
    case 1: return user ? 0 : BB_PROT_READ | BB_PROT_WRITE;
    case 2: return user ? BB_PROT_READ : BB_PROT_READ | BB_PROT_WRITE;
    default: return BB_PROT_READ | BB_PROT_WRITE;
    }
}

static bool allowed(unsigned prot, int access)
{
    if (access == BB_ACCESS_WRITE) return prot & BB_PROT_WRITE;
    return prot & BB_PROT_READ; /* ARMv5 has no execute-never: fetch needs read */
}

bool arm_mmu_translate(bb_arm_cpu *c, uint32_t vaddr, int access, int mmu_idx, bb_phys_result *out,
                       uint32_t *fault_status)
{
    if (c->features & ARM_FEATURE_V7)
        return arm_v7_mmu_translate(c, vaddr, access, mmu_idx, out, fault_status);
    if (vaddr < 0x02000000u) vaddr |= c->cp15.fcse_pid & 0xfe000000u;
    if (!(c->cp15.control & CONTROL_M)) {
        out->phys = vaddr;
        out->page_size = 0x100000;
        out->prot = BB_PROT_READ | BB_PROT_WRITE | BB_PROT_EXEC;
        return true;
    }
    bool user = mmu_idx == ARM_MMU_USER;
    uint32_t l1 = read_descriptor(c, (c->cp15.ttbr & 0xffffc000u) | ((vaddr >> 20) << 2));
    unsigned domain = (l1 >> 5) & 0xf;
    unsigned type = l1 & 3;
    if (type == 0) {
        *fault_status = FSR_TRANSLATION_SECTION | domain << 4;
        return false;
    }
    unsigned domain_access = (c->cp15.dacr >> (2 * domain)) & 3;
    uint32_t phys, page_size, ap;
    if (type == 2) { /* section */
        if (domain_access == 0 || domain_access == 2) {
            *fault_status = FSR_DOMAIN_SECTION | domain << 4;
            return false;
        }
        phys = (l1 & 0xfff00000u) | (vaddr & 0x000fffffu);
        page_size = 0x100000;
        ap = (l1 >> 10) & 3;
    } else {
        uint32_t l2_addr;
        if (type == 1)
            l2_addr = (l1 & 0xfffffc00u) | ((vaddr >> 10) & 0x3fc); /* coarse */
        else
            l2_addr = (l1 & 0xfffff000u) | ((vaddr >> 8) & 0xffc); /* fine */
        uint32_t l2 = read_descriptor(c, l2_addr);
        switch (l2 & 3) {
        case 1: /* large page, 64 KiB, four 16 KiB subpages */
            phys = (l2 & 0xffff0000u) | (vaddr & 0xffffu);
            page_size = 0x10000;
            ap = (l2 >> (4 + 2 * ((vaddr >> 14) & 3))) & 3;
            break;
        case 2: /* small page, 4 KiB, four 1 KiB subpages */
            phys = (l2 & 0xfffff000u) | (vaddr & 0xfffu);
            page_size = 0x1000;
            ap = (l2 >> (4 + 2 * ((vaddr >> 10) & 3))) & 3;
            /* Subpages with different permissions cannot share one TLB entry. */
            if (((l2 >> 4) & 0xff) != ((l2 >> 4) & 3) * 0x55) page_size = 0x400;
            break;
        case 3:
            if (type == 3) { /* tiny page, 1 KiB (fine tables only) */
                phys = (l2 & 0xfffffc00u) | (vaddr & 0x3ffu);
                page_size = 0x400;
                ap = (l2 >> 4) & 3;
                break;
            }
            /* a tiny-page descriptor in a coarse table is a fault */
            *fault_status = FSR_TRANSLATION_PAGE | domain << 4;
            return false;
        default: *fault_status = FSR_TRANSLATION_PAGE | domain << 4; return false;
        }
        if (domain_access == 0 || domain_access == 2) {
            *fault_status = FSR_DOMAIN_PAGE | domain << 4;
            return false;
        }
        /* Large pages with differing subpage permissions: cache only a subpage. */
        if (page_size == 0x10000 && ((l2 >> 4) & 0xff) != ((l2 >> 4) & 3) * 0x55)
            page_size = 0x4000;
    }
    unsigned prot = domain_access == 3 ? BB_PROT_READ | BB_PROT_WRITE : permissions(c, ap, user);
    if (!allowed(prot, access)) {
        *fault_status =
            (page_size >= 0x100000 ? FSR_PERMISSION_SECTION : FSR_PERMISSION_PAGE) | domain << 4;
        return false;
    }
    if (prot & BB_PROT_READ) prot |= BB_PROT_EXEC;
    out->phys = phys;
    out->page_size = page_size;
    out->prot = prot;
    return true;
}
