#!/bin/sh
# check_qemu.sh QEMU ELF EXPECTED STATUS [--sd]
# The differential against QEMU: runs a Zynq test firmware under
# qemu-system-arm -M xilinx-zynq-a9 with semihosting, UART0 to nowhere and UART1 (the
# console) on stdout; the output must equal the EXPECTED file and the exit status must be
# STATUS. --sd makes the sd_read test's card image (make_sd_image.py) and gives it to the
# first SD controller (-drive if=sd). QEMU is killed (SIGKILL) after 60 s.
qemu=$1 elf=$2 expected=$3 status=$4 sd=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
set --
if [ "$sd" = --sd ]; then
    python3 "$here/make_sd_image.py" "$tmp/sd.img" || exit 1
    set -- -drive "file=$tmp/sd.img,if=sd,format=raw"
fi

QEMU_AUDIO_DRV=none timeout -s KILL 60 "$qemu" -M xilinx-zynq-a9 -display none -monitor none \
    -serial null -serial stdio -semihosting -kernel "$elf" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
got=$?
failed=0
case $got in
137) echo "FAIL: qemu killed after 60 s"; failed=1 ;;
"$status") ;;
*) echo "FAIL: exit status $got, expected $status"; failed=1 ;;
esac
if ! cmp -s "$expected" "$tmp/out"; then
    echo "FAIL: UART1 output differs from $expected (- expected, + got):"
    diff -u "$expected" "$tmp/out" | tail -n +3 | head -n 60
    failed=1
fi
if [ $failed = 1 ]; then
    echo "--- qemu stderr (last 20 lines):"
    tail -n 20 "$tmp/err"
    exit 1
fi
echo ok
