/*
 * cp15.c: the ARM926EJ-S system control coprocessor: ID and cache type, the control
 * register, translation table base, domain access control, fault status and address,
 * cache and TLB operations (cache operations are no-ops: there is no cache model; the
 * test-and-clean operations report a clean cache), wait for interrupt, the FCSE PID and
 * context ID. Changes to the address mapping flush the TLB and the translations.
 */
#include "jit/arm/cpu.h"

#include "core/machine.h"
#include "jit/instrument.h"

#define ARM926_CACHE_TYPE 0x1dd20d2u /* 16 KiB I and D caches, 4-way, 32-byte lines */
/* Control bits that software can change: M A C W S R I V RR L4 (B stays 0: little-endian). */
#define CONTROL_WRITABLE 0x0000f387u
#define CONTROL_FIXED    0x00050078u

typedef struct cp15_access {
    unsigned crn, crm, opc1, opc2;
} cp15_access;

static cp15_access decode(uint32_t insn)
{
    cp15_access a = {(insn >> 16) & 15, insn & 15, (insn >> 21) & 7, (insn >> 5) & 7};
    return a;
}

static void log_unknown(bb_arm_cpu *c, const char *what, cp15_access a, uint32_t pc)
{
    bb_log_printf(&c->base.machine->log, BB_LOG_UNIMP,
                  "cpu%d: %s of unknown cp15 register c%u, c%u, %u, %u at pc 0x%08x", c->base.index,
                  what, a.crn, a.crm, a.opc1, a.opc2, pc);
}

/* The address mapping changed: cached translations of addresses and code are stale. */
static void mapping_changed(bb_arm_cpu *c)
{
    bb_cpu_tlb_flush(&c->base);
    bb_cpu_flush_translations(&c->base);
}

uint32_t arm_cp15_read(bb_arm_cpu *c, uint32_t insn, uint32_t pc)
{
    cp15_access a = decode(insn);
    switch (a.crn) {
    case 0:
        if (a.opc2 == 1) return ARM926_CACHE_TYPE;
        if (a.opc2 == 2) return 0; /* no TCM */
        return c->cpu_id;
    case 1: return c->cp15.control;
    case 2: return c->cp15.ttbr;
    case 3: return c->cp15.dacr;
    case 5: return a.opc2 == 1 ? c->cp15.ifsr : c->cp15.dfsr;
    case 6: return c->cp15.far;
    case 7:
        /* Test and clean (c10, 3) and test, clean and invalidate (c14, 3): report "clean"
         * through the Z flag (read into r15 by the usual loop). */
        if (a.opc2 == 3 && (a.crm == 10 || a.crm == 14)) return 1u << 30;
        break;
    case 9: return c->cp15.cache_lockdown;
    case 10: return c->cp15.tlb_lockdown;
    case 13: return a.opc2 == 1 ? c->cp15.context_id : c->cp15.fcse_pid;
    case 15: return 0; /* test and debug registers */
    }
    log_unknown(c, "read", a, pc);
    return 0;
}

void arm_cp15_write(bb_arm_cpu *c, uint32_t insn, uint32_t value, uint32_t pc)
{
    cp15_access a = decode(insn);
    switch (a.crn) {
    case 1: {
        uint32_t old = c->cp15.control;
        c->cp15.control = (value & CONTROL_WRITABLE) | CONTROL_FIXED;
        /* M, S and R change the mapping or the permissions. */
        if ((old ^ c->cp15.control) & 0x301) mapping_changed(c);
        return;
    }
    case 2:
        c->cp15.ttbr = value & 0xffffc000u;
        mapping_changed(c);
        return;
    case 3:
        c->cp15.dacr = value;
        mapping_changed(c);
        return;
    case 5:
        if (a.opc2 == 1)
            c->cp15.ifsr = value;
        else
            c->cp15.dfsr = value;
        return;
    case 6: c->cp15.far = value; return;
    case 7:
        if (a.crm == 0 && a.opc2 == 4) { /* wait for interrupt */
            c->base.halted = true;
            bb_instrument_cpu_event(&c->base, BB_CPU_SLEEP, 1, 0);
            bb_cpu_exit_request(&c->base);
        }
        return; /* cache operations: nothing to do without a cache model */
    case 8: /* TLB operations */ mapping_changed(c); return;
    case 9: c->cp15.cache_lockdown = value; return;
    case 10: c->cp15.tlb_lockdown = value; return;
    case 13:
        if (a.opc2 == 1) {
            c->cp15.context_id = value;
        } else {
            c->cp15.fcse_pid = value & 0xfe000000u;
            mapping_changed(c);
        }
        return;
    case 15: return;
    }
    log_unknown(c, "write", a, pc);
}
