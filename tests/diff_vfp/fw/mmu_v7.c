/*
 * mmu_v7.c: the Cortex-A9's v7 short-descriptor MMU and fault reporting, checked on
 * vexpress-a9: sections, supersections, large and small pages, TTBR0/TTBR1 split by
 * TTBCR.N, domains, AP[2:0] for privileged and unprivileged (LDRT/STRT) accesses, XN on
 * instruction fetches, nG mappings under two ASIDs, VA-to-PA translation (PAR), alignment
 * faults, and the fault status and address registers (DFSR with WnR, DFAR, IFSR, IFAR) of
 * every fault. Aborts are caught by handlers that record the registers and resume.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define RAM_BASE 0x60000000u

static uint32_t l1[4096] __attribute__((aligned(16384)));
static uint32_t l1_high[4096] __attribute__((aligned(16384))); /* TTBR1 */
static uint32_t l2[256] __attribute__((aligned(1024)));
static uint8_t pages[4][4096] __attribute__((aligned(65536)));
static uint8_t large[65536] __attribute__((aligned(65536)));

/* Set by the abort handlers (start.S calls fw_abort). */
volatile uint32_t abort_count, last_fsr, last_far, last_kind;
volatile uint32_t resume_address; /* where a prefetch abort continues */

uint32_t fw_abort(uint32_t kind, uint32_t lr);

uint32_t fw_abort(uint32_t kind, uint32_t lr)
{
    uint32_t fsr, far;
    if (kind == 4) { /* data abort: skip the faulting (ARM) instruction */
        __asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(fsr));
        __asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(far));
        lr = lr - 8 + 4;
    } else { /* prefetch abort */
        __asm__ volatile("mrc p15, 0, %0, c5, c0, 1" : "=r"(fsr));
        __asm__ volatile("mrc p15, 0, %0, c6, c0, 2" : "=r"(far));
        lr = resume_address;
    }
    abort_count++;
    last_fsr = fsr;
    last_far = far;
    last_kind = kind;
    return lr;
}

static void tlb_flush(void)
{
    __asm__ volatile("dsb\n mcr p15, 0, %0, c8, c7, 0\n dsb\n isb" : : "r"(0) : "memory");
}

static uint32_t read_word(uint32_t va)
{
    uint32_t v;
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(va) : "memory");
    return v;
}

static void write_word(uint32_t va, uint32_t v)
{
    __asm__ volatile("str %0, [%1]" : : "r"(v), "r"(va) : "memory");
}

static uint32_t read_user(uint32_t va)
{
    uint32_t v = 0xdeadbeef;
    __asm__ volatile("ldrt %0, [%1]" : "+r"(v) : "r"(va) : "memory");
    return v;
}

static void write_user(uint32_t va, uint32_t v)
{
    __asm__ volatile("strt %0, [%1]" : : "r"(v), "r"(va) : "memory");
}

static uint32_t read_with_a(uint32_t va)
{
    uint32_t v = 0;
    __asm__ volatile("mrc p15, 0, r0, c1, c0, 0\n orr r0, r0, #2\n mcr p15, 0, r0, c1, c0, 0\n"
                     "isb\n ldr %0, [%1]\n"
                     "mrc p15, 0, r0, c1, c0, 0\n bic r0, r0, #2\n mcr p15, 0, r0, c1, c0, 0\n isb"
                     : "+r"(v)
                     : "r"(va)
                     : "r0", "memory");
    return v;
}

static void report(const char *what, uint32_t value)
{
    printf("%-28s value %08lx aborts %lu fsr %03lx far %08lx\n", what, (unsigned long)value,
           (unsigned long)abort_count, (unsigned long)(abort_count ? last_fsr : 0),
           (unsigned long)(abort_count ? last_far : 0));
    abort_count = 0;
}

static uint32_t section(uint32_t pa, unsigned ap, unsigned domain, bool xn)
{
    /* AP[1:0] in 11-10, AP[2] in 15, TEX=001 C=1 B=1 (normal memory), S. */
    return (pa & 0xfff00000u) | (ap & 3) << 10 | (ap >> 2) << 15 | domain << 5 | 1u << 12 |
           3u << 2 | (xn ? 1u << 4 : 0) | 2u;
}

static uint32_t small_page(uint32_t pa, unsigned ap, bool ng, bool xn)
{
    return (pa & 0xfffff000u) | (ap & 3) << 4 | (ap >> 2) << 9 | (ng ? 1u << 11 : 0) | 3u << 2 |
           1u << 6 | 2u | (xn ? 1u : 0);
}

static void set_asid(uint32_t asid)
{
    __asm__ volatile("mcr p15, 0, %0, c13, c0, 1\n isb" : : "r"(asid) : "memory");
}

static uint32_t va_to_pa(uint32_t va)
{
    uint32_t par;
    __asm__ volatile("mcr p15, 0, %1, c7, c8, 0\n isb\n mrc p15, 0, %0, c7, c4, 0"
                     : "=r"(par)
                     : "r"(va)
                     : "memory");
    return par;
}

static void mmu_on(void)
{
    /* Identity: RAM (with the image), the motherboard peripherals. */
    for (uint32_t mb = 0; mb < 256; mb++)
        l1[(RAM_BASE >> 20) + mb] = section(RAM_BASE + (mb << 20), 3, 0, false);
    l1[0x100] = (0x10000000u | 2u | 1u << 10 | 1u << 4); /* device, XN */
    uint32_t ttbr0 = (uint32_t)l1 | 0x59, dacr = 0x55555555u, ttbcr = 0;
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 0\n"
                     "mcr p15, 0, %1, c3, c0, 0\n"
                     "mcr p15, 0, %2, c2, c0, 2\n"
                     "isb\n"
                     "mcr p15, 0, %3, c8, c7, 0\n"
                     "mrc p15, 0, r0, c1, c0, 0\n"
                     "orr r0, r0, #1\n"
                     "mcr p15, 0, r0, c1, c0, 0\n"
                     "isb\n"
                     :
                     : "r"(ttbr0), "r"(dacr), "r"(ttbcr), "r"(0)
                     : "r0", "memory");
}

static void code_page_test(uint32_t va)
{
    /* Calls code at va ("mov r0, #42; bx lr"); if the fetch aborts, the handler resumes
     * right after the call. */
    uint32_t result;
    __asm__ volatile("mov r0, #0\n"
                     "adr r1, 1f\n"
                     "str r1, [%2]\n"
                     "blx %1\n"
                     "1: mov %0, r0"
                     : "=r"(result)
                     : "r"(va), "r"(&resume_address)
                     : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    report("xn fetch", result);
}

int main(void)
{
    printf("mmu v7 test\n");
    mmu_on();
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4096; j += 4)
            *(uint32_t *)&pages[i][j] = 0x11111111u * (i + 1) + j;
    for (int j = 0; j < 65536; j += 4)
        *(uint32_t *)&large[j] = 0xa0000000u + j;

    /* Sections with each AP, privileged and unprivileged accesses. */
    uint32_t buf = (uint32_t)pages[0] & 0xfff00000u;
    uint32_t off = (uint32_t)pages[0] & 0xfffffu;
    static const char *ap_names[8] = {"ap0", "ap1", "ap2", "ap3", "ap4", "ap5", "ap6", "ap7"};
    for (unsigned ap = 0; ap < 8; ap++) {
        if (ap == 4) continue; /* reserved */
        l1[0x800] = section(buf, ap, 0, false);
        tlb_flush();
        char name[40];
        snprintf(name, sizeof name, "section %s read", ap_names[ap]);
        report(name, read_word(0x80000000u + off));
        snprintf(name, sizeof name, "section %s write", ap_names[ap]);
        write_word(0x80000000u + off + 4, 0x12345678u);
        report(name, read_word((uint32_t)pages[0] + 4));
        snprintf(name, sizeof name, "section %s user read", ap_names[ap]);
        report(name, read_user(0x80000000u + off + 8));
        snprintf(name, sizeof name, "section %s user write", ap_names[ap]);
        write_user(0x80000000u + off + 12, 0x9abcdef0u);
        report(name, read_word((uint32_t)pages[0] + 12));
    }

    /* Domains: no access, client, manager (AP 0 ignored), reserved. */
    for (unsigned access = 0; access < 4; access++) {
        l1[0x800] = section(buf, 0, 5, false);
        uint32_t dacr = (0x55555555u & ~(3u << 10)) | access << 10;
        __asm__ volatile("mcr p15, 0, %0, c3, c0, 0\n isb" : : "r"(dacr) : "memory");
        tlb_flush();
        char name[40];
        snprintf(name, sizeof name, "domain 5 access %u", access);
        report(name, read_word(0x80000000u + off));
    }
    __asm__ volatile("mcr p15, 0, %0, c3, c0, 0\n isb" : : "r"(0x55555555u) : "memory");

    /* Second-level table: small pages, a large page, a fault entry. */
    memset(l2, 0, sizeof l2);
    l2[1] = small_page((uint32_t)pages[1], 3, false, false);
    l2[2] = small_page((uint32_t)pages[2], 2, false, false);
    for (int i = 16; i < 32; i++) /* 64 KiB large page at 0x81010000 */
        l2[i] = ((uint32_t)large & 0xffff0000u) | 3u << 4 | 1u << 2 | 1u;
    l1[0x810] = (uint32_t)l2 | 1u;
    tlb_flush();
    report("small page read", read_word(0x81001000u + 0x40));
    report("small page user write ap2", (write_user(0x81002000u, 1), read_word(0x81002000u)));
    report("large page read", read_word(0x81010000u + 0x4568));
    report("large page read end", read_word(0x8101fffcu));
    report("page translation fault", read_word(0x81003000u + 0x10));
    report("section translation fault", read_word(0x82000000u));
    write_word(0x81003010u, 5);
    report("page fault on write", 0);

    /* Supersection: 16 MiB at 0xa0000000 -> RAM_BASE. */
    for (int i = 0; i < 16; i++)
        l1[0xa00 + i] = (RAM_BASE & 0xff000000u) | 1u << 18 | 3u << 10 | 2u;
    tlb_flush();
    report("supersection read", read_word(0xa0000000u + ((uint32_t)pages[3] - RAM_BASE)));

    /* VA to PA. */
    report("par small page", va_to_pa(0x81001234u));
    report("par supersection", va_to_pa(0xa0123456u) & 0xfffff000u);
    report("par fault", va_to_pa(0x83000000u));

    /* XN: copy code into pages[3] and map it at 0x84000000 with and without XN. */
    static const uint32_t code[2] = {0xe3a0002a, 0xe12fff1e}; /* mov r0, #42; bx lr */
    memcpy(pages[3], code, sizeof code);
    __asm__ volatile("dsb\n mcr p15, 0, %0, c7, c5, 0\n isb" : : "r"(0) : "memory");
    static uint32_t l2b[256] __attribute__((aligned(1024)));
    memset(l2b, 0, sizeof l2b);
    l2b[0] = small_page((uint32_t)pages[3], 3, false, true);
    l2b[1] = small_page((uint32_t)pages[3], 3, false, false);
    l1[0x840] = (uint32_t)l2b | 1u;
    tlb_flush();
    code_page_test(0x84000000u);
    code_page_test(0x84001000u);
    l1[0x850] = section((uint32_t)pages[3] & 0xfff00000u, 3, 0, true);
    tlb_flush();
    code_page_test(0x85000000u + ((uint32_t)pages[3] & 0xfffffu));

    /* nG pages under two ASIDs. */
    static uint32_t l2c[256] __attribute__((aligned(1024)));
    memset(l2c, 0, sizeof l2c);
    l1[0x860] = (uint32_t)l2c | 1u;
    l2c[0] = small_page((uint32_t)pages[0], 3, true, false);
    set_asid(1);
    tlb_flush();
    report("asid 1 ng page", read_word(0x86000000u));
    l2c[0] = small_page((uint32_t)pages[1], 3, true, false);
    __asm__ volatile("dsb" ::: "memory");
    set_asid(2);
    report("asid 2 ng page", read_word(0x86000000u));
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 2\n dsb\n isb" : : "r"(1) : "memory");
    set_asid(1);
    report("asid 1 after tlbiasid", read_word(0x86000000u));
    set_asid(0);

    /* TTBCR.N = 1: the upper half of the address space through TTBR1. */
    memcpy(l1_high, l1, sizeof l1);
    l1_high[0x800] = section(((uint32_t)pages[2]) & 0xfff00000u, 3, 0, false);
    l1[0x800] = 0;
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 1\n"
                     "mcr p15, 0, %1, c2, c0, 2\n isb"
                     :
                     : "r"((uint32_t)l1_high | 0x59), "r"(1)
                     : "memory");
    tlb_flush();
    report("ttbr1 section", read_word(0x80000000u + ((uint32_t)pages[2] & 0xfffffu)));
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 2\n isb" : : "r"(1 | 1u << 5) : "memory");
    tlb_flush();
    report("ttbcr pd1", read_word(0x80000000u));
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 2\n isb" : : "r"(0) : "memory");
    tlb_flush();

    /* Alignment checking (nothing but the access runs with SCTLR.A set). */
    report("aligned with A", read_with_a((uint32_t)pages[1] + 8));
    report("misaligned with A", read_with_a((uint32_t)pages[1] + 9));
    report("misaligned without A", read_word((uint32_t)pages[1] + 9));

    uint32_t sctlr, ttbcr, contextidr;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
    __asm__ volatile("mrc p15, 0, %0, c2, c0, 2" : "=r"(ttbcr));
    __asm__ volatile("mrc p15, 0, %0, c13, c0, 1" : "=r"(contextidr));
    printf("sctlr %08lx ttbcr %lx contextidr %lx\n", (unsigned long)sctlr, (unsigned long)ttbcr,
           (unsigned long)contextidr);
    printf("done\n");
    return 0;
}
