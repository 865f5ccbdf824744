/* Start-up code of the demo firmware: a stack, a clear .bss, main, then semihosting exit. */
    .section .vectors, "ax"
    .global _start
    .arm
_start:
    ldr sp, =__stack_top
    ldr r0, =__bss_start
    ldr r1, =__bss_end
    mov r2, #0
1:  cmp r0, r1
    strlo r2, [r0], #4
    blo 1b
    bl main
    /* SYS_EXIT_EXTENDED with {ADP_Stopped_ApplicationExit, main's return value} */
    ldr r1, =exit_block
    str r0, [r1, #4]
    mov r0, #0x20
    svc 0x123456
2:  b 2b

    .data
    .balign 4
exit_block:
    .word 0x20026, 0
