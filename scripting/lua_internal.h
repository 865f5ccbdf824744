/*
 * lua_internal.h: what the files of the `bb` module share: the per-state session (limits),
 * the machine object and its callbacks, and each part's registration function. Not part of
 * the library's interface (that is script.h).
 *
 * Lua values a machine needs (callbacks, models, device objects, the last error) live in
 * one table per machine, anchored in the registry and addressed by integer keys. Callbacks
 * run on a Lua thread of their own (the machine's callback thread) inside lua_pcall: an
 * error or a runaway callback is recorded, the machine is asked to stop, and the method
 * that was driving the machine (run, a memory access, ...) raises the error in the script.
 */
#ifndef BB_LUA_INTERNAL_H
#define BB_LUA_INTERNAL_H

#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/machine.h"
#include "scripting/symbols.h"

/* Metatable names. */
#define BB_LUA_MACHINE  "bb.machine"
#define BB_LUA_MEMORY   "bb.memory"
#define BB_LUA_REGS     "bb.registers"
#define BB_LUA_UART     "bb.uart"
#define BB_LUA_HOOK     "bb.hook"
#define BB_LUA_TIMER    "bb.timer"
#define BB_LUA_DEVICE   "bb.device"
#define BB_LUA_SNAPSHOT "bb.snapshot"

/* ---- the session: limits of one Lua state (lua_getextraspace points to it) ---- */

typedef struct lua_session {
    uint64_t script_limit; /* Lua instructions one activity may run (0: no limit) */
    uint64_t script_used;  /* run so far by the current activity (test, script, callback) */
    uint64_t guest_limit;  /* instructions a run with no bound of its own may take */
    uint64_t timeout_ns;   /* default timeout of expect and run_until */
} lua_session;

#define BB_LUA_DEFAULT_SCRIPT_LIMIT 500000000ull
#define BB_LUA_DEFAULT_GUEST_LIMIT  2000000000ull
#define BB_LUA_DEFAULT_TIMEOUT_NS   100000000ull /* 100 ms of virtual time */

/* Sets the session of a new state (before any thread is created) and the count hook that
 * stops runaway scripts. */
void bb_lua_session_install(lua_State *L, lua_session *s);
lua_session *bb_lua_session(lua_State *L);
/* A new state with the standard libraries, the session and the `bb` module as a global. */
lua_State *bb_lua_new_state(lua_session *s);

/* ---- the machine object ---- */

typedef enum lua_stop_cause {
    CAUSE_NONE,
    CAUSE_EVENT, /* a callback ran or output arrived: re-check the run's condition */
    CAUSE_TIME,  /* the run's virtual-time bound */
    CAUSE_USER,  /* m:stop() or a hook returning "stop" */
    CAUSE_ERROR, /* a callback failed */
} lua_stop_cause;

typedef struct lua_uart {
    struct lua_machine *w;
    int index;
    bool tapped;
    char *buf; /* output captured since the last clear */
    size_t len, cap;
    size_t cursor;            /* where the next expect starts looking */
    size_t line_start;        /* start of the line being assembled for on_line */
    int output_key, line_key; /* callbacks (0: none) */
    bool wake;                /* a run waits for output: stop it when some arrives */
} lua_uart;

typedef struct lua_hook_rec lua_hook_rec;
typedef struct lua_timer_rec lua_timer_rec;

typedef struct lua_machine {
    bb_machine *m;
    bool owned; /* created by the script: freed when the object is closed */
    bool closed;
    lua_State *cb; /* the callback thread */
    int table;     /* registry ref of the machine's table of Lua values */
    int next_key;
    bool running;
    bool in_callback;
    lua_stop_cause cause;
    bool has_error;                 /* an error value waits in the table (key "error") */
    struct lua_machine *error_sink; /* report errors there instead (a device's own state) */
    bool print_errors;              /* no script listens (a device's own state): print them */
    bool wake_on_callback;          /* a run waits for a Lua condition: re-check after callbacks */
    bool exited;                    /* the guest exited: runs need a reset, load or restore */
    uint64_t entry;                 /* entry point of the last image (reset goes there) */
    bool has_entry;
    lua_uart uart[BB_MAX_SERIALS];
    bb_symbols *symbols;
    lua_hook_rec *hooks;
    lua_timer_rec *timers;
    bb_timer limit_timer;
    int cpu_listener;  /* instrument id of the exception listener (0: none) */
    int exception_key; /* m:on_exception callback */
    bool interrupts_only;
} lua_machine;

/* Pushes a new machine object for m (owned: closing it frees m). */
lua_machine *bb_lua_push_machine(lua_State *L, bb_machine *m, bool owned);
/* The machine object at idx, checked to be open. */
lua_machine *bb_lua_check_machine(lua_State *L, int idx);
/* The image the command line loaded: its symbols (ELF) and entry point, for reset. */
void bb_lua_note_image(lua_machine *w, const char *path);
/* Pushes the object of a machine (it must be alive). */
void bb_lua_push_machine_object(lua_State *L, lua_machine *w);
/* Closes a machine object (removes hooks, taps and timers; frees the machine if owned). */
void bb_lua_close_machine(lua_State *L, lua_machine *w);

/* The machine's table of Lua values: store the value at idx (returns its key), fetch, drop. */
int bb_lua_store(lua_machine *w, lua_State *L, int idx);
void bb_lua_fetch(lua_machine *w, lua_State *L, int key);
void bb_lua_drop(lua_machine *w, lua_State *L, int key);

/* Callbacks: push the function with key onto the callback thread (returned; *top is where
 * its stack was), push the arguments there, then call. On error records it, asks the
 * machine to stop and returns false; on success nresults values are on the callback
 * thread. End with bb_lua_end_callback(w, top), which drops what the call left. */
lua_State *bb_lua_begin_callback(lua_machine *w, int key, int *top);
bool bb_lua_call_callback(lua_machine *w, int nargs, int nresults);
void bb_lua_end_callback(lua_machine *w, int top);
/* Records an error value (on top of the callback thread's stack, popped) and stops. */
void bb_lua_record_error(lua_machine *w);
/* Raises a recorded error in L (from a method that drove the machine). */
void bb_lua_raise_pending(lua_State *L, lua_machine *w);
/* Asks the running machine to stop at the next block boundary, for a cause. */
void bb_lua_stop(lua_machine *w, lua_stop_cause cause);
/* Errors of devices with Lua states of their own go to w (a script's machine object) while
 * it adopts them. Closing w also detaches the devices it placed (they go quiet). */
void bb_lua_adopt_device_errors(lua_machine *w, bool adopt);
void bb_lua_devices_detach(lua_machine *w);
/* Pushes the memory view (virtual or physical) or register view of the machine at idx. */
void bb_lua_push_memory_view(lua_State *L, int machine_idx, bool phys);
void bb_lua_push_registers(lua_State *L, int machine_idx);

/* ---- helpers ---- */

/* A time: a number of nanoseconds or a string such as "10ms", "5us", "2.5 s". */
uint64_t bb_lua_check_time(lua_State *L, int idx);
/* An address: an integer, or the name of an ELF symbol of the machine. */
uint64_t bb_lua_check_address(lua_State *L, lua_machine *w, int idx);
/* A range of addresses [*lo, *hi] (inclusive): an address (one byte or, for a symbol, its
 * size) or a table {lo, hi} with hi exclusive. */
void bb_lua_check_range(lua_State *L, lua_machine *w, int idx, uint32_t *lo, uint32_t *hi);
/* Checks that no unknown key is in the options table at idx (typos become errors). */
void bb_lua_check_options(lua_State *L, int idx, const char *what, const char *const *known);
/* Creates (or finds) a metatable with __index = itself and the given methods. */
void bb_lua_new_class(lua_State *L, const char *name, const luaL_Reg *methods);
/* A full userdata holding a pointer, with a uservalue (the machine object at owner_idx)
 * that keeps the machine alive as long as the handle lives. */
void **bb_lua_new_handle(lua_State *L, const char *class_name, int owner_idx);

/* ---- the parts of the module (each adds its functions and methods) ---- */

void bb_lua_register_machine(lua_State *L); /* machine methods (lua_machine.c) */
void bb_lua_register_memory(lua_State *L);  /* m.mem, m.phys, m.regs (lua_memory.c) */
void bb_lua_register_hooks(lua_State *L);   /* hooks and timers (lua_hooks.c) */
void bb_lua_register_uart(lua_State *L);    /* m:uart(n) (lua_uart.c) */
void bb_lua_register_devices(lua_State *L); /* m:add_device (lua_device.c) */
void bb_lua_register_tests(lua_State *L);   /* bb.test, bb.check... (lua_test.c) */
/* The machine methods each part adds to the machine class (index of the methods table). */
void bb_lua_machine_memory_methods(lua_State *L, int methods);
void bb_lua_machine_hook_methods(lua_State *L, int methods);
void bb_lua_machine_uart_methods(lua_State *L, int methods);
void bb_lua_machine_device_methods(lua_State *L, int methods);
void bb_lua_machine_route_methods(lua_State *L, int methods); /* lua_filter.c */

/* Called by the machine when it closes (lua_hooks.c, lua_uart.c). */
void bb_lua_hooks_close(lua_State *L, lua_machine *w);
void bb_lua_uarts_close(lua_machine *w);
/* Installs the output taps of every serial port (a script's machine). */
void bb_lua_uarts_open(lua_machine *w);
/* During a run: whether a UART wait is satisfied (lua_uart.c). */
typedef struct lua_uart_wait {
    lua_uart *uart;
    const char *text; /* plain text, or a Lua pattern when pattern is set */
    size_t text_len;
    bool pattern;
    size_t match_end; /* set by bb_lua_uart_check: the end of the match in uart->buf */
} lua_uart_wait;

/* Runs the machine: the core of m:run, m:run_until and expect (lua_machine.c). */
typedef struct lua_run_spec {
    bool has_insns, has_time;
    uint64_t insns, time_ns;
    int until_idx; /* stack index of a Lua condition (0: none) in the running thread,
                      checked after callbacks and every poll instructions */
    uint64_t poll;
    bool has_until_pc; /* stop when this address is about to execute */
    uint32_t until_pc;
    lua_uart_wait *wait; /* stop when a UART shows text */
} lua_run_spec;
/* Returns the reason ("exit", "halt", "insns", "time", "stop", "until") or raises. */
const char *bb_lua_run(lua_State *L, lua_machine *w, const lua_run_spec *spec);
/* Whether the wait is satisfied by the output after the cursor (L runs the pattern). */
bool bb_lua_uart_check(lua_State *L, lua_uart_wait *wait);

/* Test helpers that other parts raise (lua_test.c): a failed check with what was expected
 * and what was seen (already formatted), located at the caller at `level`. */
int bb_lua_fail_check(lua_State *L, int level, const char *message, const char *expected,
                      const char *seen);
/* Pushes bytes as a quoted, escaped string ("a\n\x01"); at most max bytes (0: all), the
 * last ones when tail is set, with "..." for what was left out. */
void bb_lua_push_quoted(lua_State *L, const char *s, size_t len, size_t max, bool tail);
/* Pushes a duration in readable units ("100 ms", "1.5 us"). */
void bb_lua_push_duration(lua_State *L, uint64_t ns);

#endif
