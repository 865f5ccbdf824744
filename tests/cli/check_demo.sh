#!/bin/sh
# The README's demo: runs on the default board, prints its greeting, exits 0, on both backends.
bb=$1 demo=$2
for jit in native interp; do
    out=$(timeout 60 "$bb" run --board versatilepb "$demo" --jit $jit)
    status=$?
    [ "$status" = 0 ] || { echo "FAIL ($jit): exit status $status"; exit 1; }
    printf '%s\n' "$out" | grep -q "^Brassboard demo on the Versatile PB" || { echo "FAIL ($jit): output: $out"; exit 1; }
    printf '%s\n' "$out" | grep -q "^Fibonacci: 0 1 1 2 3 5 8 13 21 34 55 89 144 233 377 610 987 1597 2584 4181$" || { echo "FAIL ($jit): output: $out"; exit 1; }
done
echo ok
