/*
 * lua_machine.c: the machine object of the `bb` module: bb.machine{...}, loading images,
 * reset, the run loop behind m:run / m:run_until / expect (bounds in instructions and
 * virtual time, stops from hooks, Lua conditions, the runaway-guest guard), snapshots,
 * symbols, and the machinery of callbacks (their thread, errors, stop requests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/board.h"
#include "core/snapshot.h"
#include "jit/cpu.h"
#include "jit/instrument.h"
#include "scripting/lua_internal.h"

/* ---- the machine's table of Lua values ---- */

int bb_lua_store(lua_machine *w, lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->table);
    lua_pushvalue(L, idx);
    int key = ++w->next_key;
    lua_rawseti(L, -2, key);
    lua_pop(L, 1);
    return key;
}

void bb_lua_fetch(lua_machine *w, lua_State *L, int key)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->table);
    lua_rawgeti(L, -1, key);
    lua_remove(L, -2);
}

void bb_lua_drop(lua_machine *w, lua_State *L, int key)
{
    if (!key || w->table == LUA_NOREF) return;
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->table);
    lua_pushnil(L);
    lua_rawseti(L, -2, key);
    lua_pop(L, 1);
}

/* ---- callbacks and errors ---- */

void bb_lua_stop(lua_machine *w, lua_stop_cause cause)
{
    if (cause > w->cause) w->cause = cause;
    if (!w->m) return;
    bb_machine_request_stop(w->m);
    if (w->m->running) bb_cpu_exit_request(w->m->running);
}

lua_State *bb_lua_begin_callback(lua_machine *w, int key, int *top)
{
    lua_State *cb = w->cb;
    *top = lua_gettop(cb);
    luaL_checkstack(cb, 16, "callback");
    bb_lua_fetch(w, cb, key);
    return cb;
}

bool bb_lua_call_callback(lua_machine *w, int nargs, int nresults)
{
    lua_State *cb = w->cb;
    lua_session *s = bb_lua_session(cb);
    uint64_t used = s->script_used; /* a callback has a budget of its own */
    s->script_used = 0;
    bool nested = w->in_callback;
    w->in_callback = true;
    int status = lua_pcall(cb, nargs, nresults, 0);
    w->in_callback = nested;
    s->script_used = used;
    if (status != LUA_OK) {
        bb_lua_record_error(w);
        return false;
    }
    if (w->wake_on_callback && !nested) bb_lua_stop(w, CAUSE_EVENT);
    return true;
}

void bb_lua_end_callback(lua_machine *w, int top)
{
    lua_settop(w->cb, top);
}

/* The error value as text (for another state or stderr). */
static const char *error_text(lua_State *L, int idx)
{
    if (lua_type(L, idx) == LUA_TTABLE) {
        lua_getfield(L, idx, "message");
        const char *msg = lua_tostring(L, -1);
        lua_pop(L, 1);
        if (msg) return msg;
    }
    const char *msg = lua_tostring(L, idx);
    return msg ? msg : "(an error object that is not a string)";
}

void bb_lua_record_error(lua_machine *w)
{
    lua_State *cb = w->cb;
    if (w->error_sink && !w->error_sink->closed) {
        lua_machine *sink = w->error_sink;
        lua_pushstring(sink->cb, error_text(cb, -1));
        bb_lua_record_error(sink);
    } else if (!w->has_error) {
        if (w->print_errors) {
            fprintf(stderr, "brassboard: %s\n", error_text(cb, -1));
            fflush(stderr);
        }
        lua_rawgeti(cb, LUA_REGISTRYINDEX, w->table);
        lua_pushvalue(cb, -2);
        lua_setfield(cb, -2, "error");
        lua_pop(cb, 1);
        w->has_error = true;
    }
    lua_pop(cb, 1);
    bb_lua_stop(w, CAUSE_ERROR);
}

void bb_lua_raise_pending(lua_State *L, lua_machine *w)
{
    if (!w->has_error) return;
    w->has_error = false;
    lua_rawgeti(L, LUA_REGISTRYINDEX, w->table);
    lua_getfield(L, -1, "error");
    lua_pushnil(L);
    lua_setfield(L, -3, "error");
    lua_error(L);
}

/* ---- the object ---- */

static void limit_reached(void *opaque)
{
    bb_lua_stop(opaque, CAUSE_TIME);
}

lua_machine *bb_lua_push_machine(lua_State *L, bb_machine *m, bool owned)
{
    lua_machine *w = lua_newuserdatauv(L, sizeof(*w), 1);
    memset(w, 0, sizeof(*w));
    w->table = LUA_NOREF;
    w->m = m;
    w->owned = owned;
    lua_newtable(L); /* cached views: mem, phys, regs, uarts */
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, BB_LUA_MACHINE);
    lua_newtable(L); /* the table of Lua values */
    w->cb = lua_newthread(L);
    lua_setfield(L, -2, "thread");
    w->table = luaL_ref(L, LUA_REGISTRYINDEX);
    /* The weak map from machines to their objects. */
    lua_getfield(L, LUA_REGISTRYINDEX, "bb.objects");
    lua_pushlightuserdata(L, w);
    lua_pushvalue(L, -3);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    bb_timer_init(&w->limit_timer, m->clock, limit_reached, w);
    for (int i = 0; i < BB_MAX_SERIALS; i++) {
        w->uart[i].w = w;
        w->uart[i].index = i;
    }
    return w;
}

void bb_lua_push_machine_object(lua_State *L, lua_machine *w)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "bb.objects");
    lua_pushlightuserdata(L, w);
    lua_rawget(L, -2);
    lua_remove(L, -2);
}

lua_machine *bb_lua_check_machine(lua_State *L, int idx)
{
    lua_machine *w = luaL_checkudata(L, idx, BB_LUA_MACHINE);
    if (w->closed) luaL_error(L, "the machine is closed");
    return w;
}

void bb_lua_close_machine(lua_State *L, lua_machine *w)
{
    if (w->closed) return;
    if (w->running) luaL_error(L, "a running machine cannot be closed");
    bb_lua_hooks_close(L, w);
    bb_lua_uarts_close(w);
    bb_timer_del(&w->limit_timer);
    bb_lua_adopt_device_errors(w, false);
    bb_lua_devices_detach(w);
    if (w->owned) bb_machine_free(w->m);
    w->m = NULL;
    bb_symbols_free(w->symbols);
    w->symbols = NULL;
    luaL_unref(L, LUA_REGISTRYINDEX, w->table);
    w->table = LUA_NOREF;
    w->closed = true;
}

static int machine_gc(lua_State *L)
{
    lua_machine *w = luaL_checkudata(L, 1, BB_LUA_MACHINE);
    if (!w->running) bb_lua_close_machine(L, w);
    return 0;
}

static int machine_close(lua_State *L)
{
    lua_machine *w = luaL_checkudata(L, 1, BB_LUA_MACHINE);
    bb_lua_close_machine(L, w);
    return 0;
}

static int machine_tostring(lua_State *L)
{
    lua_machine *w = luaL_checkudata(L, 1, BB_LUA_MACHINE);
    if (w->closed)
        lua_pushliteral(L, "bb.machine (closed)");
    else
        lua_pushfstring(L, "bb.machine (%s)", w->m->board_name);
    return 1;
}

/* m.mem, m.phys, m.regs are views created on first use; everything else is a method. */
static int machine_index(lua_State *L)
{
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    if (!lua_isnil(L, -1)) return 1;
    const char *key = lua_tostring(L, 2);
    if (!key) return 1;
    bool phys = strcmp(key, "phys") == 0;
    if (!phys && strcmp(key, "mem") != 0 && strcmp(key, "regs") != 0) return 1;
    bb_lua_check_machine(L, 1);
    lua_getiuservalue(L, 1, 1);
    lua_getfield(L, -1, key);
    if (!lua_isnil(L, -1)) return 1;
    lua_pop(L, 1);
    if (strcmp(key, "regs") == 0)
        bb_lua_push_registers(L, 1);
    else
        bb_lua_push_memory_view(L, 1, phys);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, key);
    return 1;
}

/* ---- creating machines ---- */

static bool is_elf(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char magic[4] = {0};
    if (!f) return true; /* the ELF loader names the error */
    size_t got = fread(magic, 1, 4, f);
    fclose(f);
    return got == 4 && memcmp(magic, "\177ELF", 4) == 0;
}

/* The entry point the CPU was given, with bit 0 for Thumb, so that reset goes back there. */
static void remember_entry(lua_machine *w)
{
    bb_cpu *cpu = w->m->cpus[0];
    uint64_t pc = cpu->ops->reg_read(cpu, 15);
    int cpsr = bb_cpu_reg_find(cpu, "cpsr");
    bool thumb = cpsr >= 0 && (cpu->ops->reg_read(cpu, cpsr) & 0x20);
    w->entry = pc | (thumb ? 1 : 0);
    w->has_entry = true;
}

static void load_image(lua_State *L, lua_machine *w, const char *path, bool raw, uint64_t addr)
{
    char err[512];
    bool ok;
    if (raw || !is_elf(path)) {
        ok = bb_machine_load_raw(w->m, path, raw ? addr : w->m->ram_base, err, sizeof(err));
    } else {
        ok = bb_machine_load_elf(w->m, path, err, sizeof(err)) &&
             bb_symbols_add_elf(&w->symbols, path, err, sizeof(err));
    }
    if (!ok) luaL_error(L, "%s", err);
    remember_entry(w);
    w->exited = false;
}

void bb_lua_note_image(lua_machine *w, const char *path)
{
    char err[256];
    if (path && is_elf(path)) bb_symbols_add_elf(&w->symbols, path, err, sizeof(err));
    remember_entry(w);
}

static const char *const machine_options[] = {"board",  "image",  "load_address", "jit",
                                              "icount", "memory", "semihosting",  "log",
                                              "serial", NULL};

static void read_machine_options(lua_State *L, bb_machine_options *opts)
{
    bb_lua_check_options(L, 1, "bb.machine", machine_options);
    if (lua_getfield(L, 1, "board") != LUA_TNIL) opts->board = luaL_checkstring(L, -1);
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "jit") != LUA_TNIL) {
        static const char *const kinds[] = {"native", "interp", NULL};
        opts->jit = luaL_checkoption(L, -1, NULL, kinds) ? BB_JIT_INTERP : BB_JIT_NATIVE;
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "icount") != LUA_TNIL) {
        lua_Integer ns = luaL_checkinteger(L, -1);
        if (ns < 1 || ns > 1000000) luaL_error(L, "bb.machine: icount is 1 to 1000000 ns");
        opts->ns_per_insn = (uint32_t)ns;
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "memory") != LUA_TNIL)
        opts->memory_size = (uint64_t)luaL_checkinteger(L, -1);
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "semihosting") != LUA_TNIL) {
        static const char *const modes[] = {"off", "console", "full", NULL};
        opts->semihosting = (bb_semihosting_mode)luaL_checkoption(L, -1, NULL, modes);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "log") != LUA_TNIL) {
        char err[128];
        if (!bb_log_parse(luaL_checkstring(L, -1), &opts->log_mask, err, sizeof(err)))
            luaL_error(L, "bb.machine: log: %s", err);
    }
    lua_pop(L, 1);
    /* Serial ports are captured by the script; their backends default to "null". */
    for (int i = 0; i < BB_MAX_SERIALS; i++)
        opts->serial[i] = "null";
    if (lua_getfield(L, 1, "serial") == LUA_TTABLE) {
        for (int i = 0; i < BB_MAX_SERIALS; i++) {
            if (lua_geti(L, -1, i) != LUA_TNIL) opts->serial[i] = luaL_checkstring(L, -1);
            lua_pop(L, 1);
        }
    } else if (!lua_isnil(L, -1)) {
        luaL_error(L, "bb.machine: serial is a table {[0] = \"stdio\", ...}");
    }
    lua_pop(L, 1);
}

/* The runner closes machines created during a test when the test ends. */
static void register_with_test(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, "bb.test_machines") == LUA_TTABLE) {
        lua_pushvalue(L, -2);
        lua_rawseti(L, -2, (lua_Integer)luaL_len(L, -2) + 1);
    }
    lua_pop(L, 1);
}

/* bb.machine{board=, image=, load_address=, jit=, icount=, memory=, semihosting=, log=,
 * serial=} */
static int bb_machine_create(lua_State *L)
{
    if (lua_isnoneornil(L, 1))
        lua_newtable(L);
    else if (lua_type(L, 1) == LUA_TSTRING) { /* bb.machine("versatilepb") */
        lua_createtable(L, 0, 1);
        lua_pushvalue(L, 1);
        lua_setfield(L, -2, "board");
        lua_replace(L, 1);
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    bb_machine_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.semihosting = BB_SEMIHOSTING_CONSOLE;
    read_machine_options(L, &opts);
    /* Keep the strings alive: they are in the options table at index 1. */
    char err[512] = "";
    bb_machine *m = bb_machine_new(&opts, err, sizeof(err));
    if (!m) return luaL_error(L, "bb.machine: %s", err);
    lua_machine *w = bb_lua_push_machine(L, m, true);
    bb_lua_uarts_open(w);
    bb_lua_adopt_device_errors(w, true);
    register_with_test(L);
    if (lua_getfield(L, 1, "image") != LUA_TNIL) {
        const char *path = luaL_checkstring(L, -1);
        bool raw = lua_getfield(L, 1, "load_address") != LUA_TNIL;
        uint64_t addr = raw ? (uint64_t)luaL_checkinteger(L, -1) : 0;
        lua_pop(L, 1);
        load_image(L, w, path, raw, addr);
    }
    lua_pop(L, 1);
    return 1;
}

/* ---- methods: images, reset, state ---- */

/* m:load(path [, address]): an ELF (its symbols too), or a raw binary at address. */
static int m_load(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    const char *path = luaL_checkstring(L, 2);
    bool raw = !lua_isnoneornil(L, 3);
    if (w->running) return luaL_error(L, "m:load: the machine is running");
    load_image(L, w, path, raw, raw ? (uint64_t)luaL_checkinteger(L, 3) : 0);
    return 0;
}

/* m:load_symbols(path): symbols of an ELF file that is not loaded (a ROM, a bootloader). */
static int m_load_symbols(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    char err[512];
    if (!bb_symbols_add_elf(&w->symbols, luaL_checkstring(L, 2), err, sizeof(err)))
        return luaL_error(L, "%s", err);
    return 0;
}

static int m_reset(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    if (w->running) return luaL_error(L, "m:reset: the machine is running (stop it first)");
    bb_machine_reset(w->m);
    if (w->has_entry) w->m->cpu_model->set_entry(w->m->cpus[0], w->entry);
    w->exited = false;
    bb_lua_raise_pending(L, w);
    return 0;
}

static int m_icount(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    lua_pushinteger(L, (lua_Integer)bb_machine_icount(w->m));
    return 1;
}

static int m_now(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    lua_pushinteger(L, (lua_Integer)bb_clock_now(w->m->clock));
    return 1;
}

/* m:exit_code(): the guest's semihosting exit code, or nil while it has not exited. */
static int m_exit_code(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    if (w->exited)
        lua_pushinteger(L, w->m->exit_code);
    else
        lua_pushnil(L);
    return 1;
}

static int m_board(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    lua_pushstring(L, w->m->board_name);
    return 1;
}

/* ---- symbols ---- */

/* m:symbol(name) -> address, size (nil when there is none) */
static int m_symbol(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    const bb_symbol *sym = bb_symbols_find(w->symbols, luaL_checkstring(L, 2));
    if (!sym) return 0;
    lua_pushinteger(L, (lua_Integer)sym->addr);
    lua_pushinteger(L, (lua_Integer)sym->size);
    return 2;
}

/* m:symbol_at(address) -> name, offset (nil when no symbol covers it) */
static int m_symbol_at(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    uint64_t addr = (uint64_t)luaL_checkinteger(L, 2);
    const bb_symbol *sym = bb_symbols_at(w->symbols, addr);
    if (!sym) return 0;
    lua_pushstring(L, sym->name);
    lua_pushinteger(L, (lua_Integer)(addr - sym->addr));
    return 2;
}

/* m:range(symbol) -> {start, end}: the bytes of a function or object (end exclusive). */
static int m_range(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    const char *name = luaL_checkstring(L, 2);
    const bb_symbol *sym = bb_symbols_find(w->symbols, name);
    if (!sym) return luaL_error(L, "no symbol '%s' in the loaded images", name);
    lua_createtable(L, 2, 0);
    lua_pushinteger(L, (lua_Integer)sym->addr);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, (lua_Integer)(sym->addr + (sym->size ? sym->size : 1)));
    lua_rawseti(L, -2, 2);
    return 1;
}

/* ---- running ---- */

static bb_hook_result until_pc_reached(void *opaque, bb_cpu *cpu, uint32_t pc)
{
    (void)opaque, (void)cpu, (void)pc;
    return BB_HOOK_STOP;
}

/* The run's Lua condition (at idx in L, the thread running the method). */
static bool condition_met(lua_State *L, lua_machine *w, int idx)
{
    lua_pushvalue(L, idx);
    if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
        lua_xmove(L, w->cb, 1);
        bb_lua_record_error(w);
        return false;
    }
    bool met = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return met;
}

const char *bb_lua_run(lua_State *L, lua_machine *w, const lua_run_spec *spec)
{
    bb_machine *m = w->m;
    if (w->running) luaL_error(L, "the machine is already running (a run from inside a hook?)");
    if (w->exited)
        luaL_error(L, "the guest has exited (code %d): reset, load or restore the machine first",
                   m->exit_code);
    lua_session *s = bb_lua_session(L);
    bool guarded = !spec->has_insns && !spec->has_time;
    uint64_t bound = spec->has_insns ? spec->insns : guarded ? s->guest_limit : 0;
    uint64_t start = bb_machine_icount(m);
    int until_hook = 0;
    if (spec->has_until_pc) {
        until_hook = bb_hook_add_exec(m, spec->until_pc, spec->until_pc, until_pc_reached, w);
        if (!until_hook) luaL_error(L, "out of memory");
    }
    if (spec->has_time) bb_timer_mod(&w->limit_timer, bb_clock_now(m->clock) + spec->time_ns);
    if (spec->wait) spec->wait->uart->wake = true;
    w->running = true;
    w->wake_on_callback = spec->until_idx != 0;
    const char *reason = NULL;
    bool guard_hit = false;
    while (!reason) {
        uint64_t done = bb_machine_icount(m) - start;
        if (bound && done >= bound) {
            if (guarded) guard_hit = true;
            reason = "insns";
            break;
        }
        uint64_t chunk = bound ? bound - done : 0;
        if (spec->until_idx && spec->poll && (!chunk || chunk > spec->poll)) chunk = spec->poll;
        w->cause = CAUSE_NONE;
        bb_stop_reason why = bb_machine_run(m, chunk);
        lua_stop_cause cause = w->cause;
        if (w->has_error) break;
        if (why == BB_STOP_EXIT) {
            w->exited = true;
            reason = "exit";
        } else if (why == BB_STOP_BREAK && until_hook &&
                   bb_machine_break_info(m).hook_id == until_hook) {
            reason = "until";
        } else if (cause == CAUSE_USER || why == BB_STOP_BREAK) {
            reason = "stop";
        } else if (why == BB_STOP_HALTED) {
            reason = "halt";
        } else if (cause == CAUSE_TIME) {
            reason = "time";
        } else if (spec->wait && bb_lua_uart_check(L, spec->wait)) {
            reason = "until";
        } else if (spec->until_idx && condition_met(L, w, spec->until_idx)) {
            reason = "until";
        } else if (why == BB_STOP_REQUEST && cause == CAUSE_NONE) {
            reason = "stop"; /* asked from outside (a signal) */
        }
        /* Otherwise a poll or an event whose condition does not hold yet: go on (unless
         * checking the condition failed). */
        if (w->has_error) break;
    }
    bb_timer_del(&w->limit_timer);
    if (until_hook) bb_hook_remove(m, until_hook);
    if (spec->wait) spec->wait->uart->wake = false;
    w->running = false;
    w->wake_on_callback = false;
    w->cause = CAUSE_NONE;
    bb_lua_raise_pending(L, w);
    if (guard_hit)
        luaL_error(L,
                   "the guest ran %I instructions without stopping (runaway guest? give the run "
                   "a bound or raise bb.limits.insns)",
                   (lua_Integer)bound);
    return reason;
}

static int push_run_result(lua_State *L, lua_machine *w, const char *reason)
{
    lua_pushstring(L, reason);
    if (strcmp(reason, "exit") != 0) return 1;
    lua_pushinteger(L, w->m->exit_code);
    return 2;
}

static void read_bounds(lua_State *L, int idx, lua_run_spec *spec, const char *what)
{
    static const char *const known[] = {"insns", "time", "timeout", "poll", NULL};
    if (lua_isnoneornil(L, idx)) return;
    luaL_checktype(L, idx, LUA_TTABLE);
    bb_lua_check_options(L, idx, what, known);
    if (lua_getfield(L, idx, "insns") != LUA_TNIL) {
        spec->has_insns = true;
        spec->insns = (uint64_t)luaL_checkinteger(L, -1);
    }
    lua_pop(L, 1);
    for (int i = 0; i < 2; i++) {
        if (lua_getfield(L, idx, i ? "timeout" : "time") != LUA_TNIL) {
            spec->has_time = true;
            spec->time_ns = bb_lua_check_time(L, -1);
        }
        lua_pop(L, 1);
    }
    if (lua_getfield(L, idx, "poll") != LUA_TNIL) spec->poll = (uint64_t)luaL_checkinteger(L, -1);
    lua_pop(L, 1);
}

/* m:run([{insns=N, time=T}]) -> reason [, exit code]: runs until the guest exits or
 * halts, a hook stops it, or a bound is reached. With no bound, bb.limits.insns guards
 * against a runaway guest (an error). */
static int m_run(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    lua_run_spec spec;
    memset(&spec, 0, sizeof(spec));
    read_bounds(L, 2, &spec, "m:run");
    return push_run_result(L, w, bb_lua_run(L, w, &spec));
}

/* m:run_until(condition [, {timeout=T, insns=N, poll=N}]) -> true | false, reason.
 * The condition is an address or symbol (stops before it executes) or a function checked
 * after every callback and every `poll` instructions (default 1000). Without a bound the
 * run is limited to bb.limits.timeout of virtual time. */
static int m_run_until(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    lua_settop(L, 3);
    lua_run_spec spec;
    memset(&spec, 0, sizeof(spec));
    read_bounds(L, 3, &spec, "m:run_until");
    if (!spec.has_insns && !spec.has_time) {
        spec.has_time = true;
        spec.time_ns = bb_lua_session(L)->timeout_ns;
    }
    if (lua_isfunction(L, 2)) {
        lua_pushvalue(L, 2);
        lua_call(L, 0, 1);
        if (lua_toboolean(L, -1)) return 1; /* already true: nothing runs */
        lua_pop(L, 1);
        spec.until_idx = 2;
        if (!spec.poll) spec.poll = 1000;
    } else {
        spec.has_until_pc = true;
        spec.until_pc = (uint32_t)bb_lua_check_address(L, w, 2);
    }
    const char *reason = bb_lua_run(L, w, &spec);
    if (strcmp(reason, "until") == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    lua_pushboolean(L, 0);
    lua_pushstring(L, reason);
    return 2;
}

/* m:stop(): from a hook or callback, ends the current run at the next block boundary (an
 * exec hook's instruction does not execute). */
static int m_stop(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    bb_lua_stop(w, CAUSE_USER);
    return 0;
}

/* ---- snapshots ---- */

typedef struct lua_snapshot {
    bb_snapshot *snap;
    lua_machine *w;
} lua_snapshot;

static int snapshot_gc(lua_State *L)
{
    lua_snapshot *s = luaL_checkudata(L, 1, BB_LUA_SNAPSHOT);
    bb_snapshot_free(s->snap);
    s->snap = NULL;
    return 0;
}

static int snapshot_size(lua_State *L)
{
    lua_snapshot *s = luaL_checkudata(L, 1, BB_LUA_SNAPSHOT);
    lua_pushinteger(L, s->snap ? (lua_Integer)bb_snapshot_size(s->snap) : 0);
    return 1;
}

/* m:snapshot() -> snapshot: the whole machine state, restorable with m:restore. */
static int m_snapshot(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    if (w->running) return luaL_error(L, "m:snapshot: not while the machine runs");
    lua_snapshot *s = lua_newuserdatauv(L, sizeof(*s), 1);
    s->snap = NULL;
    s->w = w;
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, BB_LUA_SNAPSHOT);
    char err[256];
    s->snap = bb_snapshot_take(w->m, err, sizeof(err));
    bb_lua_raise_pending(L, w);
    if (!s->snap) return luaL_error(L, "m:snapshot: %s", err);
    return 1;
}

/* m:restore(snapshot): the machine continues exactly as it did after the snapshot. */
static int m_restore(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    lua_snapshot *s = luaL_checkudata(L, 2, BB_LUA_SNAPSHOT);
    if (w->running) return luaL_error(L, "m:restore: not while the machine runs");
    if (s->w != w || !s->snap)
        return luaL_error(L, "m:restore: the snapshot is from another machine");
    char err[256];
    bool ok = bb_snapshot_restore(w->m, s->snap, err, sizeof(err));
    bb_lua_raise_pending(L, w);
    if (!ok) return luaL_error(L, "m:restore: %s", err);
    w->exited = false;
    return 0;
}

/* ---- registration ---- */

void bb_lua_register_machine(lua_State *L)
{
    /* The weak map from machine structures to their objects. */
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "v");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, "bb.objects");

    static const luaL_Reg methods[] = {
        {"load", m_load},
        {"load_symbols", m_load_symbols},
        {"reset", m_reset},
        {"run", m_run},
        {"run_until", m_run_until},
        {"stop", m_stop},
        {"icount", m_icount},
        {"now", m_now},
        {"exit_code", m_exit_code},
        {"board", m_board},
        {"symbol", m_symbol},
        {"symbol_at", m_symbol_at},
        {"range", m_range},
        {"snapshot", m_snapshot},
        {"restore", m_restore},
        {"close", machine_close},
        {NULL, NULL},
    };
    luaL_newmetatable(L, BB_LUA_MACHINE);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    int methods_idx = lua_gettop(L);
    bb_lua_machine_memory_methods(L, methods_idx);
    bb_lua_machine_hook_methods(L, methods_idx);
    bb_lua_machine_uart_methods(L, methods_idx);
    bb_lua_machine_device_methods(L, methods_idx);
    bb_lua_machine_route_methods(L, methods_idx);
    lua_pushcclosure(L, machine_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, machine_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, machine_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    static const luaL_Reg snapshot_methods[] = {
        {"size", snapshot_size},
        {"__gc", snapshot_gc},
        {NULL, NULL},
    };
    bb_lua_new_class(L, BB_LUA_SNAPSHOT, snapshot_methods);

    lua_pushcfunction(L, bb_machine_create);
    lua_setfield(L, -2, "machine");
}
