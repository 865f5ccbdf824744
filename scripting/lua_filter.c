/*
 * lua_filter.c: route filters written in Lua (lua_filter.h; docs/bridge.md, "Lua filters"),
 * in the spirit of SerialICE's filters. A filter is a table with pre(a) and/or post(a); `a`
 * is a table describing one guest access (write, addr, offset, size, value, pc, cpu, time).
 * pre's result says where the access goes: nothing or "hw" (the route's transport),
 * "model" (the filter answers: a read returns a.value, a write goes no further; an integer
 * returned for a read is its value), "bus" (the machine's own bus at a.addr); pre may
 * change a.addr, a.size and a write's a.value. post sees the done access (a.to, a.status,
 * a.value) and may change the value a read returns.
 *
 * The filter of a route's filter=FILE option lives in a Lua state of its own, with `bb` and
 * the machine as `machine`. A script's m:route_filter(address, filter) keeps the filter in
 * the script's state, as a userdata that the route drops when it closes and that drops
 * itself from the route when the script's state goes. An error in a filter (a Lua error, a
 * result it may not return) becomes the route's default for the access, with a message
 * that names the script's file and line; it never stops the run.
 */
#include "scripting/lua_filter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scripting/lua_internal.h"

#define BB_LUA_ROUTE_FILTER "bb.route_filter"

typedef struct lua_filter {
    lua_State *thread; /* pre and post run here: slot 1 holds the filter table, slot 2 the
                          table of the access being filtered */
    char name[288];    /* the script (file, or file:line of m:route_filter), for messages */
    /* a filter= file: its own state, its limits and its machine object */
    lua_State *own;
    lua_session session;
    lua_machine *own_w;
    /* a script's filter: the route it is on, until the route drops it */
    bb_machine *m;
    uint64_t route_addr;
    bool detached;
} lua_filter;

static const char *const target_names[] = {"hw", "model", "bus"};

/* ---- calling the filter ---- */

/* The message of an error in a filter, beginning with the file and line of the innermost
 * Lua function running when it was raised (unless the message already does). */
static int message_handler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            msg = lua_tostring(L, -1);
        else
            msg = lua_pushfstring(L, "(an error object that is a %s)", luaL_typename(L, 1));
    }
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0) continue;
        char where[LUA_IDSIZE + 24];
        snprintf(where, sizeof(where), "%s:%d:", ar.short_src, ar.currentline);
        if (strncmp(msg, where, strlen(where)) != 0) {
            lua_pushfstring(L, "%s %s", where, msg);
            return 1;
        }
        break;
    }
    lua_pushstring(L, msg);
    return 1;
}

/* Calls the function below the nargs arguments on top of the thread, with a Lua
 * instruction budget of its own (bb.limits.script). On error, the message goes to `a`. */
static bool call(lua_filter *f, int nargs, int nresults, bb_route_access *a)
{
    lua_State *T = f->thread;
    int handler = lua_gettop(T) - nargs;
    lua_pushcfunction(T, message_handler);
    lua_insert(T, handler);
    lua_session *s = bb_lua_session(T);
    uint64_t used = s ? s->script_used : 0;
    if (s) s->script_used = 0;
    int status = lua_pcall(T, nargs, nresults, handler);
    if (s) s->script_used = used;
    if (status != LUA_OK) {
        const char *msg = lua_tostring(T, -1);
        snprintf(a->error, sizeof(a->error), "%s", msg ? msg : "(an error without a message)");
        return false;
    }
    lua_remove(T, handler);
    return true;
}

/* "file:line" where the filter's function `which` is defined (for messages about what it
 * returned), or the filter's name. */
static void where_defined(lua_filter *f, const char *which, char *out, size_t len)
{
    lua_State *T = f->thread;
    lua_Debug ar;
    snprintf(out, len, "%s", f->name);
    if (lua_getfield(T, 1, which) != LUA_TFUNCTION) {
        lua_pop(T, 1);
        return;
    }
    if (lua_getinfo(T, ">S", &ar) && ar.linedefined > 0) /* pops the function */
        snprintf(out, len, "%s:%d", ar.short_src, ar.linedefined);
}

static bool fail(lua_filter *f, bb_route_access *a, const char *which, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool fail(lua_filter *f, bb_route_access *a, const char *which, const char *fmt, ...)
{
    char where[320], what[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    where_defined(f, which, where, sizeof(where));
    snprintf(a->error, sizeof(a->error), "%.200s: %.8s %.280s", where, which, what);
    return false;
}

/* Pushes the filter's function `which` (true), or nothing when it has none (false, and
 * *ok false with a message when the field is something else). */
static bool push_function(lua_filter *f, const char *which, bb_route_access *a, bool *ok)
{
    lua_State *T = f->thread;
    int type = lua_getfield(T, 1, which);
    *ok = true;
    if (type == LUA_TFUNCTION) return true;
    lua_pop(T, 1);
    if (type != LUA_TNIL) *ok = fail(f, a, which, "is a %s, not a function", lua_typename(T, type));
    return false;
}

/* The table `a` of an access, at the top of the thread. */
static void push_access(lua_State *T, const bb_route_access *a)
{
    lua_createtable(T, 0, 12);
    lua_pushboolean(T, a->write);
    lua_setfield(T, -2, "write");
    lua_pushinteger(T, (lua_Integer)a->addr);
    lua_setfield(T, -2, "addr");
    lua_pushinteger(T, (lua_Integer)(a->addr - a->route_base));
    lua_setfield(T, -2, "offset");
    lua_pushinteger(T, (lua_Integer)a->size);
    lua_setfield(T, -2, "size");
    if (a->write) {
        lua_pushinteger(T, (lua_Integer)a->value);
        lua_setfield(T, -2, "value");
    }
    lua_pushinteger(T, (lua_Integer)a->pc);
    lua_setfield(T, -2, "pc");
    if (a->cpu >= 0) {
        lua_pushinteger(T, a->cpu);
        lua_setfield(T, -2, "cpu");
    }
    lua_pushinteger(T, (lua_Integer)a->time_ns);
    lua_setfield(T, -2, "time");
}

/* An integer field of the access table (slot 2). */
static bool integer_field(lua_filter *f, bb_route_access *a, const char *which, const char *field,
                          uint64_t *out)
{
    lua_State *T = f->thread;
    int isnum = 0;
    lua_getfield(T, 2, field);
    lua_Integer v = lua_tointegerx(T, -1, &isnum);
    const char *type = luaL_typename(T, -1);
    lua_pop(T, 1);
    if (!isnum) return fail(f, a, which, "left a.%s as a %s, not an integer", field, type);
    *out = (uint64_t)v;
    return true;
}

/* What pre returned (slots 3 and 4): where the access goes. */
static bool decide(lua_filter *f, bb_route_access *a, bb_route_target *to, bool *value_returned,
                   uint64_t *value)
{
    lua_State *T = f->thread;
    *value_returned = false;
    int type = lua_type(T, 3);
    if (type == LUA_TNIL || type == LUA_TNONE) {
        *to = BB_ROUTE_TO_HW;
        return true;
    }
    if (type == LUA_TSTRING) {
        const char *s = lua_tostring(T, 3);
        for (int i = 0; i < 3; i++) {
            if (strcmp(s, target_names[i]) == 0) {
                *to = (bb_route_target)i;
                return true;
            }
        }
        return fail(f, a, "pre", "returned \"%s\" (expected nothing, \"hw\", \"model\" or \"bus\")",
                    s);
    }
    int isnum = 0;
    lua_Integer v = lua_tointegerx(T, 3, &isnum);
    if (type == LUA_TNUMBER && isnum && !a->write) {
        *to = BB_ROUTE_TO_MODEL;
        *value_returned = true;
        *value = (uint64_t)v;
        return true;
    }
    if (type == LUA_TNUMBER && a->write)
        return fail(f, a, "pre",
                    "returned a number for a write (set a.value to change the value; return "
                    "\"model\" to keep the write from the hardware)");
    return fail(f, a, "pre",
                "returned a %s (expected nothing, \"hw\", \"model\", \"bus\" or, for a read, "
                "its value)",
                lua_typename(T, type));
}

static bb_route_target lf_pre(void *opaque, bb_route_access *a)
{
    lua_filter *f = opaque;
    lua_State *T = f->thread;
    lua_settop(T, 1);
    push_access(T, a); /* slot 2, kept for post */
    bool ok;
    if (!push_function(f, "pre", a, &ok)) return ok ? BB_ROUTE_TO_HW : BB_ROUTE_FAILED;
    lua_pushvalue(T, 2);
    if (!call(f, 1, 2, a)) {
        lua_settop(T, 2);
        return BB_ROUTE_FAILED;
    }
    bb_route_target to = BB_ROUTE_FAILED;
    bool value_returned = false;
    uint64_t addr = 0, size = 0, value = 0;
    if (!decide(f, a, &to, &value_returned, &value) || !integer_field(f, a, "pre", "addr", &addr) ||
        !integer_field(f, a, "pre", "size", &size)) {
        lua_settop(T, 2);
        return BB_ROUTE_FAILED;
    }
    bool needs_value = a->write || (to == BB_ROUTE_TO_MODEL && !value_returned);
    if (needs_value && !integer_field(f, a, "pre", "value", &value)) {
        if (!a->write)
            fail(f, a, "pre",
                 "returned \"model\" for a read without setting a.value (or return the value)");
        lua_settop(T, 2);
        return BB_ROUTE_FAILED;
    }
    lua_settop(T, 2);
    if (size != 1 && size != 2 && size != 4 && size != 8) {
        fail(f, a, "pre", "set a.size to %lld (1, 2, 4 or 8)", (long long)size);
        return BB_ROUTE_FAILED;
    }
    if (to == BB_ROUTE_TO_BUS && addr >= a->route_base && addr - a->route_base < a->route_size) {
        fail(f, a, "pre", "sent the access to the bus at 0x%llx, inside the route itself",
             (unsigned long long)addr);
        return BB_ROUTE_FAILED;
    }
    a->addr = addr;
    a->size = (unsigned)size;
    if (needs_value || value_returned) a->value = value;
    return to;
}

static bool lf_post(void *opaque, bb_route_access *a)
{
    lua_filter *f = opaque;
    lua_State *T = f->thread;
    if (lua_gettop(T) < 2) push_access(T, a);
    lua_settop(T, 2);
    bool ok;
    if (!push_function(f, "post", a, &ok)) {
        lua_settop(T, 1);
        return ok;
    }
    lua_pushstring(T, target_names[a->to]);
    lua_setfield(T, 2, "to");
    lua_pushstring(T, a->status);
    lua_setfield(T, 2, "status");
    lua_pushinteger(T, (lua_Integer)a->value);
    lua_setfield(T, 2, "value");
    lua_pushvalue(T, 2);
    ok = call(f, 1, 0, a);
    uint64_t value = 0;
    if (ok && !a->write) {
        ok = integer_field(f, a, "post", "value", &value);
        if (ok) a->value = value;
    }
    lua_settop(T, 1);
    return ok;
}

static void lf_close(void *opaque)
{
    lua_filter *f = opaque;
    if (!f->own) { /* a script's: its state owns it */
        f->detached = true;
        return;
    }
    f->own_w->running = false; /* so that closing the state closes the machine object */
    lua_close(f->own);
    free(f);
}

static const bb_route_filter_ops lua_filter_ops = {
    .pre = lf_pre,
    .post = lf_post,
    .close = lf_close,
};

/* The filter table at the top of L must have pre and/or post functions. */
static bool check_table(lua_State *L, char *err, size_t errlen)
{
    int functions = 0;
    static const char *const names[] = {"pre", "post"};
    for (int i = 0; i < 2; i++) {
        int type = lua_getfield(L, -1, names[i]);
        lua_pop(L, 1);
        if (type == LUA_TFUNCTION) {
            functions++;
        } else if (type != LUA_TNIL) {
            snprintf(err, errlen, "the filter's %s is a %s, not a function", names[i],
                     lua_typename(L, type));
            return false;
        }
    }
    if (!functions) snprintf(err, errlen, "the filter has neither a pre nor a post function");
    return functions > 0;
}

/* ---- filters of filter= options ---- */

/* Relative paths: from the working directory, else from the board file's folder. */
static void filter_path(const bb_machine *m, const char *file, char *out, size_t len)
{
    snprintf(out, len, "%s", file);
    FILE *in = fopen(out, "r");
    const char *slash = strrchr(m->board_name, '/');
    if (in || file[0] == '/' || !slash) {
        if (in) fclose(in);
        return;
    }
    snprintf(out, len, "%.*s/%s", (int)(slash - m->board_name), m->board_name, file);
    in = fopen(out, "r");
    if (in)
        fclose(in);
    else
        snprintf(out, len, "%s", file);
}

void *bb_lua_filter_open(bb_machine *m, const char *file, const bb_route_filter_ops **ops,
                         char *err, size_t errlen)
{
    lua_filter *f = calloc(1, sizeof(*f));
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    filter_path(m, file, f->name, sizeof(f->name));
    f->session = (lua_session){BB_LUA_DEFAULT_SCRIPT_LIMIT, 0, BB_LUA_DEFAULT_GUEST_LIMIT,
                               BB_LUA_DEFAULT_TIMEOUT_NS};
    lua_State *L = f->own = bb_lua_new_state(&f->session);
    if (!L) {
        free(f);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    /* The machine, which a filter may read (m.phys, m:now()) but not run: a filter runs
     * inside a guest access. */
    f->own_w = bb_lua_push_machine(L, m, false);
    f->own_w->running = true;
    lua_setglobal(L, "machine");
    lua_getglobal(L, "bb");
    const char *slash = strrchr(f->name, '/');
    if (slash)
        lua_pushlstring(L, f->name, (size_t)(slash - f->name));
    else
        lua_pushliteral(L, ".");
    lua_setfield(L, -2, "script_dir");
    lua_pop(L, 1);
    f->thread = lua_newthread(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "bb.filter_thread");
    lua_State *T = f->thread;
    lua_pushcfunction(T, message_handler);
    bool ok = false;
    char why[256];
    if (luaL_loadfile(T, f->name) != LUA_OK || lua_pcall(T, 0, 1, 1) != LUA_OK)
        snprintf(err, errlen, "%s", lua_tostring(T, -1)); /* names the file (and line) */
    else if (!lua_istable(T, -1))
        snprintf(err, errlen, "%s: the script returned a %s, not a table with pre and post",
                 f->name, luaL_typename(T, -1));
    else if (!check_table(T, why, sizeof(why)))
        snprintf(err, errlen, "%s: %s", f->name, why);
    else
        ok = true;
    if (!ok) {
        lf_close(f);
        return NULL;
    }
    lua_replace(T, 1);
    lua_settop(T, 1);
    *ops = &lua_filter_ops;
    return f;
}

/* ---- the script's side: m:route_filter, m:add_route ---- */

static int filter_gc(lua_State *L)
{
    lua_filter *f = luaL_checkudata(L, 1, BB_LUA_ROUTE_FILTER);
    if (!f->detached) {
        char err[256];
        f->detached = true;
        bb_route_set_filter(f->m, f->route_addr, NULL, NULL, err, sizeof(err));
    }
    return 0;
}

/* m:route_filter(address, filter): the filter of the route containing address: a table
 * with pre and/or post, a file that returns one, or nil (the route goes unfiltered). */
static int m_route_filter(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    uint64_t addr = bb_lua_check_address(L, w, 2);
    lua_settop(L, 3);
    char err[512];
    if (lua_isnil(L, 3)) {
        if (!bb_route_set_filter(w->m, addr, NULL, NULL, err, sizeof(err)))
            return luaL_error(L, "m:route_filter: %s", err);
        return 0;
    }
    char name[288];
    if (lua_type(L, 3) == LUA_TSTRING) {
        snprintf(name, sizeof(name), "%s", lua_tostring(L, 3));
        if (luaL_loadfile(L, name) != LUA_OK) return lua_error(L);
        lua_call(L, 0, 1);
        if (!lua_istable(L, -1))
            return luaL_error(L, "m:route_filter: %s returned a %s, not a table", name,
                              luaL_typename(L, -1));
        lua_replace(L, 3);
    } else {
        luaL_checktype(L, 3, LUA_TTABLE);
        luaL_where(L, 1); /* "file:line: " */
        size_t len = 0;
        const char *where = lua_tolstring(L, -1, &len);
        snprintf(name, sizeof(name), "the filter of m:route_filter at %.*s",
                 (int)(len > 2 ? len - 2 : 0), where);
        lua_pop(L, 1);
    }
    lua_pushvalue(L, 3);
    if (!check_table(L, err, sizeof(err))) return luaL_error(L, "m:route_filter: %s", err);
    lua_pop(L, 1);
    lua_filter *f = lua_newuserdatauv(L, sizeof(*f), 1);
    memset(f, 0, sizeof(*f));
    f->detached = true; /* until the route has it */
    luaL_setmetatable(L, BB_LUA_ROUTE_FILTER);
    f->thread = lua_newthread(L);
    lua_pushvalue(L, 3);
    lua_xmove(L, f->thread, 1); /* the thread's slot 1: the filter table */
    lua_setiuservalue(L, -2, 1);
    snprintf(f->name, sizeof(f->name), "%s", name);
    f->m = w->m;
    f->route_addr = addr;
    f->detached = false;
    int key = bb_lua_store(w, L, -1); /* lives as long as the machine object */
    if (!bb_route_set_filter(w->m, addr, &lua_filter_ops, f, err, sizeof(err))) {
        f->detached = true;
        bb_lua_drop(w, L, key);
        return luaL_error(L, "m:route_filter: %s", err);
    }
    return 0;
}

/* m:add_route(spec): a route as --route adds it (not while the machine runs). */
static int m_add_route(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    const char *spec = luaL_checkstring(L, 2);
    if (w->running) return luaL_error(L, "m:add_route: not while the machine runs");
    char err[1024];
    if (!bb_route_add(w->m, spec, err, sizeof(err))) return luaL_error(L, "m:add_route: %s", err);
    return 0;
}

void bb_lua_machine_route_methods(lua_State *L, int methods)
{
    luaL_newmetatable(L, BB_LUA_ROUTE_FILTER);
    lua_pushcfunction(L, filter_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    lua_pushcfunction(L, m_route_filter);
    lua_setfield(L, methods, "route_filter");
    lua_pushcfunction(L, m_add_route);
    lua_setfield(L, methods, "add_route");
}
