/*
 * lua_memory.c: guest memory and registers from Lua. m.mem reads and writes virtual
 * addresses through CPU 0's MMU, m.phys physical addresses on the bus; both are debug
 * accesses (no device side effects, no guest exceptions; a Lua peripheral's read handler
 * sees debug = true). m.regs names CPU 0's registers as the guest front-end does
 * ("r0".."r15", "sp", "lr", "pc", "cpsr", ...).
 */
#include <stdio.h>
#include <string.h>

#include "jit/cpu.h"
#include "scripting/lua_internal.h"

typedef struct mem_view {
    lua_machine *w;
    bool phys;
} mem_view;

void bb_lua_push_memory_view(lua_State *L, int machine_idx, bool phys)
{
    machine_idx = lua_absindex(L, machine_idx);
    mem_view *v = lua_newuserdatauv(L, sizeof(*v), 1);
    v->w = lua_touserdata(L, machine_idx);
    v->phys = phys;
    lua_pushvalue(L, machine_idx);
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, BB_LUA_MEMORY);
}

static mem_view *check_view(lua_State *L)
{
    mem_view *v = luaL_checkudata(L, 1, BB_LUA_MEMORY);
    if (v->w->closed) luaL_error(L, "the machine is closed");
    return v;
}

static void transfer(lua_State *L, mem_view *v, uint64_t addr, void *buf, size_t len, bool write)
{
    lua_machine *w = v->w;
    bool ok;
    if (v->phys) {
        ok = bb_bus_copy(w->m->bus, addr, buf, len, write) == BB_BUS_OK;
    } else {
        ok = addr <= UINT32_MAX && len <= UINT32_MAX - addr + 1 &&
             bb_cpu_debug_rw(w->m->cpus[0], (uint32_t)addr, buf, (uint32_t)len, write);
    }
    bb_lua_raise_pending(L, w); /* a Lua peripheral's handler failed */
    if (!ok) {
        char where[24];
        snprintf(where, sizeof(where), "0x%08llx", (unsigned long long)addr);
        luaL_error(L, "%s %s of %d byte(s) at %s: nothing is mapped there",
                   v->phys ? "physical" : "virtual", write ? "write" : "read", (int)len, where);
    }
}

static int read_n(lua_State *L, unsigned size)
{
    mem_view *v = check_view(L);
    uint64_t addr = bb_lua_check_address(L, v->w, 2);
    uint8_t bytes[8] = {0};
    transfer(L, v, addr, bytes, size, false);
    uint64_t value = 0;
    for (unsigned i = 0; i < size; i++)
        value |= (uint64_t)bytes[i] << (8 * i);
    lua_pushinteger(L, (lua_Integer)value);
    return 1;
}

static int write_n(lua_State *L, unsigned size)
{
    mem_view *v = check_view(L);
    uint64_t addr = bb_lua_check_address(L, v->w, 2);
    uint64_t value = (uint64_t)luaL_checkinteger(L, 3);
    uint8_t bytes[8];
    for (unsigned i = 0; i < size; i++)
        bytes[i] = (uint8_t)(value >> (8 * i));
    transfer(L, v, addr, bytes, size, true);
    return 0;
}

static int mem_read8(lua_State *L)
{
    return read_n(L, 1);
}
static int mem_read16(lua_State *L)
{
    return read_n(L, 2);
}
static int mem_read32(lua_State *L)
{
    return read_n(L, 4);
}
static int mem_read64(lua_State *L)
{
    return read_n(L, 8);
}
static int mem_write8(lua_State *L)
{
    return write_n(L, 1);
}
static int mem_write16(lua_State *L)
{
    return write_n(L, 2);
}
static int mem_write32(lua_State *L)
{
    return write_n(L, 4);
}
static int mem_write64(lua_State *L)
{
    return write_n(L, 8);
}

/* mem:read(address, length) -> string of bytes */
static int mem_read(lua_State *L)
{
    mem_view *v = check_view(L);
    uint64_t addr = bb_lua_check_address(L, v->w, 2);
    lua_Integer len = luaL_checkinteger(L, 3);
    luaL_argcheck(L, len >= 0 && len <= (1 << 26), 3, "length out of range (up to 64 MiB)");
    luaL_Buffer b;
    char *buf = luaL_buffinitsize(L, &b, (size_t)len);
    transfer(L, v, addr, buf, (size_t)len, false);
    luaL_pushresultsize(&b, (size_t)len);
    return 1;
}

/* mem:write(address, bytes) */
static int mem_write(lua_State *L)
{
    mem_view *v = check_view(L);
    uint64_t addr = bb_lua_check_address(L, v->w, 2);
    size_t len;
    const char *s = luaL_checklstring(L, 3, &len);
    /* Writing only reads the buffer: the string is not changed. */
    transfer(L, v, addr, (void *)s, len, true);
    return 0;
}

/* mem:string(address [, max = 4096]) -> the NUL-terminated string there */
static int mem_string(lua_State *L)
{
    mem_view *v = check_view(L);
    uint64_t addr = bb_lua_check_address(L, v->w, 2);
    lua_Integer max = luaL_optinteger(L, 3, 4096);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (lua_Integer i = 0; i < max; i++) {
        uint8_t c;
        transfer(L, v, addr + (uint64_t)i, &c, 1, false);
        if (!c) break;
        luaL_addchar(&b, (char)c);
    }
    luaL_pushresult(&b);
    return 1;
}

static int mem_tostring(lua_State *L)
{
    mem_view *v = luaL_checkudata(L, 1, BB_LUA_MEMORY);
    lua_pushstring(L, v->phys ? "bb.memory (physical)" : "bb.memory (virtual, CPU 0)");
    return 1;
}

/* ---- registers ---- */

void bb_lua_push_registers(lua_State *L, int machine_idx)
{
    machine_idx = lua_absindex(L, machine_idx);
    void **p = bb_lua_new_handle(L, BB_LUA_REGS, machine_idx);
    *p = lua_touserdata(L, machine_idx);
}

static bb_cpu *regs_cpu(lua_State *L, int *reg)
{
    lua_machine *w = *(lua_machine **)luaL_checkudata(L, 1, BB_LUA_REGS);
    if (w->closed) luaL_error(L, "the machine is closed");
    bb_cpu *cpu = w->m->cpus[0];
    if (reg) {
        const char *name = luaL_checkstring(L, 2);
        *reg = bb_cpu_reg_find(cpu, name);
        if (*reg < 0) luaL_error(L, "no register '%s' on this CPU (%s)", name, cpu->ops->name);
    }
    return cpu;
}

static int regs_index(lua_State *L)
{
    int reg;
    bb_cpu *cpu = regs_cpu(L, &reg);
    lua_pushinteger(L, (lua_Integer)cpu->ops->reg_read(cpu, reg));
    return 1;
}

static int regs_newindex(lua_State *L)
{
    int reg;
    bb_cpu *cpu = regs_cpu(L, &reg);
    cpu->ops->reg_write(cpu, reg, (uint64_t)luaL_checkinteger(L, 3));
    return 0;
}

/* m.regs() -> a table of every register by name */
static int regs_call(lua_State *L)
{
    bb_cpu *cpu = regs_cpu(L, NULL);
    lua_createtable(L, 0, cpu->ops->n_regs);
    for (int i = 0; i < cpu->ops->n_regs; i++) {
        lua_pushinteger(L, (lua_Integer)cpu->ops->reg_read(cpu, i));
        lua_setfield(L, -2, cpu->ops->regs[i].name);
    }
    return 1;
}

/* ---- registration ---- */

void bb_lua_machine_memory_methods(lua_State *L, int methods)
{
    (void)L, (void)methods; /* memory is reached through the m.mem and m.phys views */
}

void bb_lua_register_memory(lua_State *L)
{
    static const luaL_Reg mem_methods[] = {
        {"read8", mem_read8},
        {"read16", mem_read16},
        {"read32", mem_read32},
        {"read64", mem_read64},
        {"write8", mem_write8},
        {"write16", mem_write16},
        {"write32", mem_write32},
        {"write64", mem_write64},
        {"read", mem_read},
        {"write", mem_write},
        {"string", mem_string},
        {"__tostring", mem_tostring},
        {NULL, NULL},
    };
    bb_lua_new_class(L, BB_LUA_MEMORY, mem_methods);
    luaL_newmetatable(L, BB_LUA_REGS);
    lua_pushcfunction(L, regs_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, regs_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, regs_call);
    lua_setfield(L, -2, "__call");
    lua_pop(L, 1);
}
