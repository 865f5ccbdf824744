#!/usr/bin/env python3
"""gen_v7.py: writes a seeded random ARMv7-A test program (Cortex-A9) for the differential
test against qemu-system-arm -M vexpress-a9.

It extends tests/diff/gen.py (imported, not copied): the same program frame (registers and
flags from the seed, a 4 KiB buffer, a dump of r0-r14, the CPSR and sixteen checksums on
UART0, exit through semihosting), linked at 0x60000000 for the Versatile Express A9 with
VBAR pointing at the program's own vectors. The CPSR compared includes the GE flags.

--isa arm: the ARMv5TE items of gen.py plus the ARMv6/v7 A32 additions: parallel add and
  subtract, SEL, USAD8, saturation, extends, reversals, packing, the v6 multiplies, UMAAL,
  MLS, MOVW/MOVT, bit fields, the unprivileged halfword transfers, the exclusives with
  CLREX, MSR/MRS of the GE flags, barriers and hints.
Both: loads and stores of every kind between SETEND BE and SETEND LE (big-endian data).
--isa thumb2: the 16-bit Thumb items of gen.py plus all of T32 (data processing with
  modified immediates and shifted registers, plain immediates, bit fields, saturation,
  extends, parallel arithmetic, every multiply, loads and stores of every addressing form,
  LDRD/STRD, LDM/STM, PUSH/POP, the exclusives, TBB/TBH, CBZ/CBNZ, B/BL/BLX, barriers,
  hints, MSR/MRS) and IT blocks of one to four instructions with then/else conditions,
  flag-setting and 16-bit non-flag-setting forms inside them, flags changed in the middle
  of a block, and IT blocks ended by a branch.

--irq: the Cortex-A9 private timer interrupts the program every few hundred cycles
  through the GIC; the handler changes nothing the program can see (it saves what it uses
  and returns with the saved CPSR), so the result must be the same. Interrupts then land
  inside IT blocks, between flag setting and use, and so on. The exclusives are left out
  in this mode (an interrupt between LDREX and STREX makes the store fail by design).

Usage: gen_v7.py --seed N --isa arm|thumb2 [--count N] [--irq] [--prefix K] -o out.S
       gen_v7.py --seed N --isa arm|thumb2 [--count N] [--irq] --items
"""

import os
import random
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "diff"))
import gen  # noqa: E402  (tests/diff/gen.py)
import genlib  # noqa: E402  (tests/diff/genlib.py)

RAM = 0x60000000
BUF = RAM + 0x40000
UART0 = 0x10009000
GICC = 0x1E000100  # the MPCore private region of the Versatile Express A9
GICD = 0x1E001000
PRIVATE_TIMER = 0x1E000600
TIMER_IRQ = 29
IRQ_STACK = RAM + 0x50000
TIMER_PERIOD = 40
Item = genlib.Item
reg = gen.reg
CONDS = genlib.CONDS

def fill(text, cond, s):
    """An item's text with its condition ({c}) and flag-setting suffix ({s}) filled in."""
    return text.replace("{c}", cond).replace("{s}", s)


PARALLEL_PREFIXES = ["s", "q", "sh", "u", "uq", "uh"]
PARALLEL_OPS = ["add16", "asx", "sax", "sub16", "add8", "sub8"]


class V7Common:
    """Items that A32 and T32 share: each returns (setup lines, text with {c} where the
    condition goes). Setup lines never need the condition."""

    def parallel(self):
        rng = self.rng
        op = rng.choice(PARALLEL_PREFIXES) + rng.choice(PARALLEL_OPS)
        return [], "%s{c} %s, %s, %s" % (op, reg(self.pick(self.DATA)),
                                         reg(self.pick(self.READ)), reg(self.pick(self.READ)))

    def sel(self):
        return [], "sel{c} %s, %s, %s" % (reg(self.pick(self.DATA)), reg(self.pick(self.READ)),
                                          reg(self.pick(self.READ)))

    def usad(self):
        rd, rn, rm = self.pick(self.DATA), self.pick(self.READ), self.pick(self.READ)
        if self.rng.random() < 0.5:
            return [], "usad8{c} %s, %s, %s" % (reg(rd), reg(rn), reg(rm))
        return [], "usada8{c} %s, %s, %s, %s" % (reg(rd), reg(rn), reg(rm),
                                                reg(self.pick(self.READ)))

    def saturate(self):
        rng = self.rng
        rd, rn = self.pick(self.DATA), self.pick(self.READ)
        kind = rng.choice(["ssat", "usat", "ssat16", "usat16"])
        if kind == "ssat16":
            return [], "ssat16{c} %s, #%d, %s" % (reg(rd), rng.randrange(1, 17), reg(rn))
        if kind == "usat16":
            return [], "usat16{c} %s, #%d, %s" % (reg(rd), rng.randrange(0, 16), reg(rn))
        sat = rng.randrange(1, 33) if kind == "ssat" else rng.randrange(0, 32)
        shift = ""
        r = rng.random()
        if r < 0.3:
            shift = ", lsl #%d" % rng.randrange(0, 32)
        elif r < 0.6:
            shift = ", asr #%d" % rng.randrange(1, 32 if self.isa == "thumb2" else 33)
        return [], "%s{c} %s, #%d, %s%s" % (kind, reg(rd), sat, reg(rn), shift)

    def extend(self):
        rng = self.rng
        kind = rng.choice(["sxtb", "sxth", "uxtb", "uxth", "sxtb16", "uxtb16"])
        rot = rng.choice([0, 0, 8, 16, 24])
        rotation = ", ror #%d" % rot if rot else ""
        rd, rm = self.pick(self.DATA), self.pick(self.READ)
        if rng.random() < 0.5:
            add = kind[:3] + "a" + kind[3:]
            return [], "%s{c} %s, %s, %s%s" % (add, reg(rd), reg(self.pick(self.READ)), reg(rm),
                                              rotation)
        return [], "%s{c} %s, %s%s" % (kind, reg(rd), reg(rm), rotation)

    def reverse(self):
        op = self.rng.choice(["rev", "rev16", "revsh", "rbit", "clz"])
        return [], "%s{c} %s, %s" % (op, reg(self.pick(self.DATA)), reg(self.pick(self.READ)))

    def saturating_add(self):
        op = self.rng.choice(["qadd", "qsub", "qdadd", "qdsub"])
        return [], "%s{c} %s, %s, %s" % (op, reg(self.pick(self.DATA)), reg(self.pick(self.READ)),
                                         reg(self.pick(self.READ)))

    def pack(self):
        rng = self.rng
        rd, rn, rm = self.pick(self.DATA), self.pick(self.READ), self.pick(self.READ)
        if rng.random() < 0.5:
            n = rng.randrange(0, 32)
            shift = ", lsl #%d" % n if n else ""
            return [], "pkhbt{c} %s, %s, %s%s" % (reg(rd), reg(rn), reg(rm), shift)
        return [], "pkhtb{c} %s, %s, %s, asr #%d" % (reg(rd), reg(rn), reg(rm),
                                                     rng.randrange(1, 33))

    def media_multiply(self):
        rng = self.rng
        rd = self.pick(self.DATA)
        rn, rm, ra = self.pick(self.READ), self.pick(self.READ), self.pick(self.READ)
        kind = rng.choice(["smlad", "smlsd", "smuad", "smusd", "smlald", "smlsld", "smmul",
                           "smmla", "smmls", "umaal", "mls", "mul", "mla", "long", "smlaxy",
                           "smulxy", "smlawy", "smulwy", "smlalxy"])
        x = rng.choice(["", "x"])
        r = rng.choice(["", "r"])
        if kind in ("smlad", "smlsd"):
            return [], "%s%s{c} %s, %s, %s, %s" % (kind, x, reg(rd), reg(rn), reg(rm), reg(ra))
        if kind in ("smuad", "smusd"):
            return [], "%s%s{c} %s, %s, %s" % (kind, x, reg(rd), reg(rn), reg(rm))
        if kind in ("smmla", "smmls"):
            return [], "%s%s{c} %s, %s, %s, %s" % (kind, r, reg(rd), reg(rn), reg(rm), reg(ra))
        if kind == "smmul":
            return [], "smmul%s{c} %s, %s, %s" % (r, reg(rd), reg(rn), reg(rm))
        if kind == "mls":
            return [], "mls{c} %s, %s, %s, %s" % (reg(rd), reg(rn), reg(rm), reg(ra))
        if kind == "mul":
            return [], "mul{c} %s, %s, %s" % (reg(rd), reg(rn), reg(rm))
        if kind == "mla":
            return [], "mla{c} %s, %s, %s, %s" % (reg(rd), reg(rn), reg(rm), reg(ra))
        xy = rng.choice(["bb", "bt", "tb", "tt"])
        if kind == "smlaxy":
            return [], "smla%s{c} %s, %s, %s, %s" % (xy, reg(rd), reg(rn), reg(rm), reg(ra))
        if kind == "smulxy":
            return [], "smul%s{c} %s, %s, %s" % (xy, reg(rd), reg(rn), reg(rm))
        if kind == "smlawy":
            return [], "smlaw%s{c} %s, %s, %s, %s" % (xy[0], reg(rd), reg(rn), reg(rm), reg(ra))
        if kind == "smulwy":
            return [], "smulw%s{c} %s, %s, %s" % (xy[0], reg(rd), reg(rn), reg(rm))
        lo = self.pick(self.DATA)
        hi = self.pick(self.DATA, (lo,))
        if kind == "smlalxy":
            return [], "smlal%s{c} %s, %s, %s, %s" % (xy, reg(lo), reg(hi), reg(rn), reg(rm))
        if kind in ("smlald", "smlsld"):
            return [], "%s%s{c} %s, %s, %s, %s" % (kind, x, reg(lo), reg(hi), reg(rn), reg(rm))
        if kind == "umaal":
            return [], "umaal{c} %s, %s, %s, %s" % (reg(lo), reg(hi), reg(rn), reg(rm))
        op = rng.choice(["umull", "umlal", "smull", "smlal"])
        return [], "%s{c} %s, %s, %s, %s" % (op, reg(lo), reg(hi), reg(rn), reg(rm))

    def move_wide(self):
        rd = self.pick(self.DATA)
        if self.rng.random() < 0.5:
            return [], "movw{c} %s, #%d" % (reg(rd), self.rng.randrange(65536))
        return [], "movt{c} %s, #%d" % (reg(rd), self.rng.randrange(65536))

    def bit_field(self):
        rng = self.rng
        rd, rn = self.pick(self.DATA), self.pick(self.READ)
        lsb = rng.randrange(32)
        width = rng.randrange(1, 33 - lsb)
        op = rng.choice(["bfi", "bfc", "sbfx", "ubfx"])
        if op == "bfc":
            return [], "bfc{c} %s, #%d, #%d" % (reg(rd), lsb, width)
        return [], "%s{c} %s, %s, #%d, #%d" % (op, reg(rd), reg(rn), lsb, width)

    def ge_flags(self):
        """MSR of NZCVQ and GE from a register."""
        return [], "msr{c} APSR_nzcvqg, %s" % reg(self.pick(self.READ))

    def read_flags(self, c):
        """MRS, keeping bits 31-16 (flags, Q, GE; the IT and J bits read as zero)."""
        rd = reg(self.pick(self.DATA))
        return Item(["mrs%s %s, APSR" % (c, rd), "lsr %s, %s, #16" % (rd, rd),
                     "lsl %s, %s, #16" % (rd, rd)])

    def big_endian(self):
        """Loads and stores of every kind (memory_items) between SETEND BE and SETEND LE.
        The exclusives are left out with --irq, as elsewhere."""
        kinds = self.memory_items()
        lines = ["setend be"]
        for _ in range(self.rng.randrange(1, 4)):
            lines += self.rng.choice(kinds)().lines
        return Item(lines + ["setend le"])

    def v7_item(self):
        """One of the shared items as a conditional (A32) or plain instruction."""
        table = [(6, self.parallel), (2, self.sel), (1, self.usad), (3, self.saturate),
                 (4, self.extend), (3, self.reverse), (2, self.saturating_add),
                 (2, self.pack), (6, self.media_multiply), (2, self.move_wide),
                 (3, self.bit_field), (2, self.ge_flags)]
        return self.weighted(table)()


class V7ArmGenerator(V7Common, gen.ArmGenerator):
    """A32 on the Cortex-A9: r11 points at the middle of the buffer and is never written."""

    def v7_a32(self):
        if self.rng.random() < 0.03:
            return self.read_flags(self.cond())
        pre, text = self.v7_item()
        return Item(pre + [fill(text, self.cond(), "")])

    def unprivileged_half(self):
        """LDRHT, STRHT, LDRSBT, LDRSHT: post-indexed (the CPU is privileged with the MMU
        off, so the user access reaches the same memory)."""
        rng = self.rng
        op = rng.choice(["ldrht", "strht", "ldrsbt", "ldrsht"])
        load = op != "strht"
        rd = self.pick(self.DATA) if load else self.pick(self.READ)
        rb, boff, setup = self.temp_base((rd,), spread=200, align=2)
        return Item(setup + ["%s%s %s, [%s], #%d" % (op, self.cond(0.2), reg(rd), reg(rb),
                                                     rng.randrange(-255, 256))])

    def exclusive(self):
        """A load-exclusive and a store-exclusive to the same place (succeeds), or with a
        CLREX in between (fails); byte, halfword, word and doubleword forms."""
        rng = self.rng
        size = rng.choice(["", "", "b", "h", "d"])
        rb, _, setup = self.temp_base(align=8, spread=1000)
        if size == "d":
            pairs = [r for r in (0, 2, 4, 6, 8) if r != rb and r + 1 != rb]
            rt, st = rng.choice(pairs), rng.choice(pairs)
            rs = self.pick(self.DATA, (rb, st, st + 1))
            lines = ["ldrexd %s, %s, [%s]" % (reg(rt), reg(rt + 1), reg(rb))]
            store = "strexd %s, %s, %s, [%s]" % (reg(rs), reg(st), reg(st + 1), reg(rb))
        else:
            rt = self.pick(self.DATA, (rb,))
            rs = self.pick(self.DATA, (rb, rt))
            lines = ["ldrex%s %s, [%s]" % (size, reg(rt), reg(rb))]
            rv = self.pick(self.READ, (rs,))
            store = "strex%s %s, %s, [%s]" % (size, reg(rs), reg(rv), reg(rb))
        if rng.random() < 0.3:
            lines.append("clrex")
        return Item(setup + lines + [store])

    def barrier(self):
        return Item([self.rng.choice(["dmb", "dsb", "isb", "nop", "yield", "dmb ish", "sev",
                                      "pld [r11, #%d]" % self.rng.randrange(-2048, 2048),
                                      "pli [r11, #%d]" % self.rng.randrange(-2048, 2048)])])

    def memory_items(self):
        """The item makers of loads and stores (for big_endian)."""
        kinds = [self.loadstore, self.loadstore, self.unprivileged_half]
        return kinds if self.irq else kinds + [self.exclusive]

    def item(self, top_level):
        exclusives = 0 if self.irq else 3
        table = [(30, self.dataproc), (2, self.pcread), (3, self.special), (6, self.refresh),
                 (8, self.multiply), (4, self.flags), (20, self.loadstore),
                 (30, self.v7_a32), (2, self.unprivileged_half), (exclusives, self.exclusive),
                 (1, self.barrier), (2, self.big_endian)]
        if top_level:
            table.append((5, self.branch))
        return self.weighted(table)()


def thumb_immediate(rng):
    """A value that T32's modified immediates can encode: a byte, one of the three
    repeated patterns, or 1bcdefgh rotated."""
    b = rng.randrange(256)
    kind = rng.randrange(5)
    if kind == 0:
        return b
    if kind == 1:
        return b << 16 | b
    if kind == 2:
        return b << 24 | b << 8
    if kind == 3:
        return b * 0x01010101
    return gen.ror(0x80 | rng.randrange(128), rng.randrange(8, 32))


class Thumb2Generator(V7Common, gen.ThumbGenerator):
    """Thumb-2: r7 points at the start of the buffer and is never written; sp points into
    its upper half and moves with the stack items, which the generator tracks statically."""

    DATA = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 14]
    READ = DATA + [7]

    # ---- T32 items: (setup lines, text with {c}) ----

    def t32_operand2(self, pre, setflags):
        rng = self.rng
        if rng.random() < 0.4:
            return "#0x%x" % thumb_immediate(rng)
        rm = self.pick(self.READ)
        shift = rng.choice(["", "lsl", "lsr", "asr", "ror", "rrx"])
        if shift == "":
            return reg(rm)
        if shift == "rrx":
            return "%s, rrx" % reg(rm)
        n = rng.randrange(1, 32) if shift in ("lsl", "ror") else rng.randrange(1, 33)
        return "%s, %s #%d" % (reg(rm), shift, n)

    def t32_dataproc(self):
        rng = self.rng
        op = rng.choice(["and", "bic", "orr", "orn", "eor", "add", "adc", "sbc", "sub", "rsb",
                         "mov", "mvn", "tst", "teq", "cmp", "cmn"])
        pre = []
        s = rng.choice(["", "s"])
        rd, rn = self.pick(self.DATA), self.pick(self.READ)
        op2 = self.t32_operand2(pre, s)
        w = rng.choice(["", "", ".w"]) if not op2.startswith("#") or op in ("mov", "mvn") else ""
        if op in ("tst", "teq", "cmp", "cmn"):
            return pre, "%s{c}%s %s, %s" % (op, w, reg(rn), op2)
        if op in ("mov", "mvn"):
            if "," in op2 and op == "mov":  # a shifted MOV is written as the shift
                rm, shift = op2.split(", ")
                if shift == "rrx":
                    return pre, "rrx%s{c} %s, %s" % (s, reg(rd), rm)
                kind, amount = shift.split()
                return pre, "%s%s{c}%s %s, %s, %s" % (kind, s, w, reg(rd), rm, amount)
            return pre, "%s%s{c}%s %s, %s" % (op, s, w, reg(rd), op2)
        return pre, "%s%s{c}%s %s, %s, %s" % (op, s, w, reg(rd), reg(rn), op2)

    def t32_shift_register(self):
        rng = self.rng
        rd, rn, rm = self.pick(self.DATA), self.pick(self.READ), self.pick(self.DATA)
        pre = []
        if rng.random() < 0.5:
            pre.append("mov %s, #%d" % (reg(rm), rng.choice([0, 1, 31, 32, 33, 255, 256 - 1,
                                                             rng.randrange(40)])))
        op = rng.choice(["lsl", "lsr", "asr", "ror"])
        return pre, "%s%s{c}.w %s, %s, %s" % (op, rng.choice(["", "s"]), reg(rd), reg(rn),
                                             reg(rm))

    def t32_plain_immediate(self):
        rng = self.rng
        rd, rn = self.pick(self.DATA), self.pick(self.READ)
        op = rng.choice(["addw", "subw"])
        return [], "%s{c} %s, %s, #%d" % (op, reg(rd), reg(rn), rng.randrange(4096))

    def t32_narrow(self):
        """A 16-bit data-processing instruction (which sets flags only outside IT)."""
        rng = self.rng
        lo = [0, 1, 2, 3, 4, 5, 6]
        rd, rm = rng.choice(lo), rng.choice(lo + [7])
        op = rng.choice(["add", "sub", "and", "eor", "orr", "bic", "mvn", "lsl", "lsr", "asr",
                         "adc", "sbc", "mul", "neg", "mov", "addimm", "subimm", "movimm",
                         "ror"])
        if op in ("add", "sub"):
            return [], "%s{s}{c} %s, %s, %s" % (op, reg(rd), reg(rm), reg(rng.choice(lo + [7])))
        if op in ("lsl", "lsr", "asr") and rng.random() < 0.5:
            n = rng.randrange(1, 32)
            return [], "%s{s}{c} %s, %s, #%d" % (op, reg(rd), reg(rm), n)
        if op == "addimm":
            return [], "add{s}{c} %s, #%d" % (reg(rd), rng.randrange(256))
        if op == "subimm":
            return [], "sub{s}{c} %s, #%d" % (reg(rd), rng.randrange(256))
        if op == "movimm":
            return [], "mov{s}{c} %s, #%d" % (reg(rd), rng.randrange(256))
        if op == "mov":
            return [], "mov{c} %s, %s" % (reg(rd), reg(rm))
        if op == "neg":
            return [], "rsb{s}{c} %s, %s, #0" % (reg(rd), reg(rm))
        if op == "mul":
            return [], "mul{c} %s, %s, %s" % (reg(rd), reg(rm), reg(rd))
        return [], "%s{s}{c} %s, %s" % (op, reg(rd), reg(rm))

    def t32_compare(self):
        rng = self.rng
        op = rng.choice(["cmp", "cmn", "tst", "teq"])
        rn = self.pick(self.READ)
        if rng.random() < 0.5:
            return [], "%s{c} %s, %s" % (op, reg(rn), reg(self.pick(self.READ)))
        return [], "%s{c} %s, #0x%x" % (op, reg(rn), thumb_immediate(rng))

    # ---- loads and stores ----

    def t32_address(self, size, exclude=(), forms=None):
        """(setup, address text, registers the address needs) for an access of `size`
        bytes in the buffer; r7 is the buffer's start."""
        rng = self.rng
        form = rng.choice(forms or ["imm12", "neg8", "pre", "post", "reg", "imm12"])
        if form == "imm12" and rng.random() < 0.4:
            return [], "[r7, #%d]" % rng.randrange(0, 4096 - size + 1), (7,)
        k = rng.randrange(256, 4096 - 256 - 8)
        rb = self.pick(self.DATA, exclude)
        setup = ["addw %s, r7, #%d" % (reg(rb), k)]
        if form == "imm12":
            return setup, "[%s, #%d]" % (reg(rb), rng.randrange(0, 4096 - k - size + 1)), (rb,)
        if form == "neg8":
            return setup, "[%s, #-%d]" % (reg(rb), rng.randrange(1, 256)), (rb,)
        if form == "pre":
            return setup, "[%s, #%d]!" % (reg(rb), rng.randrange(-255, 256)), (rb,)
        if form == "post":
            return setup, "[%s], #%d" % (reg(rb), rng.randrange(-255, 256)), (rb,)
        ri = self.pick(self.DATA, tuple(exclude) + (rb,))
        shift = rng.randrange(4)
        limit = min(255, 4096 - k - size) >> shift
        mask = (1 << max(1, limit.bit_length() - 1)) - 1
        setup.append("and %s, %s, #%d" % (reg(ri), reg(self.pick(self.READ)), mask))
        return setup, "[%s, %s, lsl #%d]" % (reg(rb), reg(ri), shift), (rb, ri)

    def t32_load_store(self):
        rng = self.rng
        op, size = rng.choice([("ldr", 4), ("ldrb", 1), ("ldrh", 2), ("ldrsb", 1), ("ldrsh", 2),
                               ("str", 4), ("strb", 1), ("strh", 2)])
        load = op.startswith("ldr")
        if rng.random() < 0.1:
            # The unprivileged forms: [Rn, #imm8] only.
            rt = self.pick(self.DATA) if load else self.pick(self.READ)
            return [], "%st{c} %s, [r7, #%d]" % (op, reg(rt), rng.randrange(256))
        rt = self.pick(self.DATA) if load else self.pick(self.READ)
        setup, addr, uses = self.t32_address(size, (rt,))
        return setup, "%s{c}.w %s, %s" % (op, reg(rt), addr)

    def t32_doubleword(self):
        rng = self.rng
        load = rng.random() < 0.5
        rt = self.pick(self.DATA if load else self.READ)
        rt2 = self.pick(self.DATA if load else self.READ, (rt,))
        k = rng.randrange(64, 1000) * 4
        rb = self.pick(self.DATA, (rt, rt2))
        setup = ["addw %s, r7, #%d" % (reg(rb), k)]
        imm = rng.randrange(-63, 64) * 4
        form = rng.choice(["off", "pre", "post"])
        addr = {"off": "[%s, #%d]", "pre": "[%s, #%d]!", "post": "[%s], #%d"}[form] % (reg(rb), imm)
        return setup, "%s{c} %s, %s, %s" % ("ldrd" if load else "strd", reg(rt), reg(rt2), addr)

    def t32_multiple(self):
        rng = self.rng
        load = rng.random() < 0.5
        mode = rng.choice(["ia", "db"])
        wb = rng.random() < 0.5
        rb = self.pick(self.DATA)
        k = rng.randrange(16, 240) * 16
        setup = ["addw %s, r7, #%d" % (reg(rb), k)]
        pool = [r for r in (self.DATA if load else self.READ) if r != rb or not wb]
        if load:
            pool = [r for r in pool if r != rb]
        regs = rng.sample(pool, rng.randrange(2, 7))
        op = ("ldm" if load else "stm") + mode
        return setup, "%s{c}.w %s%s, %s" % (op, reg(rb), "!" if wb else "", gen.reglist(regs))

    def t32_exclusive(self):
        rng = self.rng
        size = rng.choice(["", "", "b", "h", "d"])
        rb = self.pick([0, 1, 2, 3, 4, 5, 6, 8, 9])
        k = rng.randrange(16, 380) * 8
        lines = ["addw %s, r7, #%d" % (reg(rb), k)]
        rest = [r for r in self.DATA if r != rb]
        rt, rt2, rs, rv, rv2 = rng.sample(rest, 5)
        if size == "d":
            lines.append("ldrexd %s, %s, [%s]" % (reg(rt), reg(rt2), reg(rb)))
            store = "strexd %s, %s, %s, [%s]" % (reg(rs), reg(rv), reg(rv2), reg(rb))
        elif size == "":
            off = rng.randrange(0, 256) * 4 if rng.random() < 0.3 else 0
            lines.append("ldrex %s, [%s, #%d]" % (reg(rt), reg(rb), off))
            store = "strex %s, %s, [%s, #%d]" % (reg(rs), reg(rv), reg(rb), off)
        else:
            lines.append("ldrex%s %s, [%s]" % (size, reg(rt), reg(rb)))
            store = "strex%s %s, %s, [%s]" % (size, reg(rs), reg(rv), reg(rb))
        if rng.random() < 0.3:
            lines.append("clrex")
        return Item(lines + [store])

    def t32_stack(self):
        """PUSH.W/POP.W with high registers (the stack pointer is tracked)."""
        rng = self.rng
        if rng.random() < 0.5 and self.sp - 64 >= self.SP_MIN:
            regs = rng.sample([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14], rng.randrange(2, 8))
            self.sp -= 4 * len(regs)
            return Item(["push.w %s" % gen.reglist(regs)])
        regs = rng.sample([0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 14], rng.randrange(2, 8))
        if self.sp + 4 * len(regs) > self.SP_MAX:
            self.sp -= 64
            return Item(["sub sp, #64"])
        self.sp += 4 * len(regs)
        return Item(["pop.w %s" % gen.reglist(regs)])

    # ---- branches ----

    def table_branch(self):
        """TBB or TBH on a masked index, to one of four targets that each leave a mark."""
        rng = self.rng
        halfword = rng.random() < 0.5
        ri = self.pick([0, 1, 2, 3, 4, 5, 6, 8, 9])
        rd = self.pick([r for r in self.DATA if r != ri])
        table, targets, end = self.label(), [self.label() for _ in range(4)], self.label()
        lines = ["and %s, %s, #3" % (reg(ri), reg(self.pick(self.READ)))]
        if halfword:
            lines += ["tbh [pc, %s, lsl #1]" % reg(ri), table + ":"]
            lines += [".hword (%s - %s) / 2" % (t, table) for t in targets]
        else:
            lines += ["tbb [pc, %s]" % reg(ri), table + ":"]
            lines += [".byte (%s - %s) / 2" % (t, table) for t in targets]
            lines += [".align 1"]
        for i, t in enumerate(targets):
            lines += [t + ":", "add %s, %s, #%d" % (reg(rd), reg(rd), i + 1), "b %s" % end]
        lines.append(end + ":")
        return Item(lines, is_branch=True)

    def compare_branch(self):
        label = self.label()
        body = []
        for _ in range(self.rng.randrange(1, 3)):
            body += self.item(top_level=False).lines
        rn = self.pick([0, 1, 2, 3, 4, 5, 6])
        op = self.rng.choice(["cbz", "cbnz"])
        return Item(["%s %s, %s" % (op, reg(rn), label)] + body + [label + ":"], is_branch=True)

    def wide_branch(self):
        label = self.label()
        body = []
        for _ in range(self.rng.randrange(1, 4)):
            body += self.item(top_level=False).lines
        c = self.rng.choice(CONDS + [""])
        return Item(["b%s.w %s" % (c, label)] + body + [label + ":"], is_branch=True)

    def call(self):
        """BL to a Thumb leaf, or BLX to an ARM leaf, that returns with BX LR."""
        rng = self.rng
        func, over = self.label(), self.label()
        rd = self.pick([r for r in self.DATA if r != 14])
        value = rng.randrange(256)
        if rng.random() < 0.5:
            return Item(["bl %s" % func, "b %s" % over, func + ":",
                         "add %s, %s, #%d" % (reg(rd), reg(rd), value), "bx lr", over + ":"],
                        is_branch=True)
        return Item(["blx %s" % func, "b %s" % over, ".align 2", ".arm", func + ":",
                     "eor %s, %s, #%d" % (reg(rd), reg(rd), value), "bx lr", ".thumb",
                     over + ":"], is_branch=True)

    # ---- IT blocks ----

    def it_instruction(self):
        """(setup, text) for an instruction that may go in an IT block."""
        table = [(10, self.t32_dataproc), (10, self.t32_narrow), (4, self.t32_compare),
                 (2, self.t32_plain_immediate), (20, self.v7_item),
                 (5, self.t32_it_load_store), (2, self.t32_shift_register),
                 (1, self.whole_cpsr)]
        return self.weighted(table)()

    def whole_cpsr(self):
        """MRS of the whole CPSR (the IT, J and T bits read as zero, also in an IT block)."""
        return [], "mrs{c} %s, cpsr" % reg(self.pick(self.DATA))

    def t32_it_load_store(self):
        """A load or store at [r7, #imm] (nothing in an IT block may move an address)."""
        rng = self.rng
        op, size = rng.choice([("ldr", 4), ("ldrb", 1), ("ldrh", 2), ("ldrsh", 2), ("str", 4),
                               ("strb", 1), ("strh", 2), ("ldrd", 8), ("strd", 8)])
        load = op.startswith("ldr")
        rt = self.pick(self.DATA) if load else self.pick(self.READ)
        if size == 8:
            rt2 = self.pick(self.DATA if load else self.READ, (rt,))
            return [], "%s{c} %s, %s, [r7, #%d]" % (op, reg(rt), reg(rt2),
                                                    4 * rng.randrange(0, 256))
        return [], "%s{c} %s, [r7, #%d]" % (op, reg(rt), rng.randrange(0, 4096 - size + 1))

    def it_block(self):
        """IT with one to four instructions (then/else), optionally ended by a branch."""
        rng = self.rng
        n = rng.randrange(1, 5)
        cond = rng.choice(CONDS)
        inverse = CONDS[CONDS.index(cond) ^ 1]
        pattern = "".join(rng.choice("te") for _ in range(n - 1))
        conds = [cond] + [cond if p == "t" else inverse for p in pattern]
        setup, body = [], []
        branch_end = rng.random() < 0.15
        for i in range(n):
            if i == n - 1 and branch_end:
                break
            pre, text = self.it_instruction()
            setup += pre
            body.append(fill(text, conds[i], rng.choice(["", "s"])))
        lines = setup + ["it%s %s" % (pattern, cond)] + body
        if branch_end:
            label = self.label()
            skipped = fill(self.t32_narrow()[1], "", "s")
            lines += ["b%s.w %s" % (conds[-1], label), skipped, label + ":"]
            return Item(lines, is_branch=True)
        return Item(lines)

    def single(self, fn):
        def make():
            pre, text = fn()
            return Item(pre + [fill(text, "", self.rng.choice(["", "s"]))])
        return make

    def t32_msr_mrs(self):
        if self.rng.random() < 0.5:
            return self.read_flags("")
        return Item([fill(self.ge_flags()[1], "", "")])

    def hint(self):
        return Item([self.rng.choice(["nop", "nop.w", "yield", "dmb", "dsb", "isb", "dmb ish",
                                      "pld [r7, #%d]" % self.rng.randrange(4096),
                                      "pli [r7, #%d]" % self.rng.randrange(4096)])])

    def memory_items(self):
        """The item makers of loads and stores (for big_endian)."""
        kinds = [self.loadstore_imm, self.loadstore_reg, self.single(self.t32_load_store),
                 self.single(self.t32_doubleword), self.single(self.t32_multiple)]
        return kinds if self.irq else kinds + [self.t32_exclusive]

    def item(self, top_level):
        table = [(6, self.shift_imm), (6, self.addsub), (4, self.movcmp), (10, self.alu),
                 (4, self.hireg), (5, self.loadstore_imm), (5, self.loadstore_reg),
                 (2, self.sp_relative), (2, self.multi), (6, self.refresh),
                 (20, self.single(self.t32_dataproc)), (6, self.single(self.t32_narrow)),
                 (3, self.single(self.t32_shift_register)),
                 (3, self.single(self.t32_plain_immediate)),
                 (25, self.single(lambda: self.v7_item())),
                 (10, self.single(self.t32_load_store)), (3, self.single(self.t32_doubleword)),
                 (3, self.single(self.t32_multiple)), (0 if self.irq else 3, self.t32_exclusive),
                 (2, self.t32_msr_mrs), (1, self.hint), (14, self.it_block),
                 (2, self.big_endian)]
        if top_level:
            table += [(3, self.stack), (2, self.t32_stack), (4, self.branch),
                      (2, self.wide_branch), (2, self.compare_branch), (2, self.table_branch),
                      (2, self.call)]
        return self.weighted(table)()


def startup(rng, isa, irq):
    """gen.py's start-up with VBAR set to the program's vectors (RAM is not at 0 here), and
    with --irq the private timer's interrupt enabled."""
    lines, values, flags = gen.startup(rng, "arm" if isa == "arm" else "thumb")
    at = lines.index("reset:") + 1
    lines[at:at] = ["ldr r0, =0x%08x" % RAM, "mcr p15, 0, r0, c12, c0, 0"]
    if irq:
        lines[lines.index("b exception_6")] = "b irq_entry"
        at = lines.index("msr cpsr_c, #0xd3") + 1
        lines[at:at] = [
            "msr cpsr_c, #0xd2", "ldr sp, =0x%08x" % IRQ_STACK, "msr cpsr_c, #0xd3",
            "ldr r0, =0x%08x" % GICD, "mov r1, #1", "str r1, [r0]",
            "mov r1, #1 << %d" % TIMER_IRQ, "str r1, [r0, #0x100]",
            "ldr r0, =0x%08x" % GICC, "mov r1, #0xf0", "str r1, [r0, #4]", "mov r1, #1",
            "str r1, [r0]",
            "ldr r0, =0x%08x" % PRIVATE_TIMER, "ldr r1, =%d" % TIMER_PERIOD, "str r1, [r0]",
            "mov r1, #7", "str r1, [r0, #8]",  # enable, auto-reload, interrupt
            "cpsie i"]
    return lines, values, flags


# The interrupt handler (ARM): acknowledges the timer and the GIC, counts, and returns to
# the interrupted instruction with its CPSR (flags, GE, ITSTATE, Thumb state).
IRQ_HANDLER = """
irq_entry:
    sub lr, lr, #4
    push {r0-r2, lr}
    ldr r0, =0x%(gicc)08x
    ldr r1, [r0, #0x0c]
    ldr r2, =0x%(timer)08x
    mov lr, #1
    str lr, [r2, #0x0c]
    str r1, [r0, #0x10]
    ldr r0, =irq_count
    ldr r1, [r0]
    add r1, r1, #1
    str r1, [r0]
    ldm sp!, {r0-r2, pc}^
    .ltorg
"""


def finish(isa):
    """gen.py's finish, keeping the GE flags of the CPSR (bits 19-16) as well."""
    lines = gen.finish("arm" if isa == "arm" else "thumb")
    at = lines.index("bic r0, r0, #0x00ff0000")
    lines[at] = "bic r0, r0, #0x00f00000"
    return lines


def program(seed, isa, count, prefix, irq=False):
    gen.BUF = BUF
    gen.DUMP = BUF + gen.BUF_SIZE
    gen_class = V7ArmGenerator if isa == "arm" else Thumb2Generator
    generator = gen_class(seed, isa)
    generator.irq = irq
    items = generator.generate(count)
    data_rng = random.Random("brassboard-diff-v7-data:%s:%d" % (isa, seed))
    start, _, _ = startup(data_rng, isa, irq)
    comment = ("@ Generated by tests/diff_v7/gen_v7.py --seed %d --isa %s --count %d%s%s: "
               "do not edit." % (seed, isa, count, " --irq" if irq else "",
                                 "" if prefix is None else " --prefix %d" % prefix))
    tail = [genlib.report(UART0, gen.BUF, 16, 64, gen.DUMP, gen.FIELDS), gen.EXCEPTIONS]
    if irq:
        tail += [".text", IRQ_HANDLER % {"gicc": GICC, "timer": PRIVATE_TIMER}]
    tail += [".data", ".align 3", "buffer:"]
    for _ in range(gen.BUF_SIZE // 4):
        tail.append(".word 0x%08x" % gen.rand_word(data_rng))
    tail += ["dump_area:", ".space 512", "irq_count:", ".word 0"]
    return items, genlib.layout(comment, start, items, prefix, finish(isa), tail)


if __name__ == "__main__":
    genlib.main(__doc__.splitlines()[0], program, ["arm", "thumb2"], 10000, irq=True)
