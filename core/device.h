/*
 * device.h: peripheral models, their registry, and device instances.
 *
 * A model is found by a device-tree `compatible` string. Its create function gets the
 * node's configuration (registers, the device tree itself for further properties, the
 * serial port it is the console for) and sets up its MMIO regions on the machine's bus. It
 * declares its interrupt outputs (connected by the board builder from `interrupts`) and,
 * for interrupt controllers, its inputs.
 */
#ifndef BB_DEVICE_H
#define BB_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/irq.h"

typedef struct bb_machine bb_machine;
typedef struct bb_device bb_device;
typedef struct bb_state bb_state;

#define BB_DEVICE_MAX_REGS 4

typedef struct bb_device_config {
    const char *name; /* node name, e.g. "uart@101f1000" */
    const void *fdt;  /* the board's device tree (read-only) */
    int node;         /* offset of the node in fdt */
    uint64_t reg_base[BB_DEVICE_MAX_REGS];
    uint64_t reg_size[BB_DEVICE_MAX_REGS];
    int n_regs;
    int serial_index; /* /aliases serialN index for UARTs, or -1 */
} bb_device_config;

typedef struct bb_device_model {
    const char *name;              /* short name, e.g. "pl011" */
    const char *description;       /* one line for `brassboard devices` */
    const char *const *compatible; /* NULL-terminated list */
    /* Builds the device. On bad configuration returns NULL and writes a message. */
    bb_device *(*create)(bb_machine *m, const bb_device_config *cfg, char *err, size_t errlen);
} bb_device_model;

/* The part common to every device instance; models embed it first in their state. */
struct bb_device {
    const bb_device_model *model;
    char name[64];
    bb_machine *machine;
    bb_irq *irq_out; /* outputs the model drives, n_irq_out of them */
    int n_irq_out;
    bb_irq *irq_in; /* interrupt controllers: their inputs, n_irq_in of them */
    int n_irq_in;
    void (*reset)(bb_device *dev);
    void (*destroy)(bb_device *dev); /* frees the model state (and the device) */
    /* Optional, for snapshots (core/snapshot.h): saves or restores the model's registers
     * with bb_state_* calls, one function for both directions. Armed timers are restored
     * by the clock, input levels of controllers with the controller's own state. */
    void (*state)(bb_device *dev, bb_state *st);
    bb_device *next; /* machine's list */
};

/* The registry: every built-in model, NULL-terminated. */
extern const bb_device_model *const bb_device_models[];
/* The model whose compatible list contains one of the node's strings (first match). */
const bb_device_model *bb_device_find_model(const char *compatible);

/* Helpers for models: initialise the common part, with output and input counts. Returns
 * false only on allocation failure. */
bool bb_device_init(bb_device *dev, const bb_device_model *model, bb_machine *m, const char *name,
                    int n_irq_out, int n_irq_in, bb_irq_handler in_handler, void *in_opaque);
void bb_device_cleanup(bb_device *dev);

#endif
