#!/usr/bin/env python3
"""check_run_script.py: `brassboard run ... --script FILE.lua`, and a board DTS with a
peripheral written in Lua. Each case checks the guest's UART output (stdout), stderr and
the exit status.

usage: check_run_script.py BRASSBOARD SOURCE_DIR FIRMWARE_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def main():
    bb, src, fw, work = (os.path.abspath(a) for a in sys.argv[1:5])
    scripts = os.path.join(src, "scripts")

    def run(args):
        r = subprocess.run([bb, "run"] + args + ["--max-insns", "50000000"], cwd=work,
                           capture_output=True, timeout=120)
        # Bytes decoded by hand: text mode would turn the UART's \r\n into \n.
        return (r.returncode, r.stdout.decode(errors="replace"),
                r.stderr.decode(errors="replace"))

    hooks = os.path.join(fw, "hooks-arm.elf")
    dialogue = os.path.join(fw, "dialogue-arm.elf")

    rc, out, err = run([hooks, "--script", os.path.join(scripts, "poke.lua")])
    check(rc == 0, "poke: exit 0 (got %d, %s)" % (rc, err))
    check("magic 777\n" in out, "poke: the poked value is printed")
    check("line: work total 145 (calls so far: 10)" in err, "poke: the exec hook counted 10 calls")

    rc, out, err = run([dialogue, "--script", os.path.join(scripts, "type.lua")])
    check(rc == 0, "type: exit 0 (got %d, %s)" % (rc, err))
    check(out == "dialogue ready\r\n> add 20 22\r\n= 42\r\n> quit\r\nbye\r\n",
          "type: the dialogue (got %r)" % out)

    rc, out, err = run([dialogue, "--script", os.path.join(scripts, "drive.lua")])
    check(rc == 0 and "driven to the end" in err, "drive: the script ran the guest to its end")
    check(out.endswith("> quit\r\nbye\r\n") and out.count("bye") == 1, "drive: output once")

    rc, out, err = run([hooks, "--script", os.path.join(scripts, "stop.lua")])
    check(rc == 0 and "the script stopped the run at pc 0x" in err,
          "stop: a hook returning \"stop\" ends the run (%d, %s)" % (rc, err))
    check("self test" not in out and "mailbox 7" in out, "stop: before self_test()")

    rc, out, err = run([hooks, "--script", os.path.join(scripts, "load_error.lua")])
    check(rc == 2 and re.search(r"load_error\.lua:3: attempt to perform arithmetic", err),
          "load_error: exit 2 naming file:line (%d, %s)" % (rc, err))

    rc, out, err = run([hooks, "--script", os.path.join(scripts, "hook_error.lua")])
    check(rc == 2 and re.search(r"hook_error\.lua:4: work\(3\) called from 0x[0-9a-f]+", err),
          "hook_error: exit 2 naming file:line (%d, %s)" % (rc, err))

    rc, out, err = run([hooks, "--script", os.path.join(scripts, "runaway.lua")])
    check(rc == 2 and re.search(r"runaway\.lua:4: runaway script", err),
          "runaway: exit 2 naming file:line (%d, %s)" % (rc, err))
    check("work total 145" in out, "runaway: output before the hook is kept")

    rc, out, err = run([os.path.join(fw, "periph-arm.elf"), "--board",
                        os.path.join(src, "lua_board.dts")])
    check(rc == 0 and "35 squared is 1225\ninterrupts 5\n" in out,
          "a Lua model in a board DTS, without a script (%d, %r, %s)" % (rc, out, err))

    rc, out, err = run([hooks, "--script", os.path.join(scripts, "missing.lua")])
    check(rc == 2 and "missing.lua" in err, "a missing script: exit 2 naming it")

    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all run --script checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
