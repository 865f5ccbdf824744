/*
 * test_instrument.c: translation-time instrumentation on a real machine (versatilepb), on
 * both backends: exec hooks that stop before an instruction and resume past it, read hooks
 * that supply values, write hooks that alter them, watchpoints that stop after the
 * accessing instruction, and clients that mark executed instructions and branch outcomes
 * and count instructions with calls. Instruction counts must be exact at every stop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/board.h"
#include "core/machine.h"
#include "jit/arm/cpu.h"
#include "jit/instrument.h"

#include "tests/unit/test_util.h"

/* A counting loop that stores its counter at 0x1000 and reads 0x1004, then exits through
 * semihosting. 57 instructions retire in all. */
static const uint32_t program[] = {
    0xe3a00000, /* 0x00 mov r0, #0 */
    0xe3a01a01, /* 0x04 mov r1, #0x1000 */
    0xe2800001, /* 0x08 add r0, r0, #1 */
    0xe5810000, /* 0x0c str r0, [r1] */
    0xe5912004, /* 0x10 ldr r2, [r1, #4] */
    0xe350000a, /* 0x14 cmp r0, #10 */
    0x1afffffa, /* 0x18 bne 0x08 */
    0xe1a03002, /* 0x1c mov r3, r2 */
    0xe3a00018, /* 0x20 mov r0, #0x18 (SYS_EXIT) */
    0xe3a01802, /* 0x24 mov r1, #0x20000 */
    0xe3811026, /* 0x28 orr r1, r1, #0x26 (ADP_Stopped_ApplicationExit) */
    0xef123456, /* 0x2c svc 0x123456 */
};
#define TOTAL_INSNS 57

static bb_machine *new_machine(bb_jit_kind kind)
{
    bb_machine_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.board = "versatilepb";
    opts.jit = kind;
    opts.semihosting = BB_SEMIHOSTING_CONSOLE;
    opts.serial[0] = "null";
    char err[256];
    bb_machine *m = bb_machine_new(&opts, err, sizeof(err));
    if (!m) {
        printf("FAIL: machine: %s\n", err);
        exit(1);
    }
    bb_bus_copy(m->bus, 0, (void *)program, sizeof(program), true);
    m->cpu_model->set_entry(m->cpus[0], 0);
    return m;
}

static bb_arm_cpu *cpu0(bb_machine *m)
{
    return arm_cpu(m->cpus[0]);
}

static uint32_t word_at(bb_machine *m, uint32_t addr)
{
    uint32_t v = 0;
    bb_bus_copy(m->bus, addr, &v, 4, false);
    return v;
}

static bb_hook_result stop_here(void *opaque, bb_cpu *cpu, uint32_t pc)
{
    (void)cpu, (void)pc;
    (*(int *)opaque)++;
    return BB_HOOK_STOP;
}

static void test_plain(bb_jit_kind kind)
{
    bb_machine *m = new_machine(kind);
    CHECK(bb_machine_run(m, 0) == BB_STOP_EXIT);
    CHECK(bb_machine_icount(m) == TOTAL_INSNS);
    CHECK(word_at(m, 0x1000) == 10);
    bb_machine_free(m);
}

static void test_exec_hook(bb_jit_kind kind)
{
    bb_machine *m = new_machine(kind);
    int hits = 0;
    int id = bb_hook_add_exec(m, 0x14, 0x14, stop_here, &hits);
    CHECK(id > 0);
    CHECK(bb_machine_run(m, 0) == BB_STOP_BREAK);
    CHECK(m->cpus[0]->pc == 0x14 && cpu0(m)->r[0] == 1);
    CHECK(bb_machine_icount(m) == 5);
    bb_break_info info = bb_machine_break_info(m);
    CHECK(info.hook_id == id && !info.is_mem && info.pc == 0x14);
    /* Resuming does not stop at the same instruction again, only at its next execution. */
    CHECK(bb_machine_run(m, 0) == BB_STOP_BREAK);
    CHECK(m->cpus[0]->pc == 0x14 && cpu0(m)->r[0] == 2);
    CHECK(bb_machine_icount(m) == 10);
    bb_hook_remove(m, id);
    CHECK(bb_machine_run(m, 0) == BB_STOP_EXIT);
    CHECK(bb_machine_icount(m) == TOTAL_INSNS);
    CHECK(hits == 2);
    bb_machine_free(m);
}

static bb_hook_result supply_read(void *opaque, bb_cpu *cpu, uint32_t vaddr, unsigned size,
                                  bool write, uint64_t *value)
{
    (void)opaque, (void)cpu, (void)size;
    if (write || vaddr != 0x1004) return BB_HOOK_CONTINUE;
    *value = 0xabcd;
    return BB_HOOK_HANDLED;
}

static bb_hook_result scale_write(void *opaque, bb_cpu *cpu, uint32_t vaddr, unsigned size,
                                  bool write, uint64_t *value)
{
    (void)opaque, (void)cpu, (void)size, (void)vaddr;
    if (write) *value *= 100;
    return BB_HOOK_CONTINUE;
}

static bb_hook_result watch(void *opaque, bb_cpu *cpu, uint32_t vaddr, unsigned size, bool write,
                            uint64_t *value)
{
    (void)cpu, (void)vaddr, (void)size, (void)write, (void)value;
    (*(int *)opaque)++;
    return BB_HOOK_STOP;
}

static void test_mem_hooks(bb_jit_kind kind)
{
    bb_machine *m = new_machine(kind);
    CHECK(bb_hook_add_mem(m, 0x1004, 0x1007, BB_HOOK_READ, supply_read, NULL) > 0);
    CHECK(bb_hook_add_mem(m, 0x1000, 0x1003, BB_HOOK_WRITE, scale_write, NULL) > 0);
    CHECK(bb_machine_run(m, 0) == BB_STOP_EXIT);
    CHECK(cpu0(m)->r[3] == 0xabcd);
    CHECK(word_at(m, 0x1000) == 1000);
    CHECK(word_at(m, 0x1004) == 0);
    CHECK(bb_machine_icount(m) == TOTAL_INSNS);
    bb_machine_free(m);
}

static void test_watchpoint(bb_jit_kind kind)
{
    bb_machine *m = new_machine(kind);
    int hits = 0;
    int id = bb_hook_add_mem(m, 0x1000, 0x1003, BB_HOOK_WRITE, watch, &hits);
    CHECK(bb_machine_run(m, 0) == BB_STOP_BREAK);
    bb_break_info info = bb_machine_break_info(m);
    CHECK(info.is_mem && info.write && info.vaddr == 0x1000 && info.size == 4 && info.pc == 0x0c);
    CHECK(info.hook_id == id);
    CHECK(m->cpus[0]->pc == 0x10); /* stopped after the store */
    CHECK(word_at(m, 0x1000) == 1);
    CHECK(bb_machine_icount(m) == 4);
    CHECK(bb_machine_run(m, 0) == BB_STOP_BREAK);
    CHECK(m->cpus[0]->pc == 0x10 && word_at(m, 0x1000) == 2);
    CHECK(bb_machine_icount(m) == 9);
    bb_hook_remove(m, id);
    CHECK(bb_machine_run(m, 0) == BB_STOP_EXIT);
    CHECK(bb_machine_icount(m) == TOTAL_INSNS);
    CHECK(hits == 2);
    bb_machine_free(m);
}

/* A coverage-like client: bit 4 = executed, bit 1 = branch taken, bit 2 = not taken. */
typedef struct recorder {
    int id;
    uint8_t marks[64];
    uint64_t calls;
} recorder;

static void mark_insn(void *opaque, bb_cpu *cpu, bb_ir_block *blk, uint32_t pc, unsigned size,
                      uint32_t insn)
{
    recorder *r = opaque;
    (void)size, (void)insn;
    bb_instrument_emit_mark(blk, pc / 4, 4);
    bb_instrument_emit_call(cpu, blk, r->id, pc);
}

static void mark_branch(void *opaque, bb_cpu *cpu, bb_ir_block *blk, uint32_t pc, bool taken)
{
    (void)opaque, (void)cpu;
    bb_instrument_emit_mark(blk, pc / 4, taken ? 1 : 2);
}

static void count_call(void *opaque, bb_cpu *cpu, uint32_t arg)
{
    recorder *r = opaque;
    (void)cpu;
    if (arg < 0x30) r->calls++;
}

static void test_client(bb_jit_kind kind)
{
    bb_machine *m = new_machine(kind);
    recorder *r = calloc(1, sizeof(*r));
    bb_cpu_set_mark_map(m->cpus[0], r->marks, sizeof(r->marks));
    bb_instrument_client c = {r, mark_insn, mark_branch, count_call, NULL};
    r->id = bb_instrument_add_client(m, &c);
    CHECK(r->id > 0);
    CHECK(bb_machine_run(m, 0) == BB_STOP_EXIT);
    CHECK(bb_machine_icount(m) == TOTAL_INSNS);
    CHECK(r->calls == TOTAL_INSNS);
    for (uint32_t pc = 0; pc <= 0x2c; pc += 4)
        CHECK(r->marks[pc / 4] & 4);
    CHECK(r->marks[0x18 / 4] == (4 | 1 | 2)); /* bne: both outcomes seen */
    CHECK(r->marks[0x14 / 4] == 4);           /* cmp: not a branch */
    CHECK(r->marks[0x30 / 4] == 0);
    bb_machine_free(m);
    free(r);
}

int main(void)
{
    const bb_jit_kind kinds[2] = {BB_JIT_INTERP, BB_JIT_NATIVE};
    for (int i = 0; i < 2; i++) {
        int before = failures;
        test_plain(kinds[i]);
        test_exec_hook(kinds[i]);
        test_mem_hooks(kinds[i]);
        test_watchpoint(kinds[i]);
        test_client(kinds[i]);
        if (failures != before) printf("  (failures above: %s backend)\n", i ? "native" : "interp");
    }
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("test_instrument: all checks passed\n");
    return 0;
}
