#!/usr/bin/env python3
"""run_diff_v7.py: the ARMv7-A instruction-semantics differential test against QEMU.

As tests/diff/run_diff.py (whose comparison and bisection it reuses), for a program from
gen_v7.py built for the Cortex-A9 and run under qemu-system-arm -M vexpress-a9 -cpu
cortex-a9 (the reference) and under brassboard --board vexpress-a9. Besides the backends
(native, interp), --jit takes stepN: the program run by diff_v7_step_run (--step-run) in
slices of N instructions, which cuts translated blocks at every slice boundary.

Usage: run_diff_v7.py --brassboard PATH --seed N --isa arm|thumb2 [--count N] [--irq]
                      [--jit native,interp,step1] [--step-run PATH] [--workdir DIR]
                      [--no-bisect]
Exit status: 0 all agree, 1 a mismatch (or brassboard failed), 2 the reference failed.
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(HERE, "..", "diff"))
import run_diff  # noqa: E402  (tests/diff/run_diff.py)


def disassemble(env, elf, k):
    """Item k of the ELF, disassembled (run_diff's version expects addresses below
    0x10000000, which objdump indents)."""
    a = env.args
    syms = {}
    for line in subprocess.run([a.nm, elf], capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    start = syms.get("item_%05d" % k)
    end = syms.get("item_%05d" % (k + 1), syms.get("seq_end"))
    if start is None or end is None:
        return "(no symbols)"
    out = subprocess.run([a.objdump, "-d", "--start-address=0x%x" % start,
                          "--stop-address=0x%x" % end, elf],
                         capture_output=True, text=True).stdout
    return "\n".join(line for line in out.splitlines() if re.match(r"^\s*[0-9a-f]+:\t", line))


run_diff.disassemble = disassemble


class Env(run_diff.Env):
    def generator(self, *extra):
        a = self.args
        irq = ["--irq"] if a.irq else []
        return [sys.executable, os.path.join(HERE, "gen_v7.py"), "--seed", str(a.seed), "--isa",
                a.isa, "--count", str(a.count)] + irq + list(extra)

    def build(self, prefix=None):
        a = self.args
        stem = "%s_%d%s%s" % (a.isa, a.seed, "_irq" if a.irq else "",
                              "" if prefix is None else "_p%d" % prefix)
        src, elf = self.path(stem + ".S"), self.path(stem + ".elf")
        cmd = self.generator("-o", src)
        if prefix is not None:
            cmd += ["--prefix", str(prefix)]
        subprocess.run(cmd, check=True)
        subprocess.run([a.gcc, "-mcpu=cortex-a9", "-Wa,-mno-warn-deprecated", "-nostdlib",
                        "-nostartfiles", "-T", os.path.join(HERE, "link.ld"), "-o", elf, src],
                       check=True)
        return src, elf

    def item_count(self):
        out = subprocess.run(self.generator("--items"), check=True, capture_output=True,
                             text=True).stdout.split()
        return int(out[0]), int(out[1]), int(out[2])

    def run(self, what, elf):
        a = self.args
        if what == "qemu":
            cmd = [a.qemu, "-M", "vexpress-a9", "-cpu", "cortex-a9", "-m", "128M",
                   "-nographic", "-monitor", "none", "-semihosting", "-kernel", elf]
            env = dict(os.environ, QEMU_AUDIO_DRV="none")
        elif what.startswith("step"):
            cmd = [a.step_run, "vexpress-a9", elf, what[4:], "native"]
            env = None
        else:
            cmd = [a.brassboard, "run", "--board", "vexpress-a9", elf, "--jit", what,
                   "--max-insns", "100000000"]
            env = None
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env,
                               timeout=a.timeout)
            out, status = p.stdout.decode(errors="replace"), p.returncode
            err = p.stderr.decode(errors="replace")
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode(errors="replace")
            status, err = "timeout", ""
        return run_diff.parse(out, status), out + ("" if status == 0 else
                                                   "\n[exit status %s] %s" % (status, err[-2000:]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--brassboard", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--isa", choices=["arm", "thumb2"], required=True)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--irq", action="store_true", help="programs with timer interrupts")
    ap.add_argument("--jit", default="native,interp")
    ap.add_argument("--step-run", help="the diff_v7_step_run program (for --jit stepN)")
    ap.add_argument("--workdir", default="diff-v7-work")
    ap.add_argument("--no-bisect", action="store_true")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--gcc", default="arm-none-eabi-gcc")
    ap.add_argument("--objdump", default="arm-none-eabi-objdump")
    ap.add_argument("--nm", default="arm-none-eabi-nm")
    args = ap.parse_args()
    env = Env(args)

    nitems, ninsns, nexec = env.item_count()
    _, elf = env.build()
    ref, ref_text = env.run("qemu", elf)
    if not ref["complete"]:
        print("FAIL: the reference (QEMU) did not finish the program:\n" + ref_text)
        return 2
    failed = False
    for jit in args.jit.split(","):
        got, _ = env.run(jit, elf)
        if run_diff.same(ref, got):
            print("ok: seed %d isa %s%s jit %s: %d instructions (%d sure to execute) in %d items "
                  "agree with QEMU" % (args.seed, args.isa, " (interrupted)" if args.irq else "",
                                       jit, ninsns, nexec, nitems))
            continue
        failed = True
        print("FAIL: seed %d isa %s jit %s: final state differs from QEMU" %
              (args.seed, args.isa, jit))
        print(run_diff.show_pair(ref, got, jit))
        if not args.no_bisect:
            run_diff.bisect(env, jit, nitems)
            print("(the program: %s --seed %d --isa %s --count %d%s --prefix K)" %
                  (os.path.join(HERE, "gen_v7.py"), args.seed, args.isa, args.count,
                   " --irq" if args.irq else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
