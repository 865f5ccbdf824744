/*
 * start.S: start-up of the VFP/NEON firmware test on vexpress-a9: an exception vector
 * table (VBAR) that reports any exception and exits, a stack, the FPU enabled (CPACR full
 * access to cp10/cp11, FPEXC.EN), .bss cleared, then main() and exit().
 */
    .syntax unified
    .arm
    .section .text.start, "ax"
    .global _start
    .type _start, %function
_start:
    cps #0x17                           @ abort mode stack
    ldr sp, =__stack_top - 0x10000
    cps #0x1b                           @ undefined mode stack
    ldr sp, =__stack_top - 0x18000
    cps #0x13
    ldr sp, =__stack_top
    ldr r0, =vectors
    mcr p15, 0, r0, c12, c0, 0          @ VBAR
    mrc p15, 0, r0, c1, c0, 2
    orr r0, r0, #(0xf << 20)
    mcr p15, 0, r0, c1, c0, 2           @ CPACR: cp10, cp11 full access
    isb
    mov r0, #0x40000000
    vmsr fpexc, r0                      @ FPEXC.EN
    ldr r0, =__bss_start
    ldr r1, =__bss_end
    mov r2, #0
1:  cmp r0, r1
    strlo r2, [r0], #4
    blo 1b
    bl main
    bl exit
    b .

    .align 5
vectors:
    b .                                 @ reset
    b undefined
    b supervisor_call
    b prefetch_abort
    b data_abort
    b .
    b irq
    mov r0, #7                          @ FIQ
    b fatal
undefined:
    mov r0, #1
    b fatal
supervisor_call:
    mov r0, #2
    b fatal
irq:
    mov r0, #6
    b fatal

prefetch_abort:
    mov r0, #3
    b fatal
data_abort:
    mov r0, #4

fatal:
    mov r1, lr
    ldr sp, =__stack_top
    bl fw_fatal_exception
    b .

/* No constructors or destructors beyond the .init_array ones newlib runs itself. */
    .global _init, _fini
    .type _init, %function
    .type _fini, %function
_init:
_fini:
    bx lr

/* _exit(code): SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit. */
    .global _exit
    .type _exit, %function
_exit:
    ldr r1, =exit_block
    str r0, [r1, #4]
    mov r0, #0x20
    svc 0x123456
    b .

    .data
exit_block:
    .word 0x20026, 0
