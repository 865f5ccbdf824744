#!/bin/sh
# check_qemu.sh QEMU ELF EXPECTED STATUS [--sd]
# The differential against QEMU: a Zynq test firmware through the foundation's
# tests/firmware/check_qemu.sh on qemu-system-arm -M xilinx-zynq-a9 (the machine's own
# memory size), UART0 to nowhere and UART1 (the console) on stdout: the output must equal
# the EXPECTED file and the exit status must be STATUS. --sd makes the sd_read test's card
# image (make_sd_image.py) and gives it to the first SD controller (-drive if=sd).
qemu=$1 elf=$2 expected=$3 status=$4 sd=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
set -- -serial null -serial stdio
if [ "$sd" = --sd ]; then
    python3 "$here/make_sd_image.py" "$tmp/sd.img" || exit 1
    set -- "$@" -drive "file=$tmp/sd.img,if=sd,format=raw"
fi
BOARD=xilinx-zynq-a9 sh "$here/../firmware/check_qemu.sh" "$qemu" "$elf" "$expected" "$status" "$@"
exit $?
