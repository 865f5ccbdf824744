/*
 * link_fail: the fake target stops answering after the handshake and three reads. What
 * the guest sees next depends on the route: the default value (default=V; writes are
 * dropped) or a precise external abort (DFSR status 0x8, FAR = the address), which the
 * data abort handler records before stepping over the access.
 */
#include <stdio.h>

#include "common/cp15.h"
#include "common/exceptions.h"
#include "fake_map.h"

static volatile uint32_t aborts, dfsr, far;

static void on_data_abort(fw_frame *frame)
{
    aborts++;
    dfsr = cp15_dfsr();
    far = cp15_far();
    fw_skip_instruction(frame);
}

static unsigned long u(uint32_t v)
{
    return (unsigned long)v;
}

static void report(const char *what, uint32_t value)
{
    if (aborts)
        printf("%-26s data abort: DFSR 0x%03lx FAR 0x%08lx\n", what, u(dfsr & 0xfffu), u(far));
    else
        printf("%-26s 0x%08lx, no abort\n", what, u(value));
    aborts = 0;
    dfsr = far = 0;
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
