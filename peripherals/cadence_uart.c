/*
 * cadence_uart.c: the Cadence UART of the Zynq-7000 (xuartps, UG585 chapter 19 and
 * appendix B "UART Controller").
 *
 * Two 64-byte FIFOs. Transmission is instant while the transmitter is enabled: a byte
 * written to the FIFO register goes to the serial backend at once, so the TX FIFO reads
 * as empty; with the transmitter disabled bytes wait in the FIFO until it is enabled.
 * Reception polls the backend on a virtual-time tick while the receiver is enabled and
 * the RX FIFO has room (bytes the FIFO cannot take are left in the backend). Local
 * loopback mode (MR.CHMODE = 2) puts transmitted bytes in the RX FIFO instead.
 *
 * Interrupts: the FIFO-state bits of the interrupt status register (RTRIG, REMPTY, RFUL,
 * TEMPTY, TFUL, TTRIG, TNFUL) are set again whenever their condition holds, as QEMU's
 * model does; the event bits (RX and TX overflow, receive timeout) latch until written
 * with one. The interrupt line is ISR & IMR.
 *
 * Receive timeout: a counter reloaded with RTO at every received byte and at every write
 * of CR.TORST runs for (RTO + 1) * 4 - 1 bit periods of the baud rate the baud rate
 * generator makes from the reference clock (`clock-frequency`, default 100 MHz; /8 with
 * MR.CLKS): ref / (CD * (BDIV + 1)). When it expires TIMEOUT is set, once, until the next
 * reload. RTO = 0 or CD = 0 disables it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    R_CR = 0x00,
    R_MR = 0x04,
    R_IER = 0x08,
    R_IDR = 0x0c,
    R_IMR = 0x10,
    R_ISR = 0x14,
    R_BAUDGEN = 0x18,
    R_RXTOUT = 0x1c,
    R_RXWM = 0x20,
    R_MODEMCR = 0x24,
    R_MODEMSR = 0x28,
    R_SR = 0x2c,
    R_FIFO = 0x30,
    R_BAUDDIV = 0x34,
    R_FLOWDEL = 0x38,
    R_TXWM = 0x44,
    R_RXBS = 0x48,
};

enum {
    CR_RXRST = 1u << 0,
    CR_TXRST = 1u << 1,
    CR_RX_EN = 1u << 2,
    CR_RX_DIS = 1u << 3,
    CR_TX_EN = 1u << 4,
    CR_TX_DIS = 1u << 5,
    CR_TORST = 1u << 6,
    CR_STARTBRK = 1u << 7,
    CR_STOPBRK = 1u << 8,
    CR_RESET = CR_TX_DIS | CR_RX_DIS | CR_STOPBRK,
    CR_KEPT = 0x1bc, /* the enable, disable and break bits; the others act and clear */
};

enum {
    MR_CLKS = 1u << 0,
    MR_CHMODE_SHIFT = 8,
    MR_CHMODE_LOOPBACK = 2,
    MR_MASK = 0x3ff,
};

/* Interrupt bits (IER, IDR, IMR, ISR) and, for the low ones, channel status bits. */
enum {
    INT_RTRIG = 1u << 0,
    INT_REMPTY = 1u << 1,
    INT_RFUL = 1u << 2,
    INT_TEMPTY = 1u << 3,
    INT_TFUL = 1u << 4,
    INT_ROVR = 1u << 5,
    INT_FRAME = 1u << 6,
    INT_PARE = 1u << 7,
    INT_TOUT = 1u << 8,
    INT_DMS = 1u << 9,
    INT_TTRIG = 1u << 10,
    INT_TNFUL = 1u << 11,
    INT_TOVR = 1u << 12,
    INT_ALL = 0x1fff,
    INT_FIFO_STATE =
        INT_RTRIG | INT_REMPTY | INT_RFUL | INT_TEMPTY | INT_TFUL | INT_TTRIG | INT_TNFUL,
};

/* Channel status bits beyond the low five. */
enum {
    SR_FDELT = 1u << 12,
    SR_TTRIG = 1u << 13,
    SR_TNFUL = 1u << 14,
};

#define FIFO_SIZE       64
#define RX_POLL_NS      100000u /* 100 us of virtual time */
#define DEFAULT_REF_HZ  100000000u
#define NS_PER_SECOND   1000000000ull
#define BAUDGEN_RESET   0x28b
#define BAUDDIV_RESET   0xf
#define WATERMARK_RESET 0x20

typedef struct byte_fifo {
    uint8_t data[FIFO_SIZE];
    int head, count;
} byte_fifo;

typedef struct cadence_uart {
    bb_device dev;
    int serial_index;
    uint32_t ref_hz;
    uint32_t cr, mr, imr, isr, baudgen, rxtout, rxwm, modemcr, bauddiv, flowdel, txwm;
    byte_fifo rx, tx;
    bb_timer rx_timer;      /* polls the backend */
    bb_timer timeout_timer; /* the receive timeout counter */
} cadence_uart;

static void log_guest_error(cadence_uart *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%02llx", s->dev.name,
                  what, (unsigned long long)offset);
}

static bb_chardev *backend(cadence_uart *s)
{
    return s->serial_index >= 0 ? bb_machine_serial(s->dev.machine, s->serial_index) : NULL;
}

static uint64_t now_ns(cadence_uart *s)
{
    return bb_clock_now(s->dev.machine->clock);
}

static void fifo_push(byte_fifo *f, uint8_t byte)
{
    f->data[(f->head + f->count) % FIFO_SIZE] = byte;
    f->count++;
}

static uint8_t fifo_pop(byte_fifo *f)
{
    uint8_t byte = f->data[f->head];
    f->head = (f->head + 1) % FIFO_SIZE;
    f->count--;
    return byte;
}

static bool rx_enabled(const cadence_uart *s)
{
    return (s->cr & CR_RX_EN) && !(s->cr & CR_RX_DIS);
}

static bool tx_enabled(const cadence_uart *s)
{
    return (s->cr & CR_TX_EN) && !(s->cr & CR_TX_DIS);
}

static bool loopback(const cadence_uart *s)
{
    return ((s->mr >> MR_CHMODE_SHIFT) & 3) == MR_CHMODE_LOOPBACK;
}

static uint32_t channel_status(const cadence_uart *s)
{
    uint32_t sr = 0;
    if (s->rxwm && s->rx.count >= (int)s->rxwm) sr |= INT_RTRIG;
    if (s->rx.count == 0) sr |= INT_REMPTY;
    if (s->rx.count == FIFO_SIZE) sr |= INT_RFUL;
    if (s->tx.count == 0) sr |= INT_TEMPTY;
    if (s->tx.count == FIFO_SIZE) sr |= INT_TFUL;
    if (s->flowdel && s->rx.count >= (int)s->flowdel) sr |= SR_FDELT;
    if (s->txwm && s->tx.count >= (int)s->txwm) sr |= SR_TTRIG;
    if (s->tx.count >= FIFO_SIZE - 1) sr |= SR_TNFUL;
    return sr;
}

/* Sets the FIFO-state interrupt bits whose condition holds, then drives the line. */
static void update_irq(cadence_uart *s)
{
    uint32_t sr = channel_status(s);
    uint32_t state = sr & (INT_RTRIG | INT_REMPTY | INT_RFUL | INT_TEMPTY | INT_TFUL);
    if (sr & SR_TTRIG) state |= INT_TTRIG;
    if (sr & SR_TNFUL) state |= INT_TNFUL;
    s->isr |= state;
    bb_irq_set(&s->dev.irq_out[0], (s->isr & s->imr) != 0);
}

/* The length of one bit at the programmed baud rate, or 0 when the generator is off. */
static uint64_t bit_ns(const cadence_uart *s)
{
    uint64_t clock = (s->mr & MR_CLKS) ? s->ref_hz / 8 : s->ref_hz;
    uint64_t divide = (uint64_t)s->baudgen * (s->bauddiv + 1);
    if (s->baudgen == 0 || clock == 0) return 0;
    return (divide * NS_PER_SECOND + clock - 1) / clock;
}

/* Reloads the receive timeout counter (a received byte or CR.TORST). */
static void restart_timeout(cadence_uart *s)
{
    uint64_t bit = bit_ns(s);
    if (s->rxtout == 0 || bit == 0 || !rx_enabled(s)) {
        bb_timer_del(&s->timeout_timer);
        return;
    }
    uint64_t bits = ((uint64_t)s->rxtout + 1) * 4 - 1;
    bb_timer_mod(&s->timeout_timer, now_ns(s) + bits * bit);
}

static void timeout_expired(void *opaque)
{
    cadence_uart *s = opaque;
    s->isr |= INT_TOUT;
    update_irq(s);
}

/* Keeps the receive tick running while it can bring data. */
static void rx_schedule(cadence_uart *s)
{
    bb_chardev *in = backend(s);
    bool wanted = rx_enabled(s) && s->rx.count < FIFO_SIZE && in && bb_chardev_input_possible(in);
    if (!wanted) {
        bb_timer_del(&s->rx_timer);
        return;
    }
    if (!bb_timer_armed(&s->rx_timer)) bb_timer_mod(&s->rx_timer, now_ns(s) + RX_POLL_NS);
}

static void rx_input_arrived(void *opaque)
{
    rx_schedule(opaque);
}

static void receive(cadence_uart *s, uint8_t byte)
{
    if (s->rx.count == FIFO_SIZE) {
        s->isr |= INT_ROVR;
        return;
    }
    fifo_push(&s->rx, byte);
    restart_timeout(s);
}

static void rx_tick(void *opaque)
{
    cadence_uart *s = opaque;
    bb_chardev *chr = backend(s);
    int room = FIFO_SIZE - s->rx.count;
    if (chr && rx_enabled(s) && room > 0) {
        uint8_t buf[FIFO_SIZE];
        size_t got = bb_chardev_read(chr, buf, (size_t)room);
        for (size_t i = 0; i < got; i++)
            receive(s, buf[i]);
    }
    update_irq(s);
    rx_schedule(s);
}

/* Sends what waits in the TX FIFO while the transmitter is enabled. */
static void tx_drain(cadence_uart *s)
{
    if (!tx_enabled(s)) return;
    while (s->tx.count > 0) {
        uint8_t byte = fifo_pop(&s->tx);
        if (loopback(s)) {
            if (rx_enabled(s)) receive(s, byte);
        } else {
            bb_chardev *chr = backend(s);
            if (chr) bb_chardev_write(chr, &byte, 1);
        }
    }
}

static void write_fifo(cadence_uart *s, uint8_t byte)
{
    if (s->tx.count == FIFO_SIZE) {
        s->isr |= INT_TOVR;
    } else {
        fifo_push(&s->tx, byte);
        tx_drain(s);
    }
    update_irq(s);
}

static uint32_t read_fifo(cadence_uart *s, bool debug)
{
    if (s->rx.count == 0) return 0;
    if (debug) return s->rx.data[s->rx.head];
    uint8_t byte = fifo_pop(&s->rx);
    update_irq(s);
    rx_schedule(s);
    return byte;
}

static void write_control(cadence_uart *s, uint32_t value)
{
    if (value & CR_RXRST) s->rx.head = s->rx.count = 0;
    if (value & CR_TXRST) s->tx.head = s->tx.count = 0;
    s->cr = value & CR_KEPT;
    if (value & CR_TORST) restart_timeout(s);
    if (!rx_enabled(s)) bb_timer_del(&s->timeout_timer);
    tx_drain(s);
    rx_schedule(s);
    update_irq(s);
}

static uint32_t read_register(cadence_uart *s, uint64_t offset, bool debug)
{
    switch (offset) {
    case R_CR: return s->cr;
    case R_MR: return s->mr;
    case R_IER:
    case R_IDR: return 0;
    case R_IMR: return s->imr;
    case R_ISR: return s->isr;
    case R_BAUDGEN: return s->baudgen;
    case R_RXTOUT: return s->rxtout;
    case R_RXWM: return s->rxwm;
    case R_MODEMCR: return s->modemcr;
    case R_MODEMSR: return 0;
    case R_SR: return channel_status(s);
    case R_FIFO: return read_fifo(s, debug);
    case R_BAUDDIV: return s->bauddiv;
    case R_FLOWDEL: return s->flowdel;
    case R_TXWM: return s->txwm;
    case R_RXBS: return 0;
    }
    if (!debug) log_guest_error(s, "read of a reserved register", offset);
    return 0;
}

static void write_register(cadence_uart *s, uint64_t offset, uint32_t value)
{
    switch (offset) {
    case R_CR: write_control(s, value); return;
    case R_MR: s->mr = value & MR_MASK; return;
    case R_IER: s->imr |= value & INT_ALL; break;
    case R_IDR: s->imr &= ~value; break;
    case R_ISR: s->isr &= ~value; break;
    case R_BAUDGEN: s->baudgen = value & 0xffff; return;
    case R_RXTOUT: s->rxtout = value & 0xff; return;
    case R_RXWM: s->rxwm = value & 0x3f; break;
    case R_MODEMCR: s->modemcr = value & 0x23; return;
    case R_FIFO: write_fifo(s, (uint8_t)value); return;
    case R_BAUDDIV:
        if ((value & 0xff) < 4)
            log_guest_error(s, "BDIV below 4 (ignored by the hardware)", offset);
        s->bauddiv = value & 0xff;
        return;
    case R_FLOWDEL: s->flowdel = value & 0x3f; return;
    case R_TXWM: s->txwm = value & 0x3f; break;
    case R_IMR:
    case R_SR:
    case R_MODEMSR:
    case R_RXBS: log_guest_error(s, "write to a read-only register", offset); return;
    default: log_guest_error(s, "write to a reserved register", offset); return;
    }
    update_irq(s);
}

static uint64_t uart_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    cadence_uart *s = opaque;
    return bb_mmio_narrow(read_register(s, offset & ~3ull, attrs.debug), offset, size);
}

static void uart_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    cadence_uart *s = opaque;
    (void)size, (void)attrs;
    if (offset & 3)
        log_guest_error(s, "unaligned write", offset);
    else
        write_register(s, offset, (uint32_t)value);
}

static const bb_mmio_ops uart_ops = {.read = uart_read, .write = uart_write};

static void uart_reset(bb_device *dev)
{
    cadence_uart *s = (cadence_uart *)dev;
    bb_timer_del(&s->rx_timer);
    bb_timer_del(&s->timeout_timer);
    s->cr = CR_RESET;
    s->mr = s->imr = s->isr = s->rxtout = s->modemcr = s->flowdel = 0;
    s->baudgen = BAUDGEN_RESET;
    s->bauddiv = BAUDDIV_RESET;
    s->rxwm = s->txwm = WATERMARK_RESET;
    memset(&s->rx, 0, sizeof(s->rx));
    memset(&s->tx, 0, sizeof(s->tx));
    update_irq(s);
}

static void uart_destroy(bb_device *dev)
{
    cadence_uart *s = (cadence_uart *)dev;
    bb_timer_del(&s->rx_timer);
    bb_timer_del(&s->timeout_timer);
    if (backend(s)) bb_chardev_set_input_notify(backend(s), NULL, NULL);
    bb_device_cleanup(dev);
    free(s);
}

static void fifo_state(bb_state *st, byte_fifo *f)
{
    bb_state_bytes(st, f->data, sizeof(f->data));
    bb_state_int(st, &f->head);
    bb_state_int(st, &f->count);
    if (f->head < 0 || f->head >= FIFO_SIZE || f->count < 0 || f->count > FIFO_SIZE) {
        bb_state_fail(st, "cadence_uart: bad FIFO state");
        f->head = f->count = 0;
    }
}

static void uart_state(bb_device *dev, bb_state *st)
{
    cadence_uart *s = (cadence_uart *)dev;
    uint32_t *regs[] = {&s->cr,   &s->mr,      &s->imr,     &s->isr,     &s->baudgen, &s->rxtout,
                        &s->rxwm, &s->modemcr, &s->bauddiv, &s->flowdel, &s->txwm};
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        bb_state_u32(st, regs[i]);
    fifo_state(st, &s->rx);
    fifo_state(st, &s->tx);
}

static bb_device *uart_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    uint32_t hz;
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    if (!bb_read_clock_frequency(cfg, DEFAULT_REF_HZ, &hz, err, errlen)) return NULL;
    cadence_uart *s = calloc(1, sizeof(*s));
    if (!s || !bb_device_init(&s->dev, &bb_model_cadence_uart, m, cfg->name, 1, 0, NULL, NULL)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->dev.reset = uart_reset;
    s->dev.destroy = uart_destroy;
    s->dev.state = uart_state;
    s->serial_index = cfg->serial_index;
    s->ref_hz = hz;
    bb_timer_init(&s->rx_timer, m->clock, rx_tick, s);
    bb_timer_init(&s->timeout_timer, m->clock, timeout_expired, s);
    if (backend(s)) bb_chardev_set_input_notify(backend(s), rx_input_arrived, s);
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &uart_ops, s)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        uart_destroy(&s->dev);
        return NULL;
    }
    uart_reset(&s->dev);
    return &s->dev;
}

static const char *const uart_compatible[] = {"xlnx,xuartps", "cdns,uart-r1p8", "cdns,uart-r1p12",
                                              "xlnx,zynqmp-uart", NULL};

const bb_device_model bb_model_cadence_uart = {
    "cadence_uart",
    "Cadence UART (Xilinx Zynq xuartps)",
    uart_compatible,
    uart_create,
};
