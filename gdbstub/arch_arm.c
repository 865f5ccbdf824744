/*
 * arch_arm.c: ARM (A32/Thumb) for gdb. The target description has gdb's standard
 * features: org.gnu.gdb.arm.core (r0-r12, sp, lr, pc as registers 0-15 and cpsr as 25,
 * the numbering gdb has always used for ARM), org.gnu.gdb.arm.vfp (d0-d15 or d0-d31 and
 * fpscr) and org.gnu.gdb.arm.neon when the CPU has them, and org.brassboard.arm.system
 * (spsr, in the "system" group) for debugging exception handlers.
 *
 * Registers are read and written through the guest's register interface (by name), except
 * the PC: gdb writes the PC before the CPSR when it changes the instruction set (`jump` to
 * Thumb code), so the PC is kept as written and aligned for the CPSR's T bit only when
 * the guest resumes.
 */
#include "gdbstub/arch.h"

#include <stdlib.h>
#include <string.h>

#include "jit/arm/cpu.h"

enum { REG_PC = 15, REG_CPSR = 25, REG_D0 = 26 };

static const char core[] = "org.gnu.gdb.arm.core";
static const char vfp[] = "org.gnu.gdb.arm.vfp";

static const bb_gdb_reg core_regs[] = {
    {core, "r0", 32, 0, NULL, "general"},          {core, "r1", 32, 1, NULL, "general"},
    {core, "r2", 32, 2, NULL, "general"},          {core, "r3", 32, 3, NULL, "general"},
    {core, "r4", 32, 4, NULL, "general"},          {core, "r5", 32, 5, NULL, "general"},
    {core, "r6", 32, 6, NULL, "general"},          {core, "r7", 32, 7, NULL, "general"},
    {core, "r8", 32, 8, NULL, "general"},          {core, "r9", 32, 9, NULL, "general"},
    {core, "r10", 32, 10, NULL, "general"},        {core, "r11", 32, 11, NULL, "general"},
    {core, "r12", 32, 12, NULL, "general"},        {core, "sp", 32, 13, "data_ptr", "general"},
    {core, "lr", 32, 14, NULL, "general"},         {core, "pc", 32, REG_PC, "code_ptr", "general"},
    {core, "cpsr", 32, REG_CPSR, NULL, "general"},
};

static const char *const double_names[32] = {
    "d0",  "d1",  "d2",  "d3",  "d4",  "d5",  "d6",  "d7",  "d8",  "d9",  "d10",
    "d11", "d12", "d13", "d14", "d15", "d16", "d17", "d18", "d19", "d20", "d21",
    "d22", "d23", "d24", "d25", "d26", "d27", "d28", "d29", "d30", "d31",
};

/* The VFP register file of this CPU: 0, 16 or 32 double registers. */
static unsigned n_double_regs(bb_cpu *cpu)
{
    bb_arm_cpu *c = arm_cpu(cpu);
    if (!arm_has(c, ARM_FEATURE_VFP) || bb_cpu_reg_find(cpu, "d0") < 0) return 0;
    if (arm_has(c, ARM_FEATURE_VFP_D32) && bb_cpu_reg_find(cpu, "d31") >= 0) return 32;
    return 16;
}

static const char *const quad_names[16] = {
    "q0", "q1", "q2",  "q3",  "q4",  "q5",  "q6",  "q7",
    "q8", "q9", "q10", "q11", "q12", "q13", "q14", "q15",
};

static bool has_neon(bb_cpu *cpu, unsigned nd)
{
    return nd == 32 && arm_has(arm_cpu(cpu), ARM_FEATURE_NEON);
}

/* Numbers after cpsr: d0-dN, fpscr, q0-q15 (NEON), then spsr. */
static unsigned fpscr_regnum(unsigned nd)
{
    return REG_D0 + nd;
}

static unsigned q0_regnum(unsigned nd)
{
    return REG_D0 + nd + 1;
}

static unsigned spsr_regnum(bb_cpu *cpu, unsigned nd)
{
    if (!nd) return REG_D0;
    return has_neon(cpu, nd) ? q0_regnum(nd) + 16 : REG_D0 + nd + 1;
}

static int arm_registers(bb_cpu *cpu, bb_gdb_reg *out, int max)
{
    unsigned nd = n_double_regs(cpu);
    int n = 0;
    for (size_t i = 0; i < sizeof(core_regs) / sizeof(core_regs[0]) && n < max; i++)
        out[n++] = core_regs[i];
    for (unsigned i = 0; i < nd && n < max; i++)
        out[n++] = (bb_gdb_reg){vfp, double_names[i], 64, REG_D0 + i, "ieee_double", "float"};
    if (nd && n < max) out[n++] = (bb_gdb_reg){vfp, "fpscr", 32, fpscr_regnum(nd), NULL, "float"};
    /* gdb 13 does not make the quad registers from an empty neon feature as documented:
     * they are given as registers of their own (each is a pair of double registers). */
    for (unsigned i = 0; has_neon(cpu, nd) && i < 16 && n < max; i++)
        out[n++] = (bb_gdb_reg){"org.gnu.gdb.arm.neon", quad_names[i], 128,
                                q0_regnum(nd) + i,      "uint128",     "vector"};
    if (n < max)
        out[n++] = (bb_gdb_reg){"org.brassboard.arm.system", "spsr", 32,
                                spsr_regnum(cpu, nd),        NULL,   "system"};
    return n;
}

/* The guest register that gdb's `regnum` is, or -1; *is_pc for the PC. A quad register
 * is the first of its two double registers (*is_quad). */
static int guest_reg(bb_cpu *cpu, unsigned regnum, bool *is_pc, bool *is_quad)
{
    *is_pc = regnum == REG_PC;
    *is_quad = false;
    if (regnum < REG_PC) return (int)regnum;
    if (regnum == REG_PC) return 15;
    if (regnum == REG_CPSR) return bb_cpu_reg_find(cpu, "cpsr");
    unsigned nd = n_double_regs(cpu);
    if (regnum >= REG_D0 && regnum < REG_D0 + nd)
        return bb_cpu_reg_find(cpu, double_names[regnum - REG_D0]);
    if (nd && regnum == fpscr_regnum(nd)) return bb_cpu_reg_find(cpu, "fpscr");
    if (has_neon(cpu, nd) && regnum >= q0_regnum(nd) && regnum < q0_regnum(nd) + 16) {
        *is_quad = true;
        return bb_cpu_reg_find(cpu, double_names[2 * (regnum - q0_regnum(nd))]);
    }
    if (regnum == spsr_regnum(cpu, nd)) return bb_cpu_reg_find(cpu, "spsr");
    return -1;
}

static unsigned reg_bytes(bb_cpu *cpu, int n)
{
    return cpu->ops->regs[n].bits / 8;
}

static uint64_t get_bytes(const uint8_t *buf, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)buf[i] << (8 * i);
    return v;
}

static void put_bytes(uint8_t *buf, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        buf[i] = (uint8_t)(v >> (8 * i));
}

/* The high half of a quad register whose low half is guest register `low` (d2n). */
static int quad_high(bb_cpu *cpu, int low)
{
    int d = atoi(cpu->ops->regs[low].name + 1);
    return d >= 0 && d < 31 ? bb_cpu_reg_find(cpu, double_names[d + 1]) : -1;
}

static bool arm_reg_read(bb_cpu *cpu, unsigned regnum, uint8_t *buf)
{
    bool is_pc, is_quad;
    int n = guest_reg(cpu, regnum, &is_pc, &is_quad);
    int high = is_quad && n >= 0 ? quad_high(cpu, n) : 0;
    if (n < 0 || high < 0) return false;
    if (is_pc) {
        put_bytes(buf, cpu->pc, 4);
    } else if (is_quad) { /* Qn is D2n (low half) and D2n+1 */
        put_bytes(buf, cpu->ops->reg_read(cpu, n), 8);
        put_bytes(buf + 8, cpu->ops->reg_read(cpu, high), 8);
    } else {
        put_bytes(buf, cpu->ops->reg_read(cpu, n), reg_bytes(cpu, n));
    }
    return true;
}

static bool arm_reg_write(bb_cpu *cpu, unsigned regnum, const uint8_t *buf)
{
    bool is_pc, is_quad;
    int n = guest_reg(cpu, regnum, &is_pc, &is_quad);
    int high = is_quad && n >= 0 ? quad_high(cpu, n) : 0;
    if (n < 0 || high < 0) return false;
    if (is_pc) {
        cpu->pc = (uint32_t)get_bytes(buf, 4) & ~1u; /* aligned for the T bit at resume */
    } else if (is_quad) {
        cpu->ops->reg_write(cpu, n, get_bytes(buf, 8));
        cpu->ops->reg_write(cpu, high, get_bytes(buf + 8, 8));
    } else {
        cpu->ops->reg_write(cpu, n, get_bytes(buf, reg_bytes(cpu, n)));
    }
    return true;
}

static bool arm_breakpoint_kind_ok(unsigned kind)
{
    return kind == 2 || kind == 3 || kind == 4;
}

static void arm_prepare_resume(bb_cpu *cpu)
{
    if (!(arm_cpu(cpu)->cpsr_ctl & ARM_CPSR_T)) cpu->pc &= ~3u;
}

static const int arm_expedite[] = {11, 13, 14, REG_PC, REG_CPSR, -1};

const bb_gdb_arch bb_gdb_arch_arm = {
    .guest = "arm",
    .architecture = "arm",
    .registers = arm_registers,
    .reg_read = arm_reg_read,
    .reg_write = arm_reg_write,
    .breakpoint_kind_ok = arm_breakpoint_kind_ok,
    .prepare_resume = arm_prepare_resume,
    .expedite = arm_expedite,
};
