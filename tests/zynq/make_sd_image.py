#!/usr/bin/env python3
"""make_sd_image.py IMAGE: writes the SD card image of the sd_read firmware test
(tests/firmware/zynq/sd_read.c): 1 MiB (2048 sectors of 512 bytes, a standard-capacity
card; QEMU wants a power of two), sector 0 starting with a line of text, every other byte
of sector s at offset i being (7 s + 13 i + i // 256) mod 256."""
import sys

SECTOR = 512
SECTORS = 2048
BANNER = b"Brassboard SD card image\n"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_sd_image.py IMAGE")
    base = bytes((13 * i + i // 256) % 256 for i in range(SECTOR))  # sector 0's pattern
    image = bytearray()
    for s in range(SECTORS):  # sector s: every byte of the base plus 7 s
        shift = bytes((x + 7 * s) % 256 for x in range(256))
        image += base.translate(shift)
    image[: len(BANNER)] = BANNER
    with open(sys.argv[1], "wb") as f:
        f.write(image)


if __name__ == "__main__":
    main()
