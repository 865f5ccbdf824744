/*
 * link_fail: the fake target stops answering after the handshake and three reads. What
 * the guest sees next depends on the route: the default value (default=V; writes are
 * dropped) or a precise external abort (DFSR status 0x8, FAR = the address), which the
 * data abort handler records before stepping over the access.
 */
#include <stdio.h>

#include "abort_report.h"
#include "fake_map.h"

static void report(const char *what, uint32_t value)
{
    report_width(what, value, 26);
}

int main(void)
{
    printf("bridge link-failure test\n");
    fw_set_handler(FW_DATA_ABORT, on_data_abort);
    uint32_t id = R32(FAKE_ID(FAKE_BASE));
    uint32_t c1 = R32(FAKE_COUNTER(FAKE_BASE));
    uint32_t c2 = R32(FAKE_COUNTER(FAKE_BASE));
    printf("while the board answers: id 0x%08lx counter %lu %lu\n", u(id), u(c1), u(c2));
    uint32_t v = R32(FAKE_REGFILE(FAKE_BASE) + 0x10u);
    report("read regfile+0x10", v);
    v = R32(FAKE_COUNTER(FAKE_BASE));
    report("read counter", v);
    R32(FAKE_REGFILE(FAKE_BASE) + 0x20u) = 0x12345678u;
    report("write regfile+0x20", 0);
    v = R8(FAKE_REGFILE(FAKE_BASE) + 0x21u);
    report("read byte regfile+0x21", v);
    printf("the guest ran on\n");
    return 0;
}
