/*
 * test_runner.c: `brassboard test SUITE.lua`. Loading the suite declares its tests (and
 * runs whatever else is at its top level); then each test runs in order inside
 * lua_pcall, with the Lua instruction budget reset, and the machines it created are closed
 * when it ends. A failed check, a Lua error, a runaway script or a runaway guest fails
 * that test only. Results stream as TAP 14 on stdout; --junit FILE also writes JUnit XML.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scripting/lua_internal.h"
#include "scripting/script.h"
#include "scripting/test_report.h"

enum { EXIT_PASS = 0, EXIT_FAILED = 1, EXIT_BAD_INPUT = 2 };

typedef struct runner {
    lua_State *L;
    lua_session session;
    const char *suite_path;
    const char *suite_name; /* the file name without folders */
    const char *filter;
    bb_test_result *results;
    int n, cap;
} runner;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *field_string(lua_State *L, int idx, const char *key)
{
    lua_getfield(L, idx, key);
    char *s = lua_isstring(L, -1) ? strdup(lua_tostring(L, -1)) : NULL;
    lua_pop(L, 1);
    return s;
}

/* ---- selecting tests ---- */

static bool selected(runner *r, lua_State *L, int item, const char *prefix)
{
    lua_getfield(L, item, "name");
    const char *name = lua_tostring(L, -1);
    char full[1024];
    snprintf(full, sizeof(full), "%s%s%s", prefix, prefix[0] ? "/" : "", name ? name : "");
    lua_pop(L, 1);
    lua_getfield(L, item, "kind");
    bool group = strcmp(lua_tostring(L, -1), "group") == 0;
    lua_pop(L, 1);
    if (!group) return !r->filter || strstr(full, r->filter);
    lua_getfield(L, item, "items");
    int items = lua_gettop(L);
    bool any = false;
    for (lua_Integer i = 1; !any && i <= (lua_Integer)lua_rawlen(L, items); i++) {
        lua_rawgeti(L, items, i);
        any = selected(r, L, lua_gettop(L), full);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return any;
}

/* ---- running one test ---- */

/* The message handler: failure and skip objects pass through; other errors become a
 * table with the message and a traceback. */
static int on_error(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TTABLE) {
        lua_getfield(L, 1, "kind");
        bool ours = lua_isstring(L, -1);
        lua_pop(L, 1);
        if (ours) return 1;
    }
    const char *msg = luaL_tolstring(L, 1, NULL);
    lua_createtable(L, 0, 3);
    lua_pushliteral(L, "error");
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, msg);
    lua_setfield(L, -2, "message");
    luaL_traceback(L, L, NULL, 1);
    lua_setfield(L, -2, "traceback");
    return 1;
}

/* "file:line" at the start of an error message, if it has one. */
static char *where_of_message(const char *msg)
{
    if (!msg) return NULL;
    const char *colon = strchr(msg, ':');
    while (colon) {
        const char *p = colon + 1;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p > colon + 1 && *p == ':') return strndup(msg, (size_t)(p - msg));
        colon = strchr(colon + 1, ':');
    }
    return NULL;
}

static void split_where(bb_test_result *res, const char *where)
{
    const char *colon = where ? strrchr(where, ':') : NULL;
    if (!colon) return;
    res->file = strndup(where, (size_t)(colon - where));
    res->line = atoi(colon + 1);
}

/* The output of the test's machines, for a failure's report. */
static char *machine_output(lua_State *L, int machines)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    int n = (int)lua_rawlen(L, machines);
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, machines, i);
        lua_machine *w = luaL_testudata(L, -1, BB_LUA_MACHINE);
        lua_pop(L, 1);
        for (int k = 0; w && k < BB_MAX_SERIALS; k++) {
            lua_uart *u = &w->uart[k];
            if (!u->len) continue;
            size_t from = u->len > 2000 ? u->len - 2000 : 0;
            lua_pushfstring(L, "%s--- machine %d, uart%d%s ---\n", luaL_bufflen(&b) ? "\n" : "", i,
                            k, from ? " (last 2000 bytes)" : "");
            luaL_addvalue(&b);
            luaL_addlstring(&b, u->buf + from, u->len - from);
        }
    }
    luaL_pushresult(&b);
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    char *out = len ? strdup(s) : NULL;
    lua_pop(L, 1);
    return out;
}

static int close_machines(lua_State *L)
{
    int n = (int)lua_rawlen(L, 1);
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        lua_machine *w = luaL_testudata(L, -1, BB_LUA_MACHINE);
        if (w && !w->closed) {
            w->running = false; /* a run that raised has already ended */
            bb_lua_close_machine(L, w);
        }
        lua_pop(L, 1);
    }
    return 0;
}

static char *joined_log(lua_State *L, int log)
{
    int n = (int)lua_rawlen(L, log);
    if (!n) return NULL;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1) luaL_addchar(&b, '\n');
        lua_rawgeti(L, log, i);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    char *s = strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return s;
}

/* Runs the test whose table is at item; fills res. */
static void run_test(runner *r, int item, const char *skip, bb_test_result *res)
{
    lua_State *L = r->L;
    double start = now_seconds();
    res->name = field_string(L, item, "name");
    char *declared = field_string(L, item, "where");
    split_where(res, declared);
    free(declared);
    if (skip) {
        res->status = BB_RESULT_SKIP;
        res->message = strdup(skip);
        return;
    }
    lua_newtable(L);
    int machines = lua_gettop(L);
    lua_pushvalue(L, machines);
    lua_setfield(L, LUA_REGISTRYINDEX, "bb.test_machines");
    lua_newtable(L);
    int log = lua_gettop(L);
    lua_pushvalue(L, log);
    lua_setfield(L, LUA_REGISTRYINDEX, "bb.log");
    lua_pushboolean(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, "bb.running");
    r->session.script_used = 0;

    lua_pushcfunction(L, on_error);
    lua_getfield(L, item, "fn");
    int status = lua_pcall(L, 0, 0, -2);
    if (status == LUA_OK) {
        res->status = BB_RESULT_PASS;
    } else {
        int err = lua_gettop(L);
        if (lua_type(L, err) != LUA_TTABLE) { /* out of memory, or an error in on_error */
            lua_pushcfunction(L, on_error);
            lua_insert(L, err);
            lua_call(L, 1, 1);
        }
        lua_getfield(L, err, "kind");
        const char *kind = lua_tostring(L, -1);
        res->status = strcmp(kind, "skip") == 0   ? BB_RESULT_SKIP
                      : strcmp(kind, "fail") == 0 ? BB_RESULT_FAIL
                                                  : BB_RESULT_ERROR;
        lua_pop(L, 1);
        res->message = field_string(L, err, "message");
        res->where = field_string(L, err, "where");
        if (!res->where) res->where = where_of_message(res->message);
        res->expected = field_string(L, err, "expected");
        res->seen = field_string(L, err, "seen");
        res->traceback = field_string(L, err, "traceback");
        lua_pop(L, 1);
    }
    lua_pop(L, 1); /* on_error */
    if (res->status == BB_RESULT_FAIL || res->status == BB_RESULT_ERROR)
        res->output = machine_output(L, machines);
    res->log = joined_log(L, log);
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "bb.running");
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "bb.test_machines");
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "bb.log");
    lua_pushcfunction(L, close_machines);
    lua_pushvalue(L, machines);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) lua_pop(L, 1);
    lua_settop(L, machines - 1);
    lua_gc(L, LUA_GCCOLLECT);
    res->seconds = now_seconds() - start;
}

/* ---- walking the suite ---- */

static bb_test_result *new_result(runner *r)
{
    if (r->n == r->cap) {
        int cap = r->cap ? 2 * r->cap : 32;
        bb_test_result *grown = realloc(r->results, sizeof(*grown) * (size_t)cap);
        if (!grown) {
            fprintf(stderr, "brassboard test: out of memory\n");
            exit(EXIT_BAD_INPUT);
        }
        r->results = grown;
        r->cap = cap;
    }
    bb_test_result *res = &r->results[r->n++];
    memset(res, 0, sizeof(*res));
    return res;
}

/* Runs the items of the group at idx; prints their TAP at depth. Returns true when none
 * failed. */
static bool run_group(runner *r, int group, int depth, const char *path, const char *skip)
{
    lua_State *L = r->L;
    lua_getfield(L, group, "items");
    int items = lua_gettop(L);
    int n = (int)lua_rawlen(L, items), count = 0;
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, items, i);
        count += selected(r, L, lua_gettop(L), path);
        lua_pop(L, 1);
    }
    bb_tap_plan(stdout, depth, count);
    bool ok = true;
    int number = 0;
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(L, items, i);
        int item = lua_gettop(L);
        if (!selected(r, L, item, path)) {
            lua_pop(L, 1);
            continue;
        }
        number++;
        lua_getfield(L, item, "skip");
        const char *own_skip = lua_tostring(L, -1);
        const char *item_skip = skip ? skip : own_skip;
        lua_getfield(L, item, "name");
        const char *name = lua_tostring(L, -1);
        lua_getfield(L, item, "kind");
        bool is_group = strcmp(lua_tostring(L, -1), "group") == 0;
        lua_pop(L, 1);
        const char *sub = lua_pushfstring(L, "%s/%s", path, name); /* until the item ends */
        if (is_group) {
            bb_tap_subtest(stdout, depth + 1, name);
            bool group_ok = run_group(r, item, depth + 1, sub, item_skip);
            bb_tap_group(stdout, depth, number, name, group_ok, item_skip);
            ok = ok && group_ok;
        } else {
            bb_test_result *res = new_result(r);
            run_test(r, item, item_skip, res);
            res->suite = strdup(path);
            bb_tap_result(stdout, depth, number, res);
            ok = ok && res->status != BB_RESULT_FAIL && res->status != BB_RESULT_ERROR;
        }
        lua_settop(L, item - 1);
    }
    lua_settop(L, items - 1);
    return ok;
}

/* ---- the command ---- */

static void usage(FILE *out)
{
    fputs("usage: brassboard test SUITE.lua [--junit FILE] [--filter TEXT] [--script-limit N]\n"
          "                       [--max-insns N] [--timeout TIME] [-- ARGS...]\n"
          "  --junit FILE        also write the results as JUnit XML\n"
          "  --filter TEXT       run only tests whose group/name contains TEXT\n"
          "  --script-limit N    Lua instructions a test or a callback may run (bb.limits.script)\n"
          "  --max-insns N       guest instructions a run without a bound may take "
          "(bb.limits.insns)\n"
          "  --timeout TIME      default timeout of expect and run_until (bb.limits.timeout)\n"
          "  -- ARGS...          given to the suite in `arg` (NAME=VALUE also as arg.NAME)\n",
          out);
}

/* arg[0] = suite, arg[1..n] = ARGS, arg.NAME = VALUE for NAME=VALUE. */
static void set_args(lua_State *L, const char *suite, int argc, char **argv)
{
    lua_createtable(L, argc, 4);
    lua_pushstring(L, suite);
    lua_rawseti(L, -2, 0);
    for (int i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i + 1);
        const char *eq = strchr(argv[i], '=');
        if (eq && eq != argv[i]) {
            lua_pushlstring(L, argv[i], (size_t)(eq - argv[i]));
            lua_pushstring(L, eq + 1);
            lua_rawset(L, -3);
        }
    }
    lua_setglobal(L, "arg");
}

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

static bool parse_count(const char *s, uint64_t *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || v < 0) return false;
    *out = (uint64_t)v;
    return true;
}

static int set_timeout(lua_State *L)
{
    bb_lua_session(L)->timeout_ns = bb_lua_check_time(L, 1);
    return 0;
}

/* A suite that could not even load: TAP bails out, JUnit gets one error. */
static int load_failed(runner *r, const char *junit, const char *why)
{
    fprintf(stderr, "brassboard test: %s\n", why);
    bb_tap_bail_out(stdout, why);
    if (junit) {
        bb_test_result res;
        memset(&res, 0, sizeof(res));
        res.name = strdup("(loading the suite)");
        res.suite = strdup(r->suite_name);
        res.status = BB_RESULT_ERROR;
        res.message = strdup(why);
        res.where = where_of_message(why);
        char err[256];
        if (!bb_junit_write(junit, r->suite_name, &res, 1, 0, err, sizeof(err)))
            fprintf(stderr, "brassboard test: %s\n", err);
        bb_test_result_clear(&res);
    }
    return EXIT_BAD_INPUT;
}

int bb_script_test_main(int argc, char **argv)
{
    runner r;
    memset(&r, 0, sizeof(r));
    r.session.script_limit = BB_LUA_DEFAULT_SCRIPT_LIMIT;
    r.session.guest_limit = BB_LUA_DEFAULT_GUEST_LIMIT;
    r.session.timeout_ns = BB_LUA_DEFAULT_TIMEOUT_NS;
    const char *junit = NULL, *timeout = NULL;
    int n_args = 0;
    char **args = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--") == 0) {
            args = argv + i + 1;
            n_args = argc - i - 1;
            break;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return EXIT_PASS;
        } else if (a[0] == '-' && a[1] == '-') {
            if (!val) {
                fprintf(stderr, "brassboard test: option %s needs a value\n", a);
                return EXIT_BAD_INPUT;
            }
            i++;
            bool ok = true;
            if (strcmp(a, "--junit") == 0)
                junit = val;
            else if (strcmp(a, "--filter") == 0)
                r.filter = val;
            else if (strcmp(a, "--timeout") == 0)
                timeout = val;
            else if (strcmp(a, "--script-limit") == 0)
                ok = parse_count(val, &r.session.script_limit);
            else if (strcmp(a, "--max-insns") == 0)
                ok = parse_count(val, &r.session.guest_limit);
            else {
                fprintf(stderr, "brassboard test: unknown option %s\n", a);
                usage(stderr);
                return EXIT_BAD_INPUT;
            }
            if (!ok) {
                fprintf(stderr, "brassboard test: %s '%s': not a count\n", a, val);
                return EXIT_BAD_INPUT;
            }
        } else if (!r.suite_path) {
            r.suite_path = a;
        } else {
            fprintf(stderr, "brassboard test: unexpected argument '%s'\n", a);
            return EXIT_BAD_INPUT;
        }
    }
    if (!r.suite_path) {
        usage(stderr);
        return EXIT_BAD_INPUT;
    }
    const char *slash = strrchr(r.suite_path, '/');
    r.suite_name = slash ? slash + 1 : r.suite_path;
    r.L = bb_lua_new_state(&r.session);
    if (!r.L) {
        fprintf(stderr, "brassboard test: out of memory\n");
        return EXIT_BAD_INPUT;
    }
    lua_State *L = r.L;
    set_args(L, r.suite_path, n_args, args);
    set_script_dir(L, r.suite_path);
    if (timeout) {
        lua_pushcfunction(L, set_timeout);
        lua_pushstring(L, timeout);
        if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
            fprintf(stderr, "brassboard test: --timeout: %s\n", lua_tostring(L, -1));
            lua_close(L);
            return EXIT_BAD_INPUT;
        }
    }

    bb_tap_version(stdout);
    double start = now_seconds();
    int status = EXIT_PASS;
    lua_pushcfunction(L, on_error);
    if (luaL_loadfile(L, r.suite_path) != LUA_OK) {
        status = load_failed(&r, junit, lua_tostring(L, -1));
    } else if (lua_pcall(L, 0, 0, -2) != LUA_OK) {
        lua_getfield(L, -1, "message");
        status = load_failed(&r, junit, lua_tostring(L, -1));
    } else if (lua_getfield(L, LUA_REGISTRYINDEX, "bb.suite") != LUA_TTABLE) {
        char why[512];
        snprintf(why, sizeof(why), "%s declares no tests (bb.test)", r.suite_path);
        status = load_failed(&r, junit, why);
    } else {
        bool ok = run_group(&r, lua_gettop(L), 0, r.suite_name, NULL);
        status = ok ? EXIT_PASS : EXIT_FAILED;
        if (junit) {
            char err[256];
            if (!bb_junit_write(junit, r.suite_name, r.results, r.n, now_seconds() - start, err,
                                sizeof(err))) {
                fprintf(stderr, "brassboard test: %s\n", err);
                status = EXIT_BAD_INPUT;
            }
        }
    }
    lua_close(L);
    for (int i = 0; i < r.n; i++)
        bb_test_result_clear(&r.results[i]);
    free(r.results);
    fflush(stdout);
    return status;
}
