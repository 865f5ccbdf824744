#!/bin/sh
# fetch.sh CACHE: gets Debian 12's armhf kernel (the package linux-image-armmp depends on)
# and busybox-static with `apt-get download`, and unpacks into CACHE what the Linux boot
# test needs: vmlinuz, vexpress-v2p-ca9.dtb, busybox and the kernel modules.
#
# apt runs with its own state in CACHE/apt (the machine's sources list, the armhf
# architecture): nothing on the machine changes and no `dpkg --add-architecture` is
# needed. The index of a suite that fails to download (a mirror in sync) is skipped.
# A second run finds CACHE/ready and does nothing.
set -eu
CACHE=$1
[ -f "$CACHE/ready" ] && exit 0
mkdir -p "$CACHE/apt/lists/partial" "$CACHE/apt/cache/archives/partial" "$CACHE/debs"
: > "$CACHE/apt/status"
apt_opts() {
    echo "-q -o Dir::State::Lists=$CACHE/apt/lists -o Dir::State::Status=$CACHE/apt/status" \
         "-o Dir::Cache=$CACHE/apt/cache -o APT::Architecture=armhf" \
         "-o APT::Architectures::=armhf -o Debug::NoLocking=1"
    [ "$(id -u)" = 0 ] && echo "-o APT::Sandbox::User=root"
    return 0
}
OPTS=$(apt_opts)
# shellcheck disable=SC2086
apt-get $OPTS update >"$CACHE/apt/update.log" 2>&1 || echo "fetch.sh: apt-get update reported errors (see $CACHE/apt/update.log); going on"
# shellcheck disable=SC2086
KERNEL=$(apt-cache $OPTS depends linux-image-armmp 2>/dev/null |
         sed -n 's/^ *Depends: \(linux-image-[0-9][^: ]*\).*/\1/p' | head -n 1)
if [ -z "$KERNEL" ]; then
    echo "fetch.sh: no armhf linux-image-armmp in the package index (see $CACHE/apt/update.log)" >&2
    exit 1
fi
rm -f "$CACHE"/debs/*.deb
# shellcheck disable=SC2086
(cd "$CACHE/debs" && apt-get $OPTS download "$KERNEL" busybox-static >"$CACHE/apt/download.log" 2>&1) || {
    echo "fetch.sh: apt-get download $KERNEL busybox-static failed:" >&2
    cat "$CACHE/apt/download.log" >&2
    exit 1
}
rm -rf "$CACHE/root"
for deb in "$CACHE"/debs/*.deb; do dpkg-deb -x "$deb" "$CACHE/root"; done
ln -sf "$(ls "$CACHE"/root/boot/vmlinuz-* | head -n 1)" "$CACHE/vmlinuz"
ln -sf "$(ls "$CACHE"/root/usr/lib/linux-image-*/vexpress-v2p-ca9.dtb | head -n 1)" "$CACHE/vexpress-v2p-ca9.dtb"
ln -sf "$CACHE/root/bin/busybox" "$CACHE/busybox"
ln -sfn "$(ls -d "$CACHE"/root/lib/modules/* | head -n 1)" "$CACHE/modules"
echo "$KERNEL" > "$CACHE/ready"
echo "fetch.sh: $KERNEL and busybox-static unpacked in $CACHE"
