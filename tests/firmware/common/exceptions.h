/*
 * exceptions.h: the exception hooks of the test firmware.
 *
 * start.S saves an fw_frame for every exception but reset and calls the handler a test
 * installed for it. The frame's pc is the address of the instruction that caused the
 * exception (undefined instruction, SWI, prefetch or data abort) or the one to resume
 * at (IRQ, FIQ); the handler decides where to return by changing it (fw_skip_instruction
 * steps over the faulting one). Changes to r0-r12, the user-mode sp and lr, and the SPSR
 * take effect on return. Handlers are called in the exception's mode with IRQs masked.
 */
#ifndef FW_EXCEPTIONS_H
#define FW_EXCEPTIONS_H

#include <stdint.h>

typedef enum fw_exception {
    FW_UNDEFINED = 1,
    FW_SWI = 2,
    FW_PREFETCH_ABORT = 3,
    FW_DATA_ABORT = 4,
    FW_RESERVED = 5,
    FW_IRQ = 6,
    FW_FIQ = 7,
} fw_exception;

typedef struct fw_frame {
    uint32_t r[13];
    uint32_t user_sp, user_lr; /* the USR/SYS bank */
    uint32_t pc;
    uint32_t spsr;
    uint32_t padding;
} fw_frame;

#define FW_CPSR_T    (1u << 5)
#define FW_MODE_MASK 0x1fu
#define FW_MODE_USR  0x10u
#define FW_MODE_SYS  0x1fu

typedef void (*fw_handler)(fw_frame *frame);

/* Installs a handler (NULL restores the default, which reports the exception and exits
 * with status 100 + its number). */
void fw_set_handler(fw_exception exception, fw_handler handler);

/* True if the exception came from Thumb state. */
int fw_frame_thumb(const fw_frame *frame);

/* Moves the frame's pc past the instruction it points at (2 bytes in Thumb, 4 in ARM). */
void fw_skip_instruction(fw_frame *frame);

/* The comment field of the SWI at frame->pc (24 bits in ARM, 8 bits in Thumb). */
uint32_t fw_swi_number(const fw_frame *frame);

/* Calls fn(arg) in user mode and returns its result, back in SYS mode. */
uint32_t fw_run_user(uint32_t (*fn)(uint32_t), uint32_t arg);

/* Unmasks or masks IRQ and FIQ in the CPSR (ARM code, callable from Thumb). */
void fw_enable_interrupts(void);
void fw_disable_interrupts(void);

/* The dispatcher start.S calls. */
void fw_dispatch_exception(int number, fw_frame *frame);

#endif
