/*
 * main.c: the `brassboard` command line. It parses options and calls the library; the
 * exit status is the guest's semihosting exit code, 2 for bad input, 3 when --max-insns
 * stopped the guest, 4 when the guest waits for an interrupt that can never come.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge/route.h"
#include "core/board.h"
#include "core/boot_options.h"
#include "core/device.h"
#include "core/machine.h"
#include "coverage/cli.h"
#include "trace/cli.h"
#include "gdbstub/gdbstub.h"
#include "scripting/script.h"

enum { EXIT_BAD_INPUT = 2, EXIT_MAX_INSNS = 3, EXIT_HALTED = 4, EXIT_INTERRUPTED = 130 };

static bb_machine *signal_machine; /* the one machine this process runs, for SIGINT */

static void on_signal(int sig)
{
    (void)sig;
    if (signal_machine) bb_machine_request_stop(signal_machine);
}

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: brassboard run --board NAME|FILE.dts [IMAGE] [options]\n"
        "       brassboard boards       list the built-in boards\n"
        "       brassboard devices      list the peripheral models\n"
        "       brassboard test SUITE.lua [--junit FILE]  Lua hardware tests (docs/lua.md)\n"
        "       brassboard trace dump FILE [-o OUT]       binary trace as text (docs/trace.md)\n"
        "       brassboard coverage merge|report ...      coverage files (docs/coverage.md)\n"
        "\n"
        "run options:\n"
        "  --board NAME|FILE      built-in board or a .dts/.dtb file (default versatilepb)\n"
        "  --load-addr ADDR       load IMAGE as a raw binary at ADDR (default: ELF)\n"
        "  --serial N=BACKEND     stdio, null, file:PATH, tcp:[HOST:]PORT[,wait], pty\n"
        "  --route RANGE=URI      send BASE+SIZE to a transport, e.g.\n"
        "                         0x101f2000+0x1000=serialice:/dev/ttyUSB0?baud=115200\n"
        "                         (repeatable; see docs/bridge.md)\n"
        "  --route-log FILE       log every routed access to FILE (- for stderr)\n"
        "  --semihosting[=full]   console/exit/clock (default on); full adds host files\n"
        "  --no-semihosting       turn semihosting off\n"
        "  --jit native|interp    translator backend (default native)\n"
        "  --icount NS            virtual nanoseconds per instruction (default 1)\n"
        "  --max-insns N          stop after N instructions (exit status 3)\n"
        "  --memory SIZE          size of the first RAM bank (e.g. 64M)\n"
        "  --log CATEGORIES       %s\n"
        "  --stats                print retired instructions and times on stderr at exit\n"
        "  --gdb [HOST:]PORT      serve gdb (127.0.0.1 unless HOST; see docs/gdb.md)\n"
        "  --wait-gdb             with --gdb: stay halted at the entry until gdb attaches\n"
        "  --script FILE.lua      run a Lua script on the machine first (docs/lua.md)\n",
        "unimp,guest_errors,int,mmu,exec (or all, help)");
    bb_trace_cli_usage(out);
    bb_coverage_cli_usage(out);
    bb_boot_options_usage(out);
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s) return false;
    switch (*end) {
    case 'k':
    case 'K': v <<= 10, end++; break;
    case 'm':
    case 'M': v <<= 20, end++; break;
    case 'g':
    case 'G': v <<= 30, end++; break;
    default: break;
    }
    if (*end) return false;
    *out = v;
    return true;
}

static int bad_input(const char *fmt, const char *what)
{
    fprintf(stderr, "brassboard: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, "\n");
    return EXIT_BAD_INPUT;
}

static bool is_elf(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char magic[4] = {0};
    if (!f) return true; /* the ELF loader reports the error */
    size_t got = fread(magic, 1, 4, f);
    fclose(f);
    return got == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static const char *const not_yet[] = {NULL};

static int cmd_run(int argc, char **argv)
{
    bb_machine_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.semihosting = BB_SEMIHOSTING_CONSOLE;
    const char *image = NULL;
    uint64_t max_insns = 0, load_addr = 0;
    bool raw = false, stats = false;
    const char *gdb_listen = NULL;
    const char *script = NULL;
    bool wait_gdb = false;
    enum { MAX_ROUTES = 32 };
    const char *routes[MAX_ROUTES];
    int n_routes = 0;
    const char *route_log = NULL;
    bb_trace_cli trace_cli;
    memset(&trace_cli, 0, sizeof(trace_cli));
    bb_coverage_cli coverage_cli;
    memset(&coverage_cli, 0, sizeof(coverage_cli));
    bb_boot_options boot;
    memset(&boot, 0, sizeof(boot));
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        for (int k = 0; not_yet[k]; k++)
            if (strncmp(arg, not_yet[k], strlen(not_yet[k])) == 0 &&
                (arg[strlen(not_yet[k])] == 0 || arg[strlen(not_yet[k])] == '='))
                return bad_input("option %s is not available yet (see docs/status.md)", arg);
        char opt_err[256];
        int used = bb_trace_cli_option(&trace_cli, arg, val, opt_err, sizeof(opt_err));
        if (!used) used = bb_coverage_cli_option(&coverage_cli, arg, val, opt_err, sizeof(opt_err));
        if (used < 0) return bad_input("%s", opt_err);
        if (used == 0) used = bb_boot_options_parse(&boot, arg, val, opt_err, sizeof(opt_err));
        if (used < 0) return bad_input("%s", opt_err);
        if (used > 0) {
            i += used - 1;
            continue;
        }
        if (strcmp(arg, "--stats") == 0) {
            stats = true;
        } else if (strcmp(arg, "--wait-gdb") == 0) {
            wait_gdb = true;
        } else if (strcmp(arg, "--semihosting") == 0) {
            opts.semihosting = BB_SEMIHOSTING_CONSOLE;
        } else if (strcmp(arg, "--semihosting=full") == 0) {
            opts.semihosting = BB_SEMIHOSTING_FULL;
        } else if (strcmp(arg, "--no-semihosting") == 0) {
            opts.semihosting = BB_SEMIHOSTING_OFF;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (arg[0] == '-' && arg[1] == '-') {
            if (!val) return bad_input("option %s needs a value", arg);
            i++;
            if (strcmp(arg, "--board") == 0) {
                opts.board = val;
            } else if (strcmp(arg, "--jit") == 0) {
                if (strcmp(val, "native") == 0)
                    opts.jit = BB_JIT_NATIVE;
                else if (strcmp(val, "interp") == 0)
                    opts.jit = BB_JIT_INTERP;
                else
                    return bad_input("--jit '%s': expected native or interp", val);
            } else if (strcmp(arg, "--max-insns") == 0) {
                if (!parse_u64(val, &max_insns))
                    return bad_input("--max-insns '%s': not a number", val);
            } else if (strcmp(arg, "--icount") == 0) {
                uint64_t ns;
                if (!parse_u64(val, &ns) || ns == 0 || ns > 1000000)
                    return bad_input(
                        "--icount '%s': expected nanoseconds per instruction (1-1000000)", val);
                opts.ns_per_insn = (uint32_t)ns;
            } else if (strcmp(arg, "--memory") == 0) {
                if (!parse_u64(val, &opts.memory_size) || opts.memory_size == 0)
                    return bad_input("--memory '%s': expected a size such as 64M", val);
            } else if (strcmp(arg, "--load-addr") == 0) {
                if (!parse_u64(val, &load_addr))
                    return bad_input("--load-addr '%s': not an address", val);
                raw = true;
            } else if (strcmp(arg, "--log") == 0) {
                char err[128];
                if (strcmp(val, "help") == 0) {
                    fputs(bb_log_help(), stdout);
                    return 0;
                }
                if (!bb_log_parse(val, &opts.log_mask, err, sizeof(err)))
                    return bad_input("--log: %s", err);
            } else if (strcmp(arg, "--route") == 0) {
                if (n_routes == MAX_ROUTES) return bad_input("--route '%s': too many routes", val);
                routes[n_routes++] = val;
            } else if (strcmp(arg, "--gdb") == 0) {
                gdb_listen = val;
            } else if (strcmp(arg, "--script") == 0) {
                script = val;
            } else if (strcmp(arg, "--route-log") == 0) {
                route_log = val;
            } else if (strcmp(arg, "--serial") == 0) {
                char *end;
                long n = strtol(val, &end, 10);
                if (end == val || *end != '=' || n < 0 || n >= BB_MAX_SERIALS)
                    return bad_input("--serial '%s': expected N=BACKEND with N from 0 to 3", val);
                opts.serial[n] = end + 1;
            } else {
                return bad_input("unknown option %s (see brassboard run --help)", arg);
            }
        } else if (!image) {
            image = arg;
        } else {
            return bad_input("unexpected argument '%s'", arg);
        }
    }
    char err[512] = "";
    if (!bb_boot_options_check(&boot, image, err, sizeof(err))) return bad_input("%s", err);
    opts.edit_fdt = bb_boot_options_edit_board;
    opts.edit_opaque = &boot;
    bb_machine *m = bb_machine_new(&opts, err, sizeof(err));
    if (!m) return bad_input("%s", err);
    bool routed = !route_log || bb_route_set_log(m, route_log, err, sizeof(err));
    for (int i = 0; routed && i < n_routes; i++)
        routed = bb_route_add(m, routes[i], err, sizeof(err));
    if (!routed) {
        bb_machine_free(m);
        return bad_input("%s", err);
    }
    bool loaded = bb_boot_options_load(m, &boot, err, sizeof(err));
    if (image && loaded) {
        if (raw || !is_elf(image))
            loaded = bb_machine_load_raw(m, image, raw ? load_addr : m->ram_base, err, sizeof(err));
        else
            loaded = bb_machine_load_elf(m, image, err, sizeof(err));
    }
    if (!loaded) {
        bb_machine_free(m);
        return bad_input("%s", err);
    }
    bb_gdbstub *gdb = NULL;
    if (wait_gdb && !gdb_listen) {
        bb_machine_free(m);
        return bad_input("%s needs --gdb [HOST:]PORT", "--wait-gdb");
    }
    if (gdb_listen && script) {
        bb_machine_free(m);
        return bad_input("%s: --script and --gdb cannot be used together yet", "--script");
    }
    if (gdb_listen && !(gdb = bb_gdbstub_new(m, gdb_listen, err, sizeof(err)))) {
        bb_machine_free(m);
        return bad_input("%s", err);
    }
    if (gdb && image && !raw && is_elf(image)) bb_gdbstub_set_image(gdb, image);
    if (!bb_trace_cli_start(&trace_cli, m, image, err, sizeof(err)) ||
        !bb_coverage_cli_start(&coverage_cli, m, image, err, sizeof(err))) {
        bb_trace_cli_finish(&trace_cli, BB_STOP_NONE);
        bb_gdbstub_free(gdb);
        bb_machine_free(m);
        return bad_input("%s", err);
    }
    signal_machine = m;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    double start = now_ms();
    bb_stop_reason why = gdb      ? bb_gdbstub_run(gdb, wait_gdb, max_insns)
                         : script ? bb_script_run(m, script, image, max_insns, err, sizeof(err))
                                  : bb_machine_run(m, max_insns);
    double wall = now_ms() - start;
    int status = 0;
    switch (why) {
    case BB_STOP_EXIT: status = m->exit_code; break;
    case BB_STOP_MAX_INSNS:
        fprintf(stderr, "brassboard: stopped after %llu instructions (--max-insns)\n",
                (unsigned long long)bb_machine_icount(m));
        status = EXIT_MAX_INSNS;
        break;
    case BB_STOP_HALTED:
        fprintf(stderr, "brassboard: the guest waits for an interrupt and no timer is armed\n");
        status = EXIT_HALTED;
        break;
    case BB_STOP_REQUEST: status = EXIT_INTERRUPTED; break;
    case BB_STOP_BREAK: /* hooks come from the debugger and scripts, which run their own loop */
    case BB_STOP_NONE: break;
    }
    if (script && err[0]) {
        fprintf(stderr, "brassboard: %s\n", err);
        status = EXIT_BAD_INPUT;
    }
    if (!bb_trace_cli_finish(&trace_cli, why) && status == 0) status = EXIT_BAD_INPUT;
    if (!bb_coverage_cli_finish(&coverage_cli) && status == 0) status = EXIT_BAD_INPUT;
    if (stats)
        fprintf(stderr, "stats: insns=%llu vtime_ns=%llu wall_ms=%.1f\n",
                (unsigned long long)bb_machine_icount(m),
                (unsigned long long)bb_clock_now(m->clock), wall);
    signal_machine = NULL;
    bb_gdbstub_free(gdb);
    bb_machine_free(m);
    return status;
}

static int cmd_boards(void)
{
    for (int i = 0; bb_builtin_boards[i].name; i++)
        printf("%-16s %s\n", bb_builtin_boards[i].name, bb_board_model(&bb_builtin_boards[i]));
    return 0;
}

static int cmd_devices(void)
{
    for (int i = 0; bb_device_models[i]; i++) {
        const bb_device_model *model = bb_device_models[i];
        printf("%-18s %s\n", model->name, model->description);
        for (int k = 0; model->compatible[k]; k++)
            printf("%-18s   compatible \"%s\"\n", "", model->compatible[k]);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_BAD_INPUT;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "run") == 0) return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "boards") == 0) return cmd_boards();
    if (strcmp(cmd, "devices") == 0) return cmd_devices();
    if (strcmp(cmd, "trace") == 0) return bb_trace_cli_command(argc - 2, argv + 2);
    if (strcmp(cmd, "coverage") == 0) return bb_coverage_cli_command(argc - 2, argv + 2);
    if (strcmp(cmd, "test") == 0) return bb_script_test_main(argc - 2, argv + 2);
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    return bad_input("unknown command '%s' (run, boards, devices, test, trace, coverage)", cmd);
}
