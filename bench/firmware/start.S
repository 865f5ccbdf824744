/* Start-up code of the benchmark firmware: exception vectors that report and exit, a stack,
 * a clear .bss, main, then semihosting SYS_EXIT_EXTENDED with main's return value. The MMU
 * stays off. Built with -DBENCH_SET_VBAR for a v7 board whose image is not linked at the
 * exception base 0x0 (bench/zynq: 0x00100000): reset first points VBAR at the vectors. */
    .syntax unified
    .section .vectors, "ax"
    .arm
    .global _start
_start:
    b reset
    b undefined_trap
    b swi_trap
    b prefetch_abort_trap
    b data_abort_trap
    b reserved_trap
    b irq_trap
    b fiq_trap

reset:
#ifdef BENCH_SET_VBAR
    ldr r0, =_start
    mcr p15, 0, r0, c12, c0, 0 /* VBAR */
    isb
#endif
    ldr sp, =__stack_top
    ldr r0, =__bss_start
    ldr r1, =__bss_end
    mov r2, #0
1:  cmp r0, r1
    strlo r2, [r0], #4
    blo 1b
    bl main
    b semihosting_exit

/* Each trap passes its vector number and the exception's return address to trap_report. */
undefined_trap:      mov r0, #1
                     b trap
swi_trap:            mov r0, #2
                     b trap
prefetch_abort_trap: mov r0, #3
                     b trap
data_abort_trap:     mov r0, #4
                     b trap
reserved_trap:       mov r0, #5
                     b trap
irq_trap:            mov r0, #6
                     b trap
fiq_trap:            mov r0, #7
trap:
    mov r1, lr
    ldr sp, =__trap_stack_top
    bl trap_report
2:  b 2b
    .ltorg

/* semihosting_exit(code): SYS_EXIT_EXTENDED (0x20) with {ADP_Stopped_ApplicationExit, code}. */
    .text
    .arm
    .global semihosting_exit
    .type semihosting_exit, %function
semihosting_exit:
    ldr r1, =exit_block
    str r0, [r1, #4]
    mov r0, #0x20
    svc 0x123456
3:  b 3b
    .ltorg

    .data
    .align 2
exit_block:
    .word 0x20026, 0
