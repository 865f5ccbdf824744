@ system.S: ARMv7 system instructions and exceptions, checked against QEMU (check_system.py):
@ SVC and undefined instructions inside IT blocks (the ITSTATE saved in the SPSR and
@ restored on return), CPS, POP/LDR/MOV to the PC switching state, SRS and RFE in A32 and
@ T32, exception handlers in Thumb (SCTLR.TE) returning with SUBS PC, LR, SEV/WFE, SETEND
@ LE and the barriers. Every result goes to a log that is printed in hex on UART0.
    .syntax unified
    .arm
    .global _start
_start:                         @ the vectors (VBAR)
    b reset
    b undef_entry
    b svc_entry
    b bad
    b bad
    b bad
    b bad
    b bad
bad:
    mov r0, #0x18
    ldr r1, =0x20023
    svc 0x123456

@ SVC: counts in r9, logs the saved ITSTATE, returns to the next instruction.
svc_entry:
    add r9, r9, #1
    mrs r10, spsr
    ldr r11, =0x0600fc00
    and r10, r10, r11
    str r10, [r12], #4
    movs pc, lr

@ Undefined instruction: logs the saved ITSTATE and T, returns to the next instruction
@ with the saved CPSR (whose ITSTATE is the undefined instruction's, not advanced).
undef_entry:
    mrs r10, spsr
    ldr r11, =0x0600fc20
    and r10, r10, r11
    str r10, [r12], #4
    movs pc, lr

reset:
    ldr r0, =_start
    mcr p15, 0, r0, c12, c0, 0
    ldr sp, =0x60100000
    ldr r12, =log
    mov r9, #0
    adr r0, svc_in_it + 1
    bx r0

    .thumb
    .align 2
svc_in_it:
    movs r0, #0
    cmp r0, #0
    itttt eq
    addeq r1, r0, #1
    svceq #5
    addeq r2, r0, #2
    svceq #6
    cmp r0, #1
    itete eq
    moveq r3, #3
    svcne #7
    moveq r4, #4
    svcne #8
    str r1, [r12], #4
    str r2, [r12], #4
    str r3, [r12], #4
    str r4, [r12], #4

undef_in_it:
    movs r0, #0
    movs r5, #0
    cmp r0, #0
    ittee eq
    addeq r5, r5, #1
    mcreq p5, 0, r0, c0, c0, 0  @ no coprocessor 5: undefined
    addne r5, r5, #16
    addne r5, r5, #256
    str r5, [r12], #4
    cmp r0, #0
    itet eq
    mcreq p5, 0, r0, c0, c0, 0
    addne r5, r5, #4096
    addeq r5, r5, #65536
    str r5, [r12], #4

cps:
    cpsid if
    mrs r5, cpsr
    cpsie f
    mrs r6, cpsr
    cps #0x1f
    mrs r7, cpsr
    cps #0x13
    str r5, [r12], #4
    str r6, [r12], #4
    str r7, [r12], #4

pc_writes:                      @ POP {pc} to ARM, MOV pc to Thumb, LDR pc to ARM
    adr r0, pop_target
    push {r0}
    pop.w {pc}
    .arm
    .align 2
pop_target:
    adr r0, mov_target + 1
    mov pc, r0
    .thumb
    .align 2
mov_target:
    ldr.w pc, =srs_rfe
    .ltorg

    .arm
    .align 2
srs_rfe:
    ldr r0, =0x60101000
    cps #0x1f
    mov sp, r0
    cps #0x13
    mov lr, #0x11
    ldr r1, =0xa00001d3
    msr spsr_fsxc, r1
    srsdb #0x1f!                @ LR_svc and SPSR_svc on the SYS stack, SP_sys -= 8
    cps #0x1f
    mov r1, sp
    ldr r2, [sp]
    ldr r3, [sp, #4]
    cps #0x13
    sub r1, r1, r0
    str r1, [r12], #4
    str r2, [r12], #4
    str r3, [r12], #4
    ldr r4, =0x60102000         @ RFE to Thumb with NZCV = 0101
    adr r5, rfe_thumb + 1
    ldr r6, =0x50000033
    stmia r4, {r5, r6}
    rfeia r4!
    .thumb
    .align 2
rfe_thumb:
    mrs r7, cpsr
    str r7, [r12], #4
    str r4, [r12], #4
    ldr r1, =0x12345678         @ T32 MCR/MRC (TPIDRURW), MSR/MRS of the SPSR
    mcr p15, 0, r1, c13, c0, 2
    mrc p15, 0, r2, c13, c0, 2
    ldr r1, =0x600001df
    msr spsr_fsxc, r1
    mrs r3, spsr
    str r2, [r12], #4
    str r3, [r12], #4
    mov lr, #0x22               @ T32 SRS (IA) onto the SYS stack
    ldr r0, =0x60101400
    cps #0x1f
    mov sp, r0
    cps #0x13
    srsia sp!, #0x1f
    cps #0x1f
    mov r1, sp
    cps #0x13
    ldr r2, [r0]
    ldr r3, [r0, #4]
    sub r1, r1, r0
    str r1, [r12], #4
    str r2, [r12], #4
    str r3, [r12], #4
    ldr r4, =0x60102100         @ T32 RFE back to ARM
    adr r5, thumb_handlers
    ldr r6, =0x800001d3
    strd r5, r6, [r4, #-8]
    rfedb r4

    .arm
    .align 2
thumb_handlers:                 @ SCTLR.TE: exceptions taken in Thumb state
    ldr r0, =thumb_vectors
    mcr p15, 0, r0, c12, c0, 0
    mrc p15, 0, r0, c1, c0, 0
    orr r0, r0, #1 << 30
    mcr p15, 0, r0, c1, c0, 0
    isb
    mov r9, #0
    svc #1                      @ handled in Thumb, back here through SUBS PC, LR
    svc #2
    mrs r7, cpsr
    str r7, [r12], #4
    str r9, [r12], #4
    mrc p15, 0, r0, c1, c0, 0
    bic r0, r0, #1 << 30
    mcr p15, 0, r0, c1, c0, 0
    ldr r0, =_start
    mcr p15, 0, r0, c12, c0, 0

hints:
    sev
    wfe                         @ the event is set: does not wait
    setend le
    dmb
    dsb
    isb
    yield
    nop

print:
    str r9, [r12], #4
    ldr r4, =log
    sub r6, r12, r4
    lsr r6, r6, #2
1:  ldr r0, [r4], #4
    bl puthex
    subs r6, r6, #1
    bne 1b
    mov r0, #0x18
    ldr r1, =0x20026
    svc 0x123456

@ puthex: r0 as eight hex digits and a newline on UART0.
puthex:
    ldr r3, =0x10009000
    mov r1, #8
2:  mov r0, r0, ror #28
    and r2, r0, #15
    cmp r2, #10
    addlo r2, r2, #'0'
    addhs r2, r2, #'a' - 10
    str r2, [r3]
    subs r1, r1, #1
    bne 2b
    mov r2, #10
    str r2, [r3]
    bx lr
    .ltorg

    .thumb
    .align 5
thumb_vectors:
    b.w bad_thumb
    b.w bad_thumb
    b.w thumb_svc
    b.w bad_thumb
    b.w bad_thumb
    b.w bad_thumb
    b.w bad_thumb
    b.w bad_thumb
bad_thumb:
    ldr r0, =bad
    bx r0
thumb_svc:
    adds r9, r9, #3
    subs pc, lr, #0
    .ltorg

    .data
    .align 3
log:
    .space 256
