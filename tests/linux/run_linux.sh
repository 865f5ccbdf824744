#!/bin/sh
# run_linux.sh BRASSBOARD CACHE SMP WORKDIR [MAX_INSNS]: boots Debian's armhf kernel on
# vexpress-a9 with its own vexpress-v2p-ca9.dtb and an initramfs around busybox
# (init.sh), with an SD card image, a virtio disk, a virtio console and user-mode
# networking, on SMP CPUs; checks the markers init.sh prints, what it wrote to the disk
# images and the virtio console, and that `poweroff -f` ended the run with status 0.
# CACHE is what fetch.sh prepared. The boot's wall time is printed (from --stats).
set -u
BB=$1 CACHE=$2 SMP=$3 WORK=$4 MAX_INSNS=${5:-20000000000}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"
fail() {
    echo "FAIL (smp $SMP): $*"
    echo "--- console (last 40 lines) ---"; tail -n 40 "$WORK/console.txt" 2>/dev/null
    echo "--- stderr (last 20 lines) ---"; tail -n 20 "$WORK/stderr.txt" 2>/dev/null
    exit 1
}
[ -f "$CACHE/ready" ] || fail "$CACHE has no kernel: run fetch.sh first"

# The initramfs: busybox, /init, the modules of the devices under test.
M=$CACHE/modules/kernel/drivers
set -- dir:bin dir:sbin dir:dev dir:proc dir:sys dir:tmp dir:etc dir:lib dir:lib/modules \
    cdev:dev/console=5,1 file:bin/busybox="$CACHE/busybox" link:bin/sh=busybox \
    file:init="$HERE/init.sh"
n=0
for ko in net/phy/libphy net/phy/smsc net/ethernet/smsc/smsc911x mmc/host/armmmci \
          virtio/virtio_mmio block/virtio_blk char/virtio_console; do
    n=$((n + 1))
    [ -f "$M/$ko.ko" ] || fail "module $ko.ko missing from the kernel package"
    set -- "$@" "file:lib/modules/0$n-$(basename "$ko").ko=$M/$ko.ko:644"
done
python3 "$HERE/mkinitramfs.py" "$WORK/initramfs.cpio.gz" "$@" || fail "cannot build the initramfs"

# Media: a marker in sector 0 of each image.
make_image() {
    python3 -c "import sys; open(sys.argv[1], 'wb').write(sys.argv[2].encode().ljust(512, b'\0') + bytes(1024 * 1024 - 512))" "$1" "$2"
}
make_image "$WORK/sd.img" "BRASSBOARD-SD-MK"
make_image "$WORK/disk.img" "BRASSBOARD-VD-MK"
rm -f "$WORK/hvc.txt"

"$BB" run --board vexpress-a9 --smp "$SMP" --memory 256M \
    --kernel "$CACHE/vmlinuz" --dtb "$CACHE/vexpress-v2p-ca9.dtb" \
    --initrd "$WORK/initramfs.cpio.gz" --append "console=ttyAMA0 rdinit=/init panic=-1" \
    --sd "$WORK/sd.img" --drive "$WORK/disk.img" --virtio-console "file:$WORK/hvc.txt" \
    --net user --max-insns "$MAX_INSNS" --stats >"$WORK/console.txt" 2>"$WORK/stderr.txt"
status=$?
[ $status -eq 0 ] || fail "brassboard exited with status $status (3: instruction limit reached)"

tr -d '\r' <"$WORK/console.txt" >"$WORK/console.clean"
expect() {
    grep -q -- "$1" "$WORK/console.clean" || fail "no '$1' in the console output"
}
expect "BB: init started"
expect "BB: kernel 6\.[0-9.]*-.*armmp armv7l"
expect "BB: cpus online $SMP\$"
expect "BB: arithmetic 42 BRASS BOARD"
expect "BB: modules loaded"
expect "BB: sd read BRASSBOARD-SD-MK"
expect "BB: sd reread SD-WRITTEN-BY-LINUX"
expect "BB: vda read BRASSBOARD-VD-MK"
expect "BB: hvc0 written"
expect "BB: dhcp inet addr:10.0.2.15"
expect "BB: ping 10.0.2.2 ok"
expect "BB: done"
grep -q "insmod.*failed" "$WORK/console.clean" && fail "a module did not load"
dd if="$WORK/sd.img" bs=512 skip=1 count=1 2>/dev/null | grep -q SD-WRITTEN-BY-LINUX ||
    fail "the SD card image does not hold what Linux wrote"
dd if="$WORK/disk.img" bs=512 skip=1 count=1 2>/dev/null | grep -q VDA-WRITTEN-BY-LINUX ||
    fail "the virtio disk image does not hold what Linux wrote"
grep -q "hello from hvc0" "$WORK/hvc.txt" 2>/dev/null || fail "nothing from Linux on the virtio console"
stats=$(grep '^stats:' "$WORK/stderr.txt")
echo "ok: Linux booted on $SMP CPU(s), ran the commands and powered off ($stats)"
