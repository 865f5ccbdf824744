#!/bin/sh
# check_qemu.sh QEMU ELF EXPECTED STATUS [QEMU OPTIONS...] (machine: $BOARD, default versatilepb)
# The differential against QEMU: runs the test firmware under qemu-system-arm -M $BOARD
# with semihosting; the console (on stdout) must equal the EXPECTED file and the exit
# status must be STATUS (QEMU passes the SYS_EXIT_EXTENDED code through). QEMU OPTIONS are
# the machine's memory, serial ports and drives, by default `-m 128M -serial stdio` (UART0
# is the console). QEMU is killed (SIGKILL) after 60 s.
qemu=$1 elf=$2 expected=$3 status=$4
shift 4
[ $# -gt 0 ] || set -- -m 128M -serial stdio
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

QEMU_AUDIO_DRV=none timeout -s KILL 60 "$qemu" -M "${BOARD:-versatilepb}" -display none \
    -monitor none -semihosting -kernel "$elf" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
got=$?
failed=0
case $got in
137) echo "FAIL: qemu killed after 60 s"; failed=1 ;;
"$status") ;;
*) echo "FAIL: exit status $got, expected $status"; failed=1 ;;
esac
if ! cmp -s "$expected" "$tmp/out"; then
    echo "FAIL: console output differs from $expected (- expected, + got):"
    diff -u "$expected" "$tmp/out" | tail -n +3 | head -n 60
    failed=1
fi
if [ $failed = 1 ]; then
    echo "--- qemu stderr (last 20 lines):"
    tail -n 20 "$tmp/err"
    exit 1
fi
echo ok
