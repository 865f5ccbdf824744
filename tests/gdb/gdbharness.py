"""gdbharness.py: processes for the gdb tests: brassboard with its stub (the port it
printed), gdb-multiarch in -batch mode or on a pty, qemu-system-arm -gdb; and checks.
Every wait has a deadline."""
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time


class Failure(Exception):
    pass


def fail(message, output=""):
    if output:
        message += "\n--- output:\n" + output.rstrip() + "\n---"
    raise Failure(message)


def expect(text, pattern):
    if not re.search(pattern, text):
        fail(f"expected /{pattern}/", text)


def expect_seq(text, patterns):
    """The patterns must match in this order."""
    pos = 0
    for pattern in patterns:
        m = re.compile(pattern).search(text, pos)
        if not m:
            fail(f"expected /{pattern}/ after offset {pos}", text)
        pos = m.end()


class Drain:
    """Reads a pipe on a thread so that the process never blocks on it."""

    def __init__(self, pipe):
        self.data = b""
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, args=(pipe,), daemon=True)
        self.thread.start()

    def _run(self, pipe):
        while True:
            chunk = pipe.read1(4096) if hasattr(pipe, "read1") else pipe.read(4096)
            if not chunk:
                return
            with self.lock:
                self.data += chunk

    def text(self):
        with self.lock:
            return self.data.decode("utf-8", "replace")


class Brassboard:
    def __init__(self, binary, elf, jit="native", wait=True, stdin=None, extra=(),
                 board="versatilepb"):
        cmd = [binary, "run", "--board", board] + ([elf] if elf else [])
        cmd += ["--gdb", "0", "--jit", jit]
        cmd += (["--wait-gdb"] if wait else []) + list(extra)
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        if stdin:
            self.proc.stdin.write(stdin)
            self.proc.stdin.flush()
        self.out = Drain(self.proc.stdout)
        self.err = Drain(self.proc.stderr)
        deadline = time.monotonic() + 10
        self.port = None
        while self.port is None:
            m = re.search(r"gdb: listening on 127\.0\.0\.1:(\d+)", self.err.text())
            if m:
                self.port = int(m.group(1))
            elif self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                fail("brassboard did not start its gdb stub: " + " ".join(cmd),
                     self.err.text())
            else:
                time.sleep(0.01)

    def poll(self):
        return self.proc.poll()

    def stderr_text(self):
        return self.err.text()

    def wait(self, timeout=20):
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            fail(f"brassboard did not exit within {timeout} s", self.err.text())
        self.out.thread.join(2)
        self.err.thread.join(2)
        return status

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Qemu:
    """qemu-system-arm -M versatilepb halted at reset with its gdb stub on a free port."""

    def __init__(self, binary, elf):
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        cmd = [binary, "-M", "versatilepb", "-m", "128M", "-display", "none", "-serial",
               "null", "-monitor", "none", "-semihosting", "-kernel", elf, "-S", "-gdb",
               f"tcp:127.0.0.1:{self.port}"]
        env = dict(os.environ, QEMU_AUDIO_DRV="none")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, env=env)
        self.err = Drain(self.proc.stderr)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    fail("qemu did not start its gdb stub", self.err.text())
                time.sleep(0.05)

    def finish(self, status):
        try:
            got = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
            fail("qemu did not exit", self.err.text())
        if got != status:
            fail(f"qemu exit status {got}, expected {status}", self.err.text())

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def run_gdb(gdb, elf, port, commands, timeout=30):
    """gdb -batch: attach, run the commands, return everything it printed."""
    cmd = [gdb, "-nx", "-batch", "-ex", "set pagination off", "-ex", "set confirm off",
           "-ex", "set width 0", "-ex", f"target remote 127.0.0.1:{port}"]
    for c in commands:
        cmd += ["-ex", c]
    if elf:
        cmd.append(elf)
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        fail(f"gdb did not finish within {timeout} s",
             (e.stdout or b"").decode("utf-8", "replace"))
    return r.stdout.decode("utf-8", "replace")


class PtyGdb:
    """An interactive gdb on a pseudo-terminal: Ctrl-C is a real 0x03 from gdb."""

    def __init__(self, gdb, elf, timeout=30):
        self.timeout = timeout
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["TERM"] = "dumb"
            os.execvp(gdb, [gdb, "-nx", "-q", "-ex", "set width 0", "-ex", "set style enabled off",
                            elf])
        self.seen = ""
        self.pos = 0
        self.wait_for(r"\(gdb\) ")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.fd)

    def send_line(self, line):
        os.write(self.fd, line.encode() + b"\n")

    def interrupt(self):
        os.write(self.fd, b"\x03")

    def wait_for(self, pattern, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        regex = re.compile(pattern)
        while True:
            m = regex.search(self.seen, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                fail(f"gdb did not print /{pattern}/", self.seen)
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    fail(f"gdb ended before /{pattern}/", self.seen)
                self.seen += chunk.decode("utf-8", "replace").replace("\r", "")

    def command(self, line, pattern=None):
        self.send_line(line)
        if pattern:
            self.wait_for(pattern)
        if line != "quit":
            self.wait_for(r"\(gdb\) ")


class Context:
    def __init__(self, args, isa, jit):
        self.args = args
        self.isa = isa
        self.jit = jit
        self.elf = self.firmware("gdbtest")
        self.processes = []
        self.tmp = None

    def tmpdir(self):
        if not self.tmp:
            self.tmp = tempfile.mkdtemp(prefix="bb-gdbtest-")
        return self.tmp

    def firmware(self, name):
        return os.path.join(self.args.firmware, f"{name}-{self.isa}.elf")

    def brassboard(self, elf="", **kw):
        bb = Brassboard(self.args.brassboard, self.elf if elf == "" else elf, jit=self.jit, **kw)
        self.processes.append(bb)
        return bb

    def gdb(self, port, commands, elf="", timeout=30):
        return run_gdb(self.args.gdb, self.elf if elf == "" else elf, port, commands, timeout)

    def finish(self, bb, status, stdout):
        got = bb.wait()
        out = bb.out.text()
        if got != status:
            fail(f"brassboard exit status {got}, expected {status}", bb.stderr_text())
        if stdout is not None and out != stdout:
            fail(f"brassboard printed {out!r}, expected {stdout!r}", bb.stderr_text())

    def cleanup(self):
        for p in self.processes:
            p.kill()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
