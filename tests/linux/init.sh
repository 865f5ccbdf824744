#!/bin/sh
# init.sh: /init of the Linux boot test's initramfs (busybox sh). It prints markers
# ("BB: ...") that run_linux.sh checks, exercises the board's devices (MMCI SD card,
# virtio block and console, LAN9118 with user networking) and powers off, which must
# reach the Versatile Express configuration interface and end the run.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "BB: init started"
echo "BB: kernel $(uname -r) $(uname -m)"
echo "BB: cpus online $(grep -c ^processor /proc/cpuinfo)"
echo "BB: arithmetic $((6 * 7)) $(echo 'brass board' | tr a-z A-Z)"
for m in /lib/modules/*.ko; do insmod "$m" || echo "BB: insmod $m failed"; done
echo "BB: modules loaded"

# SD card (PL180 MMCI): sector 0 holds a marker; write one to sector 1.
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/mmcblk0 ] && break; sleep 0.1; done
echo "BB: sd read $(dd if=/dev/mmcblk0 bs=512 count=1 2>/dev/null | head -c 16)"
echo "SD-WRITTEN-BY-LINUX" | dd of=/dev/mmcblk0 bs=512 seek=1 conv=sync 2>/dev/null && sync
echo 3 > /proc/sys/vm/drop_caches
echo "BB: sd reread $(dd if=/dev/mmcblk0 bs=512 skip=1 count=1 2>/dev/null | head -c 19)"

# virtio block and console.
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; sleep 0.1; done
echo "BB: vda read $(dd if=/dev/vda bs=512 count=1 2>/dev/null | head -c 16)"
echo "VDA-WRITTEN-BY-LINUX" | dd of=/dev/vda bs=512 seek=1 conv=sync 2>/dev/null && sync
[ -c /dev/hvc0 ] && echo "hello from hvc0" > /dev/hvc0 && echo "BB: hvc0 written"

# Ethernet (LAN9118) with user-mode networking: DHCP, then ping the virtual router.
cat > /tmp/udhcpc.sh <<'SCRIPT'
#!/bin/sh
[ "$1" = bound ] || exit 0
ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}"
route add default gw "$router"
SCRIPT
chmod +x /tmp/udhcpc.sh
ifconfig lo up
if ifconfig eth0 up && udhcpc -i eth0 -s /tmp/udhcpc.sh -n -q -t 5 -T 1 >/dev/null 2>&1; then
    echo "BB: dhcp $(ifconfig eth0 | grep -o 'inet addr:[0-9.]*')"
    ping -c 1 -W 2 10.0.2.2 >/dev/null 2>&1 && echo "BB: ping 10.0.2.2 ok"
fi
echo "BB: done"
poweroff -f
