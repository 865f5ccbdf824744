#!/bin/sh
# bench/linux/run.sh [BUILD_DIR]: the Linux boot figure of the Cortex-A9 issue. Boots
# Debian 12's armmp kernel with its vexpress-v2p-ca9.dtb and a busybox initramfs (init.sh
# here: a few commands, then poweroff -f) to power-off, under brassboard and
# qemu-system-arm -M vexpress-a9, with one and two CPUs, engines taking turns; prints the
# best wall time and CPU time of each and the ratios.
#
# It needs the packages the Linux boot test fetched into BUILD_DIR/tests/linux/debian-armhf
# (`ctest --test-dir BUILD_DIR -R linux.fetch`), or BENCH_LINUX_CACHE=DIR.
# Environment: BENCH_RUNS=N (default 3), BENCH_SMP="1 2" (default).
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" 2>/dev/null && pwd) || {
    echo "bench/linux/run.sh: no build directory ${1:-}" >&2
    exit 2
}
cache=${BENCH_LINUX_CACHE:-$build/tests/linux/debian-armhf}
if [ ! -f "$cache/ready" ]; then
    echo "bench/linux/run.sh: no kernel in $cache: run fetch.sh (ctest -R linux.fetch) first" >&2
    exit 2
fi
timer=$build/bench/bench_timer
[ -x "$timer" ] || { echo "bench/linux/run.sh: $timer missing: build $build first" >&2; exit 2; }
runs=${BENCH_RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 "$here/../../tests/linux/mkinitramfs.py" "$work/initramfs.cpio.gz" \
    dir:bin dir:sbin dir:dev dir:proc dir:sys dir:tmp cdev:dev/console=5,1 \
    file:bin/busybox="$cache/busybox" link:bin/sh=busybox file:init="$here/init.sh" || exit 1
kernel="$cache/vmlinuz" dtb="$cache/vexpress-v2p-ca9.dtb" initrd="$work/initramfs.cpio.gz"
append="console=ttyAMA0 rdinit=/init panic=-1 quiet"

# run ENGINE SMP: one timed boot; prints "wall cpu" (seconds) or "fail".
run() {
    engine=$1 smp=$2
    if [ "$engine" = brassboard ]; then
        set -- "$build/brassboard" run --board vexpress-a9 --smp "$smp" --memory 256M \
            --kernel "$kernel" --dtb "$dtb" --initrd "$initrd" --append "$append" \
            --max-insns 20000000000
    else
        set -- qemu-system-arm -M vexpress-a9 -smp "$smp" -m 256M -nographic \
            -audiodev none,id=snd0 -kernel "$kernel" -dtb "$dtb" -initrd "$initrd" \
            -append "$append" -no-reboot
    fi
    "$timer" "$work/t" "$@" >"$work/out" 2>"$work/err" </dev/null
    status=$?
    if [ $status -ne 0 ] || ! grep -q "BENCH: poweroff" "$work/out"; then
        echo fail
        return
    fi
    python3 -c "import sys; d = dict(i.split('=') for i in open(sys.argv[1]).read().split());
print(int(d['wall_us']) / 1e6, int(d['cpu_us']) / 1e6)" "$work/t"
}

failed=0
for smp in ${BENCH_SMP:-1 2}; do
    bb_wall=999999 bb_cpu=999999 q_wall=999999 q_cpu=999999
    i=0
    while [ $i -lt "$runs" ]; do
        for engine in brassboard qemu; do
            r=$(run $engine "$smp")
            if [ "$r" = fail ]; then
                echo "smp $smp: $engine failed; its output:"
                tail -n 5 "$work/out" "$work/err"
                failed=1
                continue
            fi
            set -- $r
            if [ $engine = brassboard ]; then
                bb_wall=$(python3 -c "print(min($bb_wall, $1))")
                bb_cpu=$(python3 -c "print(min($bb_cpu, $2))")
            else
                q_wall=$(python3 -c "print(min($q_wall, $1))")
                q_cpu=$(python3 -c "print(min($q_cpu, $2))")
            fi
        done
        i=$((i + 1))
    done
    python3 - "$smp" "$bb_wall" "$bb_cpu" "$q_wall" "$q_cpu" <<'PY'
import sys
smp, bw, bc, qw, qc = sys.argv[1], *map(float, sys.argv[2:])
print(f"linux boot smp{smp}: brassboard {bw:.2f} s wall {bc:.2f} s cpu | "
      f"qemu-system-arm {qw:.2f} s wall {qc:.2f} s cpu | "
      f"ratio wall {bw / qw:.2f} cpu {bc / qc:.2f}")
PY
done
exit $failed
