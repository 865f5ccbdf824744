/*
 * arch.c: the architectures the stub can describe to gdb, found by the guest's name.
 * A new architecture is one file (arch_<name>.c) and one line here.
 */
#include "gdbstub/arch.h"

#include <string.h>

static const bb_gdb_arch *const arches[] = {
    &bb_gdb_arch_arm,
    NULL,
};

const bb_gdb_arch *bb_gdb_arch_find(const bb_cpu *cpu)
{
    for (int i = 0; arches[i]; i++)
        if (strcmp(arches[i]->guest, cpu->ops->name) == 0) return arches[i];
    return NULL;
}
