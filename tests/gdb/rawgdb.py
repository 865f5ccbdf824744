"""rawgdb.py: a minimal remote-protocol client and the packet-level tests of the stub:
framing, checksums, acks and no-ack mode, escaping and run-length encoding, every
command with good and malformed arguments, exact watchpoint addresses, the 0x03
interrupt; and robustness against garbage, broken packets and clients that vanish."""
import random
import re
import shutil
import socket
import subprocess
import time

import gdbharness as h


def checksum(body):
    return sum(body) & 0xff


def frame(body):
    return b"$" + body + b"#%02x" % checksum(body)


def expand_rle(body):
    out = bytearray()
    i = 0
    while i < len(body):
        if body[i] == ord("*"):
            out += out[-1:] * (body[i + 1] - 29)
            i += 2
        else:
            out.append(body[i])
            i += 1
    return bytes(out)


def unescape(data):
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == ord("}"):
            out.append(data[i + 1] ^ 0x20)
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def le32(value):
    return value.to_bytes(4, "little").hex().encode()


class Client:
    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.ack = True
        self.last_raw = b""

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def byte(self):
        if not self.buf:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                h.fail("the stub did not answer (timeout)")
            if not chunk:
                h.fail("the stub closed the connection")
            self.buf = chunk
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def expect_byte(self, want):
        got = self.byte()
        if got != want:
            h.fail(f"expected {want!r} from the stub, got {got!r}")

    def send(self, body):
        self.send_raw(frame(body))
        if self.ack:
            self.expect_byte(b"+")

    def packet(self):
        """The next packet, checksum verified, run-length encoding expanded."""
        while True:
            b = self.byte()
            if b == b"$":
                break
            if not self.ack or b != b"+":
                h.fail(f"unexpected byte {b!r} between packets")
        body = bytearray()
        while (b := self.byte()) != b"#":
            body += b
        sum_text = self.byte() + self.byte()
        if int(sum_text, 16) != checksum(body):
            h.fail(f"bad checksum on {bytes(body)!r}")
        if self.ack:
            self.send_raw(b"+")
        self.last_raw = bytes(body)
        return expand_rle(bytes(body))

    def cmd(self, body):
        self.send(body)
        return self.packet()

    def drain(self, wait=0.2):
        self.sock.settimeout(wait)
        try:
            while self.sock.recv(65536):
                pass
        except (socket.timeout, ConnectionError):
            pass
        self.sock.settimeout(10)
        self.buf = b""


def symbols(elf):
    nm = shutil.which("arm-none-eabi-nm")
    out = subprocess.run([nm, elf], stdout=subprocess.PIPE, check=True).stdout.decode()
    table = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            table[parts[2]] = int(parts[0], 16)
    return table


def expect_eq(what, got, want):
    if got != want:
        h.fail(f"{what}: got {got!r}, expected {want!r}")


def expect_re(what, got, pattern):
    if not re.fullmatch(pattern, got):
        h.fail(f"{what}: got {got!r}, expected /{pattern.decode()}/")


def stop_field(reply, name):
    m = re.search(rb"(?:^T..|;)" + re.escape(name) + rb":([0-9a-f]*);", reply)
    if not m:
        h.fail(f"no {name.decode()} in stop reply {reply!r}")
    return m.group(1)


def stop_pc(reply):
    return int.from_bytes(bytes.fromhex(stop_field(reply, b"0f").decode()), "little")


def read_word(c, addr):
    return int.from_bytes(bytes.fromhex(c.cmd(b"m%x,4" % addr).decode()), "little")


def xfer(c, obj, annex, chunk=0x80):
    data, offset = b"", 0
    while True:
        reply = c.cmd(b"qXfer:%s:read:%s:%x,%x" % (obj, annex, offset, chunk))
        if reply[:1] not in (b"m", b"l"):
            h.fail(f"qXfer {obj!r}: {reply!r}")
        part = unescape(reply[1:])
        data += part
        offset += len(part)
        if reply[:1] == b"l":
            return data


def crc32_gdb(data):
    crc = 0xffffffff
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04c11db7) if crc & 0x80000000 else crc << 1
            crc &= 0xffffffff
    return crc


def protocol_test(ctx):
    syms = symbols(ctx.elf)
    thumb = ctx.isa == "thumb"
    bb = ctx.brassboard()
    c = Client(bb.port)

    features = c.cmd(b"qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=arm;"
                     b"vContSupported+").split(b";")
    for f in (b"PacketSize=4000", b"QStartNoAckMode+", b"qXfer:features:read+",
              b"qXfer:memory-map:read+", b"qXfer:threads:read+", b"swbreak+", b"hwbreak+",
              b"vContSupported+"):
        if f not in features:
            h.fail(f"qSupported lacks {f!r}: {features!r}")
    expect_re("?", c.cmd(b"?"), rb"T05.*thread:1;")

    # Framing: a bad checksum is refused with '-'; the stub keeps working.
    c.send_raw(b"$g#00")
    c.expect_byte(b"-")
    c.send_raw(b"$g#zz")
    c.expect_byte(b"-")
    # An empty packet, an unknown command: the empty reply.
    expect_eq("empty packet", c.cmd(b""), b"")
    expect_eq("unknown packet", c.cmd(b"Jfoo"), b"")
    expect_eq("vMustReplyEmpty", c.cmd(b"vMustReplyEmpty"), b"")
    # Longer than PacketSize: acknowledged, answered with an error.
    expect_eq("overlong packet", c.cmd(b"m" + b"0" * 20000), b"E01")
    # A '$' inside a packet starts a new one.
    c.send_raw(b"$m0,4$")
    expect_re("restarted packet", c.cmd(b"qC"), rb"QC1")

    # Malformed commands get errors, never a crash.
    for bad in (b"m", b"mzz,4", b"m0", b"m0,", b"M0,4:zz", b"M0,4:00", b"G1", b"P99=00",
                b"P0=1", b"p", b"pzz", b"Z0,", b"Z0,0", b"Z0,0,5", b"z1,zz,4", b"Hx1", b"Hg9",
                b"vCont;x", b"vCont;c:zz", b"X0,4:ab", b"qXfer:features:read:nosuch.xml:0,10",
                b"qXfer:features:read:target.xml:zz", b"qRcmd,zz", b"qRcmd,6", b"Cxx",
                b"c12345678901234567890", b"T9", b"qThreadExtraInfo,9", b"qCRC:0"):
        expect_re(f"malformed {bad!r}", c.cmd(bad), rb"E[0-9a-f]{2}")
    expect_eq("Z9", c.cmd(b"Z9,0,4"), b"")

    # Threads.
    expect_eq("qC", c.cmd(b"qC"), b"QC1")
    expect_eq("qfThreadInfo", c.cmd(b"qfThreadInfo"), b"m1")
    expect_eq("qsThreadInfo", c.cmd(b"qsThreadInfo"), b"l")
    extra = bytes.fromhex(c.cmd(b"qThreadExtraInfo,1").decode())
    expect_re("qThreadExtraInfo", extra, rb"arm,arm926ej-s.*")
    expect_eq("qAttached", c.cmd(b"qAttached"), b"1")
    expect_eq("T1", c.cmd(b"T1"), b"OK")
    expect_eq("Hg1", c.cmd(b"Hg1"), b"OK")
    expect_eq("Hgp1.1", c.cmd(b"Hgp1.1"), b"OK")
    expect_eq("Hc-1", c.cmd(b"Hc-1"), b"OK")
    expect_eq("Hg0", c.cmd(b"Hg0"), b"OK")
    threads = xfer(c, b"threads", b"")
    expect_re("threads", threads, rb'(?s).*<thread id="1" core="0" name="cpu0">.*')

    # Target description: cpsr is register 25 of org.gnu.gdb.arm.core.
    target = xfer(c, b"features", b"target.xml", chunk=0x40)
    for want in (rb"<architecture>arm</architecture>", rb'<feature name="org.gnu.gdb.arm.core">',
                 rb'<reg name="pc" bitsize="32" regnum="15" type="code_ptr"',
                 rb'<reg name="cpsr" bitsize="32" regnum="25"',
                 rb'<reg name="spsr" bitsize="32" regnum="26" group="system"'):
        if not re.search(want, target):
            h.fail(f"target.xml lacks {want!r}", target.decode())
    memory_map = xfer(c, b"memory-map", b"")
    if b'<memory type="ram" start="0x0" length="0x100000000"/>' not in memory_map:
        h.fail("memory map", memory_map.decode())

    # Registers: g is r0-r15, cpsr, spsr (regnum order); p/P/G round trips.
    regs = c.cmd(b"g")
    expect_eq("g length", len(regs), 18 * 8)
    expect_eq("p f", c.cmd(b"pf"), regs[15 * 8:16 * 8])
    expect_eq("p 19", c.cmd(b"p19"), regs[16 * 8:17 * 8])
    expect_eq("P 3", c.cmd(b"P3=efbeadde"), b"OK")
    expect_eq("p 3", c.cmd(b"p3"), b"efbeadde")
    changed = regs[:4 * 8] + b"44332211" + regs[5 * 8:]
    expect_eq("G", c.cmd(b"G" + changed), b"OK")
    expect_eq("g after G", c.cmd(b"g"), changed)
    expect_eq("restore", c.cmd(b"G" + regs), b"OK")
    expect_eq("p 1a (spsr)", len(c.cmd(b"p1a")), 8)
    expect_re("p 10 (absent)", c.cmd(b"p10"), rb"E[0-9a-f]{2}")

    # Memory: M, X with escaped bytes, m with run-length encoded replies, qCRC.
    scratch = 0x07f00000
    expect_eq("M", c.cmd(b"M%x,4:01020304" % scratch), b"OK")
    expect_eq("m", c.cmd(b"m%x,4" % scratch), b"01020304")
    expect_eq("X probe", c.cmd(b"X%x,0:" % scratch), b"OK")
    special = bytes([0x23, 0x24, 0x7d, 0x2a, 0x03, 0x00])
    escaped = b"".join(b"}" + bytes([x ^ 0x20]) if x in b"#$}*" else bytes([x]) for x in special)
    expect_eq("X", c.cmd(b"X%x,%x:" % (scratch, len(special)) + escaped), b"OK")
    expect_eq("m after X", c.cmd(b"m%x,%x" % (scratch, len(special))), special.hex().encode())
    expect_eq("M zeros", c.cmd(b"M%x,40:" % scratch + b"00" * 64), b"OK")
    expect_eq("m zeros", c.cmd(b"m%x,40" % scratch), b"0" * 128)
    if b"*" not in c.last_raw or len(c.last_raw) > 16:
        h.fail(f"128 zeros were not run-length encoded: {c.last_raw!r}")
    expect_eq("M 7 ones", c.cmd(b"M%x,4:11111111" % scratch), b"OK")  # 8 chars: no '$'/'#'
    expect_eq("m 7 ones", c.cmd(b"m%x,4" % scratch), b"11111111")
    for n in range(1, 120):  # every run length decodes back
        text = b"%0*x" % (n, 0)
        if len(text) % 2:
            text = b"1" + text
        c.cmd(b"M%x,%x:" % (scratch, len(text) // 2) + text)
        expect_eq(f"run of {n}", c.cmd(b"m%x,%x" % (scratch, len(text) // 2)), text)
    expect_re("m unmapped", c.cmd(b"m20000000,4"), rb"E[0-9a-f]{2}")
    expect_re("M unmapped", c.cmd(b"M20000000,1:00"), rb"E[0-9a-f]{2}")
    text_start = syms["main"] & ~1
    code = bytes.fromhex(c.cmd(b"m%x,100" % text_start).decode())
    expect_eq("qCRC", c.cmd(b"qCRC:%x,100" % text_start), b"C%08x" % crc32_gdb(code))

    # Monitor output comes in O packets before OK.
    c.send(b"qRcmd," + b"icount".hex().encode())
    out = b""
    while (reply := c.packet()).startswith(b"O") and reply != b"OK":
        out += bytes.fromhex(reply[1:].decode())
    expect_eq("qRcmd end", reply, b"OK")
    expect_re("monitor icount", out, rb"instructions: 0\nvirtual time: 0 ns\n")

    # Breakpoints: ARM kind 4, Thumb kind 2; a bad kind is refused.
    kind = 2 if thumb else 4
    leaf = syms["leaf"] & ~1
    expect_re("Z0 bad kind", c.cmd(b"Z0,%x,5" % leaf), rb"E16")
    expect_eq("Z0", c.cmd(b"Z0,%x,%x" % (leaf, kind)), b"OK")
    expect_eq("Z0 again", c.cmd(b"Z0,%x,%x" % (leaf, kind)), b"OK")
    stop = c.cmd(b"vCont;c")
    expect_re("stop at leaf", stop, rb"T05.*thread:1;swbreak:;")
    expect_eq("pc at leaf", stop_pc(stop), leaf)
    expect_eq("z0", c.cmd(b"z0,%x,%x" % (leaf, kind)), b"OK")
    expect_eq("vCont?", c.cmd(b"vCont?"), b"vCont;c;C;s;S")
    step = c.cmd(b"vCont;s:1;c")
    expect_re("step", step, rb"T05.*thread:1;")
    if b"swbreak" in step:
        h.fail(f"a step is not a breakpoint: {step!r}")
    expect_eq("pc after step", stop_pc(step), leaf + kind)
    expect_eq("s", stop_pc(c.cmd(b"s")), leaf + 2 * kind)
    choose = syms["choose"] & ~1
    expect_eq("Z1", c.cmd(b"Z1,%x,%x" % (choose, kind)), b"OK")

    # Watchpoints: a word store to wvar hits a 1-byte watchpoint on wvar+1. The stop
    # comes before the store completes (gdb steps over it itself) and names wvar+1.
    wvar, rvar, avar = syms["wvar"], syms["rvar"], syms["avar"]
    expect_eq("Z2", c.cmd(b"Z2,%x,1" % (wvar + 1)), b"OK")
    stop = c.cmd(b"c")
    expect_re("watch", stop, rb"T05.*thread:1;watch:%x;" % (wvar + 1))
    at = stop_pc(stop)
    expect_eq("wvar before the store", read_word(c, wvar), 0)
    expect_eq("z2", c.cmd(b"z2,%x,1" % (wvar + 1)), b"OK")
    after = stop_pc(c.cmd(b"vCont;s:1"))
    expect_eq("wvar after the step", read_word(c, wvar), 0x11)
    expect_eq("pc after the store", after, at + (2 if thumb else 4))
    expect_eq("Z3", c.cmd(b"Z3,%x,4" % rvar), b"OK")
    expect_re("rwatch", c.cmd(b"c"), rb"T05.*thread:1;rwatch:%x;" % rvar)
    expect_eq("z3", c.cmd(b"z3,%x,4" % rvar), b"OK")
    expect_eq("Z4", c.cmd(b"Z4,%x,2" % (avar + 2)), b"OK")
    stop = c.cmd(b"c")
    expect_re("awatch", stop, rb"T05.*thread:1;awatch:%x;" % (avar + 2))
    expect_eq("z4", c.cmd(b"z4,%x,2" % (avar + 2)), b"OK")
    # Continuing (not stepping) after a watchpoint completes the access first.
    stop = c.cmd(b"c")
    expect_re("hbreak", stop, rb"T05.*thread:1;hwbreak:;")
    expect_eq("pc at choose", stop_pc(stop), choose)
    expect_eq("avar after continue", read_word(c, avar) >> 16, 8)
    expect_eq("z1", c.cmd(b"z1,%x,%x" % (choose, kind)), b"OK")

    # No-ack mode: no more '+'/'-'; a bad checksum gets an error reply instead.
    expect_eq("QStartNoAckMode", c.cmd(b"QStartNoAckMode"), b"OK")
    c.ack = False
    expect_eq("qC without acks", c.cmd(b"qC"), b"QC1")
    c.send_raw(b"$qC#00")
    expect_eq("bad checksum without acks", c.packet(), b"E02")

    # Ctrl-C on a busy loop: the 0x03 byte stops the guest promptly.
    expect_eq("spin", c.cmd(b"M%x,4:01000000" % syms["spin"]), b"OK")
    c.send(b"c")
    time.sleep(0.3)
    start = time.monotonic()
    c.send_raw(b"\x03")
    stop = c.packet()
    latency = time.monotonic() - start
    expect_re("interrupt", stop, rb"T02.*thread:1;")
    if latency > 2:
        h.fail(f"Ctrl-C took {latency:.2f} s")
    busy = syms["busy"] & ~1
    if not busy <= stop_pc(stop) < busy + 0x60:
        h.fail(f"interrupted at 0x{stop_pc(stop):x}, not in busy() at 0x{busy:x}")
    c.send_raw(b"\x03")  # a second one while stopped is ignored
    expect_eq("release", c.cmd(b"M%x,4:01000000" % syms["release"]), b"OK")
    expect_eq("exit", c.cmd(b"c"), b"W8d")
    c.close()
    ctx.finish(bb, status=141, stdout="result 141\n")
    print(f"Ctrl-C latency {latency * 1000:.1f} ms")


def robustness_test(ctx):
    rng = random.Random(20261130)
    bb = ctx.brassboard()

    def alive(what):
        if bb.poll() is not None:
            h.fail(f"brassboard died after {what}", bb.stderr_text())

    # Random bytes that never start a packet (no '$'), in odd-sized pieces.
    c = Client(bb.port)
    noise = bytes(b for b in (rng.randrange(256) for _ in range(200000)) if b != ord("$"))
    for i in range(0, len(noise), 997):
        c.send_raw(noise[i:i + 997])
    c.drain()
    expect_re("? after noise", c.cmd(b"?"), rb"T05.*")
    # Packets with bad checksums, bodies with NULs and binary, truncated frames.
    for _ in range(300):
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
        body = body.replace(b"$", b"").replace(b"#", b"")
        c.send_raw(b"$" + body + b"#%02x" % ((checksum(body) + 1) & 0xff))
    c.send_raw(b"$m0,4#")
    c.send_raw(b"$#$#00")
    c.drain()
    alive("bad checksums")
    # Well-formed packets with random bodies, except those that resume, kill or detach.
    for _ in range(500):
        body = bytes(rng.randrange(32, 127) for _ in range(rng.randrange(0, 40)))
        body = re.sub(rb"[$#}*]", b"", body)
        if body[:1] in (b"c", b"C", b"s", b"S", b"D", b"k", b"v", b"i", b"I", b"R", b"r", b"!",
                        b"Q", b"Z", b"G", b"P", b"M", b"X", b"H", b"q"):
            continue
        c.send(body)
        c.packet()
    # Malformed commands of every letter (the test above covers their errors).
    for body in (b"m" + b"f" * 40, b"Z0,ffffffffffffffffff,4", b"P1=" + b"0" * 100,
                 b"qXfer:threads:read::ffffffff,ffffffff", b"qXfer:memory-map:read::0,0",
                 b"H", b"T", b"qRcmd,", b"qRcmd," + b"20" * 500, b"X0,ffffffff:",
                 b"G" + b"0" * 10000, b"qSupported:" + b"x" * 3000):
        c.send(body)
        reply = c.packet()
        while body.startswith(b"qRcmd") and reply[:1] == b"O" and reply != b"OK":
            reply = c.packet()  # the monitor's output, then its status
    alive("random packets")
    expect_re("? after random packets", c.cmd(b"?"), rb"T05.*")
    # A client that disconnects in the middle of a packet, then another that sends a
    # huge unterminated packet and goes, and a few that connect and leave at once.
    c.send_raw(b"$m0,")
    c.close()
    c = Client(bb.port)
    c.send_raw(b"$" + b"A" * 100000)
    c.close()
    for _ in range(5):
        Client(bb.port).close()
    c = Client(bb.port)
    c.send(b"qC")
    c.sock.shutdown(socket.SHUT_RDWR)  # gone before reading the reply
    c.close()
    alive("disconnects")
    # A normal gdb session works afterwards.
    out = ctx.gdb(bb.port, ["break leaf", "continue", "bt", "continue"])
    h.expect(out, r"Breakpoint 1, leaf \(x=13\)")
    h.expect(out, r"#3 +0x[0-9a-f]+ in main \(\)")
    h.expect(out, r"exited with code 0215")
    ctx.finish(bb, status=141, stdout="result 141\n")


def idle_test(ctx):
    """A guest waiting for an interrupt that nothing will bring (WFI, interrupts masked, no
    timer): a step and a continue wait, and Ctrl-C still stops them."""
    bb = ctx.brassboard()
    c = Client(bb.port)
    c.cmd(b"qSupported:swbreak+")
    code = 0x07f00000
    # mcr p15, 0, r0, c7, c0, 4 (wait for interrupt); b .
    expect_eq("M code", c.cmd(b"M%x,8:900f07eefeffffea" % code), b"OK")
    expect_eq("P pc", c.cmd(b"Pf=" + le32(code)), b"OK")
    for resume in (b"s", b"c", b"vCont;s:1"):
        c.send(resume)
        time.sleep(0.2)
        start = time.monotonic()
        c.send_raw(b"\x03")
        stop = c.packet()
        if not stop.startswith(b"T"):
            h.fail(f"{resume!r} then Ctrl-C: {stop!r}")
        if time.monotonic() - start > 2:
            h.fail("Ctrl-C on an idle guest took more than 2 s")
        if stop.startswith(b"T05"):  # the step executed the WFI itself; step again
            expect_eq("pc after WFI", stop_pc(stop), code + 4)
            continue
        expect_re(f"idle {resume!r}", stop, rb"T02.*thread:1;")
    extra = bytes.fromhex(c.cmd(b"qThreadExtraInfo,1").decode())
    expect_re("halted thread", extra, rb".*waiting for an interrupt")
    expect_eq("vKill", c.cmd(b"vKill;1"), b"OK")
    c.close()
    ctx.finish(bb, status=130, stdout="")
