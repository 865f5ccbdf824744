#!/bin/sh
# bench/run.sh [BUILD_DIR]: the speed benchmark of the foundation issue. Runs the benchmark
# firmware under brassboard (native JIT and --jit interp), under qemu-system-arm and as a
# native build of the same C, checks every engine's checksums, and prints wall times, guest
# MIPS and ratios; then the start-up time and peak memory of a firmware that exits at once.
#
# It builds nothing: the normal build makes everything it runs, so first
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build
# BUILD_DIR defaults to ./build next to bench/.
#
# Environment:
#   BENCH_RUNS=N      timed runs per engine, best one counts (default 3; --jit interp: 1)
#   BENCH_INTERP=0    skip the --jit interp run (the slowest part)
#   BENCH_KERNELS=1   also time each kernel alone (one firmware per kernel)
#   BENCH_PERF=1      BENCH_KERNELS, plus profiling hints: translated blocks and their
#                     average length (--log exec), and `perf stat` software counters
#   BENCH_COUNT=1     check brassboard's instruction count (the base of guest MIPS) against
#                     QEMU's on the smoke firmware, counted from QEMU's exec log (~1 min)
# Exit status: 0 if every engine printed the right checksums, 1 otherwise. Speed is reported,
# not enforced.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" 2>/dev/null && pwd) || {
    echo "run.sh: no build directory ${1:-$here/../build}" >&2
    exit 2
}
dir=$build/bench
if [ ! -f "$dir/bench_config.sh" ] || [ ! -x "$dir/bench_timer" ]; then
    echo "run.sh: $dir is not built: run cmake --build $build first" >&2
    exit 2
fi
bench_scale='' bench_kernels=''
# shellcheck disable=SC1091
. "$dir/bench_config.sh"

runs=${BENCH_RUNS:-3}
bb=$build/brassboard
expected=$dir/expected_$bench_scale/output.txt
results=$dir/results
rm -rf "$results"
mkdir -p "$results"
qemu_cmd="qemu-system-arm -M versatilepb -m 128M -nographic -audiodev none,id=snd0
          -global pl041.audiodev=snd0 -semihosting -kernel"
failed=0

# measure LABEL MEASURE_OPTIONS... -- COMMAND...: prints measure.py's key=value line and
# keeps the last run's output in $results/LABEL.
measure() {
    label=$1
    shift
    python3 "$here/measure.py" --timer "$dir/bench_timer" --keep "$results/$label" "$@"
}

# again PREVIOUS LABEL MEASURE_OPTIONS... -- COMMAND...: one more timed run of an engine,
# combined with the previous ones (best wall time, peak memory, last status and count). The
# engines take turns round by round, so a change in the machine's load hits them all alike.
# An engine that failed is not run again.
again() {
    previous=$1
    shift
    if [ -n "$previous" ] && [ "$(verdict "$previous")" != ok ]; then
        echo "$previous"
        return
    fi
    label=$1
    shift
    next=$(measure "$label" --runs 1 "$@")
    [ -z "$previous" ] && { echo "$next"; return; }
    printf '%s\n%s\n' "$previous" "$next" | awk '
        { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[NR, kv[1]] = kv[2] } }
        END {
            wall = f[1, "wall_ms"] + 0 < f[2, "wall_ms"] + 0 ? f[1, "wall_ms"] : f[2, "wall_ms"]
            cpu = f[1, "cpu_ms"] + 0 < f[2, "cpu_ms"] + 0 ? f[1, "cpu_ms"] : f[2, "cpu_ms"]
            rss = f[1, "rss_kib"] + 0 > f[2, "rss_kib"] + 0 ? f[1, "rss_kib"] : f[2, "rss_kib"]
            printf "wall_ms=%s cpu_ms=%s rss_kib=%s status=%s output=%s insns=%s\n", wall, cpu,
                rss, f[2, "status"], f[2, "output"], f[2, "insns"]
        }'
}

# field NAME LINE: one value of a key=value line.
field() {
    printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# verdict LINE: "ok", or what went wrong.
verdict() {
    status=$(field status "$1")
    output=$(field output "$1")
    if [ "$status" != 0 ]; then
        echo "FAIL: exit $status"
    elif [ "$output" = wrong ]; then
        echo "FAIL: wrong checksums"
    else
        echo ok
    fi
}

# row LABEL LINE INSNS QEMU_WALL QEMU_CPU NATIVE_WALL: one table row.
row() {
    v=$(verdict "$2")
    [ "$v" = ok ] || failed=1
    printf '%s\n' "$2" | awk -v label="$1" -v insns="$3" -v qemu="$4" -v qemu_cpu="$5" \
        -v native="$6" -v verdict="$v" '
        {
            for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
            wall = f["wall_ms"] / 1000
            cpu = f["cpu_ms"] / 1000
            if (verdict != "ok") {
                printf "  %-28s %8s %8s %7s %7s %7s %7s  %s\n", label, "-", "-", "-", "-", "-",
                    "-", verdict
                exit
            }
            mips = insns > 0 ? sprintf("%.0f", insns / wall / 1e6) : "-"
            vq = qemu > 0 ? sprintf("%.2f", wall / qemu) : "-"
            vqc = qemu_cpu > 0 ? sprintf("%.2f", cpu / qemu_cpu) : "-"
            vn = native > 0 ? sprintf("%.2f", wall / native) : "-"
            printf "  %-28s %8.3f %8.3f %7s %7s %7s %7s  %s\n", label, wall, cpu, mips, vq, vqc,
                vn, verdict
        }'
}

# wall_s LINE [cpu_ms]: the wall (or CPU) time in seconds if the run succeeded, else 0.
wall_s() {
    if [ "$(verdict "$1")" = ok ]; then
        field "${2:-wall_ms}" "$1" | awk '{ print $1 / 1000 }'
    else
        echo 0
    fi
}

header() {
    printf '  %-28s %8s %8s %7s %7s %7s %7s\n' "" wall "CPU" guest "vs QEMU" "vs QEMU" \
        "vs"
    printf '  %-28s %8s %8s %7s %7s %7s %7s  %s\n' engine "s" "s" MIPS wall CPU native result
}

have_qemu=1
command -v qemu-system-arm >/dev/null 2>&1 || have_qemu=0
missing='wall_ms=0 cpu_ms=0 rss_kib=0 status=not-installed output=unchecked insns=-'

echo "Brassboard speed benchmark (bench/run.sh), build $build"
echo "firmware scale $bench_scale, best of $runs runs, $(nproc) host CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$have_qemu" = 1 ] && echo "reference: $(qemu-system-arm --version | head -1)"
echo

# ---- the full benchmark, ARM and Thumb ----
for isa in arm thumb; do
    elf=$dir/bench_$isa.elf
    jit='' interp='' qemu=$missing native=''
    [ "$have_qemu" = 1 ] && qemu=''
    round=0
    while [ "$round" -lt "$runs" ]; do
        jit=$(again "$jit" "bb_$isa" --expect "$expected" -- "$bb" run --board versatilepb "$elf" --stats)
        if [ "$round" = 0 ] && [ "$isa" = arm ] && [ "${BENCH_INTERP:-1}" != 0 ]; then
            interp=$(again "" "bb_interp_$isa" --expect "$expected" -- "$bb" run --board versatilepb "$elf" --jit interp --stats)
        fi
        # shellcheck disable=SC2086
        [ "$have_qemu" = 1 ] && qemu=$(again "$qemu" "qemu_$isa" --expect "$expected" -- $qemu_cmd "$elf")
        [ "$isa" = arm ] && native=$(again "$native" native --expect "$expected" -- "$dir/bench_native")
        round=$((round + 1))
    done

    insns=$(field insns "$jit")
    [ "$insns" = - ] && [ -n "$interp" ] && insns=$(field insns "$interp")
    [ "$insns" = - ] && insns=0
    qemu_wall=$(wall_s "$qemu")
    qemu_cpu=$(wall_s "$qemu" cpu_ms)
    native_wall=0
    [ -n "$native" ] && native_wall=$(wall_s "$native")

    if [ "$insns" = 0 ]; then
        echo "bench_$isa.elf: guest instruction count unknown (no brassboard run finished)"
    else
        echo "bench_$isa.elf: $insns guest instructions (brassboard --stats)"
    fi
    header
    row "brassboard (native JIT)" "$jit" "$insns" "$qemu_wall" "$qemu_cpu" "$native_wall"
    [ -n "$interp" ] && row "brassboard (--jit interp, 1x)" "$interp" "$insns" "$qemu_wall" "$qemu_cpu" "$native_wall"
    row "qemu-system-arm" "$qemu" "$insns" "$qemu_wall" "$qemu_cpu" "$native_wall"
    [ -n "$native" ] && row "native (gcc -O2, x86-64)" "$native" "$insns" "$qemu_wall" "$qemu_cpu" "$native_wall"
    if [ -n "$interp" ] && [ "$(field insns "$jit")" != - ] && [ "$(field insns "$interp")" != - ] &&
        [ "$(field insns "$jit")" != "$(field insns "$interp")" ]; then
        echo "  WARNING: instruction counts differ: native JIT $(field insns "$jit"), interp $(field insns "$interp")"
    fi
    if [ "$(verdict "$jit")" = ok ] && [ "$qemu_wall" != 0 ]; then
        awk -v b="$(wall_s "$jit")" -v q="$qemu_wall" -v bc="$(wall_s "$jit" cpu_ms)" \
            -v qc="$qemu_cpu" 'BEGIN {
            r = b / q
            printf "  brassboard/QEMU wall %.2f: %s (bar 1.5, goal 0.67); CPU time %.2f\n", r,
                r <= 0.67 ? "meets the goal" : (r <= 1.5 ? "meets the bar" : "MISSES the bar"),
                (qc > 0) ? bc / qc : 0
        }'
    fi
    [ -n "$native" ] && [ "$qemu_wall" != 0 ] && [ "$native_wall" != 0 ] &&
        awk -v q="$qemu_wall" -v n="$native_wall" 'BEGIN {
            printf "  QEMU/native wall %.2f\n", q / n }'
    echo
done

# ---- start-up: a firmware that exits at once ----
startup_runs=$((runs * 3))
echo "exit_now.elf: start to exit, best of $startup_runs runs; peak resident memory"
printf '  %-28s %9s %10s  %s\n' engine "wall ms" "peak MiB" "bars: < 20 ms, < 15 MiB"
startup_row() {
    v=$(verdict "$2")
    [ "$v" = ok ] || failed=1
    printf '%s\n' "$2" | awk -v label="$1" -v verdict="$v" -v judge="$3" '
        {
            for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
            if (verdict != "ok") {
                printf "  %-28s %9s %10s  %s\n", label, "-", "-", verdict
                exit
            }
            mib = f["rss_kib"] / 1024
            note = ""
            if (judge)
                note = (f["wall_ms"] < 20 ? "time ok" : "time MISSES") ", " \
                       (mib < 15 ? "memory ok" : "memory MISSES")
            printf "  %-28s %9.1f %10.1f  %s\n", label, f["wall_ms"], mib, note
        }'
}
startup_row "brassboard (native JIT)" "$(measure exit_bb --runs "$startup_runs" -- "$bb" run --board versatilepb "$dir/exit_now.elf")" 1
startup_row "brassboard (--jit interp)" "$(measure exit_bb_interp --runs "$startup_runs" -- "$bb" run --board versatilepb "$dir/exit_now.elf" --jit interp)" 1
if [ "$have_qemu" = 1 ]; then
    # shellcheck disable=SC2086
    startup_row "qemu-system-arm" "$(measure exit_qemu --runs "$startup_runs" -- $qemu_cmd "$dir/exit_now.elf")" 0
fi
echo

# ---- each kernel alone ----
if [ "${BENCH_KERNELS:-0}" = 1 ] || [ "${BENCH_PERF:-0}" = 1 ]; then
    echo "each kernel alone (bench_arm_<kernel>.elf; wall times include start-up)"
    printf '  %-10s %12s %12s %10s %8s %8s %12s %11s  %s\n' kernel "brassboard s" "qemu s" \
        "native s" "bb/QEMU" "(CPU)" "QEMU/native" "guest insns" result
    index=0
    for kernel in $bench_kernels; do
        elf=$dir/bench_arm_$kernel.elf
        want=$results/want_$kernel
        grep "^$kernel " "$expected" >"$want"
        echo "bench: ok" >>"$want"
        jit='' qemu=$missing native=''
        [ "$have_qemu" = 1 ] && qemu=''
        round=0
        while [ "$round" -lt "$runs" ]; do
            jit=$(again "$jit" "k_bb_$kernel" --contains "$want" -- "$bb" run --board versatilepb "$elf" --stats)
            # shellcheck disable=SC2086
            [ "$have_qemu" = 1 ] && qemu=$(again "$qemu" "k_qemu_$kernel" --contains "$want" -- $qemu_cmd "$elf")
            native=$(again "$native" "k_native_$kernel" --contains "$want" -- "$dir/bench_native" --only "$index")
            round=$((round + 1))
        done
        result=ok
        for line in "$jit" "$qemu" "$native"; do
            v=$(verdict "$line")
            [ "$v" = ok ] || { result=$v; failed=1; }
        done
        [ "$(verdict "$jit")" = ok ] || result="brassboard $(verdict "$jit")"
        awk -v k="$kernel" -v b="$(wall_s "$jit")" -v q="$(wall_s "$qemu")" \
            -v n="$(wall_s "$native")" -v i="$(field insns "$jit")" -v r="$result" \
            -v bc="$(wall_s "$jit" cpu_ms)" -v qc="$(wall_s "$qemu" cpu_ms)" 'BEGIN {
            bs = b > 0 ? sprintf("%.3f", b) : "-"
            qs = q > 0 ? sprintf("%.3f", q) : "-"
            ns = n > 0 ? sprintf("%.3f", n) : "-"
            bq = (b > 0 && q > 0) ? sprintf("%.2f", b / q) : "-"
            bqc = (bc > 0 && qc > 0) ? sprintf("%.2f", bc / qc) : "-"
            qn = (q > 0 && n > 0) ? sprintf("%.2f", q / n) : "-"
            printf "  %-10s %12s %12s %10s %8s %8s %12s %11s  %s\n", k, bs, qs, ns, bq, bqc, qn,
                i, r
        }'
        index=$((index + 1))
    done
    echo
fi

# ---- profiling hints ----
if [ "${BENCH_PERF:-0}" = 1 ]; then
    echo "profiling hints (bench_arm.elf, brassboard native JIT)"
    "$bb" run --board versatilepb "$dir/bench_arm.elf" --log exec >/dev/null 2>"$results/exec_log"
    awk '/translated block/ {
            n++
            if (match($0, /\(([0-9]+) insns\)/)) s += substr($0, RSTART + 1, RLENGTH - 8)
            key = $5 " " $6
            if (seen[key]++) again++
        }
        END {
            printf "  translated blocks: %d, average %.1f guest instructions each\n", n,
                n ? s / n : 0
            printf "  translations of a block already translated before: %d\n", again
        }' "$results/exec_log"
    awk '/translated block/ { print $5, $6 }' "$results/exec_log" | sort | uniq -c | sort -rn |
        awk '$1 > 2 { printf "    %s %s translated %d times\n", $2, $3, $1 }' | head -8
    if command -v perf >/dev/null 2>&1; then
        perf stat -e task-clock,page-faults,context-switches,cpu-migrations -o "$results/perf_stat" \
            "$bb" run --board versatilepb "$dir/bench_arm.elf" >/dev/null 2>&1
        grep -E 'task-clock|page-faults|context-switches|cpu-migrations|elapsed' \
            "$results/perf_stat" | sed 's/^ */  perf stat: /'
    else
        echo "  perf is not installed: no perf stat counters"
    fi
    echo "  (hardware counters are often unavailable in VMs; the per-kernel table above shows"
    echo "   which kernel is slow, and --log exec in $results/exec_log lists every block)"
    echo
fi

# ---- the instruction count, checked against QEMU's ----
# QEMU with -d in_asm,exec,nochain logs each block's instructions once and every execution
# of a block; their product summed is the number of instructions it executed.
if [ "${BENCH_COUNT:-0}" = 1 ] && [ "$have_qemu" = 1 ]; then
    for isa in arm thumb; do
        elf=$dir/bench_smoke_$isa.elf
        bb_count=$("$bb" run --board versatilepb "$elf" --stats 2>&1 >/dev/null |
            sed -n 's/^stats: insns=\([0-9]*\).*/\1/p')
        fifo=$results/qemu_exec_log
        rm -f "$fifo"
        mkfifo "$fifo"
        awk '/^IN:/ { n = 0; block = 1; next }
            block && /^0x[0-9a-f]+:/ { n++; next }
            /^Trace/ { if (block) { size[$3] = n; block = 0 } total += size[$3] }
            END { print total }' "$fifo" >"$results/qemu_count_$isa" &
        # shellcheck disable=SC2086
        $qemu_cmd "$elf" -d in_asm,exec,nochain -D "$fifo" </dev/null >/dev/null 2>&1
        wait
        rm -f "$fifo"
        qemu_count=$(cat "$results/qemu_count_$isa")
        awk -v e="bench_smoke_$isa.elf" -v b="${bb_count:-0}" -v q="$qemu_count" 'BEGIN {
            printf "instruction count of %s: brassboard %d, QEMU %d (ratio %.3f)%s\n", e, b, q,
                q ? b / q : 0, b == q ? "" : " - they differ: the guest MIPS above use brassboard'"'"'s count"
        }'
    done
    echo
fi

if [ "$failed" = 1 ]; then
    echo "some engine failed: outputs of the last runs are in $results/<engine>/"
    exit 1
fi
exit 0
