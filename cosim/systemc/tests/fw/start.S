/*
 * start.S: start-up of the SystemC test firmware (ARM code, Versatile PB).
 *
 * Vectors at 0x0. Reset sets up the IRQ, abort and SYS stacks, clears .bss, calls main
 * in SYS mode with interrupts masked and exits through semihosting SYS_EXIT_EXTENDED
 * with main's result. An IRQ calls fw_irq(); a data abort calls fw_data_abort(pc) with
 * the address of the faulting instruction and resumes after it. Any other exception
 * prints nothing and exits with status 100 + its vector number.
 */
    .syntax unified
    .arm

    .equ MODE_IRQ, 0x12
    .equ MODE_ABT, 0x17
    .equ MODE_SYS, 0x1f
    .equ MASK_IF, 0xc0

    .section .vectors, "ax"
    .global _start
_start:
    ldr pc, =reset
    ldr pc, =unexpected_1
    ldr pc, =unexpected_2
    ldr pc, =unexpected_3
    ldr pc, =data_abort_entry
    ldr pc, =unexpected_5
    ldr pc, =irq_entry
    ldr pc, =unexpected_7
    .ltorg

    .text
reset:
    msr cpsr_c, #(MODE_IRQ | MASK_IF)
    ldr sp, =__irq_stack_top
    msr cpsr_c, #(MODE_ABT | MASK_IF)
    ldr sp, =__abt_stack_top
    msr cpsr_c, #(MODE_SYS | MASK_IF)
    ldr sp, =__sys_stack_top
    ldr r0, =__bss_start
    ldr r1, =__bss_end
    mov r2, #0
1:  cmp r0, r1
    strlo r2, [r0], #4
    blo 1b
    bl main
    .global fw_exit
fw_exit:
    ldr r1, =exit_block
    ldr r2, =0x20026            /* ADP_Stopped_ApplicationExit */
    str r2, [r1]
    str r0, [r1, #4]
    mov r0, #0x20               /* SYS_EXIT_EXTENDED */
    svc 0x123456
2:  b 2b

    .macro unexpected number
unexpected_\number:
    mov r0, #(100 + \number)
    b fw_exit
    .endm
    unexpected 1
    unexpected 2
    unexpected 3
    unexpected 5
    unexpected 7

irq_entry:
    sub lr, lr, #4
    push {r0-r3, r12, lr}
    bl fw_irq
    pop {r0-r3, r12, lr}
    movs pc, lr

data_abort_entry:
    push {r0-r3, r12, lr}
    sub r0, lr, #8              /* the faulting instruction */
    bl fw_data_abort
    pop {r0-r3, r12, lr}
    subs pc, lr, #4             /* resume after it */

    .data
    .align 2
exit_block:
    .word 0, 0
