/*
 * start.S: reset and exception entry of the test firmware (ARM code).
 *
 * The vector table sits at 0x0 (see firmware.ld) and loads the PC from a literal table.
 * Reset gives every exception mode its own stack, runs the program in SYS mode with IRQ
 * and FIQ masked, clears .bss, enables UART0, runs the constructors, calls main and hands
 * its result to newlib's exit, which flushes stdio and calls _exit: semihosting
 * SYS_EXIT_EXTENDED with main's return value (QEMU and brassboard both pass it on as the
 * exit status; plain SYS_EXIT on AArch32 can only say 0 or 1).
 *
 * Every other exception saves a frame (see fw_frame in exceptions.h) on its mode's stack,
 * calls fw_dispatch_exception(number, frame) and returns through the frame: the handler
 * may change the registers, the return address and the SPSR.
 */
    .syntax unified
    .arm

    .equ MODE_USR, 0x10
    .equ MODE_FIQ, 0x11
    .equ MODE_IRQ, 0x12
    .equ MODE_SVC, 0x13
    .equ MODE_ABT, 0x17
    .equ MODE_UND, 0x1b
    .equ MODE_SYS, 0x1f
    .equ MASK_IF, 0xc0
    .equ CPSR_T, 0x20

    .equ SYS_EXIT_EXTENDED, 0x20
    .equ ADP_STOPPED_APPLICATION_EXIT, 0x20026

    /* Frame layout: r0-r12, user sp, user lr, pc, spsr, padding (keeps sp 8-aligned). */
    .equ FRAME_USER_SP, 52
    .equ FRAME_PC, 60
    .equ FRAME_SPSR, 64
    .equ FRAME_SIZE, 72

    .section .vectors, "ax"
    .global _start
_start:
    ldr pc, reset_address
    ldr pc, undefined_address
    ldr pc, swi_address
    ldr pc, prefetch_abort_address
    ldr pc, data_abort_address
    ldr pc, reserved_address
    ldr pc, irq_address
    ldr pc, fiq_address
reset_address:          .word reset
undefined_address:      .word undefined_entry
swi_address:            .word swi_entry
prefetch_abort_address: .word prefetch_abort_entry
data_abort_address:     .word data_abort_entry
reserved_address:       .word reserved_entry
irq_address:            .word irq_entry
fiq_address:            .word fiq_entry

    .text
    .type reset, %function
reset:
    msr cpsr_c, #(MODE_UND | MASK_IF)
    ldr sp, =__und_stack_top
    msr cpsr_c, #(MODE_ABT | MASK_IF)
    ldr sp, =__abt_stack_top
    msr cpsr_c, #(MODE_IRQ | MASK_IF)
    ldr sp, =__irq_stack_top
    msr cpsr_c, #(MODE_FIQ | MASK_IF)
    ldr sp, =__fiq_stack_top
    msr cpsr_c, #(MODE_SVC | MASK_IF)
    ldr sp, =__svc_stack_top
    msr cpsr_c, #(MODE_SYS | MASK_IF)
    ldr sp, =__sys_stack_top

    ldr r0, =__bss_start__
    ldr r1, =__bss_end__
    mov r2, #0
1:  cmp r0, r1
    strlo r2, [r0], #4
    blo 1b

    bl uart_init
    bl __libc_init_array
    mov r0, #0
    mov r1, #0
    bl main
    bl exit
2:  b 2b
    .size reset, . - reset

/* _init and _fini: newlib's init and fini arrays call them; there is nothing to do
 * (no crti.o and crtn.o with -nostartfiles). */
    .global _init
    .global _fini
    .type _init, %function
    .type _fini, %function
_init:
_fini:
    bx lr
    .size _init, . - _init

/* void _exit(int code): semihosting SYS_EXIT_EXTENDED {ApplicationExit, code}. */
    .global _exit
    .type _exit, %function
_exit:
    ldr r1, =exit_block
    ldr r2, =ADP_STOPPED_APPLICATION_EXIT
    str r2, [r1]
    str r0, [r1, #4]
    mov r0, #SYS_EXIT_EXTENDED
    svc 0x123456
3:  b 3b
    .size _exit, . - _exit

/* Saves a frame, sets lr to the address the frame reports (lr minus arm_offset in ARM
 * state, minus thumb_offset in Thumb state) and calls the dispatcher. */
    .macro exception_entry name, number, arm_offset, thumb_offset
    .type \name, %function
\name:
    sub sp, sp, #FRAME_SIZE
    stmia sp, {r0-r12}
    add r0, sp, #FRAME_USER_SP
    stmia r0, {sp, lr}^
    nop
    mrs r0, spsr
    tst r0, #CPSR_T
    subeq lr, lr, #\arm_offset
    subne lr, lr, #\thumb_offset
    str lr, [sp, #FRAME_PC]
    str r0, [sp, #FRAME_SPSR]
    mov r0, #\number
    mov r1, sp
    b exception_common
    .size \name, . - \name
    .endm

    exception_entry undefined_entry, 1, 4, 2
    exception_entry swi_entry, 2, 4, 2
    exception_entry prefetch_abort_entry, 3, 4, 4
    exception_entry data_abort_entry, 4, 8, 8
    exception_entry reserved_entry, 5, 4, 4
    exception_entry irq_entry, 6, 4, 4
    exception_entry fiq_entry, 7, 4, 4

    .type exception_common, %function
exception_common:
    bl fw_dispatch_exception
    ldr r0, [sp, #FRAME_SPSR]
    msr spsr_cxsf, r0
    add r0, sp, #FRAME_USER_SP
    ldmia r0, {sp, lr}^
    nop
    ldr lr, [sp, #FRAME_PC]
    ldmia sp, {r0-r12}
    add sp, sp, #FRAME_SIZE
    movs pc, lr
    .size exception_common, . - exception_common

/* uint32_t fw_run_user(uint32_t (*fn)(uint32_t), uint32_t arg): calls fn(arg) in USR mode
 * (on the SYS stack, which USR shares) and comes back to SYS mode with the SWI that
 * fw_dispatch_exception reserves for it. */
    .global fw_run_user
    .type fw_run_user, %function
fw_run_user:
    push {r4, lr}
    mov r2, r0
    mov r0, r1
    mrs r4, cpsr
    bic r3, r4, #0x1f
    orr r3, r3, #MODE_USR
    msr cpsr_c, r3
    blx r2
    svc 0xf0f0f0
    pop {r4, pc}
    .size fw_run_user, . - fw_run_user

    .data
    .align 2
exit_block:
    .word 0, 0
