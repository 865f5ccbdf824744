#!/usr/bin/env python3
"""run_diff.py: the VFP/NEON differential test against QEMU on vexpress-a9.

For one seed and instruction set, gen.py writes a random VFP/NEON program; it is built with
arm-none-eabi-gcc, run under qemu-system-arm -M vexpress-a9 -cpu cortex-a9 (the reference)
and under brassboard --board vexpress-a9 (each JIT backend asked for), and the printed
D registers, FPSCR, core registers, flags and buffer checksums are compared; brassboard
must have retired at least the instructions of the sequence. On a mismatch the sequence is
bisected over prefixes of the same item list to the first item after which the states
differ, which is printed with its disassembly and both states (tests/diff/harness.py).

Usage: run_diff.py --brassboard PATH --seed N --isa arm|thumb [--count N]
                   [--jit native,interp] [--workdir DIR] [--no-bisect]
Exit status: 0 all agree, 1 a mismatch (or brassboard failed), 2 the reference failed.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(HERE, "..", "diff"))
import harness  # noqa: E402  (tests/diff/harness.py)

sys.path.insert(0, HERE)
from gen import FIELDS  # noqa: E402  (tests/diff_vfp/gen.py)

SUITE = harness.Suite(
    name="diff_vfp", generator=os.path.join(HERE, "gen.py"),
    gcc_flags=["-mcpu=cortex-a9", "-mfpu=neon"], link_script=os.path.join(HERE, "link.ld"),
    board="vexpress-a9", qemu_args=["-M", "vexpress-a9", "-cpu", "cortex-a9", "-m", "1G"],
    fields=FIELDS, isas=["arm", "thumb"], default_count=3000)

if __name__ == "__main__":
    sys.exit(harness.main(SUITE, __doc__.splitlines()[0]))
