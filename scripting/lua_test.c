/*
 * lua_test.c: the test helpers of the `bb` module: declaring tests and groups (run later
 * by the runner, test_runner.c), skipping, checks that fail with file:line, what was
 * expected and what was seen, and the formatting of values for those reports.
 *   bb.test(name [, {skip = reason}], fn)    bb.group(name [, {skip = reason}], fn)
 *   bb.skip(reason)                          bb.log(...)
 *   bb.check(cond [, message])               bb.check_eq(seen, expected [, what])
 *   bb.check_ne(seen, other [, what])        bb.check_match(s, pattern [, what])
 *   bb.check_error(fn [, pattern])           bb.fail(message)
 * A failed check raises a failure object (a table with message, where, expected, seen);
 * tostring() of it reads like an error message.
 */
#include <stdio.h>
#include <string.h>

#include "scripting/lua_internal.h"

#define FAILURE_CLASS "bb.failure"

/* ---- formatting ---- */

void bb_lua_push_quoted(lua_State *L, const char *s, size_t len, size_t max, bool tail)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    size_t from = 0, to = len;
    bool cut = max && len > max;
    if (cut && tail) from = len - max;
    if (cut && !tail) to = max;
    if (cut && tail) luaL_addstring(&b, "...");
    luaL_addchar(&b, '"');
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        switch (c) {
        case '\n': luaL_addstring(&b, "\\n"); break;
        case '\r': luaL_addstring(&b, "\\r"); break;
        case '\t': luaL_addstring(&b, "\\t"); break;
        case '"': luaL_addstring(&b, "\\\""); break;
        case '\\': luaL_addstring(&b, "\\\\"); break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                luaL_addchar(&b, (char)c);
            } else {
                snprintf(esc, sizeof(esc), "\\x%02x", c);
                luaL_addstring(&b, esc);
            }
        }
    }
    luaL_addchar(&b, '"');
    if (cut && !tail) luaL_addstring(&b, "...");
    luaL_pushresult(&b);
}

void bb_lua_push_duration(lua_State *L, uint64_t ns)
{
    static const struct {
        uint64_t ns;
        const char *unit;
    } units[] = {{1000000000, "s"}, {1000000, "ms"}, {1000, "us"}, {1, "ns"}};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (ns < units[i].ns && units[i].ns > 1) continue;
        char text[48];
        if (ns % units[i].ns == 0)
            snprintf(text, sizeof(text), "%llu %s", (unsigned long long)(ns / units[i].ns),
                     units[i].unit);
        else
            snprintf(text, sizeof(text), "%.3g %s", (double)ns / (double)units[i].ns,
                     units[i].unit);
        lua_pushstring(L, text);
        return;
    }
}

/* Pushes a value as a report shows it: 42 (0x2a), "text", {1, 2, x = 3}, true, nil. */
static void push_value(lua_State *L, int idx, int depth)
{
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            long long v = (long long)lua_tointeger(L, idx);
            char text[64];
            if (v >= 10 || v < 0)
                snprintf(text, sizeof(text), "%lld (0x%llx)", v, (unsigned long long)v);
            else
                snprintf(text, sizeof(text), "%lld", v);
            lua_pushstring(L, text);
        } else {
            char text[64];
            snprintf(text, sizeof(text), "%.14g", lua_tonumber(L, idx));
            lua_pushstring(L, text);
        }
        return;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        bb_lua_push_quoted(L, s, len, 400, false);
        return;
    }
    case LUA_TTABLE: {
        if (depth >= 2) {
            lua_pushliteral(L, "{...}");
            return;
        }
        /* The pieces go into a table first: a luaL_Buffer cannot share the top of the
         * stack with lua_next's keys once it grows. */
        lua_createtable(L, 64, 0);
        int parts = lua_gettop(L), k = 0;
        lua_pushliteral(L, "{");
        lua_rawseti(L, parts, ++k);
        lua_Integer n = (lua_Integer)lua_rawlen(L, idx), shown = 0;
        for (lua_Integer i = 1; i <= n && shown < 20; i++, shown++) {
            if (i > 1) lua_pushliteral(L, ", "), lua_rawseti(L, parts, ++k);
            lua_rawgeti(L, idx, i);
            push_value(L, -1, depth + 1);
            lua_rawseti(L, parts, ++k);
            lua_pop(L, 1);
        }
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 && lua_tointeger(L, -2) <= n) {
                lua_pop(L, 1);
                continue;
            }
            if (shown++ >= 20) {
                lua_pop(L, 2);
                lua_pushliteral(L, ", ...");
                lua_rawseti(L, parts, ++k);
                break;
            }
            if (shown > 1) lua_pushliteral(L, ", "), lua_rawseti(L, parts, ++k);
            if (lua_type(L, -2) == LUA_TSTRING)
                lua_pushvalue(L, -2);
            else {
                lua_pushliteral(L, "[");
                push_value(L, -3, depth + 1);
                lua_pushliteral(L, "]");
                lua_concat(L, 3);
            }
            lua_rawseti(L, parts, ++k);
            lua_pushliteral(L, " = ");
            lua_rawseti(L, parts, ++k);
            push_value(L, -1, depth + 1);
            lua_rawseti(L, parts, ++k);
            lua_pop(L, 1);
        }
        lua_pushliteral(L, "}");
        lua_rawseti(L, parts, ++k);
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (int i = 1; i <= k; i++) {
            lua_rawgeti(L, parts, i);
            luaL_addvalue(&b);
        }
        luaL_pushresult(&b);
        lua_remove(L, parts);
        return;
    }
    default: luaL_tolstring(L, idx, NULL); return;
    }
}

/* ---- failures ---- */

/* "file:line" of the first Lua function from level up (a check called through pcall or
 * another C function is located at the Lua code that called that). */
static void push_where(lua_State *L, int level)
{
    lua_Debug ar;
    for (int l = level; lua_getstack(L, l, &ar); l++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0) {
            level = l;
            break;
        }
    }
    luaL_where(L, level);
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    if (len >= 2 && s[len - 2] == ':' && s[len - 1] == ' ') {
        lua_pushlstring(L, s, len - 2);
        lua_remove(L, -2);
    }
}

int bb_lua_fail_check(lua_State *L, int level, const char *message, const char *expected,
                      const char *seen)
{
    lua_createtable(L, 0, 5);
    lua_pushliteral(L, "fail");
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, message);
    lua_setfield(L, -2, "message");
    push_where(L, level);
    lua_setfield(L, -2, "where");
    if (expected) {
        lua_pushstring(L, expected);
        lua_setfield(L, -2, "expected");
    }
    if (seen) {
        lua_pushstring(L, seen);
        lua_setfield(L, -2, "seen");
    }
    luaL_setmetatable(L, FAILURE_CLASS);
    return lua_error(L);
}

static int failure_tostring(lua_State *L)
{
    lua_getfield(L, 1, "where");
    lua_getfield(L, 1, "message");
    lua_getfield(L, 1, "expected");
    lua_getfield(L, 1, "seen");
    const char *where = lua_tostring(L, 2), *message = lua_tostring(L, 3);
    if (lua_isstring(L, 4))
        lua_pushfstring(L, "%s: %s (expected %s, seen %s)", where ? where : "?",
                        message ? message : "check failed", lua_tostring(L, 4),
                        lua_isstring(L, 5) ? lua_tostring(L, 5) : "?");
    else
        lua_pushfstring(L, "%s: %s", where ? where : "?", message ? message : "check failed");
    return 1;
}

/* A description for messages: "what: " or "". */
static const char *what_prefix(lua_State *L, int idx, const char *fallback)
{
    if (lua_isnoneornil(L, idx)) return fallback;
    return lua_pushfstring(L, "%s: %s", luaL_checkstring(L, idx), fallback);
}

static bool deep_equal(lua_State *L, int a, int b, int depth)
{
    a = lua_absindex(L, a);
    b = lua_absindex(L, b);
    if (lua_type(L, a) != LUA_TTABLE || lua_type(L, b) != LUA_TTABLE || depth > 16)
        return lua_compare(L, a, b, LUA_OPEQ);
    if (lua_rawequal(L, a, b)) return true;
    for (int pass = 0; pass < 2; pass++) { /* every key of a in b, then of b in a */
        int from = pass ? b : a, other = pass ? a : b;
        lua_pushnil(L);
        while (lua_next(L, from)) {
            lua_pushvalue(L, -2);
            lua_rawget(L, other);
            bool same = pass ? !lua_isnil(L, -1) : deep_equal(L, -2, -1, depth + 1);
            lua_pop(L, 2);
            if (!same) {
                lua_pop(L, 1);
                return false;
            }
        }
    }
    return true;
}

static int check_values(lua_State *L, bool want_equal)
{
    lua_settop(L, 3);
    bool equal = deep_equal(L, 1, 2, 0);
    if (equal == want_equal) return 0;
    const char *msg = what_prefix(L, 3, want_equal ? "values differ" : "values are equal");
    push_value(L, 2, 0);
    push_value(L, 1, 0);
    const char *expected = lua_tostring(L, -2);
    if (!want_equal) expected = lua_pushfstring(L, "not %s", expected);
    return bb_lua_fail_check(L, 1, msg, expected, lua_tostring(L, want_equal ? -1 : -2));
}

/* bb.check_eq(seen, expected [, what]) */
static int bb_check_eq(lua_State *L)
{
    return check_values(L, true);
}

/* bb.check_ne(seen, other [, what]) */
static int bb_check_ne(lua_State *L)
{
    return check_values(L, false);
}

/* bb.check(cond [, message]) */
static int bb_check(lua_State *L)
{
    luaL_checkany(L, 1);
    if (lua_toboolean(L, 1)) return 0;
    const char *msg = luaL_optstring(L, 2, "check failed");
    push_value(L, 1, 0);
    return bb_lua_fail_check(L, 1, msg, "a true value", lua_tostring(L, -1));
}

/* bb.check_match(s, pattern [, what]) -> the captures */
static int bb_check_match(lua_State *L)
{
    luaL_checkstring(L, 2);
    lua_settop(L, 3);
    if (lua_type(L, 1) == LUA_TSTRING) {
        lua_getglobal(L, "string");
        lua_getfield(L, -1, "match");
        lua_pushvalue(L, 1);
        lua_pushvalue(L, 2);
        lua_call(L, 2, LUA_MULTRET);
        if (!lua_isnil(L, 5)) return lua_gettop(L) - 4;
    }
    const char *msg = what_prefix(L, 3, "no match");
    const char *expected = lua_pushfstring(L, "a string matching '%s'", lua_tostring(L, 2));
    push_value(L, 1, 0);
    return bb_lua_fail_check(L, 1, msg, expected, lua_tostring(L, -1));
}

/* bb.check_error(fn [, pattern]) -> the error message: fn must raise an error (matching). */
static int bb_check_error(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 2);
    lua_pushvalue(L, 1);
    if (lua_pcall(L, 0, 0, 0) == LUA_OK)
        return bb_lua_fail_check(L, 1, "no error was raised", "an error", "none");
    const char *text = luaL_tolstring(L, -1, NULL);
    if (!lua_isnil(L, 2)) {
        lua_getglobal(L, "string");
        lua_getfield(L, -1, "find");
        lua_pushstring(L, text);
        lua_pushvalue(L, 2);
        lua_call(L, 2, 1);
        if (lua_isnil(L, -1)) {
            const char *expected = lua_pushfstring(L, "an error matching '%s'", lua_tostring(L, 2));
            bb_lua_push_quoted(L, text, strlen(text), 400, false);
            return bb_lua_fail_check(L, 1, "the error differs", expected, lua_tostring(L, -1));
        }
    }
    lua_pushstring(L, text);
    return 1;
}

/* bb.fail(message) */
static int bb_fail(lua_State *L)
{
    return bb_lua_fail_check(L, 1, luaL_optstring(L, 1, "failed"), NULL, NULL);
}

/* bb.skip(reason): ends the running test as skipped. */
static int bb_skip(lua_State *L)
{
    lua_createtable(L, 0, 2);
    lua_pushliteral(L, "skip");
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, luaL_optstring(L, 1, "skipped"));
    lua_setfield(L, -2, "message");
    luaL_setmetatable(L, FAILURE_CLASS);
    return lua_error(L);
}

/* bb.log(...): a note for the running test's report (TAP comment, JUnit system-out). */
static int bb_log_note(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1) luaL_addchar(&b, ' ');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    if (lua_getfield(L, LUA_REGISTRYINDEX, "bb.log") != LUA_TTABLE) {
        fprintf(stderr, "%s\n", lua_tostring(L, -2));
        return 0;
    }
    lua_pushvalue(L, -2);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    return 0;
}

/* ---- declaring tests ---- */

/* The group tests are added to (created on first use: the suite's root). */
static void push_current_group(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, "bb.current_group") == LUA_TTABLE) return;
    lua_pop(L, 1);
    lua_createtable(L, 0, 3);
    lua_pushliteral(L, "group");
    lua_setfield(L, -2, "kind");
    lua_newtable(L);
    lua_setfield(L, -2, "items");
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "bb.suite");
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "bb.current_group");
}

/* name [, opts], fn -> a new item table on the stack, appended to the current group. */
static void declare(lua_State *L, const char *kind)
{
    const char *name = luaL_checkstring(L, 1);
    int fn = lua_istable(L, 2) ? 3 : 2;
    luaL_checktype(L, fn, LUA_TFUNCTION);
    if (lua_getfield(L, LUA_REGISTRYINDEX, "bb.running") == LUA_TBOOLEAN)
        luaL_error(L, "bb.%s('%s'): tests are declared when the suite loads, not inside a test",
                   kind, name);
    lua_pop(L, 1);
    lua_createtable(L, 0, 6);
    lua_pushstring(L, kind);
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, name);
    lua_setfield(L, -2, "name");
    lua_pushvalue(L, fn);
    lua_setfield(L, -2, "fn");
    push_where(L, 1);
    lua_setfield(L, -2, "where");
    if (fn == 3) {
        static const char *const known[] = {"skip", NULL};
        bb_lua_check_options(L, 2, kind, known);
        lua_getfield(L, 2, "skip");
        if (lua_toboolean(L, -1)) {
            if (!lua_isstring(L, -1)) {
                lua_pop(L, 1);
                lua_pushliteral(L, "skipped");
            }
            lua_setfield(L, -2, "skip");
        } else {
            lua_pop(L, 1);
        }
    }
    push_current_group(L);
    lua_getfield(L, -1, "items");
    lua_pushvalue(L, -3);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    lua_pop(L, 2);
}

static int bb_test(lua_State *L)
{
    declare(L, "test");
    return 0;
}

/* bb.group(name [, opts], fn): fn declares the group's tests, at once. */
static int bb_group(lua_State *L)
{
    declare(L, "group");
    int group = lua_gettop(L);
    lua_newtable(L);
    lua_setfield(L, group, "items");
    push_current_group(L);
    int outer = lua_gettop(L);
    lua_pushvalue(L, group);
    lua_setfield(L, LUA_REGISTRYINDEX, "bb.current_group");
    lua_getfield(L, group, "fn");
    int status = lua_pcall(L, 0, 0, 0);
    lua_pushvalue(L, outer);
    lua_setfield(L, LUA_REGISTRYINDEX, "bb.current_group");
    if (status != LUA_OK) return lua_error(L);
    return 0;
}

void bb_lua_register_tests(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"test", bb_test},
        {"group", bb_group},
        {"skip", bb_skip},
        {"log", bb_log_note},
        {"check", bb_check},
        {"check_eq", bb_check_eq},
        {"check_ne", bb_check_ne},
        {"check_match", bb_check_match},
        {"check_error", bb_check_error},
        {"fail", bb_fail},
        {NULL, NULL},
    };
    luaL_setfuncs(L, functions, 0);
    luaL_newmetatable(L, FAILURE_CLASS);
    lua_pushcfunction(L, failure_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
}
