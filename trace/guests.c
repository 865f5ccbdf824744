/*
 * guests.c: the table of guest front-ends by name.
 */
#include "trace/guests.h"

#include <string.h>

#include "jit/arm/cpu.h"

const bb_guest_ops *bb_guest_find(const char *name)
{
    static const bb_guest_ops *const guests[] = {&arm_guest_ops, NULL};
    for (int i = 0; guests[i]; i++)
        if (strcmp(guests[i]->name, name) == 0) return guests[i];
    return NULL;
}
