/*
 * irq.h: interrupt lines between devices, interrupt controllers and CPUs.
 *
 * A line is the input of its receiver: a handler, the receiver and the input number. A
 * device keeps a copy of the input it drives (the board builder fills it in from the device
 * tree) and calls bb_irq_set with the level; an unconnected line does nothing.
 */
#ifndef BB_IRQ_H
#define BB_IRQ_H

typedef void (*bb_irq_handler)(void *opaque, int input, int level);

typedef struct bb_irq {
    bb_irq_handler handler;
    void *opaque;
    int input;
} bb_irq;

static inline void bb_irq_set(const bb_irq *irq, int level)
{
    if (irq->handler) irq->handler(irq->opaque, irq->input, level);
}

static inline bb_irq bb_irq_make(bb_irq_handler handler, void *opaque, int input)
{
    bb_irq irq = {handler, opaque, input};
    return irq;
}

#endif
