/*
 * vx_snapshot.c: firmware for snapshots on vexpress-a9 (tests/lua/snapshot_vexpress.lua),
 * built as Thumb-2 with VFP and NEON. It keeps as much Cortex-A9 and board state busy as
 * it can, so that a run restored from a snapshot taken anywhere must continue exactly as
 * the uninterrupted run did:
 *   - the MMU on (v7 short descriptors, RAM non-global under ASID 5, TPIDRURW set), part
 *     of the work in user mode;
 *   - three timers interrupting through the GIC (private timer, global timer, SP804), the
 *     handler hashing where each interrupt landed;
 *   - VFP and NEON arithmetic, LDREX/STREX atomics, IT blocks, SEV/WFE, WFE sleeps;
 *   - a phase with IRQs masked while a timer interrupt is pending (pending_point());
 *   - device registers written early and read back at the end (SCU, PL310, sysregs,
 *     PL180), a LAN9118 loopback frame queued early and received late, and with an SD
 *     card (vexpress_sd.dts) a multiple-block read spread over the whole run.
 */
#include <arm_neon.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/exceptions.h"
#include "vx_devices.h"

#define SCU_CONTROL VX_REG(VX_SCU + 0x00)
#define L2C_AUX     VX_REG(VX_L2C + 0x104)
#define L2C_PREF    VX_REG(VX_L2C + 0xf60)
#define SYS_LED     VX_REG(VX_SYSREGS + 0x08)
#define SYS_FLAGS   VX_REG(VX_SYSREGS + 0x30)
#define SYS_24MHZ   VX_REG(VX_SYSREGS + 0x5c)
#define SYS_MCI     VX_REG(VX_SYSREGS + 0x48)
#define MCI_POWER   VX_REG(VX_MMCI + 0x00)
#define MCI_CLOCK   VX_REG(VX_MMCI + 0x04)
#define MCI_ARG     VX_REG(VX_MMCI + 0x08)
#define MCI_COMMAND VX_REG(VX_MMCI + 0x0c)
#define MCI_RESP0   VX_REG(VX_MMCI + 0x14)
#define MCI_DTIMER  VX_REG(VX_MMCI + 0x24)
#define MCI_DLENGTH VX_REG(VX_MMCI + 0x28)
#define MCI_DCTRL   VX_REG(VX_MMCI + 0x2c)
#define MCI_STATUS  VX_REG(VX_MMCI + 0x34)
#define MCI_CLEAR   VX_REG(VX_MMCI + 0x38)
#define MCI_MASK0   VX_REG(VX_MMCI + 0x3c)
#define MCI_FIFO    VX_REG(VX_MMCI + 0x80)

#define LAN_RX_DATA     VX_REG(VX_LAN + 0x00)
#define LAN_TX_DATA     VX_REG(VX_LAN + 0x20)
#define LAN_RX_STATUS   VX_REG(VX_LAN + 0x40)
#define LAN_TX_CFG      VX_REG(VX_LAN + 0x70)
#define LAN_RX_FIFO_INF VX_REG(VX_LAN + 0x7c)
#define LAN_MAC_CSR_CMD VX_REG(VX_LAN + 0xa4)
#define LAN_MAC_CSR_DAT VX_REG(VX_LAN + 0xa8)

#define ASID       5u
#define ROUNDS     48
#define DATA_WORDS 256

static uint32_t page_table[4096] __attribute__((aligned(16384)));
static float samples[DATA_WORDS] __attribute__((aligned(16)));
static uint32_t words[DATA_WORDS];
static volatile uint32_t shared_counter;

/* ---- the MMU: a flat map, RAM non-global (user code runs under the ASID) ---- */

static void mmu_on(void)
{
    for (uint32_t mb = 0; mb < 4096; mb++) {
        uint32_t base = mb << 20;
        if (mb >= 0x600 && mb < 0x640)
            page_table[mb] = base | 1u << 17 | 3u << 10 | 1u << 3 | 1u << 2 | 2; /* nG, RW */
        else if (mb == 0x100 || mb == 0x1e0 || mb == 0x4e0)
            page_table[mb] = base | 3u << 10 | 1u << 4 | 1u << 2 | 2; /* device, XN */
        else
            page_table[mb] = 0; /* fault */
    }
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 2" : : "r"(0));                 /* TTBCR: N = 0 */
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 0" : : "r"(page_table));        /* TTBR0 */
    __asm__ volatile("mcr p15, 0, %0, c3, c0, 0" : : "r"(1));                 /* DACR: client */
    __asm__ volatile("mcr p15, 0, %0, c13, c0, 1" : : "r"(ASID));             /* CONTEXTIDR */
    __asm__ volatile("mcr p15, 0, %0, c13, c0, 2" : : "r"(0x5eed1234u));      /* TPIDRURW */
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 0\nisb" : : "r"(0) : "memory"); /* TLBIALL */
    uint32_t sctlr;
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
    sctlr |= 1u << 0 | 1u << 2 | 1u << 12; /* M, C, I */
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 0\nisb" : : "r"(sctlr) : "memory");
}

static uint32_t read_tpidrurw(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c13, c0, 2" : "=r"(v));
    return v;
}

static uint32_t read_contextidr(void)
{
    uint32_t v;
    __asm__ volatile("mrc p15, 0, %0, c13, c0, 1" : "=r"(v));
    return v;
}

/* ---- devices written early, read back late ---- */

static void devices_setup(void)
{
    SCU_CONTROL = 1;
    L2C_AUX = 0x02070000u;
    L2C_PREF = 0x30000007u;
    SYS_LED = 0xa5;
    SYS_FLAGS = 0x60000000u;
    MCI_POWER = 0x83;
    MCI_CLOCK = 0x1ff;
    MCI_MASK0 = 0x3ff;
}

static void lan_csr_write(uint32_t index, uint32_t value)
{
    LAN_MAC_CSR_DAT = value;
    LAN_MAC_CSR_CMD = 1u << 31 | index;
}

/* A 64-byte broadcast frame sent in MAC loopback: it waits in the receive FIFO. */
static void lan_send(void)
{
    lan_csr_write(1, 1u << 21 | 1u << 3 | 1u << 2); /* MAC_CR: loopback, TXEN, RXEN */
    LAN_TX_CFG = 2;                                 /* TX_ON */
    uint8_t frame[64];
    for (int i = 0; i < 64; i++)
        frame[i] = i < 6 ? 0xff : (uint8_t)(i * 7 + 3);
    LAN_TX_DATA = 1u << 13 | 1u << 12 | 64; /* command A: first, last, 64 bytes */
    LAN_TX_DATA = 0x5a5a0000u | 64;         /* command B: tag, packet length */
    for (int i = 0; i < 64; i += 4)
        LAN_TX_DATA = (uint32_t)frame[i] | (uint32_t)frame[i + 1] << 8 |
                      (uint32_t)frame[i + 2] << 16 | (uint32_t)frame[i + 3] << 24;
}

static uint32_t lan_receive(void)
{
    if (((LAN_RX_FIFO_INF >> 16) & 0xff) == 0) return 0;
    uint32_t length = (LAN_RX_STATUS >> 16) & 0x3fff, sum = length;
    for (uint32_t i = 0; i < (length + 3) / 4; i++)
        sum = sum * 31 + LAN_RX_DATA;
    return sum;
}

/* ---- an SD card (when the board has one): a multiple-block read spread over the rounds,
 * a FIFO's worth per round, so that snapshots fall in the middle of the transfer ---- */

enum { CMD_RESPONSE = 1u << 6, CMD_LONG = 1u << 7, CMD_ENABLE = 1u << 10 };
enum { ST_TIMEOUT = 1u << 2, ST_DATA_END = 1u << 8, ST_RX_AVAILABLE = 1u << 21 };
#define SD_BYTES 2048u

static int sd_reading;
static uint32_t sd_sum, sd_words;

static int sd_command(uint32_t index, uint32_t arg, uint32_t flags)
{
    MCI_CLEAR = 0x7ff;
    MCI_ARG = arg;
    MCI_COMMAND = index | flags | CMD_ENABLE;
    return MCI_STATUS & ST_TIMEOUT ? -1 : 0;
}

static void sd_start(void)
{
    if (!(SYS_MCI & 1)) return; /* no card */
    sd_command(0, 0, 0);
    sd_command(8, 0x1aa, CMD_RESPONSE);
    for (int i = 0; i < 100; i++) {
        sd_command(55, 0, CMD_RESPONSE);
        if (sd_command(41, 0x00ff8000u, CMD_RESPONSE) == 0 && (MCI_RESP0 & 1u << 31)) break;
    }
    sd_command(2, 0, CMD_RESPONSE | CMD_LONG);
    sd_command(3, 0, CMD_RESPONSE);
    sd_command(7, MCI_RESP0 & 0xffff0000u, CMD_RESPONSE);
    MCI_DTIMER = 0xffffffffu;
    MCI_DLENGTH = SD_BYTES;
    MCI_DCTRL = 1 | 2 | 9 << 4; /* enable, from the card, 512-byte blocks */
    sd_reading = sd_command(18, 0, CMD_RESPONSE) == 0;
}

static void sd_step(void)
{
    if (!sd_reading) return;
    for (int i = 0; i < 16 && (MCI_STATUS & ST_RX_AVAILABLE); i++) {
        sd_sum = sd_sum * 33 + MCI_FIFO;
        sd_words++;
    }
    if (MCI_STATUS & ST_DATA_END) {
        sd_command(12, 0, CMD_RESPONSE);
        sd_reading = 0;
    }
}

/* ---- the work: NEON, VFP, atomics, IT blocks ---- */

static float neon_dot(const float *a, int n)
{
    float32x4_t acc = vdupq_n_f32(0);
    for (int i = 0; i + 4 <= n; i += 4)
        acc = vmlaq_f32(acc, vld1q_f32(a + i), vld1q_f32(a + (i + 8) % n));
    float32x2_t pair = vadd_f32(vget_low_f32(acc), vget_high_f32(acc));
    return vget_lane_f32(vpadd_f32(pair, pair), 0);
}

static double vfp_series(int round)
{
    double x = 1.0 / (round + 3), acc = 0;
    for (int k = 1; k < 40; k++)
        acc += (k & 1 ? x : -x) / k, x *= 0.75;
    return acc;
}

/* Branch-free min/max and conditionals: IT blocks in Thumb-2 at -O2. */
static uint32_t mix_words(uint32_t seed)
{
    uint32_t lo = 0xffffffffu, hi = 0, h = seed;
    for (int i = 0; i < DATA_WORDS; i++) {
        uint32_t w = words[i] ^ h;
        lo = w < lo ? w : lo;
        hi = w > hi ? w : hi;
        h = (h << 5 | h >> 27) + (w & 1 ? w : ~w);
        words[i] = w;
    }
    return h ^ lo ^ hi;
}

static uint32_t user_work(uint32_t seed)
{
    uint32_t h = seed;
    for (int i = 0; i < 2000; i++)
        h = h * 1103515245u + 12345u + (h >> 16 > 0x4000 ? 7 : 3);
    return h;
}

__attribute__((noinline)) void pending_point(void)
{
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void wfe_phase(void)
{
    uint32_t until = vx_ticks_seen.twd + 6;
    __asm__ volatile("sev\nwfe" ::: "memory"); /* the event is set: no sleep */
    while (vx_ticks_seen.twd < until)
        __asm__ volatile("wfe" ::: "memory");
}

int main(void)
{
    mmu_on();
    devices_setup();
    for (int i = 0; i < DATA_WORDS; i++) {
        samples[i] = (float)(i % 17) * 0.25f - 1.5f;
        words[i] = (uint32_t)i * 2654435761u;
    }
    printf("vx_snapshot: MMU on, ASID %lu\n", (unsigned long)(read_contextidr() & 0xff));
    vx_irq_init();
    vx_timers_start();
    fw_enable_interrupts();
    lan_send();
    sd_start();

    uint32_t h = 0;
    double series = 0;
    float dot = 0;
    for (int round = 0; round < ROUNDS; round++) {
        vx_progress = (uint32_t)round << 16;
        dot += neon_dot(samples, DATA_WORDS);
        vx_progress++;
        series += vfp_series(round);
        vx_progress++;
        h ^= mix_words(h + (uint32_t)round);
        vx_progress++;
        __atomic_fetch_add(&shared_counter, h & 0xff, __ATOMIC_SEQ_CST);
        sd_step();
        if (round % 8 == 3) h += fw_run_user(user_work, h);
        if (round == ROUNDS / 2) {
            fw_disable_interrupts();
            while (!vx_irq_pending()) {
            }
            pending_point();
            fw_enable_interrupts();
            wfe_phase();
        }
        if (round % 12 == 0) printf("round %d: %08lx\n", round, (unsigned long)h);
    }
    fw_disable_interrupts();
    vx_timers_stop();

    printf("work: hash %08lx, counter %lu, dot %.4f, series %.9f\n", (unsigned long)h,
           (unsigned long)shared_counter, (double)dot, series);
    printf("irqs: twd %lu, gt %lu, timer0 %lu, other %lu, hash %08lx\n",
           (unsigned long)vx_ticks_seen.twd, (unsigned long)vx_ticks_seen.gt,
           (unsigned long)vx_ticks_seen.timer0, (unsigned long)vx_ticks_seen.other,
           (unsigned long)vx_ticks_seen.hash);
    printf("lan: %08lx\n", (unsigned long)lan_receive());
    printf("sd: %lu words, %08lx\n", (unsigned long)sd_words, (unsigned long)sd_sum);
    printf("devices: scu %lx, l2c %08lx %08lx, led %02lx, flags %08lx, mci %lx %lx %lx\n",
           (unsigned long)SCU_CONTROL, (unsigned long)L2C_AUX, (unsigned long)L2C_PREF,
           (unsigned long)SYS_LED, (unsigned long)SYS_FLAGS, (unsigned long)MCI_POWER,
           (unsigned long)MCI_CLOCK, (unsigned long)MCI_MASK0);
    printf("cp15: tpidrurw %08lx, 24MHz counter %lu\n", (unsigned long)read_tpidrurw(),
           (unsigned long)SYS_24MHZ);
    printf("done\n");
    return 0;
}
