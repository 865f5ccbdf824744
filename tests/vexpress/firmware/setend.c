/*
 * setend (vexpress-a9): big-endian data (CPSR.E) on the Cortex-A9.
 *
 * Between SETEND BE and SETEND LE every load and store of more than a byte swaps its bytes:
 * words, halfwords (signed and unsigned), doublewords (LDRD/STRD: each word), LDM/STM,
 * the exclusives, VLDR/VSTR of a D register (one 64-bit element: the high word first),
 * and NEON element loads and stores (each element by its size). Instruction fetch stays
 * little-endian. MRS shows E. An exception taken in big-endian state enters its handler
 * with E = SCTLR.EE (0: little-endian; the SPSR keeps E = 1 and the return restores it),
 * and with SCTLR.EE set the handler runs big-endian. User mode can set E with MSR.
 *
 * The buffer holds the bytes 0x01, 0x02, ... (0x81, 0x82 at offsets 6 and 7, to show sign
 * extension); every value is printed as the program sees it.
 */
#include <stdint.h>
#include <stdio.h>

#include "a9.h"
#include "common/exceptions.h"

#define CPSR_E (1u << 9)

static uint8_t bytes[32] __attribute__((aligned(16)));
static uint8_t out[32] __attribute__((aligned(16)));

static void fill(void)
{
    for (unsigned i = 0; i < sizeof bytes; i++) {
        bytes[i] = (uint8_t)(i + 1);
        out[i] = 0;
    }
    bytes[6] = 0x81;
    bytes[7] = 0x82;
}

static void print_out(const char *what, unsigned count)
{
    printf("%-22s bytes", what);
    for (unsigned i = 0; i < count; i++)
        printf(" %02x", out[i]);
    printf("\n");
}

static void loads(void)
{
    uint32_t word, half, signed_half, byte, low, high, first, second, exclusive;
    __asm__ volatile("setend be\n"
                     "ldr %0, [%4]\n"
                     "ldrh %1, [%4, #4]\n"
                     "ldrsh %2, [%4, #6]\n"
                     "ldrb %3, [%4, #7]\n"
                     "setend le"
                     : "=&r"(word), "=&r"(half), "=&r"(signed_half), "=&r"(byte)
                     : "r"(bytes)
                     : "memory");
    printf("ldr 0x%08lx, ldrh 0x%04lx, ldrsh 0x%08lx, ldrb 0x%02lx\n", (unsigned long)word,
           (unsigned long)half, (unsigned long)signed_half, (unsigned long)byte);
    uint64_t pair;
    __asm__ volatile("setend be\n ldrd %Q0, %R0, [%1, #8]\n setend le"
                     : "=&r"(pair)
                     : "r"(bytes)
                     : "memory");
    low = (uint32_t)pair;
    high = (uint32_t)(pair >> 32);
    register uint32_t r4 __asm__("r4");
    register uint32_t r5 __asm__("r5");
    __asm__ volatile("setend be\n ldm %2, {r4, r5}\n setend le"
                     : "=&r"(r4), "=&r"(r5)
                     : "r"(bytes + 16)
                     : "memory");
    first = r4;
    second = r5;
    __asm__ volatile("setend be\n ldrex %0, [%1]\n clrex\n setend le"
                     : "=&r"(exclusive)
                     : "r"(bytes + 24)
                     : "memory");
    printf("ldrd 0x%08lx 0x%08lx, ldm 0x%08lx 0x%08lx, ldrex 0x%08lx\n", (unsigned long)low,
           (unsigned long)high, (unsigned long)first, (unsigned long)second,
           (unsigned long)exclusive);
}

static void stores(void)
{
    __asm__ volatile("setend be\n"
                     "str %1, [%0]\n"
                     "strh %2, [%0, #4]\n"
                     "strb %3, [%0, #6]\n"
                     "setend le"
                     :
                     : "r"(out), "r"(0x11223344u), "r"(0x5566u), "r"(0x77u)
                     : "memory");
    print_out("str, strh, strb:", 8);
    fill();
    uint64_t pair = 0x8899aabbccddeeffull;
    __asm__ volatile("setend be\n strd %Q1, %R1, [%0]\n setend le"
                     :
                     : "r"(out), "r"(pair)
                     : "memory");
    register uint32_t r4 __asm__("r4") = 0x01234567u;
    register uint32_t r5 __asm__("r5") = 0x89abcdefu;
    __asm__ volatile("setend be\n stm %0, {r4, r5}\n setend le"
                     :
                     : "r"(out + 8), "r"(r4), "r"(r5)
                     : "memory");
    uint32_t status;
    __asm__ volatile("setend be\n"
                     "ldrex %0, [%1]\n"
                     "strex %0, %2, [%1]\n"
                     "setend le"
                     : "=&r"(status)
                     : "r"(out + 16), "r"(0xfeedf00du)
                     : "memory");
    print_out("strd, stm, strex:", 20);
    printf("strex status %lu\n", (unsigned long)status);
}

static void vfp_and_neon(void)
{
    uint32_t w[7], scratch;
    __asm__ volatile(".fpu neon\n"
                     "setend be\n"
                     "vldr d0, [%1]\n"
                     "vld1.16 {d1}, [%1]\n"
                     "vld1.64 {d2}, [%1]\n"
                     "vldr s6, [%1, #8]\n"
                     "setend le\n"
                     "vmov %0, s0\n str %0, [%2]\n vmov %0, s1\n str %0, [%2, #4]\n"
                     "vmov %0, s2\n str %0, [%2, #8]\n vmov %0, s3\n str %0, [%2, #12]\n"
                     "vmov %0, s4\n str %0, [%2, #16]\n vmov %0, s5\n str %0, [%2, #20]\n"
                     "vmov %0, s6\n str %0, [%2, #24]"
                     : "=&r"(scratch)
                     : "r"(bytes), "r"(w)
                     : "d0", "d1", "d2", "d3", "memory");
    printf("vldr d: 0x%08lx%08lx, vld1.16: 0x%08lx%08lx, vld1.64: 0x%08lx%08lx, vldr s: 0x%08lx\n",
           (unsigned long)w[1], (unsigned long)w[0], (unsigned long)w[3], (unsigned long)w[2],
           (unsigned long)w[5], (unsigned long)w[4], (unsigned long)w[6]);
    __asm__ volatile(".fpu neon\n"
                     "vldr d0, [%1]\n"
                     "setend be\n"
                     "vstr d0, [%0]\n"
                     "vst1.32 {d0}, [%2]\n"
                     "setend le"
                     :
                     : "r"(out), "r"(bytes), "r"(out + 8)
                     : "d0", "memory");
    print_out("vstr d, vst1.32:", 16);
}

static uint32_t read_cpsr(void)
{
    uint32_t cpsr;
    __asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
    return cpsr;
}

static volatile uint32_t handler_cpsr, handler_spsr;

static void on_swi(fw_frame *frame)
{
    handler_cpsr = read_cpsr();
    handler_spsr = frame->spsr;
    fw_skip_instruction(frame);
}

static void exceptions(void)
{
    uint32_t before, after;
    fw_set_handler(FW_SWI, on_swi);
    __asm__ volatile("setend be\n"
                     "mrs %0, cpsr\n"
                     "svc #7\n"
                     "mrs %1, cpsr\n"
                     "setend le"
                     : "=&r"(before), "=&r"(after)
                     :
                     : "memory");
    printf("SVC in big-endian state, SCTLR.EE clear: E before %lu, in the handler %lu "
           "(SPSR %lu), after %lu\n",
           (unsigned long)(before & CPSR_E) >> 9, (unsigned long)(handler_cpsr & CPSR_E) >> 9,
           (unsigned long)(handler_spsr & CPSR_E) >> 9, (unsigned long)(after & CPSR_E) >> 9);
}

/* With SCTLR.EE set, an SVC (from little-endian state) through a vector table of its own:
 * the handler stores its CPSR and SPSR (big-endian) and the low byte of the word at
 * record[2] as it loads it (big-endian: the first byte in memory). */
__asm__(".pushsection .text.ee_vectors, \"ax\"\n"
        ".arm\n"
        ".align 5\n"
        "ee_vectors:\n"
        "b .\n b .\n b ee_svc\n b .\n b .\n b .\n b .\n b .\n"
        "ee_svc:\n"
        "mrs r3, cpsr\n"
        "str r3, [r2]\n"
        "mrs r3, spsr\n"
        "str r3, [r2, #4]\n"
        "ldr r3, [r2, #8]\n"
        "strb r3, [r2, #12]\n"
        "movs pc, lr\n"
        ".popsection");

__attribute__((target("arm"), noinline)) static void svc_with_ee(volatile uint32_t *record)
{
    register volatile uint32_t *r2 __asm__("r2") = record;
    __asm__ volatile("mrc p15, 0, r0, c12, c0, 0\n"
                     "push {r0}\n"
                     "movw r0, #:lower16:ee_vectors\n"
                     "movt r0, #:upper16:ee_vectors\n"
                     "mcr p15, 0, r0, c12, c0, 0\n"
                     "mrc p15, 0, r0, c1, c0, 0\n"
                     "orr r0, r0, #(1 << 25)\n"
                     "mcr p15, 0, r0, c1, c0, 0\n"
                     "isb\n"
                     "svc #0\n"
                     "mrc p15, 0, r0, c1, c0, 0\n"
                     "bic r0, r0, #(1 << 25)\n"
                     "mcr p15, 0, r0, c1, c0, 0\n"
                     "pop {r0}\n"
                     "mcr p15, 0, r0, c12, c0, 0\n"
                     "isb"
                     :
                     : "r"(r2)
                     : "r0", "r3", "memory");
}

static void exception_endianness(void)
{
    static volatile uint32_t record[4];
    record[0] = record[1] = record[3] = 0;
    record[2] = 0x11223344u;
    svc_with_ee(record);
    uint32_t cpsr = __builtin_bswap32(record[0]), spsr = __builtin_bswap32(record[1]);
    printf("SVC with SCTLR.EE set: E in the handler %lu (SPSR %lu), its load's low byte "
           "0x%02lx, E after %lu\n",
           (unsigned long)(cpsr & CPSR_E) >> 9, (unsigned long)(spsr & CPSR_E) >> 9,
           (unsigned long)(record[3] & 0xffu), (unsigned long)(read_cpsr() & CPSR_E) >> 9);
}

/* In user mode: MSR sets E (user-writable), then a big-endian load. */
static uint32_t user_big_endian_load(uint32_t address)
{
    uint32_t cpsr, value;
    __asm__ volatile("mrs %0, cpsr\n"
                     "orr %0, %0, #0x200\n"
                     "msr cpsr_x, %0\n"
                     "ldr %1, [%2]\n"
                     "setend le"
                     : "=&r"(cpsr), "=&r"(value)
                     : "r"(address)
                     : "memory");
    return value;
}

int main(void)
{
    printf("setend test\n");
    fill();
    loads();
    stores();
    fill();
    a9_enable_fpu();
    vfp_and_neon();
    exceptions();
    exception_endianness();
    printf("user mode MSR of E, then ldr: 0x%08lx\n",
           (unsigned long)fw_run_user(user_big_endian_load, (uint32_t)bytes));
    printf("E at the end: %lu\n", (unsigned long)(read_cpsr() & CPSR_E) >> 9);
    return 0;
}
