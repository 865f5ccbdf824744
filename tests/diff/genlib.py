"""genlib.py: what the differential test generators share (tests/diff/gen.py,
tests/diff_v7/gen_v7.py, tests/diff_vfp/gen.py): the item (a group of instructions that
bisection keeps together), the report code that checksums the buffer and prints every
field as name=hex on a PL011 UART before the semihosting exit, the layout of a program
(start-up, items with their labels, finish, report and data), and the command line.

Generator command line: --seed N --isa ISA [--count N] [--irq] [--prefix K] -o out.S, or
--items (prints the number of items, of instructions, of instructions sure to execute).
"""

import argparse
import sys

CONDS = ["eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le"]


class Item:
    """A group of instructions that the bisection keeps together."""

    def __init__(self, lines, is_branch=False):
        self.lines = lines
        self.is_branch = is_branch

    def insns(self):
        return sum(1 for line in self.lines if not line.endswith(":") and not line.startswith("."))

    def executed(self):
        """Instructions that surely execute (a branch may skip its body)."""
        return 1 if self.is_branch else self.insns()


REPORT = """
report:
    ldr r4, =0x%(buf)08x
    ldr r5, =0x%(sums)08x
    mov r6, #%(n_sums)d
1:  mov r0, #0
    mov r1, #%(words)d
2:  ldr r2, [r4], #4
    add r0, r2, r0, ror #27
    subs r1, r1, #1
    bne 2b
    str r0, [r5], #4
    subs r6, r6, #1
    bne 1b
    ldr r4, =0x%(dump)08x
    ldr r5, =names
    ldr r6, =%(n_fields)d
3:  mov r0, r5
    bl puts
    mov r5, r0
    ldr r0, [r4], #4
    bl puthex
    subs r6, r6, #1
    bne 3b
    ldr r0, =done
    bl puts
    mov r0, #0x18
    ldr r1, =0x20026
    svc 0x123456
    b .

@ puts: prints the string at r0; returns the address after its terminator in r0.
puts:
    ldr r3, =0x%(uart)08x
1:  ldrb r1, [r0], #1
    cmp r1, #0
    bxeq lr
2:  ldr r2, [r3, #0x18]
    tst r2, #0x20
    bne 2b
    str r1, [r3]
    b 1b

@ puthex: prints r0 as eight hex digits and a newline.
puthex:
    ldr r3, =0x%(uart)08x
    mov r1, #8
1:  mov r0, r0, ror #28
    and r2, r0, #15
    cmp r2, #10
    addlo r2, r2, #'0'
    addhs r2, r2, #'a' - 10
3:  ldr r12, [r3, #0x18]
    tst r12, #0x20
    bne 3b
    str r2, [r3]
    subs r1, r1, #1
    bne 1b
    mov r2, #10
4:  ldr r12, [r3, #0x18]
    tst r12, #0x20
    bne 4b
    str r2, [r3]
    bx lr
    .ltorg

    .section .rodata
names:
%(names)s
done: .asciz "end\\n"
"""


def report(uart, buf, n_sums, words, dump, fields):
    """ARM code at label `report`: n_sums checksums of `words` words each of the buffer at
    buf, stored after the registers the finish code stored at dump (the fields that are not
    checksums), then every field printed as name=hex on the UART at uart, "end", and the
    semihosting exit. fields: the names, in dump order, the checksums last."""
    n_regs = len(fields) - n_sums
    return REPORT % {"buf": buf, "sums": dump + 4 * n_regs, "n_sums": n_sums, "words": words,
                     "dump": dump, "n_fields": len(fields), "uart": uart,
                     "names": "\n".join('.asciz "%s="' % n for n in fields)}


def layout(comment, start, items, prefix, finish, tail):
    """The program text: start-up, the items (all, or the first `prefix`) each after its
    label item_NNNNN, the label seq_end, the finish and the rest (report, data)."""
    out = [comment] + start
    chosen = items if prefix is None else items[:prefix]
    for i, item in enumerate(chosen):
        out.append("item_%05d:" % i)
        out += item.lines
    out.append("seq_end:")
    out += finish
    out += tail
    return "\n".join(line if line.endswith(":") or line.startswith("@") else "    " + line
                     for line in out) + "\n"


def main(description, program, isas, default_count, irq=False):
    """The generator's command line; program(seed, isa, count, prefix[, irq]) returns
    (items, text)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--isa", choices=isas, required=True)
    ap.add_argument("--count", type=int, default=default_count,
                    help="instructions that surely execute (at least)")
    ap.add_argument("--prefix", type=int, help="emit only the first K items")
    if irq:
        ap.add_argument("--irq", action="store_true", help="with timer interrupts")
    ap.add_argument("--items", action="store_true", help="print the item count and exit")
    ap.add_argument("-o", "--output")
    args = ap.parse_args()
    extra = {"irq": args.irq} if irq else {}
    items, text = program(args.seed, args.isa, args.count, args.prefix, **extra)
    if args.items:
        print(len(items), sum(i.insns() for i in items), sum(i.executed() for i in items))
        return
    if not args.output:
        sys.stdout.write(text)
        return
    with open(args.output, "w") as f:
        f.write(text)
