#!/bin/sh
# check_fw.sh BRASSBOARD BOARD ELF EXPECTED STATUS MAX_INSNS [--sd] [OPTIONS...]
# Runs a Zynq test firmware on BOARD (zynq-7000 or a .dts) through the foundation's
# tests/firmware/check_fw.sh: the native JIT, the IR interpreter and the native JIT again
# must each print exactly the EXPECTED file on the console (UART1), exit with STATUS and
# retire the same number of instructions. --sd makes the SD card image of the sd_read test
# (make_sd_image.py, in a temporary folder) and inserts it: with --sd FILE for a built-in
# board, in a tree that includes BOARD for a board file (SDIO0's brassboard,sd-image);
# further OPTIONS go to every run.
bb=$1 board=$2 elf=$3 expected=$4 status=$5 max_insns=$6
shift 6
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if [ "$1" = --sd ]; then
    shift
    python3 "$here/make_sd_image.py" "$tmp/sd.img" || exit 1
    if [ -f "$board" ]; then
        # A board file: a tree that includes it and puts the card in SDIO0's slot.
        printf '/include/ "%s"\n&sdhci0 {\n\tbrassboard,sd-image = "%s";\n};\n' \
            "$board" "$tmp/sd.img" >"$tmp/board.dts"
        board=$tmp/board.dts
    else
        set -- --sd "$tmp/sd.img" "$@"
    fi
fi
BOARD=$board sh "$here/../firmware/check_fw.sh" "$bb" "$elf" "$expected" "$status" \
    "$max_insns" "$@"
exit $?
