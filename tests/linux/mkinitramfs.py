#!/usr/bin/env python3
"""mkinitramfs.py: writes a gzip-compressed initramfs (cpio "newc" format) for the Linux
boot test without root rights: device nodes are archive entries, not files.

usage: mkinitramfs.py OUT.cpio.gz ENTRY...
  dir:PATH                   a directory (mode 0755)
  file:PATH=HOSTFILE[:MODE]  a regular file copied from the host (MODE in octal, 0755 default)
  link:PATH=TARGET           a symbolic link
  cdev:PATH=MAJOR,MINOR      a character device (mode 0600)
"""
import gzip
import os
import sys


def header(ino, mode, size, name, rdev_major=0, rdev_minor=0, nlink=1):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev_major, rdev_minor, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08x" % f for f in fields)


def pad(n):
    return b"\0" * ((4 - n % 4) % 4)


def entry(ino, mode, name, data=b"", rdev=(0, 0)):
    name_bytes = name.encode()
    head = header(ino, mode, len(data), name_bytes, rdev[0], rdev[1]) + name_bytes + b"\0"
    return head + pad(len(head)) + data + pad(len(data))


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    out, specs = argv[1], argv[2:]
    parts = []
    for ino, spec in enumerate(specs, start=1):
        kind, _, rest = spec.partition(":")
        if kind == "dir":
            parts.append(entry(ino, 0o040755, rest.lstrip("/")))
        elif kind == "file":
            path, _, source = rest.partition("=")
            source, _, mode = source.partition(":")
            with open(source, "rb") as f:
                data = f.read()
            parts.append(entry(ino, 0o100000 | int(mode or "755", 8), path.lstrip("/"), data))
        elif kind == "link":
            path, _, target = rest.partition("=")
            parts.append(entry(ino, 0o120777, path.lstrip("/"), target.encode()))
        elif kind == "cdev":
            path, _, numbers = rest.partition("=")
            major, minor = (int(x) for x in numbers.split(","))
            parts.append(entry(ino, 0o020600, path.lstrip("/"), rdev=(major, minor)))
        else:
            sys.exit("mkinitramfs.py: bad entry '%s'" % spec)
    parts.append(entry(0, 0, "TRAILER!!!"))
    tmp = out + ".tmp"
    with gzip.open(tmp, "wb", compresslevel=6) as f:
        f.write(b"".join(parts))
    os.replace(tmp, out)


if __name__ == "__main__":
    main(sys.argv)
