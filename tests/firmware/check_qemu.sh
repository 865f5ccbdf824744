#!/bin/sh
# check_qemu.sh QEMU ELF EXPECTED STATUS (machine: $BOARD, default versatilepb)
# The differential against QEMU: runs the test firmware under qemu-system-arm -M
# versatilepb with semihosting; UART0 (on stdout) must equal the EXPECTED file and the
# exit status must be STATUS (QEMU passes the SYS_EXIT_EXTENDED code through).
qemu=$1 elf=$2 expected=$3 status=$4
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

QEMU_AUDIO_DRV=none timeout 60 "$qemu" -M "${BOARD:-versatilepb}" -m 128M -display none -serial stdio \
    -monitor none -semihosting -kernel "$elf" >"$tmp/out" 2>"$tmp/err" </dev/null
got=$?
failed=0
case $got in
124) echo "FAIL: qemu timed out after 60 s"; failed=1 ;;
"$status") ;;
*) echo "FAIL: exit status $got, expected $status"; failed=1 ;;
esac
if ! cmp -s "$expected" "$tmp/out"; then
    echo "FAIL: UART output differs from $expected (- expected, + got):"
    diff -u "$expected" "$tmp/out" | tail -n +3 | head -n 60
    failed=1
fi
if [ $failed = 1 ]; then
    echo "--- qemu stderr (last 20 lines):"
    tail -n 20 "$tmp/err"
    exit 1
fi
echo ok
