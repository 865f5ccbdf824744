/*
 * memory.c: firmware reads and writes a TLM memory (example model at 0x30000000):
 * words, halfwords and bytes (byte lanes), load/store multiple, a copy to and from RAM.
 * The same output whether the accesses go through b_transport (with or without byte
 * enables) or DMI. An info line gives the time 1000 reads took (the memory's annotated
 * latency is charged to the guest).
 */
#include "fw/runtime.h"

#define MEM   ((volatile uint32_t *)TLM_MEMORY)
#define MEM16 ((volatile uint16_t *)TLM_MEMORY)
#define MEM8  ((volatile uint8_t *)TLM_MEMORY)

static uint32_t ram_buffer[256];

void fw_irq(void) {}

void fw_data_abort(uint32_t pc)
{
    puts_("unexpected data abort at ");
    put_hex(pc);
    puts_("\n");
    fw_exit(1);
}

static uint32_t pattern(uint32_t i)
{
    return i * 0x9e3779b9u ^ 0x5a5a5a5au;
}

int main(void)
{
    puts_("memory test\n");
    for (uint32_t i = 0; i < 1024; i++)
        MEM[i] = pattern(i);
    int ok = 1;
    for (uint32_t i = 0; i < 1024; i++)
        if (MEM[i] != pattern(i)) ok = 0;
    puts_("1024 words written and read back: ");
    put_yes_no(ok);
    puts_("\n");

    MEM[2048] = 0;
    MEM8[2048 * 4 + 0] = 0x11;
    MEM8[2048 * 4 + 3] = 0x44;
    MEM16[2048 * 2 + 1] = (uint16_t)((MEM16[2048 * 2 + 1] & 0xff00u) | 0x33u);
    MEM8[2048 * 4 + 1] = 0x22;
    puts_("bytes and halfwords into a word: ");
    put_hex(MEM[2048]);
    puts_("\n");
    puts_("its bytes: ");
    for (int i = 0; i < 4; i++) {
        put_hex(MEM8[2048 * 4 + i]);
        putc_(i < 3 ? ' ' : '\n');
    }
    puts_("its halfwords: ");
    put_hex(MEM16[2048 * 2]);
    putc_(' ');
    put_hex(MEM16[2048 * 2 + 1]);
    putc_('\n');

    /* Fixed registers: STM and LDM move them in register-number order. */
    register uint32_t a __asm__("r4") = 0xaaaa0001u;
    register uint32_t b __asm__("r5") = 0xbbbb0002u;
    register uint32_t c __asm__("r6") = 0xcccc0003u;
    register uint32_t d __asm__("r7") = 0xdddd0004u;
    volatile uint32_t *block = &MEM[3000];
    __asm__ volatile("stmia %4, {r4-r7}" : : "r"(a), "r"(b), "r"(c), "r"(d), "r"(block) : "memory");
    __asm__ volatile("mov r4, #0\n mov r5, #0\n mov r6, #0\n mov r7, #0\n ldmia %4, {r4-r7}"
                     : "=r"(a), "=r"(b), "=r"(c), "=r"(d)
                     : "r"(block)
                     : "memory");
    puts_("stm/ldm: ");
    put_hex(a);
    putc_(' ');
    put_hex(b);
    putc_(' ');
    put_hex(c);
    putc_(' ');
    put_hex(d);
    putc_('\n');

    for (uint32_t i = 0; i < 256; i++)
        ram_buffer[i] = MEM[i];
    for (uint32_t i = 0; i < 256; i++)
        MEM[4096 + i] = ram_buffer[255 - i];
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 256; i++)
        sum = sum * 31u + MEM[4096 + i];
    puts_("copy to RAM and back, reversed: checksum ");
    put_hex(sum);
    puts_("\n");

    uint64_t t0 = elapsed_ns();
    uint32_t x = 0;
    for (uint32_t i = 0; i < 1000; i++)
        x += MEM[i & 255];
    uint64_t t1 = elapsed_ns();
    puts_("1000 reads: sum ");
    put_hex(x);
    puts_("\ninfo: reads_ns=");
    put_dec(t1 - t0);
    puts_("\n");
    return 0;
}
