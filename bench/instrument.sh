#!/bin/sh
# bench/instrument.sh [BUILD_DIR]: the cost of coverage and tracing (issue 5). Runs the
# benchmark firmware (bench_arm.elf, bench_thumb.elf) plain, with --coverage (the .bbcov
# data file, and an lcov report) and with the binary trace (--trace FILE.bbtrace), checks
# every run's checksums, and prints the best wall and CPU time of each, the slow-down
# against the plain run and the guest MIPS. Runs take turns round by round, as in run.sh.
#
# Environment: BENCH_RUNS=N rounds (default 3); BENCH_ISAS="arm thumb" (default both);
# BENCH_TRACE=0 skips the trace runs (a trace of the benchmark is about 1 GB, deleted after
# each run; TMPDIR says where it goes).
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" 2>/dev/null && pwd) || {
    echo "instrument.sh: no build directory ${1:-$here/../build}" >&2
    exit 2
}
dir=$build/bench
[ -x "$dir/bench_timer" ] || { echo "instrument.sh: $dir is not built" >&2; exit 2; }
bench_scale=''
# shellcheck disable=SC1091
. "$dir/bench_config.sh"
bb=$build/brassboard
expected=$dir/expected_$bench_scale/output.txt
runs=${BENCH_RUNS:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bb-instrument.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
failed=0

# one MODE ISA: one timed run; prints measure.py's key=value line.
one() {
    case $1 in
    plain) opts= ;;
    coverage) opts="--coverage $tmp/c.bbcov" ;;
    lcov) opts="--coverage $tmp/c.info" ;;
    trace) opts="--trace $tmp/t.bbtrace" ;;
    esac
    # shellcheck disable=SC2086
    python3 "$here/measure.py" --timer "$dir/bench_timer" --runs 1 --expect "$expected" -- \
        "$bb" run --board versatilepb "$dir/bench_$2.elf" --stats $opts
    rm -f "$tmp/t.bbtrace"
}

field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

modes="plain coverage lcov"
[ "${BENCH_TRACE:-1}" = 1 ] && modes="$modes trace"
for isa in ${BENCH_ISAS:-arm thumb}; do
    for mode in $modes; do eval "lines_$mode=''"; done
    round=0
    while [ $round -lt "$runs" ]; do
        for mode in $modes; do
            line=$(one "$mode" "$isa")
            [ "$(field output "$line")" = ok ] || { echo "instrument.sh: $isa $mode failed: $line"; failed=1; }
            eval "lines_$mode=\"\$lines_$mode
$line\""
        done
        round=$((round + 1))
    done
    echo "bench_$isa.elf (best of $runs; load average $(cut -d' ' -f1-3 /proc/loadavg)):"
    base_wall='' base_cpu=''
    for mode in $modes; do
        eval "lines=\$lines_$mode"
        # The best wall and CPU times of the mode's runs, and its instruction count.
        set -- $(printf '%s\n' "$lines" | awk '/wall_ms=/ {
            for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
            if (!w || f["wall_ms"] + 0 < w) w = f["wall_ms"] + 0
            if (!c || f["cpu_ms"] + 0 < c) c = f["cpu_ms"] + 0
            n = f["insns"] } END { print w, c, n }')
        wall=$1 cpu=$2 insns=$3
        [ -z "$base_wall" ] && base_wall=$wall base_cpu=$cpu
        awk -v m="$mode" -v w="$wall" -v c="$cpu" -v bw="$base_wall" -v bc="$base_cpu" -v n="$insns" 'BEGIN {
            printf "  %-9s wall %8.0f ms (%.2fx)  cpu %8.0f ms (%.2fx)  %6.0f MIPS wall, %6.0f MIPS cpu\n",
                m, w, w / bw, c, c / bc, n / w / 1000, n / c / 1000 }'
    done
done
exit $failed
