/*
 * lua_device.c: peripherals written in Lua. A model is a table of handlers:
 *   read(dev, offset, size, debug) -> value   write(dev, offset, value, size)
 *   reset(dev)   init(dev)   save(dev) -> string   restore(dev, string)
 * and a device is an MMIO region on the bus whose accesses call them, with up to eight
 * interrupt outputs (dev:irq(level [, n])). A device is placed by a script,
 * m:add_device{base=, size=, irqs=, model=FILE|TABLE or the handlers}, or by a board DTS
 * node with compatible "brassboard,lua", whose `brassboard,script` property names the
 * model's file; such a model runs in a Lua state of its own, its errors go to the script
 * driving the machine (if any) or to stderr, and stop the run.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/snapshot.h"
#include "scripting/lua_internal.h"
#include "scripting/script.h"

#define LUA_DEVICE_IRQS 8

enum { H_READ, H_WRITE, H_RESET, H_INIT, H_SAVE, H_RESTORE, H_COUNT };
static const char *const handler_names[H_COUNT] = {"read", "write", "reset",
                                                   "init", "save",  "restore"};

typedef struct lua_device {
    bb_device dev;
    lua_machine *w;     /* holds the handlers and the device object; NULL: detached */
    lua_State *own;     /* DTS-placed: the model's own state ... */
    lua_machine *own_w; /* ... and the machine object in it */
    lua_session session;
    int handler[H_COUNT]; /* keys in w's table (0: none) */
    int obj_key;
    uint64_t base, size;
    int node; /* DTS node, or -1 */
    bool mapped;
    int level[LUA_DEVICE_IRQS];
} lua_device;

typedef struct device_handle {
    lua_device *d;
    lua_machine *w;
} device_handle;

/* ---- calling the model ---- */

/* Pushes the handler and the device object on the callback thread; NULL when the model
 * has no such handler or the device is detached. */
static lua_State *begin(lua_device *d, int which, int *top)
{
    lua_machine *w = d->w;
    if (!w || w->closed || !d->handler[which] || w->has_error) return NULL;
    lua_State *cb = bb_lua_begin_callback(w, d->handler[which], top);
    bb_lua_fetch(w, cb, d->obj_key);
    return cb;
}

static uint64_t dev_read(void *opaque, uint64_t offset, unsigned size, bb_attrs attrs)
{
    lua_device *d = opaque;
    int top;
    lua_State *cb = begin(d, H_READ, &top);
    if (!cb) return 0;
    lua_pushinteger(cb, (lua_Integer)offset);
    lua_pushinteger(cb, size);
    lua_pushboolean(cb, attrs.debug);
    uint64_t value = 0;
    if (bb_lua_call_callback(d->w, 4, 1)) {
        int ok = 0;
        value = (uint64_t)lua_tointegerx(cb, -1, &ok);
        if (!ok && !lua_isnil(cb, -1)) {
            lua_pushfstring(cb, "%s: read handler returned a %s, not an integer", d->dev.name,
                            luaL_typename(cb, -1));
            bb_lua_record_error(d->w);
            value = 0;
        }
    }
    bb_lua_end_callback(d->w, top);
    return size >= 8 ? value : value & ((1ull << (8 * size)) - 1);
}

static void dev_write(void *opaque, uint64_t offset, uint64_t value, unsigned size, bb_attrs attrs)
{
    lua_device *d = opaque;
    (void)attrs;
    int top;
    lua_State *cb = begin(d, H_WRITE, &top);
    if (!cb) return;
    lua_pushinteger(cb, (lua_Integer)offset);
    lua_pushinteger(cb, (lua_Integer)value);
    lua_pushinteger(cb, size);
    bb_lua_call_callback(d->w, 4, 0);
    bb_lua_end_callback(d->w, top);
}

static const bb_mmio_ops lua_device_ops = {.read = dev_read, .write = dev_write};

static void set_level(lua_device *d, int n, int level)
{
    d->level[n] = level;
    bb_irq_set(&d->dev.irq_out[n], level);
}

static void dev_reset(bb_device *dev)
{
    lua_device *d = (lua_device *)dev;
    for (int i = 0; i < LUA_DEVICE_IRQS; i++)
        set_level(d, i, 0);
    int top;
    if (begin(d, H_RESET, &top)) {
        bb_lua_call_callback(d->w, 1, 0);
        bb_lua_end_callback(d->w, top);
    }
}

/* Snapshots: the output levels, then what the model's save handler returns. */
static void dev_state(bb_device *dev, bb_state *st)
{
    lua_device *d = (lua_device *)dev;
    for (int i = 0; i < LUA_DEVICE_IRQS; i++)
        bb_state_int(st, &d->level[i]);
    uint32_t len = UINT32_MAX;
    int top;
    if (!bb_state_restoring(st)) {
        lua_State *cb = begin(d, H_SAVE, &top);
        size_t n = 0;
        const char *s = NULL;
        if (cb && bb_lua_call_callback(d->w, 1, 1)) s = lua_tolstring(cb, -1, &n);
        if (s) len = (uint32_t)n;
        bb_state_u32(st, &len);
        if (s) bb_state_bytes(st, (void *)s, n);
        if (cb) bb_lua_end_callback(d->w, top);
        return;
    }
    bb_state_u32(st, &len);
    if (len == UINT32_MAX) return;
    char *blob = malloc(len ? len : 1);
    if (!blob) {
        bb_state_fail(st, "out of memory");
        return;
    }
    bb_state_bytes(st, blob, len);
    lua_State *cb = begin(d, H_RESTORE, &top);
    if (cb) {
        lua_pushlstring(cb, blob, len);
        bb_lua_call_callback(d->w, 2, 0);
        bb_lua_end_callback(d->w, top);
    }
    free(blob);
}

static void dev_destroy(bb_device *dev)
{
    lua_device *d = (lua_device *)dev;
    if (d->own) lua_close(d->own); /* its machine object removes its hooks and timers */
    bb_device_cleanup(dev);
    free(d);
}

/* ---- the device object ---- */

static device_handle *check_device(lua_State *L)
{
    device_handle *h = luaL_checkudata(L, 1, BB_LUA_DEVICE);
    if (h->w->closed || h->d->w != h->w) luaL_error(L, "the device's machine is closed");
    return h;
}

/* dev:irq(level [, n = 0]): drives interrupt output n (true/false or 1/0). */
static int dev_irq(lua_State *L)
{
    device_handle *h = check_device(L);
    int level = lua_isboolean(L, 2) ? lua_toboolean(L, 2) : luaL_checkinteger(L, 2) != 0;
    lua_Integer n = luaL_optinteger(L, 3, 0);
    luaL_argcheck(L, n >= 0 && n < LUA_DEVICE_IRQS, 3, "interrupt outputs are 0 to 7");
    set_level(h->d, (int)n, level);
    bb_lua_raise_pending(L, h->w);
    return 0;
}

/* dev:prop(name): a property of the device's DTS node: a string, an integer (one cell), a
 * table of cells, or nil. */
static int dev_prop(lua_State *L)
{
    device_handle *h = check_device(L);
    const char *name = luaL_checkstring(L, 2);
    const void *fdt = h->d->dev.machine->fdt;
    int len = 0;
    const uint8_t *p = h->d->node >= 0 ? fdt_getprop(fdt, h->d->node, name, &len) : NULL;
    if (!p) return 0;
    bool text = len > 0 && p[len - 1] == 0;
    for (int i = 0; text && i < len - 1; i++)
        text = p[i] >= 0x20 && p[i] < 0x7f;
    if (text) {
        lua_pushstring(L, (const char *)p);
    } else if (len == 4) {
        lua_pushinteger(L, fdt32_to_cpu(*(const fdt32_t *)p));
    } else if (len % 4 == 0) {
        lua_createtable(L, len / 4, 0);
        for (int i = 0; i < len / 4; i++) {
            lua_pushinteger(L, fdt32_to_cpu(((const fdt32_t *)p)[i]));
            lua_rawseti(L, -2, i + 1);
        }
    } else {
        lua_pushlstring(L, (const char *)p, (size_t)len);
    }
    return 1;
}

/* dev.name, dev.base, dev.size, dev.machine, the methods, then the model's own fields. */
static int device_index(lua_State *L)
{
    device_handle *h = luaL_checkudata(L, 1, BB_LUA_DEVICE);
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    if (!lua_isnil(L, -1)) return 1;
    const char *key = lua_tostring(L, 2);
    if (h->w->closed) return luaL_error(L, "the device's machine is closed");
    if (key && strcmp(key, "machine") == 0) {
        lua_getiuservalue(L, 1, 2);
        return 1;
    }
    if (key && strcmp(key, "name") == 0) {
        lua_pushstring(L, h->d->dev.name);
        return 1;
    }
    if (key && (strcmp(key, "base") == 0 || strcmp(key, "size") == 0)) {
        lua_pushinteger(L, (lua_Integer)(key[0] == 'b' ? h->d->base : h->d->size));
        return 1;
    }
    lua_getiuservalue(L, 1, 1);
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    return 1;
}

static int device_newindex(lua_State *L)
{
    luaL_checkudata(L, 1, BB_LUA_DEVICE);
    lua_getiuservalue(L, 1, 1);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_rawset(L, -3);
    return 0;
}

static int device_tostring(lua_State *L)
{
    device_handle *h = luaL_checkudata(L, 1, BB_LUA_DEVICE);
    lua_pushfstring(L, "bb.device (%s)", h->d->dev.name);
    return 1;
}

/* ---- creating devices ---- */

/* Maps the device and makes its object; the model table is on top of L and the machine
 * object at machine_idx. Returns false with a message (on L) when it cannot. */
static bool setup(lua_State *L, lua_device *d, lua_machine *w, int machine_idx)
{
    int model = lua_gettop(L);
    for (int i = 0; i < H_COUNT; i++) {
        int type = lua_getfield(L, model, handler_names[i]);
        if (type == LUA_TFUNCTION) d->handler[i] = bb_lua_store(w, L, -1);
        lua_pop(L, 1);
        if (type != LUA_TFUNCTION && type != LUA_TNIL) {
            lua_pushfstring(L, "the model's '%s' is a %s, not a function", handler_names[i],
                            lua_typename(L, type));
            return false;
        }
    }
    device_handle *h = lua_newuserdatauv(L, sizeof(*h), 2);
    h->d = d;
    h->w = w;
    lua_newtable(L);
    lua_setiuservalue(L, -2, 1);
    lua_pushvalue(L, machine_idx);
    lua_setiuservalue(L, -2, 2);
    luaL_setmetatable(L, BB_LUA_DEVICE);
    d->obj_key = bb_lua_store(w, L, -1);
    lua_pop(L, 1);
    d->w = w;
    bb_machine *m = d->dev.machine;
    if (!bb_bus_add_mmio(m->bus, d->dev.name, d->base, d->size, &lua_device_ops, d)) {
        char range[48];
        snprintf(range, sizeof(range), "0x%llx+0x%llx", (unsigned long long)d->base,
                 (unsigned long long)d->size);
        lua_pushfstring(L, "%s overlaps another region of the bus", range);
        return false;
    }
    d->mapped = true;
    d->dev.reset = dev_reset;
    d->dev.destroy = dev_destroy;
    d->dev.state = dev_state;
    int top;
    if (begin(d, H_INIT, &top)) {
        bb_lua_call_callback(w, 1, 0);
        bb_lua_end_callback(w, top);
    }
    return true;
}

static lua_device *new_device(bb_machine *m, const char *name, uint64_t base, uint64_t size)
{
    lua_device *d = calloc(1, sizeof(*d));
    if (!d) return NULL;
    if (!bb_device_init(&d->dev, &bb_model_lua, m, name, LUA_DEVICE_IRQS, 0, NULL, NULL)) {
        free(d);
        return NULL;
    }
    d->base = base;
    d->size = size;
    d->node = -1;
    return d;
}

/* The outputs of a script-placed device: {n, ...} (inputs of the root interrupt
 * controller) or {{controller = "sic", input = n}, ...}. */
static void wire_outputs(lua_State *L, int opts, lua_device *d)
{
    if (lua_getfield(L, opts, "irqs") == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    luaL_checktype(L, -1, LUA_TTABLE);
    int n = (int)luaL_len(L, -1);
    if (n > LUA_DEVICE_IRQS) luaL_error(L, "m:add_device: at most %d irqs", LUA_DEVICE_IRQS);
    for (int i = 0; i < n; i++) {
        const char *controller = NULL;
        lua_Integer input;
        if (lua_geti(L, -1, i + 1) == LUA_TTABLE) {
            lua_getfield(L, -1, "controller");
            controller = lua_tostring(L, -1);
            lua_getfield(L, -2, "input");
            input = luaL_checkinteger(L, -1);
            lua_pop(L, 2);
        } else {
            input = luaL_checkinteger(L, -1);
        }
        lua_pop(L, 1);
        if (!bb_machine_irq_input(d->dev.machine, controller, (int)input, &d->dev.irq_out[i]))
            luaL_error(L, "m:add_device: no input %d on interrupt controller '%s'", (int)input,
                       controller ? controller : "(the root one)");
    }
    lua_pop(L, 1);
}

/* m:add_device{base=, size=, name=, irqs=, model = FILE | TABLE, or the handlers} */
static int m_add_device(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    if (w->running) return luaL_error(L, "m:add_device: not while the machine runs");
    lua_getfield(L, 2, "base");
    uint64_t base = (uint64_t)luaL_checkinteger(L, -1);
    lua_getfield(L, 2, "size");
    uint64_t size = (uint64_t)luaL_optinteger(L, -1, 0x1000);
    lua_getfield(L, 2, "name");
    char name[64];
    if (lua_isstring(L, -1))
        snprintf(name, sizeof(name), "%s", lua_tostring(L, -1));
    else
        snprintf(name, sizeof(name), "lua@%llx", (unsigned long long)base);
    lua_settop(L, 2);
    if (!size) return luaL_error(L, "m:add_device: size must not be 0");
    /* The model: a file that returns a table, a table, or the options themselves. */
    int type = lua_getfield(L, 2, "model");
    if (type == LUA_TSTRING) {
        const char *path = lua_tostring(L, -1);
        if (luaL_loadfile(L, path) != LUA_OK) return lua_error(L);
        lua_call(L, 0, 1);
        if (!lua_istable(L, -1)) return luaL_error(L, "model '%s' did not return a table", path);
    } else if (type == LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushvalue(L, 2);
    } else {
        luaL_checktype(L, -1, LUA_TTABLE);
    }
    lua_device *d = new_device(w->m, name, base, size);
    if (!d) return luaL_error(L, "out of memory");
    if (!setup(L, d, w, 1)) { /* nothing was mapped */
        bb_device_cleanup(&d->dev);
        free(d);
        return luaL_error(L, "m:add_device %s: %s", name, lua_tostring(L, -1));
    }
    d->dev.next = w->m->devices;
    w->m->devices = &d->dev;
    wire_outputs(L, 2, d);
    bb_lua_raise_pending(L, w);
    bb_lua_fetch(w, L, d->obj_key);
    return 1;
}

/* m:device(name): the object of a Lua device placed by this script. */
static int m_device(lua_State *L)
{
    lua_machine *w = bb_lua_check_machine(L, 1);
    bb_device *dev = bb_machine_find_device(w->m, luaL_checkstring(L, 2));
    if (!dev || dev->model != &bb_model_lua || ((lua_device *)dev)->w != w) return 0;
    bb_lua_fetch(w, L, ((lua_device *)dev)->obj_key);
    return 1;
}

/* ---- DTS-placed devices ---- */

/* The model file: relative paths are taken from the board file's folder if it has one. */
static void model_path(const bb_machine *m, const char *file, char *out, size_t len)
{
    const char *slash = strrchr(m->board_name, '/');
    if (file[0] == '/' || !slash) {
        snprintf(out, len, "%s", file);
        return;
    }
    snprintf(out, len, "%.*s/%s", (int)(slash - m->board_name), m->board_name, file);
    FILE *f = fopen(out, "r");
    if (f)
        fclose(f);
    else
        snprintf(out, len, "%s", file);
}

static bb_device *lua_model_create(bb_machine *m, const bb_device_config *cfg, char *err,
                                   size_t errlen)
{
    const char *file =
        cfg->fdt ? fdt_getprop(cfg->fdt, cfg->node, "brassboard,script", NULL) : NULL;
    if (!file) {
        snprintf(err, errlen, "needs a brassboard,script property (the model's Lua file)");
        return NULL;
    }
    if (cfg->n_regs < 1 || cfg->reg_size[0] == 0) {
        snprintf(err, errlen, "needs a reg property (the register block)");
        return NULL;
    }
    char path[512];
    model_path(m, file, path, sizeof(path));
    lua_device *d = new_device(m, cfg->name, cfg->reg_base[0], cfg->reg_size[0]);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->node = cfg->node;
    d->session.script_limit = BB_LUA_DEFAULT_SCRIPT_LIMIT;
    d->session.guest_limit = BB_LUA_DEFAULT_GUEST_LIMIT;
    d->session.timeout_ns = BB_LUA_DEFAULT_TIMEOUT_NS;
    lua_State *L = d->own = bb_lua_new_state(&d->session);
    bool ok = false;
    if (L) {
        d->own_w = bb_lua_push_machine(L, m, false);
        d->own_w->print_errors = true;
        lua_setfield(L, LUA_REGISTRYINDEX, "bb.device_machine"); /* keeps it */
        lua_getfield(L, LUA_REGISTRYINDEX, "bb.device_machine");
        int machine_idx = lua_gettop(L);
        if (luaL_loadfile(L, path) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
            snprintf(err, errlen, "%s", lua_tostring(L, -1));
        } else if (!lua_istable(L, -1)) {
            snprintf(err, errlen, "%s: the model did not return a table", path);
        } else if (!setup(L, d, d->own_w, machine_idx)) {
            snprintf(err, errlen, "%s: %s", path, lua_tostring(L, -1));
        } else if (d->own_w->has_error) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, d->own_w->table);
            lua_getfield(L, -1, "error");
            snprintf(err, errlen, "%s", luaL_tolstring(L, -1, NULL));
        } else {
            ok = true;
        }
        lua_settop(L, 0);
    } else {
        snprintf(err, errlen, "out of memory");
    }
    if (!ok) {
        if (d->mapped) bb_bus_remove(m->bus, d->base);
        dev_destroy(&d->dev);
        return NULL;
    }
    return &d->dev;
}

static const char *const lua_compatible[] = {"brassboard,lua", NULL};

const bb_device_model bb_model_lua = {
    "lua",
    "a peripheral written in Lua (brassboard,script names the model's file)",
    lua_compatible,
    lua_model_create,
};

void bb_lua_adopt_device_errors(lua_machine *w, bool adopt)
{
    if (!w->m) return;
    for (bb_device *dev = w->m->devices; dev; dev = dev->next) {
        if (dev->model != &bb_model_lua) continue;
        lua_device *d = (lua_device *)dev;
        if (!d->own_w) continue;
        if (adopt && !d->own_w->error_sink) d->own_w->error_sink = w;
        if (!adopt && d->own_w->error_sink == w) d->own_w->error_sink = NULL;
    }
}

void bb_lua_devices_detach(lua_machine *w)
{
    if (!w->m) return;
    for (bb_device *dev = w->m->devices; dev; dev = dev->next)
        if (dev->model == &bb_model_lua && ((lua_device *)dev)->w == w)
            ((lua_device *)dev)->w = NULL;
}

/* ---- registration ---- */

void bb_lua_machine_device_methods(lua_State *L, int methods)
{
    lua_pushcfunction(L, m_add_device);
    lua_setfield(L, methods, "add_device");
    lua_pushcfunction(L, m_device);
    lua_setfield(L, methods, "device");
}

void bb_lua_register_devices(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"irq", dev_irq},
        {"prop", dev_prop},
        {NULL, NULL},
    };
    luaL_newmetatable(L, BB_LUA_DEVICE);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_pushcclosure(L, device_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, device_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, device_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
}
