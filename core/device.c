/*
 * device.c: the part of device instances common to every model
 * (the registry and lookup by compatible string are in peripherals/registry.c).
 */
#include "core/device.h"

#include <stdio.h>
#include <stdlib.h>

bool bb_device_init(bb_device *dev, const bb_device_model *model, bb_machine *m, const char *name,
                    int n_irq_out, int n_irq_in, bb_irq_handler in_handler, void *in_opaque)
{
    dev->model = model;
    dev->machine = m;
    snprintf(dev->name, sizeof(dev->name), "%s", name ? name : model->name);
    dev->n_irq_out = n_irq_out;
    dev->n_irq_in = n_irq_in;
    dev->irq_out = n_irq_out ? calloc((size_t)n_irq_out, sizeof(bb_irq)) : NULL;
    dev->irq_in = n_irq_in ? calloc((size_t)n_irq_in, sizeof(bb_irq)) : NULL;
    if ((n_irq_out && !dev->irq_out) || (n_irq_in && !dev->irq_in)) {
        bb_device_cleanup(dev);
        return false;
    }
    for (int i = 0; i < n_irq_in; i++)
        dev->irq_in[i] = bb_irq_make(in_handler, in_opaque, i);
    return true;
}

void bb_device_cleanup(bb_device *dev)
{
    free(dev->irq_out);
    free(dev->irq_in);
    dev->irq_out = dev->irq_in = NULL;
    dev->n_irq_out = dev->n_irq_in = 0;
}
