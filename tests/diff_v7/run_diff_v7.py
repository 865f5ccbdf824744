#!/usr/bin/env python3
"""run_diff_v7.py: the ARMv7-A instruction-semantics differential test against QEMU.

As tests/diff/run_diff.py (the shared tests/diff/harness.py does the work), for a program
from gen_v7.py built for the Cortex-A9 and run under qemu-system-arm -M vexpress-a9 -cpu
cortex-a9 (the reference) and under brassboard --board vexpress-a9. Besides the backends
(native, interp), --jit takes stepN: the program run by diff_v7_step_run (--step-run) in
slices of N instructions, which cuts translated blocks at every slice boundary.

Usage: run_diff_v7.py --brassboard PATH --seed N --isa arm|thumb2 [--count N] [--irq]
                      [--jit native,interp,step1] [--step-run PATH] [--workdir DIR]
                      [--no-bisect]
Exit status: 0 all agree, 1 a mismatch (or brassboard failed), 2 the reference failed.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(HERE, "..", "diff"))
import harness  # noqa: E402  (tests/diff/harness.py)
from gen import FIELDS  # noqa: E402  (tests/diff/gen.py)

SUITE = harness.Suite(
    name="diff_v7", generator=os.path.join(HERE, "gen_v7.py"),
    gcc_flags=["-mcpu=cortex-a9", "-Wa,-mno-warn-deprecated"],
    link_script=os.path.join(HERE, "link.ld"), board="vexpress-a9",
    qemu_args=["-M", "vexpress-a9", "-cpu", "cortex-a9", "-m", "128M"], fields=FIELDS,
    isas=["arm", "thumb2"], default_count=10000, irq=True)

if __name__ == "__main__":
    sys.exit(harness.main(SUITE, __doc__.splitlines()[0]))
