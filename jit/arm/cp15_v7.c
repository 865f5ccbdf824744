/*
 * cp15_v7.c: the ARMv7 system control coprocessor of the Cortex-A9 (and the ThumbEE and
 * debug-ID registers of CP14): identification, SCTLR/ACTLR/CPACR, the translation
 * registers, fault status and address, cache and branch-predictor maintenance (no-ops:
 * there is no cache model), barriers, VA-to-PA translation, TLB maintenance, a minimal
 * performance monitor with a cycle counter on virtual time, memory attribute remap,
 * VBAR, the context and thread ID registers, and CBAR.
 *
 * No security extensions are modelled (as QEMU's vexpress-a9 by default): the CPU is
 * always in the Secure PL1/PL0 state of an implementation without TrustZone, so SCR,
 * NSACR, MVBAR and SMC are undefined and Linux boots in SVC mode.
 */
#include "jit/arm/v7.h"

#include "core/machine.h"

/* Identification of a Cortex-A9 r0p0 (TRM values; ID_PFR1 without the security
 * extensions). */
#define A9_CTR      0x83338003u
#define A9_ID_PFR0  0x00001031u
#define A9_ID_PFR1  0x00000001u
#define A9_ID_DFR0  0x00010444u
#define A9_ID_MMFR0 0x00100103u
#define A9_ID_MMFR1 0x20000000u
#define A9_ID_MMFR2 0x01230000u
#define A9_ID_MMFR3 0x00102111u
#define A9_ID_ISAR0 0x00101111u
#define A9_ID_ISAR1 0x13112111u
#define A9_ID_ISAR2 0x21232041u
#define A9_ID_ISAR3 0x11112131u
#define A9_ID_ISAR4 0x00111142u
#define A9_CLIDR    0x09200003u /* L1 I and D; LoUIS 1, LoC 1 */
#define A9_CCSIDR_D 0xe00fe019u /* 32 KiB, 4-way, 32-byte lines */
#define A9_CCSIDR_I 0x200fe019u
#define A9_PMCR_ID  0x41093000u /* implementer 'A', ID 0x09, 6 event counters */

/* SCTLR: bits software can change, and the ones that read as one. */
#define SCTLR_WRITABLE 0x72007c07u /* M A C SW Z I V RR EE TRE AFE TE */
#define SCTLR_FIXED    0x00c50078u
#define SCTLR_RESET    0x00c50078u
#define SCTLR_M        (1u << 0)
#define SCTLR_MAPPING  (SCTLR_M | (1u << 28) | (1u << 29)) /* M, TRE, AFE */
#define ACTLR_WRITABLE 0x000003ffu /* FW, L2 prefetch, L1 prefetch, WFLZ, SMP, ... */
#define CPACR_WRITABLE 0xc0f00000u /* ASEDIS, D32DIS, cp11, cp10 */

#define PMCR_E        (1u << 0)
#define PMCR_C        (1u << 2)
#define PMCR_WRITABLE 0x3fu
#define PMCNT_CYCLE   (1u << 31)

typedef struct cp_reg {
    unsigned cp, crn, crm, opc1, opc2;
} cp_reg;

static cp_reg decode(uint32_t insn)
{
    cp_reg r = {(insn >> 8) & 15, (insn >> 16) & 15, insn & 15, (insn >> 21) & 7, (insn >> 5) & 7};
    return r;
}

static bool is_user(const bb_arm_cpu *c)
{
    return (c->cpsr_ctl & ARM_CPSR_MODE) == ARM_MODE_USR;
}

/* ---- reset and block-key bits ---- */

void arm_v7_reset(bb_arm_cpu *c)
{
    c->cp15.control = SCTLR_RESET;
    c->cp15.actlr = 0;
    c->cp15.cpacr = 0;
    c->cp15.pmcr = A9_PMCR_ID;
    c->cp15.nmrr = 0;
    c->cp15.prrr = 0;
    arm_vfp_reset(c);
    arm_v7_tlb_reset(c);
}

uint32_t arm_v7_tb_flags(bb_arm_cpu *c, bool user)
{
    uint32_t flags = 0;
    uint32_t cp10 = (c->cp15.cpacr >> 20) & 3;
    bool access = user ? cp10 == 3 : (cp10 & 1) != 0;
    if (access && (c->features & ARM_FEATURE_VFP)) {
        flags |= ARM_TBF_VFP_ACCESS;
        if (c->vfp.fpexc & ARM_FPEXC_EN) flags |= ARM_TBF_VFP_EN;
    }
    if (user) flags |= arm_v7_user_space_key(c) << ARM_TBF_SPACE_SHIFT;
    return flags;
}

/* ---- performance monitor ---- */

static bool cycle_counter_running(const bb_arm_cpu *c)
{
    return (c->cp15.pmcr & PMCR_E) && (c->cp15.pmcnten & PMCNT_CYCLE);
}

static uint64_t virtual_ns(bb_arm_cpu *c)
{
    return bb_clock_now(c->base.machine->clock);
}

static uint32_t pmccntr_read(bb_arm_cpu *c)
{
    if (!cycle_counter_running(c)) return c->cp15.pmccntr_value;
    return (uint32_t)(virtual_ns(c) - c->cp15.pmccntr_base);
}

static void pmccntr_write(bb_arm_cpu *c, uint32_t value)
{
    c->cp15.pmccntr_value = value;
    c->cp15.pmccntr_base = virtual_ns(c) - value;
}

/* Applies a change of PMCR or PMCNTEN: the cycle counter keeps its value across. */
static void pmu_update(bb_arm_cpu *c, uint32_t pmcr, uint32_t pmcnten)
{
    uint32_t cycles = pmccntr_read(c);
    if (pmcr & PMCR_C) cycles = 0;
    c->cp15.pmcr = A9_PMCR_ID | (pmcr & PMCR_WRITABLE & ~PMCR_C & ~2u);
    c->cp15.pmcnten = pmcnten & (PMCNT_CYCLE | 0x3fu);
    pmccntr_write(c, cycles);
}

/* PMU registers (c9, c12-c14). User access needs PMUSERENR.EN (except PMUSERENR). */
static bool pmu_read(bb_arm_cpu *c, cp_reg r, uint32_t *value)
{
    if (is_user(c) && !(c->cp15.pmuserenr & 1) && !(r.crm == 14 && r.opc2 == 0)) return false;
    switch (r.crm << 4 | r.opc2) {
    case 0xc0: *value = c->cp15.pmcr; return true;
    case 0xc1:
    case 0xc2: *value = c->cp15.pmcnten; return true;
    case 0xc3: *value = c->cp15.pmovsr; return true;
    case 0xc5: *value = c->cp15.pmselr; return true;
    case 0xd0: *value = pmccntr_read(c); return true;
    case 0xd1:
    case 0xd2: *value = 0; return true; /* event counters are not modelled */
    case 0xe0: *value = c->cp15.pmuserenr; return true;
    case 0xe1:
    case 0xe2: *value = c->cp15.pmintenset; return true;
    }
    return false;
}

static bool pmu_write(bb_arm_cpu *c, cp_reg r, uint32_t value)
{
    if (is_user(c) && (!(c->cp15.pmuserenr & 1) || (r.crm == 14))) return false;
    switch (r.crm << 4 | r.opc2) {
    case 0xc0: pmu_update(c, value, c->cp15.pmcnten); return true;
    case 0xc1: pmu_update(c, c->cp15.pmcr, c->cp15.pmcnten | value); return true;
    case 0xc2: pmu_update(c, c->cp15.pmcr, c->cp15.pmcnten & ~value); return true;
    case 0xc3: c->cp15.pmovsr &= ~value; return true;
    case 0xc4: return true; /* software increment */
    case 0xc5: c->cp15.pmselr = value & 31; return true;
    case 0xd0: pmccntr_write(c, value); return true;
    case 0xd1:
    case 0xd2: return true;
    case 0xe0: c->cp15.pmuserenr = value & 1; return true;
    case 0xe1: c->cp15.pmintenset |= value & (PMCNT_CYCLE | 0x3fu); return true;
    case 0xe2: c->cp15.pmintenset &= ~value; return true;
    }
    return false;
}

/* ---- identification (c0) ---- */

static bool id_read(bb_arm_cpu *c, cp_reg r, uint32_t *value)
{
    static const uint32_t features[2][8] = {
        {A9_ID_PFR0, A9_ID_PFR1, A9_ID_DFR0, 0, A9_ID_MMFR0, A9_ID_MMFR1, A9_ID_MMFR2, A9_ID_MMFR3},
        {A9_ID_ISAR0, A9_ID_ISAR1, A9_ID_ISAR2, A9_ID_ISAR3, A9_ID_ISAR4, 0, 0, 0},
    };
    if (r.opc1 == 0) {
        switch (r.crm) {
        case 0:
            switch (r.opc2) {
            case 1: *value = A9_CTR; return true;
            case 2: *value = 0; return true; /* TCMTR: no TCM */
            case 3: *value = 0; return true; /* TLBTR: unified TLB */
            case 5: *value = c->mpidr; return true;
            default: *value = c->cpu_id; return true; /* MIDR and its aliases */
            }
        case 1:
        case 2: *value = features[r.crm - 1][r.opc2]; return true;
        default:
            if (r.crm < 8) {
                *value = 0; /* reserved feature ID space reads as zero */
                return true;
            }
            return false;
        }
    }
    if (r.opc1 == 1 && r.crm == 0) {
        switch (r.opc2) {
        case 0:
            *value = c->cp15.csselr == 0 ? A9_CCSIDR_D : c->cp15.csselr == 1 ? A9_CCSIDR_I : 0;
            return true;
        case 1: *value = A9_CLIDR; return true;
        case 7: *value = 0; return true; /* AIDR */
        }
        return false;
    }
    if (r.opc1 == 2 && r.crm == 0 && r.opc2 == 0) {
        *value = c->cp15.csselr;
        return true;
    }
    return false;
}

/* ---- c7: caches, barriers, VA to PA ---- */

/* ATS1C{PR,PW,UR,UW}: a stage 1 translation into PAR, without faulting. */
static void translate_to_par(bb_arm_cpu *c, uint32_t va, unsigned op)
{
    bb_phys_result out;
    uint32_t status = 0;
    int access = (op & 1) ? BB_ACCESS_WRITE : BB_ACCESS_READ;
    int mmu_idx = op >= 2 ? ARM_MMU_USER : ARM_MMU_PRIV;
    if (arm_v7_mmu_translate(c, va, access, mmu_idx, &out, &status)) {
        /* Supersections give PA[31:24] with bits 23-12 zero (PA[39:32] = 0) and SS (bit
         * 1) set, as QEMU reports them; no memory attributes. */
        bool super = out.page_size >= 0x1000000u;
        c->cp15.par = ((uint32_t)out.phys & (super ? 0xff000000u : 0xfffff000u)) | (super ? 2u : 0);
    } else {
        uint32_t fs = (status & 0xf) | ((status >> 6) & 0x10);
        c->cp15.par = 1u | fs << 1;
    }
}

/* MCR to c7. Cache and branch predictor operations do nothing (no cache model; writes to
 * translated code are caught per page by the engine). */
static bool c7_write(bb_arm_cpu *c, cp_reg r, uint32_t value)
{
    if (r.opc1 != 0) return false;
    bool user = is_user(c);
    switch (r.crm << 4 | r.opc2) {
    case 0x04: /* CP15 WFI (v6 encoding): a NOP on v7 */
    case 0x54: /* CP15ISB */
    case 0xa4: /* CP15DSB */
    case 0xa5: /* CP15DMB */ return true;
    case 0x40:
        if (user) return false;
        c->cp15.par = value;
        return true;
    case 0x80:
    case 0x81:
    case 0x82:
    case 0x83:
        if (user) return false;
        translate_to_par(c, value, r.opc2);
        return true;
    }
    if (user) return false;
    switch (r.crm) {
    case 1:  /* ICIALLUIS, BPIALLIS */
    case 5:  /* ICIALLU, ICIMVAU, BPIALL, BPIMVA */
    case 6:  /* DCIMVAC, DCISW */
    case 10: /* DCCMVAC, DCCSW */
    case 11: /* DCCMVAU */
    case 14: /* DCCIMVAC, DCCISW */ return true;
    }
    return false;
}

/* ---- c8: TLB maintenance ---- */

static bool c8_write(bb_arm_cpu *c, cp_reg r, uint32_t value)
{
    if (r.opc1 != 0 || is_user(c)) return false;
    bool broadcast;
    switch (r.crm) {
    case 3: broadcast = true; break;  /* inner shareable: every core */
    case 5:                           /* instruction TLB */
    case 6:                           /* data TLB */
    case 7: broadcast = false; break; /* unified */
    default: return false;
    }
    switch (r.opc2) {
    case 0: arm_v7_tlbi(c, ARM_TLBI_ALL, 0, broadcast); return true;
    case 1: arm_v7_tlbi(c, ARM_TLBI_MVA, value, broadcast); return true;
    case 2: arm_v7_tlbi(c, ARM_TLBI_ASID, value, broadcast); return true;
    case 3: arm_v7_tlbi(c, ARM_TLBI_MVA_ALL_ASID, value, broadcast); return true;
    }
    return false;
}

/* ---- the register file ---- */

static bool c13_read(bb_arm_cpu *c, cp_reg r, uint32_t *value)
{
    if (r.opc1 != 0 || r.crm != 0) return false;
    bool user = is_user(c);
    switch (r.opc2) {
    case 0: *value = 0; return !user; /* FCSEIDR: no FCSE */
    case 1: *value = c->cp15.context_id; return !user;
    case 2: *value = c->cp15.tpidrurw; return true;
    case 3: *value = c->cp15.tpidruro; return true;
    case 4: *value = c->cp15.tpidrprw; return !user;
    }
    return false;
}

static bool c13_write(bb_arm_cpu *c, cp_reg r, uint32_t value)
{
    if (r.opc1 != 0 || r.crm != 0) return false;
    bool user = is_user(c);
    if (r.opc2 == 2) {
        c->cp15.tpidrurw = value;
        return true;
    }
    if (user) return false;
    switch (r.opc2) {
    case 0: return true;
    case 1: {
        uint32_t old = c->cp15.context_id;
        c->cp15.context_id = value;
        if ((old ^ value) & 0xff) arm_v7_asid_changed(c);
        return true;
    }
    case 3: c->cp15.tpidruro = value; return true;
    case 4: c->cp15.tpidrprw = value; return true;
    }
    return false;
}

static bool cp15_read(bb_arm_cpu *c, cp_reg r, uint32_t *value)
{
    if (r.crn == 13) return c13_read(c, r, value);
    if (r.crn == 9 && r.opc1 == 0 && r.crm >= 12) return pmu_read(c, r, value);
    if (is_user(c)) return false;
    uint32_t sel = r.opc1 << 8 | r.crm << 4 | r.opc2;
    switch (r.crn) {
    case 0: return id_read(c, r, value);
    case 1:
        switch (sel) {
        case 0x000: *value = c->cp15.control; return true;
        case 0x001: *value = c->cp15.actlr; return true;
        case 0x002: *value = c->cp15.cpacr; return true;
        }
        return false;
    case 2:
        switch (sel) {
        case 0x000: *value = c->cp15.ttbr; return true;
        case 0x001: *value = c->cp15.ttbr1; return true;
        case 0x002: *value = c->cp15.ttbcr; return true;
        }
        return false;
    case 3:
        if (sel != 0) return false;
        *value = c->cp15.dacr;
        return true;
    case 5:
        switch (sel) {
        case 0x000: *value = c->cp15.dfsr; return true;
        case 0x001: *value = c->cp15.ifsr; return true;
        case 0x010:
        case 0x011: *value = 0; return true; /* ADFSR, AIFSR */
        }
        return false;
    case 6:
        switch (sel) {
        case 0x000: *value = c->cp15.far; return true;
        case 0x002: *value = c->cp15.ifar; return true;
        }
        return false;
    case 7:
        if (sel != 0x040) return false;
        *value = c->cp15.par;
        return true;
    case 9: /* L2/TLB lockdown-like registers of c9 below the PMU */ *value = 0; return r.crm <= 1;
    case 10:
        switch (sel) {
        case 0x020: *value = c->cp15.prrr; return true;
        case 0x021: *value = c->cp15.nmrr; return true;
        case 0x000:
        case 0x001: *value = 0; return true; /* TLB lockdown */
        }
        return false;
    case 12:
        if (sel != 0) return false;
        *value = c->cp15.vbar;
        return true;
    case 15: /* implementation defined: power control, diagnostics, CBAR */
        *value = (r.opc1 == 4 && r.crm == 0 && r.opc2 == 0) ? c->cbar : 0;
        return true;
    }
    return false;
}

static void sctlr_write(bb_arm_cpu *c, uint32_t value)
{
    uint32_t old = c->cp15.control;
    c->cp15.control = (value & SCTLR_WRITABLE) | SCTLR_FIXED;
    if ((old ^ c->cp15.control) & SCTLR_MAPPING) arm_v7_mapping_changed(c, true);
}

static bool cp15_write(bb_arm_cpu *c, cp_reg r, uint32_t value)
{
    if (r.crn == 13) return c13_write(c, r, value);
    if (r.crn == 9 && r.opc1 == 0 && r.crm >= 12) return pmu_write(c, r, value);
    if (r.crn == 7) return c7_write(c, r, value);
    if (is_user(c)) return false;
    uint32_t sel = r.opc1 << 8 | r.crm << 4 | r.opc2;
    switch (r.crn) {
    case 0:
        if (sel != 0x200) return false;
        c->cp15.csselr = value & 15;
        return true;
    case 1:
        switch (sel) {
        case 0x000: sctlr_write(c, value); return true;
        case 0x001: c->cp15.actlr = value & ACTLR_WRITABLE; return true;
        case 0x002:
            c->cp15.cpacr = value & CPACR_WRITABLE;
            arm_update_tb_flags(c);
            return true;
        }
        return false;
    case 2:
        switch (sel) {
        case 0x000:
            c->cp15.ttbr = value;
            arm_v7_mapping_changed(c, false);
            return true;
        case 0x001:
            c->cp15.ttbr1 = value;
            arm_v7_mapping_changed(c, true);
            return true;
        case 0x002:
            c->cp15.ttbcr = value & 0x37u; /* N, PD0, PD1 */
            arm_v7_mapping_changed(c, true);
            return true;
        }
        return false;
    case 3:
        if (sel != 0) return false;
        arm_v7_dacr_write(c, value);
        return true;
    case 5:
        switch (sel) {
        case 0x000: c->cp15.dfsr = value; return true;
        case 0x001: c->cp15.ifsr = value; return true;
        case 0x010:
        case 0x011: return true;
        }
        return false;
    case 6:
        switch (sel) {
        case 0x000: c->cp15.far = value; return true;
        case 0x002: c->cp15.ifar = value; return true;
        }
        return false;
    case 8: return c8_write(c, r, value);
    case 9: return r.crm <= 1;
    case 10:
        switch (sel) {
        case 0x020: c->cp15.prrr = value; break;
        case 0x021: c->cp15.nmrr = value; break;
        case 0x000:
        case 0x001: return true;
        default: return false;
        }
        arm_v7_mapping_changed(c, false); /* memory types are cached in the TLB */
        return true;
    case 12:
        if (sel != 0) return false;
        c->cp15.vbar = value & ~31u;
        return true;
    case 15: return true;
    }
    return false;
}

/* CP14: the debug ID (no debug architecture: DBGDIDR reads as 0, so Linux leaves hardware
 * breakpoints alone) and ThumbEE's TEECR and TEEHBR. */
static bool cp14_read(bb_arm_cpu *c, cp_reg r, uint32_t *value)
{
    if (r.opc1 == 0 && r.crn == 0 && r.crm == 0 && r.opc2 == 0) {
        *value = 0;
        return true;
    }
    if (r.opc1 == 6 && r.crm == 0 && r.opc2 == 0 && (c->features & ARM_FEATURE_THUMBEE)) {
        if (r.crn == 0) {
            *value = c->cp15.teecr;
            return !is_user(c);
        }
        if (r.crn == 1) {
            *value = c->cp15.teehbr;
            return !is_user(c) || !(c->cp15.teecr & 1);
        }
    }
    return false;
}

static bool cp14_write(bb_arm_cpu *c, cp_reg r, uint32_t value)
{
    if (r.opc1 != 6 || r.crm != 0 || r.opc2 != 0 || !(c->features & ARM_FEATURE_THUMBEE))
        return false;
    if (r.crn == 0 && !is_user(c)) {
        c->cp15.teecr = value & 1;
        return true;
    }
    if (r.crn == 1 && (!is_user(c) || !(c->cp15.teecr & 1))) {
        c->cp15.teehbr = value;
        return true;
    }
    return false;
}

uint32_t arm_v7_cp_read(bb_arm_cpu *c, uint32_t insn, bool *ok)
{
    cp_reg r = decode(insn);
    uint32_t value = 0;
    if (r.cp == 15)
        *ok = cp15_read(c, r, &value);
    else if (r.cp == 14)
        *ok = cp14_read(c, r, &value);
    else
        *ok = false;
    return value;
}

void arm_v7_cp_write(bb_arm_cpu *c, uint32_t insn, uint32_t value, bool *ok)
{
    cp_reg r = decode(insn);
    if (r.cp == 15)
        *ok = cp15_write(c, r, value);
    else if (r.cp == 14)
        *ok = cp14_write(c, r, value);
    else
        *ok = false;
}
