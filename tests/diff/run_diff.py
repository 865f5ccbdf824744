#!/usr/bin/env python3
"""run_diff.py: the instruction-semantics differential test against QEMU.

For one seed and instruction set, gen.py writes a random test program; it is assembled
and linked with arm-none-eabi-gcc, run under qemu-system-arm -M versatilepb (the reference)
and under brassboard (each JIT backend asked for), and the final registers, flags and buffer
checksums the program prints are compared; brassboard must also have retired at least the
instructions the program surely executes. On a mismatch the sequence is bisected: programs
made of ever shorter prefixes of the same sequence find an item that, started from a state
on which both agree, leaves different states. That item is printed with its disassembly,
the state before it and both states after it (harness.py does all this).

Usage: run_diff.py --brassboard PATH --seed N --isa arm|thumb [--count N]
                   [--jit native,interp] [--workdir DIR] [--no-bisect]
Exit status: 0 all agree, 1 a mismatch (or brassboard failed), 2 the reference failed.
"""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness  # noqa: E402  (tests/diff/harness.py, beside this file)
from gen import FIELDS  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = harness.Suite(
    name="diff", generator=os.path.join(HERE, "gen.py"), gcc_flags=["-mcpu=arm926ej-s"],
    link_script=os.path.join(HERE, "link.ld"), board="versatilepb",
    qemu_args=["-M", "versatilepb", "-m", "128M"], fields=FIELDS, isas=["arm", "thumb"],
    default_count=10000)

if __name__ == "__main__":
    sys.exit(harness.main(SUITE, __doc__.splitlines()[0]))
