#!/bin/sh
# check.sh BRASSBOARD QEMU ELF EXPECTED: runs the VFP/NEON firmware test ELF under brassboard
# --board vexpress-a9 (native JIT, interpreter) and, when QEMU is not "-", under
# qemu-system-arm -M vexpress-a9 -cpu cortex-a9; every run must print EXPECTED exactly and
# exit with status 0, and both brassboard backends must retire the same instructions.
set -u
bb=$1 qemu=$2 elf=$3 expected=$4
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
for jit in native interp; do
    "$bb" run --board vexpress-a9 "$elf" --jit $jit --max-insns 200000000 --stats \
        >"$tmp/$jit.out" 2>"$tmp/$jit.err" </dev/null
    status=$?
    if [ $status -ne 0 ]; then
        echo "FAIL: brassboard --jit $jit exited with $status"; tail -5 "$tmp/$jit.err"; fail=1
    fi
    if ! cmp -s "$tmp/$jit.out" "$expected"; then
        echo "FAIL: brassboard --jit $jit output differs from $expected:"
        diff "$expected" "$tmp/$jit.out" | head -20; fail=1
    fi
    sed -n 's/^stats: insns=\([0-9]*\).*/\1/p' "$tmp/$jit.err" >"$tmp/$jit.insns"
done
if ! cmp -s "$tmp/native.insns" "$tmp/interp.insns"; then
    echo "FAIL: instruction counts differ: native $(cat "$tmp/native.insns"), interp $(cat "$tmp/interp.insns")"
    fail=1
fi
if [ "$qemu" != "-" ]; then
    QEMU_AUDIO_DRV=none timeout 60 "$qemu" -M vexpress-a9 -cpu cortex-a9 -m 1G -display none \
        -serial stdio -monitor none -semihosting -kernel "$elf" >"$tmp/qemu.out" 2>/dev/null </dev/null
    status=$?
    if [ $status -ne 0 ] || ! cmp -s "$tmp/qemu.out" "$expected"; then
        echo "FAIL: qemu (status $status) output differs from $expected:"
        diff "$expected" "$tmp/qemu.out" | head -20; fail=1
    fi
fi
[ $fail -eq 0 ] && echo "ok: $(basename "$elf")"
exit $fail
