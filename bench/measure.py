#!/usr/bin/env python3
"""Runs one command several times for bench/run.sh and prints one line of key=value results:
the best wall time and CPU time (user + system), the peak resident memory, the exit status, whether the standard output
matched, and the instruction count of brassboard's --stats line.

usage: measure.py --timer BENCH_TIMER [--runs N] [--expect FILE | --contains FILE]
                  [--timeout S] [--keep DIR] -- COMMAND...

--timer PATH     the bench_timer launcher (bench/timer.c) that times each run; launching
                 from here would count Python's own memory as the command's peak
--expect FILE    the output must equal FILE's content
--contains FILE  every line of FILE must appear in the output (for one-kernel firmware)
--keep DIR       keep the last run's stdout and stderr as DIR/stdout and DIR/stderr

A run that fails (exit status, wrong output) ends the series: a wrong engine is not timed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def output_check(output, expect, contains):
    if expect is not None:
        return "ok" if output == expect else "wrong"
    if contains is not None:
        lines = set(output.splitlines())
        return "ok" if all(line in lines for line in contains.splitlines()) else "wrong"
    return "unchecked"


def read_result(path):
    """The key=value line bench_timer wrote, as a dict."""
    with open(path) as f:
        return dict(item.split("=", 1) for item in f.read().split())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--timer", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--expect")
    parser.add_argument("--contains")
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--keep")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()
    expect = open(args.expect).read() if args.expect else None
    contains = open(args.contains).read() if args.contains else None

    best_wall_us, best_cpu_us, peak_rss = None, None, 0
    status, check, insns = "0", "unchecked", "-"
    with tempfile.TemporaryDirectory() as scratch:
        out_path = os.path.join(scratch, "stdout")
        err_path = os.path.join(scratch, "stderr")
        result_path = os.path.join(scratch, "result")
        for _ in range(args.runs):
            with open(out_path, "wb") as out_file, open(err_path, "wb") as err_file:
                subprocess.run([args.timer, "--timeout", str(args.timeout), result_path]
                               + args.command, stdin=subprocess.DEVNULL, stdout=out_file,
                               stderr=err_file, check=True)
            result = read_result(result_path)
            output = open(out_path, errors="replace").read()
            errors = open(err_path, errors="replace").read()
            wall_us = float(result["wall_us"])
            cpu_us = float(result["cpu_us"])
            best_wall_us = wall_us if best_wall_us is None else min(best_wall_us, wall_us)
            best_cpu_us = cpu_us if best_cpu_us is None else min(best_cpu_us, cpu_us)
            peak_rss = max(peak_rss, int(result["rss_kib"]))
            this_check = output_check(output, expect, contains)
            if check != "wrong":
                check = this_check
            stats = re.findall(r"^stats: insns=(\d+)", errors, re.M)
            if stats:
                insns = stats[-1]
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
                shutil.copy(out_path, os.path.join(args.keep, "stdout"))
                shutil.copy(err_path, os.path.join(args.keep, "stderr"))
            if result["status"] != "0" or this_check == "wrong":
                status = result["status"]
                break
    print("wall_ms=%.1f cpu_ms=%.1f rss_kib=%d status=%s output=%s insns=%s"
          % (best_wall_us / 1000, best_cpu_us / 1000, peak_rss, status, check, insns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
