#!/usr/bin/env python3
"""gdbtests.py: the tests of Brassboard's GDB stub, one per CTest entry.

    gdbtests.py TEST --brassboard BIN --firmware DIR --gdb GDB [--qemu QEMU]

TEST is NAME[.ISA][.interp]: ISA (arm, thumb) picks the firmware variant, interp runs
brassboard with --jit interp. Most tests drive the real gdb-multiarch in -batch mode
against `brassboard run ... --gdb 0 --wait-gdb` (the stub prints the port it got);
Ctrl-C drives gdb through a pty; the protocol and robustness tests talk the remote
protocol directly (rawgdb.py); the qemu tests run one gdb script against
qemu-system-arm -gdb and against brassboard and compare the answers.

Every process runs under a timeout, so a hung stub fails the test instead of blocking.
"""
import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gdbharness as h  # noqa: E402
import rawgdb  # noqa: E402


# ---- breakpoints, backtrace, step, next, finish ----

def test_break(ctx):
    bb = ctx.brassboard()
    out = ctx.gdb(bb.port, [
        "break outer",
        "hbreak choose",
        "continue",
        "step",
        "step",
        "bt",
        "finish",
        "next",
        "print r",
        "info breakpoints",
        "continue",
        "print $pc == choose || $pc == (char *)choose + 4 || 1",
        "continue",
    ])
    h.expect(out, r"Breakpoint 1, outer \(x=6\) at .*gdbtest\.c:\d+")
    h.expect(out, r"middle \(x=12\) at .*gdbtest\.c:\d+")
    h.expect(out, r"leaf \(x=13\) at .*gdbtest\.c:\d+")
    h.expect(out, r"#0 +leaf \(x=13\) at .*\n#1 +0x[0-9a-f]+ in middle \(x=12\) at .*\n"
                  r"#2 +0x[0-9a-f]+ in outer \(x=6\) at .*\n#3 +0x[0-9a-f]+ in main \(\) at")
    h.expect(out, r"Value returned is \$\d+ = 40")
    h.expect(out, r"return r \+ 2;")
    h.expect(out, r"\$\d+ = 40")
    h.expect(out, r"hw breakpoint +keep y +0x[0-9a-f]+ in choose at")
    h.expect(out, r"Breakpoint 2, (0x[0-9a-f]+ in )?choose \(\) at")
    h.expect(out, r"\[Inferior 1 \(.*\) exited with code 0215\]")
    ctx.finish(bb, status=141, stdout="result 141\n")


# ---- watchpoints ----

def test_watch(ctx):
    back = 2 if ctx.isa == "thumb" else 4
    bb = ctx.brassboard()
    out = ctx.gdb(bb.port, [
        "break touch",
        "continue",
        "watch wvar",
        "rwatch rvar",
        "awatch avar[1]",
        "continue",
        f"x/i $pc - {back}",
        "continue",
        f"x/i $pc - {back}",
        "continue",
        f"x/i $pc - {back}",
        "continue",
        f"x/i $pc - {back}",
        "print wvar",
        "delete",
        "continue",
    ])
    h.expect_seq(out, [
        r"Hardware watchpoint 2: wvar\s+Old value = 0\s+New value = 17\s",
        r"<touch\+\d+>:\s+str\s",
        r"Hardware read watchpoint 3: rvar\s+Value = 7\s",
        r"<touch\+\d+>:\s+ldr\s",
        r"Hardware access \(read/write\) watchpoint 4: avar\[1\]\s+Old value = 0\s+"
        r"New value = 8\s",
        r"<touch\+\d+>:\s+strh\s",
        r"Hardware watchpoint 2: wvar\s+Old value = 17\s+New value = 39\s",
        r"<touch\+\d+>:\s+str\s",
        r"\$\d+ = 39",
        r"exited with code 0215",
    ])
    ctx.finish(bb, status=141, stdout="result 141\n")


# ---- registers and memory ----

def test_regs(ctx):
    bb = ctx.brassboard()
    out = ctx.gdb(bb.port, [
        "break main",
        "break *leaf",
        "break *choose",
        "continue",
        "print input",
        "set var input = 10",
        "x/1dw &input",
        "set {unsigned int}&counter = 0x12345678",
        "x/1xw &counter",
        "continue",
        "print $r0",
        "set $r0 = 30",
        "print $r0",
        "continue",
        "print/x $cpsr & 0x1f",
        "set $sys_sp = $sp",
        "set $cpsr = ($cpsr & ~0x1f) | 0x13",
        "print/x $cpsr & 0x1f",
        "print $sp == (char *)&__svc_stack_top",
        "set $cpsr = ($cpsr & ~0x1f) | 0x1f",
        "print $sp == $sys_sp",
        "set $cpsr = $cpsr | 0xf0000000",
        "print/x $cpsr >> 28",
        "set $cpsr = $cpsr & 0x0fffffff",
        "set $pc = alternative",
        "print $pc == alternative",
        "print/x $cpsr & 0x20",
        "continue",
    ])
    h.expect(out, r"Breakpoint 1, main \(\) at")
    h.expect(out, r"\$1 = 6")
    h.expect(out, r"<input>:\s+10")
    h.expect(out, r"<counter>:\s+0x12345678")
    h.expect(out, r"Breakpoint 2, (0x[0-9a-f]+ in )?leaf \(")
    h.expect(out, r"\$2 = 21")
    h.expect(out, r"\$3 = 30")
    h.expect(out, r"Breakpoint 3, (0x[0-9a-f]+ in )?choose \(\)")
    h.expect(out, r"\$4 = 0x1f")
    h.expect(out, r"\$5 = 0x13")
    h.expect(out, r"\$6 = 1")
    h.expect(out, r"\$7 = 1")
    h.expect(out, r"\$8 = 0xf")
    h.expect(out, r"\$9 = 1")
    h.expect(out, r"\$10 = 0x%s" % ("20" if ctx.isa == "thumb" else "0"))
    # outer(10) with leaf's argument changed to 30: 92; alternative() adds 200.
    h.expect(out, r"exited with code 044\]")
    ctx.finish(bb, status=292 & 0xff, stdout="result 292\n")


# ---- Ctrl-C on a busy loop (gdb through a pty) ----

def test_ctrlc(ctx):
    bb = ctx.brassboard()
    with h.PtyGdb(ctx.args.gdb, ctx.elf, timeout=30) as g:
        g.command("set pagination off")
        g.command("set confirm off")
        g.command(f"target remote 127.0.0.1:{bb.port}", r"Remote debugging using")
        g.command("break main", r"Breakpoint 1 at")
        g.command("continue", r"Breakpoint 1, main")
        g.command("set var spin = 1")
        g.send_line("continue")
        g.wait_for(r"Continuing\.")
        time.sleep(0.3)
        start = time.monotonic()
        g.interrupt()
        g.wait_for(r"received signal SIGINT", timeout=5)
        latency = time.monotonic() - start
        g.wait_for(r"\(gdb\) ")
        g.command("bt", r"#0 +(0x[0-9a-f]+ in )?busy \(\) at .*\n#1 +0x[0-9a-f]+ in main \(\)")
        g.command("print counter > 0", r"\$1 = 1")
        g.command("set var release = 1")
        g.command("continue", r"exited with code 0215")
        g.command("quit")
    print(f"Ctrl-C stopped the guest after {latency * 1000:.0f} ms")
    ctx.finish(bb, status=141, stdout="result 141\n")


# ---- monitor commands ----

def test_monitor(ctx):
    trace = os.path.join(ctx.tmpdir(), "leaf.trace.txt")
    bb = ctx.brassboard()
    out = ctx.gdb(bb.port, [
        "monitor help",
        "monitor regions",
        "monitor log int,mmu",
        "monitor log on unimp",
        "monitor log off int",
        "monitor log off",
        "monitor log bogus",
        "monitor icount",
        "monitor nosuch",
        "break leaf",
        "continue",
        "monitor icount",
        f"monitor trace start {trace} regs",
        "monitor trace",
        "finish",
        "monitor trace stop",
        "monitor trace stop",
        "monitor reset",
        "maintenance flush register-cache",
        "print/x $pc",
        "print/x $cpsr & 0xff",
        "load",
        "print $pc == _start",
        "delete",
        "continue",
    ])
    for name in ("help", "reset", "regions", "log", "icount", "trace"):
        h.expect(out, r"\n  %s\b" % name)
    h.expect_seq(out, [
        r"0x00000000-0x07ffffff +ram",
        r"0x101f1000-0x101f1fff +mmio +serial@101f1000",
        r"log: int,mmu\n",
        r"log: unimp,int,mmu\n",
        r"log: unimp,mmu\n",
        r"log: none\n",
        r"unknown log category 'bogus'",
        r"instructions: 0\n",
        r"unknown monitor command 'nosuch'",
        r"Breakpoint 1, leaf",
        r"instructions: [1-9]\d*\n",
        r"tracing to .*leaf\.trace\.txt\ntracing to ",
        r"Value returned is \$1 = 40",
        r"trace written to .*leaf\.trace\.txt\n",
        r"no trace is running\n",
        r"machine reset: cpu0 at 0x00000000",
        r"\$2 = 0x0\n",
        r"\$3 = 0xd3\n",
        r"Loading section \.text",
        r"\$4 = 1\n",
        r"exited with code 0215",
    ])
    # Started and stopped once: leaf's body and its return (a few instructions).
    with open(trace) as f:
        lines = [line for line in f if not line.startswith("#")]
    if not 3 <= len(lines) <= 40 or not re.search(r" c0 [0-9a-f]{8}: ", lines[0]):
        h.fail("unexpected trace", "".join(lines))
    ctx.finish(bb, status=141, stdout="result 141\n")


# ---- monitor coverage: recorded only between start and stop, saved as lcov ----

def lcov_lines(path, source):
    """{line: count} of the DA records of `source` in an lcov tracefile, and its FNDA."""
    lines, functions, current = {}, {}, None
    with open(path) as f:
        for row in f:
            row = row.strip()
            if row.startswith("SF:"):
                current = os.path.basename(row[3:])
            elif current == source and row.startswith("DA:"):
                number, count = row[3:].split(",")[:2]
                lines[int(number)] = int(count)
            elif current == source and row.startswith("FNDA:"):
                count, name = row[5:].split(",", 1)
                functions[name] = int(count)
    return lines, functions


def source_line(path, text):
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if text in line:
                return number
    h.fail(f"no line with {text!r} in {path}")


def test_coverage(ctx):
    tmp = ctx.tmpdir()
    first, second = os.path.join(tmp, "outer.info"), os.path.join(tmp, "both.info")
    data = os.path.join(tmp, "both.bbcov")
    bb = ctx.brassboard()
    out = ctx.gdb(bb.port, [
        "monitor coverage",
        "monitor coverage stop",
        f"monitor coverage save {first}",
        "break outer",
        "break choose",
        "continue",
        "monitor coverage start",
        "monitor coverage start",
        "monitor coverage",
        "finish",
        f"monitor coverage save {first}",
        "monitor coverage stop",
        "continue",
        f"monitor coverage start {ctx.firmware('uart_peek')}",
        "monitor coverage start",
        "finish",
        "monitor coverage stop",
        f"monitor coverage save {second}",
        f"monitor coverage save {data} data",
        f"monitor coverage save {data} bogus",
        "monitor coverage clear",
        "monitor coverage",
        "delete",
        "continue",
    ])
    h.expect_seq(out, [
        r"no coverage recorded\n",
        r"coverage is not being recorded\n",
        r"no coverage recorded \(monitor coverage start\)",
        r"Breakpoint 1, outer",
        r"recording coverage of .*gdbtest-\w+\.elf\n",
        r"coverage is already being recorded \(monitor coverage stop\)",
        r"recording coverage of .*gdbtest-\w+\.elf\n",
        r"Value returned is \$1 = 41",
        r"coverage written to .*outer\.info\n",
        r"coverage recording stopped",
        r"Breakpoint 2, (0x[0-9a-f]+ in )?choose",
        r"coverage of .*gdbtest-\w+\.elf is held: save it, then monitor coverage clear",
        r"recording coverage of .*gdbtest-\w+\.elf\n",
        r"Value returned is \$2 = 1\n",
        r"coverage recording stopped",
        r"coverage written to .*both\.info\n",
        r"coverage written to .*both\.bbcov\n",
        r"unknown format 'bogus'",
        r"coverage cleared\n",
        r"no coverage recorded\n",
        r"exited with code 0215",
    ])
    ctx.finish(bb, status=141, stdout="result 141\n")
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gdbtest.c")
    leaf = source_line(source, "return x * 3 + 1;")
    middle = source_line(source, "return r + 2;")
    outer = source_line(source, "return middle(x * 2) - 1;")
    touch = source_line(source, "wvar = 0x11;")
    choose = source_line(source, "return 1;")
    busy = source_line(source, "counter++;")
    report = open(first).read() + open(second).read()
    for path, hit, not_hit in ((first, (leaf, middle, outer), (touch, choose, busy)),
                               (second, (leaf, middle, outer, choose), (touch, busy))):
        lines, functions = lcov_lines(path, "gdbtest.c")
        for number in hit:
            if lines.get(number, 0) < 1:
                h.fail(f"{os.path.basename(path)}: line {number} should be covered", report)
        for number in not_hit:
            if lines.get(number) != 0:
                h.fail(f"{os.path.basename(path)}: line {number} should be listed, not covered",
                       report)
        if functions.get("leaf", 0) < 1 or functions.get("touch") != 0:
            h.fail(f"{os.path.basename(path)}: FNDA of leaf and touch", report)
    # The data file holds the same coverage: brassboard's report from it agrees.
    r = subprocess.run([ctx.args.brassboard, "coverage", "report", data, "-o",
                        os.path.join(tmp, "again.info")], capture_output=True, text=True,
                       timeout=30)
    if r.returncode != 0:
        h.fail("brassboard coverage report failed", r.stderr)
    if lcov_lines(os.path.join(tmp, "again.info"), "gdbtest.c") != lcov_lines(second, "gdbtest.c"):
        h.fail("the .bbcov file does not give the same lcov report", open(second).read())


# ---- the --max-insns bound still holds under gdb ----

def test_limit(ctx):
    bb = ctx.brassboard(extra=["--max-insns", "2000000"])
    out = ctx.gdb(bb.port, ["break main", "continue", "set var spin = 1", "continue"])
    h.expect(out, r"Program terminated with signal SIGXCPU")
    ctx.finish(bb, status=3, stdout="")
    h.expect(bb.stderr_text(), r"stopped after 2000000 instructions")


# ---- detach, and attach again ----

def test_detach(ctx):
    bb = ctx.brassboard()
    first = ctx.gdb(bb.port, [
        "break main",
        "continue",
        "set var spin = 1",
        "break busy",
        "continue",
        "detach",
    ])
    h.expect(first, r"Breakpoint 2, busy \(\)")
    h.expect(first, r"\[Inferior 1 \(.*\) detached\]")
    time.sleep(0.3)
    if bb.poll() is not None:
        h.fail("brassboard ended after the detach", bb.stderr_text())
    second = ctx.gdb(bb.port, [
        "bt",
        "print counter > 1000",
        "info breakpoints",
        "set var release = 1",
        "continue",
    ])
    h.expect(second, r"#0 +(0x[0-9a-f]+ in )?busy \(\) at .*\n#1 +0x[0-9a-f]+ in main \(\)")
    h.expect(second, r"\$1 = 1")
    h.expect(second, r"No breakpoints or watchpoints")
    h.expect(second, r"exited with code 0215")
    ctx.finish(bb, status=141, stdout="result 141\n")
    h.expect(bb.stderr_text(), r"debugger detached; the guest runs on")


# ---- kill ----

def test_kill(ctx):
    bb = ctx.brassboard()
    out = ctx.gdb(bb.port, ["break leaf", "continue", "kill"])
    h.expect(out, r"Breakpoint 1, leaf")
    h.expect(out, r"\[Inferior 1 \(.*\) killed\]")
    ctx.finish(bb, status=130, stdout="")


# ---- a debugger's read of a device register has no side effect ----

def test_uart_debug_read(ctx):
    bb = ctx.brassboard(elf=ctx.firmware("uart_peek"), stdin=b"Z")
    out = ctx.gdb(bb.port, [
        "break got_input",
        "continue",
        "x/1xw 0x101f1000",
        "x/1xw 0x101f1000",
        "x/1xb 0x101f1000",
        "print/x *(unsigned int *)0x101f1018 & 0x10",
        "print/x *(unsigned int *)0x101f1000",
        "continue",
    ], elf=ctx.firmware("uart_peek"))
    h.expect(out, r"Breakpoint 1, got_input")
    if len(re.findall(r"0x101f1000:\s+0x0000005a", out)) != 2:
        h.fail("UARTDR read by gdb is not 'Z' both times", out)
    h.expect(out, r"0x101f1000:\s+0x5a")
    h.expect(out, r"\$1 = 0x0\n")
    h.expect(out, r"\$2 = 0x5a\n")
    h.expect(out, r"exited with code 0132")
    ctx.finish(bb, status=0x5a, stdout="waiting\ngot Z, fifo empty\n")


# ---- VFP and NEON registers (a Cortex-A9 board) ----

def test_vfp(ctx):
    import subprocess
    boards = subprocess.run([ctx.args.brassboard, "boards"], stdout=subprocess.PIPE).stdout
    if b"vexpress-a9" not in boards:
        print("no vexpress-a9 board in this build: skipped")
        return
    bb = ctx.brassboard(elf=None, board="vexpress-a9")
    out = ctx.gdb(bb.port, [
        "set $d0 = 1.5",
        "set $d1 = -2",
        "print $d0",
        "print/x $q0",
        "set $q1 = $q0",
        "print $d3",
        "print $s1",
        "set $d31 = 0.25",
        "print/x $q15",
        "set $fpscr = 0x03000000",
        "print/x $fpscr",
        "info registers cpsr spsr",
        "info registers d31",
        "kill",
    ], elf=None)
    h.expect_seq(out, [
        r"\$1 = 1\.5\n",
        r"\$2 = 0xc0000000000000003ff8000000000000\n",
        r"\$3 = -2\n",
        r"\$4 = 1\.9375\n",
        r"\$5 = 0x3fd00000000000000000000000000000\n",
        r"\$6 = 0x3000000\n",
        r"cpsr +0x1d3 ",
        r"spsr +0x0 ",
        r"d31 +0\.25 ",
    ])
    ctx.finish(bb, status=130, stdout=None)


# ---- the remote protocol itself ----

def test_protocol(ctx):
    rawgdb.protocol_test(ctx)


def test_robustness(ctx):
    rawgdb.robustness_test(ctx)


def test_idle(ctx):
    rawgdb.idle_test(ctx)


# ---- the same session against QEMU ----

QEMU_SCRIPT = [
    "break leaf",
    "continue",
    "bt",
    "info registers r0 r1 r2 r3 r11 sp lr pc",
    "print/x $cpsr & ~0x100",
    "finish",
    "stepi",
    "stepi",
    "stepi",
    "print/x $pc",
    "next",
    "print/x $pc",
    "watch wvar",
    "rwatch rvar",
    "continue",
    "print/x $pc",
    "continue",
    "print/x $pc",
    "info registers r0 r1 r2 r3 sp lr pc",
    "delete",
    "break alternative",
    "break *choose",
    "continue",
    "set $pc = alternative",
    "continue",
    "print/x $pc",
    "x/8xw &input",
    "print/x $cpsr & ~0x100",
    "delete",
    "continue",
]


def normalize(text):
    keep = []
    for line in text.splitlines():
        if re.match(r"(Remote debugging using|\[Switching to|\[New Thread|"
                    r"\[Inferior 1 \(.*\) exited)", line):
            continue
        keep.append(line)
    return "\n".join(keep)


def test_qemu(ctx):
    if not ctx.args.qemu:
        print("qemu-system-arm not found: skipped")
        return
    bb = ctx.brassboard()
    ours = ctx.gdb(bb.port, QEMU_SCRIPT)
    ctx.finish(bb, status=41 + 200, stdout="result 241\n")
    qemu = h.Qemu(ctx.args.qemu, ctx.elf)
    theirs = ctx.gdb(qemu.port, QEMU_SCRIPT)
    qemu.finish(status=41 + 200)
    a, b = normalize(ours), normalize(theirs)
    if a != b:
        import difflib
        diff = "\n".join(difflib.unified_diff(b.splitlines(), a.splitlines(), "qemu",
                                              "brassboard", lineterm=""))
        h.fail("brassboard and qemu answer differently", diff)
    h.expect(ours, r"exited with code 0361")
    print(f"{len(a.splitlines())} lines of gdb output identical under brassboard and qemu")


TESTS = {
    "break": test_break,
    "watch": test_watch,
    "regs": test_regs,
    "ctrlc": test_ctrlc,
    "monitor": test_monitor,
    "coverage": test_coverage,
    "limit": test_limit,
    "detach": test_detach,
    "kill": test_kill,
    "uart_debug_read": test_uart_debug_read,
    "vfp": test_vfp,
    "protocol": test_protocol,
    "robustness": test_robustness,
    "idle": test_idle,
    "qemu": test_qemu,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("test")
    parser.add_argument("--brassboard", required=True)
    parser.add_argument("--firmware", required=True)
    parser.add_argument("--gdb", required=True)
    parser.add_argument("--qemu", default="")
    args = parser.parse_args()
    parts = args.test.split(".")
    name = parts[0]
    if name not in TESTS:
        parser.error(f"unknown test {name}")
    ctx = h.Context(args, isa=parts[1] if len(parts) > 1 else "arm",
                    jit="interp" if "interp" in parts[2:] else "native")
    try:
        TESTS[name](ctx)
    except h.Failure as e:
        print(f"FAIL: {e}")
        ctx.cleanup()
        return 1
    ctx.cleanup()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
