/*
 * run_script.c: `brassboard run ... --script FILE.lua`. The script runs once the machine
 * is built and its image loaded, with the global `machine` bound to it (and `bb`); it sets
 * hooks, devices and timers, and may drive the run itself. Then, unless the guest already
 * exited, the machine runs as it would without a script, with the script's callbacks in
 * place. A script error, when loading or in a callback, ends everything with a message
 * that names file:line.
 */
#include <stdio.h>
#include <string.h>

#include "jit/cpu.h"
#include "scripting/lua_internal.h"
#include "scripting/script.h"

static void set_script_dir(lua_State *L, const char *path)
{
    const char *slash = strrchr(path, '/');
    lua_getglobal(L, "bb");
    if (slash)
        lua_pushlstring(L, path, (size_t)(slash - path));
    else
        lua_pushliteral(L, ".");
    lua_setfield(L, -2, "script_dir");
    lua_pop(L, 1);
}

/* The message of a failure object or error value at the top of L. */
static void error_message(lua_State *L, char *err, size_t errlen)
{
    if (lua_type(L, -1) == LUA_TTABLE && luaL_getmetafield(L, -1, "__tostring") != LUA_TNIL)
        lua_pop(L, 1);
    snprintf(err, errlen, "%s", luaL_tolstring(L, -1, NULL));
    lua_pop(L, 1);
}

bb_stop_reason bb_script_run(bb_machine *m, const char *script, const char *image,
                             uint64_t max_insns, char *err, size_t errlen)
{
    lua_session session = {BB_LUA_DEFAULT_SCRIPT_LIMIT, 0, BB_LUA_DEFAULT_GUEST_LIMIT,
                           BB_LUA_DEFAULT_TIMEOUT_NS};
    err[0] = 0;
    lua_State *L = bb_lua_new_state(&session);
    if (!L) {
        snprintf(err, errlen, "out of memory");
        return BB_STOP_NONE;
    }
    set_script_dir(L, script);
    lua_machine *w = bb_lua_push_machine(L, m, false);
    bb_lua_uarts_open(w);
    bb_lua_adopt_device_errors(w, true);
    bb_lua_note_image(w, image);
    lua_setglobal(L, "machine");
    bb_stop_reason why = BB_STOP_NONE;
    if (luaL_loadfile(L, script) != LUA_OK || lua_pcall(L, 0, 0, 0) != LUA_OK) {
        error_message(L, err, errlen);
    } else if (w->exited) {
        why = BB_STOP_EXIT; /* the script ran the guest to its end */
    } else {
        w->running = true;
        w->cause = CAUSE_NONE;
        why = bb_machine_run(m, max_insns);
        w->running = false;
        if (w->has_error) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, w->table);
            lua_getfield(L, -1, "error");
            error_message(L, err, errlen);
            why = BB_STOP_NONE;
        } else if (why == BB_STOP_REQUEST && w->cause == CAUSE_USER) {
            why = BB_STOP_BREAK;
        }
        if (why == BB_STOP_BREAK) {
            bb_cpu *cpu = m->cpus[0];
            fprintf(stderr,
                    "brassboard: the script stopped the run at pc 0x%08llx after %llu "
                    "instructions\n",
                    (unsigned long long)cpu->ops->reg_read(cpu, 15),
                    (unsigned long long)bb_machine_icount(m));
        }
    }
    lua_close(L); /* removes the script's hooks, taps and timers; the machine stays */
    return why;
}
