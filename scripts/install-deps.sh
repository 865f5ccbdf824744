#!/bin/sh
# Installs the Debian 12 packages Brassboard needs to build and to run its tests.
set -e
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends \
    ca-certificates cmake make gcc g++ pkg-config device-tree-compiler libfdt-dev \
    liblua5.4-dev libsystemc-dev libserialport-dev libftdi1-dev libcapstone-dev \
    libelf-dev libdw-dev gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi \
    gdb-multiarch qemu-system-arm lcov python3 libslirp-dev gtkwave
