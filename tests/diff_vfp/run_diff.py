#!/usr/bin/env python3
"""run_diff.py: the VFP/NEON differential test against QEMU on vexpress-a9.

For one seed and instruction set, gen.py writes a random VFP/NEON program; it is built with
arm-none-eabi-gcc, run under qemu-system-arm -M vexpress-a9 -cpu cortex-a9 (the reference)
and under brassboard --board vexpress-a9 (each JIT backend asked for), and the printed
D registers, FPSCR, core registers, flags and buffer checksums are compared. On a mismatch
the sequence is bisected over prefixes of the same item list to the first item after which
the states differ, which is printed with its disassembly and both states.

Usage: run_diff.py --brassboard PATH --seed N --isa arm|thumb [--count N]
                   [--jit native,interp] [--workdir DIR] [--no-bisect]
Exit status: 0 all agree, 1 a mismatch (or brassboard failed), 2 the reference failed.
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen import FIELDS  # noqa: E402


class Env:
    def __init__(self, args):
        self.args = args
        os.makedirs(args.workdir, exist_ok=True)

    def path(self, name):
        return os.path.join(self.args.workdir, name)

    def gen_cmd(self):
        a = self.args
        return [sys.executable, os.path.join(HERE, "gen.py"), "--seed", str(a.seed), "--isa",
                a.isa, "--count", str(a.count)]

    def build(self, prefix=None):
        a = self.args
        stem = "%s_%d%s" % (a.isa, a.seed, "" if prefix is None else "_p%d" % prefix)
        src, elf = self.path(stem + ".S"), self.path(stem + ".elf")
        cmd = self.gen_cmd() + ["-o", src]
        if prefix is not None:
            cmd += ["--prefix", str(prefix)]
        subprocess.run(cmd, check=True)
        subprocess.run([a.gcc, "-mcpu=cortex-a9", "-mfpu=neon", "-nostdlib", "-nostartfiles",
                        "-T", os.path.join(HERE, "link.ld"), "-o", elf, src], check=True)
        return src, elf

    def item_count(self):
        out = subprocess.run(self.gen_cmd() + ["--items"], check=True, capture_output=True,
                             text=True).stdout.split()
        return int(out[0]), int(out[1])

    def run(self, what, elf):
        a = self.args
        if what == "qemu":
            cmd = [a.qemu, "-M", "vexpress-a9", "-cpu", "cortex-a9", "-m", "1G", "-nographic",
                   "-semihosting", "-kernel", elf]
            env = dict(os.environ, QEMU_AUDIO_DRV="none")
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
            out, status, err = (e.stdout or b"").decode(errors="replace"), "timeout", ""
        return parse(out, status), out + ("" if status == 0 else
                                          "\n[exit status %s] %s" % (status, err[-2000:]))


def parse(text, status):
    dump = {}
    for line in text.splitlines():
        m = re.match(r"^([a-z0-9_]+)=([0-9a-f]{8})$", line.strip())
        if m:
            dump[m.group(1)] = int(m.group(2), 16)
    dump["complete"] = status == 0 and "end" in text.split() and all(f in dump for f in FIELDS)
    if not dump["complete"]:
        dump["status"] = status
        dump["output"] = text[-500:]
    return dump


def same(a, b):
    return a["complete"] and b["complete"] and all(a[f] == b[f] for f in FIELDS)


def show_pair(ref, got, label):
    lines = []
    if not got["complete"]:
        lines.append("  %s did not finish: exit status %s, output tail:\n%s" %
                     (label, got.get("status"), got.get("output")))
    agree = 0
    for f in FIELDS:
        r = "%08x" % ref[f] if f in ref else "--------"
        g = "%08x" % got[f] if f in got else "--------"
        if r == g:
            agree += 1
        else:
            lines.append("  %-8s qemu=%s %s=%s" % (f, r, label, g))
    lines.append("  (%d of %d fields agree)" % (agree, len(FIELDS)))
    return "\n".join(lines)


def item_text(src, k):
    lines = open(src).read().splitlines()
    start = lines.index("item_%05d:" % k)
    end = start + 1
    while end < len(lines) and not lines[end].startswith(("item_", "seq_end:")):
        end += 1
    return "\n".join(line.strip() for line in lines[start + 1:end])


def disassemble(env, elf, k):
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
    return "\n".join(line for line in out.splitlines() if re.match(r"^\s*[0-9a-f]+:\s", line))


def bisect(env, jit, nitems):
    def differs(prefix):
        _, elf = env.build(prefix)
        ref, _ = env.run("qemu", elf)
        got, _ = env.run(jit, elf)
        if not ref["complete"]:
            raise SystemExit("reference failed on prefix %d: %s" % (prefix, ref))
        return not same(ref, got), ref, got

    if differs(0)[0]:
        print("  even the empty sequence differs: the startup or the dump code is at fault")
        return
    lo, hi = 0, nitems
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if differs(mid)[0]:
            hi = mid
        else:
            lo = mid
    _, before, _ = differs(lo)
    _, ref, got = differs(hi)
    src, elf = env.build(hi)
    print("\nFirst differing item: item %d (seed %d, isa %s, jit %s)" %
          (lo, env.args.seed, env.args.isa, jit))
    print("source:\n" + "\n".join("    " + line for line in item_text(src, lo).splitlines()))
    print("disassembly:\n" + disassemble(env, elf, lo))
    print("state before the item (both agree):")
    print("  " + " ".join("%s=%08x" % (f, before[f]) for f in FIELDS))
    print("state after the item:")
    print(show_pair(ref, got, jit))
    print("reproduce: %s --seed %d --isa %s --count %d --prefix %d -o x.S" %
          (os.path.join(HERE, "gen.py"), env.args.seed, env.args.isa, env.args.count, hi))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--brassboard", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--isa", choices=["arm", "thumb"], required=True)
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--jit", default="native,interp")
    ap.add_argument("--workdir", default="diff-vfp-work")
    ap.add_argument("--no-bisect", action="store_true")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--gcc", default="arm-none-eabi-gcc")
    ap.add_argument("--objdump", default="arm-none-eabi-objdump")
    ap.add_argument("--nm", default="arm-none-eabi-nm")
    args = ap.parse_args()
    env = Env(args)

    nitems, ninsns = env.item_count()
    _, elf = env.build()
    ref, ref_text = env.run("qemu", elf)
    if not ref["complete"]:
        print("FAIL: the reference (QEMU) did not finish the program:\n" + ref_text)
        return 2
    failed = False
    for jit in args.jit.split(","):
        got, _ = env.run(jit, elf)
        if same(ref, got):
            print("ok: seed %d isa %s jit %s: %d instructions in %d items agree with QEMU" %
                  (args.seed, args.isa, jit, ninsns, nitems))
            continue
        failed = True
        print("FAIL: seed %d isa %s jit %s: final state differs from QEMU" %
              (args.seed, args.isa, jit))
        print(show_pair(ref, got, jit))
        if not args.no_bisect:
            bisect(env, jit, nitems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
