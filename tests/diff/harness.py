"""harness.py: what the instruction-semantics differential tests share (tests/diff,
tests/diff_v7, tests/diff_vfp): building a generated test program (whole, or a prefix of
its item list), running it under qemu-system-arm (the reference) and under brassboard,
reading the values it prints, comparing them, checking that brassboard retired at least
the instructions the program is sure to execute, and bisecting a mismatch to the first
item after which the two states differ.

A suite describes itself with a Suite (its generator, compiler flags, board and QEMU
machine, the fields its program prints) and calls main(). Run kinds (--jit): native,
interp (brassboard run --jit ...), and for suites with a step runner stepN: the program
run in slices of N instructions.

Exit status of main: 0 all agree, 1 a mismatch (or brassboard failed), 2 the reference
failed.
"""

import argparse
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

STATS = re.compile(r"^stats: insns=(\d+)", re.M)
VALUE = re.compile(r"^([a-z][a-z0-9_]*)=([0-9a-f]{8})$")


class Suite:
    """What differs between the differential suites.

    generator: path of the generator script (gen.py interface: --seed --isa --count
    [--prefix K] -o FILE, or --items); gcc_flags: arm-none-eabi-gcc flags besides the
    linker script; board: brassboard's board; qemu_args: qemu-system-arm's machine
    arguments; fields: the names of the printed values that must agree; isas: --isa
    choices; default_count: --count's default; irq: the generator takes --irq (programs
    that a timer interrupts), and so does the test."""

    def __init__(self, name, generator, gcc_flags, link_script, board, qemu_args, fields,
                 isas, default_count, irq=False):
        self.name = name
        self.generator = generator
        self.gcc_flags = gcc_flags
        self.link_script = link_script
        self.board = board
        self.qemu_args = qemu_args
        self.fields = fields
        self.isas = isas
        self.default_count = default_count
        self.irq = irq

    def generator_args(self, args):
        return ["--irq"] if self.irq and args.irq else []


class Env:
    def __init__(self, suite, args):
        self.suite = suite
        self.args = args
        os.makedirs(args.workdir, exist_ok=True)

    def path(self, name):
        return os.path.join(self.args.workdir, name)

    def generator_cmd(self, *extra):
        a = self.args
        return ([sys.executable, self.suite.generator, "--seed", str(a.seed), "--isa", a.isa,
                 "--count", str(a.count)] + self.suite.generator_args(a) + list(extra))

    def build(self, prefix=None):
        """Generates and links the program (whole, or its first prefix items): (src, elf)."""
        a = self.args
        extra = "".join("_" + x.lstrip("-") for x in self.suite.generator_args(a))
        stem = "%s_%d%s%s" % (a.isa, a.seed, extra, "" if prefix is None else "_p%d" % prefix)
        src, elf = self.path(stem + ".S"), self.path(stem + ".elf")
        cmd = self.generator_cmd("-o", src)
        if prefix is not None:
            cmd += ["--prefix", str(prefix)]
        subprocess.run(cmd, check=True)
        subprocess.run([a.gcc] + self.suite.gcc_flags + ["-nostdlib", "-nostartfiles", "-T",
                                                         self.suite.link_script, "-o", elf, src],
                       check=True)
        return src, elf

    def item_count(self):
        """(items, instructions, instructions sure to execute)."""
        out = subprocess.run(self.generator_cmd("--items"), check=True, capture_output=True,
                             text=True).stdout.split()
        return int(out[0]), int(out[1]), int(out[2])

    def command(self, what, elf):
        a = self.args
        if what == "qemu":
            return ([a.qemu] + self.suite.qemu_args +
                    ["-nographic", "-monitor", "none", "-semihosting", "-kernel", elf])
        if what.startswith("step"):
            if not a.step_run:
                raise SystemExit("--jit %s needs --step-run" % what)
            return [a.step_run, self.suite.board, elf, what[4:], "native"]
        return [a.brassboard, "run", "--board", self.suite.board, elf, "--jit", what,
                "--max-insns", "100000000", "--stats"]

    def run(self, what, elf):
        """Runs elf under 'qemu' or a brassboard run kind: (dump dict, raw text). The dump
        has "complete" (every field printed, "end", exit status 0) and for brassboard
        "insns" (the instructions it retired)."""
        env = dict(os.environ, QEMU_AUDIO_DRV="none") if what == "qemu" else None
        try:
            p = subprocess.run(self.command(what, elf), stdin=subprocess.DEVNULL,
                               capture_output=True, env=env, timeout=self.args.timeout)
            out, status = p.stdout.decode(errors="replace"), p.returncode
            err = p.stderr.decode(errors="replace")
        except subprocess.TimeoutExpired as e:
            out, status, err = (e.stdout or b"").decode(errors="replace"), "timeout", ""
        dump = parse(out, status, self.suite.fields)
        if not dump["complete"] and err.strip():
            dump["output"] += "\n[stderr] " + err[-1000:]
        m = STATS.search(err)
        dump["insns"] = int(m.group(1)) if m else None
        return dump, out + ("" if status == 0 else
                            "\n[exit status %s] %s" % (status, err[-2000:]))


def parse(text, status, fields):
    dump = {}
    for line in text.splitlines():
        m = VALUE.match(line.strip())
        if m:
            dump[m.group(1)] = int(m.group(2), 16)
    dump["complete"] = status == 0 and "end" in text.split() and all(f in dump for f in fields)
    if not dump["complete"]:
        dump["status"] = status
        dump["output"] = text[-500:]
    return dump


def same(a, b, fields):
    return a["complete"] and b["complete"] and all(a[f] == b[f] for f in fields)


def flags_text(cpsr):
    return "".join(c if cpsr >> b & 1 else c.lower() for c, b in
                   (("N", 31), ("Z", 30), ("C", 29), ("V", 28), ("Q", 27)))


def show_pair(ref, got, label, fields):
    """The fields that differ, QEMU's value first; flags spelled out for the CPSR."""
    lines = []
    if not got["complete"]:
        lines.append("  %s did not finish: exit status %s, output tail:\n%s" %
                     (label, got.get("status"), got.get("output")))
    agree = 0
    for f in fields:
        r = "%08x" % ref[f] if f in ref else "--------"
        g = "%08x" % got[f] if f in got else "--------"
        if r == g:
            agree += 1
            continue
        extra = ""
        if f == "cpsr" and f in ref and f in got:
            extra = "   (flags qemu %s, %s %s)" % (flags_text(ref[f]), label, flags_text(got[f]))
        lines.append("  %-8s qemu=%s %s=%s%s" % (f, r, label, g, extra))
    lines.append("  (%d of %d fields agree)" % (agree, len(fields)))
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
    return "\n".join(line for line in out.splitlines() if re.match(r"^\s*[0-9a-f]+:\t", line))


def bisect(env, jit, nitems):
    """Finds k with prefix k agreeing and prefix k+1 not: item k is the culprit."""
    fields = env.suite.fields

    def differs(prefix):
        _, elf = env.build(prefix)
        ref, _ = env.run("qemu", elf)
        got, _ = env.run(jit, elf)
        if not ref["complete"]:
            raise SystemExit("reference failed on prefix %d: %s" % (prefix, ref))
        return not same(ref, got, fields), ref, got

    if differs(0)[0]:
        print("  even the empty sequence differs: the startup or the dump code is at fault")
        return
    lo, hi = 0, nitems  # prefix lo agrees, prefix hi differs
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if differs(mid)[0]:
            hi = mid
        else:
            lo = mid
    _, before, _ = differs(lo)
    _, ref, got = differs(hi)
    src, elf = env.build(hi)
    a = env.args
    print("\nFirst differing item found by bisection: item %d (seed %d, isa %s, jit %s)" %
          (lo, a.seed, a.isa, jit))
    print("source:\n" + "\n".join("    " + line for line in item_text(src, lo).splitlines()))
    print("disassembly:\n" + disassemble(env, elf, lo))
    registers = [f for f in fields if not f.startswith("mem")]
    if "cpsr" in before:
        print("state before the item (both agree): flags %s" % flags_text(before["cpsr"]))
    else:
        print("state before the item (both agree):")
    print("  " + " ".join("%s=%08x" % (f, before[f]) for f in registers))
    print("state after the item:")
    print(show_pair(ref, got, jit, fields))
    print("reproduce: %s" % " ".join(env.generator_cmd("--prefix", str(hi), "-o", "x.S")))


def main(suite, description, default_jit="native,interp"):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--brassboard", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--isa", choices=suite.isas, required=True)
    ap.add_argument("--count", type=int, default=suite.default_count,
                    help="instructions that surely execute (at least)")
    ap.add_argument("--jit", default=default_jit,
                    help="run kinds: native, interp, stepN (needs --step-run)")
    ap.add_argument("--step-run", help="the program that runs an image in slices (stepN)")
    if suite.irq:
        ap.add_argument("--irq", action="store_true", help="programs with timer interrupts")
    ap.add_argument("--workdir", default="diff-work")
    ap.add_argument("--no-bisect", action="store_true")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--gcc", default="arm-none-eabi-gcc")
    ap.add_argument("--objdump", default="arm-none-eabi-objdump")
    ap.add_argument("--nm", default="arm-none-eabi-nm")
    args = ap.parse_args()
    env = Env(suite, args)

    nitems, ninsns, nexec = env.item_count()
    _, elf = env.build()
    ref, ref_text = env.run("qemu", elf)
    if not ref["complete"]:
        print("FAIL: the reference (QEMU) did not finish the program:\n" + ref_text)
        return 2
    interrupted = suite.irq and args.irq
    what = "seed %d isa %s%s" % (args.seed, args.isa, " (interrupted)" if interrupted else "")
    failed = False
    for jit in args.jit.split(","):
        got, _ = env.run(jit, elf)
        if not same(ref, got, suite.fields):
            failed = True
            print("FAIL: %s jit %s: final state differs from QEMU" % (what, jit))
            print(show_pair(ref, got, jit, suite.fields))
            if not args.no_bisect:
                bisect(env, jit, nitems)
            continue
        if got["insns"] is None or got["insns"] < nexec:
            failed = True
            print("FAIL: %s jit %s: retired %s instructions, fewer than the %d the program "
                  "surely executes" % (what, jit, got["insns"], nexec))
            continue
        print("ok: %s jit %s: %d instructions retired (%d generated, %d sure to execute, "
              "%d items) agree with QEMU" % (what, jit, got["insns"], ninsns, nexec, nitems))
    return 1 if failed else 0
