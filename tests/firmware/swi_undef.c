/*
 * swi_undef: the SWI and undefined-instruction exceptions, from ARM or Thumb code (as the
 * test is built) and from user mode.
 *
 * The SWI handler reads the comment field from the SWI instruction (24 bits in ARM state,
 * 8 in Thumb), computes a result from r0-r3 and returns it in r0 and r1. The undefined
 * instruction handler reads the instruction, emulates UDF by adding its immediate to r0,
 * and steps over it. In ARM state, a coprocessor instruction for an absent coprocessor
 * and an ARMv6 instruction (REV) must be undefined on the ARMv5TE core as well.
 */
#include <stdint.h>
#include <stdio.h>

#include "common/exceptions.h"

static const char *mode_name(uint32_t spsr)
{
    switch (spsr & FW_MODE_MASK) {
    case 0x10: return "USR";
    case 0x13: return "SVC";
    case 0x1f: return "SYS";
    default: return "other";
    }
}

static void on_swi(fw_frame *frame)
{
    uint32_t number = fw_swi_number(frame);
    printf("  SWI 0x%lx from %s state in %s mode, r0 = %lu, r1 = %lu", (unsigned long)number,
           fw_frame_thumb(frame) ? "Thumb" : "ARM", mode_name(frame->spsr),
           (unsigned long)frame->r[0], (unsigned long)frame->r[1]);
    if (number == 0x01)
        printf(", r2 = %lu, r3 = %lu", (unsigned long)frame->r[2], (unsigned long)frame->r[3]);
    printf("\n");
    switch (number) {
    case 0x01: frame->r[0] = frame->r[0] + frame->r[1] + frame->r[2] + frame->r[3]; break;
    case 0x02: frame->r[0] = frame->r[0] * frame->r[1]; break;
    default: frame->r[0] = 0xffffffffu; break;
    }
    frame->r[1] = number;
    fw_skip_instruction(frame);
}

static void on_undefined(fw_frame *frame)
{
    if (fw_frame_thumb(frame)) {
        uint16_t insn = *(const volatile uint16_t *)frame->pc;
        printf("  undefined Thumb instruction 0x%04x", insn);
        if ((insn & 0xff00u) == 0xde00u) {
            printf(": UDF #%u, r0 += %u", insn & 0xffu, insn & 0xffu);
            frame->r[0] += insn & 0xffu;
        }
    } else {
        uint32_t insn = *(const volatile uint32_t *)frame->pc;
        printf("  undefined ARM instruction 0x%08lx", (unsigned long)insn);
        if ((insn & 0xfff000f0u) == 0xe7f000f0u) {
            uint32_t imm = (insn >> 4 & 0xfff0u) | (insn & 0xfu);
            printf(": UDF #%lu, r0 += %lu", (unsigned long)imm, (unsigned long)imm);
            frame->r[0] += imm;
        } else if ((insn & 0x0f000010u) == 0x0e000010u) {
            printf(": coprocessor %lu absent, r0 = 0xc0c0", (unsigned long)(insn >> 8 & 15u));
            frame->r[0] = 0xc0c0u;
        } else {
            printf(": r0 = 0xbad");
            frame->r[0] = 0xbadu;
        }
    }
    printf(" (from %s mode)\n", mode_name(frame->spsr));
    fw_skip_instruction(frame);
}

static uint32_t swi_sum(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t *number)
{
    register uint32_t r0 __asm__("r0") = a;
    register uint32_t r1 __asm__("r1") = b;
    register uint32_t r2 __asm__("r2") = c;
    register uint32_t r3 __asm__("r3") = d;
    __asm__ volatile("svc #0x01" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r3) : "memory");
    *number = r1;
    return r0;
}

static uint32_t swi_multiply(uint32_t a, uint32_t b)
{
    register uint32_t r0 __asm__("r0") = a;
    register uint32_t r1 __asm__("r1") = b;
    __asm__ volatile("svc #0x02" : "+r"(r0), "+r"(r1) : : "memory");
    return r0;
}

static uint32_t swi_unknown(void)
{
    register uint32_t r0 __asm__("r0") = 0;
    register uint32_t r1 __asm__("r1") = 0;
#ifdef __thumb__
    __asm__ volatile("svc #0xfe" : "+r"(r0), "+r"(r1) : : "memory");
#else
    __asm__ volatile("svc #0xabcdef" : "+r"(r0), "+r"(r1) : : "memory");
#endif
    return r0;
}

static uint32_t undefined_add(uint32_t a)
{
    register uint32_t r0 __asm__("r0") = a;
#ifdef __thumb__
    __asm__ volatile("udf #42" : "+r"(r0) : : "memory");
#else
    __asm__ volatile("udf #0x1234" : "+r"(r0) : : "memory");
#endif
    return r0;
}

#ifndef __thumb__
static uint32_t absent_coprocessor(void)
{
    register uint32_t r0 __asm__("r0") = 0;
    __asm__ volatile("mrc p5, 0, r0, c1, c2, 3" : "+r"(r0) : : "memory");
    return r0;
}

static uint32_t armv6_instruction(void)
{
    register uint32_t r0 __asm__("r0") = 0x11223344u;
    __asm__ volatile(".word 0xe6bf0f30 @ rev r0, r0" : "+r"(r0) : : "memory");
    return r0;
}
#endif

/* Runs in user mode. */
static uint32_t user_calls(uint32_t arg)
{
    return swi_multiply(arg, 3) + undefined_add(1000);
}

int main(void)
{
    uint32_t number;
    fw_set_handler(FW_SWI, on_swi);
    fw_set_handler(FW_UNDEFINED, on_undefined);
#ifdef __thumb__
    printf("swi_undef test, Thumb code\n");
#else
    printf("swi_undef test, ARM code\n");
#endif

    uint32_t sum = swi_sum(1, 20, 300, 4000, &number);
    printf("swi_sum returned %lu, number %lu\n", (unsigned long)sum, (unsigned long)number);
    printf("swi_multiply returned %lu\n", (unsigned long)swi_multiply(123, 456));
    printf("swi_unknown returned 0x%lx\n", (unsigned long)swi_unknown());
    printf("undefined_add returned %lu\n", (unsigned long)undefined_add(100));
#ifndef __thumb__
    printf("absent_coprocessor returned 0x%lx\n", (unsigned long)absent_coprocessor());
    printf("armv6_instruction returned 0x%lx\n", (unsigned long)armv6_instruction());
#endif
    printf("in user mode:\n");
    printf("user_calls returned %lu\n", (unsigned long)fw_run_user(user_calls, 7));
    printf("done\n");
    return 0;
}
