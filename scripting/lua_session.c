/*
 * lua_session.c: the `bb` module's frame: opening the module, the per-state session with
 * its limits (bb.limits) and the count hook that stops a runaway script, and the argument
 * helpers every part uses (times, addresses, ranges, option tables, classes, handles).
 */
#include <lualib.h>
#include <stdlib.h>
#include <string.h>

#include "scripting/lua_internal.h"
#include "scripting/script.h"

#define COUNT_STEP 1000 /* Lua instructions between two calls of the count hook */

/* ---- the session ---- */

lua_session *bb_lua_session(lua_State *L)
{
    return *(lua_session **)lua_getextraspace(L);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_session *s = bb_lua_session(L);
    if (!s) return;
    s->script_used += COUNT_STEP;
    if (!s->script_limit || s->script_used <= s->script_limit) return;
    luaL_where(L, 0);
    lua_pushfstring(L,
                    "runaway script: more than %I Lua instructions without returning "
                    "(bb.limits.script)",
                    (lua_Integer)s->script_limit);
    lua_concat(L, 2);
    lua_error(L);
}

void bb_lua_session_install(lua_State *L, lua_session *s)
{
    *(lua_session **)lua_getextraspace(L) = s;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, COUNT_STEP);
}

lua_State *bb_lua_new_state(lua_session *s)
{
    lua_State *L = luaL_newstate();
    if (!L) return NULL;
    bb_lua_session_install(L, s);
    luaL_openlibs(L);
    luaL_requiref(L, "bb", bb_lua_open, 1);
    lua_pop(L, 1);
    return L;
}

/* bb.limits: reads and writes go to the session. */
static const char *const limit_names[] = {"script", "insns", "timeout", NULL};

static uint64_t *limit_field(lua_session *s, int which)
{
    switch (which) {
    case 0: return &s->script_limit;
    case 1: return &s->guest_limit;
    default: return &s->timeout_ns;
    }
}

static int limits_index(lua_State *L)
{
    int which = luaL_checkoption(L, 2, NULL, limit_names);
    lua_pushinteger(L, (lua_Integer)*limit_field(bb_lua_session(L), which));
    return 1;
}

static int limits_newindex(lua_State *L)
{
    int which = luaL_checkoption(L, 2, NULL, limit_names);
    uint64_t value;
    if (which == 2) {
        value = bb_lua_check_time(L, 3);
    } else {
        lua_Number n = luaL_checknumber(L, 3);
        luaL_argcheck(L, n >= 0, 3, "a limit is a count, 0 for none");
        value = (uint64_t)n;
    }
    *limit_field(bb_lua_session(L), which) = value;
    return 0;
}

static void push_limits(lua_State *L)
{
    lua_newtable(L);
    lua_newtable(L);
    lua_pushcfunction(L, limits_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, limits_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, -2);
}

/* ---- helpers ---- */

uint64_t bb_lua_check_time(lua_State *L, int idx)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        lua_Number n = lua_tonumber(L, idx);
        luaL_argcheck(L, n >= 0, idx, "a time is not negative");
        return (uint64_t)(n + 0.5);
    }
    const char *s = luaL_checkstring(L, idx);
    char *end;
    double value = strtod(s, &end);
    while (*end == ' ')
        end++;
    static const struct {
        const char *unit;
        double ns;
    } units[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"", 1}};
    for (size_t i = 0; end != s && value >= 0 && i < sizeof(units) / sizeof(units[0]); i++)
        if (strcmp(end, units[i].unit) == 0) return (uint64_t)(value * units[i].ns + 0.5);
    luaL_error(L, "bad time '%s' (a number of ns, or e.g. \"10ms\", \"5us\", \"1s\")", s);
    return 0;
}

uint64_t bb_lua_check_address(lua_State *L, lua_machine *w, int idx)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        const char *name = lua_tostring(L, idx);
        const bb_symbol *sym = bb_symbols_find(w->symbols, name);
        if (!sym) luaL_error(L, "no symbol '%s' in the loaded images", name);
        return sym->addr;
    }
    lua_Integer a = luaL_checkinteger(L, idx);
    return (uint64_t)a;
}

void bb_lua_check_range(lua_State *L, lua_machine *w, int idx, uint32_t *lo, uint32_t *hi)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TTABLE) {
        lua_geti(L, idx, 1);
        lua_geti(L, idx, 2);
        uint64_t a = bb_lua_check_address(L, w, -2), b = bb_lua_check_address(L, w, -1);
        lua_pop(L, 2);
        if (b <= a)
            luaL_error(L, "empty range {0x%x, 0x%x} (the end is exclusive)", (unsigned)a,
                       (unsigned)b);
        *lo = (uint32_t)a;
        *hi = (uint32_t)(b - 1);
        return;
    }
    if (lua_type(L, idx) == LUA_TSTRING) {
        const bb_symbol *sym = bb_symbols_find(w->symbols, lua_tostring(L, idx));
        if (!sym) luaL_error(L, "no symbol '%s' in the loaded images", lua_tostring(L, idx));
        *lo = (uint32_t)sym->addr;
        *hi = (uint32_t)(sym->addr + (sym->size && !sym->function ? sym->size - 1 : 0));
        return;
    }
    *lo = *hi = (uint32_t)luaL_checkinteger(L, idx);
}

void bb_lua_check_options(lua_State *L, int idx, const char *what, const char *const *known)
{
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        bool ok = false;
        if (lua_type(L, -1) == LUA_TSTRING)
            for (int i = 0; known[i] && !ok; i++)
                ok = strcmp(lua_tostring(L, -1), known[i]) == 0;
        if (!ok) {
            lua_pushvalue(L, -1);
            luaL_error(L, "%s: unknown option '%s'", what, luaL_tolstring(L, -1, NULL));
        }
    }
}

void bb_lua_new_class(lua_State *L, const char *name, const luaL_Reg *methods)
{
    luaL_newmetatable(L, name);
    if (methods) luaL_setfuncs(L, methods, 0);
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

void **bb_lua_new_handle(lua_State *L, const char *class_name, int owner_idx)
{
    owner_idx = lua_absindex(L, owner_idx);
    void **p = lua_newuserdatauv(L, sizeof(void *), 1);
    *p = NULL;
    lua_pushvalue(L, owner_idx);
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, class_name);
    return p;
}

/* ---- the module ---- */

static int bb_version(lua_State *L)
{
    lua_pushliteral(L, "brassboard 0.1, " LUA_RELEASE);
    return 1;
}

/* bb.time(x): a time in nanoseconds, from a number or a string such as "10ms". */
static int bb_time(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)bb_lua_check_time(L, 1));
    return 1;
}

int bb_lua_open(lua_State *L)
{
    if (!bb_lua_session(L)) {
        /* A state opened by someone else: give it a session that lives as long as it. */
        lua_session *s = lua_newuserdatauv(L, sizeof(lua_session), 0);
        s->script_limit = 0;
        s->script_used = 0;
        s->guest_limit = BB_LUA_DEFAULT_GUEST_LIMIT;
        s->timeout_ns = BB_LUA_DEFAULT_TIMEOUT_NS;
        lua_setfield(L, LUA_REGISTRYINDEX, "bb.session");
        bb_lua_session_install(L, s);
    }
    static const luaL_Reg functions[] = {
        {"version", bb_version},
        {"time", bb_time},
        {NULL, NULL},
    };
    luaL_newlib(L, functions);
    push_limits(L);
    lua_setfield(L, -2, "limits");
    lua_pushliteral(L, "stop");
    lua_setfield(L, -2, "STOP");
    int module = lua_gettop(L);
    bb_lua_register_machine(L);
    bb_lua_register_memory(L);
    bb_lua_register_hooks(L);
    bb_lua_register_uart(L);
    bb_lua_register_devices(L);
    bb_lua_register_tests(L);
    lua_settop(L, module);
    return 1;
}
