/* A two-instruction image for the loader tests. */
    .global _start
_start:
    b _start
