/*
 * lua_uart.c: serial ports from Lua. The output of every serial port of a script's
 * machine is captured (through the character device's tap) from the start; scripts inject
 * input, wait for output with a timeout in virtual time (expect), and hook output by bytes
 * or by lines.
 *   u = m:uart(n)
 *   u:send(s)                  input, as if typed on the port
 *   u:expect(text [, timeout]) waits until text appears after the last expect; returns
 *                              the output up to its end; a failed check otherwise
 *   u:expect_match(pattern [, timeout])  the same with a Lua pattern; returns captures
 *   u:output(), u:clear()      everything captured; forget it
 *   u:on_output(fn(bytes)), u:on_line(fn(line))  (nil removes)
 */
#include <stdlib.h>
#include <string.h>

#include "core/chardev.h"
#include "scripting/lua_internal.h"

#define KEEP_MAX (8u << 20) /* captured output kept per port (older output is dropped) */

/* ---- capture ---- */

static void drop_front(lua_uart *u, size_t n)
{
    memmove(u->buf, u->buf + n, u->len - n);
    u->len -= n;
    u->cursor = u->cursor > n ? u->cursor - n : 0;
    u->line_start = u->line_start > n ? u->line_start - n : 0;
}

static bool append(lua_uart *u, const uint8_t *data, size_t n)
{
    if (u->len + n > KEEP_MAX && u->len > KEEP_MAX / 2) drop_front(u, u->len - KEEP_MAX / 2);
    if (u->len + n > u->cap) {
        size_t cap = u->cap ? u->cap : 4096;
        while (cap < u->len + n)
            cap *= 2;
        char *grown = realloc(u->buf, cap);
        if (!grown) return false;
        u->buf = grown;
        u->cap = cap;
    }
    memcpy(u->buf + u->len, data, n);
    u->len += n;
    return true;
}

static void call_with_string(lua_machine *w, int key, const char *s, size_t n)
{
    int top;
    lua_State *cb = bb_lua_begin_callback(w, key, &top);
    lua_pushlstring(cb, s, n);
    bb_lua_call_callback(w, 1, 0);
    bb_lua_end_callback(w, top);
}

static void deliver_lines(lua_uart *u)
{
    lua_machine *w = u->w;
    for (;;) {
        char *nl = memchr(u->buf + u->line_start, '\n', u->len - u->line_start);
        if (!nl || !u->line_key || w->has_error) break;
        size_t start = u->line_start, end = (size_t)(nl - u->buf);
        u->line_start = end + 1;
        if (end > start && u->buf[end - 1] == '\r') end--;
        call_with_string(w, u->line_key, u->buf + start, end - start);
    }
    if (!u->line_key) u->line_start = u->len;
}

static void on_output(void *opaque, const uint8_t *data, size_t n)
{
    lua_uart *u = opaque;
    lua_machine *w = u->w;
    if (w->closed || !append(u, data, n)) return;
    if (u->output_key && !w->has_error) call_with_string(w, u->output_key, (const char *)data, n);
    deliver_lines(u);
    if (u->wake) bb_lua_stop(w, CAUSE_EVENT);
}

static void tap(lua_uart *u)
{
    bb_chardev *chr = bb_machine_serial(u->w->m, u->index);
    if (!chr || u->tapped) return;
    bb_chardev_set_tap(chr, on_output, u);
    u->tapped = true;
}

void bb_lua_uarts_open(lua_machine *w)
{
    for (int i = 0; i < BB_MAX_SERIALS; i++)
        tap(&w->uart[i]);
}

void bb_lua_uarts_close(lua_machine *w)
{
    for (int i = 0; i < BB_MAX_SERIALS; i++) {
        lua_uart *u = &w->uart[i];
        bb_chardev *chr = u->tapped ? bb_machine_serial(w->m, i) : NULL;
        if (chr) bb_chardev_set_tap(chr, NULL, NULL);
        u->tapped = false;
        free(u->buf);
        u->buf = NULL;
        u->len = u->cap = u->cursor = u->line_start = 0;
        u->output_key = u->line_key = 0;
    }
}

/* ---- waiting for output ---- */

/* Pushes string.find (the string library's, whatever the script did to globals). */
static void push_find(lua_State *L)
{
    lua_pushliteral(L, "");
    luaL_getmetafield(L, -1, "__index");
    lua_getfield(L, -1, "find");
    lua_replace(L, -3);
    lua_pop(L, 1);
}

static int find_match(lua_State *L)
{
    push_find(L);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 2);
    return 2;
}

bool bb_lua_uart_check(lua_State *L, lua_uart_wait *wait)
{
    lua_uart *u = wait->uart;
    const char *rest = u->buf + u->cursor;
    size_t n = u->len - u->cursor;
    if (!wait->pattern) {
        const char *hit = u->buf ? memmem(rest, n, wait->text, wait->text_len) : NULL;
        if (!hit) return false;
        wait->match_end = (size_t)(hit - u->buf) + wait->text_len;
        return true;
    }
    /* Protected: a bad pattern must not unwind through a run in progress. */
    lua_pushcfunction(L, find_match);
    lua_pushlstring(L, rest, n);
    lua_pushlstring(L, wait->text, wait->text_len);
    if (lua_pcall(L, 2, 2, 0) != LUA_OK) {
        if (!u->w->running) lua_error(L);
        lua_xmove(L, u->w->cb, 1);
        bb_lua_record_error(u->w);
        return false;
    }
    bool found = lua_isinteger(L, -1);
    if (found) wait->match_end = u->cursor + (size_t)lua_tointeger(L, -1);
    lua_pop(L, 2);
    return found;
}

/* ---- the uart object ---- */

typedef struct uart_handle {
    lua_machine *w;
    int index;
} uart_handle;

static lua_uart *check_uart(lua_State *L)
{
    uart_handle *h = luaL_checkudata(L, 1, BB_LUA_UART);
    if (h->w->closed) luaL_error(L, "the machine is closed");
    return &h->w->uart[h->index];
}

/* m:uart(n): serial port n (0 = the first, UART0 on versatilepb) */
static int m_uart(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    lua_Integer n = luaL_optinteger(L, 2, 0);
    if (n < 0 || n >= BB_MAX_SERIALS || !bb_machine_serial(w->m, (int)n))
        return luaL_error(L, "m:uart(%d): no such serial port", (int)n);
    lua_getiuservalue(L, 1, 1);
    if (lua_rawgeti(L, -1, 100 + n) != LUA_TNIL) return 1;
    lua_pop(L, 1);
    uart_handle *h = lua_newuserdatauv(L, sizeof(*h), 1);
    h->w = w;
    h->index = (int)n;
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, BB_LUA_UART);
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, 100 + n);
    tap(&w->uart[n]); /* machines the script did not create are tapped on first use */
    return 1;
}

static int uart_send(lua_State *L)
{
    lua_uart *u = check_uart(L);
    size_t n;
    const char *s = luaL_checklstring(L, 2, &n);
    bb_chardev_inject(bb_machine_serial(u->w->m, u->index), (const uint8_t *)s, n);
    return 0;
}

static int uart_output(lua_State *L)
{
    lua_uart *u = check_uart(L);
    lua_pushlstring(L, u->buf ? u->buf : "", u->len);
    return 1;
}

static int uart_clear(lua_State *L)
{
    lua_uart *u = check_uart(L);
    u->len = u->cursor = u->line_start = 0;
    return 0;
}

static void why_not_seen(lua_State *L, lua_machine *w, const char *reason, uint64_t timeout)
{
    if (!reason || strcmp(reason, "exit") == 0) {
        lua_pushfstring(L, "before the guest exited (code %d)", w->m->exit_code);
    } else if (strcmp(reason, "halt") == 0) {
        lua_pushliteral(L, "before the guest halted (it waits for an interrupt that no timer "
                           "will bring)");
    } else if (strcmp(reason, "time") == 0) {
        lua_pushliteral(L, "within ");
        bb_lua_push_duration(L, timeout);
        lua_pushliteral(L, " of virtual time");
        lua_concat(L, 3);
    } else {
        lua_pushliteral(L, "before the run was stopped");
    }
}

static int expect(lua_State *L, bool pattern)
{
    lua_uart *u = check_uart(L);
    lua_machine *w = u->w;
    lua_uart_wait wait = {u, NULL, 0, pattern, 0};
    wait.text = luaL_checklstring(L, 2, &wait.text_len);
    uint64_t timeout =
        lua_isnoneornil(L, 3) ? bb_lua_session(L)->timeout_ns : bb_lua_check_time(L, 3);
    lua_settop(L, 3);
    bool found = bb_lua_uart_check(L, &wait);
    const char *reason = NULL;
    if (!found && !w->exited) {
        lua_run_spec spec;
        memset(&spec, 0, sizeof(spec));
        spec.has_time = true;
        spec.time_ns = timeout;
        spec.wait = &wait;
        reason = bb_lua_run(L, w, &spec);
        found = bb_lua_uart_check(L, &wait);
    }
    if (!found) {
        lua_pushfstring(L, "UART%d did not show the expected %s ", u->index,
                        pattern ? "pattern" : "text");
        why_not_seen(L, w, reason, timeout);
        lua_concat(L, 2);
        bb_lua_push_quoted(L, wait.text, wait.text_len, 0, false);
        bb_lua_push_quoted(L, u->buf + u->cursor, u->len - u->cursor, 600, true);
        return bb_lua_fail_check(L, 1, lua_tostring(L, -3), lua_tostring(L, -2),
                                 lua_tostring(L, -1));
    }
    size_t start = u->cursor;
    if (!pattern) {
        lua_pushlstring(L, u->buf + start, wait.match_end - start);
        u->cursor = wait.match_end;
        return 1;
    }
    /* The captures (or the whole match): find again on what was checked. */
    int base = lua_gettop(L);
    push_find(L);
    lua_pushlstring(L, u->buf + start, wait.match_end - start);
    lua_pushvalue(L, 2);
    lua_call(L, 2, LUA_MULTRET);
    u->cursor = wait.match_end;
    int n = lua_gettop(L) - base;
    if (n <= 2) { /* no captures: the matched text */
        lua_Integer from = lua_tointeger(L, base + 1), to = lua_tointeger(L, base + 2);
        lua_pushlstring(L, u->buf + start + from - 1, (size_t)(to - from + 1));
        return 1;
    }
    return n - 2;
}

static int uart_expect(lua_State *L)
{
    return expect(L, false);
}

static int uart_expect_match(lua_State *L)
{
    return expect(L, true);
}

static int set_callback(lua_State *L, bool lines)
{
    lua_uart *u = check_uart(L);
    int *key = lines ? &u->line_key : &u->output_key;
    bb_lua_drop(u->w, L, *key);
    *key = 0;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TFUNCTION);
        *key = bb_lua_store(u->w, L, 2);
    }
    if (lines) u->line_start = u->len; /* lines from now on */
    return 0;
}

static int uart_on_output(lua_State *L)
{
    return set_callback(L, false);
}

static int uart_on_line(lua_State *L)
{
    return set_callback(L, true);
}

/* ---- registration ---- */

void bb_lua_machine_uart_methods(lua_State *L, int methods)
{
    lua_pushcfunction(L, m_uart);
    lua_setfield(L, methods, "uart");
}

void bb_lua_register_uart(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"send", uart_send},
        {"output", uart_output},
        {"clear", uart_clear},
        {"expect", uart_expect},
        {"expect_match", uart_expect_match},
        {"on_output", uart_on_output},
        {"on_line", uart_on_line},
        {NULL, NULL},
    };
    bb_lua_new_class(L, BB_LUA_UART, methods);
}
