#!/usr/bin/env python3
"""check_trace.py: the tracing and waveform tests (see CMakeLists.txt). One test per
subcommand:

  jit BB ELF            --jit native and --jit interp give the same text trace (registers
                        and memory included) and the same binary trace, byte for byte
  dump BB ELF           `brassboard trace dump` of the binary trace equals the text trace,
                        with and without registers and memory
  max_insns BB ELF      --max-insns N: exit status 3, exactly N instructions, an end line
  crash BB ELF          a guest that crashes (undefined instruction, spinning handler):
                        the exception is in the trace, which is complete at --max-insns
  sigint BB ELF         a run stopped by SIGINT exits with 130 and leaves a complete text
                        trace, binary trace, coverage file and waveform
  filters BB ELF        --trace-start SYMBOL, --trace-stop @N, --trace-range FUNCTION
  vcd BB ELF            the timer interrupt line of timer_irq toggles at the programmed
                        period in virtual time; CPU mode, sleep, UART and a watched range
                        show; vcd2fst (gtkwave) accepts the file
  bad_input BB ELF      bad options and files are refused with exit status 2
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

LINE = re.compile(r"\s*(\d+) c(\d+) ([0-9a-f]{8}): ")


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def run(cmd, check=True, status=0):
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    if check and p.returncode != status:
        fail("%s: exit status %d (expected %d)\n%s" % (" ".join(cmd), p.returncode, status,
                                                        p.stderr.decode()))
    return p


def bb_run(bb, elf, *opts, status=0):
    return run([bb, "run", "--board", "versatilepb", elf, "--serial", "0=null",
                "--max-insns", "200000000"] + list(opts), status=status)


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def tail(path, size=4096):
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - size))
        return f.read().decode(errors="replace").split("\n", 1)[-1]


def insn_lines(text):
    return [l for l in text.splitlines() if LINE.match(l)]


def test_jit(bb, elf):
    with tempfile.TemporaryDirectory() as tmp:
        out = {}
        for jit in ("native", "interp"):
            for ext in ("txt", "bbtrace"):
                path = os.path.join(tmp, "%s.%s" % (jit, ext))
                bb_run(bb, elf, "--jit", jit, "--trace", path, "--trace-regs", "--trace-mem")
                out[jit, ext] = read(path, "rb")
        if out["native", "txt"] != out["interp", "txt"]:
            fail("text traces differ between --jit native and --jit interp")
        if out["native", "bbtrace"] != out["interp", "bbtrace"]:
            fail("binary traces differ between --jit native and --jit interp")
        print("identical traces: %d lines" % out["native", "txt"].count(b"\n"))


def test_dump(bb, elf):
    with tempfile.TemporaryDirectory() as tmp:
        for opts in ([], ["--trace-regs"], ["--trace-mem"], ["--trace-regs", "--trace-mem"]):
            text, binary = os.path.join(tmp, "t.txt"), os.path.join(tmp, "t.bbtrace")
            bb_run(bb, elf, "--trace", text, *opts)
            bb_run(bb, elf, "--trace", binary, *opts)
            dumped = run([bb, "trace", "dump", binary]).stdout.decode()
            if dumped != read(text):
                fail("options %s: the dump of the binary trace differs from the text trace" % opts)
            print("%s: %d lines, binary %d bytes, text %d bytes" % (
                " ".join(opts) or "(plain)", dumped.count("\n"), os.path.getsize(binary),
                os.path.getsize(text)))


def test_max_insns(bb, elf):
    with tempfile.TemporaryDirectory() as tmp:
        for ext in ("txt", "bbtrace"):
            path = os.path.join(tmp, "t." + ext)
            bb_run(bb, elf, "--trace", path, "--max-insns", "5000", status=3)
            text = read(path) if ext == "txt" else run([bb, "trace", "dump", path]).stdout.decode()
            counts = [int(LINE.match(l).group(1)) for l in insn_lines(text)]
            if counts != list(range(5000)):
                fail("%s: expected instructions 0..4999, got %d lines" % (ext, len(counts)))
            if not text.endswith("# end: 5000 instructions, max-insns\n"):
                fail("%s: no end line: %r" % (ext, text[-80:]))
        print("5000 instructions, complete")


def test_crash(bb, elf):
    with tempfile.TemporaryDirectory() as tmp:
        text, binary = os.path.join(tmp, "t.txt"), os.path.join(tmp, "t.bbtrace")
        bb_run(bb, elf, "--trace", text, "--trace-regs", "--max-insns", "1000", status=3)
        bb_run(bb, elf, "--trace", binary, "--trace-regs", "--max-insns", "1000", status=3)
        t = read(text)
        if run([bb, "trace", "dump", binary]).stdout.decode() != t:
            fail("dump differs from the text trace")
        if not re.search(r"\n\s+\d+ c0 exception undef at 000000\w\w\n", t):
            fail("no undefined-instruction exception in the trace")
        if "; r2=00000003" not in t or not t.endswith("# end: 1000 instructions, max-insns\n"):
            fail("trace incomplete")
        print(re.search(r".*exception undef.*", t).group(0).strip())


def test_sigint(bb, elf):
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, n) for n in ("t.txt", "t.bbtrace", "c.bbcov", "w.vcd")]
        procs = []
        for trace in paths[:2]:
            cmd = [bb, "run", "--board", "versatilepb", elf, "--serial", "0=null", "--trace", trace]
            if trace.endswith(".bbtrace"):
                cmd += ["--coverage", paths[2], "--vcd", paths[3]]
            procs.append(subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE))
        time.sleep(0.5)
        for p in procs:
            p.send_signal(signal.SIGINT)
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                fail("brassboard did not stop on SIGINT")
            if p.returncode != 130:
                fail("exit status %d after SIGINT, expected 130" % p.returncode)
        dumped = os.path.join(tmp, "dumped.txt")
        run([bb, "trace", "dump", paths[1], "-o", dumped])
        for name, path in (("text", paths[0]), ("binary", dumped)):
            t = tail(path)
            m = re.search(r"# end: (\d+) instructions, interrupted\n$", t)
            if not m:
                fail("%s trace: no end line after SIGINT: %r" % (name, t[-100:]))
            last = int(LINE.match(insn_lines(t)[-1]).group(1))
            if last + 1 != int(m.group(1)):
                fail("%s trace: last instruction %d, end says %s" % (name, last, m.group(1)))
        report = run([bb, "coverage", "report", paths[2]]).stdout.decode()
        if "instructions executed" not in report:
            fail("coverage file unreadable after SIGINT")
        vcd = read(paths[3])
        if "$enddefinitions $end" not in vcd or not re.search(r"\n#\d+\n$", vcd):
            fail("waveform incomplete after SIGINT")
        if shutil.which("vcd2fst"):
            run(["vcd2fst", paths[3], os.path.join(tmp, "w.fst")])
        print("text %d bytes, binary %d bytes, coverage and waveform complete" % (
            os.path.getsize(paths[0]), os.path.getsize(paths[1])))


def symbol(elf, name):
    nm = shutil.which("arm-none-eabi-nm") or "nm"
    for line in run([nm, "-S", elf]).stdout.decode().splitlines():
        parts = line.split()
        if parts[-1] == name:
            return int(parts[0], 16), int(parts[1], 16) if len(parts) == 4 else 0
    fail("no symbol %s" % name)


def test_filters(bb, elf):
    main, _ = symbol(elf, "main")
    func, size = symbol(elf, "uart_puts")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "t.txt")
        bb_run(bb, elf, "--trace", path, "--trace-start", "main", "--trace-stop", "@400")
        lines = insn_lines(read(path))
        first, last = LINE.match(lines[0]), LINE.match(lines[-1])
        if int(first.group(3), 16) != main & ~1 or int(last.group(1)) != 399:
            fail("window: first %s, last %s" % (lines[0], lines[-1]))
        if [int(LINE.match(l).group(1)) for l in lines] != list(range(int(first.group(1)), 400)):
            fail("window: instructions missing")
        bb_run(bb, elf, "--trace", path, "--trace-range", "uart_puts")
        pcs = [int(LINE.match(l).group(3), 16) for l in insn_lines(read(path))]
        lo, hi = func & ~1, (func & ~1) + size
        if not pcs or any(pc < lo or pc >= hi for pc in pcs):
            fail("range: instructions outside uart_puts")
        bb_run(bb, elf, "--trace", path, "--trace-range", "0x%x-0x%x" % (lo, lo + 7))
        pcs2 = {int(LINE.match(l).group(3), 16) for l in insn_lines(read(path))}
        if not pcs2 or any(pc < lo or pc > lo + 7 for pc in pcs2):
            fail("address range: instructions outside it")
        print("window from main (0x%x) to @400: %d lines; uart_puts: %d lines" % (
            main, len(lines), len(pcs)))


def vcd_changes(path):
    """{(scope, name): [(time, value)]} of a VCD file."""
    ids, scopes, changes, now = {}, [], {}, 0
    for line in read(path).splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] == "$scope":
            scopes.append(words[2])
        elif words[0] == "$upscope":
            scopes.pop()
        elif words[0] == "$var":
            ids[words[3]] = (scopes[-1], words[4])
        elif words[0].startswith("#"):
            now = int(words[0][1:])
        elif words[0][0] in "01" and words[0][1:] in ids:
            changes.setdefault(ids[words[0][1:]], []).append((now, int(words[0][0])))
        elif words[0][0] == "b" and len(words) == 2 and words[1] in ids:
            changes.setdefault(ids[words[1]], []).append((now, int(words[0][1:], 2)))
    return ids, changes


def test_vcd(bb, elf):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "t.vcd")
        bb_run(bb, elf, "--vcd", path, "--vcd-watch", "0x101e2000-0x101e201f")
        ids, changes = vcd_changes(path)
        line = changes.get(("timer_101e2000", "irq0"), [])
        rises = [t for (t, v), (_, before) in zip(line[1:], line) if v == 1 and before == 0]
        # timer_irq programs LOAD = 1000 at 1 MHz: the SP804 counts LOAD..0, 1001 us a period.
        periods = {b - a for a, b in zip(rises, rises[1:])}
        if len(rises) < 5 or periods != {1001000}:
            fail("timer 0 interrupt: %d rising edges, periods %s ns" % (len(rises), sorted(periods)))
        vic = changes.get(("intc_10140000", "irq0"), [])
        if len(vic) < 10:
            fail("the VIC's IRQ line to the CPU barely changes")
        modes = {v for _, v in changes.get(("cpu0", "mode"), [])}
        if 0x12 not in modes:
            fail("CPU mode never IRQ (0x12): %s" % modes)
        if not changes.get(("cpu0", "sleep")):
            fail("the CPU never sleeps in WFI")
        tx = changes.get(("uart0", "tx_count"), [])
        if not tx:
            fail("no UART0 output in the waveform")
        # Accesses to the watched range (timer 0's registers): addresses inside it, and
        # writes of 1 to INTCLR (offset 0x0c) by the interrupt handler.
        watch = lambda name: changes.get(("watch_101e2000", name), [])
        addrs = {v for _, v in watch("addr")[1:]}  # after the initial value
        if not watch("count") or not addrs or not all(0x101e2000 <= a <= 0x101e201f for a in addrs):
            fail("watched range: accesses %s" % sorted(addrs))
        if 0x101e200c not in addrs:
            fail("watched range: no access to INTCLR")
        if shutil.which("vcd2fst"):
            run(["vcd2fst", path, os.path.join(tmp, "t.fst")])
            print("vcd2fst accepts the file")
        else:
            print("vcd2fst not installed: not checked")
        print("timer 0: %d interrupts, every %d ns; UART0: %d bytes" % (
            len(rises), rises[1] - rises[0], tx[-1][1]))


def test_bad_input(bb, elf):
    with tempfile.TemporaryDirectory() as tmp:
        t = os.path.join(tmp, "t.txt")
        for opts in (["--trace", t, "--trace-format", "xml"],
                     ["--trace", t, "--trace-start", "no_such_symbol"],
                     ["--trace", t, "--trace-range", "9-1"],
                     ["--trace-regs"],
                     ["--trace", os.path.join(tmp, "no", "dir", "t.txt")],
                     ["--vcd-watch", "0-4"]):
            p = bb_run(bb, elf, *opts, status=2)
            if not p.stderr:
                fail("%s: refused without a message" % opts)
        p = run([bb, "trace", "dump", elf], status=2)
        if b"not a brassboard binary trace" not in p.stderr:
            fail("dump of a non-trace: %s" % p.stderr)
        binary = os.path.join(tmp, "t.bbtrace")
        bb_run(bb, elf, "--trace", binary)
        data = read(binary, "rb")
        cut = os.path.join(tmp, "cut.bbtrace")
        with open(cut, "wb") as f:
            f.write(data[:len(data) // 2])
        out = run([bb, "trace", "dump", cut]).stdout.decode()
        if not out.endswith("# end: trace truncated\n"):
            fail("truncated trace: %r" % out[-60:])
        print("bad inputs refused; a truncated trace dumps up to its cut")


def main():
    tests = {"jit": test_jit, "dump": test_dump, "max_insns": test_max_insns,
             "crash": test_crash, "sigint": test_sigint, "filters": test_filters,
             "vcd": test_vcd, "bad_input": test_bad_input}
    tests[sys.argv[1]](*sys.argv[2:])
    print("PASS")


if __name__ == "__main__":
    main()
