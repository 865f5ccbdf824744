#!/usr/bin/env python3
"""jit-disasm.py DUMP PC [PC...]: disassembles the host code of the translated blocks at
guest address PC (hex) from a /tmp/perf-PID.code dump (BRASSBOARD_PERF_MAP=code, see
docs/jit.md), with objdump. Every translation of that PC is printed."""
import subprocess
import sys
import tempfile


def blocks(path):
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while pos < len(data):
        end = data.index(b"\n", pos)
        _, pc, flags, host, size = data[pos:end].decode().split()
        size = int(size, 16)
        yield int(pc, 16), int(flags, 16), int(host, 16), data[end + 1:end + 1 + size]
        pos = end + 1 + size


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    wanted = {int(a, 16) for a in argv[2:]}
    for pc, flags, host, code in blocks(argv[1]):
        if pc not in wanted:
            continue
        print(f"== guest 0x{pc:08x} flags 0x{flags:x}: host 0x{host:x}, {len(code)} bytes")
        with tempfile.NamedTemporaryFile(suffix=".bin") as f:
            f.write(code)
            f.flush()
            subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64",
                            f"--adjust-vma=0x{host:x}", f.name], check=False)


if __name__ == "__main__":
    main(sys.argv)
