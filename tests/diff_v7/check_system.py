#!/usr/bin/env python3
"""check_system.py: runs system.S under qemu-system-arm -M vexpress-a9 (the reference) and
under brassboard (native, interp, and in slices of one instruction); every output and exit
status must be the same.

Usage: check_system.py --brassboard PATH --step-run PATH --workdir DIR [--qemu PATH]
                       [--gcc PATH]
"""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, env=None):
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env,
                           timeout=60)
        return p.returncode, p.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        return "timeout", (e.stdout or b"").decode(errors="replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--brassboard", required=True)
    ap.add_argument("--step-run", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--gcc", default="arm-none-eabi-gcc")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    elf = os.path.join(args.workdir, "system.elf")
    subprocess.run([args.gcc, "-mcpu=cortex-a9", "-nostdlib", "-nostartfiles", "-T",
                    os.path.join(HERE, "link.ld"), "-o", elf, os.path.join(HERE, "system.S")],
                   check=True)
    ref = run([args.qemu, "-M", "vexpress-a9", "-cpu", "cortex-a9", "-m", "128M", "-nographic",
               "-monitor", "none", "-semihosting", "-kernel", elf],
              dict(os.environ, QEMU_AUDIO_DRV="none"))
    if ref[0] != 0 or len(ref[1].split()) < 20:
        print("FAIL: the reference (QEMU) did not run the program: status %s\n%s" % ref)
        return 2
    runs = {
        "native": [args.brassboard, "run", "--board", "vexpress-a9", elf],
        "interp": [args.brassboard, "run", "--board", "vexpress-a9", elf, "--jit", "interp"],
        "step1": [args.step_run, "vexpress-a9", elf, "1"],
    }
    failed = False
    for name, cmd in runs.items():
        got = run(cmd)
        if got == ref:
            print("ok: system.S %s agrees with QEMU (%d values)" % (name, len(ref[1].split())))
            continue
        failed = True
        print("FAIL: system.S %s differs from QEMU (status %s, QEMU %s)" % (name, got[0], ref[0]))
        for i, (q, b) in enumerate(zip(ref[1].split(), got[1].split())):
            print("  value %2d: qemu %s %s %s%s" % (i, q, name, b, "" if q == b else "  <--"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
