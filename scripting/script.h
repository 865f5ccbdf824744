/*
 * script.h: Lua 5.4 scripting of machines. The `bb` module (machines, memory, registers,
 * symbols, hooks, UARTs, timers, snapshots, peripherals written in Lua, test helpers), the
 * `brassboard run --script` entry and the `brassboard test` runner. docs/lua.md is the
 * user's reference.
 */
#ifndef BB_SCRIPT_H
#define BB_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "core/device.h"
#include "core/machine.h"

typedef struct lua_State lua_State;

/* Opens the `bb` module in a Lua state (as luaL_requiref's opener: leaves the module). */
int bb_lua_open(lua_State *L);

/* brassboard run --script FILE: runs the script on the machine the command line built
 * (`image`, if any, already loaded; its symbols are read), then runs the machine with the
 * script's hooks in place, unless the script itself finished the run. Returns why the run
 * stopped, as bb_machine_run; BB_STOP_BREAK when the script stopped it. On a script error
 * (loading it or in a hook) returns BB_STOP_NONE with a message naming file:line in err. */
bb_stop_reason bb_script_run(bb_machine *m, const char *script, const char *image,
                             uint64_t max_insns, char *err, size_t errlen);

/* brassboard test SUITE.lua [options]: argv holds what follows "test". Returns the exit
 * status: 0 when every test passed or was skipped, 1 when one failed, 2 for bad input. */
int bb_script_test_main(int argc, char **argv);

/* The peripheral model of device-tree nodes with compatible "brassboard,lua": the node's
 * `brassboard,script` property names the Lua file of the model. */
extern const bb_device_model bb_model_lua;

#endif
