#!/bin/sh
# bench.smoke: the benchmark firmware at its smallest scale, ARM and Thumb, once each under
# brassboard: the exit status must be 0 and the checksums those of the native build. Not timed.
bb=$1 dir=$2 scale=$3
expected=$dir/expected_$scale/output.txt
for isa in arm thumb; do
    elf=$dir/bench_smoke_$isa.elf
    out=$(timeout 60 "$bb" run --board versatilepb "$elf")
    status=$?
    if [ "$status" != 0 ] || [ "$out" != "$(cat "$expected")" ]; then
        echo "FAIL ($isa): exit status $status; output against $expected:"
        printf '%s\n' "$out" | diff "$expected" - | head -20
        exit 1
    fi
done
echo ok
