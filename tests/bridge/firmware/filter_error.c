/*
 * filter_error: firmware for machine A of the bridge's filter-error test. Its range
 * 0x30000000 is routed to machine B through tests/bridge/filter_error.lua, a filter that
 * fails on some accesses. What the guest sees for those depends on the route: the default
 * value (default=V; writes are dropped) or a precise external abort (DFSR status 0x8,
 * FAR = the address), which the data abort handler records before stepping over the
 * access. The accesses the filter lets through reach B as usual.
 */
#include <stdio.h>

#include "abort_report.h"
#include "fake_map.h"

#define BASE 0x30000000u

static void report(const char *what, uint32_t value)
{
    report_width(what, value, 30);
}

int main(void)
{
    printf("bridge filter error test\n");
    fw_set_handler(FW_DATA_ABORT, on_data_abort);
    report("read 0x10 (Lua error in pre)", R32(BASE + 0x10u));
    report("read 0x14 (pre returns junk)", R32(BASE + 0x14u));
    report("read 0x18 (pre calls error)", R32(BASE + 0x18u));
    report("read 0x1c (post sets junk)", R32(BASE + 0x1cu));
    R32(BASE + 0x20u) = 5u;
    report("write 0x20 (Lua error in pre)", 0);
    R32(BASE + 0x24u) = 0x77u;
    report("write 0x24 (let through)", 0);
    report("read 0x24 (let through)", R32(BASE + 0x24u));
    printf("the guest ran on\n");
    return 0;
}
