#!/bin/sh
# bench/zynq/run.sh [BUILD_DIR]: the foundation's speed benchmark (bench/firmware/kernels.c)
# built for the Zynq-7000 (Cortex-A9, console on the Cadence UART1: bench/firmware's start.S
# with -DBENCH_SET_VBAR and firmware_main.c; console_cadence.c and bench_zynq.ld here), run
# under `brassboard run --board zynq-7000` and under
# `qemu-system-arm -M xilinx-zynq-a9` in the same script. Prints, for the ARM and the Thumb-2
# build, the best wall and CPU time of BENCH_RUNS runs per engine (default 3; the engines
# take turns run by run), guest MIPS and the brassboard/QEMU ratios (the issue's bar: no
# slower than QEMU, a wall ratio of 1.0 or less). Every run's output must equal the
# checksums of the native build, or the engine is reported as failed.
#
# It compiles the two images here (arm-none-eabi-gcc, scale 100: about 4 s of QEMU) into
# BUILD/bench/zynq/; the rest comes from the normal build (brassboard, bench/expected_100,
# bench_timer): cmake --build BUILD first. BENCH_SCALE=1 gives a quick check instead.
# Exit status: 0 if every engine printed the right checksums, 1 otherwise, 2 on bad input.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" 2>/dev/null && pwd) || {
    echo "bench/zynq/run.sh: no build directory ${1:-$here/../../build}" >&2
    exit 2
}
scale=${BENCH_SCALE:-100}
runs=${BENCH_RUNS:-3}
bb=$build/brassboard
timer=$build/bench/bench_timer
expected_dir=$build/bench/expected_$scale
out=$build/bench/zynq
for need in "$bb" "$timer" "$expected_dir/output.txt"; do
    if [ ! -e "$need" ]; then
        echo "bench/zynq/run.sh: $need is missing: build $build first (scale 1 or 100)" >&2
        exit 2
    fi
done
command -v arm-none-eabi-gcc >/dev/null 2>&1 || { echo "bench/zynq/run.sh: arm-none-eabi-gcc is missing" >&2; exit 2; }
mkdir -p "$out/results"

for isa in arm thumb; do
    arm-none-eabi-gcc -mcpu=cortex-a9 -m$isa -O2 -fno-tree-loop-distribute-patterns \
        -mno-unaligned-access -Wall -Wextra -Werror -g -ffreestanding -nostdlib -nostartfiles \
        -DBENCH_SCALE="$scale" -DBENCH_SET_VBAR -I"$expected_dir" -I"$here/../firmware" \
        -T "$here/bench_zynq.ld" -o "$out/bench_zynq_$isa.elf" "$here/../firmware/start.S" \
        "$here/../firmware/firmware_main.c" "$here/console_cadence.c" \
        "$here/../firmware/kernels.c" -lgcc || exit 2
done

have_qemu=1
command -v qemu-system-arm >/dev/null 2>&1 || have_qemu=0
failed=0

# measure LABEL -- COMMAND...: one timed run (measure.py's key=value line).
measure() {
    label=$1
    shift
    python3 "$here/../measure.py" --timer "$timer" --runs 1 --expect "$expected_dir/output.txt" \
        --keep "$out/results/$label" "$@"
}

field() {
    printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

ok() {
    [ "$(field status "$1")" = 0 ] && [ "$(field output "$1")" = ok ]
}

# best OLD NEW: the run with the smaller wall time (CPU time: the smaller too), keeping a
# failure once seen.
best() {
    if [ -z "$1" ]; then echo "$2"; return; fi
    if ! ok "$1"; then echo "$1"; return; fi
    if ! ok "$2"; then echo "$2"; return; fi
    printf '%s\n%s\n' "$1" "$2" | awk '
        { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[NR, kv[1]] = kv[2] } }
        END {
            w = f[1, "wall_ms"] + 0 < f[2, "wall_ms"] + 0 ? f[1, "wall_ms"] : f[2, "wall_ms"]
            c = f[1, "cpu_ms"] + 0 < f[2, "cpu_ms"] + 0 ? f[1, "cpu_ms"] : f[2, "cpu_ms"]
            printf "wall_ms=%s cpu_ms=%s rss_kib=%s status=0 output=ok insns=%s\n", w, c,
                f[2, "rss_kib"], f[1, "insns"] != "-" ? f[1, "insns"] : f[2, "insns"]
        }'
}

echo "Zynq-7000 benchmark (bench/zynq/run.sh), build $build"
echo "kernels of bench/firmware at scale $scale, best of $runs runs, $(nproc) host CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$have_qemu" = 1 ] && echo "reference: $(qemu-system-arm --version | head -1) -M xilinx-zynq-a9"
echo

for isa in arm thumb; do
    elf=$out/bench_zynq_$isa.elf
    bb_line='' qemu_line=''
    round=0
    while [ "$round" -lt "$runs" ]; do
        bb_line=$(best "$bb_line" "$(measure "bb_$isa" -- "$bb" run --board zynq-7000 "$elf" --stats)")
        if [ "$have_qemu" = 1 ]; then
            qemu_line=$(best "$qemu_line" "$(measure "qemu_$isa" -- qemu-system-arm -M xilinx-zynq-a9 \
                -display none -monitor none -serial null -serial stdio -semihosting -kernel "$elf")")
        fi
        round=$((round + 1))
    done
    insns=$(field insns "$bb_line")
    echo "bench_zynq_$isa.elf ($( [ "$isa" = arm ] && echo ARM || echo Thumb-2 )): ${insns:--} guest instructions (brassboard --stats)"
    printf '  %-24s %8s %8s %7s  %s\n' engine "wall s" "CPU s" "MIPS" result
    for engine in brassboard qemu; do
        if [ "$engine" = brassboard ]; then line=$bb_line label="brassboard (native JIT)"; else line=$qemu_line label="qemu-system-arm"; fi
        [ -z "$line" ] && { printf '  %-24s %8s %8s %7s  %s\n' "$label" - - - "not installed"; continue; }
        if ok "$line"; then
            printf '%s\n' "$line" | awk -v label="$label" -v insns="${insns:-0}" '
                { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
                END {
                    w = f["wall_ms"] / 1000
                    mips = (insns > 0 && w > 0) ? sprintf("%.0f", insns / w / 1e6) : "-"
                    printf "  %-24s %8.3f %8.3f %7s  ok\n", label, w, f["cpu_ms"] / 1000, mips
                }'
        else
            failed=1
            printf '  %-24s %8s %8s %7s  FAIL: exit %s, output %s (see %s)\n' "$label" - - - \
                "$(field status "$line")" "$(field output "$line")" "$out/results"
        fi
    done
    if [ -n "$qemu_line" ] && ok "$bb_line" && ok "$qemu_line"; then
        awk -v bw="$(field wall_ms "$bb_line")" -v qw="$(field wall_ms "$qemu_line")" \
            -v bc="$(field cpu_ms "$bb_line")" -v qc="$(field cpu_ms "$qemu_line")" 'BEGIN {
            r = bw / qw
            c = qc > 0 ? bc / qc : 0
            verdict = r <= 1.0 ? "meets the bar" : "MISSES the bar"
            printf "  brassboard/QEMU: wall %.2f, CPU %.2f (bar: 1.0, no slower than QEMU): %s\n",
                r, c, verdict
        }'
    fi
    echo
done

[ "$failed" = 0 ] || { echo "some engine failed: outputs of the last runs are in $out/results/"; exit 1; }
exit 0
