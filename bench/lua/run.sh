#!/bin/sh
# run.sh BUILD: the Lua hook figures (issue 6): bench_hooks.lua on the benchmark firmware
# (BUILD/bench/bench_arm.elf, and its hash kernel alone), as Markdown on stdout. Each
# figure is the best CPU time of BENCH_RUNS runs (default 3).
set -e
build=${1:?usage: bench/lua/run.sh BUILD}
runs=${BENCH_RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
for image in "$build/bench/bench_arm.elf" "$build/bench/bench_arm_hash.elf"; do
    [ -f "$image" ] || { echo "run.sh: $image is missing (build $build first)" >&2; exit 2; }
    echo "## $(basename "$image")"
    echo
    "$build/brassboard" test "$here/bench_hooks.lua" -- image="$image" runs="$runs" |
        sed -n 's/^# \{0,1\}//p'
    echo
done
