#!/bin/sh
# check_bench_smoke.sh BRASSBOARD DIR EXPECTED: zynq.bench.smoke. bench/zynq's firmware at
# scale 1 (DIR/bench_zynq_smoke_{arm,thumb}.elf) runs once each under
# `brassboard run --board zynq-7000`: the exit status must be 0 and the console must show
# EXPECTED, the checksums of bench/'s native build. Not timed.
bb=$1 dir=$2 expected=$3
for isa in arm thumb; do
    out=$(timeout 120 "$bb" run --board zynq-7000 "$dir/bench_zynq_smoke_$isa.elf" </dev/null)
    status=$?
    if [ "$status" != 0 ] || [ "$out" != "$(cat "$expected")" ]; then
        echo "FAIL ($isa): exit status $status; output against $expected:"
        printf '%s\n' "$out" | diff "$expected" - | head -20
        exit 1
    fi
done
echo ok
