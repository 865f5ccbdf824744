#!/usr/bin/env python3
"""check_coverage.py: the coverage tests (see CMakeLists.txt). Each subcommand is one test:

  gcov BB ELF SRC CC        executed / never-executed status of every line of program.c
                            that both gcov (host build, gcc --coverage -O0) and brassboard's
                            lcov report give agree, on two inputs
  one_sided BB ELF SRC      the branch marked ONE_SIDED has one outcome seen, one not
  genhtml BB ELF            genhtml renders the lcov file (exit 0, no error)
  merge BB ELF              two runs on different inputs: the merge covers their union
  jit BB ELF                --jit native and --jit interp give the same coverage file
  exact BB ELF...           every instruction and branch outcome in the trace of a run is in
                            its coverage, and nothing else
  formats BB ELF            Cobertura XML parses and agrees with lcov; drcov is well formed;
                            the JSON report parses; the text report names program()
  bad_input BB ELF OTHER    merging coverage of two images fails; bad files are refused
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.dom.minidom

INPUT_DIGITS = b"123ab\n"
INPUT_LETTERS = b"abcde7\n"


def run(cmd, stdin=b"", check=True):
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    if check and p.returncode != 0:
        fail("%s: exit status %d\n%s" % (" ".join(cmd), p.returncode, p.stderr.decode()))
    return p


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def record(bb, elf, path, stdin, *extra):
    run([bb, "run", "--board", "versatilepb", elf, "--coverage", path,
         "--serial", "0=null", "--max-insns", "100000000"] + list(extra), stdin)


def lcov_lines(path, basename):
    """{line: executed} and {line: [(block, branch, taken)]} for one source file."""
    lines, branches, current = {}, {}, None
    for raw in open(path):
        raw = raw.strip()
        if raw.startswith("SF:"):
            current = os.path.basename(raw[3:]) == basename
        elif current and raw.startswith("DA:"):
            line, count = raw[3:].split(",")[:2]
            lines[int(line)] = int(count) > 0
        elif current and raw.startswith("BRDA:"):
            line, block, branch, taken = raw[5:].split(",")
            branches.setdefault(int(line), []).append((int(block), int(branch), taken))
    return lines, branches


def gcov_lines(cc, src_dir, stdin, tmp):
    """{line: executed} from gcov of the host build of program.c."""
    for name in ("program.c", "host_main.c"):
        run([cc, "-O0", "--coverage", "-c", os.path.join(src_dir, name), "-o",
             os.path.join(tmp, name[:-2] + ".o")])
    exe = os.path.join(tmp, "host")
    run([cc, "--coverage", os.path.join(tmp, "program.o"), os.path.join(tmp, "host_main.o"),
         "-o", exe])
    run([exe], stdin)
    out = run(["gcov", "-t", os.path.join(tmp, "program.o")]).stdout.decode()
    lines = {}
    for raw in out.splitlines():
        m = re.match(r"\s*([^:]+):\s*(\d+):", raw)
        if not m or m.group(2) == "0":
            continue
        count = m.group(1).strip()
        if count == "-":
            continue
        lines[int(m.group(2))] = not count.startswith("#") and not count.startswith("=")
    return lines


def test_gcov(bb, elf, src_dir, cc):
    for stdin in (INPUT_DIGITS, INPUT_LETTERS):
        with tempfile.TemporaryDirectory() as tmp:
            info = os.path.join(tmp, "arm.info")
            record(bb, elf, info, stdin)
            arm, _ = lcov_lines(info, "program.c")
            truth = gcov_lines(cc, src_dir, stdin, tmp)
            both = sorted(set(arm) & set(truth))
            if len(both) < 20:
                fail("only %d lines reported by both gcov and brassboard" % len(both))
            wrong = [(l, truth[l], arm[l]) for l in both if truth[l] != arm[l]]
            if wrong:
                fail("input %r: lines where gcov and brassboard disagree (line, gcov, "
                     "brassboard): %s" % (stdin, wrong))
            print("input %r: %d lines agree (%d executed)" %
                  (stdin, len(both), sum(truth[l] for l in both)))


def marked_line(src_dir, marker):
    for number, text in enumerate(open(os.path.join(src_dir, "program.c")), 1):
        if marker in text:
            return number
    fail("no %s line in program.c" % marker)


def test_one_sided(bb, elf, src_dir):
    line = marked_line(src_dir, "ONE_SIDED")
    with tempfile.TemporaryDirectory() as tmp:
        info = os.path.join(tmp, "a.info")
        record(bb, elf, info, INPUT_DIGITS)
        _, branches = lcov_lines(info, "program.c")
        got = branches.get(line)
        if not got or len(got) != 2 or sorted(t for _, _, t in got) != ["0", "1"]:
            fail("line %d: expected one outcome seen and one not, got %s" % (line, got))
        # The object report names it too.
        path = os.path.join(tmp, "a.json")
        record(bb, elf, path, INPUT_DIGITS)
        report = json.load(open(path))
        one = [i for f in report["functions"] for i in f["one_outcome"]
               if i.get("line") == line and os.path.basename(i.get("file", "")) == "program.c"]
        if len(one) != 1 or one[0]["taken"] == one[0]["not_taken"]:
            fail("object report: line %d not listed as a branch with one outcome: %s" % (line, one))
        print("line %d: BRDA %s; object report: %s" % (line, got, one[0]["text"]))


def test_genhtml(bb, elf):
    with tempfile.TemporaryDirectory() as tmp:
        info = os.path.join(tmp, "a.info")
        record(bb, elf, info, INPUT_DIGITS)
        out = os.path.join(tmp, "html")
        p = run(["genhtml", "--branch-coverage", "-o", out, info], check=False)
        text = (p.stdout + p.stderr).decode()
        if p.returncode != 0 or "ERROR" in text or not os.path.exists(os.path.join(out, "index.html")):
            fail("genhtml failed (%d):\n%s" % (p.returncode, text))
        print(text.strip().splitlines()[-4:])


def report_json(bb, *inputs):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.json")
        run([bb, "coverage", "report"] + list(inputs) + ["-o", out])
        return json.load(open(out))


def never_executed(report):
    return {i["address"] for f in report["functions"] for i in f["never_executed"]}


def outcomes(report):
    """{address: (taken, not_taken)} of branches with one outcome."""
    return {i["address"]: (i["taken"], i["not_taken"]) for f in report["functions"]
            for i in f["one_outcome"]}


def test_merge(bb, elf):
    with tempfile.TemporaryDirectory() as tmp:
        a, b, c = (os.path.join(tmp, n) for n in ("a.bbcov", "b.bbcov", "c.bbcov"))
        record(bb, elf, a, INPUT_DIGITS)
        record(bb, elf, b, INPUT_LETTERS)
        run([bb, "coverage", "merge", a, b, "-o", c])
        ra, rb, rc = report_json(bb, a), report_json(bb, b), report_json(bb, c)
        na, nb, nc = never_executed(ra), never_executed(rb), never_executed(rc)
        if nc != na & nb:
            fail("merged never-executed set is not the intersection of the runs'")
        if not (na - nb) or not (nb - na):
            fail("the two inputs should cover different instructions")
        # Branch outcomes: a branch has an outcome in the merge iff it has it in a run.
        def seen(report):
            never = never_executed(report)
            one = outcomes(report)
            return never, one
        for addr, (taken, not_taken) in outcomes(rc).items():
            for r in (ra, rb):
                o = outcomes(r).get(addr)
                if o and ((o[0] and not taken) or (o[1] and not not_taken)):
                    fail("merge lost an outcome of the branch at 0x%x" % addr)
        print("executed: run A %d, run B %d, merged %d" % (
            ra["total"]["executed"], rb["total"]["executed"], rc["total"]["executed"]))
        if rc["total"]["branches_both"] < max(ra["total"]["branches_both"], rb["total"]["branches_both"]):
            fail("merge has fewer branches with both outcomes than a run")


def test_jit(bb, elf):
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for jit in ("native", "interp"):
            path = os.path.join(tmp, jit + ".bbcov")
            record(bb, elf, path, INPUT_DIGITS, "--jit", jit)
            files.append(open(path, "rb").read())
        if files[0] != files[1]:
            fail("--jit native and --jit interp record different coverage")
        print("identical coverage files (%d bytes)" % len(files[0]))


def trace_facts(path):
    """Executed addresses and seen branch outcomes from a text trace."""
    executed, seen = set(), set()
    for raw in open(path):
        m = re.match(r"\s*\d+ c\d+ ([0-9a-f]{8}): [0-9a-f ]+  (.*)", raw)
        if not m:
            continue
        addr = int(m.group(1), 16)
        executed.add(addr)
        if "; taken" in raw:
            seen.add((addr, "taken"))
        elif "; not taken" in raw:
            seen.add((addr, "not_taken"))
    return executed, seen


def drcov_addresses(path):
    data = open(path, "rb").read()
    start = data.index(b"BB Table: ")
    end = data.index(b"\n", start)
    n = int(data[start + 10:end].split()[0])
    if len(data) != end + 1 + 8 * n:
        fail("%s: %d bytes for %d blocks" % (path, len(data), n))
    base = int(re.search(rb"\n\s*0, 0x([0-9a-f]+),", data[:start]).group(1), 16)
    blocks = [struct.unpack_from("<IHH", data, end + 1 + 8 * i) for i in range(n)]
    return [(base + s, size) for s, size, _ in blocks]


def test_exact(bb, elfs):
    for elf in elfs:
        with tempfile.TemporaryDirectory() as tmp:
            trace, drcov, js = (os.path.join(tmp, n) for n in ("t.txt", "c.drcov", "c.json"))
            run([bb, "run", elf, "--trace", trace, "--coverage", drcov, "--serial", "0=null",
                 "--max-insns", "100000000"], INPUT_DIGITS)
            run([bb, "run", elf, "--coverage", js, "--serial", "0=null", "--max-insns",
                 "100000000"], INPUT_DIGITS)
            executed, seen = trace_facts(trace)
            covered = set()
            for start, size in drcov_addresses(drcov):
                covered.update(range(start, start + size))
            report = json.load(open(js))
            listed = never_executed(report)
            missing = sorted(a for a in executed if a not in covered)
            if missing:
                fail("%s: executed but not covered: %s" % (elf, [hex(a) for a in missing[:10]]))
            extra = sorted(a for a in listed if a in executed)
            if extra:
                fail("%s: executed but reported never executed: %s" % (elf, [hex(a) for a in extra[:10]]))
            # Every instruction start that coverage counts as executed is in the trace.
            starts = {a for a in covered if a in executed}
            if report["total"]["executed"] != len(starts):
                fail("%s: coverage counts %d executed instructions, the trace %d" % (
                    elf, report["total"]["executed"], len(starts)))
            # Branch outcomes: those of one-outcome branches must be exactly the trace's.
            for addr, (taken, not_taken) in outcomes(report).items():
                if taken != ((addr, "taken") in seen) or not_taken != ((addr, "not_taken") in seen):
                    fail("%s: branch 0x%x outcomes differ from the trace" % (elf, addr))
            for addr, kind in seen:
                if addr in listed:
                    fail("%s: branch 0x%x ran (%s) but is reported never executed" % (elf, addr, kind))
            print("%s: %d instructions, %d branch outcomes agree" % (
                os.path.basename(elf), len(starts), len(seen)))


def test_formats(bb, elf):
    with tempfile.TemporaryDirectory() as tmp:
        paths = {ext: os.path.join(tmp, "c." + ext) for ext in ("info", "xml", "drcov", "json", "txt")}
        for path in paths.values():
            record(bb, elf, path, INPUT_DIGITS)
        lines, _ = lcov_lines(paths["info"], "program.c")
        doc = xml.dom.minidom.parse(paths["xml"])
        classes = [c for c in doc.getElementsByTagName("class")
                   if c.getAttribute("filename").endswith("program.c")]
        if len(classes) != 1:
            fail("Cobertura: no class for program.c")
        xml_lines = {}
        for node in classes[0].getElementsByTagName("lines")[-1].getElementsByTagName("line"):
            xml_lines[int(node.getAttribute("number"))] = int(node.getAttribute("hits")) > 0
        if xml_lines != lines:
            fail("Cobertura and lcov disagree on program.c")
        blocks = drcov_addresses(paths["drcov"])
        if not blocks:
            fail("drcov: no blocks")
        header = open(paths["drcov"], "rb").read(64)
        if not header.startswith(b"DRCOV VERSION: 2\n"):
            fail("drcov: bad header")
        report = json.load(open(paths["json"]))
        if report["total"]["executed"] <= 0:
            fail("json: nothing executed")
        text = open(paths["txt"]).read()
        if "\nprogram (0x" not in text or "instructions executed" not in text:
            fail("text report: no program() section")
        # The format option overrides the extension.
        forced = os.path.join(tmp, "forced.out")
        record(bb, elf, forced, INPUT_DIGITS, "--coverage-format", "lcov")
        if not open(forced).read().startswith("TN:"):
            fail("--coverage-format lcov did not write lcov")
        print("lcov, Cobertura (%d lines), drcov (%d blocks), json, text agree" % (
            len(xml_lines), len(blocks)))


def test_bad_input(bb, elf, other):
    with tempfile.TemporaryDirectory() as tmp:
        a, b = os.path.join(tmp, "a.bbcov"), os.path.join(tmp, "b.bbcov")
        record(bb, elf, a, INPUT_DIGITS)
        run([bb, "run", other, "--coverage", b, "--serial", "0=null"], check=False)
        p = run([bb, "coverage", "merge", a, b, "-o", os.path.join(tmp, "c.bbcov")], check=False)
        if p.returncode != 2 or b"not the same image" not in p.stderr:
            fail("merging coverage of two images: status %d, %s" % (p.returncode, p.stderr))
        p = run([bb, "coverage", "report", elf], check=False)
        if p.returncode != 2 or b"not a brassboard coverage file" not in p.stderr:
            fail("report of a non-coverage file: status %d, %s" % (p.returncode, p.stderr))
        p = run([bb, "run", elf, "--coverage-format", "html", "--coverage", a], check=False)
        if p.returncode != 2:
            fail("--coverage-format html accepted")
        truncated = os.path.join(tmp, "t.bbcov")
        open(truncated, "wb").write(open(a, "rb").read()[:40])
        p = run([bb, "coverage", "report", truncated], check=False)
        if p.returncode != 2:
            fail("truncated coverage file accepted")
        print("bad inputs refused")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    tests = {"gcov": test_gcov, "one_sided": test_one_sided, "genhtml": test_genhtml,
             "merge": test_merge, "jit": test_jit, "formats": test_formats,
             "bad_input": test_bad_input}
    if cmd == "exact":
        test_exact(args[0], args[1:])
    else:
        tests[cmd](*args)
    print("PASS")


if __name__ == "__main__":
    main()
