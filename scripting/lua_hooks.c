/*
 * lua_hooks.c: Lua hooks and timers. Execution and memory hooks are translation-time
 * instrumentation (jit/instrument.h): code and pages no hook touches run at full speed.
 *   m:on_exec(where, fn(pc))            before each instruction in `where`; fn may return
 *                                       "stop", or set m.regs.pc to redirect
 *   m:on_read(where, fn(addr, size))    return a number to supply the value read
 *   m:on_write(where, fn(addr, size, value))  return false to veto, a number to alter
 *   m:on_exception(fn(name, pc, n))     every exception taken (before its entry)
 *   m:on_interrupt(fn(name, pc))        IRQ and FIQ only
 *   m:after(time, fn), m:every(time, fn) timers on virtual time
 * Memory hooks may also return "stop" (the access completes, then the run stops).
 */
#include <stdlib.h>
#include <string.h>

#include "jit/cpu.h"
#include "jit/instrument.h"
#include "scripting/lua_internal.h"

typedef enum hook_kind { HOOK_EXEC, HOOK_READ, HOOK_WRITE, HOOK_EXCEPTION } hook_kind;

struct lua_hook_rec {
    lua_machine *w;
    hook_kind kind;
    int id;  /* instrument id; 0 once removed */
    int key; /* the callback */
    bool interrupts_only;
    lua_hook_rec *next;
};

struct lua_timer_rec {
    bb_timer timer; /* stays allocated until the machine closes (snapshots refer to it) */
    lua_machine *w;
    int key;
    uint64_t period; /* 0: one-shot */
    lua_timer_rec *next;
};

/* Handles: the record, checked through the machine (records die with it). */
typedef struct handle {
    lua_machine *w;
    void *rec;
} handle;

static void push_handle(lua_State *L, const char *class_name, lua_machine *w, void *rec)
{
    handle *h = lua_newuserdatauv(L, sizeof(*h), 1);
    h->w = w;
    h->rec = rec;
    lua_pushvalue(L, 1); /* the machine object */
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, class_name);
}

static handle *check_handle(lua_State *L, const char *class_name)
{
    handle *h = luaL_checkudata(L, 1, class_name);
    if (h->w->closed) luaL_error(L, "the machine is closed");
    return h;
}

static bool returned_stop(lua_State *cb)
{
    const char *s = lua_type(cb, -1) == LUA_TSTRING ? lua_tostring(cb, -1) : NULL;
    return s && strcmp(s, "stop") == 0;
}

/* ---- run-time callbacks ---- */

static bb_hook_result on_exec(void *opaque, bb_cpu *cpu, uint32_t pc)
{
    lua_hook_rec *r = opaque;
    lua_machine *w = r->w;
    if (w->has_error) return BB_HOOK_STOP;
    cpu->pc = pc; /* registers are exact: so is the PC the script reads */
    int top;
    lua_State *cb = bb_lua_begin_callback(w, r->key, &top);
    lua_pushinteger(cb, pc);
    if (!bb_lua_call_callback(w, 1, 1)) {
        bb_lua_end_callback(w, top);
        return BB_HOOK_STOP;
    }
    bool stop = returned_stop(cb);
    bb_lua_end_callback(w, top);
    if (stop) bb_lua_stop(w, CAUSE_USER);
    if (cpu->pc != pc) return BB_HOOK_REDIRECT;
    return stop || w->cause >= CAUSE_USER ? BB_HOOK_STOP : BB_HOOK_CONTINUE;
}

static bb_hook_result on_mem(void *opaque, bb_cpu *cpu, uint32_t vaddr, unsigned size, bool write,
                             uint64_t *value)
{
    lua_hook_rec *r = opaque;
    lua_machine *w = r->w;
    if (w->has_error) return BB_HOOK_CONTINUE;
    uint32_t saved_pc = cpu->pc;
    cpu->pc = (uint32_t)cpu->slow_site; /* the accessing instruction */
    int top;
    lua_State *cb = bb_lua_begin_callback(w, r->key, &top);
    lua_pushinteger(cb, vaddr);
    lua_pushinteger(cb, size);
    if (write) lua_pushinteger(cb, (lua_Integer)*value);
    bool ok = bb_lua_call_callback(w, write ? 3 : 2, 1);
    cpu->pc = saved_pc;
    bb_hook_result result = BB_HOOK_CONTINUE;
    uint64_t mask = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
    if (!ok) {
        /* The error is recorded: the access goes on as if there were no hook. */
    } else if (returned_stop(cb)) {
        result = BB_HOOK_STOP;
    } else if (lua_isinteger(cb, -1)) {
        *value = (uint64_t)lua_tointeger(cb, -1) & mask;
        result = write ? BB_HOOK_CONTINUE : BB_HOOK_HANDLED;
    } else if (write && lua_isboolean(cb, -1) && !lua_toboolean(cb, -1)) {
        result = BB_HOOK_HANDLED; /* vetoed */
    }
    bb_lua_end_callback(w, top);
    if (result == BB_HOOK_STOP) w->cause = w->cause > CAUSE_USER ? w->cause : CAUSE_USER;
    return result;
}

static void on_cpu_event(void *opaque, bb_cpu *cpu, bb_cpu_event event, uint32_t a, uint32_t b)
{
    lua_machine *w = opaque;
    if (event != BB_CPU_EXCEPTION || w->has_error) return;
    const char *name = cpu->ops->exception_name ? cpu->ops->exception_name(a) : "exception";
    bool interrupt = strcmp(name, "irq") == 0 || strcmp(name, "fiq") == 0;
    for (lua_hook_rec *r = w->hooks; r; r = r->next) {
        if (r->kind != HOOK_EXCEPTION || !r->id || (r->interrupts_only && !interrupt)) continue;
        int top;
        lua_State *cb = bb_lua_begin_callback(w, r->key, &top);
        lua_pushstring(cb, name);
        lua_pushinteger(cb, b);
        lua_pushinteger(cb, a);
        bool ok = bb_lua_call_callback(w, 3, 1);
        if (ok && returned_stop(cb)) bb_lua_stop(w, CAUSE_USER);
        bb_lua_end_callback(w, top);
        if (!ok) return;
    }
}

/* ---- adding hooks ---- */

static lua_hook_rec *new_hook(lua_State *L, lua_machine *w, hook_kind kind, int fn_idx)
{
    luaL_checktype(L, fn_idx, LUA_TFUNCTION);
    lua_hook_rec *r = calloc(1, sizeof(*r));
    if (!r) luaL_error(L, "out of memory");
    r->w = w;
    r->kind = kind;
    r->key = bb_lua_store(w, L, fn_idx);
    r->next = w->hooks;
    w->hooks = r;
    return r;
}

/* m:on_exec(where, fn): where is an address, a symbol (its entry) or {start, end}. */
static int m_on_exec(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    uint32_t lo, hi;
    if (lua_type(L, 2) == LUA_TSTRING)
        lo = hi = (uint32_t)bb_lua_check_address(L, w, 2);
    else
        bb_lua_check_range(L, w, 2, &lo, &hi);
    lua_hook_rec *r = new_hook(L, w, HOOK_EXEC, 3);
    r->id = bb_hook_add_exec(w->m, lo, hi, on_exec, r);
    if (!r->id) return luaL_error(L, "out of memory");
    push_handle(L, BB_LUA_HOOK, w, r);
    return 1;
}

static int add_mem_hook(lua_State *L, bool write)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    uint32_t lo, hi;
    bb_lua_check_range(L, w, 2, &lo, &hi);
    lua_hook_rec *r = new_hook(L, w, write ? HOOK_WRITE : HOOK_READ, 3);
    r->id = bb_hook_add_mem(w->m, lo, hi, write ? BB_HOOK_WRITE : BB_HOOK_READ, on_mem, r);
    if (!r->id) return luaL_error(L, "out of memory");
    push_handle(L, BB_LUA_HOOK, w, r);
    return 1;
}

/* m:on_read(where, fn): where is an address (4 bytes), a symbol (its bytes) or a range. */
static int m_on_read(lua_State *L)
{
    return add_mem_hook(L, false);
}

static int m_on_write(lua_State *L)
{
    return add_mem_hook(L, true);
}

static int add_exception_hook(lua_State *L, bool interrupts_only)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    if (!w->cpu_listener) {
        w->cpu_listener = bb_instrument_add_cpu_listener(w->m, on_cpu_event, w);
        if (!w->cpu_listener) return luaL_error(L, "out of memory");
    }
    lua_hook_rec *r = new_hook(L, w, HOOK_EXCEPTION, 2);
    r->interrupts_only = interrupts_only;
    r->id = -1; /* served by the machine's listener */
    push_handle(L, BB_LUA_HOOK, w, r);
    return 1;
}

static int m_on_exception(lua_State *L)
{
    return add_exception_hook(L, false);
}

static int m_on_interrupt(lua_State *L)
{
    return add_exception_hook(L, true);
}

static void remove_hook(lua_State *L, lua_hook_rec *r)
{
    if (!r->id) return;
    if (r->kind != HOOK_EXCEPTION) bb_hook_remove(r->w->m, r->id);
    r->id = 0;
    bb_lua_drop(r->w, L, r->key);
    r->key = 0;
}

/* hook:remove() */
static int hook_remove(lua_State *L)
{
    handle *h = check_handle(L, BB_LUA_HOOK);
    remove_hook(L, h->rec);
    return 0;
}

static int hook_active(lua_State *L)
{
    handle *h = luaL_checkudata(L, 1, BB_LUA_HOOK);
    lua_pushboolean(L, !h->w->closed && ((lua_hook_rec *)h->rec)->id != 0);
    return 1;
}

/* ---- timers ---- */

static void timer_fired(void *opaque)
{
    lua_timer_rec *t = opaque;
    lua_machine *w = t->w;
    if (!t->key || w->has_error) return;
    if (t->period) bb_timer_mod(&t->timer, t->timer.deadline + t->period);
    int top;
    bb_lua_begin_callback(w, t->key, &top);
    bb_lua_call_callback(w, 0, 0);
    bb_lua_end_callback(w, top);
}

static int add_timer(lua_State *L, bool periodic)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    uint64_t ns = bb_lua_check_time(L, 2);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    if (periodic && ns == 0) return luaL_error(L, "m:every: the period must not be 0");
    lua_timer_rec *t = calloc(1, sizeof(*t));
    if (!t) return luaL_error(L, "out of memory");
    t->w = w;
    t->key = bb_lua_store(w, L, 3);
    t->period = periodic ? ns : 0;
    t->next = w->timers;
    w->timers = t;
    bb_timer_init(&t->timer, w->m->clock, timer_fired, t);
    bb_timer_mod(&t->timer, bb_clock_now(w->m->clock) + ns);
    push_handle(L, BB_LUA_TIMER, w, t);
    return 1;
}

/* m:after(time, fn): fn() once, `time` of virtual time from now. */
static int m_after(lua_State *L)
{
    return add_timer(L, false);
}

/* m:every(period, fn): fn() every period of virtual time, until cancelled. */
static int m_every(lua_State *L)
{
    return add_timer(L, true);
}

/* timer:cancel() */
static int timer_cancel(lua_State *L)
{
    handle *h = check_handle(L, BB_LUA_TIMER);
    lua_timer_rec *t = h->rec;
    bb_timer_del(&t->timer);
    bb_lua_drop(t->w, L, t->key);
    t->key = 0;
    return 0;
}

static int timer_active(lua_State *L)
{
    handle *h = luaL_checkudata(L, 1, BB_LUA_TIMER);
    lua_timer_rec *t = h->rec;
    lua_pushboolean(L, !h->w->closed && t->key && bb_timer_armed(&t->timer));
    return 1;
}

/* ---- closing ---- */

void bb_lua_hooks_close(lua_State *L, lua_machine *w)
{
    while (w->hooks) {
        lua_hook_rec *r = w->hooks;
        w->hooks = r->next;
        remove_hook(L, r);
        free(r);
    }
    if (w->cpu_listener) bb_instrument_remove_cpu_listener(w->m, w->cpu_listener);
    w->cpu_listener = 0;
    while (w->timers) {
        lua_timer_rec *t = w->timers;
        w->timers = t->next;
        bb_timer_del(&t->timer);
        free(t);
    }
}

/* ---- registration ---- */

void bb_lua_machine_hook_methods(lua_State *L, int methods)
{
    static const luaL_Reg functions[] = {
        {"on_exec", m_on_exec},
        {"on_read", m_on_read},
        {"on_write", m_on_write},
        {"on_exception", m_on_exception},
        {"on_interrupt", m_on_interrupt},
        {"after", m_after},
        {"every", m_every},
        {NULL, NULL},
    };
    lua_pushvalue(L, methods);
    luaL_setfuncs(L, functions, 0);
    lua_pop(L, 1);
}

void bb_lua_register_hooks(lua_State *L)
{
    static const luaL_Reg hook_methods[] = {
        {"remove", hook_remove},
        {"active", hook_active},
        {NULL, NULL},
    };
    bb_lua_new_class(L, BB_LUA_HOOK, hook_methods);
    static const luaL_Reg timer_methods[] = {
        {"cancel", timer_cancel},
        {"active", timer_active},
        {NULL, NULL},
    };
    bb_lua_new_class(L, BB_LUA_TIMER, timer_methods);
}
