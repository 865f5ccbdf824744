#!/usr/bin/env python3
"""gen.py: writes a seeded random VFPv3/NEON test program for the Cortex-A9 differential test.

The program runs on vexpress-a9 (RAM at 0x60000000, UART0 at 0x10009000). It enables the
FPU (CPACR, FPEXC), fills D0-D31 with values biased towards floating-point edge cases
(zeros, infinities, quiet and signalling NaNs, denormals, the extremes, numbers near the
rounding boundaries), sets FPSCR's rounding mode, flush-to-zero and default-NaN bits from
the seed, and runs a random sequence of VFP and Advanced SIMD instructions in ARM or Thumb-2
state: arithmetic, comparisons with VMRS APSR_nzcv and conditional VFP instructions,
conversions (integer, fixed point, half precision), moves between core and extension
registers, loads and stores (VLDR/VSTR/VLDM/VSTM, VLD1-4/VST1-4), NEON integer, saturating,
shifting, widening/narrowing, by-scalar, permuting, table and float operations, and FPSCR
mode changes, and VFP/NEON loads and stores between SETEND BE and SETEND LE (big-endian
data). It then stores D0-D31, FPSCR, r0-r10, the flags and checksums of its buffer,
prints them on UART0 and exits through semihosting. Only architecturally defined forms are
generated (no UNPREDICTABLE encodings, no short vectors).

Usage: gen.py --seed N --isa arm|thumb [--count N] [--prefix K] -o out.S
       gen.py --seed N --isa arm|thumb [--count N] --items
"""

import os
import random
import struct
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "diff"))
from genlib import CONDS, Item, layout, main as generator_main, report  # noqa: E402

RAM = 0x60000000
CODE = RAM + 0x10000
BUF = RAM + 0x80000  # 1 KiB scratch buffer; r11 points to its middle
BUF_SIZE = 1024
DUMP = BUF + 0x1000
UART = 0x10009000
CORE = list(range(11))  # r0-r10 are free; r11 = buffer, r12 = scratch address

SINGLES = [0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000,
           0x7FC00000, 0xFFC00000, 0x7F800001, 0xFFA00000, 0x7FBFFFFF, 0x00000001,
           0x80000001, 0x007FFFFF, 0x807FFFFF, 0x00800000, 0x80800000, 0x7F7FFFFF,
           0xFF7FFFFF, 0x3F000000, 0x40000000, 0x4B800001, 0x4F000000, 0xCF000000,
           0x4F800000, 0x3EAAAAAB, 0x00400000, 0x3FC00000, 0x47000000, 0xC7000000,
           0x33800000, 0x0C000000]
DOUBLES = [0x0000000000000000, 0x8000000000000000, 0x3FF0000000000000, 0xBFF0000000000000,
           0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000, 0xFFF8000000000001,
           0x7FF0000000000001, 0x7FF4000000000000, 0x0000000000000001, 0x800FFFFFFFFFFFFF,
           0x0010000000000000, 0x7FEFFFFFFFFFFFFF, 0x3FE0000000000000, 0x41DFFFFFFFC00000,
           0x41E0000000000000, 0xC1E0000000000000, 0x41EFFFFFFFE00000, 0x3FD5555555555555,
           0x4330000000000001, 0x3690000000000000, 0x47EFFFFFE0000000, 0x3810000000000000,
           0x36A0000000000000, 0x40F0000000000000]


def rand_single(rng):
    r = rng.random()
    if r < 0.45:
        return rng.choice(SINGLES)
    if r < 0.75:  # a "nice" number: small integer or fraction, random sign
        v = rng.choice([rng.randrange(-300, 300) / rng.choice([1, 2, 4, 3, 10]),
                        rng.uniform(-1e6, 1e6), rng.uniform(-1, 1)])
        return struct.unpack("<I", struct.pack("<f", v))[0]
    return rng.getrandbits(32)


def rand_double_bits(rng):
    r = rng.random()
    if r < 0.45:
        return rng.choice(DOUBLES)
    if r < 0.75:
        v = rng.choice([rng.randrange(-3000, 3000) / rng.choice([1, 2, 8, 3, 10]),
                        rng.uniform(-1e12, 1e12), rng.uniform(-1, 1), rng.uniform(-3e9, 5e9)])
        return struct.unpack("<Q", struct.pack("<d", v))[0]
    return rng.getrandbits(64)


def rand_word(rng):
    r = rng.random()
    if r < 0.3:
        return rng.choice([0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFF, 0x8000,
                           0x7FFF, 0x80008000, 0x7F7F7F7F, 0x80808080, 0x00FF00FF])
    if r < 0.5:
        return rand_single(rng)
    return rng.getrandbits(32)


class Generator:
    def __init__(self, seed, isa):
        self.rng = random.Random("brassboard-diff-vfp:%s:%d" % (isa, seed))
        self.isa = isa

    # ---- operands ----
    def s(self):
        return "s%d" % self.rng.randrange(32)

    def d(self):
        return "d%d" % self.rng.randrange(32)

    def q(self):
        return "q%d" % self.rng.randrange(16)

    def core(self):
        return "r%d" % self.rng.choice(CORE)

    def cond(self, p=0.25):
        """A condition for a VFP instruction: (it-prefix lines, suffix)."""
        if self.rng.random() >= p:
            return [], ""
        c = self.rng.choice(CONDS)
        return (["it %s" % c] if self.isa == "thumb" else []), c

    def vfp(self, text_fn):
        pre, c = self.cond()
        return Item(pre + [text_fn(c)])

    # ---- VFP ----
    def vfp_arith(self):
        rng = self.rng
        op = rng.choice(["vadd", "vsub", "vmul", "vnmul", "vdiv", "vmla", "vmls", "vnmla",
                         "vnmls"])
        if rng.random() < 0.5:
            a, b, c = self.s(), self.s(), self.s()
            t = ".f32"
        else:
            a, b, c = self.d(), self.d(), self.d()
            t = ".f64"
        return self.vfp(lambda cc: "%s%s%s %s, %s, %s" % (op, cc, t, a, b, c))

    def vfp_unary(self):
        rng = self.rng
        op = rng.choice(["vsqrt", "vabs", "vneg", "vmov"])
        if rng.random() < 0.5:
            a, b, t = self.s(), self.s(), ".f32"
        else:
            a, b, t = self.d(), self.d(), ".f64"
        return self.vfp(lambda cc: "%s%s%s %s, %s" % (op, cc, t, a, b))

    def vfp_compare(self):
        rng = self.rng
        op = rng.choice(["vcmp", "vcmpe"])
        if rng.random() < 0.5:
            a, b, t = self.s(), self.s(), ".f32"
        else:
            a, b, t = self.d(), self.d(), ".f64"
        if rng.random() < 0.2:
            b = "#0"
        lines = ["%s%s %s, %s" % (op, t, a, b), "vmrs APSR_nzcv, fpscr"]
        # Use the flags: a conditional move of a core register or a VFP move.
        c = rng.choice(CONDS)
        r1, r2 = self.core(), self.core()
        if self.isa == "thumb":
            lines += ["ite %s" % c, "mov%s %s, #1" % (c, r1),
                      "mov%s %s, #2" % (invert(c), r1)]
        else:
            lines += ["mov%s %s, #1" % (c, r1), "mov%s %s, #2" % (invert(c), r1)]
        lines += ["mrs %s, apsr" % r2]
        return Item(lines)

    def vfp_convert(self):
        rng = self.rng
        kind = rng.randrange(8)
        if kind == 0:
            return self.vfp(lambda cc: "vcvt%s.f64.f32 %s, %s" % (cc, self.d(), self.s()))
        if kind == 1:
            return self.vfp(lambda cc: "vcvt%s.f32.f64 %s, %s" % (cc, self.s(), self.d()))
        if kind == 2:  # float to integer, toward zero or with the FPSCR rounding
            op = rng.choice(["vcvt", "vcvtr"])
            t = rng.choice(["s32", "u32"])
            src = self.s() if rng.random() < 0.5 else self.d()
            ft = "f32" if src[0] == "s" else "f64"
            return self.vfp(lambda cc: "%s%s.%s.%s %s, %s" % (op, cc, t, ft, self.s(), src))
        if kind == 3:  # integer to float
            t = rng.choice(["s32", "u32"])
            dst = self.s() if rng.random() < 0.5 else self.d()
            ft = "f32" if dst[0] == "s" else "f64"
            return self.vfp(lambda cc: "vcvt%s.%s.%s %s, %s" % (cc, ft, t, dst, self.s()))
        if kind in (4, 5):  # fixed point, in place
            t = rng.choice(["s16", "u16", "s32", "u32"])
            bits = int(t[1:])
            fbits = rng.randrange(0 if bits == 16 else 1, bits + 1)
            if bits == 16 and fbits == 0:
                fbits = 1
            reg = self.s() if rng.random() < 0.5 else self.d()
            ft = "f32" if reg[0] == "s" else "f64"
            if kind == 4:
                return self.vfp(lambda cc: "vcvt%s.%s.%s %s, %s, #%d" % (cc, t, ft, reg, reg, fbits))
            return self.vfp(lambda cc: "vcvt%s.%s.%s %s, %s, #%d" % (cc, ft, t, reg, reg, fbits))
        if kind == 6:  # half precision
            op = rng.choice(["vcvtb", "vcvtt"])
            if rng.random() < 0.5:
                return self.vfp(lambda cc: "%s%s.f32.f16 %s, %s" % (op, cc, self.s(), self.s()))
            return self.vfp(lambda cc: "%s%s.f16.f32 %s, %s" % (op, cc, self.s(), self.s()))
        # VMOV immediate
        imm = self.vfp_imm()
        if rng.random() < 0.5:
            return self.vfp(lambda cc: "vmov%s.f32 %s, #%s" % (cc, self.s(), imm))
        return self.vfp(lambda cc: "vmov%s.f64 %s, #%s" % (cc, self.d(), imm))

    def vfp_imm(self):
        """A value VFPExpandImm can encode: +/- n/16 * 2^e, n in 16..31, e in -3..4."""
        rng = self.rng
        n, e = rng.randrange(16, 32), rng.randrange(-3, 5)
        v = n / 16.0 * 2.0 ** e
        return repr(-v if rng.random() < 0.5 else v)

    def vfp_move(self):
        rng = self.rng
        kind = rng.randrange(6)
        r1, r2 = rng.sample(CORE, 2)
        if kind == 0:
            return self.vfp(lambda cc: "vmov%s %s, r%d" % (cc, self.s(), r1))
        if kind == 1:
            return self.vfp(lambda cc: "vmov%s r%d, %s" % (cc, r1, self.s()))
        if kind == 2:
            return self.vfp(lambda cc: "vmov%s %s, r%d, r%d" % (cc, self.d(), r1, r2))
        if kind == 3:
            return self.vfp(lambda cc: "vmov%s r%d, r%d, %s" % (cc, r1, r2, self.d()))
        if kind == 4:
            n = rng.randrange(31)
            return self.vfp(lambda cc: "vmov%s r%d, r%d, s%d, s%d" % (cc, r1, r2, n, n + 1))
        t, count = rng.choice([(".8", 8), (".16", 4), (".32", 2), (".s8", 8), (".u8", 8),
                               (".s16", 4), (".u16", 4)])
        idx = rng.randrange(count)
        if t in (".8", ".16", ".32") and rng.random() < 0.5:
            if t != ".32":
                return Item(["vmov%s %s[%d], r%d" % (t, self.d(), idx, r1)])
            return self.vfp(lambda cc: "vmov%s%s %s[%d], r%d" % (cc, t, self.d(), idx, r1))
        if t == ".8" or t == ".16":
            t = ".u" + t[1:]
        if t != ".32":  # gas takes no condition on the 8- and 16-bit forms
            return Item(["vmov%s r%d, %s[%d]" % (t, r1, self.d(), idx)])
        return self.vfp(lambda cc: "vmov%s%s r%d, %s[%d]" % (cc, t, r1, self.d(), idx))

    def vfp_mem(self):
        rng = self.rng
        kind = rng.randrange(4)
        if kind == 0:
            reg = self.s() if rng.random() < 0.5 else self.d()
            off = 4 * rng.randrange(-100, 100)
            op = rng.choice(["vldr", "vstr"])
            return self.vfp(lambda cc: "%s%s %s, [r11, #%d]" % (op, cc, reg, off))
        # VLDM/VSTM through r12 (with writeback sometimes)
        dp = rng.random() < 0.5
        n = rng.randrange(1, 9)
        first = rng.randrange(0, 32 - n + 1)
        regs = "{%s}" % ", ".join(("d%d" if dp else "s%d") % (first + i) for i in range(n))
        size = n * (8 if dp else 4)
        op = rng.choice(["vldmia", "vstmia", "vldmdb", "vstmdb"])
        start = 8 * rng.randrange(-40, 40 - size // 8)
        if op.endswith("db"):
            start += size
            wb = "!"
        else:
            wb = rng.choice(["", "!"])
        return Item(["add r12, r11, #%d" % start if start >= 0 else "sub r12, r11, #%d" % -start,
                     "%s r12%s, %s" % (op, wb, regs)])

    def vmsr(self):
        """A new FPSCR: flags from the seed, RMode, FZ, DN, AHP; cumulative bits set or not."""
        rng = self.rng
        value = (rng.randrange(16) << 28) | (rng.randrange(4) << 22)
        if rng.random() < 0.4:
            value |= 1 << 24
        if rng.random() < 0.4:
            value |= 1 << 25
        if rng.random() < 0.3:
            value |= rng.choice([0x9F, 0x01, 0x10, 0x80, 1 << 27])
        if rng.random() < 0.2:
            value |= 1 << 26  # AHP: the alternative half-precision format
        r = self.core()
        return Item(["movw %s, #0x%04x" % (r, value & 0xFFFF),
                     "movt %s, #0x%04x" % (r, value >> 16), "vmsr fpscr, %s" % r])

    def vmrs(self):
        return Item(["vmrs %s, fpscr" % self.core()])

    # ---- NEON ----
    def vec(self, q=None):
        if q is None:
            q = self.rng.random() < 0.5
        return (self.q() if q else self.d()), q

    def neon_three_same(self):
        rng = self.rng
        q = rng.random() < 0.5
        a, b, c = self.vec(q)[0], self.vec(q)[0], self.vec(q)[0]
        kind = rng.randrange(5)
        if kind == 0:
            op = rng.choice(["vand", "vbic", "vorr", "vorn", "veor", "vbsl", "vbit", "vbif"])
            return Item(["%s %s, %s, %s" % (op, a, b, c)])
        if kind == 1:
            op = rng.choice(["vadd", "vsub", "vqadd", "vqsub", "vshl", "vqshl", "vrshl",
                             "vqrshl"])
            if op in ("vadd", "vsub"):
                t = rng.choice([".i8", ".i16", ".i32", ".i64"])
            else:
                t = rng.choice([".s8", ".s16", ".s32", ".s64", ".u8", ".u16", ".u32", ".u64"])
            return Item(["%s%s %s, %s, %s" % (op, t, a, b, c)])
        if kind == 2:
            op = rng.choice(["vhadd", "vrhadd", "vhsub", "vcgt", "vcge", "vmax", "vmin", "vabd",
                             "vaba"])
            t = rng.choice([".s8", ".s16", ".s32", ".u8", ".u16", ".u32"])
            return Item(["%s%s %s, %s, %s" % (op, t, a, b, c)])
        if kind == 3:
            op = rng.choice(["vtst", "vceq", "vmla", "vmls", "vmul", "vqdmulh", "vqrdmulh",
                             "vmul.p8"])
            if op == "vmul.p8":
                return Item(["vmul.p8 %s, %s, %s" % (a, b, c)])
            if op in ("vqdmulh", "vqrdmulh"):
                t = rng.choice([".s16", ".s32"])
            elif op == "vceq" or op == "vtst":
                t = rng.choice([".i8", ".i16", ".i32"])
            else:
                t = rng.choice([".i8", ".i16", ".i32"])
            return Item(["%s%s %s, %s, %s" % (op, t, a, b, c)])
        # pairwise (D only)
        op = rng.choice(["vpadd.i8", "vpadd.i16", "vpadd.i32", "vpmax.s8", "vpmax.u16",
                         "vpmin.s32", "vpmin.u8", "vpmax.s16"])
        return Item(["%s %s, %s, %s" % (op, self.d(), self.d(), self.d())])

    def neon_float(self):
        rng = self.rng
        q = rng.random() < 0.5
        a, b, c = self.vec(q)[0], self.vec(q)[0], self.vec(q)[0]
        kind = rng.randrange(3)
        if kind == 0:
            op = rng.choice(["vadd", "vsub", "vabd", "vmla", "vmls", "vmul", "vceq", "vcge",
                             "vcgt", "vacge", "vacgt", "vmax", "vmin", "vrecps", "vrsqrts"])
            return Item(["%s.f32 %s, %s, %s" % (op, a, b, c)])
        if kind == 1:
            op = rng.choice(["vpadd", "vpmax", "vpmin"])
            return Item(["%s.f32 %s, %s, %s" % (op, self.d(), self.d(), self.d())])
        op = rng.choice(["vabs", "vneg", "vrecpe", "vrsqrte", "vcgt", "vcge", "vceq", "vcle",
                         "vclt"])
        if op in ("vcgt", "vcge", "vceq", "vcle", "vclt"):
            return Item(["%s.f32 %s, %s, #0" % (op, a, b)])
        return Item(["%s.f32 %s, %s" % (op, a, b)])

    def neon_shift(self):
        rng = self.rng
        q = rng.random() < 0.5
        a, b = self.vec(q)[0], self.vec(q)[0]
        size = rng.choice([8, 16, 32, 64])
        kind = rng.randrange(4)
        if kind == 0:
            op = rng.choice(["vshr", "vsra", "vrshr", "vrsra"])
            t = rng.choice(["s", "u"])
            return Item(["%s.%s%d %s, %s, #%d" % (op, t, size, a, b, rng.randrange(1, size + 1))])
        if kind == 1:
            op = rng.choice(["vsri", "vsli", "vshl", "vqshl", "vqshlu"])
            if op == "vsri":
                return Item(["vsri.%d %s, %s, #%d" % (size, a, b, rng.randrange(1, size + 1))])
            if op in ("vsli", "vshl"):
                t = "" if op == "vsli" else "i"
                return Item(["%s.%s%d %s, %s, #%d" % (op, t, size, a, b, rng.randrange(size))])
            t = "s" if op == "vqshlu" else rng.choice(["s", "u"])
            return Item(["%s.%s%d %s, %s, #%d" % (op, t, size, a, b, rng.randrange(size))])
        size = rng.choice([16, 32, 64])
        half = size // 2
        if kind == 2:  # narrowing
            op = rng.choice(["vshrn.i", "vrshrn.i", "vqshrn.s", "vqshrn.u", "vqrshrn.s",
                             "vqrshrn.u", "vqshrun.s", "vqrshrun.s"])
            return Item(["%s%d %s, %s, #%d" % (op, size, self.d(), self.q(),
                                               rng.randrange(1, half + 1))])
        # widening, and the fixed-point conversions
        if rng.random() < 0.6:
            t = rng.choice(["s", "u"])
            sh = rng.randrange(half + 1)
            if sh == 0:
                return Item(["vmovl.%s%d %s, %s" % (t, half, self.q(), self.d())])
            return Item(["vshll.%s%d %s, %s, #%d" % ("i" if sh == half else t, half, self.q(),
                                                    self.d(), sh)])
        t = rng.choice(["s32", "u32"])
        fb = rng.randrange(1, 33)
        if rng.random() < 0.5:
            return Item(["vcvt.f32.%s %s, %s, #%d" % (t, a, b, fb)])
        return Item(["vcvt.%s.f32 %s, %s, #%d" % (t, a, b, fb)])

    def neon_long(self):
        rng = self.rng
        size = rng.choice([8, 16, 32])
        t = rng.choice(["s", "u"])
        op = rng.choice(["vaddl", "vaddw", "vsubl", "vsubw", "vaddhn", "vraddhn", "vsubhn",
                         "vrsubhn", "vabal", "vabdl", "vmlal", "vmlsl", "vqdmlal", "vqdmlsl",
                         "vmull", "vqdmull", "vmull.p8"])
        if op == "vmull.p8":
            return Item(["vmull.p8 %s, %s, %s" % (self.q(), self.d(), self.d())])
        if op.startswith("vqd"):
            size = rng.choice([16, 32])
            t = "s"
        if op in ("vaddhn", "vraddhn", "vsubhn", "vrsubhn"):
            return Item(["%s.i%d %s, %s, %s" % (op, size * 2, self.d(), self.q(), self.q())])
        if op in ("vaddw", "vsubw"):
            return Item(["%s.%s%d %s, %s, %s" % (op, t, size, self.q(), self.q(), self.d())])
        return Item(["%s.%s%d %s, %s, %s" % (op, t, size, self.q(), self.d(), self.d())])

    def neon_scalar(self):
        rng = self.rng
        size = rng.choice([16, 32])
        m = rng.randrange(8 if size == 16 else 16)
        idx = rng.randrange(4 if size == 16 else 2)
        scalar = "d%d[%d]" % (m, idx)
        op = rng.choice(["vmla", "vmls", "vmul", "vmlal", "vmlsl", "vmull", "vqdmlal",
                         "vqdmlsl", "vqdmull", "vqdmulh", "vqrdmulh", "fvmla", "fvmul",
                         "fvmls"])
        q = rng.random() < 0.5
        a, b = self.vec(q)[0], self.vec(q)[0]
        if op.startswith("f"):
            return Item(["%s.f32 %s, %s, d%d[%d]" % (op[1:], a, b, rng.randrange(16),
                                                    rng.randrange(2))])
        if op in ("vmlal", "vmlsl", "vmull"):
            return Item(["%s.%s%d %s, %s, %s" % (op, rng.choice("su"), size, self.q(), self.d(),
                                                 scalar)])
        if op in ("vqdmlal", "vqdmlsl", "vqdmull"):
            return Item(["%s.s%d %s, %s, %s" % (op, size, self.q(), self.d(), scalar)])
        if op in ("vqdmulh", "vqrdmulh"):
            return Item(["%s.s%d %s, %s, %s" % (op, size, a, b, scalar)])
        return Item(["%s.i%d %s, %s, %s" % (op, size, a, b, scalar)])

    def neon_misc(self):
        rng = self.rng
        q = rng.random() < 0.5
        a, b = self.vec(q)[0], self.vec(q)[0]
        kind = rng.randrange(6)
        if kind == 0:
            op, sizes = rng.choice([("vrev64", [8, 16, 32]), ("vrev32", [8, 16]),
                                    ("vrev16", [8])])
            return Item(["%s.%d %s, %s" % (op, rng.choice(sizes), a, b)])
        if kind == 1:
            op = rng.choice(["vpaddl", "vpadal", "vcls", "vqabs", "vqneg", "vabs", "vneg",
                             "vcgt", "vcge", "vceq", "vcle", "vclt"])
            t = rng.choice(["s8", "s16", "s32"])
            if op in ("vpaddl", "vpadal"):
                t = rng.choice(["s8", "s16", "s32", "u8", "u16", "u32"])
            if op in ("vcgt", "vcge", "vceq", "vcle", "vclt"):
                if op == "vceq":
                    t = "i" + t[1:]
                return Item(["%s.%s %s, %s, #0" % (op, t, a, b)])
            return Item(["%s.%s %s, %s" % (op, t, a, b)])
        if kind == 2:
            op = rng.choice(["vclz.i8", "vclz.i16", "vclz.i32", "vcnt.8", "vmvn", "vswp",
                             "vrecpe.u32", "vrsqrte.u32", "vcvt.f32.s32", "vcvt.f32.u32",
                             "vcvt.s32.f32", "vcvt.u32.f32"])
            if op == "vswp" and a == b:
                b = self.vec(q)[0]
            return Item(["%s %s, %s" % (op, a, b)])
        if kind == 3:
            op = rng.choice(["vtrn", "vuzp", "vzip"])
            size = rng.choice([8, 16, 32] if q or op == "vtrn" else [8, 16])
            while b == a:
                b = self.vec(q)[0]
            return Item(["%s.%d %s, %s" % (op, size, a, b)])
        if kind == 4:
            op = rng.choice(["vmovn.i16", "vmovn.i32", "vmovn.i64", "vqmovn.s16", "vqmovn.u32",
                             "vqmovn.s64", "vqmovun.s16", "vqmovun.s32", "vqmovn.u16"])
            return Item(["%s %s, %s" % (op, self.d(), self.q())])
        if rng.random() < 0.5:
            return Item(["vcvt.f16.f32 %s, %s" % (self.d(), self.q())])
        return Item(["vcvt.f32.f16 %s, %s" % (self.q(), self.d())])

    def neon_other(self):
        rng = self.rng
        q = rng.random() < 0.5
        kind = rng.randrange(5)
        if kind == 0:
            a, b, c = self.vec(q)[0], self.vec(q)[0], self.vec(q)[0]
            return Item(["vext.8 %s, %s, %s, #%d" % (a, b, c, rng.randrange(16 if q else 8))])
        if kind == 1:
            n = rng.randrange(1, 5)
            first = rng.randrange(0, 33 - n)
            lst = "{%s}" % ", ".join("d%d" % (first + i) for i in range(n))
            return Item(["%s.8 %s, %s, %s" % (rng.choice(["vtbl", "vtbx"]), self.d(), lst,
                                               self.d())])
        if kind == 2:
            size = rng.choice([8, 16, 32])
            idx = rng.randrange(64 // size)
            return Item(["vdup.%d %s, %s[%d]" % (size, self.vec(q)[0], self.d(), idx)])
        if kind == 3:
            size = rng.choice([8, 16, 32])
            return Item(["vdup.%d %s, %s" % (size, self.vec(q)[0], self.core())])
        # modified immediates
        a = self.vec(q)[0]
        form = rng.randrange(7)
        if form == 0:
            return Item(["vmov.i8 %s, #%d" % (a, rng.randrange(256))])
        if form == 1:
            return Item(["%s.i16 %s, #0x%x" % (rng.choice(["vmov", "vmvn", "vorr", "vbic"]), a,
                                               rng.randrange(1, 256) << rng.choice([0, 8]))])
        if form == 2:
            return Item(["%s.i32 %s, #0x%x" % (rng.choice(["vmov", "vmvn", "vorr", "vbic"]), a,
                                               rng.randrange(1, 256) << rng.choice([0, 8, 16, 24]))])
        if form == 3:
            shift = rng.choice([8, 16])
            value = (rng.randrange(1, 256) << shift) | ((1 << shift) - 1)
            return Item(["%s.i32 %s, #0x%x" % (rng.choice(["vmov", "vmvn"]), a, value)])
        if form == 4:
            mask = 0
            for i in range(8):
                if rng.random() < 0.5:
                    mask |= 0xff << (8 * i)
            return Item(["vmov.i64 %s, #0x%016x" % (a, mask)])
        return Item(["vmov.f32 %s, #%s" % (a, self.vfp_imm())])

    def neon_mem(self):
        rng = self.rng
        load = rng.random() < 0.5
        op = "vld" if load else "vst"
        kind = rng.randrange(3)
        start = 8 * rng.randrange(-48, 40)
        pre = ["add r12, r11, #%d" % start if start >= 0 else "sub r12, r11, #%d" % -start]
        post = rng.choice(["", "!", ", r%d" % rng.choice([0, 1])])
        if post.startswith(","):
            reg = post[2:]
            pre.append("and %s, %s, #0x38" % (reg, reg))
        size = rng.choice([8, 16, 32])
        if kind == 0:  # multiple structures
            n = rng.randrange(1, 5)
            if n == 1:
                cnt = rng.randrange(1, 5)
                first = rng.randrange(0, 33 - cnt)
                lst = ["d%d" % (first + i) for i in range(cnt)]
                size = rng.choice([8, 16, 32, 64])
            else:
                inc = rng.choice([1, 2]) if n > 1 else 1
                pairs = n == 2 and rng.random() < 0.3
                if pairs:
                    first = rng.randrange(0, 29)
                    lst = ["d%d" % (first + i) for i in range(4)]
                else:
                    first = rng.randrange(0, 32 - (n - 1) * inc)
                    lst = ["d%d" % (first + i * inc) for i in range(n)]
            return Item(pre + ["%s%d.%d {%s}, [r12]%s" % (op, n, size, ", ".join(lst),
                                                          post if post != "," else "")])
        n = rng.randrange(1, 5)
        idx = rng.randrange(64 // size)
        inc = 1 if size == 8 or n == 1 else rng.choice([1, 2])
        first = rng.randrange(0, 32 - (n - 1) * inc)
        if kind == 1 or not load:  # one lane
            lst = ["d%d[%d]" % (first + i * inc, idx) for i in range(n)]
        else:  # all lanes
            if n == 1:
                cnt = rng.choice([1, 2])
                lst = ["d%d[]" % (first + i) for i in range(cnt)] if first + cnt <= 32 else \
                    ["d%d[]" % first]
            else:
                lst = ["d%d[]" % (first + i * inc) for i in range(n)]
        return Item(pre + ["%s%d.%d {%s}, [r12]%s" % (op, n, size, ", ".join(lst), post)])

    def big_endian(self):
        """VFP and NEON loads and stores between SETEND BE and SETEND LE."""
        lines = ["setend be"]
        for _ in range(self.rng.randrange(1, 4)):
            lines += self.rng.choice([self.vfp_mem, self.neon_mem])().lines
        return Item(lines + ["setend le"])

    def item(self):
        table = [(10, self.vfp_arith), (4, self.vfp_unary), (5, self.vfp_compare),
                 (8, self.vfp_convert), (5, self.vfp_move), (4, self.vfp_mem), (2, self.big_endian),
                 (1, self.vmsr), (1, self.vmrs),
                 (8, self.neon_three_same), (6, self.neon_float), (6, self.neon_shift),
                 (5, self.neon_long), (4, self.neon_scalar), (6, self.neon_misc),
                 (5, self.neon_other), (5, self.neon_mem)]
        total = sum(w for w, _ in table)
        x = self.rng.uniform(0, total)
        for w, fn in table:
            x -= w
            if x <= 0:
                return fn()
        return table[-1][1]()

    def generate(self, count):
        items, total = [], 0
        while total < count:
            item = self.item()
            items.append(item)
            total += item.insns()
        return items


def invert(c):
    i = CONDS.index(c)
    return CONDS[i ^ 1]


def startup(rng, isa):
    lines = [".syntax unified", ".arm", ".fpu neon", ".text", ".global _start", "_start:",
             "ldr sp, =0x%08x" % (RAM + 0x100000),
             "mrc p15, 0, r0, c1, c0, 2", "orr r0, r0, #(0xf << 20)",
             "mcr p15, 0, r0, c1, c0, 2", "isb", "mov r0, #0x40000000", "vmsr fpexc, r0",
             "ldr r0, =dvalues", "vldmia r0!, {d0-d15}", "vldmia r0, {d16-d31}"]
    fpscr = (rng.randrange(16) << 28) | (rng.randrange(4) << 22)
    if rng.random() < 0.4:
        fpscr |= 1 << 24
    if rng.random() < 0.4:
        fpscr |= 1 << 25
    lines += ["ldr r0, =0x%08x" % fpscr, "vmsr fpscr, r0"]
    for r in range(11):
        lines.append("ldr r%d, =0x%08x" % (r, rand_word(rng)))
    lines += ["ldr r11, =0x%08x" % (BUF + BUF_SIZE // 2), "msr APSR_nzcvq, #0x%08x" %
              (rng.randrange(16) << 28)]
    if isa == "thumb":
        lines += ["adr r12, seq_start + 1", "bx r12", ".ltorg", ".thumb", ".align 2",
                  "seq_start:"]
    else:
        lines += ["b seq_start", ".ltorg", "seq_start:"]
    return lines


def finish(isa):
    lines = []
    if isa == "thumb":
        lines += ["adr r12, back_to_arm", "bx r12", ".align 2", ".arm", "back_to_arm:"]
    lines += ["ldr r12, =0x%08x" % DUMP, "vstmia r12!, {d0-d15}", "vstmia r12!, {d16-d31}",
              "stmia r12!, {r0-r10}", "vmrs r0, fpscr", "mrs r1, apsr",
              "and r1, r1, #0xf8000000", "stmia r12!, {r0, r1}", "b report"]
    return lines


FIELDS = (["d%d_%s" % (i, h) for i in range(32) for h in ("lo", "hi")] +
          ["r%d" % i for i in range(11)] + ["fpscr", "apsr"] +
          ["mem%03x" % (i * 128) for i in range(8)])

def program(seed, isa, count, prefix):
    gen = Generator(seed, isa)
    items = gen.generate(count)
    data_rng = random.Random("brassboard-diff-vfp-data:%s:%d" % (isa, seed))
    start = startup(data_rng, isa)
    comment = ("@ Generated by tests/diff_vfp/gen.py --seed %d --isa %s --count %d%s: "
               "do not edit." % (seed, isa, count, "" if prefix is None else " --prefix %d" % prefix))
    tail = [report(UART, BUF, 8, 32, DUMP, FIELDS), ".data", ".align 3", "dvalues:"]
    for _ in range(32):
        if data_rng.random() < 0.5:
            v = rand_double_bits(data_rng)
        else:
            v = rand_single(data_rng) | rand_single(data_rng) << 32
        tail.append(".word 0x%08x, 0x%08x" % (v & 0xFFFFFFFF, v >> 32))
    tail += [".section .buffer, \"aw\"", "buffer:"]
    for _ in range(BUF_SIZE // 4):
        tail.append(".word 0x%08x" % rand_word(data_rng))
    return items, layout(comment, start, items, prefix, finish(isa), tail)


if __name__ == "__main__":
    generator_main(__doc__.splitlines()[0], program, ["arm", "thumb"], 3000)
