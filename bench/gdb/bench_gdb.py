#!/usr/bin/env python3
"""bench_gdb.py: the gdb stub's figures (issue 4), run by hand, not a test.

    bench/gdb/bench_gdb.py BUILD [--runs N] [--steps N] [--gdb GDB] [--qemu QEMU]

1. stepi round trip: `stepi 1000` in one gdb -batch session, timed inside gdb (Python's
   clock around the one command), against brassboard and against qemu-system-arm -gdb:
   the same firmware (tests/gdb/gdbtest-arm.elf, built in BUILD), the same busy loop.
2. A breakpoint set somewhere cold: the benchmark firmware (bench_arm.elf) run to its exit
   by `continue` with gdb attached, with and without a breakpoint on a function that never
   runs (data_abort_trap), and plainly without gdb. Measured as the CPU time of the
   brassboard process (user + system), which a busy shared machine disturbs far less than
   wall time. The bar: under 5% slower than the same run without the breakpoint.
Each figure is the best of N runs (default 3); every run is printed. The kinds of run take
turns, so that a change in the machine's load hits them alike. Prints Markdown.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "gdb"))
import gdbharness as h  # noqa: E402


def timed(commands, label):
    """Wraps commands in gdb-side timing; the time is printed as `label SECONDS`."""
    return (["python import time; t0 = time.time()"] + commands +
            [f"python print('{label} %.6f' % (time.time() - t0))"])


def seconds(out, label):
    m = re.search(label + r" ([0-9.]+)", out)
    if not m:
        h.fail(f"no {label} time", out)
    return float(m.group(1))


def stepi_session(args, elf, port, steps):
    """Runs to the busy loop, then times `stepi steps`; checks that gdb did step."""
    out = h.run_gdb(args.gdb, elf, port, [
        "break main", "continue", "set var spin = 1", "break busy", "continue",
        "delete"] + timed([f"stepi {steps}"], "STEPI") +
        ["print/x $pc", "kill"], timeout=300)
    h.expect(out, r"Breakpoint 2, (0x[0-9a-f]+ in )?busy")
    return seconds(out, "STEPI")


def stepi_brassboard(args, elf, steps):
    bb = h.Brassboard(args.brassboard, elf)
    took = stepi_session(args, elf, bb.port, steps)
    bb.wait()
    return took


def stepi_qemu(args, elf, steps):
    q = h.Qemu(args.qemu, elf)
    took = stepi_session(args, elf, q.port, steps)
    q.kill()
    return took


def cpu_seconds(proc):
    """Waits for the process; its user + system CPU time."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


def plain_run(args, elf):
    proc = subprocess.Popen([args.brassboard, "run", "--board", "versatilepb", elf],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cpu_seconds(proc)


def gdb_run(args, elf, breakpoint):
    bb = h.Brassboard(args.brassboard, elf)
    commands = [f"break {breakpoint}"] if breakpoint else []
    out = h.run_gdb(args.gdb, elf, bb.port, commands + ["continue"], timeout=600)
    h.expect(out, r"exited normally")
    return cpu_seconds(bb.proc)


def runs_text(values, unit="s", digits=3):
    return ", ".join(f"{v:.{digits}f}" for v in values) + f" {unit}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--gdb", default="gdb-multiarch")
    parser.add_argument("--qemu", default="qemu-system-arm", help="'' to skip QEMU")
    args = parser.parse_args()
    args.brassboard = os.path.join(args.build, "brassboard")
    elf = os.path.join(args.build, "tests", "gdb", "gdbtest-arm.elf")
    bench = os.path.join(args.build, "bench", "bench_arm.elf")
    for path in (args.brassboard, elf, bench):
        if not os.path.exists(path):
            sys.exit(f"bench_gdb.py: {path} is missing (build {args.build} first)")

    print(f"## stepi round trip ({args.steps} steps in one gdb session, best of {args.runs})\n")
    print("| stub | best s | us per step | runs |")
    print("|---|---:|---:|---|")
    engines = [("brassboard", stepi_brassboard)]
    if args.qemu:
        engines.append(("qemu-system-arm -gdb", stepi_qemu))
    times = {name: [] for name, _ in engines}
    for _ in range(args.runs):
        for name, fn in engines:
            times[name].append(fn(args, elf, args.steps))
    for name, _ in engines:
        best = min(times[name])
        print(f"| {name} | {best:.3f} | {best / args.steps * 1e6:.0f} | "
              f"{runs_text(times[name])} |")

    print(f"\n## A breakpoint somewhere cold (bench_arm.elf, CPU seconds, best of {args.runs})\n")
    kinds = [("plain run, no gdb", lambda: plain_run(args, bench)),
             ("under gdb, no breakpoint", lambda: gdb_run(args, bench, None)),
             ("under gdb, break data_abort_trap", lambda: gdb_run(args, bench,
                                                                   "data_abort_trap"))]
    cpu = {name: [] for name, _ in kinds}
    for _ in range(args.runs):
        for name, fn in kinds:
            cpu[name].append(fn())
    plain = min(cpu[kinds[0][0]])
    attached = min(cpu[kinds[1][0]])
    print("| run | best CPU s | vs plain | vs gdb without it | median | runs |")
    print("|---|---:|---:|---:|---:|---|")
    for name, _ in kinds:
        best = min(cpu[name])
        print(f"| {name} | {best:.3f} | {(best / plain - 1) * 100:+.1f}% | "
              f"{(best / attached - 1) * 100:+.1f}% | {statistics.median(cpu[name]):.3f} | "
              f"{runs_text(cpu[name])} |")
    cold = min(cpu[kinds[2][0]])
    slowdown = (cold / attached - 1) * 100
    print(f"\nThe cold breakpoint costs {slowdown:+.1f}% (bar: under 5%): "
          f"{'met' if slowdown < 5 else 'NOT met'}.")
    return 0 if slowdown < 5 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except h.Failure as e:
        sys.exit(f"bench_gdb.py: {e}")
