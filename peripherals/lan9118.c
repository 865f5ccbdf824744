/*
 * lan9118.c: the SMSC LAN9118 10/100 Ethernet controller (directly mapped 32-bit
 * registers, as on the Versatile Express motherboard) with its internal PHY, connected to
 * a network backend (core/net.h) named by the node's `brassboard,net` ("user" or "none";
 * `--net` sets it; without it the cable is plugged into nothing and frames are dropped).
 *
 * Transmit: the driver writes TX command A and B and the buffer's data words into the TX
 * data FIFO; a frame is sent when its last segment is complete, and a TX status word
 * (the packet tag) is queued unless TXSAO is set. Receive: frames from the backend are
 * queued (up to the RX FIFO's capacity) with a status word each (length including the
 * 4-byte FCS, which the data carries as zeros) while MAC_CR.RXEN is set and the address
 * filter accepts them (own address, broadcast, multicast, or promiscuous); data words are
 * read from the RX data FIFO after RX_CFG's offset bytes. The MAC registers (MAC_CR,
 * address, hash, MII access) sit behind MAC_CSR_CMD/DATA; the PHY (address 1) reports a
 * 100 Mb/s full-duplex link with autonegotiation complete. The interrupt output is
 * INT_STS & INT_EN while IRQ_CFG.IRQ_EN is set (the board wires it active-high).
 * Frames sent with the PHY or the MAC in loopback come back to the receiver (Linux's
 * driver tests the PHY that way). EEPROM, power management, GPIOs and the
 * general-purpose timer are registers only.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/net.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    RX_DATA_FIFO = 0x00, /* 0x00-0x1c */
    TX_DATA_FIFO = 0x20, /* 0x20-0x3c */
    RX_STATUS_FIFO = 0x40,
    RX_STATUS_PEEK = 0x44,
    TX_STATUS_FIFO = 0x48,
    TX_STATUS_PEEK = 0x4c,
    ID_REV = 0x50,
    IRQ_CFG = 0x54,
    INT_STS = 0x58,
    INT_EN = 0x5c,
    BYTE_TEST = 0x64,
    FIFO_INT = 0x68,
    RX_CFG = 0x6c,
    TX_CFG = 0x70,
    HW_CFG = 0x74,
    RX_DP_CTRL = 0x78,
    RX_FIFO_INF = 0x7c,
    TX_FIFO_INF = 0x80,
    PMT_CTRL = 0x84,
    GPIO_CFG = 0x88,
    GPT_CFG = 0x8c,
    GPT_CNT = 0x90,
    WORD_SWAP = 0x98,
    FREE_RUN = 0x9c,
    RX_DROP = 0xa0,
    MAC_CSR_CMD = 0xa4,
    MAC_CSR_DATA = 0xa8,
    AFC_CFG = 0xac,
    E2P_CMD = 0xb0,
    E2P_DATA = 0xb4,
};

/* MAC control and status registers (MAC_CSR_CMD index). */
enum { MAC_CR = 1, ADDRH, ADDRL, HASHH, HASHL, MII_ACC, MII_DATA, FLOW, VLAN1, VLAN2, WUFF, WUCSR };

enum {
    INT_RSFL = 1u << 3,
    INT_TSFL = 1u << 7,
    INT_TDFA = 1u << 9,
    INT_RXE = 1u << 14,
    INT_TXE = 1u << 13,
    INT_PHY = 1u << 18,
    INT_RXSTOP = 1u << 24,
    INT_TXSTOP = 1u << 25,
    INT_SW = 1u << 31,
    IRQ_CFG_EN = 1u << 8,
    IRQ_CFG_INT = 1u << 12,
    MAC_CR_RXEN = 1u << 2,
    MAC_CR_TXEN = 1u << 3,
    MAC_CR_PRMS = 1u << 18,
    MAC_CR_MCPAS = 1u << 19,
    MAC_CR_LOOPBK = 1u << 21,
    PHY_LOOPBACK = 1u << 14,
    TX_CFG_STOP = 1u << 0,
    TX_CFG_ON = 1u << 1,
    TX_CFG_TXSAO = 1u << 2,
    TX_CFG_TXD_DUMP = 1u << 14,
    TX_CFG_TXS_DUMP = 1u << 15,
    HW_CFG_SRST = 1u << 0,
    HW_CFG_RESET = 0x00050000u, /* TX FIFO size 5 KiB */
    RX_CFG_DUMP = 1u << 15,
    RX_DP_FFWD = 1u << 31,
    CSR_BUSY = 1u << 31,
    CSR_READ = 1u << 30,
    PMT_READY = 1u << 0,
    PMT_PHY_RESET = 1u << 10,
    TX_CMD_A_LAST = 1u << 12,
    TX_CMD_A_FIRST = 1u << 13,
};

#define ID_REV_VALUE    0x01180001u
#define BYTE_TEST_VALUE 0x87654321u
#define MAX_FRAME       2048
#define RX_FIFO_BYTES   10560u /* with the default 5 KiB TX FIFO */
#define TX_FIFO_BYTES   4608u
#define RX_QUEUE        32
#define TX_STATUS_MAX   32
#define PHY_ADDRESS     1

typedef struct rx_frame {
    uint16_t len; /* with FCS */
    uint8_t data[MAX_FRAME + 4];
} rx_frame;

typedef struct lan9118 {
    bb_device dev;
    bb_net *net;
    uint8_t mac[6];
    uint32_t irq_cfg, int_sts, int_en, fifo_int, rx_cfg, tx_cfg, hw_cfg, gpio_cfg, gpt_cfg;
    uint32_t word_swap, rx_drop, mac_csr_cmd, mac_csr_data, afc_cfg, e2p_cmd, e2p_data, pmt;
    uint32_t mac_cr, hash[2], mii_acc, mii_data, flow, vlan[2], wuff, wucsr;
    uint16_t phy_bmcr, phy_anar, phy_int_mask, phy_int_src;
    /* transmit */
    uint8_t tx_frame[MAX_FRAME];
    uint32_t tx_len; /* bytes of the frame gathered so far */
    uint32_t tx_cmd_a, tx_cmd_b;
    int tx_state; /* 0: expecting A, 1: B, 2: data */
    uint32_t tx_words_left, tx_skip;
    uint32_t tx_status[TX_STATUS_MAX];
    int tx_status_count;
    /* receive */
    rx_frame *rx; /* RX_QUEUE frames */
    int rx_head, rx_count;
    uint32_t rx_bytes;     /* data bytes queued (for RX_FIFO_INF) */
    uint32_t rx_pos;       /* bytes of the head frame already read (with the offset) */
    bool rx_status_popped; /* the head frame's status was read */
} lan9118;

static void log_guest_error(lan9118 *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%02llx", s->dev.name,
                  what, (unsigned long long)offset);
}

static void update_irq(lan9118 *s)
{
    bool level = (s->int_sts & s->int_en) != 0;
    if (level)
        s->irq_cfg |= IRQ_CFG_INT;
    else
        s->irq_cfg &= ~IRQ_CFG_INT;
    bb_irq_set(&s->dev.irq_out[0], level && (s->irq_cfg & IRQ_CFG_EN));
}

/* RX status FIFO entries not yet read (the head frame's counts until its status is read). */
static int rx_status_used(const lan9118 *s)
{
    return s->rx_count - (s->rx_status_popped ? 1 : 0);
}

static void update_levels(lan9118 *s)
{
    if (rx_status_used(s) > (int)(s->fifo_int & 0xff)) s->int_sts |= INT_RSFL;
    if (s->tx_status_count > (int)((s->fifo_int >> 16) & 0xff)) s->int_sts |= INT_TSFL;
    if ((TX_FIFO_BYTES - s->tx_len) / 64 > ((s->fifo_int >> 24) & 0xff)) s->int_sts |= INT_TDFA;
    update_irq(s);
}

/* --- receive --- */

static bool accepts(const lan9118 *s, const uint8_t *frame)
{
    if (s->mac_cr & MAC_CR_PRMS) return true;
    if (frame[0] & 1) return true; /* broadcast and multicast (hash filter not applied) */
    return memcmp(frame, s->mac, 6) == 0;
}

static void frame_arrived(void *opaque, const uint8_t *frame, size_t len)
{
    lan9118 *s = opaque;
    if (!(s->mac_cr & MAC_CR_RXEN) || len < 14 || len > MAX_FRAME || !accepts(s, frame)) return;
    uint32_t padded = (uint32_t)len + 4;
    if (s->rx_count == RX_QUEUE || s->rx_bytes + padded > RX_FIFO_BYTES) {
        s->rx_drop++;
        return;
    }
    rx_frame *f = &s->rx[(s->rx_head + s->rx_count) % RX_QUEUE];
    memcpy(f->data, frame, len);
    memset(f->data + len, 0, 4); /* FCS */
    f->len = (uint16_t)padded;
    s->rx_count++;
    s->rx_bytes += padded;
    update_levels(s);
}

static void drop_head_frame(lan9118 *s)
{
    if (s->rx_count == 0) return;
    s->rx_bytes -= s->rx[s->rx_head].len;
    s->rx_head = (s->rx_head + 1) % RX_QUEUE;
    s->rx_count--;
    s->rx_pos = 0;
    s->rx_status_popped = false;
}

static uint32_t rx_status_of(const rx_frame *f)
{
    uint32_t status = (uint32_t)f->len << 16;
    if (f->data[0] & 1)
        status |= f->data[0] == 0xff ? 1u << 13 : 1u << 10; /* broadcast / multicast */
    status |= 1u << 5;                                      /* frame type: Ethernet */
    return status;
}

static uint32_t pop_rx_status(lan9118 *s, bool peek)
{
    if (rx_status_used(s) == 0) return 0;
    if (s->rx_status_popped) { /* the head frame is being read: the next one's status */
        if (s->rx_count < 2) return 0;
        log_guest_error(s, "RX status read before the previous frame's data", RX_STATUS_FIFO);
        drop_head_frame(s);
    }
    uint32_t status = rx_status_of(&s->rx[s->rx_head]);
    if (!peek) {
        s->rx_status_popped = true;
        s->rx_pos = 0;
        s->int_sts &= ~INT_RSFL;
        update_levels(s);
    }
    return status;
}

static uint32_t read_rx_data(lan9118 *s)
{
    if (!s->rx_status_popped || s->rx_count == 0) {
        log_guest_error(s, "RX data read with no frame", RX_DATA_FIFO);
        return 0;
    }
    rx_frame *f = &s->rx[s->rx_head];
    uint32_t offset = (s->rx_cfg >> 8) & 0x1f;
    uint32_t total = offset + f->len, word = 0;
    for (int i = 0; i < 4; i++, s->rx_pos++)
        if (s->rx_pos >= offset && s->rx_pos < total)
            word |= (uint32_t)f->data[s->rx_pos - offset] << (8 * i);
    if (s->rx_pos >= total) {
        drop_head_frame(s);
        update_levels(s);
    }
    return word;
}

static void fast_forward(lan9118 *s)
{
    if (s->rx_status_popped) {
        drop_head_frame(s);
        update_levels(s);
    }
}

/* --- transmit --- */

static void frame_complete(lan9118 *s)
{
    uint32_t len = s->tx_cmd_b & 0x7ff;
    if (len > s->tx_len) len = s->tx_len;
    if (!(s->mac_cr & MAC_CR_TXEN)) {
        /* not sent */
    } else if ((s->phy_bmcr & PHY_LOOPBACK) || (s->mac_cr & MAC_CR_LOOPBK)) {
        frame_arrived(s, s->tx_frame, len); /* the driver's loopback self-test */
    } else if (s->net) {
        bb_net_send(s->net, s->tx_frame, len);
    }
    if (!(s->tx_cfg & TX_CFG_TXSAO)) {
        if (s->tx_status_count < TX_STATUS_MAX)
            s->tx_status[s->tx_status_count++] = s->tx_cmd_b & 0xffff0000u;
    }
    s->tx_len = 0;
}

static void write_tx_data(lan9118 *s, uint32_t value)
{
    if (!(s->tx_cfg & TX_CFG_ON)) {
        log_guest_error(s, "TX data written with the transmitter off", TX_DATA_FIFO);
        return;
    }
    switch (s->tx_state) {
    case 0:
        s->tx_cmd_a = value;
        if (value & TX_CMD_A_FIRST) s->tx_len = 0;
        s->tx_state = 1;
        return;
    case 1: {
        s->tx_cmd_b = value;
        uint32_t offset = (s->tx_cmd_a >> 16) & 0x1f, size = s->tx_cmd_a & 0x7ff;
        s->tx_skip = offset;
        s->tx_words_left = (offset + size + 3) / 4;
        uint32_t end_align = (s->tx_cmd_a >> 24) & 3; /* 4, 16 or 32 byte end alignment */
        static const uint32_t align_words[4] = {1, 4, 8, 1};
        uint32_t aw = align_words[end_align];
        s->tx_words_left = (s->tx_words_left + aw - 1) / aw * aw;
        s->tx_state = 2;
        if (s->tx_words_left) return;
        break;
    }
    default: {
        uint32_t size = s->tx_cmd_a & 0x7ff;
        for (int i = 0; i < 4; i++) {
            if (s->tx_skip) {
                s->tx_skip--;
                continue;
            }
            if (size == 0) break;
            /* bytes of this buffer still expected: size counts down as data arrives */
            if (s->tx_len < MAX_FRAME) s->tx_frame[s->tx_len++] = (uint8_t)(value >> (8 * i));
            size--;
        }
        s->tx_cmd_a = (s->tx_cmd_a & ~0x7ffu) | size;
        if (--s->tx_words_left) return;
        break;
    }
    }
    s->tx_state = 0;
    if (s->tx_cmd_a & TX_CMD_A_LAST) frame_complete(s);
    update_levels(s);
}

static uint32_t pop_tx_status(lan9118 *s, bool peek)
{
    if (s->tx_status_count == 0) return 0;
    uint32_t status = s->tx_status[0];
    if (!peek) {
        memmove(s->tx_status, s->tx_status + 1, (size_t)(--s->tx_status_count) * 4);
        s->int_sts &= ~INT_TSFL;
        update_levels(s);
    }
    return status;
}

/* --- MAC CSRs and the PHY --- */

static void reset_phy(lan9118 *s)
{
    s->phy_bmcr = 0x3000; /* 100 Mb/s, autonegotiation on */
    s->phy_anar = 0x01e1;
    s->phy_int_mask = 0;
    s->phy_int_src = 0;
}

static uint16_t phy_read(lan9118 *s, unsigned reg)
{
    switch (reg) {
    case 0: return s->phy_bmcr;
    case 1: return 0x782d; /* 10/100 capable, autoneg complete, link up */
    case 2: return 0x0007;
    case 3: return 0xc0d1;
    case 4: return s->phy_anar;
    case 5: return 0x45e1; /* partner: 10/100, full and half duplex */
    case 6: return 0x0001;
    case 29: {
        uint16_t src = s->phy_int_src;
        s->phy_int_src = 0;
        return src;
    }
    case 30: return s->phy_int_mask;
    case 31: return 0x0058; /* 100BASE-TX full duplex, autodone */
    }
    return 0;
}

static void phy_write(lan9118 *s, unsigned reg, uint16_t value)
{
    switch (reg) {
    case 0:
        if (value & 0x8000) reset_phy(s);
        s->phy_bmcr = value & ~0x8200u; /* reset and restart-autoneg self-clear */
        if (value & 0x0200) s->phy_int_src |= 0x40;
        break;
    case 4: s->phy_anar = value; break;
    case 30: s->phy_int_mask = value; break;
    }
}

static void mii_access(lan9118 *s)
{
    unsigned phy = (s->mii_acc >> 11) & 0x1f, reg = (s->mii_acc >> 6) & 0x1f;
    bool write = s->mii_acc & 2;
    if (phy != PHY_ADDRESS) {
        if (!write) s->mii_data = 0xffff;
    } else if (write) {
        phy_write(s, reg, (uint16_t)s->mii_data);
    } else {
        s->mii_data = phy_read(s, reg);
    }
    s->mii_acc &= ~1u; /* not busy */
}

static uint32_t *mac_csr(lan9118 *s, unsigned index)
{
    switch (index) {
    case MAC_CR: return &s->mac_cr;
    case HASHH: return &s->hash[1];
    case HASHL: return &s->hash[0];
    case MII_ACC: return &s->mii_acc;
    case MII_DATA: return &s->mii_data;
    case FLOW: return &s->flow;
    case VLAN1: return &s->vlan[0];
    case VLAN2: return &s->vlan[1];
    case WUFF: return &s->wuff;
    case WUCSR: return &s->wucsr;
    }
    return NULL;
}

static void csr_command(lan9118 *s, uint32_t cmd)
{
    unsigned index = cmd & 0xff;
    s->mac_csr_cmd = cmd & ~CSR_BUSY;
    if (!(cmd & CSR_BUSY)) return;
    if (cmd & CSR_READ) {
        if (index == ADDRH)
            s->mac_csr_data = (uint32_t)s->mac[4] | (uint32_t)s->mac[5] << 8;
        else if (index == ADDRL)
            s->mac_csr_data = (uint32_t)s->mac[0] | (uint32_t)s->mac[1] << 8 |
                              (uint32_t)s->mac[2] << 16 | (uint32_t)s->mac[3] << 24;
        else {
            uint32_t *reg = mac_csr(s, index);
            s->mac_csr_data = reg ? *reg : 0;
        }
        return;
    }
    uint32_t v = s->mac_csr_data;
    if (index == ADDRH) {
        s->mac[4] = (uint8_t)v;
        s->mac[5] = (uint8_t)(v >> 8);
    } else if (index == ADDRL) {
        for (int i = 0; i < 4; i++)
            s->mac[i] = (uint8_t)(v >> (8 * i));
    } else {
        uint32_t *reg = mac_csr(s, index);
        /* the receiver stops at once when disabled (Linux waits for RXSTOP_INT) */
        if (index == MAC_CR && (s->mac_cr & MAC_CR_RXEN) && !(v & MAC_CR_RXEN))
            s->int_sts |= INT_RXSTOP;
        if (reg)
            *reg = v;
        else
            log_guest_error(s, "write to an unknown MAC CSR", MAC_CSR_CMD);
        if (index == MII_ACC) mii_access(s);
    }
}

/* --- registers --- */

static void soft_reset(lan9118 *s)
{
    s->irq_cfg = s->int_sts = s->int_en = 0;
    s->fifo_int = 0x48000000u;
    s->rx_cfg = s->tx_cfg = s->gpio_cfg = s->word_swap = s->rx_drop = 0;
    s->gpt_cfg = 0xffff;
    s->hw_cfg = HW_CFG_RESET;
    s->mac_csr_cmd = s->mac_csr_data = s->e2p_cmd = s->e2p_data = 0;
    s->afc_cfg = 0;
    s->pmt = PMT_READY;
    s->mac_cr = 0x00040000u;
    s->hash[0] = s->hash[1] = s->mii_acc = s->mii_data = s->flow = s->wuff = s->wucsr = 0;
    s->vlan[0] = s->vlan[1] = 0xffff;
    reset_phy(s);
    s->tx_len = 0;
    s->tx_state = 0;
    s->tx_status_count = 0;
    s->rx_head = s->rx_count = 0;
    s->rx_bytes = s->rx_pos = 0;
    s->rx_status_popped = false;
    update_irq(s);
}

static uint32_t read_register(lan9118 *s, uint64_t offset, bool debug)
{
    if (offset < TX_DATA_FIFO) return debug ? 0 : read_rx_data(s);
    switch (offset) {
    case RX_STATUS_FIFO: return pop_rx_status(s, debug);
    case RX_STATUS_PEEK: return pop_rx_status(s, true);
    case TX_STATUS_FIFO: return pop_tx_status(s, debug);
    case TX_STATUS_PEEK: return pop_tx_status(s, true);
    case ID_REV: return ID_REV_VALUE;
    case IRQ_CFG: return s->irq_cfg;
    case INT_STS: return s->int_sts;
    case INT_EN: return s->int_en;
    case BYTE_TEST: return BYTE_TEST_VALUE;
    case FIFO_INT: return s->fifo_int;
    case RX_CFG: return s->rx_cfg;
    case TX_CFG: return s->tx_cfg;
    case HW_CFG: return s->hw_cfg;
    case RX_DP_CTRL: return 0;
    case RX_FIFO_INF: {
        uint32_t used = s->rx_bytes - (s->rx_status_popped ? s->rx_pos : 0);
        return (uint32_t)rx_status_used(s) << 16 | (used & 0xffff);
    }
    case TX_FIFO_INF: return (uint32_t)s->tx_status_count << 16 | (TX_FIFO_BYTES - s->tx_len);
    case PMT_CTRL: return s->pmt;
    case GPIO_CFG: return s->gpio_cfg;
    case GPT_CFG: return s->gpt_cfg;
    case GPT_CNT: return 0xffff;
    case WORD_SWAP: return s->word_swap;
    case FREE_RUN: return (uint32_t)(bb_clock_now(s->dev.machine->clock) / 40); /* 25 MHz */
    case RX_DROP: {
        uint32_t drops = s->rx_drop;
        if (!debug) s->rx_drop = 0;
        return drops;
    }
    case MAC_CSR_CMD: return s->mac_csr_cmd;
    case MAC_CSR_DATA: return s->mac_csr_data;
    case AFC_CFG: return s->afc_cfg;
    case E2P_CMD: return s->e2p_cmd;
    case E2P_DATA: return s->e2p_data;
    }
    if (!debug) log_guest_error(s, "read of a reserved register", offset);
    return 0;
}

static void write_register(lan9118 *s, uint64_t offset, uint32_t value)
{
    if (offset >= TX_DATA_FIFO && offset < RX_STATUS_FIFO) {
        write_tx_data(s, value);
        return;
    }
    switch (offset) {
    case IRQ_CFG: s->irq_cfg = (s->irq_cfg & IRQ_CFG_INT) | (value & 0xff000111u); break;
    case INT_STS: s->int_sts &= ~value; break;
    case INT_EN:
        s->int_en = value;
        if (value & INT_SW) s->int_sts |= INT_SW;
        break;
    case FIFO_INT: s->fifo_int = value; break;
    case RX_CFG:
        s->rx_cfg = value & ~RX_CFG_DUMP;
        if (value & RX_CFG_DUMP) {
            while (s->rx_count)
                drop_head_frame(s);
        }
        break;
    case TX_CFG:
        if (value & TX_CFG_STOP) s->int_sts |= INT_TXSTOP, value &= ~TX_CFG_ON;
        s->tx_cfg = value & (TX_CFG_ON | TX_CFG_TXSAO);
        if (value & TX_CFG_TXS_DUMP) s->tx_status_count = 0;
        if (value & TX_CFG_TXD_DUMP) s->tx_len = 0, s->tx_state = 0;
        break;
    case HW_CFG:
        if (value & HW_CFG_SRST)
            soft_reset(s);
        else
            s->hw_cfg = value & ~HW_CFG_SRST;
        break;
    case RX_DP_CTRL:
        if (value & RX_DP_FFWD) fast_forward(s);
        break;
    case PMT_CTRL:
        if (value & PMT_PHY_RESET) reset_phy(s); /* completes at once: the bit reads 0 */
        s->pmt = (value & ~(PMT_READY | PMT_PHY_RESET)) | PMT_READY;
        break;
    case GPIO_CFG: s->gpio_cfg = value; break;
    case GPT_CFG: s->gpt_cfg = value; break;
    case WORD_SWAP: s->word_swap = value; break;
    case MAC_CSR_CMD: csr_command(s, value); break;
    case MAC_CSR_DATA: s->mac_csr_data = value; break;
    case AFC_CFG: s->afc_cfg = value; break;
    case E2P_CMD: s->e2p_cmd = value & ~(1u << 31); break; /* no EEPROM: done at once */
    case E2P_DATA: s->e2p_data = value; break;
    default: log_guest_error(s, "write to a read-only or reserved register", offset); return;
    }
    update_levels(s);
}

static uint64_t lan_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    lan9118 *s = opaque;
    return bb_mmio_narrow(read_register(s, offset & 0xfc, attrs.debug), offset, size);
}

static void lan_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    lan9118 *s = opaque;
    (void)attrs;
    if (size != 4 || (offset & 3))
        log_guest_error(s, "narrow or unaligned write", offset);
    else
        write_register(s, offset & 0xfc, (uint32_t)value);
}

static const bb_mmio_ops lan_ops = {.read = lan_read, .write = lan_write};

static void lan_reset(bb_device *dev)
{
    soft_reset((lan9118 *)dev);
}

/* Registers, the PHY, the frame being gathered for transmission, TX status words and the
 * received frames still queued. The network backend (and what it holds) is the host's. */
static void lan_state(bb_device *dev, bb_state *st)
{
    lan9118 *s = (lan9118 *)dev;
    uint32_t *regs[] = {
        &s->irq_cfg,       &s->int_sts,  &s->int_en,   &s->fifo_int,  &s->rx_cfg,   &s->tx_cfg,
        &s->hw_cfg,        &s->gpio_cfg, &s->gpt_cfg,  &s->word_swap, &s->rx_drop,  &s->mac_csr_cmd,
        &s->mac_csr_data,  &s->afc_cfg,  &s->e2p_cmd,  &s->e2p_data,  &s->pmt,      &s->mac_cr,
        &s->hash[0],       &s->hash[1],  &s->mii_acc,  &s->mii_data,  &s->flow,     &s->vlan[0],
        &s->vlan[1],       &s->wuff,     &s->wucsr,    &s->tx_len,    &s->tx_cmd_a, &s->tx_cmd_b,
        &s->tx_words_left, &s->tx_skip,  &s->rx_bytes, &s->rx_pos};
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        bb_state_u32(st, regs[i]);
    bb_state_bytes(st, s->mac, sizeof(s->mac));
    uint16_t *phy[] = {&s->phy_bmcr, &s->phy_anar, &s->phy_int_mask, &s->phy_int_src};
    for (size_t i = 0; i < sizeof(phy) / sizeof(phy[0]); i++)
        bb_state_u16(st, phy[i]);
    bb_state_int(st, &s->tx_state);
    bb_state_int(st, &s->tx_status_count);
    if (s->tx_len > MAX_FRAME || s->tx_status_count < 0 || s->tx_status_count > TX_STATUS_MAX) {
        bb_state_fail(st, "lan9118: bad transmit state");
        s->tx_len = 0;
        s->tx_status_count = 0;
    }
    bb_state_bytes(st, s->tx_frame, s->tx_len);
    for (int i = 0; i < s->tx_status_count; i++)
        bb_state_u32(st, &s->tx_status[i]);
    /* The queued frames, oldest first (restored from the start of the ring). */
    int count = s->rx_count;
    bb_state_int(st, &count);
    if (count < 0 || count > RX_QUEUE) {
        bb_state_fail(st, "lan9118: bad receive queue");
        count = 0;
    }
    bb_state_bool(st, &s->rx_status_popped);
    for (int i = 0; i < count; i++) {
        rx_frame *f = &s->rx[bb_state_restoring(st) ? i : (s->rx_head + i) % RX_QUEUE];
        bb_state_u16(st, &f->len);
        if (f->len > sizeof(f->data)) {
            bb_state_fail(st, "lan9118: bad frame length");
            f->len = 0;
        }
        bb_state_bytes(st, f->data, f->len);
    }
    if (bb_state_restoring(st)) {
        s->rx_head = 0;
        s->rx_count = count;
    }
}

static void lan_destroy(bb_device *dev)
{
    lan9118 *s = (lan9118 *)dev;
    bb_net_close(s->net);
    free(s->rx);
    bb_device_cleanup(dev);
    free(s);
}

static bb_device *lan_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] < 0x100) {
        snprintf(err, errlen, "needs a reg property of at least 0x100 bytes");
        return NULL;
    }
    lan9118 *s = calloc(1, sizeof(*s));
    if (!s || !(s->rx = calloc(RX_QUEUE, sizeof(rx_frame))) ||
        !bb_device_init(&s->dev, &bb_model_lan9118, m, cfg->name, 1, 0, NULL, NULL)) {
        if (s) free(s->rx);
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->dev.reset = lan_reset;
    s->dev.destroy = lan_destroy;
    s->dev.state = lan_state;
    static const uint8_t default_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    int len = 0;
    const uint8_t *mac =
        cfg->fdt ? fdt_getprop(cfg->fdt, cfg->node, "local-mac-address", &len) : NULL;
    memcpy(s->mac, mac && len == 6 ? mac : default_mac, 6);
    const char *backend =
        cfg->fdt ? fdt_getprop(cfg->fdt, cfg->node, "brassboard,net", NULL) : NULL;
    if (backend && !(s->net = bb_net_open(m, backend, frame_arrived, s, err, errlen))) {
        lan_destroy(&s->dev);
        return NULL;
    }
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &lan_ops, s)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        lan_destroy(&s->dev);
        return NULL;
    }
    soft_reset(s);
    return &s->dev;
}

static const char *const lan_compatible[] = {"smsc,lan9118", "smsc,lan9115", NULL};

const bb_device_model bb_model_lan9118 = {
    "lan9118",
    "SMSC LAN9118 Ethernet controller with its PHY (user-mode networking)",
    lan_compatible,
    lan_create,
};
