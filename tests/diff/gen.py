#!/usr/bin/env python3
"""gen.py: writes a seeded random ARM926 (ARMv5TE) test program for the differential test.

The program starts in ARM state, fills r0-r14 and the NZCVQ flags from the seed, runs a
random sequence of A32 or Thumb instructions (data processing, multiplies, loads and stores,
flag setting, conditional execution and forward branches) on a 4 KiB buffer that the seed
also fills, then stores r0-r14, the CPSR and sixteen checksums of the buffer, prints them on
UART0 and exits through semihosting. Every instruction used is architecturally defined on
ARMv5TE: the generator never produces an UNPREDICTABLE form, and every address it makes
stays inside the buffer and is aligned.

The sequence is a list of items (an instruction, or a few that belong together, such as an
index computation and the load that uses it, or a branch and what it skips). --prefix K
emits only the first K items of the same list, which is how run_diff.py bisects.

Usage: gen.py --seed N --isa arm|thumb [--count N] [--prefix K] -o out.S
       gen.py --seed N --isa arm|thumb [--count N] --items
              (prints the number of items, of instructions, of instructions sure to run)
"""

import random
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from genlib import CONDS, Item, layout, main as generator_main, report  # noqa: E402

BUF = 0x20000  # the scratch buffer (the linker script puts .data there)
BUF_SIZE = 4096
DUMP = BUF + BUF_SIZE  # r0-r14, cpsr, 16 checksums
SPECIAL = [0, 1, 2, 31, 32, 33, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFF, 0x8000,
           0x7FFF, 0xFFFF8000, 0x80008000, 0x7FFF7FFF, 0x00010001]


def rand_word(rng):
    """A 32-bit value, biased towards the edge cases of arithmetic and saturation."""
    r = rng.random()
    if r < 0.25:
        return rng.choice(SPECIAL)
    if r < 0.35:
        return rng.randrange(0, 64)
    if r < 0.45:
        return (0xFFFFFFFF - rng.randrange(0, 64)) & 0xFFFFFFFF
    return rng.getrandbits(32)


def ror(value, amount):
    amount %= 32
    return ((value >> amount) | (value << (32 - amount))) & 0xFFFFFFFF


def reg(n):
    return {13: "sp", 14: "lr", 15: "pc"}.get(n, "r%d" % n)


def address_text(rb, mode, offset):
    """The addressing of a single transfer: [rb, offset] (mode off), [rb, offset]! (pre)
    or [rb], offset (post)."""
    if mode == "post":
        return "[%s], %s" % (reg(rb), offset)
    return "[%s, %s]%s" % (reg(rb), offset, "!" if mode == "pre" else "")


def reglist(regs):
    return "{" + ", ".join(reg(r) for r in sorted(regs)) + "}"


class Generator:
    def __init__(self, seed, isa):
        self.rng = random.Random("brassboard-diff:%s:%d" % (isa, seed))
        self.isa = isa
        self.labels = 0

    def label(self):
        self.labels += 1
        return "skip_%d" % self.labels

    def pick(self, regs, exclude=()):
        return self.rng.choice([r for r in regs if r not in exclude])

    def weighted(self, table):
        total = sum(w for w, _ in table)
        x = self.rng.uniform(0, total)
        for w, fn in table:
            x -= w
            if x <= 0:
                return fn
        return table[-1][1]

    def index_mask(self, align, shift_kind, amount, limit):
        """An AND mask for an index register such that (x & mask) shifted by
        (shift_kind, amount) is a multiple of 1 << align and at most limit. None if the
        attempt failed; the caller retries."""
        rng = self.rng
        a = rng.choice([0, 2, 4, 6, 8, 10])
        m8 = rng.randrange(1, 256)
        mask = m8 << a
        if shift_kind == "lsl":
            need = max(0, align - amount)
        else:
            need = align + amount
        mask &= ~((1 << need) - 1)
        if mask == 0:
            return None
        top = mask << amount if shift_kind == "lsl" else mask >> amount
        if top > limit:
            return None
        return mask

    def imm_operand(self, value):
        """value as an A32 modified immediate in the '#imm8, rot' form, if encodable."""
        for rot in range(0, 32, 2):
            imm8 = ror(value, 32 - rot) if rot else value
            if imm8 < 256:
                return "#%d, %d" % (imm8, rot)
        return None

    def refresh(self):
        """Loads a fresh random word from a literal in the code, so that the registers do
        not drift towards the small values that index and address computations leave."""
        rd = self.pick(self.LOW if self.isa == "thumb" else self.DATA)
        a, b = self.label(), self.label()
        return Item(["ldr %s, %s" % (reg(rd), a), "b %s" % b, ".align 2", a + ":",
                     ".word 0x%08x" % rand_word(self.rng), b + ":"])

    def generate(self, count):
        items = []
        total = 0
        while total < count:
            item = self.item(top_level=True)
            items.append(item)
            total += item.executed()
        return items


class ArmGenerator(Generator):
    """A32: r11 points at the middle of the buffer and is never written; sp, pc not used."""

    BASE = 11
    BASE_OFF = 2048
    DATA = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14]
    READ = DATA + [11]

    def cond(self, p=0.3):
        return self.rng.choice(CONDS) if self.rng.random() < p else ""

    def operand2(self, pre):
        """A shifter operand; setup lines (a shift amount) go to pre."""
        rng = self.rng
        kind = rng.choice(["imm", "imm", "reg", "shimm", "shimm", "shimm", "shreg", "shreg"])
        if kind == "imm":
            imm8 = rng.choice([0, 1, 0x80, 0xFF, rng.randrange(256), rng.randrange(256)])
            return "#%d, %d" % (imm8, 2 * rng.randrange(16))
        rm = self.pick(self.READ)
        if kind == "reg":
            return reg(rm)
        if kind == "shimm":
            shift = rng.choice(["lsl", "lsr", "asr", "ror", "rrx"])
            if shift == "rrx":
                return "%s, rrx" % reg(rm)
            if shift == "lsl":
                n = rng.randrange(0, 32)
            elif shift == "ror":
                n = rng.randrange(1, 32)
            else:
                n = rng.choice([32, 32, rng.randrange(1, 33)])
            return "%s, %s #%d" % (reg(rm), shift, n)
        rs = self.pick(self.READ)
        if rng.random() < 0.4 and rs != self.BASE:
            amount = rng.choice([0, 1, 31, 32, 33, 255, 256, rng.randrange(0, 40)])
            pre.append("mov %s, #%d" % (reg(rs), amount) if amount < 256
                       else "mov %s, #1, 24" % reg(rs))
        return "%s, %s %s" % (reg(rm), rng.choice(["lsl", "lsr", "asr", "ror"]), reg(rs))

    def dataproc(self):
        rng = self.rng
        op = rng.choice(["and", "eor", "sub", "rsb", "add", "adc", "sbc", "rsc", "tst", "teq",
                         "cmp", "cmn", "orr", "mov", "bic", "mvn"])
        pre = []
        c = self.cond()
        rd = self.pick(self.DATA)
        rn = self.pick(self.READ)
        op2 = self.operand2(pre)
        if op in ("tst", "teq", "cmp", "cmn"):
            text = "%s%s %s, %s" % (op, c, reg(rn), op2)
        elif op in ("mov", "mvn"):
            s = rng.choice(["", "s"])
            text = "%s%s%s %s, %s" % (op, s, c, reg(rd), op2)
        else:
            s = rng.choice(["", "s"])
            text = "%s%s%s %s, %s, %s" % (op, s, c, reg(rd), reg(rn), op2)
        return Item(pre + [text])

    def pcread(self):
        rng = self.rng
        rd = self.pick(self.DATA)
        form = rng.choice(["add %s, pc, #%d" % (reg(rd), 4 * rng.randrange(64)),
                           "mov %s, pc" % reg(rd),
                           "sub %s, pc, %s, lsl #%d" % (reg(rd), reg(self.pick(self.READ)),
                                                        rng.randrange(32)),
                           "adds %s, %s, pc" % (reg(rd), reg(self.pick(self.READ)))])
        return Item([form])

    def special(self):
        rd = self.pick(self.DATA)
        value = self.rng.choice(SPECIAL)
        c = self.cond(0.2)
        if self.imm_operand(value):
            return Item(["mov%s %s, %s" % (c, reg(rd), self.imm_operand(value))])
        if self.imm_operand(value ^ 0xFFFFFFFF):
            return Item(["mvn%s %s, %s" % (c, reg(rd), self.imm_operand(value ^ 0xFFFFFFFF))])
        lines = ["mov%s %s, #%d" % (c, reg(rd), value & 0xFF)]
        for shift in (8, 16, 24):
            byte = (value >> shift) & 0xFF
            if byte:
                lines.append("orr%s %s, %s, %s" % (c, reg(rd), reg(rd),
                                                   self.imm_operand(byte << shift)))
        return Item(lines)

    def multiply(self):
        rng = self.rng
        c = self.cond()
        kind = rng.choice(["mul", "mla", "long", "long", "smlaxy", "smulxy", "smlawy",
                           "smulwy", "smlalxy", "q", "q", "clz"])
        if kind in ("mul", "mla"):
            s = rng.choice(["", "s"])
            rd = self.pick(self.DATA)
            rm = self.pick(self.READ, (rd,))
            rs, rn = self.pick(self.READ), self.pick(self.READ)
            if kind == "mul":
                return Item(["mul%s%s %s, %s, %s" % (s, c, reg(rd), reg(rm), reg(rs))])
            return Item(["mla%s%s %s, %s, %s, %s" % (s, c, reg(rd), reg(rm), reg(rs), reg(rn))])
        if kind == "long":
            s = rng.choice(["", "s"])
            op = rng.choice(["umull", "umlal", "smull", "smlal"])
            lo = self.pick(self.DATA)
            hi = self.pick(self.DATA, (lo,))
            rm = self.pick(self.READ, (lo, hi))
            rs = self.pick(self.READ)
            return Item(["%s%s%s %s, %s, %s, %s" % (op, s, c, reg(lo), reg(hi), reg(rm), reg(rs))])
        xy = rng.choice(["bb", "bt", "tb", "tt"])
        rd = self.pick(self.DATA)
        rm, rs, rn = self.pick(self.READ), self.pick(self.READ), self.pick(self.READ)
        if kind == "smlaxy":
            return Item(["smla%s%s %s, %s, %s, %s" % (xy, c, reg(rd), reg(rm), reg(rs), reg(rn))])
        if kind == "smulxy":
            return Item(["smul%s%s %s, %s, %s" % (xy, c, reg(rd), reg(rm), reg(rs))])
        if kind == "smlawy":
            return Item(["smlaw%s%s %s, %s, %s, %s" % (xy[0], c, reg(rd), reg(rm), reg(rs),
                                                        reg(rn))])
        if kind == "smulwy":
            return Item(["smulw%s%s %s, %s, %s" % (xy[0], c, reg(rd), reg(rm), reg(rs))])
        if kind == "smlalxy":
            lo = self.pick(self.DATA)
            hi = self.pick(self.DATA, (lo,))
            return Item(["smlal%s%s %s, %s, %s, %s" % (xy, c, reg(lo), reg(hi), reg(rm),
                                                        reg(rs))])
        if kind == "q":
            op = rng.choice(["qadd", "qsub", "qdadd", "qdsub"])
            return Item(["%s%s %s, %s, %s" % (op, c, reg(rd), reg(rm), reg(rn))])
        return Item(["clz%s %s, %s" % (c, reg(rd), reg(rm))])

    def flags(self):
        rng = self.rng
        c = self.cond(0.2)
        kind = rng.choice(["mrs", "msr_imm", "msr_reg"])
        rd = self.pick(self.DATA)
        if kind == "mrs":
            # The mode, I, F (and on some models A) bits are not what this test is about.
            return Item(["mrs%s %s, cpsr" % (c, reg(rd)), "and %s, %s, #0xf8000000" % (reg(rd),
                                                                                 reg(rd))])
        if kind == "msr_imm":
            return Item(["msr%s cpsr_f, #0x%08x" % (c, rng.randrange(32) << 27)])
        rx = self.pick(self.READ)
        return Item(["and %s, %s, #0xf8000000" % (reg(rd), reg(rx)),
                     "msr%s cpsr_f, %s" % (c, reg(rd))])

    # Loads and stores. A "base" is (register, offset of its value from BUF, setup lines).

    def temp_base(self, exclude=(), align=8, spread=1000):
        off = self.rng.randrange(-spread, spread) & ~(align - 1)
        off &= ~7 if align >= 8 else ~3
        rb = self.pick(self.DATA, exclude)
        op = "add" if off >= 0 else "sub"
        line = "%s %s, r11, #%d" % (op, reg(rb), abs(off))
        return rb, self.BASE_OFF + off, [line]

    def index(self, pre, exclude, align, base_off, size, shifts=True):
        """An index register operand: (text without sign, sign). Adds its setup to pre."""
        rng = self.rng
        for _ in range(100):
            neg = rng.random() < 0.5
            limit = base_off if neg else BUF_SIZE - base_off - size
            if shifts:
                kind = rng.choice(["none", "lsl", "lsr", "asr", "ror"])
                amount = {"none": 0, "lsl": rng.randrange(0, 4)}.get(kind, rng.randrange(1, 5))
            else:
                kind, amount = "none", 0
            mask = self.index_mask(align, "lsl" if kind in ("none", "lsl") else "lsr", amount,
                                   min(limit, 2040))
            if mask is None:
                continue
            rt = self.pick(self.DATA, exclude)
            rx = self.pick(self.READ)
            pre.append("and %s, %s, %s" % (reg(rt), reg(rx), self.imm_operand(mask)))
            text = reg(rt) if kind == "none" or (kind == "lsl" and amount == 0) \
                else "%s, %s #%d" % (reg(rt), kind, amount)
            return rt, ("-" if neg else "") + text
        raise RuntimeError("no index found")

    def offset_imm(self, base_off, size, align, maximum):
        lo = max(-maximum, -base_off)
        hi = min(maximum, BUF_SIZE - base_off - size)
        v = self.rng.randrange(lo, hi + 1)
        v -= v % align if v >= 0 else -((-v) % align)
        if v + base_off < 0:
            v += align
        return v

    def imm_offset(self, mode, base_off, size, align, maximum):
        """An immediate offset up to maximum: any when post-indexed (the access is at the
        base), else one that keeps the access in the buffer and aligned."""
        if mode == "post":
            return "#%d" % self.rng.randrange(-maximum, maximum + 1)
        return "#%d" % self.offset_imm(base_off, size, align, maximum)

    def loadstore(self):
        rng = self.rng
        c = self.cond(0.25)
        kind = rng.choice(["word", "word", "byte", "half", "half", "dword", "multi", "multi",
                           "swp"])
        if kind in ("word", "byte"):
            return self.ls_word_byte(kind, c)
        if kind == "half":
            return self.ls_half(c)
        if kind == "dword":
            return self.ls_dword(c)
        if kind == "multi":
            return self.ls_multi(c)
        return self.ls_swp(c)

    def ls_word_byte(self, kind, c):
        rng = self.rng
        load = rng.random() < 0.5
        size = 4 if kind == "word" else 1
        align = 2 if kind == "word" else 0
        op = ("ldr" if load else "str") + ("b" if kind == "byte" else "")
        mode = rng.choice(["off", "off", "pre", "post"])
        regoff = rng.random() < 0.5
        pre = []
        rd = self.pick(self.DATA) if load else self.pick(self.READ)
        if mode == "off" and rng.random() < 0.7:
            rb, boff = self.BASE, self.BASE_OFF
        else:
            # Without writeback the base may be the register loaded or stored.
            rb, boff, setup = self.temp_base((rd,) if mode != "off" else ())
            pre += setup
        if regoff:
            exclude = (rb, rd) if mode != "off" else (rb,)
            # In post-indexed form the access is at the base; the index only moves it.
            rt, text = self.index(pre, exclude, align, boff, size)
        else:
            text = self.imm_offset(mode, boff, size, 1 << align, 4095)
        return Item(pre + ["%s%s %s, %s" % (op, c, reg(rd), address_text(rb, mode, text))])

    def ls_half(self, c):
        rng = self.rng
        op = rng.choice(["ldrh", "strh", "ldrsh", "ldrsb"])
        load = op != "strh"
        size, align = (1, 0) if op == "ldrsb" else (2, 1)
        mode = rng.choice(["off", "off", "pre", "post"])
        pre = []
        rd = self.pick(self.DATA) if load else self.pick(self.READ)
        if mode == "off":
            rb, boff = self.BASE, self.BASE_OFF
        else:
            rb, boff, setup = self.temp_base((rd,), spread=200)
            pre += setup
        if rng.random() < 0.5:
            exclude = (rb, rd) if mode != "off" else ()
            rt, text = self.index(pre, exclude, align, boff, size, shifts=False)
        else:
            text = self.imm_offset(mode, boff, size, 1 << align, 255)
        return Item(pre + ["%s%s %s, %s" % (op, c, reg(rd), address_text(rb, mode, text))])

    def ls_dword(self, c):
        rng = self.rng
        load = rng.random() < 0.5
        rd = rng.choice([0, 2, 4, 6, 8] if load else [0, 2, 4, 6, 8, 10])
        pair = (rd, rd + 1)
        mode = rng.choice(["off", "off", "pre", "post"])
        pre = []
        if mode == "off":
            rb, boff = self.BASE, self.BASE_OFF
        else:
            rb, boff, setup = self.temp_base(pair, align=8, spread=200)
            pre += setup
        if rng.random() < 0.5:
            rt, text = self.index(pre, pair + (rb,), 3, boff, 8, shifts=False)
        else:
            text = self.imm_offset(mode, boff, 8, 8, 255)
        op = "ldrd" if load else "strd"
        return Item(pre + ["%s%s %s, %s, %s" % (op, c, reg(rd), reg(rd + 1),
                                                 address_text(rb, mode, text))])

    def ls_multi(self, c):
        rng = self.rng
        load = rng.random() < 0.5
        mode = rng.choice(["ia", "ib", "da", "db"])
        wb = rng.random() < 0.5
        pre = []
        if wb or rng.random() < 0.3:
            rb, boff, setup = self.temp_base(spread=900, align=4)
            pre += setup
        else:
            rb = self.BASE
        # The base may be in the list only without writeback (and is never r11 for loads).
        pool = [r for r in (self.DATA if load else self.READ) if r != rb or not wb]
        regs = rng.sample(pool, rng.randrange(1, min(9, len(pool))))
        op = ("ldm" if load else "stm") + mode
        return Item(pre + ["%s%s %s%s, %s" % (op, c, reg(rb), "!" if wb else "", reglist(regs))])

    def ls_swp(self, c):
        rng = self.rng
        b = rng.choice(["", "b"])
        pre = []
        if rng.random() < 0.5:
            rb = self.BASE
        else:
            rb, _, setup = self.temp_base(align=4, spread=1000)
            pre += setup
        rd = self.pick(self.DATA, (rb,))
        rm = self.pick(self.READ, (rb,))
        return Item(pre + ["swp%s%s %s, %s, [%s]" % (b, c, reg(rd), reg(rm), reg(rb))])

    def branch(self):
        label = self.label()
        body = []
        for _ in range(self.rng.randrange(1, 4)):
            body += self.item(top_level=False).lines
        c = self.rng.choice(CONDS + [""])
        return Item(["b%s %s" % (c, label)] + body + [label + ":"], is_branch=True)

    def item(self, top_level):
        table = [(30, self.dataproc), (2, self.pcread), (3, self.special), (6, self.refresh),
                 (14, self.multiply), (6, self.flags), (25, self.loadstore)]
        if top_level:
            table.append((5, self.branch))
        return self.weighted(table)()


class ThumbGenerator(Generator):
    """Thumb: r7 points at the start of the buffer and is never written; sp points into its
    upper half and moves with PUSH/POP/ADD/SUB, which the generator tracks statically."""

    BASE = 7
    LOW = [0, 1, 2, 3, 4, 5, 6]
    LOW_READ = LOW + [7]
    HIGH = [8, 9, 10, 11, 12, 14]
    SP_MIN, SP_MAX = 2048, BUF_SIZE - 64

    def __init__(self, seed, isa):
        super().__init__(seed, isa)
        self.sp = 3072  # sp's offset from BUF

    def shift_imm(self):
        rng = self.rng
        op = rng.choice(["lsls", "lsrs", "asrs"])
        n = rng.randrange(0, 32) if op == "lsls" else rng.choice([32, rng.randrange(1, 33)])
        return Item(["%s %s, %s, #%d" % (op, reg(self.pick(self.LOW)),
                                         reg(self.pick(self.LOW_READ)), n)])

    def addsub(self):
        rng = self.rng
        op = rng.choice(["adds", "subs"])
        rd = self.pick(self.LOW)
        form = rng.randrange(3)
        if form == 0:
            return Item(["%s %s, %s, %s" % (op, reg(rd), reg(self.pick(self.LOW_READ)),
                                            reg(self.pick(self.LOW_READ)))])
        if form == 1:
            return Item(["%s %s, %s, #%d" % (op, reg(rd), reg(self.pick(self.LOW_READ)),
                                             rng.randrange(8))])
        return Item(["%s %s, #%d" % (op, reg(rd), rng.randrange(256))])

    def movcmp(self):
        rng = self.rng
        if rng.random() < 0.5:
            return Item(["movs %s, #%d" % (reg(self.pick(self.LOW)), rng.randrange(256))])
        return Item(["cmp %s, #%d" % (reg(self.pick(self.LOW_READ)), rng.randrange(256))])

    def alu(self):
        rng = self.rng
        op = rng.choice(["ands", "eors", "lsls", "lsrs", "asrs", "adcs", "sbcs", "rors", "tst",
                         "negs", "cmp", "cmn", "orrs", "muls", "bics", "mvns"])
        pre = []
        rm = self.pick(self.LOW_READ)
        if op in ("tst", "cmp", "cmn"):
            return Item(["%s %s, %s" % (op, reg(self.pick(self.LOW_READ)), reg(rm))])
        rd = self.pick(self.LOW)
        if op == "muls":
            # Before ARMv6, Rd == Rm is UNPREDICTABLE for the Thumb MUL.
            rm = self.pick(self.LOW_READ, (rd,))
            return Item(["muls %s, %s, %s" % (reg(rd), reg(rm), reg(rd))])
        if op in ("lsls", "lsrs", "asrs", "rors") and rng.random() < 0.4 and rm != rd \
                and rm != self.BASE:
            pre.append("movs %s, #%d" % (reg(rm), rng.choice([0, 1, 31, 32, 33, 255,
                                                              rng.randrange(40)])))
        if op == "negs":
            return Item(pre + ["negs %s, %s" % (reg(rd), reg(rm))])
        return Item(pre + ["%s %s, %s" % (op, reg(rd), reg(rm))])

    def hireg(self):
        rng = self.rng
        op = rng.choice(["add", "mov", "cmp"])
        writable = self.LOW + self.HIGH
        readable = self.LOW_READ + self.HIGH
        while True:
            rd = self.pick(readable if op == "cmp" else writable)
            rm = self.pick(readable)
            if rd >= 8 or rm >= 8:  # both low is UNPREDICTABLE before ARMv6
                break
        return Item(["%s %s, %s" % (op, reg(rd), reg(rm))])

    def mul(self):
        rd = self.pick(self.LOW)
        rm = self.pick(self.LOW_READ, (rd,))
        return Item(["muls %s, %s, %s" % (reg(rd), reg(rm), reg(rd))])

    def temp_base(self, exclude=(), align=1):
        """A low register pointing into the buffer, aligned to align bytes:
        (reg, offset from BUF, setup)."""
        rng = self.rng
        rb = self.pick(self.LOW, exclude)
        kmax = min(256, (BUF_SIZE - 64 - self.sp) // 4)
        if rng.random() < 0.5 or kmax < 1:
            k = rng.randrange(0, 256) & ~(align - 1)
            return rb, k, ["movs %s, r7" % reg(rb), "adds %s, #%d" % (reg(rb), k)]
        k = rng.randrange(0, kmax)
        return rb, self.sp + 4 * k, ["add %s, sp, #%d" % (reg(rb), 4 * k)]

    def loadstore_imm(self):
        rng = self.rng
        op, size, scale = rng.choice([("ldr", 4, 4), ("str", 4, 4), ("ldrb", 1, 1),
                                      ("strb", 1, 1), ("ldrh", 2, 2), ("strh", 2, 2)])
        load = op.startswith("ldr")
        pre = []
        rd = self.pick(self.LOW if load else self.LOW_READ)
        if rng.random() < 0.5:
            rb, boff = self.BASE, 0
        else:
            rb, boff, pre = self.temp_base(align=size)
        for _ in range(100):
            imm = rng.randrange(32) * scale
            addr = boff + imm
            if addr % size == 0 and addr + size <= BUF_SIZE:
                break
            imm = None
        if imm is None:
            return self.loadstore_imm()
        return Item(pre + ["%s %s, [%s, #%d]" % (op, reg(rd), reg(rb), imm)])

    def loadstore_reg(self):
        rng = self.rng
        op, size = rng.choice([("ldr", 4), ("str", 4), ("ldrb", 1), ("strb", 1), ("ldrh", 2),
                               ("strh", 2), ("ldrsb", 1), ("ldrsh", 2)])
        load = op.startswith("ldr")
        rd = self.pick(self.LOW if load else self.LOW_READ)
        rt = self.pick(self.LOW)
        rx = self.pick(self.LOW_READ)
        mask = rng.randrange(1, 256) & ~(size - 1)
        if mask == 0:
            mask = size
        pre = ["movs %s, #%d" % (reg(rt), mask)]
        if rx != rt:
            pre.append("ands %s, %s" % (reg(rt), reg(rx)))
        return Item(pre + ["%s %s, [r7, %s]" % (op, reg(rd), reg(rt))])

    def sp_relative(self):
        rng = self.rng
        kind = rng.choice(["ldr", "str", "addr"])
        rd = self.pick(self.LOW if kind != "str" else self.LOW_READ)
        if kind == "addr":
            return Item(["add %s, sp, #%d" % (reg(rd), 4 * rng.randrange(256))])
        k = rng.randrange(0, min(256, (BUF_SIZE - 4 - self.sp) // 4 + 1))
        return Item(["%s %s, [sp, #%d]" % (kind, reg(rd), 4 * k)])

    def pc_relative(self):
        return Item(["add %s, pc, #%d" % (reg(self.pick(self.LOW)), 4 * self.rng.randrange(256))])

    def stack(self):
        rng = self.rng
        kind = rng.choice(["push", "pop", "adjust"])
        if kind == "adjust":
            k = 4 * rng.randrange(1, 64)
            if rng.random() < 0.5 and self.sp - k >= self.SP_MIN:
                self.sp -= k
                return Item(["sub sp, #%d" % k])
            if self.sp + k <= self.SP_MAX:
                self.sp += k
                return Item(["add sp, #%d" % k])
            self.sp -= k
            return Item(["sub sp, #%d" % k])
        if kind == "push":
            regs = rng.sample(self.LOW_READ, rng.randrange(1, 9))
            lr = rng.random() < 0.3
            n = len(regs) + lr
            if self.sp - 4 * n < self.SP_MIN:
                kind = "pop"
            else:
                self.sp -= 4 * n
                return Item(["push %s" % reglist(regs + ([14] if lr else []))])
        regs = rng.sample(self.LOW, rng.randrange(1, 8))
        if self.sp + 4 * len(regs) > self.SP_MAX:
            self.sp -= 64
            return Item(["sub sp, #64"])
        self.sp += 4 * len(regs)
        return Item(["pop %s" % reglist(regs)])

    def multi(self):
        rng = self.rng
        load = rng.random() < 0.5
        rb, boff, pre = self.temp_base(align=4)
        pool = [r for r in (self.LOW if load else self.LOW_READ) if r != rb]
        regs = rng.sample(pool, rng.randrange(1, len(pool) + 1))
        if boff + 4 * len(regs) > BUF_SIZE:
            return self.multi()
        op = "ldmia" if load else "stmia"
        return Item(pre + ["%s %s!, %s" % (op, reg(rb), reglist(regs))])

    def branch(self):
        label = self.label()
        body = []
        for _ in range(self.rng.randrange(1, 5)):
            body += self.item(top_level=False).lines
        c = self.rng.choice(CONDS + ["", ""])
        return Item(["b%s %s" % (c, label)] + body + [label + ":"], is_branch=True)

    def item(self, top_level):
        table = [(8, self.shift_imm), (10, self.addsub), (6, self.movcmp), (25, self.alu),
                 (8, self.hireg), (4, self.mul), (8, self.loadstore_imm),
                 (8, self.loadstore_reg), (4, self.sp_relative), (1, self.pc_relative),
                 (4, self.multi), (8, self.refresh)]
        if top_level:
            table += [(5, self.stack), (8, self.branch)]
        return self.weighted(table)()


def startup(rng, isa):
    """ARM-state start: vectors, mode, the registers and flags from the seed."""
    lines = [".syntax unified", ".arm", ".text", ".global _start", "_start:"]
    lines += ["b reset"] + ["b exception_%d" % i for i in range(1, 8)]
    for i in range(1, 8):
        lines += ["exception_%d:" % i, "mov r8, #%d" % i, "b exception_common"]
    lines += ["reset:", "msr cpsr_c, #0xd3"]
    values = {r: rand_word(rng) for r in range(15)}
    flags = rng.randrange(32) << 27
    base = 11 if isa == "arm" else 7
    values[base] = BUF + (2048 if isa == "arm" else 0)
    values[13] = BUF + 3072 if isa == "thumb" else DUMP + 256
    for r in range(15):
        if not (isa == "thumb" and r == 0):
            lines.append("ldr %s, =0x%08x" % (reg(r), values[r]))
    lines.append("msr cpsr_f, #0x%08x" % flags)
    if isa == "thumb":
        lines += ["adr r0, seq_start + 1", "bx r0", ".ltorg", ".thumb", ".align 2",
                  "seq_start:", "ldr r0, 1f", "b 2f", ".align 2", "1:",
                  ".word 0x%08x" % values[0], "2:"]
    else:
        lines += ["b seq_start", ".ltorg", "seq_start:"]
    return lines, values, flags


def finish(isa):
    """Back in ARM state: store the state to DUMP, checksum the buffer, print, exit."""
    base = 11 if isa == "arm" else 7
    to_dump = DUMP - BUF - (2048 if isa == "arm" else 0)
    lines = []
    if isa == "thumb":
        lines += [".align 2", "bx pc", "nop", ".arm"]
    lines += ["add %s, %s, #%d" % (reg(base), reg(base), to_dump)]
    for r in range(15):
        if r != base:
            lines.append("str %s, [%s, #%d]" % (reg(r), reg(base), 4 * r))
    lines += ["mrs r0, cpsr",
              "bic r0, r0, #0x07000000", "bic r0, r0, #0x00ff0000", "bic r0, r0, #0x0000ff00",
              "str r0, [%s, #60]" % reg(base),
              "sub r0, %s, #%d" % (reg(base), to_dump),
              "str r0, [%s, #%d]" % (reg(base), 4 * base),
              "b report"]
    return lines


UART0 = 0x101f1000
FIELDS = ["r%d" % i for i in range(15)] + ["cpsr"] + ["mem%03x" % (i * 256) for i in range(16)]

# An unexpected exception prints its number and return address and exits with status 1.
EXCEPTIONS = """
    .text
exception_common:
    mov r9, lr
    ldr r0, =exc_text
    bl puts
    mov r0, r8
    bl puthex
    mov r0, r9
    bl puthex
    mov r0, #0x18
    ldr r1, =0x20023
    svc 0x123456
    b .
    .ltorg
    .section .rodata
exc_text: .asciz "exception \\n"
"""


def program(seed, isa, count, prefix):
    gen = (ArmGenerator if isa == "arm" else ThumbGenerator)(seed, isa)
    items = gen.generate(count)
    data_rng = random.Random("brassboard-diff-data:%s:%d" % (isa, seed))
    start, _, _ = startup(data_rng, isa)
    comment = ("@ Generated by tests/diff/gen.py --seed %d --isa %s --count %d%s: do not edit." %
               (seed, isa, count, "" if prefix is None else " --prefix %d" % prefix))
    tail = [report(UART0, BUF, 16, 64, DUMP, FIELDS), EXCEPTIONS, ".data", ".align 3", "buffer:"]
    for _ in range(BUF_SIZE // 4):
        tail.append(".word 0x%08x" % rand_word(data_rng))
    tail += ["dump_area:", ".space 512"]
    return items, layout(comment, start, items, prefix, finish(isa), tail)


if __name__ == "__main__":
    generator_main(__doc__.splitlines()[0], program, ["arm", "thumb"], 10000)
