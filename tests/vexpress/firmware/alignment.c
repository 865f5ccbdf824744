/*
 * alignment (vexpress-a9): ARMv7 alignment faults on the Cortex-A9.
 *
 * With SCTLR.A clear, single loads and stores may be misaligned (they read and write the
 * bytes), and so may NEON element transfers without an alignment qualifier; LDM/STM,
 * LDRD/STRD (word), the exclusives (their size: LDREXD/STREXD 8 bytes), VLDR/VSTR and
 * VLDM/VSTM (word), and NEON transfers with a qualifier (:64, :128, :32 ...) still fault.
 * With SCTLR.A set, every access must be aligned to its size (NEON: to its element, so
 * VLD1.8 at an odd address does not fault; LDRD only to a word). The data abort handler
 * records DFSR and DFAR (printed as an offset in the buffer) and steps over the access.
 *
 * Not here: a misaligned STREXD (or STREX) with no reservation. The ARM ARM checks the
 * alignment first (an alignment fault, which brassboard gives); QEMU 7.2 fails the store
 * without an access, so without the fault.
 */
#include <stdint.h>
#include <stdio.h>

#include "a9.h"
#include "common/cp15.h"
#include "common/exceptions.h"

static uint8_t buffer[64] __attribute__((aligned(32)));

typedef struct fault_record {
    uint32_t count, dfsr, dfar;
} fault_record;
static volatile fault_record fault;

static void on_data_abort(fw_frame *frame)
{
    fault.count++;
    fault.dfsr = cp15_dfsr();
    fault.dfar = cp15_far();
    a9_skip_instruction(frame);
}

static void set_alignment_checking(int on)
{
    uint32_t control = cp15_control();
    cp15_set_control(on ? control | CP15_CONTROL_A : control & ~CP15_CONTROL_A);
    __asm__ volatile("isb" : : : "memory");
}

/* Whether SCTLR.A is set for the accesses (only around them: the C library may make
 * misaligned accesses of its own). */
static int checking;

/* Runs access(address) and prints whether it faulted. */
static void try(const char *what, void (*access)(uint8_t *), unsigned offset)
{
    fault.count = 0;
    fault.dfsr = fault.dfar = 0xffffffffu;
    if (checking) set_alignment_checking(1);
    access(buffer + offset);
    if (checking) set_alignment_checking(0);
    printf("%-32s +%-2u ", what, offset);
    if (fault.count == 0) {
        printf("ok\n");
        return;
    }
    printf("aborts %lu, DFSR 0x%03lx, DFAR +%ld\n", (unsigned long)fault.count,
           (unsigned long)fault.dfsr, (long)(fault.dfar - (uint32_t)buffer));
}

#define ACCESS __attribute__((noinline)) static void

ACCESS ldr(uint8_t *p)
{
    uint32_t v;
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(p) : "memory");
}

ACCESS ldrh(uint8_t *p)
{
    uint32_t v;
    __asm__ volatile("ldrh %0, [%1]" : "=r"(v) : "r"(p) : "memory");
}

ACCESS str(uint8_t *p)
{
    __asm__ volatile("str %0, [%1]" : : "r"(0x12345678u), "r"(p) : "memory");
}

ACCESS ldm(uint8_t *p)
{
    __asm__ volatile("ldm %0, {r2, r3}" : : "r"(p) : "r2", "r3", "memory");
}

ACCESS stm(uint8_t *p)
{
    __asm__ volatile("stm %0, {r2, r3}" : : "r"(p) : "memory");
}

ACCESS ldrd(uint8_t *p)
{
    __asm__ volatile("ldrd r2, r3, [%0]" : : "r"(p) : "r2", "r3", "memory");
}

ACCESS strd(uint8_t *p)
{
    __asm__ volatile("strd r2, r3, [%0]" : : "r"(p) : "memory");
}

ACCESS ldrex(uint8_t *p)
{
    uint32_t v;
    __asm__ volatile("ldrex %0, [%1]\n clrex" : "=r"(v) : "r"(p) : "memory");
}

ACCESS ldrexh(uint8_t *p)
{
    uint32_t v;
    __asm__ volatile("ldrexh %0, [%1]\n clrex" : "=r"(v) : "r"(p) : "memory");
}

ACCESS ldrexd(uint8_t *p)
{
    __asm__ volatile("ldrexd r2, r3, [%0]\n clrex" : : "r"(p) : "r2", "r3", "memory");
}

ACCESS strexd(uint8_t *p)
{
    __asm__ volatile("mov r2, #0\n mov r3, #0\n strexd r1, r2, r3, [%0]"
                     :
                     : "r"(p)
                     : "r1", "r2", "r3", "memory");
}

ACCESS vldr(uint8_t *p)
{
    __asm__ volatile(".fpu neon\n vldr d0, [%0]" : : "r"(p) : "d0", "memory");
}

ACCESS vstr(uint8_t *p)
{
    __asm__ volatile(".fpu neon\n vstr s0, [%0]" : : "r"(p) : "memory");
}

ACCESS vldm(uint8_t *p)
{
    __asm__ volatile(".fpu neon\n vldmia %0, {d0-d1}" : : "r"(p) : "d0", "d1", "memory");
}

ACCESS vld1_8(uint8_t *p)
{
    __asm__ volatile(".fpu neon\n vld1.8 {d0}, [%0]" : : "r"(p) : "d0", "memory");
}

ACCESS vld1_16(uint8_t *p)
{
    __asm__ volatile(".fpu neon\n vld1.16 {d0-d1}, [%0]" : : "r"(p) : "d0", "d1", "memory");
}

ACCESS vld1_64(uint8_t *p)
{
    __asm__ volatile(".fpu neon\n vld1.64 {d0}, [%0]" : : "r"(p) : "d0", "memory");
}

ACCESS vld1_32_at_64(uint8_t *p)
{
    __asm__ volatile(".fpu neon\n vld1.32 {d0}, [%0, :64]" : : "r"(p) : "d0", "memory");
}

ACCESS vst1_8_at_128(uint8_t *p)
{
    __asm__ volatile(".fpu neon\n vst1.8 {d0-d1}, [%0, :128]" : : "r"(p) : "memory");
}

ACCESS vld2_lane_at_32(uint8_t *p)
{
    __asm__ volatile(".fpu neon\n vld2.16 {d0[1], d1[1]}, [%0, :32]"
                     :
                     : "r"(p)
                     : "d0", "d1", "memory");
}

ACCESS vld4_all_at_64(uint8_t *p)
{
    __asm__ volatile(".fpu neon\n vld4.16 {d0[], d1[], d2[], d3[]}, [%0, :64]"
                     :
                     : "r"(p)
                     : "d0", "d1", "d2", "d3", "memory");
}

ACCESS vld3_16(uint8_t *p)
{
    __asm__ volatile(".fpu neon\n vld3.16 {d0, d1, d2}, [%0]"
                     :
                     : "r"(p)
                     : "d0", "d1", "d2", "memory");
}

static void always_checked(void)
{
    try("ldr", ldr, 1);
    try("ldrh", ldrh, 3);
    try("str", str, 2);
    try("ldm", ldm, 2);
    try("stm", stm, 1);
    try("ldrd (word aligned)", ldrd, 4);
    try("ldrd", ldrd, 2);
    try("strd", strd, 6);
    try("ldrex", ldrex, 2);
    try("ldrexh", ldrexh, 1);
    try("ldrexd (word aligned)", ldrexd, 4);
    try("ldrexd", ldrexd, 8);
    try("strexd (no reservation)", strexd, 8);
    try("vldr d", vldr, 2);
    try("vstr s", vstr, 1);
    try("vldmia", vldm, 6);
    try("vld1.8", vld1_8, 3);
    try("vld1.16 (two registers)", vld1_16, 1);
    try("vld1.64", vld1_64, 4);
    try("vld1.32 :64", vld1_32_at_64, 4);
    try("vld1.32 :64", vld1_32_at_64, 8);
    try("vst1.8 :128", vst1_8_at_128, 8);
    try("vld2.16 lane :32", vld2_lane_at_32, 2);
    try("vld4.16 all lanes :64", vld4_all_at_64, 4);
    try("vld3.16", vld3_16, 1);
}

static void checking_everything(void)
{
    try("ldr", ldr, 1);
    try("ldr", ldr, 4);
    try("ldrh", ldrh, 3);
    try("ldrh", ldrh, 2);
    try("ldrd (word aligned)", ldrd, 4);
    try("vld1.8", vld1_8, 3);
    try("vld1.16 (two registers)", vld1_16, 2);
    try("vld1.16 (two registers)", vld1_16, 1);
    try("vld1.64", vld1_64, 4);
    try("vld3.16", vld3_16, 1);
}

int main(void)
{
    printf("alignment test\n");
    fw_set_handler(FW_DATA_ABORT, on_data_abort);
    a9_enable_fpu();
    printf("SCTLR.A clear\n");
    always_checked();
    printf("SCTLR.A set\n");
    checking = 1;
    checking_everything();
    printf("done\n");
    return 0;
}
