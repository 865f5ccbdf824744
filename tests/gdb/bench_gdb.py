#!/usr/bin/env python3
"""bench_gdb.py: the gdb stub's figures (issue 4), run by hand, not a test:

    tests/gdb/bench_gdb.py BUILD [--runs N] [--steps N]

1. stepi round trip: `stepi 1000` in one gdb -batch session, timed inside gdb, under
   brassboard and under qemu-system-arm -gdb (the same firmware, the same loop).
2. The cost of a breakpoint set somewhere cold: the benchmark firmware (bench_arm.elf)
   run to its exit by `continue` with gdb attached, with and without a breakpoint on a
   function that never runs (data_abort_trap), against a plain run. Measured as the CPU
   time of the brassboard process (user + system), which a busy shared machine disturbs
   far less than wall time. The bar: under 5% slower.
Best of N runs each (default 3); the three kinds of run take turns.
"""
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
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


def stepi_brassboard(args, elf, steps):
    bb = h.Brassboard(args.brassboard, elf)
    out = h.run_gdb(args.gdb, elf, bb.port, [
        "break main", "continue", "set var spin = 1", "break busy", "continue",
        "delete"] + timed([f"stepi {steps}"], "STEPI") + ["kill"], timeout=120)
    bb.wait()
    return seconds(out, "STEPI")


def stepi_qemu(args, elf, steps):
    q = h.Qemu(args.qemu, elf)
    out = h.run_gdb(args.gdb, elf, q.port, [
        "break main", "continue", "set var spin = 1", "break busy", "continue",
        "delete"] + timed([f"stepi {steps}"], "STEPI") + ["kill"], timeout=120)
    q.kill()
    return seconds(out, "STEPI")


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
    out = h.run_gdb(args.gdb, elf, bb.port, commands + ["continue"], timeout=300)
    h.expect(out, r"exited normally")
    return cpu_seconds(bb.proc)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--gdb", default="gdb-multiarch")
    parser.add_argument("--qemu", default="qemu-system-arm")
    args = parser.parse_args()
    args.brassboard = os.path.join(args.build, "brassboard")
    elf = os.path.join(args.build, "tests", "gdb", "gdbtest-arm.elf")
    bench = os.path.join(args.build, "bench", "bench_arm.elf")

    ours = min(stepi_brassboard(args, elf, args.steps) for _ in range(args.runs))
    print(f"stepi x{args.steps}: brassboard {ours:.3f} s ({ours / args.steps * 1e6:.0f} us/step)")
    if args.qemu:
        theirs = min(stepi_qemu(args, elf, args.steps) for _ in range(args.runs))
        print(f"stepi x{args.steps}: qemu       {theirs:.3f} s "
              f"({theirs / args.steps * 1e6:.0f} us/step)")

    plain, attached, cold = [], [], []
    for _ in range(args.runs):
        plain.append(plain_run(args, bench))
        attached.append(gdb_run(args, bench, None))
        cold.append(gdb_run(args, bench, "data_abort_trap"))
    plain, attached, cold = min(plain), min(attached), min(cold)
    print(f"bench_arm.elf CPU time: plain run {plain:.3f} s, under gdb {attached:.3f} s "
          f"({(attached / plain - 1) * 100:+.1f}%), with a cold breakpoint {cold:.3f} s "
          f"({(cold / plain - 1) * 100:+.1f}% vs plain, {(cold / attached - 1) * 100:+.1f}% "
          f"vs gdb without it; bar: 5%)")


if __name__ == "__main__":
    sys.exit(main())
