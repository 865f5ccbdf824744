/*
 * pl011.c: the ARM PrimeCell UART (PL011, ARM DDI 0183).
 *
 * Transmission is instant: a byte written to UARTDR goes to the serial backend at once,
 * so the transmit FIFO always reads as empty and the transmit interrupt is raised after
 * every write (until cleared), as QEMU does. Reception polls the backend on a virtual-time
 * tick into a 16-entry FIFO (one entry with the FIFOs disabled), only while the receiver
 * is enabled and the FIFO has room; a tick that brings nothing while the FIFO holds data
 * stands for the receive timeout. Bytes are left in the backend rather than overrun.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/machine.h"
#include "core/snapshot.h"
#include "peripherals/peripherals.h"

enum {
    UARTDR = 0x000,
    UARTRSR = 0x004, /* UARTECR when written */
    UARTFR = 0x018,
    UARTILPR = 0x020,
    UARTIBRD = 0x024,
    UARTFBRD = 0x028,
    UARTLCR_H = 0x02c,
    UARTCR = 0x030,
    UARTIFLS = 0x034,
    UARTIMSC = 0x038,
    UARTRIS = 0x03c,
    UARTMIS = 0x040,
    UARTICR = 0x044,
    UARTDMACR = 0x048,
    UARTITCR = 0x080, /* test registers, 0x080-0x08c */
    UARTTDR = 0x08c,
};

enum {
    FR_BUSY = 1u << 3,
    FR_RXFE = 1u << 4,
    FR_TXFF = 1u << 5,
    FR_RXFF = 1u << 6,
    FR_TXFE = 1u << 7,
};

enum { LCR_H_FEN = 1u << 4 };

enum {
    CR_UARTEN = 1u << 0,
    CR_LBE = 1u << 7,
    CR_TXE = 1u << 8,
    CR_RXE = 1u << 9,
    CR_RESET = CR_TXE | CR_RXE,
};

/* Interrupt bits of IMSC, RIS, MIS and ICR. */
enum {
    INT_RX = 1u << 4,
    INT_TX = 1u << 5,
    INT_RT = 1u << 6,
    INT_OE = 1u << 10,
    INT_ALL = 0x7ff,
};

enum { DR_OE = 1u << 11, RSR_OE = 1u << 3 };

#define RX_FIFO_SIZE 16
#define RX_POLL_NS   100000u /* 100 us of virtual time */

typedef struct pl011 {
    bb_device dev;
    int serial_index;
    uint16_t rx_fifo[RX_FIFO_SIZE]; /* data in bits 7:0, error flags in bits 11:8 */
    int rx_head, rx_count;
    uint32_t rsr, ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
    bool warned_tx_disabled;
    bb_timer rx_timer;
} pl011;

static const uint8_t pl011_id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static void log_guest_error(pl011 *s, const char *what, uint64_t offset)
{
    bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS, "%s: %s at +0x%03llx", s->dev.name,
                  what, (unsigned long long)offset);
}

static bb_chardev *backend(pl011 *s)
{
    return s->serial_index >= 0 ? bb_machine_serial(s->dev.machine, s->serial_index) : NULL;
}

static int rx_depth(const pl011 *s)
{
    return (s->lcr_h & LCR_H_FEN) ? RX_FIFO_SIZE : 1;
}

/* Entries at which the receive interrupt is raised (IFLS bits 5:3). */
static int rx_trigger(const pl011 *s)
{
    static const int level[8] = {2, 4, 8, 12, 14, 8, 8, 8}; /* 5-7 reserved: 1/2 */
    return (s->lcr_h & LCR_H_FEN) ? level[(s->ifls >> 3) & 7] : 1;
}

static bool rx_enabled(const pl011 *s)
{
    return (s->cr & CR_UARTEN) && (s->cr & CR_RXE);
}

static void update_irq(pl011 *s)
{
    bb_irq_set(&s->dev.irq_out[0], (s->ris & s->imsc) != 0);
}

/* Keeps the receive tick running while it can bring data or time out. */
static void rx_schedule(pl011 *s)
{
    bb_chardev *in = backend(s);
    bool wanted = rx_enabled(s) && s->rx_count < rx_depth(s) &&
                  ((in && bb_chardev_input_possible(in)) || s->rx_count > 0);
    if (!wanted) {
        bb_timer_del(&s->rx_timer);
        return;
    }
    if (!bb_timer_armed(&s->rx_timer))
        bb_timer_mod(&s->rx_timer, bb_clock_now(s->dev.machine->clock) + RX_POLL_NS);
}

/* Bytes were injected into the backend (scripts, tests): poll again. */
static void rx_input_arrived(void *opaque)
{
    rx_schedule(opaque);
}

static void rx_push(pl011 *s, uint16_t entry)
{
    if (s->rx_count >= rx_depth(s)) {
        s->rsr |= RSR_OE;
        s->ris |= INT_OE;
        return;
    }
    s->rx_fifo[(s->rx_head + s->rx_count) % RX_FIFO_SIZE] = entry;
    s->rx_count++;
    if (s->rx_count >= rx_trigger(s)) s->ris |= INT_RX;
}

static void rx_tick(void *opaque)
{
    pl011 *s = opaque;
    bb_chardev *chr = backend(s);
    if (!rx_enabled(s)) return;
    size_t got = 0;
    int room = rx_depth(s) - s->rx_count;
    if (chr && room > 0) {
        uint8_t buf[RX_FIFO_SIZE];
        got = bb_chardev_read(chr, buf, (size_t)room);
        for (size_t i = 0; i < got; i++)
            rx_push(s, buf[i]);
    }
    if (got == 0 && s->rx_count > 0) s->ris |= INT_RT;
    update_irq(s);
    rx_schedule(s);
}

/* UARTDR read: the oldest received entry. A debug read only looks at it. */
static uint32_t read_data(pl011 *s, bool debug)
{
    if (s->rx_count == 0) return 0;
    uint16_t entry = s->rx_fifo[s->rx_head];
    if (debug) return entry;
    s->rx_head = (s->rx_head + 1) % RX_FIFO_SIZE;
    s->rx_count--;
    s->rsr = (entry >> 8) & 0xf;
    if (s->rx_count < rx_trigger(s)) s->ris &= ~INT_RX;
    if (s->rx_count == 0) s->ris &= ~INT_RT;
    update_irq(s);
    rx_schedule(s);
    return entry;
}

static void write_data(pl011 *s, uint8_t byte)
{
    if (!(s->cr & CR_UARTEN) || !(s->cr & CR_TXE)) {
        if (!s->warned_tx_disabled)
            bb_log_printf(&s->dev.machine->log, BB_LOG_GUEST_ERRORS,
                          "%s: transmitting with the UART or its transmitter disabled "
                          "(sent anyway)",
                          s->dev.name);
        s->warned_tx_disabled = true;
    }
    if (s->cr & CR_LBE) {
        rx_push(s, byte);
        rx_schedule(s);
    } else {
        bb_chardev *chr = backend(s);
        if (chr) bb_chardev_write(chr, &byte, 1);
    }
    s->ris |= INT_TX;
    update_irq(s);
}

static uint32_t read_register(pl011 *s, uint64_t offset, bool debug)
{
    uint32_t id;
    switch (offset) {
    case UARTDR: return read_data(s, debug);
    case UARTRSR: return s->rsr;
    case UARTFR: {
        uint32_t fr = FR_TXFE;
        if (s->rx_count == 0) fr |= FR_RXFE;
        if (s->rx_count >= rx_depth(s)) fr |= FR_RXFF;
        return fr;
    }
    case UARTILPR: return s->ilpr;
    case UARTIBRD: return s->ibrd;
    case UARTFBRD: return s->fbrd;
    case UARTLCR_H: return s->lcr_h;
    case UARTCR: return s->cr;
    case UARTIFLS: return s->ifls;
    case UARTIMSC: return s->imsc;
    case UARTRIS: return s->ris;
    case UARTMIS: return s->ris & s->imsc;
    case UARTDMACR: return s->dmacr;
    case UARTICR:
        if (!debug) log_guest_error(s, "read of write-only UARTICR", offset);
        return 0;
    }
    if (bb_primecell_id(pl011_id, offset, &id)) return id;
    if (!debug) {
        if (offset >= UARTITCR && offset <= UARTTDR)
            bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP, "%s: test register +0x%03llx",
                          s->dev.name, (unsigned long long)offset);
        else
            log_guest_error(s, "read of a reserved register", offset);
    }
    return 0;
}

static void write_register(pl011 *s, uint64_t offset, uint32_t value)
{
    switch (offset) {
    case UARTDR: write_data(s, (uint8_t)value); return;
    case UARTRSR: s->rsr = 0; return; /* UARTECR: clears the error flags */
    case UARTILPR: s->ilpr = value & 0xff; return;
    case UARTIBRD: s->ibrd = value & 0xffff; return;
    case UARTFBRD: s->fbrd = value & 0x3f; return;
    case UARTLCR_H:
        s->lcr_h = value & 0xff;
        rx_schedule(s);
        return;
    case UARTCR:
        s->cr = value & 0xff87;
        rx_schedule(s);
        return;
    case UARTIFLS: s->ifls = value & 0x3f; return;
    case UARTIMSC:
        s->imsc = value & INT_ALL;
        update_irq(s);
        return;
    case UARTICR:
        s->ris &= ~value;
        update_irq(s);
        return;
    case UARTDMACR:
        s->dmacr = value & 7;
        if (s->dmacr)
            bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP, "%s: DMA requests (not modelled)",
                          s->dev.name);
        return;
    case UARTFR:
    case UARTRIS:
    case UARTMIS: log_guest_error(s, "write to a read-only register", offset); return;
    }
    if (offset >= UARTITCR && offset <= UARTTDR)
        bb_log_printf(&s->dev.machine->log, BB_LOG_UNIMP, "%s: test register +0x%03llx",
                      s->dev.name, (unsigned long long)offset);
    else
        log_guest_error(s, "write to a reserved or read-only register", offset);
}

static uint64_t pl011_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    pl011 *s = opaque;
    return bb_mmio_narrow(read_register(s, offset & ~3ull, attrs.debug), offset, size);
}

static void pl011_write(void *opaque, uint64_t offset, uint64_t value, unsigned size,
                        bb_attrs attrs)
{
    pl011 *s = opaque;
    (void)size;
    (void)attrs;
    if (offset & 3) {
        log_guest_error(s, "unaligned write", offset);
        return;
    }
    write_register(s, offset, (uint32_t)value);
}

static const bb_mmio_ops pl011_ops = {.read = pl011_read, .write = pl011_write};

static void pl011_reset(bb_device *dev)
{
    pl011 *s = (pl011 *)dev;
    bb_timer_del(&s->rx_timer);
    s->rx_head = s->rx_count = 0;
    s->rsr = s->ilpr = s->ibrd = s->fbrd = s->lcr_h = 0;
    s->cr = CR_RESET;
    s->ifls = 0x12;
    s->imsc = s->ris = s->dmacr = 0;
    s->warned_tx_disabled = false;
    update_irq(s);
}

static void pl011_destroy(bb_device *dev)
{
    pl011 *s = (pl011 *)dev;
    bb_timer_del(&s->rx_timer);
    if (backend(s)) bb_chardev_set_input_notify(backend(s), NULL, NULL);
    bb_device_cleanup(dev);
    free(s);
}

static void pl011_state(bb_device *dev, bb_state *st)
{
    pl011 *s = (pl011 *)dev;
    bb_state_bytes(st, s->rx_fifo, sizeof(s->rx_fifo));
    bb_state_int(st, &s->rx_head);
    bb_state_int(st, &s->rx_count);
    uint32_t *regs[] = {&s->rsr, &s->ilpr, &s->ibrd, &s->fbrd, &s->lcr_h,
                        &s->cr,  &s->ifls, &s->imsc, &s->ris,  &s->dmacr};
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        bb_state_u32(st, regs[i]);
    bb_state_bool(st, &s->warned_tx_disabled);
}

static bb_device *pl011_create(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen)
{
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    pl011 *s = calloc(1, sizeof(*s));
    if (!s || !bb_device_init(&s->dev, &bb_model_pl011, m, cfg->name, 1, 0, NULL, NULL)) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->dev.reset = pl011_reset;
    s->dev.destroy = pl011_destroy;
    s->dev.state = pl011_state;
    s->serial_index = cfg->serial_index;
    bb_timer_init(&s->rx_timer, m->clock, rx_tick, s);
    if (backend(s)) bb_chardev_set_input_notify(backend(s), rx_input_arrived, s);
    if (!bb_bus_add_mmio(m->bus, cfg->name, cfg->reg_base[0], cfg->reg_size[0], &pl011_ops, s)) {
        snprintf(err, errlen, "registers at 0x%llx overlap another region",
                 (unsigned long long)cfg->reg_base[0]);
        pl011_destroy(&s->dev);
        return NULL;
    }
    pl011_reset(&s->dev);
    return &s->dev;
}

static const char *const pl011_compatible[] = {"arm,pl011", NULL};

const bb_device_model bb_model_pl011 = {
    "pl011",
    "ARM PrimeCell UART (PL011)",
    pl011_compatible,
    pl011_create,
};
