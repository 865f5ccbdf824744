/* crash.S: a guest that crashes: it executes an undefined instruction, and its handler
 * spins forever (a run ends only at --max-insns or on a signal). */
    .text
    .arm
    .global _start
_start:
    b       reset           @ 0x00 reset
    b       undefined       @ 0x04 undefined instruction
    b       .               @ 0x08 SWI
    b       .               @ 0x0c prefetch abort
    b       .               @ 0x10 data abort
    b       .               @ 0x14 reserved
    b       .               @ 0x18 IRQ
    b       .               @ 0x1c FIQ
reset:
    mov     r0, #1
    mov     r1, #2
    add     r2, r0, r1
    .word   0xe7f000f0      @ udf #0
    mov     r3, #3          @ never reached
undefined:
    add     r4, r4, #1
    b       undefined
