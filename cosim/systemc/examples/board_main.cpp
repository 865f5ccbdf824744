/*
 * board_main.cpp: Brassboard inside SystemC, the example sc_main (bb_systemc_board).
 *
 *     bb_systemc_board FIRMWARE.elf [--quantum NS] [--lookahead] [--width 4|8] [--no-dmi]
 *                      [--interp] [--max-insns N] [--stats]
 *
 * A brassboard::board (versatilepb) runs the firmware; its bus socket goes through a
 * router to the example models at the addresses the test firmware uses:
 *     0x30000000+0x10000  TLM memory
 *     0x30100000+0x1000   timer, interrupt on VIC input 18
 *     0x30200000+0x1000   DMA engine, interrupt on VIC input 17, masters guest memory
 *     0x30300000+0x1000   error target
 * The exit status is the guest's exit code (3 when --max-insns stopped it, 4 when it
 * waited for an interrupt that could never come); --stats prints the figures the
 * brassboard command prints.
 */
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cosim/systemc/brassboard_systemc.h"
#include "dma.h"
#include "error_target.h"
#include "memory.h"
#include "router.h"
#include "timer.h"

int sc_main(int argc, char *argv[])
{
    brassboard::board_options options;
    bool stats = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(arg, "--quantum") == 0 && has_value)
            options.quantum = sc_core::sc_time(atof(argv[++i]), sc_core::SC_NS);
        else if (strcmp(arg, "--lookahead") == 0)
            options.lookahead = true;
        else if (strcmp(arg, "--width") == 0 && has_value)
            options.bus_width = (unsigned)atoi(argv[++i]);
        else if (strcmp(arg, "--no-dmi") == 0)
            options.dmi = false;
        else if (strcmp(arg, "--interp") == 0)
            options.interpreter = true;
        else if (strcmp(arg, "--max-insns") == 0 && has_value)
            options.max_insns = strtoull(argv[++i], nullptr, 0);
        else if (strcmp(arg, "--stats") == 0)
            stats = true;
        else if (arg[0] != '-' && options.firmware.empty())
            options.firmware = arg;
        else {
            fprintf(stderr,
                    "usage: %s FIRMWARE.elf [--quantum NS] [--lookahead] [--width 4|8] "
                    "[--no-dmi] [--interp] [--max-insns N] [--stats]\n",
                    argv[0]);
            return 2;
        }
    }
    if (options.firmware.empty()) {
        fprintf(stderr, "%s: no firmware given\n", argv[0]);
        return 2;
    }
    options.routes = {{0x30000000, 0x10000, false},
                      {0x30100000, 0x1000, false},
                      {0x30200000, 0x1000, false},
                      {0x30300000, 0x1000, false}};

    brassboard::board board("board", options);
    bb_examples::router router(
        "router",
        {{0x30000000, 0x10000}, {0x30100000, 0x1000}, {0x30200000, 0x1000}, {0x30300000, 0x1000}});
    bb_examples::tlm_memory memory("memory", 0x30000000, 0x10000);
    bb_examples::tlm_timer timer("timer", 0x30100000);
    bb_examples::tlm_dma dma("dma", 0x30200000);
    bb_examples::tlm_error_target error("error", 0x30300000);
    sc_core::sc_signal<bool> timer_irq("timer_irq"), dma_irq("dma_irq");

    board.bus.bind(router.socket);
    router.out(0).bind(memory.socket);
    router.out(1).bind(timer.socket);
    router.out(2).bind(dma.socket);
    router.out(3).bind(error.socket);
    timer.irq(timer_irq);
    board.irq[18](timer_irq);
    dma.irq(dma_irq);
    board.irq[17](dma_irq);
    dma.memory.bind(board.memory);

    auto start = std::chrono::steady_clock::now();
    sc_core::sc_start();
    double wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (stats)
        fprintf(stderr, "stats: insns=%llu vtime_ns=%llu wall_ms=%.1f sc_time_ns=%llu\n",
                (unsigned long long)board.instructions(), (unsigned long long)board.guest_time_ns(),
                wall_ms, (unsigned long long)(sc_core::sc_time_stamp().to_seconds() * 1e9 + 0.5));
    const char *why = board.stop_reason();
    if (strcmp(why, "exit") == 0) return board.exit_code();
    if (strcmp(why, "max-insns") == 0) return 3;
    if (strcmp(why, "halted") == 0) return 4;
    return 1;
}
