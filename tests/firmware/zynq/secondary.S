/*
 * secondary.S: where CPU1 comes when the boot ROM releases it (platform_start_cpu1 wrote
 * this address to 0xFFFFFFF0). It gives every exception mode the IRQ stack and SYS mode
 * its own stack (both set by CPU0 in platform.c), sets the CPU up like CPU0
 * (platform_init), and calls the function CPU0 chose in SYS mode with IRQ and FIQ masked.
 * Should that function return, CPU1 waits for events forever.
 */
    .syntax unified
    .arm

    .equ MODE_FIQ, 0x11
    .equ MODE_IRQ, 0x12
    .equ MODE_SVC, 0x13
    .equ MODE_ABT, 0x17
    .equ MODE_UND, 0x1b
    .equ MODE_SYS, 0x1f
    .equ MASK_IF, 0xc0

    .text
    .global platform_cpu1_entry
    .type platform_cpu1_entry, %function
platform_cpu1_entry:
    ldr r0, =platform_cpu1_irq_stack_top
    ldr r1, [r0]
    msr cpsr_c, #(MODE_FIQ | MASK_IF)
    mov sp, r1
    msr cpsr_c, #(MODE_IRQ | MASK_IF)
    mov sp, r1
    msr cpsr_c, #(MODE_ABT | MASK_IF)
    mov sp, r1
    msr cpsr_c, #(MODE_UND | MASK_IF)
    mov sp, r1
    msr cpsr_c, #(MODE_SVC | MASK_IF)
    mov sp, r1
    ldr r0, =platform_cpu1_sys_stack_top
    ldr r1, [r0]
    msr cpsr_c, #(MODE_SYS | MASK_IF)
    mov sp, r1
    bl platform_init
    ldr r0, =platform_cpu1_main
    ldr r0, [r0]
    blx r0
1:  wfe
    b 1b
    .size platform_cpu1_entry, . - platform_cpu1_entry
    .ltorg
