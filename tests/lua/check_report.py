#!/usr/bin/env python3
"""check_report.py: runs the failing-on-purpose suite (report.lua) and checks its reports.

The TAP 14 stream on stdout must hold every result with its YAML block (message,
severity, at = file:line of the failure, expected, seen), skips as SKIP directives and the
group as a subtest; the JUnit XML file is read with Python's XML parser (xml.etree) and
its counts, failures, errors, skips, file/line attributes and system-out are checked.
Then suites that cannot load (a syntax error, an error at their top level, no tests, a
missing file) must bail out with exit status 2, naming file:line.

usage: check_report.py BRASSBOARD SOURCE_DIR FIRMWARE_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def markers(path):
    """Line numbers of the `-- @name` markers of a Lua file."""
    lines = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            m = re.search(r"-- @([\w-]+)", line)
            if m:
                lines[m.group(1)] = n
    return lines


def declarations(path):
    """Line numbers of bb.test("name", ...) declarations."""
    lines = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            m = re.search(r'bb\.test\("([^"]+)"', line)
            if m:
                lines[m.group(1)] = n
    return lines


def yaml_scalar(text):
    """The value of a one-line YAML scalar as the TAP writer quotes it."""
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    if text.startswith('"'):
        out, i, body = [], 0, text[1:-1]
        while i < len(body):
            c = body[i]
            if c == "\\":
                e = body[i + 1]
                if e == "x":
                    out.append(chr(int(body[i + 2:i + 4], 16)))
                    i += 4
                    continue
                out.append({"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}[e])
                i += 2
                continue
            out.append(c)
            i += 1
        return "".join(out)
    return text


def parse_tap(text):
    """Test points by (depth, number): status, name, directive and YAML fields."""
    points, current = {}, None
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        depth = (len(line) - len(stripped)) // 4
        m = re.match(r"(not ok|ok) (\d+) - (.*?)(?: # (SKIP) (.*))?$", stripped)
        if m:
            current = {"ok": m.group(1) == "ok", "name": m.group(3), "skip": m.group(5),
                       "yaml": {}, "depth": depth}
            points[(depth, int(m.group(2)))] = current
            continue
        m = re.match(r"(\w+): (.*)$", stripped)
        if m and current is not None and line.startswith(" " * (4 * current["depth"] + 2)):
            current["yaml"][m.group(1)] = yaml_scalar(m.group(2))
    return points


def run(bb, args, cwd):
    return subprocess.run([bb, "test"] + args, cwd=cwd, capture_output=True, text=True,
                          errors="replace", timeout=300)


def check_failure(points, key, name, severity, at, message=None, expected=None, seen=None):
    p = points.get(key)
    check(p is not None, "TAP has test point %s (%s)" % (key, name))
    if p is None:
        return
    check(not p["ok"] and p["name"] == name, "TAP: 'not ok %d - %s'" % (key[1], name))
    y = p["yaml"]
    check(y.get("severity") == severity, "%s: severity %s (got %r)" % (name, severity, y.get("severity")))
    check(y.get("at", "").endswith(at), "%s: at ends with %s (got %r)" % (name, at, y.get("at")))
    if message:
        check(re.search(message, y.get("message", "")) is not None,
              "%s: message matches %r (got %r)" % (name, message, y.get("message")))
    if expected is not None:
        check(y.get("expected") == expected, "%s: expected %r (got %r)" % (name, expected, y.get("expected")))
    if seen is not None:
        check(y.get("seen") == seen, "%s: seen %r (got %r)" % (name, seen, y.get("seen")))


def check_main_suite(bb, src, fw, work):
    suite = os.path.join(src, "report.lua")
    junit = os.path.join(work, "report.xml")
    if os.path.exists(junit):
        os.remove(junit)
    r = run(bb, [suite, "--junit", junit, "--", "fw=" + fw], work)
    check(r.returncode == 1, "exit status 1 when tests fail (got %d)" % r.returncode)
    lines = r.stdout.splitlines()
    check(lines[:2] == ["TAP version 14", "1..12"], "TAP version and plan (got %r)" % lines[:2])
    at = markers(suite)
    loc = lambda name: "report.lua:%d" % at[name]
    points = parse_tap(r.stdout)

    check(points.get((0, 1), {}).get("ok") is True, "ok 1 - passes")
    check_failure(points, (0, 2), "failing check", "fail", loc("failing-check"),
                  message="^magic: values differ$", expected="4321 (0x10e1)",
                  seen="1234 (0x4d2)")
    check_failure(points, (0, 3), "expect times out", "fail", loc("expect"),
                  message="^UART0 did not show the expected text within 2 ms",
                  expected='"never printed"', seen='"dialogue ready\\r\\n> "')
    check_failure(points, (0, 4), "lua error", "error", loc("lua-error"),
                  message="report.lua:%d: attempt to index a nil value" % at["lua-error"])
    check_failure(points, (0, 5), "runaway script", "error", loc("runaway-script"),
                  message="runaway script: more than 2000000 Lua instructions")
    check_failure(points, (0, 6), "runaway script in a hook", "error", loc("runaway-hook"),
                  message="runaway script")
    check_failure(points, (0, 7), "error in a hook", "error", loc("hook-error"),
                  message="report.lua:%d: sensor unplugged" % at["hook-error"])
    check_failure(points, (0, 8), "runaway guest", "error", loc("runaway-guest"),
                  message="the guest ran 3000000 instructions without stopping")
    check(points.get((0, 9), {}).get("skip") == "needs the real board", "ok 9 # SKIP reason")
    check(points.get((0, 10), {}).get("skip") == "no probe attached", "ok 10 # SKIP at run time")
    check("    # Subtest: a group" in lines, "the group is a TAP 14 subtest")
    check(points.get((1, 1), {}).get("ok") is True, "subtest: ok 1 - inner passes")
    check_failure(points, (1, 2), "inner fails", "fail", loc("inner"), message="^inner check$",
                  expected="a true value", seen="false")
    check(points.get((0, 11), {}).get("ok") is False, "not ok 11 - a group")
    check(points.get((0, 12), {}).get("ok") is True, "ok 12 - passes after the failures")
    check("failing check" in r.stdout and "magic 1234" in r.stdout,
          "the failure's report carries the UART output")

    # JUnit, read by a real XML parser.
    try:
        root = ET.parse(junit).getroot()
    except (ET.ParseError, OSError) as e:
        check(False, "JUnit XML parses: %s" % e)
        return
    check(root.tag == "testsuites", "JUnit root is <testsuites>")
    check((root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) ==
          ("13", "3", "5", "2"), "JUnit counts (got %r)" % (root.attrib,))
    suites = [s.get("name") for s in root.findall("testsuite")]
    check(suites == ["report.lua", "report.lua/a group"], "JUnit testsuites (got %r)" % suites)
    cases = {c.get("name"): c for c in root.iter("testcase")}
    declared = declarations(suite)
    for name, line in declared.items():
        c = cases.get(name)
        check(c is not None and c.get("line") == str(line) and c.get("file", "").endswith("report.lua"),
              "JUnit testcase '%s' with file and line %d" % (name, line))
    f = cases["failing check"].find("failure")
    check(f is not None and f.get("message") == "magic: values differ" and f.get("type") == "check",
          "JUnit <failure> of the failing check")
    if f is not None:
        text = f.text or ""
        check("at " + suite + ":%d" % at["failing-check"] in text or
              re.search(r"report\.lua:%d\n" % at["failing-check"], text) is not None,
              "JUnit failure text names file:line")
        check("expected: 4321 (0x10e1)" in text and "seen: 1234 (0x4d2)" in text,
              "JUnit failure text has expected and seen")
    for name, pattern in [("lua error", "attempt to index a nil value"),
                          ("runaway script", "runaway script"),
                          ("runaway script in a hook", "runaway script"),
                          ("error in a hook", "sensor unplugged"),
                          ("runaway guest", "runaway guest")]:
        e = cases[name].find("error")
        check(e is not None and pattern in (e.get("message") or ""), "JUnit <error> of '%s'" % name)
    for name in ["skipped", "skipped at run time"]:
        check(cases[name].find("skipped") is not None, "JUnit <skipped> of '%s'" % name)
    out = cases["inner passes"].find("system-out")
    check(out is not None and "a note for the report" in out.text and "<&>" in out.text and
          "\\x01\\x02\\xff" in out.text, "JUnit system-out carries bb.log, escaped")
    check(cases["expect times out"].find("system-out").text.startswith("--- machine 1, uart0 ---\ndialogue ready\r\n"),
          "JUnit system-out keeps the UART output (\\r included)")


def check_bad_suites(bb, work):
    cases = [
        ("syntax.lua", 'bb.test("x", function() end)\nlocal = 3\n', r"syntax\.lua:2:"),
        ("toplevel.lua", 'bb.test("x", function() end)\nerror("no board here")\n',
         r"toplevel\.lua:2: no board here"),
        ("empty.lua", "local x = 1\n", r"declares no tests"),
        ("nested.lua", 'bb.test("x", function() bb.test("y", function() end) end)\n', None),
    ]
    for name, text, pattern in cases:
        path = os.path.join(work, name)
        with open(path, "w") as f:
            f.write(text)
        junit = os.path.join(work, name + ".xml")
        r = run(bb, [path, "--junit", junit], work)
        if pattern is None:  # declaring a test inside a test fails that test only
            check(r.returncode == 1 and "tests are declared when the suite loads" in r.stdout,
                  "%s: a test declared inside a test fails it" % name)
            continue
        check(r.returncode == 2, "%s: exit status 2 (got %d)" % (name, r.returncode))
        check(re.search(r"^Bail out! .*" + pattern, r.stdout, re.M) is not None,
              "%s: TAP bails out naming %s (got %r)" % (name, pattern, r.stdout))
        check(re.search(pattern, r.stderr) is not None, "%s: stderr names the error" % name)
        try:
            root = ET.parse(junit).getroot()
            check(root.get("errors") == "1", "%s: the JUnit file has one error" % name)
        except (ET.ParseError, OSError) as e:
            check(False, "%s: JUnit XML parses: %s" % (name, e))
    r = run(bb, [os.path.join(work, "missing.lua")], work)
    check(r.returncode == 2 and "missing.lua" in r.stderr, "a missing suite: exit 2 naming it")
    r = run(bb, ["--bogus", "x"], work)
    check(r.returncode == 2, "an unknown option: exit 2")


def main():
    bb, src, fw, work = (os.path.abspath(a) for a in sys.argv[1:5])
    check_main_suite(bb, src, fw, work)
    check_bad_suites(bb, work)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all report checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
