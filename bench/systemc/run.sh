#!/bin/sh
# run.sh BUILD: the SystemC co-simulation figures (issue 8), as Markdown on stdout.
#  1. Routed transactions per second: reads.c (4,000,000 accesses of a TLM memory) with
#     b_transport called directly, from an SC_THREAD, and through DMI, in both modes;
#     the same loop on RAM gives the loop's own cost.
#  2. The quantum against speed and interrupt timing: quantum.c (100 M instructions while
#     the TLM timer interrupts every 50 us) for quanta from 100 ns to 1 ms, and lookahead.
# Each figure is the best wall time of BENCH_RUNS runs (default 3). The firmware is built
# here from bench/systemc/*.c on the test firmware's runtime (cosim/systemc/tests/fw).
set -e
build=${1:?usage: bench/systemc/run.sh BUILD}
runs=${BENCH_RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
fw=$here/../../cosim/systemc/tests
bb=$build/brassboard
board=$build/cosim/systemc/bb_systemc_board
lib=$build/cosim/systemc/libbb_systemc_examples.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1

compile() { # NAME SOURCE [FLAGS]
    arm-none-eabi-gcc -mcpu=arm926ej-s -marm -mfloat-abi=soft -O2 -std=gnu11 -ffreestanding \
        -nostdlib -I"$fw" -T "$fw/fw/fw.ld" -o "$tmp/$1.elf" "$here/$2" "$fw/fw/start.S" \
        "$fw/fw/runtime.c" -lgcc $3
}
compile reads reads.c
compile reads_ram reads.c -DIN_RAM
compile quantum quantum.c

# measure COMMAND...: the best of $runs runs; sets wall (ms), insns and the last stdout.
measure() {
    wall=
    for i in $(seq "$runs"); do
        "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || { echo "failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
        w=$(sed -n 's/^stats: .*wall_ms=\([0-9.]*\).*/\1/p' "$tmp/err")
        insns=$(sed -n 's/^stats: insns=\([0-9]*\).*/\1/p' "$tmp/err")
        if [ -z "$wall" ] || [ "$(echo "$w < $wall" | bc)" = 1 ]; then wall=$w; fi
    done
}
info() { sed -n "s/.* $1=\([0-9]*\).*/\1/p; s/^info: $1=\([0-9]*\).*/\1/p" "$tmp/out" | head -n 1; }
route() { echo "0x30000000+0x10000=systemc:$lib?model=memory$1"; }
timer() { echo "0x30100000+0x1000=systemc:$lib?model=timer&irq=18$1"; }

echo "## Routed transactions per second"
echo
echo "4,000,000 word accesses (half reads, half writes) of the example TLM memory; the"
echo "per-access cost is the wall time less the same loop on RAM, over 4,000,000."
echo
echo "| mode | path | wall ms | accesses/s | ns per access |"
echo "|---|---|---:|---:|---:|"
measure "$bb" run --board versatilepb "$tmp/reads_ram.elf" --stats
base=$wall
echo "| (RAM, no route) | - | $base | - | - |"
row() { # MODE PATH COMMAND...
    mode=$1 path=$2
    shift 2
    measure "$@"
    echo "$mode $path $wall $base" | awk '{ n = 4000000; d = $3 - $4; if (d <= 0) d = 0.001;
        printf "| %s | %s | %.1f | %.2e | %.0f |\n", $1, $2, $3, n / ($3 / 1000), d * 1e6 / n }' |
        sed 's/_/ /g'
}
row systemc:_transport b_transport "$bb" run --board versatilepb "$tmp/reads.elf" --stats --route "$(route '&no-dmi')"
row systemc:_transport b_transport_in_SC_THREAD "$bb" run --board versatilepb "$tmp/reads.elf" --stats --route "$(route '&no-dmi&thread')"
row systemc:_transport DMI "$bb" run --board versatilepb "$tmp/reads.elf" --stats --route "$(route '')"
row brassboard::board b_transport "$board" "$tmp/reads.elf" --stats --no-dmi
row brassboard::board DMI "$board" "$tmp/reads.elf" --stats

echo
echo "## The quantum: speed and interrupt timing"
echo
echo "About 100 M guest instructions (1 ns each) while the TLM timer interrupts every 50 us;"
echo "late = guest time the handler saw the interrupt minus the model's deadline (it"
echo "includes about 15 ns of handler entry)."
echo
echo "| quantum | mode | wall ms | guest MIPS | interrupts | mean late ns | max late ns |"
echo "|---|---|---:|---:|---:|---:|---:|"
qrow() { # QUANTUM MODE COMMAND...
    q=$1 mode=$2
    shift 2
    measure "$@"
    echo "| $q | $mode | $wall | $(echo "$insns $wall" | awk '{ printf "%.0f", $1 / ($2 * 1000) }') | $(info irqs) | $(info mean_late_ns) | $(info max_late_ns) |"
}
qrow "-" "(no route: no SystemC)" "$bb" run --board versatilepb "$tmp/quantum.elf" --stats
for q in 100ns 1us 10us 100us 1ms; do
    ns=$(echo "$q" | sed 's/ns$//; s/us$/000/; s/ms$/000000/')
    qrow "$q" "systemc: transport" "$bb" run --board versatilepb "$tmp/quantum.elf" --stats --route "$(timer "&quantum=$q")"
    qrow "$q" "brassboard::board" "$board" "$tmp/quantum.elf" --stats --quantum "$ns"
done
qrow "1ms + lookahead" "systemc: transport" "$bb" run --board versatilepb "$tmp/quantum.elf" --stats --route "$(timer "&quantum=1ms&lookahead")"
qrow "1ms + lookahead" "brassboard::board" "$board" "$tmp/quantum.elf" --stats --quantum 1000000 --lookahead
