/*
 * dma.c: the TLM DMA engine (0x30200000, VIC input 17) copies buffers in guest memory and
 * signals completion with an interrupt. Checks: the copy, the engine's status, that it
 * started at the time of the firmware's write, took at least its per-byte time, read the
 * source through DMI, and that the interrupt came after it completed.
 */
#include "fw/runtime.h"

#define D_SRC       REG(TLM_DMA + 0x00)
#define D_DST       REG(TLM_DMA + 0x04)
#define D_LEN       REG(TLM_DMA + 0x08)
#define D_CTRL      REG(TLM_DMA + 0x0c)
#define D_STATUS    REG(TLM_DMA + 0x10)
#define D_START_LO  REG(TLM_DMA + 0x14)
#define D_START_HI  REG(TLM_DMA + 0x18)
#define D_DONE_LO   REG(TLM_DMA + 0x1c)
#define D_DONE_HI   REG(TLM_DMA + 0x20)
#define D_DMI_BYTES REG(TLM_DMA + 0x24)

static uint8_t source[4096] __attribute__((aligned(4)));
static uint8_t destination[4096 + 64] __attribute__((aligned(4)));
static volatile uint32_t irqs, status_in_handler;
static volatile uint64_t seen_at;

void fw_irq(void)
{
    uint64_t now = elapsed_ns();
    if (VIC_IRQSTATUS & (1u << IRQ_DMA)) {
        irqs++;
        seen_at = now;
        status_in_handler = D_STATUS;
        D_STATUS = 6; /* clear done and error: the line drops */
    }
}

void fw_data_abort(uint32_t pc)
{
    puts_("unexpected data abort at ");
    put_hex(pc);
    puts_("\n");
    fw_exit(1);
}

static uint64_t read64(volatile uint32_t *lo, volatile uint32_t *hi)
{
    uint32_t low = *lo;
    return (uint64_t)*hi << 32 | low;
}

static void transfer(int n, uint32_t src_offset, uint32_t dst_offset, uint32_t len)
{
    for (uint32_t i = 0; i < sizeof(source); i++)
        source[i] = (uint8_t)(i * 7u + (uint32_t)n);
    for (uint32_t i = 0; i < sizeof(destination); i++)
        destination[i] = 0xee;
    irqs = 0;
    uint32_t dmi_before = D_DMI_BYTES;
    D_SRC = (uint32_t)&source[src_offset];
    D_DST = (uint32_t)&destination[dst_offset];
    D_LEN = len;
    uint64_t before = elapsed_ns();
    D_CTRL = 3; /* start, interrupt enabled */
    uint64_t after = elapsed_ns();
    uint32_t busy = D_STATUS & 1u;
    while (irqs == 0) {
        wait_for_interrupt();
        irq_enable();
        irq_disable();
    }
    int same = 1, untouched = 1;
    for (uint32_t i = 0; i < len; i++)
        if (destination[dst_offset + i] != source[src_offset + i]) same = 0;
    for (uint32_t i = 0; i < sizeof(destination); i++)
        if ((i < dst_offset || i >= dst_offset + len) && destination[i] != 0xee) untouched = 0;
    uint64_t start = read64(&D_START_LO, &D_START_HI), done = read64(&D_DONE_LO, &D_DONE_HI);
    puts_("transfer ");
    put_dec((uint64_t)n);
    puts_(" (");
    put_dec(len);
    puts_(" bytes): busy after start: ");
    put_yes_no(busy);
    puts_(", done: ");
    put_yes_no((status_in_handler & 6u) == 2u);
    puts_(", copy right: ");
    put_yes_no(same && untouched);
    puts_("\n  started at the write: ");
    put_yes_no(before <= start && start <= after);
    puts_(", took at least 1 ns per byte: ");
    put_yes_no(done - start >= len);
    puts_(", interrupt after completion: ");
    put_yes_no(seen_at >= done);
    puts_(", source read through DMI: ");
    put_yes_no(D_DMI_BYTES - dmi_before > 0);
    puts_("\ninfo: start_ns=");
    put_dec(start);
    puts_(" done_ns=");
    put_dec(done);
    puts_(" seen_ns=");
    put_dec(seen_at);
    puts_("\n");
}

int main(void)
{
    puts_("dma test\n");
    VIC_INTSELECT = 0;
    VIC_INTENABLE = 1u << IRQ_DMA;
    transfer(1, 0, 0, 4096);
    transfer(2, 3, 17, 13);
    transfer(3, 100, 1, 1000);
    puts_("interrupts per transfer: ");
    put_dec(irqs);
    puts_("\n");
    return 0;
}
